/* SPDX-License-Identifier: MIT */
/*
 * Tests of `essc registry test` as essc serve's worker runs it: --actor,
 * --results FILE, --transcript FILE, --progress.  Against the reference
 * channel: one progress line per test, numbered 1..TOTAL, TOTAL the number
 * of tests in the results file, each naming the test and verdict the
 * results file gives it, then the last line `report 1 conformant`; the
 * results file parses; the transcript has a JSON object per line, most of
 * them inside a test; the history's report.add is by the actor.  With a
 * fault the verdict is `not conformant`, exit 1, and a test fails.  An
 * unwritable --results is refused before the run, and nothing is stored.
 */
#include "conformance/json.h"
#include "tests/lib/registry_fixture.h"
#include "tests/lib/testutil.h"

#include <string.h>

/* Runs the worker command on f's CH000001 at minute 2. */
static void
run_worker (RegFx *f, FixtureRun *r, const char *results, const char *transcript)
{
  rfx_reg (f, r, "test", 2, "--id", "CH000001", "--key", f->iss_key, "--actor", "vendor:acme",
           "--results", results, "--transcript", transcript, "--progress", NULL);
}

/* Checks the progress lines against the results file; returns the last line. */
static char *
check_progress (const char *out, const char *results_path, guint *n_fail)
{
  g_autofree char *text = NULL;
  gsize len = 0;
  g_assert_true (g_file_get_contents (results_path, &text, &len, NULL));
  g_autoptr (GError) e = NULL;
  g_autoptr (JsonObject) doc = conf_json_parse_object (text, len, &e);
  g_assert_no_error (e);
  JsonArray *tests = json_object_get_array_member (doc, "tests");
  g_assert_nonnull (tests);
  guint n = json_array_get_length (tests);
  g_assert_cmpuint (n, >, 100);

  g_auto (GStrv) lines = g_strsplit (out, "\n", -1);
  guint count = g_strv_length (lines);
  g_assert_cmpuint (count, ==, n + 2);            /* n progress, report, "" after the last \n */
  g_assert_cmpstr (lines[count - 1], ==, "");
  *n_fail = 0;
  for (guint i = 0; i < n; i++)
    {
      g_auto (GStrv) f = g_strsplit (lines[i], "\t", -1);
      g_assert_cmpuint (g_strv_length (f), ==, 5);
      g_assert_cmpstr (f[0], ==, "progress");
      g_assert_cmpuint (g_ascii_strtoull (f[1], NULL, 10), ==, i + 1);
      g_assert_cmpuint (g_ascii_strtoull (f[2], NULL, 10), ==, n);
      JsonObject *t = json_array_get_object_element (tests, i);
      g_assert_cmpstr (f[3], ==, json_object_get_string_member (t, "verdict"));
      g_assert_cmpstr (f[4], ==, json_object_get_string_member (t, "name"));
      if (strcmp (f[3], "fail") == 0)
        (*n_fail)++;
    }
  return g_strdup (lines[n]);
}

/* Every line of the transcript is a JSON object; returns how many name a test. */
static guint
check_transcript (const char *path)
{
  g_autofree char *text = NULL;
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  guint in_test = 0, n = 0;
  for (guint i = 0; lines[i] != NULL && *lines[i] != '\0'; i++, n++)
    {
      g_autoptr (GError) e = NULL;
      g_autoptr (JsonObject) o = conf_json_parse_object (lines[i], strlen (lines[i]), &e);
      g_assert_no_error (e);
      JsonNode *t = json_object_get_member (o, "test");
      g_assert_nonnull (t);
      if (!JSON_NODE_HOLDS_NULL (t))
        in_test++;
    }
  g_assert_cmpuint (n, >, 100);
  return in_test;
}

static void
test_conformant (void)
{
  RegFx f;
  FixtureRun r;
  rfx_new (&f, "worker");
  rfx_init_registry (&f, "CH000001", "测试渠道", NULL);
  g_autofree char *results = g_build_filename (f.dir, "results.json", NULL);
  g_autofree char *transcript = g_build_filename (f.dir, "transcript.jsonl", NULL);
  run_worker (&f, &r, results, transcript);
  g_assert_cmpint (r.code, ==, 0);
  guint n_fail = 0;
  g_autofree char *last = check_progress (r.out, results, &n_fail);
  g_assert_cmpstr (last, ==, "report\t1\tconformant");
  g_assert_cmpuint (n_fail, ==, 0);
  g_assert_cmpuint (check_transcript (transcript), >, 100);
  fixture_run_clear (&r);
  g_autofree char *actor = rfx_sql_text (f.db, "SELECT actor FROM history"
                                               " WHERE action = 'report.add'");
  g_assert_cmpstr (actor, ==, "vendor:acme");

  /* An unwritable --results: refused before the run, nothing stored. */
  rfx_reg (&f, &r, "test", 3, "--id", "CH000001", "--key", f.iss_key, "--results", f.dir,
           "--progress", NULL);
  rfx_expect (&r, 2, "--results");
  g_autofree char *reports = rfx_sql_text (f.db, "SELECT count(*) FROM report");
  g_assert_cmpstr (reports, ==, "1");
  rfx_free (&f);
}

static void
test_not_conformant (void)
{
  RegFx f;
  FixtureRun r;
  rfx_new (&f, "worker-fault");
  rfx_init_registry (&f, "CH000001", "测试渠道", "pay-new-key-on-retry");
  g_autofree char *results = g_build_filename (f.dir, "results.json", NULL);
  g_autofree char *transcript = g_build_filename (f.dir, "transcript.jsonl", NULL);
  run_worker (&f, &r, results, transcript);
  g_assert_cmpint (r.code, ==, 1);
  guint n_fail = 0;
  g_autofree char *last = check_progress (r.out, results, &n_fail);
  g_assert_cmpstr (last, ==, "report\t1\tnot conformant");
  g_assert_cmpuint (n_fail, >, 0);
  check_transcript (transcript);
  fixture_run_clear (&r);
  g_autofree char *verdict = rfx_sql_text (f.db, "SELECT verdict FROM report WHERE id = 1");
  g_assert_cmpstr (verdict, ==, "not conformant");
  rfx_free (&f);
}

int
main (int argc, char **argv)
{
  essc_test_init (&argc, &argv);
  fixture_init ();
  g_test_add_func ("/registry/worker/conformant", test_conformant);
  g_test_add_func ("/registry/worker/not-conformant", test_not_conformant);
  return fixture_finish (g_test_run ());
}
