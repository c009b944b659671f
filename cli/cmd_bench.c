/* SPDX-License-Identifier: MIT */
/*
 * essc bench: measures the cost of the reference implementation's
 * operations (model/std/) on this machine, one core: ID validation, credential
 * signing and verification, QR token issue and verification (with the
 * status look-up and the replay cache), a channel's signed request, the
 * three-authorisation check, payment submission with settlement (in memory,
 * and with the settlement row committed to SQLite), an audit append, a card
 * loss report with its audit entry, and a PIN verification (Argon2id,
 * interactive limits).  Each operation runs over a fixed batch of prepared
 * inputs, repeated until the time budget is spent; the table gives
 * microseconds per operation and operations per second.  Work that only
 * resets a fixture (a new batch of cards) is timed apart and left out.
 * These are the service-time figures the platform latency model starts
 * from: --service-times writes them, summed per request kind, as CSV.
 */
#include "cli/bench_service.h"
#include "cli/cli.h"
#include "base/sqlite.h"
#include "model/std/audit.h"
#include "model/std/card.h"
#include "model/std/channel.h"
#include "model/std/consent.h"
#include "model/std/credential.h"
#include "model/std/id.h"
#include "model/std/ledger.h"
#include "model/std/pin.h"
#include "model/std/qr.h"
#include "sim/erlang.h"
#include "sim/queue.h"

#include <glib/gstdio.h>
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
  /* ledger: post a settlement (SQLite transaction) */
  ModelLedger *sql_ledger;
  char *tmpdir, *db_path;        /* made in setup, removed in teardown */
  BaseSqlite sql;                /* the database at db_path, with the bench's errors */
  sqlite3_stmt *begin, *insert, *commit;
  /* issuer: report a card lost */
  ModelCardRegistry *loss_cards; /* BATCH normal cards with active e-cards, renewed each pass */
  ModelAuditLog *loss_audit;     /* renewed with loss_cards */
  gint64 untimed_us;             /* renewal time of this measurement, left out of it */
} Fixture;

static GQuark
bench_error_quark (void)
{
  return g_quark_from_static_string ("essc-bench-error-quark");
}

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

/* Submits payment number i (idempotency key prefix + i) and settles it. */
static const ModelPaymentOrder *
pay (Fixture *f, ModelLedger *ledger, const char *prefix, guint64 i, GError **error)
{
  char key[32];
  g_snprintf (key, sizeof key, "%s%" G_GUINT64_FORMAT, prefix, i);
  ModelPaymentRequest req = {
    .channel_id = "CH000001", .idempotency_key = key, .city = 110100, .payee = "P1",
    .amount_fen = 100, .currency = "CNY", .ecard_level = 2, .pin_verified = TRUE,
  };
  memcpy (req.ecard_id, f->ecard.id, sizeof req.ecard_id);
  ModelStdCode outcome;
  const ModelPaymentOrder *order = model_ledger_submit (ledger, &req, T0, model_card_status_fn,
                                                        f->cards, &outcome, error);
  if (order == NULL || !model_ledger_settle (ledger, order->order_id, T0, NULL, error))
    return NULL;
  return order;
}

static gboolean
op_pay (Fixture *f, guint64 i, GError **error)
{
  return pay (f, f->ledger, "k", i, error) != NULL;
}

/* A payment settled in memory, then its settlement row committed in a
 * transaction of its own (WAL, synchronous NORMAL). */
static gboolean
op_settle_sql (Fixture *f, guint64 i, GError **error)
{
  const ModelPaymentOrder *order = pay (f, f->sql_ledger, "s", i, error);
  if (order == NULL || !base_sqlite_step (&f->sql, f->begin, NULL, error))
    return FALSE;
  sqlite3_bind_text (f->insert, 1, order->order_id, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (f->insert, 2, order->amount_fen);
  sqlite3_bind_int64 (f->insert, 3, order->settled_at);
  if (!base_sqlite_step (&f->sql, f->insert, NULL, error))
    {
      sqlite3_exec (f->sql.db, "ROLLBACK", NULL, NULL, NULL);
      return FALSE;
    }
  return base_sqlite_step (&f->sql, f->commit, NULL, error);
}

#define LOSS_CARD_NO "B%08d"

/* Card number and SSN of loss card k (0..BATCH-1): distinct, valid. */
static void
loss_card (int k, char card_no[MODEL_CARD_NO_LEN + 1], char ssn[MODEL_SSN_LEN + 1])
{
  g_snprintf (card_no, MODEL_CARD_NO_LEN + 1, LOSS_CARD_NO, k);
  g_snprintf (ssn, MODEL_SSN_LEN + 1, "110105198001%02d%03d", 1 + k / 1000, k % 1000);
  ssn[MODEL_SSN_LEN - 1] = model_id_check_char (ssn);
  ssn[MODEL_SSN_LEN] = '\0';
}

/* A new registry of BATCH normal cards, each with an active e-card, and an
 * empty audit log.  Its time is left out of the measurement: issuing an
 * e-card checks the device key (an Ed25519 point check), some fifty times
 * the cost of the loss report that uses the e-card up. */
static gboolean
renew_loss_cards (Fixture *f, GError **error)
{
  gint64 start = g_get_monotonic_time ();
  guint8 seed[32] = { 2 };
  ModelIssuanceEvidence ev = { TRUE, TRUE, TRUE, TRUE };

  g_clear_pointer (&f->loss_cards, model_card_registry_free);
  g_clear_pointer (&f->loss_audit, model_audit_log_free);
  f->loss_cards = model_card_registry_new (seed);
  f->loss_audit = model_audit_log_new ();
  for (int k = 0; k < BATCH; k++)
    {
      char card_no[MODEL_CARD_NO_LEN + 1], ssn[MODEL_SSN_LEN + 1];
      loss_card (k, card_no, ssn);
      if (!model_card_register (f->loss_cards, card_no, ssn, "张三", 110100, TRUE, T0, error)
          || !model_card_issue_ecard (f->loss_cards, card_no, 2, &ev,
                                      model_device_key_public (f->device), T0, NULL, error))
        return FALSE;
    }
  f->untimed_us += g_get_monotonic_time () - start;
  return TRUE;
}

/* A card loss report as the reference platform handles it (its
 * card.transition to "lost"): the card becomes lost, which revokes its
 * e-card, and the platform appends the audit entry of the request. */
static gboolean
op_card_loss (Fixture *f, guint64 i, GError **error)
{
  char card_no[MODEL_CARD_NO_LEN + 1], payload[96];
  if (i % BATCH == 0 && !renew_loss_cards (f, error))
    return FALSE;
  g_snprintf (card_no, sizeof card_no, LOSS_CARD_NO, (int) (i % BATCH));
  int len = g_snprintf (payload, sizeof payload,
                        "{\"card_no\":\"%s\",\"to\":\"lost\",\"now\":%" G_GINT64_FORMAT "}",
                        card_no, T0);
  return model_card_report_lost (f->loss_cards, card_no, T0, error)
         && model_audit_log_append (f->loss_audit, T0, "platform", "card.transition",
                                    (const guint8 *) payload, (gsize) len, error) != NULL;
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

/* The settlement database: a STRICT table in a new temporary directory,
 * WAL journal, synchronous NORMAL, and the statements every run reuses. */
static gboolean
setup_db (Fixture *f, GError **error)
{
  f->tmpdir = g_dir_make_tmp ("essc-bench-XXXXXX", error);
  if (f->tmpdir == NULL)
    return FALSE;
  f->db_path = g_build_filename (f->tmpdir, "settlement.db", NULL);
  f->sql = (BaseSqlite){ NULL, f->db_path, bench_error_quark (), MODEL_STD_INTERNAL };
  return base_sqlite_open (&f->sql, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, "open", error)
         && base_sqlite_exec (&f->sql,
                              "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
                              "CREATE TABLE settlement (order_id TEXT PRIMARY KEY,"
                              " amount_fen INTEGER NOT NULL, settled_at INTEGER NOT NULL) STRICT;",
                              "schema", error)
         && (f->begin = base_sqlite_prepare (&f->sql, "BEGIN IMMEDIATE", NULL, error)) != NULL
         && (f->insert = base_sqlite_prepare (&f->sql, "INSERT INTO settlement VALUES (?1, ?2, ?3)",
                                              NULL, error)) != NULL
         && (f->commit = base_sqlite_prepare (&f->sql, "COMMIT", NULL, error)) != NULL;
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
  f->sql_ledger = model_ledger_new ();
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
  return setup_db (f, error);
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
  model_ledger_free (f->sql_ledger);
  model_card_registry_free (f->loss_cards);
  model_audit_log_free (f->loss_audit);
  sodium_memzero (f->channel_sk, sizeof f->channel_sk);

  sqlite3_finalize (f->begin);
  sqlite3_finalize (f->insert);
  sqlite3_finalize (f->commit);
  sqlite3_close (f->sql.db);
  if (f->tmpdir != NULL)
    {
      const char *suffixes[] = { "", "-wal", "-shm", "-journal" };
      for (gsize i = 0; i < G_N_ELEMENTS (suffixes); i++)
        {
          g_autofree char *path = g_strconcat (f->db_path, suffixes[i], NULL);
          g_remove (path);
        }
      if (g_rmdir (f->tmpdir) != 0)
        fprintf (stderr, "essc bench: cannot remove %s\n", f->tmpdir);
    }
  g_free (f->db_path);
  g_free (f->tmpdir);
}

/* The measured operations, in the order of the table. */
enum {
  OP_ID, OP_CRED_SIGN, OP_CRED_VERIFY, OP_QR_ISSUE, OP_QR_VERIFY, OP_CHANNEL, OP_CONSENT,
  OP_PAY, OP_SETTLE_SQL, OP_AUDIT, OP_CARD_LOSS, OP_PIN, N_OPS
};

typedef struct {
  const char *name;
  OpFn op;
  guint64 min_runs;
} BenchOp;

static const BenchOp ops[N_OPS] = {
  [OP_ID] = { "id: validate a citizen ID number", op_id, 64 },
  [OP_CRED_SIGN] = { "credential: sign (Ed25519)", op_cred_sign, 64 },
  [OP_CRED_VERIFY] = { "credential: verify + status look-up", op_cred_verify, 64 },
  [OP_QR_ISSUE] = { "qr: issue a token on the device", op_qr_issue, 64 },
  [OP_QR_VERIFY] = { "qr: verify (2 signatures, status, replay)", op_qr_verify, 64 },
  [OP_CHANNEL] = { "channel: verify a signed request", op_channel_verify, 64 },
  [OP_CONSENT] = { "consent: three-authorisation check", op_consent, 64 },
  [OP_PAY] = { "ledger: submit + settle a payment", op_pay, 64 },
  [OP_SETTLE_SQL] = { "ledger: post a settlement (SQLite transaction)", op_settle_sql, 64 },
  [OP_AUDIT] = { "audit: append an entry (128-byte payload)", op_audit, 64 },
  [OP_CARD_LOSS] = { "issuer: report a card lost (status, audit)", op_card_loss, 64 },
  [OP_PIN] = { "pin: verify (Argon2id, interactive)", op_pin, 4 },
};

#define NAME_WIDTH 46

/* Runs op until budget_us has passed (at least min_runs times); *seconds
 * receives the seconds per operation, without the fixture renewals an op
 * timed apart (f->untimed_us). */
static gboolean
measure (Fixture *f, const BenchOp *op, gint64 budget_us, double *seconds)
{
  g_autoptr (GError) error = NULL;
  guint64 n = 0;
  gint64 start = g_get_monotonic_time (), now = start;

  f->untimed_us = 0;
  while (n < op->min_runs || now - start < budget_us)
    {
      for (int k = 0; k < 16; k++, n++)
        if (!op->op (f, n, &error))
          {
            fprintf (stderr, "essc bench: %s failed at run %" G_GUINT64_FORMAT ": %s\n",
                     op->name, n, error->message);
            return FALSE;
          }
      now = g_get_monotonic_time ();
    }
  double us = (double) (now - start - f->untimed_us) / (double) n;
  printf ("  %-*s %10" G_GUINT64_FORMAT " %12.2f %14.0f\n", NAME_WIDTH, op->name, n, us,
          1e6 / us);
  fflush (stdout);
  *seconds = us * 1e-6;
  return TRUE;
}

int
essc_cmd_bench (int argc, char **argv)
{
  double seconds = 0.5;
  g_autofree char *service_times = NULL;
  g_autoptr (GError) error = NULL;
  const GOptionEntry entries[] = {
    { "seconds", 0, 0, G_OPTION_ARG_DOUBLE, &seconds,
      "time budget per operation (default 0.5)", "S" },
    { "service-times", 0, 0, G_OPTION_ARG_FILENAME, &service_times,
      "also write the latency model's service times (CSV) to FILE", "FILE" },
    { NULL },
  };

  if (!essc_cli_parse (&argc, &argv, "bench", NULL,
                       "Measures the reference implementation's operations on one core:\n"
                       "runs, microseconds per operation, operations per second.\n"
                       "--service-times FILE also writes each request kind's service time for\n"
                       "the latency model: the sum of the seconds of the operations it costs.\n"
                       "Exit status: 0 done, 2 usage error or a --service-times file that\n"
                       "cannot be written, 3 internal error.",
                       entries))
    return ESSC_EXIT_USAGE;
  if (argc > 1)
    return essc_cli_usage_error ("bench", "unexpected argument '%s'", argv[1]);
  if (!(seconds > 0 && seconds <= 600))
    return essc_cli_usage_error ("bench", "--seconds: expected a number in (0, 600]");
  if (service_times != NULL && !essc_bench_service_check (service_times, &error))
    {
      fprintf (stderr, "essc bench: --service-times: %s\n", error->message);
      return ESSC_EXIT_USAGE;
    }

  Fixture f = { 0 };
  if (!setup (&f, &error))
    {
      fprintf (stderr, "essc bench: set-up failed: %s\n", error->message);
      teardown (&f);
      return ESSC_EXIT_INTERNAL;
    }
  printf ("essc %s bench: model operations, one core, %.2f s each\n", ESSC_VERSION, seconds);
  printf ("  %-*s %10s %12s %14s\n", NAME_WIDTH, "operation", "runs", "us/op", "ops/s");
  double per_op[N_OPS] = { 0 };
  gboolean ok = TRUE;
  for (gsize i = 0; i < N_OPS && ok; i++)
    ok = measure (&f, &ops[i], (gint64) (seconds * 1e6), &per_op[i]);
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
  if (!ok)
    return ESSC_EXIT_INTERNAL;

  if (service_times != NULL)
    {
      EsscBenchCosts costs = {
        .qr_verify = per_op[OP_QR_VERIFY], .credential_verify = per_op[OP_CRED_VERIFY],
        .channel_verify = per_op[OP_CHANNEL], .consent = per_op[OP_CONSENT],
        .settlement_sql = per_op[OP_SETTLE_SQL], .card_loss = per_op[OP_CARD_LOSS],
      };
      if (!essc_bench_service_write (service_times, &costs, &error))
        {
          fprintf (stderr, "essc bench: --service-times: %s\n", error->message);
          return ESSC_EXIT_USAGE;
        }
      g_autofree char *shown = g_filename_display_name (service_times);
      printf ("service times written to %s\n", shown);
    }
  return ESSC_EXIT_OK;
}
