/* SPDX-License-Identifier: MIT */
/*
 * The registry's changes: the tables of schema "essc-registry/2" and the one
 * function that applies a history entry to them.  A registry of schema
 * "essc-registry/1" lacks the tables token and channel_vendor; the entry
 * registry.upgrade creates them and changes meta's schema, and the actions
 * that write them are refused before it.  Every write of the
 * registry is a history entry (action + canonical JSON payload,
 * docs/REGISTRY.md section 3) applied by reg_change_apply; a replay
 * (registry/check.h) applies the same entries to empty tables of an
 * attached in-memory database and compares.  So there is a single code path
 * from a change to the tables, and the state tables are what the history
 * says unless someone edited the file behind the registry's back.
 *
 * A payload holds no document bytes (a report or certificate would not fit
 * in an entry's 64 KiB): it holds their BLAKE2b-256, which the tables keep
 * beside the bytes (column blake2b); the check compares the hash of the
 * stored bytes with it.
 */
#pragma once

#include <glib.h>
#include <sqlite3.h>

#include "model/std/audit.h"

G_BEGIN_DECLS

/* The actions (history entry `action`). */
#define REG_ACTION_INIT "registry.init"
#define REG_ACTION_APPLY "channel.apply"
#define REG_ACTION_STATUS "channel.status"
#define REG_ACTION_RECTIFY "channel.rectify"
#define REG_ACTION_REPORT "report.add"
#define REG_ACTION_ISSUE "certificate.issue"
#define REG_ACTION_REVOKE "certificate.revoke"
#define REG_ACTION_UPGRADE "registry.upgrade"
#define REG_ACTION_TOKEN_ISSUE "token.issue"
#define REG_ACTION_TOKEN_REVOKE "token.revoke"
#define REG_ACTION_VENDOR "channel.vendor"

/* One state table, as the shape check and the comparison see it.  Static. */
typedef struct {
  const char *name;
  const char *key;                  /* its primary key column */
  const char *const *columns;       /* every column, in table order, NULL-terminated */
  const char *bytes_column;         /* the document bytes (not replayed), or NULL */
  gboolean v2;                      /* new in essc-registry/2 (absent from a /1 file) */
} RegTable;

/* The state tables (meta, channel, report, certificate, token,
 * channel_vendor), in dependency order; *n gets their number.  The history
 * table is reg_history_table. */
const RegTable *reg_change_tables (gsize *n);
extern const RegTable reg_history_table;

/* Creates the tables of essc-registry/2 (history included) in schema ("main", or an attached
 * database's name).  Errors name path. */
gboolean reg_change_create_tables (sqlite3 *db, const char *path, const char *schema,
                                   GError **error);

/*
 * Applies entry to schema's tables: parses its payload (canonical JSON of an
 * object with exactly the members of its action) and runs the action's
 * statements; blob is the document's bytes for report.add and
 * certificate.issue (NULL in a replay: an empty blob is stored).
 * REG_ERROR_DAMAGED naming the entry's seq when the action is unknown, the
 * payload is malformed or does not fit the tables (a row missing or already
 * there, a channel not in the status the change starts from); path names the
 * file in SQLite errors.
 */
gboolean reg_change_apply (sqlite3 *db, const char *path, const char *schema,
                           const ModelAuditEntry *entry, GBytes *blob, GError **error);

G_END_DECLS
