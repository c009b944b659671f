/* SPDX-License-Identifier: MIT */
/*
 * The sensitivity database (see sens.h; schema in docs/SENSITIVITY.md):
 * the run's settings, its parameters, every point with its values and
 * outputs, every output's indices per parameter with their intervals, and
 * the tornado.  Written in one transaction under a temporary name
 * (base/sqlite), application id "ESSA".  A value that is not a number (an
 * index of a constant output, an interval without a bootstrap) is NULL.
 */
#include "model/rollout/sens.h"

#include "base/dbkind.h"
#include "base/hex.h"
#include "base/sqlite.h"
#include "base/time.h"

#include <math.h>
#include <string.h>

#define SCHEMA_NAME "essc-sensitivity/1"

static const char SCHEMA[] =
  "CREATE TABLE sensitivity (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;"
  "CREATE TABLE sensitivity_param (param INTEGER PRIMARY KEY, name TEXT NOT NULL,"
  " low REAL NOT NULL, high REAL NOT NULL, nominal REAL NOT NULL,"
  " nominal_default INTEGER NOT NULL) STRICT;"
  "CREATE TABLE sensitivity_output (output INTEGER PRIMARY KEY, name TEXT NOT NULL,"
  " label TEXT NOT NULL, unit TEXT NOT NULL, base REAL NOT NULL, mean REAL NOT NULL,"
  " variance REAL NOT NULL) STRICT;"
  "CREATE TABLE sensitivity_point (point INTEGER PRIMARY KEY, kind TEXT NOT NULL,"
  " block INTEGER, role TEXT, factor INTEGER, digest TEXT NOT NULL,"
  " replications INTEGER NOT NULL) STRICT;"
  "CREATE TABLE sensitivity_point_value (point INTEGER NOT NULL, param INTEGER NOT NULL,"
  " value REAL NOT NULL, PRIMARY KEY (point, param)) STRICT;"
  "CREATE TABLE sensitivity_point_output (point INTEGER NOT NULL, output INTEGER NOT NULL,"
  " value REAL NOT NULL, PRIMARY KEY (point, output)) STRICT;"
  "CREATE TABLE sensitivity_index (output INTEGER NOT NULL, param INTEGER NOT NULL,"
  " rank INTEGER NOT NULL, mu REAL, mu_star REAL, mu_star_lo REAL, mu_star_hi REAL,"
  " sigma REAL, s1 REAL, s1_lo REAL, s1_hi REAL, st REAL, st_lo REAL, st_hi REAL,"
  " PRIMARY KEY (output, param)) STRICT;"
  "CREATE TABLE sensitivity_tornado (output INTEGER NOT NULL, param INTEGER NOT NULL,"
  " rank INTEGER NOT NULL, low_value REAL NOT NULL, high_value REAL NOT NULL,"
  " swing REAL NOT NULL, PRIMARY KEY (output, param)) STRICT;";

static const char *const ROLES[] = {
  [SIM_SENS_POINT_MORRIS] = "morris", [SIM_SENS_POINT_A] = "A", [SIM_SENS_POINT_B] = "B",
  [SIM_SENS_POINT_AB] = "AB",
};

static gboolean
write_settings (const BaseSqlite *out, const ModelSens *s, GError **error)
{
  const SimSensDesign *d = s->design;
  g_autoptr (GPtrArray) kv = g_ptr_array_new_with_free_func (g_free);
#define KV(k, ...) (g_ptr_array_add (kv, g_strdup (k)), \
                    g_ptr_array_add (kv, g_strdup_printf (__VA_ARGS__)))
  char t1[11], t2[11], delta[G_ASCII_DTOSTR_BUF_SIZE], level[G_ASCII_DTOSTR_BUF_SIZE];
  base_time_format_date (s->base->target_2019, t1);
  base_time_format_date (s->base->target_2020, t2);
  g_ascii_formatd (delta, sizeof delta, "%.17g", d->delta);
  g_ascii_formatd (level, sizeof level, "%.17g", s->level);
  KV ("schema", "%s", SCHEMA_NAME);
  KV ("essc_version", "%s", ESSC_VERSION);
  KV ("scenario_path", "%s", s->scenario_path);
  KV ("scenario_name", "%s", s->base->name);
  KV ("scenario_hash", "%s", model_scenario_hash (s->base));
  KV ("scenario_seed", "%" G_GUINT64_FORMAT, s->base->seed);
  KV ("replications", "%u", s->base->replications);
  KV ("target_2019", "%s", t1);
  KV ("target_2020", "%s", t2);
  KV ("method", "%s", d->method == SIM_SENS_MORRIS ? "morris" : "sobol");
  KV ("seed", "%" G_GUINT64_FORMAT, d->seed);
  if (d->method == SIM_SENS_MORRIS)
    {
      KV ("trajectories", "%u", d->trajectories);
      KV ("levels", "%u", d->levels);
      KV ("delta", "%s", delta);
    }
  else
    KV ("samples", "%u", d->samples);
  KV ("bootstrap", "%u", s->bootstrap);
  KV ("level", "%s", level);
  KV ("parameters", "%u", s->k);
  KV ("design_points", "%u", d->n_points);
  KV ("points", "%u", s->n_points);
  KV ("outputs", "%u", s->n_outcomes);
#undef KV
  sqlite3_stmt *st = base_sqlite_prepare (out, "INSERT INTO sensitivity VALUES (?, ?)", "write",
                                          error);
  gboolean ok = st != NULL;
  for (guint i = 0; ok && i < kv->len; i += 2)
    {
      sqlite3_bind_text (st, 1, kv->pdata[i], -1, SQLITE_STATIC);
      sqlite3_bind_text (st, 2, kv->pdata[i + 1], -1, SQLITE_STATIC);
      ok = base_sqlite_step (out, st, "write", error);
    }
  sqlite3_finalize (st);
  /* the scenario's text, for a reader who wants the points' texts back */
  ok = ok && (st = base_sqlite_prepare (out, "INSERT INTO sensitivity VALUES ('scenario_text', ?)",
                                        "write", error)) != NULL;
  if (ok)
    {
      sqlite3_bind_text (st, 1, s->base_text, (int) s->base_len, SQLITE_STATIC);
      ok = base_sqlite_step (out, st, "write", error);
      sqlite3_finalize (st);
    }
  return ok;
}

static gboolean
write_params_outputs (const BaseSqlite *out, const ModelSens *s, GError **error)
{
  sqlite3_stmt *st = base_sqlite_prepare (out, "INSERT INTO sensitivity_param VALUES "
                                          "(?, ?, ?, ?, ?, ?)", "write", error);
  gboolean ok = st != NULL;
  for (guint i = 0; ok && i < s->k; i++)
    {
      const ModelSensParam *p = &s->params[i];
      sqlite3_bind_int (st, 1, (int) i);
      sqlite3_bind_text (st, 2, p->name, -1, SQLITE_STATIC);
      sqlite3_bind_double (st, 3, p->low);
      sqlite3_bind_double (st, 4, p->high);
      sqlite3_bind_double (st, 5, p->nominal);
      sqlite3_bind_int (st, 6, p->nominal_default);
      ok = base_sqlite_step (out, st, "write", error);
    }
  sqlite3_finalize (st);
  ok = ok && (st = base_sqlite_prepare (out, "INSERT INTO sensitivity_output VALUES "
                                        "(?, ?, ?, ?, ?, ?, ?)", "write", error)) != NULL;
  for (guint o = 0; ok && o < s->n_outcomes; o++)
    {
      const ModelSensOutcome *x = &s->outcomes[o];
      sqlite3_bind_int (st, 1, (int) o);
      sqlite3_bind_text (st, 2, x->output->name, -1, SQLITE_STATIC);
      sqlite3_bind_text (st, 3, x->output->label, -1, SQLITE_STATIC);
      sqlite3_bind_text (st, 4, x->output->unit, -1, SQLITE_STATIC);
      sqlite3_bind_double (st, 5, x->base);
      sqlite3_bind_double (st, 6, x->indices->mean);
      sqlite3_bind_double (st, 7, x->indices->variance);
      ok = base_sqlite_step (out, st, "write", error);
    }
  sqlite3_finalize (st);
  return ok;
}

static gboolean
write_points (const BaseSqlite *out, const ModelSens *s, GError **error)
{
  sqlite3_stmt *pt = NULL, *pv = NULL, *po = NULL;
  gboolean ok = (pt = base_sqlite_prepare (out, "INSERT INTO sensitivity_point VALUES "
                                           "(?, ?, ?, ?, ?, ?, ?)", "write", error)) != NULL
                && (pv = base_sqlite_prepare (out, "INSERT INTO sensitivity_point_value VALUES "
                                              "(?, ?, ?)", "write", error)) != NULL
                && (po = base_sqlite_prepare (out, "INSERT INTO sensitivity_point_output "
                                              "VALUES (?, ?, ?)", "write", error)) != NULL;
  g_autofree double *v = g_new (double, s->k);
  for (guint p = 0; ok && p < s->n_points; p++)
    {
      gint param;
      const char *kind = model_sens_point_kind (s, p, &param);
      sqlite3_bind_int (pt, 1, (int) p);
      sqlite3_bind_text (pt, 2, kind, -1, SQLITE_STATIC);
      if (p < s->design->n_points)
        {
          const SimSensPoint *dp = &s->design->point[p];
          sqlite3_bind_int (pt, 3, (int) dp->block);
          sqlite3_bind_text (pt, 4, ROLES[dp->role], -1, SQLITE_STATIC);
          if (dp->factor >= 0)
            sqlite3_bind_int (pt, 5, dp->factor);
        }
      else if (param >= 0)
        sqlite3_bind_int (pt, 5, param);
      sqlite3_bind_text (pt, 6, s->results[p]->digest, -1, SQLITE_STATIC);
      sqlite3_bind_int (pt, 7, (int) s->results[p]->replications);
      ok = base_sqlite_step (out, pt, "write", error);
      model_sens_point_values (s, p, v);
      for (guint i = 0; ok && i < s->k; i++)
        {
          sqlite3_bind_int (pv, 1, (int) p);
          sqlite3_bind_int (pv, 2, (int) i);
          sqlite3_bind_double (pv, 3, v[i]);
          ok = base_sqlite_step (out, pv, "write", error);
        }
      for (guint o = 0; ok && o < s->n_outcomes; o++)
        {
          sqlite3_bind_int (po, 1, (int) p);
          sqlite3_bind_int (po, 2, (int) o);
          sqlite3_bind_double (po, 3, model_sens_value (s, o, p));
          ok = base_sqlite_step (out, po, "write", error);
        }
    }
  sqlite3_finalize (pt);
  sqlite3_finalize (pv);
  sqlite3_finalize (po);
  return ok;
}

static gboolean
write_indices (const BaseSqlite *out, const ModelSens *s, GError **error)
{
  sqlite3_stmt *si = NULL, *tt = NULL;
  gboolean ok = (si = base_sqlite_prepare (out, "INSERT INTO sensitivity_index VALUES "
                                           "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", "write",
                                           error)) != NULL
                && (tt = base_sqlite_prepare (out, "INSERT INTO sensitivity_tornado VALUES "
                                              "(?, ?, ?, ?, ?, ?)", "write", error)) != NULL;
  g_autofree guint *order = g_new (guint, s->k), *rank = g_new (guint, s->k);
  g_autofree guint *trank = g_new (guint, s->k);
  for (guint o = 0; ok && o < s->n_outcomes; o++)
    {
      const ModelSensOutcome *x = &s->outcomes[o];
      model_sens_rank (s, o, FALSE, order);
      for (guint r = 0; r < s->k; r++)
        rank[order[r]] = r + 1;
      model_sens_rank (s, o, TRUE, order);
      for (guint r = 0; r < s->k; r++)
        trank[order[r]] = r + 1;
      for (guint i = 0; ok && i < s->k; i++)
        {
          const SimSensIndex *ix = &x->indices->index[i];
          const double cols[] = { ix->mu, ix->mu_star, ix->mu_star_lo, ix->mu_star_hi,
                                  ix->sigma, ix->s1, ix->s1_lo, ix->s1_hi, ix->st, ix->st_lo,
                                  ix->st_hi };
          sqlite3_bind_int (si, 1, (int) o);
          sqlite3_bind_int (si, 2, (int) i);
          sqlite3_bind_int (si, 3, (int) rank[i]);
          for (guint c = 0; c < G_N_ELEMENTS (cols); c++)
            base_sqlite_bind_real (si, 4 + (int) c, cols[c]);
          ok = base_sqlite_step (out, si, "write", error);
          sqlite3_bind_int (tt, 1, (int) o);
          sqlite3_bind_int (tt, 2, (int) i);
          sqlite3_bind_int (tt, 3, (int) trank[i]);
          sqlite3_bind_double (tt, 4, x->low[i]);
          sqlite3_bind_double (tt, 5, x->high[i]);
          sqlite3_bind_double (tt, 6, x->high[i] - x->low[i]);
          ok = ok && base_sqlite_step (out, tt, "write", error);
        }
    }
  sqlite3_finalize (si);
  sqlite3_finalize (tt);
  return ok;
}

static gboolean
fill (const BaseSqlite *d, gpointer data, GError **error)
{
  const ModelSens *s = data;
  return base_sqlite_exec (d, SCHEMA, "create", error) && write_settings (d, s, error)
         && write_params_outputs (d, s, error) && write_points (d, s, error)
         && write_indices (d, s, error);
}

gboolean
model_sens_may_write_db (const char *path, GError **error)
{
  return base_db_may_write (path, BASE_DB_SENSITIVITY, BASE_DB_NEW, MODEL_SENS_ERROR,
                            MODEL_ROLLOUT_CONFLICT, error);
}

gboolean
model_sens_write_db (const char *path, const ModelSens *s, GError **error)
{
  g_return_val_if_fail (s->results != NULL, FALSE);
  if (!model_sens_may_write_db (path, error))
    return FALSE;
  g_autofree char *pragmas = g_strdup_printf ("PRAGMA application_id = %d; PRAGMA journal_mode "
                                              "= OFF; PRAGMA synchronous = OFF;",
                                              BASE_DB_ID_SENSITIVITY);
  return base_sqlite_write_atomic (path, MODEL_SENS_ERROR, MODEL_ROLLOUT_INTERNAL, pragmas, fill,
                                   (gpointer) s, error);
}
