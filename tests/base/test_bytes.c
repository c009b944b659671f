/* SPDX-License-Identifier: MIT */
/*
 * Tests of base/bytes: big-endian integers and the 16-byte hash keys.
 */
#include "base/bytes.h"
#include "tests/lib/testutil.h"

#include <string.h>

static void
test_be64 (void)
{
  guint8 b[8];
  static const guint8 expected[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
  base_be64_put (b, G_GUINT64_CONSTANT (0x0102030405060708));
  g_assert_cmpmem (b, 8, expected, 8);
  g_assert_cmphex (base_be64_get (expected), ==, G_GUINT64_CONSTANT (0x0102030405060708));

  static const gint64 values[] = { 0, 1, -1, 255, 256, ESSC_TEST_NOW, G_MININT64, G_MAXINT64 };
  for (gsize i = 0; i < G_N_ELEMENTS (values); i++)
    {
      base_be64_put (b, (guint64) values[i]);
      g_assert_cmpint ((gint64) base_be64_get (b), ==, values[i]);
    }
  base_be64_put (b, (guint64) (gint64) -2);
  g_assert_cmpint (b[0], ==, 0xff);
  g_assert_cmpint (b[7], ==, 0xfe);

  g_autoptr (GByteArray) a = g_byte_array_new ();
  g_byte_array_append (a, (const guint8 *) "x", 1);
  base_be64_append (a, G_GUINT64_CONSTANT (0x0102030405060708));
  g_assert_cmpuint (a->len, ==, 9);
  g_assert_cmpmem (a->data + 1, 8, expected, 8);
}

static void
test_bytes16 (void)
{
  guint8 a[16], b[16];
  for (int i = 0; i < 16; i++)
    a[i] = b[i] = (guint8) (i * 7 + 1);
  g_assert_true (base_bytes16_equal (a, b));
  g_assert_cmpuint (base_bytes16_hash (a), ==, base_bytes16_hash (b));
  b[15] ^= 1;   /* the last byte counts for equality */
  g_assert_false (base_bytes16_equal (a, b));

  /* As a GHashTable's functions: 256 keys found by copies, none by others. */
  g_autoptr (GHashTable) t = g_hash_table_new_full (base_bytes16_hash, base_bytes16_equal,
                                                     g_free, NULL);
  for (int k = 0; k < 256; k++)
    {
      guint8 *key = g_new0 (guint8, 16);
      key[0] = (guint8) k;
      key[15] = (guint8) (255 - k);
      g_hash_table_add (t, key);
    }
  g_assert_cmpuint (g_hash_table_size (t), ==, 256);
  for (int k = 0; k < 256; k++)
    {
      guint8 key[16] = { 0 };
      key[0] = (guint8) k;
      key[15] = (guint8) (255 - k);
      g_assert_true (g_hash_table_contains (t, key));
      key[15] ^= 0x80;
      g_assert_false (g_hash_table_contains (t, key));
    }
}

int
main (int argc, char **argv)
{
  essc_test_init (&argc, &argv);
  g_test_add_func ("/base/bytes/be64", test_be64);
  g_test_add_func ("/base/bytes/bytes16", test_bytes16);
  return g_test_run ();
}
