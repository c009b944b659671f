/* SPDX-License-Identifier: MIT */
/*
 * The reference platform's ops on channels (registry, request verification,
 * risk), consent and settlement (routing table, payment orders, reconcile):
 * the second half of the platform role, whose table and state are in
 * impl_platform.c and impl_platform.h.  Each op calls the model/std/ function of
 * the same name; the faults of sections 6 to 8 bend its answer here.
 */
#include "conformance/impl_platform.h"

#include "conformance/json.h"

#include <math.h>
#include <sodium.h>
#include <string.h>

static gboolean
get_channel_id (JsonObject *params, const char *member, const char **out, GError **error)
{
  return conf_impl_get_text (params, member, out, error)
         && model_channel_id_check (*out, member, error);
}

/* ---- channels --------------------------------------------------------------- */

gboolean
conf_impl_platform_channel_apply (ConfImpl *impl, JsonObject *params, JsonObject *result,
                                  GError **error)
{
  ConfPlatform *p = impl->state;
  const char *id, *name, *klass_name, *parent;
  gint64 tier, now;
  guint8 pk[MODEL_CHANNEL_PK_LEN];
  ModelChannelClass klass;

  if (!conf_impl_get_text (params, "channel_id", &id, error)
      || !conf_impl_get_text (params, "name", &name, error)
      || !conf_impl_get_text (params, "class", &klass_name, error)
      || !conf_json_get_int (params, "tier", &tier, error)
      || !conf_impl_get_opt_text (params, "parent_id", "", &parent, error)
      || !conf_json_get_hex_fixed (params, "public_key", pk, sizeof pk, error)
      || !conf_impl_get_now (impl, params, &now, error))
    return FALSE;
  if (!model_channel_class_from_name (klass_name, &klass))
    return conf_impl_fail (error, MODEL_STD_MALFORMED, "member 'class': not a channel class");
  if (tier != 1 && tier != 2)
    return conf_impl_fail (error, MODEL_STD_MALFORMED, "member 'tier': expected 1 or 2");
  return model_channel_registry_apply (p->channels, id, name, klass, (int) tier, parent, pk, now,
                                       error);
}

gboolean
conf_impl_platform_channel_set_status (ConfImpl *impl, JsonObject *params, JsonObject *result,
                                       GError **error)
{
  ConfPlatform *p = impl->state;
  const char *id, *status;
  gint64 now;
  ModelChannelStatus to;
  g_autoptr (GError) inner = NULL;

  if (!conf_impl_get_text (params, "channel_id", &id, error)
      || !conf_impl_get_text (params, "status", &status, error)
      || !conf_impl_get_now (impl, params, &now, error))
    return FALSE;
  if (!model_channel_status_from_name (status, &to))
    return conf_impl_fail (error, MODEL_STD_MALFORMED, "member 'status': not a channel status");
  if (model_channel_registry_set_status (p->channels, id, to, now, &inner))
    return TRUE;
  if (inner->code == MODEL_STD_INVALID_STATE && CONF_FAULT (impl, "chan-allow-any-transition"))
    return TRUE;
  g_propagate_error (error, g_steal_pointer (&inner));
  return FALSE;
}

/* TRUE when the request's signatures verify under the registered keys
 * (chan-skip-body-hash tells a failed body hash from a failed signature). */
static gboolean
signatures_hold (ConfPlatform *p, const ModelChannelRequest *req)
{
  ModelChannel ch, parent;
  g_autoptr (GBytes) tbs = model_channel_request_signing_bytes (req);
  if (!model_channel_registry_lookup (p->channels, req->channel_id, &ch, NULL)
      || crypto_sign_verify_detached (req->signature, g_bytes_get_data (tbs, NULL),
                                      g_bytes_get_size (tbs), ch.public_key) != 0)
    return FALSE;
  if (req->relay_id[0] == '\0')
    return TRUE;
  g_autoptr (GByteArray) counter = g_byte_array_new ();
  g_byte_array_append (counter, g_bytes_get_data (tbs, NULL), g_bytes_get_size (tbs));
  g_byte_array_append (counter, req->signature, sizeof req->signature);
  return model_channel_registry_lookup (p->channels, req->relay_id, &parent, NULL)
         && crypto_sign_verify_detached (req->relay_signature, counter->data, counter->len,
                                         parent.public_key) == 0;
}

gboolean
conf_impl_platform_channel_verify (ConfImpl *impl, JsonObject *params, JsonObject *result,
                                   GError **error)
{
  ConfPlatform *p = impl->state;
  const char *body;
  gint64 now;
  ModelChannelRequest req;
  g_autoptr (GError) inner = NULL;

  g_autoptr (GBytes) wire = conf_json_get_hex (params, "wire", error);
  if (wire == NULL || !conf_impl_get_text (params, "body", &body, error)
      || !conf_impl_get_now (impl, params, &now, error)
      || !model_channel_request_decode (g_bytes_get_data (wire, NULL), g_bytes_get_size (wire),
                                        &req, error))
    return FALSE;
  gsize body_len = strlen (body);
  gboolean ok = model_channel_registry_verify (p->channels, &req, (const guint8 *) body,
                                               body_len, now, &inner);
  if (!ok)
    {
      ModelStdCode code = (ModelStdCode) inner->code;
      if ((code == MODEL_STD_EXPIRED || code == MODEL_STD_NOT_YET_VALID)
          && CONF_FAULT (impl, "chan-no-clock-window"))
        {
          g_clear_error (&inner);
          ok = model_channel_registry_verify (p->channels, &req, (const guint8 *) body, body_len,
                                              req.timestamp, &inner);
        }
      else
        ok = (code == MODEL_STD_CHANNEL_NOT_LIVE && CONF_FAULT (impl, "chan-ignore-status"))
             || (code == MODEL_STD_CHANNEL_TIER && CONF_FAULT (impl, "chan-accept-unrelayed"))
             || (code == MODEL_STD_REPLAYED && CONF_FAULT (impl, "chan-no-replay"))
             || (code == MODEL_STD_BAD_SIGNATURE && CONF_FAULT (impl, "chan-skip-body-hash")
                 && signatures_hold (p, &req));
    }
  if (!ok)
    {
      g_propagate_error (error, g_steal_pointer (&inner));
      return FALSE;
    }
  json_object_set_string_member (result, "channel_id", req.channel_id);
  json_object_set_string_member (result, "operation", req.operation);
  return TRUE;
}

/* The status and the score at now (CHAN-29: a JSON number, the value of
 * CHAN-17 at now). */
static gboolean
put_channel (ConfImpl *impl, const char *id, gint64 now, JsonObject *result, GError **error)
{
  ConfPlatform *p = impl->state;
  ModelChannel ch;
  double score;
  if (!model_channel_registry_lookup (p->channels, id, &ch, error)
      || !model_channel_registry_risk_score (p->channels, id, now, &score, error))
    return FALSE;
  if (CONF_FAULT (impl, "risk-bogus-score"))
    /* the other reading of the precision: millionths, as an integer */
    json_object_set_int_member (result, "score", (gint64) llround (score * 1e6));
  else
    json_object_set_double_member (result, "score", score);
  json_object_set_string_member (result, "status", model_channel_status_name (ch.status));
  return TRUE;
}

gboolean
conf_impl_platform_channel_risk (ConfImpl *impl, JsonObject *params, JsonObject *result,
                                 GError **error)
{
  ConfPlatform *p = impl->state;
  const char *id, *event;
  gint64 now;
  ModelChannelRisk risk;
  ModelChannel before;
  ModelChannelStatus after;

  if (!get_channel_id (params, "channel_id", &id, error)
      || !conf_impl_get_text (params, "event", &event, error)
      || !conf_impl_get_now (impl, params, &now, error))
    return FALSE;
  if (!model_channel_risk_from_name (event, &risk))
    return conf_impl_fail (error, MODEL_STD_MALFORMED, "member 'event': not a risk event");
  if (!model_channel_registry_lookup (p->channels, id, &before, error)
      || !model_channel_registry_record_risk (p->channels, id, risk, now, &after, error))
    return FALSE;
  /* chan-risk-no-action: whatever the rules did is undone at once. */
  if (after != before.status && CONF_FAULT (impl, "chan-risk-no-action")
      && !model_channel_registry_set_status (p->channels, id, MODEL_CHANNEL_LIVE, now, error))
    return FALSE;
  /* chan-rectify-before-suspend: CHAN-19 decides first, so a live channel
   * that crosses both thresholds at once ends under rectification. */
  if (before.status == MODEL_CHANNEL_LIVE && after == MODEL_CHANNEL_SUSPENDED
      && CONF_FAULT (impl, "chan-rectify-before-suspend")
      && (!model_channel_registry_set_status (p->channels, id, MODEL_CHANNEL_LIVE, now, error)
          || !model_channel_registry_set_status (p->channels, id, MODEL_CHANNEL_RECTIFICATION,
                                                 now, error)))
    return FALSE;
  return put_channel (impl, id, now, result, error);
}

gboolean
conf_impl_platform_channel_get (ConfImpl *impl, JsonObject *params, JsonObject *result,
                                GError **error)
{
  const char *id;
  gint64 now;
  return conf_impl_get_text (params, "channel_id", &id, error)
         && conf_impl_get_now (impl, params, &now, error)
         && put_channel (impl, id, now, result, error);
}

/* consent-registry, pay-registry: a platform that looks the channel id of a
 * consent operation or a submission up in its channel registry, which
 * CONSENT-15 and PAY-18 say it does not (not_found for one it lacks). */
static gboolean
registry_knows (ConfImpl *impl, const char *fault, JsonObject *params, GError **error)
{
  ConfPlatform *p = impl->state;
  const char *id;
  ModelChannel ch;
  if (!CONF_FAULT (impl, fault) || !json_object_has_member (params, "channel_id")
      || !conf_json_get_string (params, "channel_id", &id, NULL)
      || !model_channel_id_check (id, "channel_id", NULL)
      || model_channel_registry_lookup (p->channels, id, &ch, NULL))
    return TRUE;
  return conf_impl_fail (error, MODEL_STD_NOT_FOUND, "channel_id: %s is not registered", id);
}

/* ---- consent ------------------------------------------------------------------ */

gboolean
conf_impl_platform_consent_grant (ConfImpl *impl, JsonObject *params, JsonObject *result,
                                  GError **error)
{
  ConfPlatform *p = impl->state;
  return registry_knows (impl, "consent-registry", params, error)
         && conf_impl_consent_grant (impl, p->consents, params, result, error);
}

gboolean
conf_impl_platform_consent_revoke (ConfImpl *impl, JsonObject *params, JsonObject *result,
                                   GError **error)
{
  ConfPlatform *p = impl->state;
  return conf_impl_consent_revoke (impl, p->consents, params, result, error);
}

gboolean
conf_impl_platform_consent_check (ConfImpl *impl, JsonObject *params, JsonObject *result,
                                  GError **error)
{
  ConfPlatform *p = impl->state;
  const char *channel;
  return conf_impl_get_text (params, "channel_id", &channel, error)
         && registry_knows (impl, "consent-registry", params, error)
         && conf_impl_consent_check (impl, p->consents, channel, params, result, error);
}

/* ---- settlement -------------------------------------------------------------- */

gboolean
conf_impl_platform_set_switch (ConfImpl *impl, JsonObject *params, JsonObject *result,
                               GError **error)
{
  ConfPlatform *p = impl->state;
  gint64 city, at;
  g_autoptr (GError) inner = NULL;
  if (!conf_impl_get_ranged (params, "city", 0, G_MAXUINT32, &city, error)
      || !conf_json_get_int (params, "switch_at", &at, error))
    return FALSE;
  if (model_ledger_set_switch (p->ledger, (guint32) city, at, &inner))
    return TRUE;
  if (inner->code == MODEL_STD_INVALID_STATE && CONF_FAULT (impl, "pay-switch-moves-orders"))
    return TRUE;
  g_propagate_error (error, g_steal_pointer (&inner));
  return FALSE;
}

static ModelStdCode
status_ok (const guint8 ecard_id[16], gpointer user_data)
{
  return MODEL_STD_OK;
}

gboolean
conf_impl_platform_payment_submit (ConfImpl *impl, JsonObject *params, JsonObject *result,
                                   GError **error)
{
  ConfPlatform *p = impl->state;
  ModelPaymentRequest req;
  gint64 city, amount, now;
  ModelStdCode outcome = MODEL_STD_INTERNAL;
  ModelEcard e;
  g_autoptr (GError) inner = NULL;

  memset (&req, 0, sizeof req);
  if (!conf_impl_get_text (params, "channel_id", &req.channel_id, error)
      || !conf_impl_get_text (params, "idempotency_key", &req.idempotency_key, error)
      || !conf_json_get_hex_fixed (params, "ecard_id", req.ecard_id, sizeof req.ecard_id, error)
      || !conf_impl_get_ranged (params, "city", 0, G_MAXUINT32, &city, error)
      || !conf_impl_get_text (params, "payee", &req.payee, error)
      || !conf_json_get_int (params, "amount_fen", &amount, error)
      || !conf_impl_get_text (params, "currency", &req.currency, error)
      || !conf_json_get_bool (params, "pin_verified", &req.pin_verified, error)
      || !conf_impl_get_now (impl, params, &now, error))
    return FALSE;
  if (!registry_knows (impl, "pay-registry", params, error))
    return FALSE;
  req.city = (guint32) city;
  req.amount_fen = amount;
  /* The level is the platform's own record; an unknown e-card is refused
   * by the status feed before its level matters. */
  req.ecard_level = model_card_get_ecard (p->cards, req.ecard_id, &e, NULL) ? e.level : 1;
  ModelStatusFn status = conf_impl_platform_status;
  if (CONF_FAULT (impl, "pay-no-pin-check"))
    req.pin_verified = TRUE;
  if (CONF_FAULT (impl, "pay-no-level-check"))
    req.ecard_level = 2;
  if (CONF_FAULT (impl, "pay-skip-status"))
    status = status_ok;

  const ModelPaymentOrder *order = model_ledger_submit (p->ledger, &req, now, status, impl,
                                                        &outcome, &inner);
  if (order == NULL && inner->code == MODEL_STD_CONFLICT
      && CONF_FAULT (impl, "pay-ignore-conflict"))
    {
      char id[MODEL_LEDGER_ORDER_ID_LEN + 1];
      if (model_ledger_order_id (req.channel_id, req.idempotency_key, id, NULL)
          && (order = model_ledger_lookup (p->ledger, id)) != NULL)
        outcome = MODEL_STD_DUPLICATE;
    }
  if (order != NULL && outcome == MODEL_STD_DUPLICATE && CONF_FAULT (impl, "pay-no-idempotency"))
    {
      /* A new key for the repeat: a second order for the same payment. */
      g_autofree char *key = g_strdup_printf ("%.48s#%u", req.idempotency_key, ++p->extra_orders);
      req.idempotency_key = key;
      order = model_ledger_submit (p->ledger, &req, now, status, impl, &outcome, NULL);
      if (order == NULL)
        return conf_impl_fail (error, MODEL_STD_INTERNAL, "second order refused");
    }
  if (order == NULL)
    {
      g_propagate_error (error, g_steal_pointer (&inner));
      return FALSE;
    }
  ModelRoute route = order->route;
  if (CONF_FAULT (impl, "pay-route-off-by-one") && route == MODEL_ROUTE_UNIFIED
      && order->created_at == model_ledger_get_switch (p->ledger, order->city))
    route = MODEL_ROUTE_LOCAL;
  json_object_set_string_member (result, "order_id", order->order_id);
  json_object_set_string_member (result, "route", model_route_name (route));
  json_object_set_string_member (result, "state", model_order_state_name (order->state));
  json_object_set_boolean_member (result, "duplicate", outcome == MODEL_STD_DUPLICATE);
  return TRUE;
}

gboolean
conf_impl_platform_payment_settle (ConfImpl *impl, JsonObject *params, JsonObject *result,
                                   GError **error)
{
  ConfPlatform *p = impl->state;
  const char *order_id;
  gint64 now;
  ModelStdCode outcome = MODEL_STD_INTERNAL;

  if (!conf_impl_get_text (params, "order_id", &order_id, error)
      || !conf_impl_get_now (impl, params, &now, error))
    return FALSE;
  const ModelPaymentOrder *known = model_ledger_lookup (p->ledger, order_id);
  if (CONF_FAULT (impl, "pay-settle-time-first") && known != NULL && now < known->created_at)
    return conf_impl_fail (error, MODEL_STD_INVALID_STATE, "now: before the order's creation");
  if (!model_ledger_settle (p->ledger, order_id, now, &outcome, error))
    return FALSE;
  const ModelPaymentOrder *order = model_ledger_lookup (p->ledger, order_id);
  gboolean duplicate = outcome == MODEL_STD_DUPLICATE && !CONF_FAULT (impl, "pay-settle-twice");
  json_object_set_string_member (result, "state", model_order_state_name (order->state));
  json_object_set_boolean_member (result, "duplicate", duplicate);
  return TRUE;
}

typedef struct {
  const ModelLedger *ledger;
  gint64 fen[3];
} BySettleTime;

static gboolean
by_settle_time (const ModelPaymentOrder *order, gpointer user_data)
{
  BySettleTime *b = user_data;
  if (order->state == MODEL_ORDER_SETTLED)
    b->fen[model_ledger_route_for (b->ledger, order->city, order->settled_at)] += order->amount_fen;
  return TRUE;
}

gboolean
conf_impl_platform_reconcile (ConfImpl *impl, JsonObject *params, JsonObject *result,
                              GError **error)
{
  ConfPlatform *p = impl->state;
  ModelLedgerReport report;
  gboolean allow = TRUE;
  /* PAY-15's option, allow_accepted (optional, default true: orders still
   * accepted are awaiting settlement, not a discrepancy) */
  if (json_object_has_member (params, "allow_accepted")
      && !conf_json_get_bool (params, "allow_accepted", &allow, error))
    return FALSE;
  if (CONF_FAULT (impl, "pay-reconcile-ignores-option"))
    allow = TRUE;
  if (!model_ledger_reconcile (p->ledger, allow, &report, error))
    return FALSE;
  gint64 local = report.settled_fen[MODEL_ROUTE_LOCAL];
  gint64 unified = report.settled_fen[MODEL_ROUTE_UNIFIED];
  if (CONF_FAULT (impl, "pay-route-by-settle-time"))
    {
      BySettleTime b = { p->ledger, { 0, 0, 0 } };
      model_ledger_foreach_order (p->ledger, by_settle_time, &b);
      local = b.fen[MODEL_ROUTE_LOCAL], unified = b.fen[MODEL_ROUTE_UNIFIED];
    }
  json_object_set_int_member (result, "orders", (gint64) report.n_orders);
  json_object_set_int_member (result, "settled", (gint64) report.n_settled);
  json_object_set_int_member (result, "local_fen", local);
  json_object_set_int_member (result, "unified_fen", unified);
  return TRUE;
}
