/* SPDX-License-Identifier: MIT */
/*
 * Where essc finds the data it ships (the scenarios of scenarios/ and their
 * data files, scenarios/data/): the data directory, searched for a
 * scenario's relative data path that is not beside the scenario
 * (model/rollout/datapath.h does the search; scenarios/README.md, "Where
 * data files are found").  It is, in this order:
 *
 *   1. the directory given (a command's --data-dir DIR);
 *   2. when the running program lies in its build tree, the tree's
 *      scenarios/: a tree is the program's own folder or the folder above it
 *      (build/essc, build-mpi/essc, ./essc) holding both VERSION and
 *      scenarios/national-2019.ini;
 *   3. the installed directory ESSC_DATADIR, compiled in from the Makefile
 *      ($(PREFIX)/share/essc/scenarios, PREFIX /usr/local by default).
 *
 * Only the command-line front calls this (through /proc/self/exe it reads
 * where the program is); the model takes the directory as an argument.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define BASE_DATADIR_ERROR (base_datadir_error_quark ())
GQuark base_datadir_error_quark (void);

typedef enum {
  BASE_DATADIR_ERROR_NOT_DIR,  /* the directory given is not a directory */
} BaseDatadirError;

/* Which rule gave the data directory. */
typedef enum {
  BASE_DATADIR_GIVEN = 0,      /* --data-dir */
  BASE_DATADIR_BUILD_TREE,     /* the program's build tree's scenarios/ */
  BASE_DATADIR_INSTALLED,      /* ESSC_DATADIR */
} BaseDatadirSource;

/* The installed data directory compiled in (ESSC_DATADIR). */
const char *base_datadir_installed (void);

/*
 * The build tree of the program at exe_path: exe_path's folder, or the one
 * above it, when it holds VERSION and scenarios/national-2019.ini.
 * Returns: (transfer full) that tree's scenarios/ folder, absolute, or NULL
 * when exe_path lies in no build tree.
 */
char *base_datadir_build_tree (const char *exe_path);

/*
 * The data directory: given (a directory, made absolute) when not NULL,
 * else the build tree's scenarios/ of the running program
 * (/proc/self/exe), else base_datadir_installed () (which need not exist:
 * a path not found there is reported with the places searched).  *source
 * (may be NULL) tells which.  NULL with error (BASE_DATADIR_ERROR_NOT_DIR)
 * when given is not a directory.
 * Returns: (transfer full)
 */
char *base_datadir_find (const char *given, BaseDatadirSource *source, GError **error);

/* How a source reads in messages: "--data-dir", "the build tree",
 * "installed". */
const char *base_datadir_source_name (BaseDatadirSource source);

G_END_DECLS
