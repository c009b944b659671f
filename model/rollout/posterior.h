/* SPDX-License-Identifier: MIT */
/*
 * A posterior sample of a scenario's free parameters ([calibration]
 * posterior), as `essc calibrate` writes it: a CSV with the header
 * `weight,NAME,...` (NAME: the free parameters as GROUP.KEY, in the order
 * of the scenario's free.* keys) and one weighted draw per line, numbers
 * written with 17 significant digits so that they read back exactly.
 * Loading checks the header against the scenario's free parameters, every
 * value against its prior support, and the weights (>= 0, some > 0;
 * normalised to sum 1), with FILE:LINE: column errors.  The sample keeps
 * the BLAKE2b-256 of the bytes it was parsed from (its hash), which the run
 * database records.
 */
#pragma once

#include <glib.h>

#include "model/rollout/scenario.h"

G_BEGIN_DECLS

/* Returns: (transfer full) the sample, or NULL with an error in domain. */
ModelPosterior *model_posterior_load (const char *path, const ModelFreeParam *free,
                                      guint n_free, GQuark domain, GError **error);

/* The CSV's bytes for n draws (theta [draw][param]).
 * Returns: (transfer full) */
GBytes *model_posterior_format (const ModelFreeParam *free, guint n_free, const double *weights,
                                const double *theta, guint n);

/* The draw a uniform u in [0, 1) picks by weight. */
guint model_posterior_pick (const ModelPosterior *posterior, double u);

/* Sets the free parameters of scenario (a copy: its fields are written) to
 * draw `draw` of the posterior. */
void model_posterior_apply (const ModelPosterior *posterior, guint draw,
                            const ModelFreeParam *free, ModelScenario *scenario);

/* Sets them to theta (n_free values). */
void model_free_params_apply (const ModelFreeParam *free, guint n_free, const double *theta,
                              ModelScenario *scenario);

void model_posterior_free (ModelPosterior *posterior);

/* Frees the fields of a calibration group (scenario.c). */
void model_calibration_clear (ModelCalibration *calibration);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ModelPosterior, model_posterior_free)

G_END_DECLS
