/* SPDX-License-Identifier: MIT */
/*
 * The certification service's own database, DIR/serve.db (schema
 * "essc-serve/1", application_id "ESSV", docs/SERVE.md "Runs"): the runs
 * vendors start (table run) and, once a run finished, each of its tests with
 * its diagnostic and the transcript's lines of that test (table run_test).
 * The registry holds the reports; this file holds what the service shows of
 * a run while it is queued, running and after.
 *
 * A run is queued, then running, then finished: "conformant", "not
 * conformant", "error" or "interrupted".  A finished run's row and all its
 * tests are written in one transaction (serve_store_run_finish), so a run is
 * never half finished.  Opening the store turns the runs left "running" by a
 * server that stopped into "interrupted"; queued runs stay queued.
 *
 * Errors are SERVE_STORE_ERROR; messages name the file.  One connection,
 * used from one thread (the server's main loop); a busy timeout covers
 * another process reading the file.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define SERVE_STORE_ERROR (serve_store_error_quark ())
GQuark serve_store_error_quark (void);

typedef enum {
  SERVE_STORE_ERROR_INPUT = 1,   /* not a service database, damaged, another schema; a bad
                                    value (a results file that does not parse) */
  SERVE_STORE_ERROR_NOT_FOUND,   /* no such run */
  SERVE_STORE_ERROR_INTERNAL,    /* SQLite failed to write */
} ServeStoreErrorCode;

#define SERVE_STORE_SCHEMA "essc-serve/1"
#define SERVE_STORE_APPLICATION_ID 0x45535356   /* "ESSV" */

/* The run states (table run, column state). */
#define SERVE_RUN_QUEUED "queued"
#define SERVE_RUN_RUNNING "running"
#define SERVE_RUN_CONFORMANT "conformant"
#define SERVE_RUN_NOT_CONFORMANT "not conformant"
#define SERVE_RUN_ERROR "error"
#define SERVE_RUN_INTERRUPTED "interrupted"

/* ---- rows ----------------------------------------------------------------- */

/* A run.  All fields public. */
typedef struct {
  gint64 id;
  char *vendor, *channel_id, *state;
  char *message;                                 /* NULL: none */
  gint64 created_at, started_at, finished_at;    /* seconds since the epoch; 0: not yet */
  guint done, total, passed, failed, skipped;
  gint64 report_id;                              /* 0: none */
} ServeRun;

/* A finished run's test.  All fields public.  diagnostic: a JSON object (the
 * results file's test, less the fields above); transcript: a JSON array of
 * the transcript's lines of that test. */
typedef struct {
  guint idx;                                     /* 1-based, the results file's order */
  char *test, *verdict, *requirement;            /* requirement: "" when none */
  char *diagnostic, *transcript;
} ServeRunTest;

void serve_run_free (ServeRun *r);
void serve_run_test_free (ServeRunTest *t);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ServeRun, serve_run_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ServeRunTest, serve_run_test_free)

/* TRUE when the run's state is one of the four finished ones. */
gboolean serve_store_run_is_finished (const ServeRun *r);
gboolean serve_run_state_is_finished (const char *state);

/* Counts a test's verdict (the results file's word) in one of the three
 * counts a run shows: passed (pass), failed (fail, not_implemented),
 * skipped (skip, waived, not_run), as the JUnit file counts them
 * (docs/RESULTS.md). */
void serve_store_count_verdict (const char *verdict, guint *passed, guint *failed,
                                guint *skipped);

/* ---- new, free -------------------------------------------------------------- */

typedef struct _ServeStore ServeStore;

/*
 * Opens the service database at path, creating it when there is no file (or
 * an empty one).  Refuses (SERVE_STORE_ERROR_INPUT, naming path) a file of
 * another kind, damaged, or of another schema.  Runs left "running" become
 * "interrupted" with finished_at now and a message; *interrupted (may be
 * NULL) gets how many.
 */
ServeStore *serve_store_open (const char *path, gint64 now, guint *interrupted,
                              GError **error);
void serve_store_close (ServeStore *s);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ServeStore, serve_store_close)

const char *serve_store_path (ServeStore *s);

/* ---- runs ------------------------------------------------------------------- */

/*
 * Queues a run of vendor's channel.  With idem_key (may be NULL) an existing
 * run of the vendor with that key is returned instead (*created FALSE, and
 * nothing written).  *id gets the run's id; created may be NULL.
 */
gboolean serve_store_run_add (ServeStore *s, const char *vendor, const char *channel_id,
                              const char *idem_key, gint64 now, gint64 *id, gboolean *created,
                              GError **error);

/* Returns: (transfer full) the run, or NULL with SERVE_STORE_ERROR_NOT_FOUND. */
ServeRun *serve_store_run (ServeStore *s, gint64 id, GError **error);

/* Returns: (transfer full) ServeRun*, newest first; vendor / channel_id NULL:
 * all; limit 0: all. */
GPtrArray *serve_store_runs (ServeStore *s, const char *vendor, const char *channel_id,
                             guint limit, GError **error);

/* Returns: (transfer full) ServeRunTest* of a run, by idx (empty until it finished). */
GPtrArray *serve_store_run_tests (ServeStore *s, gint64 id, GError **error);

/* How many runs of vendor (NULL: all) are in state. */
gboolean serve_store_count (ServeStore *s, const char *vendor, const char *state, guint *n,
                            GError **error);

/* ---- what the pool writes ----------------------------------------------------- */

/*
 * The next run to start, fairly: among vendors with a queued run and fewer
 * than max_per_vendor running, the one whose latest start is oldest (a
 * vendor that never started one first; ties by the oldest queued run), and
 * its oldest queued run.  *id gets it, or 0 when there is none.
 */
gboolean serve_store_next_queued (ServeStore *s, guint max_per_vendor, gint64 *id,
                                  GError **error);

/* queued -> running at now.  Fails (INPUT) when the run is not queued. */
gboolean serve_store_run_start (ServeStore *s, gint64 id, gint64 now, GError **error);

/* Progress of a running run: done of total tests, and the counts so far. */
gboolean serve_store_run_progress (ServeStore *s, gint64 id, guint done, guint total,
                                   guint passed, guint failed, guint skipped, GError **error);

/*
 * Finishes a run in state (a finished one) with message (may be NULL) at now,
 * in one transaction: the run's row and, for "conformant" / "not
 * conformant", its tests from results_json (conf_results_render's JSON,
 * docs/RESULTS.md) with each test's lines of transcript_jsonl (may be NULL),
 * and report_id.  If the results do not parse, nothing is written and the
 * call fails with SERVE_STORE_ERROR_INPUT (the caller then finishes the run
 * as "error").  The run must not be finished already.
 */
gboolean serve_store_run_finish (ServeStore *s, gint64 id, const char *state,
                                 const char *message, gint64 report_id,
                                 const char *results_json, const char *transcript_jsonl,
                                 gint64 now, GError **error);

/*
 * The same for an "interrupted" run whose worker had stored report_id before
 * the server stopped (serve/recover.h): state is the report's verdict
 * ("conformant" or "not conformant"), finished from its results file as
 * serve_store_run_finish does.  SERVE_STORE_ERROR_INPUT when the run is not
 * interrupted.
 */
gboolean serve_store_run_adopt (ServeStore *s, gint64 id, const char *state,
                                const char *message, gint64 report_id,
                                const char *results_json, const char *transcript_jsonl,
                                gint64 now, GError **error);

G_END_DECLS
