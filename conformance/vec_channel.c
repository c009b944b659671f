/* SPDX-License-Identifier: MIT */
/*
 * Vectors of ESSC-STD section 6 (channel.json), the platform's groups.
 * Registration (every field's rule, parent rules, a taken id, the order of
 * its checks), every pair of the status machine, verification of signed
 * requests (tier 1 and relayed tier 2, body hash, both signatures, relay
 * rules, parent not live, the clock window's edges and 64-bit extremes,
 * replays, hostile wire forms, order of checks), risk control (events from
 * refused requests and from channel.risk, the score as a number, thresholds
 * in their order, decay, a clock going back, no automatic way back, a
 * reinstated channel), consent that does not consult the registry, and the
 * ops hello lists.  Mirrored on ModelChannelRegistry (and ModelConsentStore).
 * The channel role's groups are vec_channel_role.c.
 */
#include "conformance/vec_channel.h"

#include "base/hex.h"
#include "model/std/consent.h"

#include <math.h>
#include <sodium.h>
#include <string.h>

#define T0 CONF_VECTORS_CLOCK
#define H ((gint64) 604800)

#define P1 CONF_VEC_P1
#define P2 CONF_VEC_P2
#define C1 CONF_VEC_C1
#define key_of conf_vec_chan_key
#define wire conf_vec_chan_wire

typedef ConfVecChanKey Key;

typedef struct {
  ConfVec *v;
  ConfVecWorld *w;
  ModelChannelRegistry *reg;
  ModelConsentStore *consents;
} Fx;

/* ---- shared with vec_channel_role.c ------------------------------------------ */

void
conf_vec_chan_key (const char *id, ConfVecChanKey *k)
{
  g_autofree char *label = g_strdup_printf ("channel %s key seed", id);
  conf_vec_derive (label, k->seed, 32);
  crypto_sign_seed_keypair (k->pk, k->sk, k->seed);
}

void
conf_vec_chan_nonce (const char *label, guint8 nonce[16])
{
  g_autofree char *full = g_strdup_printf ("request nonce %s", label);
  conf_vec_derive (full, nonce, 16);
}

GBytes *
conf_vec_chan_wire (const char *id, const char *relay, gint64 ts, const char *nonce_label,
                    const char *op, const char *body, const char *signer, const char *parent)
{
  ModelChannelRequest req;
  guint8 nonce[16];
  Key k;
  conf_vec_chan_nonce (nonce_label, nonce);
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
  /* a relayed request not countersigned yet travels as table 6.3 + the
   * channel's signature (request.sign's wire, CHAN-27) */
  if (relay != NULL && parent == NULL)
    return model_channel_request_encode_signed (&req);
  return model_channel_request_encode (&req);
}

/* ---- platform steps, mirrored on the registry ------------------------------- */

/* A score as the vectors write it: CHAN-29's number, rounded to 10^-9 so
 * that the last bits of exp2 do not reach the file (the runner accepts any
 * number within 10^-6 of it). */
static JsonNode *
score_node (double score)
{
  return json_node_init_double (json_node_alloc (), round (score * 1e9) / 1e9);
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

/* channel.set_status; `to` may be a name outside table 6.2 (malformed). */
static void
set_status (Fx *fx, const char *id, const char *to, gint64 now, ModelStdCode want)
{
  GError *error = NULL;
  ModelChannelStatus s;
  if (!model_channel_status_from_name (to, &s))
    g_set_error (&error, MODEL_CHANNEL_ERROR, MODEL_STD_MALFORMED, "status: %s", to);
  else
    model_channel_registry_set_status (fx->reg, id, s, now, &error);
  conf_vec_agree (fx->v, "channel.set_status", error, want);
  conf_vec_step (fx->v, "channel.set_status",
                 conf_jo ("channel_id", conf_js (id), "status", conf_js (to), "now", conf_ji (now),
                          NULL),
                 want == MODEL_STD_OK ? conf_vec_ok (NULL) : conf_vec_err (want), NULL);
}

/* channel.get: the status and the score decayed to now (CHAN-17, CHAN-29). */
static void
get_as (Fx *fx, const char *id, gint64 now, ModelStdCode want)
{
  ModelChannel ch;
  double score = 0;
  GError *error = NULL;
  gboolean ok = model_channel_registry_lookup (fx->reg, id, &ch, &error)
                && model_channel_registry_risk_score (fx->reg, id, now, &score, &error);
  conf_vec_agree (fx->v, "channel.get", error, want);
  conf_vec_step (fx->v, "channel.get", conf_jo ("channel_id", conf_js (id), "now", conf_ji (now),
                                                NULL),
                 ok ? conf_vec_ok (conf_jo ("status", conf_js (model_channel_status_name (ch.status)),
                                            "score", score_node (score), NULL))
                    : conf_vec_err (want),
                 NULL);
}

static void
get (Fx *fx, const char *id, gint64 now)
{
  get_as (fx, id, now, MODEL_STD_OK);
}

/* channel.risk: the status after the rules and the score at now; `event`
 * may be a name outside table 6.4 (malformed). */
static void
risk_as (Fx *fx, const char *id, const char *event, gint64 now, ModelStdCode want)
{
  ModelChannelRisk r = MODEL_CHANNEL_N_RISKS;
  ModelChannelStatus s = MODEL_CHANNEL_LIVE;
  double score = 0;
  GError *error = NULL;
  gboolean ok;
  /* CHAN-28: the id's form and the event's name before the registry */
  if (!model_channel_id_check (id, "channel_id", &error))
    ok = FALSE;
  else if (!model_channel_risk_from_name (event, &r))
    ok = (g_set_error (&error, MODEL_CHANNEL_ERROR, MODEL_STD_MALFORMED, "event: %s", event),
          FALSE);
  else
    ok = model_channel_registry_record_risk (fx->reg, id, r, now, &s, &error)
         && model_channel_registry_risk_score (fx->reg, id, now, &score, &error);
  conf_vec_agree (fx->v, "channel.risk", error, want);
  conf_vec_step (fx->v, "channel.risk",
                 conf_jo ("channel_id", conf_js (id), "event", conf_js (event), "now", conf_ji (now),
                          NULL),
                 ok ? conf_vec_ok (conf_jo ("status", conf_js (model_channel_status_name (s)),
                                            "score", score_node (score), NULL))
                    : conf_vec_err (want),
                 NULL);
}

static void
risk (Fx *fx, const char *id, const char *event, gint64 now)
{
  risk_as (fx, id, event, now, MODEL_STD_OK);
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
  g_clear_pointer (&fx->consents, model_consent_store_free);
  fx->reg = model_channel_registry_new (NULL);
  fx->consents = model_consent_store_new (fx->w->reset_seed);
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
  const char *utf8 = "{\"name\":\"\xe5\xbc\xa0\xe4\xb8\x89\",\"q\":\"a\\\"b\\\\c\"}";
  g_autoptr (GBytes) wu = wire (P1, NULL, T0, "u", "qr.verify", utf8, P1, NULL);
  TEST ("platform/verify-utf8-body", "CHAN-11", "the body hash covers the body's UTF-8 bytes "
        "(Chinese characters, a quote, a backslash), not their JSON escapes", NULL, "valid");
  verify (fx, wu, utf8, T0, MODEL_STD_OK);
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

  /* the hex form of the wire itself (ADAPTER section 2: lowercase, an even
   * number of digits), on a wire that is valid once decoded */
  g_autofree char *hex = base_hex_encode_dup (d1, len1);
  g_autofree char *upper = g_ascii_strup (hex, -1);
  g_autofree char *odd = g_strndup (hex, strlen (hex) - 1);
  const struct {
    const char *name, *comment, *text;
  } forms[] = {
    { "wire-hex-uppercase", "the wire of a valid request in upper-case hex", upper },
    { "wire-hex-odd-length", "the wire's hex with its last digit missing (an odd length)", odd },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (forms); i++)
    {
      g_autofree char *name = g_strdup_printf ("platform/%s", forms[i].name);
      TEST (name, "CHAN-16", forms[i].comment, "Malformed", "invalid");
      conf_vec_step (fx->v, "channel.verify",
                     conf_jo ("wire", conf_js (forms[i].text), "body", conf_js (b),
                              "now", conf_ji (T0), NULL),
                     conf_vec_err (MODEL_STD_MALFORMED), NULL);
    }
}

/* CHAN-28: where two checks of registration, a status change, a risk event
 * or a look-up fail at once, the first in the standard's order decides. */
static void
order_tests (Fx *fx)
{
  Key k;
  key_of ("CH300001", &k);
  static const guint8 small[32] = { 1 };
  TEST ("platform/apply-order-field-before-taken", "CHAN-28 CHAN-23", "an id already "
        "registered with a key of small order: the field is checked first", "Malformed",
        "invalid");
  apply (fx, P2, "x", "bank", 1, NULL, small, T0 + 1, MODEL_STD_MALFORMED);
  TEST ("platform/apply-order-parent-form-before-taken", "CHAN-28 CHAN-1", "an id already "
        "registered naming a parent id with a lower-case ch: every field's form is checked "
        "before the registry is asked", "Malformed", "invalid");
  apply (fx, P2, "x", "bank", 2, "ch100001", k.pk, T0 + 1, MODEL_STD_MALFORMED);
  TEST ("platform/apply-order-taken-before-parent", "CHAN-28 CHAN-4", "an id already "
        "registered naming a parent nobody registered: conflict first", "NotFound", "invalid");
  apply (fx, P2, "x", "bank", 2, "CH999999", k.pk, T0 + 1, MODEL_STD_CONFLICT);
  TEST ("platform/apply-order-parent-tier-before-terminated", "CHAN-28 CHAN-4", "the parent "
        "named is tier 2 and terminated: its tier is checked before its status", "Tier",
        "invalid");
  set_status (fx, C1, "terminated", T0 + 1, MODEL_STD_OK);
  apply (fx, "CH300001", "x", "bank", 2, C1, k.pk, T0 + 2, MODEL_STD_CHANNEL_TIER);
  TEST ("platform/status-order-name-before-unknown", "CHAN-28 CHAN-5", "an unknown channel "
        "and a status name outside table 6.2: malformed", "Malformed", "invalid");
  set_status (fx, "CH999999", "paused", T0 + 1, MODEL_STD_MALFORMED);
  TEST ("platform/status-order-id-form", "CHAN-28 CHAN-1", "a channel id with a lower-case "
        "ch is malformed, not unknown", "Malformed", "invalid");
  set_status (fx, "ch100001", "suspended", T0 + 1, MODEL_STD_MALFORMED);
  TEST ("platform/status-unknown-name", "CHAN-28 CHAN-5", "a status name outside table 6.2 "
        "for a registered channel", "Malformed", "invalid");
  set_status (fx, P1, "paused", T0 + 1, MODEL_STD_MALFORMED);
  get (fx, P1, T0 + 1);
  TEST ("platform/risk-order-event-before-unknown", "CHAN-28", "an unknown channel and an "
        "event outside table 6.4: malformed", "Malformed", "invalid");
  risk_as (fx, "CH999999", "spam", T0, MODEL_STD_MALFORMED);
  TEST ("platform/risk-unknown-channel", "CHAN-28 CHAN-6", "a risk event for a channel nobody "
        "registered", "NotFound", "invalid");
  risk_as (fx, "CH999999", "complaint", T0, MODEL_STD_NOT_FOUND);
  TEST ("platform/get-order", "CHAN-28 CHAN-1 CHAN-6", "channel.get of a malformed id, then "
        "of an unknown one", "Malformed NotFound", "invalid");
  get_as (fx, "CH10000", T0, MODEL_STD_MALFORMED);
  get_as (fx, "CH999999", T0, MODEL_STD_NOT_FOUND);
}

static void
risk_tests (Fx *fx)
{
  const char *b = "{}";
  g_autoptr (GBytes) forged = wire (P1, NULL, T0, "r", "qr.verify", b, P2, NULL);
  TEST ("platform/risk-five-bad-signatures", "CHAN-21 CHAN-19 CHAN-29", "five forged requests "
        "(weight 10 each) order rectification: score 50", "Risk", "invalid");
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
  TEST ("platform/risk-events", "CHAN-19 CHAN-29", "fraud report 40 + two complaints 5: "
        "rectification at 50", "Risk", "valid");
  risk (fx, P1, "fraud_report", T0);
  risk (fx, P1, "complaint", T0);
  risk (fx, P1, "complaint", T0);
  TEST ("platform/risk-suspend-before-rectify", "CHAN-20 CHAN-19", "fraud report 40 (still "
        "live), then a data leak 60: 100 in one event, so a live channel goes straight to "
        "suspended (CHAN-20 before CHAN-19), never to rectification", "Risk", "valid");
  risk (fx, P1, "fraud_report", T0);
  risk (fx, P1, "data_leak", T0);
  get (fx, P1, T0 + 1);
  TEST ("platform/risk-rectification-to-suspended", "CHAN-20", "data leak 60 (rectification), "
        "then a fraud report 40: a channel under rectification reaching 100 is suspended",
        "Risk", "valid");
  risk (fx, P1, "data_leak", T0);
  risk (fx, P1, "fraud_report", T0);
  TEST ("platform/risk-decay", "CHAN-17 CHAN-29", "40 at T0, then 10 one half-life later: 30, "
        "still live", "Risk", "valid");
  for (int i = 0; i < 4; i++)
    risk (fx, P1, "bad_signature", T0);
  risk (fx, P1, "bad_signature", T0 + H);
  TEST ("platform/risk-decay-half-a-half-life", "CHAN-17 CHAN-29", "40 at T0 read half a "
        "half-life later: 40 x 2^-0.5 = 28.284271 (to 10^-6), then 10 more at T0 + 2H: "
        "40 x 2^-2 + 10 = 20", "Risk", "valid");
  risk (fx, P1, "fraud_report", T0);
  get (fx, P1, T0 + H / 2);
  get (fx, P1, T0 + H / 2 + 1);
  risk (fx, P1, "bad_signature", T0 + 2 * H);
  TEST ("platform/risk-clock-back", "CHAN-17 CHAN-29", "40 at T0 + H, then 5 at T0 (before "
        "u): 45 and u stays T0 + H, so at T0 + 2H the score is 22.5; read at T0 it is 45",
        "Risk", "valid");
  risk (fx, P1, "fraud_report", T0 + H);
  risk (fx, P1, "complaint", T0);
  get (fx, P1, T0);
  get (fx, P1, T0 + 2 * H);
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
  TEST ("platform/risk-reinstated-keeps-score", "CHAN-31 CHAN-20 CHAN-29", "suspended at 100, "
        "reinstated by the platform: live with its score of 100 (a status change neither "
        "resets the score nor applies the thresholds); the next event suspends it again",
        "Risk", "valid");
  risk (fx, P1, "data_leak", T0);
  risk (fx, P1, "fraud_report", T0);
  set_status (fx, P1, "live", T0 + 1, MODEL_STD_OK);
  get (fx, P1, T0 + 1);
  risk (fx, P1, "complaint", T0 + 2);
  TEST ("platform/risk-terminated-grows", "CHAN-20 CHAN-29", "a terminated channel's score "
        "still grows, its status stays", "Risk", "valid");
  set_status (fx, P2, "terminated", T0, MODEL_STD_OK);
  risk (fx, P2, "data_leak", T0);
  risk (fx, P2, "data_leak", T0);
}

/* consent.grant on the platform mirror (the three kinds for channel ch). */
static void
grant (Fx *fx, const char *kind, const char *ch)
{
  GError *error = NULL;
  ModelConsentGrant g;
  guint8 id[16];
  memset (&g, 0, sizeof g);
  if (!model_consent_kind_from_name (kind, &g.kind))
    g_error ("vectors: kind %s", kind);
  g_strlcpy (g.ssn, CONF_VEC_SSN1, sizeof g.ssn);
  g_strlcpy (g.channel_id, ch, sizeof g.channel_id);
  g_strlcpy (g.department_id, "MIB-110000", sizeof g.department_id);
  g.scopes = MODEL_CONSENT_SCOPE_CARD_STATUS;
  g.not_before = T0 - 86400;
  g.expires_at = T0 + 86400;
  model_consent_store_grant (fx->consents, &g, id, &error);
  conf_vec_agree (fx->v, "consent.grant", error, MODEL_STD_OK);
  conf_vec_step (fx->v, "consent.grant",
                 conf_jo ("kind", conf_js (kind), "ssn", conf_js (CONF_VEC_SSN1),
                          "channel_id", conf_js (ch), "department_id", conf_js ("MIB-110000"),
                          "scopes", conf_js ("card_status"), "not_before", conf_ji (T0 - 86400),
                          "expires_at", conf_ji (T0 + 86400), NULL),
                 conf_vec_ok (conf_jo ("grant_id", conf_jh (id, 16), NULL)), NULL);
}

static void
consent_check (Fx *fx, const char *ch)
{
  GError *error = NULL;
  ModelConsentDecision d;
  memset (&d, 0, sizeof d);
  model_consent_store_check (fx->consents, CONF_VEC_SSN1, ch, "MIB-110000",
                             MODEL_CONSENT_SCOPE_CARD_STATUS, T0, &d, &error);
  conf_vec_agree (fx->v, "consent.check", error, MODEL_STD_OK);
  conf_vec_step (fx->v, "consent.check",
                 conf_jo ("ssn", conf_js (CONF_VEC_SSN1), "channel_id", conf_js (ch),
                          "department_id", conf_js ("MIB-110000"), "scopes",
                          conf_js ("card_status"), "now", conf_ji (T0), NULL),
                 conf_vec_ok (conf_jo ("present", conf_jwords ("personal department channel"),
                                       NULL)),
                 NULL);
}

/* CHAN-30: consent (and payment) never consult the channel registry. */
static void
registry_scope_tests (Fx *fx)
{
  TEST ("platform/consent-unregistered-channel", "CHAN-30 CONSENT-5", "all three "
        "authorisations for a channel id nobody registered: consent is granted and decided "
        "without the channel registry", NULL, "valid");
  grant (fx, "personal", "CH999999");
  grant (fx, "department", "CH999999");
  grant (fx, "channel", "CH999999");
  consent_check (fx, "CH999999");
  TEST ("platform/consent-suspended-channel", "CHAN-30 CONSENT-5", "the channel is suspended: "
        "its requests are refused when verified (CHAN-6), not its consent", NULL, "valid");
  set_status (fx, P1, "suspended", T0, MODEL_STD_OK);
  grant (fx, "personal", P1);
  grant (fx, "department", P1);
  grant (fx, "channel", P1);
  consent_check (fx, P1);
}

void
conf_vec_chan_hello (ConfVec *v, const char *role, const char *check)
{
  conf_vec_step (v, "hello",
                 conf_jo ("protocol", conf_js ("essc-adapter/1"), "role", conf_js (role),
                          "suite", conf_js ("ESSC-STD/1.1"), NULL),
                 conf_vec_ok (conf_jo ("protocol", conf_js ("essc-adapter/1"),
                                       "role", conf_js (role), NULL)),
                 check);
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
  conf_vec_note (v, "Replay", "the same request twice, or one at or below the replay floor");
  conf_vec_note (v, "Risk", "risk events, the score (a number, to 10^-6), thresholds and decay");
  conf_vec_note (v, "Order", "two refusals apply at once: the first check in order decides");
  conf_vec_note (v, "Hello", "hello lists the ops the role must offer");
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
  order_tests (&fx);
  request_tests (&fx);
  risk_tests (&fx);
  registry_scope_tests (&fx);
  conf_vec_test (v, "platform/hello-ops", "ERR-1", "hello, asked again, lists every op of "
                 "docs/ADAPTER.md 4.1 and 4.4 but the payment ones", "Hello", "valid");
  conf_vec_chan_hello (v, "platform", "hello_ops");
  conf_vec_group (v, "platform", conf_jo ("payment", conf_jb (TRUE), NULL));
  conf_vec_reset_platform (v, w, NULL);
  conf_vec_test (v, "platform/hello-ops-payment", "ERR-1", "a platform that offers payment "
                 "lists the payment ops too", "Hello", "valid");
  conf_vec_chan_hello (v, "platform", "hello_ops_payment");
  conf_vec_channel_role_tests (v, w);
  conf_vec_channel_edge_tests (v, w);
  model_channel_registry_free (fx.reg);
  model_consent_store_free (fx.consents);
  return conf_vec_finish (v, error);
}
