/* SPDX-License-Identifier: MIT */
/*
 * Tests of dynamic QR tokens (ESSC-STD section 5, QR-*): the byte layout
 * against a hand-written encoder that follows the document, the age limits
 * to the second, single use, the PIN and level rules for payment, the card
 * status through a fake status feed, every flipped bit of the credential and
 * of the token, hostile text, the replay cache's bound and its store round
 * trip, and the size of the largest token against QR capacities.
 */
#include "model/std/base45.h"
#include "model/std/credential.h"
#include "model/std/qr.h"
#include "tests/lib/testutil.h"
#include "tests/lib/status_fixture.h"

#include <sodium.h>
#include <string.h>

#define NOW ESSC_TEST_NOW


/* One platform, one holder with a device, one verifier. */
typedef struct {
  ModelPlatformKey *platform;
  ModelDeviceKey *device;
  guint8 device_sk[64];          /* the same key, raw, for hand-made tokens */
  ModelTrustList *trust;
  ModelQrReplayCache *cache;
  FxFakeStatus fs;
  ModelQrVerifier v;
  ModelCredential cred;
  GBytes *cred_bytes;
} World;

static GBytes *
sign_cred (const ModelCredential *c, const ModelPlatformKey *key)
{
  g_autoptr (GError) error = NULL;
  GBytes *b = model_credential_sign (c, key, &error);
  g_assert_no_error (error);
  return b;
}

static void
world_init (World *w, guint8 level, const char *name)
{
  guint8 seed[32], pk[32];
  memset (w, 0, sizeof *w);
  fx_status_seed_of (1, seed);
  w->platform = model_platform_key_from_seed (seed);
  fx_status_seed_of (7, seed);
  w->device = model_device_key_from_seed (seed);
  crypto_sign_seed_keypair (pk, w->device_sk, seed);
  g_assert_cmpmem (pk, 32, model_device_key_public (w->device), 32);
  w->trust = model_trust_list_new ();
  g_assert_true (model_trust_list_add (w->trust, model_platform_key_public (w->platform), NULL));
  w->cache = model_qr_replay_cache_new ();

  ModelCredential *c = &w->cred;
  c->level = level;
  for (int i = 0; i < MODEL_ECARD_ID_LEN; i++)
    c->ecard_id[i] = (guint8) (0x50 + i);
  strcpy (c->ssn, "440524188001010014");
  g_assert_cmpuint (strlen (name), <=, 64);
  strcpy (c->name, name);
  strcpy (c->card_no, "B12345678");
  c->city = 440500;
  memcpy (c->device_pk, pk, 32);
  c->issued_at = NOW - 30 * 86400;
  c->expires_at = NOW + 335 * 86400;
  w->cred_bytes = sign_cred (c, w->platform);

  memcpy (w->fs.id, c->ecard_id, MODEL_ECARD_ID_LEN);
  w->fs.answer = MODEL_STD_OK;
  w->v = (ModelQrVerifier) { w->trust, fx_status_fake, &w->fs, w->cache };
}

static void
world_clear (World *w)
{
  model_platform_key_free (w->platform);
  model_device_key_free (w->device);
  sodium_memzero (w->device_sk, sizeof w->device_sk);
  model_trust_list_free (w->trust);
  model_qr_replay_cache_free (w->cache);
  g_bytes_unref (w->cred_bytes);
}

static void
nonce_of (guint32 k, guint8 nonce[16])
{
  memset (nonce, 0, 16);
  for (int i = 0; i < 4; i++)
    nonce[12 + i] = (guint8) (k >> (24 - 8 * i));
}

static char *
issue (World *w, ModelQrPurpose purpose, guint32 k, gint64 at)
{
  guint8 nonce[16];
  gsize len;
  const guint8 *p = g_bytes_get_data (w->cred_bytes, &len);
  g_autoptr (GError) error = NULL;
  nonce_of (k, nonce);
  char *text = model_qr_issue (w->device, p, len, purpose, nonce, at, &error);
  g_assert_no_error (error);
  g_assert_nonnull (text);
  return text;
}

/*
 * The token bytes built by hand from ESSC-STD section 5.2, signed with sk:
 * magic, version, purpose, nonce, issued_at (i64 BE), credential length
 * (u16 BE), credential, Ed25519 signature over all of that.
 */
static GByteArray *
hand_token (guint8 purpose, const guint8 nonce[16], gint64 issued_at,
            const guint8 *cred, gsize cred_len, const guint8 sk[64])
{
  GByteArray *b = g_byte_array_new ();
  guint8 x[8];
  g_byte_array_append (b, (const guint8 *) "ESQ1", 4);
  x[0] = 1;
  x[1] = purpose;
  g_byte_array_append (b, x, 2);
  g_byte_array_append (b, nonce, 16);
  for (int i = 0; i < 8; i++)
    x[i] = (guint8) ((guint64) issued_at >> (56 - 8 * i));
  g_byte_array_append (b, x, 8);
  x[0] = (guint8) (cred_len >> 8);
  x[1] = (guint8) cred_len;
  g_byte_array_append (b, x, 2);
  g_byte_array_append (b, cred, (guint) cred_len);
  guint8 sig[64];
  crypto_sign_detached (sig, NULL, b->data, b->len, sk);
  g_byte_array_append (b, sig, 64);
  return b;
}

static char *
hand_text (guint8 purpose, guint32 k, gint64 issued_at, GBytes *cred, const guint8 sk[64])
{
  guint8 nonce[16];
  gsize len;
  const guint8 *p = g_bytes_get_data (cred, &len);
  nonce_of (k, nonce);
  g_autoptr (GByteArray) b = hand_token (purpose, nonce, issued_at, p, len, sk);
  return model_qr_text_from_bytes (b->data, b->len);
}

static void
assert_ok (World *w, const char *text, ModelQrPurpose purpose, gboolean pin, gint64 now)
{
  g_autoptr (GError) error = NULL;
  ModelQrToken t;
  g_assert_true (model_qr_verify (&w->v, text, purpose, pin, now, &t, &error));
  g_assert_no_error (error);
  g_assert_cmpint (t.purpose, ==, purpose);
  g_assert_cmpmem (t.credential.ecard_id, 16, w->cred.ecard_id, 16);
  g_assert_cmpstr (t.credential.name, ==, w->cred.name);
}

static void
assert_refused (World *w, const char *text, ModelQrPurpose purpose, gboolean pin,
                gint64 now, ModelStdCode code)
{
  g_autoptr (GError) error = NULL;
  g_assert_false (model_qr_verify (&w->v, text, purpose, pin, now, NULL, &error));
  g_assert_error (error, MODEL_QR_ERROR, (gint) code);
}

/* QR-1, QR-2, QR-13: issue gives exactly the documented bytes and text. */
static void
test_layout (void)
{
  World w;
  world_init (&w, 2, "张三");
  g_autofree char *text = issue (&w, MODEL_QR_PAYMENT, 42, NOW);
  g_autofree char *hand = hand_text (2, 42, NOW, w.cred_bytes, w.device_sk);
  g_assert_cmpstr (text, ==, hand);
  g_assert_true (g_str_has_prefix (text, "ESSC1:"));
  for (const char *p = text; *p; p++)
    g_assert_nonnull (strchr (MODEL_BASE45_ALPHABET, *p));

  ModelQrToken t;
  g_autoptr (GError) error = NULL;
  g_assert_true (model_qr_decode (text, &t, &error));
  g_assert_no_error (error);
  g_assert_cmpint (t.purpose, ==, MODEL_QR_PAYMENT);
  g_assert_cmpint (t.issued_at, ==, NOW);
  g_assert_cmpuint (t.nonce[15], ==, 42);
  g_assert_cmpstr (t.credential.card_no, ==, "B12345678");

  g_autoptr (GBytes) b = model_qr_text_to_bytes (text, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (b), ==, 32 + g_bytes_get_size (w.cred_bytes) + 64);

  /* Without a caller nonce, two tokens differ in their nonce only. */
  gsize len;
  const guint8 *p = g_bytes_get_data (w.cred_bytes, &len);
  g_autofree char *r1 = model_qr_issue (w.device, p, len, MODEL_QR_IDENTITY, NULL, NOW, &error);
  g_autofree char *r2 = model_qr_issue (w.device, p, len, MODEL_QR_IDENTITY, NULL, NOW, &error);
  g_assert_no_error (error);
  ModelQrToken t1, t2;
  g_assert_true (model_qr_decode (r1, &t1, NULL));
  g_assert_true (model_qr_decode (r2, &t2, NULL));
  g_assert_cmpint (memcmp (t1.nonce, t2.nonce, 16), !=, 0);
  assert_ok (&w, r1, MODEL_QR_IDENTITY, FALSE, NOW);
  assert_ok (&w, r2, MODEL_QR_IDENTITY, FALSE, NOW);
  world_clear (&w);
}

/* QR-13: the device refuses tokens a verifier would always refuse. */
static void
test_issue_refuses (void)
{
  World w;
  world_init (&w, 1, "李四");
  gsize len;
  const guint8 *p = g_bytes_get_data (w.cred_bytes, &len);
  g_autoptr (GError) error = NULL;
  guint8 seed[32];

  g_assert_null (model_qr_issue (w.device, p, len, MODEL_QR_PAYMENT, NULL, NOW, &error));
  g_assert_error (error, MODEL_QR_ERROR, MODEL_STD_LEVEL_REQUIRED);
  g_clear_error (&error);

  fx_status_seed_of (8, seed);
  g_autoptr (ModelDeviceKey) other = model_device_key_from_seed (seed);
  g_assert_null (model_qr_issue (other, p, len, MODEL_QR_IDENTITY, NULL, NOW, &error));
  g_assert_error (error, MODEL_QR_ERROR, MODEL_STD_BAD_SIGNATURE);
  g_clear_error (&error);

  g_assert_null (model_qr_issue (w.device, p, len - 1, MODEL_QR_IDENTITY, NULL, NOW, &error));
  g_assert_error (error, MODEL_QR_ERROR, MODEL_STD_MALFORMED);
  g_clear_error (&error);
  g_assert_null (model_qr_issue (w.device, NULL, 0, MODEL_QR_IDENTITY, NULL, NOW, &error));
  g_assert_error (error, MODEL_QR_ERROR, MODEL_STD_MALFORMED);
  world_clear (&w);
}

/* QR-4, QR-6, QR-12: a valid token passes once, then is a replay. */
static void
test_valid_and_replay (void)
{
  World w;
  world_init (&w, 2, "张三");
  g_autofree char *a = issue (&w, MODEL_QR_IDENTITY, 1, NOW);
  g_autofree char *b = issue (&w, MODEL_QR_IDENTITY, 2, NOW);
  assert_ok (&w, a, MODEL_QR_IDENTITY, FALSE, NOW);
  assert_refused (&w, a, MODEL_QR_IDENTITY, FALSE, NOW, MODEL_STD_REPLAYED);
  assert_refused (&w, a, MODEL_QR_IDENTITY, FALSE, NOW + 30, MODEL_STD_REPLAYED);
  assert_ok (&w, b, MODEL_QR_IDENTITY, FALSE, NOW + 1);
  assert_refused (&w, b, MODEL_QR_IDENTITY, FALSE, NOW + 60, MODEL_STD_REPLAYED);
  g_assert_cmpuint (model_qr_replay_cache_size (w.cache), ==, 2);

  /* The same nonce on another e-card is another token. */
  ModelCredential c2 = w.cred;
  c2.ecard_id[0] ^= 0xff;
  g_autoptr (GBytes) cred2 = sign_cred (&c2, w.platform);
  g_autofree char *other = hand_text (1, 1, NOW, cred2, w.device_sk);
  memcpy (w.fs.id, c2.ecard_id, 16);
  g_autoptr (GError) error = NULL;
  g_assert_true (model_qr_verify (&w.v, other, MODEL_QR_IDENTITY, FALSE, NOW, NULL, &error));
  g_assert_no_error (error);
  world_clear (&w);
}

/* QR-5, QR-8: 60 s old is valid, 61 s is not; 5 s ahead is valid, 6 s is not. */
static void
test_age (void)
{
  World w;
  world_init (&w, 2, "张三");
  g_autofree char *t = issue (&w, MODEL_QR_IDENTITY, 1, NOW);
  g_autoptr (GError) error = NULL;
  g_assert_false (model_qr_verify (&w.v, t, MODEL_QR_IDENTITY, FALSE, NOW + 61, NULL, &error));
  g_assert_error (error, MODEL_QR_ERROR, MODEL_STD_EXPIRED);
  g_assert_nonnull (strstr (error->message, "more than 60 s before"));
  assert_refused (&w, t, MODEL_QR_IDENTITY, FALSE, NOW + 100000, MODEL_STD_EXPIRED);
  g_assert_cmpuint (model_qr_replay_cache_size (w.cache), ==, 0);
  world_clear (&w);

  world_init (&w, 2, "张三");
  assert_ok (&w, t, MODEL_QR_IDENTITY, FALSE, NOW + 60);
  world_clear (&w);

  world_init (&w, 2, "张三");
  g_autofree char *ahead5 = issue (&w, MODEL_QR_IDENTITY, 2, NOW + 5);
  g_autofree char *ahead6 = issue (&w, MODEL_QR_IDENTITY, 3, NOW + 6);
  g_autofree char *far = issue (&w, MODEL_QR_IDENTITY, 4, G_MAXINT64);
  g_autofree char *past = issue (&w, MODEL_QR_IDENTITY, 5, G_MININT64);
  assert_refused (&w, ahead6, MODEL_QR_IDENTITY, FALSE, NOW, MODEL_STD_NOT_YET_VALID);
  assert_refused (&w, far, MODEL_QR_IDENTITY, FALSE, NOW, MODEL_STD_NOT_YET_VALID);
  assert_refused (&w, past, MODEL_QR_IDENTITY, FALSE, NOW, MODEL_STD_EXPIRED);
  assert_ok (&w, ahead5, MODEL_QR_IDENTITY, FALSE, NOW);
  /* It stays in the cache until it could no longer pass: NOW + 65. */
  assert_refused (&w, ahead5, MODEL_QR_IDENTITY, FALSE, NOW + 65, MODEL_STD_REPLAYED);
  assert_ok (&w, ahead6, MODEL_QR_IDENTITY, FALSE, NOW + 1);
  world_clear (&w);
}

/* QR-5, QR-8: any 64-bit now is a validation time (the adapter's now is any
 * integer of 64 bits): the extremes are refused or accepted by the rules,
 * and issued_at + 60 saturates at 2^63-1 instead of overflowing. */
static void
test_extreme_now (void)
{
  World w;
  world_init (&w, 2, "张三");
  g_autofree char *t = issue (&w, MODEL_QR_IDENTITY, 1, NOW);
  /* the credential's window decides first */
  assert_refused (&w, t, MODEL_QR_IDENTITY, FALSE, G_MAXINT64, MODEL_STD_EXPIRED);
  assert_refused (&w, t, MODEL_QR_IDENTITY, FALSE, G_MININT64, MODEL_STD_NOT_YET_VALID);
  world_clear (&w);

  /* a credential valid to the end of time, a token issued at its last seconds */
  world_init (&w, 2, "张三");
  w.cred.expires_at = G_MAXINT64;
  g_bytes_unref (w.cred_bytes);
  w.cred_bytes = sign_cred (&w.cred, w.platform);
  g_autofree char *last = issue (&w, MODEL_QR_IDENTITY, 2, G_MAXINT64 - 10);
  g_autofree char *end = issue (&w, MODEL_QR_IDENTITY, 3, G_MAXINT64);
  assert_ok (&w, last, MODEL_QR_IDENTITY, FALSE, G_MAXINT64 - 1);
  assert_refused (&w, last, MODEL_QR_IDENTITY, FALSE, G_MAXINT64 - 1, MODEL_STD_REPLAYED);
  g_assert_cmpint (model_qr_replay_cache_horizon (w.cache), ==, G_MAXINT64 - 1);
  /* now = 2^63-1 is past the credential (now >= expires_at) */
  assert_refused (&w, end, MODEL_QR_IDENTITY, FALSE, G_MAXINT64, MODEL_STD_EXPIRED);
  world_clear (&w);
}

/* QR-4 (CRED-6, CRED-7): the credential's own window and the card status (lost card). */
static void
test_credential_state (void)
{
  World w;
  world_init (&w, 2, "张三");
  g_autofree char *t = issue (&w, MODEL_QR_PAYMENT, 1, NOW);

  w.fs.answer = MODEL_STD_CARD_UNUSABLE;   /* the physical card was reported lost */
  assert_refused (&w, t, MODEL_QR_PAYMENT, TRUE, NOW, MODEL_STD_CARD_UNUSABLE);
  w.fs.answer = MODEL_STD_NOT_FOUND;
  assert_refused (&w, t, MODEL_QR_PAYMENT, TRUE, NOW, MODEL_STD_NOT_FOUND);
  g_assert_cmpuint (model_qr_replay_cache_size (w.cache), ==, 0);
  w.fs.answer = MODEL_STD_OK;
  assert_ok (&w, t, MODEL_QR_PAYMENT, TRUE, NOW);

  /* An expired credential inside a fresh token. */
  ModelCredential old = w.cred;
  old.issued_at = NOW - 400 * 86400;
  old.expires_at = NOW;
  g_autoptr (GBytes) oldb = sign_cred (&old, w.platform);
  g_autofree char *o = hand_text (1, 2, NOW, oldb, w.device_sk);
  assert_refused (&w, o, MODEL_QR_IDENTITY, FALSE, NOW, MODEL_STD_EXPIRED);
  assert_ok (&w, o, MODEL_QR_IDENTITY, FALSE, NOW - 1);
  world_clear (&w);
}

/* QR-7, QR-9..QR-12: purpose, level and PIN; a PIN_REQUIRED does not use the token. */
static void
test_payment_rules (void)
{
  World w;
  world_init (&w, 2, "张三");
  g_autofree char *pay = issue (&w, MODEL_QR_PAYMENT, 1, NOW);
  g_autofree char *id = issue (&w, MODEL_QR_IDENTITY, 2, NOW);

  assert_refused (&w, pay, MODEL_QR_IDENTITY, TRUE, NOW, MODEL_STD_INVALID_STATE);
  assert_refused (&w, id, MODEL_QR_PAYMENT, TRUE, NOW, MODEL_STD_INVALID_STATE);
  assert_refused (&w, pay, MODEL_QR_PAYMENT, FALSE, NOW, MODEL_STD_PIN_REQUIRED);
  assert_refused (&w, pay, MODEL_QR_PAYMENT, FALSE, NOW + 10, MODEL_STD_PIN_REQUIRED);
  g_assert_cmpuint (model_qr_replay_cache_size (w.cache), ==, 0);
  assert_ok (&w, pay, MODEL_QR_PAYMENT, TRUE, NOW + 20);
  assert_refused (&w, pay, MODEL_QR_PAYMENT, TRUE, NOW + 21, MODEL_STD_REPLAYED);
  /* A used payment token is a replay before it is a PIN question. */
  assert_refused (&w, pay, MODEL_QR_PAYMENT, FALSE, NOW + 21, MODEL_STD_REPLAYED);
  /* The PIN flag is not needed for identity. */
  assert_ok (&w, id, MODEL_QR_IDENTITY, FALSE, NOW);
  world_clear (&w);

  /* A level-1 e-card's payment token, made by hand (the issuer refuses). */
  world_init (&w, 1, "李四");
  g_autofree char *l1 = hand_text (2, 3, NOW, w.cred_bytes, w.device_sk);
  assert_refused (&w, l1, MODEL_QR_PAYMENT, TRUE, NOW, MODEL_STD_LEVEL_REQUIRED);
  g_autofree char *l1id = issue (&w, MODEL_QR_IDENTITY, 4, NOW);
  assert_ok (&w, l1id, MODEL_QR_IDENTITY, FALSE, NOW);
  world_clear (&w);
}

/* QR-3, QR-4, CRED-8: keys that are unknown, other, or not the device's. */
static void
test_keys (void)
{
  World w;
  world_init (&w, 2, "张三");
  guint8 seed[32], pk[32], sk[64];

  /* The platform key is not trusted. */
  g_autoptr (ModelTrustList) empty = model_trust_list_new ();
  ModelQrVerifier v2 = w.v;
  v2.trust = empty;
  g_autofree char *t = issue (&w, MODEL_QR_IDENTITY, 1, NOW);
  g_autoptr (GError) error = NULL;
  g_assert_false (model_qr_verify (&v2, t, MODEL_QR_IDENTITY, FALSE, NOW, NULL, &error));
  g_assert_error (error, MODEL_QR_ERROR, MODEL_STD_UNKNOWN_KEY);
  g_clear_error (&error);

  /* A credential signed by another platform key (untrusted; and naming ours). */
  fx_status_seed_of (2, seed);
  g_autoptr (ModelPlatformKey) rogue = model_platform_key_from_seed (seed);
  g_autoptr (GBytes) rc = sign_cred (&w.cred, rogue);
  g_autofree char *r = hand_text (1, 2, NOW, rc, w.device_sk);
  assert_refused (&w, r, MODEL_QR_IDENTITY, FALSE, NOW, MODEL_STD_UNKNOWN_KEY);
  gsize len;
  const guint8 *p = g_bytes_get_data (rc, &len);
  g_autofree guint8 *q = g_memdup2 (p, len);
  memcpy (q + len - 72, model_platform_key_id (w.platform), 8);
  crypto_sign_seed_keypair (pk, sk, seed);
  crypto_sign_detached (q + len - 64, NULL, q, len - 64, sk);
  g_autoptr (GBytes) rc2 = g_bytes_new (q, len);
  g_autofree char *r2 = hand_text (1, 3, NOW, rc2, w.device_sk);
  assert_refused (&w, r2, MODEL_QR_IDENTITY, FALSE, NOW, MODEL_STD_BAD_SIGNATURE);

  /* The token signed by a device key other than the credential's. */
  fx_status_seed_of (8, seed);
  crypto_sign_seed_keypair (pk, sk, seed);
  g_autofree char *d = hand_text (1, 4, NOW, w.cred_bytes, sk);
  assert_refused (&w, d, MODEL_QR_IDENTITY, FALSE, NOW, MODEL_STD_BAD_SIGNATURE);
  sodium_memzero (sk, sizeof sk);
  g_assert_cmpuint (model_qr_replay_cache_size (w.cache), ==, 0);
  world_clear (&w);
}

/* QR-7: a forged token with a real token's nonce does not burn it. */
static void
test_forgery_does_not_burn (void)
{
  World w;
  world_init (&w, 2, "张三");
  guint8 seed[32], pk[32], sk[64];
  fx_status_seed_of (9, seed);
  crypto_sign_seed_keypair (pk, sk, seed);
  g_autofree char *real = issue (&w, MODEL_QR_PAYMENT, 77, NOW);
  g_autofree char *forged = hand_text (2, 77, NOW, w.cred_bytes, sk);
  sodium_memzero (sk, sizeof sk);
  assert_refused (&w, forged, MODEL_QR_PAYMENT, TRUE, NOW, MODEL_STD_BAD_SIGNATURE);
  assert_ok (&w, real, MODEL_QR_PAYMENT, TRUE, NOW);
  world_clear (&w);
}

/* QR-1, QR-3, QR-4: every flipped bit of the token bytes is refused. */
static void
test_every_token_bit (void)
{
  World w;
  world_init (&w, 2, "张三");
  g_autofree char *text = issue (&w, MODEL_QR_PAYMENT, 5, NOW);
  g_autoptr (GBytes) b = model_qr_text_to_bytes (text, NULL);
  gsize len;
  const guint8 *p = g_bytes_get_data (b, &len);
  g_autofree guint8 *q = g_memdup2 (p, len);
  int counts[MODEL_STD_N_CODES] = { 0 };

  for (gsize bit = 0; bit < 8 * len; bit++)
    {
      q[bit / 8] ^= (guint8) (1u << (bit % 8));
      g_autofree char *t = model_qr_text_from_bytes (q, len);
      g_autoptr (GError) error = NULL;
      g_assert_false (model_qr_verify (&w.v, t, MODEL_QR_PAYMENT, TRUE, NOW, NULL, &error));
      g_assert_nonnull (error);
      g_assert_true (error->domain == MODEL_QR_ERROR);
      counts[error->code]++;
      q[bit / 8] ^= (guint8) (1u << (bit % 8));
    }
  g_test_message ("token flips: %d malformed, %d bad_signature, %d unknown_key, "
                  "%d not_found, %d expired, %d not_yet_valid, %d invalid_state",
                  counts[MODEL_STD_MALFORMED], counts[MODEL_STD_BAD_SIGNATURE],
                  counts[MODEL_STD_UNKNOWN_KEY], counts[MODEL_STD_NOT_FOUND],
                  counts[MODEL_STD_EXPIRED], counts[MODEL_STD_NOT_YET_VALID],
                  counts[MODEL_STD_INVALID_STATE]);
  g_assert_cmpint (counts[MODEL_STD_MALFORMED], >, 0);
  g_assert_cmpint (counts[MODEL_STD_BAD_SIGNATURE], >, 0);
  g_assert_cmpuint (model_qr_replay_cache_size (w.cache), ==, 0);
  assert_ok (&w, text, MODEL_QR_PAYMENT, TRUE, NOW);
  world_clear (&w);
}

/*
 * QR-4, CRED-2: every flipped bit of the credential is refused even when
 * the device signs the token over the altered credential.
 */
static void
test_every_credential_bit (void)
{
  World w;
  world_init (&w, 2, "张三");
  gsize len;
  const guint8 *p = g_bytes_get_data (w.cred_bytes, &len);
  g_autofree guint8 *q = g_memdup2 (p, len);
  guint8 nonce[16];
  int accepted = 0, n_codes[MODEL_STD_N_CODES] = { 0 };
  nonce_of (6, nonce);

  for (gsize bit = 0; bit < 8 * len; bit++)
    {
      q[bit / 8] ^= (guint8) (1u << (bit % 8));
      g_autoptr (GByteArray) tok = hand_token (2, nonce, NOW, q, len, w.device_sk);
      g_autofree char *t = model_qr_text_from_bytes (tok->data, tok->len);
      g_autoptr (GError) error = NULL;
      if (model_qr_verify (&w.v, t, MODEL_QR_PAYMENT, TRUE, NOW, NULL, &error))
        accepted++;
      else
        n_codes[error->code]++;
      q[bit / 8] ^= (guint8) (1u << (bit % 8));
    }
  g_assert_cmpint (accepted, ==, 0);
  g_assert_cmpint (n_codes[MODEL_STD_MALFORMED] + n_codes[MODEL_STD_BAD_SIGNATURE]
                   + n_codes[MODEL_STD_UNKNOWN_KEY], ==, (int) (8 * len));
  g_assert_cmpint (n_codes[MODEL_STD_UNKNOWN_KEY], ==, 64);
  world_clear (&w);
}

/* QR-2: every character replaced by another alphabet character is refused. */
static void
test_every_char (void)
{
  World w;
  world_init (&w, 2, "张三");
  g_autofree char *text = issue (&w, MODEL_QR_IDENTITY, 8, NOW);
  g_autofree char *t = g_strdup (text);
  gsize n = strlen (t);
  for (gsize i = 0; i < n; i++)
    {
      const char *at = strchr (MODEL_BASE45_ALPHABET, t[i]);
      char orig = t[i];
      t[i] = at ? MODEL_BASE45_ALPHABET[(at - MODEL_BASE45_ALPHABET + 1) % 45] : 'Z';
      g_autoptr (GError) error = NULL;
      g_assert_false (model_qr_verify (&w.v, t, MODEL_QR_IDENTITY, FALSE, NOW, NULL, &error));
      g_assert_nonnull (error);
      t[i] = orig;
    }
  assert_ok (&w, t, MODEL_QR_IDENTITY, FALSE, NOW);
  world_clear (&w);
}

/* QR-1, QR-2: truncated, extended, bad Base45, garbage, empty. */
static void
test_hostile_text (void)
{
  World w;
  world_init (&w, 2, "张三");
  g_autofree char *text = issue (&w, MODEL_QR_IDENTITY, 9, NOW);
  g_autoptr (GBytes) b = model_qr_text_to_bytes (text, NULL);
  gsize len;
  const guint8 *p = g_bytes_get_data (b, &len);
  guint8 longer[MODEL_QR_MAX_BYTES + 3];

  for (gsize n = 0; n < len; n++)
    {
      g_autofree char *t = model_qr_text_from_bytes (p, n);
      assert_refused (&w, t, MODEL_QR_IDENTITY, FALSE, NOW, MODEL_STD_MALFORMED);
    }
  memcpy (longer, p, len);
  for (gsize extra = 1; extra <= 3; extra++)
    {
      longer[len + extra - 1] = (guint8) extra;
      g_autofree char *t = model_qr_text_from_bytes (longer, len + extra);
      assert_refused (&w, t, MODEL_QR_IDENTITY, FALSE, NOW, MODEL_STD_MALFORMED);
    }
  /* Text-level truncations: every prefix of the text. */
  for (gsize n = 0; n < strlen (text); n++)
    {
      g_autofree char *t = g_strndup (text, n);
      assert_refused (&w, t, MODEL_QR_IDENTITY, FALSE, NOW, MODEL_STD_MALFORMED);
    }

  const char *garbage[] = {
    "", "ESSC1:", "ESSC1", "essc1:" "BB8", "ESSC2:BB8", "ESSC1:BB8", "ESSC1:bb8",
    "ESSC1:BB8B", "ESSC1:GGW", "ESSC1:U6", "ESSC1:\xe5\xbc\xa0", " ESSC1:BB8",
    "http://example.com/", "\x01\x02\x03", "ESSC1:::::::",
  };
  for (gsize i = 0; i < G_N_ELEMENTS (garbage); i++)
    assert_refused (&w, garbage[i], MODEL_QR_IDENTITY, FALSE, NOW, MODEL_STD_MALFORMED);

  /* The text with one trailing character, a space, a newline. */
  g_autofree char *sp = g_strconcat (text, " ", NULL);
  g_autofree char *nl = g_strconcat (text, "\n", NULL);
  assert_refused (&w, sp, MODEL_QR_IDENTITY, FALSE, NOW, MODEL_STD_MALFORMED);
  assert_refused (&w, nl, MODEL_QR_IDENTITY, FALSE, NOW, MODEL_STD_MALFORMED);

  /* A huge text is refused on its length, without decoding. */
  g_autofree char *huge = g_strnfill (1 << 20, '0');
  memcpy (huge, "ESSC1:", 6);
  g_autoptr (GError) error = NULL;
  g_assert_false (model_qr_verify (&w.v, huge, MODEL_QR_IDENTITY, FALSE, NOW, NULL, &error));
  g_assert_error (error, MODEL_QR_ERROR, MODEL_STD_MALFORMED);
  g_assert_nonnull (strstr (error->message, "longer than 507"));
  g_assert_cmpuint (model_qr_replay_cache_size (w.cache), ==, 0);
  assert_ok (&w, text, MODEL_QR_IDENTITY, FALSE, NOW);
  world_clear (&w);
}

/* QR-14: the largest token (64-byte name) fits a QR code. */
static void
test_size (void)
{
  World w;
  char name[65];
  memset (name, 'W', 64);
  name[64] = '\0';
  world_init (&w, 2, name);
  g_assert_cmpuint (g_bytes_get_size (w.cred_bytes), ==, MODEL_CRED_MAX_LEN);
  g_autofree char *text = issue (&w, MODEL_QR_PAYMENT, 1, NOW);
  gsize n = strlen (text);
  g_test_message ("largest token: %" G_GSIZE_FORMAT " characters", n);
  g_assert_cmpuint (n, ==, MODEL_QR_MAX_TEXT_LEN);
  g_assert_cmpuint (n, ==, 507);
  g_assert_cmpuint (n, <=, 4296);   /* version 40-L, alphanumeric */
  g_assert_cmpuint (n, <=, 535);    /* version 12-L, alphanumeric */
  g_assert_cmpuint (n, <=, 528);    /* version 14-M, alphanumeric */
  assert_ok (&w, text, MODEL_QR_PAYMENT, TRUE, NOW);
  world_clear (&w);
}

static void
count_entry (const ModelQrReplayEntry *e, gpointer user_data)
{
  GArray *a = user_data;
  g_array_append_val (a, *e);
}

/* QR-8: entries live until they could no longer pass, then go; size stays bounded. */
static void
test_cache_bounded (void)
{
  World w;
  world_init (&w, 2, "张三");
  /* One token a second for 300 s, each shown 0..5 s after issue. */
  guint max_size = 0;
  for (guint32 k = 0; k < 300; k++)
    {
      gint64 at = NOW + k;
      g_autofree char *t = issue (&w, MODEL_QR_IDENTITY, k, at);
      assert_ok (&w, t, MODEL_QR_IDENTITY, FALSE, at + k % 6);
      max_size = MAX (max_size, model_qr_replay_cache_size (w.cache));
    }
  g_test_message ("replay cache peak: %u entries", max_size);
  g_assert_cmpuint (max_size, <=, 66);
  g_assert_cmpuint (max_size, >=, 55);

  g_autoptr (GArray) all = g_array_new (FALSE, FALSE, sizeof (ModelQrReplayEntry));
  model_qr_replay_cache_foreach (w.cache, count_entry, all);
  g_assert_cmpuint (all->len, ==, model_qr_replay_cache_size (w.cache));
  for (guint i = 1; i < all->len; i++)
    g_assert_cmpint (g_array_index (all, ModelQrReplayEntry, i - 1).expires_at, <=,
                     g_array_index (all, ModelQrReplayEntry, i).expires_at);
  /* Last token issued at NOW+299 expires at NOW+359: kept then, gone after. */
  model_qr_replay_cache_prune (w.cache, NOW + 359);
  g_assert_cmpuint (model_qr_replay_cache_size (w.cache), ==, 1);
  model_qr_replay_cache_prune (w.cache, NOW + 360);
  g_assert_cmpuint (model_qr_replay_cache_size (w.cache), ==, 0);
  g_assert_cmpint (model_qr_replay_cache_horizon (w.cache), ==, NOW + 360);
  model_qr_replay_cache_prune (w.cache, NOW);   /* the horizon never goes down */
  g_assert_cmpint (model_qr_replay_cache_horizon (w.cache), ==, NOW + 360);
  world_clear (&w);
}

/* QR-8: a clock that steps back cannot revive a pruned token. */
static void
test_cache_clock_back (void)
{
  World w;
  world_init (&w, 2, "张三");
  g_autofree char *t = issue (&w, MODEL_QR_IDENTITY, 1, NOW);
  assert_ok (&w, t, MODEL_QR_IDENTITY, FALSE, NOW);
  g_autofree char *later = issue (&w, MODEL_QR_IDENTITY, 2, NOW + 100);
  assert_ok (&w, later, MODEL_QR_IDENTITY, FALSE, NOW + 100);   /* prunes t */
  g_assert_cmpuint (model_qr_replay_cache_size (w.cache), ==, 1);
  assert_refused (&w, t, MODEL_QR_IDENTITY, FALSE, NOW + 10, MODEL_STD_EXPIRED);
  /* A token still inside the horizon is judged normally. */
  g_autofree char *fresh = issue (&w, MODEL_QR_IDENTITY, 3, NOW + 95);
  assert_ok (&w, fresh, MODEL_QR_IDENTITY, FALSE, NOW + 96);
  world_clear (&w);
}

/* QR-8, QR-15: foreach + restore carry the cache (and its horizon) across a store. */
static void
test_cache_restore (void)
{
  World w;
  world_init (&w, 2, "张三");
  g_autofree char *a = issue (&w, MODEL_QR_IDENTITY, 1, NOW);
  g_autofree char *b = issue (&w, MODEL_QR_IDENTITY, 2, NOW + 3);
  assert_ok (&w, a, MODEL_QR_IDENTITY, FALSE, NOW + 3);
  assert_ok (&w, b, MODEL_QR_IDENTITY, FALSE, NOW + 4);

  g_autoptr (GArray) all = g_array_new (FALSE, FALSE, sizeof (ModelQrReplayEntry));
  model_qr_replay_cache_foreach (w.cache, count_entry, all);
  g_assert_cmpuint (all->len, ==, 2);
  ModelQrReplayEntry *e0 = &g_array_index (all, ModelQrReplayEntry, 0);
  g_assert_cmpmem (e0->ecard_id, 16, w.cred.ecard_id, 16);
  g_assert_cmpuint (e0->nonce[15], ==, 1);
  g_assert_cmpint (e0->expires_at, ==, NOW + 60);
  gint64 horizon = model_qr_replay_cache_horizon (w.cache);
  g_assert_cmpint (horizon, ==, NOW + 4);

  g_autoptr (ModelQrReplayCache) fresh = model_qr_replay_cache_new ();
  for (guint i = 0; i < all->len; i++)
    model_qr_replay_cache_restore (fresh, &g_array_index (all, ModelQrReplayEntry, i), horizon);
  model_qr_replay_cache_restore (fresh, e0, horizon);   /* twice: no-op */
  ModelQrReplayEntry stale = *e0;
  stale.nonce[0] = 0xee;
  stale.expires_at = horizon - 1;
  model_qr_replay_cache_restore (fresh, &stale, horizon);   /* below horizon: dropped */
  g_assert_cmpuint (model_qr_replay_cache_size (fresh), ==, 2);
  g_assert_cmpint (model_qr_replay_cache_horizon (fresh), ==, horizon);

  ModelQrVerifier v2 = w.v;
  v2.cache = fresh;
  g_autoptr (GError) error = NULL;
  g_assert_false (model_qr_verify (&v2, a, MODEL_QR_IDENTITY, FALSE, NOW + 5, NULL, &error));
  g_assert_error (error, MODEL_QR_ERROR, MODEL_STD_REPLAYED);
  g_clear_error (&error);
  g_assert_false (model_qr_verify (&v2, b, MODEL_QR_IDENTITY, FALSE, NOW + 5, NULL, &error));
  g_assert_error (error, MODEL_QR_ERROR, MODEL_STD_REPLAYED);
  model_qr_replay_cache_free (NULL);
  world_clear (&w);
}

/* QR-13: the device key pair; seeds are deterministic, secrets recoverable for the store. */
static void
test_device_key (void)
{
  guint8 seed[32], back[32];
  fx_status_seed_of (3, seed);
  g_autoptr (ModelDeviceKey) a = model_device_key_from_seed (seed);
  g_autoptr (ModelDeviceKey) b = model_device_key_from_seed (seed);
  g_autoptr (ModelDeviceKey) g = model_device_key_generate ();
  g_assert_cmpmem (model_device_key_public (a), 32, model_device_key_public (b), 32);
  g_assert_cmpint (memcmp (model_device_key_public (a), model_device_key_public (g), 32), !=, 0);
  model_device_key_get_seed (a, back);
  g_assert_cmpmem (back, 32, seed, 32);
  sodium_memzero (back, sizeof back);
  model_device_key_free (NULL);
}

int
main (int argc, char **argv)
{
  essc_test_init (&argc, &argv);
  g_test_add_func ("/qr/issue/layout", test_layout);
  g_test_add_func ("/qr/issue/refuses", test_issue_refuses);
  g_test_add_func ("/qr/issue/device-key", test_device_key);
  g_test_add_func ("/qr/verify/valid-and-replay", test_valid_and_replay);
  g_test_add_func ("/qr/verify/age", test_age);
  g_test_add_func ("/qr/verify/extreme-now", test_extreme_now);
  g_test_add_func ("/qr/verify/credential-state", test_credential_state);
  g_test_add_func ("/qr/verify/payment-rules", test_payment_rules);
  g_test_add_func ("/qr/verify/keys", test_keys);
  g_test_add_func ("/qr/verify/forgery-does-not-burn", test_forgery_does_not_burn);
  g_test_add_func ("/qr/verify/every-token-bit", test_every_token_bit);
  g_test_add_func ("/qr/verify/every-credential-bit", test_every_credential_bit);
  g_test_add_func ("/qr/verify/every-char", test_every_char);
  g_test_add_func ("/qr/verify/hostile-text", test_hostile_text);
  g_test_add_func ("/qr/size/fits-qr", test_size);
  g_test_add_func ("/qr/replay-cache/bounded", test_cache_bounded);
  g_test_add_func ("/qr/replay-cache/clock-back", test_cache_clock_back);
  g_test_add_func ("/qr/replay-cache/restore", test_cache_restore);
  return g_test_run ();
}
