/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer harness: the registry's public feed (conf_feed_check,
 * conformance/feed.h, which conf_feed_load runs on a feed file and its
 * signature; `essc cert verify --feed`, `essc registry check --feed`).
 * The input is the feed's bytes, signed here by the harness's fixed issuer
 * key (the seeds' issuer), so the signature holds and the schema, the
 * canonical form and every field are what is checked.  A refusal must say
 * why.  An accepted feed must be exactly its canonical JSON and "\n", and
 * is then read as a certificate check reads it: times, history, signer,
 * the revocation of a few serials, the status of a few channels.
 */
#include "base/hex.h"
#include "conformance/cert.h"
#include "conformance/feed.h"
#include "conformance/json.h"
#include "conformance/signature.h"
#include "tests/fuzz/harness.h"

#include <stdlib.h>
#include <string.h>

/* The seeds' issuer key (tests/fuzz/corpus/feed/), a test key. */
static const guint8 issuer_seed[MODEL_KEY_PAIR_SEED_LEN] = {
  0x85, 0xa2, 0x9d, 0x29, 0x6f, 0x60, 0xc1, 0x0a, 0x48, 0x34, 0x5c, 0x93, 0x64, 0x0b, 0xcb, 0xb4,
  0x62, 0x8e, 0x7a, 0xb8, 0x4f, 0x79, 0xba, 0xbc, 0x19, 0x28, 0x80, 0xc2, 0x88, 0xf1, 0xe6, 0x56,
};

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  static ModelKeyPair *key;
  if (key == NULL)
    key = model_key_pair_from_seed (issuer_seed);

  const char *bytes = (const char *) data;
  g_autofree char *sig_text = conf_signature_make (CONF_DOC_FEED, key, bytes, size);
  ConfSignature sig;
  if (!conf_signature_parse ("feed.json.sig", sig_text, strlen (sig_text), &sig, NULL))
    abort ();
  g_autoptr (GError) error = NULL;
  g_autoptr (ConfFeedDoc) doc = conf_feed_check (bytes, size, &sig, model_key_pair_public (key),
                                                 &error);
  if (doc == NULL)
    {
      if (error == NULL || error->domain != CONF_CERT_ERROR || error->message[0] == '\0')
        abort ();
      return 0;
    }
  g_autofree char *text = fuzz_text (data, size);
  g_autoptr (JsonObject) obj = conf_json_parse_object (text, size, NULL);
  g_autoptr (JsonNode) node = obj ? json_node_init_object (json_node_alloc (), obj) : NULL;
  g_autofree char *canon = node ? conf_json_canonical (node, NULL) : NULL;
  if (canon == NULL || strlen (canon) + 1 != size || memcmp (canon, bytes, size - 1) != 0
      || bytes[size - 1] != '\n')
    abort ();

  if (conf_feed_doc_published_at (doc) >= conf_feed_doc_next_update (doc))
    abort ();
  guint64 count = 0;
  guint8 hash[32];
  conf_feed_doc_history (doc, &count, hash);
  g_autofree char *signer = base_hex_encode_dup (model_key_pair_id (key), MODEL_KEY_ID_LEN);
  if (strcmp (conf_feed_doc_key_id (doc), signer) != 0)
    abort ();
  for (guint64 serial = 0; serial < 4; serial++)
    {
      gint64 at = 0;
      const char *reason = NULL;
      if (conf_feed_doc_revoked (doc, serial, &at, &reason) && reason == NULL)
        abort ();
    }
  const char *ids[] = { "CH000101", "CH200001", "" };
  for (gsize i = 0; i < G_N_ELEMENTS (ids); i++)
    conf_feed_doc_channel_status (doc, ids[i]);
  (void) conf_feed_doc_n_channels (doc);
  (void) conf_feed_doc_n_revoked (doc);
  return 0;
}
