/* SPDX-License-Identifier: MIT */
/*
 * The HTTP(S) server of `essc serve` (serve/http.h): one SoupServer with one
 * handler for every path, in front of this module's own route table.  Per
 * message it keeps a small state (MsgState, attached to the message): the
 * body as it arrives (never more than SERVE_BODY_MAX + 1 bytes), the
 * slow-client watchdog and the start time for the log.  libsoup's own path
 * decoding is off (raw-paths), so "%2f" reaches us as such and each segment
 * is decoded and checked here.
 *
 * Refusing before reading: a Content-Length over the limit, or a chunked
 * body passing it, pauses the message and, from an idle callback, steals
 * the connection from libsoup, writes a complete 413 response on it
 * ourselves and closes it; the rest of the body is never read.  The
 * watchdog does the same (with no response) to a request not read in
 * SERVE_READ_TIMEOUT_S.
 */
#include "serve/http.h"

#include "base/text.h"
#include "base/time.h"
#include "conformance/json.h"
#include "conformance/impl_http.h"

#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define STATE_KEY "essc-serve-state"
#define SESSION_ID_LEN 64   /* hex of 32 random bytes */

static const char *const csp =
  "default-src 'none'; style-src 'self'; script-src 'self'; connect-src 'self'; "
  "img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
/* The same policy with one inline style sheet allowed by its hash (%s). */
static const char *const csp_style_hash =
  "default-src 'none'; style-src 'self' 'sha256-%s'; script-src 'self'; connect-src 'self'; "
  "img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

typedef struct {
  char *method, *pattern;
  char **segs;            /* the pattern's segments ("" for a trailing slash) */
  guint n;
  ServeHandler handler;
  gpointer data;
} Route;

typedef struct {
  char id[SESSION_ID_LEN + 1];
  char csrf[SESSION_ID_LEN + 1];
  char *token_id;         /* NULL: anonymous */
  gint64 last_used;       /* monotonic, microseconds */
} Session;

struct _ServeHttp {
  SoupServer *server;
  ServeActions *actions;
  GPtrArray *routes;      /* Route* */
  GHashTable *sessions;   /* id -> Session* */
  FILE *log;
  gboolean tls;
  ServeErrorPageFunc error_page;
  gpointer error_page_data;
};

/* Per message. */
typedef struct {
  ServeHttp *h;
  SoupServerMessage *msg;     /* not a reference: the state dies with the message */
  GByteArray *body;
  gboolean too_long, rejected;
  guint watchdog;
  gint64 started;             /* monotonic, microseconds */
} MsgState;

/* ---- small helpers ------------------------------------------------------------ */

/* A source on the thread-default main context (the server's). */
static guint
attach (GSource *src, GSourceFunc fn, gpointer data)
{
  g_source_set_callback (src, fn, data, NULL);
  guint id = g_source_attach (src, g_main_context_get_thread_default ());
  g_source_unref (src);
  return id;
}

static void
source_remove (guint id)
{
  GSource *src = g_main_context_find_source_by_id (g_main_context_get_thread_default (), id);
  if (src != NULL)
    g_source_destroy (src);
}

static void
random_hex (char out[SESSION_ID_LEN + 1])
{
  guint8 b[SESSION_ID_LEN / 2];
  randombytes_buf (b, sizeof b);
  base_hex_encode (b, sizeof b, out);
  out[SESSION_ID_LEN] = '\0';
  sodium_memzero (b, sizeof b);
}

static void
session_free (gpointer p)
{
  Session *s = p;
  if (s == NULL)
    return;
  g_free (s->token_id);
  sodium_memzero (s, sizeof *s);
  g_free (s);
}

static void
route_free (gpointer p)
{
  Route *r = p;
  g_free (r->method);
  g_free (r->pattern);
  g_strfreev (r->segs);
  g_free (r);
}

static void
state_free (gpointer p)
{
  MsgState *st = p;
  if (st->watchdog != 0)
    source_remove (st->watchdog);
  g_byte_array_unref (st->body);
  g_free (st);
}

/* A printable, bounded copy of untrusted text for the log. */
static char *
printable (const char *s)
{
  if (s == NULL)
    return g_strdup ("-");
  return base_text_printable (s, strlen (s), 200);
}

void
serve_http_log (ServeHttp *h, const char *fmt, ...)
{
  if (h->log == NULL)
    return;
  va_list ap;
  va_start (ap, fmt);
  g_autofree char *line = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  char when[BASE_TIME_UTC_SIZE];
  if (!base_time_format_utc (g_get_real_time () / G_USEC_PER_SEC, when))
    g_strlcpy (when, "-", sizeof when);
  fprintf (h->log, "%s %s\n", when, line);
  fflush (h->log);
}

static const char *
remote_of (SoupServerMessage *msg)
{
  const char *r = soup_server_message_get_remote_host (msg);
  return r ? r : "-";
}

static void
log_request (ServeHttp *h, SoupServerMessage *msg, MsgState *st, guint status,
             const char *actor, const char *reason)
{
  GUri *uri = soup_server_message_get_uri (msg);
  g_autofree char *path = printable (uri ? g_uri_get_path (uri) : NULL);
  g_autofree char *method = printable (soup_server_message_get_method (msg));
  g_autofree char *why = reason ? printable (reason) : NULL;
  gint64 ms = st ? (g_get_monotonic_time () - st->started) / 1000 : 0;
  serve_http_log (h, "%s %s %s %u %s %" G_GINT64_FORMAT "ms%s%s", remote_of (msg), method,
                  path, status, actor ? actor : "-", ms, why ? " " : "", why ? why : "");
}

/* The security headers of every response (docs/SERVE.md). */
static void
secure_headers (ServeHttp *h, SoupServerMessage *msg, const char *path)
{
  SoupMessageHeaders *hd = soup_server_message_get_response_headers (msg);
  soup_message_headers_replace (hd, "Content-Security-Policy", csp);
  soup_message_headers_replace (hd, "X-Content-Type-Options", "nosniff");
  soup_message_headers_replace (hd, "Referrer-Policy", "no-referrer");
  soup_message_headers_replace (hd, "X-Frame-Options", "DENY");
  if (path == NULL || !g_str_has_prefix (path, "/static/"))
    soup_message_headers_replace (hd, "Cache-Control", "no-store");
  if (h->tls)
    soup_message_headers_replace (hd, "Strict-Transport-Security",
                                  "max-age=31536000; includeSubDomains");
}

/* ---- refusing a request from the raw connection -------------------------------- */

typedef struct {
  GIOStream *stream;
  char *text;
} RawReply;

static void
raw_closed (GObject *src, GAsyncResult *res, gpointer data)
{
  RawReply *r = data;
  g_io_stream_close_finish (G_IO_STREAM (src), res, NULL);
  g_object_unref (r->stream);
  g_free (r->text);
  g_free (r);
}

static void
raw_written (GObject *src, GAsyncResult *res, gpointer data)
{
  RawReply *r = data;
  g_output_stream_write_all_finish (G_OUTPUT_STREAM (src), res, NULL, NULL);
  g_io_stream_close_async (r->stream, G_PRIORITY_DEFAULT, NULL, raw_closed, r);
}

/* Takes the connection from libsoup; writes text (may be NULL) and closes it. */
static void
raw_reply (SoupServerMessage *msg, char *text)
{
  GIOStream *stream = soup_server_message_steal_connection (msg);
  if (stream == NULL)
    {
      g_free (text);
      return;
    }
  RawReply *r = g_new0 (RawReply, 1);
  r->stream = stream;
  r->text = text;
  if (text == NULL)
    {
      g_io_stream_close_async (stream, G_PRIORITY_DEFAULT, NULL, raw_closed, r);
      return;
    }
  g_output_stream_write_all_async (g_io_stream_get_output_stream (stream), text, strlen (text),
                                   G_PRIORITY_DEFAULT, NULL, raw_written, r);
}

static char *
too_large_text (ServeHttp *h, const char *path)
{
  gboolean api = path != NULL && g_str_has_prefix (path, "/api/");
  g_autofree char *body = api
    ? g_strdup_printf ("{\"error\":{\"status\":413,\"message\":\"the request body is over "
                       "%d bytes\"}}\n", SERVE_BODY_MAX)
    : g_strdup_printf ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                       "<title>413</title></head><body><h1>413 Payload Too Large</h1>"
                       "<p>The request body is over %d bytes.</p></body></html>\n",
                       SERVE_BODY_MAX);
  return g_strdup_printf ("HTTP/1.1 413 Payload Too Large\r\n"
                          "Content-Type: %s\r\nContent-Length: %zu\r\n"
                          "Content-Security-Policy: %s\r\nX-Content-Type-Options: nosniff\r\n"
                          "Referrer-Policy: no-referrer\r\nX-Frame-Options: DENY\r\n"
                          "Cache-Control: no-store\r\n%sConnection: close\r\n\r\n%s",
                          api ? "application/json" : "text/html; charset=utf-8", strlen (body),
                          csp,
                          h->tls ? "Strict-Transport-Security: max-age=31536000; "
                                   "includeSubDomains\r\n"
                                 : "",
                          body);
}

typedef struct {
  SoupServerMessage *msg;
  ServeHttp *h;
} Pending;

static gboolean
reject_now (gpointer data)
{
  Pending *p = data;
  MsgState *st = g_object_get_data (G_OBJECT (p->msg), STATE_KEY);
  GUri *uri = soup_server_message_get_uri (p->msg);
  const char *path = uri ? g_uri_get_path (uri) : NULL;
  log_request (p->h, p->msg, st, 413, NULL, "request body over the limit");
  raw_reply (p->msg, too_large_text (p->h, path));
  g_object_unref (p->msg);
  g_free (p);
  return G_SOURCE_REMOVE;
}

/* Stops reading msg and answers 413 from an idle callback (not from inside
 * libsoup's I/O). */
static void
reject_too_large (ServeHttp *h, SoupServerMessage *msg, MsgState *st)
{
  if (st->rejected)
    return;
  st->rejected = TRUE;
  if (st->watchdog != 0)
    {
      source_remove (st->watchdog);
      st->watchdog = 0;
    }
  soup_server_message_pause (msg);
  Pending *p = g_new0 (Pending, 1);
  p->msg = g_object_ref (msg);
  p->h = h;
  attach (g_idle_source_new (), reject_now, p);
}

static gboolean
on_watchdog (gpointer data)
{
  MsgState *st = data;
  st->watchdog = 0;
  if (st->rejected)
    return G_SOURCE_REMOVE;
  st->rejected = TRUE;
  log_request (st->h, st->msg, st, 408, NULL, "request not received in time: connection closed");
  raw_reply (st->msg, NULL);
  return G_SOURCE_REMOVE;
}

/* ---- libsoup's signals --------------------------------------------------------- */

static void
on_got_chunk (SoupServerMessage *msg, GBytes *chunk, gpointer data)
{
  MsgState *st = data;
  gsize n;
  const guint8 *bytes = g_bytes_get_data (chunk, &n);
  if (st->too_long || st->body->len + n > SERVE_BODY_MAX)
    {
      st->too_long = TRUE;
      g_byte_array_set_size (st->body, 0);
      reject_too_large (st->h, msg, st);
      return;
    }
  g_byte_array_append (st->body, bytes, (guint) n);
}

static void
on_request_started (SoupServer *server, SoupServerMessage *msg, gpointer data)
{
  ServeHttp *h = data;
  MsgState *st = g_new0 (MsgState, 1);
  st->h = h;
  st->msg = msg;
  st->body = g_byte_array_new ();
  st->started = g_get_monotonic_time ();
  st->watchdog = attach (g_timeout_source_new_seconds (SERVE_READ_TIMEOUT_S), on_watchdog, st);
  g_object_set_data_full (G_OBJECT (msg), STATE_KEY, st, state_free);
  GSocket *sock = soup_server_message_get_socket (msg);
  if (sock != NULL)
    g_socket_set_timeout (sock, SERVE_IDLE_TIMEOUT_S);
}

static void
on_request_read (SoupServer *server, SoupServerMessage *msg, gpointer data)
{
  MsgState *st = g_object_get_data (G_OBJECT (msg), STATE_KEY);
  if (st != NULL && st->watchdog != 0)
    {
      source_remove (st->watchdog);
      st->watchdog = 0;
    }
}

static void
early_handler (SoupServer *server, SoupServerMessage *msg, const char *path, GHashTable *query,
               gpointer data)
{
  ServeHttp *h = data;
  MsgState *st = g_object_get_data (G_OBJECT (msg), STATE_KEY);
  secure_headers (h, msg, path);
  if (st == NULL)
    return;
  soup_message_body_set_accumulate (soup_server_message_get_request_body (msg), FALSE);
  g_signal_connect (msg, "got-chunk", G_CALLBACK (on_got_chunk), st);
  SoupMessageHeaders *rq = soup_server_message_get_request_headers (msg);
  if (soup_message_headers_get_encoding (rq) == SOUP_ENCODING_CONTENT_LENGTH
      && soup_message_headers_get_content_length (rq) > SERVE_BODY_MAX)
    reject_too_large (h, msg, st);
}

/* ---- paths ----------------------------------------------------------------------- */

static gboolean
all_digits (const char *s)
{
  return *s != '\0' && strspn (s, "0123456789") == strlen (s);
}

/* Whether value fits the pattern of parameter name (serve/http.h "Routes"). */
static gboolean
param_ok (const char *name, const char *v)
{
  gsize n = strlen (v);
  if (strcmp (name, "channel") == 0)
    return n == 8 && v[0] == 'C' && v[1] == 'H' && all_digits (v + 2);
  if (strcmp (name, "run") == 0)
    {
      guint64 x;
      return n <= 16 && all_digits (v) && v[0] != '0'
             && g_ascii_string_to_unsigned (v, 10, 1, G_GUINT64_CONSTANT (9007199254740991),
                                            &x, NULL);
    }
  if (strcmp (name, "token") == 0)
    return n == 12 && strspn (v, "0123456789abcdef") == 12;
  if (strcmp (name, "action") == 0)
    return strcmp (v, "certify") == 0 || strcmp (v, "rectify") == 0
           || strcmp (v, "suspend") == 0 || strcmp (v, "reinstate") == 0
           || strcmp (v, "terminate") == 0 || strcmp (v, "revoke") == 0;
  if (strcmp (name, "file") == 0)
    return n >= 1 && n <= 64 && g_ascii_isalnum (v[0])
           && strspn (v, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") == n
           && !g_str_has_suffix (v, "..");
  g_return_val_if_reached (FALSE);
}

static gboolean
param_name_known (const char *name)
{
  return strcmp (name, "channel") == 0 || strcmp (name, "run") == 0
         || strcmp (name, "token") == 0 || strcmp (name, "action") == 0
         || strcmp (name, "file") == 0;
}

/* Splits "/a/b/" into {"a", "b", ""}; NULL when it does not start with '/'. */
static char **
split_path (const char *path)
{
  if (path == NULL || path[0] != '/')
    return NULL;
  return g_strsplit (path + 1, "/", -1);
}

/*
 * Decodes and checks raw segments in place.  FALSE with *why when a segment
 * is empty (but the last), "." or "..", or decodes to something with '/',
 * '\\', NUL, a control character or invalid UTF-8.
 */
static gboolean
check_segments (char **seg, const char **why)
{
  guint n = g_strv_length (seg);
  for (guint i = 0; i < n; i++)
    {
      if (seg[i][0] == '\0')
        {
          if (i + 1 == n)
            continue;
          *why = "an empty path segment";
          return FALSE;
        }
      char *dec = g_uri_unescape_string (seg[i], "/\\");
      if (dec == NULL)
        {
          *why = "a path segment with a bad or forbidden escape (%2f, %5c, %00)";
          return FALSE;
        }
      g_free (seg[i]);
      seg[i] = dec;
      if (strcmp (dec, ".") == 0 || strcmp (dec, "..") == 0)
        {
          *why = "a path segment '.' or '..'";
          return FALSE;
        }
      if (base_text_check_utf8 (dec, -1, 1024, NULL) != BASE_TEXT_OK)
        {
          *why = "a path segment that is not UTF-8 text without control characters (or too long)";
          return FALSE;
        }
    }
  return TRUE;
}

/* ---- request context ---------------------------------------------------------- */

typedef struct {
  ServeReq req;                 /* first: a ServeReq* is a Ctx* */
  MsgState *st;
  Session *session;
  GHashTable *form;             /* parsed once (CSRF check), or NULL */
  gboolean answered;
  guint status;
  char *set_cookie;
} Ctx;

const char *
serve_req_param (const ServeReq *req, const char *name)
{
  if (req->param_names == NULL)
    return NULL;
  for (guint i = 0; req->param_names[i] != NULL; i++)
    if (strcmp (req->param_names[i], name) == 0)
      return req->params[i];
  return NULL;
}

const char *
serve_req_header (const ServeReq *req, const char *name)
{
  return soup_message_headers_get_one (soup_server_message_get_request_headers (req->msg),
                                       name);
}

static gboolean
content_type_is (ServeReq *req, const char *want)
{
  GHashTable *params = NULL;
  const char *type = soup_message_headers_get_content_type (
      soup_server_message_get_request_headers (req->msg), &params);
  gboolean ok = type != NULL && g_ascii_strcasecmp (type, want) == 0;
  if (ok && params != NULL)
    {
      const char *cs = g_hash_table_lookup (params, "charset");
      if (cs != NULL && g_ascii_strcasecmp (cs, "utf-8") != 0)
        ok = FALSE;
    }
  g_clear_pointer (&params, g_hash_table_destroy);
  return ok;
}

JsonObject *
serve_req_json_body (ServeReq *req)
{
  gsize n;
  const char *data = g_bytes_get_data (req->body, &n);
  if (!content_type_is (req, "application/json"))
    {
      serve_req_error (req, SOUP_STATUS_UNSUPPORTED_MEDIA_TYPE,
                       "the request's Content-Type must be application/json");
      return NULL;
    }
  if (n == 0)
    return json_object_new ();
  if (conf_json_escapes_nul (data, n))
    {
      serve_req_error (req, SOUP_STATUS_BAD_REQUEST,
                       "malformed JSON body: a string escapes U+0000");
      return NULL;
    }
  g_autoptr (GError) e = NULL;
  JsonObject *o = conf_json_parse_object (data, n, &e);
  if (o == NULL)
    serve_req_error (req, SOUP_STATUS_BAD_REQUEST, "malformed JSON body: %s", e->message);
  return o;
}

static GHashTable *
parse_form (ServeReq *req, const char **why)
{
  gsize n;
  const char *data = g_bytes_get_data (req->body, &n);
  if (data == NULL)             /* an empty body: an empty form, not NULL */
    data = "";
  if (memchr (data, '\0', n) != NULL)
    {
      *why = "the form holds a NUL byte";
      return NULL;
    }
  g_autofree char *text = g_strndup (data, n);
  GHashTable *form = soup_form_decode (text);
  GHashTableIter it;
  gpointer k, v;
  g_hash_table_iter_init (&it, form);
  while (g_hash_table_iter_next (&it, &k, &v))
    if (!g_utf8_validate (k, -1, NULL) || !g_utf8_validate (v, -1, NULL))
      {
        g_hash_table_destroy (form);
        *why = "the form is not UTF-8";
        return NULL;
      }
  return form;
}

GHashTable *
serve_req_form (ServeReq *req)
{
  Ctx *c = (Ctx *) req;
  if (c->form != NULL)
    return g_hash_table_ref (c->form);
  if (!content_type_is (req, "application/x-www-form-urlencoded"))
    {
      serve_req_error (req, SOUP_STATUS_UNSUPPORTED_MEDIA_TYPE,
                       "the request's Content-Type must be application/x-www-form-urlencoded");
      return NULL;
    }
  const char *why = NULL;
  c->form = parse_form (req, &why);
  if (c->form == NULL)
    {
      serve_req_error (req, SOUP_STATUS_BAD_REQUEST, "%s", why);
      return NULL;
    }
  return g_hash_table_ref (c->form);
}

/* ---- responses ----------------------------------------------------------------- */

static void
answered (ServeReq *req, guint status)
{
  Ctx *c = (Ctx *) req;
  g_warn_if_fail (!c->answered);
  c->answered = TRUE;
  c->status = status;
  soup_server_message_set_status (req->msg, status, NULL);
}

void
serve_req_json (ServeReq *req, guint status, JsonNode *json)
{
  answered (req, status);
  g_autofree char *text = json_to_string (json, FALSE);
  char *body = g_strconcat (text, "\n", NULL);
  soup_server_message_set_response (req->msg, "application/json", SOUP_MEMORY_TAKE, body,
                                    strlen (body));
}

void
serve_req_result (ServeReq *req, const ServeResult *res)
{
  if (res->status >= 200 && res->status < 300 && res->json != NULL)
    serve_req_json (req, res->status, res->json);
  else
    serve_req_error (req, res->status ? res->status : 500, "%s",
                     res->message ? res->message : "internal error");
}

static char *
default_error_page (guint status, const char *message)
{
  GString *s = g_string_new ("<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
                             "<title>");
  g_string_append_printf (s, "%u %s</title><link rel=\"stylesheet\" href=\"/static/style.css\">"
                          "</head><body><main><h1>%u %s</h1><p>", status,
                          soup_status_get_phrase (status), status,
                          soup_status_get_phrase (status));
  g_autofree char *esc = g_markup_escape_text (message, -1);
  g_string_append (s, esc);
  g_string_append (s, "</p><p><a href=\"/\">essc serve</a></p></main></body></html>\n");
  return g_string_free (s, FALSE);
}

void
serve_req_error (ServeReq *req, guint status, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  char *message = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  g_free (req->log_reason);
  req->log_reason = message;
  answered (req, status);
  if (status == SOUP_STATUS_UNAUTHORIZED && req->api)
    soup_message_headers_replace (soup_server_message_get_response_headers (req->msg),
                                  "WWW-Authenticate", "Bearer realm=\"essc\"");
  if (req->api)
    {
      g_autoptr (JsonBuilder) b = json_builder_new ();
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "error");
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "status");
      json_builder_add_int_value (b, status);
      json_builder_set_member_name (b, "message");
      json_builder_add_string_value (b, message);
      json_builder_end_object (b);
      json_builder_end_object (b);
      g_autoptr (JsonNode) root = json_builder_get_root (b);
      g_autofree char *text = json_to_string (root, FALSE);
      char *body = g_strconcat (text, "\n", NULL);
      soup_server_message_set_response (req->msg, "application/json", SOUP_MEMORY_TAKE, body,
                                        strlen (body));
      return;
    }
  char *html = req->http->error_page
                 ? req->http->error_page (req, status, message, req->http->error_page_data)
                 : NULL;
  if (html == NULL)
    html = default_error_page (status, message);
  soup_server_message_set_response (req->msg, "text/html; charset=utf-8", SOUP_MEMORY_TAKE,
                                    html, strlen (html));
}

void
serve_req_html (ServeReq *req, guint status, char *html)
{
  answered (req, status);
  soup_server_message_set_response (req->msg, "text/html; charset=utf-8", SOUP_MEMORY_TAKE,
                                    html, strlen (html));
}

void
serve_req_redirect (ServeReq *req, const char *location)
{
  g_return_if_fail (location != NULL && location[0] == '/');
  answered (req, SOUP_STATUS_SEE_OTHER);
  soup_message_headers_replace (soup_server_message_get_response_headers (req->msg),
                                "Location", location);
}

void
serve_req_bytes (ServeReq *req, guint status, const char *content_type, GBytes *bytes,
                 const char *filename)
{
  answered (req, status);
  if (filename != NULL)
    {
      g_autofree char *disp = g_strdup_printf ("attachment; filename=\"%s\"", filename);
      soup_message_headers_replace (soup_server_message_get_response_headers (req->msg),
                                    "Content-Disposition", disp);
    }
  gsize n;
  const void *data = g_bytes_get_data (bytes, &n);
  soup_server_message_set_response (req->msg, content_type, SOUP_MEMORY_COPY, data, n);
}

void
serve_req_allow_style (ServeReq *req, const char *css, gsize len)
{
  g_autoptr (GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  g_checksum_update (sum, (const guchar *) css, len);
  guint8 digest[32];
  gsize n = sizeof digest;
  g_checksum_get_digest (sum, digest, &n);
  g_autofree char *b64 = g_base64_encode (digest, n);
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
  g_autofree char *policy = g_strdup_printf (csp_style_hash, b64);
#pragma GCC diagnostic pop
  soup_message_headers_replace (soup_server_message_get_response_headers (req->msg),
                                "Content-Security-Policy", policy);
}

void
serve_req_stream (ServeReq *req, const char *content_type)
{
  answered (req, SOUP_STATUS_OK);
  SoupMessageHeaders *hd = soup_server_message_get_response_headers (req->msg);
  soup_message_headers_set_encoding (hd, SOUP_ENCODING_CHUNKED);
  soup_message_headers_set_content_type (hd, content_type, NULL);
  soup_message_headers_replace (hd, "X-Accel-Buffering", "no");
  soup_server_message_pause (req->msg);
}

/* ---- sessions ----------------------------------------------------------------------- */

static char *
cookie_text (ServeHttp *h, const char *value, gboolean clear)
{
  return g_strdup_printf ("%s=%s; Path=/; HttpOnly; SameSite=Strict%s%s",
                          SERVE_SESSION_COOKIE, value, h->tls ? "; Secure" : "",
                          clear ? "; Max-Age=0" : "");
}

static void
set_cookie (ServeReq *req, char *text)
{
  soup_message_headers_replace (soup_server_message_get_response_headers (req->msg),
                                "Set-Cookie", text);
  g_free (text);
}

/* Drops expired sessions and, over the maximum, the least recently used. */
static void
sessions_trim (ServeHttp *h)
{
  gint64 now = g_get_monotonic_time ();
  GHashTableIter it;
  gpointer k, v;
  g_hash_table_iter_init (&it, h->sessions);
  while (g_hash_table_iter_next (&it, &k, &v))
    if (now - ((Session *) v)->last_used > (gint64) SERVE_SESSION_IDLE_S * G_USEC_PER_SEC)
      g_hash_table_iter_remove (&it);
  while (g_hash_table_size (h->sessions) >= SERVE_SESSIONS_MAX)
    {
      Session *oldest = NULL;
      g_hash_table_iter_init (&it, h->sessions);
      while (g_hash_table_iter_next (&it, &k, &v))
        if (oldest == NULL || ((Session *) v)->last_used < oldest->last_used)
          oldest = v;
      g_hash_table_remove (h->sessions, oldest->id);
    }
}

static Session *
session_new (ServeHttp *h)
{
  sessions_trim (h);
  Session *s = g_new0 (Session, 1);
  random_hex (s->id);
  random_hex (s->csrf);
  s->last_used = g_get_monotonic_time ();
  g_hash_table_insert (h->sessions, s->id, s);
  return s;
}

/* The session of the request's cookie, or NULL. */
static Session *
session_of (ServeHttp *h, SoupServerMessage *msg)
{
  const char *hdr = soup_message_headers_get_list (soup_server_message_get_request_headers (msg),
                                                   "Cookie");
  if (hdr == NULL)
    return NULL;
  GHashTable *cookies = soup_header_parse_semi_param_list (hdr);
  const char *v = g_hash_table_lookup (cookies, SERVE_SESSION_COOKIE);
  Session *found = NULL;
  if (v != NULL && strlen (v) == SESSION_ID_LEN
      && strspn (v, "0123456789abcdef") == SESSION_ID_LEN)
    {
      Session *s = g_hash_table_lookup (h->sessions, v);
      if (s != NULL
          && g_get_monotonic_time () - s->last_used
               <= (gint64) SERVE_SESSION_IDLE_S * G_USEC_PER_SEC)
        found = s;
    }
  soup_header_free_param_list (cookies);
  return found;
}

gboolean
serve_req_login (ServeReq *req, const char *token_text, ServeResult *res)
{
  Ctx *c = (Ctx *) req;
  ServeCaller who = { 0 };
  if (!serve_actions_authenticate (req->http->actions, token_text, &who, res))
    return FALSE;
  if (c->session != NULL)
    g_hash_table_remove (req->http->sessions, c->session->id);
  Session *s = session_new (req->http);
  s->token_id = g_strdup (who.token_id);
  c->session = s;
  serve_caller_clear (&req->caller);
  req->caller = who;
  req->csrf = s->csrf;
  set_cookie (req, cookie_text (req->http, s->id, FALSE));
  return TRUE;
}

void
serve_req_logout (ServeReq *req)
{
  Ctx *c = (Ctx *) req;
  if (c->session != NULL)
    g_hash_table_remove (req->http->sessions, c->session->id);
  c->session = NULL;
  req->csrf = NULL;
  serve_caller_clear (&req->caller);
  set_cookie (req, cookie_text (req->http, "", TRUE));
}

/* ---- dispatch ---------------------------------------------------------------------- */

static gboolean
route_matches (const Route *r, char **seg, guint n, const char **values)
{
  if (r->n != n)
    return FALSE;
  guint k = 0;
  for (guint i = 0; i < n; i++)
    {
      const char *p = r->segs[i];
      if (p[0] == '{')
        {
          g_autofree char *name = g_strndup (p + 1, strlen (p) - 2);
          if (seg[i][0] == '\0' || !param_ok (name, seg[i]))
            return FALSE;
          values[k++] = seg[i];
        }
      else if (strcmp (p, seg[i]) != 0)
        return FALSE;
    }
  return TRUE;
}

static gboolean
route_path_matches (const Route *r, char **seg, guint n)
{
  const char *values[16];
  return route_matches (r, seg, n, values);
}

/* The caller from the Authorization header (API) or the session (pages).
 * FALSE after answering 401 (a bearer token that does not authenticate). */
static gboolean
identify (Ctx *c)
{
  ServeReq *req = &c->req;
  ServeHttp *h = req->http;
  ServeResult res = { 0 };
  if (req->api)
    {
      const char *auth = serve_req_header (req, "Authorization");
      if (auth == NULL)
        return TRUE;
      if (g_ascii_strncasecmp (auth, "Bearer ", 7) != 0)
        {
          serve_req_error (req, SOUP_STATUS_UNAUTHORIZED,
                           "the Authorization header must be \"Bearer TOKEN\"");
          return FALSE;
        }
      const char *tok = auth + 7;
      while (*tok == ' ')
        tok++;
      if (h->actions == NULL)
        {
          serve_req_error (req, SOUP_STATUS_UNAUTHORIZED, "no token is accepted here");
          return FALSE;
        }
      if (!serve_actions_authenticate (h->actions, tok, &req->caller, &res))
        {
          serve_req_error (req, SOUP_STATUS_UNAUTHORIZED, "%s", res.message);
          serve_result_clear (&res);
          return FALSE;
        }
      return TRUE;
    }
  Session *s = session_of (h, req->msg);
  if (s == NULL)
    {
      s = session_new (h);
      set_cookie (req, cookie_text (h, s->id, FALSE));
    }
  s->last_used = g_get_monotonic_time ();
  c->session = s;
  req->csrf = s->csrf;
  if (s->token_id != NULL
      && (h->actions == NULL
          || !serve_actions_caller_by_id (h->actions, s->token_id, &req->caller, &res)))
    {
      /* the token was revoked: the session goes on as nobody's */
      g_clear_pointer (&s->token_id, g_free);
      serve_result_clear (&res);
    }
  return TRUE;
}

/* A page POST must carry its session's CSRF token (constant-time compare). */
static gboolean
csrf_ok (Ctx *c)
{
  ServeReq *req = &c->req;
  if (!content_type_is (req, "application/x-www-form-urlencoded"))
    return FALSE;
  const char *why = NULL;
  if (c->form == NULL)
    c->form = parse_form (req, &why);
  if (c->form == NULL || req->csrf == NULL)
    return FALSE;
  const char *got = g_hash_table_lookup (c->form, "csrf");
  return got != NULL && strlen (got) == SESSION_ID_LEN
         && sodium_memcmp (got, req->csrf, SESSION_ID_LEN) == 0;
}

/* Checks the path, finds the route, identifies the caller, checks CSRF and
 * calls the route's handler; or answers the error. */
static void
dispatch (Ctx *c, GUri *uri)
{
  ServeReq *req = &c->req;
  ServeHttp *h = req->http;
  const char *why = NULL;
  if (req->seg == NULL || !check_segments (req->seg, &why))
    {
      serve_req_error (req, SOUP_STATUS_BAD_REQUEST, "bad path: %s",
                       why ? why : "it must start with '/'");
      return;
    }
  req->n_seg = g_strv_length (req->seg);
  const char *rawq = g_uri_get_query (uri);
  req->query = rawq ? soup_form_decode (rawq) : g_hash_table_new (g_str_hash, g_str_equal);
  GHashTableIter it;
  gpointer k, v;
  g_hash_table_iter_init (&it, req->query);
  while (g_hash_table_iter_next (&it, &k, &v))
    if (!g_utf8_validate (k, -1, NULL) || !g_utf8_validate (v, -1, NULL))
      {
        serve_req_error (req, SOUP_STATUS_BAD_REQUEST, "bad query: not UTF-8");
        return;
      }

  const char *values[16] = { NULL };
  char *names[16] = { NULL };
  const Route *route = NULL;
  gboolean path_found = FALSE;
  g_autoptr (GString) allow = g_string_new (NULL);
  for (guint i = 0; i < h->routes->len && route == NULL; i++)
    {
      const Route *r = g_ptr_array_index (h->routes, i);
      if (!route_path_matches (r, req->seg, req->n_seg))
        continue;
      path_found = TRUE;
      if (strcmp (r->method, req->method) == 0
          || (strcmp (r->method, "GET") == 0 && strcmp (req->method, "HEAD") == 0))
        route = r;
      else if (strstr (allow->str, r->method) == NULL)
        g_string_append_printf (allow, "%s%s", allow->len ? ", " : "", r->method);
    }
  if (route == NULL && path_found)
    {
      soup_message_headers_replace (soup_server_message_get_response_headers (req->msg),
                                    "Allow", allow->str);
      serve_req_error (req, SOUP_STATUS_METHOD_NOT_ALLOWED,
                       "%s is not allowed here (allowed: %s)", req->method, allow->str);
      return;
    }
  if (route == NULL)
    {
      serve_req_error (req, SOUP_STATUS_NOT_FOUND, "no such page or resource");
      return;
    }
  route_matches (route, req->seg, req->n_seg, values);
  guint np = 0;
  for (guint j = 0; j < route->n; j++)
    if (route->segs[j][0] == '{')
      {
        names[np] = g_strndup (route->segs[j] + 1, strlen (route->segs[j]) - 2);
        np++;
      }
  req->params = values;
  req->param_names = (const char *const *) names;
  if ((strcmp (req->method, "GET") == 0 || strcmp (req->method, "HEAD") == 0)
      && g_bytes_get_size (req->body) > 0)
    serve_req_error (req, SOUP_STATUS_BAD_REQUEST, "a %s request takes no body", req->method);
  else if (identify (c))
    {
      if (!req->api && strcmp (req->method, "POST") == 0 && !csrf_ok (c))
        serve_req_error (req, SOUP_STATUS_FORBIDDEN,
                         "the form's CSRF token is missing or wrong (reload the page)");
      else
        route->handler (req, route->data);
    }
  for (guint j = 0; j < np; j++)
    g_free (names[j]);
  req->param_names = NULL;
  req->params = NULL;
}

static void
handler (SoupServer *server, SoupServerMessage *msg, const char *unused_path,
         GHashTable *unused_query, gpointer data)
{
  ServeHttp *h = data;
  MsgState *st = g_object_get_data (G_OBJECT (msg), STATE_KEY);
  if (st != NULL && st->rejected)
    return;
  GUri *uri = soup_server_message_get_uri (msg);
  const char *path = g_uri_get_path (uri);
  Ctx c = { 0 };
  ServeReq *req = &c.req;
  req->http = h;
  req->msg = msg;
  req->method = soup_server_message_get_method (msg);
  req->path = path;
  req->api = path != NULL && (g_str_has_prefix (path, "/api/") || strcmp (path, "/api") == 0);
  req->tls = h->tls;
  req->remote = remote_of (msg);
  c.st = st;
  req->body = st != NULL ? g_bytes_new (st->body->data, st->body->len) : g_bytes_new (NULL, 0);
  req->seg = split_path (path);

  dispatch (&c, uri);

  if (!c.answered)
    serve_req_error (req, SOUP_STATUS_INTERNAL_SERVER_ERROR, "the handler gave no answer");
  if (c.status != 0)
    log_request (h, msg, st, c.status, req->caller.actor,
                 c.status >= 400 ? req->log_reason : NULL);
  g_free (req->log_reason);
  serve_caller_clear (&req->caller);
  g_clear_pointer (&c.form, g_hash_table_unref);
  g_clear_pointer (&req->query, g_hash_table_unref);
  g_strfreev (req->seg);
  g_bytes_unref (req->body);
}

/* ---- the server ------------------------------------------------------------------ */

void
serve_http_route (ServeHttp *h, const char *method, const char *pattern, ServeHandler fn,
                  gpointer data)
{
  g_return_if_fail (h != NULL && method != NULL && pattern != NULL && fn != NULL);
  g_return_if_fail (pattern[0] == '/');
  Route *r = g_new0 (Route, 1);
  r->method = g_strdup (method);
  r->pattern = g_strdup (pattern);
  r->segs = split_path (pattern);
  r->n = g_strv_length (r->segs);
  guint params = 0;
  for (guint i = 0; i < r->n; i++)
    if (r->segs[i][0] == '{')
      {
        g_autofree char *name = g_strndup (r->segs[i] + 1, strlen (r->segs[i]) - 2);
        g_return_if_fail (g_str_has_suffix (r->segs[i], "}") && param_name_known (name));
        params++;
      }
  g_return_if_fail (params < 16 && r->n < 16);
  r->handler = fn;
  r->data = data;
  g_ptr_array_add (h->routes, r);
}

void
serve_http_foreach_route (ServeHttp *h,
                          void (*fn) (const char *method, const char *pattern, gpointer data),
                          gpointer data)
{
  for (guint i = 0; i < h->routes->len; i++)
    {
      const Route *r = g_ptr_array_index (h->routes, i);
      fn (r->method, r->pattern, data);
    }
}

void
serve_http_set_error_page (ServeHttp *h, ServeErrorPageFunc fn, gpointer data)
{
  h->error_page = fn;
  h->error_page_data = data;
}

ServeActions *
serve_http_actions (ServeHttp *h)
{
  return h->actions;
}

ServeHttp *
serve_http_new (ServeActions *actions, GError **error)
{
  if (sodium_init () < 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "libsodium cannot be initialized");
      return NULL;
    }
  ServeHttp *h = g_new0 (ServeHttp, 1);
  h->actions = actions;
  h->routes = g_ptr_array_new_with_free_func (route_free);
  h->sessions = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, session_free);
  return h;
}

gboolean
serve_http_listen (ServeHttp *h, const ServeHttpOptions *o, char **url, GError **error)
{
  g_return_val_if_fail (h != NULL && o != NULL && o->listen != NULL && h->server == NULL,
                        FALSE);
  g_autoptr (GError) e = NULL;
  g_autoptr (GInetSocketAddress) addr = conf_impl_http_parse_listen (o->listen, &e);
  if (addr == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "--listen %s", e->message);
      return FALSE;
    }
  g_autoptr (GTlsCertificate) cert = NULL;
  if ((o->tls_cert == NULL) != (o->tls_key == NULL))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "--tls-cert and --tls-key go together");
      return FALSE;
    }
  if (o->tls_cert != NULL)
    {
      if (!g_tls_backend_supports_tls (g_tls_backend_get_default ()))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                       "no TLS support for GIO on this system (glib-networking)");
          return FALSE;
        }
      cert = g_tls_certificate_new_from_files (o->tls_cert, o->tls_key, &e);
      if (cert == NULL)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       "--tls-cert %s --tls-key %s: %s", o->tls_cert, o->tls_key, e->message);
          return FALSE;
        }
    }
  h->log = o->log;
  h->tls = cert != NULL;
  h->server = soup_server_new ("server-header", "essc-serve", "tls-certificate", cert,
                               "raw-paths", TRUE, NULL);
  g_signal_connect (h->server, "request-started", G_CALLBACK (on_request_started), h);
  g_signal_connect (h->server, "request-read", G_CALLBACK (on_request_read), h);
  soup_server_add_early_handler (h->server, NULL, early_handler, h, NULL);
  soup_server_add_handler (h->server, NULL, handler, h, NULL);
  /* Our own socket for its backlog: soup_server_listen keeps GSocket's 10,
   * and 50 vendors connecting at once overflowed it (connections reset). */
  g_autoptr (GSocket) sock = g_socket_new (g_socket_address_get_family (G_SOCKET_ADDRESS (addr)),
                                           G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &e);
  if (sock != NULL)
    g_socket_set_listen_backlog (sock, SERVE_LISTEN_BACKLOG);
  if (sock == NULL || !g_socket_bind (sock, G_SOCKET_ADDRESS (addr), TRUE, &e)
      || !g_socket_listen (sock, &e)
      || !soup_server_listen_socket (h->server, sock, cert ? SOUP_SERVER_LISTEN_HTTPS : 0, &e))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "cannot listen on %s: %s", o->listen,
                   e->message);
      g_clear_object (&h->server);
      return FALSE;
    }
  if (url != NULL)
    {
      GSList *listeners = soup_server_get_listeners (h->server);
      g_autoptr (GSocketAddress) local = g_socket_get_local_address (listeners->data, NULL);
      g_slist_free (listeners);
      GInetSocketAddress *in = G_INET_SOCKET_ADDRESS (local);
      GInetAddress *a = g_inet_socket_address_get_address (in);
      gboolean v6 = g_inet_address_get_family (a) == G_SOCKET_FAMILY_IPV6;
      g_autofree char *host = g_inet_address_get_is_any (a) ? g_strdup (v6 ? "::1" : "127.0.0.1")
                                                            : g_inet_address_to_string (a);
      *url = g_strdup_printf ("%s://%s%s%s:%u", cert ? "https" : "http", v6 ? "[" : "", host,
                              v6 ? "]" : "", g_inet_socket_address_get_port (in));
    }
  return TRUE;
}

void
serve_http_free (ServeHttp *h)
{
  if (h == NULL)
    return;
  if (h->server != NULL)
    {
      soup_server_disconnect (h->server);
      g_object_unref (h->server);
    }
  g_ptr_array_unref (h->routes);
  g_hash_table_destroy (h->sessions);
  g_free (h);
}
