/* SPDX-License-Identifier: MIT */
/*
 * Private to the rollout modules (rollout.c, rollout_checkpoint.c,
 * rollout_procs.c).
 */
#pragma once

#include "model/rollout/arrivals.h"
#include "model/rollout/demography.h"
#include "model/rollout/rollout.h"

G_BEGIN_DECLS

/* Returns: (transfer full) an empty result for the scenario: sizes, month
 * ends and zeroed arrays; no latency part. */
ModelRolloutResult *rollout_result_new (const ModelScenario *scenario, guint replications);

#define N_CLASSES 6

/* One replication being simulated: the rows every city writes.  The model
 * the engine runs (sim/model.h). */
typedef struct {
  const ModelScenario *base;  /* the scenario run */
  ModelScenario local;       /* this replication's copy (its free parameters drawn) */
  const ModelScenario *sc;   /* &local during a replication */
  const ModelRolloutOptions *opt;
  ModelRolloutResult *res;
  guint rep;                 /* index into the result */
  guint64 replication;       /* the replication number keying the streams */
  guint n_cells;
  double *cell_share;        /* [city][cell] */
  guint8 *city_digest;       /* [city][32] */
  gint64 *holders, *level2, *cards, *fresh;  /* [city][day] for this replication */
  gint64 *klass;             /* [city][class][day]: new holders by class */
  gint64 *per_channel;       /* [city][channel]: new holders by channel */
  gint64 *potential, *people;  /* [city][day] */
  gint64 *cell_holders, *cell_people;  /* [city][cell][day] (MODEL_N_CELLS cells) */
  /* Per replication, the same for every city: */
  double *ceiling;           /* [day][cell] */
  double *coverage;          /* [day]: cardholders / residents at start */
  double *push;              /* [day] */
  ModelDemographyDaily daily;
  ModelArrival *arrival;     /* arrival_max slots */
  guint n_arrivals;
} Rep;

/* rollout_procs.c: what a run shares with other processes (sim/reduce.h).
 * The cities' rows of a replication (data: the Rep), shared within its group. */
void rollout_procs_share (gpointer data, SimReducer *red);
/* The whole result (data: the Rep), summed over every process at the end. */
void rollout_procs_reduce (gpointer data, SimReducer *red);

G_END_DECLS
