/* SPDX-License-Identifier: MIT */
/*
 * The engine's parallel loop: runs a function for every unit of work (a
 * city, in the rollout model) on a number of threads.  Units are handed out
 * one at a time from a shared counter, in the order given, so the load
 * balances itself; the function may touch only its own unit's data and must
 * draw its randomness from counter-based streams keyed by the unit, so the
 * results are the same bytes whatever the number of threads and whatever
 * the order.  The engine knows nothing of what a unit is.  Models reach it
 * through sim/model.h, which deals units to processes and calls this loop.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef void (*SimUnitFn) (guint unit, gpointer user_data);

/*
 * Calls fn (u, user_data) exactly once for each unit u in 0..n_units-1,
 * on n_threads threads (1 or 0: in the calling thread; more threads than
 * units are not started).  order (may be NULL for 0, 1, 2, ...) is a
 * permutation of the units giving the order in which they are handed out.
 * Returns when every call has returned.
 */
void sim_parallel_units (guint n_units, guint n_threads, const guint *order, SimUnitFn fn,
                         gpointer user_data);

/* The number of processors this process may use (at least 1). */
guint sim_processors (void);

G_END_DECLS
