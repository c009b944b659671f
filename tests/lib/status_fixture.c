/* SPDX-License-Identifier: MIT */
/*
 * The helpers declared in tests/lib/status_fixture.h, which says what they are for.
 */
#include "tests/lib/status_fixture.h"

ModelStdCode
fx_status_fake (const guint8 ecard_id[16], gpointer user_data)
{
  FxFakeStatus *fs = user_data;
  fs->calls++;
  if (memcmp (ecard_id, fs->id, MODEL_ECARD_ID_LEN) != 0)
    return MODEL_STD_NOT_FOUND;
  return fs->answer;
}

void
fx_status_seed_of (guint8 tag, guint8 seed[32])
{
  for (int i = 0; i < 32; i++)
    seed[i] = (guint8) (tag * 31 + i);
}
