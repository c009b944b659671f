/* SPDX-License-Identifier: MIT */
/*
 * Tests of the engine's parallel loop and of the summaries across
 * replications: every unit runs exactly once whatever the threads and the
 * order; quantiles match hand-computed values.
 */
#include "sim/engine.h"
#include "sim/summary.h"
#include "tests/lib/testutil.h"

#include <math.h>

typedef struct {
  gint *calls;
  guint64 *values;
} Units;

static void
unit_fn (guint unit, gpointer data)
{
  Units *u = data;
  g_atomic_int_inc (&u->calls[unit]);
  /* Some work that depends only on the unit. */
  guint64 x = unit + 1;
  for (int i = 0; i < 1000; i++)
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
  u->values[unit] = x;
}

static void
test_every_unit_once (void)
{
  const guint n = 1000;
  g_autofree guint64 *reference = NULL;
  g_autofree guint *order = g_new (guint, n);
  for (guint i = 0; i < n; i++)
    order[i] = (i * 7919) % n; /* a permutation: 7919 is prime to 1000 */

  guint threads[] = { 0, 1, 2, 4, 16, 2000 };
  for (gsize t = 0; t < G_N_ELEMENTS (threads); t++)
    for (int shuffled = 0; shuffled < 2; shuffled++)
      {
        g_autofree gint *calls = g_new0 (gint, n);
        guint64 *values = g_new0 (guint64, n);
        Units u = { calls, values };
        sim_parallel_units (n, threads[t], shuffled ? order : NULL, unit_fn, &u);
        for (guint i = 0; i < n; i++)
          g_assert_cmpint (calls[i], ==, 1);
        if (reference == NULL)
          reference = values;
        else
          {
            g_assert_cmpmem (values, n * sizeof *values, reference, n * sizeof *reference);
            g_free (values);
          }
      }
  sim_parallel_units (0, 4, NULL, unit_fn, NULL); /* no units: no call */
  g_assert_cmpuint (sim_processors (), >=, 1);
}

static void
test_quantiles (void)
{
  const double sorted[] = { 1, 2, 3, 4, 5 };
  g_assert_cmpfloat (sim_quantile_sorted (sorted, 5, 0), ==, 1);
  g_assert_cmpfloat (sim_quantile_sorted (sorted, 5, 1), ==, 5);
  g_assert_cmpfloat (sim_quantile_sorted (sorted, 5, 0.5), ==, 3);
  g_assert_cmpfloat_with_epsilon (sim_quantile_sorted (sorted, 5, 0.05), 1.2, 1e-12);
  g_assert_cmpfloat_with_epsilon (sim_quantile_sorted (sorted, 5, 0.95), 4.8, 1e-12);
  g_assert_cmpfloat (sim_quantile_sorted (sorted, 1, 0.3), ==, 1);

  /* 2 series, 3 points, 4 replications: series 1 holds rep * 10 + point. */
  g_autoptr (SimSeriesSet) set = sim_series_set_new (2, 3, 4);
  for (guint r = 0; r < 4; r++)
    {
      double *row = sim_series_set_row (set, 1, 3 - r); /* filled out of order */
      for (guint p = 0; p < 3; p++)
        row[p] = (3 - r) * 10.0 + p;
    }
  double mean[3], lo[3], hi[3];
  sim_series_set_summarise (set, 1, 0, 0.05, 0.95, mean, lo, hi);
  for (guint p = 0; p < 3; p++)
    {
      g_assert_cmpfloat_with_epsilon (mean[p], 15 + p, 1e-12);
      g_assert_cmpfloat_with_epsilon (lo[p], 1.5 + p, 1e-12);  /* 0.15 of the way 0 -> 10 */
      g_assert_cmpfloat_with_epsilon (hi[p], 28.5 + p, 1e-12);
    }
  /* The first two replications only. */
  sim_series_set_summarise (set, 1, 2, 0.05, 0.95, mean, NULL, NULL);
  g_assert_cmpfloat_with_epsilon (mean[0], 5, 1e-12);
  /* Series 0 is untouched: zeros. */
  sim_series_set_summarise (set, 0, 0, 0.05, 0.95, mean, lo, hi);
  g_assert_cmpfloat (mean[2], ==, 0);
  g_assert_cmpfloat (hi[2], ==, 0);
}

int
main (int argc, char **argv)
{
  essc_test_init (&argc, &argv);
  g_test_add_func ("/sim/engine/every-unit-once-any-threads-any-order", test_every_unit_once);
  g_test_add_func ("/sim/summary/quantiles", test_quantiles);
  return g_test_run ();
}
