/* SPDX-License-Identifier: MIT */
/*
 * Randomised hostile input for every parser of model/std/: random bytes,
 * random mutations (flips, truncations, extensions, splices) of valid
 * encodings, fed to the ID validator, the Base45, credential, QR token and
 * channel request decoders and verifiers.  Each must return an answer (and,
 * when it refuses, a GError with a ModelStdCode), never crash or read out
 * of bounds (the sanitizer build checks that).  The seed is GTest's
 * (printed at start; rerun with --seed to reproduce).
 */
#include "model/std/base45.h"
#include "model/std/channel.h"
#include "model/std/credential.h"
#include "model/std/id.h"
#include "model/std/qr.h"
#include "tests/lib/testutil.h"

#include <sodium.h>
#include <string.h>

#define ROUNDS 3000

static ModelStdCode
any_status (const guint8 id[16], gpointer data)
{
  return MODEL_STD_OK;
}

/* A mutated copy of src (len bytes) into a new GByteArray. */
static GByteArray *
mutate (const guint8 *src, gsize len)
{
  GByteArray *b = g_byte_array_new ();
  g_byte_array_append (b, src, (guint) len);
  int kind = g_test_rand_int_range (0, 5);
  switch (kind)
    {
    case 0: /* flip 1..4 random bits */
      for (int n = g_test_rand_int_range (1, 5); n > 0 && b->len > 0; n--)
        b->data[g_test_rand_int_range (0, (gint32) b->len)] ^= (guint8) (1u << g_test_rand_int_range (0, 8));
      break;
    case 1: /* truncate */
      g_byte_array_set_size (b, b->len ? (guint) g_test_rand_int_range (0, (gint32) b->len) : 0);
      break;
    case 2: /* extend with random bytes */
      for (int n = g_test_rand_int_range (1, 64); n > 0; n--)
        {
          guint8 c = (guint8) g_test_rand_int_range (0, 256);
          g_byte_array_append (b, &c, 1);
        }
      break;
    case 3: /* overwrite a random byte */
      if (b->len > 0)
        b->data[g_test_rand_int_range (0, (gint32) b->len)] = (guint8) g_test_rand_int_range (0, 256);
      break;
    default: /* random bytes of a similar length */
      for (guint i = 0; i < b->len; i++)
        b->data[i] = (guint8) g_test_rand_int_range (0, 256);
      break;
    }
  return b;
}

static void
assert_refusal (GError *error)
{
  g_assert_nonnull (error);
  g_assert_cmpint (error->code, >, MODEL_STD_OK);
  g_assert_cmpint (error->code, <, MODEL_STD_N_CODES);
  g_assert_nonnull (error->message);
}

static void
test_id (void)
{
  const char *valid = "11010519491231002X";
  for (int r = 0; r < ROUNDS * 10; r++)
    {
      g_autoptr (GByteArray) b = mutate ((const guint8 *) valid, 18);
      guint8 nul = 0;
      g_byte_array_append (b, &nul, 1);
      g_autoptr (GError) error = NULL;
      if (!model_id_validate ((const char *) b->data, ESSC_TEST_NOW, NULL, &error))
        assert_refusal (error);
    }
}

static void
test_base45 (void)
{
  const char *valid = "%69 VD92EX0";
  for (int r = 0; r < ROUNDS * 10; r++)
    {
      g_autoptr (GByteArray) b = mutate ((const guint8 *) valid, strlen (valid));
      g_autoptr (GError) error = NULL;
      g_autoptr (GBytes) out = model_base45_decode ((const char *) b->data, (gssize) b->len,
                                                    &error);
      if (out == NULL)
        assert_refusal (error);
    }
}

static void
test_credential_and_qr (void)
{
  guint8 seed[32] = { 3 };
  g_autoptr (ModelPlatformKey) platform = model_platform_key_from_seed (seed);
  g_autoptr (ModelDeviceKey) device = model_device_key_from_seed (seed);
  g_autoptr (ModelTrustList) trust = model_trust_list_new ();
  g_assert_true (model_trust_list_add (trust, model_platform_key_public (platform), NULL));

  ModelCredential cred = { .level = 2, .ssn = "11010519491231002X", .name = "王五",
                           .card_no = "A00000001", .city = 110100,
                           .issued_at = ESSC_TEST_NOW - 10, .expires_at = ESSC_TEST_NOW + 86400 };
  memcpy (cred.device_pk, model_device_key_public (device), 32);
  g_autoptr (GBytes) signed_cred = model_credential_sign (&cred, platform, NULL);
  g_assert_nonnull (signed_cred);
  gsize clen;
  const guint8 *cbytes = g_bytes_get_data (signed_cred, &clen);
  g_autofree char *token = model_qr_issue (device, cbytes, clen, MODEL_QR_IDENTITY, NULL,
                                           ESSC_TEST_NOW, NULL);
  g_assert_nonnull (token);
  g_autoptr (GBytes) tbytes = model_qr_text_to_bytes (token, NULL);
  g_assert_nonnull (tbytes);

  int accepted = 0;
  for (int r = 0; r < ROUNDS; r++)
    {
      g_autoptr (GByteArray) c = mutate (cbytes, clen);
      g_autoptr (GError) error = NULL;
      if (model_credential_verify (c->data, c->len, trust, any_status, NULL, ESSC_TEST_NOW,
                                   NULL, &error))
        accepted += memcmp (c->data, cbytes, MIN (c->len, clen)) != 0 || c->len != clen;
      else
        assert_refusal (error);

      /* The token: mutated bytes re-encoded as text, and mutated text. */
      g_autoptr (GByteArray) t = mutate (g_bytes_get_data (tbytes, NULL), g_bytes_get_size (tbytes));
      g_autofree char *text = model_qr_text_from_bytes (t->data, t->len);
      g_autoptr (GByteArray) raw = mutate ((const guint8 *) token, strlen (token));
      guint8 nul = 0;
      g_byte_array_append (raw, &nul, 1);
      const char *candidates[] = { text, (const char *) raw->data };
      for (gsize k = 0; k < G_N_ELEMENTS (candidates); k++)
        {
          g_autoptr (ModelQrReplayCache) cache = model_qr_replay_cache_new ();
          ModelQrVerifier v = { trust, any_status, NULL, cache };
          g_autoptr (GError) qerror = NULL;
          ModelQrToken out;
          if (model_qr_verify (&v, candidates[k], MODEL_QR_IDENTITY, FALSE, ESSC_TEST_NOW, &out,
                               &qerror))
            accepted += strcmp (candidates[k], token) != 0;
          else
            assert_refusal (qerror);
        }
    }
  /* No mutation that changes the signed bytes may pass. */
  g_assert_cmpint (accepted, ==, 0);
}

static void
test_channel_request (void)
{
  guint8 pk[32], sk[64], seed[32] = { 9 };
  crypto_sign_seed_keypair (pk, sk, seed);
  ModelChannelRequest req;
  g_assert_true (model_channel_request_init (&req, "CH000001", NULL, ESSC_TEST_NOW, NULL,
                                             "card.status", NULL, 0, NULL));
  g_assert_true (model_channel_request_sign (&req, sk, NULL));
  g_autoptr (GBytes) wire = model_channel_request_encode (&req);
  gsize len;
  const guint8 *bytes = g_bytes_get_data (wire, &len);

  for (int r = 0; r < ROUNDS * 3; r++)
    {
      g_autoptr (GByteArray) b = mutate (bytes, len);
      g_autoptr (GError) error = NULL;
      ModelChannelRequest out;
      if (!model_channel_request_decode (b->data, b->len, &out, &error))
        assert_refusal (error);
    }
  sodium_memzero (sk, sizeof sk);
}

int
main (int argc, char **argv)
{
  essc_test_init (&argc, &argv);
  g_test_add_func ("/fuzz/id", test_id);
  g_test_add_func ("/fuzz/base45", test_base45);
  g_test_add_func ("/fuzz/credential-and-qr", test_credential_and_qr);
  g_test_add_func ("/fuzz/channel-request", test_channel_request);
  return g_test_run ();
}
