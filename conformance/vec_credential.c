/* SPDX-License-Identifier: MIT */
/*
 * Vectors of ESSC-STD section 4 (credential.json): the e-card credential.
 * Verifier: valid credentials with every field of the result, 64 single
 * bit flips spread over the bytes, truncation and trailing bytes, re-signed
 * credentials whose fields break CRED-3 (so only strict decoding can refuse
 * them), an untrusted key and a forged signature under the trusted key id,
 * the validity window's edges, and the status feed asked at every use (a
 * card reported lost between two verifications), and the feed's other
 * answers failing closed (CRED-7; status.set takes any wire name).  Channel: the same checks
 * without a status feed (encoding, keys, signature, window).  Platform:
 * credential.issue gives the credential of model_issuer_sign_credential but
 * for the backdate of issued_at that CRED-12 allows (check
 * credential_issued), only for an active e-card, checking in the order of
 * CRED-13; credential.verify against its own registry
 * and trust list (reset's plus its own key): encoding, keys, a sample of bit
 * flips, the window, and the registry asked at every use.
 */
#include "conformance/vec_private.h"

#include "model/std/issuer.h"

#include <string.h>

#define T0 CONF_VECTORS_CLOCK
#define YEAR ((gint64) 365 * 86400)
#define ISSUED (T0 - 86400)

typedef struct {
  ConfVec *v;
  ConfVecWorld *w;
  guint8 id1[16], id2[16], id3[16];
  GBytes *cred1, *cred2, *cred3;     /* level 2; level 1; e-card unknown to the verifier */
  gboolean platform;                 /* the status feed is the platform's own registry */
} Fx;

/* The verifier world: three e-cards issued (registry mirror), two in the status table. */
static void
fx_verifier (Fx *fx, gboolean emit)
{
  conf_vec_world_free (fx->w);
  g_clear_pointer (&fx->cred1, g_bytes_unref);
  g_clear_pointer (&fx->cred2, g_bytes_unref);
  g_clear_pointer (&fx->cred3, g_bytes_unref);
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
  conf_vec_reset_verifier (fx->v, fx->w);
  conf_vec_status_set (fx->v, fx->w, fx->id1, MODEL_STD_OK);
  conf_vec_status_set (fx->v, fx->w, fx->id2, MODEL_STD_OK);
  conf_vec_mute (fx->v, FALSE);
}

static ModelStdCode
status_all_ok (const guint8 id[16], gpointer data)
{
  return MODEL_STD_OK;
}

/* One credential.verify step, its expectation from want, cross-checked
 * with the status feed of the role: none for a channel, the platform's
 * registry, or the verifier's status table. */
static void
verify (Fx *fx, const guint8 *cred, gsize len, gint64 now, ModelStdCode want, gboolean channel)
{
  GError *error = NULL;
  ModelCredential out;
  ModelStatusFn feed = channel ? status_all_ok
                               : fx->platform ? model_card_status_fn : conf_vec_world_status;
  gpointer feed_data = fx->platform ? (gpointer) fx->w->cards : (gpointer) fx->w;
  gboolean ok = model_credential_verify (cred, len, fx->w->trust, feed, feed_data, now, &out,
                                         &error);
  conf_vec_agree (fx->v, "credential.verify", error, want);
  conf_vec_step (fx->v, "credential.verify",
                 conf_jo ("credential", conf_jh (cred, len), "now", conf_ji (now), NULL),
                 ok ? conf_vec_ok (conf_vec_credential_result (&out)) : conf_vec_err (want), NULL);
}

static void
verify_bytes (Fx *fx, GBytes *b, gint64 now, ModelStdCode want, gboolean channel)
{
  gsize len = 0;
  const guint8 *d = g_bytes_get_data (b, &len);
  verify (fx, d, len, now, want, channel);
}

/* cred1 with bytes [at, at+n) replaced and re-signed by the platform key. */
static GByteArray *
resigned (Fx *fx, gsize at, const guint8 *bytes, gsize n)
{
  gsize len = 0;
  const guint8 *d = g_bytes_get_data (fx->cred1, &len);
  GByteArray *b = g_byte_array_new ();
  g_byte_array_append (b, d, (guint) len);
  memcpy (b->data + at, bytes, n);
  model_key_pair_sign (fx->w->platform, b->data, len - 64, b->data + len - 64);
  return b;
}

/*
 * The credential of e-card id, valid [at, at + YEAR), signed by the
 * untrusted key; with forged, it names the trusted key's id (still signed
 * by the untrusted key).  Returns: (transfer full) or NULL after a failure.
 */
static GBytes *
foreign (Fx *fx, const guint8 id[16], gint64 at, gboolean forged)
{
  GError *error = NULL;
  GBytes *cred = model_issuer_sign_credential (fx->w->cards, id, fx->w->other, at, YEAR, NULL,
                                               &error);
  conf_vec_agree (fx->v, "untrusted signer", error, MODEL_STD_OK);
  if (cred == NULL || !forged)
    return cred;
  gsize len = 0;
  guint8 *d = g_bytes_unref_to_data (cred, &len);
  gsize key_id_at = len - 64 - MODEL_KEY_ID_LEN;   /* the last field before the signature */
  memcpy (d + key_id_at, model_platform_key_id (fx->w->platform), MODEL_KEY_ID_LEN);
  model_key_pair_sign (fx->w->other, d, len - 64, d + len - 64);
  return g_bytes_new_take (d, len);
}

/* A copy of cred with one zero byte after the signature. */
static GBytes *
with_trailing_byte (GBytes *cred)
{
  gsize len = 0;
  const guint8 *d = g_bytes_get_data (cred, &len);
  guint8 *longer = g_malloc0 (len + 1);
  memcpy (longer, d, len);
  return g_bytes_new_take (longer, len + 1);
}

static void
verifier_tests (Fx *fx)
{
  ConfVec *v = fx->v;
  g_autoptr (GBytes) keep1 = g_bytes_ref (fx->cred1);   /* same bytes in every world */
  gsize len = 0;
  const guint8 *c1 = g_bytes_get_data (keep1, &len);

  fx_verifier (fx, FALSE);
  conf_vec_test (v, "verifier/valid-level2", "CRED-1 CRED-2 CRED-5 CRED-6 CRYPTO-1 CRYPTO-2 "
                 "CRED-7 CARD-8", "a level-2 credential, every field reported", NULL, "valid");
  verify_bytes (fx, fx->cred1, T0, MODEL_STD_OK, FALSE);
  fx_verifier (fx, FALSE);
  conf_vec_test (v, "verifier/valid-level1-retired-region", "CRED-1 CRED-3 CRED-5 ID-5",
                 "a level-1 credential whose SSN has a retired region code", NULL, "valid");
  verify_bytes (fx, fx->cred2, T0, MODEL_STD_OK, FALSE);

  /* 64 single bit flips spread over the whole credential */
  for (int k = 0; k < 64; k++)
    {
      gsize bit = (gsize) k * (len * 8) / 64 + (gsize) (k % 8);
      g_autofree guint8 *bad = g_memdup2 (c1, len);
      bad[bit / 8] ^= (guint8) (0x80 >> (bit % 8));
      GError *error = NULL;
      model_credential_verify (bad, len, fx->w->trust, conf_vec_world_status, fx->w, T0, NULL,
                               &error);
      ModelStdCode code = error ? (ModelStdCode) error->code : MODEL_STD_OK;
      g_clear_error (&error);
      if (code != MODEL_STD_MALFORMED && code != MODEL_STD_UNKNOWN_KEY
          && code != MODEL_STD_BAD_SIGNATURE)
        conf_vec_fail (v, "bit %zu: a flip must be malformed, unknown_key or bad_signature, "
                       "model/std/ gives %s", bit, model_std_code_name (code));
      g_autofree char *name = g_strdup_printf ("verifier/bit-flip-%04zu", bit);
      g_autofree char *comment = g_strdup_printf ("bit %zu (byte %zu) of a valid credential "
                                                  "flipped", bit, bit / 8);
      fx_verifier (fx, FALSE);
      conf_vec_test (v, name, "CRED-4 CRED-5 CRYPTO-1", comment, "BitFlip", "invalid");
      verify (fx, bad, len, T0, code, FALSE);
    }

  fx_verifier (fx, FALSE);
  conf_vec_test (v, "verifier/truncated", "CRED-4", "the last byte removed", "Malformed",
                 "invalid");
  verify (fx, c1, len - 1, T0, MODEL_STD_MALFORMED, FALSE);
  conf_vec_test (v, "verifier/trailing-byte", "CRED-4 CRED-1", "one byte after the signature",
                 "Malformed", "invalid");
  {
    g_autoptr (GBytes) longer = with_trailing_byte (keep1);
    verify_bytes (fx, longer, T0, MODEL_STD_MALFORMED, FALSE);
  }
  conf_vec_test (v, "verifier/empty", "CRED-4", "no bytes at all", "Malformed", "invalid");
  verify (fx, c1, 0, T0, MODEL_STD_MALFORMED, FALSE);

  /* fields that break CRED-3, correctly signed: only strict decoding refuses them */
  gsize n = strlen (conf_vec_name1);
  static const guint8 zero_pk[32] = { 1 };   /* the identity point: small order */
  const struct {
    const char *name, *comment;
    gsize at;
    const guint8 *bytes;
    gsize len;
  } fields[] = {
    { "magic", "magic ESC2", 3, (const guint8 *) "2", 1 },
    { "version-2", "format version 2, not implemented (CRYPTO-5)", 4, (const guint8 *) "\x02", 1 },
    { "level-3", "level 3", 5, (const guint8 *) "\x03", 1 },
    { "level-0", "level 0", 5, (const guint8 *) "\x00", 1 },
    { "ssn-lowercase-x", "SSN ending in lower-case x", 22 + 17, (const guint8 *) "x", 1 },
    { "ssn-letter", "a letter among the SSN digits", 22 + 3, (const guint8 *) "A", 1 },
    { "name-control", "a control character in the name", 41, (const guint8 *) "\x01", 1 },
    { "name-bad-utf8", "a byte 0xff in the name", 41, (const guint8 *) "\xff", 1 },
    { "name-overlong-utf8", "an overlong UTF-8 form in the name", 41,
      (const guint8 *) "\xc0\xaf", 2 },
    { "card-lowercase", "card number starting with a lower-case letter", 41 + n,
      (const guint8 *) "a", 1 },
    { "city-low", "city 099999", 50 + n, (const guint8 *) "\x00\x01\x86\x9f", 4 },
    { "city-high", "city 1000000", 50 + n, (const guint8 *) "\x00\x0f\x42\x40", 4 },
    { "device-small-order", "device key of small order", 54 + n, zero_pk, 32 },
    { "window-empty", "expires_at equal to issued_at", 94 + n, NULL, 8 },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (fields); i++)
    {
      guint8 same[8];
      const guint8 *bytes = fields[i].bytes;
      if (bytes == NULL)
        {
          memcpy (same, c1 + 86 + n, 8);
          bytes = same;
        }
      g_autoptr (GByteArray) b = resigned (fx, fields[i].at, bytes, fields[i].len);
      g_autofree char *name = g_strdup_printf ("verifier/resigned-%s", fields[i].name);
      fx_verifier (fx, FALSE);
      conf_vec_test (v, name, i == 1 ? "CRED-3 CRED-4 CRYPTO-5" : "CRED-3 CRED-4",
                     fields[i].comment, "Malformed Resigned", "invalid");
      verify (fx, b->data, b->len, T0, MODEL_STD_MALFORMED, FALSE);
    }

  /* keys */
  {
    fx_verifier (fx, FALSE);
    g_autoptr (GBytes) untrusted = foreign (fx, fx->id1, ISSUED, FALSE);
    g_autoptr (GBytes) forged = foreign (fx, fx->id1, ISSUED, TRUE);
    conf_vec_test (v, "verifier/untrusted-key", "CRED-5 CRED-8 CRYPTO-1", "signed by a key the "
                   "verifier does not trust", "UnknownKey", "invalid");
    verify_bytes (fx, untrusted, T0, MODEL_STD_UNKNOWN_KEY, FALSE);
    conf_vec_test (v, "verifier/forged-under-trusted-id", "CRED-5 CRYPTO-1 CRED-2", "names the "
                   "trusted key id but is signed by another key", "BadSignature", "invalid");
    verify_bytes (fx, forged, T0, MODEL_STD_BAD_SIGNATURE, FALSE);
  }

  /* validity window (CRED-6) */
  static const struct {
    const char *name;
    gint64 now;
    ModelStdCode want;
  } window[] = {
    { "window-at-issued-at", ISSUED, MODEL_STD_OK },
    { "window-before-issued-at", ISSUED - 1, MODEL_STD_NOT_YET_VALID },
    { "window-last-second", ISSUED + YEAR - 1, MODEL_STD_OK },
    { "window-at-expires-at", ISSUED + YEAR, MODEL_STD_EXPIRED },
    { "window-far-future", G_MAXINT64, MODEL_STD_EXPIRED },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (window); i++)
    {
      g_autofree char *name = g_strdup_printf ("verifier/%s", window[i].name);
      fx_verifier (fx, FALSE);
      conf_vec_test (v, name, "CRED-6 CRED-5", "issued_at <= now < expires_at, no skew",
                     "Window", window[i].want == MODEL_STD_OK ? "valid" : "invalid");
      verify_bytes (fx, fx->cred1, window[i].now, window[i].want, FALSE);
    }

  /* status feed, asked at every use */
  const struct {
    const char *name;
    ModelStdCode status;
  } feed[] = {
    { "card-unusable", MODEL_STD_CARD_UNUSABLE },
    { "not-found", MODEL_STD_NOT_FOUND },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (feed); i++)
    {
      g_autofree char *name = g_strdup_printf ("verifier/lost-mid-flow-%s", feed[i].name);
      fx_verifier (fx, FALSE);
      conf_vec_test (v, name, "CRED-7 CARD-8 CRED-5", "accepted, then the feed reports the "
                     "e-card unusable: the next verification asks again", "StatusChange",
                     "invalid");
      verify_bytes (fx, fx->cred1, T0, MODEL_STD_OK, FALSE);
      conf_vec_status_set (v, fx->w, fx->id1, feed[i].status);
      verify_bytes (fx, fx->cred1, T0 + 1, feed[i].status, FALSE);
    }
  fx_verifier (fx, FALSE);
  conf_vec_test (v, "verifier/unknown-ecard", "CRED-7 CARD-8", "an e-card the status table "
                 "does not hold", "StatusChange", "invalid");
  verify_bytes (fx, fx->cred3, T0, MODEL_STD_NOT_FOUND, FALSE);
  /* The feed's other answers (status.set takes every wire name): fail closed. */
  static const ModelStdCode other[] = { MODEL_STD_INTERNAL, MODEL_STD_EXPIRED,
                                        MODEL_STD_INVALID_STATE };
  for (gsize i = 0; i < G_N_ELEMENTS (other); i++)
    {
      g_autofree char *name = g_strdup_printf ("verifier/feed-answers-%s",
                                               model_std_code_name (other[i]));
      g_autofree char *comment = g_strdup_printf ("the status feed answers %s: reported as "
                                                  "card_unusable (fail closed)",
                                                  model_std_code_name (other[i]));
      fx_verifier (fx, FALSE);
      conf_vec_test (v, name, "CRED-7", comment, "StatusChange", "invalid");
      conf_vec_status_set (v, fx->w, fx->id1, other[i]);
      verify_bytes (fx, fx->cred1, T0, MODEL_STD_CARD_UNUSABLE, FALSE);
    }
  static const char *const not_names[] = { "lost", "OK", "" };
  for (gsize i = 0; i < G_N_ELEMENTS (not_names); i++)
    {
      g_autofree char *name = g_strdup_printf ("verifier/status-set-not-a-code-%zu", i + 1);
      g_autofree char *comment = g_strdup_printf ("status.set with '%s', not a wire name of "
                                                  "section 11; the table keeps its answer",
                                                  not_names[i]);
      fx_verifier (fx, FALSE);
      conf_vec_test (v, name, "CRED-7 ERR-1", comment, "Malformed", "invalid");
      conf_vec_step (v, "status.set",
                     conf_jo ("ecard_id", conf_jh (fx->id1, 16),
                              "status", conf_js (not_names[i]), NULL),
                     conf_vec_err (MODEL_STD_MALFORMED), NULL);
      verify_bytes (fx, fx->cred1, T0, MODEL_STD_OK, FALSE);
    }
  fx_verifier (fx, FALSE);
  conf_vec_test (v, "verifier/reinstated", "CRED-7 CARD-8", "unusable, then ok again: no "
                 "cached answer", "StatusChange", "valid");
  conf_vec_status_set (v, fx->w, fx->id1, MODEL_STD_CARD_UNUSABLE);
  verify_bytes (fx, fx->cred1, T0, MODEL_STD_CARD_UNUSABLE, FALSE);
  conf_vec_status_set (v, fx->w, fx->id1, MODEL_STD_OK);
  verify_bytes (fx, fx->cred1, T0 + 1, MODEL_STD_OK, FALSE);
}

static void
channel_tests (Fx *fx)
{
  ConfVec *v = fx->v;
  guint8 key_seed[32];
  conf_vec_derive ("channel CH000101 key seed", key_seed, 32);
  fx_verifier (fx, FALSE);
  conf_vec_group (v, "channel", NULL);
  conf_vec_reset_channel (v, fx->w, "CH000101", 1, NULL, key_seed, NULL);
  conf_vec_test (v, "channel/valid", "CRED-5 CRED-1 CRED-2", "a channel verifies a credential "
                 "against the trust list (no status feed)", NULL, "valid");
  verify_bytes (fx, fx->cred1, T0, MODEL_STD_OK, TRUE);
  gsize len = 0;
  const guint8 *c1 = g_bytes_get_data (fx->cred1, &len);
  g_autofree guint8 *bad = g_memdup2 (c1, len);
  bad[len - 1] ^= 1;
  conf_vec_test (v, "channel/bad-signature", "CRED-5 CRYPTO-1", "last signature bit flipped",
                 "BitFlip", "invalid");
  verify (fx, bad, len, T0, MODEL_STD_BAD_SIGNATURE, TRUE);
  conf_vec_test (v, "channel/expired", "CRED-6", "verified at expires_at", "Window", "invalid");
  verify_bytes (fx, fx->cred1, ISSUED + YEAR, MODEL_STD_EXPIRED, TRUE);
  conf_vec_test (v, "channel/truncated", "CRED-4", "the last byte removed", "Malformed",
                 "invalid");
  verify (fx, c1, len - 1, T0, MODEL_STD_MALFORMED, TRUE);
  g_autoptr (GBytes) longer = with_trailing_byte (fx->cred1);
  conf_vec_test (v, "channel/trailing-byte", "CRED-4 CRED-1", "one byte after the signature",
                 "Malformed", "invalid");
  verify_bytes (fx, longer, T0, MODEL_STD_MALFORMED, TRUE);
  g_autoptr (GBytes) untrusted = foreign (fx, fx->id1, ISSUED, FALSE);
  conf_vec_test (v, "channel/untrusted-key", "CRED-5 CRED-8 CRYPTO-1", "signed by a key outside "
                 "the trust list of reset", "UnknownKey", "invalid");
  verify_bytes (fx, untrusted, T0, MODEL_STD_UNKNOWN_KEY, TRUE);
  g_autoptr (GBytes) forged = foreign (fx, fx->id1, ISSUED, TRUE);
  conf_vec_test (v, "channel/forged-under-trusted-id", "CRED-5 CRYPTO-1 CRED-2", "names the "
                 "trusted key id but is signed by another key", "BadSignature", "invalid");
  verify_bytes (fx, forged, T0, MODEL_STD_BAD_SIGNATURE, TRUE);
  conf_vec_test (v, "channel/not-yet-valid", "CRED-6", "verified one second before issued_at",
                 "Window", "invalid");
  verify_bytes (fx, fx->cred1, ISSUED - 1, MODEL_STD_NOT_YET_VALID, TRUE);
  conf_vec_test (v, "channel/window-edges", "CRED-6", "verified at issued_at and in the last "
                 "second before expires_at", "Window", "valid");
  verify_bytes (fx, fx->cred1, ISSUED, MODEL_STD_OK, TRUE);
  verify_bytes (fx, fx->cred1, ISSUED + YEAR - 1, MODEL_STD_OK, TRUE);
}

/* The platform world: card 1 registered and its level-2 e-card issued. */
static void
fx_platform (Fx *fx, gboolean emit)
{
  conf_vec_world_free (fx->w);
  fx->w = conf_vec_world_new ();
  fx->platform = TRUE;
  conf_vec_mute (fx->v, !emit);
  conf_vec_reset_platform (fx->v, fx->w, NULL);
  conf_vec_card_register (fx->v, fx->w, CONF_VEC_CARD1, CONF_VEC_SSN1, conf_vec_name1,
                          CONF_VEC_CITY1, TRUE, T0, MODEL_STD_OK);
  conf_vec_card_issue (fx->v, fx->w, CONF_VEC_CARD1, 2, conf_vec_full_evidence,
                       model_device_key_public (fx->w->device), T0, MODEL_STD_OK, fx->id1);
  conf_vec_mute (fx->v, FALSE);
}

static void
issue (Fx *fx, const guint8 id[16], gint64 now, gint64 lifetime, ModelStdCode want)
{
  GError *error = NULL;
  g_autoptr (GBytes) cred = model_issuer_sign_credential (fx->w->cards, id, fx->w->platform, now,
                                                          lifetime, NULL, &error);
  conf_vec_agree (fx->v, "credential.issue", error, want);
  JsonNode *expect = conf_vec_err (want);
  if (cred != NULL)
    {
      json_node_unref (expect);
      gsize len = 0;
      const guint8 *d = g_bytes_get_data (cred, &len);
      expect = conf_vec_ok (conf_jo ("credential", conf_jh (d, len), NULL));
    }
  conf_vec_step (fx->v, "credential.issue",
                 conf_jo ("ecard_id", conf_jh (id, 16), "now", conf_ji (now),
                          "lifetime", conf_ji (lifetime), NULL),
                 expect, cred != NULL ? "credential_issued" : NULL);
}

/* A credential.issue step with an e-card id of len bytes (not 16). */
static void
issue_raw (Fx *fx, const guint8 *id, gsize len, gint64 now, gint64 lifetime, ModelStdCode want)
{
  conf_vec_step (fx->v, "credential.issue",
                 conf_jo ("ecard_id", conf_jh (id, len), "now", conf_ji (now),
                          "lifetime", conf_ji (lifetime), NULL),
                 conf_vec_err (want), NULL);
}

static void
platform_tests (Fx *fx)
{
  ConfVec *v = fx->v;
  conf_vec_group (v, "platform", NULL);
  fx_platform (fx, TRUE);
  conf_vec_test (v, "platform/issue-exact-bytes", "CRED-1 CRED-2 CRED-10 CRED-12 CRYPTO-1 "
                 "CRYPTO-2 ISS-9 ISS-8", "the credential of the e-card: every field as "
                 "expected, expires_at = now + lifetime, issued_at now or up to 300 s before, "
                 "signed by the key of platform_key_seed (check credential_issued; with no "
                 "backdate the bytes are the expected ones, Ed25519 being deterministic)", NULL,
                 "valid");
  issue (fx, fx->id1, T0, YEAR, MODEL_STD_OK);
  fx_platform (fx, FALSE);
  conf_vec_test (v, "platform/issue-then-verify", "CRED-5 CRED-7 CRED-10", "the platform "
                 "verifies what it issued against its own registry", NULL, "valid");
  issue (fx, fx->id1, T0, YEAR, MODEL_STD_OK);
  {
    g_autoptr (GBytes) cred = conf_vec_world_credential (v, fx->w, fx->id1, T0, YEAR);
    gsize len = 0;
    const guint8 *d = cred ? g_bytes_get_data (cred, &len) : NULL;
    GError *error = NULL;
    ModelCredential out;
    model_credential_verify (d, len, fx->w->trust, model_card_status_fn, fx->w->cards, T0 + 1,
                             &out, &error);
    conf_vec_agree (v, "platform credential.verify", error, MODEL_STD_OK);
    conf_vec_step (v, "credential.verify",
                   conf_jo ("credential", conf_jh (d, len), "now", conf_ji (T0 + 1), NULL),
                   conf_vec_ok (conf_vec_credential_result (&out)), NULL);
    conf_vec_test (v, "platform/verify-after-loss", "CRED-7 CARD-7 CARD-8 CRED-10", "a card "
                   "reported lost between issuing and verifying", "StatusChange", "invalid");
    fx_platform (fx, FALSE);
    conf_vec_card_transition (v, fx->w, CONF_VEC_CARD1, "lost", T0 + 10, MODEL_STD_OK);
    error = NULL;
    model_credential_verify (d, len, fx->w->trust, model_card_status_fn, fx->w->cards, T0 + 11,
                             NULL, &error);
    conf_vec_agree (v, "verify after loss", error, MODEL_STD_CARD_UNUSABLE);
    conf_vec_step (v, "credential.verify",
                   conf_jo ("credential", conf_jh (d, len), "now", conf_ji (T0 + 11), NULL),
                   conf_vec_err (MODEL_STD_CARD_UNUSABLE), NULL);
    conf_vec_test (v, "platform/issue-after-loss", "CRED-10 CARD-7", "no credential for a "
                   "revoked e-card", "StatusChange", "invalid");
    fx_platform (fx, FALSE);
    conf_vec_card_transition (v, fx->w, CONF_VEC_CARD1, "lost", T0 + 10, MODEL_STD_OK);
    issue (fx, fx->id1, T0 + 20, YEAR, MODEL_STD_CARD_UNUSABLE);
  }
  fx_platform (fx, FALSE);
  guint8 unknown[16];
  conf_vec_derive ("an e-card id nobody issued", unknown, 16);
  conf_vec_test (v, "platform/issue-unknown-ecard", "CRED-10", "no such e-card", "NotFound",
                 "invalid");
  issue (fx, unknown, T0, YEAR, MODEL_STD_NOT_FOUND);

  /* CRED-13: the id's form, the lifetime, the e-card, its status. */
  fx_platform (fx, FALSE);
  conf_vec_test (v, "platform/issue-short-lifetime", "CRED-12 CRED-6", "a lifetime of 1 s: "
                 "expires_at = now + 1", "Window", "valid");
  issue (fx, fx->id1, T0, 1, MODEL_STD_OK);
  fx_platform (fx, FALSE);
  conf_vec_test (v, "platform/issue-lifetime-zero", "CRED-13", "a lifetime of 0 s", "Malformed",
                 "invalid");
  issue (fx, fx->id1, T0, 0, MODEL_STD_MALFORMED);
  fx_platform (fx, FALSE);
  conf_vec_test (v, "platform/issue-lifetime-negative", "CRED-13", "a lifetime of -1 s",
                 "Malformed", "invalid");
  issue (fx, fx->id1, T0, -1, MODEL_STD_MALFORMED);
  fx_platform (fx, FALSE);
  conf_vec_test (v, "platform/issue-lifetime-overflow", "CRED-13", "now + lifetime beyond "
                 "2^63 - 1", "Malformed", "invalid");
  issue (fx, fx->id1, T0, G_MAXINT64 - T0 + 1, MODEL_STD_MALFORMED);
  fx_platform (fx, FALSE);
  conf_vec_test (v, "platform/issue-ecard-id-short", "CRED-13", "an e-card id of 15 bytes",
                 "Malformed", "invalid");
  issue_raw (fx, fx->id1, 15, T0, YEAR, MODEL_STD_MALFORMED);
  fx_platform (fx, FALSE);
  conf_vec_test (v, "platform/order-lifetime-before-ecard", "CRED-13", "an unknown e-card and "
                 "a lifetime of 0: malformed", "Order", "invalid");
  issue (fx, unknown, T0, 0, MODEL_STD_MALFORMED);
  fx_platform (fx, FALSE);
  conf_vec_test (v, "platform/order-lifetime-before-status", "CRED-13", "a revoked e-card and "
                 "a lifetime of 0: malformed", "Order", "invalid");
  conf_vec_card_transition (v, fx->w, CONF_VEC_CARD1, "lost", T0 + 1, MODEL_STD_OK);
  issue (fx, fx->id1, T0 + 2, 0, MODEL_STD_MALFORMED);
  fx_platform (fx, FALSE);
  conf_vec_test (v, "platform/issue-cancelled-card", "CRED-13 CRED-10", "a cancelled card: "
                 "an unknown e-card id gives not_found, the card's revoked e-card "
                 "card_unusable", "StatusChange", "invalid");
  conf_vec_card_transition (v, fx->w, CONF_VEC_CARD1, "cancelled", T0 + 1, MODEL_STD_OK);
  issue (fx, unknown, T0 + 2, YEAR, MODEL_STD_NOT_FOUND);
  issue (fx, fx->id1, T0 + 2, YEAR, MODEL_STD_CARD_UNUSABLE);
  fx_platform (fx, FALSE);
  conf_vec_test (v, "platform/issue-before-birth", "CRED-13 CRED-10 ID-3", "now is 1949-12-30, "
                 "before the holder's birth date 1949-12-31: the SSN fails section 1 at now",
                 NULL, "invalid");
  issue (fx, fx->id1, (gint64) -631324800, YEAR, MODEL_STD_INVALID_ID);
}

/*
 * credential.verify on the platform: the status comes from its own registry
 * and its trust list is reset's plus its own key.  The credential is the one
 * credential.issue gives at T0 (deterministic bytes), made on the mirror.
 */
static void
platform_verify_tests (Fx *fx)
{
  ConfVec *v = fx->v;
  fx_platform (fx, FALSE);
  g_autoptr (GBytes) cred = conf_vec_world_credential (v, fx->w, fx->id1, T0, YEAR);
  g_autoptr (GBytes) longer = with_trailing_byte (cred);
  g_autoptr (GBytes) untrusted = foreign (fx, fx->id1, T0, FALSE);
  g_autoptr (GBytes) forged = foreign (fx, fx->id1, T0, TRUE);
  if (cred == NULL || untrusted == NULL || forged == NULL)
    return;
  gsize len = 0;
  const guint8 *c = g_bytes_get_data (cred, &len);

  fx_platform (fx, FALSE);
  conf_vec_test (v, "platform/verify-trailing-byte", "CRED-4 CRED-1", "the platform's own "
                 "credential with one byte after the signature", "Malformed", "invalid");
  verify_bytes (fx, longer, T0, MODEL_STD_MALFORMED, FALSE);
  fx_platform (fx, FALSE);
  conf_vec_test (v, "platform/verify-truncated", "CRED-4", "the last byte removed", "Malformed",
                 "invalid");
  verify (fx, c, len - 1, T0, MODEL_STD_MALFORMED, FALSE);
  fx_platform (fx, FALSE);
  conf_vec_test (v, "platform/verify-untrusted-key", "CRED-5 CRED-8 CRYPTO-1", "signed by a key "
                 "that is neither in reset's trust list nor the platform's own", "UnknownKey",
                 "invalid");
  verify_bytes (fx, untrusted, T0, MODEL_STD_UNKNOWN_KEY, FALSE);
  fx_platform (fx, FALSE);
  conf_vec_test (v, "platform/verify-forged-under-trusted-id", "CRED-5 CRYPTO-1 CRED-2", "names "
                 "the platform's key id but is signed by another key", "BadSignature", "invalid");
  verify_bytes (fx, forged, T0, MODEL_STD_BAD_SIGNATURE, FALSE);

  /* a sample of single bit flips: one per eighth of the bytes, the last in the signature */
  for (int k = 0; k < 8; k++)
    {
      gsize bit = k == 7 ? len * 8 - 1 : (gsize) k * (len * 8) / 8 + (gsize) (3 * k + 1);
      g_autofree guint8 *bad = g_memdup2 (c, len);
      bad[bit / 8] ^= (guint8) (0x80 >> (bit % 8));
      GError *error = NULL;
      model_credential_verify (bad, len, fx->w->trust, model_card_status_fn, fx->w->cards, T0,
                               NULL, &error);
      ModelStdCode code = error ? (ModelStdCode) error->code : MODEL_STD_OK;
      g_clear_error (&error);
      if (code != MODEL_STD_MALFORMED && code != MODEL_STD_UNKNOWN_KEY
          && code != MODEL_STD_BAD_SIGNATURE)
        conf_vec_fail (v, "platform bit %zu: a flip must be malformed, unknown_key or "
                       "bad_signature, model/std/ gives %s", bit, model_std_code_name (code));
      g_autofree char *name = g_strdup_printf ("platform/verify-bit-flip-%04zu", bit);
      g_autofree char *comment = g_strdup_printf ("bit %zu (byte %zu) of the platform's own "
                                                  "credential flipped", bit, bit / 8);
      fx_platform (fx, FALSE);
      conf_vec_test (v, name, "CRED-4 CRED-5 CRYPTO-1", comment, "BitFlip", "invalid");
      verify (fx, bad, len, T0, code, FALSE);
    }

  /* validity window (CRED-6): [T0, T0 + YEAR) */
  static const struct {
    const char *name;
    gint64 now;
    ModelStdCode want;
  } window[] = {
    { "verify-at-issued-at", T0, MODEL_STD_OK },
    { "verify-before-issued-at", T0 - 1, MODEL_STD_NOT_YET_VALID },
    { "verify-last-second", T0 + YEAR - 1, MODEL_STD_OK },
    { "verify-at-expires-at", T0 + YEAR, MODEL_STD_EXPIRED },
    { "verify-far-future", G_MAXINT64, MODEL_STD_EXPIRED },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (window); i++)
    {
      g_autofree char *name = g_strdup_printf ("platform/%s", window[i].name);
      fx_platform (fx, FALSE);
      conf_vec_test (v, name, "CRED-6 CRED-5", "issued_at <= now < expires_at, no skew",
                     "Window", window[i].want == MODEL_STD_OK ? "valid" : "invalid");
      verify_bytes (fx, cred, window[i].now, window[i].want, FALSE);
    }

  /* the registry asked at every use (CRED-7) */
  static const char *const to[] = { "lost", "locked", "cancelled" };
  for (gsize i = 0; i < G_N_ELEMENTS (to); i++)
    {
      g_autofree char *name = g_strdup_printf ("platform/verify-%s-mid-flow", to[i]);
      g_autofree char *comment = g_strdup_printf ("accepted, then the card becomes %s: the next "
                                                  "verification asks the registry again", to[i]);
      fx_platform (fx, FALSE);
      conf_vec_test (v, name, "CRED-7 CARD-8 CRED-5", comment, "StatusChange", "invalid");
      verify_bytes (fx, cred, T0 + 1, MODEL_STD_OK, FALSE);
      conf_vec_card_transition (v, fx->w, CONF_VEC_CARD1, to[i], T0 + 2, MODEL_STD_OK);
      verify_bytes (fx, cred, T0 + 3, MODEL_STD_CARD_UNUSABLE, FALSE);
    }
  fx_platform (fx, FALSE);
  conf_vec_test (v, "platform/verify-unlocked-stays-revoked", "CARD-7 CRED-7 CARD-8", "locked, "
                 "then unlocked: the e-card's revocation is final", "StatusChange", "invalid");
  conf_vec_card_transition (v, fx->w, CONF_VEC_CARD1, "locked", T0 + 1, MODEL_STD_OK);
  verify_bytes (fx, cred, T0 + 2, MODEL_STD_CARD_UNUSABLE, FALSE);
  conf_vec_card_transition (v, fx->w, CONF_VEC_CARD1, "normal", T0 + 3, MODEL_STD_OK);
  verify_bytes (fx, cred, T0 + 4, MODEL_STD_CARD_UNUSABLE, FALSE);
}

JsonNode *
conf_vec_gen_credential (GError **error)
{
  g_autoptr (ConfVec) v = conf_vec_new ("credential");
  Fx fx = { .v = v };
  conf_vec_note (v, "BitFlip", "one bit of a valid credential flipped");
  conf_vec_note (v, "Malformed", "bytes that break the encoding of table 4.1");
  conf_vec_note (v, "Resigned", "a field broken and the credential signed again by the "
                 "platform key, so only strict decoding refuses it");
  conf_vec_note (v, "UnknownKey", "signed by a key outside the trust list");
  conf_vec_note (v, "BadSignature", "a signature that does not verify under the named key");
  conf_vec_note (v, "Window", "the validity window issued_at <= now < expires_at");
  conf_vec_note (v, "StatusChange", "the status feed changes between steps");
  conf_vec_note (v, "NotFound", "an identifier nobody issued");
  conf_vec_note (v, "Order", "several checks fail: the first of CRED-13 decides");
  fx.w = conf_vec_world_new ();
  conf_vec_world_keys (v, fx.w);
  conf_vec_group (v, "verifier", NULL);
  fx_verifier (&fx, TRUE);
  verifier_tests (&fx);
  conf_vec_credential_boundary_tests (v);
  channel_tests (&fx);
  platform_tests (&fx);
  platform_verify_tests (&fx);
  g_clear_pointer (&fx.cred1, g_bytes_unref);
  g_clear_pointer (&fx.cred2, g_bytes_unref);
  g_clear_pointer (&fx.cred3, g_bytes_unref);
  conf_vec_world_free (fx.w);
  return conf_vec_finish (v, error);
}
