/* SPDX-License-Identifier: MIT */
/*
 * Tests of the calibration database (model/rollout/calibdb.c): a small
 * calibration result and backtest filled by hand on the constant scenario
 * with a real forecast run of it (tests/lib/calib_fixture.h) are written
 * and read back with sqlite3, every table against the structs it was
 * written from: the keys of `calibration` (the seed given, not the
 * scenario's; data_until NULL for a scenario without one, its date
 * otherwise), the parameters and their posterior summaries, the particles
 * and their values, the generations (an infinite tolerance as NULL), the
 * fit and backtest figures, and the forecast's daily fan against
 * sim_series_set_summarise.  Then the failures: a folder that does not
 * exist (an error naming the path, no file), a file that is not an essc
 * database (kept), and a write that fails half way (no file, no temporary,
 * an earlier database left byte for byte).
 */
#include "base/dbkind.h"
#include "base/time.h"
#include "model/rollout/calibdb.h"
#include "model/rollout/errors.h"
#include "model/rollout/rollout.h"
#include "model/rollout/scenario.h"
#include "sim/summary.h"
#include "tests/lib/calib_fixture.h"
#include "tests/lib/testutil.h"

#include <glib/gstdio.h>
#include <math.h>
#include <sqlite3.h>
#include <string.h>

#define N_PARAMS 2
#define N_PARTICLES 7
#define N_GENERATIONS 3
#define FORECAST_REPS 3
#define SEED G_GUINT64_CONSTANT (4242)

/* The fixture's calibration with its forecast run. */
typedef struct {
  ModelScenario *sc;
  ModelRolloutResult *forecast;
  FxCalib c;
} Calib;

static void
calib_init (Calib *k, const char *extra_scenario_keys)
{
  k->sc = fx_calib_scenario (extra_scenario_keys);
  k->forecast = fx_calib_forecast (k->sc, FORECAST_REPS);
  fx_calib_init (&k->c, N_PARAMS, N_PARTICLES, N_GENERATIONS, k->forecast);
}

static void
calib_clear (Calib *k)
{
  fx_calib_clear (&k->c);
  model_rollout_result_free (k->forecast);
  model_scenario_free (k->sc);
}

/* ---- reading back ------------------------------------------------------------ */

typedef struct {
  char *dir, *path;
  sqlite3 *h;
} Db;

static void
db_tmp (Db *db)
{
  db->dir = essc_test_make_tmpdir ("essc-calibdb-XXXXXX");
  db->path = g_build_filename (db->dir, "calib.db", NULL);
}

static void
db_open (Db *db)
{
  g_assert_cmpint (sqlite3_open_v2 (db->path, &db->h, SQLITE_OPEN_READONLY, NULL), ==,
                   SQLITE_OK);
}

static void
db_close (Db *db)
{
  sqlite3_close (db->h);
  g_assert_true (essc_test_remove_dir (db->dir));
  g_free (db->path);
  g_free (db->dir);
}

static sqlite3_stmt *
prepare (Db *db, const char *sql)
{
  sqlite3_stmt *st = NULL;
  if (sqlite3_prepare_v2 (db->h, sql, -1, &st, NULL) != SQLITE_OK)
    g_error ("%s: %s", sql, sqlite3_errmsg (db->h));
  return st;
}

static gint64
sql_int (Db *db, const char *sql)
{
  sqlite3_stmt *st = prepare (db, sql);
  g_assert_cmpint (sqlite3_step (st), ==, SQLITE_ROW);
  gint64 v = sqlite3_column_int64 (st, 0);
  sqlite3_finalize (st);
  return v;
}

/* The value of a key of `calibration`; NULL for SQL NULL; "(absent)" when
 * there is no such key. */
static char *
key (Db *db, const char *k)
{
  sqlite3_stmt *st = prepare (db, "SELECT value FROM calibration WHERE key = ?");
  sqlite3_bind_text (st, 1, k, -1, SQLITE_STATIC);
  char *v = g_strdup ("(absent)");
  if (sqlite3_step (st) == SQLITE_ROW)
    {
      g_free (v);
      v = g_strdup ((const char *) sqlite3_column_text (st, 0));
    }
  sqlite3_finalize (st);
  return v;
}

static void
assert_key (Db *db, const char *k, const char *expected)
{
  g_autofree char *v = key (db, k);
  g_test_message ("calibration.%s = %s", k, v ? v : "NULL");
  g_assert_cmpstr (v, ==, expected);
}

static void
assert_real (sqlite3_stmt *st, int col, double expected)
{
  if (isnan (expected))
    g_assert_cmpint (sqlite3_column_type (st, col), ==, SQLITE_NULL);
  else
    g_assert_cmpfloat (sqlite3_column_double (st, col), ==, expected);
}

static void
check_figures (Db *db, const char *table, const ModelFigureFit *f, guint n,
               const gboolean *in50, const gboolean *in90)
{
  g_autofree char *count = g_strdup_printf ("SELECT COUNT(*) FROM %s", table);
  g_assert_cmpint (sql_int (db, count), ==, n);
  g_autofree char *sql = g_strdup_printf ("SELECT figure, date, quantity, published, mean, q05,"
                                          " q25, q50, q75, q95, error%s FROM %s ORDER BY figure",
                                          in50 ? ", in50, in90" : "", table);
  sqlite3_stmt *st = prepare (db, sql);
  for (guint i = 0; i < n; i++)
    {
      g_assert_cmpint (sqlite3_step (st), ==, SQLITE_ROW);
      char date[BASE_TIME_DATE_SIZE];
      base_time_format_date (f[i].day, date);
      g_assert_cmpint (sqlite3_column_int (st, 0), ==, i);
      g_assert_cmpstr ((const char *) sqlite3_column_text (st, 1), ==, date);
      g_assert_cmpstr ((const char *) sqlite3_column_text (st, 2), ==, f[i].quantity);
      const double v[] = { f[i].published, f[i].mean, f[i].q05, f[i].q25, f[i].q50,
                           f[i].q75, f[i].q95, f[i].error };
      for (guint k = 0; k < G_N_ELEMENTS (v); k++)
        assert_real (st, 3 + (int) k, v[k]);
      if (in50 != NULL)
        {
          g_assert_cmpint (sqlite3_column_int (st, 11), ==, in50[i] ? 1 : 0);
          g_assert_cmpint (sqlite3_column_int (st, 12), ==, in90[i] ? 1 : 0);
        }
    }
  g_assert_cmpint (sqlite3_step (st), ==, SQLITE_DONE);
  sqlite3_finalize (st);
}

/* forecast_day of series name against the run's series s. */
static void
check_forecast (Db *db, const ModelRolloutResult *f, const char *name, ModelSeries s)
{
  const guint nd = f->n_days;
  g_autofree double *mean = g_new (double, nd), *q05 = g_new (double, nd);
  g_autofree double *q25 = g_new (double, nd), *q75 = g_new (double, nd);
  g_autofree double *q95 = g_new (double, nd);
  sim_series_set_summarise (f->national, s, 0, 0.05, 0.95, mean, q05, q95);
  sim_series_set_summarise (f->national, s, 0, 0.25, 0.75, NULL, q25, q75);
  sqlite3_stmt *st = prepare (db, "SELECT date, mean, q05, q25, q75, q95 FROM forecast_day"
                                  " WHERE series = ? ORDER BY date");
  sqlite3_bind_text (st, 1, name, -1, SQLITE_STATIC);
  for (guint day = 0; day < nd; day++)
    {
      g_assert_cmpint (sqlite3_step (st), ==, SQLITE_ROW);
      char date[BASE_TIME_DATE_SIZE];
      base_time_format_date (f->start + (gint32) day, date);
      g_assert_cmpstr ((const char *) sqlite3_column_text (st, 0), ==, date);
      assert_real (st, 1, mean[day]);
      assert_real (st, 2, q05[day]);
      assert_real (st, 3, q25[day]);
      assert_real (st, 4, q75[day]);
      assert_real (st, 5, q95[day]);
      g_assert_cmpfloat (q05[day], <=, q25[day]);
      g_assert_cmpfloat (q75[day], <=, q95[day]);
    }
  g_assert_cmpint (sqlite3_step (st), ==, SQLITE_DONE);
  sqlite3_finalize (st);
}

static int
cmp_str (gconstpointer a, gconstpointer b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

/* The names of the files in dir, sorted, one a line. */
static char *
listing (const char *dir)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  g_assert_nonnull (d);
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;
  while ((name = g_dir_read_name (d)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, cmp_str);
  g_ptr_array_add (names, NULL);
  return g_strjoinv ("\n", (char **) names->pdata);
}

/* ---- the tests ------------------------------------------------------------------ */

static void
test_tables (void)
{
  Calib k;
  calib_init (&k, NULL);
  const FxCalib *c = &k.c;
  Db db = { 0 };
  db_tmp (&db);
  g_autoptr (GError) error = NULL;
  g_assert_true (model_calibdb_write (db.path, k.sc, SEED, &c->result, &c->backtest,
                                      k.forecast, &error));
  g_assert_no_error (error);
  db_open (&db);

  g_assert_cmpint (sql_int (&db, "PRAGMA application_id"), ==, BASE_DB_ID_CALIBRATION);
  g_assert_cmpint (sql_int (&db, "PRAGMA user_version"), ==, MODEL_CALIBDB_SCHEMA_VERSION);

  /* calibration */
  g_autofree char *particles = g_strdup_printf ("%u", N_PARTICLES);
  g_autofree char *generations = g_strdup_printf ("%u", N_GENERATIONS);
  g_autofree char *simulations = g_strdup_printf ("%u", c->result.simulations);
  g_autofree char *figures = g_strdup_printf ("%u", FX_CALIB_N_FIT);
  g_autofree char *reps = g_strdup_printf ("%u", FORECAST_REPS);
  assert_key (&db, "schema", "essc-calibdb/1");
  assert_key (&db, "essc_version", ESSC_VERSION);
  assert_key (&db, "scenario_name", "constant");
  assert_key (&db, "scenario_path", k.sc->path);
  assert_key (&db, "scenario_hash", model_scenario_hash (k.sc));
  assert_key (&db, "scenario_text", k.sc->text);
  assert_key (&db, "seed", "4242");
  assert_key (&db, "start", "2019-01-01");
  assert_key (&db, "end", "2019-12-31");
  assert_key (&db, "data_until", NULL);
  assert_key (&db, "method", "abc-smc");
  assert_key (&db, "particles", particles);
  assert_key (&db, "generations", generations);
  assert_key (&db, "stop_reason", "generations");
  assert_key (&db, "simulations", simulations);
  assert_key (&db, "figures", figures);
  assert_key (&db, "fit_until", FX_CALIB_FIT_UNTIL);
  assert_key (&db, "backtest_replications", reps);
  assert_key (&db, "forecast_replications", reps);
  g_autofree char *err_scale = key (&db, "error");
  g_assert_cmpfloat (g_ascii_strtod (err_scale, NULL), ==, k.sc->calibration.error);
  g_autofree char *quantile = key (&db, "quantile");
  g_assert_cmpfloat (g_ascii_strtod (quantile, NULL), ==, k.sc->calibration.quantile);
  g_autofree char *gen_max = g_strdup_printf ("%u", k.sc->calibration.generations);
  assert_key (&db, "generations_max", gen_max);
  g_autofree char *sim_max = g_strdup_printf ("%u", k.sc->calibration.max_simulations);
  assert_key (&db, "simulations_max", sim_max);
  g_autofree char *quantities = k.sc->calibration.figures
                                    ? g_strjoinv (",", k.sc->calibration.figures)
                                    : g_strdup ("");
  assert_key (&db, "quantities", quantities);
  g_assert_cmpint (sql_int (&db, "SELECT COUNT(*) FROM calibration"), ==, 24);

  /* parameter */
  g_assert_cmpint (sql_int (&db, "SELECT COUNT(*) FROM parameter"), ==, N_PARAMS);
  sqlite3_stmt *st = prepare (&db, "SELECT param, name, lo, hi, log_scale, mean, q05, q50, q95"
                                   " FROM parameter ORDER BY param");
  for (guint p = 0; p < N_PARAMS; p++)
    {
      g_assert_cmpint (sqlite3_step (st), ==, SQLITE_ROW);
      g_assert_cmpint (sqlite3_column_int (st, 0), ==, p);
      g_assert_cmpstr ((const char *) sqlite3_column_text (st, 1), ==, c->params[p].name);
      assert_real (st, 2, c->params[p].lo);
      assert_real (st, 3, c->params[p].hi);
      g_assert_cmpint (sqlite3_column_int (st, 4), ==, c->params[p].log_scale ? 1 : 0);
      assert_real (st, 5, c->mean[p]);
      assert_real (st, 6, c->q05[p]);
      assert_real (st, 7, c->q50[p]);
      assert_real (st, 8, c->q95[p]);
    }
  g_assert_cmpint (sqlite3_step (st), ==, SQLITE_DONE);
  sqlite3_finalize (st);
  g_assert_cmpint (sql_int (&db, "SELECT log_scale FROM parameter WHERE name = "
                                 "'adoption.innovation'"), ==, 1);

  /* particle, particle_value */
  g_assert_cmpint (sql_int (&db, "SELECT COUNT(*) FROM particle"), ==, N_PARTICLES);
  g_assert_cmpint (sql_int (&db, "SELECT COUNT(*) FROM particle_value"), ==,
                   N_PARTICLES * N_PARAMS);
  st = prepare (&db, "SELECT particle, weight, distance FROM particle ORDER BY particle");
  for (guint i = 0; i < N_PARTICLES; i++)
    {
      g_assert_cmpint (sqlite3_step (st), ==, SQLITE_ROW);
      g_assert_cmpint (sqlite3_column_int (st, 0), ==, i);
      assert_real (st, 1, c->weights[i]);
      assert_real (st, 2, c->distance[i]);
    }
  sqlite3_finalize (st);
  st = prepare (&db, "SELECT particle, param, value FROM particle_value ORDER BY particle, "
                     "param");
  for (guint i = 0; i < N_PARTICLES; i++)
    for (guint p = 0; p < N_PARAMS; p++)
      {
        g_assert_cmpint (sqlite3_step (st), ==, SQLITE_ROW);
        g_assert_cmpint (sqlite3_column_int (st, 0), ==, i);
        g_assert_cmpint (sqlite3_column_int (st, 1), ==, p);
        assert_real (st, 2, c->theta[i * N_PARAMS + p]);
      }
  sqlite3_finalize (st);

  /* generation: the infinite tolerance of generation 0 as NULL */
  g_assert_cmpint (sql_int (&db, "SELECT COUNT(*) FROM generation"), ==, N_GENERATIONS);
  g_assert_cmpint (sql_int (&db, "SELECT COUNT(*) FROM generation WHERE epsilon IS NULL"), ==, 1);
  st = prepare (&db, "SELECT generation, epsilon, attempts, simulations, accepted, acceptance,"
                     " ess FROM generation ORDER BY generation");
  for (guint g = 0; g < N_GENERATIONS; g++)
    {
      const ModelCalibrationGeneration *x = &c->generations[g];
      g_assert_cmpint (sqlite3_step (st), ==, SQLITE_ROW);
      g_assert_cmpint (sqlite3_column_int (st, 0), ==, g);
      if (g == 0)
        {
          g_assert_true (isinf (x->epsilon));
          g_assert_cmpint (sqlite3_column_type (st, 1), ==, SQLITE_NULL);
        }
      else
        assert_real (st, 1, x->epsilon);
      g_assert_cmpint (sqlite3_column_int (st, 2), ==, x->attempts);
      g_assert_cmpint (sqlite3_column_int (st, 3), ==, x->simulations);
      g_assert_cmpint (sqlite3_column_int (st, 4), ==, x->accepted);
      assert_real (st, 5, x->acceptance);
      assert_real (st, 6, x->ess);
    }
  sqlite3_finalize (st);

  /* fit, backtest */
  check_figures (&db, "fit", c->fit, FX_CALIB_N_FIT, NULL, NULL);
  check_figures (&db, "backtest", c->bt_figures, FX_CALIB_N_BACKTEST, c->in50, c->in90);
  g_assert_cmpint (sql_int (&db, "SELECT COUNT(*) FROM backtest WHERE in90 = 0"), >, 0);
  g_assert_cmpint (sql_int (&db, "SELECT COUNT(*) FROM backtest WHERE in90 = 1"), >, 0);

  /* forecast_day: four series over the forecast's days */
  const ModelRolloutResult *f = k.forecast;
  g_assert_cmpint (sql_int (&db, "SELECT COUNT(DISTINCT series) FROM forecast_day"), ==, 4);
  g_assert_cmpint (sql_int (&db, "SELECT COUNT(*) FROM forecast_day"), ==, 4 * f->n_days);
  check_forecast (&db, f, "ecard_holders", MODEL_SERIES_HOLDERS);
  check_forecast (&db, f, "channels", MODEL_SERIES_CHANNELS);
  check_forecast (&db, f, "mobile_payment_cities", MODEL_SERIES_MOBILE_CITIES);
  check_forecast (&db, f, "physical_holders", MODEL_SERIES_CARDHOLDERS);
  /* The forecast varies between replications: the bands have a width. */
  g_assert_cmpint (sql_int (&db, "SELECT COUNT(*) FROM forecast_day WHERE series = "
                                 "'ecard_holders' AND q95 > q05"), >, 0);
  db_close (&db);
  calib_clear (&k);
}

/* A calibration alone: the backtest tables exist and are empty, no
 * backtest keys; a scenario's data_until as its date. */
static void
test_without_backtest (void)
{
  Calib k;
  calib_init (&k, "data_until = 2019-06-30\n");
  g_assert_cmpint (k.sc->data_until, ==, fx_calib_day ("2019-06-30"));
  Db db = { 0 };
  db_tmp (&db);
  g_autoptr (GError) error = NULL;
  g_assert_true (model_calibdb_write (db.path, k.sc, SEED, &k.c.result, NULL, NULL, &error));
  g_assert_no_error (error);
  db_open (&db);
  assert_key (&db, "data_until", "2019-06-30");
  assert_key (&db, "fit_until", "(absent)");
  assert_key (&db, "backtest_replications", "(absent)");
  assert_key (&db, "forecast_replications", "(absent)");
  g_assert_cmpint (sql_int (&db, "SELECT COUNT(*) FROM calibration"), ==, 21);
  g_assert_cmpint (sql_int (&db, "SELECT COUNT(*) FROM backtest"), ==, 0);
  g_assert_cmpint (sql_int (&db, "SELECT COUNT(*) FROM forecast_day"), ==, 0);
  check_figures (&db, "fit", k.c.fit, FX_CALIB_N_FIT, NULL, NULL);
  db_close (&db);
  calib_clear (&k);
}

/* A value that is not a number is NULL. */
static void
test_nan_as_null (void)
{
  Calib k;
  calib_init (&k, NULL);
  k.c.generations[1].ess = NAN;
  k.c.fit[1].error = NAN;
  k.c.distance[3] = NAN;
  k.c.bt_figures[2].q05 = NAN;
  Db db = { 0 };
  db_tmp (&db);
  g_autoptr (GError) error = NULL;
  g_assert_true (model_calibdb_write (db.path, k.sc, SEED, &k.c.result, &k.c.backtest, NULL,
                                      &error));
  g_assert_no_error (error);
  db_open (&db);
  g_assert_cmpint (sql_int (&db, "SELECT ess IS NULL FROM generation WHERE generation = 1"), ==,
                   1);
  g_assert_cmpint (sql_int (&db, "SELECT error IS NULL FROM fit WHERE figure = 1"), ==, 1);
  g_assert_cmpint (sql_int (&db, "SELECT q05 IS NULL FROM backtest WHERE figure = 2"), ==, 1);
  g_assert_cmpint (sql_int (&db, "SELECT COUNT(*) FROM particle WHERE distance IS NULL"), ==, 1);
  g_assert_cmpint (sql_int (&db, "SELECT distance IS NULL FROM particle WHERE particle = 3"), ==,
                   1);
  db_close (&db);
  calib_clear (&k);
}

/* A folder that does not exist, or a file where the folder should be: an
 * error naming the path, nothing written. */
static void
test_unwritable (void)
{
  Calib k;
  calib_init (&k, NULL);
  g_autofree char *dir = essc_test_make_tmpdir ("essc-calibdb-XXXXXX");
  g_autofree char *missing = g_build_filename (dir, "no-such-folder", "calib.db", NULL);
  g_autofree char *file = g_build_filename (dir, "a-file", NULL);
  g_assert_true (g_file_set_contents (file, "x", 1, NULL));
  g_autofree char *under_file = g_build_filename (file, "calib.db", NULL);
  const char *paths[] = { missing, under_file };
  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      g_autoptr (GError) error = NULL;
      g_assert_false (model_calibdb_write (paths[i], k.sc, SEED, &k.c.result, &k.c.backtest,
                                           k.forecast, &error));
      g_assert_error (error, MODEL_CALIBDB_ERROR, MODEL_ROLLOUT_INTERNAL);
      g_test_message ("%s", error->message);
      g_assert_nonnull (strstr (error->message, paths[i]));
      g_assert_false (g_file_test (paths[i], G_FILE_TEST_EXISTS));
    }
  g_autofree char *left = listing (dir);
  g_assert_cmpstr (left, ==, "a-file");
  g_assert_true (essc_test_remove_dir (dir));
  calib_clear (&k);
}

/* A file that is not an essc database is never replaced. */
static void
test_not_overwritten (void)
{
  Calib k;
  calib_init (&k, NULL);
  Db db = { 0 };
  db_tmp (&db);
  g_assert_true (g_file_set_contents (db.path, "my notes\n", -1, NULL));
  g_autoptr (GError) error = NULL;
  g_assert_false (model_calibdb_write (db.path, k.sc, SEED, &k.c.result, NULL, NULL, &error));
  g_assert_error (error, MODEL_CALIBDB_ERROR, MODEL_ROLLOUT_CONFLICT);
  g_assert_nonnull (strstr (error->message, db.path));
  g_autofree char *text = NULL;
  g_assert_true (g_file_get_contents (db.path, &text, NULL, NULL));
  g_assert_cmpstr (text, ==, "my notes\n");
  db_close (&db);
  calib_clear (&k);
}

/* A write that fails inside the transaction (two parameters of one name
 * break parameter.name's UNIQUE) leaves no file and no temporary, and an
 * earlier database at the path as it was. */
static void
test_atomic (void)
{
  Calib k;
  calib_init (&k, NULL);
  FxCalib bad;
  fx_calib_init (&bad, N_PARAMS, N_PARTICLES, N_GENERATIONS, k.forecast);
  bad.params[1].name = bad.params[0].name;
  Db db = { 0 };
  db_tmp (&db);

  g_autoptr (GError) error = NULL;
  g_assert_false (model_calibdb_write (db.path, k.sc, SEED, &bad.result, NULL, NULL, &error));
  g_assert_error (error, MODEL_CALIBDB_ERROR, MODEL_ROLLOUT_INTERNAL);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, db.path));
  g_assert_nonnull (strstr (error->message, "insert parameter"));
  g_autofree char *empty = listing (db.dir);
  g_assert_cmpstr (empty, ==, "");
  g_clear_error (&error);

  g_assert_true (model_calibdb_write (db.path, k.sc, SEED, &k.c.result, NULL, NULL, &error));
  g_assert_no_error (error);
  g_autofree char *before = NULL, *after = NULL;
  gsize n_before = 0, n_after = 0;
  g_assert_true (g_file_get_contents (db.path, &before, &n_before, NULL));
  g_assert_false (model_calibdb_write (db.path, k.sc, SEED + 1, &bad.result, &bad.backtest,
                                       k.forecast, &error));
  g_assert_error (error, MODEL_CALIBDB_ERROR, MODEL_ROLLOUT_INTERNAL);
  g_assert_true (g_file_get_contents (db.path, &after, &n_after, NULL));
  g_assert_cmpmem (before, n_before, after, n_after);
  g_autofree char *one = listing (db.dir);
  g_assert_cmpstr (one, ==, "calib.db");
  db_close (&db);
  fx_calib_clear (&bad);
  calib_clear (&k);
}

int
main (int argc, char **argv)
{
  essc_test_init (&argc, &argv);
  g_test_add_func ("/calibdb/tables", test_tables);
  g_test_add_func ("/calibdb/without-backtest", test_without_backtest);
  g_test_add_func ("/calibdb/nan-as-null", test_nan_as_null);
  g_test_add_func ("/calibdb/unwritable", test_unwritable);
  g_test_add_func ("/calibdb/not-overwritten", test_not_overwritten);
  g_test_add_func ("/calibdb/atomic", test_atomic);
  return g_test_run ();
}
