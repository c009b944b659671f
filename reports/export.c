/* SPDX-License-Identifier: MIT */
/*
 * Exporting a database's tables (see export.h): the checks on opening,
 * each table's columns and row order, and the two writers, which read one
 * row, write it, and forget it.
 */
#include "reports/export.h"

#include "base/csv.h"
#include "base/error.h"
#include "base/hex.h"
#include "base/sqlite.h"

#include <errno.h>
#include <math.h>
#include <string.h>
#include <sys/stat.h>

G_DEFINE_QUARK (report-export-error-quark, report_export_error)

struct _ReportExport {
  char *path;
  sqlite3 *db;
  BaseDbKind kind;
  gint64 application_id;
  GPtrArray *tables;   /* ReportExportTable *, by name */
};

typedef sqlite3_stmt Stmt;
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Stmt, sqlite3_finalize)

#define input_error(error, ...) \
  base_fail ((error), REPORT_EXPORT_ERROR, REPORT_EXPORT_ERROR_INPUT, __VA_ARGS__)

static BaseSqlite
input (const ReportExport *x)
{
  return (BaseSqlite){ x->db, x->path, REPORT_EXPORT_ERROR, REPORT_EXPORT_ERROR_INPUT };
}

static void
table_free (gpointer p)
{
  ReportExportTable *t = p;
  g_free (t->name);
  g_strfreev (t->columns);
  g_strfreev (t->types);
  g_strfreev (t->order);
  g_free (t);
}

void
report_export_free (ReportExport *x)
{
  if (x == NULL)
    return;
  sqlite3_close (x->db);
  g_free (x->path);
  if (x->tables != NULL)
    g_ptr_array_unref (x->tables);
  g_free (x);
}

/* An SQL identifier in double quotes, each quote doubled. */
static char *
quote_ident (const char *name)
{
  GString *q = g_string_new ("\"");
  for (const char *c = name; *c; c++)
    {
      if (*c == '"')
        g_string_append_c (q, '"');
      g_string_append_c (q, *c);
    }
  g_string_append_c (q, '"');
  return g_string_free (q, FALSE);
}

/* A column of a statement as text ("" for NULL). */
static const char *
text_at (Stmt *st, int i)
{
  const unsigned char *t = sqlite3_column_text (st, i);
  return t != NULL ? (const char *) t : "";
}

/* ---- opening ----------------------------------------------------------------- */

/* The file is a database of a kind essc writes, or an error saying what it is. */
static gboolean
check_kind (ReportExport *x, GError **error)
{
  struct stat st;
  if (stat (x->path, &st) != 0)
    return input_error (error, "%s: %s", x->path, g_strerror (errno));
  if (!S_ISREG (st.st_mode))
    return input_error (error, "%s: not a regular file (expected a database essc wrote)",
                        x->path);
  if (st.st_size == 0)
    return input_error (error, "%s: an empty file, not a database", x->path);
  g_autofree char *detail = NULL;
  x->kind = base_db_identify (x->path, &detail);
  switch (x->kind)
    {
    case BASE_DB_UNREADABLE:
      return input_error (error, "%s: not an SQLite database, or damaged (%s)", x->path,
                          detail != NULL ? detail : "?");
    case BASE_DB_NEW:
      return input_error (error, "%s: an SQLite database with no table (nothing to export)",
                          x->path);
    case BASE_DB_FOREIGN:
      return input_error (error, "%s: %s (%s): essc export reads the databases essc writes",
                          x->path, base_db_kind_describe (x->kind),
                          detail != NULL ? detail : "?");
    default:
      return TRUE;
    }
}

/* The ORDER BY of table t: its primary key, or, for a table without one,
 * the rowid under one of its three names that no column shadows (all three
 * shadowed, in a hostile file: no ORDER BY, and a rowid table's plain scan
 * is in rowid order).  A key's ties (NULLs, which a rowid table's key may
 * hold) come in its index's order, which is the rowid's. */
static void
set_order (ReportExportTable *t, GPtrArray *pk)
{
  g_autoptr (GPtrArray) order = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < pk->len; i++)
    g_ptr_array_add (order, g_strdup (pk->pdata[i]));
  static const char *const names[] = { "rowid", "_rowid_", "oid" };
  for (guint i = 0; i < G_N_ELEMENTS (names) && pk->len == 0 && order->len == 0; i++)
    if (!g_strv_contains ((const char *const *) t->columns, names[i]))
      g_ptr_array_add (order, g_strdup (names[i]));
  g_ptr_array_add (order, NULL);
  t->order = (GStrv) g_ptr_array_free (g_steal_pointer (&order), FALSE);
}

/* Table name's columns, declared types, primary key and row order. */
static gboolean
read_table (ReportExport *x, const char *name, GError **error)
{
  BaseSqlite s = input (x);
  g_autoptr (Stmt) st = base_sqlite_prepare (&s, "SELECT name, type, pk FROM pragma_table_info "
                                             "(?) ORDER BY cid", "read the schema", error);
  if (st == NULL)
    return FALSE;
  sqlite3_bind_text (st, 1, name, -1, SQLITE_STATIC);
  g_autoptr (GPtrArray) columns = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) types = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GArray) pk_rank = g_array_new (FALSE, FALSE, sizeof (int));
  int rc;
  while ((rc = sqlite3_step (st)) == SQLITE_ROW)
    {
      g_ptr_array_add (columns, g_strdup (text_at (st, 0)));
      g_ptr_array_add (types, g_strdup (text_at (st, 1)));
      int rank = sqlite3_column_int (st, 2);
      g_array_append_val (pk_rank, rank);
    }
  if (rc != SQLITE_DONE)
    return base_sqlite_fail (&s, "read the schema", error);
  if (columns->len == 0)
    return input_error (error, "%s: table %s has no column that can be read", x->path, name);
  /* the primary key's columns in the key's order */
  g_autoptr (GPtrArray) pk = g_ptr_array_new ();
  for (int rank = 1; rank <= (int) pk_rank->len; rank++)
    for (guint i = 0; i < pk_rank->len; i++)
      if (g_array_index (pk_rank, int, i) == rank)
        g_ptr_array_add (pk, columns->pdata[i]);
  ReportExportTable *t = g_new0 (ReportExportTable, 1);
  t->name = g_strdup (name);
  g_ptr_array_add (columns, NULL);
  g_ptr_array_add (types, NULL);
  t->columns = (GStrv) g_ptr_array_free (g_steal_pointer (&columns), FALSE);
  t->types = (GStrv) g_ptr_array_free (g_steal_pointer (&types), FALSE);
  set_order (t, pk);
  g_ptr_array_add (x->tables, t);
  return TRUE;
}

ReportExport *
report_export_open (const char *path, GError **error)
{
  g_return_val_if_fail (path != NULL, NULL);
  g_autoptr (ReportExport) x = g_new0 (ReportExport, 1);
  x->path = g_strdup (path);
  x->tables = g_ptr_array_new_with_free_func (table_free);
  if (!check_kind (x, error))
    return NULL;
  BaseSqlite s = input (x);
  if (!base_sqlite_open (&s, SQLITE_OPEN_READONLY, "cannot open as an SQLite database", error))
    return NULL;
  x->db = s.db;
  g_autofree char *code = base_sqlite_schema_code (x->db);
  if (code != NULL && code[0] == '\0')
    {
      input_error (error, "%s: damaged database (its schema cannot be read)", x->path);
      return NULL;
    }
  if (code != NULL)
    {
      input_error (error, "%s: not a database essc wrote: it holds %s (code SQLite would run; "
                   "essc writes tables and indexes only)", x->path, code);
      return NULL;
    }
  g_autoptr (Stmt) qc = base_sqlite_prepare (&s, "PRAGMA quick_check", "check", error);
  if (qc == NULL)
    return NULL;
  if (sqlite3_step (qc) != SQLITE_ROW || strcmp (text_at (qc, 0), "ok") != 0)
    {
      input_error (error, "%s: damaged database (SQLite's check: %s)", x->path,
                   sqlite3_column_text (qc, 0) != NULL ? text_at (qc, 0)
                                                       : sqlite3_errmsg (x->db));
      return NULL;
    }
  g_autoptr (Stmt) app = base_sqlite_prepare (&s, "PRAGMA application_id", "check", error);
  if (app == NULL)
    return NULL;
  x->application_id = sqlite3_step (app) == SQLITE_ROW ? sqlite3_column_int64 (app, 0) : 0;
  g_autoptr (Stmt) names = base_sqlite_prepare (&s, "SELECT name FROM sqlite_schema WHERE "
                                                "type = 'table' AND name NOT LIKE 'sqlite\\_%' "
                                                "ESCAPE '\\' ORDER BY name", "list the tables",
                                                error);
  if (names == NULL)
    return NULL;
  g_autoptr (GPtrArray) list = g_ptr_array_new_with_free_func (g_free);
  int rc;
  while ((rc = sqlite3_step (names)) == SQLITE_ROW)
    g_ptr_array_add (list, g_strdup (text_at (names, 0)));
  if (rc != SQLITE_DONE)
    {
      base_sqlite_fail (&s, "list the tables", error);
      return NULL;
    }
  for (guint i = 0; i < list->len; i++)
    if (!read_table (x, list->pdata[i], error))
      return NULL;
  return g_steal_pointer (&x);
}

BaseDbKind
report_export_kind (const ReportExport *x)
{
  return x->kind;
}

gint64
report_export_application_id (const ReportExport *x)
{
  return x->application_id;
}

const GPtrArray *
report_export_tables (const ReportExport *x)
{
  return x->tables;
}

const ReportExportTable *
report_export_table (const ReportExport *x, const char *name)
{
  for (guint i = 0; i < x->tables->len; i++)
    {
      const ReportExportTable *t = x->tables->pdata[i];
      if (strcmp (t->name, name) == 0)
        return t;
    }
  return NULL;
}

char *
report_export_table_names (const ReportExport *x)
{
  GString *out = g_string_new (NULL);
  for (guint i = 0; i < x->tables->len; i++)
    g_string_append_printf (out, "%s%s", i ? ", " : "",
                            ((const ReportExportTable *) x->tables->pdata[i])->name);
  return g_string_free (out, FALSE);
}

gboolean
report_export_count (ReportExport *x, const ReportExportTable *t, gint64 *rows, GError **error)
{
  BaseSqlite s = input (x);
  g_autofree char *q = quote_ident (t->name);
  g_autofree char *sql = g_strdup_printf ("SELECT count (*) FROM %s", q);
  g_autoptr (Stmt) st = base_sqlite_prepare (&s, sql, "count the rows", error);
  if (st == NULL)
    return FALSE;
  if (sqlite3_step (st) != SQLITE_ROW)
    return base_sqlite_fail (&s, "count the rows", error);
  *rows = sqlite3_column_int64 (st, 0);
  return TRUE;
}

/* ---- the rows ---------------------------------------------------------------- */

/* The statement reading t's columns in its stated order. */
static Stmt *
select_rows (ReportExport *x, const ReportExportTable *t, GError **error)
{
  g_autoptr (GString) sql = g_string_new ("SELECT ");
  for (guint i = 0; t->columns[i] != NULL; i++)
    {
      g_autofree char *q = quote_ident (t->columns[i]);
      g_string_append_printf (sql, "%s%s", i ? ", " : "", q);
    }
  g_autofree char *table = quote_ident (t->name);
  g_string_append_printf (sql, " FROM %s", table);
  for (guint i = 0; t->order[i] != NULL; i++)
    {
      g_autofree char *q = quote_ident (t->order[i]);
      /* the rowid by its name, unquoted: quoted, it would be read as a column */
      gboolean rowid = t->order[i + 1] == NULL
                       && !g_strv_contains ((const char *const *) t->columns, t->order[i]);
      g_string_append_printf (sql, "%s%s", i ? ", " : " ORDER BY ", rowid ? t->order[i] : q);
    }
  BaseSqlite s = input (x);
  g_autofree char *what = g_strdup_printf ("read table %s", t->name);
  return base_sqlite_prepare (&s, sql->str, what, error);
}

/* REAL as "%.17g" in the C locale. */
static void
append_real (GString *out, double v)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  g_ascii_formatd (buf, sizeof buf, "%.17g", v);
  g_string_append (out, buf);
}

/* Writes the row in line to out (out_name in messages); FALSE with _WRITE
 * when out failed. */
static gboolean
put_line (FILE *out, const char *out_name, GString *line, GError **error)
{
  if (line->len > 0 && fwrite (line->str, 1, line->len, out) != line->len)
    return base_fail (error, REPORT_EXPORT_ERROR, REPORT_EXPORT_ERROR_WRITE,
                      "%s: write failed: %s", out_name, g_strerror (errno));
  g_string_truncate (line, 0);
  return TRUE;
}

/* After the last row: SQLITE_DONE, or the error that stopped the reading. */
static gboolean
done (ReportExport *x, const ReportExportTable *t, int rc, gint64 row, GError **error)
{
  if (rc == SQLITE_DONE)
    return TRUE;
  return input_error (error, "%s: table %s: reading row %" G_GINT64_FORMAT " failed: %s",
                      x->path, t->name, row + 1, sqlite3_errmsg (x->db));
}

gboolean
report_export_csv (ReportExport *x, const ReportExportTable *t, FILE *out, const char *out_name,
                   GError **error)
{
  g_autoptr (Stmt) st = select_rows (x, t, error);
  if (st == NULL)
    return FALSE;
  g_autoptr (GString) line = g_string_new (NULL);
  for (guint i = 0; t->columns[i] != NULL; i++)
    base_csv_field (line, i == 0, t->columns[i], -1);
  base_csv_end (line);
  if (!put_line (out, out_name, line, error))
    return FALSE;
  int n = sqlite3_column_count (st), rc;
  gint64 row = 0;
  for (; (rc = sqlite3_step (st)) == SQLITE_ROW; row++)
    {
      for (int i = 0; i < n; i++)
        switch (sqlite3_column_type (st, i))
          {
          case SQLITE_NULL:
            base_csv_null (line, i == 0);
            break;
          case SQLITE_INTEGER:
            g_string_append_printf (line, "%s%" G_GINT64_FORMAT, i ? "," : "",
                                    (gint64) sqlite3_column_int64 (st, i));
            break;
          case SQLITE_FLOAT:
            if (i > 0)
              g_string_append_c (line, ',');
            append_real (line, sqlite3_column_double (st, i));
            break;
          case SQLITE_BLOB:
            {
              const void *b = sqlite3_column_blob (st, i);
              gsize len = (gsize) sqlite3_column_bytes (st, i);
              g_autofree char *hex = base_hex_encode_dup (b, len);
              base_csv_field (line, i == 0, hex, (gssize) (2 * len));
            }
            break;
          default:   /* TEXT, its bytes as stored */
            {
              const char *text = (const char *) sqlite3_column_text (st, i);
              base_csv_field (line, i == 0, text != NULL ? text : "",
                              text != NULL ? sqlite3_column_bytes (st, i) : 0);
            }
            break;
          }
      base_csv_end (line);
      if (!put_line (out, out_name, line, error))
        return FALSE;
    }
  return done (x, t, rc, row, error);
}

/* ---- JSON -------------------------------------------------------------------- */

/* TRUE when the n bytes at s are UTF-8 (NUL allowed: JSON writes it). */
static gboolean
utf8_ok (const char *s, gsize n)
{
  const char *end = s + n;
  while (s < end)
    {
      if ((guchar) *s < 0x80)
        {
          s++;
          continue;
        }
      gunichar c = g_utf8_get_char_validated (s, end - s);
      if (c == (gunichar) -1 || c == (gunichar) -2)
        return FALSE;
      s = g_utf8_next_char (s);
    }
  return TRUE;
}

/* A JSON string of the n UTF-8 bytes at s: quote, backslash and every
 * control character escaped, and U+2028, U+2029 (line ends to JavaScript). */
static void
json_string (GString *out, const char *s, gsize n)
{
  g_string_append_c (out, '"');
  const char *end = s + n;
  while (s < end)
    {
      guchar c = (guchar) *s;
      if (c == '"' || c == '\\')
        g_string_append_printf (out, "\\%c", c), s++;
      else if (c == '\n')
        g_string_append (out, "\\n"), s++;
      else if (c == '\t')
        g_string_append (out, "\\t"), s++;
      else if (c == '\r')
        g_string_append (out, "\\r"), s++;
      else if (c < 0x20 || c == 0x7f)
        g_string_append_printf (out, "\\u%04x", c), s++;
      else if (c < 0x80)
        g_string_append_c (out, (char) c), s++;
      else
        {
          gunichar u = g_utf8_get_char (s);
          const char *next = g_utf8_next_char (s);
          if (u == 0x2028 || u == 0x2029 || (u >= 0x80 && u <= 0x9f))
            g_string_append_printf (out, "\\u%04x", u);
          else
            g_string_append_len (out, s, next - s);
          s = next;
        }
    }
  g_string_append_c (out, '"');
}

/* A name (a table's, a column's, the database's path) as a JSON string:
 * invalid UTF-8 in it (a hostile file) shown as U+FFFD. */
static void
json_name (GString *out, const char *name)
{
  g_autofree char *valid = g_utf8_make_valid (name, -1);
  json_string (out, valid, strlen (valid));
}

static void
json_names (GString *out, const char *key, GStrv names)
{
  g_string_append_printf (out, "\"%s\": [", key);
  for (guint i = 0; names[i] != NULL; i++)
    {
      if (i > 0)
        g_string_append (out, ", ");
      json_name (out, names[i]);
    }
  g_string_append_c (out, ']');
}

static void
json_value (GString *out, Stmt *st, int i)
{
  switch (sqlite3_column_type (st, i))
    {
    case SQLITE_NULL:
      g_string_append (out, "null");
      break;
    case SQLITE_INTEGER:
      g_string_append_printf (out, "%" G_GINT64_FORMAT, (gint64) sqlite3_column_int64 (st, i));
      break;
    case SQLITE_FLOAT:
      {
        double v = sqlite3_column_double (st, i);
        if (!isfinite (v))
          {
            g_string_append (out, "null");
            break;
          }
        gsize at = out->len;
        append_real (out, v);
        if (strpbrk (out->str + at, ".e") == NULL)
          g_string_append (out, ".0");
      }
      break;
    case SQLITE_BLOB:
      {
        gsize len = (gsize) sqlite3_column_bytes (st, i);
        g_autofree char *hex = base_hex_encode_dup (sqlite3_column_blob (st, i), len);
        g_string_append_printf (out, "\"%s\"", hex);
      }
      break;
    default:
      {
        const char *text = (const char *) sqlite3_column_text (st, i);
        gsize len = text != NULL ? (gsize) sqlite3_column_bytes (st, i) : 0;
        if (text == NULL)
          text = "";
        if (utf8_ok (text, len))
          json_string (out, text, len);
        else
          {
            g_autofree char *hex = base_hex_encode_dup ((const guint8 *) text, len);
            g_string_append_printf (out, "{\"text_hex\": \"%s\"}", hex);
          }
      }
      break;
    }
}

static gboolean
json_table (ReportExport *x, const ReportExportTable *t, gboolean first, FILE *out,
            const char *out_name, GString *line, GError **error)
{
  g_autoptr (Stmt) st = select_rows (x, t, error);
  if (st == NULL)
    return FALSE;
  g_string_append (line, first ? "\n" : ",\n");
  json_name (line, t->name);
  g_string_append (line, ": {");
  json_names (line, "columns", t->columns);
  g_string_append (line, ", ");
  json_names (line, "types", t->types);
  g_string_append (line, ", ");
  json_names (line, "order", t->order);
  g_string_append (line, ", \"rows\": [");
  int n = sqlite3_column_count (st), rc;
  gint64 row = 0;
  for (; (rc = sqlite3_step (st)) == SQLITE_ROW; row++)
    {
      g_string_append (line, row > 0 ? ",\n[" : "\n[");
      for (int i = 0; i < n; i++)
        {
          if (i > 0)
            g_string_append (line, ", ");
          json_value (line, st, i);
        }
      g_string_append_c (line, ']');
      if (!put_line (out, out_name, line, error))
        return FALSE;
    }
  g_string_append (line, "\n]}");
  return done (x, t, rc, row, error);
}

gboolean
report_export_json (ReportExport *x, const char *database_name,
                    const ReportExportTable *const *tables, guint n, FILE *out,
                    const char *out_name, GError **error)
{
  g_autoptr (GString) line = g_string_new ("{\"database\": ");
  g_autofree char *shown = g_filename_display_name (database_name);
  json_name (line, shown);
  g_string_append (line, ", \"kind\": ");
  json_name (line, base_db_kind_name (x->kind));
  g_string_append_printf (line, ", \"application_id\": %" G_GINT64_FORMAT ", \"tables\": {",
                          x->application_id);
  for (guint i = 0; i < n; i++)
    if (!json_table (x, tables[i], i == 0, out, out_name, line, error))
      return FALSE;
  g_string_append (line, "\n}}\n");
  return put_line (out, out_name, line, error);
}
