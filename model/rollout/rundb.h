/* SPDX-License-Identifier: MIT */
/*
 * The run database of a rollout simulation: one SQLite file per run holding
 * everything a report needs — the scenario's text and hash, seed,
 * replications and essc version, the per-city per-day mean series, the
 * national series (by age band and area too) with their 90% and 50%
 * intervals and the provincial series with their 90% intervals, what those
 * intervals hold (chance alone, or also the parameters drawn from the
 * scenario's posterior, which is copied in with each replication's draw),
 * target attainment per city and the verdicts on the targets, milestones,
 * the channels with their certification attempts, the digest, the outlines
 * and label points of the provinces (borders.h, for the maps), and, when the run simulated the
 * latency model, the platforms' load and response times, the status
 * propagation and the capacity plan.  Written in one transaction with prepared statements.  Schema in docs/RUNDB.md; PRAGMA application_id "ESRN",
 * user_version MODEL_RUNDB_SCHEMA_VERSION.
 */
#pragma once

#include <glib.h>

#include "model/rollout/rollout.h"
#include "model/rollout/scenario.h"

G_BEGIN_DECLS

#define MODEL_RUNDB_ERROR (model_rundb_error_quark ())
GQuark model_rundb_error_quark (void);

/* 2: the latency tables (latency_platform, latency_service, latency_day,
 * latency_month, capacity_plan, status_propagation).
 * 3: national_day's 50% interval (q25, q75) and the series of channels,
 * people, potential, cities with mobile payment and every cell's holders
 * and people; the run keys interval, posterior_path, posterior_hash; the
 * tables replication, parameter and posterior.
 * 4: the verdicts on the targets (tables target and target_verdict,
 * model/rollout/verdict.h). */
#define MODEL_RUNDB_SCHEMA_VERSION 4

/*
 * Writes the run to path (created; an existing file is replaced only when
 * it is an essc run database).  Errors name the path.
 */
/*
 * TRUE when path may be written as a run database: no file, or an essc
 * database holding only a run database's tables; else FALSE with error
 * (MODEL_ROLLOUT_INVALID) naming what it holds.  essc sim asks before the
 * run, so that a long run is not wasted on a file it may not replace.
 */
gboolean model_rundb_may_write (const char *path, GError **error);

gboolean model_rundb_write (const char *path, const ModelScenario *scenario,
                            const ModelRolloutResult *result, const char *digest_hex,
                            GError **error);

G_END_DECLS
