/* SPDX-License-Identifier: MIT */
/*
 * Tests of what makes the rollout model forecast: the cells' ceilings cap
 * adoption (the closed form with imitation off), births, deaths and ageing
 * balance every band every day, channels keep arriving after the catalogue
 * and level off, data after data_until is not used, a posterior's draws
 * reach the replications, and the calibration recovers parameters from
 * figures simulated with them, within its own intervals, with the same
 * posterior bytes for any number of threads.  (Processes: tests/cli/test_mpi.c.)
 *
 * The scenarios are the 5-city test data (tests/data/small), written with
 * variations into a temporary directory.
 */
#include "base/time.h"
#include "model/rollout/arrivals.h"
#include "model/rollout/calibrate.h"
#include "model/rollout/demography.h"
#include "model/rollout/posterior.h"
#include "model/rollout/rollout.h"
#include "model/rollout/scenario.h"
#include "sim/rng.h"
#include "tests/lib/run.h"
#include "tests/lib/testutil.h"

#include <math.h>
#include <string.h>

static char *tmpdir;

/* constant.ini's text with `extra` lines set (GROUP.KEY=VALUE;...), written
 * as NAME in the temporary directory with absolute data paths. */
static char *
write_variant (const char *name, const char *const *sets)
{
  g_autofree char *src = essc_test_src_path ("tests", "data", "small", "constant.ini", NULL);
  g_autofree char *small = essc_test_src_path ("tests", "data", "small", NULL);
  g_autofree char *abs_small = g_canonicalize_filename (small, NULL);
  g_autofree char *text = NULL;
  gsize len;
  g_assert_true (g_file_get_contents (src, &text, &len, NULL));
  g_autoptr (GString) t = g_string_new_len (text, (gssize) len);
  g_autofree char *cities = g_build_filename (abs_small, "cities.csv", NULL);
  g_autofree char *channels = g_build_filename (abs_small, "channels.csv", NULL);
  model_scenario_text_set (t, "population", "cities", cities);
  model_scenario_text_set (t, "channels", "catalogue", channels);
  for (guint i = 0; sets != NULL && sets[i] != NULL; i += 3)
    model_scenario_text_set (t, sets[i], sets[i + 1], sets[i + 2]);
  char *path = g_build_filename (tmpdir, name, NULL);
  g_assert_true (g_file_set_contents (path, t->str, (gssize) t->len, NULL));
  return path;
}

static char *
write_file (const char *name, const char *text)
{
  char *path = g_build_filename (tmpdir, name, NULL);
  g_assert_true (g_file_set_contents (path, text, -1, NULL));
  return path;
}

static ModelScenario *
load (const char *path)
{
  g_autoptr (GError) error = NULL;
  ModelScenario *sc = model_scenario_load (path, &error);
  g_assert_no_error (error);
  return sc;
}

static ModelRolloutResult *
run (const ModelScenario *sc, guint reps, guint jobs, const double *theta)
{
  ModelRolloutOptions o = { .replications = reps, .jobs = jobs, .theta = theta };
  g_autoptr (GError) error = NULL;
  ModelRolloutResult *r = model_rollout_run (sc, &o, &error);
  g_assert_no_error (error);
  return r;
}

/* Constant access shares (one date): a different ceiling per cell. */
#define ACCESS_CSV                                                                       \
  "date,band,area,share,note\n"                                                          \
  "2019-06-30,0-17,urban,0.50,t\n2019-06-30,18-59,urban,0.80,t\n2019-06-30,60+,urban,0.30,t\n" \
  "2019-06-30,0-17,rural,0.30,t\n2019-06-30,18-59,rural,0.60,t\n2019-06-30,60+,rural,0.10,t\n" \
  "2019-06-30,0-17,all,0.40,t\n2019-06-30,18-59,all,0.70,t\n2019-06-30,60+,all,0.20,t\n"

/* With imitation off, a constant hazard h and fixed cells, each cell's
 * holders after day d have mean M (1 - exp (-h (d + 1))), M = its potential
 * (ceiling x cardholders); adoption never passes the potential. */
static void
test_ceiling_closed_form (void)
{
  g_autofree char *access = write_file ("access-const.csv", ACCESS_CSV);
  const char *const sets[] = { "adoption", "access", access, "adoption", "proxy_0_17", "0.5",
                               "adoption", "proxy_60_plus", "0.2", "adoption", "innovation",
                               "0.01", NULL };
  g_autofree char *path = write_variant ("ceiling.ini", sets);
  g_autoptr (ModelScenario) sc = load (path);
  g_assert_false (sc->dynamics);
  const guint R = 200;
  g_autoptr (ModelRolloutResult) r = run (sc, R, 2, NULL);

  /* The ceilings: access + proxy x (1 - access). */
  const double a[6] = { 0.5, 0.8, 0.3, 0.3, 0.6, 0.1 }, proxy[3] = { 0.5, 0, 0.2 };
  double *pot = sim_series_set_row (r->national, MODEL_SERIES_POTENTIAL, 0);
  double *cards = sim_series_set_row (r->national, MODEL_SERIES_CARDHOLDERS, 0);
  double expect_pot = 0;
  for (guint k = 0; k < 6; k++)
    {
      double ceiling = a[k] + proxy[k % 3] * (1 - a[k]);
      g_assert_cmpfloat_with_epsilon (model_scenario_ceiling (sc, (ModelAgeBand) (k % 3),
                                                              k < 3 ? MODEL_AREA_URBAN
                                                                    : MODEL_AREA_RURAL,
                                                              sc->start + 400),
                                      ceiling, 1e-12);
      double people = sim_series_set_row (r->national, MODEL_SERIES_CELL_PEOPLE_0 + k, 0)[0];
      expect_pot += ceiling * people * cards[0] / sim_series_set_row (r->national,
                                                                      MODEL_SERIES_PEOPLE, 0)[0];
    }
  /* Each city's cells round down: at most 5 cities x 6 cells x 2 people off. */
  g_assert_cmpfloat (fabs (pot[0] - expect_pot), <, 60);
  g_assert_cmpfloat (pot[0], <, 0.8 * cards[0]);  /* every ceiling is below 0.8 */

  const double h = sc->innovation;
  g_autofree double *mean = g_new (double, r->n_days);
  sim_series_set_summarise (r->national, MODEL_SERIES_HOLDERS, 0, 0.05, 0.95, mean, NULL, NULL);
  const guint days[] = { 0, 10, 100, 200, 364 };
  for (gsize i = 0; i < G_N_ELEMENTS (days); i++)
    {
      guint d = days[i];
      double M = pot[d], q = 1 - exp (-h * (d + 1));
      double expect = M * q, se = sqrt (M * q * (1 - q) / R);
      if (fabs (mean[d] - expect) > 6 * se + 1)
        g_error ("day %u: mean %.1f, closed form %.1f (SE %.1f)", d, mean[d], expect, se);
    }
  for (guint rep = 0; rep < R; rep++)
    {
      double *hold = sim_series_set_row (r->national, MODEL_SERIES_HOLDERS, rep);
      for (guint d = 0; d < r->n_days; d++)
        g_assert_cmpfloat (hold[d], <=, pot[d]);
    }
  /* Without the ceiling, the same hazard goes on towards every cardholder. */
  const char *const none[] = { "adoption", "access", "none", "adoption", "innovation", "0.01",
                               NULL };
  g_autofree char *path2 = write_variant ("no-ceiling.ini", none);
  g_autoptr (ModelScenario) sc2 = load (path2);
  g_autoptr (ModelRolloutResult) r2 = run (sc2, 1, 1, NULL);
  double *h2 = sim_series_set_row (r2->national, MODEL_SERIES_HOLDERS, 0);
  g_assert_cmpfloat (h2[364], >, 0.95 * cards[364]);
  g_assert_cmpfloat (mean[364], <, 1.001 * pot[364]);
}

/* One day's flows balance each band: people' = people + births - deaths
 * - aged_out + aged_in; holders only leave by death or ageing and arrive
 * by ageing; nobody is negative. */
static void
test_population_balance (void)
{
  ModelDemographyRates rates = { 0.0085, { 0.0005, 0.0022, 0.030 }, { 0.051, 0.024, 0 } };
  ModelDemographyDaily daily;
  model_demography_daily (&rates, &daily);
  ModelCell cells[6] = {
    { 3000000, 800000, 200000, 3000, 1000 }, { 9000000, 5000000, 2000000, 20000, 9000 },
    { 2500000, 300000, 100000, 2000, 500 },  { 2000000, 100000, 50000, 500, 100 },
    { 6000000, 2000000, 500000, 4000, 2000 }, { 2200000, 80000, 20000, 100, 50 },
  };
  gint64 births_total = 0, deaths_total = 0;
  gint64 people0 = 0;
  for (guint k = 0; k < 6; k++)
    people0 += cells[k].people;
  for (guint d = 0; d < 3650; d++)
    {
      ModelCell before[6];
      memcpy (before, cells, sizeof before);
      ModelDemographyFlows fl;
      SimRng r;
      sim_rng_init (&r, 42, 1, 0, d, 69);
      model_demography_step (&daily, cells, 2, &r, &fl);
      for (guint area = 0; area < 2; area++)
        for (guint b = 0; b < 3; b++)
          {
            const ModelCell *x = &cells[area * 3 + b], *y = &before[area * 3 + b];
            gint64 expect = y->people + (b == 0 ? fl.births[area] : 0) - fl.deaths[area][b]
                            - fl.aged_out[area][b] + fl.aged_in[area][b];
            if (x->people != expect)
              g_error ("day %u area %u band %u: %" G_GINT64_FORMAT " people, balance gives %"
                       G_GINT64_FORMAT, d, area, b, x->people, expect);
            g_assert_cmpint (fl.aged_in[area][b], ==, b > 0 ? fl.aged_out[area][b - 1] : 0);
            g_assert_cmpint (x->h1, >=, 0);
            g_assert_cmpint (x->h2, >=, 0);
            g_assert_cmpint (x->l1, >=, 0);
            g_assert_cmpint (x->l2, >=, 0);
            g_assert_cmpint (x->people, >=, x->h1 + x->h2 + x->l1 + x->l2);
            deaths_total += fl.deaths[area][b];
          }
      births_total += fl.births[0] + fl.births[1];
    }
  gint64 people = 0;
  for (guint k = 0; k < 6; k++)
    people += cells[k].people;
  g_assert_cmpint (people, ==, people0 + births_total - deaths_total);
  /* Ten years: births about 0.85% a year of some 27 million. */
  g_assert_cmpfloat (fabs ((double) births_total / (10 * 0.0085 * people0) - 1), <, 0.05);
  /* Holders of 18-59 age into 60+: the 60+ holders grew though nobody adopted. */
  g_assert_cmpint (cells[2].h1 + cells[2].h2, >, 400000);

  /* In a whole run: the bands' residents sum to the residents every day. */
  g_autofree char *path = write_variant ("dynamics.ini", (const char *const[]) {
                                           "population", "dynamics", "true", NULL });
  g_autoptr (ModelScenario) sc = load (path);
  g_autoptr (ModelRolloutResult) r = run (sc, 2, 2, NULL);
  for (guint rep = 0; rep < 2; rep++)
    for (guint d = 0; d < r->n_days; d++)
      {
        double sum = 0, held = 0;
        for (guint k = 0; k < 6; k++)
          {
            sum += sim_series_set_row (r->national, MODEL_SERIES_CELL_PEOPLE_0 + k, rep)[d];
            held += sim_series_set_row (r->national, MODEL_SERIES_CELL_HOLDERS_0 + k, rep)[d];
          }
        g_assert_cmpfloat (sum, ==, sim_series_set_row (r->national, MODEL_SERIES_PEOPLE,
                                                         rep)[d]);
        g_assert_cmpfloat (held, ==, sim_series_set_row (r->national, MODEL_SERIES_HOLDERS,
                                                          rep)[d]);
      }
  double *people_row = sim_series_set_row (r->national, MODEL_SERIES_PEOPLE, 0);
  g_assert_cmpfloat (people_row[r->n_days - 1], !=, people_row[0]);
}

/* New channels after the catalogue: a process that levels off; data after
 * data_until is dropped and arrivals stand for it. */
static void
test_arrivals (void)
{
  g_autofree char *path = write_variant ("arrivals.ini", (const char *const[]) {
      "scenario", "end", "2030-12-31", "channels", "arrival_rate", "0.5", "channels",
      "arrival_halflife", "365", NULL });
  g_autoptr (ModelScenario) sc = load (path);
  g_assert_cmpint (sc->arrival_from, ==, sc->catalogue->channels[4].golive + 1);
  ModelArrival a[4000], b[4000];
  guint n = model_arrivals_draw (sc, 7, a, 4000), m = model_arrivals_draw (sc, 7, b, 4000);
  g_assert_cmpuint (n, ==, m);
  g_assert_cmpmem (a, n * sizeof *a, b, m * sizeof *b);
  /* Expected in all: rate x halflife / ln 2 = 263; levelled off by 2030. */
  g_assert_cmpuint (n, >, 200);
  g_assert_cmpuint (n, <, 330);
  for (guint i = 1; i < n; i++)
    g_assert_cmpint (a[i].live, >=, a[i - 1].live);
  guint late = 0;
  for (guint i = 0; i < n; i++)
    late += a[i].live > sc->arrival_from + 4 * 365;
  g_assert_cmpuint (late, <, 40);

  /* data_until: the catalogue's channels after it never go live. */
  g_autofree char *cut = write_variant ("cut.ini", (const char *const[]) {
      "scenario", "data_until", "2019-04-01", "channels", "arrival_rate", "0", NULL });
  g_autoptr (ModelScenario) sc2 = load (cut);
  g_autoptr (ModelRolloutResult) r = run (sc2, 1, 1, NULL);
  for (guint ch = 0; ch < r->n_channels; ch++)
    g_assert_cmpint (r->channel_live[ch] == G_MAXINT32, ==,
                     sc2->catalogue->channels[ch].golive > sc2->data_until);
  double *live = sim_series_set_row (r->national, MODEL_SERIES_CHANNELS, 0);
  g_assert_cmpfloat (live[r->n_days - 1], ==, 3);
}

/* A posterior: each replication draws its parameters from it. */
static void
test_posterior_draws (void)
{
  g_autofree char *post = write_file ("post.csv", "weight,adoption.innovation\n"
                                                  "1,0.001\n1,0.01\n");
  g_autofree char *path = write_variant ("post.ini", (const char *const[]) {
      "calibration", "free.adoption.innovation", "0.0001..0.1 log", "calibration",
      "posterior", post, NULL });
  g_autoptr (ModelScenario) sc = load (path);
  g_assert_nonnull (sc->calibration.posterior);
  g_assert_cmpfloat (sc->calibration.posterior->weights[0], ==, 0.5);
  g_autoptr (ModelRolloutResult) r = run (sc, 40, 2, NULL);
  guint seen[2] = { 0 };
  for (guint rep = 0; rep < r->n_reps; rep++)
    {
      gint32 draw = r->posterior_draw[rep];
      g_assert_cmpint (draw, >=, 0);
      g_assert_cmpint (draw, <, 2);
      seen[draw]++;
      /* The holders at the end tell which innovation the replication had. */
      double end = sim_series_set_row (r->national, MODEL_SERIES_HOLDERS, rep)[r->n_days - 1];
      double pot = sim_series_set_row (r->national, MODEL_SERIES_POTENTIAL, rep)[r->n_days - 1];
      g_assert_cmpint (end / pot > 0.9, ==, draw == 1);
    }
  g_assert_cmpuint (seen[0], >, 5);
  g_assert_cmpuint (seen[1], >, 5);

  /* A posterior whose values leave the prior is refused, naming the line. */
  g_autofree char *bad = write_file ("bad-post.csv", "weight,adoption.innovation\n1,0.5\n");
  g_autofree char *bad_path = write_variant ("bad-post.ini", (const char *const[]) {
      "calibration", "free.adoption.innovation", "0.0001..0.1 log", "calibration",
      "posterior", bad, NULL });
  g_autoptr (GError) error = NULL;
  g_autoptr (ModelScenario) none = model_scenario_load (bad_path, &error);
  g_assert_null (none);
  g_assert_nonnull (strstr (error->message, "bad-post.csv:2: column adoption.innovation"));
}

/* Figures simulated with known parameters: the calibration's 90% intervals
 * hold them, and its posterior is the same bytes on 1 or 3 threads. */
static void
test_calibration_recovers (void)
{
  /* The free parameters in the scenario's order (set_key puts each new key
   * first in its group). */
  double truth[2];
  g_autofree char *path = write_variant ("truth.ini", (const char *const[]) {
      "adoption", "imitation", "0.01", "adoption", "access", "none",
      "calibration", "free.adoption.innovation", "0.0002..0.01 log",
      "calibration", "free.adoption.imitation", "0.002..0.2 log", NULL });
  g_autoptr (ModelScenario) truth_sc = load (path);
  for (guint p = 0; p < 2; p++)
    truth[p] = strcmp (truth_sc->calibration.free[p].name, "adoption.innovation") == 0 ? 0.0015
                                                                                      : 0.03;
  ModelRolloutOptions o = { .replications = 1, .first_replication = 999, .theta = truth };
  g_autoptr (GError) error = NULL;
  g_autoptr (ModelRolloutResult) r = model_rollout_run (truth_sc, &o, &error);
  g_assert_no_error (error);
  double *h = sim_series_set_row (r->national, MODEL_SERIES_HOLDERS, 0);
  g_autoptr (GString) csv = g_string_new ("date,quantity,value,note\n");
  const guint days[] = { 30, 90, 150, 210, 270, 330 };
  for (gsize i = 0; i < G_N_ELEMENTS (days); i++)
    {
      char d[11];
      base_time_format_date (r->start + (gint32) days[i], d);
      g_string_append_printf (csv, "%s,ecard_holders,%.0f,simulated\n", d, h[days[i]]);
    }
  g_autofree char *figs = write_file ("truth.csv", csv->str);
  g_autofree char *fit_path = write_variant ("fit.ini", (const char *const[]) {
      "adoption", "imitation", "0.01", "adoption", "access", "none",
      "targets", "published", figs,
      "calibration", "free.adoption.innovation", "0.0002..0.01 log",
      "calibration", "free.adoption.imitation", "0.002..0.2 log",
      "calibration", "error", "0.02", "calibration", "particles", "60",
      "calibration", "generations", "6", NULL });
  g_autoptr (ModelScenario) sc = load (fit_path);
  for (guint p = 0; p < 2; p++)
    g_assert_cmpstr (sc->calibration.free[p].name, ==, truth_sc->calibration.free[p].name);
  ModelCalibrateOptions one = { .jobs = 1 }, three = { .jobs = 3 };
  g_autoptr (ModelCalibrationResult) a = model_calibrate (sc, &one, &error);
  g_assert_no_error (error);
  for (guint p = 0; p < 2; p++)
    {
      g_test_message ("%s: truth %g, posterior %g [%g, %g]", a->params[p].name, truth[p],
                      a->mean[p], a->q05[p], a->q95[p]);
      g_assert_cmpfloat (a->q05[p], <=, truth[p]);
      g_assert_cmpfloat (a->q95[p], >=, truth[p]);
      g_assert_cmpfloat (a->q95[p] / a->q05[p], <, 3);  /* and says something */
    }
  for (guint i = 0; i < a->n_figures; i++)
    g_assert_cmpfloat (fabs (a->fit[i].error), <, 0.05);
  g_autoptr (ModelCalibrationResult) b = model_calibrate (sc, &three, &error);
  g_assert_no_error (error);
  g_autoptr (GBytes) pa = model_calibration_posterior_bytes (a);
  g_autoptr (GBytes) pb = model_calibration_posterior_bytes (b);
  g_assert_true (g_bytes_equal (pa, pb));
  /* Written and read back: the same draws. */
  g_autofree char *post_path = g_build_filename (tmpdir, "fit-posterior.csv", NULL);
  g_assert_true (g_file_set_contents (post_path, g_bytes_get_data (pa, NULL),
                                      (gssize) g_bytes_get_size (pa), NULL));
  g_autoptr (ModelPosterior) back = model_posterior_load (post_path, sc->calibration.free, 2,
                                                          G_FILE_ERROR, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (back->theta, 2 * back->n_draws * sizeof (double), a->theta,
                   2 * a->n_particles * sizeof (double));
}

int
main (int argc, char **argv)
{
  essc_test_init (&argc, &argv);
  tmpdir = g_dir_make_tmp ("essc-forecast-XXXXXX", NULL);
  g_assert_nonnull (tmpdir);
  g_test_add_func ("/forecast/ceiling-closed-form", test_ceiling_closed_form);
  g_test_add_func ("/forecast/population-balance", test_population_balance);
  g_test_add_func ("/forecast/arrivals", test_arrivals);
  g_test_add_func ("/forecast/posterior-draws", test_posterior_draws);
  g_test_add_func ("/forecast/calibration-recovers", test_calibration_recovers);
  int status = g_test_run ();
  essc_test_remove_dir (tmpdir);
  g_free (tmpdir);
  return status;
}
