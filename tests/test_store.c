/* SPDX-License-Identifier: MIT */
/*
 * Tests of model/store.c: a populated state survives a save and a load with
 * identical row content and behaviour; the file identifies itself and
 * refuses foreign, newer, damaged and random files; tampering in the
 * database loads as it is and is found by reconcile and verify, or is
 * refused at load naming table, key and field; a failed save leaves the
 * previous snapshot intact.  Every test works in its own temporary
 * directory and tampers with the database through a separate SQLite
 * connection, as an intruder would.
 */
#include <glib/gstdio.h>
#include <sodium.h>
#include <sqlite3.h>
#include <string.h>

#include "model/id.h"
#include "model/store.h"
#include "tests/testutil.h"

#define T0 ESSC_TEST_NOW

static const ModelIssuanceEvidence EV1 = { TRUE, TRUE, FALSE, FALSE };
static const ModelIssuanceEvidence EV2 = { TRUE, TRUE, TRUE, TRUE };

/* ---- temporary directories and raw SQL ---------------------------------- */

/* A temporary directory (its path), removed with its files when freed. */
typedef char TmpDir;

static TmpDir *
tmpdir_new (void)
{
  g_autoptr (GError) error = NULL;
  TmpDir *dir = g_dir_make_tmp ("essc-store-XXXXXX", &error);
  g_assert_no_error (error);
  return dir;
}

static void
tmpdir_free (TmpDir *dir)
{
  g_autoptr (GDir) d = dir != NULL ? g_dir_open (dir, 0, NULL) : NULL;
  const char *name;
  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *p = g_build_filename (dir, name, NULL);
      g_assert_cmpint (g_remove (p), ==, 0);
    }
  if (dir != NULL)
    g_assert_cmpint (g_rmdir (dir), ==, 0);
  g_free (dir);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TmpDir, tmpdir_free)

static char *
tmp_path (TmpDir *dir, const char *name)
{
  return g_build_filename (dir, name, NULL);
}

/* Runs sql on path through a connection of its own. */
static void
sql_run (const char *path, const char *sql)
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
static char *
sql_text (const char *path, const char *sql)
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
static char *
dump (const char *path)
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

typedef struct
{
  ModelCardRegistry *cards;
  ModelPinTable *pins;
  ModelChannelRegistry *channels;
  ModelConsentStore *consents;
  ModelLedger *ledger;
  ModelAuditLog *audit;
  ModelTrustList *trust;
  ModelState state;                      /* borrows the above */
  guint8 ecard_pay[MODEL_ECARD_ID_LEN];  /* active level 2, card A00000001 */
  guint8 ecard_gone[MODEL_ECARD_ID_LEN]; /* revoked with its lost card */
} World;

static World *
world_new (void)
{
  World *w = g_new0 (World, 1);
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

static void
world_free (World *w)
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

G_DEFINE_AUTOPTR_CLEANUP_FUNC (World, world_free)

/* The valid citizen ID whose first 17 digits are digits17. */
static const char *
ssn (const char *digits17)
{
  static char buf[8][MODEL_SSN_LEN + 1];
  static int next;
  char *out = buf[next++ % 8];
  memcpy (out, digits17, 17);
  out[17] = model_id_check_char (digits17);
  out[18] = '\0';
  return out;
}

#define SSN1 ssn ("11010519491231002")
#define SSN2 ssn ("44052418800101001")
#define SSN3 ssn ("31010119900202002")
#define SSN4 ssn ("51010719700707004")
#define SSN5 ssn ("44030519850505003")

static void
device_key (int n, guint8 pk[32])
{
  guint8 seed[crypto_sign_SEEDBYTES] = { 0 }, sk[crypto_sign_SECRETKEYBYTES];
  seed[0] = (guint8) n;
  crypto_sign_seed_keypair (pk, sk, seed);
  sodium_memzero (sk, sizeof sk);
}

static void
populate_cards (World *w)
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
populate_pins (World *w)
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
populate_channels (World *w)
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
populate_consents (World *w)
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
populate_ledger (World *w)
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
populate_audit (World *w, guint n)
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

static World *
world_populated (void)
{
  World *w = world_new ();
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

static ModelStore *
open_ok (const char *path)
{
  g_autoptr (GError) error = NULL;
  ModelStore *s = model_store_open (path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (s);
  return s;
}

static void
save_ok (const char *path, World *w)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ModelStore) s = open_ok (path);
  g_assert_true (model_store_save (s, &w->state, T0 + 5000, &error));
  g_assert_no_error (error);
}

static World *
load_ok (const char *path)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ModelStore) s = open_ok (path);
  World *w = world_new ();
  g_assert_true (model_store_load (s, &w->state, T0 + 5000, &error));
  g_assert_no_error (error);
  return w;
}

/* ---- round trip --------------------------------------------------------- */

/* STORE-2, STORE-7 */
static void
test_roundtrip (void)
{
  g_autoptr (TmpDir) t = tmpdir_new ();
  g_autofree char *a = tmp_path (t, "a.db"), *b = tmp_path (t, "b.db");
  g_autoptr (World) w = world_populated ();
  save_ok (a, w);
  g_autofree char *dump_a = dump (a);
  g_autoptr (World) back = load_ok (a);
  save_ok (b, back);
  g_autofree char *dump_b = dump (b);
  g_assert_cmpstr (dump_a, ==, dump_b);
  save_ok (a, back); /* saving what was loaded changes nothing */
  g_autofree char *dump_a2 = dump (a);
  g_assert_cmpstr (dump_a, ==, dump_a2);

  /* Every record is there, enums as wire names, ids as hex. */
  g_autofree char *n_audit = sql_text (a, "SELECT count(*) FROM audit_entry");
  g_autofree char *n_post = sql_text (a, "SELECT count(*) FROM posting");
  g_autofree char *replaced = sql_text (a, "SELECT replaced_by FROM card WHERE "
                                           "status = 'replaced'");
  g_autofree char *reasons = sql_text (a, "SELECT group_concat(revoke_reason, ',') "
                                          "FROM (SELECT revoke_reason FROM ecard "
                                          "ORDER BY revoke_reason)");
  g_autofree char *states = sql_text (a, "SELECT group_concat(state || '/' || failure, "
                                         "',') FROM payment_order");
  char hex[33];
  model_ecard_id_to_hex (w->ecard_pay, hex);
  g_autofree char *sql
      = g_strdup_printf ("SELECT level FROM ecard WHERE id = '%s'", hex);
  g_autofree char *level = sql_text (a, sql);
  g_assert_cmpstr (n_audit, ==, "100");
  g_assert_cmpstr (n_post, ==, "12");
  g_assert_cmpstr (replaced, ==, "B00000006");
  g_assert_cmpstr (reasons, ==, "card_lost,card_replaced,holder,none,none");
  g_assert_cmpstr (states, ==,
                   "settled/ok,settled/ok,accepted/ok,failed/card_unusable,"
                   "settled/ok");
  g_assert_cmpstr (level, ==, "2");

  /* Behaviour is kept. */
  GError *error = NULL;
  g_assert_cmpint (model_card_status_fn (w->ecard_pay, back->cards), ==, MODEL_STD_OK);
  g_assert_cmpint (model_card_status_fn (w->ecard_gone, back->cards), ==,
                   MODEL_STD_CARD_UNUSABLE);
  ModelCard c;
  g_assert_true (model_card_get_live_for_ssn (back->cards, SSN5, &c, &error));
  g_assert_cmpstr (c.card_no, ==, "B00000006");
  g_assert_true (model_pin_verify (back->pins, SSN1, "739164", 6, T0 + 10, &error));
  g_assert_false (model_pin_verify (back->pins, SSN3, "204817", 6, T0 + 10, &error));
  g_assert_error (error, MODEL_PIN_ERROR, MODEL_STD_PIN_LOCKED);
  g_clear_error (&error);
  ModelChannel ca, cb;
  g_assert_true (model_channel_registry_lookup (w->channels, "CH000002", &ca, &error));
  g_assert_true (
      model_channel_registry_lookup (back->channels, "CH000002", &cb, &error));
  g_assert_cmpfloat (ca.risk_score, ==, cb.risk_score);
  g_assert_cmpfloat (ca.risk_score, !=, (double) (gint64) ca.risk_score);
  g_assert_cmpint (cb.status, ==, MODEL_CHANNEL_LIVE);
  g_assert_cmpstr (cb.parent_id, ==, "CH000001");
  g_assert_true (model_consent_store_check (back->consents, SSN1, "CH000001",
                                            "MIB-110000", MODEL_CONSENT_SCOPE_IDENTITY,
                                            T0 + 10, NULL, &error));
  g_assert_false (model_consent_store_check (back->consents, SSN1, "CH000001",
                                             "MIB-110000", MODEL_CONSENT_SCOPE_PENSION,
                                             T0 + 10, NULL, &error));
  g_assert_error (error, MODEL_CONSENT_ERROR, MODEL_STD_CONSENT_MISSING);
  g_clear_error (&error);
  ModelLedgerReport ra, rb;
  g_assert_true (model_ledger_reconcile (w->ledger, TRUE, &ra, &error));
  g_assert_true (model_ledger_reconcile (back->ledger, TRUE, &rb, &error));
  g_assert_cmpmem (&ra, sizeof ra, &rb, sizeof rb);
  g_assert_cmpuint (rb.n_settled, ==, 3);
  g_assert_cmpint (model_ledger_route_for (back->ledger, 440100, T0), ==,
                   MODEL_ROUTE_UNIFIED);
  ModelAuditHead ha, hb;
  model_audit_log_head (w->audit, &ha);
  model_audit_log_head (back->audit, &hb);
  g_assert_cmpmem (&ha, sizeof ha, &hb, sizeof hb);
  g_assert_true (model_audit_log_verify (back->audit, &ha,
                                         MODEL_AUDIT_VERIFY_EXACT_HEAD, NULL, &error));
  g_assert_cmpuint (model_audit_log_length (back->audit), ==, 100);
  g_assert_cmpuint (model_trust_list_size (back->trust), ==, 2);
  g_assert_no_error (error);
}

/* STORE-6: the trust list table holds public keys only. */
static void
test_trust_public_only (void)
{
  g_autoptr (TmpDir) t = tmpdir_new ();
  g_autofree char *a = tmp_path (t, "a.db");
  g_autoptr (World) w = world_populated ();
  save_ok (a, w);
  g_autofree char *cols = sql_text (a, "SELECT group_concat(name, ',') FROM "
                                       "pragma_table_info('trusted_key')");
  g_assert_cmpstr (cols, ==, "key_id,public_key");
  g_autofree char *hashes = sql_text (a, "SELECT count(*) FROM pin WHERE hash "
                                         "LIKE '$argon2id$%'");
  g_assert_cmpstr (hashes, ==, "3");
}

/* A NULL part is neither saved nor loaded: its stored content stays. */
static void
test_partial_state (void)
{
  g_autoptr (TmpDir) t = tmpdir_new ();
  g_autofree char *a = tmp_path (t, "a.db");
  g_autoptr (World) w = world_populated ();
  save_ok (a, w);
  g_autoptr (ModelAuditLog) small = model_audit_log_new ();
  g_assert_nonnull (model_audit_log_append (small, T0, "x", "y", NULL, 0, NULL));
  ModelState only_audit = { .audit = small };
  g_autoptr (GError) error = NULL;
  g_autoptr (ModelStore) s = open_ok (a);
  g_assert_true (model_store_save (s, &only_audit, T0 + 9000, &error));
  g_autofree char *n_audit = sql_text (a, "SELECT count(*) FROM audit_entry");
  g_autofree char *n_card = sql_text (a, "SELECT count(*) FROM card");
  g_autofree char *saved = sql_text (a, "SELECT group_concat(name || '=' || saved_at, "
                                        "',') FROM (SELECT * FROM part ORDER BY name)");
  g_assert_cmpstr (n_audit, ==, "1");
  g_assert_cmpstr (n_card, ==, "6");
  g_assert_cmpstr (saved, ==,
                   "audit=1590978600,cards=1590974600,channels=1590974600,"
                   "consents=1590974600,ledger=1590974600,pins=1590974600,"
                   "trust=1590974600");
  /* Loading only the cards leaves the rest alone; a non-empty target is refused. */
  g_autoptr (ModelCardRegistry) cards = model_card_registry_new (NULL);
  ModelState only_cards = { .cards = cards };
  g_assert_true (model_store_load (s, &only_cards, T0, &error));
  g_assert_false (model_store_load (s, &only_cards, T0, &error));
  g_assert_error (error, MODEL_STORE_ERROR, MODEL_STD_INVALID_STATE);
  g_assert_nonnull (strstr (error->message, "cards"));
}

/* ---- the file ----------------------------------------------------------- */

/* STORE-5, STORE-8 */
static void
test_schema (void)
{
  g_autoptr (TmpDir) t = tmpdir_new ();
  g_autofree char *a = tmp_path (t, "a.db");
  g_assert_cmpint (model_store_schema_version (), ==, 1);
  g_assert_cmpstr (g_quark_to_string (MODEL_STORE_ERROR), ==, "model-store-error-quark");
  g_autoptr (ModelStore) s = open_ok (a);
  g_assert_cmpstr (model_store_path (s), ==, a);
  g_autofree char *version = sql_text (a, "PRAGMA user_version");
  g_autofree char *app = sql_text (a, "PRAGMA application_id");
  g_autofree char *mode = sql_text (a, "PRAGMA journal_mode");
  g_autofree char *strict = sql_text (a, "SELECT count(*) FROM sqlite_schema WHERE "
                                         "type = 'table' AND sql LIKE '%) STRICT'");
  g_assert_cmpstr (version, ==, "1");
  g_assert_cmpstr (app, ==, "1163088707"); /* 0x45535343, "ESSC" */
  g_assert_cmpstr (mode, ==, "wal");
  g_assert_cmpstr (strict, ==, "11");
  /* Opening again finds the same schema; an empty database saves and loads. */
  model_store_close (g_steal_pointer (&s));
  g_autoptr (World) empty = world_new ();
  save_ok (a, empty);
  g_autoptr (World) back = load_ok (a);
  g_assert_cmpuint (model_audit_log_length (back->audit), ==, 0);
  model_store_close (NULL);
}

static void
write_file (const char *path, const void *data, gsize len)
{
  g_autoptr (GError) error = NULL;
  g_assert_true (g_file_set_contents (path, data, (gssize) len, &error));
  g_assert_no_error (error);
}

static void
open_fails (const char *path, ModelStdCode code, const char *what)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ModelStore) s = model_store_open (path, &error);
  g_assert_null (s);
  g_assert_error (error, MODEL_STORE_ERROR, (int) code);
  g_assert_true (g_str_has_prefix (error->message, path));
  if (strstr (error->message, what) == NULL)
    g_error ("'%s' lacks '%s'", error->message, what);
}

/* STORE-5 */
static void
test_refused_files (void)
{
  g_autoptr (TmpDir) t = tmpdir_new ();
  g_autofree char *newer = tmp_path (t, "newer.db");
  g_autofree char *older = tmp_path (t, "older.db");
  g_autofree char *foreign = tmp_path (t, "foreign.db");
  g_autofree char *random = tmp_path (t, "random.db");
  g_autofree char *tiny = tmp_path (t, "tiny.db");
  g_autofree char *lacking = tmp_path (t, "lacking.db");
  g_autofree char *missing = g_build_filename (t, "no-such-dir", "x.db", NULL);
  model_store_close (open_ok (newer));
  sql_run (newer, "PRAGMA user_version = 2");
  open_fails (newer, MODEL_STD_MALFORMED,
              "written by a newer essc (schema 2, this one "
              "reads 1)");
  model_store_close (open_ok (older));
  sql_run (older, "PRAGMA user_version = 0");
  open_fails (older, MODEL_STD_MALFORMED, "unknown essc schema 0");
  sql_run (foreign, "CREATE TABLE songs (title TEXT)");
  open_fails (foreign, MODEL_STD_MALFORMED,
              "not an essc database (application_id "
              "0x00000000, expected 0x45535343)");
  g_autofree char *mode = sql_text (foreign, "PRAGMA journal_mode");
  g_assert_cmpstr (mode, ==, "delete"); /* untouched: not switched to WAL */
  sql_run (foreign, "PRAGMA application_id = 1234");
  open_fails (foreign, MODEL_STD_MALFORMED, "application_id 0x000004d2");
  guint8 noise[8192];
  randombytes_buf (noise, sizeof noise);
  write_file (random, noise, sizeof noise);
  open_fails (random, MODEL_STD_MALFORMED, "not an SQLite database");
  g_autofree char *kept = NULL;
  gsize kept_len = 0;
  g_assert_true (g_file_get_contents (random, &kept, &kept_len, NULL));
  g_assert_cmpmem (kept, kept_len, noise, sizeof noise); /* a refusal changes nothing */
  write_file (tiny, noise, 50);
  open_fails (tiny, MODEL_STD_MALFORMED, "not an SQLite database");
  model_store_close (open_ok (lacking));
  sql_run (lacking, "DROP TABLE posting");
  open_fails (lacking, MODEL_STD_MALFORMED, "table posting is missing");
  open_fails (missing, MODEL_STD_INTERNAL, "cannot open");
}

/* An empty file is an empty SQLite database: opened as a new store. */
static void
test_empty_file (void)
{
  g_autoptr (TmpDir) t = tmpdir_new ();
  g_autofree char *a = tmp_path (t, "a.db");
  write_file (a, "", 0);
  g_autoptr (ModelStore) s = open_ok (a);
  g_autofree char *version = sql_text (a, "PRAGMA user_version");
  g_assert_cmpstr (version, ==, "1");
}

/* A database cut short: refused at open or at load, as MALFORMED. */
static void
test_truncated (void)
{
  g_autoptr (TmpDir) t = tmpdir_new ();
  g_autofree char *a = tmp_path (t, "a.db");
  g_autoptr (World) w = world_populated ();
  save_ok (a, w); /* the last connection closed: the WAL is checkpointed */
  g_autoptr (GError) error = NULL;
  g_autofree char *bytes = NULL;
  gsize len = 0;
  g_assert_true (g_file_get_contents (a, &bytes, &len, &error));
  g_assert_cmpuint (len, >, 3 * 4096);
  write_file (a, bytes, 3 * 4096);
  g_autoptr (ModelStore) s = model_store_open (a, &error);
  g_autoptr (World) back = world_new ();
  if (s != NULL)
    g_assert_false (model_store_load (s, &back->state, T0, &error));
  g_assert_error (error, MODEL_STORE_ERROR, MODEL_STD_MALFORMED);
  g_assert_true (g_str_has_prefix (error->message, a));
}

/* ---- tampering ---------------------------------------------------------- */

/* STORE-4: a deleted posting loads, and reconcile finds it. */
static void
test_tamper_posting (void)
{
  g_autoptr (TmpDir) t = tmpdir_new ();
  g_autofree char *a = tmp_path (t, "a.db");
  g_autoptr (World) w = world_populated ();
  save_ok (a, w);
  sql_run (a, "DELETE FROM posting WHERE pos = 5");
  g_autoptr (World) back = load_ok (a);
  g_autoptr (GError) error = NULL;
  g_assert_cmpuint (model_ledger_n_postings (back->ledger), ==, 11);
  g_assert_false (model_ledger_reconcile (back->ledger, TRUE, NULL, &error));
  g_assert_nonnull (error);
  g_assert_true (error->domain == MODEL_LEDGER_ERROR);
}

/* STORE-4: an edited or duplicated audit entry loads, and verify names it. */
static void
test_tamper_audit (void)
{
  g_autoptr (TmpDir) t = tmpdir_new ();
  g_autofree char *a = tmp_path (t, "a.db");
  g_autoptr (World) w = world_populated ();
  ModelAuditHead head;
  model_audit_log_head (w->audit, &head);
  save_ok (a, w);
  sql_run (a, "UPDATE audit_entry SET payload = x'00' WHERE seq = 42");
  g_autoptr (World) back = load_ok (a);
  g_autoptr (GError) error = NULL;
  guint64 bad = 0;
  g_assert_false (model_audit_log_verify (back->audit, &head, 0, &bad, &error));
  g_assert_error (error, MODEL_AUDIT_ERROR, MODEL_STD_BAD_SIGNATURE);
  g_assert_cmpuint (bad, ==, 42);
  g_clear_error (&error);

  save_ok (a, w);
  sql_run (a, "INSERT INTO audit_entry SELECT 1000, seq, time, actor, action, payload, "
              "prev_hash, hash FROM audit_entry WHERE pos = 10");
  g_autoptr (World) dup = load_ok (a);
  g_assert_cmpuint (model_audit_log_length (dup->audit), ==, 101);
  g_assert_false (model_audit_log_verify (dup->audit, NULL, 0, &bad, &error));
  g_assert_error (error, MODEL_AUDIT_ERROR, MODEL_STD_MALFORMED);
  g_assert_cmpuint (bad, ==, 100);
}

/* STORE-3: a row that does not restore is refused naming table, key and field. */
static void
test_tamper_refused (void)
{
  static const struct
  {
    const char *sql;
    const char *want;
  } cases[] = {
    { "UPDATE card SET status = 'xyz' WHERE card_no = 'A00000003'",
      "table card, card_no A00000003: status 'xyz' is not a card status" },
    { "UPDATE card SET ssn = '110105194912310021' WHERE card_no = 'A00000001'",
      "table card, card_no A00000001: ssn" },
    { "UPDATE card SET ssn = '1101051949123100211' WHERE card_no = 'A00000001'",
      "table card, card_no A00000001: ssn: 19 bytes, expected at most 18" },
    { "UPDATE card SET name = 'a' || char(0) || 'b' WHERE card_no = 'A00000002'",
      "table card, card_no A00000002: name: contains a NUL byte" },
    { "UPDATE card SET name = CAST (x'e5bca0c3' AS TEXT) WHERE card_no = 'A00000001'",
      "table card, card_no A00000001: name" },
    { "UPDATE card SET city = 1099511627776 WHERE card_no = 'A00000002'",
      "table card, card_no A00000002: city: 1099511627776 out of range" },
    { "UPDATE card SET bank_account_active = 2 WHERE card_no = 'A00000002'",
      "card_no A00000002: bank_account_active: 2 out of range 0..1" },
    { "UPDATE card SET card_no = 'A0000000\"' WHERE card_no = 'A00000003'",
      "table card, card_no A0000000\\\": card_no" },
    { "UPDATE ecard SET revoke_reason = 'stolen' WHERE status = 'revoked'",
      "table ecard, id " },
    { "UPDATE ecard SET device_pk = x'00'", "device_pk: 1 bytes, expected 32" },
    { "UPDATE ecard SET id = 'XYZ' WHERE revoke_reason = 'holder'",
      "id: 'XYZ', expected 32 lowercase hex" },
    { "UPDATE pin SET failures = 9", "table pin, ssn " },
    { "UPDATE channel SET class = 'casino' WHERE id = 'CH000003'",
      "table channel, id CH000003: class 'casino' is not a channel class" },
    { "UPDATE channel SET status = 'live ' WHERE id = 'CH000004'",
      "table channel, id CH000004: status 'live ' is not a channel status" },
    { "UPDATE consent_grant SET scopes = 'identity,bogus' WHERE pos = 2",
      "table consent_grant, grant_id " },
    { "UPDATE consent_grant SET kind = 'friend' WHERE pos = 0",
      "kind 'friend' is not a consent kind" },
    { "UPDATE payment_order SET state = 'paid' WHERE pos = 1",
      "table payment_order, order_id " },
    { "UPDATE payment_order SET failure = 'oops' WHERE pos = 3",
      "failure 'oops' is not an error code" },
    { "UPDATE payment_order SET idempotency_key = 'k-other' WHERE pos = 0",
      "order_id: not the BLAKE2b-256 of its channel_id" },
    { "UPDATE posting SET side = 'both' WHERE pos = 7",
      "table posting, pos 7: side 'both' is not an entry side" },
    { "UPDATE posting SET account = 'nowhere' WHERE pos = 2",
      "table posting, pos 2: account" },
    { "UPDATE audit_entry SET prev_hash = x'0102' WHERE pos = 3",
      "table audit_entry, pos 3: prev_hash: 2 bytes, expected 32" },
    { "UPDATE audit_entry SET actor = '' WHERE pos = 4",
      "table audit_entry, pos 4: actor" },
    { "UPDATE audit_entry SET actor = CAST (x'41ff' AS TEXT) WHERE pos = 5",
      "table audit_entry, pos 5: actor" },
    { "UPDATE trusted_key SET key_id = '0000000000000000' WHERE rowid = 1",
      "table trusted_key, key_id 0000000000000000: key_id: not the key id" },
    { "UPDATE settlement_switch SET switch_at = -5 WHERE city = 110100",
      "table settlement_switch, city 110100: " },
  };
  g_autoptr (World) w = world_populated ();
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (TmpDir) t = tmpdir_new ();
      g_autofree char *a = tmp_path (t, "a.db");
      save_ok (a, w);
      sql_run (a, cases[i].sql);
      g_autoptr (GError) error = NULL;
      g_autoptr (ModelStore) s = open_ok (a);
      g_autoptr (World) back = world_new ();
      if (model_store_load (s, &back->state, T0 + 5000, &error))
        g_error ("case %zu: loaded", i);
      g_assert_error (error, MODEL_STORE_ERROR, MODEL_STD_MALFORMED);
      g_test_message ("case %zu: %s", i, error->message);
      g_autofree char *prefix = g_strconcat (a, ": ", NULL);
      g_assert_true (g_str_has_prefix (error->message, prefix));
      if (strstr (error->message, cases[i].want) == NULL)
        g_error ("case %zu: '%s' lacks '%s'", i, error->message, cases[i].want);
    }
}

/* STORE-1: a save that fails midway rolls back; the previous snapshot stays. */
static void
test_failed_save (void)
{
  g_autoptr (TmpDir) t = tmpdir_new ();
  g_autofree char *a = tmp_path (t, "a.db");
  g_autoptr (World) w = world_populated ();
  save_ok (a, w);
  g_autofree char *before = dump (a);
  /* More state, and a trigger that makes the 51st audit insert fail, after
   * the cards, PINs, channels, consents and ledger were already rewritten. */
  GError *error = NULL;
  g_assert_true (model_card_register (w->cards, "C00000007", ssn ("11010119800101001"),
                                      "王五", 110100, FALSE, T0, &error));
  g_assert_nonnull (model_audit_log_append (w->audit, T0 + 100, "平台运维",
                                            "card.register", NULL, 0, &error));
  sql_run (a, "CREATE TRIGGER boom BEFORE INSERT ON audit_entry WHEN NEW.seq = 50 "
              "BEGIN SELECT RAISE(ABORT, 'injected failure'); END");
  g_autoptr (ModelStore) s = open_ok (a);
  g_assert_false (model_store_save (s, &w->state, T0 + 6000, &error));
  g_assert_error (error, MODEL_STORE_ERROR, MODEL_STD_INTERNAL);
  g_assert_nonnull (strstr (error->message, "table audit_entry: cannot save row 50: "
                                            "injected failure"));
  g_clear_error (&error);
  g_autofree char *after = dump (a);
  g_assert_cmpstr (before, ==, after);
  {
    g_autoptr (World) back = load_ok (a);
    g_assert_cmpuint (model_audit_log_length (back->audit), ==, 100);
    ModelCard c;
    g_assert_false (model_card_get (back->cards, "C00000007", &c, &error));
    g_assert_error (error, MODEL_CARD_ERROR, MODEL_STD_NOT_FOUND);
    g_clear_error (&error);
  }
  /* The store is still usable: without the trigger the save goes through. */
  sql_run (a, "DROP TRIGGER boom");
  g_assert_true (model_store_save (s, &w->state, T0 + 6000, &error));
  g_assert_no_error (error);
  g_autoptr (World) again = load_ok (a);
  g_assert_cmpuint (model_audit_log_length (again->audit), ==, 101);
}

int
main (int argc, char **argv)
{
  essc_test_init (&argc, &argv);
  g_test_add_func ("/store/roundtrip/populated", test_roundtrip);
  g_test_add_func ("/store/roundtrip/trust-public-only", test_trust_public_only);
  g_test_add_func ("/store/roundtrip/partial-state", test_partial_state);
  g_test_add_func ("/store/file/schema", test_schema);
  g_test_add_func ("/store/file/refused", test_refused_files);
  g_test_add_func ("/store/file/empty-is-new", test_empty_file);
  g_test_add_func ("/store/file/truncated", test_truncated);
  g_test_add_func ("/store/tamper/posting-deleted", test_tamper_posting);
  g_test_add_func ("/store/tamper/audit-edited", test_tamper_audit);
  g_test_add_func ("/store/tamper/row-refused", test_tamper_refused);
  g_test_add_func ("/store/save/failure-keeps-snapshot", test_failed_save);
  return g_test_run ();
}
