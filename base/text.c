/* SPDX-License-Identifier: MIT */
/*
 * The functions of base/text.h.
 */
#include "base/text.h"

#include <string.h>

/* ---- text fields ------------------------------------------------------- */

BaseTextFault
base_text_check_utf8 (const char *s, gssize len, gsize max, gsize *at)
{
  if (s == NULL)
    return BASE_TEXT_MISSING;
  gsize n = len < 0 ? strnlen (s, max + 1) : (gsize) len;
  if (n == 0)
    return BASE_TEXT_EMPTY;
  if (n > max)
    return BASE_TEXT_TOO_LONG;
  const char *end = NULL;
  if (!g_utf8_validate_len (s, n, &end))
    {
      if (at != NULL)
        *at = (gsize) (end - s);
      return BASE_TEXT_BAD_UTF8;
    }
  for (const char *p = s; p < s + n; p = g_utf8_next_char (p))
    if (g_unichar_iscntrl (g_utf8_get_char (p)))
      {
        if (at != NULL)
          *at = (gsize) (p - s);
        return BASE_TEXT_CONTROL;
      }
  return BASE_TEXT_OK;
}

BaseTextFault
base_text_check_ascii (const char *s, gsize max, gsize *at)
{
  if (s == NULL)
    return BASE_TEXT_MISSING;
  if (s[0] == '\0')
    return BASE_TEXT_EMPTY;
  for (gsize i = 0; s[i] != '\0'; i++)
    {
      if (i >= max)
        return BASE_TEXT_TOO_LONG;
      guchar c = (guchar) s[i];
      if (c < 0x21 || c > 0x7e)
        {
          if (at != NULL)
            *at = i;
          return BASE_TEXT_BAD_BYTE;
        }
    }
  return BASE_TEXT_OK;
}


/* ---- showing untrusted bytes ------------------------------------------- */

char *
base_text_printable (const char *bytes, gsize len, gsize max_chars)
{
  GString *out = g_string_new (NULL);
  const char *p = bytes, *end = bytes + len;
  gsize chars = 0;

  while (p < end)
    {
      if (chars == max_chars)
        {
          g_string_append (out, "...");
          break;
        }
      gunichar c = g_utf8_get_char_validated (p, end - p);
      if (c == (gunichar) -1 || c == (gunichar) -2 || g_unichar_iscntrl (c))
        {
          g_string_append_printf (out, "\\x%02x", (guchar) *p);
          p++;
        }
      else
        {
          const char *next = g_utf8_next_char (p);
          g_string_append_len (out, p, next - p);
          p = next;
        }
      chars++;
    }
  return g_string_free (out, FALSE);
}
