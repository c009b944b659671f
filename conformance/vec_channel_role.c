/* SPDX-License-Identifier: MIT */
/*
 * Vectors of ESSC-STD section 6 (channel.json), the channel role's groups.
 * request.sign gives the exact wire of CHAN-27 (table 6.3 and the
 * signature), refuses a bad operation name or nonce length; request.relay
 * checks a child's request as CHAN-26 orders (wire, status, tier and child,
 * body hash, signature, its own clock window, its per-child nonce cache
 * with its floor, bounded by reset's replay_cache, and the loss of the
 * cache at reset's cache_lost_at) and countersigns byte for byte; a tier-2
 * channel relays nothing; a channel that is not live refuses; where two
 * refusals apply at once the order of CHAN-26 and CHAN-32 decides; hello
 * lists the role's ops.  Mirrored on ModelChannelRelay; payment.prepare's
 * order is stated by hand (the channel's side has no model).
 */
#include "conformance/vec_channel.h"

#include "model/std/channel_relay.h"

#include <string.h>

#define T0 CONF_VECTORS_CLOCK

#define P1 CONF_VEC_P1
#define P2 CONF_VEC_P2
#define C1 CONF_VEC_C1
#define STRANGER "CH200999"   /* a tier-2 channel that is nobody's child here */

typedef struct {
  ConfVec *v;
  ConfVecWorld *w;
  ModelChannelRelay *relay;   /* the IUT's mirror */
  int tier;                   /* the group's configuration: */
  gint64 cache;               /* replay_cache, 0 for the default */
  gboolean lost;
  gint64 lost_at;             /* cache_lost_at */
} Fx;

/* The group's reset (emitted when emit) and a fresh mirror of the IUT. */
static void
fx_reset (Fx *fx, gboolean emit)
{
  ConfVecChanKey k, child;
  const char *id = fx->tier == 1 ? P1 : C1;
  ModelChannelParams params;
  model_channel_params_default (&params);
  if (fx->cache > 0)
    params.replay_cache_max = (guint) fx->cache;
  g_clear_pointer (&fx->relay, model_channel_relay_free);
  fx->relay = model_channel_relay_new (id, fx->tier, &params, NULL);
  conf_vec_chan_key (id, &k);
  conf_vec_chan_key (C1, &child);
  if (fx->tier == 1)
    model_channel_relay_add_child (fx->relay, C1, child.pk, NULL);
  if (fx->lost)
    model_channel_relay_forget_before (fx->relay, fx->lost_at);
  if (!emit)
    return;
  JsonNode *children = fx->tier == 1 ? conf_ja (conf_jo ("channel_id", conf_js (C1),
                                                         "public_key", conf_jh (child.pk, 32),
                                                         NULL), NULL)
                                     : NULL;
  JsonNode *extra = conf_jo (NULL, NULL);
  if (fx->cache > 0)
    json_object_set_int_member (json_node_get_object (extra), "replay_cache", fx->cache);
  if (fx->lost)
    json_object_set_int_member (json_node_get_object (extra), "cache_lost_at", fx->lost_at);
  conf_vec_reset_channel_with (fx->v, fx->w, id, fx->tier, fx->tier == 1 ? NULL : P1, k.seed,
                               children, extra);
}

/* A new group of the channel role with its configuration and setup. */
static void
group (Fx *fx, JsonNode *profile, int tier, gint64 cache, gboolean lost, gint64 lost_at)
{
  conf_vec_group (fx->v, "channel", profile);
  fx->tier = tier;
  fx->cache = cache;
  fx->lost = lost;
  fx->lost_at = lost_at;
  fx_reset (fx, TRUE);
}

#define TEST(name, reqs, comment, flags, result) \
  do { fx_reset (fx, FALSE); conf_vec_test (fx->v, name, reqs, comment, flags, result); } \
  while (0)

static void
sign_raw (Fx *fx, const char *op, const char *body, gint64 ts, const guint8 *nonce,
          gsize nonce_len, GBytes *expected, ModelStdCode want)
{
  JsonNode *expect;
  if (expected != NULL)
    {
      gsize len = 0;
      const guint8 *d = g_bytes_get_data (expected, &len);
      expect = conf_vec_ok (conf_jo ("wire", conf_jh (d, len), NULL));
    }
  else
    expect = conf_vec_err (want);
  conf_vec_step (fx->v, "request.sign",
                 conf_jo ("operation", conf_js (op), "body", conf_js (body),
                          "timestamp", conf_ji (ts), "nonce", conf_jh (nonce, nonce_len), NULL),
                 expect, NULL);
}

/* request.sign with the nonce of label; expected: the wire, or NULL for want. */
static void
sign_step (Fx *fx, const char *op, const char *body, gint64 ts, const char *nonce_label,
           GBytes *expected, ModelStdCode want)
{
  guint8 nonce[16];
  conf_vec_chan_nonce (nonce_label, nonce);
  sign_raw (fx, op, body, ts, nonce, sizeof nonce, expected, want);
}

/* request.relay of the bytes w at now, mirrored on the relay: on success
 * the expected wire is the request countersigned with P1's key. */
static void
relay_raw (Fx *fx, const guint8 *w, gsize len, const char *body, gint64 now, ModelStdCode want)
{
  GError *error = NULL;
  ModelChannelRequest req;
  gboolean ok = model_channel_request_decode_signed (w, len, &req, &error)
                && model_channel_relay_check (fx->relay, &req, (const guint8 *) body,
                                              strlen (body), now, &error);
  conf_vec_agree (fx->v, "request.relay", error, want);
  JsonNode *expect = NULL;
  if (ok)
    {
      ConfVecChanKey k;
      conf_vec_chan_key (P1, &k);
      model_channel_request_countersign (&req, k.sk, NULL);
      g_autoptr (GBytes) out = model_channel_request_encode (&req);
      gsize olen = 0;
      const guint8 *o = g_bytes_get_data (out, &olen);
      expect = conf_vec_ok (conf_jo ("wire", conf_jh (o, olen), NULL));
    }
  else
    expect = conf_vec_err (want);
  conf_vec_step (fx->v, "request.relay",
                 conf_jo ("wire", conf_jh (w, len), "body", conf_js (body), "now", conf_ji (now),
                          NULL),
                 expect, NULL);
}

static void
relay_step (Fx *fx, GBytes *child_wire, const char *body, gint64 now, ModelStdCode want)
{
  gsize len = 0;
  const guint8 *d = g_bytes_get_data (child_wire, &len);
  relay_raw (fx, d, len, body, now, want);
}

static void
set_own_status (Fx *fx, const char *to, ModelStdCode want)
{
  ModelChannelStatus s;
  if (model_channel_status_from_name (to, &s))
    model_channel_relay_set_status (fx->relay, s);
  conf_vec_step (fx->v, "channel.set_status", conf_jo ("status", conf_js (to), NULL),
                 want == MODEL_STD_OK ? conf_vec_ok (NULL) : conf_vec_err (want), NULL);
}

/* A child request of C1 through P1 at ts, not countersigned. */
static GBytes *
child_wire (const char *label, gint64 ts, const char *body)
{
  return conf_vec_chan_wire (C1, P1, ts, label, "qr.verify", body, C1, NULL);
}

static void
sign_tests (Fx *fx, const char *b)
{
  g_autoptr (GBytes) w1 = conf_vec_chan_wire (P1, NULL, T0, "s1", "data.request", b, P1, NULL);
  TEST ("channel/sign-exact", "CHAN-9 CHAN-10 CHAN-11 CHAN-16 CHAN-27 CRYPTO-1", "table 6.3 "
        "and the channel's Ed25519 signature, byte for byte", NULL, "valid");
  sign_step (fx, "data.request", b, T0, "s1", w1, MODEL_STD_OK);
  const char *utf8 = "{\"name\":\"\xe5\xbc\xa0\xe4\xb8\x89\",\"q\":\"a\\\"b\\\\c\"}";
  g_autoptr (GBytes) wu = conf_vec_chan_wire (P1, NULL, T0, "s2", "data.request", utf8, P1, NULL);
  TEST ("channel/sign-utf8-body", "CHAN-11 CHAN-27", "the body hash covers the body's UTF-8 "
        "bytes (Chinese characters, a quote, a backslash), not their JSON escapes", NULL,
        "valid");
  sign_step (fx, "data.request", utf8, T0, "s2", wu, MODEL_STD_OK);
  TEST ("channel/sign-bad-operation", "CHAN-9", "an operation name with an upper-case letter",
        "Malformed", "invalid");
  sign_step (fx, "Data.request", b, T0, "s1", NULL, MODEL_STD_MALFORMED);
  g_autofree char *long_op = g_strnfill (33, 'a');
  TEST ("channel/sign-operation-33", "CHAN-9", "a 33-byte operation name", "Malformed",
        "invalid");
  sign_step (fx, long_op, b, T0, "s1", NULL, MODEL_STD_MALFORMED);
  guint8 nonce[17];
  conf_vec_derive ("request nonce of a wrong length", nonce, sizeof nonce);
  TEST ("channel/sign-nonce-15-bytes", "CHAN-9 CHAN-32", "a nonce of 15 bytes (table 6.3: "
        "16)", "Malformed", "invalid");
  sign_raw (fx, "data.request", b, T0, nonce, 15, NULL, MODEL_STD_MALFORMED);
  TEST ("channel/sign-nonce-17-bytes", "CHAN-9 CHAN-32", "a nonce of 17 bytes (table 6.3: "
        "16)", "Malformed", "invalid");
  sign_raw (fx, "data.request", b, T0, nonce, 17, NULL, MODEL_STD_MALFORMED);
  TEST ("channel/sign-order-malformed-before-status", "CHAN-32 CHAN-9", "a suspended channel "
        "asked to sign an upper-case operation name: the parameter is checked first",
        "Malformed Suspended Order", "invalid");
  set_own_status (fx, "suspended", MODEL_STD_OK);
  sign_step (fx, "Data.request", b, T0, "s1", NULL, MODEL_STD_MALFORMED);
  TEST ("channel/sign-order-nonce-before-status", "CHAN-32 CHAN-9", "a suspended channel "
        "given a 15-byte nonce", "Malformed Suspended Order", "invalid");
  set_own_status (fx, "suspended", MODEL_STD_OK);
  sign_raw (fx, "data.request", b, T0, nonce, 15, NULL, MODEL_STD_MALFORMED);
  TEST ("channel/set-status-unknown", "CHAN-5", "a status name outside table 6.2",
        "Malformed", "invalid");
  set_own_status (fx, "paused", MODEL_STD_MALFORMED);
  sign_step (fx, "data.request", b, T0, "s1", w1, MODEL_STD_OK);
}

/* The relay's own clock window (CHAN-12) and nonce cache (CHAN-13) at now T0. */
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
      TEST (name, replay ? "CHAN-13 CHAN-26" : "CHAN-12 CHAN-26", cases[i].comment,
            replay ? "Replay" : "Clock",
            cases[i].want[cases[i].n - 1] == MODEL_STD_OK ? "valid" : "invalid");
      for (int k = 0; k < cases[i].n; k++)
        {
          g_autofree char *label = g_strdup_printf ("relay %s %d", cases[i].name, replay ? 0 : k);
          g_autoptr (GBytes) child = child_wire (label, cases[i].ts[k], b);
          relay_step (fx, child, b, T0, cases[i].want[k]);
        }
    }
}

static void
relay_tests (Fx *fx, const char *b)
{
  g_autoptr (GBytes) child = child_wire ("c1", T0, b);
  TEST ("channel/relay-exact", "CHAN-7 CHAN-10 CHAN-16 CHAN-26 CHAN-27", "the parent's "
        "countersignature over the child's request (CHAN-27's wire), byte for byte", NULL,
        "valid");
  relay_step (fx, child, b, T0, MODEL_STD_OK);
  g_autoptr (GBytes) child_bad = conf_vec_chan_wire (C1, P1, T0, "c1", "qr.verify", b, P2, NULL);
  TEST ("channel/relay-bad-child-signature", "CHAN-10 CHAN-26", "the child's signature does "
        "not verify under its key", "BadSignature", "invalid");
  relay_step (fx, child_bad, b, T0, MODEL_STD_BAD_SIGNATURE);
  TEST ("channel/relay-body-altered", "CHAN-11 CHAN-26", "the body differs from the hashed "
        "one", "BadSignature", "invalid");
  relay_step (fx, child, "{}", T0, MODEL_STD_BAD_SIGNATURE);
  g_autoptr (GBytes) other = conf_vec_chan_wire (C1, P2, T0, "c1", "qr.verify", b, C1, NULL);
  TEST ("channel/relay-names-other-parent", "CHAN-7 CHAN-26", "the child's request names "
        "another relay", "Tier", "invalid");
  relay_step (fx, other, b, T0, MODEL_STD_CHANNEL_TIER);
  g_autoptr (GBytes) direct = conf_vec_chan_wire (C1, NULL, T0, "c1", "qr.verify", b, C1, NULL);
  TEST ("channel/relay-names-no-relay", "CHAN-7 CHAN-26", "a request with no relay id cannot "
        "be relayed", "Tier", "invalid");
  relay_step (fx, direct, b, T0, MODEL_STD_CHANNEL_TIER);
  g_autoptr (GBytes) stranger = conf_vec_chan_wire (STRANGER, P1, T0, "c1", "qr.verify", b,
                                                    STRANGER, NULL);
  TEST ("channel/relay-not-a-child", "CHAN-7 CHAN-26", "a channel that is not among its "
        "children (reset's children): channel_tier", "Tier", "invalid");
  relay_step (fx, stranger, b, T0, MODEL_STD_CHANNEL_TIER);

  /* CHAN-27: exactly table 6.3 and the child's signature */
  g_autoptr (GBytes) full = conf_vec_chan_wire (C1, P1, T0, "c1", "qr.verify", b, C1, P1);
  TEST ("channel/relay-countersigned-wire", "CHAN-27", "a wire that already ends in a "
        "countersignature: 64 trailing bytes", "Malformed", "invalid");
  relay_step (fx, full, b, T0, MODEL_STD_MALFORMED);
  gsize len = 0;
  const guint8 *d = g_bytes_get_data (child, &len);
  g_autofree guint8 *longer = g_malloc0 (len + 1);
  memcpy (longer, d, len);
  TEST ("channel/relay-trailing-byte", "CHAN-27", "a byte after the child's signature",
        "Malformed", "invalid");
  relay_raw (fx, longer, len + 1, b, T0, MODEL_STD_MALFORMED);
  TEST ("channel/relay-truncated", "CHAN-27", "the child's signature cut by one byte",
        "Malformed", "invalid");
  relay_raw (fx, d, len - 1, b, T0, MODEL_STD_MALFORMED);
  g_autofree guint8 *magic = g_memdup2 (d, len);
  magic[3] = '2';
  TEST ("channel/relay-wire-magic", "CHAN-27 CHAN-16", "magic ESR2", "Malformed", "invalid");
  relay_raw (fx, magic, len, b, T0, MODEL_STD_MALFORMED);

  relay_clock_tests (fx, b);

  /* CHAN-26's order, two refusals at once */
  TEST ("channel/relay-order-malformed-before-status", "CHAN-26 CHAN-27", "a suspended parent "
        "given a truncated wire", "Malformed Suspended Order", "invalid");
  set_own_status (fx, "suspended", MODEL_STD_OK);
  relay_raw (fx, d, len - 1, b, T0, MODEL_STD_MALFORMED);
  TEST ("channel/relay-order-status-before-tier", "CHAN-26 CHAN-6", "a suspended parent given "
        "a request naming another relay", "Suspended Tier Order", "invalid");
  set_own_status (fx, "suspended", MODEL_STD_OK);
  relay_step (fx, other, b, T0, MODEL_STD_CHANNEL_NOT_LIVE);
  g_autoptr (GBytes) stranger_bad = conf_vec_chan_wire (STRANGER, P1, T0, "c1", "qr.verify", b,
                                                        P2, NULL);
  TEST ("channel/relay-order-tier-before-signature", "CHAN-26 CHAN-7", "not a child, and "
        "signed with another key: the child is checked first", "Tier BadSignature Order",
        "invalid");
  relay_step (fx, stranger_bad, "{}", T0, MODEL_STD_CHANNEL_TIER);
  g_autoptr (GBytes) old = child_wire ("old", T0 - 1000, b);
  TEST ("channel/relay-order-hash-before-window", "CHAN-26 CHAN-11", "an expired request "
        "with an altered body: the body hash is checked first", "BadSignature Clock Order",
        "invalid");
  relay_step (fx, old, "{}", T0, MODEL_STD_BAD_SIGNATURE);
  g_autoptr (GBytes) future_bad = conf_vec_chan_wire (C1, P1, T0 + 1000, "future", "qr.verify",
                                                      b, P2, NULL);
  TEST ("channel/relay-order-signature-before-window", "CHAN-26 CHAN-10", "a request 1000 s "
        "ahead signed with another key: the signature is checked first",
        "BadSignature Clock Order", "invalid");
  relay_step (fx, future_bad, b, T0, MODEL_STD_BAD_SIGNATURE);
  TEST ("channel/relay-order-window-before-replay", "CHAN-26 CHAN-12 CHAN-13", "relayed at "
        "T0, then the same request at T0 + 301: expired, not replayed", "Clock Replay Order",
        "invalid");
  relay_step (fx, child, b, T0, MODEL_STD_OK);
  relay_step (fx, child, b, T0 + 301, MODEL_STD_EXPIRED);
  TEST ("channel/relay-refused-keeps-nonce", "CHAN-26 CHAN-13", "a request refused (body "
        "altered) is not countersigned and its nonce stays unused", NULL, "valid");
  relay_step (fx, child, "{}", T0, MODEL_STD_BAD_SIGNATURE);
  relay_step (fx, child, b, T0, MODEL_STD_OK);

  static const char *const not_live[] = { "suspended", "rectification", "terminated" };
  for (gsize i = 0; i < G_N_ELEMENTS (not_live); i++)
    {
      g_autofree char *name = g_strdup_printf ("channel/%s-refuses-sign", not_live[i]);
      TEST (name, "CHAN-6 CHAN-32", "a channel that is not live signs nothing", "Suspended",
            "invalid");
      set_own_status (fx, not_live[i], MODEL_STD_OK);
      sign_step (fx, "data.request", b, T0, "s1", NULL, MODEL_STD_CHANNEL_NOT_LIVE);
      g_autofree char *name2 = g_strdup_printf ("channel/%s-refuses-relay", not_live[i]);
      TEST (name2, "CHAN-6 CHAN-8 CHAN-26", "a parent that is not live relays nothing",
            "Suspended", "invalid");
      set_own_status (fx, not_live[i], MODEL_STD_OK);
      relay_step (fx, child, b, T0, MODEL_STD_CHANNEL_NOT_LIVE);
    }
}

/* A data.request question about SSN1 with scopes. */
static JsonNode *
question (const char *scopes)
{
  return conf_jo ("ssn", conf_js (CONF_VEC_SSN1), "department_id", conf_js ("MIB-110000"),
                  "scopes", conf_js (scopes), "now", conf_ji (T0), NULL);
}

/* data.request: a malformed question before the status, the status before
 * the decision (CHAN-32). */
static void
data_order_tests (Fx *fx)
{
  TEST ("channel/data-request-order-malformed-before-status", "CHAN-32 CONSENT-11", "a "
        "suspended channel asked with scopes out of bit order", "Malformed Suspended Order",
        "invalid");
  set_own_status (fx, "suspended", MODEL_STD_OK);
  conf_vec_step (fx->v, "data.request", question ("card_status,identity"),
                 conf_vec_err (MODEL_STD_MALFORMED), NULL);
  TEST ("channel/data-request-order-status-before-consent", "CHAN-32 CHAN-6", "a suspended "
        "channel with no consent at all: not live first", "Suspended Order", "invalid");
  set_own_status (fx, "suspended", MODEL_STD_OK);
  conf_vec_step (fx->v, "data.request", question ("card_status"),
                 conf_vec_err (MODEL_STD_CHANNEL_NOT_LIVE), NULL);
}

/* CHAN-14, CHAN-25 on the relay: replay_cache 2 and a cache lost at T0 - 100. */
static void
relay_floor_tests (Fx *fx, const char *b)
{
  static const gint64 at[3] = { T0 - 10, T0 - 5, T0 };
  static const char *const label[3] = { "floor a", "floor b", "floor c" };
  TEST ("channel/relay-cache-bound-replay", "CHAN-14 CHAN-26", "with replay_cache 2, three "
        "requests in the window, then the first again: whether remembered or below the floor "
        "raised when it was forgotten, it is a replay", "Replay", "invalid");
  for (int i = 0; i < 3; i++)
    {
      g_autoptr (GBytes) w = child_wire (label[i], at[i], b);
      relay_step (fx, w, b, T0, MODEL_STD_OK);
    }
  g_autoptr (GBytes) again = child_wire (label[0], at[0], b);
  relay_step (fx, again, b, T0, MODEL_STD_REPLAYED);
  TEST ("channel/relay-cache-floor", "CHAN-14 CHAN-26", "with replay_cache 2, three requests; "
        "the oldest (T0 - 10) is forgotten and the floor raised to it: a new nonce at T0 - 10 "
        "is refused, one at T0 - 9 accepted", "Replay", "invalid");
  for (int i = 0; i < 3; i++)
    {
      g_autoptr (GBytes) w = child_wire (label[i], at[i], b);
      relay_step (fx, w, b, T0, MODEL_STD_OK);
    }
  g_autoptr (GBytes) at_floor = child_wire ("floor d", T0 - 10, b);
  relay_step (fx, at_floor, b, T0, MODEL_STD_REPLAYED);
  g_autoptr (GBytes) above = child_wire ("floor e", T0 - 9, b);
  relay_step (fx, above, b, T0, MODEL_STD_OK);
  TEST ("channel/relay-cache-lost", "CHAN-25 CHAN-26", "the cache was lost at T0 - 100 "
        "(cache_lost_at): a request of that second is refused, one of the next accepted",
        "Replay", "invalid");
  g_autoptr (GBytes) lost = child_wire ("lost a", T0 - 100, b);
  relay_step (fx, lost, b, T0, MODEL_STD_REPLAYED);
  g_autoptr (GBytes) after = child_wire ("lost b", T0 - 99, b);
  relay_step (fx, after, b, T0, MODEL_STD_OK);
}

/* payment.prepare's order (CHAN-32): parameters, status, level (PAY-8), PIN (PAY-9). */
static void
prepare_step (Fx *fx, const char *currency, int level, gboolean pin, ModelStdCode want)
{
  guint8 ecard[16];
  conf_vec_derive ("channel order vectors e-card", ecard, sizeof ecard);
  conf_vec_step (fx->v, "payment.prepare",
                 conf_jo ("order_ref", conf_js ("cart-order"), "ecard_id", conf_jh (ecard, 16),
                          "city", conf_ji (CONF_VEC_CITY1), "payee", conf_js ("M-PHARMACY-01"),
                          "amount_fen", conf_ji (1250), "currency", conf_js (currency),
                          "level", conf_ji (level), "pin_verified", conf_jb (pin), NULL),
                 conf_vec_err (want), NULL);
}

static void
payment_order_tests (Fx *fx)
{
  TEST ("channel/hello-ops-payment", "ERR-1", "a channel that offers payment lists "
        "payment.prepare too", "Hello", "valid");
  conf_vec_chan_hello (fx->v, "channel", "hello_ops_payment");
  TEST ("channel/prepare-order-malformed-before-status", "CHAN-32 PAY-5", "a suspended "
        "channel asked to prepare an order in USD", "Malformed Suspended Order", "invalid");
  set_own_status (fx, "suspended", MODEL_STD_OK);
  prepare_step (fx, "USD", 2, TRUE, MODEL_STD_MALFORMED);
  TEST ("channel/prepare-order-status-before-level", "CHAN-32 CHAN-6", "a suspended channel "
        "asked for a level-1 e-card", "Suspended Order", "invalid");
  set_own_status (fx, "suspended", MODEL_STD_OK);
  prepare_step (fx, "CNY", 1, FALSE, MODEL_STD_CHANNEL_NOT_LIVE);
  TEST ("channel/prepare-order-level-before-pin", "CHAN-32 PAY-8 PAY-9", "a level-1 e-card "
        "without a verified PIN: the level first", "Order", "invalid");
  prepare_step (fx, "CNY", 1, FALSE, MODEL_STD_LEVEL_REQUIRED);
}

void
conf_vec_channel_role_tests (ConfVec *v, ConfVecWorld *w)
{
  const char *b = "{\"query\":\"card_status\"}";
  Fx fx_ = { .v = v, .w = w }, *fx = &fx_;

  group (fx, NULL, 1, 0, FALSE, 0);
  TEST ("channel/hello-ops", "ERR-1", "hello, asked again, lists every op of docs/ADAPTER.md "
        "4.1 and 4.3 but payment.prepare", "Hello", "valid");
  conf_vec_chan_hello (v, "channel", "hello_ops");
  sign_tests (fx, b);
  relay_tests (fx, b);
  data_order_tests (fx);

  group (fx, NULL, 1, 2, TRUE, T0 - 100);
  relay_floor_tests (fx, b);

  group (fx, conf_jo ("tier", conf_ji (2), NULL), 2, 0, FALSE, 0);
  g_autoptr (GBytes) c2 = conf_vec_chan_wire (C1, P1, T0, "t2", "qr.verify", b, C1, NULL);
  TEST ("channel/tier2-sign-exact", "CHAN-7 CHAN-9 CHAN-10 CHAN-16 CHAN-27", "a tier-2 "
        "channel names its parent as relay and signs (the parent countersigns later)",
        NULL, "valid");
  sign_step (fx, "qr.verify", b, T0, "t2", c2, MODEL_STD_OK);
  TEST ("channel/tier2-suspended", "CHAN-6", "a suspended tier-2 channel", "Suspended",
        "invalid");
  set_own_status (fx, "suspended", MODEL_STD_OK);
  sign_step (fx, "qr.verify", b, T0, "t2", NULL, MODEL_STD_CHANNEL_NOT_LIVE);
  g_autoptr (GBytes) grandchild = conf_vec_chan_wire ("CH200002", C1, T0, "t2", "qr.verify", b,
                                                      "CH200002", NULL);
  TEST ("channel/tier2-refuses-relay", "CHAN-26 CHAN-4", "a tier-2 channel asked to relay a "
        "request naming it as relay: only tier 1 relays", "Tier", "invalid");
  relay_step (fx, grandchild, b, T0, MODEL_STD_CHANNEL_TIER);

  group (fx, conf_jo ("payment", conf_jb (TRUE), NULL), 1, 0, FALSE, 0);
  payment_order_tests (fx);
  model_channel_relay_free (fx->relay);
}
