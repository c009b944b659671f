/* SPDX-License-Identifier: MIT */
/*
 * Series across replications (see summary.h): one flat array of
 * series x replication x point, summarised point by point.
 */
#include "sim/summary.h"

#include <math.h>
#include <stdlib.h>

struct _SimSeriesSet {
  guint n_series, n_points, n_reps;
  double *values;   /* [series][rep][point] */
};

double *
sim_series_set_values (SimSeriesSet *set, gsize *n_out)
{
  *n_out = (gsize) set->n_series * set->n_reps * set->n_points;
  return set->values;
}

SimSeriesSet *
sim_series_set_new (guint n_series, guint n_points, guint n_reps)
{
  g_return_val_if_fail (n_series > 0 && n_points > 0 && n_reps > 0, NULL);
  SimSeriesSet *s = g_new0 (SimSeriesSet, 1);
  s->n_series = n_series;
  s->n_points = n_points;
  s->n_reps = n_reps;
  s->values = g_new0 (double, (gsize) n_series * n_points * n_reps);
  return s;
}

void
sim_series_set_free (SimSeriesSet *set)
{
  if (set == NULL)
    return;
  g_free (set->values);
  g_free (set);
}

double *
sim_series_set_row (SimSeriesSet *set, guint s, guint rep)
{
  g_return_val_if_fail (set != NULL && s < set->n_series && rep < set->n_reps, NULL);
  return set->values + ((gsize) s * set->n_reps + rep) * set->n_points;
}

guint
sim_series_set_n_series (const SimSeriesSet *set)
{
  return set->n_series;
}

guint
sim_series_set_n_points (const SimSeriesSet *set)
{
  return set->n_points;
}

guint
sim_series_set_n_reps (const SimSeriesSet *set)
{
  return set->n_reps;
}

static int
cmp_double (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return x < y ? -1 : x > y;
}

double
sim_quantile_sorted (const double *sorted, guint n, double q)
{
  g_return_val_if_fail (n > 0 && q >= 0 && q <= 1, NAN);
  double h = (n - 1) * q;
  guint lo = (guint) floor (h);
  if (lo + 1 >= n)
    return sorted[n - 1];
  return sorted[lo] + (h - lo) * (sorted[lo + 1] - sorted[lo]);
}

void
sim_series_set_summarise (const SimSeriesSet *set, guint s, guint n_used, double q_lo,
                          double q_hi, double *mean, double *lo, double *hi)
{
  g_return_if_fail (set != NULL && s < set->n_series && n_used <= set->n_reps);
  guint n = n_used ? n_used : set->n_reps;
  g_autofree double *col = g_new (double, n);
  for (guint p = 0; p < set->n_points; p++)
    {
      double sum = 0;
      for (guint r = 0; r < n; r++)
        {
          col[r] = set->values[((gsize) s * set->n_reps + r) * set->n_points + p];
          sum += col[r];
        }
      if (mean)
        mean[p] = sum / n;
      if (lo || hi)
        {
          qsort (col, n, sizeof (double), cmp_double);
          if (lo)
            lo[p] = sim_quantile_sorted (col, n, q_lo);
          if (hi)
            hi[p] = sim_quantile_sorted (col, n, q_hi);
        }
    }
}
