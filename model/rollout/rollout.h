/* SPDX-License-Identifier: MIT */
/*
 * The rollout model: e-card adoption by the cardholders of every city, day
 * by day, as the exact cohort stochastic model of DESIGN.md.  Each city is
 * split into cells (age band 0-17, 18-59, 60+, and urban/rural when the
 * scenario says so).  A cell's residents are born, die and age into the
 * next band (model/rollout/demography.h); a share of them, the same in
 * every cell, holds a physical card (the cardholders, following the
 * scenario's anchors and their trend); of those, the cell's ceiling (its
 * access share plus proxy holders, model_scenario_ceiling) can hold an
 * e-card: the cell's potential.  People in a cell are exchangeable, so
 * each day the number who adopt is one binomial draw from the potential
 * not yet holding, with the day's hazard (Bass innovation from the channels
 * live in the city and policy pushes, imitation from the city's holders as
 * a share of its potential, slower for older and rural cells), and new
 * holders are split across the live channels by chained binomials.
 * Channels come from the catalogue and, after it, from an arrival process
 * (model/rollout/arrivals.h).  Physical card loss and replacement move
 * holders out of and back into the usable state; level-2 holders appear
 * once mobile payment opens.  A scenario with a posterior draws each
 * replication's free parameters from it.  Cities are independent, so they
 * run in parallel (sim/engine);
 * every draw comes from a Philox stream keyed by (seed, replication) and
 * named by (city, day, cell), so the results are the same bytes for any
 * number of threads and any city order.
 *
 * Order of events in a day: births, deaths and ageing (from the previous
 * day's end; not on the first day); then per cell: replacements of lost
 * cards return, then losses, then level-2 upgrades, then adoption.
 */
#pragma once

#include <glib.h>

#include "model/rollout/latency.h"
#include "model/rollout/scenario.h"
#include "sim/mpi.h"
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
  MODEL_SERIES_CHANNELS = MODEL_SERIES_CLASS_0 + 6, /* channels live (catalogue and arrivals) */
  MODEL_SERIES_PEOPLE,            /* residents */
  MODEL_SERIES_POTENTIAL,         /* cardholders who can hold an e-card (the cells' ceilings) */
  MODEL_SERIES_MOBILE_CITIES,     /* cities with mobile payment open */
  MODEL_SERIES_CELL_HOLDERS_0,    /* usable holders of cell 0 (MODEL_N_CELLS cells: urban 0-17,
                                     18-59, 60+, rural 0-17, 18-59, 60+; without the urban
                                     split cells 0-2 hold everyone and 3-5 are 0) */
  MODEL_SERIES_CELL_PEOPLE_0 = MODEL_SERIES_CELL_HOLDERS_0 + 6, /* residents of cell 0 */
  MODEL_N_SERIES = MODEL_SERIES_CELL_PEOPLE_0 + 6
} ModelSeries;

/* Cells per city at most: 3 age bands x 2 areas. */
#define MODEL_N_CELLS 6

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

typedef struct _ModelRolloutResult ModelRolloutResult;

typedef struct {
  guint replications;                /* >= 1 */
  guint64 first_replication;         /* replication number keying the streams of index 0 */
  guint jobs;                        /* threads; 0 or 1: the calling thread */
  const guint *city_order;           /* permutation of the cities, or NULL */
  const ModelCertVerdict *certified; /* per catalogue channel, or NULL for all NONE */
  /* After each replication (done of total), and within one after each
   * city this process ran (city_progress: done of its total cities; on
   * the worker threads, maybe at once: thread-safe and cheap).  Either may
   * be NULL; they see no results and change none. */
  void (*progress) (guint done, guint total, gpointer user_data);
  void (*city_progress) (guint done, guint total, gpointer user_data);
  gpointer progress_data;
  /* Called after each finished replication with the result so far (for a
   * checkpoint); returning FALSE with an error stops the run.  May be NULL. */
  gboolean (*checkpoint) (const ModelRolloutResult *partial, guint done, gpointer user_data,
                          GError **error);
  gpointer checkpoint_data;
  /* Resume: (transfer full) a partial result of the same scenario and
   * options with resume_from->n_done replications finished (from
   * model_rollout_checkpoint_read); the run takes it, continues after them
   * and returns it completed, the same as an uninterrupted run; on failure
   * it is freed.  NULL: start afresh. */
  ModelRolloutResult *resume_from;
  gboolean no_latency;               /* skip the [latency] model even if the scenario has it */
  gboolean plan_capacity;            /* with the latency model: the capacity plan too */
  /* Processes (sim/mpi.h): NULL or a group of one for this process alone.
   * With several, every member calls model_rollout_run with the same
   * scenario and options; replications are spread over groups of members
   * and, within a group, cities over its members (balanced by population);
   * every member returns the complete result (the same bytes as one
   * process).  No checkpoint or resume then. */
  SimComm *comm;
  /* The scenario's free parameters ([calibration] free.*) for every
   * replication (n_free values), or NULL: each replication draws them from
   * the scenario's posterior if it has one, else the scenario's values. */
  const double *theta;
  /* Only the national series a calibration reads (holders, level 2,
   * cardholders, residents, potential, channels, mobile payment cities):
   * no split of new holders by class or channel, no per-cell series, no
   * digests.  Those splits draw from streams of their own, so the series
   * kept are the same bytes as in a full run. */
  gboolean fit_only;
} ModelRolloutOptions;

/* The result of a run.  All fields public; arrays are row-major as noted. */
struct _ModelRolloutResult {
  gint32 start;                 /* day number of day index 0 */
  guint n_days, n_cities, n_provinces, n_channels, n_reps, n_cells;
  SimSeriesSet *national;       /* MODEL_N_SERIES series x n_days x n_reps */
  SimSeriesSet *province;       /* n_provinces series (holders) x n_days x n_reps */
  double *city_holders;         /* [city][day]: mean over replications */
  double *city_level2;          /* [city][day]: mean over replications */
  double *city_cardholders;     /* [city][day]: mean over replications (births, deaths and
                                 * ageing are drawn, so they differ between replications) */
  gint32 *met;                  /* [target][city][rep]: first day index at or above the
                                 * target share, on or before the target day; -1 if not */
  gint32 *milestone;            /* [milestone][city][rep]: day number drawn */
  gint32 *channel_live;         /* [channel][rep]: day number live (after certification) */
  guint8 *channel_attempts;     /* [channel][rep]: certification attempts */
  gint64 *channel_holders;      /* [channel][rep]: new holders through the channel */
  gint64 *new_holders;          /* [rep]: all new holders of the replication */
  guint8 *rep_digest;           /* [rep][32]: hash of the replication's series */
  guint n_months;               /* month ends in the run (and the last day) */
  guint *month_day;             /* [month]: day index of each month end */
  double *city_month;           /* [city][month][rep]: holders at each month end */
  gint32 *posterior_draw;       /* [rep]: the posterior draw of the replication, -1 if none */
  gint32 *arrivals;             /* [rep]: channels that arrived after the catalogue */
  guint n_done;                 /* replications finished (n_reps once the run is complete) */
  gboolean averaged;            /* city_holders, city_level2, city_cardholders hold means
                                 * (else sums) */
  guint8 digest[32];            /* BLAKE2b-256 over the replications' hashes (see .c) */
  ModelLatencyResult *latency;  /* platform load and latency; NULL when not simulated */
};

/* Runs the scenario.  Returns: (transfer full) or NULL with an error for
 * options that do not fit the scenario. */
ModelRolloutResult *model_rollout_run (const ModelScenario *scenario,
                                       const ModelRolloutOptions *options, GError **error);
void model_rollout_result_free (ModelRolloutResult *result);

/*
 * A checkpoint of a partial (or complete) result: written to path atomically
 * (temporary file, then rename); binary, for this build on this machine.
 * scenario_hash and seed are stored and checked on load.
 */
gboolean model_rollout_checkpoint_write (const ModelRolloutResult *result,
                                         const char *scenario_hash, guint64 seed,
                                         const char *path, GError **error);
/* Returns: (transfer full) the partial result of a checkpoint, or NULL with
 * an error naming the path when it is unreadable, damaged, or of another
 * scenario, seed or number of replications, days, cities or channels. */
ModelRolloutResult *model_rollout_checkpoint_read (const ModelScenario *scenario,
                                                   guint replications, const char *path,
                                                   GError **error);

/* The number of cells per city for a scenario (3 or 6). */
guint model_rollout_n_cells (const ModelScenario *scenario);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ModelRolloutResult, model_rollout_result_free)

G_END_DECLS
