/* SPDX-License-Identifier: MIT */
/*
 * The runner's side of the adapter protocol (docs/ADAPTER.md sections 1-3)
 * over one IUT process (conformance/child.h) or one HTTP(S) session with a
 * deployed IUT (docs/ADAPTER.md section 6; conformance/transport.h): the
 * `hello` handshake, then one request and one response at a time, each
 * parsed strictly and timed.  Every message and failure can be kept in a
 * transcript (conformance/transcript.h).
 *
 * A call either gets a response (ok, or an ESSC-STD error code, including
 * `unimplemented`, which is a normal response) or fails with one of the
 * classes of ConfCallFailure, carried as the code of a CONF_CLIENT_ERROR
 * GError whose message says what happened, to which request, and how the
 * IUT ended (exit status or signal, the end of its standard error).  Every
 * failure is final: the stream can no longer be trusted, so the client ends
 * the IUT at once (SIGTERM, then SIGKILL after 500 ms, reaped), or drops
 * the HTTP connection, and every later call fails immediately with the same
 * class.  The runner starts a new client (a new process, or a new
 * connection and `hello` again) for the next test.
 */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

#include "conformance/child.h"
#include "conformance/transcript.h"
#include "model/std/stdcode.h"

G_BEGIN_DECLS

#define CONF_CLIENT_ERROR (conf_client_error_quark ())
GQuark conf_client_error_quark (void);

/* The protocol and suite this runner speaks (sent in `hello`). */
#define CONF_CLIENT_PROTOCOL "essc-adapter/1"
#define CONF_CLIENT_SUITE "ESSC-STD/1.1"
/* The default response deadline (--timeout-ms). */
#define CONF_CLIENT_DEFAULT_TIMEOUT_MS 5000
/* In a step's line, the request's id (docs/VECTORS.md). */
#define CONF_CLIENT_ID_MARK "\"$id\""

/* Why a call got no usable response: the codes of CONF_CLIENT_ERROR. */
typedef enum {
  CONF_CALL_TIMEOUT = 1,     /* no (complete) response, or input not read, in time */
  CONF_CALL_CRASH,           /* exited or killed while a response was awaited */
  CONF_CALL_NOT_IMPLEMENTED, /* exited with status 89 */
  CONF_CALL_PROTOCOL,        /* garbage, half a line, over-long line, bad JSON, wrong id,
                              * `ok` not a boolean, unknown error code, missing member */
  CONF_CALL_HANDSHAKE,       /* `hello` answered, but with another protocol or role, refused,
                              * or without the identity members (the run ends: exit 2) */
  CONF_CALL_START,           /* the command could not be started at all, or the URL or a
                              * TLS file of the options cannot be used */
  CONF_CALL_NETWORK,         /* HTTP(S): connection refused or reset, the connection
                              * closed early, a TLS handshake failure, an untrusted
                              * certificate (counted as a crash by the runner) */
} ConfCallFailure;

/* "timeout", "crash", "not implemented", "protocol", "handshake", "start",
 * "network". */
const char *conf_call_failure_name (ConfCallFailure failure);

/* One response.  All fields public; conf_call_result_clear frees them. */
typedef struct {
  gint64 id;          /* the request's id */
  gint64 rtt_us;      /* round trip, from before the write to the end of the line */
  gboolean ok;
  JsonObject *result; /* ok: the `result` object (owned: one reference) */
  ModelStdCode code;  /* !ok: `error.code` (MODEL_STD_UNIMPLEMENTED included) */
  char *message;      /* !ok: `error.message`, "" when absent */
} ConfCallResult;

void conf_call_result_clear (ConfCallResult *result);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (ConfCallResult, conf_call_result_clear)

typedef struct _ConfClient ConfClient;

/* How to reach an IUT beyond its command or URL.  All fields public; all
 * may be NULL. */
typedef struct {
  const char *ca_file;         /* https: trust this CA (PEM) instead of the system's */
  const char *client_cert;     /* https: present this certificate (PEM) ... */
  const char *client_key;      /* ... with this private key (PEM) when asked */
  ConfTranscript *transcript;  /* keep every message and failure here (borrowed) */
} ConfClientOptions;

/* ---- new ---------------------------------------------------------------- */

/*
 * Starts `/bin/sh -c command` and shakes hands: sends `hello` with role and
 * checks that the answer names CONF_CLIENT_PROTOCOL and the same role and
 * carries `name`, `version` (strings) and `ops` (an array of strings).
 * timeout_ms is the deadline of every response (hello included).
 * Returns: (transfer full) the client, or NULL with a CONF_CLIENT_ERROR
 * (HANDSHAKE naming what the IUT said, or the failure of the hello call);
 * the process is then already ended and reaped.
 */
ConfClient *conf_client_start (const char *command, const char *role, int timeout_ms,
                               GError **error);

/*
 * As conf_client_start, for a target that is a command or an http:// or
 * https:// URL (conformance/transport.h), with options (may be NULL).  For
 * a URL the handshake is the first request of a new connection; a URL or a
 * TLS file that cannot be used fails with CONF_CALL_START, a connection
 * that cannot be made with CONF_CALL_NETWORK.
 */
ConfClient *conf_client_open (const char *target, const char *role, int timeout_ms,
                              const ConfClientOptions *options, GError **error);

/* ---- use ---------------------------------------------------------------- */

/* The IUT's identity from `hello` (owned by the client). */
const char *conf_client_name (ConfClient *client);
const char *conf_client_version (ConfClient *client);
const char *conf_client_role (ConfClient *client);
/* NULL-terminated list of the ops the IUT said it offers. */
const char *const *conf_client_ops (ConfClient *client);
gboolean conf_client_has_op (ConfClient *client, const char *op);

void conf_client_set_timeout (ConfClient *client, int timeout_ms);
/* No response is awaited past deadline_us (g_get_monotonic_time's clock;
 * 0: no deadline): a call's timeout is cut to what is left of it. */
void conf_client_set_deadline (ConfClient *client, gint64 deadline_us);
int conf_client_timeout (ConfClient *client);

/*
 * Sends {"essc":1,"id":N,"op":op,"params":params} (params borrowed; NULL
 * sends {}) and reads its response within the timeout.  TRUE with *out
 * filled when a well-formed response came (ok or not; clear *out with
 * conf_call_result_clear); FALSE with a CONF_CLIENT_ERROR whose code is a
 * ConfCallFailure otherwise, after which the client is dead.
 */
gboolean conf_client_call (ConfClient *client, const char *op, JsonObject *params,
                           ConfCallResult *out, GError **error);

/*
 * Sends text as the request line (docs/VECTORS.md, a step's `line`): each
 * "$id" in it, quotes included, becomes the request's id, the next of the
 * sequence; a text without one is sent as it is, uses no id of the sequence,
 * and its response must carry id 0.  A `malformed` refusal may carry id 0
 * instead of the request's id (docs/ADAPTER.md section 2: a line the IUT
 * cannot read as a request).  op only names the request in diagnostics.
 * Otherwise as conf_client_call.
 */
gboolean conf_client_call_line (ConfClient *client, const char *op, const char *text,
                                ConfCallResult *out, GError **error);

/*
 * What a call does with the response line it got (len bytes, not
 * necessarily NUL-terminated) to request id of op, without a transport:
 * parses it strictly (conformance/json.h) and checks it is a response to
 * that request (docs/ADAPTER.md section 2): `id` equal to id (or 0 for a
 * `malformed` refusal when zero_if_malformed), `ok` a boolean, then an
 * object `result`, or an object `error` whose `code` is an ESSC-STD error
 * code and whose `message`, when present, a string.  TRUE with *out
 * filled (its id left as it is; clear it with conf_call_result_clear);
 * FALSE with CONF_CLIENT_ERROR CONF_CALL_PROTOCOL saying what was wrong,
 * quoting the start of the line, without the class prefix a failed call
 * adds.
 */
gboolean conf_client_parse_response (const char *op, gint64 id, gboolean zero_if_malformed,
                                     const char *line, gsize len, ConfCallResult *out,
                                     GError **error);

/* FALSE once a call failed or the client was stopped. */
gboolean conf_client_alive (ConfClient *client);
/* The pid (= process group id) of the IUT's shell; 0 over HTTP. */
GPid conf_client_pid (ConfClient *client);
/* Returns: (transfer full) the kept end of the IUT's standard error; NULL
 * over HTTP. */
char *conf_client_stderr_tail (ConfClient *client);
/* How the IUT ended; NULL while it runs, and always over HTTP. */
const ConfChildExit *conf_client_exit (ConfClient *client);

/*
 * Says `bye` (with a deadline of at most 1 s; its answer is read but not
 * judged), then ends the IUT, giving it 1 s to exit by itself, or closes the
 * connection.  Nothing to do on a dead client.  Afterwards conf_client_exit
 * tells how a process ended.
 */
void conf_client_stop (ConfClient *client);

/* ---- free --------------------------------------------------------------- */

/* Ends the IUT (without `bye`) if it runs, and frees.  Accepts NULL. */
void conf_client_free (ConfClient *client);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ConfClient, conf_client_free)

G_END_DECLS
