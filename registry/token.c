/* SPDX-License-Identifier: MIT */
/*
 * API tokens and channel vendors (see token.h).  Issuing and revoking
 * follow the life cycle's write pattern (registry/lifecycle_private.h:
 * open, BEGIN IMMEDIATE, verify, record, commit), so a token exists only
 * as the history says.  Authentication is read-only and does not verify
 * the whole registry (the service calls it on every request); it parses
 * the text before touching the database, and spends the same work (one
 * lookup, one hash, one constant-time compare) whether or not the id is
 * known.  Secrets live in fixed buffers wiped before every return.
 */
#include "registry/token.h"

#include "base/error.h"
#include "base/hex.h"
#include "base/sqlite.h"
#include "base/text.h"
#include "registry/change.h"
#include "registry/lifecycle_private.h"

#include <sodium.h>
#include <string.h>

#define fail(error, code, ...) base_fail ((error), REG_ERROR, (code), __VA_ARGS__)
#define refuse(error, ...) base_fail ((error), REG_ERROR, REG_ERROR_REFUSED, __VA_ARGS__)

#define PREFIX "essc_"
#define PREFIX_LEN 5

void
reg_token_free (RegToken *t)
{
  if (t == NULL)
    return;
  g_free (t->id);
  g_free (t->role);
  g_free (t->subject);
  g_free (t->label);
  g_free (t->issued_by);
  g_free (t->revoke_reason);
  g_free (t);
}

gboolean
reg_token_subject_valid (const char *subject, const char *what, GError **error)
{
  gsize n = subject != NULL ? strnlen (subject, 33) : 0;
  gboolean ok = n >= 1 && n <= 32 && (g_ascii_islower (subject[0])
                                      || g_ascii_isdigit (subject[0]));
  for (gsize i = 1; ok && i < n; i++)
    ok = g_ascii_islower (subject[i]) || g_ascii_isdigit (subject[i]) || subject[i] == '.'
         || subject[i] == '_' || subject[i] == '-';
  if (ok)
    return TRUE;
  return fail (error, REG_ERROR_INPUT, "%s: expected 1..32 of a-z, 0-9, '.', '_', '-', "
               "starting with a letter or digit", what);
}

char *
reg_token_actor (const RegToken *t)
{
  return g_strdup_printf ("%s:%s", t->role, t->subject);
}

/* n lowercase hex digits at s into out (n / 2 bytes). */
static gboolean
lower_hex (const char *s, gsize n, guint8 *out)
{
  for (gsize i = 0; i < n; i++)
    if (!g_ascii_isdigit (s[i]) && !(s[i] >= 'a' && s[i] <= 'f'))
      return FALSE;
  return base_hex_decode (s, n, out, NULL) == BASE_HEX_OK;
}

/* ---- reading ------------------------------------------------------------------ */

#define TOKEN_SELECT "SELECT id, role, subject, label, issued_by, issued_at, revoked_at," \
  " revoke_reason, hash FROM token"

static char *
col_text (sqlite3_stmt *st, int i)
{
  const char *t = (const char *) sqlite3_column_text (st, i);
  return g_strdup (t != NULL ? t : "");
}

static RegToken *
token_row (sqlite3_stmt *st)
{
  RegToken *t = g_new0 (RegToken, 1);
  t->id = col_text (st, 0);
  t->role = col_text (st, 1);
  t->subject = col_text (st, 2);
  t->label = col_text (st, 3);
  t->issued_by = col_text (st, 4);
  t->issued_at = sqlite3_column_int64 (st, 5);
  t->revoked_at = sqlite3_column_int64 (st, 6);
  if (sqlite3_column_type (st, 7) != SQLITE_NULL)
    t->revoke_reason = col_text (st, 7);
  return t;
}

/* The tokens where `where` (binding param to ?1, NULL: none); with hash
 * (may be NULL) the stored hash of the first row, decoded (FALSE when it
 * is not 32 bytes of hex). */
static GPtrArray *
select_tokens (RegDb *db, const char *where, const char *param, guint8 hash[REG_HASH_LEN],
               gboolean *hash_ok, GError **error)
{
  g_autoptr (GPtrArray) out = g_ptr_array_new_with_free_func ((GDestroyNotify) reg_token_free);
  if (hash_ok != NULL)
    *hash_ok = FALSE;
  if (reg_db_schema_version (db) < 2)
    return g_steal_pointer (&out);
  BaseSqlite s = { reg_db_handle (db), reg_db_path (db), REG_ERROR, REG_ERROR_INPUT };
  g_autofree char *sql = g_strconcat (TOKEN_SELECT, where, " ORDER BY id", NULL);
  sqlite3_stmt *st = base_sqlite_prepare (&s, sql, "read the tokens", error);
  if (st == NULL)
    return NULL;
  if (param != NULL)
    sqlite3_bind_text (st, 1, param, -1, SQLITE_TRANSIENT);
  int rc;
  while ((rc = sqlite3_step (st)) == SQLITE_ROW)
    {
      if (out->len == 0 && hash != NULL)
        {
          const char *h = (const char *) sqlite3_column_text (st, 8);
          *hash_ok = h != NULL && strlen (h) == 2 * REG_HASH_LEN
                     && lower_hex (h, 2 * REG_HASH_LEN, hash);
        }
      g_ptr_array_add (out, token_row (st));
    }
  if (rc != SQLITE_DONE)
    {
      base_sqlite_fail_rc (&s, rc, REG_ERROR_INPUT, "read the tokens", error);
      sqlite3_finalize (st);
      return NULL;
    }
  sqlite3_finalize (st);
  return g_steal_pointer (&out);
}

GPtrArray *
reg_db_tokens (RegDb *db, const char *subject, GError **error)
{
  return select_tokens (db, subject != NULL ? " WHERE subject = ?1" : "", subject, NULL, NULL,
                        error);
}

char *
reg_db_channel_vendor (RegDb *db, const char *channel_id, GError **error)
{
  g_autoptr (RegChannel) c = reg_db_channel (db, channel_id, error);
  if (c == NULL)
    return NULL;
  if (reg_db_schema_version (db) < 2)
    return g_strdup ("");
  BaseSqlite s = { reg_db_handle (db), reg_db_path (db), REG_ERROR, REG_ERROR_INPUT };
  sqlite3_stmt *st = base_sqlite_prepare (&s, "SELECT vendor FROM channel_vendor"
                                          " WHERE channel_id = ?", "read the vendors", error);
  if (st == NULL)
    return NULL;
  sqlite3_bind_text (st, 1, channel_id, -1, SQLITE_TRANSIENT);
  int rc = sqlite3_step (st);
  char *vendor = NULL;
  if (rc == SQLITE_ROW)
    vendor = col_text (st, 0);
  else if (rc == SQLITE_DONE)
    vendor = g_strdup ("");
  else
    base_sqlite_fail_rc (&s, rc, REG_ERROR_INPUT, "read the vendors", error);
  sqlite3_finalize (st);
  return vendor;
}

/* ---- authenticating ------------------------------------------------------------- */

/* Splits a token's text into its id (13 bytes with the NUL) and secret;
 * FALSE unless it is exactly essc_ID_SECRET in lowercase hex. */
static gboolean
parse_text (const char *text, char id[REG_TOKEN_ID_HEX + 1], guint8 secret[REG_TOKEN_SECRET_LEN])
{
  if (text == NULL || strnlen (text, REG_TOKEN_TEXT_LEN + 1) != REG_TOKEN_TEXT_LEN
      || strncmp (text, PREFIX, PREFIX_LEN) != 0 || text[PREFIX_LEN + REG_TOKEN_ID_HEX] != '_')
    return FALSE;
  guint8 id_bytes[REG_TOKEN_ID_HEX / 2];
  if (!lower_hex (text + PREFIX_LEN, REG_TOKEN_ID_HEX, id_bytes)
      || !lower_hex (text + PREFIX_LEN + REG_TOKEN_ID_HEX + 1, 2 * REG_TOKEN_SECRET_LEN, secret))
    return FALSE;
  memcpy (id, text + PREFIX_LEN, REG_TOKEN_ID_HEX);
  id[REG_TOKEN_ID_HEX] = '\0';
  return TRUE;
}

RegToken *
reg_token_authenticate (RegDb *db, const char *text, GError **error)
{
  char id[REG_TOKEN_ID_HEX + 1];
  guint8 secret[REG_TOKEN_SECRET_LEN], hash[REG_HASH_LEN], stored[REG_HASH_LEN];
  /* What an unknown id is compared with (no secret hashes to it knowingly). */
  static const guint8 dummy[REG_HASH_LEN] = { 0 };

  if (!parse_text (text, id, secret))
    {
      sodium_memzero (secret, sizeof secret);
      refuse (error, "malformed token");
      return NULL;
    }
  gboolean hash_ok = FALSE;
  g_autoptr (GPtrArray) rows = select_tokens (db, " WHERE id = ?1", id, stored, &hash_ok, error);
  if (rows == NULL)
    {
      sodium_memzero (secret, sizeof secret);
      return NULL;
    }
  gboolean known = rows->len == 1 && hash_ok;
  if (!known)
    memcpy (stored, dummy, sizeof stored);
  crypto_generichash (hash, sizeof hash, secret, sizeof secret, NULL, 0);
  int differ = sodium_memcmp (hash, stored, sizeof hash);
  sodium_memzero (secret, sizeof secret);
  sodium_memzero (hash, sizeof hash);
  if (!known || differ != 0)
    {
      refuse (error, "unknown token");
      return NULL;
    }
  RegToken *t = g_ptr_array_steal_index (rows, 0);
  if (t->revoke_reason != NULL || t->revoked_at != 0)
    {
      refuse (error, "token %s was revoked", t->id);
      reg_token_free (t);
      return NULL;
    }
  return t;
}

/* ---- issuing and revoking -------------------------------------------------------- */

static gboolean
check_label (const char *label, GError **error)
{
  if (*label == '\0' || base_text_check_utf8 (label, -1, REG_TOKEN_LABEL_MAX, NULL) == BASE_TEXT_OK)
    return TRUE;
  return fail (error, REG_ERROR_INPUT, "label: expected 0..%d bytes of UTF-8 without control "
               "characters", REG_TOKEN_LABEL_MAX);
}

/* A fresh id not yet in the table. */
static gboolean
new_id (RegDb *db, char id[REG_TOKEN_ID_HEX + 1], GError **error)
{
  for (int tries = 0; tries < 16; tries++)
    {
      guint8 b[REG_TOKEN_ID_HEX / 2];
      randombytes_buf (b, sizeof b);
      base_hex_encode (b, sizeof b, id);
      g_autoptr (GPtrArray) rows = select_tokens (db, " WHERE id = ?1", id, NULL, NULL, error);
      if (rows == NULL)
        return FALSE;
      if (rows->len == 0)
        return TRUE;
    }
  return fail (error, REG_ERROR_INTERNAL, "%s: no free token id after 16 tries",
               reg_db_path (db));
}

gboolean
reg_token_issue (const RegCtx *ctx, const char *role, const char *subject, const char *label,
                 char **secret, RegToken **out, GError **error)
{
  g_return_val_if_fail (secret != NULL, FALSE);
  *secret = NULL;
  if (out != NULL)
    *out = NULL;
  if (label == NULL)
    label = "";
  if (role == NULL || (strcmp (role, REG_TOKEN_STAFF) != 0 && strcmp (role, REG_TOKEN_VENDOR) != 0))
    return fail (error, REG_ERROR_INPUT, "role: expected staff or vendor");
  if (!reg_token_subject_valid (subject, strcmp (role, REG_TOKEN_STAFF) == 0 ? "staff name"
                                                                              : "vendor id",
                                error)
      || !check_label (label, error))
    return FALSE;

  g_autoptr (RegDb) db = reg_priv_begin_write (ctx, error);
  if (db == NULL)
    return FALSE;
  char id[REG_TOKEN_ID_HEX + 1];
  gboolean ok = reg_db_upgrade (db, ctx->now, ctx->actor, error) && new_id (db, id, error);
  guint8 key[REG_TOKEN_SECRET_LEN];
  char key_hex[2 * REG_TOKEN_SECRET_LEN + 1];
  char hash_hex[2 * REG_HASH_LEN + 1];
  randombytes_buf (key, sizeof key);
  base_hex_encode (key, sizeof key, key_hex);
  reg_priv_hash_hex (key, sizeof key, hash_hex);
  sodium_memzero (key, sizeof key);
  if (ok)
    {
      JsonObject *p;
      g_autoptr (JsonNode) n = reg_priv_payload_new (&p);
      json_object_set_string_member (p, "id", id);
      json_object_set_string_member (p, "role", role);
      json_object_set_string_member (p, "subject", subject);
      json_object_set_string_member (p, "label", label);
      json_object_set_string_member (p, "hash", hash_hex);
      ok = reg_db_record (db, ctx->now, ctx->actor, REG_ACTION_TOKEN_ISSUE, n, NULL, NULL, error);
    }
  if (ok && out != NULL)
    {
      g_autoptr (GPtrArray) rows = select_tokens (db, " WHERE id = ?1", id, NULL, NULL, error);
      ok = rows != NULL && rows->len == 1;
      if (ok)
        *out = g_ptr_array_steal_index (rows, 0);
    }
  if (!reg_priv_end_write (db, ok, error))
    {
      sodium_memzero (key_hex, sizeof key_hex);
      if (out != NULL)
        g_clear_pointer (out, reg_token_free);
      return FALSE;
    }
  *secret = g_strconcat (PREFIX, id, "_", key_hex, NULL);
  sodium_memzero (key_hex, sizeof key_hex);
  return TRUE;
}

gboolean
reg_token_revoke (const RegCtx *ctx, const char *id, const char *reason, GError **error)
{
  if (!reg_priv_check_reason (reason, error))
    return FALSE;
  guint8 b[REG_TOKEN_ID_HEX / 2];
  if (id == NULL || strnlen (id, REG_TOKEN_ID_HEX + 1) != REG_TOKEN_ID_HEX
      || !lower_hex (id, REG_TOKEN_ID_HEX, b))
    return fail (error, REG_ERROR_INPUT, "token id: expected %d lowercase hex digits",
                 REG_TOKEN_ID_HEX);
  g_autoptr (RegDb) db = reg_priv_begin_write (ctx, error);
  if (db == NULL)
    return FALSE;
  g_autoptr (GPtrArray) rows = select_tokens (db, " WHERE id = ?1", id, NULL, NULL, error);
  gboolean ok = rows != NULL;
  if (ok && rows->len == 0)
    ok = refuse (error, "no token %s", id);
  if (ok && ((RegToken *) rows->pdata[0])->revoke_reason != NULL)
    ok = refuse (error, "token %s is already revoked", id);
  if (ok)
    {
      JsonObject *p;
      g_autoptr (JsonNode) n = reg_priv_payload_new (&p);
      json_object_set_string_member (p, "id", id);
      json_object_set_string_member (p, "reason", reason);
      ok = reg_db_record (db, ctx->now, ctx->actor, REG_ACTION_TOKEN_REVOKE, n, NULL, NULL, error);
    }
  return reg_priv_end_write (db, ok, error);
}
