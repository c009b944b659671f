/* SPDX-License-Identifier: MIT */
/*
 * Tests of sim/binomial.  The sampler claims the exact law, so the tests
 * compare it with the law: the mean and variance over a grid of (n, p) that
 * covers both algorithms, the symmetry and n up to 2^40 (against np and
 * np(1-p), with the standard errors of the sample mean and the sample
 * variance from the binomial's fourth central moment); chi-square
 * goodness of fit against the exact pmf (from lgamma) for small n, for BTRD
 * near and far from the mode, and for the mirrored p > 1/2; the
 * multinomial's means, variances and covariances; conservation, zero
 * weights, edge cases, refusals and determinism.  Streams are seeded from
 * GTest's seed (printed); bounds are 6 standard errors (two-sided
 * probability 2e-9 each) and chi-square upper quantiles at z = 6, so a
 * correct sampler fails a run with probability far below 1e-6.  Each check
 * takes a fresh stream (purpose = a counter), so the checks are independent.
 */
#include "sim/binomial.h"
#include "tests/lib/testutil.h"

#include <math.h>
#include <string.h>

#define Z 6.0

static guint64
test_seed (void)
{
  guint64 seed = ((guint64) g_test_rand_int () << 32) | (guint32) g_test_rand_int ();
  g_test_message ("stream seed %" G_GUINT64_FORMAT, seed);
  return seed;
}

/* Upper chi-square quantile by Wilson-Hilferty, z standard deviations out. */
static double
chi2_bound (double df, double z)
{
  double c = 2.0 / (9.0 * df);
  double t = 1.0 - c + z * sqrt (c);
  return df * t * t * t;
}

static double
log_pmf (double n, double p, double k)
{
  return lgamma (n + 1.0) - lgamma (k + 1.0) - lgamma (n - k + 1.0)
         + k * log (p) + (n - k) * log1p (-p);
}

/* ---- moments --------------------------------------------------------------- */

static void
check_moments (guint64 seed, guint32 purpose, gint64 n, double p, int draws)
{
  SimRng r;
  sim_rng_init (&r, seed, 0, 1, 0, purpose);
  double mu = (double) n * p, var = mu * (1.0 - p);
  double sum = 0.0, sum2 = 0.0;
  for (int i = 0; i < draws; i++)
    {
      gint64 x = sim_binomial (&r, n, p);
      if (x < 0 || x > n)
        g_error ("B(%" G_GINT64_FORMAT ", %g) gave %" G_GINT64_FORMAT, n, p, x);
      double d = (double) x - mu;
      sum += d;
      sum2 += d * d;
    }
  double mean = sum / draws;
  double svar = (sum2 - sum * sum / draws) / (draws - 1);
  /* mu4 = npq (1 + 3 (n - 2) pq); Var s^2 = (mu4 - var^2 (N-3)/(N-1)) / N. */
  double pq = p * (1.0 - p);
  double mu4 = var * (1.0 + 3.0 * ((double) n - 2.0) * pq);
  double se_mean = sqrt (var / draws);
  double se_var = sqrt ((mu4 - var * var * (draws - 3.0) / (draws - 1.0)) / draws);
  g_test_message ("B(%" G_GINT64_FORMAT ", %g): mean %+.3g SE, variance %+.3g SE", n, p,
                  mean / se_mean, (svar - var) / se_var);
  if (fabs (mean) > Z * se_mean)
    g_error ("B(%" G_GINT64_FORMAT ", %g): mean off by %g (SE %g)", n, p, mean, se_mean);
  if (fabs (svar - var) > Z * se_var)
    g_error ("B(%" G_GINT64_FORMAT ", %g): variance %g, expected %g (SE %g)", n, p, svar, var,
             se_var);
}

static void
test_moments (void)
{
  guint64 seed = test_seed ();
  const struct { gint64 n; double p; } grid[] = {
    { 1, 0.5 }, { 10, 0.3 }, { 100, 0.01 }, { 1000, 0.5 },
    { 1000000, 3e-4 }, { 30000000, 1e-3 }, { (gint64) 1 << 40, 1e-9 }, { 1000000000, 0.9999 },
    { 1000000, 9.99e-6 }, { 1000000, 1.001e-5 },            /* either side of n p = 10 */
    { SIM_BINOMIAL_MAX_N, 0.25 }, { SIM_BINOMIAL_MAX_N, 1e-15 }, { 7, 0.95 },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (grid); i++)
    check_moments (seed, (guint32) i, grid[i].n, grid[i].p, 500000);
}

/* ---- goodness of fit -------------------------------------------------------- */

/*
 * Chi-square of draws of B(n, p) against the pmf on [lo, hi] = mean +- 9 sd
 * (clipped to [0, n]), with everything outside pooled into the end cells and
 * adjacent cells merged until each expects at least 20.
 */
static void
check_fit (guint64 seed, guint32 purpose, gint64 n, double p, int draws)
{
  double mu = (double) n * p, sd = sqrt (mu * (1.0 - p));
  gint64 lo = (gint64) MAX (0.0, floor (mu - 9.0 * sd - 1.0));
  gint64 hi = (gint64) MIN ((double) n, ceil (mu + 9.0 * sd + 1.0));
  gsize width = (gsize) (hi - lo + 1);
  g_autofree double *expect = g_new0 (double, width);
  g_autofree guint *seen = g_new0 (guint, width);

  double inside = 0.0;
  for (gsize j = 0; j < width; j++)
    inside += expect[j] = exp (log_pmf ((double) n, p, (double) (lo + (gint64) j)));
  /* The mass outside [lo, hi] (below 1e-18) goes to the end cells. */
  expect[0] += (1.0 - inside) / 2.0;
  expect[width - 1] += (1.0 - inside) / 2.0;

  SimRng r;
  sim_rng_init (&r, seed, 0, 2, 0, purpose);
  for (int i = 0; i < draws; i++)
    {
      gint64 x = sim_binomial (&r, n, p);
      g_assert_cmpint (x, >=, 0);
      g_assert_cmpint (x, <=, n);
      seen[CLAMP (x, lo, hi) - lo]++;
    }

  double chi2 = 0.0, e = 0.0, o = 0.0;
  int cells = 0;
  for (gsize j = 0; j < width; j++)
    {
      e += expect[j] * draws;
      o += seen[j];
      if (e >= 20.0 || j == width - 1)
        {
          chi2 += (o - e) * (o - e) / e;
          cells++;
          e = o = 0.0;
        }
    }
  double bound = chi2_bound (cells - 1, Z);
  g_test_message ("B(%" G_GINT64_FORMAT ", %g): chi-square %.1f on %d df (bound %.1f)",
                  n, p, chi2, cells - 1, bound);
  g_assert_cmpint (cells, >=, 3);
  if (chi2 > bound)
    g_error ("B(%" G_GINT64_FORMAT ", %g): chi-square %.1f on %d df exceeds %.1f",
             n, p, chi2, cells - 1, bound);
}

static void
test_fit (void)
{
  guint64 seed = test_seed ();
  const struct { gint64 n; double p; int draws; } cases[] = {
    { 10, 0.3, 400000 }, { 20, 0.05, 400000 },     /* inversion */
    { 30, 0.8, 400000 },                           /* inversion, mirrored */
    { 40, 0.25, 800000 },                          /* BTRD at n p = 10 */
    { 100, 0.25, 800000 },                         /* BTRD, mostly near the mode */
    { 1000, 0.5, 800000 },                         /* BTRD, tails by the exact test */
    { 10000, 0.01, 800000 },
    { 1000, 0.7, 800000 },                         /* BTRD, mirrored */
    { 1000000, 0.3, 800000 },                      /* BTRD, squeeze and log1p test */
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    check_fit (seed, (guint32) i, cases[i].n, cases[i].p, cases[i].draws);
}

/*
 * BTRD away from the mode: for |k - m| > 15 a draw is decided by the
 * squeeze of step 3.2 or the exact test of 3.4 (not by the recurrence of
 * 3.1), and n = 60, p = 1/2 (sd 3.9) or n = 200, p = 0.05 (sd 3.1) puts
 * those k in fine cells at the ends of the fit, with more draws.
 */
static void
test_fit_far_tails (void)
{
  guint64 seed = test_seed ();
  check_fit (seed, 100, 60, 0.5, 800000);
  check_fit (seed, 101, 200, 0.05, 800000);
}

/* ---- edges and refusals ----------------------------------------------------- */

static void
test_edges (void)
{
  SimRng r, untouched;
  sim_rng_init (&r, 1, 2, 3, 4, 5);
  sim_rng_init (&untouched, 1, 2, 3, 4, 5);
  g_assert_cmpint (sim_binomial (&r, 0, 0.5), ==, 0);
  g_assert_cmpint (sim_binomial (&r, 12345, 0.0), ==, 0);
  g_assert_cmpint (sim_binomial (&r, 12345, 1.0), ==, 12345);
  g_assert_cmpint (sim_binomial (&r, SIM_BINOMIAL_MAX_N, 1.0), ==, SIM_BINOMIAL_MAX_N);
  g_assert_cmpint (sim_binomial (&r, SIM_BINOMIAL_MAX_N, 0.0), ==, 0);
  g_assert_cmpint (sim_binomial (&r, 0, 1.0), ==, 0);
  /* None of those drew from the stream. */
  g_assert_cmphex (sim_rng_u32 (&r), ==, sim_rng_u32 (&untouched));

  /* n = 1 is a Bernoulli draw: both values occur, nothing else. */
  int ones = 0;
  for (int i = 0; i < 1000; i++)
    {
      gint64 x = sim_binomial (&r, 1, 0.5);
      g_assert_true (x == 0 || x == 1);
      ones += (int) x;
    }
  g_assert_cmpint (ones, >, 300);
  g_assert_cmpint (ones, <, 700);

  /* The smallest positive p and the largest p below 1. */
  g_assert_cmpint (sim_binomial (&r, SIM_BINOMIAL_MAX_N, 4.9e-324), ==, 0);
  g_assert_cmpint (sim_binomial (&r, SIM_BINOMIAL_MAX_N, 1.0 - 1.0 / 9007199254740992.0),
                   >=, SIM_BINOMIAL_MAX_N - 10);
}

static void
expect_refusal (gint64 n, double p)
{
  SimRng r;
  sim_rng_init (&r, 1, 1, 1, 1, 1);
  g_test_expect_message (NULL, G_LOG_LEVEL_CRITICAL, "*assertion*failed*");
  g_assert_cmpint (sim_binomial (&r, n, p), ==, 0);
  g_test_assert_expected_messages ();
}

static void
test_refusals (void)
{
  expect_refusal (-1, 0.5);
  expect_refusal (SIM_BINOMIAL_MAX_N + 1, 0.5);
  expect_refusal (10, -0.1);
  expect_refusal (10, 1.5);
  expect_refusal (10, NAN);
  expect_refusal (10, INFINITY);

  SimRng r;
  sim_rng_init (&r, 1, 1, 1, 1, 1);
  gint64 out[3] = { 7, 7, 7 };
  const double zero[3] = { 0, 0, 0 }, negative[3] = { 1, -1, 1 }, nan[3] = { 1, NAN, 1 };
  g_test_expect_message (NULL, G_LOG_LEVEL_CRITICAL, "*assertion*failed*");
  sim_multinomial (&r, 5, zero, 3, out);
  g_test_assert_expected_messages ();
  g_assert_cmpint (out[0] + out[1] + out[2], ==, 0);
  g_test_expect_message (NULL, G_LOG_LEVEL_CRITICAL, "*assertion*failed*");
  sim_multinomial (&r, 5, negative, 3, out);
  g_test_assert_expected_messages ();
  g_test_expect_message (NULL, G_LOG_LEVEL_CRITICAL, "*assertion*failed*");
  sim_multinomial (&r, 5, nan, 3, out);
  g_test_assert_expected_messages ();

  /* n = 0 with all-zero weights is fine. */
  sim_multinomial (&r, 0, zero, 3, out);
  g_assert_cmpint (out[0] + out[1] + out[2], ==, 0);
}

static void
test_deterministic (void)
{
  guint64 seed = test_seed ();
  const double w[4] = { 0.5, 0.25, 0.0, 0.25 };
  SimRng a, b;
  sim_rng_init (&a, seed, 3, 10, 20, 30);
  sim_rng_init (&b, seed, 3, 10, 20, 30);
  for (int i = 0; i < 2000; i++)
    {
      gint64 n = (gint64) 1 << (i % 50);
      double p = (i % 97) / 96.0;
      g_assert_cmpint (sim_binomial (&a, n, p), ==, sim_binomial (&b, n, p));
      gint64 oa[4], ob[4];
      sim_multinomial (&a, n, w, 4, oa);
      sim_multinomial (&b, n, w, 4, ob);
      g_assert_cmpmem (oa, sizeof oa, ob, sizeof ob);
    }
  /* Another replication gives other draws. */
  SimRng c;
  sim_rng_init (&c, seed, 4, 10, 20, 30);
  sim_rng_init (&a, seed, 3, 10, 20, 30);
  int same = 0;
  for (int i = 0; i < 100; i++)
    same += sim_binomial (&a, 1000000, 0.3) == sim_binomial (&c, 1000000, 0.3);
  g_assert_cmpint (same, <, 10);
}

/* ---- multinomial -------------------------------------------------------------- */

static void
test_multinomial_moments (void)
{
  guint64 seed = test_seed ();
  enum { K = 7, DRAWS = 100000 };
  /* Unnormalised, with zeros in the middle and at the end. */
  const double w[K] = { 1.0, 0.0, 3.0, 2.0, 0.0, 4.0, 0.0 };
  const gint64 n = 1000;
  double total = 10.0;
  double sum[K] = { 0 }, sum2[K][K] = { { 0 } };
  double d4[K] = { 0 }, cross2[K][K] = { { 0 } };

  SimRng r;
  sim_rng_init (&r, seed, 0, 3, 0, 0);
  for (int t = 0; t < DRAWS; t++)
    {
      gint64 out[K];
      sim_multinomial (&r, n, w, K, out);
      gint64 s = 0;
      double d[K];
      for (int i = 0; i < K; i++)
        {
          g_assert_cmpint (out[i], >=, 0);
          if (w[i] == 0.0)
            g_assert_cmpint (out[i], ==, 0);
          s += out[i];
          d[i] = (double) out[i] - n * w[i] / total;
          sum[i] += d[i];
          d4[i] += d[i] * d[i] * d[i] * d[i];
        }
      g_assert_cmpint (s, ==, n);
      for (int i = 0; i < K; i++)
        for (int j = 0; j < K; j++)
          {
            sum2[i][j] += d[i] * d[j];
            cross2[i][j] += d[i] * d[i] * d[j] * d[j];
          }
    }

  for (int i = 0; i < K; i++)
    {
      double pi = w[i] / total;
      double var = n * pi * (1.0 - pi);
      if (var == 0.0)
        continue;
      double mean = sum[i] / DRAWS;
      g_assert_cmpfloat (fabs (mean), <, Z * sqrt (var / DRAWS));
      /* Moments about the true mean; the SE of a mean of d^2 from its own
       * sample fourth moment. */
      double m2 = sum2[i][i] / DRAWS;
      double se = sqrt ((d4[i] / DRAWS - m2 * m2) / DRAWS);
      if (fabs (m2 - var) > Z * se)
        g_error ("category %d: variance %g, expected %g (SE %g)", i, m2, var, se);
      for (int j = i + 1; j < K; j++)
        {
          double pj = w[j] / total;
          if (pj == 0.0)
            continue;
          double cov = sum2[i][j] / DRAWS, want = -n * pi * pj;
          double se_cov = sqrt ((cross2[i][j] / DRAWS - cov * cov) / DRAWS);
          if (fabs (cov - want) > Z * se_cov)
            g_error ("categories %d, %d: covariance %g, expected %g (SE %g)", i, j, cov,
                     want, se_cov);
        }
    }
}

/* Sums are conserved for any n, any k; draws stop once nothing remains. */
static void
test_multinomial_conserves (void)
{
  guint64 seed = test_seed ();
  SimRng r;
  sim_rng_init (&r, seed, 0, 4, 0, 0);
  enum { K = 60 };
  double w[K];
  for (int t = 0; t < 2000; t++)
    {
      gsize k = 1 + (gsize) (t % K);
      for (gsize i = 0; i < k; i++)
        w[i] = (sim_rng_u32 (&r) % 4 == 0) ? 0.0 : sim_rng_exp (&r);
      w[k - 1] = (t % 3 == 0) ? 0.0 : 1.0;
      w[0] = 0.5;                              /* at least one positive */
      gint64 n = (gint64) (sim_rng_u64 (&r) >> (11 + t % 53));
      gint64 out[K];
      sim_multinomial (&r, n, w, k, out);
      gint64 s = 0;
      for (gsize i = 0; i < k; i++)
        {
          g_assert_cmpint (out[i], >=, 0);
          if (w[i] == 0.0)
            g_assert_cmpint (out[i], ==, 0);
          s += out[i];
        }
      g_assert_cmpint (s, ==, n);
    }

  /* One category takes everything; with n = 0 nothing is drawn. */
  const double one[3] = { 0.0, 2.0, 0.0 };
  gint64 out[3];
  sim_multinomial (&r, 77, one, 3, out);
  g_assert_cmpint (out[0], ==, 0);
  g_assert_cmpint (out[1], ==, 77);
  g_assert_cmpint (out[2], ==, 0);
  SimRng a, b;
  sim_rng_init (&a, 9, 9, 9, 9, 9);
  sim_rng_init (&b, 9, 9, 9, 9, 9);
  const double w3[3] = { 1, 1, 1 };
  sim_multinomial (&a, 0, w3, 3, out);
  g_assert_cmphex (sim_rng_u32 (&a), ==, sim_rng_u32 (&b));
}

/*
 * Tiny weights after a huge one.  Summed in order, 1 + 1e-16 + 0 + 3e-16
 * rounds to 1 + 2^-52 (2.2e-16 above 1), so a remaining weight kept only by
 * subtraction would be 2.2e-16 instead of 4e-16 and give category 1 a share
 * of 0.45 of the tail instead of 1/4.  Given the tail total T, category 1
 * is B(T, 1/4).  (The tail total itself follows the rounded sum: about 2
 * per draw, not 3.6; that is the weights' rounding, not the sampler's.)
 */
static void
test_multinomial_tiny_tail (void)
{
  guint64 seed = test_seed ();
  SimRng r;
  sim_rng_init (&r, seed, 0, 5, 0, 0);
  const double w[4] = { 1.0, 1e-16, 0.0, 3e-16 };
  const gint64 n = SIM_BINOMIAL_MAX_N;
  double s1 = 0.0, tail = 0.0;
  enum { DRAWS = 20000 };
  for (int t = 0; t < DRAWS; t++)
    {
      gint64 out[4];
      sim_multinomial (&r, n, w, 4, out);
      g_assert_cmpint (out[0] + out[1] + out[2] + out[3], ==, n);
      g_assert_cmpint (out[2], ==, 0);
      s1 += (double) out[1];
      tail += (double) (out[1] + out[3]);
    }
  g_test_message ("tail %.0f, category 1 share %.4f", tail, s1 / tail);
  g_assert_cmpfloat (tail, >, 10000.0);
  g_assert_cmpfloat (fabs (s1 - 0.25 * tail), <, Z * sqrt (0.25 * 0.75 * tail));
}

int
main (int argc, char **argv)
{
  essc_test_init (&argc, &argv);
  g_test_add_func ("/sim/binomial/moments", test_moments);
  g_test_add_func ("/sim/binomial/fit", test_fit);
  g_test_add_func ("/sim/binomial/fit-far-tails", test_fit_far_tails);
  g_test_add_func ("/sim/binomial/edges", test_edges);
  g_test_add_func ("/sim/binomial/refusals", test_refusals);
  g_test_add_func ("/sim/binomial/deterministic", test_deterministic);
  g_test_add_func ("/sim/multinomial/moments", test_multinomial_moments);
  g_test_add_func ("/sim/multinomial/conserves", test_multinomial_conserves);
  g_test_add_func ("/sim/multinomial/tiny-tail", test_multinomial_tiny_tail);
  return g_test_run ();
}
