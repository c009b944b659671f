/* SPDX-License-Identifier: MIT */
/*
 * Summaries across replications: for a series observed once per
 * replication at each of T points, the mean and an equal-tailed interval
 * (the 5% and 95% empirical quantiles for a 90% interval, by linear
 * interpolation between order statistics, type 7 of Hyndman and Fan).
 * Values are kept per replication (R x T doubles) so that quantiles are
 * exact; callers keep only the series they need that way.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _SimSeriesSet SimSeriesSet;

/* Returns: (transfer full) room for n_series series of n_points points over
 * n_reps replications, all zero. */
SimSeriesSet *sim_series_set_new (guint n_series, guint n_points, guint n_reps);
void sim_series_set_free (SimSeriesSet *set);

/* The row of replication rep of series s: n_points values to fill.  Rows of
 * different (s, rep) may be filled from different threads. */
double *sim_series_set_row (SimSeriesSet *set, guint s, guint rep);

/* Every value, [series][rep][point], and their number (for reductions
 * across processes). */
double *sim_series_set_values (SimSeriesSet *set, gsize *n_out);

guint sim_series_set_n_series (const SimSeriesSet *set);
guint sim_series_set_n_points (const SimSeriesSet *set);
guint sim_series_set_n_reps (const SimSeriesSet *set);

/*
 * Mean and the q_lo and q_hi quantiles (e.g. 0.05, 0.95) of series s at
 * every point, over replications 0..n_used-1 (n_used <= n_reps; 0 means
 * all), into the n_points arrays mean, lo, hi (any may be NULL).
 */
void sim_series_set_summarise (const SimSeriesSet *set, guint s, guint n_used, double q_lo,
                               double q_hi, double *mean, double *lo, double *hi);

/* The type-7 quantile q of n sorted values. */
double sim_quantile_sorted (const double *sorted, guint n, double q);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SimSeriesSet, sim_series_set_free)

G_END_DECLS
