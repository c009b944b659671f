/* SPDX-License-Identifier: MIT */
/*
 * Vectors of ESSC-STD section 8 (payment.json), all in groups of profile
 * {"payment": true}.  Platform: routes before and after a city's switch
 * (the switch second, an order settled after the switch staying local,
 * routing changes refused or allowed), order ids (PAY-4), idempotent
 * submission (duplicate, conflict, another channel, a duplicate after the
 * card was lost), the status, level and PIN checks in their order, every
 * malformed field, settlement once (duplicate, unknown order, settle before
 * creation) and reconciliation totals.  Channel: payment.prepare echoes the
 * order and refuses a level-1 e-card, a missing PIN and a channel that is
 * not live.  Mirrored on ModelLedger with the card registry's status feed.
 */
#include "conformance/vec_private.h"

#include "model/std/ledger.h"

#include <string.h>

#define T0 CONF_VECTORS_CLOCK
#define DAY ((gint64) 86400)
#define CH "CH100001"
#define PAYEE "M-PHARMACY-01"

typedef struct {
  ConfVec *v;
  ConfVecWorld *w;
  ModelLedger *ledger;
  guint8 id1[16], id2[16], id3[16];   /* city 1 (switched) L2, city 2 (switches T0+DAY) L2, L1 */
  char order[MODEL_LEDGER_ORDER_ID_LEN + 1];
} Fx;

static void
switch_step (Fx *fx, guint32 city, gint64 at, ModelStdCode want)
{
  GError *error = NULL;
  model_ledger_set_switch (fx->ledger, city, at, &error);
  conf_vec_agree (fx->v, "settlement.set_switch", error, want);
  conf_vec_step (fx->v, "settlement.set_switch",
                 conf_jo ("city", conf_ji (city), "switch_at", conf_ji (at), NULL),
                 want == MODEL_STD_OK ? conf_vec_ok (NULL) : conf_vec_err (want), NULL);
}

static void
fx_reset (Fx *fx, gboolean emit)
{
  g_clear_pointer (&fx->w, conf_vec_world_free);
  g_clear_pointer (&fx->ledger, model_ledger_free);
  fx->w = conf_vec_world_new ();
  fx->ledger = model_ledger_new ();
  model_ledger_set_switch (fx->ledger, CONF_VEC_CITY1, T0 - DAY, NULL);
  conf_vec_mute (fx->v, !emit);
  conf_vec_reset_platform (fx->v, fx->w,
                           conf_ja (conf_jo ("city", conf_ji (CONF_VEC_CITY1),
                                             "switch_at", conf_ji (T0 - DAY), NULL), NULL));
  switch_step (fx, CONF_VEC_CITY2, T0 + DAY, MODEL_STD_OK);
  const guint8 *dev = model_device_key_public (fx->w->device);
  conf_vec_card_register (fx->v, fx->w, CONF_VEC_CARD1, CONF_VEC_SSN1, conf_vec_name1,
                          CONF_VEC_CITY1, TRUE, T0, MODEL_STD_OK);
  conf_vec_card_issue (fx->v, fx->w, CONF_VEC_CARD1, 2, conf_vec_full_evidence, dev, T0,
                       MODEL_STD_OK, fx->id1);
  conf_vec_card_register (fx->v, fx->w, CONF_VEC_CARD2, CONF_VEC_SSN2, conf_vec_name2,
                          CONF_VEC_CITY2, TRUE, T0, MODEL_STD_OK);
  conf_vec_card_issue (fx->v, fx->w, CONF_VEC_CARD2, 2, conf_vec_full_evidence, dev, T0,
                       MODEL_STD_OK, fx->id2);
  conf_vec_card_register (fx->v, fx->w, CONF_VEC_CARD3, CONF_VEC_SSN3, conf_vec_name3,
                          CONF_VEC_CITY3, TRUE, T0, MODEL_STD_OK);
  conf_vec_card_issue (fx->v, fx->w, CONF_VEC_CARD3, 1, conf_vec_full_evidence, dev, T0,
                       MODEL_STD_OK, fx->id3);
  conf_vec_mute (fx->v, FALSE);
}

typedef struct {
  const char *channel, *key;
  const guint8 *ecard;
  guint32 city;
  const char *payee;
  gint64 amount;
  const char *currency;
  gboolean pin;
} Pay;

static void
submit (Fx *fx, const Pay *p, gint64 now, ModelStdCode want)
{
  GError *error = NULL;
  ModelEcard e;
  int level = model_card_get_ecard (fx->w->cards, p->ecard, &e, NULL) ? e.level : 2;
  ModelPaymentRequest req = { p->channel, p->key, { 0 }, p->city, p->payee, p->amount,
                              p->currency, level, p->pin };
  memcpy (req.ecard_id, p->ecard, 16);
  ModelStdCode outcome = MODEL_STD_OK;
  const ModelPaymentOrder *o = model_ledger_submit (fx->ledger, &req, now, model_card_status_fn,
                                                    fx->w->cards, &outcome, &error);
  if (o != NULL && outcome == MODEL_STD_DUPLICATE && want == MODEL_STD_DUPLICATE)
    want = MODEL_STD_OK;   /* a duplicate is an accepted answer with duplicate: true */
  else if (o != NULL && outcome != MODEL_STD_OK)
    conf_vec_fail (fx->v, "payment.submit: unexpected outcome %s",
                   model_std_code_name (outcome));
  conf_vec_agree (fx->v, "payment.submit", error, want);
  JsonNode *expect;
  if (o != NULL)
    {
      g_strlcpy (fx->order, o->order_id, sizeof fx->order);
      expect = conf_vec_ok (conf_jo ("order_id", conf_js (o->order_id),
                                     "route", conf_js (model_route_name (o->route)),
                                     "state", conf_js (model_order_state_name (o->state)),
                                     "duplicate", conf_jb (outcome == MODEL_STD_DUPLICATE),
                                     NULL));
    }
  else
    expect = conf_vec_err (want);
  conf_vec_step (fx->v, "payment.submit",
                 conf_jo ("channel_id", conf_js (p->channel), "idempotency_key", conf_js (p->key),
                          "ecard_id", conf_jh (p->ecard, 16), "city", conf_ji (p->city),
                          "payee", conf_js (p->payee), "amount_fen", conf_ji (p->amount),
                          "currency", conf_js (p->currency), "pin_verified", conf_jb (p->pin),
                          "now", conf_ji (now), NULL),
                 expect, NULL);
}

static void
settle (Fx *fx, const char *order, gint64 now, ModelStdCode want)
{
  GError *error = NULL;
  ModelStdCode outcome = MODEL_STD_OK;
  gboolean ok = model_ledger_settle (fx->ledger, order, now, &outcome, &error);
  conf_vec_agree (fx->v, "payment.settle", error, want);
  conf_vec_step (fx->v, "payment.settle",
                 conf_jo ("order_id", conf_js (order), "now", conf_ji (now), NULL),
                 ok ? conf_vec_ok (conf_jo ("state", conf_js ("settled"), "duplicate",
                                            conf_jb (outcome == MODEL_STD_DUPLICATE), NULL))
                    : conf_vec_err (want),
                 NULL);
}

static void
reconcile (Fx *fx)
{
  ModelLedgerReport r;
  GError *error = NULL;
  model_ledger_reconcile (fx->ledger, FALSE, &r, &error);
  conf_vec_agree (fx->v, "ledger.reconcile", error, MODEL_STD_OK);
  conf_vec_step (fx->v, "ledger.reconcile", conf_jo (NULL, NULL),
                 conf_vec_ok (conf_jo ("orders", conf_ji ((gint64) r.n_orders),
                                       "settled", conf_ji ((gint64) r.n_settled),
                                       "local_fen", conf_ji (r.settled_fen[MODEL_ROUTE_LOCAL]),
                                       "unified_fen",
                                       conf_ji (r.settled_fen[MODEL_ROUTE_UNIFIED]), NULL)),
                 NULL);
}

#define TEST(name, reqs, comment, flags, result) \
  do { fx_reset (fx, FALSE); conf_vec_test (fx->v, name, reqs, comment, flags, result); } \
  while (0)

static void
platform_tests (Fx *fx)
{
  Pay p1 = { CH, "order-0001", fx->id1, CONF_VEC_CITY1, PAYEE, 1250, "CNY", TRUE };
  Pay p2 = { CH, "order-0002", fx->id2, CONF_VEC_CITY2, PAYEE, 3000, "CNY", TRUE };
  TEST ("platform/unified-after-switch", "PAY-2 PAY-4 PAY-10", "a city switched yesterday: "
        "unified; the order id of PAY-4", NULL, "valid");
  submit (fx, &p1, T0 + 10, MODEL_STD_OK);
  TEST ("platform/local-before-switch", "PAY-2 PAY-4", "a city that switches tomorrow: local",
        NULL, "valid");
  submit (fx, &p2, T0 + 10, MODEL_STD_OK);
  TEST ("platform/switch-second-unified", "PAY-2", "created at the switch second itself",
        NULL, "valid");
  submit (fx, &p2, T0 + DAY, MODEL_STD_OK);
  TEST ("platform/route-kept-after-switch", "PAY-3 PAY-11 PAY-15", "created before the switch, "
        "settled after it: still local", NULL, "valid");
  submit (fx, &p2, T0 + 10, MODEL_STD_OK);
  settle (fx, fx->order, T0 + 2 * DAY, MODEL_STD_OK);
  reconcile (fx);
  TEST ("platform/switch-change-refused", "PAY-3", "moving the switch before an existing local "
        "order would move it", "Routing", "invalid");
  submit (fx, &p2, T0 + 10, MODEL_STD_OK);
  switch_step (fx, CONF_VEC_CITY2, T0 + 5, MODEL_STD_INVALID_STATE);
  TEST ("platform/switch-change-allowed", "PAY-3 PAY-1", "moving a future switch that no order "
        "depends on", "Routing", "valid");
  submit (fx, &p2, T0 + 10, MODEL_STD_OK);
  switch_step (fx, CONF_VEC_CITY2, T0 + 2 * DAY, MODEL_STD_OK);
  TEST ("platform/switch-city-malformed", "PAY-1", "city 99999", "Malformed", "invalid");
  switch_step (fx, 99999, T0, MODEL_STD_MALFORMED);
  TEST ("platform/switch-negative", "PAY-1", "a negative switch time", "Malformed", "invalid");
  switch_step (fx, CONF_VEC_CITY3, -1, MODEL_STD_MALFORMED);

  TEST ("platform/duplicate", "PAY-6", "the same submission twice: the original order, "
        "duplicate", "Duplicate", "valid");
  submit (fx, &p1, T0 + 10, MODEL_STD_OK);
  submit (fx, &p1, T0 + 20, MODEL_STD_DUPLICATE);
  TEST ("platform/duplicate-after-loss", "PAY-6", "a retry after the card was reported lost "
        "returns the original order without a status check", "Duplicate StatusChange", "valid");
  submit (fx, &p1, T0 + 10, MODEL_STD_OK);
  conf_vec_card_transition (fx->v, fx->w, CONF_VEC_CARD1, "lost", T0 + 15, MODEL_STD_OK);
  submit (fx, &p1, T0 + 20, MODEL_STD_DUPLICATE);
  TEST ("platform/conflict", "PAY-6", "the same key with another amount", "Duplicate",
        "invalid");
  submit (fx, &p1, T0 + 10, MODEL_STD_OK);
  Pay c = p1;
  c.amount = 1251;
  submit (fx, &c, T0 + 20, MODEL_STD_CONFLICT);
  TEST ("platform/same-key-other-channel", "PAY-6 PAY-4", "the same key under another channel "
        "is another order", NULL, "valid");
  submit (fx, &p1, T0 + 10, MODEL_STD_OK);
  c = p1;
  c.channel = "CH100002";
  submit (fx, &c, T0 + 20, MODEL_STD_OK);

  TEST ("platform/card-lost", "PAY-7 CARD-7", "the card reported lost before paying",
        "StatusChange", "invalid");
  conf_vec_card_transition (fx->v, fx->w, CONF_VEC_CARD1, "lost", T0 + 5, MODEL_STD_OK);
  submit (fx, &p1, T0 + 10, MODEL_STD_CARD_UNUSABLE);
  guint8 unknown[16];
  conf_vec_derive ("an e-card id nobody issued", unknown, 16);
  TEST ("platform/ecard-unknown", "PAY-7", "an e-card nobody issued", "NotFound", "invalid");
  c = p1;
  c.ecard = unknown;
  submit (fx, &c, T0 + 10, MODEL_STD_NOT_FOUND);
  TEST ("platform/level1", "PAY-8", "a level-1 e-card", "Level", "invalid");
  c = p1;
  c.ecard = fx->id3;
  c.city = CONF_VEC_CITY3;
  submit (fx, &c, T0 + 10, MODEL_STD_LEVEL_REQUIRED);
  TEST ("platform/level1-no-pin", "PAY-10 PAY-8", "level is checked before the PIN", "Level",
        "invalid");
  c.pin = FALSE;
  submit (fx, &c, T0 + 10, MODEL_STD_LEVEL_REQUIRED);
  TEST ("platform/no-pin-then-pin", "PAY-9 PAY-10 ERR-2", "refused without the PIN; the key "
        "stays unused, so the retry with the PIN is a new order", "Pin", "valid");
  c = p1;
  c.pin = FALSE;
  submit (fx, &c, T0 + 10, MODEL_STD_PIN_REQUIRED);
  submit (fx, &p1, T0 + 20, MODEL_STD_OK);

  g_autofree char *key65 = g_strnfill (65, 'k');
  g_autofree char *payee33 = g_strnfill (33, 'p');
  const struct {
    const char *name, *comment;
    Pay p;
    gint64 now;
  } bad[] = {
    { "channel-blank", "a blank in the channel id", { "CH 00001", "k", NULL, 0, PAYEE, 1, "CNY",
      TRUE }, T0 },
    { "key-65", "a 65-character idempotency key", { CH, key65, NULL, 0, PAYEE, 1, "CNY", TRUE },
      T0 },
    { "key-empty", "an empty idempotency key", { CH, "", NULL, 0, PAYEE, 1, "CNY", TRUE }, T0 },
    { "payee-33", "a 33-character payee", { CH, "k", NULL, 0, payee33, 1, "CNY", TRUE }, T0 },
    { "amount-0", "0 fen", { CH, "k", NULL, 0, PAYEE, 0, "CNY", TRUE }, T0 },
    { "amount-negative", "-1 fen", { CH, "k", NULL, 0, PAYEE, -1, "CNY", TRUE }, T0 },
    { "amount-over", "10 000 000 001 fen", { CH, "k", NULL, 0, PAYEE, 10000000001, "CNY", TRUE },
      T0 },
    { "currency-lowercase", "currency cny", { CH, "k", NULL, 0, PAYEE, 1, "cny", TRUE }, T0 },
    { "currency-usd", "currency USD", { CH, "k", NULL, 0, PAYEE, 1, "USD", TRUE }, T0 },
    { "city-low", "city 99999", { CH, "k", NULL, 99999, PAYEE, 1, "CNY", TRUE }, T0 },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *name = g_strdup_printf ("platform/malformed-%s", bad[i].name);
      TEST (name, "PAY-5", bad[i].comment, "Malformed", "invalid");
      Pay q = bad[i].p;
      q.ecard = fx->id1;
      if (q.city == 0)
        q.city = CONF_VEC_CITY1;
      submit (fx, &q, bad[i].now, MODEL_STD_MALFORMED);
    }
  TEST ("platform/amount-max", "PAY-5", "10 000 000 000 fen, the largest amount", NULL, "valid");
  c = p1;
  c.amount = 10000000000;
  submit (fx, &c, T0 + 10, MODEL_STD_OK);

  TEST ("platform/settle-once", "PAY-11 PAY-12 PAY-15", "settled, then settled again: "
        "duplicate, nothing posted twice", "Duplicate", "valid");
  submit (fx, &p1, T0 + 10, MODEL_STD_OK);
  settle (fx, fx->order, T0 + 20, MODEL_STD_OK);
  settle (fx, fx->order, T0 + 30, MODEL_STD_OK);
  reconcile (fx);
  TEST ("platform/settle-unknown", "PAY-12", "an order id nobody created", "NotFound",
        "invalid");
  {
    char id[MODEL_LEDGER_ORDER_ID_LEN + 1];
    model_ledger_order_id (CH, "never-submitted", id, NULL);
    settle (fx, id, T0 + 10, MODEL_STD_NOT_FOUND);
  }
  TEST ("platform/settle-before-creation", "PAY-12", "settlement time before created_at",
        "Clock", "invalid");
  submit (fx, &p1, T0 + 10, MODEL_STD_OK);
  settle (fx, fx->order, T0 + 9, MODEL_STD_INVALID_STATE);
  TEST ("platform/reconcile-two-routes", "PAY-15 PAY-11 PAY-2", "one order on each route, "
        "settled: totals per route", NULL, "valid");
  submit (fx, &p1, T0 + 10, MODEL_STD_OK);
  settle (fx, fx->order, T0 + 11, MODEL_STD_OK);
  submit (fx, &p2, T0 + 12, MODEL_STD_OK);
  settle (fx, fx->order, T0 + 13, MODEL_STD_OK);
  reconcile (fx);
}

static void
prepare (Fx *fx, const char *ref, const guint8 *ecard, int level, gboolean pin,
         const char *currency, ModelStdCode want)
{
  /* An accepted prepare is checked against the test's earlier keys: the same
   * order_ref gives the same idempotency key, another order_ref another key. */
  JsonNode *expect;
  if (want == MODEL_STD_OK)
    expect = conf_vec_ok (conf_jo ("channel_id", conf_js (CH), "ecard_id", conf_jh (ecard, 16),
                                   "city", conf_ji (CONF_VEC_CITY1), "payee", conf_js (PAYEE),
                                   "amount_fen", conf_ji (1250), "currency", conf_js (currency),
                                   NULL));
  else
    expect = conf_vec_err (want);
  conf_vec_step (fx->v, "payment.prepare",
                 conf_jo ("order_ref", conf_js (ref), "ecard_id", conf_jh (ecard, 16),
                          "city", conf_ji (CONF_VEC_CITY1), "payee", conf_js (PAYEE),
                          "amount_fen", conf_ji (1250), "currency", conf_js (currency),
                          "level", conf_ji (level), "pin_verified", conf_jb (pin), NULL),
                 expect, want == MODEL_STD_OK ? "idempotency_key" : NULL);
}

static void
channel_tests (Fx *fx)
{
  ConfVec *v = fx->v;
  guint8 seed[32];
  conf_vec_derive ("channel " CH " key seed", seed, 32);
  conf_vec_group (v, "channel", conf_jo ("payment", conf_jb (TRUE), NULL));
  conf_vec_reset_channel (v, fx->w, CH, 1, NULL, seed, NULL);
  conf_vec_test (v, "channel/prepare", "PAY-6 PAY-10", "an order prepared for submission, "
                 "its content echoed; a retry of the same order keeps its idempotency key, "
                 "another order gets another", NULL, "valid");
  prepare (fx, "cart-1", fx->id1, 2, TRUE, "CNY", MODEL_STD_OK);
  prepare (fx, "cart-1", fx->id1, 2, TRUE, "CNY", MODEL_STD_OK);
  prepare (fx, "cart-7", fx->id1, 2, TRUE, "CNY", MODEL_STD_OK);
  prepare (fx, "cart-1", fx->id1, 2, TRUE, "CNY", MODEL_STD_OK);
  conf_vec_test (v, "channel/prepare-level1", "PAY-8", "a level-1 e-card", "Level", "invalid");
  prepare (fx, "cart-2", fx->id3, 1, TRUE, "CNY", MODEL_STD_LEVEL_REQUIRED);
  conf_vec_test (v, "channel/prepare-no-pin", "PAY-9", "the PIN not verified", "Pin",
                 "invalid");
  prepare (fx, "cart-3", fx->id1, 2, FALSE, "CNY", MODEL_STD_PIN_REQUIRED);
  conf_vec_test (v, "channel/prepare-level1-no-pin", "PAY-10", "level before PIN", "Level",
                 "invalid");
  prepare (fx, "cart-4", fx->id3, 1, FALSE, "CNY", MODEL_STD_LEVEL_REQUIRED);
  conf_vec_test (v, "channel/prepare-currency", "PAY-5", "currency USD", "Malformed", "invalid");
  prepare (fx, "cart-5", fx->id1, 2, TRUE, "USD", MODEL_STD_MALFORMED);
  conf_vec_test (v, "channel/prepare-suspended", "CHAN-6", "a suspended channel prepares "
                 "nothing", "Suspended", "invalid");
  conf_vec_step (v, "channel.set_status", conf_jo ("status", conf_js ("suspended"), NULL),
                 conf_vec_ok (NULL), NULL);
  prepare (fx, "cart-6", fx->id1, 2, TRUE, "CNY", MODEL_STD_CHANNEL_NOT_LIVE);
}

JsonNode *
conf_vec_gen_payment (GError **error)
{
  g_autoptr (ConfVec) v = conf_vec_new ("payment");
  Fx fx = { .v = v };
  conf_vec_note (v, "Routing", "changes to the settlement routing table");
  conf_vec_note (v, "Malformed", "a field outside PAY-5");
  conf_vec_note (v, "Duplicate", "a repeated submission or settlement");
  conf_vec_note (v, "StatusChange", "the card's status changes between steps");
  conf_vec_note (v, "NotFound", "an identifier nobody issued");
  conf_vec_note (v, "Level", "a level-1 e-card");
  conf_vec_note (v, "Pin", "the PIN not verified");
  conf_vec_note (v, "Clock", "a time before the order's creation");
  conf_vec_note (v, "Suspended", "a channel that is not live");
  fx_reset (&fx, FALSE);
  conf_vec_world_keys (v, fx.w);
  conf_vec_group (v, "platform", conf_jo ("payment", conf_jb (TRUE), NULL));
  fx_reset (&fx, TRUE);
  platform_tests (&fx);
  channel_tests (&fx);
  conf_vec_world_free (fx.w);
  model_ledger_free (fx.ledger);
  return conf_vec_finish (v, error);
}
