/* SPDX-License-Identifier: MIT */
/*
 * The HTML pages of `essc serve` (docs/SERVE.md "Pages"): the route
 * handlers of every page but the event stream, the report downloads and
 * /public/ (serve/api.c), and the static files.  Each handler asks the
 * actions (serve/actions.h) for what the caller may see or do, with the
 * caller the server core identified from the session, and renders the
 * result with serve/views.h: no authorization here beyond choosing which
 * page to show (a vendor asking for a staff page gets 403, nobody asking
 * for a page that needs a login is sent to /login).
 *
 * POST handlers answer 303 See Other after success (so a reload does not
 * post again), except issuing a token, whose page shows the new token's
 * text this once; a refused POST shows its form again with the message and
 * the action's status (400, 403, 404, 409, 429).  The run form carries a
 * fresh idempotency key, so a form posted twice starts one run.
 */
#pragma once

#include "serve/actions.h"
#include "serve/http.h"

G_BEGIN_DECLS

/* Adds the page routes and /static/{file} to h, and sets h's error page
 * (the site's frame around the message).  a is borrowed for h's life. */
void serve_pages_register (ServeHttp *h, ServeActions *a);

G_END_DECLS
