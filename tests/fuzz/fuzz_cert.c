/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer harness: the signed conformance report of one run
 * (conf_cert_parse, conformance/cert.h; `essc cert show`, `essc cert
 * check-report`, and a registry's `certify`).  A refusal must say why.  A
 * report is valid only in canonical form: what parses must be exactly its
 * canonical JSON and "\n".  Then what the programs do next with a report:
 * conf_cert_check with the report signed by the harness's fixed key (the
 * signature, then signer.key_id), and conf_certificate_issue of a
 * certificate for it with that key, accepting a reason for every test it
 * waived, as `essc registry certify --accept-waiver` does; an issued
 * certificate must parse and pass conf_certificate_check inside its
 * validity.
 */
#include "conformance/cert.h"
#include "conformance/certificate.h"
#include "conformance/json.h"
#include "conformance/signature.h"
#include "tests/fuzz/harness.h"

#include <stdlib.h>
#include <string.h>

/* The seeds' issuer key (tests/fuzz/corpus/cert/: signed by it), a test key. */
static const guint8 issuer_seed[MODEL_KEY_PAIR_SEED_LEN] = {
  0x85, 0xa2, 0x9d, 0x29, 0x6f, 0x60, 0xc1, 0x0a, 0x48, 0x34, 0x5c, 0x93, 0x64, 0x0b, 0xcb, 0xb4,
  0x62, 0x8e, 0x7a, 0xb8, 0x4f, 0x79, 0xba, 0xbc, 0x19, 0x28, 0x80, 0xc2, 0x88, 0xf1, 0xe6, 0x56,
};

static const ModelKeyPair *
issuer_key (void)
{
  static ModelKeyPair *key;
  if (key == NULL)
    key = model_key_pair_from_seed (issuer_seed);
  return key;
}

static void
refused (const GError *error, GQuark domain)
{
  if (error == NULL || error->domain != domain || error->message[0] == '\0')
    abort ();
}

/* The report's bytes are its canonical JSON and a newline. */
static void
check_canonical (JsonObject *report, const char *bytes, gsize len)
{
  g_autoptr (JsonNode) node = json_node_init_object (json_node_alloc (), report);
  g_autofree char *canon = conf_json_canonical (node, NULL);
  if (canon == NULL || strlen (canon) + 1 != len || memcmp (canon, bytes, len - 1) != 0
      || bytes[len - 1] != '\n')
    abort ();
}

static void
check_signed (const char *bytes, gsize len)
{
  const ModelKeyPair *key = issuer_key ();
  guint8 sig[MODEL_KEY_PAIR_SIG_LEN];
  gsize msg_len = sizeof CONF_CERT_SIGN_DOMAIN + len;
  g_autofree guint8 *msg = g_malloc (msg_len);
  memcpy (msg, CONF_CERT_SIGN_DOMAIN, sizeof CONF_CERT_SIGN_DOMAIN);
  memcpy (msg + sizeof CONF_CERT_SIGN_DOMAIN, bytes, len);
  model_key_pair_sign (key, msg, msg_len, sig);
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonObject) checked = conf_cert_check (bytes, len, model_key_pair_public (key),
                                                    model_key_pair_id (key), sig, &error);
  if (checked == NULL)
    refused (error, CONF_CERT_ERROR);
}

/* A certificate for the report, as a registry issues it. */
static void
issue (JsonObject *report, const char *bytes, gsize len)
{
  const ModelKeyPair *key = issuer_key ();
  JsonArray *used = json_object_get_array_member (report, "waivers_used");
  g_autoptr (GArray) waivers = g_array_new (FALSE, TRUE, sizeof (ConfCertWaiver));
  for (guint i = 0; i < json_array_get_length (used); i++)
    {
      ConfCertWaiver w = { json_array_get_string_element (used, i), "accepted for the fuzzing" };
      g_array_append_val (waivers, w);
    }
  ConfCertIssue is = {
    .serial = 7,
    .subject = { .channel_id = "CH000101", .name = "Bank One", .class_name = "bank", .tier = 1 },
    .issuer_name = "Fuzz Certifying Body",
    .issued_at = 1704240000, /* 2024-01-03 */
    .not_before = 1704240000,
    .not_after = 1735776000, /* 2025-01-02 */
    .waivers = (const ConfCertWaiver *) waivers->data,
    .n_waivers = waivers->len,
  };
  memcpy (is.subject.public_key, model_key_pair_public (key), MODEL_KEY_PAIR_PK_LEN);
  g_autoptr (GError) error = NULL;
  g_autofree char *sig_text = NULL;
  gsize cert_len = 0;
  g_autofree char *cert = conf_certificate_issue (&is, bytes, len, key, &cert_len, &sig_text,
                                                  &error);
  if (cert == NULL)
    {
      refused (error, CONF_CERTIFICATE_ERROR);
      return;
    }
  ConfSignature sig;
  if (!conf_signature_parse ("issued.sig", sig_text, strlen (sig_text), &sig, NULL))
    abort ();
  ConfCertCheckOptions options = { .at = 1717200000 /* 2024-06-01 */ };
  g_autoptr (JsonObject) checked = conf_certificate_check (cert, cert_len, &sig,
                                                           model_key_pair_public (key),
                                                           &options, NULL);
  if (checked == NULL)
    abort ();
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  const char *bytes = (const char *) data;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonObject) report = conf_cert_parse (bytes, size, &error);
  if (report == NULL)
    {
      refused (error, CONF_CERT_ERROR);
      return 0;
    }
  check_canonical (report, bytes, size);
  check_signed (bytes, size);
  issue (report, bytes, size);
  return 0;
}
