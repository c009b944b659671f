/* SPDX-License-Identifier: MIT */
/*
 * Internal interface of the store's three files: model/std/store.c (the
 * database file: open, schema, transactions, SQLite errors), model/std/store_row.c
 * (the row codec: binding fields, reading and checking columns) and
 * model/std/store_table.c (one save and one load per part of ModelState, run
 * inside a transaction store.c holds).  Not for use outside model/std/store*.c.
 */
#pragma once

#include "base/sqlite.h"

#include "model/std/store.h"

G_BEGIN_DECLS

/* Both fields private to the store. */
struct _ModelStore
{
  sqlite3 *db;
  char *path;
};

/* ---- errors (store.c) ---------------------------------------------------- */

/* Sets error to "<path>: <message>" with code; returns FALSE. */
gboolean model_store_priv_fail (ModelStore *store, GError **error, ModelStdCode code,
                                const char *fmt, ...) G_GNUC_PRINTF (4, 5);
/* The SQLite failure rc while doing `what`, as a GError (base_sqlite_fail_rc:
 * MALFORMED for a damaged file, else INTERNAL); returns FALSE. */
gboolean model_store_priv_sql_fail (ModelStore *store, int rc, const char *what,
                                    GError **error);
/* Runs sql, which returns no rows. */
gboolean model_store_priv_exec (ModelStore *store, const char *sql, const char *what,
                                GError **error);

/* ---- writing rows (store_row.c) ------------------------------------------ */

/* One table being rewritten: a prepared INSERT reused for every row.  The
 * first failure is kept and every later row skipped. */
typedef struct
{
  ModelStore *store;
  const char *table;
  sqlite3_stmt *st;
  gint64 n; /* rows written: the next row's pos */
  int rc;
  char *msg;
} ModelStoreWriter;

/* Deletes every row of table and prepares insert for the rows to come. */
gboolean model_store_priv_writer_begin (ModelStoreWriter *w, ModelStore *store,
                                        const char *table, const char *insert,
                                        GError **error);
/* Bind parameter i of the row (from 1); nothing once a failure is kept. */
void model_store_priv_bind_int (ModelStoreWriter *w, int i, gint64 v);
void model_store_priv_bind_real (ModelStoreWriter *w, int i, double v);
void model_store_priv_bind_text (ModelStoreWriter *w, int i, const char *v);
/* An empty blob, not NULL, when n is 0. */
void model_store_priv_bind_blob (ModelStoreWriter *w, int i, const void *v, gsize n);
/* 16 bytes as 32 lowercase hex characters. */
void model_store_priv_bind_hex16 (ModelStoreWriter *w, int i,
                                  const guint8 id[MODEL_ECARD_ID_LEN]);
/* Inserts the bound row; FALSE once anything failed. */
gboolean model_store_priv_row_done (ModelStoreWriter *w);
/* Finalizes; the kept failure, if any, becomes error naming table and row. */
gboolean model_store_priv_writer_end (ModelStoreWriter *w, GError **error);

/* ---- reading rows (store_row.c) ------------------------------------------ */

/* One row being loaded: its table, its key for messages, the error. */
typedef struct
{
  ModelStore *store;
  const char *table;
  sqlite3_stmt *st;
  char key[96];
  gint64 now;
  GError **error;
} ModelStoreReader;

typedef gboolean (*ModelStoreRowFn) (ModelStoreReader *r, gpointer target);

/* Runs select (which orders the rows) and hands each row to fn with target;
 * now is the validation time the rows' restores need. */
gboolean model_store_priv_load_table (ModelStore *store, const char *table,
                                      const char *select, ModelStoreRowFn fn,
                                      gpointer target, gint64 now, GError **error);

/* Names the row in messages: "<name> <value of column col>", escaped and
 * cut to 64 bytes; or "pos <column 0>" for the tables kept in position order. */
void model_store_priv_set_key (ModelStoreReader *r, const char *name, int col);
void model_store_priv_set_pos_key (ModelStoreReader *r);

/* MALFORMED "<path>: table T, <key>: <message>"; returns FALSE. */
gboolean model_store_priv_row_fail (ModelStoreReader *r, const char *fmt, ...)
    G_GNUC_PRINTF (2, 3);
/* A module's restore refused the row: its message (which names the field)
 * goes into a row failure; e is freed.  Returns FALSE. */
gboolean model_store_priv_refused (ModelStoreReader *r, GError *e);
/* "<field> '<value>' is not <what>"; returns FALSE. */
gboolean model_store_priv_bad_name (ModelStoreReader *r, const char *field,
                                    const char *value, const char *what);

/*
 * Column readers.  Each checks the SQL type and that the value fits, and
 * fails with a row failure naming field.  Text has no NUL byte and at most
 * max bytes (size - 1 for a buffer); the pointer col_text and get_name return
 * lives until the next row.  Integers are range-checked; booleans are 0 or 1;
 * blobs have exactly len bytes; hex16 is 32 lowercase hex characters.
 */
const char *model_store_priv_col_text (ModelStoreReader *r, int col, const char *field,
                                       gsize max);
/* An enum's wire name (text of at most 64 bytes), or NULL. */
const char *model_store_priv_get_name (ModelStoreReader *r, int col, const char *field);
gboolean model_store_priv_get_text (ModelStoreReader *r, int col, const char *field,
                                    char *out, gsize size);
gboolean model_store_priv_get_int (ModelStoreReader *r, int col, const char *field,
                                   gint64 min, gint64 max, gint64 *out);
gboolean model_store_priv_get_i64 (ModelStoreReader *r, int col, const char *field,
                                   gint64 *out);
gboolean model_store_priv_get_u32 (ModelStoreReader *r, int col, const char *field,
                                   guint32 *out);
gboolean model_store_priv_get_i32 (ModelStoreReader *r, int col, const char *field,
                                   int *out);
gboolean model_store_priv_get_real (ModelStoreReader *r, int col, const char *field,
                                    double *out);
gboolean model_store_priv_get_bool (ModelStoreReader *r, int col, const char *field,
                                    gboolean *out);
gboolean model_store_priv_get_blob (ModelStoreReader *r, int col, const char *field,
                                    guint8 *out, gsize len);
gboolean model_store_priv_get_hex16 (ModelStoreReader *r, int col, const char *field,
                                     guint8 out[MODEL_ECARD_ID_LEN]);

/* ---- tables (store_table.c) ---------------------------------------------- */

/* save replaces the part's tables with the object's content; load restores
 * every row into the (empty) object.  The caller holds the transaction. */
gboolean model_store_priv_save_cards (ModelStore *store, ModelCardRegistry *cards,
                                      GError **error);
gboolean model_store_priv_load_cards (ModelStore *store, ModelCardRegistry *cards,
                                      gint64 now, GError **error);
gboolean model_store_priv_save_pins (ModelStore *store, ModelPinTable *pins,
                                     GError **error);
gboolean model_store_priv_load_pins (ModelStore *store, ModelPinTable *pins, gint64 now,
                                     GError **error);
gboolean model_store_priv_save_channels (ModelStore *store,
                                         ModelChannelRegistry *channels,
                                         GError **error);
gboolean model_store_priv_load_channels (ModelStore *store,
                                         ModelChannelRegistry *channels,
                                         GError **error);
gboolean model_store_priv_save_consents (ModelStore *store, ModelConsentStore *consents,
                                         GError **error);
gboolean model_store_priv_load_consents (ModelStore *store, ModelConsentStore *consents,
                                         GError **error);
gboolean model_store_priv_save_ledger (ModelStore *store, ModelLedger *ledger,
                                       GError **error);
gboolean model_store_priv_load_ledger (ModelStore *store, ModelLedger *ledger,
                                       GError **error);
gboolean model_store_priv_save_audit (ModelStore *store, ModelAuditLog *audit,
                                      GError **error);
gboolean model_store_priv_load_audit (ModelStore *store, ModelAuditLog *audit,
                                      GError **error);
gboolean model_store_priv_save_trust (ModelStore *store, ModelTrustList *trust,
                                      GError **error);
gboolean model_store_priv_load_trust (ModelStore *store, ModelTrustList *trust,
                                      GError **error);

G_END_DECLS
