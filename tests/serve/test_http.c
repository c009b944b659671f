/* SPDX-License-Identifier: MIT */
/*
 * Tests of the server core (serve/http.h) in-process: a ServeHttp with test
 * routes and no actions runs in a thread on its own main context, and the
 * test speaks raw HTTP to it over blocking sockets (so that paths reach the
 * server exactly as written: %2f, %00, "..").  Each request closes its
 * connection; every read has a deadline (a socket timeout), so a broken
 * server fails the test instead of hanging it.
 */
#include "serve/http.h"
#include "tests/lib/testutil.h"

#include <string.h>

typedef struct {
  ServeHttp *h;
  GMainContext *ctx;
  GMainLoop *loop;
  GThread *thread;
  char *url;
  guint16 port;
  GMutex lock;
  GCond ready;
  gboolean up;
} Srv;

static void
h_echo (ServeReq *req, gpointer data)
{
  const char *p = serve_req_param (req, "channel");
  g_autofree char *text = g_strdup_printf ("{\"channel\":\"%s\",\"n\":%u}", p ? p : "",
                                           req->n_seg);
  g_autoptr (JsonNode) n = json_from_string (text, NULL);
  serve_req_json (req, 200, n);
}

static void
h_json (ServeReq *req, gpointer data)
{
  g_autoptr (JsonObject) o = serve_req_json_body (req);
  if (o == NULL)
    return;
  g_autoptr (JsonNode) n = json_node_new (JSON_NODE_OBJECT);
  json_node_set_object (n, o);
  serve_req_json (req, 200, n);
}

/* A page with a form: its body is the session's CSRF token. */
static void
h_form_get (ServeReq *req, gpointer data)
{
  serve_req_html (req, 200, g_strdup (req->csrf ? req->csrf : "none"));
}

static void
h_form_post (ServeReq *req, gpointer data)
{
  g_autoptr (GHashTable) f = serve_req_form (req);
  if (f == NULL)
    return;
  const char *v = g_hash_table_lookup (f, "name");
  serve_req_html (req, 200, g_strdup_printf ("posted %s", v ? v : "-"));
}

static gpointer
server_thread (gpointer data)
{
  Srv *s = data;
  g_main_context_push_thread_default (s->ctx);
  g_autoptr (GError) e = NULL;
  s->h = serve_http_new (NULL, &e);
  g_assert_no_error (e);
  serve_http_route (s->h, "GET", "/api/v1/echo/{channel}", h_echo, NULL);
  serve_http_route (s->h, "POST", "/api/v1/json", h_json, NULL);
  serve_http_route (s->h, "GET", "/form", h_form_get, NULL);
  serve_http_route (s->h, "POST", "/form", h_form_post, NULL);
  ServeHttpOptions o = { "127.0.0.1:0", NULL, NULL, NULL };
  g_assert_true (serve_http_listen (s->h, &o, &s->url, &e));
  g_assert_no_error (e);
  const char *colon = strrchr (s->url, ':');
  s->port = (guint16) atoi (colon + 1);
  g_mutex_lock (&s->lock);
  s->up = TRUE;
  g_cond_signal (&s->ready);
  g_mutex_unlock (&s->lock);
  g_main_loop_run (s->loop);
  serve_http_free (s->h);
  g_main_context_pop_thread_default (s->ctx);
  return NULL;
}

static Srv *
srv_start (void)
{
  Srv *s = g_new0 (Srv, 1);
  s->ctx = g_main_context_new ();
  s->loop = g_main_loop_new (s->ctx, FALSE);
  g_mutex_init (&s->lock);
  g_cond_init (&s->ready);
  s->thread = g_thread_new ("serve", server_thread, s);
  g_mutex_lock (&s->lock);
  gint64 end = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (!s->up)
    g_assert_true (g_cond_wait_until (&s->ready, &s->lock, end));
  g_mutex_unlock (&s->lock);
  return s;
}

static gboolean
quit (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

static void
srv_stop (Srv *s)
{
  GSource *src = g_idle_source_new ();
  g_source_set_callback (src, quit, s->loop, NULL);
  g_source_attach (src, s->ctx);
  g_source_unref (src);
  g_thread_join (s->thread);
  g_main_loop_unref (s->loop);
  g_main_context_unref (s->ctx);
  g_mutex_clear (&s->lock);
  g_cond_clear (&s->ready);
  g_free (s->url);
  g_free (s);
}

/* Sends raw bytes, reads until the server closes (or 30 s): the answer. */
static char *
raw (Srv *s, const char *request, gsize len)
{
  g_autoptr (GSocketClient) cl = g_socket_client_new ();
  g_socket_client_set_timeout (cl, 30);
  g_autoptr (GError) e = NULL;
  g_autoptr (GSocketConnection) conn
    = g_socket_client_connect_to_host (cl, "127.0.0.1", s->port, NULL, &e);
  g_assert_no_error (e);
  GOutputStream *out = g_io_stream_get_output_stream (G_IO_STREAM (conn));
  gsize wrote = 0;
  /* the server may close early (413): a failed write is not the test's end */
  g_output_stream_write_all (out, request, len, &wrote, NULL, NULL);
  GInputStream *in = g_io_stream_get_input_stream (G_IO_STREAM (conn));
  GString *answer = g_string_new (NULL);
  char buf[4096];
  for (;;)
    {
      gssize n = g_input_stream_read (in, buf, sizeof buf, NULL, NULL);
      if (n <= 0)
        break;
      g_string_append_len (answer, buf, n);
    }
  return g_string_free (answer, FALSE);
}

static char *
get (Srv *s, const char *path, const char *extra)
{
  g_autofree char *req = g_strdup_printf ("GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\n%s"
                                          "Connection: close\r\n\r\n",
                                          path, extra ? extra : "");
  return raw (s, req, strlen (req));
}

static char *
post (Srv *s, const char *path, const char *type, const char *body, const char *extra)
{
  g_autofree char *req = g_strdup_printf ("POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                          "Content-Type: %s\r\nContent-Length: %zu\r\n%s"
                                          "Connection: close\r\n\r\n%s",
                                          path, type, strlen (body), extra ? extra : "", body);
  return raw (s, req, strlen (req));
}

static int
status_of (const char *answer)
{
  g_assert_true (g_str_has_prefix (answer, "HTTP/1."));
  return atoi (answer + 9);
}

/* The security headers of serve/http.h are in the answer. */
static void
assert_secure (const char *answer)
{
  g_assert_nonnull (strstr (answer, "Content-Security-Policy: default-src 'none'"));
  g_assert_nonnull (strstr (answer, "frame-ancestors 'none'"));
  g_assert_nonnull (strstr (answer, "X-Content-Type-Options: nosniff"));
  g_assert_nonnull (strstr (answer, "Referrer-Policy: no-referrer"));
  g_assert_nonnull (strstr (answer, "X-Frame-Options: DENY"));
  g_assert_nonnull (strstr (answer, "Cache-Control: no-store"));
}

static void
test_routes (void)
{
  Srv *s = srv_start ();
  g_autofree char *ok = get (s, "/api/v1/echo/CH000001", NULL);
  g_assert_cmpint (status_of (ok), ==, 200);
  g_assert_nonnull (strstr (ok, "{\"channel\":\"CH000001\",\"n\":4}"));
  assert_secure (ok);

  g_autofree char *nf = get (s, "/nowhere", NULL);
  g_assert_cmpint (status_of (nf), ==, 404);
  assert_secure (nf);
  g_assert_nonnull (strstr (nf, "text/html"));

  g_autofree char *nfa = get (s, "/api/v1/nowhere", NULL);
  g_assert_cmpint (status_of (nfa), ==, 404);
  assert_secure (nfa);
  g_assert_nonnull (strstr (nfa, "{\"error\":{\"status\":404,\"message\":"));

  /* a parameter that does not fit its pattern is no route */
  g_autofree char *bad = get (s, "/api/v1/echo/ch000001", NULL);
  g_assert_cmpint (status_of (bad), ==, 404);
  g_autofree char *longid = get (s, "/api/v1/echo/CH0000011", NULL);
  g_assert_cmpint (status_of (longid), ==, 404);

  g_autofree char *m = post (s, "/api/v1/echo/CH000001", "application/json", "{}", NULL);
  g_assert_cmpint (status_of (m), ==, 405);
  g_assert_nonnull (strstr (m, "Allow: GET"));
  assert_secure (m);
  srv_stop (s);
}

static void
test_path_tricks (void)
{
  Srv *s = srv_start ();
  const char *const tricks[] = {
    "/api/v1/echo/..%2f..%2fetc",  "/api/v1/echo/%2e%2e",        "/api/v1/echo/CH000001%00",
    "/api/v1/echo/..",             "/api/v1//echo/CH000001",     "/api/v1/echo/%ff%fe",
    "/api/v1/echo/CH00%5c0001",    "/api/v1/echo/%0a",           "/api/v1/echo/CH000001%2f",
  };
  for (gsize i = 0; i < G_N_ELEMENTS (tricks); i++)
    {
      g_autofree char *a = get (s, tricks[i], NULL);
      int st = status_of (a);
      g_test_message ("%s -> %d", tricks[i], st);
      g_assert_cmpint (st, >=, 400);
      g_assert_cmpint (st, <, 500);
      g_assert_null (strstr (a, "\"channel\""));
    }
  /* the decoded segment is checked: %2f is refused, not turned into '/' */
  g_autofree char *a = get (s, "/api/v1/echo/CH000001%2f", NULL);
  g_assert_cmpint (status_of (a), ==, 400);
  assert_secure (a);
  srv_stop (s);
}

static void
test_json_body (void)
{
  Srv *s = srv_start ();
  g_autofree char *ok = post (s, "/api/v1/json", "application/json", "{\"a\":\"中文\"}", NULL);
  g_assert_cmpint (status_of (ok), ==, 200);
  g_assert_nonnull (strstr (ok, "中文"));
  g_autofree char *bad = post (s, "/api/v1/json", "application/json", "{\"a\":", NULL);
  g_assert_cmpint (status_of (bad), ==, 400);
  g_assert_nonnull (strstr (bad, "malformed JSON body"));
  g_autofree char *arr = post (s, "/api/v1/json", "application/json", "[1]", NULL);
  g_assert_cmpint (status_of (arr), ==, 400);
  g_autofree char *nul = post (s, "/api/v1/json", "application/json", "{\"a\":\"x\\u0000y\"}",
                               NULL);
  g_assert_cmpint (status_of (nul), ==, 400);
  g_autofree char *type = post (s, "/api/v1/json", "text/plain", "{}", NULL);
  g_assert_cmpint (status_of (type), ==, 415);
  assert_secure (type);
  /* GET with a body */
  const char *gb = "GET /api/v1/echo/CH000001 HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n"
                   "Connection: close\r\n\r\n{}";
  g_autofree char *getbody = raw (s, gb, strlen (gb));
  g_assert_cmpint (status_of (getbody), ==, 400);
  srv_stop (s);
}

static void
test_too_large (void)
{
  Srv *s = srv_start ();
  /* Content-Length over the limit: 413 before the body is sent at all */
  g_autofree char *head = g_strdup_printf ("POST /api/v1/json HTTP/1.1\r\nHost: x\r\n"
                                           "Content-Type: application/json\r\n"
                                           "Content-Length: %d\r\n\r\n",
                                           SERVE_BODY_MAX + 1);
  g_autofree char *a = raw (s, head, strlen (head));
  g_assert_cmpint (status_of (a), ==, 413);
  g_assert_nonnull (strstr (a, "{\"error\":{\"status\":413"));
  assert_secure (a);

  /* a chunked body passing the limit */
  GString *req = g_string_new ("POST /api/v1/json HTTP/1.1\r\nHost: x\r\n"
                               "Content-Type: application/json\r\n"
                               "Transfer-Encoding: chunked\r\n\r\n");
  for (int i = 0; i < 20; i++)
    {
      g_string_append_printf (req, "%x\r\n", 8192);
      for (int k = 0; k < 8192; k++)
        g_string_append_c (req, ' ');
      g_string_append (req, "\r\n");
    }
  g_string_append (req, "0\r\n\r\n");
  g_autofree char *b = raw (s, req->str, req->len);
  g_string_free (req, TRUE);
  g_assert_cmpint (status_of (b), ==, 413);

  /* the body at the limit is read (and here refused as JSON, not as size) */
  g_autofree char *big = g_malloc (SERVE_BODY_MAX + 1);
  memset (big, ' ', SERVE_BODY_MAX);
  big[0] = '{';
  big[SERVE_BODY_MAX - 1] = '}';
  big[SERVE_BODY_MAX] = '\0';
  g_autofree char *c = post (s, "/api/v1/json", "application/json", big, NULL);
  g_assert_cmpint (status_of (c), ==, 200);
  srv_stop (s);
}

/* The value of Set-Cookie's essc_session, or NULL. */
static char *
session_cookie (const char *answer)
{
  const char *p = strstr (answer, "Set-Cookie: essc_session=");
  if (p == NULL)
    return NULL;
  p += strlen ("Set-Cookie: essc_session=");
  return g_strndup (p, strcspn (p, ";\r"));
}

static char *
body_of (const char *answer)
{
  const char *p = strstr (answer, "\r\n\r\n");
  g_assert_nonnull (p);
  return g_strdup (p + 4);
}

static void
test_csrf (void)
{
  Srv *s = srv_start ();
  g_autofree char *page = get (s, "/form", NULL);
  g_assert_cmpint (status_of (page), ==, 200);
  g_autofree char *sid = session_cookie (page);
  g_assert_nonnull (sid);
  g_assert_cmpuint (strlen (sid), ==, 64);
  g_assert_nonnull (strstr (page, "HttpOnly"));
  g_assert_nonnull (strstr (page, "SameSite=Strict"));
  g_autofree char *csrf = body_of (page);
  g_assert_cmpuint (strlen (csrf), ==, 64);
  g_autofree char *cookie = g_strdup_printf ("Cookie: essc_session=%s\r\n", sid);

  /* without the field, with a wrong one, without the session: 403 */
  g_autofree char *none = post (s, "/form", "application/x-www-form-urlencoded", "name=x",
                                cookie);
  g_assert_cmpint (status_of (none), ==, 403);
  assert_secure (none);
  g_autofree char *wrong_body = g_strdup_printf ("name=x&csrf=%064d", 0);
  g_autofree char *wrong = post (s, "/form", "application/x-www-form-urlencoded", wrong_body,
                                 cookie);
  g_assert_cmpint (status_of (wrong), ==, 403);
  g_autofree char *good_body = g_strdup_printf ("name=%%E4%%B8%%AD&csrf=%s", csrf);
  g_autofree char *nosession = post (s, "/form", "application/x-www-form-urlencoded",
                                     good_body, NULL);
  g_assert_cmpint (status_of (nosession), ==, 403);
  /* with both: the handler runs */
  g_autofree char *good = post (s, "/form", "application/x-www-form-urlencoded", good_body,
                                cookie);
  g_assert_cmpint (status_of (good), ==, 200);
  g_assert_nonnull (strstr (good, "posted 中"));
  /* the API takes no session and no unknown bearer */
  g_autofree char *bearer = get (s, "/api/v1/echo/CH000001", "Authorization: Bearer essc_x\r\n");
  g_assert_cmpint (status_of (bearer), ==, 401);
  assert_secure (bearer);
  srv_stop (s);
}

static void
test_slow_client (void)
{
  Srv *s = srv_start ();
  /* half a request, then silence: the server closes the connection
   * (SERVE_READ_TIMEOUT_S) and answers others meanwhile */
  g_autoptr (GSocketClient) cl = g_socket_client_new ();
  g_socket_client_set_timeout (cl, 3 * SERVE_READ_TIMEOUT_S);
  g_autoptr (GError) e = NULL;
  g_autoptr (GSocketConnection) conn
    = g_socket_client_connect_to_host (cl, "127.0.0.1", s->port, NULL, &e);
  g_assert_no_error (e);
  const char *half = "GET /api/v1/echo/CH000001 HTTP/1.1\r\nHost: 12";
  g_assert_true (g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (conn)),
                                            half, strlen (half), NULL, NULL, &e));
  g_autofree char *other = get (s, "/api/v1/echo/CH000002", NULL);
  g_assert_cmpint (status_of (other), ==, 200);
  char buf[256];
  gssize n = g_input_stream_read (g_io_stream_get_input_stream (G_IO_STREAM (conn)), buf,
                                  sizeof buf, NULL, &e);
  /* closed (0) or reset, never a timeout of the client's own */
  g_assert_false (g_error_matches (e, G_IO_ERROR, G_IO_ERROR_TIMED_OUT));
  g_assert_cmpint (n, <=, 0);
  srv_stop (s);
}

int
main (int argc, char **argv)
{
  essc_test_init (&argc, &argv);
  g_test_add_func ("/serve/http/routes", test_routes);
  g_test_add_func ("/serve/http/path-tricks", test_path_tricks);
  g_test_add_func ("/serve/http/json-body", test_json_body);
  g_test_add_func ("/serve/http/too-large", test_too_large);
  g_test_add_func ("/serve/http/csrf", test_csrf);
  g_test_add_func ("/serve/http/slow-client", test_slow_client);
  return g_test_run ();
}
