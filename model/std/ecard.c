/* SPDX-License-Identifier: MIT */
/*
 * The card registry's e-card half (prototypes in model/std/card.h, registry
 * struct in model/std/card_private.h): issuance of level-1 and level-2 e-cards
 * against the evidence the channel attests, upgrade in place, revocation at
 * the holder's request, look-ups by id and by card, the status feed that
 * verifiers consult (ModelStatusFn), and foreach/restore for the store.
 * E-card ids come from randombytes_buf or, for a seeded registry, from
 * BLAKE2b over the seed and a counter (ISS-9).  Physical cards, their status
 * machine and the registry's life cycle are in model/std/card.c, which calls
 * model_card_priv_revoke here when a card leaves normal.  As there, every
 * function checks everything before it changes anything.
 */
#include "model/std/card.h"

#include <sodium.h>
#include <string.h>

#include "model/std/card_private.h"
#include "model/std/common.h"

/* ---- helpers -------------------------------------------------------------- */

static ModelEcard *
find_ecard (ModelCardRegistry *r, const guint8 *id, GError **error)
{
  ModelEcard *e = id != NULL ? g_hash_table_lookup (r->ecards, id) : NULL;
  if (e == NULL)
    {
      char hex[33] = "(null)";
      if (id != NULL)
        model_ecard_id_to_hex (id, hex);
      g_set_error (error, MODEL_CARD_ERROR, MODEL_STD_NOT_FOUND, "ecard_id: no e-card %s", hex);
    }
  return e;
}

void
model_card_priv_revoke (ModelCardRegistry *r, ModelEcard *e, ModelEcardReason reason,
                        gint64 now)
{
  e->status = MODEL_ECARD_REVOKED;
  e->revoked_at = now;
  e->revoke_reason = reason;
  g_hash_table_remove (r->active, e->card_no);
}

/* ---- issuance, upgrade, revocation ---------------------------------------- */

/* EVIDENCE_MISSING naming every item lacking for level, or TRUE. */
static gboolean
check_evidence (const ModelCard *c, int level, const ModelIssuanceEvidence *ev,
                GError **error)
{
  static const ModelIssuanceEvidence none = { 0 };
  if (ev == NULL)
    ev = &none;
  g_autoptr (GString) missing = g_string_new (NULL);
  if (!ev->real_name_verified)
    g_string_append (missing, ", real_name_verified");
  if (!ev->liveness_passed)
    g_string_append (missing, ", liveness_passed");
  if (level == 2)
    {
      if (!ev->bank_account_active)
        g_string_append (missing, ", bank_account_active");
      if (!ev->bank_phone_verified)
        g_string_append (missing, ", bank_phone_verified");
      if (!c->bank_account_active)
        g_string_append (missing, ", card bank account not activated");
    }
  if (missing->len == 0)
    return TRUE;
  g_set_error (error, MODEL_CARD_ERROR, MODEL_STD_EVIDENCE_MISSING,
               "evidence: level %d lacks %s", level, missing->str + 2);
  return FALSE;
}

static void
new_id (ModelCardRegistry *r, guint8 id[MODEL_ECARD_ID_LEN])
{
  do
    {
      if (r->seeded)
        {
          /* ISS-9: id = BLAKE2b-128 (seed || counter as 8 bytes big-endian). */
          guint8 msg[MODEL_CARD_SEED_LEN + 8];
          memcpy (msg, r->seed, MODEL_CARD_SEED_LEN);
          base_be64_put (msg + MODEL_CARD_SEED_LEN, r->counter);
          r->counter++;
          crypto_generichash (id, MODEL_ECARD_ID_LEN, msg, sizeof msg, NULL, 0);
          sodium_memzero (msg, sizeof msg);
        }
      else
        randombytes_buf (id, MODEL_ECARD_ID_LEN);
    }
  while (g_hash_table_contains (r->ecards, id));
}

gboolean
model_card_issue_ecard (ModelCardRegistry *registry, const char *card_no, int level,
                        const ModelIssuanceEvidence *ev,
                        const guint8 device_pk[MODEL_DEVICE_PK_LEN], gint64 now,
                        ModelEcard *out, GError **error)
{
  g_return_val_if_fail (registry != NULL, FALSE);
  /* ISS-10: the number's form, then the card, the level, the key, ... */
  if (!model_card_no_check (card_no, error))
    return FALSE;
  ModelCard *c = model_card_priv_find_card (registry, card_no, error);
  if (c == NULL)
    return FALSE;
  if (level != 1 && level != 2)
    {
      g_set_error (error, MODEL_CARD_ERROR, MODEL_STD_MALFORMED,
                   "level: %d; expected 1 or 2", level);
      return FALSE;
    }
  if (!model_card_device_pk_check (device_pk, error))
    return FALSE;
  if (c->status != MODEL_CARD_NORMAL)
    {
      g_set_error (error, MODEL_CARD_ERROR, MODEL_STD_CARD_UNUSABLE,
                   "card %s: status %s; issuance needs a normal card", c->card_no,
                   model_card_status_name (c->status));
      return FALSE;
    }
  if (!check_evidence (c, level, ev, error))
    return FALSE;
  if (g_hash_table_contains (registry->active, c->card_no))
    {
      g_set_error (error, MODEL_CARD_ERROR, MODEL_STD_ALREADY_LINKED,
                   "card %s: already has an active e-card", c->card_no);
      return FALSE;
    }
  ModelEcard *e = g_new0 (ModelEcard, 1);
  new_id (registry, e->id);
  g_strlcpy (e->card_no, c->card_no, sizeof e->card_no);
  e->level = level;
  e->status = MODEL_ECARD_ACTIVE;
  e->issued_at = now;
  memcpy (e->device_pk, device_pk, MODEL_DEVICE_PK_LEN);
  g_hash_table_insert (registry->ecards, e->id, e);
  g_hash_table_insert (registry->active, e->card_no, e);
  if (out != NULL)
    *out = *e;
  return TRUE;
}

/* The card of an active e-card, or CARD_UNUSABLE. */
static ModelCard *
usable_card (ModelCardRegistry *r, const ModelEcard *e, GError **error)
{
  ModelCard *c = g_hash_table_lookup (r->cards, e->card_no);
  if (e->status != MODEL_ECARD_ACTIVE || c == NULL || c->status != MODEL_CARD_NORMAL)
    {
      g_set_error (error, MODEL_CARD_ERROR, MODEL_STD_CARD_UNUSABLE,
                   "e-card of card %s: %s", e->card_no,
                   e->status != MODEL_ECARD_ACTIVE ? "revoked" : "card not normal");
      return NULL;
    }
  return c;
}

gboolean
model_card_upgrade_ecard (ModelCardRegistry *registry,
                          const guint8 ecard_id[MODEL_ECARD_ID_LEN],
                          const ModelIssuanceEvidence *ev, GError **error)
{
  g_return_val_if_fail (registry != NULL, FALSE);
  ModelEcard *e = find_ecard (registry, ecard_id, error);
  if (e == NULL)
    return FALSE;
  ModelCard *c = usable_card (registry, e, error);
  if (c == NULL)
    return FALSE;
  if (e->level != 1)
    {
      g_set_error (error, MODEL_CARD_ERROR, MODEL_STD_INVALID_STATE,
                   "e-card of card %s: already level %d", e->card_no, e->level);
      return FALSE;
    }
  if (!check_evidence (c, 2, ev, error))
    return FALSE;
  e->level = 2;
  return TRUE;
}

gboolean
model_card_revoke_ecard (ModelCardRegistry *registry,
                         const guint8 ecard_id[MODEL_ECARD_ID_LEN], gint64 now,
                         GError **error)
{
  g_return_val_if_fail (registry != NULL, FALSE);
  ModelEcard *e = find_ecard (registry, ecard_id, error);
  if (e == NULL)
    return FALSE;
  if (e->status != MODEL_ECARD_ACTIVE)
    {
      g_set_error (error, MODEL_CARD_ERROR, MODEL_STD_INVALID_STATE,
                   "e-card of card %s: already revoked", e->card_no);
      return FALSE;
    }
  model_card_priv_revoke (registry, e, MODEL_ECARD_REASON_HOLDER, now);
  return TRUE;
}

/* ---- look-ups and the status feed ----------------------------------------- */

gboolean
model_card_get_ecard (ModelCardRegistry *registry, const guint8 ecard_id[MODEL_ECARD_ID_LEN],
                      ModelEcard *out, GError **error)
{
  g_return_val_if_fail (registry != NULL && out != NULL, FALSE);
  ModelEcard *e = find_ecard (registry, ecard_id, error);
  if (e == NULL)
    return FALSE;
  *out = *e;
  return TRUE;
}

gboolean
model_card_get_active_ecard (ModelCardRegistry *registry, const char *card_no,
                             ModelEcard *out, GError **error)
{
  g_return_val_if_fail (registry != NULL && out != NULL, FALSE);
  ModelEcard *e = card_no != NULL ? g_hash_table_lookup (registry->active, card_no) : NULL;
  if (e == NULL)
    {
      g_set_error (error, MODEL_CARD_ERROR, MODEL_STD_NOT_FOUND,
                   "card_no: no active e-card for %s", card_no != NULL ? card_no : "(null)");
      return FALSE;
    }
  *out = *e;
  return TRUE;
}

ModelStdCode
model_card_status_fn (const guint8 ecard_id[MODEL_ECARD_ID_LEN], gpointer registry)
{
  ModelCardRegistry *r = registry;
  g_return_val_if_fail (r != NULL, MODEL_STD_INTERNAL);
  ModelEcard *e = ecard_id != NULL ? g_hash_table_lookup (r->ecards, ecard_id) : NULL;
  if (e == NULL)
    return MODEL_STD_NOT_FOUND;
  return usable_card (r, e, NULL) != NULL ? MODEL_STD_OK : MODEL_STD_CARD_UNUSABLE;
}

/* ---- store ---------------------------------------------------------------- */

static int
cmp_ecard (gconstpointer a, gconstpointer b)
{
  return memcmp ((*(ModelEcard *const *) a)->id, (*(ModelEcard *const *) b)->id,
                 MODEL_ECARD_ID_LEN);
}

void
model_card_foreach_ecard (ModelCardRegistry *registry, ModelEcardFunc func,
                          gpointer user_data)
{
  g_return_if_fail (registry != NULL && func != NULL);
  g_autoptr (GPtrArray) a = model_card_priv_sorted_values (registry->ecards, cmp_ecard);
  for (guint i = 0; i < a->len; i++)
    func (g_ptr_array_index (a, i), user_data);
}

gboolean
model_card_restore_ecard (ModelCardRegistry *registry, const ModelEcard *ecard,
                          GError **error)
{
  g_return_val_if_fail (registry != NULL && ecard != NULL, FALSE);
  const ModelEcard *e = ecard;
  gboolean active = e->status == MODEL_ECARD_ACTIVE;
  const char *bad = NULL;
  if (!MODEL_CARD_TERMINATED (e->card_no))
    bad = "card_no is not NUL-terminated";
  else if (e->level != 1 && e->level != 2)
    bad = "level is not 1 or 2";
  else if ((unsigned) e->status >= MODEL_ECARD_N_STATUS)
    bad = "status out of range";
  else if ((unsigned) e->revoke_reason >= MODEL_ECARD_N_REASONS)
    bad = "revoke_reason out of range";
  else if (e->issued_at < 0)
    bad = "issued_at is negative";
  else if (active && (e->revoked_at != 0 || e->revoke_reason != MODEL_ECARD_REASON_NONE))
    bad = "an active e-card has revoked_at 0 and revoke_reason none";
  else if (!active && (e->revoked_at < e->issued_at
                       || e->revoke_reason == MODEL_ECARD_REASON_NONE))
    bad = "a revoked e-card needs revoked_at >= issued_at and a revoke_reason";
  if (bad != NULL)
    {
      g_set_error (error, MODEL_CARD_ERROR, MODEL_STD_MALFORMED, "ecard: %s", bad);
      return FALSE;
    }
  if (!model_card_no_check (e->card_no, error) || !model_card_device_pk_check (e->device_pk, error))
    return FALSE;
  ModelCard *c = model_card_priv_find_card (registry, e->card_no, error);
  if (c == NULL)
    return FALSE;
  if (g_hash_table_contains (registry->ecards, e->id))
    {
      g_set_error (error, MODEL_CARD_ERROR, MODEL_STD_ALREADY_LINKED,
                   "ecard_id: already present");
      return FALSE;
    }
  if (active && c->status != MODEL_CARD_NORMAL)
    {
      g_set_error (error, MODEL_CARD_ERROR, MODEL_STD_INVALID_STATE,
                   "ecard: active but card %s is %s", c->card_no,
                   model_card_status_name (c->status));
      return FALSE;
    }
  if (active && e->level == 2 && !c->bank_account_active)
    {
      g_set_error (error, MODEL_CARD_ERROR, MODEL_STD_INVALID_STATE,
                   "ecard: active at level 2 but card %s has no activated bank account",
                   c->card_no);
      return FALSE;
    }
  if (active && g_hash_table_contains (registry->active, c->card_no))
    {
      g_set_error (error, MODEL_CARD_ERROR, MODEL_STD_ALREADY_LINKED,
                   "ecard: card %s already has an active e-card", c->card_no);
      return FALSE;
    }
  ModelEcard *copy = g_memdup2 (e, sizeof *copy);
  g_hash_table_insert (registry->ecards, copy->id, copy);
  if (active)
    g_hash_table_insert (registry->active, copy->card_no, copy);
  return TRUE;
}
