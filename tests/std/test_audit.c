/* SPDX-License-Identifier: MIT */
/*
 * Tests of model/std/audit: the canonical entry hash against vectors computed
 * outside this code, the chain of a clean log, every kind of tampering
 * (edit of each field, removal, insertion, reordering) at the first, a middle
 * and the last position, tail truncation against a head, signed heads, and
 * malformed fields.  Tampered logs are built the way the store would load
 * them: entries copied out with foreach, changed, and restored.
 */
#include <sodium.h>
#include <string.h>

#include "model/std/audit.h"
#include "tests/lib/testutil.h"

#define N 24   /* entries in the logs the tamper tests start from */

/* ---- fixtures ----------------------------------------------------------- */

/* n entries, time advancing by step seconds per entry. */
static ModelAuditLog *
build_log_step (guint n, gint64 step)
{
  ModelAuditLog *log = model_audit_log_new ();
  static const char *const actors[] = {
    "platform:national", "channel:alipay", "渠道:支付宝", "city:110100",
  };
  static const char *const actions[] = {
    "card.issue", "qr.verify", "pay.settle", "consent.grant",
  };
  for (guint i = 0; i < n; i++)
    {
      guint8 payload[40];
      for (guint j = 0; j < sizeof payload; j++)
        payload[j] = (guint8) (i * 31 + j);
      g_autoptr (GError) err = NULL;
      const ModelAuditEntry *e = model_audit_log_append (
          log, ESSC_TEST_NOW + step * (gint64) i, actors[i % 4], actions[i % 4],
          payload, 1 + i % sizeof payload, &err);
      g_assert_no_error (err);
      g_assert_nonnull (e);
      g_assert_cmpuint (e->seq, ==, i);
    }
  return log;
}

static ModelAuditLog *
build_log (guint n)
{
  return build_log_step (n, 2);
}

static ModelAuditEntry *
entry_dup (const ModelAuditEntry *src)
{
  ModelAuditEntry *e = g_new (ModelAuditEntry, 1);
  *e = *src;
  e->actor = g_strdup (src->actor);
  e->action = g_strdup (src->action);
  e->payload = g_memdup2 (src->payload, src->payload_len);
  return e;
}

static void
entry_free (gpointer p)
{
  ModelAuditEntry *e = p;
  g_free (e->actor);
  g_free (e->action);
  g_free (e->payload);
  g_free (e);
}

static gboolean
collect (const ModelAuditEntry *e, gpointer user_data)
{
  g_ptr_array_add (user_data, entry_dup (e));
  return TRUE;
}

/* The log's entries as the store would hold them: private copies. */
static GPtrArray *
entries_of (const ModelAuditLog *log)
{
  GPtrArray *a = g_ptr_array_new_with_free_func (entry_free);
  g_assert_true (model_audit_log_foreach (log, collect, a));
  return a;
}

static ModelAuditLog *
restore_all (GPtrArray *entries)
{
  ModelAuditLog *log = model_audit_log_new ();
  for (guint i = 0; i < entries->len; i++)
    {
      g_autoptr (GError) err = NULL;
      g_assert_true (model_audit_log_restore (log, g_ptr_array_index (entries, i),
                                              &err));
      g_assert_no_error (err);
    }
  return log;
}

#define ENTRY(a, i) ((ModelAuditEntry *) g_ptr_array_index ((a), (i)))

/* Re-links entries from..end as a forger would: seq, prev_hash and hash all
 * recomputed, so only a head can tell. */
static void
rechain (GPtrArray *a, guint from)
{
  for (guint i = from; i < a->len; i++)
    {
      ModelAuditEntry *e = ENTRY (a, i);
      e->seq = i;
      if (i == 0)
        memset (e->prev_hash, 0, sizeof e->prev_hash);
      else
        memcpy (e->prev_hash, ENTRY (a, i - 1)->hash, sizeof e->prev_hash);
      model_audit_entry_hash (e, e->hash);
    }
}

/* Verifies entries (restored into a log) and asserts the outcome. */
static void
expect_bad (GPtrArray *entries, const ModelAuditHead *head,
            ModelAuditVerifyFlags flags, ModelStdCode code, guint64 at,
            const char *what)
{
  g_autoptr (ModelAuditLog) log = restore_all (entries);
  g_autoptr (GError) err = NULL;
  guint64 bad = G_MAXUINT64;
  if (model_audit_log_verify (log, head, flags, &bad, &err))
    g_error ("%s: tampering not detected", what);
  g_assert_error (err, MODEL_AUDIT_ERROR, (int) code);
  if (bad != at)
    g_error ("%s: bad seq %" G_GUINT64_FORMAT ", expected %" G_GUINT64_FORMAT
             " (%s)", what, bad, at, err->message);
  g_autofree char *where = g_strdup_printf ("entry %" G_GUINT64_FORMAT, at);
  g_assert_nonnull (strstr (err->message, where));
}

static void
expect_good (GPtrArray *entries, const ModelAuditHead *head,
             ModelAuditVerifyFlags flags)
{
  g_autoptr (ModelAuditLog) log = restore_all (entries);
  g_autoptr (GError) err = NULL;
  g_assert_true (model_audit_log_verify (log, head, flags, NULL, &err));
  g_assert_no_error (err);
}

static const guint positions[] = { 0, N / 2, N - 1 };

/* ---- the chain ---------------------------------------------------------- */

/* AUDIT-3, AUDIT-4: vectors computed with Python's hashlib.blake2b. */
static void
test_hash_vectors (void)
{
  g_autoptr (ModelAuditLog) log = model_audit_log_new ();
  static const guint8 payload[] = { 1, 2, 3 };
  g_autoptr (GError) err = NULL;
  const ModelAuditEntry *e0 = model_audit_log_append (
      log, ESSC_TEST_NOW, "platform:national", "card.issue", payload,
      sizeof payload, &err);
  const ModelAuditEntry *e1 = model_audit_log_append (
      log, ESSC_TEST_NOW + 5, "渠道:支付宝", "qr.verify", NULL, 0, &err);
  g_assert_no_error (err);
  char hex[2 * MODEL_AUDIT_HASH_LEN + 1];
  static const guint8 zeros[MODEL_AUDIT_HASH_LEN];
  g_assert_cmpmem (e0->prev_hash, MODEL_AUDIT_HASH_LEN, zeros, sizeof zeros);
  sodium_bin2hex (hex, sizeof hex, e0->hash, MODEL_AUDIT_HASH_LEN);
  g_assert_cmpstr (hex, ==, "992930b6ce93f4dda402a6f27bc972af"
                            "344ae14d341d688e8bfe084dcb50e0cc");
  g_assert_cmpmem (e1->prev_hash, MODEL_AUDIT_HASH_LEN, e0->hash,
                   MODEL_AUDIT_HASH_LEN);
  sodium_bin2hex (hex, sizeof hex, e1->hash, MODEL_AUDIT_HASH_LEN);
  g_assert_cmpstr (hex, ==, "7512003f917423f24db896f8b68769e0"
                            "8b3a4e6eb50ffa81860aca1c37cb0ab5");
  g_assert_cmpuint (e1->seq, ==, 1);
  g_assert_cmpuint (e1->payload_len, ==, 0);

  ModelAuditHead head;
  model_audit_log_head (log, &head);
  g_assert_cmpuint (head.count, ==, 2);
  g_assert_cmpmem (head.hash, sizeof head.hash, e1->hash, MODEL_AUDIT_HASH_LEN);
  g_assert_true (model_audit_log_entry (log, 1) == e1);
  g_assert_null (model_audit_log_entry (log, 2));
}

/* AUDIT-1, AUDIT-6 */
static void
test_clean_1000 (void)
{
  g_autoptr (ModelAuditLog) log = build_log (1000);
  g_autoptr (GError) err = NULL;
  ModelAuditHead head;
  model_audit_log_head (log, &head);
  g_assert_cmpuint (model_audit_log_length (log), ==, 1000);
  g_assert_true (model_audit_log_verify (log, NULL, 0, NULL, &err));
  g_assert_true (model_audit_log_verify (log, &head,
                                         MODEL_AUDIT_VERIFY_EXACT_HEAD, NULL,
                                         &err));
  g_assert_no_error (err);
  /* A restored copy is the same log, and verifies. */
  g_autoptr (GPtrArray) a = entries_of (log);
  g_autoptr (ModelAuditLog) copy = restore_all (a);
  ModelAuditHead head2;
  model_audit_log_head (copy, &head2);
  g_assert_cmpmem (&head, sizeof head, &head2, sizeof head2);
  g_assert_true (model_audit_log_verify (copy, &head, 0, NULL, &err));
  g_assert_no_error (err);
  /* It keeps growing from where it was. */
  const ModelAuditEntry *e = model_audit_log_append (
      copy, ESSC_TEST_NOW + 5000, "a", "b", NULL, 0, &err);
  g_assert_cmpuint (e->seq, ==, 1000);
  g_assert_true (model_audit_log_verify (copy, &head, 0, NULL, &err));
  g_assert_no_error (err);

  /* Empty log: head is zeros, and verifies. */
  g_autoptr (ModelAuditLog) empty = model_audit_log_new ();
  model_audit_log_head (empty, &head);
  g_assert_cmpuint (head.count, ==, 0);
  g_assert_true (model_audit_log_verify (empty, &head, 0, NULL, &err));
  g_assert_no_error (err);
  model_audit_log_free (NULL);
}

/* ---- tampering ---------------------------------------------------------- */

typedef enum {
  EDIT_TIME, EDIT_ACTOR, EDIT_ACTION, EDIT_PAYLOAD, EDIT_HASH, EDIT_PREV,
  EDIT_SEQ, N_EDITS
} Edit;

static const char *const edit_names[] = {
  "time", "actor", "action", "payload", "hash", "prev_hash", "seq",
};

static void
apply_edit (ModelAuditEntry *e, Edit what)
{
  switch (what)
    {
    case EDIT_TIME: e->time += 1; break;
    case EDIT_ACTOR: g_free (e->actor); e->actor = g_strdup ("intruder"); break;
    case EDIT_ACTION: g_free (e->action); e->action = g_strdup ("card.cancel"); break;
    case EDIT_PAYLOAD: e->payload[0] ^= 0x80; break;
    case EDIT_HASH: e->hash[31] ^= 1; break;
    case EDIT_PREV: e->prev_hash[0] ^= 1; break;
    case EDIT_SEQ: e->seq += 1; break;
    default: g_assert_not_reached ();
    }
}

/* AUDIT-6: an edit of any field of any entry is found at that entry. */
static void
test_tamper_edit (void)
{
  g_autoptr (ModelAuditLog) log = build_log (N);
  ModelAuditHead head;
  model_audit_log_head (log, &head);
  for (gsize p = 0; p < G_N_ELEMENTS (positions); p++)
    for (int w = 0; w < N_EDITS; w++)
      {
        guint k = positions[p];
        g_autoptr (GPtrArray) a = entries_of (log);
        g_autofree char *what = g_strdup_printf ("edit %s at %u",
                                                 edit_names[w], k);
        apply_edit (ENTRY (a, k), (Edit) w);
        expect_bad (a, NULL, 0,
                    w == EDIT_SEQ ? MODEL_STD_MALFORMED : MODEL_STD_BAD_SIGNATURE,
                    k, what);
        /* The same, with the entry's own hash recomputed by the forger:
         * the next entry's link breaks, or for the last one the head. */
        if (w == EDIT_HASH || w == EDIT_PREV || w == EDIT_SEQ)
          continue;
        model_audit_entry_hash (ENTRY (a, k), ENTRY (a, k)->hash);
        if (k + 1 < N)
          expect_bad (a, NULL, 0, MODEL_STD_BAD_SIGNATURE, k + 1, what);
        else
          {
            expect_good (a, NULL, 0);
            expect_bad (a, &head, 0, MODEL_STD_BAD_SIGNATURE, k, what);
          }
      }
}

/* AUDIT-6, AUDIT-7 */
static void
test_tamper_remove (void)
{
  g_autoptr (ModelAuditLog) log = build_log (N);
  ModelAuditHead head;
  model_audit_log_head (log, &head);
  for (gsize p = 0; p < G_N_ELEMENTS (positions); p++)
    {
      guint k = positions[p];
      g_autoptr (GPtrArray) a = entries_of (log);
      g_ptr_array_remove_index (a, k);
      if (k < N - 1)
        expect_bad (a, NULL, 0, MODEL_STD_MALFORMED, k, "remove");
      else    /* removing the last entry is a truncation: the head says so */
        {
          expect_good (a, NULL, 0);
          expect_bad (a, &head, 0, MODEL_STD_NOT_FOUND, k, "remove last");
        }
      /* Renumbered after the gap: the link breaks. */
      for (guint i = k; i < a->len; i++)
        ENTRY (a, i)->seq = i;
      if (k < N - 1)
        expect_bad (a, NULL, 0, MODEL_STD_BAD_SIGNATURE, k, "remove, renumber");
      /* Fully re-chained: only the head tells. */
      rechain (a, k);
      expect_good (a, NULL, 0);
      expect_bad (a, &head, 0, MODEL_STD_NOT_FOUND, N - 1, "remove, rechain");
    }
}

/* AUDIT-6, AUDIT-7: an inserted entry, even with a correct hash. */
static void
test_tamper_insert (void)
{
  g_autoptr (ModelAuditLog) log = build_log (N);
  ModelAuditHead head;
  model_audit_log_head (log, &head);
  for (gsize p = 0; p < G_N_ELEMENTS (positions); p++)
    {
      guint k = positions[p];   /* inserted before the entry at k */
      g_autoptr (GPtrArray) a = entries_of (log);
      ModelAuditEntry *fake = entry_dup (ENTRY (a, k));
      g_free (fake->actor);
      fake->actor = g_strdup ("forger");
      fake->seq = k;
      if (k == 0)
        memset (fake->prev_hash, 0, sizeof fake->prev_hash);
      else
        memcpy (fake->prev_hash, ENTRY (a, k - 1)->hash, sizeof fake->prev_hash);
      model_audit_entry_hash (fake, fake->hash);
      g_ptr_array_insert (a, (gint) k, fake);
      expect_bad (a, NULL, 0, MODEL_STD_MALFORMED, k + 1, "insert");
      for (guint i = k + 1; i < a->len; i++)
        ENTRY (a, i)->seq = i;
      expect_bad (a, NULL, 0, MODEL_STD_BAD_SIGNATURE, k + 1, "insert, renumber");
      rechain (a, k + 1);
      expect_good (a, NULL, 0);
      expect_bad (a, &head, 0, MODEL_STD_BAD_SIGNATURE, N - 1, "insert, rechain");
    }
  /* After the last entry a correct one looks like a real append; an exact
   * head is what rules it out. */
  g_autoptr (GPtrArray) a = entries_of (log);
  ModelAuditEntry *fake = entry_dup (ENTRY (a, N - 1));
  fake->seq = N;
  memcpy (fake->prev_hash, ENTRY (a, N - 1)->hash, sizeof fake->prev_hash);
  model_audit_entry_hash (fake, fake->hash);
  g_ptr_array_add (a, fake);
  expect_good (a, &head, 0);
  expect_bad (a, &head, MODEL_AUDIT_VERIFY_EXACT_HEAD, MODEL_STD_CONFLICT, N,
              "append after head");
}

/* AUDIT-6, AUDIT-7: two entries swapped. */
static void
test_tamper_swap (void)
{
  g_autoptr (ModelAuditLog) log = build_log (N);
  ModelAuditHead head;
  model_audit_log_head (log, &head);
  static const guint at[] = { 0, N / 2, N - 2 };
  for (gsize p = 0; p < G_N_ELEMENTS (at); p++)
    {
      guint k = at[p];
      g_autoptr (GPtrArray) a = entries_of (log);
      gpointer t = a->pdata[k];
      a->pdata[k] = a->pdata[k + 1];
      a->pdata[k + 1] = t;
      expect_bad (a, NULL, 0, MODEL_STD_MALFORMED, k, "swap");
      ENTRY (a, k)->seq = k;
      ENTRY (a, k + 1)->seq = k + 1;
      expect_bad (a, NULL, 0, MODEL_STD_BAD_SIGNATURE, k, "swap, renumber");
      /* Fully re-chained: the times now go backwards at k + 1. */
      rechain (a, k);
      expect_bad (a, NULL, 0, MODEL_STD_INVALID_STATE, k + 1, "swap, rechain");
    }
  /* Entries of the same second swapped and re-chained: only the head tells. */
  g_autoptr (ModelAuditLog) flat = build_log_step (N, 0);
  model_audit_log_head (flat, &head);
  for (gsize p = 0; p < G_N_ELEMENTS (at); p++)
    {
      guint k = at[p];
      g_autoptr (GPtrArray) a = entries_of (flat);
      gpointer t = a->pdata[k];
      a->pdata[k] = a->pdata[k + 1];
      a->pdata[k + 1] = t;
      rechain (a, k);
      expect_good (a, NULL, 0);
      expect_bad (a, &head, 0, MODEL_STD_BAD_SIGNATURE, N - 1,
                  "same-second swap, rechain");
    }
  /* Time going backwards is found even when the chain is re-linked. */
  g_autoptr (GPtrArray) a = entries_of (log);
  ENTRY (a, 5)->time = ENTRY (a, 4)->time - 1;
  rechain (a, 5);
  expect_bad (a, NULL, 0, MODEL_STD_INVALID_STATE, 5, "time backwards");
}

/* AUDIT-7: truncation at the tail needs an expected head. */
static void
test_truncation (void)
{
  g_autoptr (ModelAuditLog) log = build_log (N);
  ModelAuditHead head, early;
  model_audit_log_head (log, &head);
  g_autoptr (GPtrArray) a = entries_of (log);
  g_ptr_array_set_size (a, N - 3);
  expect_good (a, NULL, 0);
  expect_bad (a, &head, 0, MODEL_STD_NOT_FOUND, N - 3, "truncate 3");
  g_ptr_array_set_size (a, 0);
  expect_bad (a, &head, 0, MODEL_STD_NOT_FOUND, 0, "truncate all");

  /* An earlier head is a prefix of the full log. */
  g_autoptr (GPtrArray) b = entries_of (log);
  g_ptr_array_set_size (b, 10);
  g_autoptr (ModelAuditLog) prefix = restore_all (b);
  model_audit_log_head (prefix, &early);
  g_autoptr (GPtrArray) c = entries_of (log);
  expect_good (c, &early, 0);
  expect_bad (c, &early, MODEL_AUDIT_VERIFY_EXACT_HEAD, MODEL_STD_CONFLICT, 10,
              "longer than exact head");
  early.hash[0] ^= 1;
  expect_bad (c, &early, 0, MODEL_STD_BAD_SIGNATURE, 9, "wrong head hash");
}

/* AUDIT-9 */
static void
test_signed_head (void)
{
  guint8 seed[32], pk[32], sk[64], pk2[32], sk2[64];
  memset (seed, 7, sizeof seed);
  crypto_sign_seed_keypair (pk, sk, seed);
  memset (seed, 8, sizeof seed);
  crypto_sign_seed_keypair (pk2, sk2, seed);
  sodium_memzero (seed, sizeof seed);

  g_autoptr (ModelAuditLog) log = build_log (N);
  ModelAuditHead head;
  model_audit_log_head (log, &head);
  ModelAuditSignedHead sh;
  model_audit_head_sign (&head, ESSC_TEST_NOW + 100, sk, &sh);
  g_autoptr (GError) err = NULL;
  g_assert_true (model_audit_signed_head_verify (&sh, pk, &err));
  g_assert_no_error (err);
  guint8 kid[MODEL_KEY_ID_LEN];
  model_key_id (pk, 32, kid);
  g_assert_cmpmem (sh.key_id, sizeof sh.key_id, kid, sizeof kid);
  /* Same inputs, same bytes: Ed25519 is deterministic. */
  ModelAuditSignedHead again;
  model_audit_head_sign (&head, ESSC_TEST_NOW + 100, sk, &again);
  g_assert_cmpmem (&sh, sizeof sh, &again, sizeof again);

  ModelAuditSignedHead bad = sh;
  bad.head.count--;
  g_assert_false (model_audit_signed_head_verify (&bad, pk, &err));
  g_assert_error (err, MODEL_AUDIT_ERROR, MODEL_STD_BAD_SIGNATURE);
  g_clear_error (&err);
  bad = sh;
  bad.head.hash[3] ^= 4;
  g_assert_false (model_audit_signed_head_verify (&bad, pk, &err));
  g_assert_error (err, MODEL_AUDIT_ERROR, MODEL_STD_BAD_SIGNATURE);
  g_clear_error (&err);
  bad = sh;
  bad.signed_at++;
  g_assert_false (model_audit_signed_head_verify (&bad, pk, &err));
  g_assert_error (err, MODEL_AUDIT_ERROR, MODEL_STD_BAD_SIGNATURE);
  g_clear_error (&err);
  g_assert_false (model_audit_signed_head_verify (&sh, pk2, &err));
  g_assert_error (err, MODEL_AUDIT_ERROR, MODEL_STD_UNKNOWN_KEY);
  g_clear_error (&err);
  bad = sh;
  model_key_id (pk2, 32, bad.key_id);
  g_assert_false (model_audit_signed_head_verify (&bad, pk2, &err));
  g_assert_error (err, MODEL_AUDIT_ERROR, MODEL_STD_BAD_SIGNATURE);
  g_clear_error (&err);

  /* The signed head then finds a truncated copy. */
  g_autoptr (GPtrArray) a = entries_of (log);
  g_ptr_array_set_size (a, N - 1);
  expect_bad (a, &sh.head, 0, MODEL_STD_NOT_FOUND, N - 1, "signed head");
  sodium_memzero (sk, sizeof sk);
  sodium_memzero (sk2, sizeof sk2);
}

/* ---- malformed fields --------------------------------------------------- */

/* AUDIT-2, AUDIT-5, AUDIT-10 */
static void
test_malformed (void)
{
  g_autoptr (ModelAuditLog) log = model_audit_log_new ();
  g_autofree char *long_actor = g_strnfill (65, 'a');
  g_autofree char *max_actor = g_strnfill (64, 'a');
  g_autofree char *long_action = g_strnfill (65, 'x');
  GString *han = g_string_new (NULL);
  for (int i = 0; i < 21; i++)
    g_string_append (han, "中");            /* 63 bytes: fits */
  g_autofree char *han63 = g_strdup (han->str);
  g_string_append (han, "中");              /* 66 bytes: too long */
  g_autofree char *han66 = g_string_free (han, FALSE);
  static const struct {
    const char *actor, *action, *field;
  } bad[] = {
    { "\xc3\x28", "a", "actor" },            /* bad UTF-8 */
    { "ab\xc0\xaf", "a", "actor" },          /* overlong encoding */
    { "\xed\xa0\x80", "a", "actor" },        /* surrogate */
    { "a\x01" "b", "a", "actor" },           /* C0 control */
    { "a\xc2\x85", "a", "actor" },           /* C1 control (NEL) */
    { "", "a", "actor" },
    { NULL, "a", "actor" },
    { "a", "", "action" },
    { "a", NULL, "action" },
    { "a", "card issue", "action" },
    { "a", "caf\xc3\xa9", "action" },
    { "a", "tab\t", "action" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (GError) err = NULL;
      g_assert_null (model_audit_log_append (log, ESSC_TEST_NOW, bad[i].actor,
                                             bad[i].action, NULL, 0, &err));
      g_assert_error (err, MODEL_AUDIT_ERROR, MODEL_STD_MALFORMED);
      g_assert_true (g_str_has_prefix (err->message, bad[i].field));
    }
  g_autoptr (GError) err = NULL;
  g_assert_null (model_audit_log_append (log, ESSC_TEST_NOW, long_actor, "a",
                                         NULL, 0, &err));
  g_assert_error (err, MODEL_AUDIT_ERROR, MODEL_STD_MALFORMED);
  g_clear_error (&err);
  g_assert_null (model_audit_log_append (log, ESSC_TEST_NOW, han66, "a", NULL,
                                         0, &err));
  g_assert_error (err, MODEL_AUDIT_ERROR, MODEL_STD_MALFORMED);
  g_clear_error (&err);
  g_assert_null (model_audit_log_append (log, ESSC_TEST_NOW, "a", long_action,
                                         NULL, 0, &err));
  g_assert_error (err, MODEL_AUDIT_ERROR, MODEL_STD_MALFORMED);
  g_clear_error (&err);
  g_autofree guint8 *big = g_malloc0 (MODEL_AUDIT_PAYLOAD_MAX + 1);
  g_assert_null (model_audit_log_append (log, ESSC_TEST_NOW, "a", "b", big,
                                         MODEL_AUDIT_PAYLOAD_MAX + 1, &err));
  g_assert_error (err, MODEL_AUDIT_ERROR, MODEL_STD_MALFORMED);
  g_clear_error (&err);
  g_assert_null (model_audit_log_append (log, -1, "a", "b", NULL, 0, &err));
  g_assert_error (err, MODEL_AUDIT_ERROR, MODEL_STD_MALFORMED);
  g_clear_error (&err);
  g_assert_cmpuint (model_audit_log_length (log), ==, 0);

  /* The limits themselves are accepted. */
  g_assert_nonnull (model_audit_log_append (log, ESSC_TEST_NOW, max_actor,
                                            long_action + 1, big,
                                            MODEL_AUDIT_PAYLOAD_MAX, &err));
  g_assert_nonnull (model_audit_log_append (log, ESSC_TEST_NOW, han63, "x",
                                            NULL, 0, &err));
  g_assert_no_error (err);
  /* Time never goes backwards (AUDIT-5). */
  g_assert_null (model_audit_log_append (log, ESSC_TEST_NOW - 1, "a", "b",
                                         NULL, 0, &err));
  g_assert_error (err, MODEL_AUDIT_ERROR, MODEL_STD_INVALID_STATE);
  g_clear_error (&err);
  g_assert_cmpuint (model_audit_log_length (log), ==, 2);
  g_assert_true (model_audit_log_verify (log, NULL, 0, NULL, &err));

  /* Restore checks the same syntax (AUDIT-10). */
  ModelAuditEntry e = *model_audit_log_entry (log, 1);
  e.actor = (char *) "\xff";
  g_assert_false (model_audit_log_restore (log, &e, &err));
  g_assert_error (err, MODEL_AUDIT_ERROR, MODEL_STD_MALFORMED);
  g_clear_error (&err);
  e.actor = (char *) "ok";
  e.payload = NULL;
  e.payload_len = 5;
  g_assert_false (model_audit_log_restore (log, &e, &err));
  g_assert_error (err, MODEL_AUDIT_ERROR, MODEL_STD_MALFORMED);
  g_clear_error (&err);
  g_assert_cmpuint (model_audit_log_length (log), ==, 2);
}

int
main (int argc, char **argv)
{
  essc_test_init (&argc, &argv);
  g_test_add_func ("/audit/chain/hash-vectors", test_hash_vectors);
  g_test_add_func ("/audit/chain/clean-1000", test_clean_1000);
  g_test_add_func ("/audit/tamper/edit", test_tamper_edit);
  g_test_add_func ("/audit/tamper/remove", test_tamper_remove);
  g_test_add_func ("/audit/tamper/insert", test_tamper_insert);
  g_test_add_func ("/audit/tamper/swap", test_tamper_swap);
  g_test_add_func ("/audit/head/truncation", test_truncation);
  g_test_add_func ("/audit/head/signed", test_signed_head);
  g_test_add_func ("/audit/fields/malformed", test_malformed);
  return g_test_run ();
}
