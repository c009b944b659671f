/* SPDX-License-Identifier: MIT */
/*
 * Mergeable log-bucket histograms of non-negative values (response times in
 * seconds), in the spirit of HdrHistogram and DDSketch.  A histogram has a
 * layout (range_min, range_max, precision_bits p) and counts the values in
 * [range_min, range_max] in buckets taken straight from the IEEE-754 bits:
 * every binade [2^e, 2^(e+1)) is cut into 2^p equal buckets, so a bucket's
 * key is the double's bits shifted right by 52 - p (no log () call) and
 * its width is at most 2^-p of its lower edge.  Values below range_min
 * (zero included) are counted as underflow, values above range_max as
 * overflow.  Alongside: the exact count, the exact sum (a fixed-point
 * accumulator wide enough for any sum of finite doubles, so that it does not
 * depend on the order of additions), and the exact minimum and maximum.
 *
 * Merging adds counts and sums, so a histogram of days, replications,
 * threads or ranks merged in any order holds the same bytes as one that
 * recorded every value itself.  Quantiles are within relative error
 * 2^-(p+1) (p = 7: 0.39%) of the exact empirical quantile, see
 * sim_histogram_quantile.  Serialised form (big-endian, only non-empty
 * buckets, one canonical encoding per histogram): see histogram_bytes.c.
 *
 * Not thread-safe: give each thread its own histogram and merge them.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _SimHistogram SimHistogram;

#define SIM_HISTOGRAM_ERROR (sim_histogram_error_quark ())
GQuark sim_histogram_error_quark (void);

typedef enum {
  SIM_HISTOGRAM_ERROR_MALFORMED, /* bytes that are not a serialised histogram */
  SIM_HISTOGRAM_ERROR_LAYOUT,    /* merge of histograms of different layouts */
  SIM_HISTOGRAM_ERROR_OVERFLOW,  /* a merge whose count would pass 2^64 - 1 */
} SimHistogramError;

/* Layout limits: precision_bits in 1..20; at most 2^22 buckets. */
#define SIM_HISTOGRAM_MIN_PRECISION 1
#define SIM_HISTOGRAM_MAX_PRECISION 20
#define SIM_HISTOGRAM_MAX_BUCKETS (1u << 22)

/* ---- new --------------------------------------------------------------- */

/*
 * Returns: (transfer full) an empty histogram of range [min, max] with 2^p
 * buckets per binade.  min must be a normal positive double, max finite
 * and above min, p in 1..20, and the range at most SIM_HISTOGRAM_MAX_BUCKETS
 * buckets (1e-7 .. 1e4 s at p = 7: 4,679 buckets, 37 KiB); otherwise NULL and a
 * critical (programmer error).
 */
SimHistogram *sim_histogram_new (double min, double max, int precision_bits);

/* Returns: (transfer full) an empty histogram of h's layout. */
SimHistogram *sim_histogram_new_like (const SimHistogram *h);

/* Returns: (transfer full) a copy of h. */
SimHistogram *sim_histogram_copy (const SimHistogram *h);

/*
 * Returns: (transfer full) the histogram that data[0..len) encodes, or NULL
 * and SIM_HISTOGRAM_ERROR_MALFORMED naming origin (a file and row, say; NULL
 * for "histogram"), the byte offset, the field and what was expected.  Only
 * the canonical encoding that sim_histogram_serialize writes is accepted.
 */
SimHistogram *sim_histogram_deserialize (const guint8 *data, gsize len, const char *origin,
                                         GError **error);

/* ---- use --------------------------------------------------------------- */

/*
 * Counts one value (count times).  value must be finite and >= 0
 * (otherwise a critical and nothing is counted); record_n must not take
 * the count past 2^64 - 1.
 */
void sim_histogram_record (SimHistogram *h, double value);
void sim_histogram_record_n (SimHistogram *h, double value, guint64 count);

/*
 * Adds src into dst.  Fails with SIM_HISTOGRAM_ERROR_LAYOUT unless both
 * have the same range_min, range_max and precision_bits, and with
 * SIM_HISTOGRAM_ERROR_OVERFLOW if the count would pass 2^64 - 1; dst is
 * unchanged then.  Merging is commutative and associative, bit for bit.
 */
gboolean sim_histogram_merge (SimHistogram *dst, const SimHistogram *src, GError **error);

/* Empties h, keeping its layout. */
void sim_histogram_reset (SimHistogram *h);

/* Every value counted, underflow and overflow included. */
guint64 sim_histogram_count (const SimHistogram *h);
guint64 sim_histogram_underflow (const SimHistogram *h);
guint64 sim_histogram_overflow (const SimHistogram *h);

/* The sum of every value, correctly rounded from the exact sum; 0 if empty. */
double sim_histogram_sum (const SimHistogram *h);
/* sum / count (two roundings); NAN if empty. */
double sim_histogram_mean (const SimHistogram *h);
/* The exact smallest and largest value counted; NAN if empty. */
double sim_histogram_min (const SimHistogram *h);
double sim_histogram_max (const SimHistogram *h);

/*
 * The q-quantile (q in [0, 1]) of the values counted: the empirical
 * quantile x_(r) of rank r = max (1, ceil (q * count)) (ceil computed in
 * double), i.e. the inverse of the empirical distribution function, type 1
 * of Hyndman and Fan.  Rank 1 gives the exact minimum and rank count the
 * exact maximum.  Otherwise, when x_(r) is in a bucket, the result is the
 * bucket's midpoint clamped to [min, max], within relative error
 * sim_histogram_relative_error (h) of x_(r); when x_(r) is an underflow the
 * result is the minimum, when it is an overflow the maximum.  NAN if empty.
 */
double sim_histogram_quantile (const SimHistogram *h, double q);

/* 2^-(p+1): the bound on a quantile's relative error. */
double sim_histogram_relative_error (const SimHistogram *h);

/* The layout. */
double sim_histogram_range_min (const SimHistogram *h);
double sim_histogram_range_max (const SimHistogram *h);
int sim_histogram_precision_bits (const SimHistogram *h);
guint sim_histogram_n_buckets (const SimHistogram *h);

/*
 * Calls fn for every non-empty bucket in increasing order: its index
 * (0..n_buckets-1), its bounds [lower, upper) and its count; the rows a
 * table of buckets would hold.  Underflow and overflow are not buckets.
 */
typedef void (*SimHistogramBucketFn) (guint index, double lower, double upper, guint64 count,
                                      gpointer user_data);
void sim_histogram_foreach (const SimHistogram *h, SimHistogramBucketFn fn,
                            gpointer user_data);

/*
 * Returns: (transfer full) h's canonical encoding (a BLOB for SQLite); equal
 * histograms, however they were built, give equal bytes.
 */
GBytes *sim_histogram_serialize (const SimHistogram *h);

/* TRUE when a and b have the same layout and the same contents. */
gboolean sim_histogram_equal (const SimHistogram *a, const SimHistogram *b);

/* ---- free -------------------------------------------------------------- */

void sim_histogram_free (SimHistogram *h);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SimHistogram, sim_histogram_free)

G_END_DECLS
