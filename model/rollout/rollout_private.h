/* SPDX-License-Identifier: MIT */
/*
 * Private to the rollout modules (rollout.c, rollout_checkpoint.c,
 * rollout_procs.c).
 */
#pragma once

#include "model/rollout/rollout.h"

G_BEGIN_DECLS

/* Returns: (transfer full) an empty result for the scenario: sizes, month
 * ends and zeroed arrays; no latency part. */
ModelRolloutResult *rollout_result_new (const ModelScenario *scenario, guint replications);

#define N_CLASSES 6

/* One replication being simulated: the rows every city writes. */
typedef struct {
  const ModelScenario *sc;
  ModelRolloutResult *res;
  guint rep;                 /* index into the result */
  guint64 replication;       /* the replication number keying the streams */
  guint n_cells;
  double *cell_share;        /* [city][cell] */
  guint8 *city_digest;       /* [city][32] */
  gint64 *holders, *level2, *cards, *fresh;  /* [city][day] for this replication */
  gint64 *klass;             /* [city][class][day]: new holders by class */
  gint64 *per_channel;       /* [city][channel]: new holders by channel */
} Rep;

/* Simulates city c of the replication (a SimUnitFn; data: the Rep). */
void rollout_simulate_city (guint c, gpointer data);

/* How this process shares a run with others (sim/mpi.h). */
typedef struct {
  gboolean multi;          /* several processes */
  SimComm *world;
  SimComm *group;          /* the members sharing this process's replications */
  guint n_groups, group_id;
  gboolean group_root;
  guint *mine;             /* this member's cities, in the order given */
  guint n_mine;
  Rep *rp;
} Procs;

/* rollout_procs.c: sharing a run with other processes. */
void rollout_procs_init (Procs *pr, const ModelScenario *scenario,
                         const ModelRolloutOptions *options, guint replications);
void rollout_procs_clear (Procs *pr);
/* This member's cities of the replication, then the group's rows on every member. */
void rollout_procs_simulate (Procs *pr, Rep *rp, guint jobs);
/* Every process's part of the result summed into the whole (latency
 * histograms merged on world member 0 only). */
void rollout_procs_combine (Procs *pr, ModelRolloutResult *res);

G_END_DECLS
