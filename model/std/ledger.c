/* SPDX-License-Identifier: MIT */
/*
 * Payment orders, settlement routing and the double-entry journal (ESSC-STD
 * section 8): names, field checks, the routing table, submission, settlement
 * and failure.  Orders live in an array in submission order, indexed by order
 * id in a hash table; the journal is an array of fixed-size ModelPosting
 * records, four per settled order (struct in model/std/ledger_private.h).
 * Submission and settlement keep the invariants (one order per idempotency
 * key, one transaction per settled order, route fixed at creation);
 * model_ledger_reconcile, in model/std/ledger_book.c with the store's
 * foreach/restore, re-derives them from the records, so restored (possibly
 * tampered) data is checked the same way.  Workload: a few million orders
 * per simulated day at most; everything is O(1) per operation except
 * reconciliation (O(n log n)) and re-scheduling a city's switch (O(orders)).
 */
#include "model/std/ledger.h"

#include <sodium.h>
#include <string.h>

#include "base/hex.h"
#include "model/std/common.h"
#include "model/std/ledger_private.h"

G_DEFINE_QUARK (model-ledger-error-quark, model_ledger_error)

#define fail(error, code, ...) base_fail ((error), MODEL_LEDGER_ERROR, (code), __VA_ARGS__)

#define ORDER_ID_DOMAIN "ESSC-STD-LEDGER-ORDER-ID-1"

/* ---- names -------------------------------------------------------------- */

/* Indexed by enum value; both enums start at 1. */
static const char *const route_names[] = {
  [MODEL_ROUTE_LOCAL] = "local", [MODEL_ROUTE_UNIFIED] = "unified",
};
static const char *const state_names[] = {
  [MODEL_ORDER_ACCEPTED] = "accepted", [MODEL_ORDER_SETTLED] = "settled",
  [MODEL_ORDER_FAILED] = "failed",
};

BASE_DEFINE_NAMES (model_route, ModelRoute, route_names, "invalid")
BASE_DEFINE_NAMES (model_order_state, ModelOrderState, state_names, "invalid")

/* ---- field checks ------------------------------------------------------- */

/* Printable ASCII without space, 0x21..0x7e, 1..max bytes. */
gboolean
model_ledger_priv_check_text (const char *s, gsize max, const char *field,
                              GError **error)
{
  gsize at = 0;
  switch (base_text_check_ascii (s, max, &at))
    {
    case BASE_TEXT_OK:
      return TRUE;
    case BASE_TEXT_TOO_LONG:
      return fail (error, MODEL_STD_MALFORMED, "%s: longer than %zu characters", field, max);
    case BASE_TEXT_BAD_BYTE:
      return fail (error, MODEL_STD_MALFORMED,
                   "%s: byte 0x%02x at offset %zu, expected printable ASCII 0x21..0x7e",
                   field, (guchar) s[at], at);
    default:
      return fail (error, MODEL_STD_MALFORMED,
                   "%s: empty, expected 1..%zu printable ASCII characters", field, max);
    }
}

gboolean
model_ledger_priv_check_city (guint32 city, GError **error)
{
  if (city < 100000 || city > 999999)
    {
      g_set_error (error, MODEL_LEDGER_ERROR, MODEL_STD_MALFORMED,
                   "city: %u, expected a six-digit code 100000..999999", city);
      return FALSE;
    }
  return TRUE;
}

gboolean
model_ledger_priv_check_amount (gint64 amount, GError **error)
{
  if (amount < 1 || amount > MODEL_LEDGER_AMOUNT_MAX)
    {
      g_set_error (error, MODEL_LEDGER_ERROR, MODEL_STD_MALFORMED,
                   "amount_fen: %" G_GINT64_FORMAT ", expected 1..%"
                   G_GINT64_FORMAT, amount, MODEL_LEDGER_AMOUNT_MAX);
      return FALSE;
    }
  return TRUE;
}

gboolean
model_ledger_priv_check_currency (const char *currency, GError **error)
{
  if (g_strcmp0 (currency, "CNY") != 0)
    {
      g_set_error (error, MODEL_LEDGER_ERROR, MODEL_STD_MALFORMED,
                   "currency: expected \"CNY\"");
      return FALSE;
    }
  return TRUE;
}

gboolean
model_ledger_priv_check_time (gint64 t, const char *field, GError **error)
{
  if (t <= 0)
    {
      g_set_error (error, MODEL_LEDGER_ERROR, MODEL_STD_MALFORMED,
                   "%s: %" G_GINT64_FORMAT ", expected Unix seconds > 0",
                   field, t);
      return FALSE;
    }
  return TRUE;
}

/* ---- new / free --------------------------------------------------------- */

ModelLedger *
model_ledger_new (void)
{
  ModelLedger *l = g_new0 (ModelLedger, 1);
  l->switches = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL,
                                       g_free);
  l->orders = g_ptr_array_new_with_free_func (g_free);
  l->by_id = g_hash_table_new (g_str_hash, g_str_equal);
  l->journal = g_array_new (FALSE, TRUE, sizeof (ModelPosting));
  return l;
}

void
model_ledger_free (ModelLedger *ledger)
{
  if (ledger == NULL)
    return;
  g_hash_table_unref (ledger->switches);
  g_hash_table_unref (ledger->by_id);
  g_ptr_array_unref (ledger->orders);
  g_array_unref (ledger->journal);
  g_free (ledger);
}

/* ---- routing table ------------------------------------------------------ */

gint64
model_ledger_get_switch (const ModelLedger *ledger, guint32 city)
{
  g_return_val_if_fail (ledger != NULL, 0);
  const gint64 *t = g_hash_table_lookup (ledger->switches,
                                         GUINT_TO_POINTER (city));
  return t != NULL ? *t : 0;
}

static ModelRoute
route_with (gint64 switch_at, gint64 created_at)
{
  return switch_at != 0 && created_at >= switch_at ? MODEL_ROUTE_UNIFIED
                                                   : MODEL_ROUTE_LOCAL;
}

ModelRoute
model_ledger_route_for (const ModelLedger *ledger, guint32 city,
                        gint64 created_at)
{
  return route_with (model_ledger_get_switch (ledger, city), created_at);
}

gboolean
model_ledger_set_switch (ModelLedger *ledger, guint32 city, gint64 switch_at,
                         GError **error)
{
  g_return_val_if_fail (ledger != NULL, FALSE);
  if (!model_ledger_priv_check_city (city, error))
    return FALSE;
  if (switch_at < 0)
    {
      g_set_error (error, MODEL_LEDGER_ERROR, MODEL_STD_MALFORMED,
                   "switch_at: %" G_GINT64_FORMAT ", expected Unix seconds "
                   ">= 0 (0: never switched)", switch_at);
      return FALSE;
    }
  for (guint i = 0; i < ledger->orders->len; i++)
    {
      const ModelPaymentOrder *o = g_ptr_array_index (ledger->orders, i);
      if (o->city == city && route_with (switch_at, o->created_at) != o->route)
        {
          g_set_error (error, MODEL_LEDGER_ERROR, MODEL_STD_INVALID_STATE,
                       "city %u: switch time %" G_GINT64_FORMAT " would move "
                       "order %s (created %" G_GINT64_FORMAT ") off route %s",
                       city, switch_at, o->order_id, o->created_at,
                       model_route_name (o->route));
          return FALSE;
        }
    }
  if (switch_at == 0)
    g_hash_table_remove (ledger->switches, GUINT_TO_POINTER (city));
  else
    g_hash_table_insert (ledger->switches, GUINT_TO_POINTER (city),
                         g_memdup2 (&switch_at, sizeof switch_at));
  return TRUE;
}

static gint
cmp_city (gconstpointer a, gconstpointer b)
{
  guint32 x = *(const guint32 *) a, y = *(const guint32 *) b;
  return x < y ? -1 : x > y;
}

gboolean
model_ledger_foreach_switch (const ModelLedger *ledger, ModelLedgerSwitchFn fn,
                             gpointer user_data)
{
  g_return_val_if_fail (ledger != NULL && fn != NULL, FALSE);
  g_autoptr (GArray) cities = g_array_new (FALSE, FALSE, sizeof (guint32));
  GHashTableIter it;
  gpointer key;
  g_hash_table_iter_init (&it, ledger->switches);
  while (g_hash_table_iter_next (&it, &key, NULL))
    {
      guint32 city = GPOINTER_TO_UINT (key);
      g_array_append_val (cities, city);
    }
  g_array_sort (cities, cmp_city);
  for (guint i = 0; i < cities->len; i++)
    {
      guint32 city = g_array_index (cities, guint32, i);
      if (!fn (city, model_ledger_get_switch (ledger, city), user_data))
        return FALSE;
    }
  return TRUE;
}

/* ---- orders ------------------------------------------------------------- */

gboolean
model_ledger_order_id (const char *channel_id, const char *idempotency_key,
                       char out[MODEL_LEDGER_ORDER_ID_LEN + 1], GError **error)
{
  g_return_val_if_fail (out != NULL, FALSE);
  if (!model_ledger_priv_check_text (channel_id, MODEL_LEDGER_CHANNEL_MAX,
                                     "channel_id", error)
      || !model_ledger_priv_check_text (idempotency_key, MODEL_LEDGER_KEY_MAX,
                                        "idempotency_key", error))
    return FALSE;
  guint8 c = (guint8) strlen (channel_id), k = (guint8) strlen (idempotency_key);
  guint8 h[32];
  crypto_generichash_state st;
  crypto_generichash_init (&st, NULL, 0, sizeof h);
  crypto_generichash_update (&st, (const guint8 *) ORDER_ID_DOMAIN,
                             strlen (ORDER_ID_DOMAIN));
  crypto_generichash_update (&st, &c, 1);
  crypto_generichash_update (&st, (const guint8 *) channel_id, c);
  crypto_generichash_update (&st, &k, 1);
  crypto_generichash_update (&st, (const guint8 *) idempotency_key, k);
  crypto_generichash_final (&st, h, sizeof h);
  base_hex_encode (h, sizeof h, out);
  return TRUE;
}

static gboolean
same_content (const ModelPaymentOrder *o, const ModelPaymentRequest *r)
{
  return memcmp (o->ecard_id, r->ecard_id, MODEL_ECARD_ID_LEN) == 0
         && o->city == r->city && strcmp (o->payee, r->payee) == 0
         && o->amount_fen == r->amount_fen
         && strcmp (o->currency, r->currency) == 0;
}

ModelPaymentOrder *
model_ledger_priv_find (const ModelLedger *ledger, const char *order_id)
{
  return order_id != NULL ? g_hash_table_lookup (ledger->by_id, order_id)
                          : NULL;
}

void
model_ledger_priv_insert_order (ModelLedger *ledger, ModelPaymentOrder *o)
{
  g_ptr_array_add (ledger->orders, o);
  g_hash_table_insert (ledger->by_id, o->order_id, o);
}

const ModelPaymentOrder *
model_ledger_submit (ModelLedger *ledger, const ModelPaymentRequest *req,
                     gint64 now, ModelStatusFn status_fn, gpointer status_data,
                     ModelStdCode *outcome, GError **error)
{
  g_return_val_if_fail (ledger != NULL && req != NULL, NULL);
  g_return_val_if_fail (status_fn != NULL, NULL);
  char id[MODEL_LEDGER_ORDER_ID_LEN + 1];

  if (!model_ledger_order_id (req->channel_id, req->idempotency_key, id, error)
      || !model_ledger_priv_check_city (req->city, error)
      || !model_ledger_priv_check_text (req->payee, MODEL_LEDGER_PAYEE_MAX,
                                        "payee", error)
      || !model_ledger_priv_check_amount (req->amount_fen, error)
      || !model_ledger_priv_check_currency (req->currency, error)
      || !model_ledger_priv_check_time (now, "now", error))
    return NULL;
  if (req->ecard_level != 1 && req->ecard_level != 2)
    {
      g_set_error (error, MODEL_LEDGER_ERROR, MODEL_STD_MALFORMED,
                   "ecard_level: %d, expected 1 or 2", req->ecard_level);
      return NULL;
    }

  const ModelPaymentOrder *old = model_ledger_priv_find (ledger, id);
  if (old != NULL)
    {
      if (!same_content (old, req))
        {
          g_set_error (error, MODEL_LEDGER_ERROR, MODEL_STD_CONFLICT,
                       "idempotency_key \"%s\" of channel \"%s\" already used "
                       "for order %s with different content",
                       req->idempotency_key, req->channel_id, id);
          return NULL;
        }
      if (outcome != NULL)
        *outcome = MODEL_STD_DUPLICATE;
      return old;
    }

  ModelStdCode st = status_fn (req->ecard_id, status_data);
  if (st != MODEL_STD_OK)
    {
      char hex[33];
      model_ecard_id_to_hex (req->ecard_id, hex);
      g_set_error (error, MODEL_LEDGER_ERROR, st,
                   "e-card %s may not pay: status %s", hex,
                   model_std_code_name (st));
      return NULL;
    }
  if (req->ecard_level != 2)
    {
      g_set_error (error, MODEL_LEDGER_ERROR, MODEL_STD_LEVEL_REQUIRED,
                   "ecard_level: 1, payment needs a level-2 e-card");
      return NULL;
    }
  if (!req->pin_verified)
    {
      g_set_error (error, MODEL_LEDGER_ERROR, MODEL_STD_PIN_REQUIRED,
                   "payment needs the e-card PIN verified");
      return NULL;
    }

  ModelPaymentOrder *o = g_new0 (ModelPaymentOrder, 1);
  memcpy (o->order_id, id, sizeof id);
  g_strlcpy (o->channel_id, req->channel_id, sizeof o->channel_id);
  g_strlcpy (o->idempotency_key, req->idempotency_key,
             sizeof o->idempotency_key);
  memcpy (o->ecard_id, req->ecard_id, MODEL_ECARD_ID_LEN);
  o->city = req->city;
  g_strlcpy (o->payee, req->payee, sizeof o->payee);
  o->amount_fen = req->amount_fen;
  g_strlcpy (o->currency, "CNY", sizeof o->currency);
  o->created_at = now;
  o->route = model_ledger_route_for (ledger, req->city, now);
  o->state = MODEL_ORDER_ACCEPTED;
  o->failure = MODEL_STD_OK;
  o->settled_at = 0;
  model_ledger_priv_insert_order (ledger, o);
  if (outcome != NULL)
    *outcome = MODEL_STD_OK;
  return o;
}

/* The account that line (0..3) of order o names; PAY-11 and PAY-14. */
void
model_ledger_priv_line_account (const ModelPaymentOrder *o, guint line,
                                char out[MODEL_LEDGER_ACCOUNT_MAX + 1])
{
  char hex[33];
  switch (line)
    {
    case 0:
      model_ecard_id_to_hex (o->ecard_id, hex);
      g_snprintf (out, MODEL_LEDGER_ACCOUNT_MAX + 1, "payer:%s", hex);
      break;
    case 1:
    case 2:
      if (o->route == MODEL_ROUTE_UNIFIED)
        g_strlcpy (out, "clearing:unified", MODEL_LEDGER_ACCOUNT_MAX + 1);
      else
        g_snprintf (out, MODEL_LEDGER_ACCOUNT_MAX + 1, "clearing:local:%06u",
                    o->city);
      break;
    default:
      g_snprintf (out, MODEL_LEDGER_ACCOUNT_MAX + 1, "payee:%s", o->payee);
      break;
    }
}

ModelEntrySide
model_ledger_priv_line_side (guint line)
{
  return line % 2 == 0 ? MODEL_ENTRY_DEBIT : MODEL_ENTRY_CREDIT;
}

static ModelPaymentOrder *
find_or_fail (ModelLedger *ledger, const char *order_id, GError **error)
{
  ModelPaymentOrder *o = model_ledger_priv_find (ledger, order_id);
  if (o == NULL)
    g_set_error (error, MODEL_LEDGER_ERROR, MODEL_STD_NOT_FOUND,
                 "order_id: no order \"%s\"", order_id ? order_id : "(null)");
  return o;
}

gboolean
model_ledger_settle (ModelLedger *ledger, const char *order_id, gint64 now,
                     ModelStdCode *outcome, GError **error)
{
  g_return_val_if_fail (ledger != NULL, FALSE);
  ModelPaymentOrder *o = find_or_fail (ledger, order_id, error);
  if (o == NULL)
    return FALSE;
  if (o->state == MODEL_ORDER_SETTLED)
    {
      if (outcome != NULL)
        *outcome = MODEL_STD_DUPLICATE;
      return TRUE;
    }
  if (o->state != MODEL_ORDER_ACCEPTED)
    {
      g_set_error (error, MODEL_LEDGER_ERROR, MODEL_STD_INVALID_STATE,
                   "order %s is %s and cannot settle", o->order_id,
                   model_order_state_name (o->state));
      return FALSE;
    }
  if (now < o->created_at)
    {
      g_set_error (error, MODEL_LEDGER_ERROR, MODEL_STD_INVALID_STATE,
                   "now: %" G_GINT64_FORMAT " is before the order's creation "
                   "at %" G_GINT64_FORMAT, now, o->created_at);
      return FALSE;
    }
  for (guint line = 0; line < MODEL_LEDGER_LINES; line++)
    {
      ModelPosting p = { 0 };
      p.seq = ledger->journal->len;
      memcpy (p.order_id, o->order_id, sizeof p.order_id);
      p.line = line;
      p.side = model_ledger_priv_line_side (line);
      model_ledger_priv_line_account (o, line, p.account);
      p.amount_fen = o->amount_fen;
      p.posted_at = now;
      g_array_append_val (ledger->journal, p);
    }
  o->state = MODEL_ORDER_SETTLED;
  o->settled_at = now;
  if (outcome != NULL)
    *outcome = MODEL_STD_OK;
  return TRUE;
}

gboolean
model_ledger_fail (ModelLedger *ledger, const char *order_id, gint64 now,
                   ModelStdCode reason, ModelStdCode *outcome, GError **error)
{
  g_return_val_if_fail (ledger != NULL, FALSE);
  g_return_val_if_fail (reason != MODEL_STD_OK && reason < MODEL_STD_N_CODES,
                        FALSE);
  ModelPaymentOrder *o = find_or_fail (ledger, order_id, error);
  if (o == NULL)
    return FALSE;
  if (o->state == MODEL_ORDER_FAILED)
    {
      if (outcome != NULL)
        *outcome = MODEL_STD_DUPLICATE;
      return TRUE;
    }
  if (o->state != MODEL_ORDER_ACCEPTED || now < o->created_at)
    {
      g_set_error (error, MODEL_LEDGER_ERROR, MODEL_STD_INVALID_STATE,
                   "order %s is %s and cannot fail at %" G_GINT64_FORMAT,
                   o->order_id, model_order_state_name (o->state), now);
      return FALSE;
    }
  o->state = MODEL_ORDER_FAILED;
  o->failure = reason;
  o->settled_at = now;
  if (outcome != NULL)
    *outcome = MODEL_STD_OK;
  return TRUE;
}

const ModelPaymentOrder *
model_ledger_lookup (const ModelLedger *ledger, const char *order_id)
{
  g_return_val_if_fail (ledger != NULL, NULL);
  return model_ledger_priv_find (ledger, order_id);
}

guint64
model_ledger_n_orders (const ModelLedger *ledger)
{
  g_return_val_if_fail (ledger != NULL, 0);
  return ledger->orders->len;
}

guint64
model_ledger_n_postings (const ModelLedger *ledger)
{
  g_return_val_if_fail (ledger != NULL, 0);
  return ledger->journal->len;
}
