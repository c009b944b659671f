/* SPDX-License-Identifier: MIT */
/*
 * The JSON API of `essc serve` under /api/v1/ (docs/SERVE.md,
 * docs/openapi.json), the run's downloads and event stream for the pages
 * (/runs/{run}/report, /runs/{run}/report.sig, /runs/{run}/events) and the
 * published list and feed (/public/, /public/{file}).  Every handler is a
 * thin shell: it reads the parameters and the body, calls one action
 * (serve/actions.h) and answers its result.
 */
#pragma once

#include "serve/http.h"

G_BEGIN_DECLS

/* Adds the routes above to h (in a fixed order, which `essc serve --routes`
 * prints).  The handlers find the actions through serve_http_actions.
 * public_dir (borrowed for the life of h; NULL: /public/ answers 404) is
 * the directory whose index.html, feed.json and feed.json.sig are served
 * under /public/ (STATE/public). */
void serve_api_register (ServeHttp *h, const char *public_dir);

G_END_DECLS
