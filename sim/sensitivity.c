/* SPDX-License-Identifier: MIT */
/*
 * Global sensitivity analysis (see sensitivity.h): Morris trajectories and
 * Saltelli's Sobol design, the indices of an output from its values at the
 * design's points, and their bootstrap intervals.  Pure computation on the
 * caller's arrays; every random number from a named Philox stream.
 */
#include "sim/sensitivity.h"

#include "base/error.h"
#include "sim/rng.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

G_DEFINE_QUARK (sim-sens-error-quark, sim_sens_error)

enum { PURPOSE_MORRIS = 1, PURPOSE_SOBOL = 2, PURPOSE_BOOTSTRAP = 3 };

#define MAX_LEVELS 1000
#define MAX_BLOCKS 10000000u   /* trajectories or rows */

static gboolean
invalid (GError **error, const char *fmt, ...) G_GNUC_PRINTF (2, 3);

static gboolean
invalid (GError **error, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  g_autofree char *msg = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  return base_fail (error, SIM_SENS_ERROR, SIM_SENS_ERROR_INVALID, "%s", msg);
}

static void
open_stream (SimRng *r, guint64 seed, guint32 purpose, guint32 index)
{
  sim_rng_init (r, seed, 0, SIM_SENS_STREAM, purpose, index);
}

/* floor (u n) for a uniform u in (0, 1): 0 .. n - 1. */
static guint
draw_below (SimRng *r, guint n)
{
  guint v = (guint) (sim_rng_uniform (r) * n);
  return MIN (v, n - 1);
}

guint
sim_sens_points (const SimSensSpec *spec)
{
  guint64 per = spec->method == SIM_SENS_MORRIS ? (guint64) spec->k + 1 : (guint64) spec->k + 2;
  guint64 blocks = spec->method == SIM_SENS_MORRIS ? spec->trajectories : spec->samples;
  guint64 n = per * blocks;
  return n > SIM_SENS_MAX_POINTS ? 0 : (guint) n;
}

void
sim_sens_design_free (SimSensDesign *d)
{
  if (d == NULL)
    return;
  g_free (d->low);
  g_free (d->high);
  g_free (d->x);
  g_free (d->point);
  g_free (d);
}

void
sim_sens_indices_free (SimSensIndices *s)
{
  if (s == NULL)
    return;
  g_free (s->index);
  g_free (s);
}

static gboolean
check_spec (const SimSensSpec *s, GError **error)
{
  if (s->k < 1 || s->k > SIM_SENS_MAX_FACTORS)
    return invalid (error, "%u factors, expected 1..%u", s->k, SIM_SENS_MAX_FACTORS);
  for (guint i = 0; i < s->k; i++)
    if (!isfinite (s->low[i]) || !isfinite (s->high[i]) || !(s->low[i] < s->high[i]))
      return invalid (error, "factor %u: range %g..%g, expected finite low < high", i + 1,
                      s->low[i], s->high[i]);
  if (s->method == SIM_SENS_MORRIS)
    {
      if (s->trajectories < 2 || s->trajectories > MAX_BLOCKS)
        return invalid (error, "%u trajectories, expected 2..%u", s->trajectories, MAX_BLOCKS);
      if (s->levels < 2 || s->levels > MAX_LEVELS || s->levels % 2 != 0)
        return invalid (error, "%u levels, expected an even number 2..%u", s->levels,
                        MAX_LEVELS);
    }
  else if (s->method == SIM_SENS_SOBOL)
    {
      if (s->samples < 2 || s->samples > MAX_BLOCKS)
        return invalid (error, "%u samples, expected 2..%u", s->samples, MAX_BLOCKS);
    }
  else
    return invalid (error, "unknown method %d", (int) s->method);
  if (sim_sens_points (s) == 0)
    return invalid (error, "the design would have more than %u points", SIM_SENS_MAX_POINTS);
  return TRUE;
}

static double
scale (const SimSensDesign *d, guint i, double u)
{
  double x = d->low[i] + u * (d->high[i] - d->low[i]);
  return MIN (x, d->high[i]);   /* rounding never passes the range */
}

/* Trajectory t: its start levels and order from its stream, then k moves. */
static void
morris_trajectory (SimSensDesign *d, guint t)
{
  const guint k = d->k, p = d->levels, half = p / 2;
  guint level[SIM_SENS_MAX_FACTORS], order[SIM_SENS_MAX_FACTORS];
  SimRng r;
  open_stream (&r, d->seed, PURPOSE_MORRIS, t);
  for (guint i = 0; i < k; i++)
    level[i] = draw_below (&r, p);
  for (guint i = 0; i < k; i++)
    order[i] = i;
  for (guint i = k - 1; i >= 1; i--)
    {
      guint j = draw_below (&r, i + 1), tmp = order[i];
      order[i] = order[j];
      order[j] = tmp;
    }
  guint first = t * (k + 1);
  for (guint step = 0; step <= k; step++)
    {
      if (step > 0)
        {
          guint i = order[step - 1];
          level[i] = level[i] < half ? level[i] + half : level[i] - half;
        }
      SimSensPoint *pt = &d->point[first + step];
      pt->role = SIM_SENS_POINT_MORRIS;
      pt->block = t;
      pt->factor = step == 0 ? -1 : (gint) order[step - 1];
      for (guint i = 0; i < k; i++)
        d->x[(gsize) (first + step) * k + i] = scale (d, i, (double) level[i] / (p - 1));
    }
}

/* Row j of A, B and every A_B^(i). */
static void
sobol_row (SimSensDesign *d, guint j)
{
  const guint k = d->k;
  double a[SIM_SENS_MAX_FACTORS], b[SIM_SENS_MAX_FACTORS];
  SimRng r;
  open_stream (&r, d->seed, PURPOSE_SOBOL, j);
  for (guint i = 0; i < k; i++)
    a[i] = scale (d, i, sim_rng_uniform (&r));
  for (guint i = 0; i < k; i++)
    b[i] = scale (d, i, sim_rng_uniform (&r));
  guint first = j * (k + 2);
  for (guint m = 0; m < k + 2; m++)
    {
      SimSensPoint *pt = &d->point[first + m];
      pt->block = j;
      pt->role = m == 0 ? SIM_SENS_POINT_A : m == 1 ? SIM_SENS_POINT_B : SIM_SENS_POINT_AB;
      pt->factor = m >= 2 ? (gint) (m - 2) : -1;
      double *row = &d->x[(gsize) (first + m) * k];
      memcpy (row, m == 1 ? b : a, k * sizeof (double));
      if (m >= 2)
        row[m - 2] = b[m - 2];
    }
}

SimSensDesign *
sim_sens_design_new (const SimSensSpec *spec, GError **error)
{
  g_return_val_if_fail (spec != NULL, NULL);
  if (!check_spec (spec, error))
    return NULL;
  g_autoptr (SimSensDesign) d = g_new0 (SimSensDesign, 1);
  d->method = spec->method;
  d->k = spec->k;
  d->low = g_memdup2 (spec->low, spec->k * sizeof (double));
  d->high = g_memdup2 (spec->high, spec->k * sizeof (double));
  d->seed = spec->seed;
  d->n_points = sim_sens_points (spec);
  d->x = g_new (double, (gsize) d->n_points * d->k);
  d->point = g_new0 (SimSensPoint, d->n_points);
  if (spec->method == SIM_SENS_MORRIS)
    {
      d->trajectories = spec->trajectories;
      d->levels = spec->levels;
      d->delta = (double) spec->levels / (2.0 * (spec->levels - 1));
      for (guint t = 0; t < d->trajectories; t++)
        morris_trajectory (d, t);
    }
  else
    {
      d->samples = spec->samples;
      for (guint j = 0; j < d->samples; j++)
        sobol_row (d, j);
    }
  return g_steal_pointer (&d);
}

/* ---- statistics ----------------------------------------------------------- */

static int
cmp_double (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

double
sim_sens_quantile (double *v, guint n, double q)
{
  if (n == 0)
    return NAN;
  qsort (v, n, sizeof (double), cmp_double);
  double h = (n - 1) * CLAMP (q, 0.0, 1.0);
  guint lo = (guint) floor (h);
  if (lo + 1 >= n)
    return v[n - 1];
  return v[lo] + (h - lo) * (v[lo + 1] - v[lo]);
}

/* The interval of n resampled values at level: lo, hi (the non-finite
 * values are left out; NaN when none is left). */
static void
interval (double *v, guint n, double level, double *lo, double *hi)
{
  guint m = 0;
  for (guint i = 0; i < n; i++)
    if (isfinite (v[i]))
      v[m++] = v[i];
  *lo = sim_sens_quantile (v, m, (1 - level) / 2);
  *hi = sim_sens_quantile (v, m, (1 + level) / 2);
}

/* The blocks of bootstrap resample b: n draws of 0 .. n - 1. */
static void
resample (guint64 seed, guint b, guint n, guint *pick)
{
  SimRng r;
  open_stream (&r, seed, PURPOSE_BOOTSTRAP, b);
  for (guint i = 0; i < n; i++)
    pick[i] = draw_below (&r, n);
}

static void
mean_variance (const double *y, guint n, double *mean, double *variance)
{
  double m = 0;
  for (guint i = 0; i < n; i++)
    m += y[i];
  m /= n;
  double s = 0;
  for (guint i = 0; i < n; i++)
    s += (y[i] - m) * (y[i] - m);
  *mean = m;
  *variance = n > 1 ? s / (n - 1) : 0;
}

/* ---- Morris --------------------------------------------------------------- */

/* ee[t k + i]: factor i's elementary effect in trajectory t. */
static void
morris_effects (const SimSensDesign *d, const double *y, double *ee)
{
  const guint k = d->k;
  for (guint t = 0; t < d->trajectories; t++)
    for (guint step = 1; step <= k; step++)
      {
        guint at = t * (k + 1) + step;
        guint i = (guint) d->point[at].factor;
        double before = d->x[(gsize) (at - 1) * k + i], after = d->x[(gsize) at * k + i];
        double du = (after - before) / (d->high[i] - d->low[i]);
        /* du is +-delta up to rounding; the exact step keeps a linear
         * output's effect exact */
        ee[(gsize) t * k + i] = (y[at] - y[at - 1]) / (du > 0 ? d->delta : -d->delta);
      }
}

static void
morris (const SimSensDesign *d, const double *y, guint bootstrap, double level,
        SimSensIndices *out)
{
  const guint k = d->k, r = d->trajectories;
  g_autofree double *ee = g_new (double, (gsize) r * k);
  morris_effects (d, y, ee);
  for (guint i = 0; i < k; i++)
    {
      double sum = 0, sum_abs = 0;
      for (guint t = 0; t < r; t++)
        {
          sum += ee[(gsize) t * k + i];
          sum_abs += fabs (ee[(gsize) t * k + i]);
        }
      SimSensIndex *x = &out->index[i];
      x->mu = sum / r;
      x->mu_star = sum_abs / r;
      double ss = 0;
      for (guint t = 0; t < r; t++)
        ss += (ee[(gsize) t * k + i] - x->mu) * (ee[(gsize) t * k + i] - x->mu);
      x->sigma = sqrt (ss / (r - 1));
    }
  if (bootstrap == 0)
    return;
  g_autofree guint *pick = g_new (guint, r);
  g_autofree double *boot = g_new (double, (gsize) bootstrap * k);
  for (guint b = 0; b < bootstrap; b++)
    {
      resample (d->seed, b, r, pick);
      for (guint i = 0; i < k; i++)
        {
          double s = 0;
          for (guint t = 0; t < r; t++)
            s += fabs (ee[(gsize) pick[t] * k + i]);
          boot[(gsize) i * bootstrap + b] = s / r;
        }
    }
  for (guint i = 0; i < k; i++)
    interval (&boot[(gsize) i * bootstrap], bootstrap, level, &out->index[i].mu_star_lo,
              &out->index[i].mu_star_hi);
}

/* ---- Sobol ---------------------------------------------------------------- */

/* S_i and ST_i (k each) from the rows pick[0 .. n - 1] of the design
 * (pick NULL: rows 0 .. n - 1); NaN when V is not positive. */
static void
sobol_indices (const SimSensDesign *d, const double *y, const guint *pick, guint n, double *s1,
               double *st)
{
  const guint k = d->k, w = k + 2;
  double m = 0;
  for (guint j = 0; j < n; j++)
    {
      guint row = pick ? pick[j] : j;
      m += y[(gsize) row * w] + y[(gsize) row * w + 1];
    }
  m /= 2.0 * n;
  double ss = 0;
  for (guint j = 0; j < n; j++)
    {
      guint row = pick ? pick[j] : j;
      double a = y[(gsize) row * w] - m, b = y[(gsize) row * w + 1] - m;
      ss += a * a + b * b;
    }
  double v = ss / (2.0 * n - 1);
  for (guint i = 0; i < k; i++)
    {
      double first = 0, total = 0;
      for (guint j = 0; j < n; j++)
        {
          guint row = pick ? pick[j] : j;
          double fa = y[(gsize) row * w], fb = y[(gsize) row * w + 1];
          double fab = y[(gsize) row * w + 2 + i];
          first += fb * (fab - fa);
          total += (fa - fab) * (fa - fab);
        }
      s1[i] = v > 0 ? first / n / v : NAN;
      st[i] = v > 0 ? total / n / (2 * v) : NAN;
    }
}

static void
sobol (const SimSensDesign *d, const double *y, guint bootstrap, double level,
       SimSensIndices *out)
{
  const guint k = d->k, n = d->samples;
  double s1[SIM_SENS_MAX_FACTORS], st[SIM_SENS_MAX_FACTORS];
  sobol_indices (d, y, NULL, n, s1, st);
  for (guint i = 0; i < k; i++)
    {
      out->index[i].s1 = s1[i];
      out->index[i].st = st[i];
    }
  if (bootstrap == 0)
    return;
  g_autofree guint *pick = g_new (guint, n);
  g_autofree double *b1 = g_new (double, (gsize) bootstrap * k);
  g_autofree double *bt = g_new (double, (gsize) bootstrap * k);
  for (guint b = 0; b < bootstrap; b++)
    {
      resample (d->seed, b, n, pick);
      sobol_indices (d, y, pick, n, s1, st);
      for (guint i = 0; i < k; i++)
        {
          b1[(gsize) i * bootstrap + b] = s1[i];
          bt[(gsize) i * bootstrap + b] = st[i];
        }
    }
  for (guint i = 0; i < k; i++)
    {
      SimSensIndex *x = &out->index[i];
      interval (&b1[(gsize) i * bootstrap], bootstrap, level, &x->s1_lo, &x->s1_hi);
      interval (&bt[(gsize) i * bootstrap], bootstrap, level, &x->st_lo, &x->st_hi);
    }
}

SimSensIndices *
sim_sens_analyse (const SimSensDesign *d, const double *y, guint bootstrap, double level,
                  GError **error)
{
  g_return_val_if_fail (d != NULL && y != NULL, NULL);
  if (bootstrap > 0 && !(level > 0 && level < 1))
    return invalid (error, "interval level %g, expected 0 < level < 1", level), NULL;
  for (guint p = 0; p < d->n_points; p++)
    if (!isfinite (y[p]))
      return invalid (error, "the output at point %u is %g, expected a finite number", p,
                      y[p]), NULL;
  g_autoptr (SimSensIndices) s = g_new0 (SimSensIndices, 1);
  s->k = d->k;
  s->index = g_new (SimSensIndex, d->k);
  for (guint i = 0; i < d->k; i++)
    s->index[i] = (SimSensIndex) { NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN };
  if (d->method == SIM_SENS_MORRIS)
    {
      mean_variance (y, d->n_points, &s->mean, &s->variance);
      morris (d, y, bootstrap, level, s);
    }
  else
    {
      g_autofree double *ab = g_new (double, 2 * (gsize) d->samples);
      for (guint j = 0; j < d->samples; j++)
        {
          ab[2 * j] = y[(gsize) j * (d->k + 2)];
          ab[2 * j + 1] = y[(gsize) j * (d->k + 2) + 1];
        }
      mean_variance (ab, 2 * d->samples, &s->mean, &s->variance);
      sobol (d, y, bootstrap, level, s);
    }
  return g_steal_pointer (&s);
}
