/* SPDX-License-Identifier: MIT */
/*
 * A multi-server FCFS queue, simulated exactly and fast.  c identical
 * servers take requests in arrival order: the k-th arrival starts service at
 * max (its arrival, the earliest time a server is free), and that server is
 * then free at start + service.  The servers' free times live in a binary
 * min-heap, so a request costs O(log c) and no event list is needed: this
 * is an exact discrete-event simulation of FCFS G/G/c (M/G/c with Poisson
 * arrivals).  With a capacity bound K, a request that finds K requests in
 * the system is lost (and counted); the departure times of the requests in
 * the system are then kept in a second heap, which also gives the exact
 * time-average number in system (requested separately with track_in_system).
 *
 * Interarrival and service times come from built-in generators
 * (exponential, deterministic, lognormal) over the queue's own SimRng
 * stream, or from callbacks.  The draws are made in a fixed order,
 * interarrival 1 (when the queue is made), then per arrival k its service
 * time (drawn even when the request is lost) and interarrival k + 1, so the
 * results depend only on the stream and the configuration, never on how a
 * run is split into calls, and two queues that differ only in c or K see
 * the same arrivals and service times (common random numbers).
 *
 * A queue is a state that runs are appended to: sim_queue_run continues
 * from where the last call stopped, and reports statistics over its own
 * window (so consecutive calls give batch means).  The first `warmup`
 * arrivals of the queue's life are simulated but not measured.
 *
 * Workload: the hot path (no capacity, no tracking, no record hook) does two
 * draws and one heap sift per request; see sim_queue_bench.
 */
#pragma once

#include <glib.h>

#include "sim/rng.h"

G_BEGIN_DECLS

#define SIM_QUEUE_ERROR (sim_queue_error_quark ())
GQuark sim_queue_error_quark (void);

typedef enum {
  SIM_QUEUE_ERROR_INVALID, /* a configuration value out of range */
  SIM_QUEUE_ERROR_DRAW,    /* a callback returned a time that is negative, NaN or infinite */
} SimQueueError;

/* ---- distributions --------------------------------------------------------- */

/* A time drawn by the caller: must be finite and >= 0. */
typedef double (*SimQueueDrawFn) (SimRng *rng, gpointer data);

typedef enum {
  SIM_QUEUE_DIST_EXPONENTIAL,   /* mean: mean * -ln U (one uniform) */
  SIM_QUEUE_DIST_DETERMINISTIC, /* mean: always mean (no draw) */
  SIM_QUEUE_DIST_LOGNORMAL,     /* mean and cv = sd / mean: exp (m + s Z), Z by Box-Muller (two uniforms) */
  SIM_QUEUE_DIST_CALLBACK,      /* fn (rng, data) */
} SimQueueDistKind;

/* A distribution of times; fill it with the constructors below.  All fields
 * are public. */
typedef struct {
  SimQueueDistKind kind;
  double mean;          /* > 0 for exponential and lognormal, >= 0 for deterministic */
  double cv;            /* lognormal: > 0 */
  SimQueueDrawFn fn;    /* callback */
  gpointer data;        /* callback's data */
} SimQueueDist;

SimQueueDist sim_queue_dist_exponential (double mean);
SimQueueDist sim_queue_dist_deterministic (double value);
SimQueueDist sim_queue_dist_lognormal (double mean, double cv);
SimQueueDist sim_queue_dist_callback (SimQueueDrawFn fn, gpointer data);

/* One draw (the queue's own draws are these, inlined). */
double sim_queue_dist_draw (const SimQueueDist *dist, SimRng *rng);

/* ---- the queue ------------------------------------------------------------- */

/* Called with each measured served request's response time (wait plus
 * service), in arrival order. */
typedef void (*SimQueueRecordFn) (double response, gpointer data);

/* A queue's configuration; every field is public. */
typedef struct {
  guint servers;                /* c: 1 .. SIM_QUEUE_MAX_SERVERS */
  guint capacity;               /* most requests in the system (waiting + in service);
                                   0: unbounded, otherwise >= servers */
  SimQueueDist interarrival;    /* Poisson arrivals of rate lambda: exponential of mean 1 / lambda */
  SimQueueDist service;
  guint64 warmup;               /* the first arrivals of the queue's life, not measured */
  gboolean track_in_system;     /* measure the time-average number in system
                                   (always done when capacity > 0) */
  SimQueueRecordFn record;      /* may be NULL */
  gpointer record_data;
} SimQueueConfig;

#define SIM_QUEUE_MAX_SERVERS (1u << 24)

/*
 * Statistics over one call's window.  The window runs from the queue's clock
 * when measuring starts (the call's start, or the arrival of the last warm-up
 * request) to the horizon when no arrival is left before it (a finite
 * horizon), else to the last arrival the call processed; it is empty when
 * the call ends within the warm-up.  Means are over the measured served
 * requests.
 */
typedef struct {
  guint64 arrivals;       /* measured arrivals: count + lost */
  guint64 count;          /* measured requests served */
  guint64 lost;           /* measured requests that found the system full */
  double window;          /* the window's length */
  double mean_response;   /* NaN when count is 0 */
  double mean_wait;       /* NaN when count is 0 */
  double max_response;    /* 0 when count is 0 */
  double utilisation;     /* service time of the served requests / (c * window); NaN for an empty window */
  double mean_in_system;  /* time average over the window; NaN unless tracked or for an empty window */
} SimQueueStats;

typedef struct _SimQueue SimQueue;

/*
 * Checks config and makes an empty queue at time 0 that draws from a copy of
 * rng, and draws the first interarrival time.  Errors: SIM_QUEUE_ERROR_INVALID
 * naming the field and what was expected; SIM_QUEUE_ERROR_DRAW.
 * Returns: (transfer full) the queue, or NULL with error set.
 */
SimQueue *sim_queue_new (const SimQueueConfig *config, const SimRng *rng, GError **error);

/*
 * Processes arrivals until max_arrivals of them (warm-up ones included) have
 * been processed by this call or the next arrival is later than horizon
 * (absolute time; INFINITY for none), then fills stats (may be NULL).  On a
 * callback's bad draw returns FALSE with SIM_QUEUE_ERROR_DRAW; the queue is
 * then unusable (every later call fails the same way).
 */
gboolean sim_queue_run (SimQueue *queue, guint64 max_arrivals, double horizon,
                        SimQueueStats *stats, GError **error);

/* The queue's clock: the last arrival processed or horizon reached. */
double sim_queue_now (const SimQueue *queue);

/* Arrivals processed so far, warm-up included. */
guint64 sim_queue_arrivals (const SimQueue *queue);

void sim_queue_free (SimQueue *queue);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SimQueue, sim_queue_free)

/* ---- helpers --------------------------------------------------------------- */

/* An array that sim_queue_record_array fills: the first `size` responses go
 * to values[0 .. size-1]; len counts them, dropped the ones beyond. */
typedef struct {
  double *values;
  gsize size;
  gsize len;
  guint64 dropped;
} SimQueueArray;

/* A SimQueueRecordFn storing into the SimQueueArray data. */
void sim_queue_record_array (double response, gpointer data);

/*
 * The benchmark of `essc bench`: an M/M/c queue with mu = 1 and
 * lambda = load * c (0 < load < 1), n arrivals after n / 10 warm-up ones,
 * no record hook; a fixed stream.  Returns the mean response (for a check
 * against sim_erlang_mean_response) and puts the wall-clock seconds of the n
 * measured arrivals in seconds_out (may be NULL): the throughput is
 * n / seconds_out.  NaN on bad arguments.
 */
double sim_queue_bench (guint c, double load, guint64 n, double *seconds_out);

G_END_DECLS
