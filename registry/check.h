/* SPDX-License-Identifier: MIT */
/*
 * Verifying a registry (`essc registry check`, and before every write):
 * first the history chain, as ESSC-STD AUDIT-6 walks it (and, given a head
 * published earlier, AUDIT-7), then a replay of every entry into empty
 * tables of a private in-memory database, compared row by row and column by
 * column with the state tables; then every stored report's and
 * certificate's bytes against the BLAKE2b-256 the history recorded for
 * them.  The first failure is reported in one line naming the entry, or the
 * table, row and column, and why.
 */
#pragma once

#include <glib.h>

#include "model/std/audit.h"
#include "registry/regdb.h"

G_BEGIN_DECLS

/* What a successful check saw.  All fields public. */
typedef struct {
  ModelAuditHead head;          /* the history's head */
  guint64 channels, reports, certificates, tokens;
} RegCheckSummary;

/*
 * Checks db.  expected (may be NULL): a head published earlier, which the
 * history must extend (AUDIT-7, not exact).  REG_ERROR_DAMAGED with the
 * first failure: "FILE: history entry K: WHY (code)" for the chain,
 * "FILE: table T, row R: WHY" for the state; summary (may be NULL) is
 * filled on success.
 */
gboolean reg_check (RegDb *db, const ModelAuditHead *expected, RegCheckSummary *summary,
                    GError **error);

G_END_DECLS
