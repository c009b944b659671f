/* SPDX-License-Identifier: MIT */
/*
 * The service's static files, compiled into the program: /static/style.css
 * (the pages' only style: the CSP forbids inline style) and /static/live.js
 * (the run page's live progress over server-sent events: the CSP forbids
 * inline scripts).  Pages work without the script: a run page that is not
 * finished refreshes itself every two seconds inside <noscript>.
 *
 * live.js looks for an element #run with data-events (the URL of the run's
 * event stream) and data-finished ("0" or "1"); on a "progress" event
 * ({"done","total","verdict","test"}) it updates #run-progress and
 * #run-bar and appends a row to table #results (tr data-test, data-verdict;
 * text set with textContent, never as markup); on a "state" event (the run
 * as the API shows it) it updates #run-state, and when the run is finished
 * it closes the stream and reloads the page once to show the
 * server-rendered results.  A stream the server refuses or that breaks for
 * good (the browser does not retry) reloads the page after five seconds.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* One static file.  All fields public, static. */
typedef struct {
  const char *path;             /* "/static/style.css" */
  const char *content_type;     /* with its charset */
  const char *body;
  gsize len;
} ServeStatic;

/* The file served at path, or NULL. */
const ServeStatic *serve_static_find (const char *path);

G_END_DECLS
