/* SPDX-License-Identifier: MIT */
/*
 * Tests of the signed channel request (ESSC-STD section "Channels"): its
 * exact signing bytes and wire form, field checks on hand-built requests,
 * strict decoding of hostile input (model/std/channel_request.c), and how the
 * registry verifies it (model/std/channel.c): every flipped bit refused, replay,
 * the clock window and the bounded replay cache.  The registry's records,
 * state machine, tiers and risk score are tested in tests/std/test_channel.c.
 * Comments name the requirement each test checks.
 */
#include "model/std/channel.h"
#include "tests/lib/testutil.h"
#include "tests/lib/channel_fixture.h"

#include <sodium.h>
#include <string.h>



static ModelChannelParams
quiet_params (void)
{
  ModelChannelParams p;
  model_channel_params_default (&p);
  for (int i = 0; i < MODEL_CHANNEL_N_RISKS; i++)
    p.weight[i] = 0;
  return p;
}




/* CHAN-3, CHAN-5 */
/* CHAN-9, CHAN-16: the signing bytes and wire form, byte by byte. */
static void
test_signing_bytes (void)
{
  ModelChannelRequest req;
  guint8 nonce[16];
  for (int i = 0; i < 16; i++)
    nonce[i] = (guint8) i;
  g_assert_true (model_channel_request_init (&req, "CH200001", "CH100001",
                                             (gint64) 0x0102030405060708, nonce, "qr.verify",
                                             (const guint8 *) "abc", 3, NULL));
  guint8 h[32];
  crypto_generichash (h, 32, (const guint8 *) "abc", 3, NULL, 0);
  g_autoptr (GByteArray) want = g_byte_array_new ();
  g_byte_array_append (want, (const guint8 *) "ESR1\x08" "CH200001" "\x08" "CH100001", 22);
  g_byte_array_append (want, (const guint8 *) "\x01\x02\x03\x04\x05\x06\x07\x08", 8);
  g_byte_array_append (want, nonce, 16);
  g_byte_array_append (want, (const guint8 *) "\x09qr.verify", 10);
  g_byte_array_append (want, h, 32);
  g_autoptr (GBytes) got = model_channel_request_signing_bytes (&req);
  gsize n;
  const guint8 *p = g_bytes_get_data (got, &n);
  g_assert_cmpmem (p, n, want->data, want->len);
  g_assert_cmpuint (n, ==, 88);

  FxChanKeys child, parent;
  fx_chan_keys_for (3, &child);
  fx_chan_keys_for (1, &parent);
  g_assert_true (model_channel_request_sign (&req, child.sk, NULL));
  g_assert_true (model_channel_request_countersign (&req, parent.sk, NULL));
  g_assert_cmpint (crypto_sign_verify_detached (req.signature, want->data, want->len, child.pk),
                   ==, 0);
  g_byte_array_append (want, req.signature, 64);
  g_assert_cmpint (crypto_sign_verify_detached (req.relay_signature, want->data, want->len,
                                                parent.pk), ==, 0);
  g_byte_array_append (want, req.relay_signature, 64);
  g_autoptr (GBytes) wire = model_channel_request_encode (&req);
  p = g_bytes_get_data (wire, &n);
  g_assert_cmpmem (p, n, want->data, want->len);
  ModelChannelRequest back;
  g_assert_true (model_channel_request_decode (p, n, &back, NULL));
  g_assert_cmpmem (&back, sizeof back, &req, sizeof req);

  /* Negative timestamps are two's complement. */
  g_assert_true (model_channel_request_init (&req, "CH100001", "", -2, nonce, "a", NULL, 0, NULL));
  g_autoptr (GBytes) neg = model_channel_request_signing_bytes (&req);
  p = g_bytes_get_data (neg, &n);
  g_assert_cmpuint (n, ==, 4 + 9 + 1 + 8 + 16 + 2 + 32);
  g_assert_cmpmem (p + 14, 8, "\xff\xff\xff\xff\xff\xff\xff\xfe", 8);

  /* Bad fields at init. */
  g_autoptr (GError) error = NULL;
  g_assert_false (model_channel_request_init (&req, "CH100001", NULL, 0, nonce, "Card", NULL, 0,
                                              &error));
  g_assert_error (error, MODEL_CHANNEL_ERROR, MODEL_STD_MALFORMED);
  g_assert_nonnull (strstr (error->message, "operation"));
  g_clear_error (&error);
  g_assert_false (model_channel_request_init (&req, "CH100001", NULL, 0, nonce,
                                              "a23456789012345678901234567890123", NULL, 0,
                                              &error));
  g_assert_error (error, MODEL_CHANNEL_ERROR, MODEL_STD_MALFORMED);
  g_clear_error (&error);
  g_assert_false (model_channel_request_init (&req, "CH100001", "CH1", 0, nonce, "a", NULL, 0,
                                              &error));
  g_assert_error (error, MODEL_CHANNEL_ERROR, MODEL_STD_MALFORMED);
  g_assert_nonnull (strstr (error->message, "relay_id"));
}

/* CHAN-1, CHAN-9: a request built by hand is checked before it is signed,
 * encoded or verified. */
static void
test_check (void)
{
  ModelChannelRequest good, req;
  FxChanKeys k;
  fx_chan_keys_for (1, &k);
  g_autoptr (GError) error = NULL;
  g_assert_true (model_channel_request_init (&good, "CH100001", "", NOW, NULL, "card.query",
                                             NULL, 0, &error));
  g_assert_no_error (error);
  g_assert_true (model_channel_request_check (&good, &error));
  g_assert_no_error (error);
  static const struct { const char *channel_id, *relay_id, *operation, *field; } cases[] = {
    { "ch100001", "", "card.query", "channel_id" },
    { "CH10000", "", "card.query", "channel_id" },
    { "CH100001", "CH20000x", "card.query", "relay_id" },
    { "CH100001", "", "", "operation" },
    { "CH100001", "", "Card.query", "operation" },
    { "CH100001", "", "card query", "operation" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      req = good;
      g_strlcpy (req.channel_id, cases[i].channel_id, sizeof req.channel_id);
      g_strlcpy (req.relay_id, cases[i].relay_id, sizeof req.relay_id);
      g_strlcpy (req.operation, cases[i].operation, sizeof req.operation);
      g_assert_false (model_channel_request_check (&req, &error));
      g_assert_error (error, MODEL_CHANNEL_ERROR, MODEL_STD_MALFORMED);
      g_assert_nonnull (strstr (error->message, cases[i].field));
      g_clear_error (&error);
      /* Signing refuses it the same way and leaves the signature alone. */
      g_assert_false (model_channel_request_sign (&req, k.sk, &error));
      g_assert_error (error, MODEL_CHANNEL_ERROR, MODEL_STD_MALFORMED);
      g_assert_nonnull (strstr (error->message, cases[i].field));
      g_clear_error (&error);
      g_assert_cmpmem (req.signature, sizeof req.signature, good.signature,
                       sizeof good.signature);
    }
}

/* CHAN-16: strict decoding of hostile input. */
static void
test_decode_malformed (void)
{
  ModelChannelRequest req, out;
  fx_chan_make_request (&req, "CH200001", "CH100001", NOW, 1, "x", 3, 1);
  g_autoptr (GBytes) wire = model_channel_request_encode (&req);
  gsize n;
  const guint8 *p = g_bytes_get_data (wire, &n);
  for (gsize len = 0; len < n; len++)
    {
      g_autoptr (GError) error = NULL;
      g_autofree guint8 *cut = g_memdup2 (p, len ? len : 1);
      g_assert_false (model_channel_request_decode (cut, len, &out, &error));
      g_assert_error (error, MODEL_CHANNEL_ERROR, MODEL_STD_MALFORMED);
    }
  g_autofree guint8 *longer = g_malloc (n + 1);
  memcpy (longer, p, n);
  longer[n] = 0;
  g_autoptr (GError) error = NULL;
  g_assert_false (model_channel_request_decode (longer, n + 1, &out, &error));
  g_assert_error (error, MODEL_CHANNEL_ERROR, MODEL_STD_MALFORMED);
  g_assert_nonnull (strstr (error->message, "trailing"));
  g_clear_error (&error);

  struct { gsize off; guint8 val; const char *field; } edits[] = {
    { 0, 'e', "magic" },
    { 4, 7, "channel_id" },
    { 4, 9, "channel_id" },
    { 7, 0, "channel_id" },
    { 13, 3, "relay_id" },
    { 16, 0, "relay_id" },
    { 22 + 8 + 16, 0, "operation" },
    { 22 + 8 + 16, 33, "operation" },
    { 22 + 8 + 16 + 1, 'A', "operation" },
    { 22 + 8 + 16 + 2, 0, "operation" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (edits); i++)
    {
      g_autofree guint8 *copy = g_memdup2 (p, n);
      copy[edits[i].off] = edits[i].val;
      g_assert_false (model_channel_request_decode (copy, n, &out, &error));
      g_assert_error (error, MODEL_CHANNEL_ERROR, MODEL_STD_MALFORMED);
      g_assert_nonnull (strstr (error->message, edits[i].field));
      g_clear_error (&error);
    }
  g_assert_false (model_channel_request_decode (NULL, 0, &out, &error));
  g_assert_error (error, MODEL_CHANNEL_ERROR, MODEL_STD_MALFORMED);
}

/* CHAN-10, CHAN-11, CHAN-15, CHAN-16: every flipped bit of a signed request (tier 1
 * and tier 2) and of its body is refused. */
static void
flip_all (ModelChannelRegistry *reg, const ModelChannelRequest *req, const char *body)
{
  g_autoptr (GBytes) wire = model_channel_request_encode (req);
  gsize n;
  const guint8 *p = g_bytes_get_data (wire, &n);
  gsize ts_off = 4 + 1 + strlen (req->channel_id) + 1 + strlen (req->relay_id);
  guint accepted = 0, tested = 0;
  for (gsize bit = 0; bit < 8 * n; bit++)
    {
      g_autofree guint8 *copy = g_memdup2 (p, n);
      g_autoptr (GError) error = NULL;
      ModelChannelRequest r;
      copy[bit / 8] ^= (guint8) (1u << (bit % 8));
      tested++;
      if (!model_channel_request_decode (copy, n, &r, &error))
        {
          g_assert_error (error, MODEL_CHANNEL_ERROR, MODEL_STD_MALFORMED);
          continue;
        }
      if (fx_chan_verify (reg, &r, body, NOW, &error))
        accepted++;
      else if (bit / 8 >= ts_off)
        g_assert_error (error, MODEL_CHANNEL_ERROR, MODEL_STD_BAD_SIGNATURE);
      else
        g_assert_nonnull (error);
    }
  g_assert_cmpuint (accepted, ==, 0);
  g_assert_cmpuint (tested, ==, 8 * n);
  gsize blen = strlen (body);
  for (gsize bit = 0; bit < 8 * blen; bit++)
    {
      g_autofree char *copy = g_strdup (body);
      g_autoptr (GError) error = NULL;
      copy[bit / 8] ^= (char) (1u << (bit % 8));
      g_assert_false (model_channel_registry_verify (reg, req, (const guint8 *) copy, blen, NOW,
                                                     &error));
      g_assert_error (error, MODEL_CHANNEL_ERROR, MODEL_STD_BAD_SIGNATURE);
    }
  g_autoptr (GError) error = NULL;
  g_assert_true (fx_chan_verify (reg, req, body, NOW, &error));
  g_assert_no_error (error);
}

static void
test_bitflip (void)
{
  ModelChannelParams q = quiet_params ();
  g_autoptr (ModelChannelRegistry) reg = model_channel_registry_new (&q);
  ModelChannelRequest req;
  fx_chan_add (reg, "CH100001", 1, NULL, 1, MODEL_CHANNEL_LIVE);
  fx_chan_add (reg, "CH100000", 1, NULL, 2, MODEL_CHANNEL_LIVE);
  fx_chan_add (reg, "CH200001", 2, "CH100001", 3, MODEL_CHANNEL_LIVE);
  fx_chan_add (reg, "CH200000", 2, "CH100001", 4, MODEL_CHANNEL_LIVE);
  fx_chan_make_request (&req, "CH100001", NULL, NOW, 1, "{\"ssn\":\"11010519491231002X\"}", 1, 0);
  flip_all (reg, &req, "{\"ssn\":\"11010519491231002X\"}");
  fx_chan_make_request (&req, "CH200001", "CH100001", NOW, 2, "{}", 3, 1);
  flip_all (reg, &req, "{}");
}

/* CHAN-13, CHAN-21 */
static void
test_replay (void)
{
  g_autoptr (ModelChannelRegistry) reg = model_channel_registry_new (NULL);
  g_autoptr (GError) error = NULL;
  ModelChannelRequest req, other;
  double score;
  fx_chan_add (reg, "CH100001", 1, NULL, 1, MODEL_CHANNEL_LIVE);
  fx_chan_add (reg, "CH100002", 1, NULL, 2, MODEL_CHANNEL_LIVE);
  fx_chan_make_request (&req, "CH100001", NULL, NOW, 5, "q", 1, 0);
  g_assert_true (fx_chan_verify (reg, &req, "q", NOW, &error));
  g_assert_no_error (error);
  g_assert_false (fx_chan_verify (reg, &req, "q", NOW + 10, &error));
  g_assert_error (error, MODEL_CHANNEL_ERROR, MODEL_STD_REPLAYED);
  g_clear_error (&error);
  g_assert_true (model_channel_registry_risk_score (reg, "CH100001", NOW + 10, &score, NULL));
  g_assert_cmpfloat (score, ==, 20.0);
  /* Same nonce, another timestamp: still a replay of the nonce. */
  fx_chan_make_request (&other, "CH100001", NULL, NOW + 1, 5, "q", 1, 0);
  g_assert_false (fx_chan_verify (reg, &other, "q", NOW + 10, &error));
  g_assert_error (error, MODEL_CHANNEL_ERROR, MODEL_STD_REPLAYED);
  g_clear_error (&error);
  /* The nonce cache is per channel. */
  fx_chan_make_request (&other, "CH100002", NULL, NOW, 5, "q", 2, 0);
  g_assert_true (fx_chan_verify (reg, &other, "q", NOW, &error));
  g_assert_no_error (error);
  /* Past the window the old request is expired, not a replay. */
  g_assert_false (fx_chan_verify (reg, &req, "q", NOW + 301, &error));
  g_assert_error (error, MODEL_CHANNEL_ERROR, MODEL_STD_EXPIRED);
}

/* CHAN-12 */
static void
test_clock_window (void)
{
  g_autoptr (ModelChannelRegistry) reg = model_channel_registry_new (NULL);
  fx_chan_add (reg, "CH100001", 1, NULL, 1, MODEL_CHANNEL_LIVE);
  struct { gint64 ts; ModelStdCode code; } cases[] = {
    { NOW - 300, MODEL_STD_OK }, { NOW + 300, MODEL_STD_OK }, { NOW, MODEL_STD_OK },
    { NOW - 301, MODEL_STD_EXPIRED }, { NOW + 301, MODEL_STD_NOT_YET_VALID },
    { G_MININT64, MODEL_STD_EXPIRED }, { G_MAXINT64, MODEL_STD_NOT_YET_VALID },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      ModelChannelRequest req;
      fx_chan_make_request (&req, "CH100001", NULL, cases[i].ts, (guint8) (10 + i), "t", 1, 0);
      gboolean ok = fx_chan_verify (reg, &req, "t", NOW, &error);
      if (cases[i].code == MODEL_STD_OK)
        {
          g_assert_no_error (error);
          g_assert_true (ok);
        }
      else
        g_assert_error (error, MODEL_CHANNEL_ERROR, (int) cases[i].code);
    }
}

/* CHAN-14, CHAN-25 */
static void
test_replay_cache_bounded (void)
{
  ModelChannelParams q = quiet_params ();
  q.replay_cache_max = 4;
  g_autoptr (ModelChannelRegistry) reg = model_channel_registry_new (&q);
  g_autoptr (GError) error = NULL;
  ModelChannelRequest req[6], extra;
  fx_chan_add (reg, "CH100001", 1, NULL, 1, MODEL_CHANNEL_LIVE);
  for (int i = 0; i < 6; i++)
    {
      fx_chan_make_request (&req[i], "CH100001", NULL, NOW + i, (guint8) (20 + i), "r", 1, 0);
      g_assert_true (fx_chan_verify (reg, &req[i], "r", NOW + 6, &error));
      g_assert_no_error (error);
    }
  /* Every one of them is refused, the evicted ones by the floor. */
  for (int i = 0; i < 6; i++)
    {
      g_assert_false (fx_chan_verify (reg, &req[i], "r", NOW + 6, &error));
      g_assert_error (error, MODEL_CHANNEL_ERROR, MODEL_STD_REPLAYED);
      g_clear_error (&error);
    }
  /* A fresh nonce at or below the floor (NOW + 1) cannot prove freshness. */
  fx_chan_make_request (&extra, "CH100001", NULL, NOW + 1, 40, "r", 1, 0);
  g_assert_false (fx_chan_verify (reg, &extra, "r", NOW + 6, &error));
  g_assert_error (error, MODEL_CHANNEL_ERROR, MODEL_STD_REPLAYED);
  g_clear_error (&error);
  fx_chan_make_request (&extra, "CH100001", NULL, NOW + 2, 41, "r", 1, 0);
  g_assert_true (fx_chan_verify (reg, &extra, "r", NOW + 6, &error));
  g_assert_no_error (error);
  /* Expired nonces are pruned: far later the cache takes new ones freely. */
  for (int i = 0; i < 8; i++)
    {
      fx_chan_make_request (&extra, "CH100001", NULL, NOW + 1000 + 400 * i, (guint8) (50 + i), "r",
                            1, 0);
      g_assert_true (fx_chan_verify (reg, &extra, "r", NOW + 1000 + 400 * i, &error));
      g_assert_no_error (error);
    }

  /* After losing the cache, everything up to the loss is refused. */
  g_autoptr (ModelChannelRegistry) fresh = model_channel_registry_new (NULL);
  fx_chan_add (fresh, "CH100001", 1, NULL, 1, MODEL_CHANNEL_LIVE);
  model_channel_registry_forget_before (fresh, NOW + 5);
  model_channel_registry_forget_before (fresh, NOW);   /* never lowers it */
  g_assert_false (fx_chan_verify (fresh, &req[5], "r", NOW + 6, &error));
  g_assert_error (error, MODEL_CHANNEL_ERROR, MODEL_STD_REPLAYED);
  g_clear_error (&error);
  fx_chan_make_request (&extra, "CH100001", NULL, NOW + 6, 60, "r", 1, 0);
  g_assert_true (fx_chan_verify (fresh, &extra, "r", NOW + 6, &error));
  g_assert_no_error (error);
}

int
main (int argc, char **argv)
{
  essc_test_init (&argc, &argv);
  g_test_add_func ("/channel/request/signing-bytes", test_signing_bytes);
  g_test_add_func ("/channel/request/check", test_check);
  g_test_add_func ("/channel/request/decode-malformed", test_decode_malformed);
  g_test_add_func ("/channel/request/every-bit-flip-refused", test_bitflip);
  g_test_add_func ("/channel/request/replay", test_replay);
  g_test_add_func ("/channel/request/clock-window", test_clock_window);
  g_test_add_func ("/channel/request/replay-cache-bounded", test_replay_cache_bounded);
  return g_test_run ();
}
