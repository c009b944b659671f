/* SPDX-License-Identifier: MIT */
/*
 * The fixture shared by the tests of the calibration database
 * (tests/rollout/test_calibdb.c) and of its report
 * (tests/cli/test_calibration_report.c): the small constant scenario, a
 * forecast run of it, and a calibration result and backtest filled by hand
 * (no ABC-SMC run): up to three free parameters, particles spread around a
 * centre by a fixed low-discrepancy sequence (the second parameter tied to
 * the first, so the pairs show a trade-off), weights from their distances,
 * the posterior summaries as weighted quantiles, generations of falling
 * tolerance, and figures whose simulated distribution is the forecast's
 * own on their dates (published values set a few per cent off, some inside
 * the backtest's intervals and some not).  Deterministic: the same
 * arguments give the same bytes.  A failed step aborts the test.
 */
#pragma once

#include "model/rollout/calibrate.h"
#include "model/rollout/rollout.h"
#include "model/rollout/scenario.h"

G_BEGIN_DECLS

/* The figures: fitted up to FX_CALIB_FIT_UNTIL, held out after it. */
#define FX_CALIB_FIT_UNTIL "2019-06-30"
#define FX_CALIB_N_FIT 3
#define FX_CALIB_N_BACKTEST 3
#define FX_CALIB_MAX_PARAMS 3

typedef struct {
  ModelFreeParam params[FX_CALIB_MAX_PARAMS];
  double *weights, *theta, *distance;       /* [particle], [particle][param], [particle] */
  double mean[FX_CALIB_MAX_PARAMS], q05[FX_CALIB_MAX_PARAMS];
  double q50[FX_CALIB_MAX_PARAMS], q95[FX_CALIB_MAX_PARAMS];
  ModelCalibrationGeneration *generations;
  ModelFigureFit fit[FX_CALIB_N_FIT], bt_figures[FX_CALIB_N_BACKTEST];
  gboolean in50[FX_CALIB_N_BACKTEST], in90[FX_CALIB_N_BACKTEST];
  ModelCalibrationResult result;   /* points into the fields above */
  ModelBacktest backtest;          /* likewise */
} FxCalib;

/*
 * tests/data/small/constant.ini with `access = none` unless it names an
 * access file itself (the default access file lies beside the national
 * scenarios, not the test data) and, when not NULL, extra_scenario_keys
 * ("key = value\n" lines) added to its [scenario] group.
 * Returns: (transfer full)
 */
ModelScenario *fx_calib_scenario (const char *extra_scenario_keys);

/* Returns: (transfer full) a run of sc with replications replications
 * (no latency model), as the backtest's forecast. */
ModelRolloutResult *fx_calib_forecast (const ModelScenario *sc, guint replications);

/* Fills c with n_params (1..FX_CALIB_MAX_PARAMS) parameters, n_particles
 * particles and n_generations generations; the figures from forecast's
 * replications (which must cover 2019). */
void fx_calib_init (FxCalib *c, guint n_params, guint n_particles, guint n_generations,
                    const ModelRolloutResult *forecast);
void fx_calib_clear (FxCalib *c);

/* The day number of a date 'YYYY-MM-DD' (asserted). */
gint32 fx_calib_day (const char *date);

G_END_DECLS
