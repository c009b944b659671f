/* SPDX-License-Identifier: MIT */
/*
 * Tests of base/text: the UTF-8 and ASCII text rules (fault, order of faults, offsets, and
 * reading no further than max + 1 bytes of an unterminated buffer), and the printable copy
 * of untrusted bytes (what stays, what is escaped, where it is cut).
 */
#include "base/text.h"
#include "tests/lib/testutil.h"

#include <math.h>
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

/* ---- printable copies ---------------------------------------------------- */

static const struct {
  const char *in;
  gssize len;              /* -1: strlen */
  gsize max;
  const char *out;
} printable[] = {
  { "", -1, 10, "" },
  { "plain ASCII, spaces and ~", -1, 100, "plain ASCII, spaces and ~" },
  { "张三 O'Brien", -1, 100, "张三 O'Brien" },                 /* UTF-8 stays */
  { "\xc2\xa0", -1, 100, "\xc2\xa0" },                     /* U+00A0 is no control */
  { "a\tb\nc\r", -1, 100, "a\\x09b\\x0ac\\x0d" },
  { "\x1b[31mred", -1, 100, "\\x1b[31mred" },               /* no escape sequence */
  { "x\x7f", -1, 100, "x\\x7f" },
  { "\xc2\x85", -1, 100, "\\xc2\\x85" },                   /* U+0085: each byte */
  { "\xff\xfe", -1, 100, "\\xff\\xfe" },                   /* invalid bytes */
  { "\xc3\x28", -1, 100, "\\xc3(" },                        /* a bad continuation */
  { "ab\xe5\xbc", -1, 100, "ab\\xe5\\xbc" },                /* cut short at the end */
  { "\xc0\xaf", -1, 100, "\\xc0\\xaf" },                   /* over-long */
  { "a\0b", 3, 100, "a\\x00b" },                            /* NUL in counted bytes */
  { "abcdef", 3, 100, "abc" },                               /* len bounds the read */
  { "abcd", -1, 4, "abcd" },                                 /* exactly max: no "..." */
  { "abcde", -1, 4, "abcd..." },
  { "张三李四", -1, 2, "张三..." },                          /* characters, not bytes */
  { "\x01\x02\x03", -1, 2, "\\x01\\x02..." },              /* an escape is one */
  { "a", -1, 0, "..." },
  { "", -1, 0, "" },
};

static void
test_text_printable (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (printable); i++)
    {
      gsize len = printable[i].len < 0 ? strlen (printable[i].in) : (gsize) printable[i].len;
      g_test_message ("case %zu", i);
      g_autofree char *out = base_text_printable (printable[i].in, len, printable[i].max);
      g_assert_cmpstr (out, ==, printable[i].out);
    }
}

/* Every byte value alone: printable ASCII stays, every other byte is escaped. */
static void
test_text_printable_bytes (void)
{
  for (int b = 0; b < 256; b++)
    {
      char in = (char) b;
      g_autofree char *out = base_text_printable (&in, 1, 10);
      char want[5] = { in, '\0' };
      if (b < 0x20 || b >= 0x7f)
        g_snprintf (want, sizeof want, "\\x%02x", (guint) b);
      g_assert_cmpstr (out, ==, want);
    }
}

/* The multi-line copy: line feeds and tabs stay, CR LF is a line feed, and
 * what XML or YAML cannot take becomes \xNN. */
static const struct {
  const char *in;
  gsize max;
  const char *out;
} lines[] = {
  { "a\tb\nc", 100, "a\tb\nc" },
  { "a\r\nb\r\n", 100, "a\nb\n" },
  { "a\rb\n\r", 100, "a\\x0db\n\\x0d" },                 /* a lone CR */
  { "\x1b[0m\x0b\x0c\x7f", 100, "\\x1b[0m\\x0b\\x0c\\x7f" },
  { "\xe2\x80\xa8\xe2\x80\xa9", 100, "\\xe2\\x80\\xa8\\xe2\\x80\\xa9" }, /* U+2028/9 */
  { "\xef\xbb\xbf\xef\xbf\xbe\xef\xbf\xbf", 100,
    "\\xef\\xbb\\xbf\\xef\\xbf\\xbe\\xef\\xbf\\xbf" },          /* U+FEFF, FFFE, FFFF */
  { "\xef\xbf\xbd 中文 \xff", 100, "\xef\xbf\xbd 中文 \\xff" },     /* U+FFFD stays */
  { "ab\r\ncd", 4, "ab\nc..." },                             /* CR LF is one character */
};

static void
test_text_printable_lines (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (lines); i++)
    {
      g_test_message ("case %zu", i);
      g_autofree char *out = base_text_printable_lines (lines[i].in, strlen (lines[i].in),
                                                        lines[i].max);
      g_assert_cmpstr (out, ==, lines[i].out);
    }
  /* Without line breaks it is base_text_printable's copy. */
  for (gsize i = 0; i < G_N_ELEMENTS (printable); i++)
    {
      gsize len = printable[i].len < 0 ? strlen (printable[i].in) : (gsize) printable[i].len;
      if (memchr (printable[i].in, '\n', len) || memchr (printable[i].in, '\t', len))
        continue;
      g_autofree char *out = base_text_printable_lines (printable[i].in, len, printable[i].max);
      g_assert_cmpstr (out, ==, printable[i].out);
    }
}

/* Digit grouping: every length of integer part around the multiples of
 * three, signs, fractions and exponents untouched, and text that is not a
 * number left alone. */
static void
test_text_group_digits (void)
{
  static const struct { const char *in, *out; } cases[] = {
    { "0", "0" }, { "7", "7" }, { "12", "12" }, { "123", "123" }, { "1234", "1,234" },
    { "12345", "12,345" }, { "123456", "123,456" }, { "1234567", "1,234,567" },
    { "1250000000", "1,250,000,000" }, { "18446744073709551615", "18,446,744,073,709,551,615" },
    { "-1", "-1" }, { "-123", "-123" }, { "-1234", "-1,234" }, { "-999999", "-999,999" },
    { "-1000000", "-1,000,000" }, { "+1234", "+1,234" }, { "-0", "-0" },
    { "1234.5678", "1,234.5678" }, { "-1234567.891", "-1,234,567.891" },
    { "0.0001234", "0.0001234" }, { "999.999", "999.999" }, { "1000.", "1,000." },
    { "1.235e+05", "1.235e+05" }, { "12345e+05", "12,345e+05" }, { "1E10", "1E10" },
    { "", "" }, { "-", "-" }, { "nan", "nan" }, { "-inf", "-inf" }, { ".5", ".5" },
    { "1,234", "1,234" }, { "12ab34", "12ab34" }, { "1234 ", "1234 " },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *out = base_text_group_digits (cases[i].in);
      g_assert_cmpstr (out, ==, cases[i].out);
    }
}

/* Formatting and grouping a double: decimals, rounding, signs and the
 * non-finite values. */
static void
test_text_group_double (void)
{
  static const struct { double v; int decimals; const char *out; } cases[] = {
    { 1250000000, 0, "1,250,000,000" }, { 1249999999.6, 0, "1,250,000,000" },
    { -1234.5, 1, "-1,234.5" }, { -1234.56, 1, "-1,234.6" }, { 999.5, 0, "1,000" },
    { 0.25, 2, "0.25" }, { 123456.789, 3, "123,456.789" }, { -0.2, 0, "-0" },
    { 1e15, 0, "1,000,000,000,000,000" }, { 12.4, 1, "12.4" }, { 0, 0, "0" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *out = base_text_group_double (cases[i].v, cases[i].decimals);
      g_assert_cmpstr (out, ==, cases[i].out);
    }
  g_autofree char *nan_text = base_text_group_double (NAN, 1);
  g_autofree char *inf_text = base_text_group_double (INFINITY, 0);
  g_autofree char *ninf_text = base_text_group_double (-INFINITY, 0);
  g_assert_cmpstr (nan_text, ==, "nan");
  g_assert_cmpstr (inf_text, ==, "inf");
  g_assert_cmpstr (ninf_text, ==, "-inf");
}

int
main (int argc, char **argv)
{
  essc_test_init (&argc, &argv);
  g_test_add_func ("/base/text/utf8", test_text_utf8);
  g_test_add_func ("/base/text/utf8-counted", test_text_utf8_counted);
  g_test_add_func ("/base/text/reads-bounded", test_text_reads_bounded);
  g_test_add_func ("/base/text/ascii", test_text_ascii);
  g_test_add_func ("/base/text/printable", test_text_printable);
  g_test_add_func ("/base/text/printable-every-byte", test_text_printable_bytes);
  g_test_add_func ("/base/text/printable-lines", test_text_printable_lines);
  g_test_add_func ("/base/text/group-digits", test_text_group_digits);
  g_test_add_func ("/base/text/group-double", test_text_group_double);
  return g_test_run ();
}
