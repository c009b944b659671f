/* SPDX-License-Identifier: MIT */
/*
 * The HTTP(S) transport (transport.h; docs/ADAPTER.md section 6): each
 * request is the body of a POST to the IUT's URL, each response the body of
 * its answer, over one SoupSession that keeps one connection alive.
 *
 * libsoup is driven deterministically: the session lives on a private
 * GMainContext, each exchange starts soup_session_send_async and then reads
 * the body block by block with g_input_stream_read_async, and the context is
 * iterated until the exchange is done.  A timer on the same context cancels
 * the exchange's GCancellable at the deadline, so the deadline covers the
 * whole exchange (resolving, connecting, the TLS handshake, the headers and
 * every byte of the body), not each read.  The body is held up to
 * CONF_CHILD_MAX_LINE bytes (plus a line end and one read block): a
 * Content-Length over the limit is refused as soon as the headers are in,
 * any other body as soon as it passes the limit.  libsoup bounds the
 * response headers itself (64 KiB).  No redirect is followed, no proxy is
 * used, no content coding is asked for (the session has no content
 * decoder), and the connection is dropped after any failure.
 *
 * Failure classes: the deadline is a timeout; a refused, reset or early
 * closed connection, a failed TLS handshake and an untrusted certificate
 * are network failures; HTTP 5xx is a crash of the service, except 501,
 * which is "not implemented" (as exit status 89 of a process); 3xx, 4xx, a
 * Content-Type other than application/json, an over-long body and an
 * answer that is not HTTP are protocol failures.
 */
#include "conformance/transport.h"

#include "base/text.h"

#include <libsoup/soup.h>
#include <stdarg.h>
#include <string.h>

/* Bytes asked for by each read of the body. */
#define READ_BLOCK 65536
/* The longest body: the protocol's line, and a line end the service may add. */
#define MAX_BODY (CONF_CHILD_MAX_LINE + 2)
/* Characters of untrusted text (a header value) quoted in a message. */
#define QUOTE_CHARS 120
/* After the deadline, how long a cancelled exchange may take to unwind
 * before the session is aborted under it. */
#define UNWIND_MS 1000

typedef struct {
  ConfTransport parent;
  char *url;
  GUri *uri;
  char *hostport;       /* "127.0.0.1:8080", "[::1]:443", for messages */
  GMainContext *ctx;    /* private: only the exchanges iterate it */
  SoupSession *session;
  GTlsCertificate *client_cert;
} Http;

#define HTTP(t) ((Http *) (t))

/*
 * One exchange.  Reference-counted: each pending libsoup call holds a
 * reference, so a callback that runs after the exchange gave up finds valid
 * memory.  failure 0 with done: success.
 */
typedef struct {
  gint refs;
  GCancellable *cancellable;
  SoupMessage *msg;
  GInputStream *body;
  GByteArray *data;
  guint8 *block;
  const char *phase;          /* static text: where the exchange is */
  GTlsCertificateFlags tls_errors;
  gboolean done, timed_out;
  ConfCallFailure failure;
  char *what;
} Exchange;

static Exchange *
exchange_ref (Exchange *x)
{
  x->refs++;
  return x;
}

static void
exchange_unref (Exchange *x)
{
  if (--x->refs > 0)
    return;
  g_clear_object (&x->body);
  g_clear_object (&x->msg);
  g_clear_object (&x->cancellable);
  g_byte_array_unref (x->data);
  g_free (x->block);
  g_free (x->what);
  g_free (x);
}

/* Ends the exchange with failure (0: success) and what. */
static void
finish (Exchange *x, ConfCallFailure failure, char *what)
{
  if (x->done)
    {
      g_free (what);
      return;
    }
  x->done = TRUE;
  x->failure = failure;
  x->what = what;
}

/* ---- the wording of failures ---------------------------------------------- */

static char *
quote (const char *text)
{
  g_autofree char *p = base_text_printable (text, strlen (text), QUOTE_CHARS);
  return g_strdup_printf ("\"%s\"", p);
}

static const char *
tls_problem (GTlsCertificateFlags flags)
{
  if (flags & G_TLS_CERTIFICATE_UNKNOWN_CA)
    return "it is not signed by a trusted authority (give a private CA with --ca)";
  if (flags & G_TLS_CERTIFICATE_BAD_IDENTITY)
    return "it does not name the host of the URL";
  if (flags & G_TLS_CERTIFICATE_NOT_ACTIVATED)
    return "it is not valid yet";
  if (flags & G_TLS_CERTIFICATE_EXPIRED)
    return "it has expired";
  if (flags & G_TLS_CERTIFICATE_REVOKED)
    return "it was revoked";
  if (flags & G_TLS_CERTIFICATE_INSECURE)
    return "its algorithm is insecure";
  return "it is not valid";
}

/*
 * The failure of an error from libsoup or GIO while the request was sent or
 * the headers awaited (body FALSE), or while the body was read (body TRUE,
 * received bytes so far).
 */
static void
finish_error (Http *h, Exchange *x, const char *op, gint64 id, int timeout_ms,
              const GError *e, gboolean body, gsize received)
{
  if (x->timed_out || g_error_matches (e, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_autofree char *where = NULL;
      if (body)
        where = g_strdup_printf ("HTTP %u, %zu bytes of the body received",
                                 soup_message_get_status (x->msg), received);
      finish (x, CONF_CALL_TIMEOUT,
              g_strdup_printf ("no%s response to '%s' (id %" G_GINT64_FORMAT ") within %d ms "
                               "(%s)",
                               body ? " complete" : "", op, id, timeout_ms,
                               where ? where : x->phase));
      return;
    }
  const char *h_p = h->hostport;
  if (e->domain == G_TLS_ERROR)
    {
      if (e->code == G_TLS_ERROR_BAD_CERTIFICATE || x->tls_errors != 0)
        finish (x, CONF_CALL_NETWORK,
                g_strdup_printf ("the TLS certificate of %s is not trusted, so '%s' (id %"
                                 G_GINT64_FORMAT ") was not sent: %s",
                                 h_p, op, id, tls_problem (x->tls_errors)));
      else if (e->code == G_TLS_ERROR_CERTIFICATE_REQUIRED)
        finish (x, CONF_CALL_NETWORK,
                g_strdup_printf ("%s requires a TLS client certificate (--client-cert, "
                                 "--client-key), so '%s' (id %" G_GINT64_FORMAT ") was not "
                                 "sent: %s",
                                 h_p, op, id, e->message));
      else
        finish (x, CONF_CALL_NETWORK,
                g_strdup_printf ("the TLS handshake with %s failed, so '%s' (id %"
                                 G_GINT64_FORMAT ") was not sent: %s",
                                 h_p, op, id, e->message));
      return;
    }
  if (e->domain == SOUP_SESSION_ERROR
      && (e->code == SOUP_SESSION_ERROR_PARSING || e->code == SOUP_SESSION_ERROR_ENCODING))
    {
      finish (x, CONF_CALL_PROTOCOL,
              g_strdup_printf ("the answer of %s to '%s' (id %" G_GINT64_FORMAT ") is not an "
                               "HTTP response: %s",
                               h_p, op, id, e->message));
      return;
    }
  if (g_error_matches (e, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED))
    {
      finish (x, CONF_CALL_NETWORK,
              g_strdup_printf ("connection to %s refused, so '%s' (id %" G_GINT64_FORMAT ") "
                               "was not sent",
                               h_p, op, id));
      return;
    }
  if (e->domain == G_RESOLVER_ERROR)
    {
      finish (x, CONF_CALL_NETWORK,
              g_strdup_printf ("the host of %s cannot be resolved, so '%s' (id %"
                               G_GINT64_FORMAT ") was not sent: %s",
                               h->url, op, id, e->message));
      return;
    }
  if (body)
    finish (x, CONF_CALL_NETWORK,
            g_strdup_printf ("the connection to %s broke after %zu bytes of the response body "
                             "to '%s' (id %" G_GINT64_FORMAT "): %s",
                             h_p, received, op, id, e->message));
  else
    finish (x, CONF_CALL_NETWORK,
            g_strdup_printf ("the connection to %s failed before the response to '%s' (id %"
                             G_GINT64_FORMAT ") (%s): %s",
                             h_p, op, id, x->phase, e->message));
}

/* ---- one exchange, step by step --------------------------------------------- */

/* What the callbacks need besides the exchange. */
typedef struct {
  Http *h;
  Exchange *x;
  const char *op;
  gint64 id;
  int timeout_ms;
} Step;

static void read_next (Step *s);

static void
on_network_event (SoupMessage *msg, GSocketClientEvent event, GIOStream *connection,
                  gpointer data)
{
  Exchange *x = data;
  switch (event)
    {
    case G_SOCKET_CLIENT_RESOLVING: x->phase = "resolving the host name"; break;
    case G_SOCKET_CLIENT_CONNECTING: x->phase = "connecting"; break;
    case G_SOCKET_CLIENT_TLS_HANDSHAKING: x->phase = "in the TLS handshake"; break;
    case G_SOCKET_CLIENT_COMPLETE: x->phase = "connected, sending the request"; break;
    default: break;
    }
}

static void
on_wrote_body (SoupMessage *msg, gpointer data)
{
  Exchange *x = data;
  x->phase = "request sent, no response headers";
}

static gboolean
on_accept_certificate (SoupMessage *msg, GTlsCertificate *cert, GTlsCertificateFlags errors,
                       gpointer data)
{
  Exchange *x = data;
  x->tls_errors = errors;
  return FALSE; /* never accepted: the CA of --ca or the system's store decides */
}

static void
on_closed (GObject *source, GAsyncResult *res, gpointer data)
{
  Step *s = data;
  Exchange *x = s->x;
  /* The body was complete: an error closing it costs only the connection,
   * which libsoup then does not reuse. */
  g_input_stream_close_finish (G_INPUT_STREAM (source), res, NULL);
  finish (x, 0, NULL);
  exchange_unref (x);
  g_free (s);
}

static void
on_read (GObject *source, GAsyncResult *res, gpointer data)
{
  Step *s = data;
  Exchange *x = s->x;
  g_autoptr (GError) e = NULL;
  gssize n = g_input_stream_read_finish (G_INPUT_STREAM (source), res, &e);
  if (n < 0)
    finish_error (s->h, x, s->op, s->id, s->timeout_ms, e, TRUE, x->data->len);
  else if (n == 0)
    {
      /* End of the body: closing lets the connection serve the next request. */
      x->phase = "closing the response body";
      g_input_stream_close_async (x->body, G_PRIORITY_DEFAULT, x->cancellable, on_closed, s);
      return;
    }
  else if (x->data->len + (gsize) n > MAX_BODY)
    finish (x, CONF_CALL_PROTOCOL,
            g_strdup_printf ("the response to '%s' (id %" G_GINT64_FORMAT ") is over-long "
                             "(more than %zu bytes)",
                             s->op, s->id, (gsize) CONF_CHILD_MAX_LINE));
  else
    {
      g_byte_array_append (x->data, x->block, (guint) n);
      read_next (s);
      return;
    }
  exchange_unref (x);
  g_free (s);
}

static void
read_next (Step *s)
{
  Exchange *x = s->x;
  g_input_stream_read_async (x->body, x->block, READ_BLOCK, G_PRIORITY_DEFAULT,
                             x->cancellable, on_read, s);
}

/* Checks the status line and headers; FALSE after finishing with a failure. */
static gboolean
check_headers (Step *s)
{
  Exchange *x = s->x;
  SoupMessage *msg = x->msg;
  guint status = soup_message_get_status (msg);
  const char *reason = soup_message_get_reason_phrase (msg);
  SoupMessageHeaders *hdr = soup_message_get_response_headers (msg);
  g_autofree char *why = quote (reason ? reason : "");

  if (!SOUP_STATUS_IS_SUCCESSFUL (status))
    {
      ConfCallFailure failure = CONF_CALL_PROTOCOL;
      g_autofree char *extra = NULL;
      if (status == SOUP_STATUS_NOT_IMPLEMENTED)
        failure = CONF_CALL_NOT_IMPLEMENTED;
      else if (SOUP_STATUS_IS_SERVER_ERROR (status))
        failure = CONF_CALL_CRASH;
      else if (SOUP_STATUS_IS_REDIRECTION (status))
        {
          const char *location = soup_message_headers_get_one (hdr, "Location");
          g_autofree char *q = location ? quote (location) : NULL;
          extra = g_strdup_printf (", a redirect to %s (redirects are not followed)",
                                   q ? q : "nowhere (no Location)");
        }
      finish (x, failure,
              g_strdup_printf ("the service answered '%s' (id %" G_GINT64_FORMAT ") with HTTP %u "
                               "%s%s",
                               s->op, s->id, status, why, extra ? extra : ""));
      return FALSE;
    }
  GHashTable *params = NULL;
  const char *type = soup_message_headers_get_content_type (hdr, &params);
  const char *charset = params ? g_hash_table_lookup (params, "charset") : NULL;
  gboolean type_ok = type != NULL && g_ascii_strcasecmp (type, "application/json") == 0
                     && (charset == NULL || g_ascii_strcasecmp (charset, "utf-8") == 0);
  if (!type_ok)
    {
      const char *raw = soup_message_headers_get_one (hdr, "Content-Type");
      g_autofree char *q = raw ? quote (raw) : NULL;
      g_clear_pointer (&params, g_hash_table_destroy);
      finish (x, CONF_CALL_PROTOCOL,
              g_strdup_printf ("the response to '%s' (id %" G_GINT64_FORMAT ") has %s%s, not "
                               "application/json",
                               s->op, s->id, q ? "Content-Type " : "no Content-Type",
                               q ? q : ""));
      return FALSE;
    }
  g_clear_pointer (&params, g_hash_table_destroy);
  if (soup_message_headers_get_encoding (hdr) == SOUP_ENCODING_CONTENT_LENGTH
      && soup_message_headers_get_content_length (hdr) > (goffset) MAX_BODY)
    {
      finish (x, CONF_CALL_PROTOCOL,
              g_strdup_printf ("the response to '%s' (id %" G_GINT64_FORMAT ") is over-long "
                               "(Content-Length %" G_GINT64_FORMAT ", more than %zu bytes)",
                               s->op, s->id,
                               (gint64) soup_message_headers_get_content_length (hdr),
                               (gsize) CONF_CHILD_MAX_LINE));
      return FALSE;
    }
  return TRUE;
}

static void
on_sent (GObject *source, GAsyncResult *res, gpointer data)
{
  Step *s = data;
  Exchange *x = s->x;
  g_autoptr (GError) e = NULL;
  x->body = soup_session_send_finish (SOUP_SESSION (source), res, &e);
  if (x->body == NULL)
    finish_error (s->h, x, s->op, s->id, s->timeout_ms, e, FALSE, 0);
  else if (check_headers (s))
    {
      read_next (s);
      return;
    }
  exchange_unref (x);
  g_free (s);
}

static gboolean
on_deadline (gpointer data)
{
  Exchange *x = data;
  x->timed_out = TRUE;
  g_cancellable_cancel (x->cancellable);
  return G_SOURCE_REMOVE;
}

static gboolean
on_unwind_limit (gpointer data)
{
  Http *h = data;
  soup_session_abort (h->session);
  return G_SOURCE_REMOVE;
}

/* Iterates the private context until x is done, however long libsoup takes
 * to report a cancellation (aborting the session if it takes too long). */
static void
run_until_done (Http *h, Exchange *x, int timeout_ms)
{
  GSource *deadline = g_timeout_source_new ((guint) MAX (timeout_ms, 0));
  g_source_set_callback (deadline, on_deadline, x, NULL);
  g_source_attach (deadline, h->ctx);
  GSource *unwind = g_timeout_source_new ((guint) MAX (timeout_ms, 0) + UNWIND_MS);
  g_source_set_callback (unwind, on_unwind_limit, h, NULL);
  g_source_attach (unwind, h->ctx);
  while (!x->done)
    g_main_context_iteration (h->ctx, TRUE);
  g_source_destroy (deadline);
  g_source_unref (deadline);
  g_source_destroy (unwind);
  g_source_unref (unwind);
}

static char *
http_exchange (ConfTransport *t, const char *op, gint64 id, const char *line, gsize len,
               int timeout_ms, gsize *resp_len, GError **error)
{
  Http *h = HTTP (t);
  g_main_context_push_thread_default (h->ctx);

  Exchange *x = g_new0 (Exchange, 1);
  x->refs = 1;
  x->cancellable = g_cancellable_new ();
  x->data = g_byte_array_new ();
  x->block = g_malloc (READ_BLOCK);
  x->phase = "sending the request";
  x->msg = soup_message_new_from_uri (SOUP_METHOD_POST, h->uri);
  /* IDEMPOTENT: without it libsoup opens a new connection for every POST.
   * It does not make libsoup send a POST twice (it restarts only requests
   * whose method is idempotent). */
  soup_message_set_flags (x->msg, SOUP_MESSAGE_NO_REDIRECT | SOUP_MESSAGE_IDEMPOTENT);
  g_autoptr (GBytes) body = g_bytes_new (line, len);
  soup_message_set_request_body_from_bytes (x->msg, "application/json", body);
  soup_message_headers_replace (soup_message_get_request_headers (x->msg), "Accept",
                                "application/json");
  if (h->client_cert != NULL)
    soup_message_set_tls_client_certificate (x->msg, h->client_cert);
  g_signal_connect (x->msg, "network-event", G_CALLBACK (on_network_event), x);
  g_signal_connect (x->msg, "wrote-body", G_CALLBACK (on_wrote_body), x);
  g_signal_connect (x->msg, "accept-certificate", G_CALLBACK (on_accept_certificate), x);

  Step *s = g_new0 (Step, 1);
  *s = (Step) { h, exchange_ref (x), op, id, timeout_ms };
  soup_session_send_async (h->session, x->msg, G_PRIORITY_DEFAULT, x->cancellable, on_sent, s);
  run_until_done (h, x, timeout_ms);
  g_signal_handlers_disconnect_by_data (x->msg, x);

  char *resp = NULL;
  if (x->failure != 0)
    g_set_error_literal (error, CONF_CLIENT_ERROR, (int) x->failure, x->what);
  else
    {
      gsize n = x->data->len;
      while (n > 0 && (x->data->data[n - 1] == '\n' || x->data->data[n - 1] == '\r')
             && x->data->len - n < 2)
        n--;
      if (n > CONF_CHILD_MAX_LINE)
        g_set_error (error, CONF_CLIENT_ERROR, CONF_CALL_PROTOCOL,
                     "the response to '%s' (id %" G_GINT64_FORMAT ") is over-long (more than "
                     "%zu bytes)",
                     op, id, (gsize) CONF_CHILD_MAX_LINE);
      else
        {
          resp = g_malloc (n + 1);
          memcpy (resp, x->data->data, n);
          resp[n] = '\0';
          *resp_len = n;
        }
    }
  if (resp == NULL)
    soup_session_abort (h->session); /* before the body stream goes: nothing more is read */
  exchange_unref (x);
  g_main_context_pop_thread_default (h->ctx);
  return resp;
}

/* ---- life cycle ------------------------------------------------------------ */

/* Lets libsoup finish what aborting started (closing sockets) without
 * waiting for anything. */
static void
drain (Http *h)
{
  for (int i = 0; i < 100 && g_main_context_pending (h->ctx); i++)
    g_main_context_iteration (h->ctx, FALSE);
}

static void
drop_connection (Http *h)
{
  g_main_context_push_thread_default (h->ctx);
  soup_session_abort (h->session);
  drain (h);
  g_main_context_pop_thread_default (h->ctx);
}

static char *
http_end (ConfTransport *t, int grace_ms, ConfCallFailure *failure)
{
  drop_connection (HTTP (t));
  return NULL;
}

static void
http_close (ConfTransport *t, int grace_ms)
{
  drop_connection (HTTP (t));
}

static void
http_free (ConfTransport *t)
{
  Http *h = HTTP (t);
  if (h->session != NULL)
    {
      g_main_context_push_thread_default (h->ctx);
      soup_session_abort (h->session);
      g_clear_object (&h->session);
      drain (h);
      g_main_context_pop_thread_default (h->ctx);
    }
  g_clear_object (&h->client_cert);
  g_clear_pointer (&h->uri, g_uri_unref);
  g_clear_pointer (&h->ctx, g_main_context_unref);
  g_free (h->hostport);
  g_free (h->url);
  g_free (h);
}

static const ConfTransportClass http_class = {
  .kind = "http",
  .exchange = http_exchange,
  .end = http_end,
  .close = http_close,
  .free = http_free,
};

static ConfTransport *
start_failed (GError **error, Http *h, const char *fmt, ...) G_GNUC_PRINTF (3, 4);

static ConfTransport *
start_failed (GError **error, Http *h, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  g_autofree char *what = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  g_set_error (error, CONF_CLIENT_ERROR, CONF_CALL_START, "start: %s", what);
  http_free (&h->parent);
  return NULL;
}

ConfTransport *
conf_transport_http_open (const char *url, const ConfClientOptions *options, GError **error)
{
  g_return_val_if_fail (url != NULL, NULL);
  static const ConfClientOptions none = { 0 };
  const ConfClientOptions *o = options ? options : &none;
  g_autoptr (GError) e = NULL;
  Http *h = g_new0 (Http, 1);
  h->parent.klass = &http_class;
  h->url = g_strdup (url);
  h->ctx = g_main_context_new ();

  g_autofree char *q = quote (url);
  h->uri = g_uri_parse (url, SOUP_HTTP_URI_FLAGS, &e);
  if (h->uri == NULL)
    return start_failed (error, h, "the URL %s cannot be used: %s", q, e->message);
  const char *scheme = g_uri_get_scheme (h->uri);
  gboolean https = g_ascii_strcasecmp (scheme, "https") == 0;
  const char *host = g_uri_get_host (h->uri);
  if (host == NULL || *host == '\0')
    return start_failed (error, h, "the URL %s has no host", q);
  if (g_uri_get_user (h->uri) != NULL)
    return start_failed (error, h, "the URL %s carries a user name, which essc does not send",
                         q);
  int port = g_uri_get_port (h->uri);
  h->hostport = g_strdup_printf (strchr (host, ':') ? "[%s]:%d" : "%s:%d", host,
                                 port > 0 ? port : https ? 443 : 80);
  if (!https && (o->ca_file || o->client_cert || o->client_key))
    return start_failed (error, h, "--ca, --client-cert and --client-key apply to https:// "
                         "URLs only, not to %s", q);
  if (https && !g_tls_backend_supports_tls (g_tls_backend_get_default ()))
    return start_failed (error, h, "%s: this system has no TLS support for GIO (install "
                         "glib-networking)", q);

  g_autoptr (GTlsDatabase) db = NULL;
  if (o->ca_file != NULL)
    {
      GList *certs = g_tls_certificate_list_new_from_file (o->ca_file, &e);
      if (certs == NULL)
        return start_failed (error, h, "--ca %s: %s", o->ca_file,
                             e ? e->message : "no PEM certificate in the file");
      g_list_free_full (certs, g_object_unref);
      db = g_tls_file_database_new (o->ca_file, &e);
      if (db == NULL)
        return start_failed (error, h, "--ca %s: %s", o->ca_file, e->message);
    }
  if ((o->client_cert == NULL) != (o->client_key == NULL))
    return start_failed (error, h, "--client-cert and --client-key go together");
  if (o->client_cert != NULL)
    {
      h->client_cert = g_tls_certificate_new_from_files (o->client_cert, o->client_key, &e);
      if (h->client_cert == NULL)
        return start_failed (error, h, "--client-cert %s --client-key %s: %s", o->client_cert,
                             o->client_key, e->message);
    }

  g_autofree char *agent = g_strdup_printf ("essc/%s (%s)", ESSC_VERSION, CONF_CLIENT_PROTOCOL);
  g_main_context_push_thread_default (h->ctx);
  h->session = soup_session_new_with_options (
      "max-conns", 1, "max-conns-per-host", 1, "proxy-resolver", NULL, "timeout", 0,
      "idle-timeout", 0, "user-agent", agent, NULL);
  if (db != NULL)
    soup_session_set_tls_database (h->session, db);
  soup_session_remove_feature_by_type (h->session, SOUP_TYPE_CONTENT_DECODER);
  g_main_context_pop_thread_default (h->ctx);
  return &h->parent;
}
