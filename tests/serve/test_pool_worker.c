/* SPDX-License-Identifier: MIT */
/*
 * Tests of serve/pool with the real worker, `$ESSC_BIN registry test`,
 * against a registry (tests/lib/registry_fixture.h) whose channel is the
 * reference implementation: a run ends conformant with its report in the
 * registry (by vendor:ACTOR), every test of the results file in the store
 * with its transcript lines, and its files in the run's folder; with a
 * fault it ends not conformant with failed tests; four runs at once, two
 * at a time, all end conformant with four distinct reports (the workers'
 * writes to the registry do not collide).
 */
#include "serve/pool.h"
#include "serve/store.h"
#include "tests/lib/registry_fixture.h"
#include "tests/lib/run.h"
#include "tests/lib/testutil.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>

typedef struct {
  RegFx f;
  char *state;
  ServeStore *store;
  ServePool *pool;
} Wx;

static void
wx_new (Wx *w, const char *name, const char *fault, guint max_total)
{
  rfx_new (&w->f, name);
  rfx_init_registry (&w->f, "CH000001", "测试渠道", fault);
  w->state = g_build_filename (w->f.dir, "state", NULL);
  g_assert_cmpint (g_mkdir (w->state, 0700), ==, 0);
  g_autofree char *db = g_build_filename (w->state, "serve.db", NULL);
  g_autoptr (GError) error = NULL;
  w->store = serve_store_open (db, ESSC_TEST_NOW, NULL, &error);
  g_assert_no_error (error);
  ServePoolOptions o = { .essc_bin = essc_test_env ("ESSC_BIN"), .registry_path = w->f.db,
                         .key_path = w->f.iss_key, .state_dir = w->state,
                         .max_total = max_total, .max_per_vendor = max_total,
                         .deadline_s = 120 };
  w->pool = serve_pool_new (w->store, &o, &error);
  g_assert_no_error (error);
}

static void
wx_free (Wx *w)
{
  serve_pool_free (w->pool);
  serve_store_close (w->store);
  g_free (w->state);
  rfx_free (&w->f);
}

static gint64
queue (Wx *w, const char *vendor)
{
  gint64 id = 0;
  g_autoptr (GError) error = NULL;
  g_assert_true (serve_store_run_add (w->store, vendor, "CH000001", NULL, ESSC_TEST_NOW, &id,
                                      NULL, &error));
  g_assert_no_error (error);
  return id;
}

static gboolean
flag_up (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Runs the main loop until no run is queued or running; fails after 120 s. */
static void
run_all (Wx *w)
{
  serve_pool_kick (w->pool);
  gboolean late = FALSE;
  guint t = g_timeout_add_seconds (120, flag_up, &late);
  guint queued = 1, running = 1;
  while (!late && (queued > 0 || running > 0))
    {
      g_main_context_iteration (NULL, TRUE);
      g_assert_true (serve_store_count (w->store, NULL, SERVE_RUN_QUEUED, &queued, NULL));
      g_assert_true (serve_store_count (w->store, NULL, SERVE_RUN_RUNNING, &running, NULL));
    }
  g_assert_false (late);
  g_source_remove (t);
}

static ServeRun *
run_of (Wx *w, gint64 id)
{
  g_autoptr (GError) error = NULL;
  ServeRun *r = serve_store_run (w->store, id, &error);
  g_assert_no_error (error);
  g_test_message ("run %" G_GINT64_FORMAT ": %s, %u of %u, %u passed, %u failed, %u skipped, "
                  "report %" G_GINT64_FORMAT ", %s", id, r->state, r->done, r->total, r->passed,
                  r->failed, r->skipped, r->report_id, r->message ? r->message : "no message");
  return r;
}

/* The run's tests are all there, and most have transcript lines. */
static void
check_tests (Wx *w, const ServeRun *r)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) tests = serve_store_run_tests (w->store, r->id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tests->len, ==, r->total);
  g_assert_cmpuint (r->passed + r->failed + r->skipped, ==, r->total);
  guint with_lines = 0;
  for (guint i = 0; i < tests->len; i++)
    {
      ServeRunTest *t = tests->pdata[i];
      g_assert_cmpuint (t->idx, ==, i + 1);
      g_autoptr (JsonParser) p = json_parser_new ();
      g_assert_true (json_parser_load_from_data (p, t->transcript, -1, NULL));
      with_lines += json_array_get_length (json_node_get_array (json_parser_get_root (p))) > 0;
    }
  g_assert_cmpuint (with_lines, >, tests->len / 2);
  g_autofree char *dir = g_strdup_printf ("%s/runs/%" G_GINT64_FORMAT, w->state, r->id);
  static const char *const files[] = { "results.json", "transcript.jsonl", "stderr" };
  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *path = g_build_filename (dir, files[i], NULL);
      g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
    }
}

static void
test_conformant (void)
{
  Wx w;
  wx_new (&w, "pool-worker", NULL, 1);
  gint64 id = queue (&w, "acme");
  run_all (&w);
  g_autoptr (ServeRun) r = run_of (&w, id);
  g_assert_cmpstr (r->state, ==, SERVE_RUN_CONFORMANT);
  g_assert_null (r->message);
  g_assert_cmpint (r->report_id, ==, 1);
  g_assert_cmpuint (r->total, >, 100);
  g_assert_cmpuint (r->failed, ==, 0);
  check_tests (&w, r);
  g_autofree char *actor = rfx_sql_text (w.f.db, "SELECT actor FROM history"
                                                 " WHERE action = 'report.add'");
  g_assert_cmpstr (actor, ==, "vendor:acme");
  wx_free (&w);
}

static void
test_not_conformant (void)
{
  Wx w;
  wx_new (&w, "pool-worker-fault", "pay-new-key-on-retry", 1);
  gint64 id = queue (&w, "acme");
  run_all (&w);
  g_autoptr (ServeRun) r = run_of (&w, id);
  g_assert_cmpstr (r->state, ==, SERVE_RUN_NOT_CONFORMANT);
  g_assert_cmpint (r->report_id, ==, 1);
  g_assert_cmpuint (r->failed, >, 0);
  check_tests (&w, r);
  g_autofree char *verdict = rfx_sql_text (w.f.db, "SELECT verdict FROM report WHERE id = 1");
  g_assert_cmpstr (verdict, ==, "not conformant");
  wx_free (&w);
}

static void
test_parallel (void)
{
  Wx w;
  wx_new (&w, "pool-worker-parallel", NULL, 2);
  gint64 ids[4];
  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    ids[i] = queue (&w, i % 2 ? "acme" : "bolt");
  run_all (&w);
  g_autoptr (GHashTable) reports = g_hash_table_new (g_int64_hash, g_int64_equal);
  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    {
      g_autoptr (ServeRun) r = run_of (&w, ids[i]);
      g_assert_cmpstr (r->state, ==, SERVE_RUN_CONFORMANT);
      g_assert_cmpint (r->report_id, >=, 1);
      g_assert_cmpint (r->report_id, <=, 4);
      g_assert_false (g_hash_table_contains (reports, &r->report_id));
      g_hash_table_add (reports, g_memdup2 (&r->report_id, sizeof r->report_id));
    }
  g_assert_cmpuint (g_hash_table_size (reports), ==, 4);
  GHashTableIter it;
  gpointer key;
  g_hash_table_iter_init (&it, reports);
  while (g_hash_table_iter_next (&it, &key, NULL))
    g_free (key);
  g_autofree char *n = rfx_sql_text (w.f.db, "SELECT count(*) FROM report");
  g_assert_cmpstr (n, ==, "4");
  wx_free (&w);
}

int
main (int argc, char **argv)
{
  essc_test_init (&argc, &argv);
  fixture_init ();
  g_test_add_func ("/serve/pool-worker/conformant", test_conformant);
  g_test_add_func ("/serve/pool-worker/not-conformant", test_not_conformant);
  g_test_add_func ("/serve/pool-worker/parallel", test_parallel);
  return fixture_finish (g_test_run ());
}
