/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer harness: detached signature files (conf_signature_parse,
 * conformance/signature.h: a header naming one of the three kinds, the
 * signer's key id and the signature, each on a line, in lowercase hex).
 * A refusal must say why.  The parser is strict, so each signature has one
 * text: what parses must be exactly the text written back from what was
 * read.  Then what every verifier does next, conf_signature_check, over a
 * fixed document with the harness's fixed key (the seeds' signer): a
 * refusal (another key, a signature that does not verify) must say why.
 */
#include "base/hex.h"
#include "conformance/cert.h"
#include "conformance/signature.h"
#include "tests/fuzz/harness.h"

#include <stdlib.h>
#include <string.h>

/* The seeds' signer key (tests/fuzz/corpus/signature/), a test key. */
static const guint8 signer_seed[MODEL_KEY_PAIR_SEED_LEN] = {
  0x85, 0xa2, 0x9d, 0x29, 0x6f, 0x60, 0xc1, 0x0a, 0x48, 0x34, 0x5c, 0x93, 0x64, 0x0b, 0xcb, 0xb4,
  0x62, 0x8e, 0x7a, 0xb8, 0x4f, 0x79, 0xba, 0xbc, 0x19, 0x28, 0x80, 0xc2, 0x88, 0xf1, 0xe6, 0x56,
};

/* The document the seeds sign. */
#define DOCUMENT "{\"schema\":\"essc-fuzz-document\"}\n"

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  static ModelKeyPair *key;
  if (key == NULL)
    key = model_key_pair_from_seed (signer_seed);

  g_autoptr (GError) error = NULL;
  ConfSignature sig;
  if (!conf_signature_parse ("fuzz.sig", (const char *) data, size, &sig, &error))
    {
      if (error == NULL || error->domain != CONF_CERT_ERROR || error->message[0] == '\0')
        abort ();
      return 0;
    }
  g_autofree char *id = base_hex_encode_dup (sig.key_id, sizeof sig.key_id);
  g_autofree char *hex = base_hex_encode_dup (sig.sig, sizeof sig.sig);
  g_autofree char *text = g_strconcat (conf_doc_kind_sig_header (sig.kind), "\n", id, "\n",
                                       hex, "\n", NULL);
  if (strlen (text) != size || memcmp (text, data, size) != 0)
    abort ();
  if (!conf_signature_check (&sig, DOCUMENT, strlen (DOCUMENT), model_key_pair_public (key),
                             &error))
    {
      if (error == NULL || error->domain != CONF_CERT_ERROR || error->message[0] == '\0')
        abort ();
    }
  return 0;
}
