/* SPDX-License-Identifier: MIT */
/*
 * Tests of the three-level consent store (ESSC-STD section "Consent",
 * CONSENT-n): scope names and sets, the eight combinations of the three
 * authorisations, validity windows, scope coverage, matching of person,
 * channel and department, revocation, malformed input, SSN validation
 * through model_id_validate (a grant's at its not_before, a question's at
 * its now), and foreach/restore for the store.
 */
#include "model/std/consent.h"
#include "model/std/id.h"
#include "tests/lib/testutil.h"

#include <sodium.h>
#include <string.h>

#define NOW ESSC_TEST_NOW
#define DAY ((gint64) 86400)
#define SSN_A "11010519491231002X"
#define SSN_B "440524188001010014"
#define CH "CH000101"
#define DEPT "MIB-110000"
#define IDENT MODEL_CONSENT_SCOPE_IDENTITY
#define INSUR MODEL_CONSENT_SCOPE_INSURANCE_RECORD
#define PAY MODEL_CONSENT_SCOPE_PAYMENT_HISTORY

static ModelConsentGrant
mk (ModelConsentKind kind, const char *ssn, const char *ch, const char *dept, guint32 scopes,
    gint64 not_before, gint64 expires_at)
{
  ModelConsentGrant g;
  memset (&g, 0, sizeof g);
  g.kind = kind;
  g_strlcpy (g.ssn, ssn, sizeof g.ssn);
  g_strlcpy (g.channel_id, ch, sizeof g.channel_id);
  g_strlcpy (g.department_id, dept, sizeof g.department_id);
  g.scopes = scopes;
  g.not_before = not_before;
  g.expires_at = expires_at;
  return g;
}

/* The usual grant of each kind, in force for a year around NOW. */
static ModelConsentGrant
usual (ModelConsentKind kind)
{
  switch (kind)
    {
    case MODEL_CONSENT_PERSONAL:
      return mk (kind, SSN_A, CH, "", IDENT | INSUR, NOW - DAY, NOW + 365 * DAY);
    case MODEL_CONSENT_DEPARTMENT:
      return mk (kind, "", CH, DEPT, IDENT | INSUR | PAY, NOW - DAY, NOW + 365 * DAY);
    default:
      return mk (kind, "", CH, "", MODEL_CONSENT_SCOPE_ALL, NOW - DAY, NOW + 365 * DAY);
    }
}

static void
grant_ok (ModelConsentStore *store, ModelConsentGrant g, guint8 *id_out)
{
  g_autoptr (GError) error = NULL;
  g_assert_true (model_consent_store_grant (store, &g, id_out, &error));
  g_assert_no_error (error);
}

static ModelStdCode
check (ModelConsentStore *store, const char *ssn, const char *ch, const char *dept,
       guint32 scopes, gint64 now, ModelConsentDecision *d)
{
  g_autoptr (GError) error = NULL;
  gboolean ok = model_consent_store_check (store, ssn, ch, dept, scopes, now, d, &error);
  if (ok)
    {
      g_assert_no_error (error);
      g_assert_cmpint (d->code, ==, MODEL_STD_OK);
      return MODEL_STD_OK;
    }
  g_assert_nonnull (error);
  g_assert_true (error->domain == MODEL_CONSENT_ERROR);
  g_assert_cmpint (error->code, ==, d->code);
  return (ModelStdCode) error->code;
}

/* CONSENT-1, CONSENT-2, CONSENT-3 */
static void
test_names (void)
{
  static const char *names[] = { "identity", "card_status", "insurance_record",
                                 "payment_history", "employment", "pension" };
  for (int i = 0; i < MODEL_CONSENT_N_SCOPES; i++)
    g_assert_cmpstr (model_consent_scope_name (1u << i), ==, names[i]);
  g_assert_cmpstr (model_consent_scope_name (3), ==, "unknown");
  g_assert_cmpstr (model_consent_scope_name (1u << 6), ==, "unknown");
  ModelConsentKind k;
  g_assert_true (model_consent_kind_from_name ("department", &k));
  g_assert_cmpint (k, ==, MODEL_CONSENT_DEPARTMENT);
  g_assert_cmpstr (model_consent_kind_name (MODEL_CONSENT_CHANNEL), ==, "channel");
  g_assert_cmpstr (model_consent_kind_name (MODEL_CONSENT_PERSONAL), ==, "personal");
  g_assert_false (model_consent_kind_from_name ("Personal", &k));
  g_assert_false (model_consent_kind_from_name (NULL, &k));

  for (guint32 set = 1; set <= MODEL_CONSENT_SCOPE_ALL; set++)
    {
      g_autofree char *s = model_consent_scopes_to_string (set);
      guint32 back = 0;
      g_assert_true (model_consent_scopes_parse (s, &back, NULL));
      g_assert_cmpuint (back, ==, set);
    }
  g_autofree char *two = model_consent_scopes_to_string (IDENT | PAY);
  g_assert_cmpstr (two, ==, "identity,payment_history");
  g_autofree char *none = model_consent_scopes_to_string (0);
  g_assert_cmpstr (none, ==, "");

  static const char *bad[] = { "", "identity,", ",identity", "identity,,card_status",
                               "identity,identity", "card_status,identity", "Identity",
                               "identity ,card_status", "identity,card_statu", "medical",
                               "identity\xff" };
  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (GError) error = NULL;
      guint32 out = 99;
      g_assert_false (model_consent_scopes_parse (bad[i], &out, &error));
      g_assert_error (error, MODEL_CONSENT_ERROR, MODEL_STD_MALFORMED);
      g_assert_nonnull (strstr (error->message, "scopes"));
      g_assert_cmpuint (out, ==, 99);
    }
  guint32 out;
  g_assert_false (model_consent_scopes_parse (NULL, &out, NULL));
}

/* CONSENT-5, CONSENT-6, CONSENT-9: exactly one of the eight combinations grants. */
static void
test_eight_combinations (void)
{
  for (guint mask = 0; mask < 8; mask++)
    {
      g_autoptr (ModelConsentStore) store = model_consent_store_new (NULL);
      guint8 ids[3][MODEL_CONSENT_GRANT_ID_LEN];
      for (int k = 0; k < 3; k++)
        if (mask & MODEL_CONSENT_PART (k))
          grant_ok (store, usual ((ModelConsentKind) k), ids[k]);
      ModelConsentDecision d;
      g_autoptr (GError) error = NULL;
      gboolean ok = model_consent_store_check (store, SSN_A, CH, DEPT, IDENT | INSUR, NOW, &d,
                                               &error);
      g_assert_cmpint (ok, ==, mask == 7);
      g_assert_cmpuint (d.present, ==, mask);
      g_assert_cmpuint (d.missing, ==, 7 & ~mask);
      g_assert_cmpuint (d.expired, ==, 0);
      g_assert_cmpuint (d.not_yet_valid, ==, 0);
      for (int k = 0; k < 3; k++)
        if (mask & MODEL_CONSENT_PART (k))
          g_assert_cmpmem (d.grant_ids[k], 16, ids[k], 16);
      if (mask == 7)
        {
          g_assert_no_error (error);
          g_assert_cmpint (d.code, ==, MODEL_STD_OK);
          continue;
        }
      g_assert_error (error, MODEL_CONSENT_ERROR, MODEL_STD_CONSENT_MISSING);
      g_assert_cmpint (d.code, ==, MODEL_STD_CONSENT_MISSING);
      /* The message names each missing part before "missing". */
      const char *tail = strstr (error->message, " missing");
      g_assert_nonnull (tail);
      for (int k = 0; k < 3; k++)
        {
          const char *at = strstr (error->message, model_consent_kind_name ((ModelConsentKind) k));
          gboolean named_missing = at != NULL && at < tail;
          g_assert_cmpint (named_missing, ==, !(mask & MODEL_CONSENT_PART (k)));
        }
    }
}

/* CONSENT-4, CONSENT-7: each part expired, at the boundary. */
static void
test_expired (void)
{
  for (int k = 0; k < 3; k++)
    {
      g_autoptr (ModelConsentStore) store = model_consent_store_new (NULL);
      ModelConsentDecision d;
      for (int j = 0; j < 3; j++)
        {
          ModelConsentGrant g = usual ((ModelConsentKind) j);
          if (j == k)
            g.expires_at = NOW;
          grant_ok (store, g, NULL);
        }
      g_assert_cmpint (check (store, SSN_A, CH, DEPT, IDENT, NOW - 1, &d), ==, MODEL_STD_OK);
      g_assert_cmpint (check (store, SSN_A, CH, DEPT, IDENT, NOW, &d), ==, MODEL_STD_EXPIRED);
      g_assert_cmpuint (d.expired, ==, MODEL_CONSENT_PART (k));
      g_assert_cmpuint (d.missing, ==, MODEL_CONSENT_PART (k));
      g_assert_cmpuint (d.present, ==, 7 & ~MODEL_CONSENT_PART (k));
      /* A renewal in force wins over the expired one. */
      grant_ok (store, usual ((ModelConsentKind) k), NULL);
      g_assert_cmpint (check (store, SSN_A, CH, DEPT, IDENT, NOW, &d), ==, MODEL_STD_OK);
      g_assert_cmpuint (d.expired, ==, 0);
    }
  /* One part expired and another absent: CONSENT_MISSING, masks say which. */
  g_autoptr (ModelConsentStore) store = model_consent_store_new (NULL);
  ModelConsentDecision d;
  ModelConsentGrant g = usual (MODEL_CONSENT_PERSONAL);
  g.expires_at = NOW - 10;
  grant_ok (store, g, NULL);
  grant_ok (store, usual (MODEL_CONSENT_CHANNEL), NULL);
  g_assert_cmpint (check (store, SSN_A, CH, DEPT, IDENT, NOW, &d), ==,
                   MODEL_STD_CONSENT_MISSING);
  g_assert_cmpuint (d.expired, ==, MODEL_CONSENT_PART (MODEL_CONSENT_PERSONAL));
  g_assert_cmpuint (d.missing, ==, MODEL_CONSENT_PART (MODEL_CONSENT_PERSONAL)
                                   | MODEL_CONSENT_PART (MODEL_CONSENT_DEPARTMENT));
  /* Two parts expired, none absent: EXPIRED. */
  g = usual (MODEL_CONSENT_DEPARTMENT);
  g.expires_at = NOW - 5;
  grant_ok (store, g, NULL);
  g_assert_cmpint (check (store, SSN_A, CH, DEPT, IDENT, NOW, &d), ==, MODEL_STD_EXPIRED);
  /* An expired grant that does not cover the scopes is no excuse: missing. */
  g_assert_cmpint (check (store, SSN_A, CH, DEPT, MODEL_CONSENT_SCOPE_PENSION, NOW, &d), ==,
                   MODEL_STD_CONSENT_MISSING);
  g_assert_cmpuint (d.expired, ==, 0);
}

/* CONSENT-4, CONSENT-7 */
static void
test_not_yet_valid (void)
{
  for (int k = 0; k < 3; k++)
    {
      g_autoptr (ModelConsentStore) store = model_consent_store_new (NULL);
      ModelConsentDecision d;
      for (int j = 0; j < 3; j++)
        {
          ModelConsentGrant g = usual ((ModelConsentKind) j);
          if (j == k)
            g.not_before = NOW + 1;
          grant_ok (store, g, NULL);
        }
      g_assert_cmpint (check (store, SSN_A, CH, DEPT, IDENT, NOW, &d), ==,
                       MODEL_STD_NOT_YET_VALID);
      g_assert_cmpuint (d.not_yet_valid, ==, MODEL_CONSENT_PART (k));
      g_assert_cmpuint (d.present, ==, 7 & ~MODEL_CONSENT_PART (k));
      g_assert_cmpint (check (store, SSN_A, CH, DEPT, IDENT, NOW + 1, &d), ==, MODEL_STD_OK);
    }
}

/* CONSENT-6, CONSENT-8: scopes are covered by one authorisation, not pooled. */
static void
test_scope_coverage (void)
{
  g_autoptr (ModelConsentStore) store = model_consent_store_new (NULL);
  ModelConsentDecision d;
  grant_ok (store, mk (MODEL_CONSENT_PERSONAL, SSN_A, CH, "", IDENT, NOW - 1, NOW + DAY), NULL);
  grant_ok (store, mk (MODEL_CONSENT_PERSONAL, SSN_A, CH, "", INSUR, NOW - 1, NOW + DAY), NULL);
  grant_ok (store, usual (MODEL_CONSENT_DEPARTMENT), NULL);
  grant_ok (store, usual (MODEL_CONSENT_CHANNEL), NULL);
  g_assert_cmpint (check (store, SSN_A, CH, DEPT, IDENT, NOW, &d), ==, MODEL_STD_OK);
  g_assert_cmpint (check (store, SSN_A, CH, DEPT, INSUR, NOW, &d), ==, MODEL_STD_OK);
  g_assert_cmpint (check (store, SSN_A, CH, DEPT, IDENT | INSUR, NOW, &d), ==,
                   MODEL_STD_CONSENT_MISSING);
  g_assert_cmpuint (d.missing, ==, MODEL_CONSENT_PART (MODEL_CONSENT_PERSONAL));
  /* The department covers identity, insurance and payment but not employment. */
  grant_ok (store, mk (MODEL_CONSENT_PERSONAL, SSN_A, CH, "", MODEL_CONSENT_SCOPE_ALL, NOW - 1,
                       NOW + DAY), NULL);
  g_assert_cmpint (check (store, SSN_A, CH, DEPT, IDENT | INSUR | PAY, NOW, &d), ==,
                   MODEL_STD_OK);
  g_assert_cmpint (check (store, SSN_A, CH, DEPT, IDENT | MODEL_CONSENT_SCOPE_EMPLOYMENT, NOW,
                          &d), ==, MODEL_STD_CONSENT_MISSING);
  g_assert_cmpuint (d.missing, ==, MODEL_CONSENT_PART (MODEL_CONSENT_DEPARTMENT));
}

/* CONSENT-3, CONSENT-8: who the authorisation names must match. */
static void
test_wrong_party (void)
{
  g_autoptr (ModelConsentStore) store = model_consent_store_new (NULL);
  ModelConsentDecision d;
  for (int k = 0; k < 3; k++)
    grant_ok (store, usual ((ModelConsentKind) k), NULL);
  g_assert_cmpint (check (store, SSN_A, CH, DEPT, IDENT, NOW, &d), ==, MODEL_STD_OK);
  /* Another person: only the personal part lacks (the others cover all persons). */
  g_assert_cmpint (check (store, SSN_B, CH, DEPT, IDENT, NOW, &d), ==, MODEL_STD_CONSENT_MISSING);
  g_assert_cmpuint (d.missing, ==, MODEL_CONSENT_PART (MODEL_CONSENT_PERSONAL));
  /* Another channel: nothing matches. */
  g_assert_cmpint (check (store, SSN_A, "CH000102", DEPT, IDENT, NOW, &d), ==,
                   MODEL_STD_CONSENT_MISSING);
  g_assert_cmpuint (d.missing, ==, 7);
  /* Another department: the department part lacks (personal and channel cover all). */
  g_assert_cmpint (check (store, SSN_A, CH, "HRSS-110000", IDENT, NOW, &d), ==,
                   MODEL_STD_CONSENT_MISSING);
  g_assert_cmpuint (d.missing, ==, MODEL_CONSENT_PART (MODEL_CONSENT_DEPARTMENT));

  /* Person-specific department grant and department-specific channel grant. */
  g_autoptr (ModelConsentStore) narrow = model_consent_store_new (NULL);
  grant_ok (narrow, mk (MODEL_CONSENT_PERSONAL, SSN_B, CH, "", IDENT, NOW - 1, NOW + DAY), NULL);
  grant_ok (narrow, mk (MODEL_CONSENT_PERSONAL, SSN_A, CH, "HRSS-110000", IDENT, NOW - 1,
                        NOW + DAY), NULL);
  grant_ok (narrow, mk (MODEL_CONSENT_DEPARTMENT, SSN_B, CH, DEPT, IDENT, NOW - 1, NOW + DAY),
            NULL);
  grant_ok (narrow, mk (MODEL_CONSENT_CHANNEL, "", CH, DEPT, IDENT, NOW - 1, NOW + DAY), NULL);
  g_assert_cmpint (check (narrow, SSN_B, CH, DEPT, IDENT, NOW, &d), ==, MODEL_STD_OK);
  /* SSN_A's personal consent names another department; the department
   * grant names SSN_B only. */
  g_assert_cmpint (check (narrow, SSN_A, CH, DEPT, IDENT, NOW, &d), ==,
                   MODEL_STD_CONSENT_MISSING);
  g_assert_cmpuint (d.missing, ==, MODEL_CONSENT_PART (MODEL_CONSENT_PERSONAL)
                                   | MODEL_CONSENT_PART (MODEL_CONSENT_DEPARTMENT));
  g_assert_cmpuint (d.present, ==, MODEL_CONSENT_PART (MODEL_CONSENT_CHANNEL));
}

/* CONSENT-10 */
static void
test_revoke (void)
{
  g_autoptr (ModelConsentStore) store = model_consent_store_new (NULL);
  g_autoptr (GError) error = NULL;
  ModelConsentDecision d;
  guint8 ids[3][16], second[16], unknown[16] = { 0 };
  for (int k = 0; k < 3; k++)
    grant_ok (store, usual ((ModelConsentKind) k), ids[k]);
  g_assert_cmpint (check (store, SSN_A, CH, DEPT, IDENT, NOW, &d), ==, MODEL_STD_OK);
  g_assert_true (model_consent_store_revoke (store, ids[MODEL_CONSENT_PERSONAL], NOW, &error));
  g_assert_no_error (error);
  g_assert_cmpint (check (store, SSN_A, CH, DEPT, IDENT, NOW, &d), ==, MODEL_STD_CONSENT_MISSING);
  g_assert_cmpuint (d.missing, ==, MODEL_CONSENT_PART (MODEL_CONSENT_PERSONAL));
  /* Revoked means revoked whatever the clock says. */
  g_assert_cmpint (check (store, SSN_A, CH, DEPT, IDENT, NOW - 100, &d), ==,
                   MODEL_STD_CONSENT_MISSING);
  g_assert_false (model_consent_store_revoke (store, ids[MODEL_CONSENT_PERSONAL], NOW, &error));
  g_assert_error (error, MODEL_CONSENT_ERROR, MODEL_STD_INVALID_STATE);
  g_clear_error (&error);
  g_assert_false (model_consent_store_revoke (store, unknown, NOW, &error));
  g_assert_error (error, MODEL_CONSENT_ERROR, MODEL_STD_NOT_FOUND);
  g_clear_error (&error);
  /* A new consent restores access; revoking the channel part removes it. */
  grant_ok (store, usual (MODEL_CONSENT_PERSONAL), second);
  g_assert_cmpint (check (store, SSN_A, CH, DEPT, IDENT, NOW, &d), ==, MODEL_STD_OK);
  g_assert_cmpmem (d.grant_ids[MODEL_CONSENT_PERSONAL], 16, second, 16);
  g_assert_true (model_consent_store_revoke (store, ids[MODEL_CONSENT_CHANNEL], NOW, NULL));
  g_assert_cmpint (check (store, SSN_A, CH, DEPT, IDENT, NOW, &d), ==, MODEL_STD_CONSENT_MISSING);
  g_assert_cmpuint (d.missing, ==, MODEL_CONSENT_PART (MODEL_CONSENT_CHANNEL));
  /* An expired grant counts as expired until it is revoked. */
  ModelConsentGrant old = usual (MODEL_CONSENT_CHANNEL);
  guint8 old_id[16];
  old.expires_at = NOW;
  grant_ok (store, old, old_id);
  g_assert_cmpint (check (store, SSN_A, CH, DEPT, IDENT, NOW, &d), ==, MODEL_STD_EXPIRED);
  g_assert_true (model_consent_store_revoke (store, old_id, NOW, NULL));
  g_assert_cmpint (check (store, SSN_A, CH, DEPT, IDENT, NOW, &d), ==, MODEL_STD_CONSENT_MISSING);
  g_assert_cmpuint (d.expired, ==, 0);
}

/* CONSENT-3, CONSENT-11 */
static void
test_malformed (void)
{
  g_autoptr (ModelConsentStore) store = model_consent_store_new (NULL);
  struct { ModelConsentGrant g; ModelStdCode code; const char *field; } cases[] = {
    { mk ((ModelConsentKind) 3, SSN_A, CH, "", IDENT, 0, 10), MODEL_STD_MALFORMED, "kind" },
    { mk (MODEL_CONSENT_PERSONAL, "", CH, "", IDENT, 0, 10), MODEL_STD_MALFORMED, "ssn" },
    { mk (MODEL_CONSENT_PERSONAL, "110105194912310021", CH, "", IDENT, 0, 10),
      MODEL_STD_INVALID_ID, "ssn" },
    { mk (MODEL_CONSENT_PERSONAL, "11010519491231002x", CH, "", IDENT, 0, 10),
      MODEL_STD_MALFORMED, "ssn" },
    { mk (MODEL_CONSENT_PERSONAL, "1101051949123100", CH, "", IDENT, 0, 10),
      MODEL_STD_MALFORMED, "ssn" },
    { mk (MODEL_CONSENT_DEPARTMENT, "A1010519491231002X", CH, DEPT, IDENT, 0, 10),
      MODEL_STD_MALFORMED, "ssn" },
    { mk (MODEL_CONSENT_CHANNEL, "", "", "", IDENT, 0, 10), MODEL_STD_MALFORMED, "channel_id" },
    { mk (MODEL_CONSENT_CHANNEL, "", "CH12345X", "", IDENT, 0, 10), MODEL_STD_MALFORMED,
      "channel_id" },
    { mk (MODEL_CONSENT_DEPARTMENT, "", CH, "", IDENT, 0, 10), MODEL_STD_MALFORMED,
      "department_id" },
    { mk (MODEL_CONSENT_DEPARTMENT, "", CH, "mib-110000", IDENT, 0, 10), MODEL_STD_MALFORMED,
      "department_id" },
    { mk (MODEL_CONSENT_DEPARTMENT, "", CH, "1MIB", IDENT, 0, 10), MODEL_STD_MALFORMED,
      "department_id" },
    { mk (MODEL_CONSENT_DEPARTMENT, "", CH, "MIB 1", IDENT, 0, 10), MODEL_STD_MALFORMED,
      "department_id" },
    { mk (MODEL_CONSENT_CHANNEL, "", CH, "", 0, 0, 10), MODEL_STD_MALFORMED, "scopes" },
    { mk (MODEL_CONSENT_CHANNEL, "", CH, "", 0x40, 0, 10), MODEL_STD_MALFORMED, "scopes" },
    { mk (MODEL_CONSENT_CHANNEL, "", CH, "", IDENT, 10, 10), MODEL_STD_MALFORMED, "expires_at" },
    { mk (MODEL_CONSENT_CHANNEL, "", CH, "", IDENT, 10, 9), MODEL_STD_MALFORMED, "expires_at" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      g_assert_false (model_consent_store_grant (store, &cases[i].g, NULL, &error));
      g_assert_error (error, MODEL_CONSENT_ERROR, (int) cases[i].code);
      g_assert_nonnull (strstr (error->message, cases[i].field));
    }
  g_autoptr (GError) error = NULL;
  ModelConsentGrant g = usual (MODEL_CONSENT_CHANNEL);
  g.revoked = TRUE;
  g_assert_false (model_consent_store_grant (store, &g, NULL, &error));
  g_assert_error (error, MODEL_CONSENT_ERROR, MODEL_STD_MALFORMED);
  g_clear_error (&error);
  g = usual (MODEL_CONSENT_DEPARTMENT);
  memset (g.department_id, 'A', sizeof g.department_id);    /* no terminator */
  g_assert_false (model_consent_store_grant (store, &g, NULL, &error));
  g_assert_error (error, MODEL_CONSENT_ERROR, MODEL_STD_MALFORMED);
  g_clear_error (&error);
  g_assert_false (model_consent_department_check ("A23456789012345678901234567890123", &error));
  g_assert_error (error, MODEL_CONSENT_ERROR, MODEL_STD_MALFORMED);
  g_clear_error (&error);
  g_assert_true (model_consent_department_check ("A2345678901234567890123456789012", NULL));

  /* Malformed questions: error, decision untouched, nothing granted. */
  ModelConsentDecision d;
  memset (&d, 0xab, sizeof d);
  struct { const char *ssn, *ch, *dept; guint32 scopes; ModelStdCode code; } q[] = {
    { "11010519491231002", CH, DEPT, IDENT, MODEL_STD_MALFORMED },
    { "110105194912310021", CH, DEPT, IDENT, MODEL_STD_INVALID_ID },
    { NULL, CH, DEPT, IDENT, MODEL_STD_MALFORMED },
    { SSN_A, NULL, DEPT, IDENT, MODEL_STD_MALFORMED },
    { SSN_A, "CH00010", DEPT, IDENT, MODEL_STD_MALFORMED },
    { SSN_A, CH, "", IDENT, MODEL_STD_MALFORMED },
    { SSN_A, CH, NULL, IDENT, MODEL_STD_MALFORMED },
    { SSN_A, CH, DEPT, 0, MODEL_STD_MALFORMED },
    { SSN_A, CH, DEPT, 0x80, MODEL_STD_MALFORMED },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (q); i++)
    {
      g_assert_false (model_consent_store_check (store, q[i].ssn, q[i].ch, q[i].dept,
                                                 q[i].scopes, NOW, &d, &error));
      g_assert_error (error, MODEL_CONSENT_ERROR, (int) q[i].code);
      g_clear_error (&error);
      g_assert_cmpuint (d.present, ==, 0xabababab);
    }
  model_consent_store_free (NULL);
}

/* An SSN of someone born on 2030-01-01, which begins in Beijing at BIRTH. */
#define BIRTH ((gint64) 1893427200)   /* 2029-12-31T16:00:00Z */

static void
make_ssn (const char *digits17, char out[MODEL_SSN_LEN + 1])
{
  memcpy (out, digits17, 17);
  out[17] = model_id_check_char (digits17);
  out[18] = '\0';
  g_assert_cmpint (out[17], !=, '\0');
}

/* CONSENT-3, CONSENT-11: SSNs are validated by model_id_validate (ID-1 to
 * ID-4), a grant's at its not_before and a question's at its now. */
static void
test_ssn_validation (void)
{
  g_autoptr (GError) error = NULL;
  char born_2030[MODEL_SSN_LEN + 1], bad_province[MODEL_SSN_LEN + 1],
       bad_date[MODEL_SSN_LEN + 1];
  make_ssn ("11010520300101001", born_2030);
  make_ssn ("99010519491231002", bad_province);
  make_ssn ("11010519490230002", bad_date);
  g_assert_true (model_consent_ssn_check (SSN_A, NOW, &error));
  g_assert_no_error (error);
  g_assert_true (model_consent_ssn_check (SSN_B, NOW, &error));
  g_assert_no_error (error);
  struct { const char *ssn; gint64 now; ModelStdCode code; const char *what; } cases[] = {
    { NULL, NOW, MODEL_STD_MALFORMED, "missing" },
    { "11010519491231002", NOW, MODEL_STD_MALFORMED, "18" },
    { "110105194912310021", NOW, MODEL_STD_INVALID_ID, "check character" },
    { born_2030, NOW, MODEL_STD_INVALID_ID, "future" },
    { born_2030, BIRTH - 1, MODEL_STD_INVALID_ID, "future" },
    { bad_province, NOW, MODEL_STD_INVALID_ID, "province" },
    { bad_date, NOW, MODEL_STD_INVALID_ID, "birth date" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_assert_false (model_consent_ssn_check (cases[i].ssn, cases[i].now, &error));
      g_assert_error (error, MODEL_CONSENT_ERROR, (int) cases[i].code);
      g_assert_true (g_str_has_prefix (error->message, "ssn: "));
      g_assert_nonnull (strstr (error->message, cases[i].what));
      g_clear_error (&error);
    }
  g_assert_true (model_consent_ssn_check (born_2030, BIRTH, &error));
  g_assert_no_error (error);

  /* A grant is judged at its not_before, not at its end nor at NOW. */
  g_autoptr (ModelConsentStore) store = model_consent_store_new (NULL);
  ModelConsentGrant early = mk (MODEL_CONSENT_PERSONAL, born_2030, CH, "", IDENT, BIRTH - 1,
                                BIRTH + DAY);
  g_assert_false (model_consent_store_grant (store, &early, NULL, &error));
  g_assert_error (error, MODEL_CONSENT_ERROR, MODEL_STD_INVALID_ID);
  g_assert_nonnull (strstr (error->message, "ssn"));
  g_clear_error (&error);
  g_assert_false (model_consent_store_restore (store, &early, &error));
  g_assert_error (error, MODEL_CONSENT_ERROR, MODEL_STD_INVALID_ID);
  g_clear_error (&error);
  ModelConsentGrant from_birth = mk (MODEL_CONSENT_PERSONAL, born_2030, CH, "", IDENT, BIRTH,
                                     BIRTH + DAY);
  grant_ok (store, from_birth, NULL);

  /* A question is judged at its now: malformed before the birth day, a
   * normal decision after it. */
  ModelConsentDecision d;
  memset (&d, 0xab, sizeof d);
  g_assert_false (model_consent_store_check (store, born_2030, CH, DEPT, IDENT, NOW, &d,
                                             &error));
  g_assert_error (error, MODEL_CONSENT_ERROR, MODEL_STD_INVALID_ID);
  g_assert_cmpuint (d.present, ==, 0xabababab);
  g_clear_error (&error);
  g_assert_cmpint (check (store, born_2030, CH, DEPT, IDENT, BIRTH + 10, &d), ==,
                   MODEL_STD_CONSENT_MISSING);
  g_assert_cmpuint (d.present, ==, MODEL_CONSENT_PART (MODEL_CONSENT_PERSONAL));
}

static void
collect (const ModelConsentGrant *g, gpointer user_data)
{
  g_array_append_val ((GArray *) user_data, *g);
}

/* CONSENT-14: the order of checks of a grant and of a question, with two
 * faults at once; model_consent_parties_check takes strings of any length. */
static void
test_check_order (void)
{
  g_autoptr (ModelConsentStore) store = model_consent_store_new (NULL);
  g_autoptr (GError) error = NULL;
  const char *bad_check = "110105194912310021";   /* wrong check character */

  /* a grant: the SSN before the scope set, the department and the window */
  ModelConsentGrant g = mk (MODEL_CONSENT_PERSONAL, bad_check, CH, "", 1u << 20, NOW, NOW);
  g_assert_false (model_consent_store_grant (store, &g, NULL, &error));
  g_assert_error (error, MODEL_CONSENT_ERROR, MODEL_STD_INVALID_ID);
  g_clear_error (&error);
  g = mk (MODEL_CONSENT_DEPARTMENT, bad_check, CH, "mib", IDENT, NOW - DAY, NOW + DAY);
  g_assert_false (model_consent_store_grant (store, &g, NULL, &error));
  g_assert_error (error, MODEL_CONSENT_ERROR, MODEL_STD_INVALID_ID);
  g_clear_error (&error);
  /* the channel id before the department id, the department before the scopes */
  g = mk (MODEL_CONSENT_DEPARTMENT, "", "ch000101", "mib", 0, NOW - DAY, NOW + DAY);
  g_assert_false (model_consent_store_grant (store, &g, NULL, &error));
  g_assert_nonnull (strstr (error->message, "channel_id"));
  g_clear_error (&error);
  g = mk (MODEL_CONSENT_DEPARTMENT, "", CH, "mib", 0, NOW - DAY, NOW + DAY);
  g_assert_false (model_consent_store_grant (store, &g, NULL, &error));
  g_assert_nonnull (strstr (error->message, "department_id"));
  g_clear_error (&error);
  g = mk (MODEL_CONSENT_CHANNEL, "", CH, "", 0, NOW + DAY, NOW - DAY);
  g_assert_false (model_consent_store_grant (store, &g, NULL, &error));
  g_assert_nonnull (strstr (error->message, "scopes"));
  g_clear_error (&error);

  /* the parties alone, from strings of any length (an adapter checks them
   * before copying them into a record) */
  g_assert_false (model_consent_parties_check (MODEL_CONSENT_PERSONAL, bad_check, "CH0001011",
                                               "", NOW, &error));
  g_assert_error (error, MODEL_CONSENT_ERROR, MODEL_STD_INVALID_ID);
  g_clear_error (&error);
  g_assert_false (model_consent_parties_check (MODEL_CONSENT_CHANNEL, "", "CH0001011", "", NOW,
                                               &error));
  g_assert_error (error, MODEL_CONSENT_ERROR, MODEL_STD_MALFORMED);
  g_clear_error (&error);
  g_autofree char *long_dept = g_strnfill (4096, 'M');
  g_assert_false (model_consent_parties_check (MODEL_CONSENT_DEPARTMENT, "", CH, long_dept, NOW,
                                               &error));
  g_assert_nonnull (strstr (error->message, "over 32"));
  g_clear_error (&error);
  g_assert_true (model_consent_parties_check (MODEL_CONSENT_CHANNEL, "", CH, "", NOW, NULL));
  /* a question: the SSN (required) before the department (required) */
  g_assert_false (model_consent_parties_check (MODEL_CONSENT_N_KINDS, "", CH, DEPT, NOW,
                                               &error));
  g_assert_error (error, MODEL_CONSENT_ERROR, MODEL_STD_MALFORMED);
  g_clear_error (&error);
  g_assert_false (model_consent_parties_check (MODEL_CONSENT_N_KINDS, bad_check, CH, "", NOW,
                                               &error));
  g_assert_error (error, MODEL_CONSENT_ERROR, MODEL_STD_INVALID_ID);
  g_clear_error (&error);
  g_assert_false (model_consent_store_check (store, bad_check, CH, "", 1u << 20, NOW, NULL,
                                             &error));
  g_assert_error (error, MODEL_CONSENT_ERROR, MODEL_STD_INVALID_ID);
  g_clear_error (&error);
  g_assert_false (model_consent_store_check (store, SSN_A, CH, "", 1u << 20, NOW, NULL, &error));
  g_assert_nonnull (strstr (error->message, "department_id"));
  /* nothing was granted by any of these */
  g_autoptr (GArray) all = g_array_new (FALSE, FALSE, sizeof (ModelConsentGrant));
  model_consent_store_foreach (store, collect, all);
  g_assert_cmpuint (all->len, ==, 0);
}

/* CONSENT-12, CONSENT-13 */
static void
test_foreach_restore (void)
{
  guint8 seed[32], seed2[32], id1[16], id2[16], id3[16];
  memset (seed, 7, sizeof seed);
  memset (seed2, 8, sizeof seed2);
  g_autoptr (ModelConsentStore) a = model_consent_store_new (seed);
  g_autoptr (ModelConsentStore) b = model_consent_store_new (seed);
  g_autoptr (ModelConsentStore) c = model_consent_store_new (seed2);
  grant_ok (a, usual (MODEL_CONSENT_PERSONAL), id1);
  grant_ok (b, usual (MODEL_CONSENT_CHANNEL), id2);
  grant_ok (c, usual (MODEL_CONSENT_PERSONAL), id3);
  g_assert_cmpmem (id1, 16, id2, 16);
  g_assert_true (memcmp (id1, id3, 16) != 0);
  /* id = BLAKE2b-128 keyed by the seed over the counter 0, big-endian. */
  guint8 want[16], ctr[8] = { 0 };
  crypto_generichash (want, 16, ctr, 8, seed, 32);
  g_assert_cmpmem (id1, 16, want, 16);

  grant_ok (a, usual (MODEL_CONSENT_DEPARTMENT), NULL);
  grant_ok (a, usual (MODEL_CONSENT_CHANNEL), id2);
  g_assert_true (model_consent_store_revoke (a, id2, NOW + 3, NULL));
  g_autoptr (GArray) all = g_array_new (FALSE, TRUE, sizeof (ModelConsentGrant));
  model_consent_store_foreach (a, collect, all);
  g_assert_cmpuint (all->len, ==, 3);
  g_assert_cmpint (g_array_index (all, ModelConsentGrant, 0).kind, ==, MODEL_CONSENT_PERSONAL);
  g_assert_cmpint (g_array_index (all, ModelConsentGrant, 2).revoked, ==, TRUE);
  g_assert_cmpint (g_array_index (all, ModelConsentGrant, 2).revoked_at, ==, NOW + 3);

  g_autoptr (ModelConsentStore) back = model_consent_store_new (seed);
  for (guint i = 0; i < all->len; i++)
    {
      g_autoptr (GError) error = NULL;
      g_assert_true (model_consent_store_restore (back, &g_array_index (all, ModelConsentGrant, i),
                                                  &error));
      g_assert_no_error (error);
    }
  g_autoptr (GArray) again = g_array_new (FALSE, TRUE, sizeof (ModelConsentGrant));
  model_consent_store_foreach (back, collect, again);
  g_assert_cmpmem (again->data, again->len * sizeof (ModelConsentGrant), all->data,
                   all->len * sizeof (ModelConsentGrant));
  ModelConsentDecision d;
  g_assert_cmpint (check (back, SSN_A, CH, DEPT, IDENT, NOW, &d), ==, MODEL_STD_CONSENT_MISSING);
  g_assert_cmpuint (d.missing, ==, MODEL_CONSENT_PART (MODEL_CONSENT_CHANNEL));
  /* A new grant in the restored store never reuses a restored id, although
   * the seed and counter would give id1 first. */
  guint8 fresh[16];
  grant_ok (back, usual (MODEL_CONSENT_CHANNEL), fresh);
  for (guint i = 0; i < all->len; i++)
    g_assert_true (memcmp (fresh, g_array_index (all, ModelConsentGrant, i).grant_id, 16) != 0);

  g_autoptr (GError) error = NULL;
  ModelConsentGrant g = g_array_index (all, ModelConsentGrant, 0);
  g_assert_false (model_consent_store_restore (back, &g, &error));
  g_assert_error (error, MODEL_CONSENT_ERROR, MODEL_STD_CONFLICT);
  g_clear_error (&error);
  g.grant_id[0] ^= 1;
  g.revoked_at = NOW;
  g_assert_false (model_consent_store_restore (back, &g, &error));
  g_assert_error (error, MODEL_CONSENT_ERROR, MODEL_STD_MALFORMED);
  g_clear_error (&error);
  g.revoked_at = 0;
  g.revoked = 2;
  g_assert_false (model_consent_store_restore (back, &g, &error));
  g_assert_error (error, MODEL_CONSENT_ERROR, MODEL_STD_MALFORMED);
  g_clear_error (&error);
  g.revoked = FALSE;
  g.scopes = 0;
  g_assert_false (model_consent_store_restore (back, &g, &error));
  g_assert_error (error, MODEL_CONSENT_ERROR, MODEL_STD_MALFORMED);
  g_clear_error (&error);
  g.scopes = IDENT;
  g_assert_true (model_consent_store_restore (back, &g, &error));
  g_assert_no_error (error);
}

int
main (int argc, char **argv)
{
  essc_test_init (&argc, &argv);
  g_test_add_func ("/consent/names/scopes-and-kinds", test_names);
  g_test_add_func ("/consent/check/eight-combinations", test_eight_combinations);
  g_test_add_func ("/consent/check/expired", test_expired);
  g_test_add_func ("/consent/check/not-yet-valid", test_not_yet_valid);
  g_test_add_func ("/consent/check/scope-coverage", test_scope_coverage);
  g_test_add_func ("/consent/check/wrong-party", test_wrong_party);
  g_test_add_func ("/consent/revoke/immediate", test_revoke);
  g_test_add_func ("/consent/input/malformed", test_malformed);
  g_test_add_func ("/consent/input/ssn-validation", test_ssn_validation);
  g_test_add_func ("/consent/input/check-order", test_check_order);
  g_test_add_func ("/consent/store/foreach-restore", test_foreach_restore);
  return g_test_run ();
}
