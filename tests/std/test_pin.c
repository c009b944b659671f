/* SPDX-License-Identifier: MIT */
/*
 * Tests of the e-card PIN table (model/std/pin.c): the format and weak-PIN
 * rules, Argon2id storage, verification, the lock after five consecutive
 * wrong PINs and its end after 24 hours, reset on success, change with the
 * old PIN, and foreach/restore for the store.  Hashing uses libsodium's
 * minimum limits so the tests run fast; one test checks the interactive
 * default.  Comments name the ESSC-STD requirement (docs/std/30-pin.md).
 */
#include "model/std/pin.h"

#include <sodium.h>
#include <string.h>

#include "tests/lib/testutil.h"

#define SSN_A "11010519491231002X"   /* born 1949-12-31; ends in X */
#define SSN_B "440524188001010014"   /* born 1880-01-01; ends in digits */
#define GOOD "135790"
#define GOOD2 "246813"
#define WRONG "975310"
#define DAY ((gint64) 24 * 60 * 60)

static ModelPinTable *
fast_table (void)
{
  return model_pin_table_new (crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN);
}

static ModelPinTable *
table_with_pin (const char *ssn, const char *pin)
{
  ModelPinTable *t = fast_table ();
  g_autoptr (GError) error = NULL;
  g_assert_true (model_pin_set (t, ssn, pin, strlen (pin), ESSC_TEST_NOW, &error));
  g_assert_no_error (error);
  return t;
}

static gboolean
verify (ModelPinTable *t, const char *pin, gint64 now, GError **error)
{
  return model_pin_verify (t, SSN_B, pin, strlen (pin), now, error);
}

static ModelPinRecord
record (ModelPinTable *t, const char *ssn)
{
  ModelPinRecord r;
  g_assert_true (model_pin_get (t, ssn, &r, NULL));
  return r;
}

/* PIN-3 PIN-4 PIN-5 */
static void
test_set_verify (void)
{
  g_autoptr (ModelPinTable) t = table_with_pin (SSN_B, GOOD);
  g_autoptr (GError) error = NULL;
  g_assert_true (verify (t, GOOD, ESSC_TEST_NOW, &error));
  g_assert_no_error (error);
  ModelPinRecord r = record (t, SSN_B);
  g_assert_cmpstr (r.ssn, ==, SSN_B);
  g_assert_true (g_str_has_prefix (r.hash, "$argon2id$v=19$m=8,t=1,p=1$"));
  g_assert_null (strstr (r.hash, GOOD));
  g_assert_cmpuint (r.failures, ==, 0);
  g_assert_cmpint (r.locked_until, ==, 0);
  /* The same PIN for another person hashes differently (random salt). */
  g_assert_true (model_pin_set (t, SSN_A, GOOD, 6, ESSC_TEST_NOW, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (record (t, SSN_A).hash, !=, r.hash);
}

/* PIN-4 PIN-12: interactive limits by default. */
static void
test_default_limits (void)
{
  g_autoptr (ModelPinTable) t = model_pin_table_new (0, 0);
  g_autoptr (GError) error = NULL;
  g_assert_true (model_pin_set (t, SSN_B, GOOD, 6, ESSC_TEST_NOW, &error));
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (record (t, SSN_B).hash, "$argon2id$v=19$m=65536,t=2,p=1$"));
  g_assert_true (verify (t, GOOD, ESSC_TEST_NOW, &error));
  g_assert_no_error (error);
}

/* PIN-3 PIN-10 */
static void
test_set_refused (void)
{
  g_autoptr (ModelPinTable) t = table_with_pin (SSN_B, GOOD);
  g_autoptr (GError) error = NULL;
  g_assert_false (model_pin_set (t, SSN_B, GOOD2, 6, ESSC_TEST_NOW, &error));
  g_assert_error (error, MODEL_PIN_ERROR, MODEL_STD_INVALID_STATE);
  g_clear_error (&error);
  g_assert_true (verify (t, GOOD, ESSC_TEST_NOW, NULL));   /* unchanged */
  g_assert_false (model_pin_set (t, "110105194912310021", GOOD, 6, ESSC_TEST_NOW, &error));
  g_assert_error (error, MODEL_PIN_ERROR, MODEL_STD_INVALID_ID);
  g_assert_nonnull (strstr (error->message, "ssn"));
  g_clear_error (&error);
  g_assert_false (model_pin_set (t, "1101051949123100", GOOD, 6, ESSC_TEST_NOW, &error));
  g_assert_error (error, MODEL_PIN_ERROR, MODEL_STD_MALFORMED);
  g_clear_error (&error);
  g_assert_false (model_pin_set (t, NULL, GOOD, 6, ESSC_TEST_NOW, &error));
  g_assert_error (error, MODEL_PIN_ERROR, MODEL_STD_MALFORMED);
  g_clear_error (&error);
  g_assert_false (model_pin_verify (t, SSN_A, GOOD, 6, ESSC_TEST_NOW, &error));
  g_assert_error (error, MODEL_PIN_ERROR, MODEL_STD_NOT_FOUND);
}

/* PIN-5 */
static void
test_wrong (void)
{
  g_autoptr (ModelPinTable) t = table_with_pin (SSN_B, GOOD);
  g_autoptr (GError) error = NULL;
  g_assert_false (verify (t, WRONG, ESSC_TEST_NOW, &error));
  g_assert_error (error, MODEL_PIN_ERROR, MODEL_STD_PIN_WRONG);
  g_assert_null (strstr (error->message, WRONG));
  g_assert_null (strstr (error->message, GOOD));
  g_assert_cmpuint (record (t, SSN_B).failures, ==, 1);
}

/* PIN-6 */
static void
test_lockout (void)
{
  g_autoptr (ModelPinTable) t = table_with_pin (SSN_B, GOOD);
  g_autoptr (GError) error = NULL;
  gint64 t5 = ESSC_TEST_NOW + 50;
  for (int i = 1; i <= 4; i++)
    {
      g_assert_false (verify (t, WRONG, ESSC_TEST_NOW + 10 * i, &error));
      g_assert_error (error, MODEL_PIN_ERROR, MODEL_STD_PIN_WRONG);
      g_clear_error (&error);
      g_assert_cmpuint (record (t, SSN_B).failures, ==, (guint) i);
      g_assert_cmpint (record (t, SSN_B).locked_until, ==, 0);
    }
  g_assert_false (verify (t, WRONG, t5, &error));
  g_assert_error (error, MODEL_PIN_ERROR, MODEL_STD_PIN_LOCKED);
  g_clear_error (&error);
  g_assert_cmpuint (record (t, SSN_B).failures, ==, 5);
  g_assert_cmpint (record (t, SSN_B).locked_until, ==, t5 + DAY);
  /* Locked: even the right PIN is refused, and tries do not extend the lock. */
  const gint64 during[] = { t5, t5 + 1, t5 + DAY / 2, t5 + DAY - 1 };
  for (gsize i = 0; i < G_N_ELEMENTS (during); i++)
    {
      g_assert_false (verify (t, GOOD, during[i], &error));
      g_assert_error (error, MODEL_PIN_ERROR, MODEL_STD_PIN_LOCKED);
      g_clear_error (&error);
      g_assert_false (verify (t, WRONG, during[i], &error));
      g_assert_error (error, MODEL_PIN_ERROR, MODEL_STD_PIN_LOCKED);
      g_clear_error (&error);
    }
  g_assert_cmpint (record (t, SSN_B).locked_until, ==, t5 + DAY);
  /* 24 hours after the fifth failure the lock ends. */
  g_assert_true (verify (t, GOOD, t5 + DAY, &error));
  g_assert_no_error (error);
  ModelPinRecord r = record (t, SSN_B);
  g_assert_cmpuint (r.failures, ==, 0);
  g_assert_cmpint (r.locked_until, ==, 0);
}

/* PIN-6: after the lock ends the count starts afresh. */
static void
test_lock_expiry_fresh_count (void)
{
  g_autoptr (ModelPinTable) t = table_with_pin (SSN_B, GOOD);
  g_autoptr (GError) error = NULL;
  for (int i = 0; i < 5; i++)
    g_assert_false (verify (t, WRONG, ESSC_TEST_NOW, NULL));
  g_assert_false (verify (t, WRONG, ESSC_TEST_NOW + DAY, &error));
  g_assert_error (error, MODEL_PIN_ERROR, MODEL_STD_PIN_WRONG);
  ModelPinRecord r = record (t, SSN_B);
  g_assert_cmpuint (r.failures, ==, 1);
  g_assert_cmpint (r.locked_until, ==, 0);
}

/* PIN-7 */
static void
test_reset_on_success (void)
{
  g_autoptr (ModelPinTable) t = table_with_pin (SSN_B, GOOD);
  g_autoptr (GError) error = NULL;
  for (int i = 0; i < 4; i++)
    g_assert_false (verify (t, WRONG, ESSC_TEST_NOW, NULL));
  g_assert_true (verify (t, GOOD, ESSC_TEST_NOW, NULL));
  g_assert_cmpuint (record (t, SSN_B).failures, ==, 0);
  for (int i = 0; i < 4; i++)
    {
      g_assert_false (verify (t, WRONG, ESSC_TEST_NOW, &error));
      g_assert_error (error, MODEL_PIN_ERROR, MODEL_STD_PIN_WRONG);
      g_clear_error (&error);
    }
  g_assert_true (verify (t, GOOD, ESSC_TEST_NOW, &error));
  g_assert_no_error (error);
}

/* PIN-2: each weak PIN refused, with the reason. */
static void
test_weak (void)
{
  g_autoptr (ModelPinTable) t = fast_table ();
  static const struct { const char *ssn, *pin, *why; } weak[] = {
    { SSN_B, "000000", "same" }, { SSN_B, "111111", "same" }, { SSN_B, "222222", "same" },
    { SSN_B, "333333", "same" }, { SSN_B, "444444", "same" }, { SSN_B, "555555", "same" },
    { SSN_B, "666666", "same" }, { SSN_B, "777777", "same" }, { SSN_B, "888888", "same" },
    { SSN_B, "999999", "same" },
    { SSN_B, "012345", "ascending" }, { SSN_B, "123456", "ascending" },
    { SSN_B, "234567", "ascending" }, { SSN_B, "345678", "ascending" },
    { SSN_B, "456789", "ascending" },
    { SSN_B, "987654", "descending" }, { SSN_B, "876543", "descending" },
    { SSN_B, "765432", "descending" }, { SSN_B, "654321", "descending" },
    { SSN_B, "543210", "descending" },
    { SSN_B, "800101", "birth date" }, { SSN_A, "491231", "birth date" },
    { SSN_B, "010014", "last six" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (weak); i++)
    {
      g_autoptr (GError) error = NULL;
      g_assert_false (model_pin_check_rules (weak[i].ssn, weak[i].pin, 6, &error));
      g_assert_error (error, MODEL_PIN_ERROR, MODEL_STD_PIN_WEAK);
      g_assert_nonnull (strstr (error->message, weak[i].why));
      g_clear_error (&error);
      g_assert_false (model_pin_set (t, weak[i].ssn, weak[i].pin, 6, ESSC_TEST_NOW, &error));
      g_assert_error (error, MODEL_PIN_ERROR, MODEL_STD_PIN_WEAK);
    }
  g_assert_false (model_pin_get (t, SSN_A, &(ModelPinRecord) { 0 }, NULL));
  g_assert_false (model_pin_get (t, SSN_B, &(ModelPinRecord) { 0 }, NULL));
  /* Near misses are fine: wrapping runs, pairs, another person's dates. */
  const char *fine[] = { "890123", "123457", "112233", "800102", "491231", "010015",
                         "210987", "000001" };
  for (gsize i = 0; i < G_N_ELEMENTS (fine); i++)
    {
      g_autoptr (GError) error = NULL;
      g_assert_true (model_pin_check_rules (SSN_B, fine[i], 6, &error));
      g_assert_no_error (error);
    }
}

/* PIN-1 PIN-9: the format; malformed candidates are not counted. */
static void
test_format (void)
{
  g_autoptr (ModelPinTable) t = table_with_pin (SSN_B, GOOD);
  static const struct { const char *pin; gsize len; } bad[] = {
    { "13579", 5 }, { "1357902", 7 }, { "", 0 }, { "13a790", 6 }, { "13 790", 6 },
    { "-35790", 6 }, { "+35790", 6 }, { "13\0" "790", 6 }, { "135790\0", 7 },
    { "\xef\xbc\x91\xef\xbc\x93", 6 },           /* full-width digits */
    { "13579\xff", 6 }, { NULL, 6 },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (GError) error = NULL;
      g_assert_false (model_pin_check_rules (SSN_B, bad[i].pin, bad[i].len, &error));
      g_assert_error (error, MODEL_PIN_ERROR, MODEL_STD_MALFORMED);
      g_clear_error (&error);
      g_assert_false (model_pin_set (t, SSN_A, bad[i].pin, bad[i].len, ESSC_TEST_NOW, &error));
      g_assert_error (error, MODEL_PIN_ERROR, MODEL_STD_MALFORMED);
      g_clear_error (&error);
      g_assert_false (model_pin_verify (t, SSN_B, bad[i].pin, bad[i].len, ESSC_TEST_NOW,
                                        &error));
      g_assert_error (error, MODEL_PIN_ERROR, MODEL_STD_MALFORMED);
      g_assert_nonnull (strstr (error->message, "pin"));
    }
  g_assert_cmpuint (record (t, SSN_B).failures, ==, 0);
  /* A valid PIN followed by more bytes is not the PIN. */
  g_assert_false (model_pin_verify (t, SSN_B, GOOD "0", 7, ESSC_TEST_NOW, NULL));
  g_assert_true (model_pin_verify (t, SSN_B, GOOD "0", 6, ESSC_TEST_NOW, NULL));
}

/* PIN-6 PIN-8 PIN-10 */
static void
test_change (void)
{
  g_autoptr (ModelPinTable) t = table_with_pin (SSN_B, GOOD);
  g_autoptr (GError) error = NULL;
  /* A weak new PIN is refused before the old one is tried: nothing counted. */
  g_assert_false (model_pin_change (t, SSN_B, WRONG, 6, "123456", 6, ESSC_TEST_NOW, &error));
  g_assert_error (error, MODEL_PIN_ERROR, MODEL_STD_PIN_WEAK);
  g_assert_nonnull (strstr (error->message, "new_pin"));
  g_clear_error (&error);
  g_assert_cmpuint (record (t, SSN_B).failures, ==, 0);
  g_assert_false (model_pin_change (t, SSN_B, GOOD, 6, "12345", 5, ESSC_TEST_NOW, &error));
  g_assert_error (error, MODEL_PIN_ERROR, MODEL_STD_MALFORMED);
  g_clear_error (&error);
  /* A wrong old PIN is a counted failure. */
  g_assert_false (model_pin_change (t, SSN_B, WRONG, 6, GOOD2, 6, ESSC_TEST_NOW, &error));
  g_assert_error (error, MODEL_PIN_ERROR, MODEL_STD_PIN_WRONG);
  g_assert_nonnull (strstr (error->message, "old_pin"));
  g_clear_error (&error);
  g_assert_cmpuint (record (t, SSN_B).failures, ==, 1);
  /* The same PIN again is refused. */
  g_assert_false (model_pin_change (t, SSN_B, GOOD, 6, GOOD, 6, ESSC_TEST_NOW, &error));
  g_assert_error (error, MODEL_PIN_ERROR, MODEL_STD_PIN_WEAK);
  g_clear_error (&error);
  g_assert_true (model_pin_change (t, SSN_B, GOOD, 6, GOOD2, 6, ESSC_TEST_NOW, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (record (t, SSN_B).failures, ==, 0);
  g_assert_false (verify (t, GOOD, ESSC_TEST_NOW, &error));
  g_assert_error (error, MODEL_PIN_ERROR, MODEL_STD_PIN_WRONG);
  g_clear_error (&error);
  g_assert_true (verify (t, GOOD2, ESSC_TEST_NOW, &error));
  g_assert_no_error (error);
  /* Locked: no change even with the right old PIN. */
  for (int i = 0; i < 5; i++)
    g_assert_false (verify (t, WRONG, ESSC_TEST_NOW, NULL));
  g_assert_false (model_pin_change (t, SSN_B, GOOD2, 6, GOOD, 6, ESSC_TEST_NOW + 1, &error));
  g_assert_error (error, MODEL_PIN_ERROR, MODEL_STD_PIN_LOCKED);
  g_clear_error (&error);
  g_assert_false (model_pin_change (t, SSN_A, GOOD2, 6, GOOD, 6, ESSC_TEST_NOW, &error));
  g_assert_error (error, MODEL_PIN_ERROR, MODEL_STD_NOT_FOUND);
}

static void
collect (const ModelPinRecord *r, gpointer user_data)
{
  g_array_append_vals (user_data, r, 1);
}

/* PIN-11 */
static void
test_store_roundtrip (void)
{
  g_autoptr (ModelPinTable) t = table_with_pin (SSN_B, GOOD);
  g_assert_true (model_pin_set (t, SSN_A, GOOD2, 6, ESSC_TEST_NOW, NULL));
  for (int i = 0; i < 5; i++)
    g_assert_false (verify (t, WRONG, ESSC_TEST_NOW, NULL));
  g_autoptr (GArray) a = g_array_new (FALSE, TRUE, sizeof (ModelPinRecord));
  model_pin_foreach (t, collect, a);
  g_assert_cmpuint (a->len, ==, 2);
  g_assert_cmpstr (g_array_index (a, ModelPinRecord, 0).ssn, ==, SSN_A);   /* SSN order */
  g_assert_cmpstr (g_array_index (a, ModelPinRecord, 1).ssn, ==, SSN_B);

  g_autoptr (ModelPinTable) back = fast_table ();
  for (guint i = 0; i < a->len; i++)
    {
      g_autoptr (GError) error = NULL;
      g_assert_true (model_pin_restore (back, &g_array_index (a, ModelPinRecord, i),
                                        ESSC_TEST_NOW, &error));
      g_assert_no_error (error);
    }
  g_autoptr (GArray) b = g_array_new (FALSE, TRUE, sizeof (ModelPinRecord));
  model_pin_foreach (back, collect, b);
  g_assert_cmpmem (a->data, a->len * sizeof (ModelPinRecord),
                   b->data, b->len * sizeof (ModelPinRecord));
  g_autoptr (GError) error = NULL;
  g_assert_true (model_pin_verify (back, SSN_A, GOOD2, 6, ESSC_TEST_NOW, &error));
  g_assert_no_error (error);
  g_assert_false (model_pin_verify (back, SSN_B, GOOD, 6, ESSC_TEST_NOW, &error));
  g_assert_error (error, MODEL_PIN_ERROR, MODEL_STD_PIN_LOCKED);
  g_clear_error (&error);
  g_assert_true (model_pin_verify (back, SSN_B, GOOD, 6, ESSC_TEST_NOW + DAY, &error));
  g_assert_no_error (error);
  g_assert_false (model_pin_restore (back, &g_array_index (a, ModelPinRecord, 0),
                                     ESSC_TEST_NOW, &error));
  g_assert_error (error, MODEL_PIN_ERROR, MODEL_STD_INVALID_STATE);
}

/* PIN-11 */
static void
test_store_restore_invalid (void)
{
  g_autoptr (ModelPinTable) t = table_with_pin (SSN_B, GOOD);
  ModelPinRecord good = record (t, SSN_B);
  g_autoptr (ModelPinTable) back = fast_table ();
  ModelPinRecord bad[9];
  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    bad[i] = good;
  memset (bad[0].hash, 'a', sizeof bad[0].hash);                 /* no NUL */
  memcpy (bad[1].hash, "$argon2i$", 9);                          /* other algorithm */
  g_strlcpy (bad[2].hash, "$argon2id$v=19$m=8,t=1,p=1$", sizeof bad[2].hash);
  bad[3].failures = 6;
  bad[4].failures = 5;                                           /* locked, no time */
  bad[5].locked_until = ESSC_TEST_NOW;                           /* time, not locked */
  bad[6].ssn[17] = '5';                                          /* bad check char */
  memset (bad[7].ssn, '1', sizeof bad[7].ssn);                   /* no NUL */
  bad[8].locked_until = -1;
  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (GError) error = NULL;
      g_assert_false (model_pin_restore (back, &bad[i], ESSC_TEST_NOW, &error));
      g_assert_nonnull (error);
      g_assert_true (error->domain == MODEL_PIN_ERROR);
      g_assert_true (error->code == MODEL_STD_MALFORMED || error->code == MODEL_STD_INVALID_ID);
    }
  g_autoptr (GError) error = NULL;
  g_assert_true (model_pin_restore (back, &good, ESSC_TEST_NOW, &error));
  g_assert_no_error (error);
}

static void
test_free_null (void)
{
  model_pin_table_free (NULL);
}

/* PIN-13: verify and change judge the SSN by section 1 before looking it up. */
static void
test_ssn_first (void)
{
  g_autoptr (ModelPinTable) t = fast_table ();
  g_autoptr (GError) error = NULL;
  g_assert_true (model_pin_set (t, SSN_A, GOOD, 6, ESSC_TEST_NOW, &error));
  static const struct {
    const char *ssn;
    gint code;   /* a ModelStdCode */
  } bad[] = {
    { "11010519491231002x", MODEL_STD_MALFORMED },   /* lower-case x (ID-1) */
    { "1101051949123100", MODEL_STD_MALFORMED },     /* 16 characters */
    { "110105194912310021", MODEL_STD_INVALID_ID },  /* check character (ID-2) */
    { "990105194912310023", MODEL_STD_INVALID_ID },  /* province 99 (ID-4) */
  };
  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_assert_false (model_pin_verify (t, bad[i].ssn, GOOD, 6, ESSC_TEST_NOW, &error));
      g_assert_error (error, MODEL_PIN_ERROR, bad[i].code);
      g_clear_error (&error);
      /* the SSN before the weak new PIN */
      g_assert_false (model_pin_change (t, bad[i].ssn, GOOD, 6, "111111", 6, ESSC_TEST_NOW,
                                        &error));
      g_assert_error (error, MODEL_PIN_ERROR, bad[i].code);
      g_clear_error (&error);
    }
  /* A valid SSN without a PIN is not_found (PIN-10), before the weak new PIN. */
  g_assert_false (model_pin_verify (t, SSN_B, GOOD, 6, ESSC_TEST_NOW, &error));
  g_assert_error (error, MODEL_PIN_ERROR, MODEL_STD_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (model_pin_change (t, SSN_B, GOOD, 6, "111111", 6, ESSC_TEST_NOW, &error));
  g_assert_error (error, MODEL_PIN_ERROR, MODEL_STD_NOT_FOUND);
  g_clear_error (&error);
  /* Nothing was counted against SSN_A. */
  ModelPinRecord rec;
  g_assert_true (model_pin_get (t, SSN_A, &rec, NULL));
  g_assert_cmpuint (rec.failures, ==, 0);
}

int
main (int argc, char **argv)
{
  essc_test_init (&argc, &argv);
  g_test_add_func ("/pin/set-verify", test_set_verify);
  g_test_add_func ("/pin/default-limits", test_default_limits);
  g_test_add_func ("/pin/set-refused", test_set_refused);
  g_test_add_func ("/pin/wrong", test_wrong);
  g_test_add_func ("/pin/lockout", test_lockout);
  g_test_add_func ("/pin/lock-expiry-fresh-count", test_lock_expiry_fresh_count);
  g_test_add_func ("/pin/reset-on-success", test_reset_on_success);
  g_test_add_func ("/pin/weak", test_weak);
  g_test_add_func ("/pin/format", test_format);
  g_test_add_func ("/pin/change", test_change);
  g_test_add_func ("/pin/ssn-first", test_ssn_first);
  g_test_add_func ("/pin/store/roundtrip", test_store_roundtrip);
  g_test_add_func ("/pin/store/restore-invalid", test_store_restore_invalid);
  g_test_add_func ("/pin/free-null", test_free_null);
  return g_test_run ();
}
