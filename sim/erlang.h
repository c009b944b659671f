/* SPDX-License-Identifier: MIT */
/*
 * Closed forms for the M/M/c queue (Poisson arrivals of rate lambda,
 * exponential service of rate mu, c identical servers, FCFS, unbounded
 * waiting room): Erlang C (the probability that an arrival waits), the mean
 * wait and response, the waiting-time and response-time distributions and
 * their quantiles, and the capacity-planning inverse (the fewest servers that
 * keep a response-time quantile under a bound).  These are the yardstick the
 * discrete-event queue (sim/queue.h) is tested against, and the planner's
 * first estimate.  Everything is computed in O(c) without factorials or
 * powers, so it is stable for c up to SIM_ERLANG_MAX_SERVERS.
 *
 * Conventions: a = lambda / mu is the offered load in erlangs; theta =
 * c mu - lambda is the rate of the conditional wait.  A system with a >= c
 * is unstable: there every arrival waits (Erlang C is 1), the mean wait and
 * response are +infinity, tails are 1 and quantiles +infinity.  Bad
 * arguments (negative, NaN, c = 0 or c > SIM_ERLANG_MAX_SERVERS) are
 * programmer errors: a critical is logged and NaN (or 0) returned.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The largest number of servers accepted. */
#define SIM_ERLANG_MAX_SERVERS 100000u

/* Erlang B (the blocking probability of M/M/c/c) for c >= 0 servers and
 * offered load a >= 0, by the recursion B(0) = 1,
 * B(k) = a B(k-1) / (k + a B(k-1)). */
double sim_erlang_b (guint c, double a);

/* Erlang C: the probability that an arrival waits, C = c B / (c - a (1 - B)),
 * for c >= 1 servers and offered load a = lambda / mu (1 when a >= c). */
double sim_erlang_c (guint c, double a);

/* The mean wait in queue, C / (c mu - lambda). */
double sim_erlang_mean_wait (guint c, double lambda, double mu);

/* The mean response (wait plus service), C / (c mu - lambda) + 1 / mu. */
double sim_erlang_mean_response (guint c, double lambda, double mu);

/* P(W > t) for the wait W of FCFS M/M/c: C exp (-(c mu - lambda) t),
 * for t >= 0 (1 for t < 0). */
double sim_erlang_wait_tail (guint c, double lambda, double mu, double t);

/* The q-quantile of W (0 <= q < 1): 0 when 1 - q >= C, otherwise
 * ln (C / (1 - q)) / (c mu - lambda). */
double sim_erlang_wait_quantile (guint c, double lambda, double mu, double q);

/*
 * P(T > t) for the response T = W + S of FCFS M/M/c, S ~ Exp(mu) independent
 * of W:
 *   P(T > t) = e^{-mu t} + C mu (e^{-mu t} - e^{-theta t}) / (theta - mu),
 * with the limit e^{-mu t} (1 + C mu t) when theta = mu; evaluated as
 * e^{-lo t} (1 - e^{-(hi - lo) t}) / (hi - lo) with expm1, lo = min and
 * hi = max of (mu, theta), so it is accurate near theta = mu and never
 * forms inf * 0.  1 for t <= 0.
 */
double sim_erlang_response_tail (guint c, double lambda, double mu, double t);

/* The q-quantile of T (0 <= q < 1): the t with P(T > t) = 1 - q, by
 * bisection to a relative width of 1e-13. */
double sim_erlang_response_quantile (guint c, double lambda, double mu, double q);

/*
 * Capacity planning: the fewest servers c (c mu > lambda) whose response
 * q-quantile is at most t, found by bisection over c (the quantile falls as
 * c grows).  quantile_out (may be NULL) receives that quantile.  Returns 0
 * when no c up to SIM_ERLANG_MAX_SERVERS will do, which is always the case
 * when t is below the service time's own q-quantile -ln (1 - q) / mu;
 * quantile_out is then +infinity.  lambda >= 0, mu > 0, t >= 0, 0 <= q < 1.
 */
guint sim_erlang_servers_for (double lambda, double mu, double t, double q,
                              double *quantile_out);

G_END_DECLS
