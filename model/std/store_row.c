/* SPDX-License-Identifier: MIT */
/*
 * The row codec of the SQLite store: a ModelStoreWriter binds a record's
 * fields to one prepared INSERT reused across rows and keeps the first
 * failure; a ModelStoreReader reads a row's columns back, checking each
 * value's SQL type and that it fits its C field (length, NUL bytes, integer
 * range, exact blob size) before any module sees it, and words every
 * failure as "<path>: table T, <key>: <field>: <what>".  Hostile databases
 * end here, as MALFORMED errors, never as overflows.
 */
#include "model/std/store_private.h"

#include <stdarg.h>
#include <string.h>

/* ---- writing rows ------------------------------------------------------- */

gboolean
model_store_priv_writer_begin (ModelStoreWriter *w, ModelStore *s, const char *table,
                               const char *insert, GError **error)
{
  *w = (ModelStoreWriter){ s, table, NULL, 0, SQLITE_OK, NULL };
  g_autofree char *del = g_strdup_printf ("DELETE FROM %s", table);
  if (!model_store_priv_exec (s, del, table, error))
    return FALSE;
  int rc
      = sqlite3_prepare_v3 (s->db, insert, -1, SQLITE_PREPARE_PERSISTENT, &w->st, NULL);
  return rc == SQLITE_OK || model_store_priv_sql_fail (s, rc, table, error);
}

void
model_store_priv_bind_int (ModelStoreWriter *w, int i, gint64 v)
{
  if (w->rc == SQLITE_OK)
    w->rc = sqlite3_bind_int64 (w->st, i, v);
}

void
model_store_priv_bind_real (ModelStoreWriter *w, int i, double v)
{
  if (w->rc == SQLITE_OK)
    w->rc = sqlite3_bind_double (w->st, i, v);
}

void
model_store_priv_bind_text (ModelStoreWriter *w, int i, const char *v)
{
  if (w->rc == SQLITE_OK)
    w->rc = sqlite3_bind_text (w->st, i, v, -1, SQLITE_TRANSIENT);
}

/* An empty blob, not NULL, when n is 0. */
void
model_store_priv_bind_blob (ModelStoreWriter *w, int i, const void *v, gsize n)
{
  if (w->rc == SQLITE_OK)
    w->rc = sqlite3_bind_blob64 (w->st, i, n > 0 ? v : "", n, SQLITE_TRANSIENT);
}

void
model_store_priv_bind_hex16 (ModelStoreWriter *w, int i,
                             const guint8 id[MODEL_ECARD_ID_LEN])
{
  char hex[33];
  model_ecard_id_to_hex (id, hex);
  model_store_priv_bind_text (w, i, hex);
}

/* Inserts the bound row; FALSE once anything failed. */
gboolean
model_store_priv_row_done (ModelStoreWriter *w)
{
  if (w->rc == SQLITE_OK)
    {
      int rc = sqlite3_step (w->st);
      if (rc != SQLITE_DONE)
        {
          w->rc = rc;
          w->msg = g_strdup (sqlite3_errmsg (w->store->db));
        }
      else
        w->n++;
    }
  sqlite3_reset (w->st);
  sqlite3_clear_bindings (w->st);
  return w->rc == SQLITE_OK;
}

gboolean
model_store_priv_writer_end (ModelStoreWriter *w, GError **error)
{
  sqlite3_finalize (w->st);
  g_autofree char *msg = g_steal_pointer (&w->msg);
  if (w->rc == SQLITE_OK)
    return TRUE;
  return model_store_priv_fail (w->store, error,
                                base_sqlite_damaged (w->rc) ? MODEL_STD_MALFORMED
                                                            : MODEL_STD_INTERNAL,
                                "table %s: cannot save row %" G_GINT64_FORMAT ": %s",
                                w->table, w->n,
                                msg != NULL ? msg : sqlite3_errstr (w->rc));
}

/* ---- reading rows ------------------------------------------------------- */

gboolean
model_store_priv_row_fail (ModelStoreReader *r, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  g_autofree char *msg = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  return model_store_priv_fail (r->store, r->error, MODEL_STD_MALFORMED,
                                "table %s, %s: %s", r->table, r->key, msg);
}

/* A module's restore refused the row: its message names the field. */
gboolean
model_store_priv_refused (ModelStoreReader *r, GError *e)
{
  gboolean ok = model_store_priv_row_fail (r, "%s", e->message);
  g_error_free (e);
  return ok;
}

/* Text for a message: escaped, at most 64 bytes of the value shown. */
static char *
shown (const char *v)
{
  g_autofree char *cut = g_strndup (v, 64);
  g_autofree char *esc = g_strescape (cut, NULL);
  return strlen (v) > 64 ? g_strconcat (esc, "...", NULL) : g_steal_pointer (&esc);
}

/* Names the row by column col ("card_no A00000001").  Reads the column in
 * its own type: a conversion would make later sqlite3_column_type calls
 * undefined. */
void
model_store_priv_set_key (ModelStoreReader *r, const char *name, int col)
{
  g_autofree char *s = NULL;
  if (sqlite3_column_type (r->st, col) == SQLITE_INTEGER)
    s = g_strdup_printf ("%" G_GINT64_FORMAT,
                         (gint64) sqlite3_column_int64 (r->st, col));
  else if (sqlite3_column_type (r->st, col) == SQLITE_TEXT)
    s = shown ((const char *) sqlite3_column_text (r->st, col) ?: "");
  else
    s = g_strdup ("(not text)");
  g_snprintf (r->key, sizeof r->key, "%s %s", name, s);
}

/* The text in column col, without NUL, at most max bytes; NULL on error. */
const char *
model_store_priv_col_text (ModelStoreReader *r, int col, const char *field, gsize max)
{
  if (sqlite3_column_type (r->st, col) != SQLITE_TEXT)
    {
      model_store_priv_row_fail (r, "%s: expected text", field);
      return NULL;
    }
  const char *t = (const char *) sqlite3_column_text (r->st, col);
  gsize n = (gsize) sqlite3_column_bytes (r->st, col);
  if (t == NULL)
    model_store_priv_row_fail (r, "%s: out of memory", field);
  else if (strlen (t) != n)
    model_store_priv_row_fail (r, "%s: contains a NUL byte", field);
  else if (n > max)
    model_store_priv_row_fail (r, "%s: %zu bytes, expected at most %zu", field, n, max);
  else
    return t;
  return NULL;
}

gboolean
model_store_priv_get_text (ModelStoreReader *r, int col, const char *field, char *out,
                           gsize size)
{
  const char *t = model_store_priv_col_text (r, col, field, size - 1);
  if (t == NULL)
    return FALSE;
  memcpy (out, t, strlen (t) + 1);
  return TRUE;
}

gboolean
model_store_priv_get_int (ModelStoreReader *r, int col, const char *field, gint64 min,
                          gint64 max, gint64 *out)
{
  if (sqlite3_column_type (r->st, col) != SQLITE_INTEGER)
    return model_store_priv_row_fail (r, "%s: expected an integer", field);
  *out = sqlite3_column_int64 (r->st, col);
  if (*out < min || *out > max)
    return model_store_priv_row_fail (
        r,
        "%s: %" G_GINT64_FORMAT " out of range %" G_GINT64_FORMAT "..%" G_GINT64_FORMAT,
        field, *out, min, max);
  return TRUE;
}

gboolean
model_store_priv_get_i64 (ModelStoreReader *r, int col, const char *field, gint64 *out)
{
  return model_store_priv_get_int (r, col, field, G_MININT64, G_MAXINT64, out);
}

gboolean
model_store_priv_get_u32 (ModelStoreReader *r, int col, const char *field, guint32 *out)
{
  gint64 v = 0;
  if (!model_store_priv_get_int (r, col, field, 0, G_MAXUINT32, &v))
    return FALSE;
  *out = (guint32) v;
  return TRUE;
}

gboolean
model_store_priv_get_i32 (ModelStoreReader *r, int col, const char *field, int *out)
{
  gint64 v = 0;
  if (!model_store_priv_get_int (r, col, field, G_MININT, G_MAXINT, &v))
    return FALSE;
  *out = (int) v;
  return TRUE;
}

gboolean
model_store_priv_get_real (ModelStoreReader *r, int col, const char *field, double *out)
{
  if (sqlite3_column_type (r->st, col) != SQLITE_FLOAT)
    return model_store_priv_row_fail (r, "%s: expected a real number", field);
  *out = sqlite3_column_double (r->st, col);
  return TRUE;
}

/* A boolean stored as 0 or 1. */
gboolean
model_store_priv_get_bool (ModelStoreReader *r, int col, const char *field,
                           gboolean *out)
{
  gint64 v = 0;
  if (!model_store_priv_get_int (r, col, field, 0, 1, &v))
    return FALSE;
  *out = v != 0;
  return TRUE;
}

/* A blob of exactly len bytes. */
gboolean
model_store_priv_get_blob (ModelStoreReader *r, int col, const char *field, guint8 *out,
                           gsize len)
{
  if (sqlite3_column_type (r->st, col) != SQLITE_BLOB)
    return model_store_priv_row_fail (r, "%s: expected a blob", field);
  const void *b = sqlite3_column_blob (r->st, col);
  gsize n = (gsize) sqlite3_column_bytes (r->st, col);
  if (n != len || b == NULL)
    return model_store_priv_row_fail (r, "%s: %zu bytes, expected %zu", field, n, len);
  memcpy (out, b, len);
  return TRUE;
}

/* 16 bytes written as 32 lowercase hex characters. */
gboolean
model_store_priv_get_hex16 (ModelStoreReader *r, int col, const char *field,
                            guint8 out[MODEL_ECARD_ID_LEN])
{
  const char *t = model_store_priv_col_text (r, col, field, 64);
  if (t == NULL)
    return FALSE;
  if (!model_ecard_id_from_hex (t, out))
    {
      g_autofree char *v = shown (t);
      return model_store_priv_row_fail (
          r, "%s: '%s', expected 32 lowercase hex characters", field, v);
    }
  return TRUE;
}

/* An enum's wire name: the text, or NULL on error. */
const char *
model_store_priv_get_name (ModelStoreReader *r, int col, const char *field)
{
  return model_store_priv_col_text (r, col, field, 64);
}

gboolean
model_store_priv_bad_name (ModelStoreReader *r, const char *field, const char *value,
                           const char *what)
{
  g_autofree char *v = shown (value);
  return model_store_priv_row_fail (r, "%s '%s' is not %s", field, v, what);
}

/* Runs select (ordered) and hands each row to fn. */
gboolean
model_store_priv_load_table (ModelStore *s, const char *table, const char *select,
                             ModelStoreRowFn fn, gpointer target, gint64 now,
                             GError **error)
{
  ModelStoreReader r = { s, table, NULL, "", now, error };
  int rc = sqlite3_prepare_v2 (s->db, select, -1, &r.st, NULL);
  if (rc != SQLITE_OK)
    return model_store_priv_sql_fail (s, rc, table, error);
  gboolean ok = TRUE;
  while (ok && (rc = sqlite3_step (r.st)) == SQLITE_ROW)
    ok = fn (&r, target);
  if (ok && rc != SQLITE_DONE)
    ok = model_store_priv_sql_fail (s, rc, table, error);
  sqlite3_finalize (r.st);
  return ok;
}

/* Names a row of a table ordered by pos by its position. */
void
model_store_priv_set_pos_key (ModelStoreReader *r)
{
  g_snprintf (r->key, sizeof r->key, "pos %" G_GINT64_FORMAT,
              (gint64) sqlite3_column_int64 (r->st, 0));
}
