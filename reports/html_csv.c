/* SPDX-License-Identifier: MIT */
/*
 * The page's tables as CSV files (see html_csv.h): a scan of html.h's own
 * markup, never a general HTML parser.  The markup holds no nested table,
 * its attributes are in double quotes, and its text is escaped by
 * report_html_escape (& < > " ' as entities), so a tag is "<" up to the
 * next ">", and an attribute name="value" up to the next quote.
 */
#include "reports/html_csv.h"

#include "reports/html.h"
#include "base/csv.h"
#include "base/file.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <string.h>

/* The first tag <NAME ...> or <NAME> in [p, end), or NULL; a longer name
 * (<thead> for <th>) does not match. */
static const char *
find_tag (const char *p, const char *end, const char *name)
{
  gsize n = strlen (name);
  for (; p != NULL && p < end; p++)
    {
      p = memchr (p, '<', (gsize) (end - p));
      if (p == NULL)
        return NULL;
      if ((gsize) (end - p) > n + 1 && strncmp (p + 1, name, n) == 0
          && (p[1 + n] == ' ' || p[1 + n] == '>'))
        return p;
    }
  return NULL;
}

/* The first occurrence of s in [p, end), or NULL. */
static const char *
find (const char *p, const char *end, const char *s)
{
  if (p == NULL)
    return NULL;
  const char *at = g_strstr_len (p, end - p, s);
  return at;
}

/* Appends the text of [p, end): tags dropped, the entities html.h writes
 * (and numeric ones) decoded. */
static void
append_text (GString *out, const char *p, const char *end)
{
  static const struct {
    const char *entity, *text;
  } named[] = {
    { "&amp;", "&" }, { "&lt;", "<" }, { "&gt;", ">" }, { "&quot;", "\"" }, { "&#39;", "'" },
    { "&apos;", "'" }, { "&nbsp;", "\u00a0" }, { "&middot;", "\u00b7" },
  };
  while (p < end)
    {
      if (*p == '<')
        {
          const char *close = memchr (p, '>', (gsize) (end - p));
          p = close != NULL ? close + 1 : end;
          continue;
        }
      if (*p == '&')
        {
          gboolean done = FALSE;
          for (guint i = 0; i < G_N_ELEMENTS (named) && !done; i++)
            {
              gsize n = strlen (named[i].entity);
              if ((gsize) (end - p) >= n && strncmp (p, named[i].entity, n) == 0)
                {
                  g_string_append (out, named[i].text);
                  p += n;
                  done = TRUE;
                }
            }
          if (!done && end - p > 3 && p[1] == '#')
            {
              char *stop = NULL;
              gboolean hex = p[2] == 'x' || p[2] == 'X';
              guint64 c = g_ascii_strtoull (p + (hex ? 3 : 2), &stop, hex ? 16 : 10);
              if (stop != NULL && stop < end && *stop == ';' && c > 0 && c <= 0x10ffff
                  && g_unichar_validate ((gunichar) c))
                {
                  g_string_append_unichar (out, (gunichar) c);
                  p = stop + 1;
                  done = TRUE;
                }
            }
          if (done)
            continue;
        }
      g_string_append_c (out, *p++);
    }
}

/* The decoded value of attribute name in the tag [tag, tag_end), or NULL. */
static char *
attr (const char *tag, const char *tag_end, const char *name)
{
  g_autofree char *key = g_strdup_printf (" %s=\"", name);
  const char *at = find (tag, tag_end, key);
  if (at == NULL)
    return NULL;
  at += strlen (key);
  const char *close = memchr (at, '"', (gsize) (tag_end - at));
  if (close == NULL)
    return NULL;
  GString *value = g_string_new (NULL);
  append_text (value, at, close);
  return g_string_free (value, FALSE);
}

/* TRUE when the tag's class attribute has the word word. */
static gboolean
has_class (const char *tag, const char *tag_end, const char *word)
{
  g_autofree char *cls = attr (tag, tag_end, "class");
  if (cls == NULL)
    return FALSE;
  g_auto (GStrv) words = g_strsplit (cls, " ", -1);
  return g_strv_contains ((const char *const *) words, word);
}

/* One table read back: its id, where its caption ends, and its CSV. */
typedef struct {
  char *id;
  const char *caption_end;   /* at "</caption>" */
  GString *csv;
  char *problem;             /* why it has no CSV */
} Table;

static void
table_clear (Table *t)
{
  g_free (t->id);
  g_free (t->problem);
  if (t->csv != NULL)
    g_string_free (t->csv, TRUE);
}

/* The headings of [head, head_end): keys into keys, headings into the CSV. */
static void
read_head (Table *t, const char *head, const char *head_end, GPtrArray *keys)
{
  const char *th;
  for (const char *p = head; (th = find_tag (p, head_end, "th")) != NULL;)
    {
      const char *tag_end = memchr (th, '>', (gsize) (head_end - th));
      const char *close = tag_end ? find (tag_end, head_end, "</th>") : NULL;
      if (close == NULL)
        break;
      char *key = attr (th, tag_end, "data-col");
      g_ptr_array_add (keys, key != NULL ? key : g_strdup (""));
      g_autoptr (GString) heading = g_string_new (NULL);
      append_text (heading, tag_end + 1, close);
      base_csv_field (t->csv, keys->len == 1, heading->str, (gssize) heading->len);
      p = close;
    }
  base_csv_end (t->csv);
}

/* The row [tr, row_end) as a record, each cell under its heading's key
 * (a repeated key: the first not yet filled). */
static void
read_row (Table *t, const char *tr, const char *row_end, GPtrArray *keys)
{
  guint n = keys->len;
  g_autoptr (GPtrArray) fields = g_ptr_array_new_full (n, g_free);   /* NULL: a NULL */
  g_ptr_array_set_size (fields, (gint) n);
  const char *td;
  for (const char *p = tr; (td = find_tag (p, row_end, "td")) != NULL;)
    {
      const char *tag_end = memchr (td, '>', (gsize) (row_end - td));
      const char *close = tag_end ? find (tag_end, row_end, "</td>") : NULL;
      if (close == NULL)
        break;
      p = close;
      g_autofree char *col = attr (td, tag_end, "data-col");
      guint at = n;
      for (guint i = 0; i < n && at == n; i++)
        if (g_strcmp0 (keys->pdata[i], col) == 0 && fields->pdata[i] == NULL)
          at = i;
      if (at == n)
        {
          if (t->problem == NULL)
            t->problem = g_strdup_printf ("a cell of column %s, which its heading lacks",
                                          col != NULL ? col : "(none)");
          continue;
        }
      char *value = NULL;
      if (has_class (td, tag_end, "num"))
        value = attr (td, tag_end, "data-value");   /* none: NaN, an empty field */
      else
        {
          GString *text = g_string_new (NULL);
          append_text (text, tag_end + 1, close);
          value = g_string_free (text, FALSE);
        }
      fields->pdata[at] = value;
    }
  for (guint i = 0; i < n; i++)
    if (fields->pdata[i] != NULL)
      base_csv_field (t->csv, i == 0, fields->pdata[i], -1);
    else
      base_csv_null (t->csv, i == 0);
  base_csv_end (t->csv);
}

/* Reads the table [start, end) (from "<table" to past "</table>"). */
static void
read_table (Table *t, const char *start, const char *end)
{
  const char *tag_end = memchr (start, '>', (gsize) (end - start));
  t->id = tag_end ? attr (start, tag_end, "id") : NULL;
  t->caption_end = find (start, end, "</caption>");
  const char *head = find (start, end, "<thead>");
  const char *head_end = find (head, end, "</thead>");
  const char *body = find (head_end, end, "<tbody>");
  if (t->id == NULL || t->caption_end == NULL || head_end == NULL || body == NULL)
    {
      t->problem = g_strdup ("not in html.h's form (an id, a caption, a head and a body)");
      return;
    }
  t->csv = g_string_new (NULL);
  g_autoptr (GPtrArray) keys = g_ptr_array_new_with_free_func (g_free);
  read_head (t, head, head_end, keys);
  const char *tr;
  for (const char *p = body; (tr = find_tag (p, end, "tr")) != NULL;)
    {
      const char *row_end = find (tr, end, "</tr>");
      if (row_end == NULL)
        break;
      read_row (t, tr, row_end, keys);
      p = row_end;
    }
}

/* An id that can name a file in DIR/tables. */
static gboolean
id_ok (const char *id)
{
  if (id[0] == '\0' || id[0] == '.')
    return FALSE;
  for (const char *c = id; *c; c++)
    if (!g_ascii_isalnum (*c) && *c != '-' && *c != '_' && *c != '.')
      return FALSE;
  return TRUE;
}

static gboolean
write_csv (ReportCtx *ctx, const char *dir, const Table *t, GError **error)
{
  if (g_mkdir_with_parents (dir, 0755) != 0)
    {
      g_set_error (error, REPORT_ERROR, REPORT_ERROR_OUTPUT, "%s: cannot make the directory: %s",
                   dir, g_strerror (errno));
      return FALSE;
    }
  g_autofree char *name = g_strconcat (t->id, ".csv", NULL);
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr (GError) e = NULL;
  if (!base_file_write_atomic (path, t->csv->str, t->csv->len, 0644, FALSE, &e))
    {
      g_set_error (error, REPORT_ERROR, REPORT_ERROR_OUTPUT, "%s", e->message);
      return FALSE;
    }
  return TRUE;
}

/* One section: its tables' files, and its HTML with their links. */
static gboolean
section_csv (ReportCtx *ctx, ReportSection *s, const char *dir, GHashTable *seen,
             GError **error)
{
  g_autoptr (GString) out = g_string_new (NULL);
  const char *p = s->html->str, *all_end = s->html->str + s->html->len, *start;
  while ((start = find_tag (p, all_end, "table")) != NULL)
    {
      const char *close = find (start, all_end, "</table>");
      if (close == NULL)
        break;
      const char *end = close + strlen ("</table>");
      g_string_append_len (out, p, start - p);
      Table t = { 0 };
      read_table (&t, start, end);
      if (t.problem == NULL && !id_ok (t.id))
        t.problem = g_strdup ("its id cannot name a file");
      if (t.problem == NULL && g_hash_table_contains (seen, t.id))
        t.problem = g_strdup ("another table has its id");
      if (t.problem != NULL)
        {
          report_warn (ctx, "table %s: no CSV file: %s", t.id ? t.id : "(no id)", t.problem);
          g_string_append_len (out, start, end - start);
        }
      else
        {
          if (!write_csv (ctx, dir, &t, error))
            {
              table_clear (&t);
              return FALSE;
            }
          g_hash_table_add (seen, g_strdup (t.id));
          g_string_append_len (out, start, t.caption_end - start);
          g_string_append (out, " <a class=\"csv\" href=\"tables/");
          report_html_escape (out, t.id);
          g_string_append (out, ".csv\">CSV</a>");
          g_string_append_len (out, t.caption_end, end - t.caption_end);
        }
      table_clear (&t);
      p = end;
    }
  g_string_append_len (out, p, all_end - p);
  g_string_assign (s->html, out->str);
  return TRUE;
}

gboolean
report_html_csv (ReportCtx *ctx, GError **error)
{
  g_autofree char *dir = g_build_filename (ctx->out_dir, "tables", NULL);
  g_autoptr (GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (guint i = 0; i < ctx->sections->len; i++)
    if (!section_csv (ctx, ctx->sections->pdata[i], dir, seen, error))
      return FALSE;
  return TRUE;
}
