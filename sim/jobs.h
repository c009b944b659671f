/* SPDX-License-Identifier: MIT */
/*
 * Independent jobs over processes: n jobs (the points of a sweep, say),
 * dealt to the members of a group round robin (job j to member j mod N),
 * each member running its jobs in order, and every job's result (bytes)
 * gathered on member 0 in job order.  One process alone runs them all.
 * The engine knows nothing of what a job is; the caller wires it.
 */
#pragma once

#include <glib.h>

#include "sim/mpi.h"

G_BEGIN_DECLS

/* Runs job j: Returns: (transfer full) its result, or NULL with an error. */
typedef GBytes *(*SimJobFn) (guint job, gpointer data, GError **error);

typedef struct {
  const char *name;      /* names a job in a failure: "sweep point" */
  int fail_status;       /* the exit status of every process when a job fails */
  SimJobFn run;
  /* After each of this member's jobs: done of its `mine` jobs, over
   * `processes` processes; may be NULL. */
  void (*progress) (guint done, guint mine, guint processes, gpointer data);
  gpointer data;         /* for run and progress */
} SimJobs;

/*
 * Runs this member's share of jobs 0 .. n - 1 of `jobs` (every member of
 * comm calls it; comm NULL: this process alone).  Returns, on member 0:
 * (transfer full) the n results in job order (a GPtrArray of GBytes);
 * elsewhere NULL.  A job that fails ends every process with fail_status
 * (sim_mpi_abort: "NAME J: message"), so a job never waits for a dead one.
 */
GPtrArray *sim_jobs_run (const SimJobs *jobs, guint n, SimComm *comm);

G_END_DECLS
