/* SPDX-License-Identifier: MIT */
/*
 * Tests of base/text: the UTF-8 and ASCII text rules (fault, order of faults, offsets, and
 * reading no further than max + 1 bytes of an unterminated buffer).
 */
#include "base/text.h"
#include "tests/lib/testutil.h"

#include <string.h>

/* The fault of a NUL-terminated string, and its offset (or -1). */
static BaseTextFault
utf8 (const char *s, gsize max, gssize *at)
{
  gsize off = G_MAXSIZE;
  BaseTextFault f = base_text_check_utf8 (s, -1, max, &off);
  *at = off == G_MAXSIZE ? -1 : (gssize) off;
  return f;
}

static void
test_text_utf8 (void)
{
  gssize at;
  g_assert_cmpint (utf8 ("张三", 64, &at), ==, BASE_TEXT_OK);
  g_assert_cmpint (utf8 ("O'Brien-Smith Jr.", 64, &at), ==, BASE_TEXT_OK);
  g_assert_cmpint (utf8 ("\xc2\xa0nbsp", 64, &at), ==, BASE_TEXT_OK);   /* U+00A0 is no control */
  g_assert_cmpint (utf8 ("abcd", 4, &at), ==, BASE_TEXT_OK);            /* exactly max */
  g_assert_cmpint (utf8 (NULL, 4, &at), ==, BASE_TEXT_MISSING);
  g_assert_cmpint (utf8 ("", 4, &at), ==, BASE_TEXT_EMPTY);
  g_assert_cmpint (utf8 ("abcde", 4, &at), ==, BASE_TEXT_TOO_LONG);
  g_assert_cmpint (utf8 ("张三", 5, &at), ==, BASE_TEXT_TOO_LONG);      /* 6 bytes */

  g_assert_cmpint (utf8 ("ab\xff", 64, &at), ==, BASE_TEXT_BAD_UTF8);
  g_assert_cmpint (at, ==, 2);
  g_assert_cmpint (utf8 ("a\xe5\xbc", 64, &at), ==, BASE_TEXT_BAD_UTF8);   /* cut short */
  g_assert_cmpint (at, ==, 1);
  g_assert_cmpint (utf8 ("\xc0\xaf", 64, &at), ==, BASE_TEXT_BAD_UTF8);    /* over-long */
  g_assert_cmpint (at, ==, 0);
  g_assert_cmpint (utf8 ("\xed\xa0\x80", 64, &at), ==, BASE_TEXT_BAD_UTF8); /* surrogate */

  g_assert_cmpint (utf8 ("a\tb", 64, &at), ==, BASE_TEXT_CONTROL);
  g_assert_cmpint (at, ==, 1);
  g_assert_cmpint (utf8 ("张\x7f", 64, &at), ==, BASE_TEXT_CONTROL);
  g_assert_cmpint (at, ==, 3);
  g_assert_cmpint (utf8 ("ab\xc2\x85", 64, &at), ==, BASE_TEXT_CONTROL);   /* U+0085 */
  g_assert_cmpint (at, ==, 2);
  g_assert_cmpint (utf8 ("\xc2\x9f", 64, &at), ==, BASE_TEXT_CONTROL);     /* U+009F */
  g_assert_cmpint (at, ==, 0);

  /* The order of faults: length before encoding before control characters. */
  g_assert_cmpint (utf8 ("\x01\xff\x01\xff\x01", 4, &at), ==, BASE_TEXT_TOO_LONG);
  g_assert_cmpint (utf8 ("\x01\xff", 4, &at), ==, BASE_TEXT_BAD_UTF8);
  g_assert_cmpint (at, ==, 1);
  /* at may be NULL. */
  g_assert_cmpint (base_text_check_utf8 ("a\nb", -1, 8, NULL), ==, BASE_TEXT_CONTROL);
}

static void
test_text_utf8_counted (void)
{
  gsize at = 0;
  g_assert_cmpint (base_text_check_utf8 ("abXYZ", 2, 2, &at), ==, BASE_TEXT_OK);
  g_assert_cmpint (base_text_check_utf8 ("ab", 0, 2, &at), ==, BASE_TEXT_EMPTY);
  g_assert_cmpint (base_text_check_utf8 ("abc", 3, 2, &at), ==, BASE_TEXT_TOO_LONG);
  /* A NUL inside a counted field is not text. */
  g_assert_cmpint (base_text_check_utf8 ("ab\0cd", 5, 64, &at), ==, BASE_TEXT_BAD_UTF8);
  g_assert_cmpint (at, ==, 2);
  /* A character cut by the count is bad UTF-8, though the buffer goes on. */
  g_assert_cmpint (base_text_check_utf8 ("a张", 3, 64, &at), ==, BASE_TEXT_BAD_UTF8);
  g_assert_cmpint (at, ==, 1);
  g_assert_cmpint (base_text_check_utf8 ("a\x1b", 2, 64, &at), ==, BASE_TEXT_CONTROL);
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
  g_assert_cmpint (base_text_check_utf8 (buf, -1, max, NULL), ==, BASE_TEXT_TOO_LONG);
  g_assert_cmpint (base_text_check_ascii (buf, max, NULL), ==, BASE_TEXT_TOO_LONG);
}

static void
test_text_ascii (void)
{
  gsize at = G_MAXSIZE;
  g_assert_cmpint (base_text_check_ascii ("card.issue", 64, &at), ==, BASE_TEXT_OK);
  g_assert_cmpint (base_text_check_ascii ("!~", 2, &at), ==, BASE_TEXT_OK);   /* both ends */
  g_assert_cmpint (at, ==, G_MAXSIZE);
  g_assert_cmpint (base_text_check_ascii (NULL, 64, &at), ==, BASE_TEXT_MISSING);
  g_assert_cmpint (base_text_check_ascii ("", 64, &at), ==, BASE_TEXT_EMPTY);
  g_assert_cmpint (base_text_check_ascii ("abc", 2, &at), ==, BASE_TEXT_TOO_LONG);

  g_assert_cmpint (base_text_check_ascii ("card issue", 64, &at), ==, BASE_TEXT_BAD_BYTE);
  g_assert_cmpint (at, ==, 4);
  g_assert_cmpint (base_text_check_ascii ("x\x7f", 64, &at), ==, BASE_TEXT_BAD_BYTE);
  g_assert_cmpint (at, ==, 1);
  g_assert_cmpint (base_text_check_ascii ("\xe5\xbc\xa0", 64, &at), ==, BASE_TEXT_BAD_BYTE);
  g_assert_cmpint (at, ==, 0);

  /* Scanned in order: a bad byte within max wins, one beyond is too long. */
  g_assert_cmpint (base_text_check_ascii ("a b c", 2, &at), ==, BASE_TEXT_BAD_BYTE);
  g_assert_cmpint (at, ==, 1);
  g_assert_cmpint (base_text_check_ascii ("abc d", 2, &at), ==, BASE_TEXT_TOO_LONG);
}

int
main (int argc, char **argv)
{
  essc_test_init (&argc, &argv);
  g_test_add_func ("/base/text/utf8", test_text_utf8);
  g_test_add_func ("/base/text/utf8-counted", test_text_utf8_counted);
  g_test_add_func ("/base/text/reads-bounded", test_text_reads_bounded);
  g_test_add_func ("/base/text/ascii", test_text_ascii);
  return g_test_run ();
}
