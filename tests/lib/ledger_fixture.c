/* SPDX-License-Identifier: MIT */
/*
 * The helpers declared in tests/lib/ledger_fixture.h, which says what they are for.
 */
#include "tests/lib/ledger_fixture.h"

guint8 fx_ledger_lost_id[MODEL_ECARD_ID_LEN];
guint8 fx_ledger_unknown_id[MODEL_ECARD_ID_LEN];

ModelStdCode
fx_ledger_fake_status (const guint8 ecard_id[16], gpointer user_data)
{
  int *calls = user_data;
  if (calls != NULL)
    (*calls)++;
  if (memcmp (ecard_id, fx_ledger_lost_id, MODEL_ECARD_ID_LEN) == 0)
    return MODEL_STD_CARD_UNUSABLE;
  if (memcmp (ecard_id, fx_ledger_unknown_id, MODEL_ECARD_ID_LEN) == 0)
    return MODEL_STD_NOT_FOUND;
  return MODEL_STD_OK;
}

ModelPaymentRequest
fx_ledger_req_for (const char *key, guint32 city, gint64 amount)
{
  ModelPaymentRequest r = {
    .channel_id = "ch-alipay", .idempotency_key = key, .city = city,
    .payee = "m-0001", .amount_fen = amount, .currency = "CNY",
    .ecard_level = 2, .pin_verified = TRUE,
  };
  memset (r.ecard_id, 0x11, sizeof r.ecard_id);
  return r;
}

const ModelPaymentOrder *
fx_ledger_submit_ok (ModelLedger *l, const ModelPaymentRequest *r, gint64 now)
{
  g_autoptr (GError) err = NULL;
  ModelStdCode outcome = MODEL_STD_INTERNAL;
  const ModelPaymentOrder *o = model_ledger_submit (l, r, now, fx_ledger_fake_status,
                                                    NULL, &outcome, &err);
  g_assert_no_error (err);
  g_assert_nonnull (o);
  g_assert_cmpint (outcome, ==, MODEL_STD_OK);
  return o;
}

void
fx_ledger_settle_ok (ModelLedger *l, const char *order_id, gint64 now)
{
  g_autoptr (GError) err = NULL;
  ModelStdCode outcome = MODEL_STD_INTERNAL;
  g_assert_true (model_ledger_settle (l, order_id, now, &outcome, &err));
  g_assert_no_error (err);
  g_assert_cmpint (outcome, ==, MODEL_STD_OK);
}

gboolean
fx_ledger_collect_posting (const ModelPosting *p, gpointer user_data)
{
  g_array_append_val ((GArray *) user_data, *p);
  return TRUE;
}
