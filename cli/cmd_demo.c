/* SPDX-License-Identifier: MIT */
/*
 * essc demo: a scripted walk through ESSC-STD's reference implementation
 * (model/std/) that a newcomer can read top to bottom: register a physical card,
 * issue a level-2 e-card to a device, sign its credential, show and scan a
 * dynamic QR code, refuse a replayed and an expired code, verify a channel's
 * signed request, check the three authorisations, pay before and after the
 * city's switch to unified settlement (twice, idempotently), lose the card,
 * reconcile, and verify and tamper with the audit trail.  Each step prints
 * the requirement, the expected and the actual result; the exit status is 1
 * if any step differs.  Keys, ids and nonces derive from --seed, so the
 * output is the same on every run (a golden file in tests/ checks it).
 */
#include "cli/cli.h"
#include "model/std/audit.h"
#include "model/std/card.h"
#include "model/std/channel.h"
#include "model/std/consent.h"
#include "model/std/credential.h"
#include "model/std/id.h"
#include "model/std/issuer.h"
#include "model/std/ledger.h"
#include "model/std/pin.h"
#include "model/std/qr.h"
#include "model/std/store.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#define SSN "11010519491231002X"
#define NAME "张三"
#define CARD_NO "A00000001"
#define NEW_CARD_NO "A00000002"
#define CITY 110100u
#define CHANNEL "CH000001"
#define DEPT "MIB-110000"
#define PIN "260419"
#define T0 ((gint64) 1590969600) /* 2020-06-01T00:00:00Z */
#define SWITCH_AT (T0 + 30 * 86400 - 8 * 3600) /* 2020-07-01 00:00 Beijing */

typedef struct {
  guint64 seed;
  int step;
  int failures;
  ModelAuditLog *audit;
  gint64 clock;
  const char *db_path;   /* save the final state here, or NULL */
} Demo;

/* A 32-byte value for purpose, derived from the demo seed. */
static void
derive (const Demo *d, const char *purpose, guint8 *out, gsize len)
{
  guint8 key[8];
  for (int i = 0; i < 8; i++)
    key[i] = (guint8) (d->seed >> (56 - 8 * i));
  crypto_generichash (out, len, (const guint8 *) purpose, strlen (purpose), key, sizeof key);
}

/* Prints one step and records it in the audit trail.  Takes error. */
static void
step (Demo *d, const char *requirement, const char *what, ModelStdCode expected, GError *error)
{
  ModelStdCode got = error == NULL ? MODEL_STD_OK : (ModelStdCode) error->code;
  gboolean ok = got == expected;

  d->step++;
  g_autofree char *result = got == MODEL_STD_OK
                                ? g_strdup ("accepted")
                                : g_strdup_printf ("refused: %s", model_std_code_name (got));
  printf ("%2d. %-52s %-9s %-26s %s\n", d->step, what, requirement, result,
          ok ? "ok" : "WRONG");
  if (!ok)
    {
      printf ("    expected %s\n", expected == MODEL_STD_OK
                                       ? "acceptance"
                                       : model_std_code_name (expected));
      if (error != NULL)
        printf ("    %s\n", error->message);
      d->failures++;
    }
  g_autofree char *payload = g_strdup_printf ("%s %s -> %s", requirement, what,
                                              model_std_code_name (got));
  g_autoptr (GError) audit_error = NULL;
  if (model_audit_log_append (d->audit, d->clock, "essc-demo", "demo.step",
                              (const guint8 *) payload, strlen (payload), &audit_error) == NULL)
    {
      printf ("    audit append failed: %s\n", audit_error->message);
      d->failures++;
    }
  g_clear_error (&error);
}

/* Submits and settles one payment; returns the outcome of submission. */
static ModelStdCode
pay (Demo *d, ModelLedger *ledger, ModelCardRegistry *cards, const ModelEcard *ecard,
     const char *key, gint64 amount, gboolean pin_ok, ModelRoute *route, GError **error)
{
  ModelPaymentRequest req = {
    .channel_id = CHANNEL, .idempotency_key = key, .city = CITY, .payee = "PHARMACY-0001",
    .amount_fen = amount, .currency = "CNY", .ecard_level = ecard->level,
    .pin_verified = pin_ok,
  };
  ModelStdCode outcome = MODEL_STD_INTERNAL;
  memcpy (req.ecard_id, ecard->id, sizeof req.ecard_id);
  const ModelPaymentOrder *order = model_ledger_submit (ledger, &req, d->clock,
                                                        model_card_status_fn, cards,
                                                        &outcome, error);
  if (order == NULL)
    return MODEL_STD_INTERNAL;
  *route = order->route;
  if (outcome == MODEL_STD_OK
      && !model_ledger_settle (ledger, order->order_id, d->clock, NULL, error))
    return MODEL_STD_INTERNAL;
  return outcome;
}

static int
run (Demo *d)
{
  g_autoptr (GError) error = NULL;
  guint8 seed[32], nonce[16];

  derive (d, "registry", seed, sizeof seed);
  g_autoptr (ModelCardRegistry) cards = model_card_registry_new (seed);
  g_autoptr (ModelPinTable) pins = model_pin_table_new (crypto_pwhash_OPSLIMIT_MIN,
                                                        crypto_pwhash_MEMLIMIT_MIN);
  g_autoptr (ModelChannelRegistry) channels = model_channel_registry_new (NULL);
  derive (d, "consent", seed, sizeof seed);
  g_autoptr (ModelConsentStore) consents = model_consent_store_new (seed);
  g_autoptr (ModelLedger) ledger = model_ledger_new ();
  derive (d, "platform", seed, sizeof seed);
  g_autoptr (ModelPlatformKey) platform = model_platform_key_from_seed (seed);
  derive (d, "device", seed, sizeof seed);
  g_autoptr (ModelDeviceKey) device = model_device_key_from_seed (seed);
  g_autoptr (ModelTrustList) trust = model_trust_list_new ();
  g_autoptr (ModelQrReplayCache) cache = model_qr_replay_cache_new ();
  ModelQrVerifier verifier = { trust, model_card_status_fn, cards, cache };
  sodium_memzero (seed, sizeof seed);

  d->clock = T0;
  printf ("essc demo: ESSC-STD reference implementation, seed %" G_GUINT64_FORMAT
          ", clock 2020-06-01T00:00:00Z\n"
          "city %u switches to unified settlement on 2020-07-01 (Beijing)\n\n",
          d->seed, CITY);

  if (!model_trust_list_add (trust, model_platform_key_public (platform), &error))
    step (d, "CRED-8", "trust the platform key", MODEL_STD_OK, g_steal_pointer (&error));

  /* Identity and card. */
  model_id_validate (SSN, d->clock, NULL, &error);
  step (d, "ID-2", "citizen ID " SSN " is valid", MODEL_STD_OK, g_steal_pointer (&error));
  model_id_validate ("11010519491231002Y", d->clock, NULL, &error);
  step (d, "ID-1", "a corrupted ID is refused", MODEL_STD_MALFORMED, g_steal_pointer (&error));
  model_card_register (cards, CARD_NO, SSN, NAME, CITY, TRUE, d->clock, &error);
  step (d, "CARD-5", "register physical card " CARD_NO, MODEL_STD_OK, g_steal_pointer (&error));

  /* Issuance. */
  ModelIssuanceEvidence partial = { .real_name_verified = TRUE, .liveness_passed = FALSE };
  ModelIssuanceEvidence full = { TRUE, TRUE, TRUE, TRUE };
  ModelEcard ecard = { 0 };
  model_card_issue_ecard (cards, CARD_NO, 2, &partial, model_device_key_public (device),
                          d->clock, NULL, &error);
  step (d, "ISS-2", "issue without liveness evidence", MODEL_STD_EVIDENCE_MISSING,
        g_steal_pointer (&error));
  model_card_issue_ecard (cards, CARD_NO, 2, &full, model_device_key_public (device), d->clock,
                          &ecard, &error);
  step (d, "ISS-3", "issue a level-2 e-card to the holder's device", MODEL_STD_OK,
        g_steal_pointer (&error));
  model_card_issue_ecard (cards, CARD_NO, 1, &full, model_device_key_public (device), d->clock,
                          NULL, &error);
  step (d, "ISS-4", "issue a second e-card for the same card", MODEL_STD_ALREADY_LINKED,
        g_steal_pointer (&error));
  model_pin_set (pins, SSN, "123456", 6, d->clock, &error);
  step (d, "PIN-2", "set the weak PIN 123456", MODEL_STD_PIN_WEAK, g_steal_pointer (&error));
  model_pin_set (pins, SSN, PIN, 6, d->clock, &error);
  step (d, "PIN-4", "set a PIN (stored as Argon2id)", MODEL_STD_OK, g_steal_pointer (&error));

  /* Credential and QR code. */
  g_autoptr (GBytes) cred = model_issuer_sign_credential (cards, ecard.id, platform, d->clock,
                                                          365 * 86400, NULL, &error);
  step (d, "CRED-10", "platform signs the e-card credential", MODEL_STD_OK,
        g_steal_pointer (&error));
  if (cred == NULL)
    return ESSC_EXIT_FAILED;
  gsize cred_len;
  const guint8 *cred_bytes = g_bytes_get_data (cred, &cred_len);
  model_credential_verify (cred_bytes, cred_len, trust, model_card_status_fn, cards, d->clock,
                           NULL, &error);
  step (d, "CRED-5", "verify the credential", MODEL_STD_OK, g_steal_pointer (&error));

  derive (d, "nonce-1", nonce, sizeof nonce);
  g_autofree char *qr = model_qr_issue (device, cred_bytes, cred_len, MODEL_QR_IDENTITY, nonce,
                                        d->clock, &error);
  step (d, "QR-2", "device shows a dynamic QR code", MODEL_STD_OK, g_steal_pointer (&error));
  if (qr == NULL)
    return ESSC_EXIT_FAILED;
  printf ("    %zu-byte credential, %zu-character code: %.40s...\n", cred_len, strlen (qr), qr);
  d->clock += 10;
  model_qr_verify (&verifier, qr, MODEL_QR_IDENTITY, FALSE, d->clock, NULL, &error);
  step (d, "QR-4", "a hospital terminal scans it 10 s later", MODEL_STD_OK,
        g_steal_pointer (&error));
  model_qr_verify (&verifier, qr, MODEL_QR_IDENTITY, FALSE, d->clock, NULL, &error);
  step (d, "QR-6", "the same code scanned again", MODEL_STD_REPLAYED, g_steal_pointer (&error));
  derive (d, "nonce-2", nonce, sizeof nonce);
  g_autofree char *old = model_qr_issue (device, cred_bytes, cred_len, MODEL_QR_IDENTITY, nonce,
                                         d->clock - 61, &error);
  g_clear_error (&error);
  model_qr_verify (&verifier, old, MODEL_QR_IDENTITY, FALSE, d->clock, NULL, &error);
  step (d, "QR-5", "a code made 61 s ago", MODEL_STD_EXPIRED, g_steal_pointer (&error));

  /* A channel's signed request. */
  guint8 channel_pk[crypto_sign_PUBLICKEYBYTES], channel_sk[crypto_sign_SECRETKEYBYTES];
  derive (d, "channel", seed, sizeof seed);
  crypto_sign_seed_keypair (channel_pk, channel_sk, seed);
  sodium_memzero (seed, sizeof seed);
  model_channel_registry_apply (channels, CHANNEL, "示范医保服务", MODEL_CHANNEL_CLASS_MEDICAL, 1,
                                NULL, channel_pk, d->clock, &error);
  step (d, "CHAN-4", "channel " CHANNEL " applies (tier 1, medical)", MODEL_STD_OK,
        g_steal_pointer (&error));
  ModelChannelRequest req;
  static const guint8 body[] = "{\"op\":\"query\"}";
  derive (d, "request-nonce", nonce, sizeof nonce);
  model_channel_request_init (&req, CHANNEL, NULL, d->clock, nonce, "card.status", body,
                              sizeof body - 1, NULL);
  model_channel_request_sign (&req, channel_sk, NULL);
  model_channel_registry_verify (channels, &req, body, sizeof body - 1, d->clock, &error);
  step (d, "CHAN-6", "a request before certification", MODEL_STD_CHANNEL_NOT_LIVE,
        g_steal_pointer (&error));
  if (model_channel_registry_set_status (channels, CHANNEL, MODEL_CHANNEL_CERTIFIED, d->clock,
                                         &error))
    model_channel_registry_set_status (channels, CHANNEL, MODEL_CHANNEL_LIVE, d->clock, &error);
  step (d, "CHAN-5", "certified, then live", MODEL_STD_OK, g_steal_pointer (&error));
  model_channel_registry_verify (channels, &req, body, sizeof body - 1, d->clock, &error);
  step (d, "CHAN-10", "its signed request is verified", MODEL_STD_OK, g_steal_pointer (&error));
  model_channel_registry_verify (channels, &req, body, sizeof body - 1, d->clock, &error);
  step (d, "CHAN-13", "the same request replayed", MODEL_STD_REPLAYED, g_steal_pointer (&error));
  sodium_memzero (channel_sk, sizeof channel_sk);

  /* Three authorisations. */
  ModelConsentGrant grant = {
    .ssn = SSN, .channel_id = CHANNEL, .department_id = DEPT,
    .scopes = MODEL_CONSENT_SCOPE_INSURANCE_RECORD, .not_before = T0, .expires_at = T0 + 86400,
  };
  guint32 scope = MODEL_CONSENT_SCOPE_INSURANCE_RECORD;
  ModelConsentDecision decision;
  for (int kind = 0; kind < 2; kind++)
    {
      grant.kind = (ModelConsentKind) kind;
      model_consent_store_grant (consents, &grant, NULL, NULL);
    }
  model_consent_store_check (consents, SSN, CHANNEL, DEPT, scope, d->clock, &decision, &error);
  if (error == NULL && decision.code != MODEL_STD_OK)
    g_set_error (&error, 0, decision.code, "decision %s", model_std_code_name (decision.code));
  step (d, "CONSENT-5", "records: personal and department consent only",
        MODEL_STD_CONSENT_MISSING, g_steal_pointer (&error));
  grant.kind = MODEL_CONSENT_CHANNEL;
  model_consent_store_grant (consents, &grant, NULL, NULL);
  model_consent_store_check (consents, SSN, CHANNEL, DEPT, scope, d->clock, &decision, &error);
  if (error == NULL && decision.code != MODEL_STD_OK)
    g_set_error (&error, 0, decision.code, "decision %s", model_std_code_name (decision.code));
  step (d, "CONSENT-5", "records: all three authorisations", MODEL_STD_OK,
        g_steal_pointer (&error));

  /* Payments before and after the switch. */
  ModelRoute route = 0;
  model_ledger_set_switch (ledger, CITY, SWITCH_AT, NULL);
  pay (d, ledger, cards, &ecard, "order-1", 1250, FALSE, &route, &error);
  step (d, "PAY-9", "pay 12.50 CNY without the PIN", MODEL_STD_PIN_REQUIRED,
        g_steal_pointer (&error));
  model_pin_verify (pins, SSN, PIN, 6, d->clock, &error);
  step (d, "PIN-5", "holder enters the PIN", MODEL_STD_OK, g_steal_pointer (&error));
  pay (d, ledger, cards, &ecard, "order-1", 1250, TRUE, &route, &error);
  step (d, "PAY-2", "pay 12.50 CNY on 2020-06-01: settled locally", MODEL_STD_OK,
        g_steal_pointer (&error));
  if (route != MODEL_ROUTE_LOCAL)
    step (d, "PAY-2", "route of the June payment is local", MODEL_STD_OK,
          g_error_new (MODEL_LEDGER_ERROR, MODEL_STD_INTERNAL, "route %s",
                       model_route_name (route)));
  ModelStdCode outcome = pay (d, ledger, cards, &ecard, "order-1", 1250, TRUE, &route, &error);
  if (error == NULL && outcome != MODEL_STD_OK)
    g_set_error (&error, MODEL_LEDGER_ERROR, outcome, "outcome");
  step (d, "PAY-6", "the same order submitted again", MODEL_STD_DUPLICATE,
        g_steal_pointer (&error));
  d->clock = SWITCH_AT + 3600;
  pay (d, ledger, cards, &ecard, "order-2", 3000, TRUE, &route, &error);
  if (error == NULL && route != MODEL_ROUTE_UNIFIED)
    g_set_error (&error, MODEL_LEDGER_ERROR, MODEL_STD_INTERNAL, "route %s",
                 model_route_name (route));
  step (d, "PAY-2", "pay 30.00 CNY after the switch: unified", MODEL_STD_OK,
        g_steal_pointer (&error));

  /* The card is lost. */
  model_card_report_lost (cards, CARD_NO, d->clock, &error);
  step (d, "CARD-6", "holder reports card " CARD_NO " lost", MODEL_STD_OK,
        g_steal_pointer (&error));
  derive (d, "nonce-3", nonce, sizeof nonce);
  g_autofree char *after = model_qr_issue (device, cred_bytes, cred_len, MODEL_QR_IDENTITY, nonce,
                                           d->clock, &error);
  g_clear_error (&error);
  model_qr_verify (&verifier, after, MODEL_QR_IDENTITY, FALSE, d->clock, NULL, &error);
  step (d, "CARD-7", "a fresh code of the lost card's e-card", MODEL_STD_CARD_UNUSABLE,
        g_steal_pointer (&error));
  model_credential_verify (cred_bytes, cred_len, trust, model_card_status_fn, cards, d->clock,
                           NULL, &error);
  step (d, "CRED-7", "status check of its credential", MODEL_STD_CARD_UNUSABLE,
        g_steal_pointer (&error));
  pay (d, ledger, cards, &ecard, "order-3", 500, TRUE, &route, &error);
  step (d, "PAY-7", "a payment with the lost card's e-card", MODEL_STD_CARD_UNUSABLE,
        g_steal_pointer (&error));
  model_card_replace (cards, CARD_NO, NEW_CARD_NO, d->clock, &error);
  step (d, "CARD-9", "replacement card " NEW_CARD_NO, MODEL_STD_OK, g_steal_pointer (&error));
  model_card_issue_ecard (cards, NEW_CARD_NO, 1, &full, model_device_key_public (device),
                          d->clock, NULL, &error);
  step (d, "ISS-1", "a new e-card for the replacement", MODEL_STD_OK, g_steal_pointer (&error));
  model_qr_verify (&verifier, after, MODEL_QR_IDENTITY, FALSE, d->clock, NULL, &error);
  step (d, "CARD-9", "the old e-card stays dead", MODEL_STD_CARD_UNUSABLE,
        g_steal_pointer (&error));

  /* Books and trail. */
  ModelLedgerReport report;
  model_ledger_reconcile (ledger, FALSE, &report, &error);
  step (d, "PAY-15", "reconcile: every payment settled exactly once", MODEL_STD_OK,
        g_steal_pointer (&error));
  printf ("    %" G_GUINT64_FORMAT " orders: %" G_GUINT64_FORMAT " local (%.2f CNY), %"
          G_GUINT64_FORMAT " unified (%.2f CNY), %" G_GUINT64_FORMAT " postings\n",
          report.n_orders, report.settled_count[MODEL_ROUTE_LOCAL],
          report.settled_fen[MODEL_ROUTE_LOCAL] / 100.0, report.settled_count[MODEL_ROUTE_UNIFIED],
          report.settled_fen[MODEL_ROUTE_UNIFIED] / 100.0, report.n_postings);

  model_audit_log_verify (d->audit, NULL, MODEL_AUDIT_VERIFY_DEFAULT, NULL, &error);
  step (d, "AUDIT-6", "the audit trail of every step verifies", MODEL_STD_OK,
        g_steal_pointer (&error));
  ModelAuditHead head;
  model_audit_log_head (d->audit, &head);
  g_autoptr (ModelAuditLog) forged = model_audit_log_new ();
  for (guint64 i = 0; i < model_audit_log_length (d->audit); i++)
    {
      ModelAuditEntry e = *model_audit_log_entry (d->audit, i);
      if (i == 3)
        e.time += 1; /* edit one entry's time */
      model_audit_log_restore (forged, &e, NULL);
    }
  guint64 bad_seq = 0;
  model_audit_log_verify (forged, &head, MODEL_AUDIT_VERIFY_DEFAULT, &bad_seq, &error);
  step (d, "AUDIT-6", "a copy with entry 3 edited is detected", MODEL_STD_BAD_SIGNATURE,
        g_steal_pointer (&error));

  if (d->db_path != NULL)
    {
      ModelState state = { cards, pins, channels, consents, ledger, d->audit, trust };
      g_autoptr (ModelStore) store = model_store_open (d->db_path, &error);
      /* The trail's head signed by the platform (AUDIT-9), saved with it:
       * `essc store check` then tells a trail cut short from a whole one. */
      ModelAuditHead last;
      ModelAuditSignedHead signed_head;
      guint8 seed_bytes[32], pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES];
      model_audit_log_head (d->audit, &last);
      model_platform_key_get_seed (platform, seed_bytes);
      crypto_sign_seed_keypair (pk, sk, seed_bytes);
      model_audit_head_sign (&last, d->clock, sk, &signed_head);
      sodium_memzero (sk, sizeof sk);
      sodium_memzero (seed_bytes, sizeof seed_bytes);
      if (store == NULL || !model_store_save (store, &state, d->clock, &error)
          || !model_store_save_audit_head (store, &signed_head, &error))
        {
          fprintf (stderr, "essc demo: %s\n", error->message);
          return ESSC_EXIT_USAGE;
        }
      printf ("\nstate saved to %s (check it with 'essc store check %s')\n", d->db_path,
              d->db_path);
    }

  printf ("\n%d steps, %d as the standard expects, %d not; audit trail of %" G_GUINT64_FORMAT
          " entries\n", d->step, d->step - d->failures, d->failures,
          model_audit_log_length (d->audit));
  return d->failures == 0 ? ESSC_EXIT_OK : ESSC_EXIT_FAILED;
}

int
essc_cmd_demo (int argc, char **argv)
{
  gint64 seed = 1;
  g_autofree char *db = NULL;
  const GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db,
      "save the final state to this SQLite database (created if missing)", "FILE" },
    { "seed", 0, 0, G_OPTION_ARG_INT64, &seed, "seed of every key, id and nonce (default 1)",
      "N" },
    { NULL },
  };

  if (!essc_cli_parse (&argc, &argv, "demo", NULL,
                       "Walks through ESSC-STD's reference implementation: issuance, QR codes,\n"
                       "channel requests, consent, payment before and after unified settlement,\n"
                       "a lost card, reconciliation and the audit trail.\n"
                       "Exit status: 0 every step behaved as the standard says, 1 a step did\n"
                       "not, 2 usage error or a --db file that could not be written.",
                       entries))
    return ESSC_EXIT_USAGE;
  if (argc > 1)
    return essc_cli_usage_error ("demo", "unexpected argument '%s'", argv[1]);
  if (seed < 0)
    return essc_cli_usage_error ("demo", "--seed: expected a non-negative integer");

  g_autoptr (ModelAuditLog) audit = model_audit_log_new ();
  Demo d = { .seed = (guint64) seed, .audit = audit, .db_path = db };
  return run (&d);
}
