/* SPDX-License-Identifier: MIT */
/*
 * Tests of model/std/store.c: a populated state survives a save and a load with
 * identical row content and behaviour, the trust list table holds public
 * keys only, a NULL part of a state is neither saved nor loaded, and a
 * failed save leaves the previous snapshot intact.  The file's identity,
 * refused files and tampering are tested by test_store_file.c; the fixture
 * both use is store_fixture.h.  Every test works in its own temporary
 * directory.
 */
#include <glib/gstdio.h>
#include <sodium.h>
#include <sqlite3.h>
#include <string.h>

#include "model/std/id.h"
#include "model/std/store.h"
#include "tests/lib/store_fixture.h"
#include "tests/lib/testutil.h"

/* ---- round trip --------------------------------------------------------- */

/* STORE-2, STORE-7 */
static void
test_roundtrip (void)
{
  g_autoptr (FxStoreTmpDir) t = fx_store_tmpdir_new ();
  g_autofree char *a = fx_store_tmp_path (t, "a.db"), *b = fx_store_tmp_path (t, "b.db");
  g_autoptr (FxStoreWorld) w = fx_store_world_populated ();
  fx_store_save_ok (a, w);
  g_autofree char *dump_a = fx_store_dump (a);
  g_autoptr (FxStoreWorld) back = fx_store_load_ok (a);
  fx_store_save_ok (b, back);
  g_autofree char *dump_b = fx_store_dump (b);
  g_assert_cmpstr (dump_a, ==, dump_b);
  fx_store_save_ok (a, back); /* saving what was loaded changes nothing */
  g_autofree char *dump_a2 = fx_store_dump (a);
  g_assert_cmpstr (dump_a, ==, dump_a2);

  /* Every record is there, enums as wire names, ids as hex. */
  g_autofree char *n_audit = fx_store_sql_text (a, "SELECT count(*) FROM audit_entry");
  g_autofree char *n_post = fx_store_sql_text (a, "SELECT count(*) FROM posting");
  g_autofree char *replaced = fx_store_sql_text (a, "SELECT replaced_by FROM card WHERE "
                                           "status = 'replaced'");
  g_autofree char *reasons = fx_store_sql_text (a, "SELECT group_concat(revoke_reason, ',') "
                                          "FROM (SELECT revoke_reason FROM ecard "
                                          "ORDER BY revoke_reason)");
  g_autofree char *states = fx_store_sql_text (a, "SELECT group_concat(state || '/' || failure, "
                                         "',') FROM payment_order");
  char hex[33];
  model_ecard_id_to_hex (w->ecard_pay, hex);
  g_autofree char *sql
      = g_strdup_printf ("SELECT level FROM ecard WHERE id = '%s'", hex);
  g_autofree char *level = fx_store_sql_text (a, sql);
  g_assert_cmpstr (n_audit, ==, "100");
  g_assert_cmpstr (n_post, ==, "12");
  g_assert_cmpstr (replaced, ==, "B00000006");
  g_assert_cmpstr (reasons, ==, "card_lost,card_replaced,holder,none,none");
  g_assert_cmpstr (states, ==,
                   "settled/ok,settled/ok,accepted/ok,failed/card_unusable,"
                   "settled/ok");
  g_assert_cmpstr (level, ==, "2");

  /* Behaviour is kept. */
  GError *error = NULL;
  g_assert_cmpint (model_card_status_fn (w->ecard_pay, back->cards), ==, MODEL_STD_OK);
  g_assert_cmpint (model_card_status_fn (w->ecard_gone, back->cards), ==,
                   MODEL_STD_CARD_UNUSABLE);
  ModelCard c;
  g_assert_true (model_card_get_live_for_ssn (back->cards, SSN5, &c, &error));
  g_assert_cmpstr (c.card_no, ==, "B00000006");
  g_assert_true (model_pin_verify (back->pins, SSN1, "739164", 6, T0 + 10, &error));
  g_assert_false (model_pin_verify (back->pins, SSN3, "204817", 6, T0 + 10, &error));
  g_assert_error (error, MODEL_PIN_ERROR, MODEL_STD_PIN_LOCKED);
  g_clear_error (&error);
  ModelChannel ca, cb;
  g_assert_true (model_channel_registry_lookup (w->channels, "CH000002", &ca, &error));
  g_assert_true (
      model_channel_registry_lookup (back->channels, "CH000002", &cb, &error));
  g_assert_cmpfloat (ca.risk_score, ==, cb.risk_score);
  g_assert_cmpfloat (ca.risk_score, !=, (double) (gint64) ca.risk_score);
  g_assert_cmpint (cb.status, ==, MODEL_CHANNEL_LIVE);
  g_assert_cmpstr (cb.parent_id, ==, "CH000001");
  g_assert_true (model_consent_store_check (back->consents, SSN1, "CH000001",
                                            "MIB-110000", MODEL_CONSENT_SCOPE_IDENTITY,
                                            T0 + 10, NULL, &error));
  g_assert_false (model_consent_store_check (back->consents, SSN1, "CH000001",
                                             "MIB-110000", MODEL_CONSENT_SCOPE_PENSION,
                                             T0 + 10, NULL, &error));
  g_assert_error (error, MODEL_CONSENT_ERROR, MODEL_STD_CONSENT_MISSING);
  g_clear_error (&error);
  ModelLedgerReport ra, rb;
  g_assert_true (model_ledger_reconcile (w->ledger, TRUE, &ra, &error));
  g_assert_true (model_ledger_reconcile (back->ledger, TRUE, &rb, &error));
  g_assert_cmpmem (&ra, sizeof ra, &rb, sizeof rb);
  g_assert_cmpuint (rb.n_settled, ==, 3);
  g_assert_cmpint (model_ledger_route_for (back->ledger, 440100, T0), ==,
                   MODEL_ROUTE_UNIFIED);
  ModelAuditHead ha, hb;
  model_audit_log_head (w->audit, &ha);
  model_audit_log_head (back->audit, &hb);
  g_assert_cmpmem (&ha, sizeof ha, &hb, sizeof hb);
  g_assert_true (model_audit_log_verify (back->audit, &ha,
                                         MODEL_AUDIT_VERIFY_EXACT_HEAD, NULL, &error));
  g_assert_cmpuint (model_audit_log_length (back->audit), ==, 100);
  g_assert_cmpuint (model_trust_list_size (back->trust), ==, 2);
  g_assert_no_error (error);
}

/* STORE-6: the trust list table holds public keys only. */
static void
test_trust_public_only (void)
{
  g_autoptr (FxStoreTmpDir) t = fx_store_tmpdir_new ();
  g_autofree char *a = fx_store_tmp_path (t, "a.db");
  g_autoptr (FxStoreWorld) w = fx_store_world_populated ();
  fx_store_save_ok (a, w);
  g_autofree char *cols = fx_store_sql_text (a, "SELECT group_concat(name, ',') FROM "
                                       "pragma_table_info('trusted_key')");
  g_assert_cmpstr (cols, ==, "key_id,public_key");
  g_autofree char *hashes = fx_store_sql_text (a, "SELECT count(*) FROM pin WHERE hash "
                                         "LIKE '$argon2id$%'");
  g_assert_cmpstr (hashes, ==, "3");
}

/* A NULL part is neither saved nor loaded: its stored content stays. */
static void
test_partial_state (void)
{
  g_autoptr (FxStoreTmpDir) t = fx_store_tmpdir_new ();
  g_autofree char *a = fx_store_tmp_path (t, "a.db");
  g_autoptr (FxStoreWorld) w = fx_store_world_populated ();
  fx_store_save_ok (a, w);
  g_autoptr (ModelAuditLog) small = model_audit_log_new ();
  g_assert_nonnull (model_audit_log_append (small, T0, "x", "y", NULL, 0, NULL));
  ModelState only_audit = { .audit = small };
  g_autoptr (GError) error = NULL;
  g_autoptr (ModelStore) s = fx_store_open_ok (a);
  g_assert_true (model_store_save (s, &only_audit, T0 + 9000, &error));
  g_autofree char *n_audit = fx_store_sql_text (a, "SELECT count(*) FROM audit_entry");
  g_autofree char *n_card = fx_store_sql_text (a, "SELECT count(*) FROM card");
  g_autofree char *saved = fx_store_sql_text (a, "SELECT group_concat(name || '=' || saved_at, "
                                        "',') FROM (SELECT * FROM part ORDER BY name)");
  g_assert_cmpstr (n_audit, ==, "1");
  g_assert_cmpstr (n_card, ==, "6");
  g_assert_cmpstr (saved, ==,
                   "audit=1590978600,cards=1590974600,channels=1590974600,"
                   "consents=1590974600,ledger=1590974600,pins=1590974600,"
                   "trust=1590974600");
  /* Loading only the cards leaves the rest alone; a non-empty target is refused. */
  g_autoptr (ModelCardRegistry) cards = model_card_registry_new (NULL);
  ModelState only_cards = { .cards = cards };
  g_assert_true (model_store_load (s, &only_cards, T0, &error));
  g_assert_false (model_store_load (s, &only_cards, T0, &error));
  g_assert_error (error, MODEL_STORE_ERROR, MODEL_STD_INVALID_STATE);
  g_assert_nonnull (strstr (error->message, "cards"));
}

/* STORE-1: a save that fails midway rolls back; the previous snapshot stays. */
static void
test_failed_save (void)
{
  g_autoptr (FxStoreTmpDir) t = fx_store_tmpdir_new ();
  g_autofree char *a = fx_store_tmp_path (t, "a.db");
  g_autoptr (FxStoreWorld) w = fx_store_world_populated ();
  fx_store_save_ok (a, w);
  g_autofree char *before = fx_store_dump (a);
  /* More state, and a trigger that makes the 51st audit insert fail, after
   * the cards, PINs, channels, consents and ledger were already rewritten. */
  GError *error = NULL;
  g_assert_true (model_card_register (w->cards, "C00000007", fx_store_ssn ("11010119800101001"),
                                      "王五", 110100, FALSE, T0, &error));
  g_assert_nonnull (model_audit_log_append (w->audit, T0 + 100, "平台运维",
                                            "card.register", NULL, 0, &error));
  fx_store_sql_run (a, "CREATE TRIGGER boom BEFORE INSERT ON audit_entry WHEN NEW.seq = 50 "
              "BEGIN SELECT RAISE(ABORT, 'injected failure'); END");
  g_autoptr (ModelStore) s = fx_store_open_ok (a);
  g_assert_false (model_store_save (s, &w->state, T0 + 6000, &error));
  g_assert_error (error, MODEL_STORE_ERROR, MODEL_STD_INTERNAL);
  g_assert_nonnull (strstr (error->message, "table audit_entry: cannot save row 50: "
                                            "injected failure"));
  g_clear_error (&error);
  g_autofree char *after = fx_store_dump (a);
  g_assert_cmpstr (before, ==, after);
  {
    g_autoptr (FxStoreWorld) back = fx_store_load_ok (a);
    g_assert_cmpuint (model_audit_log_length (back->audit), ==, 100);
    ModelCard c;
    g_assert_false (model_card_get (back->cards, "C00000007", &c, &error));
    g_assert_error (error, MODEL_CARD_ERROR, MODEL_STD_NOT_FOUND);
    g_clear_error (&error);
  }
  /* The store is still usable: without the trigger the save goes through. */
  fx_store_sql_run (a, "DROP TRIGGER boom");
  g_assert_true (model_store_save (s, &w->state, T0 + 6000, &error));
  g_assert_no_error (error);
  g_autoptr (FxStoreWorld) again = fx_store_load_ok (a);
  g_assert_cmpuint (model_audit_log_length (again->audit), ==, 101);
}

int
main (int argc, char **argv)
{
  essc_test_init (&argc, &argv);
  g_test_add_func ("/store/roundtrip/populated", test_roundtrip);
  g_test_add_func ("/store/roundtrip/trust-public-only", test_trust_public_only);
  g_test_add_func ("/store/roundtrip/partial-state", test_partial_state);
  g_test_add_func ("/store/save/failure-keeps-snapshot", test_failed_save);
  return g_test_run ();
}
