/* SPDX-License-Identifier: MIT */
/*
 * Population dynamics of a city's cells (age band x area): births into the
 * 0-17 band, deaths in every band, and ageing from 0-17 into 18-59 and from
 * 18-59 into 60+, one day at a time.  Everyone in a cell is exchangeable,
 * so a day's deaths among the cell's people in each e-card state (no e-card,
 * level 1, level 2, and the two lost states) are binomial draws, and so are
 * the survivors who age into the next band; they take their state with
 * them.  Births are binomial in each area's people and arrive without an
 * e-card.  Flows are drawn from the state at the start of the day and
 * applied together, so each band balances exactly every day:
 *
 *   people' = people + births - deaths - aged_out + aged_in.
 *
 * Rates are per person per year (as vital statistics are published); a
 * yearly rate y gives the daily probability 1 - exp(-y / 365.25).  Removal
 * by death or ageing is drawn as one binomial with the sum of the two
 * hazards and split between them by a second (the exact law of competing
 * risks within the day).
 */
#pragma once

#include <glib.h>

#include "model/rollout/cities.h"
#include "sim/rng.h"

G_BEGIN_DECLS

/* The e-card states of a cell's people. */
typedef enum {
  MODEL_STATE_NONE = 0,  /* no usable e-card (people - the others) */
  MODEL_STATE_H1,        /* level-1 holders, usable */
  MODEL_STATE_H2,        /* level-2 holders, usable */
  MODEL_STATE_L1,        /* level-1 holders whose physical card is lost, awaiting replacement */
  MODEL_STATE_L2,        /* the same, level 2 */
  MODEL_N_STATES
} ModelCellStateKind;

/* One cell: its people and how many of them are in each e-card state
 * (people >= h1 + h2 + l1 + l2). */
typedef struct {
  gint64 people, h1, h2, l1, l2;
} ModelCell;

/* Yearly rates (per person per year), as in the scenario. */
typedef struct {
  double birth;                       /* births per resident */
  double death[MODEL_N_AGE_BANDS];    /* deaths per person of the band */
  double ageing[MODEL_N_AGE_BANDS];   /* share of the band moving to the next (60+: unused) */
} ModelDemographyRates;

/* Daily probabilities, computed once from the rates. */
typedef struct {
  double birth, removal[MODEL_N_AGE_BANDS], death_given_removal[MODEL_N_AGE_BANDS];
} ModelDemographyDaily;

/* One day's flows of a city, by area and band (for checks and series). */
typedef struct {
  gint64 births[2], deaths[2][MODEL_N_AGE_BANDS], aged_out[2][MODEL_N_AGE_BANDS],
      aged_in[2][MODEL_N_AGE_BANDS];
} ModelDemographyFlows;

void model_demography_daily (const ModelDemographyRates *rates, ModelDemographyDaily *out);

/*
 * One day of a city's cells: cells[area * MODEL_N_AGE_BANDS + band] for
 * n_areas areas (1 or 2), drawing from r (a stream of its own for the city
 * and day).  flows may be NULL.
 */
void model_demography_step (const ModelDemographyDaily *daily, ModelCell *cells, guint n_areas,
                            SimRng *r, ModelDemographyFlows *flows);

G_END_DECLS
