/* SPDX-License-Identifier: MIT */
/*
 * Exact binomial and multinomial variates from a SimRng stream: the
 * workhorse of the cohort model, where the number of cardholders of a cell
 * who adopt on a day is one Binomial(non-holders, hazard) draw and the new
 * holders are split across channels by one multinomial draw.  "Exact" means
 * the law of the result is Binomial(n, p) itself (up to double rounding of
 * the probabilities), never a normal or Poisson approximation, at O(1)
 * expected cost however large n is.  Nothing is allocated or cached: the
 * setup is redone per call, so calls are independent and thread-safe.
 */
#pragma once

#include <glib.h>

#include "sim/rng.h"

G_BEGIN_DECLS

/* The largest n accepted: 2^53, so that every count is exact in a double. */
#define SIM_BINOMIAL_MAX_N ((gint64) 1 << 53)

/*
 * A Binomial(n, p) variate, for 0 <= n <= SIM_BINOMIAL_MAX_N and
 * 0 <= p <= 1.  p = 0 or n = 0 gives 0 and p = 1 gives n without touching
 * the stream.  Otherwise: for p > 1/2, n - Binomial(n, 1 - p); then, with
 * p <= 1/2, sequential-search inversion when n p < 10 (one uniform, about
 * n p + 1 steps) and Hörmann's BTRD (transformed rejection with
 * decomposition, J. Stat. Comput. Simul. 46, 1993) otherwise.
 * A bad n or p (negative, NaN, out of range) is a programmer error: a
 * critical is logged and 0 returned.
 */
gint64 sim_binomial (SimRng *r, gint64 n, double p);

/*
 * A Multinomial(n, weights / sum (weights)) variate into out[0..k-1], by
 * chained binomials: out[i] = Binomial(remaining n, w[i] / remaining weight)
 * in index order; the last category with a positive weight takes what
 * remains, zero weights always get 0, and draws stop once nothing remains.
 * Weights must be finite and >= 0, and not all 0 unless n is 0 (programmer
 * errors otherwise: a critical is logged and out is all 0).
 */
void sim_multinomial (SimRng *r, gint64 n, const double *weights, gsize k,
                      gint64 *out);

G_END_DECLS
