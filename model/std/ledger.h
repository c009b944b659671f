/* SPDX-License-Identifier: MIT */
/*
 * Payment orders and their settlement (ESSC-STD section 8, requirements
 * PAY-n).  A ModelLedger holds the settlement routing table (city -> the Unix
 * second its switch to the national platform's unified settlement takes
 * effect), the payment orders and a double-entry journal of postings.  The
 * route of an order is decided once, from its creation time, and never
 * changes; submission is idempotent on (channel id, idempotency key);
 * settlement posts one balanced four-line transaction per order, exactly once;
 * reconciliation proves all of that from the records alone, so it also
 * catches records tampered with in the store.  No clock, no I/O: times are
 * passed in, and the e-card's status comes from a ModelStatusFn.
 */
#pragma once

#include <glib.h>

#include "model/std/stdcode.h"

G_BEGIN_DECLS

#define MODEL_LEDGER_ERROR (model_ledger_error_quark ())
GQuark model_ledger_error_quark (void);

#define MODEL_LEDGER_ORDER_ID_LEN 64   /* lowercase hex of BLAKE2b-256 */
#define MODEL_LEDGER_CHANNEL_MAX 64    /* channel id: printable ASCII 1..64 */
#define MODEL_LEDGER_KEY_MAX 64        /* idempotency key: printable ASCII 1..64 */
#define MODEL_LEDGER_PAYEE_MAX 32      /* merchant id: printable ASCII 1..32 */
#define MODEL_LEDGER_ACCOUNT_MAX 64    /* longest account name */
#define MODEL_LEDGER_AMOUNT_MAX G_GINT64_CONSTANT (10000000000) /* fen */
#define MODEL_LEDGER_LINES 4           /* postings per settlement */

typedef enum {
  MODEL_ROUTE_LOCAL = 1,    /* the city's local platform ("local") */
  MODEL_ROUTE_UNIFIED = 2,  /* the national unified settlement ("unified") */
} ModelRoute;

typedef enum {
  MODEL_ORDER_ACCEPTED = 1, /* "accepted": awaiting settlement */
  MODEL_ORDER_SETTLED = 2,  /* "settled": postings made, final */
  MODEL_ORDER_FAILED = 3,   /* "failed": will never settle, final */
} ModelOrderState;

typedef enum {
  MODEL_ENTRY_DEBIT = 1,    /* "debit" */
  MODEL_ENTRY_CREDIT = 2,   /* "credit" */
} ModelEntrySide;

/* Wire names of the enums above, and back (FALSE for an unknown name). */
const char *model_route_name (ModelRoute route);
gboolean model_route_from_name (const char *name, ModelRoute *out);
const char *model_order_state_name (ModelOrderState state);
gboolean model_order_state_from_name (const char *name, ModelOrderState *out);

/* What a channel submits.  Strings are borrowed for the call. */
typedef struct {
  const char *channel_id;       /* printable ASCII 1..64 */
  const char *idempotency_key;  /* printable ASCII 1..64 */
  guint8 ecard_id[MODEL_ECARD_ID_LEN];
  guint32 city;                 /* six-digit city code, 100000..999999 */
  const char *payee;            /* merchant id, printable ASCII 1..32 */
  gint64 amount_fen;            /* 1..MODEL_LEDGER_AMOUNT_MAX */
  const char *currency;         /* "CNY" */
  int ecard_level;              /* issuance level of the e-card: 1 or 2 */
  gboolean pin_verified;        /* the e-card PIN was verified for this payment */
} ModelPaymentRequest;

/* A payment order.  All fields public; the ledger owns the ones it returns. */
typedef struct {
  char order_id[MODEL_LEDGER_ORDER_ID_LEN + 1];
  char channel_id[MODEL_LEDGER_CHANNEL_MAX + 1];
  char idempotency_key[MODEL_LEDGER_KEY_MAX + 1];
  guint8 ecard_id[MODEL_ECARD_ID_LEN];
  guint32 city;
  char payee[MODEL_LEDGER_PAYEE_MAX + 1];
  gint64 amount_fen;
  char currency[4];             /* "CNY" */
  gint64 created_at;            /* > 0; decides the route */
  ModelRoute route;
  ModelOrderState state;
  ModelStdCode failure;         /* FAILED: why; otherwise MODEL_STD_OK */
  gint64 settled_at;            /* SETTLED/FAILED: when; ACCEPTED: 0 */
} ModelPaymentOrder;

/* One line of the journal.  All fields public. */
typedef struct {
  guint64 seq;                  /* journal position, from 0, consecutive */
  char order_id[MODEL_LEDGER_ORDER_ID_LEN + 1];
  guint32 line;                 /* 0..3 within the order's transaction */
  ModelEntrySide side;
  char account[MODEL_LEDGER_ACCOUNT_MAX + 1];
  gint64 amount_fen;
  gint64 posted_at;             /* the order's settled_at */
} ModelPosting;

/* What model_ledger_reconcile found.  All fields public. */
typedef struct {
  guint64 n_orders, n_accepted, n_settled, n_failed;
  guint64 n_postings;
  guint64 settled_count[3];     /* indexed by ModelRoute (0 unused) */
  gint64 settled_fen[3];        /* indexed by ModelRoute (0 unused) */
  gint64 total_debit_fen, total_credit_fen;
} ModelLedgerReport;

typedef struct _ModelLedger ModelLedger;

typedef gboolean (*ModelLedgerSwitchFn) (guint32 city, gint64 switch_at,
                                         gpointer user_data);
typedef gboolean (*ModelLedgerOrderFn) (const ModelPaymentOrder *order,
                                        gpointer user_data);
typedef gboolean (*ModelLedgerPostingFn) (const ModelPosting *posting,
                                          gpointer user_data);

/* ---- new / free --------------------------------------------------------- */

/* Returns: (transfer full) an empty ledger: no switches, orders, postings. */
ModelLedger *model_ledger_new (void);
void model_ledger_free (ModelLedger *ledger);

/* ---- routing table ------------------------------------------------------ */

/*
 * Sets city's switch time (Unix seconds; 0 removes it: never switched).  Also
 * the store's restore for the table.  Refused with MODEL_STD_INVALID_STATE when
 * the change would move an existing order of that city to the other route
 * (routes never change once decided); MODEL_STD_MALFORMED for a city outside
 * 100000..999999 or a negative time.
 */
gboolean model_ledger_set_switch (ModelLedger *ledger, guint32 city,
                                  gint64 switch_at, GError **error);
/* The switch time of city, or 0 when it has none. */
gint64 model_ledger_get_switch (const ModelLedger *ledger, guint32 city);
/* UNIFIED when the city has a switch time and created_at >= it; else LOCAL. */
ModelRoute model_ledger_route_for (const ModelLedger *ledger, guint32 city,
                                   gint64 created_at);
/* Calls fn for every city with a switch time, in ascending city order, until
 * fn returns FALSE; returns FALSE when stopped. */
gboolean model_ledger_foreach_switch (const ModelLedger *ledger,
                                      ModelLedgerSwitchFn fn, gpointer user_data);

/* ---- orders ------------------------------------------------------------- */

/*
 * The order id of (channel_id, idempotency_key) into out (65 bytes with NUL):
 * lowercase hex of BLAKE2b-256 over the encoding of ESSC-STD PAY-4.  FALSE
 * with MODEL_STD_MALFORMED when either string is not printable ASCII 1..64.
 */
gboolean model_ledger_order_id (const char *channel_id,
                                const char *idempotency_key,
                                char out[MODEL_LEDGER_ORDER_ID_LEN + 1],
                                GError **error);

/*
 * Submits a payment at time now (> 0).  Checks, in this order: the fields
 * (MODEL_STD_MALFORMED, naming the field); the idempotency key (an earlier
 * order with the same channel id and key: same content -> that order is
 * returned and *outcome = MODEL_STD_DUPLICATE; different content ->
 * MODEL_STD_CONFLICT); the e-card's status from status_fn (its non-OK code,
 * normally MODEL_STD_CARD_UNUSABLE or MODEL_STD_NOT_FOUND); the level
 * (MODEL_STD_LEVEL_REQUIRED); the PIN (MODEL_STD_PIN_REQUIRED).  A refused
 * submission stores nothing.  A new order is ACCEPTED with its route decided
 * from now, and *outcome = MODEL_STD_OK.  outcome may be NULL.
 * Returns: (transfer none) the order, owned by the ledger, or NULL.
 */
const ModelPaymentOrder *model_ledger_submit (ModelLedger *ledger,
                                              const ModelPaymentRequest *req,
                                              gint64 now,
                                              ModelStatusFn status_fn,
                                              gpointer status_data,
                                              ModelStdCode *outcome,
                                              GError **error);

/*
 * Settles an ACCEPTED order at time now: posts its four lines (PAY-11) and
 * makes it SETTLED, *outcome = MODEL_STD_OK.  An order already SETTLED posts
 * nothing and gives *outcome = MODEL_STD_DUPLICATE.  Errors: MODEL_STD_NOT_FOUND
 * (no such order), MODEL_STD_INVALID_STATE (order FAILED, or now before its
 * creation).  outcome may be NULL.
 */
gboolean model_ledger_settle (ModelLedger *ledger, const char *order_id,
                              gint64 now, ModelStdCode *outcome, GError **error);

/*
 * Fails an ACCEPTED order at time now for reason (not MODEL_STD_OK): it will
 * never settle.  A FAILED order gives *outcome = MODEL_STD_DUPLICATE and keeps
 * its first reason; a SETTLED one MODEL_STD_INVALID_STATE.
 */
gboolean model_ledger_fail (ModelLedger *ledger, const char *order_id,
                            gint64 now, ModelStdCode reason,
                            ModelStdCode *outcome, GError **error);

/* Returns: (transfer none) (nullable) the order with that id. */
const ModelPaymentOrder *model_ledger_lookup (const ModelLedger *ledger,
                                              const char *order_id);
guint64 model_ledger_n_orders (const ModelLedger *ledger);
guint64 model_ledger_n_postings (const ModelLedger *ledger);

/* ---- reconciliation (model/std/ledger_book.c) ------------------------------- */

/*
 * Checks the whole book (PAY-15): journal positions consecutive from 0; every
 * posting names an existing order; every order on the route its city's switch
 * time gives for its creation time; every SETTLED order has exactly one
 * balanced transaction of the four expected lines, and no other order has any
 * posting; with allow_pending FALSE, no order is still ACCEPTED.  Fills report
 * (may be NULL; complete only on success).  On the first discrepancy returns
 * FALSE with an error naming it (codes in ESSC-STD section 8.5).
 */
gboolean model_ledger_reconcile (const ModelLedger *ledger,
                                 gboolean allow_pending,
                                 ModelLedgerReport *report, GError **error);

/* ---- store (model/std/ledger_book.c) ---------------------------------------- */

/* Orders in submission (restore) order; postings in journal order.  Stop
 * when fn returns FALSE; return FALSE when stopped. */
gboolean model_ledger_foreach_order (const ModelLedger *ledger,
                                     ModelLedgerOrderFn fn, gpointer user_data);
gboolean model_ledger_foreach_posting (const ModelLedger *ledger,
                                       ModelLedgerPostingFn fn,
                                       gpointer user_data);

/*
 * Inserts an order as loaded: every field is validated (MODEL_STD_MALFORMED:
 * syntax, order id not the derivation of channel id and key, state fields
 * inconsistent; MODEL_STD_DUPLICATE: that order id is already present) but no
 * transition or route is checked: reconcile does that.
 */
gboolean model_ledger_restore_order (ModelLedger *ledger,
                                     const ModelPaymentOrder *order,
                                     GError **error);
/*
 * Appends a posting as loaded: its fields are validated (MODEL_STD_MALFORMED)
 * but its seq, order and balance are not: reconcile checks those.
 */
gboolean model_ledger_restore_posting (ModelLedger *ledger,
                                       const ModelPosting *posting,
                                       GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ModelLedger, model_ledger_free)

G_END_DECLS
