/* SPDX-License-Identifier: MIT */
/*
 * Tests of the verdicts on the targets (model/rollout/verdict.c) on the
 * small busy scenario (tests/data/small/busy.ini: 5 cities in 3 provinces,
 * ranges of milestone dates, so cities and replications differ), checked
 * against the run's own arrays computed here a second way: a city's
 * probability is the share of replications in which `met` (share targets)
 * or its milestone date (deadlines) says it met the target; a province
 * meets a deadline exactly when all its cities do; the mean number of
 * cities meeting a target is the sum of the cities' probabilities (the
 * one definition, two ways); the nation's share margin is its holders over
 * its cardholders on the date minus the share; every verdict follows its
 * probability by the stated thresholds.  Also the thresholds themselves,
 * the words, and that a late milestone gives a negative margin in days.
 */
#include "base/time.h"
#include "model/rollout/rollout.h"
#include "model/rollout/scenario.h"
#include "model/rollout/verdict.h"
#include "sim/summary.h"
#include "tests/lib/run.h"
#include "tests/lib/testutil.h"

#include <math.h>
#include <string.h>

static ModelScenario *
load (const char *name)
{
  g_autofree char *path = essc_test_src_path ("tests", "data", "small", name, NULL);
  g_autoptr (GError) error = NULL;
  ModelScenario *sc = model_scenario_load (path, &error);
  g_assert_no_error (error);
  return sc;
}

static ModelRolloutResult *
run (const ModelScenario *sc, guint reps)
{
  ModelRolloutOptions o = { .replications = reps, .jobs = 2, .no_latency = TRUE };
  g_autoptr (GError) error = NULL;
  ModelRolloutResult *r = model_rollout_run (sc, &o, &error);
  g_assert_no_error (error);
  return r;
}

static void
test_thresholds (void)
{
  g_assert_cmpint (model_verdict_of (1.0), ==, MODEL_VERDICT_MET);
  g_assert_cmpint (model_verdict_of (0.9), ==, MODEL_VERDICT_MET);
  g_assert_cmpint (model_verdict_of (0.89), ==, MODEL_VERDICT_AT_RISK);
  g_assert_cmpint (model_verdict_of (0.5), ==, MODEL_VERDICT_AT_RISK);
  g_assert_cmpint (model_verdict_of (0.11), ==, MODEL_VERDICT_AT_RISK);
  g_assert_cmpint (model_verdict_of (0.1), ==, MODEL_VERDICT_NOT_MET);
  g_assert_cmpint (model_verdict_of (0.0), ==, MODEL_VERDICT_NOT_MET);
  g_assert_cmpstr (model_verdict_name (MODEL_VERDICT_AT_RISK), ==, "at risk");
  g_assert_cmpstr (model_goal_name (MODEL_GOAL_UNIFIED_SETTLEMENT), ==, "unified_settlement");
  g_assert_true (model_goal_is_deadline (MODEL_GOAL_MOBILE_PAYMENT));
  g_assert_false (model_goal_is_deadline (MODEL_GOAL_SHARE_2020));
  g_assert_nonnull (strstr (model_verdict_definitions, "Cities meeting a target"));
}

/* The day a city's deadline milestone is live in a replication, from the
 * result's arrays. */
static gint32
live_day (const ModelRolloutResult *r, ModelGoal g, guint c, guint rep)
{
  gsize per = (gsize) r->n_cities * r->n_reps, at = (gsize) c * r->n_reps + rep;
  if (g == MODEL_GOAL_MOBILE_PAYMENT)
    return MAX (r->milestone[MODEL_MILESTONE_ISSUANCE * per + at],
                r->milestone[MODEL_MILESTONE_MOBILE_PAYMENT * per + at]);
  return r->milestone[MODEL_MILESTONE_UNIFIED_SETTLEMENT * per + at];
}

static void
test_against_run (void)
{
  g_autoptr (ModelScenario) sc = load ("busy.ini");
  /* deadlines inside the milestones' ranges, so that cities and
   * replications differ */
  g_assert_cmpint (base_time_parse_date ("2019-09-01", &sc->mobile_payment_by, NULL), ==,
                   BASE_TIME_OK);
  g_assert_cmpint (base_time_parse_date ("2020-03-01", &sc->unified_settlement_by, NULL), ==,
                   BASE_TIME_OK);
  const guint R = 12;
  g_autoptr (ModelRolloutResult) r = run (sc, R);
  g_autoptr (ModelVerdicts) v = model_verdicts_new (sc, r);
  g_assert_cmpuint (v->n, ==, (1 + r->n_provinces + r->n_cities) * MODEL_N_GOALS);
  const gint32 by[MODEL_N_GOALS] = { sc->target_2019, sc->target_2020, sc->mobile_payment_by,
                                     sc->unified_settlement_by };
  guint differing = 0;
  for (guint g = 0; g < MODEL_N_GOALS; g++)
    {
      double sum_p = 0;
      double province_sum[8] = { 0 };
      for (guint c = 0; c < r->n_cities; c++)
        {
          guint n = 0;
          for (guint rep = 0; rep < R; rep++)
            n += model_goal_is_deadline (g)
                     ? live_day (r, g, c, rep) <= by[g]
                     : r->met[((gsize) g * r->n_cities + c) * R + rep] >= 0;
          const ModelTargetVerdict *t = model_verdicts_city (v, c, g);
          g_assert_cmpuint (t->code, ==, sc->cities->cities[c].code);
          g_assert_cmpint (t->scope, ==, MODEL_SCOPE_CITY);
          g_assert_cmpfloat_with_epsilon (t->probability, (double) n / R, 1e-12);
          g_assert_cmpint (t->verdict, ==, model_verdict_of (t->probability));
          g_assert_cmpfloat_with_epsilon (t->cities_meeting, t->probability, 1e-12);
          differing += n > 0 && n < R;
          sum_p += t->probability;
          province_sum[sc->cities->cities[c].province_index] += t->probability;
        }
      const ModelTargetVerdict *nat = model_verdicts_nation (v, g);
      g_assert_cmpfloat_with_epsilon (nat->cities_meeting, sum_p, 1e-9);
      g_assert_cmpuint (nat->n_cities, ==, r->n_cities);
      g_assert_cmpfloat (nat->cities_lo, <=, nat->cities_meeting);
      g_assert_cmpfloat (nat->cities_meeting, <=, nat->cities_hi);
      g_assert_cmpint (nat->verdict, ==, model_verdict_of (nat->probability));
      for (guint p = 0; p < r->n_provinces; p++)
        {
          const ModelTargetVerdict *t = model_verdicts_province (v, p, g);
          g_assert_cmpuint (t->code, ==, sc->cities->provinces[p].code);
          g_assert_cmpuint (t->n_cities, ==, sc->cities->provinces[p].n_cities);
          g_assert_cmpfloat_with_epsilon (t->cities_meeting, province_sum[p], 1e-9);
          if (!model_goal_is_deadline (g))
            continue;
          /* a province meets a deadline in a replication when all its cities do */
          guint n = 0;
          for (guint rep = 0; rep < R; rep++)
            {
              gboolean all = TRUE;
              for (guint c = 0; c < r->n_cities; c++)
                if (sc->cities->cities[c].province_index == p)
                  all = all && live_day (r, g, c, rep) <= by[g];
              n += all;
            }
          g_assert_cmpfloat_with_epsilon (t->probability, (double) n / R, 1e-12);
        }
      if (model_goal_is_deadline (g))
        {
          /* the nation's margin: days from the last city's milestone to the deadline */
          double sum = 0;
          for (guint rep = 0; rep < R; rep++)
            {
              gint32 last = G_MININT32;
              for (guint c = 0; c < r->n_cities; c++)
                last = MAX (last, live_day (r, g, c, rep));
              sum += by[g] - last;
            }
          g_assert_cmpfloat_with_epsilon (nat->margin, sum / R, 1e-9);
        }
      else
        {
          /* the nation's margin: share on the date minus the target share */
          gsize at = (gsize) (by[g] - r->start);
          double sum = 0;
          for (guint rep = 0; rep < R; rep++)
            sum += 100 * (sim_series_set_row (r->national, MODEL_SERIES_HOLDERS, rep)[at]
                          / sim_series_set_row (r->national, MODEL_SERIES_CARDHOLDERS, rep)[at]
                          - v->share[g]);
          g_assert_cmpfloat_with_epsilon (nat->margin, sum / R, 1e-9);
          g_assert_cmpfloat (nat->margin_lo, <=, nat->margin);
          g_assert_cmpfloat (nat->margin, <=, nat->margin_hi);
        }
    }
  /* the scenario's date ranges make some cities differ between replications */
  g_assert_cmpuint (differing, >, 0);
}

/* Unified settlement drawn after its deadline everywhere: not met, by a
 * negative margin, no city meeting it. */
static void
test_late (void)
{
  g_autoptr (ModelScenario) sc = load ("busy.ini");
  sc->unified_settlement_by = sc->milestone[MODEL_MILESTONE_UNIFIED_SETTLEMENT].first - 1;
  g_autoptr (ModelRolloutResult) r = run (sc, 3);
  g_autoptr (ModelVerdicts) v = model_verdicts_new (sc, r);
  const ModelTargetVerdict *t = model_verdicts_nation (v, MODEL_GOAL_UNIFIED_SETTLEMENT);
  g_assert_cmpint (t->verdict, ==, MODEL_VERDICT_NOT_MET);
  g_assert_cmpfloat (t->probability, ==, 0);
  g_assert_cmpfloat (t->margin_hi, <, 0);
  g_assert_cmpfloat (t->cities_meeting, ==, 0);
  g_autofree char *words = model_goal_describe (v, MODEL_GOAL_UNIFIED_SETTLEMENT);
  g_assert_nonnull (strstr (words, "unified settlement in every city by 2019-06-30"));
  words = (g_free (words), model_goal_describe (v, MODEL_GOAL_SHARE_2019));
  g_assert_cmpstr (words, ==, ">= 10% of cardholders by 2019-12-31");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/rollout/verdict/thresholds", test_thresholds);
  g_test_add_func ("/rollout/verdict/against-run", test_against_run);
  g_test_add_func ("/rollout/verdict/late", test_late);
  return g_test_run ();
}
