/* SPDX-License-Identifier: MIT */
/*
 * The reducer (see reduce.h): each declared item is zeroed, or handed to
 * the group's sums (sim/mpi.h) or, for a histogram, serialised, gathered on
 * member 0 and merged there in member order.  Alone (no group, or a group
 * of one) SUM has nothing to add and does nothing.
 */
#include "sim/reduce.h"

#include <string.h>

struct _SimReducer {
  SimReducerKind kind;
  SimComm *group;     /* not owned; NULL when alone */
};

SimReducer *
sim_reducer_new (SimReducerKind kind, SimComm *group)
{
  SimReducer *red = g_new0 (SimReducer, 1);
  red->kind = kind;
  red->group = group != NULL && sim_comm_size (group) > 1 ? group : NULL;
  return red;
}

void
sim_reducer_free (SimReducer *red)
{
  g_free (red);
}

SimReducerKind
sim_reducer_kind (const SimReducer *red)
{
  return red->kind;
}

/* TRUE when the items must be zeroed (CLEAR); FALSE when there is nothing
 * to do (SUM alone) or the group must sum (SUM with a group). */
static gboolean
clearing (const SimReducer *red, gpointer data, gsize bytes)
{
  if (red->kind != SIM_REDUCER_CLEAR)
    return FALSE;
  if (bytes > 0)
    memset (data, 0, bytes);
  return TRUE;
}

void
sim_reducer_i64 (SimReducer *red, gint64 *data, gsize n)
{
  g_return_if_fail (red != NULL && (data != NULL || n == 0));
  if (!clearing (red, data, n * sizeof *data) && red->group != NULL)
    sim_comm_sum_i64 (red->group, data, n);
}

void
sim_reducer_i32 (SimReducer *red, gint32 *data, gsize n)
{
  g_return_if_fail (red != NULL && (data != NULL || n == 0));
  if (!clearing (red, data, n * sizeof *data) && red->group != NULL)
    sim_comm_sum_i32 (red->group, data, n);
}

void
sim_reducer_u8 (SimReducer *red, guint8 *data, gsize n)
{
  g_return_if_fail (red != NULL && (data != NULL || n == 0));
  if (!clearing (red, data, n) && red->group != NULL)
    sim_comm_sum_u8 (red->group, data, n);
}

void
sim_reducer_f64 (SimReducer *red, double *data, gsize n)
{
  g_return_if_fail (red != NULL && (data != NULL || n == 0));
  if (!clearing (red, data, n * sizeof *data) && red->group != NULL)
    sim_comm_sum_f64 (red->group, data, n);
}

void
sim_reducer_f64_same (SimReducer *red, double *data, gsize n)
{
  g_return_if_fail (red != NULL && (data != NULL || n == 0));
  if (clearing (red, data, n * sizeof *data) || red->group == NULL)
    return;
  if (sim_comm_rank (red->group) != 0 && n > 0)
    memset (data, 0, n * sizeof *data);
  sim_comm_sum_f64 (red->group, data, n);
}

void
sim_reducer_histogram (SimReducer *red, SimHistogram *h)
{
  g_return_if_fail (red != NULL && h != NULL);
  if (red->kind == SIM_REDUCER_CLEAR)
    {
      sim_histogram_reset (h);
      return;
    }
  if (red->group == NULL)
    return;
  g_autoptr (GBytes) mine = sim_histogram_serialize (h);
  g_autoptr (GPtrArray) all = sim_comm_gather_bytes (red->group, mine, 0);
  for (guint r = 1; all != NULL && r < all->len; r++)
    {
      gsize len;
      const guint8 *data = g_bytes_get_data (all->pdata[r], &len);
      g_autoptr (GError) e = NULL;
      g_autoptr (SimHistogram) other = sim_histogram_deserialize (data, len, "rank", &e);
      if (other == NULL || !sim_histogram_merge (h, other, &e))
        sim_mpi_abort (3, "merging histograms: %s", e->message);
    }
}
