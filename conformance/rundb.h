/* SPDX-License-Identifier: MIT */
/*
 * Conformance runs as SQLite rows (`essc conform --db FILE`): one row per
 * run, per test and per operation's latency, appended in one transaction so
 * a database gathers the history of an implementation's runs and reports
 * are rebuilt from it.  The file is marked as essc's (application_id
 * "ESSC"); a database of another program is refused.
 */
#pragma once

#include <glib.h>

#include "conformance/plan.h"
#include "conformance/profile.h"
#include "conformance/runner.h"

G_BEGIN_DECLS

#define CONF_RUNDB_ERROR (conf_rundb_error_quark ())
GQuark conf_rundb_error_quark (void);

/* Appends run to the database at path (created if missing).  *run_id (may
 * be NULL) receives the new run's id.  Errors name the path. */
gboolean conf_rundb_append (const char *path, const ConfRun *run, const ConfPlan *plan,
                            const char *command, const char *role,
                            const ConfProfile *profile, gint64 *run_id, GError **error);

G_END_DECLS
