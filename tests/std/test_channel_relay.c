/* SPDX-License-Identifier: MIT */
/*
 * Tests of the relaying parent (model/std/channel_relay.h, ESSC-STD CHAN-26)
 * and of the replay cache it shares with the registry
 * (model/std/channel_replay.h): the wire a channel sends before any
 * countersignature (CHAN-27), every check of the relay and their order
 * where two fail at once, a tier-2 channel that relays nothing, the
 * per-child nonce cache with its bound and floor (CHAN-13, CHAN-14) and a
 * cache lost in a restart (CHAN-25).
 */
#include "model/std/channel_relay.h"
#include "model/std/channel_replay.h"
#include "tests/lib/testutil.h"
#include "tests/lib/channel_fixture.h"

#include <sodium.h>
#include <string.h>

#define PARENT "CH100001"
#define CHILD "CH200001"

/* A relay of PARENT (seed 1) with CHILD (seed 3); cache: nonces per child. */
static ModelChannelRelay *
relay_new (guint cache)
{
  ModelChannelParams q;
  FxChanKeys child;
  model_channel_params_default (&q);
  if (cache > 0)
    q.replay_cache_max = cache;
  g_autoptr (GError) error = NULL;
  ModelChannelRelay *r = model_channel_relay_new (PARENT, 1, &q, &error);
  g_assert_no_error (error);
  fx_chan_keys_for (3, &child);
  g_assert_true (model_channel_relay_add_child (r, CHILD, child.pk, &error));
  g_assert_no_error (error);
  return r;
}

/* CHILD's request through PARENT at ts with nonce byte n (signed by seed). */
static void
child_request (ModelChannelRequest *req, gint64 ts, guint8 n, guint8 seed)
{
  fx_chan_make_request (req, CHILD, PARENT, ts, n, "abc", seed, 0);
}

static ModelStdCode
check (ModelChannelRelay *r, const ModelChannelRequest *req, const char *body, gint64 now)
{
  g_autoptr (GError) error = NULL;
  if (model_channel_relay_check (r, req, (const guint8 *) body, strlen (body), now, &error))
    return MODEL_STD_OK;
  g_assert_true (error->domain == MODEL_CHANNEL_ERROR);
  return (ModelStdCode) error->code;
}

/* CHAN-27: the signed wire, decoded strictly, without a countersignature. */
static void
test_wire (void)
{
  ModelChannelRequest req, back;
  FxChanKeys parent;
  child_request (&req, NOW, 1, 3);
  g_autoptr (GBytes) w = model_channel_request_encode_signed (&req);
  gsize len = g_bytes_get_size (w);
  const guint8 *d = g_bytes_get_data (w, NULL);
  g_assert_cmpuint (len, ==, 71 + 8 + strlen ("card.query") + 64);
  g_autoptr (GError) error = NULL;
  g_assert_true (model_channel_request_decode_signed (d, len, &back, &error));
  g_assert_no_error (error);
  g_assert_cmpmem (back.signature, 64, req.signature, 64);
  g_assert_cmpstr (back.relay_id, ==, PARENT);
  /* the complete decoder wants the countersignature of a relayed request */
  g_assert_false (model_channel_request_decode (d, len, &back, &error));
  g_assert_error (error, MODEL_CHANNEL_ERROR, MODEL_STD_MALFORMED);
  g_clear_error (&error);
  /* a countersigned wire is the signed one plus 64 bytes: trailing for CHAN-27 */
  fx_chan_keys_for (1, &parent);
  g_assert_true (model_channel_request_countersign (&req, parent.sk, NULL));
  g_autoptr (GBytes) full = model_channel_request_encode (&req);
  g_assert_cmpuint (g_bytes_get_size (full), ==, len + 64);
  g_assert_cmpmem (g_bytes_get_data (full, NULL), len, d, len);
  g_assert_false (model_channel_request_decode_signed (g_bytes_get_data (full, NULL), len + 64,
                                                       &back, &error));
  g_assert_error (error, MODEL_CHANNEL_ERROR, MODEL_STD_MALFORMED);
  g_assert_nonnull (strstr (error->message, "trailing"));
  g_clear_error (&error);
  for (gsize cut = 0; cut < len; cut++)
    g_assert_false (model_channel_request_decode_signed (d, cut, &back, NULL));
  /* for tier 1 the signed wire is the complete one */
  fx_chan_make_request (&req, PARENT, NULL, NOW, 2, "abc", 1, 0);
  g_autoptr (GBytes) s1 = model_channel_request_encode_signed (&req);
  g_autoptr (GBytes) c1 = model_channel_request_encode (&req);
  g_assert_true (g_bytes_equal (s1, c1));
}

/* CHAN-26: each check, then their order two at a time. */
static void
test_checks (void)
{
  g_autoptr (ModelChannelRelay) r = relay_new (0);
  ModelChannelRequest req;
  child_request (&req, NOW, 1, 3);
  g_assert_cmpint (check (r, &req, "abc", NOW), ==, MODEL_STD_OK);
  g_assert_cmpint (check (r, &req, "abc", NOW), ==, MODEL_STD_REPLAYED);

  /* status: every status but live relays nothing, before anything else */
  for (int s = 0; s < MODEL_CHANNEL_N_STATUSES; s++)
    {
      g_autoptr (ModelChannelRelay) q = relay_new (0);
      model_channel_relay_set_status (q, (ModelChannelStatus) s);
      ModelChannelRequest bad;
      fx_chan_make_request (&bad, "CH200999", "CH100002", NOW - 1000, 2, "abc", 4, 0);
      g_assert_cmpint (check (q, &bad, "x", NOW), ==,
                       s == MODEL_CHANNEL_LIVE ? MODEL_STD_CHANNEL_TIER
                                               : MODEL_STD_CHANNEL_NOT_LIVE);
    }
  /* tier: relay id empty or another, a stranger; before the signature */
  ModelChannelRequest other, direct, stranger;
  fx_chan_make_request (&other, CHILD, "CH100002", NOW, 3, "abc", 3, 0);
  fx_chan_make_request (&direct, CHILD, NULL, NOW, 4, "abc", 3, 0);
  fx_chan_make_request (&stranger, "CH200999", PARENT, NOW, 5, "abc", 9, 0);
  g_assert_cmpint (check (r, &other, "abc", NOW), ==, MODEL_STD_CHANNEL_TIER);
  g_assert_cmpint (check (r, &direct, "abc", NOW), ==, MODEL_STD_CHANNEL_TIER);
  g_assert_cmpint (check (r, &stranger, "abd", NOW), ==, MODEL_STD_CHANNEL_TIER);
  /* body hash before signature before window before nonce */
  ModelChannelRequest forged, old;
  child_request (&forged, NOW + 1000, 6, 4);
  child_request (&old, NOW - 1000, 7, 3);
  g_assert_cmpint (check (r, &forged, "abd", NOW), ==, MODEL_STD_BAD_SIGNATURE);
  g_assert_cmpint (check (r, &forged, "abc", NOW), ==, MODEL_STD_BAD_SIGNATURE);
  g_assert_cmpint (check (r, &old, "abd", NOW), ==, MODEL_STD_BAD_SIGNATURE);
  g_assert_cmpint (check (r, &old, "abc", NOW), ==, MODEL_STD_EXPIRED);
  /* the window before the nonce: req was accepted, 301 s later it is expired */
  g_assert_cmpint (check (r, &req, "abc", NOW + 301), ==, MODEL_STD_EXPIRED);
  /* a refusal remembers nothing */
  ModelChannelRequest fresh;
  child_request (&fresh, NOW, 8, 3);
  g_assert_cmpint (check (r, &fresh, "abd", NOW), ==, MODEL_STD_BAD_SIGNATURE);
  g_assert_cmpint (check (r, &fresh, "abc", NOW), ==, MODEL_STD_OK);
  /* a window edge and no overflow */
  ModelChannelRequest edge, far;
  child_request (&edge, NOW + 300, 9, 3);
  child_request (&far, G_MAXINT64, 10, 3);
  g_assert_cmpint (check (r, &edge, "abc", NOW), ==, MODEL_STD_OK);
  g_assert_cmpint (check (r, &far, "abc", NOW), ==, MODEL_STD_NOT_YET_VALID);
  FxChanKeys child;
  fx_chan_keys_for (3, &child);
  g_assert_cmpmem (model_channel_relay_child_key (r, CHILD), 32, child.pk, 32);
  g_assert_null (model_channel_relay_child_key (r, "CH200999"));
}

/* CHAN-26: a tier-2 channel relays nothing; children are validated. */
static void
test_tier2_and_children (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ModelChannelRelay) t2 = model_channel_relay_new (CHILD, 2, NULL, &error);
  g_assert_no_error (error);
  ModelChannelRequest req;
  fx_chan_make_request (&req, "CH200002", CHILD, NOW, 1, "abc", 5, 0);
  g_assert_cmpint (check (t2, &req, "abc", NOW), ==, MODEL_STD_CHANNEL_TIER);
  g_assert_null (model_channel_relay_new ("ch100001", 1, NULL, &error));
  g_assert_error (error, MODEL_CHANNEL_ERROR, MODEL_STD_MALFORMED);
  g_clear_error (&error);
  g_assert_null (model_channel_relay_new (PARENT, 3, NULL, &error));
  g_assert_error (error, MODEL_CHANNEL_ERROR, MODEL_STD_MALFORMED);
  g_clear_error (&error);
  g_autoptr (ModelChannelRelay) r = relay_new (0);
  FxChanKeys k;
  fx_chan_keys_for (3, &k);
  g_assert_false (model_channel_relay_add_child (r, CHILD, k.pk, &error));
  g_assert_error (error, MODEL_CHANNEL_ERROR, MODEL_STD_CONFLICT);
  g_clear_error (&error);
  static const guint8 small[32] = { 1 };
  g_assert_false (model_channel_relay_add_child (r, "CH200002", small, &error));
  g_assert_error (error, MODEL_CHANNEL_ERROR, MODEL_STD_MALFORMED);
}

/* CHAN-14 on the relay: a bound of 2, the oldest forgotten, the floor raised. */
static void
test_bound_and_floor (void)
{
  g_autoptr (ModelChannelRelay) r = relay_new (2);
  ModelChannelRequest a, b, c, d, e;
  child_request (&a, NOW - 10, 1, 3);
  child_request (&b, NOW - 5, 2, 3);
  child_request (&c, NOW, 3, 3);
  child_request (&d, NOW - 10, 4, 3);
  child_request (&e, NOW - 9, 5, 3);
  g_assert_cmpint (check (r, &a, "abc", NOW), ==, MODEL_STD_OK);
  g_assert_cmpint (check (r, &b, "abc", NOW), ==, MODEL_STD_OK);
  g_assert_cmpint (check (r, &c, "abc", NOW), ==, MODEL_STD_OK);
  g_assert_cmpint (check (r, &a, "abc", NOW), ==, MODEL_STD_REPLAYED);
  g_assert_cmpint (check (r, &d, "abc", NOW), ==, MODEL_STD_REPLAYED);
  g_assert_cmpint (check (r, &e, "abc", NOW), ==, MODEL_STD_OK);
  g_assert_cmpint (check (r, &b, "abc", NOW), ==, MODEL_STD_REPLAYED);
}

/* CHAN-25 on the relay: a cache lost at T refuses every timestamp <= T. */
static void
test_lost_cache (void)
{
  g_autoptr (ModelChannelRelay) r = relay_new (0);
  ModelChannelRequest at, after;
  child_request (&at, NOW - 100, 1, 3);
  child_request (&after, NOW - 99, 2, 3);
  model_channel_relay_forget_before (r, NOW - 100);
  model_channel_relay_forget_before (r, NOW - 200);   /* never lowered */
  g_assert_cmpint (check (r, &at, "abc", NOW), ==, MODEL_STD_REPLAYED);
  g_assert_cmpint (check (r, &after, "abc", NOW), ==, MODEL_STD_OK);
  /* a child added after the loss is covered too */
  FxChanKeys k;
  fx_chan_keys_for (5, &k);
  g_assert_true (model_channel_relay_add_child (r, "CH200002", k.pk, NULL));
  ModelChannelRequest late;
  fx_chan_make_request (&late, "CH200002", PARENT, NOW - 150, 3, "abc", 5, 0);
  g_assert_cmpint (check (r, &late, "abc", NOW), ==, MODEL_STD_REPLAYED);
}

/* CHAN-13, CHAN-14: the cache itself. */
static void
test_replay_cache (void)
{
  g_autoptr (ModelChannelReplay) c = model_channel_replay_new (300, 2);
  guint8 n[3][16];
  gint64 floor = 0;
  for (int i = 0; i < 3; i++)
    memset (n[i], i + 1, 16);
  g_assert_false (model_channel_replay_floor (c, &floor));
  g_assert_true (model_channel_replay_check (c, "CH1", NOW, n[0], NOW, NULL));
  model_channel_replay_remember (c, NOW, n[0]);
  model_channel_replay_remember (c, NOW, n[0]);   /* once */
  g_assert_cmpuint (model_channel_replay_size (c), ==, 1);
  g_autoptr (GError) error = NULL;
  g_assert_false (model_channel_replay_check (c, "CH1", NOW, n[0], NOW, &error));
  g_assert_error (error, MODEL_CHANNEL_ERROR, MODEL_STD_REPLAYED);
  model_channel_replay_remember (c, NOW - 7, n[1]);
  model_channel_replay_remember (c, NOW + 5, n[2]);
  g_assert_cmpuint (model_channel_replay_size (c), ==, 2);
  g_assert_true (model_channel_replay_floor (c, &floor));
  g_assert_cmpint (floor, ==, NOW - 7);
  model_channel_replay_raise_floor (c, NOW - 100);
  g_assert_true (model_channel_replay_floor (c, &floor));
  g_assert_cmpint (floor, ==, NOW - 7);
  /* nonces before the window are dropped when asked */
  g_assert_true (model_channel_replay_check (c, "CH1", NOW + 1000, n[1], NOW + 1000, NULL));
  g_assert_cmpuint (model_channel_replay_size (c), ==, 0);
}

int
main (int argc, char **argv)
{
  essc_test_init (&argc, &argv);
  g_test_add_func ("/channel/relay/wire-before-countersignature", test_wire);
  g_test_add_func ("/channel/relay/checks-in-order", test_checks);
  g_test_add_func ("/channel/relay/tier2-and-children", test_tier2_and_children);
  g_test_add_func ("/channel/relay/cache-bound-and-floor", test_bound_and_floor);
  g_test_add_func ("/channel/relay/cache-lost", test_lost_cache);
  g_test_add_func ("/channel/replay/cache", test_replay_cache);
  return g_test_run ();
}
