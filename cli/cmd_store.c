/* SPDX-License-Identifier: MIT */
/*
 * essc store: inspects a model database written by the reference
 * implementation (model/std/store, ESSC-STD section 10).  `essc store check
 * FILE` loads every part through the modules' own validation, then proves
 * the books (every payment settled exactly once on its route) and the audit
 * chain, opening the file read-only (it never writes).  Exit 0 when the database is whole, 1 when the books or the trail
 * show tampering, 2 when the file is missing, damaged, of another program
 * or version, or holds a row that does not validate.
 */
#include "cli/cli.h"
#include "base/hex.h"
#include "model/std/store.h"

#include <stdio.h>

/*
 * The trail against the head the platform signed when it saved it: a trail
 * cut short (its last entries deleted: still a valid chain) or grown falls
 * short of or passes the count the head covers.  Returns 1 when it matches
 * (or the store never held a trail), 0 when it does not (said on stdout),
 * -1 with error when the head cannot be read.
 */
static int
check_head (ModelStore *store, const ModelAuditLog *audit, const ModelTrustList *trust,
            GError **error)
{
  ModelAuditSignedHead head;
  gboolean present = FALSE, saved = FALSE;
  guint64 bad_seq = 0;
  g_autoptr (GError) why = NULL;
  if (!model_store_load_audit_head (store, &head, &present, error)
      || !model_store_audit_saved (store, &saved, error))
    return -1;
  if (!present)
    {
      if (!saved && model_audit_log_length (audit) == 0)
        return 1;
      printf ("audit head: MISSING: no signed head of the trail (%" G_GUINT64_FORMAT
              " entries): entries removed from its end could not be told\n",
              model_audit_log_length (audit));
      return 0;
    }
  char key_hex[2 * MODEL_KEY_ID_LEN + 1];
  base_hex_encode (head.key_id, MODEL_KEY_ID_LEN, key_hex);
  const guint8 *pk = model_trust_list_lookup (trust, head.key_id);
  if (pk == NULL)
    {
      printf ("audit head: NOT VERIFIED: signed by key %s, which the store's trust list does "
              "not hold\n", key_hex);
      return 0;
    }
  if (!model_audit_signed_head_verify (&head, pk, &why))
    {
      printf ("audit head: NOT VERIFIED: %s\n", why->message);
      return 0;
    }
  if (!model_audit_log_verify (audit, &head.head, MODEL_AUDIT_VERIFY_EXACT_HEAD, &bad_seq, &why))
    {
      printf ("audit head: the trail does NOT match the head signed by key %s: it covers %"
              G_GUINT64_FORMAT " entries, the store holds %" G_GUINT64_FORMAT "%s (%s)\n",
              key_hex, head.head.count, model_audit_log_length (audit),
              model_audit_log_length (audit) < head.head.count ? ": TRUNCATED" : "",
              why->message);
      return 0;
    }
  printf ("audit head: signed by key %s, covers all %" G_GUINT64_FORMAT " entries\n", key_hex,
          head.head.count);
  return 1;
}

static int
check (const char *path)
{
  g_autoptr (GError) error = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      fprintf (stderr, "essc store: %s: no such file\n", path);
      return ESSC_EXIT_USAGE;
    }
  /* Read only: a check never writes (an empty file stays empty, and is
   * refused as no store at all). */
  g_autoptr (ModelStore) store = model_store_open_readonly (path, &error);
  if (store == NULL)
    {
      fprintf (stderr, "essc store: %s\n", error->message);
      return ESSC_EXIT_USAGE;
    }
  g_autoptr (ModelCardRegistry) cards = model_card_registry_new (NULL);
  g_autoptr (ModelPinTable) pins = model_pin_table_new (0, 0);
  g_autoptr (ModelChannelRegistry) channels = model_channel_registry_new (NULL);
  g_autoptr (ModelConsentStore) consents = model_consent_store_new (NULL);
  g_autoptr (ModelLedger) ledger = model_ledger_new ();
  g_autoptr (ModelAuditLog) audit = model_audit_log_new ();
  g_autoptr (ModelTrustList) trust = model_trust_list_new ();
  ModelState state = { cards, pins, channels, consents, ledger, audit, trust };
  if (!model_store_load (store, &state, now, &error))
    {
      fprintf (stderr, "essc store: %s\n", error->message);
      return ESSC_EXIT_USAGE;
    }

  ModelLedgerReport report;
  ModelAuditHead head;
  guint64 bad_seq = 0;
  gboolean whole = TRUE;
  model_audit_log_head (audit, &head);
  printf ("%s: schema %d, %" G_GUINT64_FORMAT " payment orders, %" G_GUINT64_FORMAT
          " postings, %" G_GUINT64_FORMAT " audit entries, %u trusted keys\n",
          path, model_store_schema_version (), model_ledger_n_orders (ledger),
          model_ledger_n_postings (ledger), head.count, model_trust_list_size (trust));
  if (model_ledger_reconcile (ledger, TRUE, &report, &error))
    printf ("books: whole (%" G_GUINT64_FORMAT " settled, %" G_GUINT64_FORMAT " pending)\n",
            report.n_settled, report.n_accepted);
  else
    {
      printf ("books: NOT whole: %s (%s)\n", error->message,
              model_std_code_name ((ModelStdCode) error->code));
      g_clear_error (&error);
      whole = FALSE;
    }
  if (model_audit_log_verify (audit, NULL, MODEL_AUDIT_VERIFY_DEFAULT, &bad_seq, &error))
    printf ("audit trail: chain intact\n");
  else
    {
      printf ("audit trail: BROKEN at entry %" G_GUINT64_FORMAT ": %s (%s)\n", bad_seq,
              error->message, model_std_code_name ((ModelStdCode) error->code));
      g_clear_error (&error);
      whole = FALSE;
    }
  int head_ok = check_head (store, audit, trust, &error);
  if (head_ok < 0)
    {
      fprintf (stderr, "essc store: %s\n", error->message);
      return ESSC_EXIT_USAGE;
    }
  return whole && head_ok ? ESSC_EXIT_OK : ESSC_EXIT_FAILED;
}

int
essc_cmd_store (int argc, char **argv)
{
  if (!essc_cli_parse (&argc, &argv, "store", "check FILE",
                       "Checks a model database: loads and validates every row, reconciles\n"
                       "the payment books and verifies the audit chain.\n"
                       "Exit status: 0 whole, 1 books or trail tampered with, 2 unreadable\n"
                       "or invalid file.",
                       NULL))
    return ESSC_EXIT_USAGE;
  if (argc < 2 || g_strcmp0 (argv[1], "check") != 0)
    return essc_cli_usage_error ("store", "expected: check FILE");
  if (argc != 3)
    return essc_cli_usage_error ("store", "check takes exactly one FILE");
  return check (argv[2]);
}
