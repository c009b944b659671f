/* SPDX-License-Identifier: MIT */
/*
 * Tests of where essc finds a scenario's data (scenarios/README.md, "Where
 * data files are found"), as a planner meets it: a shipped scenario copied
 * alone to another folder runs and gives the digest of the original (its
 * data taken from the build tree's scenarios/); a file of the same name
 * beside the copy wins, and `essc scenario check` and the run database say
 * which file was taken and why; a file found nowhere is an error naming
 * the scenario's line and key and every place searched; --data-dir moves
 * the second place, and a folder without the file fails with that message;
 * a sweep file's `scenario =` gets the same lookup.  Runs $ESSC_BIN from
 * the build tree (make check).
 */
#include "tests/lib/run.h"
#include "tests/lib/testutil.h"

#include <glib/gstdio.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

/* The line "digest: HEX" of a sim's stdout (transfer full), or NULL. */
static char *
digest_of (const char *out)
{
  const char *at = strstr (out, "\ndigest: ");
  return at != NULL ? g_strndup (at + 9, 64) : NULL;
}

/* The build tree's scenarios/ as essc finds it (/proc/self/exe resolves
 * links, so the source folder with its links resolved). */
static char *
tree_scenarios (void)
{
  g_autofree char *src = realpath (essc_test_srcdir (), NULL);
  g_assert_nonnull (src);
  return g_build_filename (src, "scenarios", NULL);
}

/* Copies the file at src to dir/name (dir/data made when name has it). */
static char *
copy_to (const char *src, const char *dir, const char *name)
{
  g_autofree char *text = NULL;
  gsize len;
  g_assert_true (g_file_get_contents (src, &text, &len, NULL));
  char *dst = g_build_filename (dir, name, NULL);
  g_autofree char *parent = g_path_get_dirname (dst);
  g_assert_cmpint (g_mkdir_with_parents (parent, 0755), ==, 0);
  g_assert_true (g_file_set_contents (dst, text, (gssize) len, NULL));
  return dst;
}

static void
remove_tree (const char *dir)
{
  g_autofree char *quoted = g_shell_quote (dir);
  EsscTestRun r = essc_test_run_sh ("rm -rf %s", quoted);
  g_assert_cmpint (r.status, ==, 0);
  essc_test_run_clear (&r);
}

/* A value of the run table of a run database (transfer full), or NULL. */
static char *
run_value (const char *db, const char *key)
{
  sqlite3 *h = NULL;
  g_assert_cmpint (sqlite3_open_v2 (db, &h, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  sqlite3_stmt *st = NULL;
  g_assert_cmpint (sqlite3_prepare_v2 (h, "SELECT value FROM run WHERE key = ?", -1, &st, NULL),
                   ==, SQLITE_OK);
  sqlite3_bind_text (st, 1, key, -1, SQLITE_STATIC);
  char *value = sqlite3_step (st) == SQLITE_ROW
                    ? g_strdup ((const char *) sqlite3_column_text (st, 0))
                    : NULL;
  sqlite3_finalize (st);
  sqlite3_close (h);
  return value;
}

/* national-2019.ini copied alone runs from the copy with the build tree's
 * data and gives the original's digest; scenario check says each file came
 * from the data directory, and the run database records them. */
static void
test_copy_runs (void)
{
  g_autofree char *tmp = essc_test_make_tmpdir ("essc-datadir-XXXXXX");
  g_autofree char *original = essc_test_src_path ("scenarios", "national-2019.ini", NULL);
  g_autofree char *copy = copy_to (original, tmp, "national-2019.ini");
  g_autofree char *db = g_build_filename (tmp, "copy.db", NULL);
  g_autofree char *data = tree_scenarios ();

  EsscTestRun a = essc_test_run_essc ("sim", original, "--replications", "1", "--no-latency",
                                      "--no-db", "--quiet");
  EsscTestRun b = essc_test_run_essc ("sim", copy, "--replications", "1", "--no-latency",
                                      "--db", db, "--quiet");
  g_test_message ("%s", b.err);
  g_assert_cmpint (a.status, ==, 0);
  g_assert_cmpint (b.status, ==, 0);
  g_autofree char *da = digest_of (a.out), *dbg = digest_of (b.out);
  g_assert_nonnull (da);
  g_assert_cmpstr (da, ==, dbg);
  essc_test_run_clear (&a);
  essc_test_run_clear (&b);

  g_autofree char *cities = g_build_filename (data, "data", "cities-2020.csv", NULL);
  g_autofree char *recorded = run_value (db, "data.cities");
  g_autofree char *recorded_dir = run_value (db, "data_dir");
  g_assert_cmpstr (recorded, ==, cities);
  g_assert_cmpstr (recorded_dir, ==, data);

  EsscTestRun c = essc_test_run_essc ("scenario", "check", copy);
  g_assert_cmpint (c.status, ==, 0);
  const char *keys[] = { "cities", "catalogue", "access", "published", "service_times" };
  const char *files[] = { "cities-2020.csv", "channels.csv", "access-2018-2020.csv",
                          "essc-milestones-2019-2020.csv", "service-times.csv" };
  for (gsize i = 0; i < G_N_ELEMENTS (keys); i++)
    {
      g_autofree char *line = g_strdup_printf ("%s: %s: %s/data/%s (data directory)\n", copy,
                                               keys[i], data, files[i]);
      g_assert_nonnull (strstr (c.out, line));
    }
  g_autofree char *dir_line = g_strdup_printf ("%s: data directory: %s (the build tree)\n", copy,
                                               data);
  g_assert_nonnull (strstr (c.out, dir_line));
  essc_test_run_clear (&c);
  remove_tree (tmp);
}

/* A file beside the copy wins over the data directory's, and the check
 * and the run say so; a changed file beside it changes the run. */
static void
test_beside_wins (void)
{
  g_autofree char *tmp = essc_test_make_tmpdir ("essc-datadir-XXXXXX");
  g_autofree char *original = essc_test_src_path ("scenarios", "national-2019.ini", NULL);
  g_autofree char *copy = copy_to (original, tmp, "national-2019.ini");
  g_autofree char *data = tree_scenarios ();
  g_autofree char *shipped = g_build_filename (data, "data", "service-times.csv", NULL);
  g_autofree char *beside = copy_to (shipped, tmp, "data/service-times.csv");

  EsscTestRun c = essc_test_run_essc ("scenario", "check", copy);
  g_assert_cmpint (c.status, ==, 0);
  g_autofree char *taken = g_strdup_printf ("%s: service_times: %s (beside the scenario)\n",
                                            copy, beside);
  g_autofree char *other = g_strdup_printf ("%s: cities: %s/data/cities-2020.csv (data "
                                            "directory)\n", copy, data);
  g_assert_nonnull (strstr (c.out, taken));
  g_assert_nonnull (strstr (c.out, other));
  essc_test_run_clear (&c);

  /* The small latency scenario with --data-dir at its own folder, copied
   * alone: the same digest; a cities file beside the copy with one
   * city's population changed changes it, and the run records it. */
  g_autofree char *small = essc_test_src_path ("tests", "data", "small", NULL);
  g_autofree char *small_ini = g_build_filename (small, "latency.ini", NULL);
  g_autofree char *small_copy = copy_to (small_ini, tmp, "latency.ini");
  EsscTestRun a = essc_test_run_essc ("sim", small_ini, "--replications", "1", "--no-db",
                                      "--quiet");
  EsscTestRun b = essc_test_run_essc ("sim", small_copy, "--replications", "1", "--no-db",
                                      "--quiet", "--data-dir", small);
  g_assert_cmpint (a.status, ==, 0);
  g_assert_cmpint (b.status, ==, 0);
  g_autofree char *da = digest_of (a.out), *dbg = digest_of (b.out);
  g_assert_cmpstr (da, ==, dbg);
  essc_test_run_clear (&b);

  g_autofree char *cities_src = g_build_filename (small, "cities.csv", NULL);
  g_autofree char *cities_text = NULL;
  g_assert_true (g_file_get_contents (cities_src, &cities_text, NULL, NULL));
  g_auto (GStrv) lines = g_strsplit (cities_text, "\n", -1);
  g_assert_nonnull (lines[1]);
  /* The first city's population (the sixth column), a thousand more. */
  g_assert_true (g_str_has_prefix (lines[0], "code,name,province,province_code,level,population,"));
  g_auto (GStrv) cols = g_strsplit (lines[1], ",", -1);
  g_assert_cmpuint (g_strv_length (cols), >=, 6);
  guint64 people = g_ascii_strtoull (cols[5], NULL, 10);
  g_assert_cmpuint (people, >, 0);
  g_free (cols[5]);
  cols[5] = g_strdup_printf ("%" G_GUINT64_FORMAT, people + 1000);
  g_free (lines[1]);
  lines[1] = g_strjoinv (",", cols);
  g_autofree char *changed = g_strjoinv ("\n", lines);
  g_autofree char *cities_beside = g_build_filename (tmp, "cities.csv", NULL);
  g_assert_true (g_file_set_contents (cities_beside, changed, -1, NULL));
  g_autofree char *db = g_build_filename (tmp, "changed.db", NULL);
  b = essc_test_run_essc ("sim", small_copy, "--replications", "1", "--db", db, "--quiet",
                          "--data-dir", small);
  g_test_message ("%s", b.err);
  g_assert_cmpint (b.status, ==, 0);
  g_autofree char *changed_digest = digest_of (b.out);
  g_assert_cmpstr (changed_digest, !=, da);
  g_autofree char *recorded = run_value (db, "data.cities");
  g_autofree char *recorded_catalogue = run_value (db, "data.catalogue");
  g_autofree char *catalogue = g_build_filename (small, "channels.csv", NULL);
  g_assert_cmpstr (recorded, ==, cities_beside);
  g_assert_cmpstr (recorded_catalogue, ==, catalogue);
  essc_test_run_clear (&a);
  essc_test_run_clear (&b);
  remove_tree (tmp);
}

/* A file found nowhere: the scenario's line and key, the path, and both
 * places searched; --data-dir to a folder without the file says so with
 * that folder; --data-dir that is no folder is a usage error. */
static void
test_missing (void)
{
  g_autofree char *tmp = essc_test_make_tmpdir ("essc-datadir-XXXXXX");
  g_autofree char *empty = essc_test_make_tmpdir ("essc-datadir-empty-XXXXXX");
  g_autofree char *original = essc_test_src_path ("scenarios", "national-2019.ini", NULL);
  g_autofree char *text = NULL;
  g_assert_true (g_file_get_contents (original, &text, NULL, NULL));
  g_autofree char *nowhere = g_strdup (text);
  char *at = strstr (nowhere, "cities = data/cities-2020.csv");
  g_assert_nonnull (at);
  memcpy (at, "cities = data/cities-2099.csv", strlen ("cities = data/cities-2099.csv"));
  g_autofree char *path = g_build_filename (tmp, "nowhere.ini", NULL);
  g_assert_true (g_file_set_contents (path, nowhere, -1, NULL));
  /* The line of the key in the file. */
  guint line = 1;
  for (const char *c = nowhere; c < at; c++)
    line += *c == '\n';
  g_autofree char *data = tree_scenarios ();

  const char *const cmds[][2] = { { "sim", NULL }, { "scenario", "check" } };
  for (gsize i = 0; i < G_N_ELEMENTS (cmds); i++)
    {
      EsscTestRun r = cmds[i][1] == NULL
                          ? essc_test_run_essc ("sim", path, "--no-db", "--quiet")
                          : essc_test_run_essc ("scenario", "check", path);
      g_test_message ("%s", r.err);
      g_assert_cmpint (r.status, ==, 2);
      g_autofree char *want = g_strdup_printf (
          "%s:%u: [population] cities: data/cities-2099.csv: no such file beside the scenario "
          "or in the data directory, expected a data file; searched %s/data/cities-2099.csv "
          "(beside the scenario), %s/data/cities-2099.csv (data directory)\n", path, line, tmp,
          data);
      g_assert_nonnull (strstr (r.err, want));
      essc_test_run_clear (&r);
    }

  /* The copy of the original with --data-dir at an empty folder. */
  g_autofree char *copy = copy_to (original, tmp, "national-2019.ini");
  EsscTestRun r = essc_test_run_essc ("sim", copy, "--no-db", "--quiet", "--data-dir", empty);
  g_assert_cmpint (r.status, ==, 2);
  g_autofree char *want = g_strdup_printf ("searched %s/data/cities-2020.csv (beside the "
                                           "scenario), %s/data/cities-2020.csv (data "
                                           "directory)\n", tmp, empty);
  g_assert_nonnull (strstr (r.err, want));
  essc_test_run_clear (&r);

  /* --data-dir that is a file, or nothing: refused before anything runs. */
  const char *bad[] = { copy, "/nonexistent/essc-data" };
  const char *const commands[] = { "sim", "sweep", "calibrate", "backtest", "scenario" };
  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    for (gsize k = 0; k < G_N_ELEMENTS (commands); k++)
      {
        g_autofree char *msg = g_strdup_printf ("essc %s: --data-dir %s: not a directory",
                                                commands[k], bad[i]);
        if (k == 4)
          r = essc_test_run_essc ("scenario", "check", copy, "--data-dir", bad[i]);
        else if (k == 3)
          r = essc_test_run_essc ("backtest", copy, "--data-dir", bad[i], "--fit-until",
                                  "2019-06-30", "--no-db");
        else
          r = essc_test_run_essc (commands[k], copy, "--data-dir", bad[i], "--no-db");
        g_test_message ("%s", r.err);
        g_assert_cmpint (r.status, ==, 2);
        g_assert_nonnull (strstr (r.err, msg));
        essc_test_run_clear (&r);
      }
  remove_tree (empty);
  remove_tree (tmp);
}

/* A sweep file alone in a folder: its base scenario is found in the data
 * directory, and a point's digest is the one essc sim gives for it. */
static void
test_sweep (void)
{
  g_autofree char *tmp = essc_test_make_tmpdir ("essc-datadir-XXXXXX");
  g_autofree char *small = essc_test_src_path ("tests", "data", "small", NULL);
  g_autofree char *sweep = g_build_filename (tmp, "s.sweep", NULL);
  g_assert_true (g_file_set_contents (sweep, "[sweep]\nname = s\nscenario = latency.ini\n"
                                             "replications = 1\n[grid]\n"
                                             "adoption.imitation = 0.01; 0.02\n", -1, NULL));
  EsscTestRun r = essc_test_run_essc ("sweep", sweep, "--no-db", "--no-latency", "--quiet");
  g_assert_cmpint (r.status, ==, 2);
  g_autofree char *data = tree_scenarios ();
  g_autofree char *want = g_strdup_printf ("%s:3: [sweep] scenario: latency.ini: no such file "
                                           "beside the sweep file or in the data directory, "
                                           "expected a scenario; searched %s/latency.ini "
                                           "(beside the sweep file), %s/latency.ini (data "
                                           "directory)", sweep, tmp, data);
  g_test_message ("%s", r.err);
  g_assert_nonnull (strstr (r.err, want));
  essc_test_run_clear (&r);

  r = essc_test_run_essc ("sweep", sweep, "--no-db", "--no-latency", "--quiet", "--data-dir",
                          small);
  g_test_message ("%s", r.err);
  g_assert_cmpint (r.status, ==, 0);
  g_autofree char *base = g_build_filename (small, "latency.ini", NULL);
  EsscTestRun one = essc_test_run_essc ("sim", base, "--replications", "1", "--no-latency",
                                        "--no-db", "--quiet");
  g_assert_cmpint (one.status, ==, 0);
  g_autofree char *d = digest_of (one.out);
  g_autofree char *line = g_strdup_printf ("point 0 digest: %s\n", d);
  g_assert_nonnull (strstr (r.out, line));
  essc_test_run_clear (&one);
  essc_test_run_clear (&r);
  remove_tree (tmp);
}

int
main (int argc, char **argv)
{
  essc_test_init (&argc, &argv);
  g_test_add_func ("/datadir/copy-runs-same-digest", test_copy_runs);
  g_test_add_func ("/datadir/beside-wins", test_beside_wins);
  g_test_add_func ("/datadir/missing-lists-places", test_missing);
  g_test_add_func ("/datadir/sweep-scenario", test_sweep);
  return g_test_run ();
}
