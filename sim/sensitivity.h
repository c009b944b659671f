/* SPDX-License-Identifier: MIT */
/*
 * Global sensitivity analysis of a model's outputs to k factors, each
 * uniform on [low, high]: which factor moves an output most.  The engine
 * knows nothing of the model: it makes a design (the points to evaluate),
 * the caller evaluates its outputs at every point (any number of outputs,
 * in any order, on any thread or process), then the engine computes the
 * indices of each output from the design and the output's values.  No I/O.
 *
 * Two methods:
 *
 *   Morris elementary effects (Morris, "Factorial sampling plans for
 *   preliminary computational experiments", Technometrics 33 (1991)
 *   161-174; mu* of Campolongo, Cariboni and Saltelli, "An effective
 *   screening design for sensitivity analysis of large models", Environ.
 *   Modelling & Software 22 (2007) 1509-1518).  In unit coordinates
 *   u = (x - low) / (high - low) each factor takes p levels 0, 1/(p-1),
 *   ..., 1 (p even), and a step is delta = p / (2 (p - 1)), i.e. p/2
 *   levels, so each level has exactly one neighbour at distance delta
 *   (levels below p/2 step up, the others down).  A trajectory is k + 1
 *   points: a start whose factors take levels drawn uniformly (each
 *   independently), then the factors moved one at a time by delta in an
 *   order drawn uniformly (a random permutation).  This is Morris's
 *   orientation matrix B* = (J x* + (delta/2)((2B - J) D* + J)) P*: the
 *   same distribution of trajectories.  The elementary effect of factor i
 *   in a trajectory is EE_i = (y(after) - y(before)) / (u_i(after) -
 *   u_i(before)) = +-(y(after) - y(before)) / delta: the change of the
 *   output per whole range of the factor, so that factors of different
 *   units compare (a linear y = c x_i gives EE_i = c (high_i - low_i)).
 *   Over the r trajectories: mu = mean EE_i, mu* = mean |EE_i|, sigma =
 *   the sample standard deviation of EE_i (divisor r - 1).
 *
 *   Sobol indices (Sobol', "Global sensitivity indices for nonlinear
 *   mathematical models and their Monte Carlo estimates", Math. Comput.
 *   Simul. 55 (2001) 271-280) by Saltelli sampling: matrices A and B of
 *   N rows and k columns of independent uniforms (plain Monte Carlo, not a
 *   low-discrepancy sequence, so the rows are independent and the
 *   bootstrap below is valid), and for each i the matrix A_B^(i), A with
 *   column i from B: N (k + 2) points.  With f_A, f_B, f_ABi the outputs
 *   and V the sample variance of f over A and B together (2N values,
 *   divisor 2N - 1):
 *     first order  S_i  = mean_j (f_B (f_ABi - f_A)) / V
 *                         (Saltelli, Annoni, Azzini, Campolongo, Ratto and
 *                         Tarantola, Comput. Phys. Commun. 181 (2010)
 *                         259-270, their (b)),
 *     total        ST_i = mean_j ((f_A - f_ABi)^2) / (2 V)
 *                         (Jansen, Comput. Phys. Commun. 117 (1999) 35-43).
 *   An output constant over A and B (V = 0) has no Sobol indices (NaN).
 *
 * Intervals: bootstrap percentile intervals at `level` from `bootstrap`
 * resamples: Morris's mu* resamples the r trajectories with replacement,
 * Sobol's S_i and ST_i resample the N rows (each row carries its A, B and
 * A_B^(i) points; V is recomputed from the resample).  The bounds are the
 * (1 - level)/2 and (1 + level)/2 quantiles of the resampled values
 * (linear interpolation between order statistics, "type 7"); resamples
 * where an index is not finite (V = 0) are left out of its quantiles.
 *
 * Streams (part of the interface: changing them changes every design and
 * interval): everything is drawn from sim/rng.h's Philox streams of
 * (seed, replication 0) named (SIM_SENS_STREAM, purpose, index):
 *   Morris trajectory t:  purpose 1, index t: k uniforms for the start
 *     levels (level floor (u p)), then k - 1 for the order (Fisher-Yates:
 *     for i = k - 1 down to 1, swap i with floor (u (i + 1))).
 *   Sobol row j:          purpose 2, index j: k uniforms for A's row j,
 *     then k for B's row j; x = low + u (high - low).
 *   Bootstrap resample b: purpose 3, index b: one uniform per trajectory or
 *     row drawn (floor (u n)).
 * So a design and its indices are the same bytes whatever the threads,
 * processes or order of evaluation, and the same for every output (each
 * output's bootstrap uses the same resamples).
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define SIM_SENS_ERROR (sim_sens_error_quark ())
GQuark sim_sens_error_quark (void);

typedef enum {
  SIM_SENS_ERROR_INVALID,   /* a specification or an output the engine cannot use */
} SimSensError;

/* "SENS": the first counter word of every stream the engine draws. */
#define SIM_SENS_STREAM 0x53454e53u

#define SIM_SENS_MAX_FACTORS 64
#define SIM_SENS_MAX_POINTS 10000000u   /* points of a design */

typedef enum {
  SIM_SENS_MORRIS,
  SIM_SENS_SOBOL,
} SimSensMethod;

/* What to design.  The caller owns the arrays. */
typedef struct {
  SimSensMethod method;
  guint k;                  /* factors, 1..SIM_SENS_MAX_FACTORS */
  const double *low, *high; /* k each, finite, low < high */
  guint64 seed;
  guint trajectories;       /* Morris: r >= 2 */
  guint levels;             /* Morris: p, even, 2..1000 */
  guint samples;            /* Sobol: N >= 2 */
} SimSensSpec;

/* What a point of a design is. */
typedef enum {
  SIM_SENS_POINT_MORRIS,    /* a point of trajectory `block` */
  SIM_SENS_POINT_A,         /* Sobol: row `block` of A */
  SIM_SENS_POINT_B,         /* Sobol: row `block` of B */
  SIM_SENS_POINT_AB,        /* Sobol: row `block` of A_B^(factor) */
} SimSensRole;

typedef struct {
  SimSensRole role;
  guint block;      /* the trajectory (Morris) or row (Sobol) */
  gint factor;      /* Morris: the factor moved to reach this point (-1: a trajectory's
                       start); AB: the column taken from B; else -1 */
} SimSensPoint;

/*
 * A design.  All fields public, read-only.  Points are in blocks: Morris
 * trajectory t is points t (k + 1) .. t (k + 1) + k in the order moved;
 * Sobol row j is points j (k + 2) (A), + 1 (B), + 2 + i (A_B^(i)).
 */
typedef struct {
  SimSensMethod method;
  guint k;
  double *low, *high;       /* copies of the spec's */
  guint64 seed;
  guint trajectories, levels, samples;  /* as specified (0 where the method has none) */
  double delta;             /* Morris: the step in unit coordinates; Sobol: 0 */
  guint n_points;
  double *x;                /* n_points rows of k values in [low, high], row-major */
  SimSensPoint *point;      /* n_points */
} SimSensDesign;

/* The indices of one output for one factor.  Fields of the other method
 * are NaN; so are interval bounds without a bootstrap. */
typedef struct {
  double mu, mu_star, sigma;            /* Morris */
  double mu_star_lo, mu_star_hi;
  double s1, s1_lo, s1_hi;              /* Sobol first order */
  double st, st_lo, st_hi;              /* Sobol total */
} SimSensIndex;

/* An output's indices.  All fields public. */
typedef struct {
  guint k;
  double mean, variance;    /* of the output (Sobol: over A and B; Morris: every point;
                               divisor n - 1) */
  SimSensIndex *index;      /* k */
} SimSensIndices;

/* ---- new ------------------------------------------------------------------ */

/* Returns: (transfer full) the design of spec, or NULL with an error
 * (SIM_SENS_ERROR_INVALID) naming what is wrong with it. */
SimSensDesign *sim_sens_design_new (const SimSensSpec *spec, GError **error);

/* ---- use ------------------------------------------------------------------ */

/* The points a spec's design has (Morris r (k + 1), Sobol N (k + 2)), or 0
 * when that would pass SIM_SENS_MAX_POINTS. */
guint sim_sens_points (const SimSensSpec *spec);

/*
 * The indices of one output from its value at every point of design (y:
 * design->n_points values), with bootstrap intervals at level (in (0, 1))
 * from `bootstrap` resamples (0: no intervals).  NULL with an error when a
 * value is not finite (naming the point).  Returns: (transfer full)
 */
SimSensIndices *sim_sens_analyse (const SimSensDesign *design, const double *y,
                                  guint bootstrap, double level, GError **error);

/* The q-quantile (0 <= q <= 1) of n values (sorted in place; NaN for
 * n = 0): linear interpolation between order statistics ("type 7"). */
double sim_sens_quantile (double *values, guint n, double q);

/* ---- free ----------------------------------------------------------------- */

void sim_sens_design_free (SimSensDesign *design);
void sim_sens_indices_free (SimSensIndices *indices);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SimSensDesign, sim_sens_design_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SimSensIndices, sim_sens_indices_free)

G_END_DECLS
