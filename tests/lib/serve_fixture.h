/* SPDX-License-Identifier: MIT */
/*
 * The fixture of the tests that run `essc serve` (tests/cli/test_serve_*.c):
 * a temporary directory with the issuer's and a channel's keys (essc
 * keygen), a registry (essc registry init), a staff token (essc registry
 * token issue --staff alice), the reference channel served with `essc impl
 * --role channel --listen 127.0.0.1:0` as the vendors' endpoint, and `essc
 * serve ... --listen 127.0.0.1:0 --log FILE` as a child (its URL read from
 * its line, stderr into a file, ended with SIGTERM, or SIGKILL to test a
 * crash).  A raw HTTP/1.1 client over a socket (no library rewriting the
 * path: the tests send path tricks exactly), each request on its own
 * connection with a 20 s read timeout.  Every wait has a deadline; a failed
 * set-up step aborts the test.
 */
#pragma once

#include <gio/gio.h>

#include "tests/lib/http_fixture.h"

G_BEGIN_DECLS

/* Public, read-only (paths in dir). */
typedef struct {
  char *dir, *db, *iss_key, *iss_pub, *ch_pub, *ch_pub_text, *state, *log, *serve_err;
  char *staff;               /* the staff token's text (alice) */
  FxImplServer *impl;        /* the reference channel */
  const char *endpoint;      /* its URL */
  GSubprocess *serve;        /* NULL when not running */
  char *url;                 /* http://127.0.0.1:PORT (no final /) */
  guint16 port;
} SrvFx;

/* The directory, keys, registry, staff token and endpoint (no server). */
void sfx_new (SrvFx *f);
/* Stops what runs and removes the directory. */
void sfx_free (SrvFx *f);

/* Issues a vendor token with the CLI; returns: (transfer full) its text. */
char *sfx_vendor_token (SrvFx *f, const char *vendor);
/* Revokes the token whose text is token (its id taken from the text). */
void sfx_revoke_token (SrvFx *f, const char *token, const char *reason);

/* Starts `essc serve --registry DB --key KEY --listen 127.0.0.1:0 --state
 * STATE --log LOG` and extra (NULL-terminated, may be NULL); waits 20 s at
 * most for its URL. */
void sfx_serve_start (SrvFx *f, const char *const *extra);
/* SIGTERM (kill: SIGKILL) and waits 10 s at most; returns the exit status
 * (-1 after a signal). */
int sfx_serve_stop (SrvFx *f, gboolean kill);

/* ---- raw HTTP ------------------------------------------------------------------ */

typedef struct {
  guint status;              /* 0: no response (connection closed or timed out) */
  char *head;                /* status line and headers as received */
  char *body;                /* de-chunked, NUL-terminated */
  gsize body_len;
} SfxResp;

void sfx_resp_clear (SfxResp *r);

/* Sends "METHOD PATH HTTP/1.1" with Host, Connection: close, the headers
 * (NULL-terminated "Name: value" strings, may be NULL) and body (may be
 * NULL; Content-Length added), reads the answer to its end.  head_only:
 * stops after the headers (event streams). */
SfxResp sfx_http (SrvFx *f, const char *method, const char *path, const char *const *headers,
                  const char *body, gsize body_len, gboolean head_only);
/* The API: Authorization: Bearer token (NULL: none), a JSON body (NULL: none). */
SfxResp sfx_api (SrvFx *f, const char *method, const char *path, const char *token,
                 const char *json);
/* A response header's value (the first), or NULL.  (transfer full) */
char *sfx_header (const SfxResp *r, const char *name);

/* Logs in with the page's form (GET /login, POST /login with its csrf) and
 * returns: (transfer full) the "essc_session=..." cookie; *csrf (may be
 * NULL) gets the csrf of a page fetched after login (transfer full). */
char *sfx_login (SrvFx *f, const char *token, char **csrf);
/* The value of the first hidden csrf field of html, or NULL. (transfer full) */
char *sfx_csrf_of (const char *html);

/* Polls GET /api/v1/runs/{id} with token (200 ms apart, deadline_s at
 * most) until it has finished; returns: (transfer full) its state. */
char *sfx_wait_run (SrvFx *f, const char *token, gint64 id, guint deadline_s);

/* A number member of a JSON object text (-1 when missing). */
gint64 sfx_json_int (const char *json, const char *member);
/* A string member (transfer full; NULL when missing). */
char *sfx_json_str (const char *json, const char *member);

G_END_DECLS
