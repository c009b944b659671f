/* SPDX-License-Identifier: MIT */
/*
 * Fixtures shared by the vector generators: the suite's fixed keys (derived
 * from labels), the holders and cards every file uses, the model/std/ mirror of
 * a test (ConfVecWorld: card registry with deterministic e-card ids, trust
 * list, a verifier's status table and replay cache), the making of
 * credentials and QR tokens from the reference implementation, and the
 * reset steps of each role as docs/ADAPTER.md defines them.
 */
#include "conformance/vec_private.h"

#include "model/std/common.h"
#include "model/std/issuer.h"

#include <string.h>

const char conf_vec_name1[] = "\xe5\xbc\xa0\xe4\xb8\x89";  /* 张三 */
const char conf_vec_name2[] = "\xe6\x9d\x8e\xe5\x9b\x9b";  /* 李四 */
const char conf_vec_name3[] = "\xe7\x8e\x8b\xe4\xba\x94";  /* 王五 */

ConfVecWorld *
conf_vec_world_new (void)
{
  ConfVecWorld *w = g_new0 (ConfVecWorld, 1);
  conf_vec_derive ("reset seed", w->reset_seed, 32);
  conf_vec_derive ("platform key seed", w->platform_seed, 32);
  conf_vec_derive ("untrusted platform key seed", w->other_seed, 32);
  conf_vec_derive ("device key seed", w->device_seed, 32);
  conf_vec_derive ("second device key seed", w->device2_seed, 32);
  w->platform = model_platform_key_from_seed (w->platform_seed);
  w->other = model_platform_key_from_seed (w->other_seed);
  w->device = model_device_key_from_seed (w->device_seed);
  w->device2 = model_device_key_from_seed (w->device2_seed);
  w->cards = model_card_registry_new (w->reset_seed);
  w->trust = model_trust_list_new ();
  if (!model_trust_list_add (w->trust, model_platform_key_public (w->platform), NULL))
    g_error ("vectors: the platform key is not a valid point");
  w->status = g_hash_table_new_full (base_bytes16_hash, base_bytes16_equal, g_free, NULL);
  w->cache = model_qr_replay_cache_new ();
  return w;
}

void
conf_vec_world_free (ConfVecWorld *w)
{
  if (w == NULL)
    return;
  model_key_pair_free (w->platform);
  model_key_pair_free (w->other);
  model_key_pair_free (w->device);
  model_key_pair_free (w->device2);
  model_card_registry_free (w->cards);
  model_trust_list_free (w->trust);
  g_hash_table_destroy (w->status);
  model_qr_replay_cache_free (w->cache);
  g_free (w);
}

void
conf_vec_world_keys (ConfVec *v, const ConfVecWorld *w)
{
  conf_vec_key (v, "reset_seed", w->reset_seed, 32);
  conf_vec_key (v, "platform_seed", w->platform_seed, 32);
  conf_vec_key (v, "platform_public_key", model_platform_key_public (w->platform), 32);
  conf_vec_key (v, "platform_key_id", model_platform_key_id (w->platform), MODEL_KEY_ID_LEN);
  conf_vec_key (v, "untrusted_platform_seed", w->other_seed, 32);
  conf_vec_key (v, "untrusted_platform_public_key", model_platform_key_public (w->other), 32);
  conf_vec_key (v, "device_seed", w->device_seed, 32);
  conf_vec_key (v, "device_public_key", model_device_key_public (w->device), 32);
  conf_vec_key (v, "device2_seed", w->device2_seed, 32);
  conf_vec_key (v, "device2_public_key", model_device_key_public (w->device2), 32);
}

ModelStdCode
conf_vec_world_status (const guint8 ecard_id[16], gpointer world)
{
  ConfVecWorld *w = world;
  gpointer value = NULL;
  if (!g_hash_table_lookup_extended (w->status, ecard_id, NULL, &value))
    return MODEL_STD_NOT_FOUND;
  return (ModelStdCode) GPOINTER_TO_INT (value);
}

void
conf_vec_world_set_status (ConfVecWorld *w, const guint8 ecard_id[16], ModelStdCode code)
{
  g_hash_table_insert (w->status, g_memdup2 (ecard_id, 16), GINT_TO_POINTER (code));
}

void
conf_vec_world_issue (ConfVec *v, ConfVecWorld *w, const char *card_no, const char *ssn,
                      const char *name, guint32 city, int level,
                      const ModelDeviceKey *device, gint64 at, guint8 ecard_id[16])
{
  GError *error = NULL;
  ModelIssuanceEvidence ev = { TRUE, TRUE, TRUE, TRUE };
  ModelEcard ecard;
  memset (ecard_id, 0, 16);
  if (!model_card_register (w->cards, card_no, ssn, name, city, TRUE, at, &error))
    {
      conf_vec_agree (v, "fixture card.register", error, MODEL_STD_OK);
      return;
    }
  if (!model_card_issue_ecard (w->cards, card_no, level, &ev, model_device_key_public (device),
                               at, &ecard, &error))
    {
      conf_vec_agree (v, "fixture ecard.issue", error, MODEL_STD_OK);
      return;
    }
  memcpy (ecard_id, ecard.id, 16);
}

GBytes *
conf_vec_world_credential (ConfVec *v, ConfVecWorld *w, const guint8 ecard_id[16], gint64 at,
                           gint64 lifetime)
{
  GError *error = NULL;
  GBytes *cred = model_issuer_sign_credential (w->cards, ecard_id, w->platform, at, lifetime,
                                               NULL, &error);
  if (cred == NULL)
    conf_vec_agree (v, "fixture credential", error, MODEL_STD_OK);
  return cred;
}

char *
conf_vec_world_token (ConfVec *v, const ModelDeviceKey *device, GBytes *cred,
                      ModelQrPurpose purpose, const char *nonce_label, gint64 at)
{
  GError *error = NULL;
  guint8 nonce[MODEL_QR_NONCE_LEN];
  g_autofree char *label = g_strdup_printf ("qr nonce %s", nonce_label);
  conf_vec_derive (label, nonce, sizeof nonce);
  if (cred == NULL)
    return NULL;
  gsize len = 0;
  const guint8 *data = g_bytes_get_data (cred, &len);
  char *token = model_qr_issue (device, data, len, purpose, nonce, at, &error);
  if (token == NULL)
    conf_vec_agree (v, "fixture token", error, MODEL_STD_OK);
  return token;
}

static JsonNode *
trust_of (const ConfVecWorld *w)
{
  return conf_ja (conf_jh (model_platform_key_public (w->platform), 32), NULL);
}

void
conf_vec_reset_verifier (ConfVec *v, const ConfVecWorld *w)
{
  conf_vec_step (v, "reset",
                 conf_jo ("seed", conf_jh (w->reset_seed, 32), "now", conf_ji (CONF_VECTORS_CLOCK),
                          "trust", trust_of (w), "config", conf_jo (NULL, NULL), NULL),
                 conf_vec_ok (NULL), NULL);
}

void
conf_vec_reset_platform (ConfVec *v, const ConfVecWorld *w, JsonNode *switches)
{
  JsonNode *config = conf_jo ("platform_key_seed", conf_jh (w->platform_seed, 32),
                              "switches", switches ? switches : conf_ja (NULL, NULL),
                              "pin_limits", conf_js ("min"), NULL);
  conf_vec_step (v, "reset",
                 conf_jo ("seed", conf_jh (w->reset_seed, 32), "now", conf_ji (CONF_VECTORS_CLOCK),
                          "trust", trust_of (w), "config", config, NULL),
                 conf_vec_ok (NULL), NULL);
}

JsonNode *
conf_vec_credential_result (const ModelCredential *cred)
{
  return conf_jo ("level", conf_ji (cred->level), "ecard_id", conf_jh (cred->ecard_id, 16),
                  "ssn", conf_js (cred->ssn), "name", conf_js (cred->name),
                  "card_no", conf_js (cred->card_no), "city", conf_ji (cred->city),
                  "device_pk", conf_jh (cred->device_pk, 32),
                  "issued_at", conf_ji (cred->issued_at), "expires_at", conf_ji (cred->expires_at),
                  "signer_key_id", conf_jh (cred->signer_key_id, MODEL_KEY_ID_LEN), NULL);
}

const gboolean conf_vec_full_evidence[4] = { TRUE, TRUE, TRUE, TRUE };

void
conf_vec_status_set (ConfVec *v, ConfVecWorld *w, const guint8 ecard_id[16], ModelStdCode code)
{
  conf_vec_world_set_status (w, ecard_id, code);
  conf_vec_step (v, "status.set",
                 conf_jo ("ecard_id", conf_jh (ecard_id, 16),
                          "status", conf_js (model_std_code_name (code)), NULL),
                 conf_vec_ok (NULL), NULL);
}

void
conf_vec_card_register (ConfVec *v, ConfVecWorld *w, const char *card_no, const char *ssn,
                        const char *name, guint32 city, gboolean bank, gint64 now,
                        ModelStdCode want)
{
  GError *error = NULL;
  model_card_register (w->cards, card_no, ssn, name, city, bank, now, &error);
  conf_vec_agree (v, "card.register", error, want);
  conf_vec_step (v, "card.register",
                 conf_jo ("card_no", conf_js (card_no), "ssn", conf_js (ssn),
                          "name", conf_js (name), "city", conf_ji (city),
                          "bank_account_active", conf_jb (bank), "now", conf_ji (now), NULL),
                 want == MODEL_STD_OK ? conf_vec_ok (NULL) : conf_vec_err (want), NULL);
}

void
conf_vec_card_issue (ConfVec *v, ConfVecWorld *w, const char *card_no, int level,
                     const gboolean ev[4], const guint8 device_pk[32], gint64 now,
                     ModelStdCode want, guint8 id_out[16])
{
  GError *error = NULL;
  ModelIssuanceEvidence e = { ev[0], ev[1], ev[2], ev[3] };
  ModelEcard ecard;
  memset (&ecard, 0, sizeof ecard);
  gboolean ok = model_card_issue_ecard (w->cards, card_no, level, &e, device_pk, now, &ecard,
                                        &error);
  conf_vec_agree (v, "ecard.issue", error, want);
  if (id_out != NULL)
    memcpy (id_out, ecard.id, 16);
  JsonNode *evidence = conf_jo ("real_name_verified", conf_jb (ev[0]),
                                "liveness_passed", conf_jb (ev[1]),
                                "bank_account_active", conf_jb (ev[2]),
                                "bank_phone_verified", conf_jb (ev[3]), NULL);
  conf_vec_step (v, "ecard.issue",
                 conf_jo ("card_no", conf_js (card_no), "level", conf_ji (level),
                          "evidence", evidence, "device_pk", conf_jh (device_pk, 32),
                          "now", conf_ji (now), NULL),
                 ok ? conf_vec_ok (conf_jo ("ecard_id", conf_jh (ecard.id, 16), NULL))
                    : conf_vec_err (want),
                 NULL);
}

void
conf_vec_card_transition (ConfVec *v, ConfVecWorld *w, const char *card_no, const char *to,
                          gint64 now, ModelStdCode want)
{
  GError *error = NULL;
  ModelCard card;
  gboolean known = model_card_get (w->cards, card_no, &card, NULL);
  if (strcmp (to, "lost") == 0)
    model_card_report_lost (w->cards, card_no, now, &error);
  else if (strcmp (to, "locked") == 0)
    model_card_lock (w->cards, card_no, now, &error);
  else if (strcmp (to, "cancelled") == 0)
    model_card_cancel (w->cards, card_no, now, &error);
  else if (strcmp (to, "normal") == 0 && known && card.status == MODEL_CARD_LOCKED)
    model_card_unlock (w->cards, card_no, now, &error);
  else if (strcmp (to, "normal") == 0)
    model_card_report_found (w->cards, card_no, now, &error);
  else
    conf_vec_fail (v, "unknown transition target %s", to);
  conf_vec_agree (v, "card.transition", error, want);
  conf_vec_step (v, "card.transition",
                 conf_jo ("card_no", conf_js (card_no), "to", conf_js (to), "now", conf_ji (now),
                          NULL),
                 want == MODEL_STD_OK ? conf_vec_ok (conf_jo ("status", conf_js (to), NULL))
                                      : conf_vec_err (want),
                 NULL);
}

void
conf_vec_reset_channel (ConfVec *v, const ConfVecWorld *w, const char *channel_id, int tier,
                        const char *parent_id, const guint8 key_seed[32], JsonNode *children)
{
  conf_vec_reset_channel_with (v, w, channel_id, tier, parent_id, key_seed, children, NULL);
}

void
conf_vec_reset_channel_with (ConfVec *v, const ConfVecWorld *w, const char *channel_id, int tier,
                             const char *parent_id, const guint8 key_seed[32],
                             JsonNode *children, JsonNode *extra)
{
  JsonNode *config = conf_jo ("channel_id", conf_js (channel_id), "tier", conf_ji (tier), NULL);
  JsonObject *c = json_node_get_object (config);
  if (parent_id != NULL)
    json_object_set_string_member (c, "parent_id", parent_id);
  json_object_set_member (c, "key_seed", conf_jh (key_seed, 32));
  json_object_set_member (c, "children", children ? children : conf_ja (NULL, NULL));
  json_object_set_string_member (c, "status", "live");
  if (extra != NULL)
    {
      JsonObjectIter it;
      const char *name;
      JsonNode *value;
      json_object_iter_init (&it, json_node_get_object (extra));
      while (json_object_iter_next (&it, &name, &value))
        json_object_set_member (c, name, json_node_copy (value));
      json_node_unref (extra);
    }
  conf_vec_step (v, "reset",
                 conf_jo ("seed", conf_jh (w->reset_seed, 32), "now", conf_ji (CONF_VECTORS_CLOCK),
                          "trust", trust_of (w), "config", config, NULL),
                 conf_vec_ok (NULL), NULL);
}
