/* SPDX-License-Identifier: MIT */
/*
 * The inside of a SimHistogram, shared by histogram.c (recording, merging,
 * quantiles) and histogram_bytes.c (the byte format) and by nothing else:
 * include sim/histogram.h instead.  The static helpers are short and
 * unprefixed, as file-static helpers are: only these two files see them.
 */
#pragma once

#include "sim/histogram.h"

#include <string.h>

G_BEGIN_DECLS

/* Words of the exact sum: a fixed-point number in units of 2^-1074, least
 * significant word first (see histogram.c). */
#define SIM_HISTOGRAM_SUM_WORDS 34

struct _SimHistogram {
  double range_min, range_max;
  int precision;
  guint shift;      /* 52 - precision */
  guint64 key_lo;   /* key of range_min: bucket 0 */
  guint n_buckets;
  guint64 count, underflow, overflow;
  double min, max;  /* +inf and -inf while empty */
  guint64 sum[SIM_HISTOGRAM_SUM_WORDS];
  guint64 counts[]; /* n_buckets */
};

static inline guint64
bits_of (double v)
{
  guint64 b;
  memcpy (&b, &v, sizeof b);
  return b;
}

static inline double
double_of (guint64 b)
{
  double v;
  memcpy (&v, &b, sizeof v);
  return v;
}

/* The bucket of v, for range_min <= v <= range_max. */
static inline guint
bucket_of (const SimHistogram *h, double v)
{
  return (guint) ((bits_of (v) >> h->shift) - h->key_lo);
}

/* NULL if (min, max, p) is a valid layout (its bucket count in *n), else
 * what was expected. */
const char *sim_histogram_layout_problem (double min, double max, int p, guint *n);

/* Returns: (transfer full) an empty histogram of a valid layout. */
SimHistogram *sim_histogram_alloc (double min, double max, int p, guint n);

/* The exact sum rounded to nearest (ties to even) unless below 2^-1022. */
double sim_histogram_sum_to_double (const guint64 *sum);

G_END_DECLS
