/* SPDX-License-Identifier: MIT */
/*
 * Tests of `essc registry check` and of the registry's refusal of damaged
 * input: the history's hash chain edited, an entry removed, inserted (with a
 * correct seq, prev_hash and hash) or two swapped, each found at the
 * position ESSC-STD 9.3 gives with its code; the state tables edited behind
 * the history's back (a status, a certificate's validity, a report's
 * bytes, a row added or removed), found by the replay; a forgery re-chained
 * to the end, and a history cut back, found only against the head of a
 * feed published earlier (AUDIT-7), and refused by publish.  Then files
 * that are not registries (missing, garbage, truncated, another program's,
 * a table or column missing, another schema) and feeds that do not verify:
 * exit 2 naming the file, and nothing written, by every command.  The
 * tampering is done with SQL on the file, as an intruder would.
 */
#include "model/std/audit.h"
#include "tests/lib/registry_fixture.h"
#include "tests/lib/testutil.h"

#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>

/* The registry every tampering starts from: CH000101 certified, then
 * suspended (entries 0..6), published to DIR/public (head 7). */
static RegFx base;
static char *base_out;

static void
make_base (void)
{
  if (base.db != NULL)
    return;
  FixtureRun r;
  rfx_new (&base, "base");
  rfx_init_registry (&base, "CH000101", "支付宝电子社保卡", NULL);
  rfx_reg (&base, &r, "test", 2, "--id", "CH000101", "--key", base.iss_key, NULL);
  rfx_expect (&r, 0, "conformant");
  rfx_reg (&base, &r, "certify", 3, "--id", "CH000101", "--key", base.iss_key, NULL);
  rfx_expect (&r, 0, "status live");
  rfx_reg (&base, &r, "suspend", 4, "--id", "CH000101", "--reason", "投诉", NULL);
  rfx_expect (&r, 0, "suspended");
  base_out = g_build_filename (base.dir, "public", NULL);
  rfx_reg (&base, &r, "publish", 5, "--out", base_out, "--key", base.iss_key, NULL);
  rfx_expect (&r, 0, "history head 7 entries");
}

/* A copy of the base registry (and of its published directory) to damage. */
static char *
copy_base (const char *name)
{
  make_base ();
  g_autofree char *bytes = NULL;
  gsize len = 0;
  g_assert_true (g_file_get_contents (base.db, &bytes, &len, NULL));
  char *path = g_strdup_printf ("%s/%s.db", base.dir, name);
  g_autoptr (GError) e = NULL;
  g_file_set_contents (path, bytes, (gssize) len, &e);
  g_assert_no_error (e);
  return path;
}

/* essc registry SUB --db path ARGS... */
static void
reg_at (FixtureRun *r, const char *path, const char *sub, ...)
{
  g_autoptr (GPtrArray) args = g_ptr_array_new ();
  g_autofree char *now = rfx_at (60);
  const char *fixed[] = { fx.bin, "registry", sub, "--db", path, "--now", now };
  for (guint i = 0; i < G_N_ELEMENTS (fixed); i++)
    g_ptr_array_add (args, (gpointer) fixed[i]);
  va_list ap;
  va_start (ap, sub);
  const char *a;
  while ((a = va_arg (ap, const char *)) != NULL)
    g_ptr_array_add (args, (gpointer) a);
  va_end (ap);
  /* As rfx_reg: the subcommands that run the suite read the fixture's vectors. */
  if (strcmp (sub, "test") == 0 || strcmp (sub, "renew") == 0)
    {
      g_ptr_array_add (args, (gpointer) "--vectors");
      g_ptr_array_add (args, base.vectors);
    }
  g_ptr_array_add (args, NULL);
  fixture_run ((const char *const *) args->pdata, NULL, 300, r);
}

/* check on path: exit 1, one line on stdout with each part. */
static void
check_damaged (const char *path, const char *part1, const char *part2)
{
  FixtureRun r;
  reg_at (&r, path, "check", NULL);
  if (r.code != 1 || strstr (r.out, part1) == NULL || (part2 && strstr (r.out, part2) == NULL)
      || strchr (r.out, '\n') != r.out + strlen (r.out) - 1)
    g_error ("check %s: exit %d (expected 1 and one line with \"%s\", \"%s\")\n%s%s", path,
             r.code, part1, part2 ? part2 : "", r.out, r.err);
  g_test_message ("%s", r.out);
  fixture_run_clear (&r);
}

/* A write and publish refuse a registry that does not verify; nothing written. */
static void
writes_refused (const char *path)
{
  FixtureRun r;
  g_autoptr (GBytes) before = rfx_snapshot (path);
  reg_at (&r, path, "terminate", "--id", "CH000101", "--reason", "x", NULL);
  rfx_expect (&r, 2, "does not verify, nothing written");
  g_autofree char *out = g_strdup_printf ("%s-public", path);
  reg_at (&r, path, "publish", "--out", out, "--key", base.iss_key, NULL);
  rfx_expect (&r, 2, "does not verify, nothing published");
  g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
  g_autoptr (GBytes) after = rfx_snapshot (path);
  g_assert_true (g_bytes_equal (before, after));
}

/* ---- the chain ----------------------------------------------------------------- */

/* The history's rows, read and written as entries (positions kept). */
typedef struct {
  gint64 pos;
  ModelAuditEntry e;
} Row;

static GArray *
read_rows (const char *path)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *st = NULL;
  GArray *rows = g_array_new (FALSE, TRUE, sizeof (Row));
  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT pos, seq, time, actor, action, payload,"
                                       " prev_hash, hash FROM history ORDER BY pos", -1, &st,
                                       NULL), ==, SQLITE_OK);
  while (sqlite3_step (st) == SQLITE_ROW)
    {
      Row r = { 0 };
      r.pos = sqlite3_column_int64 (st, 0);
      r.e.seq = (guint64) sqlite3_column_int64 (st, 1);
      r.e.time = sqlite3_column_int64 (st, 2);
      r.e.actor = g_strdup ((const char *) sqlite3_column_text (st, 3));
      r.e.action = g_strdup ((const char *) sqlite3_column_text (st, 4));
      r.e.payload_len = (gsize) sqlite3_column_bytes (st, 5);
      r.e.payload = g_memdup2 (sqlite3_column_blob (st, 5), r.e.payload_len);
      memcpy (r.e.prev_hash, sqlite3_column_blob (st, 6), 32);
      memcpy (r.e.hash, sqlite3_column_blob (st, 7), 32);
      g_array_append_val (rows, r);
    }
  sqlite3_finalize (st);
  sqlite3_close (db);
  return rows;
}

static void
write_rows (const char *path, GArray *rows)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *st = NULL;
  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "BEGIN; DELETE FROM history", NULL, NULL, NULL), ==,
                   SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "INSERT INTO history VALUES (?,?,?,?,?,?,?,?)", -1,
                                       &st, NULL), ==, SQLITE_OK);
  for (guint i = 0; i < rows->len; i++)
    {
      const Row *r = &g_array_index (rows, Row, i);
      sqlite3_bind_int64 (st, 1, r->pos);
      sqlite3_bind_int64 (st, 2, (gint64) r->e.seq);
      sqlite3_bind_int64 (st, 3, r->e.time);
      sqlite3_bind_text (st, 4, r->e.actor, -1, SQLITE_STATIC);
      sqlite3_bind_text (st, 5, r->e.action, -1, SQLITE_STATIC);
      sqlite3_bind_blob (st, 6, r->e.payload, (int) r->e.payload_len, SQLITE_STATIC);
      sqlite3_bind_blob (st, 7, r->e.prev_hash, 32, SQLITE_STATIC);
      sqlite3_bind_blob (st, 8, r->e.hash, 32, SQLITE_STATIC);
      g_assert_cmpint (sqlite3_step (st), ==, SQLITE_DONE);
      sqlite3_reset (st);
    }
  sqlite3_finalize (st);
  g_assert_cmpint (sqlite3_exec (db, "COMMIT", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
}

static void
free_rows (GArray *rows)
{
  for (guint i = 0; i < rows->len; i++)
    {
      Row *r = &g_array_index (rows, Row, i);
      g_free (r->e.actor);
      g_free (r->e.action);
      g_free (r->e.payload);
    }
  g_array_free (rows, TRUE);
}

/* Recomputes prev_hash and hash of every row from position `from` on, as a
 * forger who re-chains the rest would. */
static void
rechain (GArray *rows, guint from)
{
  for (guint i = from; i < rows->len; i++)
    {
      Row *r = &g_array_index (rows, Row, i);
      if (i > 0)
        memcpy (r->e.prev_hash, g_array_index (rows, Row, i - 1).e.hash, 32);
      model_audit_entry_hash (&r->e, r->e.hash);
    }
}

static void
test_chain (void)
{
  /* An edited field: found at its entry. */
  g_autofree char *edited = copy_base ("edited");
  rfx_sql (edited, "UPDATE history SET actor = 'intruder' WHERE pos = 3");
  check_damaged (edited, "history entry 3: hash does not match its contents", "(bad_signature)");
  writes_refused (edited);
  g_autofree char *payload = copy_base ("payload");
  rfx_sql (payload, "UPDATE history SET payload = CAST(replace(CAST(payload AS TEXT),"
           " '投诉', '整改') AS BLOB) WHERE pos = 6");
  check_damaged (payload, "history entry 6:", "(bad_signature)");

  /* Removed: the next entry's seq is off. */
  g_autofree char *removed = copy_base ("removed");
  rfx_sql (removed, "DELETE FROM history WHERE pos = 3");
  check_damaged (removed, "history entry 3: seq is 4, expected 3", "(malformed)");

  /* Inserted before entry 3, with its own seq, prev_hash and hash right:
   * found at the next one (ESSC-STD 9.3). */
  g_autofree char *inserted = copy_base ("inserted");
  {
    GArray *rows = read_rows (inserted);
    Row fake = { 0 };
    const Row *prev = &g_array_index (rows, Row, 2);
    fake.e.seq = 3;
    fake.e.time = prev->e.time;
    fake.e.actor = g_strdup ("registry");
    fake.e.action = g_strdup ("channel.status");
    const char *p = "{\"from\":\"applied\",\"id\":\"CH000101\",\"reason\":\"x\",\"to\":\"live\"}";
    fake.e.payload = g_memdup2 (p, strlen (p));
    fake.e.payload_len = strlen (p);
    memcpy (fake.e.prev_hash, prev->e.hash, 32);
    model_audit_entry_hash (&fake.e, fake.e.hash);
    g_array_insert_val (rows, 3, fake);
    for (guint i = 0; i < rows->len; i++)
      g_array_index (rows, Row, i).pos = i;
    write_rows (inserted, rows);
    free_rows (rows);
  }
  check_damaged (inserted, "history entry 4: seq is 3, expected 4", "(malformed)");

  /* Two entries swapped. */
  g_autofree char *swapped = copy_base ("swapped");
  rfx_sql (swapped, "UPDATE history SET pos = -1 WHERE pos = 3;"
           "UPDATE history SET pos = 3 WHERE pos = 4; UPDATE history SET pos = 4 WHERE pos = -1");
  check_damaged (swapped, "history entry 3: seq is 4, expected 3", "(malformed)");

  /* A field of entry 3 edited and its hash recomputed: found at entry 4. */
  g_autofree char *rehashed = copy_base ("rehashed");
  {
    GArray *rows = read_rows (rehashed);
    Row *r = &g_array_index (rows, Row, 3);
    g_free (r->e.actor);
    r->e.actor = g_strdup ("intruder");
    model_audit_entry_hash (&r->e, r->e.hash);
    write_rows (rehashed, rows);
    free_rows (rows);
  }
  check_damaged (rehashed, "history entry 4: prev_hash does not match", "(bad_signature)");
}

/* ---- the state tables ---------------------------------------------------------------- */

static void
test_state (void)
{
  g_autofree char *status = copy_base ("status");
  rfx_sql (status, "UPDATE channel SET status = 'live'");
  check_damaged (status, "table channel, row 'CH000101': status is 'live', the history gives "
                 "'suspended'", NULL);
  writes_refused (status);

  g_autofree char *validity = copy_base ("validity");
  rfx_sql (validity, "UPDATE certificate SET not_after = not_after + 31536000");
  check_damaged (validity, "table certificate, row 1: not_after is", NULL);

  g_autofree char *bytes = copy_base ("bytes");
  rfx_sql (bytes, "UPDATE report SET bytes = CAST(replace(CAST(bytes AS TEXT),"
           " 'essc reference channel', 'a better channel') AS BLOB)");
  check_damaged (bytes, "table report, row 1: the bytes do not have the BLAKE2b-256", NULL);

  g_autofree char *added = copy_base ("added");
  rfx_sql (added, "INSERT INTO certificate SELECT 99, channel_id, report_id, issued_at,"
           " not_before, not_after, waivers, blake2b, bytes, signature, NULL, NULL, NULL"
           " FROM certificate WHERE serial = 1");
  check_damaged (added, "table certificate, row 99: not in the history", NULL);

  g_autofree char *deleted = copy_base ("deleted");
  rfx_sql (deleted, "DELETE FROM certificate");
  check_damaged (deleted, "table certificate, row 1: missing (the history has it)", NULL);

  g_autofree char *meta = copy_base ("meta");
  rfx_sql (meta, "UPDATE meta SET value = '人社部 (forged)' WHERE key = 'issuer_name'");
  check_damaged (meta, "table meta, row 'issuer_name': value is", NULL);
}

/* ---- against a published head ----------------------------------------------------------- */

static void
test_head (void)
{
  FixtureRun r;
  make_base ();
  g_autofree char *feed = g_build_filename (base_out, "feed.json", NULL);

  /* Entry 4's reason changed and everything after re-chained: the chain and
   * the replay hold (the forger changed no state), only the head catches it. */
  g_autofree char *forged = copy_base ("forged");
  {
    GArray *rows = read_rows (forged);
    Row *row = &g_array_index (rows, Row, 4);
    g_autofree char *p = g_strndup ((const char *) row->e.payload, row->e.payload_len);
    char *at = strstr (p, "certificate 1 issued");
    g_assert_nonnull (at);
    g_autofree char *q = g_strdup_printf ("%.*scertificate 1 issued (forged)%s", (int) (at - p), p,
                         at + strlen ("certificate 1 issued"));
    g_free (row->e.payload);
    row->e.payload = (guint8 *) g_strdup (q);
    row->e.payload_len = strlen (q);
    rechain (rows, 4);
    write_rows (forged, rows);
    free_rows (rows);
  }
  reg_at (&r, forged, "check", NULL);
  rfx_expect (&r, 0, "intact: 7 history entries");
  reg_at (&r, forged, "check", "--feed", feed, NULL);
  rfx_expect (&r, 1, "history entry 6: hash differs from the expected head's");
  g_autoptr (GBytes) before = rfx_snapshot (base_out);
  reg_at (&r, forged, "publish", "--out", base_out, "--key", base.iss_key, NULL);
  rfx_expect (&r, 2, "does not extend");
  g_autoptr (GBytes) after = rfx_snapshot (base_out);
  g_assert_true (g_bytes_equal (before, after));

  /* A history cut back (the last entry and what it did removed): only the
   * head catches it. */
  g_autofree char *cut = copy_base ("cut");
  rfx_sql (cut, "DELETE FROM history WHERE pos = 6;"
           " UPDATE channel SET status = 'live', status_changed_at ="
           " (SELECT time FROM history WHERE pos = 5)");
  reg_at (&r, cut, "check", NULL);
  rfx_expect (&r, 0, "intact: 6 history entries");
  reg_at (&r, cut, "check", "--feed", feed, NULL);
  rfx_expect (&r, 1, "history entry 6: missing: the log holds 6 entries");
  reg_at (&r, cut, "publish", "--out", base_out, "--key", base.iss_key, NULL);
  rfx_expect (&r, 2, "(not_found)");
  g_autoptr (GBytes) after2 = rfx_snapshot (base_out);
  g_assert_true (g_bytes_equal (before, after2));

  /* The registry itself extends its feed, and publishes over it. */
  g_autofree char *grown = copy_base ("grown");
  g_autofree char *out = g_build_filename (base.dir, "grown-public", NULL);
  g_assert_cmpint (g_mkdir (out, 0755), ==, 0);
  reg_at (&r, grown, "publish", "--out", out, "--key", base.iss_key, NULL);
  rfx_expect (&r, 0, "history head 7 entries");
  reg_at (&r, grown, "reinstate", "--id", "CH000101", "--reason", "ok", NULL);
  rfx_expect (&r, 0, "status live");
  g_autofree char *grown_feed = g_build_filename (out, "feed.json", NULL);
  reg_at (&r, grown, "check", "--feed", grown_feed, NULL);
  rfx_expect (&r, 0, "intact: 8 history entries");
  reg_at (&r, grown, "publish", "--out", out, "--key", base.iss_key, NULL);
  rfx_expect (&r, 0, "history head 8 entries");
}

/* ---- files that are not registries ----------------------------------------------------- */

/* Every command on path: exit 2 naming the file and part; nothing written. */
static void
all_refuse (const char *path, const char *part)
{
  static const char *const subs[][6] = {
    { "check", NULL },
    { "list", NULL },
    { "show", "--id", "CH000101", NULL },
    { "suspend", "--id", "CH000101", "--reason", "x", NULL },
    { "apply", "--id", "CH000109", "--name", "x", NULL },   /* completed below */
    { "publish", NULL },
  };
  g_autoptr (GBytes) before = rfx_snapshot (path);
  g_autofree char *out = g_strdup_printf ("%s-out", path);
  g_autofree char *impl = rfx_impl (NULL);
  for (guint i = 0; i < G_N_ELEMENTS (subs); i++)
    {
      FixtureRun r;
      g_autoptr (GPtrArray) args = g_ptr_array_new ();
      g_autofree char *now = rfx_at (60);
      const char *fixed[] = { fx.bin, "registry", subs[i][0], "--db", path, "--now", now };
      for (guint k = 0; k < G_N_ELEMENTS (fixed); k++)
        g_ptr_array_add (args, (gpointer) fixed[k]);
      for (guint k = 1; subs[i][k] != NULL; k++)
        g_ptr_array_add (args, (gpointer) subs[i][k]);
      if (strcmp (subs[i][0], "apply") == 0)
        {
          const char *more[] = { "--class", "bank", "--tier", "1", "--public-key", base.ch2_pub,
                                 "--role", "channel", "--impl", impl };
          for (guint k = 0; k < G_N_ELEMENTS (more); k++)
            g_ptr_array_add (args, (gpointer) more[k]);
        }
      if (strcmp (subs[i][0], "publish") == 0)
        {
          g_ptr_array_add (args, (gpointer) "--out");
          g_ptr_array_add (args, out);
          g_ptr_array_add (args, (gpointer) "--key");
          g_ptr_array_add (args, base.iss_key);
        }
      g_ptr_array_add (args, NULL);
      fixture_run ((const char *const *) args->pdata, NULL, 60, &r);
      if (r.code != 2 || strstr (r.err, path) == NULL || strstr (r.err, part) == NULL)
        g_error ("registry %s on %s: exit %d (expected 2, naming the file and \"%s\")\n%s%s",
                 subs[i][0], path, r.code, part, r.out, r.err);
      fixture_run_clear (&r);
    }
  g_autoptr (GBytes) after = rfx_snapshot (path);
  g_assert_true (g_bytes_equal (before, after));
  g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
}

static void
test_bad_files (void)
{
  make_base ();
  g_autofree char *missing = g_build_filename (base.dir, "missing.db", NULL);
  all_refuse (missing, "No such file");

  g_autofree char *garbage = g_build_filename (base.dir, "garbage.db", NULL);
  g_autoptr (GString) junk = g_string_new (NULL);
  for (guint i = 0; i < 8192; i++)
    g_string_append_c (junk, (char) (((i + 1) * 2654435761u) >> 24));
  {
    g_autoptr (GError) e = NULL;
    g_file_set_contents (garbage, junk->str, (gssize) junk->len, &e);
    g_assert_no_error (e);
  }
  all_refuse (garbage, "not an SQLite database");

  /* An empty file is an empty SQLite database: not a registry. */
  g_autofree char *empty = g_build_filename (base.dir, "empty.db", NULL);
  fixture_write_file (empty, "");
  all_refuse (empty, "not an essc registry");

  g_autofree char *truncated = copy_base ("truncated");
  {
    g_autofree char *bytes = NULL;
    gsize len = 0;
    g_assert_true (g_file_get_contents (truncated, &bytes, &len, NULL));
    g_assert_cmpuint (len, >, 8192);
    g_autoptr (GError) e = NULL;
    g_file_set_contents (truncated, bytes, (gssize) (len / 2), &e);
    g_assert_no_error (e);
  }
  all_refuse (truncated, "damaged");

  g_autofree char *foreign = g_build_filename (base.dir, "foreign.db", NULL);
  {
    sqlite3 *db = NULL;
    g_assert_cmpint (sqlite3_open (foreign, &db), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_exec (db, "CREATE TABLE t (x); INSERT INTO t VALUES (1)", NULL,
                                   NULL, NULL), ==, SQLITE_OK);
    sqlite3_close (db);
  }
  all_refuse (foreign, "not an essc registry");

  g_autofree char *no_table = copy_base ("no-table");
  rfx_sql (no_table, "DROP TABLE certificate");
  all_refuse (no_table, "table certificate is missing");

  g_autofree char *no_column = copy_base ("no-column");
  rfx_sql (no_column, "ALTER TABLE channel DROP COLUMN rectify_seq");
  all_refuse (no_column, "table channel lacks column 'rectify_seq'");

  g_autofree char *schema = copy_base ("schema");
  rfx_sql (schema, "UPDATE meta SET value = 'essc-registry/9' WHERE key = 'schema'");
  all_refuse (schema, "a registry of schema 'essc-registry/9'");

  /* init never replaces a file, not even a damaged one. */
  FixtureRun r;
  g_autoptr (GBytes) before = rfx_snapshot (garbage);
  reg_at (&r, garbage, "init", "--name", "x", "--pub", base.iss_pub, NULL);
  rfx_expect (&r, 2, "exists");
  reg_at (&r, base.db, "init", "--name", "x", "--pub", base.iss_pub, NULL);
  rfx_expect (&r, 2, "exists");
  g_autoptr (GBytes) after = rfx_snapshot (garbage);
  g_assert_true (g_bytes_equal (before, after));
}

static void
test_bad_feed (void)
{
  FixtureRun r;
  make_base ();
  /* A published directory whose feed was damaged. */
  g_autofree char *db = copy_base ("feed");
  g_autofree char *out = g_build_filename (base.dir, "feed-public", NULL);
  reg_at (&r, db, "publish", "--out", out, "--key", base.iss_key, NULL);
  rfx_expect (&r, 0, "published");
  g_autofree char *feed = g_build_filename (out, "feed.json", NULL);
  g_autofree char *sig = g_build_filename (out, "feed.json.sig", NULL);
  g_autofree char *cert = g_build_filename (base.dir, "feed.cert", NULL);
  g_autofree char *good = NULL;
  gsize len = 0;
  g_assert_true (g_file_get_contents (feed, &good, &len, NULL));

  /* One byte changed: the signature fails. */
  g_autofree char *bad = g_strdup (good);
  char *at = strstr (bad, "suspended");
  g_assert_nonnull (at);
  memcpy (at, "suspendeD", 9);
  fixture_write_file (feed, bad);
  g_autoptr (GBytes) before = rfx_snapshot (out);
  reg_at (&r, db, "publish", "--out", out, "--key", base.iss_key, NULL);
  rfx_expect (&r, 2, "feed.json");
  reg_at (&r, db, "check", "--feed", feed, NULL);
  rfx_expect (&r, 2, "feed.json");
  g_autofree char *bin = g_strdup (fx.bin);
  {
    /* essc cert verify refuses the feed as input (exit 2). */
    FixtureRun v;
    reg_at (&v, db, "renew", "--id", "CH000101", "--key", base.iss_key, "--out", cert, NULL);
    rfx_expect (&v, 0, "certificate 2 issued");
    const char *argv[] = { bin, "cert", "verify", cert, "--pub", base.iss_pub, "--feed", feed,
                           NULL };
    fixture_run (argv, NULL, 60, &v);
    rfx_expect (&v, 2, NULL);
  }
  g_autoptr (GBytes) after = rfx_snapshot (out);
  g_assert_true (g_bytes_equal (before, after));

  /* Its signature missing; then the feed garbage with a signature. */
  fixture_write_file (feed, good);
  g_assert_cmpint (g_remove (sig), ==, 0);
  g_autoptr (GBytes) before2 = rfx_snapshot (out);
  reg_at (&r, db, "publish", "--out", out, "--key", base.iss_key, NULL);
  rfx_expect (&r, 2, "feed.json.sig");
  g_autoptr (GBytes) after2 = rfx_snapshot (out);
  g_assert_true (g_bytes_equal (before2, after2));

  /* A feed signed by another key (another registry's). */
  g_autofree char *other_db = g_build_filename (base.dir, "other.db", NULL);
  g_autofree char *other_out = g_build_filename (base.dir, "other-public", NULL);
  reg_at (&r, other_db, "init", "--name", "另一个机构", "--pub", base.ch_pub, NULL);
  rfx_expect (&r, 0, "created");
  g_autofree char *ch_key = g_strdup (base.ch_pub);
  strcpy (ch_key + strlen (ch_key) - 3, "key");
  reg_at (&r, other_db, "publish", "--out", other_out, "--key", ch_key, NULL);
  rfx_expect (&r, 0, "published");
  g_autoptr (GBytes) before3 = rfx_snapshot (other_out);
  reg_at (&r, db, "publish", "--out", other_out, "--key", base.iss_key, NULL);
  rfx_expect (&r, 2, "feed.json");
  g_autoptr (GBytes) after3 = rfx_snapshot (other_out);
  g_assert_true (g_bytes_equal (before3, after3));
}

int
main (int argc, char **argv)
{
  essc_test_init (&argc, &argv);
  fixture_init ();
  g_test_add_func ("/registry/check/chain", test_chain);
  g_test_add_func ("/registry/check/state", test_state);
  g_test_add_func ("/registry/check/head", test_head);
  g_test_add_func ("/registry/input/files", test_bad_files);
  g_test_add_func ("/registry/input/feed", test_bad_feed);
  int rc = g_test_run ();
  rfx_free (&base);
  g_free (base_out);
  return fixture_finish (rc);
}
