/* SPDX-License-Identifier: MIT */
/*
 * The arrival process of new channels (see arrivals.h), and the scenario
 * rule that resolves its rate.  Arrival times come by inverting the
 * cumulative hazard: with Λ(t) = r h / ln 2 (1 - 2^(-t/h)), the next
 * arrival after s is Λ^-1 (Λ(s) + E) for E exponential; none once that
 * passes Λ(∞).
 */
#include "model/rollout/arrivals.h"
#include "model/rollout/scenario_private.h"

#include "sim/rng.h"

#include <math.h>
#include <string.h>

#define ARRIVAL_CELL 68

void
scen_arrivals_resolve (ScenCheck *check, ModelScenario *s)
{
  const ModelCatalogue *cat = s->catalogue;
  gint32 last = G_MININT32;
  for (guint ch = 0; ch < cat->n_channels; ch++)
    if (cat->channels[ch].golive <= s->data_until)
      last = MAX (last, cat->channels[ch].golive);
  if (s->data_until != G_MAXINT32)
    last = MAX (last, s->data_until);
  s->arrival_from = last == G_MININT32 ? s->start : MAX (s->start, last + 1);
  if (!s->arrival_fitted)
    return;
  /* The last two published counts on or before the catalogue's end. */
  const ModelPublished *a = NULL, *b = NULL;
  for (guint i = 0; i < s->n_published; i++)
    {
      const ModelPublished *p = &s->published[i];
      if (strcmp (p->quantity, "channels") != 0 || p->day >= s->arrival_from)
        continue;
      if (b == NULL || p->day > b->day)
        {
          a = b;
          b = p;
        }
      else if (p->day != b->day && (a == NULL || p->day > a->day))
        a = p;
    }
  s->arrival_rate = a != NULL && b->day > a->day && b->value > a->value
                        ? (b->value - a->value) / (double) (b->day - a->day)
                        : 0;
  (void) check;
}

double
model_arrivals_rate_on (const ModelScenario *s, gint32 day)
{
  if (day < s->arrival_from)
    return 0;
  return s->arrival_rate * exp2 (-(double) (day - s->arrival_from) / s->arrival_halflife);
}

guint
model_arrivals_draw (const ModelScenario *s, guint64 replication, ModelArrival *out, guint max)
{
  const ModelCatalogue *cat = s->catalogue;
  const ModelCities *cities = s->cities;
  if (s->arrival_rate <= 0 || max == 0 || cat->n_channels == 0 || s->arrival_from > s->end)
    return 0;
  guint national = 0;
  for (guint ch = 0; ch < cat->n_channels; ch++)
    national += cat->channels[ch].reach_kind == MODEL_REACH_NATIONAL;
  const double k = s->arrival_halflife / M_LN2;     /* days per unit of log2 decay / ln 2 */
  const double total = s->arrival_rate * k;          /* Λ(∞) */
  double lambda = 0;                                 /* Λ at the last arrival */
  guint n = 0;
  for (; n < max; n++)
    {
      SimRng r;
      sim_rng_init (&r, s->seed, replication, 0, n, ARRIVAL_CELL);
      lambda += -log1p (-sim_rng_uniform (&r));
      if (lambda >= total)
        break;
      double t = -k * log1p (-lambda / total);      /* days after arrival_from */
      gint64 day = (gint64) s->arrival_from + (gint64) floor (t);
      if (day > s->end)
        break;
      ModelArrival *a = &out[n];
      a->live = (gint32) day;
      a->klass = (guint8) cat->channels[sim_rng_u64 (&r) % cat->n_channels].klass;
      a->province_code = 0;
      if (sim_rng_uniform (&r) * cat->n_channels >= national)
        {
          /* A province by population. */
          guint64 pick = sim_rng_u64 (&r) % cities->population;
          for (guint c = 0; c < cities->n_cities; c++)
            {
              if (pick < cities->cities[c].population)
                {
                  a->province_code = cities->cities[c].province_code;
                  break;
                }
              pick -= cities->cities[c].population;
            }
        }
    }
  return n;
}
