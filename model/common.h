/* SPDX-License-Identifier: MIT */
/*
 * Small helpers the model/ modules share, so that each exists once: wire-name
 * tables (enum value <-> name), printf-style GErrors in a module's own domain,
 * the two text-field rules of ESSC-STD (UTF-8 text without control characters;
 * printable ASCII without space), big-endian 64-bit integers, and hashing of
 * 16-byte binary keys (e-card ids, grant ids, nonces) in GHashTables.  The
 * text checks say what is wrong and at which byte, and leave the wording of
 * the message to the module, whose messages are part of its interface.  Pure
 * functions: no state, no clock, no I/O, nothing allocated but a GError.
 */
#pragma once

#include <glib.h>

#include "model/stdcode.h"

G_BEGIN_DECLS

/* ---- wire names -------------------------------------------------------- */

/*
 * names[value], or fallback when value is outside 0..n-1 or names[value] is
 * NULL (tables of enums that start at 1 leave index 0 NULL).
 */
const char *model_name_of (const char *const *names, gsize n, int value,
                           const char *fallback);
/* The index i with names[i] equal to name, or -1 (also for a NULL name). */
int model_name_index (const char *const *names, gsize n, const char *name);

/*
 * Defines the two functions of an enum's wire names over a table indexed by
 * enum value, the way G_DEFINE_QUARK defines a quark function:
 *   const char *PREFIX_name (Type value): the name, or fallback;
 *   gboolean PREFIX_from_name (const char *name, Type *out): FALSE for an
 *     unknown or NULL name (out untouched).
 * The header declares them; table is an array (its size is taken).
 */
#define MODEL_DEFINE_NAMES(prefix, Type, table, fallback) \
  const char *prefix##_name (Type value) \
  { \
    return model_name_of ((table), G_N_ELEMENTS (table), (int) value, (fallback)); \
  } \
  gboolean prefix##_from_name (const char *name, Type *out) \
  { \
    g_return_val_if_fail (out != NULL, FALSE); \
    int index_ = model_name_index ((table), G_N_ELEMENTS (table), name); \
    if (index_ >= 0) \
      *out = (Type) index_; \
    return index_ >= 0; \
  }

/* ---- errors ------------------------------------------------------------ */

/*
 * Sets *error (may be NULL) in domain with code and the formatted message.
 * Returns FALSE, so a check can `return model_fail (...)`.  Modules wrap it
 * in a file-local `fail` macro that names their domain.
 */
gboolean model_fail (GError **error, GQuark domain, ModelStdCode code,
                     const char *fmt, ...) G_GNUC_PRINTF (4, 5);
/*
 * Moves inner (transfer full; freed) into *error in domain, keeping its code,
 * with the message prefix followed by inner's message.  Returns FALSE.
 */
gboolean model_fail_wrap (GError **error, GQuark domain, const char *prefix,
                          GError *inner);

/* ---- text fields ------------------------------------------------------- */

typedef enum {
  MODEL_TEXT_OK = 0,
  MODEL_TEXT_MISSING,     /* NULL */
  MODEL_TEXT_EMPTY,       /* 0 bytes */
  MODEL_TEXT_TOO_LONG,    /* more than max bytes */
  MODEL_TEXT_BAD_UTF8,    /* not UTF-8, or a NUL inside a counted field */
  MODEL_TEXT_CONTROL,     /* a control character U+0000..U+001F, U+007F..U+009F */
  MODEL_TEXT_BAD_BYTE,    /* a byte outside 0x21..0x7e (ASCII fields) */
} ModelTextFault;

/*
 * The UTF-8 text rule: 1..max bytes of valid UTF-8 without control
 * characters.  len < 0: s is NUL-terminated (at most max + 1 bytes are read);
 * len >= 0: s is len bytes that must not contain NUL.  Faults are reported in
 * the order MISSING, EMPTY, TOO_LONG, BAD_UTF8, CONTROL; for the last two *at
 * (may be NULL) gets the byte offset, from 0, of the first bad byte or of the
 * control character.
 */
ModelTextFault model_text_check_utf8 (const char *s, gssize len, gsize max,
                                      gsize *at);
/*
 * The ASCII rule: a NUL-terminated string of 1..max bytes, each 0x21..0x7e.
 * Scans in order, so a bad byte within the first max bytes is reported
 * before TOO_LONG; *at (may be NULL) gets the offset of a BAD_BYTE.
 */
ModelTextFault model_text_check_ascii (const char *s, gsize max, gsize *at);

/* ---- big-endian integers ----------------------------------------------- */

void model_be64_put (guint8 out[8], guint64 v);
guint64 model_be64_get (const guint8 in[8]);
/* Appends the 8 bytes of v, big-endian, to b. */
void model_be64_append (GByteArray *b, guint64 v);

/* ---- 16-byte binary keys in a GHashTable -------------------------------- */

/*
 * GHashFunc and GEqualFunc for keys that point to 16 bytes (e-card ids, grant
 * ids, request nonces).  The hash is the first 4 bytes: the keys are random
 * or cryptographic hashes, so no mixing is needed.
 */
guint model_bytes16_hash (gconstpointer key);
gboolean model_bytes16_equal (gconstpointer a, gconstpointer b);

G_END_DECLS
