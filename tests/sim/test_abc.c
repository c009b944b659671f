/* SPDX-License-Identifier: MIT */
/*
 * Tests of the ABC-SMC engine (sim/abc.h) on toy models that know nothing
 * of e-cards: the mean of normal draws (one parameter), and the mean and
 * standard deviation of normal data (two, one on a log scale).  The engine
 * recovers the true values; a run is the same bytes for any batch size and
 * number of threads; the population stays in the prior box with weights
 * summing to 1 and tolerances that never grow; a budget drops the partial
 * generation and returns what a shorter run returns; a failing simulation
 * fails the run with its error; bad configurations are refused.  The
 * helpers for posterior intervals and draws are checked on small cases.
 * Every run has a fixed seed (printed), so the statistical checks are
 * reproducible.  (Runs over several processes need MPI and are not here.)
 */
#include "sim/abc.h"
#include "sim/rng.h"
#include "tests/lib/testutil.h"

#include <math.h>
#include <string.h>

#define TOY_ERROR (toy_error_quark ())
enum { TOY_FAILED = 1 };
static GQuark toy_error_quark (void);
G_DEFINE_QUARK (toy-error-quark, toy_error)

/* The observed data's key: not one the engine hands out (those are >= 2^32). */
#define OBSERVED_KEY 1

typedef struct {
  guint64 seed;
  guint draws;          /* data points per simulation */
  guint64 fail_key;     /* simulate fails for this key (0: never) */
  gint calls;           /* atomic */
} Toy;

/* n normal draws of mean mu and sd sigma from the client's stream of key. */
static void
toy_data (const Toy *toy, double mu, double sigma, guint64 key, double *x)
{
  SimRng r;
  SimRngNormal z = SIM_RNG_NORMAL_INIT;
  sim_rng_init (&r, toy->seed, key, 0, 0, 0);
  for (guint i = 0; i < toy->draws; i++)
    x[i] = mu + sigma * sim_rng_normal (&z, &r);
}

static gboolean
toy_fail (Toy *toy, guint64 key, GError **error)
{
  g_atomic_int_inc (&toy->calls);
  if (toy->fail_key != 0 && key == toy->fail_key)
    {
      g_set_error (error, TOY_ERROR, TOY_FAILED, "toy failed at key %" G_GUINT64_FORMAT, key);
      return TRUE;
    }
  return FALSE;
}

/* One parameter: the mean of draws of normal (theta, 1). */
static gboolean
mean_simulate (gpointer data, const double *theta, guint64 key, double *stats, GError **error)
{
  Toy *toy = data;
  if (toy_fail (toy, key, error))
    return FALSE;
  g_assert_true (key == OBSERVED_KEY || key >> 32 >= 1);
  double x[64], sum = 0;
  g_assert_cmpuint (toy->draws, <=, G_N_ELEMENTS (x));
  toy_data (toy, theta[0], 1.0, key, x);
  for (guint i = 0; i < toy->draws; i++)
    sum += x[i];
  stats[0] = sum / toy->draws;
  return TRUE;
}

/* Two parameters (mu, sigma): the sample mean and the log of the sample sd. */
static gboolean
normal_simulate (gpointer data, const double *theta, guint64 key, double *stats, GError **error)
{
  Toy *toy = data;
  if (toy_fail (toy, key, error))
    return FALSE;
  double x[128], sum = 0, ss = 0;
  g_assert_cmpuint (toy->draws, <=, G_N_ELEMENTS (x));
  toy_data (toy, theta[0], theta[1], key, x);
  for (guint i = 0; i < toy->draws; i++)
    sum += x[i];
  double mean = sum / toy->draws;
  for (guint i = 0; i < toy->draws; i++)
    ss += (x[i] - mean) * (x[i] - mean);
  stats[0] = mean;
  stats[1] = 0.5 * log (ss / (toy->draws - 1));
  return TRUE;
}

/* ---- the two toy calibrations ------------------------------------------------ */

#define MEAN_TRUE 2.5
static const SimAbcParam mean_params[] = { { "theta", -10, 10, FALSE } };
static double mean_target[1], mean_scale[1] = { 0.141 };   /* 1 / sqrt (50) */

static void
mean_config (SimAbcConfig *c, Toy *toy)
{
  *toy = (Toy) { .seed = 1, .draws = 50 };
  double y[1];
  mean_simulate (toy, (const double[]) { MEAN_TRUE }, OBSERVED_KEY, y, NULL);
  g_atomic_int_set (&toy->calls, 0);
  mean_target[0] = y[0];
  /* typical data (within one standard error of the truth's expectation):
   * the interval checks then test the engine, not the luck of the draw */
  g_assert_cmpfloat (fabs (y[0] - MEAN_TRUE), <, mean_scale[0]);
  sim_abc_config_init (c);
  c->params = mean_params;
  c->n_params = 1;
  c->targets = mean_target;
  c->scales = mean_scale;
  c->n_stats = 1;
  c->simulate = mean_simulate;
  c->data = toy;
  c->seed = toy->seed;
  c->n_particles = 200;
  c->max_generations = 8;
  g_test_message ("seed %" G_GUINT64_FORMAT ", target mean %.6f", c->seed, y[0]);
}

#define MU_TRUE 1.0
#define SIGMA_TRUE 2.0
static const SimAbcParam normal_params[] = {
  { "mu", -5, 5, FALSE },
  { "sigma", 0.1, 10, TRUE },
};
static double normal_target[2], normal_scale[2] = { 0.2, 0.071 };

static void
normal_config (SimAbcConfig *c, Toy *toy, guint n_particles, guint generations)
{
  *toy = (Toy) { .seed = 1, .draws = 100 };
  normal_simulate (toy, (const double[]) { MU_TRUE, SIGMA_TRUE }, OBSERVED_KEY, normal_target,
                   NULL);
  g_atomic_int_set (&toy->calls, 0);
  g_assert_cmpfloat (fabs (normal_target[0] - MU_TRUE), <, normal_scale[0]);          /* typical */
  g_assert_cmpfloat (fabs (normal_target[1] - log (SIGMA_TRUE)), <, normal_scale[1]);
  sim_abc_config_init (c);
  c->params = normal_params;
  c->n_params = 2;
  c->targets = normal_target;
  c->scales = normal_scale;
  c->n_stats = 2;
  c->simulate = normal_simulate;
  c->data = toy;
  c->seed = toy->seed;
  c->n_particles = n_particles;
  c->max_generations = generations;
  g_test_message ("seed %" G_GUINT64_FORMAT ", targets %.6f %.6f", c->seed, normal_target[0],
                  normal_target[1]);
}

/* Parameter k of every particle. */
static double *
column (const SimAbcResult *r, guint k)
{
  double *v = g_new (double, r->n_particles);
  for (guint i = 0; i < r->n_particles; i++)
    v[i] = r->theta[i * r->n_params + k];
  return v;
}

static void
interval (const SimAbcResult *r, guint k, double *mean, double *lo, double *hi)
{
  g_autofree double *v = column (r, k);
  *mean = 0;
  for (guint i = 0; i < r->n_particles; i++)
    *mean += r->weights[i] * v[i];
  *lo = sim_abc_weighted_quantile (v, r->weights, r->n_particles, 0.05);
  *hi = sim_abc_weighted_quantile (v, r->weights, r->n_particles, 0.95);
  for (guint t = 0; t < r->n_generations; t++)
    g_test_message ("generation %u: eps %.4g, attempts %" G_GUINT64_FORMAT ", simulations %"
                    G_GUINT64_FORMAT ", acceptance %.3f, ESS %.1f", t, r->generations[t].epsilon,
                    r->generations[t].attempts, r->generations[t].simulations,
                    r->generations[t].acceptance, r->generations[t].ess);
  g_test_message ("param %u: mean %.4f, 90%% [%.4f, %.4f], %u generations, eps %.4g", k, *mean,
                  *lo, *hi, r->n_generations, r->generations[r->n_generations - 1].epsilon);
}

/* ---- recovery ------------------------------------------------------------------ */

static void
test_recover_mean (void)
{
  Toy toy;
  SimAbcConfig c;
  mean_config (&c, &toy);
  g_autoptr (GError) error = NULL;
  g_autoptr (SimAbcResult) r = sim_abc_run (&c, &error);
  g_assert_no_error (error);
  double mean, lo, hi;
  interval (r, 0, &mean, &lo, &hi);
  g_assert_cmpfloat (fabs (mean - MEAN_TRUE), <, 0.3);
  g_assert_cmpfloat (lo, <=, MEAN_TRUE);
  g_assert_cmpfloat (hi, >=, MEAN_TRUE);
  g_assert_cmpfloat (hi - lo, <, 2);
  g_assert_cmpuint ((guint64) g_atomic_int_get (&toy.calls), >=, r->simulations);
}

static void
test_recover_normal (void)
{
  Toy toy;
  SimAbcConfig c;
  normal_config (&c, &toy, 300, 12);
  g_autoptr (GError) error = NULL;
  g_autoptr (SimAbcResult) r = sim_abc_run (&c, &error);
  g_assert_no_error (error);
  const double truth[2] = { MU_TRUE, SIGMA_TRUE };
  for (guint k = 0; k < 2; k++)
    {
      double mean, lo, hi;
      interval (r, k, &mean, &lo, &hi);
      g_assert_cmpfloat (lo, <=, truth[k]);
      g_assert_cmpfloat (hi, >=, truth[k]);
      g_assert_cmpfloat (hi - lo, <, k == 0 ? 2.0 : 1.5);
    }
}

/* ---- determinism ----------------------------------------------------------------- */

static void
assert_same (const SimAbcResult *a, const SimAbcResult *b)
{
  const guint N = a->n_particles, P = a->n_params, S = a->n_stats;
  g_assert_cmpuint (b->n_particles, ==, N);
  g_assert_cmpuint (b->n_params, ==, P);
  g_assert_cmpuint (b->n_stats, ==, S);
  g_assert_cmpmem (a->theta, N * P * sizeof (double), b->theta, N * P * sizeof (double));
  g_assert_cmpmem (a->weights, N * sizeof (double), b->weights, N * sizeof (double));
  g_assert_cmpmem (a->distance, N * sizeof (double), b->distance, N * sizeof (double));
  g_assert_cmpmem (a->stats, N * S * sizeof (double), b->stats, N * S * sizeof (double));
  g_assert_cmpuint (a->n_generations, ==, b->n_generations);
  g_assert_cmpmem (a->generations, a->n_generations * sizeof (SimAbcGeneration),
                   b->generations, b->n_generations * sizeof (SimAbcGeneration));
}

static void
test_same_bytes (void)
{
  static const struct { guint jobs, batch; } ways[] = {
    { 1, 0 }, { 3, 0 }, { 1, 5 }, { 3, 5 }, { 1, 64 }, { 3, 64 },
  };
  g_autoptr (SimAbcResult) first = NULL;
  for (guint w = 0; w < G_N_ELEMENTS (ways); w++)
    {
      Toy toy;
      SimAbcConfig c;
      normal_config (&c, &toy, 60, 5);
      c.jobs = ways[w].jobs;
      c.batch = ways[w].batch;
      g_autoptr (GError) error = NULL;
      g_autoptr (SimAbcResult) r = sim_abc_run (&c, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (r->n_generations, ==, 5);
      g_assert_cmpuint (r->simulations, ==, first != NULL ? first->simulations : r->simulations);
      if (first == NULL)
        first = g_steal_pointer (&r);
      else
        {
          assert_same (first, r);
          g_assert_cmpint (r->stop, ==, first->stop);
        }
    }
}

/* ---- invariants ------------------------------------------------------------------ */

typedef struct {
  guint calls, last_generation, accepted[16];
  guint64 attempts[16];
} Progress;

static void
on_progress (guint generation, guint accepted, guint64 attempts, double epsilon, gpointer data)
{
  Progress *p = data;
  g_assert_cmpuint (generation, <, 16);
  g_assert_cmpuint (generation, >=, p->last_generation);
  p->calls++;
  p->last_generation = generation;
  p->accepted[generation] = accepted;
  p->attempts[generation] = attempts;
}

static void
check_invariants (const SimAbcConfig *c, const SimAbcResult *r)
{
  const guint N = r->n_particles;
  double sum = 0;
  for (guint i = 0; i < N; i++)
    {
      for (guint k = 0; k < r->n_params; k++)
        {
          double v = r->theta[i * r->n_params + k];
          g_assert_cmpfloat (v, >=, c->params[k].lo);
          g_assert_cmpfloat (v, <=, c->params[k].hi);
        }
      g_assert_cmpfloat (r->weights[i], >=, 0);
      g_assert_cmpfloat (r->distance[i], <=, r->generations[r->n_generations - 1].epsilon);
      sum += r->weights[i];
    }
  g_assert_cmpfloat_with_epsilon (sum, 1.0, 1e-12);
  for (guint t = 0; t < r->n_generations; t++)
    {
      const SimAbcGeneration *g = &r->generations[t];
      g_assert_cmpfloat (g->ess, >=, 1);
      g_assert_cmpfloat (g->ess, <=, N * (1 + 1e-12));
      g_assert_cmpuint (g->accepted, ==, N);
      g_assert_cmpuint (g->simulations, >=, N);
      g_assert_cmpuint (g->attempts, >=, g->simulations);
      g_assert_cmpfloat (g->acceptance, ==, (double) N / g->simulations);
      if (t == 0)
        {
          g_assert_true (isinf (g->epsilon));
          g_assert_cmpuint (g->attempts, ==, N);
          g_assert_cmpfloat (g->ess, ==, N);
        }
      else
        g_assert_cmpfloat (g->epsilon, <=, r->generations[t - 1].epsilon);
    }
}

/* A prior whose edge is near the truth: proposals leave the box and are
 * counted as attempts, not simulations; the population stays inside. */
static void
test_invariants (void)
{
  static const SimAbcParam edge[] = { { "theta", 2.45, 4, TRUE } };
  Toy toy;
  SimAbcConfig c;
  mean_config (&c, &toy);
  c.params = edge;
  c.n_particles = 100;
  c.batch = 7;
  Progress p = { 0 };
  c.progress = on_progress;
  c.progress_data = &p;
  g_autoptr (GError) error = NULL;
  g_autoptr (SimAbcResult) r = sim_abc_run (&c, &error);
  g_assert_no_error (error);
  check_invariants (&c, r);
  guint64 outside = 0;
  for (guint t = 0; t < r->n_generations; t++)
    {
      outside += r->generations[t].attempts - r->generations[t].simulations;
      g_assert_cmpuint (p.accepted[t], ==, c.n_particles);
      g_assert_cmpuint (p.attempts[t], ==, r->generations[t].attempts);
    }
  g_assert_cmpuint (outside, >, 0);
  g_assert_cmpuint (p.calls, >=, r->n_generations);
  g_assert_cmpuint ((guint64) g_atomic_int_get (&toy.calls), >=, r->simulations);

  Toy toy2;
  SimAbcConfig c2;
  normal_config (&c2, &toy2, 80, 6);
  g_autoptr (SimAbcResult) r2 = sim_abc_run (&c2, &error);
  g_assert_no_error (error);
  check_invariants (&c2, r2);
  g_assert_cmpint (r2->stop, ==, SIM_ABC_STOP_GENERATIONS);
}

/* A generation whose acceptance falls below min_acceptance is the last. */
static void
test_min_acceptance (void)
{
  Toy toy;
  SimAbcConfig c;
  mean_config (&c, &toy);
  c.n_particles = 50;
  c.max_generations = 30;
  c.min_acceptance = 0.3;
  g_autoptr (GError) error = NULL;
  g_autoptr (SimAbcResult) r = sim_abc_run (&c, &error);
  g_assert_no_error (error);
  g_assert_cmpint (r->stop, ==, SIM_ABC_STOP_ACCEPTANCE);
  g_assert_cmpuint (r->n_generations, <, 30);
  for (guint t = 0; t + 1 < r->n_generations; t++)
    g_assert_cmpfloat (r->generations[t].acceptance, >=, 0.3);
  g_assert_cmpfloat (r->generations[r->n_generations - 1].acceptance, <, 0.3);
}

/* ---- the budget ------------------------------------------------------------------- */

static void
test_budget (void)
{
  Toy toy;
  SimAbcConfig c;
  normal_config (&c, &toy, 50, 6);
  g_autoptr (GError) error = NULL;
  g_autoptr (SimAbcResult) full = sim_abc_run (&c, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (full->n_generations, ==, 6);
  /* enough for generations 0 .. 2 and half of 3 */
  guint64 budget = full->generations[3].simulations / 2;
  for (guint t = 0; t < 3; t++)
    budget += full->generations[t].simulations;
  for (guint batch = 0; batch <= 16; batch += 16)
    {
      normal_config (&c, &toy, 50, 6);
      c.max_simulations = budget;
      c.batch = batch;
      g_autoptr (SimAbcResult) cut = sim_abc_run (&c, &error);
      g_assert_no_error (error);
      g_assert_cmpint (cut->stop, ==, SIM_ABC_STOP_BUDGET);
      g_assert_cmpuint (cut->n_generations, ==, 3);
      g_assert_cmpuint (cut->simulations, ==, budget);
      /* simulate calls past the budget: at most the wasted tail of each
       * complete generation's last batch (batch - 1 each) */
      g_assert_cmpuint ((guint64) g_atomic_int_get (&toy.calls), <=,
                        budget + 3 * ((batch != 0 ? batch : 50) - 1));

      normal_config (&c, &toy, 50, 3);
      g_autoptr (SimAbcResult) three = sim_abc_run (&c, &error);
      g_assert_no_error (error);
      g_assert_cmpint (three->stop, ==, SIM_ABC_STOP_GENERATIONS);
      assert_same (three, cut);
      g_assert_cmpmem (three->generations, 3 * sizeof (SimAbcGeneration), full->generations,
                       3 * sizeof (SimAbcGeneration));
    }
  /* a budget that ends exactly at generation 2's last simulation: the
   * next generation is dropped at once */
  normal_config (&c, &toy, 50, 6);
  c.max_simulations = budget - full->generations[3].simulations / 2;
  g_autoptr (SimAbcResult) exact = sim_abc_run (&c, &error);
  g_assert_no_error (error);
  g_assert_cmpint (exact->stop, ==, SIM_ABC_STOP_BUDGET);
  g_assert_cmpuint (exact->n_generations, ==, 3);
  g_assert_cmpuint (exact->simulations, ==, c.max_simulations);
}

/* ---- failures ---------------------------------------------------------------------- */

static void
test_simulate_fails (void)
{
  static const struct { guint jobs, batch; } ways[] = { { 1, 0 }, { 3, 4 }, { 2, 1000 } };
  Toy toy;
  SimAbcConfig c;
  for (guint w = 0; w < G_N_ELEMENTS (ways); w++)
    {
      normal_config (&c, &toy, 40, 4);
      toy.fail_key = SIM_ABC_KEY (1, 3);
      c.jobs = ways[w].jobs;
      c.batch = ways[w].batch;
      g_autoptr (GError) error = NULL;
      g_autoptr (SimAbcResult) r = sim_abc_run (&c, &error);
      g_assert_null (r);
      g_assert_error (error, TOY_ERROR, TOY_FAILED);
      g_autofree char *key = g_strdup_printf ("%" G_GUINT64_FORMAT, SIM_ABC_KEY (1, 3));
      g_assert_nonnull (strstr (error->message, "generation 1, attempt 3: toy failed at key"));
      g_assert_nonnull (strstr (error->message, key));
    }

  /* an attempt after the generation is full is not part of the run: its
   * failure, simulated in a large batch, does not count */
  normal_config (&c, &toy, 40, 4);
  g_autoptr (GError) error = NULL;
  g_autoptr (SimAbcResult) clean = sim_abc_run (&c, &error);
  g_assert_no_error (error);
  normal_config (&c, &toy, 40, 4);
  c.batch = 1000;
  for (guint64 a = clean->generations[1].attempts; a < clean->generations[1].attempts + 50; a++)
    {
      toy.fail_key = SIM_ABC_KEY (1, a);
      g_autoptr (SimAbcResult) r = sim_abc_run (&c, &error);
      g_assert_no_error (error);
      assert_same (clean, r);
    }
}

/* ---- configuration ------------------------------------------------------------------ */

typedef void (*Spoil) (SimAbcConfig *c);
static const SimAbcParam bad_range[] = { { "theta", 1, 1, FALSE } };
static const SimAbcParam bad_log[] = { { "theta", 0, 1, TRUE } };
static const SimAbcParam bad_nan[] = { { "theta", NAN, 1, FALSE } };
static const double zero_scale[1] = { 0 }, nan_target[1] = { NAN };

static void no_params (SimAbcConfig *c) { c->n_params = 0; }
static void many_params (SimAbcConfig *c) { c->n_params = SIM_ABC_MAX_PARAMS + 1; }
static void lo_hi (SimAbcConfig *c) { c->params = bad_range; }
static void log_lo (SimAbcConfig *c) { c->params = bad_log; }
static void nan_lo (SimAbcConfig *c) { c->params = bad_nan; }
static void scale0 (SimAbcConfig *c) { c->scales = zero_scale; }
static void target_nan (SimAbcConfig *c) { c->targets = nan_target; }
static void no_stats (SimAbcConfig *c) { c->n_stats = 0; }
static void no_simulate (SimAbcConfig *c) { c->simulate = NULL; }
static void one_particle (SimAbcConfig *c) { c->n_particles = 1; }
static void quantile0 (SimAbcConfig *c) { c->quantile = 0; }
static void quantile1 (SimAbcConfig *c) { c->quantile = 1; }
static void no_generations (SimAbcConfig *c) { c->max_generations = 0; }
static void acceptance2 (SimAbcConfig *c) { c->min_acceptance = 2; }
static void small_budget (SimAbcConfig *c) { c->max_simulations = c->n_particles - 1; }

static void
test_config_errors (void)
{
  static const struct { Spoil spoil; const char *says; } cases[] = {
    { no_params, "n_params: 0" },
    { many_params, "n_params: 33" },
    { lo_hi, "parameter 0 (theta): prior [1, 1]" },
    { log_lo, "lo 0, expected lo > 0" },
    { nan_lo, "expected finite lo < hi" },
    { scale0, "scales[0]: 0" },
    { target_nan, "targets[0]: nan" },
    { no_stats, "n_stats: 0" },
    { no_simulate, "simulate: NULL" },
    { one_particle, "n_particles: 1" },
    { quantile0, "quantile: 0" },
    { quantile1, "quantile: 1" },
    { no_generations, "max_generations: 0" },
    { acceptance2, "min_acceptance: 2" },
    { small_budget, "max_simulations: 199" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      Toy toy;
      SimAbcConfig c;
      mean_config (&c, &toy);
      g_assert_true (sim_abc_config_check (&c, NULL));
      cases[i].spoil (&c);
      g_autoptr (GError) error = NULL;
      g_assert_false (sim_abc_config_check (&c, &error));
      g_assert_error (error, SIM_ABC_ERROR, SIM_ABC_ERROR_INVALID);
      g_test_message ("%s", error->message);
      g_assert_nonnull (strstr (error->message, cases[i].says));
      g_clear_error (&error);
      g_assert_null (sim_abc_run (&c, &error));
      g_assert_error (error, SIM_ABC_ERROR, SIM_ABC_ERROR_INVALID);
      g_assert_cmpint (g_atomic_int_get (&toy.calls), ==, 0);
    }
}

/* ---- helpers ------------------------------------------------------------------------- */

static void
test_quantile (void)
{
  const double v[] = { 4, 1, 3, 2 }, eq[] = { 1, 1, 1, 1 };
  /* equal weights: p = 1/8, 3/8, 5/8, 7/8 (Hazen) */
  g_assert_cmpfloat (sim_abc_weighted_quantile (v, eq, 4, 0.5), ==, 2.5);
  g_assert_cmpfloat (sim_abc_weighted_quantile (v, eq, 4, 0.125), ==, 1);
  g_assert_cmpfloat (sim_abc_weighted_quantile (v, eq, 4, 0.05), ==, 1);
  g_assert_cmpfloat (sim_abc_weighted_quantile (v, eq, 4, 0.0), ==, 1);
  g_assert_cmpfloat (sim_abc_weighted_quantile (v, eq, 4, 0.95), ==, 4);
  g_assert_cmpfloat (sim_abc_weighted_quantile (v, eq, 4, 1.0), ==, 4);
  g_assert_cmpfloat_with_epsilon (sim_abc_weighted_quantile (v, eq, 4, 0.25), 1.5, 1e-15);
  /* weights 3 and 1 (and a 0, skipped): p = 3/8, 7/8 */
  const double v2[] = { 1, 2, 100 }, w2[] = { 3, 1, 0 };
  g_assert_cmpfloat (sim_abc_weighted_quantile (v2, w2, 3, 0.5), ==, 1.25);
  g_assert_cmpfloat (sim_abc_weighted_quantile (v2, w2, 3, 0.375), ==, 1);
  g_assert_cmpfloat (sim_abc_weighted_quantile (v2, w2, 3, 0.99), ==, 2);
  /* ties */
  const double v3[] = { 5, 5, 5 };
  g_assert_cmpfloat (sim_abc_weighted_quantile (v3, eq, 3, 0.3), ==, 5);
}

static void
test_pick (void)
{
  const double w[] = { 0, 1, 0, 3, 0 };
  g_assert_cmpuint (sim_abc_pick (w, 5, 0.0), ==, 1);
  g_assert_cmpuint (sim_abc_pick (w, 5, 0.2499), ==, 1);
  g_assert_cmpuint (sim_abc_pick (w, 5, 0.25), ==, 3);
  g_assert_cmpuint (sim_abc_pick (w, 5, 1.0 - 1.0 / 9007199254740992.0), ==, 3);
  const double one[] = { 2 };
  g_assert_cmpuint (sim_abc_pick (one, 1, 0.7), ==, 0);
}

int
main (int argc, char **argv)
{
  essc_test_init (&argc, &argv);
  g_test_add_func ("/sim/abc/recover/one-mean", test_recover_mean);
  g_test_add_func ("/sim/abc/recover/normal-mean-and-log-sd", test_recover_normal);
  g_test_add_func ("/sim/abc/same-bytes-any-batch-any-threads", test_same_bytes);
  g_test_add_func ("/sim/abc/invariants/box-weights-ess-epsilon", test_invariants);
  g_test_add_func ("/sim/abc/stop/min-acceptance", test_min_acceptance);
  g_test_add_func ("/sim/abc/stop/budget-drops-partial-generation", test_budget);
  g_test_add_func ("/sim/abc/simulate-fails", test_simulate_fails);
  g_test_add_func ("/sim/abc/config-errors", test_config_errors);
  g_test_add_func ("/sim/abc/weighted-quantile", test_quantile);
  g_test_add_func ("/sim/abc/pick", test_pick);
  return g_test_run ();
}
