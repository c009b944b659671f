/* SPDX-License-Identifier: MIT */
/*
 * A scenario sweep: one base scenario and a grid of values for some of its
 * keys; each point of the grid is the base scenario with those keys set,
 * run as an ordinary `essc sim` run would be (so a point's digest equals the
 * digest of `essc sim` on the point's scenario text).  The sweep file is a
 * key file:
 *
 *   [sweep]
 *   name = channels-x-switch          required, 1..200 bytes
 *   scenario = national-2019.ini      required: beside the sweep file, else in
 *                                     the data directory (model/rollout/datapath.h)
 *   replications = 4                  optional (default: the scenario's)
 *
 *   [grid]
 *   adoption.innovation_per_channel = 0.000002; 0.000004
 *   milestones.unified_settlement = 2019-07-01..2019-12-31; 2020-01-01..2020-12-31
 *
 * A grid key is GROUP.KEY of the scenario (KEY may itself hold dots, e.g.
 * milestones.mobile_payment.650000); its values are separated by ';' (a
 * scenario value never holds one).  Points are numbered 0..n-1 with the last
 * axis varying fastest.  Every point's scenario is checked when the sweep
 * is loaded; a problem names the sweep file, the point and the scenario's
 * own message.
 */
#pragma once

#include <glib.h>

#include "model/rollout/rollout.h"
#include "model/rollout/scenario.h"
#include "model/rollout/verdict.h"

G_BEGIN_DECLS

#define MODEL_SWEEP_ERROR (model_sweep_error_quark ())
GQuark model_sweep_error_quark (void);

/* One axis of the grid.  All fields public. */
typedef struct {
  char *group;     /* "adoption" */
  char *key;       /* "innovation_per_channel" */
  char **values;   /* as written, trimmed; n_values of them */
  guint n_values;
  guint line;      /* its line in the sweep file */
} ModelSweepAxis;

/* A loaded sweep.  All fields public, read-only. */
typedef struct {
  char *path;              /* the sweep file */
  char *name;
  char *scenario_path;     /* the base scenario: the file taken */
  ModelDatapathWhere scenario_where;  /* beside the sweep file, in the data directory, absolute */
  char *data_dir;          /* searched after the file's folder (its own and its points'
                              data paths); NULL: none */
  char *base_text;         /* its bytes */
  gsize base_len;
  guint replications;      /* 0: each point's scenario's own */
  ModelSweepAxis *axes;
  guint n_axes;
  guint n_points;          /* the product of the axes' sizes */
} ModelSweep;

/* Returns: (transfer full) the sweep, or NULL with an error "FILE:LINE: ..."
 * (MODEL_SWEEP_ERROR; MODEL_ROLLOUT_NOT_FOUND for an unreadable file or a
 * base scenario found nowhere (the message lists the places searched),
 * MODEL_ROLLOUT_INVALID otherwise).  Every value of every axis is checked
 * (the point with it and the other axes at their first value: "FILE:LINE:
 * point P (LABEL): ..." on the value's line) and the last point, so however
 * many points the grid has, loading takes as long as its values. */
ModelSweep *model_sweep_load_in (const char *path, const char *data_dir, GError **error);
/* The same without a data directory: the scenario and its data beside the files only. */
ModelSweep *model_sweep_load (const char *path, GError **error);
/* Checks that every point is a valid scenario (a combination of values can
 * be wrong where each value alone is not: start and end dates); FALSE with
 * the first failing point's error as model_sweep_load gives it.  essc sweep
 * calls it after refusing a sweep too big to run, before running. */
gboolean model_sweep_check_points (const ModelSweep *sweep, GError **error);
void model_sweep_free (ModelSweep *sweep);

/* One GROUP.KEY = VALUE a derived scenario sets.  All fields public; the
 * caller owns the strings. */
typedef struct {
  const char *group;   /* "adoption" */
  const char *key;     /* "imitation" (may hold dots) */
  const char *value;   /* as it is to be written */
} ModelSweepSetting;

/*
 * Returns: (transfer full) base_text (base_len bytes) with each setting set
 * in order (model_scenario_text_set) and, when replications > 0, [scenario]
 * replications = replications; *len_out (may be NULL) its length.  How a
 * sweep's point and a sensitivity analysis's point get their text.
 */
char *model_sweep_text_with (const char *base_text, gsize base_len,
                             const ModelSweepSetting *settings, guint n_settings,
                             guint replications, gsize *len_out);

/* Point p's value index on axis a. */
guint model_sweep_index (const ModelSweep *sweep, guint point, guint axis);

/* Returns: (transfer full) point p's scenario text (the base with the
 * point's keys set; *len_out its length). */
char *model_sweep_point_text (const ModelSweep *sweep, guint point, gsize *len_out);

/* Returns: (transfer full) "GROUP.KEY=VALUE, ..." for point p. */
char *model_sweep_point_label (const ModelSweep *sweep, guint point);

/* Returns: (transfer full) the path point p's scenario would have as a file
 * beside the base scenario (BASE-DIR/NAME-pP.ini): its name in messages and
 * the base of its relative paths. */
char *model_sweep_point_path (const ModelSweep *sweep, guint point);

/* Returns: (transfer full) point p's scenario, loaded (its data looked up
 * beside the base scenario, then in the sweep's data directory). */
ModelScenario *model_sweep_point_scenario (const ModelSweep *sweep, guint point,
                                           GError **error);

/* ---- results ---------------------------------------------------------------- */

/* What a sweep keeps of a point's run.  All fields public. */
typedef struct {
  guint point;
  char digest[65];            /* the run's digest, hex */
  guint replications;
  gint32 target_day[MODEL_N_TARGETS];
  double holders[MODEL_N_TARGETS];  /* national holders on the target day, mean */
  double share[MODEL_N_TARGETS];    /* of cardholders */
  double cities[MODEL_N_TARGETS];   /* cities meeting the target, mean over replications */
  /* The nation's verdict on each target (model/rollout/verdict.h: goals in
   * ModelGoal order, the two share targets then the two deadlines): the
   * probability of meeting it, the verdict it gives, the margin (mean over
   * replications) and the cities meeting it (mean over replications). */
  double probability[MODEL_N_GOALS];
  ModelVerdictKind verdict[MODEL_N_GOALS];
  double margin[MODEL_N_GOALS];
  double goal_cities[MODEL_N_GOALS];
  char *goal_words;           /* each target in words (model_goal_describe), '\n' after each */
  double worst_p99;           /* national platform's worst day p99 (s); NAN without latency */
  guint platforms, platforms_held;  /* platforms, and those whose SLA held every day */
  gint32 start;
  guint n_days;
  double *mean, *lo, *hi;     /* national holders per day, mean and 90% interval */
} ModelSweepResult;

/* Returns: (transfer full) the result of point p from its run. */
ModelSweepResult *model_sweep_result_new (const ModelScenario *scenario,
                                          const ModelRolloutResult *run, guint point);
void model_sweep_result_free (ModelSweepResult *result);

/* Bytes to send a result to another process, and back (NULL and an error
 * for bytes that are not a result). */
GBytes *model_sweep_result_serialize (const ModelSweepResult *result);
ModelSweepResult *model_sweep_result_deserialize (GBytes *bytes, GError **error);

/*
 * TRUE when path may be replaced by a sweep database: a new file or a sweep
 * database (base/dbkind.h); else FALSE with error (MODEL_ROLLOUT_CONFLICT)
 * naming what it is.  essc sweep asks before the run.
 */
gboolean model_sweep_may_write_db (const char *path, GError **error);

/*
 * Writes the sweep's database (created; an existing file replaced only when
 * model_sweep_may_write_db allows it): tables sweep (key, value), sweep_axis, sweep_point
 * (one row per point with its label, scenario text, digest and headline
 * figures), sweep_verdict (the nation's verdict on every target per point)
 * and sweep_series (national holders per point and day); schema in
 * docs/RUNDB.md.  results: n_points of them, in point order.
 */
gboolean model_sweep_write_db (const char *path, const ModelSweep *sweep,
                               ModelSweepResult *const *results, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ModelSweep, model_sweep_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ModelSweepResult, model_sweep_result_free)

G_END_DECLS
