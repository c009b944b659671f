/* SPDX-License-Identifier: MIT */
/*
 * The channel registry of ESSC-STD (section "Channels"): records, the access
 * state machine, verification of signed requests against the registry (keys,
 * tier and relay, clock window, per-channel replay cache) and the decaying
 * risk score with its automatic rectification and suspension.  The request's
 * bytes and signatures are model/std/channel_request.c.  Records live in a hash
 * table keyed by id; each carries its replay cache (model/std/channel_replay.h),
 * bounded by params.replay_cache_max: forgetting a nonce raises the channel's
 * floor, at or below which every timestamp is refused, so a bounded cache
 * never lets a replay through.
 */
#include "model/std/channel.h"

#include <math.h>
#include <sodium.h>
#include <string.h>

#include "model/std/channel_replay.h"
#include "model/std/common.h"

G_DEFINE_QUARK (model-channel-error-quark, model_channel_error)

#define fail(error, code, ...) base_fail ((error), MODEL_CHANNEL_ERROR, (code), __VA_ARGS__)

static const char *const class_names[MODEL_CHANNEL_N_CLASSES] = {
  "hrss", "government", "partner", "bank", "medical", "social",
};
static const char *const status_names[MODEL_CHANNEL_N_STATUSES] = {
  "applied", "certified", "live", "rectification", "suspended", "terminated",
};
static const char *const risk_names[MODEL_CHANNEL_N_RISKS] = {
  "bad_signature", "replay", "complaint", "fraud_report", "data_leak",
};

typedef struct {
  ModelChannel rec;
  ModelChannelReplay *replay;   /* CHAN-13, CHAN-14 */
} Chan;

struct _ModelChannelRegistry {
  ModelChannelParams params;
  GHashTable *chans;       /* char* id (in rec) -> Chan* */
  gboolean has_floor;
  gint64 floor;            /* model_channel_registry_forget_before */
};

/* ---- names --------------------------------------------------------------- */

BASE_DEFINE_NAMES (model_channel_class, ModelChannelClass, class_names, "unknown")
BASE_DEFINE_NAMES (model_channel_status, ModelChannelStatus, status_names, "unknown")
BASE_DEFINE_NAMES (model_channel_risk, ModelChannelRisk, risk_names, "unknown")

/* ---- field checks -------------------------------------------------------- */

gboolean
model_channel_id_check (const char *id, const char *field, GError **error)
{
  if (field == NULL)
    field = "channel_id";
  if (id == NULL)
    return fail (error, MODEL_STD_MALFORMED, "%s: missing, expected \"CH\" and 6 digits", field);
  gsize len = strnlen (id, MODEL_CHANNEL_ID_LEN + 1);
  if (len != MODEL_CHANNEL_ID_LEN)
    return fail (error, MODEL_STD_MALFORMED,
                 "%s: length %s%zu, expected 8 characters (\"CH\" and 6 digits)",
                 field, len > MODEL_CHANNEL_ID_LEN ? "over " : "", len);
  if (id[0] != 'C' || id[1] != 'H')
    return fail (error, MODEL_STD_MALFORMED, "%s: expected prefix \"CH\"", field);
  for (int i = 2; i < MODEL_CHANNEL_ID_LEN; i++)
    if (id[i] < '0' || id[i] > '9')
      return fail (error, MODEL_STD_MALFORMED,
                   "%s: character %d is not an ASCII digit", field, i + 1);
  return TRUE;
}

gboolean
model_channel_name_check (const char *name, GError **error)
{
  gsize at = 0;
  switch (base_text_check_utf8 (name, -1, MODEL_CHANNEL_NAME_MAX, &at))
    {
    case BASE_TEXT_OK:
      return TRUE;
    case BASE_TEXT_MISSING:
      return fail (error, MODEL_STD_MALFORMED, "name: missing, expected 1..64 bytes of UTF-8");
    case BASE_TEXT_BAD_UTF8:
      return fail (error, MODEL_STD_MALFORMED, "name: not valid UTF-8");
    case BASE_TEXT_CONTROL:
      return fail (error, MODEL_STD_MALFORMED, "name: control character U+%04X at byte %zu",
                   g_utf8_get_char (name + at), at);
    default:
      return fail (error, MODEL_STD_MALFORMED, "name: %s, expected 1..64 bytes of UTF-8",
                   name[0] == '\0' ? "empty" : "over 64 bytes");
    }
}

/* ---- state machine ------------------------------------------------------- */

gboolean
model_channel_transition_allowed (ModelChannelStatus from, ModelChannelStatus to)
{
  if ((unsigned) from >= MODEL_CHANNEL_N_STATUSES || (unsigned) to >= MODEL_CHANNEL_N_STATUSES)
    return FALSE;
  if (from == MODEL_CHANNEL_TERMINATED)
    return FALSE;
  if (to == MODEL_CHANNEL_TERMINATED)
    return TRUE;
  switch (from)
    {
    case MODEL_CHANNEL_APPLIED:
      return to == MODEL_CHANNEL_CERTIFIED;
    case MODEL_CHANNEL_CERTIFIED:
      return to == MODEL_CHANNEL_LIVE;
    case MODEL_CHANNEL_LIVE:
      return to == MODEL_CHANNEL_RECTIFICATION || to == MODEL_CHANNEL_SUSPENDED;
    case MODEL_CHANNEL_RECTIFICATION:
      return to == MODEL_CHANNEL_LIVE || to == MODEL_CHANNEL_SUSPENDED;
    case MODEL_CHANNEL_SUSPENDED:
      return to == MODEL_CHANNEL_LIVE;
    default:
      return FALSE;
    }
}

/* ---- registry ------------------------------------------------------------ */

void
model_channel_params_default (ModelChannelParams *params)
{
  g_return_if_fail (params != NULL);
  memset (params, 0, sizeof *params);
  params->window_s = 300;
  params->half_life_s = 7 * 86400;
  params->rectify_threshold = 50.0;
  params->suspend_threshold = 100.0;
  params->weight[MODEL_CHANNEL_RISK_BAD_SIGNATURE] = 10.0;
  params->weight[MODEL_CHANNEL_RISK_REPLAY] = 20.0;
  params->weight[MODEL_CHANNEL_RISK_COMPLAINT] = 5.0;
  params->weight[MODEL_CHANNEL_RISK_FRAUD_REPORT] = 40.0;
  params->weight[MODEL_CHANNEL_RISK_DATA_LEAK] = 60.0;
  params->replay_cache_max = 4096;
}

static Chan *
chan_new (const ModelChannelParams *q, const ModelChannel *rec)
{
  Chan *c = g_new0 (Chan, 1);
  c->rec = *rec;
  c->replay = model_channel_replay_new (q->window_s, q->replay_cache_max);
  return c;
}

static void
chan_free (gpointer p)
{
  Chan *c = p;
  model_channel_replay_free (c->replay);
  g_free (c);
}

ModelChannelRegistry *
model_channel_registry_new (const ModelChannelParams *params)
{
  ModelChannelRegistry *reg = g_new0 (ModelChannelRegistry, 1);
  if (params != NULL)
    reg->params = *params;
  else
    model_channel_params_default (&reg->params);
  const ModelChannelParams *q = &reg->params;
  g_return_val_if_fail (q->window_s > 0 && q->half_life_s > 0
                        && q->rectify_threshold > 0 && q->suspend_threshold > 0
                        && q->replay_cache_max > 0,
                        (g_free (reg), NULL));
  for (int i = 0; i < MODEL_CHANNEL_N_RISKS; i++)
    g_return_val_if_fail (isfinite (q->weight[i]) && q->weight[i] >= 0,
                          (g_free (reg), NULL));
  reg->chans = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, chan_free);
  return reg;
}

void
model_channel_registry_free (ModelChannelRegistry *reg)
{
  if (reg == NULL)
    return;
  g_hash_table_destroy (reg->chans);
  g_free (reg);
}

const ModelChannelParams *
model_channel_registry_params (const ModelChannelRegistry *reg)
{
  g_return_val_if_fail (reg != NULL, NULL);
  return &reg->params;
}

static Chan *
find (const ModelChannelRegistry *reg, const char *id, const char *field, GError **error)
{
  if (!model_channel_id_check (id, field, error))
    return NULL;
  Chan *c = g_hash_table_lookup (reg->chans, id);
  if (c == NULL)
    fail (error, MODEL_STD_NOT_FOUND, "%s: no channel %s", field, id);
  return c;
}

static gboolean
key_check (const guint8 *pk, GError **error)
{
  if (pk == NULL)
    return fail (error, MODEL_STD_MALFORMED, "public_key: missing");
  if (!crypto_core_ed25519_is_valid_point (pk))
    return fail (error, MODEL_STD_MALFORMED,
                 "public_key: not a valid Ed25519 point of large order");
  return TRUE;
}

gboolean
model_channel_registry_apply (ModelChannelRegistry *reg, const char *id,
                              const char *name, ModelChannelClass klass, int tier,
                              const char *parent_id,
                              const guint8 public_key[MODEL_CHANNEL_PK_LEN],
                              gint64 now, GError **error)
{
  g_return_val_if_fail (reg != NULL, FALSE);
  ModelChannel rec;
  memset (&rec, 0, sizeof rec);
  if (!model_channel_id_check (id, "id", error) || !model_channel_name_check (name, error))
    return FALSE;
  if ((unsigned) klass >= MODEL_CHANNEL_N_CLASSES)
    return fail (error, MODEL_STD_MALFORMED, "class: %d, expected one of the six classes",
                 (int) klass);
  if (tier != 1 && tier != 2)
    return fail (error, MODEL_STD_MALFORMED, "tier: %d, expected 1 or 2", tier);
  gboolean has_parent = parent_id != NULL && parent_id[0] != '\0';
  if (tier == 1 && has_parent)
    return fail (error, MODEL_STD_MALFORMED, "parent_id: a tier-1 channel has no parent");
  if (tier == 2 && !has_parent)
    return fail (error, MODEL_STD_MALFORMED, "parent_id: missing, tier 2 needs a tier-1 parent");
  /* CHAN-28: every field's form before the registry is asked (conflict, parent) */
  if (has_parent && !model_channel_id_check (parent_id, "parent_id", error))
    return FALSE;
  if (!key_check (public_key, error))
    return FALSE;
  if (g_hash_table_contains (reg->chans, id))
    return fail (error, MODEL_STD_CONFLICT, "id: channel %s already registered", id);
  if (tier == 2)
    {
      Chan *p = find (reg, parent_id, "parent_id", error);
      if (p == NULL)
        return FALSE;
      if (p->rec.tier != 1)
        return fail (error, MODEL_STD_CHANNEL_TIER, "parent_id: %s is tier %d, expected tier 1",
                     parent_id, p->rec.tier);
      if (p->rec.status == MODEL_CHANNEL_TERMINATED)
        return fail (error, MODEL_STD_CHANNEL_NOT_LIVE, "parent_id: %s is terminated", parent_id);
      memcpy (rec.parent_id, parent_id, MODEL_CHANNEL_ID_LEN);
    }
  memcpy (rec.id, id, MODEL_CHANNEL_ID_LEN);
  memcpy (rec.name, name, strlen (name));
  rec.klass = klass;
  rec.tier = tier;
  rec.status = MODEL_CHANNEL_APPLIED;
  memcpy (rec.public_key, public_key, MODEL_CHANNEL_PK_LEN);
  rec.risk_score = 0.0;
  rec.risk_updated_at = now;
  rec.status_changed_at = now;
  Chan *c = chan_new (&reg->params, &rec);
  g_hash_table_insert (reg->chans, c->rec.id, c);
  return TRUE;
}

gboolean
model_channel_registry_set_status (ModelChannelRegistry *reg, const char *id,
                                   ModelChannelStatus to, gint64 now, GError **error)
{
  g_return_val_if_fail (reg != NULL, FALSE);
  Chan *c = find (reg, id, "id", error);
  if (c == NULL)
    return FALSE;
  if (!model_channel_transition_allowed (c->rec.status, to))
    return fail (error, MODEL_STD_INVALID_STATE, "status: %s -> %s is not allowed",
                 model_channel_status_name (c->rec.status), model_channel_status_name (to));
  c->rec.status = to;
  c->rec.status_changed_at = now;
  return TRUE;
}

gboolean
model_channel_registry_lookup (const ModelChannelRegistry *reg, const char *id,
                               ModelChannel *out, GError **error)
{
  g_return_val_if_fail (reg != NULL && out != NULL, FALSE);
  Chan *c = find (reg, id, "id", error);
  if (c == NULL)
    return FALSE;
  *out = c->rec;
  return TRUE;
}

static double
decayed (const ModelChannelParams *q, const ModelChannel *rec, gint64 now)
{
  if (now <= rec->risk_updated_at)
    return rec->risk_score;
  double dt = (double) ((guint64) now - (guint64) rec->risk_updated_at);
  return rec->risk_score * exp2 (-dt / (double) q->half_life_s);
}

gboolean
model_channel_registry_risk_score (const ModelChannelRegistry *reg, const char *id,
                                   gint64 now, double *out, GError **error)
{
  g_return_val_if_fail (reg != NULL && out != NULL, FALSE);
  Chan *c = find (reg, id, "id", error);
  if (c == NULL)
    return FALSE;
  *out = decayed (&reg->params, &c->rec, now);
  return TRUE;
}

static void
add_risk (ModelChannelRegistry *reg, Chan *c, ModelChannelRisk risk, gint64 now)
{
  const ModelChannelParams *q = &reg->params;
  ModelChannel *r = &c->rec;
  r->risk_score = decayed (q, r, now) + q->weight[risk];
  if (now > r->risk_updated_at)
    r->risk_updated_at = now;
  if (r->risk_score >= q->suspend_threshold
      && (r->status == MODEL_CHANNEL_LIVE || r->status == MODEL_CHANNEL_RECTIFICATION))
    {
      r->status = MODEL_CHANNEL_SUSPENDED;
      r->status_changed_at = now;
    }
  else if (r->risk_score >= q->rectify_threshold && r->status == MODEL_CHANNEL_LIVE)
    {
      r->status = MODEL_CHANNEL_RECTIFICATION;
      r->status_changed_at = now;
    }
}

gboolean
model_channel_registry_record_risk (ModelChannelRegistry *reg, const char *id,
                                    ModelChannelRisk risk, gint64 now,
                                    ModelChannelStatus *new_status, GError **error)
{
  g_return_val_if_fail (reg != NULL, FALSE);
  if ((unsigned) risk >= MODEL_CHANNEL_N_RISKS)
    return fail (error, MODEL_STD_MALFORMED, "risk: %d, expected a known risk event", (int) risk);
  Chan *c = find (reg, id, "id", error);
  if (c == NULL)
    return FALSE;
  add_risk (reg, c, risk, now);
  if (new_status != NULL)
    *new_status = c->rec.status;
  return TRUE;
}

/* The registry's floor (model_channel_registry_forget_before), then the
 * channel's own cache. */
static gboolean
replay_check (const ModelChannelRegistry *reg, Chan *c, const ModelChannelRequest *req,
              gint64 now, GError **error)
{
  if (reg->has_floor && req->timestamp <= reg->floor)
    return fail (error, MODEL_STD_REPLAYED,
                 "nonce: timestamp %" G_GINT64_FORMAT " is at or before the replay floor,"
                 " freshness cannot be proven", req->timestamp);
  return model_channel_replay_check (c->replay, c->rec.id, req->timestamp, req->nonce, now,
                                     error);
}

static gboolean
sig_ok (const guint8 *sig, const guint8 *msg, gsize len, const guint8 *pk)
{
  return crypto_sign_verify_detached (sig, msg, len, pk) == 0;
}

gboolean
model_channel_registry_verify (ModelChannelRegistry *reg, const ModelChannelRequest *req,
                               const guint8 *body, gsize body_len, gint64 now,
                               GError **error)
{
  g_return_val_if_fail (reg != NULL && req != NULL, FALSE);
  g_return_val_if_fail (body != NULL || body_len == 0, FALSE);
  const ModelChannelParams *q = &reg->params;
  if (!model_channel_request_check (req, error))
    return FALSE;
  Chan *c = find (reg, req->channel_id, "channel_id", error);
  if (c == NULL)
    return FALSE;
  if (c->rec.status != MODEL_CHANNEL_LIVE)
    return fail (error, MODEL_STD_CHANNEL_NOT_LIVE, "channel_id: %s is %s, not live",
                 c->rec.id, model_channel_status_name (c->rec.status));
  Chan *parent = NULL;
  if (c->rec.tier == 1 && req->relay_id[0] != '\0')
    return fail (error, MODEL_STD_CHANNEL_TIER,
                 "relay_id: %s is tier 1 and must connect directly, not through %s",
                 c->rec.id, req->relay_id);
  if (c->rec.tier == 2)
    {
      if (req->relay_id[0] == '\0')
        return fail (error, MODEL_STD_CHANNEL_TIER,
                     "relay_id: empty, tier-2 channel %s must come through its parent %s",
                     c->rec.id, c->rec.parent_id);
      if (strcmp (req->relay_id, c->rec.parent_id) != 0)
        return fail (error, MODEL_STD_CHANNEL_TIER,
                     "relay_id: %s is not the parent %s of tier-2 channel %s",
                     req->relay_id, c->rec.parent_id, c->rec.id);
      parent = g_hash_table_lookup (reg->chans, c->rec.parent_id);
      if (parent == NULL)
        return fail (error, MODEL_STD_CHANNEL_TIER, "relay_id: parent %s is not registered",
                     c->rec.parent_id);
      if (parent->rec.status != MODEL_CHANNEL_LIVE)
        return fail (error, MODEL_STD_CHANNEL_NOT_LIVE, "relay_id: parent %s is %s, not live",
                     parent->rec.id, model_channel_status_name (parent->rec.status));
    }
  guint8 h[MODEL_CHANNEL_HASH_LEN];
  crypto_generichash (h, sizeof h, body, body_len, NULL, 0);
  g_autoptr (GBytes) signing = model_channel_request_signing_bytes (req);
  gsize n = 0;
  const guint8 *m = g_bytes_get_data (signing, &n);
  if (sodium_memcmp (h, req->body_hash, sizeof h) != 0)
    {
      add_risk (reg, c, MODEL_CHANNEL_RISK_BAD_SIGNATURE, now);
      return fail (error, MODEL_STD_BAD_SIGNATURE,
                   "body_hash: does not match the body sent by %s", c->rec.id);
    }
  if (!sig_ok (req->signature, m, n, c->rec.public_key))
    {
      add_risk (reg, c, MODEL_CHANNEL_RISK_BAD_SIGNATURE, now);
      return fail (error, MODEL_STD_BAD_SIGNATURE, "signature: does not verify for %s",
                   c->rec.id);
    }
  if (parent != NULL)
    {
      /* The parent signed signing bytes || the channel's signature. */
      g_autoptr (GByteArray) b = g_byte_array_sized_new ((guint) n + MODEL_CHANNEL_SIG_LEN);
      g_byte_array_append (b, m, (guint) n);
      g_byte_array_append (b, req->signature, MODEL_CHANNEL_SIG_LEN);
      if (!sig_ok (req->relay_signature, b->data, b->len, parent->rec.public_key))
        {
          add_risk (reg, parent, MODEL_CHANNEL_RISK_BAD_SIGNATURE, now);
          return fail (error, MODEL_STD_BAD_SIGNATURE,
                       "relay_signature: does not verify for parent %s", parent->rec.id);
        }
    }
  if (req->timestamp < now && (guint64) now - (guint64) req->timestamp > (guint64) q->window_s)
    return fail (error, MODEL_STD_EXPIRED,
                 "timestamp: %" G_GINT64_FORMAT " is more than %" G_GINT64_FORMAT
                 " s before %" G_GINT64_FORMAT, req->timestamp, q->window_s, now);
  if (req->timestamp > now && (guint64) req->timestamp - (guint64) now > (guint64) q->window_s)
    return fail (error, MODEL_STD_NOT_YET_VALID,
                 "timestamp: %" G_GINT64_FORMAT " is more than %" G_GINT64_FORMAT
                 " s after %" G_GINT64_FORMAT, req->timestamp, q->window_s, now);
  if (!replay_check (reg, c, req, now, error))
    {
      add_risk (reg, c, MODEL_CHANNEL_RISK_REPLAY, now);
      return FALSE;
    }
  model_channel_replay_remember (c->replay, req->timestamp, req->nonce);
  return TRUE;
}

void
model_channel_registry_forget_before (ModelChannelRegistry *reg, gint64 floor)
{
  g_return_if_fail (reg != NULL);
  if (!reg->has_floor || floor > reg->floor)
    reg->floor = floor;
  reg->has_floor = TRUE;
}

static int
cmp_str (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

void
model_channel_registry_foreach (const ModelChannelRegistry *reg, ModelChannelFn fn,
                                gpointer user_data)
{
  g_return_if_fail (reg != NULL && fn != NULL);
  guint n = 0;
  g_autofree gpointer keys = g_hash_table_get_keys_as_array (reg->chans, &n);
  qsort (keys, n, sizeof (gpointer), cmp_str);
  for (guint i = 0; i < n; i++)
    {
      Chan *c = g_hash_table_lookup (reg->chans, ((char **) keys)[i]);
      ModelChannel copy = c->rec;
      fn (&copy, user_data);
    }
}

gboolean
model_channel_registry_restore (ModelChannelRegistry *reg, const ModelChannel *channel,
                                GError **error)
{
  g_return_val_if_fail (reg != NULL && channel != NULL, FALSE);
  const ModelChannel *r = channel;
  if (memchr (r->id, 0, sizeof r->id) == NULL || memchr (r->name, 0, sizeof r->name) == NULL
      || memchr (r->parent_id, 0, sizeof r->parent_id) == NULL)
    return fail (error, MODEL_STD_MALFORMED, "record: id, name or parent_id not terminated");
  if (!model_channel_id_check (r->id, "id", error) || !model_channel_name_check (r->name, error))
    return FALSE;
  if ((unsigned) r->klass >= MODEL_CHANNEL_N_CLASSES)
    return fail (error, MODEL_STD_MALFORMED, "class: %d out of range", (int) r->klass);
  if ((unsigned) r->status >= MODEL_CHANNEL_N_STATUSES)
    return fail (error, MODEL_STD_MALFORMED, "status: %d out of range", (int) r->status);
  if (r->tier != 1 && r->tier != 2)
    return fail (error, MODEL_STD_MALFORMED, "tier: %d, expected 1 or 2", r->tier);
  if (r->tier == 1 && r->parent_id[0] != '\0')
    return fail (error, MODEL_STD_MALFORMED, "parent_id: a tier-1 channel has no parent");
  if (r->tier == 2 && !model_channel_id_check (r->parent_id, "parent_id", error))
    return FALSE;
  if (r->tier == 2 && strcmp (r->parent_id, r->id) == 0)
    return fail (error, MODEL_STD_MALFORMED, "parent_id: a channel cannot be its own parent");
  if (!key_check (r->public_key, error))
    return FALSE;
  if (!isfinite (r->risk_score) || r->risk_score < 0)
    return fail (error, MODEL_STD_MALFORMED, "risk_score: expected a finite value >= 0");
  if (g_hash_table_contains (reg->chans, r->id))
    return fail (error, MODEL_STD_CONFLICT, "id: channel %s already present", r->id);
  Chan *c = chan_new (&reg->params, r);
  /* Normalise the bytes after the terminators so records compare equal. */
  memset (&c->rec, 0, sizeof c->rec);
  memcpy (c->rec.id, r->id, strlen (r->id));
  memcpy (c->rec.name, r->name, strlen (r->name));
  memcpy (c->rec.parent_id, r->parent_id, strlen (r->parent_id));
  c->rec.klass = r->klass;
  c->rec.tier = r->tier;
  c->rec.status = r->status;
  memcpy (c->rec.public_key, r->public_key, MODEL_CHANNEL_PK_LEN);
  c->rec.risk_score = r->risk_score;
  c->rec.risk_updated_at = r->risk_updated_at;
  c->rec.status_changed_at = r->status_changed_at;
  g_hash_table_insert (reg->chans, c->rec.id, c);
  return TRUE;
}
