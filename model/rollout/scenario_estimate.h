/* SPDX-License-Identifier: MIT */
/*
 * What a rollout run will cost before it starts: its peak memory and its
 * time, from the scenario's days and cities and the run's replications and
 * jobs, so that `essc scenario check`, `essc sim` and `essc sweep` can
 * refuse a run far beyond the machine (a 300-year scenario, a 100,000-point
 * sweep) unless --force.  The constants are measured (scenarios/README.md,
 * "Run size"); an estimate is good to a factor of about two.
 */
#pragma once

#include "model/rollout/scenario.h"

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  guint64 days;          /* simulated days, end - start + 1 */
  guint replications;
  guint jobs;            /* replications run at once */
  double memory_bytes;   /* peak resident memory of the process */
  double seconds;        /* wall time on the reference machine */
} ModelRunEstimate;

/* The estimate of a run of s with replications on jobs threads. */
void model_run_estimate (const ModelScenario *s, guint replications, guint jobs,
                         ModelRunEstimate *out);

/* The limits a run may reach without --force: half the machine's physical
 * memory (8 GiB when it cannot be read) and 24 hours. */
double model_run_memory_limit (void);
#define MODEL_RUN_SECONDS_LIMIT (24.0 * 3600.0)

/*
 * NULL when e is within the limits, else (transfer full) one line saying
 * which limit it passes and by how much, and that --force runs it anyway.
 */
char *model_run_estimate_refusal (const ModelRunEstimate *e);

/* "1.2 GiB, about 4 min" (transfer full). */
char *model_run_estimate_text (const ModelRunEstimate *e);

G_END_DECLS
