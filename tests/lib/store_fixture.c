/* SPDX-License-Identifier: MIT */
/*
 * The store tests' fixture (see store_fixture.h).
 */
#include "tests/lib/store_fixture.h"

#include <glib/gstdio.h>
#include <sodium.h>
#include <sqlite3.h>
#include <string.h>

#include "model/std/id.h"

static const ModelIssuanceEvidence EV1 = { TRUE, TRUE, FALSE, FALSE };
static const ModelIssuanceEvidence EV2 = { TRUE, TRUE, TRUE, TRUE };

/* ---- temporary directories and raw SQL ---------------------------------- */

FxStoreTmpDir *
fx_store_tmpdir_new (void)
{
  return essc_test_make_tmpdir ("essc-store-XXXXXX");
}

void
fx_store_tmpdir_free (FxStoreTmpDir *dir)
{
  g_assert_true (essc_test_remove_dir (dir));
  g_free (dir);
}

char *
fx_store_tmp_path (FxStoreTmpDir *dir, const char *name)
{
  return g_build_filename (dir, name, NULL);
}

/* Runs sql on path through a connection of its own. */
void
fx_store_sql_run (const char *path, const char *sql)
{
  sqlite3 *db = NULL;
  char *msg = NULL;
  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  int rc = sqlite3_exec (db, sql, NULL, NULL, &msg);
  if (rc != SQLITE_OK)
    g_error ("%s: %s", sql, msg);
  sqlite3_close (db);
}

/* The first column of the first row of sql, as text. */
char *
fx_store_sql_text (const char *path, const char *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *st = NULL;
  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &st, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (st), ==, SQLITE_ROW);
  char *r = g_strdup ((const char *) sqlite3_column_text (st, 0));
  sqlite3_finalize (st);
  sqlite3_close (db);
  return r;
}

/* Every row of every table, in key order, one line per row. */
char *
fx_store_dump (const char *path)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *tables = NULL;
  GString *out = g_string_new (NULL);
  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db,
                                       "SELECT name FROM sqlite_schema WHERE "
                                       "type = 'table' ORDER BY name",
                                       -1, &tables, NULL),
                   ==, SQLITE_OK);
  while (sqlite3_step (tables) == SQLITE_ROW)
    {
      const char *t = (const char *) sqlite3_column_text (tables, 0);
      g_autofree char *sql = g_strdup_printf ("SELECT * FROM %s ORDER BY 1", t);
      sqlite3_stmt *st = NULL;
      g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &st, NULL), ==, SQLITE_OK);
      while (sqlite3_step (st) == SQLITE_ROW)
        {
          g_string_append_printf (out, "%s:", t);
          for (int c = 0; c < sqlite3_column_count (st); c++)
            switch (sqlite3_column_type (st, c))
              {
              case SQLITE_INTEGER:
                g_string_append_printf (out, " %lld", sqlite3_column_int64 (st, c));
                break;
              case SQLITE_FLOAT:
                g_string_append_printf (out, " %.17g", sqlite3_column_double (st, c));
                break;
              case SQLITE_TEXT:
                g_string_append_printf (out, " '%s'", sqlite3_column_text (st, c));
                break;
              case SQLITE_BLOB:
                {
                  const guint8 *b = sqlite3_column_blob (st, c);
                  g_string_append (out, " x'");
                  for (int i = 0; i < sqlite3_column_bytes (st, c); i++)
                    g_string_append_printf (out, "%02x", b[i]);
                  g_string_append_c (out, '\'');
                }
                break;
              default:
                g_string_append (out, " NULL");
              }
          g_string_append_c (out, '\n');
        }
      sqlite3_finalize (st);
    }
  sqlite3_finalize (tables);
  sqlite3_close (db);
  return g_string_free (out, FALSE);
}

/* ---- a populated state -------------------------------------------------- */

FxStoreWorld *
fx_store_world_new (void)
{
  FxStoreWorld *w = g_new0 (FxStoreWorld, 1);
  w->cards = model_card_registry_new (NULL);
  w->pins
      = model_pin_table_new (crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN);
  w->channels = model_channel_registry_new (NULL);
  w->consents = model_consent_store_new (NULL);
  w->ledger = model_ledger_new ();
  w->audit = model_audit_log_new ();
  w->trust = model_trust_list_new ();
  w->state = (ModelState){ w->cards,  w->pins,  w->channels, w->consents,
                           w->ledger, w->audit, w->trust };
  return w;
}

void
fx_store_world_free (FxStoreWorld *w)
{
  if (w == NULL)
    return;
  model_card_registry_free (w->cards);
  model_pin_table_free (w->pins);
  model_channel_registry_free (w->channels);
  model_consent_store_free (w->consents);
  model_ledger_free (w->ledger);
  model_audit_log_free (w->audit);
  model_trust_list_free (w->trust);
  g_free (w);
}

/* The valid citizen ID whose first 17 digits are digits17. */
const char *
fx_store_ssn (const char *digits17)
{
  static char buf[8][MODEL_SSN_LEN + 1];
  static int next;
  char *out = buf[next++ % 8];
  memcpy (out, digits17, 17);
  out[17] = model_id_check_char (digits17);
  out[18] = '\0';
  return out;
}

static void
device_key (int n, guint8 pk[32])
{
  guint8 seed[crypto_sign_SEEDBYTES] = { 0 }, sk[crypto_sign_SECRETKEYBYTES];
  seed[0] = (guint8) n;
  crypto_sign_seed_keypair (pk, sk, seed);
  sodium_memzero (sk, sizeof sk);
}

static void
populate_cards (FxStoreWorld *w)
{
  GError *error = NULL;
  guint8 pk[32];
  ModelEcard e;
  static const struct
  {
    const char *no;
    int ssn;
    gboolean bank;
  } cards[] = {
    { "A00000001", 1, TRUE },  { "A00000002", 2, FALSE }, { "A00000003", 3, FALSE },
    { "A00000004", 4, FALSE }, { "B00000005", 5, TRUE },
  };
  const char *ssns[] = { NULL, SSN1, SSN2, SSN3, SSN4, SSN5 };
  for (gsize i = 0; i < G_N_ELEMENTS (cards); i++)
    g_assert_true (model_card_register (w->cards, cards[i].no, ssns[cards[i].ssn],
                                        i == 0 ? "张三" : "李四", 110100, cards[i].bank,
                                        T0, &error));
  device_key (1, pk);
  /* A00000001: a level-1 e-card unlinked by the holder, then a level-2 one. */
  g_assert_true (
      model_card_issue_ecard (w->cards, "A00000001", 1, &EV1, pk, T0 + 1, &e, &error));
  g_assert_true (model_card_revoke_ecard (w->cards, e.id, T0 + 2, &error));
  g_assert_true (
      model_card_issue_ecard (w->cards, "A00000001", 2, &EV2, pk, T0 + 3, &e, &error));
  memcpy (w->ecard_pay, e.id, sizeof e.id);
  /* A00000002 lost with its e-card; A00000003 locked; A00000004 cancelled. */
  device_key (2, pk);
  g_assert_true (
      model_card_issue_ecard (w->cards, "A00000002", 1, &EV1, pk, T0 + 4, &e, &error));
  memcpy (w->ecard_gone, e.id, sizeof e.id);
  g_assert_true (model_card_report_lost (w->cards, "A00000002", T0 + 5, &error));
  g_assert_true (model_card_lock (w->cards, "A00000003", T0 + 6, &error));
  g_assert_true (model_card_cancel (w->cards, "A00000004", T0 + 7, &error));
  /* B00000005 replaced by B00000006, which gets an e-card. */
  device_key (3, pk);
  g_assert_true (
      model_card_issue_ecard (w->cards, "B00000005", 1, &EV1, pk, T0 + 8, &e, &error));
  g_assert_true (
      model_card_replace (w->cards, "B00000005", "B00000006", T0 + 9, &error));
  g_assert_true (
      model_card_issue_ecard (w->cards, "B00000006", 1, &EV1, pk, T0 + 10, &e, &error));
  g_assert_no_error (error);
}

static void
populate_pins (FxStoreWorld *w)
{
  GError *error = NULL;
  g_assert_true (model_pin_set (w->pins, SSN1, "739164", 6, T0, &error));
  g_assert_true (model_pin_set (w->pins, SSN2, "582039", 6, T0, &error));
  g_assert_true (model_pin_set (w->pins, SSN3, "204817", 6, T0, &error));
  g_assert_no_error (error);
  /* SSN2: two wrong PINs; SSN3: five, so locked. */
  for (int i = 0; i < 5; i++)
    {
      if (i < 2)
        {
          g_assert_false (
              model_pin_verify (w->pins, SSN2, "111112", 6, T0 + i, &error));
          g_clear_error (&error);
        }
      g_assert_false (model_pin_verify (w->pins, SSN3, "111112", 6, T0 + i, &error));
      g_clear_error (&error);
    }
  ModelPinRecord r;
  g_assert_true (model_pin_get (w->pins, SSN3, &r, &error));
  g_assert_cmpint (r.failures, ==, 5);
  g_assert_cmpint (r.locked_until, >, T0);
}

static void
populate_channels (FxStoreWorld *w)
{
  GError *error = NULL;
  guint8 pk[32];
  static const struct
  {
    const char *id;
    int tier;
    const char *parent;
    ModelChannelClass klass;
  } chans[] = {
    { "CH000001", 1, NULL, MODEL_CHANNEL_CLASS_BANK },
    { "CH000002", 2, "CH000001", MODEL_CHANNEL_CLASS_MEDICAL },
    { "CH000003", 1, NULL, MODEL_CHANNEL_CLASS_HRSS },
    { "CH000004", 1, NULL, MODEL_CHANNEL_CLASS_SOCIAL },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (chans); i++)
    {
      device_key (10 + (int) i, pk);
      g_assert_true (model_channel_registry_apply (w->channels, chans[i].id, "渠道",
                                                   chans[i].klass, chans[i].tier,
                                                   chans[i].parent, pk, T0, &error));
    }
  for (int i = 0; i < 2; i++)
    {
      const char *id = i == 0 ? "CH000001" : "CH000002";
      g_assert_true (model_channel_registry_set_status (
          w->channels, id, MODEL_CHANNEL_CERTIFIED, T0 + 1, &error));
      g_assert_true (model_channel_registry_set_status (
          w->channels, id, MODEL_CHANNEL_LIVE, T0 + 2, &error));
    }
  g_assert_true (model_channel_registry_set_status (
      w->channels, "CH000004", MODEL_CHANNEL_TERMINATED, T0 + 3, &error));
  /* A risk score that is not a whole number. */
  g_assert_true (model_channel_registry_record_risk (
      w->channels, "CH000002", MODEL_CHANNEL_RISK_COMPLAINT, T0 + 4, NULL, &error));
  g_assert_true (model_channel_registry_record_risk (
      w->channels, "CH000002", MODEL_CHANNEL_RISK_COMPLAINT, T0 + 86400, NULL, &error));
  g_assert_no_error (error);
}

static void
populate_consents (FxStoreWorld *w)
{
  GError *error = NULL;
  guint8 id[MODEL_CONSENT_GRANT_ID_LEN];
  ModelConsentGrant g = { .ssn = "",
                          .channel_id = "CH000001",
                          .department_id = "",
                          .not_before = T0,
                          .expires_at = T0 + 86400 * 365 };
  /* A revoked personal grant first, then the three in force, then an expired one. */
  g.kind = MODEL_CONSENT_PERSONAL;
  strcpy (g.ssn, SSN1);
  g.scopes = MODEL_CONSENT_SCOPE_ALL;
  g_assert_true (model_consent_store_grant (w->consents, &g, id, &error));
  g_assert_true (model_consent_store_revoke (w->consents, id, T0 + 1, &error));
  g.scopes = MODEL_CONSENT_SCOPE_IDENTITY | MODEL_CONSENT_SCOPE_CARD_STATUS;
  g_assert_true (model_consent_store_grant (w->consents, &g, NULL, &error));
  g.kind = MODEL_CONSENT_DEPARTMENT;
  g.ssn[0] = '\0';
  strcpy (g.department_id, "MIB-110000");
  g_assert_true (model_consent_store_grant (w->consents, &g, NULL, &error));
  g.kind = MODEL_CONSENT_CHANNEL;
  g.department_id[0] = '\0';
  g.scopes = MODEL_CONSENT_SCOPE_ALL;
  g_assert_true (model_consent_store_grant (w->consents, &g, NULL, &error));
  g.not_before = T0 - 200;
  g.expires_at = T0 - 100;
  g_assert_true (model_consent_store_grant (w->consents, &g, NULL, &error));
  g_assert_no_error (error);
}

static void
populate_ledger (FxStoreWorld *w)
{
  GError *error = NULL;
  ModelStdCode outcome;
  g_assert_true (model_ledger_set_switch (w->ledger, 110100, T0 + 1000, &error));
  g_assert_true (model_ledger_set_switch (w->ledger, 440100, T0 - 1000, &error));
  static const struct
  {
    const char *key;
    guint32 city;
    int fate;
  } orders[] = {
    { "k-local", 110100, 0 },  { "k-unified", 440100, 0 }, { "k-pending", 110100, 1 },
    { "k-failed", 440100, 2 }, { "k-late", 110100, 0 },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (orders); i++)
    {
      ModelPaymentRequest req = {
        .channel_id = "CH000001",
        .idempotency_key = orders[i].key,
        .city = orders[i].city,
        .payee = "m-0001",
        .amount_fen = 100 + (gint64) i,
        .currency = "CNY",
        .ecard_level = 2,
        .pin_verified = TRUE,
      };
      memcpy (req.ecard_id, w->ecard_pay, MODEL_ECARD_ID_LEN);
      gint64 at = T0 + 10 + (i == 4 ? 2000 : (gint64) i);
      const ModelPaymentOrder *o = model_ledger_submit (
          w->ledger, &req, at, model_card_status_fn, w->cards, &outcome, &error);
      g_assert_no_error (error);
      g_assert_nonnull (o);
      char id[MODEL_LEDGER_ORDER_ID_LEN + 1];
      strcpy (id, o->order_id);
      if (orders[i].fate == 0)
        g_assert_true (model_ledger_settle (w->ledger, id, at + 60, &outcome, &error));
      else if (orders[i].fate == 2)
        g_assert_true (model_ledger_fail (w->ledger, id, at + 60,
                                          MODEL_STD_CARD_UNUSABLE, &outcome, &error));
    }
  g_assert_no_error (error);
  g_assert_cmpuint (model_ledger_n_postings (w->ledger), ==, 12);
}

static void
populate_audit (FxStoreWorld *w, guint n)
{
  GError *error = NULL;
  for (guint i = 0; i < n; i++)
    {
      guint8 payload[300];
      for (guint j = 0; j < sizeof payload; j++)
        payload[j] = (guint8) (i * 7 + j);
      g_assert_nonnull (model_audit_log_append (
          w->audit, T0 + i / 3, i % 2 ? "平台运维" : "CH000001",
          i % 3 ? "card.issue" : "pay.settle", payload, i % sizeof payload, &error));
    }
  g_assert_no_error (error);
}

FxStoreWorld *
fx_store_world_populated (void)
{
  FxStoreWorld *w = fx_store_world_new ();
  GError *error = NULL;
  populate_cards (w);
  populate_pins (w);
  populate_channels (w);
  populate_consents (w);
  populate_ledger (w);
  populate_audit (w, 100);
  for (int i = 0; i < 2; i++)
    {
      guint8 seed[MODEL_CRED_SEED_LEN] = { 0 };
      seed[0] = (guint8) (0x40 + i);
      g_autoptr (ModelPlatformKey) key = model_platform_key_from_seed (seed);
      g_assert_true (
          model_trust_list_add (w->trust, model_platform_key_public (key), &error));
    }
  g_assert_no_error (error);
  return w;
}

ModelStore *
fx_store_open_ok (const char *path)
{
  g_autoptr (GError) error = NULL;
  ModelStore *s = model_store_open (path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (s);
  return s;
}

void
fx_store_save_ok (const char *path, FxStoreWorld *w)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ModelStore) s = fx_store_open_ok (path);
  g_assert_true (model_store_save (s, &w->state, T0 + 5000, &error));
  g_assert_no_error (error);
}

FxStoreWorld *
fx_store_load_ok (const char *path)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ModelStore) s = fx_store_open_ok (path);
  FxStoreWorld *w = fx_store_world_new ();
  g_assert_true (model_store_load (s, &w->state, T0 + 5000, &error));
  g_assert_no_error (error);
  return w;
}
