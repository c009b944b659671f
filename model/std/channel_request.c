/* SPDX-License-Identifier: MIT */
/*
 * The channel request as bytes (model/std/channel_request.h): field checks,
 * the canonical signing bytes of ESSC-STD table 6.3 (magic "ESR1", then
 * length-prefixed ids, the big-endian timestamp, the nonce, the
 * length-prefixed operation and the body hash), Ed25519 signing and the
 * parent's countersignature, and the strict wire codec of both wire forms
 * (the complete one of CHAN-16, and the one a channel sends before any
 * countersignature, CHAN-27) that refuses truncation, trailing bytes, NULs
 * and out-of-class characters, naming the field.  Pure functions: no registry, no clock, no I/O; verification
 * against the registry is in model/std/channel.c.  Errors use the channel
 * module's domain, MODEL_CHANNEL_ERROR.
 */
#include "model/std/channel_request.h"

#include <sodium.h>
#include <string.h>

#include "model/std/channel.h"
#include "model/std/common.h"

#define MAGIC "ESR1"

#define fail(error, code, ...) base_fail ((error), MODEL_CHANNEL_ERROR, (code), __VA_ARGS__)

/* ---- field checks -------------------------------------------------------- */

static gboolean
op_check (const char *op, GError **error)
{
  if (op == NULL)
    return fail (error, MODEL_STD_MALFORMED, "operation: missing");
  gsize len = strnlen (op, MODEL_CHANNEL_OP_MAX + 1);
  if (len == 0 || len > MODEL_CHANNEL_OP_MAX)
    return fail (error, MODEL_STD_MALFORMED, "operation: length %s, expected 1..32",
                 len == 0 ? "0" : "over 32");
  for (gsize i = 0; i < len; i++)
    if (!((op[i] >= 'a' && op[i] <= 'z') || (op[i] >= '0' && op[i] <= '9')
          || op[i] == '_' || op[i] == '.'))
      return fail (error, MODEL_STD_MALFORMED,
                   "operation: byte %zu not in [a-z0-9_.]", i);
  return TRUE;
}

/* ---- signing bytes and signatures ---------------------------------------- */

static void
put_str (GByteArray *b, const char *s)
{
  guint8 n = (guint8) strlen (s);
  g_byte_array_append (b, &n, 1);
  g_byte_array_append (b, (const guint8 *) s, n);
}

static GByteArray *
signing_array (const ModelChannelRequest *req)
{
  GByteArray *b = g_byte_array_sized_new (128 + 2 * MODEL_CHANNEL_SIG_LEN);
  g_byte_array_append (b, (const guint8 *) MAGIC, 4);
  put_str (b, req->channel_id);
  put_str (b, req->relay_id);
  base_be64_append (b, (guint64) req->timestamp);
  g_byte_array_append (b, req->nonce, MODEL_CHANNEL_NONCE_LEN);
  put_str (b, req->operation);
  g_byte_array_append (b, req->body_hash, MODEL_CHANNEL_HASH_LEN);
  return b;
}

gboolean
model_channel_request_init (ModelChannelRequest *req, const char *channel_id,
                            const char *relay_id, gint64 timestamp,
                            const guint8 *nonce, const char *operation,
                            const guint8 *body, gsize body_len, GError **error)
{
  g_return_val_if_fail (req != NULL, FALSE);
  g_return_val_if_fail (body != NULL || body_len == 0, FALSE);
  memset (req, 0, sizeof *req);
  if (!model_channel_id_check (channel_id, "channel_id", error))
    return FALSE;
  if (relay_id != NULL && relay_id[0] != '\0'
      && !model_channel_id_check (relay_id, "relay_id", error))
    return FALSE;
  if (!op_check (operation, error))
    return FALSE;
  memcpy (req->channel_id, channel_id, MODEL_CHANNEL_ID_LEN);
  if (relay_id != NULL && relay_id[0] != '\0')
    memcpy (req->relay_id, relay_id, MODEL_CHANNEL_ID_LEN);
  req->timestamp = timestamp;
  if (nonce != NULL)
    memcpy (req->nonce, nonce, MODEL_CHANNEL_NONCE_LEN);
  else
    randombytes_buf (req->nonce, MODEL_CHANNEL_NONCE_LEN);
  memcpy (req->operation, operation, strlen (operation));
  crypto_generichash (req->body_hash, MODEL_CHANNEL_HASH_LEN, body, body_len, NULL, 0);
  return TRUE;
}

/* Shared by sign, encode and verify: a request built by hand must not reach
 * the byte encoder with bad lengths. */
gboolean
model_channel_request_check (const ModelChannelRequest *req, GError **error)
{
  g_return_val_if_fail (req != NULL, FALSE);
  if (!model_channel_id_check (req->channel_id, "channel_id", error))
    return FALSE;
  if (req->relay_id[0] != '\0' && !model_channel_id_check (req->relay_id, "relay_id", error))
    return FALSE;
  return op_check (req->operation, error);
}

GBytes *
model_channel_request_signing_bytes (const ModelChannelRequest *req)
{
  g_return_val_if_fail (req != NULL, NULL);
  g_return_val_if_fail (model_channel_request_check (req, NULL), NULL);
  return g_byte_array_free_to_bytes (signing_array (req));
}

gboolean
model_channel_request_sign (ModelChannelRequest *req,
                            const guint8 secret_key[MODEL_CHANNEL_SK_LEN],
                            GError **error)
{
  g_return_val_if_fail (req != NULL && secret_key != NULL, FALSE);
  if (!model_channel_request_check (req, error))
    return FALSE;
  g_autoptr (GByteArray) b = signing_array (req);
  crypto_sign_detached (req->signature, NULL, b->data, b->len, secret_key);
  return TRUE;
}

gboolean
model_channel_request_countersign (ModelChannelRequest *req,
                                   const guint8 parent_secret_key[MODEL_CHANNEL_SK_LEN],
                                   GError **error)
{
  g_return_val_if_fail (req != NULL && parent_secret_key != NULL, FALSE);
  if (!model_channel_request_check (req, error))
    return FALSE;
  if (req->relay_id[0] == '\0')
    return fail (error, MODEL_STD_CHANNEL_TIER,
                 "relay_id: empty, a countersignature needs the relaying parent's id");
  g_autoptr (GByteArray) b = signing_array (req);
  g_byte_array_append (b, req->signature, MODEL_CHANNEL_SIG_LEN);
  crypto_sign_detached (req->relay_signature, NULL, b->data, b->len, parent_secret_key);
  return TRUE;
}

GBytes *
model_channel_request_encode (const ModelChannelRequest *req)
{
  g_return_val_if_fail (req != NULL, NULL);
  g_return_val_if_fail (model_channel_request_check (req, NULL), NULL);
  GByteArray *b = signing_array (req);
  g_byte_array_append (b, req->signature, MODEL_CHANNEL_SIG_LEN);
  if (req->relay_id[0] != '\0')
    g_byte_array_append (b, req->relay_signature, MODEL_CHANNEL_SIG_LEN);
  return g_byte_array_free_to_bytes (b);
}

GBytes *
model_channel_request_encode_signed (const ModelChannelRequest *req)
{
  g_return_val_if_fail (req != NULL, NULL);
  g_return_val_if_fail (model_channel_request_check (req, NULL), NULL);
  GByteArray *b = signing_array (req);
  g_byte_array_append (b, req->signature, MODEL_CHANNEL_SIG_LEN);
  return g_byte_array_free_to_bytes (b);
}

/* ---- wire codec ---------------------------------------------------------- */

/* Reads `n` bytes at *off, or fails naming the field. */
static gboolean
take (const guint8 *data, gsize len, gsize *off, gsize n, const char *field,
      const guint8 **out, GError **error)
{
  if (len - *off < n)
    return fail (error, MODEL_STD_MALFORMED,
                 "%s: truncated at offset %zu, expected %zu more bytes", field, *off, n);
  *out = data + *off;
  *off += n;
  return TRUE;
}

/* A length-prefixed field of lo..hi bytes, without NUL, copied into dst
 * (hi + 1 bytes) and terminated. */
static gboolean
take_str (const guint8 *data, gsize len, gsize *off, const char *field,
          gsize lo, gsize hi, char *dst, GError **error)
{
  const guint8 *p = NULL;
  if (!take (data, len, off, 1, field, &p, error))
    return FALSE;
  gsize n = p[0];
  if (n < lo || n > hi)
    return fail (error, MODEL_STD_MALFORMED, "%s: length %zu, expected %zu..%zu",
                 field, n, lo, hi);
  if (!take (data, len, off, n, field, &p, error))
    return FALSE;
  if (memchr (p, 0, n) != NULL)
    return fail (error, MODEL_STD_MALFORMED, "%s: contains a NUL byte", field);
  memcpy (dst, p, n);
  dst[n] = '\0';
  return TRUE;
}

/* The wire of CHAN-16 (countersigned: the countersignature follows when the
 * relay id is not empty) or of CHAN-27 (not countersigned: never). */
static gboolean
decode (const guint8 *data, gsize len, gboolean countersigned, ModelChannelRequest *out,
        GError **error)
{
  g_return_val_if_fail (out != NULL, FALSE);
  g_return_val_if_fail (data != NULL || len == 0, FALSE);
  ModelChannelRequest r;
  const guint8 *p = NULL;
  gsize off = 0;
  memset (&r, 0, sizeof r);
  memset (out, 0, sizeof *out);
  if (!take (data, len, &off, 4, "magic", &p, error))
    return FALSE;
  if (memcmp (p, MAGIC, 4) != 0)
    return fail (error, MODEL_STD_MALFORMED, "magic: expected \"ESR1\"");
  if (!take_str (data, len, &off, "channel_id", MODEL_CHANNEL_ID_LEN,
                 MODEL_CHANNEL_ID_LEN, r.channel_id, error)
      || !model_channel_id_check (r.channel_id, "channel_id", error))
    return FALSE;
  if (!take_str (data, len, &off, "relay_id", 0, MODEL_CHANNEL_ID_LEN, r.relay_id, error))
    return FALSE;
  if (r.relay_id[0] != '\0' && !model_channel_id_check (r.relay_id, "relay_id", error))
    return FALSE;
  if (!take (data, len, &off, 8, "timestamp", &p, error))
    return FALSE;
  r.timestamp = (gint64) base_be64_get (p);
  if (!take (data, len, &off, MODEL_CHANNEL_NONCE_LEN, "nonce", &p, error))
    return FALSE;
  memcpy (r.nonce, p, MODEL_CHANNEL_NONCE_LEN);
  if (!take_str (data, len, &off, "operation", 1, MODEL_CHANNEL_OP_MAX, r.operation, error)
      || !op_check (r.operation, error))
    return FALSE;
  if (!take (data, len, &off, MODEL_CHANNEL_HASH_LEN, "body_hash", &p, error))
    return FALSE;
  memcpy (r.body_hash, p, MODEL_CHANNEL_HASH_LEN);
  if (!take (data, len, &off, MODEL_CHANNEL_SIG_LEN, "signature", &p, error))
    return FALSE;
  memcpy (r.signature, p, MODEL_CHANNEL_SIG_LEN);
  if (countersigned && r.relay_id[0] != '\0')
    {
      if (!take (data, len, &off, MODEL_CHANNEL_SIG_LEN, "relay_signature", &p, error))
        return FALSE;
      memcpy (r.relay_signature, p, MODEL_CHANNEL_SIG_LEN);
    }
  if (off != len)
    return fail (error, MODEL_STD_MALFORMED, "request: %zu trailing bytes after offset %zu%s",
                 len - off, off,
                 countersigned ? "" : " (the channel's signature ends a wire not yet "
                                      "countersigned)");
  *out = r;
  return TRUE;
}

gboolean
model_channel_request_decode (const guint8 *data, gsize len,
                              ModelChannelRequest *out, GError **error)
{
  return decode (data, len, TRUE, out, error);
}

gboolean
model_channel_request_decode_signed (const guint8 *data, gsize len,
                                     ModelChannelRequest *out, GError **error)
{
  return decode (data, len, FALSE, out, error);
}
