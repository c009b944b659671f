/* SPDX-License-Identifier: MIT */
/*
 * Verdicts on a scenario's targets (verdict.h): per replication whether
 * each scope meets each target and by what margin, then the probability,
 * the verdict and the quantiles over the replications.
 */
#include "model/rollout/verdict.h"

#include "base/time.h"
#include "sim/summary.h"

#include <math.h>
#include <stdlib.h>

const char model_verdict_definitions[] =
  "A city meets a share target in a replication when its e-card holders reach the share of its "
  "cardholders on some day up to the target date, and a deadline target when the milestone is "
  "live there by the date (mobile payment: issuance too); a province or the nation meets a "
  "share target when its holders reach the share of its cardholders by the date, and a "
  "deadline target when every one of its cities does. Probability: the share of the "
  "replications meeting it. Verdict: met at a probability of 0.9 or more, not met at 0.1 or "
  "less, at risk between. Margin: share on the target date minus the target share "
  "(percentage points), or days from the last city's milestone to the deadline (negative: "
  "late); mean over the replications [5%, 95%]. Cities meeting a target: how many of the "
  "scope's cities meet it, mean over the replications [5%, 95%].";

static const char *const goal_names[MODEL_N_GOALS] = {
  "share_2019", "share_2020", "mobile_payment", "unified_settlement",
};

const char *
model_goal_name (ModelGoal goal)
{
  return goal < MODEL_N_GOALS ? goal_names[goal] : "?";
}

const char *
model_scope_name (ModelScope scope)
{
  static const char *const names[] = { "nation", "province", "city" };
  return scope <= MODEL_SCOPE_CITY ? names[scope] : "?";
}

const char *
model_verdict_name (ModelVerdictKind kind)
{
  static const char *const names[] = { "met", "at risk", "not met" };
  return kind <= MODEL_VERDICT_NOT_MET ? names[kind] : "?";
}

ModelVerdictKind
model_verdict_of (double probability)
{
  if (probability >= MODEL_VERDICT_MET_FROM)
    return MODEL_VERDICT_MET;
  if (probability <= MODEL_VERDICT_NOT_MET_TO)
    return MODEL_VERDICT_NOT_MET;
  return MODEL_VERDICT_AT_RISK;
}

gboolean
model_goal_is_deadline (ModelGoal goal)
{
  return goal == MODEL_GOAL_MOBILE_PAYMENT || goal == MODEL_GOAL_UNIFIED_SETTLEMENT;
}

char *
model_goal_describe (const ModelVerdicts *v, ModelGoal goal)
{
  char date[BASE_TIME_DATE_SIZE];
  base_time_format_date (v->by[goal], date);
  switch (goal)
    {
    case MODEL_GOAL_SHARE_2019:
    case MODEL_GOAL_SHARE_2020:
      return g_strdup_printf (">= %g%% of cardholders by %s", 100 * v->share[goal], date);
    case MODEL_GOAL_MOBILE_PAYMENT:
      return g_strdup_printf ("mobile payment open in every city by %s", date);
    case MODEL_GOAL_UNIFIED_SETTLEMENT:
      return g_strdup_printf ("unified settlement in every city by %s", date);
    default:
      return g_strdup ("?");
    }
}

static int
cmp_double (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return x < y ? -1 : x > y;
}

/* Fills a verdict from per-replication outcomes: met[rep], margin[rep]
 * (NULL: margin given), cities[rep]; the arrays are sorted in place. */
static void
settle (ModelTargetVerdict *out, guint R, const gboolean *met, double *margin, double *cities)
{
  guint n = 0;
  for (guint rep = 0; rep < R; rep++)
    n += met[rep] != 0;
  out->probability = (double) n / R;
  out->verdict = model_verdict_of (out->probability);
  if (margin != NULL)
    {
      double sum = 0;
      for (guint rep = 0; rep < R; rep++)
        sum += margin[rep];
      qsort (margin, R, sizeof *margin, cmp_double);
      out->margin = sum / R;
      out->margin_lo = sim_quantile_sorted (margin, R, 0.05);
      out->margin_hi = sim_quantile_sorted (margin, R, 0.95);
    }
  double sum = 0;
  for (guint rep = 0; rep < R; rep++)
    sum += cities[rep];
  qsort (cities, R, sizeof *cities, cmp_double);
  out->cities_meeting = sum / R;
  out->cities_lo = sim_quantile_sorted (cities, R, 0.05);
  out->cities_hi = sim_quantile_sorted (cities, R, 0.95);
}

/* The day a city's milestone for a deadline goal is live in a replication. */
static gint32
milestone_day (const ModelRolloutResult *r, ModelGoal goal, guint c, guint rep)
{
  const guint R = r->n_reps;
  const gsize at = (gsize) c * R + rep, per = (gsize) r->n_cities * R;
  if (goal == MODEL_GOAL_MOBILE_PAYMENT)
    return MAX (r->milestone[MODEL_MILESTONE_MOBILE_PAYMENT * per + at],
                r->milestone[MODEL_MILESTONE_ISSUANCE * per + at]);
  return r->milestone[MODEL_MILESTONE_UNIFIED_SETTLEMENT * per + at];
}

/* Whether a city meets a goal in a replication. */
static gboolean
city_meets (const ModelVerdicts *v, const ModelRolloutResult *r, ModelGoal goal, guint c,
            guint rep)
{
  if (model_goal_is_deadline (goal))
    return milestone_day (r, goal, c, rep) <= v->by[goal];
  return r->met[((gsize) goal * r->n_cities + c) * r->n_reps + rep] >= 0;
}

/* Index of day in the run, clamped to it; -1 before the start. */
static gint64
day_index (const ModelRolloutResult *r, gint32 day)
{
  if (day < r->start)
    return -1;
  return MIN ((gint64) day - r->start, (gint64) r->n_days - 1);
}

/* Whether holders reach share x cards on some day up to index last. */
static gboolean
reached (const double *holders, const double *cards, double share, gint64 last)
{
  for (gint64 d = 0; d <= last; d++)
    if (holders[d] >= share * cards[d])
      return TRUE;
  return FALSE;
}

/* Verdicts of one scope (the nation: members NULL; a province: its cities)
 * on one goal. */
static void
scope_verdict (const ModelVerdicts *v, const ModelRolloutResult *r, ModelGoal goal,
               const guint *members, guint n_members, SimSeriesSet *holders_set, guint series,
               const double *mean_cards, ModelTargetVerdict *out, double *keep)
{
  const guint R = r->n_reps;
  g_autofree gboolean *met = g_new0 (gboolean, R);
  g_autofree double *margin = g_new0 (double, R), *cities = g_new0 (double, R);
  const gint64 at = day_index (r, v->by[goal]);
  for (guint rep = 0; rep < R; rep++)
    {
      guint n = 0;
      gint32 last = G_MININT32;
      for (guint i = 0; i < n_members; i++)
        {
          guint c = members != NULL ? members[i] : i;
          n += city_meets (v, r, goal, c, rep);
          if (model_goal_is_deadline (goal))
            last = MAX (last, milestone_day (r, goal, c, rep));
        }
      cities[rep] = n;
      if (model_goal_is_deadline (goal))
        {
          met[rep] = n == n_members;
          margin[rep] = n_members > 0 ? (double) v->by[goal] - last : 0;
          continue;
        }
      const double *h = sim_series_set_row (holders_set, series, rep);
      const double *cards = mean_cards != NULL
                                ? mean_cards
                                : sim_series_set_row (r->national, MODEL_SERIES_CARDHOLDERS, rep);
      met[rep] = at >= 0 && reached (h, cards, v->share[goal], at);
      margin[rep] = at >= 0 && cards[at] > 0 ? 100 * (h[at] / cards[at] - v->share[goal])
                                             : -100 * v->share[goal];
    }
  out->n_cities = n_members;
  if (keep != NULL)  /* the nation's per replication, before settle sorts them */
    for (guint rep = 0; rep < R; rep++)
      {
        keep[rep] = met[rep];
        keep[(gsize) R * MODEL_N_GOALS + rep] = margin[rep];
        keep[(gsize) 2 * R * MODEL_N_GOALS + rep] = cities[rep];
      }
  settle (out, R, met, margin, cities);
}

ModelVerdicts *
model_verdicts_new (const ModelScenario *sc, const ModelRolloutResult *r)
{
  const guint R = r->n_reps, nc = r->n_cities, np = r->n_provinces, nd = r->n_days;
  ModelVerdicts *v = g_new0 (ModelVerdicts, 1);
  v->n_reps = R;
  v->n_provinces = np;
  v->n_cities = nc;
  v->by[MODEL_GOAL_SHARE_2019] = sc->target_2019;
  v->by[MODEL_GOAL_SHARE_2020] = sc->target_2020;
  v->by[MODEL_GOAL_MOBILE_PAYMENT] = sc->mobile_payment_by;
  v->by[MODEL_GOAL_UNIFIED_SETTLEMENT] = sc->unified_settlement_by;
  v->share[MODEL_GOAL_SHARE_2019] = sc->share_2019;
  v->share[MODEL_GOAL_SHARE_2020] = sc->share_2020;
  v->n = (1 + np + nc) * MODEL_N_GOALS;
  v->v = g_new0 (ModelTargetVerdict, v->n);
  /* one block: met, then margins, then cities, each [goal][rep] */
  v->nation_met = g_new0 (double, (gsize) 3 * MODEL_N_GOALS * R);
  v->nation_margin = v->nation_met + (gsize) MODEL_N_GOALS * R;
  v->nation_cities = v->nation_margin + (gsize) MODEL_N_GOALS * R;

  /* cardholders per city and day, mean over replications */
  const double scale = r->averaged ? 1.0 : 1.0 / R;
  g_autofree double *pcards = g_new0 (double, (gsize) np * nd);
  g_autofree guint *members = g_new (guint, nc);
  g_autofree guint *first = g_new0 (guint, np + 1);
  for (guint c = 0; c < nc; c++)
    {
      guint p = sc->cities->cities[c].province_index;
      first[p + 1]++;
      for (guint d = 0; d < nd; d++)
        pcards[(gsize) p * nd + d] += scale * r->city_cardholders[(gsize) c * nd + d];
    }
  for (guint p = 0; p < np; p++)
    first[p + 1] += first[p];
  g_autofree guint *fill = g_memdup2 (first, sizeof (guint) * np);
  for (guint c = 0; c < nc; c++)
    members[fill[sc->cities->cities[c].province_index]++] = c;

  g_autofree gboolean *met = g_new (gboolean, R);
  g_autofree double *margin = g_new (double, R), *one = g_new (double, R);
  for (guint g = 0; g < MODEL_N_GOALS; g++)
    {
      ModelTargetVerdict *out = &v->v[g];
      out->goal = g;
      out->scope = MODEL_SCOPE_NATION;
      scope_verdict (v, r, g, NULL, nc, r->national, MODEL_SERIES_HOLDERS, NULL, out,
                     v->nation_met + (gsize) g * R);
      for (guint p = 0; p < np; p++)
        {
          out = &v->v[(1 + p) * MODEL_N_GOALS + g];
          out->goal = g;
          out->scope = MODEL_SCOPE_PROVINCE;
          out->code = sc->cities->provinces[p].code;
          scope_verdict (v, r, g, members + first[p], first[p + 1] - first[p], r->province, p,
                         pcards + (gsize) p * nd, out, NULL);
        }
      const gint64 at = day_index (r, v->by[g]);
      for (guint c = 0; c < nc; c++)
        {
          out = &v->v[(1 + np + c) * MODEL_N_GOALS + g];
          out->goal = g;
          out->scope = MODEL_SCOPE_CITY;
          out->code = sc->cities->cities[c].code;
          for (guint rep = 0; rep < R; rep++)
            {
              met[rep] = city_meets (v, r, g, c, rep);
              one[rep] = met[rep];
              margin[rep] = (double) v->by[g] - milestone_day (r, g, c, rep);
            }
          out->n_cities = 1;
          if (model_goal_is_deadline (g))
            settle (out, R, met, margin, one);
          else
            {
              settle (out, R, met, NULL, one);
              gsize i = (gsize) c * nd + (gsize) MAX (at, 0);
              double cards = scale * r->city_cardholders[i];
              out->margin = at >= 0 && cards > 0
                                ? 100 * (scale * r->city_holders[i] / cards - v->share[g])
                                : -100 * v->share[g];
              out->margin_lo = out->margin_hi = NAN;
            }
        }
    }
  return v;
}

void
model_verdicts_free (ModelVerdicts *v)
{
  if (v == NULL)
    return;
  g_free (v->v);
  g_free (v->nation_met);
  g_free (v);
}

const ModelTargetVerdict *
model_verdicts_nation (const ModelVerdicts *v, ModelGoal goal)
{
  return &v->v[goal];
}

const ModelTargetVerdict *
model_verdicts_province (const ModelVerdicts *v, guint province, ModelGoal goal)
{
  return &v->v[(1 + province) * MODEL_N_GOALS + goal];
}

const ModelTargetVerdict *
model_verdicts_city (const ModelVerdicts *v, guint city, ModelGoal goal)
{
  return &v->v[(1 + v->n_provinces + city) * MODEL_N_GOALS + goal];
}
