/* SPDX-License-Identifier: MIT */
/*
 * Reading a report page's tables back (see page_tables.h): a few regular
 * expressions over the serialized page, entities decoded.
 */
#include "tests/lib/page_tables.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
  char *value;   /* data-value, or NULL */
  char *text;
  gboolean num;  /* class "num": a number cell (reports/html.h) */
} Cell;

typedef struct {
  GPtrArray *keys;       /* char *, page order */
  GHashTable *rows;      /* key -> GHashTable col -> Cell */
  GPtrArray *columns;    /* char *: the headings' data-col, in order */
  GPtrArray *headings;   /* char *: their text */
  char *csv;             /* the href of the caption's <a class="csv">, or NULL */
} Table;

struct _PageTables {
  GHashTable *tables;    /* id -> Table */
  GPtrArray *ids;        /* char *: the tables' ids in page order */
  GPtrArray *images;     /* char * */
};

static void
cell_free (gpointer p)
{
  Cell *c = p;
  g_free (c->value);
  g_free (c->text);
  g_free (c);
}

static void
table_free (gpointer p)
{
  Table *t = p;
  g_ptr_array_unref (t->keys);
  g_hash_table_unref (t->rows);
  g_ptr_array_unref (t->columns);
  g_ptr_array_unref (t->headings);
  g_free (t->csv);
  g_free (t);
}

/* Decodes the entities a serializer writes: the five of XML, &nbsp; and
 * numeric references. */
static char *
unescape (const char *s, gssize len)
{
  static const struct { const char *name; const char *text; } NAMED[] = {
    { "amp", "&" }, { "lt", "<" }, { "gt", ">" }, { "quot", "\"" }, { "apos", "'" },
    { "nbsp", "\u00a0" }, { "middot", "\u00b7" },
  };
  const char *end = s + (len < 0 ? (gssize) strlen (s) : len);
  GString *out = g_string_new (NULL);
  while (s < end)
    {
      const char *semi = *s == '&' ? memchr (s, ';', (gsize) (end - s)) : NULL;
      if (semi == NULL || semi - s > 10)
        {
          g_string_append_c (out, *s++);
          continue;
        }
      g_autofree char *name = g_strndup (s + 1, (gsize) (semi - s - 1));
      gboolean done = FALSE;
      if (name[0] == '#')
        {
          char *stop = NULL;
          gulong cp = name[1] == 'x' || name[1] == 'X' ? strtoul (name + 2, &stop, 16)
                                                       : strtoul (name + 1, &stop, 10);
          if (stop != NULL && *stop == '\0' && g_unichar_validate ((gunichar) cp))
            {
              g_string_append_unichar (out, (gunichar) cp);
              done = TRUE;
            }
        }
      for (guint i = 0; !done && i < G_N_ELEMENTS (NAMED); i++)
        if (strcmp (name, NAMED[i].name) == 0)
          {
            g_string_append (out, NAMED[i].text);
            done = TRUE;
          }
      if (done)
        s = semi + 1;
      else
        g_string_append_c (out, *s++);
    }
  return g_string_free (out, FALSE);
}

/* The value of attribute name in a tag's attribute text, decoded, or NULL. */
static char *
attribute (const char *attrs, const char *name)
{
  static GRegex *re;
  static gsize ready;
  if (g_once_init_enter (&ready))
    {
      re = g_regex_new ("([A-Za-z_:][-A-Za-z0-9_:.]*)=\"([^\"]*)\"", G_REGEX_OPTIMIZE, 0, NULL);
      g_once_init_leave (&ready, 1);
    }
  g_autoptr (GMatchInfo) m = NULL;
  for (g_regex_match (re, attrs, 0, &m); g_match_info_matches (m); g_match_info_next (m, NULL))
    {
      g_autofree char *n = g_match_info_fetch (m, 1);
      if (strcmp (n, name) == 0)
        {
          g_autofree char *v = g_match_info_fetch (m, 2);
          return unescape (v, -1);
        }
    }
  return NULL;
}

static GRegex *
regex (const char *pattern)
{
  g_autoptr (GError) e = NULL;
  GRegex *re = g_regex_new (pattern, G_REGEX_DOTALL | G_REGEX_CASELESS | G_REGEX_OPTIMIZE, 0,
                            &e);
  g_assert_no_error (e);
  return re;
}

static GHashTable *
parse_row (const char *body, GRegex *td_re, GRegex *tag_re)
{
  GHashTable *cols = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, cell_free);
  g_autoptr (GMatchInfo) m = NULL;
  for (g_regex_match (td_re, body, 0, &m); g_match_info_matches (m); g_match_info_next (m, NULL))
    {
      g_autofree char *attrs = g_match_info_fetch (m, 1);
      g_autofree char *inner = g_match_info_fetch (m, 2);
      char *col = attribute (attrs, "data-col");
      if (col == NULL)
        continue;
      g_autofree char *plain = g_regex_replace_literal (tag_re, inner, -1, 0, "", 0, NULL);
      Cell *c = g_new0 (Cell, 1);
      c->value = attribute (attrs, "data-value");
      g_autofree char *cls = attribute (attrs, "class");
      g_auto (GStrv) words = g_strsplit (cls != NULL ? cls : "", " ", -1);
      c->num = g_strv_contains ((const char *const *) words, "num");
      c->text = g_strstrip (unescape (plain, -1));
      g_hash_table_replace (cols, col, c);
    }
  return cols;
}

PageTables *
page_tables_parse (const char *html, GString *problems)
{
  PageTables *page = g_new0 (PageTables, 1);
  page->tables = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, table_free);
  page->images = g_ptr_array_new_with_free_func (g_free);
  page->ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GRegex) th_re = regex ("<th\\b([^>]*)>(.*?)</th>");
  g_autoptr (GRegex) caption_re = regex ("<caption\\b[^>]*>(.*?)</caption>");
  g_autoptr (GRegex) a_re = regex ("<a\\b([^>]*)>");
  g_autoptr (GRegex) table_re = regex ("<table\\b([^>]*)>(.*?)</table>");
  g_autoptr (GRegex) tr_re = regex ("<tr\\b([^>]*)>(.*?)</tr>");
  g_autoptr (GRegex) td_re = regex ("<td\\b([^>]*)>(.*?)</td>");
  g_autoptr (GRegex) tag_re = regex ("<[^>]*>");
  g_autoptr (GRegex) img_re = regex ("<img\\b([^>]*)>");
  g_autoptr (GMatchInfo) m = NULL;
  for (g_regex_match (table_re, html, 0, &m); g_match_info_matches (m);
       g_match_info_next (m, NULL))
    {
      g_autofree char *attrs = g_match_info_fetch (m, 1);
      g_autofree char *body = g_match_info_fetch (m, 2);
      char *id = attribute (attrs, "id");
      if (id == NULL)
        continue;
      if (g_hash_table_contains (page->tables, id))
        g_string_append_printf (problems, "the page has two tables with id %s\n", id);
      Table *t = g_new0 (Table, 1);
      t->keys = g_ptr_array_new_with_free_func (g_free);
      t->rows = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                       (GDestroyNotify) g_hash_table_unref);
      t->columns = g_ptr_array_new_with_free_func (g_free);
      t->headings = g_ptr_array_new_with_free_func (g_free);
      g_autoptr (GMatchInfo) h = NULL;
      for (g_regex_match (th_re, body, 0, &h); g_match_info_matches (h);
           g_match_info_next (h, NULL))
        {
          g_autofree char *hattrs = g_match_info_fetch (h, 1);
          g_autofree char *inner = g_match_info_fetch (h, 2);
          char *col = attribute (hattrs, "data-col");
          g_ptr_array_add (t->columns, col != NULL ? col : g_strdup (""));
          g_autofree char *plain = g_regex_replace_literal (tag_re, inner, -1, 0, "", 0, NULL);
          g_ptr_array_add (t->headings, unescape (plain, -1));
        }
      g_autoptr (GMatchInfo) c = NULL;
      if (g_regex_match (caption_re, body, 0, &c))
        {
          g_autofree char *caption = g_match_info_fetch (c, 1);
          g_autoptr (GMatchInfo) a = NULL;
          for (g_regex_match (a_re, caption, 0, &a); g_match_info_matches (a);
               g_match_info_next (a, NULL))
            {
              g_autofree char *aattrs = g_match_info_fetch (a, 1);
              g_autofree char *cls = attribute (aattrs, "class");
              if (g_strcmp0 (cls, "csv") == 0 && t->csv == NULL)
                t->csv = attribute (aattrs, "href");
            }
        }
      g_autoptr (GMatchInfo) r = NULL;
      for (g_regex_match (tr_re, body, 0, &r); g_match_info_matches (r);
           g_match_info_next (r, NULL))
        {
          g_autofree char *rattrs = g_match_info_fetch (r, 1);
          g_autofree char *rbody = g_match_info_fetch (r, 2);
          char *key = attribute (rattrs, "data-key");
          if (key == NULL)
            continue;
          if (g_hash_table_contains (t->rows, key))
            g_string_append_printf (problems, "table %s: data-key \"%s\" on two rows\n", id, key);
          g_ptr_array_add (t->keys, g_strdup (key));
          g_hash_table_replace (t->rows, key, parse_row (rbody, td_re, tag_re));
        }
      g_ptr_array_add (page->ids, g_strdup (id));
      g_hash_table_replace (page->tables, id, t);
    }
  g_autoptr (GMatchInfo) im = NULL;
  for (g_regex_match (img_re, html, 0, &im); g_match_info_matches (im);
       g_match_info_next (im, NULL))
    {
      g_autofree char *attrs = g_match_info_fetch (im, 1);
      char *src = attribute (attrs, "src");
      if (src != NULL)
        g_ptr_array_add (page->images, src);
    }
  return page;
}

static const Cell *
cell (const PageTables *page, const char *table, const char *key, const char *col)
{
  const Table *t = g_hash_table_lookup (page->tables, table);
  GHashTable *row = t != NULL ? g_hash_table_lookup (t->rows, key) : NULL;
  return row != NULL ? g_hash_table_lookup (row, col) : NULL;
}

gboolean
page_tables_has (const PageTables *page, const char *table)
{
  return g_hash_table_contains (page->tables, table);
}

const GPtrArray *
page_tables_keys (const PageTables *page, const char *table)
{
  const Table *t = g_hash_table_lookup (page->tables, table);
  return t != NULL ? t->keys : NULL;
}

gboolean
page_tables_value (const PageTables *page, const char *table, const char *key, const char *col,
                   double *value)
{
  const Cell *c = cell (page, table, key, col);
  if (c == NULL || c->value == NULL || c->value[0] == '\0')
    return FALSE;
  char *end = NULL;
  *value = g_ascii_strtod (c->value, &end);
  return *end == '\0';
}

gboolean
page_tables_is_number (const PageTables *page, const char *table, const char *key,
                       const char *col)
{
  const Cell *c = cell (page, table, key, col);
  return c != NULL && c->num;
}

const char *
page_tables_text (const PageTables *page, const char *table, const char *key, const char *col)
{
  const Cell *c = cell (page, table, key, col);
  return c != NULL ? c->text : NULL;
}

char *
page_tables_element_text (const char *html, const char *id)
{
  g_autofree char *quoted = g_regex_escape_string (id, -1);
  g_autofree char *pattern = g_strdup_printf ("<([a-z0-9]+)\\b[^>]*\\bid=\"%s\"[^>]*>"
                                              "(.*?)</\\1>", quoted);
  g_autoptr (GRegex) re = regex (pattern);
  g_autoptr (GRegex) tag_re = regex ("<[^>]*>");
  g_autoptr (GMatchInfo) m = NULL;
  if (!g_regex_match (re, html, 0, &m))
    return NULL;
  g_autofree char *inner = g_match_info_fetch (m, 2);
  g_autofree char *plain = g_regex_replace_literal (tag_re, inner, -1, 0, "", 0, NULL);
  return g_strstrip (unescape (plain, -1));
}

const GPtrArray *
page_tables_ids (const PageTables *page)
{
  return page->ids;
}

const GPtrArray *
page_tables_columns (const PageTables *page, const char *table)
{
  const Table *t = g_hash_table_lookup (page->tables, table);
  return t != NULL ? t->columns : NULL;
}

const GPtrArray *
page_tables_headings (const PageTables *page, const char *table)
{
  const Table *t = g_hash_table_lookup (page->tables, table);
  return t != NULL ? t->headings : NULL;
}

const char *
page_tables_csv (const PageTables *page, const char *table)
{
  const Table *t = g_hash_table_lookup (page->tables, table);
  return t != NULL ? t->csv : NULL;
}

const GPtrArray *
page_tables_images (const PageTables *page)
{
  return page->images;
}

void
page_tables_free (PageTables *page)
{
  if (page == NULL)
    return;
  g_hash_table_unref (page->tables);
  g_ptr_array_unref (page->images);
  g_ptr_array_unref (page->ids);
  g_free (page);
}
