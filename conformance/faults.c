/* SPDX-License-Identifier: MIT */
/*
 * The fault catalogue (see faults.h): one row per deliberate defect of the
 * reference implementations, with the roles it applies to, the ESSC-STD
 * requirements it breaks and a one-line description.  The rows are grouped
 * by the section of the standard; the order is the order --list-faults
 * prints and never matters to a handler.  Every row is exercised by
 * tests/conformance/test_impl.c, which checks that the faulty implementation
 * answers some request differently from the clean one.
 */
#include "conformance/faults.h"

#include <string.h>

#define V CONF_ROLE_BIT (CONF_ROLE_VERIFIER)
#define C CONF_ROLE_BIT (CONF_ROLE_CHANNEL)
#define P CONF_ROLE_BIT (CONF_ROLE_PLATFORM)

static const char *const role_names[CONF_N_ROLES] = { "verifier", "channel", "platform" };

static const ConfFault catalogue[] = {
  /* every operation */
  { "accept-everything", V | C | P, "ERR-1",
    "every operation answers ok with a plausible result, whatever the request" },
  { "reject-everything", V | C | P, "ERR-1",
    "every operation but hello, reset and bye answers an error (internal)" },
  { "json-lax-types", V | C | P, "ERR-3",
    "an integer member given as a string of digits, a boolean as \"true\"/\"false\", is taken" },

  /* section 1: identifiers */
  { "id-accept-lowercase-x", V | P, "ID-1", "takes a lower-case check character x for X" },
  { "id-no-check-char", V | P, "ID-2", "does not check the MOD 11-2 check character" },
  { "id-no-future-check", V | P, "ID-3", "accepts a birth date after the validation day" },
  { "id-accept-unknown-province", V | P, "ID-4",
    "accepts a province code outside GB/T 2260" },
  { "id-refuse-retired-region", V | P, "ID-5",
    "refuses an ID whose region code is not in the current list (invalid_id)" },
  { "id-region-county-only", V | P, "ID-7",
    "region_known from a county list alone: false for province and prefecture codes" },
  { "id-region-gbt2260", V | P, "ID-7",
    "region_known from GB/T 2260's own list: true for 710000, 810000 and 820000" },

  /* section 4: credentials */
  { "cred-accept-trailing-bytes", V | C | P, "CRED-4",
    "credential.verify ignores bytes after the signature" },
  { "cred-skip-signature", V | C | P, "CRED-5,CRYPTO-1",
    "credential.verify accepts a credential whose platform signature fails" },
  { "cred-accept-unknown-key", V | C | P, "CRED-5,CRED-8",
    "credential.verify accepts a signer key id outside the trust list" },
  { "cred-accept-expired", V | C | P, "CRED-6",
    "credential.verify accepts a credential past expires_at" },
  { "cred-accept-not-yet-valid", V | C | P, "CRED-6",
    "credential.verify accepts a credential before issued_at" },
  { "cred-cached-status", V | P, "CRED-7",
    "credential.verify reuses the first status answer for an e-card" },
  { "cred-wrong-encoding", P, "CRED-1",
    "credential.issue writes the city little-endian (and signs those bytes)" },
  { "cred-issue-revoked", P, "CRED-10",
    "credential.issue signs a credential for a revoked e-card" },
  { "cred-backdate-too-far", P, "CRED-12",
    "credential.issue dates issued_at 301 s before now (the most is 300)" },
  { "cred-expiry-from-issued", P, "CRED-12",
    "credential.issue backdates by 300 s and counts the lifetime from issued_at, not now" },
  { "cred-status-passthrough", V, "CRED-7",
    "credential.verify reports a status feed answer other than ok, card_unusable and "
    "not_found as it is instead of card_unusable" },
  { "status-set-three-only", V, "CRED-7",
    "status.set refuses a feed answer other than ok, card_unusable and not_found "
    "(malformed)" },

  /* section 5: QR tokens */
  { "qr-lax-text", V | P, "QR-2", "qr.verify strips blanks around the token text" },
  { "qr-skip-status", V | P, "QR-4,CARD-8",
    "qr.verify does not consult the status feed (a lost card's token passes)" },
  { "qr-skip-device-signature", V | P, "QR-3",
    "qr.verify does not check the device signature" },
  { "qr-age-off-by-one", V | P, "QR-5", "qr.verify accepts a token 61 s old" },
  { "qr-accept-future", V | P, "QR-5",
    "qr.verify accepts a token issued more than 5 s in the future" },
  { "qr-no-replay-cache", V | P, "QR-6",
    "qr.verify uses a fresh replay cache for every token (replays pass)" },
  { "qr-consume-on-refusal", V | P, "QR-7,QR-11",
    "qr.verify uses up a payment token refused for want of a PIN" },
  { "qr-wrong-purpose", V | P, "QR-9", "qr.verify accepts a token of the other purpose" },
  { "qr-level1-payment", V | P, "QR-10",
    "qr.verify accepts a payment token of a level-1 e-card" },
  { "qr-credential-issued-at", V | P, "QR-12",
    "qr.verify reports the credential's issued_at as the token's" },
  { "qr-payment-without-pin", V | P, "QR-11",
    "qr.verify accepts a payment token without a verified PIN" },

  /* section 2: cards and issuance */
  { "card-lowercase-number", P, "CARD-1",
    "card.register takes a card number with a lower-case letter" },
  { "card-second-live-card", P, "CARD-5",
    "card.register answers ok for a taken card number or a second live card of an SSN" },
  { "card-allow-any-transition", P, "CARD-6",
    "card.transition answers ok for a transition table 2.2 refuses" },
  { "card-lost-keeps-ecard", P, "CARD-7,CARD-8",
    "the e-card of a card reported lost stays usable" },
  { "card-replaced-keeps-ecard", P, "CARD-9,CARD-8",
    "the e-card of a replaced card stays usable" },
  { "iss-no-liveness", P, "ISS-2", "ecard.issue does not need liveness_passed" },
  { "iss-no-bank-phone", P, "ISS-3", "level-2 ecard.issue does not need bank_phone_verified" },
  { "iss-second-ecard", P, "ISS-4",
    "ecard.issue for a card with an active e-card revokes it and issues another" },
  { "iss-any-level", P, "ISS-5", "ecard.issue takes a level above 2 as level 2" },
  { "iss-random-ids", P, "ISS-8,ISS-9",
    "e-card ids are random, not derived from reset.seed (test mode)" },
  { "card-lookup-before-form", P, "CARD-14,ISS-10",
    "card.transition, card.replace and ecard.issue look an ill-formed card number up "
    "(not_found) before judging its form" },

  /* section 3: PIN */
  { "pin-accept-long", P, "PIN-1", "pin.verify uses the first 6 bytes of a longer candidate" },
  { "pin-accept-weak", P, "PIN-2", "pin.set takes a weak PIN" },
  { "pin-logged", P, "PIN-4", "the audit trail records the clear PIN" },
  { "pin-no-lockout", P, "PIN-6", "five wrong PINs do not lock the PIN" },
  { "pin-change-without-old", P, "PIN-8", "pin.change does not need the right old PIN" },
  { "pin-malformed-counts", P, "PIN-9", "a malformed PIN candidate counts as a failure" },
  { "pin-lookup-before-ssn", P, "PIN-13",
    "pin.verify and pin.change answer not_found for an SSN without a PIN before judging "
    "the SSN" },

  /* section 6: channels */
  { "chan-sign-wrong-bytes", C, "CHAN-9,CHAN-10",
    "request.sign signs bytes other than those of table 6.3" },
  { "chan-countersign-wrong-bytes", C, "CHAN-10",
    "request.relay countersigns the signed bytes without the child's signature" },
  { "chan-relay-skip-signature", C, "CHAN-10",
    "request.relay countersigns a child request whose signature fails" },
  { "chan-relay-any-child", C, "CHAN-7",
    "request.relay relays a request of a channel that is not its child" },
  { "chan-ignore-status", C | P, "CHAN-6",
    "requests of a channel that is not live are served" },
  { "chan-skip-body-hash", C | P, "CHAN-11", "the request body hash is not checked" },
  { "chan-no-clock-window", C | P, "CHAN-12",
    "a request timestamp outside the 300 s window is accepted" },
  { "chan-no-replay", C | P, "CHAN-13", "a request nonce seen before is accepted again" },
  { "chan-allow-any-transition", P, "CHAN-5",
    "channel.set_status answers ok for a change table 6.2 refuses" },
  { "chan-accept-unrelayed", P, "CHAN-7",
    "channel.verify accepts a tier-2 request not relayed by its parent" },
  { "chan-risk-no-action", P, "CHAN-19,CHAN-20",
    "risk thresholds do not move a live channel to rectification or suspension" },
  { "chan-rectify-before-suspend", P, "CHAN-20",
    "CHAN-19 is applied before CHAN-20: a live channel reaching the suspension threshold in "
    "one event is moved to rectification" },
  { "risk-bogus-score", P, "CHAN-29",
    "channel.risk and channel.get report the score in millionths (an integer), not as the "
    "number of CHAN-29" },

  /* section 7: consent */
  { "consent-two-of-three", C | P, "CONSENT-5",
    "data access is granted with two of the three authorisations" },
  { "consent-ignore-expiry", C | P, "CONSENT-4",
    "an expired authorisation still counts as in force" },
  { "consent-pooled-scopes", C | P, "CONSENT-6",
    "scopes are pooled across authorisations of the same kind" },
  { "consent-ignore-revocation", C | P, "CONSENT-10",
    "consent.revoke answers ok but the authorisation stays in force" },
  { "consent-random-ids", C | P, "CONSENT-12",
    "grant ids are random, not derived from reset.seed (test mode)" },
  { "consent-grant-scopes-first", C | P, "CONSENT-14",
    "consent.grant checks the scope set before the SSN (malformed before invalid_id)" },
  { "consent-lax-grant", C, "CONSENT-3",
    "the channel's consent.grant records an authorisation that breaks the record's rules" },
  { "consent-registry", P, "CONSENT-15",
    "the consent operations refuse a channel id the registry lacks (not_found)" },

  /* section 8: payments */
  { "pay-new-key-on-retry", C, "PAY-6",
    "payment.prepare gives a retry of the same order_ref a new idempotency key" },
  { "pay-prepare-no-level-check", C, "PAY-8",
    "payment.prepare does not refuse a level-1 e-card" },
  { "pay-prepare-no-pin-check", C, "PAY-9",
    "payment.prepare does not refuse an unverified PIN" },
  { "pay-no-idempotency", P, "PAY-6",
    "a repeated payment.submit creates a second order" },
  { "pay-ignore-conflict", P, "PAY-6",
    "a repeat with the same key and other content returns the first order as a duplicate" },
  { "pay-skip-status", P, "PAY-7", "payment.submit does not consult the status feed" },
  { "pay-no-level-check", P, "PAY-8", "payment.submit does not refuse a level-1 e-card" },
  { "pay-no-pin-check", P, "PAY-9", "payment.submit does not refuse an unverified PIN" },
  { "pay-route-off-by-one", P, "PAY-2",
    "an order created at the switch second itself is reported on the local route" },
  { "pay-route-by-settle-time", P, "PAY-3",
    "ledger.reconcile counts an order on the route of its settlement time" },
  { "pay-switch-moves-orders", P, "PAY-3",
    "settlement.set_switch answers ok for a change that would move existing orders" },
  { "pay-settle-twice", P, "PAY-12",
    "settling a settled order answers as a first settlement (duplicate false)" },
  { "pay-settle-time-first", P, "PAY-17",
    "payment.settle checks the time before the state: a settled order re-settled early is "
    "invalid_state, not duplicate" },
  { "pay-registry", P, "PAY-18",
    "payment.submit refuses a channel id the registry lacks (not_found)" },
  { "pay-reconcile-ignores-option", P, "PAY-15",
    "ledger.reconcile allows accepted orders even when allow_accepted is false" },
  { "pay-prepare-lax-fields", C, "PAY-5",
    "payment.prepare does not check order_ref, payee, city and amount" },

  /* section 9: audit trail */
  { "audit-seq-from-one", P, "AUDIT-1", "audit entries are numbered from 1" },
  { "audit-bad-hash", P, "AUDIT-3",
    "entry hashes are computed with the time little-endian" },
  { "audit-break-chain", P, "AUDIT-4", "every entry's prev_hash is 32 zero bytes" },
  { "audit-wrong-head", P, "AUDIT-7", "audit.head names the hash of the entry before the last" },
  { "audit-none", P, "AUDIT-11", "the platform writes no audit entries at all" },
  { "audit-no-refusals", P, "AUDIT-11",
    "no entry for the refusals of table 9.4 that change state (a wrong PIN, a locked PIN, "
    "a channel request adding a risk event)" },
  { "audit-logs-reads", P, "AUDIT-11",
    "read-only operations (credential.verify, ecard.status, consent.check, ...) write "
    "entries too" },
  { "audit-wrong-action", P, "AUDIT-12",
    "entries name the action with '_' for '.' (card_register)" },
  { "audit-refuse-backwards", P, "AUDIT-13",
    "an operation whose now is before the last entry's time is refused (invalid_state) "
    "instead of entered at that time" },
  { "audit-time-last-now", P, "AUDIT-13",
    "settlement.set_switch is entered at the last now of any request, not the previous "
    "entry's time" },
};

const char *
conf_role_name (ConfRole role)
{
  return (guint) role < CONF_N_ROLES ? role_names[role] : "unknown";
}

gboolean
conf_role_from_name (const char *name, ConfRole *out)
{
  g_return_val_if_fail (out != NULL, FALSE);
  for (guint i = 0; name != NULL && i < CONF_N_ROLES; i++)
    if (strcmp (name, role_names[i]) == 0)
      {
        *out = (ConfRole) i;
        return TRUE;
      }
  return FALSE;
}

const ConfFault *
conf_fault_catalogue (gsize *n)
{
  g_return_val_if_fail (n != NULL, NULL);
  *n = G_N_ELEMENTS (catalogue);
  return catalogue;
}

const ConfFault *
conf_fault_lookup (const char *name)
{
  for (gsize i = 0; name != NULL && i < G_N_ELEMENTS (catalogue); i++)
    if (strcmp (name, catalogue[i].name) == 0)
      return &catalogue[i];
  return NULL;
}

gboolean
conf_fault_applies (const ConfFault *fault, ConfRole role)
{
  g_return_val_if_fail (fault != NULL, FALSE);
  return (guint) role < CONF_N_ROLES && (fault->roles & CONF_ROLE_BIT (role)) != 0;
}

gboolean
conf_fault_is (const ConfFault *active, const char *name)
{
  g_return_val_if_fail (conf_fault_lookup (name) != NULL, FALSE);
  return active != NULL && strcmp (active->name, name) == 0;
}
