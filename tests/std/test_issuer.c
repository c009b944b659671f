/* SPDX-License-Identifier: MIT */
/*
 * Tests of credential issuance from the card registry (CRED-10): only an
 * active e-card of a normal card gets a credential, and its fields are the
 * records'; the result verifies, and stops verifying when the card is lost;
 * the times of CRED-12 with every allowed backdate, the order of CRED-13.
 */
#include "model/std/issuer.h"
#include "tests/lib/testutil.h"

#include <sodium.h>
#include <string.h>

typedef struct {
  ModelCardRegistry *cards;
  ModelPlatformKey *key;
  ModelTrustList *trust;
  ModelEcard ecard;
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  guint8 seed[32] = { 7 }, pk[32], sk[64];
  ModelIssuanceEvidence ev = { TRUE, TRUE, TRUE, TRUE };

  crypto_sign_seed_keypair (pk, sk, seed);
  f->cards = model_card_registry_new (seed);
  f->key = model_platform_key_from_seed (seed);
  f->trust = model_trust_list_new ();
  g_assert_true (model_trust_list_add (f->trust, model_platform_key_public (f->key), NULL));
  g_assert_true (model_card_register (f->cards, "A00000001", "11010519491231002X", "李四", 110100,
                                      TRUE, ESSC_TEST_NOW, NULL));
  g_assert_true (model_card_issue_ecard (f->cards, "A00000001", 2, &ev, pk, ESSC_TEST_NOW,
                                         &f->ecard, NULL));
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  model_card_registry_free (f->cards);
  model_platform_key_free (f->key);
  model_trust_list_free (f->trust);
}

/* CRED-10: the credential carries the records' fields and verifies. */
static void
test_fields (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  ModelCredential cred, back;

  g_autoptr (GBytes) bytes = model_issuer_sign_credential (f->cards, f->ecard.id, f->key,
                                                           ESSC_TEST_NOW, 86400, &cred, &error);
  g_assert_no_error (error);
  g_assert_nonnull (bytes);
  g_assert_cmpstr (cred.ssn, ==, "11010519491231002X");
  g_assert_cmpstr (cred.name, ==, "李四");
  g_assert_cmpstr (cred.card_no, ==, "A00000001");
  g_assert_cmpuint (cred.city, ==, 110100);
  g_assert_cmpint (cred.level, ==, 2);
  g_assert_cmpmem (cred.ecard_id, 16, f->ecard.id, 16);
  g_assert_cmpmem (cred.device_pk, 32, f->ecard.device_pk, 32);
  g_assert_cmpint (cred.expires_at - cred.issued_at, ==, 86400);
  g_assert_cmpmem (cred.signer_key_id, 8, model_platform_key_id (f->key), 8);

  gsize len;
  const guint8 *p = g_bytes_get_data (bytes, &len);
  g_assert_true (model_credential_verify (p, len, f->trust, model_card_status_fn, f->cards,
                                          ESSC_TEST_NOW + 10, &back, &error));
  g_assert_no_error (error);
  g_assert_cmpmem (&back, sizeof back, &cred, sizeof cred);

  /* CRED-7: once the card is lost, the same bytes fail the status check. */
  g_assert_true (model_card_report_lost (f->cards, "A00000001", ESSC_TEST_NOW + 20, NULL));
  g_assert_false (model_credential_verify (p, len, f->trust, model_card_status_fn, f->cards,
                                           ESSC_TEST_NOW + 30, NULL, &error));
  g_assert_error (error, MODEL_CREDENTIAL_ERROR, MODEL_STD_CARD_UNUSABLE);
}

/* CRED-10: no credential for a lost card, a revoked or unknown e-card. */
static void
test_refused (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  guint8 unknown[16] = { 0 };
  GBytes *bytes;

  bytes = model_issuer_sign_credential (f->cards, unknown, f->key, ESSC_TEST_NOW, 60, NULL,
                                        &error);
  g_assert_null (bytes);
  g_assert_error (error, MODEL_ISSUER_ERROR, MODEL_STD_NOT_FOUND);
  g_clear_error (&error);

  bytes = model_issuer_sign_credential (f->cards, f->ecard.id, f->key, ESSC_TEST_NOW, 0, NULL,
                                        &error);
  g_assert_null (bytes);
  g_assert_error (error, MODEL_ISSUER_ERROR, MODEL_STD_MALFORMED);
  g_clear_error (&error);

  bytes = model_issuer_sign_credential (f->cards, f->ecard.id, f->key, G_MAXINT64 - 5, 60, NULL,
                                        &error);
  g_assert_null (bytes);
  g_assert_error (error, MODEL_ISSUER_ERROR, MODEL_STD_MALFORMED);
  g_clear_error (&error);

  g_assert_true (model_card_lock (f->cards, "A00000001", ESSC_TEST_NOW + 1, NULL));
  bytes = model_issuer_sign_credential (f->cards, f->ecard.id, f->key, ESSC_TEST_NOW + 2, 60,
                                        NULL, &error);
  g_assert_null (bytes);
  g_assert_error (error, MODEL_ISSUER_ERROR, MODEL_STD_CARD_UNUSABLE);
  g_clear_error (&error);

  /* Unlocked again, the old e-card stays revoked (CARD-7). */
  g_assert_true (model_card_unlock (f->cards, "A00000001", ESSC_TEST_NOW + 3, NULL));
  bytes = model_issuer_sign_credential (f->cards, f->ecard.id, f->key, ESSC_TEST_NOW + 4, 60,
                                        NULL, &error);
  g_assert_null (bytes);
  g_assert_error (error, MODEL_ISSUER_ERROR, MODEL_STD_CARD_UNUSABLE);
}

/* CRED-12: issued_at = now - backdate (0..300), expires_at = now + lifetime. */
static void
test_backdate (Fixture *f, gconstpointer data)
{
  static const gint64 backdates[] = { 0, 1, 120, MODEL_ISSUER_BACKDATE_MAX };
  for (gsize i = 0; i < G_N_ELEMENTS (backdates); i++)
    {
      g_autoptr (GError) error = NULL;
      ModelCredential cred;
      g_autoptr (GBytes) bytes = model_issuer_sign_credential_backdated (
        f->cards, f->ecard.id, f->key, ESSC_TEST_NOW, 3600, backdates[i], &cred, &error);
      g_assert_no_error (error);
      g_assert_cmpint (cred.issued_at, ==, ESSC_TEST_NOW - backdates[i]);
      g_assert_cmpint (cred.expires_at, ==, ESSC_TEST_NOW + 3600);
      gsize len;
      const guint8 *p = g_bytes_get_data (bytes, &len);
      /* valid from the backdated issued_at up to the last second of the lifetime */
      g_assert_true (model_credential_verify (p, len, f->trust, model_card_status_fn, f->cards,
                                              ESSC_TEST_NOW - backdates[i], NULL, &error));
      g_assert_true (model_credential_verify (p, len, f->trust, model_card_status_fn, f->cards,
                                              ESSC_TEST_NOW + 3599, NULL, &error));
      g_assert_false (model_credential_verify (p, len, f->trust, model_card_status_fn, f->cards,
                                               ESSC_TEST_NOW + 3600, NULL, &error));
      g_assert_error (error, MODEL_CREDENTIAL_ERROR, MODEL_STD_EXPIRED);
    }
  /* No backdate is the plain issuer's answer, byte for byte. */
  g_autoptr (GBytes) plain = model_issuer_sign_credential (f->cards, f->ecard.id, f->key,
                                                           ESSC_TEST_NOW, 60, NULL, NULL);
  g_autoptr (GBytes) zero = model_issuer_sign_credential_backdated (f->cards, f->ecard.id, f->key,
                                                                    ESSC_TEST_NOW, 60, 0, NULL,
                                                                    NULL);
  g_assert_true (g_bytes_equal (plain, zero));
}

/* CRED-13: the lifetime before the e-card, the e-card before its status. */
static void
test_order (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  guint8 unknown[16] = { 0 };
  g_assert_null (model_issuer_sign_credential (f->cards, unknown, f->key, ESSC_TEST_NOW, 0, NULL,
                                               &error));
  g_assert_error (error, MODEL_ISSUER_ERROR, MODEL_STD_MALFORMED);
  g_clear_error (&error);
  g_assert_true (model_card_report_lost (f->cards, "A00000001", ESSC_TEST_NOW + 1, NULL));
  g_assert_null (model_issuer_sign_credential (f->cards, f->ecard.id, f->key, ESSC_TEST_NOW + 2,
                                               -1, NULL, &error));
  g_assert_error (error, MODEL_ISSUER_ERROR, MODEL_STD_MALFORMED);
  g_clear_error (&error);
  g_assert_null (model_issuer_sign_credential (f->cards, unknown, f->key, ESSC_TEST_NOW + 2, 60,
                                               NULL, &error));
  g_assert_error (error, MODEL_ISSUER_ERROR, MODEL_STD_NOT_FOUND);
  g_clear_error (&error);
  g_assert_null (model_issuer_sign_credential (f->cards, f->ecard.id, f->key, ESSC_TEST_NOW + 2,
                                               60, NULL, &error));
  g_assert_error (error, MODEL_ISSUER_ERROR, MODEL_STD_CARD_UNUSABLE);
}

int
main (int argc, char **argv)
{
  essc_test_init (&argc, &argv);
  g_test_add ("/issuer/credential/fields-from-records", Fixture, NULL, fixture_set_up,
              test_fields, fixture_tear_down);
  g_test_add ("/issuer/credential/refused", Fixture, NULL, fixture_set_up, test_refused,
              fixture_tear_down);
  g_test_add ("/issuer/credential/backdate", Fixture, NULL, fixture_set_up, test_backdate,
              fixture_tear_down);
  g_test_add ("/issuer/credential/order", Fixture, NULL, fixture_set_up, test_order,
              fixture_tear_down);
  return g_test_run ();
}
