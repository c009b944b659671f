/* SPDX-License-Identifier: MIT */
/*
 * The parallel loop over units (see engine.h): GThreads pulling unit
 * indices from an atomic counter.  No locks around user data: units are
 * independent by contract.
 */
#include "sim/engine.h"

typedef struct {
  guint n_units;
  const guint *order;
  SimUnitFn fn;
  gpointer user_data;
  gint next;   /* atomic: the next position in order to hand out */
} Work;

static gpointer
worker (gpointer data)
{
  Work *w = data;
  for (;;)
    {
      gint pos = g_atomic_int_add (&w->next, 1);
      if (pos < 0 || (guint) pos >= w->n_units)
        break;
      w->fn (w->order ? w->order[pos] : (guint) pos, w->user_data);
    }
  return NULL;
}

void
sim_parallel_units (guint n_units, guint n_threads, const guint *order, SimUnitFn fn,
                    gpointer user_data)
{
  g_return_if_fail (fn != NULL);
  g_return_if_fail (n_units <= G_MAXINT);
  if (n_units == 0)
    return;
  Work w = { n_units, order, fn, user_data, 0 };
  guint extra = n_threads > 1 ? MIN (n_threads, n_units) - 1 : 0;
  g_autofree GThread **threads = g_new0 (GThread *, extra + 1);

  for (guint i = 0; i < extra; i++)
    threads[i] = g_thread_new ("sim-worker", worker, &w);
  worker (&w);
  for (guint i = 0; i < extra; i++)
    g_thread_join (threads[i]);
}

guint
sim_processors (void)
{
  guint n = g_get_num_processors ();
  return n > 0 ? n : 1;
}
