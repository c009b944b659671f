/* SPDX-License-Identifier: MIT */
/*
 * Scale-out over Open MPI (sim/mpi.h, model/rollout/rollout_procs.c, essc sweep):
 * the MPI build of essc (ESSC_MPI_BIN, built by make check with MPI=1) run
 * under `mpirun --oversubscribe` on 1 to 4 ranks gives the digest of the
 * single-process build (ESSC_BIN), for replications spread over ranks and
 * for cities spread over the ranks of one replication, and the same run
 * database; a rank that dies ends the job with a message instead of a hang;
 * a 2 x 2 sweep gives, per point, the digest of `essc sim` on the point's
 * scenario; essc sensitivity writes the same database on 3 ranks as on one
 * process; essc calibrate writes the same posterior bytes on 1 process
 * and on 1 to 3 ranks; progress lines come from rank 0 only.  Every command runs under coreutils' timeout, so a hang fails
 * the test instead of stopping CI.
 */
#include "tests/lib/run.h"
#include "tests/lib/testutil.h"

#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>
#include <sys/wait.h>

#define TIMEOUT "300"

/* Runs argv under `timeout`; returns the exit status, stdout in *out. */
static int
run (const char *const *argv, char **out, char **err)
{
  g_autoptr (GPtrArray) a = g_ptr_array_new ();
  g_ptr_array_add (a, (gpointer) "timeout");
  g_ptr_array_add (a, (gpointer) "-k");
  g_ptr_array_add (a, (gpointer) "10");
  g_ptr_array_add (a, (gpointer) TIMEOUT);
  for (guint i = 0; argv[i] != NULL; i++)
    g_ptr_array_add (a, (gpointer) argv[i]);
  g_ptr_array_add (a, NULL);
  int status = -1;
  g_autoptr (GError) error = NULL;
  const char *env_extra[] = { "OMPI_ALLOW_RUN_AS_ROOT=1", "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1",
                              "OMPI_MCA_btl=self,vader", "OMPI_MCA_rmaps_base_oversubscribe=1",
                              NULL };
  g_auto (GStrv) env = g_get_environ ();
  for (guint i = 0; env_extra[i] != NULL; i++)
    {
      g_auto (GStrv) kv = g_strsplit (env_extra[i], "=", 2);
      env = g_environ_setenv (env, kv[0], kv[1], TRUE);
    }
  g_assert_true (g_spawn_sync (NULL, (char **) a->pdata, env, G_SPAWN_SEARCH_PATH, NULL, NULL,
                               out, err, &status, &error));
  g_assert_no_error (error);
  return WIFEXITED (status) ? WEXITSTATUS (status) : 128 + WTERMSIG (status);
}

/* The `digest: HEX` line of an essc sim run. */
static char *
digest_of (const char *out)
{
  const char *d = strstr (out, "\ndigest: ");
  g_assert_nonnull (d);
  return g_strndup (d + 9, 64);
}

static char *
sim_digest (int ranks, const char *scenario, const char *reps, const char *db)
{
  g_autofree char *np = g_strdup_printf ("%d", ranks);
  const char *single[] = { essc_test_env ("ESSC_BIN"), "sim", scenario, "--replications", reps,
                           db ? "--db" : "--no-db", db, NULL };
  const char *multi[] = { "mpirun", "--allow-run-as-root", "--oversubscribe", "--bind-to",
                          "none", "-np", np, essc_test_env ("ESSC_MPI_BIN"), "sim", scenario,
                          "--replications", reps, db ? "--db" : "--no-db", db, NULL };
  g_autofree char *out = NULL, *err = NULL;
  int status = run (ranks == 0 ? single : multi, &out, &err);
  if (status != 0)
    g_error ("essc sim on %d ranks exited %d: %s", ranks, status, err);
  return digest_of (out);
}

/* The build without MPI, started by mpirun as two ranks, refuses at once
 * (each rank would run the whole job and write the same database). */
static void
test_non_mpi_build (void)
{
  g_autofree char *scenario = essc_test_src_path ("tests", "data", "small", "latency.ini", NULL);
  g_autofree char *dir = g_dir_make_tmp ("essc-mpi-XXXXXX", NULL);
  g_autofree char *db = g_build_filename (dir, "run.db", NULL);
  const char *argv[] = { "mpirun", "--allow-run-as-root", "--oversubscribe", "--bind-to", "none",
                         "-np", "2", essc_test_env ("ESSC_BIN"), "sim", scenario,
                         "--replications", "1", "--db", db, NULL };
  g_autofree char *out = NULL, *err = NULL;
  int status = run (argv, &out, &err);
  g_assert_cmpint (status, ==, 2);
  g_assert_nonnull (strstr (err, "this essc was built without MPI"));
  g_assert_false (g_file_test (db, G_FILE_TEST_EXISTS));
  g_rmdir (dir);
}

static void
test_digests (void)
{
  g_autofree char *scenario = essc_test_src_path ("tests", "data", "small", "latency.ini", NULL);
  /* 3 replications: groups of ranks; 1 replication: cities split over ranks. */
  const char *reps[] = { "3", "1" };
  for (gsize r = 0; r < G_N_ELEMENTS (reps); r++)
    {
      g_autofree char *one = sim_digest (0, scenario, reps[r], NULL);
      for (int n = 1; n <= 4; n++)
        {
          g_autofree char *d = sim_digest (n, scenario, reps[r], NULL);
          g_test_message ("%s replications, %d ranks: %s", reps[r], n, d);
          g_assert_cmpstr (d, ==, one);
        }
    }
}

/* The rows of a table, as text. */
static char *
dump (const char *db_path, const char *table)
{
  sqlite3 *db = NULL;
  g_assert_cmpint (sqlite3_open_v2 (db_path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_autofree char *sql = g_strdup_printf ("SELECT * FROM %s", table);
  sqlite3_stmt *st = NULL;
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &st, NULL), ==, SQLITE_OK);
  GString *s = g_string_new (NULL);
  while (sqlite3_step (st) == SQLITE_ROW)
    {
      for (int c = 0; c < sqlite3_column_count (st); c++)
        {
          const void *b = sqlite3_column_blob (st, c);
          int n = sqlite3_column_bytes (st, c);
          g_string_append_len (s, b ? b : "", n);
          g_string_append_c (s, '|');
        }
      g_string_append_c (s, '\n');
    }
  sqlite3_finalize (st);
  sqlite3_close (db);
  return g_string_free (s, FALSE);
}

static void
test_same_database (void)
{
  g_autofree char *scenario = essc_test_src_path ("tests", "data", "small", "latency.ini", NULL);
  g_autofree char *dir = g_dir_make_tmp ("essc-mpi-XXXXXX", NULL);
  g_autofree char *a = g_build_filename (dir, "one.db", NULL);
  g_autofree char *b = g_build_filename (dir, "three.db", NULL);
  g_autofree char *da = sim_digest (0, scenario, "2", a);
  g_autofree char *db = sim_digest (3, scenario, "2", b);
  g_assert_cmpstr (da, ==, db);
  const char *tables[] = { "national_day", "province_day", "city_day", "city_month",
                           "city_target", "city_milestone", "certification", "latency_day",
                           "latency_month", "status_propagation" };
  for (gsize i = 0; i < G_N_ELEMENTS (tables); i++)
    {
      g_autofree char *x = dump (a, tables[i]);
      g_autofree char *y = dump (b, tables[i]);
      g_test_message ("%s: %zu bytes", tables[i], strlen (x));
      g_assert_cmpuint (strlen (x), >, 0);
      g_assert_cmpstr (x, ==, y);
    }
  essc_test_remove_dir (dir);
}

/* A rank that dies in the middle of a run (killed while the others wait
 * for it in a reduction): mpirun ends the whole job, with a message, long
 * before the timeout. */
static void
test_rank_failure (void)
{
  g_autofree char *scenario = g_build_filename (essc_test_env ("ESSC_SRCDIR"), "scenarios",
                                                "national-2019.ini", NULL);
  g_autofree char *script = g_strdup_printf (
      "'%s' sim '%s' --replications 3 --no-db --no-latency & pid=$!; "
      "if [ \"$OMPI_COMM_WORLD_RANK\" = 1 ]; then sleep 1; kill -9 $pid; wait $pid; exit 9; fi; "
      "wait $pid", essc_test_env ("ESSC_MPI_BIN"), scenario);
  const char *argv[] = { "mpirun", "--allow-run-as-root", "--oversubscribe", "--bind-to", "none",
                         "-np", "3", "sh", "-c", script, NULL };
  g_autofree char *out = NULL, *err = NULL;
  int status = run (argv, &out, &err);
  g_test_message ("exit %d; stderr: %s", status, err);
  g_assert_cmpint (status, ==, 9);   /* the dead rank's status; 124 would be the timeout */
  g_assert_nonnull (strstr (err, "non-zero exit code"));
  g_assert_null (strstr (out, "digest:"));
}

/* Copies the small test data into dir (the sweep writes nothing beside it,
 * but the test writes the points' scenarios there). */
static void
copy_small (const char *dir)
{
  const char *files[] = { "cities.csv", "channels.csv", "service-times.csv", "latency.ini" };
  for (gsize i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *from = essc_test_src_path ("tests", "data", "small", files[i], NULL);
      g_autofree char *to = g_build_filename (dir, files[i], NULL);
      g_autofree char *text = NULL;
      gsize len;
      g_assert_true (g_file_get_contents (from, &text, &len, NULL));
      g_assert_true (g_file_set_contents (to, text, (gssize) len, NULL));
    }
}

static void
test_sweep (void)
{
  g_autofree char *dir = g_dir_make_tmp ("essc-sweep-XXXXXX", NULL);
  copy_small (dir);
  g_autofree char *sweep = g_build_filename (dir, "grid.sweep", NULL);
  g_assert_true (g_file_set_contents (sweep,
                                      "[sweep]\nname = grid\nscenario = latency.ini\n"
                                      "replications = 2\n[grid]\n"
                                      "adoption.innovation = 0.002; 0.004\n"
                                      "milestones.unified_settlement = 2019-03-01; 2019-09-01\n",
                                      -1, NULL));
  g_autofree char *db = g_build_filename (dir, "grid.db", NULL);
  const char *argv[] = { "mpirun", "--allow-run-as-root", "--oversubscribe", "--bind-to", "none",
                         "-np", "3", essc_test_env ("ESSC_MPI_BIN"), "sweep", sweep, "--db", db,
                         NULL };
  g_autofree char *out = NULL, *err = NULL;
  int status = run (argv, &out, &err);
  if (status != 0)
    g_error ("essc sweep exited %d: %s", status, err);
  /* The same sweep in one process of the plain build. */
  g_autofree char *db1 = g_build_filename (dir, "grid1.db", NULL);
  const char *argv1[] = { essc_test_env ("ESSC_BIN"), "sweep", sweep, "--db", db1, NULL };
  g_autofree char *out1 = NULL, *err1 = NULL;
  g_assert_cmpint (run (argv1, &out1, &err1), ==, 0);
  sqlite3 *s = NULL;
  g_assert_cmpint (sqlite3_open_v2 (db, &s, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  sqlite3_stmt *st = NULL;
  g_assert_cmpint (sqlite3_prepare_v2 (s, "SELECT point, scenario_text, digest FROM sweep_point "
                                          "ORDER BY point", -1, &st, NULL), ==, SQLITE_OK);
  guint points = 0;
  while (sqlite3_step (st) == SQLITE_ROW)
    {
      guint p = (guint) sqlite3_column_int (st, 0);
      const char *digest = (const char *) sqlite3_column_text (st, 2);
      g_autofree char *line = g_strdup_printf ("point %u digest: %s", p, digest);
      g_assert_nonnull (strstr (out, line));
      g_assert_nonnull (strstr (out1, line));
      /* The point's scenario as a file beside the base: essc sim agrees. */
      g_autofree char *ini = g_strdup_printf ("%s/point-%u.ini", dir, p);
      g_assert_true (g_file_set_contents (ini, (const char *) sqlite3_column_text (st, 1),
                                          sqlite3_column_bytes (st, 1), NULL));
      g_autofree char *single = sim_digest (0, ini, "2", NULL);
      g_test_message ("point %u: sweep %s, essc sim %s", p, digest, single);
      g_assert_cmpstr (single, ==, digest);
      g_remove (ini);
      points++;
    }
  g_assert_cmpuint (points, ==, 4);
  sqlite3_finalize (st);
  /* The report compares the points: a row per point holding the stored share. */
  g_autofree char *rep = g_build_filename (dir, "rep", NULL);
  const char *argv2[] = { essc_test_env ("ESSC_BIN"), "report", db, "--out", rep, "-q", NULL };
  g_autofree char *out2 = NULL, *err2 = NULL;
  g_assert_cmpint (run (argv2, &out2, &err2), ==, 0);
  g_autofree char *index = g_build_filename (rep, "index.html", NULL);
  g_autofree char *page = NULL;
  g_assert_true (g_file_get_contents (index, &page, NULL, NULL));
  g_assert_nonnull (strstr (page, "<table id=\"sweep-points\">"));
  g_assert_cmpint (sqlite3_prepare_v2 (s, "SELECT point, share_2020 FROM sweep_point", -1, &st,
                                       NULL), ==, SQLITE_OK);
  while (sqlite3_step (st) == SQLITE_ROW)
    {
      char v[G_ASCII_DTOSTR_BUF_SIZE];
      g_ascii_formatd (v, sizeof v, "%.17g", 100 * sqlite3_column_double (st, 1));
      g_autofree char *cell = g_strdup_printf ("<tr data-key=\"%d\">", sqlite3_column_int (st, 0));
      const char *row = strstr (page, cell);
      g_assert_nonnull (row);
      g_autofree char *value = g_strdup_printf ("data-col=\"share_2020\" data-value=\"%s\"", v);
      const char *at = strstr (row, value), *end = strstr (row, "</tr>");
      g_assert_true (at != NULL && at < end);
    }
  sqlite3_finalize (st);
  sqlite3_close (s);
  const char *figs[] = { "sweep-holders.svg", "sweep-holders.png", "index.html" };
  for (gsize i = 0; i < G_N_ELEMENTS (figs); i++)
    {
      g_autofree char *f = g_build_filename (rep, figs[i], NULL);
      g_assert_true (g_file_test (f, G_FILE_TEST_IS_REGULAR));
      g_remove (f);
    }
  g_rmdir (rep);
  essc_test_remove_dir (dir);
}

/* essc sensitivity on 3 ranks (the design's points dealt round robin)
 * writes the same database bytes as one process of the plain build. */
static void
test_sensitivity (void)
{
  g_autofree char *dir = g_dir_make_tmp ("essc-sens-XXXXXX", NULL);
  copy_small (dir);
  g_autofree char *scenario = g_build_filename (dir, "latency.ini", NULL);
  g_autofree char *db = g_build_filename (dir, "sens-3.db", NULL);
  g_autofree char *db1 = g_build_filename (dir, "sens-1.db", NULL);
  const char *argv[] = { "mpirun", "--allow-run-as-root", "--oversubscribe", "--bind-to", "none",
                         "-np", "3", essc_test_env ("ESSC_MPI_BIN"), "sensitivity", scenario,
                         "--param", "adoption.imitation=0.005..0.015", "--param",
                         "latency.hardware_factor=1..4", "--trajectories", "3",
                         "--replications", "2", "--quiet", "--db", db, NULL };
  const char *argv1[] = { essc_test_env ("ESSC_BIN"), "sensitivity", scenario,
                          "--param", "adoption.imitation=0.005..0.015", "--param",
                          "latency.hardware_factor=1..4", "--trajectories", "3",
                          "--replications", "2", "--quiet", "--db", db1, NULL };
  g_autofree char *out = NULL, *err = NULL, *out1 = NULL, *err1 = NULL;
  int status = run (argv, &out, &err);
  if (status != 0)
    g_error ("essc sensitivity on 3 ranks exited %d: %s", status, err);
  g_assert_cmpint (run (argv1, &out1, &err1), ==, 0);
  g_autofree char *b3 = NULL, *b1 = NULL;
  gsize n3, n1;
  g_assert_true (g_file_get_contents (db, &b3, &n3, NULL));
  g_assert_true (g_file_get_contents (db1, &b1, &n1, NULL));
  g_test_message ("%zu and %zu bytes", n3, n1);
  g_assert_cmpmem (b3, n3, b1, n1);
  g_remove (db);
  g_remove (db1);
  essc_test_remove_dir (dir);
}

/* The posterior essc calibrate writes for the test calibration, on `ranks`
 * ranks (0: the single-process build), with `jobs` threads each. */
static char *
calibrate_posterior (const char *dir, int ranks, const char *jobs)
{
  g_autofree char *np = g_strdup_printf ("%d", ranks);
  g_autofree char *scenario = g_build_filename (dir, "calibrate.ini", NULL);
  g_autofree char *post = g_strdup_printf ("%s/post-%d-%s.csv", dir, ranks, jobs);
  g_autofree char *out_ini = g_strdup_printf ("%s/calibrated-%d-%s.ini", dir, ranks, jobs);
  const char *single[] = { essc_test_env ("ESSC_BIN"), "calibrate", scenario, "--jobs", jobs,
                           "--no-db", "--posterior", post, "--scenario-out", out_ini, NULL };
  const char *multi[] = { "mpirun", "--allow-run-as-root", "--oversubscribe", "--bind-to",
                          "none", "-np", np, essc_test_env ("ESSC_MPI_BIN"), "calibrate",
                          scenario, "--jobs", jobs, "--no-db", "--posterior", post,
                          "--scenario-out", out_ini, NULL };
  g_autofree char *out = NULL, *err = NULL;
  int status = run (ranks == 0 ? single : multi, &out, &err);
  if (status != 0)
    g_error ("essc calibrate on %d ranks exited %d: %s", ranks, status, err);
  char *text = NULL;
  g_assert_true (g_file_get_contents (post, &text, NULL, NULL));
  return text;
}

static void
test_calibrate (void)
{
  g_autofree char *dir = g_dir_make_tmp ("essc-calibrate-XXXXXX", NULL);
  const char *files[] = { "calibrate.ini", "calibrate-figures.csv", "cities.csv",
                          "channels.csv" };
  for (gsize i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *src = essc_test_src_path ("tests", "data", "small", files[i], NULL);
      g_autofree char *dst = g_build_filename (dir, files[i], NULL);
      g_autofree char *text = NULL;
      gsize len;
      g_assert_true (g_file_get_contents (src, &text, &len, NULL));
      g_assert_true (g_file_set_contents (dst, text, (gssize) len, NULL));
    }
  g_autofree char *one = calibrate_posterior (dir, 0, "1");
  g_assert_cmpuint (strlen (one), >, 100);
  g_autofree char *two = calibrate_posterior (dir, 0, "2");
  g_assert_cmpstr (one, ==, two);
  for (int n = 1; n <= 3; n++)
    {
      g_autofree char *p = calibrate_posterior (dir, n, "1");
      g_assert_cmpstr (p, ==, one);
    }
  essc_test_remove_dir (dir);
}

/* Progress under mpirun: only rank 0 writes it (the followers are quiet),
 * so each count comes once, increasing, and one last line says all the
 * replications are done; stdout is the same as with --quiet. */
static void
test_progress_rank0 (void)
{
  g_autofree char *scenario = essc_test_src_path ("tests", "data", "small", "busy.ini", NULL);
  const char *argv[] = { "mpirun", "--allow-run-as-root", "--oversubscribe", "--bind-to",
                         "none", "-np", "3", essc_test_env ("ESSC_MPI_BIN"), "sim", scenario,
                         "--replications", "5", "--no-db", "--progress-every", "0", NULL };
  g_autofree char *out = NULL, *err = NULL;
  g_assert_cmpint (run (argv, &out, &err), ==, 0);
  g_test_message ("%s", err);
  g_auto (GStrv) lines = g_strsplit (err, "\n", -1);
  guint last = 0, done_lines = 0, progress_lines = 0;
  for (guint i = 0; lines[i] != NULL; i++)
    {
      if (g_str_has_prefix (lines[i], "essc sim: done: "))
        {
          g_assert_true (g_str_has_prefix (lines[i], "essc sim: done: 5 replications in "));
          done_lines++;
          continue;
        }
      if (!g_str_has_prefix (lines[i], "essc sim: "))
        continue;
      guint64 k = g_ascii_strtoull (lines[i] + strlen ("essc sim: "), NULL, 10);
      g_assert_nonnull (strstr (lines[i], " of 5 replications ("));
      g_assert_cmpuint (k, >, last);  /* a follower's line would repeat a count */
      g_assert_cmpuint (done_lines, ==, 0);
      last = (guint) k;
      progress_lines++;
    }
  g_assert_cmpuint (last, ==, 5);
  g_assert_cmpuint (done_lines, ==, 1);
  g_assert_cmpuint (progress_lines, >=, 2);
  argv[13] = "--quiet";
  argv[14] = NULL;
  g_autofree char *quiet_out = NULL, *quiet_err = NULL;
  g_assert_cmpint (run (argv, &quiet_out, &quiet_err), ==, 0);
  g_assert_cmpstr (quiet_out, ==, out);
  g_assert_null (strstr (quiet_err, "essc sim: "));
}

int
main (int argc, char **argv)
{
  essc_test_init (&argc, &argv);
  g_test_add_func ("/mpi/digest/ranks-1-to-4", test_digests);
  g_test_add_func ("/mpi/non-mpi-build-refuses", test_non_mpi_build);
  g_test_add_func ("/mpi/database/same-rows", test_same_database);
  g_test_add_func ("/mpi/rank-failure/ends-the-job", test_rank_failure);
  g_test_add_func ("/mpi/sweep/2x2-points-match-single-runs", test_sweep);
  g_test_add_func ("/mpi/sensitivity/3-ranks-same-database", test_sensitivity);
  g_test_add_func ("/mpi/calibrate/same-posterior-1-to-3-ranks", test_calibrate);
  g_test_add_func ("/mpi/progress/rank-0-only", test_progress_rank0);
  return g_test_run ();
}
