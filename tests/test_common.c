/* SPDX-License-Identifier: MIT */
/*
 * Tests of model/common: name tables, errors in a caller's domain, the UTF-8
 * and ASCII text rules (fault, order of faults, offsets, and reading no
 * further than max + 1 bytes of an unterminated buffer), big-endian integers
 * and the 16-byte hash keys.
 */
#include "model/common.h"
#include "tests/testutil.h"

#include <string.h>

#define TEST_ERROR (g_quark_from_static_string ("test-common-error-quark"))
#define INNER_ERROR (g_quark_from_static_string ("test-inner-error-quark"))

/* A table like ledger's: the enum starts at 1, index 0 is NULL. */
static const char *const names[] = { NULL, "local", "unified" };

static void
test_name_of (void)
{
  g_assert_cmpstr (model_name_of (names, 3, 1, "invalid"), ==, "local");
  g_assert_cmpstr (model_name_of (names, 3, 2, "invalid"), ==, "unified");
  g_assert_cmpstr (model_name_of (names, 3, 0, "invalid"), ==, "invalid");
  g_assert_cmpstr (model_name_of (names, 3, 3, "invalid"), ==, "invalid");
  g_assert_cmpstr (model_name_of (names, 3, -1, "unknown"), ==, "unknown");
  g_assert_cmpstr (model_name_of (names, 3, G_MAXINT, "unknown"), ==, "unknown");
}

static void
test_name_index (void)
{
  g_assert_cmpint (model_name_index (names, 3, "local"), ==, 1);
  g_assert_cmpint (model_name_index (names, 3, "unified"), ==, 2);
  g_assert_cmpint (model_name_index (names, 3, "loc"), ==, -1);
  g_assert_cmpint (model_name_index (names, 3, "local "), ==, -1);
  g_assert_cmpint (model_name_index (names, 3, "LOCAL"), ==, -1);
  g_assert_cmpint (model_name_index (names, 3, ""), ==, -1);
  g_assert_cmpint (model_name_index (names, 3, NULL), ==, -1);
  /* n bounds the search. */
  g_assert_cmpint (model_name_index (names, 2, "unified"), ==, -1);
  /* Every name maps back to its index. */
  for (int i = 1; i < 3; i++)
    g_assert_cmpint (model_name_index (names, 3, model_name_of (names, 3, i, NULL)), ==, i);
}

/* MODEL_DEFINE_NAMES over a test enum that starts at 1, as ledger's do. */
typedef enum { FRUIT_APPLE = 1, FRUIT_PEAR = 2 } Fruit;
static const char *const fruit_names[] = { [FRUIT_APPLE] = "apple", [FRUIT_PEAR] = "pear" };
const char *fruit_name (Fruit value);
gboolean fruit_from_name (const char *name, Fruit *out);
MODEL_DEFINE_NAMES (fruit, Fruit, fruit_names, "invalid")

static void
test_define_names (void)
{
  Fruit f = FRUIT_PEAR;
  g_assert_cmpstr (fruit_name (FRUIT_APPLE), ==, "apple");
  g_assert_cmpstr (fruit_name (FRUIT_PEAR), ==, "pear");
  g_assert_cmpstr (fruit_name ((Fruit) 0), ==, "invalid");
  g_assert_cmpstr (fruit_name ((Fruit) 3), ==, "invalid");
  g_assert_true (fruit_from_name ("apple", &f));
  g_assert_cmpint (f, ==, FRUIT_APPLE);
  g_assert_true (fruit_from_name ("pear", &f));
  g_assert_cmpint (f, ==, FRUIT_PEAR);
  g_assert_false (fruit_from_name ("invalid", &f));
  g_assert_false (fruit_from_name (NULL, &f));
  g_assert_cmpint (f, ==, FRUIT_PEAR);   /* untouched on failure */
}

static void
test_fail (void)
{
  g_autoptr (GError) error = NULL;
  g_assert_false (model_fail (NULL, TEST_ERROR, MODEL_STD_MALFORMED, "ignored %d", 1));
  g_assert_false (model_fail (&error, TEST_ERROR, MODEL_STD_NOT_FOUND,
                              "%s: no card %s (%d%%)", "card_no", "A00000001", 5));
  g_assert_error (error, TEST_ERROR, MODEL_STD_NOT_FOUND);
  g_assert_cmpstr (error->message, ==, "card_no: no card A00000001 (5%)");
  g_clear_error (&error);
  /* An argument that looks like a format stays as it is. */
  g_assert_false (model_fail (&error, TEST_ERROR, MODEL_STD_MALFORMED, "%s", "100%s %d"));
  g_assert_cmpstr (error->message, ==, "100%s %d");
}

static void
test_fail_wrap (void)
{
  g_autoptr (GError) error = NULL;
  GError *inner = g_error_new (INNER_ERROR, MODEL_STD_INVALID_ID, "check character is '%c'", 'X');
  g_assert_false (model_fail_wrap (&error, TEST_ERROR, "ssn: ", inner));
  g_assert_error (error, TEST_ERROR, MODEL_STD_INVALID_ID);
  g_assert_cmpstr (error->message, ==, "ssn: check character is 'X'");
  g_clear_error (&error);

  inner = g_error_new_literal (INNER_ERROR, MODEL_STD_MALFORMED, "50% off");
  g_assert_false (model_fail_wrap (&error, TEST_ERROR, NULL, inner));
  g_assert_error (error, TEST_ERROR, MODEL_STD_MALFORMED);
  g_assert_cmpstr (error->message, ==, "50% off");

  /* A NULL error only frees inner (ASan would report a leak otherwise). */
  inner = g_error_new_literal (INNER_ERROR, MODEL_STD_MALFORMED, "dropped");
  g_assert_false (model_fail_wrap (NULL, TEST_ERROR, "x: ", inner));
}

/* The fault of a NUL-terminated string, and its offset (or -1). */
static ModelTextFault
utf8 (const char *s, gsize max, gssize *at)
{
  gsize off = G_MAXSIZE;
  ModelTextFault f = model_text_check_utf8 (s, -1, max, &off);
  *at = off == G_MAXSIZE ? -1 : (gssize) off;
  return f;
}

static void
test_text_utf8 (void)
{
  gssize at;
  g_assert_cmpint (utf8 ("张三", 64, &at), ==, MODEL_TEXT_OK);
  g_assert_cmpint (utf8 ("O'Brien-Smith Jr.", 64, &at), ==, MODEL_TEXT_OK);
  g_assert_cmpint (utf8 ("\xc2\xa0nbsp", 64, &at), ==, MODEL_TEXT_OK);   /* U+00A0 is no control */
  g_assert_cmpint (utf8 ("abcd", 4, &at), ==, MODEL_TEXT_OK);            /* exactly max */
  g_assert_cmpint (utf8 (NULL, 4, &at), ==, MODEL_TEXT_MISSING);
  g_assert_cmpint (utf8 ("", 4, &at), ==, MODEL_TEXT_EMPTY);
  g_assert_cmpint (utf8 ("abcde", 4, &at), ==, MODEL_TEXT_TOO_LONG);
  g_assert_cmpint (utf8 ("张三", 5, &at), ==, MODEL_TEXT_TOO_LONG);      /* 6 bytes */

  g_assert_cmpint (utf8 ("ab\xff", 64, &at), ==, MODEL_TEXT_BAD_UTF8);
  g_assert_cmpint (at, ==, 2);
  g_assert_cmpint (utf8 ("a\xe5\xbc", 64, &at), ==, MODEL_TEXT_BAD_UTF8);   /* cut short */
  g_assert_cmpint (at, ==, 1);
  g_assert_cmpint (utf8 ("\xc0\xaf", 64, &at), ==, MODEL_TEXT_BAD_UTF8);    /* over-long */
  g_assert_cmpint (at, ==, 0);
  g_assert_cmpint (utf8 ("\xed\xa0\x80", 64, &at), ==, MODEL_TEXT_BAD_UTF8); /* surrogate */

  g_assert_cmpint (utf8 ("a\tb", 64, &at), ==, MODEL_TEXT_CONTROL);
  g_assert_cmpint (at, ==, 1);
  g_assert_cmpint (utf8 ("张\x7f", 64, &at), ==, MODEL_TEXT_CONTROL);
  g_assert_cmpint (at, ==, 3);
  g_assert_cmpint (utf8 ("ab\xc2\x85", 64, &at), ==, MODEL_TEXT_CONTROL);   /* U+0085 */
  g_assert_cmpint (at, ==, 2);
  g_assert_cmpint (utf8 ("\xc2\x9f", 64, &at), ==, MODEL_TEXT_CONTROL);     /* U+009F */
  g_assert_cmpint (at, ==, 0);

  /* The order of faults: length before encoding before control characters. */
  g_assert_cmpint (utf8 ("\x01\xff\x01\xff\x01", 4, &at), ==, MODEL_TEXT_TOO_LONG);
  g_assert_cmpint (utf8 ("\x01\xff", 4, &at), ==, MODEL_TEXT_BAD_UTF8);
  g_assert_cmpint (at, ==, 1);
  /* at may be NULL. */
  g_assert_cmpint (model_text_check_utf8 ("a\nb", -1, 8, NULL), ==, MODEL_TEXT_CONTROL);
}

static void
test_text_utf8_counted (void)
{
  gsize at = 0;
  g_assert_cmpint (model_text_check_utf8 ("abXYZ", 2, 2, &at), ==, MODEL_TEXT_OK);
  g_assert_cmpint (model_text_check_utf8 ("ab", 0, 2, &at), ==, MODEL_TEXT_EMPTY);
  g_assert_cmpint (model_text_check_utf8 ("abc", 3, 2, &at), ==, MODEL_TEXT_TOO_LONG);
  /* A NUL inside a counted field is not text. */
  g_assert_cmpint (model_text_check_utf8 ("ab\0cd", 5, 64, &at), ==, MODEL_TEXT_BAD_UTF8);
  g_assert_cmpint (at, ==, 2);
  /* A character cut by the count is bad UTF-8, though the buffer goes on. */
  g_assert_cmpint (model_text_check_utf8 ("a张", 3, 64, &at), ==, MODEL_TEXT_BAD_UTF8);
  g_assert_cmpint (at, ==, 1);
  g_assert_cmpint (model_text_check_utf8 ("a\x1b", 2, 64, &at), ==, MODEL_TEXT_CONTROL);
  g_assert_cmpint (at, ==, 1);
}

/* An unterminated buffer of max + 1 bytes on the heap: a check that read
 * further would be caught by ASan in the SANITIZE=1 build. */
static void
test_text_reads_bounded (void)
{
  const gsize max = 16;
  g_autofree char *buf = g_malloc (max + 1);
  memset (buf, 'a', max + 1);
  g_assert_cmpint (model_text_check_utf8 (buf, -1, max, NULL), ==, MODEL_TEXT_TOO_LONG);
  g_assert_cmpint (model_text_check_ascii (buf, max, NULL), ==, MODEL_TEXT_TOO_LONG);
}

static void
test_text_ascii (void)
{
  gsize at = G_MAXSIZE;
  g_assert_cmpint (model_text_check_ascii ("card.issue", 64, &at), ==, MODEL_TEXT_OK);
  g_assert_cmpint (model_text_check_ascii ("!~", 2, &at), ==, MODEL_TEXT_OK);   /* both ends */
  g_assert_cmpint (at, ==, G_MAXSIZE);
  g_assert_cmpint (model_text_check_ascii (NULL, 64, &at), ==, MODEL_TEXT_MISSING);
  g_assert_cmpint (model_text_check_ascii ("", 64, &at), ==, MODEL_TEXT_EMPTY);
  g_assert_cmpint (model_text_check_ascii ("abc", 2, &at), ==, MODEL_TEXT_TOO_LONG);

  g_assert_cmpint (model_text_check_ascii ("card issue", 64, &at), ==, MODEL_TEXT_BAD_BYTE);
  g_assert_cmpint (at, ==, 4);
  g_assert_cmpint (model_text_check_ascii ("x\x7f", 64, &at), ==, MODEL_TEXT_BAD_BYTE);
  g_assert_cmpint (at, ==, 1);
  g_assert_cmpint (model_text_check_ascii ("\xe5\xbc\xa0", 64, &at), ==, MODEL_TEXT_BAD_BYTE);
  g_assert_cmpint (at, ==, 0);

  /* Scanned in order: a bad byte within max wins, one beyond is too long. */
  g_assert_cmpint (model_text_check_ascii ("a b c", 2, &at), ==, MODEL_TEXT_BAD_BYTE);
  g_assert_cmpint (at, ==, 1);
  g_assert_cmpint (model_text_check_ascii ("abc d", 2, &at), ==, MODEL_TEXT_TOO_LONG);
}

static void
test_be64 (void)
{
  guint8 b[8];
  static const guint8 expected[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
  model_be64_put (b, G_GUINT64_CONSTANT (0x0102030405060708));
  g_assert_cmpmem (b, 8, expected, 8);
  g_assert_cmphex (model_be64_get (expected), ==, G_GUINT64_CONSTANT (0x0102030405060708));

  static const gint64 values[] = { 0, 1, -1, 255, 256, ESSC_TEST_NOW, G_MININT64, G_MAXINT64 };
  for (gsize i = 0; i < G_N_ELEMENTS (values); i++)
    {
      model_be64_put (b, (guint64) values[i]);
      g_assert_cmpint ((gint64) model_be64_get (b), ==, values[i]);
    }
  model_be64_put (b, (guint64) (gint64) -2);
  g_assert_cmpint (b[0], ==, 0xff);
  g_assert_cmpint (b[7], ==, 0xfe);

  g_autoptr (GByteArray) a = g_byte_array_new ();
  g_byte_array_append (a, (const guint8 *) "x", 1);
  model_be64_append (a, G_GUINT64_CONSTANT (0x0102030405060708));
  g_assert_cmpuint (a->len, ==, 9);
  g_assert_cmpmem (a->data + 1, 8, expected, 8);
}

static void
test_bytes16 (void)
{
  guint8 a[16], b[16];
  for (int i = 0; i < 16; i++)
    a[i] = b[i] = (guint8) (i * 7 + 1);
  g_assert_true (model_bytes16_equal (a, b));
  g_assert_cmpuint (model_bytes16_hash (a), ==, model_bytes16_hash (b));
  b[15] ^= 1;   /* the last byte counts for equality */
  g_assert_false (model_bytes16_equal (a, b));

  /* As a GHashTable's functions: 256 keys found by copies, none by others. */
  g_autoptr (GHashTable) t = g_hash_table_new_full (model_bytes16_hash, model_bytes16_equal,
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
  g_test_add_func ("/common/names/of", test_name_of);
  g_test_add_func ("/common/names/index", test_name_index);
  g_test_add_func ("/common/names/define", test_define_names);
  g_test_add_func ("/common/fail/format", test_fail);
  g_test_add_func ("/common/fail/wrap", test_fail_wrap);
  g_test_add_func ("/common/text/utf8", test_text_utf8);
  g_test_add_func ("/common/text/utf8-counted", test_text_utf8_counted);
  g_test_add_func ("/common/text/reads-bounded", test_text_reads_bounded);
  g_test_add_func ("/common/text/ascii", test_text_ascii);
  g_test_add_func ("/common/be64", test_be64);
  g_test_add_func ("/common/bytes16", test_bytes16);
  return g_test_run ();
}
