/* SPDX-License-Identifier: MIT */
/*
 * ABC-SMC calibration (see abc.h): the generation loop, the proposals from
 * the engine's streams, the batches dealt to processes and threads, the
 * importance weights and the tolerance schedule.  A generation's work is
 * O(attempts) simulate calls plus O(N^2 P^2) for the weights (every new
 * particle against every old one), which the threads share.  Every member
 * computes the proposals, the acceptances and the weights itself from the
 * same numbers, so they agree without sending anything but the statistics.
 */
#include "sim/abc.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/error.h"
#include "sim/engine.h"
#include "sim/rng.h"

G_DEFINE_QUARK (sim-abc-error-quark, sim_abc_error)

#define invalid(error, ...) \
  base_fail ((error), SIM_ABC_ERROR, SIM_ABC_ERROR_INVALID, __VA_ARGS__)

/* The most attempts of one generation: attempt numbers fit a counter word. */
#define MAX_ATTEMPTS ((guint64) G_MAXUINT32)

/* A batch slot's status word (after the n_stats statistics and the distance). */
enum { SLOT_UNUSED = 0, SLOT_SIMULATED = 1, SLOT_FAILED = 2 };

/* ---- configuration ------------------------------------------------------- */

void
sim_abc_config_init (SimAbcConfig *config)
{
  g_return_if_fail (config != NULL);
  memset (config, 0, sizeof *config);
  config->n_particles = 500;
  config->quantile = 0.5;
  config->max_generations = 8;
  config->min_acceptance = 0.02;
  config->jobs = 1;
}

static const char *
param_name (const SimAbcParam *p)
{
  return p->name != NULL ? p->name : "(unnamed)";
}

gboolean
sim_abc_config_check (const SimAbcConfig *c, GError **error)
{
  g_return_val_if_fail (c != NULL, FALSE);
  if (c->n_params == 0 || c->n_params > SIM_ABC_MAX_PARAMS)
    return invalid (error, "ABC n_params: %u, expected 1 to %u", c->n_params,
                    SIM_ABC_MAX_PARAMS);
  if (c->params == NULL)
    return invalid (error, "ABC params: NULL, expected %u parameters", c->n_params);
  for (guint k = 0; k < c->n_params; k++)
    {
      const SimAbcParam *p = &c->params[k];
      if (!isfinite (p->lo) || !isfinite (p->hi) || !(p->lo < p->hi))
        return invalid (error, "ABC parameter %u (%s): prior [%g, %g], expected finite lo < hi",
                        k, param_name (p), p->lo, p->hi);
      if (p->log_scale && !(p->lo > 0))
        return invalid (error, "ABC parameter %u (%s): log-scale prior with lo %g, expected lo > 0",
                        k, param_name (p), p->lo);
    }
  if (c->n_stats == 0)
    return invalid (error, "ABC n_stats: 0, expected at least 1 statistic");
  if (c->targets == NULL || c->scales == NULL)
    return invalid (error, "ABC %s: NULL, expected %u values", c->targets == NULL ? "targets"
                    : "scales", c->n_stats);
  for (guint i = 0; i < c->n_stats; i++)
    {
      if (!isfinite (c->targets[i]))
        return invalid (error, "ABC targets[%u]: %g, expected a finite number", i, c->targets[i]);
      if (!isfinite (c->scales[i]) || !(c->scales[i] > 0))
        return invalid (error, "ABC scales[%u]: %g, expected a finite number > 0", i,
                        c->scales[i]);
    }
  if (c->simulate == NULL)
    return invalid (error, "ABC simulate: NULL, expected a simulate callback");
  if (c->n_particles < 2)
    return invalid (error, "ABC n_particles: %u, expected at least 2", c->n_particles);
  if (!(c->quantile > 0 && c->quantile < 1))
    return invalid (error, "ABC quantile: %g, expected a number in (0, 1)", c->quantile);
  if (c->max_generations == 0)
    return invalid (error, "ABC max_generations: 0, expected at least 1");
  if (!(c->min_acceptance >= 0 && c->min_acceptance <= 1))
    return invalid (error, "ABC min_acceptance: %g, expected a number in [0, 1]",
                    c->min_acceptance);
  if (c->max_simulations != 0 && c->max_simulations < c->n_particles)
    return invalid (error, "ABC max_simulations: %" G_GUINT64_FORMAT ", expected 0 (none) or at "
                    "least n_particles (%u): generation 0 simulates every particle",
                    c->max_simulations, c->n_particles);
  return TRUE;
}

/* ---- helpers ---------------------------------------------------------------- */

/* Theta (natural scale) of u: exp for log-scale parameters, held inside the
 * prior box against exp's rounding. */
static void
to_theta (const SimAbcConfig *c, const double *u, double *theta)
{
  for (guint k = 0; k < c->n_params; k++)
    {
      const SimAbcParam *p = &c->params[k];
      theta[k] = p->log_scale ? CLAMP (exp (u[k]), p->lo, p->hi) : u[k];
    }
}

static double
distance (const double *s, const double *y, const double *scale, guint n)
{
  double sum = 0;
  for (guint i = 0; i < n; i++)
    {
      if (!isfinite (s[i]))
        return INFINITY;
      double z = (s[i] - y[i]) / scale[i];
      sum += z * z;
    }
  return sqrt (sum / n);
}

/* The smallest i with cum[i] > u cum[n - 1]; rounding past the end gives
 * the last index of positive weight. */
static gsize
pick_cum (const double *cum, gsize n, double u)
{
  const double target = u * cum[n - 1];
  gsize lo = 0, hi = n;
  while (lo < hi)
    {
      gsize mid = lo + (hi - lo) / 2;
      if (cum[mid] > target)
        hi = mid;
      else
        lo = mid + 1;
    }
  if (lo == n)
    for (lo = n - 1; lo > 0 && cum[lo] == cum[lo - 1]; lo--)
      ;
  return lo;
}

gsize
sim_abc_pick (const double *weights, gsize n, double u)
{
  g_return_val_if_fail (weights != NULL && n > 0, 0);
  g_autofree double *cum = g_new (double, n);
  double sum = 0;
  for (gsize i = 0; i < n; i++)
    cum[i] = sum += weights[i];
  g_return_val_if_fail (sum > 0, 0);
  return pick_cum (cum, n, u);
}

typedef struct {
  double v, w;
  gsize i;
} Weighted;

static int
cmp_weighted (const void *a, const void *b)
{
  const Weighted *x = a, *y = b;
  if (x->v != y->v)
    return x->v < y->v ? -1 : 1;
  return x->i < y->i ? -1 : x->i > y->i;
}

double
sim_abc_weighted_quantile (const double *values, const double *weights, gsize n, double q)
{
  g_return_val_if_fail (values != NULL && weights != NULL && n > 0, NAN);
  g_return_val_if_fail (q >= 0 && q <= 1, NAN);
  g_autofree Weighted *x = g_new (Weighted, n);
  gsize m = 0;
  for (gsize i = 0; i < n; i++)
    {
      g_return_val_if_fail (isfinite (values[i]) && weights[i] >= 0, NAN);
      if (weights[i] > 0)
        x[m++] = (Weighted) { values[i], weights[i], i };
    }
  g_return_val_if_fail (m > 0, NAN);
  qsort (x, m, sizeof *x, cmp_weighted);
  double total = 0;
  for (gsize i = 0; i < m; i++)
    total += x[i].w;
  double cum = 0, p_prev = 0;
  for (gsize i = 0; i < m; i++)
    {
      cum += x[i].w;
      double p = (cum - x[i].w / 2) / total;
      if (q <= p)
        {
          /* between particles i - 1 and i (or before the first) */
          if (i == 0 || q == p || !(p > p_prev) || x[i - 1].v == x[i].v)
            return x[i].v;
          double f = (q - p_prev) / (p - p_prev);
          return x[i - 1].v + f * (x[i].v - x[i - 1].v);
        }
      p_prev = p;
    }
  return x[m - 1].v;
}

static int
cmp_double (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return x < y ? -1 : x > y;
}

/* The tolerance after a generation of distances d[n]: the k-th smallest,
 * k = ceil (alpha n), at least 1. */
static double
next_epsilon (const double *d, guint n, double alpha)
{
  g_autofree double *sorted = g_memdup2 (d, n * sizeof *d);
  qsort (sorted, n, sizeof *sorted, cmp_double);
  guint k = (guint) ceil (alpha * n);
  return sorted[CLAMP (k, 1, n) - 1];
}

/* ---- the perturbation kernel ------------------------------------------------ */

/* Cholesky factor L (lower, row-major P x P) of a; FALSE when a is not
 * positive definite. */
static gboolean
cholesky (const double *a, guint P, double *L)
{
  memset (L, 0, P * P * sizeof *L);
  for (guint j = 0; j < P; j++)
    {
      double s = a[j * P + j];
      for (guint k = 0; k < j; k++)
        s -= L[j * P + k] * L[j * P + k];
      if (!(s > 0) || !isfinite (s))
        return FALSE;
      L[j * P + j] = sqrt (s);
      for (guint i = j + 1; i < P; i++)
        {
          double t = a[i * P + j];
          for (guint k = 0; k < j; k++)
            t -= L[i * P + k] * L[j * P + k];
          L[i * P + j] = t / L[j * P + j];
        }
    }
  return TRUE;
}

/* L of twice the weighted covariance of the population u[N x P] (weights
 * w, summing to 1); when that is singular, with a ridge on the diagonal of
 * 1e-12 of the squared width of the prior box, growing 100-fold a try. */
static void
kernel_factor (const double *u, const double *w, guint N, guint P, const double *width,
               double *L)
{
  double mean[SIM_ABC_MAX_PARAMS] = { 0 };
  g_autofree double *cov = g_new0 (double, P * P);
  for (guint i = 0; i < N; i++)
    for (guint k = 0; k < P; k++)
      mean[k] += w[i] * u[i * P + k];
  for (guint i = 0; i < N; i++)
    for (guint k = 0; k < P; k++)
      for (guint l = 0; l <= k; l++)
        cov[k * P + l] += w[i] * (u[i * P + k] - mean[k]) * (u[i * P + l] - mean[l]);
  for (guint k = 0; k < P; k++)
    for (guint l = 0; l <= k; l++)
      cov[l * P + k] = cov[k * P + l] *= 2;
  double ridge = 1e-12;
  for (int tries = 0; !cholesky (cov, P, L); tries++)
    {
      g_assert (tries < 16);
      for (guint k = 0; k < P; k++)
        cov[k * P + k] += ridge * width[k] * width[k];
      ridge *= 100;
    }
}

/* Solves L y = x (forward substitution) and returns |y|^2. */
static double
mahalanobis2 (const double *L, guint P, const double *x)
{
  double y[SIM_ABC_MAX_PARAMS], q = 0;
  for (guint i = 0; i < P; i++)
    {
      double t = x[i];
      for (guint k = 0; k < i; k++)
        t -= L[i * P + k] * y[k];
      y[i] = t / L[i * P + i];
      q += y[i] * y[i];
    }
  return q;
}

typedef struct {
  const double *unew, *uold, *lw_old, *L;
  guint N, P;
  double *lw;   /* [N] out: log of the unnormalised weight */
} Kernel;

/* lw[i] = -log sum_j w_j K (u_i | u_j), up to the constant of K. */
static void
kernel_unit (guint i, gpointer data)
{
  Kernel *k = data;
  g_autofree double *x = g_new (double, k->N);
  double diff[SIM_ABC_MAX_PARAMS], top = -INFINITY;
  for (guint j = 0; j < k->N; j++)
    {
      x[j] = -INFINITY;
      if (isinf (k->lw_old[j]))
        continue;
      for (guint p = 0; p < k->P; p++)
        diff[p] = k->unew[i * k->P + p] - k->uold[j * k->P + p];
      x[j] = k->lw_old[j] - 0.5 * mahalanobis2 (k->L, k->P, diff);
      top = MAX (top, x[j]);
    }
  double sum = 0;
  for (guint j = 0; j < k->N; j++)
    sum += exp (x[j] - top);
  k->lw[i] = -(top + log (sum));
}

/* ---- the run ----------------------------------------------------------------- */

typedef struct {
  double *u, *stats, *d, *w;   /* [N x P], [N x S], [N], [N] */
} Pop;

static void
pop_alloc (Pop *p, guint N, guint P, guint S)
{
  p->u = g_new (double, (gsize) N * P);
  p->stats = g_new (double, (gsize) N * S);
  p->d = g_new (double, N);
  p->w = g_new (double, N);
}

static void
pop_clear (Pop *p)
{
  g_free (p->u);
  g_free (p->stats);
  g_free (p->d);
  g_free (p->w);
}

typedef struct {
  const SimAbcConfig *c;
  guint N, P, S, B, W;         /* W: doubles per slot, S + 2 */
  double lo[SIM_ABC_MAX_PARAMS], width[SIM_ABC_MAX_PARAMS];   /* the box in u-space */
  guint rank, size;
  /* the generation: its parents' cumulative weights and kernel factor */
  guint t;
  double *cum, *L;
  /* the batch: attempts base .. base + n - 1 */
  guint64 base;
  guint n;
  double *u, *theta, *slot;    /* [B x P], [B x P], [B x W] */
  gboolean *inside;            /* [B] */
  GError **errors;             /* [B] */
} Run;

/* The proposal of attempt a of generation t: its u and whether it is in
 * the prior box. */
static gboolean
propose (const Run *run, const Pop *parents, guint64 a, double *u)
{
  SimRng r;
  sim_rng_init (&r, run->c->seed, 0, run->t, (guint32) a, SIM_ABC_STREAM);
  if (run->t == 0)
    {
      for (guint k = 0; k < run->P; k++)
        u[k] = run->lo[k] + run->width[k] * sim_rng_uniform (&r);
      return TRUE;
    }
  const double *from = parents->u + pick_cum (run->cum, run->N, sim_rng_uniform (&r)) * run->P;
  SimRngNormal normal = SIM_RNG_NORMAL_INIT;
  double z[SIM_ABC_MAX_PARAMS];
  gboolean inside = TRUE;
  for (guint k = 0; k < run->P; k++)
    z[k] = sim_rng_normal (&normal, &r);
  for (guint i = 0; i < run->P; i++)
    {
      double v = from[i];
      for (guint k = 0; k <= i; k++)
        v += run->L[i * run->P + k] * z[k];
      u[i] = v;
      inside = inside && v >= run->lo[i] && v <= run->lo[i] + run->width[i];
    }
  return inside;
}

/* Simulates batch slot k (on any thread): its statistics (a zero stored as
 * +0, as a sum over processes would make it), distance and status. */
static void
simulate_unit (guint k, gpointer data)
{
  Run *run = data;
  const SimAbcConfig *c = run->c;
  double *slot = run->slot + (gsize) k * run->W;
  if (!c->simulate (c->data, run->theta + (gsize) k * run->P, SIM_ABC_KEY (run->t, run->base + k),
                    slot, &run->errors[k]))
    {
      memset (slot, 0, run->W * sizeof *slot);
      slot[run->S + 1] = SLOT_FAILED;
      return;
    }
  for (guint i = 0; i < run->S; i++)
    if (slot[i] == 0)
      slot[i] = 0;
  slot[run->S] = distance (slot, c->targets, c->scales, run->S);
  slot[run->S + 1] = SLOT_SIMULATED;
}

/* Simulates this member's in-box attempts of the batch on its threads, then
 * gives every member every slot. */
static void
simulate_batch (Run *run)
{
  memset (run->slot, 0, (gsize) run->n * run->W * sizeof *run->slot);
  g_autofree guint *mine = g_new (guint, MAX (run->n, 1));
  guint n_mine = 0;
  for (guint k = 0; k < run->n; k++)
    if (run->inside[k] && (run->base + k) % run->size == run->rank)
      mine[n_mine++] = k;
  sim_parallel_units (n_mine, run->c->jobs, mine, simulate_unit, run);
  if (run->size > 1)
    sim_comm_sum_f64 (run->c->comm, run->slot, (gsize) run->n * run->W);
}

/* Fails the run for attempt slot k: alone, with its error; with several
 * processes its owner ends the job with the message and the others wait
 * in a barrier that the abort ends. */
static gboolean
attempt_failed (Run *run, guint k, GError **error)
{
  const guint64 a = run->base + k;
  GError *e = g_steal_pointer (&run->errors[k]);
  if (run->size > 1)
    {
      if (e != NULL)
        sim_mpi_abort (3, "ABC generation %u, attempt %" G_GUINT64_FORMAT ": %s", run->t, a,
                       e->message);
      sim_comm_barrier (run->c->comm);
      sim_mpi_abort (3, "ABC generation %u, attempt %" G_GUINT64_FORMAT " failed on process %"
                     G_GUINT64_FORMAT, run->t, a, a % run->size);
    }
  if (e == NULL)
    e = g_error_new (SIM_ABC_ERROR, SIM_ABC_ERROR_INVALID, "simulate failed with no error");
  g_propagate_prefixed_error (error, e, "ABC generation %u, attempt %" G_GUINT64_FORMAT ": ",
                              run->t, a);
  return FALSE;
}

static void
clear_errors (Run *run)
{
  for (guint k = 0; k < run->B; k++)
    g_clear_error (&run->errors[k]);
}

/* The importance weights of generation t >= 1 (new) from its parents. */
static void
weigh (const Run *run, const Pop *parents, Pop *pop)
{
  const guint N = run->N;
  g_autofree double *lw_old = g_new (double, N);
  for (guint j = 0; j < N; j++)
    lw_old[j] = parents->w[j] > 0 ? log (parents->w[j]) : -INFINITY;
  Kernel k = { pop->u, parents->u, lw_old, run->L, N, run->P, pop->w };
  sim_parallel_units (N, run->c->jobs, NULL, kernel_unit, &k);
  double top = -INFINITY, sum = 0;
  for (guint i = 0; i < N; i++)
    top = MAX (top, pop->w[i]);
  for (guint i = 0; i < N; i++)
    sum += pop->w[i] = exp (pop->w[i] - top);
  for (guint i = 0; i < N; i++)
    pop->w[i] /= sum;
}

static SimAbcResult *
result_of (const Run *run, const Pop *pop, GArray *gens, SimAbcStop stop, guint64 total)
{
  SimAbcResult *res = g_new0 (SimAbcResult, 1);
  const guint N = run->N, P = run->P, S = run->S;
  res->n_particles = N;
  res->n_params = P;
  res->n_stats = S;
  res->theta = g_new (double, (gsize) N * P);
  for (guint i = 0; i < N; i++)
    to_theta (run->c, pop->u + (gsize) i * P, res->theta + (gsize) i * P);
  res->weights = g_memdup2 (pop->w, N * sizeof (double));
  res->distance = g_memdup2 (pop->d, N * sizeof (double));
  res->stats = g_memdup2 (pop->stats, (gsize) N * S * sizeof (double));
  res->n_generations = gens->len;
  res->generations = g_memdup2 (gens->data, gens->len * sizeof (SimAbcGeneration));
  res->stop = stop;
  res->simulations = total;
  return res;
}

SimAbcResult *
sim_abc_run (const SimAbcConfig *c, GError **error)
{
  g_return_val_if_fail (c != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);
  if (!sim_abc_config_check (c, error))
    return NULL;
  Run run = {
    .c = c, .N = c->n_particles, .P = c->n_params, .S = c->n_stats, .W = c->n_stats + 2,
    .B = c->batch != 0 ? c->batch : c->n_particles,
    .rank = c->comm != NULL ? (guint) sim_comm_rank (c->comm) : 0,
    .size = c->comm != NULL ? (guint) sim_comm_size (c->comm) : 1,
  };
  const guint N = run.N, P = run.P, S = run.S;
  for (guint k = 0; k < P; k++)
    {
      const SimAbcParam *p = &c->params[k];
      run.lo[k] = p->log_scale ? log (p->lo) : p->lo;
      run.width[k] = (p->log_scale ? log (p->hi) : p->hi) - run.lo[k];
    }
  run.cum = g_new (double, N);
  run.L = g_new (double, P * P);
  run.u = g_new (double, (gsize) run.B * P);
  run.theta = g_new (double, (gsize) run.B * P);
  run.slot = g_new (double, (gsize) run.B * run.W);
  run.inside = g_new (gboolean, run.B);
  run.errors = g_new0 (GError *, run.B);
  Pop old, pop;
  pop_alloc (&old, N, P, S);
  pop_alloc (&pop, N, P, S);
  g_autoptr (GArray) gens = g_array_new (FALSE, TRUE, sizeof (SimAbcGeneration));
  SimAbcResult *res = NULL;
  SimAbcStop stop = SIM_ABC_STOP_GENERATIONS;
  guint64 total = 0;
  double eps = INFINITY;

  for (run.t = 0; run.t < c->max_generations; run.t++)
    {
      if (run.t > 0)
        {
          double sum = 0;
          for (guint i = 0; i < N; i++)
            run.cum[i] = sum += old.w[i];
          kernel_factor (old.u, old.w, N, P, run.width, run.L);
        }
      guint accepted = 0;
      guint64 attempts = 0, sims = 0;
      gboolean full = FALSE, out_of_budget = FALSE;
      while (!full && !out_of_budget)
        {
          if (attempts >= MAX_ATTEMPTS)
            {
              base_fail (error, SIM_ABC_ERROR, SIM_ABC_ERROR_ATTEMPTS,
                         "ABC generation %u: %u of %u particles accepted in %" G_GUINT64_FORMAT
                         " attempts (tolerance %g): no more attempts", run.t, accepted, N,
                         attempts, eps);
              goto out;
            }
          run.base = attempts;
          run.n = (guint) MIN ((guint64) run.B, MAX_ATTEMPTS - attempts);
          for (guint k = 0; k < run.n; k++)
            {
              run.inside[k] = propose (&run, &old, attempts + k, run.u + (gsize) k * P);
              to_theta (c, run.u + (gsize) k * P, run.theta + (gsize) k * P);
            }
          if (c->max_simulations != 0)  /* stop before the simulation past the budget */
            {
              guint64 left = c->max_simulations - total - sims;
              for (guint k = 0; k < run.n; k++)
                if (run.inside[k] && left-- == 0)
                  {
                    run.n = k;
                    out_of_budget = TRUE;
                    break;
                  }
            }
          simulate_batch (&run);
          for (guint k = 0; k < run.n && !full; k++)
            {
              if (!run.inside[k])
                continue;
              const double *slot = run.slot + (gsize) k * run.W;
              if (slot[S + 1] != SLOT_SIMULATED)
                {
                  attempt_failed (&run, k, error);
                  goto out;
                }
              sims++;
              if (!(slot[S] <= eps))
                continue;
              memcpy (pop.u + (gsize) accepted * P, run.u + (gsize) k * P, P * sizeof (double));
              memcpy (pop.stats + (gsize) accepted * S, slot, S * sizeof (double));
              pop.d[accepted] = slot[S];
              if (++accepted == N)
                {
                  full = TRUE;
                  run.n = k + 1;
                }
            }
          attempts += run.n;
          clear_errors (&run);
          if (c->progress != NULL)
            c->progress (run.t, accepted, attempts, eps, c->progress_data);
        }
      total += sims;
      if (!full)
        {
          stop = SIM_ABC_STOP_BUDGET;
          break;
        }
      if (run.t == 0)
        for (guint i = 0; i < N; i++)
          pop.w[i] = 1.0 / N;
      else
        weigh (&run, &old, &pop);
      double sum2 = 0;   /* generation 0's weights are equal: ESS N exactly */
      for (guint i = 0; i < N && run.t > 0; i++)
        sum2 += pop.w[i] * pop.w[i];
      SimAbcGeneration g = {
        .epsilon = eps, .attempts = attempts, .simulations = sims, .accepted = N,
        .acceptance = (double) N / (double) sims, .ess = run.t > 0 ? 1.0 / sum2 : N,
      };
      g_array_append_val (gens, g);
      Pop swap = old;
      old = pop;
      pop = swap;
      eps = next_epsilon (old.d, N, c->quantile);
      if (g.acceptance < c->min_acceptance)
        {
          stop = SIM_ABC_STOP_ACCEPTANCE;
          break;
        }
    }
  res = result_of (&run, &old, gens, stop, total);

out:
  clear_errors (&run);
  pop_clear (&old);
  pop_clear (&pop);
  g_free (run.cum);
  g_free (run.L);
  g_free (run.u);
  g_free (run.theta);
  g_free (run.slot);
  g_free (run.inside);
  g_free (run.errors);
  return res;
}

void
sim_abc_result_free (SimAbcResult *result)
{
  if (result == NULL)
    return;
  g_free (result->theta);
  g_free (result->weights);
  g_free (result->distance);
  g_free (result->stats);
  g_free (result->generations);
  g_free (result);
}
