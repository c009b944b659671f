/* SPDX-License-Identifier: MIT */
/*
 * The latency model's tables of the run database (docs/RUNDB.md): the
 * platforms, the service times the run assumed, every platform-day's load
 * and response times as means over replications, the month histograms, the
 * capacity plan when there is one, and the status propagation row.  The
 * tables are always created (rundb_latency_schema) and filled only when the
 * run simulated the latency model, inside rundb.c's transaction, one
 * prepared statement per table.  Values that are NaN are stored as NULL.
 */
#include "model/rollout/rundb_private.h"

#include "model/rollout/latency.h"
#include "model/rollout/scenario_csv.h"

#include <math.h>
#include <string.h>

const char rundb_latency_schema[] =
  "CREATE TABLE latency_platform (platform INTEGER PRIMARY KEY, name TEXT NOT NULL,"
  " kind TEXT NOT NULL CHECK (kind IN ('national', 'local')), province_code INTEGER) STRICT;"
  "CREATE TABLE latency_service (kind TEXT PRIMARY KEY, measured_s REAL NOT NULL,"
  " hardware_factor REAL NOT NULL, service_s REAL NOT NULL, measured TEXT NOT NULL) STRICT;"
  "CREATE TABLE latency_day (platform INTEGER NOT NULL, date TEXT NOT NULL,"
  " servers INTEGER NOT NULL, requests REAL, load REAL, utilisation REAL, p50 REAL, p95 REAL,"
  " p99 REAL, p99_lo REAL, p99_hi REAL, lost REAL, PRIMARY KEY (platform, date)) STRICT;"
  "CREATE TABLE latency_month (platform INTEGER NOT NULL, month TEXT NOT NULL,"
  " count INTEGER NOT NULL, p50 REAL, p95 REAL, p99 REAL, mean REAL, max REAL,"
  " histogram BLOB NOT NULL, PRIMARY KEY (platform, month)) STRICT;"
  "CREATE TABLE capacity_plan (platform INTEGER NOT NULL, month TEXT NOT NULL,"
  " scheduled INTEGER NOT NULL, erlang INTEGER NOT NULL, servers_min INTEGER NOT NULL,"
  " servers_mean REAL, servers_max INTEGER NOT NULL, peak_rate REAL,"
  " demand_reps INTEGER NOT NULL, unmet_reps INTEGER NOT NULL, service_s REAL,"
  " server_rate REAL, PRIMARY KEY (platform, month)) STRICT;"
  "CREATE TABLE status_propagation (count INTEGER NOT NULL, p50 REAL, p95 REAL, p99 REAL,"
  " max REAL, bound_s REAL NOT NULL, held INTEGER, histogram BLOB NOT NULL) STRICT;";

/* Finalizes st and passes ok on, so that a writer can `return done (st, ok)`. */
static gboolean
done (sqlite3_stmt *st, gboolean ok)
{
  sqlite3_finalize (st);
  return ok;
}

static void
bind_histogram (sqlite3_stmt *st, int i, const SimHistogram *h)
{
  g_autoptr (GBytes) bytes = sim_histogram_serialize (h);
  gsize len = 0;
  const void *data = g_bytes_get_data (bytes, &len);
  sqlite3_bind_blob64 (st, i, data != NULL ? data : "", len, SQLITE_TRANSIENT);
}

/* "YYYY-MM" of day number day. */
static void
format_month (gint32 day, char out[8])
{
  char date[11];
  base_time_format_date (day, date);
  memcpy (out, date, 7);
  out[7] = '\0';
}

static gboolean
write_run_keys (const BaseSqlite *d, const ModelScenario *sc, const ModelLatencyResult *lat,
                GError **error)
{
  sqlite3_stmt *st = base_sqlite_prepare (d, "INSERT INTO run VALUES (?, ?)", NULL, error);
  if (st == NULL)
    return FALSE;
  char sla[G_ASCII_DTOSTR_BUF_SIZE];
  g_ascii_formatd (sla, sizeof sla, "%.15g", sc->latency.sla_p99);
  sqlite3_bind_text (st, 1, "latency_sla_p99_s", -1, SQLITE_STATIC);
  sqlite3_bind_text (st, 2, sla, -1, SQLITE_TRANSIENT);
  if (!base_sqlite_step (d, st, "insert run", error))
    return done (st, FALSE);
  if (lat->planned)
    {
      sqlite3_bind_text (st, 1, "plan_capacity", -1, SQLITE_STATIC);
      sqlite3_bind_text (st, 2, "1", -1, SQLITE_STATIC);
      if (!base_sqlite_step (d, st, "insert run", error))
        return done (st, FALSE);
    }
  return done (st, TRUE);
}

static gboolean
write_platforms (const BaseSqlite *d, const ModelScenario *sc, const ModelLatencyResult *lat,
                 GError **error)
{
  sqlite3_stmt *st = base_sqlite_prepare (d, "INSERT INTO latency_platform VALUES (?, ?, ?, ?)",
                                          NULL, error);
  if (st == NULL)
    return FALSE;
  for (guint p = 0; p < lat->n_platforms; p++)
    {
      g_autofree char *name = model_latency_platform_name (sc, p);
      sqlite3_bind_int (st, 1, (int) p);
      sqlite3_bind_text (st, 2, name, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (st, 3, p == 0 ? "national" : "local", -1, SQLITE_STATIC);
      if (p > 0)
        sqlite3_bind_int64 (st, 4, sc->cities->provinces[p - 1].code);
      if (!base_sqlite_step (d, st, "insert latency_platform", error))
        return done (st, FALSE);
    }
  return done (st, TRUE);
}

static gboolean
write_service (const BaseSqlite *d, const ModelScenario *sc, GError **error)
{
  const ModelLatencyParams *lp = &sc->latency;
  sqlite3_stmt *st = base_sqlite_prepare (d, "INSERT INTO latency_service VALUES (?, ?, ?, ?, ?)",
                                          NULL, error);
  if (st == NULL)
    return FALSE;
  for (guint k = 0; k < MODEL_N_REQ_KINDS; k++)
    {
      sqlite3_bind_text (st, 1, model_request_kind_name (k), -1, SQLITE_STATIC);
      base_sqlite_bind_real (st, 2, lp->measured[k]);
      base_sqlite_bind_real (st, 3, lp->hardware_factor);
      base_sqlite_bind_real (st, 4, lp->measured[k] * lp->hardware_factor);
      sqlite3_bind_text (st, 5, lp->measured_on != NULL ? lp->measured_on : "", -1,
                         SQLITE_STATIC);
      if (!base_sqlite_step (d, st, "insert latency_service", error))
        return done (st, FALSE);
    }
  return done (st, TRUE);
}

/* TRUE when platform p had requests on day index day in one of the first
 * n_used replications. */
static gboolean
any_requests (const ModelLatencyResult *lat, guint p, guint day, guint n_used)
{
  guint s = p * MODEL_LAT_N_METRICS + MODEL_LAT_REQUESTS;
  for (guint rep = 0; rep < n_used; rep++)
    if (sim_series_set_row (lat->day, s, rep)[day] > 0)
      return TRUE;
  return FALSE;
}

/* The day rows: means over the first n_used replications; days on which the
 * platform had no requests in any of them are left out. */
static gboolean
write_days (const BaseSqlite *d, const ModelScenario *sc, const ModelLatencyResult *lat,
            guint n_used, GError **error)
{
  const guint nd = lat->n_days;
  sqlite3_stmt *st = base_sqlite_prepare (d, "INSERT INTO latency_day VALUES (?, ?, ?, ?, ?, ?, ?,"
                                          " ?, ?, ?, ?, ?)", NULL, error);
  if (st == NULL)
    return FALSE;
  g_autofree double *mean = g_new (double, (gsize) MODEL_LAT_N_METRICS * nd);
  g_autofree double *lo = g_new (double, nd), *hi = g_new (double, nd);
  for (guint p = 0; p < lat->n_platforms; p++)
    {
      for (guint m = 0; m < MODEL_LAT_N_METRICS; m++)
        sim_series_set_summarise (lat->day, p * MODEL_LAT_N_METRICS + m, n_used, 0.05, 0.95,
                                  mean + (gsize) m * nd, m == MODEL_LAT_P99 ? lo : NULL,
                                  m == MODEL_LAT_P99 ? hi : NULL);
      for (guint day = 0; day < nd; day++)
        {
          if (!any_requests (lat, p, day, n_used))
            continue;
          const gint32 dn = lat->start + (gint32) day;
          sqlite3_bind_int (st, 1, (int) p);
          rundb_bind_date (st, 2, dn);
          sqlite3_bind_int64 (st, 3, model_latency_servers_on (sc, p, dn));
          for (guint m = 0; m < MODEL_LAT_N_METRICS; m++)
            {
              /* Columns 4..9: requests .. p99; then p99_lo, p99_hi; then lost. */
              int col = m == MODEL_LAT_LOST ? 12 : 4 + (int) m;
              base_sqlite_bind_real (st, col, mean[(gsize) m * nd + day]);
            }
          base_sqlite_bind_real (st, 10, lo[day]);
          base_sqlite_bind_real (st, 11, hi[day]);
          if (!base_sqlite_step (d, st, "insert latency_day", error))
            return done (st, FALSE);
        }
    }
  return done (st, TRUE);
}

/* The month histograms (merged over the month's days and the replications);
 * empty ones are left out. */
static gboolean
write_months (const BaseSqlite *d, const ModelLatencyResult *lat, GError **error)
{
  sqlite3_stmt *st = base_sqlite_prepare (d, "INSERT INTO latency_month VALUES (?, ?, ?, ?, ?, ?,"
                                          " ?, ?, ?)", NULL, error);
  if (st == NULL)
    return FALSE;
  for (guint p = 0; p < lat->n_platforms; p++)
    for (guint m = 0; m < lat->n_months; m++)
      {
        const SimHistogram *h = lat->month[(gsize) p * lat->n_months + m];
        if (h == NULL || sim_histogram_count (h) == 0)
          continue;
        char month[8];
        format_month (lat->start + (gint32) lat->month_day[m], month);
        sqlite3_bind_int (st, 1, (int) p);
        sqlite3_bind_text (st, 2, month, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64 (st, 3, (sqlite3_int64) sim_histogram_count (h));
        base_sqlite_bind_real (st, 4, sim_histogram_quantile (h, 0.50));
        base_sqlite_bind_real (st, 5, sim_histogram_quantile (h, 0.95));
        base_sqlite_bind_real (st, 6, sim_histogram_quantile (h, 0.99));
        base_sqlite_bind_real (st, 7, sim_histogram_mean (h));
        base_sqlite_bind_real (st, 8, sim_histogram_max (h));
        bind_histogram (st, 9, h);
        if (!base_sqlite_step (d, st, "insert latency_month", error))
          return done (st, FALSE);
      }
  return done (st, TRUE);
}

/* The capacity plan over the first n_used replications. */
static gboolean
write_plan (const BaseSqlite *d, const ModelScenario *sc, const ModelLatencyResult *lat,
            guint n_used, GError **error)
{
  sqlite3_stmt *st = base_sqlite_prepare (d, "INSERT INTO capacity_plan VALUES (?, ?, ?, ?, ?, ?,"
                                          " ?, ?, ?, ?, ?, ?)", NULL, error);
  if (st == NULL)
    return FALSE;
  for (guint p = 0; p < lat->n_platforms; p++)
    for (guint m = 0; m < lat->n_months; m++)
      {
        const gsize at = ((gsize) p * lat->n_months + m) * lat->n_reps;
        /* Over the replications with demand that month and a plan that
         * meets the SLA; unmet: demand, but no server count met it. */
        guint32 lo = 0, hi = 0, erlang = 0, with_demand = 0, unmet = 0, planned = 0;
        double sum = 0, rate = NAN, service = 0;
        for (guint rep = 0; rep < n_used; rep++)
          {
            guint32 plan = lat->plan[at + rep];
            if (!(lat->plan_rate[at + rep] > 0))
              continue;
            with_demand++;
            service += lat->plan_service[at + rep];
            if (plan == 0)
              {
                unmet++;
                continue;
              }
            lo = planned++ == 0 ? plan : MIN (lo, plan);
            hi = MAX (hi, plan);
            sum += plan;
            erlang = MAX (erlang, lat->plan_erlang[at + rep]);
            rate = fmax (rate, lat->plan_rate[at + rep]);
          }
        const gint32 last = lat->start + (gint32) lat->month_day[m];
        char month[8];
        format_month (last, month);
        sqlite3_bind_int (st, 1, (int) p);
        sqlite3_bind_text (st, 2, month, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64 (st, 3, model_latency_servers_on (sc, p, last));
        sqlite3_bind_int64 (st, 4, erlang);
        sqlite3_bind_int64 (st, 5, lo);
        base_sqlite_bind_real (st, 6, planned > 0 ? sum / planned : NAN);
        sqlite3_bind_int64 (st, 7, hi);
        base_sqlite_bind_real (st, 8, rate);
        sqlite3_bind_int64 (st, 9, with_demand);
        sqlite3_bind_int64 (st, 10, unmet);
        /* A server's capacity on the month's busiest day's request mix
         * (mean over the replications with demand). */
        service = with_demand > 0 ? service / with_demand : NAN;
        base_sqlite_bind_real (st, 11, service);
        base_sqlite_bind_real (st, 12, service > 0 ? 1 / service : NAN);
        if (!base_sqlite_step (d, st, "insert capacity_plan", error))
          return done (st, FALSE);
      }
  return done (st, TRUE);
}

static gboolean
write_propagation (const BaseSqlite *d, const SimHistogram *h, GError **error)
{
  sqlite3_stmt *st = base_sqlite_prepare (d, "INSERT INTO status_propagation VALUES (?, ?, ?, ?,"
                                          " ?, ?, ?, ?)", NULL, error);
  if (st == NULL)
    return FALSE;
  const guint64 count = sim_histogram_count (h);
  /* The quantiles of an empty histogram are NaN: stored as NULL. */
  const double p99 = sim_histogram_quantile (h, 0.99);
  sqlite3_bind_int64 (st, 1, (sqlite3_int64) count);
  base_sqlite_bind_real (st, 2, sim_histogram_quantile (h, 0.50));
  base_sqlite_bind_real (st, 3, sim_histogram_quantile (h, 0.95));
  base_sqlite_bind_real (st, 4, p99);
  base_sqlite_bind_real (st, 5, sim_histogram_max (h));
  sqlite3_bind_double (st, 6, MODEL_STATUS_PROPAGATION_BOUND);
  if (count > 0 && !isnan (p99))
    sqlite3_bind_int (st, 7, p99 <= MODEL_STATUS_PROPAGATION_BOUND);
  bind_histogram (st, 8, h);
  return done (st, base_sqlite_step (d, st, "insert status_propagation", error));
}

gboolean
rundb_latency_write (const BaseSqlite *d, const ModelScenario *sc, const ModelRolloutResult *r,
                     GError **error)
{
  const ModelLatencyResult *lat = r->latency;
  if (lat == NULL)
    return TRUE;
  /* The replications finished (a complete run: all of them). */
  const guint n_used = MIN (r->n_done, lat->n_reps);
  if (!write_run_keys (d, sc, lat, error) || !write_platforms (d, sc, lat, error)
      || !write_service (d, sc, error) || !write_months (d, lat, error))
    return FALSE;
  if (n_used > 0 && !write_days (d, sc, lat, n_used, error))
    return FALSE;
  if (n_used > 0 && lat->planned && !write_plan (d, sc, lat, n_used, error))
    return FALSE;
  return lat->propagation == NULL || write_propagation (d, lat->propagation, error);
}
