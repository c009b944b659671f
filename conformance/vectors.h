/* SPDX-License-Identifier: MIT */
/*
 * The conformance vectors (docs/VECTORS.md, `essc-vectors/1`): generation of
 * every vector file of the suite from the reference implementation
 * (model/std/), and the comparison of generated files with those on disk.
 * Generation is deterministic: keys and nonces derive from fixed labels,
 * the clock is fixed, nothing depends on the date or the essc version, so
 * the same program always gives the same bytes.  Each generator
 * cross-checks every expectation it writes against model/std/, so a generator
 * bug fails generation instead of shipping a wrong vector.  Errors are
 * CONF_VECTORS_ERROR with ModelStdCode codes (INTERNAL for a generator
 * whose expectation model/std/ contradicts; MALFORMED / INTERNAL for I/O).
 */
#pragma once

#include <glib.h>

#include "model/std/stdcode.h"

G_BEGIN_DECLS

#define CONF_VECTORS_ERROR (conf_vectors_error_quark ())
GQuark conf_vectors_error_quark (void);

/* The validation clock of every file: 2020-06-01T00:00:00Z. */
#define CONF_VECTORS_CLOCK ((gint64) 1590969600)

/* One generated file.  All fields public. */
typedef struct {
  char *file;     /* "qr.json" */
  char *text;     /* the pretty JSON, final newline included */
} ConfVectorsFile;

void conf_vectors_file_free (ConfVectorsFile *f);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ConfVectorsFile, conf_vectors_file_free)

/*
 * Generates every file, in a fixed order, the last being the set's
 * manifest.json (manifest.h).  Returns: (transfer full) a
 * GPtrArray of ConfVectorsFile (freeing the array frees them), or NULL with
 * error.
 */
GPtrArray *conf_vectors_generate (GError **error);

/* Writes every file into dir (created if missing), the manifest last, so
 * that an interrupted write leaves a set that refuses to load.  FALSE with
 * error. */
gboolean conf_vectors_write (const char *dir, GError **error);

/*
 * Regenerates in memory and compares byte for byte with the files in dir.
 * Each differing or missing file is added to differing (transfer: the
 * array owns its strings) with a short reason, "qr.json: differs at byte
 * 1234".  Returns TRUE when the comparison ran (whatever it found); FALSE
 * with error when generation failed.
 */
gboolean conf_vectors_check (const char *dir, GPtrArray *differing, GError **error);

G_END_DECLS
