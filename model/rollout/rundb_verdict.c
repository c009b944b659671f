/* SPDX-License-Identifier: MIT */
/*
 * The run database's verdicts on the scenario's targets (model/rollout/
 * verdict.h): the table `target` (each target in words, its date and share,
 * and the definitions the verdicts follow) and `target_verdict` (one row per
 * target and scope: the nation, every province, every city); and
 * `replication_outcome`, the headline outcomes of every replication (holders
 * and shares on the target dates and the last day, the nation's outcome on
 * each target, each platform's worst-day p99 and peak servers), which
 * `essc compare` pairs replication by replication.
 */
#include "model/rollout/rundb_private.h"

#include "model/rollout/verdict.h"

#include "base/time.h"
#include "model/rollout/latency.h"
#include "sim/summary.h"

#include <math.h>

const char rundb_verdict_schema[] =
  "CREATE TABLE target (target TEXT PRIMARY KEY, description TEXT NOT NULL,"
  " by_date TEXT NOT NULL, share REAL, margin_unit TEXT NOT NULL,"
  " definitions TEXT NOT NULL) STRICT;"
  "CREATE TABLE target_verdict (target TEXT NOT NULL, scope TEXT NOT NULL,"
  " code INTEGER NOT NULL, verdict TEXT NOT NULL, probability REAL NOT NULL,"
  " margin REAL NOT NULL, margin_lo REAL, margin_hi REAL, cities INTEGER NOT NULL,"
  " cities_meeting REAL NOT NULL, cities_lo REAL NOT NULL, cities_hi REAL NOT NULL,"
  " PRIMARY KEY (target, scope, code)) STRICT;"
  "CREATE TABLE replication_outcome (replication INTEGER NOT NULL, quantity TEXT NOT NULL,"
  " scope TEXT NOT NULL, code INTEGER NOT NULL, date TEXT NOT NULL, value REAL NOT NULL,"
  " PRIMARY KEY (quantity, scope, code, date, replication)) STRICT;";

static void
bind_maybe (sqlite3_stmt *st, int i, double x)
{
  if (isnan (x))
    sqlite3_bind_null (st, i);
  else
    sqlite3_bind_double (st, i, x);
}

/* One replication_outcome row. */
static gboolean
outcome (const BaseSqlite *d, sqlite3_stmt *st, guint rep, const char *quantity,
         const char *scope, gint64 code, const char *date, double value, GError **error)
{
  sqlite3_bind_int (st, 1, (int) rep);
  sqlite3_bind_text (st, 2, quantity, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (st, 3, scope, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (st, 4, code);
  sqlite3_bind_text (st, 5, date, -1, SQLITE_TRANSIENT);
  sqlite3_bind_double (st, 6, value);
  return base_sqlite_step (d, st, "insert replication_outcome", error);
}

static gboolean
write_outcomes (const BaseSqlite *d, const ModelScenario *sc, const ModelRolloutResult *r,
                const ModelVerdicts *v, GError **error)
{
  const guint R = r->n_reps, nd = r->n_days;
  sqlite3_stmt *st = base_sqlite_prepare (d, "INSERT INTO replication_outcome VALUES (?, ?, ?,"
                                             " ?, ?, ?)", NULL, error);
  if (st == NULL)
    return FALSE;
  /* the share targets' dates in the run, and its last day */
  gint32 days[MODEL_N_TARGETS + 1];
  guint n_days = 0;
  const gint32 last = r->start + (gint32) nd - 1;
  for (guint g = 0; g < MODEL_N_TARGETS; g++)
    if (v->by[g] >= r->start && v->by[g] <= last)
      days[n_days++] = v->by[g];
  if (n_days == 0 || days[n_days - 1] != last)
    days[n_days++] = last;
  /* provinces' cardholders: the mean over replications (province_day's) */
  const double scale = r->averaged ? 1.0 : 1.0 / R;
  g_autofree double *pcards = g_new0 (double, (gsize) r->n_provinces * (n_days));
  for (guint c = 0; c < r->n_cities; c++)
    for (guint i = 0; i < n_days; i++)
      pcards[(gsize) sc->cities->cities[c].province_index * n_days + i]
          += scale * r->city_cardholders[(gsize) c * nd + (gsize) (days[i] - r->start)];
  gboolean ok = TRUE;
  char date[BASE_TIME_DATE_SIZE];
  for (guint rep = 0; rep < R && ok; rep++)
    {
      const double *h = sim_series_set_row (r->national, MODEL_SERIES_HOLDERS, rep);
      const double *cards = sim_series_set_row (r->national, MODEL_SERIES_CARDHOLDERS, rep);
      for (guint i = 0; i < n_days && ok; i++)
        {
          gsize at = (gsize) (days[i] - r->start);
          base_time_format_date (days[i], date);
          ok = outcome (d, st, rep, "holders", "nation", 0, date, h[at], error)
               && outcome (d, st, rep, "share", "nation", 0, date,
                           cards[at] > 0 ? 100 * h[at] / cards[at] : 0, error);
          for (guint p = 0; p < r->n_provinces && ok; p++)
            {
              double ph = sim_series_set_row (r->province, p, rep)[at];
              double pc = pcards[(gsize) p * n_days + i];
              gint64 code = sc->cities->provinces[p].code;
              ok = outcome (d, st, rep, "holders", "province", code, date, ph, error)
                   && outcome (d, st, rep, "share", "province", code, date,
                               pc > 0 ? 100 * ph / pc : 0, error);
            }
        }
      for (guint g = 0; g < MODEL_N_GOALS && ok; g++)
        {
          gsize at = (gsize) g * R + rep;
          g_autofree char *met = g_strdup_printf ("met:%s", model_goal_name (g));
          g_autofree char *margin = g_strdup_printf ("margin:%s", model_goal_name (g));
          g_autofree char *cities = g_strdup_printf ("cities_meeting:%s", model_goal_name (g));
          ok = outcome (d, st, rep, met, "nation", 0, "", v->nation_met[at], error)
               && outcome (d, st, rep, margin, "nation", 0, "", v->nation_margin[at], error)
               && outcome (d, st, rep, cities, "nation", 0, "", v->nation_cities[at], error);
        }
      const ModelLatencyResult *lat = r->latency;
      for (guint p = 0; lat != NULL && p < lat->n_platforms && ok; p++)
        {
          gint64 code = p == 0 ? 0 : sc->cities->provinces[p - 1].code;
          const double *p99 = sim_series_set_row (lat->day, p * MODEL_LAT_N_METRICS
                                                  + MODEL_LAT_P99, rep);
          double worst = 0;
          for (guint day = 0; day < lat->n_days; day++)
            worst = MAX (worst, p99[day]);
          ok = outcome (d, st, rep, "worst_p99_ms", "platform", code, "", 1000 * worst, error);
          if (ok && lat->planned)
            {
              guint32 peak = 0;
              for (guint m = 0; m < lat->n_months; m++)
                peak = MAX (peak, lat->plan[((gsize) p * lat->n_months + m) * R + rep]);
              ok = outcome (d, st, rep, "peak_servers", "platform", code, "", peak, error);
            }
        }
    }
  sqlite3_finalize (st);
  return ok;
}

gboolean
rundb_verdict_write (const BaseSqlite *d, const ModelScenario *sc,
                     const ModelRolloutResult *r, GError **error)
{
  g_autoptr (ModelVerdicts) v = model_verdicts_new (sc, r);
  sqlite3_stmt *st = base_sqlite_prepare (d, "INSERT INTO target VALUES (?, ?, ?, ?, ?, ?)", NULL,
                                          error);
  if (st == NULL)
    return FALSE;
  for (guint g = 0; g < MODEL_N_GOALS; g++)
    {
      g_autofree char *words = model_goal_describe (v, g);
      sqlite3_bind_text (st, 1, model_goal_name (g), -1, SQLITE_STATIC);
      sqlite3_bind_text (st, 2, words, -1, SQLITE_STATIC);
      rundb_bind_date (st, 3, v->by[g]);
      if (model_goal_is_deadline (g))
        sqlite3_bind_null (st, 4);
      else
        sqlite3_bind_double (st, 4, v->share[g]);
      sqlite3_bind_text (st, 5, model_goal_is_deadline (g) ? "days" : "percentage points", -1,
                         SQLITE_STATIC);
      sqlite3_bind_text (st, 6, model_verdict_definitions, -1, SQLITE_STATIC);
      if (!base_sqlite_step (d, st, "insert target", error))
        return sqlite3_finalize (st), FALSE;
    }
  sqlite3_finalize (st);
  st = base_sqlite_prepare (d, "INSERT INTO target_verdict VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
                               " ?, ?)", NULL, error);
  if (st == NULL)
    return FALSE;
  for (guint i = 0; i < v->n; i++)
    {
      const ModelTargetVerdict *t = &v->v[i];
      sqlite3_bind_text (st, 1, model_goal_name (t->goal), -1, SQLITE_STATIC);
      sqlite3_bind_text (st, 2, model_scope_name (t->scope), -1, SQLITE_STATIC);
      sqlite3_bind_int64 (st, 3, t->code);
      sqlite3_bind_text (st, 4, model_verdict_name (t->verdict), -1, SQLITE_STATIC);
      sqlite3_bind_double (st, 5, t->probability);
      sqlite3_bind_double (st, 6, t->margin);
      bind_maybe (st, 7, t->margin_lo);
      bind_maybe (st, 8, t->margin_hi);
      sqlite3_bind_int (st, 9, (int) t->n_cities);
      sqlite3_bind_double (st, 10, t->cities_meeting);
      sqlite3_bind_double (st, 11, t->cities_lo);
      sqlite3_bind_double (st, 12, t->cities_hi);
      if (!base_sqlite_step (d, st, "insert target_verdict", error))
        return sqlite3_finalize (st), FALSE;
    }
  sqlite3_finalize (st);
  return write_outcomes (d, sc, r, v, error);
}
