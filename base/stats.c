/* SPDX-License-Identifier: MIT */
/*
 * Small statistics (stats.h).  The t CDF goes through the regularized
 * incomplete beta function, I_x(a, b), evaluated by its continued fraction
 * (modified Lentz's method) on the side where it converges fast; the
 * quantile inverts the CDF by bisection on a bracket that always holds it,
 * to a relative width of 1e-12: slow by a numerical library's standards,
 * fast enough for a table of intervals.
 */
#include "base/stats.h"

#include <math.h>

double
base_stats_mean (const double *x, guint n, double *var_out)
{
  if (var_out != NULL)
    *var_out = NAN;
  if (n == 0)
    return NAN;
  double sum = 0;
  for (guint i = 0; i < n; i++)
    sum += x[i];
  double mean = sum / n;
  if (var_out != NULL && n >= 2)
    {
      double ss = 0;
      for (guint i = 0; i < n; i++)
        ss += (x[i] - mean) * (x[i] - mean);
      *var_out = ss / (n - 1);
    }
  return mean;
}

/* The continued fraction of I_x(a, b) (without its prefactor). */
static double
beta_fraction (double a, double b, double x)
{
  const double tiny = 1e-300;
  double c = 1, d = 1 - (a + b) * x / (a + 1);
  d = 1 / (fabs (d) < tiny ? tiny : d);
  double h = d;
  for (int m = 1; m <= 1000; m++)
    {
      double m2 = 2.0 * m;
      double num = m * (b - m) * x / ((a + m2 - 1) * (a + m2));
      d = 1 + num * d;
      d = 1 / (fabs (d) < tiny ? tiny : d);
      c = 1 + num / c;
      c = fabs (c) < tiny ? tiny : c;
      h *= d * c;
      num = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1));
      d = 1 + num * d;
      d = 1 / (fabs (d) < tiny ? tiny : d);
      c = 1 + num / c;
      c = fabs (c) < tiny ? tiny : c;
      double step = d * c;
      h *= step;
      if (fabs (step - 1) < 1e-15)
        break;
    }
  return h;
}

/* The regularized incomplete beta function I_x(a, b). */
static double
incomplete_beta (double a, double b, double x)
{
  if (x <= 0)
    return 0;
  if (x >= 1)
    return 1;
  double front = exp (lgamma (a + b) - lgamma (a) - lgamma (b) + a * log (x)
                      + b * log1p (-x));
  if (x < (a + 1) / (a + b + 2))
    return front * beta_fraction (a, b, x) / a;
  return 1 - front * beta_fraction (b, a, 1 - x) / b;
}

double
base_stats_t_cdf (double t, double df)
{
  if (!(df > 0) || isnan (t))
    return NAN;
  if (isinf (t))
    return t > 0 ? 1 : 0;
  double tail = 0.5 * incomplete_beta (df / 2, 0.5, df / (df + t * t));
  return t > 0 ? 1 - tail : tail;
}

double
base_stats_t_quantile (double p, double df)
{
  if (!(p > 0 && p < 1) || !(df > 0))
    return NAN;
  if (p == 0.5)
    return 0;
  if (p < 0.5)
    return -base_stats_t_quantile (1 - p, df);
  double lo = 0, hi = 1;
  while (base_stats_t_cdf (hi, df) < p && hi < 1e300)
    hi *= 2;
  for (int i = 0; i < 400 && hi - lo > 1e-12 * hi; i++)
    {
      double mid = (lo + hi) / 2;
      if (base_stats_t_cdf (mid, df) < p)
        lo = mid;
      else
        hi = mid;
    }
  return (lo + hi) / 2;
}

BaseStatsDiff
base_stats_diff_paired (const double *a, const double *b, guint n, double level)
{
  BaseStatsDiff out = { NAN, NAN, NAN, NAN, n };
  if (n == 0)
    return out;
  g_autofree double *d = g_new (double, n);
  for (guint i = 0; i < n; i++)
    d[i] = b[i] - a[i];
  double var;
  out.diff = base_stats_mean (d, n, &var);
  if (n < 2)
    return out;
  out.df = n - 1;
  double half = base_stats_t_quantile (0.5 + level / 2, out.df) * sqrt (var / n);
  out.lo = out.diff - half;
  out.hi = out.diff + half;
  return out;
}

BaseStatsDiff
base_stats_diff_welch (const double *a, guint n_a, const double *b, guint n_b, double level)
{
  BaseStatsDiff out = { NAN, NAN, NAN, NAN, n_a + n_b };
  if (n_a == 0 || n_b == 0)
    return out;
  double va, vb;
  double ma = base_stats_mean (a, n_a, &va), mb = base_stats_mean (b, n_b, &vb);
  out.diff = mb - ma;
  if (n_a < 2 || n_b < 2)
    return out;
  double sa = va / n_a, sb = vb / n_b, se2 = sa + sb;
  if (se2 == 0)
    {
      out.lo = out.hi = out.diff;
      out.df = n_a + n_b - 2;
      return out;
    }
  out.df = se2 * se2 / (sa * sa / (n_a - 1) + sb * sb / (n_b - 1));
  double half = base_stats_t_quantile (0.5 + level / 2, out.df) * sqrt (se2);
  out.lo = out.diff - half;
  out.hi = out.diff + half;
  return out;
}
