/* SPDX-License-Identifier: MIT */
/*
 * Helpers shared by tests/std/test_ledger.c and tests/std/test_ledger_book.c: a fake
 * status feed (lost_id is unusable, unknown_id unknown), a payment request,
 * submission and settlement that must succeed, and a posting collector.
 * Static inline, so each test binary takes only what it uses.
 */
#pragma once

#include "model/std/ledger.h"
#include "tests/lib/testutil.h"

#include <string.h>

#ifndef T0
#define T0 ESSC_TEST_NOW
#endif

static guint8 lost_id[MODEL_ECARD_ID_LEN];
static guint8 unknown_id[MODEL_ECARD_ID_LEN];

static inline ModelStdCode
fake_status (const guint8 ecard_id[16], gpointer user_data)
{
  int *calls = user_data;
  if (calls != NULL)
    (*calls)++;
  if (memcmp (ecard_id, lost_id, MODEL_ECARD_ID_LEN) == 0)
    return MODEL_STD_CARD_UNUSABLE;
  if (memcmp (ecard_id, unknown_id, MODEL_ECARD_ID_LEN) == 0)
    return MODEL_STD_NOT_FOUND;
  return MODEL_STD_OK;
}

static inline ModelPaymentRequest
req_for (const char *key, guint32 city, gint64 amount)
{
  ModelPaymentRequest r = {
    .channel_id = "ch-alipay", .idempotency_key = key, .city = city,
    .payee = "m-0001", .amount_fen = amount, .currency = "CNY",
    .ecard_level = 2, .pin_verified = TRUE,
  };
  memset (r.ecard_id, 0x11, sizeof r.ecard_id);
  return r;
}

static inline const ModelPaymentOrder *
submit_ok (ModelLedger *l, const ModelPaymentRequest *r, gint64 now)
{
  g_autoptr (GError) err = NULL;
  ModelStdCode outcome = MODEL_STD_INTERNAL;
  const ModelPaymentOrder *o = model_ledger_submit (l, r, now, fake_status,
                                                    NULL, &outcome, &err);
  g_assert_no_error (err);
  g_assert_nonnull (o);
  g_assert_cmpint (outcome, ==, MODEL_STD_OK);
  return o;
}

static inline void
settle_ok (ModelLedger *l, const char *order_id, gint64 now)
{
  g_autoptr (GError) err = NULL;
  ModelStdCode outcome = MODEL_STD_INTERNAL;
  g_assert_true (model_ledger_settle (l, order_id, now, &outcome, &err));
  g_assert_no_error (err);
  g_assert_cmpint (outcome, ==, MODEL_STD_OK);
}

static inline gboolean
collect_posting (const ModelPosting *p, gpointer user_data)
{
  g_array_append_val ((GArray *) user_data, *p);
  return TRUE;
}
