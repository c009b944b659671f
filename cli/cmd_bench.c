/* SPDX-License-Identifier: MIT */
/*
 * essc bench: measures the cost of the reference implementation's
 * operations (model/) on this machine, one core: ID validation, credential
 * signing and verification, QR token issue and verification (with the
 * status look-up and the replay cache), a channel's signed request, the
 * three-authorisation check, payment submission with settlement, an audit
 * append, and a PIN verification (Argon2id, interactive limits).  Each
 * operation runs over a fixed batch of prepared inputs, repeated until the
 * time budget is spent; the table gives microseconds per operation and
 * operations per second.  These are the service-time figures the platform
 * latency model starts from.
 */
#include "cli/cli.h"
#include "model/audit.h"
#include "model/card.h"
#include "model/channel.h"
#include "model/consent.h"
#include "model/credential.h"
#include "model/id.h"
#include "model/ledger.h"
#include "model/pin.h"
#include "model/qr.h"
#include "sim/erlang.h"
#include "sim/queue.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#define T0 ((gint64) 1590969600)
#define BATCH 4096

typedef struct {
  ModelCardRegistry *cards;
  ModelTrustList *trust;
  ModelPlatformKey *platform;
  ModelDeviceKey *device;
  ModelChannelRegistry *channels;
  ModelConsentStore *consents;
  ModelPinTable *pins;
  ModelEcard ecard;
  GBytes *cred;
  char **tokens;                 /* BATCH identity tokens, distinct nonces */
  ModelChannelRequest *requests; /* BATCH signed requests, distinct nonces */
  guint8 channel_sk[crypto_sign_SECRETKEYBYTES];
  ModelQrReplayCache *qr_cache;  /* renewed every pass over the tokens */
  ModelLedger *ledger;
  ModelAuditLog *audit;          /* renewed every 100 000 entries */
} Fixture;

typedef gboolean (*OpFn) (Fixture *f, guint64 i, GError **error);

static gboolean
op_id (Fixture *f, guint64 i, GError **error)
{
  return model_id_validate (i % 2 ? "11010519491231002X" : "440524188001010014", T0, NULL, error);
}

static gboolean
op_cred_verify (Fixture *f, guint64 i, GError **error)
{
  gsize len;
  const guint8 *data = g_bytes_get_data (f->cred, &len);
  return model_credential_verify (data, len, f->trust, model_card_status_fn, f->cards, T0, NULL,
                                  error);
}

static gboolean
op_cred_sign (Fixture *f, guint64 i, GError **error)
{
  ModelCredential cred;
  gsize len;
  const guint8 *data = g_bytes_get_data (f->cred, &len);
  if (!model_credential_decode (data, len, &cred, error))
    return FALSE;
  cred.issued_at += (gint64) (i % 1000);
  g_autoptr (GBytes) signed_cred = model_credential_sign (&cred, f->platform, error);
  return signed_cred != NULL;
}

static gboolean
op_qr_issue (Fixture *f, guint64 i, GError **error)
{
  gsize len;
  const guint8 *data = g_bytes_get_data (f->cred, &len);
  g_autofree char *text = model_qr_issue (f->device, data, len, MODEL_QR_IDENTITY, NULL, T0,
                                          error);
  return text != NULL;
}

static gboolean
op_qr_verify (Fixture *f, guint64 i, GError **error)
{
  /* A fresh replay cache per pass over the batch keeps every token new. */
  if (i % BATCH == 0)
    {
      g_clear_pointer (&f->qr_cache, model_qr_replay_cache_free);
      f->qr_cache = model_qr_replay_cache_new ();
    }
  ModelQrVerifier verifier = { f->trust, model_card_status_fn, f->cards, f->qr_cache };
  return model_qr_verify (&verifier, f->tokens[i % BATCH], MODEL_QR_IDENTITY, FALSE, T0 + 1,
                          NULL, error);
}

static gboolean
op_channel_verify (Fixture *f, guint64 i, GError **error)
{
  if (i % BATCH == 0 && i > 0)
    {
      /* A new registry per pass: nonces are new to it again. */
      ModelChannel ch;
      model_channel_registry_lookup (f->channels, "CH000001", &ch, NULL);
      model_channel_registry_free (f->channels);
      f->channels = model_channel_registry_new (NULL);
      if (!model_channel_registry_restore (f->channels, &ch, error))
        return FALSE;
    }
  return model_channel_registry_verify (f->channels, &f->requests[i % BATCH], NULL, 0, T0,
                                        error);
}

static gboolean
op_consent (Fixture *f, guint64 i, GError **error)
{
  ModelConsentDecision d;
  if (!model_consent_store_check (f->consents, "11010519491231002X", "CH000001", "MIB-110000",
                                  MODEL_CONSENT_SCOPE_INSURANCE_RECORD, T0, &d, error))
    return FALSE;
  if (d.code != MODEL_STD_OK)
    {
      g_set_error (error, MODEL_CONSENT_ERROR, d.code, "consent refused");
      return FALSE;
    }
  return TRUE;
}

static gboolean
op_pay (Fixture *f, guint64 i, GError **error)
{
  char key[32];
  g_snprintf (key, sizeof key, "k%" G_GUINT64_FORMAT, i);
  ModelPaymentRequest req = {
    .channel_id = "CH000001", .idempotency_key = key, .city = 110100, .payee = "P1",
    .amount_fen = 100, .currency = "CNY", .ecard_level = 2, .pin_verified = TRUE,
  };
  memcpy (req.ecard_id, f->ecard.id, sizeof req.ecard_id);
  ModelStdCode outcome;
  const ModelPaymentOrder *order = model_ledger_submit (f->ledger, &req, T0, model_card_status_fn,
                                                        f->cards, &outcome, error);
  return order != NULL && model_ledger_settle (f->ledger, order->order_id, T0, NULL, error);
}

static gboolean
op_audit (Fixture *f, guint64 i, GError **error)
{
  static const guint8 payload[128] = { 0 };
  if (i % 100000 == 0)
    {
      g_clear_pointer (&f->audit, model_audit_log_free);
      f->audit = model_audit_log_new ();
    }
  return model_audit_log_append (f->audit, T0, "platform", "qr.verify", payload, sizeof payload,
                                 error) != NULL;
}

static gboolean
op_pin (Fixture *f, guint64 i, GError **error)
{
  return model_pin_verify (f->pins, "11010519491231002X", "260419", 6, T0, error);
}

static gboolean
setup (Fixture *f, GError **error)
{
  guint8 seed[32] = { 1 }, pk[crypto_sign_PUBLICKEYBYTES];

  f->cards = model_card_registry_new (seed);
  f->platform = model_platform_key_from_seed (seed);
  f->device = model_device_key_from_seed (seed);
  f->trust = model_trust_list_new ();
  f->channels = model_channel_registry_new (NULL);
  f->consents = model_consent_store_new (seed);
  f->pins = model_pin_table_new (0, 0);
  f->ledger = model_ledger_new ();
  ModelIssuanceEvidence ev = { TRUE, TRUE, TRUE, TRUE };
  if (!model_trust_list_add (f->trust, model_platform_key_public (f->platform), error)
      || !model_card_register (f->cards, "A00000001", "11010519491231002X", "张三", 110100, TRUE,
                               T0, error)
      || !model_card_issue_ecard (f->cards, "A00000001", 2, &ev,
                                  model_device_key_public (f->device), T0, &f->ecard, error)
      || !model_pin_set (f->pins, "11010519491231002X", "260419", 6, T0, error))
    return FALSE;

  ModelCredential cred = { .level = 2, .ssn = "11010519491231002X", .name = "张三",
                           .card_no = "A00000001", .city = 110100, .issued_at = T0,
                           .expires_at = T0 + 86400 * 365 };
  memcpy (cred.ecard_id, f->ecard.id, sizeof cred.ecard_id);
  memcpy (cred.device_pk, f->ecard.device_pk, sizeof cred.device_pk);
  f->cred = model_credential_sign (&cred, f->platform, error);
  if (f->cred == NULL)
    return FALSE;

  gsize len;
  const guint8 *data = g_bytes_get_data (f->cred, &len);
  f->tokens = g_new0 (char *, BATCH + 1);
  for (int i = 0; i < BATCH; i++)
    if ((f->tokens[i] = model_qr_issue (f->device, data, len, MODEL_QR_IDENTITY, NULL, T0,
                                        error)) == NULL)
      return FALSE;

  crypto_sign_seed_keypair (pk, f->channel_sk, seed);
  if (!model_channel_registry_apply (f->channels, "CH000001", "bench", MODEL_CHANNEL_CLASS_BANK,
                                     1, NULL, pk, T0, error)
      || !model_channel_registry_set_status (f->channels, "CH000001", MODEL_CHANNEL_CERTIFIED, T0,
                                             error)
      || !model_channel_registry_set_status (f->channels, "CH000001", MODEL_CHANNEL_LIVE, T0,
                                             error))
    return FALSE;
  f->requests = g_new0 (ModelChannelRequest, BATCH);
  for (int i = 0; i < BATCH; i++)
    if (!model_channel_request_init (&f->requests[i], "CH000001", NULL, T0, NULL, "card.status",
                                     NULL, 0, error)
        || !model_channel_request_sign (&f->requests[i], f->channel_sk, error))
      return FALSE;

  for (int kind = 0; kind < MODEL_CONSENT_N_KINDS; kind++)
    {
      ModelConsentGrant g = { .kind = (ModelConsentKind) kind, .ssn = "11010519491231002X",
                              .channel_id = "CH000001", .department_id = "MIB-110000",
                              .scopes = MODEL_CONSENT_SCOPE_ALL, .not_before = T0 - 1,
                              .expires_at = T0 + 86400 };
      if (!model_consent_store_grant (f->consents, &g, NULL, error))
        return FALSE;
    }
  return TRUE;
}

static void
teardown (Fixture *f)
{
  model_card_registry_free (f->cards);
  model_platform_key_free (f->platform);
  model_device_key_free (f->device);
  model_trust_list_free (f->trust);
  model_channel_registry_free (f->channels);
  model_consent_store_free (f->consents);
  model_pin_table_free (f->pins);
  g_clear_pointer (&f->cred, g_bytes_unref);
  g_strfreev (f->tokens);
  g_free (f->requests);
  model_qr_replay_cache_free (f->qr_cache);
  model_ledger_free (f->ledger);
  model_audit_log_free (f->audit);
  sodium_memzero (f->channel_sk, sizeof f->channel_sk);
}

/* Runs op until budget_us has passed (at least min_runs times). */
static gboolean
measure (Fixture *f, const char *name, OpFn op, gint64 budget_us, guint64 min_runs)
{
  g_autoptr (GError) error = NULL;
  guint64 n = 0;
  gint64 start = g_get_monotonic_time (), now = start;

  while (n < min_runs || now - start < budget_us)
    {
      for (int k = 0; k < 16; k++, n++)
        if (!op (f, n, &error))
          {
            fprintf (stderr, "essc bench: %s failed at run %" G_GUINT64_FORMAT ": %s\n", name, n,
                     error->message);
            return FALSE;
          }
      now = g_get_monotonic_time ();
    }
  double us = (double) (now - start) / (double) n;
  printf ("  %-40s %10" G_GUINT64_FORMAT " %12.2f %14.0f\n", name, n, us, 1e6 / us);
  fflush (stdout);
  return TRUE;
}

int
essc_cmd_bench (int argc, char **argv)
{
  double seconds = 0.5;
  const GOptionEntry entries[] = {
    { "seconds", 0, 0, G_OPTION_ARG_DOUBLE, &seconds,
      "time budget per operation (default 0.5)", "S" },
    { NULL },
  };
  static const struct { const char *name; OpFn op; } ops[] = {
    { "id: validate a citizen ID number", op_id },
    { "credential: sign (Ed25519)", op_cred_sign },
    { "credential: verify + status look-up", op_cred_verify },
    { "qr: issue a token on the device", op_qr_issue },
    { "qr: verify (2 signatures, status, replay)", op_qr_verify },
    { "channel: verify a signed request", op_channel_verify },
    { "consent: three-authorisation check", op_consent },
    { "ledger: submit + settle a payment", op_pay },
    { "audit: append an entry (128-byte payload)", op_audit },
    { "pin: verify (Argon2id, interactive)", op_pin },
  };

  if (!essc_cli_parse (&argc, &argv, "bench", NULL,
                       "Measures the reference implementation's operations on one core:\n"
                       "runs, microseconds per operation, operations per second.",
                       entries))
    return ESSC_EXIT_USAGE;
  if (argc > 1)
    return essc_cli_usage_error ("bench", "unexpected argument '%s'", argv[1]);
  if (!(seconds > 0 && seconds <= 600))
    return essc_cli_usage_error ("bench", "--seconds: expected a number in (0, 600]");

  Fixture f = { 0 };
  g_autoptr (GError) error = NULL;
  if (!setup (&f, &error))
    {
      fprintf (stderr, "essc bench: set-up failed: %s\n", error->message);
      teardown (&f);
      return ESSC_EXIT_INTERNAL;
    }
  printf ("essc %s bench: model operations, one core, %.2f s each\n", ESSC_VERSION, seconds);
  printf ("  %-40s %10s %12s %14s\n", "operation", "runs", "us/op", "ops/s");
  gboolean ok = TRUE;
  for (gsize i = 0; i < G_N_ELEMENTS (ops) && ok; i++)
    ok = measure (&f, ops[i].name, ops[i].op, (gint64) (seconds * 1e6), i == 9 ? 4 : 64);
  teardown (&f);

  /* The queue engine of the latency model (sim/queue), against Erlang C. */
  printf ("essc %s bench: M/M/c queue simulation, one core, FCFS, load 0.9\n", ESSC_VERSION);
  printf ("  %-10s %12s %16s %14s %14s\n", "servers", "requests", "requests/s", "mean resp.",
          "Erlang C");
  const guint servers[] = { 1, 8, 64 };
  for (gsize i = 0; i < G_N_ELEMENTS (servers) && ok; i++)
    {
      double secs = 0;
      guint64 n = (guint64) (seconds * 2e7);
      double mean = sim_queue_bench (servers[i], 0.9, n, &secs);
      double mu = 1.0, lambda = 0.9 * servers[i] * mu;
      printf ("  %-10u %12" G_GUINT64_FORMAT " %16.3g %14.4f %14.4f\n", servers[i], n,
              secs > 0 ? n / secs : 0, mean, sim_erlang_mean_response (servers[i], lambda, mu));
    }
  return ok ? ESSC_EXIT_OK : ESSC_EXIT_INTERNAL;
}
