/* SPDX-License-Identifier: MIT */
/*
 * The reference channel (an app's or website's back end), and the consent
 * ops it shares with the platform.  Its state is the configuration of reset
 * (id, tier, parent, its Ed25519 key derived from key_seed), a relay
 * (model/std/channel_relay.h: its status as the platform last set it, its
 * tier-2 children, their public keys and the nonces it relayed for each),
 * the trust list, and a consent store with CONSENT-12 ids from reset.seed.
 * request.sign and request.relay build, sign and countersign with
 * model/std/channel_request; payment.prepare derives its idempotency key
 * from the order reference so that a retry repeats it.  Every op checks
 * its parameters first (`malformed`), then the channel's status (a channel
 * that is not live refuses with `channel_not_live`), then what it does
 * (docs/ADAPTER.md section 4.3).
 */
#include "conformance/impl.h"

#include "conformance/json.h"
#include "model/std/common.h"
#include "model/std/channel.h"
#include "model/std/channel_relay.h"
#include "model/std/consent.h"
#include "model/std/keypair.h"
#include "model/std/ledger.h"

#include <sodium.h>
#include <string.h>


/* ---- consent (channel and platform) -------------------------------------- */

/* Copies a string member of at most max bytes into out (max + 1 bytes). */
static gboolean
get_field (JsonObject *params, const char *member, char *out, gsize max, GError **error)
{
  const char *text;
  if (!conf_impl_get_text (params, member, &text, error))
    return FALSE;
  if (strlen (text) > max)
    return conf_impl_fail (error, MODEL_STD_MALFORMED, "member '%s': longer than %zu bytes",
                           member, max);
  memcpy (out, text, strlen (text) + 1);
  return TRUE;
}

/*
 * consent.grant in the order of CONSENT-14: the members' JSON types (ERR-3);
 * the kind; the parties (SSN at not_before, channel id, department id); the
 * scope set; then the store's own checks (not_before < expires_at).
 * consent-grant-scopes-first parses the scope set before the parties, as a
 * grant that reads its members one after the other might.
 */
gboolean
conf_impl_consent_grant (ConfImpl *impl, ModelConsentStore *store, JsonObject *params,
                         JsonObject *result, GError **error)
{
  ModelConsentGrant g;
  const char *kind, *ssn, *channel, *dept, *scopes;
  guint8 id[MODEL_CONSENT_GRANT_ID_LEN];

  memset (&g, 0, sizeof g);
  if (!conf_impl_get_text (params, "kind", &kind, error)
      || !conf_impl_get_text (params, "ssn", &ssn, error)
      || !conf_impl_get_text (params, "channel_id", &channel, error)
      || !conf_impl_get_text (params, "department_id", &dept, error)
      || !conf_impl_get_text (params, "scopes", &scopes, error)
      || !conf_json_get_int (params, "not_before", &g.not_before, error)
      || !conf_json_get_int (params, "expires_at", &g.expires_at, error))
    return FALSE;
  if (!model_consent_kind_from_name (kind, &g.kind))
    return conf_impl_fail (error, MODEL_STD_MALFORMED,
                           "member 'kind': expected personal, department or channel");
  gboolean scopes_first = CONF_FAULT (impl, "consent-grant-scopes-first");
  g_autoptr (GError) inner = NULL;
  gboolean ok = (!scopes_first || model_consent_scopes_parse (scopes, &g.scopes, &inner))
                && model_consent_parties_check (g.kind, ssn, channel, dept, g.not_before, &inner)
                && (scopes_first || model_consent_scopes_parse (scopes, &g.scopes, &inner));
  if (ok)
    {
      /* the parties passed: each fits its field */
      g_strlcpy (g.ssn, ssn, sizeof g.ssn);
      g_strlcpy (g.channel_id, channel, sizeof g.channel_id);
      g_strlcpy (g.department_id, dept, sizeof g.department_id);
      ok = model_consent_store_grant (store, &g, id, &inner);
    }
  /* consent-lax-grant: a channel that answers every well-encoded grant with
   * a grant id, whatever its fields */
  if (!ok && CONF_FAULT (impl, "consent-lax-grant")
      && (inner->code == MODEL_STD_MALFORMED || inner->code == MODEL_STD_INVALID_ID))
    {
      memset (id, 0xee, sizeof id);
      ok = TRUE;
    }
  if (!ok)
    {
      g_propagate_error (error, g_steal_pointer (&inner));
      return FALSE;
    }
  conf_impl_put_hex (result, "grant_id", id, sizeof id);
  return TRUE;
}

typedef struct {
  const guint8 *id;
  const ModelConsentGrant *found;
} FindGrant;

static void
find_grant (const ModelConsentGrant *g, gpointer user_data)
{
  FindGrant *f = user_data;
  if (memcmp (g->grant_id, f->id, MODEL_CONSENT_GRANT_ID_LEN) == 0)
    f->found = g;
}

gboolean
conf_impl_consent_revoke (ConfImpl *impl, ModelConsentStore *store, JsonObject *params,
                          JsonObject *result, GError **error)
{
  guint8 id[MODEL_CONSENT_GRANT_ID_LEN];
  gint64 now;

  if (!conf_json_get_hex_fixed (params, "grant_id", id, sizeof id, error)
      || !conf_impl_get_now (impl, params, &now, error))
    return FALSE;
  if (CONF_FAULT (impl, "consent-ignore-revocation"))
    {
      /* Answers as a revocation would, and keeps the grant in force. */
      FindGrant f = { id, NULL };
      model_consent_store_foreach (store, find_grant, &f);
      if (f.found == NULL)
        return conf_impl_fail (error, MODEL_STD_NOT_FOUND, "grant_id: no such grant");
      if (f.found->revoked)
        return conf_impl_fail (error, MODEL_STD_INVALID_STATE, "grant_id: already revoked");
      return TRUE;
    }
  return model_consent_store_revoke (store, id, now, error);
}

static void
put_present (JsonObject *result, guint present)
{
  JsonArray *kinds = json_array_new ();
  for (int k = 0; k < MODEL_CONSENT_N_KINDS; k++)
    if (present & MODEL_CONSENT_PART (k))
      json_array_add_string_element (kinds, model_consent_kind_name ((ModelConsentKind) k));
  json_object_set_array_member (result, "present", kinds);
}

gboolean
conf_impl_consent_question_types (ConfImpl *impl, JsonObject *params, GError **error)
{
  const char *text;
  gint64 now;
  return conf_impl_get_text (params, "ssn", &text, error)
         && conf_impl_get_text (params, "department_id", &text, error)
         && conf_impl_get_text (params, "scopes", &text, error)
         && conf_impl_get_now (impl, params, &now, error);
}

gboolean
conf_impl_consent_check (ConfImpl *impl, ModelConsentStore *store, const char *channel_id,
                         JsonObject *params, JsonObject *result, GError **error)
{
  const char *ssn, *dept, *text;
  guint32 scopes = 0; /* defined on every path, a parser's failure included */
  gint64 now;
  ModelConsentDecision d;
  g_autoptr (GError) inner = NULL;

  /* CONSENT-14: the JSON types, the parties (SSN at now, channel id,
   * department id), the scope set, then the decision. */
  if (!conf_impl_get_text (params, "ssn", &ssn, error)
      || !conf_impl_get_text (params, "department_id", &dept, error)
      || !conf_impl_get_text (params, "scopes", &text, error)
      || !conf_impl_get_now (impl, params, &now, error)
      || !model_consent_parties_check (MODEL_CONSENT_N_KINDS, ssn, channel_id, dept, now, error)
      || !model_consent_scopes_parse (text, &scopes, error))
    return FALSE;
  d.code = MODEL_STD_INTERNAL;
  if (!model_consent_store_check (store, ssn, channel_id, dept, scopes, now, &d, &inner))
    {
      gboolean grant = FALSE;
      if (d.code == MODEL_STD_OK || d.code == MODEL_STD_INTERNAL)
        ; /* malformed question: no decision to bend */
      else if (CONF_FAULT (impl, "consent-two-of-three"))
        grant = d.present != 0 && (d.present & (d.present - 1)) != 0;
      else if (CONF_FAULT (impl, "consent-ignore-expiry"))
        grant = (d.missing & ~d.expired) == 0;
      else if (CONF_FAULT (impl, "consent-pooled-scopes"))
        {
          grant = TRUE;
          for (guint32 bit = 1; bit <= MODEL_CONSENT_SCOPE_ALL; bit <<= 1)
            if ((scopes & bit)
                && !model_consent_store_check (store, ssn, channel_id, dept, bit, now, NULL, NULL))
              grant = FALSE;
        }
      if (!grant)
        {
          g_propagate_error (error, g_steal_pointer (&inner));
          return FALSE;
        }
      d.present = MODEL_CONSENT_PARTS_ALL;
    }
  put_present (result, d.present);
  return TRUE;
}

/* ---- the channel role ------------------------------------------------------ */

typedef struct {
  char id[MODEL_CHANNEL_ID_LEN + 1];
  int tier;
  char parent_id[MODEL_CHANNEL_ID_LEN + 1];   /* "" for tier 1 */
  ModelKeyPair *key;
  ModelChannelRelay *relay;   /* its status, its children and their nonces (CHAN-26) */
  ModelTrustList *trust;
  ModelConsentStore *consents;
  guint64 prepared;           /* pay-new-key-on-retry */
} Channel;

static void
channel_free (gpointer state)
{
  Channel *c = state;
  if (c == NULL)
    return;
  model_key_pair_free (c->key);
  model_channel_relay_free (c->relay);
  model_trust_list_free (c->trust);
  model_consent_store_free (c->consents);
  g_free (c);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Channel, channel_free)

/* The children of a tier-1 channel (config `children`) into its relay. */
static gboolean
add_children (Channel *c, JsonObject *config, GError **error)
{
  JsonArray *children = NULL;
  if (json_object_has_member (config, "children")
      && !conf_json_get_array (config, "children", &children, error))
    return FALSE;
  for (guint i = 0; children != NULL && i < json_array_get_length (children); i++)
    {
      JsonNode *n = json_array_get_element (children, i);
      char child[MODEL_CHANNEL_ID_LEN + 1];
      guint8 pk[32];
      g_autoptr (GError) inner = NULL;
      if (!JSON_NODE_HOLDS_OBJECT (n))
        return conf_impl_fail (error, MODEL_STD_MALFORMED, "children[%u]: expected an object",
                               i);
      JsonObject *o = json_node_get_object (n);
      if (!get_field (o, "channel_id", child, MODEL_CHANNEL_ID_LEN, error)
          || !conf_json_get_hex_fixed (o, "public_key", pk, sizeof pk, error))
        return FALSE;
      if (!model_channel_relay_add_child (c->relay, child, pk, &inner))
        return conf_impl_fail (error, (ModelStdCode) inner->code, "children[%u]: %s", i,
                               inner->message);
    }
  return TRUE;
}

static gpointer
channel_reset (ConfImpl *impl, ConfImplReset *r, GError **error)
{
  g_autoptr (Channel) c = g_new0 (Channel, 1);
  JsonObject *config = r->config;
  guint8 seed[32];
  gint64 tier, cache = 4096, lost_at = 0;
  const char *parent, *status;
  ModelChannelStatus st;
  ModelChannelParams params;

  c->trust = g_steal_pointer (&r->trust);
  c->consents = model_consent_store_new (CONF_FAULT (impl, "consent-random-ids") ? NULL
                                                                                : r->seed);
  if (!get_field (config, "channel_id", c->id, MODEL_CHANNEL_ID_LEN, error)
      || !model_channel_id_check (c->id, "channel_id", error)
      || !conf_impl_get_ranged (config, "tier", 1, 2, &tier, error)
      || !conf_impl_get_opt_text (config, "parent_id", "", &parent, error)
      || !conf_impl_get_opt_text (config, "status", "live", &status, error))
    return NULL;
  if (json_object_has_member (config, "replay_cache")
      && !conf_impl_get_ranged (config, "replay_cache", 1, G_MAXUINT32, &cache, error))
    return NULL;
  if (json_object_has_member (config, "cache_lost_at")
      && !conf_json_get_int (config, "cache_lost_at", &lost_at, error))
    return NULL;
  c->tier = (int) tier;
  if ((tier == 1) != (parent[0] == '\0'))
    return conf_impl_fail (error, MODEL_STD_MALFORMED,
                           "config 'parent_id': required for tier 2 only"), NULL;
  if (tier == 2 && !model_channel_id_check (parent, "parent_id", error))
    return NULL;
  memcpy (c->parent_id, parent, strlen (parent) + 1);
  if (!model_channel_status_from_name (status, &st))
    return conf_impl_fail (error, MODEL_STD_MALFORMED, "config 'status': not a channel status"),
           NULL;
  if (!conf_json_get_hex_fixed (config, "key_seed", seed, sizeof seed, error))
    return NULL;
  c->key = model_key_pair_from_seed (seed);
  sodium_memzero (seed, sizeof seed);
  model_channel_params_default (&params);
  params.replay_cache_max = (guint) cache;
  c->relay = model_channel_relay_new (c->id, c->tier, &params, error);
  if (c->relay == NULL)
    return NULL;
  model_channel_relay_set_status (c->relay, st);
  if (json_object_has_member (config, "cache_lost_at"))
    model_channel_relay_forget_before (c->relay, lost_at);
  if (!add_children (c, config, error))
    return NULL;
  return g_steal_pointer (&c);
}

static gboolean
require_live (ConfImpl *impl, Channel *c, GError **error)
{
  ModelChannelStatus s = model_channel_relay_status (c->relay);
  if (s == MODEL_CHANNEL_LIVE || CONF_FAULT (impl, "chan-ignore-status"))
    return TRUE;
  return conf_impl_fail (error, MODEL_STD_CHANNEL_NOT_LIVE, "channel %s is %s", c->id,
                         model_channel_status_name (s));
}

static gboolean
op_set_status (ConfImpl *impl, JsonObject *params, JsonObject *result, GError **error)
{
  Channel *c = impl->state;
  const char *status;
  ModelChannelStatus s;
  if (!conf_impl_get_text (params, "status", &status, error))
    return FALSE;
  if (!model_channel_status_from_name (status, &s))
    return conf_impl_fail (error, MODEL_STD_MALFORMED, "member 'status': not a channel status");
  model_channel_relay_set_status (c->relay, s);
  return TRUE;
}

/* The channel's libsodium secret key into sk (the caller wipes it). */
static void
secret_key (const Channel *c, guint8 sk[64])
{
  guint8 seed[32], pk[32];
  model_key_pair_get_seed (c->key, seed);
  crypto_sign_seed_keypair (pk, sk, seed);
  sodium_memzero (seed, sizeof seed);
}

/* ADAPTER 4.3's order: every parameter (malformed), then the channel's status. */
static gboolean
op_request_sign (ConfImpl *impl, JsonObject *params, JsonObject *result, GError **error)
{
  Channel *c = impl->state;
  const char *operation, *body;
  gint64 timestamp;
  guint8 nonce[MODEL_CHANNEL_NONCE_LEN], sk[64];
  ModelChannelRequest req;

  if (!conf_impl_get_text (params, "operation", &operation, error)
      || !conf_impl_get_text (params, "body", &body, error)
      || !conf_json_get_int (params, "timestamp", &timestamp, error)
      || !conf_json_get_hex_fixed (params, "nonce", nonce, sizeof nonce, error)
      || !model_channel_request_init (&req, c->id, c->parent_id, timestamp, nonce, operation,
                                      (const guint8 *) body, strlen (body), error)
      || !require_live (impl, c, error))
    return FALSE;
  g_autoptr (GBytes) tbs = model_channel_request_signing_bytes (&req);
  gsize len;
  const guint8 *bytes = g_bytes_get_data (tbs, &len);
  if (CONF_FAULT (impl, "chan-sign-wrong-bytes"))
    /* Signs the header without the body hash. */
    model_key_pair_sign (c->key, bytes, len - MODEL_CHANNEL_HASH_LEN, req.signature);
  else
    {
      secret_key (c, sk);
      gboolean ok = model_channel_request_sign (&req, sk, error);
      sodium_memzero (sk, sizeof sk);
      if (!ok)
        return FALSE;
    }
  /* CHAN-27: table 6.3 and the signature; a parent adds its countersignature. */
  g_autoptr (GBytes) wire = model_channel_request_encode_signed (&req);
  conf_impl_put_hex (result, "wire", g_bytes_get_data (wire, NULL), g_bytes_get_size (wire));
  return TRUE;
}

/* TRUE when the child's signature over req verifies (chan-skip-body-hash). */
static gboolean
child_signature_holds (const ModelChannelRequest *req, const guint8 *pk)
{
  g_autoptr (GBytes) tbs = model_channel_request_signing_bytes (req);
  return crypto_sign_verify_detached (req->signature, g_bytes_get_data (tbs, NULL),
                                      g_bytes_get_size (tbs), pk) == 0;
}

/* model_channel_relay_check, bent by the faults of section 6: each lets one
 * refusal through the way a relay without that check would. */
static gboolean
relay_check (ConfImpl *impl, Channel *c, const ModelChannelRequest *req, const char *body,
             gint64 now, const guint8 *child_pk, GError **error)
{
  g_autoptr (GError) inner = NULL;
  gsize len = strlen (body);
  if (model_channel_relay_check (c->relay, req, (const guint8 *) body, len, now, &inner))
    return TRUE;
  ModelStdCode code = (ModelStdCode) inner->code;
  guint8 hash[MODEL_CHANNEL_HASH_LEN];
  crypto_generichash (hash, sizeof hash, (const guint8 *) body, len, NULL, 0);
  gboolean hash_ok = memcmp (hash, req->body_hash, sizeof hash) == 0;
  if (code == MODEL_STD_CHANNEL_NOT_LIVE && CONF_FAULT (impl, "chan-ignore-status"))
    {
      ModelChannelStatus s = model_channel_relay_status (c->relay);
      model_channel_relay_set_status (c->relay, MODEL_CHANNEL_LIVE);
      gboolean ok = relay_check (impl, c, req, body, now, child_pk, error);
      model_channel_relay_set_status (c->relay, s);
      return ok;
    }
  if ((code == MODEL_STD_EXPIRED || code == MODEL_STD_NOT_YET_VALID)
      && CONF_FAULT (impl, "chan-no-clock-window"))
    return relay_check (impl, c, req, body, req->timestamp, child_pk, error);
  if ((code == MODEL_STD_REPLAYED && CONF_FAULT (impl, "chan-no-replay"))
      || (code == MODEL_STD_CHANNEL_TIER && CONF_FAULT (impl, "chan-relay-any-child")
          && c->tier == 1 && strcmp (req->relay_id, c->id) == 0 && child_pk == NULL)
      || (code == MODEL_STD_BAD_SIGNATURE && !hash_ok && CONF_FAULT (impl, "chan-skip-body-hash")
          && child_pk != NULL && child_signature_holds (req, child_pk))
      || (code == MODEL_STD_BAD_SIGNATURE && hash_ok
          && CONF_FAULT (impl, "chan-relay-skip-signature")))
    return TRUE;
  g_propagate_error (error, g_steal_pointer (&inner));
  return FALSE;
}

/* CHAN-26: the child's wire of CHAN-27 decoded (malformed), then the
 * relay's status, tier, the child, body hash, signature, window, nonce. */
static gboolean
op_request_relay (ConfImpl *impl, JsonObject *params, JsonObject *result, GError **error)
{
  Channel *c = impl->state;
  const char *body;
  gint64 now;
  ModelChannelRequest req;
  guint8 sk[64];

  g_autoptr (GBytes) wire = conf_json_get_hex (params, "wire", error);
  if (wire == NULL || !conf_impl_get_text (params, "body", &body, error)
      || !conf_impl_get_now (impl, params, &now, error)
      || !model_channel_request_decode_signed (g_bytes_get_data (wire, NULL),
                                               g_bytes_get_size (wire), &req, error))
    return FALSE;
  const guint8 *child_pk = model_channel_relay_child_key (c->relay, req.channel_id);
  if (!relay_check (impl, c, &req, body, now, child_pk, error))
    return FALSE;
  g_autoptr (GBytes) tbs = model_channel_request_signing_bytes (&req);
  if (CONF_FAULT (impl, "chan-countersign-wrong-bytes"))
    model_key_pair_sign (c->key, g_bytes_get_data (tbs, NULL), g_bytes_get_size (tbs),
                         req.relay_signature);
  else
    {
      secret_key (c, sk);
      gboolean ok = model_channel_request_countersign (&req, sk, error);
      sodium_memzero (sk, sizeof sk);
      if (!ok)
        return FALSE;
    }
  g_autoptr (GBytes) out = model_channel_request_encode (&req);
  conf_impl_put_hex (result, "wire", g_bytes_get_data (out, NULL), g_bytes_get_size (out));
  return TRUE;
}

static ModelStdCode
status_ok (const guint8 ecard_id[16], gpointer user_data)
{
  return MODEL_STD_OK;
}

static gboolean
op_credential_verify (ConfImpl *impl, JsonObject *params, JsonObject *result, GError **error)
{
  Channel *c = impl->state;
  return conf_impl_credential_verify (impl, params, result, c->trust, status_ok, NULL, NULL,
                                      error);
}

static gboolean
op_consent_grant (ConfImpl *impl, JsonObject *params, JsonObject *result, GError **error)
{
  return conf_impl_consent_grant (impl, ((Channel *) impl->state)->consents, params, result,
                                  error);
}

static gboolean
op_consent_revoke (ConfImpl *impl, JsonObject *params, JsonObject *result, GError **error)
{
  return conf_impl_consent_revoke (impl, ((Channel *) impl->state)->consents, params, result,
                                   error);
}

static gboolean
op_data_request (ConfImpl *impl, JsonObject *params, JsonObject *result, GError **error)
{
  Channel *c = impl->state;
  g_autoptr (GError) inner = NULL;
  /* ADAPTER 4.3's order: a malformed question first (the decision itself
   * changes nothing), then the channel's status, then the decision. */
  if (!conf_impl_consent_check (impl, c->consents, c->id, params, result, &inner)
      && (inner->code == MODEL_STD_MALFORMED || inner->code == MODEL_STD_INVALID_ID))
    {
      g_propagate_error (error, g_steal_pointer (&inner));
      return FALSE;
    }
  if (!require_live (impl, c, error))
    return FALSE;
  if (inner != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&inner));
      return FALSE;
    }
  return TRUE;
}

/*
 * The idempotency key of an order (PAY-6 on the channel's side): the
 * lowercase hex of BLAKE2b-256 (unkeyed) over the ASCII tag
 * "ESSC-IMPL-IDEMPOTENCY-1", the channel id's length (one byte) and bytes,
 * and the order reference's length (one byte) and bytes.  It depends on
 * nothing else, so a retry of an order_ref (after a timeout, a restart)
 * sends the same key and the platform answers `duplicate`; 64 hex
 * characters are within PAY-5's 1..64 printable characters.
 */
static void
idempotency_key (const char *channel_id, const char *order_ref, guint64 salt, char out[65])
{
  static const char tag[] = "ESSC-IMPL-IDEMPOTENCY-1";
  crypto_generichash_state st;
  guint8 digest[32], len;
  crypto_generichash_init (&st, NULL, 0, sizeof digest);
  crypto_generichash_update (&st, (const guint8 *) tag, sizeof tag - 1);
  len = (guint8) strlen (channel_id);
  crypto_generichash_update (&st, &len, 1);
  crypto_generichash_update (&st, (const guint8 *) channel_id, len);
  len = (guint8) strlen (order_ref);
  crypto_generichash_update (&st, &len, 1);
  crypto_generichash_update (&st, (const guint8 *) order_ref, len);
  if (salt != 0) /* pay-new-key-on-retry: a counter makes every key new */
    {
      guint8 be[8];
      for (int i = 0; i < 8; i++)
        be[i] = (guint8) (salt >> (56 - 8 * i));
      crypto_generichash_update (&st, be, sizeof be);
    }
  crypto_generichash_final (&st, digest, sizeof digest);
  g_autofree char *hex = base_hex_encode_dup (digest, sizeof digest);
  memcpy (out, hex, 65);
}

static gboolean
printable (const char *s, gsize max)
{
  gsize n = strlen (s);
  if (n == 0 || n > max)
    return FALSE;
  for (gsize i = 0; i < n; i++)
    if ((guchar) s[i] < 0x21 || (guchar) s[i] > 0x7e)
      return FALSE;
  return TRUE;
}

static gboolean
op_payment_prepare (ConfImpl *impl, JsonObject *params, JsonObject *result, GError **error)
{
  Channel *c = impl->state;
  const char *order_ref, *payee, *currency;
  guint8 ecard[MODEL_ECARD_ID_LEN];
  gint64 city, amount, level;
  gboolean pin;
  char key[65];

  /* pay-prepare-lax-fields: the ranges and forms of PAY-5 are not checked */
  gboolean lax = CONF_FAULT (impl, "pay-prepare-lax-fields");
  gint64 cmin = lax ? G_MININT64 : 100000, cmax = lax ? G_MAXINT64 : 999999;
  gint64 amin = lax ? G_MININT64 : 1, amax = lax ? G_MAXINT64 : MODEL_LEDGER_AMOUNT_MAX;
  if (!conf_impl_get_text (params, "order_ref", &order_ref, error)
      || !conf_json_get_hex_fixed (params, "ecard_id", ecard, sizeof ecard, error)
      || !conf_impl_get_ranged (params, "city", cmin, cmax, &city, error)
      || !conf_impl_get_text (params, "payee", &payee, error)
      || !conf_impl_get_ranged (params, "amount_fen", amin, amax, &amount, error)
      || !conf_impl_get_text (params, "currency", &currency, error)
      || !conf_impl_get_ranged (params, "level", 1, 2, &level, error)
      || !conf_json_get_bool (params, "pin_verified", &pin, error))
    return FALSE;
  if (!lax && !printable (order_ref, 64))
    return conf_impl_fail (error, MODEL_STD_MALFORMED,
                           "member 'order_ref': expected 1..64 printable ASCII characters");
  if (!lax && !printable (payee, MODEL_LEDGER_PAYEE_MAX))
    return conf_impl_fail (error, MODEL_STD_MALFORMED,
                           "member 'payee': expected 1..32 printable ASCII characters");
  if (strcmp (currency, "CNY") != 0)
    return conf_impl_fail (error, MODEL_STD_MALFORMED, "member 'currency': expected CNY");
  if (!require_live (impl, c, error))
    return FALSE;
  if (level < 2 && !CONF_FAULT (impl, "pay-prepare-no-level-check"))
    return conf_impl_fail (error, MODEL_STD_LEVEL_REQUIRED, "payment needs a level-2 e-card");
  if (!pin && !CONF_FAULT (impl, "pay-prepare-no-pin-check"))
    return conf_impl_fail (error, MODEL_STD_PIN_REQUIRED, "payment needs a verified PIN");
  idempotency_key (c->id, order_ref,
                   CONF_FAULT (impl, "pay-new-key-on-retry") ? ++c->prepared : 0, key);
  json_object_set_string_member (result, "channel_id", c->id);
  json_object_set_string_member (result, "idempotency_key", key);
  conf_impl_put_hex (result, "ecard_id", ecard, sizeof ecard);
  json_object_set_int_member (result, "city", city);
  json_object_set_string_member (result, "payee", payee);
  json_object_set_int_member (result, "amount_fen", amount);
  json_object_set_string_member (result, "currency", currency);
  return TRUE;
}

#define PLAUSIBLE_WIRE \
  "{\"wire\":\"4553523108434830303030303100000000005ed44200000102030405060708090a0b0c0d0e0f" \
  "0b636172642e737461747573\"}"

static const ConfImplOp channel_ops[] = {
  { "channel.set_status", op_set_status, "{}" },
  { "request.sign", op_request_sign, PLAUSIBLE_WIRE },
  { "request.relay", op_request_relay, PLAUSIBLE_WIRE },
  { "credential.verify", op_credential_verify,
    "{\"level\":2,\"ecard_id\":\"000102030405060708090a0b0c0d0e0f\","
    "\"ssn\":\"11010519491231002X\",\"name\":\"ZHANG SAN\",\"card_no\":\"A00000001\","
    "\"city\":110100,\"device_pk\":"
    "\"d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a\","
    "\"issued_at\":1590969600,\"expires_at\":1622505600,\"signer_key_id\":\"0001020304050607\"}" },
  { "consent.grant", op_consent_grant, "{\"grant_id\":\"000102030405060708090a0b0c0d0e0f\"}" },
  { "consent.revoke", op_consent_revoke, "{}" },
  { "data.request", op_data_request, "{\"present\":[\"personal\",\"department\",\"channel\"]}" },
  { "payment.prepare", op_payment_prepare,
    "{\"channel_id\":\"CH000001\",\"idempotency_key\":\"k1\","
    "\"ecard_id\":\"000102030405060708090a0b0c0d0e0f\",\"city\":110100,\"payee\":\"SHOP-1\","
    "\"amount_fen\":100,\"currency\":\"CNY\"}" },
};

const ConfImplRole conf_impl_channel_role = {
  .name = "essc reference channel",
  .ops = channel_ops,
  .n_ops = G_N_ELEMENTS (channel_ops),
  .reset = channel_reset,
  .free_state = channel_free,
  .after_op = NULL,
};
