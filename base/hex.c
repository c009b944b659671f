/* SPDX-License-Identifier: MIT */
/*
 * The functions of base/hex.h.
 */
#include "base/hex.h"

/* ---- encoding ---------------------------------------------------------- */

void
base_hex_encode (const guint8 *data, gsize len, char *out)
{
  static const char digits[] = "0123456789abcdef";
  for (gsize i = 0; i < len; i++)
    {
      out[2 * i] = digits[data[i] >> 4];
      out[2 * i + 1] = digits[data[i] & 15];
    }
  out[2 * len] = '\0';
}

char *
base_hex_encode_dup (const guint8 *data, gsize len)
{
  char *out = g_malloc (2 * len + 1);
  base_hex_encode (data, len, out);
  return out;
}

/* ---- decoding ---------------------------------------------------------- */

int
base_hex_digit (char c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  return -1;
}

BaseHexFault
base_hex_decode (const char *hex, gsize n, guint8 *out, gsize *at)
{
  if (n % 2 != 0)
    return BASE_HEX_ODD_LENGTH;
  for (gsize i = 0; i < n; i++)
    if (base_hex_digit (hex[i]) < 0)
      {
        if (at != NULL)
          *at = i;
        return BASE_HEX_BAD_DIGIT;
      }
  for (gsize i = 0; out != NULL && i < n / 2; i++)
    out[i] = (guint8) (base_hex_digit (hex[2 * i]) << 4 | base_hex_digit (hex[2 * i + 1]));
  return BASE_HEX_OK;
}
