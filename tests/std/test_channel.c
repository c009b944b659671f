/* SPDX-License-Identifier: MIT */
/*
 * Tests of the channel registry (ESSC-STD section "Channels", CHAN-n): ids
 * and names, the access state machine, tiers and relaying, the decaying risk
 * score and its automatic rules (also as fed by verification), and
 * foreach/restore for the store.  The request's bytes and its verification
 * (signing bytes, wire codec, bit flips, replay, clock window, replay cache:
 * the /channel/request/... paths) are tested in tests/std/test_channel_request.c.
 */
#include "model/std/channel.h"
#include "tests/lib/testutil.h"
#include "tests/lib/channel_fixture.h"

#include <math.h>
#include <sodium.h>
#include <string.h>

#define DAY ((gint64) 86400)





/* CHAN-3, CHAN-5 */
static void
test_names (void)
{
  static const char *classes[] = { "hrss", "government", "partner", "bank", "medical", "social" };
  static const char *statuses[] = { "applied", "certified", "live", "rectification",
                                    "suspended", "terminated" };
  for (int i = 0; i < MODEL_CHANNEL_N_CLASSES; i++)
    {
      ModelChannelClass c;
      g_assert_cmpstr (model_channel_class_name ((ModelChannelClass) i), ==, classes[i]);
      g_assert_true (model_channel_class_from_name (classes[i], &c));
      g_assert_cmpint (c, ==, i);
    }
  for (int i = 0; i < MODEL_CHANNEL_N_STATUSES; i++)
    {
      ModelChannelStatus s;
      g_assert_cmpstr (model_channel_status_name ((ModelChannelStatus) i), ==, statuses[i]);
      g_assert_true (model_channel_status_from_name (statuses[i], &s));
      g_assert_cmpint (s, ==, i);
    }
  for (int i = 0; i < MODEL_CHANNEL_N_RISKS; i++)
    {
      ModelChannelRisk r;
      g_assert_true (model_channel_risk_from_name (model_channel_risk_name ((ModelChannelRisk) i),
                                                   &r));
      g_assert_cmpint (r, ==, i);
    }
  ModelChannelClass c;
  g_assert_false (model_channel_class_from_name ("Bank", &c));
  g_assert_false (model_channel_class_from_name (NULL, &c));
  g_assert_cmpstr (model_channel_class_name ((ModelChannelClass) 6), ==, "unknown");
  g_assert_cmpstr (model_channel_status_name ((ModelChannelStatus) -1), ==, "unknown");
}

/* CHAN-1, CHAN-2 */
static void
test_ids_names (void)
{
  static const char *bad_ids[] = { "", "CH12345", "CH1234567", "ch123456", "CX123456",
                                   "CH12a456", "CH 12345", "CH12345\xff", "XCH12345" };
  for (gsize i = 0; i < G_N_ELEMENTS (bad_ids); i++)
    {
      g_autoptr (GError) error = NULL;
      g_assert_false (model_channel_id_check (bad_ids[i], "channel_id", &error));
      g_assert_error (error, MODEL_CHANNEL_ERROR, MODEL_STD_MALFORMED);
      g_assert_nonnull (strstr (error->message, "channel_id"));
    }
  g_autoptr (GError) e0 = NULL;
  g_assert_false (model_channel_id_check (NULL, "parent_id", &e0));
  g_assert_error (e0, MODEL_CHANNEL_ERROR, MODEL_STD_MALFORMED);
  g_assert_true (model_channel_id_check ("CH000001", NULL, NULL));

  char long_name[66];
  memset (long_name, 'a', 65);
  long_name[65] = '\0';
  const char *bad_names[] = { "", long_name, "bad\xff", "tab\there", "c1\xc2\x80",
                              "del\x7f", "\xe4\xba", /* truncated 3-byte sequence */
                              "人社部电子社保卡人社部电子社保卡人社部电子社保卡" /* 72 bytes */ };
  for (gsize i = 0; i < G_N_ELEMENTS (bad_names); i++)
    {
      g_autoptr (GError) error = NULL;
      g_assert_false (model_channel_name_check (bad_names[i], &error));
      g_assert_error (error, MODEL_CHANNEL_ERROR, MODEL_STD_MALFORMED);
      g_assert_nonnull (strstr (error->message, "name"));
    }
  long_name[64] = '\0';
  g_assert_true (model_channel_name_check (long_name, NULL));
  g_assert_true (model_channel_name_check ("中国建设银行", NULL));
  g_assert_false (model_channel_name_check (NULL, NULL));
}

/* CHAN-1, CHAN-2, CHAN-4, CHAN-23 */
static void
test_apply (void)
{
  g_autoptr (ModelChannelRegistry) reg = model_channel_registry_new (NULL);
  FxChanKeys k;
  fx_chan_keys_for (1, &k);
  ModelChannel rec;
  g_autoptr (GError) error = NULL;

  g_assert_true (model_channel_registry_apply (reg, "CH000001", "掌上12333",
                                               MODEL_CHANNEL_CLASS_HRSS, 1, "", k.pk, NOW,
                                               &error));
  g_assert_no_error (error);
  g_assert_true (model_channel_registry_lookup (reg, "CH000001", &rec, &error));
  g_assert_cmpstr (rec.id, ==, "CH000001");
  g_assert_cmpstr (rec.name, ==, "掌上12333");
  g_assert_cmpint (rec.klass, ==, MODEL_CHANNEL_CLASS_HRSS);
  g_assert_cmpint (rec.tier, ==, 1);
  g_assert_cmpstr (rec.parent_id, ==, "");
  g_assert_cmpint (rec.status, ==, MODEL_CHANNEL_APPLIED);
  g_assert_cmpint (rec.status_changed_at, ==, NOW);
  g_assert_cmpmem (rec.public_key, 32, k.pk, 32);
  g_assert_true (rec.risk_score == 0.0);

  struct {
    const char *id, *name, *parent;
    int klass, tier;
    gboolean zero_key;
    ModelStdCode code;
  } cases[] = {
    { "CH000001", "dup", NULL, 0, 1, FALSE, MODEL_STD_CONFLICT },
    { "CH00002", "x", NULL, 0, 1, FALSE, MODEL_STD_MALFORMED },
    { "CH000002", "", NULL, 0, 1, FALSE, MODEL_STD_MALFORMED },
    { "CH000002", "x", NULL, 6, 1, FALSE, MODEL_STD_MALFORMED },
    { "CH000002", "x", NULL, -1, 1, FALSE, MODEL_STD_MALFORMED },
    { "CH000002", "x", NULL, 0, 3, FALSE, MODEL_STD_MALFORMED },
    { "CH000002", "x", NULL, 0, 0, FALSE, MODEL_STD_MALFORMED },
    { "CH000002", "x", "CH000001", 0, 1, FALSE, MODEL_STD_MALFORMED },
    { "CH000002", "x", NULL, 0, 2, FALSE, MODEL_STD_MALFORMED },
    { "CH000002", "x", "CH0001", 0, 2, FALSE, MODEL_STD_MALFORMED },
    { "CH000002", "x", "CH000077", 0, 2, FALSE, MODEL_STD_NOT_FOUND },
    { "CH000002", "x", NULL, 0, 1, TRUE, MODEL_STD_MALFORMED },
  };
  guint8 zero[32] = { 0 };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) e = NULL;
      g_assert_false (model_channel_registry_apply (reg, cases[i].id, cases[i].name,
                                                    (ModelChannelClass) cases[i].klass,
                                                    cases[i].tier, cases[i].parent,
                                                    cases[i].zero_key ? zero : k.pk, NOW, &e));
      g_assert_error (e, MODEL_CHANNEL_ERROR, (int) cases[i].code);
    }
  g_assert_false (model_channel_registry_lookup (reg, "CH000002", &rec, &error));
  g_assert_error (error, MODEL_CHANNEL_ERROR, MODEL_STD_NOT_FOUND);
  g_clear_error (&error);

  /* Tier 2 under tier 1: fine; under tier 2: CHANNEL_TIER; under terminated: refused. */
  g_assert_true (model_channel_registry_apply (reg, "CH000002", "child",
                                               MODEL_CHANNEL_CLASS_SOCIAL, 2, "CH000001",
                                               k.pk, NOW, &error));
  g_assert_no_error (error);
  g_assert_true (model_channel_registry_lookup (reg, "CH000002", &rec, NULL));
  g_assert_cmpstr (rec.parent_id, ==, "CH000001");
  g_assert_false (model_channel_registry_apply (reg, "CH000003", "grandchild",
                                                MODEL_CHANNEL_CLASS_SOCIAL, 2, "CH000002",
                                                k.pk, NOW, &error));
  g_assert_error (error, MODEL_CHANNEL_ERROR, MODEL_STD_CHANNEL_TIER);
  g_clear_error (&error);
  g_assert_true (model_channel_registry_set_status (reg, "CH000001", MODEL_CHANNEL_TERMINATED,
                                                    NOW, NULL));
  g_assert_false (model_channel_registry_apply (reg, "CH000003", "orphan",
                                                MODEL_CHANNEL_CLASS_SOCIAL, 2, "CH000001",
                                                k.pk, NOW, &error));
  g_assert_error (error, MODEL_CHANNEL_ERROR, MODEL_STD_CHANNEL_NOT_LIVE);
}

/* CHAN-5: every (from, to) pair against the table written out here. */
static void
test_transitions (void)
{
  enum { A, C, L, R, S, T };
  static const gboolean allowed[6][6] = {
    /*            A  C  L  R  S  T */
    [A] = {       0, 1, 0, 0, 0, 1 },
    [C] = {       0, 0, 1, 0, 0, 1 },
    [L] = {       0, 0, 0, 1, 1, 1 },
    [R] = {       0, 0, 1, 0, 1, 1 },
    [S] = {       0, 0, 1, 0, 0, 1 },
    [T] = {       0, 0, 0, 0, 0, 0 },
  };
  for (int from = 0; from < 6; from++)
    for (int to = 0; to < 6; to++)
      {
        g_autoptr (ModelChannelRegistry) reg = model_channel_registry_new (NULL);
        g_autoptr (GError) error = NULL;
        ModelChannel rec;
        fx_chan_add (reg, "CH100000", 1, NULL, 1, (ModelChannelStatus) from);
        g_assert_true (model_channel_registry_lookup (reg, "CH100000", &rec, NULL));
        g_assert_cmpint (rec.status, ==, from);
        g_assert_cmpint (model_channel_transition_allowed ((ModelChannelStatus) from,
                                                           (ModelChannelStatus) to),
                         ==, allowed[from][to]);
        gboolean ok = model_channel_registry_set_status (reg, "CH100000",
                                                         (ModelChannelStatus) to,
                                                         NOW + 10, &error);
        g_assert_cmpint (ok, ==, allowed[from][to]);
        g_assert_true (model_channel_registry_lookup (reg, "CH100000", &rec, NULL));
        if (ok)
          {
            g_assert_no_error (error);
            g_assert_cmpint (rec.status, ==, to);
            g_assert_cmpint (rec.status_changed_at, ==, NOW + 10);
          }
        else
          {
            g_assert_error (error, MODEL_CHANNEL_ERROR, MODEL_STD_INVALID_STATE);
            g_assert_cmpint (rec.status, ==, from);
          }
      }
  g_autoptr (ModelChannelRegistry) reg = model_channel_registry_new (NULL);
  g_autoptr (GError) error = NULL;
  g_assert_false (model_channel_registry_set_status (reg, "CH123456", MODEL_CHANNEL_LIVE, NOW,
                                                     &error));
  g_assert_error (error, MODEL_CHANNEL_ERROR, MODEL_STD_NOT_FOUND);
  g_assert_false (model_channel_transition_allowed (MODEL_CHANNEL_LIVE, (ModelChannelStatus) 9));
}

/* CHAN-6, CHAN-5: only live channels; suspended refused then reinstated;
 * terminated final. */
static void
test_only_live (void)
{
  for (int s = 0; s < MODEL_CHANNEL_N_STATUSES; s++)
    {
      g_autoptr (ModelChannelRegistry) reg = model_channel_registry_new (NULL);
      g_autoptr (GError) error = NULL;
      ModelChannelRequest req;
      fx_chan_add (reg, "CH100000", 1, NULL, 1, (ModelChannelStatus) s);
      fx_chan_make_request (&req, "CH100000", NULL, NOW, 7, "{}", 1, 0);
      gboolean ok = fx_chan_verify (reg, &req, "{}", NOW, &error);
      if (s == MODEL_CHANNEL_LIVE)
        {
          g_assert_no_error (error);
          g_assert_true (ok);
        }
      else
        {
          g_assert_false (ok);
          g_assert_error (error, MODEL_CHANNEL_ERROR, MODEL_STD_CHANNEL_NOT_LIVE);
        }
    }

  g_autoptr (ModelChannelRegistry) reg = model_channel_registry_new (NULL);
  g_autoptr (GError) error = NULL;
  ModelChannelRequest req;
  fx_chan_add (reg, "CH100000", 1, NULL, 1, MODEL_CHANNEL_LIVE);
  fx_chan_make_request (&req, "CH100000", NULL, NOW, 1, "a", 1, 0);
  g_assert_true (fx_chan_verify (reg, &req, "a", NOW, NULL));
  g_assert_true (model_channel_registry_set_status (reg, "CH100000", MODEL_CHANNEL_SUSPENDED,
                                                    NOW, NULL));
  fx_chan_make_request (&req, "CH100000", NULL, NOW, 2, "a", 1, 0);
  g_assert_false (fx_chan_verify (reg, &req, "a", NOW, &error));
  g_assert_error (error, MODEL_CHANNEL_ERROR, MODEL_STD_CHANNEL_NOT_LIVE);
  g_clear_error (&error);
  g_assert_true (model_channel_registry_set_status (reg, "CH100000", MODEL_CHANNEL_LIVE,
                                                    NOW + 1, NULL));
  g_assert_true (fx_chan_verify (reg, &req, "a", NOW + 1, &error));
  g_assert_no_error (error);

  g_assert_true (model_channel_registry_set_status (reg, "CH100000", MODEL_CHANNEL_TERMINATED,
                                                    NOW + 2, NULL));
  for (int to = 0; to < MODEL_CHANNEL_N_STATUSES; to++)
    {
      g_assert_false (model_channel_registry_set_status (reg, "CH100000",
                                                         (ModelChannelStatus) to, NOW + 3,
                                                         &error));
      g_assert_error (error, MODEL_CHANNEL_ERROR, MODEL_STD_INVALID_STATE);
      g_clear_error (&error);
    }
  fx_chan_make_request (&req, "CH100000", NULL, NOW, 3, "a", 1, 0);
  g_assert_false (fx_chan_verify (reg, &req, "a", NOW + 3, &error));
  g_assert_error (error, MODEL_CHANNEL_ERROR, MODEL_STD_CHANNEL_NOT_LIVE);
  g_clear_error (&error);

  fx_chan_make_request (&req, "CH100009", NULL, NOW, 3, "a", 1, 0);
  g_assert_false (fx_chan_verify (reg, &req, "a", NOW, &error));
  g_assert_error (error, MODEL_CHANNEL_ERROR, MODEL_STD_NOT_FOUND);
}

/* CHAN-7, CHAN-8, CHAN-10, CHAN-15 */
static void
test_tier2 (void)
{
  g_autoptr (ModelChannelRegistry) reg = model_channel_registry_new (NULL);
  g_autoptr (GError) error = NULL;
  ModelChannelRequest req;
  double score;
  fx_chan_add (reg, "CH100001", 1, NULL, 1, MODEL_CHANNEL_LIVE);
  fx_chan_add (reg, "CH100002", 1, NULL, 2, MODEL_CHANNEL_LIVE);
  fx_chan_add (reg, "CH200001", 2, "CH100001", 3, MODEL_CHANNEL_LIVE);

  /* Through its own parent, countersigned: accepted. */
  fx_chan_make_request (&req, "CH200001", "CH100001", NOW, 1, "b", 3, 1);
  g_assert_true (fx_chan_verify (reg, &req, "b", NOW, &error));
  g_assert_no_error (error);

  /* Directly, not relayed. */
  fx_chan_make_request (&req, "CH200001", NULL, NOW, 2, "b", 3, 0);
  g_assert_false (fx_chan_verify (reg, &req, "b", NOW, &error));
  g_assert_error (error, MODEL_CHANNEL_ERROR, MODEL_STD_CHANNEL_TIER);
  g_clear_error (&error);

  /* Through another live tier-1 channel that countersigns properly. */
  fx_chan_make_request (&req, "CH200001", "CH100002", NOW, 3, "b", 3, 2);
  g_assert_false (fx_chan_verify (reg, &req, "b", NOW, &error));
  g_assert_error (error, MODEL_CHANNEL_ERROR, MODEL_STD_CHANNEL_TIER);
  g_clear_error (&error);

  /* A tier-1 channel may not be relayed. */
  fx_chan_make_request (&req, "CH100002", "CH100001", NOW, 4, "b", 2, 1);
  g_assert_false (fx_chan_verify (reg, &req, "b", NOW, &error));
  g_assert_error (error, MODEL_CHANNEL_ERROR, MODEL_STD_CHANNEL_TIER);
  g_clear_error (&error);

  /* Right relay id, countersigned by the wrong key: the parent is blamed. */
  fx_chan_make_request (&req, "CH200001", "CH100001", NOW, 5, "b", 3, 2);
  g_assert_false (fx_chan_verify (reg, &req, "b", NOW, &error));
  g_assert_error (error, MODEL_CHANNEL_ERROR, MODEL_STD_BAD_SIGNATURE);
  g_assert_nonnull (strstr (error->message, "relay_signature"));
  g_clear_error (&error);
  g_assert_true (model_channel_registry_risk_score (reg, "CH100001", NOW, &score, NULL));
  g_assert_cmpfloat (score, ==, 10.0);
  g_assert_true (model_channel_registry_risk_score (reg, "CH200001", NOW, &score, NULL));
  g_assert_cmpfloat (score, ==, 0.0);

  /* Parent suspended: refused although the child is live. */
  g_assert_true (model_channel_registry_set_status (reg, "CH100001", MODEL_CHANNEL_SUSPENDED,
                                                    NOW, NULL));
  fx_chan_make_request (&req, "CH200001", "CH100001", NOW, 6, "b", 3, 1);
  g_assert_false (fx_chan_verify (reg, &req, "b", NOW, &error));
  g_assert_error (error, MODEL_CHANNEL_ERROR, MODEL_STD_CHANNEL_NOT_LIVE);
  g_assert_nonnull (strstr (error->message, "parent"));
  g_clear_error (&error);
  g_assert_true (model_channel_registry_set_status (reg, "CH100001", MODEL_CHANNEL_LIVE,
                                                    NOW, NULL));
  g_assert_true (fx_chan_verify (reg, &req, "b", NOW, &error));
  g_assert_no_error (error);

  /* Countersigning needs a relay id. */
  fx_chan_make_request (&req, "CH100002", NULL, NOW, 8, "b", 2, 0);
  FxChanKeys k;
  fx_chan_keys_for (1, &k);
  g_assert_false (model_channel_request_countersign (&req, k.sk, &error));
  g_assert_error (error, MODEL_CHANNEL_ERROR, MODEL_STD_CHANNEL_TIER);
}

/* CHAN-17, CHAN-18 */
static void
test_risk_decay (void)
{
  g_autoptr (ModelChannelRegistry) reg = model_channel_registry_new (NULL);
  const ModelChannelParams *q = model_channel_registry_params (reg);
  double s;
  g_assert_cmpint (q->window_s, ==, 300);
  g_assert_cmpint (q->half_life_s, ==, 7 * DAY);
  g_assert_cmpfloat (q->rectify_threshold, ==, 50);
  g_assert_cmpfloat (q->suspend_threshold, ==, 100);
  g_assert_cmpuint (q->replay_cache_max, ==, 4096);
  fx_chan_add (reg, "CH100001", 1, NULL, 1, MODEL_CHANNEL_LIVE);
  g_assert_true (model_channel_registry_record_risk (reg, "CH100001", MODEL_CHANNEL_RISK_FRAUD_REPORT,
                                                     NOW, NULL, NULL));
  g_assert_true (model_channel_registry_risk_score (reg, "CH100001", NOW, &s, NULL));
  g_assert_cmpfloat (s, ==, 40.0);
  g_assert_true (model_channel_registry_risk_score (reg, "CH100001", NOW + 7 * DAY, &s, NULL));
  g_assert_cmpfloat_with_epsilon (s, 20.0, 1e-9);
  g_assert_true (model_channel_registry_risk_score (reg, "CH100001", NOW + 14 * DAY, &s, NULL));
  g_assert_cmpfloat_with_epsilon (s, 10.0, 1e-9);
  g_assert_true (model_channel_registry_risk_score (reg, "CH100001", NOW + 3 * DAY, &s, NULL));
  g_assert_cmpfloat_with_epsilon (s, 40.0 * pow (2.0, -3.0 / 7.0), 1e-9);
  /* An earlier clock does not decay (nor grow) the score. */
  g_assert_true (model_channel_registry_risk_score (reg, "CH100001", NOW - DAY, &s, NULL));
  g_assert_cmpfloat (s, ==, 40.0);
  ModelChannelStatus st;
  g_assert_true (model_channel_registry_record_risk (reg, "CH100001", MODEL_CHANNEL_RISK_COMPLAINT,
                                                     NOW + 7 * DAY, &st, NULL));
  g_assert_cmpint (st, ==, MODEL_CHANNEL_LIVE);
  ModelChannel rec;
  g_assert_true (model_channel_registry_lookup (reg, "CH100001", &rec, NULL));
  g_assert_cmpfloat_with_epsilon (rec.risk_score, 25.0, 1e-9);
  g_assert_cmpint (rec.risk_updated_at, ==, NOW + 7 * DAY);

  g_autoptr (GError) error = NULL;
  g_assert_false (model_channel_registry_record_risk (reg, "CH100001", (ModelChannelRisk) 99, NOW,
                                                      NULL, &error));
  g_assert_error (error, MODEL_CHANNEL_ERROR, MODEL_STD_MALFORMED);
  g_clear_error (&error);
  g_assert_false (model_channel_registry_record_risk (reg, "CH100077",
                                                      MODEL_CHANNEL_RISK_COMPLAINT, NOW, NULL,
                                                      &error));
  g_assert_error (error, MODEL_CHANNEL_ERROR, MODEL_STD_NOT_FOUND);
}

/* CHAN-19, CHAN-20, CHAN-22 */
static void
test_risk_rules (void)
{
  g_autoptr (ModelChannelRegistry) reg = model_channel_registry_new (NULL);
  ModelChannelStatus st;
  ModelChannel rec;
  fx_chan_add (reg, "CH100001", 1, NULL, 1, MODEL_CHANNEL_LIVE);
  g_assert_true (model_channel_registry_record_risk (reg, "CH100001",
                                                     MODEL_CHANNEL_RISK_FRAUD_REPORT, NOW, &st,
                                                     NULL));
  g_assert_cmpint (st, ==, MODEL_CHANNEL_LIVE);          /* 40 */
  g_assert_true (model_channel_registry_record_risk (reg, "CH100001",
                                                     MODEL_CHANNEL_RISK_COMPLAINT, NOW, &st,
                                                     NULL));
  g_assert_cmpint (st, ==, MODEL_CHANNEL_LIVE);          /* 45 */
  g_assert_true (model_channel_registry_record_risk (reg, "CH100001",
                                                     MODEL_CHANNEL_RISK_COMPLAINT, NOW + 60, &st,
                                                     NULL));
  g_assert_cmpint (st, ==, MODEL_CHANNEL_LIVE);          /* 45 decayed a minute, + 5 < 50 */
  g_assert_true (model_channel_registry_record_risk (reg, "CH100001",
                                                     MODEL_CHANNEL_RISK_COMPLAINT, NOW + 60, &st,
                                                     NULL));
  g_assert_cmpint (st, ==, MODEL_CHANNEL_RECTIFICATION); /* ~55 */
  g_assert_true (model_channel_registry_lookup (reg, "CH100001", &rec, NULL));
  g_assert_cmpint (rec.status_changed_at, ==, NOW + 60);
  /* Rectified by hand; the score stays, and no event: stays live. */
  g_assert_true (model_channel_registry_set_status (reg, "CH100001", MODEL_CHANNEL_LIVE,
                                                    NOW + DAY, NULL));
  g_assert_true (model_channel_registry_lookup (reg, "CH100001", &rec, NULL));
  g_assert_cmpint (rec.status, ==, MODEL_CHANNEL_LIVE);
  /* ~50.6 decayed one day, + 60 >= 100: suspended straight from live. */
  g_assert_true (model_channel_registry_record_risk (reg, "CH100001",
                                                     MODEL_CHANNEL_RISK_DATA_LEAK, NOW + DAY,
                                                     &st, NULL));
  g_assert_cmpint (st, ==, MODEL_CHANNEL_SUSPENDED);
  /* Decay never reinstates. */
  double s;
  g_assert_true (model_channel_registry_risk_score (reg, "CH100001", NOW + 100 * DAY, &s, NULL));
  g_assert_cmpfloat (s, <, 1.0);
  g_assert_true (model_channel_registry_lookup (reg, "CH100001", &rec, NULL));
  g_assert_cmpint (rec.status, ==, MODEL_CHANNEL_SUSPENDED);

  /* From rectification straight to suspension; applied channels are not moved. */
  fx_chan_add (reg, "CH100002", 1, NULL, 2, MODEL_CHANNEL_RECTIFICATION);
  fx_chan_add (reg, "CH100003", 1, NULL, 3, MODEL_CHANNEL_APPLIED);
  for (int i = 0; i < 2; i++)
    {
      g_assert_true (model_channel_registry_record_risk (reg, "CH100002",
                                                         MODEL_CHANNEL_RISK_DATA_LEAK, NOW, &st,
                                                         NULL));
      g_assert_true (model_channel_registry_record_risk (reg, "CH100003",
                                                         MODEL_CHANNEL_RISK_DATA_LEAK, NOW, NULL,
                                                         NULL));
    }
  g_assert_cmpint (st, ==, MODEL_CHANNEL_SUSPENDED);
  g_assert_true (model_channel_registry_lookup (reg, "CH100003", &rec, NULL));
  g_assert_cmpint (rec.status, ==, MODEL_CHANNEL_APPLIED);
  g_assert_cmpfloat (rec.risk_score, ==, 120.0);

  /* Custom thresholds and weights are honoured. */
  ModelChannelParams q;
  model_channel_params_default (&q);
  q.rectify_threshold = 5;
  q.suspend_threshold = 1000;
  g_autoptr (ModelChannelRegistry) strict = model_channel_registry_new (&q);
  fx_chan_add (strict, "CH100001", 1, NULL, 1, MODEL_CHANNEL_LIVE);
  g_assert_true (model_channel_registry_record_risk (strict, "CH100001",
                                                     MODEL_CHANNEL_RISK_COMPLAINT, NOW, &st,
                                                     NULL));
  g_assert_cmpint (st, ==, MODEL_CHANNEL_RECTIFICATION);
}

/* CHAN-28: the order of registration's and a status change's checks. */
static void
test_order (void)
{
  g_autoptr (ModelChannelRegistry) reg = model_channel_registry_new (NULL);
  g_autoptr (GError) error = NULL;
  FxChanKeys k;
  static const guint8 small[32] = { 1 };
  fx_chan_keys_for (9, &k);
  fx_chan_add (reg, "CH100001", 1, NULL, 1, MODEL_CHANNEL_LIVE);
  fx_chan_add (reg, "CH200001", 2, "CH100001", 2, MODEL_CHANNEL_TERMINATED);
  const struct {
    const char *id, *parent;
    int tier;
    const guint8 *pk;
    ModelStdCode want;
  } cases[] = {
    { "CH100001", NULL, 1, small, MODEL_STD_MALFORMED },         /* key before taken */
    { "CH100001", "ch100001", 2, k.pk, MODEL_STD_MALFORMED },    /* parent form before taken */
    { "CH100001", "CH999999", 2, k.pk, MODEL_STD_CONFLICT },     /* taken before parent */
    { "CH300001", "CH200001", 2, k.pk, MODEL_STD_CHANNEL_TIER }, /* tier before terminated */
    { "CH300001", "CH999999", 2, small, MODEL_STD_MALFORMED },   /* key before parent */
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_assert_false (model_channel_registry_apply (reg, cases[i].id, "x",
                                                    MODEL_CHANNEL_CLASS_BANK, cases[i].tier,
                                                    cases[i].parent, cases[i].pk, NOW, &error));
      g_assert_error (error, MODEL_CHANNEL_ERROR, (int) cases[i].want);
      g_clear_error (&error);
    }
  /* a status change: the id's form, then not_found, then table 6.2 */
  g_assert_false (model_channel_registry_set_status (reg, "ch100001", MODEL_CHANNEL_LIVE, NOW,
                                                     &error));
  g_assert_error (error, MODEL_CHANNEL_ERROR, MODEL_STD_MALFORMED);
  g_clear_error (&error);
  g_assert_false (model_channel_registry_set_status (reg, "CH999999", MODEL_CHANNEL_LIVE, NOW,
                                                     &error));
  g_assert_error (error, MODEL_CHANNEL_ERROR, MODEL_STD_NOT_FOUND);
  g_clear_error (&error);
  /* a risk event: the id's form before not_found */
  g_assert_false (model_channel_registry_record_risk (reg, "CH10000", MODEL_CHANNEL_RISK_COMPLAINT,
                                                      NOW, NULL, &error));
  g_assert_error (error, MODEL_CHANNEL_ERROR, MODEL_STD_MALFORMED);
}

/* CHAN-29: the score a platform reports is CHAN-17's value in binary64,
 * well within 10^-6 of the exact one; CHAN-31: a status change keeps the
 * score and applies no threshold; only the next event does.  CHAN-20 before
 * CHAN-19: one event from live to suspended, never through rectification. */
static void
test_score_reported (void)
{
  g_autoptr (ModelChannelRegistry) reg = model_channel_registry_new (NULL);
  ModelChannelStatus st;
  ModelChannel rec;
  double s;
  fx_chan_add (reg, "CH100001", 1, NULL, 1, MODEL_CHANNEL_LIVE);
  g_assert_true (model_channel_registry_record_risk (reg, "CH100001",
                                                     MODEL_CHANNEL_RISK_FRAUD_REPORT, NOW, &st,
                                                     NULL));
  g_assert_true (model_channel_registry_risk_score (reg, "CH100001", NOW + 302400, &s, NULL));
  g_assert_cmpfloat_with_epsilon (s, 28.284271247461902, 1e-9);   /* 40 / sqrt 2 */
  g_assert_true (model_channel_registry_record_risk (reg, "CH100001",
                                                     MODEL_CHANNEL_RISK_DATA_LEAK, NOW, &st,
                                                     NULL));
  g_assert_cmpint (st, ==, MODEL_CHANNEL_SUSPENDED);                /* 100 at once */
  g_assert_true (model_channel_registry_lookup (reg, "CH100001", &rec, NULL));
  g_assert_cmpint (rec.status_changed_at, ==, NOW);
  g_assert_true (model_channel_registry_set_status (reg, "CH100001", MODEL_CHANNEL_LIVE, NOW + 1,
                                                    NULL));
  g_assert_true (model_channel_registry_lookup (reg, "CH100001", &rec, NULL));
  g_assert_cmpint (rec.status, ==, MODEL_CHANNEL_LIVE);
  g_assert_cmpfloat (rec.risk_score, ==, 100.0);
  g_assert_cmpint (rec.risk_updated_at, ==, NOW);
  g_assert_true (model_channel_registry_risk_score (reg, "CH100001", NOW + 1, &s, NULL));
  g_assert_cmpfloat (s, >, 99.99);
  g_assert_true (model_channel_registry_lookup (reg, "CH100001", &rec, NULL));
  g_assert_cmpint (rec.status, ==, MODEL_CHANNEL_LIVE);
  g_assert_true (model_channel_registry_record_risk (reg, "CH100001", MODEL_CHANNEL_RISK_COMPLAINT,
                                                     NOW + 2, &st, NULL));
  g_assert_cmpint (st, ==, MODEL_CHANNEL_SUSPENDED);
}

/* CHAN-21: failed verifications feed the score up to automatic rules. */
static void
test_risk_fed_by_verify (void)
{
  g_autoptr (ModelChannelRegistry) reg = model_channel_registry_new (NULL);
  g_autoptr (GError) error = NULL;
  ModelChannelRequest req;
  ModelChannel rec;
  fx_chan_add (reg, "CH100001", 1, NULL, 1, MODEL_CHANNEL_LIVE);
  for (int i = 0; i < 5; i++)
    {
      fx_chan_make_request (&req, "CH100001", NULL, NOW, (guint8) i, "z", 2, 0); /* wrong key */
      g_assert_false (fx_chan_verify (reg, &req, "z", NOW, &error));
      g_assert_error (error, MODEL_CHANNEL_ERROR, MODEL_STD_BAD_SIGNATURE);
      g_clear_error (&error);
    }
  g_assert_true (model_channel_registry_lookup (reg, "CH100001", &rec, NULL));
  g_assert_cmpfloat (rec.risk_score, ==, 50.0);
  g_assert_cmpint (rec.status, ==, MODEL_CHANNEL_RECTIFICATION);
  fx_chan_make_request (&req, "CH100001", NULL, NOW, 9, "z", 1, 0);
  g_assert_false (fx_chan_verify (reg, &req, "z", NOW, &error));
  g_assert_error (error, MODEL_CHANNEL_ERROR, MODEL_STD_CHANNEL_NOT_LIVE);
  g_clear_error (&error);
  /* A clock-window failure is not a risk event. */
  g_assert_true (model_channel_registry_set_status (reg, "CH100001", MODEL_CHANNEL_LIVE, NOW, NULL));
  fx_chan_make_request (&req, "CH100001", NULL, NOW - 1000, 10, "z", 1, 0);
  g_assert_false (fx_chan_verify (reg, &req, "z", NOW, &error));
  g_assert_error (error, MODEL_CHANNEL_ERROR, MODEL_STD_EXPIRED);
  g_assert_true (model_channel_registry_lookup (reg, "CH100001", &rec, NULL));
  g_assert_cmpfloat (rec.risk_score, ==, 50.0);
}

static void
collect (const ModelChannel *ch, gpointer user_data)
{
  g_array_append_val ((GArray *) user_data, *ch);
}

/* CHAN-24 */
static void
test_foreach_restore (void)
{
  g_autoptr (ModelChannelRegistry) reg = model_channel_registry_new (NULL);
  fx_chan_add (reg, "CH100001", 1, NULL, 1, MODEL_CHANNEL_LIVE);
  fx_chan_add (reg, "CH300000", 2, "CH100001", 3, MODEL_CHANNEL_APPLIED);
  fx_chan_add (reg, "CH100002", 1, NULL, 2, MODEL_CHANNEL_SUSPENDED);
  g_assert_true (model_channel_registry_record_risk (reg, "CH100002",
                                                     MODEL_CHANNEL_RISK_COMPLAINT, NOW + 5,
                                                     NULL, NULL));
  g_autoptr (GArray) all = g_array_new (FALSE, TRUE, sizeof (ModelChannel));
  model_channel_registry_foreach (reg, collect, all);
  g_assert_cmpuint (all->len, ==, 3);
  g_assert_cmpstr (g_array_index (all, ModelChannel, 0).id, ==, "CH100001");
  g_assert_cmpstr (g_array_index (all, ModelChannel, 1).id, ==, "CH100002");
  g_assert_cmpstr (g_array_index (all, ModelChannel, 2).id, ==, "CH300000");
  g_assert_cmpint (g_array_index (all, ModelChannel, 1).status, ==, MODEL_CHANNEL_SUSPENDED);
  g_assert_cmpfloat (g_array_index (all, ModelChannel, 1).risk_score, ==, 5.0);
  g_assert_cmpint (g_array_index (all, ModelChannel, 1).risk_updated_at, ==, NOW + 5);

  g_autoptr (ModelChannelRegistry) back = model_channel_registry_new (NULL);
  for (guint i = 0; i < all->len; i++)
    {
      g_autoptr (GError) error = NULL;
      g_assert_true (model_channel_registry_restore (back, &g_array_index (all, ModelChannel, i),
                                                     &error));
      g_assert_no_error (error);
    }
  g_autoptr (GArray) again = g_array_new (FALSE, TRUE, sizeof (ModelChannel));
  model_channel_registry_foreach (back, collect, again);
  g_assert_cmpmem (again->data, again->len * sizeof (ModelChannel), all->data,
                   all->len * sizeof (ModelChannel));

  ModelChannel good = g_array_index (all, ModelChannel, 2), bad;
  g_autoptr (GError) error = NULL;
  g_assert_false (model_channel_registry_restore (back, &good, &error));
  g_assert_error (error, MODEL_CHANNEL_ERROR, MODEL_STD_CONFLICT);
  g_clear_error (&error);
  g_strlcpy (good.id, "CH300001", sizeof good.id);
  for (int c = 0; c < 10; c++)
    {
      bad = good;
      switch (c)
        {
        case 0: bad.id[3] = 'x'; break;
        case 1: bad.name[0] = '\0'; break;
        case 2: memset (bad.name, 'a', sizeof bad.name); break;
        case 3: bad.tier = 3; break;
        case 4: bad.tier = 1; break;                           /* keeps its parent id */
        case 5: bad.parent_id[0] = '\0'; break;                /* tier 2 without parent */
        case 6: memset (bad.public_key, 0, 32); break;
        case 7: bad.risk_score = NAN; break;
        case 8: bad.risk_score = -1; break;
        case 9: bad.status = (ModelChannelStatus) 6; break;
        }
      g_assert_false (model_channel_registry_restore (back, &bad, &error));
      g_assert_error (error, MODEL_CHANNEL_ERROR, MODEL_STD_MALFORMED);
      g_clear_error (&error);
    }
  bad = good;
  bad.klass = (ModelChannelClass) 7;
  g_assert_false (model_channel_registry_restore (back, &bad, &error));
  g_assert_error (error, MODEL_CHANNEL_ERROR, MODEL_STD_MALFORMED);
  g_clear_error (&error);
  g_assert_true (model_channel_registry_restore (back, &good, &error));
  g_assert_no_error (error);
  model_channel_registry_free (NULL);
}

int
main (int argc, char **argv)
{
  essc_test_init (&argc, &argv);
  g_test_add_func ("/channel/names/wire", test_names);
  g_test_add_func ("/channel/fields/ids-and-names", test_ids_names);
  g_test_add_func ("/channel/apply/validation", test_apply);
  g_test_add_func ("/channel/status/transitions", test_transitions);
  g_test_add_func ("/channel/status/only-live-suspend-reinstate-terminate", test_only_live);
  g_test_add_func ("/channel/tier2/only-through-parent", test_tier2);
  g_test_add_func ("/channel/risk/decay", test_risk_decay);
  g_test_add_func ("/channel/risk/automatic-rules", test_risk_rules);
  g_test_add_func ("/channel/risk/fed-by-verify", test_risk_fed_by_verify);
  g_test_add_func ("/channel/order/registration-and-status", test_order);
  g_test_add_func ("/channel/risk/score-reported-and-reinstated", test_score_reported);
  g_test_add_func ("/channel/store/foreach-restore", test_foreach_restore);
  return g_test_run ();
}
