/* SPDX-License-Identifier: MIT */
/*
 * The rollout model (see rollout.h), a client of the engine (sim/model.h):
 * it fills a SimModelType and the engine runs the replications, deals the
 * cities (by population) to processes and threads, checkpoints and reduces.
 * Per replication: certification draws decide when each catalogue channel
 * goes live; then every city is simulated for the whole period as one of
 * the engine's units, writing its daily series into its own rows; then the
 * rows are summed into the national and provincial series in city order,
 * so sums do not depend on threads; then the latency model's platforms.
 *
 * Random streams (sim/rng), all keyed by (seed, replication):
 *   (city, day index, cell)          the day's draws of a cell, in a fixed order
 *   (city, day index, CLASS_CELL)    the split of the day's new holders by class
 *   (city, flush index, SPLIT_CELL)  the split of a class's pending holders by channel
 *   (city, milestone, MILESTONE_CELL) the city's milestone dates
 *   (channel, attempt, CERT_CELL)    certification outcomes
 *
 * Channel split: the day's new holders of a city are split across the six
 * channel classes in proportion to the number of live channels of each
 * class reaching the city (one multinomial per day); within a class every
 * live channel is equally likely, and since the weights stay constant
 * between go-live events, the holders a class gathers are split across its
 * channels (one multinomial) only when its set of live channels changes and
 * at the end.  By the additivity of the multinomial this is the same law as
 * splitting every day, at a fraction of the draws.
 *
 * Digest: each city's series of a replication (holders, level 2, new, class
 * counts, channel counts, as big-endian 64-bit integers) are hashed; a
 * replication's hash covers its number and the city hashes in city order;
 * the run digest hashes the replications' hashes in order.  So a run resumed
 * from a checkpoint has the digest of an uninterrupted one.
 */
#include "model/rollout/rollout_private.h"

#include "model/rollout/posterior.h"

#include "base/bytes.h"
#include "base/error.h"
#include "sim/binomial.h"
#include "sim/model.h"
#include "sim/rng.h"

#include <math.h>
#include <sodium.h>
#include <string.h>

G_DEFINE_QUARK (model-rollout-error-quark, model_rollout_error)

#define CLASS_CELL 64
#define SPLIT_CELL 65
#define MILESTONE_CELL 66
#define CERT_CELL 67
#define DEMOGRAPHY_CELL 69
#define POSTERIOR_CELL 70
#define MAX_CERT_ATTEMPTS 10

/* A channel reaching a city, as an event of its live set. */
typedef struct {
  gint32 live;       /* day number */
  guint channel;     /* catalogue index */
  guint klass;
} Reach;


void
model_rollout_result_free (ModelRolloutResult *r)
{
  if (r == NULL)
    return;
  sim_series_set_free (r->national);
  sim_series_set_free (r->province);
  g_free (r->city_holders);
  g_free (r->city_level2);
  g_free (r->city_cardholders);
  g_free (r->met);
  g_free (r->milestone);
  g_free (r->channel_live);
  g_free (r->channel_attempts);
  g_free (r->channel_holders);
  g_free (r->new_holders);
  g_free (r->rep_digest);
  g_free (r->month_day);
  g_free (r->city_month);
  g_free (r->posterior_draw);
  g_free (r->arrivals);
  model_latency_result_free (r->latency);
  g_free (r);
}

guint
model_rollout_n_cells (const ModelScenario *sc)
{
  return sc->urban_split ? 2 * MODEL_N_AGE_BANDS : MODEL_N_AGE_BANDS;
}

/* Cell c: age band c % 3; urban for c < 3 when split. */
static ModelArea
cell_area (const ModelScenario *sc, guint cell)
{
  return !sc->urban_split ? MODEL_AREA_ALL
         : cell < MODEL_N_AGE_BANDS ? MODEL_AREA_URBAN : MODEL_AREA_RURAL;
}

static double
cell_factor (const ModelScenario *sc, guint cell)
{
  double f = 1;
  guint band = cell % MODEL_N_AGE_BANDS;
  if (band == MODEL_AGE_0_17)
    f *= sc->youth_factor;
  else if (band == MODEL_AGE_60_PLUS)
    f *= sc->elderly_factor;
  if (sc->urban_split && cell >= MODEL_N_AGE_BANDS)
    f *= sc->rural_factor;
  return f;
}

static gint32
uniform_day (SimRng *r, const ModelDateRange *range)
{
  guint64 width = (guint64) ((gint64) range->last - range->first) + 1;
  return range->first + (gint32) (sim_rng_u64 (r) % width);
}

/* Certification: when each channel goes live in this replication. */
static void
certify (const ModelScenario *sc, const ModelRolloutOptions *opt, ModelRolloutResult *res,
         guint rep, guint64 replication)
{
  const ModelCatalogue *cat = sc->catalogue;
  for (guint ch = 0; ch < cat->n_channels; ch++)
    {
      ModelCertVerdict v = opt->certified ? opt->certified[ch] : MODEL_CERT_NONE;
      gint64 live = cat->channels[ch].golive;
      guint attempts = 1;
      if (live > sc->data_until)
        live = G_MAXINT32;  /* after the scenario's data: arrivals stand for it */
      if (v == MODEL_CERT_FAILED)
        {
          live += (gint64) ceil (sc->rectification_days);
          attempts = 2;
        }
      else if (v == MODEL_CERT_NONE)
        {
          SimRng r;
          sim_rng_init (&r, sc->seed, replication, ch, 0, CERT_CELL);
          while (attempts < MAX_CERT_ATTEMPTS && sim_rng_uniform (&r) >= sc->certification_pass)
            {
              live += (gint64) ceil (sc->rectification_days);
              attempts++;
            }
        }
      /* A tier-2 channel connects through its parent: not before it. */
      int parent = cat->channels[ch].parent;
      if (parent >= 0 && (guint) parent < ch)
        live = MAX (live, res->channel_live[(gsize) parent * res->n_reps + rep]);
      res->channel_live[(gsize) ch * res->n_reps + rep] = (gint32) MIN (live, G_MAXINT32);
      res->channel_attempts[(gsize) ch * res->n_reps + rep] = (guint8) attempts;
    }
}

static int
cmp_reach (const void *a, const void *b)
{
  const Reach *x = a, *y = b;
  if (x->live != y->live)
    return x->live < y->live ? -1 : 1;
  return x->channel < y->channel ? -1 : x->channel > y->channel;
}

/* Splits a class's pending holders over its live channels in this city. */
static void
flush_class (Rep *rp, guint city, guint klass, gint64 *pending, const Reach *reach, guint n_live,
             guint *flushes)
{
  if (pending[klass] == 0)
    return;
  guint idx[512], m = 0;
  double w[512];
  for (guint i = 0; i < n_live && m < G_N_ELEMENTS (idx); i++)
    if (reach[i].klass == klass)
      {
        idx[m] = reach[i].channel;
        w[m++] = 1;
      }
  g_assert (m > 0); /* pending holders came through a live channel of the class */
  gint64 out[512];
  SimRng r;
  sim_rng_init (&r, rp->sc->seed, rp->replication, city, (*flushes)++, SPLIT_CELL);
  sim_multinomial (&r, pending[klass], w, m, out);
  gint64 *row = rp->per_channel + (gsize) city * rp->res->n_channels;
  for (guint i = 0; i < m; i++)
    if (idx[i] < rp->res->n_channels)  /* arrivals have no row of their own */
      row[idx[i]] += out[i];
  pending[klass] = 0;
}

static void
put_be64 (crypto_generichash_state *h, gint64 v)
{
  guint8 b[8];
  base_be64_put (b, (guint64) v);
  crypto_generichash_update (h, b, 8);
}

/* The milestone days a city draws in a replication (as drawn: mobile
 * payment may still precede issuance here). */
static void
city_milestones (const ModelScenario *sc, guint64 replication, guint c, gint32 *ms)
{
  SimRng r;
  for (guint m = 0; m < MODEL_N_MILESTONES; m++)
    {
      sim_rng_init (&r, sc->seed, replication, c, m, MILESTONE_CELL);
      ms[m] = uniform_day (&r, model_scenario_milestone (sc, (ModelMilestone) m,
                                                         sc->cities->cities[c].province_code));
    }
}

/* City c of the replication: a unit of city_units. */
static gboolean
simulate_city (gpointer data, guint c, GError **error)
{
  Rep *rp = data;
  const ModelScenario *sc = rp->sc;
  ModelRolloutResult *res = rp->res;
  const ModelCity *city = &sc->cities->cities[c];
  const ModelCatalogue *cat = sc->catalogue;
  const guint nd = res->n_days, nc = rp->n_cells, n_areas = sc->urban_split ? 2 : 1;
  const gboolean fit_only = rp->opt->fit_only;
  gint32 ms[MODEL_N_MILESTONES];
  SimRng r;

  /* Milestones of this city (mobile payment not before issuance). */
  city_milestones (sc, rp->replication, c, ms);
  for (guint m = 0; m < MODEL_N_MILESTONES; m++)
    res->milestone[((gsize) m * res->n_cities + c) * res->n_reps + rp->rep] = ms[m];
  ms[MODEL_MILESTONE_MOBILE_PAYMENT] = MAX (ms[MODEL_MILESTONE_MOBILE_PAYMENT],
                                            ms[MODEL_MILESTONE_ISSUANCE]);

  /* The channels reaching the city, by go-live day: the catalogue's, then
   * the arrivals (numbered after the catalogue). */
  g_autofree Reach *reach = g_new (Reach, cat->n_channels + rp->n_arrivals + 1);
  guint n_reach = 0;
  for (guint ch = 0; ch < cat->n_channels; ch++)
    if (model_catalogue_reaches (&cat->channels[ch], city))
      reach[n_reach++] = (Reach) { res->channel_live[(gsize) ch * res->n_reps + rp->rep], ch,
                                   (guint) cat->channels[ch].klass };
  for (guint i = 0; i < rp->n_arrivals; i++)
    if (model_arrival_reaches (&rp->arrival[i], city))
      reach[n_reach++] = (Reach) { rp->arrival[i].live, cat->n_channels + i,
                                   rp->arrival[i].klass };
  qsort (reach, n_reach, sizeof *reach, cmp_reach);

  /* The city's residents on day start, by cell. */
  ModelCell cell[MODEL_N_CELLS] = { { 0 } };
  const double *cshare = rp->cell_share + (gsize) c * nc;
  const double residents = (double) sc->people * (double) city->population
                           / (double) sc->cities->population;
  for (guint k = 0; k < nc; k++)
    cell[k].people = (gint64) floor (residents * cshare[k]);

  gint64 pending[N_CLASSES] = { 0 };
  guint n_live = 0, flushes = 0, class_live[N_CLASSES] = { 0 }, month = 0;
  double share_prev = 0, adopted_prev = 0;
  const double p_back = 1.0 / sc->replacement_days;
  gint32 *met = res->met;
  gint32 target_day[MODEL_N_TARGETS] = { sc->target_2019, sc->target_2020 };
  double target_share[MODEL_N_TARGETS] = { sc->share_2019, sc->share_2020 };
  for (guint t = 0; t < MODEL_N_TARGETS; t++)
    met[((gsize) t * res->n_cities + c) * res->n_reps + rp->rep] = -1;

  for (guint d = 0; d < nd; d++)
    {
      gint32 day = res->start + (gint32) d;
      /* Channels going live today: flush the classes whose set changes. */
      while (n_live < n_reach && reach[n_live].live <= day)
        {
          if (!fit_only)
            flush_class (rp, c, reach[n_live].klass, pending, reach, n_live, &flushes);
          class_live[reach[n_live].klass]++;
          n_live++;
        }
      if (d > 0 && sc->dynamics)
        {
          sim_rng_init (&r, sc->seed, rp->replication, c, d, DEMOGRAPHY_CELL);
          model_demography_step (&rp->daily, cell, n_areas, &r, NULL);
        }

      gboolean issuing = day >= ms[MODEL_MILESTONE_ISSUANCE] && n_live > 0;
      gboolean mobile = day >= ms[MODEL_MILESTONE_MOBILE_PAYMENT];
      double base = sc->innovation + sc->innovation_per_channel * n_live
                    + sc->imitation * adopted_prev;
      double push = rp->push[d];
      const double *ceiling = rp->ceiling + (gsize) d * MODEL_N_CELLS;
      gint64 fresh = 0, holders = 0, lvl2 = 0, cards = 0, potential = 0, people = 0;

      for (guint k = 0; k < nc; k++)
        {
          ModelCell *x = &cell[k];
          gint64 n_cards = (gint64) floor (rp->coverage[d] * (double) x->people);
          gint64 n_potential = (gint64) floor (ceiling[k] * (double) n_cards);
          sim_rng_init (&r, sc->seed, rp->replication, c, d, k);
          gint64 back1 = sim_binomial (&r, x->l1, p_back);
          gint64 back2 = sim_binomial (&r, x->l2, p_back);
          gint64 lost1 = sim_binomial (&r, x->h1, sc->loss_rate);
          gint64 lost2 = sim_binomial (&r, x->h2, sc->loss_rate);
          x->h1 += back1 - lost1;
          x->h2 += back2 - lost2;
          x->l1 += lost1 - back1;
          x->l2 += lost2 - back2;
          if (mobile)
            {
              gint64 up = sim_binomial (&r, x->h1, sc->level2_upgrade);
              x->h1 -= up;
              x->h2 += up;
            }
          if (issuing)
            {
              gint64 non = n_potential - x->h1 - x->h2 - x->l1 - x->l2;
              double h = base * push * cell_factor (sc, k);
              gint64 n = sim_binomial (&r, MAX (non, 0), -expm1 (-h));
              gint64 n2 = mobile ? sim_binomial (&r, n, sc->level2_share) : 0;
              x->h1 += n - n2;
              x->h2 += n2;
              fresh += n;
            }
          if (!fit_only)
            {
              gsize at = ((gsize) c * MODEL_N_CELLS + k) * nd + d;
              rp->cell_holders[at] = x->h1 + x->h2;
              rp->cell_people[at] = x->people;
            }
          holders += x->h1 + x->h2;
          lvl2 += x->h2;
          cards += n_cards;
          potential += n_potential;
          people += x->people;
        }

      /* The day's new holders by class of channel. */
      gint64 *kl = rp->klass + (gsize) c * N_CLASSES * nd;
      if (fresh > 0 && !fit_only)
        {
          double w[N_CLASSES];
          gint64 out[N_CLASSES];
          for (guint k = 0; k < N_CLASSES; k++)
            w[k] = class_live[k];
          sim_rng_init (&r, sc->seed, rp->replication, c, d, CLASS_CELL);
          sim_multinomial (&r, fresh, w, N_CLASSES, out);
          for (guint k = 0; k < N_CLASSES; k++)
            {
              kl[(gsize) k * nd + d] = out[k];
              pending[k] += out[k];
            }
        }
      gsize at = (gsize) c * nd + d;
      rp->holders[at] = holders;
      rp->level2[at] = lvl2;
      rp->cards[at] = cards;
      rp->fresh[at] = fresh;
      rp->potential[at] = potential;
      rp->people[at] = people;
      share_prev = cards > 0 ? (double) holders / (double) cards : 0;
      adopted_prev = potential > 0 ? MIN (1.0, (double) holders / (double) potential) : 0;
      if (month < res->n_months && res->month_day[month] == d)
        res->city_month[((gsize) c * res->n_months + month++) * res->n_reps + rp->rep] = holders;
      for (guint t = 0; t < MODEL_N_TARGETS; t++)
        {
          gint32 *m = &met[((gsize) t * res->n_cities + c) * res->n_reps + rp->rep];
          if (*m < 0 && day <= target_day[t] && share_prev >= target_share[t])
            *m = (gint32) d;
        }
    }
  if (fit_only)
    return TRUE;
  for (guint k = 0; k < N_CLASSES; k++)
    flush_class (rp, c, k, pending, reach, n_live, &flushes);

  /* This city's digest. */
  crypto_generichash_state h;
  crypto_generichash_init (&h, NULL, 0, 32);
  const gint64 *rows[] = { rp->holders, rp->level2, rp->fresh, rp->potential, rp->people };
  for (gsize s = 0; s < G_N_ELEMENTS (rows); s++)
    for (guint d = 0; d < nd; d++)
      put_be64 (&h, rows[s][(gsize) c * nd + d]);
  for (guint k = 0; k < nc * nd; k++)
    {
      put_be64 (&h, rp->cell_holders[(gsize) c * MODEL_N_CELLS * nd + k]);
      put_be64 (&h, rp->cell_people[(gsize) c * MODEL_N_CELLS * nd + k]);
    }
  for (guint k = 0; k < N_CLASSES * nd; k++)
    put_be64 (&h, rp->klass[(gsize) c * N_CLASSES * nd + k]);
  for (guint ch = 0; ch < res->n_channels; ch++)
    put_be64 (&h, rp->per_channel[(gsize) c * res->n_channels + ch]);
  crypto_generichash_final (&h, rp->city_digest + (gsize) c * 32, 32);
  return TRUE;
}

/* Sums this replication's city rows in city order into the result. */
static void
gather (Rep *rp)
{
  ModelRolloutResult *res = rp->res;
  const ModelScenario *sc = rp->sc;
  const guint nd = res->n_days;
  double *nat[MODEL_N_SERIES];
  for (guint s = 0; s < MODEL_N_SERIES; s++)
    nat[s] = sim_series_set_row (res->national, s, rp->rep);
  for (guint p = 0; p < res->n_provinces; p++)
    memset (sim_series_set_row (res->province, p, rp->rep), 0, nd * sizeof (double));

  gint64 new_total = 0;
  double *cell_h[MODEL_N_CELLS], *cell_p[MODEL_N_CELLS];
  for (guint k = 0; k < MODEL_N_CELLS; k++)
    {
      cell_h[k] = nat[MODEL_SERIES_CELL_HOLDERS_0 + k];
      cell_p[k] = nat[MODEL_SERIES_CELL_PEOPLE_0 + k];
    }
  for (guint c = 0; c < res->n_cities; c++)
    {
      for (guint k = 0; k < rp->n_cells; k++)
        for (guint d = 0; d < nd; d++)
          {
            gsize at = ((gsize) c * MODEL_N_CELLS + k) * nd + d;
            cell_h[k][d] += rp->cell_holders[at];
            cell_p[k][d] += rp->cell_people[at];
          }
      double *prov = sim_series_set_row (res->province,
                                         sc->cities->cities[c].province_index, rp->rep);
      gint64 cum[N_CLASSES] = { 0 };
      for (guint d = 0; d < nd; d++)
        {
          gsize at = (gsize) c * nd + d;
          nat[MODEL_SERIES_HOLDERS][d] += rp->holders[at];
          nat[MODEL_SERIES_LEVEL2][d] += rp->level2[at];
          nat[MODEL_SERIES_CARDHOLDERS][d] += rp->cards[at];
          nat[MODEL_SERIES_NEW][d] += rp->fresh[at];
          nat[MODEL_SERIES_POTENTIAL][d] += rp->potential[at];
          nat[MODEL_SERIES_PEOPLE][d] += rp->people[at];
          prov[d] += rp->holders[at];
          for (guint k = 0; k < N_CLASSES; k++)
            {
              cum[k] += rp->klass[((gsize) c * N_CLASSES + k) * nd + d];
              nat[MODEL_SERIES_CLASS_0 + k][d] += cum[k];
            }
          res->city_holders[at] += rp->holders[at];
          res->city_level2[at] += rp->level2[at];
          res->city_cardholders[at] += rp->cards[at];
          new_total += rp->fresh[at];
        }
      for (guint ch = 0; ch < res->n_channels; ch++)
        res->channel_holders[(gsize) ch * res->n_reps + rp->rep]
            += rp->per_channel[(gsize) c * res->n_channels + ch];
    }
  res->new_holders[rp->rep] = new_total;

  /* Channels live, and cities with mobile payment open, each day. */
  double *live = nat[MODEL_SERIES_CHANNELS], *mobile = nat[MODEL_SERIES_MOBILE_CITIES];
  for (guint ch = 0; ch < res->n_channels; ch++)
    {
      gint64 from = (gint64) res->channel_live[(gsize) ch * res->n_reps + rp->rep] - res->start;
      for (gint64 d = MAX (from, 0); d < nd; d++)
        live[d]++;
    }
  for (guint i = 0; i < rp->n_arrivals; i++)
    for (gint64 d = MAX ((gint64) rp->arrival[i].live - res->start, 0); d < nd; d++)
      live[d]++;
  for (guint c = 0; c < res->n_cities; c++)
    {
      gint32 ms[MODEL_N_MILESTONES];
      city_milestones (sc, rp->replication, c, ms);
      gint64 open = (gint64) MAX (ms[MODEL_MILESTONE_MOBILE_PAYMENT],
                                  ms[MODEL_MILESTONE_ISSUANCE]) - res->start;
      for (gint64 d = MAX (open, 0); d < nd; d++)
        mobile[d]++;
    }
  res->arrivals[rp->rep] = (gint32) rp->n_arrivals;

  crypto_generichash_state h;
  crypto_generichash_init (&h, NULL, 0, 32);
  put_be64 (&h, (gint64) rp->replication);
  crypto_generichash_update (&h, rp->city_digest, (gsize) res->n_cities * 32);
  crypto_generichash_final (&h, res->rep_digest + (gsize) rp->rep * 32, 32);
}

/* The latency model on this replication: this member's share of the
 * platforms (member of members). */
static gboolean
run_latency (Rep *rp, const SimModelRep *rep, GError **error)
{
  ModelRolloutResult *res = rp->res;
  g_autofree gint32 *switch_day = g_new (gint32, res->n_cities);
  for (guint c = 0; c < res->n_cities; c++)
    {
      gint32 ms[MODEL_N_MILESTONES];
      city_milestones (rp->sc, rp->replication, c, ms);  /* the city's owner may be elsewhere */
      switch_day[c] = ms[MODEL_MILESTONE_UNIFIED_SETTLEMENT];
    }
  ModelLatencyInput in = { res->start, res->n_days, res->n_cities, rp->holders, rp->level2,
                           switch_day };
  return model_latency_run_rep (res->latency, rp->sc, &in, rep, error);
}

/* ---- the model's table for the engine -------------------------------------- */

/* This replication's scenario: its free parameters from the options or a
 * posterior draw; then the tables every city reads. */
static void
rep_params (Rep *rp)
{
  const ModelScenario *base = rp->base;
  const ModelCalibration *cal = &base->calibration;
  ModelRolloutResult *res = rp->res;
  rp->local = *base;
  rp->sc = &rp->local;
  res->posterior_draw[rp->rep] = -1;
  if (rp->opt->theta != NULL)
    model_free_params_apply (cal->free, cal->n_free, rp->opt->theta, &rp->local);
  else if (cal->posterior != NULL)
    {
      SimRng r;
      sim_rng_init (&r, base->seed, rp->replication, 0, 0, POSTERIOR_CELL);
      guint draw = model_posterior_pick (cal->posterior, sim_rng_uniform (&r));
      model_posterior_apply (cal->posterior, draw, cal->free, &rp->local);
      res->posterior_draw[rp->rep] = (gint32) draw;
    }
  const ModelScenario *sc = rp->sc;
  ModelDemographyRates rates = { sc->birth_rate, { 0 }, { 0 } };
  memcpy (rates.death, sc->death_rate, sizeof rates.death);
  memcpy (rates.ageing, sc->ageing, sizeof rates.ageing);
  model_demography_daily (&rates, &rp->daily);
  for (guint d = 0; d < res->n_days; d++)
    {
      gint32 day = res->start + (gint32) d;
      rp->coverage[d] = model_scenario_cardholders_on (sc, day) / (double) sc->people;
      rp->push[d] = model_scenario_push_on (sc, day);
      for (guint k = 0; k < MODEL_N_CELLS; k++)
        rp->ceiling[(gsize) d * MODEL_N_CELLS + k]
            = k < rp->n_cells ? model_scenario_ceiling (sc, (ModelAgeBand) (k % MODEL_N_AGE_BANDS),
                                                        cell_area (sc, k), day)
                              : 0;
    }
  rp->n_arrivals = model_arrivals_draw (sc, rp->replication, rp->arrival, sc->arrival_max);
}

static gboolean
rep_begin (gpointer data, const SimModelRep *rep, GError **error)
{
  Rep *rp = data;
  ModelRolloutResult *res = rp->res;
  rp->rep = rep->index;
  rp->replication = rep->replication;
  rep_params (rp);
  memset (rp->klass, 0, (gsize) res->n_cities * N_CLASSES * res->n_days * sizeof (gint64));
  memset (rp->per_channel, 0, (gsize) res->n_cities * res->n_channels * sizeof (gint64));
  memset (rp->cell_holders, 0, (gsize) res->n_cities * MODEL_N_CELLS * res->n_days
                                   * sizeof (gint64));
  memset (rp->cell_people, 0, (gsize) res->n_cities * MODEL_N_CELLS * res->n_days
                                  * sizeof (gint64));
  certify (rp->sc, rp->opt, res, rp->rep, rp->replication);
  return TRUE;
}

static guint
cities (gpointer data, const guint **order)
{
  Rep *rp = data;
  *order = rp->opt->city_order;
  return rp->res->n_cities;
}

static guint64
city_cost (gpointer data, guint c)
{
  Rep *rp = data;
  return rp->sc->cities->cities[c].population;
}

static gboolean
rep_end (gpointer data, const SimModelRep *rep, GError **error)
{
  Rep *rp = data;
  ModelRolloutResult *res = rp->res;
  if (rep->keeper)
    gather (rp);
  else
    {
      /* The keeper keeps the replication; certify's entries are its. */
      for (guint ch = 0; ch < res->n_channels; ch++)
        {
          res->channel_live[(gsize) ch * res->n_reps + rp->rep] = 0;
          res->channel_attempts[(gsize) ch * res->n_reps + rp->rep] = 0;
        }
      res->posterior_draw[rp->rep] = 0;
    }
  /* The latency platforms are shared by the group's members. */
  if (res->latency != NULL && !run_latency (rp, rep, error))
    return FALSE;
  if (rep->keeper)
    res->n_done = rp->rep + 1;
  return TRUE;
}

static gboolean
checkpoint (gpointer data, guint done, GError **error)
{
  Rep *rp = data;
  return rp->opt->checkpoint == NULL
         || rp->opt->checkpoint (rp->res, done, rp->opt->checkpoint_data, error);
}

/* The cities, dealt by population. */
static const SimModelUnits city_units = {
  .name = "rollout",
  .units = cities,
  .cost = city_cost,
  .run = simulate_city,
  .share = rollout_procs_share,
};

static const SimModelType rollout_type = {
  .name = "rollout",
  .rep_begin = rep_begin,
  .units = &city_units,
  .rep_end = rep_end,
  .checkpoint = checkpoint,
  .reduce = rollout_procs_reduce,
};

/* Each replication's latency hash joins its hash (once every platform's
 * rows are in, after the processes' sums). */
static void
fold_latency (ModelRolloutResult *res)
{
  for (guint rep = 0; res->latency != NULL && rep < res->n_reps; rep++)
    {
      model_latency_rep_digest (res->latency, rep);
      guint8 *digest = res->rep_digest + (gsize) rep * 32;
      crypto_generichash_state h;
      crypto_generichash_init (&h, NULL, 0, 32);
      crypto_generichash_update (&h, digest, 32);
      crypto_generichash_update (&h, res->latency->rep_digest + (gsize) rep * 32, 32);
      crypto_generichash_final (&h, digest, 32);
    }
}

static void
free_rep (Rep *rp)
{
  g_free (rp->cell_share);
  g_free (rp->city_digest);
  g_free (rp->holders);
  g_free (rp->level2);
  g_free (rp->cards);
  g_free (rp->fresh);
  g_free (rp->klass);
  g_free (rp->per_channel);
  g_free (rp->potential);
  g_free (rp->people);
  g_free (rp->cell_holders);
  g_free (rp->cell_people);
  g_free (rp->ceiling);
  g_free (rp->coverage);
  g_free (rp->push);
  g_free (rp->arrival);
}

ModelRolloutResult *
rollout_result_new (const ModelScenario *sc, guint replications)
{
  const ModelCities *cities = sc->cities;
  ModelRolloutResult *res = g_new0 (ModelRolloutResult, 1);
  res->start = sc->start;
  res->n_days = (guint) (sc->end - sc->start + 1);
  res->n_cities = cities->n_cities;
  res->n_provinces = cities->n_provinces;
  res->n_channels = sc->catalogue->n_channels;
  res->n_reps = replications;
  res->n_cells = model_rollout_n_cells (sc);
  const guint nd = res->n_days, ncity = res->n_cities, R = res->n_reps;
  res->national = sim_series_set_new (MODEL_N_SERIES, nd, R);
  res->province = sim_series_set_new (res->n_provinces, nd, R);
  res->city_holders = g_new0 (double, (gsize) ncity * nd);
  res->city_level2 = g_new0 (double, (gsize) ncity * nd);
  res->city_cardholders = g_new0 (double, (gsize) ncity * nd);
  /* Zeroed: across processes, every element has one non-zero contributor. */
  res->met = g_new0 (gint32, (gsize) MODEL_N_TARGETS * ncity * R);
  res->milestone = g_new0 (gint32, (gsize) MODEL_N_MILESTONES * ncity * R);
  res->channel_live = g_new0 (gint32, (gsize) res->n_channels * R);
  res->channel_attempts = g_new0 (guint8, (gsize) res->n_channels * R);
  res->channel_holders = g_new0 (gint64, (gsize) res->n_channels * R);
  res->new_holders = g_new0 (gint64, R);
  res->rep_digest = g_new0 (guint8, (gsize) R * 32);
  res->month_day = g_new (guint, nd);
  for (guint d = 0; d < nd; d++)
    {
      g_autoptr (GDateTime) t = g_date_time_new_from_unix_utc ((gint64) (sc->start + d + 1) * 86400);
      if (d == nd - 1 || (t != NULL && g_date_time_get_day_of_month (t) == 1))
        res->month_day[res->n_months++] = d;
    }
  res->city_month = g_new0 (double, (gsize) ncity * res->n_months * R);
  res->posterior_draw = g_new0 (gint32, R);
  res->arrivals = g_new0 (gint32, R);
  return res;
}

ModelRolloutResult *
model_rollout_run (const ModelScenario *sc, const ModelRolloutOptions *opt, GError **error)
{
  g_return_val_if_fail (sc != NULL && opt != NULL, NULL);
  g_autoptr (ModelRolloutResult) taken = opt->resume_from;
  if (opt->replications < 1 || opt->replications > 100000)
    return base_fail (error, MODEL_ROLLOUT_ERROR, MODEL_ROLLOUT_INVALID,
                       "replications: expected 1..100000, got %u", opt->replications), NULL;
  if (sc->end < sc->start)
    return base_fail (error, MODEL_ROLLOUT_ERROR, MODEL_ROLLOUT_INVALID,
                       "the scenario ends before it starts"), NULL;

  const ModelCities *cities = sc->cities;
  g_autoptr (ModelRolloutResult) res = NULL;
  const gboolean resumed = taken != NULL;
  if (resumed)
    {
      res = g_steal_pointer (&taken);
      if (res->n_reps != opt->replications || res->averaged)
        return base_fail (error, MODEL_ROLLOUT_ERROR, MODEL_ROLLOUT_INVALID,
                           "resume: the partial run has %u replications, this one %u",
                           res->n_reps, opt->replications), NULL;
    }
  else
    res = rollout_result_new (sc, opt->replications);
  gboolean want_latency = sc->latency.enabled && !opt->no_latency;
  if (!resumed && want_latency)
    res->latency = model_latency_result_new (sc, res->n_days, res->n_months, res->month_day,
                                             res->n_reps, opt->plan_capacity);
  if ((res->latency != NULL) != want_latency
      || (res->latency != NULL && res->latency->planned != opt->plan_capacity))
    return base_fail (error, MODEL_ROLLOUT_ERROR, MODEL_ROLLOUT_CONFLICT,
                       "resume: the partial run was made %s the latency model%s, this one "
                       "%s", res->latency != NULL ? "with" : "without",
                       res->latency != NULL && res->latency->planned ? " and a capacity plan"
                                                                     : "",
                       want_latency ? (opt->plan_capacity ? "asks for it with a plan"
                                                          : "asks for it without a plan")
                                    : "without it"), NULL;
  const guint nd = res->n_days, ncity = res->n_cities, R = res->n_reps;
  if (opt->theta != NULL && sc->calibration.n_free == 0)
    return base_fail (error, MODEL_ROLLOUT_ERROR, MODEL_ROLLOUT_INVALID,
                      "parameters given for a scenario without free parameters"), NULL;
  Rep rp = { .base = sc, .sc = sc, .opt = opt, .res = res, .n_cells = res->n_cells };
  rp.cell_share = g_new (double, (gsize) ncity * rp.n_cells);
  for (guint c = 0; c < ncity; c++)
    for (guint k = 0; k < rp.n_cells; k++)
      {
        const ModelCity *city = &cities->cities[c];
        double s = city->age_share[k % MODEL_N_AGE_BANDS];
        if (sc->urban_split)
          s *= k < MODEL_N_AGE_BANDS ? city->urban_share : 1 - city->urban_share;
        rp.cell_share[(gsize) c * rp.n_cells + k] = s;
      }
  rp.city_digest = g_new (guint8, (gsize) ncity * 32);
  rp.holders = g_new (gint64, (gsize) ncity * nd);
  rp.level2 = g_new (gint64, (gsize) ncity * nd);
  rp.cards = g_new (gint64, (gsize) ncity * nd);
  rp.fresh = g_new (gint64, (gsize) ncity * nd);
  rp.klass = g_new (gint64, (gsize) ncity * N_CLASSES * nd);
  rp.per_channel = g_new (gint64, (gsize) ncity * res->n_channels);
  rp.potential = g_new (gint64, (gsize) ncity * nd);
  rp.people = g_new (gint64, (gsize) ncity * nd);
  rp.cell_holders = g_new (gint64, (gsize) ncity * MODEL_N_CELLS * nd);
  rp.cell_people = g_new (gint64, (gsize) ncity * MODEL_N_CELLS * nd);
  rp.ceiling = g_new (double, (gsize) nd * MODEL_N_CELLS);
  rp.coverage = g_new (double, nd);
  rp.push = g_new (double, nd);
  rp.arrival = g_new (ModelArrival, MAX (sc->arrival_max, 1));

  SimModelOptions run = {
    .replications = R,
    .first_replication = opt->first_replication,
    .done = res->n_done,
    .jobs = opt->jobs,
    .comm = opt->comm,
    .checkpoint = opt->checkpoint != NULL,
    .progress = opt->progress,
    .unit_progress = opt->city_progress,
    .progress_data = opt->progress_data,
  };
  gboolean ok = sim_model_run (&rollout_type, &rp, &run, error);
  free_rep (&rp);
  if (!ok)
    return NULL;
  res->n_done = R;  /* every process holds the whole result */
  fold_latency (res);
  crypto_generichash_state digest;
  crypto_generichash_init (&digest, NULL, 0, 32);
  crypto_generichash_update (&digest, res->rep_digest, (gsize) R * 32);
  crypto_generichash_final (&digest, res->digest, 32);
  for (gsize i = 0; i < (gsize) ncity * nd; i++)
    {
      res->city_holders[i] /= R;
      res->city_level2[i] /= R;
      res->city_cardholders[i] /= R;
    }
  res->averaged = TRUE;
  return g_steal_pointer (&res);
}
