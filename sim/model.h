/* SPDX-License-Identifier: MIT */
/*
 * The seam between the engine and a model, as ROSS's models fill a
 * tw_lptype table: a model describes itself with a small table of callbacks
 * and the engine owns the loops, the partitioning and the reductions.
 *
 * A run is a number of replications.  A replication has units (cities, in
 * the rollout model; platforms, in the latency model) that are independent
 * of one another: each writes only its own unit's data and draws its
 * randomness from counter-based streams keyed by the unit (sim/rng.h), so
 * the results are the same bytes whatever the threads, the processes and
 * the order.  The engine
 *
 *   - runs the replication loop (from a resumed point on), with a progress
 *     callback (after each replication, and optionally after each unit)
 *     and, when asked, a checkpoint after every replication;
 *   - deals replications to groups of processes round robin: with N
 *     processes and R replications there are min (N, R) groups, process k
 *     is in group k mod min (N, R) and replication r belongs to group
 *     r mod min (N, R); the group's first member keeps it (the others drop
 *     their copy of what is not theirs: SimModelRep.keeper);
 *   - deals a replication's units to the group's members by cost, largest
 *     first, each to the member with the least cost so far (ties: the lower
 *     member; equal costs give unit u to member u mod members), and runs a
 *     member's units on its threads, handing them out one at a time in the
 *     model's order (sim/engine.h);
 *   - clears what the units share before them and sums it after them, so
 *     every member of the group holds the whole replication, and at the end
 *     sums the run's result over every process (sim/reduce.h).
 *
 * Nothing here knows what a unit is.  One process alone (no comm, or a comm
 * of one) is the plain case: no dealing and no reductions.
 */
#pragma once

#include <glib.h>

#include "sim/mpi.h"
#include "sim/reduce.h"

G_BEGIN_DECLS

#define SIM_MODEL_ERROR (sim_model_error_quark ())
GQuark sim_model_error_quark (void);

typedef enum {
  SIM_MODEL_ERROR_INVALID,      /* options the engine cannot run */
} SimModelError;

/* The replication at hand, as the engine tells a model's callbacks. */
typedef struct {
  guint index;             /* 0 .. replications - 1 */
  guint64 replication;     /* first_replication + index: the key of its streams */
  gboolean keeper;         /* this member keeps the replication (the group's first) */
  SimComm *group;          /* the members sharing it; NULL when this process is alone */
  gboolean shared;         /* the run spans several processes: a failure ends them all */
  guint jobs;              /* threads per process; 0 or 1: the calling thread */
} SimModelRep;

/* A set of independent units and what they share within a group. */
typedef struct {
  const char *name;        /* names them when a failure ends the job: "latency model" */
  /* The number of units (the same on every member) and the order to hand
   * them out in: *order a permutation owned by the model, or NULL for 0, 1, ... */
  guint (*units) (gpointer model, const guint **order);
  /* A unit's cost, for dealing over processes; NULL: every unit costs 1. */
  guint64 (*cost) (gpointer model, guint unit);
  /* Runs one unit, on any thread: it touches only its own unit's data.
   * FALSE with an error fails the set (the lowest failing unit's error). */
  gboolean (*run) (gpointer model, guint unit, GError **error);
  /* Declares on red what the units write that every member needs after
   * them, each element written by one unit; NULL: nothing.  Called only
   * within a group of several: CLEAR before the units, SUM after them. */
  void (*share) (gpointer model, SimReducer *red);
} SimModelUnits;

/* A model.  Every callback may be NULL. */
typedef struct {
  const char *name;        /* in messages: "rollout" */
  /* Starts a replication, on every member of its group. */
  gboolean (*rep_begin) (gpointer model, const SimModelRep *rep, GError **error);
  /* The replication's units: run on its group after rep_begin. */
  const SimModelUnits *units;
  /* Ends a replication, on every member of its group (it may run further
   * unit sets with sim_model_run_units). */
  gboolean (*rep_end) (gpointer model, const SimModelRep *rep, GError **error);
  /* After each replication this process keeps, when the options ask for
   * checkpoints: `done` replications (0 .. done - 1) are finished. */
  gboolean (*checkpoint) (gpointer model, guint done, GError **error);
  /* Declares the run's result, each element written by one keeper (or
   * holding whole numbers): summed over every process at the end (only with
   * several processes). */
  void (*reduce) (gpointer model, SimReducer *red);
} SimModelType;

typedef struct {
  guint replications;       /* >= 1 */
  guint64 first_replication;  /* the stream key of replication index 0 */
  guint done;               /* resume: replications 0 .. done - 1 are finished */
  guint jobs;               /* threads per process */
  SimComm *comm;            /* the processes sharing the run; NULL: this one alone */
  gboolean checkpoint;      /* call type->checkpoint after each replication */
  void (*progress) (guint done, guint total, gpointer data);  /* on each keeper */
  /* Within a replication, on each keeper: after each of its units of
   * type->units (not of further sets run from rep_end), `done` of the
   * `total` units this process runs.  Called on the worker threads, maybe
   * at the same time and out of order (a later count before an earlier
   * one): it must be thread-safe and cheap.  It sees nothing of the
   * results, so it changes none.  May be NULL. */
  void (*unit_progress) (guint done, guint total, gpointer data);
  gpointer progress_data;   /* for both */
} SimModelOptions;

/*
 * Runs replications done .. replications - 1 of model (every process of
 * opts->comm calls it with the same options).  Returns when this process's
 * share is done and, with several processes, type->reduce has been summed
 * over them all, so every process holds the whole result.  FALSE with an
 * error from a callback (alone), or for checkpoints or a resume with
 * several processes (SIM_MODEL_ERROR_INVALID); with several processes a
 * callback's failure ends the job (sim_mpi_abort, status 3).
 */
gboolean sim_model_run (const SimModelType *type, gpointer model, const SimModelOptions *opts,
                        GError **error);

/*
 * Runs the unit set `units` of model for replication rep: this member's
 * share of the units (by cost, over rep->group) on rep->jobs threads, then
 * what they share summed over the group.  FALSE with the lowest failing
 * unit's error; when rep->shared a failure ends the job instead
 * (sim_mpi_abort (3, "NAME: message")).  A model calls it from rep_end for a
 * second set of units; sim_model_run calls it for type->units.
 */
gboolean sim_model_run_units (const SimModelUnits *units, gpointer model,
                              const SimModelRep *rep, GError **error);

/*
 * Deals n units of the given costs (NULL: all 1) to `members` members:
 * owner[u] for each unit, largest cost first (ties: the lower unit) to the
 * member with the least cost so far (ties: the lower member).
 * Deterministic; with equal costs, unit u goes to member u mod members.
 */
void sim_model_deal (const guint64 *cost, guint n, guint members, guint *owner);

G_END_DECLS
