/* SPDX-License-Identifier: MIT */
/*
 * Base45 (RFC 9285) encoder and strict decoder.  A byte pair [a, b] is the
 * number n = 256a + b, written as three base-45 digits c, d, e (n = c + 45d +
 * 2025e), least significant first; a last odd byte is two digits.  The
 * decoder refuses everything the RFC calls invalid, so decoding is the exact
 * inverse of encoding.  Only the lengths are bounded by the caller.
 */
#include "model/std/base45.h"

#include <string.h>

G_DEFINE_QUARK (model-base45-error-quark, model_base45_error)

static const char alphabet[] = MODEL_BASE45_ALPHABET;

/* Value of a Base45 character, or -1. */
static int
value_of (unsigned char c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'A' && c <= 'Z')
    return c - 'A' + 10;
  switch (c)
    {
    case ' ': return 36;
    case '$': return 37;
    case '%': return 38;
    case '*': return 39;
    case '+': return 40;
    case '-': return 41;
    case '.': return 42;
    case '/': return 43;
    case ':': return 44;
    default: return -1;
    }
}

gsize
model_base45_encoded_len (gsize len)
{
  g_return_val_if_fail (len <= G_MAXSIZE / 2 - 2, 0);
  return len / 2 * 3 + (len % 2) * 2;
}

char *
model_base45_encode (const guint8 *data, gsize len)
{
  g_return_val_if_fail (data != NULL || len == 0, NULL);
  g_return_val_if_fail (len <= G_MAXSIZE / 2 - 2, NULL);

  gsize out_len = model_base45_encoded_len (len);
  char *out = g_malloc (out_len + 1);
  gsize o = 0;
  for (gsize i = 0; i + 1 < len; i += 2)
    {
      guint n = (guint) data[i] * 256u + data[i + 1];
      out[o++] = alphabet[n % 45];
      out[o++] = alphabet[n / 45 % 45];
      out[o++] = alphabet[n / 2025];
    }
  if (len % 2 == 1)
    {
      guint n = data[len - 1];
      out[o++] = alphabet[n % 45];
      out[o++] = alphabet[n / 45];
    }
  g_assert (o == out_len);
  out[o] = '\0';
  return out;
}

static gboolean
bad_char (const char *text, gsize at, GError **error)
{
  unsigned char c = (unsigned char) text[at];
  if (c >= 0x20 && c < 0x7f)
    g_set_error (error, MODEL_BASE45_ERROR, MODEL_STD_MALFORMED,
                 "base45: character %" G_GSIZE_FORMAT " ('%c') is not in the "
                 "Base45 alphabet (0-9, A-Z, space, $%%*+-./:)", at, c);
  else
    g_set_error (error, MODEL_BASE45_ERROR, MODEL_STD_MALFORMED,
                 "base45: character %" G_GSIZE_FORMAT " (byte 0x%02x) is not in "
                 "the Base45 alphabet (0-9, A-Z, space, $%%*+-./:)", at, c);
  return FALSE;
}

GBytes *
model_base45_decode (const char *text, gssize len, GError **error)
{
  g_return_val_if_fail (text != NULL || len == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  gsize n_chars = len < 0 ? strlen (text) : (gsize) len;
  if (n_chars % 3 == 1)
    {
      g_set_error (error, MODEL_BASE45_ERROR, MODEL_STD_MALFORMED,
                   "base45: length %" G_GSIZE_FORMAT " is 3k+1; expected a "
                   "multiple of 3, or 3k+2 for an odd last byte", n_chars);
      return NULL;
    }

  gsize out_len = n_chars / 3 * 2 + (n_chars % 3 == 2 ? 1 : 0);
  guint8 *out = g_malloc (out_len > 0 ? out_len : 1);
  gsize o = 0;
  for (gsize i = 0; i < n_chars; i += 3)
    {
      gsize group = MIN ((gsize) 3, n_chars - i);
      guint n = 0, weight = 1;
      for (gsize k = 0; k < group; k++)
        {
          int v = value_of ((unsigned char) text[i + k]);
          if (v < 0)
            {
              g_free (out);
              bad_char (text, i + k, error);
              return NULL;
            }
          n += (guint) v * weight;
          weight *= 45;
        }
      if (group == 3)
        {
          if (n > 65535)
            {
              g_free (out);
              g_set_error (error, MODEL_BASE45_ERROR, MODEL_STD_MALFORMED,
                           "base45: triple at character %" G_GSIZE_FORMAT
                           " has value %u; expected at most 65535", i, n);
              return NULL;
            }
          out[o++] = (guint8) (n >> 8);
          out[o++] = (guint8) (n & 0xff);
        }
      else
        {
          if (n > 255)
            {
              g_free (out);
              g_set_error (error, MODEL_BASE45_ERROR, MODEL_STD_MALFORMED,
                           "base45: final pair at character %" G_GSIZE_FORMAT
                           " has value %u; expected at most 255", i, n);
              return NULL;
            }
          out[o++] = (guint8) n;
        }
    }
  g_assert (o == out_len);
  return g_bytes_new_take (out, out_len);
}
