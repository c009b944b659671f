/* SPDX-License-Identifier: MIT */
/*
 * Helpers shared by tests/std/test_card.c and tests/std/test_ecard.c: two valid
 * SSNs, a city, level-1 and level-2 evidence, deterministic device keys, a
 * registry holding one card, and an issuance that must succeed.  Static
 * inline, so each test binary takes only what it uses.
 */
#pragma once

#include "model/std/card.h"
#include "tests/lib/testutil.h"

#include <sodium.h>
#include <string.h>

#define SSN_A "11010519491231002X"
#define SSN_B "440524188001010014"
#define CITY 110100

static const G_GNUC_UNUSED ModelIssuanceEvidence EV1 = { TRUE, TRUE, FALSE, FALSE };
static const G_GNUC_UNUSED ModelIssuanceEvidence EV2 = { TRUE, TRUE, TRUE, TRUE };

/* A real Ed25519 public key, different for each n. */
static void
device_key (int n, guint8 pk[MODEL_DEVICE_PK_LEN])
{
  guint8 seed[crypto_sign_SEEDBYTES] = { 0 }, sk[crypto_sign_SECRETKEYBYTES];
  seed[0] = (guint8) n;
  crypto_sign_seed_keypair (pk, sk, seed);
  sodium_memzero (sk, sizeof sk);
}

static inline ModelCardRegistry *
registry_with_card (const char *card_no, gboolean bank)
{
  ModelCardRegistry *r = model_card_registry_new (NULL);
  g_autoptr (GError) error = NULL;
  g_assert_true (model_card_register (r, card_no, SSN_A, "张三", CITY, bank,
                                      ESSC_TEST_NOW, &error));
  g_assert_no_error (error);
  return r;
}

static inline void
issue_ok (ModelCardRegistry *r, const char *card_no, int level, ModelEcard *out)
{
  g_autoptr (GError) error = NULL;
  guint8 pk[MODEL_DEVICE_PK_LEN];
  device_key (1, pk);
  g_assert_true (model_card_issue_ecard (r, card_no, level, level == 2 ? &EV2 : &EV1, pk,
                                         ESSC_TEST_NOW, out, &error));
  g_assert_no_error (error);
}
