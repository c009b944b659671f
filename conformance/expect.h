/* SPDX-License-Identifier: MIT */
/*
 * Judging one response of the implementation under test against a vector
 * step's expectation (docs/VECTORS.md "Step"): accepted or refused with the
 * right code, the result containing the expected members with equal values,
 * and the named checks the runner computes itself (audit_chain: the entries
 * form a valid ESSC-STD section 9 chain, hashes recomputed here;
 * audit_head: the head matches the chain fetched before; audit_no_secret:
 * no PIN sent earlier in the test appears in clear in any entry's payload;
 * hello_ops, hello_ops_payment: hello lists the ops the role must offer;
 * credential_issued: an issued credential equals the expected one but for
 * the backdate of issued_at that CRED-12 allows, signed by reset's platform
 * key).  An expected real number matches any JSON number within 10^-6.  A failed
 * judgement says what was expected and what came, in words fit for TAP
 * diagnostics.
 */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

#include "conformance/client.h"
#include "conformance/plan.h"

G_BEGIN_DECLS

/* State carried across the steps of one test.  Zero-initialise; clear with
 * conf_expect_state_clear. */
typedef struct {
  gboolean have_chain;
  guint64 chain_count;
  guint8 chain_hash[32];
  GPtrArray *secrets;   /* PINs sent in earlier steps (audit_no_secret) */
  GHashTable *keys;     /* order_ref -> idempotency key seen (idempotency_key) */
  const char *role;     /* the test's role (hello_ops); set by the caller, borrowed */
  gboolean have_platform_key;
  guint8 platform_pk[32];  /* from reset's config.platform_key_seed (credential_issued) */
} ConfExpectState;

void conf_expect_state_clear (ConfExpectState *state);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (ConfExpectState, conf_expect_state_clear)

/* Notes the secrets a request carries (members pin, old_pin, new_pin), so a
 * later audit_no_secret check can look for them, and the platform key a
 * reset gives (for credential_issued).  Call before each call. */
void conf_expect_note_request (ConfExpectState *state, const ConfStep *step);

/* The outcome of a judgement: all strings (transfer full) or NULL. */
typedef struct {
  gboolean pass;
  char *expected;   /* "refused: replayed", "accepted with {…}" */
  char *got;        /* "accepted", "refused: expired (message…)" */
  char *detail;     /* why it does not match, or NULL */
} ConfJudgement;

void conf_judgement_clear (ConfJudgement *j);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (ConfJudgement, conf_judgement_clear)

/* Judges got against step, updating state. */
void conf_expect_judge (const ConfStep *step, const ConfCallResult *got,
                        ConfExpectState *state, ConfJudgement *out);

/*
 * TRUE when every member of expected is in got with an equal value
 * (recursively for objects; arrays element by element, same length; an
 * expected real equals any number within 10^-6 of it).
 * On FALSE, *path (transfer full) names the first difference.
 */
gboolean conf_json_contains (JsonNode *expected, JsonNode *got, char **path);

/* obj on one line for a diagnostic, cut to 300 characters with "..." ("{}" for
 * NULL).  Returns: (transfer full). */
char *conf_json_shown (JsonObject *obj);

G_END_DECLS
