/* SPDX-License-Identifier: MIT */
/*
 * Tests of sim/queue against queueing theory and against itself.
 *
 * Theory: M/M/c for c in {1, 8, 64} at loads {0.5, 0.8, 0.95} against
 * Erlang C (sim/erlang.h): the mean response within 1%, p95 and p99 within
 * 3%, the percentiles being exact order statistics (the responses near each
 * theoretical quantile are kept by the record hook and sorted, those below
 * are counted); Little's law and the utilisation from the time-average
 * number in system; M/M/c/K's loss probability and mean number in system;
 * Pollaczek-Khinchine's mean wait for M/D/1 and M/G/1 (lognormal service);
 * D/D/c exactly.  Runs use fixed streams (the seed is printed) and are cut
 * into 40 batches after a warm-up, whose batch means give the standard
 * errors: each case asserts that its tolerance is at least 2.5 standard
 * errors (so the test has the power it claims) and then the tolerance.
 * Request counts follow from the variances measured at design time; the
 * load-0.95 cases with c = 1 and 8 need 10^8 requests for that (the
 * standard error of a mean response grows like (1 - rho)^-2).  When
 * ESSC_SANITIZE is set (the sanitizer build) those two cases are skipped;
 * the rest keep their full size.
 *
 * Itself: the same stream gives the same responses, however a run is cut
 * into calls (by counts or horizons), with or without tracking; callbacks
 * that draw like the built-ins give the same bytes; warm-up, horizon and
 * window accounting; configuration errors name the field; a callback's bad
 * draw is an error; the record-array helper; the benchmark's answer.
 */
#include "sim/erlang.h"
#include "sim/queue.h"
#include "tests/lib/testutil.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define SEED 20190415u
#define BATCHES 40

static gboolean
sanitizing (void)
{
  return g_getenv ("ESSC_SANITIZE") != NULL;
}

/* Mean and standard error of the mean of n batch values. */
static void
batch_stats (const double *v, int n, double *mean, double *se)
{
  double s = 0.0, s2 = 0.0;
  for (int i = 0; i < n; i++)
    s += v[i];
  *mean = s / n;
  for (int i = 0; i < n; i++)
    s2 += (v[i] - *mean) * (v[i] - *mean);
  *se = sqrt (s2 / (n - 1) / n);
}

static SimQueue *
mmc_queue (guint c, double lambda, double mu, guint capacity, guint64 warmup, guint32 stream,
           SimQueueRecordFn record, gpointer data)
{
  SimQueueConfig config = {
    .servers = c,
    .capacity = capacity,
    .interarrival = sim_queue_dist_exponential (1.0 / lambda),
    .service = sim_queue_dist_exponential (1.0 / mu),
    .warmup = warmup,
    .track_in_system = TRUE,
    .record = record,
    .record_data = data,
  };
  SimRng rng;
  sim_rng_init (&rng, SEED, 0, 7, stream, 0);
  g_autoptr (GError) error = NULL;
  SimQueue *q = sim_queue_new (&config, &rng, &error);
  g_assert_no_error (error);
  return q;
}

/* ---- M/M/c against Erlang C ---------------------------------------------------- */

/* What the record hook keeps for one percentile. */
typedef struct {
  double q, theory, lo, hi; /* lo, hi: theory -+ 5% */
  guint64 below;            /* responses below lo */
  GArray *near;             /* responses in [lo, hi] */
  guint64 over;             /* responses above theory, in the current batch */
} Pct;

typedef struct {
  Pct pct[2];
} Capture;

static void
capture (double r, gpointer data)
{
  Capture *cap = data;
  for (int i = 0; i < 2; i++)
    {
      Pct *p = &cap->pct[i];
      if (r < p->lo)
        p->below++;
      else if (r <= p->hi)
        g_array_append_val (p->near, r);
      p->over += r > p->theory;
    }
}

static int
cmp_double (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

static void
check_mmc (guint c, double load, guint64 n)
{
  const double mu = 1.0, lambda = load * c;
  const guint64 per_batch = n / BATCHES;
  Capture cap = { .pct = { { .q = 0.95 }, { .q = 0.99 } } };
  for (int i = 0; i < 2; i++)
    {
      Pct *p = &cap.pct[i];
      p->theory = sim_erlang_response_quantile (c, lambda, mu, p->q);
      p->lo = p->theory * 0.95;
      p->hi = p->theory * 1.05;
      p->near = g_array_new (FALSE, FALSE, sizeof (double));
    }
  SimQueueConfig config = {
    .servers = c,
    .interarrival = sim_queue_dist_exponential (1.0 / lambda),
    .service = sim_queue_dist_exponential (1.0 / mu),
    .warmup = 200000,
    .record = capture,
    .record_data = &cap,
  };
  SimRng rng;
  sim_rng_init (&rng, SEED, 0, 1, c, (guint32) (load * 100));
  g_autoptr (GError) error = NULL;
  g_autoptr (SimQueue) q = sim_queue_new (&config, &rng, &error);
  g_assert_no_error (error);
  g_assert_true (sim_queue_run (q, config.warmup, INFINITY, NULL, &error));

  double means[BATCHES], tails[2][BATCHES];
  guint64 total = 0;
  for (int b = 0; b < BATCHES; b++)
    {
      SimQueueStats st;
      cap.pct[0].over = cap.pct[1].over = 0;
      g_assert_true (sim_queue_run (q, per_batch, INFINITY, &st, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (st.count, ==, per_batch);
      g_assert_cmpuint (st.lost, ==, 0);
      means[b] = st.mean_response;
      for (int i = 0; i < 2; i++)
        tails[i][b] = (double) cap.pct[i].over / (double) st.count;
      total += st.count;
    }

  double mean, se, theory = sim_erlang_mean_response (c, lambda, mu);
  batch_stats (means, BATCHES, &mean, &se);
  double err = mean / theory - 1.0;
  g_test_message ("M/M/%u at %.2f (seed %u, %" G_GUINT64_FORMAT " requests): mean %.5f, Erlang C "
                  "%.5f, %+.3f%% (SE %.3f%%)",
                  c, load, SEED, total, mean, theory, 100 * err, 100 * se / theory);
  g_assert_cmpfloat (2.5 * se / theory, <=, 0.01);   /* the test has the power it claims */
  if (fabs (err) > 0.01)
    g_error ("M/M/%u at %.2f: mean response %.6f differs from Erlang C's %.6f by %+.3f%%", c,
             load, mean, theory, 100 * err);

  for (int i = 0; i < 2; i++)
    {
      Pct *p = &cap.pct[i];
      /* The exact order statistic: the k-th smallest, k = ceil (q N). */
      guint64 k = (guint64) ceil (p->q * (double) total);
      if (k <= p->below || k > p->below + p->near->len)
        g_error ("M/M/%u at %.2f: p%g is outside [%g, %g] (theory %g +- 5%%)", c, load,
                 100 * p->q, p->lo, p->hi, p->theory);
      qsort (p->near->data, p->near->len, sizeof (double), cmp_double);
      double got = g_array_index (p->near, double, k - p->below - 1);
      /* The quantile's standard error: the tail fraction's over the density. */
      double tail_mean, tail_se, h = 1e-4 * p->theory;
      batch_stats (tails[i], BATCHES, &tail_mean, &tail_se);
      double density = (sim_erlang_response_tail (c, lambda, mu, p->theory - h)
                        - sim_erlang_response_tail (c, lambda, mu, p->theory + h)) / (2 * h);
      double qse = tail_se / density / p->theory;
      double qerr = got / p->theory - 1.0;
      g_test_message ("  p%g: %.5f, theory %.5f, %+.3f%% (SE %.3f%%)", 100 * p->q, got,
                      p->theory, 100 * qerr, 100 * qse);
      g_assert_cmpfloat (2.5 * qse, <=, 0.03);
      if (fabs (qerr) > 0.03)
        g_error ("M/M/%u at %.2f: p%g %.6f differs from theory's %.6f by %+.3f%%", c, load,
                 100 * p->q, got, p->theory, 100 * qerr);
      g_array_unref (p->near);
    }
}

static void
test_mmc_erlang_c (gconstpointer data)
{
  const guint *arg = data;   /* { c, load in percent, millions of requests } */
  if (sanitizing () && arg[2] > 50)
    {
      g_test_skip ("10^8 requests: skipped in the sanitizer build (ESSC_SANITIZE)");
      return;
    }
  check_mmc (arg[0], arg[1] / 100.0, (guint64) arg[2] * 1000000);
}

/* ---- Little's law, utilisation, M/M/c/K ------------------------------------------ */

static void
test_little_law (void)
{
  const guint cs[] = { 1, 8, 64 };
  for (gsize i = 0; i < G_N_ELEMENTS (cs); i++)
    {
      guint c = cs[i];
      double lambda = 0.8 * c;
      g_autoptr (SimQueue) q = mmc_queue (c, lambda, 1.0, 0, 100000, (guint32) i, NULL, NULL);
      SimQueueStats st;
      g_autoptr (GError) error = NULL;
      g_assert_true (sim_queue_run (q, 100000 + 4000000, INFINITY, &st, &error));
      double rate = (double) st.arrivals / st.window;
      double little = lambda * st.mean_response;
      g_test_message ("M/M/%u at 0.8 (seed %u): L %.5f, lambda T %.5f, observed rate x T %.5f, "
                      "Erlang C %.5f; utilisation %.5f",
                      c, SEED, st.mean_in_system, little, rate * st.mean_response,
                      lambda * sim_erlang_mean_response (c, lambda, 1.0), st.utilisation);
      /* L against the true rate times the simulated mean response: they
       * differ by the observed rate's error (SE 0.05% for 4 10^6 arrivals)
       * and the window's ends, so 1% is some 20 standard errors. */
      g_assert_cmpfloat (fabs (st.mean_in_system / little - 1.0), <, 0.01);
      /* On one sample path L and T differ only by the requests in the
       * system at the window's ends. */
      g_assert_cmpfloat (fabs (st.mean_in_system / (rate * st.mean_response) - 1.0), <, 1e-3);
      g_assert_cmpfloat (fabs (st.utilisation / 0.8 - 1.0), <, 0.01);
    }
}

/* M/M/c/K: p_n proportional to a^n / n! (n <= c), a^c / c! (a / c)^(n - c). */
static void
mmck_theory (guint c, guint k, double a, double *loss, double *in_system)
{
  double p[64], term = 1.0, sum = 0.0;
  g_assert_cmpuint (k, <, 64);
  for (guint n = 0; n <= k; n++)
    {
      p[n] = term;
      sum += term;
      term *= a / (n + 1 <= c ? (double) (n + 1) : (double) c);
    }
  *in_system = 0.0;
  for (guint n = 0; n <= k; n++)
    *in_system += n * p[n] / sum;
  *loss = p[k] / sum;
}

static void
test_bounded_loss (void)
{
  const struct { guint c, k; double lambda; } cases[] = { { 2, 5, 1.6 }, { 4, 6, 4.4 } };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      guint c = cases[i].c, k = cases[i].k;
      double lambda = cases[i].lambda, loss, in_system;
      mmck_theory (c, k, lambda, &loss, &in_system);
      g_autoptr (SimQueue) q = mmc_queue (c, lambda, 1.0, k, 10000, 10 + (guint32) i, NULL, NULL);
      g_autoptr (GError) error = NULL;
      g_assert_true (sim_queue_run (q, 10000, INFINITY, NULL, &error));
      double losses[BATCHES], ls[BATCHES], littles[BATCHES];
      for (int b = 0; b < BATCHES; b++)
        {
          SimQueueStats st;
          g_assert_true (sim_queue_run (q, 100000, INFINITY, &st, &error));
          g_assert_cmpuint (st.arrivals, ==, st.count + st.lost);
          losses[b] = (double) st.lost / (double) st.arrivals;
          ls[b] = st.mean_in_system;
          littles[b] = (double) st.count / st.window * st.mean_response;
        }
      double m_loss, se_loss, m_l, se_l, m_little, se_little;
      batch_stats (losses, BATCHES, &m_loss, &se_loss);
      batch_stats (ls, BATCHES, &m_l, &se_l);
      batch_stats (littles, BATCHES, &m_little, &se_little);
      g_test_message ("M/M/%u/%u, a = %g (seed %u): loss %.5f (SE %.5f), theory %.5f; L %.4f "
                      "(SE %.4f), theory %.4f; accepted rate x T %.4f",
                      c, k, lambda, SEED, m_loss, se_loss, loss, m_l, se_l, in_system, m_little);
      g_assert_cmpfloat (se_loss * 2.5, <=, 0.03 * loss);
      g_assert_cmpfloat (fabs (m_loss / loss - 1.0), <=, 0.03);
      g_assert_cmpfloat (fabs (m_l - in_system), <=, 5.0 * se_l);
      g_assert_cmpfloat (fabs (m_little / m_l - 1.0), <, 0.01);
    }
}

/* ---- other service laws -------------------------------------------------------- */

static void
check_mg1 (SimQueueDist service, double second_moment, double lambda, guint32 stream)
{
  SimQueueConfig config = {
    .servers = 1,
    .interarrival = sim_queue_dist_exponential (1.0 / lambda),
    .service = service,
    .warmup = 100000,
  };
  SimRng rng;
  sim_rng_init (&rng, SEED, 0, 3, stream, 0);
  g_autoptr (GError) error = NULL;
  g_autoptr (SimQueue) q = sim_queue_new (&config, &rng, &error);
  g_assert_no_error (error);
  g_assert_true (sim_queue_run (q, config.warmup, INFINITY, NULL, &error));
  double waits[BATCHES], util[BATCHES];
  for (int b = 0; b < BATCHES; b++)
    {
      SimQueueStats st;
      g_assert_true (sim_queue_run (q, 100000, INFINITY, &st, &error));
      waits[b] = st.mean_wait;
      util[b] = st.utilisation;
    }
  double rho = lambda * service.mean, wq = lambda * second_moment / (2.0 * (1.0 - rho));
  double m, se, mu_, seu;
  batch_stats (waits, BATCHES, &m, &se);
  batch_stats (util, BATCHES, &mu_, &seu);
  g_test_message ("M/G/1 (kind %d, rho %g, seed %u): wait %.5f (SE %.5f), Pollaczek-Khinchine "
                  "%.5f; utilisation %.5f (SE %.5f)",
                  service.kind, rho, SEED, m, se, wq, mu_, seu);
  g_assert_cmpfloat (se * 2.5, <=, 0.02 * wq);
  g_assert_cmpfloat (fabs (m / wq - 1.0), <=, 0.02);
  g_assert_cmpfloat (fabs (mu_ - rho), <=, 6.0 * seu);
}

static void
test_service_laws (void)
{
  /* M/D/1: E[S^2] = 1; M/G/1 with lognormal (mean 1, cv 0.5): E[S^2] = 1.25. */
  check_mg1 (sim_queue_dist_deterministic (1.0), 1.0, 0.7, 0);
  check_mg1 (sim_queue_dist_lognormal (1.0, 0.5), 1.25, 0.6, 1);

  /* The lognormal generator's mean and cv. */
  SimQueueDist d = sim_queue_dist_lognormal (2.0, 1.5);
  SimRng rng;
  sim_rng_init (&rng, SEED, 0, 4, 0, 0);
  double s = 0.0, s2 = 0.0;
  const int n = 2000000;
  for (int i = 0; i < n; i++)
    {
      double x = sim_queue_dist_draw (&d, &rng);
      s += x;
      s2 += x * x;
    }
  double mean = s / n, sd = sqrt (s2 / n - mean * mean);
  g_test_message ("lognormal(2, 1.5): mean %.4f, cv %.4f", mean, sd / mean);
  /* SE of the mean: sd / sqrt (n) = 3 / 1414 = 0.002. */
  g_assert_cmpfloat (fabs (mean - 2.0), <, 0.012);
  g_assert_cmpfloat (fabs (sd / mean - 1.5), <, 0.1);

  /* D/D/3: arrivals every 1, service 2.5: a server is always free. */
  SimQueueConfig dd = {
    .servers = 3,
    .interarrival = sim_queue_dist_deterministic (1.0),
    .service = sim_queue_dist_deterministic (2.5),
    .track_in_system = TRUE,
  };
  g_autoptr (GError) error = NULL;
  g_autoptr (SimQueue) q = sim_queue_new (&dd, &rng, &error);
  g_assert_no_error (error);
  SimQueueStats st;
  g_assert_true (sim_queue_run (q, 1000, INFINITY, &st, &error));
  g_assert_cmpfloat (st.mean_wait, ==, 0.0);
  g_assert_cmpfloat (st.mean_response, ==, 2.5);
  g_assert_cmpfloat (st.max_response, ==, 2.5);
  g_assert_cmpfloat (st.window, ==, 1000.0);
  g_assert_cmpfloat (fabs (st.utilisation - 2.5 / 3.0), <, 1e-12);
  /* One window later the number in system is 2.5 on average exactly. */
  g_assert_true (sim_queue_run (q, 1000, INFINITY, &st, &error));
  g_assert_cmpfloat (fabs (st.mean_in_system - 2.5), <, 1e-9);
  /* D/D/1 overloaded (service 1.5 every 1): the k-th waits 0.5 (k - 1). */
  SimQueueConfig over = dd;
  over.servers = 1;
  over.service = sim_queue_dist_deterministic (1.5);
  g_autoptr (SimQueue) q2 = sim_queue_new (&over, &rng, &error);
  g_assert_true (sim_queue_run (q2, 101, INFINITY, &st, &error));
  g_assert_cmpfloat (st.mean_wait, ==, 25.0);
  g_assert_cmpfloat (st.max_response, ==, 51.5);
}

/* ---- determinism ------------------------------------------------------------------ */

static GArray *
responses_of (guint c, guint capacity, gboolean track, const guint64 *cuts, const double *horizons,
              gsize n_calls, guint32 stream)
{
  GArray *out = g_array_new (FALSE, FALSE, sizeof (double));
  SimQueueArray arr = { .values = g_new (double, 100000), .size = 100000 };
  SimQueueConfig config = {
    .servers = c,
    .capacity = capacity,
    .interarrival = sim_queue_dist_exponential (1.0 / (0.9 * c)),
    .service = sim_queue_dist_lognormal (1.0, 0.8),
    .warmup = 500,
    .track_in_system = track,
    .record = sim_queue_record_array,
    .record_data = &arr,
  };
  SimRng rng;
  sim_rng_init (&rng, SEED, 0, 5, stream, 0);
  g_autoptr (GError) error = NULL;
  g_autoptr (SimQueue) q = sim_queue_new (&config, &rng, &error);
  g_assert_no_error (error);
  for (gsize i = 0; i < n_calls; i++)
    g_assert_true (sim_queue_run (q, cuts[i], horizons[i], NULL, &error));
  g_assert_cmpuint (arr.dropped, ==, 0);
  g_array_append_vals (out, arr.values, arr.len);
  g_free (arr.values);
  return out;
}

static void
assert_same (GArray *a, GArray *b)
{
  g_assert_cmpuint (a->len, ==, b->len);
  g_assert_cmpmem (a->data, a->len * sizeof (double), b->data, b->len * sizeof (double));
}

static void
test_determinism (void)
{
  const guint64 whole[] = { 50000 };
  const double inf1[] = { INFINITY };
  g_autoptr (GArray) a = responses_of (8, 0, FALSE, whole, inf1, 1, 0);
  g_autoptr (GArray) b = responses_of (8, 0, FALSE, whole, inf1, 1, 0);
  g_assert_cmpuint (a->len, ==, 49500);
  assert_same (a, b);
  /* Cut by counts, and by horizons (then the rest by count). */
  const guint64 cuts[] = { 1, 499, 1, 20000, 29499 };
  const double inf5[] = { INFINITY, INFINITY, INFINITY, INFINITY, INFINITY };
  g_autoptr (GArray) c = responses_of (8, 0, FALSE, cuts, inf5, 5, 0);
  assert_same (a, c);
  const guint64 by_time[] = { G_MAXUINT64, G_MAXUINT64, G_MAXUINT64, 0 };
  const double horizons[] = { 10.0, 10.0, 2000.0, INFINITY };
  g_autoptr (GArray) d = responses_of (8, 0, FALSE, by_time, horizons, 3, 0);
  g_assert_cmpuint (d->len, >, 10000);
  g_assert_cmpmem (d->data, d->len * sizeof (double), a->data, d->len * sizeof (double));
  /* Tracking, and a bound never reached, change nothing. */
  g_autoptr (GArray) e = responses_of (8, 0, TRUE, whole, inf1, 1, 0);
  assert_same (a, e);
  g_autoptr (GArray) f = responses_of (8, 10000, FALSE, whole, inf1, 1, 0);
  assert_same (a, f);
  /* Another stream, other responses. */
  g_autoptr (GArray) g = responses_of (8, 0, FALSE, whole, inf1, 1, 1);
  g_assert_cmpuint (g->len, ==, a->len);
  g_assert_true (memcmp (g->data, a->data, a->len * sizeof (double)) != 0);
}

/* A callback that draws exactly as the built-in exponential does. */
static double
draw_exponential (SimRng *rng, gpointer data)
{
  return -log (sim_rng_uniform (rng)) * *(const double *) data;
}

static double
draw_bad (SimRng *rng, gpointer data)
{
  int *left = data;
  return --*left > 0 ? 1.0 : -1.0;
}

static void
test_callbacks (void)
{
  double ia_mean = 1.0 / 7.0, s_mean = 1.0;
  SimQueueStats st1, st2;
  g_autoptr (GError) error = NULL;
  SimRng rng;
  sim_rng_init (&rng, SEED, 0, 6, 0, 0);

  SimQueueConfig builtin = {
    .servers = 8,
    .interarrival = sim_queue_dist_exponential (ia_mean),
    .service = sim_queue_dist_exponential (s_mean),
  };
  SimQueueConfig callback = builtin;
  callback.interarrival = sim_queue_dist_callback (draw_exponential, &ia_mean);
  callback.service = sim_queue_dist_callback (draw_exponential, &s_mean);
  g_autoptr (SimQueue) q1 = sim_queue_new (&builtin, &rng, &error);
  g_autoptr (SimQueue) q2 = sim_queue_new (&callback, &rng, &error);
  g_assert_true (sim_queue_run (q1, 100000, INFINITY, &st1, &error));
  g_assert_true (sim_queue_run (q2, 100000, INFINITY, &st2, &error));
  g_assert_cmpmem (&st1, sizeof st1, &st2, sizeof st2);

  /* A bad service time: an error naming it; the queue stays stopped. */
  int left = 1000;
  SimQueueConfig bad = builtin;
  bad.service = sim_queue_dist_callback (draw_bad, &left);
  g_autoptr (SimQueue) q3 = sim_queue_new (&bad, &rng, &error);
  g_assert_false (sim_queue_run (q3, 5000, INFINITY, &st1, &error));
  g_assert_error (error, SIM_QUEUE_ERROR, SIM_QUEUE_ERROR_DRAW);
  g_assert_nonnull (strstr (error->message, "service"));
  g_assert_cmpuint (sim_queue_arrivals (q3), ==, 999);
  g_clear_error (&error);
  g_assert_false (sim_queue_run (q3, 5000, INFINITY, &st1, &error));
  g_assert_error (error, SIM_QUEUE_ERROR, SIM_QUEUE_ERROR_DRAW);
  g_clear_error (&error);

  /* A bad first interarrival time: the queue is not made. */
  left = 1;
  bad = builtin;
  bad.interarrival = sim_queue_dist_callback (draw_bad, &left);
  g_assert_null (sim_queue_new (&bad, &rng, &error));
  g_assert_error (error, SIM_QUEUE_ERROR, SIM_QUEUE_ERROR_DRAW);
  g_assert_nonnull (strstr (error->message, "interarrival"));
}

/* ---- windows, warm-up, configuration ------------------------------------------------ */

static void
test_windows (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (SimQueue) q = mmc_queue (4, 2.0, 1.0, 0, 100, 20, NULL, NULL);
  SimQueueStats st;
  /* Only warm-up: nothing measured, an empty window. */
  g_assert_true (sim_queue_run (q, 60, INFINITY, &st, &error));
  g_assert_cmpuint (st.arrivals, ==, 0);
  g_assert_cmpfloat (st.window, ==, 0.0);
  g_assert_true (isnan (st.mean_response) && isnan (st.utilisation));
  /* The rest of the warm-up and 50 measured. */
  double before = sim_queue_now (q);
  g_assert_true (sim_queue_run (q, 90, INFINITY, &st, &error));
  g_assert_cmpuint (st.arrivals, ==, 50);
  g_assert_cmpuint (st.count, ==, 50);
  g_assert_cmpuint (sim_queue_arrivals (q), ==, 150);
  g_assert_cmpfloat (st.window, >, 0.0);
  g_assert_cmpfloat (st.window, <, sim_queue_now (q) - before);
  /* By horizon: the window ends there; arrivals about lambda x window. */
  double t0 = sim_queue_now (q);
  g_assert_true (sim_queue_run (q, G_MAXUINT64, t0 + 5000.0, &st, &error));
  g_assert_cmpfloat (sim_queue_now (q), ==, t0 + 5000.0);
  g_assert_cmpfloat (st.window, ==, 5000.0);
  g_assert_cmpfloat (fabs ((double) st.arrivals - 10000.0), <, 6.0 * 100.0);
  g_assert_cmpfloat (st.mean_in_system, >, 0.0);
  /* An empty horizon window. */
  g_assert_true (sim_queue_run (q, G_MAXUINT64, sim_queue_now (q), &st, &error));
  g_assert_cmpuint (st.arrivals, ==, 0);
  /* A horizon in the past is a programmer error. */
  g_test_expect_message (NULL, G_LOG_LEVEL_CRITICAL, "*assertion*failed*");
  g_assert_false (sim_queue_run (q, 10, 1.0, &st, NULL));
  g_test_assert_expected_messages ();
  /* A horizon inside the warm-up measures nothing. */
  g_autoptr (SimQueue) q2 = mmc_queue (4, 2.0, 1.0, 0, 1000, 21, NULL, NULL);
  g_assert_true (sim_queue_run (q2, G_MAXUINT64, 10.0, &st, &error));
  g_assert_cmpuint (st.arrivals, ==, 0);
  g_assert_cmpfloat (st.window, ==, 0.0);
  g_assert_cmpfloat (sim_queue_now (q2), ==, 10.0);
}

static void
expect_invalid (const SimQueueConfig *config, const char *field)
{
  SimRng rng;
  sim_rng_init (&rng, SEED, 0, 0, 0, 0);
  g_autoptr (GError) error = NULL;
  g_assert_null (sim_queue_new (config, &rng, &error));
  g_assert_error (error, SIM_QUEUE_ERROR, SIM_QUEUE_ERROR_INVALID);
  g_test_message ("%s", error->message);
  if (strstr (error->message, field) == NULL || strstr (error->message, "expected") == NULL)
    g_error ("error '%s' names neither '%s' nor what was expected", error->message, field);
}

static void
test_bad_config (void)
{
  const SimQueueConfig good = {
    .servers = 2,
    .interarrival = sim_queue_dist_exponential (1.0),
    .service = sim_queue_dist_exponential (1.0),
  };
  SimQueueConfig c = good;
  c.servers = 0;
  expect_invalid (&c, "servers");
  c = good;
  c.capacity = 1;
  expect_invalid (&c, "capacity");
  c = good;
  c.interarrival.mean = -1.0;
  expect_invalid (&c, "interarrival.mean");
  c = good;
  c.interarrival = sim_queue_dist_deterministic (0.0);
  expect_invalid (&c, "interarrival.mean");
  c = good;
  c.service.mean = NAN;
  expect_invalid (&c, "service.mean");
  c = good;
  c.service = sim_queue_dist_lognormal (1.0, 0.0);
  expect_invalid (&c, "service.cv");
  c = good;
  c.service = sim_queue_dist_callback (NULL, NULL);
  expect_invalid (&c, "service.fn");
  c = good;
  c.service.kind = (SimQueueDistKind) 42;
  expect_invalid (&c, "service.kind");
  /* Zero service time is allowed (deterministic). */
  c = good;
  c.service = sim_queue_dist_deterministic (0.0);
  SimRng rng;
  sim_rng_init (&rng, SEED, 0, 0, 0, 0);
  g_autoptr (SimQueue) q = sim_queue_new (&c, &rng, NULL);
  g_assert_nonnull (q);
  sim_queue_free (NULL);
}

static void
test_record_array (void)
{
  double values[10];
  SimQueueArray arr = { .values = values, .size = 10 };
  g_autoptr (SimQueue) q = mmc_queue (2, 1.0, 1.0, 0, 0, 30, sim_queue_record_array, &arr);
  SimQueueStats st;
  g_assert_true (sim_queue_run (q, 15, INFINITY, &st, NULL));
  g_assert_cmpuint (arr.len, ==, 10);
  g_assert_cmpuint (arr.dropped, ==, 5);
  double max = 0.0;
  for (int i = 0; i < 10; i++)
    {
      g_assert_cmpfloat (values[i], >, 0.0);
      max = MAX (max, values[i]);
    }
  g_assert_cmpfloat (max, <=, st.max_response);
}

static void
test_bench (void)
{
  double seconds = 0.0;
  double mean = sim_queue_bench (64, 0.5, 1000000, &seconds);
  g_test_message ("bench M/M/64 at 0.5: mean %.5f (Erlang C %.5f), %.1f million requests/s",
                  mean, sim_erlang_mean_response (64, 32.0, 1.0), 1.0 / seconds);
  /* The SE of the mean at this size is about 0.02%. */
  g_assert_cmpfloat (fabs (mean / sim_erlang_mean_response (64, 32.0, 1.0) - 1.0), <, 0.002);
  g_assert_cmpfloat (seconds, >, 0.0);
}

int
main (int argc, char **argv)
{
  essc_test_init (&argc, &argv);
  /* { c, load %, millions of requests }: sizes from the batch variances. */
  static const guint cases[][3] = {
    { 1, 50, 4 },  { 1, 80, 20 },  { 1, 95, 150 },
    { 8, 50, 2 },  { 8, 80, 8 },   { 8, 95, 90 },
    { 64, 50, 2 }, { 64, 80, 2 },  { 64, 95, 30 },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/sim/queue/mmc/c%u-load%u", cases[i][0],
                                               cases[i][1]);
      g_test_add_data_func (path, cases[i], test_mmc_erlang_c);
    }
  g_test_add_func ("/sim/queue/little-law", test_little_law);
  g_test_add_func ("/sim/queue/bounded-loss", test_bounded_loss);
  g_test_add_func ("/sim/queue/service-laws", test_service_laws);
  g_test_add_func ("/sim/queue/determinism", test_determinism);
  g_test_add_func ("/sim/queue/callbacks", test_callbacks);
  g_test_add_func ("/sim/queue/windows", test_windows);
  g_test_add_func ("/sim/queue/bad-config", test_bad_config);
  g_test_add_func ("/sim/queue/record-array", test_record_array);
  g_test_add_func ("/sim/queue/bench", test_bench);
  return g_test_run ();
}
