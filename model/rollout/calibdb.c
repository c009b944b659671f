/* SPDX-License-Identifier: MIT */
/*
 * Writing a calibration (and its backtest) to SQLite (see calibdb.h; the
 * schema is docs/CALIBDB.md): the tables, then one function per group of
 * rows, all inside the one transaction of base_sqlite_write_atomic.  Every
 * REAL goes through base_sqlite_bind_real, so a value that is not a number
 * is NULL, never a NaN; an infinite tolerance (generation 0) is NULL too.
 * The file is small: a few thousand particles, a few dozen figures, and
 * four daily series of the forecast.
 */
#include "model/rollout/calibdb.h"

#include "base/error.h"
#include "base/dbkind.h"
#include "base/sqlite.h"
#include "base/time.h"
#include "model/rollout/errors.h"
#include "sim/summary.h"

#include <math.h>

G_DEFINE_QUARK (model-calibdb-error-quark, model_calibdb_error)

static const char SCHEMA[] =
  "CREATE TABLE calibration (key TEXT PRIMARY KEY, value TEXT) STRICT;"
  "CREATE TABLE parameter (param INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE,"
  " lo REAL NOT NULL, hi REAL NOT NULL, log_scale INTEGER NOT NULL, mean REAL, q05 REAL,"
  " q50 REAL, q95 REAL) STRICT;"
  "CREATE TABLE particle (particle INTEGER PRIMARY KEY, weight REAL, distance REAL) STRICT;"
  "CREATE TABLE particle_value (particle INTEGER NOT NULL, param INTEGER NOT NULL,"
  " value REAL, PRIMARY KEY (particle, param)) STRICT;"
  "CREATE TABLE generation (generation INTEGER PRIMARY KEY, epsilon REAL,"
  " attempts INTEGER NOT NULL, simulations INTEGER NOT NULL, accepted INTEGER NOT NULL,"
  " acceptance REAL, ess REAL) STRICT;"
  "CREATE TABLE fit (figure INTEGER PRIMARY KEY, date TEXT NOT NULL, quantity TEXT NOT NULL,"
  " published REAL, mean REAL, q05 REAL, q25 REAL, q50 REAL, q75 REAL, q95 REAL, error REAL)"
  " STRICT;"
  "CREATE TABLE backtest (figure INTEGER PRIMARY KEY, date TEXT NOT NULL,"
  " quantity TEXT NOT NULL, published REAL, mean REAL, q05 REAL, q25 REAL, q50 REAL,"
  " q75 REAL, q95 REAL, error REAL, in50 INTEGER NOT NULL, in90 INTEGER NOT NULL) STRICT;"
  "CREATE TABLE forecast_day (series TEXT NOT NULL, date TEXT NOT NULL, mean REAL,"
  " q05 REAL, q25 REAL, q75 REAL, q95 REAL, PRIMARY KEY (series, date)) STRICT;";

/* The forecast's series in forecast_day, named as the published quantities
 * they are compared with (calibrate.c fits the same four). */
static const struct {
  const char *name;
  ModelSeries series;
} forecast_series[] = {
  { "ecard_holders", MODEL_SERIES_HOLDERS },
  { "channels", MODEL_SERIES_CHANNELS },
  { "mobile_payment_cities", MODEL_SERIES_MOBILE_CITIES },
  { "physical_holders", MODEL_SERIES_CARDHOLDERS },
};

/* Binds day number day as "YYYY-MM-DD". */
static void
bind_date (sqlite3_stmt *st, int i, gint32 day)
{
  char buf[BASE_TIME_DATE_SIZE];
  base_time_format_date (day, buf);
  sqlite3_bind_text (st, i, buf, -1, SQLITE_TRANSIENT);
}

/* Returns: (transfer full) "YYYY-MM-DD" of day. */
static char *
date_text (gint32 day)
{
  char buf[BASE_TIME_DATE_SIZE];
  base_time_format_date (day, buf);
  return g_strdup (buf);
}

/* ---- the calibration table -------------------------------------------------- */

/* Inserts (key, value) pairs from kv (value NULL: SQL NULL), n of them. */
static gboolean
put_keys (const BaseSqlite *d, const char *const (*kv)[2], gsize n, GError **error)
{
  sqlite3_stmt *st = base_sqlite_prepare (d, "INSERT INTO calibration VALUES (?, ?)", NULL,
                                          error);
  if (st == NULL)
    return FALSE;
  for (gsize i = 0; i < n; i++)
    {
      sqlite3_bind_text (st, 1, kv[i][0], -1, SQLITE_STATIC);
      base_sqlite_bind_text (st, 2, kv[i][1]);
      if (!base_sqlite_step (d, st, "insert calibration", error))
        return sqlite3_finalize (st), FALSE;
    }
  sqlite3_finalize (st);
  return TRUE;
}

/* Returns: (transfer full) v as the shortest text that reads back as v. */
static char *
real_text (double v)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  return g_strdup (g_ascii_dtostr (buf, sizeof buf, v));
}

static gboolean
write_keys (const BaseSqlite *d, const ModelScenario *sc, guint64 seed,
            const ModelCalibrationResult *r, const ModelBacktest *bt,
            const ModelRolloutResult *forecast, GError **error)
{
  const ModelCalibration *cal = &sc->calibration;
  g_autofree char *seed_s = g_strdup_printf ("%" G_GUINT64_FORMAT, seed);
  g_autofree char *particles = g_strdup_printf ("%u", r->n_particles);
  g_autofree char *generations = g_strdup_printf ("%u", r->n_generations);
  g_autofree char *simulations = g_strdup_printf ("%u", r->simulations);
  g_autofree char *figures = g_strdup_printf ("%u", r->n_figures);
  g_autofree char *quantities = cal->figures != NULL ? g_strjoinv (",", cal->figures)
                                                     : g_strdup ("");
  g_autofree char *err_scale = real_text (cal->error);
  g_autofree char *quantile = real_text (cal->quantile);
  g_autofree char *gen_max = g_strdup_printf ("%u", cal->generations);
  g_autofree char *sim_max = g_strdup_printf ("%u", cal->max_simulations);
  g_autofree char *start = date_text (sc->start);
  g_autofree char *end = date_text (sc->end);
  g_autofree char *data_until = sc->data_until == G_MAXINT32 ? NULL
                                                             : date_text (sc->data_until);
  const char *const kv[][2] = {
    { "schema", MODEL_CALIBDB_SCHEMA },
    { "essc_version", ESSC_VERSION },
    { "scenario_name", sc->name },
    { "scenario_path", sc->path },
    { "scenario_hash", model_scenario_hash (sc) },
    { "scenario_text", sc->text },
    { "seed", seed_s },
    { "start", start },
    { "end", end },
    { "data_until", data_until },
    { "method", "abc-smc" },
    { "particles", particles },
    { "generations", generations },
    { "generations_max", gen_max },
    { "simulations", simulations },
    { "simulations_max", sim_max },
    { "quantile", quantile },
    { "stop_reason", r->stop_reason },
    { "figures", figures },
    { "quantities", quantities },
    { "error", err_scale },
  };
  if (!put_keys (d, kv, G_N_ELEMENTS (kv), error))
    return FALSE;
  if (bt != NULL)
    {
      g_autofree char *fit_until = date_text (bt->fit_until);
      g_autofree char *reps = g_strdup_printf ("%u", bt->replications);
      const char *const bkv[][2] = {
        { "fit_until", fit_until }, { "backtest_replications", reps },
      };
      if (!put_keys (d, bkv, G_N_ELEMENTS (bkv), error))
        return FALSE;
    }
  if (forecast != NULL)
    {
      g_autofree char *reps = g_strdup_printf ("%u", forecast->n_reps);
      const char *const fkv[][2] = { { "forecast_replications", reps } };
      if (!put_keys (d, fkv, G_N_ELEMENTS (fkv), error))
        return FALSE;
    }
  return TRUE;
}

/* ---- the posterior ------------------------------------------------------------ */

static gboolean
write_posterior (const BaseSqlite *d, const ModelCalibrationResult *r, GError **error)
{
  const guint P = r->n_params, N = r->n_particles;
  sqlite3_stmt *st = base_sqlite_prepare (d, "INSERT INTO parameter VALUES (?, ?, ?, ?, ?, ?,"
                                          " ?, ?, ?)", NULL, error);
  if (st == NULL)
    return FALSE;
  for (guint p = 0; p < P; p++)
    {
      const ModelFreeParam *fp = &r->params[p];
      sqlite3_bind_int (st, 1, (int) p);
      sqlite3_bind_text (st, 2, fp->name, -1, SQLITE_STATIC);
      sqlite3_bind_double (st, 3, fp->lo);
      sqlite3_bind_double (st, 4, fp->hi);
      sqlite3_bind_int (st, 5, fp->log_scale ? 1 : 0);
      base_sqlite_bind_real (st, 6, r->mean[p]);
      base_sqlite_bind_real (st, 7, r->q05[p]);
      base_sqlite_bind_real (st, 8, r->q50[p]);
      base_sqlite_bind_real (st, 9, r->q95[p]);
      if (!base_sqlite_step (d, st, "insert parameter", error))
        return sqlite3_finalize (st), FALSE;
    }
  sqlite3_finalize (st);

  sqlite3_stmt *pv = base_sqlite_prepare (d, "INSERT INTO particle_value VALUES (?, ?, ?)",
                                          NULL, error);
  if (pv == NULL)
    return FALSE;
  st = base_sqlite_prepare (d, "INSERT INTO particle VALUES (?, ?, ?)", NULL, error);
  if (st == NULL)
    return sqlite3_finalize (pv), FALSE;
  for (guint i = 0; i < N; i++)
    {
      sqlite3_bind_int (st, 1, (int) i);
      base_sqlite_bind_real (st, 2, r->weights[i]);
      base_sqlite_bind_real (st, 3, r->distance[i]);
      if (!base_sqlite_step (d, st, "insert particle", error))
        return sqlite3_finalize (st), sqlite3_finalize (pv), FALSE;
      for (guint p = 0; p < P; p++)
        {
          sqlite3_bind_int (pv, 1, (int) i);
          sqlite3_bind_int (pv, 2, (int) p);
          base_sqlite_bind_real (pv, 3, r->theta[(gsize) i * P + p]);
          if (!base_sqlite_step (d, pv, "insert particle_value", error))
            return sqlite3_finalize (st), sqlite3_finalize (pv), FALSE;
        }
    }
  sqlite3_finalize (st);
  sqlite3_finalize (pv);
  return TRUE;
}

static gboolean
write_generations (const BaseSqlite *d, const ModelCalibrationResult *r, GError **error)
{
  sqlite3_stmt *st = base_sqlite_prepare (d, "INSERT INTO generation VALUES (?, ?, ?, ?, ?, ?,"
                                          " ?)", NULL, error);
  if (st == NULL)
    return FALSE;
  for (guint g = 0; g < r->n_generations; g++)
    {
      const ModelCalibrationGeneration *x = &r->generations[g];
      sqlite3_bind_int (st, 1, (int) g);
      if (isfinite (x->epsilon))
        sqlite3_bind_double (st, 2, x->epsilon);
      sqlite3_bind_int64 (st, 3, x->attempts);
      sqlite3_bind_int64 (st, 4, x->simulations);
      sqlite3_bind_int64 (st, 5, x->accepted);
      base_sqlite_bind_real (st, 6, x->acceptance);
      base_sqlite_bind_real (st, 7, x->ess);
      if (!base_sqlite_step (d, st, "insert generation", error))
        return sqlite3_finalize (st), FALSE;
    }
  sqlite3_finalize (st);
  return TRUE;
}

/* ---- figures: the fit and the backtest ------------------------------------------ */

/* Binds a figure's date .. error to columns 2..11 (column 1: its index). */
static void
bind_figure (sqlite3_stmt *st, guint i, const ModelFigureFit *f)
{
  sqlite3_bind_int (st, 1, (int) i);
  bind_date (st, 2, f->day);
  sqlite3_bind_text (st, 3, f->quantity, -1, SQLITE_STATIC);
  base_sqlite_bind_real (st, 4, f->published);
  base_sqlite_bind_real (st, 5, f->mean);
  base_sqlite_bind_real (st, 6, f->q05);
  base_sqlite_bind_real (st, 7, f->q25);
  base_sqlite_bind_real (st, 8, f->q50);
  base_sqlite_bind_real (st, 9, f->q75);
  base_sqlite_bind_real (st, 10, f->q95);
  base_sqlite_bind_real (st, 11, f->error);
}

static gboolean
write_figures (const BaseSqlite *d, const ModelCalibrationResult *r, const ModelBacktest *bt,
               GError **error)
{
  sqlite3_stmt *st = base_sqlite_prepare (d, "INSERT INTO fit VALUES (?, ?, ?, ?, ?, ?, ?, ?,"
                                          " ?, ?, ?)", NULL, error);
  if (st == NULL)
    return FALSE;
  for (guint i = 0; i < r->n_figures; i++)
    {
      bind_figure (st, i, &r->fit[i]);
      if (!base_sqlite_step (d, st, "insert fit", error))
        return sqlite3_finalize (st), FALSE;
    }
  sqlite3_finalize (st);
  if (bt == NULL)
    return TRUE;
  st = base_sqlite_prepare (d, "INSERT INTO backtest VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
                            " ?, ?)", NULL, error);
  if (st == NULL)
    return FALSE;
  for (guint i = 0; i < bt->n_figures; i++)
    {
      bind_figure (st, i, &bt->figures[i]);
      sqlite3_bind_int (st, 12, bt->in50[i] ? 1 : 0);
      sqlite3_bind_int (st, 13, bt->in90[i] ? 1 : 0);
      if (!base_sqlite_step (d, st, "insert backtest", error))
        return sqlite3_finalize (st), FALSE;
    }
  sqlite3_finalize (st);
  return TRUE;
}

/* ---- the forecast's fan ----------------------------------------------------------- */

static gboolean
write_forecast (const BaseSqlite *d, const ModelRolloutResult *f, GError **error)
{
  const guint nd = f->n_days;
  g_autofree double *mean = g_new (double, nd), *q05 = g_new (double, nd);
  g_autofree double *q25 = g_new (double, nd), *q75 = g_new (double, nd);
  g_autofree double *q95 = g_new (double, nd);
  sqlite3_stmt *st = base_sqlite_prepare (d, "INSERT INTO forecast_day VALUES (?, ?, ?, ?, ?,"
                                          " ?, ?)", NULL, error);
  if (st == NULL)
    return FALSE;
  for (gsize s = 0; s < G_N_ELEMENTS (forecast_series); s++)
    {
      sim_series_set_summarise (f->national, forecast_series[s].series, 0, 0.05, 0.95, mean,
                                q05, q95);
      sim_series_set_summarise (f->national, forecast_series[s].series, 0, 0.25, 0.75, NULL,
                                q25, q75);
      for (guint day = 0; day < nd; day++)
        {
          sqlite3_bind_text (st, 1, forecast_series[s].name, -1, SQLITE_STATIC);
          bind_date (st, 2, f->start + (gint32) day);
          base_sqlite_bind_real (st, 3, mean[day]);
          base_sqlite_bind_real (st, 4, q05[day]);
          base_sqlite_bind_real (st, 5, q25[day]);
          base_sqlite_bind_real (st, 6, q75[day]);
          base_sqlite_bind_real (st, 7, q95[day]);
          if (!base_sqlite_step (d, st, "insert forecast_day", error))
            return sqlite3_finalize (st), FALSE;
        }
    }
  sqlite3_finalize (st);
  return TRUE;
}

/* ---- the file ------------------------------------------------------------------------ */

typedef struct {
  const ModelScenario *sc;
  guint64 seed;
  const ModelCalibrationResult *r;
  const ModelBacktest *bt;
  const ModelRolloutResult *forecast;
} Calib;

static gboolean
fill (const BaseSqlite *d, gpointer data, GError **error)
{
  const Calib *c = data;
  return base_sqlite_exec (d, SCHEMA, "schema", error)
         && write_keys (d, c->sc, c->seed, c->r, c->bt, c->forecast, error)
         && write_posterior (d, c->r, error)
         && write_generations (d, c->r, error)
         && write_figures (d, c->r, c->bt, error)
         && (c->forecast == NULL || write_forecast (d, c->forecast, error));
}

gboolean
model_calibdb_may_write (const char *path, GError **error)
{
  return base_db_may_write (path, BASE_DB_CALIBRATION, BASE_DB_NEW, MODEL_CALIBDB_ERROR,
                            MODEL_ROLLOUT_CONFLICT, error);
}

gboolean
model_calibdb_write (const char *path, const ModelScenario *sc, guint64 seed,
                     const ModelCalibrationResult *r, const ModelBacktest *bt,
                     const ModelRolloutResult *forecast, GError **error)
{
  g_return_val_if_fail (path != NULL && sc != NULL && r != NULL, FALSE);
  g_return_val_if_fail (r->n_params == 0 || r->params != NULL, FALSE);
  /* Never overwrite a file of another kind, nor another program's. */
  if (!model_calibdb_may_write (path, error))
    return FALSE;
  g_autofree char *pragmas = g_strdup_printf ("PRAGMA application_id = %d; PRAGMA user_version = "
                                              "%d; PRAGMA journal_mode = OFF; PRAGMA synchronous "
                                              "= OFF;", BASE_DB_ID_CALIBRATION,
                                              MODEL_CALIBDB_SCHEMA_VERSION);
  Calib c = { sc, seed, r, bt, forecast };
  return base_sqlite_write_atomic (path, MODEL_CALIBDB_ERROR, MODEL_ROLLOUT_INTERNAL, pragmas,
                                   fill, &c, error);
}
