/* SPDX-License-Identifier: MIT */
/*
 * What a sweep keeps of each point's run, its bytes for another process,
 * and the sweep's database (see sweep.h; schema in docs/RUNDB.md).
 */
#include "model/rollout/sweep.h"

#include "base/error.h"
#include "base/hex.h"
#include "base/dbkind.h"
#include "base/sqlite.h"
#include "model/rollout/scenario_csv.h"

#include <math.h>
#include <string.h>

void
model_sweep_result_free (ModelSweepResult *r)
{
  if (r == NULL)
    return;
  g_free (r->mean);
  g_free (r->lo);
  g_free (r->hi);
  g_free (r->goal_words);
  g_free (r);
}

ModelSweepResult *
model_sweep_result_new (const ModelScenario *sc, const ModelRolloutResult *run, guint point)
{
  ModelSweepResult *r = g_new0 (ModelSweepResult, 1);
  const guint nd = run->n_days, R = run->n_reps;
  r->point = point;
  r->replications = R;
  base_hex_encode (run->digest, 32, r->digest);
  r->start = run->start;
  r->n_days = nd;
  r->mean = g_new (double, nd);
  r->lo = g_new (double, nd);
  r->hi = g_new (double, nd);
  sim_series_set_summarise (run->national, MODEL_SERIES_HOLDERS, 0, 0.05, 0.95, r->mean, r->lo,
                            r->hi);
  g_autofree double *cards = g_new (double, nd);
  sim_series_set_summarise (run->national, MODEL_SERIES_CARDHOLDERS, 0, 0.05, 0.95, cards, NULL,
                            NULL);
  const gint32 day[MODEL_N_TARGETS] = { sc->target_2019, sc->target_2020 };
  for (guint t = 0; t < MODEL_N_TARGETS; t++)
    {
      r->target_day[t] = day[t];
      gint64 d = CLAMP ((gint64) day[t] - run->start, 0, (gint64) nd - 1);
      r->holders[t] = r->mean[d];
      r->share[t] = cards[d] > 0 ? r->mean[d] / cards[d] : 0;
      guint64 met = 0;
      for (guint c = 0; c < run->n_cities; c++)
        for (guint rep = 0; rep < R; rep++)
          met += run->met[((gsize) t * run->n_cities + c) * R + rep] >= 0;
      r->cities[t] = (double) met / R;
    }
  g_autoptr (ModelVerdicts) v = model_verdicts_new (sc, run);
  g_autoptr (GString) words = g_string_new (NULL);
  for (guint g = 0; g < MODEL_N_GOALS; g++)
    {
      g_autofree char *w = model_goal_describe (v, g);
      g_string_append_printf (words, "%s\n", w);
      const ModelTargetVerdict *t = model_verdicts_nation (v, g);
      r->probability[g] = t->probability;
      r->verdict[g] = t->verdict;
      r->margin[g] = t->margin;
      r->goal_cities[g] = t->cities_meeting;
    }
  r->goal_words = g_string_free (g_steal_pointer (&words), FALSE);
  r->worst_p99 = NAN;
  if (run->latency != NULL)
    {
      r->platforms = run->latency->n_platforms;
      for (guint p = 0; p < r->platforms; p++)
        {
          double p99;
          model_latency_worst_day (run->latency, p, 0, &p99);
          if (p == 0)
            r->worst_p99 = p99;
          r->platforms_held += p99 <= sc->latency.sla_p99;
        }
    }
  return r;
}

/* ---- bytes ---------------------------------------------------------------- */

#define TYPE "(us(ii)(dd)(dd)(dd)duuiuadadadadadads)"
#define FORMAT "(us(ii)(dd)(dd)(dd)duuiu@ad@ad@ad@ad@ad@ads)"
#define GET_FORMAT "(u&s(ii)(dd)(dd)(dd)duuiu@ad@ad@ad@ad@ad@ads)"  /* &s: borrowed */

static GVariant *
doubles (const double *x, gsize n)
{
  return g_variant_new_fixed_array (G_VARIANT_TYPE_DOUBLE, x, n, sizeof (double));
}

GBytes *
model_sweep_result_serialize (const ModelSweepResult *r)
{
  GVariant *v = g_variant_new (
      FORMAT, r->point, r->digest, r->target_day[0], r->target_day[1], r->holders[0],
      r->holders[1], r->share[0], r->share[1], r->cities[0], r->cities[1], r->worst_p99,
      r->platforms, r->platforms_held, r->start, r->replications,
      doubles (r->mean, r->n_days), doubles (r->lo, r->n_days), doubles (r->hi, r->n_days),
      doubles (r->probability, MODEL_N_GOALS), doubles (r->margin, MODEL_N_GOALS),
      doubles (r->goal_cities, MODEL_N_GOALS), r->goal_words);
  g_variant_ref_sink (v);
  GBytes *b = g_variant_get_data_as_bytes (v);
  g_variant_unref (v);
  return b;
}

ModelSweepResult *
model_sweep_result_deserialize (GBytes *bytes, GError **error)
{
  g_autoptr (GVariant) v = g_variant_new_from_bytes (G_VARIANT_TYPE (TYPE), bytes, FALSE);
  if (!g_variant_is_normal_form (v))
    return base_fail (error, MODEL_SWEEP_ERROR, MODEL_ROLLOUT_INVALID,
                       "a sweep result from another process is damaged"), NULL;
  ModelSweepResult *r = g_new0 (ModelSweepResult, 1);
  const char *digest;
  g_autoptr (GVariant) m = NULL, lo = NULL, hi = NULL, prob = NULL, margin = NULL, cities = NULL;
  g_variant_get (v, GET_FORMAT, &r->point, &digest, &r->target_day[0], &r->target_day[1],
                 &r->holders[0], &r->holders[1], &r->share[0], &r->share[1], &r->cities[0],
                 &r->cities[1], &r->worst_p99, &r->platforms, &r->platforms_held, &r->start,
                 &r->replications, &m, &lo, &hi, &prob, &margin, &cities, &r->goal_words);
  g_strlcpy (r->digest, digest, sizeof r->digest);
  gsize n, n2, n3;
  const double *pm = g_variant_get_fixed_array (m, &n, sizeof (double));
  const double *pl = g_variant_get_fixed_array (lo, &n2, sizeof (double));
  const double *ph = g_variant_get_fixed_array (hi, &n3, sizeof (double));
  gsize n4, n5, n6;
  const double *pp = g_variant_get_fixed_array (prob, &n4, sizeof (double));
  const double *pg = g_variant_get_fixed_array (margin, &n5, sizeof (double));
  const double *pc = g_variant_get_fixed_array (cities, &n6, sizeof (double));
  if (n != n2 || n != n3 || n4 != MODEL_N_GOALS || n5 != MODEL_N_GOALS || n6 != MODEL_N_GOALS)
    {
      model_sweep_result_free (r);
      return base_fail (error, MODEL_SWEEP_ERROR, MODEL_ROLLOUT_INVALID,
                         "a sweep result from another process is damaged"), NULL;
    }
  r->n_days = (guint) n;
  r->mean = g_memdup2 (pm, n * sizeof (double));
  r->lo = g_memdup2 (pl, n * sizeof (double));
  r->hi = g_memdup2 (ph, n * sizeof (double));
  for (guint g = 0; g < MODEL_N_GOALS; g++)
    {
      r->probability[g] = pp[g];
      r->verdict[g] = model_verdict_of (pp[g]);
      r->margin[g] = pg[g];
      r->goal_cities[g] = pc[g];
    }
  return r;
}

/* ---- the database --------------------------------------------------------- */

static const char SCHEMA[] =
  "CREATE TABLE sweep (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;"
  "CREATE TABLE sweep_axis (axis INTEGER NOT NULL, name TEXT NOT NULL, position INTEGER NOT NULL,"
  " value TEXT NOT NULL, PRIMARY KEY (axis, position)) STRICT;"
  "CREATE TABLE sweep_point (point INTEGER PRIMARY KEY, label TEXT NOT NULL,"
  " scenario_text TEXT NOT NULL, digest TEXT NOT NULL, replications INTEGER NOT NULL,"
  " holders_2019 REAL NOT NULL, share_2019 REAL NOT NULL, cities_2019 REAL NOT NULL,"
  " holders_2020 REAL NOT NULL, share_2020 REAL NOT NULL, cities_2020 REAL NOT NULL,"
  " national_worst_p99 REAL, platforms INTEGER NOT NULL, platforms_sla_held INTEGER NOT NULL)"
  " STRICT;"
  "CREATE TABLE sweep_point_value (point INTEGER NOT NULL, axis INTEGER NOT NULL,"
  " value TEXT NOT NULL, PRIMARY KEY (point, axis)) STRICT;"
  "CREATE TABLE sweep_verdict (point INTEGER NOT NULL, target TEXT NOT NULL,"
  " description TEXT NOT NULL, verdict TEXT NOT NULL, probability REAL NOT NULL,"
  " margin REAL NOT NULL, cities_meeting REAL NOT NULL, PRIMARY KEY (point, target)) STRICT;"
  "CREATE TABLE sweep_series (point INTEGER NOT NULL, date TEXT NOT NULL, holders REAL NOT NULL,"
  " lo REAL NOT NULL, hi REAL NOT NULL, PRIMARY KEY (point, date)) STRICT;";

static gboolean
write_rows (const BaseSqlite *out, const ModelSweep *s, ModelSweepResult *const *res,
            GError **error)
{
  sqlite3_stmt *st = NULL;
  gboolean ok = TRUE;
  char n[32];
  const char *kv[][2] = {
    { "schema", "essc-sweep/2" }, { "essc_version", ESSC_VERSION }, { "name", s->name },
    { "sweep_path", s->path }, { "scenario_path", s->scenario_path }, { "points", n },
  };
  g_snprintf (n, sizeof n, "%u", s->n_points);
  ok = (st = base_sqlite_prepare (out, "INSERT INTO sweep VALUES (?, ?)", "write", error)) != NULL;
  for (gsize i = 0; ok && i < G_N_ELEMENTS (kv); i++)
    {
      sqlite3_bind_text (st, 1, kv[i][0], -1, SQLITE_STATIC);
      sqlite3_bind_text (st, 2, kv[i][1], -1, SQLITE_STATIC);
      ok = base_sqlite_step (out, st, "write", error);
    }
  g_clear_pointer (&st, sqlite3_finalize);  /* NULL: the next prepare may be skipped */
  ok = ok && (st = base_sqlite_prepare (out, "INSERT INTO sweep_axis VALUES (?, ?, ?, ?)", "write",
                                        error)) != NULL;
  for (guint a = 0; ok && a < s->n_axes; a++)
    for (guint i = 0; ok && i < s->axes[a].n_values; i++)
      {
        g_autofree char *name = g_strdup_printf ("%s.%s", s->axes[a].group, s->axes[a].key);
        sqlite3_bind_int (st, 1, (int) a);
        sqlite3_bind_text (st, 2, name, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int (st, 3, (int) i);
        sqlite3_bind_text (st, 4, s->axes[a].values[i], -1, SQLITE_STATIC);
        ok = base_sqlite_step (out, st, "write", error);
      }
  sqlite3_finalize (st);
  sqlite3_stmt *pt = NULL, *pv = NULL, *ps = NULL, *pd = NULL;
  ok = ok
       && (pt = base_sqlite_prepare (out, "INSERT INTO sweep_point VALUES (?, ?, ?, ?, ?, ?, ?, ?,"
                                          " ?, ?, ?, ?, ?, ?)", "write", error)) != NULL
       && (pv = base_sqlite_prepare (out, "INSERT INTO sweep_point_value VALUES (?, ?, ?)", "write",
                                     error)) != NULL
       && (ps = base_sqlite_prepare (out, "INSERT INTO sweep_series VALUES (?, ?, ?, ?, ?)",
                                     "write", error)) != NULL
       && (pd = base_sqlite_prepare (out, "INSERT INTO sweep_verdict VALUES (?, ?, ?, ?, ?, ?, "
                                          "?)", "write", error)) != NULL;
  for (guint p = 0; ok && p < s->n_points; p++)
    {
      const ModelSweepResult *r = res[p];
      gsize len;
      g_autofree char *label = model_sweep_point_label (s, p);
      g_autofree char *text = model_sweep_point_text (s, p, &len);
      sqlite3_bind_int (pt, 1, (int) p);
      sqlite3_bind_text (pt, 2, label, -1, SQLITE_STATIC);
      sqlite3_bind_text (pt, 3, text, (int) len, SQLITE_STATIC);
      sqlite3_bind_text (pt, 4, r->digest, -1, SQLITE_STATIC);
      sqlite3_bind_int (pt, 5, (int) r->replications);
      for (guint t = 0; t < MODEL_N_TARGETS; t++)
        {
          sqlite3_bind_double (pt, 6 + 3 * (int) t, r->holders[t]);
          sqlite3_bind_double (pt, 7 + 3 * (int) t, r->share[t]);
          sqlite3_bind_double (pt, 8 + 3 * (int) t, r->cities[t]);
        }
      base_sqlite_bind_real (pt, 12, r->worst_p99);
      sqlite3_bind_int (pt, 13, (int) r->platforms);
      sqlite3_bind_int (pt, 14, (int) r->platforms_held);
      ok = base_sqlite_step (out, pt, "write", error);
      for (guint a = 0; ok && a < s->n_axes; a++)
        {
          sqlite3_bind_int (pv, 1, (int) p);
          sqlite3_bind_int (pv, 2, (int) a);
          sqlite3_bind_text (pv, 3, s->axes[a].values[model_sweep_index (s, p, a)], -1,
                             SQLITE_STATIC);
          ok = base_sqlite_step (out, pv, "write", error);
        }
      for (guint g = 0; ok && g < MODEL_N_GOALS; g++)
        {
          g_auto (GStrv) all = g_strsplit (r->goal_words, "\n", -1);
          const char *words = g_strv_length (all) > g ? all[g] : "";
          sqlite3_bind_int (pd, 1, (int) p);
          sqlite3_bind_text (pd, 2, model_goal_name (g), -1, SQLITE_STATIC);
          sqlite3_bind_text (pd, 3, words, -1, SQLITE_TRANSIENT);
          sqlite3_bind_text (pd, 4, model_verdict_name (r->verdict[g]), -1, SQLITE_STATIC);
          sqlite3_bind_double (pd, 5, r->probability[g]);
          sqlite3_bind_double (pd, 6, r->margin[g]);
          sqlite3_bind_double (pd, 7, r->goal_cities[g]);
          ok = base_sqlite_step (out, pd, "write", error);
        }
      for (guint d = 0; ok && d < r->n_days; d++)
        {
          char date[11];
          base_time_format_date (r->start + (gint32) d, date);
          sqlite3_bind_int (ps, 1, (int) p);
          sqlite3_bind_text (ps, 2, date, -1, SQLITE_TRANSIENT);
          sqlite3_bind_double (ps, 3, r->mean[d]);
          sqlite3_bind_double (ps, 4, r->lo[d]);
          sqlite3_bind_double (ps, 5, r->hi[d]);
          ok = base_sqlite_step (out, ps, "write", error);
        }
    }
  sqlite3_finalize (pt);
  sqlite3_finalize (pv);
  sqlite3_finalize (ps);
  sqlite3_finalize (pd);
  return ok;
}

/* The sweep's tables, in the transaction of the atomic write. */
typedef struct {
  const ModelSweep *s;
  ModelSweepResult *const *res;
} Sweep;

static gboolean
fill (const BaseSqlite *d, gpointer data, GError **error)
{
  const Sweep *sw = data;
  return base_sqlite_exec (d, SCHEMA, "create", error) && write_rows (d, sw->s, sw->res, error);
}

gboolean
model_sweep_may_write_db (const char *path, GError **error)
{
  return base_db_may_write (path, BASE_DB_SWEEP, BASE_DB_NEW, MODEL_SWEEP_ERROR,
                            MODEL_ROLLOUT_CONFLICT, error);
}

gboolean
model_sweep_write_db (const char *path, const ModelSweep *s, ModelSweepResult *const *res,
                      GError **error)
{
  if (!model_sweep_may_write_db (path, error))
    return FALSE;
  g_autofree char *pragmas = g_strdup_printf ("PRAGMA application_id = %d; PRAGMA journal_mode "
                                              "= OFF; PRAGMA synchronous = OFF;", BASE_DB_ID_SWEEP);
  Sweep sw = { s, res };
  return base_sqlite_write_atomic (path, MODEL_SWEEP_ERROR, MODEL_ROLLOUT_INTERNAL, pragmas, fill,
                                   &sw, error);
}
