/* SPDX-License-Identifier: MIT */
/*
 * Hex, the text form of every binary value in essc's formats (e-card and
 * grant ids, key ids, order ids, hashes, seeds, signatures, adapter wire
 * bytes).  One case rule, the documents' (ESSC-STD ISS-8 and PAY-4,
 * docs/ADAPTER.md's value table, docs/CERTIFICATE.md): hex is lowercase.
 * The encoder writes 0-9 a-f and the decoder accepts only those, so a value
 * has exactly one text form; "AB" is refused as a bad digit, not read as
 * "ab".  The decoder says what is wrong and at which byte and leaves the
 * wording of the message to the caller.
 * Pure functions: no state, no clock, no I/O.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* ---- encoding ---------------------------------------------------------- */

/* Writes the 2 * len lowercase hex digits of data and a NUL into out
 * (2 * len + 1 bytes). */
void base_hex_encode (const guint8 *data, gsize len, char *out);
/* Returns: (transfer full) the 2 * len lowercase hex digits of data. */
char *base_hex_encode_dup (const guint8 *data, gsize len);

/* ---- decoding ---------------------------------------------------------- */

typedef enum {
  BASE_HEX_OK = 0,
  BASE_HEX_ODD_LENGTH,   /* an odd number of digits */
  BASE_HEX_BAD_DIGIT,    /* a byte that is not 0-9 or a-f (upper case included) */
} BaseHexFault;

/* The value 0..15 of a lowercase hex digit, or -1 for any other byte. */
int base_hex_digit (char c);
/*
 * Decodes the n bytes of hex (NUL is no digit) into n / 2 bytes at out, or
 * only checks them when out is NULL.  An odd n is ODD_LENGTH before any byte
 * is looked at; a BAD_DIGIT sets *at (may be NULL) to the offset, from 0, of
 * the first byte that is not a lowercase hex digit.  On a fault out is left
 * untouched.
 */
BaseHexFault base_hex_decode (const char *hex, gsize n, guint8 *out, gsize *at);

G_END_DECLS
