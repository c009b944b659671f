/* SPDX-License-Identifier: MIT */
/*
 * The points of a sweep or a sensitivity analysis as jobs (points.h).
 */
#include "cli/points.h"

#include "cli/cli.h"
#include "model/rollout/rollout.h"
#include "sim/jobs.h"

/* Point p, run alone on this process's threads: its result as bytes. */
static GBytes *
run_point (guint p, gpointer data, GError **error)
{
  const EsscPoints *pts = data;
  g_autoptr (ModelScenario) sc = pts->scenario (pts->source, p, error);
  if (sc == NULL)
    return NULL;
  ModelRolloutOptions opt = { .replications = sc->replications, .jobs = pts->jobs,
                              .no_latency = pts->no_latency,
                              .progress = pts->progress ? essc_progress_parts_cb : NULL,
                              .progress_data = pts->progress };
  g_autoptr (ModelRolloutResult) run = model_rollout_run (sc, &opt, error);
  if (run == NULL)
    return NULL;
  g_autoptr (ModelSweepResult) r = model_sweep_result_new (sc, run, p);
  return model_sweep_result_serialize (r);
}

/* After each of this process's points. */
static void
progress (guint done, guint mine, guint processes, gpointer data)
{
  const EsscPoints *pts = data;
  essc_progress_units (pts->progress, done);
}

void
essc_points_free (ModelSweepResult **results, guint n)
{
  if (results == NULL)
    return;
  for (guint p = 0; p < n; p++)
    model_sweep_result_free (results[p]);
  g_free (results);
}

ModelSweepResult **
essc_points_run (const EsscPoints *points, guint n, SimComm *comm, GError **error)
{
  const SimJobs jobs = { .name = points->name, .fail_status = ESSC_EXIT_USAGE,
                         .run = run_point, .progress = progress, .data = (gpointer) points };
  g_autoptr (GPtrArray) all = sim_jobs_run (&jobs, n, comm);
  essc_progress_finish (points->progress);
  if (all == NULL)
    return NULL;  /* not rank 0 */
  ModelSweepResult **results = g_new0 (ModelSweepResult *, n);
  for (guint p = 0; p < n; p++)
    {
      results[p] = p < all->len ? model_sweep_result_deserialize (all->pdata[p], error) : NULL;
      if (results[p] != NULL && results[p]->point == p)
        continue;
      if (results[p] != NULL || p >= all->len)
        g_set_error (error, MODEL_SWEEP_ERROR, MODEL_ROLLOUT_INTERNAL,
                     "%s %u has the result of %s", points->name, p,
                     results[p] != NULL ? "another point" : "no point");
      essc_points_free (results, n);
      return NULL;
    }
  return results;
}
