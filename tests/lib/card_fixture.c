/* SPDX-License-Identifier: MIT */
/*
 * The helpers declared in tests/lib/card_fixture.h, which says what they are for.
 */
#include "tests/lib/card_fixture.h"

const ModelIssuanceEvidence fx_card_ev1 = { TRUE, TRUE, FALSE, FALSE };
const ModelIssuanceEvidence fx_card_ev2 = { TRUE, TRUE, TRUE, TRUE };

/* A real Ed25519 public key, different for each n. */
void
fx_card_device_key (int n, guint8 pk[MODEL_DEVICE_PK_LEN])
{
  guint8 seed[crypto_sign_SEEDBYTES] = { 0 }, sk[crypto_sign_SECRETKEYBYTES];
  seed[0] = (guint8) n;
  crypto_sign_seed_keypair (pk, sk, seed);
  sodium_memzero (sk, sizeof sk);
}

ModelCardRegistry *
fx_card_registry_with_card (const char *card_no, gboolean bank)
{
  ModelCardRegistry *r = model_card_registry_new (NULL);
  g_autoptr (GError) error = NULL;
  g_assert_true (model_card_register (r, card_no, SSN_A, "张三", CITY, bank,
                                      ESSC_TEST_NOW, &error));
  g_assert_no_error (error);
  return r;
}

void
fx_card_issue_ok (ModelCardRegistry *r, const char *card_no, int level, ModelEcard *out)
{
  g_autoptr (GError) error = NULL;
  guint8 pk[MODEL_DEVICE_PK_LEN];
  fx_card_device_key (1, pk);
  g_assert_true (model_card_issue_ecard (r, card_no, level,
                                         level == 2 ? &fx_card_ev2 : &fx_card_ev1, pk,
                                         ESSC_TEST_NOW, out, &error));
  g_assert_no_error (error);
}
