/* SPDX-License-Identifier: MIT */
/*
 * The functions of base/bytes.h.
 */
#include "base/bytes.h"

#include <string.h>

/* ---- big-endian integers ----------------------------------------------- */

void
base_be64_put (guint8 out[8], guint64 v)
{
  for (int i = 7; i >= 0; i--, v >>= 8)
    out[i] = (guint8) (v & 0xff);
}

void
base_be64_append (GByteArray *b, guint64 v)
{
  guint8 x[8];
  base_be64_put (x, v);
  g_byte_array_append (b, x, 8);
}

guint64
base_be64_get (const guint8 in[8])
{
  guint64 v = 0;
  for (int i = 0; i < 8; i++)
    v = v << 8 | in[i];
  return v;
}

/* ---- 16-byte binary keys ----------------------------------------------- */

guint
base_bytes16_hash (gconstpointer key)
{
  guint32 h;
  memcpy (&h, key, sizeof h);
  return h;
}

gboolean
base_bytes16_equal (gconstpointer a, gconstpointer b)
{
  return memcmp (a, b, 16) == 0;
}
