/* SPDX-License-Identifier: MIT */
/*
 * Tests of model/std/ledger.c: settlement routing by the city's switch time,
 * idempotent submission, exactly-once settlement, refusals and field checks.
 * Reconciliation and the store's foreach/restore (model/std/ledger_book.c) are
 * tested in tests/std/test_ledger_book.c.  The e-card status feed is a fake: a
 * list of lost e-card ids.
 */
#include <string.h>

#include "model/std/ledger.h"
#include "tests/lib/testutil.h"
#include "tests/lib/ledger_fixture.h"


/* ---- fixtures ----------------------------------------------------------- */







/* ---- routing ------------------------------------------------------------ */

/* PAY-1, PAY-2 */
static void
test_route_switch (void)
{
  g_autoptr (ModelLedger) l = model_ledger_new ();
  g_autoptr (GError) err = NULL;
  g_assert_true (model_ledger_set_switch (l, 110100, T0, &err));
  g_assert_no_error (err);
  g_assert_cmpint (model_ledger_get_switch (l, 110100), ==, T0);
  g_assert_cmpint (model_ledger_get_switch (l, 310100), ==, 0);

  ModelPaymentRequest before = fx_ledger_req_for ("before", 110100, 100);
  ModelPaymentRequest boundary = fx_ledger_req_for ("boundary", 110100, 100);
  ModelPaymentRequest after = fx_ledger_req_for ("after", 110100, 100);
  ModelPaymentRequest never = fx_ledger_req_for ("never", 310100, 100);
  const ModelPaymentOrder *ob = fx_ledger_submit_ok (l, &before, T0 - 1);
  g_assert_cmpint (ob->route, ==, MODEL_ROUTE_LOCAL);
  g_assert_cmpint (fx_ledger_submit_ok (l, &boundary, T0)->route, ==, MODEL_ROUTE_UNIFIED);
  g_assert_cmpint (fx_ledger_submit_ok (l, &after, T0 + 1)->route, ==, MODEL_ROUTE_UNIFIED);
  g_assert_cmpint (fx_ledger_submit_ok (l, &never, T0 + 86400 * 365)->route, ==,
                   MODEL_ROUTE_LOCAL);
  g_assert_cmpint (model_ledger_route_for (l, 310100, G_MAXINT64), ==,
                   MODEL_ROUTE_LOCAL);
  g_assert_cmpstr (model_route_name (MODEL_ROUTE_UNIFIED), ==, "unified");
  ModelRoute back;
  g_assert_true (model_route_from_name ("local", &back));
  g_assert_cmpint (back, ==, MODEL_ROUTE_LOCAL);
  g_assert_false (model_route_from_name ("national", &back));

  /* Settlement legs go through the route's clearing account (PAY-11). */
  g_assert_true (model_ledger_lookup (l, ob->order_id) == ob);
  fx_ledger_settle_ok (l, ob->order_id, T0 + 5);
  g_autoptr (GArray) ps = g_array_new (FALSE, TRUE, sizeof (ModelPosting));
  model_ledger_foreach_posting (l, fx_ledger_collect_posting, ps);
  g_assert_cmpuint (ps->len, ==, 4);
  g_assert_cmpstr (g_array_index (ps, ModelPosting, 1).account, ==,
                   "clearing:local:110100");
}

/* PAY-3: created before the switch, settled after: stays LOCAL.  PAY-1:
 * the table's own field checks. */
static void
test_route_fixed_at_creation (void)
{
  g_autoptr (ModelLedger) l = model_ledger_new ();
  g_autoptr (GError) err = NULL;
  g_assert_true (model_ledger_set_switch (l, 440100, T0 + 100, NULL));
  ModelPaymentRequest r = fx_ledger_req_for ("k", 440100, 2500);
  const ModelPaymentOrder *o = fx_ledger_submit_ok (l, &r, T0);
  g_assert_cmpint (o->route, ==, MODEL_ROUTE_LOCAL);
  fx_ledger_settle_ok (l, o->order_id, T0 + 200);
  g_assert_cmpint (o->route, ==, MODEL_ROUTE_LOCAL);
  g_assert_cmpint (o->settled_at, ==, T0 + 200);

  ModelLedgerReport rep;
  g_assert_true (model_ledger_reconcile (l, FALSE, &rep, &err));
  g_assert_no_error (err);
  g_assert_cmpuint (rep.settled_count[MODEL_ROUTE_LOCAL], ==, 1);
  g_assert_cmpuint (rep.settled_count[MODEL_ROUTE_UNIFIED], ==, 0);
  g_assert_cmpint (rep.settled_fen[MODEL_ROUTE_LOCAL], ==, 2500);

  /* Re-scheduling that would re-route the order is refused; one that keeps
   * every existing route is allowed. */
  g_assert_false (model_ledger_set_switch (l, 440100, T0, &err));
  g_assert_error (err, MODEL_LEDGER_ERROR, MODEL_STD_INVALID_STATE);
  g_clear_error (&err);
  g_assert_false (model_ledger_set_switch (l, 440100, T0 - 50, &err));
  g_assert_error (err, MODEL_LEDGER_ERROR, MODEL_STD_INVALID_STATE);
  g_clear_error (&err);
  g_assert_true (model_ledger_set_switch (l, 440100, T0 + 1, &err));
  g_assert_true (model_ledger_set_switch (l, 440100, 0, &err));
  g_assert_no_error (err);
  g_assert_cmpint (model_ledger_get_switch (l, 440100), ==, 0);
  g_assert_false (model_ledger_set_switch (l, 99999, T0, &err));
  g_assert_error (err, MODEL_LEDGER_ERROR, MODEL_STD_MALFORMED);
  g_clear_error (&err);
  g_assert_false (model_ledger_set_switch (l, 110100, -1, &err));
  g_assert_error (err, MODEL_LEDGER_ERROR, MODEL_STD_MALFORMED);
}

/* ---- submission --------------------------------------------------------- */

/* PAY-4: a vector computed outside this code (Python hashlib.blake2b). */
static void
test_order_id (void)
{
  char id[MODEL_LEDGER_ORDER_ID_LEN + 1], id2[MODEL_LEDGER_ORDER_ID_LEN + 1];
  g_autoptr (GError) err = NULL;
  g_assert_true (model_ledger_order_id ("ch-alipay", "k1", id, &err));
  g_assert_cmpstr (id, ==, "26bea4cc28a0281d6d1875bde23731ff"
                           "97dcbfaf80f9ac6adbb8179d3cd8c4a1");
  g_assert_true (model_ledger_order_id ("ch-alipay", "k2", id, &err));
  g_assert_cmpstr (id, ==, "4f309169b46d5383e878f4108b58648b"
                           "160a0b08cbde19841275fcfe429690dc");
  /* Length prefixes keep ("ab", "c") and ("a", "bc") apart. */
  g_assert_true (model_ledger_order_id ("ab", "c", id, NULL));
  g_assert_true (model_ledger_order_id ("a", "bc", id2, NULL));
  g_assert_cmpstr (id, !=, id2);
  g_assert_false (model_ledger_order_id ("ch", "", id, &err));
  g_assert_error (err, MODEL_LEDGER_ERROR, MODEL_STD_MALFORMED);
  g_assert_nonnull (strstr (err->message, "idempotency_key"));
}

/* PAY-6: a repeat returns the original order; nothing new is stored. */
static void
test_submit_duplicate (void)
{
  g_autoptr (ModelLedger) l = model_ledger_new ();
  g_autoptr (GError) err = NULL;
  ModelPaymentRequest r = fx_ledger_req_for ("dup-1", 110100, 990);
  const ModelPaymentOrder *o = fx_ledger_submit_ok (l, &r, T0);
  ModelStdCode outcome = MODEL_STD_OK;
  int calls = 0;
  const ModelPaymentOrder *again = model_ledger_submit (
      l, &r, T0 + 30, fx_ledger_fake_status, &calls, &outcome, &err);
  g_assert_no_error (err);
  g_assert_true (again == o);
  g_assert_cmpint (outcome, ==, MODEL_STD_DUPLICATE);
  g_assert_cmpint (again->created_at, ==, T0);
  g_assert_cmpuint (model_ledger_n_orders (l), ==, 1);
  g_assert_cmpint (calls, ==, 0);

  fx_ledger_settle_ok (l, o->order_id, T0 + 60);
  g_assert_cmpint (model_ledger_submit (l, &r, T0 + 90, fx_ledger_fake_status, NULL,
                                        &outcome, &err)->state,
                   ==, MODEL_ORDER_SETTLED);
  g_assert_cmpint (outcome, ==, MODEL_STD_DUPLICATE);
  g_assert_cmpuint (model_ledger_n_orders (l), ==, 1);
  g_assert_cmpuint (model_ledger_n_postings (l), ==, 4);

  /* The same key on another channel is another order. */
  r.channel_id = "ch-wechat";
  g_assert_true (fx_ledger_submit_ok (l, &r, T0) != o);
  g_assert_cmpuint (model_ledger_n_orders (l), ==, 2);
}

/* PAY-6: same key, different content. */
static void
test_submit_conflict (void)
{
  g_autoptr (ModelLedger) l = model_ledger_new ();
  g_autoptr (GError) err = NULL;
  ModelPaymentRequest r = fx_ledger_req_for ("k-1", 110100, 1000);
  fx_ledger_submit_ok (l, &r, T0);
  ModelPaymentRequest variants[4];
  for (int i = 0; i < 4; i++)
    variants[i] = r;
  variants[0].amount_fen = 1001;
  variants[1].payee = "m-0002";
  variants[2].city = 310100;
  variants[3].ecard_id[15] ^= 1;
  for (int i = 0; i < 4; i++)
    {
      g_assert_null (model_ledger_submit (l, &variants[i], T0, fx_ledger_fake_status,
                                          NULL, NULL, &err));
      g_assert_error (err, MODEL_LEDGER_ERROR, MODEL_STD_CONFLICT);
      g_clear_error (&err);
    }
  g_assert_cmpuint (model_ledger_n_orders (l), ==, 1);
}

/* PAY-7, PAY-8, PAY-9, PAY-10 */
static void
test_submit_refused (void)
{
  g_autoptr (ModelLedger) l = model_ledger_new ();
  g_autoptr (GError) err = NULL;

  ModelPaymentRequest r = fx_ledger_req_for ("k-lost", 110100, 100);
  memcpy (r.ecard_id, fx_ledger_lost_id, sizeof fx_ledger_lost_id);
  g_assert_null (model_ledger_submit (l, &r, T0, fx_ledger_fake_status, NULL, NULL, &err));
  g_assert_error (err, MODEL_LEDGER_ERROR, MODEL_STD_CARD_UNUSABLE);
  g_clear_error (&err);
  /* The lost card fails before its level or PIN is looked at. */
  r.ecard_level = 1;
  r.pin_verified = FALSE;
  g_assert_null (model_ledger_submit (l, &r, T0, fx_ledger_fake_status, NULL, NULL, &err));
  g_assert_error (err, MODEL_LEDGER_ERROR, MODEL_STD_CARD_UNUSABLE);
  g_clear_error (&err);

  r = fx_ledger_req_for ("k-unknown", 110100, 100);
  memcpy (r.ecard_id, fx_ledger_unknown_id, sizeof fx_ledger_unknown_id);
  g_assert_null (model_ledger_submit (l, &r, T0, fx_ledger_fake_status, NULL, NULL, &err));
  g_assert_error (err, MODEL_LEDGER_ERROR, MODEL_STD_NOT_FOUND);
  g_clear_error (&err);

  r = fx_ledger_req_for ("k-level", 110100, 100);
  r.ecard_level = 1;
  r.pin_verified = FALSE;
  g_assert_null (model_ledger_submit (l, &r, T0, fx_ledger_fake_status, NULL, NULL, &err));
  g_assert_error (err, MODEL_LEDGER_ERROR, MODEL_STD_LEVEL_REQUIRED);
  g_clear_error (&err);

  r = fx_ledger_req_for ("k-pin", 110100, 100);
  r.pin_verified = FALSE;
  g_assert_null (model_ledger_submit (l, &r, T0, fx_ledger_fake_status, NULL, NULL, &err));
  g_assert_error (err, MODEL_LEDGER_ERROR, MODEL_STD_PIN_REQUIRED);
  g_clear_error (&err);
  g_assert_cmpuint (model_ledger_n_orders (l), ==, 0);

  /* ERR-2: a refusal stores nothing: the same key may be used once the PIN is in. */
  r.pin_verified = TRUE;
  fx_ledger_submit_ok (l, &r, T0 + 10);
  g_assert_cmpuint (model_ledger_n_orders (l), ==, 1);
}

/* PAY-5 */
static void
test_submit_malformed (void)
{
  g_autoptr (ModelLedger) l = model_ledger_new ();
  static const struct {
    const char *field;
    const char *key, *payee, *channel, *currency;
    gint64 amount;
    guint32 city;
    int level;
  } cases[] = {
    { "amount_fen", "k", "m", "ch", "CNY", 0, 110100, 2 },
    { "amount_fen", "k", "m", "ch", "CNY", -5, 110100, 2 },
    { "amount_fen", "k", "m", "ch", "CNY", G_GINT64_CONSTANT (10000000001), 110100, 2 },
    { "amount_fen", "k", "m", "ch", "CNY", G_MININT64, 110100, 2 },
    { "idempotency_key", "", "m", "ch", "CNY", 1, 110100, 2 },
    { "idempotency_key", "has space", "m", "ch", "CNY", 1, 110100, 2 },
    { "idempotency_key", "tab\there", "m", "ch", "CNY", 1, 110100, 2 },
    { "idempotency_key", "\xe4\xb8\xad", "m", "ch", "CNY", 1, 110100, 2 },
    { "idempotency_key", "0123456789012345678901234567890123456789012345678901234567890123X",
      "m", "ch", "CNY", 1, 110100, 2 },
    { "payee", "k", "", "ch", "CNY", 1, 110100, 2 },
    { "payee", "k", "012345678901234567890123456789012", "ch", "CNY", 1, 110100, 2 },
    { "payee", "k", "m\x7f", "ch", "CNY", 1, 110100, 2 },
    { "channel_id", "k", "m", "", "CNY", 1, 110100, 2 },
    { "currency", "k", "m", "ch", "USD", 1, 110100, 2 },
    { "currency", "k", "m", "ch", "CNYX", 1, 110100, 2 },
    { "city", "k", "m", "ch", "CNY", 1, 99999, 2 },
    { "city", "k", "m", "ch", "CNY", 1, 1000000, 2 },
    { "ecard_level", "k", "m", "ch", "CNY", 1, 110100, 3 },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) err = NULL;
      ModelPaymentRequest r = fx_ledger_req_for (cases[i].key, cases[i].city,
                                       cases[i].amount);
      r.payee = cases[i].payee;
      r.channel_id = cases[i].channel;
      r.currency = cases[i].currency;
      r.ecard_level = cases[i].level;
      g_assert_null (model_ledger_submit (l, &r, T0, fx_ledger_fake_status, NULL, NULL,
                                          &err));
      g_assert_error (err, MODEL_LEDGER_ERROR, MODEL_STD_MALFORMED);
      if (strstr (err->message, cases[i].field) == NULL)
        g_error ("case %zu: \"%s\" does not name %s", i, err->message,
                 cases[i].field);
    }
  /* NULL strings and a bad clock too. */
  g_autoptr (GError) err = NULL;
  ModelPaymentRequest r = fx_ledger_req_for (NULL, 110100, 1);
  g_assert_null (model_ledger_submit (l, &r, T0, fx_ledger_fake_status, NULL, NULL, &err));
  g_assert_error (err, MODEL_LEDGER_ERROR, MODEL_STD_MALFORMED);
  g_clear_error (&err);
  r = fx_ledger_req_for ("k", 110100, 1);
  g_assert_null (model_ledger_submit (l, &r, 0, fx_ledger_fake_status, NULL, NULL, &err));
  g_assert_error (err, MODEL_LEDGER_ERROR, MODEL_STD_MALFORMED);
  g_clear_error (&err);
  /* The limits themselves are accepted. */
  r = fx_ledger_req_for ("0123456789012345678901234567890123456789012345678901234567890123",
               999999, MODEL_LEDGER_AMOUNT_MAX);
  r.payee = "01234567890123456789012345678901";
  fx_ledger_submit_ok (l, &r, T0);
  g_assert_cmpuint (model_ledger_n_orders (l), ==, 1);
}

/* ---- settlement --------------------------------------------------------- */

/* PAY-11, PAY-12, PAY-14 */
static void
test_settle_once (void)
{
  g_autoptr (ModelLedger) l = model_ledger_new ();
  g_autoptr (GError) err = NULL;
  model_ledger_set_switch (l, 110100, T0, NULL);
  ModelPaymentRequest r = fx_ledger_req_for ("s-1", 110100, 4321);
  const ModelPaymentOrder *o = fx_ledger_submit_ok (l, &r, T0 + 10);
  g_assert_false (model_ledger_settle (l, o->order_id, T0 + 9, NULL, &err));
  g_assert_error (err, MODEL_LEDGER_ERROR, MODEL_STD_INVALID_STATE);
  g_clear_error (&err);
  fx_ledger_settle_ok (l, o->order_id, T0 + 20);

  ModelStdCode outcome = MODEL_STD_OK;
  g_assert_true (model_ledger_settle (l, o->order_id, T0 + 30, &outcome, &err));
  g_assert_no_error (err);
  g_assert_cmpint (outcome, ==, MODEL_STD_DUPLICATE);
  g_assert_cmpint (o->settled_at, ==, T0 + 20);
  g_assert_cmpuint (model_ledger_n_postings (l), ==, 4);

  g_autoptr (GArray) ps = g_array_new (FALSE, TRUE, sizeof (ModelPosting));
  model_ledger_foreach_posting (l, fx_ledger_collect_posting, ps);
  static const char *const accounts[] = {
    "payer:11111111111111111111111111111111", "clearing:unified",
    "clearing:unified", "payee:m-0001",
  };
  for (guint i = 0; i < 4; i++)
    {
      const ModelPosting *p = &g_array_index (ps, ModelPosting, i);
      g_assert_cmpuint (p->seq, ==, i);
      g_assert_cmpuint (p->line, ==, i);
      g_assert_cmpint (p->side, ==, i % 2 ? MODEL_ENTRY_CREDIT : MODEL_ENTRY_DEBIT);
      g_assert_cmpstr (p->account, ==, accounts[i]);
      g_assert_cmpint (p->amount_fen, ==, 4321);
      g_assert_cmpint (p->posted_at, ==, T0 + 20);
      g_assert_cmpstr (p->order_id, ==, o->order_id);
    }

  g_assert_false (model_ledger_settle (l, "nope", T0, NULL, &err));
  g_assert_error (err, MODEL_LEDGER_ERROR, MODEL_STD_NOT_FOUND);
  g_clear_error (&err);
  g_assert_false (model_ledger_settle (l, NULL, T0, NULL, &err));
  g_assert_error (err, MODEL_LEDGER_ERROR, MODEL_STD_NOT_FOUND);
}

/* PAY-17: settlement checks the order's state before the time: a settled
 * order settled again before its creation is a duplicate; a failed order is
 * invalid_state at any time; any text that names no order is not_found. */
static void
test_settle_order (void)
{
  g_autoptr (ModelLedger) l = model_ledger_new ();
  g_autoptr (GError) err = NULL;
  ModelPaymentRequest r = fx_ledger_req_for ("o-1", 110100, 10);
  const ModelPaymentOrder *o = fx_ledger_submit_ok (l, &r, T0 + 10);
  fx_ledger_settle_ok (l, o->order_id, T0 + 20);
  ModelStdCode outcome = MODEL_STD_INTERNAL;
  g_assert_true (model_ledger_settle (l, o->order_id, T0 + 5, &outcome, &err));
  g_assert_no_error (err);
  g_assert_cmpint (outcome, ==, MODEL_STD_DUPLICATE);
  g_assert_cmpint (o->settled_at, ==, T0 + 20);
  g_assert_cmpuint (model_ledger_n_postings (l), ==, 4);

  r = fx_ledger_req_for ("o-2", 110100, 10);
  o = fx_ledger_submit_ok (l, &r, T0 + 10);
  g_assert_true (model_ledger_fail (l, o->order_id, T0 + 11, MODEL_STD_CARD_UNUSABLE, NULL,
                                    NULL));
  g_assert_false (model_ledger_settle (l, o->order_id, T0 + 5, NULL, &err));
  g_assert_error (err, MODEL_LEDGER_ERROR, MODEL_STD_INVALID_STATE);
  g_clear_error (&err);

  g_autofree char *upper = g_ascii_strup (o->order_id, -1);
  static const char *const no_orders[] = { "", "x", "not an order id" };
  for (gsize i = 0; i < G_N_ELEMENTS (no_orders); i++)
    {
      g_assert_false (model_ledger_settle (l, no_orders[i], T0 + 5, NULL, &err));
      g_assert_error (err, MODEL_LEDGER_ERROR, MODEL_STD_NOT_FOUND);
      g_clear_error (&err);
    }
  g_assert_false (model_ledger_settle (l, upper, T0 + 20, NULL, &err));
  g_assert_error (err, MODEL_LEDGER_ERROR, MODEL_STD_NOT_FOUND);
}

/* PAY-13 */
static void
test_fail (void)
{
  g_autoptr (ModelLedger) l = model_ledger_new ();
  g_autoptr (GError) err = NULL;
  ModelPaymentRequest r = fx_ledger_req_for ("f-1", 110100, 10);
  const ModelPaymentOrder *o = fx_ledger_submit_ok (l, &r, T0);
  ModelStdCode outcome = MODEL_STD_INTERNAL;
  g_assert_true (model_ledger_fail (l, o->order_id, T0 + 1,
                                    MODEL_STD_CARD_UNUSABLE, &outcome, &err));
  g_assert_cmpint (outcome, ==, MODEL_STD_OK);
  g_assert_cmpint (o->state, ==, MODEL_ORDER_FAILED);
  g_assert_true (model_ledger_fail (l, o->order_id, T0 + 2,
                                    MODEL_STD_INTERNAL, &outcome, &err));
  g_assert_cmpint (outcome, ==, MODEL_STD_DUPLICATE);
  g_assert_cmpint (o->failure, ==, MODEL_STD_CARD_UNUSABLE);
  g_assert_false (model_ledger_settle (l, o->order_id, T0 + 3, NULL, &err));
  g_assert_error (err, MODEL_LEDGER_ERROR, MODEL_STD_INVALID_STATE);
  g_clear_error (&err);
  g_assert_cmpuint (model_ledger_n_postings (l), ==, 0);

  r = fx_ledger_req_for ("f-2", 110100, 10);
  o = fx_ledger_submit_ok (l, &r, T0);
  fx_ledger_settle_ok (l, o->order_id, T0 + 1);
  g_assert_false (model_ledger_fail (l, o->order_id, T0 + 2,
                                     MODEL_STD_INTERNAL, NULL, &err));
  g_assert_error (err, MODEL_LEDGER_ERROR, MODEL_STD_INVALID_STATE);
  g_clear_error (&err);

  ModelLedgerReport rep;
  g_assert_true (model_ledger_reconcile (l, FALSE, &rep, &err));
  g_assert_no_error (err);
  g_assert_cmpuint (rep.n_failed, ==, 1);
  g_assert_cmpuint (rep.n_settled, ==, 1);
}

int
main (int argc, char **argv)
{
  essc_test_init (&argc, &argv);
  memset (fx_ledger_lost_id, 0xee, sizeof fx_ledger_lost_id);
  memset (fx_ledger_unknown_id, 0xdd, sizeof fx_ledger_unknown_id);
  g_test_add_func ("/ledger/route/switch", test_route_switch);
  g_test_add_func ("/ledger/route/fixed-at-creation", test_route_fixed_at_creation);
  g_test_add_func ("/ledger/submit/order-id", test_order_id);
  g_test_add_func ("/ledger/submit/duplicate", test_submit_duplicate);
  g_test_add_func ("/ledger/submit/conflict", test_submit_conflict);
  g_test_add_func ("/ledger/submit/refused", test_submit_refused);
  g_test_add_func ("/ledger/submit/malformed", test_submit_malformed);
  g_test_add_func ("/ledger/settle/once", test_settle_once);
  g_test_add_func ("/ledger/settle/order-of-checks", test_settle_order);
  g_test_add_func ("/ledger/settle/fail", test_fail);
  return g_test_run ();
}
