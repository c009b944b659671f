/* SPDX-License-Identifier: MIT */
/*
 * The Ed25519 key pair of model/std/keypair.h, on libsodium's crypto_sign: the
 * public key, libsodium's 64-byte secret key (seed || public key) and the key
 * id, computed once at creation.  The whole struct is wiped on free.
 */
#include "model/std/keypair.h"

#include <sodium.h>
#include <string.h>

G_STATIC_ASSERT (MODEL_KEY_PAIR_SEED_LEN == crypto_sign_SEEDBYTES);
G_STATIC_ASSERT (MODEL_KEY_PAIR_PK_LEN == crypto_sign_PUBLICKEYBYTES);
G_STATIC_ASSERT (MODEL_KEY_PAIR_SIG_LEN == crypto_sign_BYTES);

struct _ModelKeyPair {
  guint8 pk[crypto_sign_PUBLICKEYBYTES];
  guint8 sk[crypto_sign_SECRETKEYBYTES];
  guint8 id[MODEL_KEY_ID_LEN];
};

static ModelKeyPair *
finish (ModelKeyPair *key)
{
  model_key_id (key->pk, sizeof key->pk, key->id);
  return key;
}

ModelKeyPair *
model_key_pair_generate (void)
{
  ModelKeyPair *key = g_new0 (ModelKeyPair, 1);
  crypto_sign_keypair (key->pk, key->sk);
  return finish (key);
}

ModelKeyPair *
model_key_pair_from_seed (const guint8 seed[MODEL_KEY_PAIR_SEED_LEN])
{
  g_return_val_if_fail (seed != NULL, NULL);
  ModelKeyPair *key = g_new0 (ModelKeyPair, 1);
  crypto_sign_seed_keypair (key->pk, key->sk, seed);
  return finish (key);
}

const guint8 *
model_key_pair_public (const ModelKeyPair *key)
{
  g_return_val_if_fail (key != NULL, NULL);
  return key->pk;
}

const guint8 *
model_key_pair_id (const ModelKeyPair *key)
{
  g_return_val_if_fail (key != NULL, NULL);
  return key->id;
}

void
model_key_pair_get_seed (const ModelKeyPair *key, guint8 out[MODEL_KEY_PAIR_SEED_LEN])
{
  g_return_if_fail (key != NULL && out != NULL);
  crypto_sign_ed25519_sk_to_seed (out, key->sk);
}

void
model_key_pair_sign (const ModelKeyPair *key, const guint8 *msg, gsize len,
                     guint8 sig[MODEL_KEY_PAIR_SIG_LEN])
{
  g_return_if_fail (key != NULL && sig != NULL);
  g_return_if_fail (msg != NULL || len == 0);
  crypto_sign_detached (sig, NULL, msg, len, key->sk);
}

void
model_key_pair_free (ModelKeyPair *key)
{
  if (key == NULL)
    return;
  sodium_memzero (key, sizeof *key);
  g_free (key);
}
