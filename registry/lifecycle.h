/* SPDX-License-Identifier: MIT */
/*
 * The certification life cycle of a channel (docs/REGISTRY.md section 4):
 * the registry's operations, each one transaction that first verifies the
 * registry (registry/check.h: a damaged registry is never written to), then
 * applies the rules and records the change as history entries
 * (reg_db_record).  The rules: ESSC-STD table 6.2 for every status change
 * (model_channel_transition_allowed); CHAN-1..4 and 23 at application
 * (model/std/channel.h's registry does the checks); a certificate only from
 * the channel's latest report, conformant, signed by the registry's key and
 * made after any pending rectification order, with a reason the registry
 * accepted for every waived test; reinstatement only with a certificate in
 * force.  Time is always passed in (RegCtx.now); nothing here reads a
 * clock.
 *
 * Errors are REG_ERROR: REFUSED when the rules say no (one line saying
 * which rule), INPUT for files and values, DAMAGED for a registry that does
 * not verify, IUT for an implementation that cannot be started.
 */
#pragma once

#include <glib.h>

#include "conformance/certificate.h"
#include "conformance/plan.h"
#include "conformance/runner.h"
#include "registry/regdb.h"

G_BEGIN_DECLS

/* Where and when an operation runs, and who runs it.  Borrowed. */
typedef struct {
  const char *db_path;
  gint64 now;                   /* Unix seconds */
  const char *actor;            /* recorded in the history (AUDIT-2) */
} RegCtx;

/* The largest reason accepted (bytes of UTF-8 without control characters). */
#define REG_REASON_MAX 512

/* ---- creating the registry and a channel ------------------------------------ */

/* Creates the registry: refused (INPUT) when db_path exists. */
gboolean reg_init (const RegCtx *ctx, const char *issuer_name, const char *pub_path,
                   GError **error);

/* An application.  Borrowed. */
typedef struct {
  const char *id, *name, *klass;
  int tier;
  const char *parent_id;        /* NULL for tier 1 */
  const char *public_key_path;  /* the channel's key file (essc keygen's PREFIX.pub), or */
  const char *public_key_text;  /* that file's text (used when public_key_path is NULL) */
  const char *role;             /* "channel", "platform" or "verifier" */
  const char *impl;             /* command line or URL */
  const char *profile_path;     /* NULL: the channel's own (its tier and class) */
  gboolean no_payment;          /* without profile_path: the channel does not offer payment
                                   (level 2), so its profile does not claim it and the
                                   payment tests are skipped; FALSE claims it */
  const char *vendor;           /* NULL: none; else recorded (channel.vendor) with the
                                   application, in the same transaction */
} RegApplication;

gboolean reg_apply (const RegCtx *ctx, const RegApplication *app, GError **error);

/* ---- testing ---------------------------------------------------------------- */

typedef struct {
  const char *id, *key_path;
  const char *vectors_dir;      /* NULL: conf_plan_default_dir () */
  const char *waivers_path;     /* the vendor's known failures, or NULL */
  int timeout_ms;               /* per response; 0: the client's default */
  const ConfClientOptions *client; /* TLS options for an https:// implementation, or NULL */
  /* Called after each test's result (e.g. to name the failures); may be NULL. */
  void (*on_result) (const ConfTestResult *result, guint index, guint total,
                     gpointer user_data);
  gpointer user_data;
  /* Called with a test's name before it is played (ConfRunOptions.on_test:
   * e.g. to label a transcript), with user_data; may be NULL. */
  void (*on_test) (const char *name, gpointer user_data);
  /* Where to write the run's results (conf_results_render, docs/RESULTS.md),
   * atomically and before the report is stored; NULL: nowhere. */
  const char *results_path;
} RegTestOptions;

/* What a test gave.  All fields public; reg_test_outcome_clear frees. */
typedef struct {
  gint64 report_id;
  gboolean conformant;
  guint counts[CONF_N_VERDICTS];
  char *iut_name, *iut_version, *impl, *role;
} RegTestOutcome;

void reg_test_outcome_clear (RegTestOutcome *o);

/*
 * Runs the suite in-process against the channel's implementation (its role
 * and profile), signs the report with the issuer's key and stores it; TRUE
 * whatever the verdict (out->conformant says it).  IUT when the
 * implementation cannot start or fails the handshake; REFUSED for a
 * terminated channel; INTERNAL when options->results_path cannot be
 * written (then no report is stored).
 */
gboolean reg_test (const RegCtx *ctx, const RegTestOptions *options, RegTestOutcome *out,
                   GError **error);

/* BLAKE2b-256 of the suite's vector files, as "FILE HASH\n" lines in the
 * plan's order, in hex (what a report's vectors_hash holds). */
void reg_vectors_hash (const ConfPlan *plan, char out[2 * REG_HASH_LEN + 1]);

/* ---- certificates ---------------------------------------------------------- */

typedef struct {
  const char *id, *key_path;
  int days;                     /* validity; 0: 365 */
  const ConfCertWaiver *waivers;  /* reasons the registry accepts */
  gsize n_waivers;
  const char *out_path;         /* also write the certificate and its .sig, or NULL */
  const char *vectors_dir;      /* renew: the current suite (NULL: the default) */
} RegCertifyOptions;

/* A certificate issued.  All fields public. */
typedef struct {
  guint64 serial, superseded;   /* superseded: the serial it replaced, or 0 */
  gint64 not_before, not_after;
  char status[16];              /* the channel's status afterwards */
} RegIssued;

/*
 * Certifies a channel in status applied (-> certified -> live), or issues a
 * certificate to one in rectification or suspended (status kept: reinstate
 * brings it back), or to a live channel without a certificate in force.
 */
gboolean reg_certify (const RegCtx *ctx, const RegCertifyOptions *options, RegIssued *out,
                      GError **error);

/* A new certificate for one in force, before its expiry, from the latest
 * report if that ran the current suite; the old one is superseded.  Waivers
 * not given keep the reasons the old certificate accepted. */
gboolean reg_renew (const RegCtx *ctx, const RegCertifyOptions *options, RegIssued *out,
                    GError **error);

/* A certificate revoked.  All fields public. */
typedef struct {
  guint64 serial;
  char channel_id[16];
  gboolean suspended;           /* the channel was live and is now suspended */
} RegRevoked;

/* Revokes certificate serial, or (serial 0) the channel id's current one. */
gboolean reg_revoke (const RegCtx *ctx, guint64 serial, const char *id, const char *reason,
                     RegRevoked *out, GError **error);

/* ---- status ------------------------------------------------------------------ */

/*
 * Orders rectification: a live channel goes to rectification; a channel
 * in another status (not terminated) keeps it, the order is recorded.
 * new_impl (may be NULL) replaces the implementation.  Reports made before
 * the order no longer count for certify, renew and reinstate.
 * *status_out (may be NULL) gets the status afterwards.
 */
gboolean reg_rectify (const RegCtx *ctx, const char *id, const char *reason,
                      const char *new_impl, char **status_out, GError **error);
gboolean reg_suspend (const RegCtx *ctx, const char *id, const char *reason, GError **error);
/* Back to live: needs a certificate in force and, after a rectification
 * order, a conformant report made after it. */
gboolean reg_reinstate (const RegCtx *ctx, const char *id, const char *reason,
                        GError **error);
/* Terminates the channel (final) and revokes its current certificate. */
gboolean reg_terminate (const RegCtx *ctx, const char *id, const char *reason,
                        guint64 *revoked_serial, GError **error);

/* ---- helpers shared with the front -------------------------------------------- */

/* TEST=REASON into w (pointing into spec, which is modified); INPUT otherwise. */
gboolean reg_waiver_parse (char *spec, ConfCertWaiver *w, GError **error);

/* The channel's current certificate: the one not revoked and not superseded
 * (whether or not in force at a time), or NULL.  (transfer none) from certs. */
const RegCertificate *reg_current_certificate (GPtrArray *certs);

G_END_DECLS
