/* SPDX-License-Identifier: MIT */
/*
 * How the runner's client (conformance/client.h) reaches an implementation
 * under test: one exchange at a time, a request line out and one response
 * back, within a deadline.  Two transports stand behind this interface:
 *   - pipe (transport_pipe.c): `/bin/sh -c COMMAND` (conformance/child.h),
 *     one line each way on the IUT's standard input and output;
 *   - http (transport_http.c): one POST per request to an http:// or
 *     https:// URL (libsoup 3), the request line as the body, one JSON
 *     object as the response body, over one kept-alive connection.
 * A target that starts with "http://" or "https://" is a URL; anything else
 * is a command.
 *
 * An exchange that fails says what happened and classifies it as a
 * ConfCallFailure (the code of a CONF_CLIENT_ERROR GError; the message has
 * no class prefix: the client adds it).  The client then ends the transport
 * with conf_transport_end, which says how the IUT or the connection ended,
 * and never uses it again.  Every wait has a deadline and nothing the IUT
 * sends is held beyond CONF_CHILD_MAX_LINE bytes (plus one read block).
 *
 * The first part of this header is the interface, for client.c.  The part
 * below "private" is shared by transport.c, transport_pipe.c and
 * transport_http.c only.  Not thread-safe: one thread uses a transport.
 */
#pragma once

#include <glib.h>

#include "conformance/child.h"
#include "conformance/client.h"

G_BEGIN_DECLS

typedef struct _ConfTransport ConfTransport;

/* ---- new ---------------------------------------------------------------- */

/* TRUE when target is an http:// or https:// URL (case-insensitive). */
gboolean conf_transport_is_url (const char *target);

/*
 * Opens the transport target calls for: starts the command, or prepares
 * the HTTP session (the connection itself is made by the first exchange).
 * options may be NULL; its TLS members apply to https:// only.  Returns:
 * (transfer full) the transport, or NULL with CONF_CLIENT_ERROR
 * CONF_CALL_START: the command cannot be started; a URL that libsoup cannot
 * use; a --ca, --client-cert or --client-key file that cannot be loaded;
 * no TLS support (glib-networking) for https.
 */
ConfTransport *conf_transport_open (const char *target, const ConfClientOptions *options,
                                    GError **error);

/* ---- use ---------------------------------------------------------------- */

/* "pipe" or "http". */
const char *conf_transport_kind (ConfTransport *t);

/*
 * Sends line (len bytes, no newline) as request id of op and waits up to
 * timeout_ms for the whole response.  Returns: (transfer full) the
 * response, NUL-terminated, its length (which counts any NUL inside) in
 * *resp_len; or NULL with a CONF_CLIENT_ERROR whose code is the failure
 * class and whose message says what happened, naming op and id.
 */
char *conf_transport_exchange (ConfTransport *t, const char *op, gint64 id, const char *line,
                               gsize len, int timeout_ms, gsize *resp_len, GError **error);

/*
 * After a failure: ends the IUT (giving a process grace_ms to exit by
 * itself) or drops the connection.  May turn *failure from CONF_CALL_CRASH
 * into CONF_CALL_NOT_IMPLEMENTED (exit status 89).  Returns: (transfer
 * full) how it ended, for the failure message ("the implementation exited
 * with status 3; its standard error ends: ..."), or NULL when there is
 * nothing to add.
 */
char *conf_transport_end (ConfTransport *t, int grace_ms, ConfCallFailure *failure);

/* After `bye`: lets a process exit by itself within grace_ms (then ends
 * it), or closes the connection. */
void conf_transport_close (ConfTransport *t, int grace_ms);

/* The pipe's: the process group id, the kept end of standard error, how it
 * ended.  For http: 0, NULL, NULL. */
GPid conf_transport_pid (ConfTransport *t);
char *conf_transport_stderr_tail (ConfTransport *t);
const ConfChildExit *conf_transport_exit (ConfTransport *t);

/* ---- free --------------------------------------------------------------- */

/* Ends a process at once, drops a connection, and frees.  Accepts NULL. */
void conf_transport_free (ConfTransport *t);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ConfTransport, conf_transport_free)

/* ---- private: for transport.c and transport_*.c only -------------------- */

typedef struct {
  const char *kind;
  char *(*exchange) (ConfTransport *t, const char *op, gint64 id, const char *line, gsize len,
                     int timeout_ms, gsize *resp_len, GError **error);
  char *(*end) (ConfTransport *t, int grace_ms, ConfCallFailure *failure);
  void (*close) (ConfTransport *t, int grace_ms);
  GPid (*pid) (ConfTransport *t);                         /* may be NULL */
  char *(*stderr_tail) (ConfTransport *t);                /* may be NULL */
  const ConfChildExit *(*exit) (ConfTransport *t);        /* may be NULL */
  void (*free) (ConfTransport *t);
} ConfTransportClass;

struct _ConfTransport {
  const ConfTransportClass *klass;
};

ConfTransport *conf_transport_pipe_open (const char *command, GError **error);
ConfTransport *conf_transport_http_open (const char *url, const ConfClientOptions *options,
                                         GError **error);

G_END_DECLS
