/* SPDX-License-Identifier: MIT */
/*
 * The rollout model as a client of the ABC-SMC engine (sim/abc.h), and the
 * backtest of a calibrated forecast (see calibrate.h).
 *
 * Each attempt's simulation is one replication numbered by the engine's
 * key, so its milestone dates, certification draws, arrivals and binomial
 * draws are its own; it runs on the calling thread (the engine spreads
 * the attempts over threads and processes).
 */
#include "model/rollout/calibrate.h"

#include "base/error.h"
#include "model/rollout/posterior.h"
#include "sim/abc.h"
#include "sim/summary.h"

#include <math.h>
#include <string.h>

/* The series a fittable quantity is read from. */
static int
series_of (const char *quantity)
{
  if (strcmp (quantity, "ecard_holders") == 0)
    return MODEL_SERIES_HOLDERS;
  if (strcmp (quantity, "channels") == 0)
    return MODEL_SERIES_CHANNELS;
  if (strcmp (quantity, "mobile_payment_cities") == 0)
    return MODEL_SERIES_MOBILE_CITIES;
  if (strcmp (quantity, "physical_holders") == 0)
    return MODEL_SERIES_CARDHOLDERS;
  return -1;
}

static gboolean
fitted_quantity (const ModelScenario *sc, const char *quantity)
{
  for (char **q = sc->calibration.figures; q != NULL && *q != NULL; q++)
    if (strcmp (*q, quantity) == 0)
      return TRUE;
  return FALSE;
}

/* The published figures dated in [from, to] and inside the run, in file
 * order: of the fitted quantities, or (any) of every quantity the model
 * simulates. */
static GArray *
select_figures (const ModelScenario *sc, gint32 from, gint32 to, gboolean any)
{
  GArray *out = g_array_new (FALSE, TRUE, sizeof (ModelFigureFit));
  for (guint i = 0; i < sc->n_published; i++)
    {
      const ModelPublished *p = &sc->published[i];
      if (p->day < from || p->day > to || p->day < sc->start || p->day > sc->end
          || series_of (p->quantity) < 0 || (!any && !fitted_quantity (sc, p->quantity))
          || !(p->value > 0))
        continue;
      ModelFigureFit f = { .day = p->day, .quantity = p->quantity, .published = p->value };
      g_array_append_val (out, f);
    }
  return out;
}

typedef struct {
  const ModelScenario *sc;     /* the scenario with end = the last figure's day */
  const ModelFigureFit *figures;
  guint n_figures;
} Fit;

static gboolean
simulate (gpointer data, const double *theta, guint64 key, double *stats, GError **error)
{
  const Fit *fit = data;
  ModelRolloutOptions opt = { .replications = 1, .first_replication = key, .jobs = 1,
                              .no_latency = TRUE, .theta = theta, .fit_only = TRUE };
  g_autoptr (ModelRolloutResult) r = model_rollout_run (fit->sc, &opt, error);
  if (r == NULL)
    return FALSE;
  for (guint i = 0; i < fit->n_figures; i++)
    {
      const ModelFigureFit *f = &fit->figures[i];
      double v = sim_series_set_row (r->national, (guint) series_of (f->quantity), 0)
          [f->day - r->start];
      stats[i] = v > 0 ? log (v) : -INFINITY;
    }
  return TRUE;
}

static const char *
stop_name (SimAbcStop stop)
{
  switch (stop)
    {
    case SIM_ABC_STOP_GENERATIONS:
      return "generations";
    case SIM_ABC_STOP_ACCEPTANCE:
      return "acceptance";
    case SIM_ABC_STOP_BUDGET:
      return "budget";
    }
  return "unknown";
}

/* Mean and quantiles of values under weights into f (published already set). */
static void
summarise (ModelFigureFit *f, const double *values, const double *weights, gsize n)
{
  double sum = 0, wsum = 0;
  for (gsize i = 0; i < n; i++)
    {
      sum += weights[i] * values[i];
      wsum += weights[i];
    }
  f->mean = sum / wsum;
  f->q05 = sim_abc_weighted_quantile (values, weights, n, 0.05);
  f->q25 = sim_abc_weighted_quantile (values, weights, n, 0.25);
  f->q50 = sim_abc_weighted_quantile (values, weights, n, 0.50);
  f->q75 = sim_abc_weighted_quantile (values, weights, n, 0.75);
  f->q95 = sim_abc_weighted_quantile (values, weights, n, 0.95);
  f->error = (f->mean - f->published) / f->published;
}

ModelCalibrationResult *
model_calibrate (const ModelScenario *sc, const ModelCalibrateOptions *opt, GError **error)
{
  const ModelCalibration *cal = &sc->calibration;
  if (cal->n_free == 0)
    return base_fail (error, MODEL_ROLLOUT_ERROR, MODEL_ROLLOUT_INVALID,
                      "%s: no free parameters, expected [calibration] free.GROUP.KEY = LO..HI "
                      "keys", sc->path), NULL;
  g_autoptr (GArray) figs = select_figures (sc, G_MININT32, sc->data_until, FALSE);
  if (figs->len == 0)
    return base_fail (error, MODEL_ROLLOUT_ERROR, MODEL_ROLLOUT_INVALID,
                      "%s: no published figure to fit (quantities in [calibration] figures, "
                      "dated inside the run and not after data_until)", sc->path), NULL;
  ModelFigureFit *fig = (ModelFigureFit *) (void *) figs->data;

  /* Simulate only as far as the last figure. */
  ModelScenario local = *sc;
  local.end = sc->start;
  for (guint i = 0; i < figs->len; i++)
    local.end = MAX (local.end, fig[i].day);
  local.calibration.posterior = NULL;
  Fit fit = { &local, fig, figs->len };

  g_autofree SimAbcParam *params = g_new (SimAbcParam, cal->n_free);
  for (guint p = 0; p < cal->n_free; p++)
    params[p] = (SimAbcParam) { cal->free[p].name, cal->free[p].lo, cal->free[p].hi,
                                cal->free[p].log_scale };
  g_autofree double *targets = g_new (double, figs->len);
  g_autofree double *scales = g_new (double, figs->len);
  for (guint i = 0; i < figs->len; i++)
    {
      targets[i] = log (fig[i].published);
      scales[i] = cal->error;
    }
  SimAbcConfig cfg;
  sim_abc_config_init (&cfg);
  cfg.params = params;
  cfg.n_params = cal->n_free;
  cfg.targets = targets;
  cfg.scales = scales;
  cfg.n_stats = figs->len;
  cfg.simulate = simulate;
  cfg.data = &fit;
  cfg.seed = sc->seed;
  cfg.n_particles = cal->particles;
  cfg.quantile = cal->quantile;
  cfg.max_generations = cal->generations;
  cfg.max_simulations = MAX (cal->max_simulations, cal->particles);
  cfg.jobs = opt->jobs;
  cfg.comm = opt->comm;
  cfg.progress = opt->progress;
  cfg.progress_data = opt->progress_data;
  g_autoptr (SimAbcResult) abc = sim_abc_run (&cfg, error);
  if (abc == NULL)
    return NULL;

  const guint N = abc->n_particles, P = abc->n_params;
  g_autoptr (ModelCalibrationResult) res = g_new0 (ModelCalibrationResult, 1);
  res->n_params = P;
  res->n_particles = N;
  res->params = cal->free;
  res->weights = g_memdup2 (abc->weights, N * sizeof (double));
  res->theta = g_memdup2 (abc->theta, (gsize) N * P * sizeof (double));
  res->distance = g_memdup2 (abc->distance, N * sizeof (double));
  res->mean = g_new0 (double, P);
  res->q05 = g_new (double, P);
  res->q50 = g_new (double, P);
  res->q95 = g_new (double, P);
  g_autofree double *col = g_new (double, MAX (N, 1));
  for (guint p = 0; p < P; p++)
    {
      for (guint i = 0; i < N; i++)
        {
          col[i] = abc->theta[(gsize) i * P + p];
          res->mean[p] += abc->weights[i] * col[i];
        }
      res->q05[p] = sim_abc_weighted_quantile (col, abc->weights, N, 0.05);
      res->q50[p] = sim_abc_weighted_quantile (col, abc->weights, N, 0.50);
      res->q95[p] = sim_abc_weighted_quantile (col, abc->weights, N, 0.95);
    }
  res->n_generations = abc->n_generations;
  res->generations = g_new (ModelCalibrationGeneration, abc->n_generations);
  for (guint g = 0; g < abc->n_generations; g++)
    {
      const SimAbcGeneration *x = &abc->generations[g];
      res->generations[g] = (ModelCalibrationGeneration) {
        x->epsilon, (guint) x->attempts, (guint) x->simulations, (guint) x->accepted,
        x->acceptance, x->ess };
    }
  res->stop_reason = stop_name (abc->stop);
  res->simulations = (guint) abc->simulations;
  res->n_figures = figs->len;
  res->fit = g_new (ModelFigureFit, figs->len);
  for (guint i = 0; i < figs->len; i++)
    {
      res->fit[i] = fig[i];
      for (guint k = 0; k < N; k++)
        col[k] = exp (abc->stats[(gsize) k * abc->n_stats + i]);
      summarise (&res->fit[i], col, abc->weights, N);
    }
  return g_steal_pointer (&res);
}

GBytes *
model_calibration_posterior_bytes (const ModelCalibrationResult *r)
{
  return model_posterior_format (r->params, r->n_params, r->weights, r->theta, r->n_particles);
}

void
model_calibration_result_free (ModelCalibrationResult *r)
{
  if (r == NULL)
    return;
  g_free (r->weights);
  g_free (r->theta);
  g_free (r->distance);
  g_free (r->mean);
  g_free (r->q05);
  g_free (r->q50);
  g_free (r->q95);
  g_free (r->generations);
  g_free (r->fit);
  g_free (r);
}

guint
model_backtest_count (const ModelScenario *sc)
{
  if (sc->data_until == G_MAXINT32)
    return 0;
  g_autoptr (GArray) figs = select_figures (sc, sc->data_until + 1, sc->end, TRUE);
  return figs->len;
}

ModelBacktest *
model_backtest (const ModelScenario *sc, const ModelCalibrationResult *cal, guint replications,
                const ModelRolloutOptions *run_options, ModelRolloutResult **forecast,
                GError **error)
{
  g_autoptr (GArray) figs = sc->data_until == G_MAXINT32
                                ? g_array_new (FALSE, TRUE, sizeof (ModelFigureFit))
                                : select_figures (sc, sc->data_until + 1, sc->end, TRUE);
  if (figs->len == 0)
    return base_fail (error, MODEL_ROLLOUT_ERROR, MODEL_ROLLOUT_INVALID,
                      "%s: no published figure after data_until inside the run to forecast",
                      sc->path), NULL;
  ModelFigureFit *fig = (ModelFigureFit *) (void *) figs->data;

  /* The forecast: every replication draws its parameters from the posterior. */
  ModelPosterior post = { .n_draws = cal->n_particles, .n_params = cal->n_params,
                          .weights = cal->weights, .theta = cal->theta };
  ModelScenario local = *sc;
  local.calibration.posterior = &post;
  local.end = sc->start;
  for (guint i = 0; i < figs->len; i++)
    local.end = MAX (local.end, fig[i].day);
  ModelRolloutOptions opt = *run_options;
  opt.replications = replications;
  opt.theta = NULL;
  opt.no_latency = TRUE;
  g_autoptr (ModelRolloutResult) r = model_rollout_run (&local, &opt, error);
  if (r == NULL)
    return NULL;

  ModelBacktest *bt = g_new0 (ModelBacktest, 1);
  bt->fit_until = sc->data_until;
  bt->replications = replications;
  bt->n_figures = figs->len;
  bt->figures = g_new (ModelFigureFit, figs->len);
  bt->in50 = g_new (gboolean, figs->len);
  bt->in90 = g_new (gboolean, figs->len);
  g_autofree double *values = g_new (double, replications);
  g_autofree double *ones = g_new (double, replications);
  for (guint k = 0; k < replications; k++)
    ones[k] = 1;
  for (guint i = 0; i < figs->len; i++)
    {
      ModelFigureFit *f = &bt->figures[i];
      *f = fig[i];
      for (guint k = 0; k < replications; k++)
        values[k] = sim_series_set_row (r->national, (guint) series_of (f->quantity), k)
            [f->day - r->start];
      summarise (f, values, ones, replications);
      bt->in50[i] = f->published >= f->q25 && f->published <= f->q75;
      bt->in90[i] = f->published >= f->q05 && f->published <= f->q95;
    }
  if (forecast != NULL)
    *forecast = g_steal_pointer (&r);
  return bt;
}

void
model_backtest_free (ModelBacktest *bt)
{
  if (bt == NULL)
    return;
  g_free (bt->figures);
  g_free (bt->in50);
  g_free (bt->in90);
  g_free (bt);
}
