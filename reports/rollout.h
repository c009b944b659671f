/* SPDX-License-Identifier: MIT */
/*
 * What the two files of the report's rollout part share: the run's dates
 * and its two targets (read once from the `run` and `city_target` tables by
 * rollout.c) and the channel classes in page order.  rollout.c writes the
 * sections "summary" and "adoption" and their tables; rollout_plots.c draws
 * the figures.  Private to reports/rollout*.c.
 */
#pragma once

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
} ReportRolloutRun;

/* The channel classes: the series class_<name>, and a label for people. */
#define REPORT_ROLLOUT_N_CLASSES 6
extern const char *const report_rollout_classes[REPORT_ROLLOUT_N_CLASSES][2];

/* TRUE for a date 'YYYY-MM-DD' of the calendar (base/time.h's strict rule:
 * digits and dashes only), so one safe to write into a gnuplot script. */
gboolean report_rollout_is_date (const char *s);

/* Returns: (transfer full) "10% by 2019-12-31". */
char *report_rollout_target_label (const ReportRolloutTarget *t);

/* Adds the figures (rollout_plots.c); FALSE only for a database error. */
gboolean report_rollout_plots (ReportCtx *ctx, const ReportRolloutRun *run, GError **error);

G_END_DECLS
