/* SPDX-License-Identifier: MIT */
/*
 * Dynamic QR tokens: issuing on the holder's device, strict decoding, and
 * verification with a single-use replay cache.  The byte layout and the order
 * of checks are ESSC-STD section 5.  The replay cache holds one entry per
 * token accepted in the last 65 seconds (60 s of life plus 5 s of skew), so
 * its size is bounded by the verifier's token rate; entries sit in a hash
 * table for lookup and in a sequence sorted by expiry for pruning, both
 * O(log n) per token.  Every error is a GError in MODEL_QR_ERROR whose code
 * is a ModelStdCode.
 */
#include "model/std/qr.h"

#include <sodium.h>
#include <string.h>

#include "model/std/base45.h"
#include "model/std/common.h"

G_DEFINE_QUARK (model-qr-error-quark, model_qr_error)

#define PREFIX_LEN (sizeof MODEL_QR_PREFIX - 1)
#define SIG_LEN crypto_sign_BYTES
#define KEY_LEN (MODEL_ECARD_ID_LEN + MODEL_QR_NONCE_LEN)

/* Byte offsets of the token fields. */
#define OFF_VERSION 4
#define OFF_PURPOSE 5
#define OFF_NONCE 6
#define OFF_ISSUED 22
#define OFF_CRED_LEN 30
#define OFF_CRED 32

G_STATIC_ASSERT (OFF_CRED == MODEL_QR_HEADER_LEN);
G_STATIC_ASSERT (MODEL_QR_MAX_TEXT_LEN == 507);

typedef struct {
  guint8 key[KEY_LEN];   /* e-card id, then nonce */
  gint64 expires_at;
} Entry;

struct _ModelQrReplayCache {
  GHashTable *index;     /* Entry.key -> GSequenceIter of the entry (owns nothing) */
  GSequence *by_expiry;  /* Entry*, sorted by (expires_at, key); owns the entries */
  gint64 horizon;
};

/* ---- replay cache ------------------------------------------------------ */

static guint
key_hash (gconstpointer k)
{
  const guint8 *p = k;
  guint32 h = 2166136261u;   /* FNV-1a; entries only come from verified tokens */
  for (int i = 0; i < KEY_LEN; i++)
    h = (h ^ p[i]) * 16777619u;
  return h;
}

static gboolean
key_equal (gconstpointer a, gconstpointer b)
{
  return memcmp (a, b, KEY_LEN) == 0;
}

static gint
entry_cmp (gconstpointer a, gconstpointer b, gpointer unused)
{
  const Entry *x = a, *y = b;
  if (x->expires_at != y->expires_at)
    return x->expires_at < y->expires_at ? -1 : 1;
  return memcmp (x->key, y->key, KEY_LEN);
}

ModelQrReplayCache *
model_qr_replay_cache_new (void)
{
  ModelQrReplayCache *c = g_new0 (ModelQrReplayCache, 1);
  c->index = g_hash_table_new (key_hash, key_equal);
  c->by_expiry = g_sequence_new (g_free);
  c->horizon = G_MININT64;
  return c;
}

guint
model_qr_replay_cache_size (const ModelQrReplayCache *c)
{
  g_return_val_if_fail (c != NULL, 0);
  return g_hash_table_size (c->index);
}

gint64
model_qr_replay_cache_horizon (const ModelQrReplayCache *c)
{
  g_return_val_if_fail (c != NULL, 0);
  return c->horizon;
}

void
model_qr_replay_cache_prune (ModelQrReplayCache *c, gint64 now)
{
  g_return_if_fail (c != NULL);
  if (now > c->horizon)
    c->horizon = now;
  for (;;)
    {
      GSequenceIter *it = g_sequence_get_begin_iter (c->by_expiry);
      if (g_sequence_iter_is_end (it))
        break;
      Entry *e = g_sequence_get (it);
      if (e->expires_at >= c->horizon)
        break;
      g_hash_table_remove (c->index, e->key);
      g_sequence_remove (it);
    }
}

/* Inserts key with expires_at, or raises the expiry of an existing entry. */
static void
cache_put (ModelQrReplayCache *c, const guint8 key[KEY_LEN], gint64 expires_at)
{
  GSequenceIter *it = g_hash_table_lookup (c->index, key);
  if (it != NULL)
    {
      Entry *old = g_sequence_get (it);
      if (old->expires_at >= expires_at)
        return;
      g_hash_table_remove (c->index, old->key);
      g_sequence_remove (it);
    }
  Entry *e = g_new (Entry, 1);
  memcpy (e->key, key, KEY_LEN);
  e->expires_at = expires_at;
  it = g_sequence_insert_sorted (c->by_expiry, e, entry_cmp, NULL);
  g_hash_table_insert (c->index, e->key, it);
}

void
model_qr_replay_cache_foreach (const ModelQrReplayCache *c, ModelQrReplayFunc fn,
                               gpointer user_data)
{
  g_return_if_fail (c != NULL && fn != NULL);
  for (GSequenceIter *it = g_sequence_get_begin_iter (c->by_expiry);
       !g_sequence_iter_is_end (it); it = g_sequence_iter_next (it))
    {
      const Entry *e = g_sequence_get (it);
      ModelQrReplayEntry out;
      memcpy (out.ecard_id, e->key, MODEL_ECARD_ID_LEN);
      memcpy (out.nonce, e->key + MODEL_ECARD_ID_LEN, MODEL_QR_NONCE_LEN);
      out.expires_at = e->expires_at;
      fn (&out, user_data);
    }
}

void
model_qr_replay_cache_restore (ModelQrReplayCache *c, const ModelQrReplayEntry *entry,
                               gint64 horizon)
{
  g_return_if_fail (c != NULL && entry != NULL);
  if (horizon > c->horizon)
    c->horizon = horizon;
  if (entry->expires_at < c->horizon)
    return;
  guint8 key[KEY_LEN];
  memcpy (key, entry->ecard_id, MODEL_ECARD_ID_LEN);
  memcpy (key + MODEL_ECARD_ID_LEN, entry->nonce, MODEL_QR_NONCE_LEN);
  cache_put (c, key, entry->expires_at);
}

void
model_qr_replay_cache_free (ModelQrReplayCache *c)
{
  if (c == NULL)
    return;
  g_hash_table_destroy (c->index);
  g_sequence_free (c->by_expiry);
  g_free (c);
}

/* ---- text and bytes ---------------------------------------------------- */

char *
model_qr_text_from_bytes (const guint8 *data, gsize len)
{
  g_return_val_if_fail (data != NULL || len == 0, NULL);
  g_autofree char *b45 = model_base45_encode (data, len);
  return g_strconcat (MODEL_QR_PREFIX, b45, NULL);
}

GBytes *
model_qr_text_to_bytes (const char *text, GError **error)
{
  g_return_val_if_fail (text != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  gsize n = strnlen (text, MODEL_QR_MAX_TEXT_LEN + 1);
  if (n > MODEL_QR_MAX_TEXT_LEN)
    {
      g_set_error (error, MODEL_QR_ERROR, MODEL_STD_MALFORMED,
                   "token: text longer than %d characters", MODEL_QR_MAX_TEXT_LEN);
      return NULL;
    }
  if (n < PREFIX_LEN || memcmp (text, MODEL_QR_PREFIX, PREFIX_LEN) != 0)
    {
      g_set_error (error, MODEL_QR_ERROR, MODEL_STD_MALFORMED,
                   "token: text does not start with \"%s\"", MODEL_QR_PREFIX);
      return NULL;
    }
  GError *inner = NULL;
  GBytes *b = model_base45_decode (text + PREFIX_LEN, (gssize) (n - PREFIX_LEN), &inner);
  if (b == NULL)
    {
      g_set_error (error, MODEL_QR_ERROR, MODEL_STD_MALFORMED,
                   "token: text after \"%s\": %s", MODEL_QR_PREFIX, inner->message);
      g_error_free (inner);
    }
  return b;
}

/* ---- decoding ---------------------------------------------------------- */

static gboolean
token_error (GError **error, const char *field, gsize offset, const char *expected)
{
  return base_fail (error, MODEL_QR_ERROR, MODEL_STD_MALFORMED,
                     "token: field %s at byte %" G_GSIZE_FORMAT ": expected %s",
                     field, offset, expected);
}

/* Moves inner into error in MODEL_QR_ERROR, keeping code and message. */
#define rewrap(error, inner, context) \
  base_fail_wrap ((error), MODEL_QR_ERROR, "token: " context, (inner))

/* Strictly decodes token bytes; *cred_len gets the credential's length. */
static gboolean
decode_bytes (const guint8 *p, gsize len, ModelQrToken *t, gsize *cred_len, GError **error)
{
  memset (t, 0, sizeof *t);
  if (len < OFF_CRED)
    {
      g_set_error (error, MODEL_QR_ERROR, MODEL_STD_MALFORMED,
                   "token: truncated: %" G_GSIZE_FORMAT " bytes, expected at least "
                   "%d (the header) and %d in all", len, OFF_CRED, MODEL_QR_MIN_BYTES);
      return FALSE;
    }
  if (memcmp (p, MODEL_QR_MAGIC, 4) != 0)
    return token_error (error, "magic", 0, "\"ESQ1\"");
  if (p[OFF_VERSION] != MODEL_QR_VERSION)
    return token_error (error, "version", OFF_VERSION, "1");
  if (p[OFF_PURPOSE] != MODEL_QR_IDENTITY && p[OFF_PURPOSE] != MODEL_QR_PAYMENT)
    return token_error (error, "purpose", OFF_PURPOSE, "1 (identity) or 2 (payment)");
  t->purpose = (ModelQrPurpose) p[OFF_PURPOSE];
  memcpy (t->nonce, p + OFF_NONCE, MODEL_QR_NONCE_LEN);
  t->issued_at = (gint64) base_be64_get (p + OFF_ISSUED);
  gsize n = (gsize) p[OFF_CRED_LEN] << 8 | p[OFF_CRED_LEN + 1];
  if (n < MODEL_CRED_MIN_LEN || n > MODEL_CRED_MAX_LEN)
    return token_error (error, "credential_len", OFF_CRED_LEN, "175..238");
  if (len != OFF_CRED + n + SIG_LEN)
    {
      g_set_error (error, MODEL_QR_ERROR, MODEL_STD_MALFORMED,
                   "token: length %" G_GSIZE_FORMAT " bytes; expected exactly %"
                   G_GSIZE_FORMAT " (header, %" G_GSIZE_FORMAT "-byte credential, "
                   "signature)", len, OFF_CRED + n + SIG_LEN, n);
      return FALSE;
    }
  GError *inner = NULL;
  if (!model_credential_decode (p + OFF_CRED, n, &t->credential, &inner))
    return rewrap (error, inner, "field credential at byte 32: ");
  *cred_len = n;
  return TRUE;
}

/* Strictly decodes token text into t.  Returns: (transfer full) the token
 * bytes, which t and *cred_len describe, or NULL with MALFORMED. */
static GBytes *
decode_text (const char *text, ModelQrToken *t, gsize *cred_len, GError **error)
{
  g_autoptr (GBytes) b = model_qr_text_to_bytes (text, error);
  if (b == NULL)
    return NULL;
  gsize len;
  const guint8 *p = g_bytes_get_data (b, &len);
  if (!decode_bytes (p, len, t, cred_len, error))
    return NULL;
  return g_steal_pointer (&b);
}

gboolean
model_qr_decode (const char *text, ModelQrToken *out, GError **error)
{
  g_return_val_if_fail (text != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);
  ModelQrToken t;
  gsize cred_len;
  g_autoptr (GBytes) b = decode_text (text, &t, &cred_len, error);
  if (b == NULL)
    return FALSE;
  if (out)
    *out = t;
  return TRUE;
}

/* ---- issuing ----------------------------------------------------------- */

char *
model_qr_issue (const ModelDeviceKey *device, const guint8 *cred, gsize cred_len,
                ModelQrPurpose purpose, const guint8 *nonce, gint64 now, GError **error)
{
  g_return_val_if_fail (device != NULL, NULL);
  g_return_val_if_fail (cred != NULL || cred_len == 0, NULL);
  g_return_val_if_fail (purpose == MODEL_QR_IDENTITY || purpose == MODEL_QR_PAYMENT, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  ModelCredential c = { 0 };
  GError *inner = NULL;
  if (!model_credential_decode (cred, cred_len, &c, &inner))
    {
      rewrap (error, inner, "cannot issue: ");
      return NULL;
    }
  if (sodium_memcmp (c.device_pk, model_key_pair_public (device), MODEL_CRED_PK_LEN) != 0)
    {
      g_set_error (error, MODEL_QR_ERROR, MODEL_STD_BAD_SIGNATURE,
                   "token: cannot issue: the device key is not the credential's "
                   "device_pk, so the device signature would not verify");
      return NULL;
    }
  if (purpose == MODEL_QR_PAYMENT && c.level < 2)
    {
      g_set_error (error, MODEL_QR_ERROR, MODEL_STD_LEVEL_REQUIRED,
                   "token: cannot issue: a payment token needs a level-2 e-card, "
                   "this one is level %u", c.level);
      return NULL;
    }

  guint8 buf[MODEL_QR_MAX_BYTES];
  gsize len = OFF_CRED + cred_len + SIG_LEN;
  memcpy (buf, MODEL_QR_MAGIC, 4);
  buf[OFF_VERSION] = MODEL_QR_VERSION;
  buf[OFF_PURPOSE] = (guint8) purpose;
  if (nonce != NULL)
    memcpy (buf + OFF_NONCE, nonce, MODEL_QR_NONCE_LEN);
  else
    randombytes_buf (buf + OFF_NONCE, MODEL_QR_NONCE_LEN);
  base_be64_put (buf + OFF_ISSUED, (guint64) now);
  buf[OFF_CRED_LEN] = (guint8) (cred_len >> 8);
  buf[OFF_CRED_LEN + 1] = (guint8) cred_len;
  memcpy (buf + OFF_CRED, cred, cred_len);
  model_key_pair_sign (device, buf, OFF_CRED + cred_len, buf + OFF_CRED + cred_len);
  return model_qr_text_from_bytes (buf, len);
}

/* ---- verifying (QR-12) ------------------------------------------------- */

/* A refusal in MODEL_QR_ERROR; the message starts "token: ". */
#define refuse(error, code, ...) base_fail ((error), MODEL_QR_ERROR, (code), "token: " __VA_ARGS__)

gboolean
model_qr_verify (const ModelQrVerifier *v, const char *text, ModelQrPurpose expected,
                 gboolean pin_verified, gint64 now, ModelQrToken *out, GError **error)
{
  g_return_val_if_fail (v != NULL && v->trust != NULL && v->status != NULL
                        && v->cache != NULL, FALSE);
  g_return_val_if_fail (text != NULL, FALSE);
  g_return_val_if_fail (expected == MODEL_QR_IDENTITY || expected == MODEL_QR_PAYMENT, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  /* 1. Strict decoding. */
  ModelQrToken t;
  gsize cred_len;
  g_autoptr (GBytes) b = decode_text (text, &t, &cred_len, error);
  if (b == NULL)
    return FALSE;
  const guint8 *p = g_bytes_get_data (b, NULL);

  /* 2. The credential: platform key, signature, validity, card status. */
  GError *inner = NULL;
  if (!model_credential_verify (p + OFF_CRED, cred_len, v->trust, v->status,
                                v->status_data, now, NULL, &inner))
    return rewrap (error, inner, "");

  /* 3. The device signature, with the key the credential binds. */
  gsize signed_len = OFF_CRED + cred_len;
  if (crypto_sign_verify_detached (p + signed_len, p, signed_len,
                                   t.credential.device_pk) != 0)
    return refuse (error, MODEL_STD_BAD_SIGNATURE,
                   "device signature at byte %" G_GSIZE_FORMAT " does not verify "
                   "with the credential's device_pk", signed_len);

  /* 4. Age, with unsigned differences so no i64 from the wire overflows. */
  if (t.issued_at > now && (guint64) t.issued_at - (guint64) now > MODEL_QR_SKEW)
    return refuse (error, MODEL_STD_NOT_YET_VALID,
                   "issued_at %" G_GINT64_FORMAT " is more than %d s after the "
                   "validation time %" G_GINT64_FORMAT, t.issued_at, MODEL_QR_SKEW, now);
  if (t.issued_at < now && (guint64) now - (guint64) t.issued_at > MODEL_QR_LIFETIME)
    return refuse (error, MODEL_STD_EXPIRED,
                   "issued_at %" G_GINT64_FORMAT " is more than %d s before the "
                   "validation time %" G_GINT64_FORMAT, t.issued_at, MODEL_QR_LIFETIME, now);

  /* 5. Purpose and level. */
  if (t.purpose != expected)
    return refuse (error, MODEL_STD_INVALID_STATE,
                   "purpose is %s, expected %s",
                   t.purpose == MODEL_QR_PAYMENT ? "payment" : "identity",
                   expected == MODEL_QR_PAYMENT ? "payment" : "identity");
  if (t.purpose == MODEL_QR_PAYMENT && t.credential.level < 2)
    return refuse (error, MODEL_STD_LEVEL_REQUIRED,
                   "payment needs a level-2 e-card; the credential is level %u",
                   t.credential.level);

  /* 6. Single use.  Any now is possible (the adapter's now is any i64):
   * issued_at + 60 saturates instead of overflowing. */
  gint64 expires_at = t.issued_at > G_MAXINT64 - MODEL_QR_LIFETIME
                          ? G_MAXINT64 : t.issued_at + MODEL_QR_LIFETIME;
  model_qr_replay_cache_prune (v->cache, now);
  if (expires_at < v->cache->horizon)
    return refuse (error, MODEL_STD_EXPIRED,
                   "token expired at %" G_GINT64_FORMAT ", before the replay "
                   "cache's horizon %" G_GINT64_FORMAT, expires_at, v->cache->horizon);
  guint8 key[KEY_LEN];
  memcpy (key, t.credential.ecard_id, MODEL_ECARD_ID_LEN);
  memcpy (key + MODEL_ECARD_ID_LEN, t.nonce, MODEL_QR_NONCE_LEN);
  if (g_hash_table_contains (v->cache->index, key))
    return refuse (error, MODEL_STD_REPLAYED,
                   "this e-card's token with this nonce was already used");

  /* 7. The PIN for payment; the token stays unused so it can be retried. */
  if (t.purpose == MODEL_QR_PAYMENT && !pin_verified)
    return refuse (error, MODEL_STD_PIN_REQUIRED, "payment needs a verified PIN");

  cache_put (v->cache, key, expires_at);
  if (out)
    *out = t;
  return TRUE;
}
