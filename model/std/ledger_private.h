/* SPDX-License-Identifier: MIT */
/*
 * The inside of a ModelLedger, shared by the two files that implement
 * model/std/ledger.h: model/std/ledger.c (routing table, submission, settlement,
 * failure, look-ups) and model/std/ledger_book.c (reconciliation of the whole
 * book, and foreach/restore for the store).  Only those two files include
 * this header; everyone else sees ModelLedger as opaque.  The helpers below
 * are defined in ledger.c; the field checks set MODEL_LEDGER_ERROR /
 * MODEL_STD_MALFORMED naming the field, like every check of the module.
 */
#pragma once

#include "model/std/ledger.h"

G_BEGIN_DECLS

struct _ModelLedger {
  GHashTable *switches;   /* city (GUINT_TO_POINTER) -> gint64* switch time */
  GPtrArray *orders;      /* ModelPaymentOrder*, owned, submission order */
  GHashTable *by_id;      /* order_id -> ModelPaymentOrder* (borrowed) */
  GArray *journal;        /* ModelPosting */
};

/* Field checks.  check_text: printable ASCII without space, 1..max bytes. */
gboolean model_ledger_priv_check_text (const char *s, gsize max,
                                       const char *field, GError **error);
gboolean model_ledger_priv_check_city (guint32 city, GError **error);
gboolean model_ledger_priv_check_amount (gint64 amount, GError **error);
gboolean model_ledger_priv_check_currency (const char *currency,
                                           GError **error);
/* t > 0. */
gboolean model_ledger_priv_check_time (gint64 t, const char *field,
                                       GError **error);

/* The order with that id, or NULL (order_id may be NULL). */
ModelPaymentOrder *model_ledger_priv_find (const ModelLedger *ledger,
                                           const char *order_id);
/* Appends o (taking ownership) and indexes it by its order id. */
void model_ledger_priv_insert_order (ModelLedger *ledger,
                                     ModelPaymentOrder *o);

/* The account and side of line (0..3) of order o's transaction (PAY-11,
 * PAY-14). */
void model_ledger_priv_line_account (const ModelPaymentOrder *o, guint line,
                                     char out[MODEL_LEDGER_ACCOUNT_MAX + 1]);
ModelEntrySide model_ledger_priv_line_side (guint line);

G_END_DECLS
