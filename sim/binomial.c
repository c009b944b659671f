/* SPDX-License-Identifier: MIT */
/*
 * Binomial and multinomial sampling (see sim/binomial.h).  Two exact
 * algorithms cover Binomial(n, p) with p <= 1/2 (the symmetry n - B(n, 1-p)
 * covers the rest):
 *
 *  - n p < 10: inversion by sequential search from 0, the pmf advanced by
 *    the ratio f(k)/f(k-1) = (n-k+1)/k * p/q from f(0) = exp (n log1p (-p)),
 *    which cannot underflow here (f(0) >= e^-14 when n p < 10 and p <= 1/2);
 *  - n p >= 10: BTRD, W. Hörmann, "The generation of binomial random
 *    variates", J. Stat. Comput. Simul. 46 (1993) 101-110: transformed
 *    rejection with a hat of the form (2a/(1/2-|u|) + b) u + c, whose
 *    central part is accepted with one uniform and no test (about 86 % of
 *    draws), the rest by an exact ratio f(k)/f(m) at the mode m.
 *
 * One departure from the paper, for n up to 2^53: the final test of step
 * 3.4 is rearranged so that no term of size m log(...) is formed, only
 * log1p of small ratios (see log_ratio_at); the paper's form loses about
 * m * 2^-53 in absolute precision, which is far from negligible when m is
 * 10^12 or more.  Expected cost is O(1) in n; nothing is cached between
 * calls.
 */
#include "sim/binomial.h"

#include <math.h>

/*
 * fc(k) = log k! - [(k + 1/2) log (k + 1) - (k + 1) + log (2 pi) / 2], the
 * tail of Stirling's series for log k!.  Below 10 a table (Hörmann's values,
 * which agree with lgammal to the last printed digit), above it the series
 * in 1/(k+1) to the 1/(k+1)^9 term (error below 1e-14).  These terms move
 * the acceptance test of step 3.4 by O(1/m) inside a band where the squeeze
 * of 3.2 did not decide, too little for any sample size a test can afford
 * to see, so they were checked against lgammal when written, not by the
 * statistical tests.
 */
static double
stirling_tail (double k)
{
  static const double exact[10] = {
    0.08106146679532726, 0.04134069595540929, 0.02767792568499834,
    0.02079067210376509, 0.01664469118982119, 0.01387612882307075,
    0.01189670994589177, 0.01041126526197209, 0.009255462182712733,
    0.008330563433362871,
  };
  if (k < 10.0)
    return exact[(int) k];
  double x = k + 1.0, x2 = x * x;
  return (1.0 / 12.0
          - (1.0 / 360.0
             - (1.0 / 1260.0 - (1.0 / 1680.0 - 1.0 / (1188.0 * x2)) / x2) / x2) / x2) / x;
}

/* Inversion for n p < 10, p <= 1/2. */
static gint64
inversion (SimRng *r, gint64 n, double p)
{
  double s = p / (1.0 - p);
  double f0 = exp ((double) n * log1p (-p));
  /*
   * The search stops at bound and starts again with a fresh uniform.  That
   * only happens when rounding leaves u above the summed pmf (u within a
   * few ulps of 1), or for k > 110, whose probability with n p < 10 is
   * below 1e-70 (a Poisson(10) tail bounds it): the law is unchanged at
   * double precision, and the loop cannot run away when n is huge.
   */
  gint64 bound = MIN (n, 110);
  for (;;)
    {
      double u = sim_rng_uniform (r);
      double f = f0;
      gint64 k = 0;
      while (u > f)
        {
          u -= f;
          if (++k > bound)
            break;
          f *= s * (double) (n - k + 1) / (double) k;
        }
      if (k <= bound)
        return k;
    }
}

/*
 * log (f(k) / f(m)) for the Binomial(n, p) pmf f, with rr = p/q: the right
 * side of BTRD's step 3.4 written with d = k - m as
 *   -(m + 1/2) log1p (d/(m+1)) - (n - m + 1/2) log1p (-d/(n-m+1))
 *   + d log (rr (n-k+1)/(k+1)) + fc(m) + fc(n-m) - fc(k) - fc(n-k),
 * which is the paper's h + (n+1) log (nm/nk) + (k+1/2) log (nk rr/(k+1))
 * - fc(k) - fc(n-k) expanded.  Its terms of size d cancel to the result
 * (about -d^2 / 2npq) with an absolute error near d * 2^-53.
 */
static double
log_ratio_at (double n, double rr, double m, double k)
{
  double d = k - m;
  double nm = n - m + 1.0;
  return -(m + 0.5) * log1p (d / (m + 1.0))
         - (nm - 0.5) * log1p (-d / nm)
         + d * log (rr * (n - k + 1.0) / (k + 1.0))
         + stirling_tail (m) + stirling_tail (n - m)
         - stirling_tail (k) - stirling_tail (n - k);
}

/* BTRD for n p >= 10, p <= 1/2; step numbers are the paper's. */
static gint64
btrd (SimRng *r, double n, double p)
{
  /* Set-up. */
  double q = 1.0 - p;
  double m = floor ((n + 1.0) * p);
  double rr = p / q;
  double nr = (n + 1.0) * rr;
  double npq = n * p * q;
  double spq = sqrt (npq);
  double b = 1.15 + 2.53 * spq;
  double a = -0.0873 + 0.0248 * b + 0.01 * p;
  double c = n * p + 0.5;
  double alpha = (2.83 + 5.1 / b) * spq;
  double vr = 0.92 - 4.2 / b;
  double urvr = 0.86 * vr;

  for (;;)
    {
      /* 1: the central region, accepted at once. */
      double v = sim_rng_uniform (r);
      if (v <= urvr)
        {
          /* |u| <= 0.43 keeps the value within c +- (1.86 sqrt (npq) - 0.2),
           * inside [0, n] when n p >= 10: truncation is floor here. */
          double u = v / vr - 0.43;
          return (gint64) ((2.0 * a / (0.5 - fabs (u)) + b) * u + c);
        }

      /* 2: a point (u, v) under the rest of the hat. */
      double u;
      if (v >= vr)
        u = sim_rng_uniform (r) - 0.5;
      else
        {
          u = v / vr - 0.93;
          u = copysign (0.5, u) - u;
          v = sim_rng_uniform (r) * vr;
        }

      /* 3.0 */
      double us = 0.5 - fabs (u);
      double x = (2.0 * a / us + b) * u + c;
      if (x < 0.0 || x >= n + 1.0)      /* floor (x) outside [0, n] */
        continue;
      double k = (double) (gint64) x;    /* floor, as 0 <= x < 2^53 + 1 */
      v = v * alpha / (a / (us * us) + b);
      double km = fabs (k - m);

      /* 3.1: f(k)/f(m) by the recurrence, near the mode. */
      if (km <= 15.0)
        {
          double f = 1.0;
          if (m < k)
            for (double i = m + 1.0; i <= k; i++)
              f *= nr / i - rr;
          else
            for (double i = k + 1.0; i <= m; i++)
              v *= nr / i - rr;
          if (v <= f)
            return (gint64) k;
          continue;
        }

      /* 3.2: squeeze acceptance or rejection. */
      v = log (v);
      double rho = (km / npq) * (((km / 3.0 + 0.625) * km + 1.0 / 6.0) / npq + 0.5);
      double t = -km * km / (2.0 * npq);
      if (v < t - rho)
        return (gint64) k;
      if (v > t + rho)
        continue;

      /* 3.3, 3.4: the exact test. */
      if (v <= log_ratio_at (n, rr, m, k))
        return (gint64) k;
    }
}

/* Binomial(n, p) for 0 < p <= 1/2, n > 0. */
static gint64
draw (SimRng *r, gint64 n, double p)
{
  if ((double) n * p < 10.0)
    return inversion (r, n, p);
  return btrd (r, (double) n, p);
}

gint64
sim_binomial (SimRng *r, gint64 n, double p)
{
  g_return_val_if_fail (r != NULL, 0);
  g_return_val_if_fail (n >= 0 && n <= SIM_BINOMIAL_MAX_N, 0);
  g_return_val_if_fail (p >= 0.0 && p <= 1.0, 0);  /* also refuses NaN */

  if (n == 0 || p == 0.0)
    return 0;
  if (p == 1.0)
    return n;
  if (p > 0.5)
    return n - draw (r, n, 1.0 - p);   /* 1 - p is exact for p >= 1/2 */
  return draw (r, n, p);
}

/* weights[from] + ... + weights[to], summed afresh. */
static double
sum_range (const double *weights, gsize from, gsize to)
{
  double s = 0.0;
  for (gsize i = from; i <= to; i++)
    s += weights[i];
  return s;
}

void
sim_multinomial (SimRng *r, gint64 n, const double *weights, gsize k, gint64 *out)
{
  g_return_if_fail (out != NULL || k == 0);
  for (gsize i = 0; i < k; i++)
    out[i] = 0;
  g_return_if_fail (r != NULL);
  g_return_if_fail (weights != NULL || k == 0);
  g_return_if_fail (n >= 0 && n <= SIM_BINOMIAL_MAX_N);

  /* Check the weights and find the last positive one. */
  gsize last = k;
  for (gsize i = 0; i < k; i++)
    {
      g_return_if_fail (weights[i] >= 0.0 && weights[i] <= G_MAXDOUBLE);
      if (weights[i] > 0.0)
        last = i;
    }
  if (n == 0)
    return;
  g_return_if_fail (last < k);   /* some weight is positive */

  /*
   * left is the weight of categories i..last.  It is kept by subtraction,
   * which is exact enough while it shrinks slowly; once it falls below half
   * of the last fresh sum, cancellation could have eaten its low bits, so
   * it is summed afresh (at most log2 (dynamic range) times per call).
   */
  double left = sum_range (weights, 0, last);
  double fresh = left;
  gint64 remaining = n;
  for (gsize i = 0; i < last && remaining > 0; i++)
    {
      double w = weights[i];
      if (w == 0.0)
        continue;
      double p = w / left;
      out[i] = sim_binomial (r, remaining, p < 1.0 ? p : 1.0);
      remaining -= out[i];
      left -= w;
      if (left < 0.5 * fresh)
        fresh = left = sum_range (weights, i + 1, last);
    }
  out[last] = remaining;
}
