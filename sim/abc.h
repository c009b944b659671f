/* SPDX-License-Identifier: MIT */
/*
 * Calibration by approximate Bayesian computation: a generic ABC-SMC
 * engine that fits a model's parameters to target summary statistics.  It
 * knows nothing of what the model is: the client gives parameters with
 * their prior ranges, a simulate callback that turns parameters into
 * statistics, the targets and their scales; the engine returns a weighted
 * population of particles that approximates the posterior.
 *
 * The algorithm is population Monte Carlo ABC (Beaumont, Cornuet, Marin and
 * Robert, "Adaptive approximate Bayesian computation", Biometrika 96 (2009)
 * 983-990) with the tolerance schedule taken from the previous generation's
 * distances (Drovandi and Pettitt, "Estimation of parameters for
 * macroparasite population evolution using approximate Bayesian
 * computation", Biometrics 67 (2011) 225-233; Del Moral, Doucet and Jasra,
 * "An adaptive sequential Monte Carlo method for approximate Bayesian
 * computation", Statistics and Computing 22 (2012) 1009-1020):
 *
 *   - Priors are uniform on [lo, hi], or log-uniform (uniform on
 *     [log lo, log hi]) for a log-scale parameter.  The engine works in
 *     u-space (u = log theta for log-scale parameters, theta otherwise),
 *     where the prior density is constant on the box.
 *   - Distance: d = sqrt ((1/S) sum_i ((s_i - y_i) / scale_i)^2) over the S
 *     statistics; a statistic that is not finite makes d = +inf.
 *   - Generation 0: n_particles attempts from the prior, all accepted, each
 *     of weight 1/N.
 *   - Generation t >= 1, tolerance eps_t: attempts a = 0, 1, ... each pick a
 *     parent by weight from generation t - 1 and perturb it with a Gaussian
 *     in u-space of covariance twice the weighted covariance of generation
 *     t - 1 (a tiny ridge is added if that is singular); a proposal outside
 *     the prior box is rejected without simulating (it still counts as an
 *     attempt), the others are simulated and accepted when d <= eps_t.  The
 *     generation is the FIRST n_particles accepted attempts in attempt
 *     order, weighted w_i ∝ 1 / sum_j w_j K (u_i | u_j) (the prior is
 *     constant in u-space), normalised to sum 1.
 *   - eps_{t+1} is the alpha-quantile (`quantile`) of generation t's
 *     distances, as an order statistic: the k-th smallest, k = ceil (alpha N)
 *     (at least 1), so at least that many particles of generation t lie
 *     within it.  So eps never increases.
 *
 * Streams (part of the interface: changing them changes every result):
 * attempt a of generation t draws its parent (one uniform, sim_abc_pick's
 * rule) and then its perturbation (P standard normals, sim_rng_normal) -
 * or, in generation 0, its P prior uniforms - from
 * sim_rng_init (&r, seed, 0, t, a, SIM_ABC_STREAM): replication 0 always.
 * The simulate callback gets key = SIM_ABC_KEY (t, a) = 2^32 (t + 1) + a,
 * never 0 and unique per attempt, and uses it as the replication number of
 * its own streams (with the same seed, its streams never meet the engine's,
 * which use replication 0).  The key does not involve the seed: a client
 * that wants other simulations for another seed keys its streams with the
 * seed too.
 *
 * Work: a generation's attempts are evaluated in batches of `batch`; each
 * batch's attempts are dealt to the members of comm (attempt a to member
 * a mod size) and on each member to `jobs` threads (sim/engine.h); every
 * member then holds every attempt's statistics (a sum of an array where
 * each element has one writer: exact) and takes the accepted ones in
 * attempt order, dropping the rest of the batch once the generation is
 * full.  Since each attempt's randomness is its own and the population is
 * the first N accepted, the result is the same bytes for any batch size,
 * number of threads and number of processes.
 *
 * Stopping: after max_generations generations (generation 0 counts); after
 * a generation whose acceptance rate (accepted / simulated attempts) is
 * below min_acceptance (that generation completes); or when a generation
 * would take the run's simulations past max_simulations: that generation
 * is dropped and the last complete one returned.  The budget counts the
 * simulated attempts up to each generation's last accepted one (plus those
 * of a dropped generation), not the wasted tail of a generation's last
 * batch, so it does not depend on the batch size; so a run may call
 * simulate up to batch - 1 times per generation more than the budget says.
 * A generation has at most 2^32 - 1 attempts; a run that needs more fails
 * (an impossible tolerance with no budget and min_acceptance 0).
 */
#pragma once

#include <glib.h>

#include "sim/mpi.h"

G_BEGIN_DECLS

#define SIM_ABC_ERROR (sim_abc_error_quark ())
GQuark sim_abc_error_quark (void);

typedef enum {
  SIM_ABC_ERROR_INVALID,    /* a configuration the engine cannot run */
  SIM_ABC_ERROR_ATTEMPTS,   /* a generation ran out of attempts (2^32 - 1) */
} SimAbcError;

/* The purpose word (third counter word) of the engine's streams. */
#define SIM_ABC_STREAM 0x41424331u  /* "ABC1" */
/* The key that attempt a of generation t passes to simulate. */
#define SIM_ABC_KEY(t, a) ((((guint64) (t) + 1) << 32) | (guint64) (guint32) (a))
/* At most this many parameters. */
#define SIM_ABC_MAX_PARAMS 32

/* A parameter and its prior: uniform on [lo, hi], or on [log lo, log hi]
 * when log_scale (then lo > 0). */
typedef struct {
  const char *name;        /* in messages */
  double lo, hi;
  gboolean log_scale;
} SimAbcParam;

/*
 * Simulates the model at theta (natural scale, n_params values) and writes
 * its n_stats statistics to stats.  Called from several threads at once:
 * it must touch only its own data and draw its randomness from streams
 * keyed by `key` (see above).  A statistic that is not finite is not an
 * error (the attempt is rejected); FALSE with an error fails the run.
 */
typedef gboolean (*SimAbcSimulateFn) (gpointer data, const double *theta, guint64 key,
                                      double *stats, GError **error);

/* After each batch, on every member: the generation, its accepted
 * particles and its attempts so far, its tolerance (+inf in generation 0). */
typedef void (*SimAbcProgressFn) (guint generation, guint accepted, guint64 attempts,
                                  double epsilon, gpointer data);

/* Fill with sim_abc_config_init, then set the model's fields. */
typedef struct {
  const SimAbcParam *params;   /* [n_params] */
  guint n_params;              /* 1 .. SIM_ABC_MAX_PARAMS */
  const double *targets;       /* [n_stats]: the observed statistics y */
  const double *scales;        /* [n_stats]: > 0, the distance's units */
  guint n_stats;               /* >= 1 */
  SimAbcSimulateFn simulate;
  gpointer data;               /* for simulate */

  guint64 seed;                /* the engine's streams (and, by convention, the client's) */
  guint n_particles;           /* N >= 2; default 500 */
  double quantile;             /* alpha in (0, 1); default 0.5 */
  guint batch;                 /* attempts per batch; 0 (the default): N */
  guint max_generations;       /* >= 1, generation 0 included; default 8 */
  double min_acceptance;       /* in [0, 1]; default 0.02; 0: never stop for it */
  guint64 max_simulations;     /* the run's budget; 0 (the default): none; else >= N */
  guint jobs;                  /* threads per process; 0 or 1 (the default): the caller's */
  SimComm *comm;               /* the processes sharing the run; NULL: this one alone */
  SimAbcProgressFn progress;   /* may be NULL */
  gpointer progress_data;
} SimAbcConfig;

/* Why a run stopped. */
typedef enum {
  SIM_ABC_STOP_GENERATIONS,    /* max_generations complete */
  SIM_ABC_STOP_ACCEPTANCE,     /* the last generation's acceptance was below min_acceptance */
  SIM_ABC_STOP_BUDGET,         /* the next generation would pass max_simulations: dropped */
} SimAbcStop;

/* One complete generation.  Counts are 64-bit so that the struct has no
 * padding (results compare with memcmp). */
typedef struct {
  double epsilon;              /* its tolerance (+inf for generation 0) */
  guint64 attempts;            /* up to and including its last accepted one */
  guint64 simulations;         /* of those, the ones simulated (inside the prior box) */
  guint64 accepted;            /* n_particles */
  double acceptance;           /* accepted / simulations */
  double ess;                  /* effective sample size 1 / sum w^2, in [1, N] */
} SimAbcGeneration;

/* A run's result: the last complete generation.  Every field is public. */
typedef struct {
  guint n_particles, n_params, n_stats;
  double *theta;               /* [N x n_params], natural scale, particle-major */
  double *weights;             /* [N], summing to 1 */
  double *distance;            /* [N] */
  double *stats;               /* [N x n_stats] */
  guint n_generations;         /* complete generations (>= 1) */
  SimAbcGeneration *generations;  /* [n_generations] */
  SimAbcStop stop;
  guint64 simulations;         /* the run's, as the budget counts them (a dropped
                                * generation's included) */
} SimAbcResult;

/* ---- new --------------------------------------------------------------- */

/* Zeroes config and sets the defaults above. */
void sim_abc_config_init (SimAbcConfig *config);

/* TRUE when the engine can run config; FALSE with SIM_ABC_ERROR_INVALID
 * naming the field and what was expected. */
gboolean sim_abc_config_check (const SimAbcConfig *config, GError **error);

/* ---- use --------------------------------------------------------------- */

/*
 * Runs the calibration (every member of config->comm calls it with the same
 * configuration).  Returns: (transfer full) the result, on every member; or
 * NULL with an error for an invalid configuration, a simulate failure (the
 * first failing attempt in attempt order before the generation is full,
 * its message prefixed with the generation and attempt, its domain and code
 * kept) or a generation that runs out of attempts.  With several processes
 * a simulate failure ends the job instead (sim_mpi_abort, status 3).
 */
SimAbcResult *sim_abc_run (const SimAbcConfig *config, GError **error);

/*
 * The weighted q-quantile (q in [0, 1]) of finite values with weights
 * (>= 0, not all 0).  Rule: sort by value; particle i of weight w_i and
 * cumulative weight C_i (inclusive, over total W) sits at
 * p_i = (C_i - w_i / 2) / W; the quantile interpolates linearly between the
 * values of the neighbouring p_i around q, and is the smallest (largest)
 * value for q below the first (above the last) p_i.  Zero weights are
 * skipped.  With equal weights it is Hyndman and Fan's type 5 (Hazen).
 */
double sim_abc_weighted_quantile (const double *values, const double *weights, gsize n,
                                  double q);

/*
 * Picks an index by weight from a uniform u in [0, 1): the smallest i with
 * C_i > u W, C_i the cumulative weight in index order (W = C_{n-1});
 * never an index of weight 0.  For drawing parameters from the posterior.
 */
gsize sim_abc_pick (const double *weights, gsize n, double u);

/* ---- free -------------------------------------------------------------- */

void sim_abc_result_free (SimAbcResult *result);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SimAbcResult, sim_abc_result_free)

G_END_DECLS
