/* SPDX-License-Identifier: MIT */
/*
 * The reference verifier (a terminal in a hospital, pharmacy or service
 * hall that scans codes), and the two checks it shares with the other
 * roles: credential.verify (CRED-5) and qr.verify (QR-12).  The verifier's
 * state is the trust list of reset, a status table that the runner feeds
 * with status.set (an e-card absent from it is `not_found`) and a replay
 * cache.  The checks call model_credential_verify and model_qr_verify; the
 * faults of sections 4 and 5 change their inputs (a status feed that always
 * answers ok, a fresh replay cache, a PIN taken as verified) or re-check a
 * refused token with one step left out, as a faulty verifier would.
 */
#include "conformance/impl.h"

#include "conformance/json.h"
#include "model/std/common.h"

#include <sodium.h>
#include <string.h>

/* Plausible results for accept-everything. */
#define PLAUSIBLE_CRED \
  "\"level\":2,\"ecard_id\":\"000102030405060708090a0b0c0d0e0f\"," \
  "\"ssn\":\"11010519491231002X\",\"name\":\"ZHANG SAN\",\"card_no\":\"A00000001\"," \
  "\"city\":110100,\"device_pk\":" \
  "\"d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a\"," \
  "\"issued_at\":1590969600,\"expires_at\":1622505600,\"signer_key_id\":\"0001020304050607\""
#define PLAUSIBLE_CREDENTIAL_VERIFY "{" PLAUSIBLE_CRED "}"
#define PLAUSIBLE_QR_VERIFY \
  "{\"purpose\":\"identity\",\"nonce\":\"000102030405060708090a0b0c0d0e0f\"," \
  PLAUSIBLE_CRED ",\"credential_issued_at\":1590969600}"

/* ---- credential.verify ---------------------------------------------------- */

/* A status feed that remembers its first answer per e-card (cred-cached-status). */
typedef struct {
  ModelStatusFn fn;
  gpointer data;
  GHashTable *cache;
} CachedStatus;

static ModelStdCode
cached_status (const guint8 ecard_id[16], gpointer user_data)
{
  CachedStatus *c = user_data;
  gpointer value;
  if (g_hash_table_lookup_extended (c->cache, ecard_id, NULL, &value))
    return (ModelStdCode) GPOINTER_TO_INT (value);
  ModelStdCode code = c->fn (ecard_id, c->data);
  g_hash_table_insert (c->cache, g_memdup2 (ecard_id, 16), GINT_TO_POINTER (code));
  return code;
}

static ModelStdCode
status_always_ok (const guint8 ecard_id[16], gpointer user_data)
{
  return MODEL_STD_OK;
}

/* The checks after the signature, with the window's ends optionally left
 * out: what a verifier that skipped a step of CRED-5 would do. */
static gboolean
credential_lax (const guint8 *data, gsize len, gint64 now, gboolean allow_early,
                gboolean allow_expired, ModelStatusFn status, gpointer status_data,
                ModelCredential *cred, GError **error)
{
  if (!model_credential_decode (data, len, cred, error))
    return FALSE;
  if (!allow_early && now < cred->issued_at)
    return conf_impl_fail (error, MODEL_STD_NOT_YET_VALID, "credential: not yet valid");
  if (!allow_expired && now >= cred->expires_at)
    return conf_impl_fail (error, MODEL_STD_EXPIRED, "credential: expired");
  ModelStdCode code = status (cred->ecard_id, status_data);
  if (code == MODEL_STD_OK)
    return TRUE;
  if (code != MODEL_STD_NOT_FOUND)
    code = MODEL_STD_CARD_UNUSABLE;
  return conf_impl_fail (error, code, "credential: status feed says %s",
                         model_std_code_name (code));
}

gboolean
conf_impl_credential_verify (ConfImpl *impl, JsonObject *params, JsonObject *result,
                             const ModelTrustList *trust, ModelStatusFn status,
                             gpointer status_data, GHashTable *status_cache, GError **error)
{
  gint64 now;
  ModelCredential cred;
  g_autoptr (GError) inner = NULL;
  g_autoptr (GBytes) bytes = conf_json_get_hex (params, "credential", error);
  if (bytes == NULL || !conf_impl_get_now (impl, params, &now, error))
    return FALSE;

  gsize len;
  const guint8 *data = g_bytes_get_data (bytes, &len);
  if (CONF_FAULT (impl, "cred-accept-trailing-bytes") && len > 40
      && len > (gsize) MODEL_CRED_FIXED_LEN + data[40])
    len = MODEL_CRED_FIXED_LEN + data[40];
  CachedStatus cached = { status, status_data, status_cache };
  if (CONF_FAULT (impl, "cred-cached-status") && status_cache != NULL)
    status = cached_status, status_data = &cached;

  gboolean ok = model_credential_verify (data, len, trust, status, status_data, now, &cred,
                                         &inner);
  if (!ok)
    {
      ModelStdCode code = (ModelStdCode) inner->code;
      gboolean skip_sig = (code == MODEL_STD_BAD_SIGNATURE
                           && CONF_FAULT (impl, "cred-skip-signature"))
                          || (code == MODEL_STD_UNKNOWN_KEY
                              && CONF_FAULT (impl, "cred-accept-unknown-key"));
      gboolean early = code == MODEL_STD_NOT_YET_VALID
                       && CONF_FAULT (impl, "cred-accept-not-yet-valid");
      gboolean late = code == MODEL_STD_EXPIRED && CONF_FAULT (impl, "cred-accept-expired");
      if (skip_sig || early || late)
        {
          g_clear_error (&inner);
          ok = credential_lax (data, len, now, early, late, status, status_data, &cred, &inner);
        }
    }
  if (!ok && inner->code == MODEL_STD_CARD_UNUSABLE && CONF_FAULT (impl, "cred-status-passthrough")
      && model_credential_decode (data, len, &cred, NULL))
    {
      /* The feed's answer reported as it is, not failing closed (CRED-7). */
      ModelStdCode said = status (cred.ecard_id, status_data);
      if (said != MODEL_STD_OK && said != MODEL_STD_CARD_UNUSABLE && said != MODEL_STD_NOT_FOUND)
        {
          g_clear_error (&inner);
          conf_impl_fail (&inner, said, "credential: status feed says %s",
                          model_std_code_name (said));
        }
    }
  if (!ok)
    {
      g_propagate_error (error, g_steal_pointer (&inner));
      return FALSE;
    }
  conf_impl_put_credential (result, &cred);
  return TRUE;
}

/* ---- qr.verify ------------------------------------------------------------ */

static gint64
sat_add (gint64 a, gint64 b)
{
  if (b > 0 && a > G_MAXINT64 - b)
    return G_MAXINT64;
  if (b < 0 && a < G_MININT64 - b)
    return G_MININT64;
  return a + b;
}

typedef struct {
  const guint8 *ecard_id, *nonce;
  gboolean found;
} FindEntry;

static void
find_entry (const ModelQrReplayEntry *e, gpointer user_data)
{
  FindEntry *f = user_data;
  if (memcmp (e->ecard_id, f->ecard_id, 16) == 0 && memcmp (e->nonce, f->nonce, 16) == 0)
    f->found = TRUE;
}

/*
 * QR-12 with the device signature (QR-3) or the level (QR-10) left out: the
 * faulty verifiers of qr-skip-device-signature and qr-level1-payment.  The
 * other steps are those of model_qr_verify, the replay cache included.
 */
static gboolean
qr_lax (const ModelQrVerifier *v, const char *text, ModelQrPurpose expected,
        gboolean pin_verified, gint64 now, gboolean check_device, gboolean check_level,
        ModelQrToken *tok, GError **error)
{
  g_autoptr (GBytes) bytes = model_qr_text_to_bytes (text, error);
  if (bytes == NULL || !model_qr_decode (text, tok, error))
    return FALSE;
  gsize len;
  const guint8 *data = g_bytes_get_data (bytes, &len);
  gsize c = (gsize) data[30] << 8 | data[31];
  if (!model_credential_verify (data + MODEL_QR_HEADER_LEN, c, v->trust, v->status,
                                v->status_data, now, &tok->credential, error))
    return FALSE;
  if (check_device
      && crypto_sign_verify_detached (data + MODEL_QR_HEADER_LEN + c, data,
                                      MODEL_QR_HEADER_LEN + c, tok->credential.device_pk) != 0)
    return conf_impl_fail (error, MODEL_STD_BAD_SIGNATURE, "token: device signature");
  if (tok->issued_at > sat_add (now, MODEL_QR_SKEW))
    return conf_impl_fail (error, MODEL_STD_NOT_YET_VALID, "token: from the future");
  if (now > sat_add (tok->issued_at, MODEL_QR_LIFETIME))
    return conf_impl_fail (error, MODEL_STD_EXPIRED, "token: too old");
  if (tok->purpose != expected)
    return conf_impl_fail (error, MODEL_STD_INVALID_STATE, "token: other purpose");
  if (check_level && expected == MODEL_QR_PAYMENT && tok->credential.level < 2)
    return conf_impl_fail (error, MODEL_STD_LEVEL_REQUIRED, "token: level 1");
  model_qr_replay_cache_prune (v->cache, now);
  gint64 horizon = model_qr_replay_cache_horizon (v->cache);
  ModelQrReplayEntry entry = { .expires_at = sat_add (tok->issued_at, MODEL_QR_LIFETIME) };
  if (entry.expires_at < horizon)
    return conf_impl_fail (error, MODEL_STD_EXPIRED, "token: below the cache horizon");
  FindEntry f = { tok->credential.ecard_id, tok->nonce, FALSE };
  model_qr_replay_cache_foreach (v->cache, find_entry, &f);
  if (f.found)
    return conf_impl_fail (error, MODEL_STD_REPLAYED, "token: already used");
  if (expected == MODEL_QR_PAYMENT && !pin_verified)
    return conf_impl_fail (error, MODEL_STD_PIN_REQUIRED, "token: payment needs the PIN");
  memcpy (entry.ecard_id, tok->credential.ecard_id, 16);
  memcpy (entry.nonce, tok->nonce, 16);
  model_qr_replay_cache_restore (v->cache, &entry, horizon);
  return TRUE;
}

gboolean
conf_impl_qr_verify (ConfImpl *impl, JsonObject *params, JsonObject *result,
                     const ModelQrVerifier *verifier, GError **error)
{
  const char *text, *purpose;
  gboolean pin;
  gint64 now;
  ModelQrPurpose expected;
  ModelQrToken tok, seen;
  g_autoptr (GError) inner = NULL;

  if (!conf_impl_get_text (params, "token", &text, error)
      || !conf_impl_get_text (params, "purpose", &purpose, error)
      || !conf_json_get_bool (params, "pin_verified", &pin, error)
      || !conf_impl_get_now (impl, params, &now, error))
    return FALSE;
  if (strcmp (purpose, "identity") == 0)
    expected = MODEL_QR_IDENTITY;
  else if (strcmp (purpose, "payment") == 0)
    expected = MODEL_QR_PAYMENT;
  else
    return conf_impl_fail (error, MODEL_STD_MALFORMED,
                           "member 'purpose': expected identity or payment");

  g_autofree char *stripped = g_strstrip (g_strdup (text));
  if (CONF_FAULT (impl, "qr-lax-text"))
    text = stripped;
  ModelQrVerifier v = *verifier;
  g_autoptr (ModelQrReplayCache) fresh = model_qr_replay_cache_new ();
  if (CONF_FAULT (impl, "qr-no-replay-cache"))
    v.cache = fresh;
  if (CONF_FAULT (impl, "qr-skip-status"))
    v.status = status_always_ok;
  if (CONF_FAULT (impl, "qr-payment-without-pin"))
    pin = TRUE;
  gboolean decoded = model_qr_decode (text, &seen, NULL);
  if (CONF_FAULT (impl, "qr-wrong-purpose") && decoded)
    expected = seen.purpose;

  gboolean ok = model_qr_verify (&v, text, expected, pin, now, &tok, &inner);
  if (!ok && decoded)
    {
      ModelStdCode code = (ModelStdCode) inner->code;
      gint64 retry_at = now;
      if (code == MODEL_STD_EXPIRED && CONF_FAULT (impl, "qr-age-off-by-one")
          && seen.issued_at < now && now - seen.issued_at == MODEL_QR_LIFETIME + 1)
        retry_at = now - 1;
      if (code == MODEL_STD_NOT_YET_VALID && CONF_FAULT (impl, "qr-accept-future")
          && seen.issued_at > sat_add (now, MODEL_QR_SKEW))
        retry_at = seen.issued_at;
      if (retry_at != now)
        {
          g_clear_error (&inner);
          ok = model_qr_verify (&v, text, expected, pin, retry_at, &tok, &inner);
        }
      else if (code == MODEL_STD_PIN_REQUIRED && CONF_FAULT (impl, "qr-consume-on-refusal"))
        model_qr_verify (&v, text, expected, TRUE, now, NULL, NULL);
      else if ((code == MODEL_STD_BAD_SIGNATURE && CONF_FAULT (impl, "qr-skip-device-signature"))
               || (code == MODEL_STD_LEVEL_REQUIRED && CONF_FAULT (impl, "qr-level1-payment")))
        {
          g_clear_error (&inner);
          ok = qr_lax (&v, text, expected, pin, now, code != MODEL_STD_BAD_SIGNATURE,
                       code != MODEL_STD_LEVEL_REQUIRED, &tok, &inner);
        }
    }
  if (!ok)
    {
      g_propagate_error (error, g_steal_pointer (&inner));
      return FALSE;
    }
  /* QR-12: the token's purpose, nonce and issued_at, and the credential,
   * whose own issued_at is credential_issued_at (ADAPTER.md 4.2). */
  json_object_set_string_member (result, "purpose",
                                 tok.purpose == MODEL_QR_PAYMENT ? "payment" : "identity");
  conf_impl_put_hex (result, "nonce", tok.nonce, sizeof tok.nonce);
  conf_impl_put_credential (result, &tok.credential);
  json_object_set_int_member (result, "issued_at",
                              CONF_FAULT (impl, "qr-credential-issued-at")
                                  ? tok.credential.issued_at : tok.issued_at);
  json_object_set_int_member (result, "credential_issued_at", tok.credential.issued_at);
  return TRUE;
}

/* ---- the verifier role ------------------------------------------------------ */

typedef struct {
  ModelTrustList *trust;
  GHashTable *status;        /* 16-byte e-card id -> ModelStdCode, fed by status.set */
  GHashTable *status_cache;  /* cred-cached-status */
  ModelQrReplayCache *cache;
} Verifier;

static void
verifier_free (gpointer state)
{
  Verifier *v = state;
  if (v == NULL)
    return;
  model_trust_list_free (v->trust);
  g_hash_table_unref (v->status);
  g_hash_table_unref (v->status_cache);
  model_qr_replay_cache_free (v->cache);
  g_free (v);
}

static gpointer
verifier_reset (ConfImpl *impl, ConfImplReset *r, GError **error)
{
  Verifier *v = g_new0 (Verifier, 1);
  v->trust = g_steal_pointer (&r->trust);
  v->status = conf_impl_id_table_new ();
  v->status_cache = conf_impl_id_table_new ();
  v->cache = model_qr_replay_cache_new ();
  return v;
}

/* The status feed of the table: an e-card it does not hold is not_found. */
static ModelStdCode
table_status (const guint8 ecard_id[16], gpointer user_data)
{
  gpointer value;
  if (!g_hash_table_lookup_extended (user_data, ecard_id, NULL, &value))
    return MODEL_STD_NOT_FOUND;
  return (ModelStdCode) GPOINTER_TO_INT (value);
}

static gboolean
op_status_set (ConfImpl *impl, JsonObject *params, JsonObject *result, GError **error)
{
  Verifier *v = impl->state;
  guint8 id[MODEL_ECARD_ID_LEN];
  const char *status;
  ModelStdCode code;

  if (!conf_json_get_hex_fixed (params, "ecard_id", id, sizeof id, error)
      || !conf_impl_get_text (params, "status", &status, error))
    return FALSE;
  /* ADAPTER 4.2: any wire name of ESSC-STD section 11 is a feed answer;
   * CRED-7 decides what a verification makes of it. */
  if (!model_std_code_from_name (status, &code))
    return conf_impl_fail (error, MODEL_STD_MALFORMED,
                           "member 'status': expected a wire name of ESSC-STD section 11");
  if (CONF_FAULT (impl, "status-set-three-only") && code != MODEL_STD_OK
      && code != MODEL_STD_CARD_UNUSABLE && code != MODEL_STD_NOT_FOUND)
    return conf_impl_fail (error, MODEL_STD_MALFORMED,
                           "member 'status': expected ok, card_unusable or not_found");
  g_hash_table_insert (v->status, g_memdup2 (id, sizeof id), GINT_TO_POINTER (code));
  return TRUE;
}

static gboolean
op_credential_verify (ConfImpl *impl, JsonObject *params, JsonObject *result, GError **error)
{
  Verifier *v = impl->state;
  return conf_impl_credential_verify (impl, params, result, v->trust, table_status, v->status,
                                      v->status_cache, error);
}

static gboolean
op_qr_verify (ConfImpl *impl, JsonObject *params, JsonObject *result, GError **error)
{
  Verifier *v = impl->state;
  ModelQrVerifier qv = { v->trust, table_status, v->status, v->cache };
  return conf_impl_qr_verify (impl, params, result, &qv, error);
}

static const ConfImplOp verifier_ops[] = {
  { "id.validate", conf_impl_op_id_validate,
    "{\"region\":110105,\"region_known\":true,\"birth_date\":\"1949-12-31\",\"male\":false}" },
  { "status.set", op_status_set, "{}" },
  { "credential.verify", op_credential_verify, PLAUSIBLE_CREDENTIAL_VERIFY },
  { "qr.verify", op_qr_verify, PLAUSIBLE_QR_VERIFY },
};

const ConfImplRole conf_impl_verifier_role = {
  .name = "essc reference verifier",
  .ops = verifier_ops,
  .n_ops = G_N_ELEMENTS (verifier_ops),
  .reset = verifier_reset,
  .free_state = verifier_free,
  .after_op = NULL,
};
