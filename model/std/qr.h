/* SPDX-License-Identifier: MIT */
/*
 * Dynamic QR tokens (ESSC-STD section 5, QR-n): the short-lived code the
 * holder's device shows to identify or to pay.  A token carries the
 * platform-signed e-card credential, a purpose, a 16-byte nonce and its time
 * of issue, signed by the device key the credential binds.  It is valid for
 * 60 seconds (5 seconds of clock skew allowed into the future) and once only:
 * a verifier keeps a replay cache keyed by e-card id and nonce.  Payment needs
 * a level-2 e-card and a verified PIN.  Text form: "ESSC1:" then Base45 of
 * the token bytes, all in the QR alphanumeric set.  No clock, no I/O.
 */
#pragma once

#include <glib.h>

#include "model/std/credential.h"
#include "model/std/keypair.h"
#include "model/std/stdcode.h"

G_BEGIN_DECLS

#define MODEL_QR_ERROR (model_qr_error_quark ())
GQuark model_qr_error_quark (void);

#define MODEL_QR_PREFIX "ESSC1:"
#define MODEL_QR_MAGIC "ESQ1"
#define MODEL_QR_VERSION 1
#define MODEL_QR_NONCE_LEN 16
#define MODEL_QR_HEADER_LEN 32     /* bytes before the credential */
#define MODEL_QR_MIN_BYTES (MODEL_QR_HEADER_LEN + MODEL_CRED_MIN_LEN + 64)   /* 271 */
#define MODEL_QR_MAX_BYTES (MODEL_QR_HEADER_LEN + MODEL_CRED_MAX_LEN + 64)   /* 334 */
#define MODEL_QR_MAX_TEXT_LEN \
  (6 + MODEL_QR_MAX_BYTES / 2 * 3 + MODEL_QR_MAX_BYTES % 2 * 2)     /* 507 */
#define MODEL_QR_LIFETIME 60       /* seconds a token stays valid */
#define MODEL_QR_SKEW 5            /* seconds a token may come from the future */

typedef enum {
  MODEL_QR_IDENTITY = 1,
  MODEL_QR_PAYMENT = 2,
} ModelQrPurpose;

/* A decoded token.  All fields public; plain data. */
typedef struct {
  ModelQrPurpose purpose;
  guint8 nonce[MODEL_QR_NONCE_LEN];
  gint64 issued_at;              /* Unix seconds, by the device's clock */
  ModelCredential credential;    /* decoded from the embedded credential */
} ModelQrToken;

/* ---- the holder device's key ------------------------------------------ */

/*
 * The holder device's key is an Ed25519 ModelKeyPair (model/std/keypair.h);
 * these names say its role.  Its public key is a credential's device_pk.
 */
typedef ModelKeyPair ModelDeviceKey;

#define model_device_key_generate model_key_pair_generate
#define model_device_key_from_seed model_key_pair_from_seed
#define model_device_key_public model_key_pair_public
#define model_device_key_get_seed model_key_pair_get_seed
#define model_device_key_free model_key_pair_free

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ModelDeviceKey, model_key_pair_free)

/* ---- the verifier's replay cache --------------------------------------- */

typedef struct _ModelQrReplayCache ModelQrReplayCache;

/* One used token, as the store keeps it.  All fields public. */
typedef struct {
  guint8 ecard_id[MODEL_ECARD_ID_LEN];
  guint8 nonce[MODEL_QR_NONCE_LEN];
  gint64 expires_at;   /* issued_at + MODEL_QR_LIFETIME: last second it could pass */
} ModelQrReplayEntry;

typedef void (*ModelQrReplayFunc) (const ModelQrReplayEntry *entry, gpointer user_data);

/* Returns: (transfer full) an empty cache with horizon G_MININT64. */
ModelQrReplayCache *model_qr_replay_cache_new (void);
guint model_qr_replay_cache_size (const ModelQrReplayCache *cache);
/*
 * Raises the horizon to now (it never goes down) and drops every entry with
 * expires_at < horizon.  model_qr_verify does this itself.
 */
void model_qr_replay_cache_prune (ModelQrReplayCache *cache, gint64 now);
/* The largest time the cache has been pruned at (QR-8). */
gint64 model_qr_replay_cache_horizon (const ModelQrReplayCache *cache);
/* Calls fn for every entry, in increasing expires_at order. */
void model_qr_replay_cache_foreach (const ModelQrReplayCache *cache,
                                    ModelQrReplayFunc fn, gpointer user_data);
/*
 * Store restore: inserts an entry as loaded (an entry already present keeps
 * the later expires_at; one below the horizon is dropped) and raises the
 * horizon to at least horizon.  Call once per entry, with the stored horizon.
 */
void model_qr_replay_cache_restore (ModelQrReplayCache *cache,
                                    const ModelQrReplayEntry *entry,
                                    gint64 horizon);
void model_qr_replay_cache_free (ModelQrReplayCache *cache);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ModelQrReplayCache, model_qr_replay_cache_free)

/* ---- issuing (on the holder's device) --------------------------------- */

/*
 * Issues a token for the platform-signed credential cred (cred_len bytes) at
 * device time now.  nonce: 16 caller bytes (deterministic mode), or NULL for
 * randombytes.  Refuses, with the code a verifier would give, what would
 * always be refused (QR-13): a credential that does not decode (MALFORMED), a
 * device key other than the credential's device_pk (BAD_SIGNATURE), a payment
 * token of a level-1 e-card (LEVEL_REQUIRED).
 * Returns: (transfer full) the token text, or NULL with error.
 */
char *model_qr_issue (const ModelDeviceKey *device, const guint8 *cred, gsize cred_len,
                      ModelQrPurpose purpose, const guint8 *nonce, gint64 now,
                      GError **error);

/* ---- text and bytes ---------------------------------------------------- */

/* Returns: (transfer full) "ESSC1:" + Base45 of the bytes. */
char *model_qr_text_from_bytes (const guint8 *data, gsize len);
/*
 * Checks the prefix, the length (at most MODEL_QR_MAX_TEXT_LEN) and the
 * Base45.  Returns: (transfer full) the token bytes, or NULL with MALFORMED.
 */
GBytes *model_qr_text_to_bytes (const char *text, GError **error);

/*
 * Strictly decodes the token text (structure and embedded credential; no
 * signature, time or status check).  Error: MALFORMED naming field and byte.
 */
gboolean model_qr_decode (const char *text, ModelQrToken *out, GError **error);

/* ---- verifying --------------------------------------------------------- */

/* What a verifier checks against.  All fields public, none owned. */
typedef struct {
  const ModelTrustList *trust;   /* platform keys */
  ModelStatusFn status;          /* the card status feed */
  gpointer status_data;
  ModelQrReplayCache *cache;     /* this verifier's used tokens */
} ModelQrVerifier;

/*
 * Verifies token text at time now for the purpose expected, in the order of
 * QR-12: MALFORMED; the credential per CRED-5 (UNKNOWN_KEY, BAD_SIGNATURE,
 * NOT_YET_VALID, EXPIRED, CARD_UNUSABLE, NOT_FOUND); the device signature
 * (BAD_SIGNATURE); the age (NOT_YET_VALID, EXPIRED); the purpose
 * (INVALID_STATE); the level for payment (LEVEL_REQUIRED); single use
 * (EXPIRED below the cache horizon, REPLAYED); the PIN for payment
 * (PIN_REQUIRED, the token is not used up).  A token that passes is entered
 * in the cache and out (may be NULL) is filled; out->credential is the
 * verified credential.  Every error is in MODEL_QR_ERROR.
 */
gboolean model_qr_verify (const ModelQrVerifier *verifier, const char *text,
                          ModelQrPurpose expected, gboolean pin_verified,
                          gint64 now, ModelQrToken *out, GError **error);

G_END_DECLS
