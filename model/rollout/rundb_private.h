/* SPDX-License-Identifier: MIT */
/*
 * Private to the run database's modules (rundb.c: the file, its
 * transaction and the rollout's tables; rundb_latency.c: the latency
 * model's tables; rundb_posterior.c: what the intervals hold, the
 * parameters, the posterior and the replications): the date binding they use (the database, its errors and
 * the other statement helpers are base/sqlite.h's).  Include
 * model/rollout/rundb.h instead.
 */
#pragma once

#include "model/rollout/rundb.h"

#include "base/sqlite.h"

G_BEGIN_DECLS

/* Binds day number day as "YYYY-MM-DD". */
void rundb_bind_date (sqlite3_stmt *st, int i, gint32 day);

/* ---- rundb_latency.c ---------------------------------------------------- */

/* The CREATE TABLE statements of the latency tables (always created). */
extern const char rundb_latency_schema[];

/*
 * Writes the latency tables' rows and the latency keys of `run` when
 * result->latency is not NULL (nothing otherwise), inside the caller's
 * transaction.
 */
gboolean rundb_latency_write (const BaseSqlite *d, const ModelScenario *scenario,
                              const ModelRolloutResult *result, GError **error);

/* ---- rundb_posterior.c -------------------------------------------------- */

/* The CREATE TABLE statements of replication, parameter and posterior. */
extern const char rundb_posterior_schema[];

/* TRUE when the run's replications drew their free parameters from the
 * scenario's posterior (its intervals hold parameter uncertainty). */
gboolean rundb_drew_posterior (const ModelScenario *scenario, const ModelRolloutResult *result);

/*
 * Writes the run keys interval, posterior_path and posterior_hash and the
 * rows of replication, parameter and posterior, inside the caller's
 * transaction.
 */
gboolean rundb_posterior_write (const BaseSqlite *d, const ModelScenario *scenario,
                                const ModelRolloutResult *result, GError **error);

/* ---- rundb_verdict.c ---------------------------------------------------- */

/* The CREATE TABLE statements of target and target_verdict. */
extern const char rundb_verdict_schema[];

/* Writes the verdicts on the scenario's targets (model/rollout/verdict.h),
 * inside the caller's transaction. */
gboolean rundb_verdict_write (const BaseSqlite *d, const ModelScenario *scenario,
                              const ModelRolloutResult *result, GError **error);

G_END_DECLS
