/* SPDX-License-Identifier: MIT */
/*
 * The tables of the SQLite store, one save and one load per part of
 * ModelState.  A save deletes the part's rows and inserts the object's
 * records in the object's own order (foreach); a load reads them back in
 * stored order (cards before e-cards, the switch table before the orders)
 * and hands each to the module's restore function, which validates it.
 * Enums go in as their wire names, e-card and grant ids as lowercase hex,
 * keys and hashes as blobs; orders, postings, audit entries and consent
 * grants get a position column; sequence numbers stay plain columns, so
 * tampering loads as it is and reconcile or verify finds it.  The caller
 * (model/std/store.c) holds the transaction.
 */
#include "model/std/store_private.h"
#include "base/hex.h"

#include <sodium.h>
#include <string.h>

/* ---- cards and e-cards -------------------------------------------------- */

static void
save_card (const ModelCard *c, gpointer data)
{
  ModelStoreWriter *w = data;
  model_store_priv_bind_text (w, 1, c->card_no);
  model_store_priv_bind_text (w, 2, c->ssn);
  model_store_priv_bind_text (w, 3, c->name);
  model_store_priv_bind_int (w, 4, c->city);
  model_store_priv_bind_text (w, 5, model_card_status_name (c->status));
  model_store_priv_bind_text (w, 6, c->replaced_by);
  model_store_priv_bind_int (w, 7, c->bank_account_active != FALSE);
  model_store_priv_bind_int (w, 8, c->status_changed_at);
  model_store_priv_row_done (w);
}

static void
save_ecard (const ModelEcard *e, gpointer data)
{
  ModelStoreWriter *w = data;
  model_store_priv_bind_hex16 (w, 1, e->id);
  model_store_priv_bind_text (w, 2, e->card_no);
  model_store_priv_bind_int (w, 3, e->level);
  model_store_priv_bind_text (w, 4, model_ecard_status_name (e->status));
  model_store_priv_bind_int (w, 5, e->issued_at);
  model_store_priv_bind_int (w, 6, e->revoked_at);
  model_store_priv_bind_text (w, 7, model_ecard_reason_name (e->revoke_reason));
  model_store_priv_bind_blob (w, 8, e->device_pk, sizeof e->device_pk);
  model_store_priv_row_done (w);
}

gboolean
model_store_priv_save_cards (ModelStore *s, ModelCardRegistry *cards, GError **error)
{
  ModelStoreWriter w;
  if (!model_store_priv_writer_begin (
          &w, s, "card", "INSERT INTO card VALUES (?,?,?,?,?,?,?,?)", error))
    return FALSE;
  model_card_foreach (cards, save_card, &w);
  if (!model_store_priv_writer_end (&w, error)
      || !model_store_priv_writer_begin (
          &w, s, "ecard", "INSERT INTO ecard VALUES (?,?,?,?,?,?,?,?)", error))
    return FALSE;
  model_card_foreach_ecard (cards, save_ecard, &w);
  return model_store_priv_writer_end (&w, error);
}

static gboolean
load_card (ModelStoreReader *r, gpointer cards)
{
  ModelCard c = { 0 };
  const char *status;
  GError *e = NULL;
  model_store_priv_set_key (r, "card_no", 0);
  if (!model_store_priv_get_text (r, 0, "card_no", c.card_no, sizeof c.card_no)
      || !model_store_priv_get_text (r, 1, "ssn", c.ssn, sizeof c.ssn)
      || !model_store_priv_get_text (r, 2, "name", c.name, sizeof c.name)
      || !model_store_priv_get_u32 (r, 3, "city", &c.city)
      || (status = model_store_priv_get_name (r, 4, "status")) == NULL
      || !model_store_priv_get_text (r, 5, "replaced_by", c.replaced_by,
                                     sizeof c.replaced_by)
      || !model_store_priv_get_bool (r, 6, "bank_account_active",
                                     &c.bank_account_active)
      || !model_store_priv_get_i64 (r, 7, "status_changed_at", &c.status_changed_at))
    return FALSE;
  if (!model_card_status_from_name (status, &c.status))
    return model_store_priv_bad_name (r, "status", status, "a card status");
  return model_card_restore (cards, &c, r->now, &e) || model_store_priv_refused (r, e);
}

static gboolean
load_ecard (ModelStoreReader *r, gpointer cards)
{
  ModelEcard c = { 0 };
  const char *status, *reason;
  GError *e = NULL;
  model_store_priv_set_key (r, "id", 0);
  if (!model_store_priv_get_hex16 (r, 0, "id", c.id)
      || !model_store_priv_get_text (r, 1, "card_no", c.card_no, sizeof c.card_no)
      || !model_store_priv_get_i32 (r, 2, "level", &c.level)
      || (status = model_store_priv_get_name (r, 3, "status")) == NULL
      || !model_store_priv_get_i64 (r, 4, "issued_at", &c.issued_at)
      || !model_store_priv_get_i64 (r, 5, "revoked_at", &c.revoked_at)
      || (reason = model_store_priv_get_name (r, 6, "revoke_reason")) == NULL
      || !model_store_priv_get_blob (r, 7, "device_pk", c.device_pk,
                                     sizeof c.device_pk))
    return FALSE;
  if (!model_ecard_status_from_name (status, &c.status))
    return model_store_priv_bad_name (r, "status", status, "an e-card status");
  if (!model_ecard_reason_from_name (reason, &c.revoke_reason))
    return model_store_priv_bad_name (r, "revoke_reason", reason,
                                      "a revocation reason");
  return model_card_restore_ecard (cards, &c, &e) || model_store_priv_refused (r, e);
}

gboolean
model_store_priv_load_cards (ModelStore *s, ModelCardRegistry *cards, gint64 now,
                             GError **error)
{
  return model_store_priv_load_table (s, "card", "SELECT * FROM card ORDER BY card_no",
                                      load_card, cards, now, error)
         && model_store_priv_load_table (s, "ecard", "SELECT * FROM ecard ORDER BY id",
                                         load_ecard, cards, now, error);
}

/* ---- PINs --------------------------------------------------------------- */

static void
save_pin (const ModelPinRecord *p, gpointer data)
{
  ModelStoreWriter *w = data;
  model_store_priv_bind_text (w, 1, p->ssn);
  model_store_priv_bind_text (w, 2, p->hash);
  model_store_priv_bind_int (w, 3, p->failures);
  model_store_priv_bind_int (w, 4, p->locked_until);
  model_store_priv_row_done (w);
}

gboolean
model_store_priv_save_pins (ModelStore *s, ModelPinTable *pins, GError **error)
{
  ModelStoreWriter w;
  if (!model_store_priv_writer_begin (&w, s, "pin", "INSERT INTO pin VALUES (?,?,?,?)",
                                      error))
    return FALSE;
  model_pin_foreach (pins, save_pin, &w);
  return model_store_priv_writer_end (&w, error);
}

static gboolean
load_pin (ModelStoreReader *r, gpointer pins)
{
  ModelPinRecord p = { 0 };
  GError *e = NULL;
  guint32 failures;
  model_store_priv_set_key (r, "ssn", 0);
  if (!model_store_priv_get_text (r, 0, "ssn", p.ssn, sizeof p.ssn)
      || !model_store_priv_get_text (r, 1, "hash", p.hash, sizeof p.hash)
      || !model_store_priv_get_u32 (r, 2, "failures", &failures)
      || !model_store_priv_get_i64 (r, 3, "locked_until", &p.locked_until))
    return FALSE;
  p.failures = failures;
  gboolean ok
      = model_pin_restore (pins, &p, r->now, &e) || model_store_priv_refused (r, e);
  sodium_memzero (&p, sizeof p);
  return ok;
}

gboolean
model_store_priv_load_pins (ModelStore *s, ModelPinTable *pins, gint64 now,
                            GError **error)
{
  return model_store_priv_load_table (s, "pin", "SELECT * FROM pin ORDER BY ssn",
                                      load_pin, pins, now, error);
}

/* ---- channels ----------------------------------------------------------- */

static void
save_channel (const ModelChannel *c, gpointer data)
{
  ModelStoreWriter *w = data;
  model_store_priv_bind_text (w, 1, c->id);
  model_store_priv_bind_text (w, 2, c->name);
  model_store_priv_bind_text (w, 3, model_channel_class_name (c->klass));
  model_store_priv_bind_int (w, 4, c->tier);
  model_store_priv_bind_text (w, 5, c->parent_id);
  model_store_priv_bind_text (w, 6, model_channel_status_name (c->status));
  model_store_priv_bind_blob (w, 7, c->public_key, sizeof c->public_key);
  model_store_priv_bind_real (w, 8, c->risk_score);
  model_store_priv_bind_int (w, 9, c->risk_updated_at);
  model_store_priv_bind_int (w, 10, c->status_changed_at);
  model_store_priv_row_done (w);
}

gboolean
model_store_priv_save_channels (ModelStore *s, ModelChannelRegistry *channels,
                                GError **error)
{
  ModelStoreWriter w;
  if (!model_store_priv_writer_begin (
          &w, s, "channel", "INSERT INTO channel VALUES (?,?,?,?,?,?,?,?,?,?)", error))
    return FALSE;
  model_channel_registry_foreach (channels, save_channel, &w);
  return model_store_priv_writer_end (&w, error);
}

static gboolean
load_channel (ModelStoreReader *r, gpointer channels)
{
  ModelChannel c = { 0 };
  const char *klass, *status;
  GError *e = NULL;
  model_store_priv_set_key (r, "id", 0);
  if (!model_store_priv_get_text (r, 0, "id", c.id, sizeof c.id)
      || !model_store_priv_get_text (r, 1, "name", c.name, sizeof c.name)
      || (klass = model_store_priv_get_name (r, 2, "class")) == NULL
      || !model_store_priv_get_i32 (r, 3, "tier", &c.tier)
      || !model_store_priv_get_text (r, 4, "parent_id", c.parent_id, sizeof c.parent_id)
      || (status = model_store_priv_get_name (r, 5, "status")) == NULL
      || !model_store_priv_get_blob (r, 6, "public_key", c.public_key,
                                     sizeof c.public_key)
      || !model_store_priv_get_real (r, 7, "risk_score", &c.risk_score)
      || !model_store_priv_get_i64 (r, 8, "risk_updated_at", &c.risk_updated_at)
      || !model_store_priv_get_i64 (r, 9, "status_changed_at", &c.status_changed_at))
    return FALSE;
  if (!model_channel_class_from_name (klass, &c.klass))
    return model_store_priv_bad_name (r, "class", klass, "a channel class");
  if (!model_channel_status_from_name (status, &c.status))
    return model_store_priv_bad_name (r, "status", status, "a channel status");
  return model_channel_registry_restore (channels, &c, &e)
         || model_store_priv_refused (r, e);
}

gboolean
model_store_priv_load_channels (ModelStore *s, ModelChannelRegistry *channels,
                                GError **error)
{
  return model_store_priv_load_table (s, "channel", "SELECT * FROM channel ORDER BY id",
                                      load_channel, channels, 0, error);
}

/* ---- consents (grant order kept) ---------------------------------------- */

static void
save_grant (const ModelConsentGrant *g, gpointer data)
{
  ModelStoreWriter *w = data;
  g_autofree char *scopes = model_consent_scopes_to_string (g->scopes);
  model_store_priv_bind_int (w, 1, w->n);
  model_store_priv_bind_hex16 (w, 2, g->grant_id);
  model_store_priv_bind_text (w, 3, model_consent_kind_name (g->kind));
  model_store_priv_bind_text (w, 4, g->ssn);
  model_store_priv_bind_text (w, 5, g->channel_id);
  model_store_priv_bind_text (w, 6, g->department_id);
  model_store_priv_bind_text (w, 7, scopes);
  model_store_priv_bind_int (w, 8, g->not_before);
  model_store_priv_bind_int (w, 9, g->expires_at);
  model_store_priv_bind_int (w, 10, g->revoked != FALSE);
  model_store_priv_bind_int (w, 11, g->revoked_at);
  model_store_priv_row_done (w);
}

gboolean
model_store_priv_save_consents (ModelStore *s, ModelConsentStore *consents,
                                GError **error)
{
  ModelStoreWriter w;
  if (!model_store_priv_writer_begin (
          &w, s, "consent_grant",
          "INSERT INTO consent_grant VALUES (?,?,?,?,?,?,?,?,?,?,?)", error))
    return FALSE;
  model_consent_store_foreach (consents, save_grant, &w);
  return model_store_priv_writer_end (&w, error);
}

static gboolean
load_grant (ModelStoreReader *r, gpointer consents)
{
  ModelConsentGrant g = { 0 };
  const char *kind, *scopes;
  GError *e = NULL;
  model_store_priv_set_key (r, "grant_id", 1);
  if (!model_store_priv_get_hex16 (r, 1, "grant_id", g.grant_id)
      || (kind = model_store_priv_get_name (r, 2, "kind")) == NULL
      || !model_store_priv_get_text (r, 3, "ssn", g.ssn, sizeof g.ssn)
      || !model_store_priv_get_text (r, 4, "channel_id", g.channel_id,
                                     sizeof g.channel_id)
      || !model_store_priv_get_text (r, 5, "department_id", g.department_id,
                                     sizeof g.department_id)
      || (scopes = model_store_priv_col_text (r, 6, "scopes", 256)) == NULL
      || !model_store_priv_get_i64 (r, 7, "not_before", &g.not_before)
      || !model_store_priv_get_i64 (r, 8, "expires_at", &g.expires_at)
      || !model_store_priv_get_bool (r, 9, "revoked", &g.revoked)
      || !model_store_priv_get_i64 (r, 10, "revoked_at", &g.revoked_at))
    return FALSE;
  if (!model_consent_kind_from_name (kind, &g.kind))
    return model_store_priv_bad_name (r, "kind", kind, "a consent kind");
  if (!model_consent_scopes_parse (scopes, &g.scopes, &e))
    return model_store_priv_refused (r, e);
  return model_consent_store_restore (consents, &g, &e)
         || model_store_priv_refused (r, e);
}

gboolean
model_store_priv_load_consents (ModelStore *s, ModelConsentStore *consents,
                                GError **error)
{
  return model_store_priv_load_table (s, "consent_grant",
                                      "SELECT * FROM consent_grant ORDER BY pos",
                                      load_grant, consents, 0, error);
}

/* ---- ledger: switch table, orders, postings ----------------------------- */

static const char *
side_name (ModelEntrySide side)
{
  return side == MODEL_ENTRY_DEBIT    ? "debit"
         : side == MODEL_ENTRY_CREDIT ? "credit"
                                      : "invalid";
}

static gboolean
save_switch (guint32 city, gint64 switch_at, gpointer data)
{
  ModelStoreWriter *w = data;
  model_store_priv_bind_int (w, 1, city);
  model_store_priv_bind_int (w, 2, switch_at);
  return model_store_priv_row_done (w);
}

static gboolean
save_order (const ModelPaymentOrder *o, gpointer data)
{
  ModelStoreWriter *w = data;
  model_store_priv_bind_int (w, 1, w->n);
  model_store_priv_bind_text (w, 2, o->order_id);
  model_store_priv_bind_text (w, 3, o->channel_id);
  model_store_priv_bind_text (w, 4, o->idempotency_key);
  model_store_priv_bind_hex16 (w, 5, o->ecard_id);
  model_store_priv_bind_int (w, 6, o->city);
  model_store_priv_bind_text (w, 7, o->payee);
  model_store_priv_bind_int (w, 8, o->amount_fen);
  model_store_priv_bind_text (w, 9, o->currency);
  model_store_priv_bind_int (w, 10, o->created_at);
  model_store_priv_bind_text (w, 11, model_route_name (o->route));
  model_store_priv_bind_text (w, 12, model_order_state_name (o->state));
  model_store_priv_bind_text (w, 13, model_std_code_name (o->failure));
  model_store_priv_bind_int (w, 14, o->settled_at);
  return model_store_priv_row_done (w);
}

static gboolean
save_posting (const ModelPosting *p, gpointer data)
{
  ModelStoreWriter *w = data;
  model_store_priv_bind_int (w, 1, w->n);
  model_store_priv_bind_int (w, 2, (gint64) p->seq);
  model_store_priv_bind_text (w, 3, p->order_id);
  model_store_priv_bind_int (w, 4, p->line);
  model_store_priv_bind_text (w, 5, side_name (p->side));
  model_store_priv_bind_text (w, 6, p->account);
  model_store_priv_bind_int (w, 7, p->amount_fen);
  model_store_priv_bind_int (w, 8, p->posted_at);
  return model_store_priv_row_done (w);
}

gboolean
model_store_priv_save_ledger (ModelStore *s, ModelLedger *ledger, GError **error)
{
  ModelStoreWriter w;
  if (!model_store_priv_writer_begin (&w, s, "settlement_switch",
                                      "INSERT INTO settlement_switch VALUES (?,?)",
                                      error))
    return FALSE;
  model_ledger_foreach_switch (ledger, save_switch, &w);
  if (!model_store_priv_writer_end (&w, error)
      || !model_store_priv_writer_begin (&w, s, "payment_order",
                                         "INSERT INTO payment_order "
                                         "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                                         error))
    return FALSE;
  model_ledger_foreach_order (ledger, save_order, &w);
  if (!model_store_priv_writer_end (&w, error)
      || !model_store_priv_writer_begin (
          &w, s, "posting", "INSERT INTO posting VALUES (?,?,?,?,?,?,?,?)", error))
    return FALSE;
  model_ledger_foreach_posting (ledger, save_posting, &w);
  return model_store_priv_writer_end (&w, error);
}

static gboolean
load_switch (ModelStoreReader *r, gpointer ledger)
{
  guint32 city;
  gint64 at;
  GError *e = NULL;
  model_store_priv_set_key (r, "city", 0);
  if (!model_store_priv_get_u32 (r, 0, "city", &city)
      || !model_store_priv_get_i64 (r, 1, "switch_at", &at))
    return FALSE;
  return model_ledger_set_switch (ledger, city, at, &e)
         || model_store_priv_refused (r, e);
}

static gboolean
load_order (ModelStoreReader *r, gpointer ledger)
{
  ModelPaymentOrder o = { 0 };
  const char *route, *state, *failure;
  GError *e = NULL;
  model_store_priv_set_key (r, "order_id", 1);
  if (!model_store_priv_get_text (r, 1, "order_id", o.order_id, sizeof o.order_id)
      || !model_store_priv_get_text (r, 2, "channel_id", o.channel_id,
                                     sizeof o.channel_id)
      || !model_store_priv_get_text (r, 3, "idempotency_key", o.idempotency_key,
                                     sizeof o.idempotency_key)
      || !model_store_priv_get_hex16 (r, 4, "ecard_id", o.ecard_id)
      || !model_store_priv_get_u32 (r, 5, "city", &o.city)
      || !model_store_priv_get_text (r, 6, "payee", o.payee, sizeof o.payee)
      || !model_store_priv_get_i64 (r, 7, "amount_fen", &o.amount_fen)
      || !model_store_priv_get_text (r, 8, "currency", o.currency, sizeof o.currency)
      || !model_store_priv_get_i64 (r, 9, "created_at", &o.created_at)
      || (route = model_store_priv_get_name (r, 10, "route")) == NULL
      || (state = model_store_priv_get_name (r, 11, "state")) == NULL
      || (failure = model_store_priv_get_name (r, 12, "failure")) == NULL
      || !model_store_priv_get_i64 (r, 13, "settled_at", &o.settled_at))
    return FALSE;
  if (!model_route_from_name (route, &o.route))
    return model_store_priv_bad_name (r, "route", route, "a settlement route");
  if (!model_order_state_from_name (state, &o.state))
    return model_store_priv_bad_name (r, "state", state, "an order state");
  if (!model_std_code_from_name (failure, &o.failure))
    return model_store_priv_bad_name (r, "failure", failure, "an error code");
  return model_ledger_restore_order (ledger, &o, &e) || model_store_priv_refused (r, e);
}

static gboolean
load_posting (ModelStoreReader *r, gpointer ledger)
{
  ModelPosting p = { 0 };
  gint64 seq;
  const char *side;
  GError *e = NULL;
  model_store_priv_set_pos_key (r);
  if (!model_store_priv_get_i64 (r, 1, "seq", &seq)
      || !model_store_priv_get_text (r, 2, "order_id", p.order_id, sizeof p.order_id)
      || !model_store_priv_get_u32 (r, 3, "line", &p.line)
      || (side = model_store_priv_get_name (r, 4, "side")) == NULL
      || !model_store_priv_get_text (r, 5, "account", p.account, sizeof p.account)
      || !model_store_priv_get_i64 (r, 6, "amount_fen", &p.amount_fen)
      || !model_store_priv_get_i64 (r, 7, "posted_at", &p.posted_at))
    return FALSE;
  p.seq = (guint64) seq;
  if (strcmp (side, "debit") == 0)
    p.side = MODEL_ENTRY_DEBIT;
  else if (strcmp (side, "credit") == 0)
    p.side = MODEL_ENTRY_CREDIT;
  else
    return model_store_priv_bad_name (r, "side", side,
                                      "an entry side (debit or credit)");
  return model_ledger_restore_posting (ledger, &p, &e)
         || model_store_priv_refused (r, e);
}

gboolean
model_store_priv_load_ledger (ModelStore *s, ModelLedger *ledger, GError **error)
{
  return model_store_priv_load_table (s, "settlement_switch",
                                      "SELECT * FROM settlement_switch ORDER BY city",
                                      load_switch, ledger, 0, error)
         && model_store_priv_load_table (s, "payment_order",
                                         "SELECT * FROM payment_order ORDER BY pos",
                                         load_order, ledger, 0, error)
         && model_store_priv_load_table (s, "posting",
                                         "SELECT * FROM posting ORDER BY pos",
                                         load_posting, ledger, 0, error);
}

/* ---- audit log (journal order kept) ------------------------------------- */

static gboolean
save_entry (const ModelAuditEntry *a, gpointer data)
{
  ModelStoreWriter *w = data;
  model_store_priv_bind_int (w, 1, w->n);
  model_store_priv_bind_int (w, 2, (gint64) a->seq);
  model_store_priv_bind_int (w, 3, a->time);
  model_store_priv_bind_text (w, 4, a->actor);
  model_store_priv_bind_text (w, 5, a->action);
  model_store_priv_bind_blob (w, 6, a->payload, a->payload_len);
  model_store_priv_bind_blob (w, 7, a->prev_hash, sizeof a->prev_hash);
  model_store_priv_bind_blob (w, 8, a->hash, sizeof a->hash);
  return model_store_priv_row_done (w);
}

gboolean
model_store_priv_save_audit (ModelStore *s, ModelAuditLog *audit, GError **error)
{
  ModelStoreWriter w;
  if (!model_store_priv_writer_begin (
          &w, s, "audit_entry", "INSERT INTO audit_entry VALUES (?,?,?,?,?,?,?,?)",
          error))
    return FALSE;
  model_audit_log_foreach (audit, save_entry, &w);
  return model_store_priv_writer_end (&w, error);
}

static gboolean
load_entry (ModelStoreReader *r, gpointer audit)
{
  ModelAuditEntry a = { 0 };
  gint64 seq;
  GError *e = NULL;
  model_store_priv_set_pos_key (r);
  if (!model_store_priv_get_i64 (r, 1, "seq", &seq)
      || !model_store_priv_get_i64 (r, 2, "time", &a.time)
      || (a.actor
          = (char *) model_store_priv_col_text (r, 3, "actor", MODEL_AUDIT_ACTOR_MAX))
             == NULL
      || (a.action
          = (char *) model_store_priv_col_text (r, 4, "action", MODEL_AUDIT_ACTION_MAX))
             == NULL
      || !model_store_priv_get_blob (r, 6, "prev_hash", a.prev_hash, sizeof a.prev_hash)
      || !model_store_priv_get_blob (r, 7, "hash", a.hash, sizeof a.hash))
    return FALSE;
  a.seq = (guint64) seq;
  if (sqlite3_column_type (r->st, 5) != SQLITE_BLOB)
    return model_store_priv_row_fail (r, "payload: expected a blob");
  a.payload = (guint8 *) sqlite3_column_blob (r->st, 5);
  a.payload_len = (gsize) sqlite3_column_bytes (r->st, 5);
  if (a.payload_len > MODEL_AUDIT_PAYLOAD_MAX)
    return model_store_priv_row_fail (r, "payload: %zu bytes, expected at most %d",
                                      a.payload_len, MODEL_AUDIT_PAYLOAD_MAX);
  if (a.payload_len == 0)
    a.payload = NULL;
  else if (a.payload == NULL)
    return model_store_priv_row_fail (r, "payload: out of memory");
  return model_audit_log_restore (audit, &a, &e) || model_store_priv_refused (r, e);
}

gboolean
model_store_priv_load_audit (ModelStore *s, ModelAuditLog *audit, GError **error)
{
  return model_store_priv_load_table (s, "audit_entry",
                                      "SELECT * FROM audit_entry ORDER BY pos",
                                      load_entry, audit, 0, error);
}

/* ---- trust list (public keys only) -------------------------------------- */

static void
save_key (const guint8 key_id[MODEL_KEY_ID_LEN],
          const guint8 public_key[MODEL_CRED_PK_LEN], gpointer data)
{
  ModelStoreWriter *w = data;
  char hex[2 * MODEL_KEY_ID_LEN + 1];
  base_hex_encode (key_id, MODEL_KEY_ID_LEN, hex);
  model_store_priv_bind_text (w, 1, hex);
  model_store_priv_bind_blob (w, 2, public_key, MODEL_CRED_PK_LEN);
  model_store_priv_row_done (w);
}

gboolean
model_store_priv_save_trust (ModelStore *s, ModelTrustList *trust, GError **error)
{
  ModelStoreWriter w;
  if (!model_store_priv_writer_begin (&w, s, "trusted_key",
                                      "INSERT INTO trusted_key VALUES (?,?)", error))
    return FALSE;
  model_trust_list_foreach (trust, save_key, &w);
  return model_store_priv_writer_end (&w, error);
}

static gboolean
load_key (ModelStoreReader *r, gpointer trust)
{
  char stored[2 * MODEL_KEY_ID_LEN + 1], want[2 * MODEL_KEY_ID_LEN + 1];
  guint8 pk[MODEL_CRED_PK_LEN], id[MODEL_KEY_ID_LEN];
  GError *e = NULL;
  model_store_priv_set_key (r, "key_id", 0);
  if (!model_store_priv_get_text (r, 0, "key_id", stored, sizeof stored)
      || !model_store_priv_get_blob (r, 1, "public_key", pk, sizeof pk))
    return FALSE;
  model_key_id (pk, sizeof pk, id);
  base_hex_encode (id, sizeof id, want);
  if (strcmp (stored, want) != 0)
    return model_store_priv_row_fail (
        r, "key_id: not the key id of public_key (expected %s)", want);
  return model_trust_list_add (trust, pk, &e) || model_store_priv_refused (r, e);
}

gboolean
model_store_priv_load_trust (ModelStore *s, ModelTrustList *trust, GError **error)
{
  return model_store_priv_load_table (s, "trusted_key",
                                      "SELECT * FROM trusted_key ORDER BY key_id",
                                      load_key, trust, 0, error);
}
