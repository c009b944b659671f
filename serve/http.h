/* SPDX-License-Identifier: MIT */
/*
 * The HTTP(S) server of `essc serve` (docs/SERVE.md): a SoupServer (libsoup
 * 3) on one address, the route table, the request context handed to every
 * handler (ServeReq), the sessions of the pages, and the responses.  What
 * this module guarantees for every route, so handlers need not:
 *
 *   - the path is split into segments and checked strictly before any
 *     handler runs: percent-decoded segments that are empty, "." or "..",
 *     contain '/', '\\', NUL or a control character, or are not UTF-8 are
 *     400; a route parameter that does not match its pattern is 404 (see
 *     "Routes");
 *   - no route matches the path: 404; a route matches the path but not the
 *     method: 405 with Allow;
 *   - request bodies: at most SERVE_BODY_MAX bytes.  A Content-Length over
 *     it is answered 413 as soon as the headers arrive, before the body is
 *     read; a chunked body is dropped as it arrives and answered 413 once it
 *     passes the limit.  GET requests take no body;
 *   - the caller: `Authorization: Bearer TOKEN` (the API; a bearer token
 *     that does not authenticate is 401, whatever the route), or the session
 *     cookie `essc_session` (pages; a session whose token was revoked is
 *     dropped: the caller is nobody).  req->caller.kind is
 *     SERVE_CALLER_NONE for nobody; handlers pass req->caller to the actions
 *     (serve/actions.h), which decide what the caller may do;
 *   - CSRF: a POST to a page route (not /api/) must carry the form field
 *     `csrf` equal to its session's token (403 otherwise, before the
 *     handler).  Every page request gets a session (anonymous until login),
 *     so the login form has a csrf field too;
 *   - security headers on EVERY response, errors and 404s included:
 *     Content-Security-Policy, X-Content-Type-Options, Referrer-Policy,
 *     X-Frame-Options, Cache-Control: no-store (except under /static/),
 *     Strict-Transport-Security over TLS (values in docs/SERVE.md);
 *   - the access log: one line per request (time, remote, method, path,
 *     status, actor or "-", milliseconds; for 4xx/5xx also the reason: the
 *     message given to serve_req_error);
 *   - slow clients: a connection whose request (headers and body) has not
 *     arrived within SERVE_READ_TIMEOUT_S seconds is closed (a watchdog
 *     started at "request-started", cancelled at "request-read"; the
 *     connection's socket is closed, so others are never blocked).  Idle
 *     keep-alive connections are closed after SERVE_IDLE_TIMEOUT_S.
 *
 * Everything runs on the default main context; a handler answers before it
 * returns (serve_req_json, _error, _html, _redirect, _bytes), or pauses the
 * message for a stream (serve/sse.h).
 */
#pragma once

#include <gio/gio.h>
#include <glib.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <stdio.h>

#include "serve/actions.h"

G_BEGIN_DECLS

#define SERVE_BODY_MAX (64 * 1024)
#define SERVE_READ_TIMEOUT_S 10
#define SERVE_IDLE_TIMEOUT_S 60
/* Connections waiting to be accepted (the listening socket's backlog). */
#define SERVE_LISTEN_BACKLOG 1024
#define SERVE_SESSION_COOKIE "essc_session"
/* Sessions end after this many seconds without a request, and at most
 * SERVE_SESSIONS_MAX are kept (the least recently used is dropped). */
#define SERVE_SESSION_IDLE_S (12 * 3600)
#define SERVE_SESSIONS_MAX 10000

typedef struct _ServeHttp ServeHttp;

/* ---- requests ------------------------------------------------------------------ */

/* One request, as a handler sees it.  Fields public, read-only; valid until
 * the handler returns (a stream keeps what it needs). */
typedef struct {
  ServeHttp *http;
  SoupServerMessage *msg;
  const char *method;          /* "GET", "POST", ... */
  const char *path;            /* as received (still percent-encoded) */
  char **seg;                  /* the decoded, checked segments; NULL-terminated */
  guint n_seg;
  gboolean api;                /* the path starts with /api/ (errors in JSON) */
  gboolean tls;
  ServeCaller caller;          /* kind NONE: nobody */
  const char *csrf;            /* pages: the session's CSRF token, for the forms; else NULL */
  const char *remote;          /* the peer's address */
  GBytes *body;                /* the body (empty when none), at most SERVE_BODY_MAX */
  GHashTable *query;           /* the query's fields (name -> value), never NULL */
  /* private */
  const char *const *params;   /* route parameter values, by position */
  const char *const *param_names;
  char *log_reason;
} ServeReq;

/* A route parameter's value by its name in the pattern ("run" for {run}),
 * already checked against its pattern; NULL if the route has no such one. */
const char *serve_req_param (const ServeReq *req, const char *name);

/* The body as a JSON object: Content-Type must be application/json (415
 * otherwise) and the body one JSON object (400 "malformed JSON body: ..."
 * otherwise; an empty body gives an empty object).  NULL after answering
 * the error.  Returns: (transfer full). */
JsonObject *serve_req_json_body (ServeReq *req);

/* The body as form fields: Content-Type application/x-www-form-urlencoded
 * (415 otherwise; 400 when not UTF-8).  NULL after answering the error.
 * Returns: (transfer full) name -> value (the last of repeated names). */
GHashTable *serve_req_form (ServeReq *req);

/* A request header, or NULL. */
const char *serve_req_header (const ServeReq *req, const char *name);

/* ---- responses (each answers the request once) --------------------------------- */

/* 2xx with json (borrowed) as application/json; or an error with
 * res->message.  The result of an action, answered as the API does. */
void serve_req_result (ServeReq *req, const ServeResult *res);
void serve_req_json (ServeReq *req, guint status, JsonNode *json);
/* An error: {"error":{"status":N,"message":"..."}} under /api/, else a
 * small HTML page (or the page hook's, serve_http_set_error_page);
 * the message is the log's reason. */
void serve_req_error (ServeReq *req, guint status, const char *fmt, ...) G_GNUC_PRINTF (3, 4);
/* text/html; charset=utf-8 (html: transfer full). */
void serve_req_html (ServeReq *req, guint status, char *html);
/* 303 See Other to location (a path on this server). */
void serve_req_redirect (ServeReq *req, const char *location);
/* bytes (borrowed) as content_type; filename (may be NULL): sent as an
 * attachment (Content-Disposition). */
/* Allows the one inline style sheet css (len bytes, the text between <style> and
 * </style>) in this response's Content-Security-Policy, by its SHA-256 (the
 * published page of registry/publish.c carries its style inline); nothing else
 * of the policy changes. */
void serve_req_allow_style (ServeReq *req, const char *css, gsize len);
void serve_req_bytes (ServeReq *req, guint status, const char *content_type, GBytes *bytes,
                      const char *filename);

/* Starts a streamed 200 response (serve/sse.c): content_type, chunked, the
 * message paused; the stream then appends chunks (soup_message_body_append,
 * soup_server_message_unpause) and ends with soup_message_body_complete.
 * The access log gets the line now; the stream writes its own at the end. */
void serve_req_stream (ServeReq *req, const char *content_type);

/* ---- sessions (pages) ------------------------------------------------------------ */

/*
 * Logs in with a token's text: authenticates it (serve_actions_authenticate)
 * and on success replaces the request's session by a new one (new id and
 * new CSRF token: no session fixation) holding the token's id only, and
 * sets the cookie (HttpOnly, SameSite=Strict, Path=/, Secure over TLS);
 * req->caller and req->csrf are updated.  FALSE with res 401 otherwise
 * (nothing answered: the page re-renders its form).
 */
gboolean serve_req_login (ServeReq *req, const char *token_text, ServeResult *res);
/* Drops the request's session and clears the cookie. */
void serve_req_logout (ServeReq *req);

/* ---- routes --------------------------------------------------------------------- */

typedef void (*ServeHandler) (ServeReq *req, gpointer user_data);

/*
 * Adds a route: method "GET" or "POST"; pattern a path of literal segments
 * and parameters in braces, each of a kind its name says:
 *   {channel}   "CH" + 6 digits
 *   {run}       decimal 1..9007199254740991, no leading zero
 *   {token}     12 lowercase hex digits
 *   {action}    certify|rectify|suspend|reinstate|terminate|revoke
 *   {file}      a file name: [A-Za-z0-9][A-Za-z0-9._-]{0,63}, not ending ".."
 * ("/api/v1/channels/{channel}/runs").  A final "/" matters ("/public/").
 * A pattern ending "/{file}" also serves nothing else; there are no
 * wildcards.  Routes are matched in the order added.  Adding a pattern
 * with another parameter name is a programmer error.
 *
 * Who adds which routes: serve/api.c (serve_api_register) every /api/v1/
 * route, GET /runs/{run}/events, /runs/{run}/report, /runs/{run}/report.sig,
 * /public/ and /public/{file}; serve/pages.c (helper D's
 * serve_pages_register (ServeHttp *, ServeActions *)) every other page and
 * /static/{file}.  `essc serve` calls both.
 */
void serve_http_route (ServeHttp *h, const char *method, const char *pattern,
                       ServeHandler handler, gpointer user_data);

/* Calls fn for each route in order (for `essc serve --routes`: "METHOD PATTERN"). */
void serve_http_foreach_route (ServeHttp *h,
                               void (*fn) (const char *method, const char *pattern,
                                           gpointer data),
                               gpointer data);

/* Renders an error page (for errors of page routes): the hook gets the
 * request, the status and the message, and returns (transfer full) HTML. */
typedef char *(*ServeErrorPageFunc) (ServeReq *req, guint status, const char *message,
                                     gpointer data);
void serve_http_set_error_page (ServeHttp *h, ServeErrorPageFunc fn, gpointer data);

/* ---- the server ------------------------------------------------------------------ */

typedef struct {
  const char *listen;          /* "ADDR:PORT" (conf_impl_http_parse_listen's forms) */
  const char *tls_cert, *tls_key;  /* PEM; both or neither */
  FILE *log;                   /* the access log (borrowed); NULL: none */
} ServeHttpOptions;

/* A server with no routes, not listening yet.  The actions are borrowed
 * (for authentication).  Returns: (transfer full). */
ServeHttp *serve_http_new (ServeActions *actions, GError **error);

/* Listens (G_IO_ERROR naming the address, or the TLS files, otherwise).
 * *url (may be NULL) gets the URL to reach it from this machine
 * ("http://127.0.0.1:PORT"). */
gboolean serve_http_listen (ServeHttp *h, const ServeHttpOptions *options, char **url,
                            GError **error);

ServeActions *serve_http_actions (ServeHttp *h);

/* Stops listening, closes every connection and frees. */
void serve_http_free (ServeHttp *h);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ServeHttp, serve_http_free)

/* Writes one line to the access log (also used by streams at their end). */
void serve_http_log (ServeHttp *h, const char *fmt, ...) G_GNUC_PRINTF (2, 3);

G_END_DECLS
