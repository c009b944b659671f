/* SPDX-License-Identifier: MIT */
/*
 * Births, deaths and ageing of a city's cells (see demography.h).  The
 * draws of a day come in a fixed order: per area, per band, per state, the
 * removal and then its split; then the births per area.
 */
#include "model/rollout/demography.h"

#include "sim/binomial.h"

#include <math.h>
#include <string.h>

#define DAYS_PER_YEAR 365.25

void
model_demography_daily (const ModelDemographyRates *rates, ModelDemographyDaily *out)
{
  out->birth = -expm1 (-rates->birth / DAYS_PER_YEAR);
  for (guint b = 0; b < MODEL_N_AGE_BANDS; b++)
    {
      double ageing = b + 1 < MODEL_N_AGE_BANDS ? rates->ageing[b] : 0;
      double hazard = (rates->death[b] + ageing) / DAYS_PER_YEAR;
      out->removal[b] = -expm1 (-hazard);
      out->death_given_removal[b] = hazard > 0 ? rates->death[b] / (rates->death[b] + ageing)
                                               : 1;
    }
}

void
model_demography_step (const ModelDemographyDaily *daily, ModelCell *cells, guint n_areas,
                       SimRng *r, ModelDemographyFlows *flows)
{
  ModelDemographyFlows local;
  ModelDemographyFlows *fl = flows != NULL ? flows : &local;
  memset (fl, 0, sizeof *fl);

  for (guint a = 0; a < n_areas; a++)
    {
      ModelCell *band = cells + (gsize) a * MODEL_N_AGE_BANDS;
      gint64 born = sim_binomial (r, band[0].people + band[1].people + band[2].people,
                                  daily->birth);
      /* Per band and state: who dies, who ages on (from the day's start). */
      gint64 dead[MODEL_N_AGE_BANDS][MODEL_N_STATES], aged[MODEL_N_AGE_BANDS][MODEL_N_STATES];
      for (guint b = 0; b < MODEL_N_AGE_BANDS; b++)
        {
          const ModelCell *c = &band[b];
          gint64 n[MODEL_N_STATES] = { c->people - c->h1 - c->h2 - c->l1 - c->l2, c->h1, c->h2,
                                       c->l1, c->l2 };
          for (guint s = 0; s < MODEL_N_STATES; s++)
            {
              gint64 gone = sim_binomial (r, n[s], daily->removal[b]);
              dead[b][s] = sim_binomial (r, gone, daily->death_given_removal[b]);
              aged[b][s] = gone - dead[b][s];
              fl->deaths[a][b] += dead[b][s];
              fl->aged_out[a][b] += aged[b][s];
            }
        }
      for (guint b = 0; b < MODEL_N_AGE_BANDS; b++)
        {
          ModelCell *c = &band[b];
          gint64 *moved_in = b > 0 ? aged[b - 1] : NULL;
          gint64 in[MODEL_N_STATES] = { 0 };
          if (moved_in != NULL)
            memcpy (in, moved_in, sizeof in);
          c->h1 += in[MODEL_STATE_H1] - dead[b][MODEL_STATE_H1] - aged[b][MODEL_STATE_H1];
          c->h2 += in[MODEL_STATE_H2] - dead[b][MODEL_STATE_H2] - aged[b][MODEL_STATE_H2];
          c->l1 += in[MODEL_STATE_L1] - dead[b][MODEL_STATE_L1] - aged[b][MODEL_STATE_L1];
          c->l2 += in[MODEL_STATE_L2] - dead[b][MODEL_STATE_L2] - aged[b][MODEL_STATE_L2];
          gint64 moved = 0;
          for (guint s = 0; s < MODEL_N_STATES; s++)
            moved += in[s];
          fl->aged_in[a][b] = moved;
          c->people += moved - fl->deaths[a][b] - fl->aged_out[a][b];
        }
      band[0].people += born;
      fl->births[a] = born;
    }
}
