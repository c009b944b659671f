/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer harness: canonical JSON (conf_json_canonical, conformance/
 * json.h), the form signed reports, certificates and feeds are checked
 * in.  The input is parsed as those readers parse it (conf_json_parse_object)
 * and put in canonical form; a refusal must say why.  Canonical form is
 * idempotent: the canonical text must parse again, and its canonical form
 * must be the same bytes.
 */
#include "conformance/json.h"
#include "tests/fuzz/harness.h"

#include <stdlib.h>
#include <string.h>

/* Returns: (transfer full) the canonical form of the object text, or NULL
 * with error. */
static char *
canonical_of (const char *text, gsize len, GError **error)
{
  g_autoptr (JsonObject) obj = conf_json_parse_object (text, len, error);
  if (obj == NULL)
    return NULL;
  g_autoptr (JsonNode) node = json_node_init_object (json_node_alloc (), obj);
  return conf_json_canonical (node, error);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *text = fuzz_text (data, size);
  g_autofree char *canon = canonical_of (text, size, &error);
  if (canon == NULL)
    {
      if (error == NULL || error->message[0] == '\0')
        abort ();
      return 0;
    }
  g_autofree char *again = canonical_of (canon, strlen (canon), &error);
  if (again == NULL || strcmp (again, canon) != 0)
    abort ();
  return 0;
}
