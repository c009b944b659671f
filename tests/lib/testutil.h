/* SPDX-License-Identifier: MIT */
/*
 * Shared start-up for the GTest binaries: prints "TAP version 13" (Debian's
 * prove rejects version 14 and GLib prints no version line) and initialises
 * GTest.  Also small helpers the module tests share.
 */
#pragma once

#include <glib.h>

void essc_test_init (int *argc, char ***argv);

/* Fixed validation clock for tests: 2020-06-01T00:00:00Z. */
#define ESSC_TEST_NOW ((gint64) 1590969600)

/* Returns: (transfer full) a fresh directory from g_dir_make_tmp's
 * template tmpl; a failure aborts the test. */
char *essc_test_make_tmpdir (const char *tmpl);

/* Removes the files of a flat temporary directory, then the directory
 * (NULL: nothing); FALSE when something could not be removed. */
gboolean essc_test_remove_dir (const char *dir);
