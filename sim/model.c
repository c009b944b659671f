/* SPDX-License-Identifier: MIT */
/*
 * The engine's side of the seam (see model.h): the replication loop over
 * the groups of processes, the dealing of units by cost, the threads
 * (sim/engine.h) and the reductions (sim/reduce.h).  Errors of units are
 * kept per unit and the lowest unit's is reported, so a failing run says
 * the same thing whatever the threads.
 */
#include "sim/model.h"

#include "base/error.h"
#include "sim/engine.h"

G_DEFINE_QUARK (sim-model-error-quark, sim_model_error)

/* ---- dealing ------------------------------------------------------------- */

typedef struct {
  guint unit;
  guint64 cost;
} Costed;

static int
cmp_costed (const void *a, const void *b)
{
  const Costed *x = a, *y = b;
  if (x->cost != y->cost)
    return x->cost > y->cost ? -1 : 1;
  return x->unit < y->unit ? -1 : x->unit > y->unit;
}

void
sim_model_deal (const guint64 *cost, guint n, guint members, guint *owner)
{
  g_return_if_fail (members >= 1 && (owner != NULL || n == 0));
  g_autofree Costed *by_cost = g_new (Costed, MAX (n, 1));
  g_autofree guint64 *load = g_new0 (guint64, members);
  for (guint u = 0; u < n; u++)
    by_cost[u] = (Costed) { u, cost != NULL ? cost[u] : 1 };
  qsort (by_cost, n, sizeof *by_cost, cmp_costed);
  for (guint i = 0; i < n; i++)
    {
      guint best = 0;
      for (guint m = 1; m < members; m++)
        if (load[m] < load[best])
          best = m;
      owner[by_cost[i].unit] = best;
      load[best] += by_cost[i].cost;
    }
}

/* ---- one set of units ------------------------------------------------------ */

/* Who hears of each finished unit (SimModelOptions.unit_progress). */
typedef struct {
  void (*fn) (guint done, guint total, gpointer data);
  gpointer data;
} UnitHook;

typedef struct {
  const SimModelUnits *units;
  gpointer model;
  GError **errors;   /* [unit] */
  const UnitHook *hook;  /* NULL: nobody */
  guint n_mine;
  gint done;         /* units finished, counted atomically */
} Pass;

static void
run_unit (guint unit, gpointer data)
{
  Pass *p = data;
  p->units->run (p->model, unit, &p->errors[unit]);
  if (p->hook != NULL)
    p->hook->fn ((guint) g_atomic_int_add (&p->done, 1) + 1, p->n_mine, p->hook->data);
}

/* Returns: (transfer full) this member's units in the model's order, their
 * number in *n_mine: all of them alone, its dealt share in a group. */
static guint *
my_units (const SimModelUnits *units, gpointer model, guint n, const guint *order,
          SimComm *group, guint *n_mine)
{
  guint *mine = g_new (guint, MAX (n, 1));
  const guint members = group != NULL ? (guint) sim_comm_size (group) : 1;
  const guint me = group != NULL ? (guint) sim_comm_rank (group) : 0;
  g_autofree guint *owner = g_new0 (guint, MAX (n, 1));
  if (members > 1)
    {
      g_autofree guint64 *cost = NULL;
      if (units->cost != NULL)
        {
          cost = g_new (guint64, MAX (n, 1));
          for (guint u = 0; u < n; u++)
            cost[u] = units->cost (model, u);
        }
      sim_model_deal (cost, n, members, owner);
    }
  *n_mine = 0;
  for (guint i = 0; i < n; i++)
    {
      guint u = order != NULL ? order[i] : i;
      if (owner[u] == me)
        mine[(*n_mine)++] = u;
    }
  return mine;
}

static gboolean
run_units (const SimModelUnits *units, gpointer model, const SimModelRep *rep,
           const UnitHook *hook, GError **error)
{
  g_return_val_if_fail (units != NULL && units->units != NULL && units->run != NULL && rep != NULL,
                        FALSE);
  const guint *order = NULL;
  const guint n = units->units (model, &order);
  SimComm *group = rep->group != NULL && sim_comm_size (rep->group) > 1 ? rep->group : NULL;
  guint n_mine;
  g_autofree guint *mine = my_units (units, model, n, order, group, &n_mine);
  if (group != NULL && units->share != NULL)
    {
      g_autoptr (SimReducer) clear = sim_reducer_new (SIM_REDUCER_CLEAR, group);
      units->share (model, clear);
    }

  g_autofree GError **errors = g_new0 (GError *, MAX (n, 1));
  Pass pass = { units, model, errors, hook, n_mine, 0 };
  sim_parallel_units (n_mine, rep->jobs, mine, run_unit, &pass);
  GError *first = NULL;
  for (guint u = 0; u < n; u++)
    if (errors[u] != NULL)
      {
        if (first == NULL)
          first = errors[u];
        else
          g_error_free (errors[u]);
      }
  if (first != NULL)
    {
      if (rep->shared)  /* the other members wait in a reduction: end them all */
        sim_mpi_abort (3, "%s: %s", units->name, first->message);
      g_propagate_error (error, first);
      return FALSE;
    }
  if (group != NULL && units->share != NULL)
    {
      g_autoptr (SimReducer) sum = sim_reducer_new (SIM_REDUCER_SUM, group);
      units->share (model, sum);
    }
  return TRUE;
}

gboolean
sim_model_run_units (const SimModelUnits *units, gpointer model, const SimModelRep *rep,
                     GError **error)
{
  return run_units (units, model, rep, NULL, error);
}

/* ---- the replication loop -------------------------------------------------- */

static gboolean
run_rep (const SimModelType *type, gpointer model, const SimModelRep *rep,
         const UnitHook *hook, GError **error)
{
  if (type->rep_begin != NULL && !type->rep_begin (model, rep, error))
    return FALSE;
  if (type->units != NULL && !run_units (type->units, model, rep, hook, error))
    return FALSE;
  return type->rep_end == NULL || type->rep_end (model, rep, error);
}

gboolean
sim_model_run (const SimModelType *type, gpointer model, const SimModelOptions *opts,
               GError **error)
{
  g_return_val_if_fail (type != NULL && opts != NULL && opts->replications >= 1
                        && opts->done <= opts->replications, FALSE);
  const guint R = opts->replications;
  const gboolean multi = opts->comm != NULL && sim_comm_size (opts->comm) > 1;
  if (multi && (opts->checkpoint || opts->done > 0))
    return base_fail (error, SIM_MODEL_ERROR, SIM_MODEL_ERROR_INVALID,
                      "checkpoints and --resume work in one process only");

  g_autoptr (SimComm) group = NULL;
  guint n_groups = 1, group_id = 0;
  if (multi)
    {
      const guint size = (guint) sim_comm_size (opts->comm);
      const guint rank = (guint) sim_comm_rank (opts->comm);
      n_groups = MIN (size, R);
      group_id = rank % n_groups;
      group = sim_comm_split (opts->comm, (int) group_id, (int) rank);
    }
  SimModelRep rep = {
    .keeper = group == NULL || sim_comm_rank (group) == 0,
    .group = group,
    .shared = multi,
    .jobs = opts->jobs,
  };
  const UnitHook hook = { opts->unit_progress, opts->progress_data };
  const UnitHook *unit_hook = rep.keeper && opts->unit_progress != NULL ? &hook : NULL;
  for (guint i = opts->done; i < R; i++)
    {
      if (i % n_groups != group_id)
        continue;  /* another group's */
      rep.index = i;
      rep.replication = (guint64) opts->first_replication + i;
      g_autoptr (GError) e = NULL;
      if (!run_rep (type, model, &rep, unit_hook, &e))
        {
          if (multi)
            sim_mpi_abort (3, "%s: %s", type->name, e->message);
          g_propagate_error (error, g_steal_pointer (&e));
          return FALSE;
        }
      if (!rep.keeper)
        continue;
      if (opts->progress != NULL)
        opts->progress (i + 1, R, opts->progress_data);
      if (opts->checkpoint && type->checkpoint != NULL
          && !type->checkpoint (model, i + 1, error))
        return FALSE;
    }
  if (multi && type->reduce != NULL)
    {
      g_autoptr (SimReducer) sum = sim_reducer_new (SIM_REDUCER_SUM, opts->comm);
      type->reduce (model, sum);
    }
  return TRUE;
}
