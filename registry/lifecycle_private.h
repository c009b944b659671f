/* SPDX-License-Identifier: MIT */
/*
 * What lifecycle.c and lifecycle_cert.c share, private to registry/: the
 * write pattern (open, BEGIN IMMEDIATE, verify; commit or roll back), the
 * issuer's key, status changes and revocations as history entries, and
 * the report that may found a certificate.
 */
#pragma once

#include "registry/lifecycle.h"

G_BEGIN_DECLS

void reg_priv_hash_hex (const void *data, gsize len, char out[2 * REG_HASH_LEN + 1]);
/* 1..REG_REASON_MAX bytes of UTF-8 without control characters, else INPUT. */
gboolean reg_priv_check_reason (const char *reason, GError **error);
/* Returns: (transfer full) "YYYY-MM-DDTHH:MM:SSZ". */
char *reg_priv_utc (gint64 t);
/* A payload node holding a new object (*obj, owned by the node). */
JsonNode *reg_priv_payload_new (JsonObject **obj);

/* Opens ctx->db_path for writing, begins, verifies (reg_check).
 * Returns: (transfer full). */
RegDb *reg_priv_begin_write (const RegCtx *ctx, GError **error);
/* Commits when ok, else rolls back.  Returns ok && the commit. */
gboolean reg_priv_end_write (RegDb *db, gboolean ok, GError **error);
/* The secret key at path; INPUT unless it is the registry's issuer key. */
ModelKeyPair *reg_priv_issuer_key (RegDb *db, const char *path, GError **error);

/* Records c's status change to `to` (ESSC-STD table 6.2, else REFUSED). */
gboolean reg_priv_set_status (RegDb *db, const RegCtx *ctx, RegChannel *c, const char *to,
                              const char *reason, GError **error);
gboolean reg_priv_record_revoke (RegDb *db, const RegCtx *ctx, const RegCertificate *cert,
                                 const char *reason, GError **error);

/*
 * The channel's latest report, if it may found a certificate: made after
 * any pending rectification order, conformant, verified with the
 * registry's key.  *report_out gets the parsed report.  REFUSED otherwise.
 */
RegReport *reg_priv_usable_report (RegDb *db, const RegChannel *c, JsonObject **report_out,
                                   GError **error);

G_END_DECLS
