/* SPDX-License-Identifier: MIT */
/*
 * What the two files of the report's calibration part share: the free
 * parameters with their priors and posterior summaries (read once from the
 * `parameter` table by calibration.c) and the backtest's cut-off.
 * calibration.c writes the sections "calibration", "abc", "fit" and
 * "backtest" and their tables; calibration_plots.c draws the figures (the
 * posterior's histograms and pairs, the backtest's fan charts).  Private
 * to reports/calibration*.c.
 */
#pragma once

#include "reports/report.h"

G_BEGIN_DECLS

/* One free parameter, as the `parameter` table holds it. */
typedef struct {
  char *name;          /* "adoption.imitation" */
  double lo, hi;       /* the prior's support */
  gboolean log_scale;  /* log-uniform prior: its axes are logarithmic */
  double mean, q05, q50, q95;
} ReportCalibParam;

typedef struct {
  guint n_params;
  ReportCalibParam *params;  /* [param], in the database's order */
  char *fit_until;           /* calibration.fit_until 'YYYY-MM-DD'; NULL without a backtest */
} ReportCalibration;

/* TRUE for a date 'YYYY-MM-DD' of the calendar (base/time.h's strict
 * rule), so one safe to write into a gnuplot script. */
gboolean report_calibration_is_date (const char *s);

/* Adds the figures (calibration_plots.c): the posterior to the section
 * "calibration", the fan charts to "backtest" (has_backtest).  FALSE only
 * for a database error. */
gboolean report_calibration_plots (ReportCtx *ctx, const ReportCalibration *cal,
                                   gboolean has_backtest, GError **error);

G_END_DECLS
