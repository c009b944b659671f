/* SPDX-License-Identifier: MIT */
/*
 * Tests of base/stats: Student's t quantiles against published table
 * values (and the normal's in the limit), the CDF's symmetry and
 * monotonicity, the quantile inverting the CDF, and the paired and Welch
 * intervals against the formulas worked by hand on small data, including
 * the cases without an interval.
 */
#include "base/stats.h"

#include <math.h>

static void
test_t (void)
{
  /* two-sided 90% and 95% critical values of the usual tables */
  const struct { double p, df, t; } table[] = {
    { 0.95, 1, 6.313752 }, { 0.95, 2, 2.919986 }, { 0.95, 9, 1.833113 },
    { 0.975, 9, 2.262157 }, { 0.95, 30, 1.697261 }, { 0.995, 5, 4.032143 },
    { 0.95, 1e7, 1.644854 },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (table); i++)
    {
      double t = base_stats_t_quantile (table[i].p, table[i].df);
      g_assert_cmpfloat_with_epsilon (t, table[i].t, 2e-6);
      g_assert_cmpfloat_with_epsilon (base_stats_t_cdf (t, table[i].df), table[i].p, 1e-10);
      g_assert_cmpfloat_with_epsilon (base_stats_t_quantile (1 - table[i].p, table[i].df), -t,
                                      1e-9);
    }
  /* df 1 is the Cauchy: CDF 1/2 + atan (t) / pi */
  for (double t = -20; t <= 20; t += 0.7)
    g_assert_cmpfloat_with_epsilon (base_stats_t_cdf (t, 1), 0.5 + atan (t) / G_PI, 1e-12);
  double prev = 0;
  for (double t = -10; t <= 10; t += 0.25)
    {
      double c = base_stats_t_cdf (t, 3.5);
      g_assert_cmpfloat (c, >=, prev);
      g_assert_cmpfloat_with_epsilon (c + base_stats_t_cdf (-t, 3.5), 1, 1e-12);
      prev = c;
    }
  g_assert_true (isnan (base_stats_t_quantile (1, 4)));
  g_assert_true (isnan (base_stats_t_quantile (0.9, 0)));
  g_assert_cmpfloat (base_stats_t_quantile (0.5, 4), ==, 0);
}

static void
test_diffs (void)
{
  const double a[] = { 10, 12, 11, 13 }, b[] = { 11, 14, 12, 16 };
  /* paired: d = 1, 2, 1, 3; mean 1.75, variance 0.916667, df 3 */
  BaseStatsDiff p = base_stats_diff_paired (a, b, 4, 0.9);
  double half = 2.353363 * sqrt (0.9166666666666666 / 4);
  g_assert_cmpfloat_with_epsilon (p.diff, 1.75, 1e-12);
  g_assert_cmpfloat_with_epsilon (p.lo, 1.75 - half, 1e-5);
  g_assert_cmpfloat_with_epsilon (p.hi, 1.75 + half, 1e-5);
  g_assert_cmpfloat (p.df, ==, 3);
  /* Welch: var a 1.666667, var b 4.916667; se^2 = 0.416667 + 1.229167 */
  BaseStatsDiff w = base_stats_diff_welch (a, 4, b, 4, 0.9);
  double sa = 1.6666666666666667 / 4, sb = 4.916666666666667 / 4, se2 = sa + sb;
  double df = se2 * se2 / (sa * sa / 3 + sb * sb / 3);
  g_assert_cmpfloat_with_epsilon (w.df, df, 1e-9);
  g_assert_cmpfloat_with_epsilon (w.diff, 1.75, 1e-12);
  half = base_stats_t_quantile (0.95, df) * sqrt (se2);
  g_assert_cmpfloat_with_epsilon (w.hi - w.lo, 2 * half, 1e-9);
  /* the pairs move together here, so the paired interval is narrower */
  g_assert_cmpfloat (p.hi - p.lo, <, w.hi - w.lo);
  /* no interval from one value; equal constants give a point */
  BaseStatsDiff one = base_stats_diff_paired (a, b, 1, 0.9);
  g_assert_cmpfloat (one.diff, ==, 1);
  g_assert_true (isnan (one.lo) && isnan (one.hi));
  const double c[] = { 5, 5, 5 };
  BaseStatsDiff z = base_stats_diff_welch (c, 3, c, 3, 0.9);
  g_assert_cmpfloat (z.lo, ==, 0);
  g_assert_cmpfloat (z.hi, ==, 0);
  g_assert_true (isnan (base_stats_mean (a, 0, NULL)));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/base/stats/t", test_t);
  g_test_add_func ("/base/stats/diffs", test_diffs);
  return g_test_run ();
}
