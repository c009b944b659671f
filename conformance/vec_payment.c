/* SPDX-License-Identifier: MIT */
/*
 * Vectors of ESSC-STD section 8 (payment.json), all in groups of profile
 * {"payment": true}.  Platform: routes before and after a city's switch
 * (the switch second, an order settled after the switch staying local,
 * routing changes refused or allowed), order ids (PAY-4), idempotent
 * submission (duplicate, conflict, another channel, a duplicate after the
 * card was lost), the status, level and PIN checks in their order, every
 * malformed field, settlement once (duplicate, unknown order, settle before
 * creation) and reconciliation totals, PAY-15's allow_accepted, two faults
 * at once (the order of PAY-10 and PAY-17), a channel id the registry does
 * not hold or holds not live (PAY-18), and the request's encoding (ERR-3).
 * Channel: payment.prepare echoes the order, checks every field as PAY-5
 * does (order_ref, payee, amount, city, level, currency, at and beyond their
 * bounds) and refuses a level-1 e-card, a missing PIN and a channel that is
 * not live.  Mirrored on ModelLedger with the card registry's status feed.
 */
#include "conformance/vec_private.h"

#include "base/hex.h"
#include "model/std/ledger.h"

#include <sodium.h>
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

static JsonNode *submit_params (const Pay *p, gint64 now);

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
  conf_vec_step (fx->v, "payment.submit", submit_params (p, now), expect, NULL);
}

/* The params of a submission (for the encoding tests, which alter them). */
static JsonNode *
submit_params (const Pay *p, gint64 now)
{
  return conf_jo ("channel_id", conf_js (p->channel), "idempotency_key", conf_js (p->key),
                  "ecard_id", conf_jh (p->ecard, 16), "city", conf_ji (p->city),
                  "payee", conf_js (p->payee), "amount_fen", conf_ji (p->amount),
                  "currency", conf_js (p->currency), "pin_verified", conf_jb (p->pin),
                  "now", conf_ji (now), NULL);
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

/* ledger.reconcile: allow < 0 sends no allow_accepted (the default, true). */
static void
reconcile_with (Fx *fx, int allow, ModelStdCode want)
{
  ModelLedgerReport r;
  GError *error = NULL;
  gboolean ok = model_ledger_reconcile (fx->ledger, allow != 0, &r, &error);
  conf_vec_agree (fx->v, "ledger.reconcile", error, want);
  conf_vec_step (fx->v, "ledger.reconcile",
                 allow < 0 ? conf_jo (NULL, NULL)
                           : conf_jo ("allow_accepted", conf_jb (allow != 0), NULL),
                 ok ? conf_vec_ok (conf_jo ("orders", conf_ji ((gint64) r.n_orders),
                                            "settled", conf_ji ((gint64) r.n_settled),
                                            "local_fen",
                                            conf_ji (r.settled_fen[MODEL_ROUTE_LOCAL]),
                                            "unified_fen",
                                            conf_ji (r.settled_fen[MODEL_ROUTE_UNIFIED]), NULL))
                    : conf_vec_err (want),
                 NULL);
}

static void
reconcile (Fx *fx)
{
  reconcile_with (fx, 0, MODEL_STD_OK);
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

  TEST ("platform/switch-city-edges", "PAY-1", "cities 100000 and 999999, the ends of the "
        "range: accepted", "Routing", "valid");
  switch_step (fx, 100000, T0, MODEL_STD_OK);
  switch_step (fx, 999999, T0, MODEL_STD_OK);
  TEST ("platform/switch-zero-never", "PAY-1 PAY-2", "a switched city's switch time set to 0: "
        "never switched, so a new order is local", "Routing", "valid");
  switch_step (fx, CONF_VEC_CITY1, 0, MODEL_STD_OK);
  submit (fx, &p1, T0 + 10, MODEL_STD_OK);

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
    { "city-high", "city 1000000", { CH, "k", NULL, 1000000, PAYEE, 1, "CNY", TRUE }, T0 },
    { "payee-blank", "a blank in the payee", { CH, "k", NULL, 0, "M PHARMACY", 1, "CNY", TRUE },
      T0 },
    { "now-zero", "a submission time of 0 (PAY-5: > 0)", { CH, "k", NULL, 0, PAYEE, 1, "CNY",
      TRUE }, 0 },
    { "now-negative", "a submission time before 1970", { CH, "k", NULL, 0, PAYEE, 1, "CNY",
      TRUE }, -1 },
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

  TEST ("platform/amount-min", "PAY-5", "1 fen, the smallest amount", NULL, "valid");
  c = p1;
  c.amount = 1;
  submit (fx, &c, T0 + 10, MODEL_STD_OK);
  TEST ("platform/now-one", "PAY-5 PAY-2 PAY-10", "a submission at Unix second 1, the earliest "
        "time PAY-5 allows (> 0): before the city's switch, so local", NULL, "valid");
  submit (fx, &p1, 1, MODEL_STD_OK);
  TEST ("platform/settle-at-creation", "PAY-11 PAY-12 PAY-15", "settled in the second of its "
        "creation (t >= created_at)", "Clock", "valid");
  submit (fx, &p1, T0 + 10, MODEL_STD_OK);
  settle (fx, fx->order, T0 + 10, MODEL_STD_OK);
  reconcile (fx);

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

  /* PAY-15's option: allow_accepted, true when absent */
  TEST ("platform/reconcile-accepted-allowed", "PAY-15", "an order awaiting settlement, "
        "reconciled without allow_accepted (default true): no discrepancy", NULL, "valid");
  submit (fx, &p1, T0 + 10, MODEL_STD_OK);
  reconcile_with (fx, -1, MODEL_STD_OK);
  reconcile_with (fx, 1, MODEL_STD_OK);
  TEST ("platform/reconcile-accepted-refused", "PAY-15", "the same with allow_accepted false: "
        "an accepted order is a discrepancy (step 5 of 8.5)", "Reconcile", "invalid");
  submit (fx, &p1, T0 + 10, MODEL_STD_OK);
  reconcile_with (fx, 0, MODEL_STD_INVALID_STATE);
  TEST ("platform/reconcile-strict-settled", "PAY-15", "every order settled: allow_accepted "
        "false finds nothing", "Reconcile", "valid");
  submit (fx, &p1, T0 + 10, MODEL_STD_OK);
  settle (fx, fx->order, T0 + 11, MODEL_STD_OK);
  reconcile_with (fx, 0, MODEL_STD_OK);

  /* PAY-10: two faults at once, the first in the order decides */
  TEST ("platform/order-fields-before-status", "PAY-10 PAY-5 PAY-7", "0 fen for an e-card "
        "nobody issued: malformed", "Order", "invalid");
  c = p1;
  c.ecard = unknown;
  c.amount = 0;
  submit (fx, &c, T0 + 10, MODEL_STD_MALFORMED);
  TEST ("platform/order-conflict-before-status", "PAY-10 PAY-6 PAY-7", "a repeat with another "
        "amount after the card was reported lost: conflict", "Order StatusChange", "invalid");
  submit (fx, &p1, T0 + 10, MODEL_STD_OK);
  conf_vec_card_transition (fx->v, fx->w, CONF_VEC_CARD1, "lost", T0 + 15, MODEL_STD_OK);
  c = p1;
  c.amount = 1251;
  submit (fx, &c, T0 + 20, MODEL_STD_CONFLICT);
  TEST ("platform/order-status-before-level", "PAY-10 PAY-7 PAY-8", "a level-1 e-card whose "
        "card was reported lost: card_unusable", "Order StatusChange", "invalid");
  conf_vec_card_transition (fx->v, fx->w, CONF_VEC_CARD3, "lost", T0 + 5, MODEL_STD_OK);
  c = p1;
  c.ecard = fx->id3;
  c.city = CONF_VEC_CITY3;
  submit (fx, &c, T0 + 10, MODEL_STD_CARD_UNUSABLE);
  TEST ("platform/order-status-before-pin", "PAY-10 PAY-7 PAY-9", "an unknown e-card and no "
        "PIN: not_found", "Order NotFound", "invalid");
  c = p1;
  c.ecard = unknown;
  c.pin = FALSE;
  submit (fx, &c, T0 + 10, MODEL_STD_NOT_FOUND);

  /* PAY-17: the order of settlement's checks */
  TEST ("platform/settle-settled-before-time", "PAY-17 PAY-12", "a settled order settled "
        "again at a time before its creation: duplicate, the state is checked first",
        "Order Duplicate Clock", "valid");
  submit (fx, &p1, T0 + 10, MODEL_STD_OK);
  settle (fx, fx->order, T0 + 20, MODEL_STD_OK);
  settle (fx, fx->order, T0 + 5, MODEL_STD_OK);
  reconcile (fx);
  TEST ("platform/settle-malformed-order-id", "PAY-17", "an order id that is no 64-character "
        "hex: not_found, like any text that names no order", "NotFound", "invalid");
  settle (fx, "not an order id", T0 + 10, MODEL_STD_NOT_FOUND);
  TEST ("platform/settle-uppercase-order-id", "PAY-17 PAY-4", "the id of a real order in "
        "upper case names no order: not_found", "NotFound", "invalid");
  submit (fx, &p1, T0 + 10, MODEL_STD_OK);
  {
    g_autofree char *up = g_ascii_strup (fx->order, -1);
    settle (fx, up, T0 + 20, MODEL_STD_NOT_FOUND);
  }

  /* PAY-18: the channel id is a name; the registry is not consulted */
  TEST ("platform/channel-registry-not-consulted", "PAY-18 PAY-10", "a channel the registry "
        "holds, not live (applied), and one it does not hold: both submit, their status is "
        "no check of PAY-10", NULL, "valid");
  {
    guint8 seed[32], pk[32], sk[64];
    conf_vec_derive ("channel CH100003 key seed", seed, 32);
    crypto_sign_seed_keypair (pk, sk, seed);
    sodium_memzero (sk, sizeof sk);
    conf_vec_step (fx->v, "channel.apply",
                   conf_jo ("channel_id", conf_js ("CH100003"), "name", conf_js ("药店支付"),
                            "class", conf_js ("medical"), "tier", conf_ji (1),
                            "public_key", conf_jh (pk, 32), "now", conf_ji (T0), NULL),
                   conf_vec_ok (NULL), NULL);
  }
  c = p1;
  c.channel = "CH100003";
  submit (fx, &c, T0 + 10, MODEL_STD_OK);
  c.channel = "CH999999";
  submit (fx, &c, T0 + 11, MODEL_STD_OK);

  /* ERR-3: the encoding of payment requests */
  static const struct {
    const char *name, *comment;
  } enc[] = {
    { "city-string", "city as the string \"110100\": a city code is an integer" },
    { "amount-2^63", "amount_fen = 2^63: outside 64 bits, never read as -2^63" },
    { "amount-minus-2^63-1", "amount_fen = -2^63-1: outside 64 bits, never read as 2^63-1" },
    { "amount-2^64-plus-100", "amount_fen = 2^64+100: outside 64 bits, never read as 100" },
    { "currency-absent", "no currency: a required member" },
    { "pin-verified-string", "pin_verified = \"true\": a string is no boolean" },
    { "now-null", "now = null" },
    { "settle-now-string", "payment.settle with now as a string" },
    { "reconcile-option-string", "ledger.reconcile with allow_accepted = \"false\"" },
    { "reconcile-option-null", "ledger.reconcile with allow_accepted = null: an optional "
      "member may be left out, null is no boolean" },
    { "switch-at-string", "settlement.set_switch with switch_at as a string" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (enc); i++)
    {
      g_autofree char *name = g_strdup_printf ("platform/encoding-%s", enc[i].name);
      TEST (name, "ERR-3", enc[i].comment, "Encoding", "invalid");
      JsonNode *params = submit_params (&p1, T0 + 10);
      JsonObject *o = json_node_get_object (params);
      const char *op = "payment.submit";
      switch (i)
        {
        case 0:
          json_object_set_string_member (o, "city", "110100");
          break;
        case 1:
          json_object_set_member (o, "amount_fen", conf_jbig ("9223372036854775808"));
          break;
        case 2:
          json_object_set_member (o, "amount_fen", conf_jbig ("-9223372036854775809"));
          break;
        case 3:
          json_object_set_member (o, "amount_fen", conf_jbig ("18446744073709551716"));
          break;
        case 4:
          json_object_remove_member (o, "currency");
          break;
        case 5:
          json_object_set_string_member (o, "pin_verified", "true");
          break;
        case 6:
          json_object_set_null_member (o, "now");
          break;
        case 7:
          json_node_unref (params);
          submit (fx, &p1, T0 + 10, MODEL_STD_OK);
          params = conf_jo ("order_id", conf_js (fx->order), "now", conf_js ("1590969620"), NULL);
          op = "payment.settle";
          break;
        case 10:
          json_node_unref (params);
          params = conf_jo ("city", conf_ji (CONF_VEC_CITY2), "switch_at", conf_js ("1590969600"),
                            NULL);
          op = "settlement.set_switch";
          break;
        default:
          json_node_unref (params);
          submit (fx, &p1, T0 + 10, MODEL_STD_OK);
          params = conf_jo ("allow_accepted", i == 8 ? conf_js ("false")
                                                     : json_node_init_null (json_node_alloc ()),
                            NULL);
          op = "ledger.reconcile";
          break;
        }
      conf_vec_step (fx->v, op, params, conf_vec_err (MODEL_STD_MALFORMED), NULL);
    }
  TEST ("platform/ecard-id-uppercase", "PAY-10", "the e-card id in upper-case hex: a field "
        "outside its form, malformed", "Malformed", "invalid");
  {
    JsonNode *params = submit_params (&p1, T0 + 10);
    g_autofree char *hex = base_hex_encode_dup (fx->id1, 16);
    g_autofree char *up = g_ascii_strup (hex, -1);
    json_object_set_string_member (json_node_get_object (params), "ecard_id", up);
    conf_vec_step (fx->v, "payment.submit", params, conf_vec_err (MODEL_STD_MALFORMED), NULL);
  }
}

/* One payment.prepare: the order's fields. */
typedef struct {
  const char *ref;
  const guint8 *ecard;
  gint64 city;
  const char *payee;
  gint64 amount;
  const char *currency;
  gint64 level;
  gboolean pin;
} Prep;

static JsonNode *
prep_params (const Prep *q)
{
  return conf_jo ("order_ref", conf_js (q->ref), "ecard_id", conf_jh (q->ecard, 16),
                  "city", conf_ji (q->city), "payee", conf_js (q->payee),
                  "amount_fen", conf_ji (q->amount), "currency", conf_js (q->currency),
                  "level", conf_ji (q->level), "pin_verified", conf_jb (q->pin), NULL);
}

static void
prepare_q (Fx *fx, const Prep *q, ModelStdCode want)
{
  /* An accepted prepare is checked against the test's earlier keys: the same
   * order_ref gives the same idempotency key, another order_ref another key. */
  JsonNode *expect;
  if (want == MODEL_STD_OK)
    expect = conf_vec_ok (conf_jo ("channel_id", conf_js (CH), "ecard_id", conf_jh (q->ecard, 16),
                                   "city", conf_ji (q->city), "payee", conf_js (q->payee),
                                   "amount_fen", conf_ji (q->amount),
                                   "currency", conf_js (q->currency), NULL));
  else
    expect = conf_vec_err (want);
  conf_vec_step (fx->v, "payment.prepare", prep_params (q), expect,
                 want == MODEL_STD_OK ? "idempotency_key" : NULL);
}

static void
prepare (Fx *fx, const char *ref, const guint8 *ecard, int level, gboolean pin,
         const char *currency, ModelStdCode want)
{
  Prep q = { ref, ecard, CONF_VEC_CITY1, PAYEE, 1250, currency, level, pin };
  prepare_q (fx, &q, want);
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

  /* the other fields of PAY-5, as ADAPTER.md 4.3 has payment.prepare check them */
  g_autofree char *ref64 = g_strnfill (64, 'r');
  g_autofree char *ref65 = g_strnfill (65, 'r');
  g_autofree char *payee32 = g_strnfill (32, 'p');
  g_autofree char *payee33 = g_strnfill (33, 'p');
  const Prep base = { "cart-8", fx->id1, CONF_VEC_CITY1, PAYEE, 1250, "CNY", 2, TRUE };
  const struct {
    const char *name, *comment;
    Prep q;
    ModelStdCode want;
  } fields[] = {
    { "order-ref-empty", "an empty order_ref", { "", fx->id1, CONF_VEC_CITY1, PAYEE, 1250, "CNY",
      2, TRUE }, MODEL_STD_MALFORMED },
    { "order-ref-65", "an order_ref of 65 characters", { ref65, fx->id1, CONF_VEC_CITY1, PAYEE,
      1250, "CNY", 2, TRUE }, MODEL_STD_MALFORMED },
    { "order-ref-blank", "a blank in the order_ref", { "cart 8", fx->id1, CONF_VEC_CITY1, PAYEE,
      1250, "CNY", 2, TRUE }, MODEL_STD_MALFORMED },
    { "order-ref-64", "an order_ref of 64 characters, the longest", { ref64, fx->id1,
      CONF_VEC_CITY1, PAYEE, 1250, "CNY", 2, TRUE }, MODEL_STD_OK },
    { "order-ref-tilde", "an order_ref with a tilde (0x7e), the last printable character",
      { "cart~8", fx->id1, CONF_VEC_CITY1, PAYEE, 1250, "CNY", 2, TRUE }, MODEL_STD_OK },
    { "order-ref-del", "an order_ref with DEL (0x7f), past the printable characters",
      { "cart\x7f" "8", fx->id1, CONF_VEC_CITY1, PAYEE, 1250, "CNY", 2, TRUE },
      MODEL_STD_MALFORMED },
    { "payee-empty", "an empty payee", { "cart-8", fx->id1, CONF_VEC_CITY1, "", 1250, "CNY", 2,
      TRUE }, MODEL_STD_MALFORMED },
    { "payee-33", "a payee of 33 characters", { "cart-8", fx->id1, CONF_VEC_CITY1, payee33, 1250,
      "CNY", 2, TRUE }, MODEL_STD_MALFORMED },
    { "payee-non-ascii", "a payee with a non-ASCII character", { "cart-8", fx->id1,
      CONF_VEC_CITY1, "药店-01", 1250, "CNY", 2, TRUE }, MODEL_STD_MALFORMED },
    { "payee-32", "a payee of 32 characters, the longest", { "cart-8", fx->id1, CONF_VEC_CITY1,
      payee32, 1250, "CNY", 2, TRUE }, MODEL_STD_OK },
    { "amount-0", "0 fen", { "cart-8", fx->id1, CONF_VEC_CITY1, PAYEE, 0, "CNY", 2, TRUE },
      MODEL_STD_MALFORMED },
    { "amount-negative", "-1 fen", { "cart-8", fx->id1, CONF_VEC_CITY1, PAYEE, -1, "CNY", 2,
      TRUE }, MODEL_STD_MALFORMED },
    { "amount-over", "10 000 000 001 fen", { "cart-8", fx->id1, CONF_VEC_CITY1, PAYEE,
      10000000001, "CNY", 2, TRUE }, MODEL_STD_MALFORMED },
    { "amount-max", "10 000 000 000 fen, the largest", { "cart-8", fx->id1, CONF_VEC_CITY1,
      PAYEE, 10000000000, "CNY", 2, TRUE }, MODEL_STD_OK },
    { "amount-1", "1 fen, the smallest", { "cart-8", fx->id1, CONF_VEC_CITY1, PAYEE, 1, "CNY", 2,
      TRUE }, MODEL_STD_OK },
    { "city-low", "city 99999", { "cart-8", fx->id1, 99999, PAYEE, 1250, "CNY", 2, TRUE },
      MODEL_STD_MALFORMED },
    { "city-high", "city 1000000", { "cart-8", fx->id1, 1000000, PAYEE, 1250, "CNY", 2, TRUE },
      MODEL_STD_MALFORMED },
    { "level-0", "level 0", { "cart-8", fx->id1, CONF_VEC_CITY1, PAYEE, 1250, "CNY", 0, TRUE },
      MODEL_STD_MALFORMED },
    { "level-3", "level 3 (not level_required: no such level)", { "cart-8", fx->id1,
      CONF_VEC_CITY1, PAYEE, 1250, "CNY", 3, TRUE }, MODEL_STD_MALFORMED },
    { "currency-lowercase", "currency cny", { "cart-8", fx->id1, CONF_VEC_CITY1, PAYEE, 1250,
      "cny", 2, TRUE }, MODEL_STD_MALFORMED },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (fields); i++)
    {
      g_autofree char *name = g_strdup_printf ("channel/prepare-%s", fields[i].name);
      conf_vec_test (v, name, "PAY-5", fields[i].comment,
                     fields[i].want == MODEL_STD_OK ? NULL : "Malformed",
                     fields[i].want == MODEL_STD_OK ? "valid" : "invalid");
      prepare_q (fx, &fields[i].q, fields[i].want);
    }

  /* ERR-3 */
  static const char *const enc[] = { "city-string", "amount-2^63", "level-string",
                                     "pin-verified-absent", "ecard-id-uppercase" };
  static const char *const enc_comment[] = {
    "city as the string \"110100\": a city code is an integer",
    "amount_fen = 2^63: outside 64 bits, never read as -2^63",
    "level as the string \"2\"",
    "no pin_verified: a required member",
    "the e-card id in upper-case hex: a field outside its form",
  };
  for (gsize i = 0; i < G_N_ELEMENTS (enc); i++)
    {
      g_autofree char *name = g_strdup_printf ("channel/prepare-encoding-%s", enc[i]);
      conf_vec_test (v, name, i == 4 ? "PAY-5" : "ERR-3", enc_comment[i],
                     i == 4 ? "Malformed" : "Encoding", "invalid");
      JsonNode *params = prep_params (&base);
      JsonObject *o = json_node_get_object (params);
      if (i == 0)
        json_object_set_string_member (o, "city", "110100");
      else if (i == 1)
        json_object_set_member (o, "amount_fen", conf_jbig ("9223372036854775808"));
      else if (i == 2)
        json_object_set_string_member (o, "level", "2");
      else if (i == 3)
        json_object_remove_member (o, "pin_verified");
      else
        {
          g_autofree char *hex = base_hex_encode_dup (fx->id1, 16);
          g_autofree char *up = g_ascii_strup (hex, -1);
          json_object_set_string_member (o, "ecard_id", up);
        }
      conf_vec_step (v, "payment.prepare", params, conf_vec_err (MODEL_STD_MALFORMED), NULL);
    }

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
  conf_vec_note (v, "Reconcile", "reconciliation with allow_accepted false (PAY-15)");
  conf_vec_note (v, "Order", "two faults at once: the order of checks (PAY-10, PAY-17) decides");
  conf_vec_note (v, "Encoding", "a member of another JSON type, absent, or an integer beyond "
                 "the 64-bit range (ERR-3)");
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
