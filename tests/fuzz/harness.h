/* SPDX-License-Identifier: MIT */
/*
 * What every libFuzzer harness of tests/fuzz/ shares (docs/PARSER-FUZZING.md):
 * the start-up (GLib's warnings and criticals made fatal, so an assertion
 * reachable from input is a finding; messages below a warning dropped), a
 * private temporary folder for parsers that read a file, and the input as
 * text.  A harness defines LLVMFuzzerTestOneInput only.
 */
#pragma once

#include <glib.h>
#include <stddef.h>
#include <stdint.h>

G_BEGIN_DECLS

int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

/* The source tree the harness reads data from: $ESSC_SRCDIR, else the tree
 * two folders above the harness binary (build-fuzz/fuzz/NAME).  A folder
 * without tests/fuzz/ is no source tree: the harness stops with a message
 * rather than fuzz without its data. */
const char *fuzz_srcdir (void);

/* The harness process's own temporary folder (removed at exit). */
const char *fuzz_tmpdir (void);

/* Writes size bytes of data to fuzz_tmpdir()/name (replacing the last
 * input's file of that name) and returns its path, owned by the harness
 * until the next call with the same name. */
const char *fuzz_file (const char *name, const uint8_t *data, size_t size);

/* Returns: (transfer full) data as a NUL-terminated string (any NUL inside
 * stays; the parser is given size as the length). */
char *fuzz_text (const uint8_t *data, size_t size);

/* Splits data at its first byte: *selector gets that byte and *rest the
 * remaining bytes (a harness over several related parsers picks one by it).
 * Returns FALSE for empty input. */
gboolean fuzz_select (const uint8_t **data, size_t *size, guint8 *selector);

G_END_DECLS
