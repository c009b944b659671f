/* SPDX-License-Identifier: MIT */
/*
 * The audit trail's hash chain (ESSC-STD section 9).  Entries are kept in an
 * array in position order, each a private copy of its strings and payload.
 * Appending computes the entry hash with libsodium's streaming BLAKE2b over
 * the canonical encoding of AUDIT-3 (no buffer is built, so a 64 KiB payload
 * costs no copy beyond the entry's own); verification recomputes every hash
 * and link and stops at the first bad position.  Signed heads use Ed25519
 * (crypto_sign_detached) over a fixed 69-byte message.  Workload: thousands
 * to millions of entries; append is O(payload), verify O(total bytes).
 */
#include "model/std/audit.h"

#include <sodium.h>
#include <string.h>

#include "model/std/common.h"

G_DEFINE_QUARK (model-audit-error-quark, model_audit_error)

#define fail(error, code, ...) base_fail ((error), MODEL_AUDIT_ERROR, (code), __VA_ARGS__)

#define ENTRY_DOMAIN "ESSC-STD-AUDIT-1"       /* 16 bytes */
#define HEAD_DOMAIN "ESSC-STD-AUDIT-HEAD-1"   /* 21 bytes */
#define HEAD_MSG_LEN (21 + 8 + MODEL_AUDIT_HASH_LEN + 8)

struct _ModelAuditLog {
  GPtrArray *entries;   /* ModelAuditEntry*, owned */
};

static const guint8 zero_hash[MODEL_AUDIT_HASH_LEN];

static void
entry_free (gpointer p)
{
  ModelAuditEntry *e = p;
  if (e == NULL)
    return;
  g_free (e->actor);
  g_free (e->action);
  g_free (e->payload);
  g_free (e);
}

ModelAuditLog *
model_audit_log_new (void)
{
  ModelAuditLog *log = g_new0 (ModelAuditLog, 1);
  log->entries = g_ptr_array_new_with_free_func (entry_free);
  return log;
}

void
model_audit_log_free (ModelAuditLog *log)
{
  if (log == NULL)
    return;
  g_ptr_array_unref (log->entries);
  g_free (log);
}

/* ---- field checks (AUDIT-2) --------------------------------------------- */

static gboolean
check_actor (const char *actor, GError **error)
{
  gsize at = 0;
  switch (base_text_check_utf8 (actor, -1, MODEL_AUDIT_ACTOR_MAX, &at))
    {
    case BASE_TEXT_OK:
      return TRUE;
    case BASE_TEXT_TOO_LONG:
      return fail (error, MODEL_STD_MALFORMED, "actor: longer than %d bytes",
                   MODEL_AUDIT_ACTOR_MAX);
    case BASE_TEXT_BAD_UTF8:
      return fail (error, MODEL_STD_MALFORMED, "actor: invalid UTF-8 at byte %zu", at);
    case BASE_TEXT_CONTROL:
      return fail (error, MODEL_STD_MALFORMED, "actor: control character U+%04X at byte %zu",
                   g_utf8_get_char (actor + at), at);
    default:
      return fail (error, MODEL_STD_MALFORMED, "actor: empty, expected 1..64 bytes of UTF-8");
    }
}

static gboolean
check_action (const char *action, GError **error)
{
  gsize at = 0;
  switch (base_text_check_ascii (action, MODEL_AUDIT_ACTION_MAX, &at))
    {
    case BASE_TEXT_OK:
      return TRUE;
    case BASE_TEXT_TOO_LONG:
      return fail (error, MODEL_STD_MALFORMED, "action: longer than %d characters",
                   MODEL_AUDIT_ACTION_MAX);
    case BASE_TEXT_BAD_BYTE:
      return fail (error, MODEL_STD_MALFORMED,
                   "action: byte 0x%02x at offset %zu, expected ASCII 0x21..0x7e",
                   (guchar) action[at], at);
    default:
      return fail (error, MODEL_STD_MALFORMED,
                   "action: empty, expected 1..64 ASCII characters");
    }
}

static gboolean
check_fields (gint64 time, const char *actor, const char *action,
              const guint8 *payload, gsize payload_len, GError **error)
{
  if (time < 0)
    {
      g_set_error (error, MODEL_AUDIT_ERROR, MODEL_STD_MALFORMED,
                   "time: %" G_GINT64_FORMAT ", expected Unix seconds >= 0",
                   time);
      return FALSE;
    }
  if (!check_actor (actor, error) || !check_action (action, error))
    return FALSE;
  if (payload_len > MODEL_AUDIT_PAYLOAD_MAX || (payload == NULL && payload_len))
    {
      g_set_error (error, MODEL_AUDIT_ERROR, MODEL_STD_MALFORMED,
                   "payload: %zu bytes, expected at most %d", payload_len,
                   MODEL_AUDIT_PAYLOAD_MAX);
      return FALSE;
    }
  return TRUE;
}

/* ---- the entry hash (AUDIT-3) ------------------------------------------- */

void
model_audit_entry_hash (const ModelAuditEntry *e,
                        guint8 out[MODEL_AUDIT_HASH_LEN])
{
  g_return_if_fail (out != NULL);
  memset (out, 0, MODEL_AUDIT_HASH_LEN);
  g_return_if_fail (e != NULL && e->actor != NULL && e->action != NULL);
  crypto_generichash_state st;
  guint8 buf[8];
  gsize actor_len = strlen (e->actor), action_len = strlen (e->action);
  g_return_if_fail (actor_len <= 255 && action_len <= 255
                    && e->payload_len <= G_MAXUINT32);
  guint8 al = (guint8) actor_len, bl = (guint8) action_len;

  crypto_generichash_init (&st, NULL, 0, MODEL_AUDIT_HASH_LEN);
  crypto_generichash_update (&st, (const guint8 *) ENTRY_DOMAIN,
                             strlen (ENTRY_DOMAIN));
  base_be64_put (buf, e->seq);
  crypto_generichash_update (&st, buf, 8);
  base_be64_put (buf, (guint64) e->time);
  crypto_generichash_update (&st, buf, 8);
  crypto_generichash_update (&st, &al, 1);
  crypto_generichash_update (&st, (const guint8 *) e->actor, al);
  crypto_generichash_update (&st, &bl, 1);
  crypto_generichash_update (&st, (const guint8 *) e->action, bl);
  base_be64_put (buf, e->payload_len);
  crypto_generichash_update (&st, buf + 4, 4);
  if (e->payload_len > 0)
    crypto_generichash_update (&st, e->payload, e->payload_len);
  crypto_generichash_update (&st, e->prev_hash, MODEL_AUDIT_HASH_LEN);
  crypto_generichash_final (&st, out, MODEL_AUDIT_HASH_LEN);
}

/* ---- append / read ------------------------------------------------------ */

static const ModelAuditEntry *
last (const ModelAuditLog *log)
{
  return log->entries->len > 0
             ? g_ptr_array_index (log->entries, log->entries->len - 1)
             : NULL;
}

static ModelAuditEntry *
entry_copy (const ModelAuditEntry *src)
{
  ModelAuditEntry *e = g_new0 (ModelAuditEntry, 1);
  *e = *src;
  e->actor = g_strdup (src->actor);
  e->action = g_strdup (src->action);
  e->payload = src->payload_len > 0 ? g_memdup2 (src->payload, src->payload_len)
                                    : NULL;
  return e;
}

const ModelAuditEntry *
model_audit_log_append (ModelAuditLog *log, gint64 now, const char *actor,
                        const char *action, const guint8 *payload,
                        gsize payload_len, GError **error)
{
  g_return_val_if_fail (log != NULL, NULL);
  if (!check_fields (now, actor, action, payload, payload_len, error))
    return NULL;
  const ModelAuditEntry *prev = last (log);
  if (prev != NULL && now < prev->time)
    {
      g_set_error (error, MODEL_AUDIT_ERROR, MODEL_STD_INVALID_STATE,
                   "time: %" G_GINT64_FORMAT " is before entry %" G_GUINT64_FORMAT
                   " at %" G_GINT64_FORMAT, now, prev->seq, prev->time);
      return NULL;
    }
  ModelAuditEntry tmpl = {
    .seq = log->entries->len, .time = now, .actor = (char *) actor,
    .action = (char *) action, .payload = (guint8 *) payload,
    .payload_len = payload_len,
  };
  memcpy (tmpl.prev_hash, prev != NULL ? prev->hash : zero_hash,
          MODEL_AUDIT_HASH_LEN);
  model_audit_entry_hash (&tmpl, tmpl.hash);
  ModelAuditEntry *e = entry_copy (&tmpl);
  g_ptr_array_add (log->entries, e);
  return e;
}

guint64
model_audit_log_length (const ModelAuditLog *log)
{
  g_return_val_if_fail (log != NULL, 0);
  return log->entries->len;
}

const ModelAuditEntry *
model_audit_log_entry (const ModelAuditLog *log, guint64 index)
{
  g_return_val_if_fail (log != NULL, NULL);
  return index < log->entries->len ? g_ptr_array_index (log->entries, index)
                                   : NULL;
}

void
model_audit_log_head (const ModelAuditLog *log, ModelAuditHead *out)
{
  g_return_if_fail (log != NULL && out != NULL);
  const ModelAuditEntry *e = last (log);
  out->count = log->entries->len;
  memcpy (out->hash, e != NULL ? e->hash : zero_hash, MODEL_AUDIT_HASH_LEN);
}

gboolean
model_audit_log_foreach (const ModelAuditLog *log, ModelAuditForeachFn fn,
                         gpointer user_data)
{
  g_return_val_if_fail (log != NULL && fn != NULL, FALSE);
  for (guint i = 0; i < log->entries->len; i++)
    if (!fn (g_ptr_array_index (log->entries, i), user_data))
      return FALSE;
  return TRUE;
}

gboolean
model_audit_log_restore (ModelAuditLog *log, const ModelAuditEntry *entry,
                         GError **error)
{
  g_return_val_if_fail (log != NULL && entry != NULL, FALSE);
  if (!check_fields (entry->time, entry->actor, entry->action, entry->payload,
                     entry->payload_len, error))
    return FALSE;
  g_ptr_array_add (log->entries, entry_copy (entry));
  return TRUE;
}

/* ---- verification (AUDIT-6, AUDIT-7) ------------------------------------ */

static gboolean
fail_at (guint64 *bad_seq, guint64 at, GError **error, ModelStdCode code,
         const char *fmt, ...) G_GNUC_PRINTF (5, 6);

static gboolean
fail_at (guint64 *bad_seq, guint64 at, GError **error, ModelStdCode code,
         const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  g_autofree char *msg = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  if (bad_seq != NULL)
    *bad_seq = at;
  g_set_error (error, MODEL_AUDIT_ERROR, code, "audit entry %" G_GUINT64_FORMAT
               ": %s", at, msg);
  return FALSE;
}

gboolean
model_audit_log_verify (const ModelAuditLog *log, const ModelAuditHead *expected,
                        ModelAuditVerifyFlags flags, guint64 *bad_seq,
                        GError **error)
{
  g_return_val_if_fail (log != NULL, FALSE);
  const ModelAuditEntry *prev = NULL;
  for (guint i = 0; i < log->entries->len; i++)
    {
      const ModelAuditEntry *e = g_ptr_array_index (log->entries, i);
      guint8 h[MODEL_AUDIT_HASH_LEN];
      if (e->seq != i)
        return fail_at (bad_seq, i, error, MODEL_STD_MALFORMED,
                        "seq is %" G_GUINT64_FORMAT ", expected %u "
                        "(entry removed, inserted or moved)", e->seq, i);
      if (sodium_memcmp (e->prev_hash, prev != NULL ? prev->hash : zero_hash,
                         MODEL_AUDIT_HASH_LEN) != 0)
        return fail_at (bad_seq, i, error, MODEL_STD_BAD_SIGNATURE,
                        "prev_hash does not match the hash of %s",
                        prev != NULL ? "the entry before" : "the genesis (zeros)");
      model_audit_entry_hash (e, h);
      if (sodium_memcmp (h, e->hash, sizeof h) != 0)
        return fail_at (bad_seq, i, error, MODEL_STD_BAD_SIGNATURE,
                        "hash does not match its contents (entry edited)");
      if (prev != NULL && e->time < prev->time)
        return fail_at (bad_seq, i, error, MODEL_STD_INVALID_STATE,
                        "time %" G_GINT64_FORMAT " is before the previous "
                        "entry's %" G_GINT64_FORMAT, e->time, prev->time);
      prev = e;
    }
  if (expected == NULL)
    return TRUE;
  guint64 n = log->entries->len;
  if (n < expected->count)
    return fail_at (bad_seq, n, error, MODEL_STD_NOT_FOUND,
                    "missing: the log holds %" G_GUINT64_FORMAT " entries, the "
                    "expected head %" G_GUINT64_FORMAT " (truncated)", n,
                    expected->count);
  const guint8 *at = expected->count == 0
                         ? zero_hash
                         : ((const ModelAuditEntry *) g_ptr_array_index (
                                log->entries, expected->count - 1))->hash;
  if (sodium_memcmp (at, expected->hash, MODEL_AUDIT_HASH_LEN) != 0)
    return fail_at (bad_seq, expected->count == 0 ? 0 : expected->count - 1,
                    error, MODEL_STD_BAD_SIGNATURE,
                    "hash differs from the expected head's (log rewritten)");
  if ((flags & MODEL_AUDIT_VERIFY_EXACT_HEAD) && n > expected->count)
    return fail_at (bad_seq, expected->count, error, MODEL_STD_CONFLICT,
                    "beyond the expected head of %" G_GUINT64_FORMAT
                    " entries (log has %" G_GUINT64_FORMAT ")",
                    expected->count, n);
  return TRUE;
}

/* ---- signed heads (AUDIT-9) --------------------------------------------- */

static void
head_message (const ModelAuditHead *head, gint64 signed_at,
              guint8 msg[HEAD_MSG_LEN])
{
  memcpy (msg, HEAD_DOMAIN, 21);
  base_be64_put (msg + 21, head->count);
  memcpy (msg + 29, head->hash, MODEL_AUDIT_HASH_LEN);
  base_be64_put (msg + 29 + MODEL_AUDIT_HASH_LEN, (guint64) signed_at);
}

void
model_audit_head_sign (const ModelAuditHead *head, gint64 signed_at,
                       const guint8 sk[64], ModelAuditSignedHead *out)
{
  g_return_if_fail (head != NULL && sk != NULL && out != NULL);
  guint8 msg[HEAD_MSG_LEN];
  memset (out, 0, sizeof *out);
  out->head = *head;
  out->signed_at = signed_at;
  model_key_id (sk + 32, 32, out->key_id);
  head_message (head, signed_at, msg);
  crypto_sign_detached (out->signature, NULL, msg, sizeof msg, sk);
}

gboolean
model_audit_signed_head_verify (const ModelAuditSignedHead *sh,
                                const guint8 pk[32], GError **error)
{
  g_return_val_if_fail (sh != NULL && pk != NULL, FALSE);
  guint8 kid[MODEL_KEY_ID_LEN], msg[HEAD_MSG_LEN];
  model_key_id (pk, 32, kid);
  if (memcmp (kid, sh->key_id, sizeof kid) != 0)
    {
      g_set_error_literal (error, MODEL_AUDIT_ERROR, MODEL_STD_UNKNOWN_KEY,
                           "key_id: not the id of the given public key");
      return FALSE;
    }
  head_message (&sh->head, sh->signed_at, msg);
  if (crypto_sign_verify_detached (sh->signature, msg, sizeof msg, pk) != 0)
    {
      g_set_error_literal (error, MODEL_AUDIT_ERROR, MODEL_STD_BAD_SIGNATURE,
                           "signature: does not verify for this head");
      return FALSE;
    }
  return TRUE;
}
