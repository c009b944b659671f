/* SPDX-License-Identifier: MIT */
/*
 * The e-card credential: canonical encoding, Ed25519 signing by the
 * platform, strict decoding, and verification against a trust list, a time
 * and the card's status.  The byte layout is ESSC-STD section 4.2; the
 * decoder accepts exactly the outputs of the encoder, so decoding and
 * re-encoding always gives back the same bytes.  Every refusal is a GError
 * in MODEL_CREDENTIAL_ERROR whose code is a ModelStdCode and whose message
 * names the field and its byte offset.  A credential is at most
 * MODEL_CRED_MAX_LEN (238) bytes; nothing here is slower than one signature.
 */
#include "model/std/credential.h"

#include <sodium.h>
#include <string.h>

#include "base/hex.h"
#include "model/std/common.h"

G_DEFINE_QUARK (model-credential-error-quark, model_credential_error)

struct _ModelTrustList {
  GTree *keys;   /* guint8[8] key id -> guint8[32] public key, both g_malloc'd */
};

G_STATIC_ASSERT (MODEL_CRED_PK_LEN == MODEL_KEY_PAIR_PK_LEN);
G_STATIC_ASSERT (MODEL_CRED_SIG_LEN == MODEL_KEY_PAIR_SIG_LEN);
G_STATIC_ASSERT (MODEL_CRED_SEED_LEN == MODEL_KEY_PAIR_SEED_LEN);
G_STATIC_ASSERT (MODEL_CRED_FIXED_LEN == 4 + 1 + 1 + MODEL_ECARD_ID_LEN + MODEL_SSN_LEN
                 + 1 + MODEL_CRED_CARD_NO_LEN + 4 + MODEL_CRED_PK_LEN + 8 + 8
                 + MODEL_KEY_ID_LEN + MODEL_CRED_SIG_LEN);

/* ---- trust list -------------------------------------------------------- */

static gint
cmp_key_id (gconstpointer a, gconstpointer b, gpointer unused)
{
  return memcmp (a, b, MODEL_KEY_ID_LEN);
}

ModelTrustList *
model_trust_list_new (void)
{
  ModelTrustList *list = g_new0 (ModelTrustList, 1);
  list->keys = g_tree_new_full (cmp_key_id, NULL, g_free, g_free);
  return list;
}

gboolean
model_trust_list_add (ModelTrustList *list, const guint8 public_key[MODEL_CRED_PK_LEN],
                      GError **error)
{
  g_return_val_if_fail (list != NULL && public_key != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!crypto_core_ed25519_is_valid_point (public_key))
    {
      g_set_error (error, MODEL_CREDENTIAL_ERROR, MODEL_STD_MALFORMED,
                   "trust list: public key is not a valid Ed25519 public key "
                   "(expected a canonical point of prime order)");
      return FALSE;
    }
  guint8 id[MODEL_KEY_ID_LEN];
  model_key_id (public_key, MODEL_CRED_PK_LEN, id);
  const guint8 *have = g_tree_lookup (list->keys, id);
  if (have != NULL)
    {
      if (memcmp (have, public_key, MODEL_CRED_PK_LEN) == 0)
        return TRUE;
      g_set_error (error, MODEL_CREDENTIAL_ERROR, MODEL_STD_CONFLICT,
                   "trust list: a different key with the same key id is "
                   "already trusted");
      return FALSE;
    }
  g_tree_insert (list->keys, g_memdup2 (id, sizeof id),
                 g_memdup2 (public_key, MODEL_CRED_PK_LEN));
  return TRUE;
}

const guint8 *
model_trust_list_lookup (const ModelTrustList *list, const guint8 key_id[MODEL_KEY_ID_LEN])
{
  g_return_val_if_fail (list != NULL && key_id != NULL, NULL);
  return g_tree_lookup (list->keys, key_id);
}

guint
model_trust_list_size (const ModelTrustList *list)
{
  g_return_val_if_fail (list != NULL, 0);
  return (guint) g_tree_nnodes (list->keys);
}

typedef struct {
  ModelTrustListFunc fn;
  gpointer user_data;
} ForeachCtx;

static gboolean
foreach_one (gpointer key, gpointer value, gpointer data)
{
  ForeachCtx *ctx = data;
  ctx->fn (key, value, ctx->user_data);
  return FALSE;
}

void
model_trust_list_foreach (const ModelTrustList *list, ModelTrustListFunc fn,
                          gpointer user_data)
{
  g_return_if_fail (list != NULL && fn != NULL);
  ForeachCtx ctx = { fn, user_data };
  g_tree_foreach (list->keys, foreach_one, &ctx);
}

void
model_trust_list_free (ModelTrustList *list)
{
  if (list == NULL)
    return;
  g_tree_destroy (list->keys);
  g_free (list);
}

/* ---- field rules (CRED-3), shared by the encoder and the decoder ------- */

/* Each returns NULL when the field is fine, else what was expected. */

static const char *
ssn_problem (const guint8 *s)
{
  for (int i = 0; i < MODEL_SSN_LEN - 1; i++)
    if (s[i] < '0' || s[i] > '9')
      return "17 ASCII digits then a digit or 'X'";
  if ((s[17] < '0' || s[17] > '9') && s[17] != 'X')
    return "17 ASCII digits then a digit or 'X' (upper case)";
  return NULL;
}

static const char *
card_no_problem (const guint8 *s)
{
  if (s[0] < 'A' || s[0] > 'Z')
    return "an upper-case ASCII letter then 8 ASCII digits";
  for (int i = 1; i < MODEL_CRED_CARD_NO_LEN; i++)
    if (s[i] < '0' || s[i] > '9')
      return "an upper-case ASCII letter then 8 ASCII digits";
  return NULL;
}

static const char *
name_problem (const guint8 *s, gsize n)
{
  switch (base_text_check_utf8 ((const char *) s, (gssize) n, MODEL_CRED_NAME_MAX, NULL))
    {
    case BASE_TEXT_OK:
      return NULL;
    case BASE_TEXT_BAD_UTF8:
      return "valid UTF-8 without NUL";
    case BASE_TEXT_CONTROL:
      return "no control characters (U+0000..U+001F, U+007F..U+009F)";
    default:
      return "a length of 1..64 bytes";
    }
}

static const char *
level_problem (guint level)
{
  return level == 1 || level == 2 ? NULL : "1 or 2";
}

static const char *
city_problem (guint32 city)
{
  return city >= 100000 && city <= 999999 ? NULL : "a six-digit code 100000..999999";
}

static const char *
device_pk_problem (const guint8 *pk)
{
  return crypto_core_ed25519_is_valid_point (pk)
           ? NULL : "a valid Ed25519 public key (canonical point of prime order)";
}

static gboolean
field_error (GError **error, const char *field, gsize offset, const char *expected)
{
  return base_fail (error, MODEL_CREDENTIAL_ERROR, MODEL_STD_MALFORMED,
                     "credential: field %s at byte %" G_GSIZE_FORMAT ": expected %s",
                     field, offset, expected);
}

/* Offsets of the fields after the name, given the name length n. */
#define OFF_LEVEL 5
#define OFF_ECARD 6
#define OFF_SSN 22
#define OFF_NAME_LEN 40
#define OFF_NAME 41
#define OFF_CARD_NO(n) ((gsize) 41 + (n))
#define OFF_CITY(n) ((gsize) 50 + (n))
#define OFF_DEVICE(n) ((gsize) 54 + (n))
#define OFF_ISSUED(n) ((gsize) 86 + (n))
#define OFF_EXPIRES(n) ((gsize) 94 + (n))
#define OFF_SIGNER(n) ((gsize) 102 + (n))
#define OFF_SIG(n) ((gsize) 110 + (n))

gboolean
model_credential_check (const ModelCredential *c, GError **error)
{
  g_return_val_if_fail (c != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);
  const char *why;
  gsize n = strnlen (c->name, sizeof c->name);

  if ((why = level_problem (c->level)))
    return field_error (error, "level", OFF_LEVEL, why);
  if (strnlen (c->ssn, sizeof c->ssn) != MODEL_SSN_LEN)
    return field_error (error, "ssn", OFF_SSN, "18 characters");
  if ((why = ssn_problem ((const guint8 *) c->ssn)))
    return field_error (error, "ssn", OFF_SSN, why);
  if (n == sizeof c->name)
    return field_error (error, "name", OFF_NAME, "a NUL-terminated string of 1..64 bytes");
  if ((why = name_problem ((const guint8 *) c->name, n)))
    return field_error (error, "name",
                        n < 1 || n > MODEL_CRED_NAME_MAX ? OFF_NAME_LEN : OFF_NAME, why);
  if (strnlen (c->card_no, sizeof c->card_no) != MODEL_CRED_CARD_NO_LEN)
    return field_error (error, "card_no", OFF_CARD_NO (n), "9 characters");
  if ((why = card_no_problem ((const guint8 *) c->card_no)))
    return field_error (error, "card_no", OFF_CARD_NO (n), why);
  if ((why = city_problem (c->city)))
    return field_error (error, "city", OFF_CITY (n), why);
  if ((why = device_pk_problem (c->device_pk)))
    return field_error (error, "device_pk", OFF_DEVICE (n), why);
  if (c->expires_at <= c->issued_at)
    return field_error (error, "expires_at", OFF_EXPIRES (n), "a time after issued_at");
  return TRUE;
}

/* ---- encoding ---------------------------------------------------------- */

static void
put_u32 (GByteArray *b, guint32 v)
{
  guint8 x[4] = { v >> 24, v >> 16, v >> 8, v };
  g_byte_array_append (b, x, 4);
}

/* Appends the signed part of c (checked) with the given signer key id. */
static gboolean
encode_tbs (GByteArray *b, const ModelCredential *c, const guint8 *signer, GError **error)
{
  if (!model_credential_check (c, error))
    return FALSE;
  guint8 n = (guint8) strlen (c->name);
  guint8 hdr[2] = { MODEL_CRED_VERSION, c->level };
  g_byte_array_append (b, (const guint8 *) MODEL_CRED_MAGIC, 4);
  g_byte_array_append (b, hdr, 2);
  g_byte_array_append (b, c->ecard_id, MODEL_ECARD_ID_LEN);
  g_byte_array_append (b, (const guint8 *) c->ssn, MODEL_SSN_LEN);
  g_byte_array_append (b, &n, 1);
  g_byte_array_append (b, (const guint8 *) c->name, n);
  g_byte_array_append (b, (const guint8 *) c->card_no, MODEL_CRED_CARD_NO_LEN);
  put_u32 (b, c->city);
  g_byte_array_append (b, c->device_pk, MODEL_CRED_PK_LEN);
  base_be64_append (b, (guint64) c->issued_at);
  base_be64_append (b, (guint64) c->expires_at);
  g_byte_array_append (b, signer, MODEL_KEY_ID_LEN);
  g_assert (b->len == OFF_SIG (n));
  return TRUE;
}

GBytes *
model_credential_encode_tbs (const ModelCredential *c, GError **error)
{
  g_return_val_if_fail (c != NULL, NULL);
  g_autoptr (GByteArray) b = g_byte_array_sized_new (MODEL_CRED_MAX_LEN);
  if (!encode_tbs (b, c, c->signer_key_id, error))
    return NULL;
  return g_byte_array_free_to_bytes (g_steal_pointer (&b));
}

GBytes *
model_credential_sign (const ModelCredential *c, const ModelPlatformKey *key, GError **error)
{
  g_return_val_if_fail (c != NULL && key != NULL, NULL);
  g_autoptr (GByteArray) b = g_byte_array_sized_new (MODEL_CRED_MAX_LEN);
  if (!encode_tbs (b, c, model_key_pair_id (key), error))
    return NULL;
  guint8 sig[MODEL_CRED_SIG_LEN];
  model_key_pair_sign (key, b->data, b->len, sig);
  g_byte_array_append (b, sig, sizeof sig);
  return g_byte_array_free_to_bytes (g_steal_pointer (&b));
}

/* ---- decoding ---------------------------------------------------------- */

typedef struct {
  const guint8 *p;
  gsize len;
  gsize off;
} Reader;

/* Returns the next n bytes of field, or NULL with MALFORMED when short. */
static const guint8 *
take (Reader *r, gsize n, const char *field, GError **error)
{
  if (r->len - r->off < n)
    {
      g_set_error (error, MODEL_CREDENTIAL_ERROR, MODEL_STD_MALFORMED,
                   "credential: field %s at byte %" G_GSIZE_FORMAT ": truncated, "
                   "expected %" G_GSIZE_FORMAT " bytes, %" G_GSIZE_FORMAT " left",
                   field, r->off, n, r->len - r->off);
      return NULL;
    }
  const guint8 *q = r->p + r->off;
  r->off += n;
  return q;
}

gboolean
model_credential_decode (const guint8 *data, gsize len, ModelCredential *out, GError **error)
{
  g_return_val_if_fail (data != NULL || len == 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  Reader r = { data, len, 0 };
  ModelCredential c;
  const guint8 *q;
  const char *why;
  gsize at;

  memset (&c, 0, sizeof c);
  if (!(q = take (&r, 4, "magic", error)))
    return FALSE;
  if (memcmp (q, MODEL_CRED_MAGIC, 4) != 0)
    return field_error (error, "magic", 0, "\"ESC1\"");
  if (!(q = take (&r, 1, "version", error)))
    return FALSE;
  if (*q != MODEL_CRED_VERSION)
    return field_error (error, "version", 4, "1");
  if (!(q = take (&r, 1, "level", error)))
    return FALSE;
  if ((why = level_problem (*q)))
    return field_error (error, "level", OFF_LEVEL, why);
  c.level = *q;
  if (!(q = take (&r, MODEL_ECARD_ID_LEN, "ecard_id", error)))
    return FALSE;
  memcpy (c.ecard_id, q, MODEL_ECARD_ID_LEN);
  if (!(q = take (&r, MODEL_SSN_LEN, "ssn", error)))
    return FALSE;
  if ((why = ssn_problem (q)))
    return field_error (error, "ssn", OFF_SSN, why);
  memcpy (c.ssn, q, MODEL_SSN_LEN);
  if (!(q = take (&r, 1, "name_len", error)))
    return FALSE;
  gsize n = *q;
  if (n < 1 || n > MODEL_CRED_NAME_MAX)
    return field_error (error, "name_len", OFF_NAME_LEN, "1..64");
  if (!(q = take (&r, n, "name", error)))
    return FALSE;
  if ((why = name_problem (q, n)))
    return field_error (error, "name", OFF_NAME, why);
  memcpy (c.name, q, n);
  if (!(q = take (&r, MODEL_CRED_CARD_NO_LEN, "card_no", error)))
    return FALSE;
  if ((why = card_no_problem (q)))
    return field_error (error, "card_no", OFF_CARD_NO (n), why);
  memcpy (c.card_no, q, MODEL_CRED_CARD_NO_LEN);
  if (!(q = take (&r, 4, "city", error)))
    return FALSE;
  c.city = (guint32) q[0] << 24 | (guint32) q[1] << 16 | (guint32) q[2] << 8 | q[3];
  if ((why = city_problem (c.city)))
    return field_error (error, "city", OFF_CITY (n), why);
  if (!(q = take (&r, MODEL_CRED_PK_LEN, "device_pk", error)))
    return FALSE;
  if ((why = device_pk_problem (q)))
    return field_error (error, "device_pk", OFF_DEVICE (n), why);
  memcpy (c.device_pk, q, MODEL_CRED_PK_LEN);
  if (!(q = take (&r, 8, "issued_at", error)))
    return FALSE;
  c.issued_at = (gint64) base_be64_get (q);
  if (!(q = take (&r, 8, "expires_at", error)))
    return FALSE;
  c.expires_at = (gint64) base_be64_get (q);
  if (c.expires_at <= c.issued_at)
    return field_error (error, "expires_at", OFF_EXPIRES (n), "a time after issued_at");
  if (!(q = take (&r, MODEL_KEY_ID_LEN, "signer_key_id", error)))
    return FALSE;
  memcpy (c.signer_key_id, q, MODEL_KEY_ID_LEN);
  if (!(q = take (&r, MODEL_CRED_SIG_LEN, "signature", error)))
    return FALSE;
  at = r.off;
  if (at != len)
    {
      g_set_error (error, MODEL_CREDENTIAL_ERROR, MODEL_STD_MALFORMED,
                   "credential: %" G_GSIZE_FORMAT " trailing bytes at byte %"
                   G_GSIZE_FORMAT "; expected the end after the signature",
                   len - at, at);
      return FALSE;
    }
  g_assert (at == OFF_SIG (n) + MODEL_CRED_SIG_LEN);
  if (out)
    *out = c;
  return TRUE;
}

/* ---- verification (CRED-5) -------------------------------------------- */

gboolean
model_credential_verify (const guint8 *data, gsize len, const ModelTrustList *trust,
                         ModelStatusFn status, gpointer status_data, gint64 now,
                         ModelCredential *out, GError **error)
{
  g_return_val_if_fail (trust != NULL && status != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  ModelCredential c = { 0 };   /* zeros, never stack contents, whatever decode did */
  if (!model_credential_decode (data, len, &c, error))
    return FALSE;

  const guint8 *pk = model_trust_list_lookup (trust, c.signer_key_id);
  if (pk == NULL)
    {
      char hex[2 * MODEL_KEY_ID_LEN + 1];
      base_hex_encode (c.signer_key_id, MODEL_KEY_ID_LEN, hex);
      g_set_error (error, MODEL_CREDENTIAL_ERROR, MODEL_STD_UNKNOWN_KEY,
                   "credential: signer key id %s is not in the trust list", hex);
      return FALSE;
    }
  gsize tbs = len - MODEL_CRED_SIG_LEN;
  if (crypto_sign_verify_detached (data + tbs, data, tbs, pk) != 0)
    {
      g_set_error (error, MODEL_CREDENTIAL_ERROR, MODEL_STD_BAD_SIGNATURE,
                   "credential: signature at byte %" G_GSIZE_FORMAT " does not "
                   "verify with the platform key it names", tbs);
      return FALSE;
    }
  if (now < c.issued_at)
    {
      g_set_error (error, MODEL_CREDENTIAL_ERROR, MODEL_STD_NOT_YET_VALID,
                   "credential: issued_at %" G_GINT64_FORMAT " is after the "
                   "validation time %" G_GINT64_FORMAT, c.issued_at, now);
      return FALSE;
    }
  if (now >= c.expires_at)
    {
      g_set_error (error, MODEL_CREDENTIAL_ERROR, MODEL_STD_EXPIRED,
                   "credential: expired at %" G_GINT64_FORMAT "; validation "
                   "time %" G_GINT64_FORMAT, c.expires_at, now);
      return FALSE;
    }
  ModelStdCode st = status (c.ecard_id, status_data);
  if (st != MODEL_STD_OK)
    {
      char hex[33];
      model_ecard_id_to_hex (c.ecard_id, hex);
      ModelStdCode code = st == MODEL_STD_NOT_FOUND ? MODEL_STD_NOT_FOUND
                                                    : MODEL_STD_CARD_UNUSABLE;
      g_set_error (error, MODEL_CREDENTIAL_ERROR, code,
                   "credential: status check of e-card %s answered %s",
                   hex, model_std_code_name (st));
      return FALSE;
    }
  if (out)
    *out = c;
  return TRUE;
}
