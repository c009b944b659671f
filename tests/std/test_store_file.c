/* SPDX-License-Identifier: MIT */
/*
 * Tests of model/std/store.c's file: it identifies itself (application id,
 * schema version, WAL, STRICT tables) and refuses foreign, newer, damaged,
 * truncated and random files, while an empty file opens as a new store;
 * tampering in the database loads as it is and is found by reconcile and
 * verify, or is refused at load naming table, key and field.  Every test
 * works in its own temporary directory (store_fixture.h) and tampers with
 * the database through a separate SQLite connection, as an intruder would.
 */
#include <glib/gstdio.h>
#include <sodium.h>
#include <sqlite3.h>
#include <string.h>

#include "model/std/id.h"
#include "model/std/store.h"
#include "tests/lib/store_fixture.h"
#include "tests/lib/testutil.h"

/* ---- the file ----------------------------------------------------------- */

/* STORE-5, STORE-8 */
static void
test_schema (void)
{
  g_autoptr (FxStoreTmpDir) t = fx_store_tmpdir_new ();
  g_autofree char *a = fx_store_tmp_path (t, "a.db");
  g_assert_cmpint (model_store_schema_version (), ==, 1);
  g_assert_cmpstr (g_quark_to_string (MODEL_STORE_ERROR), ==, "model-store-error-quark");
  g_autoptr (ModelStore) s = fx_store_open_ok (a);
  g_assert_cmpstr (model_store_path (s), ==, a);
  g_autofree char *version = fx_store_sql_text (a, "PRAGMA user_version");
  g_autofree char *app = fx_store_sql_text (a, "PRAGMA application_id");
  g_autofree char *mode = fx_store_sql_text (a, "PRAGMA journal_mode");
  g_autofree char *strict = fx_store_sql_text (a, "SELECT count(*) FROM sqlite_schema WHERE "
                                         "type = 'table' AND sql LIKE '%) STRICT'");
  g_assert_cmpstr (version, ==, "1");
  g_assert_cmpstr (app, ==, "1163088707"); /* 0x45535343, "ESSC" */
  g_assert_cmpstr (mode, ==, "wal");
  g_assert_cmpstr (strict, ==, "11");
  /* Opening again finds the same schema; an empty database saves and loads. */
  model_store_close (g_steal_pointer (&s));
  g_autoptr (FxStoreWorld) empty = fx_store_world_new ();
  fx_store_save_ok (a, empty);
  g_autoptr (FxStoreWorld) back = fx_store_load_ok (a);
  g_assert_cmpuint (model_audit_log_length (back->audit), ==, 0);
  model_store_close (NULL);
}

static void
write_file (const char *path, const void *data, gsize len)
{
  g_autoptr (GError) error = NULL;
  g_assert_true (g_file_set_contents (path, data, (gssize) len, &error));
  g_assert_no_error (error);
}

static void
open_fails (const char *path, ModelStdCode code, const char *what)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ModelStore) s = model_store_open (path, &error);
  g_assert_null (s);
  g_assert_error (error, MODEL_STORE_ERROR, (int) code);
  g_assert_true (g_str_has_prefix (error->message, path));
  if (strstr (error->message, what) == NULL)
    g_error ("'%s' lacks '%s'", error->message, what);
}

/* STORE-5 */
static void
test_refused_files (void)
{
  g_autoptr (FxStoreTmpDir) t = fx_store_tmpdir_new ();
  g_autofree char *newer = fx_store_tmp_path (t, "newer.db");
  g_autofree char *older = fx_store_tmp_path (t, "older.db");
  g_autofree char *foreign = fx_store_tmp_path (t, "foreign.db");
  g_autofree char *random = fx_store_tmp_path (t, "random.db");
  g_autofree char *tiny = fx_store_tmp_path (t, "tiny.db");
  g_autofree char *lacking = fx_store_tmp_path (t, "lacking.db");
  g_autofree char *missing = g_build_filename (t, "no-such-dir", "x.db", NULL);
  model_store_close (fx_store_open_ok (newer));
  fx_store_sql_run (newer, "PRAGMA user_version = 2");
  open_fails (newer, MODEL_STD_MALFORMED,
              "written by a newer essc (schema 2, this one "
              "reads 1)");
  model_store_close (fx_store_open_ok (older));
  fx_store_sql_run (older, "PRAGMA user_version = 0");
  open_fails (older, MODEL_STD_MALFORMED, "unknown essc schema 0");
  fx_store_sql_run (foreign, "CREATE TABLE songs (title TEXT)");
  open_fails (foreign, MODEL_STD_MALFORMED,
              "not an essc database (application_id "
              "0x00000000, expected 0x45535343)");
  g_autofree char *mode = fx_store_sql_text (foreign, "PRAGMA journal_mode");
  g_assert_cmpstr (mode, ==, "delete"); /* untouched: not switched to WAL */
  fx_store_sql_run (foreign, "PRAGMA application_id = 1234");
  open_fails (foreign, MODEL_STD_MALFORMED, "application_id 0x000004d2");
  guint8 noise[8192];
  randombytes_buf (noise, sizeof noise);
  write_file (random, noise, sizeof noise);
  open_fails (random, MODEL_STD_MALFORMED, "not an SQLite database");
  g_autofree char *kept = NULL;
  gsize kept_len = 0;
  g_assert_true (g_file_get_contents (random, &kept, &kept_len, NULL));
  g_assert_cmpmem (kept, kept_len, noise, sizeof noise); /* a refusal changes nothing */
  write_file (tiny, noise, 50);
  open_fails (tiny, MODEL_STD_MALFORMED, "not an SQLite database");
  model_store_close (fx_store_open_ok (lacking));
  fx_store_sql_run (lacking, "DROP TABLE posting");
  open_fails (lacking, MODEL_STD_MALFORMED, "table posting is missing");
  open_fails (missing, MODEL_STD_INTERNAL, "cannot open");
}

/* An empty file is an empty SQLite database: opened as a new store. */
static void
test_empty_file (void)
{
  g_autoptr (FxStoreTmpDir) t = fx_store_tmpdir_new ();
  g_autofree char *a = fx_store_tmp_path (t, "a.db");
  write_file (a, "", 0);
  g_autoptr (ModelStore) s = fx_store_open_ok (a);
  g_autofree char *version = fx_store_sql_text (a, "PRAGMA user_version");
  g_assert_cmpstr (version, ==, "1");
}

/* A database cut short: refused at open or at load, as MALFORMED. */
static void
test_truncated (void)
{
  g_autoptr (FxStoreTmpDir) t = fx_store_tmpdir_new ();
  g_autofree char *a = fx_store_tmp_path (t, "a.db");
  g_autoptr (FxStoreWorld) w = fx_store_world_populated ();
  fx_store_save_ok (a, w); /* the last connection closed: the WAL is checkpointed */
  g_autoptr (GError) error = NULL;
  g_autofree char *bytes = NULL;
  gsize len = 0;
  g_assert_true (g_file_get_contents (a, &bytes, &len, &error));
  g_assert_cmpuint (len, >, 3 * 4096);
  write_file (a, bytes, 3 * 4096);
  g_autoptr (ModelStore) s = model_store_open (a, &error);
  g_autoptr (FxStoreWorld) back = fx_store_world_new ();
  if (s != NULL)
    g_assert_false (model_store_load (s, &back->state, T0, &error));
  g_assert_error (error, MODEL_STORE_ERROR, MODEL_STD_MALFORMED);
  g_assert_true (g_str_has_prefix (error->message, a));
}

/* ---- tampering ---------------------------------------------------------- */

/* STORE-4: a deleted posting loads, and reconcile finds it. */
static void
test_tamper_posting (void)
{
  g_autoptr (FxStoreTmpDir) t = fx_store_tmpdir_new ();
  g_autofree char *a = fx_store_tmp_path (t, "a.db");
  g_autoptr (FxStoreWorld) w = fx_store_world_populated ();
  fx_store_save_ok (a, w);
  fx_store_sql_run (a, "DELETE FROM posting WHERE pos = 5");
  g_autoptr (FxStoreWorld) back = fx_store_load_ok (a);
  g_autoptr (GError) error = NULL;
  g_assert_cmpuint (model_ledger_n_postings (back->ledger), ==, 11);
  g_assert_false (model_ledger_reconcile (back->ledger, TRUE, NULL, &error));
  g_assert_nonnull (error);
  g_assert_true (error->domain == MODEL_LEDGER_ERROR);
}

/* STORE-4: an edited or duplicated audit entry loads, and verify names it. */
static void
test_tamper_audit (void)
{
  g_autoptr (FxStoreTmpDir) t = fx_store_tmpdir_new ();
  g_autofree char *a = fx_store_tmp_path (t, "a.db");
  g_autoptr (FxStoreWorld) w = fx_store_world_populated ();
  ModelAuditHead head;
  model_audit_log_head (w->audit, &head);
  fx_store_save_ok (a, w);
  fx_store_sql_run (a, "UPDATE audit_entry SET payload = x'00' WHERE seq = 42");
  g_autoptr (FxStoreWorld) back = fx_store_load_ok (a);
  g_autoptr (GError) error = NULL;
  guint64 bad = 0;
  g_assert_false (model_audit_log_verify (back->audit, &head, 0, &bad, &error));
  g_assert_error (error, MODEL_AUDIT_ERROR, MODEL_STD_BAD_SIGNATURE);
  g_assert_cmpuint (bad, ==, 42);
  g_clear_error (&error);

  fx_store_save_ok (a, w);
  fx_store_sql_run (a, "INSERT INTO audit_entry SELECT 1000, seq, time, actor, action, payload, "
              "prev_hash, hash FROM audit_entry WHERE pos = 10");
  g_autoptr (FxStoreWorld) dup = fx_store_load_ok (a);
  g_assert_cmpuint (model_audit_log_length (dup->audit), ==, 101);
  g_assert_false (model_audit_log_verify (dup->audit, NULL, 0, &bad, &error));
  g_assert_error (error, MODEL_AUDIT_ERROR, MODEL_STD_MALFORMED);
  g_assert_cmpuint (bad, ==, 100);
}

/* STORE-3: a row that does not restore is refused naming table, key and field. */
static void
test_tamper_refused (void)
{
  static const struct
  {
    const char *sql;
    const char *want;
  } cases[] = {
    { "UPDATE card SET status = 'xyz' WHERE card_no = 'A00000003'",
      "table card, card_no A00000003: status 'xyz' is not a card status" },
    { "UPDATE card SET ssn = '110105194912310021' WHERE card_no = 'A00000001'",
      "table card, card_no A00000001: ssn" },
    { "UPDATE card SET ssn = '1101051949123100211' WHERE card_no = 'A00000001'",
      "table card, card_no A00000001: ssn: 19 bytes, expected at most 18" },
    { "UPDATE card SET name = 'a' || char(0) || 'b' WHERE card_no = 'A00000002'",
      "table card, card_no A00000002: name: contains a NUL byte" },
    { "UPDATE card SET name = CAST (x'e5bca0c3' AS TEXT) WHERE card_no = 'A00000001'",
      "table card, card_no A00000001: name" },
    { "UPDATE card SET city = 1099511627776 WHERE card_no = 'A00000002'",
      "table card, card_no A00000002: city: 1099511627776 out of range" },
    { "UPDATE card SET bank_account_active = 2 WHERE card_no = 'A00000002'",
      "card_no A00000002: bank_account_active: 2 out of range 0..1" },
    { "UPDATE card SET card_no = 'A0000000\"' WHERE card_no = 'A00000003'",
      "table card, card_no A0000000\\\": card_no" },
    { "UPDATE ecard SET revoke_reason = 'stolen' WHERE status = 'revoked'",
      "table ecard, id " },
    { "UPDATE ecard SET device_pk = x'00'", "device_pk: 1 bytes, expected 32" },
    { "UPDATE ecard SET id = 'XYZ' WHERE revoke_reason = 'holder'",
      "id: 'XYZ', expected 32 lowercase hex" },
    { "UPDATE pin SET failures = 9", "table pin, ssn " },
    { "UPDATE channel SET class = 'casino' WHERE id = 'CH000003'",
      "table channel, id CH000003: class 'casino' is not a channel class" },
    { "UPDATE channel SET status = 'live ' WHERE id = 'CH000004'",
      "table channel, id CH000004: status 'live ' is not a channel status" },
    { "UPDATE consent_grant SET scopes = 'identity,bogus' WHERE pos = 2",
      "table consent_grant, grant_id " },
    { "UPDATE consent_grant SET kind = 'friend' WHERE pos = 0",
      "kind 'friend' is not a consent kind" },
    { "UPDATE payment_order SET state = 'paid' WHERE pos = 1",
      "table payment_order, order_id " },
    { "UPDATE payment_order SET failure = 'oops' WHERE pos = 3",
      "failure 'oops' is not an error code" },
    { "UPDATE payment_order SET idempotency_key = 'k-other' WHERE pos = 0",
      "order_id: not the BLAKE2b-256 of its channel_id" },
    { "UPDATE posting SET side = 'both' WHERE pos = 7",
      "table posting, pos 7: side 'both' is not an entry side" },
    { "UPDATE posting SET account = 'nowhere' WHERE pos = 2",
      "table posting, pos 2: account" },
    { "UPDATE audit_entry SET prev_hash = x'0102' WHERE pos = 3",
      "table audit_entry, pos 3: prev_hash: 2 bytes, expected 32" },
    { "UPDATE audit_entry SET actor = '' WHERE pos = 4",
      "table audit_entry, pos 4: actor" },
    { "UPDATE audit_entry SET actor = CAST (x'41ff' AS TEXT) WHERE pos = 5",
      "table audit_entry, pos 5: actor" },
    { "UPDATE trusted_key SET key_id = '0000000000000000' WHERE rowid = 1",
      "table trusted_key, key_id 0000000000000000: key_id: not the key id" },
    { "UPDATE settlement_switch SET switch_at = -5 WHERE city = 110100",
      "table settlement_switch, city 110100: " },
  };
  g_autoptr (FxStoreWorld) w = fx_store_world_populated ();
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (FxStoreTmpDir) t = fx_store_tmpdir_new ();
      g_autofree char *a = fx_store_tmp_path (t, "a.db");
      fx_store_save_ok (a, w);
      fx_store_sql_run (a, cases[i].sql);
      g_autoptr (GError) error = NULL;
      g_autoptr (ModelStore) s = fx_store_open_ok (a);
      g_autoptr (FxStoreWorld) back = fx_store_world_new ();
      if (model_store_load (s, &back->state, T0 + 5000, &error))
        g_error ("case %zu: loaded", i);
      g_assert_error (error, MODEL_STORE_ERROR, MODEL_STD_MALFORMED);
      g_test_message ("case %zu: %s", i, error->message);
      g_autofree char *prefix = g_strconcat (a, ": ", NULL);
      g_assert_true (g_str_has_prefix (error->message, prefix));
      if (strstr (error->message, cases[i].want) == NULL)
        g_error ("case %zu: '%s' lacks '%s'", i, error->message, cases[i].want);
    }
}

int
main (int argc, char **argv)
{
  essc_test_init (&argc, &argv);
  g_test_add_func ("/store/file/schema", test_schema);
  g_test_add_func ("/store/file/refused", test_refused_files);
  g_test_add_func ("/store/file/empty-is-new", test_empty_file);
  g_test_add_func ("/store/file/truncated", test_truncated);
  g_test_add_func ("/store/tamper/posting-deleted", test_tamper_posting);
  g_test_add_func ("/store/tamper/audit-edited", test_tamper_audit);
  g_test_add_func ("/store/tamper/row-refused", test_tamper_refused);
  return g_test_run ();
}
