/* SPDX-License-Identifier: MIT */
/*
 * Small statistics for intervals of a mean or of a difference of means:
 * the mean and sample variance of an array, Student's t distribution's
 * quantile (for a confidence interval from a few replications), and the
 * interval of a difference of two means, paired (one difference per pair:
 * common random numbers) or unpaired (Welch's, with the Welch-Satterthwaite
 * degrees of freedom).  Knows nothing of what the numbers are.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The mean of x[0..n-1] (NAN for n = 0) and, when var_out is not NULL, its
 * sample variance (n - 1 in the denominator; NAN for n < 2). */
double base_stats_mean (const double *x, guint n, double *var_out);

/* Student's t distribution with df > 0 degrees of freedom: its CDF at t,
 * and the quantile at p in (0, 1) (NAN outside). */
double base_stats_t_cdf (double t, double df);
double base_stats_t_quantile (double p, double df);

/* The interval of a difference of means at a confidence level (0.9). */
typedef struct {
  double diff;       /* mean of b - mean of a */
  double lo, hi;     /* NAN when it has no interval (fewer than 2 values) */
  double df;         /* degrees of freedom used */
  guint n;           /* pairs (paired) or n_a + n_b (unpaired) */
} BaseStatsDiff;

/* Paired: the n differences b[i] - a[i]; the t interval of their mean. */
BaseStatsDiff base_stats_diff_paired (const double *a, const double *b, guint n, double level);
/* Unpaired: Welch's interval of mean (b) - mean (a). */
BaseStatsDiff base_stats_diff_welch (const double *a, guint n_a, const double *b, guint n_b,
                                     double level);

G_END_DECLS
