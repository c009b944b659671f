/* SPDX-License-Identifier: MIT */
/*
 * The signed head of the audit trail in the store (store.h): one row of
 * table audit_head, written with the trail, so that a check can tell a
 * trail cut short (entries deleted from its end still form a valid chain)
 * from a whole one: the head a platform signed covers the count and the
 * last hash (ESSC-STD AUDIT-7, AUDIT-9).  The table is created when a head
 * is first saved, so a store written before it existed still opens.
 */
#include "model/std/store.h"
#include "model/std/store_private.h"

#include <sqlite3.h>
#include <string.h>

static const char HEAD_SCHEMA[] =
  "CREATE TABLE IF NOT EXISTS audit_head (id INTEGER PRIMARY KEY,"
  " count INTEGER NOT NULL, hash BLOB NOT NULL, signed_at INTEGER NOT NULL,"
  " key_id BLOB NOT NULL, signature BLOB NOT NULL) STRICT;";

gboolean
model_store_save_audit_head (ModelStore *store, const ModelAuditSignedHead *head,
                             GError **error)
{
  g_return_val_if_fail (store != NULL && head != NULL, FALSE);
  if (head->head.count > G_MAXINT64)
    return model_store_priv_fail (store, error, MODEL_STD_MALFORMED, "audit head: count %"
                                  G_GUINT64_FORMAT " out of range", head->head.count);
  if (!model_store_priv_exec (store, "BEGIN IMMEDIATE", "saving the audit head", error))
    return FALSE;
  sqlite3_stmt *st = NULL;
  int rc = SQLITE_OK;
  gboolean ok = model_store_priv_exec (store, HEAD_SCHEMA, "saving the audit head", error);
  if (ok)
    {
      rc = sqlite3_prepare_v2 (store->db, "INSERT OR REPLACE INTO audit_head (id, count, hash,"
                               " signed_at, key_id, signature) VALUES (1, ?, ?, ?, ?, ?)", -1,
                               &st, NULL);
      if (rc == SQLITE_OK)
        {
          sqlite3_bind_int64 (st, 1, (sqlite3_int64) head->head.count);
          sqlite3_bind_blob (st, 2, head->head.hash, sizeof head->head.hash, SQLITE_STATIC);
          sqlite3_bind_int64 (st, 3, head->signed_at);
          sqlite3_bind_blob (st, 4, head->key_id, sizeof head->key_id, SQLITE_STATIC);
          sqlite3_bind_blob (st, 5, head->signature, sizeof head->signature, SQLITE_STATIC);
          rc = sqlite3_step (st);
        }
      sqlite3_finalize (st);
      ok = rc == SQLITE_DONE
           || model_store_priv_sql_fail (store, rc, "saving the audit head", error);
    }
  ok = ok && model_store_priv_exec (store, "COMMIT", "saving the audit head", error);
  if (!ok)
    sqlite3_exec (store->db, "ROLLBACK", NULL, NULL, NULL);
  return ok;
}

/* Copies the blob of column i, which must be exactly n bytes. */
static gboolean
blob (sqlite3_stmt *st, int i, guint8 *out, gsize n)
{
  if (sqlite3_column_type (st, i) != SQLITE_BLOB || (gsize) sqlite3_column_bytes (st, i) != n)
    return FALSE;
  memcpy (out, sqlite3_column_blob (st, i), n);
  return TRUE;
}

gboolean
model_store_audit_saved (ModelStore *store, gboolean *saved, GError **error)
{
  g_return_val_if_fail (store != NULL && saved != NULL, FALSE);
  sqlite3_stmt *st = NULL;
  int rc = sqlite3_prepare_v2 (store->db, "SELECT count (*) FROM part WHERE name = 'audit'", -1,
                               &st, NULL);
  if (rc == SQLITE_OK && (rc = sqlite3_step (st)) == SQLITE_ROW)
    *saved = sqlite3_column_int (st, 0) > 0;
  sqlite3_finalize (st);
  return rc == SQLITE_ROW || model_store_priv_sql_fail (store, rc, "reading the parts", error);
}

gboolean
model_store_load_audit_head (ModelStore *store, ModelAuditSignedHead *out, gboolean *present,
                             GError **error)
{
  g_return_val_if_fail (store != NULL && out != NULL && present != NULL, FALSE);
  memset (out, 0, sizeof *out);
  *present = FALSE;
  sqlite3_stmt *st = NULL;
  int rc = sqlite3_prepare_v2 (store->db, "SELECT count (*) FROM sqlite_schema WHERE type = "
                               "'table' AND name = 'audit_head'", -1, &st, NULL);
  if (rc == SQLITE_OK && (rc = sqlite3_step (st)) == SQLITE_ROW && sqlite3_column_int (st, 0) == 0)
    {
      sqlite3_finalize (st);
      return TRUE;   /* no table: never saved */
    }
  sqlite3_finalize (st);
  if (rc != SQLITE_ROW)
    return model_store_priv_sql_fail (store, rc, "reading the audit head", error);
  rc = sqlite3_prepare_v2 (store->db, "SELECT count, hash, signed_at, key_id, signature FROM "
                           "audit_head", -1, &st, NULL);
  if (rc != SQLITE_OK)
    return model_store_priv_sql_fail (store, rc, "reading the audit head", error);
  guint rows = 0;
  gboolean ok = TRUE;
  while (ok && (rc = sqlite3_step (st)) == SQLITE_ROW)
    {
      rows++;
      /* each column's type before its value: reading converts, and the
       * type after a conversion is undefined */
      ok = sqlite3_column_type (st, 0) == SQLITE_INTEGER;
      sqlite3_int64 count = ok ? sqlite3_column_int64 (st, 0) : -1;
      ok = ok && count >= 0
           && blob (st, 1, out->head.hash, sizeof out->head.hash)
           && sqlite3_column_type (st, 2) == SQLITE_INTEGER
           && blob (st, 3, out->key_id, sizeof out->key_id)
           && blob (st, 4, out->signature, sizeof out->signature);
      out->head.count = (guint64) count;
      out->signed_at = sqlite3_column_int64 (st, 2);
    }
  sqlite3_finalize (st);
  if (!ok || rows > 1)
    return model_store_priv_fail (store, error, MODEL_STD_MALFORMED,
                                  "table audit_head: %s", rows > 1 ? "more than one row"
                                  : "a row of the wrong form");
  if (rc != SQLITE_DONE)
    return model_store_priv_sql_fail (store, rc, "reading the audit head", error);
  *present = rows == 1;
  return TRUE;
}
