/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer harness: the e-card credential's strict decoding
 * (model_credential_decode, model/std/credential.h) and the verification a
 * verifier runs on it next (model_credential_verify).  The decoder accepts
 * exactly the encoder's outputs, so what decodes passes
 * model_credential_check and encodes back (model_credential_encode_tbs) to
 * exactly the input's signed part.  Verification decodes first (CRED-5), so
 * it refuses as MALFORMED exactly what decoding refuses, and never so what
 * decoding accepts.  The trust list holds the conformance vectors' platform
 * key (built once), the status feed knows the vectors' two e-cards, and the
 * time is the vectors' clock.  Every refusal is a MODEL_CREDENTIAL_ERROR
 * with a message.
 */
#include "model/std/credential.h"
#include "tests/fuzz/harness.h"

#include <stdlib.h>
#include <string.h>

/* conformance/vectors/credential.json: keys.platform_public_key, clock */
static const guint8 platform_pk[MODEL_CRED_PK_LEN] = {
  0xd5, 0x6f, 0x33, 0x4a, 0x4d, 0x98, 0x9c, 0x77, 0xee, 0x9b, 0xa5, 0x92, 0xb3, 0x78, 0x3f, 0xe3,
  0x76, 0x7c, 0xa0, 0xf1, 0x15, 0x48, 0x64, 0x9a, 0xce, 0x7d, 0xe8, 0x6d, 0x21, 0x3e, 0xd9, 0xf7,
};
#define CLOCK G_GINT64_CONSTANT (1590969600)

/* The status feed of the vectors' verifier: the two e-cards it was told of
 * may be used, any other is unknown. */
static ModelStdCode
status_of (const guint8 ecard_id[16], gpointer unused)
{
  static const guint8 known[2][MODEL_ECARD_ID_LEN] = {
    { 0x24, 0xb7, 0xb4, 0x53, 0x19, 0xa5, 0xc5, 0xa6, 0x68, 0x3c, 0x96, 0x27, 0xc3, 0x96, 0x4d, 0x0c },
    { 0xb4, 0x69, 0x4f, 0x8e, 0x82, 0x1a, 0xf9, 0xf4, 0xb0, 0x35, 0x9e, 0x73, 0x75, 0x63, 0x33, 0xa2 },
  };
  for (int i = 0; i < 2; i++)
    if (memcmp (ecard_id, known[i], MODEL_ECARD_ID_LEN) == 0)
      return MODEL_STD_OK;
  return MODEL_STD_NOT_FOUND;
}

static void
refused (const GError *error)
{
  if (error == NULL || error->domain != MODEL_CREDENTIAL_ERROR || error->message[0] == '\0')
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

  ModelCredential cred;
  g_autoptr (GError) error = NULL;
  gboolean decoded = model_credential_decode (data, size, &cred, &error);
  if (!decoded)
    refused (error);
  else
    {
      /* Canonical form: the fields pass CRED-3 and encode to the same bytes. */
      if (!model_credential_check (&cred, NULL))
        abort ();
      g_autoptr (GBytes) tbs = model_credential_encode_tbs (&cred, NULL);
      if (tbs == NULL || g_bytes_get_size (tbs) != size - MODEL_CRED_SIG_LEN
          || memcmp (g_bytes_get_data (tbs, NULL), data, size - MODEL_CRED_SIG_LEN) != 0)
        abort ();
    }

  ModelCredential verified;
  g_autoptr (GError) why = NULL;
  if (model_credential_verify (data, size, trust, status_of, NULL, CLOCK, &verified, &why))
    {
      if (!decoded || memcmp (verified.ecard_id, cred.ecard_id, MODEL_ECARD_ID_LEN) != 0
          || verified.expires_at != cred.expires_at)
        abort ();
      return 0;
    }
  refused (why);
  if ((why->code == MODEL_STD_MALFORMED) != !decoded)
    abort ();
  return 0;
}
