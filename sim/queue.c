/* SPDX-License-Identifier: MIT */
/*
 * The FCFS multi-server queue of sim/queue.h.  The state is the servers'
 * free times in a binary min-heap (root: the server that frees first), the
 * time of the next arrival (already drawn), and, when the number in system
 * is tracked, a second min-heap of the departure times of the requests in
 * the system.  Processing arrival a with service s: start = max (a, root),
 * the root is replaced by start + s and sifted down; response = (start - a)
 * + s.  With tracking, departures up to a are first popped from the
 * departure heap, each adding (number in system) x (time since the last
 * change) to the area under the number-in-system curve; the heap's size is
 * then the number in system that the arrival sees, which decides a loss
 * under a capacity bound.  The loop is written once and instantiated for
 * each combination of (tracking, record hook), so the hot path tests neither.
 */
#include "sim/queue.h"

#include <math.h>

G_DEFINE_QUARK (sim-queue-error-quark, sim_queue_error)

/* A distribution with its derived parameters: for the lognormal a = m and
 * b = s of exp (m + s Z); otherwise a = mean. */
typedef struct {
  SimQueueDistKind kind;
  double a, b;
  SimQueueDrawFn fn;
  gpointer data;
} Gen;

struct _SimQueue {
  SimQueueConfig config;
  SimRng rng;
  Gen interarrival, service;
  double *free_at;       /* min-heap of the c servers' free times */
  double *dep;           /* min-heap of departure times (tracking) */
  gsize n_dep, dep_size;
  gboolean track;
  double next_arrival;
  double clock;          /* last arrival processed, or horizon reached */
  double area_t;         /* the area under N(t) is accounted up to here */
  guint64 processed;
  gboolean failed;       /* a callback returned a bad time */
};

/* ---- distributions ---------------------------------------------------------- */

SimQueueDist
sim_queue_dist_exponential (double mean)
{
  return (SimQueueDist) { .kind = SIM_QUEUE_DIST_EXPONENTIAL, .mean = mean };
}

SimQueueDist
sim_queue_dist_deterministic (double value)
{
  return (SimQueueDist) { .kind = SIM_QUEUE_DIST_DETERMINISTIC, .mean = value };
}

SimQueueDist
sim_queue_dist_lognormal (double mean, double cv)
{
  return (SimQueueDist) { .kind = SIM_QUEUE_DIST_LOGNORMAL, .mean = mean, .cv = cv };
}

SimQueueDist
sim_queue_dist_callback (SimQueueDrawFn fn, gpointer data)
{
  return (SimQueueDist) { .kind = SIM_QUEUE_DIST_CALLBACK, .fn = fn, .data = data };
}

static gboolean
dist_check (const SimQueueDist *d, const char *field, gboolean zero_ok, GError **error)
{
  switch (d->kind)
    {
    case SIM_QUEUE_DIST_EXPONENTIAL:
    case SIM_QUEUE_DIST_DETERMINISTIC:
    case SIM_QUEUE_DIST_LOGNORMAL:
      if (!isfinite (d->mean) || d->mean < 0.0
          || (d->mean == 0.0 && !(zero_ok && d->kind == SIM_QUEUE_DIST_DETERMINISTIC)))
        {
          g_set_error (error, SIM_QUEUE_ERROR, SIM_QUEUE_ERROR_INVALID,
                       "%s.mean: %g, expected a finite number %s 0", field, d->mean,
                       zero_ok && d->kind == SIM_QUEUE_DIST_DETERMINISTIC ? ">=" : ">");
          return FALSE;
        }
      if (d->kind == SIM_QUEUE_DIST_LOGNORMAL && !(isfinite (d->cv) && d->cv > 0.0))
        {
          g_set_error (error, SIM_QUEUE_ERROR, SIM_QUEUE_ERROR_INVALID,
                       "%s.cv: %g, expected a finite number > 0", field, d->cv);
          return FALSE;
        }
      return TRUE;
    case SIM_QUEUE_DIST_CALLBACK:
      if (d->fn == NULL)
        {
          g_set_error (error, SIM_QUEUE_ERROR, SIM_QUEUE_ERROR_INVALID,
                       "%s.fn: NULL, expected a draw function", field);
          return FALSE;
        }
      return TRUE;
    default:
      g_set_error (error, SIM_QUEUE_ERROR, SIM_QUEUE_ERROR_INVALID,
                   "%s.kind: %d, expected a SimQueueDistKind", field, (int) d->kind);
      return FALSE;
    }
}

static Gen
gen_of (const SimQueueDist *d)
{
  Gen g = { .kind = d->kind, .a = d->mean, .fn = d->fn, .data = d->data };
  if (d->kind == SIM_QUEUE_DIST_LOGNORMAL)
    {
      double s2 = log1p (d->cv * d->cv);
      g.a = log (d->mean) - 0.5 * s2;
      g.b = sqrt (s2);
    }
  return g;
}

/* One draw; a callback's bad value is returned as is (the caller checks). */
static inline double
draw (const Gen *g, SimRng *r)
{
  switch (g->kind)
    {
    case SIM_QUEUE_DIST_EXPONENTIAL:
      return -log (sim_rng_uniform (r)) * g->a;
    case SIM_QUEUE_DIST_DETERMINISTIC:
      return g->a;
    case SIM_QUEUE_DIST_LOGNORMAL:
      {
        double z;
        sim_rng_normal_pair (r, &z, NULL);
        return exp (g->a + g->b * z);
      }
    case SIM_QUEUE_DIST_CALLBACK:
    default:
      return g->fn (r, g->data);
    }
}

double
sim_queue_dist_draw (const SimQueueDist *dist, SimRng *rng)
{
  g_return_val_if_fail (dist != NULL && rng != NULL, NAN);
  g_return_val_if_fail (dist_check (dist, "dist", TRUE, NULL), NAN);
  Gen g = gen_of (dist);
  return draw (&g, rng);
}

/* ---- heaps ------------------------------------------------------------------ */

/* Replaces the root of the min-heap h[0..n-1] by v and restores the order. */
static inline void
heap_replace_top (double *h, guint n, double v)
{
  guint i = 0;
  for (;;)
    {
      guint l = 2 * i + 1;
      if (l >= n)
        break;
      guint m = (l + 1 < n && h[l + 1] < h[l]) ? l + 1 : l;
      if (h[m] >= v)
        break;
      h[i] = h[m];
      i = m;
    }
  h[i] = v;
}

static void
dep_push (SimQueue *q, double v)
{
  if (q->n_dep == q->dep_size)
    {
      q->dep_size = MAX (q->dep_size * 2, 64);
      q->dep = g_renew (double, q->dep, q->dep_size);
    }
  gsize i = q->n_dep++;
  while (i > 0 && q->dep[(i - 1) / 2] > v)
    {
      q->dep[i] = q->dep[(i - 1) / 2];
      i = (i - 1) / 2;
    }
  q->dep[i] = v;
}

/* Pops departures up to time t, accounting the area under N up to t. */
static inline void
dep_advance (SimQueue *q, double t, double *area)
{
  while (q->n_dep > 0 && q->dep[0] <= t)
    {
      *area += (double) q->n_dep * (q->dep[0] - q->area_t);
      q->area_t = q->dep[0];
      double last = q->dep[--q->n_dep];
      if (q->n_dep > 0)
        heap_replace_top (q->dep, (guint) MIN (q->n_dep, (gsize) G_MAXUINT), last);
    }
  if (t > q->area_t)
    {
      *area += (double) q->n_dep * (t - q->area_t);
      q->area_t = t;
    }
}

/* ---- the queue -------------------------------------------------------------- */

SimQueue *
sim_queue_new (const SimQueueConfig *config, const SimRng *rng, GError **error)
{
  g_return_val_if_fail (config != NULL && rng != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (config->servers < 1 || config->servers > SIM_QUEUE_MAX_SERVERS)
    {
      g_set_error (error, SIM_QUEUE_ERROR, SIM_QUEUE_ERROR_INVALID,
                   "servers: %u, expected 1 to %u", config->servers, SIM_QUEUE_MAX_SERVERS);
      return NULL;
    }
  if (config->capacity != 0 && config->capacity < config->servers)
    {
      g_set_error (error, SIM_QUEUE_ERROR, SIM_QUEUE_ERROR_INVALID,
                   "capacity: %u, expected 0 (unbounded) or at least servers (%u)",
                   config->capacity, config->servers);
      return NULL;
    }
  if (!dist_check (&config->interarrival, "interarrival", FALSE, error)
      || !dist_check (&config->service, "service", TRUE, error))
    return NULL;

  g_autoptr (SimQueue) q = g_new0 (SimQueue, 1);
  q->config = *config;
  q->rng = *rng;
  q->interarrival = gen_of (&config->interarrival);
  q->service = gen_of (&config->service);
  q->free_at = g_new0 (double, config->servers);
  q->track = config->capacity > 0 || config->track_in_system;
  if (config->capacity > 0)
    {
      q->dep_size = config->capacity;
      q->dep = g_new (double, q->dep_size);
    }
  double first = draw (&q->interarrival, &q->rng);
  if (!(first >= 0.0 && first < INFINITY))
    {
      g_set_error (error, SIM_QUEUE_ERROR, SIM_QUEUE_ERROR_DRAW,
                   "interarrival: the callback returned %g, expected a finite time >= 0", first);
      return NULL;
    }
  q->next_arrival = first;
  return g_steal_pointer (&q);
}

void
sim_queue_free (SimQueue *queue)
{
  if (queue == NULL)
    return;
  g_free (queue->free_at);
  g_free (queue->dep);
  g_free (queue);
}

double
sim_queue_now (const SimQueue *queue)
{
  g_return_val_if_fail (queue != NULL, NAN);
  return queue->clock;
}

guint64
sim_queue_arrivals (const SimQueue *queue)
{
  g_return_val_if_fail (queue != NULL, 0);
  return queue->processed;
}

/* Sums over a segment of arrivals. */
typedef struct {
  guint64 arrivals, count, lost;
  double response, wait, service, max_response, area;
} Acc;

/*
 * Processes up to n arrivals no later than horizon into acc.  Returns FALSE
 * when a callback gave a bad time (put in *bad, the distribution's name in
 * *what): a bad service time stops before its arrival is processed, a bad
 * interarrival time right after.  Always inlined with constant track and
 * hook, so each instance is lean.
 */
static inline __attribute__ ((always_inline)) gboolean
loop (SimQueue *q, guint64 n, double horizon, Acc *acc, gboolean track, gboolean hook,
      double *bad, const char **what)
{
  double *heap = q->free_at;
  const guint c = q->config.servers;
  const guint capacity = q->config.capacity;
  const SimQueueRecordFn record = q->config.record;
  const gpointer record_data = q->config.record_data;
  const Gen service = q->service, interarrival = q->interarrival;
  double next = q->next_arrival, last = q->clock;
  double sum_r = 0.0, sum_w = 0.0, sum_s = 0.0, max_r = acc->max_response;
  guint64 done_n = 0, count = 0, lost = 0;
  gboolean ok = TRUE;

  while (done_n < n && next <= horizon)
    {
      double a = next;
      double s = draw (&service, &q->rng);
      if (G_UNLIKELY (!(s >= 0.0 && s < INFINITY)))
        {
          *bad = s, *what = "service", ok = FALSE;
          break;
        }
      double ia = draw (&interarrival, &q->rng);
      if (G_UNLIKELY (!(ia >= 0.0 && ia < INFINITY)))
        *bad = ia, *what = "interarrival", ok = FALSE;
      next = a + ia;
      last = a;
      done_n++;
      if (track)
        {
          dep_advance (q, a, &acc->area);
          if (capacity != 0 && q->n_dep >= capacity)
            {
              lost++;
              if (G_UNLIKELY (!ok))
                break;
              continue;
            }
        }
      double f = heap[0];
      double start = f > a ? f : a;
      double end = start + s;
      heap_replace_top (heap, c, end);
      double w = start - a, r = w + s;
      if (track)
        dep_push (q, end);
      count++;
      sum_r += r;
      sum_w += w;
      sum_s += s;
      max_r = r > max_r ? r : max_r;
      if (hook)
        record (r, record_data);
      if (G_UNLIKELY (!ok))
        break;
    }
  q->processed += done_n;
  q->next_arrival = next;
  q->clock = last;
  acc->arrivals += done_n;
  acc->count += count;
  acc->lost += lost;
  acc->response += sum_r;
  acc->wait += sum_w;
  acc->service += sum_s;
  acc->max_response = max_r;
  return ok;
}

static gboolean
loop_any (SimQueue *q, guint64 n, double horizon, Acc *acc, gboolean hook, double *bad,
          const char **what)
{
  if (q->track)
    return hook ? loop (q, n, horizon, acc, TRUE, TRUE, bad, what)
                : loop (q, n, horizon, acc, TRUE, FALSE, bad, what);
  return hook ? loop (q, n, horizon, acc, FALSE, TRUE, bad, what)
              : loop (q, n, horizon, acc, FALSE, FALSE, bad, what);
}

gboolean
sim_queue_run (SimQueue *queue, guint64 max_arrivals, double horizon, SimQueueStats *stats,
               GError **error)
{
  g_return_val_if_fail (queue != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);
  g_return_val_if_fail (!isnan (horizon) && horizon >= queue->clock, FALSE);

  if (queue->failed)
    {
      g_set_error (error, SIM_QUEUE_ERROR, SIM_QUEUE_ERROR_DRAW,
                   "the queue stopped at a bad draw of a callback and cannot go on");
      return FALSE;
    }
  double bad = 0.0;
  const char *what = NULL;
  gboolean ok = TRUE;

  /* Warm-up: simulated, not measured, no record hook. */
  guint64 remaining = max_arrivals;
  if (queue->processed < queue->config.warmup)
    {
      Acc skip = { 0 };
      guint64 before = queue->processed;
      ok = loop_any (queue, MIN (remaining, queue->config.warmup - before), horizon, &skip,
                     FALSE, &bad, &what);
      remaining -= queue->processed - before;
      if (ok && queue->processed < queue->config.warmup)
        remaining = 0;   /* the horizon came first: nothing measured */
    }

  /* The measured window (empty when the horizon came within the warm-up). */
  gboolean measuring = queue->processed >= queue->config.warmup;
  double t0 = queue->clock;
  Acc acc = { 0 };
  gboolean hook = queue->config.record != NULL;
  if (ok && remaining > 0)
    ok = loop_any (queue, remaining, horizon, &acc, hook, &bad, &what);
  if (!ok)
    {
      queue->failed = TRUE;
      g_set_error (error, SIM_QUEUE_ERROR, SIM_QUEUE_ERROR_DRAW,
                   "%s: the callback returned %g, expected a finite time >= 0", what, bad);
      return FALSE;
    }
  if (queue->next_arrival > horizon && horizon < INFINITY)
    {
      /* No arrival is left before the horizon: the window runs to it. */
      double unmeasured = 0.0;
      if (queue->track)
        dep_advance (queue, horizon, measuring ? &acc.area : &unmeasured);
      queue->clock = horizon;
      if (!measuring)
        t0 = horizon;
    }

  if (stats == NULL)
    return TRUE;
  double window = queue->clock - t0;
  double c = (double) queue->config.servers;
  *stats = (SimQueueStats) {
    .arrivals = acc.arrivals,
    .count = acc.count,
    .lost = acc.lost,
    .window = window,
    .mean_response = acc.count > 0 ? acc.response / (double) acc.count : NAN,
    .mean_wait = acc.count > 0 ? acc.wait / (double) acc.count : NAN,
    .max_response = acc.max_response,
    .utilisation = window > 0.0 ? acc.service / (c * window) : NAN,
    .mean_in_system = queue->track && window > 0.0 ? acc.area / window : NAN,
  };
  return TRUE;
}

/* ---- helpers ---------------------------------------------------------------- */

void
sim_queue_record_array (double response, gpointer data)
{
  SimQueueArray *array = data;
  if (array->len < array->size)
    array->values[array->len++] = response;
  else
    array->dropped++;
}

double
sim_queue_bench (guint c, double load, guint64 n, double *seconds_out)
{
  if (seconds_out != NULL)
    *seconds_out = NAN;
  g_return_val_if_fail (c >= 1 && c <= SIM_QUEUE_MAX_SERVERS, NAN);
  g_return_val_if_fail (load > 0.0 && load < 1.0, NAN);
  g_return_val_if_fail (n >= 1, NAN);

  SimQueueConfig config = {
    .servers = c,
    .interarrival = sim_queue_dist_exponential (1.0 / (load * (double) c)),
    .service = sim_queue_dist_exponential (1.0),
    .warmup = n / 10,
  };
  SimRng rng;
  sim_rng_init (&rng, 20190101, 0, 0, 0, 0);
  g_autoptr (SimQueue) q = sim_queue_new (&config, &rng, NULL);
  g_assert (q != NULL);
  SimQueueStats stats;
  if (!sim_queue_run (q, config.warmup, INFINITY, NULL, NULL))
    g_assert_not_reached ();
  gint64 t0 = g_get_monotonic_time ();
  if (!sim_queue_run (q, n, INFINITY, &stats, NULL))
    g_assert_not_reached ();
  gint64 t1 = g_get_monotonic_time ();
  if (seconds_out != NULL)
    *seconds_out = (double) (t1 - t0) * 1e-6;
  return stats.mean_response;
}
