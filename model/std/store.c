/* SPDX-License-Identifier: MIT */
/*
 * The SQLite store of the model's state (ESSC-STD section "Persistence").
 * One table per record kind, STRICT, with no CHECK constraints: validation is
 * the modules' restore functions' job, so tampering in the database loads as
 * it is and is judged by the same code that judges anything else.  A save is
 * one BEGIN IMMEDIATE transaction that deletes and re-inserts the rows of
 * every part it is given, with one prepared statement per table reused
 * across rows; any failure rolls back, so the previous snapshot survives.
 * A load is one read transaction.  SQLite result codes are turned into
 * GErrors here and nowhere else; every message starts with the file's path.
 * The workload is whole-state snapshots, not per-change writes.
 */
#include "model/std/store.h"
#include "model/std/store_private.h"

#include <glib/gstdio.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <string.h>

#ifndef ESSC_VERSION
#define ESSC_VERSION "unknown"
#endif

G_DEFINE_QUARK (model-store-error-quark, model_store_error)

G_STATIC_ASSERT (MODEL_CONSENT_GRANT_ID_LEN == MODEL_ECARD_ID_LEN);

/* ---- schema ------------------------------------------------------------- */

static const char *const TABLES[] = {
  "part", "card", "ecard", "pin", "channel", "consent_grant",
  "settlement_switch", "payment_order", "posting", "audit_entry", "trusted_key",
};

static const char SCHEMA[]
    = "CREATE TABLE part (name TEXT PRIMARY KEY, saved_at INTEGER NOT NULL,"
      " essc_version TEXT NOT NULL) STRICT;"
      "CREATE TABLE card (card_no TEXT PRIMARY KEY, ssn TEXT NOT NULL,"
      " name TEXT NOT NULL, city INTEGER NOT NULL, status TEXT NOT NULL,"
      " replaced_by TEXT NOT NULL, bank_account_active INTEGER NOT NULL,"
      " status_changed_at INTEGER NOT NULL) STRICT;"
      "CREATE TABLE ecard (id TEXT PRIMARY KEY, card_no TEXT NOT NULL,"
      " level INTEGER NOT NULL, status TEXT NOT NULL, issued_at INTEGER NOT NULL,"
      " revoked_at INTEGER NOT NULL, revoke_reason TEXT NOT NULL,"
      " device_pk BLOB NOT NULL) STRICT;"
      "CREATE TABLE pin (ssn TEXT PRIMARY KEY, hash TEXT NOT NULL,"
      " failures INTEGER NOT NULL, locked_until INTEGER NOT NULL) STRICT;"
      "CREATE TABLE channel (id TEXT PRIMARY KEY, name TEXT NOT NULL,"
      " class TEXT NOT NULL, tier INTEGER NOT NULL, parent_id TEXT NOT NULL,"
      " status TEXT NOT NULL, public_key BLOB NOT NULL, risk_score REAL NOT NULL,"
      " risk_updated_at INTEGER NOT NULL, status_changed_at INTEGER NOT NULL) STRICT;"
      "CREATE TABLE consent_grant (pos INTEGER PRIMARY KEY, grant_id TEXT NOT NULL,"
      " kind TEXT NOT NULL, ssn TEXT NOT NULL, channel_id TEXT NOT NULL,"
      " department_id TEXT NOT NULL, scopes TEXT NOT NULL,"
      " not_before INTEGER NOT NULL, expires_at INTEGER NOT NULL,"
      " revoked INTEGER NOT NULL, revoked_at INTEGER NOT NULL) STRICT;"
      "CREATE TABLE settlement_switch (city INTEGER PRIMARY KEY,"
      " switch_at INTEGER NOT NULL) STRICT;"
      "CREATE TABLE payment_order (pos INTEGER PRIMARY KEY, order_id TEXT NOT NULL,"
      " channel_id TEXT NOT NULL, idempotency_key TEXT NOT NULL,"
      " ecard_id TEXT NOT NULL, city INTEGER NOT NULL, payee TEXT NOT NULL,"
      " amount_fen INTEGER NOT NULL, currency TEXT NOT NULL,"
      " created_at INTEGER NOT NULL, route TEXT NOT NULL, state TEXT NOT NULL,"
      " failure TEXT NOT NULL, settled_at INTEGER NOT NULL) STRICT;"
      "CREATE TABLE posting (pos INTEGER PRIMARY KEY, seq INTEGER NOT NULL,"
      " order_id TEXT NOT NULL, line INTEGER NOT NULL, side TEXT NOT NULL,"
      " account TEXT NOT NULL, amount_fen INTEGER NOT NULL,"
      " posted_at INTEGER NOT NULL) STRICT;"
      "CREATE TABLE audit_entry (pos INTEGER PRIMARY KEY, seq INTEGER NOT NULL,"
      " time INTEGER NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL,"
      " payload BLOB NOT NULL, prev_hash BLOB NOT NULL, hash BLOB NOT NULL) STRICT;"
      "CREATE TABLE trusted_key (key_id TEXT PRIMARY KEY,"
      " public_key BLOB NOT NULL) STRICT;";

int
model_store_schema_version (void)
{
  return MODEL_STORE_SCHEMA_VERSION;
}

const char *
model_store_path (const ModelStore *store)
{
  g_return_val_if_fail (store != NULL, NULL);
  return store->path;
}

/* ---- SQLite codes to GErrors -------------------------------------------- */

gboolean
model_store_priv_fail (ModelStore *s, GError **error, ModelStdCode code,
                       const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  g_autofree char *msg = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  g_set_error (error, MODEL_STORE_ERROR, code, "%s: %s", s->path, msg);
  return FALSE;
}

/* An SQLite failure rc while doing `what`; the message is the connection's. */
gboolean
model_store_priv_sql_fail (ModelStore *s, int rc, const char *what, GError **error)
{
  BaseSqlite b = { s->db, s->path, MODEL_STORE_ERROR, MODEL_STD_INTERNAL };
  return base_sqlite_fail_rc (&b, rc, MODEL_STD_MALFORMED, what, error);
}

gboolean
model_store_priv_exec (ModelStore *s, const char *sql, const char *what, GError **error)
{
  int rc = sqlite3_exec (s->db, sql, NULL, NULL, NULL);
  return rc == SQLITE_OK || model_store_priv_sql_fail (s, rc, what, error);
}

static void
rollback (ModelStore *s)
{
  if (!sqlite3_get_autocommit (s->db))
    sqlite3_exec (s->db, "ROLLBACK", NULL, NULL, NULL);
}

/* The integer (or, with text non-NULL, the text copied into it) in the first
 * column of the first row of sql. */
static gboolean
query1 (ModelStore *s, const char *sql, gint64 *out, char *text, gsize size,
        GError **error)
{
  sqlite3_stmt *st = NULL;
  int rc = sqlite3_prepare_v2 (s->db, sql, -1, &st, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_step (st);
  if (rc != SQLITE_ROW)
    {
      gboolean r = model_store_priv_sql_fail (s, rc, sql, error);
      sqlite3_finalize (st);
      return r;
    }
  if (out != NULL)
    *out = sqlite3_column_int64 (st, 0);
  if (text != NULL)
    g_strlcpy (text, (const char *) sqlite3_column_text (st, 0) ?: "", size);
  sqlite3_finalize (st);
  return TRUE;
}

/* ---- open / close ------------------------------------------------------- */

/* The three header facts open decides by. */
static gboolean
read_header (ModelStore *s, gint64 *app, gint64 *version, gint64 *n_objects,
             GError **error)
{
  return query1 (s, "PRAGMA application_id", app, NULL, 0, error)
         && query1 (s, "PRAGMA user_version", version, NULL, 0, error)
         && query1 (s, "SELECT count(*) FROM sqlite_schema", n_objects, NULL, 0, error);
}

static gboolean
check_header (ModelStore *s, gint64 app, gint64 version, GError **error)
{
  if (app != MODEL_STORE_APPLICATION_ID)
    return model_store_priv_fail (s, error, MODEL_STD_MALFORMED,
                                  "not an essc database "
                                  "(application_id 0x%08" G_GINT64_MODIFIER
                                  "x, expected 0x%08x)",
                                  app & 0xffffffff, MODEL_STORE_APPLICATION_ID);
  if (version > MODEL_STORE_SCHEMA_VERSION)
    return model_store_priv_fail (s, error, MODEL_STD_MALFORMED,
                                  "written by a newer essc "
                                  "(schema %" G_GINT64_FORMAT ", this one reads %d)",
                                  version, MODEL_STORE_SCHEMA_VERSION);
  if (version != MODEL_STORE_SCHEMA_VERSION)
    return model_store_priv_fail (s, error, MODEL_STD_MALFORMED,
                                  "unknown essc schema %" G_GINT64_FORMAT
                                  " (this one reads %d)",
                                  version, MODEL_STORE_SCHEMA_VERSION);
  return TRUE;
}

/* Creates the schema of a new database, in one transaction. */
static gboolean
create_schema (ModelStore *s, GError **error)
{
  gint64 app, version, n;
  if (!model_store_priv_exec (s, "BEGIN IMMEDIATE", "creating the schema", error))
    return FALSE;
  gboolean ok = read_header (s, &app, &version, &n, error);
  if (ok && app == 0 && version == 0 && n == 0)
    {
      g_autofree char *ids
          = g_strdup_printf ("PRAGMA application_id = %d;"
                             "PRAGMA user_version = %d;",
                             MODEL_STORE_APPLICATION_ID, MODEL_STORE_SCHEMA_VERSION);
      ok = model_store_priv_exec (s, SCHEMA, "creating the schema", error)
           && model_store_priv_exec (s, ids, "creating the schema", error);
    }
  else if (ok) /* another process created it meanwhile */
    ok = check_header (s, app, version, error);
  ok = ok && model_store_priv_exec (s, "COMMIT", "creating the schema", error);
  if (!ok)
    rollback (s);
  return ok;
}

static gboolean
check_tables (ModelStore *s, GError **error)
{
  sqlite3_stmt *st = NULL;
  int rc = sqlite3_prepare_v2 (s->db,
                               "SELECT 1 FROM sqlite_schema WHERE "
                               "type = 'table' AND name = ?",
                               -1, &st, NULL);
  if (rc != SQLITE_OK)
    return model_store_priv_sql_fail (s, rc, "reading the schema", error);
  gboolean ok = TRUE;
  for (gsize i = 0; ok && i < G_N_ELEMENTS (TABLES); i++)
    {
      sqlite3_reset (st);
      sqlite3_bind_text (st, 1, TABLES[i], -1, SQLITE_STATIC);
      rc = sqlite3_step (st);
      if (rc == SQLITE_DONE)
        ok = model_store_priv_fail (s, error, MODEL_STD_MALFORMED,
                                    "damaged essc database: "
                                    "table %s is missing",
                                    TABLES[i]);
      else if (rc != SQLITE_ROW)
        ok = model_store_priv_sql_fail (s, rc, "reading the schema", error);
    }
  sqlite3_finalize (st);
  return ok;
}

ModelStore *
model_store_open (const char *path, GError **error)
{
  g_return_val_if_fail (path != NULL, NULL);
  g_autoptr (ModelStore) s = g_new0 (ModelStore, 1);
  s->path = g_strdup (path);
  BaseSqlite b = { NULL, s->path, MODEL_STORE_ERROR, MODEL_STD_INTERNAL };
  if (!base_sqlite_open (&b, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, "cannot open", error))
    return NULL;
  s->db = b.db;
  sqlite3_extended_result_codes (s->db, 1);
  sqlite3_busy_timeout (s->db, 5000);
  gint64 app, version, n;
  char mode[16];
  if (!read_header (s, &app, &version, &n, error))
    return NULL;
  gboolean fresh = app == 0 && version == 0 && n == 0;
  if (!fresh && (!check_header (s, app, version, error) || !check_tables (s, error)))
    return NULL;
  /* Only now, the file being new or ours, may it be switched to WAL. */
  if (!query1 (s, "PRAGMA journal_mode = WAL", NULL, mode, sizeof mode, error)
      || !model_store_priv_exec (s, "PRAGMA synchronous = NORMAL", "setting synchronous",
                                 error))
    return NULL;
  if (g_ascii_strcasecmp (mode, "wal") != 0)
    {
      model_store_priv_fail (s, error, MODEL_STD_INTERNAL,
                             "cannot use WAL journal mode (journal_mode is %s)", mode);
      return NULL;
    }
  if (fresh && (!create_schema (s, error) || !check_tables (s, error)))
    return NULL;
  return g_steal_pointer (&s);
}

ModelStore *
model_store_open_readonly (const char *path, GError **error)
{
  g_return_val_if_fail (path != NULL, NULL);
  g_autoptr (ModelStore) s = g_new0 (ModelStore, 1);
  s->path = g_strdup (path);
  /* No SQLITE_OPEN_CREATE: a missing file stays missing.  Without a
   * write-ahead log to read, immutable: SQLite then creates no -shm or -wal
   * beside the file either.  With one (a writer that did not checkpoint),
   * plain read-only, so its transactions are seen. */
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  GStatBuf st;
  gboolean has_wal = g_stat (wal, &st) == 0 && st.st_size > 0;
  g_autofree char *escaped = g_uri_escape_string (path, "/", FALSE);
  g_autofree char *uri = g_strconcat ("file:", escaped,
                                      has_wal ? "?mode=ro" : "?mode=ro&immutable=1", NULL);
  BaseSqlite b = { NULL, uri, MODEL_STORE_ERROR, MODEL_STD_INTERNAL };
  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      model_store_priv_fail (s, error, MODEL_STD_NOT_FOUND, "no such file");
      return NULL;
    }
  if (!base_sqlite_open (&b, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, "cannot open", error))
    return NULL;
  s->db = b.db;
  sqlite3_extended_result_codes (s->db, 1);
  sqlite3_busy_timeout (s->db, 5000);
  gint64 app, version, n;
  if (!read_header (s, &app, &version, &n, error))
    return NULL;
  if (app == 0 && version == 0 && n == 0)
    {
      model_store_priv_fail (s, error, MODEL_STD_MALFORMED,
                             "empty: no essc e-card store (no schema, no data)");
      return NULL;
    }
  if (!check_header (s, app, version, error) || !check_tables (s, error))
    return NULL;
  return g_steal_pointer (&s);
}

void
model_store_close (ModelStore *store)
{
  if (store == NULL)
    return;
  sqlite3_close_v2 (store->db);
  g_free (store->path);
  g_free (store);
}

/* ---- save / load -------------------------------------------------------- */

/* Records when part was saved, and by which essc. */
static gboolean
mark_saved (ModelStore *s, const char *part, gint64 now, GError **error)
{
  sqlite3_stmt *st = NULL;
  int rc = sqlite3_prepare_v2 (s->db,
                               "INSERT OR REPLACE INTO part (name, "
                               "saved_at, essc_version) VALUES (?, ?, ?)",
                               -1, &st, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_bind_text (st, 1, part, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (st, 2, now);
      sqlite3_bind_text (st, 3, ESSC_VERSION, -1, SQLITE_STATIC);
      rc = sqlite3_step (st);
    }
  gboolean ok
      = rc == SQLITE_DONE || model_store_priv_sql_fail (s, rc, "table part", error);
  sqlite3_finalize (st);
  return ok;
}

gboolean
model_store_save (ModelStore *store, const ModelState *state, gint64 now,
                  GError **error)
{
  g_return_val_if_fail (store != NULL && state != NULL, FALSE);
  ModelStore *s = store;
  if (!model_store_priv_exec (s, "BEGIN IMMEDIATE", "starting the save", error))
    return FALSE;
  gboolean ok = TRUE;
#define SAVE(field)                                                   \
  if (ok && state->field != NULL)                                     \
    ok = model_store_priv_save_##field (s, state->field, error)       \
         && mark_saved (s, #field, now, error);
  SAVE (cards)
  SAVE (pins)
  SAVE (channels)
  SAVE (consents)
  SAVE (ledger)
  SAVE (audit)
  SAVE (trust)
#undef SAVE
  ok = ok && model_store_priv_exec (s, "COMMIT", "committing the save", error);
  if (!ok)
    rollback (s);
  return ok;
}

/* Counters for the emptiness check of a load. */
static void
count_card (const ModelCard *c, gpointer n)
{
  (*(guint *) n)++;
}

static void
count_ecard (const ModelEcard *e, gpointer n)
{
  (*(guint *) n)++;
}

static void
count_pin (const ModelPinRecord *p, gpointer n)
{
  (*(guint *) n)++;
}

static void
count_channel (const ModelChannel *c, gpointer n)
{
  (*(guint *) n)++;
}

static void
count_grant (const ModelConsentGrant *g, gpointer n)
{
  (*(guint *) n)++;
}

static gboolean
count_switch (guint32 city, gint64 at, gpointer n)
{
  (*(guint *) n)++;
  return FALSE;
}

/* The name of the first non-NULL part of state that is not empty, or NULL. */
static const char *
first_not_empty (const ModelState *state)
{
  guint n = 0;
  if (state->cards != NULL)
    {
      model_card_foreach (state->cards, count_card, &n);
      model_card_foreach_ecard (state->cards, count_ecard, &n);
      if (n > 0)
        return "cards";
    }
  if (state->pins != NULL && (model_pin_foreach (state->pins, count_pin, &n), n > 0))
    return "pins";
  if (state->channels != NULL
      && (model_channel_registry_foreach (state->channels, count_channel, &n), n > 0))
    return "channels";
  if (state->consents != NULL
      && (model_consent_store_foreach (state->consents, count_grant, &n), n > 0))
    return "consents";
  if (state->ledger != NULL
      && (model_ledger_n_orders (state->ledger) > 0
          || model_ledger_n_postings (state->ledger) > 0
          || !model_ledger_foreach_switch (state->ledger, count_switch, &n)))
    return "ledger";
  if (state->audit != NULL && model_audit_log_length (state->audit) > 0)
    return "audit";
  if (state->trust != NULL && model_trust_list_size (state->trust) > 0)
    return "trust";
  return NULL;
}

gboolean
model_store_load (ModelStore *store, ModelState *state, gint64 now, GError **error)
{
  g_return_val_if_fail (store != NULL && state != NULL, FALSE);
  ModelStore *s = store;
  const char *busy = first_not_empty (state);
  if (busy != NULL)
    return model_store_priv_fail (s, error, MODEL_STD_INVALID_STATE,
                                  "cannot load into a non-empty %s part",
                                  busy);
  if (!model_store_priv_exec (s, "BEGIN", "starting the load", error))
    return FALSE;
  gboolean ok = (state->cards == NULL
                 || model_store_priv_load_cards (s, state->cards, now, error))
                && (state->pins == NULL
                    || model_store_priv_load_pins (s, state->pins, now, error))
                && (state->channels == NULL
                    || model_store_priv_load_channels (s, state->channels, error))
                && (state->consents == NULL
                    || model_store_priv_load_consents (s, state->consents, error))
                && (state->ledger == NULL
                    || model_store_priv_load_ledger (s, state->ledger, error))
                && (state->audit == NULL
                    || model_store_priv_load_audit (s, state->audit, error))
                && (state->trust == NULL
                    || model_store_priv_load_trust (s, state->trust, error))
                && model_store_priv_exec (s, "COMMIT", "ending the load", error);
  if (!ok)
    rollback (s);
  return ok;
}
