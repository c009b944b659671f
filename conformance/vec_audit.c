/* SPDX-License-Identifier: MIT */
/*
 * Vectors of ESSC-STD section 9 (audit.json), platform role.  Two kinds of
 * tests.  The chain tests state what the runner checks on whatever entries
 * the platform returns: the trail after a reset is empty (count 0, hash of
 * 32 zero bytes); after operations the entries form a valid chain (check
 * audit_chain: seq from 0, prev_hash links, recomputed hashes, times not
 * going back, field rules) and the head matches them (check audit_head); the
 * trail only grows; a page larger than 1000 is refused.  The duty tests
 * (AUDIT-11..AUDIT-13, table 9.4) play a known sequence of operations and
 * state the entries it must leave, in order: seq, time, actor `platform` and
 * action (the op name) of each, as expect.result of audit.entries (the
 * payload is the platform's own): one entry per accepted operation of table
 * 9.4 and per state-changing refusal it lists (a PIN attempt counted or
 * barred, a new PIN equal to the old, a channel request adding a risk
 * event), none for reads and other refusals, the entry time clamped to the
 * previous entry's, and the previous entry's time (reset's `now` for the
 * first) for the operations without `now` (consent.grant,
 * settlement.set_switch).  Every operation is mirrored on model/std/ (card
 * registry, PIN table, channel registry, consent store, ledger, replay
 * cache); the expected entries follow table 9.4 as written here,
 * independently of the reference platform's code.
 */
#include "conformance/vec_private.h"

#include "model/std/channel.h"
#include "model/std/channel_request.h"
#include "model/std/consent.h"
#include "model/std/id.h"
#include "model/std/issuer.h"
#include "model/std/ledger.h"
#include "model/std/pin.h"

#include <sodium.h>
#include <string.h>

#define T0 CONF_VECTORS_CLOCK
#define YEAR ((gint64) 365 * 86400)
#define CH "CH100001"
#define PIN_SSN CONF_VEC_SSN3
#define GOOD "260419"
#define GOOD2 "731906"

/* One entry a test expects. */
typedef struct {
  gint64 time;
  const char *action;
} Want;

typedef struct {
  ConfVec *v;
  ConfVecWorld *w;
  guint8 id[16];
  ModelPinTable *pins;
  ModelChannelRegistry *channels;
  ModelConsentStore *consents;
  ModelLedger *ledger;
  guint8 grant[16];                /* the last grant id */
  char order[MODEL_LEDGER_ORDER_ID_LEN + 1];
  GArray *want;                    /* Want, in trail order */
} Fx;

static void
fx_clear (Fx *fx)
{
  g_clear_pointer (&fx->w, conf_vec_world_free);
  g_clear_pointer (&fx->pins, model_pin_table_free);
  g_clear_pointer (&fx->channels, model_channel_registry_free);
  g_clear_pointer (&fx->consents, model_consent_store_free);
  g_clear_pointer (&fx->ledger, model_ledger_free);
  g_clear_pointer (&fx->want, g_array_unref);
}

static void
fx_reset (Fx *fx, gboolean emit)
{
  fx_clear (fx);
  fx->w = conf_vec_world_new ();
  fx->pins = model_pin_table_new (crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN);
  fx->channels = model_channel_registry_new (NULL);
  fx->consents = model_consent_store_new (fx->w->reset_seed);
  fx->ledger = model_ledger_new ();
  fx->want = g_array_new (FALSE, FALSE, sizeof (Want));
  conf_vec_mute (fx->v, !emit);
  conf_vec_reset_platform (fx->v, fx->w, NULL);
  conf_vec_mute (fx->v, FALSE);
}

#define TEST(name, reqs, comment, flags, result) \
  do { fx_reset (fx, FALSE); conf_vec_test (fx->v, name, reqs, comment, flags, result); } \
  while (0)

/* ---- the expected trail (AUDIT-11..AUDIT-13) ------------------------------- */

/* An entry for action: at `now`, or (has_now FALSE) at the previous entry's
 * time, reset's `now` for the first; raised to the previous entry's time;
 * never negative. */
static void
expect_entry (Fx *fx, const char *action, gboolean has_now, gint64 now)
{
  guint n = fx->want->len;
  gint64 last = n > 0 ? g_array_index (fx->want, Want, n - 1).time : G_MININT64;
  gint64 time = has_now ? now : n > 0 ? last : CONF_VECTORS_CLOCK;
  Want w = { MAX (MAX (time, last), 0), action };
  g_array_append_val (fx->want, w);
}

/* audit.entries: the expected entries (seq, time, actor, action) and a valid
 * chain; then audit.head matching them. */
static void
trail (Fx *fx)
{
  JsonArray *a = json_array_new ();
  for (guint i = 0; i < fx->want->len; i++)
    {
      const Want *w = &g_array_index (fx->want, Want, i);
      json_array_add_element (a, conf_jo ("seq", conf_ji (i), "time", conf_ji (w->time),
                                          "actor", conf_js ("platform"),
                                          "action", conf_js (w->action), NULL));
    }
  JsonNode *entries = json_node_init_array (json_node_alloc (), a);
  json_array_unref (a);
  conf_vec_step (fx->v, "audit.entries",
                 conf_jo ("from", conf_ji (0), "count", conf_ji (1000), NULL),
                 conf_vec_ok (conf_jo ("entries", entries, NULL)), "audit_chain");
  conf_vec_step (fx->v, "audit.head", conf_jo (NULL, NULL),
                 conf_vec_ok (conf_jo ("count", conf_ji (fx->want->len), NULL)), "audit_head");
}

static JsonNode *
expect_of (GError *error)
{
  return error == NULL ? conf_vec_ok (NULL) : conf_vec_err ((ModelStdCode) error->code);
}

/* A step whose outcome model/std/ gave (error, transfer full, NULL for ok). */
static void
emit (Fx *fx, const char *op, JsonNode *params, GError *error, ModelStdCode want)
{
  JsonNode *expect = expect_of (error);
  conf_vec_agree (fx->v, op, error, want);
  conf_vec_step (fx->v, op, params, expect, NULL);
}

/* ---- cards, e-cards, credentials, QR tokens -------------------------------- */

static void
reg (Fx *fx, const char *card_no, const char *ssn, const char *name, guint32 city, gint64 now,
     ModelStdCode want)
{
  conf_vec_card_register (fx->v, fx->w, card_no, ssn, name, city, TRUE, now, want);
  if (want == MODEL_STD_OK)
    expect_entry (fx, "card.register", TRUE, now);
}

static void
reg1 (Fx *fx, gint64 now)
{
  reg (fx, CONF_VEC_CARD1, CONF_VEC_SSN1, conf_vec_name1, CONF_VEC_CITY1, now, MODEL_STD_OK);
}

static void
issue (Fx *fx, const char *card_no, int level, gint64 now, ModelStdCode want)
{
  conf_vec_card_issue (fx->v, fx->w, card_no, level, conf_vec_full_evidence,
                       model_device_key_public (fx->w->device), now, want, fx->id);
  if (want == MODEL_STD_OK)
    expect_entry (fx, "ecard.issue", TRUE, now);
}

static void
trans (Fx *fx, const char *card_no, const char *to, gint64 now, ModelStdCode want)
{
  conf_vec_card_transition (fx->v, fx->w, card_no, to, now, want);
  if (want == MODEL_STD_OK)
    expect_entry (fx, "card.transition", TRUE, now);
}

static void
replace (Fx *fx, const char *card_no, const char *new_no, gint64 now, ModelStdCode want)
{
  GError *error = NULL;
  model_card_replace (fx->w->cards, card_no, new_no, now, &error);
  emit (fx, "card.replace", conf_jo ("card_no", conf_js (card_no), "new_card_no",
                                     conf_js (new_no), "now", conf_ji (now), NULL), error, want);
  if (want == MODEL_STD_OK)
    expect_entry (fx, "card.replace", TRUE, now);
}

static void
cred_issue (Fx *fx, const guint8 id[16], gint64 now, ModelStdCode want)
{
  GError *error = NULL;
  g_autoptr (GBytes) cred = model_issuer_sign_credential (fx->w->cards, id, fx->w->platform, now,
                                                          YEAR, NULL, &error);
  conf_vec_agree (fx->v, "credential.issue", error, want);
  JsonNode *expect = conf_vec_err (want);
  if (cred != NULL)
    {
      json_node_unref (expect);
      gsize len = 0;
      const guint8 *d = g_bytes_get_data (cred, &len);
      expect = conf_vec_ok (conf_jo ("credential", conf_jh (d, len), NULL));
      expect_entry (fx, "credential.issue", TRUE, now);
    }
  conf_vec_step (fx->v, "credential.issue",
                 conf_jo ("ecard_id", conf_jh (id, 16), "now", conf_ji (now),
                          "lifetime", conf_ji (YEAR), NULL),
                 expect, cred != NULL ? "credential_issued" : NULL);
}

/* credential.verify of the e-card's credential issued at `at` (a read). */
static void
cred_verify (Fx *fx, const guint8 id[16], gint64 at, gint64 now, ModelStdCode want)
{
  g_autoptr (GBytes) cred = conf_vec_world_credential (fx->v, fx->w, id, at, YEAR);
  if (cred == NULL)
    return;
  GError *error = NULL;
  gsize len = 0;
  const guint8 *d = g_bytes_get_data (cred, &len);
  model_credential_verify (d, len, fx->w->trust, model_card_status_fn, fx->w->cards, now, NULL,
                           &error);
  emit (fx, "credential.verify",
        conf_jo ("credential", conf_jh (d, len), "now", conf_ji (now), NULL), error, want);
}

static void
qr (Fx *fx, const char *token, gint64 now, ModelStdCode want)
{
  GError *error = NULL;
  ModelQrVerifier ver = { fx->w->trust, model_card_status_fn, fx->w->cards, fx->w->cache };
  model_qr_verify (&ver, token, MODEL_QR_IDENTITY, FALSE, now, NULL, &error);
  emit (fx, "qr.verify", conf_jo ("token", conf_js (token), "purpose", conf_js ("identity"),
                                  "pin_verified", conf_jb (FALSE), "now", conf_ji (now), NULL),
        error, want);
  if (want == MODEL_STD_OK)
    expect_entry (fx, "qr.verify", TRUE, now);
}

static void
ecard_status (Fx *fx, const guint8 id[16])
{
  ModelStdCode code = model_card_status_fn (id, fx->w->cards);
  conf_vec_step (fx->v, "ecard.status", conf_jo ("ecard_id", conf_jh (id, 16), NULL),
                 code == MODEL_STD_OK ? conf_vec_ok (NULL) : conf_vec_err (code), NULL);
}

static void
id_validate (Fx *fx, const char *ssn, gint64 now)
{
  GError *error = NULL;
  model_id_validate (ssn, now, NULL, &error);
  conf_vec_step (fx->v, "id.validate", conf_jo ("ssn", conf_js (ssn), "now", conf_ji (now), NULL),
                 expect_of (error), NULL);
  g_clear_error (&error);
}

/* ---- PIN ---------------------------------------------------------------------- */

static void
pin_set (Fx *fx, const char *ssn, const char *pin, gint64 now, ModelStdCode want)
{
  GError *error = NULL;
  model_pin_set (fx->pins, ssn, pin, strlen (pin), now, &error);
  emit (fx, "pin.set", conf_jo ("ssn", conf_js (ssn), "pin", conf_js (pin), "now", conf_ji (now),
                                NULL), error, want);
  if (want == MODEL_STD_OK)
    expect_entry (fx, "pin.set", TRUE, now);
}

static void
pin_verify (Fx *fx, const char *ssn, const char *pin, gint64 now, ModelStdCode want)
{
  GError *error = NULL;
  model_pin_verify (fx->pins, ssn, pin, strlen (pin), now, &error);
  emit (fx, "pin.verify", conf_jo ("ssn", conf_js (ssn), "pin", conf_js (pin),
                                   "now", conf_ji (now), NULL), error, want);
  /* table 9.4: accepted, or an attempt counted (pin_wrong) or barred (pin_locked) */
  if (want == MODEL_STD_OK || want == MODEL_STD_PIN_WRONG || want == MODEL_STD_PIN_LOCKED)
    expect_entry (fx, "pin.verify", TRUE, now);
}

static void
pin_change (Fx *fx, const char *old, const char *new_pin, gint64 now, ModelStdCode want)
{
  GError *error = NULL;
  gboolean rules = model_pin_check_rules (PIN_SSN, new_pin, strlen (new_pin), NULL);
  model_pin_change (fx->pins, PIN_SSN, old, strlen (old), new_pin, strlen (new_pin), now, &error);
  emit (fx, "pin.change", conf_jo ("ssn", conf_js (PIN_SSN), "old_pin", conf_js (old),
                                   "new_pin", conf_js (new_pin), "now", conf_ji (now), NULL),
        error, want);
  /* table 9.4: also pin_weak for a new PIN equal to the old one, which the
   * old PIN's verification (and reset of the count) precedes */
  if (want == MODEL_STD_OK || want == MODEL_STD_PIN_WRONG || want == MODEL_STD_PIN_LOCKED
      || (want == MODEL_STD_PIN_WEAK && rules && strcmp (old, new_pin) == 0))
    expect_entry (fx, "pin.change", TRUE, now);
}

/* ---- channels, consent ---------------------------------------------------------- */

static void
channel_key (const char *id, guint8 pk[32], guint8 sk[64])
{
  guint8 seed[32];
  g_autofree char *label = g_strdup_printf ("channel %s key seed", id);
  conf_vec_derive (label, seed, 32);
  crypto_sign_seed_keypair (pk, sk, seed);
  sodium_memzero (seed, sizeof seed);
}

static void
chan_status (Fx *fx, const char *to, gint64 now, ModelStdCode want)
{
  GError *error = NULL;
  ModelChannelStatus s = MODEL_CHANNEL_LIVE;
  model_channel_status_from_name (to, &s);
  model_channel_registry_set_status (fx->channels, CH, s, now, &error);
  emit (fx, "channel.set_status", conf_jo ("channel_id", conf_js (CH), "status", conf_js (to),
                                           "now", conf_ji (now), NULL), error, want);
  if (want == MODEL_STD_OK)
    expect_entry (fx, "channel.set_status", TRUE, now);
}

/* channel.apply of CH (tier 1, an app), then certified and live. */
static void
chan_live (Fx *fx, gint64 now)
{
  GError *error = NULL;
  guint8 pk[32], sk[64];
  channel_key (CH, pk, sk);
  sodium_memzero (sk, sizeof sk);
  model_channel_registry_apply (fx->channels, CH, "Audit App", MODEL_CHANNEL_CLASS_PARTNER, 1, NULL, pk,
                                now, &error);
  emit (fx, "channel.apply",
        conf_jo ("channel_id", conf_js (CH), "name", conf_js ("Audit App"),
                 "class", conf_js (model_channel_class_name (MODEL_CHANNEL_CLASS_PARTNER)),
                 "tier", conf_ji (1), "parent_id", conf_js (""), "public_key", conf_jh (pk, 32),
                 "now", conf_ji (now), NULL), error, MODEL_STD_OK);
  expect_entry (fx, "channel.apply", TRUE, now);
  chan_status (fx, "certified", now, MODEL_STD_OK);
  chan_status (fx, "live", now, MODEL_STD_OK);
}

static void
chan_risk (Fx *fx, const char *id, const char *event, gint64 now, ModelStdCode want)
{
  GError *error = NULL;
  ModelChannelRisk r = MODEL_CHANNEL_RISK_COMPLAINT;
  model_channel_risk_from_name (event, &r);
  model_channel_registry_record_risk (fx->channels, id, r, now, NULL, &error);
  emit (fx, "channel.risk", conf_jo ("channel_id", conf_js (id), "event", conf_js (event),
                                     "now", conf_ji (now), NULL), error, want);
  if (want == MODEL_STD_OK)
    expect_entry (fx, "channel.risk", TRUE, now);
}

/* channel.verify of a request by `id` signed with its key at ts, with the
 * nonce of nonce_label, over signed_body, presented with body. */
static void
chan_verify (Fx *fx, const char *id, gint64 ts, const char *nonce_label,
             const char *signed_body, const char *body, gint64 now, ModelStdCode want)
{
  ModelChannelRequest req;
  guint8 nonce[16], pk[32], sk[64];
  g_autofree char *label = g_strdup_printf ("audit request nonce %s", nonce_label);
  GError *error = NULL;
  conf_vec_derive (label, nonce, sizeof nonce);
  channel_key (id, pk, sk);
  if (!model_channel_request_init (&req, id, NULL, ts, nonce, "card.status",
                                   (const guint8 *) signed_body, strlen (signed_body), &error)
      || !model_channel_request_sign (&req, sk, &error))
    conf_vec_agree (fx->v, "request fixture", error, MODEL_STD_OK);
  sodium_memzero (sk, sizeof sk);
  g_autoptr (GBytes) wire = model_channel_request_encode (&req);
  error = NULL;
  model_channel_registry_verify (fx->channels, &req, (const guint8 *) body, strlen (body), now,
                                 &error);
  gboolean ok = error == NULL;
  conf_vec_agree (fx->v, "channel.verify", error, want);
  gsize len = 0;
  const guint8 *d = g_bytes_get_data (wire, &len);
  conf_vec_step (fx->v, "channel.verify",
                 conf_jo ("wire", conf_jh (d, len), "body", conf_js (body), "now", conf_ji (now),
                          NULL),
                 ok ? conf_vec_ok (conf_jo ("channel_id", conf_js (id), NULL))
                    : conf_vec_err (want), NULL);
  /* table 9.4: accepted, or refused with a risk event (CHAN-21) */
  if (want == MODEL_STD_OK || want == MODEL_STD_BAD_SIGNATURE || want == MODEL_STD_REPLAYED)
    expect_entry (fx, "channel.verify", TRUE, now);
}

/* consent.grant (no `now`): a personal authorisation of SSN1 for CH. */
static void
grant (Fx *fx, const char *scopes, ModelStdCode want)
{
  GError *error = NULL;
  ModelConsentGrant g;
  memset (&g, 0, sizeof g);
  g.kind = MODEL_CONSENT_PERSONAL;
  g_strlcpy (g.ssn, CONF_VEC_SSN1, sizeof g.ssn);
  g_strlcpy (g.channel_id, CH, sizeof g.channel_id);
  g.not_before = T0 - 86400;
  g.expires_at = T0 + YEAR;
  memset (fx->grant, 0, sizeof fx->grant);
  gboolean ok = model_consent_scopes_parse (scopes, &g.scopes, &error)
                && model_consent_store_grant (fx->consents, &g, fx->grant, &error);
  conf_vec_agree (fx->v, "consent.grant", error, want);
  conf_vec_step (fx->v, "consent.grant",
                 conf_jo ("kind", conf_js ("personal"), "ssn", conf_js (CONF_VEC_SSN1),
                          "channel_id", conf_js (CH), "department_id", conf_js (""),
                          "scopes", conf_js (scopes), "not_before", conf_ji (g.not_before),
                          "expires_at", conf_ji (g.expires_at), NULL),
                 ok ? conf_vec_ok (conf_jo ("grant_id", conf_jh (fx->grant, 16), NULL))
                    : conf_vec_err (want), NULL);
  if (ok)
    expect_entry (fx, "consent.grant", FALSE, 0);
}

static void
grant_revoke (Fx *fx, const guint8 id[16], gint64 now, ModelStdCode want)
{
  GError *error = NULL;
  model_consent_store_revoke (fx->consents, id, now, &error);
  emit (fx, "consent.revoke", conf_jo ("grant_id", conf_jh (id, 16), "now", conf_ji (now), NULL),
        error, want);
  if (want == MODEL_STD_OK)
    expect_entry (fx, "consent.revoke", TRUE, now);
}

/* consent.check of SSN1 through CH (a read); only a personal grant exists,
 * so it is refused. */
static void
consent_check (Fx *fx, gint64 now)
{
  GError *error = NULL;
  model_consent_store_check (fx->consents, CONF_VEC_SSN1, CH, "MIB-110000",
                             MODEL_CONSENT_SCOPE_IDENTITY, now, NULL, &error);
  conf_vec_step (fx->v, "consent.check",
                 conf_jo ("ssn", conf_js (CONF_VEC_SSN1), "channel_id", conf_js (CH),
                          "department_id", conf_js ("MIB-110000"), "scopes", conf_js ("identity"),
                          "now", conf_ji (now), NULL),
                 expect_of (error), NULL);
  g_clear_error (&error);
}

/* ---- settlement --------------------------------------------------------------- */

static void
set_switch (Fx *fx, guint32 city, gint64 at, ModelStdCode want)
{
  GError *error = NULL;
  model_ledger_set_switch (fx->ledger, city, at, &error);
  emit (fx, "settlement.set_switch", conf_jo ("city", conf_ji (city), "switch_at", conf_ji (at),
                                              NULL), error, want);
  if (want == MODEL_STD_OK)
    expect_entry (fx, "settlement.set_switch", FALSE, 0);
}

static void
submit (Fx *fx, const char *key, gboolean pin, gint64 now, ModelStdCode want)
{
  GError *error = NULL;
  ModelPaymentRequest req = { CH, key, { 0 }, CONF_VEC_CITY1, "M-PHARMACY-01", 1250, "CNY", 2,
                              pin };
  memcpy (req.ecard_id, fx->id, 16);
  ModelStdCode outcome = MODEL_STD_OK;
  const ModelPaymentOrder *o = model_ledger_submit (fx->ledger, &req, now, model_card_status_fn,
                                                    fx->w->cards, &outcome, &error);
  conf_vec_agree (fx->v, "payment.submit", error, want);
  JsonNode *expect = conf_vec_err (want);
  if (o != NULL)
    {
      json_node_unref (expect);
      g_strlcpy (fx->order, o->order_id, sizeof fx->order);
      expect = conf_vec_ok (conf_jo ("order_id", conf_js (o->order_id),
                                     "duplicate", conf_jb (outcome == MODEL_STD_DUPLICATE),
                                     NULL));
      expect_entry (fx, "payment.submit", TRUE, now);
    }
  conf_vec_step (fx->v, "payment.submit",
                 conf_jo ("channel_id", conf_js (CH), "idempotency_key", conf_js (key),
                          "ecard_id", conf_jh (fx->id, 16), "city", conf_ji (CONF_VEC_CITY1),
                          "payee", conf_js ("M-PHARMACY-01"), "amount_fen", conf_ji (1250),
                          "currency", conf_js ("CNY"), "pin_verified", conf_jb (pin),
                          "now", conf_ji (now), NULL),
                 expect, NULL);
}

static void
settle (Fx *fx, const char *order, gint64 now, ModelStdCode want)
{
  GError *error = NULL;
  ModelStdCode outcome = MODEL_STD_OK;
  gboolean ok = model_ledger_settle (fx->ledger, order, now, &outcome, &error);
  conf_vec_agree (fx->v, "payment.settle", error, want);
  conf_vec_step (fx->v, "payment.settle",
                 conf_jo ("order_id", conf_js (order), "now", conf_ji (now), NULL),
                 ok ? conf_vec_ok (conf_jo ("duplicate", conf_jb (outcome == MODEL_STD_DUPLICATE),
                                            NULL))
                    : conf_vec_err (want), NULL);
  if (ok)
    expect_entry (fx, "payment.settle", TRUE, now);
}

/* ---- the chain tests ------------------------------------------------------------ */

static void
entries (Fx *fx, gint64 from, gint64 count, ModelStdCode want)
{
  conf_vec_step (fx->v, "audit.entries",
                 conf_jo ("from", conf_ji (from), "count", conf_ji (count), NULL),
                 want == MODEL_STD_OK ? conf_vec_ok (NULL) : conf_vec_err (want),
                 want == MODEL_STD_OK ? "audit_chain" : NULL);
}

/* Some operations that change state: register, issue, lose, find, issue again. */
static void
activity (Fx *fx, const char *card_no, const char *ssn, const char *name, guint32 city,
          gint64 at)
{
  reg (fx, card_no, ssn, name, city, at, MODEL_STD_OK);
  issue (fx, card_no, 2, at + 1, MODEL_STD_OK);
  trans (fx, card_no, "lost", at + 2, MODEL_STD_OK);
  trans (fx, card_no, "normal", at + 3, MODEL_STD_OK);
  issue (fx, card_no, 1, at + 4, MODEL_STD_OK);
}

static void
chain_tests (Fx *fx)
{
  ConfVec *v = fx->v;
  TEST ("empty-after-reset", "AUDIT-7", "a reset platform has an empty trail: count 0, the "
        "hash of 32 zero bytes", NULL, "valid");
  static const guint8 zero[32] = { 0 };
  conf_vec_step (v, "audit.head", conf_jo (NULL, NULL),
                 conf_vec_ok (conf_jo ("count", conf_ji (0), "hash", conf_jh (zero, 32), NULL)),
                 NULL);
  entries (fx, 0, 1000, MODEL_STD_OK);
  TEST ("chain-after-operations", "AUDIT-1 AUDIT-2 AUDIT-3 AUDIT-4 AUDIT-6 AUDIT-7 AUDIT-11 "
        "AUDIT-12", "card operations leave a valid chain of one entry each, whose head "
        "matches", NULL, "valid");
  activity (fx, CONF_VEC_CARD1, CONF_VEC_SSN1, conf_vec_name1, CONF_VEC_CITY1, T0);
  trail (fx);
  TEST ("chain-grows", "AUDIT-5 AUDIT-6 AUDIT-7 AUDIT-11", "more operations append to the "
        "same chain", NULL, "valid");
  activity (fx, CONF_VEC_CARD1, CONF_VEC_SSN1, conf_vec_name1, CONF_VEC_CITY1, T0);
  trail (fx);
  activity (fx, CONF_VEC_CARD2, CONF_VEC_SSN2, conf_vec_name2, CONF_VEC_CITY2, T0 + 10);
  trail (fx);
  TEST ("chain-utf8-actor-times", "AUDIT-2 AUDIT-5 AUDIT-6 AUDIT-13", "operations over a day "
        "keep times non-decreasing", NULL, "valid");
  activity (fx, CONF_VEC_CARD1, CONF_VEC_SSN1, conf_vec_name1, CONF_VEC_CITY1, T0);
  activity (fx, CONF_VEC_CARD3, CONF_VEC_SSN3, conf_vec_name3, CONF_VEC_CITY3, T0 + 86400);
  trail (fx);
  TEST ("page-too-large", "ERR-1", "a page of 1001 entries is refused", "Malformed",
        "invalid");
  activity (fx, CONF_VEC_CARD1, CONF_VEC_SSN1, conf_vec_name1, CONF_VEC_CITY1, T0);
  entries (fx, 0, 1001, MODEL_STD_MALFORMED);
  TEST ("page-negative", "ERR-1", "a negative start is refused", "Malformed", "invalid");
  entries (fx, -1, 10, MODEL_STD_MALFORMED);
  TEST ("page-past-end", "AUDIT-11", "a page from the trail's length on is empty, not an "
        "error; a page running past the end is cut there", NULL, "valid");
  activity (fx, CONF_VEC_CARD1, CONF_VEC_SSN1, conf_vec_name1, CONF_VEC_CITY1, T0);
  conf_vec_step (v, "audit.entries", conf_jo ("from", conf_ji (5), "count", conf_ji (10), NULL),
                 conf_vec_ok (conf_jo ("entries", conf_ja (NULL, NULL), NULL)), NULL);
  conf_vec_step (v, "audit.entries", conf_jo ("from", conf_ji (4), "count", conf_ji (10), NULL),
                 conf_vec_ok (conf_jo ("entries", conf_ja (
                   conf_jo ("seq", conf_ji (4), "action", conf_js ("ecard.issue"), NULL),
                   NULL), NULL)), NULL);
  TEST ("page-window", "AUDIT-11", "entries 2..3 of five: a page starting after 0", NULL,
        "valid");
  activity (fx, CONF_VEC_CARD1, CONF_VEC_SSN1, conf_vec_name1, CONF_VEC_CITY1, T0);
  conf_vec_step (v, "audit.entries", conf_jo ("from", conf_ji (2), "count", conf_ji (2), NULL),
                 conf_vec_ok (conf_jo ("entries", conf_ja (
                   conf_jo ("seq", conf_ji (2), "action", conf_js ("card.transition"), NULL),
                   conf_jo ("seq", conf_ji (3), "action", conf_js ("card.transition"), NULL),
                   NULL), NULL)), NULL);
}

/* ---- the duty tests (AUDIT-11..AUDIT-13, table 9.4) ------------------------------- */

static void
duty_tests (Fx *fx)
{
  TEST ("entries-cards", "AUDIT-11 AUDIT-12 AUDIT-13", "register, issue, credential, lose, "
        "find, replace, issue for the successor: seven entries in that order, the op names as "
        "actions, the ops' now as times; the reads between them (id.validate, ecard.status, "
        "credential.verify) write none", "Duty", "valid");
  reg1 (fx, T0);
  id_validate (fx, CONF_VEC_SSN1, T0);
  issue (fx, CONF_VEC_CARD1, 2, T0 + 1, MODEL_STD_OK);
  guint8 first[16];
  memcpy (first, fx->id, 16);
  ecard_status (fx, first);
  cred_issue (fx, first, T0 + 2, MODEL_STD_OK);
  cred_verify (fx, first, T0 + 2, T0 + 2, MODEL_STD_OK);
  trans (fx, CONF_VEC_CARD1, "lost", T0 + 3, MODEL_STD_OK);
  trans (fx, CONF_VEC_CARD1, "normal", T0 + 4, MODEL_STD_OK);
  replace (fx, CONF_VEC_CARD1, CONF_VEC_CARD2, T0 + 5, MODEL_STD_OK);
  issue (fx, CONF_VEC_CARD2, 1, T0 + 6, MODEL_STD_OK);
  ecard_status (fx, first);
  trail (fx);

  TEST ("entries-qr", "AUDIT-11 AUDIT-12", "an accepted qr.verify writes an entry; the same "
        "token refused as a replay writes none", "Duty", "valid");
  reg1 (fx, T0);
  issue (fx, CONF_VEC_CARD1, 2, T0, MODEL_STD_OK);
  {
    g_autoptr (GBytes) cred = conf_vec_world_credential (fx->v, fx->w, fx->id, T0, YEAR);
    g_autofree char *tok = conf_vec_world_token (fx->v, fx->w->device, cred, MODEL_QR_IDENTITY,
                                                 "audit", T0 + 1);
    if (tok != NULL)
      {
        qr (fx, tok, T0 + 1, MODEL_STD_OK);
        qr (fx, tok, T0 + 2, MODEL_STD_REPLAYED);
      }
  }
  trail (fx);

  TEST ("refusals-write-nothing", "AUDIT-11 ERR-2", "refused operations of table 9.4 (other "
        "than its listed refusals) leave the trail empty", "Duty", "invalid");
  reg (fx, CONF_VEC_CARD1, CONF_VEC_SSN1, "", CONF_VEC_CITY1, T0, MODEL_STD_MALFORMED);
  issue (fx, CONF_VEC_CARD1, 1, T0, MODEL_STD_NOT_FOUND);
  trans (fx, CONF_VEC_CARD1, "lost", T0, MODEL_STD_NOT_FOUND);
  replace (fx, CONF_VEC_CARD1, CONF_VEC_CARD2, T0, MODEL_STD_NOT_FOUND);
  guint8 unknown[16];
  conf_vec_derive ("an e-card id nobody issued", unknown, 16);
  cred_issue (fx, unknown, T0, MODEL_STD_NOT_FOUND);
  pin_set (fx, PIN_SSN, "123456", T0, MODEL_STD_PIN_WEAK);
  pin_verify (fx, PIN_SSN, GOOD, T0, MODEL_STD_NOT_FOUND);
  chan_status (fx, "live", T0, MODEL_STD_NOT_FOUND);
  chan_risk (fx, CH, "complaint", T0, MODEL_STD_NOT_FOUND);
  chan_verify (fx, CH, T0, "r0", "{}", "{}", T0, MODEL_STD_NOT_FOUND);
  grant_revoke (fx, unknown, T0, MODEL_STD_NOT_FOUND);
  trail (fx);

  TEST ("reads-write-nothing", "AUDIT-11", "a card, its e-card and a live channel (five "
        "entries), then every read of the platform (id.validate, ecard.status, "
        "credential.verify, channel.get, consent.check, audit.head, audit.entries): still five",
        "Duty", "valid");
  reg1 (fx, T0);
  issue (fx, CONF_VEC_CARD1, 2, T0, MODEL_STD_OK);
  chan_live (fx, T0);
  id_validate (fx, CONF_VEC_SSN1, T0 + 1);
  ecard_status (fx, fx->id);
  cred_verify (fx, fx->id, T0, T0 + 1, MODEL_STD_OK);
  conf_vec_step (fx->v, "channel.get", conf_jo ("channel_id", conf_js (CH), "now",
                                                conf_ji (T0 + 1), NULL),
                 conf_vec_ok (conf_jo ("status", conf_js ("live"), NULL)), NULL);
  consent_check (fx, T0 + 1);
  conf_vec_step (fx->v, "audit.head", conf_jo (NULL, NULL), conf_vec_ok (NULL), NULL);
  entries (fx, 0, 1000, MODEL_STD_OK);
  trail (fx);

  TEST ("entries-pin", "AUDIT-11 AUDIT-12 PIN-4 PIN-5 PIN-6 PIN-7 PIN-8", "set; verified; a "
        "wrong PIN (counted: an entry); a malformed one (not counted: none); a change to a weak "
        "PIN (refused before the old PIN: none); a wrong old PIN (an entry); a new PIN equal to "
        "the old (refused after the old PIN was verified: an entry); a change; five wrong PINs "
        "(the fifth locks) and one while locked (entries); a second set (none)", "Duty Lock",
        "invalid");
  pin_set (fx, PIN_SSN, GOOD, T0, MODEL_STD_OK);
  pin_verify (fx, PIN_SSN, GOOD, T0 + 1, MODEL_STD_OK);
  pin_verify (fx, PIN_SSN, GOOD2, T0 + 2, MODEL_STD_PIN_WRONG);
  pin_verify (fx, PIN_SSN, "12345", T0 + 3, MODEL_STD_MALFORMED);
  pin_change (fx, GOOD, "111111", T0 + 4, MODEL_STD_PIN_WEAK);
  pin_change (fx, GOOD2, "808080", T0 + 5, MODEL_STD_PIN_WRONG);
  pin_change (fx, GOOD, GOOD, T0 + 6, MODEL_STD_PIN_WEAK);
  pin_change (fx, GOOD, GOOD2, T0 + 7, MODEL_STD_OK);
  for (int i = 0; i < 5; i++)
    pin_verify (fx, PIN_SSN, GOOD, T0 + 8 + i, i < 4 ? MODEL_STD_PIN_WRONG
                                                     : MODEL_STD_PIN_LOCKED);
  pin_verify (fx, PIN_SSN, GOOD2, T0 + 20, MODEL_STD_PIN_LOCKED);
  pin_set (fx, PIN_SSN, GOOD, T0 + 21, MODEL_STD_INVALID_STATE);
  trail (fx);
  conf_vec_step (fx->v, "audit.entries",
                 conf_jo ("from", conf_ji (0), "count", conf_ji (1000), NULL),
                 conf_vec_ok (NULL), "audit_no_secret");

  TEST ("entries-channels", "AUDIT-11 AUDIT-12 CHAN-21", "apply, certify, open, a risk event; "
        "a request accepted, replayed (a risk event: an entry), with a wrong body (a risk "
        "event: an entry), out of the clock window (none), of an unknown channel (none)",
        "Duty", "invalid");
  chan_live (fx, T0);
  chan_risk (fx, CH, "complaint", T0 + 1, MODEL_STD_OK);
  chan_verify (fx, CH, T0 + 2, "r1", "{\"q\":1}", "{\"q\":1}", T0 + 2, MODEL_STD_OK);
  chan_verify (fx, CH, T0 + 2, "r1", "{\"q\":1}", "{\"q\":1}", T0 + 3, MODEL_STD_REPLAYED);
  chan_verify (fx, CH, T0 + 4, "r2", "{\"q\":1}", "{\"q\":2}", T0 + 4, MODEL_STD_BAD_SIGNATURE);
  chan_verify (fx, CH, T0 - 1000, "r3", "{}", "{}", T0 + 5, MODEL_STD_EXPIRED);
  chan_verify (fx, "CH100009", T0 + 6, "r4", "{}", "{}", T0 + 6, MODEL_STD_NOT_FOUND);
  trail (fx);

  TEST ("entries-consent", "AUDIT-11 AUDIT-12 AUDIT-13", "two grants (no now: entered at the "
        "previous entry's time), a check (none), a revocation", "Duty", "valid");
  chan_live (fx, T0 + 5);
  grant (fx, "identity", MODEL_STD_OK);
  guint8 g1[16];
  memcpy (g1, fx->grant, 16);
  grant (fx, "identity,payment_history", MODEL_STD_OK);
  consent_check (fx, T0 + 6);
  grant_revoke (fx, g1, T0 + 10, MODEL_STD_OK);
  trail (fx);
}

/* ---- times (AUDIT-13) ---------------------------------------------------------------- */

static void
time_tests (Fx *fx)
{
  TEST ("time-clamped-not-refused", "AUDIT-13 AUDIT-5", "an operation whose now is before the "
        "last entry's time is performed, and entered at the last entry's time", "Time",
        "valid");
  reg1 (fx, T0 + 100);
  trans (fx, CONF_VEC_CARD1, "lost", T0 + 50, MODEL_STD_OK);
  trans (fx, CONF_VEC_CARD1, "normal", T0 + 60, MODEL_STD_OK);
  issue (fx, CONF_VEC_CARD1, 1, T0 + 200, MODEL_STD_OK);
  trail (fx);
  TEST ("time-without-now", "AUDIT-13", "consent.grant has no now: entered at the previous "
        "entry's time, not at the later now of a read in between", "Time", "valid");
  chan_live (fx, T0 + 5);
  id_validate (fx, CONF_VEC_SSN1, T0 + 100);
  grant (fx, "identity", MODEL_STD_OK);
  trail (fx);
  TEST ("time-negative-now", "AUDIT-13 AUDIT-2", "a card registered at now -10 as the first "
        "entry: entered at time 0 (an entry's time is never negative)", "Time", "valid");
  reg1 (fx, -10);
  trail (fx);
}

static void
payment_tests (Fx *fx)
{
  TEST ("entries-settlement", "AUDIT-11 AUDIT-12 AUDIT-13", "a switch (no now: the previous "
        "entry's time), a payment, its repeat (a duplicate, still an entry), a payment refused "
        "for want of a PIN (none), its settlement and a repeated settlement (entries), an "
        "unknown order (none), a reconciliation (a read: none)", "Duty", "invalid");
  reg1 (fx, T0);
  issue (fx, CONF_VEC_CARD1, 2, T0 + 1, MODEL_STD_OK);
  chan_live (fx, T0 + 2);
  set_switch (fx, CONF_VEC_CITY2, T0 + 86400, MODEL_STD_OK);
  submit (fx, "audit-order-1", TRUE, T0 + 3, MODEL_STD_OK);
  submit (fx, "audit-order-1", TRUE, T0 + 4, MODEL_STD_OK);
  submit (fx, "audit-order-2", FALSE, T0 + 5, MODEL_STD_PIN_REQUIRED);
  char order[MODEL_LEDGER_ORDER_ID_LEN + 1];
  g_strlcpy (order, fx->order, sizeof order);
  settle (fx, order, T0 + 6, MODEL_STD_OK);
  settle (fx, order, T0 + 7, MODEL_STD_OK);
  settle (fx, "0000000000000000000000000000000000000000000000000000000000000000", T0 + 8,
          MODEL_STD_NOT_FOUND);
  conf_vec_step (fx->v, "ledger.reconcile", conf_jo (NULL, NULL), conf_vec_ok (NULL), NULL);
  trail (fx);
  TEST ("time-first-without-now", "AUDIT-13", "settlement.set_switch as the first entry: "
        "reset's now", "Time", "valid");
  set_switch (fx, CONF_VEC_CITY2, T0 + 86400, MODEL_STD_OK);
  trail (fx);
  TEST ("time-switch-without-now", "AUDIT-13", "settlement.set_switch after an entry at T0+5 "
        "and a read at T0+100: entered at T0+5", "Time", "valid");
  reg1 (fx, T0 + 5);
  id_validate (fx, CONF_VEC_SSN1, T0 + 100);
  set_switch (fx, CONF_VEC_CITY2, T0 + 86400, MODEL_STD_OK);
  trail (fx);
}

JsonNode *
conf_vec_gen_audit (GError **error)
{
  g_autoptr (ConfVec) v = conf_vec_new ("audit");
  Fx fx = { .v = v };
  conf_vec_note (v, "Malformed", "a request outside the protocol's limits");
  conf_vec_note (v, "Duty", "a known sequence of operations and the entries it must leave "
                 "(table 9.4)");
  conf_vec_note (v, "Lock", "the PIN lock after five consecutive failures");
  conf_vec_note (v, "Time", "the time of an entry (AUDIT-13)");
  fx_reset (&fx, FALSE);
  conf_vec_world_keys (v, fx.w);
  conf_vec_group (v, "platform", NULL);
  fx_reset (&fx, TRUE);
  chain_tests (&fx);
  duty_tests (&fx);
  time_tests (&fx);
  conf_vec_group (v, "platform", conf_jo ("payment", conf_jb (TRUE), NULL));
  fx_reset (&fx, TRUE);
  payment_tests (&fx);
  fx_clear (&fx);
  return conf_vec_finish (v, error);
}
