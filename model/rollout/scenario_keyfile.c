/* SPDX-License-Identifier: MIT */
/*
 * The raw scan of a scenario key file.  GKeyFile parses the format but
 * keeps no line numbers and stops at the first syntax error, while `essc
 * scenario check` must name the line of every problem; so the text is
 * scanned here, line by line, with GKeyFile's grammar: blank lines and '#'
 * comments, "[group]" headers, "key = value" pairs with the spaces around
 * '=' ignored and the escapes \s \n \t \r \\ in values.  Stricter than
 * GKeyFile where GKeyFile is silent: a key or group given twice is an
 * error (GKeyFile would keep the last value or merge the groups).
 */
#include "model/rollout/scenario_private.h"

#include <string.h>

static void
group_free (gpointer p)
{
  ScenGroup *g = p;
  g_free (g->name);
  g_free (g);
}

static void
entry_free (gpointer p)
{
  ScenEntry *e = p;
  g_free (e->group);
  g_free (e->key);
  g_free (e->value);
  g_free (e);
}

void
scen_problem (ScenCheck *check, guint line, const char *group, const char *key,
              const char *fmt, ...)
{
  va_list ap;
  g_autofree char *message = NULL;

  va_start (ap, fmt);
  message = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  if (group != NULL && key != NULL)
    g_ptr_array_add (check->problems, g_strdup_printf ("%s:%u: [%s] %s: %s", check->path, line,
                                                       group, key, message));
  else if (group != NULL)
    g_ptr_array_add (check->problems,
                     g_strdup_printf ("%s:%u: [%s]: %s", check->path, line, group, message));
  else if (key != NULL)
    g_ptr_array_add (check->problems,
                     g_strdup_printf ("%s:%u: %s: %s", check->path, line, key, message));
  else
    g_ptr_array_add (check->problems,
                     g_strdup_printf ("%s:%u: %s", check->path, line, message));
}

guint
scen_group_line (const ScenCheck *check, const char *group)
{
  for (guint i = 0; i < check->groups->len; i++)
    {
      const ScenGroup *g = check->groups->pdata[i];
      if (strcmp (g->name, group) == 0)
        return g->line;
    }
  return 0;
}

/* Unescapes a value as GKeyFile does; NULL with *bad at the bad escape. */
static char *
unescape (const char *value, gsize len, gsize *bad)
{
  GString *out = g_string_sized_new (len);
  for (gsize i = 0; i < len; i++)
    {
      if (value[i] != '\\')
        {
          g_string_append_c (out, value[i]);
          continue;
        }
      char next = i + 1 < len ? value[i + 1] : '\0';
      switch (next)
        {
        case 's': g_string_append_c (out, ' '); break;
        case 'n': g_string_append_c (out, '\n'); break;
        case 't': g_string_append_c (out, '\t'); break;
        case 'r': g_string_append_c (out, '\r'); break;
        case '\\': g_string_append_c (out, '\\'); break;
        default:
          *bad = i;
          g_string_free (out, TRUE);
          return NULL;
        }
      i++;
    }
  return g_string_free (out, FALSE);
}

static gboolean
name_char_ok (char c)
{
  return g_ascii_isalnum (c) || c == '_' || c == '-' || c == '.';
}

/* Handles one line (no terminator) that is neither blank nor a comment. */
static void
scan_line (ScenCheck *check, const char *line, gsize len, guint line_no, GHashTable *seen,
           char **group)
{
  if (line[0] == '[')
    {
      const char *close = memchr (line, ']', len);
      gsize name_len = close != NULL ? (gsize) (close - line - 1) : 0;
      gboolean ok = close != NULL && name_len > 0 && (gsize) (close - line) + 1 == len;
      for (gsize i = 0; ok && i < name_len; i++)
        ok = name_char_ok (line[1 + i]);
      if (!ok)
        {
          scen_problem (check, line_no, NULL, NULL,
                        "not a group header, expected \"[name]\" with a name of letters, "
                        "digits, '_', '-' or '.' and nothing after ']'");
          g_clear_pointer (group, g_free);
          *group = g_strdup ("");  /* keys below belong to no valid group: ignore them */
          return;
        }
      g_autofree char *name = g_strndup (line + 1, name_len);
      g_autofree char *mark = g_strdup_printf ("[%s]", name);
      gpointer first = g_hash_table_lookup (seen, mark);
      if (first != NULL)
        scen_problem (check, line_no, name, NULL,
                      "group given twice (first on line %u), expected each group once",
                      GPOINTER_TO_UINT (first));
      else
        {
          g_hash_table_insert (seen, g_strdup (mark), GUINT_TO_POINTER (line_no));
          ScenGroup *g = g_new0 (ScenGroup, 1);
          g->name = g_strdup (name);
          g->line = line_no;
          g_ptr_array_add (check->groups, g);
        }
      g_free (*group);
      *group = g_steal_pointer (&name);
      return;
    }

  const char *eq = memchr (line, '=', len);
  if (eq == NULL)
    {
      scen_problem (check, line_no, NULL, NULL,
                    "not a key file line, expected \"[group]\", \"key = value\" or a '#' "
                    "comment");
      return;
    }
  gsize key_len = (gsize) (eq - line);
  while (key_len > 0 && g_ascii_isspace (line[key_len - 1]))
    key_len--;
  g_autofree char *key = g_strndup (line, key_len);
  if (key_len == 0)
    {
      scen_problem (check, line_no, *group, NULL, "a value without a key, expected "
                    "\"key = value\"");
      return;
    }
  if (*group == NULL)
    {
      scen_problem (check, line_no, NULL, key, "key before any group, expected a \"[group]\" "
                    "line first");
      return;
    }
  if (**group == '\0')
    return;  /* inside a malformed header's section: already reported */

  const char *v = eq + 1, *end = line + len;
  while (v < end && g_ascii_isspace (*v))
    v++;
  while (end > v && g_ascii_isspace (end[-1]))
    end--;
  gsize bad = 0;
  g_autofree char *value = unescape (v, (gsize) (end - v), &bad);
  if (value == NULL)
    {
      scen_problem (check, line_no, *group, key,
                    "invalid escape \"\\%c\" in the value, expected \\s, \\n, \\t, \\r or \\\\",
                    v + bad + 1 < end ? v[bad + 1] : ' ');
      return;
    }
  for (gsize i = 0; i < key_len; i++)
    if (!name_char_ok (key[i]))
      {
        scen_problem (check, line_no, *group, key,
                      "not a key name, expected letters, digits, '_', '-' or '.'");
        return;
      }
  g_autofree char *mark = g_strdup_printf ("[%s]%s", *group, key);
  gpointer first = g_hash_table_lookup (seen, mark);
  if (first != NULL)
    {
      scen_problem (check, line_no, *group, key,
                    "given twice (first on line %u), expected each key once",
                    GPOINTER_TO_UINT (first));
      return;
    }
  g_hash_table_insert (seen, g_steal_pointer (&mark), GUINT_TO_POINTER (line_no));
  ScenEntry *e = g_new0 (ScenEntry, 1);
  e->group = g_strdup (*group);
  e->key = g_steal_pointer (&key);
  e->value = g_steal_pointer (&value);
  e->line = line_no;
  g_ptr_array_add (check->entries, e);
}

void
scen_scan (ScenCheck *check, const char *text, gsize len)
{
  g_autoptr (GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree char *group = NULL;
  gsize pos = 0;
  guint line_no = 0;

  if (check->groups == NULL)
    check->groups = g_ptr_array_new_with_free_func (group_free);
  if (check->entries == NULL)
    check->entries = g_ptr_array_new_with_free_func (entry_free);
  while (pos < len)
    {
      line_no++;
      const char *line = text + pos;
      const char *nl = memchr (line, '\n', len - pos);
      gsize line_len = nl != NULL ? (gsize) (nl - line) : len - pos;
      pos += line_len + (nl != NULL ? 1 : 0);
      if (line_len > 0 && line[line_len - 1] == '\r')
        line_len--;

      if (!g_utf8_validate_len (line, line_len, NULL) || memchr (line, '\0', line_len) != NULL)
        {
          scen_problem (check, line_no, NULL, NULL,
                        "invalid UTF-8 or a NUL byte, expected UTF-8 text");
          continue;
        }
      /* Tabs are white space in a key file; other control characters are not. */
      gsize bad = 0;
      while (bad < line_len && ((guchar) line[bad] >= 0x20 || line[bad] == '\t')
             && line[bad] != 0x7f)
        bad++;
      if (bad < line_len)
        {
          scen_problem (check, line_no, NULL, NULL,
                        "control character 0x%02x at byte %" G_GSIZE_FORMAT
                        ", expected text",
                        (guint) (guchar) line[bad], bad + 1);
          continue;
        }
      while (line_len > 0 && (*line == ' ' || *line == '\t'))
        line++, line_len--;
      while (line_len > 0 && (line[line_len - 1] == ' ' || line[line_len - 1] == '\t'))
        line_len--;
      if (line_len == 0 || line[0] == '#')
        continue;
      scan_line (check, line, line_len, line_no, seen, &group);
    }
}
