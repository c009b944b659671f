/* SPDX-License-Identifier: MIT */
/*
 * The e-card credential (ESSC-STD section 4, CRED-n): the statement, signed
 * by the national platform with Ed25519, that binds an e-card (its id, level,
 * holder's SSN and name, physical card number, issuing city) to the holder
 * device's Ed25519 public key for a validity window.  This module encodes and
 * signs it in its one canonical byte form, decodes that form strictly, and
 * verifies a credential against a trust list of platform keys, a validation
 * time and the card's current status (the "credential status check").  The
 * platform's signing key pair is a ModelKeyPair.  No clock, no I/O; the status
 * of the card is asked of a caller's ModelStatusFn.
 */
#pragma once

#include <glib.h>

#include "model/std/keypair.h"
#include "model/std/stdcode.h"

G_BEGIN_DECLS

#define MODEL_CREDENTIAL_ERROR (model_credential_error_quark ())
GQuark model_credential_error_quark (void);

#define MODEL_CRED_MAGIC "ESC1"        /* 4 bytes, no NUL */
#define MODEL_CRED_VERSION 1
#define MODEL_CRED_NAME_MAX 64         /* bytes of UTF-8 */
#define MODEL_CRED_CARD_NO_LEN 9       /* 'A'..'Z' then 8 digits */
#define MODEL_CRED_PK_LEN 32           /* Ed25519 public key */
#define MODEL_CRED_SEED_LEN 32         /* Ed25519 seed */
#define MODEL_CRED_SIG_LEN 64          /* Ed25519 signature */
#define MODEL_CRED_FIXED_LEN 174       /* every byte but the name's */
#define MODEL_CRED_MIN_LEN (MODEL_CRED_FIXED_LEN + 1)
#define MODEL_CRED_MAX_LEN (MODEL_CRED_FIXED_LEN + MODEL_CRED_NAME_MAX)

/* The content of a credential.  All fields public; plain data, no free. */
typedef struct {
  guint8 level;                              /* 1 (identity) or 2 (payment) */
  guint8 ecard_id[MODEL_ECARD_ID_LEN];
  char ssn[MODEL_SSN_LEN + 1];               /* NUL-terminated: 17 digits, digit or 'X' */
  char name[MODEL_CRED_NAME_MAX + 1];        /* NUL-terminated UTF-8, 1..64 bytes */
  char card_no[MODEL_CRED_CARD_NO_LEN + 1];  /* NUL-terminated, e.g. "A00000001" */
  guint32 city;                              /* 100000..999999 */
  guint8 device_pk[MODEL_CRED_PK_LEN];       /* holder device's Ed25519 key */
  gint64 issued_at;                          /* Unix seconds */
  gint64 expires_at;                         /* Unix seconds, > issued_at */
  guint8 signer_key_id[MODEL_KEY_ID_LEN];    /* model_key_id of the platform key */
} ModelCredential;

/* ---- the platform's signing key --------------------------------------- */

/*
 * The platform's signing key is an Ed25519 ModelKeyPair (model/std/keypair.h);
 * these names say its role.  model_platform_key_id is the signer_key_id that
 * model_credential_sign writes.
 */
typedef ModelKeyPair ModelPlatformKey;

#define model_platform_key_generate model_key_pair_generate
#define model_platform_key_from_seed model_key_pair_from_seed
#define model_platform_key_public model_key_pair_public
#define model_platform_key_id model_key_pair_id
#define model_platform_key_get_seed model_key_pair_get_seed
#define model_platform_key_free model_key_pair_free

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ModelPlatformKey, model_key_pair_free)

/* ---- the verifier's trust list of platform public keys ---------------- */

typedef struct _ModelTrustList ModelTrustList;

typedef void (*ModelTrustListFunc) (const guint8 key_id[MODEL_KEY_ID_LEN],
                                     const guint8 public_key[MODEL_CRED_PK_LEN],
                                     gpointer user_data);

/* Returns: (transfer full) an empty trust list. */
ModelTrustList *model_trust_list_new (void);
/*
 * Trusts public_key (also the store's restore).  Adding a key already
 * present is a no-op returning TRUE.  Errors (MODEL_CREDENTIAL_ERROR):
 * MALFORMED when public_key is not a valid Ed25519 point; CONFLICT when a
 * different key with the same key id is present.
 */
gboolean model_trust_list_add (ModelTrustList *list,
                               const guint8 public_key[MODEL_CRED_PK_LEN],
                               GError **error);
/* Returns: (transfer none) the public key with this key id, or NULL. */
const guint8 *model_trust_list_lookup (const ModelTrustList *list,
                                       const guint8 key_id[MODEL_KEY_ID_LEN]);
guint model_trust_list_size (const ModelTrustList *list);
/* Calls fn for every key, in increasing key id order. */
void model_trust_list_foreach (const ModelTrustList *list, ModelTrustListFunc fn,
                               gpointer user_data);
void model_trust_list_free (ModelTrustList *list);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ModelTrustList, model_trust_list_free)

/* ---- encoding, signing, decoding, verifying --------------------------- */

/*
 * Checks every field of cred against CRED-3 (the rules the decoder applies,
 * signer_key_id aside).  Error: MODEL_STD_MALFORMED naming the field.
 */
gboolean model_credential_check (const ModelCredential *cred, GError **error);

/*
 * The signed part (every byte before the signature) of cred, with
 * signer_key_id taken from cred as is.  For vectors and tests.
 * Returns: (transfer full) the bytes, or NULL with MALFORMED.
 */
GBytes *model_credential_encode_tbs (const ModelCredential *cred, GError **error);

/*
 * Encodes cred with signer_key_id replaced by key's id and appends key's
 * signature.  Ed25519 is deterministic: the same cred and key always give
 * the same bytes.  Returns: (transfer full) the credential, or NULL with
 * MALFORMED when a field breaks CRED-3.
 */
GBytes *model_credential_sign (const ModelCredential *cred,
                               const ModelPlatformKey *key, GError **error);

/*
 * Strictly decodes len bytes into out (may be NULL) without checking the
 * signature.  Error: MODEL_STD_MALFORMED naming the field and byte offset.
 */
gboolean model_credential_decode (const guint8 *data, gsize len,
                                  ModelCredential *out, GError **error);

/*
 * The full check, in this order (CRED-5): strict decoding (MALFORMED), the
 * signer key id in trust (UNKNOWN_KEY), the signature (BAD_SIGNATURE),
 * issued_at <= now < expires_at (NOT_YET_VALID, EXPIRED), then
 * status (ecard_id, status_data): CARD_UNUSABLE or NOT_FOUND as it answers
 * (any other non-OK answer is CARD_UNUSABLE).  On success fills out (may be
 * NULL).  status must not be NULL.
 */
gboolean model_credential_verify (const guint8 *data, gsize len,
                                  const ModelTrustList *trust,
                                  ModelStatusFn status, gpointer status_data,
                                  gint64 now, ModelCredential *out,
                                  GError **error);

G_END_DECLS
