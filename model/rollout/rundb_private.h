/* SPDX-License-Identifier: MIT */
/*
 * Private to the run database's modules (rundb.c: the file, its
 * transaction and the rollout's tables; simdb_latency.c: the latency
 * model's tables): the open database with the path and error its failures
 * report, and the statement helpers both use.  Include model/rollout/rundb.h
 * instead.
 */
#pragma once

#include "model/rollout/rundb.h"

#include <sqlite3.h>

G_BEGIN_DECLS

/* The database being written. */
typedef struct {
  sqlite3 *db;
  const char *path;   /* the name errors give (the final one, not the temporary) */
  GError **error;
} SimdbDb;

/* Sets the error "PATH: WHAT: SQLite's message".  Returns FALSE. */
gboolean rundb_fail (SimdbDb *d, const char *what);

/* Returns: (transfer full) the prepared statement, or NULL with the error set. */
sqlite3_stmt *rundb_prepare (SimdbDb *d, const char *sql);

/* Runs st once, then resets it and clears its bindings; FALSE with the error
 * ("insert TABLE", say, as what) unless it finished. */
gboolean rundb_step (SimdbDb *d, sqlite3_stmt *st, const char *what);

/* Binds day number day as "YYYY-MM-DD". */
void rundb_bind_date (sqlite3_stmt *st, int i, gint32 day);

/* Binds v as REAL, or NULL when v is NaN (never a silent NaN). */
void rundb_bind_real (sqlite3_stmt *st, int i, double v);

/* ---- simdb_latency.c ---------------------------------------------------- */

/* The CREATE TABLE statements of the latency tables (always created). */
extern const char rundb_latency_schema[];

/*
 * Writes the latency tables' rows and the latency keys of `run` when
 * result->latency is not NULL (nothing otherwise), inside the caller's
 * transaction.
 */
gboolean rundb_latency_write (SimdbDb *d, const ModelScenario *scenario,
                              const ModelRolloutResult *result);

G_END_DECLS
