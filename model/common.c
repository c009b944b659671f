/* SPDX-License-Identifier: MIT */
/*
 * The helpers of model/common.h: name tables, errors in a module's domain,
 * the UTF-8 and ASCII text rules, big-endian integers and 16-byte hash keys.
 * Every function is a short loop or less; the text checks read at most
 * max + 1 bytes of a NUL-terminated string, so an unterminated or huge input
 * costs no more than a legal one.
 */
#include "model/common.h"

#include <string.h>

/* ---- wire names -------------------------------------------------------- */

const char *
model_name_of (const char *const *names, gsize n, int value, const char *fallback)
{
  if (value < 0 || (gsize) value >= n || names[value] == NULL)
    return fallback;
  return names[value];
}

int
model_name_index (const char *const *names, gsize n, const char *name)
{
  if (name == NULL)
    return -1;
  for (gsize i = 0; i < n; i++)
    if (names[i] != NULL && strcmp (names[i], name) == 0)
      return (int) i;
  return -1;
}

/* ---- errors ------------------------------------------------------------ */

gboolean
model_fail (GError **error, GQuark domain, ModelStdCode code, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  g_autofree char *msg = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  g_set_error_literal (error, domain, (gint) code, msg);
  return FALSE;
}

gboolean
model_fail_wrap (GError **error, GQuark domain, const char *prefix, GError *inner)
{
  g_return_val_if_fail (inner != NULL, FALSE);
  g_set_error (error, domain, inner->code, "%s%s", prefix != NULL ? prefix : "",
               inner->message);
  g_error_free (inner);
  return FALSE;
}

/* ---- text fields ------------------------------------------------------- */

ModelTextFault
model_text_check_utf8 (const char *s, gssize len, gsize max, gsize *at)
{
  if (s == NULL)
    return MODEL_TEXT_MISSING;
  gsize n = len < 0 ? strnlen (s, max + 1) : (gsize) len;
  if (n == 0)
    return MODEL_TEXT_EMPTY;
  if (n > max)
    return MODEL_TEXT_TOO_LONG;
  const char *end = NULL;
  if (!g_utf8_validate_len (s, n, &end))
    {
      if (at != NULL)
        *at = (gsize) (end - s);
      return MODEL_TEXT_BAD_UTF8;
    }
  for (const char *p = s; p < s + n; p = g_utf8_next_char (p))
    if (g_unichar_iscntrl (g_utf8_get_char (p)))
      {
        if (at != NULL)
          *at = (gsize) (p - s);
        return MODEL_TEXT_CONTROL;
      }
  return MODEL_TEXT_OK;
}

ModelTextFault
model_text_check_ascii (const char *s, gsize max, gsize *at)
{
  if (s == NULL)
    return MODEL_TEXT_MISSING;
  if (s[0] == '\0')
    return MODEL_TEXT_EMPTY;
  for (gsize i = 0; s[i] != '\0'; i++)
    {
      if (i >= max)
        return MODEL_TEXT_TOO_LONG;
      guchar c = (guchar) s[i];
      if (c < 0x21 || c > 0x7e)
        {
          if (at != NULL)
            *at = i;
          return MODEL_TEXT_BAD_BYTE;
        }
    }
  return MODEL_TEXT_OK;
}

/* ---- big-endian integers ----------------------------------------------- */

void
model_be64_put (guint8 out[8], guint64 v)
{
  for (int i = 7; i >= 0; i--, v >>= 8)
    out[i] = (guint8) (v & 0xff);
}

void
model_be64_append (GByteArray *b, guint64 v)
{
  guint8 x[8];
  model_be64_put (x, v);
  g_byte_array_append (b, x, 8);
}

guint64
model_be64_get (const guint8 in[8])
{
  guint64 v = 0;
  for (int i = 0; i < 8; i++)
    v = v << 8 | in[i];
  return v;
}

/* ---- 16-byte binary keys ----------------------------------------------- */

guint
model_bytes16_hash (gconstpointer key)
{
  guint32 h;
  memcpy (&h, key, sizeof h);
  return h;
}

gboolean
model_bytes16_equal (gconstpointer a, gconstpointer b)
{
  return memcmp (a, b, 16) == 0;
}
