/* SPDX-License-Identifier: MIT */
/*
 * Every operation of `essc serve` (docs/SERVE.md), with the authorization in
 * this one place: the JSON API (serve/api.c) and the HTML pages
 * (serve/pages.c) both call these functions and only render what they give.
 * No function here knows HTTP beyond the status code it returns; nothing
 * here includes libsoup.
 *
 * Who may do what:
 *   - nobody (caller->kind SERVE_CALLER_NONE): every action answers 401;
 *   - a vendor: whoami; its own channels (list, get, register: the vendor is
 *     recorded as the owner, `channel.vendor`); runs of its own channels
 *     (start, list, get, tests, report, signature).  A channel or run of
 *     another vendor is 404, exactly as one that does not exist (a vendor
 *     cannot learn another vendor's ids exist).  Staff actions, tokens and
 *     history: 403;
 *   - staff: everything, on every vendor's channels and runs.
 *
 * Each action fills a ServeResult: status (HTTP code), and either json (the
 * result, on 2xx) or message (one line saying what is wrong, on 4xx/5xx).
 * Every refusal changes nothing.  After every change of the registry (an
 * application, a staff action, a token, a run's report stored: the pool's
 * finished-state event) the public list and feed are republished into
 * STATE/public/ (reg_publish), so /public/ is always current; a failed
 * republish is logged and does not fail the action that changed the
 * registry.
 *
 * Time comes from the wall clock (g_get_real_time) at each call.  The
 * registry is opened per call (short transactions: the worker processes
 * write to it too).  Everything runs on the main loop; not thread-safe.
 *
 * The JSON shapes (docs/SERVE.md and docs/openapi.json say the same):
 *   channel: {"id","name","class","tier","parent_id"|null,"status",
 *             "status_changed_at","role","endpoint","applied_at",
 *             "vendor"|null,"rectification_pending":bool,
 *             "certificate":{"serial","not_before","not_after","revoked",
 *                            "in_force"}|null,
 *             "latest_run":RUN|null}
 *   run:     serve/run_json.h's (COMMON18.md "A run as JSON")
 *   test:    {"idx","test","verdict","requirement","diagnostic":{..},
 *             "transcript":[..]}
 *   token:   {"id","role","subject","label","issued_at","issued_by",
 *             "revoked_at"|null,"revoke_reason"|null}   (never the hash)
 *   history: {"seq","time","actor","action","payload":{..}}
 *   whoami:  {"role":"staff"|"vendor","subject","token_id","actor"}
 */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

#include "serve/pool.h"
#include "serve/store.h"

G_BEGIN_DECLS

/* At most this many queued (not yet running) runs per vendor: 429 beyond. */
#define SERVE_MAX_QUEUED_PER_VENDOR 20
/* An endpoint URL (http:// or https:// only) is at most this many bytes. */
#define SERVE_ENDPOINT_MAX 2048
/* A token label is at most this many bytes of UTF-8 without controls. */
#define SERVE_LABEL_MAX 128

typedef enum {
  SERVE_CALLER_NONE = 0,   /* not authenticated */
  SERVE_CALLER_VENDOR,
  SERVE_CALLER_STAFF,
} ServeCallerKind;

/* Who calls.  All fields public; serve_caller_clear frees the strings. */
typedef struct {
  ServeCallerKind kind;
  char *token_id;          /* the token's id (12 hex), NULL when NONE */
  char *subject;           /* the vendor id or the staff member's name */
  char *actor;             /* "vendor:ID" or "staff:NAME", as the history records */
} ServeCaller;

void serve_caller_clear (ServeCaller *c);

/* What an action gave.  All fields public; serve_result_clear frees. */
typedef struct {
  guint status;            /* 200, 201, 202, or 4xx/5xx */
  JsonNode *json;          /* 2xx: the result (owned); NULL otherwise */
  char *message;           /* 4xx/5xx: one line (owned); NULL on 2xx */
} ServeResult;

void serve_result_clear (ServeResult *r);

/* What the service runs with.  Borrowed for the life of the ServeActions. */
typedef struct {
  const char *registry_path;   /* the registry (essc-registry/2 after open) */
  const char *key_path;        /* the issuer's secret key (signs reports, certificates, feed) */
  const char *public_dir;      /* where the list and feed are published: STATE/public */
  ServeStore *store;
  ServePool *pool;             /* may be NULL (tests of the actions alone: no run starts) */
  guint max_queued_per_vendor; /* 0: SERVE_MAX_QUEUED_PER_VENDOR */
} ServeActionsOptions;

typedef struct _ServeActions ServeActions;

/*
 * Checks the registry opens (upgrading nothing: the first write that needs
 * schema /2 upgrades it, registry/token.h), creates public_dir (0755) and
 * publishes once, subscribes to the pool to republish after each finished
 * run.  NULL + G_IO_ERROR / REG_ERROR naming the file otherwise.
 * Returns: (transfer full).
 */
ServeActions *serve_actions_new (const ServeActionsOptions *options, GError **error);
void serve_actions_free (ServeActions *a);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ServeActions, serve_actions_free)

/* Republishes STATE/public now (also done after every change). */
gboolean serve_actions_republish (ServeActions *a, GError **error);

/* ---- authentication --------------------------------------------------------- */

/*
 * The caller of a token's text (reg_token_authenticate: constant-time hash
 * compare).  TRUE and *out filled; else FALSE with res 401 and the reason
 * ("unknown token", "token ID was revoked", "malformed token").
 */
gboolean serve_actions_authenticate (ServeActions *a, const char *token_text, ServeCaller *out,
                                     ServeResult *res);

/*
 * The caller of a token id kept by a session (no secret kept): TRUE while
 * the token exists and is not revoked (looked up at every request, so a
 * revoked token's sessions stop at their next request); else FALSE with
 * res 401.
 */
gboolean serve_actions_caller_by_id (ServeActions *a, const char *token_id, ServeCaller *out,
                                     ServeResult *res);

/* ---- the actions ------------------------------------------------------------- */
/* Each returns TRUE on 2xx (res->json set), FALSE otherwise (res->message
 * set).  String arguments are as received (the actions validate them). */

/* 200 whoami. */
gboolean serve_action_whoami (ServeActions *a, const ServeCaller *c, ServeResult *res);

/* 200 [channel]: a vendor's own, all for staff; by id. */
gboolean serve_action_channels (ServeActions *a, const ServeCaller *c, ServeResult *res);

/* 200 channel; 404 unknown or another vendor's; 400 an id not "CH" + 6 digits. */
gboolean serve_action_channel (ServeActions *a, const ServeCaller *c, const char *id,
                               ServeResult *res);

/*
 * Registers a channel application (vendors only: staff get 403, since a
 * channel needs an owner).  body: {"id","name","class","tier","parent_id"?,
 * "public_key" (the text of an essc keygen .pub file),"endpoint" (http:// or
 * https:// URL, <= SERVE_ENDPOINT_MAX bytes),"role"? (default "channel")}.
 * Unknown members, wrong types, a missing member: 400 naming the member.
 * The registry's refusals (an id taken, a parent unknown, a tier or class
 * it refuses): 409 with its message (400 for REG_ERROR_INPUT).  201 channel.
 */
gboolean serve_action_register (ServeActions *a, const ServeCaller *c, JsonObject *body,
                                 ServeResult *res);

/*
 * Queues a run of the channel's suite against its endpoint.  The channel
 * must be the vendor's (404 otherwise; staff may start any) and not
 * terminated (409).  idem_key (may be NULL; 1..64 printable ASCII, else
 * 400): a second call with the same key by the same vendor returns the
 * first run (200) instead of queuing another (202).  429 when the vendor
 * already has max_queued_per_vendor queued runs.  Kicks the pool.
 */
gboolean serve_action_start_run (ServeActions *a, const ServeCaller *c, const char *channel_id,
                                 const char *idem_key, ServeResult *res);

/* 200 [run], newest first, at most 200: the vendor's own (staff: all);
 * channel_id (may be NULL) filters (404 when not the caller's). */
gboolean serve_action_runs (ServeActions *a, const ServeCaller *c, const char *channel_id,
                            ServeResult *res);

/* 200 run; 404 unknown or another vendor's.  run_id as text (decimal,
 * 1..2^53; 400 otherwise). */
gboolean serve_action_run (ServeActions *a, const ServeCaller *c, const char *run_id,
                           ServeResult *res);

/* 200 [test] of a run (empty until it finishes). */
gboolean serve_action_run_tests (ServeActions *a, const ServeCaller *c, const char *run_id,
                                 ServeResult *res);

/*
 * The run's signed report (signature FALSE: the report's bytes, JSON;
 * TRUE: its .sig file's text).  TRUE with *bytes and *filename
 * ("report-CH000001-run-12.json" / ".json.sig") and res->status 200 (json
 * NULL); 404 when the run has no report (yet) or is not the caller's.
 */
gboolean serve_action_report (ServeActions *a, const ServeCaller *c, const char *run_id,
                              gboolean signature, GBytes **bytes, char **filename,
                              ServeResult *res);

/*
 * A staff action on a channel: action one of "certify", "rectify",
 * "suspend", "reinstate", "terminate", "revoke" (400 otherwise).  body:
 * {"reason" (required except for certify; <= REG_REASON_MAX bytes),
 * "days"? (certify: validity, 1..3650), "accept_waivers"? (certify:
 * [{"test","reason"}])}.  Vendors: 403.  The life cycle's refusals: 409
 * with the registry's one-line reason.  200 channel (as it is afterwards).
 * Recorded with actor "staff:NAME".
 */
gboolean serve_action_staff (ServeActions *a, const ServeCaller *c, const char *channel_id,
                             const char *action, JsonObject *body, ServeResult *res);

/* Staff only (vendors 403).  200 [token] (never a hash). */
gboolean serve_action_tokens (ServeActions *a, const ServeCaller *c, ServeResult *res);

/*
 * Staff only: issues a vendor token.  body {"vendor" (the subject pattern
 * of registry/token.h), "label"? (<= SERVE_LABEL_MAX)}.  201 {"id","token"
 * (the text, shown this once), "vendor","label"}.
 */
gboolean serve_action_token_issue (ServeActions *a, const ServeCaller *c, JsonObject *body,
                                   ServeResult *res);

/* Staff only: revokes token id (12 hex; 400 otherwise).  body {"reason"}.
 * 404 unknown, 409 already revoked.  200 token. */
gboolean serve_action_token_revoke (ServeActions *a, const ServeCaller *c, const char *id,
                                    JsonObject *body, ServeResult *res);

/* Staff only: 200 [history entry], oldest first; limit 0: all, else the
 * last limit entries. */
gboolean serve_action_history (ServeActions *a, const ServeCaller *c, guint limit,
                               ServeResult *res);

/* ---- for the event streams (serve/sse.c) and the pages ------------------------ */

/* The run (200, res->json as serve_action_run) if the caller may see it;
 * *finished says whether it has finished.  Same codes as serve_action_run. */
gboolean serve_action_run_access (ServeActions *a, const ServeCaller *c, const char *run_id,
                                  gint64 *id, gboolean *finished, ServeResult *res);

/* The pool (may be NULL), for subscriptions. */
ServePool *serve_actions_pool (ServeActions *a);

/* The registry's class names (wire names, table 6.1) for a form's select;
 * static, NULL-terminated. */
const char *const *serve_actions_classes (void);

G_END_DECLS
