/* SPDX-License-Identifier: MIT */
/*
 * Helpers shared by tests/std/test_card.c and tests/std/test_ecard.c: two valid
 * SSNs, a city, level-1 and level-2 evidence, deterministic device keys, a
 * registry holding one card, and an issuance that must succeed (a failed
 * step aborts the test).
 */
#pragma once

#include "model/std/card.h"
#include "tests/lib/testutil.h"
#include <sodium.h>
#include <string.h>

G_BEGIN_DECLS

#define SSN_A "11010519491231002X"
#define SSN_B "440524188001010014"
#define CITY 110100

/* Level-1 and level-2 issuance evidence. */
extern const ModelIssuanceEvidence fx_card_ev1;
extern const ModelIssuanceEvidence fx_card_ev2;

/* A real Ed25519 public key, different for each n. */
void fx_card_device_key (int n, guint8 pk[MODEL_DEVICE_PK_LEN]);

/* Returns: (transfer full) a registry holding card_no (SSN_A, CITY). */
ModelCardRegistry *fx_card_registry_with_card (const char *card_no, gboolean bank);

/* Issues a level-1 or level-2 e-card of card_no with device key 1. */
void fx_card_issue_ok (ModelCardRegistry *r, const char *card_no, int level, ModelEcard *out);

G_END_DECLS
