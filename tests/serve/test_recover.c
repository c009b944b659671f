/* SPDX-License-Identifier: MIT */
/*
 * Tests of serve/recover: a server killed after its worker stored the
 * report but before the run was committed.  The worker (`$ESSC_BIN
 * registry test`, as the pool runs it) is run by hand for a run the store
 * holds as running; reopening the store makes it interrupted, and
 * serve_recover_reports finishes it with that report and its tests.  A run
 * without a results file, or whose file matches no report (another start
 * time), stays interrupted; a second call changes nothing; a report another
 * run holds is never taken; two candidate reports (two runs of the channel
 * in the same second) leave the run interrupted.
 */
#include "serve/recover.h"
#include "serve/store.h"
#include "tests/lib/registry_fixture.h"
#include "tests/lib/testutil.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>

typedef struct {
  RegFx f;
  char *state, *runs, *db;
} Rx;

static ServeStore *
open_store (Rx *x, guint *interrupted)
{
  g_autoptr (GError) error = NULL;
  ServeStore *s = serve_store_open (x->db, ESSC_TEST_NOW, interrupted, &error);
  g_assert_no_error (error);
  return s;
}

/* A run of vendor acme on CH000001, started (running). */
static gint64
started_run (ServeStore *s)
{
  gint64 id = 0;
  g_autoptr (GError) error = NULL;
  g_assert_true (serve_store_run_add (s, "acme", "CH000001", NULL, ESSC_TEST_NOW, &id, NULL,
                                      &error));
  g_assert_true (serve_store_run_start (s, id, ESSC_TEST_NOW, &error));
  g_assert_no_error (error);
  return id;
}

/* The pool's worker for run id, by hand: its files in runs/ID/, its report stored. */
static void
worker (Rx *x, gint64 id, int minutes)
{
  g_autofree char *name = g_strdup_printf ("%" G_GINT64_FORMAT, id);
  g_autofree char *dir = g_build_filename (x->runs, name, NULL);
  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_autofree char *results = g_build_filename (dir, "results.json", NULL);
  g_autofree char *transcript = g_build_filename (dir, "transcript.jsonl", NULL);
  FixtureRun r = { 0 };
  rfx_reg (&x->f, &r, "test", minutes, "--id", "CH000001", "--key", x->f.iss_key, "--actor",
           "vendor:acme", "--results", results, "--transcript", transcript, "--progress", NULL);
  rfx_expect (&r, 0, "report\t");
}

static ServeRun *
run_of (ServeStore *s, gint64 id)
{
  g_autoptr (GError) error = NULL;
  ServeRun *r = serve_store_run (s, id, &error);
  g_assert_no_error (error);
  return r;
}

static void
test_adopt (void)
{
  Rx x = { 0 };
  rfx_new (&x.f, "recover");
  rfx_init_registry (&x.f, "CH000001", "测试渠道", NULL);
  x.state = g_build_filename (x.f.dir, "state", NULL);
  x.runs = g_build_filename (x.state, "runs", NULL);
  x.db = g_build_filename (x.state, "serve.db", NULL);
  g_assert_cmpint (g_mkdir_with_parents (x.runs, 0700), ==, 0);

  /* run a: its worker stored report 1; run b: its worker never started; run c: its
   * worker stored report 2, but its results file is then changed to another start */
  ServeStore *s = open_store (&x, NULL);
  gint64 a = started_run (s), b = started_run (s), c = started_run (s);
  worker (&x, a, 2);
  /* reports are told apart by their start and end (seconds): two runs of one channel in
   * the same second would be ambiguous, and recovery then leaves both interrupted */
  g_usleep (1100 * 1000);
  worker (&x, c, 3);
  serve_store_close (s);
  g_autofree char *c_results = g_strdup_printf ("%s/%" G_GINT64_FORMAT "/results.json", x.runs,
                                                c);
  g_autofree char *text = NULL;
  g_assert_true (g_file_get_contents (c_results, &text, NULL, NULL));
  g_autoptr (JsonNode) n = json_from_string (text, NULL);
  JsonObject *o = json_node_get_object (n);
  json_object_set_int_member (o, "started_at", json_object_get_int_member (o, "started_at") - 7);
  g_autofree char *changed = json_to_string (n, TRUE);
  g_assert_true (g_file_set_contents (c_results, changed, -1, NULL));

  /* the server "restarts": three runs interrupted, one of them adopted */
  guint interrupted = 0, adopted = 0;
  s = open_store (&x, &interrupted);
  g_assert_cmpuint (interrupted, ==, 3);
  g_autoptr (GError) error = NULL;
  g_assert_true (serve_recover_reports (s, x.f.db, x.runs, ESSC_TEST_NOW + 60, &adopted,
                                        &error));
  g_assert_no_error (error);
  g_assert_cmpuint (adopted, ==, 1);

  g_autoptr (ServeRun) ra = run_of (s, a);
  g_assert_cmpstr (ra->state, ==, SERVE_RUN_CONFORMANT);
  g_assert_cmpint (ra->report_id, ==, 1);
  g_assert_nonnull (strstr (ra->message, "report 1"));
  g_autofree char *reports = rfx_sql_text (x.f.db, "SELECT count(*) FROM report");
  g_assert_cmpstr (reports, ==, "2");
  g_autoptr (GPtrArray) tests = serve_store_run_tests (s, a, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tests->len, ==, ra->total);
  g_assert_cmpuint (tests->len, >, 100);
  g_assert_cmpuint (ra->passed + ra->failed + ra->skipped, ==, ra->total);
  /* the transcript came along */
  const ServeRunTest *t0 = g_ptr_array_index (tests, 0);
  g_assert_nonnull (t0->transcript);
  g_assert_nonnull (strstr (t0->transcript, "\"send\""));

  g_autoptr (ServeRun) rb = run_of (s, b);
  g_assert_cmpstr (rb->state, ==, SERVE_RUN_INTERRUPTED);
  g_assert_cmpint (rb->report_id, ==, 0);
  g_autoptr (ServeRun) rc = run_of (s, c);
  g_assert_cmpstr (rc->state, ==, SERVE_RUN_INTERRUPTED);
  g_assert_cmpint (rc->report_id, ==, 0);

  /* again: nothing more; and run c's file put back matches report 2, never report 1,
   * which run a holds */
  g_assert_true (serve_recover_reports (s, x.f.db, x.runs, ESSC_TEST_NOW + 61, &adopted,
                                        &error));
  g_assert_cmpuint (adopted, ==, 0);
  g_assert_true (g_file_set_contents (c_results, text, -1, NULL));
  g_assert_true (serve_recover_reports (s, x.f.db, x.runs, ESSC_TEST_NOW + 62, &adopted,
                                        &error));
  g_assert_no_error (error);
  g_assert_cmpuint (adopted, ==, 1);
  g_autoptr (ServeRun) rc2 = run_of (s, c);
  g_assert_cmpstr (rc2->state, ==, SERVE_RUN_CONFORMANT);
  g_assert_cmpint (rc2->report_id, ==, 2);
  serve_store_close (s);

  /* two runs whose workers stored reports in the same second, with one results file
   * lost: the other's file matches two reports, so both stay interrupted */
  s = open_store (&x, NULL);
  gint64 e1 = started_run (s), e2 = started_run (s);
  serve_store_close (s);
  for (guint tries = 0;; tries++)
    {
      gint64 before = g_get_real_time () / G_USEC_PER_SEC;
      worker (&x, e1, 4);
      worker (&x, e2, 5);
      if (g_get_real_time () / G_USEC_PER_SEC == before || tries == 5)
        break;
    }
  g_autofree char *e2_results = g_strdup_printf ("%s/%" G_GINT64_FORMAT "/results.json",
                                                 x.runs, e2);
  g_autofree char *e1_results = g_strdup_printf ("%s/%" G_GINT64_FORMAT "/results.json",
                                                 x.runs, e1);
  g_autofree char *t1 = NULL, *t2 = NULL;
  g_assert_true (g_file_get_contents (e1_results, &t1, NULL, NULL));
  g_assert_true (g_file_get_contents (e2_results, &t2, NULL, NULL));
  g_autoptr (JsonNode) n1 = json_from_string (t1, NULL);
  g_autoptr (JsonNode) n2 = json_from_string (t2, NULL);
  if (json_object_get_int_member (json_node_get_object (n1), "started_at")
        == json_object_get_int_member (json_node_get_object (n2), "started_at")
      && json_object_get_int_member (json_node_get_object (n1), "ended_at")
           == json_object_get_int_member (json_node_get_object (n2), "ended_at"))
    {
      g_assert_cmpint (g_unlink (e2_results), ==, 0);
      s = open_store (&x, NULL);
      g_assert_true (serve_recover_reports (s, x.f.db, x.runs, ESSC_TEST_NOW + 63, &adopted,
                                            &error));
      g_assert_cmpuint (adopted, ==, 0);
      g_autoptr (ServeRun) re1 = run_of (s, e1);
      g_assert_cmpstr (re1->state, ==, SERVE_RUN_INTERRUPTED);
      serve_store_close (s);
    }
  else
    g_test_message ("the two workers never ran within one second: ambiguity not tried");

  /* a registry that cannot be read is an error naming it */
  s = open_store (&x, NULL);
  gint64 d = started_run (s);
  serve_store_close (s);
  s = open_store (&x, NULL);
  g_assert_false (serve_recover_reports (s, "/nonexistent/reg.db", x.runs, ESSC_TEST_NOW,
                                         &adopted, &error));
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "/nonexistent/reg.db"));
  g_autoptr (ServeRun) rd = run_of (s, d);
  g_assert_cmpstr (rd->state, ==, SERVE_RUN_INTERRUPTED);
  serve_store_close (s);

  g_free (x.state);
  g_free (x.runs);
  g_free (x.db);
  rfx_free (&x.f);
}

int
main (int argc, char **argv)
{
  essc_test_init (&argc, &argv);
  fixture_init ();
  g_test_add_func ("/serve/recover/adopt", test_adopt);
  return fixture_finish (g_test_run ());
}
