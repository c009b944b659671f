/* SPDX-License-Identifier: MIT */
/*
 * Tests of base/hex: the lowercase encoder, the decoder's one case rule
 * (lowercase only: an upper-case digit is refused, as docs/ADAPTER.md,
 * docs/CERTIFICATE.md and ESSC-STD ISS-8 and PAY-4 say), its faults and
 * offsets, and round trips of every byte value.
 */
#include "base/hex.h"
#include "tests/lib/testutil.h"

#include <string.h>

static void
test_hex_encode (void)
{
  static const guint8 data[] = { 0x00, 0x01, 0x7f, 0x80, 0xab, 0xcd, 0xef, 0xff };
  char out[2 * sizeof data + 1];
  memset (out, 'X', sizeof out);
  base_hex_encode (data, sizeof data, out);
  g_assert_cmpstr (out, ==, "00017f80abcdefff");

  g_autofree char *dup = base_hex_encode_dup (data, sizeof data);
  g_assert_cmpstr (dup, ==, "00017f80abcdefff");
  g_autofree char *empty = base_hex_encode_dup (data, 0);
  g_assert_cmpstr (empty, ==, "");
}

/* Every digit value, and every byte that is not a lowercase digit. */
static void
test_hex_digit (void)
{
  for (int c = 0; c < 256; c++)
    {
      int want = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
      g_assert_cmpint (base_hex_digit ((char) c), ==, want);
    }
  g_assert_cmpint (base_hex_digit ('A'), ==, -1);
  g_assert_cmpint (base_hex_digit ('F'), ==, -1);
}

static const struct {
  const char *hex;
  BaseHexFault fault;
  gsize at;                 /* offset of a BAD_DIGIT */
} cases[] = {
  { "", BASE_HEX_OK, 0 },
  { "00", BASE_HEX_OK, 0 },
  { "0123456789abcdef", BASE_HEX_OK, 0 },
  { "0", BASE_HEX_ODD_LENGTH, 0 },
  { "abc", BASE_HEX_ODD_LENGTH, 0 },
  { "zz1", BASE_HEX_ODD_LENGTH, 0 },        /* length before digits */
  { "AB", BASE_HEX_BAD_DIGIT, 0 },          /* upper case is refused */
  { "aB", BASE_HEX_BAD_DIGIT, 1 },
  { "0123456789ABCDEF", BASE_HEX_BAD_DIGIT, 10 },
  { "0g", BASE_HEX_BAD_DIGIT, 1 },
  { " 0", BASE_HEX_BAD_DIGIT, 0 },
  { "0x12", BASE_HEX_BAD_DIGIT, 1 },
  { "+1", BASE_HEX_BAD_DIGIT, 0 },
  { "12-3", BASE_HEX_BAD_DIGIT, 2 },
  { "\xc3\xa9", BASE_HEX_BAD_DIGIT, 0 },
};

static void
test_hex_decode_table (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const char *hex = cases[i].hex;
      gsize n = strlen (hex), at = G_MAXSIZE;
      guint8 out[16];
      memset (out, 0x5a, sizeof out);
      g_test_message ("case %zu: '%s'", i, hex);
      g_assert_cmpint (base_hex_decode (hex, n, out, &at), ==, cases[i].fault);
      if (cases[i].fault == BASE_HEX_BAD_DIGIT)
        g_assert_cmpuint (at, ==, cases[i].at);
      else
        g_assert_cmpuint (at, ==, G_MAXSIZE);       /* at is only set for a bad digit */
      if (cases[i].fault != BASE_HEX_OK)
        for (gsize k = 0; k < sizeof out; k++)
          g_assert_cmpuint (out[k], ==, 0x5a);      /* untouched on a fault */
      /* Checking only (out NULL) gives the same verdict; at may be NULL. */
      g_assert_cmpint (base_hex_decode (hex, n, NULL, NULL), ==, cases[i].fault);
    }
}

/* The decoder reads n bytes: a NUL inside them is a bad digit, bytes after
 * them are not read. */
static void
test_hex_decode_counted (void)
{
  guint8 out[2];
  gsize at = 0;
  g_assert_cmpint (base_hex_decode ("ab\0d", 4, out, &at), ==, BASE_HEX_BAD_DIGIT);
  g_assert_cmpuint (at, ==, 2);
  g_assert_cmpint (base_hex_decode ("abcdZZ", 4, out, &at), ==, BASE_HEX_OK);
  g_assert_cmpuint (out[0], ==, 0xab);
  g_assert_cmpuint (out[1], ==, 0xcd);
}

/* Every byte value there and back; decoding the upper-case form fails. */
static void
test_hex_round_trip (void)
{
  guint8 all[256], back[256];
  char hex[2 * 256 + 1];
  for (int i = 0; i < 256; i++)
    all[i] = (guint8) i;
  base_hex_encode (all, sizeof all, hex);
  g_assert_cmpuint (strlen (hex), ==, 512);
  g_assert_cmpint (base_hex_decode (hex, 512, back, NULL), ==, BASE_HEX_OK);
  g_assert_cmpmem (back, sizeof back, all, sizeof all);
  g_assert_cmpint (strspn (hex, "0123456789abcdef"), ==, 512);

  g_autofree char *upper = g_ascii_strup (hex, -1);
  gsize at = 0;
  g_assert_cmpint (base_hex_decode (upper, 512, back, &at), ==, BASE_HEX_BAD_DIGIT);
  g_assert_cmpuint (at, ==, 21);        /* "0a" is byte 10, its 'A' offset 21 */
}

int
main (int argc, char **argv)
{
  essc_test_init (&argc, &argv);
  g_test_add_func ("/base/hex/encode-lowercase", test_hex_encode);
  g_test_add_func ("/base/hex/digit", test_hex_digit);
  g_test_add_func ("/base/hex/decode-table", test_hex_decode_table);
  g_test_add_func ("/base/hex/decode-counted", test_hex_decode_counted);
  g_test_add_func ("/base/hex/round-trip", test_hex_round_trip);
  return g_test_run ();
}
