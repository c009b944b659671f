/* SPDX-License-Identifier: MIT */
/*
 * Where essc finds the data it ships: the data root, and in it two parts,
 * the scenarios (scenarios/ with their data files, scenarios/data/: the
 * data directory searched for a scenario's relative data path that is not
 * beside the scenario, model/rollout/datapath.h) and the conformance
 * suite's vector files.  A part is, in this order:
 *
 *   1. the directory given on the command line (--data-dir DIR for the
 *      scenarios, --vectors DIR for the vectors);
 *   2. when the running program lies in its build tree, that tree: a tree
 *      is the program's own folder or the folder above it (build/essc,
 *      build-mpi/essc, ./essc) holding both VERSION and
 *      scenarios/national-2019.ini; its parts are scenarios/ and
 *      conformance/vectors/;
 *   3. relative to the program: BINDIR/../share/essc when that folder
 *      exists (an install under any prefix or DESTDIR, moved or not);
 *   4. the installed root ESSC_DATAROOT compiled in from the Makefile
 *      ($(PREFIX)/share/essc, PREFIX /usr/local by default).
 * The parts of an installed root (3 and 4) are scenarios/ and vectors/.
 *
 * Only the command-line front and conformance/plan.c (the vectors' default)
 * call this; the program's path comes from /proc/self/exe.  The model takes
 * the directory as an argument.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define BASE_DATADIR_ERROR (base_datadir_error_quark ())
GQuark base_datadir_error_quark (void);

typedef enum {
  BASE_DATADIR_ERROR_NOT_DIR,  /* the directory given is not a directory */
} BaseDatadirError;

/* The parts of the data root. */
typedef enum {
  BASE_DATA_SCENARIOS = 0,     /* the scenarios and their data (--data-dir) */
  BASE_DATA_VECTORS,           /* the conformance suite's vectors (--vectors) */
} BaseDataPart;

/* Which rule gave the data root or a part of it. */
typedef enum {
  BASE_DATADIR_GIVEN = 0,      /* --data-dir or --vectors */
  BASE_DATADIR_BUILD_TREE,     /* the program's build tree */
  BASE_DATADIR_BESIDE_PROGRAM, /* BINDIR/../share/essc */
  BASE_DATADIR_INSTALLED,      /* ESSC_DATAROOT */
} BaseDatadirSource;

/* The installed data root compiled in (ESSC_DATAROOT), which need not
 * exist. */
const char *base_datadir_installed (void);

/*
 * The build tree of the program at exe_path: exe_path's folder, or the one
 * above it, when it holds VERSION and scenarios/national-2019.ini.
 * Returns: (transfer full) the tree, absolute, or NULL when exe_path lies
 * in no build tree.
 */
char *base_datadir_build_tree (const char *exe_path);

/*
 * The data root of the program at exe_path (rules 2 to 4 above): its build
 * tree, else exe_path's folder/../share/essc when that is a folder, else
 * base_datadir_installed ().  *source (may be NULL) tells which.
 * Returns: (transfer full) an absolute path.
 */
char *base_datadir_root_of (const char *exe_path, BaseDatadirSource *source);

/* The data root of the running program (/proc/self/exe; the installed one
 * when that cannot be read), as base_datadir_root_of.
 * Returns: (transfer full) */
char *base_datadir_root (BaseDatadirSource *source);

/* A part of a data root that rule source gave (BUILD_TREE: the tree's
 * scenarios/ or conformance/vectors; else ROOT/scenarios or ROOT/vectors).
 * Returns: (transfer full) */
char *base_datadir_part_of (const char *root, BaseDatadirSource source, BaseDataPart part);

/*
 * A part's directory: given (a directory, made absolute) when not NULL,
 * else that part of base_datadir_root () (which need not exist: what is
 * missing there is reported by whoever reads it).  *source (may be NULL)
 * tells which rule.  NULL with error (BASE_DATADIR_ERROR_NOT_DIR) when
 * given is not a directory.
 * Returns: (transfer full)
 */
char *base_datadir_find_part (BaseDataPart part, const char *given, BaseDatadirSource *source,
                              GError **error);

/* base_datadir_find_part for the scenarios: the data directory. */
char *base_datadir_find (const char *given, BaseDatadirSource *source, GError **error);

/* How a source reads in messages: "given", "the build tree", "relative to
 * the program", "installed". */
const char *base_datadir_source_name (BaseDatadirSource source);

/* The option that gives a part: "--data-dir", "--vectors". */
const char *base_datadir_part_option (BaseDataPart part);

G_END_DECLS
