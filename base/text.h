/* SPDX-License-Identifier: MIT */
/*
 * The two text-field rules: UTF-8 text without control characters, and
 * printable ASCII without space.  The checks say what is wrong and at which
 * byte and leave the wording of the message to the caller; they read at most
 * max + 1 bytes of a NUL-terminated string, so an unterminated or huge input
 * costs no more than a legal one.  And the one way untrusted bytes are shown
 * in a message or an output: a printable, bounded copy.  And numbers
 * shown to people with their digits grouped by threes (1,250,000,000).
 * Pure functions: no state, no clock, no I/O.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* ---- text fields ------------------------------------------------------- */

typedef enum {
  BASE_TEXT_OK = 0,
  BASE_TEXT_MISSING,     /* NULL */
  BASE_TEXT_EMPTY,       /* 0 bytes */
  BASE_TEXT_TOO_LONG,    /* more than max bytes */
  BASE_TEXT_BAD_UTF8,    /* not UTF-8, or a NUL inside a counted field */
  BASE_TEXT_CONTROL,     /* a control character U+0000..U+001F, U+007F..U+009F */
  BASE_TEXT_BAD_BYTE,    /* a byte outside 0x21..0x7e (ASCII fields) */
} BaseTextFault;

/*
 * The UTF-8 text rule: 1..max bytes of valid UTF-8 without control
 * characters.  len < 0: s is NUL-terminated (at most max + 1 bytes are read);
 * len >= 0: s is len bytes that must not contain NUL.  Faults are reported in
 * the order MISSING, EMPTY, TOO_LONG, BAD_UTF8, CONTROL; for the last two *at
 * (may be NULL) gets the byte offset, from 0, of the first bad byte or of the
 * control character.
 */
BaseTextFault base_text_check_utf8 (const char *s, gssize len, gsize max,
                                      gsize *at);
/*
 * The ASCII rule: a NUL-terminated string of 1..max bytes, each 0x21..0x7e.
 * Scans in order, so a bad byte within the first max bytes is reported
 * before TOO_LONG; *at (may be NULL) gets the offset of a BAD_BYTE.
 */
BaseTextFault base_text_check_ascii (const char *s, gsize max, gsize *at);

/* ---- showing untrusted bytes ------------------------------------------- */

/*
 * Returns: (transfer full) a printable copy of len untrusted bytes: valid
 * UTF-8 characters stay, each control character (U+0000..U+001F,
 * U+007F..U+009F) and each byte of invalid UTF-8 becomes "\xNN" (lowercase
 * hex), and when more than max_chars characters (an escaped byte counts as
 * one) remain, the copy ends after max_chars of them with "...".
 */
char *base_text_printable (const char *bytes, gsize len, gsize max_chars);

/*
 * The same for multi-line text (a traceback, a log's tail) shown in a
 * structured output (XML, YAML, JSON): line feeds and tabs stay, a CR LF
 * pair becomes one line feed, and besides the bytes base_text_printable
 * escapes, the characters those formats forbid or read as line breaks
 * (U+2028, U+2029, U+FEFF, U+FFFE, U+FFFF) become "\xNN" per byte.  A line
 * feed or a tab counts as one character.
 * Returns: (transfer full)
 */
char *base_text_printable_lines (const char *bytes, gsize len, gsize max_chars);

/* ---- numbers for people ------------------------------------------------ */

/*
 * Returns: (transfer full) number, a decimal as printf writes it in the C
 * locale (an optional sign, digits, then optionally a fraction after '.' and
 * an exponent), with the digits before the point grouped by threes with
 * commas: "1250000000" -> "1,250,000,000", "-1234567.891" ->
 * "-1,234,567.891".  The sign stays in front of the first digit ("-1,000",
 * never "-,1000"); the fraction and the exponent are left as they are (no
 * grouping after the point: "0.0001234" stays); "-0" stays "-0", as printf
 * wrote it.  Text that is not such a number (empty, "nan", "inf", "-", a
 * number already grouped) comes back unchanged.
 */
char *base_text_group_digits (const char *number);

/*
 * Returns: (transfer full) value with `decimals` digits after the point
 * (0..17, "%.*f" in the C locale, whatever the process's locale), grouped
 * as base_text_group_digits does: (1250000000, 0) -> "1,250,000,000",
 * (-1234.5, 1) -> "-1,234.5".  NaN gives "nan", infinities "inf" and "-inf".
 */
char *base_text_group_double (double value, int decimals);

G_END_DECLS
