/* SPDX-License-Identifier: MIT */
/*
 * Conformance runs as SQLite rows (`essc conform --db FILE`): one row per
 * run, per test and per operation's latency, appended in one transaction so
 * a database gathers the history of an implementation's runs and reports
 * are rebuilt from it.  A signed certificate written for the run (essc
 * conform --sign --cert) is stored with it, byte for byte, in the same
 * transaction.  The file is marked as essc's (application_id "ESSC"); a
 * database of another program is refused.
 */
#pragma once

#include <glib.h>

#include "conformance/plan.h"
#include "conformance/profile.h"
#include "conformance/runner.h"

G_BEGIN_DECLS

#define CONF_RESULTSDB_ERROR (conf_resultsdb_error_quark ())
GQuark conf_resultsdb_error_quark (void);

/* The certificate of a run, as written (docs/CERTIFICATE.md).  Borrowed. */
typedef struct {
  const char *certificate;  /* the bytes of CERT: canonical JSON and its "\n" */
  gsize certificate_len;
  const char *signature;    /* the text of CERT.sig (3 lines) */
  const char *public_key;   /* the signer's public key file's text, or NULL */
} ConfRunDbCertificate;

/* TRUE when a run may be appended to path: no file, or a database that is
 * essc's or new (application_id 0 and no table).  FALSE with error naming
 * the path otherwise; nothing is created or written.  essc conform asks
 * before the run. */
gboolean conf_resultsdb_may_append (const char *path, GError **error);

/* Appends run to the database at path (created if missing), with its
 * certificate when cert is not NULL.  *run_id (may be NULL) receives the
 * new run's id.  Errors name the path. */
gboolean conf_resultsdb_append (const char *path, const ConfRun *run, const ConfPlan *plan,
                            const char *command, const char *role,
                            const ConfProfile *profile, const ConfRunDbCertificate *cert,
                            gint64 *run_id, GError **error);

G_END_DECLS
