/* SPDX-License-Identifier: MIT */
/*
 * Tests of scenario sweeps (model/rollout/sweep.h): the grid's order (the last axis
 * fastest), the points' scenario texts (a key replaced in its group, added
 * to its group, or added with its group), every point checked as a
 * scenario at load with the point named, the sweep file's errors with their
 * line, and a point's result through its bytes.
 */
#include "model/rollout/sweep.h"
#include "tests/lib/run.h"
#include "tests/lib/testutil.h"

#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

typedef struct {
  char *dir;
} Tmp;

static char *
write_file (Tmp *t, const char *name, const char *text)
{
  if (t->dir == NULL)
    t->dir = g_dir_make_tmp ("essc-sweep-XXXXXX", NULL);
  char *path = g_build_filename (t->dir, name, NULL);
  g_assert_true (g_file_set_contents (path, text, -1, NULL));
  return path;
}

static void
tmp_clear (Tmp *t)
{
  essc_test_remove_dir (t->dir);
  g_free (t->dir);
}

/* The 5-city constant scenario, with absolute data paths. */
static char *
base_scenario (Tmp *t)
{
  g_autofree char *rel = essc_test_src_path ("tests", "data", "small", NULL);
  g_autofree char *data = g_canonicalize_filename (rel, NULL);
  g_autofree char *text = g_strdup_printf (
      "[scenario]\nname = base\nstart = 2019-01-01\nend = 2019-12-31\nseed = 3\n"
      "[population]\ncities = %s/cities.csv\ncardholders = 1000000\n"
      "[adoption]\naccess = none\ninnovation = 0.002\nimitation = 0\n"
      "[channels]\ncatalogue = %s/channels.csv\ncertification_pass = 1\n"
      "[targets]\ntarget_2019 = 2019-06-30\ntarget_2020 = 2019-12-31\n"
      "mobile_payment_by = 2019-12-31\nunified_settlement_by = 2019-12-31\n",
      data, data);
  return write_file (t, "base.ini", text);
}

static void
test_grid (void)
{
  Tmp t = { 0 };
  g_autofree char *base = base_scenario (&t);
  g_autofree char *path = write_file (&t, "g.sweep",
                                      "# a comment\n[sweep]\nname = g\nscenario = base.ini\n"
                                      "replications = 2\n\n[grid]\n"
                                      "adoption.innovation = 0.001; 0.003\n"
                                      "adoption.rural_factor = 0.5;0.7; 0.9\n"
                                      "milestones.unified_settlement = 2019-05-01; 2019-08-01\n");
  g_autoptr (GError) error = NULL;
  g_autoptr (ModelSweep) s = model_sweep_load (path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (s->n_axes, ==, 3);
  g_assert_cmpuint (s->n_points, ==, 12);
  g_assert_cmpstr (s->axes[1].values[1], ==, "0.7");
  /* The last axis varies fastest. */
  g_assert_cmpuint (model_sweep_index (s, 0, 2), ==, 0);
  g_assert_cmpuint (model_sweep_index (s, 1, 2), ==, 1);
  g_assert_cmpuint (model_sweep_index (s, 2, 1), ==, 1);
  g_assert_cmpuint (model_sweep_index (s, 6, 0), ==, 1);
  g_assert_cmpuint (model_sweep_index (s, 11, 0), ==, 1);
  g_assert_cmpuint (model_sweep_index (s, 11, 1), ==, 2);
  g_assert_cmpuint (model_sweep_index (s, 11, 2), ==, 1);
  g_autofree char *label = model_sweep_point_label (s, 7);
  g_assert_cmpstr (label, ==, "adoption.innovation=0.003, adoption.rural_factor=0.5, "
                              "milestones.unified_settlement=2019-08-01");
  /* Replaced in its group (innovation), added to its group (rural_factor),
   * added with its group (milestones), replications set. */
  g_autoptr (ModelScenario) sc = model_sweep_point_scenario (s, 7, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat (sc->innovation, ==, 0.003);
  g_assert_cmpfloat (sc->rural_factor, ==, 0.5);
  gint32 aug1 = sc->milestone[MODEL_MILESTONE_UNIFIED_SETTLEMENT].first;
  g_assert_cmpint (aug1, ==, sc->milestone[MODEL_MILESTONE_UNIFIED_SETTLEMENT].last);
  g_assert_cmpuint (sc->replications, ==, 2);
  gsize len;
  g_autofree char *text = model_sweep_point_text (s, 7, &len);
  g_assert_null (strstr (text, "innovation = 0.002"));
  g_assert_nonnull (strstr (text, "[milestones]\nunified_settlement = 2019-08-01\n"));
  /* The point's path is beside the base scenario. */
  g_autofree char *pp = model_sweep_point_path (s, 7);
  g_autofree char *dir = g_path_get_dirname (pp);
  g_autofree char *bdir = g_path_get_dirname (base);
  g_assert_cmpstr (dir, ==, bdir);
  tmp_clear (&t);
}

static void
expect_error (Tmp *t, const char *text, const char *needle)
{
  g_autofree char *path = write_file (t, "bad.sweep", text);
  g_autoptr (GError) error = NULL;
  g_autoptr (ModelSweep) s = model_sweep_load (path, &error);
  g_assert_null (s);
  g_assert_nonnull (error);
  g_test_message ("%s", error->message);
  g_assert_true (g_str_has_prefix (error->message, path));
  g_assert_nonnull (strstr (error->message, needle));
}

static void
test_errors (void)
{
  Tmp t = { 0 };
  g_autofree char *base = base_scenario (&t);
#define HEAD "[sweep]\nname = b\nscenario = base.ini\n"
  expect_error (&t, HEAD "[grids]\n", ":4: [grids]: unknown group");
  /* a lone '[' once had a group name of length -1 taken from it */
  expect_error (&t, HEAD "[\n", ":4: [: unknown group");
  expect_error (&t, "name = b\n", ":1: expected \"key = value\" inside [sweep] or [grid]");
  expect_error (&t, HEAD "[grid]\ninnovation = 1\n", ":5: [grid] innovation: expected GROUP.KEY");
  expect_error (&t, HEAD "[grid]\nadoption.imitation = 0.1; ; 0.2\n", ":5: [grid] "
                "adoption.imitation: value 2 is empty");
  /* an empty value once made an axis of no values: a sweep of 0 points that
   * divided by zero when a point's value was looked up */
  expect_error (&t, HEAD "[grid]\nadoption.imitation =\n", ":5: [grid] adoption.imitation: "
                "value 1 is empty");
  expect_error (&t, HEAD "[grid]\nadoption.imitation = 0.1\nadoption.imitation = 0.2\n",
                ":6: [grid] adoption.imitation: given twice");
  expect_error (&t, HEAD "colour = red\n", ":4: [sweep] colour: unknown key");
  expect_error (&t, HEAD "replications = 0\n", ":4: [sweep] replications: \"0\" is not a count");
  expect_error (&t, "[sweep]\nscenario = base.ini\n[grid]\nadoption.imitation = 0.1\n",
                "[sweep] name: missing");
  expect_error (&t, HEAD "[grid]\n", "[grid]: no key");
  expect_error (&t, "[sweep]\nname = b\nscenario = nowhere.ini\n[grid]\nadoption.imitation = 1\n",
                ":3: [sweep] scenario: nowhere.ini: no such file beside the sweep file, expected a "
                "scenario; searched ");
  /* A value the scenario refuses: the point and the scenario's own message. */
  expect_error (&t, HEAD "[grid]\nadoption.imitation = 0.1; -3\n",
                ":5: point 1 (adoption.imitation=-3): ");
  expect_error (&t, HEAD "[grid]\nadoption.imitation = 0.1; -3\n",
                "[adoption] imitation: -3 is negative");
  expect_error (&t, HEAD "[grid]\nadoption.imitation = 0.1\nadoption.colour = 1\n",
                ":6: point 0 (adoption.imitation=0.1, adoption.colour=1): ");
  /* A combination wrong only together (its target before its start) in the
   * middle of the grid: loading checks each value and the last point, so
   * the sweep loads; checking every point finds it. */
  g_autofree char *combo = write_file (&t, "combo.sweep", HEAD "[grid]\n"
                                       "scenario.start = 2019-01-01; 2019-05-01; 2019-01-02\n"
                                       "targets.target_2019 = 2019-06-30; 2019-03-31; "
                                       "2019-06-29\n");
  g_autoptr (GError) combo_error = NULL;
  g_autoptr (ModelSweep) cs = model_sweep_load (combo, &combo_error);
  g_assert_no_error (combo_error);
  g_assert_false (model_sweep_check_points (cs, &combo_error));
  g_test_message ("%s", combo_error->message);
  g_assert_nonnull (strstr (combo_error->message, ":6: point 4 (scenario.start=2019-05-01, "
                                                  "targets.target_2019=2019-03-31): "));
#undef HEAD
  g_autofree char *missing = g_build_filename (t.dir, "none.sweep", NULL);
  g_autoptr (GError) error = NULL;
  g_assert_null (model_sweep_load (missing, &error));
  g_assert_error (error, MODEL_SWEEP_ERROR, MODEL_ROLLOUT_NOT_FOUND);
  tmp_clear (&t);
}

static void
test_result_bytes (void)
{
  Tmp t = { 0 };
  g_autofree char *base = base_scenario (&t);
  g_autofree char *path = write_file (&t, "r.sweep", "[sweep]\nname = r\nscenario = base.ini\n"
                                                     "[grid]\nadoption.innovation = 0.004\n");
  g_autoptr (GError) error = NULL;
  g_autoptr (ModelSweep) s = model_sweep_load (path, &error);
  g_assert_no_error (error);
  g_autoptr (ModelScenario) sc = model_sweep_point_scenario (s, 0, &error);
  ModelRolloutOptions opt = { .replications = 2 };
  g_autoptr (ModelRolloutResult) run = model_rollout_run (sc, &opt, &error);
  g_assert_no_error (error);
  g_autoptr (ModelSweepResult) r = model_sweep_result_new (sc, run, 0);
  g_assert_cmpuint (r->replications, ==, 2);
  g_assert_true (isnan (r->worst_p99));  /* no [latency] */
  g_assert_cmpfloat (r->share[1], >, r->share[0]);
  g_autoptr (GBytes) b = model_sweep_result_serialize (r);
  g_autoptr (ModelSweepResult) back = model_sweep_result_deserialize (b, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (back->digest, ==, r->digest);
  g_assert_cmpuint (back->n_days, ==, r->n_days);
  g_assert_cmpmem (back->mean, back->n_days * sizeof (double), r->mean,
                   r->n_days * sizeof (double));
  g_assert_cmpfloat (back->cities[1], ==, r->cities[1]);
  /* the verdicts travel too, and are the run's own */
  g_autoptr (ModelVerdicts) v = model_verdicts_new (sc, run);
  for (guint g = 0; g < MODEL_N_GOALS; g++)
    {
      const ModelTargetVerdict *nv = model_verdicts_nation (v, g);
      g_assert_cmpfloat (r->probability[g], ==, nv->probability);
      g_assert_cmpfloat (back->probability[g], ==, nv->probability);
      g_assert_cmpint (back->verdict[g], ==, nv->verdict);
      g_assert_cmpfloat (back->margin[g], ==, nv->margin);
      g_assert_cmpfloat (back->goal_cities[g], ==, nv->cities_meeting);
    }
  g_assert_cmpstr (back->goal_words, ==, r->goal_words);
  g_assert_nonnull (strstr (back->goal_words, "unified settlement in every city by "));
  /* Truncated bytes are refused, not read. */
  gsize len;
  const guint8 *data = g_bytes_get_data (b, &len);
  g_autoptr (GBytes) cut = g_bytes_new (data, len / 2);
  g_autoptr (ModelSweepResult) none = model_sweep_result_deserialize (cut, &error);
  g_assert_null (none);
  g_assert_error (error, MODEL_SWEEP_ERROR, MODEL_ROLLOUT_INVALID);
  tmp_clear (&t);
}

int
main (int argc, char **argv)
{
  essc_test_init (&argc, &argv);
  g_test_add_func ("/sweep/grid/points-and-texts", test_grid);
  g_test_add_func ("/sweep/errors", test_errors);
  g_test_add_func ("/sweep/result/bytes", test_result_bytes);
  return g_test_run ();
}
