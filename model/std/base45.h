/* SPDX-License-Identifier: MIT */
/*
 * Base45 (RFC 9285): the byte-to-text encoding that ESSC-STD uses to put a
 * dynamic QR token into a QR code's alphanumeric mode, as the EU digital
 * COVID certificate does.  Every two bytes become three characters of the
 * 45-character QR alphanumeric set, a last odd byte two.  Decoding is strict
 * (RFC 9285 section 4.2): a character outside the alphabet, a triple worth
 * more than 65535, a pair worth more than 255 or a length of 3k+1 is an
 * error, so each byte string has exactly one encoding.  Pure functions, no
 * state.
 */
#pragma once

#include <glib.h>

#include "model/std/stdcode.h"

G_BEGIN_DECLS

#define MODEL_BASE45_ERROR (model_base45_error_quark ())
GQuark model_base45_error_quark (void);

/* The 45 characters, in value order: "0".."9", "A".."Z", " $%*+-./:". */
#define MODEL_BASE45_ALPHABET "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"

/* Characters the encoding of len bytes has: 3 per pair, 2 for an odd byte. */
gsize model_base45_encoded_len (gsize len);

/*
 * Encodes len bytes of data (data may be NULL when len is 0).
 * Returns: (transfer full) a NUL-terminated string of
 * model_base45_encoded_len (len) characters; "" for no bytes.
 */
char *model_base45_encode (const guint8 *data, gsize len);

/*
 * Decodes len characters of text (len < 0: text is NUL-terminated).  On
 * failure returns NULL and sets error (MODEL_BASE45_ERROR,
 * MODEL_STD_MALFORMED) with a message naming the character position and
 * what was expected.  A NUL within len is an invalid character.
 * Returns: (transfer full) the bytes (empty GBytes for "").
 */
GBytes *model_base45_decode (const char *text, gssize len, GError **error);

G_END_DECLS
