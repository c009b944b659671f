/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer harness: dynamic QR token text (model_qr_decode,
 * model/std/qr.h: the "ESSC1:" prefix, strict Base45, the token bytes and
 * the credential inside) and the verification a verifier runs on it next
 * (model_qr_verify).  The input is the text up to its first NUL, as a C
 * caller passes it.  Base45 is strict, so a token that decodes gives back
 * exactly its text (model_qr_text_to_bytes, model_qr_text_from_bytes), and
 * its credential encodes back to the embedded bytes.  Verification decodes
 * first (QR-12): it refuses as MALFORMED exactly what decoding refuses.  A
 * token is used once: one that passes is then refused as REPLAYED.  The
 * trust list holds the conformance vectors' platform key (built once); the
 * replay cache is new for each input; the time is the vectors' clock; the
 * status feed lets every e-card be used.  Every refusal is a MODEL_QR_ERROR
 * with a message.
 */
#include "model/std/qr.h"
#include "tests/fuzz/harness.h"

#include <stdlib.h>
#include <string.h>

/* conformance/vectors/qr.json: keys.platform_public_key, clock */
static const guint8 platform_pk[MODEL_CRED_PK_LEN] = {
  0xd5, 0x6f, 0x33, 0x4a, 0x4d, 0x98, 0x9c, 0x77, 0xee, 0x9b, 0xa5, 0x92, 0xb3, 0x78, 0x3f, 0xe3,
  0x76, 0x7c, 0xa0, 0xf1, 0x15, 0x48, 0x64, 0x9a, 0xce, 0x7d, 0xe8, 0x6d, 0x21, 0x3e, 0xd9, 0xf7,
};
#define CLOCK G_GINT64_CONSTANT (1590969600)

static ModelStdCode
usable (const guint8 ecard_id[16], gpointer unused)
{
  return MODEL_STD_OK;
}

static void
refused (const GError *error)
{
  if (error == NULL || error->domain != MODEL_QR_ERROR || error->message[0] == '\0')
    abort ();
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  static ModelTrustList *trust;
  if (trust == NULL)
    {
      trust = model_trust_list_new ();
      if (!model_trust_list_add (trust, platform_pk, NULL))
        abort ();
    }

  g_autofree char *text = fuzz_text (data, size);
  ModelQrToken token;
  g_autoptr (GError) error = NULL;
  gboolean decoded = model_qr_decode (text, &token, &error);
  if (!decoded)
    refused (error);
  else
    {
      g_autoptr (GBytes) bytes = model_qr_text_to_bytes (text, NULL);
      if (bytes == NULL)
        abort ();
      gsize n = 0;
      const guint8 *raw = g_bytes_get_data (bytes, &n);
      g_autofree char *again = model_qr_text_from_bytes (raw, n);
      if (strcmp (again, text) != 0)
        abort ();
      g_autoptr (GBytes) tbs = model_credential_encode_tbs (&token.credential, NULL);
      gsize cred_len = n - MODEL_QR_HEADER_LEN - 64;
      if (tbs == NULL || g_bytes_get_size (tbs) != cred_len - MODEL_CRED_SIG_LEN
          || memcmp (g_bytes_get_data (tbs, NULL), raw + MODEL_QR_HEADER_LEN,
                     cred_len - MODEL_CRED_SIG_LEN) != 0)
        abort ();
    }

  g_autoptr (ModelQrReplayCache) cache = model_qr_replay_cache_new ();
  ModelQrVerifier verifier = { trust, usable, NULL, cache };
  ModelQrPurpose purpose = decoded ? token.purpose : MODEL_QR_IDENTITY;
  ModelQrToken out;
  g_autoptr (GError) why = NULL;
  if (!model_qr_verify (&verifier, text, purpose, TRUE, CLOCK, &out, &why))
    {
      refused (why);
      if ((why->code == MODEL_STD_MALFORMED) != !decoded)
        abort ();
      return 0;
    }
  if (!decoded || memcmp (out.nonce, token.nonce, MODEL_QR_NONCE_LEN) != 0
      || model_qr_replay_cache_size (cache) != 1)
    abort ();
  g_autoptr (GError) again = NULL;
  if (model_qr_verify (&verifier, text, purpose, TRUE, CLOCK, NULL, &again))
    abort ();
  refused (again);
  if (again->code != MODEL_STD_REPLAYED)
    abort ();
  return 0;
}
