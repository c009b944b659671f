/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer harness: Base45 decoding (model/std/base45.h).  Decoding is
 * strict, so each byte string has one encoding: whatever decodes must
 * encode back to exactly the input, and whatever fails must say why.
 */
#include "model/std/base45.h"
#include "tests/fuzz/harness.h"

#include <stdlib.h>
#include <string.h>

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) bytes = model_base45_decode ((const char *) data, (gssize) size, &error);
  if (bytes == NULL)
    {
      if (error == NULL || error->message[0] == '\0')
        abort ();
      return 0;
    }
  gsize n = 0;
  const guint8 *raw = g_bytes_get_data (bytes, &n);
  g_autofree char *again = model_base45_encode (raw, n);
  if (strlen (again) != size || memcmp (again, data, size) != 0)
    abort ();
  return 0;
}
