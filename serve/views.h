/* SPDX-License-Identifier: MIT */
/*
 * The service's pages as HTML (docs/SERVE.md "Pages"): one renderer per
 * page, from what the actions (serve/actions.h) gave, in their JSON shapes
 * (channel, run, test, token, history entry), to a whole page.  No I/O, no
 * authorization, no clock: serve/pages.c asks the actions for what the
 * logged-in caller may see and hands their results here; a test renders
 * hostile data directly.  A member missing or of another type shows as
 * "–" (never a crash).
 *
 * Every page is built with serve/page.h: every text escaped, every form
 * with the session's csrf field, the element ids of COMMON18.md's browser
 * test (#login-token, #channel-id, #run-state, #results rows with
 * data-test and data-verdict, #staff-certify-ID, #reason-ID, ...).
 */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

#include "serve/page.h"

G_BEGIN_DECLS

/* The values of the application form (kept when it is shown again with an
 * error).  Borrowed; any may be NULL. */
typedef struct {
  const char *id, *name, *klass, *tier, *parent_id, *public_key, *endpoint;
  const char *payment;          /* "yes" or "no" */
} ServeApplyForm;

/* The landing page (not logged in): what the service is, the links. */
char *serve_view_home (const ServePageFrame *frame);

/* The login form (#login-token, #login-submit), with error (may be NULL). */
char *serve_view_login (const ServePageFrame *frame, const char *error);

/* The vendor's channels (channels: array of channel objects, may be NULL)
 * and the application form (#channel-id ... #channel-submit) with form's
 * values (may be NULL) and error (may be NULL). */
char *serve_view_channels (const ServePageFrame *frame, JsonArray *channels,
                           const ServeApplyForm *form, const char *error);

/* A channel: its record, its runs (array of runs, newest first; may be
 * NULL) and the start-run form (#run-start) unless it is terminated, with
 * error (may be NULL).  idem (may be NULL): the run form's hidden field
 * `idem`, an idempotency key (a form posted twice starts one run). */
char *serve_view_channel (const ServePageFrame *frame, JsonObject *channel, JsonArray *runs,
                          const char *idem, const char *error);

/* A run: state (#run-state), progress (#run-progress, #run-bar), the
 * results table #results (tests: array of tests, may be NULL), the report
 * links; while the run is not finished the page refreshes itself (inside
 * <noscript>) and loads live.js. */
char *serve_view_run (const ServePageFrame *frame, JsonObject *run, JsonArray *tests);

/* The staff overview: every channel with its owner, latest run,
 * certificate and action forms, with notice and error (may be NULL). */
char *serve_view_staff (const ServePageFrame *frame, JsonArray *channels, const char *notice,
                        const char *error);

/* The staff's token page: the issue form (#token-vendor, #token-label,
 * #token-submit) with the values given (may be NULL), the token just
 * issued (#new-token; NULL: none), every token with a revoke form; error
 * may be NULL. */
char *serve_view_tokens (const ServePageFrame *frame, JsonArray *tokens,
                         const char *new_token, const char *form_vendor,
                         const char *form_label, const char *error);

/* The registry's history (entries: array of history entries, oldest
 * first), newest first: at most limit (0: 200) entries with seq below
 * before (G_MAXUINT64: from the newest), and a link to the older ones. */
char *serve_view_history (const ServePageFrame *frame, JsonArray *entries, guint64 before,
                          guint limit);

/* Returns: (transfer full) a history entry's payload as one short line
 * (member=value, long values cut, nested values abbreviated; a payload
 * that is not an object as compact JSON), at most 300 characters. */
char *serve_view_payload_summary (JsonNode *payload);

G_END_DECLS
