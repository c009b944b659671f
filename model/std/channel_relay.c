/* SPDX-License-Identifier: MIT */
/*
 * The relaying parent of ESSC-STD CHAN-26 (see channel_relay.h).  Children
 * live in a hash table keyed by id, each with its public key and its own
 * replay cache; a relay-wide floor (CHAN-25) is checked before a child's
 * cache, so a child added after the loss is covered too.  The checks run in
 * the standard's order and stop at the first failure.
 */
#include "model/std/channel_relay.h"

#include <sodium.h>
#include <string.h>

#include "model/std/channel_replay.h"
#include "model/std/common.h"

#define fail(error, code, ...) base_fail ((error), MODEL_CHANNEL_ERROR, (code), __VA_ARGS__)

typedef struct {
  guint8 public_key[MODEL_CHANNEL_PK_LEN];
  ModelChannelReplay *replay;
} Child;

struct _ModelChannelRelay {
  char id[MODEL_CHANNEL_ID_LEN + 1];
  int tier;
  ModelChannelStatus status;
  ModelChannelParams params;
  GHashTable *children;   /* char* id -> Child* */
  gboolean has_floor;
  gint64 floor;           /* CHAN-25 */
};

static void
child_free (gpointer p)
{
  Child *c = p;
  model_channel_replay_free (c->replay);
  g_free (c);
}

ModelChannelRelay *
model_channel_relay_new (const char *id, int tier, const ModelChannelParams *params,
                         GError **error)
{
  if (!model_channel_id_check (id, "channel_id", error))
    return NULL;
  if (tier != 1 && tier != 2)
    return fail (error, MODEL_STD_MALFORMED, "tier: %d, expected 1 or 2", tier), NULL;
  ModelChannelRelay *r = g_new0 (ModelChannelRelay, 1);
  memcpy (r->id, id, MODEL_CHANNEL_ID_LEN);
  r->tier = tier;
  r->status = MODEL_CHANNEL_LIVE;
  if (params != NULL)
    r->params = *params;
  else
    model_channel_params_default (&r->params);
  if (r->params.window_s <= 0 || r->params.replay_cache_max == 0)
    {
      g_free (r);
      return fail (error, MODEL_STD_MALFORMED, "params: window and replay cache must be > 0"),
             NULL;
    }
  r->children = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, child_free);
  return r;
}

void
model_channel_relay_free (ModelChannelRelay *relay)
{
  if (relay == NULL)
    return;
  g_hash_table_destroy (relay->children);
  g_free (relay);
}

void
model_channel_relay_set_status (ModelChannelRelay *relay, ModelChannelStatus status)
{
  g_return_if_fail (relay != NULL && (guint) status < MODEL_CHANNEL_N_STATUSES);
  relay->status = status;
}

ModelChannelStatus
model_channel_relay_status (const ModelChannelRelay *relay)
{
  g_return_val_if_fail (relay != NULL, MODEL_CHANNEL_TERMINATED);
  return relay->status;
}

gboolean
model_channel_relay_add_child (ModelChannelRelay *relay, const char *child_id,
                               const guint8 public_key[MODEL_CHANNEL_PK_LEN], GError **error)
{
  g_return_val_if_fail (relay != NULL && public_key != NULL, FALSE);
  if (!model_channel_id_check (child_id, "channel_id", error))
    return FALSE;
  if (!crypto_core_ed25519_is_valid_point (public_key))
    return fail (error, MODEL_STD_MALFORMED,
                 "public_key: not a valid Ed25519 point of large order");
  if (g_hash_table_contains (relay->children, child_id))
    return fail (error, MODEL_STD_CONFLICT, "channel_id: child %s given twice", child_id);
  Child *c = g_new0 (Child, 1);
  memcpy (c->public_key, public_key, MODEL_CHANNEL_PK_LEN);
  c->replay = model_channel_replay_new (relay->params.window_s, relay->params.replay_cache_max);
  g_hash_table_insert (relay->children, g_strdup (child_id), c);
  return TRUE;
}

const guint8 *
model_channel_relay_child_key (const ModelChannelRelay *relay, const char *child_id)
{
  g_return_val_if_fail (relay != NULL, NULL);
  const Child *c = child_id ? g_hash_table_lookup (relay->children, child_id) : NULL;
  return c ? c->public_key : NULL;
}

void
model_channel_relay_forget_before (ModelChannelRelay *relay, gint64 floor)
{
  g_return_if_fail (relay != NULL);
  if (!relay->has_floor || floor > relay->floor)
    relay->floor = floor;
  relay->has_floor = TRUE;
}

gboolean
model_channel_relay_check (ModelChannelRelay *relay, const ModelChannelRequest *req,
                           const guint8 *body, gsize body_len, gint64 now, GError **error)
{
  g_return_val_if_fail (relay != NULL && req != NULL, FALSE);
  g_return_val_if_fail (body != NULL || body_len == 0, FALSE);
  const gint64 w = relay->params.window_s;

  if (!model_channel_request_check (req, error))
    return FALSE;
  if (relay->status != MODEL_CHANNEL_LIVE)
    return fail (error, MODEL_STD_CHANNEL_NOT_LIVE, "channel %s is %s, not live: it relays "
                 "nothing", relay->id, model_channel_status_name (relay->status));
  if (relay->tier != 1)
    return fail (error, MODEL_STD_CHANNEL_TIER, "channel %s is tier 2: it relays nothing",
                 relay->id);
  if (req->relay_id[0] == '\0')
    return fail (error, MODEL_STD_CHANNEL_TIER,
                 "relay_id: empty, the request of %s is not to be relayed", req->channel_id);
  if (strcmp (req->relay_id, relay->id) != 0)
    return fail (error, MODEL_STD_CHANNEL_TIER, "relay_id: %s, not this channel %s",
                 req->relay_id, relay->id);
  Child *c = g_hash_table_lookup (relay->children, req->channel_id);
  if (c == NULL)
    return fail (error, MODEL_STD_CHANNEL_TIER, "channel_id: %s is not a tier-2 child of %s",
                 req->channel_id, relay->id);

  guint8 h[MODEL_CHANNEL_HASH_LEN];
  crypto_generichash (h, sizeof h, body, body_len, NULL, 0);
  if (sodium_memcmp (h, req->body_hash, sizeof h) != 0)
    return fail (error, MODEL_STD_BAD_SIGNATURE, "body_hash: does not match the body sent by %s",
                 req->channel_id);
  g_autoptr (GBytes) signing = model_channel_request_signing_bytes (req);
  if (crypto_sign_verify_detached (req->signature, g_bytes_get_data (signing, NULL),
                                   g_bytes_get_size (signing), c->public_key) != 0)
    return fail (error, MODEL_STD_BAD_SIGNATURE, "signature: does not verify for %s",
                 req->channel_id);

  gint64 t = req->timestamp;
  if (t < now && (guint64) now - (guint64) t > (guint64) w)
    return fail (error, MODEL_STD_EXPIRED,
                 "timestamp: %" G_GINT64_FORMAT " is more than %" G_GINT64_FORMAT
                 " s before %" G_GINT64_FORMAT, t, w, now);
  if (t > now && (guint64) t - (guint64) now > (guint64) w)
    return fail (error, MODEL_STD_NOT_YET_VALID,
                 "timestamp: %" G_GINT64_FORMAT " is more than %" G_GINT64_FORMAT
                 " s after %" G_GINT64_FORMAT, t, w, now);

  if (relay->has_floor && t <= relay->floor)
    return fail (error, MODEL_STD_REPLAYED,
                 "nonce: timestamp %" G_GINT64_FORMAT " is at or before %" G_GINT64_FORMAT
                 ", when the relay lost its replay cache", t, relay->floor);
  if (!model_channel_replay_check (c->replay, req->channel_id, t, req->nonce, now, error))
    return FALSE;
  model_channel_replay_remember (c->replay, t, req->nonce);
  return TRUE;
}
