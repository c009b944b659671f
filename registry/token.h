/* SPDX-License-Identifier: MIT */
/*
 * API tokens of the certification service (essc serve, docs/SERVE.md), kept
 * in the registry's table token (schema essc-registry/2, docs/REGISTRY.md
 * section 7) and written only through history entries (token.issue,
 * token.revoke), so who issued or revoked which token is in the hash-chained
 * history.  A token's text is "essc_" + id (12 lowercase hex) + "_" +
 * secret (64 lowercase hex: 32 random bytes); only the BLAKE2b-256 of the
 * secret's 32 bytes is stored.  Authentication parses the text strictly,
 * looks the id up and compares the hashes in constant time (sodium_memcmp);
 * an unknown id is compared against a dummy hash, so the time taken does
 * not tell known ids from unknown ones.  Also here: the vendor owning a
 * channel (table channel_vendor), which the service uses to keep vendors
 * apart.
 */
#pragma once

#include <glib.h>

#include "registry/lifecycle.h"
#include "registry/regdb.h"

G_BEGIN_DECLS

#define REG_TOKEN_STAFF "staff"
#define REG_TOKEN_VENDOR "vendor"

#define REG_TOKEN_ID_HEX 12                  /* the id: 6 random bytes, in hex */
#define REG_TOKEN_SECRET_LEN 32              /* the secret's bytes */
/* "essc_" ID "_" SECRET: the length of a token's text. */
#define REG_TOKEN_TEXT_LEN (5 + REG_TOKEN_ID_HEX + 1 + 2 * REG_TOKEN_SECRET_LEN)
#define REG_TOKEN_LABEL_MAX 128              /* bytes of UTF-8, no control characters */

/* A token as stored (never its secret).  All fields public. */
typedef struct {
  char *id, *role, *subject, *label, *issued_by;
  gint64 issued_at;
  gint64 revoked_at;          /* 0: not revoked */
  char *revoke_reason;        /* NULL unless revoked */
} RegToken;

void reg_token_free (RegToken *t);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (RegToken, reg_token_free)

/* [a-z0-9][a-z0-9._-]{0,31}; REG_ERROR_INPUT naming `what` otherwise. */
gboolean reg_token_subject_valid (const char *subject, const char *what, GError **error);

/*
 * Issues a token (one history entry token.issue, by ctx->actor; a /1
 * registry is upgraded first, in the same transaction); *secret gets the
 * token's text (shown once, never stored; wipe it with sodium_memzero
 * before freeing); *out (may be NULL) the row.  role: REG_TOKEN_STAFF or
 * REG_TOKEN_VENDOR; label: 0..REG_TOKEN_LABEL_MAX bytes (NULL: "").
 */
gboolean reg_token_issue (const RegCtx *ctx, const char *role, const char *subject,
                          const char *label, char **secret, RegToken **out, GError **error);

/* Revokes (token.revoke); REFUSED when unknown or already revoked. */
gboolean reg_token_revoke (const RegCtx *ctx, const char *id, const char *reason,
                           GError **error);

/*
 * The token whose text is `text`, not revoked: else NULL with
 * REG_ERROR_REFUSED and "malformed token" (refused before any lookup),
 * "unknown token" (no such id, or a secret that does not match), or
 * "token ID was revoked" (the right secret of a revoked token).
 * Returns: (transfer full).
 */
RegToken *reg_token_authenticate (RegDb *db, const char *text, GError **error);

/* (transfer full) RegToken* by id; subject NULL: all.  Empty for a /1 registry. */
GPtrArray *reg_db_tokens (RegDb *db, const char *subject, GError **error);

/* (transfer full) "staff:NAME" or "vendor:ID". */
char *reg_token_actor (const RegToken *t);

/* The vendor owning the channel: (transfer full) its id, "" when none; NULL +
 * INPUT when no such channel. */
char *reg_db_channel_vendor (RegDb *db, const char *channel_id, GError **error);

G_END_DECLS
