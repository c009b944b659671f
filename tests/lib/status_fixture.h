/* SPDX-License-Identifier: MIT */
/*
 * Helpers shared by tests/std/test_credential.c and tests/std/test_qr.c: a fake
 * card status feed (one known e-card with a chosen answer, calls counted)
 * and deterministic 32-byte seeds.  Static inline, so each test binary takes
 * only what it uses.
 */
#pragma once

#include "model/std/stdcode.h"

#include <string.h>

typedef struct {
  guint8 id[MODEL_ECARD_ID_LEN];
  ModelStdCode answer;
  int calls;
} FakeStatus;

static inline ModelStdCode
fake_status (const guint8 ecard_id[16], gpointer user_data)
{
  FakeStatus *fs = user_data;
  fs->calls++;
  if (memcmp (ecard_id, fs->id, MODEL_ECARD_ID_LEN) != 0)
    return MODEL_STD_NOT_FOUND;
  return fs->answer;
}

static inline void
seed_of (guint8 tag, guint8 seed[32])
{
  for (int i = 0; i < 32; i++)
    seed[i] = (guint8) (tag * 31 + i);
}
