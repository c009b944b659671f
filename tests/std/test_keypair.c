/* SPDX-License-Identifier: MIT */
/*
 * Tests of model/std/keypair: the Ed25519 key pair behind the platform key and
 * the device key.  Vectors are RFC 8032 section 7.1, tests 1 and 2 (checked
 * again with Python's cryptography package); the key id with hashlib.blake2b.
 */
#include "model/std/keypair.h"
#include "model/std/credential.h"
#include "model/std/qr.h"
#include "tests/lib/testutil.h"

#include <sodium.h>
#include <string.h>

static void
from_hex (const char *hex, guint8 *out, gsize len)
{
  gsize n = 0;
  g_assert_cmpint (sodium_hex2bin (out, len, hex, strlen (hex), NULL, &n, NULL), ==, 0);
  g_assert_cmpuint (n, ==, len);
}

typedef struct {
  const char *seed, *pk, *msg, *sig;
} Vector;

static const Vector rfc8032[] = {
  { "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
    "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
    "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
    "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b" },
  { "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
    "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
    "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da"
    "085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00" },
};

/* CRYPTO-1: the pair of a seed and its signatures are RFC 8032's. */
static void
test_rfc8032 (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (rfc8032); i++)
    {
      const Vector *v = &rfc8032[i];
      guint8 seed[32], pk[32], sig[64], got[64], msg[1], back[32];
      gsize msg_len = strlen (v->msg) / 2;
      from_hex (v->seed, seed, 32);
      from_hex (v->pk, pk, 32);
      from_hex (v->sig, sig, 64);
      if (msg_len > 0)
        from_hex (v->msg, msg, msg_len);

      g_autoptr (ModelKeyPair) key = model_key_pair_from_seed (seed);
      g_assert_cmpmem (model_key_pair_public (key), 32, pk, 32);
      model_key_pair_sign (key, msg, msg_len, got);
      g_assert_cmpmem (got, 64, sig, 64);
      model_key_pair_get_seed (key, back);
      g_assert_cmpmem (back, 32, seed, 32);
      sodium_memzero (back, sizeof back);
    }
}

/* CRYPTO-2: the pair's key id is model_key_id of its public key. */
static void
test_key_id (void)
{
  guint8 seed[32], expected[MODEL_KEY_ID_LEN], id[MODEL_KEY_ID_LEN];
  from_hex (rfc8032[0].seed, seed, 32);
  from_hex ("7849ac3049680be1", expected, sizeof expected);
  g_autoptr (ModelKeyPair) key = model_key_pair_from_seed (seed);
  g_assert_cmpmem (model_key_pair_id (key), MODEL_KEY_ID_LEN, expected, sizeof expected);
  model_key_id (model_key_pair_public (key), MODEL_KEY_PAIR_PK_LEN, id);
  g_assert_cmpmem (id, sizeof id, expected, sizeof expected);
}

/* CRYPTO-3: generated pairs differ, sign for themselves, and come back from
 * their seed. */
static void
test_generate (void)
{
  g_autoptr (ModelKeyPair) a = model_key_pair_generate ();
  g_autoptr (ModelKeyPair) b = model_key_pair_generate ();
  g_assert_true (memcmp (model_key_pair_public (a), model_key_pair_public (b), 32) != 0);
  g_assert_true (memcmp (model_key_pair_id (a), model_key_pair_id (b), MODEL_KEY_ID_LEN) != 0);

  static const guint8 msg[] = "ESSC-STD";
  guint8 sig[MODEL_KEY_PAIR_SIG_LEN], seed[MODEL_KEY_PAIR_SEED_LEN];
  model_key_pair_sign (a, msg, sizeof msg, sig);
  g_assert_cmpint (crypto_sign_verify_detached (sig, msg, sizeof msg,
                                                model_key_pair_public (a)), ==, 0);
  g_assert_cmpint (crypto_sign_verify_detached (sig, msg, sizeof msg,
                                                model_key_pair_public (b)), !=, 0);
  g_assert_cmpint (crypto_sign_verify_detached (sig, msg, sizeof msg - 1,
                                                model_key_pair_public (a)), !=, 0);

  model_key_pair_get_seed (a, seed);
  g_autoptr (ModelKeyPair) again = model_key_pair_from_seed (seed);
  sodium_memzero (seed, sizeof seed);
  g_assert_cmpmem (model_key_pair_public (again), 32, model_key_pair_public (a), 32);
  guint8 sig2[MODEL_KEY_PAIR_SIG_LEN];
  model_key_pair_sign (again, msg, sizeof msg, sig2);
  g_assert_cmpmem (sig2, sizeof sig2, sig, sizeof sig);   /* Ed25519 is deterministic */
}

/* The role names of credential.h and qr.h are this type, and free accepts NULL. */
static void
test_role_names (void)
{
  guint8 seed[32];
  from_hex (rfc8032[1].seed, seed, 32);
  g_autoptr (ModelKeyPair) key = model_key_pair_from_seed (seed);
  g_autoptr (ModelPlatformKey) platform = model_platform_key_from_seed (seed);
  g_autoptr (ModelDeviceKey) device = model_device_key_from_seed (seed);
  g_assert_cmpmem (model_platform_key_public (platform), 32, model_key_pair_public (key), 32);
  g_assert_cmpmem (model_platform_key_id (platform), MODEL_KEY_ID_LEN,
                   model_key_pair_id (key), MODEL_KEY_ID_LEN);
  g_assert_cmpmem (model_device_key_public (device), 32, model_key_pair_public (key), 32);
  model_key_pair_free (NULL);
  model_platform_key_free (NULL);
  model_device_key_free (NULL);
}

int
main (int argc, char **argv)
{
  essc_test_init (&argc, &argv);
  g_test_add_func ("/keypair/from-seed/rfc8032", test_rfc8032);
  g_test_add_func ("/keypair/key-id", test_key_id);
  g_test_add_func ("/keypair/generate", test_generate);
  g_test_add_func ("/keypair/role-names", test_role_names);
  return g_test_run ();
}
