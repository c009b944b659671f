/* SPDX-License-Identifier: MIT */
/*
 * The points of essc sweep and essc sensitivity, run as independent jobs
 * over the processes (sim/jobs.h: point p on rank p mod N, the results
 * gathered on rank 0 in point order): each point is a scenario (which the
 * command makes from its sweep or design), run on the process's threads as
 * essc sim would run it, and kept as what a sweep keeps of a run
 * (ModelSweepResult).  Progress: the points of rank 0, a point's
 * replications as its parts (cli/progress.h).
 */
#pragma once

#include <glib.h>

#include "cli/progress.h"
#include "model/rollout/sweep.h"
#include "sim/mpi.h"

G_BEGIN_DECLS

/* Returns: (transfer full) point p's scenario, or NULL with an error. */
typedef ModelScenario *(*EsscPointScenario) (gconstpointer source, guint point,
                                             GError **error);

typedef struct {
  const char *name;            /* names a point in a failure: "sweep point" */
  EsscPointScenario scenario;
  gconstpointer source;        /* the sweep or the analysis */
  guint jobs;                  /* threads per process */
  gboolean no_latency;
  EsscProgress *progress;      /* may be NULL */
} EsscPoints;

/*
 * Runs points 0 .. n - 1 over the processes of comm (every process calls
 * it).  Returns on rank 0: (transfer full) the n results in point order
 * (an array of n, each freed with model_sweep_result_free), or NULL with
 * an error for a result that came back damaged or out of order; elsewhere
 * NULL with no error.  A point that fails ends every process with exit
 * status 2 (sim_jobs_run's rule).
 */
ModelSweepResult **essc_points_run (const EsscPoints *points, guint n, SimComm *comm,
                                    GError **error);

/* Frees the n results of essc_points_run. */
void essc_points_free (ModelSweepResult **results, guint n);

G_END_DECLS
