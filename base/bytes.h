/* SPDX-License-Identifier: MIT */
/*
 * Bytes: big-endian 64-bit integers (every integer in a byte format is
 * big-endian) and 16-byte binary keys (ids, nonces) in GHashTables.
 * Pure functions: no state, no clock, no I/O.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* ---- big-endian integers ----------------------------------------------- */

void base_be64_put (guint8 out[8], guint64 v);
guint64 base_be64_get (const guint8 in[8]);
/* Appends the 8 bytes of v, big-endian, to b. */
void base_be64_append (GByteArray *b, guint64 v);
/* ---- 16-byte binary keys in a GHashTable -------------------------------- */

/*
 * GHashFunc and GEqualFunc for keys that point to 16 bytes (e-card ids, grant
 * ids, request nonces).  The hash is the first 4 bytes: the keys are random
 * or cryptographic hashes, so no mixing is needed.
 */
guint base_bytes16_hash (gconstpointer key);
gboolean base_bytes16_equal (gconstpointer a, gconstpointer b);

G_END_DECLS
