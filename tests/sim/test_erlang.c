/* SPDX-License-Identifier: MIT */
/*
 * Tests of sim/erlang: Erlang B and C against hand-computed values, the
 * textbook factorial formula (in long double, for small c) and a published
 * table value (c = 10, a = 8: C = 0.4092); stability for c up to 10^5; the
 * mean wait and response; the response-time tail against M/M/1's exact
 * exponential law, against a numerical convolution of the wait's law with
 * the service time's, and across the equal-rates limit theta = mu; quantiles
 * that invert their tails; capacity planning (the answer is enough and one
 * server fewer is not; an impossible bound gives 0); unstable systems and
 * bad arguments.  Everything here is deterministic.
 */
#include "sim/erlang.h"
#include "tests/lib/testutil.h"

#include <math.h>

/* |got - want| <= tol * |want| (or tol when want is 0). */
static void
assert_close (double got, double want, double tol, const char *what)
{
  double scale = want == 0.0 ? 1.0 : fabs (want);
  if (!(fabs (got - want) <= tol * scale))
    g_error ("%s: got %.17g, expected %.17g (relative tolerance %g)", what, got, want, tol);
}

/* Erlang C from its definition with factorials and powers (small c only). */
static double
erlang_c_textbook (guint c, double a)
{
  long double sum = 0.0L, term = 1.0L;   /* term = a^k / k! */
  for (guint k = 0; k < c; k++)
    {
      sum += term;
      term *= (long double) a / (long double) (k + 1);
    }
  long double top = term * c / (c - (long double) a);
  return (double) (top / (sum + top));
}

static void
test_erlang_known_values (void)
{
  /* Erlang B by hand: B(1, a) = a / (1 + a); B(2, 1) = (1/2) / (1 + 1 + 1/2). */
  assert_close (sim_erlang_b (0, 3.0), 1.0, 0.0, "B(0, 3)");
  assert_close (sim_erlang_b (1, 0.5), 0.5 / 1.5, 1e-15, "B(1, 0.5)");
  assert_close (sim_erlang_b (2, 1.0), 0.2, 1e-15, "B(2, 1)");
  /* c = 1: C is the utilisation. */
  for (double rho = 0.0; rho < 1.0; rho += 0.05)
    assert_close (sim_erlang_c (1, rho), rho, 1e-15, "C(1, rho)");
  /* c = 2, a = 1: C = a^2 / (2 + a) = 1/3; c = 3, a = 2: 4/9. */
  assert_close (sim_erlang_c (2, 1.0), 1.0 / 3.0, 1e-15, "C(2, 1)");
  assert_close (sim_erlang_c (3, 2.0), 4.0 / 9.0, 1e-15, "C(3, 2)");
  /* The published table value (e.g. Kleinrock, Queueing Systems I): 0.4092. */
  double c10 = sim_erlang_c (10, 8.0);
  g_test_message ("C(10, 8) = %.10f", c10);
  assert_close (c10, 0.40918015079644, 1e-12, "C(10, 8)");
  g_assert_cmpfloat (fabs (c10 - 0.409), <, 0.0005);
  /* The textbook formula over a grid. */
  for (guint c = 1; c <= 40; c += 3)
    for (double load = 0.05; load < 1.0; load += 0.1)
      assert_close (sim_erlang_c (c, load * c), erlang_c_textbook (c, load * c), 1e-12,
                    "C against the factorial formula");
  /* No load, no wait. */
  g_assert_cmpfloat (sim_erlang_c (5, 0.0), ==, 0.0);
}

static void
test_erlang_large (void)
{
  /* c up to 10^5: finite, in (0, 1), falling with c at fixed a, rising with a. */
  double prev = 1.0;
  for (guint c = 99001; c <= 100000; c += 111)
    {
      double erl = sim_erlang_c (c, 99000.0);
      g_assert_true (erl > 0.0 && erl < 1.0);
      g_assert_cmpfloat (erl, <, prev);
      prev = erl;
    }
  g_assert_cmpfloat (sim_erlang_c (100000, 99500.0), >, sim_erlang_c (100000, 99000.0));
  /* Halfin-Whitt: with c = a + beta sqrt (a), C tends to
   * [1 + beta Phi(beta) / phi(beta)]^-1; beta = 1: 0.2234. */
  double a = 90000.0, beta = 1.0;
  guint c = (guint) (a + beta * sqrt (a));
  double phi = exp (-0.5) / sqrt (2.0 * G_PI), Phi = 0.5 * erfc (-beta / sqrt (2.0));
  double hw = 1.0 / (1.0 + beta * Phi / phi);
  g_test_message ("C(%u, %g) = %.5f, Halfin-Whitt %.5f", c, a, sim_erlang_c (c, a), hw);
  assert_close (sim_erlang_c (c, a), hw, 0.01, "C against the Halfin-Whitt limit");
}

static void
test_erlang_means (void)
{
  /* M/M/1: W = rho / (mu - lambda), T = 1 / (mu - lambda). */
  assert_close (sim_erlang_mean_wait (1, 0.8, 1.0), 0.8 / 0.2, 1e-14, "M/M/1 wait");
  assert_close (sim_erlang_mean_response (1, 0.8, 1.0), 5.0, 1e-14, "M/M/1 response");
  assert_close (sim_erlang_mean_response (1, 1.5, 2.0), 2.0, 1e-14, "M/M/1 response, mu = 2");
  /* M/M/10, a = 8, mu = 0.5 (lambda = 4): W = C / (5 - 4). */
  assert_close (sim_erlang_mean_wait (10, 4.0, 0.5), 0.40918015079644, 1e-12, "M/M/10 wait");
  assert_close (sim_erlang_mean_response (10, 4.0, 0.5), 2.40918015079644, 1e-12,
                "M/M/10 response");
  /* Unstable: every arrival waits, for ever on average. */
  g_assert_cmpfloat (sim_erlang_c (4, 4.0), ==, 1.0);
  g_assert_cmpfloat (sim_erlang_c (4, 9.0), ==, 1.0);
  g_assert_true (isinf (sim_erlang_mean_wait (4, 4.0, 1.0)));
  g_assert_true (isinf (sim_erlang_mean_response (4, 5.0, 1.0)));
  g_assert_cmpfloat (sim_erlang_response_tail (4, 5.0, 1.0, 100.0), ==, 1.0);
  g_assert_true (isinf (sim_erlang_response_quantile (4, 5.0, 1.0, 0.5)));
}

/* P(T > t) by numerical convolution: (1 - C) e^{-mu t} + C [e^{-theta t} +
 * int_0^t theta e^{-theta x} e^{-mu (t - x)} dx], the integral by Simpson. */
static double
tail_by_convolution (guint c, double lambda, double mu, double t)
{
  double erl = sim_erlang_c (c, lambda / mu), theta = c * mu - lambda;
  const int n = 20000;
  double h = t / n, sum = 0.0;
  for (int i = 0; i <= n; i++)
    {
      double x = i * h;
      double f = theta * exp (-theta * x) * exp (-mu * (t - x));
      sum += f * (i == 0 || i == n ? 1.0 : (i % 2 ? 4.0 : 2.0));
    }
  return (1.0 - erl) * exp (-mu * t) + erl * (exp (-theta * t) + sum * h / 3.0);
}

static void
test_erlang_response_tail (void)
{
  /* M/M/1: T ~ Exp(mu - lambda). */
  for (double t = 0.1; t < 50.0; t *= 1.7)
    assert_close (sim_erlang_response_tail (1, 0.7, 1.0, t), exp (-0.3 * t), 1e-12,
                  "M/M/1 response tail");
  g_assert_cmpfloat (sim_erlang_response_tail (3, 1.0, 1.0, 0.0), ==, 1.0);
  g_assert_cmpfloat (sim_erlang_response_tail (3, 1.0, 1.0, -1.0), ==, 1.0);
  /* Against the convolution, with theta above, below and near mu. */
  const struct { guint c; double lambda, mu; } cases[] = {
    { 2, 1.5, 1.0 }, { 8, 6.4, 1.0 }, { 4, 1.0, 0.5 }, { 64, 60.0, 2.0 }, { 3, 2.0, 1.0 },
    { 3, 2.0 - 1e-7, 1.0 },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    for (double t = 0.05; t < 30.0; t *= 1.9)
      assert_close (sim_erlang_response_tail (cases[i].c, cases[i].lambda, cases[i].mu, t),
                    tail_by_convolution (cases[i].c, cases[i].lambda, cases[i].mu, t), 1e-9,
                    "response tail against the convolution");
  /* theta = mu exactly (c = 3, lambda = 2, mu = 1): e^{-t} (1 + C t), and
   * continuous across it. */
  double erl = sim_erlang_c (3, 2.0);
  for (double t = 0.01; t < 40.0; t *= 2.3)
    {
      double at = sim_erlang_response_tail (3, 2.0, 1.0, t);
      assert_close (at, exp (-t) * (1.0 + erl * t), 1e-14, "equal-rates limit");
      assert_close (sim_erlang_response_tail (3, 2.0 + 1e-9, 1.0, t), at, 1e-7, "just below");
      assert_close (sim_erlang_response_tail (3, 2.0 - 1e-9, 1.0, t), at, 1e-7, "just above");
    }
  /* Waiting tail: C e^{-theta t}. */
  assert_close (sim_erlang_wait_tail (10, 8.0, 1.0, 0.5), 0.40918015079644 * exp (-1.0), 1e-12,
                "wait tail");
  g_assert_cmpfloat (sim_erlang_wait_tail (10, 8.0, 1.0, -1.0), ==, 1.0);
  /* Far out: tiny, never NaN or negative (theta t beyond exp's range). */
  double far = sim_erlang_response_tail (64, 1.0, 1.0, 800.0);
  g_assert_true (far >= 0.0 && far < 1e-300);
}

static void
test_erlang_quantiles (void)
{
  const struct { guint c; double lambda, mu; } cases[] = {
    { 1, 0.5, 1.0 }, { 1, 0.95, 1.0 }, { 8, 6.4, 1.0 }, { 64, 60.8, 1.0 }, { 3, 2.0, 1.0 },
    { 200, 150.0, 0.8 }, { 100000, 99000.0, 1.0 },
  };
  const double qs[] = { 0.0, 0.1, 0.5, 0.9, 0.95, 0.99, 0.999 };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    for (gsize j = 0; j < G_N_ELEMENTS (qs); j++)
      {
        guint c = cases[i].c;
        double lambda = cases[i].lambda, mu = cases[i].mu, q = qs[j];
        double t = sim_erlang_response_quantile (c, lambda, mu, q);
        if (q == 0.0)
          {
            g_assert_cmpfloat (t, ==, 0.0);
            continue;
          }
        assert_close (sim_erlang_response_tail (c, lambda, mu, t), 1.0 - q, 1e-10,
                      "response quantile inverts the tail");
        double w = sim_erlang_wait_quantile (c, lambda, mu, q);
        double erl = sim_erlang_c (c, lambda / mu);
        if (1.0 - q >= erl)
          g_assert_cmpfloat (w, ==, 0.0);
        else
          assert_close (sim_erlang_wait_tail (c, lambda, mu, w), 1.0 - q, 1e-12,
                        "wait quantile inverts the tail");
      }
  /* M/M/1 closed form: ln (1 / (1 - q)) / (mu - lambda). */
  assert_close (sim_erlang_response_quantile (1, 0.95, 1.0, 0.99), log (100.0) / 0.05, 1e-11,
                "M/M/1 p99");
}

static void
test_erlang_servers_for (void)
{
  const struct { double lambda, mu, t, q; } cases[] = {
    { 57.6, 1.0, 6.0, 0.99 }, { 57.6, 1.0, 4.7, 0.99 }, { 0.9, 1.0, 10.0, 0.95 },
    { 1000.0, 20.0, 0.25, 0.99 }, { 50000.0, 1.0, 4.7, 0.99 }, { 0.0, 1.0, 5.0, 0.99 },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      double lambda = cases[i].lambda, mu = cases[i].mu, t = cases[i].t, q = cases[i].q;
      double got_q = 0.0;
      guint c = sim_erlang_servers_for (lambda, mu, t, q, &got_q);
      g_test_message ("lambda %g mu %g: p%g <= %g needs %u servers (p = %g)", lambda, mu,
                      100 * q, t, c, got_q);
      g_assert_cmpuint (c, >=, 1);
      g_assert_cmpfloat (c * mu, >, lambda);
      g_assert_cmpfloat (got_q, <=, t * (1.0 + 1e-12));
      assert_close (got_q, sim_erlang_response_quantile (c, lambda, mu, q), 0.0, "quantile out");
      if (c > 1 && (c - 1) * mu > lambda)
        g_assert_cmpfloat (sim_erlang_response_quantile (c - 1, lambda, mu, q), >, t);
    }
  /* The service time alone exceeds the bound: impossible. */
  double got_q = 0.0;
  g_assert_cmpuint (sim_erlang_servers_for (10.0, 1.0, 4.0, 0.99, &got_q), ==, 0); /* ln 100 = 4.6 */
  g_assert_true (isinf (got_q));
  /* Beyond the largest system. */
  g_assert_cmpuint (sim_erlang_servers_for (2e5, 1.0, 10.0, 0.99, NULL), ==, 0);
}

static void
test_erlang_bad_arguments (void)
{
  g_test_expect_message (NULL, G_LOG_LEVEL_CRITICAL, "*assertion*failed*");
  g_assert_true (isnan (sim_erlang_c (0, 1.0)));
  g_test_assert_expected_messages ();
  g_test_expect_message (NULL, G_LOG_LEVEL_CRITICAL, "*assertion*failed*");
  g_assert_true (isnan (sim_erlang_c (3, -1.0)));
  g_test_assert_expected_messages ();
  g_test_expect_message (NULL, G_LOG_LEVEL_CRITICAL, "*assertion*failed*");
  g_assert_true (isnan (sim_erlang_b (SIM_ERLANG_MAX_SERVERS + 1, 1.0)));
  g_test_assert_expected_messages ();
  g_test_expect_message (NULL, G_LOG_LEVEL_CRITICAL, "*assertion*failed*");
  g_assert_true (isnan (sim_erlang_mean_wait (2, 1.0, 0.0)));
  g_test_assert_expected_messages ();
  g_test_expect_message (NULL, G_LOG_LEVEL_CRITICAL, "*assertion*failed*");
  g_assert_true (isnan (sim_erlang_response_tail (2, NAN, 1.0, 1.0)));
  g_test_assert_expected_messages ();
  g_test_expect_message (NULL, G_LOG_LEVEL_CRITICAL, "*assertion*failed*");
  g_assert_true (isnan (sim_erlang_response_quantile (2, 1.0, 1.0, 1.0)));
  g_test_assert_expected_messages ();
  g_test_expect_message (NULL, G_LOG_LEVEL_CRITICAL, "*assertion*failed*");
  g_assert_cmpuint (sim_erlang_servers_for (1.0, 1.0, 5.0, -0.5, NULL), ==, 0);
  g_test_assert_expected_messages ();
}

int
main (int argc, char **argv)
{
  essc_test_init (&argc, &argv);
  g_test_add_func ("/sim/erlang/known-values", test_erlang_known_values);
  g_test_add_func ("/sim/erlang/large-c", test_erlang_large);
  g_test_add_func ("/sim/erlang/means", test_erlang_means);
  g_test_add_func ("/sim/erlang/response-tail", test_erlang_response_tail);
  g_test_add_func ("/sim/erlang/quantiles", test_erlang_quantiles);
  g_test_add_func ("/sim/erlang/servers-for", test_erlang_servers_for);
  g_test_add_func ("/sim/erlang/bad-arguments", test_erlang_bad_arguments);
  return g_test_run ();
}
