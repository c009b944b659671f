/* SPDX-License-Identifier: MIT */
/*
 * Erlang B and C and the M/M/c FCFS wait and response distributions (see
 * sim/erlang.h).  Erlang B comes from its forward recursion, each step a
 * ratio in [0, 1], so nothing overflows however large c and a are; Erlang C
 * follows from B.  The response tail is the hypoexponential tail of
 * Exp(theta) + Exp(mu) mixed with the probability C of waiting:
 *
 *   P(T > t) = (1 - C) e^{-mu t} + C (theta e^{-mu t} - mu e^{-theta t}) / (theta - mu)
 *            = e^{-mu t} + C mu (e^{-mu t} - e^{-theta t}) / (theta - mu),
 *
 * (the second line by collecting the e^{-mu t} terms), whose last fraction
 * is symmetric in (mu, theta) and equals e^{-lo t} (-expm1 (-(hi - lo) t)) /
 * (hi - lo), which tends to t e^{-mu t} as theta -> mu.
 */
#include "sim/erlang.h"

#include <math.h>

/* Programmer-error checks shared by the functions taking (c, lambda, mu). */
static gboolean
args_ok (guint c, double lambda, double mu)
{
  g_return_val_if_fail (c >= 1 && c <= SIM_ERLANG_MAX_SERVERS, FALSE);
  g_return_val_if_fail (lambda >= 0.0 && isfinite (lambda), FALSE);
  g_return_val_if_fail (mu > 0.0 && isfinite (mu), FALSE);
  return TRUE;
}

double
sim_erlang_b (guint c, double a)
{
  g_return_val_if_fail (c <= SIM_ERLANG_MAX_SERVERS, NAN);
  g_return_val_if_fail (a >= 0.0 && isfinite (a), NAN);
  double b = 1.0;
  for (guint k = 1; k <= c; k++)
    b = a * b / ((double) k + a * b);
  return b;
}

double
sim_erlang_c (guint c, double a)
{
  g_return_val_if_fail (c >= 1 && c <= SIM_ERLANG_MAX_SERVERS, NAN);
  g_return_val_if_fail (a >= 0.0 && isfinite (a), NAN);
  if (a >= (double) c)
    return 1.0;
  double b = sim_erlang_b (c, a);
  return (double) c * b / ((double) c - a * (1.0 - b));
}

double
sim_erlang_mean_wait (guint c, double lambda, double mu)
{
  if (!args_ok (c, lambda, mu))
    return NAN;
  double theta = (double) c * mu - lambda;
  if (theta <= 0.0)
    return INFINITY;
  return sim_erlang_c (c, lambda / mu) / theta;
}

double
sim_erlang_mean_response (guint c, double lambda, double mu)
{
  double w = sim_erlang_mean_wait (c, lambda, mu);
  return isnan (w) ? NAN : w + 1.0 / mu;
}

double
sim_erlang_wait_tail (guint c, double lambda, double mu, double t)
{
  if (!args_ok (c, lambda, mu))
    return NAN;
  g_return_val_if_fail (!isnan (t), NAN);
  double theta = (double) c * mu - lambda;
  if (t < 0.0 || theta <= 0.0)
    return 1.0;
  return sim_erlang_c (c, lambda / mu) * exp (-theta * t);
}

double
sim_erlang_wait_quantile (guint c, double lambda, double mu, double q)
{
  if (!args_ok (c, lambda, mu))
    return NAN;
  g_return_val_if_fail (q >= 0.0 && q < 1.0, NAN);
  double theta = (double) c * mu - lambda;
  if (theta <= 0.0)
    return INFINITY;
  double erl = sim_erlang_c (c, lambda / mu);
  if (1.0 - q >= erl)
    return 0.0;
  return log (erl / (1.0 - q)) / theta;
}

/* P(T > t) given C, for theta > 0 and t > 0. */
static double
response_tail (double erl, double mu, double theta, double t)
{
  double lo = MIN (mu, theta), diff = fabs (theta - mu);
  double frac = diff == 0.0 ? t : -expm1 (-diff * t) / diff;
  double p = exp (-mu * t) + erl * mu * exp (-lo * t) * frac;
  return MIN (p, 1.0);
}

double
sim_erlang_response_tail (guint c, double lambda, double mu, double t)
{
  if (!args_ok (c, lambda, mu))
    return NAN;
  g_return_val_if_fail (!isnan (t), NAN);
  double theta = (double) c * mu - lambda;
  if (t <= 0.0 || theta <= 0.0)
    return 1.0;
  return response_tail (sim_erlang_c (c, lambda / mu), mu, theta, t);
}

/* The t with P(T > t) = 1 - q, given C (theta > 0, 0 <= q < 1). */
static double
response_quantile (double erl, double mu, double theta, double q)
{
  double target = 1.0 - q;
  if (target >= 1.0)
    return 0.0;
  double lo = 0.0, hi = 1.0 / mu;
  while (response_tail (erl, mu, theta, hi) > target)
    {
      lo = hi;
      hi *= 2.0;
    }
  for (int i = 0; i < 200 && hi - lo > 1e-13 * hi; i++)
    {
      double mid = 0.5 * (lo + hi);
      if (response_tail (erl, mu, theta, mid) > target)
        lo = mid;
      else
        hi = mid;
    }
  return 0.5 * (lo + hi);
}

double
sim_erlang_response_quantile (guint c, double lambda, double mu, double q)
{
  if (!args_ok (c, lambda, mu))
    return NAN;
  g_return_val_if_fail (q >= 0.0 && q < 1.0, NAN);
  double theta = (double) c * mu - lambda;
  if (theta <= 0.0)
    return INFINITY;
  return response_quantile (sim_erlang_c (c, lambda / mu), mu, theta, q);
}

/* Whether c servers keep the q-quantile of the response at most t (c mu > lambda). */
static gboolean
enough (guint c, double lambda, double mu, double t, double q)
{
  double theta = (double) c * mu - lambda;
  if (theta <= 0.0)
    return FALSE;
  if (t <= 0.0)
    return q == 0.0;
  return response_tail (sim_erlang_c (c, lambda / mu), mu, theta, t) <= 1.0 - q;
}

guint
sim_erlang_servers_for (double lambda, double mu, double t, double q, double *quantile_out)
{
  if (quantile_out != NULL)
    *quantile_out = INFINITY;
  g_return_val_if_fail (lambda >= 0.0 && isfinite (lambda), 0);
  g_return_val_if_fail (mu > 0.0 && isfinite (mu), 0);
  g_return_val_if_fail (t >= 0.0 && !isnan (t), 0);
  g_return_val_if_fail (q >= 0.0 && q < 1.0, 0);

  double a = lambda / mu;
  if (a >= (double) SIM_ERLANG_MAX_SERVERS)
    return 0;
  guint lo = (guint) floor (a) + 1; /* the fewest servers with c mu > lambda */
  guint hi = lo;
  /* Grow hi until it is enough; lo - 1 stays (known or assumed) too few. */
  while (!enough (hi, lambda, mu, t, q))
    {
      if (hi == SIM_ERLANG_MAX_SERVERS)
        return 0;
      lo = hi + 1;
      hi = (guint) MIN ((guint64) hi * 2, (guint64) SIM_ERLANG_MAX_SERVERS);
    }
  /* The answer is in [lo, hi]: hi is enough, everything below lo is not. */
  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;
      if (enough (mid, lambda, mu, t, q))
        hi = mid;
      else
        lo = mid + 1;
    }
  if (quantile_out != NULL)
    *quantile_out = sim_erlang_response_quantile (hi, lambda, mu, q);
  return hi;
}
