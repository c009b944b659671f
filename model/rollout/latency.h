/* SPDX-License-Identifier: MIT */
/*
 * The latency model: the load that the rollout puts on the platforms, and
 * the response times it gives (DESIGN.md, "Latency"; scenarios/README.md,
 * [latency]).
 *
 * Platforms: index 0 is the national platform; 1 + p is the local
 * (provincial) platform of province p of the cities file.
 *
 * Demand: each day, each city's usable holders make requests of each kind at
 * the scenario's per-holder daily rates (payment: per level-2 holder).  The
 * 24-hour profile of the day type (weekday or weekend) gives the share of the
 * peak hour, and the peak window's arrival rate of a kind is the day's
 * requests times that share over 3600 s.  Routing: QR verification, login,
 * query and status change always reach the national platform; a payment
 * settles through the city's local platform before the city's unified
 * settlement date and through the national platform from that day on.
 *
 * Queues: each platform-day is a FCFS multi-server queue (sim/queue.h) with
 * the day's servers (the scenario's schedule), Poisson arrivals at the peak
 * rate, service times drawn per request from the kind mix (lognormal of mean
 * measured cost x hardware factor), and the scenario's queue limit.  It
 * starts empty, simulates a quarter of sample_requests as warm-up and then
 * sample_requests measured arrivals: the percentiles estimate the stationary
 * response-time distribution at the peak rate, however few requests the
 * window really has.  On a day whose offered load reaches the servers
 * (load >= 1) there is no stationary state: the queue then simulates the
 * window's own arrivals (at most 20 times sample_requests), so the backlog
 * builds through the window as it would; when that cap bites, the
 * percentiles are a lower bound.
 *
 * Outputs per replication: per platform-day the day's requests, the peak's
 * utilisation, p50, p95, p99 and the share lost to a full queue; per platform
 * and month a histogram of response times merged over the month's days and
 * the replications; the status propagation histogram (a status change's
 * response at the national platform plus the status feed's replication lag,
 * exponential of mean status_lag_s), checked against ESSC-STD CARD-13: in a
 * FCFS queue the wait does not depend on the request's kind, so each
 * measured national request gives one sample, its wait plus a status
 * change's service time and a lag, both drawn afresh; and,
 * when asked, the capacity plan: per platform, month and replication the
 * fewest servers that keep the month's busiest day's p99 under the SLA with
 * at most 0.1% lost, with that day's peak arrival rate and the mean service
 * time of its request mix.  A server is one worker serving one request at
 * a time (a server of the queue), each request taking its kind's measured
 * cost times the hardware factor on average: it completes 1 / (mean service
 * time of the mix) requests per second, the mix being the kinds' shares of
 * the platform's peak arrivals (payments alone at a local platform).
 *
 * Random streams: (seed, replication) and (platform, day, LATENCY_CELL) for
 * a day's queue, (platform, month, PLAN_CELL) for the plan's queues, the
 * same for every server count tried (common random numbers).  Platforms run
 * on the engine's threads; each writes only its own rows, so the results are
 * the same bytes for any number of threads.
 */
#pragma once

#include <glib.h>

#include "model/rollout/scenario.h"
#include "sim/histogram.h"
#include "sim/model.h"
#include "sim/summary.h"

G_BEGIN_DECLS

#define MODEL_LATENCY_ERROR (model_latency_error_quark ())
GQuark model_latency_error_quark (void);

/* ESSC-STD CARD-13: a status change reaches every verifier within this
 * many seconds (99th percentile). */
#define MODEL_STATUS_PROPAGATION_BOUND 5.0

/* The per platform-day metrics of ModelLatencyResult.day. */
typedef enum {
  MODEL_LAT_REQUESTS = 0,   /* requests in the whole day */
  MODEL_LAT_LOAD,           /* offered load of the peak per server (>= 1: overloaded) */
  MODEL_LAT_UTILISATION,    /* measured busy share of the servers in the peak */
  MODEL_LAT_P50,            /* seconds; 0 on a day without requests */
  MODEL_LAT_P95,
  MODEL_LAT_P99,
  MODEL_LAT_LOST,           /* share of the peak's arrivals lost to a full queue */
  MODEL_LAT_N_METRICS
} ModelLatencyMetric;

/* The histogram layout of every latency histogram: 1 us .. 10^4 s, 2^6
 * buckets per binade (quantiles within 0.8%). */
#define MODEL_LATENCY_HIST_MIN 1e-6
#define MODEL_LATENCY_HIST_MAX 1e4
#define MODEL_LATENCY_HIST_BITS 6

/* Peak-window arrival rates (per second) of one platform-day, by kind. */
typedef struct {
  double rate[MODEL_N_REQ_KINDS];
  double requests;          /* the whole day's requests, all kinds */
} ModelDemand;

/* One replication of the rollout, as the latency model reads it. */
typedef struct {
  gint32 start;             /* day number of day index 0 */
  guint n_days, n_cities;
  const gint64 *holders;    /* [city][day]: usable holders at the end of the day */
  const gint64 *level2;     /* [city][day]: of which level 2 */
  const gint32 *switch_day; /* [city]: day number of the city's unified settlement */
} ModelLatencyInput;

/* All fields public, read-only. */
typedef struct {
  guint n_platforms, n_days, n_months, n_reps;
  gint32 start;
  guint *month_day;          /* [month]: day index of each month end (as the rollout's) */
  SimSeriesSet *day;         /* series platform * MODEL_LAT_N_METRICS + metric */
  SimHistogram **month;      /* [platform][month], merged over days and replications */
  SimHistogram *propagation; /* status propagation, seconds, all replications */
  gboolean planned;          /* the plan arrays are filled */
  guint32 *plan;             /* [platform][month][rep]: fewest servers; 0: no demand */
  guint32 *plan_erlang;      /* [platform][month][rep]: Erlang C's estimate (M/M/c) */
  double *plan_rate;         /* [platform][month][rep]: peak rate of the busiest day */
  double *plan_service;      /* [platform][month][rep]: mean service time (s) of the busiest
                              * day's request mix; one server completes 1 / this requests
                              * per second (0: no demand) */
  guint8 *rep_digest;        /* [rep][32]: hash of the replication's day rows */
} ModelLatencyResult;

/* 1 + the number of provinces. */
guint model_latency_n_platforms (const ModelScenario *scenario);

/* Returns: (transfer full) "national" or "local PROVINCE_CODE NAME". */
char *model_latency_platform_name (const ModelScenario *scenario, guint platform);

/* The servers of platform on day. */
guint model_latency_servers_on (const ModelScenario *scenario, guint platform, gint32 day);

/* The mean service time (seconds, scaled) of the kind mix of d; 0 without demand. */
double model_latency_mean_service (const ModelScenario *scenario, const ModelDemand *d);

/* Fills out[n_platforms] with the demand of day index `day`. */
void model_latency_demand (const ModelScenario *scenario, const ModelLatencyInput *in,
                           guint day, ModelDemand *out);

/* Returns: (transfer full) an empty result; month_day is copied. */
ModelLatencyResult *model_latency_result_new (const ModelScenario *scenario, guint n_days,
                                              guint n_months, const guint *month_day,
                                              guint n_reps, gboolean plan);
void model_latency_result_free (ModelLatencyResult *result);

/*
 * Simulates replication rep->index (stream key rep->replication) and stores
 * it in result: the platforms are the engine's units (sim/model.h), dealt
 * round robin over rep's group (platform p to member p mod members) and run
 * on rep->jobs threads; the other members' rows are left as they are (zero,
 * for model_latency_reduce).  FALSE with an error "latency, platform P: ..."
 * only for a queue that could not be made (a programmer error); with
 * several processes that ends the job.
 */
gboolean model_latency_run_rep (ModelLatencyResult *result, const ModelScenario *scenario,
                                const ModelLatencyInput *in, const SimModelRep *rep,
                                GError **error);
/* Declares result's arrays and histograms on red (a run's reduction over
 * processes: each element written by one process; histograms merged). */
void model_latency_reduce (ModelLatencyResult *result, SimReducer *red);
/* Computes rep_digest[rep] from the replication's day rows (all platforms). */
void model_latency_rep_digest (ModelLatencyResult *result, guint rep);

/* The worst day of platform (by the mean over the first n_used replications
 * of its p99): its index (or -1 without demand), and that mean p99. */
int model_latency_worst_day (const ModelLatencyResult *result, guint platform, guint n_used,
                             double *p99_out);

/* Checkpoints: the replications done (n_done) of result, as bytes, and back. */
GBytes *model_latency_serialize (const ModelLatencyResult *result, guint n_done);
gboolean model_latency_deserialize (ModelLatencyResult *result, guint n_done,
                                    const guint8 *data, gsize len, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ModelLatencyResult, model_latency_result_free)

G_END_DECLS
