/* SPDX-License-Identifier: MIT */
/*
 * Vectors of ESSC-STD section 2 (card.json), platform role: registration
 * of physical cards (every field's rule, unique numbers, one live card per
 * SSN), every request of the state machine from every status, revocation of
 * the e-card on every transition out of normal and its finality, the status
 * feed (ecard.status), replacement, and issuance (deterministic ids of
 * ISS-9, evidence for both levels, one active e-card, level and device key
 * rules, and the order of checks of ISS-10), and the order of checks of
 * registration, transition and replacement (CARD-14): each with two faults
 * at once, so that only that order gives the expected code.  Mirrored on
 * ModelCardRegistry seeded with the reset seed.
 */
#include "conformance/vec_private.h"

#include <string.h>

#define T0 CONF_VECTORS_CLOCK

typedef struct {
  ConfVec *v;
  ConfVecWorld *w;
  guint8 id[16];
} Fx;

static void
fx_reset (Fx *fx, gboolean emit)
{
  g_clear_pointer (&fx->w, conf_vec_world_free);
  fx->w = conf_vec_world_new ();
  conf_vec_mute (fx->v, !emit);
  conf_vec_reset_platform (fx->v, fx->w, NULL);
  conf_vec_mute (fx->v, FALSE);
}

#define TEST(name, reqs, comment, flags, result) \
  do { fx_reset (fx, FALSE); conf_vec_test (fx->v, name, reqs, comment, flags, result); } \
  while (0)

static const guint8 *
dev (Fx *fx)
{
  return model_device_key_public (fx->w->device);
}

static void
reg1 (Fx *fx, gboolean bank)
{
  conf_vec_card_register (fx->v, fx->w, CONF_VEC_CARD1, CONF_VEC_SSN1, conf_vec_name1,
                          CONF_VEC_CITY1, bank, T0, MODEL_STD_OK);
}

static void
issue1 (Fx *fx, int level, const gboolean ev[4], gint64 now, ModelStdCode want)
{
  conf_vec_card_issue (fx->v, fx->w, CONF_VEC_CARD1, level, ev, dev (fx), now, want, fx->id);
}

static void
status (Fx *fx, const guint8 id[16], ModelStdCode want)
{
  ModelStdCode got = model_card_status_fn (id, fx->w->cards);
  if (got != want)
    conf_vec_fail (fx->v, "ecard.status: model/std/ gives %s, the vector expects %s",
                   model_std_code_name (got), model_std_code_name (want));
  conf_vec_step (fx->v, "ecard.status", conf_jo ("ecard_id", conf_jh (id, 16), NULL),
                 want == MODEL_STD_OK ? conf_vec_ok (NULL) : conf_vec_err (want), NULL);
}

static void
replace (Fx *fx, const char *card_no, const char *new_no, gint64 now, ModelStdCode want)
{
  GError *error = NULL;
  model_card_replace (fx->w->cards, card_no, new_no, now, &error);
  conf_vec_agree (fx->v, "card.replace", error, want);
  conf_vec_step (fx->v, "card.replace",
                 conf_jo ("card_no", conf_js (card_no), "new_card_no", conf_js (new_no),
                          "now", conf_ji (now), NULL),
                 want == MODEL_STD_OK ? conf_vec_ok (NULL) : conf_vec_err (want), NULL);
}

static void
registration (Fx *fx)
{
  TEST ("register-and-issue", "CARD-1 CARD-2 CARD-3 CARD-4 ISS-1 ISS-2 ISS-5 ISS-8 ISS-9 "
        "CARD-8", "a card registered, a level-1 e-card issued: its id is the first derivation "
        "of ISS-9 from the reset seed", NULL, "valid");
  reg1 (fx, TRUE);
  issue1 (fx, 1, conf_vec_full_evidence, T0, MODEL_STD_OK);
  status (fx, fx->id, MODEL_STD_OK);
  const struct {
    const char *name, *card, *ssn, *cname, *reqs, *comment;
    guint32 city;
    ModelStdCode want;
  } bad[] = {
    { "card-lowercase", "a00000001", CONF_VEC_SSN1, "x", "CARD-1", "a lower-case letter",
      CONF_VEC_CITY1, MODEL_STD_MALFORMED },
    { "card-8", "A0000001", CONF_VEC_SSN1, "x", "CARD-1", "8 characters", CONF_VEC_CITY1,
      MODEL_STD_MALFORMED },
    { "card-10", "A000000001", CONF_VEC_SSN1, "x", "CARD-1", "10 characters", CONF_VEC_CITY1,
      MODEL_STD_MALFORMED },
    { "card-two-letters", "AB0000001", CONF_VEC_SSN1, "x", "CARD-1", "two letters",
      CONF_VEC_CITY1, MODEL_STD_MALFORMED },
    { "ssn-check", "A00000001", "110105194912310021", "x", "CARD-2 ID-2", "a wrong check "
      "character", CONF_VEC_CITY1, MODEL_STD_INVALID_ID },
    { "ssn-lowercase-x", "A00000001", "11010519491231002x", "x", "CARD-2 ID-1", "lower-case x",
      CONF_VEC_CITY1, MODEL_STD_MALFORMED },
    { "name-empty", "A00000001", CONF_VEC_SSN1, "", "CARD-3", "an empty name", CONF_VEC_CITY1,
      MODEL_STD_MALFORMED },
    { "name-65", "A00000001", CONF_VEC_SSN1,
      "\xe5\xbc\xa0\xe5\xbc\xa0\xe5\xbc\xa0\xe5\xbc\xa0\xe5\xbc\xa0\xe5\xbc\xa0\xe5\xbc\xa0"
      "\xe5\xbc\xa0\xe5\xbc\xa0\xe5\xbc\xa0\xe5\xbc\xa0\xe5\xbc\xa0\xe5\xbc\xa0\xe5\xbc\xa0"
      "\xe5\xbc\xa0\xe5\xbc\xa0\xe5\xbc\xa0\xe5\xbc\xa0\xe5\xbc\xa0\xe5\xbc\xa0\xe5\xbc\xa0"
      "xx", "CARD-3", "a 65-byte name (21 CJK characters and two letters)", CONF_VEC_CITY1,
      MODEL_STD_MALFORMED },
    { "name-control", "A00000001", CONF_VEC_SSN1, "Zhang\tSan", "CARD-3", "a tab in the name",
      CONF_VEC_CITY1, MODEL_STD_MALFORMED },
    { "name-c1-control", "A00000001", CONF_VEC_SSN1, "Zhang\xc2\x85", "CARD-3", "U+0085 in the "
      "name", CONF_VEC_CITY1, MODEL_STD_MALFORMED },
    { "city-low", "A00000001", CONF_VEC_SSN1, "x", "CARD-4", "city 99999", 99999,
      MODEL_STD_MALFORMED },
    { "city-high", "A00000001", CONF_VEC_SSN1, "x", "CARD-4", "city 1000000", 1000000,
      MODEL_STD_MALFORMED },
    { "city-province", "A00000001", CONF_VEC_SSN1, "x", "CARD-4", "province 16 does not exist",
      160100, MODEL_STD_MALFORMED },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *name = g_strdup_printf ("register-%s", bad[i].name);
      TEST (name, bad[i].reqs, bad[i].comment, "Malformed", "invalid");
      conf_vec_card_register (fx->v, fx->w, bad[i].card, bad[i].ssn, bad[i].cname, bad[i].city,
                              TRUE, T0, bad[i].want);
    }
  TEST ("register-refused-changes-nothing", "ERR-2 CARD-1", "a refused registration leaves "
        "the number free", NULL, "valid");
  conf_vec_card_register (fx->v, fx->w, CONF_VEC_CARD1, CONF_VEC_SSN1, "", CONF_VEC_CITY1, TRUE,
                          T0, MODEL_STD_MALFORMED);
  reg1 (fx, TRUE);
  TEST ("register-number-taken", "CARD-5", "a card number registered twice", "OneToOne",
        "invalid");
  reg1 (fx, TRUE);
  conf_vec_card_register (fx->v, fx->w, CONF_VEC_CARD1, CONF_VEC_SSN2, conf_vec_name2,
                          CONF_VEC_CITY2, TRUE, T0, MODEL_STD_ALREADY_LINKED);
  TEST ("register-second-live-card", "CARD-5", "a second live card for one SSN", "OneToOne",
        "invalid");
  reg1 (fx, TRUE);
  conf_vec_card_transition (fx->v, fx->w, CONF_VEC_CARD1, "lost", T0, MODEL_STD_OK);
  conf_vec_card_register (fx->v, fx->w, CONF_VEC_CARD2, CONF_VEC_SSN1, conf_vec_name1,
                          CONF_VEC_CITY1, TRUE, T0, MODEL_STD_ALREADY_LINKED);
  /* CARD-14: card number, SSN, name, city, number free, SSN without a live card. */
  const struct {
    const char *name, *card, *ssn, *cname, *comment;
    guint32 city;
    gboolean taken;
    ModelStdCode want;
  } order[] = {
    { "card-before-ssn", "a00000001", "110105194912310021", conf_vec_name1, "an ill-formed "
      "number and an SSN with a wrong check character: malformed", CONF_VEC_CITY1, FALSE,
      MODEL_STD_MALFORMED },
    { "ssn-before-name", CONF_VEC_CARD2, "110105194912310021", "", "a wrong check character "
      "and an empty name: invalid_id", CONF_VEC_CITY1, FALSE, MODEL_STD_INVALID_ID },
    { "ssn-before-city", CONF_VEC_CARD2, "110105194912310021", conf_vec_name1, "a wrong check "
      "character and city 160100: invalid_id", 160100, FALSE, MODEL_STD_INVALID_ID },
    { "ssn-before-taken", CONF_VEC_CARD1, "110105194912310021", conf_vec_name1, "a taken "
      "number and a wrong check character: invalid_id", CONF_VEC_CITY1, TRUE,
      MODEL_STD_INVALID_ID },
    { "name-before-taken", CONF_VEC_CARD1, CONF_VEC_SSN2, "", "a taken number and an empty "
      "name: malformed", CONF_VEC_CITY2, TRUE, MODEL_STD_MALFORMED },
    { "city-before-taken", CONF_VEC_CARD1, CONF_VEC_SSN2, conf_vec_name2, "a taken number "
      "and city 99999: malformed", 99999, TRUE, MODEL_STD_MALFORMED },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (order); i++)
    {
      g_autofree char *name = g_strdup_printf ("order-register-%s", order[i].name);
      TEST (name, "CARD-14", order[i].comment, "Order", "invalid");
      if (order[i].taken)
        reg1 (fx, TRUE);
      conf_vec_card_register (fx->v, fx->w, order[i].card, order[i].ssn, order[i].cname,
                              order[i].city, TRUE, T0, order[i].want);
    }
  TEST ("register-after-cancel", "CARD-5", "a new card once the old one is cancelled", NULL,
        "valid");
  reg1 (fx, TRUE);
  conf_vec_card_transition (fx->v, fx->w, CONF_VEC_CARD1, "cancelled", T0, MODEL_STD_OK);
  conf_vec_card_register (fx->v, fx->w, CONF_VEC_CARD2, CONF_VEC_SSN1, conf_vec_name1,
                          CONF_VEC_CITY1, TRUE, T0, MODEL_STD_OK);
}

static void
machine (Fx *fx)
{
  static const char *const from[] = { "normal", "lost", "locked", "cancelled", "replaced" };
  static const char *const req[] = { "lost", "normal", "locked", "cancelled", "replace" };
  for (int f = 0; f < 5; f++)
    for (int r = 0; r < 5; r++)
      {
        g_autofree char *name = g_strdup_printf ("transition-%s-%s", from[f], req[r]);
        g_autofree char *comment = g_strdup_printf ("request %s on a %s card (table 2.2); an "
                                                    "active e-card is revoked when the card "
                                                    "leaves normal", req[r], from[f]);
        ModelCardStatus fs, to = MODEL_CARD_REPLACED;
        model_card_status_from_name (from[f], &fs);
        if (r < 4)
          model_card_status_from_name (req[r], &to);
        gboolean allowed = model_card_transition_allowed (fs, to);
        TEST (name, "CARD-6 CARD-7 CARD-8 CARD-9", comment, "StateMachine",
              allowed ? "valid" : "invalid");
        reg1 (fx, TRUE);
        issue1 (fx, 2, conf_vec_full_evidence, T0, MODEL_STD_OK);
        if (f == 4)
          replace (fx, CONF_VEC_CARD1, CONF_VEC_CARD2, T0 + 1, MODEL_STD_OK);
        else if (f > 0)
          conf_vec_card_transition (fx->v, fx->w, CONF_VEC_CARD1, from[f], T0 + 1, MODEL_STD_OK);
        if (r == 4)
          replace (fx, CONF_VEC_CARD1, "A00000009", T0 + 2,
                   allowed ? MODEL_STD_OK : MODEL_STD_INVALID_STATE);
        else
          conf_vec_card_transition (fx->v, fx->w, CONF_VEC_CARD1, req[r], T0 + 2,
                                    allowed ? MODEL_STD_OK : MODEL_STD_INVALID_STATE);
        status (fx, fx->id, model_card_status_fn (fx->id, fx->w->cards));
      }
  TEST ("transition-unknown-card", "CARD-6", "a card nobody registered", "NotFound", "invalid");
  conf_vec_card_transition (fx->v, fx->w, CONF_VEC_CARD1, "lost", T0, MODEL_STD_NOT_FOUND);
  /* CARD-14: the number's form before the card is looked up, the requested
   * status (ADAPTER 4.4) too; then table 2.2. */
  static const char *const ill[] = { "a00000001", "A0000001", "A000000001", "" };
  for (gsize i = 0; i < G_N_ELEMENTS (ill); i++)
    {
      g_autofree char *name = g_strdup_printf ("transition-card-malformed-%zu", i + 1);
      g_autofree char *comment = g_strdup_printf ("card.transition of the ill-formed number "
                                                  "'%s' (nobody could register it): malformed, "
                                                  "not not_found", ill[i]);
      TEST (name, "CARD-14 CARD-1", comment, "Malformed Order", "invalid");
      conf_vec_card_transition (fx->v, fx->w, ill[i], "lost", T0, MODEL_STD_MALFORMED);
    }
  static const char *const bad_to[] = { "replaced", "found", "LOST" };
  for (gsize i = 0; i < G_N_ELEMENTS (bad_to); i++)
    {
      g_autofree char *name = g_strdup_printf ("transition-to-%s-unknown-card", bad_to[i]);
      g_autofree char *comment = g_strdup_printf ("to '%s' (not lost, normal, locked or "
                                                  "cancelled) for a card nobody registered: "
                                                  "malformed before not_found", bad_to[i]);
      TEST (name, "CARD-14 CARD-6", comment, "Malformed Order", "invalid");
      conf_vec_step (fx->v, "card.transition",
                     conf_jo ("card_no", conf_js (CONF_VEC_CARD1), "to", conf_js (bad_to[i]),
                              "now", conf_ji (T0), NULL),
                     conf_vec_err (MODEL_STD_MALFORMED), NULL);
    }
  TEST ("found-stays-revoked", "CARD-7 CARD-8 ISS-9", "lost then found: the old e-card stays "
        "revoked; a new one gets the next derived id", "StatusChange", "valid");
  reg1 (fx, TRUE);
  issue1 (fx, 2, conf_vec_full_evidence, T0, MODEL_STD_OK);
  guint8 old[16];
  memcpy (old, fx->id, 16);
  conf_vec_card_transition (fx->v, fx->w, CONF_VEC_CARD1, "lost", T0 + 1, MODEL_STD_OK);
  status (fx, old, MODEL_STD_CARD_UNUSABLE);
  conf_vec_card_transition (fx->v, fx->w, CONF_VEC_CARD1, "normal", T0 + 2, MODEL_STD_OK);
  status (fx, old, MODEL_STD_CARD_UNUSABLE);
  issue1 (fx, 2, conf_vec_full_evidence, T0 + 3, MODEL_STD_OK);
  status (fx, fx->id, MODEL_STD_OK);
  TEST ("status-unknown", "CARD-8", "an e-card id nobody issued", "NotFound", "invalid");
  guint8 unknown[16];
  conf_vec_derive ("an e-card id nobody issued", unknown, 16);
  status (fx, unknown, MODEL_STD_NOT_FOUND);
  TEST ("replace-successor", "CARD-9 ISS-3", "the successor is normal with its bank account "
        "not activated: level 2 needs it, level 1 is issued", "StatusChange", "valid");
  reg1 (fx, TRUE);
  issue1 (fx, 2, conf_vec_full_evidence, T0, MODEL_STD_OK);
  memcpy (old, fx->id, 16);
  replace (fx, CONF_VEC_CARD1, CONF_VEC_CARD2, T0 + 1, MODEL_STD_OK);
  status (fx, old, MODEL_STD_CARD_UNUSABLE);
  conf_vec_card_issue (fx->v, fx->w, CONF_VEC_CARD2, 2, conf_vec_full_evidence, dev (fx),
                       T0 + 2, MODEL_STD_EVIDENCE_MISSING, NULL);
  conf_vec_card_issue (fx->v, fx->w, CONF_VEC_CARD2, 1, conf_vec_full_evidence, dev (fx),
                       T0 + 3, MODEL_STD_OK, fx->id);
  conf_vec_card_transition (fx->v, fx->w, CONF_VEC_CARD1, "normal", T0 + 4,
                            MODEL_STD_INVALID_STATE);
  TEST ("replace-number-taken", "CARD-9 CARD-5", "the successor's number is taken",
        "OneToOne", "invalid");
  reg1 (fx, TRUE);
  conf_vec_card_register (fx->v, fx->w, CONF_VEC_CARD2, CONF_VEC_SSN2, conf_vec_name2,
                          CONF_VEC_CITY2, TRUE, T0, MODEL_STD_OK);
  replace (fx, CONF_VEC_CARD1, CONF_VEC_CARD2, T0 + 1, MODEL_STD_ALREADY_LINKED);
  TEST ("replace-number-malformed", "CARD-9 CARD-1", "the successor's number is ill-formed",
        "Malformed", "invalid");
  reg1 (fx, TRUE);
  replace (fx, CONF_VEC_CARD1, "A0000002", T0 + 1, MODEL_STD_MALFORMED);
  TEST ("replace-same-number", "CARD-9 CARD-5", "the successor's number is the card's own",
        "OneToOne", "invalid");
  reg1 (fx, TRUE);
  replace (fx, CONF_VEC_CARD1, CONF_VEC_CARD1, T0 + 1, MODEL_STD_ALREADY_LINKED);
  /* CARD-14: both numbers' form, the card, table 2.2, the new number free. */
  TEST ("order-replace-card-malformed", "CARD-14 CARD-1", "an ill-formed number to replace: "
        "malformed, not not_found", "Malformed Order", "invalid");
  replace (fx, "a00000001", CONF_VEC_CARD2, T0, MODEL_STD_MALFORMED);
  TEST ("order-replace-new-form-before-card", "CARD-14", "an unknown card and an ill-formed "
        "successor number: malformed", "Order", "invalid");
  replace (fx, CONF_VEC_CARD1, "A0000002", T0, MODEL_STD_MALFORMED);
  TEST ("order-replace-new-form-before-state", "CARD-14", "a cancelled card and an ill-formed "
        "successor number: malformed", "Order", "invalid");
  reg1 (fx, TRUE);
  conf_vec_card_transition (fx->v, fx->w, CONF_VEC_CARD1, "cancelled", T0, MODEL_STD_OK);
  replace (fx, CONF_VEC_CARD1, "A0000002", T0 + 1, MODEL_STD_MALFORMED);
  TEST ("order-replace-card-before-taken", "CARD-14", "an unknown card and a taken successor "
        "number: not_found", "Order", "invalid");
  conf_vec_card_register (fx->v, fx->w, CONF_VEC_CARD2, CONF_VEC_SSN2, conf_vec_name2,
                          CONF_VEC_CITY2, TRUE, T0, MODEL_STD_OK);
  replace (fx, CONF_VEC_CARD1, CONF_VEC_CARD2, T0 + 1, MODEL_STD_NOT_FOUND);
  TEST ("order-replace-state-before-taken", "CARD-14", "a cancelled card and a taken "
        "successor number: invalid_state", "Order", "invalid");
  reg1 (fx, TRUE);
  conf_vec_card_register (fx->v, fx->w, CONF_VEC_CARD2, CONF_VEC_SSN2, conf_vec_name2,
                          CONF_VEC_CITY2, TRUE, T0, MODEL_STD_OK);
  conf_vec_card_transition (fx->v, fx->w, CONF_VEC_CARD1, "cancelled", T0 + 1, MODEL_STD_OK);
  replace (fx, CONF_VEC_CARD1, CONF_VEC_CARD2, T0 + 2, MODEL_STD_INVALID_STATE);
}

static void
issuance (Fx *fx)
{
  static const guint8 small[32] = { 1 };
  guint8 noncanon[32];
  memset (noncanon, 0xff, 32);
  noncanon[31] = 0x7f;
  const gboolean no_name[4] = { FALSE, TRUE, TRUE, TRUE }, no_live[4] = { TRUE, FALSE, TRUE, TRUE };
  const gboolean no_bank[4] = { TRUE, TRUE, FALSE, TRUE }, no_phone[4] = { TRUE, TRUE, TRUE, FALSE };
  const gboolean none[4] = { FALSE, FALSE, FALSE, FALSE };
  TEST ("issue-unknown-card", "ISS-1", "a card nobody registered", "NotFound", "invalid");
  issue1 (fx, 1, conf_vec_full_evidence, T0, MODEL_STD_NOT_FOUND);
  TEST ("issue-lost-card", "ISS-1", "a lost card", "StatusChange", "invalid");
  reg1 (fx, TRUE);
  conf_vec_card_transition (fx->v, fx->w, CONF_VEC_CARD1, "lost", T0, MODEL_STD_OK);
  issue1 (fx, 1, conf_vec_full_evidence, T0 + 1, MODEL_STD_CARD_UNUSABLE);
  const struct {
    const char *name, *reqs;
    int level;
    const gboolean *ev;
    gboolean bank;
    ModelStdCode want;
  } ev[] = {
    { "no-real-name", "ISS-2", 1, no_name, TRUE, MODEL_STD_EVIDENCE_MISSING },
    { "no-liveness", "ISS-2", 1, no_live, TRUE, MODEL_STD_EVIDENCE_MISSING },
    { "no-evidence", "ISS-2", 1, none, TRUE, MODEL_STD_EVIDENCE_MISSING },
    { "level1-without-bank", "ISS-2", 1, no_bank, FALSE, MODEL_STD_OK },
    { "level2-no-bank-account", "ISS-3", 2, no_bank, TRUE, MODEL_STD_EVIDENCE_MISSING },
    { "level2-no-bank-phone", "ISS-3", 2, no_phone, TRUE, MODEL_STD_EVIDENCE_MISSING },
    { "level2-account-not-activated", "ISS-3", 2, conf_vec_full_evidence, FALSE,
      MODEL_STD_EVIDENCE_MISSING },
    { "level2-valid", "ISS-3 ISS-9", 2, conf_vec_full_evidence, TRUE, MODEL_STD_OK },
    { "level-3", "ISS-5", 3, conf_vec_full_evidence, TRUE, MODEL_STD_MALFORMED },
    { "level-0", "ISS-5", 0, conf_vec_full_evidence, TRUE, MODEL_STD_MALFORMED },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (ev); i++)
    {
      g_autofree char *name = g_strdup_printf ("issue-%s", ev[i].name);
      TEST (name, ev[i].reqs, "issuance evidence and level", "Evidence",
            ev[i].want == MODEL_STD_OK ? "valid" : "invalid");
      reg1 (fx, ev[i].bank);
      issue1 (fx, ev[i].level, ev[i].ev, T0, ev[i].want);
    }
  TEST ("issue-twice", "ISS-4", "a second e-card while one is active", "OneToOne", "invalid");
  reg1 (fx, TRUE);
  issue1 (fx, 1, conf_vec_full_evidence, T0, MODEL_STD_OK);
  issue1 (fx, 1, conf_vec_full_evidence, T0 + 1, MODEL_STD_ALREADY_LINKED);
  const struct {
    const char *name;
    const guint8 *pk;
  } keys[] = { { "small-order", small }, { "non-canonical", noncanon } };
  for (gsize i = 0; i < G_N_ELEMENTS (keys); i++)
    {
      g_autofree char *name = g_strdup_printf ("issue-device-key-%s", keys[i].name);
      TEST (name, "ISS-6", "a device key that is not a valid prime-order point", "Malformed",
            "invalid");
      reg1 (fx, TRUE);
      conf_vec_card_issue (fx->v, fx->w, CONF_VEC_CARD1, 1, conf_vec_full_evidence, keys[i].pk,
                           T0, MODEL_STD_MALFORMED, NULL);
    }
  TEST ("order-card-before-level", "ISS-10", "unknown card and level 3: not_found", "Order",
        "invalid");
  issue1 (fx, 3, none, T0, MODEL_STD_NOT_FOUND);
  TEST ("order-card-form-first", "ISS-10 CARD-1", "an ill-formed card number (nobody could "
        "register it) and level 3: malformed, not not_found", "Malformed Order", "invalid");
  conf_vec_card_issue (fx->v, fx->w, "a00000001", 3, none, dev (fx), T0, MODEL_STD_MALFORMED,
                       NULL);
  TEST ("issue-card-malformed", "ISS-10 CARD-1", "an ill-formed card number with good level, "
        "key and evidence: malformed", "Malformed", "invalid");
  conf_vec_card_issue (fx->v, fx->w, "A0000001", 1, conf_vec_full_evidence, dev (fx), T0,
                       MODEL_STD_MALFORMED, NULL);
  TEST ("order-level-before-card-status", "ISS-10", "level 3 on a lost card: malformed",
        "Order", "invalid");
  reg1 (fx, TRUE);
  conf_vec_card_transition (fx->v, fx->w, CONF_VEC_CARD1, "lost", T0, MODEL_STD_OK);
  issue1 (fx, 3, none, T0 + 1, MODEL_STD_MALFORMED);
  TEST ("order-key-before-card-status", "ISS-10", "bad device key on a lost card: malformed",
        "Order", "invalid");
  reg1 (fx, TRUE);
  conf_vec_card_transition (fx->v, fx->w, CONF_VEC_CARD1, "lost", T0, MODEL_STD_OK);
  conf_vec_card_issue (fx->v, fx->w, CONF_VEC_CARD1, 1, none, small, T0 + 1, MODEL_STD_MALFORMED,
                       NULL);
  TEST ("order-level-and-key-length", "ISS-10 ISS-5 ISS-6", "level 3 and a device key of 31 "
        "bytes on a normal card: malformed, whichever of the two is judged first", "Order",
        "invalid");
  reg1 (fx, TRUE);
  {
    GError *error = NULL;
    ModelIssuanceEvidence all = { TRUE, TRUE, TRUE, TRUE };
    model_card_issue_ecard (fx->w->cards, CONF_VEC_CARD1, 3, &all, dev (fx), T0, NULL, &error);
    conf_vec_agree (fx->v, "ecard.issue", error, MODEL_STD_MALFORMED);
    conf_vec_step (fx->v, "ecard.issue",
                   conf_jo ("card_no", conf_js (CONF_VEC_CARD1), "level", conf_ji (3),
                            "evidence", conf_jo ("real_name_verified", conf_jb (TRUE), NULL),
                            "device_pk", conf_jh (dev (fx), 31), "now", conf_ji (T0), NULL),
                   conf_vec_err (MODEL_STD_MALFORMED), NULL);
  }
  TEST ("order-status-before-evidence", "ISS-10", "no evidence on a locked card: card_unusable",
        "Order", "invalid");
  reg1 (fx, TRUE);
  conf_vec_card_transition (fx->v, fx->w, CONF_VEC_CARD1, "locked", T0, MODEL_STD_OK);
  issue1 (fx, 1, none, T0 + 1, MODEL_STD_CARD_UNUSABLE);
  TEST ("order-evidence-before-linked", "ISS-10", "no evidence while an e-card is active: "
        "evidence_missing", "Order", "invalid");
  reg1 (fx, TRUE);
  issue1 (fx, 1, conf_vec_full_evidence, T0, MODEL_STD_OK);
  issue1 (fx, 1, none, T0 + 1, MODEL_STD_EVIDENCE_MISSING);
}

/* ERR-3: every member of the card, e-card and credential requests; and a
 * city beyond 32 bits, which must not wrap to a valid code. */
static void
encoding (Fx *fx)
{
  static const guint8 some_id[16] = { 0x5e, 0xc7, 0x01 };
  TEST ("register-city-beyond-32-bits", "CARD-4 ERR-3", "city 4 295 077 396 (2^32 + 110100): "
        "an integer of the protocol but no six-digit code, never read as 110100", "Malformed",
        "invalid");
  conf_vec_step (fx->v, "card.register",
                 conf_jo ("card_no", conf_js (CONF_VEC_CARD1), "ssn", conf_js (CONF_VEC_SSN1),
                          "name", conf_js (conf_vec_name1),
                          "city", conf_ji (((gint64) 1 << 32) + CONF_VEC_CITY1),
                          "bank_account_active", conf_jb (TRUE), "now", conf_ji (T0), NULL),
                 conf_vec_err (MODEL_STD_MALFORMED), NULL);
  TEST ("register-city-string-after-valid", "CARD-4 ERR-3", "a card registered with city "
        "110100, then another with its city as the string \"310100\": malformed, nothing "
        "taken from the request before", "Malformed", "invalid");
  reg1 (fx, TRUE);
  conf_vec_step (fx->v, "card.register",
                 conf_jo ("card_no", conf_js (CONF_VEC_CARD3), "ssn", conf_js (CONF_VEC_SSN3),
                          "name", conf_js (conf_vec_name3), "city", conf_js ("310100"),
                          "bank_account_active", conf_jb (TRUE), "now", conf_ji (T0 + 1), NULL),
                 conf_vec_err (MODEL_STD_MALFORMED), NULL);
  fx_reset (fx, FALSE);
  conf_vec_encoding_tests (
      fx->v, "card.register",
      conf_jo ("card_no", conf_js (CONF_VEC_CARD1), "ssn", conf_js (CONF_VEC_SSN3),
               "name", conf_js (conf_vec_name1), "city", conf_ji (CONF_VEC_CITY1),
               "bank_account_active", conf_jb (TRUE), "now", conf_ji (T0), NULL),
      NULL);
  conf_vec_encoding_tests (fx->v, "card.transition",
                           conf_jo ("card_no", conf_js (CONF_VEC_CARD1), "to", conf_js ("lost"),
                                    "now", conf_ji (T0), NULL),
                           NULL);
  conf_vec_encoding_tests (fx->v, "card.replace",
                           conf_jo ("card_no", conf_js (CONF_VEC_CARD1),
                                    "new_card_no", conf_js (CONF_VEC_CARD2), "now", conf_ji (T0),
                                    NULL),
                           NULL);
  conf_vec_encoding_tests (
      fx->v, "ecard.issue",
      conf_jo ("card_no", conf_js (CONF_VEC_CARD1), "level", conf_ji (2),
               "evidence", conf_jo ("real_name_verified", conf_jb (TRUE),
                                    "liveness_passed", conf_jb (TRUE),
                                    "bank_account_active", conf_jb (TRUE),
                                    "bank_phone_verified", conf_jb (TRUE), NULL),
               "device_pk", conf_jh (dev (fx), 32), "now", conf_ji (T0), NULL),
      "evidence.real_name_verified evidence.liveness_passed evidence.bank_account_active "
      "evidence.bank_phone_verified");
  conf_vec_encoding_tests (fx->v, "ecard.status",
                           conf_jo ("ecard_id", conf_jh (some_id, 16), NULL), NULL);
  conf_vec_encoding_tests (fx->v, "credential.issue",
                           conf_jo ("ecard_id", conf_jh (some_id, 16), "now", conf_ji (T0),
                                    "lifetime", conf_ji (86400), NULL),
                           NULL);
}

/* ERR-3: a required member absent, on requests that are otherwise valid (a
 * bool and an object: ADAPTER section 2 gives them no default). */
static void
encoding_required (Fx *fx)
{
  TEST ("register-encoding-bank-absent", "ERR-3", "card.register of a valid card without "
        "bank_account_active: a required member", "Encoding", "invalid");
  conf_vec_step (fx->v, "card.register",
                 conf_jo ("card_no", conf_js (CONF_VEC_CARD1), "ssn", conf_js (CONF_VEC_SSN1),
                          "name", conf_js (conf_vec_name1), "city", conf_ji (CONF_VEC_CITY1),
                          "now", conf_ji (T0), NULL),
                 conf_vec_err (MODEL_STD_MALFORMED), NULL);
  TEST ("issue-encoding-evidence-absent", "ERR-3", "ecard.issue at level 1 on a registered card "
        "without evidence: a required member (only its items are optional)", "Encoding",
        "invalid");
  reg1 (fx, TRUE);
  conf_vec_step (fx->v, "ecard.issue",
                 conf_jo ("card_no", conf_js (CONF_VEC_CARD1), "level", conf_ji (1),
                          "device_pk", conf_jh (dev (fx), 32), "now", conf_ji (T0), NULL),
                 conf_vec_err (MODEL_STD_MALFORMED), NULL);
  TEST ("issue-encoding-evidence-array", "ERR-3", "ecard.issue with evidence as an array: "
        "evidence is an object", "Encoding", "invalid");
  reg1 (fx, TRUE);
  conf_vec_step (fx->v, "ecard.issue",
                 conf_jo ("card_no", conf_js (CONF_VEC_CARD1), "level", conf_ji (1),
                          "evidence", conf_ja (NULL, NULL), "device_pk", conf_jh (dev (fx), 32),
                          "now", conf_ji (T0), NULL),
                 conf_vec_err (MODEL_STD_MALFORMED), NULL);
}

JsonNode *
conf_vec_gen_card (GError **error)
{
  g_autoptr (ConfVec) v = conf_vec_new ("card");
  Fx fx = { .v = v };
  conf_vec_note (v, "Malformed", "a field outside its rules");
  conf_vec_note (v, "OneToOne", "the one-to-one mapping of card, e-card and person");
  conf_vec_note (v, "StateMachine", "one request of table 2.2 from one status");
  conf_vec_note (v, "StatusChange", "the card's status changes between steps");
  conf_vec_note (v, "NotFound", "an identifier nobody issued");
  conf_vec_note (v, "Evidence", "issuance evidence and level");
  conf_vec_note (v, "Order", "several checks fail: the first of ISS-10 or CARD-14 decides");
  conf_vec_note (v, "Encoding", "a member absent, null or of another JSON type (ERR-3)");
  fx_reset (&fx, FALSE);
  conf_vec_world_keys (v, fx.w);
  conf_vec_group (v, "platform", NULL);
  fx_reset (&fx, TRUE);
  registration (&fx);
  machine (&fx);
  issuance (&fx);
  encoding (&fx);
  encoding_required (&fx);
  conf_vec_world_free (fx.w);
  return conf_vec_finish (v, error);
}
