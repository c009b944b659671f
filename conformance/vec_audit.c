/* SPDX-License-Identifier: MIT */
/*
 * Vectors of ESSC-STD section 9 (audit.json), platform role.  The content
 * of a platform's trail is its own (ADAPTER.md: audit entries need not be
 * predictable), so these tests state what the runner checks on whatever the
 * platform returns: the trail after a reset is empty (count 0, hash of 32
 * zero bytes); after state-changing operations the entries form a valid
 * chain (check audit_chain: seq from 0, prev_hash links, recomputed hashes,
 * times not going back, field rules) and the head matches them (check
 * audit_head); the trail only grows; a page larger than 1000 is refused.
 * The operations themselves are mirrored on the card registry.
 */
#include "conformance/vec_private.h"

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

static void
entries (Fx *fx, gint64 from, gint64 count, ModelStdCode want)
{
  conf_vec_step (fx->v, "audit.entries",
                 conf_jo ("from", conf_ji (from), "count", conf_ji (count), NULL),
                 want == MODEL_STD_OK ? conf_vec_ok (NULL) : conf_vec_err (want),
                 want == MODEL_STD_OK ? "audit_chain" : NULL);
}

static void
head (Fx *fx)
{
  conf_vec_step (fx->v, "audit.head", conf_jo (NULL, NULL), conf_vec_ok (NULL), "audit_head");
}

/* Some operations that change state: register, issue, lose, find, issue again. */
static void
activity (Fx *fx, const char *card_no, const char *ssn, const char *name, guint32 city,
          gint64 at)
{
  const guint8 *dev = model_device_key_public (fx->w->device);
  conf_vec_card_register (fx->v, fx->w, card_no, ssn, name, city, TRUE, at, MODEL_STD_OK);
  conf_vec_card_issue (fx->v, fx->w, card_no, 2, conf_vec_full_evidence, dev, at + 1,
                       MODEL_STD_OK, fx->id);
  conf_vec_card_transition (fx->v, fx->w, card_no, "lost", at + 2, MODEL_STD_OK);
  conf_vec_card_transition (fx->v, fx->w, card_no, "normal", at + 3, MODEL_STD_OK);
  conf_vec_card_issue (fx->v, fx->w, card_no, 1, conf_vec_full_evidence, dev, at + 4,
                       MODEL_STD_OK, fx->id);
}

static void
tests (Fx *fx)
{
  ConfVec *v = fx->v;
  TEST ("empty-after-reset", "AUDIT-7", "a reset platform has an empty trail: count 0, the "
        "hash of 32 zero bytes", NULL, "valid");
  static const guint8 zero[32] = { 0 };
  conf_vec_step (v, "audit.head", conf_jo (NULL, NULL),
                 conf_vec_ok (conf_jo ("count", conf_ji (0), "hash", conf_jh (zero, 32), NULL)),
                 NULL);
  entries (fx, 0, 1000, MODEL_STD_OK);
  TEST ("chain-after-operations", "AUDIT-1 AUDIT-2 AUDIT-3 AUDIT-4 AUDIT-6 AUDIT-7", "card "
        "operations leave a valid chain whose head matches", NULL, "valid");
  activity (fx, CONF_VEC_CARD1, CONF_VEC_SSN1, conf_vec_name1, CONF_VEC_CITY1, T0);
  entries (fx, 0, 1000, MODEL_STD_OK);
  head (fx);
  TEST ("chain-grows", "AUDIT-5 AUDIT-6 AUDIT-7", "more operations append to the same chain",
        NULL, "valid");
  activity (fx, CONF_VEC_CARD1, CONF_VEC_SSN1, conf_vec_name1, CONF_VEC_CITY1, T0);
  entries (fx, 0, 1000, MODEL_STD_OK);
  head (fx);
  activity (fx, CONF_VEC_CARD2, CONF_VEC_SSN2, conf_vec_name2, CONF_VEC_CITY2, T0 + 10);
  entries (fx, 0, 1000, MODEL_STD_OK);
  head (fx);
  TEST ("chain-utf8-actor-times", "AUDIT-2 AUDIT-5 AUDIT-6", "operations over a day keep times "
        "non-decreasing", NULL, "valid");
  activity (fx, CONF_VEC_CARD1, CONF_VEC_SSN1, conf_vec_name1, CONF_VEC_CITY1, T0);
  activity (fx, CONF_VEC_CARD3, CONF_VEC_SSN3, conf_vec_name3, CONF_VEC_CITY3, T0 + 86400);
  entries (fx, 0, 1000, MODEL_STD_OK);
  head (fx);
  TEST ("page-too-large", "ERR-1", "a page of 1001 entries is refused", "Malformed",
        "invalid");
  activity (fx, CONF_VEC_CARD1, CONF_VEC_SSN1, conf_vec_name1, CONF_VEC_CITY1, T0);
  entries (fx, 0, 1001, MODEL_STD_MALFORMED);
  TEST ("page-negative", "ERR-1", "a negative start is refused", "Malformed", "invalid");
  entries (fx, -1, 10, MODEL_STD_MALFORMED);
}

JsonNode *
conf_vec_gen_audit (GError **error)
{
  g_autoptr (ConfVec) v = conf_vec_new ("audit");
  Fx fx = { .v = v };
  conf_vec_note (v, "Malformed", "a request outside the protocol's limits");
  fx_reset (&fx, FALSE);
  conf_vec_world_keys (v, fx.w);
  conf_vec_group (v, "platform", NULL);
  fx_reset (&fx, TRUE);
  tests (&fx);
  conf_vec_world_free (fx.w);
  return conf_vec_finish (v, error);
}
