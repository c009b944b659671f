/* SPDX-License-Identifier: MIT */
/*
 * Tests of sim/histogram: quantiles of uniform and exponential samples
 * (drawn from sim/rng, seeded by GTest's seed, printed) against the exact
 * sorted-sample quantiles within the documented relative error, a bound
 * that holds for every sample, so the check is not statistical; exact
 * count, sum, mean, min and max; underflow and overflow; merging in any
 * order gives the bytes of one histogram that saw every value; the byte
 * format against a hand-assembled golden encoding, its round trip, and its
 * refusals: every truncation, named malformations and a sample of byte
 * flips, each refused or decoded to a histogram that is then checked.
 */
#include "sim/histogram.h"
#include "sim/rng.h"
#include "tests/lib/testutil.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static guint64
test_seed (void)
{
  guint64 seed = ((guint64) g_test_rand_int () << 32) | (guint32) g_test_rand_int ();
  g_test_message ("stream seed %" G_GUINT64_FORMAT, seed);
  return seed;
}

static int
cmp_double (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return x < y ? -1 : x > y;
}

static void
assert_bytes_equal (GBytes *a, GBytes *b)
{
  gsize la, lb;
  const guint8 *da = g_bytes_get_data (a, &la), *db = g_bytes_get_data (b, &lb);
  g_assert_cmpmem (da, la, db, lb);
}

/* ---- layout ---------------------------------------------------------------- */

typedef struct {
  guint calls, last_index;
  guint64 total;
  int p;
  double value; /* when > 0: the one value recorded */
} Walk;

static void
walk_bucket (guint index, double lower, double upper, guint64 count, gpointer data)
{
  Walk *w = data;
  g_assert_true (w->calls == 0 || index > w->last_index);
  g_assert_cmpfloat (lower, <, upper);
  /* A bucket is at most 2^-p of its lower edge wide. */
  g_assert_cmpfloat ((upper - lower) / lower, <=, ldexp (1.0, -w->p));
  g_assert_cmpuint (count, >, 0);
  if (w->value > 0)
    {
      g_assert_cmpfloat (lower, <=, w->value);
      g_assert_cmpfloat (w->value, <, upper);
    }
  w->calls++;
  w->last_index = index;
  w->total += count;
}

static void
test_layout (void)
{
  g_autoptr (SimHistogram) h = sim_histogram_new (1e-7, 1e4, 7);
  /* 1e-7 = 1.678 * 2^-24 is in bucket 86 of binade -24, 1e4 = 1.221 * 2^13
   * in bucket 28 of binade 13: 37 * 128 + 28 - 86 + 1 buckets. */
  g_assert_cmpuint (sim_histogram_n_buckets (h), ==, 37 * 128 + 28 - 86 + 1);
  g_assert_cmpuint (sim_histogram_n_buckets (h), ==, 4679);
  g_assert_cmpfloat (sim_histogram_relative_error (h), ==, 1.0 / 256);
  g_assert_cmpint (sim_histogram_precision_bits (h), ==, 7);
  g_assert_cmpfloat (sim_histogram_range_min (h), ==, 1e-7);
  g_assert_cmpfloat (sim_histogram_range_max (h), ==, 1e4);

  /* Each value lands in a bucket that contains it. */
  const double values[] = { 1e-7, 3e-7, 0.001, 0.5, 1.0, 1.0078125, 1.0078124, 2.0, 9999.0, 1e4 };
  for (gsize i = 0; i < G_N_ELEMENTS (values); i++)
    {
      g_autoptr (SimHistogram) one = sim_histogram_new_like (h);
      sim_histogram_record (one, values[i]);
      Walk w = { .p = 7, .value = values[i] };
      sim_histogram_foreach (one, walk_bucket, &w);
      g_assert_cmpuint (w.calls, ==, 1);
      g_assert_cmpuint (w.last_index, <, sim_histogram_n_buckets (h));
      /* Rank 1 is rank count: the exact value. */
      g_assert_cmpfloat (sim_histogram_quantile (one, 0.5), ==, values[i]);
    }
  /* Bucket edges: 1.0 and 1.0078125 = 1 + 2^-7 start adjacent buckets. */
  g_autoptr (SimHistogram) two = sim_histogram_new_like (h);
  sim_histogram_record (two, 1.0078124);
  sim_histogram_record (two, 1.0078125);
  Walk w = { .p = 7 };
  sim_histogram_foreach (two, walk_bucket, &w);
  g_assert_cmpuint (w.calls, ==, 2);
  g_assert_cmpuint (w.total, ==, 2);
}

static void
expect_new_refused (double min, double max, int p)
{
  g_test_expect_message (NULL, G_LOG_LEVEL_CRITICAL, "*assertion*failed*");
  SimHistogram *h = sim_histogram_new (min, max, p);
  g_test_assert_expected_messages ();
  g_assert_null (h);
}

static void
test_new_refusals (void)
{
  expect_new_refused (1e-7, 1e4, 0);
  expect_new_refused (1e-7, 1e4, 21);
  expect_new_refused (0.0, 1e4, 7);
  expect_new_refused (-1.0, 1e4, 7);
  expect_new_refused (1e-310, 1e4, 7); /* subnormal */
  expect_new_refused (NAN, 1e4, 7);
  expect_new_refused (1.0, 1.0, 7);
  expect_new_refused (2.0, 1.0, 7);
  expect_new_refused (1.0, INFINITY, 7);
  expect_new_refused (DBL_MIN, DBL_MAX, 20); /* 2^31 buckets */
  SimHistogram *wide = sim_histogram_new (DBL_MIN, DBL_MAX, 10);
  g_assert_nonnull (wide);
  g_assert_cmpuint (sim_histogram_n_buckets (wide), ==, 2046u * 1024);
  sim_histogram_free (wide);
  sim_histogram_free (NULL);
}

/* ---- quantiles ------------------------------------------------------------ */

enum { N_SAMPLE = 100000 };

static void
check_quantiles (const char *what, double *values, gsize n, int p)
{
  g_autoptr (SimHistogram) h = sim_histogram_new (1e-7, 1e4, p);
  for (gsize i = 0; i < n; i++)
    sim_histogram_record (h, values[i]);
  qsort (values, n, sizeof *values, cmp_double);
  double bound = sim_histogram_relative_error (h);
  const double qs[] = { 0.0, 0.001, 0.1, 0.5, 0.9, 0.95, 0.99, 0.999, 1.0 };
  double prev = 0;
  for (gsize k = 0; k < G_N_ELEMENTS (qs); k++)
    {
      double rank = ceil (qs[k] * (double) n);
      gsize r = rank < 1 ? 1 : (gsize) rank;
      double exact = values[r - 1], got = sim_histogram_quantile (h, qs[k]);
      double err = fabs (got - exact) / exact;
      if (k == 4 && p == 7)
        g_test_message ("%s p=%d: q=%g exact %.9g histogram %.9g (relative error %.2e, bound "
                        "%.2e)", what, p, qs[k], exact, got, err, bound);
      g_assert_cmpfloat (err, <=, bound);
      if (qs[k] == 0.0 || qs[k] == 1.0)
        g_assert_cmpfloat (got, ==, exact);
      g_assert_cmpfloat (got, >=, prev);
      prev = got;
    }
  g_assert_cmpuint (sim_histogram_count (h), ==, n);
}

static void
test_quantiles_uniform (void)
{
  SimRng r;
  sim_rng_init (&r, test_seed (), 0, 1, 0, 0);
  g_autofree double *v = g_new (double, N_SAMPLE);
  const int ps[] = { 3, 7, 10 };
  for (gsize k = 0; k < G_N_ELEMENTS (ps); k++)
    {
      for (gsize i = 0; i < N_SAMPLE; i++)
        v[i] = 0.010 + 0.190 * sim_rng_uniform (&r); /* 10 to 200 ms */
      check_quantiles ("uniform", v, N_SAMPLE, ps[k]);
    }
}

static void
test_quantiles_exponential (void)
{
  SimRng r;
  sim_rng_init (&r, test_seed (), 0, 2, 0, 0);
  g_autofree double *v = g_new (double, N_SAMPLE);
  const int ps[] = { 3, 7, 10 };
  for (gsize k = 0; k < G_N_ELEMENTS (ps); k++)
    {
      for (gsize i = 0; i < N_SAMPLE; i++)
        v[i] = 0.050 * sim_rng_exp (&r); /* mean 50 ms, spanning many binades */
      check_quantiles ("exponential", v, N_SAMPLE, ps[k]);
    }
  /* A small sample: every rank is its own order statistic. */
  for (gsize i = 0; i < 7; i++)
    v[i] = 0.050 * sim_rng_exp (&r);
  check_quantiles ("exponential, 7 values", v, 7, 7);
}

/* ---- moments, under- and overflow ----------------------------------------- */

static void
test_moments_exact (void)
{
  g_autoptr (SimHistogram) h = sim_histogram_new (1e-3, 1e4, 7);
  g_assert_cmpuint (sim_histogram_count (h), ==, 0);
  g_assert_true (isnan (sim_histogram_mean (h)));
  g_assert_true (isnan (sim_histogram_min (h)));
  g_assert_true (isnan (sim_histogram_max (h)));
  g_assert_true (isnan (sim_histogram_quantile (h, 0.5)));
  g_assert_cmpfloat (sim_histogram_sum (h), ==, 0.0);

  /* Dyadic values: the double sum is exact too. */
  double s = 0, lo = INFINITY, hi = 0;
  for (int i = 1; i <= 1000; i++)
    {
      double v = (i * 37 % 1000 + 1) / 1024.0;
      sim_histogram_record (h, v);
      s += v;
      lo = MIN (lo, v);
      hi = MAX (hi, v);
    }
  g_assert_cmpfloat (sim_histogram_sum (h), ==, s);
  g_assert_cmpfloat (sim_histogram_mean (h), ==, s / 1000);
  g_assert_cmpfloat (sim_histogram_min (h), ==, lo);
  g_assert_cmpfloat (sim_histogram_max (h), ==, hi);

  /* 2^53 then a thousand ones: a double sum loses every one of them. */
  sim_histogram_reset (h);
  sim_histogram_record (h, 9007199254740992.0);
  double naive = 9007199254740992.0;
  for (int i = 0; i < 1000; i++)
    {
      sim_histogram_record (h, 1.0);
      naive += 1.0;
    }
  g_assert_cmpfloat (naive, ==, 9007199254740992.0);
  g_assert_cmpfloat (sim_histogram_sum (h), ==, 9007199254741992.0);
  g_assert_cmpuint (sim_histogram_overflow (h), ==, 1);

  /* Rounding of the exact sum: 2^53 + 1 is a tie (to even: 2^53); a tiny
   * underflow value more breaks the tie upwards. */
  sim_histogram_reset (h);
  sim_histogram_record (h, 9007199254740992.0);
  sim_histogram_record (h, 1.0);
  g_assert_cmpfloat (sim_histogram_sum (h), ==, 9007199254740992.0);
  sim_histogram_record (h, 1e-300);
  g_assert_cmpfloat (sim_histogram_sum (h), ==, 9007199254740994.0);

  /* Subnormals are summed exactly too. */
  sim_histogram_reset (h);
  for (int i = 0; i < 3; i++)
    sim_histogram_record (h, 4.9406564584124654e-324);
  g_assert_cmpfloat (sim_histogram_sum (h), ==, 3 * 4.9406564584124654e-324);
  g_assert_cmpuint (sim_histogram_underflow (h), ==, 3);
}

static void
test_record_n (void)
{
  g_autoptr (SimHistogram) a = sim_histogram_new (1e-7, 1e4, 7);
  g_autoptr (SimHistogram) b = sim_histogram_new_like (a);
  const double v[] = { 0.0, 3e-8, 0.0123, 0.7, 1.0, 123.456, 2e4 };
  for (gsize i = 0; i < G_N_ELEMENTS (v); i++)
    {
      for (int k = 0; k < 13; k++)
        sim_histogram_record (a, v[i]);
      sim_histogram_record_n (b, v[i], 13);
      sim_histogram_record_n (b, v[i], 0);
    }
  g_assert_true (sim_histogram_equal (a, b));
  g_autoptr (GBytes) ba = sim_histogram_serialize (a);
  g_autoptr (GBytes) bb = sim_histogram_serialize (b);
  assert_bytes_equal (ba, bb);

  /* Large counts: the exact sum n v, rounded once, is the double product. */
  const guint64 ns[] = { G_GUINT64_CONSTANT (1) << 40, 1000000007, G_MAXUINT64 };
  const double xs[] = { 1e-3, 0.1, 3.0, 7e-9, 6543.21 };
  for (gsize i = 0; i < G_N_ELEMENTS (ns); i++)
    for (gsize j = 0; j < G_N_ELEMENTS (xs); j++)
      {
        g_autoptr (SimHistogram) h = sim_histogram_new_like (a);
        sim_histogram_record_n (h, xs[j], ns[i]);
        g_assert_cmpfloat (sim_histogram_sum (h), ==, (double) ns[i] * xs[j]);
        g_assert_cmpuint (sim_histogram_count (h), ==, ns[i]);
        g_assert_cmpfloat (sim_histogram_quantile (h, 0.5), ==, xs[j]);
      }
  g_autoptr (SimHistogram) huge = sim_histogram_new_like (a);
  sim_histogram_record_n (huge, DBL_MAX, G_MAXUINT64);
  g_assert_true (isinf (sim_histogram_sum (huge)));
  g_test_expect_message (NULL, G_LOG_LEVEL_CRITICAL, "*assertion*failed*");
  sim_histogram_record_n (huge, 1.0, 1);
  g_test_assert_expected_messages ();
  g_assert_cmpuint (sim_histogram_count (huge), ==, G_MAXUINT64);
}

static void
test_under_overflow (void)
{
  g_autoptr (SimHistogram) h = sim_histogram_new (1e-3, 10.0, 7);
  sim_histogram_record (h, 0.5);
  sim_histogram_record (h, -0.0);
  sim_histogram_record (h, 0.0);
  sim_histogram_record (h, 9.99e-4);
  sim_histogram_record (h, 1e-3);   /* range_min: in range */
  sim_histogram_record (h, 10.0);   /* range_max: in range */
  sim_histogram_record (h, 10.000001);
  sim_histogram_record (h, 1e300);
  g_assert_cmpuint (sim_histogram_count (h), ==, 8);
  g_assert_cmpuint (sim_histogram_underflow (h), ==, 3);
  g_assert_cmpuint (sim_histogram_overflow (h), ==, 2);
  g_assert_cmpfloat (sim_histogram_min (h), ==, 0.0);
  g_assert_false (signbit (sim_histogram_min (h)));
  g_assert_cmpfloat (sim_histogram_max (h), ==, 1e300);
  g_assert_cmpfloat (sim_histogram_quantile (h, 0.0), ==, 0.0);
  g_assert_cmpfloat (sim_histogram_quantile (h, 0.3), ==, 0.0); /* rank 3: underflow */
  double q5 = sim_histogram_quantile (h, 0.5);                   /* rank 4: 1e-3 */
  g_assert_cmpfloat (fabs (q5 - 1e-3) / 1e-3, <=, sim_histogram_relative_error (h));
  g_assert_cmpfloat (sim_histogram_quantile (h, 0.8), ==, 1e300); /* rank 7: overflow */
  g_assert_cmpfloat (sim_histogram_quantile (h, 1.0), ==, 1e300);
  Walk w = { .p = 7 };
  sim_histogram_foreach (h, walk_bucket, &w);
  g_assert_cmpuint (w.total, ==, 3);

  /* Values that are not response times are refused and not counted. */
  const double bad[] = { NAN, INFINITY, -INFINITY, -1e-9 };
  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_test_expect_message (NULL, G_LOG_LEVEL_CRITICAL, "*assertion*failed*");
      sim_histogram_record (h, bad[i]);
      g_test_assert_expected_messages ();
      g_test_expect_message (NULL, G_LOG_LEVEL_CRITICAL, "*assertion*failed*");
      sim_histogram_record_n (h, bad[i], 5);
      g_test_assert_expected_messages ();
    }
  g_assert_cmpuint (sim_histogram_count (h), ==, 8);
  g_test_expect_message (NULL, G_LOG_LEVEL_CRITICAL, "*assertion*failed*");
  g_assert_true (isnan (sim_histogram_quantile (h, 1.5)));
  g_test_assert_expected_messages ();

  sim_histogram_reset (h);
  g_autoptr (SimHistogram) empty = sim_histogram_new (1e-3, 10.0, 7);
  g_assert_true (sim_histogram_equal (h, empty));
}

/* ---- merging -------------------------------------------------------------- */

static SimHistogram *
merged (SimHistogram **parts, const guint *order, guint k)
{
  SimHistogram *m = sim_histogram_new_like (parts[0]);
  for (guint i = 0; i < k; i++)
    {
      g_autoptr (GError) error = NULL;
      g_assert_true (sim_histogram_merge (m, parts[order[i]], &error));
      g_assert_no_error (error);
    }
  return m;
}

static void
test_merge_any_order (void)
{
  enum { K = 7, N = 50000 };
  SimRng r;
  sim_rng_init (&r, test_seed (), 0, 3, 0, 0);
  g_autoptr (SimHistogram) all = sim_histogram_new (1e-6, 100.0, 7);
  SimHistogram *parts[K];
  for (guint i = 0; i < K; i++)
    parts[i] = sim_histogram_new_like (all);
  for (guint i = 0; i < N; i++)
    {
      /* Exponential values of very different scales, some out of range. */
      double v = sim_rng_exp (&r) * ldexp (1.0, (int) (sim_rng_u32 (&r) % 40) - 25);
      sim_histogram_record (all, v);
      sim_histogram_record (parts[sim_rng_u32 (&r) % K], v);
    }
  g_assert_cmpuint (sim_histogram_underflow (all), >, 0);
  g_assert_cmpuint (sim_histogram_overflow (all), >, 0);
  g_autoptr (GBytes) want = sim_histogram_serialize (all);

  guint forward[K], backward[K], shuffled[K];
  for (guint i = 0; i < K; i++)
    forward[i] = shuffled[i] = i, backward[i] = K - 1 - i;
  for (guint i = K - 1; i > 0; i--)
    {
      guint j = sim_rng_u32 (&r) % (i + 1), t = shuffled[i];
      shuffled[i] = shuffled[j];
      shuffled[j] = t;
    }
  const guint *orders[] = { forward, backward, shuffled };
  for (gsize o = 0; o < G_N_ELEMENTS (orders); o++)
    {
      g_autoptr (SimHistogram) m = merged (parts, orders[o], K);
      g_assert_true (sim_histogram_equal (m, all));
      g_autoptr (GBytes) got = sim_histogram_serialize (m);
      assert_bytes_equal (got, want);
      g_assert_cmpfloat (sim_histogram_mean (m), ==, sim_histogram_mean (all));
    }

  /* A tree: ((0 1) (2 3)) ((4 5) 6), merged into copies. */
  g_autoptr (SimHistogram) a = sim_histogram_copy (parts[0]);
  g_autoptr (SimHistogram) b = sim_histogram_copy (parts[2]);
  g_autoptr (SimHistogram) c = sim_histogram_copy (parts[4]);
  g_assert_true (sim_histogram_merge (a, parts[1], NULL));
  g_assert_true (sim_histogram_merge (b, parts[3], NULL));
  g_assert_true (sim_histogram_merge (c, parts[5], NULL));
  g_assert_true (sim_histogram_merge (c, parts[6], NULL));
  g_assert_true (sim_histogram_merge (b, a, NULL));
  g_assert_true (sim_histogram_merge (c, b, NULL));
  g_autoptr (GBytes) tree = sim_histogram_serialize (c);
  assert_bytes_equal (tree, want);

  /* Merging an empty histogram changes nothing. */
  g_autoptr (SimHistogram) none = sim_histogram_new_like (all);
  g_assert_true (sim_histogram_merge (c, none, NULL));
  g_assert_true (sim_histogram_equal (c, all));
  for (guint i = 0; i < K; i++)
    sim_histogram_free (parts[i]);
}

/*
 * Sums whose words carry into the next one when merged: (2^53 - 1) 2^(pos -
 * 1074) with pos mod 64 >= 11 fills the top bits of a sum word, so two of
 * them overflow it.  Merging must carry as recording does.
 */
static void
test_merge_carries (void)
{
  for (int pos = 1035; pos < 1035 + 64 * 2; pos += 7)
    {
      double v = ldexp (9007199254740991.0, pos - 1074);
      g_autoptr (SimHistogram) a = sim_histogram_new (1e-6, 1e6, 7);
      g_autoptr (SimHistogram) b = sim_histogram_new_like (a);
      g_autoptr (SimHistogram) both = sim_histogram_new_like (a);
      for (int k = 0; k < 3; k++)
        {
          sim_histogram_record (a, v);
          sim_histogram_record (b, v);
          sim_histogram_record_n (both, v, 2);
        }
      g_assert_true (sim_histogram_merge (a, b, NULL));
      g_assert_true (sim_histogram_equal (a, both));
      g_assert_cmpfloat (sim_histogram_sum (a), ==, 6 * v);
    }

  /* A carry into a word that the merge fills with ones: a has word 17 all
   * ones ((2^53 - 1) 2^25 + 2047 2^14) and 2^63 in word 16 (2^13); b has
   * 2^63 in word 16 only. */
  const double a_values[] = { ldexp (9007199254740991.0, 25), 2047.0 * 16384, 8192.0 };
  g_autoptr (SimHistogram) a = sim_histogram_new (1e-6, 1e6, 7);
  g_autoptr (SimHistogram) b = sim_histogram_new_like (a);
  g_autoptr (SimHistogram) both = sim_histogram_new_like (a);
  for (gsize i = 0; i < G_N_ELEMENTS (a_values); i++)
    {
      sim_histogram_record (a, a_values[i]);
      sim_histogram_record (both, a_values[i]);
    }
  sim_histogram_record (b, 8192.0);
  sim_histogram_record (both, 8192.0);
  g_assert_true (sim_histogram_merge (a, b, NULL));
  g_assert_true (sim_histogram_equal (a, both));
  g_assert_cmpfloat (sim_histogram_sum (a), ==, ldexp (1.0, 78));
}

static void
test_merge_refusals (void)
{
  g_autoptr (SimHistogram) dst = sim_histogram_new (1e-6, 100.0, 7);
  sim_histogram_record (dst, 0.25);
  g_autoptr (GBytes) before = sim_histogram_serialize (dst);
  const double mins[] = { 1e-6, 2e-6, 1e-6 }, maxs[] = { 100.0, 100.0, 101.0 };
  const int ps[] = { 8, 7, 7 };
  for (gsize i = 0; i < G_N_ELEMENTS (ps); i++)
    {
      g_autoptr (SimHistogram) src = sim_histogram_new (mins[i], maxs[i], ps[i]);
      sim_histogram_record (src, 0.5);
      g_autoptr (GError) error = NULL;
      g_assert_false (sim_histogram_merge (dst, src, &error));
      g_assert_error (error, SIM_HISTOGRAM_ERROR, SIM_HISTOGRAM_ERROR_LAYOUT);
      g_assert_nonnull (strstr (error->message, "expected the same range and precision"));
      g_assert_false (sim_histogram_equal (dst, src));
    }
  g_autoptr (SimHistogram) full = sim_histogram_new_like (dst);
  sim_histogram_record_n (full, 1.0, G_MAXUINT64);
  g_autoptr (GError) error = NULL;
  g_assert_false (sim_histogram_merge (dst, full, &error));
  g_assert_error (error, SIM_HISTOGRAM_ERROR, SIM_HISTOGRAM_ERROR_OVERFLOW);
  g_autoptr (GBytes) after = sim_histogram_serialize (dst);
  assert_bytes_equal (after, before);
}

/* ---- the byte format ------------------------------------------------------ */

/* range [1, 4], p = 1: buckets [1, 1.5) [1.5, 2) [2, 3) [3, 4) [4, 6). */
static SimHistogram *
golden_histogram (void)
{
  SimHistogram *h = sim_histogram_new (1.0, 4.0, 1);
  sim_histogram_record (h, 0.5);
  sim_histogram_record (h, 1.0);
  sim_histogram_record (h, 1.25);
  sim_histogram_record_n (h, 3.5, 300);
  sim_histogram_record (h, 5.0);
  return h;
}

static const char golden_hex[] =
  "53494d48" "01" "01"           /* magic, version, p */
  "3ff0000000000000"             /* range_min 1 */
  "4010000000000000"             /* range_max 4 */
  "0000000000000130"             /* count 304 */
  "0000000000000001"             /* underflow */
  "0000000000000001"             /* overflow */
  "3fe0000000000000"             /* min 0.5 */
  "4014000000000000"             /* max 5 */
  "10" "01"                      /* sum: word 16, one word */
  "1087000000000000"             /* 1057.75 = 4231 * 2^-2 = 0x1087 << 48 at 2^(1024-1074) */
  "00000002"                     /* two runs */
  "00000000" "00000001" "01" "02"      /* bucket 0: 2 */
  "00000002" "00000001" "02" "012c";   /* bucket 3: 300 */

static GByteArray *
from_hex (const char *hex)
{
  GByteArray *a = g_byte_array_new ();
  for (gsize i = 0; hex[i] != '\0'; i += 2)
    {
      guint8 b = (guint8) (g_ascii_xdigit_value (hex[i]) * 16 + g_ascii_xdigit_value (hex[i + 1]));
      g_byte_array_append (a, &b, 1);
    }
  return a;
}

static void
test_serialize_golden (void)
{
  g_autoptr (SimHistogram) h = golden_histogram ();
  g_autoptr (GBytes) bytes = sim_histogram_serialize (h);
  g_autoptr (GByteArray) want = from_hex (golden_hex);
  gsize len;
  const guint8 *data = g_bytes_get_data (bytes, &len);
  g_assert_cmpmem (data, len, want->data, want->len);
  g_assert_cmpfloat (sim_histogram_mean (h), ==, 1057.75 / 304);

  g_autoptr (GError) error = NULL;
  g_autoptr (SimHistogram) back = sim_histogram_deserialize (data, len, "golden", &error);
  g_assert_no_error (error);
  g_assert_true (sim_histogram_equal (back, h));

  /* The empty histogram: a header and no runs. */
  g_autoptr (SimHistogram) empty = sim_histogram_new (1.0, 4.0, 1);
  g_autoptr (GBytes) eb = sim_histogram_serialize (empty);
  g_assert_cmpuint (g_bytes_get_size (eb), ==, 64 + 4);
  g_autoptr (SimHistogram) eback =
    sim_histogram_deserialize (g_bytes_get_data (eb, NULL), g_bytes_get_size (eb), NULL, &error);
  g_assert_no_error (error);
  g_assert_true (sim_histogram_equal (eback, empty));
}

static SimHistogram *
sample_histogram (guint64 seed, guint n)
{
  SimRng r;
  sim_rng_init (&r, seed, 0, 4, 0, 0);
  SimHistogram *h = sim_histogram_new (1e-5, 10.0, 6);
  for (guint i = 0; i < n; i++)
    sim_histogram_record (h, 0.02 * sim_rng_exp (&r) * (1 + (sim_rng_u32 (&r) % 100 == 0) * 1e3));
  sim_histogram_record_n (h, 0.125, 70000); /* a count that needs 4 bytes */
  sim_histogram_record (h, 1e-9);
  return h;
}

static void
test_serialize_round_trip (void)
{
  g_autoptr (SimHistogram) h = sample_histogram (test_seed (), 20000);
  g_autoptr (GBytes) bytes = sim_histogram_serialize (h);
  g_test_message ("%" G_GUINT64_FORMAT " values, %u buckets: %" G_GSIZE_FORMAT " bytes",
                  sim_histogram_count (h), sim_histogram_n_buckets (h), g_bytes_get_size (bytes));
  g_autoptr (GError) error = NULL;
  g_autoptr (SimHistogram) back =
    sim_histogram_deserialize (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), NULL,
                               &error);
  g_assert_no_error (error);
  g_assert_true (sim_histogram_equal (back, h));
  g_autoptr (GBytes) again = sim_histogram_serialize (back);
  assert_bytes_equal (again, bytes);
  g_assert_cmpfloat (sim_histogram_quantile (back, 0.99), ==, sim_histogram_quantile (h, 0.99));
  g_assert_cmpfloat (sim_histogram_mean (back), ==, sim_histogram_mean (h));
}

static void
test_serialize_truncations (void)
{
  g_autoptr (SimHistogram) h = sample_histogram (7, 3000);
  g_autoptr (GBytes) bytes = sim_histogram_serialize (h);
  gsize len;
  const guint8 *data = g_bytes_get_data (bytes, &len);
  for (gsize cut = 0; cut < len; cut++)
    {
      /* A copy of exactly cut bytes, so the sanitizer sees any over-read. */
      g_autofree guint8 *part = g_memdup2 (data, cut ? cut : 1);
      g_autoptr (GError) error = NULL;
      SimHistogram *bad = sim_histogram_deserialize (part, cut, "cut", &error);
      g_assert_null (bad);
      g_assert_error (error, SIM_HISTOGRAM_ERROR, SIM_HISTOGRAM_ERROR_MALFORMED);
      g_assert_true (g_str_has_prefix (error->message, "cut: offset "));
    }
  g_autofree guint8 *longer = g_malloc (len + 1);
  memcpy (longer, data, len);
  longer[len] = 0;
  g_autoptr (GError) error = NULL;
  g_assert_null (sim_histogram_deserialize (longer, len + 1, NULL, &error));
  g_assert_error (error, SIM_HISTOGRAM_ERROR, SIM_HISTOGRAM_ERROR_MALFORMED);
  g_assert_nonnull (strstr (error->message, "after the last run"));
}

/* Decodes hex patched by fn and expects a refusal whose message has want. */
static void
expect_malformed (GByteArray *a, const char *want)
{
  g_autoptr (GError) error = NULL;
  SimHistogram *h = sim_histogram_deserialize (a->data, a->len, "t.db:7", &error);
  g_assert_null (h);
  g_assert_error (error, SIM_HISTOGRAM_ERROR, SIM_HISTOGRAM_ERROR_MALFORMED);
  g_test_message ("%s", error->message);
  if (strstr (error->message, want) == NULL)
    g_error ("expected \"%s\" in: %s", want, error->message);
}

static guint64
bits (double v)
{
  guint64 b;
  memcpy (&b, &v, sizeof b);
  return b;
}

/* The golden bytes with width bytes at offset at replaced by value (big-endian). */
static GByteArray *
patched (gsize at, guint width, guint64 value)
{
  GByteArray *a = from_hex (golden_hex);
  for (guint i = 0; i < width; i++)
    a->data[at + i] = (guint8) (value >> (8 * (width - 1 - i)));
  return a;
}

/*
 * Golden offsets: 0 magic, 4 version, 5 p, 6 range_min, 14 range_max,
 * 22 count, 30 underflow, 38 overflow, 46 min, 54 max, 62 f, 63 n, 64 the
 * sum word, 72 runs, 76 first run (skip, 80 length, 84 width, 85 count),
 * 86 second run (skip, 90 length, 94 width, 95 count).
 */
static void
test_serialize_malformed (void)
{
  const struct { gsize at; guint width; guint64 value; const char *want; } patches[] = {
    { 0, 1, 'X', "t.db:7: offset 0: magic: expected \"SIMH\"" },
    { 4, 1, 2, "offset 4: version: 2, expected 1" },
    { 5, 1, 0, "offset 5: layout: precision_bits: expected 1..20" },
    { 6, 8, 0, "layout: range_min: expected a normal positive double" },
    { 14, 8, 0x3fe0000000000000, "layout: range_max: expected finite and above range_min" },
    { 14, 8, 0x7ff0000000000000, "layout: range_max: expected finite and above range_min" },
    { 22, 8, 305, "offset 22: count: 305, expected underflow + overflow + buckets = 1 + 1 + 302" },
    { 30, 8, 0, "offset 22: count: 304, expected underflow + overflow + buckets = 0 + 1 + 302" },
    { 46, 8, 0x4000000000000000, "offset 46: min: 2 is not in the first non-empty category" },
    { 54, 8, 0x3ff0000000000000, "offset 54: max: 1 is not in the last non-empty category" },
    { 46, 8, 0xbfe0000000000000, "offset 46: min, max: expected finite 0 <= min <= max" },
    { 54, 8, 0x7ff8000000000000, "offset 46: min, max: expected finite 0 <= min <= max" },
    { 62, 1, 34, "offset 62: sum words: first 34, 1 words, expected at most 34" },
    { 62, 2, 0x0100, "offset 62: sum words: first 1, 0 words" },
    { 62, 1, 15, "offset 62: sum: " },             /* the sum divided by 2^64 */
    { 72, 4, 6, "offset 72: runs: 6 runs in 5 buckets" },
    { 72, 4, 3, "offset 97: run skip: truncated: 4 bytes expected, 0 left" },
    { 72, 4, 1, "offset 86: end: 11 bytes after the last run, expected none" },
    { 86, 4, 0, "offset 86: run skip: 0 after a run, expected > 0" },
    { 80, 4, 0, "offset 80: run length: 0 at bucket 0, expected 1 .. the 5 buckets" },
    { 80, 4, 7, "offset 80: run length: 7 at bucket 0, expected 1 .. the 5 buckets" },
    { 90, 4, 2, "offset 95: run counts: truncated: 2 counts of 2 bytes expected" },
    { 86, 4, 4, "offset 90: run length: 1 at bucket 5, expected 1 .. the 5 buckets" },
    { 84, 1, 3, "offset 84: run width: 3, expected 1, 2, 4 or 8" },
    { 85, 1, 0, "offset 85: run count: 0, expected a non-empty bucket" },
    { 95, 1, 0, "offset 94: run width: 2, expected 1 (the fewest bytes for the largest count)" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (patches); i++)
    {
      g_autoptr (GByteArray) a = patched (patches[i].at, patches[i].width, patches[i].value);
      expect_malformed (a, patches[i].want);
    }

  /* A zero sum word at either end is not canonical. */
  static const guint8 zero[8] = { 0 };
  g_autoptr (GByteArray) top = patched (63, 1, 2);
  GByteArray *t = g_byte_array_new ();
  g_byte_array_append (t, top->data, 72);
  g_byte_array_append (t, zero, 8);
  g_byte_array_append (t, top->data + 72, top->len - 72);
  expect_malformed (t, "offset 64: sum words: expected the first and last to be non-zero");
  g_byte_array_unref (t);
  g_autoptr (GByteArray) bottom = patched (62, 2, 0x0f02);
  GByteArray *u = g_byte_array_new ();
  g_byte_array_append (u, bottom->data, 64);
  g_byte_array_append (u, zero, 8);
  g_byte_array_append (u, bottom->data + 64, bottom->len - 64);
  expect_malformed (u, "offset 64: sum words: expected the first and last to be non-zero");
  g_byte_array_unref (u);

  /* A layout of too many buckets: p = 20 over 2^-10 .. 4. */
  g_autoptr (GByteArray) wide = patched (6, 8, bits (ldexp (1.0, -10)));
  wide->data[5] = 20;
  expect_malformed (wide, "offset 5: layout: range: expected at most 2^22 buckets");

  /* One value: min and max must be the same. */
  g_autoptr (SimHistogram) one = sim_histogram_new (1.0, 4.0, 1);
  sim_histogram_record (one, 1.25);
  g_autoptr (GBytes) ob = sim_histogram_serialize (one);
  g_autoptr (GByteArray) o = g_byte_array_new ();
  g_byte_array_append (o, g_bytes_get_data (ob, NULL), g_bytes_get_size (ob));
  for (guint i = 0; i < 8; i++)
    o->data[46 + i] = (guint8) (bits (1.0) >> (56 - 8 * i));
  expect_malformed (o, "offset 46: min, max: expected min = max with one value");
}

/* Flipped bytes: refused, or a histogram whose parts agree. */
static void
test_serialize_flips (void)
{
  guint64 seed = test_seed ();
  g_autoptr (SimHistogram) h = sample_histogram (seed, 2000);
  g_autoptr (GBytes) bytes = sim_histogram_serialize (h);
  gsize len;
  const guint8 *data = g_bytes_get_data (bytes, &len);
  guint accepted = 0, tried = 0;
  for (gsize at = 0; at < len; at++)
    {
      guint8 masks[4] = { 0x01, 0x80, 0xff, (guint8) g_test_rand_int_range (1, 256) };
      for (gsize m = 0; m < G_N_ELEMENTS (masks); m++)
        {
          g_autofree guint8 *copy = g_memdup2 (data, len);
          copy[at] ^= masks[m];
          g_autoptr (GError) error = NULL;
          g_autoptr (SimHistogram) got = sim_histogram_deserialize (copy, len, NULL, &error);
          tried++;
          if (got == NULL)
            {
              g_assert_error (error, SIM_HISTOGRAM_ERROR, SIM_HISTOGRAM_ERROR_MALFORMED);
              continue;
            }
          accepted++;
          g_assert_no_error (error);
          /* Accepted bytes are canonical: they encode the histogram again. */
          g_autoptr (GBytes) again = sim_histogram_serialize (got);
          g_assert_cmpmem (g_bytes_get_data (again, NULL), g_bytes_get_size (again), copy, len);
          guint64 n = sim_histogram_count (got);
          Walk w = { .p = sim_histogram_precision_bits (got) };
          sim_histogram_foreach (got, walk_bucket, &w);
          g_assert_cmpuint (w.total + sim_histogram_underflow (got) + sim_histogram_overflow (got),
                            ==, n);
          double prev = -1;
          for (double q = 0; q <= 1.0; q += 0.125)
            {
              double x = sim_histogram_quantile (got, q);
              g_assert_cmpfloat (x, >=, prev);
              g_assert_cmpfloat (x, >=, sim_histogram_min (got));
              g_assert_cmpfloat (x, <=, sim_histogram_max (got));
              prev = x;
            }
        }
    }
  g_test_message ("%" G_GSIZE_FORMAT " bytes: %u flips, %u decoded", len, tried, accepted);
  g_assert_cmpuint (accepted, <, tried / 4);
}

int
main (int argc, char **argv)
{
  essc_test_init (&argc, &argv);
  g_test_add_func ("/sim/histogram/layout", test_layout);
  g_test_add_func ("/sim/histogram/new-refusals", test_new_refusals);
  g_test_add_func ("/sim/histogram/quantiles/uniform", test_quantiles_uniform);
  g_test_add_func ("/sim/histogram/quantiles/exponential", test_quantiles_exponential);
  g_test_add_func ("/sim/histogram/moments-exact", test_moments_exact);
  g_test_add_func ("/sim/histogram/record-n", test_record_n);
  g_test_add_func ("/sim/histogram/under-overflow", test_under_overflow);
  g_test_add_func ("/sim/histogram/merge/any-order", test_merge_any_order);
  g_test_add_func ("/sim/histogram/merge/carries", test_merge_carries);
  g_test_add_func ("/sim/histogram/merge/refusals", test_merge_refusals);
  g_test_add_func ("/sim/histogram/serialize/golden", test_serialize_golden);
  g_test_add_func ("/sim/histogram/serialize/round-trip", test_serialize_round_trip);
  g_test_add_func ("/sim/histogram/serialize/truncations", test_serialize_truncations);
  g_test_add_func ("/sim/histogram/serialize/malformed", test_serialize_malformed);
  g_test_add_func ("/sim/histogram/serialize/flips", test_serialize_flips);
  return g_test_run ();
}
