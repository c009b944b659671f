/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer harness: signed channel requests (model/std/channel_request.h),
 * their two wire forms and what the platform and a relaying parent do with
 * them next.  The first byte picks (fuzz_select): bit 0 the wire form,
 * bits 1-2 the request body (one of the conformance vectors' three bodies,
 * or none); the rest is the wire.
 *
 *   bit 0 = 0: the complete wire of CHAN-16 (model_channel_request_decode),
 *     verified by the platform's registry (model_channel_registry_verify);
 *   bit 0 = 1: a channel's wire before any countersignature, CHAN-27
 *     (model_channel_request_decode_signed), checked by the tier-1 relay
 *     CH100001 (model_channel_relay_check); one it accepts is countersigned,
 *     encoded and verified by the registry as above.
 *
 * The wire is the bytes of the decoded request (CHAN-16, CHAN-27), so what
 * decodes encodes back to exactly the input, and a countersignature appends
 * 64 bytes and changes no other byte.  A request the registry or the relay
 * accepts is remembered: the same one again is REPLAYED.  The registry
 * (the vectors' live channels CH100001, CH100002 and CH200001, a tier-2 child
 * of CH100001) and the relay are new for each input; the keys come from the
 * vectors' seeds, derived once; the time is the vectors' clock.  Every
 * refusal is a MODEL_CHANNEL_ERROR with a message.
 */
#include "model/std/channel.h"
#include "model/std/channel_relay.h"
#include "tests/fuzz/harness.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

/* conformance/vectors/channel.json: keys.channel_*_seed, clock, bodies */
#define CLOCK G_GINT64_CONSTANT (1590969600)
enum { CH100001, CH100002, CH200001, N_CHANNELS };
static const char *const ids[N_CHANNELS] = { "CH100001", "CH100002", "CH200001" };
static const guint8 seeds[N_CHANNELS][32] = {
  { 0x42, 0xd4, 0x58, 0x42, 0x15, 0x68, 0x30, 0xb1, 0xb7, 0xe9, 0x12, 0x5e, 0xf0, 0xe9, 0xe4, 0x0b,
    0xf9, 0xa4, 0x9f, 0xd6, 0xf0, 0x40, 0x23, 0x50, 0xb8, 0x96, 0x7d, 0x0d, 0xdd, 0xc7, 0x4d, 0xfb },
  { 0xc8, 0xdd, 0xd2, 0xa4, 0xa8, 0xe4, 0xcd, 0xa8, 0x8d, 0x21, 0x20, 0xae, 0x98, 0xb2, 0x68, 0xaa,
    0xe0, 0x01, 0x7d, 0x44, 0xd3, 0x95, 0xa6, 0x40, 0x33, 0xbe, 0x88, 0xb6, 0x50, 0x10, 0xa2, 0x50 },
  { 0x6f, 0xb2, 0x7b, 0x6d, 0x1f, 0xf6, 0x59, 0x41, 0x1c, 0x6c, 0xfa, 0x80, 0xf0, 0xc3, 0x82, 0x60,
    0x50, 0xbb, 0xb0, 0x7f, 0x02, 0x42, 0x13, 0x64, 0x29, 0xe1, 0x54, 0x37, 0xd4, 0xf3, 0x9e, 0x67 },
};
static const char *const bodies[4] = {
  "{\"query\":\"card_status\"}", "{\"ssn\":\"11010519491231002X\"}", "{}", "",
};

static guint8 pk[N_CHANNELS][MODEL_CHANNEL_PK_LEN];
static guint8 sk[N_CHANNELS][MODEL_CHANNEL_SK_LEN];

static void
refused (const GError *error)
{
  if (error == NULL || error->domain != MODEL_CHANNEL_ERROR || error->message[0] == '\0')
    abort ();
}

static void
must (gboolean ok)
{
  if (!ok)
    abort ();
}

/* The vectors' platform registry: every channel live. */
static ModelChannelRegistry *
registry_new (void)
{
  ModelChannelRegistry *reg = model_channel_registry_new (NULL);
  for (int i = 0; i < N_CHANNELS; i++)
    {
      must (model_channel_registry_apply (reg, ids[i], "Bank of Vectors",
                                          MODEL_CHANNEL_CLASS_BANK, i == CH200001 ? 2 : 1,
                                          i == CH200001 ? ids[CH100001] : NULL, pk[i], CLOCK,
                                          NULL));
      must (model_channel_registry_set_status (reg, ids[i], MODEL_CHANNEL_CERTIFIED, CLOCK,
                                               NULL));
      must (model_channel_registry_set_status (reg, ids[i], MODEL_CHANNEL_LIVE, CLOCK, NULL));
    }
  return reg;
}

/* The platform's verification, then the same request again. */
static void
verify (const ModelChannelRequest *req, const char *body)
{
  g_autoptr (ModelChannelRegistry) reg = registry_new ();
  gsize n = strlen (body);
  g_autoptr (GError) error = NULL;
  if (!model_channel_registry_verify (reg, req, (const guint8 *) body, n, CLOCK, &error))
    {
      refused (error);
      return;
    }
  if (model_channel_registry_verify (reg, req, (const guint8 *) body, n, CLOCK, &error))
    abort ();
  refused (error);
  if (error->code != MODEL_STD_REPLAYED)
    abort ();
}

static void
same_bytes (GBytes *bytes, const guint8 *data, size_t size)
{
  if (g_bytes_get_size (bytes) != size || memcmp (g_bytes_get_data (bytes, NULL), data, size) != 0)
    abort ();
}

/* A relay's check of a child's wire, its countersignature, the platform's
 * verification of the complete wire. */
static void
relay (const ModelChannelRequest *child, const uint8_t *data, size_t size, const char *body)
{
  g_autoptr (ModelChannelRelay) relay = model_channel_relay_new (ids[CH100001], 1, NULL, NULL);
  must (relay != NULL);
  must (model_channel_relay_add_child (relay, ids[CH200001], pk[CH200001], NULL));
  gsize n = strlen (body);
  g_autoptr (GError) error = NULL;
  if (!model_channel_relay_check (relay, child, (const guint8 *) body, n, CLOCK, &error))
    {
      refused (error);
      return;
    }
  ModelChannelRequest req = *child;
  must (model_channel_request_countersign (&req, sk[CH100001], NULL));
  g_autoptr (GBytes) wire = model_channel_request_encode (&req);
  gsize len = g_bytes_get_size (wire);
  if (len != size + MODEL_CHANNEL_SIG_LEN || memcmp (g_bytes_get_data (wire, NULL), data, size) != 0)
    abort ();
  ModelChannelRequest complete;
  must (model_channel_request_decode (g_bytes_get_data (wire, NULL), len, &complete, NULL));
  verify (&complete, body);

  if (model_channel_relay_check (relay, child, (const guint8 *) body, n, CLOCK, &error))
    abort ();
  refused (error);
  if (error->code != MODEL_STD_REPLAYED)
    abort ();
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  static gboolean keys;
  if (!keys)
    {
      for (int i = 0; i < N_CHANNELS; i++)
        crypto_sign_seed_keypair (pk[i], sk[i], seeds[i]);
      keys = TRUE;
    }

  guint8 sel;
  if (!fuzz_select (&data, &size, &sel))
    return 0;
  gboolean signed_only = sel & 1;
  const char *body = bodies[(sel >> 1) & 3];

  ModelChannelRequest req;
  g_autoptr (GError) error = NULL;
  gboolean ok = signed_only ? model_channel_request_decode_signed (data, size, &req, &error)
                            : model_channel_request_decode (data, size, &req, &error);
  if (!ok)
    {
      refused (error);
      return 0;
    }
  g_autoptr (GBytes) again = signed_only ? model_channel_request_encode_signed (&req)
                                         : model_channel_request_encode (&req);
  same_bytes (again, data, size);
  if (signed_only)
    relay (&req, data, size, body);
  else
    verify (&req, body);
  return 0;
}
