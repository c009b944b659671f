/* SPDX-License-Identifier: MIT */
/*
 * The tamper-evident audit trail (ESSC-STD section 9, requirements AUDIT-n).
 * A ModelAuditLog is an append-only hash chain: entry n carries the BLAKE2b-256
 * hash of entry n-1 and its own hash over a canonical encoding of its fields,
 * so editing, removing, inserting or reordering any entry breaks the chain at
 * a position that model_audit_log_verify names.  Cutting entries off the tail
 * leaves a valid shorter chain; it is caught by verifying against a head
 * (entry count and last hash) published or signed with Ed25519 earlier.  No
 * clock, no I/O: entry times are passed in.
 */
#pragma once

#include <glib.h>

#include "model/std/stdcode.h"

G_BEGIN_DECLS

#define MODEL_AUDIT_ERROR (model_audit_error_quark ())
GQuark model_audit_error_quark (void);

#define MODEL_AUDIT_HASH_LEN 32         /* BLAKE2b-256 */
#define MODEL_AUDIT_ACTOR_MAX 64        /* bytes of UTF-8 */
#define MODEL_AUDIT_ACTION_MAX 64       /* bytes of ASCII */
#define MODEL_AUDIT_PAYLOAD_MAX 65536   /* bytes */
#define MODEL_AUDIT_SIG_LEN 64          /* Ed25519 signature */

/* One entry.  All fields public; the log owns the entries it returns. */
typedef struct {
  guint64 seq;                  /* position, from 0, consecutive */
  gint64 time;                  /* Unix seconds, >= 0, never decreasing */
  char *actor;                  /* UTF-8, 1..64 bytes, no control characters */
  char *action;                 /* ASCII 0x21..0x7e, 1..64 bytes */
  guint8 *payload;              /* payload_len bytes (NULL when 0) */
  gsize payload_len;            /* 0..65536 */
  guint8 prev_hash[MODEL_AUDIT_HASH_LEN]; /* hash of seq-1; zeros for seq 0 */
  guint8 hash[MODEL_AUDIT_HASH_LEN];      /* AUDIT-3 */
} ModelAuditEntry;

/* What a log commits to: its entry count and last hash (32 zero bytes when
 * the log is empty).  All fields public. */
typedef struct {
  guint64 count;
  guint8 hash[MODEL_AUDIT_HASH_LEN];
} ModelAuditHead;

/* A head signed with Ed25519 (AUDIT-9).  All fields public. */
typedef struct {
  ModelAuditHead head;
  gint64 signed_at;             /* Unix seconds */
  guint8 key_id[MODEL_KEY_ID_LEN];
  guint8 signature[MODEL_AUDIT_SIG_LEN];
} ModelAuditSignedHead;

typedef enum {
  MODEL_AUDIT_VERIFY_DEFAULT = 0,
  /* With an expected head: the log must end exactly at it (no entries after). */
  MODEL_AUDIT_VERIFY_EXACT_HEAD = 1 << 0,
} ModelAuditVerifyFlags;

typedef struct _ModelAuditLog ModelAuditLog;

typedef gboolean (*ModelAuditForeachFn) (const ModelAuditEntry *entry,
                                         gpointer user_data);

/* ---- new / free --------------------------------------------------------- */

/* Returns: (transfer full) an empty log. */
ModelAuditLog *model_audit_log_new (void);
void model_audit_log_free (ModelAuditLog *log);

/* ---- append / read ------------------------------------------------------ */

/*
 * Appends an entry at time now with the next seq, chained to the last entry.
 * Errors: MODEL_STD_MALFORMED naming the field (actor not UTF-8, control
 * character, empty or over 64 bytes; action not ASCII 0x21..0x7e, empty or
 * over 64 bytes; payload over 65536 bytes; now < 0), MODEL_STD_INVALID_STATE
 * (now before the last entry's time).
 * Returns: (transfer none) the new entry, owned by the log, or NULL.
 */
const ModelAuditEntry *model_audit_log_append (ModelAuditLog *log, gint64 now,
                                               const char *actor,
                                               const char *action,
                                               const guint8 *payload,
                                               gsize payload_len,
                                               GError **error);

guint64 model_audit_log_length (const ModelAuditLog *log);
/* Returns: (transfer none) (nullable) the entry at position index. */
const ModelAuditEntry *model_audit_log_entry (const ModelAuditLog *log,
                                              guint64 index);
/* The log's head as stored (not verified). */
void model_audit_log_head (const ModelAuditLog *log, ModelAuditHead *out);
/* Calls fn on every entry in order until it returns FALSE; FALSE if stopped. */
gboolean model_audit_log_foreach (const ModelAuditLog *log,
                                  ModelAuditForeachFn fn, gpointer user_data);

/* The entry hash of AUDIT-3 for e's fields (e->hash is not read). */
void model_audit_entry_hash (const ModelAuditEntry *e,
                             guint8 out[MODEL_AUDIT_HASH_LEN]);

/* ---- store -------------------------------------------------------------- */

/*
 * Appends a stored entry as it is (seq, hashes and time included, even when
 * wrong: model_audit_log_verify finds tampering).  The fields' syntax is
 * checked as in append (MODEL_STD_MALFORMED), nothing else.
 */
gboolean model_audit_log_restore (ModelAuditLog *log,
                                  const ModelAuditEntry *entry, GError **error);

/* ---- verification ------------------------------------------------------- */

/*
 * Walks the chain (AUDIT-6).  For each position i in order: seq must be i
 * (else MODEL_STD_MALFORMED), prev_hash the previous entry's hash or zeros
 * at 0 (else MODEL_STD_BAD_SIGNATURE), hash the recomputed hash (else
 * MODEL_STD_BAD_SIGNATURE), time not before the previous time (else
 * MODEL_STD_INVALID_STATE).  With expected non-NULL (AUDIT-7): the log must
 * hold at least expected->count entries (else MODEL_STD_NOT_FOUND, bad seq =
 * the log's length) and the entry at expected->count - 1 must have
 * expected->hash (else MODEL_STD_BAD_SIGNATURE); with
 * MODEL_AUDIT_VERIFY_EXACT_HEAD it must also hold no more (else
 * MODEL_STD_CONFLICT, bad seq = expected->count).  On failure sets *bad_seq
 * (may be NULL) to the first bad position and error to a message naming it.
 */
gboolean model_audit_log_verify (const ModelAuditLog *log,
                                 const ModelAuditHead *expected,
                                 ModelAuditVerifyFlags flags,
                                 guint64 *bad_seq, GError **error);

/* ---- signed heads ------------------------------------------------------- */

/*
 * Signs head at time signed_at with the Ed25519 secret key sk (64 bytes,
 * libsodium layout: seed then public key) over the message of AUDIT-9.
 */
void model_audit_head_sign (const ModelAuditHead *head, gint64 signed_at,
                            const guint8 sk[64], ModelAuditSignedHead *out);

/*
 * Verifies a signed head against the public key pk: MODEL_STD_UNKNOWN_KEY
 * when key_id is not pk's, MODEL_STD_BAD_SIGNATURE when the signature fails.
 */
gboolean model_audit_signed_head_verify (const ModelAuditSignedHead *signed_head,
                                         const guint8 pk[32], GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ModelAuditLog, model_audit_log_free)

G_END_DECLS
