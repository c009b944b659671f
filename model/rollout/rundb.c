/* SPDX-License-Identifier: MIT */
/*
 * Writing a simulation run to SQLite (see rundb.h): the file, its one
 * transaction, the rollout's tables and the provinces' outlines for the
 * maps (borders.h); the latency model's tables are
 * rundb_latency.c's, those of the parameters and replications
 * rundb_posterior.c's.  The file is written with base_sqlite_write_atomic
 * (under a temporary name, renamed into place at the end), so a crash or an
 * error never leaves a half-written database under the requested name.
 */
#include "model/rollout/rundb_private.h"

#include "model/std/channel.h"
#include "base/dbkind.h"
#include "model/rollout/borders.h"
#include "base/error.h"
#include "model/rollout/scenario_csv.h"

#include <string.h>

G_DEFINE_QUARK (model-rundb-error-quark, model_rundb_error)

static const char SCHEMA[] =
  "CREATE TABLE run (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;"
  "CREATE TABLE city (code INTEGER PRIMARY KEY, name TEXT NOT NULL, province_code INTEGER NOT NULL,"
  " province TEXT NOT NULL, population INTEGER NOT NULL, lon REAL NOT NULL, lat REAL NOT NULL)"
  " STRICT;"
  "CREATE TABLE city_day (city INTEGER NOT NULL, date TEXT NOT NULL, holders REAL NOT NULL,"
  " level2 REAL NOT NULL, cardholders REAL NOT NULL, PRIMARY KEY (city, date)) STRICT;"
  "CREATE TABLE city_month (city INTEGER NOT NULL, date TEXT NOT NULL, holders REAL NOT NULL,"
  " lo REAL NOT NULL, hi REAL NOT NULL, PRIMARY KEY (city, date)) STRICT;"
  "CREATE TABLE national_day (series TEXT NOT NULL, date TEXT NOT NULL, mean REAL NOT NULL,"
  " lo REAL NOT NULL, hi REAL NOT NULL, q25 REAL NOT NULL, q75 REAL NOT NULL,"
  " PRIMARY KEY (series, date)) STRICT;"
  "CREATE TABLE province_day (province INTEGER NOT NULL, date TEXT NOT NULL,"
  " holders REAL NOT NULL, lo REAL NOT NULL, hi REAL NOT NULL, cardholders REAL NOT NULL,"
  " PRIMARY KEY (province, date)) STRICT;"
  "CREATE TABLE city_target (city INTEGER NOT NULL, target TEXT NOT NULL, share REAL NOT NULL,"
  " by_date TEXT NOT NULL, probability REAL NOT NULL, median_date TEXT,"
  " PRIMARY KEY (city, target)) STRICT;"
  "CREATE TABLE city_milestone (city INTEGER NOT NULL, milestone TEXT NOT NULL,"
  " median_date TEXT NOT NULL, first_date TEXT NOT NULL, last_date TEXT NOT NULL,"
  " PRIMARY KEY (city, milestone)) STRICT;"
  "CREATE TABLE channel (id TEXT PRIMARY KEY, name TEXT NOT NULL, class TEXT NOT NULL,"
  " tier INTEGER NOT NULL, reach TEXT NOT NULL, golive TEXT NOT NULL, generated INTEGER NOT NULL,"
  " holders_mean REAL NOT NULL) STRICT;"
  "CREATE TABLE published (date TEXT NOT NULL, quantity TEXT NOT NULL, value REAL NOT NULL,"
  " note TEXT NOT NULL) STRICT;"
  "CREATE TABLE certification (channel TEXT NOT NULL, replication INTEGER NOT NULL,"
  " attempts INTEGER NOT NULL, live_date TEXT NOT NULL, PRIMARY KEY (channel, replication))"
  " STRICT;"
  "CREATE TABLE province_label (province INTEGER PRIMARY KEY, name TEXT NOT NULL,"
  " short_name TEXT NOT NULL, lon REAL NOT NULL, lat REAL NOT NULL) STRICT;"
  "CREATE TABLE province_border (province INTEGER NOT NULL, ring INTEGER NOT NULL,"
  " seq INTEGER NOT NULL, lon REAL NOT NULL, lat REAL NOT NULL,"
  " PRIMARY KEY (province, ring, seq)) STRICT;";

static const char *const series_names[MODEL_SERIES_CELL_HOLDERS_0] = {
  "holders", "level2", "cardholders", "new", "class_hrss", "class_government", "class_partner",
  "class_bank", "class_medical", "class_social", "channels", "people", "potential",
  "mobile_payment_cities",
};

/* The cells of MODEL_SERIES_CELL_*: with the urban split, then without
 * (cells 3-5 unused). */
static const char *const cell_names[2][MODEL_N_CELLS] = {
  { "urban_0_17", "urban_18_59", "urban_60_plus", "rural_0_17", "rural_18_59", "rural_60_plus" },
  { "all_0_17", "all_18_59", "all_60_plus", NULL, NULL, NULL },
};

/* Returns: (transfer full) the name of national series s in national_day,
 * or NULL for a cell the run does not have. */
static char *
series_name (guint s, guint n_cells)
{
  if (s < MODEL_SERIES_CELL_HOLDERS_0)
    return g_strdup (series_names[s]);
  guint k = (s - MODEL_SERIES_CELL_HOLDERS_0) % MODEL_N_CELLS;
  const char *cell = cell_names[n_cells == MODEL_N_CELLS ? 0 : 1][k];
  if (cell == NULL || k >= n_cells)
    return NULL;
  return g_strdup_printf ("%s_%s", s < MODEL_SERIES_CELL_PEOPLE_0 ? "holders" : "people", cell);
}

static const char *const milestone_names[MODEL_N_MILESTONES] = {
  "issuance_golive", "mobile_payment", "unified_settlement",
};

void
rundb_bind_date (sqlite3_stmt *st, int i, gint32 day)
{
  char buf[11];
  base_time_format_date (day, buf);
  sqlite3_bind_text (st, i, buf, -1, SQLITE_TRANSIENT);
}

static int
cmp_double (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return x < y ? -1 : x > y;
}

static int
cmp_i32 (const void *a, const void *b)
{
  gint32 x = *(const gint32 *) a, y = *(const gint32 *) b;
  return x < y ? -1 : x > y;
}

static gboolean
write_all (const BaseSqlite *d, const ModelScenario *sc, const ModelRolloutResult *r,
           const char *digest, GError **error)
{
  const guint nd = r->n_days, R = r->n_reps;
  sqlite3_stmt *st;
  char date[11];

  /* run */
  if ((st = base_sqlite_prepare (d, "INSERT INTO run VALUES (?, ?)", NULL, error)) == NULL)
    return FALSE;
  g_autofree char *seed = g_strdup_printf ("%" G_GUINT64_FORMAT, sc->seed);
  g_autofree char *reps = g_strdup_printf ("%u", R);
  /* The days actually run (essc sim --end may have moved the scenario's end). */
  char start[11], end[11];
  base_time_format_date (r->start, start);
  base_time_format_date (r->start + (gint32) nd - 1, end);
  const char *kv[][2] = {
    { "schema", "essc-simdb/" G_STRINGIFY (MODEL_RUNDB_SCHEMA_VERSION) },
    { "essc_version", ESSC_VERSION },
    { "scenario_name", sc->name }, { "scenario_path", sc->path }, { "scenario_hash", sc->hash },
    { "scenario_text", sc->text }, { "seed", seed }, { "replications", reps },
    { "start", start }, { "end", end }, { "digest", digest },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (kv); i++)
    {
      sqlite3_bind_text (st, 1, kv[i][0], -1, SQLITE_STATIC);
      sqlite3_bind_text (st, 2, kv[i][1], -1, SQLITE_STATIC);
      if (!base_sqlite_step (d, st, "insert run", error))
        return sqlite3_finalize (st), FALSE;
    }
  /* The data files taken (data.KEY: the path), and the data directory searched. */
  for (guint i = 0; i <= sc->n_data_files; i++)
    {
      g_autofree char *key = i < sc->n_data_files
                                 ? g_strdup_printf ("data.%s", sc->data_files[i].key)
                                 : g_strdup ("data_dir");
      const char *value = i < sc->n_data_files ? sc->data_files[i].path : sc->data_dir;
      if (value == NULL)
        continue;
      sqlite3_bind_text (st, 1, key, -1, SQLITE_STATIC);
      sqlite3_bind_text (st, 2, value, -1, SQLITE_STATIC);
      if (!base_sqlite_step (d, st, "insert run", error))
        return sqlite3_finalize (st), FALSE;
    }
  sqlite3_finalize (st);

  /* published figures to compare with */
  st = base_sqlite_prepare (d, "INSERT INTO published VALUES (?, ?, ?, ?)", NULL, error);
  if (st == NULL)
    return FALSE;
  for (guint i = 0; i < sc->n_published; i++)
    {
      const ModelPublished *p = &sc->published[i];
      rundb_bind_date (st, 1, p->day);
      sqlite3_bind_text (st, 2, p->quantity, -1, SQLITE_STATIC);
      sqlite3_bind_double (st, 3, p->value);
      sqlite3_bind_text (st, 4, p->note, -1, SQLITE_STATIC);
      if (!base_sqlite_step (d, st, "insert published", error))
        return sqlite3_finalize (st), FALSE;
    }
  sqlite3_finalize (st);

  /* cities and their days */
  st = base_sqlite_prepare (d, "INSERT INTO city VALUES (?, ?, ?, ?, ?, ?, ?)", NULL, error);
  if (st == NULL)
    return FALSE;
  for (guint c = 0; c < r->n_cities; c++)
    {
      const ModelCity *city = &sc->cities->cities[c];
      sqlite3_bind_int64 (st, 1, city->code);
      sqlite3_bind_text (st, 2, city->name, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (st, 3, city->province_code);
      sqlite3_bind_text (st, 4, city->province, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (st, 5, (gint64) city->population);
      sqlite3_bind_double (st, 6, city->lon);
      sqlite3_bind_double (st, 7, city->lat);
      if (!base_sqlite_step (d, st, "insert city", error))
        return sqlite3_finalize (st), FALSE;
    }
  sqlite3_finalize (st);
  st = base_sqlite_prepare (d, "INSERT INTO city_day VALUES (?, ?, ?, ?, ?)", NULL, error);
  if (st == NULL)
    return FALSE;
  for (guint c = 0; c < r->n_cities; c++)
    for (guint day = 0; day < nd; day++)
      {
        gsize at = (gsize) c * nd + day;
        sqlite3_bind_int64 (st, 1, sc->cities->cities[c].code);
        rundb_bind_date (st, 2, r->start + (gint32) day);
        sqlite3_bind_double (st, 3, r->city_holders[at]);
        sqlite3_bind_double (st, 4, r->city_level2[at]);
        sqlite3_bind_double (st, 5, r->city_cardholders[at]);
        if (!base_sqlite_step (d, st, "insert city_day", error))
          return sqlite3_finalize (st), FALSE;
      }
  sqlite3_finalize (st);

  /* city series at month ends, with 90% intervals over replications */
  st = base_sqlite_prepare (d, "INSERT INTO city_month VALUES (?, ?, ?, ?, ?)", NULL, error);
  if (st == NULL)
    return FALSE;
  g_autofree double *col = g_new (double, R);
  for (guint c = 0; c < r->n_cities; c++)
    for (guint m = 0; m < r->n_months; m++)
      {
        double sum = 0;
        for (guint rep = 0; rep < R; rep++)
          sum += col[rep] = r->city_month[((gsize) c * r->n_months + m) * R + rep];
        qsort (col, R, sizeof (double), cmp_double);
        sqlite3_bind_int64 (st, 1, sc->cities->cities[c].code);
        rundb_bind_date (st, 2, r->start + (gint32) r->month_day[m]);
        sqlite3_bind_double (st, 3, sum / R);
        sqlite3_bind_double (st, 4, sim_quantile_sorted (col, R, 0.05));
        sqlite3_bind_double (st, 5, sim_quantile_sorted (col, R, 0.95));
        if (!base_sqlite_step (d, st, "insert city_month", error))
          return sqlite3_finalize (st), FALSE;
      }
  sqlite3_finalize (st);

  /* national series with 90% and 50% intervals, provincial with 90% */
  g_autofree double *mean = g_new (double, nd), *lo = g_new (double, nd), *hi = g_new (double, nd);
  g_autofree double *q25 = g_new (double, nd), *q75 = g_new (double, nd);
  st = base_sqlite_prepare (d, "INSERT INTO national_day VALUES (?, ?, ?, ?, ?, ?, ?)", NULL,
                            error);
  if (st == NULL)
    return FALSE;
  for (guint s = 0; s < MODEL_N_SERIES; s++)
    {
      g_autofree char *name = series_name (s, r->n_cells);
      if (name == NULL)
        continue;
      sim_series_set_summarise (r->national, s, 0, 0.05, 0.95, mean, lo, hi);
      sim_series_set_summarise (r->national, s, 0, 0.25, 0.75, NULL, q25, q75);
      for (guint day = 0; day < nd; day++)
        {
          sqlite3_bind_text (st, 1, name, -1, SQLITE_STATIC);
          rundb_bind_date (st, 2, r->start + (gint32) day);
          sqlite3_bind_double (st, 3, mean[day]);
          sqlite3_bind_double (st, 4, lo[day]);
          sqlite3_bind_double (st, 5, hi[day]);
          sqlite3_bind_double (st, 6, q25[day]);
          sqlite3_bind_double (st, 7, q75[day]);
          if (!base_sqlite_step (d, st, "insert national_day", error))
            return sqlite3_finalize (st), FALSE;
        }
    }
  sqlite3_finalize (st);
  g_autofree double *pcards = g_new0 (double, (gsize) r->n_provinces * nd);
  for (guint c = 0; c < r->n_cities; c++)
    for (guint day = 0; day < nd; day++)
      pcards[(gsize) sc->cities->cities[c].province_index * nd + day]
          += r->city_cardholders[(gsize) c * nd + day];
  st = base_sqlite_prepare (d, "INSERT INTO province_day VALUES (?, ?, ?, ?, ?, ?)", NULL, error);
  if (st == NULL)
    return FALSE;
  for (guint p = 0; p < r->n_provinces; p++)
    {
      sim_series_set_summarise (r->province, p, 0, 0.05, 0.95, mean, lo, hi);
      for (guint day = 0; day < nd; day++)
        {
          sqlite3_bind_int64 (st, 1, sc->cities->provinces[p].code);
          rundb_bind_date (st, 2, r->start + (gint32) day);
          sqlite3_bind_double (st, 3, mean[day]);
          sqlite3_bind_double (st, 4, lo[day]);
          sqlite3_bind_double (st, 5, hi[day]);
          sqlite3_bind_double (st, 6, pcards[(gsize) p * nd + day]);
          if (!base_sqlite_step (d, st, "insert province_day", error))
            return sqlite3_finalize (st), FALSE;
        }
    }
  sqlite3_finalize (st);

  /* targets and milestones per city */
  g_autofree gint32 *vals = g_new (gint32, R);
  const double share[MODEL_N_TARGETS] = { sc->share_2019, sc->share_2020 };
  const gint32 by[MODEL_N_TARGETS] = { sc->target_2019, sc->target_2020 };
  const char *tname[MODEL_N_TARGETS] = { "share_2019", "share_2020" };
  st = base_sqlite_prepare (d, "INSERT INTO city_target VALUES (?, ?, ?, ?, ?, ?)", NULL, error);
  if (st == NULL)
    return FALSE;
  for (guint c = 0; c < r->n_cities; c++)
    for (guint t = 0; t < MODEL_N_TARGETS; t++)
      {
        guint n = 0;
        for (guint rep = 0; rep < R; rep++)
          {
            gint32 m = r->met[((gsize) t * r->n_cities + c) * R + rep];
            if (m >= 0)
              vals[n++] = m;
          }
        qsort (vals, n, sizeof *vals, cmp_i32);
        sqlite3_bind_int64 (st, 1, sc->cities->cities[c].code);
        sqlite3_bind_text (st, 2, tname[t], -1, SQLITE_STATIC);
        sqlite3_bind_double (st, 3, share[t]);
        rundb_bind_date (st, 4, by[t]);
        sqlite3_bind_double (st, 5, (double) n / R);
        if (n > 0)
          rundb_bind_date (st, 6, r->start + vals[n / 2]);
        if (!base_sqlite_step (d, st, "insert city_target", error))
          return sqlite3_finalize (st), FALSE;
      }
  sqlite3_finalize (st);
  st = base_sqlite_prepare (d, "INSERT INTO city_milestone VALUES (?, ?, ?, ?, ?)", NULL, error);
  if (st == NULL)
    return FALSE;
  for (guint c = 0; c < r->n_cities; c++)
    for (guint m = 0; m < MODEL_N_MILESTONES; m++)
      {
        memcpy (vals, r->milestone + ((gsize) m * r->n_cities + c) * R, R * sizeof *vals);
        qsort (vals, R, sizeof *vals, cmp_i32);
        sqlite3_bind_int64 (st, 1, sc->cities->cities[c].code);
        sqlite3_bind_text (st, 2, milestone_names[m], -1, SQLITE_STATIC);
        rundb_bind_date (st, 3, vals[R / 2]);
        rundb_bind_date (st, 4, vals[0]);
        rundb_bind_date (st, 5, vals[R - 1]);
        if (!base_sqlite_step (d, st, "insert city_milestone", error))
          return sqlite3_finalize (st), FALSE;
      }
  sqlite3_finalize (st);

  /* channels and certification */
  sqlite3_stmt *ch_st = base_sqlite_prepare (d, "INSERT INTO channel VALUES (?, ?, ?, ?, ?, ?, ?,"
                                             " ?)", NULL, error);
  if (ch_st == NULL)
    return FALSE;
  st = base_sqlite_prepare (d, "INSERT INTO certification VALUES (?, ?, ?, ?)", NULL, error);
  if (st == NULL)
    return sqlite3_finalize (ch_st), FALSE;
  for (guint ch = 0; ch < r->n_channels; ch++)
    {
      const ModelCatalogueChannel *c = &sc->catalogue->channels[ch];
      double holders = 0;
      for (guint rep = 0; rep < R; rep++)
        holders += (double) r->channel_holders[(gsize) ch * R + rep];
      g_autofree char *reach = c->reach_kind == MODEL_REACH_NATIONAL
                                   ? g_strdup ("national")
                                   : g_strdup_printf ("%06u", c->reach);
      base_time_format_date (c->golive, date);
      sqlite3_bind_text (ch_st, 1, c->id, -1, SQLITE_STATIC);
      sqlite3_bind_text (ch_st, 2, c->name, -1, SQLITE_STATIC);
      sqlite3_bind_text (ch_st, 3, model_channel_class_name (c->klass), -1, SQLITE_STATIC);
      sqlite3_bind_int (ch_st, 4, c->tier);
      sqlite3_bind_text (ch_st, 5, reach, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (ch_st, 6, date, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int (ch_st, 7, c->generated);
      sqlite3_bind_double (ch_st, 8, holders / R);
      if (!base_sqlite_step (d, ch_st, "insert channel", error))
        return sqlite3_finalize (ch_st), sqlite3_finalize (st), FALSE;
      for (guint rep = 0; rep < R; rep++)
        {
          sqlite3_bind_text (st, 1, c->id, -1, SQLITE_STATIC);
          sqlite3_bind_int (st, 2, (int) rep);
          sqlite3_bind_int (st, 3, r->channel_attempts[(gsize) ch * R + rep]);
          rundb_bind_date (st, 4, r->channel_live[(gsize) ch * R + rep]);
          if (!base_sqlite_step (d, st, "insert certification", error))
            return sqlite3_finalize (ch_st), sqlite3_finalize (st), FALSE;
        }
    }
  sqlite3_finalize (ch_st);
  sqlite3_finalize (st);
  return TRUE;
}

/* The provinces' outlines and label points for the report's maps (every
 * division borders.h has, whichever the run's cities use). */
static gboolean
write_borders (const BaseSqlite *d, GError **error)
{
  sqlite3_stmt *st = base_sqlite_prepare (d, "INSERT INTO province_label VALUES (?, ?, ?, ?, ?)",
                                          NULL, error);
  if (st == NULL)
    return FALSE;
  for (gsize i = 0; i < model_border_n_provinces; i++)
    {
      const ModelBorderProvince *p = &model_border_provinces[i];
      sqlite3_bind_int64 (st, 1, p->code);
      sqlite3_bind_text (st, 2, p->name, -1, SQLITE_STATIC);
      sqlite3_bind_text (st, 3, p->short_name, -1, SQLITE_STATIC);
      sqlite3_bind_double (st, 4, p->label_lon);
      sqlite3_bind_double (st, 5, p->label_lat);
      if (!base_sqlite_step (d, st, "insert province_label", error))
        return sqlite3_finalize (st), FALSE;
    }
  sqlite3_finalize (st);
  st = base_sqlite_prepare (d, "INSERT INTO province_border VALUES (?, ?, ?, ?, ?)", NULL, error);
  if (st == NULL)
    return FALSE;
  gint64 seq = 0;
  for (gsize i = 0; i < model_border_n_vertices; i++)
    {
      const ModelBorderVertex *v = &model_border_vertices[i];
      if (i > 0 && (v->code != v[-1].code || v->ring != v[-1].ring))
        seq = 0;
      sqlite3_bind_int64 (st, 1, v->code);
      sqlite3_bind_int64 (st, 2, v->ring);
      sqlite3_bind_int64 (st, 3, seq++);
      sqlite3_bind_double (st, 4, v->lon);
      sqlite3_bind_double (st, 5, v->lat);
      if (!base_sqlite_step (d, st, "insert province_border", error))
        return sqlite3_finalize (st), FALSE;
    }
  sqlite3_finalize (st);
  return TRUE;
}

/* The run and its tables, in the transaction of the atomic write. */
typedef struct {
  const ModelScenario *sc;
  const ModelRolloutResult *r;
  const char *digest;
} Run;

static gboolean
fill (const BaseSqlite *d, gpointer data, GError **error)
{
  const Run *run = data;
  return base_sqlite_exec (d, SCHEMA, "schema", error)
         && base_sqlite_exec (d, rundb_latency_schema, "schema", error)
         && base_sqlite_exec (d, rundb_posterior_schema, "schema", error)
         && base_sqlite_exec (d, rundb_verdict_schema, "schema", error)
         && write_all (d, run->sc, run->r, run->digest, error)
         && write_borders (d, error)
         && rundb_latency_write (d, run->sc, run->r, error)
         && rundb_posterior_write (d, run->sc, run->r, error)
         && rundb_verdict_write (d, run->sc, run->r, error);
}

gboolean
model_rundb_may_write (const char *path, GError **error)
{
  /* Never overwrite a file that is not an essc database, nor one that holds
   * another kind's tables (an e-card store, conformance runs, a calibration). */
  static const char *const own[] = {
    "run", "city", "city_day", "city_month", "national_day", "province_day", "city_target",
    "city_milestone", "channel", "published", "certification", "latency_platform",
    "latency_service", "latency_day", "latency_month", "capacity_plan", "status_propagation",
    "replication", "parameter", "posterior", "target", "target_verdict", "replication_outcome",
    "province_label", "province_border", NULL,
  };
  if (!base_db_may_write (path, BASE_DB_RUN, BASE_DB_NEW, MODEL_RUNDB_ERROR,
                          MODEL_ROLLOUT_INVALID, error))
    return FALSE;
  /* a run database that conformance runs were added to keeps them */
  g_autofree char *foreign = base_sqlite_foreign_tables (path, own);
  if (foreign != NULL)
    return base_fail (error, MODEL_RUNDB_ERROR, MODEL_ROLLOUT_INVALID,
                      "%s: exists and holds more than a run (%s, which a new run database "
                      "would lose): not overwritten", path, foreign);
  return TRUE;
}

gboolean
model_rundb_write (const char *path, const ModelScenario *sc, const ModelRolloutResult *r,
                   const char *digest, GError **error)
{
  if (!model_rundb_may_write (path, error))
    return FALSE;
  g_autofree char *pragmas = g_strdup_printf ("PRAGMA application_id = %d; PRAGMA user_version = "
                                              "%d; PRAGMA journal_mode = OFF; PRAGMA synchronous "
                                              "= OFF;", BASE_DB_ID_RUN, MODEL_RUNDB_SCHEMA_VERSION);
  Run run = { sc, r, digest };
  return base_sqlite_write_atomic (path, MODEL_RUNDB_ERROR, MODEL_ROLLOUT_INTERNAL, pragmas, fill,
                                   &run, error);
}
