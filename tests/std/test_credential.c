/* SPDX-License-Identifier: MIT */
/*
 * Tests of the e-card credential (ESSC-STD section 4, CRED-*): the exact
 * byte layout, canonical round trips, strict decoding of every field rule,
 * every truncation and extension, verification against the trust list, the
 * validity window and the card's status (through a fake status function),
 * and refusal of every single flipped bit.
 */
#include "model/std/credential.h"
#include "tests/lib/testutil.h"
#include "tests/lib/status_fixture.h"

#include <sodium.h>
#include <string.h>

/* A fake status feed: one known e-card with a settable answer. */

/* A valid credential bound to the device key of seed tag 7. */
static void
sample (ModelCredential *c)
{
  guint8 seed[32], sk[64];
  memset (c, 0, sizeof *c);
  c->level = 2;
  for (int i = 0; i < MODEL_ECARD_ID_LEN; i++)
    c->ecard_id[i] = (guint8) (0xa0 + i);
  strcpy (c->ssn, "11010519491231002X");
  strcpy (c->name, "张三");
  strcpy (c->card_no, "A00000001");
  c->city = 110100;
  fx_status_seed_of (7, seed);
  crypto_sign_seed_keypair (c->device_pk, sk, seed);
  sodium_memzero (sk, sizeof sk);
  c->issued_at = ESSC_TEST_NOW - 86400;
  c->expires_at = ESSC_TEST_NOW + 365 * 86400;
}

static ModelPlatformKey *
platform_key (guint8 tag)
{
  guint8 seed[32];
  fx_status_seed_of (tag, seed);
  return model_platform_key_from_seed (seed);
}

static GBytes *
signed_sample (const ModelCredential *c, const ModelPlatformKey *key)
{
  g_autoptr (GError) error = NULL;
  GBytes *b = model_credential_sign (c, key, &error);
  g_assert_no_error (error);
  g_assert_nonnull (b);
  return b;
}

static void
assert_msg_has (const GError *error, const char *needle)
{
  if (strstr (error->message, needle) == NULL)
    g_error ("message \"%s\" lacks \"%s\"", error->message, needle);
}

static void
assert_decode_fails (const guint8 *p, gsize n, const char *needle)
{
  g_autoptr (GError) error = NULL;
  g_assert_false (model_credential_decode (p, n, NULL, &error));
  g_assert_error (error, MODEL_CREDENTIAL_ERROR, MODEL_STD_MALFORMED);
  assert_msg_has (error, needle);
}

/* Field by field: struct padding need not survive a copy. */
static void
assert_cred_equal (const ModelCredential *a, const ModelCredential *b)
{
  g_assert_cmpuint (a->level, ==, b->level);
  g_assert_cmpmem (a->ecard_id, 16, b->ecard_id, 16);
  g_assert_cmpstr (a->ssn, ==, b->ssn);
  g_assert_cmpstr (a->name, ==, b->name);
  g_assert_cmpstr (a->card_no, ==, b->card_no);
  g_assert_cmpuint (a->city, ==, b->city);
  g_assert_cmpmem (a->device_pk, 32, b->device_pk, 32);
  g_assert_cmpint (a->issued_at, ==, b->issued_at);
  g_assert_cmpint (a->expires_at, ==, b->expires_at);
  g_assert_cmpmem (a->signer_key_id, 8, b->signer_key_id, 8);
}

static guint64
be (const guint8 *p, int n)
{
  guint64 v = 0;
  for (int i = 0; i < n; i++)
    v = v << 8 | p[i];
  return v;
}

/* CRED-1, CRED-2: every field at its documented offset, big-endian. */
static void
test_layout (void)
{
  ModelCredential c;
  sample (&c);
  g_autoptr (ModelPlatformKey) key = platform_key (1);
  g_autoptr (GBytes) b = signed_sample (&c, key);
  gsize len;
  const guint8 *p = g_bytes_get_data (b, &len);
  gsize n = strlen (c.name);

  g_assert_cmpuint (n, ==, 6);
  g_assert_cmpuint (len, ==, MODEL_CRED_FIXED_LEN + n);
  g_assert_cmpmem (p, 4, "ESC1", 4);
  g_assert_cmpuint (p[4], ==, 1);
  g_assert_cmpuint (p[5], ==, 2);
  g_assert_cmpmem (p + 6, 16, c.ecard_id, 16);
  g_assert_cmpmem (p + 22, 18, "11010519491231002X", 18);
  g_assert_cmpuint (p[40], ==, n);
  g_assert_cmpmem (p + 41, n, "张三", n);
  g_assert_cmpmem (p + 41 + n, 9, "A00000001", 9);
  g_assert_cmpuint (be (p + 50 + n, 4), ==, 110100);
  g_assert_cmpmem (p + 54 + n, 32, c.device_pk, 32);
  g_assert_cmpint ((gint64) be (p + 86 + n, 8), ==, c.issued_at);
  g_assert_cmpint ((gint64) be (p + 94 + n, 8), ==, c.expires_at);
  g_assert_cmpmem (p + 102 + n, 8, model_platform_key_id (key), 8);
  g_assert_cmpint (crypto_sign_verify_detached (p + 110 + n, p, 110 + n,
                                                model_platform_key_public (key)), ==, 0);

  /* The signed part is exactly the credential without its signature. */
  memcpy (c.signer_key_id, model_platform_key_id (key), 8);
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) tbs = model_credential_encode_tbs (&c, &error);
  g_assert_no_error (error);
  gsize tlen;
  const guint8 *t = g_bytes_get_data (tbs, &tlen);
  g_assert_cmpmem (t, tlen, p, len - 64);

  /* Negative times are two's complement. */
  c.issued_at = -2;
  c.expires_at = -1;
  g_autoptr (GBytes) neg = signed_sample (&c, key);
  p = g_bytes_get_data (neg, NULL);
  g_assert_cmpuint (be (p + 86 + n, 8), ==, G_GUINT64_CONSTANT (0xfffffffffffffffe));
}

/* CRED-4: decode gives back the fields; re-encoding gives the same bytes. */
static void
test_canonical_roundtrip (void)
{
  g_autoptr (ModelPlatformKey) key = platform_key (1);
  const char *names[] = { "A", "张三", "Zhāng Sān-O'Brien",
                          "阿依古丽·买买提吐尔逊阿依古丽·买买提吐尔逊" };
  for (gsize k = 0; k < G_N_ELEMENTS (names); k++)
    {
      ModelCredential c, d;
      sample (&c);
      g_assert_cmpuint (strlen (names[k]), <=, 64);   /* the last is exactly 64 */
      strcpy (c.name, names[k]);
      c.level = (guint8) (1 + k % 2);
      g_autoptr (GBytes) b = signed_sample (&c, key);
      gsize len;
      const guint8 *p = g_bytes_get_data (b, &len);
      g_autoptr (GError) error = NULL;
      g_assert_true (model_credential_decode (p, len, &d, &error));
      g_assert_no_error (error);
      memcpy (c.signer_key_id, model_platform_key_id (key), 8);
      assert_cred_equal (&c, &d);
      g_autoptr (GBytes) again = signed_sample (&d, key);
      g_assert_true (g_bytes_equal (b, again));
    }
}

/* CRED-4: every prefix and every extension is malformed. */
static void
test_truncated_extended (void)
{
  ModelCredential c;
  sample (&c);
  g_autoptr (ModelPlatformKey) key = platform_key (1);
  g_autoptr (GBytes) b = signed_sample (&c, key);
  gsize len;
  const guint8 *p = g_bytes_get_data (b, &len);

  assert_decode_fails (NULL, 0, "field magic at byte 0: truncated");
  for (gsize n = 1; n < len; n++)
    assert_decode_fails (p, n, "truncated");
  assert_decode_fails (p, len - 1, "field signature at byte");

  guint8 longer[MODEL_CRED_MAX_LEN + 2];
  memcpy (longer, p, len);
  longer[len] = 0;
  assert_decode_fails (longer, len + 1, "1 trailing bytes");
  longer[len + 1] = 0;
  assert_decode_fails (longer, len + 2, "2 trailing bytes");
}

/* Decodes a copy of b with byte at set to v; expects MALFORMED naming needle. */
static void
assert_byte_refused (GBytes *b, gsize at, guint8 v, const char *needle)
{
  gsize len;
  const guint8 *p = g_bytes_get_data (b, &len);
  g_autofree guint8 *q = g_memdup2 (p, len);
  q[at] = v;
  assert_decode_fails (q, len, needle);
}

/* CRED-3, CRED-4: each field rule, on the wire. */
static void
test_field_rules_wire (void)
{
  ModelCredential c;
  sample (&c);
  strcpy (c.name, "ABCD");
  g_autoptr (ModelPlatformKey) key = platform_key (1);
  g_autoptr (GBytes) b = signed_sample (&c, key);
  const gsize n = 4;

  assert_byte_refused (b, 0, 'e', "field magic at byte 0");
  assert_byte_refused (b, 3, '2', "field magic at byte 0");
  assert_byte_refused (b, 4, 0, "field version at byte 4");
  assert_byte_refused (b, 4, 2, "field version at byte 4");
  assert_byte_refused (b, 5, 0, "field level at byte 5");
  assert_byte_refused (b, 5, 3, "field level at byte 5");
  assert_byte_refused (b, 22, 'a', "field ssn at byte 22");
  assert_byte_refused (b, 22 + 17, 'x', "field ssn at byte 22");
  assert_byte_refused (b, 22 + 17, 'Y', "field ssn at byte 22");
  assert_byte_refused (b, 22 + 16, 'X', "field ssn at byte 22");
  assert_byte_refused (b, 40, 0, "field name_len at byte 40");
  assert_byte_refused (b, 40, 65, "field name_len at byte 40");
  assert_byte_refused (b, 41 + 1, 0x00, "field name at byte 41: expected valid UTF-8");
  assert_byte_refused (b, 41 + 1, 0xff, "field name at byte 41: expected valid UTF-8");
  assert_byte_refused (b, 41 + 3, 0xc3, "field name at byte 41: expected valid UTF-8");
  assert_byte_refused (b, 41 + 2, 0x1f, "field name at byte 41: expected no control");
  assert_byte_refused (b, 41 + 2, 0x7f, "field name at byte 41: expected no control");
  assert_byte_refused (b, 41 + n, 'a', "field card_no at byte 45");
  assert_byte_refused (b, 41 + n + 8, 'Z', "field card_no at byte 45");
  assert_byte_refused (b, 50 + n, 0x01, "field city at byte 54");       /* > 999999 */
  assert_byte_refused (b, 50 + n + 1, 0x00, "field city at byte 54");   /* < 100000 */
  assert_byte_refused (b, 86 + n, 0x7f, "field expires_at at byte 98"); /* issued far future */

  /* A name with a C1 control (U+0085, NEL) and an over-long encoding. */
  gsize len;
  const guint8 *p = g_bytes_get_data (b, &len);
  g_autofree guint8 *q = g_memdup2 (p, len);
  q[41] = 0xc2;
  q[42] = 0x85;
  assert_decode_fails (q, len, "field name at byte 41: expected no control");
  q[41] = 0xc0;
  q[42] = 0x81;
  assert_decode_fails (q, len, "field name at byte 41: expected valid UTF-8");

  /* A device key that is no Ed25519 public key (the identity, small order). */
  memcpy (q, p, len);
  memset (q + 54 + n, 0, 32);
  q[54 + n] = 1;
  assert_decode_fails (q, len, "field device_pk at byte 58");

  /* expires_at == issued_at. */
  memcpy (q, p, len);
  memcpy (q + 94 + n, q + 86 + n, 8);
  assert_decode_fails (q, len, "field expires_at at byte 98: expected a time after issued_at");
}

static void
assert_sign_refused (const ModelCredential *c, const char *needle)
{
  g_autoptr (ModelPlatformKey) key = platform_key (1);
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) b = model_credential_sign (c, key, &error);
  g_assert_null (b);
  g_assert_error (error, MODEL_CREDENTIAL_ERROR, MODEL_STD_MALFORMED);
  assert_msg_has (error, needle);
  g_clear_error (&error);
  g_assert_false (model_credential_check (c, &error));
  g_assert_error (error, MODEL_CREDENTIAL_ERROR, MODEL_STD_MALFORMED);
}

/* CRED-3, CRED-11: the encoder refuses what the decoder would refuse. */
static void
test_field_rules_struct (void)
{
  ModelCredential c;
  g_autoptr (GError) error = NULL;

  sample (&c);
  g_assert_true (model_credential_check (&c, &error));
  g_assert_no_error (error);

  sample (&c); c.level = 0;                      assert_sign_refused (&c, "level");
  sample (&c); c.level = 3;                      assert_sign_refused (&c, "level");
  sample (&c); c.ssn[17] = '\0';                 assert_sign_refused (&c, "ssn");
  sample (&c); c.ssn[17] = 'x';                  assert_sign_refused (&c, "ssn");
  sample (&c); c.ssn[0] = 'X';                   assert_sign_refused (&c, "ssn");
  sample (&c); c.name[0] = '\0';                 assert_sign_refused (&c, "name");
  sample (&c); memset (c.name, 'A', 65);         assert_sign_refused (&c, "name");
  sample (&c); strcpy (c.name, "A\tB");          assert_sign_refused (&c, "control");
  sample (&c); strcpy (c.name, "\xe5\xbc");      assert_sign_refused (&c, "UTF-8");
  sample (&c); strcpy (c.card_no, "a00000001");  assert_sign_refused (&c, "card_no");
  sample (&c); strcpy (c.card_no, "A0000001");   assert_sign_refused (&c, "card_no");
  sample (&c); memset (c.card_no, 'A', 10);      assert_sign_refused (&c, "card_no");
  sample (&c); c.city = 99999;                   assert_sign_refused (&c, "city");
  sample (&c); c.city = 1000000;                 assert_sign_refused (&c, "city");
  sample (&c); memset (c.device_pk, 0, 32);      assert_sign_refused (&c, "device_pk");
  sample (&c); c.expires_at = c.issued_at;       assert_sign_refused (&c, "expires_at");

  /* The bounds themselves are fine. */
  sample (&c);
  memset (c.name, 'A', 64);
  c.name[64] = '\0';
  c.city = 999999;
  c.level = 1;
  c.expires_at = c.issued_at + 1;
  g_assert_true (model_credential_check (&c, &error));
  g_assert_no_error (error);
  c.city = 100000;
  g_assert_true (model_credential_check (&c, &error));
}

static gboolean
verify (GBytes *b, const ModelTrustList *trust, FxFakeStatus *fs, gint64 now,
        ModelCredential *out, GError **error)
{
  gsize len;
  const guint8 *p = g_bytes_get_data (b, &len);
  return model_credential_verify (p, len, trust, fx_status_fake, fs, now, out, error);
}

/* CRYPTO-1, CRED-5, CRED-8: a good credential verifies; unknown and wrong keys do not. */
static void
test_verify_keys (void)
{
  ModelCredential c, out;
  sample (&c);
  g_autoptr (ModelPlatformKey) key = platform_key (1);
  g_autoptr (ModelPlatformKey) other = platform_key (2);
  g_autoptr (ModelTrustList) trust = model_trust_list_new ();
  g_autoptr (GError) error = NULL;
  FxFakeStatus fs = { .answer = MODEL_STD_OK };
  memcpy (fs.id, c.ecard_id, 16);

  g_autoptr (GBytes) b = signed_sample (&c, key);
  g_assert_false (verify (b, trust, &fs, ESSC_TEST_NOW, NULL, &error));
  g_assert_error (error, MODEL_CREDENTIAL_ERROR, MODEL_STD_UNKNOWN_KEY);
  g_clear_error (&error);

  g_assert_true (model_trust_list_add (trust, model_platform_key_public (other), &error));
  g_assert_false (verify (b, trust, &fs, ESSC_TEST_NOW, NULL, &error));
  g_assert_error (error, MODEL_CREDENTIAL_ERROR, MODEL_STD_UNKNOWN_KEY);
  g_clear_error (&error);

  g_assert_true (model_trust_list_add (trust, model_platform_key_public (key), &error));
  g_assert_true (verify (b, trust, &fs, ESSC_TEST_NOW, &out, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (out.name, ==, "张三");
  g_assert_cmpmem (out.signer_key_id, 8, model_platform_key_id (key), 8);
  g_assert_cmpint (fs.calls, ==, 1);

  /* Signed by the other (trusted) key while naming this key's id. */
  gsize len;
  const guint8 *p = g_bytes_get_data (b, &len);
  g_autofree guint8 *q = g_memdup2 (p, len);
  guint8 seed[32], pk[32], sk[64];
  fx_status_seed_of (2, seed);
  crypto_sign_seed_keypair (pk, sk, seed);
  crypto_sign_detached (q + len - 64, NULL, q, len - 64, sk);
  sodium_memzero (sk, sizeof sk);
  fs.calls = 0;
  g_assert_false (model_credential_verify (q, len, trust, fx_status_fake, &fs,
                                           ESSC_TEST_NOW, NULL, &error));
  g_assert_error (error, MODEL_CREDENTIAL_ERROR, MODEL_STD_BAD_SIGNATURE);
  g_assert_cmpint (fs.calls, ==, 0);   /* no status lookup for a forgery */
}

/* CRED-6: issued_at <= now < expires_at. */
static void
test_verify_window (void)
{
  ModelCredential c;
  sample (&c);
  g_autoptr (ModelPlatformKey) key = platform_key (1);
  g_autoptr (ModelTrustList) trust = model_trust_list_new ();
  g_assert_true (model_trust_list_add (trust, model_platform_key_public (key), NULL));
  FxFakeStatus fs = { .answer = MODEL_STD_OK };
  memcpy (fs.id, c.ecard_id, 16);
  g_autoptr (GBytes) b = signed_sample (&c, key);
  g_autoptr (GError) error = NULL;

  g_assert_true (verify (b, trust, &fs, c.issued_at, NULL, &error));
  g_assert_true (verify (b, trust, &fs, c.expires_at - 1, NULL, &error));
  g_assert_no_error (error);
  g_assert_false (verify (b, trust, &fs, c.issued_at - 1, NULL, &error));
  g_assert_error (error, MODEL_CREDENTIAL_ERROR, MODEL_STD_NOT_YET_VALID);
  g_clear_error (&error);
  g_assert_false (verify (b, trust, &fs, c.expires_at, NULL, &error));
  g_assert_error (error, MODEL_CREDENTIAL_ERROR, MODEL_STD_EXPIRED);
  g_clear_error (&error);
  g_assert_false (verify (b, trust, &fs, G_MAXINT64, NULL, &error));
  g_assert_error (error, MODEL_CREDENTIAL_ERROR, MODEL_STD_EXPIRED);
  g_clear_error (&error);
  g_assert_false (verify (b, trust, &fs, G_MININT64, NULL, &error));
  g_assert_error (error, MODEL_CREDENTIAL_ERROR, MODEL_STD_NOT_YET_VALID);
}

/* CRED-5, CRED-7: the card's current status decides last. */
static void
test_verify_status (void)
{
  ModelCredential c;
  sample (&c);
  g_autoptr (ModelPlatformKey) key = platform_key (1);
  g_autoptr (ModelTrustList) trust = model_trust_list_new ();
  g_assert_true (model_trust_list_add (trust, model_platform_key_public (key), NULL));
  FxFakeStatus fs = { .answer = MODEL_STD_OK };
  memcpy (fs.id, c.ecard_id, 16);
  g_autoptr (GBytes) b = signed_sample (&c, key);
  const struct { ModelStdCode answer, want; } cases[] = {
    { MODEL_STD_CARD_UNUSABLE, MODEL_STD_CARD_UNUSABLE },
    { MODEL_STD_NOT_FOUND, MODEL_STD_NOT_FOUND },
    { MODEL_STD_INTERNAL, MODEL_STD_CARD_UNUSABLE },
    { MODEL_STD_INVALID_STATE, MODEL_STD_CARD_UNUSABLE },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      fs.answer = cases[i].answer;
      g_assert_false (verify (b, trust, &fs, ESSC_TEST_NOW, NULL, &error));
      g_assert_error (error, MODEL_CREDENTIAL_ERROR, (gint) cases[i].want);
      assert_msg_has (error, model_std_code_name (cases[i].answer));
    }
  /* An e-card the feed does not know. */
  g_autoptr (GError) error = NULL;
  fs.answer = MODEL_STD_OK;
  fs.id[0] ^= 1;
  g_assert_false (verify (b, trust, &fs, ESSC_TEST_NOW, NULL, &error));
  g_assert_error (error, MODEL_CREDENTIAL_ERROR, MODEL_STD_NOT_FOUND);
  /* And an expired credential is refused before the feed is asked. */
  fs.calls = 0;
  g_clear_error (&error);
  g_assert_false (verify (b, trust, &fs, c.expires_at, NULL, &error));
  g_assert_error (error, MODEL_CREDENTIAL_ERROR, MODEL_STD_EXPIRED);
  g_assert_cmpint (fs.calls, ==, 0);
}

/* CRED-2, CRED-4: every single flipped bit is refused, never accepted. */
static void
test_every_bit_flip (void)
{
  ModelCredential c;
  sample (&c);
  g_autoptr (ModelPlatformKey) key = platform_key (1);
  g_autoptr (ModelTrustList) trust = model_trust_list_new ();
  g_assert_true (model_trust_list_add (trust, model_platform_key_public (key), NULL));
  FxFakeStatus fs = { .answer = MODEL_STD_OK };
  memcpy (fs.id, c.ecard_id, 16);
  g_autoptr (GBytes) b = signed_sample (&c, key);
  gsize len;
  const guint8 *p = g_bytes_get_data (b, &len);
  g_autofree guint8 *q = g_memdup2 (p, len);
  int counts[MODEL_STD_N_CODES] = { 0 };

  for (gsize bit = 0; bit < 8 * len; bit++)
    {
      g_autoptr (GError) error = NULL;
      q[bit / 8] ^= (guint8) (1u << (bit % 8));
      g_assert_false (model_credential_verify (q, len, trust, fx_status_fake, &fs,
                                               ESSC_TEST_NOW, NULL, &error));
      g_assert_nonnull (error);
      g_assert_cmpint (error->code, !=, MODEL_STD_OK);
      counts[error->code]++;
      q[bit / 8] ^= (guint8) (1u << (bit % 8));
    }
  g_assert_cmpmem (q, len, p, len);
  g_test_message ("flips: %d malformed, %d bad_signature, %d unknown_key",
                  counts[MODEL_STD_MALFORMED], counts[MODEL_STD_BAD_SIGNATURE],
                  counts[MODEL_STD_UNKNOWN_KEY]);
  g_assert_cmpint (counts[MODEL_STD_MALFORMED], >, 0);
  g_assert_cmpint (counts[MODEL_STD_BAD_SIGNATURE], >, 0);
  g_assert_cmpint (counts[MODEL_STD_UNKNOWN_KEY], ==, 64);
  g_assert_true (model_credential_verify (q, len, trust, fx_status_fake, &fs,
                                          ESSC_TEST_NOW, NULL, NULL));
}

typedef struct {
  const ModelTrustList *list;
  GPtrArray *ids;
} Collect;

static void
collect_key (const guint8 key_id[8], const guint8 public_key[32], gpointer user_data)
{
  Collect *col = user_data;
  g_assert_cmpmem (model_trust_list_lookup (col->list, key_id), 32, public_key, 32);
  g_ptr_array_add (col->ids, g_memdup2 (key_id, 8));
}

/* CRED-8: the trust list. */
static void
test_trust_list (void)
{
  g_autoptr (ModelTrustList) trust = model_trust_list_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  Collect col = { trust, ids };
  ModelPlatformKey *keys[5];

  for (int i = 0; i < 5; i++)
    {
      keys[i] = platform_key ((guint8) (10 + i));
      g_assert_true (model_trust_list_add (trust, model_platform_key_public (keys[i]), &error));
      g_assert_no_error (error);
    }
  g_assert_true (model_trust_list_add (trust, model_platform_key_public (keys[0]), &error));
  g_assert_cmpuint (model_trust_list_size (trust), ==, 5);
  for (int i = 0; i < 5; i++)
    g_assert_cmpmem (model_trust_list_lookup (trust, model_platform_key_id (keys[i])), 32,
                     model_platform_key_public (keys[i]), 32);
  guint8 none[8] = { 0 };
  g_assert_null (model_trust_list_lookup (trust, none));

  model_trust_list_foreach (trust, collect_key, &col);
  g_assert_cmpuint (ids->len, ==, 5);
  for (guint i = 1; i < ids->len; i++)
    g_assert_cmpint (memcmp (g_ptr_array_index (ids, i - 1), g_ptr_array_index (ids, i), 8), <, 0);

  guint8 bad[32] = { 0 };   /* y = 0: not a prime-order point */
  g_assert_false (model_trust_list_add (trust, bad, &error));
  g_assert_error (error, MODEL_CREDENTIAL_ERROR, MODEL_STD_MALFORMED);
  g_assert_cmpuint (model_trust_list_size (trust), ==, 5);

  for (int i = 0; i < 5; i++)
    model_platform_key_free (keys[i]);
  model_trust_list_free (NULL);
}

/* CRED-9: key pairs from seeds are deterministic; generated ones differ. */
static void
test_platform_key (void)
{
  guint8 seed[32], back[32], pk[32], sk[64];
  fx_status_seed_of (1, seed);
  g_autoptr (ModelPlatformKey) a = model_platform_key_from_seed (seed);
  g_autoptr (ModelPlatformKey) b = model_platform_key_from_seed (seed);
  g_autoptr (ModelPlatformKey) g1 = model_platform_key_generate ();
  g_autoptr (ModelPlatformKey) g2 = model_platform_key_generate ();
  guint8 id[8];

  crypto_sign_seed_keypair (pk, sk, seed);
  g_assert_cmpmem (model_platform_key_public (a), 32, pk, 32);
  g_assert_cmpmem (model_platform_key_public (b), 32, pk, 32);
  model_key_id (pk, 32, id);
  g_assert_cmpmem (model_platform_key_id (a), 8, id, 8);
  model_platform_key_get_seed (a, back);
  g_assert_cmpmem (back, 32, seed, 32);
  g_assert_cmpint (memcmp (model_platform_key_public (g1),
                           model_platform_key_public (g2), 32), !=, 0);
  model_platform_key_free (NULL);
  sodium_memzero (sk, sizeof sk);
  sodium_memzero (back, sizeof back);
}

int
main (int argc, char **argv)
{
  essc_test_init (&argc, &argv);
  g_test_add_func ("/credential/encode/layout", test_layout);
  g_test_add_func ("/credential/decode/canonical-roundtrip", test_canonical_roundtrip);
  g_test_add_func ("/credential/decode/truncated-extended", test_truncated_extended);
  g_test_add_func ("/credential/decode/field-rules", test_field_rules_wire);
  g_test_add_func ("/credential/encode/field-rules", test_field_rules_struct);
  g_test_add_func ("/credential/verify/keys", test_verify_keys);
  g_test_add_func ("/credential/verify/window", test_verify_window);
  g_test_add_func ("/credential/verify/status", test_verify_status);
  g_test_add_func ("/credential/verify/every-bit-flip", test_every_bit_flip);
  g_test_add_func ("/credential/trust-list", test_trust_list);
  g_test_add_func ("/credential/platform-key", test_platform_key);
  return g_test_run ();
}
