/* SPDX-License-Identifier: MIT */
/*
 * Reductions a model declares and the engine performs.  A model lists what
 * its units or its members wrote (arrays, histograms) on a SimReducer, in
 * a callback the engine calls (sim/units.h: a stage's share; sim/run.h: a
 * run's reduce); the reducer's kind says what happens to each item:
 *
 *   SIM_REDUCER_CLEAR  before the work: every array zeroed, every histogram
 *                      emptied, so a member holds only what it writes;
 *   SIM_REDUCER_SUM    after it: element-wise sums over the members of a
 *                      group (sim/mpi.h), the result on every member;
 *                      histograms merged onto member 0 only.
 *
 * The sums are exact, and so the result is the same bytes as one process's,
 * when every element has at most one member that wrote a non-zero value or
 * holds whole numbers (each element written by one owner); histograms merge
 * exactly by construction (sim/histogram.h).  Every member must declare the
 * same items in the same order (they are collective calls).  Knows nothing
 * of what the arrays mean.
 */
#pragma once

#include <glib.h>

#include "sim/histogram.h"
#include "sim/mpi.h"

G_BEGIN_DECLS

typedef enum {
  SIM_REDUCER_CLEAR,
  SIM_REDUCER_SUM,
} SimReducerKind;

typedef struct _SimReducer SimReducer;

/* Returns: (transfer full) a reducer of kind over group (NULL, or a group
 * of one, for this process alone: then SUM does nothing). */
SimReducer *sim_reducer_new (SimReducerKind kind, SimComm *group);
void sim_reducer_free (SimReducer *red);

SimReducerKind sim_reducer_kind (const SimReducer *red);

/* The element types of an array. */
typedef enum {
  SIM_REDUCER_I64,
  SIM_REDUCER_I32,
  SIM_REDUCER_U8,
  SIM_REDUCER_F64,
} SimReducerElem;

/* n elements of type elem at data: zeroed (CLEAR) or summed element-wise
 * over the group (SUM).  Callers use sim_reducer_array, which takes the
 * type from the pointer's (gint64 *, gint32 *, guint8 * or double *: any
 * other is a compile error). */
void sim_reducer_typed (SimReducer *red, SimReducerElem elem, gpointer data, gsize n);

#define sim_reducer_array(red, data, n)                                               \
  sim_reducer_typed ((red),                                                           \
                     _Generic ((data), gint64 *: SIM_REDUCER_I64,                     \
                               gint32 *: SIM_REDUCER_I32, guint8 *: SIM_REDUCER_U8,   \
                               double *: SIM_REDUCER_F64),                            \
                     (data), (n))

/* Values that every member computes the same: after SUM every member holds
 * member 0's (the others' are dropped, not added); CLEAR zeroes them. */
void sim_reducer_f64_same (SimReducer *red, double *data, gsize n);

/* A histogram: emptied (CLEAR), or every member's merged onto member 0's
 * (SUM; the others' are left as they are).  A histogram that cannot be
 * merged (another layout) is a programmer error: the job ends
 * (sim_mpi_abort). */
void sim_reducer_histogram (SimReducer *red, SimHistogram *h);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SimReducer, sim_reducer_free)

G_END_DECLS
