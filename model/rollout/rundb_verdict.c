/* SPDX-License-Identifier: MIT */
/*
 * The run database's verdicts on the scenario's targets (model/rollout/
 * verdict.h): the table `target` (each target in words, its date and share,
 * and the definitions the verdicts follow) and `target_verdict` (one row per
 * target and scope: the nation, every province, every city).
 */
#include "model/rollout/rundb_private.h"

#include "model/rollout/verdict.h"

#include <math.h>

const char rundb_verdict_schema[] =
  "CREATE TABLE target (target TEXT PRIMARY KEY, description TEXT NOT NULL,"
  " by_date TEXT NOT NULL, share REAL, margin_unit TEXT NOT NULL,"
  " definitions TEXT NOT NULL) STRICT;"
  "CREATE TABLE target_verdict (target TEXT NOT NULL, scope TEXT NOT NULL,"
  " code INTEGER NOT NULL, verdict TEXT NOT NULL, probability REAL NOT NULL,"
  " margin REAL NOT NULL, margin_lo REAL, margin_hi REAL, cities INTEGER NOT NULL,"
  " cities_meeting REAL NOT NULL, cities_lo REAL NOT NULL, cities_hi REAL NOT NULL,"
  " PRIMARY KEY (target, scope, code)) STRICT;";

static void
bind_maybe (sqlite3_stmt *st, int i, double x)
{
  if (isnan (x))
    sqlite3_bind_null (st, i);
  else
    sqlite3_bind_double (st, i, x);
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
  return TRUE;
}
