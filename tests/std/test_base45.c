/* SPDX-License-Identifier: MIT */
/*
 * Tests of Base45 (RFC 9285), which carries dynamic QR tokens (ESSC-STD
 * section 5, QR-2): the RFC's own vectors, every invalid input class of its
 * section 4.2, exhaustive checks of the pair and triple value limits, and
 * round trips of random data under a printed seed.
 */
#include "model/std/base45.h"
#include "tests/lib/testutil.h"

#include <string.h>

static void
assert_encodes (const char *bytes, const char *text)
{
  g_autofree char *enc = model_base45_encode ((const guint8 *) bytes, strlen (bytes));
  g_assert_cmpstr (enc, ==, text);
  g_assert_cmpuint (strlen (enc), ==, model_base45_encoded_len (strlen (bytes)));

  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) dec = model_base45_decode (text, -1, &error);
  g_assert_no_error (error);
  g_assert_nonnull (dec);
  gsize n;
  const guint8 *p = g_bytes_get_data (dec, &n);
  g_assert_cmpmem (p, n, bytes, strlen (bytes));
}

static void
assert_refused (const char *text, gssize len, const char *needle)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) dec = model_base45_decode (text, len, &error);
  g_assert_null (dec);
  g_assert_error (error, MODEL_BASE45_ERROR, MODEL_STD_MALFORMED);
  if (strstr (error->message, needle) == NULL)
    g_error ("message \"%s\" lacks \"%s\"", error->message, needle);
}

/* QR-2: RFC 9285 section 4.3 and 4.4 examples. */
static void
test_rfc_vectors (void)
{
  assert_encodes ("AB", "BB8");
  assert_encodes ("Hello!!", "%69 VD92EX0");
  assert_encodes ("base-45", "UJCLQE7W581");
  assert_encodes ("ietf!", "QED8WEX0");
  assert_encodes ("", "");
}

/* QR-2: the extremes of each group. */
static void
test_extremes (void)
{
  const guint8 ff2[] = { 0xff, 0xff }, zero2[] = { 0, 0 }, ff1[] = { 0xff };
  g_autofree char *a = model_base45_encode (ff2, 2);
  g_autofree char *b = model_base45_encode (zero2, 2);
  g_autofree char *c = model_base45_encode (ff1, 1);
  g_assert_cmpstr (a, ==, "FGW");   /* 65535 = 15 + 45*36 + 2025*32 */
  g_assert_cmpstr (b, ==, "000");
  g_assert_cmpstr (c, ==, "U5");    /* 255 = 30 + 45*5 */
  g_autofree char *d = model_base45_encode (NULL, 0);
  g_assert_cmpstr (d, ==, "");
}

/* QR-2: invalid characters anywhere, NUL bytes, lower case. */
static void
test_invalid_chars (void)
{
  assert_refused ("bb8", -1, "character 0");
  assert_refused ("BB8a", -1, "length 4");
  /* "BB8BB" is valid length 5 (3k+2) but BB = 11 + 45*11 = 506 > 255. */
  assert_refused ("BB8BB", -1, "at most 255");
  assert_refused ("BB#", -1, "character 2");
  assert_refused ("B\x01" "8", -1, "0x01");
  assert_refused ("B\xc3\xa9", -1, "character 1");
  assert_refused ("BB\0", 3, "character 2");
  assert_refused ("BB8_B8", -1, "character 3");
  assert_refused ("BB8 \t", -1, "character 4");
}

/* QR-2: length 3k+1 is refused for every small k. */
static void
test_bad_lengths (void)
{
  char buf[32];
  for (gsize n = 1; n < sizeof buf; n += 3)
    {
      memset (buf, '0', n);
      buf[n] = '\0';
      assert_refused (buf, -1, "3k+1");
    }
}

/* QR-2: every triple and pair value, through the value limits. */
static void
test_value_limits (void)
{
  int accepted = 0, refused = 0;
  for (int e = 0; e < 45; e++)
    for (int d = 0; d < 45; d++)
      for (int c = 0; c < 45; c++)
        {
          char t[4] = { MODEL_BASE45_ALPHABET[c], MODEL_BASE45_ALPHABET[d],
                        MODEL_BASE45_ALPHABET[e], '\0' };
          int n = c + 45 * d + 2025 * e;
          g_autoptr (GError) error = NULL;
          g_autoptr (GBytes) dec = model_base45_decode (t, 3, &error);
          if (n > 65535)
            {
              g_assert_null (dec);
              g_assert_error (error, MODEL_BASE45_ERROR, MODEL_STD_MALFORMED);
              refused++;
              continue;
            }
          g_assert_no_error (error);
          gsize len;
          const guint8 *p = g_bytes_get_data (dec, &len);
          g_assert_cmpuint (len, ==, 2);
          g_assert_cmpint (p[0] * 256 + p[1], ==, n);
          g_autofree char *back = model_base45_encode (p, len);
          g_assert_cmpstr (back, ==, t);
          accepted++;
        }
  g_assert_cmpint (accepted, ==, 65536);
  g_assert_cmpint (refused, ==, 45 * 45 * 45 - 65536);

  accepted = 0;
  for (int d = 0; d < 45; d++)
    for (int c = 0; c < 45; c++)
      {
        char t[3] = { MODEL_BASE45_ALPHABET[c], MODEL_BASE45_ALPHABET[d], '\0' };
        g_autoptr (GError) error = NULL;
        g_autoptr (GBytes) dec = model_base45_decode (t, -1, &error);
        if (c + 45 * d > 255)
          {
            g_assert_null (dec);
            g_assert_error (error, MODEL_BASE45_ERROR, MODEL_STD_MALFORMED);
            continue;
          }
        g_assert_no_error (error);
        g_assert_cmpuint (g_bytes_get_size (dec), ==, 1);
        accepted++;
      }
  g_assert_cmpint (accepted, ==, 256);
}

/* QR-2: random data of every length 0..300 round-trips. */
static void
test_random_roundtrip (void)
{
  guint32 seed = g_test_rand_int ();
  g_test_message ("seed %u", seed);
  GRand *rand = g_rand_new_with_seed (seed);
  guint8 buf[300];
  for (gsize len = 0; len <= sizeof buf; len++)
    for (int rep = 0; rep < 4; rep++)
      {
        for (gsize i = 0; i < len; i++)
          buf[i] = (guint8) g_rand_int_range (rand, 0, 256);
        g_autofree char *text = model_base45_encode (buf, len);
        g_assert_cmpuint (strlen (text), ==, model_base45_encoded_len (len));
        for (const char *p = text; *p; p++)
          g_assert_nonnull (strchr (MODEL_BASE45_ALPHABET, *p));
        g_autoptr (GError) error = NULL;
        g_autoptr (GBytes) dec = model_base45_decode (text, -1, &error);
        g_assert_no_error (error);
        gsize n;
        const guint8 *p = g_bytes_get_data (dec, &n);
        g_assert_cmpmem (p, n, buf, len);
      }
  g_rand_free (rand);
}

int
main (int argc, char **argv)
{
  essc_test_init (&argc, &argv);
  g_test_add_func ("/base45/rfc9285/vectors", test_rfc_vectors);
  g_test_add_func ("/base45/encode/extremes", test_extremes);
  g_test_add_func ("/base45/decode/invalid-chars", test_invalid_chars);
  g_test_add_func ("/base45/decode/bad-lengths", test_bad_lengths);
  g_test_add_func ("/base45/decode/value-limits", test_value_limits);
  g_test_add_func ("/base45/roundtrip/random", test_random_roundtrip);
  return g_test_run ();
}
