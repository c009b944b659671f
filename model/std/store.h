/* SPDX-License-Identifier: MIT */
/*
 * Persistence of the model's state in one SQLite database (ESSC-STD section
 * "Persistence", STORE-n).  A ModelStore is an open database file; a save
 * replaces, in one transaction, the stored content of each part of a
 * ModelState (cards and e-cards, PINs, channels, consents, the ledger, the
 * audit log, the trust list) that is not NULL, and a load reads each row back
 * through its module's restore function, which validates it.  Enum fields are
 * stored as their wire names, e-card and grant ids as lowercase hex, so a
 * person or a report can read the database.  Orders, postings, audit entries
 * and consent grants keep their order in a position column, and sequence
 * numbers are plain columns: a row deleted, duplicated or edited in the
 * database is loaded as it is and found by model_ledger_reconcile or
 * model_audit_log_verify.  SQLite result codes become GErrors here
 * (MODEL_STORE_ERROR; MODEL_STD_MALFORMED for a damaged or foreign file and
 * for bad rows, MODEL_STD_INTERNAL for I/O and other SQLite failures), and
 * every message names the file.  This is the one module of model/std/ that does
 * I/O; it still reads no clock.
 */
#pragma once

#include <glib.h>

#include "model/std/audit.h"
#include "model/std/card.h"
#include "model/std/channel.h"
#include "model/std/consent.h"
#include "model/std/credential.h"
#include "model/std/ledger.h"
#include "model/std/pin.h"
#include "model/std/stdcode.h"

G_BEGIN_DECLS

#define MODEL_STORE_ERROR (model_store_error_quark ())
GQuark model_store_error_quark (void);

/* PRAGMA application_id of an essc database: "ESSC" in ASCII.  The run,
 * sweep and store databases all carry it, and only a file that does may be
 * replaced by one: base_sqlite_may_replace (path, MODEL_STORE_APPLICATION_ID). */
#define MODEL_STORE_APPLICATION_ID 0x45535343

/* PRAGMA user_version this build writes and reads. */
#define MODEL_STORE_SCHEMA_VERSION 1

/*
 * The parts of the model to save or load.  All fields public and borrowed:
 * the store never frees them.  A NULL part is skipped (a save leaves its
 * stored content as it was; a load does not read it).
 */
typedef struct
{
  ModelCardRegistry *cards; /* cards and e-cards */
  ModelPinTable *pins;
  ModelChannelRegistry *channels;
  ModelConsentStore *consents;
  ModelLedger *ledger; /* switch table, orders, postings */
  ModelAuditLog *audit;
  ModelTrustList *trust; /* public keys only */
} ModelState;

typedef struct _ModelStore ModelStore;

/* MODEL_STORE_SCHEMA_VERSION. */
int model_store_schema_version (void);

/*
 * Opens the database at path, creating it (and its schema) when the file is
 * missing or empty.  Sets WAL journal mode, synchronous NORMAL and a busy
 * timeout.  Errors name the path: MODEL_STD_MALFORMED for a file that is not
 * an SQLite database or is damaged, a database of another program (wrong
 * application_id), one written by a newer essc (user_version above
 * MODEL_STORE_SCHEMA_VERSION) or one lacking a table; MODEL_STD_INTERNAL
 * when the file cannot be opened or written.
 * Returns: (transfer full) the store, or NULL.
 */
ModelStore *model_store_open (const char *path, GError **error);

/*
 * Opens an existing e-card store for reading only: nothing is ever written
 * to the file (no schema, no journal mode; `essc store check` uses it).  A
 * missing file, an empty one, a database of another kind or version, or one
 * missing a table is an error.  Returns: (transfer full) or NULL with error.
 */
ModelStore *model_store_open_readonly (const char *path, GError **error);

/*
 * Saves head, the audit trail's head signed by the platform (AUDIT-9), in
 * the one row of table audit_head (created if missing), replacing the one
 * before.  Saved with the trail, it lets a check tell a trail cut short
 * from a whole one.  FALSE with error.
 */
gboolean model_store_save_audit_head (ModelStore *store, const ModelAuditSignedHead *head,
                                      GError **error);

/*
 * Reads the saved head into *out; *present says whether there is one (a
 * store written before heads were saved has none).  FALSE with error
 * (MODEL_STD_MALFORMED) for a row of the wrong form.
 */
gboolean model_store_load_audit_head (ModelStore *store, ModelAuditSignedHead *out,
                                      gboolean *present, GError **error);

/* *saved: whether the audit trail was ever saved in the store (its part
 * recorded), so that a missing head cannot pass for a store without one. */
gboolean model_store_audit_saved (ModelStore *store, gboolean *saved, GError **error);

/* Closes the database; NULL is fine. */
void model_store_close (ModelStore *store);

/* Returns: (transfer none) the path the store was opened with. */
const char *model_store_path (const ModelStore *store);

/*
 * Replaces the stored content of every non-NULL part of state with the
 * objects' current content, in one transaction; now (Unix seconds) is
 * recorded as the part's save time.  On any failure nothing is changed: the
 * previous content stays intact (STORE-1).  Errors: MODEL_STD_INTERNAL
 * (SQLite or I/O), MODEL_STD_MALFORMED (a damaged database).
 */
gboolean model_store_save (ModelStore *store, const ModelState *state, gint64 now,
                           GError **error);

/*
 * Loads the stored content of every non-NULL part of state into it, in one
 * read transaction; the objects must be empty (else MODEL_STD_INVALID_STATE,
 * nothing read).  now is the validation time of SSNs.  Cards are loaded
 * before e-cards, the switch table before the orders.  A row its module's
 * restore refuses, or whose value does not fit its field, gives
 * MODEL_STD_MALFORMED with a message naming the file, the table, the row's
 * key and the field.  On failure the objects hold a partial load: discard
 * them.
 */
gboolean model_store_load (ModelStore *store, ModelState *state, gint64 now,
                           GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ModelStore, model_store_close)

G_END_DECLS
