/* SPDX-License-Identifier: MIT */
/*
 * Vectors of ESSC-STD section 5 (qr.json): dynamic QR tokens, verified by a
 * verifier (its status table fed with status.set) and by the platform
 * (against its own registry).  Valid identity and payment tokens; single
 * use, also across e-cards sharing a nonce; a forged token that must not
 * use up the real one's nonce; the 60 s age and 5 s skew edges, the 64-bit
 * extremes of issued_at and the cache horizon; purpose, level and PIN; the
 * embedded credential's checks; a card reported lost mid-flow; a device
 * signature by the wrong key; 64 bit flips (each followed by the genuine
 * token, still accepted); and hostile texts (lower case, blanks, lengths,
 * Base45 values out of range).  The platform meets each step of QR-12 too:
 * lax texts, forged device signatures, the age and skew edges, PIN, purpose
 * and a level-1 e-card of its own.  Tokens are made with model_qr_issue or,
 * for what a device refuses to make, byte by byte; every expectation is
 * cross-checked with model_qr_verify.
 */
#include "conformance/vec_private.h"

#include "model/std/common.h"
#include "model/std/issuer.h"

#include <string.h>

#define T0 CONF_VECTORS_CLOCK
#define YEAR ((gint64) 365 * 86400)
#define ISSUED (T0 - 86400)

typedef struct {
  ConfVec *v;
  ConfVecWorld *w;
  guint8 id1[16], id2[16], id3[16];
  GBytes *cred1, *cred2, *cred3, *cred_old, *cred_foreign;
  gboolean platform;
} Fx;

static void
fx_clear (Fx *fx)
{
  g_clear_pointer (&fx->w, conf_vec_world_free);
  g_clear_pointer (&fx->cred1, g_bytes_unref);
  g_clear_pointer (&fx->cred2, g_bytes_unref);
  g_clear_pointer (&fx->cred3, g_bytes_unref);
  g_clear_pointer (&fx->cred_old, g_bytes_unref);
  g_clear_pointer (&fx->cred_foreign, g_bytes_unref);
}

static void
fx_verifier (Fx *fx, gboolean emit)
{
  fx_clear (fx);
  fx->w = conf_vec_world_new ();
  fx->platform = FALSE;
  conf_vec_mute (fx->v, !emit);
  conf_vec_world_issue (fx->v, fx->w, CONF_VEC_CARD1, CONF_VEC_SSN1, conf_vec_name1,
                        CONF_VEC_CITY1, 2, fx->w->device, ISSUED - 60, fx->id1);
  conf_vec_world_issue (fx->v, fx->w, CONF_VEC_CARD2, CONF_VEC_SSN2, conf_vec_name2,
                        CONF_VEC_CITY2, 1, fx->w->device2, ISSUED - 60, fx->id2);
  conf_vec_world_issue (fx->v, fx->w, CONF_VEC_CARD3, CONF_VEC_SSN3, conf_vec_name3,
                        CONF_VEC_CITY3, 2, fx->w->device, ISSUED - 60, fx->id3);
  fx->cred1 = conf_vec_world_credential (fx->v, fx->w, fx->id1, ISSUED, YEAR);
  fx->cred2 = conf_vec_world_credential (fx->v, fx->w, fx->id2, ISSUED, YEAR);
  fx->cred3 = conf_vec_world_credential (fx->v, fx->w, fx->id3, ISSUED, YEAR);
  fx->cred_old = conf_vec_world_credential (fx->v, fx->w, fx->id1, ISSUED - YEAR, YEAR);
  GError *error = NULL;
  fx->cred_foreign = model_issuer_sign_credential (fx->w->cards, fx->id1, fx->w->other, ISSUED,
                                                   YEAR, NULL, &error);
  conf_vec_agree (fx->v, "foreign credential", error, MODEL_STD_OK);
  conf_vec_reset_verifier (fx->v, fx->w);
  conf_vec_status_set (fx->v, fx->w, fx->id1, MODEL_STD_OK);
  conf_vec_status_set (fx->v, fx->w, fx->id2, MODEL_STD_OK);
  conf_vec_mute (fx->v, FALSE);
}

static void
fx_platform (Fx *fx, gboolean emit)
{
  fx_clear (fx);
  fx->w = conf_vec_world_new ();
  fx->platform = TRUE;
  conf_vec_mute (fx->v, !emit);
  conf_vec_reset_platform (fx->v, fx->w, NULL);
  conf_vec_card_register (fx->v, fx->w, CONF_VEC_CARD1, CONF_VEC_SSN1, conf_vec_name1,
                          CONF_VEC_CITY1, TRUE, T0, MODEL_STD_OK);
  conf_vec_card_issue (fx->v, fx->w, CONF_VEC_CARD1, 2, conf_vec_full_evidence,
                       model_device_key_public (fx->w->device), T0, MODEL_STD_OK, fx->id1);
  /* the credential credential.issue gives at T0 (deterministic bytes) */
  fx->cred1 = conf_vec_world_credential (fx->v, fx->w, fx->id1, T0, YEAR);
  conf_vec_mute (fx->v, FALSE);
}

/* A token built byte by byte (for what a device refuses to make). */
static char *
raw_token (const ModelDeviceKey *signer, GBytes *cred, int purpose, const char *nonce_label,
           gint64 issued_at)
{
  gsize clen = 0;
  const guint8 *c = g_bytes_get_data (cred, &clen);
  g_autoptr (GByteArray) b = g_byte_array_new ();
  guint8 nonce[16], hdr[32] = { 'E', 'S', 'Q', '1', 1, (guint8) purpose };
  g_autofree char *label = g_strdup_printf ("qr nonce %s", nonce_label);
  conf_vec_derive (label, nonce, 16);
  memcpy (hdr + 6, nonce, 16);
  base_be64_put (hdr + 22, (guint64) issued_at);
  hdr[30] = (guint8) (clen >> 8);
  hdr[31] = (guint8) clen;
  g_byte_array_append (b, hdr, 32);
  g_byte_array_append (b, c, (guint) clen);
  guint8 sig[64];
  model_key_pair_sign (signer, b->data, b->len, sig);
  g_byte_array_append (b, sig, 64);
  return model_qr_text_from_bytes (b->data, b->len);
}

static void
verify (Fx *fx, const char *token, const char *purpose, gboolean pin, gint64 now,
        ModelStdCode want)
{
  GError *error = NULL;
  ModelQrToken out;
  ModelQrVerifier ver = { fx->w->trust, fx->platform ? model_card_status_fn : conf_vec_world_status,
                          fx->platform ? (gpointer) fx->w->cards : (gpointer) fx->w,
                          fx->w->cache };
  ModelQrPurpose p = strcmp (purpose, "payment") == 0 ? MODEL_QR_PAYMENT : MODEL_QR_IDENTITY;
  gboolean ok = model_qr_verify (&ver, token, p, pin, now, &out, &error);
  conf_vec_agree (fx->v, "qr.verify", error, want);
  JsonNode *expect;
  if (ok)
    {
      const ModelCredential *c = &out.credential;
      expect = conf_vec_ok (conf_jo (
          "purpose", conf_js (out.purpose == MODEL_QR_PAYMENT ? "payment" : "identity"),
          "nonce", conf_jh (out.nonce, 16), "level", conf_ji (c->level),
          "ecard_id", conf_jh (c->ecard_id, 16), "ssn", conf_js (c->ssn),
          "name", conf_js (c->name), "card_no", conf_js (c->card_no), "city", conf_ji (c->city),
          "device_pk", conf_jh (c->device_pk, 32), "expires_at", conf_ji (c->expires_at),
          "signer_key_id", conf_jh (c->signer_key_id, MODEL_KEY_ID_LEN),
          "issued_at", conf_ji (out.issued_at),
          "credential_issued_at", conf_ji (c->issued_at), NULL));
    }
  else
    expect = conf_vec_err (want);
  conf_vec_step (fx->v, "qr.verify",
                 conf_jo ("token", conf_js (token), "purpose", conf_js (purpose),
                          "pin_verified", conf_jb (pin), "now", conf_ji (now), NULL),
                 expect, NULL);
}

static char *
tok (Fx *fx, GBytes *cred, const ModelDeviceKey *dev, ModelQrPurpose p, const char *nonce,
     gint64 at)
{
  return conf_vec_world_token (fx->v, dev, cred, p, nonce, at);
}

#define TEST(name, reqs, comment, flags, result) \
  do { fx_verifier (fx, FALSE); conf_vec_test (v, name, reqs, comment, flags, result); } while (0)

static void
basic_tests (Fx *fx)
{
  ConfVec *v = fx->v;
  TEST ("verifier/identity-valid", "QR-1 QR-2 QR-3 QR-4 QR-12 CRED-5 CARD-8", "a fresh identity "
        "token of a level-2 e-card", NULL, "valid");
  g_autofree char *t1 = tok (fx, fx->cred1, fx->w->device, MODEL_QR_IDENTITY, "a", T0);
  verify (fx, t1, "identity", FALSE, T0, MODEL_STD_OK);
  TEST ("verifier/result-issued-at", "QR-12", "the result's issued_at is the token's "
        "(T0+30), credential_issued_at the credential's (T0-86400): two values, never one for "
        "the other", NULL, "valid");
  g_autofree char *t30 = tok (fx, fx->cred1, fx->w->device, MODEL_QR_IDENTITY, "t30", T0 + 30);
  verify (fx, t30, "identity", FALSE, T0 + 40, MODEL_STD_OK);
  TEST ("verifier/payment-valid", "QR-11 QR-10 QR-12", "a payment token with the PIN verified",
        NULL, "valid");
  g_autofree char *tp = tok (fx, fx->cred1, fx->w->device, MODEL_QR_PAYMENT, "p", T0);
  verify (fx, tp, "payment", TRUE, T0, MODEL_STD_OK);
  TEST ("verifier/payment-pin-later", "QR-11 QR-7", "refused without the PIN, not used up: "
        "accepted with it within the minute", "Pin", "valid");
  verify (fx, tp, "payment", FALSE, T0, MODEL_STD_PIN_REQUIRED);
  verify (fx, tp, "payment", TRUE, T0 + 20, MODEL_STD_OK);
  TEST ("verifier/identity-no-pin-needed", "QR-11", "an identity token needs no PIN", NULL,
        "valid");
  verify (fx, t1, "identity", FALSE, T0, MODEL_STD_OK);
  TEST ("verifier/replay-refused", "QR-6 QR-12", "the same token presented twice", "Replay",
        "invalid");
  verify (fx, t1, "identity", FALSE, T0, MODEL_STD_OK);
  verify (fx, t1, "identity", FALSE, T0 + 1, MODEL_STD_REPLAYED);
  TEST ("verifier/replay-payment-after-use", "QR-6", "a payment token used once, then again",
        "Replay", "invalid");
  verify (fx, tp, "payment", TRUE, T0, MODEL_STD_OK);
  verify (fx, tp, "payment", TRUE, T0 + 5, MODEL_STD_REPLAYED);
  TEST ("verifier/same-nonce-two-ecards", "QR-6", "tokens of two e-cards with the same nonce "
        "are different tokens", NULL, "valid");
  g_autofree char *t2 = tok (fx, fx->cred2, fx->w->device2, MODEL_QR_IDENTITY, "a", T0);
  verify (fx, t1, "identity", FALSE, T0, MODEL_STD_OK);
  verify (fx, t2, "identity", FALSE, T0, MODEL_STD_OK);
  TEST ("verifier/forged-does-not-burn-nonce", "QR-7 QR-3", "a token with the real nonce "
        "signed by another device is refused; the real token still passes", "Forged", "valid");
  g_autofree char *forged = raw_token (fx->w->device2, fx->cred1, 1, "a", T0);
  verify (fx, forged, "identity", FALSE, T0, MODEL_STD_BAD_SIGNATURE);
  verify (fx, t1, "identity", FALSE, T0, MODEL_STD_OK);
  TEST ("verifier/wrong-purpose-does-not-burn", "QR-9 QR-7", "an identity token presented for "
        "payment, then for identity", "Purpose", "valid");
  verify (fx, t1, "payment", TRUE, T0, MODEL_STD_INVALID_STATE);
  verify (fx, t1, "identity", FALSE, T0, MODEL_STD_OK);
  TEST ("verifier/payment-for-identity", "QR-9", "a payment token presented for identity",
        "Purpose", "invalid");
  verify (fx, tp, "identity", FALSE, T0, MODEL_STD_INVALID_STATE);
  TEST ("verifier/level1-payment", "QR-10 QR-12", "a payment token of a level-1 e-card (made "
        "byte by byte: a device refuses to)", "Level", "invalid");
  g_autofree char *tl = raw_token (fx->w->device2, fx->cred2, 2, "l", T0);
  verify (fx, tl, "payment", TRUE, T0, MODEL_STD_LEVEL_REQUIRED);
  TEST ("verifier/level1-payment-no-pin", "QR-12 QR-10", "level is checked before the PIN",
        "Level", "invalid");
  verify (fx, tl, "payment", FALSE, T0, MODEL_STD_LEVEL_REQUIRED);
  TEST ("verifier/wrong-device", "QR-3", "signed by a device key other than the credential's",
        "Forged", "invalid");
  verify (fx, forged, "identity", FALSE, T0, MODEL_STD_BAD_SIGNATURE);
}

static void
time_tests (Fx *fx)
{
  ConfVec *v = fx->v;
  static const struct {
    const char *name;
    gint64 issued, now;
    ModelStdCode want;
  } ages[] = {
    { "age-60s", T0 - 60, T0, MODEL_STD_OK },
    { "age-61s", T0 - 61, T0, MODEL_STD_EXPIRED },
    { "skew-5s", T0 + 5, T0, MODEL_STD_OK },
    { "skew-6s", T0 + 6, T0, MODEL_STD_NOT_YET_VALID },
    { "issued-int64-max", G_MAXINT64, T0, MODEL_STD_NOT_YET_VALID },
    { "issued-int64-min", G_MININT64, T0, MODEL_STD_EXPIRED },
    { "now-far-ahead", T0, T0 + 3600, MODEL_STD_EXPIRED },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (ages); i++)
    {
      g_autofree char *name = g_strdup_printf ("verifier/%s", ages[i].name);
      TEST (name, "QR-5 QR-12", "the token's age against the verifier's now: 60 s, 5 s of skew, "
            "no overflow", "Age", ages[i].want == MODEL_STD_OK ? "valid" : "invalid");
      g_autofree char *t = tok (fx, fx->cred1, fx->w->device, MODEL_QR_IDENTITY, ages[i].name,
                                ages[i].issued);
      verify (fx, t, "identity", FALSE, ages[i].now, ages[i].want);
    }
  TEST ("verifier/horizon", "QR-8", "after a token verified at T+100, an older one (issued T, "
        "presented with the clock back at T+30) is below the horizon", "Age", "invalid");
  g_autofree char *late = tok (fx, fx->cred1, fx->w->device, MODEL_QR_IDENTITY, "late", T0 + 100);
  g_autofree char *early = tok (fx, fx->cred1, fx->w->device, MODEL_QR_IDENTITY, "early", T0);
  verify (fx, late, "identity", FALSE, T0 + 100, MODEL_STD_OK);
  verify (fx, early, "identity", FALSE, T0 + 30, MODEL_STD_EXPIRED);
  TEST ("verifier/expired-before-purpose", "QR-12", "61 s old and of the wrong purpose: age is "
        "checked first", "Age", "invalid");
  g_autofree char *old = tok (fx, fx->cred1, fx->w->device, MODEL_QR_PAYMENT, "old", T0 - 61);
  verify (fx, old, "identity", FALSE, T0, MODEL_STD_EXPIRED);
  TEST ("verifier/replay-after-expiry", "QR-5 QR-6 QR-8", "a used token presented again once "
        "61 s old: expired", "Replay Age", "invalid");
  verify (fx, early, "identity", FALSE, T0, MODEL_STD_OK);
  verify (fx, early, "identity", FALSE, T0 + 61, MODEL_STD_EXPIRED);

  /* the embedded credential */
  TEST ("verifier/card-lost-mid-flow", "QR-4 CRED-7 CARD-8", "accepted, then the card is "
        "reported lost: the next token is refused", "StatusChange", "invalid");
  g_autofree char *ta = tok (fx, fx->cred1, fx->w->device, MODEL_QR_IDENTITY, "m1", T0);
  g_autofree char *tb = tok (fx, fx->cred1, fx->w->device, MODEL_QR_IDENTITY, "m2", T0 + 10);
  verify (fx, ta, "identity", FALSE, T0, MODEL_STD_OK);
  conf_vec_status_set (v, fx->w, fx->id1, MODEL_STD_CARD_UNUSABLE);
  verify (fx, tb, "identity", FALSE, T0 + 10, MODEL_STD_CARD_UNUSABLE);
  TEST ("verifier/ecard-unknown", "QR-4 CRED-7", "an e-card the status table does not hold",
        "StatusChange", "invalid");
  g_autofree char *t3 = tok (fx, fx->cred3, fx->w->device, MODEL_QR_IDENTITY, "u", T0);
  verify (fx, t3, "identity", FALSE, T0, MODEL_STD_NOT_FOUND);
  TEST ("verifier/credential-expired", "QR-4 CRED-6", "a fresh token whose credential expired",
        "Age", "invalid");
  g_autofree char *te = tok (fx, fx->cred_old, fx->w->device, MODEL_QR_IDENTITY, "e", T0);
  verify (fx, te, "identity", FALSE, T0, MODEL_STD_EXPIRED);
  TEST ("verifier/credential-untrusted", "QR-4 CRED-5", "a token whose credential is signed by "
        "an untrusted platform key", "UnknownKey", "invalid");
  g_autofree char *tf = tok (fx, fx->cred_foreign, fx->w->device, MODEL_QR_IDENTITY, "f", T0);
  verify (fx, tf, "identity", FALSE, T0, MODEL_STD_UNKNOWN_KEY);
}

/* ERR-3: the request's encoding is checked before QR-12 (1). */
static void
encoding_tests (Fx *fx, const char *role)
{
  ConfVec *v = fx->v;
  if (fx->platform)
    fx_platform (fx, FALSE);
  else
    fx_verifier (fx, FALSE);
  g_autofree char *t = tok (fx, fx->cred1, fx->w->device, MODEL_QR_IDENTITY, "enc", T0);
  g_autofree char *pref = g_strdup_printf ("%s/encoding-", role);
  /* the 64-bit extremes of now are integers: the credential's window decides */
  g_autofree char *n1 = g_strconcat (pref, "now-int64-max", NULL);
  conf_vec_test (v, n1, "ERR-3 QR-4 CRED-6", "now = 2^63-1 is an integer of the protocol: the "
                 "credential has expired", "Encoding", "invalid");
  if (fx->platform)
    fx_platform (fx, FALSE);
  else
    fx_verifier (fx, FALSE);
  verify (fx, t, "identity", FALSE, G_MAXINT64, MODEL_STD_EXPIRED);
  g_autofree char *n2 = g_strconcat (pref, "now-int64-min", NULL);
  conf_vec_test (v, n2, "ERR-3 QR-4 CRED-6", "now = -2^63 is an integer of the protocol: the "
                 "credential is not yet valid", "Encoding", "invalid");
  if (fx->platform)
    fx_platform (fx, FALSE);
  else
    fx_verifier (fx, FALSE);
  verify (fx, t, "identity", FALSE, G_MININT64, MODEL_STD_NOT_YET_VALID);

  static const struct {
    const char *name, *comment;
  } enc[] = {
    { "now-2^63", "now = 9223372036854775808 (2^63): outside 64 bits, never read as -2^63" },
    { "now-minus-2^63-1", "now = -9223372036854775809: outside 64 bits, never read as 2^63-1" },
    { "pin-verified-string", "pin_verified = \"false\": a string is no boolean" },
    { "pin-verified-number", "pin_verified = 0: a number is no boolean" },
    { "purpose-absent", "no purpose: a required member" },
    { "token-number", "the token as a number" },
    { "now-absent-valid-token", "a valid token without now: a required member, and the token "
      "is not used up (the genuine request then passes)" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (enc); i++)
    {
      g_autofree char *name = g_strconcat (pref, enc[i].name, NULL);
      if (fx->platform)
        fx_platform (fx, FALSE);
      else
        fx_verifier (fx, FALSE);
      gboolean then_valid = i == G_N_ELEMENTS (enc) - 1;
      conf_vec_test (v, name, then_valid ? "ERR-3 ERR-2 QR-7" : "ERR-3", enc[i].comment,
                     "Encoding", then_valid ? "valid" : "invalid");
      JsonNode *p = conf_jo ("token", conf_js (t), "purpose", conf_js ("identity"),
                             "pin_verified", conf_jb (FALSE), "now", conf_ji (T0), NULL);
      JsonObject *o = json_node_get_object (p);
      switch (i)
        {
        case 0:
          json_object_set_member (o, "now", conf_jbig ("9223372036854775808"));
          break;
        case 1:
          json_object_set_member (o, "now", conf_jbig ("-9223372036854775809"));
          break;
        case 2:
          json_object_set_string_member (o, "pin_verified", "false");
          break;
        case 3:
          json_object_set_int_member (o, "pin_verified", 0);
          break;
        case 4:
          json_object_remove_member (o, "purpose");
          break;
        case 5:
          json_object_set_int_member (o, "token", 1);
          break;
        default:
          json_object_remove_member (o, "now");
          break;
        }
      conf_vec_step (v, "qr.verify", p, conf_vec_err (MODEL_STD_MALFORMED), NULL);
      if (then_valid)
        verify (fx, t, "identity", FALSE, T0, MODEL_STD_OK);
    }
}

static void
hostile_tests (Fx *fx)
{
  ConfVec *v = fx->v;
  fx_verifier (fx, FALSE);
  g_autofree char *t1 = tok (fx, fx->cred1, fx->w->device, MODEL_QR_IDENTITY, "h", T0);
  g_autoptr (GBytes) raw = model_qr_text_to_bytes (t1, NULL);
  gsize len = 0;
  const guint8 *d = g_bytes_get_data (raw, &len);
  for (int k = 0; k < 64; k++)
    {
      gsize bit = (gsize) k * (len * 8) / 64 + (gsize) (k % 8);
      g_autofree guint8 *bad = g_memdup2 (d, len);
      bad[bit / 8] ^= (guint8) (0x80 >> (bit % 8));
      g_autofree char *text = model_qr_text_from_bytes (bad, len);
      g_autofree char *name = g_strdup_printf ("verifier/bit-flip-%04zu", bit);
      g_autofree char *comment = g_strdup_printf ("bit %zu (byte %zu) of a valid token flipped; "
                                                  "then the genuine token passes", bit, bit / 8);
      fx_verifier (fx, FALSE);
      GError *error = NULL;
      ModelQrVerifier ver = { fx->w->trust, conf_vec_world_status, fx->w, NULL };
      ver.cache = model_qr_replay_cache_new ();
      model_qr_verify (&ver, text, MODEL_QR_IDENTITY, FALSE, T0, NULL, &error);
      model_qr_replay_cache_free (ver.cache);
      ModelStdCode code = error ? (ModelStdCode) error->code : MODEL_STD_OK;
      g_clear_error (&error);
      if (code == MODEL_STD_OK || code == MODEL_STD_REPLAYED)
        conf_vec_fail (v, "bit %zu: model/std/ accepts a flipped token (%s)", bit,
                       model_std_code_name (code));
      conf_vec_test (v, name, "QR-1 QR-3 QR-4 QR-7 QR-12", comment, "BitFlip", "invalid");
      verify (fx, text, "identity", FALSE, T0, code);
      verify (fx, t1, "identity", FALSE, T0, MODEL_STD_OK);
    }

  g_autofree char *lower = g_ascii_strdown (t1, -1);
  g_autofree char *body = g_strdup (t1 + 6);
  g_autofree char *nl = g_strconcat (t1, "\n", NULL);
  g_autofree char *sp = g_strconcat (" ", t1, NULL);
  g_autofree char *lowprefix = g_strconcat ("essc1:", t1 + 6, NULL);
  g_autofree char *extra1 = g_strconcat (t1, "0", NULL);
  g_autofree char *extra3 = g_strconcat (t1, "000", NULL);
  g_autofree char *big = g_strdup_printf ("%.*s:::", (int) (strlen (t1) - 3), t1);
  g_autoptr (GString) huge = g_string_new ("ESSC1:");
  while (huge->len < 508)
    g_string_append_c (huge, '0');
  g_autofree char *badchar = g_strdup (t1);
  badchar[10] = '#';
  const struct {
    const char *name, *text, *comment;
  } texts[] = {
    { "lowercase", lower, "the whole text in lower case" },
    { "no-prefix", body, "Base45 without ESSC1:" },
    { "lowercase-prefix", lowprefix, "prefix essc1:" },
    { "trailing-newline", nl, "a newline after the text" },
    { "leading-blank", sp, "a blank before the text" },
    { "length-3k+1", extra1, "one character more: a length of 3k+1" },
    { "trailing-triple", extra3, "three more characters: a byte pair too many" },
    { "triple-over-65535", big, "a final triple worth 91124" },
    { "over-507", huge->str, "508 characters" },
    { "bad-character", badchar, "a # inside" },
    { "empty", "", "the empty string" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      g_autofree char *name = g_strdup_printf ("verifier/text-%s", texts[i].name);
      TEST (name, "QR-2 QR-1", texts[i].comment, "Malformed", "invalid");
      verify (fx, texts[i].text, "identity", FALSE, T0, MODEL_STD_MALFORMED);
    }
}

#define PTEST(name, reqs, comment, flags, result) \
  do { fx_platform (fx, FALSE); conf_vec_test (v, name, reqs, comment, flags, result); } while (0)

/*
 * Each step of QR-12 on the platform, whose credential (issued at T0) is
 * checked against its own registry.  The clock stands at T0 + 100 for the
 * age and skew edges so that the credential is valid a second either way.
 */
static void
platform_check_tests (Fx *fx)
{
  ConfVec *v = fx->v;
  const gint64 now = T0 + 100;
  fx_platform (fx, FALSE);
  g_autofree char *t = tok (fx, fx->cred1, fx->w->device, MODEL_QR_IDENTITY, "pc", T0);
  g_autofree char *tp = tok (fx, fx->cred1, fx->w->device, MODEL_QR_PAYMENT, "pp", T0);
  if (t == NULL || tp == NULL)
    return;

  g_autofree char *nl = g_strconcat (t, "\n", NULL);
  g_autofree char *sp = g_strconcat (" ", t, NULL);
  g_autofree char *lower = g_ascii_strdown (t, -1);
  const struct {
    const char *name, *text, *comment;
  } texts[] = {
    { "trailing-newline", nl, "a newline after the text" },
    { "leading-blank", sp, "a blank before the text" },
    { "lowercase", lower, "the whole text in lower case" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      g_autofree char *name = g_strdup_printf ("platform/text-%s", texts[i].name);
      g_autofree char *comment = g_strdup_printf ("%s; then the genuine text passes",
                                                  texts[i].comment);
      PTEST (name, "QR-2 QR-1 QR-7", comment, "Malformed", "invalid");
      verify (fx, texts[i].text, "identity", FALSE, T0, MODEL_STD_MALFORMED);
      verify (fx, t, "identity", FALSE, T0, MODEL_STD_OK);
    }

  PTEST ("platform/forged-does-not-burn-nonce", "QR-3 QR-7", "the real nonce signed by a "
         "device key the credential does not bind is refused; the real token still passes",
         "Forged", "valid");
  g_autofree char *forged = raw_token (fx->w->device2, fx->cred1, 1, "pc", T0);
  verify (fx, forged, "identity", FALSE, T0, MODEL_STD_BAD_SIGNATURE);
  verify (fx, t, "identity", FALSE, T0, MODEL_STD_OK);
  PTEST ("platform/forged-payment", "QR-3", "a payment token signed by another device key",
         "Forged", "invalid");
  g_autofree char *forged_p = raw_token (fx->w->device2, fx->cred1, 2, "pf", T0);
  verify (fx, forged_p, "payment", TRUE, T0, MODEL_STD_BAD_SIGNATURE);

  static const struct {
    const char *name;
    gint64 issued;
    ModelStdCode want;
  } ages[] = {
    { "age-60s", now - 60, MODEL_STD_OK },
    { "age-61s", now - 61, MODEL_STD_EXPIRED },
    { "skew-5s", now + 5, MODEL_STD_OK },
    { "skew-6s", now + 6, MODEL_STD_NOT_YET_VALID },
    { "issued-int64-max", G_MAXINT64, MODEL_STD_NOT_YET_VALID },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (ages); i++)
    {
      g_autofree char *name = g_strdup_printf ("platform/%s", ages[i].name);
      PTEST (name, "QR-5 QR-12", "the token's age against the platform's now: 60 s, 5 s of "
             "skew, no overflow", "Age", ages[i].want == MODEL_STD_OK ? "valid" : "invalid");
      g_autofree char *label = g_strdup_printf ("platform %s", ages[i].name);
      g_autofree char *ta = tok (fx, fx->cred1, fx->w->device, MODEL_QR_IDENTITY, label,
                                 ages[i].issued);
      verify (fx, ta, "identity", FALSE, now, ages[i].want);
    }

  PTEST ("platform/payment-pin-later", "QR-11 QR-7", "refused without the PIN, not used up: "
         "accepted with it within the minute", "Pin", "valid");
  verify (fx, tp, "payment", FALSE, T0, MODEL_STD_PIN_REQUIRED);
  verify (fx, tp, "payment", TRUE, T0 + 20, MODEL_STD_OK);
  PTEST ("platform/payment-no-pin", "QR-11", "a payment token without a verified PIN", "Pin",
         "invalid");
  verify (fx, tp, "payment", FALSE, T0, MODEL_STD_PIN_REQUIRED);
  PTEST ("platform/wrong-purpose-does-not-burn", "QR-9 QR-7", "an identity token presented for "
         "payment, then for identity", "Purpose", "valid");
  verify (fx, t, "payment", TRUE, T0, MODEL_STD_INVALID_STATE);
  verify (fx, t, "identity", FALSE, T0, MODEL_STD_OK);
  PTEST ("platform/payment-for-identity", "QR-9", "a payment token presented for identity",
         "Purpose", "invalid");
  verify (fx, tp, "identity", FALSE, T0, MODEL_STD_INVALID_STATE);

  /* a level-1 e-card of the platform: its payment token made byte by byte */
  static const char *const pins[] = { "pin", "no-pin" };
  for (gsize i = 0; i < G_N_ELEMENTS (pins); i++)
    {
      g_autofree char *name = g_strdup_printf ("platform/level1-payment-%s", pins[i]);
      PTEST (name, "QR-10 QR-12", "a payment token of a level-1 e-card the platform issued "
             "(level is checked before the PIN)", "Level", "invalid");
      conf_vec_card_register (v, fx->w, CONF_VEC_CARD3, CONF_VEC_SSN3, conf_vec_name3,
                              CONF_VEC_CITY3, TRUE, T0, MODEL_STD_OK);
      conf_vec_card_issue (v, fx->w, CONF_VEC_CARD3, 1, conf_vec_full_evidence,
                           model_device_key_public (fx->w->device2), T0, MODEL_STD_OK, fx->id3);
      g_autoptr (GBytes) cred3 = conf_vec_world_credential (v, fx->w, fx->id3, T0, YEAR);
      if (cred3 == NULL)
        return;
      g_autofree char *tl = raw_token (fx->w->device2, cred3, 2, "pl", T0);
      verify (fx, tl, "payment", i == 0, T0, MODEL_STD_LEVEL_REQUIRED);
    }
}

static void
platform_tests (Fx *fx)
{
  ConfVec *v = fx->v;
  conf_vec_group (v, "platform", NULL);
  fx_platform (fx, TRUE);
  conf_vec_test (v, "platform/identity-valid", "QR-4 QR-12 CRED-7", "a token of the platform's "
                 "own e-card, its credential as credential.issue gives it", NULL, "valid");
  g_autofree char *t = tok (fx, fx->cred1, fx->w->device, MODEL_QR_IDENTITY, "pa", T0);
  verify (fx, t, "identity", FALSE, T0, MODEL_STD_OK);
  fx_platform (fx, FALSE);
  conf_vec_test (v, "platform/replay", "QR-6", "the same token twice", "Replay", "invalid");
  verify (fx, t, "identity", FALSE, T0, MODEL_STD_OK);
  verify (fx, t, "identity", FALSE, T0 + 2, MODEL_STD_REPLAYED);
  fx_platform (fx, FALSE);
  conf_vec_test (v, "platform/card-lost-mid-flow", "QR-4 CARD-7 CARD-8", "the card reported "
                 "lost between two scans", "StatusChange", "invalid");
  g_autofree char *t2 = tok (fx, fx->cred1, fx->w->device, MODEL_QR_PAYMENT, "pb", T0 + 5);
  verify (fx, t, "identity", FALSE, T0, MODEL_STD_OK);
  conf_vec_card_transition (v, fx->w, CONF_VEC_CARD1, "lost", T0 + 3, MODEL_STD_OK);
  verify (fx, t2, "payment", TRUE, T0 + 5, MODEL_STD_CARD_UNUSABLE);
  fx_platform (fx, FALSE);
  conf_vec_test (v, "platform/found-stays-revoked", "CARD-7 QR-4", "lost then found: the "
                 "e-card stays revoked", "StatusChange", "invalid");
  conf_vec_card_transition (v, fx->w, CONF_VEC_CARD1, "lost", T0, MODEL_STD_OK);
  conf_vec_card_transition (v, fx->w, CONF_VEC_CARD1, "normal", T0 + 1, MODEL_STD_OK);
  verify (fx, t, "identity", FALSE, T0 + 2, MODEL_STD_CARD_UNUSABLE);
  platform_check_tests (fx);
  encoding_tests (fx, "platform");
}

JsonNode *
conf_vec_gen_qr (GError **error)
{
  g_autoptr (ConfVec) v = conf_vec_new ("qr");
  Fx fx = { .v = v };
  conf_vec_note (v, "Replay", "the same token presented twice");
  conf_vec_note (v, "Pin", "a payment token presented without, then with, a verified PIN");
  conf_vec_note (v, "Forged", "a token signed by a device key the credential does not bind");
  conf_vec_note (v, "Purpose", "a token of the other purpose");
  conf_vec_note (v, "Level", "a payment token of a level-1 e-card");
  conf_vec_note (v, "Age", "the 60 s lifetime, 5 s skew and the cache horizon");
  conf_vec_note (v, "StatusChange", "the card's status changes between steps");
  conf_vec_note (v, "UnknownKey", "the credential is signed by an untrusted platform key");
  conf_vec_note (v, "BitFlip", "one bit of a valid token flipped");
  conf_vec_note (v, "Malformed", "a text that breaks the ESSC1: + Base45 form");
  conf_vec_note (v, "Encoding", "a member of another JSON type, absent, or an integer at or "
                 "beyond the 64-bit range (ERR-3)");
  fx_verifier (&fx, FALSE);
  conf_vec_world_keys (v, fx.w);
  conf_vec_group (v, "verifier", NULL);
  fx_verifier (&fx, TRUE);
  basic_tests (&fx);
  time_tests (&fx);
  encoding_tests (&fx, "verifier");
  hostile_tests (&fx);
  conf_vec_qr_boundary_tests (v);
  platform_tests (&fx);
  fx_clear (&fx);
  return conf_vec_finish (v, error);
}
