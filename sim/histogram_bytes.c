/* SPDX-License-Identifier: MIT */
/*
 * The byte format of log-bucket histograms (see histogram.h): the writer,
 * and a strict reader that refuses anything but the canonical encoding,
 * naming the byte offset, the field and what was expected.
 *
 * Byte format, version 1 (all integers big-endian, doubles as the 64 bits of
 * their IEEE-754 binary64 encoding):
 *
 *   offset  size  field
 *    0       4    magic "SIMH"
 *    4       1    version, 1
 *    5       1    precision_bits p (1..20)
 *    6       8    range_min (normal, > 0)
 *   14       8    range_max (finite, > range_min)
 *   22       8    count: underflow + overflow + every bucket count
 *   30       8    underflow
 *   38       8    overflow
 *   46       8    min, the smallest value counted (0 when count is 0)
 *   54       8    max, the largest value counted (0 when count is 0)
 *   62       1    f: index of the sum's lowest non-zero word (0 if sum is 0)
 *   63       1    n: number of sum words that follow (f + n <= 34)
 *   64      8n    words f .. f+n-1 of the sum, lowest first; the sum is
 *                 the sum over i of word_i * 2^(64 i - 1074); the first and
 *                 last of them are non-zero
 *    .       4    R: number of runs of non-empty buckets
 *   then R runs, in increasing bucket order, each:
 *            4    skip: empty buckets before the run (since the previous
 *                 run's end, or bucket 0); > 0 except for the first run
 *            4    length L >= 1
 *            1    width w in {1, 2, 4, 8}: the fewest bytes that hold the
 *                 run's largest count
 *           L*w   the L counts, each non-zero
 *   and nothing after the last run.
 *
 * Bucket i holds the values whose bits shifted right by 52 - p equal
 * key(range_min) + i.  A decoder accepts exactly this canonical form and
 * checks that the fields agree (counts add up, min and max lie in the first
 * and last non-empty category, the sum lies between what min, max and count
 * allow), so equal histograms and equal bytes are the same thing.
 */
#include "sim/histogram.h"
#include "sim/histogram_private.h"

#include <math.h>
#include <string.h>

#define SUM_WORDS SIM_HISTOGRAM_SUM_WORDS
#define HEADER_LEN 64

static const guint8 magic[4] = { 'S', 'I', 'M', 'H' };

static void
put_be (GByteArray *out, guint64 v, guint width)
{
  guint8 b[8];
  for (guint i = 0; i < width; i++)
    b[i] = (guint8) (v >> (8 * (width - 1 - i)));
  g_byte_array_append (out, b, width);
}

/* The fewest of 1, 2, 4, 8 bytes that hold v. */
static guint
width_of (guint64 v)
{
  return v <= G_MAXUINT8 ? 1 : v <= G_MAXUINT16 ? 2 : v <= G_MAXUINT32 ? 4 : 8;
}

GBytes *
sim_histogram_serialize (const SimHistogram *h)
{
  g_return_val_if_fail (h != NULL, NULL);
  GByteArray *out = g_byte_array_sized_new (HEADER_LEN + 64);
  g_byte_array_append (out, magic, sizeof magic);
  put_be (out, 1, 1);
  put_be (out, (guint64) h->precision, 1);
  put_be (out, bits_of (h->range_min), 8);
  put_be (out, bits_of (h->range_max), 8);
  put_be (out, h->count, 8);
  put_be (out, h->underflow, 8);
  put_be (out, h->overflow, 8);
  put_be (out, h->count ? bits_of (h->min) : 0, 8);
  put_be (out, h->count ? bits_of (h->max) : 0, 8);

  guint f = 0, n = 0;
  for (guint i = 0; i < SUM_WORDS; i++)
    if (h->sum[i] != 0)
      {
        if (n == 0)
          f = i;
        n = i - f + 1;
      }
  put_be (out, f, 1);
  put_be (out, n, 1);
  for (guint i = f; i < f + n; i++)
    put_be (out, h->sum[i], 8);

  guint runs_at = out->len, runs = 0, end = 0; /* end: after the previous run */
  put_be (out, 0, 4);
  for (guint i = 0; i < h->n_buckets;)
    {
      if (h->counts[i] == 0)
        {
          i++;
          continue;
        }
      guint j = i;
      guint64 largest = 0;
      for (; j < h->n_buckets && h->counts[j] != 0; j++)
        largest = MAX (largest, h->counts[j]);
      guint w = width_of (largest);
      put_be (out, i - end, 4);
      put_be (out, j - i, 4);
      put_be (out, w, 1);
      for (guint k = i; k < j; k++)
        put_be (out, h->counts[k], w);
      runs++;
      end = i = j;
    }
  for (guint i = 0; i < 4; i++)
    out->data[runs_at + i] = (guint8) (runs >> (8 * (3 - i)));
  return g_byte_array_free_to_bytes (out);
}

static gboolean
sum_is_zero (const guint64 *sum)
{
  for (guint i = 0; i < SUM_WORDS; i++)
    if (sum[i] != 0)
      return FALSE;
  return TRUE;
}

typedef struct {
  const guint8 *data;
  gsize len, pos;
  const char *origin;
  GError **error;
} Reader;

static gboolean G_GNUC_PRINTF (4, 5)
malformed (Reader *r, gsize offset, const char *field, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  g_autofree char *what = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  g_set_error (r->error, SIM_HISTOGRAM_ERROR, SIM_HISTOGRAM_ERROR_MALFORMED,
               "%s: offset %" G_GSIZE_FORMAT ": %s: %s", r->origin, offset, field, what);
  return FALSE;
}

static gboolean
get_be (Reader *r, guint width, const char *field, guint64 *v)
{
  if (r->len - r->pos < width)
    return malformed (r, r->pos, field, "truncated: %u bytes expected, %" G_GSIZE_FORMAT " left",
                      width, r->len - r->pos);
  *v = 0;
  for (guint i = 0; i < width; i++)
    *v = (*v << 8) | r->data[r->pos + i];
  r->pos += width;
  return TRUE;
}

/* The histogram's values are non-negative: min <= max, both finite, no -0. */
static gboolean
plain_value (guint64 b)
{
  return b >> 63 == 0 && isfinite (double_of (b));
}

/* Checks the fields against each other once the runs are read. */
static gboolean
check_consistency (Reader *r, SimHistogram *h, guint64 min_bits, guint64 max_bits,
                   guint64 in_buckets, guint first, guint last)
{
  if (h->count == 0)
    {
      if (min_bits != 0 || max_bits != 0 || !sum_is_zero (h->sum))
        return malformed (r, 46, "min, max, sum", "expected 0 in an empty histogram");
      return TRUE;
    }
  if (!plain_value (min_bits) || !plain_value (max_bits) || h->min > h->max)
    return malformed (r, 46, "min, max", "expected finite 0 <= min <= max, got %.17g, %.17g",
                      h->min, h->max);
  if (h->count == 1 && h->min != h->max)
    return malformed (r, 46, "min, max", "expected min = max with one value");

  gboolean min_ok = h->underflow ? h->min < h->range_min
                    : in_buckets ? h->min >= h->range_min && h->min <= h->range_max
                                     && bucket_of (h, h->min) == first
                                 : h->min > h->range_max;
  if (!min_ok)
    return malformed (r, 46, "min", "%.17g is not in the first non-empty category", h->min);
  gboolean max_ok = h->overflow ? h->max > h->range_max
                    : in_buckets ? h->max >= h->range_min && h->max <= h->range_max
                                     && bucket_of (h, h->max) == last
                                 : h->max < h->range_min;
  if (!max_ok)
    return malformed (r, 54, "max", "%.17g is not in the last non-empty category", h->max);

  /* max + (n-1) min <= sum <= min + (n-1) max, with room for rounding. */
  double s = sim_histogram_sum_to_double (h->sum), n1 = (double) (h->count - 1);
  double lo = h->max + n1 * h->min, hi = h->min + n1 * h->max;
  if (!(s >= lo * (1 - 1e-12) && s <= hi * (1 + 1e-12)))
    return malformed (r, 62, "sum", "%.17g outside [%.17g, %.17g] allowed by count, min, max",
                      s, lo, hi);
  return TRUE;
}

static gboolean
read_runs (Reader *r, SimHistogram *h, guint64 *in_buckets, guint *first, guint *last)
{
  guint64 runs = 0, end = 0;
  if (!get_be (r, 4, "runs", &runs))
    return FALSE;
  if (runs > h->n_buckets)
    return malformed (r, r->pos - 4, "runs", "%" G_GUINT64_FORMAT " runs in %u buckets", runs,
                      h->n_buckets);
  *in_buckets = 0;
  for (guint64 k = 0; k < runs; k++)
    {
      guint64 skip = 0, length = 0, width = 0;
      gsize at = r->pos;
      if (!get_be (r, 4, "run skip", &skip) || !get_be (r, 4, "run length", &length)
          || !get_be (r, 1, "run width", &width))
        return FALSE;
      if (k > 0 && skip == 0)
        return malformed (r, at, "run skip", "0 after a run, expected > 0 (runs are maximal)");
      if (length == 0 || end + skip + length > h->n_buckets)
        return malformed (r, at + 4, "run length",
                          "%" G_GUINT64_FORMAT " at bucket %" G_GUINT64_FORMAT
                          ", expected 1 .. the %u buckets",
                          length, end + skip, h->n_buckets);
      if (width != 1 && width != 2 && width != 4 && width != 8)
        return malformed (r, at + 8, "run width", "%" G_GUINT64_FORMAT ", expected 1, 2, 4 or 8",
                          width);
      if ((r->len - r->pos) / width < length)
        return malformed (r, r->pos, "run counts", "truncated: %" G_GUINT64_FORMAT
                          " counts of %" G_GUINT64_FORMAT " bytes expected", length, width);
      end += skip;
      if (k == 0)
        *first = (guint) end;
      guint64 largest = 0;
      for (guint64 i = 0; i < length; i++, end++)
        {
          guint64 c = 0;
          gsize c_at = r->pos;
          get_be (r, (guint) width, "run count", &c);
          if (c == 0)
            return malformed (r, c_at, "run count", "0, expected a non-empty bucket");
          if (c > G_MAXUINT64 - *in_buckets)
            return malformed (r, c_at, "run count", "bucket counts pass 2^64 - 1");
          *in_buckets += c;
          h->counts[end] = c;
          largest = MAX (largest, c);
        }
      if (width_of (largest) != width)
        return malformed (r, at + 8, "run width", "%" G_GUINT64_FORMAT ", expected %u "
                          "(the fewest bytes for the largest count)", width, width_of (largest));
      *last = (guint) end - 1;
    }
  return TRUE;
}

SimHistogram *
sim_histogram_deserialize (const guint8 *data, gsize len, const char *origin, GError **error)
{
  g_return_val_if_fail (data != NULL || len == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);
  Reader r = { data, len, 0, origin ? origin : "histogram", error };
  guint64 version = 0, p = 0, min_b = 0, max_b = 0, count = 0, under = 0, over = 0;
  guint64 min_bits = 0, max_bits = 0, f = 0, n = 0;

  if (len < sizeof magic || memcmp (data, magic, sizeof magic) != 0)
    {
      malformed (&r, 0, "magic", "expected \"SIMH\"");
      return NULL;
    }
  r.pos = sizeof magic;
  if (!get_be (&r, 1, "version", &version))
    return NULL;
  if (version != 1)
    {
      malformed (&r, 4, "version", "%" G_GUINT64_FORMAT ", expected 1", version);
      return NULL;
    }
  if (!get_be (&r, 1, "precision_bits", &p) || !get_be (&r, 8, "range_min", &min_b)
      || !get_be (&r, 8, "range_max", &max_b))
    return NULL;
  guint n_buckets = 0;
  double lo = double_of (min_b), hi = double_of (max_b);
  const char *problem = sim_histogram_layout_problem (lo, hi, (int) p, &n_buckets);
  if (problem != NULL)
    {
      malformed (&r, 5, "layout", "%s (p=%d, range [%.17g, %.17g])", problem, (int) p, lo, hi);
      return NULL;
    }
  if (!get_be (&r, 8, "count", &count) || !get_be (&r, 8, "underflow", &under)
      || !get_be (&r, 8, "overflow", &over) || !get_be (&r, 8, "min", &min_bits)
      || !get_be (&r, 8, "max", &max_bits) || !get_be (&r, 1, "sum first word", &f)
      || !get_be (&r, 1, "sum words", &n))
    return NULL;
  if (f + n > SUM_WORDS || (n == 0 && f != 0))
    {
      malformed (&r, 62, "sum words", "first %" G_GUINT64_FORMAT ", %" G_GUINT64_FORMAT
                 " words, expected at most 34 in all (first 0 when there are none)", f, n);
      return NULL;
    }
  g_autoptr (SimHistogram) h = sim_histogram_alloc (lo, hi, (int) p, n_buckets);
  for (guint64 i = 0; i < n; i++)
    if (!get_be (&r, 8, "sum word", &h->sum[f + i]))
      return NULL;
  if (n > 0 && (h->sum[f] == 0 || h->sum[f + n - 1] == 0))
    {
      malformed (&r, HEADER_LEN, "sum words", "expected the first and last to be non-zero");
      return NULL;
    }
  guint64 in_buckets = 0;
  guint first = 0, last = 0;
  if (!read_runs (&r, h, &in_buckets, &first, &last))
    return NULL;
  if (r.pos != len)
    {
      malformed (&r, r.pos, "end", "%" G_GSIZE_FORMAT " bytes after the last run, expected none",
                 len - r.pos);
      return NULL;
    }
  if (under > G_MAXUINT64 - over || in_buckets > G_MAXUINT64 - under - over
      || under + over + in_buckets != count)
    {
      malformed (&r, 22, "count", "%" G_GUINT64_FORMAT ", expected underflow + overflow + "
                 "buckets = %" G_GUINT64_FORMAT " + %" G_GUINT64_FORMAT " + %" G_GUINT64_FORMAT,
                 count, under, over, in_buckets);
      return NULL;
    }
  h->count = count;
  h->underflow = under;
  h->overflow = over;
  h->min = count ? double_of (min_bits) : INFINITY;
  h->max = count ? double_of (max_bits) : -INFINITY;
  if (!check_consistency (&r, h, min_bits, max_bits, in_buckets, first, last))
    return NULL;
  return g_steal_pointer (&h);
}
