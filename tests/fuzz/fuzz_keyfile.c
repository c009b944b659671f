/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer harness: the key files of essc keygen (conformance/cert.h).  The
 * first byte picks the reader: even, conf_cert_read_secret_key (the file
 * written with mode 0600, as keygen does); odd, conf_cert_read_public_key.
 * A refusal must say why.  A secret key that loads, written back with
 * conf_cert_format_secret_key and read again, is the same key; its public
 * key file, written with conf_cert_format_public_key, reads back to the same
 * key and key id.
 */
#include "conformance/cert.h"
#include "tests/fuzz/harness.h"

#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>

static void
refused (const GError *error)
{
  if (error == NULL || error->message[0] == '\0')
    abort ();
}

/* Writes text as a key file of mode 0600 and returns its path. */
static const char *
key_file (const char *name, const void *text, gsize len)
{
  const char *path = fuzz_file (name, text, len);
  if (g_chmod (path, 0600) != 0)
    abort ();
  return path;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  guint8 which;
  if (!fuzz_select (&data, &size, &which))
    return 0;
  g_autoptr (GError) error = NULL;
  guint8 pk[MODEL_KEY_PAIR_PK_LEN], id[MODEL_KEY_ID_LEN];
  if (which & 1)
    {
      if (!conf_cert_read_public_key (key_file ("k.pub", data, size), pk, id, &error))
        refused (error);
      return 0;
    }
  g_autoptr (ModelKeyPair) key = conf_cert_read_secret_key (key_file ("k.key", data, size),
                                                            &error);
  if (key == NULL)
    {
      refused (error);
      return 0;
    }
  g_autofree char *again = conf_cert_format_secret_key (key);
  g_autoptr (ModelKeyPair) key2 = conf_cert_read_secret_key (key_file ("k2.key", again,
                                                                       strlen (again)), NULL);
  if (key2 == NULL || memcmp (model_key_pair_public (key), model_key_pair_public (key2),
                              MODEL_KEY_PAIR_PK_LEN) != 0)
    abort ();
  g_autofree char *pub = conf_cert_format_public_key (key);
  if (!conf_cert_read_public_key (key_file ("k2.pub", pub, strlen (pub)), pk, id, NULL)
      || memcmp (pk, model_key_pair_public (key), sizeof pk) != 0)
    abort ();
  return 0;
}
