/* SPDX-License-Identifier: MIT */
/*
 * Fixtures of the HTTP(S) transport tests (tests/conformance/test_http.c):
 *   - a test PKI made with the openssl command in a temporary directory: a
 *     CA, a server certificate for 127.0.0.1 and localhost, a client
 *     certificate, all signed by the CA (EC P-256, valid for two days);
 *   - `essc impl --role R --listen 127.0.0.1:0 ...` as a child process,
 *     its URL read from the line it prints, ended with SIGTERM;
 *   - hostile HTTP servers as threads of the test binary (GSocketListener,
 *     blocking GSockets, optionally TLS): each answers `hello` properly and
 *     misbehaves in one way on every other request, and counts the
 *     connections and requests it saw.
 * In the sanitizer build (ESSC_SANITIZE), a TLS server runs without the leak
 * check (see tests/conformance/test_http.c).  A failed set-up step aborts
 * the test; every wait of the fixtures has a
 * deadline, so a broken build fails rather than hangs.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* ---- test PKI ------------------------------------------------------------ */

typedef struct {
  char *dir;
  char *ca, *ca_key;                 /* CA certificate and key (PEM) */
  char *server_cert, *server_key;    /* for 127.0.0.1 and localhost */
  char *client_cert, *client_key;    /* a client certificate */
  char *other_ca;                    /* a CA that signed none of them */
} FxPki;

/* Makes the PKI in a new temporary directory; fx_pki_free removes it. */
FxPki *fx_pki_new (void);
void fx_pki_free (FxPki *pki);

/* ---- essc impl --listen ---------------------------------------------------- */

typedef struct _FxImplServer FxImplServer;

/* Starts `$ESSC_BIN impl --role role --listen 127.0.0.1:0` with extra
 * arguments (NULL-terminated, may be empty) and waits (5 s at most) for its
 * "listening on URL" line. */
FxImplServer *fx_impl_server_start (const char *role, const char *const *extra);
const char *fx_impl_server_url (FxImplServer *s);
/* Sends SIGTERM and waits (5 s at most); returns the exit status (-1 when
 * killed by a signal).  *err (may be NULL) gets its standard error. */
int fx_impl_server_stop (FxImplServer *s, char **err);

/* ---- hostile servers --------------------------------------------------------- */

typedef enum {
  FX_HOSTILE_GOOD,            /* answers every request well ({"op": OP}) */
  FX_HOSTILE_SILENT,          /* reads the request, never answers */
  FX_HOSTILE_SLOW_DRIP,       /* Content-Length 200, then a byte every 50 ms */
  FX_HOSTILE_HUGE_LENGTH,     /* Content-Length 100000000, a few bytes, then nothing */
  FX_HOSTILE_CHUNKED_FOREVER, /* chunked, 64 KiB chunks of blanks, without end */
  FX_HOSTILE_WRONG_TYPE,      /* 200 with Content-Type text/html */
  FX_HOSTILE_RESET_MID_BODY,  /* Content-Length 1000, 10 bytes, then a TCP reset */
  FX_HOSTILE_REDIRECT,        /* 302 to http://elsewhere.invalid/essc */
  FX_HOSTILE_STATUS_500,      /* 500 Internal Server Error */
  FX_HOSTILE_STATUS_501,      /* 501 Not Implemented */
  FX_HOSTILE_STATUS_404,      /* 404 Not Found */
  FX_HOSTILE_NOT_JSON,        /* 200 application/json, body "<ok/>" */
  FX_HOSTILE_WRONG_ID,        /* a response carrying id + 1000 */
  FX_HOSTILE_GARBAGE,         /* on accepting, before any request: bytes that are
                               * neither TLS nor HTTP, then it waits */
} FxHostileMode;

typedef struct _FxHostile FxHostile;

/*
 * Starts a hostile server on 127.0.0.1 (a free port) in a thread.  tls: a
 * server certificate for HTTPS (NULL: plain HTTP); client_ca: when not
 * NULL, a client certificate signed by this CA is required.
 */
FxHostile *fx_hostile_start (FxHostileMode mode, GTlsCertificate *tls,
                             GTlsDatabase *client_ca);
/* "http://127.0.0.1:PORT/essc" (https with tls). */
const char *fx_hostile_url (FxHostile *h);
/* Connections accepted, `hello` requests, other requests, client
 * certificates seen, so far. */
guint fx_hostile_connections (FxHostile *h);
guint fx_hostile_hellos (FxHostile *h);
guint fx_hostile_requests (FxHostile *h);
guint fx_hostile_client_certs (FxHostile *h);
/* Stops the thread (cancelling whatever it waits for) and frees. */
void fx_hostile_stop (FxHostile *h);

/* A port on 127.0.0.1 that nothing listens on (it was free a moment ago). */
guint16 fx_free_port (void);

/* VmRSS of this process in KiB. */
gsize fx_rss_kib (void);

/* A GSubprocessLauncher child setup: the child gets SIGTERM when the test
 * process ends (PR_SET_PDEATHSIG), so that no server outlives a test that
 * aborts: an orphan would hold the test's output pipes open and hang prove. */
void fx_die_with_parent (gpointer data);

/* What a server child (spawned with a stdout pipe) prints up to and including
 * its first line ("listening on URL"), read without blocking within wait_us;
 * the test fails naming what when nothing comes in time or the child ends
 * first (with the text of err_path, its standard error, when not NULL).
 * Returns: (transfer full). */
char *fx_read_first_line (GSubprocess *proc, const char *what, gint64 wait_us,
                          const char *err_path);

G_END_DECLS
