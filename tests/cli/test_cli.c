/* SPDX-License-Identifier: MIT */
/*
 * Tests of the essc front as a user meets it: help, exit statuses (0, 1, 2),
 * hostile input on the command line and on stdin, the demo's saved state,
 * the service-time file of essc bench, and essc sim --end (the demo's
 * output and the sim summaries against their golden files are in
 * test_golden.c).  Runs the binary named by $ESSC_BIN
 * (set by make check) in a subprocess.
 */
#include "base/dbkind.h"
#include "base/file.h"
#include "tests/lib/run.h"
#include "tests/lib/testutil.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <math.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void
test_help (void)
{
  EsscTestRun r = essc_test_run_essc ("--help");
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "Commands:"));
  g_assert_nonnull (strstr (r.out, "  id "));
  g_assert_nonnull (strstr (r.out, "  demo "));
  essc_test_run_clear (&r);

  const char *commands[] = { "id", "demo", "store", "bench" };
  for (gsize i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      r = essc_test_run_essc (commands[i], "--help");
      g_assert_cmpint (r.status, ==, 0);
      g_assert_nonnull (strstr (r.out, "Usage:"));
      essc_test_run_clear (&r);
    }

  r = essc_test_run_essc ("--version");
  g_assert_cmpint (r.status, ==, 0);
  g_assert_true (g_str_has_prefix (r.out, "essc "));
  essc_test_run_clear (&r);
}

/* essc --version: "essc VERSION", then one "key: value" a line, the keys
 * fixed and in order; run from the build tree, the data are the tree's. */
static void
test_version (void)
{
  EsscTestRun r = essc_test_run_essc ("--version");
  g_assert_cmpint (r.status, ==, 0);
  g_assert_cmpstr (r.err, ==, "");
  g_auto (GStrv) lines = g_strsplit (r.out, "\n", -1);
  const char *const keys[] = { "mpi", "sanitizers", "compiler", "glib", "libsodium", "sqlite",
                               "json-glib", "libsoup", "data", "scenarios", "vectors" };
  g_assert_cmpuint (g_strv_length (lines), ==, 1 + G_N_ELEMENTS (keys) + 1);
  g_assert_true (g_str_has_prefix (lines[0], "essc "));
  g_assert_cmpstr (lines[0] + 5, ==, ESSC_VERSION);
  for (gsize i = 0; i < G_N_ELEMENTS (keys); i++)
    {
      g_autofree char *prefix = g_strdup_printf ("%s: ", keys[i]);
      if (!g_str_has_prefix (lines[1 + i], prefix) || strlen (lines[1 + i]) == strlen (prefix))
        g_error ("line %zu: \"%s\", expected \"%s VALUE\"", i + 2, lines[1 + i], prefix);
    }
  g_assert_cmpstr (lines[G_N_ELEMENTS (keys) + 1], ==, "");
  /* Built with this build's sanitizers (make check SANITIZE=1 sets ESSC_SANITIZE). */
  g_assert_cmpstr (lines[2], ==, g_getenv ("ESSC_SANITIZE") ? "sanitizers: address,undefined"
                                                             : "sanitizers: none");
  /* The libraries it runs with, as pkg-config would find them: digits and dots. */
  for (gsize i = 4; i <= 8; i++)
    {
      const char *v = strchr (lines[i], ' ') + 1;
      g_assert_true (g_ascii_isdigit (*v));
    }
  char *src = realpath (essc_test_srcdir (), NULL);
  g_assert_nonnull (src);
  g_autofree char *data = g_strdup_printf ("data: %s (the build tree)", src);
  g_autofree char *vectors = g_strdup_printf ("vectors: %s/conformance/vectors", src);
  free (src);
  g_assert_cmpstr (lines[9], ==, data);
  g_assert_cmpstr (lines[11], ==, vectors);
  essc_test_run_clear (&r);
}

static void
test_usage_errors (void)
{
  EsscTestRun r = essc_test_run_essc_v (NULL, 0, (const char *const[]) { NULL });
  g_assert_cmpint (r.status, ==, 2);
  essc_test_run_clear (&r);

  r = essc_test_run_essc ("frobnicate");
  g_assert_cmpint (r.status, ==, 2);
  g_assert_nonnull (strstr (r.err, "unknown command 'frobnicate'"));
  essc_test_run_clear (&r);

  r = essc_test_run_essc ("--frobnicate");
  g_assert_cmpint (r.status, ==, 2);
  g_assert_nonnull (strstr (r.err, "unknown option"));
  essc_test_run_clear (&r);

  r = essc_test_run_essc ("\xff\xfe\x01");
  g_assert_cmpint (r.status, ==, 2);
  g_assert_nonnull (strstr (r.err, "\\xff\\xfe\\x01"));
  essc_test_run_clear (&r);

  r = essc_test_run_essc ("id", "--bogus");
  g_assert_cmpint (r.status, ==, 2);
  g_assert_nonnull (strstr (r.err, "essc id:"));
  essc_test_run_clear (&r);

  r = essc_test_run_essc ("id");
  g_assert_cmpint (r.status, ==, 2);
  essc_test_run_clear (&r);

  r = essc_test_run_essc ("id", "check");
  g_assert_cmpint (r.status, ==, 2);
  essc_test_run_clear (&r);

  r = essc_test_run_essc ("id", "verify", "11010519491231002X");
  g_assert_cmpint (r.status, ==, 2);
  essc_test_run_clear (&r);

  r = essc_test_run_essc ("id", "--at", "2020-13-45", "check", "11010519491231002X");
  g_assert_cmpint (r.status, ==, 2);
  g_assert_nonnull (strstr (r.err, "--at"));
  essc_test_run_clear (&r);

  r = essc_test_run_essc ("demo", "--seed", "-3");
  g_assert_cmpint (r.status, ==, 2);
  essc_test_run_clear (&r);

  r = essc_test_run_essc ("demo", "extra");
  g_assert_cmpint (r.status, ==, 2);
  essc_test_run_clear (&r);
}

static void
test_id_check (void)
{
  EsscTestRun r = essc_test_run_essc ("id", "check", "11010519491231002X", "440524188001010014");
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "11010519491231002X\tvalid\tregion 110105 北京市朝阳区"));
  g_assert_nonnull (strstr (r.out, "440524188001010014\tvalid"));
  g_assert_nonnull (strstr (r.err, "warning: region code 440524"));
  essc_test_run_clear (&r);

  r = essc_test_run_essc ("id", "check", "11010519491231002X", "11010519491231002x");
  g_assert_cmpint (r.status, ==, 1);
  g_assert_nonnull (strstr (r.out, "11010519491231002x\tinvalid\t"));
  essc_test_run_clear (&r);

  /* A future birth date is invalid at --at, valid later. */
  r = essc_test_run_essc ("id", "--at", "2020-06-01", "check", "110105202006020028");
  g_assert_cmpint (r.status, ==, 1);
  essc_test_run_clear (&r);
  r = essc_test_run_essc ("id", "--at", "2020-06-02", "check", "110105202006020028");
  g_assert_cmpint (r.status, ==, 0);
  essc_test_run_clear (&r);

  r = essc_test_run_essc ("id", "complete", "11010519491231002");
  g_assert_cmpint (r.status, ==, 0);
  g_assert_cmpstr (r.out, ==, "11010519491231002X\n");
  essc_test_run_clear (&r);
  r = essc_test_run_essc ("id", "complete", "1101051949123100Z");
  g_assert_cmpint (r.status, ==, 2);
  essc_test_run_clear (&r);
}

/* --at is base/time's strict text: a sign, a short field or a trailing byte
 * is refused (exit 2) with a message naming the field and its byte. */
static void
test_id_at_strict (void)
{
  static const struct {
    const char *at, *says;
  } refused[] = {
    { "+202-01-01T00:00:00Z", "bad year at byte 0" },   /* once read as the year 202 */
    { "+202-01-01", "bad year at byte 0" },
    { " 2020-01-01", "bad year at byte 0" },
    { "2020- 1-01", "bad month at byte 5" },
    { "2020-1-01T00:00:00Z", "bad month at byte 5" },
    { "2019-02-29", "bad day at byte 8" },
    { "2020-01-01T24:00:00Z", "bad hour at byte 11" },
    { "2020-01-01T23:59:60Z", "bad second at byte 17" },
    { "2020-01-01 00:00:00Z", "bad separator at byte 10" },
    { "2020-01-01T00:00:00Z\x1b", "bad trailing bytes at byte 20" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      EsscTestRun r = essc_test_run_essc ("id", "--at", refused[i].at, "check", "11010519491231002X");
      g_test_message ("--at '%s': %s", refused[i].at, r.err);
      g_assert_cmpint (r.status, ==, 2);
      g_assert_nonnull (strstr (r.err, "--at: '"));
      g_assert_nonnull (strstr (r.err, refused[i].says));
      g_assert_null (strstr (r.err, "\x1b"));          /* the text is shown escaped */
      essc_test_run_clear (&r);
    }

  /* The UTC form: born 2020-06-02 (Beijing), valid from 2020-06-01T16:00:00Z. */
  EsscTestRun r = essc_test_run_essc ("id", "--at", "2020-06-01T15:59:59Z", "check", "110105202006020028");
  g_assert_cmpint (r.status, ==, 1);
  essc_test_run_clear (&r);
  r = essc_test_run_essc ("id", "--at", "2020-06-01T16:00:00Z", "check", "110105202006020028");
  g_assert_cmpint (r.status, ==, 0);
  essc_test_run_clear (&r);
}

static void
test_id_hostile (void)
{
  /* A 100 000-byte argument of digits (near the kernel limit of one argument),
   * bad UTF-8, control characters, an empty argument. */
  g_autofree char *huge = g_strnfill (100000, '7');
  EsscTestRun r = essc_test_run_essc ("id", "check", huge, "\xc3\x28\x1b[31m", "");
  g_assert_cmpint (r.status, ==, 1);
  g_assert_cmpint (strlen (r.out), <, 4096);
  g_assert_nonnull (strstr (r.out, "\\x1b"));
  essc_test_run_clear (&r);

  /* stdin: an overlong line, NULs, bad UTF-8, CRLF, no final newline. */
  GString *in = g_string_new ("11010519491231002X\r\n");
  for (int i = 0; i < 100000; i++)
    g_string_append_c (in, '1');
  static const char tail[] = "\n\xff\xfe\n1101051949\0" "1231002X\n440524188001010014";
  g_string_append_len (in, tail, sizeof tail - 1);
  gsize len = in->len;
  r = essc_test_run_essc_v (in->str, len, (const char *const[]) { "id", "check", "-", NULL });
  g_assert_cmpint (r.status, ==, 1);
  g_assert_nonnull (strstr (r.out, "11010519491231002X\tvalid"));
  g_assert_nonnull (strstr (r.out, "stdin line 2 is over 256 bytes"));
  g_assert_nonnull (strstr (r.out, "\\xff\\xfe\tinvalid"));
  g_assert_nonnull (strstr (r.out, "440524188001010014\tvalid"));
  g_string_free (in, TRUE);
  essc_test_run_clear (&r);
}

static void
exec_sql (const char *path, const char *sql)
{
  sqlite3 *db = NULL;
  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
}

/* The demo's state saved, checked whole, then tampered with and refused. */
static void
test_store_check (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("essc-cli-XXXXXX", &error);
  g_assert_no_error (error);
  g_autofree char *db = g_build_filename (dir, "demo.db", NULL);
  g_autofree char *junk = g_build_filename (dir, "junk.db", NULL);
  g_autofree char *missing = g_build_filename (dir, "missing.db", NULL);

  EsscTestRun r = essc_test_run_essc ("demo", "--db", db);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "state saved to"));
  essc_test_run_clear (&r);

  g_autofree char *before = NULL;
  gsize before_len = 0;
  g_assert_true (g_file_get_contents (db, &before, &before_len, NULL));
  r = essc_test_run_essc ("store", "check", db);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "2 payment orders, 8 postings, 36 audit entries"));
  g_assert_nonnull (strstr (r.out, "books: whole"));
  g_assert_nonnull (strstr (r.out, "audit trail: chain intact"));
  g_assert_nonnull (strstr (r.out, "audit head: signed by key "));
  g_assert_nonnull (strstr (r.out, ", covers all 36 entries"));
  essc_test_run_clear (&r);
  /* The check wrote nothing: the same bytes, no journal beside them. */
  g_autofree char *after = NULL;
  gsize after_len = 0;
  g_assert_true (g_file_get_contents (db, &after, &after_len, NULL));
  g_assert_cmpmem (before, before_len, after, after_len);
  g_autofree char *wal = g_strconcat (db, "-wal", NULL);
  g_autofree char *shm = g_strconcat (db, "-shm", NULL);
  g_assert_false (g_file_test (wal, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (shm, G_FILE_TEST_EXISTS));

  /* An empty file is no store: refused, and left empty (it used to get a
   * fresh schema and pass as whole). */
  g_autofree char *empty = g_build_filename (dir, "empty.db", NULL);
  g_assert_true (g_file_set_contents (empty, "", 0, NULL));
  r = essc_test_run_essc ("store", "check", empty);
  g_assert_cmpint (r.status, ==, 2);
  g_assert_nonnull (strstr (r.err, "empty: no essc e-card store"));
  essc_test_run_clear (&r);
  GStatBuf st;
  g_assert_cmpint (g_stat (empty, &st), ==, 0);
  g_assert_cmpint (st.st_size, ==, 0);
  g_remove (empty);

  /* STORE-9: the last 1 to 5 entries deleted: still a valid chain, but shorter than
   * the head the platform signed (it used to pass as intact); without the
   * head, a missing head is said, never taken for a whole trail. */
  for (int cut = 1; cut <= 5; cut++)
    {
      g_autofree char *copy = g_build_filename (dir, "cut.db", NULL);
      g_autofree char *text = NULL;
      gsize n = 0;
      g_assert_true (g_file_get_contents (db, &text, &n, NULL));
      g_assert_true (g_file_set_contents (copy, text, (gssize) n, NULL));
      g_autofree char *sql = g_strdup_printf ("DELETE FROM audit_entry WHERE seq >= %d", 36 - cut);
      exec_sql (copy, sql);
      r = essc_test_run_essc ("store", "check", copy);
      g_assert_cmpint (r.status, ==, 1);
      g_assert_nonnull (strstr (r.out, "audit trail: chain intact"));
      g_assert_nonnull (strstr (r.out, ": TRUNCATED ("));
      essc_test_run_clear (&r);
      if (cut == 5)
        {
          exec_sql (copy, "DROP TABLE audit_head");
          r = essc_test_run_essc ("store", "check", copy);
          g_assert_cmpint (r.status, ==, 1);
          g_assert_nonnull (strstr (r.out, "audit head: MISSING"));
          essc_test_run_clear (&r);
        }
      g_remove (copy);
    }

  /* A posting's amount and an audit entry's payload edited in the file. */
  exec_sql (db, "UPDATE posting SET amount_fen = amount_fen + 1 WHERE pos = "
                "(SELECT MIN(pos) FROM posting);"
                "UPDATE audit_entry SET payload = X'00' WHERE seq = 7;");
  r = essc_test_run_essc ("store", "check", db);
  g_assert_cmpint (r.status, ==, 1);
  g_assert_nonnull (strstr (r.out, "books: NOT whole"));
  g_assert_nonnull (strstr (r.out, "audit trail: BROKEN at entry 7"));
  essc_test_run_clear (&r);

  /* A row that does not validate, a file of junk, no file: exit 2. */
  exec_sql (db, "UPDATE card SET status = 'misplaced'");
  r = essc_test_run_essc ("store", "check", db);
  g_assert_cmpint (r.status, ==, 2);
  g_assert_nonnull (strstr (r.err, "table card"));
  g_assert_nonnull (strstr (r.err, "misplaced"));
  essc_test_run_clear (&r);

  g_assert_true (g_file_set_contents (junk, "this is not a database, just text\n", -1, NULL));
  r = essc_test_run_essc ("store", "check", junk);
  g_assert_cmpint (r.status, ==, 2);
  g_assert_nonnull (strstr (r.err, junk));
  essc_test_run_clear (&r);

  r = essc_test_run_essc ("store", "check", missing);
  g_assert_cmpint (r.status, ==, 2);
  g_assert_false (g_file_test (missing, G_FILE_TEST_EXISTS));
  essc_test_run_clear (&r);

  r = essc_test_run_essc ("store", "inspect", db);
  g_assert_cmpint (r.status, ==, 2);
  essc_test_run_clear (&r);

  const char *names[] = { "demo.db", "demo.db-wal", "demo.db-shm", "junk.db" };
  for (gsize i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *p = g_build_filename (dir, names[i], NULL);
      g_remove (p);
    }
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

static void
test_bench (void)
{
  EsscTestRun r = essc_test_run_essc ("bench", "--seconds", "0.01");
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "qr: verify"));
  g_assert_nonnull (strstr (r.out, "ledger: submit + settle"));
  g_assert_nonnull (strstr (r.out, "pin: verify"));
  essc_test_run_clear (&r);

  r = essc_test_run_essc ("bench", "--seconds", "0");
  g_assert_cmpint (r.status, ==, 2);
  essc_test_run_clear (&r);
  r = essc_test_run_essc ("bench", "--seconds", "abc");
  g_assert_cmpint (r.status, ==, 2);
  essc_test_run_clear (&r);
}

/* essc bench --service-times: the header, the five kinds in order, every
 * service time finite and positive, payment dearer than query (it costs
 * query's operations and a settlement). */
static void
test_bench_service_times (void)
{
  static const char *const kinds[] = { "qr_verify", "login", "query", "payment",
                                       "status_change" };
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("essc-cli-XXXXXX", &error);
  g_assert_no_error (error);
  g_autofree char *path = g_build_filename (dir, "st.csv", NULL);

  EsscTestRun r = essc_test_run_essc ("bench", "--seconds", "0.01", "--service-times", path);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_cmpstr (r.err, ==, "");
  g_assert_nonnull (strstr (r.out, "ledger: post a settlement (SQLite transaction)"));
  g_assert_nonnull (strstr (r.out, "issuer: report a card lost (status, audit)"));
  essc_test_run_clear (&r);

  g_autofree char *text = NULL;
  g_assert_true (g_file_get_contents (path, &text, NULL, &error));
  g_assert_no_error (error);
  g_assert_null (strchr (text, '\r'));
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 1 + G_N_ELEMENTS (kinds) + 1);
  g_assert_cmpstr (lines[0], ==, "kind,seconds,operations,measured");
  g_assert_cmpstr (lines[1 + G_N_ELEMENTS (kinds)], ==, ""); /* the last line ends in LF */

  double seconds[G_N_ELEMENTS (kinds)];
  for (gsize i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      g_auto (GStrv) fields = g_strsplit (lines[1 + i], ",", 3);
      g_assert_cmpuint (g_strv_length (fields), ==, 3);
      g_assert_cmpstr (fields[0], ==, kinds[i]);
      g_assert_true (g_regex_match_simple ("^[0-9]+\\.[0-9]{9}$", fields[1], 0, 0));
      seconds[i] = g_ascii_strtod (fields[1], NULL);
      g_assert_true (isfinite (seconds[i]));
      g_assert_cmpfloat (seconds[i], >, 0);
      g_assert_nonnull (strstr (fields[2], ",essc "));
    }
  g_assert_cmpfloat (seconds[3], >, seconds[2]);
  g_assert_cmpint (g_remove (path), ==, 0);

  /* A directory is not a file to write. */
  r = essc_test_run_essc ("bench", "--seconds", "0.01", "--service-times", dir);
  g_assert_cmpint (r.status, ==, 2);
  g_assert_nonnull (strstr (r.err, dir));
  essc_test_run_clear (&r);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

/* An unwritable path is refused (exit 2, the path named) before anything
 * is measured, and nothing is written. */
static void
test_bench_service_times_unwritable (void)
{
  const char *path = "/nonexistent-dir/x.csv";
  EsscTestRun r = essc_test_run_essc ("bench", "--seconds", "0.01", "--service-times", path);
  g_assert_cmpint (r.status, ==, 2);
  g_assert_nonnull (strstr (r.err, path));
  g_assert_cmpstr (r.out, ==, "");
  g_assert_false (g_file_test ("/nonexistent-dir", G_FILE_TEST_EXISTS));
  essc_test_run_clear (&r);
}

/* The first column of the first row of sql in the database at path. */
static char *
sql_text (const char *path, const char *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *st = NULL;
  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &st, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (st), ==, SQLITE_ROW);
  char *v = g_strdup ((const char *) sqlite3_column_text (st, 0));
  sqlite3_finalize (st);
  sqlite3_close (db);
  return v;
}

/* essc sim --end: a run on past the scenario's end, recorded as the run's
 * end; an end before a target date, not after the start, or not a date is
 * refused (exit 2, what is wrong named) and writes nothing. */
/* --seed is a whole number 0..2^64-1: a negative one is refused, not
 * silently replaced by the scenario's. */
static void
test_sim_seed (void)
{
  g_autofree char *scenario = essc_test_src_path ("tests", "data", "small", "latency.ini", NULL);
  const char *bad[] = { "-1", "1.5", "18446744073709551616", "x", "" };
  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      EsscTestRun r = essc_test_run_essc ("sim", scenario, "--no-db", "--seed", bad[i]);
      g_assert_cmpint (r.status, ==, 2);
      g_assert_nonnull (strstr (r.err, "--seed: "));
      essc_test_run_clear (&r);
    }
  EsscTestRun r = essc_test_run_essc ("sim", scenario, "--no-db", "--replications", "1",
                                      "--no-latency", "--seed", "18446744073709551615");
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "seed 18446744073709551615"));
  essc_test_run_clear (&r);
}

/* A run far beyond the machine is refused before it starts, with the
 * estimate and the limit it passes, unless --force (issue 15: a
 * 100,000-replication or 100,000-point run used to start silently). */
static void
test_run_size (void)
{
  g_autofree char *scenario = essc_test_src_path ("scenarios", "national-2019.ini", NULL);
  EsscTestRun r = essc_test_run_essc ("scenario", "check", scenario);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, ": a run: about "));
  g_assert_nonnull (strstr (r.out, " MiB of memory and "));
  g_assert_nonnull (strstr (r.out, "(1096 days, 1 replication on 1 job)"));
  essc_test_run_clear (&r);

  g_autofree char *dir = g_dir_make_tmp ("essc-cli-XXXXXX", NULL);
  g_autofree char *big = g_build_filename (dir, "big.ini", NULL);
  g_autofree char *text = NULL;
  g_assert_true (g_file_get_contents (scenario, &text, NULL, NULL));
  g_autofree char *data = essc_test_src_path ("scenarios", "data", NULL);
  GString *t = g_string_new (text);
  g_string_replace (t, "replications = 1\n", "replications = 1000000\n", 1);
  g_autofree char *edited = g_string_free (t, FALSE);
  g_assert_nonnull (strstr (edited, "replications = 1000000\n"));
  g_assert_true (g_file_set_contents (big, edited, -1, NULL));
  g_autofree char *link = g_build_filename (dir, "data", NULL);
  g_assert_cmpint (symlink (data, link), ==, 0);   /* the files it names */
  r = essc_test_run_essc ("scenario", "check", big);
  if (r.status != 2 || strstr (r.err, "half this machine's memory); shorten it or pass --force")
                         == NULL)
    g_error ("exit %d: %s%s", r.status, r.out, r.err);
  essc_test_run_clear (&r);
  r = essc_test_run_essc ("scenario", "check", big, "--force");
  g_assert_cmpint (r.status, ==, 0);
  essc_test_run_clear (&r);

  /* essc sim refuses before any work: no database, at once */
  g_autofree char *db = g_build_filename (dir, "run.db", NULL);
  r = essc_test_run_essc ("sim", scenario, "--replications", "100000", "--db", db);
  g_assert_cmpint (r.status, ==, 2);
  g_assert_nonnull (strstr (r.err, "100000 replications on 1 job): more than "));
  g_assert_false (g_file_test (db, G_FILE_TEST_EXISTS));
  essc_test_run_clear (&r);

  /* a 100,000-point sweep (400 x 250 values) is refused as a whole, after
   * loading each value once, not each point (that took minutes) */
  GString *grid = g_string_new (NULL);
  g_string_append_printf (grid, "[sweep]\nname = big\nscenario = %s\n[grid]\n"
                          "adoption.innovation = ", scenario);
  for (int i = 0; i < 400; i++)
    g_string_append_printf (grid, "%s0.%06d", i ? "; " : "", 1000 + i);
  g_string_append (grid, "\nadoption.imitation = ");
  for (int i = 0; i < 250; i++)
    g_string_append_printf (grid, "%s0.%04d", i ? "; " : "", 1000 + i);
  g_string_append_c (grid, '\n');
  g_autofree char *sweep = g_build_filename (dir, "big.sweep", NULL);
  g_autofree char *sweep_db = g_build_filename (dir, "big.db", NULL);
  g_assert_true (g_file_set_contents (sweep, grid->str, -1, NULL));
  g_string_free (grid, TRUE);
  r = essc_test_run_essc ("sweep", sweep, "--db", sweep_db);
  g_assert_cmpint (r.status, ==, 2);
  g_assert_nonnull (strstr (r.err, "big.sweep: 100000 points: the run would take about "));
  g_assert_nonnull (strstr (r.err, "more than 24 h; shorten it, add --jobs or pass --force"));
  g_assert_false (g_file_test (sweep_db, G_FILE_TEST_EXISTS));
  essc_test_run_clear (&r);
  essc_test_remove_dir (dir);
}

/* A command writes only a new database or one of its own kind, each kind
 * with its own application id (base/dbkind): essc sim, sweep and calibrate
 * never replace an e-card store or a file of conformance runs and refuse
 * before they run; conform --db never writes into a store nor marks another
 * program's database as essc's; a second writer is refused (issue 15). */
static void
test_db_ownership (void)
{
  g_autofree char *dir = g_dir_make_tmp ("essc-cli-XXXXXX", NULL);
  g_autofree char *store = g_build_filename (dir, "store.db", NULL);
  g_autofree char *conf = g_build_filename (dir, "conf.db", NULL);
  g_autofree char *foreign = g_build_filename (dir, "foreign.db", NULL);
  g_autofree char *scenario = essc_test_src_path ("tests", "data", "small", "latency.ini", NULL);
  g_autofree char *impl = g_strdup_printf ("%s impl --role channel", essc_test_bin ());

  EsscTestRun r = essc_test_run_essc ("demo", "--db", store);
  g_assert_cmpint (r.status, ==, 0);
  essc_test_run_clear (&r);
  r = essc_test_run_sh ("%s conform --role channel --impl '%s' --db %s > /dev/null",
                        essc_test_bin (), impl, conf);
  g_assert_cmpint (r.status, ==, 0);
  essc_test_run_clear (&r);
  /* each kind has its own application id (base/dbkind.h) */
  g_autofree char *store_app = sql_text (store, "PRAGMA application_id");
  g_autofree char *conf_app = sql_text (conf, "PRAGMA application_id");
  g_assert_cmpint (g_ascii_strtoll (store_app, NULL, 10), ==, BASE_DB_ID_STORE);
  g_assert_cmpint (g_ascii_strtoll (conf_app, NULL, 10), ==, BASE_DB_ID_CONFORMANCE);
  const struct { const char *path, *holds; } kept[] = {
    { store, "exists and is an e-card store (essc demo --db) (application_id 0x45535343, "
             "tables audit_entry, audit_head, card," },
    { conf, "exists and is a database of conformance runs (essc conform --db) (application_id "
            "0x45534346, tables conformance_certificate," },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (kept); i++)
    {
      g_autofree char *before = NULL, *after = NULL;
      gsize nb = 0, na = 0;
      g_assert_true (g_file_get_contents (kept[i].path, &before, &nb, NULL));
      r = essc_test_run_sh ("%s sim %s --no-latency --replications 1 --db %s",
                            essc_test_bin (), scenario, kept[i].path);
      g_assert_cmpint (r.status, ==, 2);
      g_assert_nonnull (strstr (r.err, kept[i].holds));
      g_assert_nonnull (strstr (r.err, "not a run database (essc sim): not written"));
      g_assert_null (strstr (r.out, "national e-card holders"));   /* refused before the run */
      essc_test_run_clear (&r);
      g_assert_true (g_file_get_contents (kept[i].path, &after, &na, NULL));
      g_assert_cmpmem (before, nb, after, na);
    }
  /* conformance runs never go into an e-card store; a report does not read one */
  g_autofree char *before = NULL, *after = NULL;
  gsize nb = 0, na = 0;
  g_assert_true (g_file_get_contents (store, &before, &nb, NULL));
  r = essc_test_run_sh ("%s conform --role channel --impl '%s' --db %s > /dev/null",
                        essc_test_bin (), impl, store);
  g_assert_cmpint (r.status, ==, 2);
  g_assert_nonnull (strstr (r.err, "exists and is an e-card store (essc demo --db)"));
  g_assert_nonnull (strstr (r.err, "not a database of conformance runs (essc conform --db): "
                                   "not written"));
  essc_test_run_clear (&r);
  g_autofree char *report_dir = g_build_filename (dir, "report", NULL);
  r = essc_test_run_essc ("report", store, "--out", report_dir);
  g_assert_cmpint (r.status, ==, 2);
  g_assert_nonnull (strstr (r.err, "an e-card store (essc demo --db) (application_id "
                                   "0x45535343, tables audit_entry,"));
  g_assert_nonnull (strstr (r.err, "essc report reads run, sweep, sensitivity, calibration and "
                                   "conformance databases"));
  essc_test_run_clear (&r);
  /* essc sweep and essc calibrate refuse it before they run */
  g_autofree char *sweep = g_build_filename (dir, "grid.sweep", NULL);
  g_autofree char *sweep_text = g_strdup_printf ("[sweep]\nname = grid\nscenario = %s\n"
                                                 "replications = 1\n[grid]\n"
                                                 "adoption.innovation = 0.002; 0.004\n", scenario);
  g_assert_true (g_file_set_contents (sweep, sweep_text, -1, NULL));
  r = essc_test_run_essc ("sweep", sweep, "--no-latency", "--db", store);
  g_assert_cmpint (r.status, ==, 2);
  g_assert_nonnull (strstr (r.err, "exists and is an e-card store (essc demo --db)"));
  g_assert_nonnull (strstr (r.err, "not a sweep database (essc sweep): not written"));
  g_assert_null (strstr (r.out, "point"));   /* before the run */
  essc_test_run_clear (&r);
  g_autofree char *calib = essc_test_src_path ("tests", "data", "small", "calibrate.ini", NULL);
  r = essc_test_run_essc ("calibrate", calib, "--db", store);
  g_assert_cmpint (r.status, ==, 2);
  g_assert_nonnull (strstr (r.err, "not a calibration database (essc calibrate): not written"));
  g_assert_null (strstr (r.out, "calibration:"));   /* before the fit */
  essc_test_run_clear (&r);
  g_assert_true (g_file_get_contents (store, &after, &na, NULL));
  g_assert_cmpmem (before, nb, after, na);
  r = essc_test_run_essc ("store", "check", store);
  g_assert_cmpint (r.status, ==, 0);
  essc_test_run_clear (&r);

  /* Two runs writing one database: while one holds it, the other is refused
   * at once and writes nothing; a run that ends leaves no lock file. */
  g_autofree char *run = g_build_filename (dir, "run.db", NULL);
  g_autofree char *lock = g_strconcat (run, ".lock", NULL);
  GError *lock_error = NULL;
  int held = base_file_lock (lock, &lock_error);
  g_assert_no_error (lock_error);
  g_assert_cmpint (held, >=, 0);
  r = essc_test_run_sh ("%s sim %s --no-latency --replications 1 --db %s", essc_test_bin (),
                        scenario, run);
  g_assert_cmpint (r.status, ==, 2);
  g_assert_nonnull (strstr (r.err, "in use by another process: another essc sim is writing it"));
  essc_test_run_clear (&r);
  g_assert_false (g_file_test (run, G_FILE_TEST_EXISTS));
  close (held);
  r = essc_test_run_sh ("%s sim %s --no-latency --replications 1 --db %s > /dev/null",
                        essc_test_bin (), scenario, run);
  g_assert_cmpint (r.status, ==, 0);
  essc_test_run_clear (&r);
  g_assert_true (g_file_test (run, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (lock, G_FILE_TEST_EXISTS));
  /* the same for a sweep and a calibration: a second writer is refused at once */
  g_autofree char *sweep_db = g_build_filename (dir, "grid.db", NULL);
  g_autofree char *calib_db = g_build_filename (dir, "calib.db", NULL);
  const struct { const char *cmd, *input, *db; } writers[] = {
    { "sweep", sweep, sweep_db }, { "calibrate", calib, calib_db },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (writers); i++)
    {
      g_autofree char *wlock = g_strconcat (writers[i].db, ".lock", NULL);
      int fd = base_file_lock (wlock, &lock_error);
      g_assert_no_error (lock_error);
      r = essc_test_run_essc (writers[i].cmd, writers[i].input, "--db", writers[i].db);
      g_autofree char *want = g_strdup_printf ("in use by another process: another essc %s is "
                                               "writing it", writers[i].cmd);
      g_assert_cmpint (r.status, ==, 2);
      g_assert_nonnull (strstr (r.err, want));
      essc_test_run_clear (&r);
      g_assert_false (g_file_test (writers[i].db, G_FILE_TEST_EXISTS));
      close (fd);
    }
  r = essc_test_run_essc ("sweep", sweep, "--no-latency", "--db", sweep_db);
  g_assert_cmpint (r.status, ==, 0);
  essc_test_run_clear (&r);
  g_autofree char *sweep_app = sql_text (sweep_db, "PRAGMA application_id");
  g_assert_cmpint (g_ascii_strtoll (sweep_app, NULL, 10), ==, BASE_DB_ID_SWEEP);
  g_autofree char *sweep_lock = g_strconcat (sweep_db, ".lock", NULL);
  g_assert_false (g_file_test (sweep_lock, G_FILE_TEST_EXISTS));

  g_autofree char *run_app = sql_text (run, "PRAGMA application_id");
  g_assert_cmpint (g_ascii_strtoll (run_app, NULL, 10), ==, BASE_DB_ID_RUN);

  /* conformance runs may be added to a run database, which keeps its id;
   * a new run would lose them, so it is refused */
  r = essc_test_run_sh ("%s conform --role channel --impl '%s' --db %s > /dev/null",
                        essc_test_bin (), impl, run);
  g_assert_cmpint (r.status, ==, 0);
  essc_test_run_clear (&r);
  g_autofree char *run_app2 = sql_text (run, "PRAGMA application_id");
  g_assert_cmpstr (run_app2, ==, run_app);
  r = essc_test_run_sh ("%s sim %s --no-latency --replications 1 --db %s", essc_test_bin (),
                        scenario, run);
  g_assert_cmpint (r.status, ==, 2);
  g_assert_nonnull (strstr (r.err, "exists and holds more than a run (conformance_certificate, "
                                   "conformance_latency, conformance_meta, conformance_run, "
                                   "conformance_test, which "
                                   "a new run database would lose): not overwritten"));
  essc_test_run_clear (&r);

  /* another program's database (application_id 0, a table of its own) */
  exec_sql (foreign, "CREATE TABLE notes (x TEXT); INSERT INTO notes VALUES ('mine');");
  r = essc_test_run_sh ("%s conform --role channel --impl '%s' --db %s > /dev/null",
                        essc_test_bin (), impl, foreign);
  g_assert_cmpint (r.status, ==, 2);
  g_assert_nonnull (strstr (r.err, "exists and is a database of another program "
                                   "(application_id 0x00000000, tables notes), not a database of "
                                   "conformance runs"));
  g_assert_null (strstr (r.err, "conformant"));   /* refused before the run, not after it */
  essc_test_run_clear (&r);
  sqlite3 *db = NULL;
  sqlite3_stmt *st = NULL;
  g_assert_cmpint (sqlite3_open_v2 (foreign, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "PRAGMA application_id", -1, &st, NULL), ==,
                   SQLITE_OK);
  g_assert_cmpint (sqlite3_step (st), ==, SQLITE_ROW);
  g_assert_cmpint (sqlite3_column_int (st, 0), ==, 0);
  sqlite3_finalize (st);
  sqlite3_close (db);
  essc_test_remove_dir (dir);
}

/* Two essc conform runs writing one --db at once serialise (each run is one
 * transaction, and a writer waits for the other's): both runs are kept. */
static void
test_db_concurrent_conform (void)
{
  g_autofree char *dir = essc_test_make_tmpdir ("essc-cli-XXXXXX");
  g_autofree char *db = g_build_filename (dir, "conf.db", NULL);
  g_autofree char *impl = g_strdup_printf ("%s impl --role channel", essc_test_bin ());
  EsscTestRun r = essc_test_run_sh ("%s conform --role channel --impl '%s' --db %s > /dev/null & "
                                    "a=$!; %s conform --role channel --impl '%s' --db %s "
                                    "> /dev/null; b=$?; wait $a; echo \"$? $b\"",
                                    essc_test_bin (), impl, db, essc_test_bin (), impl, db);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_cmpstr (r.out, ==, "0 0\n");
  essc_test_run_clear (&r);
  g_autofree char *runs = sql_text (db, "SELECT COUNT (*) FROM conformance_run");
  g_assert_cmpstr (runs, ==, "2");
  g_autofree char *tests = sql_text (db, "SELECT COUNT (DISTINCT run_id) FROM conformance_test");
  g_assert_cmpstr (tests, ==, "2");
  essc_test_remove_dir (dir);
}

/* Output that cannot be written (a full disk: /dev/full) is an error,
 * exit 3 with a message, not a success with nothing written. */
static void
test_stdout_unwritable (void)
{
  g_assert_true (g_file_test ("/dev/full", G_FILE_TEST_EXISTS));   /* Linux has it */
  g_autofree char *scenario = essc_test_src_path ("scenarios", "national-2019.ini", NULL);
  const char *cmds[][4] = { { "--help", NULL }, { "scenario", "check", scenario, NULL },
                            { "impl", "--list-faults", NULL } };
  for (gsize i = 0; i < G_N_ELEMENTS (cmds); i++)
    {
      g_autofree char *line = g_strjoinv (" ", (char **) cmds[i]);
      EsscTestRun r = essc_test_run_sh ("%s %s > /dev/full", essc_test_bin (), line);
      g_assert_cmpint (r.status, ==, 3);
      g_assert_nonnull (strstr (r.err, "cannot write standard output: No space left on device"));
      essc_test_run_clear (&r);
    }
}

static void
test_sim_end (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("essc-cli-XXXXXX", &error);
  g_assert_no_error (error);
  g_autofree char *db = g_build_filename (dir, "run.db", NULL);
  g_autofree char *scenario = essc_test_src_path ("tests", "data", "small", "latency.ini", NULL);

  EsscTestRun r = essc_test_run_essc ("sim", scenario, "--replications", "1", "--no-latency",
                                      "--db", db, "--end", "2019-08-31");
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "run to 2019-08-31 by --end (the scenario ends 2019-06-30)"));
  g_assert_nonnull (strstr (r.out, "2019-08-31 "));
  essc_test_run_clear (&r);
  g_autofree char *end = sql_text (db, "SELECT value FROM run WHERE key = 'end'");
  g_assert_cmpstr (end, ==, "2019-08-31");
  g_autofree char *last = sql_text (db, "SELECT MAX (date) FROM city_day");
  g_assert_cmpstr (last, ==, "2019-08-31");
  g_autofree char *text = sql_text (db, "SELECT value FROM run WHERE key = 'scenario_text'");
  g_assert_nonnull (strstr (text, "end = 2019-06-30"));
  g_assert_cmpint (g_remove (db), ==, 0);

  /* Before the second target (2019-06-30), not after the start, not a date. */
  const char *const bad[][2] = {
    { "2019-06-29", "[targets] target_2020 = 2019-06-30" },
    { "2019-01-01", "not after the scenario's start 2019-01-01" },
    { "2019-02-30", "not a date YYYY-MM-DD" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      r = essc_test_run_essc ("sim", scenario, "--replications", "1", "--db", db, "--end",
                              bad[i][0]);
      g_test_message ("--end %s: %s", bad[i][0], r.err);
      g_assert_cmpint (r.status, ==, 2);
      g_assert_nonnull (strstr (r.err, bad[i][1]));
      g_assert_cmpstr (r.out, ==, "");
      g_assert_false (g_file_test (db, G_FILE_TEST_EXISTS));
      essc_test_run_clear (&r);
    }
  g_rmdir (dir);
}

/* essc calibrate and backtest refuse at once what would fail only after a
 * long fit, with exit 2 and a message naming the file. */
static void
test_calibrate_errors (void)
{
  g_autofree char *national = essc_test_src_path ("scenarios", "national-2019.ini", NULL);
  g_autofree char *small = essc_test_src_path ("tests", "data", "small", "calibrate.ini", NULL);
  EsscTestRun r = essc_test_run_essc ("calibrate", national, "--no-write");
  g_assert_cmpint (r.status, ==, 2);
  g_assert_nonnull (strstr (r.err, "national-2019.ini: no free parameters"));
  g_assert_null (strstr (r.err, "generation"));
  essc_test_run_clear (&r);

  r = essc_test_run_essc ("backtest", small, "--no-write");
  g_assert_cmpint (r.status, ==, 2);
  g_assert_nonnull (strstr (r.err, "--fit-until DATE is required"));
  essc_test_run_clear (&r);

  r = essc_test_run_essc ("backtest", small, "--fit-until", "2019-02-30", "--no-write");
  g_assert_cmpint (r.status, ==, 2);
  g_assert_nonnull (strstr (r.err, "--fit-until"));
  essc_test_run_clear (&r);

  /* The run ends before any figure after the date: nothing to forecast. */
  r = essc_test_run_essc ("backtest", small, "--fit-until", "2019-12-31", "--no-write");
  g_assert_cmpint (r.status, ==, 2);
  g_assert_nonnull (strstr (r.err, "no published figure after 2019-12-31"));
  g_assert_null (strstr (r.err, "generation"));
  essc_test_run_clear (&r);

  r = essc_test_run_essc ("calibrate", small, "--seed", "abc", "--no-write");
  g_assert_cmpint (r.status, ==, 2);
  g_assert_nonnull (strstr (r.err, "calibrate.ini:8: [scenario] seed"));
  essc_test_run_clear (&r);

  /* A backtest that can run: the fit to mid-2019 forecasts the later figures. */
  r = essc_test_run_essc ("backtest", small, "--fit-until", "2019-06-30", "--replications", "8",
                          "--no-write");
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "2019-07-30 ecard_holders"));
  g_assert_nonnull (strstr (r.out, "coverage: "));
  essc_test_run_clear (&r);
}

int
main (int argc, char **argv)
{
  essc_test_init (&argc, &argv);
  g_test_add_func ("/cli/help", test_help);
  g_test_add_func ("/cli/version", test_version);
  g_test_add_func ("/cli/usage-errors-exit-2", test_usage_errors);
  g_test_add_func ("/cli/id/check", test_id_check);
  g_test_add_func ("/cli/id/at-strict", test_id_at_strict);
  g_test_add_func ("/cli/id/hostile-input", test_id_hostile);
  g_test_add_func ("/cli/store/check", test_store_check);
  g_test_add_func ("/cli/bench/runs", test_bench);
  g_test_add_func ("/cli/bench/service-times", test_bench_service_times);
  g_test_add_func ("/cli/bench/service-times-unwritable", test_bench_service_times_unwritable);
  g_test_add_func ("/cli/sim/end", test_sim_end);
  g_test_add_func ("/cli/sim/seed", test_sim_seed);
  g_test_add_func ("/cli/run-size", test_run_size);
  g_test_add_func ("/cli/db-ownership", test_db_ownership);
  g_test_add_func ("/cli/db-concurrent-conform", test_db_concurrent_conform);
  g_test_add_func ("/cli/stdout-unwritable", test_stdout_unwritable);
  g_test_add_func ("/cli/calibrate/errors", test_calibrate_errors);
  return g_test_run ();
}
