/* SPDX-License-Identifier: MIT */
/*
 * essc --version: the version, how this program was built (MPI, sanitizers,
 * compiler), the versions of the libraries it runs with, and the data it
 * would use (base/datadir.h: the data root, why, and its two parts).  One
 * "key: value" per line after the first ("essc VERSION"); keys and their
 * order are fixed, so scripts may read them (README.md, "Install").
 */
#include "cli/version.h"

#include "base/datadir.h"
#include "sim/mpi.h"

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>

/* The sanitizers the Makefile built with (-fsanitize=...), else what the
 * compiler says of itself. */
#ifndef ESSC_SANITIZERS
#if defined(__SANITIZE_ADDRESS__)
#define ESSC_SANITIZERS "address"
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define ESSC_SANITIZERS "address"
#endif
#endif
#endif
#ifndef ESSC_SANITIZERS
#define ESSC_SANITIZERS ""
#endif

#if defined(__clang__)
#define COMPILER "clang " __clang_version__
#elif defined(__GNUC__)
#define COMPILER "gcc " __VERSION__
#else
#define COMPILER "unknown"
#endif

/* "RUNTIME", or "RUNTIME (built with BUILT)" when the two differ. */
static void
library (const char *name, const char *runtime, const char *built)
{
  if (built == NULL || g_strcmp0 (runtime, built) == 0)
    printf ("%s: %s\n", name, runtime);
  else
    printf ("%s: %s (built with %s)\n", name, runtime, built);
}

void
essc_cli_print_version (void)
{
  printf ("essc %s\n", ESSC_VERSION);

  g_autofree char *mpi = sim_mpi_library_version ();
  if (mpi != NULL)
    printf ("mpi: yes (%s)\n", mpi);
  else
    printf ("mpi: no\n");
  printf ("sanitizers: %s\n", *ESSC_SANITIZERS ? ESSC_SANITIZERS : "none");
  printf ("compiler: %s\n", COMPILER);

  g_autofree char *glib_run = g_strdup_printf ("%u.%u.%u", glib_major_version,
                                               glib_minor_version, glib_micro_version);
  g_autofree char *glib_built = g_strdup_printf ("%d.%d.%d", GLIB_MAJOR_VERSION,
                                                 GLIB_MINOR_VERSION, GLIB_MICRO_VERSION);
  library ("glib", glib_run, glib_built);
  library ("libsodium", sodium_version_string (), SODIUM_VERSION_STRING);
  library ("sqlite", sqlite3_libversion (), SQLITE_VERSION);
  /* json-glib has no run-time version call: the headers' is the one built with. */
  g_autofree char *json = g_strdup_printf ("%d.%d.%d", JSON_MAJOR_VERSION, JSON_MINOR_VERSION,
                                           JSON_MICRO_VERSION);
  library ("json-glib", json, NULL);
  g_autofree char *soup_run = g_strdup_printf ("%u.%u.%u", soup_get_major_version (),
                                               soup_get_minor_version (),
                                               soup_get_micro_version ());
  g_autofree char *soup_built = g_strdup_printf ("%d.%d.%d", SOUP_MAJOR_VERSION,
                                                 SOUP_MINOR_VERSION, SOUP_MICRO_VERSION);
  library ("libsoup", soup_run, soup_built);

  BaseDatadirSource source;
  g_autofree char *root = base_datadir_root (&source);
  g_autofree char *scenarios = base_datadir_part_of (root, source, BASE_DATA_SCENARIOS);
  g_autofree char *vectors = base_datadir_part_of (root, source, BASE_DATA_VECTORS);
  const char *why = source == BASE_DATADIR_BUILD_TREE          ? "the build tree"
                    : source == BASE_DATADIR_BESIDE_PROGRAM    ? "relative to the program"
                    : g_file_test (root, G_FILE_TEST_IS_DIR) ? "installed"
                                                               : "installed, missing";
  printf ("data: %s (%s)\n", root, why);
  printf ("scenarios: %s\n", scenarios);
  printf ("vectors: %s\n", vectors);
}
