/* SPDX-License-Identifier: MIT */
/*
 * make check's share of the coverage-guided fuzzing (docs/PARSER-FUZZING.md):
 * one test per harness of tests/fuzz/fuzz_NAME.c, which runs the harness
 * built by clang with ASan and UBSan ($ESSC_FUZZ_DIR/NAME) on its corpus
 * (tests/fuzz/corpus/NAME/: the seeds and every crash found and fixed, kept
 * as regressions), then fuzzes it for a few seconds from there.  Anything
 * the harness reports (a crash, a sanitizer error, a leak, a GLib critical,
 * an input slower than 10 s) fails the test with the end of its log.
 */
#include "tests/lib/run.h"
#include "tests/lib/testutil.h"

#include <string.h>

#define FUZZ_CHECK_SECONDS "4"

static void
test_harness (gconstpointer data)
{
  const char *name = data;
  g_autofree char *bin = g_build_filename (essc_test_env ("ESSC_FUZZ_DIR"), name, NULL);
  g_autofree char *seeds = essc_test_src_path ("tests", "fuzz", "corpus", name, NULL);
  g_assert_true (g_file_test (bin, G_FILE_TEST_IS_EXECUTABLE));
  g_assert_true (g_file_test (seeds, G_FILE_TEST_IS_DIR));

  g_autofree char *tmp = essc_test_make_tmpdir ("essc-fuzz-check-XXXXXX");
  g_autofree char *prefix = g_strconcat (tmp, "/", NULL);
  g_autofree char *art = g_strconcat ("-artifact_prefix=", prefix, NULL);
  /* the seeds alone first: each must pass as it is */
  const char *replay[] = { bin, "-runs=0", "-timeout=10", "-rss_limit_mb=2048", art, seeds, NULL };
  EsscTestRun r = essc_test_run_argv (NULL, replay, NULL, 0);
  if (r.status != 0)
    g_test_message ("%s on its corpus: exit %d\n%s", name, r.status, r.err);
  g_assert_cmpint (r.status, ==, 0);
  essc_test_run_clear (&r);

  /* then a short run from them (new inputs go to tmp, never to the tree) */
  const char *run[] = { bin, "-max_total_time=" FUZZ_CHECK_SECONDS, "-seed=1", "-timeout=10",
                        "-rss_limit_mb=2048", art, tmp, seeds, NULL };
  r = essc_test_run_argv (NULL, run, NULL, 0);
  if (r.status != 0)
    {
      const char *err = r.err;
      gsize n = strlen (err);
      g_test_message ("%s fuzzed for %s s: exit %d; the end of its log:\n%s", name,
                      FUZZ_CHECK_SECONDS, r.status, n > 4000 ? err + n - 4000 : err);
    }
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.err, "Done "));
  essc_test_run_clear (&r);
  g_assert_true (essc_test_remove_dir (tmp));
}

static int
by_name (gconstpointer a, gconstpointer b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

int
main (int argc, char **argv)
{
  essc_test_init (&argc, &argv);
  /* one test per harness source, so a harness that was not built fails */
  g_autofree char *dir = essc_test_src_path ("tests", "fuzz", NULL);
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  g_assert_nonnull (d);
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *f;
  while ((f = g_dir_read_name (d)) != NULL)
    if (g_str_has_prefix (f, "fuzz_") && g_str_has_suffix (f, ".c"))
      g_ptr_array_add (names, g_strndup (f + 5, strlen (f) - 7));
  g_ptr_array_sort (names, by_name);
  g_assert_cmpuint (names->len, >, 0);
  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *path = g_strconcat ("/fuzz/", (char *) names->pdata[i], NULL);
      g_test_add_data_func (path, names->pdata[i], test_harness);
    }
  return g_test_run ();
}
