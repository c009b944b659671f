/* SPDX-License-Identifier: MIT */
/*
 * A run's live events as a server-sent event stream (text/event-stream),
 * for GET /api/v1/runs/{run}/events and GET /runs/{run}/events: first
 * `event: state` with the run as it is, then each of the pool's events for
 * that run as it happens (`event: progress`, data {"done","total",
 * "verdict","test"}; `event: state`, data the run), a comment line every
 * SERVE_SSE_KEEPALIVE_S seconds, and the end of the stream after a state
 * whose run has finished (at once when it already had).  The caller must be
 * allowed to see the run (serve_action_run_access: 401/404 otherwise, as
 * any route).  A client that goes away is unsubscribed at the next write.
 */
#pragma once

#include "serve/http.h"

G_BEGIN_DECLS

#define SERVE_SSE_KEEPALIVE_S 15

/* The route handler (its route has a {run} parameter). */
void serve_sse_run (ServeReq *req, gpointer user_data);

/* Streams now open (for tests and the log). */
guint serve_sse_open_count (void);

G_END_DECLS
