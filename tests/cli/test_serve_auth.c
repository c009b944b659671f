/* SPDX-License-Identifier: MIT */
/*
 * The authorization matrix of `essc serve` (docs/SERVE.md): one table of
 * every /api/v1 route with who may call it, checked against `essc serve
 * --routes` (a route missing from the table fails the test, so a new route
 * cannot escape the matrix).  For every route: no token, a malformed, an
 * unknown and a revoked token -> 401; another vendor's token on a vendor's
 * channel or run -> 404; a vendor on a staff route -> 403 (and staff on
 * the vendors' register route -> 403: a channel needs an owner); after all
 * the refused calls the registry file and the service's store are
 * unchanged and the access log has a line for each refusal.  Then the right
 * caller gets 2xx on every route (the staff actions walk a second channel
 * through its life cycle).  Pages: a POST without the csrf field -> 403 and
 * nothing changed; path tricks (an encoded "..", NUL, an overlong id) ->
 * 4xx and no file served; an oversized body -> 413; a slow client that
 * sends half a request is dropped while another request is answered.
 *
 * One server for the whole binary (set up by the first test); the tests
 * run in the order added.
 */
#include "tests/lib/registry_fixture.h"
#include "tests/lib/run.h"
#include "tests/lib/serve_fixture.h"
#include "tests/lib/testutil.h"

#include <json-glib/json-glib.h>
#include <string.h>

/* Who may call a route. */
typedef enum {
  ANY,          /* any vendor (its own view) and staff */
  OWNER,        /* the vendor owning the channel or run, and staff */
  STAFF,        /* staff only: vendors 403 */
  VENDOR,       /* vendors only: staff 403 */
} Who;

/* One route of the matrix.  path: the concrete path, with %C the first
 * vendor's channel, %R its run, %T a token id; body: a valid JSON body for
 * POST (the refusals must come from the caller, not the body). */
typedef struct {
  const char *method, *pattern, *path;
  Who who;
  const char *body;
  gboolean stream;             /* an event stream: read the head only */
} Route;

static const Route routes[] = {
  { "GET", "/api/v1/whoami", "/api/v1/whoami", ANY, NULL, FALSE },
  { "GET", "/api/v1/channels", "/api/v1/channels", ANY, NULL, FALSE },
  { "POST", "/api/v1/channels", "/api/v1/channels", VENDOR, "REGISTER", FALSE },
  { "GET", "/api/v1/channels/{channel}", "/api/v1/channels/%C", OWNER, NULL, FALSE },
  { "POST", "/api/v1/channels/{channel}/runs", "/api/v1/channels/%C/runs", OWNER, "{}", FALSE },
  { "POST", "/api/v1/channels/{channel}/{action}", "/api/v1/channels/%C/certify", STAFF,
    "{\"reason\":\"matrix\"}", FALSE },
  { "GET", "/api/v1/runs", "/api/v1/runs", ANY, NULL, FALSE },
  { "GET", "/api/v1/runs/{run}", "/api/v1/runs/%R", OWNER, NULL, FALSE },
  { "GET", "/api/v1/runs/{run}/tests", "/api/v1/runs/%R/tests", OWNER, NULL, FALSE },
  { "GET", "/api/v1/runs/{run}/events", "/api/v1/runs/%R/events", OWNER, NULL, TRUE },
  { "GET", "/api/v1/runs/{run}/report", "/api/v1/runs/%R/report", OWNER, NULL, FALSE },
  { "GET", "/api/v1/runs/{run}/report.sig", "/api/v1/runs/%R/report.sig", OWNER, NULL, FALSE },
  { "GET", "/api/v1/tokens", "/api/v1/tokens", STAFF, NULL, FALSE },
  { "POST", "/api/v1/tokens", "/api/v1/tokens", STAFF, "{\"vendor\":\"zeta\",\"label\":\"x\"}",
    FALSE },
  { "POST", "/api/v1/tokens/{token}/revoke", "/api/v1/tokens/%T/revoke", STAFF,
    "{\"reason\":\"matrix\"}", FALSE },
  { "GET", "/api/v1/history", "/api/v1/history", STAFF, NULL, FALSE },
};

static const char *const actions[] = { "certify", "rectify", "suspend", "reinstate", "terminate",
                                        "revoke" };

/* The shared state: one server, vendors acme (A) and beta (B). */
static struct {
  SrvFx f;
  gboolean up;
  char *tok_a, *tok_b, *tok_revoked, *tok_spare;
  char *spare_id;
  gint64 run_a, run_a3;
  GHashTable *refusals;   /* "METHOD PATH STATUS" -> count expected in the log */
} S;

/* The path of r with its placeholders filled. */
static char *
fill (const char *path)
{
  g_autoptr (GString) s = g_string_new (NULL);
  for (const char *p = path; *p; p++)
    {
      if (p[0] == '%' && p[1] == 'C')
        g_string_append (s, "CH000001"), p++;
      else if (p[0] == '%' && p[1] == 'R')
        g_string_append_printf (s, "%" G_GINT64_FORMAT, S.run_a), p++;
      else if (p[0] == '%' && p[1] == 'T')
        g_string_append (s, S.spare_id), p++;
      else
        g_string_append_c (s, *p);
    }
  return g_string_free (g_steal_pointer (&s), FALSE);
}

static char *
register_body (const char *id, const char *name)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "id");
  json_builder_add_string_value (b, id);
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, name);
  json_builder_set_member_name (b, "class");
  json_builder_add_string_value (b, "social");
  json_builder_set_member_name (b, "tier");
  json_builder_add_int_value (b, 1);
  json_builder_set_member_name (b, "public_key");
  json_builder_add_string_value (b, S.f.ch_pub_text);
  json_builder_set_member_name (b, "endpoint");
  json_builder_add_string_value (b, S.f.endpoint);
  json_builder_set_member_name (b, "role");
  json_builder_add_string_value (b, "channel");
  json_builder_end_object (b);
  g_autoptr (JsonNode) root = json_builder_get_root (b);
  return json_to_string (root, FALSE);
}

/* Calls the API; asserts the status; returns the body (transfer full). */
static char *
call (const char *method, const char *path, const char *token, const char *body,
      gboolean stream, guint want)
{
  g_autofree char *auth = token ? g_strconcat ("Authorization: Bearer ", token, NULL) : NULL;
  const char *h[3] = { NULL, NULL, NULL };
  guint n = 0;
  if (auth != NULL)
    h[n++] = auth;
  if (body != NULL)
    h[n++] = "Content-Type: application/json";
  SfxResp r = sfx_http (&S.f, method, path, h, body, body ? strlen (body) : 0, stream);
  if (r.status != want)
    g_error ("%s %s (token %.17s): %u, expected %u: %s", method, path, token ? token : "none",
             r.status, want, r.body);
  if (want >= 400 && !stream)
    {
      /* The API's error shape, with the status repeated. */
      g_autoptr (JsonParser) p = json_parser_new ();
      g_assert_true (json_parser_load_from_data (p, r.body, -1, NULL));
      JsonNode *root = json_parser_get_root (p);
      g_assert_true (JSON_NODE_HOLDS_OBJECT (root));
      JsonObject *e = json_object_get_object_member (json_node_get_object (root), "error");
      g_assert_nonnull (e);
      g_assert_cmpint (json_object_get_int_member (e, "status"), ==, want);
      g_assert_cmpstr (json_object_get_string_member (e, "message"), !=, "");
    }
  char *out = g_steal_pointer (&r.body);
  sfx_resp_clear (&r);
  return out;
}

/* A refused call: asserts the status and counts the log line it must give. */
static void
refuse (const char *method, const char *path, const char *token, const char *body,
        gboolean stream, guint want)
{
  g_free (call (method, path, token, body, stream, want));
  /* The log names the path without its query. */
  char *key = g_strdup_printf (" %s %.*s %u ", method, (int) strcspn (path, "?"), path, want);
  guint n = GPOINTER_TO_UINT (g_hash_table_lookup (S.refusals, key));
  g_hash_table_replace (S.refusals, key, GUINT_TO_POINTER (n + 1));
}

/* What the refusals must leave alone: the registry file's bytes and the
 * store's rows, as one text. */
static char *
snapshot (void)
{
  g_autoptr (GBytes) reg = rfx_snapshot (S.f.db);
  g_autofree char *store = g_build_filename (S.f.state, "serve.db", NULL);
  g_autofree char *runs = rfx_sql_text (store, "SELECT count(*) || ':' || coalesce(max(id), 0) || ':' ||"
                                               " group_concat(state || done, ',') FROM run");
  g_autofree char *tests = rfx_sql_text (store, "SELECT count(*) FROM run_test");
  g_autofree char *hist = rfx_sql_text (S.f.db, "SELECT count(*) || ':' || hex(max(hash)) FROM history");
  return g_strdup_printf ("registry %u bytes, hash %u; runs %s; tests %s; history %s",
                          (guint) g_bytes_get_size (reg), g_bytes_hash (reg), runs, tests, hist);
}

static gint64
start_run (const char *token, const char *channel)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/channels/%s/runs", channel);
  g_autofree char *body = call ("POST", path, token, "{}", FALSE, 202);
  gint64 id = sfx_json_int (body, "id");
  g_assert_cmpint (id, >, 0);
  return id;
}

/* The server, the vendors, their channels, a finished run of each of A's
 * two channels, a revoked token and a spare one. */
static void
setup_once (void)
{
  if (S.up)
    return;
  sfx_new (&S.f);
  S.refusals = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  S.tok_a = sfx_vendor_token (&S.f, "acme");
  S.tok_b = sfx_vendor_token (&S.f, "beta");
  S.tok_revoked = sfx_vendor_token (&S.f, "acme");
  S.tok_spare = sfx_vendor_token (&S.f, "gamma");
  S.spare_id = g_strndup (S.tok_spare + 5, 12);
  sfx_revoke_token (&S.f, S.tok_revoked, "left the company");
  sfx_serve_start (&S.f, NULL);
  g_autofree char *b1 = register_body ("CH000001", "甲银行 电子社保卡");
  g_autofree char *b2 = register_body ("CH000002", "乙银行 电子社保卡");
  g_autofree char *b3 = register_body ("CH000003", "甲银行 第二渠道");
  g_free (call ("POST", "/api/v1/channels", S.tok_a, b1, FALSE, 201));
  g_free (call ("POST", "/api/v1/channels", S.tok_b, b2, FALSE, 201));
  g_free (call ("POST", "/api/v1/channels", S.tok_a, b3, FALSE, 201));
  /* One after the other: the reference endpoint keeps one state. */
  S.run_a = start_run (S.tok_a, "CH000001");
  g_autofree char *s1 = sfx_wait_run (&S.f, S.tok_a, S.run_a, 120);
  S.run_a3 = start_run (S.tok_a, "CH000003");
  g_autofree char *s3 = sfx_wait_run (&S.f, S.tok_a, S.run_a3, 120);
  g_assert_cmpstr (s1, ==, "conformant");
  g_assert_cmpstr (s3, ==, "conformant");
  S.up = TRUE;
}

/* Every /api/ route of `essc serve --routes` is in the table, and every
 * row of the table is a route. */
static void
test_routes_covered (void)
{
  EsscTestRun r = essc_test_run_essc ("serve", "--routes");
  g_assert_cmpint (r.status, ==, 0);
  g_auto (GStrv) lines = g_strsplit (r.out, "\n", -1);
  guint api = 0;
  for (guint i = 0; lines[i] != NULL; i++)
    {
      if (lines[i][0] == '\0')
        continue;
      g_auto (GStrv) mp = g_strsplit (lines[i], " ", 2);
      g_assert_nonnull (mp[1]);
      if (!g_str_has_prefix (mp[1], "/api/"))
        continue;
      api++;
      gboolean found = FALSE;
      for (guint k = 0; k < G_N_ELEMENTS (routes); k++)
        found |= strcmp (routes[k].method, mp[0]) == 0 && strcmp (routes[k].pattern, mp[1]) == 0;
      if (!found)
        g_error ("route %s %s is not in the authorization matrix (tests/cli/test_serve_auth.c)",
                 mp[0], mp[1]);
    }
  for (guint k = 0; k < G_N_ELEMENTS (routes); k++)
    {
      g_autofree char *line = g_strdup_printf ("%s %s\n", routes[k].method, routes[k].pattern);
      if (strstr (r.out, line) == NULL)
        g_error ("the matrix names %s %s, which essc serve --routes does not list",
                 routes[k].method, routes[k].pattern);
    }
  g_assert_cmpuint (api, ==, G_N_ELEMENTS (routes));
  essc_test_run_clear (&r);
}

/* Every refusal: 401 for no, malformed, unknown and revoked tokens on every
 * route; 404 for another vendor on an owner's route; 403 for a vendor on a
 * staff route and staff on the vendors' route.  Nothing changed; each one
 * logged. */
static void
test_refusals (void)
{
  setup_once ();
  g_autofree char *before = snapshot ();
  g_autofree char *reg = register_body ("CH000009", "不应出现");
  const char *unknown = "essc_0123456789ab_"
                        "00000000000000000000000000000000000000000000000000000000deadbeef";
  const char *bad_tokens[] = { NULL, "essc_xyz", "Bearer", "essc_0123456789ab_short", unknown,
                               S.tok_revoked };
  guint refused = 0;
  for (guint k = 0; k < G_N_ELEMENTS (routes); k++)
    {
      const Route *rt = &routes[k];
      g_autofree char *path = fill (rt->path);
      const char *body = rt->body && strcmp (rt->body, "REGISTER") == 0 ? reg : rt->body;
      for (guint t = 0; t < G_N_ELEMENTS (bad_tokens); t++, refused++)
        refuse (rt->method, path, bad_tokens[t], body, rt->stream, 401);
      if (rt->who == OWNER)
        refuse (rt->method, path, S.tok_b, body, rt->stream, 404), refused++;
      if (rt->who == STAFF)
        {
          refuse (rt->method, path, S.tok_a, body, rt->stream, 403), refused++;
          refuse (rt->method, path, S.tok_b, body, rt->stream, 403), refused++;
        }
      if (rt->who == VENDOR)
        refuse (rt->method, path, S.f.staff, body, rt->stream, 403), refused++;
    }
  /* Every staff action, by the owner and by another vendor. */
  for (guint i = 0; i < G_N_ELEMENTS (actions); i++)
    {
      g_autofree char *path = g_strdup_printf ("/api/v1/channels/CH000001/%s", actions[i]);
      refuse ("POST", path, S.tok_a, "{\"reason\":\"x\"}", FALSE, 403);
      refuse ("POST", path, S.tok_b, "{\"reason\":\"x\"}", FALSE, 403);
      refused += 2;
    }
  /* Another vendor's channel in a filter, another vendor's other ids. */
  refuse ("GET", "/api/v1/runs?channel=CH000001", S.tok_b, NULL, FALSE, 404);
  g_autofree char *p3 = g_strdup_printf ("/api/v1/runs/%" G_GINT64_FORMAT, S.run_a3);
  refuse ("GET", p3, S.tok_b, NULL, FALSE, 404);
  refuse ("GET", "/api/v1/channels/CH000003", S.tok_b, NULL, FALSE, 404);
  refused += 3;
  g_test_message ("%u refused calls", refused);

  g_autofree char *after = snapshot ();
  g_assert_cmpstr (after, ==, before);

  /* The access log: a line for each refusal (METHOD PATH STATUS). */
  g_autofree char *log = NULL;
  g_assert_true (g_file_get_contents (S.f.log, &log, NULL, NULL));
  GHashTableIter it;
  gpointer key, val;
  g_hash_table_iter_init (&it, S.refusals);
  while (g_hash_table_iter_next (&it, &key, &val))
    {
      guint seen = 0;
      for (const char *p = strstr (log, key); p != NULL; p = strstr (p + 1, key))
        seen++;
      if (seen < GPOINTER_TO_UINT (val))
        g_error ("the access log has %u lines with \"%s\", expected %u", seen, (char *) key,
                 GPOINTER_TO_UINT (val));
    }
}

/* The vendor's lists hold its own only. */
static void
assert_lists (void)
{
  g_autofree char *cb = call ("GET", "/api/v1/channels", S.tok_b, NULL, FALSE, 200);
  g_assert_nonnull (strstr (cb, "CH000002"));
  g_assert_null (strstr (cb, "CH000001"));
  g_assert_null (strstr (cb, "CH000003"));
  g_autofree char *ca = call ("GET", "/api/v1/channels", S.tok_a, NULL, FALSE, 200);
  g_assert_nonnull (strstr (ca, "CH000001"));
  g_assert_null (strstr (ca, "CH000002"));
  g_autofree char *cs = call ("GET", "/api/v1/channels", S.f.staff, NULL, FALSE, 200);
  g_assert_nonnull (strstr (cs, "CH000001"));
  g_assert_nonnull (strstr (cs, "CH000002"));
  g_autofree char *rb = call ("GET", "/api/v1/runs", S.tok_b, NULL, FALSE, 200);
  g_assert_null (strstr (rb, "CH000001"));
  g_autofree char *ra = call ("GET", "/api/v1/runs", S.tok_a, NULL, FALSE, 200);
  g_assert_nonnull (strstr (ra, "CH000001"));
  g_autofree char *rf = call ("GET", "/api/v1/runs?channel=CH000001", S.tok_a, NULL, FALSE, 200);
  g_assert_nonnull (strstr (rf, "CH000001"));
  g_assert_null (strstr (rf, "CH000003"));
}

/* The right caller gets 2xx on every route of the table. */
static void
test_allowed (void)
{
  setup_once ();
  for (guint k = 0; k < G_N_ELEMENTS (routes); k++)
    {
      const Route *rt = &routes[k];
      g_autofree char *path = fill (rt->path);
      if (rt->who == ANY || rt->who == OWNER)
        {
          if (strcmp (rt->method, "GET") == 0)
            {
              g_free (call ("GET", path, S.tok_a, NULL, rt->stream, 200));
              g_free (call ("GET", path, S.f.staff, NULL, rt->stream, 200));
            }
        }
      else if (rt->who == STAFF && strcmp (rt->method, "GET") == 0)
        {
          g_free (call ("GET", path, S.f.staff, NULL, FALSE, 200));
        }
    }
  assert_lists ();

  /* whoami says who. */
  g_autofree char *w = call ("GET", "/api/v1/whoami", S.tok_a, NULL, FALSE, 200);
  g_autofree char *role = sfx_json_str (w, "role");
  g_autofree char *subject = sfx_json_str (w, "subject");
  g_assert_cmpstr (role, ==, "vendor");
  g_assert_cmpstr (subject, ==, "acme");

  /* The report is the registry's signed report; its signature too. */
  g_autofree char *rp = g_strdup_printf ("/api/v1/runs/%" G_GINT64_FORMAT "/report", S.run_a);
  g_autofree char *rep = call ("GET", rp, S.tok_a, NULL, FALSE, 200);
  g_assert_nonnull (strstr (rep, "\"schema\":\"essc-conformance-report/"));

  /* POST routes: a new channel, a run (its key twice gives one run), the
   * tokens, then the staff actions through the life cycle. */
  g_autofree char *b4 = register_body ("CH000004", "甲银行 第三渠道");
  g_free (call ("POST", "/api/v1/channels", S.tok_a, b4, FALSE, 201));
  {
    const char *h[] = { NULL, "Content-Type: application/json", "Idempotency-Key: matrix-1", NULL };
    g_autofree char *auth = g_strconcat ("Authorization: Bearer ", S.tok_a, NULL);
    h[0] = auth;
    SfxResp r1 = sfx_http (&S.f, "POST", "/api/v1/channels/CH000004/runs", h, "{}", 2, FALSE);
    SfxResp r2 = sfx_http (&S.f, "POST", "/api/v1/channels/CH000004/runs", h, "{}", 2, FALSE);
    g_assert_cmpuint (r1.status, ==, 202);
    g_assert_cmpuint (r2.status / 100, ==, 2);
    gint64 id1 = sfx_json_int (r1.body, "id"), id2 = sfx_json_int (r2.body, "id");
    g_assert_cmpint (id1, >, 0);
    g_assert_cmpint (id1, ==, id2);
    sfx_resp_clear (&r1);
    sfx_resp_clear (&r2);
    g_autofree char *st = sfx_wait_run (&S.f, S.tok_a, id1, 120);
    g_assert_cmpstr (st, ==, "conformant");
  }
  g_autofree char *tok = call ("POST", "/api/v1/tokens", S.f.staff,
                               "{\"vendor\":\"delta\",\"label\":\"matrix\"}", FALSE, 201);
  g_autofree char *new_tok = sfx_json_str (tok, "token");
  g_assert_nonnull (new_tok);
  g_autofree char *wd = call ("GET", "/api/v1/whoami", new_tok, NULL, FALSE, 200);
  g_assert_nonnull (strstr (wd, "delta"));
  g_autofree char *rv = g_strdup_printf ("/api/v1/tokens/%s/revoke", S.spare_id);
  g_free (call ("POST", rv, S.f.staff, "{\"reason\":\"matrix\"}", FALSE, 200));
  g_free (call ("GET", "/api/v1/whoami", S.tok_spare, NULL, FALSE, 401));
  /* Staff actions on CH000003 (a conformant run): each one allowed by the
   * life cycle in this order. */
  const char *seq[] = { "certify", "suspend", "reinstate", "rectify", "revoke", "terminate" };
  for (guint i = 0; i < G_N_ELEMENTS (seq); i++)
    {
      g_autofree char *p = g_strdup_printf ("/api/v1/channels/CH000003/%s", seq[i]);
      g_autofree char *ch = call ("POST", p, S.f.staff, "{\"reason\":\"matrix step\"}", FALSE, 200);
      g_assert_nonnull (strstr (ch, "CH000003"));
    }
  g_autofree char *term = call ("GET", "/api/v1/channels/CH000003", S.f.staff, NULL, FALSE, 200);
  g_autofree char *status = sfx_json_str (term, "status");
  g_assert_cmpstr (status, ==, "terminated");
  /* A terminated channel takes no run: 409, not 2xx. */
  g_free (call ("POST", "/api/v1/channels/CH000003/runs", S.tok_a, "{}", FALSE, 409));
  /* The history has the staff's actions with who did them. */
  g_autofree char *hist = call ("GET", "/api/v1/history", S.f.staff, NULL, FALSE, 200);
  g_assert_nonnull (strstr (hist, "staff:alice"));
  g_assert_nonnull (strstr (hist, "vendor:acme"));
}

/* A page POST without the csrf field (or with another session's) is 403
 * and changes nothing. */
static void
test_csrf (void)
{
  setup_once ();
  g_autofree char *csrf = NULL;
  g_autofree char *cookie = sfx_login (&S.f, S.f.staff, &csrf);
  g_autofree char *ch = g_strconcat ("Cookie: ", cookie, NULL);
  const char *h[] = { ch, "Content-Type: application/x-www-form-urlencoded", NULL };
  g_autofree char *before = snapshot ();
  const char *forms[][2] = {
    { "/staff/tokens", "vendor=mallory&label=csrf" },
    { "/staff/tokens", "vendor=mallory&label=csrf&csrf=" },
    { "/staff/tokens", "vendor=mallory&label=csrf&csrf=0000" },
    { "/staff/channels/CH000001/certify", "reason=csrf" },
    { "/channels", "id=CH000010&name=x&class=social&tier=1" },
    { "/logout", "" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (forms); i++)
    {
      SfxResp r = sfx_http (&S.f, "POST", forms[i][0], h, forms[i][1], strlen (forms[i][1]),
                            FALSE);
      if (r.status != 403)
        g_error ("POST %s (%s) without a good csrf: %u", forms[i][0], forms[i][1], r.status);
      sfx_resp_clear (&r);
    }
  g_autofree char *after = snapshot ();
  g_assert_cmpstr (after, ==, before);
  /* The session still works (logout without csrf did nothing). */
  const char *hg[] = { ch, NULL };
  SfxResp r = sfx_http (&S.f, "GET", "/staff", hg, NULL, 0, FALSE);
  g_assert_cmpuint (r.status, ==, 200);
  sfx_resp_clear (&r);
}

/* Path tricks: 4xx, and never a file's bytes. */
static void
test_path_tricks (void)
{
  setup_once ();
  g_autofree char *auth = g_strconcat ("Authorization: Bearer ", S.f.staff, NULL);
  g_autofree char *longid = g_strnfill (5000, 'A');
  g_autofree char *p_long = g_strconcat ("/api/v1/channels/", longid, NULL);
  g_autofree char *p_long_run = g_strconcat ("/api/v1/runs/", longid, NULL);
  const char *paths[] = {
    "/api/v1/channels/..%2f..",
    "/api/v1/channels/..%2F..%2Fstate%2Fserve.db",
    "/api/v1/channels/%2e%2e",
    "/api/v1/channels/CH%00000001",
    "/api/v1/channels/CH000001%00",
    "/api/v1/runs/1%2f..",
    "/api/v1/runs/-1",
    "/api/v1/runs/00001",
    "/api/v1/runs/99999999999999999999999",
    "/api/v1/tokens/..%2f/revoke",
    "/public/..%2fserve.db",
    "/public/%2e%2e/serve.db",
    "/static/..%2f..%2f..%2fetc%2fpasswd",
    "/runs/%00/report",
    "/api/v1//channels",
    "/api/v1/channels/CH000001/runs/..",
    p_long,
    p_long_run,
  };
  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      const char *h[] = { auth, NULL };
      SfxResp r = sfx_http (&S.f, "GET", paths[i], h, NULL, 0, FALSE);
      if (r.status < 400 || r.status > 499)
        g_error ("GET %.80s: %u, expected 4xx", paths[i], r.status);
      g_assert_null (strstr (r.body, "SQLite format"));
      g_assert_null (strstr (r.body, "root:"));
      sfx_resp_clear (&r);
    }
}

/* Bodies over 64 KiB: 413 before anything is done. */
static void
test_oversized (void)
{
  setup_once ();
  g_autofree char *before = snapshot ();
  gsize n = 70 * 1024;
  g_autofree char *big = g_malloc (n);
  memset (big, ' ', n);
  big[0] = '{';
  big[n - 1] = '}';
  g_autofree char *auth = g_strconcat ("Authorization: Bearer ", S.f.staff, NULL);
  const char *h[] = { auth, "Content-Type: application/json", NULL };
  SfxResp r = sfx_http (&S.f, "POST", "/api/v1/tokens", h, big, n, FALSE);
  g_assert_cmpuint (r.status, ==, 413);
  sfx_resp_clear (&r);
  /* A page form too. */
  g_autofree char *cookie = sfx_login (&S.f, S.f.staff, NULL);
  g_autofree char *ch = g_strconcat ("Cookie: ", cookie, NULL);
  const char *hp[] = { ch, "Content-Type: application/x-www-form-urlencoded", NULL };
  memset (big, 'a', n);
  memcpy (big, "label=", 6);
  r = sfx_http (&S.f, "POST", "/staff/tokens", hp, big, n, FALSE);
  g_assert_cmpuint (r.status, ==, 413);
  sfx_resp_clear (&r);
  g_autofree char *after = snapshot ();
  g_assert_cmpstr (after, ==, before);
}

/* A client that sends half a request and stalls: others are answered
 * meanwhile, and the server drops it (within its read timeout, 10 s; the
 * test allows 30). */
static void
test_slow_client (void)
{
  setup_once ();
  g_autoptr (GError) error = NULL;
  g_autoptr (GSocketClient) client = g_socket_client_new ();
  g_autoptr (GSocketConnection) slow =
      g_socket_client_connect_to_host (client, "127.0.0.1", S.f.port, NULL, &error);
  g_assert_no_error (error);
  const char *half = "GET /api/v1/whoami HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthoriz";
  GOutputStream *os = g_io_stream_get_output_stream (G_IO_STREAM (slow));
  g_assert_true (g_output_stream_write_all (os, half, strlen (half), NULL, NULL, &error));
  g_assert_no_error (error);
  /* Others go on. */
  for (guint i = 0; i < 3; i++)
    g_free (call ("GET", "/api/v1/whoami", S.tok_a, NULL, FALSE, 200));
  /* The slow one is closed by the server (EOF or an error status). */
  GSocket *sock = g_socket_connection_get_socket (slow);
  g_socket_set_timeout (sock, 30);
  char buf[512];
  gssize got = g_socket_receive (sock, buf, sizeof buf - 1, NULL, &error);
  if (got < 0)
    g_error ("the half-sent request was not dropped within 30 s: %s", error->message);
  buf[got] = '\0';
  g_test_message ("the stalled connection got %zd bytes: %.40s", got, buf);
  g_assert_true (got == 0 || g_str_has_prefix (buf, "HTTP/1.1 4"));
  g_free (call ("GET", "/api/v1/whoami", S.tok_a, NULL, FALSE, 200));
}

static void
teardown_once (void)
{
  if (!S.up)
    return;
  g_assert_cmpint (sfx_serve_stop (&S.f, FALSE), ==, 0);
  sfx_free (&S.f);
  g_free (S.tok_a);
  g_free (S.tok_b);
  g_free (S.tok_revoked);
  g_free (S.tok_spare);
  g_free (S.spare_id);
  g_hash_table_unref (S.refusals);
}

int
main (int argc, char **argv)
{
  essc_test_init (&argc, &argv);
  g_test_add_func ("/cli/serve-auth/routes-covered", test_routes_covered);
  g_test_add_func ("/cli/serve-auth/refusals", test_refusals);
  g_test_add_func ("/cli/serve-auth/csrf", test_csrf);
  g_test_add_func ("/cli/serve-auth/path-tricks", test_path_tricks);
  g_test_add_func ("/cli/serve-auth/oversized", test_oversized);
  g_test_add_func ("/cli/serve-auth/slow-client", test_slow_client);
  g_test_add_func ("/cli/serve-auth/allowed", test_allowed);
  int rc = g_test_run ();
  teardown_once ();
  return rc;
}
