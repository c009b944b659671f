/* SPDX-License-Identifier: MIT */
/*
 * Tests of the page routes (serve/pages.h) through HTTP: the server core
 * (serve/http.h) with the actions and the pages runs in this process on
 * 127.0.0.1 (no pool: a queued run stays queued), and a client thread with
 * its own libsoup session and cookie jar goes through the pages as a
 * browser would, redirects not followed so each 303 is seen.  The registry,
 * and the keys are made with the essc binary ($ESSC_BIN keygen, registry
 * init), the first tokens with registry/token.h.
 *
 * What is checked: a page that needs a login sends nobody to /login; a POST
 * without the session's csrf field is 403 and changes nothing; a bad token
 * shows the login form again with 401 and the reason; a vendor registers a
 * channel with a hostile name (shown escaped), a refused application shows
 * the form again, filled in, with 409; the run form's idempotency key makes
 * a form posted twice start one run; a vendor gets 403 on the staff pages
 * and 404 on another vendor's channel and run; staff see every channel with
 * its action forms, a refused action shows the overview with 409, a token
 * issued is shown once and logs in, revoked it no longer does; the history
 * shows the actions with their actors; the static files are served.
 */
#include "registry/token.h"
#include "serve/actions.h"
#include "serve/http.h"
#include "serve/pages.h"
#include "serve/store.h"
#include "tests/lib/run.h"
#include "tests/lib/testutil.h"

#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <stdarg.h>
#include <string.h>

typedef struct {
  char *dir, *db, *key, *pub, *channel_pub;
  char *staff, *vendor, *other;    /* token texts */
  ServeStore *store;
  ServeActions *actions;
  ServeHttp *http;
  char *url;
} Fx;

static char *
issue (Fx *fx, const char *role, const char *subject)
{
  RegCtx ctx = { .db_path = fx->db, .now = g_get_real_time () / G_USEC_PER_SEC,
                 .actor = "test" };
  g_autoptr (GError) error = NULL;
  char *token = NULL;
  g_assert_true (reg_token_issue (&ctx, role, subject, "test", &token, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (token, "essc_"));
  return token;
}

static void
fx_setup (Fx *fx)
{
  memset (fx, 0, sizeof *fx);
  fx->dir = essc_test_make_tmpdir ("essc-pages-XXXXXX");
  g_autofree char *issuer = g_build_filename (fx->dir, "issuer", NULL);
  g_autofree char *chan = g_build_filename (fx->dir, "channel", NULL);
  fx->db = g_build_filename (fx->dir, "reg.db", NULL);
  fx->key = g_strconcat (issuer, ".key", NULL);
  fx->pub = g_strconcat (issuer, ".pub", NULL);
  fx->channel_pub = g_strconcat (chan, ".pub", NULL);
  const char *const prefixes[] = { issuer, chan };
  for (guint i = 0; i < 2; i++)
    {
      EsscTestRun r = essc_test_run_essc ("keygen", "--out", prefixes[i]);
      if (r.status != 0)
        g_error ("keygen: exit %d: %s", r.status, r.err);
      essc_test_run_clear (&r);
    }
  EsscTestRun r = essc_test_run_essc ("registry", "init", "--db", fx->db, "--name",
                                      "人社部 <test>", "--pub", fx->pub);
  if (r.status != 0)
    g_error ("registry init: exit %d: %s", r.status, r.err);
  essc_test_run_clear (&r);
  fx->staff = issue (fx, REG_TOKEN_STAFF, "li");
  fx->vendor = issue (fx, REG_TOKEN_VENDOR, "acme");
  fx->other = issue (fx, REG_TOKEN_VENDOR, "other");

  g_autoptr (GError) error = NULL;
  g_autofree char *state = g_build_filename (fx->dir, "state", NULL);
  g_assert_cmpint (g_mkdir (state, 0700), ==, 0);
  g_autofree char *store = g_build_filename (state, "serve.db", NULL);
  guint interrupted = 0;
  fx->store = serve_store_open (store, g_get_real_time () / G_USEC_PER_SEC, &interrupted,
                                &error);
  g_assert_no_error (error);
  g_autofree char *pub_dir = g_build_filename (state, "public", NULL);
  ServeActionsOptions ao = { .registry_path = fx->db, .key_path = fx->key,
                             .public_dir = pub_dir, .store = fx->store };
  fx->actions = serve_actions_new (&ao, &error);
  g_assert_no_error (error);
  fx->http = serve_http_new (fx->actions, &error);
  g_assert_no_error (error);
  serve_pages_register (fx->http, fx->actions);
  ServeHttpOptions ho = { .listen = "127.0.0.1:0" };
  g_assert_true (serve_http_listen (fx->http, &ho, &fx->url, &error));
  g_assert_no_error (error);
}

static void
fx_teardown (Fx *fx)
{
  serve_http_free (fx->http);
  serve_actions_free (fx->actions);
  serve_store_close (fx->store);
  EsscTestRun r = essc_test_run_sh ("rm -rf '%s'", fx->dir);
  essc_test_run_clear (&r);
  g_free (fx->dir);
  g_free (fx->db);
  g_free (fx->key);
  g_free (fx->pub);
  g_free (fx->channel_pub);
  g_free (fx->staff);
  g_free (fx->vendor);
  g_free (fx->other);
  g_free (fx->url);
}

/* ---- the client (a thread of its own) ------------------------------------------ */

typedef struct {
  SoupSession *session;
  const char *base;
  char *csrf;                 /* the csrf field of the last page read */
} Client;

typedef struct {
  guint status;
  char *body;
  char *location;
  char *content_type;
} Resp;

static void
resp_clear (Resp *r)
{
  g_free (r->body);
  g_free (r->location);
  g_free (r->content_type);
  memset (r, 0, sizeof *r);
}

/* Remembers the page's csrf field (every form of a page carries the same). */
static void
take_csrf (Client *c, const char *body)
{
  const char *mark = "name=\"csrf\" value=\"";
  const char *p = body != NULL ? strstr (body, mark) : NULL;
  if (p == NULL)
    return;
  p += strlen (mark);
  const char *end = strchr (p, '"');
  g_assert_nonnull (end);
  g_free (c->csrf);
  c->csrf = g_strndup (p, (gsize) (end - p));
}

static Resp
request (Client *c, const char *method, const char *path, const char *form)
{
  g_autofree char *uri = g_strconcat (c->base, path, NULL);
  g_autoptr (SoupMessage) msg = soup_message_new (method, uri);
  g_assert_nonnull (msg);
  soup_message_add_flags (msg, SOUP_MESSAGE_NO_REDIRECT);
  if (form != NULL)
    {
      g_autoptr (GBytes) body = g_bytes_new (form, strlen (form));
      soup_message_set_request_body_from_bytes (msg, "application/x-www-form-urlencoded",
                                                body);
    }
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) got = soup_session_send_and_read (c->session, msg, NULL, &error);
  g_assert_no_error (error);
  Resp r = { 0 };
  r.status = soup_message_get_status (msg);
  gsize n = 0;
  const char *data = g_bytes_get_data (got, &n);
  r.body = g_strndup (data != NULL ? data : "", n);
  SoupMessageHeaders *h = soup_message_get_response_headers (msg);
  r.location = g_strdup (soup_message_headers_get_one (h, "Location"));
  r.content_type = g_strdup (soup_message_headers_get_one (h, "Content-Type"));
  /* What every answer carries (serve/http.c; checked here for pages). */
  g_assert_nonnull (soup_message_headers_get_one (h, "Content-Security-Policy"));
  take_csrf (c, r.body);
  return r;
}

static Resp
get (Client *c, const char *path)
{
  return request (c, "GET", path, NULL);
}

/* A POST of the fields (name, value pairs, NULL-terminated) and the
 * current csrf. */
static Resp
post (Client *c, const char *path, ...)
{
  GString *form = g_string_new (NULL);
  va_list ap;
  va_start (ap, path);
  const char *name;
  while ((name = va_arg (ap, const char *)) != NULL)
    {
      const char *value = va_arg (ap, const char *);
      g_autofree char *v = g_uri_escape_string (value, NULL, FALSE);
      g_string_append_printf (form, "%s%s=%s", form->len ? "&" : "", name, v);
    }
  va_end (ap);
  if (c->csrf != NULL)
    g_string_append_printf (form, "%scsrf=%s", form->len ? "&" : "", c->csrf);
  Resp r = request (c, "POST", path, form->str);
  g_string_free (form, TRUE);
  return r;
}

static void
expect (const Resp *r, guint status, const char *location)
{
  if (r->status != status)
    {
      /* The message of the page, where it has one. */
      const char *m = strstr (r->body, "role=\"alert\">");
      g_error ("status %u, expected %u; %.300s", r->status, status, m != NULL ? m : r->body);
    }
  if (location != NULL)
    g_assert_cmpstr (r->location, ==, location);
}

static void
has (const Resp *r, const char *text)
{
  if (strstr (r->body, text) == NULL)
    g_error ("the page lacks %s; body: %.2000s", text, r->body);
}

static void
lacks (const Resp *r, const char *text)
{
  if (strstr (r->body, text) != NULL)
    g_error ("the page has %s", text);
}

/* A new browser: its own session and cookies. */
static Client
client_new (const char *base)
{
  Client c = { 0 };
  c.session = soup_session_new ();
  soup_session_add_feature_by_type (c.session, SOUP_TYPE_COOKIE_JAR);
  c.base = base;
  return c;
}

static void
client_free (Client *c)
{
  g_object_unref (c->session);
  g_free (c->csrf);
}

static void
login (Client *c, const char *token, const char *home)
{
  Resp r = get (c, "/login");
  expect (&r, 200, NULL);
  resp_clear (&r);
  r = post (c, "/login", "token", token, NULL);
  expect (&r, 303, home);
  resp_clear (&r);
}

/* ---- the script ------------------------------------------------------------------- */

typedef struct {
  Fx *fx;
  GMainLoop *loop;
} Script;

static const char HOSTILE_NAME[] = "社保卡 <script>alert(\"x\")</script> & 'q'";
static const char HOSTILE_ESC[] =
  "社保卡 &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;q&#39;";

static void
vendor_script (Fx *fx)
{
  Client c = client_new (fx->url);
  Resp r = get (&c, "/channels");
  expect (&r, 303, "/login");
  resp_clear (&r);
  r = get (&c, "/");
  expect (&r, 200, NULL);
  has (&r, "href=\"/login\"");
  resp_clear (&r);

  /* The login form: a wrong csrf is refused before the token is looked at. */
  r = get (&c, "/login");
  expect (&r, 200, NULL);
  has (&r, "id=\"login-token\"");
  g_assert_nonnull (c.csrf);
  resp_clear (&r);
  g_autofree char *good_csrf = g_strdup (c.csrf);
  g_free (c.csrf);
  c.csrf = g_strdup ("0000000000000000000000000000000000000000000000000000000000000000");
  r = post (&c, "/login", "token", fx->vendor, NULL);
  expect (&r, 403, NULL);
  resp_clear (&r);
  g_free (c.csrf);
  c.csrf = g_strdup (good_csrf);
  r = post (&c, "/login", "token", "essc_000000000000_00", NULL);
  expect (&r, 401, NULL);
  has (&r, "Login failed");
  has (&r, "id=\"login-token\"");
  resp_clear (&r);
  login (&c, fx->vendor, "/channels");

  r = get (&c, "/channels");
  expect (&r, 200, NULL);
  has (&r, "vendor:acme");
  has (&r, "id=\"channel-submit\"");
  has (&r, "id=\"no-channels\"");
  resp_clear (&r);

  g_autofree char *file = NULL;
  g_assert_true (g_file_get_contents (fx->channel_pub, &file, NULL, NULL));
  /* As a browser sends a textarea pasted into: CR LF, blanks, no final
   * line feed. */
  g_auto (GStrv) lines = g_strsplit (g_strstrip (file), "\n", -1);
  g_autofree char *joined = g_strjoinv ("  \r\n ", lines);
  g_autofree char *pk = g_strconcat ("\r\n", joined, NULL);
  r = post (&c, "/channels", "id", "CH000101", "name", HOSTILE_NAME, "class", "bank", "tier",
            "1", "parent_id", "", "public_key", pk, "endpoint", "http://127.0.0.1:9/essc",
            NULL);
  expect (&r, 303, "/channels/CH000101");
  resp_clear (&r);
  /* The same id again: refused, the form shown again filled in. */
  r = post (&c, "/channels", "id", "CH000101", "name", "二号", "class", "medical", "tier", "1",
            "public_key", pk, "endpoint", "http://127.0.0.1:9/essc", NULL);
  if (r.status != 409 && r.status != 400)
    g_error ("a second application with the same id: status %u", r.status);
  has (&r, "role=\"alert\"");
  has (&r, "value=\"二号\"");
  has (&r, "<option value=\"medical\" selected>");
  resp_clear (&r);
  /* A bad tier is named. */
  r = post (&c, "/channels", "id", "CH000102", "name", "x", "class", "bank", "tier", "one",
            "public_key", pk, "endpoint", "http://127.0.0.1:9/essc", NULL);
  expect (&r, 400, NULL);
  has (&r, "tier");
  resp_clear (&r);

  r = get (&c, "/channels");
  expect (&r, 200, NULL);
  has (&r, "<tr data-key=\"CH000101\">");
  has (&r, HOSTILE_ESC);
  lacks (&r, "<script>alert");
  lacks (&r, "CH000102");
  resp_clear (&r);

  r = get (&c, "/channels/CH000101");
  expect (&r, 200, NULL);
  has (&r, HOSTILE_ESC);
  has (&r, "id=\"run-start\"");
  has (&r, "data-status=\"applied\"");
  resp_clear (&r);

  /* A run; the same form posted twice starts one run. */
  r = post (&c, "/channels/CH000101/runs", "idem", "form-1", NULL);
  expect (&r, 303, NULL);
  g_assert_true (g_str_has_prefix (r.location, "/runs/"));
  g_autofree char *run = g_strdup (r.location);
  resp_clear (&r);
  r = post (&c, "/channels/CH000101/runs", "idem", "form-1", NULL);
  expect (&r, 303, run);
  resp_clear (&r);
  r = get (&c, run);
  expect (&r, 200, NULL);
  has (&r, "<span id=\"run-state\" class=\"state s-queued\">queued</span>");
  has (&r, "<noscript><meta http-equiv=\"refresh\" content=\"2\"></noscript>");
  has (&r, "/static/live.js");
  has (&r, "id=\"results\"");
  resp_clear (&r);

  /* Staff pages and actions: 403, nothing changed. */
  const char *const staff_gets[] = { "/staff", "/staff/tokens", "/staff/history" };
  for (guint i = 0; i < G_N_ELEMENTS (staff_gets); i++)
    {
      r = get (&c, staff_gets[i]);
      expect (&r, 403, NULL);
      resp_clear (&r);
    }
  r = post (&c, "/staff/channels/CH000101/suspend", "reason", "no", NULL);
  expect (&r, 403, NULL);
  resp_clear (&r);
  r = post (&c, "/staff/tokens", "vendor", "acme", NULL);
  expect (&r, 403, NULL);
  resp_clear (&r);

  /* Paths and ids that do not exist. */
  r = get (&c, "/channels/CH999999");
  expect (&r, 404, NULL);
  has (&r, "vendor:acme");    /* in the site's frame */
  resp_clear (&r);
  r = get (&c, "/runs/999");
  expect (&r, 404, NULL);
  resp_clear (&r);
  r = get (&c, "/static/nothing.css");
  expect (&r, 404, NULL);
  resp_clear (&r);

  /* Another vendor sees none of it. */
  Client o = client_new (fx->url);
  login (&o, fx->other, "/channels");
  r = get (&o, "/channels");
  expect (&r, 200, NULL);
  lacks (&r, "CH000101");
  resp_clear (&r);
  r = get (&o, "/channels/CH000101");
  expect (&r, 404, NULL);
  resp_clear (&r);
  r = get (&o, run);
  expect (&r, 404, NULL);
  resp_clear (&r);
  r = post (&o, "/channels/CH000101/runs", NULL);
  expect (&r, 404, NULL);
  resp_clear (&r);
  client_free (&o);

  /* Logout: the session is nobody's again. */
  r = post (&c, "/logout", NULL);
  expect (&r, 303, "/");
  resp_clear (&r);
  r = get (&c, "/channels");
  expect (&r, 303, "/login");
  resp_clear (&r);
  client_free (&c);
}

static void
staff_script (Fx *fx)
{
  Client c = client_new (fx->url);
  login (&c, fx->staff, "/staff");
  Resp r = get (&c, "/staff");
  expect (&r, 200, NULL);
  has (&r, "staff:li");
  has (&r, "<tr data-key=\"CH000101\">");
  has (&r, HOSTILE_ESC);
  has (&r, "id=\"staff-certify-CH000101\"");
  has (&r, "id=\"staff-revoke-CH000101\"");
  has (&r, "id=\"reason-CH000101\"");
  resp_clear (&r);
  /* No report: certify is refused by the registry, shown with 409. */
  r = post (&c, "/staff/channels/CH000101/certify", "reason", "", NULL);
  expect (&r, 409, NULL);
  has (&r, "role=\"alert\"");
  has (&r, "certify CH000101");
  resp_clear (&r);
  /* An applied channel cannot be suspended (table 6.2). */
  r = post (&c, "/staff/channels/CH000101/suspend", "reason", "test", NULL);
  expect (&r, 409, NULL);
  resp_clear (&r);
  r = post (&c, "/staff/channels/CH000101/rectify", "reason", "改正 <b>", NULL);
  expect (&r, 303, "/staff?done=rectify&channel=CH000101");
  resp_clear (&r);
  r = get (&c, "/staff?done=rectify&channel=CH000101");
  expect (&r, 200, NULL);
  has (&r, "rectify CH000101");
  resp_clear (&r);
  /* A notice is only shown for an action and a channel id. */
  r = get (&c, "/staff?done=%3Cb%3E&channel=CH000101");
  expect (&r, 200, NULL);
  lacks (&r, "class=\"notice\"");
  resp_clear (&r);

  /* A token: shown once, logs in; revoked, it does not. */
  r = get (&c, "/staff/tokens");
  expect (&r, 200, NULL);
  has (&r, "id=\"token-submit\"");
  lacks (&r, "id=\"new-token\"");
  resp_clear (&r);
  r = post (&c, "/staff/tokens", "vendor", "Bad Vendor", "label", "x", NULL);
  expect (&r, 400, NULL);
  has (&r, "value=\"Bad Vendor\"");
  resp_clear (&r);
  r = post (&c, "/staff/tokens", "vendor", "newco", "label", "新公司", NULL);
  expect (&r, 200, NULL);
  const char *mark = "id=\"new-token\">";
  const char *p = strstr (r.body, mark);
  g_assert_nonnull (p);
  p += strlen (mark);
  g_autofree char *token = g_strndup (p, strcspn (p, "<"));
  g_assert_true (g_str_has_prefix (token, "essc_"));
  g_autofree char *id = g_strndup (token + 5, 12);
  resp_clear (&r);
  r = get (&c, "/staff/tokens");
  expect (&r, 200, NULL);
  lacks (&r, token);
  has (&r, "新公司");
  resp_clear (&r);
  Client n = client_new (fx->url);
  login (&n, token, "/channels");
  g_autofree char *revoke = g_strdup_printf ("/staff/tokens/%s/revoke", id);
  r = post (&c, revoke, "reason", "test over", NULL);
  expect (&r, 303, "/staff/tokens");
  resp_clear (&r);
  /* Its session is nobody's at the next request. */
  r = get (&n, "/channels");
  expect (&r, 303, "/login");
  resp_clear (&r);
  r = get (&n, "/login");
  resp_clear (&r);
  r = post (&n, "/login", "token", token, NULL);
  expect (&r, 401, NULL);
  resp_clear (&r);
  client_free (&n);
  r = post (&c, revoke, "reason", "again", NULL);
  expect (&r, 409, NULL);
  resp_clear (&r);

  r = get (&c, "/staff/history");
  expect (&r, 200, NULL);
  has (&r, "id=\"history\"");
  has (&r, "channel.rectify");
  has (&r, "staff:li");
  has (&r, "reason=改正 &lt;b&gt;");
  resp_clear (&r);
  r = get (&c, "/staff/history?before=x");
  expect (&r, 400, NULL);
  resp_clear (&r);

  r = get (&c, "/static/style.css");
  expect (&r, 200, NULL);
  g_assert_cmpstr (r.content_type, ==, "text/css; charset=utf-8");
  resp_clear (&r);
  r = get (&c, "/static/live.js");
  expect (&r, 200, NULL);
  g_assert_true (g_str_has_prefix (r.content_type, "text/javascript"));
  resp_clear (&r);
  client_free (&c);
}

static gpointer
script_thread (gpointer data)
{
  Script *s = data;
  GMainContext *ctx = g_main_context_new ();
  g_main_context_push_thread_default (ctx);
  vendor_script (s->fx);
  staff_script (s->fx);
  g_main_context_pop_thread_default (ctx);
  g_main_context_unref (ctx);
  g_main_loop_quit (s->loop);
  return NULL;
}

static gboolean
too_long (gpointer data)
{
  g_error ("the page script did not finish within 120 s");
  return G_SOURCE_REMOVE;
}

static void
test_pages (void)
{
  Fx fx;
  fx_setup (&fx);
  Script s = { &fx, g_main_loop_new (NULL, FALSE) };
  guint watchdog = g_timeout_add_seconds (120, too_long, NULL);
  GThread *t = g_thread_new ("pages-client", script_thread, &s);
  g_main_loop_run (s.loop);
  g_thread_join (t);
  g_source_remove (watchdog);
  g_main_loop_unref (s.loop);
  fx_teardown (&fx);
}

int
main (int argc, char **argv)
{
  essc_test_init (&argc, &argv);
  g_test_add_func ("/serve/pages/flow", test_pages);
  return g_test_run ();
}
