/* SPDX-License-Identifier: MIT */
/*
 * New channels after the catalogue: a Poisson process of arrivals from the
 * day after the catalogue's last go-live (or after the scenario's
 * data_until, when the catalogue runs past it), with rate
 *
 *   r(t) = arrival_rate x 2^(-(t - from) / arrival_halflife)  per day,
 *
 * so that the expected number of channels still to come is bounded
 * (arrival_rate x halflife / ln 2) and the count levels off as the classes
 * fill.  arrival_rate = fit (the default) takes the mean rate between the
 * last two published channel counts on or before the catalogue's end (and
 * data_until): 363 on 2020-06-30 and 417 on 2020-11-20 give 54 / 143 =
 * 0.378 a day; with fewer than two counts the rate is 0.
 *
 * Each arrival has the class of a uniformly drawn catalogue channel (the
 * catalogue's class mix) and its reach: national with the probability of
 * the catalogue's national share, else one province drawn by population.
 * Arrivals are tier 1 and live on their arrival day (no certification
 * draws).  Drawn per replication from streams keyed by (seed, replication)
 * and named by the arrival's number, so they do not depend on threads.
 */
#pragma once

#include <glib.h>

#include "model/rollout/scenario.h"

G_BEGIN_DECLS

typedef struct {
  gint32 live;            /* day number */
  guint8 klass;           /* ModelChannelClass */
  guint32 province_code;  /* xx0000, or 0 for national reach */
} ModelArrival;

/* The arrival days and channels of a replication, at most max, in day
 * order.  Returns how many. */
guint model_arrivals_draw (const ModelScenario *scenario, guint64 replication,
                           ModelArrival *out, guint max);

/* TRUE when the arrival reaches the city. */
static inline gboolean
model_arrival_reaches (const ModelArrival *a, const ModelCity *city)
{
  return a->province_code == 0 || a->province_code == city->province_code;
}

/* The expected arrival rate on day (0 before arrival_from). */
double model_arrivals_rate_on (const ModelScenario *scenario, gint32 day);

G_END_DECLS
