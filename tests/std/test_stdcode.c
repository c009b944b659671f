/* SPDX-License-Identifier: MIT */
/* Tests of the shared ESSC-STD error code names and encodings. */
#include "model/std/stdcode.h"
#include "tests/lib/testutil.h"

#include <string.h>

/* ERR-1: every code has one wire name, and names parse back. */
static void
test_names_roundtrip (void)
{
  for (int i = 0; i < MODEL_STD_N_CODES; i++)
    {
      ModelStdCode back;
      const char *name = model_std_code_name ((ModelStdCode) i);
      g_assert_nonnull (name);
      g_assert_true (model_std_code_from_name (name, &back));
      g_assert_cmpint (back, ==, i);
      for (int j = 0; j < i; j++)
        g_assert_cmpstr (name, !=, model_std_code_name ((ModelStdCode) j));
    }
  ModelStdCode dummy;
  g_assert_false (model_std_code_from_name ("no_such_code", &dummy));
  g_assert_false (model_std_code_from_name (NULL, &dummy));
  g_assert_cmpstr (model_std_code_name ((ModelStdCode) 999), ==, "internal");
}

static void
test_ecard_hex (void)
{
  guint8 id[MODEL_ECARD_ID_LEN], back[MODEL_ECARD_ID_LEN];
  char hex[33];
  for (int i = 0; i < MODEL_ECARD_ID_LEN; i++)
    id[i] = (guint8) (i * 17 + 3);
  model_ecard_id_to_hex (id, hex);
  g_assert_cmpstr (hex, ==, "031425364758697a8b9cadbecfe0f102");
  g_assert_true (model_ecard_id_from_hex (hex, back));
  g_assert_cmpmem (id, sizeof id, back, sizeof back);
  g_assert_false (model_ecard_id_from_hex ("031425364758697A8B9CADBECFE0F102", back));
  g_assert_false (model_ecard_id_from_hex ("031425364758697a8b9cadbecfe0f10", back));
  g_assert_false (model_ecard_id_from_hex ("031425364758697a8b9cadbecfe0f1020", back));
  g_assert_false (model_ecard_id_from_hex ("03142536475869za8b9cadbecfe0f102", back));
  g_assert_false (model_ecard_id_from_hex (NULL, back));
}

/* CRYPTO-2: a key id is the first 8 bytes of BLAKE2b-256 of the public key
 * (vector computed independently with Python's hashlib.blake2b). */
static void
test_key_id (void)
{
  guint8 pk[32], id[MODEL_KEY_ID_LEN];
  static const guint8 expected[MODEL_KEY_ID_LEN] = { 0xcb, 0x2f, 0x51, 0x60,
                                                     0xfc, 0x1f, 0x7e, 0x05 };
  for (int i = 0; i < 32; i++)
    pk[i] = (guint8) i;
  model_key_id (pk, sizeof pk, id);
  g_assert_cmpmem (id, sizeof id, expected, sizeof expected);
  pk[31] ^= 1;
  model_key_id (pk, sizeof pk, id);
  g_assert_true (memcmp (id, expected, sizeof id) != 0);
}

int
main (int argc, char **argv)
{
  essc_test_init (&argc, &argv);
  g_test_add_func ("/stdcode/names/roundtrip", test_names_roundtrip);
  g_test_add_func ("/stdcode/ecard-id/hex", test_ecard_hex);
  g_test_add_func ("/stdcode/key-id/blake2b", test_key_id);
  return g_test_run ();
}
