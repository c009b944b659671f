/* SPDX-License-Identifier: MIT */
/*
 * The reference platform (the national platform, or a city's local one):
 * reset and the role table, the audit trail of every state-changing op, and
 * the ops on cards, e-cards, credentials, QR tokens and the audit trail;
 * impl_platform_pin.c has the PIN ops, impl_platform_chan.c channels,
 * consent and settlement.  The
 * state is model/std/'s objects (impl_platform.h), every identifier derived from
 * reset as ADAPTER.md's test mode asks.  Audit (ESSC-STD section 9, AUDIT-11..
 * AUDIT-13, table 9.4): after an op of table 9.4 that was accepted, or refused
 * in a way that changed state (a PIN attempt counted or barred by the lock, a
 * new PIN equal to the old after the old was verified, a channel request that
 * adds a risk event), one entry is appended with actor "platform", action the
 * op name, payload the request's params as one line of JSON (PIN members
 * replaced by "(redacted)", PIN-4; params over 65536 bytes by their
 * BLAKE2b-256), and time the op's `now` (for settlement.set_switch, which has
 * none, the previous entry's time, or reset's `now` for the first entry),
 * raised to the previous entry's time if earlier (AUDIT-5): an op is never
 * refused for its time.
 */
#include "conformance/impl_platform.h"

#include "conformance/json.h"
#include "model/std/issuer.h"
#include "model/std/pin.h"

#include <sodium.h>
#include <string.h>

/* ---- state ------------------------------------------------------------------ */

static void
platform_free (gpointer state)
{
  ConfPlatform *p = state;
  if (p == NULL)
    return;
  model_key_pair_free (p->key);
  model_trust_list_free (p->trust);
  model_card_registry_free (p->cards);
  model_consent_store_free (p->consents);
  model_ledger_free (p->ledger);
  model_pin_table_free (p->pins);
  model_channel_registry_free (p->channels);
  model_audit_log_free (p->audit);
  model_qr_replay_cache_free (p->cache);
  if (p->status_cache != NULL)
    g_hash_table_unref (p->status_cache);
  g_free (p);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ConfPlatform, platform_free)

static gpointer
platform_reset (ConfImpl *impl, ConfImplReset *r, GError **error)
{
  g_autoptr (ConfPlatform) p = g_new0 (ConfPlatform, 1);
  JsonObject *config = r->config;
  guint8 seed[32];
  const char *limits;
  JsonArray *switches;

  if (!conf_json_get_hex_fixed (config, "platform_key_seed", seed, sizeof seed, error))
    return NULL;
  p->key = model_platform_key_from_seed (seed);
  sodium_memzero (seed, sizeof seed);
  p->trust = g_steal_pointer (&r->trust);
  if (!model_trust_list_add (p->trust, model_platform_key_public (p->key), error))
    return NULL;
  p->cards = model_card_registry_new (CONF_FAULT (impl, "iss-random-ids") ? NULL : r->seed);
  p->consents = model_consent_store_new (CONF_FAULT (impl, "consent-random-ids") ? NULL
                                                                                 : r->seed);
  p->ledger = model_ledger_new ();
  p->channels = model_channel_registry_new (NULL);
  p->audit = model_audit_log_new ();
  p->reset_now = r->now;
  p->cache = model_qr_replay_cache_new ();
  p->status_cache = conf_impl_id_table_new ();

  if (!conf_impl_get_opt_text (config, "pin_limits", "interactive", &limits, error))
    return NULL;
  if (strcmp (limits, "min") == 0)
    p->opslimit = crypto_pwhash_OPSLIMIT_MIN, p->memlimit = crypto_pwhash_MEMLIMIT_MIN;
  else if (strcmp (limits, "interactive") == 0)
    p->opslimit = crypto_pwhash_OPSLIMIT_INTERACTIVE,
    p->memlimit = crypto_pwhash_MEMLIMIT_INTERACTIVE;
  else
    return conf_impl_fail (error, MODEL_STD_MALFORMED,
                           "config 'pin_limits': expected min or interactive"), NULL;
  p->pins = model_pin_table_new (p->opslimit, p->memlimit);

  if (json_object_has_member (config, "switches"))
    {
      if (!conf_json_get_array (config, "switches", &switches, error))
        return NULL;
      for (guint i = 0; i < json_array_get_length (switches); i++)
        {
          JsonNode *n = json_array_get_element (switches, i);
          gint64 city, at;
          if (!JSON_NODE_HOLDS_OBJECT (n))
            return conf_impl_fail (error, MODEL_STD_MALFORMED,
                                   "switches[%u]: expected an object", i), NULL;
          JsonObject *o = json_node_get_object (n);
          if (!conf_impl_get_ranged (o, "city", 0, G_MAXUINT32, &city, error)
              || !conf_json_get_int (o, "switch_at", &at, error)
              || !model_ledger_set_switch (p->ledger, (guint32) city, at, error))
            return NULL;
        }
    }
  return g_steal_pointer (&p);
}

ModelStdCode
conf_impl_platform_status (const guint8 ecard_id[MODEL_ECARD_ID_LEN], gpointer user_data)
{
  ConfImpl *impl = user_data;
  ConfPlatform *p = impl->state;
  ModelStdCode code = model_card_status_fn (ecard_id, p->cards);
  ModelEcard e;
  ModelCard card;

  if (code != MODEL_STD_CARD_UNUSABLE
      || !model_card_get_ecard (p->cards, ecard_id, &e, NULL)
      || !model_card_get (p->cards, e.card_no, &card, NULL))
    return code;
  /* The faulty platforms forget the revocation that a loss or a
   * replacement of the card made. */
  if (CONF_FAULT (impl, "card-lost-keeps-ecard") && e.revoke_reason == MODEL_ECARD_REASON_CARD_LOST
      && card.status == MODEL_CARD_LOST)
    return MODEL_STD_OK;
  if (CONF_FAULT (impl, "card-replaced-keeps-ecard")
      && e.revoke_reason == MODEL_ECARD_REASON_CARD_REPLACED)
    return MODEL_STD_OK;
  return code;
}

/* ---- audit trail ------------------------------------------------------------ */

/* The operations of ESSC-STD table 9.4 (AUDIT-11), each written when
 * accepted; the refusals that also write one are in refusal_audited(). */
static const char *const audited[] = {
  "card.register", "card.transition", "card.replace", "ecard.issue", "credential.issue",
  "qr.verify", "pin.set", "pin.verify", "pin.change", "channel.apply", "channel.set_status",
  "channel.verify", "channel.risk", "consent.grant", "consent.revoke", "settlement.set_switch",
  "payment.submit", "payment.settle",
};

/* The read-only ops that audit-logs-reads records as well. */
static const char *const reads[] = {
  "id.validate", "ecard.status", "credential.verify", "channel.get", "consent.check",
  "ledger.reconcile",
};

static gboolean
listed (const char *op, const char *const *names, gsize n)
{
  for (gsize i = 0; i < n; i++)
    if (strcmp (op, names[i]) == 0)
      return TRUE;
  return FALSE;
}

/* Table 9.4's refusals that change state (ERR-2) and so are recorded: an
 * attempt on the PIN (counted, or barred by the lock; in pin.change also
 * a new PIN equal to the old, refused after the old one was verified and
 * the count reset, PIN-7), and a channel request that adds a risk event
 * (CHAN-21). */
static gboolean
refusal_audited (const char *op, JsonObject *params, const GError *error)
{
  if (strcmp (op, "pin.verify") == 0)
    return error->code == MODEL_STD_PIN_WRONG || error->code == MODEL_STD_PIN_LOCKED;
  if (strcmp (op, "pin.change") == 0)
    {
      const char *ssn, *old_pin, *new_pin;
      if (error->code == MODEL_STD_PIN_WRONG || error->code == MODEL_STD_PIN_LOCKED)
        return TRUE;
      /* pin_weak after the old PIN: new = old and the new PIN keeps the rules. */
      return error->code == MODEL_STD_PIN_WEAK
             && conf_json_get_string (params, "ssn", &ssn, NULL)
             && conf_json_get_string (params, "old_pin", &old_pin, NULL)
             && conf_json_get_string (params, "new_pin", &new_pin, NULL)
             && strcmp (old_pin, new_pin) == 0
             && model_pin_check_rules (ssn, new_pin, strlen (new_pin), NULL);
    }
  if (strcmp (op, "channel.verify") == 0)
    return error->code == MODEL_STD_BAD_SIGNATURE || error->code == MODEL_STD_REPLAYED;
  return FALSE;
}

static gboolean
writes_entry (ConfImpl *impl, const char *op, JsonObject *params, const GError *error)
{
  if (CONF_FAULT (impl, "audit-none"))
    return FALSE;
  if (CONF_FAULT (impl, "audit-logs-reads") && error == NULL
      && listed (op, reads, G_N_ELEMENTS (reads)))
    return TRUE;
  if (!listed (op, audited, G_N_ELEMENTS (audited)))
    return FALSE;
  if (error == NULL)
    return TRUE;
  return !CONF_FAULT (impl, "audit-no-refusals") && refusal_audited (op, params, error);
}

/* AUDIT-13: the op's `now`, or for an op without one (settlement.set_switch)
 * the previous entry's time (reset's `now` for the first entry), never before
 * the previous entry's time and never negative. */
static const char *const without_now[] = { "consent.grant", "settlement.set_switch" };

static gint64
entry_time (ConfImpl *impl, const char *op, JsonObject *params, const ModelAuditEntry *last)
{
  ConfPlatform *p = impl->state;
  gint64 time = 0;
  if (listed (op, without_now, G_N_ELEMENTS (without_now)))
    time = CONF_FAULT (impl, "audit-time-last-now") ? impl->last_now
           : last != NULL                           ? last->time
                                                    : p->reset_now;
  else
    conf_json_get_int (params, "now", &time, NULL);  /* read by the op: an integer */
  if (last != NULL && time < last->time)
    time = last->time;
  return MAX (time, 0);
}

static char *
audit_payload (ConfImpl *impl, JsonObject *params)
{
  g_autoptr (JsonObject) copy = json_object_new ();
  g_autoptr (GList) names = json_object_get_members (params); /* in request order */
  for (GList *l = names; l != NULL; l = l->next)
    {
      const char *name = l->data;
      JsonNode *value = json_object_get_member (params, name);
      if (!CONF_FAULT (impl, "pin-logged")
          && (strcmp (name, "pin") == 0 || strcmp (name, "old_pin") == 0
              || strcmp (name, "new_pin") == 0))
        json_object_set_string_member (copy, name, "(redacted)");
      else
        json_object_set_member (copy, name, json_node_copy (value));
    }
  g_autoptr (JsonNode) node = json_node_init_object (json_node_alloc (), copy);
  char *line = conf_json_to_line (node);
  if (strlen (line) <= MODEL_AUDIT_PAYLOAD_MAX)
    return line;
  guint8 digest[32];
  crypto_generichash (digest, sizeof digest, (const guint8 *) line, strlen (line), NULL, 0);
  g_autofree char *hex = base_hex_encode_dup (digest, sizeof digest);
  char *summary = g_strdup_printf ("{\"params_blake2b\":\"%s\",\"params_bytes\":%zu}", hex,
                                   strlen (line));
  g_free (line);
  return summary;
}

/* audit-refuse-backwards: the other reading of AUDIT-5, an op of table 9.4
 * whose `now` is before the last entry's time refused as invalid_state. */
static gboolean
platform_before_op (ConfImpl *impl, const char *op, JsonObject *params, GError **error)
{
  ConfPlatform *p = impl->state;
  gint64 now;
  guint64 n = p != NULL ? model_audit_log_length (p->audit) : 0;
  if (!CONF_FAULT (impl, "audit-refuse-backwards") || n == 0
      || !listed (op, audited, G_N_ELEMENTS (audited))
      || !conf_json_get_int (params, "now", &now, NULL)
      || now >= model_audit_log_entry (p->audit, n - 1)->time)
    return TRUE;
  return conf_impl_fail (error, MODEL_STD_INVALID_STATE,
                         "%s: now is before the last audit entry's time", op);
}

static void
platform_after_op (ConfImpl *impl, const char *op, JsonObject *params, const GError *error)
{
  ConfPlatform *p = impl->state;
  if (!writes_entry (impl, op, params, error))
    return;
  g_autofree char *payload = audit_payload (impl, params);
  g_autofree char *action = g_strdup (op);
  if (CONF_FAULT (impl, "audit-wrong-action"))
    g_strdelimit (action, ".", '_');
  guint64 n = model_audit_log_length (p->audit);
  const ModelAuditEntry *last = n > 0 ? model_audit_log_entry (p->audit, n - 1) : NULL;
  gint64 time = entry_time (impl, op, params, last);
  g_autoptr (GError) inner = NULL;
  gboolean ok;

  if (CONF_FAULT (impl, "audit-seq-from-one") || CONF_FAULT (impl, "audit-bad-hash")
      || CONF_FAULT (impl, "audit-break-chain"))
    {
      ModelAuditEntry e = {
        .seq = n + (CONF_FAULT (impl, "audit-seq-from-one") ? 1 : 0),
        .time = time,
        .actor = (char *) "platform",
        .action = action,
        .payload = (guint8 *) payload,
        .payload_len = strlen (payload),
      };
      if (last != NULL && !CONF_FAULT (impl, "audit-break-chain"))
        memcpy (e.prev_hash, last->hash, sizeof e.prev_hash);
      ModelAuditEntry hashed = e;
      if (CONF_FAULT (impl, "audit-bad-hash"))
        hashed.time = (gint64) GUINT64_SWAP_LE_BE ((guint64) time);
      model_audit_entry_hash (&hashed, e.hash);
      ok = model_audit_log_restore (p->audit, &e, &inner);
    }
  else
    ok = model_audit_log_append (p->audit, time, "platform", action, (const guint8 *) payload,
                                 strlen (payload), &inner) != NULL;
  if (!ok)
    g_warning ("audit entry for %s refused: %s", op, inner->message);
}

static gboolean
op_audit_head (ConfImpl *impl, JsonObject *params, JsonObject *result, GError **error)
{
  ConfPlatform *p = impl->state;
  ModelAuditHead head;
  model_audit_log_head (p->audit, &head);
  if (CONF_FAULT (impl, "audit-wrong-head") && head.count > 0)
    {
      if (head.count >= 2)
        memcpy (head.hash, model_audit_log_entry (p->audit, head.count - 2)->hash,
                sizeof head.hash);
      else
        memset (head.hash, 0, sizeof head.hash);
    }
  json_object_set_int_member (result, "count", (gint64) head.count);
  conf_impl_put_hex (result, "hash", head.hash, sizeof head.hash);
  return TRUE;
}

static gboolean
op_audit_entries (ConfImpl *impl, JsonObject *params, JsonObject *result, GError **error)
{
  ConfPlatform *p = impl->state;
  gint64 from, count;
  if (!conf_impl_get_ranged (params, "from", 0, G_MAXINT64, &from, error)
      || !conf_impl_get_ranged (params, "count", 0, 1000, &count, error))
    return FALSE;
  JsonArray *entries = json_array_new ();
  guint64 n = model_audit_log_length (p->audit);
  for (guint64 i = (guint64) from; i < n && i < (guint64) from + (guint64) count; i++)
    {
      const ModelAuditEntry *e = model_audit_log_entry (p->audit, i);
      JsonObject *o = json_object_new ();
      json_object_set_int_member (o, "seq", (gint64) e->seq);
      json_object_set_int_member (o, "time", e->time);
      json_object_set_string_member (o, "actor", e->actor);
      json_object_set_string_member (o, "action", e->action);
      conf_impl_put_hex (o, "payload", e->payload, e->payload_len);
      conf_impl_put_hex (o, "prev_hash", e->prev_hash, sizeof e->prev_hash);
      conf_impl_put_hex (o, "hash", e->hash, sizeof e->hash);
      json_array_add_object_element (entries, o);
    }
  json_object_set_array_member (result, "entries", entries);
  return TRUE;
}

/* ---- cards and e-cards -------------------------------------------------------- */

static gboolean
get_city (JsonObject *params, const char *member, guint32 *city, GError **error)
{
  gint64 v;
  if (!conf_impl_get_ranged (params, member, 0, G_MAXUINT32, &v, error))
    return FALSE;
  *city = (guint32) v;
  return TRUE;
}

/* card-lookup-before-form: the other reading of CARD-14 and ISS-10, a card
 * number looked up before its form is judged (an ill-formed one is then
 * not_found).  FALSE with that refusal, TRUE to go on. */
static gboolean
lookup_first (ConfImpl *impl, const char *card_no, GError **error)
{
  ConfPlatform *p = impl->state;
  ModelCard card;
  return !CONF_FAULT (impl, "card-lookup-before-form")
         || model_card_get (p->cards, card_no, &card, error);
}

static gboolean
op_card_register (ConfImpl *impl, JsonObject *params, JsonObject *result, GError **error)
{
  ConfPlatform *p = impl->state;
  const char *card_no, *ssn, *name;
  guint32 city = 0;   /* defined on every path, a getter's failure included */
  gboolean bank;
  gint64 now;
  g_autoptr (GError) inner = NULL;

  if (!conf_impl_get_text (params, "card_no", &card_no, error)
      || !conf_impl_get_text (params, "ssn", &ssn, error)
      || !conf_impl_get_text (params, "name", &name, error)
      || !get_city (params, "city", &city, error)
      || !conf_json_get_bool (params, "bank_account_active", &bank, error)
      || !conf_impl_get_now (impl, params, &now, error))
    return FALSE;
  g_autofree char *fixed = g_strdup (card_no);
  if (CONF_FAULT (impl, "card-lowercase-number") && fixed[0] >= 'a' && fixed[0] <= 'z')
    fixed[0] = (char) (fixed[0] - 'a' + 'A');
  if (model_card_register (p->cards, fixed, ssn, name, city, bank, now, &inner))
    return TRUE;
  if (inner->code == MODEL_STD_ALREADY_LINKED && CONF_FAULT (impl, "card-second-live-card"))
    return TRUE;
  g_propagate_error (error, g_steal_pointer (&inner));
  return FALSE;
}

static gboolean
op_card_transition (ConfImpl *impl, JsonObject *params, JsonObject *result, GError **error)
{
  ConfPlatform *p = impl->state;
  const char *card_no, *to;
  gint64 now;
  ModelCard card;
  ModelCardStatus target;
  gboolean ok;
  g_autoptr (GError) inner = NULL;

  if (!conf_impl_get_text (params, "card_no", &card_no, error)
      || !conf_impl_get_text (params, "to", &to, error)
      || !conf_impl_get_now (impl, params, &now, error))
    return FALSE;
  /* CARD-14 (ADAPTER 4.4): the requested status, the number's form, the card. */
  if (!model_card_status_from_name (to, &target) || target == MODEL_CARD_REPLACED)
    return conf_impl_fail (error, MODEL_STD_MALFORMED,
                           "member 'to': expected lost, normal, locked or cancelled");
  if (!lookup_first (impl, card_no, error) || !model_card_no_check (card_no, error)
      || !model_card_get (p->cards, card_no, &card, error))
    return FALSE;
  switch (target)
    {
    case MODEL_CARD_LOST:
      ok = model_card_report_lost (p->cards, card_no, now, &inner);
      break;
    case MODEL_CARD_LOCKED:
      ok = model_card_lock (p->cards, card_no, now, &inner);
      break;
    case MODEL_CARD_CANCELLED:
      ok = model_card_cancel (p->cards, card_no, now, &inner);
      break;
    default: /* normal: found after a loss, unlocked after a lock */
      if (card.status == MODEL_CARD_LOCKED)
        ok = model_card_unlock (p->cards, card_no, now, &inner);
      else
        ok = model_card_report_found (p->cards, card_no, now, &inner);
      break;
    }
  if (!ok && inner->code == MODEL_STD_INVALID_STATE
      && CONF_FAULT (impl, "card-allow-any-transition"))
    {
      json_object_set_string_member (result, "status", to);
      return TRUE;
    }
  if (!ok)
    {
      g_propagate_error (error, g_steal_pointer (&inner));
      return FALSE;
    }
  if (!model_card_get (p->cards, card_no, &card, error))
    return FALSE;
  json_object_set_string_member (result, "status", model_card_status_name (card.status));
  return TRUE;
}

static gboolean
op_card_replace (ConfImpl *impl, JsonObject *params, JsonObject *result, GError **error)
{
  ConfPlatform *p = impl->state;
  const char *card_no, *new_no;
  gint64 now;
  return conf_impl_get_text (params, "card_no", &card_no, error)
         && conf_impl_get_text (params, "new_card_no", &new_no, error)
         && conf_impl_get_now (impl, params, &now, error) && lookup_first (impl, card_no, error)
         && model_card_replace (p->cards, card_no, new_no, now, error);
}

static gboolean
get_evidence (JsonObject *params, ModelIssuanceEvidence *ev, GError **error)
{
  static const char *const names[] = { "real_name_verified", "liveness_passed",
                                       "bank_account_active", "bank_phone_verified" };
  gboolean *fields[] = { &ev->real_name_verified, &ev->liveness_passed,
                         &ev->bank_account_active, &ev->bank_phone_verified };
  JsonObject *o;
  if (!conf_json_get_object (params, "evidence", &o, error))
    return FALSE;
  /* An item not attested is missing evidence, not a malformed request. */
  for (gsize i = 0; i < G_N_ELEMENTS (names); i++)
    {
      *fields[i] = FALSE;
      if (json_object_has_member (o, names[i]) && !conf_json_get_bool (o, names[i], fields[i], error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
op_ecard_issue (ConfImpl *impl, JsonObject *params, JsonObject *result, GError **error)
{
  ConfPlatform *p = impl->state;
  const char *card_no;
  gint64 level, now;
  ModelIssuanceEvidence ev;
  guint8 pk[MODEL_DEVICE_PK_LEN];
  ModelEcard e;
  ModelCard card;
  g_autoptr (GError) inner = NULL;

  const char *pk_text;
  if (!conf_impl_get_text (params, "card_no", &card_no, error)
      || !conf_json_get_int (params, "level", &level, error)
      || !get_evidence (params, &ev, error) || !conf_impl_get_now (impl, params, &now, error)
      || !conf_impl_get_text (params, "device_pk", &pk_text, error) /* ERR-3: its type first */
      || !lookup_first (impl, card_no, error))
    return FALSE;
  if (!conf_json_get_hex_fixed (params, "device_pk", pk, sizeof pk, &inner))
    {
      /* ISS-10: an ill-formed number, an unknown card and a bad level are
       * reported first. */
      if (!model_card_no_check (card_no, error) || !model_card_get (p->cards, card_no, &card, error))
        return FALSE;
      if (level != 1 && level != 2)
        return conf_impl_fail (error, MODEL_STD_MALFORMED, "level: expected 1 or 2");
      g_propagate_error (error, g_steal_pointer (&inner));
      return FALSE;
    }
  if (CONF_FAULT (impl, "iss-any-level") && level > 2)
    level = 2;
  if (CONF_FAULT (impl, "iss-no-liveness"))
    ev.liveness_passed = TRUE;
  if (CONF_FAULT (impl, "iss-no-bank-phone"))
    ev.bank_phone_verified = TRUE;
  int lv = level < G_MININT || level > G_MAXINT ? 0 : (int) level;
  gboolean ok = model_card_issue_ecard (p->cards, card_no, lv, &ev, pk, now, &e, &inner);
  if (!ok && inner->code == MODEL_STD_ALREADY_LINKED && CONF_FAULT (impl, "iss-second-ecard")
      && model_card_get_active_ecard (p->cards, card_no, &e, NULL)
      && model_card_revoke_ecard (p->cards, e.id, now, NULL))
    {
      g_clear_error (&inner);
      ok = model_card_issue_ecard (p->cards, card_no, lv, &ev, pk, now, &e, &inner);
    }
  if (!ok)
    {
      g_propagate_error (error, g_steal_pointer (&inner));
      return FALSE;
    }
  conf_impl_put_hex (result, "ecard_id", e.id, sizeof e.id);
  return TRUE;
}

static gboolean
op_ecard_status (ConfImpl *impl, JsonObject *params, JsonObject *result, GError **error)
{
  guint8 id[MODEL_ECARD_ID_LEN];
  if (!conf_json_get_hex_fixed (params, "ecard_id", id, sizeof id, error))
    return FALSE;
  ModelStdCode code = conf_impl_platform_status (id, impl);
  if (code == MODEL_STD_OK)
    return TRUE;
  return conf_impl_fail (error, code, "ecard_id: %s", model_std_code_name (code));
}

/* ---- credentials and QR tokens ------------------------------------------------- */

/* cred-issue-revoked, cred-backdate-too-far, cred-expiry-from-issued: the
 * credential of an e-card as its records stand, with the times given,
 * signed without asking whether it is active. */
static GBytes *
sign_unchecked (ConfPlatform *p, const guint8 id[MODEL_ECARD_ID_LEN], gint64 issued_at,
                gint64 expires_at, GError **error)
{
  ModelEcard e;
  ModelCard card;
  ModelCredential cred;
  if (!model_card_get_ecard (p->cards, id, &e, error)
      || !model_card_get (p->cards, e.card_no, &card, error))
    return NULL;
  memset (&cred, 0, sizeof cred);
  cred.level = (guint8) e.level;
  memcpy (cred.ecard_id, e.id, sizeof cred.ecard_id);
  memcpy (cred.ssn, card.ssn, sizeof cred.ssn);
  memcpy (cred.name, card.name, sizeof cred.name);
  memcpy (cred.card_no, card.card_no, sizeof cred.card_no);
  cred.city = card.city;
  memcpy (cred.device_pk, e.device_pk, sizeof cred.device_pk);
  cred.issued_at = issued_at;
  cred.expires_at = expires_at;
  return model_credential_sign (&cred, p->key, error);
}

static gboolean
op_credential_issue (ConfImpl *impl, JsonObject *params, JsonObject *result, GError **error)
{
  ConfPlatform *p = impl->state;
  guint8 id[MODEL_ECARD_ID_LEN];
  gint64 now, lifetime;
  g_autoptr (GError) inner = NULL;

  /* CRED-13: the id's form, the lifetime, the e-card, its status. */
  if (!conf_json_get_hex_fixed (params, "ecard_id", id, sizeof id, error)
      || !conf_impl_get_now (impl, params, &now, error)
      || !conf_json_get_int (params, "lifetime", &lifetime, error))
    return FALSE;
  if (lifetime <= 0 || now > G_MAXINT64 - lifetime)
    return conf_impl_fail (error, MODEL_STD_MALFORMED, "lifetime: out of range");
  /* CRED-12: issued_at = now - backdate, expires_at = now + lifetime. */
  GBytes *cred = model_issuer_sign_credential_backdated (p->cards, id, p->key, now, lifetime,
                                                         impl->backdate, NULL, &inner);
  if (cred == NULL && inner->code == MODEL_STD_CARD_UNUSABLE
      && CONF_FAULT (impl, "cred-issue-revoked"))
    {
      g_clear_error (&inner);
      cred = sign_unchecked (p, id, now - impl->backdate, now + lifetime, &inner);
    }
  if (cred != NULL && now > G_MININT64 + MODEL_ISSUER_BACKDATE_MAX + 1
      && (CONF_FAULT (impl, "cred-backdate-too-far")
          || CONF_FAULT (impl, "cred-expiry-from-issued")))
    {
      /* Dated 301 s back; or backdated by the largest amount with the
       * lifetime counted from issued_at instead of now. */
      gint64 back = CONF_FAULT (impl, "cred-backdate-too-far") ? MODEL_ISSUER_BACKDATE_MAX + 1
                                                               : MODEL_ISSUER_BACKDATE_MAX;
      gint64 end = CONF_FAULT (impl, "cred-backdate-too-far") ? now + lifetime
                                                              : now - back + lifetime;
      g_bytes_unref (cred);
      cred = sign_unchecked (p, id, now - back, end, &inner);
    }
  if (cred == NULL)
    {
      g_propagate_error (error, g_steal_pointer (&inner));
      return FALSE;
    }
  gsize len;
  g_autofree guint8 *bytes = g_bytes_unref_to_data (cred, &len);
  if (CONF_FAULT (impl, "cred-wrong-encoding"))
    {
      /* The city (offset 50 + n) little-endian, and the signature over that. */
      gsize at = 50 + bytes[40];
      guint8 t = bytes[at];
      bytes[at] = bytes[at + 3], bytes[at + 3] = t;
      t = bytes[at + 1], bytes[at + 1] = bytes[at + 2], bytes[at + 2] = t;
      model_key_pair_sign (p->key, bytes, len - MODEL_CRED_SIG_LEN, bytes + len - MODEL_CRED_SIG_LEN);
    }
  conf_impl_put_hex (result, "credential", bytes, len);
  return TRUE;
}

static gboolean
op_credential_verify (ConfImpl *impl, JsonObject *params, JsonObject *result, GError **error)
{
  ConfPlatform *p = impl->state;
  return conf_impl_credential_verify (impl, params, result, p->trust, conf_impl_platform_status,
                                      impl, p->status_cache, error);
}

static gboolean
op_qr_verify (ConfImpl *impl, JsonObject *params, JsonObject *result, GError **error)
{
  ConfPlatform *p = impl->state;
  ModelQrVerifier v = { p->trust, conf_impl_platform_status, impl, p->cache };
  return conf_impl_qr_verify (impl, params, result, &v, error);
}

/* ---- the role ------------------------------------------------------------------ */

#define PLAUSIBLE_CRED \
  "\"level\":2,\"ecard_id\":\"000102030405060708090a0b0c0d0e0f\"," \
  "\"ssn\":\"11010519491231002X\",\"name\":\"ZHANG SAN\",\"card_no\":\"A00000001\"," \
  "\"city\":110100,\"device_pk\":" \
  "\"d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a\"," \
  "\"issued_at\":1590969600,\"expires_at\":1622505600,\"signer_key_id\":\"0001020304050607\""

static const ConfImplOp platform_ops[] = {
  { "id.validate", conf_impl_op_id_validate,
    "{\"region\":110105,\"region_known\":true,\"birth_date\":\"1949-12-31\",\"male\":false}" },
  { "card.register", op_card_register, "{}" },
  { "card.transition", op_card_transition, "{\"status\":\"lost\"}" },
  { "card.replace", op_card_replace, "{}" },
  { "ecard.issue", op_ecard_issue, "{\"ecard_id\":\"000102030405060708090a0b0c0d0e0f\"}" },
  { "ecard.status", op_ecard_status, "{}" },
  { "credential.issue", op_credential_issue, "{\"credential\":\"4553433101\"}" },
  { "credential.verify", op_credential_verify, "{" PLAUSIBLE_CRED "}" },
  { "qr.verify", op_qr_verify,
    "{\"purpose\":\"identity\",\"nonce\":\"000102030405060708090a0b0c0d0e0f\","
    PLAUSIBLE_CRED ",\"credential_issued_at\":1590969600}" },
  { "pin.set", conf_impl_platform_pin_set, "{}" },
  { "pin.verify", conf_impl_platform_pin_verify, "{}" },
  { "pin.change", conf_impl_platform_pin_change, "{}" },
  { "channel.apply", conf_impl_platform_channel_apply, "{}" },
  { "channel.set_status", conf_impl_platform_channel_set_status, "{}" },
  { "channel.verify", conf_impl_platform_channel_verify,
    "{\"channel_id\":\"CH000001\",\"operation\":\"card.status\"}" },
  { "channel.risk", conf_impl_platform_channel_risk, "{\"score\":0,\"status\":\"live\"}" },
  { "channel.get", conf_impl_platform_channel_get, "{\"status\":\"live\",\"score\":0}" },
  { "consent.grant", conf_impl_platform_consent_grant,
    "{\"grant_id\":\"000102030405060708090a0b0c0d0e0f\"}" },
  { "consent.revoke", conf_impl_platform_consent_revoke, "{}" },
  { "consent.check", conf_impl_platform_consent_check,
    "{\"present\":[\"personal\",\"department\",\"channel\"]}" },
  { "settlement.set_switch", conf_impl_platform_set_switch, "{}" },
  { "payment.submit", conf_impl_platform_payment_submit,
    "{\"order_id\":\"26bea4cc28a0281d6d1875bde23731ff97dcbfaf80f9ac6adbb8179d3cd8c4a1\","
    "\"route\":\"unified\",\"state\":\"accepted\",\"duplicate\":false}" },
  { "payment.settle", conf_impl_platform_payment_settle,
    "{\"state\":\"settled\",\"duplicate\":false}" },
  { "ledger.reconcile", conf_impl_platform_reconcile,
    "{\"orders\":0,\"settled\":0,\"local_fen\":0,\"unified_fen\":0}" },
  { "audit.head", op_audit_head,
    "{\"count\":0,\"hash\":\"0000000000000000000000000000000000000000000000000000000000000000\"}" },
  { "audit.entries", op_audit_entries, "{\"entries\":[]}" },
};

const ConfImplRole conf_impl_platform_role = {
  .name = "essc reference platform",
  .ops = platform_ops,
  .n_ops = G_N_ELEMENTS (platform_ops),
  .reset = platform_reset,
  .free_state = platform_free,
  .after_op = platform_after_op,
  .before_op = platform_before_op,
};
