/* SPDX-License-Identifier: MIT */
/*
 * The latency model (see latency.h): a replication's demand table, then one
 * engine unit per platform (sim/model.h: the engine deals the platforms to
 * a replication's processes and threads) simulating its days' peak windows
 * (and, when asked, its capacity plan), then the replication's digest; and
 * what a run shares across processes.
 */
#include "model/rollout/latency.h"

#include "base/bytes.h"
#include "sim/erlang.h"
#include "sim/queue.h"
#include "sim/rng.h"

#include <math.h>
#include <sodium.h>
#include <string.h>

G_DEFINE_QUARK (model-latency-error-quark, model_latency_error)

#define LATENCY_CELL 80
#define PLAN_CELL 81
#define LAG_CELL 82
#define PLAN_MAX_LOST 0.001
#define OVERLOAD_SAMPLES 20

guint
model_latency_n_platforms (const ModelScenario *sc)
{
  return 1 + sc->cities->n_provinces;
}

char *
model_latency_platform_name (const ModelScenario *sc, guint platform)
{
  if (platform == 0)
    return g_strdup ("national");
  const ModelProvince *p = &sc->cities->provinces[platform - 1];
  return g_strdup_printf ("local %06u %s", p->code, p->name);
}

guint
model_latency_servers_on (const ModelScenario *sc, guint platform, gint32 day)
{
  const ModelLatencyParams *lp = &sc->latency;
  return platform == 0
             ? model_scenario_servers_on (lp->national_servers, lp->n_national_servers, day)
             : model_scenario_servers_on (lp->local_servers, lp->n_local_servers, day);
}

static double
total_rate (const ModelDemand *d)
{
  double t = 0;
  for (guint k = 0; k < MODEL_N_REQ_KINDS; k++)
    t += d->rate[k];
  return t;
}

double
model_latency_mean_service (const ModelScenario *sc, const ModelDemand *d)
{
  double lambda = total_rate (d), s = 0;
  if (!(lambda > 0))
    return 0;
  for (guint k = 0; k < MODEL_N_REQ_KINDS; k++)
    s += d->rate[k] * sc->latency.measured[k];
  return s / lambda * sc->latency.hardware_factor;
}

void
model_latency_demand (const ModelScenario *sc, const ModelLatencyInput *in, guint day,
                      ModelDemand *out)
{
  const ModelLatencyParams *lp = &sc->latency;
  const guint np = model_latency_n_platforms (sc);
  const gint32 date = in->start + (gint32) day;
  const guint type = model_day_type (date);
  const double peak = lp->profile[type][lp->peak_hour[type]] / 3600.0;
  memset (out, 0, np * sizeof *out);
  for (guint c = 0; c < in->n_cities; c++)
    {
      double h = (double) in->holders[(gsize) c * in->n_days + day];
      double l2 = (double) in->level2[(gsize) c * in->n_days + day];
      ModelDemand *nat = &out[0];
      ModelDemand *pay = date >= in->switch_day[c]
                             ? nat : &out[1 + sc->cities->cities[c].province_index];
      for (guint k = 0; k < MODEL_N_REQ_KINDS; k++)
        {
          double daily = (k == MODEL_REQ_PAYMENT ? l2 : h) * lp->rate[k];
          ModelDemand *to = k == MODEL_REQ_PAYMENT ? pay : nat;
          to->rate[k] += daily * peak;
          to->requests += daily;
        }
    }
}

/* ---- result -------------------------------------------------------------- */

ModelLatencyResult *
model_latency_result_new (const ModelScenario *sc, guint n_days, guint n_months,
                          const guint *month_day, guint n_reps, gboolean plan)
{
  ModelLatencyResult *r = g_new0 (ModelLatencyResult, 1);
  r->n_platforms = model_latency_n_platforms (sc);
  r->n_days = n_days;
  r->n_months = n_months;
  r->n_reps = n_reps;
  r->start = sc->start;
  r->month_day = g_memdup2 (month_day, n_months * sizeof (guint));
  r->day = sim_series_set_new (r->n_platforms * MODEL_LAT_N_METRICS, n_days, n_reps);
  r->month = g_new (SimHistogram *, (gsize) r->n_platforms * n_months);
  for (gsize i = 0; i < (gsize) r->n_platforms * n_months; i++)
    r->month[i] = sim_histogram_new (MODEL_LATENCY_HIST_MIN, MODEL_LATENCY_HIST_MAX,
                                     MODEL_LATENCY_HIST_BITS);
  r->propagation = sim_histogram_new_like (r->month[0]);
  r->planned = plan;
  if (plan)
    {
      gsize n = (gsize) r->n_platforms * n_months * n_reps;
      r->plan = g_new0 (guint32, n);
      r->plan_erlang = g_new0 (guint32, n);
      r->plan_rate = g_new0 (double, n);
      r->plan_service = g_new0 (double, n);
    }
  r->rep_digest = g_new0 (guint8, (gsize) n_reps * 32);
  return r;
}

void
model_latency_result_free (ModelLatencyResult *r)
{
  if (r == NULL)
    return;
  g_free (r->month_day);
  sim_series_set_free (r->day);
  for (gsize i = 0; r->month != NULL && i < (gsize) r->n_platforms * r->n_months; i++)
    sim_histogram_free (r->month[i]);
  g_free (r->month);
  sim_histogram_free (r->propagation);
  g_free (r->plan);
  g_free (r->plan_erlang);
  g_free (r->plan_rate);
  g_free (r->plan_service);
  g_free (r->rep_digest);
  g_free (r);
}

/* ---- one platform's queue for one window --------------------------------- */

/* The kind mix of a window: service draws and the record hook's state. */
typedef struct {
  double cum[MODEL_N_REQ_KINDS];     /* cumulative kind probabilities */
  double mu[MODEL_N_REQ_KINDS];       /* lognormal service: exp (mu + sigma Z) */
  double sigma;
  SimRngNormal normal[2];            /* normals of the queue's and the lag's stream */
  guint last_kind;                   /* kind of the request just drawn */
  double last_service;               /* and its service time */
  SimHistogram *day, *month;         /* may be NULL */
  SimHistogram *propagation;         /* status changes' propagation, or NULL */
  SimRng lag;                        /* the status feed's lag draws */
  double lag_mean;
} Mix;

/* A lognormal service time of kind k from stream `which` (0: the queue's,
 * 1: the lag's); Box-Muller's second normal is kept for the stream's next
 * draw (sim/rng.h). */
static inline double
lognormal (Mix *m, guint k, SimRng *rng, guint which)
{
  return exp (m->mu[k] + m->sigma * sim_rng_normal (&m->normal[which], rng));
}

static double
draw_service (SimRng *rng, gpointer data)
{
  Mix *m = data;
  double u = sim_rng_uniform (rng);
  guint k = 0;
  while (k + 1 < MODEL_N_REQ_KINDS && u >= m->cum[k])
    k++;
  m->last_kind = k;
  m->last_service = lognormal (m, k, rng, 0);
  return m->last_service;
}

static void
record (double response, gpointer data)
{
  Mix *m = data;
  if (m->day != NULL)
    sim_histogram_record (m->day, response);
  if (m->month != NULL)
    sim_histogram_record (m->month, response);
  if (m->propagation != NULL)
    {
      /* FCFS: a request's wait does not depend on its kind, so every
       * request's wait is a status change's wait; add a status change's
       * service and the feed's lag, drawn from their own stream. */
      double wait = MAX (response - m->last_service, 0);
      double s = lognormal (m, MODEL_REQ_STATUS_CHANGE, &m->lag, 1);
      double lag = m->lag_mean > 0 ? -m->lag_mean * log1p (-sim_rng_uniform (&m->lag)) : 0;
      sim_histogram_record (m->propagation, wait + s + lag);
    }
}

static void
mix_init (Mix *m, const ModelScenario *sc, const ModelDemand *d)
{
  const ModelLatencyParams *lp = &sc->latency;
  double lambda = total_rate (d), acc = 0;
  memset (m, 0, sizeof *m);
  /* A kind of no demand repeats the previous bound and is never drawn; the
   * last kind with demand takes the rounding rest. */
  int last = -1;
  double s2 = log1p (lp->service_cv * lp->service_cv);
  m->sigma = sqrt (s2);
  for (guint k = 0; k < MODEL_N_REQ_KINDS; k++)
    {
      acc += d->rate[k] / lambda;
      m->cum[k] = acc;
      m->mu[k] = log (lp->measured[k] * lp->hardware_factor) - 0.5 * s2;
      if (d->rate[k] > 0)
        last = (int) k;
    }
  for (guint k = (guint) MAX (last, 0); k < MODEL_N_REQ_KINDS; k++)
    m->cum[k] = 2;
}

/* Simulates one window of demand d on c servers; the stream is (seed,
 * replication, platform, index, cell). */
static gboolean
window (const ModelScenario *sc, const ModelDemand *d, guint c, Mix *m, guint64 replication,
        guint platform, guint index, guint cell, SimQueueStats *stats, GError **error)
{
  const ModelLatencyParams *lp = &sc->latency;
  double lambda = total_rate (d);
  /* Stable: sample_requests from the stationary peak.  Overloaded: the
   * backlog builds through the window, so simulate the window's arrivals, at
   * most OVERLOAD_SAMPLES times the sample. */
  guint64 n = lp->sample_requests;
  if (lambda * model_latency_mean_service (sc, d) >= c)
    {
      double expected = ceil (lambda * lp->window_minutes * 60);
      n = MAX (n, (guint64) MIN (expected, (double) OVERLOAD_SAMPLES * lp->sample_requests));
    }
  guint64 warm = lp->sample_requests / 4;
  SimRng rng;
  sim_rng_init (&rng, sc->seed, replication, platform, index, cell);
  SimQueueConfig cfg = {
    .servers = c,
    .capacity = lp->queue_limit > 0 ? (guint) MIN ((guint64) lp->queue_limit * c,
                                                   G_MAXUINT) : 0,
    .interarrival = sim_queue_dist_exponential (1.0 / lambda),
    .service = sim_queue_dist_callback (draw_service, m),
    .warmup = warm,
    .record = record,
    .record_data = m,
  };
  g_autoptr (SimQueue) q = sim_queue_new (&cfg, &rng, error);
  return q != NULL && sim_queue_run (q, warm + n, INFINITY, stats, error);
}

/* ---- one replication ------------------------------------------------------- */

typedef struct {
  ModelLatencyResult *res;
  const ModelScenario *sc;
  const ModelDemand *demand;   /* [day][platform] */
  guint rep;
  guint64 replication;
} Run;

static guint
month_of (const ModelLatencyResult *r, guint day)
{
  guint m = 0;
  while (m + 1 < r->n_months && r->month_day[m] < day)
    m++;
  return m;
}

/* Does c servers keep the p99 of demand d under the SLA? */
static gboolean
plan_holds (const Run *run, const ModelDemand *d, guint c, guint platform, guint month,
            SimHistogram *h, GError **error, gboolean *failed)
{
  const ModelScenario *sc = run->sc;
  if (model_latency_mean_service (sc, d) * total_rate (d) >= c)
    return FALSE;  /* unstable */
  Mix m;
  mix_init (&m, sc, d);
  sim_histogram_reset (h);
  m.day = h;
  SimQueueStats st;
  if (!window (sc, d, c, &m, run->replication, platform, month, PLAN_CELL, &st, error))
    {
      *failed = TRUE;
      return FALSE;
    }
  double lost = st.arrivals > 0 ? (double) st.lost / (double) st.arrivals : 0;
  return sim_histogram_quantile (h, 0.99) <= sc->latency.sla_p99 && lost <= PLAN_MAX_LOST;
}

static gboolean
plan_platform (Run *run, guint p, SimHistogram *h, GError **error)
{
  ModelLatencyResult *r = run->res;
  const ModelScenario *sc = run->sc;
  guint first = 0;
  for (guint mo = 0; mo < r->n_months; mo++)
    {
      guint last = r->month_day[mo];
      const ModelDemand *busiest = NULL;
      for (guint d = first; d <= last; d++)
        {
          const ModelDemand *x = &run->demand[(gsize) d * r->n_platforms + p];
          if (total_rate (x) > 0 && (busiest == NULL || total_rate (x) > total_rate (busiest)))
            busiest = x;
        }
      first = last + 1;
      gsize at = ((gsize) p * r->n_months + mo) * r->n_reps + run->rep;
      if (busiest == NULL)
        continue;
      double lambda = total_rate (busiest), s = model_latency_mean_service (sc, busiest);
      guint erlang = sim_erlang_servers_for (lambda, 1 / s, sc->latency.sla_p99, 0.99, NULL);
      r->plan_rate[at] = lambda;
      r->plan_service[at] = s;
      r->plan_erlang[at] = erlang;
      gboolean failed = FALSE;
      GError **err = error;
      guint lo = (guint) MIN (floor (lambda * s), (double) SIM_ERLANG_MAX_SERVERS);
      guint hi = erlang > lo ? erlang : lo + 1;
      while (!plan_holds (run, busiest, hi, p, mo, h, err, &failed) && !failed)
        {
          lo = hi;
          if (hi >= SIM_ERLANG_MAX_SERVERS)
            break;
          hi = MIN (2 * hi, SIM_ERLANG_MAX_SERVERS);
        }
      if (failed)
        return FALSE;
      if (lo == hi)
        continue;  /* no server count will do: plan 0 with a peak rate */
      while (hi - lo > 1)
        {
          guint mid = lo + (hi - lo) / 2;
          if (plan_holds (run, busiest, mid, p, mo, h, err, &failed))
            hi = mid;
          else if (failed)
            return FALSE;
          else
            lo = mid;
        }
      r->plan[at] = hi;
    }
  return TRUE;
}

/* Names the platform in a failure's message.  Returns FALSE. */
static gboolean
failed (GError **error, guint p)
{
  g_prefix_error (error, "latency, platform %u: ", p);
  return FALSE;
}

/* Platform p of the replication: a unit of platform_units. */
static gboolean
simulate_platform (gpointer data, guint p, GError **error)
{
  Run *run = data;
  ModelLatencyResult *r = run->res;
  const ModelScenario *sc = run->sc;
  g_autoptr (SimHistogram) day_h = sim_histogram_new_like (r->propagation);
  g_autoptr (SimHistogram) prop = p == 0 ? sim_histogram_new_like (r->propagation) : NULL;
  double *row[MODEL_LAT_N_METRICS];
  for (guint k = 0; k < MODEL_LAT_N_METRICS; k++)
    row[k] = sim_series_set_row (r->day, p * MODEL_LAT_N_METRICS + k, run->rep);

  for (guint d = 0; d < r->n_days; d++)
    {
      const ModelDemand *dm = &run->demand[(gsize) d * r->n_platforms + p];
      double lambda = total_rate (dm);
      for (guint k = 0; k < MODEL_LAT_N_METRICS; k++)
        row[k][d] = 0;
      row[MODEL_LAT_REQUESTS][d] = dm->requests;
      if (!(lambda > 0))
        continue;
      guint c = model_latency_servers_on (sc, p, r->start + (gint32) d);
      Mix m;
      mix_init (&m, sc, dm);
      sim_histogram_reset (day_h);
      m.day = day_h;
      m.month = r->month[(gsize) p * r->n_months + month_of (r, d)];
      m.propagation = prop;
      m.lag_mean = sc->latency.status_lag;
      sim_rng_init (&m.lag, sc->seed, run->replication, p, d, LAG_CELL);
      SimQueueStats st;
      if (!window (sc, dm, c, &m, run->replication, p, d, LATENCY_CELL, &st, error))
        return failed (error, p);
      row[MODEL_LAT_LOAD][d] = lambda * model_latency_mean_service (sc, dm) / c;
      row[MODEL_LAT_UTILISATION][d] = isnan (st.utilisation) ? 0 : st.utilisation;
      row[MODEL_LAT_LOST][d] = st.arrivals > 0 ? (double) st.lost / (double) st.arrivals : 0;
      if (sim_histogram_count (day_h) > 0)
        {
          row[MODEL_LAT_P50][d] = sim_histogram_quantile (day_h, 0.50);
          row[MODEL_LAT_P95][d] = sim_histogram_quantile (day_h, 0.95);
          row[MODEL_LAT_P99][d] = sim_histogram_quantile (day_h, 0.99);
        }
    }
  if (r->planned && !plan_platform (run, p, day_h, error))
    return failed (error, p);
  /* Only this unit touches the propagation histogram: merge is exact. */
  if (prop != NULL && !sim_histogram_merge (r->propagation, prop, error))
    return failed (error, p);
  return TRUE;
}

static guint
platforms (gpointer data, const guint **order)
{
  Run *run = data;
  *order = NULL;
  return run->res->n_platforms;
}

/* The platforms as the engine's units: equal costs, so platform p goes to
 * member p mod members of a replication's group. */
static const SimModelUnits platform_units = {
  .name = "latency model",
  .units = platforms,
  .run = simulate_platform,
};

gboolean
model_latency_run_rep (ModelLatencyResult *r, const ModelScenario *sc,
                       const ModelLatencyInput *in, const SimModelRep *rep, GError **error)
{
  g_return_val_if_fail (r != NULL && in != NULL && rep != NULL && rep->index < r->n_reps
                        && in->n_days == r->n_days, FALSE);
  const guint np = r->n_platforms;
  g_autofree ModelDemand *demand = g_new (ModelDemand, (gsize) r->n_days * np);
  for (guint d = 0; d < r->n_days; d++)
    model_latency_demand (sc, in, d, demand + (gsize) d * np);
  Run run = { r, sc, demand, rep->index, rep->replication };
  return sim_model_run_units (&platform_units, &run, rep, error);
}

void
model_latency_reduce (ModelLatencyResult *r, SimReducer *red)
{
  gsize n;
  double *v = sim_series_set_values (r->day, &n);
  sim_reducer_array (red, v, n);
  if (r->planned)
    {
      gsize np = (gsize) r->n_platforms * r->n_months * r->n_reps;
      sim_reducer_array (red, (gint32 *) r->plan, np);
      sim_reducer_array (red, (gint32 *) r->plan_erlang, np);
      sim_reducer_array (red, r->plan_rate, np);
      sim_reducer_array (red, r->plan_service, np);
    }
  for (gsize i = 0; i < (gsize) r->n_platforms * r->n_months; i++)
    sim_reducer_histogram (red, r->month[i]);
  sim_reducer_histogram (red, r->propagation);
}

void
model_latency_rep_digest (ModelLatencyResult *r, guint rep)
{
  /* The replication's hash: its day rows in platform and metric order. */
  crypto_generichash_state h;
  crypto_generichash_init (&h, NULL, 0, 32);
  for (guint s = 0; s < r->n_platforms * MODEL_LAT_N_METRICS; s++)
    {
      const double *row = sim_series_set_row (r->day, s, rep);
      for (guint d = 0; d < r->n_days; d++)
        {
          guint64 bits;
          guint8 b[8];
          memcpy (&bits, &row[d], 8);
          base_be64_put (b, bits);
          crypto_generichash_update (&h, b, 8);
        }
    }
  crypto_generichash_final (&h, r->rep_digest + (gsize) rep * 32, 32);
}

int
model_latency_worst_day (const ModelLatencyResult *r, guint platform, guint n_used,
                         double *p99_out)
{
  g_autofree double *mean = g_new (double, r->n_days);
  g_autofree double *req = g_new (double, r->n_days);
  sim_series_set_summarise (r->day, platform * MODEL_LAT_N_METRICS + MODEL_LAT_P99, n_used,
                            0.05, 0.95, mean, NULL, NULL);
  sim_series_set_summarise (r->day, platform * MODEL_LAT_N_METRICS + MODEL_LAT_REQUESTS,
                            n_used, 0.05, 0.95, req, NULL, NULL);
  int worst = -1;
  for (guint d = 0; d < r->n_days; d++)
    if (req[d] > 0 && (worst < 0 || mean[d] > mean[worst]))
      worst = (int) d;
  if (p99_out != NULL)
    *p99_out = worst >= 0 ? mean[worst] : 0;
  return worst;
}
