/* SPDX-License-Identifier: MIT */
/*
 * The reference implementation over HTTP(S) (impl_http.h).  An early
 * handler turns off libsoup's accumulation of the request body and keeps at
 * most CONF_IMPL_LINE_MAX + 1 bytes of it in a buffer attached to the
 * message, so a hostile client cannot grow the server's memory; the normal
 * handler then checks method, path and content type and passes the body to
 * conf_impl_handle.
 */
#include "conformance/impl_http.h"

#include <glib-unix.h>
#include <libsoup/soup.h>
#include <signal.h>
#include <stdarg.h>
#include <string.h>

#define BODY_KEY "essc-body"

typedef struct {
  ConfImpl *impl;
  const char *path;
  GMainLoop *loop;
} Server;

/* The request body as it arrives, capped. */
typedef struct {
  GByteArray *data;
  gboolean too_long;
} Body;

static void
body_free (gpointer p)
{
  Body *b = p;
  g_byte_array_unref (b->data);
  g_free (b);
}

static void
on_got_chunk (SoupServerMessage *msg, GBytes *chunk, gpointer data)
{
  Body *b = data;
  gsize n;
  const guint8 *bytes = g_bytes_get_data (chunk, &n);
  if (b->too_long || b->data->len + n > CONF_IMPL_LINE_MAX + 1)
    {
      b->too_long = TRUE;
      g_byte_array_set_size (b->data, 0);
      return;
    }
  g_byte_array_append (b->data, bytes, (guint) n);
}

static void
early_handler (SoupServer *server, SoupServerMessage *msg, const char *path, GHashTable *query,
               gpointer data)
{
  Body *b = g_new0 (Body, 1);
  b->data = g_byte_array_new ();
  g_object_set_data_full (G_OBJECT (msg), BODY_KEY, b, body_free);
  soup_message_body_set_accumulate (soup_server_message_get_request_body (msg), FALSE);
  g_signal_connect (msg, "got-chunk", G_CALLBACK (on_got_chunk), b);
}

static void
plain (SoupServerMessage *msg, guint status, const char *fmt, ...) G_GNUC_PRINTF (3, 4);

static void
plain (SoupServerMessage *msg, guint status, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  char *text = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "text/plain; charset=utf-8", SOUP_MEMORY_TAKE, text,
                                    strlen (text));
}

static void
handler (SoupServer *server, SoupServerMessage *msg, const char *path, GHashTable *query,
         gpointer data)
{
  Server *s = data;
  Body *b = g_object_get_data (G_OBJECT (msg), BODY_KEY);
  GHashTable *params = NULL;
  const char *type = soup_message_headers_get_content_type (
      soup_server_message_get_request_headers (msg), &params);
  gboolean json = type != NULL && g_ascii_strcasecmp (type, "application/json") == 0;
  g_clear_pointer (&params, g_hash_table_destroy);
  if (strcmp (path, s->path) != 0)
    {
      plain (msg, SOUP_STATUS_NOT_FOUND, "essc impl serves %s only\n", s->path);
      return;
    }
  if (strcmp (soup_server_message_get_method (msg), SOUP_METHOD_POST) != 0)
    {
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Allow",
                                    "POST");
      plain (msg, SOUP_STATUS_METHOD_NOT_ALLOWED,
             "POST one adapter-protocol request (docs/ADAPTER.md)\n");
      return;
    }
  if (!json)
    {
      plain (msg, SOUP_STATUS_UNSUPPORTED_MEDIA_TYPE,
             "the request's Content-Type must be application/json\n");
      return;
    }
  if (b == NULL || b->too_long || b->data->len > CONF_IMPL_LINE_MAX)
    {
      plain (msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, "a request is at most %d bytes\n",
             CONF_IMPL_LINE_MAX);
      return;
    }
  gsize len = b->data->len;
  while (len > 0 && (b->data->data[len - 1] == '\n' || b->data->data[len - 1] == '\r'))
    len--;
  char *resp = conf_impl_handle (s->impl, (const char *) b->data->data, len);
  gsize n = strlen (resp);
  resp = g_realloc (resp, n + 2);
  resp[n] = '\n';
  resp[n + 1] = '\0';
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_TAKE, resp, n + 1);
}

static gboolean
on_signal (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_CONTINUE;
}

GInetSocketAddress *
conf_impl_http_parse_listen (const char *text, GError **error)
{
  g_return_val_if_fail (text != NULL, NULL);
  const char *colon = strrchr (text, ':');
  if (colon == NULL || colon == text)
    return conf_impl_fail (error, MODEL_STD_MALFORMED, "'%s': expected ADDR:PORT", text),
           NULL;
  g_autofree char *host = g_strndup (text, colon - text);
  const char *port_text = colon + 1;
  guint64 port;
  if (*port_text == '\0' || strspn (port_text, "0123456789") != strlen (port_text)
      || !g_ascii_string_to_unsigned (port_text, 10, 0, 65535, &port, NULL))
    return conf_impl_fail (error, MODEL_STD_MALFORMED, "'%s': the port must be 0..65535",
                           text),
           NULL;
  gsize hl = strlen (host);
  if (hl >= 2 && host[0] == '[' && host[hl - 1] == ']')
    {
      memmove (host, host + 1, hl - 2);
      host[hl - 2] = '\0';
      if (strchr (host, ':') == NULL)
        host[0] = '\0'; /* brackets are for IPv6 only */
    }
  else if (strchr (host, ':') != NULL)
    host[0] = '\0'; /* an IPv6 address needs brackets */
  g_autoptr (GInetAddress) addr = g_ascii_strcasecmp (host, "localhost") == 0
                                      ? g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4)
                                      : g_inet_address_new_from_string (host);
  if (addr == NULL)
    return conf_impl_fail (error, MODEL_STD_MALFORMED,
                           "'%s': the address must be an IPv4 address, an IPv6 address in "
                           "brackets, or localhost",
                           text),
           NULL;
  return G_INET_SOCKET_ADDRESS (g_inet_socket_address_new (addr, (guint16) port));
}

/* The URL of the first listener, for clients on this machine. */
static char *
url_of (SoupServer *server, gboolean https, const char *path)
{
  GSList *listeners = soup_server_get_listeners (server);
  g_return_val_if_fail (listeners != NULL, NULL);
  g_autoptr (GSocketAddress) local = g_socket_get_local_address (listeners->data, NULL);
  g_slist_free (listeners);
  GInetSocketAddress *in = G_INET_SOCKET_ADDRESS (local);
  GInetAddress *addr = g_inet_socket_address_get_address (in);
  gboolean v6 = g_inet_address_get_family (addr) == G_SOCKET_FAMILY_IPV6;
  g_autofree char *host = g_inet_address_get_is_any (addr)
                             ? g_strdup (v6 ? "::1" : "127.0.0.1")
                             : g_inet_address_to_string (addr);
  return g_strdup_printf ("%s://%s%s%s:%u%s", https ? "https" : "http", v6 ? "[" : "", host,
                          v6 ? "]" : "", g_inet_socket_address_get_port (in), path);
}

gboolean
conf_impl_http_serve (ConfImpl *impl, const ConfImplHttpOptions *options,
                      void (*ready) (const char *url, gpointer user_data), gpointer user_data,
                      GError **error)
{
  g_return_val_if_fail (impl != NULL && options != NULL && options->listen != NULL, FALSE);
  g_autoptr (GError) e = NULL;
  const char *path = options->path ? options->path : "/";
  if (*path != '/')
    return conf_impl_fail (error, MODEL_STD_MALFORMED, "the path '%s' must start with '/'",
                           path);
  g_autoptr (GInetSocketAddress) addr = conf_impl_http_parse_listen (options->listen, error);
  if (addr == NULL)
    return FALSE;
  g_autoptr (GTlsCertificate) cert = NULL;
  if (options->tls_cert != NULL || options->tls_key != NULL)
    {
      if (options->tls_cert == NULL || options->tls_key == NULL)
        return conf_impl_fail (error, MODEL_STD_MALFORMED,
                               "--tls-cert and --tls-key go together");
      if (!g_tls_backend_supports_tls (g_tls_backend_get_default ()))
        return conf_impl_fail (error, MODEL_STD_INTERNAL,
                               "no TLS support for GIO on this system (glib-networking)");
      cert = g_tls_certificate_new_from_files (options->tls_cert, options->tls_key, &e);
      if (cert == NULL)
        return conf_impl_fail (error, MODEL_STD_MALFORMED, "--tls-cert %s --tls-key %s: %s",
                               options->tls_cert, options->tls_key, e->message);
    }

  signal (SIGPIPE, SIG_IGN);
  g_autofree char *agent = g_strdup_printf ("essc-impl/%s", CONF_IMPL_VERSION);
  g_autoptr (SoupServer) server = soup_server_new ("server-header", agent, "tls-certificate",
                                                   cert, NULL);
  Server s = { .impl = impl, .path = path, .loop = g_main_loop_new (NULL, FALSE) };
  soup_server_add_early_handler (server, NULL, early_handler, NULL, NULL);
  soup_server_add_handler (server, NULL, handler, &s, NULL);
  if (!soup_server_listen (server, G_SOCKET_ADDRESS (addr),
                           cert ? SOUP_SERVER_LISTEN_HTTPS : 0, &e))
    {
      g_main_loop_unref (s.loop);
      return conf_impl_fail (error, MODEL_STD_INTERNAL, "cannot listen on %s: %s",
                             options->listen, e->message);
    }
  guint term = g_unix_signal_add (SIGTERM, on_signal, s.loop);
  guint intr = g_unix_signal_add (SIGINT, on_signal, s.loop);
  g_autofree char *url = url_of (server, cert != NULL, path);
  if (ready != NULL)
    ready (url, user_data);
  g_main_loop_run (s.loop);
  g_source_remove (term);
  g_source_remove (intr);
  soup_server_disconnect (server);
  g_main_loop_unref (s.loop);
  return TRUE;
}
