/* SPDX-License-Identifier: MIT */
/*
 * `essc compare A.db B.db`: the differences between two run databases
 * (essc sim, schema essc-simdb/4), B minus A.  From each database's
 * replication_outcome (docs/RUNDB.md) it takes the headline outcomes of
 * every replication (national and provincial holders and shares on the
 * target dates and the last day; the nation's outcome on each target: met,
 * margin, cities meeting it; each platform's worst-day p99 and peak
 * servers) and gives, for each, the means of A and B and an interval of the
 * difference of the means at a stated level (90%):
 *
 * - unpaired, always: Welch's t interval (the replications of A and B as
 *   independent samples);
 * - paired, when both runs have the same seed: replication i of A and of B
 *   draw from the same random streams (common random numbers; sim/rng.h),
 *   so the t interval of the mean of the n = min (R_A, R_B) differences
 *   B_i - A_i, which is narrower when the outcomes move together.
 *
 * Also the verdicts of both (target_verdict: the nation's and every
 * province whose verdict changed), and each platform's worst day (latency_day).
 * The page (compare_page.c) shows the same with overlaid figures.
 */
#pragma once

#include <glib.h>

#include "base/stats.h"
#include "reports/report.h"

G_BEGIN_DECLS

/* One outcome compared.  All fields public. */
typedef struct {
  char *quantity;        /* replication_outcome.quantity: "holders", "met:share_2019", ... */
  char *scope;           /* "nation", "province", "platform" */
  gint64 code;           /* 0 for the nation and the national platform */
  char *date;            /* "YYYY-MM-DD", or "" */
  char *label;           /* in words: "holders on 2019-12-31", "广东省 share on ..." */
  char *where;           /* the scope in words: "national", "广东省", "local 440000 广东省" */
  double mean_a, mean_b;
  guint n_a, n_b;
  BaseStatsDiff paired;   /* diff NAN when the runs are not paired */
  BaseStatsDiff unpaired;
} ReportCompareRow;

/* The nation's verdict on one target in both runs. */
typedef struct {
  char *target, *description;
  char *verdict_a, *verdict_b;
  double probability_a, probability_b;
  double cities_a, cities_b;
} ReportCompareVerdict;

/* A province whose verdict on a target differs. */
typedef struct {
  char *target, *province, *verdict_a, *verdict_b;
  gint64 code;
} ReportCompareChange;

/* A platform's worst day (the day of its highest mean p99) in both runs. */
typedef struct {
  gint64 code;
  char *name;
  char *day_a, *day_b;     /* "" when a run has no latency rows for it */
  double p99_ms_a, p99_ms_b;
  double servers_a, servers_b;  /* peak servers of the capacity plan; NAN without */
} ReportCompareWorst;

typedef struct {
  char *path_a, *path_b;
  char *name_a, *name_b;   /* scenario names */
  char *seed_a, *seed_b;
  guint reps_a, reps_b;
  gboolean paired;         /* same seed: rows have paired intervals */
  guint n_pairs;           /* min (reps_a, reps_b) when paired */
  double level;            /* of the intervals, e.g. 0.9 */
  GPtrArray *rows;         /* ReportCompareRow *, nation, provinces, platforms */
  GPtrArray *verdicts;     /* ReportCompareVerdict * */
  GPtrArray *changes;      /* ReportCompareChange * */
  GPtrArray *worst;        /* ReportCompareWorst * */
  GPtrArray *only;         /* char *: outcomes in one database only (left out) */
} ReportComparison;

/* Returns: (transfer full) the comparison of the run databases a and b, or
 * NULL with REPORT_ERROR_INPUT naming the file (not a run database of this
 * schema, damaged, hostile: the checks of essc report). */
ReportComparison *report_compare_load (const char *path_a, const char *path_b, double level,
                                       GError **error);
void report_comparison_free (ReportComparison *c);

/* Writes DIR/index.html (tables and overlaid figures) for c; options as
 * essc report's (db_path unused).  FALSE with REPORT_ERROR_INPUT/OUTPUT. */
gboolean report_compare_page (const ReportComparison *c, const ReportOptions *options,
                              char **index_out, guint *n_warnings, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ReportComparison, report_comparison_free)

G_END_DECLS
