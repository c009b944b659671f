/* SPDX-License-Identifier: MIT */
/*
 * The manifest of a vector set (docs/VECTORS.md, "Manifest"): manifest.json
 * beside the vector files names every file with its number of tests and the
 * BLAKE2b-256 of its bytes.  A run loads exactly the files it lists, so a
 * missing, extra or altered file is an error, never a smaller suite.
 * `essc vectors` writes the suite's; `essc vectors --manifest DIR` and
 * `essc fuzz` write one for a set of one's own.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define CONF_MANIFEST_FILE "manifest.json"
#define CONF_MANIFEST_SCHEMA "essc-vector-manifest/1"
#define CONF_MANIFEST_MAX_BYTES (1 << 20)

#define CONF_MANIFEST_ERROR (conf_manifest_error_quark ())
GQuark conf_manifest_error_quark (void);

/* One listed file. */
typedef struct {
  char *name;                   /* "qr.json": a plain name, never the manifest's */
  gint64 tests;                 /* its numberOfTests */
  char *blake2b;                /* 64 lowercase hex digits of its bytes' BLAKE2b-256 */
} ConfManifestEntry;

typedef struct {
  GPtrArray *entries;           /* ConfManifestEntry*, sorted by name, names unique */
  gint64 tests;                 /* the sum of the entries' */
} ConfManifest;

void conf_manifest_free (ConfManifest *m);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ConfManifest, conf_manifest_free)

/*
 * The manifest text for the n files names[i] with bytes texts[i] (each a
 * vector file whose top-level numberOfTests is read).  Returns: (transfer
 * full) pretty JSON ending in a newline, or NULL with error when a file is
 * not a vector file.
 */
char *conf_manifest_text (const char *const *names, const char *const *texts, const gsize *lens,
                          guint n, GError **error);

/*
 * Reads dir's manifest and checks that the *.json files of dir (but the
 * manifest) are exactly those it lists: a listed file missing, a file not
 * listed, or no manifest at all is an error naming the directory and the
 * file.  The hashes and counts are checked by the caller as it reads each
 * file (conf_manifest_entry).  Returns: (transfer full) or NULL with error.
 */
ConfManifest *conf_manifest_check_dir (const char *dir, GError **error);

/* The entry of name, or NULL. */
const ConfManifestEntry *conf_manifest_entry (const ConfManifest *m, const char *name);

/*
 * Writes dir/manifest.json for the *.json files in dir (each must be a
 * vector file), through a temporary file renamed into place.  Returns
 * FALSE with error.
 */
gboolean conf_manifest_write_dir (const char *dir, GError **error);

G_END_DECLS
