/* SPDX-License-Identifier: MIT */
/*
 * Vectors of ESSC-STD section 3 (pin.json), platform role with pin_limits
 * "min": setting (format, every kind of weak PIN, one PIN per SSN, the
 * SSN's own rules), verification (wrong PINs counted, the lock at the 5th
 * failure for exactly 86 400 s, no extension, a correct PIN resetting the
 * count, malformed candidates not counted, the order of checks) and change
 * (the new PIN checked first without counting, the old PIN verified and
 * counted, new = old refused).  Mirrored on ModelPinTable with libsodium's
 * minimum Argon2id limits.
 */
#include "conformance/vec_private.h"

#include "model/std/pin.h"

#include <sodium.h>
#include <string.h>

#define T0 CONF_VECTORS_CLOCK
#define LOCK ((gint64) 86400)
#define SSN CONF_VEC_SSN3          /* born 1990-02-15, ends 150032 */
#define GOOD "260419"
#define GOOD2 "731906"

typedef struct {
  ConfVec *v;
  ConfVecWorld *w;
  ModelPinTable *pins;
} Fx;

static void
fx_reset (Fx *fx, gboolean emit)
{
  g_clear_pointer (&fx->pins, model_pin_table_free);
  fx->pins = model_pin_table_new (crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN);
  conf_vec_mute (fx->v, !emit);
  conf_vec_reset_platform (fx->v, fx->w, NULL);
  conf_vec_mute (fx->v, FALSE);
}

static void
emit (Fx *fx, const char *op, JsonNode *params, GError *error, ModelStdCode want)
{
  conf_vec_agree (fx->v, op, error, want);
  conf_vec_step (fx->v, op, params,
                 want == MODEL_STD_OK ? conf_vec_ok (NULL) : conf_vec_err (want), NULL);
}

static void
set (Fx *fx, const char *ssn, const char *pin, gint64 now, ModelStdCode want)
{
  GError *error = NULL;
  model_pin_set (fx->pins, ssn, pin, strlen (pin), now, &error);
  emit (fx, "pin.set", conf_jo ("ssn", conf_js (ssn), "pin", conf_js (pin), "now", conf_ji (now),
                                NULL), error, want);
}

static void
verify_ssn (Fx *fx, const char *ssn, const char *pin, gint64 now, ModelStdCode want)
{
  GError *error = NULL;
  model_pin_verify (fx->pins, ssn, pin, strlen (pin), now, &error);
  emit (fx, "pin.verify", conf_jo ("ssn", conf_js (ssn), "pin", conf_js (pin),
                                   "now", conf_ji (now), NULL), error, want);
}

static void
verify (Fx *fx, const char *pin, gint64 now, ModelStdCode want)
{
  verify_ssn (fx, SSN, pin, now, want);
}

static void
change_ssn (Fx *fx, const char *ssn, const char *old, const char *new_pin, gint64 now,
            ModelStdCode want)
{
  GError *error = NULL;
  model_pin_change (fx->pins, ssn, old, strlen (old), new_pin, strlen (new_pin), now, &error);
  emit (fx, "pin.change", conf_jo ("ssn", conf_js (ssn), "old_pin", conf_js (old),
                                   "new_pin", conf_js (new_pin), "now", conf_ji (now), NULL),
        error, want);
}

static void
change (Fx *fx, const char *old, const char *new_pin, gint64 now, ModelStdCode want)
{
  change_ssn (fx, SSN, old, new_pin, now, want);
}

#define TEST(name, reqs, comment, flags, result) \
  do { fx_reset (fx, FALSE); conf_vec_test (fx->v, name, reqs, comment, flags, result); } \
  while (0)

static void
format_and_rules (Fx *fx)
{
  TEST ("set-and-verify", "PIN-1 PIN-3 PIN-5", "a PIN set, then verified", NULL, "valid");
  set (fx, SSN, GOOD, T0, MODEL_STD_OK);
  verify (fx, GOOD, T0 + 1, MODEL_STD_OK);
  TEST ("wrong", "PIN-5", "a wrong PIN", "Wrong", "invalid");
  set (fx, SSN, GOOD, T0, MODEL_STD_OK);
  verify (fx, GOOD2, T0 + 1, MODEL_STD_PIN_WRONG);
  static const struct {
    const char *name, *pin;
  } bad[] = {
    { "5-digits", "26041" }, { "7-digits", "2604190" }, { "empty", "" }, { "letter", "26041a" },
    { "blank", "2604 9" }, { "sign", "+26041" }, { "fullwidth", "\xef\xbc\x92\xef\xbc\x96" },
    { "non-ascii", "26041\xc3\xa9" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *name = g_strdup_printf ("set-malformed-%s", bad[i].name);
      TEST (name, "PIN-1", "a candidate that is not 6 ASCII digits", "Malformed", "invalid");
      set (fx, SSN, bad[i].pin, T0, MODEL_STD_MALFORMED);
    }
  static const struct {
    const char *name, *pin;
    ModelStdCode want;
  } weak[] = {
    { "same-0", "000000", MODEL_STD_PIN_WEAK }, { "same-9", "999999", MODEL_STD_PIN_WEAK },
    { "same-5", "555555", MODEL_STD_PIN_WEAK }, { "up-012345", "012345", MODEL_STD_PIN_WEAK },
    { "up-123456", "123456", MODEL_STD_PIN_WEAK }, { "up-456789", "456789", MODEL_STD_PIN_WEAK },
    { "down-987654", "987654", MODEL_STD_PIN_WEAK },
    { "down-543210", "543210", MODEL_STD_PIN_WEAK },
    { "birth-yymmdd", "900215", MODEL_STD_PIN_WEAK },
    { "ssn-last-six", "150032", MODEL_STD_PIN_WEAK },
    { "no-wrap-890123", "890123", MODEL_STD_OK }, { "no-wrap-210987", "210987", MODEL_STD_OK },
    { "almost-run", "123457", MODEL_STD_OK },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (weak); i++)
    {
      g_autofree char *name = g_strdup_printf ("set-weak-%s", weak[i].name);
      TEST (name, "PIN-2", "the weak PINs of PIN-2, and near misses that are not weak", "Weak",
            weak[i].want == MODEL_STD_OK ? "valid" : "invalid");
      set (fx, SSN, weak[i].pin, T0, weak[i].want);
    }
  TEST ("set-twice", "PIN-3", "a second pin.set for the same SSN", "State", "invalid");
  set (fx, SSN, GOOD, T0, MODEL_STD_OK);
  set (fx, SSN, GOOD2, T0 + 1, MODEL_STD_INVALID_STATE);
  TEST ("set-ssn-invalid", "PIN-3 ID-2", "an SSN with a wrong check character", "Malformed",
        "invalid");
  set (fx, "310104199002150031", GOOD, T0, MODEL_STD_INVALID_ID);
  TEST ("set-ssn-malformed", "PIN-3 ID-1", "an SSN with a lower-case x", "Malformed", "invalid");
  set (fx, "11010519491231002x", GOOD, T0, MODEL_STD_MALFORMED);
  TEST ("set-order-format-before-state", "PIN-3 PIN-1", "a malformed PIN for an SSN that has "
        "one: malformed (3.2)", "Malformed", "invalid");
  set (fx, SSN, GOOD, T0, MODEL_STD_OK);
  set (fx, SSN, "12345", T0 + 1, MODEL_STD_MALFORMED);
  TEST ("verify-unknown-ssn", "PIN-10", "no PIN set for the SSN", "NotFound", "invalid");
  verify (fx, GOOD, T0, MODEL_STD_NOT_FOUND);
  TEST ("change-unknown-ssn", "PIN-10", "no PIN set for the SSN", "NotFound", "invalid");
  change (fx, GOOD, GOOD2, T0, MODEL_STD_NOT_FOUND);
  /* PIN-13: the SSN is judged by section 1 before it is looked up. */
  static const struct {
    const char *name, *ssn, *what;
    ModelStdCode want;
  } ssn[] = {
    { "lowercase-x", "11010519491231002x", "a lower-case x", MODEL_STD_MALFORMED },
    { "17-chars", "11010519491231002", "17 characters", MODEL_STD_MALFORMED },
    { "check-char", "310104199002150031", "a wrong check character", MODEL_STD_INVALID_ID },
    { "province", "990104199002150039", "province 99", MODEL_STD_INVALID_ID },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (ssn); i++)
    {
      g_autofree char *vname = g_strdup_printf ("verify-ssn-%s", ssn[i].name);
      g_autofree char *cname = g_strdup_printf ("change-ssn-%s", ssn[i].name);
      g_autofree char *vcomment = g_strdup_printf ("pin.verify for an SSN with %s (which no "
                                                   "PIN can belong to): %s, not not_found",
                                                   ssn[i].what,
                                                   model_std_code_name (ssn[i].want));
      TEST (vname, "PIN-13 ID-1 ID-2 ID-4", vcomment, "Malformed Order", "invalid");
      set (fx, SSN, GOOD, T0, MODEL_STD_OK);
      verify_ssn (fx, ssn[i].ssn, GOOD, T0 + 1, ssn[i].want);
      TEST (cname, "PIN-13 ID-1 ID-2 ID-4", "the same for pin.change, with a weak new PIN "
            "(the SSN is judged first)", "Malformed Order", "invalid");
      set (fx, SSN, GOOD, T0, MODEL_STD_OK);
      change_ssn (fx, ssn[i].ssn, GOOD, "111111", T0 + 1, ssn[i].want);
    }
  TEST ("verify-ssn-future-birth", "PIN-13 ID-3", "an SSN born after the validation day: "
        "invalid_id", "Malformed Order", "invalid");
  verify_ssn (fx, "11010520300101001X", GOOD, T0, MODEL_STD_INVALID_ID);
  TEST ("change-order-unknown-before-weak", "PIN-13 PIN-10 PIN-8", "a valid SSN without a PIN "
        "and a weak new PIN: not_found", "Order", "invalid");
  change (fx, GOOD, "111111", T0, MODEL_STD_NOT_FOUND);
}

static void
lockout (Fx *fx)
{
  TEST ("lock-at-fifth", "PIN-5 PIN-6", "four wrong PINs, the fifth locks", "Lock", "invalid");
  set (fx, SSN, GOOD, T0, MODEL_STD_OK);
  for (int i = 0; i < 4; i++)
    verify (fx, GOOD2, T0 + 1 + i, MODEL_STD_PIN_WRONG);
  verify (fx, GOOD2, T0 + 5, MODEL_STD_PIN_LOCKED);
  TEST ("locked-refuses-right-pin", "PIN-6", "while locked the right PIN is refused too",
        "Lock", "invalid");
  set (fx, SSN, GOOD, T0, MODEL_STD_OK);
  for (int i = 0; i < 5; i++)
    verify (fx, GOOD2, T0 + 1, i < 4 ? MODEL_STD_PIN_WRONG : MODEL_STD_PIN_LOCKED);
  verify (fx, GOOD, T0 + 2, MODEL_STD_PIN_LOCKED);
  verify (fx, GOOD, T0 + 1 + LOCK - 1, MODEL_STD_PIN_LOCKED);
  TEST ("lock-ends", "PIN-6", "the lock ends 86 400 s after the fifth failure", "Lock", "valid");
  set (fx, SSN, GOOD, T0, MODEL_STD_OK);
  for (int i = 0; i < 5; i++)
    verify (fx, GOOD2, T0 + 1, i < 4 ? MODEL_STD_PIN_WRONG : MODEL_STD_PIN_LOCKED);
  verify (fx, GOOD, T0 + 1 + LOCK, MODEL_STD_OK);
  TEST ("lock-not-extended", "PIN-6", "wrong PINs while locked do not extend the lock", "Lock",
        "valid");
  set (fx, SSN, GOOD, T0, MODEL_STD_OK);
  for (int i = 0; i < 5; i++)
    verify (fx, GOOD2, T0 + 1, i < 4 ? MODEL_STD_PIN_WRONG : MODEL_STD_PIN_LOCKED);
  verify (fx, GOOD2, T0 + 1000, MODEL_STD_PIN_LOCKED);
  verify (fx, GOOD2, T0 + 2000, MODEL_STD_PIN_LOCKED);
  verify (fx, GOOD, T0 + 1 + LOCK, MODEL_STD_OK);
  TEST ("count-restarts-after-lock", "PIN-6", "after the lock the count starts at 0", "Lock",
        "invalid");
  set (fx, SSN, GOOD, T0, MODEL_STD_OK);
  for (int i = 0; i < 5; i++)
    verify (fx, GOOD2, T0 + 1, i < 4 ? MODEL_STD_PIN_WRONG : MODEL_STD_PIN_LOCKED);
  for (int i = 0; i < 4; i++)
    verify (fx, GOOD2, T0 + 1 + LOCK + i, MODEL_STD_PIN_WRONG);
  verify (fx, GOOD2, T0 + 1 + LOCK + 10, MODEL_STD_PIN_LOCKED);
  TEST ("right-pin-resets-count", "PIN-7", "four wrong, one right, four wrong: not locked",
        NULL, "valid");
  set (fx, SSN, GOOD, T0, MODEL_STD_OK);
  for (int i = 0; i < 4; i++)
    verify (fx, GOOD2, T0 + 1, MODEL_STD_PIN_WRONG);
  verify (fx, GOOD, T0 + 2, MODEL_STD_OK);
  for (int i = 0; i < 4; i++)
    verify (fx, GOOD2, T0 + 3, MODEL_STD_PIN_WRONG);
  verify (fx, GOOD, T0 + 4, MODEL_STD_OK);
  TEST ("malformed-not-counted", "PIN-9", "four wrong and two malformed candidates: the next "
        "wrong one is the fifth failure", "Malformed Lock", "invalid");
  set (fx, SSN, GOOD, T0, MODEL_STD_OK);
  for (int i = 0; i < 4; i++)
    verify (fx, GOOD2, T0 + 1, MODEL_STD_PIN_WRONG);
  verify (fx, "12345", T0 + 2, MODEL_STD_MALFORMED);
  verify (fx, "1234567", T0 + 2, MODEL_STD_MALFORMED);
  verify (fx, GOOD, T0 + 3, MODEL_STD_OK);
  TEST ("locked-before-format", "PIN-6", "a malformed candidate while locked: pin_locked (3.2)",
        "Lock", "invalid");
  set (fx, SSN, GOOD, T0, MODEL_STD_OK);
  for (int i = 0; i < 5; i++)
    verify (fx, GOOD2, T0 + 1, i < 4 ? MODEL_STD_PIN_WRONG : MODEL_STD_PIN_LOCKED);
  verify (fx, "12", T0 + 2, MODEL_STD_PIN_LOCKED);
}

static void
changes (Fx *fx)
{
  TEST ("change", "PIN-8", "changed with the old PIN: the new one works, the old does not",
        NULL, "valid");
  set (fx, SSN, GOOD, T0, MODEL_STD_OK);
  change (fx, GOOD, GOOD2, T0 + 1, MODEL_STD_OK);
  verify (fx, GOOD2, T0 + 2, MODEL_STD_OK);
  verify (fx, GOOD, T0 + 3, MODEL_STD_PIN_WRONG);
  TEST ("change-wrong-old-counts", "PIN-8 PIN-6", "wrong old PINs count towards the lock",
        "Wrong Lock", "invalid");
  set (fx, SSN, GOOD, T0, MODEL_STD_OK);
  for (int i = 0; i < 4; i++)
    change (fx, GOOD2, "808080", T0 + 1, MODEL_STD_PIN_WRONG);
  verify (fx, GOOD2, T0 + 2, MODEL_STD_PIN_LOCKED);
  TEST ("change-weak-new-not-counted", "PIN-8 PIN-2", "a weak new PIN is refused before the "
        "old one is checked: nothing counted", "Weak", "invalid");
  set (fx, SSN, GOOD, T0, MODEL_STD_OK);
  for (int i = 0; i < 6; i++)
    change (fx, GOOD2, "111111", T0 + 1, MODEL_STD_PIN_WEAK);
  verify (fx, GOOD, T0 + 2, MODEL_STD_OK);
  TEST ("change-malformed-new", "PIN-8 PIN-1", "a malformed new PIN", "Malformed", "invalid");
  set (fx, SSN, GOOD, T0, MODEL_STD_OK);
  change (fx, GOOD, "73190", T0 + 1, MODEL_STD_MALFORMED);
  TEST ("change-same", "PIN-8", "the new PIN equal to the old", "Weak", "invalid");
  set (fx, SSN, GOOD, T0, MODEL_STD_OK);
  change (fx, GOOD, GOOD, T0 + 1, MODEL_STD_PIN_WEAK);
  TEST ("change-while-locked", "PIN-6 PIN-8", "a change while locked, the right old PIN "
        "included", "Lock", "invalid");
  set (fx, SSN, GOOD, T0, MODEL_STD_OK);
  for (int i = 0; i < 5; i++)
    verify (fx, GOOD2, T0 + 1, i < 4 ? MODEL_STD_PIN_WRONG : MODEL_STD_PIN_LOCKED);
  change (fx, GOOD, "808080", T0 + 2, MODEL_STD_PIN_LOCKED);
  TEST ("change-clears-count", "PIN-8 PIN-7", "four wrong, a change, four wrong: not locked",
        NULL, "valid");
  set (fx, SSN, GOOD, T0, MODEL_STD_OK);
  for (int i = 0; i < 4; i++)
    verify (fx, GOOD2, T0 + 1, MODEL_STD_PIN_WRONG);
  change (fx, GOOD, "808080", T0 + 2, MODEL_STD_OK);
  for (int i = 0; i < 4; i++)
    verify (fx, GOOD, T0 + 3, MODEL_STD_PIN_WRONG);
  verify (fx, "808080", T0 + 4, MODEL_STD_OK);
  TEST ("never-in-clear", "PIN-4", "after a set, a verify and a change, no PIN appears in clear in "
        "the audit trail (check audit_no_secret)", NULL, "valid");
  set (fx, SSN, GOOD, T0, MODEL_STD_OK);
  verify (fx, GOOD, T0 + 1, MODEL_STD_OK);
  change (fx, GOOD, "808080", T0 + 2, MODEL_STD_OK);
  conf_vec_step (fx->v, "audit.entries",
                 conf_jo ("from", conf_ji (0), "count", conf_ji (1000), NULL), conf_vec_ok (NULL),
                 "audit_no_secret");
}

/* reset's pin_limits "interactive" (ADAPTER 4.4: the default, which every
 * platform accepts); and ERR-3 for every member of the PIN requests. */
static void
limits_and_encoding (Fx *fx)
{
  TEST ("limits-interactive", "PIN-10", "a platform reset with pin_limits \"interactive\" (the "
        "default limits, named; ADAPTER 4.4) is accepted, then asked about an SSN without a "
        "PIN (no hashing, so no slow step)", "NotFound", "invalid");
  conf_vec_step (fx->v, "reset",
                 conf_jo ("seed", conf_jh (fx->w->reset_seed, 32), "now", conf_ji (T0),
                          "trust", conf_ja (conf_jh (model_platform_key_public (fx->w->platform),
                                                     32), NULL),
                          "config", conf_jo ("platform_key_seed",
                                             conf_jh (fx->w->platform_seed, 32),
                                             "pin_limits", conf_js ("interactive"), NULL),
                          NULL),
                 conf_vec_ok (NULL), NULL);
  verify (fx, GOOD, T0 + 1, MODEL_STD_NOT_FOUND);
  fx_reset (fx, FALSE);
  conf_vec_encoding_tests (fx->v, "pin.set",
                           conf_jo ("ssn", conf_js (SSN), "pin", conf_js (GOOD),
                                    "now", conf_ji (T0), NULL),
                           NULL);
  conf_vec_encoding_tests (fx->v, "pin.verify",
                           conf_jo ("ssn", conf_js (SSN), "pin", conf_js (GOOD),
                                    "now", conf_ji (T0), NULL),
                           NULL);
  conf_vec_encoding_tests (fx->v, "pin.change",
                           conf_jo ("ssn", conf_js (SSN), "old_pin", conf_js (GOOD),
                                    "new_pin", conf_js (GOOD2), "now", conf_ji (T0), NULL),
                           NULL);
}

JsonNode *
conf_vec_gen_pin (GError **error)
{
  g_autoptr (ConfVec) v = conf_vec_new ("pin");
  g_autoptr (ConfVecWorld) w = conf_vec_world_new ();
  Fx fx = { .v = v, .w = w };
  conf_vec_note (v, "Malformed", "a candidate or SSN outside its rules");
  conf_vec_note (v, "Weak", "a PIN refused by the PIN rules (or a near miss that is not)");
  conf_vec_note (v, "Wrong", "a wrong PIN");
  conf_vec_note (v, "Lock", "the lock after five consecutive failures");
  conf_vec_note (v, "State", "a PIN already set");
  conf_vec_note (v, "NotFound", "no PIN for the SSN");
  conf_vec_note (v, "Order", "several checks fail: the first of section 3.2 decides");
  conf_vec_note (v, "Encoding", "a member absent, null or of another JSON type (ERR-3)");
  conf_vec_world_keys (v, w);
  conf_vec_group (v, "platform", NULL);
  fx_reset (&fx, TRUE);
  format_and_rules (&fx);
  lockout (&fx);
  changes (&fx);
  limits_and_encoding (&fx);
  model_pin_table_free (fx.pins);
  return conf_vec_finish (v, error);
}
