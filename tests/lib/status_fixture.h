/* SPDX-License-Identifier: MIT */
/*
 * Helpers shared by tests/std/test_credential.c and tests/std/test_qr.c: a fake
 * card status feed (one known e-card with a chosen answer, calls counted)
 * and deterministic 32-byte seeds.
 */
#pragma once

#include "model/std/stdcode.h"
#include <string.h>

G_BEGIN_DECLS

typedef struct {
  guint8 id[MODEL_ECARD_ID_LEN];
  ModelStdCode answer;
  int calls;
} FxFakeStatus;

/* A ModelStatusFn: user_data is an FxFakeStatus. */
ModelStdCode fx_status_fake (const guint8 ecard_id[16], gpointer user_data);

/* A deterministic seed for tag. */
void fx_status_seed_of (guint8 tag, guint8 seed[32]);

G_END_DECLS
