/* SPDX-License-Identifier: MIT */
/*
 * Calibration of a scenario's free parameters ([calibration] free.*) to the
 * published figures it names, by approximate Bayesian computation with
 * sequential Monte Carlo (sim/abc.h), and backtests of the forecasts it
 * makes.
 *
 * The figures fitted are the scenario's published figures whose quantity
 * is in [calibration] figures, dated inside the run and on or before its
 * data_until.  Each simulation runs one replication (a fresh replication
 * number per attempt, so the milestone dates, certification and arrivals
 * vary as in a forecast) from start to the last figure's date, without
 * the latency model, and yields the log of the simulated quantity on each
 * figure's date; the distance to the published figures is the root mean
 * square of the differences in log over [calibration] error, so a
 * distance of 1 is a typical relative error of `error` per figure.
 *
 * The result: the weighted posterior sample, the ABC diagnostics per
 * generation, and the fit per figure (the posterior's simulated values).
 * The same seed gives the same bytes for any number of threads or ranks.
 */
#pragma once

#include <glib.h>

#include "model/rollout/rollout.h"
#include "model/rollout/scenario.h"
#include "sim/mpi.h"

G_BEGIN_DECLS

/* A figure fitted or forecast, with the simulated distribution of its
 * quantity on its date. */
typedef struct {
  gint32 day;
  const char *quantity;      /* borrowed from the scenario's published figures */
  double published;
  double mean;               /* weighted mean over the posterior (fit) or replications
                                (forecast) */
  double q05, q25, q50, q75, q95;
  double error;              /* (mean - published) / published */
} ModelFigureFit;

/* One ABC generation. */
typedef struct {
  double epsilon;            /* tolerance the generation accepted under (inf for generation 0) */
  guint attempts, simulations, accepted;
  double acceptance;         /* accepted / simulations */
  double ess;                /* effective sample size of its weights */
} ModelCalibrationGeneration;

typedef struct {
  guint n_params, n_particles;
  const ModelFreeParam *params;    /* the scenario's (borrowed) */
  double *weights;                 /* [particle] */
  double *theta;                   /* [particle][param] */
  double *distance;                /* [particle] */
  double *mean, *q05, *q50, *q95;  /* [param]: weighted posterior summary */
  guint n_generations;
  ModelCalibrationGeneration *generations;
  const char *stop_reason;         /* "generations", "acceptance" or "budget" */
  guint simulations;               /* in all */
  guint n_figures;
  ModelFigureFit *fit;             /* the fitted figures */
} ModelCalibrationResult;

typedef struct {
  guint jobs;                      /* threads */
  SimComm *comm;                   /* NULL: this process alone */
  /* After each batch of simulations (sim/abc.h's SimAbcProgressFn). */
  void (*progress) (guint generation, guint accepted, guint64 attempts, double epsilon,
                    gpointer data);
  gpointer progress_data;
} ModelCalibrateOptions;

/* Fits the scenario.  Returns: (transfer full) the result, or NULL with an
 * error (no free parameters, no figure to fit, a simulation failed). */
ModelCalibrationResult *model_calibrate (const ModelScenario *scenario,
                                         const ModelCalibrateOptions *options, GError **error);

/* The posterior CSV of a result (model/rollout/posterior.h). */
GBytes *model_calibration_posterior_bytes (const ModelCalibrationResult *result);

void model_calibration_result_free (ModelCalibrationResult *result);

/* A backtest: the figures after data_until, forecast from the posterior. */
typedef struct {
  gint32 fit_until;
  guint replications;
  guint n_figures;
  ModelFigureFit *figures;   /* forecast: mean and quantiles over the replications */
  gboolean *in50, *in90;     /* [figure]: published inside the 50% / 90% interval */
} ModelBacktest;

/*
 * Forecasts the scenario's published figures dated after its data_until
 * (of every quantity the model simulates: ecard_holders, channels,
 * mobile_payment_cities, physical_holders; up to its end) with `replications`
 * replications, each drawing its parameters from result's posterior (the
 * run's other options from run_options; no latency model), to the last
 * such figure's date.  *forecast (may be NULL) receives that run.
 * Returns: (transfer full), or NULL with an error (no later figure).
 */
ModelBacktest *model_backtest (const ModelScenario *scenario,
                               const ModelCalibrationResult *result, guint replications,
                               const ModelRolloutOptions *run_options,
                               ModelRolloutResult **forecast, GError **error);

/* The number of figures model_backtest would forecast (0: nothing to
 * backtest), to check before a long calibration. */
guint model_backtest_count (const ModelScenario *scenario);

void model_backtest_free (ModelBacktest *backtest);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ModelCalibrationResult, model_calibration_result_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ModelBacktest, model_backtest_free)

G_END_DECLS
