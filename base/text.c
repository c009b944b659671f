/* SPDX-License-Identifier: MIT */
/*
 * The functions of base/text.h.
 */
#include "base/text.h"

#include <math.h>
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

/* Characters kept by the multi-line copy that are no control characters
 * but that XML 1.0 forbids or YAML reads as a line break or a BOM. */
static gboolean
format_hostile (gunichar c)
{
  return c == 0x2028 || c == 0x2029 || c == 0xfeff || c == 0xfffe || c == 0xffff;
}

static char *
printable (const char *bytes, gsize len, gsize max_chars, gboolean lines)
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
      if (lines && c == '\r' && p + 1 < end && p[1] == '\n')
        {
          g_string_append_c (out, '\n');
          p += 2;
        }
      else if (lines && (c == '\n' || c == '\t'))
        {
          g_string_append_c (out, (char) c);
          p++;
        }
      else if (c == (gunichar) -1 || c == (gunichar) -2 || g_unichar_iscntrl (c)
               || (lines && format_hostile (c)))
        {
          /* One byte at a time: the rest of a multi-byte character is
           * invalid on its own and escaped in turn. */
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

char *
base_text_printable (const char *bytes, gsize len, gsize max_chars)
{
  return printable (bytes, len, max_chars, FALSE);
}

char *
base_text_printable_lines (const char *bytes, gsize len, gsize max_chars)
{
  return printable (bytes, len, max_chars, TRUE);
}

/* ---- numbers for people ------------------------------------------------ */

char *
base_text_group_digits (const char *number)
{
  g_return_val_if_fail (number != NULL, NULL);
  const char *p = number;
  if (*p == '-' || *p == '+')
    p++;
  gsize n = strspn (p, "0123456789");
  /* Only a number as printf writes it: digits, then the end, a point or an
   * exponent; anything else ("nan", "1,234", "12ab") is left alone. */
  if (n == 0 || (p[n] != '\0' && p[n] != '.' && p[n] != 'e' && p[n] != 'E'))
    return g_strdup (number);
  GString *out = g_string_sized_new (strlen (number) + n / 3);
  g_string_append_len (out, number, p - number);
  for (gsize i = 0; i < n; i++)
    {
      if (i > 0 && (n - i) % 3 == 0)
        g_string_append_c (out, ',');
      g_string_append_c (out, p[i]);
    }
  g_string_append (out, p + n);
  return g_string_free (out, FALSE);
}

char *
base_text_group_double (double value, int decimals)
{
  g_return_val_if_fail (decimals >= 0 && decimals <= 17, NULL);
  if (isnan (value))
    return g_strdup ("nan");
  if (isinf (value))
    return g_strdup (value > 0 ? "inf" : "-inf");
  char fmt[8], buf[G_ASCII_DTOSTR_BUF_SIZE + 320];
  g_snprintf (fmt, sizeof fmt, "%%.%df", decimals);
  g_ascii_formatd (buf, sizeof buf, fmt, value);
  return base_text_group_digits (buf);
}
