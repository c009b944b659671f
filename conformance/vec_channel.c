/* SPDX-License-Identifier: MIT */
/*
 * Vectors of ESSC-STD section 6 (channel.json).  Platform: registration
 * (every field's rule, parent rules, a taken id), every pair of the status
 * machine, verification of signed requests (tier 1 and relayed tier 2, body
 * hash, both signatures, relay rules, parent not live, the clock window's
 * edges and 64-bit extremes, replays, hostile wire forms, order of checks)
 * and risk control (events from refused requests and from channel.risk,
 * thresholds, decay, no automatic way back).  Channel: request.sign and
 * request.relay give the exact wire bytes of model/std/channel_request, the
 * relay keeps its own clock window and per-child nonce cache, and a channel
 * that is not live refuses.  Mirrored on ModelChannelRegistry.
 */
#include "conformance/vec_private.h"

#include "model/std/channel.h"

#include <sodium.h>
#include <string.h>

#define T0 CONF_VECTORS_CLOCK
#define H ((gint64) 604800)

#define P1 "CH100001"   /* tier 1 */
#define P2 "CH100002"   /* another tier 1 */
#define C1 "CH200001"   /* tier 2 under P1 */

typedef struct {
  ConfVec *v;
  ConfVecWorld *w;
  ModelChannelRegistry *reg;
} Fx;

typedef struct {
  guint8 seed[32], pk[32], sk[64];
} Key;

static void
key_of (const char *id, Key *k)
{
  g_autofree char *label = g_strdup_printf ("channel %s key seed", id);
  conf_vec_derive (label, k->seed, 32);
  crypto_sign_seed_keypair (k->pk, k->sk, k->seed);
}

static void
apply (Fx *fx, const char *id, const char *name, const char *klass, int tier, const char *parent,
       const guint8 *pk, gint64 now, ModelStdCode want)
{
  GError *error = NULL;
  ModelChannelClass c;
  if (!model_channel_class_from_name (klass, &c))
    c = MODEL_CHANNEL_N_CLASSES;
  model_channel_registry_apply (fx->reg, id, name, c, tier, parent, pk, now, &error);
  conf_vec_agree (fx->v, "channel.apply", error, want);
  JsonNode *p = conf_jo ("channel_id", conf_js (id), "name", conf_js (name),
                         "class", conf_js (klass), "tier", conf_ji (tier), NULL);
  JsonObject *o = json_node_get_object (p);
  json_object_set_string_member (o, "parent_id", parent ? parent : "");
  json_object_set_member (o, "public_key", conf_jh (pk, 32));
  json_object_set_int_member (o, "now", now);
  conf_vec_step (fx->v, "channel.apply", p,
                 want == MODEL_STD_OK ? conf_vec_ok (NULL) : conf_vec_err (want), NULL);
}

static void
set_status (Fx *fx, const char *id, const char *to, gint64 now, ModelStdCode want)
{
  GError *error = NULL;
  ModelChannelStatus s;
  if (!model_channel_status_from_name (to, &s))
    g_error ("vectors: bad status %s", to);
  model_channel_registry_set_status (fx->reg, id, s, now, &error);
  conf_vec_agree (fx->v, "channel.set_status", error, want);
  conf_vec_step (fx->v, "channel.set_status",
                 conf_jo ("channel_id", conf_js (id), "status", conf_js (to), "now", conf_ji (now),
                          NULL),
                 want == MODEL_STD_OK ? conf_vec_ok (NULL) : conf_vec_err (want), NULL);
}

static void
get (Fx *fx, const char *id, gint64 now)
{
  ModelChannel ch;
  GError *error = NULL;
  model_channel_registry_lookup (fx->reg, id, &ch, &error);
  conf_vec_agree (fx->v, "channel.get", error, MODEL_STD_OK);
  conf_vec_step (fx->v, "channel.get", conf_jo ("channel_id", conf_js (id), "now", conf_ji (now),
                                                NULL),
                 conf_vec_ok (conf_jo ("status", conf_js (model_channel_status_name (ch.status)),
                                       NULL)), NULL);
}

static void
risk (Fx *fx, const char *id, const char *event, gint64 now)
{
  ModelChannelRisk r;
  ModelChannelStatus s = MODEL_CHANNEL_LIVE;
  GError *error = NULL;
  if (!model_channel_risk_from_name (event, &r))
    g_error ("vectors: bad risk %s", event);
  model_channel_registry_record_risk (fx->reg, id, r, now, &s, &error);
  conf_vec_agree (fx->v, "channel.risk", error, MODEL_STD_OK);
  conf_vec_step (fx->v, "channel.risk",
                 conf_jo ("channel_id", conf_js (id), "event", conf_js (event), "now", conf_ji (now),
                          NULL),
                 conf_vec_ok (conf_jo ("status", conf_js (model_channel_status_name (s)), NULL)),
                 NULL);
}

/* The wire of a request; signer NULL leaves the signature zero; with a relay
 * and no parent, the child's wire before the parent countersigns it. */
static GBytes *
wire (const char *id, const char *relay, gint64 ts, const char *nonce_label, const char *op,
      const char *body, const char *signer, const char *parent)
{
  ModelChannelRequest req;
  guint8 nonce[16];
  Key k;
  g_autofree char *label = g_strdup_printf ("request nonce %s", nonce_label);
  conf_vec_derive (label, nonce, 16);
  if (!model_channel_request_init (&req, id, relay, ts, nonce, op, (const guint8 *) body,
                                   strlen (body), NULL))
    g_error ("vectors: request init %s", id);
  if (signer != NULL)
    {
      key_of (signer, &k);
      model_channel_request_sign (&req, k.sk, NULL);
    }
  if (parent != NULL)
    {
      key_of (parent, &k);
      model_channel_request_countersign (&req, k.sk, NULL);
    }
  GBytes *full = model_channel_request_encode (&req);
  if (relay == NULL || parent != NULL)
    return full;
  /* a relayed request not countersigned yet travels as table 6.3 + the
   * channel's signature (request.sign's wire): no countersignature slot */
  gsize len = 0;
  const guint8 *d = g_bytes_get_data (full, &len);
  GBytes *child = g_bytes_new (d, len - MODEL_CHANNEL_SIG_LEN);
  g_bytes_unref (full);
  return child;
}

static void
verify_raw (Fx *fx, const guint8 *w, gsize len, const char *body, gint64 now, ModelStdCode want)
{
  GError *error = NULL;
  ModelChannelRequest req;
  gboolean ok = model_channel_request_decode (w, len, &req, &error)
                && model_channel_registry_verify (fx->reg, &req, (const guint8 *) body,
                                                  strlen (body), now, &error);
  conf_vec_agree (fx->v, "channel.verify", error, want);
  conf_vec_step (fx->v, "channel.verify",
                 conf_jo ("wire", conf_jh (w, len), "body", conf_js (body), "now", conf_ji (now),
                          NULL),
                 ok ? conf_vec_ok (conf_jo ("channel_id", conf_js (req.channel_id),
                                            "operation", conf_js (req.operation), NULL))
                    : conf_vec_err (want),
                 NULL);
}

static void
verify (Fx *fx, GBytes *w, const char *body, gint64 now, ModelStdCode want)
{
  gsize len = 0;
  const guint8 *d = g_bytes_get_data (w, &len);
  verify_raw (fx, d, len, body, now, want);
}

/* Setup of the platform group: P1, P2 live tier 1, C1 live tier 2 under P1. */
static void
fx_platform (Fx *fx, gboolean emit)
{
  Key k;
  g_clear_pointer (&fx->reg, model_channel_registry_free);
  fx->reg = model_channel_registry_new (NULL);
  conf_vec_mute (fx->v, !emit);
  conf_vec_reset_platform (fx->v, fx->w, NULL);
  const char *ids[] = { P1, P2, C1 };
  for (int i = 0; i < 3; i++)
    {
      key_of (ids[i], &k);
      apply (fx, ids[i], i == 2 ? "\xe5\x8c\xbb\xe4\xbf\x9d\xe5\xb0\x8f\xe7\xa8\x8b\xe5\xba\x8f"
                                : "Bank of Vectors",
             i == 2 ? "medical" : "bank", i == 2 ? 2 : 1, i == 2 ? P1 : NULL, k.pk, T0,
             MODEL_STD_OK);
      set_status (fx, ids[i], "certified", T0, MODEL_STD_OK);
      set_status (fx, ids[i], "live", T0, MODEL_STD_OK);
    }
  conf_vec_mute (fx->v, FALSE);
}

#define TEST(name, reqs, comment, flags, result) \
  do { fx_platform (fx, FALSE); conf_vec_test (fx->v, name, reqs, comment, flags, result); } \
  while (0)

static void
registration_tests (Fx *fx)
{
  Key k;
  key_of ("CH300001", &k);
  static const guint8 small[32] = { 1 };
  const struct {
    const char *name, *id, *cname, *klass, *parent, *reqs, *comment;
    int tier;
    gboolean small_key;
    ModelStdCode want;
  } cases[] = {
    { "apply-valid", "CH300001", "Vector Pharmacy", "medical", NULL, "CHAN-1 CHAN-3 CHAN-4",
      "a well-formed tier-1 application", 1, FALSE, MODEL_STD_OK },
    { "apply-tier2-valid", "CH300001", "Vector Mini App", "social", P1, "CHAN-4",
      "a tier-2 channel under a live tier-1 parent", 2, FALSE, MODEL_STD_OK },
    { "apply-id-lowercase", "ch300001", "x", "bank", NULL, "CHAN-1", "lower-case ch", 1, FALSE,
      MODEL_STD_MALFORMED },
    { "apply-id-short", "CH30000", "x", "bank", NULL, "CHAN-1", "7 characters", 1, FALSE,
      MODEL_STD_MALFORMED },
    { "apply-id-blank", "CH 00001", "x", "bank", NULL, "CHAN-1", "a blank", 1, FALSE,
      MODEL_STD_MALFORMED },
    { "apply-name-empty", "CH300001", "", "bank", NULL, "CHAN-2", "an empty name", 1, FALSE,
      MODEL_STD_MALFORMED },
    { "apply-name-65-bytes", "CH300001",
      "nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn", "bank", NULL, "CHAN-2", "a 65-byte name", 1,
      FALSE, MODEL_STD_MALFORMED },
    { "apply-name-control", "CH300001", "Bank\x7f", "bank", NULL, "CHAN-2", "DEL in the name",
      1, FALSE, MODEL_STD_MALFORMED },
    { "apply-class-unknown", "CH300001", "x", "banks", NULL, "CHAN-3", "class banks", 1, FALSE,
      MODEL_STD_MALFORMED },
    { "apply-tier-3", "CH300001", "x", "bank", NULL, "CHAN-4", "tier 3", 3, FALSE,
      MODEL_STD_MALFORMED },
    { "apply-tier2-no-parent", "CH300001", "x", "bank", NULL, "CHAN-4", "tier 2 without a "
      "parent", 2, FALSE, MODEL_STD_MALFORMED },
    { "apply-tier1-with-parent", "CH300001", "x", "bank", P1, "CHAN-4", "tier 1 naming a parent",
      1, FALSE, MODEL_STD_MALFORMED },
    { "apply-parent-unknown", "CH300001", "x", "bank", "CH999999", "CHAN-4", "parent not "
      "registered", 2, FALSE, MODEL_STD_NOT_FOUND },
    { "apply-parent-tier2", "CH300001", "x", "bank", C1, "CHAN-4", "parent of tier 2", 2, FALSE,
      MODEL_STD_CHANNEL_TIER },
    { "apply-id-taken", P2, "x", "bank", NULL, "CHAN-4", "an id already registered", 1, FALSE,
      MODEL_STD_CONFLICT },
    { "apply-key-small-order", "CH300001", "x", "bank", NULL, "CHAN-23", "a public key of small "
      "order", 1, TRUE, MODEL_STD_MALFORMED },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *name = g_strdup_printf ("platform/%s", cases[i].name);
      TEST (name, cases[i].reqs, cases[i].comment, cases[i].want ? "Malformed" : NULL,
            cases[i].want == MODEL_STD_OK ? "valid" : "invalid");
      apply (fx, cases[i].id, cases[i].cname, cases[i].klass, cases[i].tier, cases[i].parent,
             cases[i].small_key ? small : k.pk, T0 + 1, cases[i].want);
      if (cases[i].want == MODEL_STD_OK)
        get (fx, cases[i].id, T0 + 1);
    }
  TEST ("platform/apply-parent-terminated", "CHAN-4", "the parent was terminated", NULL,
        "invalid");
  set_status (fx, P2, "terminated", T0 + 1, MODEL_STD_OK);
  apply (fx, "CH300001", "x", "bank", 2, P2, k.pk, T0 + 2, MODEL_STD_CHANNEL_NOT_LIVE);

  /* every pair of the status machine, on a new channel brought to `from` */
  static const char *const names[] = { "applied", "certified", "live", "rectification",
                                       "suspended", "terminated" };
  static const char *const path[][4] = {
    { NULL }, { "certified", NULL }, { "certified", "live", NULL },
    { "certified", "live", "rectification", NULL }, { "certified", "live", "suspended", NULL },
    { "terminated", NULL },
  };
  for (int from = 0; from < 6; from++)
    for (int to = 0; to < 6; to++)
      {
        ModelChannelStatus f = (ModelChannelStatus) from, t = (ModelChannelStatus) to;
        gboolean allowed = model_channel_transition_allowed (f, t);
        g_autofree char *name = g_strdup_printf ("platform/status-%s-to-%s", names[from],
                                                 names[to]);
        g_autofree char *comment = g_strdup_printf ("%s -> %s is %s by table 6.2", names[from],
                                                    names[to], allowed ? "allowed" : "refused");
        TEST (name, "CHAN-5", comment, "StatusMachine", allowed ? "valid" : "invalid");
        apply (fx, "CH300001", "x", "hrss", 1, NULL, k.pk, T0 + 1, MODEL_STD_OK);
        for (int s = 0; path[from][s] != NULL; s++)
          set_status (fx, "CH300001", path[from][s], T0 + 1, MODEL_STD_OK);
        set_status (fx, "CH300001", names[to], T0 + 2,
                    allowed ? MODEL_STD_OK : MODEL_STD_INVALID_STATE);
        get (fx, "CH300001", T0 + 2);
      }
  TEST ("platform/status-unknown-channel", "CHAN-6", "set_status of an unknown id", "NotFound",
        "invalid");
  set_status (fx, "CH999999", "live", T0 + 1, MODEL_STD_NOT_FOUND);
}

static void
request_tests (Fx *fx)
{
  const char *b = "{\"ssn\":\"" CONF_VEC_SSN1 "\"}";
  g_autoptr (GBytes) w1 = wire (P1, NULL, T0, "a", "qr.verify", b, P1, NULL);
  g_autoptr (GBytes) w2 = wire (C1, P1, T0, "b", "data.request", b, C1, P1);
  TEST ("platform/verify-tier1", "CHAN-9 CHAN-10 CHAN-11 CHAN-15 CHAN-16", "a tier-1 request "
        "signed by its channel", NULL, "valid");
  verify (fx, w1, b, T0, MODEL_STD_OK);
  TEST ("platform/verify-tier2-relayed", "CHAN-7 CHAN-10", "a tier-2 request relayed and "
        "countersigned by its parent", NULL, "valid");
  verify (fx, w2, b, T0, MODEL_STD_OK);
  TEST ("platform/verify-body-altered", "CHAN-11", "the body differs from the hashed one",
        "BadSignature", "invalid");
  verify (fx, w1, "{\"ssn\":\"" CONF_VEC_SSN2 "\"}", T0, MODEL_STD_BAD_SIGNATURE);
  g_autoptr (GBytes) wbad = wire (P1, NULL, T0, "a", "qr.verify", b, P2, NULL);
  TEST ("platform/verify-wrong-signer", "CHAN-10 CRYPTO-1", "signed with another channel's key",
        "BadSignature", "invalid");
  verify (fx, wbad, b, T0, MODEL_STD_BAD_SIGNATURE);
  g_autoptr (GBytes) wnone = wire (P1, NULL, T0, "a", "qr.verify", b, NULL, NULL);
  TEST ("platform/verify-zero-signature", "CHAN-10", "a signature of 64 zero bytes",
        "BadSignature", "invalid");
  verify (fx, wnone, b, T0, MODEL_STD_BAD_SIGNATURE);
  gsize len1 = 0;
  const guint8 *d1 = g_bytes_get_data (w1, &len1);
  TEST ("platform/verify-missing-signature", "CHAN-16", "the wire without its signature",
        "Malformed", "invalid");
  verify_raw (fx, d1, len1 - 64, b, T0, MODEL_STD_MALFORMED);
  g_autoptr (GBytes) wcs = wire (C1, P1, T0, "b", "data.request", b, C1, P2);
  TEST ("platform/verify-bad-countersignature", "CHAN-10", "countersigned by another key",
        "BadSignature", "invalid");
  verify (fx, wcs, b, T0, MODEL_STD_BAD_SIGNATURE);
  g_autoptr (GBytes) wnr = wire (C1, NULL, T0, "b", "data.request", b, C1, NULL);
  TEST ("platform/verify-tier2-not-relayed", "CHAN-7", "a tier-2 request sent directly",
        "Tier", "invalid");
  verify (fx, wnr, b, T0, MODEL_STD_CHANNEL_TIER);
  g_autoptr (GBytes) wother = wire (C1, P2, T0, "b", "data.request", b, C1, P2);
  TEST ("platform/verify-tier2-other-parent", "CHAN-7", "relayed by a tier-1 channel that is "
        "not its parent", "Tier", "invalid");
  verify (fx, wother, b, T0, MODEL_STD_CHANNEL_TIER);
  g_autoptr (GBytes) wt1r = wire (P2, P1, T0, "b", "data.request", b, P2, P1);
  TEST ("platform/verify-tier1-relayed", "CHAN-7", "a tier-1 request naming a relay", "Tier",
        "invalid");
  verify (fx, wt1r, b, T0, MODEL_STD_CHANNEL_TIER);
  TEST ("platform/verify-parent-suspended", "CHAN-8", "the parent is suspended, the tier-2 "
        "channel live", "Suspended", "invalid");
  set_status (fx, P1, "suspended", T0, MODEL_STD_OK);
  verify (fx, w2, b, T0, MODEL_STD_CHANNEL_NOT_LIVE);
  TEST ("platform/verify-suspended", "CHAN-6", "a suspended channel's request", "Suspended",
        "invalid");
  set_status (fx, P1, "suspended", T0, MODEL_STD_OK);
  verify (fx, w1, b, T0, MODEL_STD_CHANNEL_NOT_LIVE);
  TEST ("platform/verify-suspended-before-signature", "CHAN-15", "suspended and badly signed: "
        "status is checked first", "Suspended", "invalid");
  set_status (fx, P1, "suspended", T0, MODEL_STD_OK);
  verify (fx, wbad, b, T0, MODEL_STD_CHANNEL_NOT_LIVE);
  TEST ("platform/verify-reinstated", "CHAN-6 CHAN-5", "suspended, then live again", NULL,
        "valid");
  set_status (fx, P1, "suspended", T0, MODEL_STD_OK);
  set_status (fx, P1, "live", T0, MODEL_STD_OK);
  verify (fx, w1, b, T0, MODEL_STD_OK);
  g_autoptr (GBytes) wunk = wire ("CH999999", NULL, T0, "a", "qr.verify", b, "CH999999", NULL);
  TEST ("platform/verify-unknown-channel", "CHAN-6", "a channel nobody registered", "NotFound",
        "invalid");
  verify (fx, wunk, b, T0, MODEL_STD_NOT_FOUND);

  static const struct {
    const char *name;
    gint64 ts;
    ModelStdCode want;
  } clock[] = {
    { "window-minus-300", T0 - 300, MODEL_STD_OK },
    { "window-minus-301", T0 - 301, MODEL_STD_EXPIRED },
    { "window-plus-300", T0 + 300, MODEL_STD_OK },
    { "window-plus-301", T0 + 301, MODEL_STD_NOT_YET_VALID },
    { "window-int64-min", G_MININT64, MODEL_STD_EXPIRED },
    { "window-int64-max", G_MAXINT64, MODEL_STD_NOT_YET_VALID },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (clock); i++)
    {
      g_autoptr (GBytes) wc = wire (P1, NULL, clock[i].ts, clock[i].name, "qr.verify", b, P1,
                                    NULL);
      g_autofree char *name = g_strdup_printf ("platform/%s", clock[i].name);
      TEST (name, "CHAN-12", "the timestamp against now with W = 300 s, no overflow", "Clock",
            clock[i].want == MODEL_STD_OK ? "valid" : "invalid");
      verify (fx, wc, b, T0, clock[i].want);
    }
  TEST ("platform/replay", "CHAN-13", "the same request twice", "Replay", "invalid");
  verify (fx, w1, b, T0, MODEL_STD_OK);
  verify (fx, w1, b, T0 + 1, MODEL_STD_REPLAYED);
  g_autoptr (GBytes) w1p2 = wire (P2, NULL, T0, "a", "qr.verify", b, P2, NULL);
  TEST ("platform/same-nonce-other-channel", "CHAN-13", "nonces are per channel", NULL, "valid");
  verify (fx, w1, b, T0, MODEL_STD_OK);
  verify (fx, w1p2, b, T0, MODEL_STD_OK);
  TEST ("platform/refused-does-not-burn-nonce", "CHAN-13 ERR-2", "a refused request (body "
        "altered) leaves its nonce unused", NULL, "valid");
  verify (fx, w1, "{}", T0, MODEL_STD_BAD_SIGNATURE);
  verify (fx, w1, b, T0, MODEL_STD_OK);

  /* hostile wire forms */
  g_autofree guint8 *m = g_memdup2 (d1, len1);
  m[0] = 'X';
  TEST ("platform/wire-magic", "CHAN-16", "magic XSR1", "Malformed", "invalid");
  verify_raw (fx, m, len1, b, T0, MODEL_STD_MALFORMED);
  m[0] = d1[0];
  m[4] = 7;
  TEST ("platform/wire-id-length", "CHAN-16 CHAN-1", "channel id length 7", "Malformed",
        "invalid");
  verify_raw (fx, m, len1, b, T0, MODEL_STD_MALFORMED);
  m[4] = d1[4];
  m[5] = 'c';
  TEST ("platform/wire-id-lowercase", "CHAN-16 CHAN-1", "lower-case c in the channel id",
        "Malformed", "invalid");
  verify_raw (fx, m, len1, b, T0, MODEL_STD_MALFORMED);
  m[5] = d1[5];
  m[39] = 'Q';
  TEST ("platform/wire-operation-uppercase", "CHAN-9 CHAN-16", "an upper-case letter in the "
        "operation name", "Malformed", "invalid");
  verify_raw (fx, m, len1, b, T0, MODEL_STD_MALFORMED);
  TEST ("platform/wire-trailing", "CHAN-16", "a byte after the signature", "Malformed",
        "invalid");
  {
    g_autofree guint8 *t = g_malloc0 (len1 + 1);
    memcpy (t, d1, len1);
    verify_raw (fx, t, len1 + 1, b, T0, MODEL_STD_MALFORMED);
  }
  TEST ("platform/wire-truncated", "CHAN-16", "the last byte missing", "Malformed", "invalid");
  verify_raw (fx, d1, len1 - 1, b, T0, MODEL_STD_MALFORMED);
  TEST ("platform/wire-empty", "CHAN-16", "no bytes", "Malformed", "invalid");
  verify_raw (fx, d1, 0, b, T0, MODEL_STD_MALFORMED);
}

static void
risk_tests (Fx *fx)
{
  const char *b = "{}";
  g_autoptr (GBytes) forged = wire (P1, NULL, T0, "r", "qr.verify", b, P2, NULL);
  TEST ("platform/risk-five-bad-signatures", "CHAN-21 CHAN-19", "five forged requests (weight "
        "10 each) order rectification", "Risk", "invalid");
  for (int i = 0; i < 5; i++)
    verify (fx, forged, b, T0, MODEL_STD_BAD_SIGNATURE);
  get (fx, P1, T0);
  TEST ("platform/risk-rectified-refuses", "CHAN-21 CHAN-19 CHAN-6", "after five forged "
        "requests the channel is under rectification: the next ones are refused as not live "
        "(and add no event)", "Risk", "invalid");
  for (int i = 0; i < 10; i++)
    verify (fx, forged, b, T0, i < 5 ? MODEL_STD_BAD_SIGNATURE : MODEL_STD_CHANNEL_NOT_LIVE);
  get (fx, P1, T0 + 10);
  g_autoptr (GBytes) wcs = wire (C1, P1, T0, "rc", "data.request", b, C1, P2);
  TEST ("platform/risk-countersignature-to-parent", "CHAN-21", "five bad countersignatures "
        "raise the parent's score, not the child's", "Risk", "invalid");
  for (int i = 0; i < 5; i++)
    verify (fx, wcs, b, T0, MODEL_STD_BAD_SIGNATURE);
  get (fx, P1, T0);
  get (fx, C1, T0);
  g_autoptr (GBytes) wr = wire (P1, NULL, T0, "rr", "qr.verify", b, P1, NULL);
  TEST ("platform/risk-replays", "CHAN-21 CHAN-19", "three replays (weight 20 each)", "Risk",
        "invalid");
  verify (fx, wr, b, T0, MODEL_STD_OK);
  for (int i = 1; i <= 3; i++)
    verify (fx, wr, b, T0 + i, MODEL_STD_REPLAYED);
  get (fx, P1, T0 + 4);
  g_autoptr (GBytes) old = wire (P1, NULL, T0 - 1000, "ro", "qr.verify", b, P1, NULL);
  TEST ("platform/risk-clock-refusals-add-none", "CHAN-21", "ten expired requests leave the "
        "channel live", "Risk", "invalid");
  for (int i = 0; i < 10; i++)
    verify (fx, old, b, T0 + i, MODEL_STD_EXPIRED);
  get (fx, P1, T0 + 10);
  TEST ("platform/risk-events", "CHAN-19", "fraud report 40 + two complaints 5: "
        "rectification at 50", "Risk", "valid");
  risk (fx, P1, "fraud_report", T0);
  risk (fx, P1, "complaint", T0);
  risk (fx, P1, "complaint", T0);
  TEST ("platform/risk-suspend-before-rectify", "CHAN-20", "data leak 60 + fraud report 40: "
        "straight to suspended", "Risk", "valid");
  risk (fx, P1, "data_leak", T0);
  risk (fx, P1, "fraud_report", T0);
  TEST ("platform/risk-rectification-to-suspended", "CHAN-20", "a channel under rectification "
        "reaching 100 is suspended", "Risk", "valid");
  risk (fx, P1, "data_leak", T0);
  risk (fx, P1, "fraud_report", T0);
  TEST ("platform/risk-decay", "CHAN-17", "40 at T0, then 10 one half-life later: 30, still "
        "live", "Risk", "valid");
  for (int i = 0; i < 4; i++)
    risk (fx, P1, "bad_signature", T0);
  risk (fx, P1, "bad_signature", T0 + H);
  TEST ("platform/risk-no-way-back", "CHAN-22", "rectification stays after the score decays",
        "Risk", "valid");
  risk (fx, P1, "data_leak", T0);
  risk (fx, P1, "complaint", T0 + 10 * H);
  get (fx, P1, T0 + 10 * H);
  TEST ("platform/risk-suspended-stays", "CHAN-20", "a suspended channel keeps its status",
        "Risk", "valid");
  set_status (fx, P1, "suspended", T0, MODEL_STD_OK);
  risk (fx, P1, "data_leak", T0);
  risk (fx, P1, "data_leak", T0 + 1);
}

/* ---- the channel role ----------------------------------------------------- */

static void
fx_channel (Fx *fx, gboolean emit, int tier)
{
  Key k, child;
  key_of (tier == 1 ? P1 : C1, &k);
  key_of (C1, &child);
  conf_vec_mute (fx->v, !emit);
  JsonNode *children = tier == 1 ? conf_ja (conf_jo ("channel_id", conf_js (C1), "public_key",
                                                     conf_jh (child.pk, 32), NULL), NULL)
                                 : NULL;
  conf_vec_reset_channel (fx->v, fx->w, tier == 1 ? P1 : C1, tier, tier == 1 ? NULL : P1,
                          k.seed, children);
  conf_vec_mute (fx->v, FALSE);
}

static void
sign_step (Fx *fx, const char *op, const char *body, gint64 ts, const char *nonce_label,
           GBytes *expected, ModelStdCode want)
{
  guint8 nonce[16];
  g_autofree char *label = g_strdup_printf ("request nonce %s", nonce_label);
  conf_vec_derive (label, nonce, 16);
  JsonNode *expect = conf_vec_err (want);
  if (expected != NULL)
    {
      json_node_unref (expect);
      gsize len = 0;
      const guint8 *d = g_bytes_get_data (expected, &len);
      expect = conf_vec_ok (conf_jo ("wire", conf_jh (d, len), NULL));
    }
  conf_vec_step (fx->v, "request.sign",
                 conf_jo ("operation", conf_js (op), "body", conf_js (body),
                          "timestamp", conf_ji (ts), "nonce", conf_jh (nonce, 16), NULL),
                 expect, NULL);
}

static void
relay_step (Fx *fx, GBytes *child_wire, const char *body, GBytes *expected, ModelStdCode want,
            const ModelStdCode *any, gsize n_any)
{
  gsize len = 0;
  const guint8 *d = g_bytes_get_data (child_wire, &len);
  JsonNode *expect;
  if (expected != NULL)
    {
      gsize elen = 0;
      const guint8 *e = g_bytes_get_data (expected, &elen);
      expect = conf_vec_ok (conf_jo ("wire", conf_jh (e, elen), NULL));
    }
  else
    expect = any ? conf_vec_err_any (any, n_any) : conf_vec_err (want);
  conf_vec_step (fx->v, "request.relay",
                 conf_jo ("wire", conf_jh (d, len), "body", conf_js (body), "now", conf_ji (T0),
                          NULL),
                 expect, NULL);
}

/* The relay's own clock window (CHAN-12) and nonce cache (CHAN-13) at now T0, cross-checked
 * on the platform mirror (P1 and its child C1 live) with the countersigned request. */
static void
relay_clock_tests (Fx *fx, const char *b)
{
  static const struct {
    const char *name, *comment;
    int n;                        /* relays: the second one after the first one's answer */
    gint64 ts[2];
    ModelStdCode want[2];
  } cases[] = {
    { "window-minus-301", "301 s behind the relay's now", 1, { T0 - 301 }, { MODEL_STD_EXPIRED } },
    { "window-plus-301", "301 s ahead", 1, { T0 + 301 }, { MODEL_STD_NOT_YET_VALID } },
    { "window-int64-min", "no overflow", 1, { G_MININT64 }, { MODEL_STD_EXPIRED } },
    { "window-edges", "300 s behind, then 300 s ahead", 2, { T0 - 300, T0 + 300 },
      { MODEL_STD_OK, MODEL_STD_OK } },
    { "replay", "one child request twice", 2, { T0, T0 }, { MODEL_STD_OK, MODEL_STD_REPLAYED } },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      gboolean replay = cases[i].ts[1] == T0;
      g_autofree char *name = g_strdup_printf ("channel/relay-%s", cases[i].name);
      fx_platform (fx, FALSE);
      conf_vec_test (fx->v, name, replay ? "CHAN-13" : "CHAN-12", cases[i].comment,
                     replay ? "Replay" : "Clock",
                     cases[i].want[cases[i].n - 1] == MODEL_STD_OK ? "valid" : "invalid");
      for (int k = 0; k < cases[i].n; k++)
        {
          ModelStdCode want = cases[i].want[k];
          g_autofree char *label = g_strdup_printf ("relay %s %d", cases[i].name, replay ? 0 : k);
          g_autoptr (GBytes) child = wire (C1, P1, cases[i].ts[k], label, "qr.verify", b, C1, NULL);
          g_autoptr (GBytes) full = wire (C1, P1, cases[i].ts[k], label, "qr.verify", b, C1, P1);
          conf_vec_mute (fx->v, TRUE);   /* the cross-check alone: the mirror verifies */
          verify (fx, full, b, T0, want);
          conf_vec_mute (fx->v, FALSE);
          relay_step (fx, child, b, want == MODEL_STD_OK ? full : NULL, want, NULL, 0);
        }
    }
}

static void
set_own_status (Fx *fx, const char *to)
{
  conf_vec_step (fx->v, "channel.set_status", conf_jo ("status", conf_js (to), NULL),
                 conf_vec_ok (NULL), NULL);
}

static void
channel_tests (Fx *fx)
{
  ConfVec *v = fx->v;
  const char *b = "{\"query\":\"card_status\"}";
  conf_vec_group (v, "channel", NULL);
  fx_channel (fx, TRUE, 1);
  g_autoptr (GBytes) w1 = wire (P1, NULL, T0, "s1", "data.request", b, P1, NULL);
  conf_vec_test (v, "channel/sign-exact", "CHAN-9 CHAN-10 CHAN-11 CHAN-16 CRYPTO-1", "table 6.3 "
                 "and the channel's Ed25519 signature, byte for byte", NULL, "valid");
  sign_step (fx, "data.request", b, T0, "s1", w1, MODEL_STD_OK);
  conf_vec_test (v, "channel/sign-bad-operation", "CHAN-9", "an operation name with an "
                 "upper-case letter", "Malformed", "invalid");
  sign_step (fx, "Data.request", b, T0, "s1", NULL, MODEL_STD_MALFORMED);
  g_autofree char *long_op = g_strnfill (33, 'a');
  conf_vec_test (v, "channel/sign-operation-33", "CHAN-9", "a 33-byte operation name",
                 "Malformed", "invalid");
  sign_step (fx, long_op, b, T0, "s1", NULL, MODEL_STD_MALFORMED);
  g_autoptr (GBytes) child = wire (C1, P1, T0, "c1", "qr.verify", b, C1, NULL);
  g_autoptr (GBytes) relayed = wire (C1, P1, T0, "c1", "qr.verify", b, C1, P1);
  conf_vec_test (v, "channel/relay-exact", "CHAN-7 CHAN-10 CHAN-16", "the parent's "
                 "countersignature over the child's request, byte for byte", NULL, "valid");
  relay_step (fx, child, b, relayed, MODEL_STD_OK, NULL, 0);
  g_autoptr (GBytes) child_bad = wire (C1, P1, T0, "c1", "qr.verify", b, P2, NULL);
  conf_vec_test (v, "channel/relay-bad-child-signature", "CHAN-10", "the child's signature "
                 "does not verify under its key", "BadSignature", "invalid");
  relay_step (fx, child_bad, b, NULL, MODEL_STD_BAD_SIGNATURE, NULL, 0);
  conf_vec_test (v, "channel/relay-body-altered", "CHAN-11", "the body differs from the hashed "
                 "one", "BadSignature", "invalid");
  relay_step (fx, child, "{}", NULL, MODEL_STD_BAD_SIGNATURE, NULL, 0);
  g_autoptr (GBytes) other = wire (C1, P2, T0, "c1", "qr.verify", b, C1, NULL);
  conf_vec_test (v, "channel/relay-names-other-parent", "CHAN-7", "the child's request names "
                 "another relay", "Tier", "invalid");
  relay_step (fx, other, b, NULL, MODEL_STD_CHANNEL_TIER, NULL, 0);
  g_autoptr (GBytes) direct = wire (C1, NULL, T0, "c1", "qr.verify", b, C1, NULL);
  conf_vec_test (v, "channel/relay-names-no-relay", "CHAN-7", "a request with no relay id "
                 "cannot be relayed", "Tier", "invalid");
  relay_step (fx, direct, b, NULL, MODEL_STD_CHANNEL_TIER, NULL, 0);
  g_autoptr (GBytes) stranger = wire ("CH200999", P1, T0, "c1", "qr.verify", b, "CH200999",
                                      NULL);
  static const ModelStdCode unknown_child[] = { MODEL_STD_NOT_FOUND, MODEL_STD_CHANNEL_TIER };
  conf_vec_test (v, "channel/relay-not-a-child", "CHAN-7", "a channel that is not among its "
                 "children", "Tier", "invalid");
  relay_step (fx, stranger, b, NULL, 0, unknown_child, 2);
  relay_clock_tests (fx, b);
  static const char *const not_live[] = { "suspended", "rectification", "terminated" };
  for (gsize i = 0; i < G_N_ELEMENTS (not_live); i++)
    {
      g_autofree char *name = g_strdup_printf ("channel/%s-refuses-sign", not_live[i]);
      conf_vec_test (v, name, "CHAN-6", "a channel that is not live signs nothing",
                     "Suspended", "invalid");
      set_own_status (fx, not_live[i]);
      sign_step (fx, "data.request", b, T0, "s1", NULL, MODEL_STD_CHANNEL_NOT_LIVE);
      g_autofree char *name2 = g_strdup_printf ("channel/%s-refuses-relay", not_live[i]);
      conf_vec_test (v, name2, "CHAN-6 CHAN-8", "a parent that is not live relays nothing",
                     "Suspended", "invalid");
      set_own_status (fx, not_live[i]);
      relay_step (fx, child, b, NULL, MODEL_STD_CHANNEL_NOT_LIVE, NULL, 0);
    }

  conf_vec_group (v, "channel", conf_jo ("tier", conf_ji (2), NULL));
  fx_channel (fx, TRUE, 2);
  g_autoptr (GBytes) c2 = wire (C1, P1, T0, "t2", "qr.verify", b, C1, NULL);
  conf_vec_test (v, "channel/tier2-sign-exact", "CHAN-7 CHAN-9 CHAN-10 CHAN-16", "a tier-2 "
                 "channel names its parent as relay and signs (the parent countersigns later)",
                 NULL, "valid");
  sign_step (fx, "qr.verify", b, T0, "t2", c2, MODEL_STD_OK);
  conf_vec_test (v, "channel/tier2-suspended", "CHAN-6", "a suspended tier-2 channel",
                 "Suspended", "invalid");
  set_own_status (fx, "suspended");
  sign_step (fx, "qr.verify", b, T0, "t2", NULL, MODEL_STD_CHANNEL_NOT_LIVE);
}

JsonNode *
conf_vec_gen_channel (GError **error)
{
  g_autoptr (ConfVec) v = conf_vec_new ("channel");
  g_autoptr (ConfVecWorld) w = conf_vec_world_new ();
  Fx fx = { .v = v, .w = w };
  conf_vec_note (v, "Malformed", "a field or wire form outside its rules");
  conf_vec_note (v, "NotFound", "an identifier nobody registered");
  conf_vec_note (v, "StatusMachine", "one pair of table 6.2");
  conf_vec_note (v, "BadSignature", "a signature or body hash that does not verify");
  conf_vec_note (v, "Tier", "relay rules of tier-2 channels");
  conf_vec_note (v, "Suspended", "a channel (or its parent) that is not live");
  conf_vec_note (v, "Clock", "the +-300 s window");
  conf_vec_note (v, "Replay", "the same request twice");
  conf_vec_note (v, "Risk", "risk events, thresholds and decay");
  conf_vec_world_keys (v, w);
  const char *ids[] = { P1, P2, C1 };
  for (int i = 0; i < 3; i++)
    {
      Key k;
      key_of (ids[i], &k);
      g_autofree char *sname = g_strdup_printf ("channel_%s_seed", ids[i]);
      g_autofree char *pname = g_strdup_printf ("channel_%s_public_key", ids[i]);
      conf_vec_key (v, sname, k.seed, 32);
      conf_vec_key (v, pname, k.pk, 32);
    }
  conf_vec_group (v, "platform", NULL);
  fx_platform (&fx, TRUE);
  registration_tests (&fx);
  request_tests (&fx);
  risk_tests (&fx);
  channel_tests (&fx);
  model_channel_registry_free (fx.reg);
  return conf_vec_finish (v, error);
}
