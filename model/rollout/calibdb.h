/* SPDX-License-Identifier: MIT */
/*
 * The calibration database of `essc calibrate` and `essc backtest`: one
 * SQLite file holding a fit of a scenario's free parameters -- the scenario's
 * text and hash, the seed and essc version, the ABC-SMC settings and how the
 * fit stopped, the priors and posterior summaries, the weighted particles,
 * the diagnostics of every generation and the fit of every published
 * figure -- and, for a backtest, the forecast of the figures after the
 * fitting cut-off with their intervals and, from the forecast run, the
 * daily fan (mean, 50% and 90% bands) of the quantities that can be fitted.
 * Everything the report of a calibration shows (reports/calibration*.c)
 * comes from it.  Written atomically in one transaction
 * (base_sqlite_write_atomic): a failed write leaves no file under the
 * requested name.  Schema in docs/CALIBDB.md; PRAGMA application_id
 * "ESSC", user_version MODEL_CALIBDB_SCHEMA_VERSION.
 */
#pragma once

#include <glib.h>

#include "model/rollout/calibrate.h"
#include "model/rollout/rollout.h"
#include "model/rollout/scenario.h"

G_BEGIN_DECLS

#define MODEL_CALIBDB_ERROR (model_calibdb_error_quark ())
GQuark model_calibdb_error_quark (void);

/* 1: the first version (calibration, parameter, particle, particle_value,
 * generation, fit, backtest, forecast_day). */
#define MODEL_CALIBDB_SCHEMA_VERSION 1

/* The `calibration` table's `schema` value. */
#define MODEL_CALIBDB_SCHEMA "essc-calibdb/" G_STRINGIFY (MODEL_CALIBDB_SCHEMA_VERSION)

/*
 * TRUE when path may be replaced by a calibration database: a new file or a
 * calibration database (base/dbkind.h); else FALSE with error
 * (MODEL_ROLLOUT_CONFLICT) naming what it is.  Asked before the fit.
 */
gboolean model_calibdb_may_write (const char *path, GError **error);

/*
 * Writes the calibration `result` of `scenario` (its free parameters are
 * result->params, the fit's seed `seed`) to path: created, or replaced when
 * model_calibdb_may_write allows it (never another file: MODEL_ROLLOUT_CONFLICT).
 * backtest (may be NULL) adds the `backtest` rows and keys; forecast (may
 * be NULL; the backtest's forecast run, complete) adds `forecast_day`.
 * Errors (MODEL_CALIBDB_ERROR) name the path; on any error path is left as
 * it was (no file when there was none, no temporary beside it).
 */
gboolean model_calibdb_write (const char *path, const ModelScenario *scenario, guint64 seed,
                              const ModelCalibrationResult *result,
                              const ModelBacktest *backtest,
                              const ModelRolloutResult *forecast, GError **error);

G_END_DECLS
