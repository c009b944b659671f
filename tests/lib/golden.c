/* SPDX-License-Identifier: MIT */
/*
 * Golden files (see golden.h): the comparison with `diff -u` on a mismatch,
 * the update mode of `make golden`, text replacements, and the text of a
 * report page's tables read with a few regular expressions over the
 * report's own markup (no nested tables, attributes in double quotes).
 */
#include "tests/lib/golden.h"

#include "tests/lib/run.h"
#include "tests/lib/testutil.h"

#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>

gboolean
essc_golden_updating (void)
{
  return g_strcmp0 (g_getenv ("ESSC_GOLDEN_UPDATE"), "1") == 0;
}

/* The unified diff of expected (at path) and actual, for the test log. */
static char *
diff_of (const char *path, const char *actual)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("essc-golden-XXXXXX", &error);
  g_assert_no_error (error);
  g_autofree char *base = g_path_get_basename (path);
  g_autofree char *got = g_build_filename (dir, base, NULL);
  g_assert_true (g_file_set_contents (got, actual, -1, &error));
  g_assert_no_error (error);
  const char *argv[] = { "diff", "-u", "--label", path, "--label", "actual", path, got, NULL };
  EsscTestRun r = essc_test_run_argv (NULL, argv, NULL, 0);
  char *diff = g_strdup_printf ("%s%s", r.out, r.err);
  essc_test_run_clear (&r);
  essc_test_remove_dir (dir);
  return diff;
}

void
essc_golden_check (const char *name, const char *actual)
{
  g_autofree char *path = essc_test_src_path ("tests", "golden", name, NULL);
  g_autofree char *expected = NULL;
  g_autoptr (GError) error = NULL;

  if (essc_golden_updating ())
    {
      g_assert_true (g_file_set_contents (path, actual, -1, &error));
      g_assert_no_error (error);
      g_test_message ("wrote %s", path);
      return;
    }
  if (!g_file_get_contents (path, &expected, NULL, &error))
    {
      g_test_message ("%s: %s (make golden writes it)", path, error->message);
      g_test_fail ();
      return;
    }
  if (strcmp (expected, actual) == 0)
    return;
  g_autofree char *diff = diff_of (path, actual);
  g_test_message ("%s differs from this build's output (review, then `make golden`):\n%s",
                  name, diff);
  /* The TAP comment lines above may be cut; the diff also goes to stderr. */
  g_printerr ("%s", diff);
  g_test_fail ();
}

char *
essc_golden_replace (const char *text, const char *from, const char *to)
{
  if (from == NULL || *from == '\0')
    return g_strdup (text);
  g_auto (GStrv) parts = g_strsplit (text, from, -1);
  return g_strjoinv (to, parts);
}

char *
essc_golden_mask (const char *text, const char *pattern, const char *replacement)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GRegex) re = g_regex_new (pattern, G_REGEX_MULTILINE, 0, &error);
  g_assert_no_error (error);
  char *out = g_regex_replace (re, text, -1, 0, replacement, 0, &error);
  g_assert_no_error (error);
  return out;
}

/* The text of an element's content: tags dropped, the entities the
 * report writes decoded, runs of blanks made one space, trimmed. */
static char *
cell_text (const char *html, gssize len)
{
  static const struct { const char *name; const char *text; } NAMED[] = {
    { "amp;", "&" }, { "lt;", "<" }, { "gt;", ">" }, { "quot;", "\"" }, { "apos;", "'" },
    { "nbsp;", " " },
  };
  const char *s = html, *end = html + (len < 0 ? (gssize) strlen (html) : len);
  GString *out = g_string_new (NULL);
  while (s < end)
    {
      if (*s == '<')
        {
          const char *close = memchr (s, '>', (gsize) (end - s));
          s = close != NULL ? close + 1 : end;
          continue;
        }
      if (*s == '&')
        {
          gboolean done = FALSE;
          for (gsize i = 0; i < G_N_ELEMENTS (NAMED) && !done; i++)
            if (g_str_has_prefix (s + 1, NAMED[i].name))
              {
                g_string_append (out, NAMED[i].text);
                s += 1 + strlen (NAMED[i].name);
                done = TRUE;
              }
          if (!done && s[1] == '#')
            {
              char *stop = NULL;
              gboolean hex = s[2] == 'x' || s[2] == 'X';
              gunichar c = (gunichar) strtoul (s + (hex ? 3 : 2), &stop, hex ? 16 : 10);
              if (stop != NULL && *stop == ';')
                {
                  g_string_append_unichar (out, c);
                  s = stop + 1;
                  done = TRUE;
                }
            }
          if (done)
            continue;
        }
      if (g_ascii_isspace (*s))
        {
          if (out->len > 0 && out->str[out->len - 1] != ' ')
            g_string_append_c (out, ' ');
          s++;
          continue;
        }
      g_string_append_c (out, *s++);
    }
  if (out->len > 0 && out->str[out->len - 1] == ' ')
    g_string_truncate (out, out->len - 1);
  return g_string_free (out, FALSE);
}

/* The first group of pattern in text[0..len), or NULL. */
static char *
match_in (const char *pattern, const char *text, gssize len)
{
  g_autoptr (GRegex) re = g_regex_new (pattern, G_REGEX_DOTALL, 0, NULL);
  g_autoptr (GMatchInfo) m = NULL;
  g_assert_nonnull (re);
  if (!g_regex_match_full (re, text, len, 0, 0, &m, NULL))
    return NULL;
  return g_match_info_fetch (m, 1);
}

static void
append_row (GString *out, const char *row, const char *const *masked_cols)
{
  g_autoptr (GRegex) cell = g_regex_new ("<t([hd])([^>]*)>(.*?)</t\\1>", G_REGEX_DOTALL, 0, NULL);
  g_autoptr (GMatchInfo) m = NULL;
  gboolean first = TRUE;
  for (g_regex_match (cell, row, 0, &m); g_match_info_matches (m); g_match_info_next (m, NULL))
    {
      g_autofree char *kind = g_match_info_fetch (m, 1);
      g_autofree char *attrs = g_match_info_fetch (m, 2);
      g_autofree char *content = g_match_info_fetch (m, 3);
      g_autofree char *col = match_in ("data-col=\"([^\"]*)\"", attrs, -1);
      g_autofree char *text = cell_text (content, -1);
      gboolean masked = strcmp (kind, "d") == 0 && col != NULL && masked_cols != NULL
                        && g_strv_contains (masked_cols, col);
      g_string_append_printf (out, "%s%s", first ? "" : " | ", masked ? "@MASKED@" : text);
      first = FALSE;
    }
  g_string_append_c (out, '\n');
}

char *
essc_golden_tables_text (const char *html, const char *const *masked_cols)
{
  g_autoptr (GRegex) table = g_regex_new ("<table([^>]*)>(.*?)</table>", G_REGEX_DOTALL, 0, NULL);
  g_autoptr (GRegex) row = g_regex_new ("<tr[^>]*>(.*?)</tr>", G_REGEX_DOTALL, 0, NULL);
  g_autoptr (GMatchInfo) t = NULL;
  GString *out = g_string_new (NULL);
  for (g_regex_match (table, html, 0, &t); g_match_info_matches (t); g_match_info_next (t, NULL))
    {
      g_autofree char *attrs = g_match_info_fetch (t, 1);
      g_autofree char *body = g_match_info_fetch (t, 2);
      g_autofree char *id = match_in ("id=\"([^\"]*)\"", attrs, -1);
      g_autofree char *caption_html = match_in ("<caption[^>]*>(.*?)</caption>", body, -1);
      g_autofree char *caption = caption_html != NULL ? cell_text (caption_html, -1) : NULL;
      g_string_append_printf (out, "table %s: %s\n", id != NULL ? id : "(no id)",
                              caption != NULL ? caption : "");
      g_autoptr (GMatchInfo) r = NULL;
      for (g_regex_match (row, body, 0, &r); g_match_info_matches (r); g_match_info_next (r, NULL))
        {
          g_autofree char *cells = g_match_info_fetch (r, 1);
          append_row (out, cells, masked_cols);
        }
      g_string_append_c (out, '\n');
    }
  return g_string_free (out, FALSE);
}
