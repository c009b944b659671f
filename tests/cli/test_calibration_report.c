/* SPDX-License-Identifier: MIT */
/*
 * Tests of `essc report` on a calibration database, through the essc binary
 * (ESSC_BIN) as a user runs it.  The databases are written here with
 * model_calibdb_write from the calibration fixture (tests/lib/calib_fixture.h:
 * the constant scenario, a forecast run of it, a result and backtest filled
 * by hand), then reported; the page's tables (read back with
 * tests/lib/page_tables.h from the page as written) must hold the numbers
 * the database holds (compared with sqlite3 directly: exact for stored
 * values, relative 1e-12 for the ratios the page computes), its stamp must
 * name the calibration, and every figure must exist as SVG (well-formed,
 * the stamp in its text) and PNG (valid chunks and CRCs, not blank:
 * tests/lib/png_check.h).  Variants: a calibration alone with one parameter
 * (no pairs, no backtest section), a backtest without its forecast run (the
 * fan charts left out with a warning), and a database of another schema
 * version (refused, exit 2, the path named).
 */
#include "model/rollout/calibdb.h"
#include "tests/lib/calib_fixture.h"
#include "tests/lib/page_tables.h"
#include "tests/lib/png_check.h"
#include "tests/lib/report_fixture.h"
#include "tests/lib/run.h"
#include "tests/lib/testutil.h"

#include <math.h>
#include <sqlite3.h>
#include <string.h>

#define SEED G_GUINT64_CONSTANT (4242)
#define FORECAST_REPS 8

static char *tmp_dir;   /* removed at the end when every test passed */

/* A written calibration database and its report. */
typedef struct {
  ModelScenario *sc;
  ModelRolloutResult *forecast;
  FxCalib c;
  char *db, *out;         /* the database, the report's directory */
  char *html;             /* its index.html */
  PageTables *page;
  sqlite3 *h;             /* the database, for the comparisons */
} Report;

/*
 * Writes name.db (the backtest when backtest, with its forecast when
 * with_forecast) and reports it into name-report; the report must succeed.
 */
static void
report_make (Report *r, const char *name, guint n_params, guint n_particles,
             guint n_generations, const char *extra_scenario_keys, gboolean backtest,
             gboolean with_forecast)
{
  memset (r, 0, sizeof *r);
  r->sc = fx_calib_scenario (extra_scenario_keys);
  r->forecast = fx_calib_forecast (r->sc, FORECAST_REPS);
  fx_calib_init (&r->c, n_params, n_particles, n_generations, r->forecast);
  r->db = g_strdup_printf ("%s/%s.db", tmp_dir, name);
  r->out = g_strdup_printf ("%s/%s-report", tmp_dir, name);
  g_autoptr (GError) error = NULL;
  g_assert_true (model_calibdb_write (r->db, r->sc, SEED, &r->c.result,
                                      backtest ? &r->c.backtest : NULL,
                                      with_forecast ? r->forecast : NULL, &error));
  g_assert_no_error (error);
  EsscTestRun run = essc_test_run_essc ("report", r->db, "--out", r->out);
  g_test_message ("essc report %s: exit %d\n%s%s", name, run.status, run.out, run.err);
  g_assert_cmpint (run.status, ==, 0);
  g_autofree char *expected = g_strdup_printf ("report: %s/index.html", r->out);
  g_assert_true (g_str_has_prefix (run.out, expected));
  essc_test_run_clear (&run);
  g_autofree char *index = g_build_filename (r->out, "index.html", NULL);
  g_assert_true (g_file_get_contents (index, &r->html, NULL, NULL));
  g_autoptr (GString) problems = g_string_new (NULL);
  r->page = page_tables_parse (r->html, problems);
  if (problems->len > 0)
    fixture_problem ("%s: %s", index, problems->str);
  r->h = fixture_db_open (r->db);
}

static void
report_clear (Report *r)
{
  sqlite3_close (r->h);
  page_tables_free (r->page);
  g_free (r->html);
  g_free (r->db);
  g_free (r->out);
  fx_calib_clear (&r->c);
  model_rollout_result_free (r->forecast);
  model_scenario_free (r->sc);
}

/* ---- comparing the page with the database ----------------------------------------- */

/* The page's cell (table, key, col) holds the number v (NAN: no number). */
static void
check_value (const Report *r, const char *table, const char *key, const char *col, double v)
{
  double shown = NAN;
  gboolean has = page_tables_value (r->page, table, key, col, &shown);
  if (isnan (v))
    {
      if (has)
        fixture_problem ("%s row %s column %s: %.17g, expected no number", table, key, col,
                         shown);
      return;
    }
  if (!has)
    fixture_problem ("%s row %s column %s: no number, expected %.17g", table, key, col, v);
  else if (!(fabs (shown - v) <= 1e-12 * fabs (v)))
    fixture_problem ("%s row %s column %s: %.17g, expected %.17g", table, key, col, shown, v);
}

static void
check_text (const Report *r, const char *table, const char *key, const char *col,
            const char *text)
{
  const char *shown = page_tables_text (r->page, table, key, col);
  if (g_strcmp0 (shown, text) != 0)
    fixture_problem ("%s row %s column %s: \"%s\", expected \"%s\"", table, key, col,
                     shown ? shown : "(none)", text);
}

static double
column (sqlite3_stmt *st, int i)
{
  return sqlite3_column_type (st, i) == SQLITE_NULL ? NAN : sqlite3_column_double (st, i);
}

/* The rows of table are the rows of sql's first column, in order. */
static void
check_keys (const Report *r, const char *table, const char *sql)
{
  const GPtrArray *keys = page_tables_keys (r->page, table);
  if (keys == NULL)
    {
      fixture_problem ("the page has no table %s", table);
      return;
    }
  sqlite3_stmt *st = fixture_db_prepare (r->h, sql);
  guint n = 0;
  while (sqlite3_step (st) == SQLITE_ROW)
    {
      const char *key = (const char *) sqlite3_column_text (st, 0);
      if (n >= keys->len || strcmp (keys->pdata[n], key) != 0)
        fixture_problem ("%s: row %u is %s, expected %s", table, n,
                         n < keys->len ? (const char *) keys->pdata[n] : "(none)", key);
      n++;
    }
  sqlite3_finalize (st);
  if (n != keys->len)
    fixture_problem ("%s: %u rows, expected %u", table, keys->len, n);
}

static void
check_stamp (const Report *r)
{
  g_autofree char *hash = fixture_db_text (r->h, "SELECT value FROM calibration WHERE key = "
                                                 "'scenario_hash'");
  g_autofree char *expected = g_strdup_printf (
      "calibration of scenario constant (%.12s), seed %" G_GUINT64_FORMAT ", %u particles, "
      "%u generations, essc %s", hash, SEED, r->c.result.n_particles,
      r->c.result.n_generations, ESSC_VERSION);
  g_autofree char *stamp = page_tables_element_text (r->html, "stamp");
  g_assert_nonnull (stamp);
  if (!g_str_has_prefix (stamp, expected))
    fixture_problem ("the stamp \"%s\" does not start with \"%s\"", stamp, expected);
}

static void
check_parameters (const Report *r)
{
  const char *T = "calibration-parameters";
  check_keys (r, T, "SELECT name FROM parameter ORDER BY param");
  sqlite3_stmt *st = fixture_db_prepare (r->h, "SELECT name, log_scale, lo, hi, mean, q05, "
                                               "q50, q95 FROM parameter");
  static const char *const cols[] = { "lo", "hi", "mean", "q05", "q50", "q95" };
  while (sqlite3_step (st) == SQLITE_ROW)
    {
      const char *name = (const char *) sqlite3_column_text (st, 0);
      check_text (r, T, name, "param", name);
      check_text (r, T, name, "prior", sqlite3_column_int (st, 1) ? "log-uniform" : "uniform");
      for (guint i = 0; i < G_N_ELEMENTS (cols); i++)
        check_value (r, T, name, cols[i], column (st, 2 + (int) i));
    }
  sqlite3_finalize (st);
}

static void
check_generations (const Report *r)
{
  const char *T = "calibration-generations";
  check_keys (r, T, "SELECT generation FROM generation ORDER BY generation");
  sqlite3_stmt *st = fixture_db_prepare (r->h, "SELECT generation, epsilon, attempts, "
                                               "simulations, accepted, acceptance, ess "
                                               "FROM generation");
  while (sqlite3_step (st) == SQLITE_ROW)
    {
      g_autofree char *key = g_strdup_printf ("%d", sqlite3_column_int (st, 0));
      check_value (r, T, key, "generation", column (st, 0));
      if (sqlite3_column_type (st, 1) == SQLITE_NULL)
        check_text (r, T, key, "epsilon", "\u221e");
      else
        check_value (r, T, key, "epsilon", column (st, 1));
      check_value (r, T, key, "attempts", column (st, 2));
      check_value (r, T, key, "simulations", column (st, 3));
      check_value (r, T, key, "accepted", column (st, 4));
      check_value (r, T, key, "acceptance", 100 * column (st, 5));
      check_value (r, T, key, "ess", column (st, 6));
      check_value (r, T, key, "ess_share", 100 * column (st, 6) / r->c.result.n_particles);
    }
  sqlite3_finalize (st);
}

/* The columns both figure tables share. */
static void
check_figure_row (const Report *r, const char *T, sqlite3_stmt *st, const char *key)
{
  check_value (r, T, key, "figure", column (st, 0));
  check_text (r, T, key, "quantity", (const char *) sqlite3_column_text (st, 1));
  check_text (r, T, key, "date", (const char *) sqlite3_column_text (st, 2));
  check_value (r, T, key, "published", column (st, 3));
  check_value (r, T, key, "mean", column (st, 4));
  check_value (r, T, key, "q05", column (st, 5));
  check_value (r, T, key, "q95", column (st, 6));
  check_value (r, T, key, "error", 100 * column (st, 7));
}

static void
check_fit (const Report *r)
{
  const char *T = "calibration-fit";
  check_keys (r, T, "SELECT figure FROM fit ORDER BY figure");
  sqlite3_stmt *st = fixture_db_prepare (r->h, "SELECT figure, quantity, date, published, "
                                               "mean, q05, q95, error FROM fit");
  while (sqlite3_step (st) == SQLITE_ROW)
    {
      g_autofree char *key = g_strdup_printf ("%d", sqlite3_column_int (st, 0));
      check_figure_row (r, T, st, key);
    }
  sqlite3_finalize (st);
}

static void
check_backtest (const Report *r)
{
  const char *T = "calibration-backtest";
  check_keys (r, T, "SELECT figure FROM backtest ORDER BY figure");
  sqlite3_stmt *st = fixture_db_prepare (r->h, "SELECT figure, quantity, date, published, "
                                               "mean, q05, q95, error, q25, q75, in50, in90 "
                                               "FROM backtest");
  guint n = 0, n50 = 0, n90 = 0;
  while (sqlite3_step (st) == SQLITE_ROW)
    {
      g_autofree char *key = g_strdup_printf ("%d", sqlite3_column_int (st, 0));
      check_figure_row (r, T, st, key);
      double mean = column (st, 4);
      check_value (r, T, key, "q25", column (st, 8));
      check_value (r, T, key, "q75", column (st, 9));
      check_text (r, T, key, "in50", sqlite3_column_int (st, 10) ? "yes" : "no");
      check_text (r, T, key, "in90", sqlite3_column_int (st, 11) ? "yes" : "no");
      check_value (r, T, key, "width50", 100 * (column (st, 9) - column (st, 8)) / mean);
      check_value (r, T, key, "width90", 100 * (column (st, 6) - column (st, 5)) / mean);
      n++, n50 += sqlite3_column_int (st, 10), n90 += sqlite3_column_int (st, 11);
    }
  sqlite3_finalize (st);
  g_autofree char *coverage = g_strdup_printf ("%u of %u published figures inside the 50%% "
                                               "interval", n50, n);
  g_autofree char *coverage90 = g_strdup_printf ("%u inside the 90%% interval", n90);
  if (strstr (r->html, coverage) == NULL || strstr (r->html, coverage90) == NULL)
    fixture_problem ("the page does not say \"%s\" and \"%s\"", coverage, coverage90);
}

/* Every figure of names and only those on the page, each as SVG (with the
 * page's stamp in its text) and PNG of the given size. */
static void
check_figures (const Report *r, const char *const *names, const int (*sizes)[2])
{
  g_autofree char *stamp = page_tables_element_text (r->html, "stamp");
  char *cut = stamp ? strstr (stamp, " \u00b7 database ") : NULL;
  if (cut != NULL)
    *cut = '\0';
  const char *const facts[] = { stamp, NULL };
  fixture_check_figures (r->out, names, facts);
  guint n = 0;
  for (; names[n] != NULL; n++)
    {
      g_autofree char *png = g_strdup_printf ("%s/%s.png", r->out, names[n]);
      g_autoptr (GError) e = NULL;
      g_autoptr (PngImage) img = png_check_read_file (png, &e);
      if (img == NULL)
        continue;  /* fixture_check_figures said why */
      if (sizes != NULL && ((int) img->width != sizes[n][0] || (int) img->height != sizes[n][1]))
        fixture_problem ("%s: %ux%u, expected %dx%d", png, img->width, img->height,
                         sizes[n][0], sizes[n][1]);
    }
  const GPtrArray *srcs = page_tables_images (r->page);
  if (srcs->len != n)
    fixture_problem ("%s: %u images on the page, expected %u", r->out, srcs->len, n);
  for (guint i = 0; i < srcs->len && i < n; i++)
    {
      g_autofree char *src = g_strdup_printf ("%s.svg", names[i]);
      if (strcmp (srcs->pdata[i], src) != 0)
        fixture_problem ("%s: image %u is %s, expected %s", r->out, i,
                         (const char *) srcs->pdata[i], src);
    }
  if (fixture_count_files (r->out, ".png") != n || fixture_count_files (r->out, ".svg") != n)
    fixture_problem ("%s: %u PNG and %u SVG files, expected %u of each", r->out,
                     fixture_count_files (r->out, ".png"), fixture_count_files (r->out, ".svg"),
                     n);
}

/* ---- the tests ------------------------------------------------------------------------ */

/* Three parameters, a backtest of two quantities and its forecast. */
static void
test_full (void)
{
  Report r;
  report_make (&r, "full", 3, 400, 4, NULL, TRUE, TRUE);
  check_stamp (&r);
  check_parameters (&r);
  check_generations (&r);
  check_fit (&r);
  check_backtest (&r);
  if (strstr (r.html, "id=\"warnings\"") != NULL)
    fixture_problem ("the page has warnings: %s", r.html);
  static const char *const names[] = {
    "posterior-histograms", "posterior-pairs", "backtest-ecard-holders", "backtest-channels",
    NULL,
  };
  /* Two rows of two histograms; a 2 x 2 matrix of pairs (cells of 380). */
  static const int sizes[][2] = { { 1100, 790 }, { 975, 910 }, { 1100, 600 }, { 1100, 600 } };
  check_figures (&r, names, sizes);
  report_clear (&r);
}

/* One parameter, no backtest: no pairs, no backtest section; the
 * scenario's data_until on the page. */
static void
test_calibration_only (void)
{
  Report r;
  report_make (&r, "alone", 1, 60, 2, "data_until = 2019-06-30\n", FALSE, FALSE);
  check_stamp (&r);
  check_parameters (&r);
  check_generations (&r);
  check_fit (&r);
  if (page_tables_has (r.page, "calibration-backtest") || strstr (r.html, "id=\"backtest\""))
    fixture_problem ("a calibration without a backtest has a backtest section");
  if (strstr (r.html, "data_until: 2019-06-30") == NULL)
    fixture_problem ("the page does not name the scenario's data_until");
  static const char *const names[] = { "posterior-histograms", NULL };
  static const int sizes[][2] = { { 800, 460 } };
  check_figures (&r, names, sizes);
  report_clear (&r);
}

/* A backtest without its forecast run: the tables, and a warning for the
 * fan charts left out. */
static void
test_backtest_without_forecast (void)
{
  Report r;
  report_make (&r, "no-forecast", 2, 50, 3, NULL, TRUE, FALSE);
  check_backtest (&r);
  g_autofree char *warnings = page_tables_element_text (r.html, "warnings");
  if (warnings == NULL || strstr (warnings, "forecast_day is empty") == NULL)
    fixture_problem ("no warning about the fan charts left out: %s", warnings ? warnings : "");
  static const char *const names[] = { "posterior-histograms", "posterior-pairs", NULL };
  check_figures (&r, names, NULL);
  report_clear (&r);
}

/* A calibration database of another schema version is refused. */
static void
test_other_version (void)
{
  g_autoptr (ModelScenario) sc = fx_calib_scenario (NULL);
  g_autoptr (ModelRolloutResult) forecast = fx_calib_forecast (sc, 2);
  FxCalib c;
  fx_calib_init (&c, 2, 10, 1, forecast);
  g_autofree char *db = g_strdup_printf ("%s/old.db", tmp_dir);
  g_autofree char *out = g_strdup_printf ("%s/old-report", tmp_dir);
  g_autoptr (GError) error = NULL;
  g_assert_true (model_calibdb_write (db, sc, SEED, &c.result, NULL, NULL, &error));
  g_assert_no_error (error);
  sqlite3 *h = fixture_db_open (db);
  g_assert_cmpint (sqlite3_exec (h, "UPDATE calibration SET value = 'essc-calibdb/0' WHERE "
                                    "key = 'schema'", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (h);
  EsscTestRun run = essc_test_run_essc ("report", db, "--out", out);
  g_test_message ("exit %d: %s", run.status, run.err);
  g_assert_cmpint (run.status, ==, 2);
  g_assert_nonnull (strstr (run.err, db));
  g_assert_nonnull (strstr (run.err, "essc-calibdb/0"));
  g_assert_nonnull (strstr (run.err, "expected essc-calibdb/1"));
  g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
  essc_test_run_clear (&run);
  fx_calib_clear (&c);
}

int
main (int argc, char **argv)
{
  essc_test_init (&argc, &argv);
  tmp_dir = essc_test_make_tmpdir ("essc-calib-report-XXXXXX");
  g_test_add_func ("/calibration-report/full", test_full);
  g_test_add_func ("/calibration-report/calibration-only", test_calibration_only);
  g_test_add_func ("/calibration-report/backtest-without-forecast",
                   test_backtest_without_forecast);
  g_test_add_func ("/calibration-report/other-version", test_other_version);
  int rc = g_test_run ();
  if (rc == 0)
    {
      const char *rm[] = { "rm", "-rf", tmp_dir, NULL };
      g_spawn_sync (NULL, (char **) rm, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL,
                    NULL);
    }
  else
    g_printerr ("# kept %s\n", tmp_dir);
  g_free (tmp_dir);
  return rc;
}
