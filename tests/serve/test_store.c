/* SPDX-License-Identifier: MIT */
/*
 * Tests of serve/store and serve/run_json: the service database created
 * when missing and refused (naming the file) when it is garbage, another
 * kind, of another schema or a folder; queuing with idempotency keys; the
 * fair choice of the next run; a restart turning running runs into
 * interrupted ones and keeping queued and finished ones; finishing a run
 * with its tests and transcripts in one transaction (a results file that
 * does not parse, and a failure half-way through the inserts, leave the run
 * as it was, with no test rows); and the API's JSON of a run and its tests.
 */
#include "base/dbkind.h"
#include "serve/run_json.h"
#include "serve/store.h"
#include "tests/lib/testutil.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <sqlite3.h>
#include <string.h>

#define NOW ESSC_TEST_NOW

/* A results file of three tests (docs/RESULTS.md), verdict as given. */
static char *
results_json (const char *verdict, const char *second_verdict)
{
  return g_strdup_printf (
    "{\"schema\":\"essc-conformance-results/1\",\"suite\":\"ESSC-STD/1.1\",\"verdict\":\"%s\","
    "\"summary\":{},\"tests\":["
    "{\"name\":\"channel/a\",\"file\":\"a.json\",\"tcId\":1,\"requirements\":[\"CH-1\",\"CH-2\"],"
    "\"verdict\":\"pass\",\"reason\":null,\"step\":0,\"op\":null,\"duration_us\":10},"
    "{\"name\":\"channel/b\",\"file\":\"a.json\",\"tcId\":2,\"requirements\":[\"CH-3\"],"
    "\"verdict\":\"%s\",\"reason\":\"refused: 认证失败\",\"step\":2,\"op\":\"verify\","
    "\"expected\":\"accepted\",\"got\":\"refused\",\"duration_us\":20},"
    "{\"name\":\"channel/c\",\"file\":\"b.json\",\"tcId\":1,\"requirements\":[],"
    "\"verdict\":\"skip\",\"reason\":\"outside the profile\",\"step\":0,\"op\":null,"
    "\"duration_us\":0}]}\n", verdict, second_verdict);
}

static const char TRANSCRIPT[] =
  "{\"test\":\"channel/a\",\"dir\":\"open\",\"t_ms\":0.1,\"line\":\"http://127.0.0.1:1/\"}\n"
  "{\"test\":\"channel/a\",\"dir\":\"send\",\"t_ms\":0.2,\"line\":\"{\\\"op\\\":\\\"hello\\\"}\"}\n"
  "{\"test\":\"channel/b\",\"dir\":\"recv\",\"t_ms\":0.3,\"line\":\"{\\\"ok\\\":false}\"}\n"
  "{\"test\":null,\"dir\":\"send\",\"t_ms\":0.4,\"line\":\"bye\"}\n";

typedef struct {
  char *dir, *path;
} Fx;

static void
fx_set_up (Fx *fx, gconstpointer data)
{
  fx->dir = essc_test_make_tmpdir ("essc-serve-store-XXXXXX");
  fx->path = g_build_filename (fx->dir, "serve.db", NULL);
}

static void
fx_tear_down (Fx *fx, gconstpointer data)
{
  g_assert_true (essc_test_remove_dir (fx->dir));
  g_free (fx->dir);
  g_free (fx->path);
}

static ServeStore *
open_ok (const char *path, gint64 now, guint *interrupted)
{
  g_autoptr (GError) error = NULL;
  ServeStore *s = serve_store_open (path, now, interrupted, &error);
  g_assert_no_error (error);
  g_assert_nonnull (s);
  return s;
}

static gint64
add_ok (ServeStore *s, const char *vendor, const char *channel, const char *key,
        gboolean want_created)
{
  g_autoptr (GError) error = NULL;
  gint64 id = 0;
  gboolean created = !want_created;
  g_assert_true (serve_store_run_add (s, vendor, channel, key, NOW, &id, &created, &error));
  g_assert_no_error (error);
  g_assert_cmpint (created, ==, want_created);
  g_assert_cmpint (id, >, 0);
  return id;
}

static ServeRun *
run_ok (ServeStore *s, gint64 id)
{
  g_autoptr (GError) error = NULL;
  ServeRun *r = serve_store_run (s, id, &error);
  g_assert_no_error (error);
  g_assert_nonnull (r);
  return r;
}

static void
start_ok (ServeStore *s, gint64 id)
{
  g_autoptr (GError) error = NULL;
  g_assert_true (serve_store_run_start (s, id, NOW + 1, &error));
  g_assert_no_error (error);
}

static guint
count_rows (const char *path, const char *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *st = NULL;
  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &st, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (st), ==, SQLITE_ROW);
  guint n = (guint) sqlite3_column_int64 (st, 0);
  sqlite3_finalize (st);
  sqlite3_close (db);
  return n;
}

static void
exec_sql (const char *path, const char *sql)
{
  sqlite3 *db = NULL;
  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  char *msg = NULL;
  int rc = sqlite3_exec (db, sql, NULL, NULL, &msg);
  if (rc != SQLITE_OK)
    g_error ("%s: %s", sql, msg);
  sqlite3_close (db);
}

/* ---- open ------------------------------------------------------------------- */

static void
test_create (Fx *fx, gconstpointer data)
{
  ServeStore *s = open_ok (fx->path, NOW, NULL);
  g_assert_cmpstr (serve_store_path (s), ==, fx->path);
  gint64 id = add_ok (s, "v1", "CH000101", NULL, TRUE);
  serve_store_close (s);
  g_assert_cmpint (base_db_identify (fx->path, NULL), ==, BASE_DB_SERVE);
  /* reopened: the run is there */
  s = open_ok (fx->path, NOW, NULL);
  g_autoptr (ServeRun) r = run_ok (s, id);
  g_assert_cmpstr (r->vendor, ==, "v1");
  g_assert_cmpstr (r->channel_id, ==, "CH000101");
  g_assert_cmpstr (r->state, ==, SERVE_RUN_QUEUED);
  g_assert_cmpint (r->created_at, ==, NOW);
  g_assert_cmpint (r->started_at, ==, 0);
  g_assert_false (serve_store_run_is_finished (r));
  /* an unknown run */
  g_autoptr (GError) error = NULL;
  g_assert_null (serve_store_run (s, id + 100, &error));
  g_assert_error (error, SERVE_STORE_ERROR, SERVE_STORE_ERROR_NOT_FOUND);
  serve_store_close (s);
}

static void
refused (const char *path, const char *want)
{
  g_autoptr (GError) error = NULL;
  guint n = 99;
  g_assert_null (serve_store_open (path, NOW, &n, &error));
  g_assert_error (error, SERVE_STORE_ERROR, SERVE_STORE_ERROR_INPUT);
  g_test_message ("%s", error->message);
  g_assert_true (g_str_has_prefix (error->message, path));
  g_assert_nonnull (strstr (error->message, want));
}

static void
test_refuse (Fx *fx, gconstpointer data)
{
  g_autofree char *garbage = g_build_filename (fx->dir, "garbage.db", NULL);
  g_assert_true (g_file_set_contents (garbage, "SQLite format 3 not really\n", -1, NULL));
  refused (garbage, "damaged or not an SQLite database");
  g_autofree char *text = NULL;
  g_assert_true (g_file_get_contents (garbage, &text, NULL, NULL));
  g_assert_cmpstr (text, ==, "SQLite format 3 not really\n");   /* left as it was */

  g_autofree char *registry = g_build_filename (fx->dir, "registry.db", NULL);
  exec_sql (registry, "PRAGMA application_id = 1163088455; CREATE TABLE meta (k, v)");
  refused (registry, "not a database of essc serve (application_id 1163088455");

  g_autofree char *foreign = g_build_filename (fx->dir, "foreign.db", NULL);
  exec_sql (foreign, "CREATE TABLE notes (x)");
  refused (foreign, "not a database of essc serve (application_id 0");

  g_autofree char *schema = g_build_filename (fx->dir, "schema.db", NULL);
  serve_store_close (open_ok (schema, NOW, NULL));
  exec_sql (schema, "UPDATE meta SET value = 'essc-serve/9' WHERE key = 'schema'");
  refused (schema, "a database of schema 'essc-serve/9', this essc reads essc-serve/1");

  g_autofree char *tables = g_build_filename (fx->dir, "tables.db", NULL);
  serve_store_close (open_ok (tables, NOW, NULL));
  exec_sql (tables, "DROP TABLE run_test");
  refused (tables, "not a database of schema essc-serve/1");

  g_autofree char *truncated = g_build_filename (fx->dir, "truncated.db", NULL);
  {
    ServeStore *s = open_ok (truncated, NOW, NULL);
    for (int i = 0; i < 200; i++)
      add_ok (s, "v1", "CH000101", NULL, TRUE);
    serve_store_close (s);
  }
  g_autofree char *bytes = NULL;
  gsize len = 0;
  g_assert_true (g_file_get_contents (truncated, &bytes, &len, NULL));
  g_assert_cmpuint (len, >, 8192);
  g_assert_true (g_file_set_contents (truncated, bytes, 6000, NULL));
  g_autoptr (GError) error = NULL;
  g_assert_null (serve_store_open (truncated, NOW, NULL, &error));
  g_assert_nonnull (error);
  g_test_message ("%s", error->message);
  g_assert_true (g_str_has_prefix (error->message, truncated));

  g_autofree char *dir = g_build_filename (fx->dir, "folder.db", NULL);
  g_assert_cmpint (g_mkdir (dir, 0700), ==, 0);
  refused (dir, "not a regular file");

  /* an empty file is a new database */
  g_autofree char *empty = g_build_filename (fx->dir, "empty.db", NULL);
  g_assert_true (g_file_set_contents (empty, "", 0, NULL));
  serve_store_close (open_ok (empty, NOW, NULL));
  g_assert_cmpint (base_db_identify (empty, NULL), ==, BASE_DB_SERVE);
}

/* ---- runs ------------------------------------------------------------------- */

static void
test_idempotency (Fx *fx, gconstpointer data)
{
  g_autoptr (ServeStore) s = open_ok (fx->path, NOW, NULL);
  gint64 a = add_ok (s, "v1", "CH000101", "k-1", TRUE);
  g_assert_cmpint (add_ok (s, "v1", "CH000101", "k-1", FALSE), ==, a);
  /* the key of another vendor is another run */
  gint64 b = add_ok (s, "v2", "CH000201", "k-1", TRUE);
  g_assert_cmpint (b, !=, a);
  /* no key: a new run every time */
  gint64 c = add_ok (s, "v1", "CH000101", NULL, TRUE);
  gint64 d = add_ok (s, "v1", "CH000101", NULL, TRUE);
  g_assert_cmpint (c, !=, d);
  /* the key keeps naming its run after it finished */
  start_ok (s, a);
  g_autoptr (GError) error = NULL;
  g_assert_true (serve_store_run_finish (s, a, SERVE_RUN_ERROR, "could not start", 0, NULL, NULL,
                                         NOW + 2, &error));
  g_assert_no_error (error);
  g_assert_cmpint (add_ok (s, "v1", "CH000101", "k-1", FALSE), ==, a);
  g_assert_cmpuint (count_rows (fx->path, "SELECT count(*) FROM run"), ==, 4);

  g_autoptr (GPtrArray) all = serve_store_runs (s, NULL, NULL, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (all->len, ==, 4);
  g_assert_cmpint (((ServeRun *) all->pdata[0])->id, ==, d);   /* newest first */
  g_autoptr (GPtrArray) v1 = serve_store_runs (s, "v1", NULL, 2, &error);
  g_assert_cmpuint (v1->len, ==, 2);
  g_autoptr (GPtrArray) ch = serve_store_runs (s, NULL, "CH000201", 0, &error);
  g_assert_cmpuint (ch->len, ==, 1);
  g_assert_cmpint (((ServeRun *) ch->pdata[0])->id, ==, b);
  guint n = 0;
  g_assert_true (serve_store_count (s, "v1", SERVE_RUN_QUEUED, &n, &error));
  g_assert_cmpuint (n, ==, 2);
  g_assert_true (serve_store_count (s, NULL, SERVE_RUN_QUEUED, &n, &error));
  g_assert_cmpuint (n, ==, 3);
}

static gint64
next (ServeStore *s, guint max_per_vendor)
{
  g_autoptr (GError) error = NULL;
  gint64 id = -1;
  g_assert_true (serve_store_next_queued (s, max_per_vendor, &id, &error));
  g_assert_no_error (error);
  return id;
}

static void
test_fair (Fx *fx, gconstpointer data)
{
  g_autoptr (ServeStore) s = open_ok (fx->path, NOW, NULL);
  g_assert_cmpint (next (s, 2), ==, 0);
  gint64 a[6], b;
  for (int i = 0; i < 6; i++)
    a[i] = add_ok (s, "a", "CH000101", NULL, TRUE);
  b = add_ok (s, "b", "CH000201", NULL, TRUE);
  /* neither started one: the oldest queued run */
  g_assert_cmpint (next (s, 2), ==, a[0]);
  start_ok (s, a[0]);
  /* b never started one: b before a's second */
  g_assert_cmpint (next (s, 2), ==, b);
  start_ok (s, b);
  g_assert_cmpint (next (s, 2), ==, a[1]);
  start_ok (s, a[1]);
  /* a has two running: at its limit */
  g_assert_cmpint (next (s, 2), ==, 0);
  g_assert_cmpint (next (s, 3), ==, a[2]);
  /* a second vendor queues after a started twice: it goes first */
  gint64 c = add_ok (s, "c", "CH000301", NULL, TRUE);
  g_autoptr (GError) error = NULL;
  g_assert_true (serve_store_run_finish (s, a[0], SERVE_RUN_ERROR, "x", 0, NULL, NULL, NOW,
                                         &error));
  g_assert_cmpint (next (s, 2), ==, c);
  start_ok (s, c);
  /* c has started one now, and b has nothing queued: a */
  g_assert_cmpint (next (s, 2), ==, a[2]);
  /* starting a run that is not queued fails */
  g_assert_false (serve_store_run_start (s, c, NOW, &error));
  g_assert_error (error, SERVE_STORE_ERROR, SERVE_STORE_ERROR_INPUT);
}

static void
test_recovery (Fx *fx, gconstpointer data)
{
  gint64 queued, running, done;
  {
    g_autoptr (ServeStore) s = open_ok (fx->path, NOW, NULL);
    queued = add_ok (s, "v1", "CH000101", NULL, TRUE);
    running = add_ok (s, "v1", "CH000101", NULL, TRUE);
    done = add_ok (s, "v2", "CH000201", NULL, TRUE);
    start_ok (s, running);
    start_ok (s, done);
    g_autoptr (GError) error = NULL;
    g_assert_true (serve_store_run_progress (s, running, 5, 10, 4, 1, 0, &error));
    g_autofree char *results = results_json ("not conformant", "fail");
    g_assert_true (serve_store_run_finish (s, done, SERVE_RUN_NOT_CONFORMANT, NULL, 7, results,
                                           TRANSCRIPT, NOW + 5, &error));
    g_assert_no_error (error);
    /* the server dies here: nothing else is written */
  }
  guint interrupted = 99;
  g_autoptr (ServeStore) s = open_ok (fx->path, NOW + 100, &interrupted);
  g_assert_cmpuint (interrupted, ==, 1);
  g_autoptr (ServeRun) q = run_ok (s, queued);
  g_assert_cmpstr (q->state, ==, SERVE_RUN_QUEUED);
  g_autoptr (ServeRun) r = run_ok (s, running);
  g_assert_cmpstr (r->state, ==, SERVE_RUN_INTERRUPTED);
  g_assert_cmpint (r->finished_at, ==, NOW + 100);
  g_assert_cmpuint (r->done, ==, 5);
  g_assert_nonnull (strstr (r->message, "server stopped"));
  g_assert_true (serve_store_run_is_finished (r));
  g_autoptr (ServeRun) d = run_ok (s, done);
  g_assert_cmpstr (d->state, ==, SERVE_RUN_NOT_CONFORMANT);
  g_assert_cmpint (d->report_id, ==, 7);
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) tests = serve_store_run_tests (s, done, &error);
  g_assert_cmpuint (tests->len, ==, 3);
  /* a second open finds nothing to interrupt */
  g_autoptr (ServeStore) again = open_ok (fx->path, NOW + 200, &interrupted);
  g_assert_cmpuint (interrupted, ==, 0);
}

/* ---- finishing ------------------------------------------------------------------ */

static void
test_finish (Fx *fx, gconstpointer data)
{
  g_autoptr (ServeStore) s = open_ok (fx->path, NOW, NULL);
  gint64 id = add_ok (s, "v1", "CH000101", NULL, TRUE);
  start_ok (s, id);
  g_autoptr (GError) error = NULL;
  g_autofree char *results = results_json ("not conformant", "fail");
  g_assert_true (serve_store_run_finish (s, id, SERVE_RUN_NOT_CONFORMANT, NULL, 3, results,
                                         TRANSCRIPT, NOW + 9, &error));
  g_assert_no_error (error);
  g_autoptr (ServeRun) r = run_ok (s, id);
  g_assert_cmpstr (r->state, ==, SERVE_RUN_NOT_CONFORMANT);
  g_assert_cmpuint (r->done, ==, 3);
  g_assert_cmpuint (r->total, ==, 3);
  g_assert_cmpuint (r->passed, ==, 1);
  g_assert_cmpuint (r->failed, ==, 1);
  g_assert_cmpuint (r->skipped, ==, 1);
  g_assert_cmpint (r->report_id, ==, 3);
  g_assert_cmpint (r->started_at, ==, NOW + 1);
  g_assert_cmpint (r->finished_at, ==, NOW + 9);
  g_assert_null (r->message);

  g_autoptr (GPtrArray) tests = serve_store_run_tests (s, id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tests->len, ==, 3);
  ServeRunTest *a = tests->pdata[0], *b = tests->pdata[1], *c = tests->pdata[2];
  g_assert_cmpuint (a->idx, ==, 1);
  g_assert_cmpstr (a->test, ==, "channel/a");
  g_assert_cmpstr (a->verdict, ==, "pass");
  g_assert_cmpstr (a->requirement, ==, "CH-1,CH-2");
  g_assert_cmpstr (b->verdict, ==, "fail");
  g_assert_cmpstr (c->requirement, ==, "");
  g_assert_nonnull (strstr (b->diagnostic, "\"op\":\"verify\""));
  g_assert_nonnull (strstr (b->diagnostic, "认证失败"));
  g_assert_null (strstr (b->diagnostic, "\"name\""));
  g_assert_cmpstr (c->transcript, ==, "[]");

  /* the API's JSON of the tests: the transcript lines of each test only */
  g_autofree char *json = serve_run_tests_to_json (tests);
  g_autoptr (JsonParser) p = json_parser_new ();
  g_assert_true (json_parser_load_from_data (p, json, -1, NULL));
  JsonArray *arr = json_node_get_array (json_parser_get_root (p));
  g_assert_cmpuint (json_array_get_length (arr), ==, 3);
  JsonObject *o = json_array_get_object_element (arr, 0);
  g_assert_cmpint (json_object_get_int_member (o, "idx"), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (o, "test"), ==, "channel/a");
  g_assert_cmpstr (json_object_get_string_member (o, "requirement"), ==, "CH-1,CH-2");
  JsonArray *tr = json_object_get_array_member (o, "transcript");
  g_assert_cmpuint (json_array_get_length (tr), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (tr, 1),
                                                  "line"), ==, "{\"op\":\"hello\"}");
  o = json_array_get_object_element (arr, 1);
  JsonObject *diag = json_object_get_object_member (o, "diagnostic");
  g_assert_cmpstr (json_object_get_string_member (diag, "got"), ==, "refused");
  g_assert_cmpint (json_object_get_int_member (diag, "step"), ==, 2);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (o, "transcript")), ==,
                    1);

  /* finishing a finished run fails and changes nothing */
  g_assert_false (serve_store_run_finish (s, id, SERVE_RUN_ERROR, "again", 0, NULL, NULL, NOW,
                                          &error));
  g_assert_error (error, SERVE_STORE_ERROR, SERVE_STORE_ERROR_INPUT);
  g_autoptr (ServeRun) again = run_ok (s, id);
  g_assert_cmpstr (again->state, ==, SERVE_RUN_NOT_CONFORMANT);
  g_assert_cmpuint (count_rows (fx->path, "SELECT count(*) FROM run_test"), ==, 3);
}

/* The run is still running, with no test rows. */
static void
assert_untouched (ServeStore *s, const char *path, gint64 id)
{
  g_autoptr (ServeRun) r = run_ok (s, id);
  g_assert_cmpstr (r->state, ==, SERVE_RUN_RUNNING);
  g_assert_cmpint (r->finished_at, ==, 0);
  g_assert_cmpint (r->report_id, ==, 0);
  g_assert_cmpuint (count_rows (path, "SELECT count(*) FROM run_test"), ==, 0);
}

static void
test_finish_atomic (Fx *fx, gconstpointer data)
{
  g_autoptr (ServeStore) s = open_ok (fx->path, NOW, NULL);
  gint64 id = add_ok (s, "v1", "CH000101", NULL, TRUE);
  start_ok (s, id);
  g_autofree char *good = results_json ("conformant", "waived");
  static const struct { const char *results, *transcript, *want; } bad[] = {
    { "{\"schema\":\"essc-conformance-results/1\",\"verdict\":\"conformant\",\"tests\":[",
      NULL, "the results file does not parse" },
    { "[]", NULL, "not essc's results" },
    { "{\"schema\":\"essc-conformance-results/1\",\"verdict\":\"conformant\",\"tests\":"
      "[{\"name\":\"x\"}]}", NULL, "test 1 has no name, verdict" },
    { "{\"schema\":\"essc-conformance-results/1\",\"verdict\":\"not conformant\",\"tests\":[]}",
      NULL, "verdict 'not conformant' is not the worker's 'conformant'" },
    { NULL, "{\"test\":\"channel/a\"}\nnot json\n", "the transcript's line 2 does not parse" },
    { NULL, "[1]\n", "the transcript's line 1 is not an object" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (GError) error = NULL;
      g_assert_false (serve_store_run_finish (s, id, SERVE_RUN_CONFORMANT, NULL, 5,
                                              bad[i].results ? bad[i].results : good,
                                              bad[i].transcript, NOW, &error));
      g_assert_error (error, SERVE_STORE_ERROR, SERVE_STORE_ERROR_INPUT);
      g_test_message ("%s", error->message);
      g_assert_nonnull (strstr (error->message, bad[i].want));
      assert_untouched (s, fx->path, id);
    }
  /* a failure after some rows were inserted: all rolled back */
  exec_sql (fx->path, "CREATE TRIGGER boom BEFORE INSERT ON run_test WHEN new.idx = 3 BEGIN"
                      " SELECT raise (ABORT, 'disk full, say'); END");
  g_autoptr (GError) error = NULL;
  g_assert_false (serve_store_run_finish (s, id, SERVE_RUN_CONFORMANT, NULL, 5, good,
                                          TRANSCRIPT, NOW, &error));
  g_assert_nonnull (error);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "disk full, say"));
  assert_untouched (s, fx->path, id);
  /* the caller then ends it as an error, without tests */
  g_clear_error (&error);
  g_assert_true (serve_store_run_finish (s, id, SERVE_RUN_ERROR, "the results could not be "
                                         "stored", 5, NULL, NULL, NOW, &error));
  g_assert_no_error (error);
  g_autoptr (ServeRun) r = run_ok (s, id);
  g_assert_cmpstr (r->state, ==, SERVE_RUN_ERROR);
  g_assert_cmpint (r->report_id, ==, 5);
  g_assert_cmpuint (count_rows (fx->path, "SELECT count(*) FROM run_test"), ==, 0);
}

/* A test's transcript in the database is bounded; the rest is named. */
static void
test_finish_long_transcript (Fx *fx, gconstpointer data)
{
  g_autoptr (ServeStore) s = open_ok (fx->path, NOW, NULL);
  gint64 id = add_ok (s, "v1", "CH000101", NULL, TRUE);
  start_ok (s, id);
  g_autoptr (GString) t = g_string_new (NULL);
  g_autofree char *filler = g_strnfill (1000, 'x');
  for (int i = 0; i < 1000; i++)
    g_string_append_printf (t, "{\"test\":\"channel/b\",\"dir\":\"send\",\"t_ms\":%d,"
                            "\"line\":\"%s\"}\n", i, filler);
  g_autofree char *results = results_json ("conformant", "waived");
  g_autoptr (GError) error = NULL;
  g_assert_true (serve_store_run_finish (s, id, SERVE_RUN_CONFORMANT, NULL, 1, results, t->str,
                                         NOW, &error));
  g_assert_no_error (error);
  g_autoptr (GPtrArray) tests = serve_store_run_tests (s, id, &error);
  ServeRunTest *b = tests->pdata[1];
  g_assert_cmpuint (strlen (b->transcript), <, 300 * 1024);
  g_autoptr (JsonParser) p = json_parser_new ();
  g_assert_true (json_parser_load_from_data (p, b->transcript, -1, NULL));
  JsonArray *a = json_node_get_array (json_parser_get_root (p));
  guint n = json_array_get_length (a);
  g_assert_cmpuint (n, >, 100);
  g_assert_cmpuint (n, <, 1000);
  JsonObject *last = json_array_get_object_element (a, n - 1);
  g_assert_cmpstr (json_object_get_string_member (last, "dir"), ==, "cut");
  g_autofree char *want = g_strdup_printf ("%u more lines", 1000 - (n - 1));
  g_assert_nonnull (strstr (json_object_get_string_member (last, "line"), want));
}

/* ---- JSON --------------------------------------------------------------------- */

static void
test_run_json (void)
{
  ServeRun r = { 12, "v1", "CH000101", "running", NULL, NOW, NOW + 1, 0, 4, 10, 3, 1, 0, 0 };
  g_autofree char *a = serve_run_to_json (&r);
  g_assert_cmpstr (a, ==, "{\"id\":12,\"vendor\":\"v1\",\"channel\":\"CH000101\",\"state\":"
                   "\"running\",\"created_at\":1590969600,\"started_at\":1590969601,"
                   "\"finished_at\":null,\"done\":4,\"total\":10,\"passed\":3,\"failed\":1,"
                   "\"skipped\":0,\"report_id\":null,\"message\":null,\"finished\":false}");
  ServeRun e = { 13, "v1", "CH000101", "error", "deadline of 5 s passed \"quoted\"\n", NOW, NOW,
                 NOW + 5, 0, 0, 0, 0, 0, 9 };
  g_autofree char *b = serve_run_to_json (&e);
  g_assert_nonnull (strstr (b, "\"message\":\"deadline of 5 s passed \\\"quoted\\\"\\n\""));
  g_assert_nonnull (strstr (b, "\"report_id\":9"));
  g_assert_nonnull (strstr (b, "\"finished\":true"));
  g_autoptr (GPtrArray) none = g_ptr_array_new ();
  g_autofree char *c = serve_run_tests_to_json (none);
  g_assert_cmpstr (c, ==, "[]");
}

int
main (int argc, char **argv)
{
  essc_test_init (&argc, &argv);
#define ADD(path, fn) g_test_add (path, Fx, NULL, fx_set_up, fn, fx_tear_down)
  ADD ("/serve/store/create", test_create);
  ADD ("/serve/store/refuse", test_refuse);
  ADD ("/serve/store/idempotency", test_idempotency);
  ADD ("/serve/store/fair", test_fair);
  ADD ("/serve/store/recovery", test_recovery);
  ADD ("/serve/store/finish", test_finish);
  ADD ("/serve/store/finish-atomic", test_finish_atomic);
  ADD ("/serve/store/finish-long-transcript", test_finish_long_transcript);
  g_test_add_func ("/serve/run-json", test_run_json);
  return g_test_run ();
}
