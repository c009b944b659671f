/* SPDX-License-Identifier: MIT */
/*
 * A rollout run shared by several processes (sim/mpi.h): which replications
 * and cities are this process's, the exchange of a replication's rows
 * within a group, and the final sums that give every process the whole
 * result.  Every element of the result has exactly one process that writes
 * it (the others hold zero), or holds whole numbers, so the sums are exact
 * and the result is the same bytes as one process's.
 */
#include "model/rollout/rollout_private.h"

#include "sim/engine.h"

#include <string.h>

/* ---- processes ---------------------------------------------------------- */


static int
cmp_population (const void *a, const void *b, void *data)
{
  const ModelCities *cities = data;
  guint x = *(const guint *) a, y = *(const guint *) b;
  guint64 px = cities->cities[x].population, py = cities->cities[y].population;
  if (px != py)
    return px > py ? -1 : 1;
  return x < y ? -1 : x > y;
}

/*
 * Replications go to groups round robin (rep % n_groups), n_groups =
 * min (processes, replications); member k of the world joins group k %
 * n_groups.  Within a group, cities are dealt greedily, largest first, to
 * the member with the least population so far (ties: the lower member).
 */
void
rollout_procs_init (Procs *pr, const ModelScenario *sc, const ModelRolloutOptions *opt, guint R)
{
  memset (pr, 0, sizeof *pr);
  pr->world = opt->comm;
  pr->multi = pr->world != NULL && sim_comm_size (pr->world) > 1;
  if (!pr->multi)
    return;
  const guint n = (guint) sim_comm_size (pr->world), rank = (guint) sim_comm_rank (pr->world);
  const ModelCities *cities = sc->cities;
  pr->n_groups = MIN (n, R);
  pr->group_id = rank % pr->n_groups;
  pr->group = sim_comm_split (pr->world, (int) pr->group_id, (int) rank);
  pr->group_root = sim_comm_rank (pr->group) == 0;
  const guint members = (guint) sim_comm_size (pr->group), me = (guint) sim_comm_rank (pr->group);
  g_autofree guint *by_size = g_new (guint, cities->n_cities);
  g_autofree guint *owner = g_new (guint, cities->n_cities);
  g_autofree guint64 *load = g_new0 (guint64, members);
  for (guint c = 0; c < cities->n_cities; c++)
    by_size[c] = c;
  g_qsort_with_data (by_size, (gint) cities->n_cities, sizeof (guint), cmp_population,
                     (gpointer) cities);
  for (guint i = 0; i < cities->n_cities; i++)
    {
      guint best = 0;
      for (guint m = 1; m < members; m++)
        if (load[m] < load[best])
          best = m;
      owner[by_size[i]] = best;
      load[best] += cities->cities[by_size[i]].population;
    }
  pr->mine = g_new (guint, cities->n_cities);
  for (guint i = 0; i < cities->n_cities; i++)
    {
      guint c = opt->city_order ? opt->city_order[i] : i;
      if (owner[c] == me)
        pr->mine[pr->n_mine++] = c;
    }
}

void
rollout_procs_clear (Procs *pr)
{
  sim_comm_free (pr->group);
  g_free (pr->mine);
}

static void
simulate_mine (guint i, gpointer data)
{
  Procs *pr = data;
  rollout_simulate_city (pr->mine[i], pr->rp);
}

/* This member's share of a replication, then the group's rows on every member. */
void
rollout_procs_simulate (Procs *pr, Rep *rp, guint jobs)
{
  ModelRolloutResult *res = rp->res;
  const gsize cd = (gsize) res->n_cities * res->n_days;
  gint64 *rows[] = { rp->holders, rp->level2, rp->cards, rp->fresh };
  for (gsize i = 0; i < G_N_ELEMENTS (rows); i++)
    memset (rows[i], 0, cd * sizeof (gint64));
  memset (rp->city_digest, 0, (gsize) res->n_cities * 32);
  pr->rp = rp;
  sim_parallel_units (pr->n_mine, jobs, NULL, simulate_mine, pr);
  for (gsize i = 0; i < G_N_ELEMENTS (rows); i++)
    sim_comm_sum_i64 (pr->group, rows[i], cd);
  sim_comm_sum_i64 (pr->group, rp->klass, cd * N_CLASSES);
  sim_comm_sum_i64 (pr->group, rp->per_channel, (gsize) res->n_cities * res->n_channels);
  sim_comm_sum_u8 (pr->group, rp->city_digest, (gsize) res->n_cities * 32);
}

/* Every process's part of the result into the whole, on every process
 * (the latency histograms on world member 0 only). */
void
rollout_procs_combine (Procs *pr, ModelRolloutResult *res)
{
  SimComm *w = pr->world;
  const gsize cd = (gsize) res->n_cities * res->n_days, R = res->n_reps;
  gsize n;
  double *v = sim_series_set_values (res->national, &n);
  sim_comm_sum_f64 (w, v, n);
  v = sim_series_set_values (res->province, &n);
  sim_comm_sum_f64 (w, v, n);
  if (sim_comm_rank (w) != 0)
    memset (res->city_cardholders, 0, cd * sizeof (double));  /* the same everywhere */
  sim_comm_sum_f64 (w, res->city_holders, cd);
  sim_comm_sum_f64 (w, res->city_level2, cd);
  sim_comm_sum_f64 (w, res->city_cardholders, cd);
  sim_comm_sum_i32 (w, res->met, MODEL_N_TARGETS * res->n_cities * R);
  sim_comm_sum_i32 (w, res->milestone, MODEL_N_MILESTONES * res->n_cities * R);
  sim_comm_sum_i32 (w, res->channel_live, res->n_channels * R);
  sim_comm_sum_u8 (w, res->channel_attempts, res->n_channels * R);
  sim_comm_sum_i64 (w, res->channel_holders, res->n_channels * R);
  sim_comm_sum_i64 (w, res->new_holders, R);
  sim_comm_sum_u8 (w, res->rep_digest, R * 32);
  sim_comm_sum_f64 (w, res->city_month, (gsize) res->n_cities * res->n_months * R);
  res->n_done = res->n_reps;
  ModelLatencyResult *lat = res->latency;
  if (lat == NULL)
    return;
  v = sim_series_set_values (lat->day, &n);
  sim_comm_sum_f64 (w, v, n);
  if (lat->planned)
    {
      gsize np = (gsize) lat->n_platforms * lat->n_months * R;
      sim_comm_sum_i32 (w, (gint32 *) lat->plan, np);
      sim_comm_sum_i32 (w, (gint32 *) lat->plan_erlang, np);
      sim_comm_sum_f64 (w, lat->plan_rate, np);
    }
  /* Histograms: each member's, merged on member 0 (merging is exact). */
  const gsize nh = (gsize) lat->n_platforms * lat->n_months + 1;
  for (gsize i = 0; i < nh; i++)
    {
      SimHistogram *h = i + 1 < nh ? lat->month[i] : lat->propagation;
      g_autoptr (GBytes) mine = sim_histogram_serialize (h);
      g_autoptr (GPtrArray) all = sim_comm_gather_bytes (w, mine, 0);
      for (guint r = 1; all != NULL && r < all->len; r++)
        {
          gsize len;
          const guint8 *data = g_bytes_get_data (all->pdata[r], &len);
          g_autoptr (GError) e = NULL;
          g_autoptr (SimHistogram) other = sim_histogram_deserialize (data, len, "rank", &e);
          if (other == NULL || !sim_histogram_merge (h, other, &e))
            sim_mpi_abort (3, "merging latency histograms: %s", e->message);
        }
    }
}

