/* SPDX-License-Identifier: MIT */
/*
 * A sensitivity analysis of the rollout (essc sensitivity): which of some
 * number-valued scenario keys moves each headline output most.  The engine
 * part (the design and the indices) is sim/sensitivity.h; this module ties
 * it to scenarios:
 *
 *   - parameters: GROUP.KEY=LOW..HIGH of the base scenario, each uniform on
 *     [LOW, HIGH]; the key must hold a number in the scenario (or be one of
 *     its number keys left at its default: model_scenario_number), and the
 *     scenario must load with LOW, with HIGH and with a value inside the
 *     range (so keys that take whole numbers only, or no number, are
 *     refused before anything runs, naming the key);
 *   - points: the design's points first (0 .. n_design - 1), then the
 *     scenario's own values (point n_design, "base"), then the tornado's
 *     one-at-a-time points: parameter i at LOW (n_design + 1 + 2i) and at
 *     HIGH (n_design + 2 + 2i), the others at the scenario's values.  A
 *     point's scenario is the base text with every parameter set to the
 *     point's value ("%.17g") by model_sweep_text_with, named as a file
 *     beside the base (DIR/NAME-sens-pP.ini), so its relative paths
 *     resolve as the base's do; every point runs with the scenario's seed
 *     (common random numbers: the points differ by their values, not by
 *     their draws);
 *   - outputs: what a sweep keeps of a run (model/rollout/sweep.h's
 *     ModelSweepResult), through one table of name and getter
 *     (model_sens_outputs): adding an output is adding a line there;
 *   - the analysis: per output the indices of the design's points
 *     (sim_sens_analyse) and the tornado (the output at each parameter's
 *     LOW and HIGH).  An output that is not finite at any point (the
 *     worst-day p99 without the latency model) is left out.
 *
 * The database is sensdb.c's (model_sens_write_db).
 */
#pragma once

#include <glib.h>

#include "model/rollout/scenario.h"
#include "model/rollout/sweep.h"
#include "sim/sensitivity.h"

G_BEGIN_DECLS

#define MODEL_SENS_ERROR (model_sens_error_quark ())
GQuark model_sens_error_quark (void);

/* One parameter.  All fields public, read-only. */
typedef struct {
  char *name;               /* "adoption.imitation" */
  char *group, *key;        /* "adoption", "imitation" */
  double low, high;
  double nominal;           /* the scenario's own value: the tornado holds it there */
  gboolean nominal_default; /* the scenario does not set it: its default */
} ModelSensParam;

/* One output a point's run yields.  All fields public. */
typedef struct {
  const char *name;         /* "share_2020": its name in the database */
  const char *label;        /* what it is, for tables */
  const char *unit;         /* "share", "people", "cities", "s" */
  double (*get) (const ModelSweepResult *result, guint arg);
  guint arg;                /* for get: the target's index */
} ModelSensOutput;

/* An output's analysis.  All fields public. */
typedef struct {
  const ModelSensOutput *output;
  SimSensIndices *indices;  /* of the design's points */
  double base;              /* at the scenario's own values */
  double *low, *high;       /* k each: the tornado's points */
} ModelSensOutcome;

/* A sensitivity analysis.  All fields public, read-only; each step fills
 * its part. */
typedef struct {
  char *scenario_path;
  char *data_dir;           /* where data files not beside the scenario are looked up, or NULL
                               (model/rollout/datapath.h) */
  char *base_text;          /* the scenario's bytes, with the replications and seed asked */
  gsize base_len;
  ModelScenario *base;      /* as loaded */
  ModelSensParam *params;   /* k of them, in the order given */
  guint k;
  /* model_sens_design: */
  SimSensDesign *design;
  guint n_points;           /* design points + 1 + 2k */
  /* model_sens_analyse: */
  ModelSweepResult **results;   /* n_points */
  ModelSensOutcome *outcomes;
  guint n_outcomes;
  guint bootstrap;
  double level;
} ModelSens;

/* The outputs of a point (the table above): *n_out gets their number. */
const ModelSensOutput *model_sens_outputs (guint *n_out);

/* ---- new ------------------------------------------------------------------ */

/*
 * Returns: (transfer full) an analysis of the scenario at path with no
 * parameter yet, or NULL with the scenario's error.  replications (0: the
 * scenario's own) and seed (NULL: the scenario's own) are written into the
 * base text ([scenario] replications and seed), so every point runs with
 * them and base_text is the scenario the points derive from.  data_dir
 * (NULL: none) is searched for the data files not beside the scenario, for
 * it and every point (model_scenario_load_in).
 */
ModelSens *model_sens_new (const char *scenario_path, const char *data_dir, guint replications,
                           const guint64 *seed, GError **error);

/*
 * Adds the parameter "GROUP.KEY=LOW..HIGH" (LOW < HIGH, finite numbers).
 * FALSE with an error (MODEL_SENS_ERROR, MODEL_ROLLOUT_INVALID) beginning
 * "--param TEXT: " that says what is wrong: the form, a bound that is not a
 * number, LOW >= HIGH, a key given twice, a key the scenario does not know
 * or that holds no number, a value the scenario refuses.
 */
gboolean model_sens_add_param (ModelSens *sens, const char *text, GError **error);

/*
 * Makes the design: spec's method, seed and sizes (its k, low and high are
 * taken from the parameters), after checking that the scenario loads with
 * every parameter at LOW and with every one at HIGH.  FALSE with an error
 * when the spec is refused (sim_sens_design_new's message) or a corner is.
 */
gboolean model_sens_design (ModelSens *sens, const SimSensSpec *spec, GError **error);

/* ---- the points ----------------------------------------------------------- */

/* The values (k) of point p. */
void model_sens_point_values (const ModelSens *sens, guint point, double *values);

/* "design", "base", "low" or "high"; *param (may be NULL) the tornado's
 * parameter (-1 for design and base). */
const char *model_sens_point_kind (const ModelSens *sens, guint point, gint *param);

/* Returns: (transfer full) point p's scenario text (*len_out its length). */
char *model_sens_point_text (const ModelSens *sens, guint point, gsize *len_out);

/* Returns: (transfer full) point p's scenario, loaded; NULL with its error. */
ModelScenario *model_sens_point_scenario (const ModelSens *sens, guint point, GError **error);

/* ---- the analysis --------------------------------------------------------- */

/*
 * Takes the points' results (transfer full: an array of n_points of them
 * in point order, g_new'd, now owned by sens) and computes every
 * output's indices with `bootstrap` resamples at level, and its tornado.
 * FALSE with an error when an output is finite at some points only.
 */
gboolean model_sens_analyse (ModelSens *sens, ModelSweepResult **results, guint bootstrap,
                             double level, GError **error);

/* The value of outcome o's output at point p. */
double model_sens_value (const ModelSens *sens, guint outcome, guint point);

/*
 * The parameters of outcome o in order of importance (order: k indices):
 * by_tornado FALSE: by mu* (Morris) or ST (Sobol), largest first; TRUE: by
 * the tornado's |HIGH - LOW| swing.  A value that is not a number ranks
 * last; ties keep the order the parameters were given in.
 */
void model_sens_rank (const ModelSens *sens, guint outcome, gboolean by_tornado, guint *order);

/* ---- free ----------------------------------------------------------------- */

void model_sens_free (ModelSens *sens);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ModelSens, model_sens_free)

/* ---- the database (sensdb.c) ---------------------------------------------- */

/*
 * TRUE when path may be replaced by a sensitivity database: a new file or a
 * sensitivity database (base/dbkind.h); else FALSE with error
 * (MODEL_ROLLOUT_CONFLICT) naming what it is.
 */
gboolean model_sens_may_write_db (const char *path, GError **error);

/*
 * Writes an analysed sens to path (created; an existing file replaced only
 * when model_sens_may_write_db allows it), atomically: application id
 * "ESSA", schema essc-sensitivity/1 (docs/SENSITIVITY.md).  Holds no time
 * or path of the machine beyond the scenario's path, so the same analysis
 * gives the same bytes.
 */
gboolean model_sens_write_db (const char *path, const ModelSens *sens, GError **error);

G_END_DECLS
