/* SPDX-License-Identifier: MIT */
/*
 * Published figures a scenario is compared with ([targets] published):
 * a CSV of dated quantities (`date,quantity,value,note`, e.g.
 * scenarios/data/essc-milestones-2019-2020.csv), loaded and checked with
 * FILE:LINE: column errors, and copied into the run database so that the
 * report can plot them beside the simulation.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* One figure.  All fields public. */
typedef struct {
  gint32 day;        /* day number */
  char *quantity;    /* [a-z0-9_]+, e.g. ecard_holders, channels */
  double value;      /* finite, >= 0 */
  char *note;        /* "" when none */
} ModelPublished;

/* The header of the file, NULL-terminated. */
extern const char *const model_published_columns[];

/*
 * Returns: (transfer full) the n_out figures of path in file order, or NULL
 * with an error in domain naming the file, line and column.
 */
ModelPublished *model_published_load (const char *path, guint *n_out, GQuark domain,
                                      GError **error);

void model_published_free (ModelPublished *figures, guint n);

G_END_DECLS
