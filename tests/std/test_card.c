/* SPDX-License-Identifier: MIT */
/*
 * Tests of the card registry's physical half (model/std/card.c): field checks on
 * registration, the physical card's status machine and how each transition
 * out of normal kills the e-card (seen through the status feed), replacement,
 * wire names, and foreach/restore of the whole registry for the store.  The
 * e-card operations themselves (issuance evidence, upgrade, revocation,
 * deterministic ids) are tested in tests/std/test_ecard.c.  Comments name the
 * ESSC-STD requirement (docs/std/20-card.md) each test checks.
 */
#include "model/std/card.h"

#include <sodium.h>
#include <string.h>

#include "model/std/id.h"
#include "tests/lib/testutil.h"
#include "tests/lib/card_fixture.h"



/* A valid citizen ID from its first 17 digits. */
static void
make_ssn (const char *digits17, char out[MODEL_SSN_LEN + 1])
{
  memcpy (out, digits17, 17);
  out[17] = model_id_check_char (digits17);
  out[18] = '\0';
  g_assert_cmpint (out[17], !=, '\0');
}




/* CARD-1 CARD-2 CARD-3 CARD-4 */
static void
test_register_ok (void)
{
  g_autoptr (ModelCardRegistry) r = fx_card_registry_with_card ("A00000001", TRUE);
  g_autoptr (GError) error = NULL;
  ModelCard c;
  g_assert_true (model_card_get (r, "A00000001", &c, &error));
  g_assert_cmpstr (c.card_no, ==, "A00000001");
  g_assert_cmpstr (c.ssn, ==, SSN_A);
  g_assert_cmpstr (c.name, ==, "张三");
  g_assert_cmpuint (c.city, ==, CITY);
  g_assert_cmpint (c.status, ==, MODEL_CARD_NORMAL);
  g_assert_cmpstr (c.replaced_by, ==, "");
  g_assert_true (c.bank_account_active);
  g_assert_cmpint (c.status_changed_at, ==, ESSC_TEST_NOW);
  ModelCard live;
  g_assert_true (model_card_get_live_for_ssn (r, SSN_A, &live, &error));
  g_assert_cmpstr (live.card_no, ==, "A00000001");
  g_assert_false (model_card_get (r, "A00000002", &c, &error));
  g_assert_error (error, MODEL_CARD_ERROR, MODEL_STD_NOT_FOUND);
}

/* CARD-2 */
static void
test_register_invalid_ssn (void)
{
  g_autoptr (ModelCardRegistry) r = model_card_registry_new (NULL);
  static const struct { const char *ssn; ModelStdCode code; } cases[] = {
    { "110105194912310021", MODEL_STD_INVALID_ID },   /* wrong check character */
    { "11010519491231002x", MODEL_STD_MALFORMED },    /* lower-case x */
    { "11010519491231002", MODEL_STD_MALFORMED },     /* 17 characters */
    { "11010519491231002XX", MODEL_STD_MALFORMED },   /* 19 characters */
    { "", MODEL_STD_MALFORMED },
    { NULL, MODEL_STD_MALFORMED },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      g_assert_false (model_card_register (r, "A00000001", cases[i].ssn, "李四", CITY, FALSE,
                                           ESSC_TEST_NOW, &error));
      g_assert_error (error, MODEL_CARD_ERROR, (gint) cases[i].code);
      g_assert_nonnull (strstr (error->message, "ssn"));
    }
  /* A birth date after the validation day. */
  char future[MODEL_SSN_LEN + 1];
  make_ssn ("11010520300101001", future);
  g_autoptr (GError) error = NULL;
  g_assert_false (model_card_register (r, "A00000001", future, "李四", CITY, FALSE,
                                       ESSC_TEST_NOW, &error));
  g_assert_error (error, MODEL_CARD_ERROR, MODEL_STD_INVALID_ID);
  ModelCard c;
  g_assert_false (model_card_get (r, "A00000001", &c, NULL));
}

/* CARD-1 */
static void
test_register_card_no (void)
{
  g_autoptr (ModelCardRegistry) r = model_card_registry_new (NULL);
  const char *bad[] = { "a00000001", "A0000001", "A000000001", "A0000000X", "", "1A0000000",
                        "AA0000000", "A0000 001", "Ä0000001", NULL };
  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (GError) error = NULL;
      g_assert_false (model_card_register (r, bad[i], SSN_A, "王五", CITY, FALSE,
                                           ESSC_TEST_NOW, &error));
      g_assert_error (error, MODEL_CARD_ERROR, MODEL_STD_MALFORMED);
      g_assert_nonnull (strstr (error->message, "card_no"));
    }
  g_assert_true (model_card_register (r, "Z99999999", SSN_A, "王五", CITY, FALSE,
                                      ESSC_TEST_NOW, NULL));
}

/* CARD-3 */
static void
test_register_name (void)
{
  g_autoptr (ModelCardRegistry) r = model_card_registry_new (NULL);
  char long_name[66];
  memset (long_name, 'a', 65);
  long_name[65] = '\0';
  const char *bad[] = { "", "\xff", "\xc0\xaf", "\xe5\xbc", "ab\xed\xa0\x80", "a\tb",
                        "a\nb", "a\x7f", "a\xc2\x85", long_name, NULL };
  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (GError) error = NULL;
      g_assert_false (model_card_register (r, "A00000001", SSN_A, bad[i], CITY, FALSE,
                                           ESSC_TEST_NOW, &error));
      g_assert_error (error, MODEL_CARD_ERROR, MODEL_STD_MALFORMED);
      g_assert_nonnull (strstr (error->message, "name"));
    }
  /* Exactly 64 bytes: 21 three-byte characters and one ASCII letter. */
  GString *s = g_string_new (NULL);
  for (int i = 0; i < 21; i++)
    g_string_append (s, "龙");
  g_string_append_c (s, 'x');
  g_assert_cmpuint (s->len, ==, 64);
  g_autoptr (GError) error = NULL;
  g_assert_true (model_card_register (r, "A00000001", SSN_A, s->str, CITY, FALSE,
                                      ESSC_TEST_NOW, &error));
  g_assert_no_error (error);
  g_string_free (s, TRUE);
}

/* CARD-4 */
static void
test_register_city (void)
{
  g_autoptr (ModelCardRegistry) r = model_card_registry_new (NULL);
  const guint32 bad[] = { 0, 99999, 1000000, 990100, 200100 };
  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (GError) error = NULL;
      g_assert_false (model_card_register (r, "A00000001", SSN_A, "赵六", bad[i], FALSE,
                                           ESSC_TEST_NOW, &error));
      g_assert_error (error, MODEL_CARD_ERROR, MODEL_STD_MALFORMED);
      g_assert_nonnull (strstr (error->message, "city"));
    }
  g_assert_true (model_card_register (r, "A00000001", SSN_A, "赵六", 440500, FALSE,
                                      ESSC_TEST_NOW, NULL));
}

/* CARD-5 */
static void
test_register_one_live_per_ssn (void)
{
  g_autoptr (ModelCardRegistry) r = fx_card_registry_with_card ("A00000001", FALSE);
  g_autoptr (GError) error = NULL;
  g_assert_false (model_card_register (r, "A00000002", SSN_A, "张三", CITY, FALSE,
                                       ESSC_TEST_NOW, &error));
  g_assert_error (error, MODEL_CARD_ERROR, MODEL_STD_ALREADY_LINKED);
  g_clear_error (&error);
  g_assert_false (model_card_register (r, "A00000001", SSN_B, "李四", CITY, FALSE,
                                       ESSC_TEST_NOW, &error));
  g_assert_error (error, MODEL_CARD_ERROR, MODEL_STD_ALREADY_LINKED);
  g_clear_error (&error);
  /* A lost card is still live. */
  g_assert_true (model_card_report_lost (r, "A00000001", ESSC_TEST_NOW, NULL));
  g_assert_false (model_card_register (r, "A00000002", SSN_A, "张三", CITY, FALSE,
                                       ESSC_TEST_NOW, &error));
  g_assert_error (error, MODEL_CARD_ERROR, MODEL_STD_ALREADY_LINKED);
  g_clear_error (&error);
  /* After cancellation the person may get a new card. */
  g_assert_true (model_card_cancel (r, "A00000001", ESSC_TEST_NOW, NULL));
  g_assert_true (model_card_register (r, "A00000002", SSN_A, "张三", CITY, FALSE,
                                      ESSC_TEST_NOW, &error));
  g_assert_no_error (error);
}

enum { OP_LOST, OP_FOUND, OP_LOCK, OP_UNLOCK, OP_CANCEL, OP_REPLACE, N_OPS };
static const char *const op_names[N_OPS] = {
  "report_lost", "report_found", "lock", "unlock", "cancel", "replace",
};

static gboolean
apply_op (ModelCardRegistry *r, int op, gint64 now, GError **error)
{
  switch (op)
    {
    case OP_LOST: return model_card_report_lost (r, "A00000001", now, error);
    case OP_FOUND: return model_card_report_found (r, "A00000001", now, error);
    case OP_LOCK: return model_card_lock (r, "A00000001", now, error);
    case OP_UNLOCK: return model_card_unlock (r, "A00000001", now, error);
    case OP_CANCEL: return model_card_cancel (r, "A00000001", now, error);
    case OP_REPLACE: return model_card_replace (r, "A00000001", "B00000001", now, error);
    default: g_assert_not_reached ();
    }
}

/* CARD-6: every operation from every status, allowed and refused. */
static void
test_status_table (void)
{
  /* Written out independently of the implementation's table. */
  static const gboolean ok[MODEL_CARD_N_STATUS][N_OPS] = {
    /*              lost   found  lock   unlock cancel replace */
    [MODEL_CARD_NORMAL] = { TRUE, FALSE, TRUE, FALSE, TRUE, TRUE },
    [MODEL_CARD_LOST] = { FALSE, TRUE, FALSE, FALSE, TRUE, TRUE },
    [MODEL_CARD_LOCKED] = { FALSE, FALSE, FALSE, TRUE, TRUE, TRUE },
    [MODEL_CARD_CANCELLED] = { FALSE, FALSE, FALSE, FALSE, FALSE, FALSE },
    [MODEL_CARD_REPLACED] = { FALSE, FALSE, FALSE, FALSE, FALSE, FALSE },
  };
  static const int reach[MODEL_CARD_N_STATUS] = {
    -1, OP_LOST, OP_LOCK, OP_CANCEL, OP_REPLACE,
  };
  static const ModelCardStatus result[N_OPS] = {
    MODEL_CARD_LOST, MODEL_CARD_NORMAL, MODEL_CARD_LOCKED, MODEL_CARD_NORMAL,
    MODEL_CARD_CANCELLED, MODEL_CARD_REPLACED,
  };
  for (int from = 0; from < MODEL_CARD_N_STATUS; from++)
    for (int op = 0; op < N_OPS; op++)
      {
        g_autoptr (ModelCardRegistry) r = fx_card_registry_with_card ("A00000001", FALSE);
        g_autoptr (GError) error = NULL;
        if (reach[from] >= 0)
          g_assert_true (apply_op (r, reach[from], ESSC_TEST_NOW + 10, NULL));
        ModelCard before, after;
        g_assert_true (model_card_get (r, "A00000001", &before, NULL));
        g_assert_cmpint (before.status, ==, from);
        gboolean done = apply_op (r, op, ESSC_TEST_NOW + 20, &error);
        g_assert_true (model_card_get (r, "A00000001", &after, NULL));
        g_test_message ("from %s %s -> %s", model_card_status_name (from), op_names[op],
                        done ? "ok" : error->message);
        g_assert_cmpint (done, ==, ok[from][op]);
        if (done)
          {
            g_assert_no_error (error);
            g_assert_cmpint (after.status, ==, result[op]);
            g_assert_cmpint (after.status_changed_at, ==, ESSC_TEST_NOW + 20);
          }
        else
          {
            g_assert_error (error, MODEL_CARD_ERROR, MODEL_STD_INVALID_STATE);
            g_assert_cmpmem (&before, sizeof before, &after, sizeof after);
          }
      }
  /* The exported predicate agrees on all 25 pairs. */
  for (int from = 0; from < MODEL_CARD_N_STATUS; from++)
    for (int to = 0; to < MODEL_CARD_N_STATUS; to++)
      {
        gboolean expect = FALSE;
        for (int op = 0; op < N_OPS; op++)
          expect = expect || (ok[from][op] && result[op] == (ModelCardStatus) to);
        g_assert_cmpint (model_card_transition_allowed (from, to), ==, expect);
      }
  g_assert_false (model_card_transition_allowed (MODEL_CARD_N_STATUS, MODEL_CARD_NORMAL));
  g_autoptr (ModelCardRegistry) r = model_card_registry_new (NULL);
  g_autoptr (GError) error = NULL;
  g_assert_false (model_card_report_lost (r, "A00000009", ESSC_TEST_NOW, &error));
  g_assert_error (error, MODEL_CARD_ERROR, MODEL_STD_NOT_FOUND);
}

typedef gboolean (*LeaveFn) (ModelCardRegistry *, const char *, gint64, GError **);
typedef gboolean (*BackFn) (ModelCardRegistry *, const char *, gint64, GError **);

/* CARD-7 CARD-8 ISS-1: leaving normal kills the e-card at once, for good. */
static void
check_blocks (LeaveFn leave, BackFn back, ModelEcardReason reason)
{
  g_autoptr (ModelCardRegistry) r = fx_card_registry_with_card ("A00000001", FALSE);
  g_autoptr (GError) error = NULL;
  ModelEcard e, got;
  fx_card_issue_ok (r, "A00000001", 1, &e);
  g_assert_cmpint (model_card_status_fn (e.id, r), ==, MODEL_STD_OK);
  g_assert_true (leave (r, "A00000001", ESSC_TEST_NOW + 60, &error));
  g_assert_no_error (error);
  g_assert_cmpint (model_card_status_fn (e.id, r), ==, MODEL_STD_CARD_UNUSABLE);
  g_assert_true (model_card_get_ecard (r, e.id, &got, NULL));
  g_assert_cmpint (got.status, ==, MODEL_ECARD_REVOKED);
  g_assert_cmpint (got.revoked_at, ==, ESSC_TEST_NOW + 60);
  g_assert_cmpint (got.revoke_reason, ==, reason);
  g_assert_false (model_card_get_active_ecard (r, "A00000001", &got, &error));
  g_assert_error (error, MODEL_CARD_ERROR, MODEL_STD_NOT_FOUND);
  g_clear_error (&error);
  /* No issuance while not normal. */
  guint8 pk[MODEL_DEVICE_PK_LEN];
  fx_card_device_key (2, pk);
  g_assert_false (model_card_issue_ecard (r, "A00000001", 1, &fx_card_ev1, pk, ESSC_TEST_NOW + 70,
                                          NULL, &error));
  g_assert_error (error, MODEL_CARD_ERROR, MODEL_STD_CARD_UNUSABLE);
  g_clear_error (&error);
  if (back == NULL)
    return;
  /* Found / unlocked: the old e-card stays dead; a new one must be issued. */
  g_assert_true (back (r, "A00000001", ESSC_TEST_NOW + 120, NULL));
  g_assert_cmpint (model_card_status_fn (e.id, r), ==, MODEL_STD_CARD_UNUSABLE);
  ModelEcard fresh;
  g_assert_true (model_card_issue_ecard (r, "A00000001", 1, &fx_card_ev1, pk, ESSC_TEST_NOW + 130,
                                         &fresh, &error));
  g_assert_no_error (error);
  g_assert_true (memcmp (fresh.id, e.id, MODEL_ECARD_ID_LEN) != 0);
  g_assert_cmpint (model_card_status_fn (fresh.id, r), ==, MODEL_STD_OK);
  g_assert_cmpint (model_card_status_fn (e.id, r), ==, MODEL_STD_CARD_UNUSABLE);
}

/* CARD-7 CARD-8 */
static void
test_status_lost_blocks (void)
{
  check_blocks (model_card_report_lost, model_card_report_found, MODEL_ECARD_REASON_CARD_LOST);
}

/* CARD-7 CARD-8 */
static void
test_status_locked_blocks (void)
{
  check_blocks (model_card_lock, model_card_unlock, MODEL_ECARD_REASON_CARD_LOCKED);
}

/* CARD-7 CARD-8 */
static void
test_status_cancelled_blocks (void)
{
  check_blocks (model_card_cancel, NULL, MODEL_ECARD_REASON_CARD_CANCELLED);
}

/* CARD-8 */
static void
test_status_unknown (void)
{
  g_autoptr (ModelCardRegistry) r = fx_card_registry_with_card ("A00000001", FALSE);
  guint8 id[MODEL_ECARD_ID_LEN] = { 0 };
  g_assert_cmpint (model_card_status_fn (id, r), ==, MODEL_STD_NOT_FOUND);
  ModelStatusFn fn = model_card_status_fn;   /* has the shared signature */
  ModelEcard e;
  fx_card_issue_ok (r, "A00000001", 1, &e);
  g_assert_cmpint (fn (e.id, r), ==, MODEL_STD_OK);
}

/* CARD-9 ISS-4 */
static void
test_replace (void)
{
  g_autoptr (ModelCardRegistry) r = fx_card_registry_with_card ("A00000001", TRUE);
  g_autoptr (GError) error = NULL;
  ModelEcard old_e, got;
  fx_card_issue_ok (r, "A00000001", 2, &old_e);
  /* Refused replacements change nothing. */
  g_assert_false (model_card_replace (r, "A00000001", "b00000001", ESSC_TEST_NOW, &error));
  g_assert_error (error, MODEL_CARD_ERROR, MODEL_STD_MALFORMED);
  g_clear_error (&error);
  g_assert_false (model_card_replace (r, "A00000001", "A00000001", ESSC_TEST_NOW, &error));
  g_assert_error (error, MODEL_CARD_ERROR, MODEL_STD_ALREADY_LINKED);
  g_clear_error (&error);
  g_assert_cmpint (model_card_status_fn (old_e.id, r), ==, MODEL_STD_OK);

  g_assert_true (model_card_replace (r, "A00000001", "B00000002", ESSC_TEST_NOW + 5, &error));
  g_assert_no_error (error);
  ModelCard old_c, new_c;
  g_assert_true (model_card_get (r, "A00000001", &old_c, NULL));
  g_assert_true (model_card_get (r, "B00000002", &new_c, NULL));
  g_assert_cmpint (old_c.status, ==, MODEL_CARD_REPLACED);
  g_assert_cmpstr (old_c.replaced_by, ==, "B00000002");
  g_assert_cmpint (new_c.status, ==, MODEL_CARD_NORMAL);
  g_assert_cmpstr (new_c.ssn, ==, old_c.ssn);
  g_assert_cmpstr (new_c.name, ==, old_c.name);
  g_assert_cmpuint (new_c.city, ==, old_c.city);
  g_assert_cmpstr (new_c.replaced_by, ==, "");
  g_assert_false (new_c.bank_account_active);
  g_assert_cmpint (new_c.status_changed_at, ==, ESSC_TEST_NOW + 5);
  g_assert_true (model_card_get_live_for_ssn (r, SSN_A, &new_c, NULL));
  g_assert_cmpstr (new_c.card_no, ==, "B00000002");

  /* The old e-card is dead and stays so. */
  g_assert_cmpint (model_card_status_fn (old_e.id, r), ==, MODEL_STD_CARD_UNUSABLE);
  g_assert_true (model_card_get_ecard (r, old_e.id, &got, NULL));
  g_assert_cmpint (got.revoke_reason, ==, MODEL_ECARD_REASON_CARD_REPLACED);
  g_assert_false (model_card_replace (r, "A00000001", "B00000003", ESSC_TEST_NOW, &error));
  g_assert_error (error, MODEL_CARD_ERROR, MODEL_STD_INVALID_STATE);
  g_clear_error (&error);

  /* A new e-card for the successor; a second one is refused (ISS-4). */
  ModelEcard new_e;
  fx_card_issue_ok (r, "B00000002", 1, &new_e);
  g_assert_cmpstr (new_e.card_no, ==, "B00000002");
  g_assert_cmpint (model_card_status_fn (new_e.id, r), ==, MODEL_STD_OK);
  g_assert_cmpint (model_card_status_fn (old_e.id, r), ==, MODEL_STD_CARD_UNUSABLE);
  guint8 pk[MODEL_DEVICE_PK_LEN];
  fx_card_device_key (3, pk);
  g_assert_false (model_card_issue_ecard (r, "B00000002", 1, &fx_card_ev1, pk, ESSC_TEST_NOW,
                                          NULL, &error));
  g_assert_error (error, MODEL_CARD_ERROR, MODEL_STD_ALREADY_LINKED);
  g_clear_error (&error);
  /* Nor for the replaced card. */
  g_assert_false (model_card_issue_ecard (r, "A00000001", 1, &fx_card_ev1, pk, ESSC_TEST_NOW,
                                          NULL, &error));
  g_assert_error (error, MODEL_CARD_ERROR, MODEL_STD_CARD_UNUSABLE);
}

/* Expects call's error to have code, then clears it. */
#define REFUSED(call, code) \
  do { g_assert_false (call); g_assert_error (error, MODEL_CARD_ERROR, (code)); \
       g_clear_error (&error); } while (0)

/* CARD-14: registration checks card number, SSN, name, city, then uniqueness. */
static void
test_order_register (void)
{
  g_autoptr (ModelCardRegistry) r = fx_card_registry_with_card ("A00000001", TRUE);
  g_autoptr (GError) error = NULL;
  const char *bad_check = "110105194912310021";   /* SSN_A with a wrong check character */
  REFUSED (model_card_register (r, "a00000002", bad_check, "x", CITY, TRUE, ESSC_TEST_NOW,
                                &error), MODEL_STD_MALFORMED);
  REFUSED (model_card_register (r, "A00000002", bad_check, "", CITY, TRUE, ESSC_TEST_NOW,
                                &error), MODEL_STD_INVALID_ID);
  REFUSED (model_card_register (r, "A00000002", bad_check, "x", 160100, TRUE, ESSC_TEST_NOW,
                                &error), MODEL_STD_INVALID_ID);
  REFUSED (model_card_register (r, "A00000001", bad_check, "x", CITY, TRUE, ESSC_TEST_NOW,
                                &error), MODEL_STD_INVALID_ID);
  REFUSED (model_card_register (r, "A00000001", SSN_B, "", CITY, TRUE, ESSC_TEST_NOW, &error),
           MODEL_STD_MALFORMED);
  REFUSED (model_card_register (r, "A00000001", SSN_B, "x", 99999, TRUE, ESSC_TEST_NOW, &error),
           MODEL_STD_MALFORMED);
  REFUSED (model_card_register (r, "A00000001", SSN_B, "x", CITY, TRUE, ESSC_TEST_NOW, &error),
           MODEL_STD_ALREADY_LINKED);
}

/* CARD-14: a transition judges the number's form before looking it up. */
static void
test_order_transition (void)
{
  g_autoptr (ModelCardRegistry) r = fx_card_registry_with_card ("A00000001", TRUE);
  g_autoptr (GError) error = NULL;
  static const char *const ill[] = { "a00000001", "A0000001", "A000000001", "", "A0000000X" };
  for (gsize i = 0; i < G_N_ELEMENTS (ill); i++)
    {
      REFUSED (model_card_report_lost (r, ill[i], ESSC_TEST_NOW, &error), MODEL_STD_MALFORMED);
      REFUSED (model_card_report_found (r, ill[i], ESSC_TEST_NOW, &error), MODEL_STD_MALFORMED);
      REFUSED (model_card_lock (r, ill[i], ESSC_TEST_NOW, &error), MODEL_STD_MALFORMED);
      REFUSED (model_card_unlock (r, ill[i], ESSC_TEST_NOW, &error), MODEL_STD_MALFORMED);
      REFUSED (model_card_cancel (r, ill[i], ESSC_TEST_NOW, &error), MODEL_STD_MALFORMED);
    }
  REFUSED (model_card_report_lost (r, "A00000009", ESSC_TEST_NOW, &error), MODEL_STD_NOT_FOUND);
  REFUSED (model_card_report_found (r, "A00000001", ESSC_TEST_NOW, &error),
           MODEL_STD_INVALID_STATE);
}

/* CARD-14: replacement checks both numbers' form, the card, table 2.2, then
 * whether the successor's number is free. */
static void
test_order_replace (void)
{
  g_autoptr (ModelCardRegistry) r = fx_card_registry_with_card ("A00000001", TRUE);
  g_autoptr (GError) error = NULL;
  g_assert_true (model_card_register (r, "A00000002", SSN_B, "x", CITY, TRUE, ESSC_TEST_NOW,
                                      &error));
  REFUSED (model_card_replace (r, "a00000001", "A00000003", ESSC_TEST_NOW, &error),
           MODEL_STD_MALFORMED);
  REFUSED (model_card_replace (r, "A00000009", "A0000003", ESSC_TEST_NOW, &error),
           MODEL_STD_MALFORMED);
  REFUSED (model_card_replace (r, "A00000009", "A00000002", ESSC_TEST_NOW, &error),
           MODEL_STD_NOT_FOUND);
  g_assert_true (model_card_cancel (r, "A00000001", ESSC_TEST_NOW, &error));
  REFUSED (model_card_replace (r, "A00000001", "A0000003", ESSC_TEST_NOW, &error),
           MODEL_STD_MALFORMED);
  REFUSED (model_card_replace (r, "A00000001", "A00000002", ESSC_TEST_NOW, &error),
           MODEL_STD_INVALID_STATE);
  REFUSED (model_card_replace (r, "A00000002", "A00000002", ESSC_TEST_NOW, &error),
           MODEL_STD_ALREADY_LINKED);
}

/* ISS-10: the number's form first, before the card and the level. */
static void
test_order_issue (void)
{
  g_autoptr (ModelCardRegistry) r = fx_card_registry_with_card ("A00000001", TRUE);
  g_autoptr (GError) error = NULL;
  guint8 pk[MODEL_DEVICE_PK_LEN];
  fx_card_device_key (1, pk);
  REFUSED (model_card_issue_ecard (r, "a00000001", 3, &fx_card_ev1, pk, ESSC_TEST_NOW, NULL,
                                   &error), MODEL_STD_MALFORMED);
  REFUSED (model_card_issue_ecard (r, "A00000009", 3, &fx_card_ev1, pk, ESSC_TEST_NOW, NULL,
                                   &error), MODEL_STD_NOT_FOUND);
  REFUSED (model_card_issue_ecard (r, "A00000001", 3, &fx_card_ev1, pk, ESSC_TEST_NOW, NULL,
                                   &error), MODEL_STD_MALFORMED);
}

static void
collect_card (const ModelCard *card, gpointer user_data)
{
  g_array_append_vals (user_data, card, 1);
}

static void
collect_ecard (const ModelEcard *ecard, gpointer user_data)
{
  g_array_append_vals (user_data, ecard, 1);
}

/* CARD-12 */
static void
test_store_roundtrip (void)
{
  g_autoptr (ModelCardRegistry) r = fx_card_registry_with_card ("A00000001", TRUE);
  char ssn_c[MODEL_SSN_LEN + 1];
  make_ssn ("44052419900101001", ssn_c);
  g_assert_true (model_card_register (r, "C00000001", SSN_B, "李四", 440500, FALSE,
                                      ESSC_TEST_NOW, NULL));
  g_assert_true (model_card_register (r, "D00000001", ssn_c, "Ann Lee", 440500, TRUE,
                                      ESSC_TEST_NOW, NULL));
  ModelEcard e1, e2, e3;
  fx_card_issue_ok (r, "A00000001", 2, &e1);
  g_assert_true (model_card_replace (r, "A00000001", "B00000001", ESSC_TEST_NOW + 1, NULL));
  fx_card_issue_ok (r, "B00000001", 1, &e2);
  fx_card_issue_ok (r, "C00000001", 1, &e3);
  g_assert_true (model_card_report_lost (r, "C00000001", ESSC_TEST_NOW + 2, NULL));
  fx_card_issue_ok (r, "D00000001", 2, NULL);

  g_autoptr (GArray) cards = g_array_new (FALSE, TRUE, sizeof (ModelCard));
  g_autoptr (GArray) ecards = g_array_new (FALSE, TRUE, sizeof (ModelEcard));
  model_card_foreach (r, collect_card, cards);
  model_card_foreach_ecard (r, collect_ecard, ecards);
  g_assert_cmpuint (cards->len, ==, 4);
  g_assert_cmpuint (ecards->len, ==, 4);
  g_assert_cmpstr (g_array_index (cards, ModelCard, 0).card_no, ==, "A00000001");
  g_assert_cmpstr (g_array_index (cards, ModelCard, 3).card_no, ==, "D00000001");
  for (guint i = 1; i < ecards->len; i++)
    g_assert_cmpint (memcmp (g_array_index (ecards, ModelEcard, i - 1).id,
                             g_array_index (ecards, ModelEcard, i).id, 16), <, 0);

  /* Restore in reverse order of cards (successor before the replaced one). */
  g_autoptr (ModelCardRegistry) back = model_card_registry_new (NULL);
  for (guint i = cards->len; i-- > 0;)
    {
      g_autoptr (GError) error = NULL;
      g_assert_true (model_card_restore (back, &g_array_index (cards, ModelCard, i),
                                         ESSC_TEST_NOW, &error));
      g_assert_no_error (error);
    }
  for (guint i = 0; i < ecards->len; i++)
    {
      g_autoptr (GError) error = NULL;
      g_assert_true (model_card_restore_ecard (back, &g_array_index (ecards, ModelEcard, i),
                                               &error));
      g_assert_no_error (error);
    }
  g_autoptr (GArray) cards2 = g_array_new (FALSE, TRUE, sizeof (ModelCard));
  g_autoptr (GArray) ecards2 = g_array_new (FALSE, TRUE, sizeof (ModelEcard));
  model_card_foreach (back, collect_card, cards2);
  model_card_foreach_ecard (back, collect_ecard, ecards2);
  g_assert_cmpmem (cards->data, cards->len * sizeof (ModelCard),
                   cards2->data, cards2->len * sizeof (ModelCard));
  g_assert_cmpmem (ecards->data, ecards->len * sizeof (ModelEcard),
                   ecards2->data, ecards2->len * sizeof (ModelEcard));
  g_assert_cmpint (model_card_status_fn (e1.id, back), ==, MODEL_STD_CARD_UNUSABLE);
  g_assert_cmpint (model_card_status_fn (e2.id, back), ==, MODEL_STD_OK);
  g_assert_cmpint (model_card_status_fn (e3.id, back), ==, MODEL_STD_CARD_UNUSABLE);
  /* The restored indexes work: one live card per SSN, one active e-card per card. */
  g_autoptr (GError) error = NULL;
  g_assert_false (model_card_register (back, "E00000001", SSN_A, "张三", CITY, FALSE,
                                       ESSC_TEST_NOW, &error));
  g_assert_error (error, MODEL_CARD_ERROR, MODEL_STD_ALREADY_LINKED);
  g_clear_error (&error);
  guint8 pk[MODEL_DEVICE_PK_LEN];
  fx_card_device_key (4, pk);
  g_assert_false (model_card_issue_ecard (back, "B00000001", 1, &fx_card_ev1, pk, ESSC_TEST_NOW,
                                          NULL, &error));
  g_assert_error (error, MODEL_CARD_ERROR, MODEL_STD_ALREADY_LINKED);
  g_clear_error (&error);
  /* Restoring the same records twice is refused. */
  g_assert_false (model_card_restore (back, &g_array_index (cards, ModelCard, 0),
                                      ESSC_TEST_NOW, &error));
  g_assert_error (error, MODEL_CARD_ERROR, MODEL_STD_ALREADY_LINKED);
  g_clear_error (&error);
  g_assert_false (model_card_restore_ecard (back, &g_array_index (ecards, ModelEcard, 0),
                                            &error));
  g_assert_error (error, MODEL_CARD_ERROR, MODEL_STD_ALREADY_LINKED);
}

/* CARD-12 */
static void
test_store_restore_invalid (void)
{
  g_autoptr (ModelCardRegistry) r = model_card_registry_new (NULL);
  ModelCard good = { .card_no = "A00000001", .ssn = SSN_A, .name = "张三", .city = CITY,
                     .status = MODEL_CARD_NORMAL, .status_changed_at = ESSC_TEST_NOW };
  ModelCard bad[9];
  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    bad[i] = good;
  memset (bad[0].card_no, 'A', sizeof bad[0].card_no);          /* no NUL */
  bad[1].status = MODEL_CARD_N_STATUS;
  bad[2].status = MODEL_CARD_REPLACED;                           /* replaced_by empty */
  g_strlcpy (bad[3].replaced_by, "B00000001", sizeof bad[3].replaced_by); /* not replaced */
  bad[4].ssn[17] = '0';                                          /* bad check char */
  g_strlcpy (bad[5].name, "a\x01", sizeof bad[5].name);
  bad[6].city = 12;
  bad[7].bank_account_active = 7;
  bad[8].status_changed_at = -1;
  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (GError) error = NULL;
      g_assert_false (model_card_restore (r, &bad[i], ESSC_TEST_NOW, &error));
      g_assert_nonnull (error);
      g_assert_true (error->domain == MODEL_CARD_ERROR);
      g_assert_true (error->code == MODEL_STD_MALFORMED || error->code == MODEL_STD_INVALID_ID);
    }
  g_autoptr (GError) error = NULL;
  g_assert_true (model_card_restore (r, &good, ESSC_TEST_NOW, &error));
  g_assert_no_error (error);

  guint8 pk[MODEL_DEVICE_PK_LEN];
  fx_card_device_key (1, pk);
  ModelEcard ge = { .id = { 9 }, .card_no = "A00000001", .level = 1,
                    .status = MODEL_ECARD_ACTIVE, .issued_at = ESSC_TEST_NOW };
  memcpy (ge.device_pk, pk, sizeof pk);
  ModelEcard be[7];
  for (gsize i = 0; i < G_N_ELEMENTS (be); i++)
    be[i] = ge;
  be[0].level = 3;
  be[1].status = MODEL_ECARD_N_STATUS;
  be[2].revoked_at = ESSC_TEST_NOW;                               /* active with revoked_at */
  be[3].status = MODEL_ECARD_REVOKED;                             /* revoked without reason */
  be[3].revoked_at = ESSC_TEST_NOW;
  memset (be[4].device_pk, 0, sizeof be[4].device_pk);
  g_strlcpy (be[5].card_no, "A0000001", sizeof be[5].card_no);
  be[6].revoke_reason = MODEL_ECARD_N_REASONS;
  for (gsize i = 0; i < G_N_ELEMENTS (be); i++)
    {
      g_assert_false (model_card_restore_ecard (r, &be[i], &error));
      g_assert_error (error, MODEL_CARD_ERROR, MODEL_STD_MALFORMED);
      g_clear_error (&error);
    }
  ModelEcard other = ge;
  g_strlcpy (other.card_no, "A00000002", sizeof other.card_no);
  g_assert_false (model_card_restore_ecard (r, &other, &error));
  g_assert_error (error, MODEL_CARD_ERROR, MODEL_STD_NOT_FOUND);
  g_clear_error (&error);
  ModelEcard lvl2 = ge;
  lvl2.level = 2;                                                 /* bank not active */
  g_assert_false (model_card_restore_ecard (r, &lvl2, &error));
  g_assert_error (error, MODEL_CARD_ERROR, MODEL_STD_INVALID_STATE);
  g_clear_error (&error);
  g_assert_true (model_card_restore_ecard (r, &ge, &error));
  g_assert_no_error (error);
  ModelEcard second = ge;
  second.id[0] = 10;
  g_assert_false (model_card_restore_ecard (r, &second, &error));
  g_assert_error (error, MODEL_CARD_ERROR, MODEL_STD_ALREADY_LINKED);
  g_clear_error (&error);
  /* An active e-card of a lost card would break CARD-7. */
  g_autoptr (ModelCardRegistry) r2 = model_card_registry_new (NULL);
  ModelCard lost = good;
  lost.status = MODEL_CARD_LOST;
  g_assert_true (model_card_restore (r2, &lost, ESSC_TEST_NOW, NULL));
  g_assert_false (model_card_restore_ecard (r2, &ge, &error));
  g_assert_error (error, MODEL_CARD_ERROR, MODEL_STD_INVALID_STATE);
}

static void
test_names (void)
{
  for (int i = 0; i < MODEL_CARD_N_STATUS; i++)
    {
      ModelCardStatus s;
      g_assert_true (model_card_status_from_name (model_card_status_name (i), &s));
      g_assert_cmpint (s, ==, i);
    }
  for (int i = 0; i < MODEL_ECARD_N_STATUS; i++)
    {
      ModelEcardStatus s;
      g_assert_true (model_ecard_status_from_name (model_ecard_status_name (i), &s));
      g_assert_cmpint (s, ==, i);
    }
  for (int i = 0; i < MODEL_ECARD_N_REASONS; i++)
    {
      ModelEcardReason s;
      g_assert_true (model_ecard_reason_from_name (model_ecard_reason_name (i), &s));
      g_assert_cmpint (s, ==, i);
    }
  ModelCardStatus s;
  g_assert_cmpstr (model_card_status_name (MODEL_CARD_LOST), ==, "lost");
  g_assert_cmpstr (model_ecard_reason_name (MODEL_ECARD_REASON_CARD_REPLACED), ==,
                   "card_replaced");
  g_assert_cmpstr (model_card_status_name (99), ==, "invalid");
  g_assert_false (model_card_status_from_name ("Lost", &s));
  g_assert_false (model_card_status_from_name (NULL, &s));
}

static void
test_free_null (void)
{
  model_card_registry_free (NULL);
}

int
main (int argc, char **argv)
{
  essc_test_init (&argc, &argv);
  g_test_add_func ("/card/register/ok", test_register_ok);
  g_test_add_func ("/card/register/invalid-ssn", test_register_invalid_ssn);
  g_test_add_func ("/card/register/card-no", test_register_card_no);
  g_test_add_func ("/card/register/name", test_register_name);
  g_test_add_func ("/card/register/city", test_register_city);
  g_test_add_func ("/card/register/one-live-per-ssn", test_register_one_live_per_ssn);
  g_test_add_func ("/card/status/table", test_status_table);
  g_test_add_func ("/card/status/lost-blocks-ecard", test_status_lost_blocks);
  g_test_add_func ("/card/status/locked-blocks-ecard", test_status_locked_blocks);
  g_test_add_func ("/card/status/cancelled-blocks-ecard", test_status_cancelled_blocks);
  g_test_add_func ("/card/status/unknown-ecard", test_status_unknown);
  g_test_add_func ("/card/replace", test_replace);
  g_test_add_func ("/card/order/register", test_order_register);
  g_test_add_func ("/card/order/transition", test_order_transition);
  g_test_add_func ("/card/order/replace", test_order_replace);
  g_test_add_func ("/card/order/issue", test_order_issue);
  g_test_add_func ("/card/store/roundtrip", test_store_roundtrip);
  g_test_add_func ("/card/store/restore-invalid", test_store_restore_invalid);
  g_test_add_func ("/card/names", test_names);
  g_test_add_func ("/card/free-null", test_free_null);
  return g_test_run ();
}
