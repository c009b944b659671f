/* SPDX-License-Identifier: MIT */
/*
 * Tests of the fault catalogue (conformance/faults.h), the deliberately
 * broken variants of the reference implementations.  Every fault, for each
 * role it names, has a probe in the table below: a short script run against
 * the clean and the faulty implementation (conf_impl_fixture.h), whose last
 * answers must be the expected ones and differ, so that each fault is proved
 * to be observable.  The audit faults are also checked to make a trail that
 * model/std/ refuses.
 */
#include "tests/lib/testutil.h"

#include "conformance/faults.h"
#include "conformance/impl.h"
#include "conformance/json.h"
#include "model/std/audit.h"
#include "model/std/common.h"
#include "tests/lib/conf_impl_fixture.h"

#include <string.h>


/* ---- faults ------------------------------------------------------------------- */

#define V CONF_ROLE_BIT (CONF_ROLE_VERIFIER)
#define C CONF_ROLE_BIT (CONF_ROLE_CHANNEL)
#define P CONF_ROLE_BIT (CONF_ROLE_PLATFORM)

#define QR(tok, purpose, pin, now) \
  "qr.verify {\"token\":\"" tok "\",\"purpose\":\"" purpose "\",\"pin_verified\":" pin \
  ",\"now\":" now "}"
#define CRED(cred, now) "credential.verify {\"credential\":\"" cred "\",\"now\":" now "}"
#define ID(ssn) "id.validate {\"ssn\":\"" ssn "\",\"now\":@NOW@}"
#define PIN(op, pin) "pin." op " {\"ssn\":\"" SSN1 "\",\"pin\":\"" pin "\",\"now\":@NOW@}"
#define REGISTER3(bank) \
  "card.register {\"card_no\":\"A00000009\",\"ssn\":\"@SSN3@\",\"name\":\"王五\"," \
  "\"city\":110100,\"bank_account_active\":" bank ",\"now\":@NOW@}"
#define ISSUE3(level, evidence) \
  "ecard.issue {\"card_no\":\"A00000009\",\"level\":" level ",\"evidence\":{" evidence "}," \
  "\"device_pk\":\"@DEVPK@\",\"now\":@NOW@}"
#define FULL "\"real_name_verified\":true,\"liveness_passed\":true," \
             "\"bank_account_active\":true,\"bank_phone_verified\":true"
#define LOSE "card.transition {\"card_no\":\"A00000001\",\"to\":\"lost\",\"now\":@NOW@}"
#define RELAY(wire, body, now) \
  "request.relay {\"wire\":\"" wire "\",\"body\":\"" body "\",\"now\":" now "}"
#define VERIFY(wire, body, now) \
  "channel.verify {\"wire\":\"" wire "\",\"body\":\"" body "\",\"now\":" now "}"
#define SIGN "request.sign {\"operation\":\"card.status\",\"body\":\"abc\",\"timestamp\":@NOW@," \
             "\"nonce\":\"00000000000000000000000000000000\"}"
#define ENTRIES "audit.entries {\"from\":0,\"count\":1000}"

typedef struct {
  const char *fault;
  guint roles;          /* run for each of these roles */
  const char *script;   /* after the role's prelude */
  const char *clean;    /* the clean implementation's last answer: "ok", "ok:TEXT", "!code" */
  const char *faulty;
} Probe;

static const Probe probes[] = {
  { "accept-everything", V | C | P, CRED ("00", "@NOW@"), "!malformed", "ok" },
  { "reject-everything", V | C | P, CRED ("@C2@", "@NOW@"), "ok", "!internal" },
  { "id-accept-lowercase-x", V | P, ID ("11010519491231002x"), "!malformed", "ok" },
  { "id-no-check-char", V | P, ID ("110105194912310021"), "!invalid_id", "ok" },
  { "id-no-future-check", V | P, ID ("@FUTURESSN@"), "!invalid_id", "ok" },
  { "id-accept-unknown-province", V | P, ID ("@BADPROVSSN@"), "!invalid_id",
    "ok:\"region\":990105" },
  { "id-refuse-retired-region", V | P, ID (SSN2), "ok", "!invalid_id" },
  { "id-region-county-only", V | P, ID ("110000198001010019"), "ok:\"region_known\":true",
    "ok:\"region_known\":false" },
  { "id-region-gbt2260", V | P, ID ("710000198001010010"), "ok:\"region_known\":false",
    "ok:\"region_known\":true" },
  { "json-lax-types", V | P, "id.validate {\"ssn\":\"" SSN1 "\",\"now\":\"1590969600\"}",
    "!malformed", "ok" },
  { "json-lax-types", C,
    "payment.prepare {\"order_ref\":\"o-1\",\"ecard_id\":\"@E2@\",\"city\":\"110100\","
    "\"payee\":\"SHOP-1\",\"amount_fen\":100,\"currency\":\"CNY\",\"level\":2,"
    "\"pin_verified\":\"true\"}", "!malformed", "ok" },
  { "cred-accept-trailing-bytes", V | C | P, CRED ("@CTRAIL@", "@NOW@"), "!malformed", "ok" },
  { "cred-skip-signature", V | C | P, CRED ("@CBAD@", "@NOW@"), "!bad_signature", "ok" },
  { "cred-accept-unknown-key", V | C | P, CRED ("@CUNK@", "@NOW@"), "!unknown_key", "ok" },
  { "cred-accept-expired", V | C | P, CRED ("@C2@", "1622505600"), "!expired", "ok" },
  { "cred-accept-not-yet-valid", V | C | P, CRED ("@C2@", "1590969590"), "!not_yet_valid", "ok" },
  { "cred-cached-status", V,
    CRED ("@C2@", "@NOW@") "\nstatus.set {\"ecard_id\":\"@E2@\",\"status\":\"card_unusable\"}\n"
    CRED ("@C2@", "@NOW@"), "!card_unusable", "ok" },
  { "cred-cached-status", P, CRED ("@C2@", "@NOW@") "\n" LOSE "\n" CRED ("@C2@", "@NOW@"),
    "!card_unusable", "ok" },
  { "cred-wrong-encoding", P,
    "credential.issue {\"ecard_id\":\"@E2@\",\"now\":@NOW@,\"lifetime\":31536000}",
    "ok:\"credential\":\"@C2@\"", "ok" },
  { "cred-backdate-too-far", P,
    "credential.issue {\"ecard_id\":\"@E2@\",\"now\":@NOW@,\"lifetime\":31536000}",
    "ok:\"credential\":\"@C2@\"", "ok" },
  { "cred-expiry-from-issued", P,
    "credential.issue {\"ecard_id\":\"@E2@\",\"now\":@NOW@,\"lifetime\":31536000}",
    "ok:\"credential\":\"@C2@\"", "ok" },
  { "cred-status-passthrough", V,
    "status.set {\"ecard_id\":\"@E2@\",\"status\":\"internal\"}\n" CRED ("@C2@", "@NOW@"),
    "!card_unusable", "!internal" },
  { "status-set-three-only", V, "status.set {\"ecard_id\":\"@E2@\",\"status\":\"internal\"}",
    "ok", "!malformed" },
  { "cred-issue-revoked", P,
    LOSE "\ncredential.issue {\"ecard_id\":\"@E2@\",\"now\":@NOW@,\"lifetime\":100}",
    "!card_unusable", "ok" },
  { "qr-lax-text", V | P, QR ("@TID@ ", "identity", "false", "@NOW@"), "!malformed", "ok" },
  { "qr-skip-status", V,
    "status.set {\"ecard_id\":\"@E2@\",\"status\":\"card_unusable\"}\n"
    QR ("@TID@", "identity", "false", "@NOW@"), "!card_unusable", "ok" },
  { "qr-skip-status", P, LOSE "\n" QR ("@TID@", "identity", "false", "@NOW@"), "!card_unusable",
    "ok" },
  { "qr-skip-device-signature", V | P, QR ("@TBAD@", "identity", "false", "@NOW@"),
    "!bad_signature", "ok" },
  { "qr-age-off-by-one", V | P, QR ("@TID@", "identity", "false", "1590969661"), "!expired",
    "ok" },
  { "qr-accept-future", V | P, QR ("@TFUT@", "identity", "false", "@NOW@"), "!not_yet_valid",
    "ok" },
  { "qr-no-replay-cache", V | P,
    QR ("@TID@", "identity", "false", "@NOW@") "\n" QR ("@TID@", "identity", "false", "@NOW@"),
    "!replayed", "ok" },
  { "qr-consume-on-refusal", V | P,
    QR ("@TPAY@", "payment", "false", "@NOW@") "\n" QR ("@TPAY@", "payment", "true", "@NOW@"),
    "ok", "!replayed" },
  { "qr-wrong-purpose", V | P, QR ("@TID@", "payment", "true", "@NOW@"), "!invalid_state", "ok" },
  { "qr-level1-payment", V | P, QR ("@TPAY1@", "payment", "true", "@NOW@"), "!level_required",
    "ok" },
  { "qr-credential-issued-at", V | P, QR ("@TFUT@", "identity", "false", "1590969610"),
    "ok:\"issued_at\":1590969610,", "ok:\"issued_at\":1590969600," },
  { "qr-payment-without-pin", V | P, QR ("@TPAY@", "payment", "false", "@NOW@"),
    "!pin_required", "ok" },
  { "card-lowercase-number", P,
    "card.register {\"card_no\":\"a00000009\",\"ssn\":\"@SSN3@\",\"name\":\"王五\","
    "\"city\":110100,\"bank_account_active\":true,\"now\":@NOW@}", "!malformed", "ok" },
  { "card-second-live-card", P,
    "card.register {\"card_no\":\"A00000009\",\"ssn\":\"" SSN1 "\",\"name\":\"张三\","
    "\"city\":110100,\"bank_account_active\":true,\"now\":@NOW@}", "!already_linked", "ok" },
  { "card-allow-any-transition", P,
    "card.transition {\"card_no\":\"A00000001\",\"to\":\"normal\",\"now\":@NOW@}",
    "!invalid_state", "ok:\"status\":\"normal\"" },
  { "card-lost-keeps-ecard", P, LOSE "\necard.status {\"ecard_id\":\"@E2@\"}", "!card_unusable",
    "ok" },
  { "card-replaced-keeps-ecard", P,
    "card.replace {\"card_no\":\"A00000001\",\"new_card_no\":\"A00000009\",\"now\":@NOW@}\n"
    "ecard.status {\"ecard_id\":\"@E2@\"}", "!card_unusable", "ok" },
  { "iss-no-liveness", P, REGISTER3 ("true") "\n" ISSUE3 ("1", "\"real_name_verified\":true"),
    "!evidence_missing", "ok" },
  { "iss-no-bank-phone", P,
    REGISTER3 ("true") "\n"
    ISSUE3 ("2", "\"real_name_verified\":true,\"liveness_passed\":true,"
                 "\"bank_account_active\":true"), "!evidence_missing", "ok" },
  { "iss-second-ecard", P,
    "ecard.issue {\"card_no\":\"A00000001\",\"level\":1,\"evidence\":{" FULL "},"
    "\"device_pk\":\"@DEVPK@\",\"now\":@NOW@}", "!already_linked", "ok" },
  { "iss-any-level", P, REGISTER3 ("true") "\n" ISSUE3 ("3", FULL), "!malformed", "ok" },
  { "card-lookup-before-form", P,
    "card.transition {\"card_no\":\"a00000001\",\"to\":\"lost\",\"now\":@NOW@}", "!malformed",
    "!not_found" },
  { "iss-random-ids", P, REGISTER3 ("true") "\n" ISSUE3 ("1", FULL), "ok:\"ecard_id\":\"@E3@\"",
    "ok" },
  { "pin-accept-long", P, PIN ("set", "260419") "\n" PIN ("verify", "2604190"), "!malformed",
    "ok" },
  { "pin-accept-weak", P, PIN ("set", "123456"), "!pin_weak", "ok" },
  { "pin-lookup-before-ssn", P,
    "pin.verify {\"ssn\":\"11010519491231002x\",\"pin\":\"260419\",\"now\":@NOW@}",
    "!malformed", "!not_found" },
  { "pin-logged", P, PIN ("set", "260419") "\n" ENTRIES, "ok", "ok:323630343139" },
  { "pin-no-lockout", P,
    PIN ("set", "260419") "\n" PIN ("verify", "111111") "\n" PIN ("verify", "111111") "\n"
    PIN ("verify", "111111") "\n" PIN ("verify", "111111") "\n" PIN ("verify", "111111"),
    "!pin_locked", "!pin_wrong" },
  { "pin-change-without-old", P,
    PIN ("set", "260419") "\n"
    "pin.change {\"ssn\":\"" SSN1 "\",\"old_pin\":\"111112\",\"new_pin\":\"314159\","
    "\"now\":@NOW@}", "!pin_wrong", "ok" },
  { "pin-malformed-counts", P,
    PIN ("set", "260419") "\n" PIN ("verify", "12345") "\n" PIN ("verify", "12345") "\n"
    PIN ("verify", "12345") "\n" PIN ("verify", "12345") "\n" PIN ("verify", "12345") "\n"
    PIN ("verify", "260419"), "ok", "!pin_locked" },
  { "chan-sign-wrong-bytes", C, SIGN, "ok:\"wire\":\"@WIRE1@\"", "ok" },
  { "chan-countersign-wrong-bytes", C, RELAY ("@CHILDWIRE@", "abc", "@NOW@"),
    "ok:\"wire\":\"@RELAYWIRE@\"", "ok" },
  { "chan-relay-skip-signature", C, RELAY ("@CHILDWIRE_BAD@", "abc", "@NOW@"), "!bad_signature",
    "ok" },
  { "chan-relay-any-child", C, RELAY ("@STRANGERWIRE@", "abc", "@NOW@"), "!channel_tier", "ok" },
  { "chan-ignore-status", C, "channel.set_status {\"status\":\"suspended\"}\n" SIGN,
    "!channel_not_live", "ok" },
  { "chan-ignore-status", P,
    "@CHSETUP@\nchannel.set_status {\"channel_id\":\"CH100001\",\"status\":\"suspended\","
    "\"now\":@NOW@}\n" VERIFY ("@WIRE1@", "abc", "@NOW@"), "!channel_not_live", "ok" },
  { "chan-skip-body-hash", C, RELAY ("@CHILDWIRE@", "abd", "@NOW@"), "!bad_signature", "ok" },
  { "chan-skip-body-hash", P, "@CHSETUP@\n" VERIFY ("@WIRE1@", "abd", "@NOW@"), "!bad_signature",
    "ok" },
  { "chan-no-clock-window", C, RELAY ("@CHILDWIRE@", "abc", "1590969901"), "!expired", "ok" },
  { "chan-no-clock-window", P, "@CHSETUP@\n" VERIFY ("@WIRE1@", "abc", "1590969901"), "!expired",
    "ok" },
  { "chan-no-replay", C,
    RELAY ("@CHILDWIRE@", "abc", "@NOW@") "\n" RELAY ("@CHILDWIRE@", "abc", "@NOW@"), "!replayed",
    "ok" },
  { "chan-no-replay", P,
    "@CHSETUP@\n" VERIFY ("@WIRE1@", "abc", "@NOW@") "\n" VERIFY ("@WIRE1@", "abc", "@NOW@"),
    "!replayed", "ok" },
  { "chan-allow-any-transition", P,
    "channel.apply {\"channel_id\":\"CH100001\",\"name\":\"A\",\"class\":\"bank\",\"tier\":1,"
    "\"public_key\":\"@KPK@\",\"now\":@NOW@}\n"
    "channel.set_status {\"channel_id\":\"CH100001\",\"status\":\"live\",\"now\":@NOW@}",
    "!invalid_state", "ok" },
  { "chan-accept-unrelayed", P,
    "@CHSETUP@\n"
    "channel.apply {\"channel_id\":\"CH200001\",\"name\":\"B\",\"class\":\"social\",\"tier\":2,"
    "\"parent_id\":\"CH100001\",\"public_key\":\"@CHILDPK@\",\"now\":@NOW@}\n"
    "channel.set_status {\"channel_id\":\"CH200001\",\"status\":\"certified\",\"now\":@NOW@}\n"
    "channel.set_status {\"channel_id\":\"CH200001\",\"status\":\"live\",\"now\":@NOW@}\n"
    VERIFY ("@UNRELAYED@", "abc", "@NOW@"), "!channel_tier", "ok" },
  { "chan-risk-no-action", P,
    "@CHSETUP@\nchannel.risk {\"channel_id\":\"CH100001\",\"event\":\"data_leak\",\"now\":@NOW@}",
    "ok:\"status\":\"rectification\"", "ok:\"status\":\"live\"" },
  { "chan-rectify-before-suspend", P,
    "@CHSETUP@\nchannel.risk {\"channel_id\":\"CH100001\",\"event\":\"fraud_report\",\"now\":@NOW@}\n"
    "channel.risk {\"channel_id\":\"CH100001\",\"event\":\"data_leak\",\"now\":@NOW@}",
    "ok:\"status\":\"suspended\"", "ok:\"status\":\"rectification\"" },
  { "risk-bogus-score", P,
    "@CHSETUP@\nchannel.risk {\"channel_id\":\"CH100001\",\"event\":\"data_leak\",\"now\":@NOW@}",
    "ok:\"score\":60.0", "ok:\"score\":60000000" },
  { "consent-two-of-three", C, "@GRANTS@\ndata.request @ASK@", "!consent_missing", "ok" },
  { "consent-two-of-three", P, "@GRANTS@\nconsent.check @ASK@", "!consent_missing", "ok" },
  { "consent-ignore-expiry", C,
    "@GRANTS@\n@CHANNELGRANT@\ndata.request {\"ssn\":\"" SSN1 "\",\"department_id\":"
    "\"MIB-110000\",\"scopes\":\"identity\",\"now\":1590969620}", "!expired", "ok" },
  { "consent-ignore-expiry", P,
    "@GRANTS@\n@CHANNELGRANT@\nconsent.check {\"ssn\":\"" SSN1 "\",\"channel_id\":\"CH100001\","
    "\"department_id\":\"MIB-110000\",\"scopes\":\"identity\",\"now\":1590969620}", "!expired",
    "ok" },
  { "consent-pooled-scopes", C | P,
    "@GRANTS@\n@CHANNELGRANT@\n"
    "consent.grant {\"kind\":\"personal\",\"ssn\":\"" SSN1 "\",\"channel_id\":\"CH100001\","
    "\"department_id\":\"\",\"scopes\":\"card_status\",\"not_before\":1590969500,"
    "\"expires_at\":1591056000}\n"
    "consent.grant {\"kind\":\"department\",\"ssn\":\"\",\"channel_id\":\"CH100001\","
    "\"department_id\":\"MIB-110000\",\"scopes\":\"identity,card_status\",\"not_before\":1590969500,"
    "\"expires_at\":1591056000}\n"
    "consent.grant {\"kind\":\"channel\",\"ssn\":\"\",\"channel_id\":\"CH100001\","
    "\"department_id\":\"\",\"scopes\":\"identity,card_status\",\"not_before\":1590969500,"
    "\"expires_at\":1591056000}\n"
    "@CHECK@ {\"ssn\":\"" SSN1 "\",\"channel_id\":\"CH100001\",\"department_id\":\"MIB-110000\","
    "\"scopes\":\"identity,card_status\",\"now\":@NOW@}", "!consent_missing", "ok" },
  { "consent-ignore-revocation", C | P,
    "@GRANTS@\n@CHANNELGRANT@\nconsent.revoke {\"grant_id\":\"@G2@\",\"now\":@NOW@}\n"
    "@CHECK@ @ASK@", "!consent_missing", "ok" },
  { "consent-random-ids", C | P, "@GRANTS@", "ok:\"grant_id\":\"@G1@\"", "ok" },
  { "consent-grant-scopes-first", C | P,
    "consent.grant {\"kind\":\"personal\",\"ssn\":\"110105194912310021\",\"channel_id\":"
    "\"CH100001\",\"department_id\":\"\",\"scopes\":\"photo\",\"not_before\":1590969500,"
    "\"expires_at\":1591056000}", "!invalid_id", "!malformed" },
  { "consent-lax-grant", C,
    "consent.grant {\"kind\":\"personal\",\"ssn\":\"" SSN1 "\",\"channel_id\":\"CH100001\","
    "\"department_id\":\"\",\"scopes\":\"identity\",\"not_before\":1591056000,"
    "\"expires_at\":1590969500}", "!malformed", "ok" },
  { "consent-registry", P, "@GRANTS@", "ok", "!not_found" },
  { "pay-new-key-on-retry", C, "payment.prepare @PREPARE@\npayment.prepare @PREPARE@", "ok",
    "ok" },
  { "pay-prepare-no-level-check", C,
    "payment.prepare {\"order_ref\":\"o-1\",\"ecard_id\":\"@E1@\",\"city\":110100,"
    "\"payee\":\"SHOP-1\",\"amount_fen\":100,\"currency\":\"CNY\",\"level\":1,"
    "\"pin_verified\":true}", "!level_required", "ok" },
  { "pay-prepare-no-pin-check", C,
    "payment.prepare {\"order_ref\":\"o-1\",\"ecard_id\":\"@E2@\",\"city\":110100,"
    "\"payee\":\"SHOP-1\",\"amount_fen\":100,\"currency\":\"CNY\",\"level\":2,"
    "\"pin_verified\":false}", "!pin_required", "ok" },
  { "pay-no-idempotency", P, "payment.submit @PAY@\npayment.submit @PAY@",
    "ok:\"duplicate\":true", "ok:\"duplicate\":false" },
  { "pay-ignore-conflict", P,
    "payment.submit @PAY@\n"
    "payment.submit {\"channel_id\":\"CH100001\",\"idempotency_key\":\"k1\",\"ecard_id\":"
    "\"@E2@\",\"city\":110100,\"payee\":\"SHOP-1\",\"amount_fen\":200,\"currency\":\"CNY\","
    "\"pin_verified\":true,\"now\":@NOW@}", "!conflict", "ok:\"duplicate\":true" },
  { "pay-skip-status", P, LOSE "\npayment.submit @PAY@", "!card_unusable", "ok" },
  { "pay-no-level-check", P,
    "payment.submit {\"channel_id\":\"CH100001\",\"idempotency_key\":\"k1\",\"ecard_id\":"
    "\"@E1@\",\"city\":440500,\"payee\":\"SHOP-1\",\"amount_fen\":100,\"currency\":\"CNY\","
    "\"pin_verified\":true,\"now\":@NOW@}", "!level_required", "ok" },
  { "pay-no-pin-check", P,
    "payment.submit {\"channel_id\":\"CH100001\",\"idempotency_key\":\"k1\",\"ecard_id\":"
    "\"@E2@\",\"city\":110100,\"payee\":\"SHOP-1\",\"amount_fen\":100,\"currency\":\"CNY\","
    "\"pin_verified\":false,\"now\":@NOW@}", "!pin_required", "ok" },
  { "pay-route-off-by-one", P,
    "payment.submit {\"channel_id\":\"CH100001\",\"idempotency_key\":\"k1\",\"ecard_id\":"
    "\"@E2@\",\"city\":110100,\"payee\":\"SHOP-1\",\"amount_fen\":100,\"currency\":\"CNY\","
    "\"pin_verified\":true,\"now\":1593561600}", "ok:\"route\":\"unified\"",
    "ok:\"route\":\"local\"" },
  { "pay-route-by-settle-time", P,
    "payment.submit @PAY@\npayment.settle {\"order_id\":\"@ORDER1@\",\"now\":1593561700}\n"
    "ledger.reconcile {}", "ok:\"local_fen\":100,\"unified_fen\":0",
    "ok:\"local_fen\":0,\"unified_fen\":100" },
  { "pay-switch-moves-orders", P,
    "payment.submit @PAY@\nsettlement.set_switch {\"city\":110100,\"switch_at\":1590969000}",
    "!invalid_state", "ok" },
  { "pay-settle-time-first", P,
    "payment.submit @PAY@\npayment.settle {\"order_id\":\"@ORDER1@\",\"now\":@NOW@}\n"
    "payment.settle {\"order_id\":\"@ORDER1@\",\"now\":1590969000}", "ok:\"duplicate\":true",
    "!invalid_state" },
  { "pay-registry", P, "payment.submit @PAY@", "ok:\"duplicate\":false", "!not_found" },
  { "pay-reconcile-ignores-option", P,
    "payment.submit @PAY@\nledger.reconcile {\"allow_accepted\":false}", "!invalid_state",
    "ok" },
  { "pay-prepare-lax-fields", C,
    "payment.prepare {\"order_ref\":\"o 1\",\"ecard_id\":\"@E2@\",\"city\":110100,"
    "\"payee\":\"SHOP-1\",\"amount_fen\":100,\"currency\":\"CNY\",\"level\":2,"
    "\"pin_verified\":true}", "!malformed", "ok" },
  { "pay-settle-twice", P,
    "payment.submit @PAY@\npayment.settle {\"order_id\":\"@ORDER1@\",\"now\":@NOW@}\n"
    "payment.settle {\"order_id\":\"@ORDER1@\",\"now\":@NOW@}", "ok:\"duplicate\":true",
    "ok:\"duplicate\":false" },
  { "audit-seq-from-one", P, "audit.entries {\"from\":0,\"count\":1}", "ok:\"seq\":0",
    "ok:\"seq\":1" },
  { "audit-bad-hash", P, ENTRIES, "ok", "ok" },
  { "audit-break-chain", P, ENTRIES, "ok", "ok" },
  { "audit-wrong-head", P, "audit.head {}", "ok:\"count\":4", "ok:\"count\":4" },
  /* AUDIT-11..AUDIT-13: the prelude leaves four entries at @NOW@. */
  { "audit-none", P, "audit.head {}", "ok:\"count\":4", "ok:\"count\":0" },
  { "audit-no-refusals", P, PIN ("set", "260419") "\n" PIN ("verify", "111111") "\naudit.head {}",
    "ok:\"count\":6", "ok:\"count\":5" },
  { "audit-logs-reads", P, "ecard.status {\"ecard_id\":\"@E2@\"}\naudit.head {}",
    "ok:\"count\":4", "ok:\"count\":5" },
  { "audit-wrong-action", P, "audit.entries {\"from\":0,\"count\":1}",
    "ok:\"action\":\"card.register\"", "ok:\"action\":\"card_register\"" },
  { "audit-refuse-backwards", P, "card.transition {\"card_no\":\"A00000001\",\"to\":\"lost\","
    "\"now\":1}", "ok:\"status\":\"lost\"", "!invalid_state" },
  { "audit-time-last-now", P,
    "id.validate {\"ssn\":\"" SSN2 "\",\"now\":1600000000}\n"
    "settlement.set_switch {\"city\":440500,\"switch_at\":1690000000}\n"
    "audit.entries {\"from\":4,\"count\":1}", "ok:\"time\":@NOW@", "ok:\"time\":1600000000" },
};

static void
test_catalogue (void)
{
  gsize n;
  const ConfFault *faults = conf_fault_catalogue (&n);
  g_assert_cmpuint (n, >=, 40);
  for (gsize i = 0; i < n; i++)
    {
      g_assert_true (conf_fault_lookup (faults[i].name) == &faults[i]);
      g_assert_cmpuint (faults[i].roles, !=, 0);
      g_assert_cmpuint (faults[i].roles & ~7u, ==, 0);
      g_assert_true (g_regex_match_simple ("^[A-Z]+-[0-9]+(,[A-Z]+-[0-9]+)*$",
                                           faults[i].requirements, 0, 0));
      g_assert_true (g_regex_match_simple ("^[a-z0-9]+(-[a-z0-9]+)+$", faults[i].name, 0, 0));
      /* Every fault, for every role it names, has a probe (run below). */
      for (guint r = 0; r < CONF_N_ROLES; r++)
        {
          gboolean probed = FALSE;
          if (!conf_fault_applies (&faults[i], (ConfRole) r))
            continue;
          for (gsize k = 0; k < G_N_ELEMENTS (probes); k++)
            probed = probed || (strcmp (probes[k].fault, faults[i].name) == 0
                                && (probes[k].roles & CONF_ROLE_BIT (r)));
          if (!probed)
            g_error ("fault %s has no probe for role %s", faults[i].name,
                     conf_role_name ((ConfRole) r));
        }
    }
  for (gsize k = 0; k < G_N_ELEMENTS (probes); k++)
    {
      const ConfFault *f = conf_fault_lookup (probes[k].fault);
      g_assert_nonnull (f);
      g_assert_cmpuint (probes[k].roles & ~f->roles, ==, 0);
    }
}

static void
test_faults_differ (void)
{
  for (gsize k = 0; k < G_N_ELEMENTS (probes); k++)
    for (guint r = 0; r < CONF_N_ROLES; r++)
      {
        if (!(probes[k].roles & CONF_ROLE_BIT (r)))
          continue;
        g_autoptr (GString) script = g_string_new (probes[k].script);
        g_string_replace (script, "@CHECK@", r == CONF_ROLE_CHANNEL ? "data.request"
                                                                     : "consent.check", 0);
        g_test_message ("fault %s, role %s", probes[k].fault, conf_role_name ((ConfRole) r));
        g_autoptr (GPtrArray) clean = fx_impl_run_script ((ConfRole) r, NULL, script->str);
        g_autoptr (GPtrArray) faulty = fx_impl_run_script ((ConfRole) r, probes[k].fault,
                                                           script->str);
        if (!fx_impl_matches (fx_impl_last (clean), probes[k].clean))
          g_error ("%s/%s: clean: expected %s, got %s", probes[k].fault,
                   conf_role_name ((ConfRole) r), probes[k].clean, fx_impl_last (clean));
        if (!fx_impl_matches (fx_impl_last (faulty), probes[k].faulty))
          g_error ("%s/%s: faulty: expected %s, got %s", probes[k].fault,
                   conf_role_name ((ConfRole) r), probes[k].faulty, fx_impl_last (faulty));
        g_assert_cmpstr (fx_impl_last (clean), !=, fx_impl_last (faulty));
      }
}

/* The audit faults make a trail that model/std/ refuses (AUDIT-1, -3, -4). */
static void
test_audit_faults_break_chain (void)
{
  static const struct { const char *fault; ModelStdCode code; guint64 at; } cases[] = {
    { NULL, MODEL_STD_OK, 0 },
    { "audit-seq-from-one", MODEL_STD_MALFORMED, 0 },
    { "audit-bad-hash", MODEL_STD_BAD_SIGNATURE, 0 },
    { "audit-break-chain", MODEL_STD_BAD_SIGNATURE, 1 },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GPtrArray) r = fx_impl_run_script (CONF_ROLE_PLATFORM, cases[i].fault, ENTRIES);
      g_autoptr (JsonObject) res = fx_impl_result_of (fx_impl_last (r));
      JsonArray *entries = json_object_get_array_member (res, "entries");
      g_autoptr (ModelAuditLog) log = model_audit_log_new ();
      g_assert_cmpuint (json_array_get_length (entries), ==, 4);
      for (guint k = 0; k < json_array_get_length (entries); k++)
        {
          JsonObject *o = json_array_get_object_element (entries, k);
          ModelAuditEntry e = { 0 };
          g_autoptr (GBytes) payload = conf_json_get_hex (o, "payload", NULL);
          e.seq = (guint64) json_object_get_int_member (o, "seq");
          e.time = json_object_get_int_member (o, "time");
          e.actor = (char *) json_object_get_string_member (o, "actor");
          e.action = (char *) json_object_get_string_member (o, "action");
          e.payload = (guint8 *) g_bytes_get_data (payload, &e.payload_len);
          g_assert_true (conf_json_get_hex_fixed (o, "prev_hash", e.prev_hash, 32, NULL));
          g_assert_true (conf_json_get_hex_fixed (o, "hash", e.hash, 32, NULL));
          g_assert_true (model_audit_log_restore (log, &e, NULL));
        }
      g_autoptr (GError) error = NULL;
      guint64 at = 99;
      gboolean ok = model_audit_log_verify (log, NULL, MODEL_AUDIT_VERIFY_DEFAULT, &at, &error);
      if (cases[i].code == MODEL_STD_OK)
        {
          g_assert_no_error (error);
          g_assert_true (ok);
          continue;
        }
      g_assert_false (ok);
      g_assert_cmpint (error->code, ==, cases[i].code);
      g_assert_cmpuint (at, ==, cases[i].at);
    }
}

int
main (int argc, char **argv)
{
  essc_test_init (&argc, &argv);
  fx_impl_init ();
  g_test_add_func ("/conf-impl/faults/catalogue", test_catalogue);
  g_test_add_func ("/conf-impl/faults/differ", test_faults_differ);
  g_test_add_func ("/conf-impl/faults/audit-chain", test_audit_faults_break_chain);
  return g_test_run ();
}
