/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer harness: certificates (conf_certificate_parse, conformance/
 * certificate.h; `essc cert show`, and the content check of `essc cert
 * verify`).  A refusal must say why, in CONF_CERTIFICATE_ERROR.  A
 * certificate is valid only in canonical form: what parses must be exactly
 * its canonical JSON and "\n".  Then what `essc cert verify` does next:
 * conf_certificate_check of the certificate signed by the harness's fixed
 * issuer key (the seeds' issuer), at a time inside the seeds' validity,
 * against a feed of that issuer (rendered once, with conf_feed_render)
 * that revokes serial 2 and lists CH000101 as suspended.
 */
#include "conformance/certificate.h"
#include "conformance/feed.h"
#include "conformance/json.h"
#include "conformance/signature.h"
#include "tests/fuzz/harness.h"

#include <stdlib.h>
#include <string.h>

/* The seeds' issuer key (tests/fuzz/corpus/certificate/), a test key. */
static const guint8 issuer_seed[MODEL_KEY_PAIR_SEED_LEN] = {
  0x85, 0xa2, 0x9d, 0x29, 0x6f, 0x60, 0xc1, 0x0a, 0x48, 0x34, 0x5c, 0x93, 0x64, 0x0b, 0xcb, 0xb4,
  0x62, 0x8e, 0x7a, 0xb8, 0x4f, 0x79, 0xba, 0xbc, 0x19, 0x28, 0x80, 0xc2, 0x88, 0xf1, 0xe6, 0x56,
};

#define AT 1717200000 /* 2024-06-01T00:00:00Z */

static const ModelKeyPair *
issuer_key (void)
{
  static ModelKeyPair *key;
  if (key == NULL)
    key = model_key_pair_from_seed (issuer_seed);
  return key;
}

/* The issuer's feed at AT, made once. */
static const ConfFeedDoc *
feed (void)
{
  static ConfFeedDoc *doc;
  if (doc != NULL)
    return doc;
  static const ConfFeedChannel channels[] = {
    { "CH000101", "Bank One", "bank", 1, "", "suspended", 1706832000, 1, 1704240000,
      1735776000 },
    { "CH000102", "Bank Two", "bank", 1, "", "live", 1704240000, 3, 1704240000, 1735776000 },
    { "CH200001", "Partner Two", "partner", 2, "CH000101", "suspended", 1706745600, 0, 0, 0 },
  };
  static const ConfFeedRevoked revoked[] = {
    { 2, "CH200001", 1706745600, "key compromise reported" },
  };
  ConfFeed f = {
    .issuer_name = "Test Certifying Body",
    .published_at = AT - 86400,
    .next_update = AT + 6 * 86400,
    .history_count = 14,
    .channels = channels,
    .n_channels = G_N_ELEMENTS (channels),
    .revoked = revoked,
    .n_revoked = G_N_ELEMENTS (revoked),
  };
  g_autofree char *sig_text = NULL;
  gsize len = 0;
  g_autofree char *bytes = conf_feed_render (&f, issuer_key (), &len, &sig_text, NULL);
  ConfSignature sig;
  if (bytes == NULL || !conf_signature_parse ("feed.sig", sig_text, strlen (sig_text), &sig, NULL)
      || (doc = conf_feed_check (bytes, len, &sig, model_key_pair_public (issuer_key ()), NULL))
             == NULL)
    abort ();
  return doc;
}

static void
refused (const GError *error)
{
  if (error == NULL || error->domain != CONF_CERTIFICATE_ERROR || error->message[0] == '\0')
    abort ();
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  const char *bytes = (const char *) data;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonObject) cert = conf_certificate_parse (bytes, size, &error);
  if (cert == NULL)
    {
      refused (error);
      return 0;
    }
  g_autoptr (JsonNode) node = json_node_init_object (json_node_alloc (), cert);
  g_autofree char *canon = conf_json_canonical (node, NULL);
  if (canon == NULL || strlen (canon) + 1 != size || memcmp (canon, bytes, size - 1) != 0
      || bytes[size - 1] != '\n')
    abort ();

  const ModelKeyPair *key = issuer_key ();
  g_autofree char *sig_text = conf_signature_make (CONF_DOC_CERTIFICATE, key, bytes, size);
  ConfSignature sig;
  if (!conf_signature_parse ("cert.sig", sig_text, strlen (sig_text), &sig, NULL))
    abort ();
  ConfCertCheckOptions options = { .at = AT, .feed = feed () };
  g_autoptr (JsonObject) checked = conf_certificate_check (bytes, size, &sig,
                                                           model_key_pair_public (key), &options,
                                                           &error);
  if (checked == NULL)
    refused (error);
  return 0;
}
