/* SPDX-License-Identifier: MIT */
/*
 * The calibration fixture (see calib_fixture.h).
 */
#include "tests/lib/calib_fixture.h"

#include "base/time.h"
#include "sim/summary.h"
#include "tests/lib/run.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The free parameters: name, prior, log scale, and where the particles
 * gather (centre and spread in the prior's own scale, log10 for a log
 * prior). */
static const struct {
  const char *name;
  double lo, hi;
  gboolean log_scale;
  double centre, spread;
} free_params[FX_CALIB_MAX_PARAMS] = {
  { "adoption.innovation", 1e-4, 1e-2, TRUE, -2.7, 0.15 },
  { "adoption.imitation", 0, 0.02, FALSE, 0.008, 0.002 },
  { "adoption.elderly_factor", 0.1, 1, FALSE, 0.45, 0.1 },
};

gint32
fx_calib_day (const char *date)
{
  gint32 day = 0;
  g_assert_cmpint (base_time_parse_date (date, &day, NULL), ==, BASE_TIME_OK);
  return day;
}

ModelScenario *
fx_calib_scenario (const char *extra_scenario_keys)
{
  g_autofree char *path = essc_test_src_path ("tests", "data", "small", "constant.ini", NULL);
  g_autofree char *text = NULL;
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  g_autoptr (GString) s = g_string_new (text);
  /* No access shares unless the file names some. */
  gboolean has_access = g_regex_match_simple ("^access\\s*=", text, G_REGEX_MULTILINE, 0);
  const char *groups[][2] = {
    { "[scenario]\n", extra_scenario_keys },
    { "[adoption]\n", has_access ? NULL : "access = none\n" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (groups); i++)
    {
      if (groups[i][1] == NULL)
        continue;
      const char *at = strstr (s->str, groups[i][0]);
      g_assert_nonnull (at);
      g_string_insert (s, (at - s->str) + (gssize) strlen (groups[i][0]), groups[i][1]);
    }
  g_autoptr (GError) error = NULL;
  ModelScenario *sc = model_scenario_load_text (s->str, s->len, path, &error);
  g_assert_no_error (error);
  return sc;
}

ModelRolloutResult *
fx_calib_forecast (const ModelScenario *sc, guint replications)
{
  ModelRolloutOptions o = { .replications = replications, .jobs = 2, .no_latency = TRUE };
  g_autoptr (GError) error = NULL;
  ModelRolloutResult *r = model_rollout_run (sc, &o, &error);
  g_assert_no_error (error);
  return r;
}

/* The i-th (from 1) element of the van der Corput sequence in base b. */
static double
halton (guint i, guint b)
{
  double f = 1, r = 0;
  for (; i > 0; i /= b)
    {
      f /= b;
      r += f * (i % b);
    }
  return r;
}

static int
cmp_double (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return x < y ? -1 : x > y;
}

/* Pairs (value, weight) by value. */
static int
cmp_pair (const void *a, const void *b)
{
  const double *x = a, *y = b;
  return x[0] < y[0] ? -1 : x[0] > y[0];
}

/* The weighted quantile q of n values: the smallest value whose cumulative
 * weight reaches q of the total. */
static double
weighted_quantile (const double *values, const double *weights, guint n, guint stride,
                   double q)
{
  g_autofree double *pairs = g_new (double, 2 * (gsize) n);
  double total = 0;
  for (guint i = 0; i < n; i++)
    {
      pairs[2 * i] = values[(gsize) i * stride];
      pairs[2 * i + 1] = weights[i];
      total += weights[i];
    }
  qsort (pairs, n, 2 * sizeof (double), cmp_pair);
  double sum = 0;
  for (guint i = 0; i < n; i++)
    if ((sum += pairs[2 * i + 1]) >= q * total)
      return pairs[2 * i];
  return pairs[2 * ((gsize) n - 1)];
}

/* The forecast's distribution of quantity on date into f, and published
 * as factor x its mean plus offset. */
static ModelFigureFit
figure (const ModelRolloutResult *r, const char *date, const char *quantity, double factor,
        double offset)
{
  ModelSeries s = strcmp (quantity, "channels") == 0 ? MODEL_SERIES_CHANNELS
                                                     : MODEL_SERIES_HOLDERS;
  gint32 day = fx_calib_day (date);
  g_assert_cmpint (day - r->start, >=, 0);
  g_assert_cmpint (day - r->start, <, (gint32) r->n_days);
  g_autofree double *v = g_new (double, r->n_reps);
  double sum = 0;
  for (guint k = 0; k < r->n_reps; k++)
    sum += v[k] = sim_series_set_row (r->national, s, k)[day - r->start];
  qsort (v, r->n_reps, sizeof (double), cmp_double);
  ModelFigureFit f = { .day = day, .quantity = quantity, .mean = sum / r->n_reps };
  f.q05 = sim_quantile_sorted (v, r->n_reps, 0.05);
  f.q25 = sim_quantile_sorted (v, r->n_reps, 0.25);
  f.q50 = sim_quantile_sorted (v, r->n_reps, 0.50);
  f.q75 = sim_quantile_sorted (v, r->n_reps, 0.75);
  f.q95 = sim_quantile_sorted (v, r->n_reps, 0.95);
  f.published = round (factor * f.mean + offset);
  f.error = (f.mean - f.published) / f.published;
  return f;
}

void
fx_calib_init (FxCalib *c, guint P, guint N, guint G, const ModelRolloutResult *forecast)
{
  g_assert_true (P >= 1 && P <= FX_CALIB_MAX_PARAMS && N >= 1 && G >= 1);
  memset (c, 0, sizeof *c);
  for (guint p = 0; p < P; p++)
    c->params[p] = (ModelFreeParam) { .name = (char *) free_params[p].name,
                                      .lo = free_params[p].lo, .hi = free_params[p].hi,
                                      .log_scale = free_params[p].log_scale };
  c->weights = g_new (double, N);
  c->theta = g_new (double, (gsize) N * P);
  c->distance = g_new (double, N);
  static const guint bases[] = { 2, 3, 5, 7 };
  double total = 0;
  for (guint i = 0; i < N; i++)
    {
      /* Two normal deviates (Box-Muller on two Halton sequences), the
       * second parameter leaning on the first. */
      double u1 = halton (i + 1, bases[0]), u2 = halton (i + 1, bases[1]);
      double u3 = halton (i + 1, bases[2]), u4 = halton (i + 1, bases[3]);
      double z[3] = { sqrt (-2 * log (u1)) * cos (2 * G_PI * u2),
                      sqrt (-2 * log (u1)) * sin (2 * G_PI * u2),
                      sqrt (-2 * log (u3)) * cos (2 * G_PI * u4) };
      z[1] = -0.8 * z[0] + 0.6 * z[1];
      double d2 = 0;
      for (guint p = 0; p < P; p++)
        {
          double t = free_params[p].centre + free_params[p].spread * z[p];
          double v = free_params[p].log_scale ? pow (10, t) : t;
          c->theta[(gsize) i * P + p] = CLAMP (v, free_params[p].lo, free_params[p].hi);
          d2 += z[p] * z[p];
        }
      c->distance[i] = 0.3 + 0.2 * sqrt (d2);
      total += c->weights[i] = exp (-c->distance[i] * c->distance[i]);
    }
  for (guint i = 0; i < N; i++)
    c->weights[i] /= total;
  for (guint p = 0; p < P; p++)
    {
      for (guint i = 0; i < N; i++)
        c->mean[p] += c->weights[i] * c->theta[(gsize) i * P + p];
      c->q05[p] = weighted_quantile (c->theta + p, c->weights, N, P, 0.05);
      c->q50[p] = weighted_quantile (c->theta + p, c->weights, N, P, 0.50);
      c->q95[p] = weighted_quantile (c->theta + p, c->weights, N, P, 0.95);
    }
  c->generations = g_new (ModelCalibrationGeneration, G);
  guint simulations = 0;
  for (guint g = 0; g < G; g++)
    {
      guint sims = g == 0 ? N : N * (2 + g);
      ModelCalibrationGeneration *x = &c->generations[g];
      *x = (ModelCalibrationGeneration) {
        .epsilon = g == 0 ? INFINITY : 4.0 / (1 << g), .attempts = sims + g,
        .simulations = sims, .accepted = N, .acceptance = (double) N / sims,
        .ess = N * (0.9 - 0.1 * g),
      };
      simulations += sims;
    }
  c->fit[0] = figure (forecast, "2019-03-01", "ecard_holders", 1.03, 0);
  c->fit[1] = figure (forecast, "2019-04-01", "channels", 1, 0);
  c->fit[2] = figure (forecast, "2019-06-01", "ecard_holders", 0.97, 0);
  c->bt_figures[0] = figure (forecast, "2019-08-01", "ecard_holders", 1, 0);
  c->bt_figures[0].published = c->bt_figures[0].q50;
  c->bt_figures[0].error = (c->bt_figures[0].mean - c->bt_figures[0].published)
                           / c->bt_figures[0].published;
  c->bt_figures[1] = figure (forecast, "2019-11-01", "ecard_holders", 1.25, 0);
  c->bt_figures[2] = figure (forecast, "2019-10-01", "channels", 1, 2);
  for (guint i = 0; i < FX_CALIB_N_BACKTEST; i++)
    {
      const ModelFigureFit *f = &c->bt_figures[i];
      c->in50[i] = f->published >= f->q25 && f->published <= f->q75;
      c->in90[i] = f->published >= f->q05 && f->published <= f->q95;
    }
  c->result = (ModelCalibrationResult) {
    .n_params = P, .n_particles = N, .params = c->params, .weights = c->weights,
    .theta = c->theta, .distance = c->distance, .mean = c->mean, .q05 = c->q05,
    .q50 = c->q50, .q95 = c->q95, .n_generations = G, .generations = c->generations,
    .stop_reason = "generations", .simulations = simulations, .n_figures = FX_CALIB_N_FIT,
    .fit = c->fit,
  };
  c->backtest = (ModelBacktest) {
    .fit_until = fx_calib_day (FX_CALIB_FIT_UNTIL), .replications = forecast->n_reps,
    .n_figures = FX_CALIB_N_BACKTEST, .figures = c->bt_figures, .in50 = c->in50,
    .in90 = c->in90,
  };
}

void
fx_calib_clear (FxCalib *c)
{
  g_free (c->weights);
  g_free (c->theta);
  g_free (c->distance);
  g_free (c->generations);
  memset (c, 0, sizeof *c);
}
