/* SPDX-License-Identifier: MIT */
/*
 * The rollout model: e-card adoption by the cardholders of every city, day
 * by day, as the exact cohort stochastic model of DESIGN.md.  Each city is
 * split into cells (age band 0-14, 15-59, 60+, and urban/rural when the
 * scenario says so); cardholders in a cell are exchangeable, so each day the
 * number who adopt is one binomial draw from the cell's non-holders with the
 * day's hazard (Bass innovation from the channels live in the city and
 * policy pushes, imitation from the city's holder share, slower for older
 * and rural cells), and new holders are split across the live channels by
 * chained binomials.  Physical card loss and replacement move holders out of
 * and back into the usable state; level-2 holders appear once mobile payment
 * opens.  Cities are independent, so they run in parallel (sim/engine);
 * every draw comes from a Philox stream keyed by (seed, replication) and
 * named by (city, day, cell), so the results are the same bytes for any
 * number of threads and any city order.
 *
 * Order of events in a day, per cell: replacements of lost cards return,
 * then losses, then level-2 upgrades, then adoption (all from the state of
 * the previous day's end).
 */
#pragma once

#include <glib.h>

#include "model/scenario.h"
#include "sim/summary.h"

G_BEGIN_DECLS

#define MODEL_ROLLOUT_ERROR (model_rollout_error_quark ())
GQuark model_rollout_error_quark (void);

/* National series per replication (ModelRolloutResult.national). */
typedef enum {
  MODEL_SERIES_HOLDERS = 0,       /* usable e-card holders, end of day */
  MODEL_SERIES_LEVEL2,            /* of which level 2 */
  MODEL_SERIES_CARDHOLDERS,       /* physical cardholders */
  MODEL_SERIES_NEW,               /* new holders that day */
  MODEL_SERIES_CLASS_0,           /* holders gained through channels of class 0 (cumulative) */
  MODEL_N_SERIES = MODEL_SERIES_CLASS_0 + 6
} ModelSeries;

typedef enum {
  MODEL_TARGET_2019 = 0,
  MODEL_TARGET_2020,
  MODEL_N_TARGETS
} ModelTarget;

/* Certification of a catalogue channel before a run, from the conformance
 * runner (certification in the loop). */
typedef enum {
  MODEL_CERT_NONE = 0,   /* no implementation named: passes with the scenario's probability */
  MODEL_CERT_PASSED,     /* its implementation passed the suite */
  MODEL_CERT_FAILED,     /* failed: live only after the rectification delay */
} ModelCertVerdict;

typedef struct {
  guint replications;                /* >= 1 */
  guint first_replication;           /* replication index of the first run (resume), usually 0 */
  guint jobs;                        /* threads; 0 or 1: the calling thread */
  const guint *city_order;           /* permutation of the cities, or NULL */
  const ModelCertVerdict *certified; /* per catalogue channel, or NULL for all NONE */
  void (*progress) (guint done, guint total, gpointer user_data);
  gpointer progress_data;
} ModelRolloutOptions;

/* The result of a run.  All fields public; arrays are row-major as noted. */
typedef struct {
  gint32 start;                 /* day number of day index 0 */
  guint n_days, n_cities, n_provinces, n_channels, n_reps, n_cells;
  SimSeriesSet *national;       /* MODEL_N_SERIES series x n_days x n_reps */
  SimSeriesSet *province;       /* n_provinces series (holders) x n_days x n_reps */
  double *city_holders;         /* [city][day]: mean over replications */
  double *city_level2;          /* [city][day]: mean over replications */
  double *city_cardholders;     /* [city][day] (the same in every replication) */
  gint32 *met;                  /* [target][city][rep]: first day index at or above the
                                 * target share, on or before the target day; -1 if not */
  gint32 *milestone;            /* [milestone][city][rep]: day number drawn */
  gint32 *channel_live;         /* [channel][rep]: day number live (after certification) */
  guint8 *channel_attempts;     /* [channel][rep]: certification attempts */
  gint64 *channel_holders;      /* [channel][rep]: new holders through the channel */
  gint64 *new_holders;          /* [rep]: all new holders of the replication */
  guint8 digest[32];            /* BLAKE2b-256 of every simulated series (see .c) */
} ModelRolloutResult;

/* Runs the scenario.  Returns: (transfer full) or NULL with an error for
 * options that do not fit the scenario. */
ModelRolloutResult *model_rollout_run (const ModelScenario *scenario,
                                       const ModelRolloutOptions *options, GError **error);
void model_rollout_result_free (ModelRolloutResult *result);

/* The number of cells per city for a scenario (3 or 6). */
guint model_rollout_n_cells (const ModelScenario *scenario);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ModelRolloutResult, model_rollout_result_free)

G_END_DECLS
