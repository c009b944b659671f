/* SPDX-License-Identifier: MIT */
/*
 * `essc serve` end to end: a registry made with the registry fixture and a
 * staff token from the command line, the reference channel served with
 * `essc impl --role channel --listen`, and the real `essc serve` on port 0,
 * driven with a synchronous SoupSession: whoami, a vendor token issued
 * through the API, the vendor registers a channel (a Chinese name, the
 * reference as its endpoint), starts a run and follows it to conformant,
 * reads its tests and its signed report; staff certify it and the public
 * feed changes; `essc conform --server` exits 0 on a second run; and the
 * refusals a client sees first: headers on a 404, 413, 400 on bad JSON,
 * 401 without a token.  `essc serve --routes` lists exactly the paths of
 * docs/openapi.json (plus the page routes).  Every wait has a deadline.
 */
#include "tests/lib/http_fixture.h"
#include "tests/lib/registry_fixture.h"
#include "tests/lib/run.h"
#include "tests/lib/testutil.h"

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <signal.h>
#include <string.h>

typedef struct {
  GSubprocess *proc;
  char *url;
} Serve;

static Serve *
serve_start (RegFx *f, const char *state, const char *log)
{
  g_autoptr (GError) e = NULL;
  Serve *s = g_new0 (Serve, 1);
  g_autoptr (GSubprocessLauncher) launcher
    = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_subprocess_launcher_set_child_setup (launcher, fx_die_with_parent, NULL, NULL);
  s->proc = g_subprocess_launcher_spawn (launcher, &e, essc_test_bin (), "serve", "--registry",
                                         f->db, "--key", f->iss_key, "--listen", "127.0.0.1:0",
                                         "--state", state, "--log", log, NULL);
  g_assert_no_error (e);
  char *line = fx_read_first_line (s->proc, "essc serve", 30 * G_USEC_PER_SEC, NULL);
  g_assert_true (g_str_has_prefix (line, "listening on http://127.0.0.1:"));
  s->url = g_strndup (line + strlen ("listening on "),
                      strcspn (line + strlen ("listening on "), "\n"));
  g_free (line);
  return s;
}

static int
serve_stop (Serve *s)
{
  g_subprocess_send_signal (s->proc, SIGTERM);
  g_autoptr (GError) e = NULL;
  g_assert_true (g_subprocess_wait (s->proc, NULL, &e));
  int rc = g_subprocess_get_if_exited (s->proc) ? g_subprocess_get_exit_status (s->proc) : -1;
  g_object_unref (s->proc);
  g_free (s->url);
  g_free (s);
  return rc;
}

typedef struct {
  guint status;
  char *body;
  SoupMessageHeaders *headers;
  JsonNode *json;
} Answer;

static void
answer_clear (Answer *a)
{
  g_free (a->body);
  g_clear_pointer (&a->headers, soup_message_headers_unref);
  g_clear_pointer (&a->json, json_node_unref);
}

static Answer
call (SoupSession *ss, Serve *s, const char *method, const char *path, const char *token,
      const char *type, const char *body)
{
  g_autofree char *url = g_strconcat (s->url, path, NULL);
  g_autoptr (SoupMessage) msg = soup_message_new (method, url);
  g_assert_nonnull (msg);
  if (token != NULL)
    {
      g_autofree char *auth = g_strdup_printf ("Bearer %s", token);
      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization",
                                    auth);
    }
  if (body != NULL)
    {
      g_autoptr (GBytes) b = g_bytes_new (body, strlen (body));
      soup_message_set_request_body_from_bytes (msg, type, b);
    }
  g_autoptr (GError) e = NULL;
  g_autoptr (GBytes) got = soup_session_send_and_read (ss, msg, NULL, &e);
  g_assert_no_error (e);
  Answer a = { 0 };
  a.status = soup_message_get_status (msg);
  gsize n;
  const char *data = g_bytes_get_data (got, &n);
  a.body = g_strndup (data, n);
  a.headers = soup_message_headers_ref (soup_message_get_response_headers (msg));
  a.json = json_from_string (a.body, NULL);
  return a;
}

static const char *
member_string (JsonNode *n, const char *name)
{
  g_assert_true (n != NULL && JSON_NODE_HOLDS_OBJECT (n));
  return json_object_get_string_member (json_node_get_object (n), name);
}

static gint64
member_int (JsonNode *n, const char *name)
{
  g_assert_true (n != NULL && JSON_NODE_HOLDS_OBJECT (n));
  return json_object_get_int_member (json_node_get_object (n), name);
}

static void
assert_secure (const Answer *a)
{
  g_assert_nonnull (soup_message_headers_get_one (a->headers, "Content-Security-Policy"));
  g_assert_cmpstr (soup_message_headers_get_one (a->headers, "X-Content-Type-Options"), ==,
                   "nosniff");
  g_assert_cmpstr (soup_message_headers_get_one (a->headers, "X-Frame-Options"), ==, "DENY");
  g_assert_cmpstr (soup_message_headers_get_one (a->headers, "Referrer-Policy"), ==,
                   "no-referrer");
}

/* Follows run id until it finishes (5 minutes at most); returns its state. */
static char *
follow (SoupSession *ss, Serve *s, const char *token, gint64 id)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/runs/%" G_GINT64_FORMAT, id);
  gint64 end = g_get_monotonic_time () + 300 * G_USEC_PER_SEC;
  while (g_get_monotonic_time () < end)
    {
      Answer a = call (ss, s, "GET", path, token, NULL, NULL);
      g_assert_cmpuint (a.status, ==, 200);
      gboolean fin = json_object_get_boolean_member (json_node_get_object (a.json), "finished");
      char *state = g_strdup (member_string (a.json, "state"));
      if (fin)
        {
          g_test_message ("run %" G_GINT64_FORMAT ": %s", id, a.body);
          answer_clear (&a);
          return state;
        }
      g_free (state);
      answer_clear (&a);
      g_usleep (G_USEC_PER_SEC / 2);
    }
  g_error ("run %" G_GINT64_FORMAT " did not finish in 5 minutes", id);
}

static void
test_end_to_end (void)
{
  RegFx f;
  rfx_new (&f, "serve");
  FixtureRun r;
  rfx_reg (&f, &r, "init", 0, "--name", "人力资源社会保障部 (test)", "--pub", f.iss_pub, NULL);
  rfx_expect (&r, 0, "created registry");
  EsscTestRun t = essc_test_run_essc ("registry", "token", "issue", "--db", f.db, "--staff",
                                      "alice", "--label", "Alice");
  g_assert_cmpint (t.status, ==, 0);
  g_autofree char *staff = g_strstrip (g_strdup (t.out));
  essc_test_run_clear (&t);
  g_assert_true (g_str_has_prefix (staff, "essc_"));

  FxImplServer *impl = fx_impl_server_start ("channel", (const char *const[]) { NULL });
  g_autofree char *state = g_build_filename (f.dir, "state", NULL);
  g_autofree char *log = g_build_filename (f.dir, "access.log", NULL);
  Serve *s = serve_start (&f, state, log);
  g_autoptr (SoupSession) ss = soup_session_new_with_options ("timeout", 60, NULL);

  /* who am I; nobody is refused; a 404 has the headers */
  Answer a = call (ss, s, "GET", "/api/v1/whoami", staff, NULL, NULL);
  g_assert_cmpuint (a.status, ==, 200);
  g_assert_cmpstr (member_string (a.json, "actor"), ==, "staff:alice");
  assert_secure (&a);
  answer_clear (&a);
  a = call (ss, s, "GET", "/api/v1/whoami", NULL, NULL, NULL);
  g_assert_cmpuint (a.status, ==, 401);
  answer_clear (&a);
  a = call (ss, s, "GET", "/api/v1/nothing-here", staff, NULL, NULL);
  g_assert_cmpuint (a.status, ==, 404);
  assert_secure (&a);
  answer_clear (&a);

  /* staff issue a vendor token */
  a = call (ss, s, "POST", "/api/v1/tokens", staff, "application/json",
            "{\"vendor\":\"icbc\",\"label\":\"工行\"}");
  g_assert_cmpuint (a.status, ==, 201);
  g_autofree char *vendor = g_strdup (member_string (a.json, "token"));
  answer_clear (&a);

  /* bad bodies */
  a = call (ss, s, "POST", "/api/v1/channels", vendor, "application/json", "{\"id\":");
  g_assert_cmpuint (a.status, ==, 400);
  g_assert_nonnull (strstr (a.body, "malformed JSON body"));
  answer_clear (&a);
  g_autofree char *big = g_strnfill (70000, ' ');
  a = call (ss, s, "POST", "/api/v1/channels", vendor, "application/json", big);
  g_assert_cmpuint (a.status, ==, 413);
  assert_secure (&a);
  answer_clear (&a);

  /* the vendor registers a channel whose endpoint is the reference */
  g_autofree char *pub = NULL;
  g_assert_true (g_file_get_contents (f.ch_pub, &pub, NULL, NULL));
  g_autoptr (JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "id");
  json_builder_add_string_value (b, "CH000123");
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, "中国工商银行 电子社保卡");
  json_builder_set_member_name (b, "class");
  json_builder_add_string_value (b, "bank");
  json_builder_set_member_name (b, "tier");
  json_builder_add_int_value (b, 1);
  json_builder_set_member_name (b, "public_key");
  json_builder_add_string_value (b, pub);
  json_builder_set_member_name (b, "endpoint");
  json_builder_add_string_value (b, fx_impl_server_url (impl));
  json_builder_end_object (b);
  g_autoptr (JsonNode) app = json_builder_get_root (b);
  g_autofree char *app_text = json_to_string (app, FALSE);
  a = call (ss, s, "POST", "/api/v1/channels", vendor, "application/json", app_text);
  g_assert_cmpuint (a.status, ==, 201);
  g_assert_cmpstr (member_string (a.json, "vendor"), ==, "icbc");
  g_assert_cmpstr (member_string (a.json, "name"), ==, "中国工商银行 电子社保卡");
  answer_clear (&a);

  /* a run, followed to its verdict */
  a = call (ss, s, "POST", "/api/v1/channels/CH000123/runs", vendor, "application/json", "{}");
  g_assert_cmpuint (a.status, ==, 202);
  gint64 id = member_int (a.json, "id");
  answer_clear (&a);
  g_autofree char *verdict = follow (ss, s, vendor, id);
  g_assert_cmpstr (verdict, ==, "conformant");
  g_autofree char *tests = g_strdup_printf ("/api/v1/runs/%" G_GINT64_FORMAT "/tests", id);
  a = call (ss, s, "GET", tests, vendor, NULL, NULL);
  g_assert_cmpuint (a.status, ==, 200);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (a.json));
  g_assert_cmpuint (json_array_get_length (json_node_get_array (a.json)), >, 10);
  answer_clear (&a);
  g_autofree char *rep = g_strdup_printf ("/api/v1/runs/%" G_GINT64_FORMAT "/report", id);
  a = call (ss, s, "GET", rep, vendor, NULL, NULL);
  g_assert_cmpuint (a.status, ==, 200);
  /* the signed report names the endpoint it tested (its iut.command) */
  g_assert_nonnull (strstr (a.body, fx_impl_server_url (impl)));
  answer_clear (&a);

  /* staff certify; the feed changes */
  g_autofree char *feed0 = NULL;
  a = call (ss, s, "GET", "/public/feed.json", NULL, NULL, NULL);
  g_assert_cmpuint (a.status, ==, 200);
  feed0 = g_strdup (a.body);
  answer_clear (&a);
  a = call (ss, s, "POST", "/api/v1/channels/CH000123/certify", vendor, "application/json",
            "{}");
  g_assert_cmpuint (a.status, ==, 403);
  answer_clear (&a);
  a = call (ss, s, "POST", "/api/v1/channels/CH000123/certify", staff, "application/json",
            "{}");
  g_assert_cmpuint (a.status, ==, 200);
  g_assert_cmpstr (member_string (a.json, "status"), ==, "live");
  answer_clear (&a);
  a = call (ss, s, "GET", "/public/feed.json", NULL, NULL, NULL);
  g_assert_cmpuint (a.status, ==, 200);
  g_assert_cmpstr (a.body, !=, feed0);
  g_assert_nonnull (strstr (a.body, "CH000123"));
  answer_clear (&a);

  /* the public page lists it, and its policy allows exactly its own inline style sheet:
   * 'sha256-' and the base64 SHA-256 of the text between <style> and </style> */
  a = call (ss, s, "GET", "/public/", NULL, NULL, NULL);
  g_assert_cmpuint (a.status, ==, 200);
  g_assert_nonnull (strstr (a.body, "CH000123"));
  const char *style = strstr (a.body, "<style>");
  g_assert_nonnull (style);
  style += strlen ("<style>");
  const char *style_end = strstr (style, "</style>");
  g_assert_nonnull (style_end);
  g_autoptr (GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  g_checksum_update (sum, (const guchar *) style, style_end - style);
  guint8 digest[32];
  gsize digest_len = sizeof digest;
  g_checksum_get_digest (sum, digest, &digest_len);
  g_autofree char *b64 = g_base64_encode (digest, digest_len);
  g_autofree char *want = g_strdup_printf ("style-src 'self' 'sha256-%s';", b64);
  const char *policy = soup_message_headers_get_one (a.headers, "Content-Security-Policy");
  g_assert_nonnull (policy);
  g_assert_nonnull (strstr (policy, want));
  g_assert_nonnull (strstr (policy, "script-src 'self';"));
  answer_clear (&a);

  /* the CI client */
  t = essc_test_run_essc ("conform", "--server", s->url, "--token", vendor, "--channel",
                          "CH000123", "--timeout", "300");
  g_test_message ("%s%s", t.out, t.err);
  g_assert_cmpint (t.status, ==, 0);
  g_assert_nonnull (strstr (t.out, "verdict: conformant"));
  essc_test_run_clear (&t);
  t = essc_test_run_essc ("conform", "--server", s->url, "--token", "essc_nope", "--channel",
                          "CH000123");
  g_assert_cmpint (t.status, ==, 2);
  essc_test_run_clear (&t);

  /* a channel registered with the profile "no payment": its profile says so, and its run
   * skips the payment tests the first channel's run played (more skipped, fewer passed) */
  g_autofree char *pub2 = NULL;
  g_assert_true (g_file_get_contents (f.ch2_pub, &pub2, NULL, NULL));
  g_autoptr (JsonBuilder) b2 = json_builder_new ();
  json_builder_begin_object (b2);
  json_builder_set_member_name (b2, "id");
  json_builder_add_string_value (b2, "CH000124");
  json_builder_set_member_name (b2, "name");
  json_builder_add_string_value (b2, "社保查询 no payment");
  json_builder_set_member_name (b2, "class");
  json_builder_add_string_value (b2, "bank");
  json_builder_set_member_name (b2, "tier");
  json_builder_add_int_value (b2, 1);
  json_builder_set_member_name (b2, "public_key");
  json_builder_add_string_value (b2, pub2);
  json_builder_set_member_name (b2, "endpoint");
  json_builder_add_string_value (b2, fx_impl_server_url (impl));
  json_builder_set_member_name (b2, "payment");
  json_builder_add_string_value (b2, "maybe");
  json_builder_end_object (b2);
  g_autoptr (JsonNode) app2 = json_builder_get_root (b2);
  g_autofree char *app2_bad = json_to_string (app2, FALSE);
  a = call (ss, s, "POST", "/api/v1/channels", vendor, "application/json", app2_bad);
  g_assert_cmpuint (a.status, ==, 400);
  g_assert_nonnull (strstr (a.body, "payment"));
  answer_clear (&a);
  json_object_set_boolean_member (json_node_get_object (app2), "payment", FALSE);
  g_autofree char *app2_text = json_to_string (app2, FALSE);
  a = call (ss, s, "POST", "/api/v1/channels", vendor, "application/json", app2_text);
  g_assert_cmpuint (a.status, ==, 201);
  JsonObject *prof = json_object_get_object_member (json_node_get_object (a.json), "profile");
  g_assert_nonnull (prof);
  g_assert_false (json_object_get_boolean_member (prof, "payment"));
  g_assert_cmpstr (json_object_get_string_member (prof, "class"), ==, "bank");
  answer_clear (&a);
  a = call (ss, s, "GET", "/api/v1/runs/1", vendor, NULL, NULL);
  gint64 skipped1 = member_int (a.json, "skipped"), passed1 = member_int (a.json, "passed");
  answer_clear (&a);
  a = call (ss, s, "POST", "/api/v1/channels/CH000124/runs", vendor, "application/json", "{}");
  g_assert_cmpuint (a.status, ==, 202);
  gint64 id2 = member_int (a.json, "id");
  answer_clear (&a);
  g_autofree char *verdict2 = follow (ss, s, vendor, id2);
  g_assert_cmpstr (verdict2, ==, "conformant");
  g_autofree char *run2 = g_strdup_printf ("/api/v1/runs/%" G_GINT64_FORMAT, id2);
  a = call (ss, s, "GET", run2, vendor, NULL, NULL);
  g_assert_cmpint (member_int (a.json, "skipped"), >, skipped1);
  g_assert_cmpint (member_int (a.json, "passed"), <, passed1);
  g_assert_cmpint (member_int (a.json, "total"), ==, skipped1 + passed1);
  answer_clear (&a);

  g_assert_cmpint (serve_stop (s), ==, 0);
  fx_impl_server_stop (impl, NULL);
  g_autofree char *logged = NULL;
  g_assert_true (g_file_get_contents (log, &logged, NULL, NULL));
  g_assert_nonnull (strstr (logged, " 413 "));
  g_assert_nonnull (strstr (logged, " 401 "));
  g_assert_null (strstr (logged, vendor));   /* tokens are never logged */
  rfx_free (&f);
}

/* Every /api/v1 route of `essc serve --routes` is in docs/openapi.json and
 * every path there is a route. */
static void
test_routes_match_openapi (void)
{
  EsscTestRun t = essc_test_run_essc ("serve", "--routes");
  g_assert_cmpint (t.status, ==, 0);
  g_autofree char *spec_path = essc_test_src_path ("docs", "openapi.json", NULL);
  g_autoptr (JsonParser) p = json_parser_new ();
  g_autoptr (GError) e = NULL;
  g_assert_true (json_parser_load_from_file (p, spec_path, &e));
  JsonObject *paths = json_object_get_object_member (
      json_node_get_object (json_parser_get_root (p)), "paths");
  g_assert_nonnull (paths);
  g_autoptr (GHashTable) routes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_auto (GStrv) lines = g_strsplit (t.out, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      if (!g_str_has_prefix (strchr (lines[i], ' ') ? strchr (lines[i], ' ') + 1 : "",
                             "/api/v1/"))
        continue;
      g_auto (GStrv) mp = g_strsplit (lines[i], " ", 2);
      g_autofree char *method = g_ascii_strdown (mp[0], -1);
      JsonObject *item = json_object_has_member (paths, mp[1])
                           ? json_object_get_object_member (paths, mp[1])
                           : NULL;
      if (item == NULL || !json_object_has_member (item, method))
        g_error ("route %s is not in docs/openapi.json", lines[i]);
      g_hash_table_add (routes, g_strdup_printf ("%s %s", method, mp[1]));
    }
  g_autoptr (GList) names = json_object_get_members (paths);
  guint n = 0;
  for (GList *l = names; l != NULL; l = l->next)
    {
      JsonObject *item = json_object_get_object_member (paths, l->data);
      g_autoptr (GList) methods = json_object_get_members (item);
      for (GList *m = methods; m != NULL; m = m->next)
        {
          g_autofree char *key = g_strdup_printf ("%s %s", (char *) m->data, (char *) l->data);
          if (!g_hash_table_contains (routes, key))
            g_error ("docs/openapi.json has %s, which the server does not serve", key);
          n++;
        }
    }
  g_assert_cmpuint (n, ==, g_hash_table_size (routes));
  g_assert_cmpuint (n, >=, 16);
  essc_test_run_clear (&t);
}

static void
test_usage (void)
{
  EsscTestRun t = essc_test_run_essc ("serve", "--registry", "/nonexistent.db", "--key",
                                      "/nonexistent.key", "--listen", "127.0.0.1:0");
  g_assert_cmpint (t.status, ==, 2);
  g_assert_nonnull (strstr (t.err, "nonexistent"));
  essc_test_run_clear (&t);
  t = essc_test_run_essc ("serve", "--listen", "127.0.0.1:0");
  g_assert_cmpint (t.status, ==, 2);
  essc_test_run_clear (&t);
  t = essc_test_run_essc ("serve", "--help");
  g_assert_cmpint (t.status, ==, 0);
  g_assert_nonnull (strstr (t.out, "--run-deadline"));
  g_assert_nonnull (strstr (t.out, "--routes"));
  essc_test_run_clear (&t);
}

int
main (int argc, char **argv)
{
  essc_test_init (&argc, &argv);
  fixture_init ();
  g_test_add_func ("/cli/serve/usage", test_usage);
  g_test_add_func ("/cli/serve/routes-match-openapi", test_routes_match_openapi);
  g_test_add_func ("/cli/serve/end-to-end", test_end_to_end);
  return fixture_finish (g_test_run ());
}
