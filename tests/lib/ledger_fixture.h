/* SPDX-License-Identifier: MIT */
/*
 * Helpers shared by tests/std/test_ledger.c and tests/std/test_ledger_book.c: a
 * fake status feed (fx_ledger_lost_id is unusable, fx_ledger_unknown_id
 * unknown; the tests fill both), a payment request, submission and
 * settlement that must succeed, and a posting collector.
 */
#pragma once

#include "model/std/ledger.h"
#include "tests/lib/testutil.h"
#include <string.h>

G_BEGIN_DECLS

#ifndef T0
#define T0 ESSC_TEST_NOW
#endif

/* E-card ids the fake status feed calls unusable and unknown. */
extern guint8 fx_ledger_lost_id[MODEL_ECARD_ID_LEN];
extern guint8 fx_ledger_unknown_id[MODEL_ECARD_ID_LEN];

/* A status feed: user_data (may be NULL) an int counting the calls. */
ModelStdCode fx_ledger_fake_status (const guint8 ecard_id[16], gpointer user_data);

/* A level-2, PIN-verified payment request of channel ch-alipay. */
ModelPaymentRequest fx_ledger_req_for (const char *key, guint32 city, gint64 amount);

/* Submits r and settles an order; both must succeed. */
const ModelPaymentOrder *fx_ledger_submit_ok (ModelLedger *l, const ModelPaymentRequest *r,
                                              gint64 now);

void fx_ledger_settle_ok (ModelLedger *l, const char *order_id, gint64 now);

/* A posting callback appending to the GArray user_data. */
gboolean fx_ledger_collect_posting (const ModelPosting *p, gpointer user_data);

G_END_DECLS
