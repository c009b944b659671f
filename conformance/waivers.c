/* SPDX-License-Identifier: MIT */
/*
 * Waivers files (see waivers.h): strict line parsing with FILE:LINE errors.
 */
#include "conformance/waivers.h"

#include "base/file.h"

#include "model/std/common.h"
#include "model/std/stdcode.h"

#include <string.h>

G_DEFINE_QUARK (conf-waivers-error-quark, conf_waivers_error)

#define MAX_BYTES (1 << 20)

static void
waiver_free (gpointer p)
{
  ConfWaiver *w = p;
  g_free (w->test);
  g_free (w->reason);
  g_free (w);
}

void
conf_waivers_free (ConfWaivers *waivers)
{
  if (waivers == NULL)
    return;
  g_free (waivers->path);
  g_ptr_array_unref (waivers->waivers);
  g_free (waivers);
}

static gboolean
name_char (char c)
{
  return g_ascii_isalnum (c) || c == '/' || c == '_' || c == '-' || c == '.';
}

ConfWaivers *
conf_waivers_load (const char *path, GError **error)
{
  g_autofree char *text = NULL;
  gsize len;
  g_autoptr (GError) inner = NULL;

  if ((text = base_file_read_regular (path, MAX_BYTES, &len, NULL, &inner)) == NULL)
    return base_fail (error, CONF_WAIVERS_ERROR, MODEL_STD_MALFORMED, "%s", inner->message),
           NULL;
  if (memchr (text, '\0', len) != NULL || !g_utf8_validate (text, len, NULL))
    return base_fail (error, CONF_WAIVERS_ERROR, MODEL_STD_MALFORMED,
                       "%s: not a text file of at most 1 MiB (UTF-8, no NUL)", path), NULL;

  g_autoptr (ConfWaivers) w = g_new0 (ConfWaivers, 1);
  w->path = g_strdup (path);
  w->waivers = g_ptr_array_new_with_free_func (waiver_free);
  /* the names seen, so that a file of 1 MiB of waivers is read in linear time */
  g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  for (int i = 0; lines[i] != NULL; i++)
    {
      char *line = g_strstrip (lines[i]);
      if (*line == '\0' || *line == '#')
        continue;
      gsize n = 0;
      while (name_char (line[n]))
        n++;
      if (n == 0 || (line[n] != '\0' && !g_ascii_isspace (line[n])))
        return base_fail (error, CONF_WAIVERS_ERROR, MODEL_STD_MALFORMED,
                           "%s:%d: expected a test name (letters, digits, / _ - .) then a reason",
                           path, i + 1), NULL;
      g_autofree char *name = g_strndup (line, n);
      if (g_hash_table_contains (seen, name))
        return base_fail (error, CONF_WAIVERS_ERROR, MODEL_STD_MALFORMED,
                           "%s:%d: %s is waived twice", path, i + 1, name), NULL;
      ConfWaiver *waiver = g_new0 (ConfWaiver, 1);
      waiver->test = g_steal_pointer (&name);
      g_hash_table_add (seen, waiver->test);
      waiver->reason = g_strdup (g_strstrip (line + n));
      waiver->line = i + 1;
      g_ptr_array_add (w->waivers, waiver);
    }
  return g_steal_pointer (&w);
}

ConfWaiver *
conf_waivers_find (ConfWaivers *waivers, const char *test)
{
  if (waivers == NULL)
    return NULL;
  for (guint i = 0; i < waivers->waivers->len; i++)
    {
      ConfWaiver *w = waivers->waivers->pdata[i];
      if (strcmp (w->test, test) == 0)
        return w;
    }
  return NULL;
}
