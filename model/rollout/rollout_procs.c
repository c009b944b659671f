/* SPDX-License-Identifier: MIT */
/*
 * What a rollout run shares with other processes, declared to the engine
 * (sim/model.h, sim/reduce.h), which deals the replications and the cities
 * and performs the sums: a replication's city rows, shared by the members
 * of its group so that its first member can sum them into the national and
 * provincial series; and the whole result, summed over every process at the
 * end.  Every element has exactly one process that writes it (the others
 * hold zero), or holds whole numbers, so the sums are exact and the result
 * is the same bytes as one process's.
 */
#include "model/rollout/rollout_private.h"

void
rollout_procs_share (gpointer data, SimReducer *red)
{
  Rep *rp = data;
  ModelRolloutResult *res = rp->res;
  const gsize cd = (gsize) res->n_cities * res->n_days;
  gint64 *rows[] = { rp->holders, rp->level2, rp->cards, rp->fresh, rp->potential, rp->people };
  for (gsize i = 0; i < G_N_ELEMENTS (rows); i++)
    sim_reducer_array (red, rows[i], cd);
  sim_reducer_array (red, rp->cell_holders, cd * MODEL_N_CELLS);
  sim_reducer_array (red, rp->cell_people, cd * MODEL_N_CELLS);
  sim_reducer_array (red, rp->klass, cd * N_CLASSES);
  sim_reducer_array (red, rp->per_channel, (gsize) res->n_cities * res->n_channels);
  sim_reducer_array (red, rp->city_digest, (gsize) res->n_cities * 32);
}

void
rollout_procs_reduce (gpointer data, SimReducer *red)
{
  Rep *rp = data;
  ModelRolloutResult *res = rp->res;
  const gsize cd = (gsize) res->n_cities * res->n_days, R = res->n_reps;
  gsize n;
  double *v = sim_series_set_values (res->national, &n);
  sim_reducer_array (red, v, n);
  v = sim_series_set_values (res->province, &n);
  sim_reducer_array (red, v, n);
  sim_reducer_array (red, res->city_holders, cd);
  sim_reducer_array (red, res->city_level2, cd);
  sim_reducer_array (red, res->city_cardholders, cd);
  sim_reducer_array (red, res->met, MODEL_N_TARGETS * res->n_cities * R);
  sim_reducer_array (red, res->milestone, MODEL_N_MILESTONES * res->n_cities * R);
  sim_reducer_array (red, res->channel_live, res->n_channels * R);
  sim_reducer_array (red, res->channel_attempts, res->n_channels * R);
  sim_reducer_array (red, res->channel_holders, res->n_channels * R);
  sim_reducer_array (red, res->new_holders, R);
  sim_reducer_array (red, res->posterior_draw, R);  /* -1 on the keeper, 0 elsewhere */
  sim_reducer_array (red, res->arrivals, R);
  sim_reducer_array (red, res->rep_digest, R * 32);
  sim_reducer_array (red, res->city_month, (gsize) res->n_cities * res->n_months * R);
  if (res->latency != NULL)
    model_latency_reduce (res->latency, red);  /* histograms merged on member 0 */
}
