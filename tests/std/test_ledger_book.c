/* SPDX-License-Identifier: MIT */
/*
 * Tests of model/std/ledger_book.c: reconciliation of a mixed book and of books
 * tampered with through restore (each tampering must give its own named
 * discrepancy), and the store's foreach/restore round trip and field
 * validation.  Routing, submission and settlement (model/std/ledger.c) are
 * tested in tests/std/test_ledger.c, whose fixtures are repeated below.  The
 * e-card status feed is a fake: a list of lost e-card ids.
 */
#include <string.h>

#include "model/std/ledger.h"
#include "tests/lib/testutil.h"
#include "tests/lib/ledger_fixture.h"


/* ---- fixtures ----------------------------------------------------------- */







static gboolean
collect_order (const ModelPaymentOrder *o, gpointer user_data)
{
  g_array_append_val ((GArray *) user_data, *o);
  return TRUE;
}

static gboolean
copy_switch (guint32 city, gint64 switch_at, gpointer user_data)
{
  g_autoptr (GError) err = NULL;
  g_assert_true (model_ledger_set_switch (user_data, city, switch_at, &err));
  g_assert_no_error (err);
  return TRUE;
}

/* ---- reconciliation ----------------------------------------------------- */

static const struct {
  guint32 city;
  gint64 switch_at;     /* 0: never */
} book_cities[] = {
  { 110100, T0 + 1000 }, { 310100, T0 + 5000 }, { 440100, T0 },
  { 500100, 0 }, { 650100, T0 + 100000 },
};

/* A book of n orders over the cities above, created at random times around
 * their switches: about 90% settled, 5% failed, 5% pending.  Expected totals
 * per route are computed here from the switch times, independently of the
 * ledger. */
static ModelLedger *
mixed_book (guint n, ModelLedgerReport *expect)
{
  ModelLedger *l = model_ledger_new ();
  memset (expect, 0, sizeof *expect);
  for (gsize c = 0; c < G_N_ELEMENTS (book_cities); c++)
    if (book_cities[c].switch_at != 0)
      g_assert_true (model_ledger_set_switch (l, book_cities[c].city,
                                              book_cities[c].switch_at, NULL));
  for (guint i = 0; i < n; i++)
    {
      guint c = (guint) g_test_rand_int_range (0, G_N_ELEMENTS (book_cities));
      gint64 created = T0 - 2000 + g_test_rand_int_range (0, 10000);
      if (i % 50 == 0 && book_cities[c].switch_at != 0)
        created = book_cities[c].switch_at;   /* boundary seconds too */
      g_autofree char *key = g_strdup_printf ("order-%u", i);
      g_autofree char *payee = g_strdup_printf ("m-%u", i % 17);
      ModelPaymentRequest r = fx_ledger_req_for (key, book_cities[c].city,
                                       g_test_rand_int_range (1, 1000000));
      r.payee = payee;
      r.channel_id = i % 3 ? "ch-alipay" : "ch-bank-icbc";
      r.ecard_id[0] = (guint8) i;
      r.ecard_id[1] = (guint8) (i >> 8);
      const ModelPaymentOrder *o = fx_ledger_submit_ok (l, &r, created);
      ModelRoute want = book_cities[c].switch_at != 0
                        && created >= book_cities[c].switch_at
                            ? MODEL_ROUTE_UNIFIED : MODEL_ROUTE_LOCAL;
      g_assert_cmpint (o->route, ==, want);
      expect->n_orders++;
      int fate = g_test_rand_int_range (0, 100);
      if (fate < 90)
        {
          fx_ledger_settle_ok (l, o->order_id, created + g_test_rand_int_range (0, 3000));
          expect->n_settled++;
          expect->settled_count[want]++;
          expect->settled_fen[want] += r.amount_fen;
          expect->total_debit_fen += 2 * r.amount_fen;
        }
      else if (fate < 95)
        {
          g_assert_true (model_ledger_fail (l, o->order_id, created + 1,
                                            MODEL_STD_INTERNAL, NULL, NULL));
          expect->n_failed++;
        }
      else
        expect->n_accepted++;
    }
  expect->total_credit_fen = expect->total_debit_fen;
  expect->n_postings = 4 * expect->n_settled;
  return l;
}

static void
assert_report (const ModelLedgerReport *got, const ModelLedgerReport *want)
{
  g_assert_cmpuint (got->n_orders, ==, want->n_orders);
  g_assert_cmpuint (got->n_accepted, ==, want->n_accepted);
  g_assert_cmpuint (got->n_settled, ==, want->n_settled);
  g_assert_cmpuint (got->n_failed, ==, want->n_failed);
  g_assert_cmpuint (got->n_postings, ==, want->n_postings);
  for (int r = MODEL_ROUTE_LOCAL; r <= MODEL_ROUTE_UNIFIED; r++)
    {
      g_assert_cmpuint (got->settled_count[r], ==, want->settled_count[r]);
      g_assert_cmpint (got->settled_fen[r], ==, want->settled_fen[r]);
    }
  g_assert_cmpint (got->total_debit_fen, ==, want->total_debit_fen);
  g_assert_cmpint (got->total_credit_fen, ==, want->total_credit_fen);
}

/* PAY-15 */
static void
test_reconcile_mixed (void)
{
  ModelLedgerReport want, got;
  g_autoptr (ModelLedger) l = mixed_book (3000, &want);
  g_autoptr (GError) err = NULL;
  g_assert_true (model_ledger_reconcile (l, TRUE, &got, &err));
  g_assert_no_error (err);
  assert_report (&got, &want);
  g_assert_cmpuint (want.settled_count[MODEL_ROUTE_LOCAL], >, 100);
  g_assert_cmpuint (want.settled_count[MODEL_ROUTE_UNIFIED], >, 100);
  g_assert_cmpuint (want.n_accepted, >, 0);
  /* Pending orders are a discrepancy when the caller says none may be. */
  g_assert_false (model_ledger_reconcile (l, FALSE, NULL, &err));
  g_assert_error (err, MODEL_LEDGER_ERROR, MODEL_STD_INVALID_STATE);
  g_assert_nonnull (strstr (err->message, "not settled"));
}

/* A tampering of the stored records: edits the arrays before restore. */
typedef void (*TamperFn) (GArray *orders, GArray *postings);

/* Copies l through foreach/restore into a new ledger, tampering on the way. */
static ModelLedger *
copy_book (const ModelLedger *l, TamperFn tamper)
{
  g_autoptr (GArray) os = g_array_new (FALSE, TRUE, sizeof (ModelPaymentOrder));
  g_autoptr (GArray) ps = g_array_new (FALSE, TRUE, sizeof (ModelPosting));
  g_assert_true (model_ledger_foreach_order (l, collect_order, os));
  g_assert_true (model_ledger_foreach_posting (l, fx_ledger_collect_posting, ps));
  if (tamper != NULL)
    tamper (os, ps);
  ModelLedger *copy = model_ledger_new ();
  model_ledger_foreach_switch (l, copy_switch, copy);
  for (guint i = 0; i < os->len; i++)
    {
      g_autoptr (GError) err = NULL;
      g_assert_true (model_ledger_restore_order (
          copy, &g_array_index (os, ModelPaymentOrder, i), &err));
      g_assert_no_error (err);
    }
  for (guint i = 0; i < ps->len; i++)
    {
      g_autoptr (GError) err = NULL;
      g_assert_true (model_ledger_restore_posting (
          copy, &g_array_index (ps, ModelPosting, i), &err));
      g_assert_no_error (err);
    }
  return copy;
}

#define MID 401   /* a posting in the middle of the journal (line 1) */

static void
renumber (GArray *ps)
{
  for (guint i = 0; i < ps->len; i++)
    g_array_index (ps, ModelPosting, i).seq = i;
}

static void
remove_renumbered (GArray *os, GArray *ps)
{
  g_array_remove_index (ps, MID);
  renumber (ps);
}

static void
remove_gap (GArray *os, GArray *ps)
{
  g_array_remove_index (ps, MID);
}

static void
remove_last_set (GArray *os, GArray *ps)
{
  g_array_set_size (ps, ps->len - 4);
}

static void
duplicate_set (GArray *os, GArray *ps)
{
  guint first = MID - MID % 4;
  for (guint i = 0; i < 4; i++)
    {
      ModelPosting p = g_array_index (ps, ModelPosting, first + i);
      p.seq = ps->len;
      g_array_append_val (ps, p);
    }
}

static void
duplicate_line (GArray *os, GArray *ps)
{
  ModelPosting p = g_array_index (ps, ModelPosting, MID);
  g_array_insert_val (ps, MID + 1, p);
  renumber (ps);
}

static void
alter_amount (GArray *os, GArray *ps)
{
  g_array_index (ps, ModelPosting, MID).amount_fen += 1;
}

static void
alter_balanced (GArray *os, GArray *ps)
{
  guint first = MID - MID % 4;
  for (guint i = 0; i < 4; i++)
    g_array_index (ps, ModelPosting, first + i).amount_fen += 100;
}

static void
alter_account (GArray *os, GArray *ps)
{
  guint first = MID - MID % 4;
  for (guint i = 1; i <= 2; i++)
    {
      ModelPosting *p = &g_array_index (ps, ModelPosting, first + i);
      g_strlcpy (p->account, strcmp (p->account, "clearing:unified") == 0
                                 ? "clearing:local:110100" : "clearing:unified",
                 sizeof p->account);
    }
}

static void
alter_side (GArray *os, GArray *ps)
{
  guint first = MID - MID % 4;
  g_array_index (ps, ModelPosting, first + 1).side = MODEL_ENTRY_DEBIT;
  g_array_index (ps, ModelPosting, first + 2).side = MODEL_ENTRY_CREDIT;
}

static void
alter_time (GArray *os, GArray *ps)
{
  guint first = MID - MID % 4;
  for (guint i = 0; i < 4; i++)
    g_array_index (ps, ModelPosting, first + i).posted_at += 1;
}

static void
orphan_posting (GArray *os, GArray *ps)
{
  ModelPosting *p = &g_array_index (ps, ModelPosting, MID);
  memcpy (p->order_id, "00000000000000000000000000000000"
                       "00000000000000000000000000000000", 64);
}

static void
drop_order (GArray *os, GArray *ps)
{
  const char *id = g_array_index (ps, ModelPosting, MID).order_id;
  for (guint i = 0; i < os->len; i++)
    if (strcmp (g_array_index (os, ModelPaymentOrder, i).order_id, id) == 0)
      {
        g_array_remove_index (os, i);
        return;
      }
  g_assert_not_reached ();
}

static ModelPaymentOrder *
order_of_mid (GArray *os, GArray *ps)
{
  const char *id = g_array_index (ps, ModelPosting, MID).order_id;
  for (guint i = 0; i < os->len; i++)
    if (strcmp (g_array_index (os, ModelPaymentOrder, i).order_id, id) == 0)
      return &g_array_index (os, ModelPaymentOrder, i);
  g_assert_not_reached ();
}

static void
flip_route (GArray *os, GArray *ps)
{
  ModelPaymentOrder *o = order_of_mid (os, ps);
  o->route = o->route == MODEL_ROUTE_LOCAL ? MODEL_ROUTE_UNIFIED
                                           : MODEL_ROUTE_LOCAL;
}

static void
unsettle (GArray *os, GArray *ps)
{
  ModelPaymentOrder *o = order_of_mid (os, ps);
  o->state = MODEL_ORDER_ACCEPTED;
  o->settled_at = 0;
}

static void
alter_order_amount (GArray *os, GArray *ps)
{
  order_of_mid (os, ps)->amount_fen += 1;
}

/* PAY-15: each tampering gives its own named discrepancy. */
static void
test_reconcile_tampered (void)
{
  static const struct {
    const char *name;
    TamperFn fn;
    ModelStdCode code;
    const char *says;
  } cases[] = {
    { "removed, renumbered", remove_renumbered, MODEL_STD_INVALID_STATE, "missing" },
    { "removed, gap", remove_gap, MODEL_STD_MALFORMED, "journal" },
    { "removed at tail", remove_last_set, MODEL_STD_INVALID_STATE, "missing" },
    { "set duplicated", duplicate_set, MODEL_STD_DUPLICATE, "more than once" },
    { "line duplicated", duplicate_line, MODEL_STD_DUPLICATE, "more than once" },
    { "amount altered", alter_amount, MODEL_STD_CONFLICT, "does not balance" },
    { "amounts altered, balanced", alter_balanced, MODEL_STD_CONFLICT, "amount_fen" },
    { "account altered", alter_account, MODEL_STD_CONFLICT, "account" },
    { "sides swapped", alter_side, MODEL_STD_CONFLICT, "side" },
    { "time altered", alter_time, MODEL_STD_CONFLICT, "posted_at" },
    { "posting without order", orphan_posting, MODEL_STD_NOT_FOUND, "does not exist" },
    { "order removed", drop_order, MODEL_STD_NOT_FOUND, "does not exist" },
    { "route flipped", flip_route, MODEL_STD_CONFLICT, "route" },
    { "settled order unsettled", unsettle, MODEL_STD_INVALID_STATE, "has 4 postings" },
    { "order amount altered", alter_order_amount, MODEL_STD_CONFLICT, "amount_fen" },
  };
  ModelLedgerReport want;
  g_autoptr (ModelLedger) l = mixed_book (400, &want);
  g_assert_cmpuint (model_ledger_n_postings (l), >, MID + 8);
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (ModelLedger) bad = copy_book (l, cases[i].fn);
      g_autoptr (GError) err = NULL;
      g_test_message ("tampering: %s", cases[i].name);
      g_assert_false (model_ledger_reconcile (bad, TRUE, NULL, &err));
      g_assert_error (err, MODEL_LEDGER_ERROR, (int) cases[i].code);
      if (strstr (err->message, cases[i].says) == NULL)
        g_error ("%s: \"%s\" lacks \"%s\"", cases[i].name, err->message,
                 cases[i].says);
    }
}

/* PAY-16: the store's round trip keeps every record and the checks. */
static void
test_restore_roundtrip (void)
{
  ModelLedgerReport want, got;
  g_autoptr (ModelLedger) l = mixed_book (500, &want);
  g_autoptr (ModelLedger) copy = copy_book (l, NULL);
  g_autoptr (GError) err = NULL;
  g_assert_true (model_ledger_reconcile (copy, TRUE, &got, &err));
  g_assert_no_error (err);
  assert_report (&got, &want);

  g_autoptr (GArray) a = g_array_new (FALSE, TRUE, sizeof (ModelPaymentOrder));
  g_autoptr (GArray) b = g_array_new (FALSE, TRUE, sizeof (ModelPaymentOrder));
  model_ledger_foreach_order (l, collect_order, a);
  model_ledger_foreach_order (copy, collect_order, b);
  g_assert_cmpmem (a->data, a->len * sizeof (ModelPaymentOrder), b->data,
                   b->len * sizeof (ModelPaymentOrder));

  /* The copy keeps working: a repeat is a duplicate, a pending order settles. */
  const ModelPaymentOrder *first = &g_array_index (a, ModelPaymentOrder, 0);
  ModelPaymentRequest r = fx_ledger_req_for (first->idempotency_key, first->city,
                                   first->amount_fen);
  r.channel_id = first->channel_id;
  r.payee = first->payee;
  memcpy (r.ecard_id, first->ecard_id, sizeof r.ecard_id);
  ModelStdCode outcome = MODEL_STD_OK;
  g_assert_true (model_ledger_submit (copy, &r, T0, fx_ledger_fake_status, NULL,
                                      &outcome, &err)
                 == model_ledger_lookup (copy, first->order_id));
  g_assert_cmpint (outcome, ==, MODEL_STD_DUPLICATE);
  for (guint i = 0; i < b->len; i++)
    {
      const ModelPaymentOrder *o = &g_array_index (b, ModelPaymentOrder, i);
      if (o->state == MODEL_ORDER_ACCEPTED)
        fx_ledger_settle_ok (copy, o->order_id, o->created_at + 7);
    }
  g_assert_true (model_ledger_reconcile (copy, FALSE, &got, &err));
  g_assert_no_error (err);
  g_assert_cmpuint (got.n_settled, ==, want.n_settled + want.n_accepted);

  /* An order already present is refused. */
  g_assert_false (model_ledger_restore_order (copy, first, &err));
  g_assert_error (err, MODEL_LEDGER_ERROR, MODEL_STD_DUPLICATE);
}

/* PAY-16: restore validates every field. */
static void
test_restore_malformed (void)
{
  g_autoptr (ModelLedger) l = model_ledger_new ();
  ModelPaymentRequest r = fx_ledger_req_for ("m-1", 110100, 50);
  const ModelPaymentOrder *o = fx_ledger_submit_ok (l, &r, T0);
  fx_ledger_settle_ok (l, o->order_id, T0 + 1);
  g_autoptr (GArray) ps = g_array_new (FALSE, TRUE, sizeof (ModelPosting));
  model_ledger_foreach_posting (l, fx_ledger_collect_posting, ps);
  g_autoptr (ModelLedger) empty = model_ledger_new ();

  ModelPaymentOrder bad_orders[9];
  for (int i = 0; i < 9; i++)
    bad_orders[i] = *o;
  bad_orders[0].order_id[0] = bad_orders[0].order_id[0] == 'a' ? 'b' : 'a';
  bad_orders[1].state = 7;
  bad_orders[2].settled_at = 0;                    /* settled without time */
  bad_orders[3].route = 0;
  bad_orders[4].failure = MODEL_STD_INTERNAL;      /* settled with failure */
  memset (bad_orders[5].payee, 'x', sizeof bad_orders[5].payee); /* no NUL */
  bad_orders[6].amount_fen = 0;
  bad_orders[7].created_at = -3;
  g_strlcpy (bad_orders[8].currency, "EUR", sizeof bad_orders[8].currency);
  for (int i = 0; i < 9; i++)
    {
      g_autoptr (GError) err = NULL;
      g_assert_false (model_ledger_restore_order (empty, &bad_orders[i], &err));
      g_assert_error (err, MODEL_LEDGER_ERROR, MODEL_STD_MALFORMED);
    }

  const ModelPosting good = g_array_index (ps, ModelPosting, 0);
  ModelPosting bad_postings[8];
  for (int i = 0; i < 8; i++)
    bad_postings[i] = good;
  bad_postings[0].line = 4;
  bad_postings[1].side = 0;
  g_strlcpy (bad_postings[2].account, "payer:XYZ", sizeof good.account);
  g_strlcpy (bad_postings[3].account, "clearing:local:012345", sizeof good.account);
  g_strlcpy (bad_postings[4].account, "bank:1", sizeof good.account);
  bad_postings[5].amount_fen = -1;
  bad_postings[6].order_id[10] = 'G';
  memset (bad_postings[7].account, 'p', sizeof good.account);
  for (int i = 0; i < 8; i++)
    {
      g_autoptr (GError) err = NULL;
      g_assert_false (model_ledger_restore_posting (empty, &bad_postings[i],
                                                    &err));
      g_assert_error (err, MODEL_LEDGER_ERROR, MODEL_STD_MALFORMED);
    }
  g_assert_cmpuint (model_ledger_n_orders (empty), ==, 0);
  g_assert_cmpuint (model_ledger_n_postings (empty), ==, 0);

  /* The good records load, in either order. */
  for (guint i = 0; i < ps->len; i++)
    g_assert_true (model_ledger_restore_posting (
        empty, &g_array_index (ps, ModelPosting, i), NULL));
  g_assert_true (model_ledger_restore_order (empty, o, NULL));
  g_assert_true (model_ledger_reconcile (empty, FALSE, NULL, NULL));
  model_ledger_free (NULL);
}

int
main (int argc, char **argv)
{
  essc_test_init (&argc, &argv);
  memset (fx_ledger_lost_id, 0xee, sizeof fx_ledger_lost_id);
  memset (fx_ledger_unknown_id, 0xdd, sizeof fx_ledger_unknown_id);
  g_test_add_func ("/ledger/reconcile/mixed", test_reconcile_mixed);
  g_test_add_func ("/ledger/reconcile/tampered", test_reconcile_tampered);
  g_test_add_func ("/ledger/restore/roundtrip", test_restore_roundtrip);
  g_test_add_func ("/ledger/restore/malformed", test_restore_malformed);
  return g_test_run ();
}
