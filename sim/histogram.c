/* SPDX-License-Identifier: MIT */
/*
 * Log-bucket histograms (see histogram.h): the layout, recording, the exact
 * sum, merging, quantiles and the bucket walk; the byte format is in
 * histogram_bytes.c.  Recording is the hot path: two comparisons, a shift
 * and an increment for the bucket, and a two-word add into the sum.
 *
 * The sum is kept exactly as a fixed-point number in units of 2^-1074 (the
 * smallest subnormal) in SUM_WORDS 64-bit words, least significant first:
 * any finite double is an integer multiple of that unit, and 34 words hold
 * 2^64 values of up to 2^1024 each.  Adding is exact, so the sum and the
 * bytes do not depend on the order of records and merges.
 */
#include "sim/histogram.h"
#include "sim/histogram_private.h"

#include <math.h>
#include <string.h>

G_DEFINE_QUARK (sim-histogram-error-quark, sim_histogram_error)

#define SUM_WORDS SIM_HISTOGRAM_SUM_WORDS
#define FRAC_BITS 52
#define FRAC_MASK ((G_GUINT64_CONSTANT (1) << FRAC_BITS) - 1)

/* ---- layout ------------------------------------------------------------- */

const char *
sim_histogram_layout_problem (double min, double max, int p, guint *n)
{
  if (p < SIM_HISTOGRAM_MIN_PRECISION || p > SIM_HISTOGRAM_MAX_PRECISION)
    return "precision_bits: expected 1..20";
  if (!isnormal (min) || min <= 0)
    return "range_min: expected a normal positive double";
  if (!isfinite (max) || !(max > min))
    return "range_max: expected finite and above range_min";
  guint shift = FRAC_BITS - (guint) p;
  guint64 buckets = (bits_of (max) >> shift) - (bits_of (min) >> shift) + 1;
  if (buckets > SIM_HISTOGRAM_MAX_BUCKETS)
    return "range: expected at most 2^22 buckets";
  *n = (guint) buckets;
  return NULL;
}

SimHistogram *
sim_histogram_alloc (double min, double max, int p, guint n)
{
  SimHistogram *h = g_malloc0 (sizeof *h + (gsize) n * sizeof (guint64));
  h->range_min = min;
  h->range_max = max;
  h->precision = p;
  h->shift = FRAC_BITS - (guint) p;
  h->key_lo = bits_of (min) >> h->shift;
  h->n_buckets = n;
  h->min = INFINITY;
  h->max = -INFINITY;
  return h;
}

SimHistogram *
sim_histogram_new (double min, double max, int precision_bits)
{
  guint n = 0;
  const char *problem = sim_histogram_layout_problem (min, max, precision_bits, &n);
  g_return_val_if_fail (problem == NULL, NULL);
  return sim_histogram_alloc (min, max, precision_bits, n);
}

SimHistogram *
sim_histogram_new_like (const SimHistogram *h)
{
  g_return_val_if_fail (h != NULL, NULL);
  return sim_histogram_alloc (h->range_min, h->range_max, h->precision, h->n_buckets);
}

SimHistogram *
sim_histogram_copy (const SimHistogram *h)
{
  g_return_val_if_fail (h != NULL, NULL);
  return g_memdup2 (h, sizeof *h + (gsize) h->n_buckets * sizeof (guint64));
}

void
sim_histogram_free (SimHistogram *h)
{
  g_free (h);
}

static gboolean
same_layout (const SimHistogram *a, const SimHistogram *b)
{
  return bits_of (a->range_min) == bits_of (b->range_min)
         && bits_of (a->range_max) == bits_of (b->range_max) && a->precision == b->precision;
}

/* ---- the exact sum -------------------------------------------------------- */

/* Adds x at word i and carries upwards. */
static inline void
sum_add_word (guint64 *sum, guint i, guint64 x)
{
  guint64 old = sum[i];
  sum[i] = old + x;
  if (G_UNLIKELY (sum[i] < old))
    for (guint j = i + 1; j < SUM_WORDS && ++sum[j] == 0; j++)
      ;
}

/* Splits finite v >= 0 into v = m * 2^(pos - 1074), m < 2^53. */
static inline guint64
split (double v, guint *pos)
{
  guint64 b = bits_of (v);
  guint64 e = b >> FRAC_BITS, m = b & FRAC_MASK;
  if (e == 0)
    {
      *pos = 0;
      return m;
    }
  *pos = (guint) e - 1;
  return m | (G_GUINT64_CONSTANT (1) << FRAC_BITS);
}

static inline void
sum_add (guint64 *sum, double v)
{
  guint pos;
  guint64 m = split (v, &pos);
  guint w = pos >> 6, sh = pos & 63;
  guint64 lo = m << sh, hi = sh ? m >> (64 - sh) : 0;
  guint64 old = sum[w];
  sum[w] = old + lo;
  hi += sum[w] < old; /* hi < 2^53: no overflow */
  sum_add_word (sum, w + 1, hi);
}

/* hi:lo = a * b. */
static void
mul64 (guint64 a, guint64 b, guint64 *hi, guint64 *lo)
{
  guint64 a0 = (guint32) a, a1 = a >> 32, b0 = (guint32) b, b1 = b >> 32;
  guint64 p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
  guint64 mid = (p00 >> 32) + (guint32) p01 + (guint32) p10;
  *lo = (mid << 32) | (guint32) p00;
  *hi = p11 + (p01 >> 32) + (p10 >> 32) + (mid >> 32);
}

/* sum += v * n, exactly. */
static void
sum_add_n (guint64 *sum, double v, guint64 n)
{
  guint pos, w, sh;
  guint64 m = split (v, &pos), hi, lo;
  mul64 (m, n, &hi, &lo); /* < 2^117 */
  w = pos >> 6;
  sh = pos & 63;
  guint64 p0 = lo << sh;
  guint64 p1 = sh ? (hi << sh) | (lo >> (64 - sh)) : hi;
  guint64 p2 = sh ? hi >> (64 - sh) : 0;
  sum_add_word (sum, w, p0);
  sum_add_word (sum, w + 1, p1);
  if (p2 != 0)
    sum_add_word (sum, w + 2, p2); /* w <= 31 for finite v */
}

double
sim_histogram_sum_to_double (const guint64 *sum)
{
  int t = SUM_WORDS - 1;
  while (t >= 0 && sum[t] == 0)
    t--;
  if (t < 0)
    return 0.0;
  guint64 hi = sum[t], lo = t > 0 ? sum[t - 1] : 0;
  gboolean sticky = FALSE;
  for (int i = 0; i < t - 1; i++)
    sticky |= sum[i] != 0;
  int lz = __builtin_clzll (hi);
  guint64 top = lz ? (hi << lz) | (lo >> (64 - lz)) : hi;
  guint64 rest = lz ? lo << lz : lo;
  /* top has 64 significant bits, 11 beyond a double's: a sticky lowest bit
   * makes the conversion round as the whole number would. */
  if (rest != 0 || sticky)
    top |= 1;
  return ldexp ((double) top, 64 * t - lz - 1074);
}

/* ---- recording ------------------------------------------------------------ */

/* Values outside [range_min, range_max]: FALSE for a refused value. */
static gboolean
count_outside (SimHistogram *h, double *value, guint64 n)
{
  g_return_val_if_fail (isfinite (*value) && *value >= 0, FALSE);
  if (*value == 0)
    *value = 0.0; /* -0 is 0 */
  if (*value < h->range_min)
    h->underflow += n;
  else
    h->overflow += n;
  return TRUE;
}

void
sim_histogram_record (SimHistogram *h, double value)
{
  g_return_if_fail (h != NULL);
  if (G_LIKELY (value >= h->range_min && value <= h->range_max))
    h->counts[bucket_of (h, value)]++;
  else if (!count_outside (h, &value, 1))
    return;
  h->count++;
  sum_add (h->sum, value);
  if (value < h->min)
    h->min = value;
  if (value > h->max)
    h->max = value;
}

void
sim_histogram_record_n (SimHistogram *h, double value, guint64 count)
{
  g_return_if_fail (h != NULL);
  g_return_if_fail (count <= G_MAXUINT64 - h->count);
  if (count == 0)
    return;
  if (value >= h->range_min && value <= h->range_max)
    h->counts[bucket_of (h, value)] += count;
  else if (!count_outside (h, &value, count))
    return;
  h->count += count;
  sum_add_n (h->sum, value, count);
  if (value < h->min)
    h->min = value;
  if (value > h->max)
    h->max = value;
}

gboolean
sim_histogram_merge (SimHistogram *dst, const SimHistogram *src, GError **error)
{
  g_return_val_if_fail (dst != NULL && src != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);
  if (!same_layout (dst, src))
    {
      g_set_error (error, SIM_HISTOGRAM_ERROR, SIM_HISTOGRAM_ERROR_LAYOUT,
                   "histogram merge: layouts differ: [%.17g, %.17g] p=%d into [%.17g, %.17g] "
                   "p=%d, expected the same range and precision",
                   src->range_min, src->range_max, src->precision, dst->range_min,
                   dst->range_max, dst->precision);
      return FALSE;
    }
  if (src->count > G_MAXUINT64 - dst->count)
    {
      g_set_error (error, SIM_HISTOGRAM_ERROR, SIM_HISTOGRAM_ERROR_OVERFLOW,
                   "histogram merge: count %" G_GUINT64_FORMAT " + %" G_GUINT64_FORMAT
                   " passes 2^64 - 1",
                   dst->count, src->count);
      return FALSE;
    }
  /* Every part is at most the count, so nothing below overflows. */
  dst->count += src->count;
  dst->underflow += src->underflow;
  dst->overflow += src->overflow;
  for (guint i = 0; i < dst->n_buckets; i++)
    dst->counts[i] += src->counts[i];
  guint64 carry = 0;
  for (guint i = 0; i < SUM_WORDS; i++)
    {
      guint64 a = dst->sum[i], s = a + src->sum[i];
      guint64 c = s < a;
      dst->sum[i] = s + carry;
      carry = c | (dst->sum[i] < s);
    }
  dst->min = MIN (dst->min, src->min);
  dst->max = MAX (dst->max, src->max);
  return TRUE;
}

void
sim_histogram_reset (SimHistogram *h)
{
  g_return_if_fail (h != NULL);
  h->count = h->underflow = h->overflow = 0;
  h->min = INFINITY;
  h->max = -INFINITY;
  memset (h->sum, 0, sizeof h->sum);
  memset (h->counts, 0, (gsize) h->n_buckets * sizeof (guint64));
}

/* ---- reading -------------------------------------------------------------- */

guint64
sim_histogram_count (const SimHistogram *h)
{
  g_return_val_if_fail (h != NULL, 0);
  return h->count;
}

guint64
sim_histogram_underflow (const SimHistogram *h)
{
  g_return_val_if_fail (h != NULL, 0);
  return h->underflow;
}

guint64
sim_histogram_overflow (const SimHistogram *h)
{
  g_return_val_if_fail (h != NULL, 0);
  return h->overflow;
}

double
sim_histogram_sum (const SimHistogram *h)
{
  g_return_val_if_fail (h != NULL, NAN);
  return sim_histogram_sum_to_double (h->sum);
}

double
sim_histogram_mean (const SimHistogram *h)
{
  g_return_val_if_fail (h != NULL, NAN);
  return h->count ? sim_histogram_sum_to_double (h->sum) / (double) h->count : NAN;
}

double
sim_histogram_min (const SimHistogram *h)
{
  g_return_val_if_fail (h != NULL, NAN);
  return h->count ? h->min : NAN;
}

double
sim_histogram_max (const SimHistogram *h)
{
  g_return_val_if_fail (h != NULL, NAN);
  return h->count ? h->max : NAN;
}

static double
bucket_lower (const SimHistogram *h, guint i)
{
  return double_of ((h->key_lo + i) << h->shift);
}

double
sim_histogram_quantile (const SimHistogram *h, double q)
{
  g_return_val_if_fail (h != NULL, NAN);
  g_return_val_if_fail (q >= 0 && q <= 1, NAN);
  if (h->count == 0)
    return NAN;
  double rank = ceil (q * (double) h->count);
  guint64 r = rank < 1 ? 1 : rank >= (double) h->count ? h->count : (guint64) rank;
  if (r == 1)
    return h->min;
  if (r == h->count)
    return h->max;
  guint64 seen = h->underflow;
  if (r <= seen)
    return h->min;
  for (guint i = 0; i < h->n_buckets; i++)
    {
      seen += h->counts[i];
      if (r <= seen)
        {
          double mid = double_of (((h->key_lo + i) << h->shift)
                                  | (G_GUINT64_CONSTANT (1) << (h->shift - 1)));
          return CLAMP (mid, h->min, h->max);
        }
    }
  return h->max;
}

double
sim_histogram_relative_error (const SimHistogram *h)
{
  g_return_val_if_fail (h != NULL, NAN);
  return ldexp (1.0, -(h->precision + 1));
}

double
sim_histogram_range_min (const SimHistogram *h)
{
  g_return_val_if_fail (h != NULL, NAN);
  return h->range_min;
}

double
sim_histogram_range_max (const SimHistogram *h)
{
  g_return_val_if_fail (h != NULL, NAN);
  return h->range_max;
}

int
sim_histogram_precision_bits (const SimHistogram *h)
{
  g_return_val_if_fail (h != NULL, 0);
  return h->precision;
}

guint
sim_histogram_n_buckets (const SimHistogram *h)
{
  g_return_val_if_fail (h != NULL, 0);
  return h->n_buckets;
}

void
sim_histogram_foreach (const SimHistogram *h, SimHistogramBucketFn fn, gpointer user_data)
{
  g_return_if_fail (h != NULL && fn != NULL);
  for (guint i = 0; i < h->n_buckets; i++)
    if (h->counts[i] != 0)
      fn (i, bucket_lower (h, i), bucket_lower (h, i + 1), h->counts[i], user_data);
}

gboolean
sim_histogram_equal (const SimHistogram *a, const SimHistogram *b)
{
  g_return_val_if_fail (a != NULL && b != NULL, FALSE);
  return same_layout (a, b) && a->count == b->count && a->underflow == b->underflow
         && a->overflow == b->overflow && bits_of (a->min) == bits_of (b->min)
         && bits_of (a->max) == bits_of (b->max)
         && memcmp (a->sum, b->sum, sizeof a->sum) == 0
         && memcmp (a->counts, b->counts, (gsize) a->n_buckets * sizeof (guint64)) == 0;
}
