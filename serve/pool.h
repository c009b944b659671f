/* SPDX-License-Identifier: MIT */
/*
 * The service's bounded pool of worker processes (docs/SERVE.md "Runs"), on
 * the GLib main loop.  Each run is one child, `ESSC_BIN registry test --db
 * REG --id CH --key KEY --actor vendor:V --results STATE/runs/ID/results.json
 * --transcript STATE/runs/ID/transcript.jsonl --progress`, in its own process
 * group with RLIMIT_AS and RLIMIT_CPU; a per-run deadline after which the
 * group gets SIGKILL.  Its stdout lines (progress, then the report) update
 * the store and the subscribers; its stderr goes to STATE/runs/ID/stderr and
 * its tail becomes the message of a run that ends in error.
 *
 * Fair: among vendors with a queued run and fewer than max_per_vendor
 * running, the one that started a run least recently goes first, its oldest
 * queued run first; never more than max_total at once.
 */
#pragma once

#include <glib.h>

#include "serve/store.h"

G_BEGIN_DECLS

/* All fields public; 0 / NULL take the defaults. */
typedef struct {
  const char *essc_bin, *registry_path, *key_path, *state_dir;
  guint max_total, max_per_vendor;   /* defaults 4, 2 */
  guint deadline_s;                  /* per run; default 600 */
  guint64 mem_bytes;                 /* RLIMIT_AS of the child; default 1 GiB */
  guint cpu_s;                       /* RLIMIT_CPU; default 300 */
  int timeout_ms;                    /* per response, passed to the worker; 0: its default */
} ServePoolOptions;

typedef struct _ServePool ServePool;

/*
 * Called on the main loop for every change of a run: event "progress" (json:
 * {"done":N,"total":N,"verdict":"...","test":"..."}) or "state" (json: the
 * run as serve_run_to_json shows it).  A run's last event is "state" with
 * "finished":true, sent after its result was committed.
 */
typedef void (*ServeRunEventFunc) (gint64 run_id, const char *event, const char *json,
                                   gpointer user_data);

/* The store is borrowed (it outlives the pool).  Creates STATE/runs/.  The
 * pool works on the thread-default main context of the caller.  A build
 * with sanitizers sets RLIMIT_AS only when mem_bytes is given. */
ServePool *serve_pool_new (ServeStore *store, const ServePoolOptions *o, GError **error);
/* Kills running children (their runs become "interrupted", unless the
 * worker had already reported its verdict) and reaps them.  It iterates the
 * pool's main context meanwhile (at most about 10 s), so other sources of
 * that context may run; subscribers are no longer called. */
void serve_pool_free (ServePool *p);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ServePool, serve_pool_free)

/* Starts queued runs while there are slots (call after queuing one). */
void serve_pool_kick (ServePool *p);

guint serve_pool_subscribe (ServePool *p, ServeRunEventFunc f, gpointer data);
void serve_pool_unsubscribe (ServePool *p, guint id);

/* How many children run now. */
guint serve_pool_running (ServePool *p);

G_END_DECLS
