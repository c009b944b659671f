/* SPDX-License-Identifier: MIT */
/*
 * The ledger's book-keeping half (prototypes in model/std/ledger.h, the ledger
 * struct in model/std/ledger_private.h): reconciliation, which re-derives every
 * invariant of ESSC-STD 8.5 from the records alone (journal positions
 * consecutive from 0, every posting's order known, each order on the route
 * its city's switch time gives, one balanced four-line transaction per
 * settled order and none for any other, journal totals balanced), and the
 * store's foreach/restore, which validate each record's fields but leave the
 * cross-record checks to reconciliation, so restored (possibly tampered) data
 * is judged the same way as live data.  Submission and settlement are in
 * model/std/ledger.c.  Reconciliation is O(n log n) in the journal; the rest is
 * O(1) per record.
 */
#include "model/std/ledger.h"

#include <string.h>

#include "base/hex.h"
#include "model/std/ledger_private.h"

/* ---- reconciliation ----------------------------------------------------- */

static gint
cmp_seq (gconstpointer a, gconstpointer b)
{
  const ModelPosting *x = *(const ModelPosting *const *) a;
  const ModelPosting *y = *(const ModelPosting *const *) b;
  return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static gboolean
add_fen (gint64 *sum, gint64 amount, GError **error)
{
  if (*sum > G_MAXINT64 - amount)
    {
      g_set_error (error, MODEL_LEDGER_ERROR, MODEL_STD_INTERNAL,
                   "totals overflow 64 bits");
      return FALSE;
    }
  *sum += amount;
  return TRUE;
}

/* The checks of one SETTLED order against its postings (in seq order). */
static gboolean
check_transaction (const ModelPaymentOrder *o, GPtrArray *lines,
                   GError **error)
{
  const ModelPosting *by_line[MODEL_LEDGER_LINES] = { NULL };
  for (guint i = 0; lines != NULL && i < lines->len; i++)
    {
      const ModelPosting *p = g_ptr_array_index (lines, i);
      if (by_line[p->line] != NULL)
        {
          g_set_error (error, MODEL_LEDGER_ERROR, MODEL_STD_DUPLICATE,
                       "order %s settled more than once: line %u posted at "
                       "seq %" G_GUINT64_FORMAT " and %" G_GUINT64_FORMAT,
                       o->order_id, p->line, by_line[p->line]->seq, p->seq);
          return FALSE;
        }
      by_line[p->line] = p;
    }
  gint64 debit = 0, credit = 0;
  for (guint line = 0; line < MODEL_LEDGER_LINES; line++)
    {
      const ModelPosting *p = by_line[line];
      if (p == NULL)
        {
          g_set_error (error, MODEL_LEDGER_ERROR, MODEL_STD_INVALID_STATE,
                       "order %s is settled but its line %u is missing",
                       o->order_id, line);
          return FALSE;
        }
      *(p->side == MODEL_ENTRY_DEBIT ? &debit : &credit) += p->amount_fen;
    }
  if (debit != credit)
    {
      g_set_error (error, MODEL_LEDGER_ERROR, MODEL_STD_CONFLICT,
                   "transaction of order %s does not balance: debits %"
                   G_GINT64_FORMAT " fen, credits %" G_GINT64_FORMAT " fen",
                   o->order_id, debit, credit);
      return FALSE;
    }
  for (guint line = 0; line < MODEL_LEDGER_LINES; line++)
    {
      const ModelPosting *p = by_line[line];
      char want[MODEL_LEDGER_ACCOUNT_MAX + 1];
      model_ledger_priv_line_account (o, line, want);
      const char *what = NULL;
      if (p->side != model_ledger_priv_line_side (line))
        what = "side";
      else if (strcmp (p->account, want) != 0)
        what = "account";
      else if (p->amount_fen != o->amount_fen)
        what = "amount_fen";
      else if (p->posted_at != o->settled_at)
        what = "posted_at";
      if (what != NULL)
        {
          g_set_error (error, MODEL_LEDGER_ERROR, MODEL_STD_CONFLICT,
                       "order %s line %u (seq %" G_GUINT64_FORMAT "): %s "
                       "differs from the order (expected %s %s, %"
                       G_GINT64_FORMAT " fen at %" G_GINT64_FORMAT ")",
                       o->order_id, line, p->seq, what,
                       model_ledger_priv_line_side (line) == MODEL_ENTRY_DEBIT
                         ? "debit" : "credit",
                       want, o->amount_fen, o->settled_at);
          return FALSE;
        }
    }
  return TRUE;
}

gboolean
model_ledger_reconcile (const ModelLedger *ledger, gboolean allow_pending,
                        ModelLedgerReport *report, GError **error)
{
  g_return_val_if_fail (ledger != NULL, FALSE);
  ModelLedgerReport r = { 0 };
  r.n_orders = ledger->orders->len;
  r.n_postings = ledger->journal->len;

  /* Steps 1-2 of ESSC-STD 8.5: positions 0..n-1, each once; then every
   * posting's order exists. */
  g_autoptr (GPtrArray) sorted = g_ptr_array_sized_new (ledger->journal->len);
  for (guint i = 0; i < ledger->journal->len; i++)
    g_ptr_array_add (sorted, &g_array_index (ledger->journal, ModelPosting, i));
  g_ptr_array_sort (sorted, cmp_seq);
  g_autoptr (GHashTable) groups = g_hash_table_new_full (
      g_str_hash, g_str_equal, NULL, (GDestroyNotify) g_ptr_array_unref);
  for (guint i = 0; i < sorted->len; i++)
    {
      const ModelPosting *p = g_ptr_array_index (sorted, i);
      if (p->seq != i)
        {
          g_set_error (error, MODEL_LEDGER_ERROR, MODEL_STD_MALFORMED,
                       "journal: posting seq %" G_GUINT64_FORMAT " found where "
                       "seq %u was expected (a posting is missing or "
                       "repeated)", p->seq, i);
          return FALSE;
        }
    }
  for (guint i = 0; i < sorted->len; i++)
    {
      const ModelPosting *p = g_ptr_array_index (sorted, i);
      if (model_ledger_priv_find (ledger, p->order_id) == NULL)
        {
          g_set_error (error, MODEL_LEDGER_ERROR, MODEL_STD_NOT_FOUND,
                       "journal: posting seq %" G_GUINT64_FORMAT " names order "
                       "%s, which does not exist", p->seq, p->order_id);
          return FALSE;
        }
      GPtrArray *g = g_hash_table_lookup (groups, p->order_id);
      if (g == NULL)
        {
          g = g_ptr_array_new ();
          g_hash_table_insert (groups, (gpointer) p->order_id, g);
        }
      g_ptr_array_add (g, (gpointer) p);
      if (!add_fen (p->side == MODEL_ENTRY_DEBIT ? &r.total_debit_fen
                                                 : &r.total_credit_fen,
                    p->amount_fen, error))
        return FALSE;
    }

  /* Steps 3-9, order by order: route, postings for the state, lines. */
  for (guint i = 0; i < ledger->orders->len; i++)
    {
      const ModelPaymentOrder *o = g_ptr_array_index (ledger->orders, i);
      ModelRoute want = model_ledger_route_for (ledger, o->city, o->created_at);
      if (o->route != want)
        {
          g_set_error (error, MODEL_LEDGER_ERROR, MODEL_STD_CONFLICT,
                       "order %s: route %s, but city %06u created at %"
                       G_GINT64_FORMAT " routes %s", o->order_id,
                       model_route_name (o->route), o->city, o->created_at,
                       model_route_name (want));
          return FALSE;
        }
      GPtrArray *lines = g_hash_table_lookup (groups, o->order_id);
      if (o->state != MODEL_ORDER_SETTLED && lines != NULL)
        {
          g_set_error (error, MODEL_LEDGER_ERROR, MODEL_STD_INVALID_STATE,
                       "order %s is %s but has %u postings", o->order_id,
                       model_order_state_name (o->state), lines->len);
          return FALSE;
        }
      switch (o->state)
        {
        case MODEL_ORDER_ACCEPTED:
          if (!allow_pending)
            {
              g_set_error (error, MODEL_LEDGER_ERROR, MODEL_STD_INVALID_STATE,
                           "order %s is accepted but not settled",
                           o->order_id);
              return FALSE;
            }
          r.n_accepted++;
          break;
        case MODEL_ORDER_FAILED:
          r.n_failed++;
          break;
        case MODEL_ORDER_SETTLED:
          if (!check_transaction (o, lines, error)
              || !add_fen (&r.settled_fen[o->route], o->amount_fen, error))
            return FALSE;
          r.n_settled++;
          r.settled_count[o->route]++;
          break;
        }
    }
  if (r.total_debit_fen != r.total_credit_fen)
    {
      g_set_error (error, MODEL_LEDGER_ERROR, MODEL_STD_CONFLICT,
                   "journal does not balance: debits %" G_GINT64_FORMAT
                   " fen, credits %" G_GINT64_FORMAT " fen",
                   r.total_debit_fen, r.total_credit_fen);
      return FALSE;
    }
  if (report != NULL)
    *report = r;
  return TRUE;
}

/* ---- store -------------------------------------------------------------- */

gboolean
model_ledger_foreach_order (const ModelLedger *ledger, ModelLedgerOrderFn fn,
                            gpointer user_data)
{
  g_return_val_if_fail (ledger != NULL && fn != NULL, FALSE);
  for (guint i = 0; i < ledger->orders->len; i++)
    if (!fn (g_ptr_array_index (ledger->orders, i), user_data))
      return FALSE;
  return TRUE;
}

gboolean
model_ledger_foreach_posting (const ModelLedger *ledger,
                              ModelLedgerPostingFn fn, gpointer user_data)
{
  g_return_val_if_fail (ledger != NULL && fn != NULL, FALSE);
  for (guint i = 0; i < ledger->journal->len; i++)
    if (!fn (&g_array_index (ledger->journal, ModelPosting, i), user_data))
      return FALSE;
  return TRUE;
}

/* A fixed char array field holds a NUL-terminated string. */
static gboolean
terminated (const char *field, gsize size, const char *name, GError **error)
{
  if (memchr (field, '\0', size) == NULL)
    {
      g_set_error (error, MODEL_LEDGER_ERROR, MODEL_STD_MALFORMED,
                   "%s: not NUL-terminated within %zu bytes", name, size);
      return FALSE;
    }
  return TRUE;
}

static gboolean
malformed (GError **error, const char *msg)
{
  g_set_error_literal (error, MODEL_LEDGER_ERROR, MODEL_STD_MALFORMED, msg);
  return FALSE;
}

gboolean
model_ledger_restore_order (ModelLedger *ledger, const ModelPaymentOrder *o,
                            GError **error)
{
  g_return_val_if_fail (ledger != NULL && o != NULL, FALSE);
  char id[MODEL_LEDGER_ORDER_ID_LEN + 1];
  if (!terminated (o->order_id, sizeof o->order_id, "order_id", error)
      || !terminated (o->channel_id, sizeof o->channel_id, "channel_id", error)
      || !terminated (o->idempotency_key, sizeof o->idempotency_key,
                      "idempotency_key", error)
      || !terminated (o->payee, sizeof o->payee, "payee", error)
      || !terminated (o->currency, sizeof o->currency, "currency", error)
      || !model_ledger_order_id (o->channel_id, o->idempotency_key, id, error)
      || !model_ledger_priv_check_city (o->city, error)
      || !model_ledger_priv_check_text (o->payee, MODEL_LEDGER_PAYEE_MAX,
                                        "payee", error)
      || !model_ledger_priv_check_amount (o->amount_fen, error)
      || !model_ledger_priv_check_currency (o->currency, error)
      || !model_ledger_priv_check_time (o->created_at, "created_at", error))
    return FALSE;
  if (strcmp (id, o->order_id) != 0)
    return malformed (error, "order_id: not the BLAKE2b-256 of its channel_id "
                             "and idempotency_key");
  if (o->route != MODEL_ROUTE_LOCAL && o->route != MODEL_ROUTE_UNIFIED)
    return malformed (error, "route: expected local or unified");
  switch (o->state)
    {
    case MODEL_ORDER_ACCEPTED:
      if (o->failure != MODEL_STD_OK || o->settled_at != 0)
        return malformed (error, "accepted order: expected failure ok and "
                                 "settled_at 0");
      break;
    case MODEL_ORDER_SETTLED:
      if (o->failure != MODEL_STD_OK || o->settled_at < o->created_at)
        return malformed (error, "settled order: expected failure ok and "
                                 "settled_at >= created_at");
      break;
    case MODEL_ORDER_FAILED:
      if (o->failure == MODEL_STD_OK || (guint) o->failure >= MODEL_STD_N_CODES
          || o->settled_at < o->created_at)
        return malformed (error, "failed order: expected a failure code and "
                                 "settled_at >= created_at");
      break;
    default:
      return malformed (error, "state: expected accepted, settled or failed");
    }
  if (model_ledger_priv_find (ledger, o->order_id) != NULL)
    {
      g_set_error (error, MODEL_LEDGER_ERROR, MODEL_STD_DUPLICATE,
                   "order_id: order %s is already present", o->order_id);
      return FALSE;
    }
  model_ledger_priv_insert_order (ledger, g_memdup2 (o, sizeof *o));
  return TRUE;
}

/* PAY-14: payer:<32 hex>, clearing:unified, clearing:local:<city>,
 * payee:<merchant id>. */
static gboolean
check_account (const char *a, GError **error)
{
  if (g_str_has_prefix (a, "payer:") && strlen (a) == 6 + 32
      && base_hex_decode (a + 6, 32, NULL, NULL) == BASE_HEX_OK)
    return TRUE;
  if (strcmp (a, "clearing:unified") == 0)
    return TRUE;
  if (g_str_has_prefix (a, "clearing:local:") && strlen (a) == 15 + 6
      && a[15] != '0' && strspn (a + 15, "0123456789") == 6)
    return TRUE;
  if (g_str_has_prefix (a, "payee:"))
    return model_ledger_priv_check_text (a + 6, MODEL_LEDGER_PAYEE_MAX,
                                         "account payee id", error);
  return malformed (error, "account: expected payer:<e-card hex>, "
                           "clearing:unified, clearing:local:<city> or "
                           "payee:<merchant id>");
}

gboolean
model_ledger_restore_posting (ModelLedger *ledger, const ModelPosting *p,
                              GError **error)
{
  g_return_val_if_fail (ledger != NULL && p != NULL, FALSE);
  if (!terminated (p->order_id, sizeof p->order_id, "order_id", error)
      || !terminated (p->account, sizeof p->account, "account", error))
    return FALSE;
  if (strlen (p->order_id) != MODEL_LEDGER_ORDER_ID_LEN
      || base_hex_decode (p->order_id, MODEL_LEDGER_ORDER_ID_LEN, NULL, NULL) != BASE_HEX_OK)
    return malformed (error, "order_id: expected 64 lowercase hex characters");
  if (p->line >= MODEL_LEDGER_LINES)
    return malformed (error, "line: expected 0..3");
  if (p->side != MODEL_ENTRY_DEBIT && p->side != MODEL_ENTRY_CREDIT)
    return malformed (error, "side: expected debit or credit");
  if (!check_account (p->account, error)
      || !model_ledger_priv_check_amount (p->amount_fen, error)
      || !model_ledger_priv_check_time (p->posted_at, "posted_at", error))
    return FALSE;
  g_array_append_val (ledger->journal, *p);
  return TRUE;
}
