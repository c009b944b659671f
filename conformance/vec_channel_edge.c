/* SPDX-License-Identifier: MIT */
/*
 * Vectors of ESSC-STD section 6 (channel.json) at the edges of the request
 * wire and of the adapter's encoding, for both roles.  The wire: an
 * operation name using the last letter and digit of CHAN-9's class, a NUL
 * inside the relay id or the operation (CHAN-16: refused, never read as a
 * shorter field that the signature covers, by the platform and by a
 * relaying parent), a length byte out of range (a relay id's 9 before an
 * otherwise valid request, an operation's 255 with as many bytes).  The platform: a body hash that
 * fails adds a bad_signature risk event (CHAN-21).  The encoding (ERR-3):
 * channel.set_status of both roles with a status that is not a string, and
 * a channel reset whose children are not objects.  Every platform step is
 * mirrored on a ModelChannelRegistry, every wire decoded by
 * model/std/channel_request.
 */
#include "conformance/vec_channel.h"

#include "base/bytes.h"
#include "model/std/channel_request.h"

#include <sodium.h>
#include <string.h>

#define T0 CONF_VECTORS_CLOCK

#define P1 CONF_VEC_P1
#define C1 CONF_VEC_C1
#define BODY "{\"query\":\"card_status\"}"

/* ---- hand-made wires ------------------------------------------------------- */

/* A length byte, then len bytes of s. */
static void
put_field (GByteArray *b, guint8 n, const char *s, gsize len)
{
  g_byte_array_append (b, &n, 1);
  g_byte_array_append (b, (const guint8 *) s, (guint) len);
}

/*
 * The wire of table 6.3 as a channel might send it, the relay id and the
 * operation written as given (their length and bytes: a NUL or a length
 * out of range allowed),
 * with the body hash of BODY and the signature of signer over the request
 * as its canonical fields (channel id, relay id, operation up to a NUL)
 * would sign it (an operation over 32 bytes, which nothing can sign: the
 * signature of operation "x").  Returns: (transfer full).
 */
static GBytes *
raw_wire (const char *id, const char *relay, gsize relay_len, const char *op, gsize op_len,
          const char *nonce_label, const char *signer)
{
  ModelChannelRequest req;
  guint8 nonce[16];
  ConfVecChanKey k;
  g_autofree char *canon_relay = g_strndup (relay, relay_len);
  g_autofree char *canon_op = g_strndup (op, op_len <= 32 ? op_len : 0);
  conf_vec_chan_nonce (nonce_label, nonce);
  if (!model_channel_request_init (&req, id, canon_relay, T0, nonce,
                                   canon_op[0] != '\0' ? canon_op : "x",
                                   (const guint8 *) BODY, strlen (BODY), NULL))
    g_error ("vectors: request init %s %s", id, canon_op);
  conf_vec_chan_key (signer, &k);
  model_channel_request_sign (&req, k.sk, NULL);
  GByteArray *b = g_byte_array_new ();
  g_byte_array_append (b, (const guint8 *) "ESR1", 4);
  put_field (b, (guint8) strlen (id), id, strlen (id));
  put_field (b, (guint8) relay_len, relay, relay_len);
  base_be64_append (b, (guint64) T0);
  g_byte_array_append (b, nonce, sizeof nonce);
  put_field (b, (guint8) op_len, op, op_len);
  g_byte_array_append (b, req.body_hash, sizeof req.body_hash);
  g_byte_array_append (b, req.signature, sizeof req.signature);
  return g_byte_array_free_to_bytes (b);
}

/* ---- the platform ------------------------------------------------------------- */

typedef struct {
  ConfVec *v;
  ConfVecWorld *w;
  ModelChannelRegistry *reg;   /* the IUT's mirror */
} Fx;

/* The group's setup (emitted when emit): P1, tier 1, registered and live. */
static void
fx_platform (Fx *fx, gboolean emit)
{
  ConfVecChanKey k;
  g_clear_pointer (&fx->reg, model_channel_registry_free);
  fx->reg = model_channel_registry_new (NULL);
  conf_vec_chan_key (P1, &k);
  if (!model_channel_registry_apply (fx->reg, P1, "Bank of Vectors", MODEL_CHANNEL_CLASS_BANK, 1, NULL,
                                     k.pk, T0, NULL)
      || !model_channel_registry_set_status (fx->reg, P1, MODEL_CHANNEL_CERTIFIED, T0, NULL)
      || !model_channel_registry_set_status (fx->reg, P1, MODEL_CHANNEL_LIVE, T0, NULL))
    g_error ("vectors: registry setup");
  if (!emit)
    return;
  conf_vec_reset_platform (fx->v, fx->w, NULL);
  conf_vec_step (fx->v, "channel.apply",
                 conf_jo ("channel_id", conf_js (P1), "name", conf_js ("Bank of Vectors"),
                          "class", conf_js ("bank"), "tier", conf_ji (1), "parent_id", conf_js (""),
                          "public_key", conf_jh (k.pk, 32), "now", conf_ji (T0), NULL),
                 conf_vec_ok (NULL), NULL);
  const char *to[] = { "certified", "live" };
  for (int i = 0; i < 2; i++)
    conf_vec_step (fx->v, "channel.set_status",
                   conf_jo ("channel_id", conf_js (P1), "status", conf_js (to[i]),
                            "now", conf_ji (T0), NULL),
                   conf_vec_ok (NULL), NULL);
}

#define TEST(name, reqs, comment, flags, result) \
  do { fx_platform (fx, FALSE); conf_vec_test (fx->v, name, reqs, comment, flags, result); } \
  while (0)

/* channel.verify of the bytes w, mirrored on the registry. */
static void
verify (Fx *fx, GBytes *wb, const char *body, ModelStdCode want)
{
  GError *error = NULL;
  ModelChannelRequest req;
  gsize len = 0;
  const guint8 *w = g_bytes_get_data (wb, &len);
  gboolean ok = model_channel_request_decode (w, len, &req, &error)
                && model_channel_registry_verify (fx->reg, &req, (const guint8 *) body,
                                                  strlen (body), T0, &error);
  conf_vec_agree (fx->v, "channel.verify", error, want);
  conf_vec_step (fx->v, "channel.verify",
                 conf_jo ("wire", conf_jh (w, len), "body", conf_js (body), "now", conf_ji (T0),
                          NULL),
                 ok ? conf_vec_ok (conf_jo ("channel_id", conf_js (req.channel_id),
                                            "operation", conf_js (req.operation), NULL))
                    : conf_vec_err (want),
                 NULL);
}

/* channel.get of P1 at T0: its status and score (exact: no time has passed). */
static void
get (Fx *fx)
{
  ModelChannel ch;
  double score = -1;
  if (!model_channel_registry_lookup (fx->reg, P1, &ch, NULL)
      || !model_channel_registry_risk_score (fx->reg, P1, T0, &score, NULL))
    conf_vec_fail (fx->v, "channel.get %s: not registered", P1);
  conf_vec_step (fx->v, "channel.get", conf_jo ("channel_id", conf_js (P1), "now", conf_ji (T0),
                                                NULL),
                 conf_vec_ok (conf_jo ("status", conf_js (model_channel_status_name (ch.status)),
                                       "score", json_node_init_double (json_node_alloc (), score),
                                       NULL)),
                 NULL);
}

static void
platform_tests (Fx *fx)
{
  g_autoptr (GBytes) wz = conf_vec_chan_wire (P1, NULL, T0, "z9", "z9_op.v0", BODY, P1, NULL);
  TEST ("platform/verify-operation-z9", "CHAN-9 CHAN-16", "an operation name with the last "
        "letter and the last digit of CHAN-9's class [a-z0-9_.]", NULL, "valid");
  verify (fx, wz, BODY, MODEL_STD_OK);
  g_autoptr (GBytes) wop = raw_wire (P1, "", 0, "card.status\0", 12, "nul-op", P1);
  TEST ("platform/verify-nul-in-operation", "CHAN-16", "the operation's 12 bytes end in a NUL "
        "(signed as the 11-byte card.status): a NUL is refused, not read as the end of the "
        "field", "Malformed", "invalid");
  verify (fx, wop, BODY, MODEL_STD_MALFORMED);
  g_autoptr (GBytes) wrel = raw_wire (P1, "\0\0\0\0\0\0\0\0", 8, "card.status", 11,
                                      "nul-relay", P1);
  TEST ("platform/verify-nul-relay-id", "CHAN-16", "a relay id of 8 NUL bytes (signed as an "
        "empty relay id): a NUL is refused, not read as no relay", "Malformed", "invalid");
  verify (fx, wrel, BODY, MODEL_STD_MALFORMED);
  g_autofree char *long_op = g_strnfill (255, 'a');
  g_autoptr (GBytes) w255 = raw_wire (P1, "", 0, long_op, 255, "op-255", P1);
  TEST ("platform/verify-operation-length-255", "CHAN-16 CHAN-9", "an operation length byte "
        "of 255 followed by 255 letters: out of 1..32", "Malformed", "invalid");
  verify (fx, w255, BODY, MODEL_STD_MALFORMED);
  g_autoptr (GBytes) w9 = NULL;
  {
    /* P1's request (empty relay id) with the relay id's length byte, at
     * offset 4 + 1 + 8, set to 9: out of 0..8, whatever follows */
    gsize len = 0;
    g_autoptr (GBytes) w = conf_vec_chan_wire (P1, NULL, T0, "relay-9", "card.status", BODY, P1,
                                               NULL);
    guint8 *d = g_memdup2 (g_bytes_get_data (w, &len), g_bytes_get_size (w));
    d[13] = 9;
    w9 = g_bytes_new_take (d, len);
  }
  TEST ("platform/verify-relay-id-length-9", "CHAN-16", "a relay id length byte of 9, out of "
        "0..8, in an otherwise valid request: refused, not skipped", "Malformed", "invalid");
  verify (fx, w9, BODY, MODEL_STD_MALFORMED);

  TEST ("platform/verify-body-altered-risk", "CHAN-21 CHAN-11 CHAN-29", "a body hash that "
        "fails adds a bad_signature event (weight 10) to the channel, as a failed signature "
        "does", "Risk", "invalid");
  verify (fx, wz, "{}", MODEL_STD_BAD_SIGNATURE);
  get (fx);

  TEST ("platform/set-status-encoding-status-number", "ERR-3 CHAN-28", "channel.set_status "
        "with status 5: a status is a string", "Encoding", "invalid");
  conf_vec_step (fx->v, "channel.set_status",
                 conf_jo ("channel_id", conf_js (P1), "status", conf_ji (5), "now", conf_ji (T0),
                          NULL),
                 conf_vec_err (MODEL_STD_MALFORMED), NULL);
  TEST ("platform/set-status-encoding-now-absent", "ERR-3 CHAN-28", "channel.set_status "
        "without now: a required member", "Encoding", "invalid");
  conf_vec_step (fx->v, "channel.set_status",
                 conf_jo ("channel_id", conf_js (P1), "status", conf_js ("suspended"), NULL),
                 conf_vec_err (MODEL_STD_MALFORMED), NULL);
}

#undef TEST

/* ---- the channel role ------------------------------------------------------- */

/* The reset of P1 (tier 1) with children (transfer full; NULL for C1). */
static void
reset_p1 (ConfVec *v, ConfVecWorld *w, JsonNode *children, ModelStdCode want)
{
  ConfVecChanKey k, child;
  conf_vec_chan_key (P1, &k);
  conf_vec_chan_key (C1, &child);
  if (children == NULL)
    children = conf_ja (conf_jo ("channel_id", conf_js (C1), "public_key", conf_jh (child.pk, 32),
                                 NULL), NULL);
  if (want == MODEL_STD_OK)
    {
      conf_vec_reset_channel (v, w, P1, 1, NULL, k.seed, children);
      return;
    }
  JsonNode *config = conf_jo ("channel_id", conf_js (P1), "tier", conf_ji (1),
                              "key_seed", conf_jh (k.seed, 32), "children", children,
                              "status", conf_js ("live"), NULL);
  conf_vec_step (v, "reset",
                 conf_jo ("seed", conf_jh (w->reset_seed, 32), "now", conf_ji (T0),
                          "trust", conf_ja (conf_jh (model_platform_key_public (w->platform), 32),
                                            NULL),
                          "config", config, NULL),
                 conf_vec_err (want), NULL);
}

static void
channel_tests (ConfVec *v, ConfVecWorld *w)
{
  guint8 nonce[16];
  conf_vec_group (v, "channel", NULL);
  reset_p1 (v, w, NULL, MODEL_STD_OK);

  g_autoptr (GBytes) wz = conf_vec_chan_wire (P1, NULL, T0, "z9", "z9_op.v0", BODY, P1, NULL);
  conf_vec_test (v, "channel/sign-operation-z9", "CHAN-9 CHAN-27", "an operation name with the "
                 "last letter and the last digit of CHAN-9's class [a-z0-9_.]", NULL, "valid");
  conf_vec_chan_nonce ("z9", nonce);
  conf_vec_step (v, "request.sign",
                 conf_jo ("operation", conf_js ("z9_op.v0"), "body", conf_js (BODY),
                          "timestamp", conf_ji (T0), "nonce", conf_jh (nonce, 16), NULL),
                 conf_vec_ok (conf_jo ("wire", conf_jh (g_bytes_get_data (wz, NULL),
                                                         g_bytes_get_size (wz)), NULL)),
                 NULL);

  g_autoptr (GBytes) wrel = raw_wire (C1, "\0\0\0\0\0\0\0\0", 8, "qr.verify", 9,
                                      "nul-relay", C1);
  GError *error = NULL;
  ModelChannelRequest req;
  model_channel_request_decode_signed (g_bytes_get_data (wrel, NULL), g_bytes_get_size (wrel),
                                       &req, &error);
  conf_vec_test (v, "channel/relay-nul-in-relay-id", "CHAN-27 CHAN-16 CHAN-26", "the child's "
                 "relay id is 8 NUL bytes (signed as no relay id): the wire is refused "
                 "(malformed), not read as an empty relay id", "Malformed", "invalid");
  conf_vec_agree (v, "request.relay", error, MODEL_STD_MALFORMED);
  conf_vec_step (v, "request.relay",
                 conf_jo ("wire", conf_jh (g_bytes_get_data (wrel, NULL), g_bytes_get_size (wrel)),
                          "body", conf_js (BODY), "now", conf_ji (T0), NULL),
                 conf_vec_err (MODEL_STD_MALFORMED), NULL);

  conf_vec_test (v, "channel/set-status-encoding-status-number", "ERR-3 CHAN-5",
                 "channel.set_status with status 5: a status is a string", "Encoding",
                 "invalid");
  conf_vec_step (v, "channel.set_status", conf_jo ("status", conf_ji (5), NULL),
                 conf_vec_err (MODEL_STD_MALFORMED), NULL);

  conf_vec_test (v, "channel/reset-encoding-child-number", "ERR-3", "a reset whose children "
                 "array holds a number: each child is an object {channel_id, public_key} "
                 "(ADAPTER section 2)", "Encoding", "invalid");
  reset_p1 (v, w, conf_ja (conf_ji (1), NULL), MODEL_STD_MALFORMED);
}

void
conf_vec_channel_edge_tests (ConfVec *v, ConfVecWorld *w)
{
  Fx fx_ = { .v = v, .w = w }, *fx = &fx_;
  conf_vec_note (v, "Encoding", "a member of another JSON type, absent, or an integer beyond "
                 "the 64-bit range (ERR-3)");
  conf_vec_group (v, "platform", NULL);
  fx_platform (fx, TRUE);
  platform_tests (fx);
  model_channel_registry_free (fx->reg);
  channel_tests (v, w);
}
