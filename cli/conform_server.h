/* SPDX-License-Identifier: MIT */
/*
 * `essc conform --server URL --token TOKEN --channel ID`: the client of
 * `essc serve`'s API for a vendor's CI (docs/SERVE.md "From CI").  Starts a
 * run of the channel (POST /api/v1/channels/ID/runs, with an
 * Idempotency-Key when given), then follows it (GET /api/v1/runs/N every
 * second) until it finishes or the timeout passes, printing a line per
 * change of progress and the verdict; then the tests that did not pass.
 * Exit 0 conformant, 1 not conformant, 2 usage, the server refused (the
 * server's message is printed), unreachable, the run ended in error or was
 * interrupted, or the timeout passed; 3 internal.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  const char *server;          /* http(s)://HOST:PORT[/] */
  const char *token;
  const char *channel;
  const char *idempotency_key; /* may be NULL */
  const char *ca;              /* https: trust this CA (PEM), or NULL */
  gint64 timeout_s;            /* the whole wait; 0: 3600 */
  gboolean no_wait;            /* start the run, print it, exit 0 */
} EsscConformServer;

int essc_conform_server (const EsscConformServer *o);

G_END_DECLS
