/* SPDX-License-Identifier: MIT */
/*
 * A reference implementation (conformance/impl.h) served over HTTP(S) with a
 * SoupServer, as a deployed implementation under test would be: `essc impl
 * --role R --listen ADDR:PORT [--path /P] [--tls-cert F --tls-key F]`
 * (docs/ADAPTER.md section 6).  One ConfImpl, so one IUT state, for the
 * whole server; requests are handled one at a time on the main loop, each a
 * POST of one request object with Content-Type application/json, answered
 * with 200 and the response object (protocol errors included: they are
 * JSON error responses).  HTTP-level mistakes get a short text/plain
 * answer: another path 404, another method 405, another content type 415,
 * a body over CONF_IMPL_LINE_MAX bytes 413 (the body is then dropped as it
 * arrives, never held).  Serves until SIGTERM or SIGINT.
 */
#pragma once

#include <gio/gio.h>
#include <glib.h>

#include "conformance/impl.h"

G_BEGIN_DECLS

/* What to serve.  All fields public. */
typedef struct {
  const char *listen;    /* "ADDR:PORT": IPv4, [IPv6] or localhost; port 0 picks a free one */
  const char *path;      /* the one path served, starting with '/'; NULL: "/" */
  const char *tls_cert;  /* PEM certificate (chain) and its key for HTTPS; NULL: HTTP */
  const char *tls_key;
} ConfImplHttpOptions;

/*
 * Parses "ADDR:PORT" (ADDR an IPv4 literal, an IPv6 literal in brackets, or
 * "localhost" for 127.0.0.1; PORT 0..65535).  Returns: (transfer full) the
 * address, or NULL with CONF_IMPL_ERROR MODEL_STD_MALFORMED saying what is
 * wrong.
 */
GInetSocketAddress *conf_impl_http_parse_listen (const char *text, GError **error);

/*
 * Serves impl (borrowed) as options say.  Once listening, calls ready with
 * the URL to reach it from this machine ("http://127.0.0.1:41234/", with the
 * port picked; 0.0.0.0 and :: are shown as 127.0.0.1 and [::1]).  Returns
 * TRUE after SIGTERM or SIGINT; FALSE with CONF_IMPL_ERROR when it cannot
 * listen (MODEL_STD_INTERNAL) or the TLS files cannot be loaded
 * (MODEL_STD_MALFORMED).  Uses the default main context, and ignores
 * SIGPIPE.
 */
gboolean conf_impl_http_serve (ConfImpl *impl, const ConfImplHttpOptions *options,
                               void (*ready) (const char *url, gpointer user_data),
                               gpointer user_data, GError **error);

G_END_DECLS
