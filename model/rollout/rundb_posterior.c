/* SPDX-License-Identifier: MIT */
/*
 * What the intervals of a run database hold (docs/RUNDB.md): the `run`
 * keys `interval` ('chance' when every replication ran the scenario's own
 * parameters, 'parameters and chance' when each drew its free parameters
 * from the scenario's posterior), `posterior_path` and `posterior_hash`;
 * the free parameters and their priors (`parameter`); the posterior sample
 * the replications drew from, in long form (`posterior`: one row per draw
 * and parameter); and one row per replication (`replication`: its draw and
 * the channels that arrived after the catalogue).  The tables are always
 * created (rundb_posterior_schema); `parameter` is empty for a scenario
 * without free parameters and `posterior` for a run that drew from none.
 * Written inside rundb.c's transaction.
 */
#include "model/rollout/rundb_private.h"

const char rundb_posterior_schema[] =
  "CREATE TABLE replication (replication INTEGER PRIMARY KEY, posterior_draw INTEGER,"
  " arrivals INTEGER NOT NULL) STRICT;"
  "CREATE TABLE parameter (name TEXT PRIMARY KEY, lo REAL NOT NULL, hi REAL NOT NULL,"
  " scale TEXT NOT NULL CHECK (scale IN ('linear', 'log')), value REAL NOT NULL) STRICT;"
  "CREATE TABLE posterior (draw INTEGER NOT NULL, weight REAL NOT NULL, param TEXT NOT NULL,"
  " value REAL NOT NULL, PRIMARY KEY (draw, param)) STRICT;";

gboolean
rundb_drew_posterior (const ModelScenario *sc, const ModelRolloutResult *r)
{
  if (sc->calibration.posterior == NULL)
    return FALSE;
  for (guint rep = 0; rep < r->n_reps; rep++)
    if (r->posterior_draw[rep] >= 0)
      return TRUE;
  return FALSE;
}

static gboolean
done (sqlite3_stmt *st, gboolean ok)
{
  sqlite3_finalize (st);
  return ok;
}

static gboolean
write_run_keys (const BaseSqlite *d, const ModelScenario *sc, gboolean drew, GError **error)
{
  const ModelPosterior *post = sc->calibration.posterior;
  const char *kv[][2] = {
    { "interval", drew ? "parameters and chance" : "chance" },
    { "posterior_path", drew ? sc->calibration.posterior_path : NULL },
    { "posterior_hash", drew ? post->hash : NULL },
  };
  sqlite3_stmt *st = base_sqlite_prepare (d, "INSERT INTO run VALUES (?, ?)", NULL, error);
  if (st == NULL)
    return FALSE;
  for (gsize i = 0; i < G_N_ELEMENTS (kv); i++)
    {
      if (kv[i][1] == NULL)
        continue;
      sqlite3_bind_text (st, 1, kv[i][0], -1, SQLITE_STATIC);
      sqlite3_bind_text (st, 2, kv[i][1], -1, SQLITE_STATIC);
      if (!base_sqlite_step (d, st, "insert run", error))
        return done (st, FALSE);
    }
  return done (st, TRUE);
}

gboolean
rundb_posterior_write (const BaseSqlite *d, const ModelScenario *sc,
                       const ModelRolloutResult *r, GError **error)
{
  const ModelCalibration *cal = &sc->calibration;
  const gboolean drew = rundb_drew_posterior (sc, r);
  if (!write_run_keys (d, sc, drew, error))
    return FALSE;

  sqlite3_stmt *st = base_sqlite_prepare (d, "INSERT INTO replication VALUES (?, ?, ?)", NULL,
                                          error);
  if (st == NULL)
    return FALSE;
  for (guint rep = 0; rep < r->n_reps; rep++)
    {
      sqlite3_bind_int (st, 1, (int) rep);
      if (drew && r->posterior_draw[rep] >= 0)
        sqlite3_bind_int (st, 2, r->posterior_draw[rep]);
      else
        sqlite3_bind_null (st, 2);
      sqlite3_bind_int (st, 3, r->arrivals[rep]);
      if (!base_sqlite_step (d, st, "insert replication", error))
        return done (st, FALSE);
    }
  sqlite3_finalize (st);

  st = base_sqlite_prepare (d, "INSERT INTO parameter VALUES (?, ?, ?, ?, ?)", NULL, error);
  if (st == NULL)
    return FALSE;
  for (guint p = 0; p < cal->n_free; p++)
    {
      const ModelFreeParam *f = &cal->free[p];
      sqlite3_bind_text (st, 1, f->name, -1, SQLITE_STATIC);
      sqlite3_bind_double (st, 2, f->lo);
      sqlite3_bind_double (st, 3, f->hi);
      sqlite3_bind_text (st, 4, f->log_scale ? "log" : "linear", -1, SQLITE_STATIC);
      sqlite3_bind_double (st, 5, *(const double *) (const void *) ((const char *) sc
                                                                    + f->offset));
      if (!base_sqlite_step (d, st, "insert parameter", error))
        return done (st, FALSE);
    }
  sqlite3_finalize (st);
  if (!drew)
    return TRUE;

  const ModelPosterior *post = cal->posterior;
  st = base_sqlite_prepare (d, "INSERT INTO posterior VALUES (?, ?, ?, ?)", NULL, error);
  if (st == NULL)
    return FALSE;
  for (guint i = 0; i < post->n_draws; i++)
    for (guint p = 0; p < post->n_params; p++)
      {
        sqlite3_bind_int (st, 1, (int) i);
        sqlite3_bind_double (st, 2, post->weights[i]);
        sqlite3_bind_text (st, 3, cal->free[p].name, -1, SQLITE_STATIC);
        sqlite3_bind_double (st, 4, post->theta[(gsize) i * post->n_params + p]);
        if (!base_sqlite_step (d, st, "insert posterior", error))
          return done (st, FALSE);
      }
  return done (st, TRUE);
}
