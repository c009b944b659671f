/* SPDX-License-Identifier: MIT */
/*
 * The HTTP(S) fixtures (see http_fixture.h): the openssl command lines of
 * the test PKI, `essc impl --listen` under GSubprocess, and the hostile
 * servers, each a thread that serves one connection at a time with blocking
 * GIO calls, all of them cancellable so that stopping never waits on the
 * client.
 */
#include "tests/lib/http_fixture.h"

#include "tests/lib/run.h"
#include "tests/lib/testutil.h"

#include <json-glib/json-glib.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>

/* ---- test PKI ------------------------------------------------------------ */

FxPki *
fx_pki_new (void)
{
  FxPki *p = g_new0 (FxPki, 1);
  p->dir = essc_test_make_tmpdir ("essc-pki-XXXXXX");
  g_autofree char *q = g_shell_quote (p->dir);
  /* A CA, another CA, and a server and a client certificate from the first. */
  EsscTestRun r = essc_test_run_sh (
      "set -e; cd %s; "
      "ca () { openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes "
      "  -keyout $1.key -out $1.pem -days 2 -subj /CN=$1 "
      "  -addext basicConstraints=critical,CA:TRUE "
      "  -addext keyUsage=critical,keyCertSign,cRLSign; }; "
      "leaf () { openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes "
      "  -keyout $1.key -out $1.csr -subj /CN=$2; "
      "  printf '%%s\\n' \"$3\" 'basicConstraints=CA:FALSE' \"extendedKeyUsage=$4\" > $1.ext; "
      "  openssl x509 -req -in $1.csr -CA ca.pem -CAkey ca.key -set_serial $5 -days 2 "
      "  -extfile $1.ext -out $1.pem; }; "
      "ca ca; ca other-ca; "
      "leaf server 127.0.0.1 subjectAltName=IP:127.0.0.1,DNS:localhost serverAuth 2; "
      "leaf client essc-test-client subjectAltName=DNS:client.invalid clientAuth 3",
      q);
  if (r.status != 0)
    g_error ("making the test PKI with openssl failed (%d): %s", r.status, r.err);
  essc_test_run_clear (&r);
  p->ca = g_build_filename (p->dir, "ca.pem", NULL);
  p->ca_key = g_build_filename (p->dir, "ca.key", NULL);
  p->server_cert = g_build_filename (p->dir, "server.pem", NULL);
  p->server_key = g_build_filename (p->dir, "server.key", NULL);
  p->client_cert = g_build_filename (p->dir, "client.pem", NULL);
  p->client_key = g_build_filename (p->dir, "client.key", NULL);
  p->other_ca = g_build_filename (p->dir, "other-ca.pem", NULL);
  return p;
}

void
fx_pki_free (FxPki *p)
{
  if (p == NULL)
    return;
  essc_test_remove_dir (p->dir);
  g_free (p->dir);
  g_free (p->ca);
  g_free (p->ca_key);
  g_free (p->server_cert);
  g_free (p->server_key);
  g_free (p->client_cert);
  g_free (p->client_key);
  g_free (p->other_ca);
  g_free (p);
}

/* ---- essc impl --listen ---------------------------------------------------- */

#define START_WAIT_US (5 * G_USEC_PER_SEC)

/* In the child: a SIGTERM when the test binary dies (a failed assertion
 * aborts it before fx_impl_server_stop), so no server outlives it. */
char *
fx_read_first_line (GSubprocess *proc, const char *what, gint64 wait_us, const char *err_path)
{
  g_autoptr (GError) error = NULL;
  GPollableInputStream *out = G_POLLABLE_INPUT_STREAM (g_subprocess_get_stdout_pipe (proc));
  GString *line = g_string_new (NULL);
  gint64 deadline = g_get_monotonic_time () + wait_us;
  while (strchr (line->str, '\n') == NULL)
    {
      char buf[256];
      gssize n = g_pollable_input_stream_read_nonblocking (out, buf, sizeof buf, NULL, &error);
      if (n < 0 && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
        {
          g_clear_error (&error);
          if (g_get_monotonic_time () > deadline)
            g_error ("%s printed no line within %" G_GINT64_FORMAT " s", what,
                     wait_us / G_USEC_PER_SEC);
          g_usleep (5000);
          continue;
        }
      g_assert_no_error (error);
      if (n == 0)
        {
          g_autofree char *err = NULL;
          if (err_path != NULL)
            g_file_get_contents (err_path, &err, NULL, NULL);
          g_error ("%s ended without printing its URL%s%s", what, err ? ": " : "",
                   err ? err : "");
        }
      g_string_append_len (line, buf, n);
    }
  return g_string_free (line, FALSE);
}

void
fx_die_with_parent (gpointer data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

struct _FxImplServer {
  GSubprocess *proc;
  char *url;
};

FxImplServer *
fx_impl_server_start (const char *role, const char *const *extra)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_ptr_array_add (argv, (gpointer) essc_test_bin ());
  g_ptr_array_add (argv, "impl");
  g_ptr_array_add (argv, "--role");
  g_ptr_array_add (argv, (gpointer) role);
  g_ptr_array_add (argv, "--listen");
  g_ptr_array_add (argv, "127.0.0.1:0");
  for (int i = 0; extra != NULL && extra[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) extra[i]);
  g_ptr_array_add (argv, NULL);
  g_autoptr (GError) error = NULL;
  FxImplServer *s = g_new0 (FxImplServer, 1);
  g_autoptr (GSubprocessLauncher) launcher = g_subprocess_launcher_new (
      G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  if (g_getenv ("ESSC_SANITIZE") != NULL && extra != NULL
      && g_strv_contains (extra, "--tls-cert"))
    g_subprocess_launcher_setenv (launcher, "ASAN_OPTIONS", "detect_leaks=0", TRUE);
  g_subprocess_launcher_set_child_setup (launcher, fx_die_with_parent, NULL, NULL);
  s->proc = g_subprocess_launcher_spawnv (launcher, (const char *const *) argv->pdata, &error);
  g_assert_no_error (error);

  g_autofree char *line = fx_read_first_line (s->proc, "essc impl --listen", START_WAIT_US,
                                              NULL);
  g_assert_true (g_str_has_prefix (line, "listening on "));
  g_assert_cmpuint (strlen (line), ==, strcspn (line, "\n") + 1); /* one line */
  s->url = g_strndup (line + 13, strcspn (line + 13, "\n"));
  return s;
}

const char *
fx_impl_server_url (FxImplServer *s)
{
  return s->url;
}

static void
on_waited (GObject *source, GAsyncResult *res, gpointer data)
{
  *(gboolean *) data = TRUE;
}

static gboolean
on_wait_timeout (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

int
fx_impl_server_stop (FxImplServer *s, char **err)
{
  gboolean waited = FALSE, late = FALSE;
  g_subprocess_send_signal (s->proc, SIGTERM);
  g_subprocess_wait_async (s->proc, NULL, on_waited, &waited);
  guint timer = g_timeout_add_seconds (5, on_wait_timeout, &late);
  while (!waited && !late)
    g_main_context_iteration (NULL, TRUE);
  if (!late)
    g_source_remove (timer);
  if (!waited)
    {
      g_subprocess_force_exit (s->proc);
      g_error ("essc impl --listen did not end within 5 s of SIGTERM");
    }
  int status = g_subprocess_get_if_exited (s->proc) ? g_subprocess_get_exit_status (s->proc)
                                                    : -1;
  if (err != NULL)
    {
      g_autoptr (GBytes) bytes = NULL;
      GInputStream *e = g_subprocess_get_stderr_pipe (s->proc);
      char buf[4096];
      gsize n = 0;
      g_input_stream_read_all (e, buf, sizeof buf - 1, &n, NULL, NULL);
      *err = g_strndup (buf, n);
    }
  g_object_unref (s->proc);
  g_free (s->url);
  g_free (s);
  return status;
}

/* ---- hostile servers --------------------------------------------------------- */

struct _FxHostile {
  FxHostileMode mode;
  GTlsCertificate *tls;
  GTlsDatabase *client_ca;
  GSocketListener *listener;
  GCancellable *cancel;
  GThread *thread;
  char *url;
  gint connections, hellos, requests, client_certs;
};

static GSocketListener *
listen_local (guint16 *port)
{
  g_autoptr (GError) error = NULL;
  GSocketListener *l = g_socket_listener_new ();
  g_autoptr (GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr (GSocketAddress) any = g_inet_socket_address_new (lo, 0);
  g_autoptr (GSocketAddress) got = NULL;
  g_socket_listener_add_address (l, any, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL,
                                 &got, &error);
  g_assert_no_error (error);
  *port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (got));
  return l;
}

guint16
fx_free_port (void)
{
  guint16 port;
  GSocketListener *l = listen_local (&port);
  g_socket_listener_close (l);
  g_object_unref (l);
  return port;
}

gsize
fx_rss_kib (void)
{
  g_autofree char *text = NULL;
  g_assert_true (g_file_get_contents ("/proc/self/status", &text, NULL, NULL));
  const char *p = strstr (text, "VmRSS:");
  g_assert_nonnull (p);
  return (gsize) g_ascii_strtoull (p + 6 + strspn (p + 6, " \t"), NULL, 10);
}

/* One request read from in: buf keeps bytes already read.  Returns the body
 * (transfer full), or NULL at end of input or on an error. */
static char *
read_request (FxHostile *h, GInputStream *in, GByteArray *buf)
{
  for (;;)
    {
      const char *data = (const char *) buf->data;
      const char *end = buf->len ? g_strstr_len (data, buf->len, "\r\n\r\n") : NULL;
      if (end != NULL)
        {
          gsize head = (gsize) (end - data) + 4;
          g_autofree char *headers = g_ascii_strdown (data, (gssize) head);
          const char *cl = strstr (headers, "\r\ncontent-length:");
          gsize len = cl ? (gsize) g_ascii_strtoull (cl + 17, NULL, 10) : 0;
          if (buf->len >= head + len)
            {
              char *body = g_strndup (data + head, len);
              g_byte_array_remove_range (buf, 0, (guint) (head + len));
              return body;
            }
        }
      guint8 chunk[4096];
      gssize n = g_input_stream_read (in, chunk, sizeof chunk, h->cancel, NULL);
      if (n <= 0)
        return NULL;
      g_byte_array_append (buf, chunk, (guint) n);
    }
}

static gboolean
put (FxHostile *h, GOutputStream *out, const char *text, gsize len)
{
  return g_output_stream_write_all (out, text, len, NULL, h->cancel, NULL);
}

static gboolean
respond (FxHostile *h, GOutputStream *out, const char *status, const char *type,
         const char *extra, const char *body)
{
  g_autofree char *msg = g_strdup_printf ("HTTP/1.1 %s\r\nContent-Type: %s\r\n%s"
                                          "Content-Length: %zu\r\n\r\n%s",
                                          status, type, extra, strlen (body), body);
  return put (h, out, msg, strlen (msg));
}

/* Answers one non-hello request the hostile way; FALSE to drop the
 * connection. */
static gboolean
misbehave (FxHostile *h, GSocketConnection *conn, GOutputStream *out, gint64 id,
           const char *op)
{
  switch (h->mode)
    {
    case FX_HOSTILE_GOOD:
      {
        g_autofree char *b = g_strdup_printf ("{\"id\":%" G_GINT64_FORMAT ",\"ok\":true,"
                                              "\"result\":{\"op\":\"%s\"}}",
                                              id, op);
        return respond (h, out, "200 OK", "application/json", "", b);
      }
    case FX_HOSTILE_SILENT:
    case FX_HOSTILE_GARBAGE:
      return TRUE; /* the next read waits for the client to give up */
    case FX_HOSTILE_SLOW_DRIP:
      {
        static const char head[] = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                                   "Content-Length: 200\r\n\r\n";
        if (!put (h, out, head, strlen (head)))
          return FALSE;
        for (int i = 0; i < 200 && !g_cancellable_is_cancelled (h->cancel); i++)
          {
            if (!put (h, out, " ", 1))
              return FALSE;
            g_usleep (50000);
          }
        return FALSE;
      }
    case FX_HOSTILE_HUGE_LENGTH:
      {
        static const char head[] = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                                   "Content-Length: 100000000\r\n\r\n{\"id\":";
        return put (h, out, head, strlen (head));
      }
    case FX_HOSTILE_CHUNKED_FOREVER:
      {
        static const char head[] = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                                   "Transfer-Encoding: chunked\r\n\r\n";
        if (!put (h, out, head, strlen (head)))
          return FALSE;
        g_autofree char *chunk = g_malloc (65536 + 16);
        memcpy (chunk, "10000\r\n", 7);
        memset (chunk + 7, ' ', 65536);
        memcpy (chunk + 7 + 65536, "\r\n", 2);
        while (put (h, out, chunk, 7 + 65536 + 2))
          ;
        return FALSE;
      }
    case FX_HOSTILE_WRONG_TYPE:
      return respond (h, out, "200 OK", "text/html", "", "<html>hello</html>");
    case FX_HOSTILE_RESET_MID_BODY:
      {
        static const char head[] = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                                   "Content-Length: 1000\r\n\r\n{\"id\":1,\"o";
        put (h, out, head, strlen (head));
        g_output_stream_flush (out, NULL, NULL);
        g_usleep (20000);
        /* SO_LINGER 0: close() sends a reset instead of a FIN. */
        struct linger lg = { 1, 0 };
        int fd = g_socket_get_fd (g_socket_connection_get_socket (conn));
        setsockopt (fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
        g_socket_close (g_socket_connection_get_socket (conn), NULL);
        return FALSE;
      }
    case FX_HOSTILE_REDIRECT:
      return respond (h, out, "302 Found", "text/plain",
                      "Location: http://elsewhere.invalid/essc\r\n", "moved");
    case FX_HOSTILE_STATUS_500:
      return respond (h, out, "500 Internal Server Error", "text/plain", "", "boom");
    case FX_HOSTILE_STATUS_501:
      return respond (h, out, "501 Not Implemented", "text/plain", "", "later");
    case FX_HOSTILE_STATUS_404:
      return respond (h, out, "404 Not Found", "text/plain", "", "where?");
    case FX_HOSTILE_NOT_JSON:
      return respond (h, out, "200 OK", "application/json", "", "<ok/>");
    case FX_HOSTILE_WRONG_ID:
      {
        g_autofree char *b = g_strdup_printf ("{\"id\":%" G_GINT64_FORMAT ",\"ok\":true,"
                                              "\"result\":{}}",
                                              id + 1000);
        return respond (h, out, "200 OK", "application/json", "", b);
      }
    }
  return FALSE;
}

/* The server's check of a client certificate: signed by client_ca (GnuTLS
 * on the server side does not use the connection's database here). */
static gboolean
on_client_certificate (GTlsConnection *tls, GTlsCertificate *cert, GTlsCertificateFlags errors,
                       gpointer data)
{
  FxHostile *h = data;
  return g_tls_database_verify_chain (h->client_ca, cert,
                                      G_TLS_DATABASE_PURPOSE_AUTHENTICATE_CLIENT, NULL, NULL,
                                      G_TLS_DATABASE_VERIFY_NONE, h->cancel, NULL)
         == 0;
}

static void
serve_connection (FxHostile *h, GSocketConnection *conn)
{
  GIOStream *io = G_IO_STREAM (conn);
  g_autoptr (GIOStream) tls = NULL;
  if (h->mode == FX_HOSTILE_GARBAGE)
    {
      /* Neither TLS nor HTTP; then whatever comes is read and dropped. */
      static const char junk[] = "SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n\r\n";
      put (h, g_io_stream_get_output_stream (io), junk, strlen (junk));
      guint8 sink[4096];
      while (g_input_stream_read (g_io_stream_get_input_stream (io), sink, sizeof sink,
                                  h->cancel, NULL) > 0)
        ;
      return;
    }
  else if (h->tls != NULL)
    {
      tls = g_tls_server_connection_new (io, h->tls, NULL);
      g_assert_nonnull (tls);
      if (h->client_ca != NULL)
        {
          g_object_set (tls, "authentication-mode", G_TLS_AUTHENTICATION_REQUIRED, NULL);
          g_tls_connection_set_database (G_TLS_CONNECTION (tls), h->client_ca);
          g_signal_connect (tls, "accept-certificate", G_CALLBACK (on_client_certificate), h);
        }
      if (!g_tls_connection_handshake (G_TLS_CONNECTION (tls), h->cancel, NULL))
        return;
      if (g_tls_connection_get_peer_certificate (G_TLS_CONNECTION (tls)) != NULL)
        g_atomic_int_inc (&h->client_certs);
      io = tls;
    }
  GInputStream *in = g_io_stream_get_input_stream (io);
  GOutputStream *out = g_io_stream_get_output_stream (io);
  g_autoptr (GByteArray) buf = g_byte_array_new ();
  for (;;)
    {
      g_autofree char *body = read_request (h, in, buf);
      if (body == NULL)
        return;
      g_autoptr (JsonParser) parser = json_parser_new ();
      if (!json_parser_load_from_data (parser, body, -1, NULL)
          || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
        return; /* not a request of the runner: drop the connection */
      JsonObject *req = json_node_get_object (json_parser_get_root (parser));
      gint64 id = json_object_get_int_member (req, "id");
      const char *op = json_object_get_string_member (req, "op");
      if (strcmp (op, "hello") == 0)
        {
          g_atomic_int_inc (&h->hellos);
          JsonObject *params = json_object_get_object_member (req, "params");
          g_autofree char *b = g_strdup_printf (
              "{\"id\":%" G_GINT64_FORMAT ",\"ok\":true,\"result\":{\"protocol\":"
              "\"essc-adapter/1\",\"name\":\"hostile\",\"version\":\"0\",\"role\":\"%s\","
              "\"ops\":[\"echo\"]}}",
              id, json_object_get_string_member (params, "role"));
          if (!respond (h, out, "200 OK", "application/json; charset=utf-8", "", b))
            return;
          continue;
        }
      g_atomic_int_inc (&h->requests);
      if (!misbehave (h, conn, out, id, op))
        return;
    }
}

static gpointer
serve (gpointer data)
{
  FxHostile *h = data;
  for (;;)
    {
      g_autoptr (GSocketConnection) conn = g_socket_listener_accept (h->listener, NULL,
                                                                     h->cancel, NULL);
      if (conn == NULL)
        return NULL;
      g_atomic_int_inc (&h->connections);
      serve_connection (h, conn);
      g_io_stream_close (G_IO_STREAM (conn), NULL, NULL);
    }
}

FxHostile *
fx_hostile_start (FxHostileMode mode, GTlsCertificate *tls, GTlsDatabase *client_ca)
{
  FxHostile *h = g_new0 (FxHostile, 1);
  guint16 port;
  h->mode = mode;
  h->tls = tls ? g_object_ref (tls) : NULL;
  h->client_ca = client_ca ? g_object_ref (client_ca) : NULL;
  h->listener = listen_local (&port);
  h->cancel = g_cancellable_new ();
  h->url = g_strdup_printf ("%s://127.0.0.1:%u/essc", tls ? "https" : "http", port);
  h->thread = g_thread_new ("hostile-http", serve, h);
  return h;
}

const char *
fx_hostile_url (FxHostile *h)
{
  return h->url;
}

guint
fx_hostile_connections (FxHostile *h)
{
  return (guint) g_atomic_int_get (&h->connections);
}

guint
fx_hostile_hellos (FxHostile *h)
{
  return (guint) g_atomic_int_get (&h->hellos);
}

guint
fx_hostile_requests (FxHostile *h)
{
  return (guint) g_atomic_int_get (&h->requests);
}

guint
fx_hostile_client_certs (FxHostile *h)
{
  return (guint) g_atomic_int_get (&h->client_certs);
}

void
fx_hostile_stop (FxHostile *h)
{
  if (h == NULL)
    return;
  g_cancellable_cancel (h->cancel);
  g_thread_join (h->thread);
  g_socket_listener_close (h->listener);
  g_object_unref (h->listener);
  g_object_unref (h->cancel);
  g_clear_object (&h->tls);
  g_clear_object (&h->client_ca);
  g_free (h->url);
  g_free (h);
}
