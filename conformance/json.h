/* SPDX-License-Identifier: MIT */
/*
 * JSON helpers shared by the conformance test bed: parsing one untrusted
 * line into an object, typed member getters whose errors name the member
 * and what was expected, lowercase hex for binary values, one-line output
 * that keeps member order, and canonical JSON (sorted members, no blanks)
 * for signed reports.  Errors are CONF_JSON_ERROR with ModelStdCode codes
 * (MODEL_STD_MALFORMED for anything ill-formed).
 */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

#include "base/hex.h"
#include "model/std/stdcode.h"

G_BEGIN_DECLS

#define CONF_JSON_ERROR (conf_json_error_quark ())
GQuark conf_json_error_quark (void);

/* ---- hex -------------------------------------------------------------- */

/* Hex is base/hex.h's, lowercase only (docs/ADAPTER.md); base_hex_encode_dup
 * encodes.  Decodes lowercase hex of even length; an upper-case digit is
 * refused.  Returns: (transfer full) the bytes, or NULL with MALFORMED. */
GBytes *conf_hex_decode (const char *hex, GError **error);
/* Decodes hex of exactly len bytes into out; FALSE with MALFORMED otherwise. */
gboolean conf_hex_decode_fixed (const char *hex, guint8 *out, gsize len, GError **error);

/* ---- parsing ------------------------------------------------------------ */

/* Deepest nesting of arrays and objects a parsed line may have. */
#define CONF_JSON_MAX_DEPTH 64

/*
 * Parses len bytes (not NUL-terminated necessarily) as one JSON object:
 * valid UTF-8, no NUL, nested at most CONF_JSON_MAX_DEPTH deep, an object
 * at the top, only JSON's escapes in strings (a UTF-16 surrogate only as a
 * high-low pair), no number with a fraction or an exponent beyond the
 * range of a double.  An integer literal outside -2^63..2^63-1 is never wrapped
 * into range: it is held as a double beyond the range, so the integer
 * getters refuse it (docs/ADAPTER.md section 2).  Returns: (transfer full)
 * the object, or NULL with MALFORMED saying what was wrong.
 */
JsonObject *conf_json_parse_object (const char *text, gsize len, GError **error);

/* TRUE when a string of the JSON text escapes U+0000 (`\u0000`, member
 * names included): json-glib cuts the string there, so "A\u0000B" would
 * silently read as "A".  A request holding one is refused as malformed, a
 * response as a protocol error (docs/ADAPTER.md section 2). */
gboolean conf_json_escapes_nul (const char *text, gsize len);

/* Typed getters: FALSE with MALFORMED "member 'x': expected ..." when the
 * member is missing or of another type (an integer getter also refuses a
 * number with a fraction or an exponent, and one outside 64 bits).
 * Strings and objects are borrowed from obj. */
gboolean conf_json_get_string (JsonObject *obj, const char *member, const char **out,
                               GError **error);
gboolean conf_json_get_int (JsonObject *obj, const char *member, gint64 *out, GError **error);
gboolean conf_json_get_bool (JsonObject *obj, const char *member, gboolean *out,
                             GError **error);
gboolean conf_json_get_object (JsonObject *obj, const char *member, JsonObject **out,
                               GError **error);
gboolean conf_json_get_array (JsonObject *obj, const char *member, JsonArray **out,
                              GError **error);
/* A hex string member of exactly len bytes. */
gboolean conf_json_get_hex_fixed (JsonObject *obj, const char *member, guint8 *out, gsize len,
                                  GError **error);
/* A hex string member of any length: Returns (transfer full) or NULL. */
GBytes *conf_json_get_hex (JsonObject *obj, const char *member, GError **error);

/* ---- output ------------------------------------------------------------- */

/* Returns: (transfer full) node as one line of JSON (no newline), members in
 * insertion order. */
char *conf_json_to_line (JsonNode *node);
/* The member of the one-member object {"$integer": "DIGITS"} by which a
 * vector states an integer literal of any size (docs/VECTORS.md). */
#define CONF_JSON_LITERAL_INTEGER "$integer"
/* As conf_json_to_line, but every object {"$integer": "DIGITS"} (an
 * optional '-' and 1..4096 digits) is written as the number DIGITS, as it
 * is: how the runner sends an integer that no 64-bit JSON library holds.
 * Returns: (transfer full). */
char *conf_json_to_line_literal (JsonNode *node);
/* Returns: (transfer full) node pretty-printed with 2-space indent and a final
 * newline, members in insertion order (for vector files). */
char *conf_json_to_pretty (JsonNode *node);
/*
 * Canonical JSON of node: members sorted by their UTF-8 bytes, no
 * insignificant blanks, integers only (a double is an error), strings with
 * the minimal escapes of RFC 8785.  Returns: (transfer full) or NULL with
 * MALFORMED.
 */
char *conf_json_canonical (JsonNode *node, GError **error);

G_END_DECLS
