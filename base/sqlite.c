/* SPDX-License-Identifier: MIT */
/*
 * The functions of base/sqlite.h.
 */
#include "base/sqlite.h"

#include "base/error.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <math.h>

/* ---- errors ------------------------------------------------------------ */

gboolean
base_sqlite_fail (const BaseSqlite *s, const char *what, GError **error)
{
  return base_fail (error, s->domain, s->code, "%s: %s: %s", s->path, what,
                    sqlite3_errmsg (s->db));
}

gboolean
base_sqlite_damaged (int rc)
{
  switch (rc & 0xff)
    {
    case SQLITE_NOTADB:
    case SQLITE_CORRUPT:
    case SQLITE_FORMAT:
      return TRUE;
    default:
      return FALSE;
    }
}

gboolean
base_sqlite_fail_rc (const BaseSqlite *s, int rc, gint damaged_code, const char *what,
                     GError **error)
{
  if (base_sqlite_damaged (rc))
    return base_fail (error, s->domain, damaged_code,
                      "%s: %s: damaged or not an SQLite database (%s)", s->path, what,
                      sqlite3_errmsg (s->db));
  return base_fail (error, s->domain, s->code, "%s: %s: %s (%s)", s->path, what,
                    sqlite3_errmsg (s->db), sqlite3_errstr (rc));
}

/* ---- open -------------------------------------------------------------- */

gboolean
base_sqlite_open (BaseSqlite *s, int flags, const char *what, GError **error)
{
  if (sqlite3_open_v2 (s->path, &s->db, flags, NULL) == SQLITE_OK
      && sqlite3_db_config (s->db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL) == SQLITE_OK
      && ((flags & SQLITE_OPEN_READWRITE)
          || sqlite3_db_config (s->db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL) == SQLITE_OK))
    return TRUE;
  base_sqlite_fail (s, what, error);
  sqlite3_close (s->db);
  s->db = NULL;
  return FALSE;
}

/* ---- what a hostile schema may hold ------------------------------------- */

char *
base_sqlite_schema_code (sqlite3 *db)
{
  g_return_val_if_fail (db != NULL, g_strdup (""));
  static const char sql[] =
    "SELECT 'a view ' || name FROM sqlite_schema WHERE type = 'view' "
    "UNION ALL SELECT 'a trigger ' || name FROM sqlite_schema WHERE type = 'trigger' "
    "UNION ALL SELECT 'a virtual table ' || name FROM sqlite_schema "
    "WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL%' "
    "UNION ALL SELECT 'a generated column ' || t.name || '.' || c.name "
    "FROM sqlite_schema AS t, pragma_table_xinfo (t.name) AS c "
    "WHERE t.type = 'table' AND c.hidden IN (2, 3) LIMIT 1";
  sqlite3_stmt *st = NULL;
  char *found = NULL;
  if (sqlite3_prepare_v2 (db, sql, -1, &st, NULL) != SQLITE_OK)
    found = g_strdup ("");
  else
    {
      int rc = sqlite3_step (st);
      const unsigned char *text = rc == SQLITE_ROW ? sqlite3_column_text (st, 0) : NULL;
      found = rc == SQLITE_ROW ? g_strdup (text != NULL ? (const char *) text : "?")
              : rc == SQLITE_DONE ? NULL : g_strdup ("");
    }
  sqlite3_finalize (st);
  return found;
}

/* ---- statements -------------------------------------------------------- */

sqlite3_stmt *
base_sqlite_prepare (const BaseSqlite *s, const char *sql, const char *what, GError **error)
{
  sqlite3_stmt *st = NULL;
  if (sqlite3_prepare_v2 (s->db, sql, -1, &st, NULL) != SQLITE_OK)
    {
      base_sqlite_fail (s, what != NULL ? what : "prepare", error);
      sqlite3_finalize (st);
      return NULL;
    }
  return st;
}

gboolean
base_sqlite_step (const BaseSqlite *s, sqlite3_stmt *st, const char *what, GError **error)
{
  int rc = sqlite3_step (st);
  gboolean ok = rc == SQLITE_DONE
                || base_sqlite_fail (s, what != NULL ? what : sqlite3_sql (st), error);
  sqlite3_reset (st);
  sqlite3_clear_bindings (st);
  return ok;
}

gboolean
base_sqlite_exec (const BaseSqlite *s, const char *sql, const char *what, GError **error)
{
  return sqlite3_exec (s->db, sql, NULL, NULL, NULL) == SQLITE_OK
         || base_sqlite_fail (s, what, error);
}

void
base_sqlite_bind_real (sqlite3_stmt *st, int i, double v)
{
  if (isnan (v))
    sqlite3_bind_null (st, i);
  else
    sqlite3_bind_double (st, i, v);
}

void
base_sqlite_bind_text (sqlite3_stmt *st, int i, const char *text)
{
  if (text == NULL)
    sqlite3_bind_null (st, i);
  else
    sqlite3_bind_text (st, i, text, -1, SQLITE_TRANSIENT);
}

/* ---- replacing a file -------------------------------------------------- */

gboolean
base_sqlite_may_replace (const char *path, gint32 application_id)
{
  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    return TRUE;
  sqlite3 *old = NULL;
  sqlite3_stmt *st = NULL;
  gint64 app = -1;
  if (sqlite3_open_v2 (path, &old, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK
      && sqlite3_prepare_v2 (old, "PRAGMA application_id", -1, &st, NULL) == SQLITE_OK
      && sqlite3_step (st) == SQLITE_ROW)
    app = sqlite3_column_int64 (st, 0);
  sqlite3_finalize (st);
  sqlite3_close (old);
  return app == application_id;
}

char *
base_sqlite_foreign_tables (const char *path, const char *const *own)
{
  g_return_val_if_fail (path != NULL && own != NULL, NULL);
  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    return NULL;
  sqlite3 *db = NULL;
  sqlite3_stmt *st = NULL;
  g_autoptr (GString) out = g_string_new (NULL);
  if (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK
      && sqlite3_prepare_v2 (db, "SELECT name FROM sqlite_schema WHERE type = 'table' AND name "
                             "NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name", -1, &st,
                             NULL) == SQLITE_OK)
    while (sqlite3_step (st) == SQLITE_ROW)
      {
        const char *name = (const char *) sqlite3_column_text (st, 0);
        if (name != NULL && !g_strv_contains (own, name))
          g_string_append_printf (out, "%s%s", out->len ? ", " : "", name);
      }
  sqlite3_finalize (st);
  sqlite3_close (db);
  return out->len > 0 ? g_string_free (g_steal_pointer (&out), FALSE) : NULL;
}

/* ---- the atomic write -------------------------------------------------- */

/* Opens the new temporary file (which mkstemp made, empty) and fills it. */
static gboolean
fill_tmp (BaseSqlite *s, const char *tmp, const char *pragmas, BaseSqliteFillFn fill,
          gpointer data, GError **error)
{
  if (sqlite3_open_v2 (tmp, &s->db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK
      || (pragmas != NULL && sqlite3_exec (s->db, pragmas, NULL, NULL, NULL) != SQLITE_OK)
      || sqlite3_exec (s->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
    return base_sqlite_fail (s, "create", error);
  return fill (s, data, error) && base_sqlite_exec (s, "COMMIT", "commit", error);
}

gboolean
base_sqlite_write_atomic (const char *path, GQuark domain, gint code, const char *pragmas,
                          BaseSqliteFillFn fill, gpointer data, GError **error)
{
  g_return_val_if_fail (path != NULL && fill != NULL, FALSE);
  g_autofree char *tmp = g_strconcat (path, ".tmp-XXXXXX", NULL);
  int fd = g_mkstemp_full (tmp, O_RDWR | O_CLOEXEC, 0644);
  if (fd < 0)
    return base_fail (error, domain, code, "%s: create: %s", path, g_strerror (errno));
  g_close (fd, NULL);
  BaseSqlite s = { NULL, path, domain, code };
  gboolean ok = fill_tmp (&s, tmp, pragmas, fill, data, error);
  if (sqlite3_close (s.db) != SQLITE_OK && ok)
    ok = base_fail (error, domain, code, "%s: close failed", path);
  if (ok && g_rename (tmp, path) != 0)
    ok = base_fail (error, domain, code, "%s: cannot rename into place: %s", path,
                    g_strerror (errno));
  if (!ok)
    g_remove (tmp);
  return ok;
}
