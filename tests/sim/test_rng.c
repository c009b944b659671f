/* SPDX-License-Identifier: MIT */
/*
 * Tests of sim/rng: Philox4x32-10 against Random123's known-answer vectors,
 * SplitMix64 against its reference output, the stream contract (the first
 * words of a stream are the Philox blocks of its counters under the
 * documented key, in order), determinism, distinct streams for distinct
 * names, the 2^32-block limit, and the uniform and exponential variates'
 * moments and histogram.  Statistical checks draw from a stream seeded by
 * GTest's seed (printed) and allow several standard errors, so that a
 * correct generator fails with probability well below 1e-6 per run.
 */
#include "sim/rng.h"
#include "tests/lib/testutil.h"

#include <math.h>
#include <string.h>

/* Upper chi-square quantile by Wilson-Hilferty, z standard deviations out. */
static double
chi2_bound (double df, double z)
{
  double c = 2.0 / (9.0 * df);
  double t = 1.0 - c + z * sqrt (c);
  return df * t * t * t;
}

static guint64
test_seed (void)
{
  guint64 seed = ((guint64) g_test_rand_int () << 32) | (guint32) g_test_rand_int ();
  g_test_message ("stream seed %" G_GUINT64_FORMAT, seed);
  return seed;
}

static void
assert_philox (guint32 c0, guint32 c1, guint32 c2, guint32 c3, guint32 k0, guint32 k1,
               guint32 e0, guint32 e1, guint32 e2, guint32 e3)
{
  const guint32 ctr[4] = { c0, c1, c2, c3 }, key[2] = { k0, k1 };
  guint32 out[4];
  sim_rng_philox4x32_10 (ctr, key, out);
  g_assert_cmphex (out[0], ==, e0);
  g_assert_cmphex (out[1], ==, e1);
  g_assert_cmphex (out[2], ==, e2);
  g_assert_cmphex (out[3], ==, e3);
}

/* Random123 1.14, examples/kat_vectors: the three philox4x32 10-round lines. */
static void
test_philox_kat (void)
{
  assert_philox (0, 0, 0, 0, 0, 0,
                 0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8);
  assert_philox (0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff,
                 0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd);
  assert_philox (0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344, 0xa4093822, 0x299f31d0,
                 0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1);

  /* out may alias ctr. */
  guint32 x[4] = { 0, 0, 0, 0 };
  const guint32 key[2] = { 0, 0 };
  sim_rng_philox4x32_10 (x, key, x);
  g_assert_cmphex (x[0], ==, 0x6627e8d5);
  g_assert_cmphex (x[3], ==, 0x9b00dbd8);
}

/* Vigna's splitmix64.c seeded with 0 outputs these first (state += gamma). */
static void
test_splitmix (void)
{
  g_assert_cmphex (sim_rng_splitmix64 (0), ==, G_GUINT64_CONSTANT (0xe220a8397b1dcdaf));
  guint64 gamma = G_GUINT64_CONSTANT (0x9E3779B97F4A7C15);
  g_assert_cmphex (sim_rng_splitmix64 (gamma), ==, G_GUINT64_CONSTANT (0x6e789e6aa1b965f4));
  g_assert_cmphex (sim_rng_key_mix (7, 3), ==,
                   sim_rng_splitmix64 (7 ^ sim_rng_splitmix64 (3)));
}

/* A stream's words are Philox blocks (c0, c1, c2, 0), (c0, c1, c2, 1), ... */
static void
test_stream_layout (void)
{
  guint64 mix = sim_rng_key_mix (20190101, 4);
  const guint32 key[2] = { (guint32) mix, (guint32) (mix >> 32) };
  SimRng r;
  sim_rng_init (&r, 20190101, 4, 321, 730, 5);
  for (guint32 block = 0; block < 3; block++)
    {
      const guint32 ctr[4] = { 321, 730, 5, block };
      guint32 want[4];
      sim_rng_philox4x32_10 (ctr, key, want);
      for (int w = 0; w < 4; w++)
        g_assert_cmphex (sim_rng_u32 (&r), ==, want[w]);
    }

  /* u64 is (w0 << 32) | w1; uniform takes the top 53 bits of a u64. */
  SimRng a, b;
  sim_rng_init (&a, 1, 2, 3, 4, 5);
  sim_rng_init (&b, 1, 2, 3, 4, 5);
  guint64 hi = sim_rng_u32 (&a);
  guint64 lo = sim_rng_u32 (&a);
  guint64 x = sim_rng_u64 (&b);
  g_assert_cmphex (x, ==, (hi << 32) | lo);
  guint64 y = sim_rng_u64 (&a);
  double u = sim_rng_uniform (&b);
  g_assert_cmpfloat (u, ==, (double) (y >> 11) / 9007199254740992.0);

  /* Pinned: the first words for seed 1, replication 0, counter (1, 2, 3).
   * Every simulated series depends on these; a change is a format change. */
  SimRng pin;
  sim_rng_init (&pin, 1, 0, 1, 2, 3);
  guint32 first[4];
  for (int i = 0; i < 4; i++)
    first[i] = sim_rng_u32 (&pin);
  const guint32 ctr[4] = { 1, 2, 3, 0 };
  guint64 m1 = sim_rng_key_mix (1, 0);
  const guint32 k1[2] = { (guint32) m1, (guint32) (m1 >> 32) };
  guint32 want[4];
  sim_rng_philox4x32_10 (ctr, k1, want);
  g_assert_cmpmem (first, sizeof first, want, sizeof want);
  g_assert_cmphex (m1, ==, G_GUINT64_CONSTANT (0x08b4fda8c892b50e));
  g_assert_cmphex (first[0], ==, 0x2d0c8e6a);
}

static void
test_deterministic (void)
{
  guint64 seed = test_seed ();
  SimRng a, b;
  sim_rng_init (&a, seed, 9, 100, 200, 300);
  sim_rng_init (&b, seed, 9, 100, 200, 300);
  for (int i = 0; i < 10000; i++)
    g_assert_cmphex (sim_rng_u32 (&a), ==, sim_rng_u32 (&b));
  /* Opening a stream again starts it again: no hidden shared state. */
  SimRng c;
  sim_rng_init (&c, seed, 9, 100, 200, 300);
  sim_rng_init (&a, seed, 9, 100, 200, 300);
  for (int i = 0; i < 100; i++)
    g_assert_cmpfloat (sim_rng_uniform (&a), ==, sim_rng_uniform (&c));
}

/* Changing any one of the five names changes the stream. */
static void
test_distinct_streams (void)
{
  guint64 seed = test_seed ();
  struct { guint64 s, rep; guint32 c0, c1, c2; } names[] = {
    { seed, 0, 0, 0, 0 },
    { seed ^ 1, 0, 0, 0, 0 },
    { seed, 1, 0, 0, 0 },
    { seed, 0, 1, 0, 0 },
    { seed, 0, 0, 1, 0 },
    { seed, 0, 0, 0, 1 },
    { seed, 0, 0, 0, 0x80000000u },
    { seed, G_GUINT64_CONSTANT (1) << 63, 0, 0, 0 },
    { seed ^ (G_GUINT64_CONSTANT (1) << 63), 0, 0, 0, 0 },
    { seed, 0, 0xffffffffu, 0xffffffffu, 0xffffffffu },
  };
  enum { N = G_N_ELEMENTS (names), WORDS = 8 };
  guint32 first[N][WORDS];
  for (gsize i = 0; i < N; i++)
    {
      SimRng r;
      sim_rng_init (&r, names[i].s, names[i].rep, names[i].c0, names[i].c1, names[i].c2);
      for (int w = 0; w < WORDS; w++)
        first[i][w] = sim_rng_u32 (&r);
    }
  for (gsize i = 0; i < N; i++)
    for (gsize j = i + 1; j < N; j++)
      {
        int same = 0;
        for (int w = 0; w < WORDS; w++)
          same += first[i][w] == first[j][w];
        /* Independent words agree by chance with probability 2^-32 each. */
        if (same > 1)
          g_error ("streams %zu and %zu share %d of their first %d words", i, j, same, WORDS);
      }
  /* Seed and replication are not interchangeable. */
  g_assert_cmphex (sim_rng_key_mix (5, 6), !=, sim_rng_key_mix (6, 5));
}

/* The last block (counter word 0xffffffff) is served; the next aborts. */
static void
test_exhausted (void)
{
  if (g_test_subprocess ())
    {
      SimRng r;
      sim_rng_init (&r, 1, 1, 1, 1, 1);
      r.ctr[3] = 0xffffffffu;          /* private field: only a test does this */
      for (int i = 0; i < 4; i++)
        (void) sim_rng_u32 (&r);
      (void) sim_rng_u32 (&r);
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_failed ();
  g_test_trap_assert_stderr ("*exhausted*");

  SimRng r;
  sim_rng_init (&r, 1, 1, 1, 1, 1);
  r.ctr[3] = 0xffffffffu;
  const guint32 ctr[4] = { 1, 1, 1, 0xffffffffu };
  guint32 want[4];
  sim_rng_philox4x32_10 (ctr, r.key, want);
  for (int i = 0; i < 4; i++)
    g_assert_cmphex (sim_rng_u32 (&r), ==, want[i]);
}

/* Mean 1/2 and variance 1/12 within 6 standard errors; a 100-bin histogram. */
static void
test_uniform_moments (void)
{
  guint64 seed = test_seed ();
  SimRng r;
  sim_rng_init (&r, seed, 0, 1, 2, 3);
  enum { N = 1000000, BINS = 100 };
  static guint counts[BINS];
  memset (counts, 0, sizeof counts);
  double sum = 0.0, sum2 = 0.0;
  for (int i = 0; i < N; i++)
    {
      double u = sim_rng_uniform (&r);
      double d = u - 0.5;
      sum += d;
      sum2 += d * d;
      counts[(int) (u * BINS)]++;
    }
  double mean = sum / N;
  double var = (sum2 - sum * sum / N) / (N - 1);
  /* Var u = 1/12; Var (u - 1/2)^2 = 1/80 - 1/144 = 1/180. */
  g_assert_cmpfloat (fabs (mean), <, 6.0 * sqrt (1.0 / 12.0 / N));
  g_assert_cmpfloat (fabs (var - 1.0 / 12.0), <, 6.0 * sqrt (1.0 / 180.0 / N));

  double chi2 = 0.0, expect = (double) N / BINS;
  for (int b = 0; b < BINS; b++)
    chi2 += (counts[b] - expect) * (counts[b] - expect) / expect;
  g_test_message ("chi-square %.1f on %d df", chi2, BINS - 1);
  g_assert_cmpfloat (chi2, <, chi2_bound (BINS - 1, 6.0));
  g_assert_cmpfloat (chi2, >, chi2_bound (BINS - 1, -6.0));  /* too even is wrong too */
}

/* 10^7 draws: never 0, never 1; the smallest values reach the low bits. */
static void
test_uniform_open (void)
{
  guint64 seed = test_seed ();
  SimRng r;
  sim_rng_init (&r, seed, 1, 0, 0, 0);
  double lo = 1.0, hi = 0.0;
  for (int i = 0; i < 10000000; i++)
    {
      double u = sim_rng_uniform (&r);
      if (u < lo)
        lo = u;
      if (u > hi)
        hi = u;
    }
  g_assert_cmpfloat (lo, >, 0.0);
  g_assert_cmpfloat (hi, <, 1.0);
  /* The minimum of 10^7 uniforms is below 1e-5 except with probability e^-100. */
  g_assert_cmpfloat (lo, <, 1e-5);
  g_assert_cmpfloat (hi, >, 1.0 - 1e-5);
  g_assert_cmpfloat (1.0 - 1.0 / 9007199254740992.0, <, 1.0);  /* the largest value is < 1 */
}

/* Exp(1): mean 1, variance 1 (Var of (x-1)^2 is mu4 - 1 = 9 - 1 = 8). */
static void
test_exp (void)
{
  guint64 seed = test_seed ();
  SimRng r;
  sim_rng_init (&r, seed, 2, 7, 7, 7);
  enum { N = 1000000 };
  double sum = 0.0, sum2 = 0.0;
  for (int i = 0; i < N; i++)
    {
      double x = sim_rng_exp (&r);
      g_assert_true (x > 0.0 && isfinite (x));
      sum += x - 1.0;
      sum2 += (x - 1.0) * (x - 1.0);
    }
  double mean = sum / N;
  double var = (sum2 - sum * sum / N) / (N - 1);
  g_assert_cmpfloat (fabs (mean), <, 6.0 * sqrt (1.0 / N));
  g_assert_cmpfloat (fabs (var - 1.0), <, 6.0 * sqrt (8.0 / N));
}

/* Box-Muller: the pair is the formula on two uniforms; the spare-keeping
 * source yields the pair's two values for two uniforms; moments of N(0, 1). */
static void
test_normal (void)
{
  const guint64 seed = test_seed ();
  SimRng a;
  sim_rng_init (&a, seed, 4, 2, 2, 2);
  SimRng b = a;  /* the same stream, at its start */
  double u1 = sim_rng_uniform (&b), u2 = sim_rng_uniform (&b), z0, z1, only;
  sim_rng_normal_pair (&a, &z0, &z1);
  g_assert_cmpfloat (z0, ==, sqrt (-2.0 * log (u1)) * cos (2.0 * G_PI * u2));
  g_assert_cmpfloat (z1, ==, sqrt (-2.0 * log (u1)) * sin (2.0 * G_PI * u2));
  sim_rng_init (&a, seed, 4, 2, 2, 2);
  sim_rng_normal_pair (&a, &only, NULL);  /* without the second: the same first */
  g_assert_cmpfloat (only, ==, z0);

  SimRngNormal n = SIM_RNG_NORMAL_INIT;
  sim_rng_init (&a, seed, 4, 2, 2, 2);
  g_assert_cmpfloat (sim_rng_normal (&n, &a), ==, z0);
  g_assert_cmpfloat (sim_rng_normal (&n, &a), ==, z1);  /* kept: no draw */
  sim_rng_init (&b, seed, 4, 2, 2, 2);
  sim_rng_uniform (&b);
  sim_rng_uniform (&b);
  g_assert_cmphex (sim_rng_u32 (&a), ==, sim_rng_u32 (&b));

  enum { N = 1000000 };
  double sum = 0.0, sum2 = 0.0;
  for (int i = 0; i < N; i++)
    {
      double x = sim_rng_normal (&n, &a);
      g_assert_true (isfinite (x));
      sum += x;
      sum2 += x * x;
    }
  double mean = sum / N, var = (sum2 - sum * sum / N) / (N - 1);
  g_assert_cmpfloat (fabs (mean), <, 6.0 * sqrt (1.0 / N));
  g_assert_cmpfloat (fabs (var - 1.0), <, 6.0 * sqrt (2.0 / N));
}

/* Adjacent words are uncorrelated (lag-1 correlation of uniforms ~ 0). */
static void
test_serial (void)
{
  guint64 seed = test_seed ();
  SimRng r;
  sim_rng_init (&r, seed, 3, 1, 1, 1);
  enum { N = 1000000 };
  double prev = sim_rng_uniform (&r) - 0.5, sum = 0.0;
  for (int i = 0; i < N; i++)
    {
      double x = sim_rng_uniform (&r) - 0.5;
      sum += prev * x;
      prev = x;
    }
  /* E = 0, sd of each product 1/12. */
  g_assert_cmpfloat (fabs (sum / N), <, 6.0 / 12.0 / sqrt (N));
}

int
main (int argc, char **argv)
{
  essc_test_init (&argc, &argv);
  g_test_add_func ("/sim/rng/philox-kat", test_philox_kat);
  g_test_add_func ("/sim/rng/splitmix", test_splitmix);
  g_test_add_func ("/sim/rng/stream-layout", test_stream_layout);
  g_test_add_func ("/sim/rng/deterministic", test_deterministic);
  g_test_add_func ("/sim/rng/distinct-streams", test_distinct_streams);
  g_test_add_func ("/sim/rng/exhausted", test_exhausted);
  g_test_add_func ("/sim/rng/uniform-moments", test_uniform_moments);
  g_test_add_func ("/sim/rng/uniform-open", test_uniform_open);
  g_test_add_func ("/sim/rng/exp", test_exp);
  g_test_add_func ("/sim/rng/normal", test_normal);
  g_test_add_func ("/sim/rng/serial", test_serial);
  return g_test_run ();
}
