/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer harness: the e-card store's loader (model/std/store.h) on an
 * SQLite file, doing what `essc store check FILE` does (cli/cmd_store.c):
 * model_store_open_readonly, model_store_load of every part into new
 * objects (each row through its module's restore), model_ledger_reconcile,
 * model_audit_log_verify of the chain, then the saved head:
 * model_store_load_audit_head, model_store_audit_saved,
 * model_audit_signed_head_verify with the store's own trust list and
 * model_audit_log_verify against it.  The input is the database file
 * (written to the harness's temporary folder, without a -wal beside it, so
 * SQLite opens it immutable); the validation time is fixed, where the
 * command takes the clock.  A damaged file, a foreign or newer database, a
 * missing table or a bad row must be refused with a MODEL_STORE_ERROR that
 * names the file, never crash SQLite or a restore function.
 */
#include "model/std/store.h"
#include "tests/fuzz/harness.h"

#include <stdlib.h>
#include <string.h>

#define NOW G_GINT64_CONSTANT (1893456000)   /* 2030-01-01, after every demo time */

static void
refused (const GError *error, const char *path)
{
  if (error == NULL || error->domain != MODEL_STORE_ERROR || error->message[0] == '\0'
      || strstr (error->message, path) == NULL)
    abort ();
}

/* check_head of cli/cmd_store.c, the printing left out. */
static void
check_head (ModelStore *store, const ModelAuditLog *audit, const ModelTrustList *trust,
            const char *path)
{
  ModelAuditSignedHead head;
  gboolean present = FALSE, saved = FALSE;
  guint64 bad_seq = 0;
  g_autoptr (GError) error = NULL;
  if (!model_store_load_audit_head (store, &head, &present, &error)
      || !model_store_audit_saved (store, &saved, &error))
    {
      refused (error, path);
      return;
    }
  if (!present)
    return;
  const guint8 *pk = model_trust_list_lookup (trust, head.key_id);
  if (pk == NULL)
    return;
  if (!model_audit_signed_head_verify (&head, pk, &error))
    {
      if (error == NULL || error->message[0] == '\0')
        abort ();
      return;
    }
  if (!model_audit_log_verify (audit, &head.head, MODEL_AUDIT_VERIFY_EXACT_HEAD, &bad_seq,
                               &error)
      && (error == NULL || error->message[0] == '\0'))
    abort ();
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  const char *path = fuzz_file ("store.db", data, size);
  g_autoptr (GError) error = NULL;
  g_autoptr (ModelStore) store = model_store_open_readonly (path, &error);
  if (store == NULL)
    {
      refused (error, path);
      return 0;
    }
  g_autoptr (ModelCardRegistry) cards = model_card_registry_new (NULL);
  g_autoptr (ModelPinTable) pins = model_pin_table_new (0, 0);
  g_autoptr (ModelChannelRegistry) channels = model_channel_registry_new (NULL);
  g_autoptr (ModelConsentStore) consents = model_consent_store_new (NULL);
  g_autoptr (ModelLedger) ledger = model_ledger_new ();
  g_autoptr (ModelAuditLog) audit = model_audit_log_new ();
  g_autoptr (ModelTrustList) trust = model_trust_list_new ();
  ModelState state = { cards, pins, channels, consents, ledger, audit, trust };
  if (!model_store_load (store, &state, NOW, &error))
    {
      refused (error, path);
      return 0;
    }

  ModelLedgerReport report;
  guint64 bad_seq = 0;
  if (!model_ledger_reconcile (ledger, TRUE, &report, &error))
    {
      if (error == NULL || error->message[0] == '\0')
        abort ();
      g_clear_error (&error);
    }
  if (!model_audit_log_verify (audit, NULL, MODEL_AUDIT_VERIFY_DEFAULT, &bad_seq, &error))
    {
      if (error == NULL || error->message[0] == '\0')
        abort ();
      g_clear_error (&error);
    }
  check_head (store, audit, trust, path);
  return 0;
}
