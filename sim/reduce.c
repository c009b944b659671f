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

static const gsize elem_size[] = { sizeof (gint64), sizeof (gint32), 1, sizeof (double) };

void
sim_reducer_typed (SimReducer *red, SimReducerElem elem, gpointer data, gsize n)
{
  g_return_if_fail (red != NULL && (data != NULL || n == 0) && elem <= SIM_REDUCER_F64);
  if (red->kind == SIM_REDUCER_CLEAR)
    {
      if (n > 0)
        memset (data, 0, n * elem_size[elem]);
      return;
    }
  if (red->group == NULL)
    return;
  switch (elem)
    {
    case SIM_REDUCER_I64:
      sim_comm_sum_i64 (red->group, data, n);
      break;
    case SIM_REDUCER_I32:
      sim_comm_sum_i32 (red->group, data, n);
      break;
    case SIM_REDUCER_U8:
      sim_comm_sum_u8 (red->group, data, n);
      break;
    case SIM_REDUCER_F64:
    default:
      sim_comm_sum_f64 (red->group, data, n);
      break;
    }
}

void
sim_reducer_f64_same (SimReducer *red, double *data, gsize n)
{
  g_return_if_fail (red != NULL && (data != NULL || n == 0));
  if (red->kind == SIM_REDUCER_SUM && red->group != NULL && sim_comm_rank (red->group) != 0
      && n > 0)
    memset (data, 0, n * sizeof *data);  /* member 0's alone are added */
  sim_reducer_array (red, data, n);
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
