/* SPDX-License-Identifier: MIT */
/*
 * The card registry's physical half: physical cards, their status machine
 * and field checks, the registry's life cycle, and the wire names of every
 * enum in card.h.  The registry is held in memory in GHashTables (struct in
 * model/std/card_private.h, invariants in card.h): cards (card_no -> ModelCard,
 * owned), ecards (id -> ModelEcard, owned) and two indexes that own nothing:
 * live (ssn -> the SSN's live card) and active (card_no -> the card's active
 * e-card).  A transition out of normal revokes the card's e-card here, in the
 * same step; everything else about e-cards is in model/std/ecard.c.  Every
 * mutating function checks everything first and only then changes state, so
 * a refused call leaves the registry as it was.  The workload is a test bed's:
 * thousands of cards, not millions.
 */
#include "model/std/card.h"

#include <sodium.h>
#include <string.h>

#include "model/std/card_private.h"
#include "model/std/common.h"
#include "model/std/id.h"

G_DEFINE_QUARK (model-card-error-quark, model_card_error)

#define fail(error, code, ...) base_fail ((error), MODEL_CARD_ERROR, (code), __VA_ARGS__)

G_STATIC_ASSERT (MODEL_ECARD_ID_LEN == 16);   /* ecards is keyed by base_bytes16_hash */

/* ---- names ---------------------------------------------------------------- */

static const char *const status_names[MODEL_CARD_N_STATUS] = {
  "normal", "lost", "locked", "cancelled", "replaced",
};
static const char *const ecard_status_names[MODEL_ECARD_N_STATUS] = {
  "active", "revoked",
};
static const char *const reason_names[MODEL_ECARD_N_REASONS] = {
  "none", "card_lost", "card_locked", "card_cancelled", "card_replaced", "holder",
};

BASE_DEFINE_NAMES (model_card_status, ModelCardStatus, status_names, "invalid")
BASE_DEFINE_NAMES (model_ecard_status, ModelEcardStatus, ecard_status_names, "invalid")
BASE_DEFINE_NAMES (model_ecard_reason, ModelEcardReason, reason_names, "invalid")

/* ---- the status machine --------------------------------------------------- */

#define BIT(s) (1u << (s))
/* allowed[from] = set of statuses reachable in one step (CARD-6). */
static const unsigned allowed[MODEL_CARD_N_STATUS] = {
  [MODEL_CARD_NORMAL] = BIT (MODEL_CARD_LOST) | BIT (MODEL_CARD_LOCKED)
                        | BIT (MODEL_CARD_CANCELLED) | BIT (MODEL_CARD_REPLACED),
  [MODEL_CARD_LOST] = BIT (MODEL_CARD_NORMAL) | BIT (MODEL_CARD_CANCELLED)
                      | BIT (MODEL_CARD_REPLACED),
  [MODEL_CARD_LOCKED] = BIT (MODEL_CARD_NORMAL) | BIT (MODEL_CARD_CANCELLED)
                        | BIT (MODEL_CARD_REPLACED),
  [MODEL_CARD_CANCELLED] = 0,
  [MODEL_CARD_REPLACED] = 0,
};

gboolean
model_card_transition_allowed (ModelCardStatus from, ModelCardStatus to)
{
  if ((unsigned) from >= MODEL_CARD_N_STATUS || (unsigned) to >= MODEL_CARD_N_STATUS)
    return FALSE;
  return (allowed[from] & BIT (to)) != 0;
}

static gboolean
is_live (ModelCardStatus s)
{
  return s != MODEL_CARD_CANCELLED && s != MODEL_CARD_REPLACED;
}

/* ---- field checks --------------------------------------------------------- */

gboolean
model_card_no_check (const char *card_no, GError **error)
{
  if (card_no == NULL)
    {
      g_set_error (error, MODEL_CARD_ERROR, MODEL_STD_MALFORMED,
                   "card_no: missing; expected a letter A-Z and 8 digits");
      return FALSE;
    }
  gsize len = strnlen (card_no, MODEL_CARD_NO_LEN + 1);
  if (len != MODEL_CARD_NO_LEN)
    {
      g_set_error (error, MODEL_CARD_ERROR, MODEL_STD_MALFORMED,
                   "card_no: %s; expected exactly %d characters",
                   len > MODEL_CARD_NO_LEN ? "too long" : "too short", MODEL_CARD_NO_LEN);
      return FALSE;
    }
  if (card_no[0] < 'A' || card_no[0] > 'Z')
    {
      g_set_error (error, MODEL_CARD_ERROR, MODEL_STD_MALFORMED,
                   "card_no: character 1 must be an upper-case letter A-Z");
      return FALSE;
    }
  for (int i = 1; i < MODEL_CARD_NO_LEN; i++)
    if (!g_ascii_isdigit (card_no[i]))
      {
        g_set_error (error, MODEL_CARD_ERROR, MODEL_STD_MALFORMED,
                     "card_no: character %d must be a digit 0-9", i + 1);
        return FALSE;
      }
  return TRUE;
}

gboolean
model_card_name_check (const char *name, GError **error)
{
  gsize at = 0;
  switch (base_text_check_utf8 (name, -1, MODEL_CARD_NAME_MAX, &at))
    {
    case BASE_TEXT_OK:
      return TRUE;
    case BASE_TEXT_TOO_LONG:
      return fail (error, MODEL_STD_MALFORMED, "name: longer than %d bytes",
                   MODEL_CARD_NAME_MAX);
    case BASE_TEXT_BAD_UTF8:
      return fail (error, MODEL_STD_MALFORMED, "name: invalid UTF-8 at byte %d",
                   (int) at + 1);
    case BASE_TEXT_CONTROL:
      return fail (error, MODEL_STD_MALFORMED, "name: control character at byte %d",
                   (int) at + 1);
    default:
      return fail (error, MODEL_STD_MALFORMED,
                   "name: empty; expected 1 to %d bytes of UTF-8", MODEL_CARD_NAME_MAX);
    }
}

gboolean
model_card_city_check (guint32 city, GError **error)
{
  if (city < 100000 || city > 999999 || !model_id_province_known (city / 10000 * 10000))
    {
      g_set_error (error, MODEL_CARD_ERROR, MODEL_STD_MALFORMED,
                   "city: %u is not a six-digit GB/T 2260 code of a known province",
                   (unsigned) city);
      return FALSE;
    }
  return TRUE;
}

gboolean
model_card_device_pk_check (const guint8 *device_pk, GError **error)
{
  if (device_pk == NULL || !crypto_core_ed25519_is_valid_point (device_pk))
    {
      g_set_error (error, MODEL_CARD_ERROR, MODEL_STD_MALFORMED,
                   "device_pk: expected a %d-byte Ed25519 public key "
                   "(canonical, not of small order)", MODEL_DEVICE_PK_LEN);
      return FALSE;
    }
  return TRUE;
}

/* ---- registry ------------------------------------------------------------- */

ModelCardRegistry *
model_card_registry_new (const guint8 *seed32)
{
  ModelCardRegistry *r = g_new0 (ModelCardRegistry, 1);
  r->cards = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  r->ecards = g_hash_table_new_full (base_bytes16_hash, base_bytes16_equal, NULL, g_free);
  r->live = g_hash_table_new (g_str_hash, g_str_equal);
  r->active = g_hash_table_new (g_str_hash, g_str_equal);
  if (seed32 != NULL)
    {
      r->seeded = TRUE;
      memcpy (r->seed, seed32, MODEL_CARD_SEED_LEN);
    }
  return r;
}

void
model_card_registry_free (ModelCardRegistry *registry)
{
  if (registry == NULL)
    return;
  g_hash_table_destroy (registry->active);
  g_hash_table_destroy (registry->live);
  g_hash_table_destroy (registry->ecards);
  g_hash_table_destroy (registry->cards);
  sodium_memzero (registry->seed, sizeof registry->seed);
  g_free (registry);
}

ModelCard *
model_card_priv_find_card (ModelCardRegistry *r, const char *card_no, GError **error)
{
  ModelCard *c = card_no != NULL ? g_hash_table_lookup (r->cards, card_no) : NULL;
  if (c == NULL)
    g_set_error (error, MODEL_CARD_ERROR, MODEL_STD_NOT_FOUND,
                 "card_no: no card %s", card_no != NULL ? card_no : "(null)");
  return c;
}

static void
insert_card (ModelCardRegistry *r, const ModelCard *card)
{
  ModelCard *c = g_memdup2 (card, sizeof *c);
  g_hash_table_insert (r->cards, c->card_no, c);
  if (is_live (c->status))
    g_hash_table_insert (r->live, c->ssn, c);
}

/* Checks what registering or restoring card would need; no change. */
static gboolean
check_new_card (ModelCardRegistry *r, const char *card_no, const char *ssn,
                const char *name, guint32 city, ModelCardStatus status,
                gint64 now, GError **error)
{
  if (!model_card_no_check (card_no, error)
      || !model_id_check_ssn (ssn, now, MODEL_CARD_ERROR, error)
      || !model_card_name_check (name, error) || !model_card_city_check (city, error))
    return FALSE;
  if (g_hash_table_contains (r->cards, card_no))
    {
      g_set_error (error, MODEL_CARD_ERROR, MODEL_STD_ALREADY_LINKED,
                   "card_no: %s is already registered", card_no);
      return FALSE;
    }
  if (is_live (status) && g_hash_table_contains (r->live, ssn))
    {
      ModelCard *other = g_hash_table_lookup (r->live, ssn);
      g_set_error (error, MODEL_CARD_ERROR, MODEL_STD_ALREADY_LINKED,
                   "ssn: already has the live card %s", other->card_no);
      return FALSE;
    }
  return TRUE;
}

gboolean
model_card_register (ModelCardRegistry *registry, const char *card_no, const char *ssn,
                     const char *name, guint32 city, gboolean bank_account_active,
                     gint64 now, GError **error)
{
  g_return_val_if_fail (registry != NULL, FALSE);
  if (!check_new_card (registry, card_no, ssn, name, city, MODEL_CARD_NORMAL, now, error))
    return FALSE;
  ModelCard c = { .city = city, .status = MODEL_CARD_NORMAL,
                  .bank_account_active = bank_account_active != FALSE,
                  .status_changed_at = now };
  g_strlcpy (c.card_no, card_no, sizeof c.card_no);
  g_strlcpy (c.ssn, ssn, sizeof c.ssn);
  g_strlcpy (c.name, name, sizeof c.name);
  insert_card (registry, &c);
  return TRUE;
}

static ModelEcardReason
reason_for (ModelCardStatus to)
{
  switch (to)
    {
    case MODEL_CARD_LOST: return MODEL_ECARD_REASON_CARD_LOST;
    case MODEL_CARD_LOCKED: return MODEL_ECARD_REASON_CARD_LOCKED;
    case MODEL_CARD_CANCELLED: return MODEL_ECARD_REASON_CARD_CANCELLED;
    case MODEL_CARD_REPLACED: return MODEL_ECARD_REASON_CARD_REPLACED;
    default: return MODEL_ECARD_REASON_HOLDER;
    }
}

/* Moves card to status to; the caller has checked everything else. */
static void
apply_transition (ModelCardRegistry *r, ModelCard *c, ModelCardStatus to, gint64 now)
{
  ModelEcard *e = g_hash_table_lookup (r->active, c->card_no);
  if (e != NULL && to != MODEL_CARD_NORMAL)
    model_card_priv_revoke (r, e, reason_for (to), now);   /* CARD-7: at once */
  if (!is_live (to))
    g_hash_table_remove (r->live, c->ssn);
  c->status = to;
  c->status_changed_at = now;
}

/* Moves card_no to status to; only_from is the one status the request
 * applies to (report found: lost; unlock: locked), or -1 for any. */
static gboolean
transition (ModelCardRegistry *r, const char *card_no, int only_from,
            ModelCardStatus to, gint64 now, GError **error)
{
  g_return_val_if_fail (r != NULL, FALSE);
  /* CARD-14: the number's form, then the card, then table 2.2. */
  if (!model_card_no_check (card_no, error))
    return FALSE;
  ModelCard *c = model_card_priv_find_card (r, card_no, error);
  if (c == NULL)
    return FALSE;
  if (only_from >= 0 && c->status != (ModelCardStatus) only_from)
    {
      g_set_error (error, MODEL_CARD_ERROR, MODEL_STD_INVALID_STATE,
                   "card %s: status %s; the request needs status %s", c->card_no,
                   model_card_status_name (c->status), model_card_status_name (only_from));
      return FALSE;
    }
  if (!model_card_transition_allowed (c->status, to))
    {
      g_set_error (error, MODEL_CARD_ERROR, MODEL_STD_INVALID_STATE,
                   "card %s: transition %s -> %s not allowed", c->card_no,
                   model_card_status_name (c->status), model_card_status_name (to));
      return FALSE;
    }
  apply_transition (r, c, to, now);
  return TRUE;
}

gboolean
model_card_report_lost (ModelCardRegistry *registry, const char *card_no, gint64 now,
                        GError **error)
{
  return transition (registry, card_no, -1, MODEL_CARD_LOST, now, error);
}

gboolean
model_card_report_found (ModelCardRegistry *registry, const char *card_no, gint64 now,
                         GError **error)
{
  return transition (registry, card_no, MODEL_CARD_LOST, MODEL_CARD_NORMAL, now, error);
}

gboolean
model_card_lock (ModelCardRegistry *registry, const char *card_no, gint64 now,
                 GError **error)
{
  return transition (registry, card_no, -1, MODEL_CARD_LOCKED, now, error);
}

gboolean
model_card_unlock (ModelCardRegistry *registry, const char *card_no, gint64 now,
                   GError **error)
{
  return transition (registry, card_no, MODEL_CARD_LOCKED, MODEL_CARD_NORMAL, now, error);
}

gboolean
model_card_cancel (ModelCardRegistry *registry, const char *card_no, gint64 now,
                   GError **error)
{
  return transition (registry, card_no, -1, MODEL_CARD_CANCELLED, now, error);
}

gboolean
model_card_replace (ModelCardRegistry *registry, const char *card_no,
                    const char *new_card_no, gint64 now, GError **error)
{
  g_return_val_if_fail (registry != NULL, FALSE);
  /* CARD-14: both numbers' form, the card, table 2.2, the new number free. */
  if (!model_card_no_check (card_no, error))
    return FALSE;
  if (!model_card_no_check (new_card_no, error))
    {
      g_prefix_error (error, "new_");
      return FALSE;
    }
  ModelCard *c = model_card_priv_find_card (registry, card_no, error);
  if (c == NULL)
    return FALSE;
  if (!model_card_transition_allowed (c->status, MODEL_CARD_REPLACED))
    {
      g_set_error (error, MODEL_CARD_ERROR, MODEL_STD_INVALID_STATE,
                   "card %s: transition %s -> replaced not allowed", c->card_no,
                   model_card_status_name (c->status));
      return FALSE;
    }
  if (g_hash_table_contains (registry->cards, new_card_no))
    {
      g_set_error (error, MODEL_CARD_ERROR, MODEL_STD_ALREADY_LINKED,
                   "new_card_no: %s is already registered", new_card_no);
      return FALSE;
    }
  ModelCard next = *c;
  g_strlcpy (next.card_no, new_card_no, sizeof next.card_no);
  next.status = MODEL_CARD_NORMAL;
  next.replaced_by[0] = '\0';
  next.bank_account_active = FALSE;
  next.status_changed_at = now;
  apply_transition (registry, c, MODEL_CARD_REPLACED, now);
  g_strlcpy (c->replaced_by, new_card_no, sizeof c->replaced_by);
  insert_card (registry, &next);
  return TRUE;
}

gboolean
model_card_set_bank_account (ModelCardRegistry *registry, const char *card_no,
                             gboolean active, GError **error)
{
  g_return_val_if_fail (registry != NULL, FALSE);
  ModelCard *c = model_card_priv_find_card (registry, card_no, error);
  if (c == NULL)
    return FALSE;
  if (!is_live (c->status))
    {
      g_set_error (error, MODEL_CARD_ERROR, MODEL_STD_INVALID_STATE,
                   "card %s: status %s is final", c->card_no,
                   model_card_status_name (c->status));
      return FALSE;
    }
  c->bank_account_active = active != FALSE;
  ModelEcard *e = g_hash_table_lookup (registry->active, c->card_no);
  if (!c->bank_account_active && e != NULL)
    e->level = 1;   /* CARD-10: no payment without an activated account */
  return TRUE;
}

gboolean
model_card_get (ModelCardRegistry *registry, const char *card_no, ModelCard *out,
                GError **error)
{
  g_return_val_if_fail (registry != NULL && out != NULL, FALSE);
  ModelCard *c = model_card_priv_find_card (registry, card_no, error);
  if (c == NULL)
    return FALSE;
  *out = *c;
  return TRUE;
}

gboolean
model_card_get_live_for_ssn (ModelCardRegistry *registry, const char *ssn, ModelCard *out,
                             GError **error)
{
  g_return_val_if_fail (registry != NULL && out != NULL, FALSE);
  ModelCard *c = ssn != NULL ? g_hash_table_lookup (registry->live, ssn) : NULL;
  if (c == NULL)
    {
      g_set_error (error, MODEL_CARD_ERROR, MODEL_STD_NOT_FOUND, "ssn: no live card");
      return FALSE;
    }
  *out = *c;
  return TRUE;
}

/* ---- store ---------------------------------------------------------------- */

static int
cmp_card (gconstpointer a, gconstpointer b)
{
  return strcmp ((*(ModelCard *const *) a)->card_no, (*(ModelCard *const *) b)->card_no);
}

GPtrArray *
model_card_priv_sorted_values (GHashTable *table, GCompareFunc cmp)
{
  GPtrArray *a = g_ptr_array_sized_new (g_hash_table_size (table));
  GHashTableIter it;
  gpointer value;
  g_hash_table_iter_init (&it, table);
  while (g_hash_table_iter_next (&it, NULL, &value))
    g_ptr_array_add (a, value);
  g_ptr_array_sort (a, cmp);
  return a;
}

void
model_card_foreach (ModelCardRegistry *registry, ModelCardFunc func, gpointer user_data)
{
  g_return_if_fail (registry != NULL && func != NULL);
  g_autoptr (GPtrArray) a = model_card_priv_sorted_values (registry->cards, cmp_card);
  for (guint i = 0; i < a->len; i++)
    func (g_ptr_array_index (a, i), user_data);
}

gboolean
model_card_restore (ModelCardRegistry *registry, const ModelCard *card, gint64 now,
                    GError **error)
{
  g_return_val_if_fail (registry != NULL && card != NULL, FALSE);
  const char *bad = NULL;
  if (!MODEL_CARD_TERMINATED (card->card_no) || !MODEL_CARD_TERMINATED (card->ssn)
      || !MODEL_CARD_TERMINATED (card->name) || !MODEL_CARD_TERMINATED (card->replaced_by))
    bad = "a text field is not NUL-terminated";
  else if ((unsigned) card->status >= MODEL_CARD_N_STATUS)
    bad = "status out of range";
  else if (card->bank_account_active != FALSE && card->bank_account_active != TRUE)
    bad = "bank_account_active is not 0 or 1";
  else if (card->status_changed_at < 0)
    bad = "status_changed_at is negative";
  if (bad != NULL)
    {
      g_set_error (error, MODEL_CARD_ERROR, MODEL_STD_MALFORMED, "card: %s", bad);
      return FALSE;
    }
  if (card->status == MODEL_CARD_REPLACED)
    {
      if (!model_card_no_check (card->replaced_by, error))
        {
          g_prefix_error (error, "replaced_by: ");
          return FALSE;
        }
      if (strcmp (card->replaced_by, card->card_no) == 0)
        {
          g_set_error (error, MODEL_CARD_ERROR, MODEL_STD_MALFORMED,
                       "replaced_by: must differ from card_no");
          return FALSE;
        }
    }
  else if (card->replaced_by[0] != '\0')
    {
      g_set_error (error, MODEL_CARD_ERROR, MODEL_STD_MALFORMED,
                   "replaced_by: must be empty unless status is replaced");
      return FALSE;
    }
  if (!check_new_card (registry, card->card_no, card->ssn, card->name, card->city,
                       card->status, now, error))
    return FALSE;
  insert_card (registry, card);
  return TRUE;
}

