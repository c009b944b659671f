/* SPDX-License-Identifier: MIT */
/*
 * The functions of base/csv.h.
 */
#include "base/csv.h"

#include <string.h>

void
base_csv_field (GString *out, gboolean first, const char *text, gssize len)
{
  g_return_if_fail (out != NULL && (text != NULL || len == 0));
  gsize n = len < 0 ? strlen (text) : (gsize) len;
  if (!first)
    g_string_append_c (out, ',');
  gboolean quote = n == 0;
  for (gsize i = 0; i < n && !quote; i++)
    quote = text[i] == ',' || text[i] == '"' || text[i] == '\r' || text[i] == '\n';
  if (!quote)
    {
      g_string_append_len (out, text, (gssize) n);
      return;
    }
  g_string_append_c (out, '"');
  for (gsize i = 0; i < n; i++)
    {
      if (text[i] == '"')
        g_string_append_c (out, '"');
      g_string_append_c (out, text[i]);
    }
  g_string_append_c (out, '"');
}

void
base_csv_null (GString *out, gboolean first)
{
  g_return_if_fail (out != NULL);
  if (!first)
    g_string_append_c (out, ',');
}

void
base_csv_end (GString *out)
{
  g_string_append (out, BASE_CSV_EOL);
}
