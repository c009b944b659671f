/* SPDX-License-Identifier: MIT */
/*
 * Vectors of ESSC-STD section 7 (consent.json): three-level authorisation.
 * Platform (consent.grant, consent.revoke, consent.check) and channel
 * (consent.grant, consent.revoke, data.request for its own id): the eight
 * combinations of parts present, expired and not-yet-valid parts and the
 * code rule of CONSENT-7, the validity edges, revocation, scopes that are
 * not pooled, matching of SSN, channel and department (empty = any),
 * deterministic grant ids (CONSENT-12), malformed scope texts, grants and
 * questions (in both roles), two faults at once (the order of CONSENT-14),
 * revoking twice, the request's encoding (ERR-3), a channel the platform's
 * registry does not hold (CONSENT-15) and a channel that is not live.
 * Mirrored on ModelConsentStore seeded with the reset seed.
 */
#include "conformance/vec_private.h"

#include "base/hex.h"
#include "model/std/consent.h"

#include <string.h>

#define T0 CONF_VECTORS_CLOCK
#define DAY ((gint64) 86400)
#define CH "CH100001"
#define DEPT "MIB-110000"
#define DEPT_EDGES "ZAZ09-MIB-110000-DEPARTMENT-0009"   /* 32 characters */

typedef struct {
  ConfVec *v;
  ConfVecWorld *w;
  ModelConsentStore *store;
  gboolean channel;           /* channel role: data.request, no channel_id in questions */
  guint8 last[16];            /* the last grant id */
} Fx;

static void
fx_reset (Fx *fx, gboolean emit)
{
  g_clear_pointer (&fx->store, model_consent_store_free);
  fx->store = model_consent_store_new (fx->w->reset_seed);
  conf_vec_mute (fx->v, !emit);
  if (fx->channel)
    {
      guint8 seed[32];
      conf_vec_derive ("channel " CH " key seed", seed, 32);
      conf_vec_reset_channel (fx->v, fx->w, CH, 1, NULL, seed, NULL);
    }
  else
    conf_vec_reset_platform (fx->v, fx->w, NULL);
  conf_vec_mute (fx->v, FALSE);
}

static void
grant (Fx *fx, const char *kind, const char *ssn, const char *channel, const char *dept,
       const char *scopes, gint64 nb, gint64 exp, ModelStdCode want)
{
  GError *error = NULL;
  ModelConsentGrant g;
  memset (&g, 0, sizeof g);
  memset (fx->last, 0, 16);
  if (!model_consent_kind_from_name (kind, &g.kind))
    g.kind = MODEL_CONSENT_N_KINDS;
  g_strlcpy (g.ssn, ssn, sizeof g.ssn);
  g_strlcpy (g.channel_id, channel, sizeof g.channel_id);
  g_strlcpy (g.department_id, dept, sizeof g.department_id);
  g.not_before = nb;
  g.expires_at = exp;
  /* CONSENT-14: kind, parties (their lengths included), scopes, the rest */
  gboolean ok = FALSE;
  if (g.kind == MODEL_CONSENT_N_KINDS)
    g_set_error (&error, CONF_VECTORS_ERROR, MODEL_STD_MALFORMED, "kind: unknown");
  else
    ok = model_consent_parties_check (g.kind, ssn, channel, dept, nb, &error)
         && model_consent_scopes_parse (scopes, &g.scopes, &error)
         && model_consent_store_grant (fx->store, &g, fx->last, &error);
  conf_vec_agree (fx->v, "consent.grant", error, want);
  conf_vec_step (fx->v, "consent.grant",
                 conf_jo ("kind", conf_js (kind), "ssn", conf_js (ssn),
                          "channel_id", conf_js (channel), "department_id", conf_js (dept),
                          "scopes", conf_js (scopes), "not_before", conf_ji (nb),
                          "expires_at", conf_ji (exp), NULL),
                 ok ? conf_vec_ok (conf_jo ("grant_id", conf_jh (fx->last, 16), NULL))
                    : conf_vec_err (want),
                 NULL);
}

static void
revoke_grant (Fx *fx, const guint8 id[16], gint64 now, ModelStdCode want)
{
  GError *error = NULL;
  model_consent_store_revoke (fx->store, id, now, &error);
  conf_vec_agree (fx->v, "consent.revoke", error, want);
  conf_vec_step (fx->v, "consent.revoke",
                 conf_jo ("grant_id", conf_jh (id, 16), "now", conf_ji (now), NULL),
                 want == MODEL_STD_OK ? conf_vec_ok (NULL) : conf_vec_err (want), NULL);
}

static void
check (Fx *fx, const char *ssn, const char *channel, const char *dept, const char *scopes,
       gint64 now, ModelStdCode want)
{
  GError *error = NULL;
  ModelConsentDecision d;
  guint32 set = 0;
  memset (&d, 0, sizeof d);
  /* CONSENT-14: the parties, the scope set, the decision */
  gboolean ok = model_consent_parties_check (MODEL_CONSENT_N_KINDS, ssn, channel, dept, now,
                                             &error)
                && model_consent_scopes_parse (scopes, &set, &error)
                && model_consent_store_check (fx->store, ssn, channel, dept, set, now, &d,
                                              &error);
  conf_vec_agree (fx->v, fx->channel ? "data.request" : "consent.check", error, want);
  JsonNode *expect = conf_vec_err (want);
  if (ok)
    {
      json_node_unref (expect);
      JsonNode *present = conf_ja (NULL, NULL);
      for (int k = 0; k < MODEL_CONSENT_N_KINDS; k++)
        if (d.present & MODEL_CONSENT_PART (k))
          json_array_add_string_element (json_node_get_array (present),
                                         model_consent_kind_name ((ModelConsentKind) k));
      expect = conf_vec_ok (conf_jo ("present", present, NULL));
    }
  JsonNode *p = conf_jo ("ssn", conf_js (ssn), NULL);
  JsonObject *o = json_node_get_object (p);
  if (!fx->channel)
    json_object_set_string_member (o, "channel_id", channel);
  json_object_set_string_member (o, "department_id", dept);
  json_object_set_string_member (o, "scopes", scopes);
  json_object_set_int_member (o, "now", now);
  conf_vec_step (fx->v, fx->channel ? "data.request" : "consent.check", p, expect, NULL);
}

#define TEST(name, reqs, comment, flags, result) \
  do { \
    fx_reset (fx, FALSE); \
    g_autofree char *full_ = g_strdup_printf ("%s/%s", fx->channel ? "channel" : "platform", \
                                              name); \
    conf_vec_test (fx->v, full_, reqs, comment, flags, result); \
  } while (0)

static const char *const kinds[] = { "personal", "department", "channel" };

/* Grants kind k for SSN1, CH, DEPT over scopes, valid [nb, exp). */
static void
grant_kind (Fx *fx, int k, const char *scopes, gint64 nb, gint64 exp)
{
  grant (fx, kinds[k], k == 0 ? CONF_VEC_SSN1 : "", CH, k == 1 ? DEPT : "", scopes, nb, exp,
         MODEL_STD_OK);
}

static void
ask (Fx *fx, const char *scopes, gint64 now, ModelStdCode want)
{
  check (fx, CONF_VEC_SSN1, CH, DEPT, scopes, now, want);
}

static void
cases (Fx *fx)
{
  const char *sc = "identity,payment_history";
  for (int mask = 0; mask < 8; mask++)
    {
      g_autofree char *name = g_strdup_printf ("parts-%s-%s-%s", mask & 1 ? "P" : "x",
                                               mask & 2 ? "D" : "x", mask & 4 ? "C" : "x");
      TEST (name, "CONSENT-5 CONSENT-7 CONSENT-9 CONSENT-12", "authorisations of the kinds "
            "marked (P personal, D department, C channel), each in force and covering",
            mask == 7 ? NULL : "MissingPart", mask == 7 ? "valid" : "invalid");
      for (int k = 0; k < 3; k++)
        if (mask & (1 << k))
          grant_kind (fx, k, sc, T0 - DAY, T0 + DAY);
      ask (fx, sc, T0, mask == 7 ? MODEL_STD_OK : MODEL_STD_CONSENT_MISSING);
    }
  for (int k = 0; k < 3; k++)
    {
      g_autofree char *name = g_strdup_printf ("expired-%s", kinds[k]);
      TEST (name, "CONSENT-4 CONSENT-7", "the only authorisation of one kind has expired",
            "Expired", "invalid");
      for (int j = 0; j < 3; j++)
        grant_kind (fx, j, sc, T0 - 2 * DAY, j == k ? T0 - DAY : T0 + DAY);
      ask (fx, sc, T0, MODEL_STD_EXPIRED);
      g_autofree char *name2 = g_strdup_printf ("not-yet-valid-%s", kinds[k]);
      TEST (name2, "CONSENT-4 CONSENT-7", "the only authorisation of one kind starts tomorrow",
            "NotYetValid", "invalid");
      for (int j = 0; j < 3; j++)
        grant_kind (fx, j, sc, j == k ? T0 + DAY : T0 - DAY, T0 + 2 * DAY);
      ask (fx, sc, T0, MODEL_STD_NOT_YET_VALID);
    }
  TEST ("expired-and-missing", "CONSENT-7", "one part expired, another missing: "
        "consent_missing", "Expired MissingPart", "invalid");
  grant_kind (fx, 0, sc, T0 - 2 * DAY, T0 - DAY);
  grant_kind (fx, 2, sc, T0 - DAY, T0 + DAY);
  ask (fx, sc, T0, MODEL_STD_CONSENT_MISSING);
  TEST ("expired-and-not-yet-valid", "CONSENT-7", "one part expired, another not yet valid: "
        "consent_missing", "Expired NotYetValid", "invalid");
  grant_kind (fx, 0, sc, T0 - 2 * DAY, T0 - DAY);
  grant_kind (fx, 1, sc, T0 + DAY, T0 + 2 * DAY);
  grant_kind (fx, 2, sc, T0 - DAY, T0 + DAY);
  ask (fx, sc, T0, MODEL_STD_CONSENT_MISSING);
  TEST ("edge-expires-now", "CONSENT-4", "expires_at = now is no longer in force", "Expired",
        "invalid");
  grant_kind (fx, 0, sc, T0 - DAY, T0);
  grant_kind (fx, 1, sc, T0 - DAY, T0 + DAY);
  grant_kind (fx, 2, sc, T0 - DAY, T0 + DAY);
  ask (fx, sc, T0 - 1, MODEL_STD_OK);
  ask (fx, sc, T0, MODEL_STD_EXPIRED);
  TEST ("edge-starts-now", "CONSENT-4", "not_before = now is in force", NULL, "valid");
  grant_kind (fx, 0, sc, T0, T0 + DAY);
  grant_kind (fx, 1, sc, T0 - DAY, T0 + DAY);
  grant_kind (fx, 2, sc, T0 - DAY, T0 + DAY);
  ask (fx, sc, T0, MODEL_STD_OK);
  TEST ("revoked", "CONSENT-10", "the channel authorisation revoked after one access",
        "Revoked", "invalid");
  for (int j = 0; j < 3; j++)
    grant_kind (fx, j, sc, T0 - DAY, T0 + DAY);
  ask (fx, sc, T0, MODEL_STD_OK);
  revoke_grant (fx, fx->last, T0 + 1, MODEL_STD_OK);
  ask (fx, sc, T0 + 2, MODEL_STD_CONSENT_MISSING);
  ask (fx, sc, T0 - DAY / 2, MODEL_STD_CONSENT_MISSING);
  revoke_grant (fx, fx->last, T0 + 3, MODEL_STD_INVALID_STATE);
  TEST ("revoked-expired-counts-as-missing", "CONSENT-10 CONSENT-7", "a revoked expired "
        "authorisation is neither present nor expired", "Revoked Expired", "invalid");
  grant_kind (fx, 0, sc, T0 - DAY, T0 + DAY);
  grant_kind (fx, 1, sc, T0 - DAY, T0 + DAY);
  grant_kind (fx, 2, sc, T0 - 2 * DAY, T0 - DAY);
  revoke_grant (fx, fx->last, T0, MODEL_STD_OK);
  ask (fx, sc, T0, MODEL_STD_CONSENT_MISSING);
  TEST ("revoke-unknown", "CONSENT-10", "a grant id nobody issued", "NotFound", "invalid");
  {
    guint8 unknown[16];
    conf_vec_derive ("a grant id nobody issued", unknown, 16);
    revoke_grant (fx, unknown, T0, MODEL_STD_NOT_FOUND);
  }
  TEST ("scopes-not-pooled", "CONSENT-6", "two personal authorisations covering a part each "
        "do not cover both", "Scopes", "invalid");
  grant_kind (fx, 0, "identity", T0 - DAY, T0 + DAY);
  grant_kind (fx, 0, "payment_history", T0 - DAY, T0 + DAY);
  grant_kind (fx, 1, sc, T0 - DAY, T0 + DAY);
  grant_kind (fx, 2, sc, T0 - DAY, T0 + DAY);
  ask (fx, sc, T0, MODEL_STD_CONSENT_MISSING);
  ask (fx, "identity", T0, MODEL_STD_OK);
  TEST ("scopes-superset", "CONSENT-6", "an authorisation of more scopes covers fewer", NULL,
        "valid");
  for (int j = 0; j < 3; j++)
    grant_kind (fx, j, "identity,card_status,insurance_record,payment_history,employment,pension",
                T0 - DAY, T0 + DAY);
  ask (fx, "card_status,pension", T0, MODEL_STD_OK);
  TEST ("match-other-ssn", "CONSENT-8", "the personal authorisation names another person",
        "Match", "invalid");
  grant (fx, "personal", CONF_VEC_SSN2, CH, "", sc, T0 - DAY, T0 + DAY, MODEL_STD_OK);
  grant_kind (fx, 1, sc, T0 - DAY, T0 + DAY);
  grant_kind (fx, 2, sc, T0 - DAY, T0 + DAY);
  ask (fx, sc, T0, MODEL_STD_CONSENT_MISSING);
  TEST ("match-other-channel", "CONSENT-8", "the channel authorisation names another channel",
        "Match", "invalid");
  grant_kind (fx, 0, sc, T0 - DAY, T0 + DAY);
  grant_kind (fx, 1, sc, T0 - DAY, T0 + DAY);
  grant (fx, "channel", "", "CH100002", "", sc, T0 - DAY, T0 + DAY, MODEL_STD_OK);
  ask (fx, sc, T0, MODEL_STD_CONSENT_MISSING);
  TEST ("match-other-department", "CONSENT-8", "the department authorisation names another "
        "department", "Match", "invalid");
  grant_kind (fx, 0, sc, T0 - DAY, T0 + DAY);
  grant (fx, "department", "", CH, "MIB-310000", sc, T0 - DAY, T0 + DAY, MODEL_STD_OK);
  grant_kind (fx, 2, sc, T0 - DAY, T0 + DAY);
  ask (fx, sc, T0, MODEL_STD_CONSENT_MISSING);
  TEST ("match-empty-means-any", "CONSENT-8 CONSENT-3", "a department authorisation for one "
        "person, a personal one for any department", NULL, "valid");
  grant (fx, "personal", CONF_VEC_SSN1, CH, "", sc, T0 - DAY, T0 + DAY, MODEL_STD_OK);
  grant (fx, "department", CONF_VEC_SSN1, CH, DEPT, sc, T0 - DAY, T0 + DAY, MODEL_STD_OK);
  grant (fx, "channel", "", CH, "", sc, T0 - DAY, T0 + DAY, MODEL_STD_OK);
  ask (fx, sc, T0, MODEL_STD_OK);
  check (fx, CONF_VEC_SSN2, CH, DEPT, sc, T0, MODEL_STD_CONSENT_MISSING);
}

static void
malformed (Fx *fx)
{
  static const struct {
    const char *name, *kind, *ssn, *dept, *scopes, *reqs;
    gint64 nb, exp;
    ModelStdCode want;
  } grants[] = {
    { "grant-scopes-order", "personal", CONF_VEC_SSN1, "", "payment_history,identity",
      "CONSENT-2", T0 - DAY, T0 + DAY, MODEL_STD_MALFORMED },
    { "grant-scopes-repeated", "personal", CONF_VEC_SSN1, "", "identity,identity", "CONSENT-2",
      T0 - DAY, T0 + DAY, MODEL_STD_MALFORMED },
    { "grant-scopes-empty-member", "personal", CONF_VEC_SSN1, "", "identity,", "CONSENT-2",
      T0 - DAY, T0 + DAY, MODEL_STD_MALFORMED },
    { "grant-scopes-empty", "personal", CONF_VEC_SSN1, "", "", "CONSENT-1 CONSENT-2",
      T0 - DAY, T0 + DAY, MODEL_STD_MALFORMED },
    { "grant-scopes-blank", "personal", CONF_VEC_SSN1, "", "identity, pension", "CONSENT-2",
      T0 - DAY, T0 + DAY, MODEL_STD_MALFORMED },
    { "grant-scopes-unknown", "personal", CONF_VEC_SSN1, "", "identity,photo", "CONSENT-2",
      T0 - DAY, T0 + DAY, MODEL_STD_MALFORMED },
    { "grant-scopes-case", "personal", CONF_VEC_SSN1, "", "Identity", "CONSENT-2", T0 - DAY,
      T0 + DAY, MODEL_STD_MALFORMED },
    { "grant-kind-unknown", "holder", CONF_VEC_SSN1, "", "identity", "CONSENT-3", T0 - DAY,
      T0 + DAY, MODEL_STD_MALFORMED },
    { "grant-personal-no-ssn", "personal", "", "", "identity", "CONSENT-3", T0 - DAY, T0 + DAY,
      MODEL_STD_MALFORMED },
    { "grant-department-no-id", "department", "", "", "identity", "CONSENT-3", T0 - DAY,
      T0 + DAY, MODEL_STD_MALFORMED },
    { "grant-department-lowercase", "department", "", "mib-110000", "identity", "CONSENT-3",
      T0 - DAY, T0 + DAY, MODEL_STD_MALFORMED },
    { "grant-department-digit-first", "department", "", "1MIB", "identity", "CONSENT-3",
      T0 - DAY, T0 + DAY, MODEL_STD_MALFORMED },
    { "grant-department-33", "department", "", "MIBMIBMIBMIBMIBMIBMIBMIBMIBMIBMIB", "identity",
      "CONSENT-3", T0 - DAY, T0 + DAY, MODEL_STD_MALFORMED },
    { "grant-window-empty", "personal", CONF_VEC_SSN1, "", "identity", "CONSENT-3", T0, T0,
      MODEL_STD_MALFORMED },
    { "grant-window-reversed", "personal", CONF_VEC_SSN1, "", "identity", "CONSENT-3",
      T0 + DAY, T0, MODEL_STD_MALFORMED },
    { "grant-scopes-none-valid", "channel", "", "", ",", "CONSENT-2", T0 - DAY, T0 + DAY,
      MODEL_STD_MALFORMED },
    { "grant-kind-case", "Personal", CONF_VEC_SSN1, "", "identity", "CONSENT-3", T0 - DAY,
      T0 + DAY, MODEL_STD_MALFORMED },
    { "grant-ssn-17", "personal", "11010519491231002", "", "identity", "CONSENT-3 ID-1",
      T0 - DAY, T0 + DAY, MODEL_STD_MALFORMED },
    { "grant-ssn-province", "department", "990105194912310026", "MIB-110000", "identity",
      "CONSENT-3 ID-4", T0 - DAY, T0 + DAY, MODEL_STD_INVALID_ID },
    /* CONSENT-14: two faults at once, the first in the order decides */
    { "order-kind-before-ssn", "holder", "110105194912310021", "", "identity",
      "CONSENT-14", T0 - DAY, T0 + DAY, MODEL_STD_MALFORMED },
    { "order-ssn-before-scopes", "personal", "110105194912310021", "", "identity,photo",
      "CONSENT-14 CONSENT-3", T0 - DAY, T0 + DAY, MODEL_STD_INVALID_ID },
    { "order-ssn-before-department", "department", "110105194912310021", "mib-110000",
      "identity", "CONSENT-14", T0 - DAY, T0 + DAY, MODEL_STD_INVALID_ID },
    { "order-ssn-before-window", "personal", "110105194912310021", "", "identity",
      "CONSENT-14", T0, T0, MODEL_STD_INVALID_ID },
    { "order-birth-before-scopes", "personal", CONF_VEC_SSN1, "", "",
      "CONSENT-14 CONSENT-3 ID-3", -1000000000, T0, MODEL_STD_INVALID_ID },
    { "grant-ssn-check", "personal", "110105194912310021", "", "identity", "CONSENT-3 ID-2",
      T0 - DAY, T0 + DAY, MODEL_STD_INVALID_ID },
    { "grant-ssn-lowercase-x", "personal", "11010519491231002x", "", "identity",
      "CONSENT-3 ID-1", T0 - DAY, T0 + DAY, MODEL_STD_MALFORMED },
    { "grant-ssn-born-after-start", "personal", CONF_VEC_SSN1, "", "identity", "CONSENT-3 ID-3",
      -1000000000, T0, MODEL_STD_INVALID_ID },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (grants); i++)
    {
      TEST (grants[i].name, grants[i].reqs, "a grant that breaks the record's rules", "Malformed",
            "invalid");
      grant (fx, grants[i].kind, grants[i].ssn, CH, grants[i].dept, grants[i].scopes, grants[i].nb,
             grants[i].exp, grants[i].want);
    }
  TEST ("grant-channel-lowercase", "CONSENT-3 CHAN-1", "a channel id in lower case", "Malformed",
        "invalid");
  grant (fx, "channel", "", "ch100001", "", "identity", T0 - DAY, T0 + DAY, MODEL_STD_MALFORMED);
  TEST ("grant-channel-long", "CONSENT-3 CHAN-1", "a channel id of 9 characters", "Malformed",
        "invalid");
  grant (fx, "channel", "", "CH1000011", "", "identity", T0 - DAY, T0 + DAY,
         MODEL_STD_MALFORMED);
  TEST ("order-ssn-before-channel", "CONSENT-14", "an SSN with a wrong check character and a "
        "channel id of 9 characters: invalid_id, the SSN is checked first", "Malformed Order",
        "invalid");
  grant (fx, "personal", "110105194912310021", "CH1000011", "", "identity", T0 - DAY, T0 + DAY,
         MODEL_STD_INVALID_ID);
  TEST ("order-malformed-grant-stores-nothing", "CONSENT-3 ERR-2 CONSENT-12", "a refused grant "
        "takes no grant id: the next grant gets the first id of CONSENT-12", "Malformed",
        "valid");
  grant (fx, "personal", CONF_VEC_SSN1, CH, "", "photo", T0 - DAY, T0 + DAY,
         MODEL_STD_MALFORMED);
  grant_kind (fx, 0, "identity", T0 - DAY, T0 + DAY);
  TEST ("question-ssn-malformed", "CONSENT-11", "a question about an SSN of 17 characters",
        "Malformed", "invalid");
  check (fx, "11010519491231002", CH, DEPT, "identity", T0, MODEL_STD_MALFORMED);
  TEST ("question-ssn-invalid", "CONSENT-11", "a question about an SSN with a wrong check "
        "character", "Malformed", "invalid");
  check (fx, "110105194912310021", CH, DEPT, "identity", T0, MODEL_STD_INVALID_ID);
  TEST ("question-no-department", "CONSENT-11", "a question without a department", "Malformed",
        "invalid");
  check (fx, CONF_VEC_SSN1, CH, "", "identity", T0, MODEL_STD_MALFORMED);
  TEST ("question-scopes-order", "CONSENT-11 CONSENT-2", "a question with scopes out of order",
        "Malformed", "invalid");
  check (fx, CONF_VEC_SSN1, CH, DEPT, "pension,identity", T0, MODEL_STD_MALFORMED);
  TEST ("question-scope-unknown-after-grant", "CONSENT-11 CONSENT-2", "the three "
        "authorisations in force and a question granted, then the same question with an "
        "unknown scope added: malformed, no decision", "Malformed", "invalid");
  for (int j = 0; j < 3; j++)
    grant_kind (fx, j, "identity", T0 - DAY, T0 + DAY);
  ask (fx, "identity", T0, MODEL_STD_OK);
  ask (fx, "identity,photo", T0, MODEL_STD_MALFORMED);
  TEST ("department-edges", "CONSENT-3 CONSENT-8 CONSENT-11", "a department id of 32 "
        "characters, Z first, with A, Z, 0, 9 and - after it: the longest and outermost of "
        "table 7.2, valid in a grant and in a question", "Match", "valid");
  grant_kind (fx, 0, "identity", T0 - DAY, T0 + DAY);
  grant (fx, "department", "", CH, DEPT_EDGES, "identity", T0 - DAY, T0 + DAY, MODEL_STD_OK);
  grant_kind (fx, 2, "identity", T0 - DAY, T0 + DAY);
  check (fx, CONF_VEC_SSN1, CH, DEPT_EDGES, "identity", T0, MODEL_STD_OK);
  TEST ("question-born-after-now", "CONSENT-11 ID-3", "a question about a person born after "
        "the question's now", "Malformed", "invalid");
  check (fx, CONF_VEC_SSN1, CH, DEPT, "identity", -1000000000, MODEL_STD_INVALID_ID);
  TEST ("order-question-ssn-before-scopes", "CONSENT-14 CONSENT-11", "a wrong check character "
        "and a malformed scope set: invalid_id, the SSN is checked first", "Malformed Order",
        "invalid");
  check (fx, "110105194912310021", CH, DEPT, "identity,photo", T0, MODEL_STD_INVALID_ID);
  TEST ("order-question-ssn-before-department", "CONSENT-14 CONSENT-11", "a wrong check "
        "character and no department: invalid_id, the SSN is checked first", "Malformed Order",
        "invalid");
  check (fx, "110105194912310021", CH, "", "identity", T0, MODEL_STD_INVALID_ID);
  if (!fx->channel)
    {
      TEST ("question-channel-lowercase", "CONSENT-11 CHAN-1", "a question naming a channel "
            "id in lower case", "Malformed", "invalid");
      check (fx, CONF_VEC_SSN1, "ch100001", DEPT, "identity", T0, MODEL_STD_MALFORMED);
      TEST ("order-question-ssn-before-channel", "CONSENT-14", "a wrong check character and "
            "a channel id in lower case: invalid_id, the SSN is checked first",
            "Malformed Order", "invalid");
      check (fx, "110105194912310021", "ch100001", DEPT, "identity", T0, MODEL_STD_INVALID_ID);
    }
  TEST ("revoke-twice", "CONSENT-10 CONSENT-14", "a grant revoked twice: the second revocation "
        "is invalid_state, and the grant stays revoked", "Revoked", "invalid");
  for (int j = 0; j < 3; j++)
    grant_kind (fx, j, "identity", T0 - DAY, T0 + DAY);
  revoke_grant (fx, fx->last, T0, MODEL_STD_OK);
  revoke_grant (fx, fx->last, T0 + 1, MODEL_STD_INVALID_STATE);
  ask (fx, "identity", T0 + 2, MODEL_STD_CONSENT_MISSING);
}

/* ERR-3: the encoding of consent requests, before CONSENT-14. */
static void
encoding (Fx *fx)
{
  const char *q = fx->channel ? "data.request" : "consent.check";
  static const struct {
    const char *name, *comment;
  } cases[] = {
    { "grant-not-before-string", "consent.grant with not_before as a string of digits" },
    { "grant-expires-2^63", "consent.grant with expires_at = 2^63: outside 64 bits, never read "
      "as -2^63 (which would make an empty window of another meaning)" },
    { "grant-ssn-absent", "consent.grant without ssn: required, \"\" is how a grant says any "
      "person" },
    { "grant-department-null", "consent.grant with department_id null" },
    { "grant-kind-absent", "consent.grant without kind" },
    { "revoke-uppercase-hex", "consent.revoke of a grant id in upper-case hex (a value of one "
      "text form only)" },
    { "revoke-now-absent", "consent.revoke without now" },
    { "question-now-string", "a question whose now is a string" },
    { "question-scopes-array", "a question whose scopes are an array of names" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *name = g_strdup_printf ("encoding-%s", cases[i].name);
      TEST (name, i == 5 ? "CONSENT-14 CONSENT-10" : "ERR-3", cases[i].comment, "Encoding",
            "invalid");
      JsonNode *grant_p = conf_jo ("kind", conf_js ("personal"), "ssn", conf_js (CONF_VEC_SSN1),
                                   "channel_id", conf_js (CH), "department_id", conf_js (""),
                                   "scopes", conf_js ("identity"),
                                   "not_before", conf_ji (T0 - DAY),
                                   "expires_at", conf_ji (T0 + DAY), NULL);
      JsonObject *g = json_node_get_object (grant_p);
      JsonNode *ask_p = conf_jo ("ssn", conf_js (CONF_VEC_SSN1), NULL);
      JsonObject *a = json_node_get_object (ask_p);
      if (!fx->channel)
        json_object_set_string_member (a, "channel_id", CH);
      json_object_set_string_member (a, "department_id", DEPT);
      json_object_set_string_member (a, "scopes", "identity");
      json_object_set_int_member (a, "now", T0);
      const char *op = "consent.grant";
      JsonNode *p = grant_p;
      switch (i)
        {
        case 0:
          json_object_set_string_member (g, "not_before", "1590883200");
          break;
        case 1:
          json_object_set_member (g, "expires_at", conf_jbig ("9223372036854775808"));
          break;
        case 2:
          json_object_remove_member (g, "ssn");
          break;
        case 3:
          json_object_set_null_member (g, "department_id");
          break;
        case 4:
          json_object_remove_member (g, "kind");
          break;
        case 5:
        case 6:
          {
            /* a real grant first, then its revocation badly encoded */
            grant_kind (fx, 0, "identity", T0 - DAY, T0 + DAY);
            json_node_unref (grant_p);
            g_autofree char *hex = base_hex_encode_dup (fx->last, 16);
            if (i == 5)
              {
                g_autofree char *up = g_ascii_strup (hex, -1);
                p = conf_jo ("grant_id", conf_js (up), "now", conf_ji (T0), NULL);
              }
            else
              p = conf_jo ("grant_id", conf_js (hex), NULL);
            op = "consent.revoke";
            break;
          }
        case 7:
          json_object_set_string_member (a, "now", "1590969600");
          break;
        default:
          json_object_set_member (a, "scopes", conf_jwords ("identity"));
          break;
        }
      if (i >= 7)
        {
          json_node_unref (grant_p);
          p = ask_p;
          op = q;
        }
      else
        json_node_unref (ask_p);
      conf_vec_step (fx->v, op, p, conf_vec_err (MODEL_STD_MALFORMED), NULL);
    }
}

/* CONSENT-15: the platform decides on the channel id alone, without its
 * registry (no channel.apply in any test of this file). */
static void
platform_only (Fx *fx)
{
  TEST ("channel-registry-not-consulted", "CONSENT-15 CONSENT-5", "authorisations and a "
        "question naming a channel the platform's registry does not hold: decided by the "
        "three authorisations alone", NULL, "valid");
  for (int j = 0; j < 3; j++)
    grant_kind (fx, j, "identity", T0 - DAY, T0 + DAY);
  ask (fx, "identity", T0, MODEL_STD_OK);
}

static void
channel_only (Fx *fx)
{
  TEST ("suspended", "CHAN-6 CONSENT-5", "a suspended channel gets no data, even with the "
        "three authorisations", "Suspended", "invalid");
  for (int j = 0; j < 3; j++)
    grant_kind (fx, j, "identity", T0 - DAY, T0 + DAY);
  conf_vec_step (fx->v, "channel.set_status", conf_jo ("status", conf_js ("suspended"), NULL),
                 conf_vec_ok (NULL), NULL);
  conf_vec_step (fx->v, "data.request",
                 conf_jo ("ssn", conf_js (CONF_VEC_SSN1), "department_id", conf_js (DEPT),
                          "scopes", conf_js ("identity"), "now", conf_ji (T0), NULL),
                 conf_vec_err (MODEL_STD_CHANNEL_NOT_LIVE), NULL);
  TEST ("encoding-before-status", "ERR-3", "a suspended channel asked with now as a string: "
        "the encoding is checked before anything else", "Suspended Encoding", "invalid");
  conf_vec_step (fx->v, "channel.set_status", conf_jo ("status", conf_js ("suspended"), NULL),
                 conf_vec_ok (NULL), NULL);
  conf_vec_step (fx->v, "data.request",
                 conf_jo ("ssn", conf_js (CONF_VEC_SSN1), "department_id", conf_js (DEPT),
                          "scopes", conf_js ("identity"), "now", conf_js ("1590969600"), NULL),
                 conf_vec_err (MODEL_STD_MALFORMED), NULL);
}

JsonNode *
conf_vec_gen_consent (GError **error)
{
  g_autoptr (ConfVec) v = conf_vec_new ("consent");
  g_autoptr (ConfVecWorld) w = conf_vec_world_new ();
  Fx fx = { .v = v, .w = w };
  Fx *f = &fx;
  conf_vec_note (v, "MissingPart", "one or more of the three authorisations lacks");
  conf_vec_note (v, "Expired", "an authorisation past its expires_at");
  conf_vec_note (v, "NotYetValid", "an authorisation before its not_before");
  conf_vec_note (v, "Revoked", "an authorisation revoked");
  conf_vec_note (v, "Scopes", "which scopes an authorisation covers");
  conf_vec_note (v, "Match", "which person, channel and department an authorisation names");
  conf_vec_note (v, "Malformed", "a field outside its rules");
  conf_vec_note (v, "NotFound", "an identifier nobody issued");
  conf_vec_note (v, "Suspended", "a channel that is not live");
  conf_vec_note (v, "Order", "two faults at once: the order of checks of CONSENT-14 decides");
  conf_vec_note (v, "Encoding", "a member of another JSON type, absent, or an integer beyond "
                 "the 64-bit range (ERR-3); hex in upper case");
  conf_vec_world_keys (v, w);
  conf_vec_group (v, "platform", NULL);
  fx_reset (f, TRUE);
  cases (f);
  malformed (f);
  encoding (f);
  platform_only (f);
  fx.channel = TRUE;
  conf_vec_group (v, "channel", NULL);
  fx_reset (f, TRUE);
  cases (f);
  malformed (f);
  encoding (f);
  channel_only (f);
  model_consent_store_free (fx.store);
  return conf_vec_finish (v, error);
}
