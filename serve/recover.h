/* SPDX-License-Identifier: MIT */
/*
 * Recovering the reports of runs a stopped server left behind.  A worker
 * writes its results file, then stores its signed report in the registry,
 * then says so to the server, which commits the run.  When the server dies
 * between the second and the third step (kill -9, a crash, a power cut),
 * the report is in the registry but its run was left "running", which the
 * next open of the store turns into "interrupted" (serve/store.h).  At
 * start, serve_recover_reports finds such runs and finishes them with their
 * report, so that no finished result is lost.
 *
 * A run is matched to a report only when the match is certain: the run is
 * "interrupted" with no report, its folder holds the worker's results file
 * (written before the report was stored), and exactly one report of its
 * channel that no other run holds has the same verdict, the same start and
 * end times (seconds) and the same implementation as that file.  Anything
 * else (no file, no report, two candidates) leaves the run interrupted.
 * Running it again changes nothing.
 */
#pragma once

#include <glib.h>

#include "serve/store.h"

G_BEGIN_DECLS

/*
 * Finishes every interrupted run of store whose worker's report is in the
 * registry at registry_path (read only), from the files in runs_dir/ID/;
 * *adopted (may be NULL) gets their number.  FALSE with an error when the
 * registry cannot be read or the store cannot be written; a run that does
 * not match is not an error.
 */
gboolean serve_recover_reports (ServeStore *store, const char *registry_path,
                                const char *runs_dir, gint64 now, guint *adopted,
                                GError **error);

G_END_DECLS
