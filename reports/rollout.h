/* SPDX-License-Identifier: MIT */
/*
 * What the two files of the report's rollout part share: the run's dates
 * and its two targets (read once from the `run` and `city_target` tables by
 * rollout.c) and the channel classes in page order.  rollout.c writes the
 * sections "summary" and "adoption" and their tables; rollout_plots.c draws
 * the figures, rollout_maps.c the maps among them.  Private to reports/rollout*.c.
 */
#pragma once

#include "reports/gnuplot.h"
#include "reports/report.h"

G_BEGIN_DECLS

/* The scenario's two targets (share_2019, share_2020), in date order. */
#define REPORT_ROLLOUT_N_TARGETS 2

typedef struct {
  const char *name;   /* the city_target.target, "share_2019" */
  const char *suffix; /* the column keys' suffix, "2019" */
  double share;       /* of the cardholders, 0.10; NAN when city_target has none */
  char *by_date;      /* 'YYYY-MM-DD'; NULL when city_target has none */
} ReportRolloutTarget;

typedef struct {
  char *start, *end;  /* run.start, run.end */
  ReportRolloutTarget targets[REPORT_ROLLOUT_N_TARGETS];
  char *interval;     /* run.interval: "chance" or "parameters and chance"; NULL if absent */
} ReportRolloutRun;

/* The targets of a run database's table `target`: the two share targets
 * and the two deadlines (mobile payment, unified settlement). */
#define REPORT_ROLLOUT_N_GOALS 4

/* Adds the verdicts on the targets (rollout_verdict.c): the tables
 * targets-verdict and targets-province and the definitions; FALSE only for
 * a database error. */
gboolean report_rollout_verdicts (ReportCtx *ctx, const ReportRolloutRun *run, GString *h,
                                  GError **error);

/* The channel classes: the series class_<name>, and a label for people. */
#define REPORT_ROLLOUT_N_CLASSES 6
extern const char *const report_rollout_classes[REPORT_ROLLOUT_N_CLASSES][2];

/* TRUE for a date 'YYYY-MM-DD' of the calendar (base/time.h's strict rule:
 * digits and dashes only), so one safe to write into a gnuplot script. */
gboolean report_rollout_is_date (const char *s);

/* Returns: (transfer full) "10% by 2019-12-31". */
char *report_rollout_target_label (const ReportRolloutTarget *t);

/* What the run's intervals hold, in words: "chance only" or "the parameters
 * drawn from the posterior, and chance" ("unknown" without run.interval). */
const char *report_rollout_interval_words (const ReportRolloutRun *run);

/* Adds the figures (rollout_plots.c); FALSE only for a database error. */
gboolean report_rollout_plots (ReportCtx *ctx, const ReportRolloutRun *run, GError **error);

/* Adds the map of target tg, map-SUFFIX: the cities over the provinces'
 * outlines when the database has them (rollout_maps.c); FALSE only for a
 * database error. */
gboolean report_rollout_map (ReportCtx *ctx, const ReportRolloutTarget *tg, GError **error);

/* Adds the section "forecast", its tables and figures (rollout_forecast.c);
 * FALSE only for a database error. */
gboolean report_rollout_forecast (ReportCtx *ctx, const ReportRolloutRun *run, GError **error);

/* ---- helpers of the figures (rollout_plots.c) ---------------------------- */

/*
 * A date x axis from start to end: ticks on the first of every step months,
 * the step (1, 2, 3, 6, 12 or 24 months) giving at most max_ticks; labels
 * YYYY-MM, or YYYY for steps of a year and more.
 */
void report_rollout_time_axis (ReportPlot *p, const char *start, const char *end, int max_ticks);

/* Dotted vertical lines at the target dates (arrows from tag on): grey, or
 * in the targets' colours with labels. */
void report_rollout_target_marks (ReportPlot *p, const ReportRolloutRun *run, int tag,
                                  gboolean labels);

/* Reads st's rows into b as lines "DATE v1 v2 ...": column 0 a date (rows
 * without one are skipped), columns 1..n_cols-1 numbers.  *n: lines. */
gboolean report_rollout_read_rows (ReportCtx *ctx, sqlite3_stmt *st, GString *b, int n_cols,
                                   guint *n, GError **error);

G_END_DECLS
