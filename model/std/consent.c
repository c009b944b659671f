/* SPDX-License-Identifier: MIT */
/*
 * The consent store of ESSC-STD (section "Consent"): validation of
 * authorisation records (SSNs through model_id_validate, so there is one
 * GB 11643 implementation), grant and revocation, and the three-part access
 * decision.  Grants are kept in a GPtrArray in grant order (what foreach and
 * the store module see) and indexed by grant id for revocation; a check scans
 * every grant once, which is fine for the reference role and the conformance
 * suite (a production platform would index by channel and person).
 */
#include "model/std/consent.h"

#include <sodium.h>
#include <string.h>

#include "model/std/common.h"
#include "model/std/id.h"

G_DEFINE_QUARK (model-consent-error-quark, model_consent_error)

static const char *const scope_names[MODEL_CONSENT_N_SCOPES] = {
  "identity", "card_status", "insurance_record", "payment_history", "employment", "pension",
};
static const char *const kind_names[MODEL_CONSENT_N_KINDS] = {
  "personal", "department", "channel",
};

struct _ModelConsentStore {
  GPtrArray *grants;            /* ModelConsentGrant*, grant order, owned */
  GHashTable *by_id;            /* grant_id bytes -> ModelConsentGrant* */
  gboolean seeded;
  guint8 seed[MODEL_CONSENT_SEED_LEN];
  guint64 counter;
};

#define fail(error, code, ...) base_fail ((error), MODEL_CONSENT_ERROR, (code), __VA_ARGS__)

G_STATIC_ASSERT (MODEL_CONSENT_GRANT_ID_LEN == 16);   /* by_id is keyed by base_bytes16_hash */

/* ---- names and fields ---------------------------------------------------- */

const char *
model_consent_scope_name (guint32 scope)
{
  for (int i = 0; i < MODEL_CONSENT_N_SCOPES; i++)
    if (scope == (1u << i))
      return scope_names[i];
  return "unknown";
}

BASE_DEFINE_NAMES (model_consent_kind, ModelConsentKind, kind_names, "unknown")

char *
model_consent_scopes_to_string (guint32 scopes)
{
  GString *s = g_string_new (NULL);
  for (int i = 0; i < MODEL_CONSENT_N_SCOPES; i++)
    if (scopes & (1u << i))
      {
        if (s->len > 0)
          g_string_append_c (s, ',');
        g_string_append (s, scope_names[i]);
      }
  return g_string_free (s, FALSE);
}

gboolean
model_consent_scopes_parse (const char *text, guint32 *out, GError **error)
{
  g_return_val_if_fail (out != NULL, FALSE);
  if (text == NULL || text[0] == '\0')
    return fail (error, MODEL_STD_MALFORMED, "scopes: empty, expected scope names joined by ','");
  guint32 set = 0;
  int last = -1;
  const char *p = text;
  for (;;)
    {
      const char *end = strchr (p, ',');
      gsize n = end ? (gsize) (end - p) : strlen (p);
      int found = -1;
      for (int i = 0; i < MODEL_CONSENT_N_SCOPES; i++)
        if (strlen (scope_names[i]) == n && memcmp (scope_names[i], p, n) == 0)
          found = i;
      if (found < 0)
        return fail (error, MODEL_STD_MALFORMED, "scopes: unknown scope at byte %td", p - text);
      if (found <= last)
        return fail (error, MODEL_STD_MALFORMED,
                     "scopes: \"%s\" repeated or out of order at byte %td, expected bit order",
                     scope_names[found], p - text);
      set |= 1u << found;
      last = found;
      if (end == NULL)
        break;
      p = end + 1;
    }
  *out = set;
  return TRUE;
}

gboolean
model_consent_department_check (const char *id, GError **error)
{
  if (id == NULL || id[0] == '\0')
    return fail (error, MODEL_STD_MALFORMED, "department_id: empty, expected 1..32 of [A-Z0-9-]");
  gsize n = strnlen (id, MODEL_CONSENT_DEPT_MAX + 1);
  if (n > MODEL_CONSENT_DEPT_MAX)
    return fail (error, MODEL_STD_MALFORMED, "department_id: over 32 characters");
  if (id[0] < 'A' || id[0] > 'Z')
    return fail (error, MODEL_STD_MALFORMED, "department_id: must start with a letter A-Z");
  for (gsize i = 1; i < n; i++)
    if (!((id[i] >= 'A' && id[i] <= 'Z') || (id[i] >= '0' && id[i] <= '9') || id[i] == '-'))
      return fail (error, MODEL_STD_MALFORMED,
                   "department_id: character %zu not in [A-Z0-9-]", i + 1);
  return TRUE;
}

gboolean
model_consent_ssn_check (const char *ssn, gint64 now, GError **error)
{
  if (ssn == NULL)
    return fail (error, MODEL_STD_MALFORMED, "ssn: missing, expected 18 characters");
  return model_id_check_ssn (ssn, now, MODEL_CONSENT_ERROR, error);
}

/* model_channel_id_check, re-raised in this module's domain. */
static gboolean
channel_id_check (const char *channel_id, GError **error)
{
  GError *inner = NULL;
  if (!model_channel_id_check (channel_id, "channel_id", &inner))
    return base_fail_wrap (error, MODEL_CONSENT_ERROR, NULL, inner);
  return TRUE;
}

static gboolean
scopes_check (guint32 scopes, GError **error)
{
  if (scopes == 0)
    return fail (error, MODEL_STD_MALFORMED, "scopes: empty set");
  if (scopes & ~MODEL_CONSENT_SCOPE_ALL)
    return fail (error, MODEL_STD_MALFORMED, "scopes: unknown bits 0x%x",
                 scopes & ~MODEL_CONSENT_SCOPE_ALL);
  return TRUE;
}

gboolean
model_consent_parties_check (ModelConsentKind kind, const char *ssn, const char *channel_id,
                             const char *department_id, gint64 at, GError **error)
{
  g_return_val_if_fail ((unsigned) kind <= MODEL_CONSENT_N_KINDS, FALSE);
  gboolean question = kind == MODEL_CONSENT_N_KINDS;
  if (ssn == NULL || channel_id == NULL || department_id == NULL)
    return fail (error, MODEL_STD_MALFORMED, "%s: missing",
                 ssn == NULL ? "ssn" : channel_id == NULL ? "channel_id" : "department_id");
  if (kind == MODEL_CONSENT_PERSONAL && ssn[0] == '\0')
    return fail (error, MODEL_STD_MALFORMED, "ssn: required for a personal authorisation");
  /* A grant's person must exist when the authorisation starts (CONSENT-3);
   * a question's when it is asked (CONSENT-11). */
  if ((question || ssn[0] != '\0') && !model_consent_ssn_check (ssn, at, error))
    return FALSE;
  if (!channel_id_check (channel_id, error))
    return FALSE;
  if (kind == MODEL_CONSENT_DEPARTMENT && department_id[0] == '\0')
    return fail (error, MODEL_STD_MALFORMED,
                 "department_id: required for a department authorisation");
  if ((question || department_id[0] != '\0')
      && !model_consent_department_check (department_id, error))
    return FALSE;
  return TRUE;
}

/* Every field of a record but the grant id and revocation, in the order of
 * CONSENT-14. */
static gboolean
grant_check (const ModelConsentGrant *g, GError **error)
{
  if (memchr (g->ssn, 0, sizeof g->ssn) == NULL
      || memchr (g->channel_id, 0, sizeof g->channel_id) == NULL
      || memchr (g->department_id, 0, sizeof g->department_id) == NULL)
    return fail (error, MODEL_STD_MALFORMED, "grant: ssn, channel_id or department_id not terminated");
  if ((unsigned) g->kind >= MODEL_CONSENT_N_KINDS)
    return fail (error, MODEL_STD_MALFORMED, "kind: %d, expected personal, department or channel",
                 (int) g->kind);
  if (!model_consent_parties_check (g->kind, g->ssn, g->channel_id, g->department_id,
                                    g->not_before, error))
    return FALSE;
  if (!scopes_check (g->scopes, error))
    return FALSE;
  if (g->not_before >= g->expires_at)
    return fail (error, MODEL_STD_MALFORMED, "expires_at: %" G_GINT64_FORMAT
                 " not after not_before %" G_GINT64_FORMAT, g->expires_at, g->not_before);
  return TRUE;
}

/* ---- store --------------------------------------------------------------- */

ModelConsentStore *
model_consent_store_new (const guint8 *seed)
{
  ModelConsentStore *s = g_new0 (ModelConsentStore, 1);
  s->grants = g_ptr_array_new_with_free_func (g_free);
  s->by_id = g_hash_table_new (base_bytes16_hash, base_bytes16_equal);
  if (seed != NULL)
    {
      s->seeded = TRUE;
      memcpy (s->seed, seed, MODEL_CONSENT_SEED_LEN);
    }
  return s;
}

void
model_consent_store_free (ModelConsentStore *store)
{
  if (store == NULL)
    return;
  g_hash_table_destroy (store->by_id);
  g_ptr_array_free (store->grants, TRUE);
  sodium_memzero (store->seed, sizeof store->seed);
  g_free (store);
}

static void
new_id (ModelConsentStore *s, guint8 out[MODEL_CONSENT_GRANT_ID_LEN])
{
  do
    {
      if (s->seeded)
        {
          guint8 ctr[8];
          base_be64_put (ctr, s->counter++);
          crypto_generichash (out, MODEL_CONSENT_GRANT_ID_LEN, ctr, sizeof ctr, s->seed,
                              sizeof s->seed);
        }
      else
        randombytes_buf (out, MODEL_CONSENT_GRANT_ID_LEN);
    }
  while (g_hash_table_contains (s->by_id, out));
}

static void
insert (ModelConsentStore *s, const ModelConsentGrant *g)
{
  ModelConsentGrant *copy = g_new0 (ModelConsentGrant, 1);
  /* Field by field, so the bytes after each terminator are zero. */
  memcpy (copy->grant_id, g->grant_id, MODEL_CONSENT_GRANT_ID_LEN);
  copy->kind = g->kind;
  g_strlcpy (copy->ssn, g->ssn, sizeof copy->ssn);
  g_strlcpy (copy->channel_id, g->channel_id, sizeof copy->channel_id);
  g_strlcpy (copy->department_id, g->department_id, sizeof copy->department_id);
  copy->scopes = g->scopes;
  copy->not_before = g->not_before;
  copy->expires_at = g->expires_at;
  copy->revoked = g->revoked;
  copy->revoked_at = g->revoked_at;
  g_ptr_array_add (s->grants, copy);
  g_hash_table_insert (s->by_id, copy->grant_id, copy);
}

gboolean
model_consent_store_grant (ModelConsentStore *store, const ModelConsentGrant *grant,
                           guint8 grant_id[MODEL_CONSENT_GRANT_ID_LEN], GError **error)
{
  g_return_val_if_fail (store != NULL && grant != NULL, FALSE);
  if (!grant_check (grant, error))
    return FALSE;
  if (grant->revoked || grant->revoked_at != 0)
    return fail (error, MODEL_STD_MALFORMED, "revoked: a new grant cannot be revoked");
  ModelConsentGrant g = *grant;
  new_id (store, g.grant_id);
  insert (store, &g);
  if (grant_id != NULL)
    memcpy (grant_id, g.grant_id, MODEL_CONSENT_GRANT_ID_LEN);
  return TRUE;
}

gboolean
model_consent_store_revoke (ModelConsentStore *store,
                            const guint8 grant_id[MODEL_CONSENT_GRANT_ID_LEN], gint64 now,
                            GError **error)
{
  g_return_val_if_fail (store != NULL && grant_id != NULL, FALSE);
  ModelConsentGrant *g = g_hash_table_lookup (store->by_id, grant_id);
  if (g == NULL)
    return fail (error, MODEL_STD_NOT_FOUND, "grant_id: no such authorisation");
  if (g->revoked)
    return fail (error, MODEL_STD_INVALID_STATE, "grant_id: already revoked at %" G_GINT64_FORMAT,
                 g->revoked_at);
  g->revoked = TRUE;
  g->revoked_at = now;
  return TRUE;
}

static gboolean
matches (const ModelConsentGrant *g, const char *ssn, const char *channel_id,
         const char *department_id, guint32 scopes)
{
  return (g->ssn[0] == '\0' || strcmp (g->ssn, ssn) == 0)
         && strcmp (g->channel_id, channel_id) == 0
         && (g->department_id[0] == '\0' || strcmp (g->department_id, department_id) == 0)
         && (g->scopes & scopes) == scopes;
}

static char *
parts_string (guint parts)
{
  GString *s = g_string_new (NULL);
  for (int k = 0; k < MODEL_CONSENT_N_KINDS; k++)
    if (parts & MODEL_CONSENT_PART (k))
      g_string_append_printf (s, "%s%s", s->len ? ", " : "", kind_names[k]);
  if (s->len == 0)
    g_string_append (s, "none");
  return g_string_free (s, FALSE);
}

gboolean
model_consent_store_check (const ModelConsentStore *store, const char *ssn,
                           const char *channel_id, const char *department_id,
                           guint32 scopes, gint64 now, ModelConsentDecision *decision,
                           GError **error)
{
  g_return_val_if_fail (store != NULL, FALSE);
  if (!model_consent_parties_check (MODEL_CONSENT_N_KINDS, ssn, channel_id, department_id, now,
                                    error)
      || !scopes_check (scopes, error))
    return FALSE;

  ModelConsentDecision d;
  memset (&d, 0, sizeof d);
  for (guint i = 0; i < store->grants->len; i++)
    {
      const ModelConsentGrant *g = g_ptr_array_index (store->grants, i);
      guint part = MODEL_CONSENT_PART (g->kind);
      if (g->revoked || !matches (g, ssn, channel_id, department_id, scopes))
        continue;
      if (now >= g->expires_at)
        d.expired |= part;
      else if (now < g->not_before)
        d.not_yet_valid |= part;
      else if (!(d.present & part))
        {
          d.present |= part;
          memcpy (d.grant_ids[g->kind], g->grant_id, MODEL_CONSENT_GRANT_ID_LEN);
        }
    }
  d.missing = MODEL_CONSENT_PARTS_ALL & ~d.present;
  d.expired &= d.missing;
  d.not_yet_valid &= d.missing;
  if (d.missing == 0)
    d.code = MODEL_STD_OK;
  else if ((d.expired & d.missing) == d.missing)
    d.code = MODEL_STD_EXPIRED;
  else if ((d.not_yet_valid & d.missing) == d.missing)
    d.code = MODEL_STD_NOT_YET_VALID;
  else
    d.code = MODEL_STD_CONSENT_MISSING;
  if (decision != NULL)
    *decision = d;
  if (d.code == MODEL_STD_OK)
    return TRUE;
  g_autofree char *missing = parts_string (d.missing);
  g_autofree char *present = parts_string (d.present);
  return fail (error, d.code, "consent: %s %s (present: %s)", missing,
               d.code == MODEL_STD_EXPIRED ? "expired"
               : d.code == MODEL_STD_NOT_YET_VALID ? "not yet valid" : "missing",
               present);
}

void
model_consent_store_foreach (const ModelConsentStore *store, ModelConsentFn fn,
                             gpointer user_data)
{
  g_return_if_fail (store != NULL && fn != NULL);
  for (guint i = 0; i < store->grants->len; i++)
    {
      ModelConsentGrant copy = *(const ModelConsentGrant *) g_ptr_array_index (store->grants, i);
      fn (&copy, user_data);
    }
}

gboolean
model_consent_store_restore (ModelConsentStore *store, const ModelConsentGrant *grant,
                             GError **error)
{
  g_return_val_if_fail (store != NULL && grant != NULL, FALSE);
  if (!grant_check (grant, error))
    return FALSE;
  if (grant->revoked != FALSE && grant->revoked != TRUE)
    return fail (error, MODEL_STD_MALFORMED, "revoked: %d, expected 0 or 1", grant->revoked);
  if (!grant->revoked && grant->revoked_at != 0)
    return fail (error, MODEL_STD_MALFORMED, "revoked_at: set on a grant that is not revoked");
  if (g_hash_table_contains (store->by_id, grant->grant_id))
    return fail (error, MODEL_STD_CONFLICT, "grant_id: already present");
  insert (store, grant);
  return TRUE;
}
