/* SPDX-License-Identifier: MIT */
/*
 * Tests of the sensitivity engine (sim/sensitivity.h) on functions whose
 * indices are known in closed form.
 *
 * Sobol: the Ishigami function f = sin x1 + a sin^2 x2 + b x3^4 sin x1
 * (a = 7, b = 0.1, x_i uniform on [-pi, pi]), whose variance and partial
 * variances are V = a^2/8 + b pi^4/5 + b^2 pi^8/18 + 1/2, V1 = (1 + b
 * pi^4/5)^2 / 2, V2 = a^2/8, V3 = 0, V13 = 8 b^2 pi^8/225 (Ishigami and
 * Homma 1990; Sobol' and Levitan 1999), so S_i = V_i/V, ST1 = (V1 + V13)/V,
 * ST2 = V2/V, ST3 = V13/V; the test computes them from these forms.  With
 * N = 8192 and a fixed seed every true index lies inside its 95% bootstrap
 * interval; over 40 seeds with N = 512 the intervals hold the true values
 * about as often as they claim (at least 80% of the 240 intervals) and
 * their width matches the spread of the estimates across seeds.
 *
 * Morris: on a linear function mu* is |coefficient| x range and sigma 0,
 * exactly (up to rounding), and a factor with no effect has mu* = 0; on
 * Ishigami with p = 8 levels x1 ranks first and each mu* interval holds the
 * exact expectation of |EE| on the grid (computed by enumerating the
 * levels).  With the default p = 4 the expectations are 7.704 (x1), 7.875
 * (x2) and 6.249 (x3): on that grid x2 edges x1, so the ranking check uses
 * p = 8 (x1 7.959, x2 3.231, x3 5.724).
 *
 * Also: the designs' structure (Morris steps of exactly delta on the grid,
 * each factor once per trajectory; A_B^(i) is A with B's column i), the
 * same seed giving the same bytes, the refusals, and the quantile rule.
 */
#include "sim/sensitivity.h"
#include "tests/lib/testutil.h"

#include <math.h>
#include <string.h>

#define ISH_A 7.0
#define ISH_B 0.1

static double
ishigami (const double *x)
{
  return sin (x[0]) + ISH_A * sin (x[1]) * sin (x[1]) + ISH_B * pow (x[2], 4) * sin (x[0]);
}

/* The analytical first-order and total indices of Ishigami. */
static void
ishigami_truth (double s1[3], double st[3])
{
  const double pi4 = pow (G_PI, 4), pi8 = pow (G_PI, 8);
  double v = ISH_A * ISH_A / 8 + ISH_B * pi4 / 5 + ISH_B * ISH_B * pi8 / 18 + 0.5;
  double v1 = 0.5 * (1 + ISH_B * pi4 / 5) * (1 + ISH_B * pi4 / 5);
  double v2 = ISH_A * ISH_A / 8;
  double v13 = 8 * ISH_B * ISH_B * pi8 / 225;
  s1[0] = v1 / v;
  s1[1] = v2 / v;
  s1[2] = 0;
  st[0] = (v1 + v13) / v;
  st[1] = v2 / v;
  st[2] = v13 / v;
}

static const double ish_low[3] = { -G_PI, -G_PI, -G_PI };
static const double ish_high[3] = { G_PI, G_PI, G_PI };

/* The outputs of f at every point of d.  Returns: (transfer full) */
static double *
evaluate (const SimSensDesign *d, double (*f) (const double *x))
{
  double *y = g_new (double, d->n_points);
  for (guint p = 0; p < d->n_points; p++)
    y[p] = f (&d->x[(gsize) p * d->k]);
  return y;
}

static SimSensIndices *
ishigami_sobol (guint64 seed, guint n, guint bootstrap)
{
  SimSensSpec spec = { .method = SIM_SENS_SOBOL, .k = 3, .low = ish_low, .high = ish_high,
                       .seed = seed, .samples = n };
  g_autoptr (GError) error = NULL;
  g_autoptr (SimSensDesign) d = sim_sens_design_new (&spec, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (d->n_points, ==, n * 5);
  g_autofree double *y = evaluate (d, ishigami);
  SimSensIndices *s = sim_sens_analyse (d, y, bootstrap, 0.95, &error);
  g_assert_no_error (error);
  return s;
}

static void
test_sobol_ishigami (void)
{
  const guint64 seed = 1;
  g_test_message ("seed %" G_GUINT64_FORMAT ", N 8192, 1000 resamples", seed);
  double s1[3], st[3];
  ishigami_truth (s1, st);
  /* the closed forms give the published values */
  g_assert_cmpfloat_with_epsilon (s1[0], 0.3139, 1e-4);
  g_assert_cmpfloat_with_epsilon (s1[1], 0.4424, 1e-4);
  g_assert_cmpfloat_with_epsilon (st[0], 0.5576, 1e-4);
  g_assert_cmpfloat_with_epsilon (st[2], 0.2437, 1e-4);
  g_autoptr (SimSensIndices) s = ishigami_sobol (seed, 8192, 1000);
  for (guint i = 0; i < 3; i++)
    {
      const SimSensIndex *x = &s->index[i];
      g_test_message ("x%u: S1 %.4f [%.4f, %.4f] (true %.4f), ST %.4f [%.4f, %.4f] (true %.4f)",
                      i + 1, x->s1, x->s1_lo, x->s1_hi, s1[i], x->st, x->st_lo, x->st_hi,
                      st[i]);
      g_assert_cmpfloat (x->s1_lo, <=, s1[i]);
      g_assert_cmpfloat (x->s1_hi, >=, s1[i]);
      g_assert_cmpfloat (x->st_lo, <=, st[i]);
      g_assert_cmpfloat (x->st_hi, >=, st[i]);
      g_assert_cmpfloat (x->s1_lo, <=, x->s1);
      g_assert_cmpfloat (x->s1, <=, x->s1_hi);
      /* intervals that say something: narrower than 0.1 */
      g_assert_cmpfloat (x->s1_hi - x->s1_lo, <, 0.1);
      g_assert_cmpfloat (x->st_hi - x->st_lo, <, 0.1);
      g_assert_true (isnan (x->mu_star) && isnan (x->mu_star_lo));
    }
  /* the variance of f over A and B is near V */
  double v = ISH_A * ISH_A / 8 + ISH_B * pow (G_PI, 4) / 5
             + ISH_B * ISH_B * pow (G_PI, 8) / 18 + 0.5;
  g_assert_cmpfloat (fabs (s->variance - v) / v, <, 0.05);
}

/*
 * Coverage: 40 seeds x 6 indices with N = 512 and 95% intervals.  If the
 * intervals are right, each holds its true value with probability near
 * 0.95 (percentile bootstrap intervals undercover a little at small N), so
 * about 228 of 240 hold; the six of a seed are correlated, so count the
 * seeds as the independent units: with coverage 0.95 the share over 40
 * seeds has a standard deviation of at most sqrt (0.95 x 0.05 / 40) = 0.034
 * (less when the six are less than fully correlated), and 80% is 4.4 of
 * them below 95%: a false failure is very unlikely, while intervals half
 * as wide as they should be (about 68% coverage) fail.  Intervals that
 * are far too wide would pass that bound, so the second check compares
 * their mean half-width with 1.96 x the standard deviation of the
 * estimates over the seeds: the ratio must lie in [0.6, 1.6] (the standard
 * deviation from 40 seeds is within about +-11% of its value with 68%
 * probability, so this bound is over 4 of those away).
 */
static void
test_sobol_coverage (void)
{
  enum { SEEDS = 40, N = 512, BOOT = 500 };
  double s1[3], st[3];
  ishigami_truth (s1, st);
  guint held = 0, total = 0;
  double est[6][SEEDS], half[6] = { 0 };
  for (guint seed = 1; seed <= SEEDS; seed++)
    {
      g_autoptr (SimSensIndices) s = ishigami_sobol (1000 + seed, N, BOOT);
      for (guint i = 0; i < 3; i++)
        {
          const SimSensIndex *x = &s->index[i];
          held += x->s1_lo <= s1[i] && s1[i] <= x->s1_hi;
          held += x->st_lo <= st[i] && st[i] <= x->st_hi;
          total += 2;
          est[i][seed - 1] = x->s1;
          est[3 + i][seed - 1] = x->st;
          half[i] += (x->s1_hi - x->s1_lo) / 2 / SEEDS;
          half[3 + i] += (x->st_hi - x->st_lo) / 2 / SEEDS;
        }
    }
  double share = (double) held / total;
  g_test_message ("coverage of the 95%% intervals: %u of %u (%.1f%%)", held, total, 100 * share);
  g_assert_cmpfloat (share, >=, 0.80);
  for (guint j = 0; j < 6; j++)
    {
      double m = 0, ss = 0;
      for (guint s = 0; s < SEEDS; s++)
        m += est[j][s] / SEEDS;
      for (guint s = 0; s < SEEDS; s++)
        ss += (est[j][s] - m) * (est[j][s] - m);
      double sd = sqrt (ss / (SEEDS - 1));
      double ratio = half[j] / (1.96 * sd);
      g_test_message ("%s%u: mean half-width %.4f, 1.96 sd over seeds %.4f, ratio %.2f",
                      j < 3 ? "S1 x" : "ST x", j % 3 + 1, half[j], 1.96 * sd, ratio);
      g_assert_cmpfloat (ratio, >=, 0.6);
      g_assert_cmpfloat (ratio, <=, 1.6);
    }
}

/* A_B^(i) is A with column i of B, every value within its range. */
static void
test_sobol_design (void)
{
  const double low[2] = { 0, 10 }, high[2] = { 1, 20 };
  SimSensSpec spec = { .method = SIM_SENS_SOBOL, .k = 2, .low = low, .high = high,
                       .seed = 5, .samples = 100 };
  g_autoptr (SimSensDesign) d = sim_sens_design_new (&spec, NULL);
  g_assert_nonnull (d);
  g_assert_cmpuint (d->n_points, ==, 400);
  for (guint j = 0; j < 100; j++)
    {
      const double *a = &d->x[(gsize) j * 4 * 2], *b = a + 2, *ab0 = a + 4, *ab1 = a + 6;
      g_assert_cmpint (d->point[j * 4].role, ==, SIM_SENS_POINT_A);
      g_assert_cmpint (d->point[j * 4 + 1].role, ==, SIM_SENS_POINT_B);
      g_assert_cmpint (d->point[j * 4 + 3].role, ==, SIM_SENS_POINT_AB);
      g_assert_cmpint (d->point[j * 4 + 3].factor, ==, 1);
      g_assert_cmpuint (d->point[j * 4 + 2].block, ==, j);
      g_assert_true (ab0[0] == b[0] && ab0[1] == a[1]);
      g_assert_true (ab1[0] == a[0] && ab1[1] == b[1]);
      for (guint i = 0; i < 2; i++)
        {
          g_assert_cmpfloat (a[i], >=, low[i]);
          g_assert_cmpfloat (a[i], <=, high[i]);
          g_assert_cmpfloat (b[i], >=, low[i]);
          g_assert_cmpfloat (b[i], <=, high[i]);
        }
      g_assert_true (a[0] != b[0] && a[1] != b[1]);
    }
}

/* ---- Morris ----------------------------------------------------------------- */

static double
linear (const double *x)
{
  return 3 * x[0] - 2 * x[1] + 0 * x[2] + 1;
}

static void
test_morris_linear (void)
{
  const double low[3] = { 0, -1, 5 }, high[3] = { 10, 1, 6 };
  const double expect_mu[3] = { 30, -4, 0 };
  for (guint levels = 2; levels <= 8; levels += 2)
    {
      SimSensSpec spec = { .method = SIM_SENS_MORRIS, .k = 3, .low = low, .high = high,
                           .seed = 9, .trajectories = 12, .levels = levels };
      g_autoptr (GError) error = NULL;
      g_autoptr (SimSensDesign) d = sim_sens_design_new (&spec, &error);
      g_assert_no_error (error);
      g_autofree double *y = evaluate (d, linear);
      g_autoptr (SimSensIndices) s = sim_sens_analyse (d, y, 200, 0.9, &error);
      g_assert_no_error (error);
      for (guint i = 0; i < 3; i++)
        {
          const SimSensIndex *x = &s->index[i];
          g_test_message ("p %u, x%u: mu %.17g, mu* %.17g, sigma %.3g", levels, i + 1, x->mu,
                          x->mu_star, x->sigma);
          g_assert_cmpfloat_with_epsilon (x->mu, expect_mu[i], 1e-12 * 30);
          g_assert_cmpfloat_with_epsilon (x->mu_star, fabs (expect_mu[i]), 1e-12 * 30);
          g_assert_cmpfloat (x->sigma, <=, 1e-12 * 30);
          g_assert_cmpfloat_with_epsilon (x->mu_star_lo, fabs (expect_mu[i]), 1e-12 * 30);
          g_assert_cmpfloat_with_epsilon (x->mu_star_hi, fabs (expect_mu[i]), 1e-12 * 30);
          g_assert_true (isnan (x->s1) && isnan (x->st));
        }
      /* the factor with no effect is exactly 0 */
      g_assert_cmpfloat (s->index[2].mu_star, ==, 0);
    }
}

/* Every trajectory: k + 1 points on the grid, consecutive points differ in
 * exactly the factor named, by delta of its range, each factor once. */
static void
test_morris_design (void)
{
  const double low[4] = { 0, 1, -5, 100 }, high[4] = { 1, 3, 5, 200 };
  SimSensSpec spec = { .method = SIM_SENS_MORRIS, .k = 4, .low = low, .high = high,
                       .seed = 3, .trajectories = 50, .levels = 6 };
  g_autoptr (SimSensDesign) d = sim_sens_design_new (&spec, NULL);
  g_assert_nonnull (d);
  g_assert_cmpuint (d->n_points, ==, 250);
  g_assert_cmpfloat_with_epsilon (d->delta, 0.6, 1e-15);
  guint starts_up[4] = { 0 };
  for (guint t = 0; t < 50; t++)
    {
      gboolean moved[4] = { FALSE };
      g_assert_cmpint (d->point[t * 5].factor, ==, -1);
      for (guint step = 0; step <= 4; step++)
        {
          guint at = t * 5 + step;
          g_assert_cmpuint (d->point[at].block, ==, t);
          for (guint i = 0; i < 4; i++)
            {
              double u = (d->x[at * 4 + i] - low[i]) / (high[i] - low[i]) * 5;
              g_assert_cmpfloat (fabs (u - round (u)), <, 1e-9);   /* on the grid */
            }
          if (step == 0)
            continue;
          guint i = (guint) d->point[at].factor;
          g_assert_false (moved[i]);
          moved[i] = TRUE;
          for (guint j = 0; j < 4; j++)
            {
              double diff = d->x[at * 4 + j] - d->x[(at - 1) * 4 + j];
              if (j != i)
                g_assert_cmpfloat (diff, ==, 0);
              else
                g_assert_cmpfloat_with_epsilon (fabs (diff), 0.6 * (high[j] - low[j]),
                                                1e-12 * (high[j] - low[j]));
            }
          starts_up[i] += d->x[at * 4 + i] > d->x[(at - 1) * 4 + i];
        }
    }
  /* both directions occur for every factor */
  for (guint i = 0; i < 4; i++)
    g_assert_true (starts_up[i] > 0 && starts_up[i] < 50);
}

/* The exact expectation of |EE_i| of Ishigami on the p-level grid: the
 * factor's own level and the others' are independent and uniform over the
 * levels when it moves. */
static double
ishigami_expected_abs_ee (guint i, guint p)
{
  const guint half = p / 2;
  const double delta = (double) p / (2.0 * (p - 1));
  double sum = 0;
  guint n = 0;
  for (guint a = 0; a < p; a++)
    for (guint b = 0; b < p; b++)
      for (guint c = 0; c < p; c++)
        {
          guint lv[3] = { a, b, c };
          double x[3], y[3];
          for (guint j = 0; j < 3; j++)
            x[j] = y[j] = -G_PI + 2 * G_PI * lv[j] / (p - 1);
          guint to = lv[i] < half ? lv[i] + half : lv[i] - half;
          y[i] = -G_PI + 2 * G_PI * to / (p - 1);
          sum += fabs (ishigami (y) - ishigami (x)) / delta;
          n++;
        }
  return sum / n;
}

static void
test_morris_ishigami (void)
{
  SimSensSpec spec = { .method = SIM_SENS_MORRIS, .k = 3, .low = ish_low, .high = ish_high,
                       .seed = 17, .trajectories = 400, .levels = 8 };
  g_autoptr (GError) error = NULL;
  g_autoptr (SimSensDesign) d = sim_sens_design_new (&spec, &error);
  g_assert_no_error (error);
  g_autofree double *y = evaluate (d, ishigami);
  g_autoptr (SimSensIndices) s = sim_sens_analyse (d, y, 1000, 0.95, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < 3; i++)
    {
      const SimSensIndex *x = &s->index[i];
      double expect = ishigami_expected_abs_ee (i, 8);
      g_test_message ("x%u: mu* %.3f [%.3f, %.3f] (expected %.3f), mu %.3f, sigma %.3f", i + 1,
                      x->mu_star, x->mu_star_lo, x->mu_star_hi, expect, x->mu, x->sigma);
      g_assert_cmpfloat (x->mu_star_lo, <=, expect);
      g_assert_cmpfloat (x->mu_star_hi, >=, expect);
    }
  g_assert_cmpfloat (s->index[0].mu_star, >, s->index[1].mu_star);
  g_assert_cmpfloat (s->index[0].mu_star, >, s->index[2].mu_star);
  /* x3 acts only through its interaction with x1: the spread of its
   * effects is comparable with their mean size */
  g_assert_cmpfloat (s->index[2].sigma, >, 0.5 * s->index[2].mu_star);
  /* and with p = 4, the expectations the header states */
  g_assert_cmpfloat_with_epsilon (ishigami_expected_abs_ee (0, 4), 7.704, 1e-3);
  g_assert_cmpfloat_with_epsilon (ishigami_expected_abs_ee (1, 4), 7.875, 1e-3);
}

/* ---- determinism and refusals ------------------------------------------------ */

static void
test_same_seed_same_bytes (void)
{
  for (int m = 0; m < 2; m++)
    {
      SimSensSpec spec = { .method = m ? SIM_SENS_SOBOL : SIM_SENS_MORRIS, .k = 3,
                           .low = ish_low, .high = ish_high, .seed = 77, .trajectories = 20,
                           .levels = 4, .samples = 64 };
      g_autoptr (SimSensDesign) d1 = sim_sens_design_new (&spec, NULL);
      g_autoptr (SimSensDesign) d2 = sim_sens_design_new (&spec, NULL);
      g_assert_cmpmem (d1->x, d1->n_points * 3 * sizeof (double), d2->x,
                       d2->n_points * 3 * sizeof (double));
      g_autofree double *y = evaluate (d1, ishigami);
      g_autoptr (SimSensIndices) s1 = sim_sens_analyse (d1, y, 300, 0.95, NULL);
      g_autoptr (SimSensIndices) s2 = sim_sens_analyse (d2, y, 300, 0.95, NULL);
      g_assert_cmpmem (s1->index, 3 * sizeof (SimSensIndex), s2->index,
                       3 * sizeof (SimSensIndex));
      spec.seed = 78;
      g_autoptr (SimSensDesign) d3 = sim_sens_design_new (&spec, NULL);
      g_assert_true (memcmp (d1->x, d3->x, d1->n_points * 3 * sizeof (double)) != 0);
    }
}

static void
test_refusals (void)
{
  const double low[2] = { 0, 1 }, high[2] = { 1, 1 };
  struct {
    SimSensSpec spec;
    const char *message;
  } cases[] = {
    { { SIM_SENS_MORRIS, 0, low, high, 1, 10, 4, 0 }, "0 factors, expected 1..64" },
    { { SIM_SENS_MORRIS, 2, low, high, 1, 10, 4, 0 }, "factor 2: range 1..1, expected" },
    { { SIM_SENS_MORRIS, 1, low, high, 1, 1, 4, 0 }, "1 trajectories, expected 2.." },
    { { SIM_SENS_MORRIS, 1, low, high, 1, 10, 5, 0 }, "5 levels, expected an even number" },
    { { SIM_SENS_SOBOL, 1, low, high, 1, 0, 0, 1 }, "1 samples, expected 2.." },
    { { SIM_SENS_SOBOL, 1, low, high, 1, 0, 0, 9000000 }, "more than 10000000 points" },
  };
  for (gsize c = 0; c < G_N_ELEMENTS (cases); c++)
    {
      g_autoptr (GError) error = NULL;
      g_assert_null (sim_sens_design_new (&cases[c].spec, &error));
      g_assert_error (error, SIM_SENS_ERROR, SIM_SENS_ERROR_INVALID);
      g_test_message ("%s", error->message);
      g_assert_nonnull (strstr (error->message, cases[c].message));
    }
  /* an output that is not finite names its point */
  SimSensSpec spec = { .method = SIM_SENS_SOBOL, .k = 1, .low = low, .high = low + 1,
                       .seed = 1, .samples = 4 };
  const double high1 = 2;
  spec.high = &high1;
  g_autoptr (SimSensDesign) d = sim_sens_design_new (&spec, NULL);
  double y[12] = { 0 };
  y[7] = NAN;
  g_autoptr (GError) error = NULL;
  g_assert_null (sim_sens_analyse (d, y, 10, 0.95, &error));
  g_assert_nonnull (strstr (error->message, "point 7 is nan"));
  g_clear_error (&error);
  g_assert_null (sim_sens_analyse (d, (double[12]) { 0 }, 10, 1.0, &error));
  g_assert_nonnull (strstr (error->message, "interval level 1"));
  /* a constant output: no Sobol indices (V = 0) */
  g_autoptr (SimSensIndices) s = sim_sens_analyse (d, (double[12]) { 0 }, 10, 0.9, NULL);
  g_assert_true (isnan (s->index[0].s1) && isnan (s->index[0].st_lo));
  g_assert_cmpfloat (s->variance, ==, 0);
}

static void
test_quantile (void)
{
  double v[5] = { 5, 1, 4, 2, 3 };
  g_assert_cmpfloat (sim_sens_quantile (v, 5, 0), ==, 1);
  g_assert_cmpfloat (sim_sens_quantile (v, 5, 1), ==, 5);
  g_assert_cmpfloat (sim_sens_quantile (v, 5, 0.5), ==, 3);
  g_assert_cmpfloat_with_epsilon (sim_sens_quantile (v, 5, 0.1), 1.4, 1e-15);
  double one[1] = { 7 };
  g_assert_cmpfloat (sim_sens_quantile (one, 1, 0.025), ==, 7);
  g_assert_true (isnan (sim_sens_quantile (one, 0, 0.5)));
}

int
main (int argc, char **argv)
{
  essc_test_init (&argc, &argv);
  g_test_add_func ("/sim/sensitivity/sobol/ishigami", test_sobol_ishigami);
  g_test_add_func ("/sim/sensitivity/sobol/coverage", test_sobol_coverage);
  g_test_add_func ("/sim/sensitivity/sobol/design", test_sobol_design);
  g_test_add_func ("/sim/sensitivity/morris/linear", test_morris_linear);
  g_test_add_func ("/sim/sensitivity/morris/design", test_morris_design);
  g_test_add_func ("/sim/sensitivity/morris/ishigami", test_morris_ishigami);
  g_test_add_func ("/sim/sensitivity/same-seed-same-bytes", test_same_seed_same_bytes);
  g_test_add_func ("/sim/sensitivity/refusals", test_refusals);
  g_test_add_func ("/sim/sensitivity/quantile", test_quantile);
  return g_test_run ();
}
