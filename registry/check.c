/* SPDX-License-Identifier: MIT */
/*
 * The registry's check (see check.h).  The replay runs in a second SQLite
 * connection (":memory:"), not an attached database, because the writers
 * check inside their BEGIN IMMEDIATE and SQLite attaches nothing inside a
 * transaction.  Tables are compared by a merge of both sides ordered by
 * their key: a row only in the file was added behind the history's back, a
 * row only in the replay was removed, and a differing column is named with
 * both values (shown bounded and printable: base_text_printable).
 */
#include "registry/check.h"

#include "base/error.h"
#include "base/hex.h"
#include "base/sqlite.h"
#include "base/text.h"
#include "model/std/stdcode.h"
#include "registry/change.h"

#include <sodium.h>
#include <string.h>

#define damaged(error, ...) base_fail ((error), REG_ERROR, REG_ERROR_DAMAGED, __VA_ARGS__)

/* ---- the chain -------------------------------------------------------------- */

static gboolean
check_chain (RegDb *db, const ModelAuditLog *log, const ModelAuditHead *expected,
             GError **error)
{
  guint64 bad = 0;
  GError *e = NULL;
  if (model_audit_log_verify (log, expected, MODEL_AUDIT_VERIFY_DEFAULT, &bad, &e))
    return TRUE;
  /* model/std/audit.c says "audit entry N: WHY"; the position is ours to say. */
  const char *why = e->message;
  g_autofree char *prefix = g_strdup_printf ("audit entry %" G_GUINT64_FORMAT ": ", bad);
  if (g_str_has_prefix (why, prefix))
    why += strlen (prefix);
  damaged (error, "%s: history entry %" G_GUINT64_FORMAT ": %s (%s)", reg_db_path (db), bad, why,
           e->domain == MODEL_AUDIT_ERROR ? model_std_code_name ((ModelStdCode) e->code)
                                          : "error");
  g_error_free (e);
  return FALSE;
}

/* ---- comparing two tables --------------------------------------------------- */

/* A value for a message. */
static char *
show (sqlite3_stmt *st, int i)
{
  switch (sqlite3_column_type (st, i))
    {
    case SQLITE_NULL: return g_strdup ("NULL");
    case SQLITE_INTEGER: return g_strdup_printf ("%lld", (long long) sqlite3_column_int64 (st, i));
    case SQLITE_FLOAT: return g_strdup_printf ("%g", sqlite3_column_double (st, i));
    case SQLITE_BLOB: return g_strdup_printf ("a blob of %d bytes", sqlite3_column_bytes (st, i));
    default:
      {
        const char *t = (const char *) sqlite3_column_text (st, i);
        g_autofree char *p = base_text_printable (t, (gsize) sqlite3_column_bytes (st, i), 80);
        return g_strdup_printf ("'%s'", p);
      }
    }
}

static gboolean
same (sqlite3_stmt *a, sqlite3_stmt *b, int i)
{
  int ta = sqlite3_column_type (a, i);
  if (ta != sqlite3_column_type (b, i))
    return FALSE;
  switch (ta)
    {
    case SQLITE_NULL: return TRUE;
    case SQLITE_INTEGER: return sqlite3_column_int64 (a, i) == sqlite3_column_int64 (b, i);
    case SQLITE_FLOAT: return sqlite3_column_double (a, i) == sqlite3_column_double (b, i);
    default:
      {
        const void *pa = ta == SQLITE_BLOB ? sqlite3_column_blob (a, i)
                                           : (const void *) sqlite3_column_text (a, i);
        const void *pb = ta == SQLITE_BLOB ? sqlite3_column_blob (b, i)
                                           : (const void *) sqlite3_column_text (b, i);
        int na = sqlite3_column_bytes (a, i), nb = sqlite3_column_bytes (b, i);
        return na == nb && (na == 0 || memcmp (pa, pb, (size_t) na) == 0);
      }
    }
}

/* Orders the keys (column 0) of two rows as ORDER BY does for one type. */
static int
key_cmp (sqlite3_stmt *a, sqlite3_stmt *b)
{
  int ta = sqlite3_column_type (a, 0), tb = sqlite3_column_type (b, 0);
  if (ta != tb)
    return ta < tb ? -1 : 1;
  if (ta == SQLITE_INTEGER)
    {
      gint64 x = sqlite3_column_int64 (a, 0), y = sqlite3_column_int64 (b, 0);
      return x < y ? -1 : x > y;
    }
  const char *x = (const char *) sqlite3_column_text (a, 0);
  const char *y = (const char *) sqlite3_column_text (b, 0);
  int nx = sqlite3_column_bytes (a, 0), ny = sqlite3_column_bytes (b, 0);
  int c = memcmp (x ? x : "", y ? y : "", (size_t) MIN (nx, ny));
  return c != 0 ? c : (nx < ny ? -1 : nx > ny);
}

static gboolean
compare_table (RegDb *db, sqlite3 *replay, const RegTable *t, guint64 *n_rows, GError **error)
{
  const char *path = reg_db_path (db);
  BaseSqlite fs = { reg_db_handle (db), path, REG_ERROR, REG_ERROR_INTERNAL };
  BaseSqlite rs = { replay, path, REG_ERROR, REG_ERROR_INTERNAL };
  g_autoptr (GString) cols = g_string_new (NULL);
  guint n_cols = 0;
  for (guint i = 0; t->columns[i] != NULL; i++)
    if (t->bytes_column == NULL || strcmp (t->columns[i], t->bytes_column) != 0)
      {
        /* The key first (the tables' definitions list it first). */
        g_string_append_printf (cols, "%s%s", n_cols ? ", " : "", t->columns[i]);
        n_cols++;
      }
  g_autofree char *sql = g_strdup_printf ("SELECT %s FROM %s ORDER BY %s", cols->str, t->name,
                                          t->key);
  sqlite3_stmt *a = base_sqlite_prepare (&fs, sql, "read the tables", error);
  sqlite3_stmt *b = a ? base_sqlite_prepare (&rs, sql, "replay", error) : NULL;
  gboolean ok = a != NULL && b != NULL;
  int ra = SQLITE_DONE, rb = SQLITE_DONE;
  if (ok)
    {
      ra = sqlite3_step (a);
      rb = sqlite3_step (b);
    }
  while (ok && (ra == SQLITE_ROW || rb == SQLITE_ROW))
    {
      int c = ra != SQLITE_ROW ? 1 : rb != SQLITE_ROW ? -1 : key_cmp (a, b);
      if (c < 0)
        {
          g_autofree char *k = show (a, 0);
          ok = damaged (error, "%s: table %s, row %s: not in the history (added behind its back)",
                        path, t->name, k);
        }
      else if (c > 0)
        {
          g_autofree char *k = show (b, 0);
          ok = damaged (error, "%s: table %s, row %s: missing (the history has it)", path,
                        t->name, k);
        }
      else
        {
          for (guint i = 1; ok && i < n_cols; i++)
            if (!same (a, b, (int) i))
              {
                g_autofree char *k = show (a, 0), *va = show (a, (int) i), *vb = show (b, (int) i);
                ok = damaged (error, "%s: table %s, row %s: %s is %s, the history gives %s", path,
                              t->name, k, sqlite3_column_name (a, (int) i), va, vb);
              }
          (*n_rows)++;
          ra = sqlite3_step (a);
          rb = sqlite3_step (b);
        }
      if (ok && c < 0)
        ra = sqlite3_step (a);
      if (ok && c > 0)
        rb = sqlite3_step (b);
    }
  if (ok && ra != SQLITE_DONE)
    ok = base_sqlite_fail_rc (&fs, ra, REG_ERROR_INPUT, "read the tables", error);
  if (ok && rb != SQLITE_DONE)
    ok = base_sqlite_fail_rc (&rs, rb, REG_ERROR_INTERNAL, "replay", error);
  sqlite3_finalize (a);
  sqlite3_finalize (b);
  return ok;
}

/* The number of rows of table in db; -1 when it has no such table. */
static gint64
table_rows (const BaseSqlite *s, const char *table, GError **error)
{
  sqlite3_stmt *st = base_sqlite_prepare (s, "SELECT count(*) FROM sqlite_schema"
                                          " WHERE type = 'table' AND name = ?", "read the tables",
                                          error);
  if (st == NULL)
    return -2;
  sqlite3_bind_text (st, 1, table, -1, SQLITE_STATIC);
  gint64 n = sqlite3_step (st) == SQLITE_ROW ? sqlite3_column_int64 (st, 0) : 0;
  sqlite3_finalize (st);
  if (n == 0)
    return -1;
  g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM %s", table);
  if ((st = base_sqlite_prepare (s, sql, "read the tables", error)) == NULL)
    return -2;
  n = sqlite3_step (st) == SQLITE_ROW ? sqlite3_column_int64 (st, 0) : 0;
  sqlite3_finalize (st);
  return n;
}

/* A table new in essc-registry/2 that a /1 file does not have: the replay
 * must not have rows in it either.  *absent: the file lacks it. */
static gboolean
check_absent (RegDb *db, sqlite3 *replay, const RegTable *t, gboolean *absent, GError **error)
{
  const char *path = reg_db_path (db);
  BaseSqlite fs = { reg_db_handle (db), path, REG_ERROR, REG_ERROR_INTERNAL };
  BaseSqlite rs = { replay, path, REG_ERROR, REG_ERROR_INTERNAL };
  gint64 in_file = table_rows (&fs, t->name, error);
  if (in_file == -2)
    return FALSE;
  *absent = in_file == -1;
  if (!*absent)
    return TRUE;
  gint64 in_replay = table_rows (&rs, t->name, error);
  if (in_replay == -2)
    return FALSE;
  if (in_replay > 0)
    return damaged (error, "%s: table %s is missing (the history gives %" G_GINT64_FORMAT
                    " rows)", path, t->name, in_replay);
  return TRUE;
}

/* Each stored document's bytes against the hash the history recorded. */
static gboolean
check_bytes (RegDb *db, const RegTable *t, GError **error)
{
  const char *path = reg_db_path (db);
  BaseSqlite fs = { reg_db_handle (db), path, REG_ERROR, REG_ERROR_INTERNAL };
  g_autofree char *sql = g_strdup_printf ("SELECT %s, blake2b, %s FROM %s ORDER BY %s", t->key,
                                          t->bytes_column, t->name, t->key);
  sqlite3_stmt *st = base_sqlite_prepare (&fs, sql, "read the tables", error);
  if (st == NULL)
    return FALSE;
  int rc;
  gboolean ok = TRUE;
  while (ok && (rc = sqlite3_step (st)) == SQLITE_ROW)
    {
      guint8 h[REG_HASH_LEN];
      char hex[2 * REG_HASH_LEN + 1];
      crypto_generichash (h, sizeof h, sqlite3_column_blob (st, 2),
                          (unsigned long long) sqlite3_column_bytes (st, 2), NULL, 0);
      base_hex_encode (h, sizeof h, hex);
      if (g_strcmp0 (hex, (const char *) sqlite3_column_text (st, 1)) != 0)
        {
          g_autofree char *k = show (st, 0);
          ok = damaged (error, "%s: table %s, row %s: the bytes do not have the BLAKE2b-256 the "
                        "history recorded for them (edited)", path, t->name, k);
        }
    }
  if (ok && rc != SQLITE_DONE)
    ok = base_sqlite_fail_rc (&fs, rc, REG_ERROR_INPUT, "read the tables", error);
  sqlite3_finalize (st);
  return ok;
}

/* ---- the check ---------------------------------------------------------------- */

typedef struct {
  sqlite3 *replay;
  const char *path;
  GError **error;
  gboolean ok;
} Replay;

static gboolean
replay_entry (const ModelAuditEntry *entry, gpointer data)
{
  Replay *r = data;
  r->ok = reg_change_apply (r->replay, r->path, "main", entry, NULL, r->error);
  return r->ok;
}

gboolean
reg_check (RegDb *db, const ModelAuditHead *expected, RegCheckSummary *summary, GError **error)
{
  const char *path = reg_db_path (db);
  const ModelAuditLog *log = reg_db_history (db, error);
  if (log == NULL || !check_chain (db, log, expected, error))
    return FALSE;
  sqlite3 *replay = NULL;
  BaseSqlite rs = { NULL, path, REG_ERROR, REG_ERROR_INTERNAL };
  if (sqlite3_open_v2 (":memory:", &replay, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK)
    {
      rs.db = replay;
      base_sqlite_fail (&rs, "replay", error);
      sqlite3_close (replay);
      return FALSE;
    }
  Replay r = { replay, path, error, TRUE };
  RegCheckSummary sum = { 0 };
  gsize n;
  const RegTable *tables = reg_change_tables (&n);
  gboolean ok = reg_change_create_tables (replay, path, "main", error)
                && (model_audit_log_foreach (log, replay_entry, &r), r.ok);
  guint64 counts[8] = { 0 };
  g_assert (n <= G_N_ELEMENTS (counts));
  for (gsize i = 0; ok && i < n; i++)
    {
      gboolean absent = FALSE;
      if (tables[i].v2)
        ok = check_absent (db, replay, &tables[i], &absent, error);
      if (ok && !absent)
        ok = compare_table (db, replay, &tables[i], &counts[i], error);
    }
  for (gsize i = 0; ok && i < n; i++)
    if (tables[i].bytes_column != NULL)
      ok = check_bytes (db, &tables[i], error);
  sqlite3_close (replay);
  if (!ok)
    {
      /* A replay failure names the entry but not the file. */
      if (error != NULL && *error != NULL && !g_str_has_prefix ((*error)->message, path))
        g_prefix_error (error, "%s: ", path);
      return FALSE;
    }
  model_audit_log_head (log, &sum.head);
  sum.channels = counts[1];
  sum.reports = counts[2];
  sum.certificates = counts[3];
  sum.tokens = counts[4];
  if (summary != NULL)
    *summary = sum;
  return TRUE;
}
