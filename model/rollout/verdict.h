/* SPDX-License-Identifier: MIT */
/*
 * Verdicts on a scenario's targets: for each target ([targets]: a share of
 * cardholders holding an e-card by a date, twice; mobile payment open and
 * unified settlement switched by their dates) and each scope (the nation,
 * every province, every city), whether a run meets it: met, at risk or not
 * met, with the probability over the replications and the margin.  One set
 * of definitions, used by the terminal summary, the run database
 * (target_verdict) and the report, and stated with the numbers
 * (model_verdict_definitions):
 *
 * - A city meets a share target in a replication when its usable e-card
 *   holders reach the share of its cardholders on some day up to the target
 *   date; a deadline target when the milestone is live there on or before
 *   the date (mobile payment: after issuance is live too).
 * - A province or the nation meets a share target in a replication when its
 *   holders reach the share of its cardholders (summed over its cities) on
 *   some day up to the date; a deadline target when every one of its cities
 *   meets it.
 * - The probability of meeting a target is the share of the replications
 *   in which it is met.  The verdict: met at a probability of at least 0.9,
 *   not met at 0.1 or less, at risk between.  (With one replication every
 *   probability is 0 or 1: a verdict's "at risk" needs replications.)
 * - The margin: for a share target the share of cardholders on the target
 *   date minus the target's share, in percentage points; for a deadline
 *   target the days from the last city's milestone to the deadline
 *   (negative: late).  Mean over the replications, with the 5% and 95%
 *   quantiles (a city's share margin is the mean share's, no interval).
 * - Cities meeting a target (of a scope): the number of the scope's cities
 *   that meet it, mean over the replications, with its 5% and 95%
 *   quantiles.  This is the one number called "cities meeting" anywhere.
 */
#pragma once

#include <glib.h>

#include "model/rollout/rollout.h"
#include "model/rollout/scenario.h"

G_BEGIN_DECLS

typedef enum {
  MODEL_GOAL_SHARE_2019 = 0,        /* [targets] share_2019 by target_2019 */
  MODEL_GOAL_SHARE_2020,            /* share_2020 by target_2020 */
  MODEL_GOAL_MOBILE_PAYMENT,        /* mobile payment open everywhere by mobile_payment_by */
  MODEL_GOAL_UNIFIED_SETTLEMENT,    /* unified settlement everywhere by unified_settlement_by */
  MODEL_N_GOALS
} ModelGoal;

typedef enum {
  MODEL_VERDICT_MET = 0,
  MODEL_VERDICT_AT_RISK,
  MODEL_VERDICT_NOT_MET,
} ModelVerdictKind;

typedef enum {
  MODEL_SCOPE_NATION = 0,
  MODEL_SCOPE_PROVINCE,
  MODEL_SCOPE_CITY,
} ModelScope;

/* The probabilities at which a verdict changes (see the definitions). */
#define MODEL_VERDICT_MET_FROM 0.9
#define MODEL_VERDICT_NOT_MET_TO 0.1

/* One target in one scope.  All fields public. */
typedef struct {
  ModelGoal goal;
  ModelScope scope;
  guint32 code;            /* GB/T 2260 code of the province or city; 0 for the nation */
  double probability;      /* share of the replications meeting it */
  ModelVerdictKind verdict;
  double margin;           /* percentage points (share goals) or days (deadline goals) */
  double margin_lo, margin_hi;  /* 5% and 95% quantiles over replications; NAN for a city's
                                   share margin */
  guint n_cities;          /* cities in the scope */
  double cities_meeting;   /* mean over replications */
  double cities_lo, cities_hi;  /* 5% and 95% quantiles */
} ModelTargetVerdict;

/* The verdicts of a run.  All fields public, read-only. */
typedef struct {
  guint n_reps, n_provinces, n_cities;
  gint32 by[MODEL_N_GOALS];     /* each goal's date (day number) */
  double share[MODEL_N_GOALS];  /* the share goals' shares; 0 for the deadline goals */
  /* MODEL_N_GOALS for the nation, then n_provinces x MODEL_N_GOALS in the
   * scenario's province order, then n_cities x MODEL_N_GOALS in city order */
  ModelTargetVerdict *v;
  guint n;
  /* The nation's outcome in each replication, [goal][rep]: met (0 or 1),
   * the margin, and the cities meeting the goal (what essc compare pairs). */
  double *nation_met, *nation_margin, *nation_cities;
} ModelVerdicts;

/* Returns: (transfer full) the verdicts of a complete run of scenario. */
ModelVerdicts *model_verdicts_new (const ModelScenario *scenario, const ModelRolloutResult *run);
void model_verdicts_free (ModelVerdicts *verdicts);

const ModelTargetVerdict *model_verdicts_nation (const ModelVerdicts *v, ModelGoal goal);
const ModelTargetVerdict *model_verdicts_province (const ModelVerdicts *v, guint province,
                                                   ModelGoal goal);
const ModelTargetVerdict *model_verdicts_city (const ModelVerdicts *v, guint city,
                                               ModelGoal goal);

/* "met", "at risk", "not met". */
const char *model_verdict_name (ModelVerdictKind kind);
/* The verdict at a probability of meeting a target. */
ModelVerdictKind model_verdict_of (double probability);
/* "share_2019", "share_2020", "mobile_payment", "unified_settlement". */
const char *model_goal_name (ModelGoal goal);
/* "nation", "province", "city". */
const char *model_scope_name (ModelScope scope);
/* TRUE for the deadline goals (margins in days). */
gboolean model_goal_is_deadline (ModelGoal goal);
/* Returns: (transfer full) the target in words: ">= 10% of cardholders by
 * 2019-12-31", "mobile payment open in every city by 2019-12-31". */
char *model_goal_describe (const ModelVerdicts *v, ModelGoal goal);

/* The definitions above in one paragraph of plain text, for the terminal,
 * the database and the report. */
extern const char model_verdict_definitions[];

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ModelVerdicts, model_verdicts_free)

G_END_DECLS
