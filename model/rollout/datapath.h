/* SPDX-License-Identifier: MIT */
/*
 * Where a scenario's data file is found.  A data path of a scenario
 * ([population] cities, [adoption] access, [channels] catalogue and
 * profile.X, [targets] published, [latency] service_times, [calibration]
 * posterior) or a sweep's `scenario =` is taken as it is when absolute;
 * a relative one is looked for
 *
 *   1. beside the file that names it (relative to its folder), then
 *   2. in the data directory (relative to it), when there is one.
 *
 * The first place where something exists wins (a broken file there is
 * reported as such, never skipped for a later one).  The data directory is
 * an argument: the model reads no global state, so the same scenario and
 * the same directory give the same files whoever calls (the command-line
 * front finds the directory with base/datadir.h and passes it in).
 * Pure but for the existence checks (stat); no other I/O.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Where a data path was found. */
typedef enum {
  MODEL_DATAPATH_ABSOLUTE = 0,  /* written absolute: taken as it is (exists or not) */
  MODEL_DATAPATH_BESIDE,        /* relative to the folder of the file naming it */
  MODEL_DATAPATH_DATA_DIR,      /* relative to the data directory */
  MODEL_DATAPATH_MISSING,       /* relative and found nowhere */
} ModelDatapathWhere;

/*
 * Resolves value (a path as written) named by a file in base_dir, with
 * data_dir (may be NULL: none) searched second.  Returns: (transfer full)
 * the path taken; for MODEL_DATAPATH_MISSING the path beside (the first
 * place searched).  *where (may be NULL) says which; searched (may be
 * NULL) gets (transfer full) the places looked in, in order, as
 * "PATH (beside OWNER), PATH (data directory)", owner naming the file
 * that names the path ("the scenario", "the sweep file"); just the path
 * for an absolute one.
 */
char *model_datapath_resolve (const char *value, const char *base_dir, const char *data_dir,
                              const char *owner, ModelDatapathWhere *where, char **searched);

/* How each place reads in messages: "absolute path", "beside the
 * scenario", "data directory", "not found". */
const char *model_datapath_where_name (ModelDatapathWhere where);

G_END_DECLS
