/* SPDX-License-Identifier: MIT */
/*
 * The registry's SQLite file (schema "essc-registry/2", docs/REGISTRY.md;
 * a file of the older "essc-registry/1" opens and reads too, and is
 * upgraded by the first write that needs the new tables: reg_db_upgrade):
 * opening one and refusing anything else (a missing file, garbage, a
 * truncated or damaged file, another program's database, a table missing or
 * of another shape, another schema name) with REG_ERROR_INPUT naming the
 * file; the registry's rows as structs; transactions; and the one way a
 * change is written: reg_db_record appends a history entry (ESSC-STD
 * section 9, model/std/audit.h) and applies the same entry to the state
 * tables (registry/change.h), so the tables are by construction what a
 * replay of the history gives.  The life cycle's rules are not here
 * (registry/lifecycle.h); this module only stores.
 *
 * Errors are REG_ERROR with the codes below; the command maps each code to
 * its exit status.
 */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>
#include <sqlite3.h>

#include "model/std/audit.h"
#include "model/std/keypair.h"

G_BEGIN_DECLS

#define REG_ERROR (reg_error_quark ())
GQuark reg_error_quark (void);

typedef enum {
  REG_ERROR_INPUT = 1,   /* a file missing, unreadable, damaged or not a registry; a bad
                            value given (exit 2) */
  REG_ERROR_DAMAGED,     /* the history or the state tables do not verify (check: exit 1;
                            other commands refuse to go on: exit 2) */
  REG_ERROR_REFUSED,     /* the life cycle's rules refuse the operation (exit 1) */
  REG_ERROR_IUT,         /* the implementation could not be started (exit 2) */
  REG_ERROR_INTERNAL,    /* a write failed (exit 3) */
} RegErrorCode;

#define REG_SCHEMA "essc-registry/2"
/* The schema before API tokens and vendors (no tables token, channel_vendor). */
#define REG_SCHEMA_1 "essc-registry/1"
/* PRAGMA application_id of a registry: "ESRG". */
#define REG_APPLICATION_ID 0x45535247
#define REG_HASH_LEN 32   /* BLAKE2b-256, as hex in the tables */

/* ---- rows ----------------------------------------------------------------- */

/* The registry's own record (table meta).  All fields public. */
typedef struct {
  char *issuer_name;
  guint8 issuer_pk[MODEL_KEY_PAIR_PK_LEN];
  guint8 issuer_key_id[MODEL_KEY_ID_LEN];
} RegMeta;

/* A channel (table channel): ESSC-STD table 6.5's fields that apply, and
 * what the registry adds.  All fields public. */
typedef struct {
  char *id, *name, *klass;      /* klass: table 6.1 wire name */
  int tier;
  char *parent_id;              /* "" for tier 1 */
  guint8 public_key[MODEL_KEY_PAIR_PK_LEN];
  char *status;                 /* table 6.2 wire name */
  gint64 status_changed_at;
  char *role, *impl;            /* role under test; command line or URL */
  char *profile;                /* canonical JSON of the profile tested */
  gint64 applied_at;
  gint64 rectify_seq;           /* history seq of a rectification order not yet
                                   met (a later conformant report and a return to
                                   live), or -1 */
} RegChannel;

/* A stored conformance report (table report).  All fields public. */
typedef struct {
  gint64 id;
  char *channel_id;
  gint64 seq, tested_at;        /* its history entry and that entry's time */
  char *impl, *verdict;         /* verdict: "conformant" or "not conformant" */
  char *vectors_hash;           /* reg_vectors_hash of the suite it ran */
  char *blake2b;                /* hex of BLAKE2b-256 of bytes */
  GBytes *bytes;                /* the report (canonical JSON and "\n") */
  char *signature;              /* its signature file's text */
} RegReport;

/* A certificate (table certificate).  All fields public. */
typedef struct {
  guint64 serial;
  char *channel_id;
  gint64 report_id, issued_at, not_before, not_after;
  char *waivers;                /* canonical JSON: [{"reason":..,"test":..}] */
  char *blake2b;
  GBytes *bytes;
  char *signature;
  gboolean revoked;
  gint64 revoked_at;            /* when revoked */
  char *revoke_reason;          /* when revoked */
  guint64 superseded_by;        /* 0: not superseded */
} RegCertificate;

void reg_channel_free (RegChannel *c);
void reg_report_free (RegReport *r);
void reg_certificate_free (RegCertificate *c);

/* TRUE when c is the channel's certificate in force at now: not revoked, not
 * superseded, not_before <= now < not_after. */
gboolean reg_certificate_in_force (const RegCertificate *c, gint64 now);

/* ---- the file ------------------------------------------------------------- */

typedef struct _RegDb RegDb;

/*
 * Opens an existing registry (writable when write) and checks it is one:
 * an SQLite file that passes PRAGMA quick_check, of application_id
 * REG_APPLICATION_ID, with every table of the schema and its columns, meta's
 * schema REG_SCHEMA (or REG_SCHEMA_1, without the tables new in /2) and a
 * valid issuer key.  REG_ERROR_INPUT naming path
 * otherwise.  Returns: (transfer full).
 */
RegDb *reg_db_open (const char *path, gboolean write, GError **error);

/*
 * Creates a new registry at path (refused, REG_ERROR_INPUT, when path
 * exists): the tables and its first history entry, "registry.init", in one
 * atomic write (base_sqlite_write_atomic: a temporary file renamed into
 * place).
 */
gboolean reg_db_create (const char *path, const char *issuer_name,
                        const guint8 issuer_pk[MODEL_KEY_PAIR_PK_LEN], gint64 now,
                        const char *actor, GError **error);

void reg_db_close (RegDb *db);

const char *reg_db_path (const RegDb *db);
const RegMeta *reg_db_meta (const RegDb *db);
/* The connection (for registry/check.c's replay). */
sqlite3 *reg_db_handle (RegDb *db);
/* 1 (REG_SCHEMA_1) or 2 (REG_SCHEMA), as meta says. */
int reg_db_schema_version (const RegDb *db);

/* BEGIN IMMEDIATE (the write lock, waiting up to 10 s), COMMIT, ROLLBACK. */
gboolean reg_db_begin (RegDb *db, GError **error);
gboolean reg_db_commit (RegDb *db, GError **error);
void reg_db_rollback (RegDb *db);

/* ---- history -------------------------------------------------------------- */

/*
 * The history as stored, in position order, restored entry by entry
 * (model_audit_log_restore: seq and hashes as they are; only verification
 * judges them).  A row whose fields break AUDIT-2 is REG_ERROR_DAMAGED
 * naming its position.  Cached until the next reg_db_record.
 * Returns: (transfer none).
 */
const ModelAuditLog *reg_db_history (RegDb *db, GError **error);

/*
 * Appends the change (action, payload: a JSON object, written as canonical
 * JSON) to the history at now by actor, and applies it to the state tables
 * (reg_change_apply) with blob (the report's or certificate's bytes; may be
 * NULL).  Inside a transaction (reg_db_begin).  Errors: REG_ERROR_INPUT for
 * an actor or a time the history refuses (AUDIT-2, AUDIT-5), else
 * REG_ERROR_INTERNAL.  *seq (may be NULL) gets the new entry's seq.
 */
gboolean reg_db_record (RegDb *db, gint64 now, const char *actor, const char *action,
                        JsonNode *payload, GBytes *blob, guint64 *seq, GError **error);

/*
 * Inside a transaction: a registry of REG_SCHEMA_1 gets the entry
 * registry.upgrade {schema} (which creates the tables token and
 * channel_vendor and sets meta's schema to REG_SCHEMA); one of REG_SCHEMA
 * is left alone.  Called by every write that needs the new tables.
 */
gboolean reg_db_upgrade (RegDb *db, gint64 now, const char *actor, GError **error);

/* ---- reading the state tables --------------------------------------------- */

/* REG_ERROR_INPUT "no channel ID in FILE" when it is not registered. */
RegChannel *reg_db_channel (RegDb *db, const char *id, GError **error);
/* (transfer full) RegChannel*, by id. */
GPtrArray *reg_db_channels (RegDb *db, GError **error);
/* (transfer full) RegReport* of a channel (NULL: all), by id. */
GPtrArray *reg_db_reports (RegDb *db, const char *channel_id, GError **error);
/* (transfer full) RegCertificate* of a channel (NULL: all), by serial. */
GPtrArray *reg_db_certificates (RegDb *db, const char *channel_id, GError **error);
/* REG_ERROR_INPUT when there is no certificate of that serial. */
RegCertificate *reg_db_certificate (RegDb *db, guint64 serial, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RegDb, reg_db_close)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (RegChannel, reg_channel_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (RegReport, reg_report_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (RegCertificate, reg_certificate_free)

G_END_DECLS
