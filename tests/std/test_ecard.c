/* SPDX-License-Identifier: MIT */
/*
 * Tests of the card registry's e-card half (model/std/ecard.c): the evidence
 * issuance needs for levels 1 and 2 and the order of issuance checks,
 * upgrade in place, the downgrade when the card's bank account is switched
 * off, revocation at the holder's request, and deterministic e-card ids.
 * The physical cards, the status feed seen across card transitions, and
 * foreach/restore are tested in tests/std/test_card.c.  Test paths keep their
 * /card/... names from before the split.  Comments name the ESSC-STD
 * requirement (docs/std/20-card.md) each test checks.
 */
#include "model/std/card.h"

#include <sodium.h>
#include <string.h>

#include "tests/lib/testutil.h"
#include "tests/lib/card_fixture.h"






/* ISS-2 */
static void
test_issue_level1_evidence (void)
{
  g_autoptr (ModelCardRegistry) r = fx_card_registry_with_card ("A00000001", FALSE);
  guint8 pk[MODEL_DEVICE_PK_LEN];
  fx_card_device_key (1, pk);
  static const struct { ModelIssuanceEvidence ev; const char *names; } cases[] = {
    { { FALSE, TRUE, TRUE, TRUE }, "real_name_verified" },
    { { TRUE, FALSE, TRUE, TRUE }, "liveness_passed" },
    { { FALSE, FALSE, FALSE, FALSE }, "real_name_verified, liveness_passed" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      g_assert_false (model_card_issue_ecard (r, "A00000001", 1, &cases[i].ev, pk,
                                              ESSC_TEST_NOW, NULL, &error));
      g_assert_error (error, MODEL_CARD_ERROR, MODEL_STD_EVIDENCE_MISSING);
      g_assert_nonnull (strstr (error->message, cases[i].names));
    }
  g_autoptr (GError) error = NULL;
  g_assert_false (model_card_issue_ecard (r, "A00000001", 1, NULL, pk, ESSC_TEST_NOW,
                                          NULL, &error));
  g_assert_error (error, MODEL_CARD_ERROR, MODEL_STD_EVIDENCE_MISSING);
  g_clear_error (&error);
  ModelEcard e;
  g_assert_true (model_card_issue_ecard (r, "A00000001", 1, &fx_card_ev1, pk, ESSC_TEST_NOW, &e,
                                         &error));
  g_assert_no_error (error);
  g_assert_cmpint (e.level, ==, 1);
  g_assert_cmpint (e.status, ==, MODEL_ECARD_ACTIVE);
  g_assert_cmpint (e.issued_at, ==, ESSC_TEST_NOW);
  g_assert_cmpint (e.revoked_at, ==, 0);
  g_assert_cmpint (e.revoke_reason, ==, MODEL_ECARD_REASON_NONE);
  g_assert_cmpmem (e.device_pk, sizeof e.device_pk, pk, sizeof pk);
  ModelEcard active;
  g_assert_true (model_card_get_active_ecard (r, "A00000001", &active, NULL));
  g_assert_cmpmem (&active, sizeof active, &e, sizeof e);
}

/* ISS-3 */
static void
test_issue_level2_evidence (void)
{
  guint8 pk[MODEL_DEVICE_PK_LEN];
  fx_card_device_key (1, pk);
  {
    /* Level-1 evidence is not enough for level 2: both bank items named. */
    g_autoptr (ModelCardRegistry) r = fx_card_registry_with_card ("A00000001", TRUE);
    g_autoptr (GError) error = NULL;
    g_assert_false (model_card_issue_ecard (r, "A00000001", 2, &fx_card_ev1, pk, ESSC_TEST_NOW,
                                            NULL, &error));
    g_assert_error (error, MODEL_CARD_ERROR, MODEL_STD_EVIDENCE_MISSING);
    g_assert_nonnull (strstr (error->message, "bank_account_active"));
    g_assert_nonnull (strstr (error->message, "bank_phone_verified"));
    g_clear_error (&error);
    ModelIssuanceEvidence no_phone = fx_card_ev2;
    no_phone.bank_phone_verified = FALSE;
    g_assert_false (model_card_issue_ecard (r, "A00000001", 2, &no_phone, pk, ESSC_TEST_NOW,
                                            NULL, &error));
    g_assert_error (error, MODEL_CARD_ERROR, MODEL_STD_EVIDENCE_MISSING);
    g_assert_null (strstr (error->message, "bank_account_active"));
    g_assert_nonnull (strstr (error->message, "bank_phone_verified"));
    g_clear_error (&error);
    ModelEcard e;
    g_assert_true (model_card_issue_ecard (r, "A00000001", 2, &fx_card_ev2, pk, ESSC_TEST_NOW, &e,
                                           &error));
    g_assert_no_error (error);
    g_assert_cmpint (e.level, ==, 2);
  }
  {
    /* The card's own bank account must be activated too. */
    g_autoptr (ModelCardRegistry) r = fx_card_registry_with_card ("A00000001", FALSE);
    g_autoptr (GError) error = NULL;
    g_assert_false (model_card_issue_ecard (r, "A00000001", 2, &fx_card_ev2, pk, ESSC_TEST_NOW,
                                            NULL, &error));
    g_assert_error (error, MODEL_CARD_ERROR, MODEL_STD_EVIDENCE_MISSING);
    g_assert_nonnull (strstr (error->message, "card bank account"));
    g_clear_error (&error);
    g_assert_true (model_card_set_bank_account (r, "A00000001", TRUE, NULL));
    g_assert_true (model_card_issue_ecard (r, "A00000001", 2, &fx_card_ev2, pk, ESSC_TEST_NOW,
                                           NULL, &error));
    g_assert_no_error (error);
  }
}

/* ISS-1 ISS-5 ISS-6 ISS-10 */
static void
test_issue_bad_args (void)
{
  g_autoptr (ModelCardRegistry) r = fx_card_registry_with_card ("A00000001", TRUE);
  guint8 pk[MODEL_DEVICE_PK_LEN], zero[MODEL_DEVICE_PK_LEN] = { 0 }, noncanon[MODEL_DEVICE_PK_LEN];
  fx_card_device_key (1, pk);
  memset (noncanon, 0xff, sizeof noncanon);   /* y >= p: not canonical */
  g_autoptr (GError) error = NULL;
  g_assert_false (model_card_issue_ecard (r, "A00000009", 1, &fx_card_ev1, pk, ESSC_TEST_NOW, NULL,
                                          &error));
  g_assert_error (error, MODEL_CARD_ERROR, MODEL_STD_NOT_FOUND);
  g_clear_error (&error);
  const int levels[] = { 0, 3, -1 };
  for (gsize i = 0; i < G_N_ELEMENTS (levels); i++)
    {
      g_assert_false (model_card_issue_ecard (r, "A00000001", levels[i], &fx_card_ev2, pk,
                                              ESSC_TEST_NOW, NULL, &error));
      g_assert_error (error, MODEL_CARD_ERROR, MODEL_STD_MALFORMED);
      g_assert_nonnull (strstr (error->message, "level"));
      g_clear_error (&error);
    }
  const guint8 *bad_pk[] = { zero, noncanon, NULL };
  for (gsize i = 0; i < G_N_ELEMENTS (bad_pk); i++)
    {
      g_assert_false (model_card_issue_ecard (r, "A00000001", 1, &fx_card_ev1, bad_pk[i],
                                              ESSC_TEST_NOW, NULL, &error));
      g_assert_error (error, MODEL_CARD_ERROR, MODEL_STD_MALFORMED);
      g_assert_nonnull (strstr (error->message, "device_pk"));
      g_clear_error (&error);
    }
  /* ISS-10: a card not normal is reported before missing evidence. */
  g_assert_true (model_card_lock (r, "A00000001", ESSC_TEST_NOW, NULL));
  g_assert_false (model_card_issue_ecard (r, "A00000001", 1, NULL, pk, ESSC_TEST_NOW, NULL,
                                          &error));
  g_assert_error (error, MODEL_CARD_ERROR, MODEL_STD_CARD_UNUSABLE);
  g_clear_error (&error);
  /* ...and missing evidence before an existing e-card. */
  g_assert_true (model_card_unlock (r, "A00000001", ESSC_TEST_NOW, NULL));
  fx_card_issue_ok (r, "A00000001", 1, NULL);
  g_assert_false (model_card_issue_ecard (r, "A00000001", 1, NULL, pk, ESSC_TEST_NOW, NULL,
                                          &error));
  g_assert_error (error, MODEL_CARD_ERROR, MODEL_STD_EVIDENCE_MISSING);
}

/* ISS-7 */
static void
test_ecard_upgrade (void)
{
  g_autoptr (ModelCardRegistry) r = fx_card_registry_with_card ("A00000001", TRUE);
  g_autoptr (GError) error = NULL;
  ModelEcard e, got;
  fx_card_issue_ok (r, "A00000001", 1, &e);
  g_assert_false (model_card_upgrade_ecard (r, e.id, &fx_card_ev1, &error));
  g_assert_error (error, MODEL_CARD_ERROR, MODEL_STD_EVIDENCE_MISSING);
  g_clear_error (&error);
  g_assert_true (model_card_get_ecard (r, e.id, &got, NULL));
  g_assert_cmpint (got.level, ==, 1);
  g_assert_true (model_card_upgrade_ecard (r, e.id, &fx_card_ev2, &error));
  g_assert_no_error (error);
  g_assert_true (model_card_get_ecard (r, e.id, &got, NULL));
  g_assert_cmpint (got.level, ==, 2);
  g_assert_cmpmem (got.id, 16, e.id, 16);
  g_assert_false (model_card_upgrade_ecard (r, e.id, &fx_card_ev2, &error));
  g_assert_error (error, MODEL_CARD_ERROR, MODEL_STD_INVALID_STATE);
  g_clear_error (&error);
  guint8 unknown[MODEL_ECARD_ID_LEN] = { 1 };
  g_assert_false (model_card_upgrade_ecard (r, unknown, &fx_card_ev2, &error));
  g_assert_error (error, MODEL_CARD_ERROR, MODEL_STD_NOT_FOUND);
  g_clear_error (&error);
  /* A revoked e-card cannot be upgraded. */
  g_autoptr (ModelCardRegistry) r2 = fx_card_registry_with_card ("A00000001", TRUE);
  fx_card_issue_ok (r2, "A00000001", 1, &e);
  g_assert_true (model_card_report_lost (r2, "A00000001", ESSC_TEST_NOW, NULL));
  g_assert_true (model_card_report_found (r2, "A00000001", ESSC_TEST_NOW, NULL));
  g_assert_false (model_card_upgrade_ecard (r2, e.id, &fx_card_ev2, &error));
  g_assert_error (error, MODEL_CARD_ERROR, MODEL_STD_CARD_UNUSABLE);
}

/* CARD-10 */
static void
test_bank_account_downgrades (void)
{
  g_autoptr (ModelCardRegistry) r = fx_card_registry_with_card ("A00000001", TRUE);
  g_autoptr (GError) error = NULL;
  ModelEcard e, got;
  fx_card_issue_ok (r, "A00000001", 2, &e);
  g_assert_true (model_card_set_bank_account (r, "A00000001", FALSE, &error));
  g_assert_no_error (error);
  g_assert_true (model_card_get_ecard (r, e.id, &got, NULL));
  g_assert_cmpint (got.level, ==, 1);
  g_assert_cmpint (model_card_status_fn (e.id, r), ==, MODEL_STD_OK);
  g_assert_false (model_card_upgrade_ecard (r, e.id, &fx_card_ev2, &error));
  g_assert_error (error, MODEL_CARD_ERROR, MODEL_STD_EVIDENCE_MISSING);
  g_clear_error (&error);
  g_assert_true (model_card_cancel (r, "A00000001", ESSC_TEST_NOW, NULL));
  g_assert_false (model_card_set_bank_account (r, "A00000001", TRUE, &error));
  g_assert_error (error, MODEL_CARD_ERROR, MODEL_STD_INVALID_STATE);
}

/* CARD-11 */
static void
test_ecard_revoke_holder (void)
{
  g_autoptr (ModelCardRegistry) r = fx_card_registry_with_card ("A00000001", FALSE);
  g_autoptr (GError) error = NULL;
  ModelEcard e, got;
  fx_card_issue_ok (r, "A00000001", 1, &e);
  g_assert_true (model_card_revoke_ecard (r, e.id, ESSC_TEST_NOW + 9, &error));
  g_assert_no_error (error);
  g_assert_cmpint (model_card_status_fn (e.id, r), ==, MODEL_STD_CARD_UNUSABLE);
  g_assert_true (model_card_get_ecard (r, e.id, &got, NULL));
  g_assert_cmpint (got.revoke_reason, ==, MODEL_ECARD_REASON_HOLDER);
  g_assert_cmpint (got.revoked_at, ==, ESSC_TEST_NOW + 9);
  g_assert_false (model_card_revoke_ecard (r, e.id, ESSC_TEST_NOW, &error));
  g_assert_error (error, MODEL_CARD_ERROR, MODEL_STD_INVALID_STATE);
  g_clear_error (&error);
  fx_card_issue_ok (r, "A00000001", 1, &got);
  g_assert_cmpint (model_card_status_fn (got.id, r), ==, MODEL_STD_OK);
}

/* ISS-8 ISS-9 */
static void
test_ids_deterministic (void)
{
  guint8 seed[MODEL_CARD_SEED_LEN];
  for (int i = 0; i < MODEL_CARD_SEED_LEN; i++)
    seed[i] = (guint8) i;
  g_autoptr (ModelCardRegistry) a = model_card_registry_new (seed);
  g_autoptr (ModelCardRegistry) b = model_card_registry_new (seed);
  ModelEcard ea[3], eb[3];
  for (int k = 0; k < 2; k++)
    {
      ModelCardRegistry *r = k == 0 ? a : b;
      ModelEcard *out = k == 0 ? ea : eb;
      g_assert_true (model_card_register (r, "A00000001", SSN_A, "张三", CITY, FALSE,
                                          ESSC_TEST_NOW, NULL));
      fx_card_issue_ok (r, "A00000001", 1, &out[0]);
      g_assert_true (model_card_revoke_ecard (r, out[0].id, ESSC_TEST_NOW, NULL));
      fx_card_issue_ok (r, "A00000001", 1, &out[1]);
      g_assert_true (model_card_register (r, "A00000002", SSN_B, "李四", CITY, FALSE,
                                          ESSC_TEST_NOW, NULL));
      fx_card_issue_ok (r, "A00000002", 1, &out[2]);
    }
  for (int i = 0; i < 3; i++)
    {
      g_assert_cmpmem (ea[i].id, 16, eb[i].id, 16);
      /* Independently: BLAKE2b-128 of seed || counter (8 bytes big-endian). */
      guint8 msg[MODEL_CARD_SEED_LEN + 8] = { 0 }, want[MODEL_ECARD_ID_LEN];
      memcpy (msg, seed, sizeof seed);
      msg[sizeof msg - 1] = (guint8) i;
      crypto_generichash (want, sizeof want, msg, sizeof msg, NULL, 0);
      g_assert_cmpmem (ea[i].id, 16, want, 16);
    }
  /* Another seed, or no seed (CRYPTO-3: random ids), gives other ids. */
  seed[0] ^= 1;
  g_autoptr (ModelCardRegistry) c = model_card_registry_new (seed);
  g_autoptr (ModelCardRegistry) d = model_card_registry_new (NULL);
  g_autoptr (ModelCardRegistry) d2 = model_card_registry_new (NULL);
  ModelEcard ec, ed, ed2;
  ModelCardRegistry *others[] = { c, d, d2 };
  ModelEcard *outs[] = { &ec, &ed, &ed2 };
  for (int k = 0; k < 3; k++)
    {
      g_assert_true (model_card_register (others[k], "A00000001", SSN_A, "张三", CITY, FALSE,
                                          ESSC_TEST_NOW, NULL));
      fx_card_issue_ok (others[k], "A00000001", 1, outs[k]);
    }
  g_assert_true (memcmp (ec.id, ea[0].id, 16) != 0);
  g_assert_true (memcmp (ed.id, ea[0].id, 16) != 0);
  g_assert_true (memcmp (ed.id, ed2.id, 16) != 0);
}

int
main (int argc, char **argv)
{
  essc_test_init (&argc, &argv);
  g_test_add_func ("/card/issue/level1-evidence", test_issue_level1_evidence);
  g_test_add_func ("/card/issue/level2-evidence", test_issue_level2_evidence);
  g_test_add_func ("/card/issue/bad-args", test_issue_bad_args);
  g_test_add_func ("/card/ecard/upgrade", test_ecard_upgrade);
  g_test_add_func ("/card/ecard/bank-account-downgrades", test_bank_account_downgrades);
  g_test_add_func ("/card/ecard/revoke-holder", test_ecard_revoke_holder);
  g_test_add_func ("/card/ids/deterministic", test_ids_deterministic);
  return g_test_run ();
}
