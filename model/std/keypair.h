/* SPDX-License-Identifier: MIT */
/*
 * An Ed25519 key pair held in memory: the national platform's signing key
 * (credential.h calls it ModelPlatformKey) and the holder device's key
 * (qr.h calls it ModelDeviceKey) are both one.  A pair comes from
 * randombytes or, deterministically, from a 32-byte seed; the seed is what a
 * store keeps.  The secret never leaves the pair except through
 * model_key_pair_get_seed, and is wiped when the pair is freed.  Opaque; no
 * clock, no I/O, no runtime errors (so no error domain).
 */
#pragma once

#include <glib.h>

#include "model/std/stdcode.h"

G_BEGIN_DECLS

#define MODEL_KEY_PAIR_SEED_LEN 32   /* Ed25519 seed */
#define MODEL_KEY_PAIR_PK_LEN 32     /* Ed25519 public key */
#define MODEL_KEY_PAIR_SIG_LEN 64    /* Ed25519 signature */

typedef struct _ModelKeyPair ModelKeyPair;

/* A fresh key pair from randombytes.  Returns: (transfer full). */
ModelKeyPair *model_key_pair_generate (void);
/* The key pair of a 32-byte seed (deterministic).  Returns: (transfer full). */
ModelKeyPair *model_key_pair_from_seed (const guint8 seed[MODEL_KEY_PAIR_SEED_LEN]);

/* Returns: (transfer none) the 32-byte public key. */
const guint8 *model_key_pair_public (const ModelKeyPair *key);
/* Returns: (transfer none) the 8-byte key id (model_key_id of the public key). */
const guint8 *model_key_pair_id (const ModelKeyPair *key);
/* Copies the secret seed into out (for the store; the caller wipes it). */
void model_key_pair_get_seed (const ModelKeyPair *key,
                              guint8 out[MODEL_KEY_PAIR_SEED_LEN]);
/* The detached Ed25519 signature of len bytes at msg (deterministic). */
void model_key_pair_sign (const ModelKeyPair *key, const guint8 *msg, gsize len,
                          guint8 sig[MODEL_KEY_PAIR_SIG_LEN]);

/* Wipes the secret and frees; NULL is fine. */
void model_key_pair_free (ModelKeyPair *key);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ModelKeyPair, model_key_pair_free)

G_END_DECLS
