/* SPDX-License-Identifier: MIT */
/*
 * The signed conformance report of one run (conformance/cert.h's
 * ConfReport, filled from a ConfRun): what `essc conform --sign KEY
 * --report FILE` writes and what the registry stores after `essc registry
 * test`.
 */
#pragma once

#include <glib.h>

#include "conformance/plan.h"
#include "conformance/profile.h"
#include "conformance/runner.h"
#include "model/std/keypair.h"

G_BEGIN_DECLS

/*
 * The report's bytes (canonical JSON and "\n") signed by key; *sig_text
 * gets the signature file's text (kind CONF_DOC_REPORT).  command is the
 * IUT as the runner reached it (a command line or a URL).
 * Returns: (transfer full), or NULL with a CONF_CERT_ERROR.
 */
char *conf_run_report (const ConfRun *run, const ConfPlan *plan, const char *command,
                       const char *role, const ConfProfile *profile, const ModelKeyPair *key,
                       gsize *len, char **sig_text, GError **error);

/* conf_run_report written to path and path.sig, each atomically. */
gboolean conf_run_report_write (const ConfRun *run, const ConfPlan *plan, const char *command,
                                const char *role, const ConfProfile *profile,
                                const ModelKeyPair *key, const char *path, GError **error);

G_END_DECLS
