/* SPDX-License-Identifier: MIT */
/*
 * Tests of the essc front as a user meets it: help, exit statuses (0, 1, 2),
 * hostile input on the command line and on stdin, the demo's output
 * against its golden file, and the service-time file of essc bench.  Runs the binary named by $ESSC_BIN (set by make
 * check) in a subprocess.
 */
#include "tests/lib/testutil.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <math.h>
#include <sqlite3.h>
#include <string.h>

typedef struct {
  int status;        /* exit status; -1 when killed by a signal */
  char *out, *err;
} Run;

static void
run_clear (Run *r)
{
  g_free (r->out);
  g_free (r->err);
}

static const char *
essc_bin (void)
{
  const char *bin = g_getenv ("ESSC_BIN");
  if (bin == NULL)
    g_error ("ESSC_BIN is not set: run through 'make check'");
  return bin;
}

/* Runs essc with args (NULL-terminated) and stdin_text (may be NULL). */
static Run
run_essc_v (const char *stdin_text, gsize stdin_len, const char *const *args)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) in = g_bytes_new (stdin_text, stdin_text ? stdin_len : 0);
  g_autoptr (GBytes) out = NULL, err = NULL;
  Run r = { 0 };

  g_ptr_array_add (argv, (gpointer) essc_bin ());
  for (int i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);
  g_autoptr (GSubprocess) proc = g_subprocess_newv (
      (const char *const *) argv->pdata,
      G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE
          | G_SUBPROCESS_FLAGS_STDERR_PIPE,
      &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate (proc, in, NULL, &out, &err, &error));
  g_assert_no_error (error);
  r.status = g_subprocess_get_if_exited (proc) ? g_subprocess_get_exit_status (proc) : -1;
  r.out = g_strndup (g_bytes_get_size (out) ? g_bytes_get_data (out, NULL) : "",
                     g_bytes_get_size (out));
  r.err = g_strndup (g_bytes_get_size (err) ? g_bytes_get_data (err, NULL) : "",
                     g_bytes_get_size (err));
  return r;
}

#define run_essc(...) run_essc_v (NULL, 0, (const char *const[]) { __VA_ARGS__, NULL })

static void
test_help (void)
{
  Run r = run_essc ("--help");
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "Commands:"));
  g_assert_nonnull (strstr (r.out, "  id "));
  g_assert_nonnull (strstr (r.out, "  demo "));
  run_clear (&r);

  const char *commands[] = { "id", "demo", "store", "bench" };
  for (gsize i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      r = run_essc (commands[i], "--help");
      g_assert_cmpint (r.status, ==, 0);
      g_assert_nonnull (strstr (r.out, "Usage:"));
      run_clear (&r);
    }

  r = run_essc ("--version");
  g_assert_cmpint (r.status, ==, 0);
  g_assert_true (g_str_has_prefix (r.out, "essc "));
  run_clear (&r);
}

static void
test_usage_errors (void)
{
  Run r = run_essc_v (NULL, 0, (const char *const[]) { NULL });
  g_assert_cmpint (r.status, ==, 2);
  run_clear (&r);

  r = run_essc ("frobnicate");
  g_assert_cmpint (r.status, ==, 2);
  g_assert_nonnull (strstr (r.err, "unknown command 'frobnicate'"));
  run_clear (&r);

  r = run_essc ("--frobnicate");
  g_assert_cmpint (r.status, ==, 2);
  g_assert_nonnull (strstr (r.err, "unknown option"));
  run_clear (&r);

  r = run_essc ("\xff\xfe\x01");
  g_assert_cmpint (r.status, ==, 2);
  g_assert_nonnull (strstr (r.err, "\\xff\\xfe\\x01"));
  run_clear (&r);

  r = run_essc ("id", "--bogus");
  g_assert_cmpint (r.status, ==, 2);
  g_assert_nonnull (strstr (r.err, "essc id:"));
  run_clear (&r);

  r = run_essc ("id");
  g_assert_cmpint (r.status, ==, 2);
  run_clear (&r);

  r = run_essc ("id", "check");
  g_assert_cmpint (r.status, ==, 2);
  run_clear (&r);

  r = run_essc ("id", "verify", "11010519491231002X");
  g_assert_cmpint (r.status, ==, 2);
  run_clear (&r);

  r = run_essc ("id", "--at", "2020-13-45", "check", "11010519491231002X");
  g_assert_cmpint (r.status, ==, 2);
  g_assert_nonnull (strstr (r.err, "--at"));
  run_clear (&r);

  r = run_essc ("demo", "--seed", "-3");
  g_assert_cmpint (r.status, ==, 2);
  run_clear (&r);

  r = run_essc ("demo", "extra");
  g_assert_cmpint (r.status, ==, 2);
  run_clear (&r);
}

static void
test_id_check (void)
{
  Run r = run_essc ("id", "check", "11010519491231002X", "440524188001010014");
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "11010519491231002X\tvalid\tregion 110105 北京市朝阳区"));
  g_assert_nonnull (strstr (r.out, "440524188001010014\tvalid"));
  g_assert_nonnull (strstr (r.err, "warning: region code 440524"));
  run_clear (&r);

  r = run_essc ("id", "check", "11010519491231002X", "11010519491231002x");
  g_assert_cmpint (r.status, ==, 1);
  g_assert_nonnull (strstr (r.out, "11010519491231002x\tinvalid\t"));
  run_clear (&r);

  /* A future birth date is invalid at --at, valid later. */
  r = run_essc ("id", "--at", "2020-06-01", "check", "110105202006020028");
  g_assert_cmpint (r.status, ==, 1);
  run_clear (&r);
  r = run_essc ("id", "--at", "2020-06-02", "check", "110105202006020028");
  g_assert_cmpint (r.status, ==, 0);
  run_clear (&r);

  r = run_essc ("id", "complete", "11010519491231002");
  g_assert_cmpint (r.status, ==, 0);
  g_assert_cmpstr (r.out, ==, "11010519491231002X\n");
  run_clear (&r);
  r = run_essc ("id", "complete", "1101051949123100Z");
  g_assert_cmpint (r.status, ==, 2);
  run_clear (&r);
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
      Run r = run_essc ("id", "--at", refused[i].at, "check", "11010519491231002X");
      g_test_message ("--at '%s': %s", refused[i].at, r.err);
      g_assert_cmpint (r.status, ==, 2);
      g_assert_nonnull (strstr (r.err, "--at: '"));
      g_assert_nonnull (strstr (r.err, refused[i].says));
      g_assert_null (strstr (r.err, "\x1b"));          /* the text is shown escaped */
      run_clear (&r);
    }

  /* The UTC form: born 2020-06-02 (Beijing), valid from 2020-06-01T16:00:00Z. */
  Run r = run_essc ("id", "--at", "2020-06-01T15:59:59Z", "check", "110105202006020028");
  g_assert_cmpint (r.status, ==, 1);
  run_clear (&r);
  r = run_essc ("id", "--at", "2020-06-01T16:00:00Z", "check", "110105202006020028");
  g_assert_cmpint (r.status, ==, 0);
  run_clear (&r);
}

static void
test_id_hostile (void)
{
  /* A 100 000-byte argument of digits (near the kernel limit of one argument),
   * bad UTF-8, control characters, an empty argument. */
  g_autofree char *huge = g_strnfill (100000, '7');
  Run r = run_essc ("id", "check", huge, "\xc3\x28\x1b[31m", "");
  g_assert_cmpint (r.status, ==, 1);
  g_assert_cmpint (strlen (r.out), <, 4096);
  g_assert_nonnull (strstr (r.out, "\\x1b"));
  run_clear (&r);

  /* stdin: an overlong line, NULs, bad UTF-8, CRLF, no final newline. */
  GString *in = g_string_new ("11010519491231002X\r\n");
  for (int i = 0; i < 100000; i++)
    g_string_append_c (in, '1');
  static const char tail[] = "\n\xff\xfe\n1101051949\0" "1231002X\n440524188001010014";
  g_string_append_len (in, tail, sizeof tail - 1);
  gsize len = in->len;
  r = run_essc_v (in->str, len, (const char *const[]) { "id", "check", "-", NULL });
  g_assert_cmpint (r.status, ==, 1);
  g_assert_nonnull (strstr (r.out, "11010519491231002X\tvalid"));
  g_assert_nonnull (strstr (r.out, "stdin line 2 is over 256 bytes"));
  g_assert_nonnull (strstr (r.out, "\\xff\\xfe\tinvalid"));
  g_assert_nonnull (strstr (r.out, "440524188001010014\tvalid"));
  g_string_free (in, TRUE);
  run_clear (&r);
}

static void
test_demo_golden (void)
{
  const char *srcdir = g_getenv ("ESSC_SRCDIR");
  g_autofree char *path = g_build_filename (srcdir ? srcdir : ".", "tests", "golden",
                                            "demo.exp", NULL);
  g_autofree char *expected = NULL;
  g_autoptr (GError) error = NULL;

  Run r = run_essc ("demo");
  g_assert_cmpstr (r.err, ==, "");
  g_assert_cmpint (r.status, ==, 0);
  g_assert_true (g_file_get_contents (path, &expected, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (r.out, ==, expected);
  run_clear (&r);

  /* Same seed, same bytes; another seed, other keys, same verdicts. */
  r = run_essc ("demo", "--seed", "2");
  g_assert_cmpint (r.status, ==, 0);
  g_assert_cmpstr (r.out, !=, expected);
  g_assert_nonnull (strstr (r.out, ", 0 not;"));
  run_clear (&r);
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

  Run r = run_essc ("demo", "--db", db);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "state saved to"));
  run_clear (&r);

  r = run_essc ("store", "check", db);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "2 payment orders, 8 postings, 36 audit entries"));
  g_assert_nonnull (strstr (r.out, "books: whole"));
  g_assert_nonnull (strstr (r.out, "audit trail: chain intact"));
  run_clear (&r);

  /* A posting's amount and an audit entry's payload edited in the file. */
  exec_sql (db, "UPDATE posting SET amount_fen = amount_fen + 1 WHERE pos = "
                "(SELECT MIN(pos) FROM posting);"
                "UPDATE audit_entry SET payload = X'00' WHERE seq = 7;");
  r = run_essc ("store", "check", db);
  g_assert_cmpint (r.status, ==, 1);
  g_assert_nonnull (strstr (r.out, "books: NOT whole"));
  g_assert_nonnull (strstr (r.out, "audit trail: BROKEN at entry 7"));
  run_clear (&r);

  /* A row that does not validate, a file of junk, no file: exit 2. */
  exec_sql (db, "UPDATE card SET status = 'misplaced'");
  r = run_essc ("store", "check", db);
  g_assert_cmpint (r.status, ==, 2);
  g_assert_nonnull (strstr (r.err, "table card"));
  g_assert_nonnull (strstr (r.err, "misplaced"));
  run_clear (&r);

  g_assert_true (g_file_set_contents (junk, "this is not a database, just text\n", -1, NULL));
  r = run_essc ("store", "check", junk);
  g_assert_cmpint (r.status, ==, 2);
  g_assert_nonnull (strstr (r.err, junk));
  run_clear (&r);

  r = run_essc ("store", "check", missing);
  g_assert_cmpint (r.status, ==, 2);
  g_assert_false (g_file_test (missing, G_FILE_TEST_EXISTS));
  run_clear (&r);

  r = run_essc ("store", "inspect", db);
  g_assert_cmpint (r.status, ==, 2);
  run_clear (&r);

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
  Run r = run_essc ("bench", "--seconds", "0.01");
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "qr: verify"));
  g_assert_nonnull (strstr (r.out, "ledger: submit + settle"));
  g_assert_nonnull (strstr (r.out, "pin: verify"));
  run_clear (&r);

  r = run_essc ("bench", "--seconds", "0");
  g_assert_cmpint (r.status, ==, 2);
  run_clear (&r);
  r = run_essc ("bench", "--seconds", "abc");
  g_assert_cmpint (r.status, ==, 2);
  run_clear (&r);
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

  Run r = run_essc ("bench", "--seconds", "0.01", "--service-times", path);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_cmpstr (r.err, ==, "");
  g_assert_nonnull (strstr (r.out, "ledger: post a settlement (SQLite transaction)"));
  g_assert_nonnull (strstr (r.out, "issuer: report a card lost (status, audit)"));
  run_clear (&r);

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
  r = run_essc ("bench", "--seconds", "0.01", "--service-times", dir);
  g_assert_cmpint (r.status, ==, 2);
  g_assert_nonnull (strstr (r.err, dir));
  run_clear (&r);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

/* An unwritable path is refused (exit 2, the path named) before anything
 * is measured, and nothing is written. */
static void
test_bench_service_times_unwritable (void)
{
  const char *path = "/nonexistent-dir/x.csv";
  Run r = run_essc ("bench", "--seconds", "0.01", "--service-times", path);
  g_assert_cmpint (r.status, ==, 2);
  g_assert_nonnull (strstr (r.err, path));
  g_assert_cmpstr (r.out, ==, "");
  g_assert_false (g_file_test ("/nonexistent-dir", G_FILE_TEST_EXISTS));
  run_clear (&r);
}

int
main (int argc, char **argv)
{
  essc_test_init (&argc, &argv);
  g_test_add_func ("/cli/help", test_help);
  g_test_add_func ("/cli/usage-errors-exit-2", test_usage_errors);
  g_test_add_func ("/cli/id/check", test_id_check);
  g_test_add_func ("/cli/id/at-strict", test_id_at_strict);
  g_test_add_func ("/cli/id/hostile-input", test_id_hostile);
  g_test_add_func ("/cli/demo/golden", test_demo_golden);
  g_test_add_func ("/cli/store/check", test_store_check);
  g_test_add_func ("/cli/bench/runs", test_bench);
  g_test_add_func ("/cli/bench/service-times", test_bench_service_times);
  g_test_add_func ("/cli/bench/service-times-unwritable", test_bench_service_times_unwritable);
  return g_test_run ();
}
