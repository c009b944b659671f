/* SPDX-License-Identifier: MIT */
/*
 * Access to the e-card: the share of the people of each cell (age band x
 * urban/rural) who use the mobile internet themselves, from a CSV of
 * published shares at dates ([adoption] access, e.g.
 * scenarios/data/access-2018-2020.csv: `date,band,area,share,note`), and
 * the trend that carries it past its data.
 *
 * Per (band, area) the shares at their dates are fitted by a least-squares
 * line in time (share per day); the share on a day is the line's value,
 * clamped to [0, max].  A (band, area) with one date is constant.  With
 * growth off the line is evaluated no later than the last date of the
 * file (frozen after the data), and no earlier than the first.
 *
 * Bands are `0-17`, `18-59`, `60+`; areas `urban`, `rural`, and `all` (for
 * scenarios without the urban/rural split).  Every band must have rows for
 * `all` and for both `urban` and `rural`, or the file is rejected.
 */
#pragma once

#include <glib.h>

#include "model/rollout/cities.h"

G_BEGIN_DECLS

typedef enum {
  MODEL_AREA_URBAN = 0,
  MODEL_AREA_RURAL,
  MODEL_AREA_ALL,
  MODEL_N_AREAS
} ModelArea;

/* The fitted lines.  All fields public, read-only. */
typedef struct {
  double at[MODEL_N_AGE_BANDS][MODEL_N_AREAS];     /* share on day `origin` */
  double slope[MODEL_N_AGE_BANDS][MODEL_N_AREAS];  /* share per day */
  gint32 first, last;                              /* first and last date in the file */
  gint32 origin;                                   /* day the lines are centred on */
  guint n_rows;
} ModelAccess;

/* The header of the file, NULL-terminated. */
extern const char *const model_access_columns[];

/* Returns: (transfer full) the fitted lines of path, or NULL with an error in
 * domain naming the file, line and column (a band or area unknown or
 * missing, a share outside [0, 1], a (band, area, date) given twice). */
ModelAccess *model_access_load (const char *path, GQuark domain, GError **error);

/* The share of cell (band, area) on day, clamped to [0, max]; growth FALSE:
 * the day is first clamped to the file's dates. */
double model_access_share (const ModelAccess *access, ModelAgeBand band, ModelArea area,
                           gint32 day, gboolean growth, double max);

/* The wire names: "0-17", "18-59", "60+"; "urban", "rural", "all". */
const char *model_age_band_name (ModelAgeBand band);
const char *model_area_name (ModelArea area);

void model_access_free (ModelAccess *access);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ModelAccess, model_access_free)

G_END_DECLS
