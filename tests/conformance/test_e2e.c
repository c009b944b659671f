/* SPDX-License-Identifier: MIT */
/*
 * End-to-end tests of the conformance test bed through the essc binary, as
 * a certifier and a CI pipeline use it: `essc selftest` (references pass,
 * every fault caught), the reference channel conformant with TAP that prove
 * accepts, every listed channel fault refused with exit 1, the audit-less
 * platform refused and a backdating one (CRED-12) conformant, a signed
 * certificate that verifies and fails when touched, JUnit/JSON/SQLite
 * outputs (the certificate stored in the database byte for byte), waivers,
 * the coverage table, misbehaving IUTs (tests not run after ten dead ones),
 * the verdict line on stderr, --only, and the sample adapter of
 * examples/adapter/ (its id tests pass, the rest are not implemented).
 */
#include "tests/lib/run.h"
#include "tests/lib/testutil.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <sqlite3.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct {
  char *dir;
  char *essc;
} Fx;

static void
fx_set_up (Fx *f, gconstpointer data)
{
  f->dir = g_dir_make_tmp ("essc-e2e-XXXXXX", NULL);
  f->essc = essc_test_sh_bin ();
}

static void
fx_tear_down (Fx *f, gconstpointer data)
{
  essc_test_remove_dir (f->dir);
  g_free (f->dir);
  g_free (f->essc);
}

/* The suite can fail: references pass, every fault is caught (kill matrix). */
static void
test_selftest (Fx *f, gconstpointer data)
{
  EsscTestRun r = essc_test_run_sh ("%s selftest", f->essc);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "kill matrix"));
  g_assert_nonnull (strstr (r.out, "0 failing tests"));
  g_assert_null (strstr (r.out, "SURVIVED"));
  guint faults = 0, caught = 0, survived = 1;
  const char *line = strstr (r.out, "reference runs with");
  g_assert_nonnull (line);
  g_assert_cmpint (sscanf (strstr (line, "; ") + 2, "%u faults, %u caught, %u survived", &faults,
                           &caught, &survived), ==, 3);
  g_assert_cmpuint (faults, >=, 60);
  g_assert_cmpuint (caught, ==, faults);
  g_assert_cmpuint (survived, ==, 0);
  essc_test_run_clear (&r);
}

/* The reference channel is conformant and its TAP passes prove. */
static void
test_channel_tap_prove (Fx *f, gconstpointer data)
{
  g_autofree char *tap = g_build_filename (f->dir, "channel.tap", NULL);
  EsscTestRun r = essc_test_run_sh (
      "%s conform --role channel --impl '%s impl --role channel' > %s", f->essc, f->essc, tap);
  g_assert_cmpint (r.status, ==, 0);
  essc_test_run_clear (&r);
  g_autofree char *text = NULL;
  g_assert_true (g_file_get_contents (tap, &text, NULL, NULL));
  g_assert_true (g_str_has_prefix (text, "TAP version 13\n1.."));
  r = essc_test_run_sh ("prove --exec cat %s", tap);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "Result: PASS"));
  essc_test_run_clear (&r);
}

/* Every listed channel fault makes the run exit 1. */
static void
test_channel_faults_fail (Fx *f, gconstpointer data)
{
  EsscTestRun list = essc_test_run_sh ("%s impl --list-faults --role channel", f->essc);
  g_assert_cmpint (list.status, ==, 0);
  g_auto (GStrv) lines = g_strsplit (list.out, "\n", -1);
  guint n = 0;
  for (int i = 0; lines[i] != NULL; i++)
    {
      if (*lines[i] == '\0' || *lines[i] == '#')
        continue;
      g_autofree char *name = g_strndup (lines[i], strcspn (lines[i], "\t "));
      EsscTestRun r = essc_test_run_sh (
          "%s conform --role channel --impl '%s impl --role channel --fault %s' > /dev/null",
          f->essc, f->essc, name);
      if (r.status != 1)
        g_error ("fault %s: essc conform exited %d, expected 1", name, r.status);
      essc_test_run_clear (&r);
      n++;
    }
  g_assert_cmpuint (n, >=, 5);
  essc_test_run_clear (&list);
}

/* AUDIT-11: a platform that writes no audit entries is not conformant, and
 * the audit duty tests name it; CRED-6, CRED-12: a platform that backdates
 * its credentials by up to 300 s is conformant, and --backdate refuses more. */
static void
test_platform_audit_and_backdate (Fx *f, gconstpointer data)
{
  EsscTestRun r = essc_test_run_sh (
      "%s conform --role platform --impl '%s impl --role platform --fault audit-none'", f->essc,
      f->essc);
  g_assert_cmpint (r.status, ==, 1);
  static const char *const caught[] = { "audit/entries-cards", "audit/entries-pin",
                                        "audit/entries-channels", "audit/time-without-now" };
  for (gsize i = 0; i < G_N_ELEMENTS (caught); i++)
    {
      g_autofree char *line = g_strdup_printf (" %s\n", caught[i]);
      const char *at = strstr (r.out, line);
      g_assert_nonnull (at);
      /* the line that names the test says "not ok" */
      const char *bol = at;
      while (bol > r.out && bol[-1] != '\n')
        bol--;
      g_assert_true (g_str_has_prefix (bol, "not ok "));
    }
  essc_test_run_clear (&r);
  static const char *const backdates[] = { "1", "120", "300" };
  for (gsize i = 0; i < G_N_ELEMENTS (backdates); i++)
    {
      r = essc_test_run_sh ("%s conform --role platform --impl '%s impl --role platform "
                            "--backdate %s' > /dev/null", f->essc, f->essc, backdates[i]);
      g_assert_cmpint (r.status, ==, 0);
      essc_test_run_clear (&r);
    }
  r = essc_test_run_sh ("%s impl --role platform --backdate 301 < /dev/null", f->essc);
  g_assert_cmpint (r.status, ==, 2);
  essc_test_run_clear (&r);
  r = essc_test_run_sh ("%s impl --role verifier --backdate 1 < /dev/null", f->essc);
  g_assert_cmpint (r.status, ==, 2);
  essc_test_run_clear (&r);
}

/* A signed certificate verifies; a changed byte does not. */
static void
test_certificate (Fx *f, gconstpointer data)
{
  g_autofree char *key = g_build_filename (f->dir, "cb", NULL);
  g_autofree char *cert = g_build_filename (f->dir, "cert.json", NULL);
  g_autofree char *junit = g_build_filename (f->dir, "junit.xml", NULL);
  g_autofree char *json = g_build_filename (f->dir, "results.json", NULL);
  g_autofree char *db = g_build_filename (f->dir, "runs.db", NULL);
  EsscTestRun r = essc_test_run_sh ("%s keygen --out %s", f->essc, key);
  g_assert_cmpint (r.status, ==, 0);
  essc_test_run_clear (&r);
  r = essc_test_run_sh (
      "%s conform --role verifier --impl '%s impl --role verifier' --sign %s.key --report %s "
      "--junit %s --json %s --db %s > /dev/null",
      f->essc, f->essc, key, cert, junit, json, db);
  g_assert_cmpint (r.status, ==, 0);
  essc_test_run_clear (&r);
  r = essc_test_run_sh ("%s cert check-report %s --pub %s.pub", f->essc, cert, key);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "authentic conformance report"));
  essc_test_run_clear (&r);
  /* A report, even a conformant one, is not a certificate. */
  r = essc_test_run_sh ("%s cert verify %s --pub %s.pub", f->essc, cert, key);
  g_assert_cmpint (r.status, ==, 1);
  g_assert_nonnull (strstr (r.out, "NOT VALID (not_a_certificate)"));
  g_assert_nonnull (strstr (r.err, "NOT VALID (not_a_certificate)"));
  essc_test_run_clear (&r);

  /* Any byte changed: refused (a sample of positions; the cert tests cover all). */
  g_autofree char *bytes = NULL;
  gsize len;
  g_assert_true (g_file_get_contents (cert, &bytes, &len, NULL));
  for (gsize pos = 0; pos < len; pos += len / 7 + 1)
    {
      bytes[pos] ^= 0x01;
      g_assert_true (g_file_set_contents (cert, bytes, (gssize) len, NULL));
      r = essc_test_run_sh ("%s cert check-report %s --pub %s.pub", f->essc, cert, key);
      g_assert_cmpint (r.status, ==, 1);
      g_assert_null (strstr (r.out, "authentic conformance report"));
      essc_test_run_clear (&r);
      bytes[pos] ^= 0x01;
    }

  /* The other outputs hold the run. */
  g_autofree char *x = NULL;
  g_assert_true (g_file_get_contents (junit, &x, NULL, NULL));
  g_assert_nonnull (strstr (x, "<testsuite name=\"essc conform verifier\""));
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_assert_true (json_parser_load_from_file (parser, json, NULL));
  JsonObject *o = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (o, "verdict"), ==, "conformant");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (o, "latency")), >, 0);
  sqlite3 *h = NULL;
  sqlite3_stmt *st = NULL;
  g_assert_cmpint (sqlite3_open (db, &h), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (h, "SELECT COUNT(*) FROM conformance_test WHERE "
                                          "verdict = 'pass'", -1, &st, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (st), ==, SQLITE_ROW);
  g_assert_cmpint (sqlite3_column_int (st, 0), >, 100);
  sqlite3_finalize (st);
  sqlite3_close (h);
}

/* One column of a query's single row, as bytes (NULL for SQL NULL). */
static char *
db_text (sqlite3 *h, const char *sql, gsize *len)
{
  sqlite3_stmt *st = NULL;
  g_assert_cmpint (sqlite3_prepare_v2 (h, sql, -1, &st, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (st), ==, SQLITE_ROW);
  const char *t = (const char *) sqlite3_column_text (st, 0);
  gsize n = (gsize) sqlite3_column_bytes (st, 0);
  char *copy = t ? g_strndup (t, n) : NULL;
  if (len != NULL)
    *len = n;
  g_assert_cmpint (sqlite3_step (st), ==, SQLITE_DONE);
  sqlite3_finalize (st);
  return copy;
}

/* --db with --report stores the signed report's files byte for byte, with its
 * run; they verify when written back; a database without the table (an
 * older essc's) gains it; a run without --report has no row. */
static void
test_certificate_in_db (Fx *f, gconstpointer data)
{
  g_autofree char *key = g_build_filename (f->dir, "cb", NULL);
  g_autofree char *cert = g_build_filename (f->dir, "cert.json", NULL);
  g_autofree char *db = g_build_filename (f->dir, "runs.db", NULL);
  const char *impl = "impl --role channel";
  EsscTestRun r = essc_test_run_sh ("%s keygen --out %s", f->essc, key);
  g_assert_cmpint (r.status, ==, 0);
  essc_test_run_clear (&r);
  r = essc_test_run_sh ("%s conform --role channel --impl '%s %s' --db %s > /dev/null", f->essc,
                        f->essc,
          impl, db);
  g_assert_cmpint (r.status, ==, 0);
  essc_test_run_clear (&r);
  sqlite3 *h = NULL;
  g_assert_cmpint (sqlite3_open (db, &h), ==, SQLITE_OK);
  g_autofree char *none = db_text (h, "SELECT COUNT(*) FROM conformance_certificate", NULL);
  g_assert_cmpstr (none, ==, "0");
  g_assert_cmpint (sqlite3_exec (h, "DROP TABLE conformance_certificate", NULL, NULL, NULL), ==,
                   SQLITE_OK);
  sqlite3_close (h);

  r = essc_test_run_sh ("%s conform --role channel --impl '%s %s --fault chan-no-replay' --db %s "
          "--sign %s.key --report %s > /dev/null", f->essc, f->essc, impl, db, key, cert);
  g_assert_cmpint (r.status, ==, 1);
  essc_test_run_clear (&r);
  g_assert_cmpint (sqlite3_open (db, &h), ==, SQLITE_OK);
  g_autofree char *ids = db_text (h, "SELECT group_concat (run_id) FROM conformance_certificate",
                                  NULL);
  g_autofree char *last = db_text (h, "SELECT MAX (id) FROM conformance_run", NULL);
  g_assert_cmpstr (last, ==, "2");
  g_assert_cmpstr (ids, ==, "2");
  gsize len = 0, file_len = 0;
  g_autofree char *stored = db_text (h, "SELECT certificate FROM conformance_certificate", &len);
  g_autofree char *sig = db_text (h, "SELECT signature FROM conformance_certificate", NULL);
  g_autofree char *pub = db_text (h, "SELECT public_key FROM conformance_certificate", NULL);
  sqlite3_close (h);
  g_autofree char *bytes = NULL, *sig_file = NULL, *pub_file = NULL;
  g_autofree char *sig_path = g_strconcat (cert, ".sig", NULL);
  g_autofree char *pub_path = g_strconcat (key, ".pub", NULL);
  g_assert_true (g_file_get_contents (cert, &bytes, &file_len, NULL));
  g_assert_true (g_file_get_contents (sig_path, &sig_file, NULL, NULL));
  g_assert_true (g_file_get_contents (pub_path, &pub_file, NULL, NULL));
  g_assert_cmpuint (len, ==, file_len);
  g_assert_cmpmem (stored, len, bytes, file_len);
  g_assert_cmpstr (sig, ==, sig_file);
  g_assert_cmpstr (pub, ==, pub_file);

  /* Written back from the database, the three files verify. */
  g_autofree char *back = g_build_filename (f->dir, "back.json", NULL);
  g_autofree char *back_sig = g_strconcat (back, ".sig", NULL);
  g_autofree char *back_pub = g_build_filename (f->dir, "back.pub", NULL);
  g_assert_true (g_file_set_contents (back, stored, (gssize) len, NULL));
  g_assert_true (g_file_set_contents (back_sig, sig, -1, NULL));
  g_assert_true (g_file_set_contents (back_pub, pub, -1, NULL));
  r = essc_test_run_sh ("%s cert check-report %s --pub %s", f->essc, back, back_pub);
  g_assert_cmpint (r.status, ==, 1);
  g_assert_nonnull (strstr (r.out, "authentic conformance report"));
  g_assert_nonnull (strstr (r.out, "not conformant"));
  essc_test_run_clear (&r);
}

/* A database of an essc before the not_run verdict (conformance_run
 * without the column): the report reads it as it is, and the next run adds
 * the column (0 for the older runs) and stores its count of tests not run. */
static void
test_database_migration (Fx *f, gconstpointer data)
{
  g_autofree char *db = g_build_filename (f->dir, "runs.db", NULL);
  g_autofree char *out = g_build_filename (f->dir, "report", NULL);
  g_autofree char *hang = essc_test_src_path ("tests", "adapters", "hang.sh", NULL);
  EsscTestRun r = essc_test_run_sh ("%s conform --role verifier --impl '%s impl --role verifier' "
                                    "--db %s > /dev/null", f->essc, f->essc, db);
  g_assert_cmpint (r.status, ==, 0);
  essc_test_run_clear (&r);
  sqlite3 *h = NULL;
  g_assert_cmpint (sqlite3_open (db, &h), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (h, "ALTER TABLE conformance_run DROP COLUMN not_run", NULL, NULL,
                                 NULL), ==, SQLITE_OK);
  sqlite3_close (h);

  r = essc_test_run_sh ("ESSC_GNUPLOT=/nonexistent/gnuplot %s report %s --out %s", f->essc, db,
                        out);
  g_assert_cmpint (r.status, ==, 0);
  essc_test_run_clear (&r);

  r = essc_test_run_sh ("%s conform --role verifier --impl '%s' --timeout-ms 400 --db %s "
                        "> /dev/null", f->essc, hang, db);
  g_assert_cmpint (r.status, ==, 1);
  essc_test_run_clear (&r);
  g_assert_cmpint (sqlite3_open (db, &h), ==, SQLITE_OK);
  g_autofree char *counts = db_text (h, "SELECT group_concat (not_run || '/' || failed, ' ') "
                                        "FROM (SELECT * FROM conformance_run ORDER BY id)", NULL);
  g_autofree char *tests = db_text (h, "SELECT COUNT(*) FROM conformance_test WHERE run_id = 2 "
                                       "AND verdict = 'not_run'", NULL);
  /* the first run passed the whole verifier suite: all but 10 are not run */
  g_autofree char *suite = db_text (h, "SELECT passed FROM conformance_run WHERE id = 1", NULL);
  sqlite3_close (h);
  gint64 n = g_ascii_strtoll (suite, NULL, 10);
  g_assert_cmpint (n, >, 250);
  g_autofree char *want_counts = g_strdup_printf ("0/0 %" G_GINT64_FORMAT "/10", n - 10);
  g_autofree char *want_tests = g_strdup_printf ("%" G_GINT64_FORMAT, n - 10);
  g_assert_cmpstr (counts, ==, want_counts);
  g_assert_cmpstr (tests, ==, want_tests);

  r = essc_test_run_sh ("ESSC_GNUPLOT=/nonexistent/gnuplot %s report %s --out %s", f->essc, db,
                        out);
  g_assert_cmpint (r.status, ==, 0);
  essc_test_run_clear (&r);
  g_autofree char *index = g_build_filename (out, "index.html", NULL);
  g_autofree char *html = NULL;
  g_assert_true (g_file_get_contents (index, &html, NULL, NULL));
  g_assert_nonnull (strstr (html, ">Not run<"));
  g_assert_nonnull (strstr (html, "some not run"));
  g_assert_true (essc_test_remove_dir (out));
}

/* A fault's failures waived: conformant; a stale or unknown waiver: not. */
static void
test_waivers (Fx *f, gconstpointer data)
{
  g_autofree char *json = g_build_filename (f->dir, "r.json", NULL);
  g_autofree char *waivers = g_build_filename (f->dir, "waivers.txt", NULL);
  const char *impl = "impl --role verifier --fault qr-no-replay-cache";
  EsscTestRun r = essc_test_run_sh (
      "%s conform --role verifier --impl '%s %s' --json %s > /dev/null", f->essc, f->essc, impl,
      json);
  g_assert_cmpint (r.status, ==, 1);
  essc_test_run_clear (&r);
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_assert_true (json_parser_load_from_file (parser, json, NULL));
  JsonArray *tests = json_object_get_array_member (
      json_node_get_object (json_parser_get_root (parser)), "tests");
  g_autoptr (GString) w = g_string_new ("# known defect\n");
  for (guint i = 0; i < json_array_get_length (tests); i++)
    {
      JsonObject *t = json_array_get_object_element (tests, i);
      if (strcmp (json_object_get_string_member (t, "verdict"), "fail") == 0)
        g_string_append_printf (w, "%s replay cache being fixed\n",
                                json_object_get_string_member (t, "name"));
    }
  g_assert_true (g_file_set_contents (waivers, w->str, -1, NULL));
  r = essc_test_run_sh ("%s conform --role verifier --impl '%s %s' --waivers %s", f->essc, f->essc,
                        impl,
          waivers);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "# TODO waived"));
  essc_test_run_clear (&r);
  /* The same waivers against the clean implementation no longer apply. */
  r = essc_test_run_sh ("%s conform --role verifier --impl '%s impl --role verifier' --waivers %s",
                        f->essc,
          f->essc, waivers);
  g_assert_cmpint (r.status, ==, 1);
  g_assert_nonnull (strstr (r.out, "no longer applies"));
  essc_test_run_clear (&r);
}

/* Misbehaving IUTs and bad usage: clear errors, right exit codes, no hang. */
static void
test_misbehaving (Fx *f, gconstpointer data)
{
  g_autofree char *hang = essc_test_src_path ("tests/adapters/hang.sh", NULL);
  g_autofree char *bad = essc_test_src_path ("tests/adapters/bad-hello.sh", NULL);
  gint64 start = g_get_monotonic_time ();
  /* hello shares the per-call deadline: 400 ms (not 100) lets a loaded
   * machine start the shell adapter, which then answers nothing more. */
  EsscTestRun r = essc_test_run_sh ("%s conform --role verifier --impl %s --timeout-ms 400",
                                    f->essc, hang);
  g_assert_cmpint (r.status, ==, 1);
  g_assert_nonnull (strstr (r.out, "timeout"));
  g_assert_nonnull (strstr (r.out, "\nok 11 - "));
  g_assert_nonnull (strstr (r.out, " # SKIP not run: the implementation failed 10 tests in a "
                                   "row (timeout, crash, network or protocol error)\n"));
  /* all the verifier suite (the TAP plan) but the 10 failed is not run */
  const char *plan = strstr (r.out, "\n1..");
  g_assert_nonnull (plan);
  gint64 n = g_ascii_strtoll (plan + 4, NULL, 10);
  g_assert_cmpint (n, >, 250);
  g_autofree char *summary = g_strdup_printf ("essc conform: NOT conformant: test adapter hang "
                                              "0.0.1 as verifier: 10 failed, 0 not implemented, "
                                              "%" G_GINT64_FORMAT " not run, 0 passed, 0 skipped, "
                                              "0 waived\n", n - 10);
  g_assert_nonnull (strstr (r.err, summary));
  g_assert_cmpint (g_get_monotonic_time () - start, <, 60 * G_USEC_PER_SEC);
  essc_test_run_clear (&r);

  r = essc_test_run_sh ("%s conform --role verifier --impl %s", f->essc, bad);
  g_assert_cmpint (r.status, ==, 2);
  g_assert_nonnull (strstr (r.out, "Bail out!"));
  essc_test_run_clear (&r);
  /* A run that cannot start: one line on stderr says so. */
  r = essc_test_run_sh ("%s conform --role verifier --impl '%s role'", f->essc, bad);
  g_assert_cmpint (r.status, ==, 2);
  g_assert_true (g_str_has_prefix (r.err, "essc conform: no verdict: the run could not start: "));
  g_assert_cmpint (strchr (r.err, '\n') - r.err, ==, strlen (r.err) - 1);
  essc_test_run_clear (&r);
  r = essc_test_run_sh ("%s conform --role platform --impl '%s impl --role channel'", f->essc,
                        f->essc);
  g_assert_cmpint (r.status, ==, 2);
  essc_test_run_clear (&r);
  r = essc_test_run_sh ("%s conform --role auditor --impl true", f->essc);
  g_assert_cmpint (r.status, ==, 2);
  essc_test_run_clear (&r);
  r = essc_test_run_sh ("%s conform --role verifier", f->essc);
  g_assert_cmpint (r.status, ==, 2);
  essc_test_run_clear (&r);
  r = essc_test_run_sh ("%s conform --role verifier --impl true --vectors /nonexistent", f->essc);
  g_assert_cmpint (r.status, ==, 2);
  g_assert_nonnull (strstr (r.err, "/nonexistent"));
  essc_test_run_clear (&r);
}

/* The vector set is checked against its manifest before a run: a file
 * missing, added or altered is exit 2 naming it, never a smaller suite; a
 * role the set holds no test for is exit 2; a FIFO given as a vector file,
 * --waivers or --profile is refused at once (issue 15's reproductions). */
static void
test_vector_manifest (Fx *f, gconstpointer data)
{
  g_autofree char *suite = essc_test_src_path ("conformance", "vectors", NULL);
  g_autofree char *v = g_build_filename (f->dir, "v", NULL);
  EsscTestRun r = essc_test_run_sh ("cp -r %s %s", suite, v);
  g_assert_cmpint (r.status, ==, 0);
  essc_test_run_clear (&r);
  static const struct { const char *change, *says; } cases[] = {
    { "rm \"$V/qr.json\"", "qr.json is listed in manifest.json but missing" },
    { "echo >> \"$V/qr.json\"", "qr.json: altered" },
    { "cp \"$V/id.json\" \"$V/extra.json\"", "extra.json is not listed in manifest.json" },
    { "rm \"$V/manifest.json\"", "no manifest.json: not a vector set" },
    { "rm \"$V/qr.json\" && mkfifo \"$V/qr.json\"", "qr.json: not a regular file" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      r = essc_test_run_sh ("rm -rf %1$s && cp -r %2$s %1$s", v, suite);
      g_assert_cmpint (r.status, ==, 0);
      essc_test_run_clear (&r);
      r = essc_test_run_sh ("V='%s'; %s", v, cases[i].change);
      g_assert_cmpint (r.status, ==, 0);
      essc_test_run_clear (&r);
      r = essc_test_run_sh ("timeout 60 %s conform --role verifier --impl '%s impl --role "
                            "verifier' --vectors %s", f->essc, f->essc, v);
      if (r.status != 2 || strstr (r.err, cases[i].says) == NULL)
        g_error ("case %zu: exit %d, stderr '%s' does not say '%s'", i, r.status, r.err,
                 cases[i].says);
      essc_test_run_clear (&r);
    }

  /* A set of one's own holding only id.json: listed, it runs for the roles
   * it has tests of, and for a role it has none of is exit 2. */
  r = essc_test_run_sh ("rm -rf %1$s && mkdir %1$s && cp %2$s/id.json %1$s && %3$s vectors "
                        "--manifest %1$s", v, suite, f->essc);
  g_assert_cmpint (r.status, ==, 0);
  essc_test_run_clear (&r);
  r = essc_test_run_sh ("%s conform --role verifier --impl '%s impl --role verifier' "
                        "--vectors %s", f->essc, f->essc, v);
  g_assert_cmpint (r.status, ==, 0);
  essc_test_run_clear (&r);
  r = essc_test_run_sh ("%s conform --role channel --impl '%s impl --role channel' "
                        "--vectors %s", f->essc, f->essc, v);
  g_assert_cmpint (r.status, ==, 2);
  g_assert_nonnull (strstr (r.err, "the vectors hold no test for the role channel"));
  essc_test_run_clear (&r);
  r = essc_test_run_sh ("echo '{}' > %1$s/bad.json && %2$s vectors --manifest %1$s", v,
                        f->essc);
  g_assert_cmpint (r.status, ==, 2);
  g_assert_nonnull (strstr (r.err, "bad.json: not a vector file"));
  essc_test_run_clear (&r);

  /* FIFOs for --waivers and --profile: refused, not waited on. */
  g_autofree char *fifo = g_build_filename (f->dir, "fifo", NULL);
  g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);
  static const char *const options[] = { "--waivers", "--profile" };
  for (gsize i = 0; i < G_N_ELEMENTS (options); i++)
    {
      r = essc_test_run_sh ("timeout 60 %s conform --role verifier --impl '%s impl --role "
                            "verifier' %s %s", f->essc, f->essc, options[i], fifo);
      g_assert_cmpint (r.status, ==, 2);
      g_assert_nonnull (strstr (r.err, "not a regular file"));
      essc_test_run_clear (&r);
    }
}

/* --deadline ends the whole run: an implementation answering each request
 * within --timeout-ms but slowly cannot keep a pipeline busy; what the
 * deadline leaves unfinished is "not run", and the run is not conformant. */
static void
test_deadline (Fx *f, gconstpointer data)
{
  g_autofree char *slow = essc_test_src_path ("tests", "adapters", "slow.sh", NULL);
  gint64 start = g_get_monotonic_time ();
  EsscTestRun r = essc_test_run_sh ("ESSC_ADAPTER_DELAY=1 %s conform --role verifier --impl %s "
                                    "--timeout-ms 3000 --deadline 2", f->essc, slow);
  gint64 took = g_get_monotonic_time () - start;
  g_assert_cmpint (r.status, ==, 1);
  /* the suite would take 296 * 1 s; well within the deadline plus a response */
  g_assert_cmpint (took, <, 60 * G_USEC_PER_SEC);
  g_assert_nonnull (strstr (r.out, "# SKIP not run: the run's deadline (--deadline 2 s) "
                                   "passed\n"));
  /* the first test may fail before the deadline (slow.sh's answers are
   * wrong); every other test is not run */
  const char *plan = strstr (r.out, "\n1..");
  g_assert_nonnull (plan);
  gint64 n = g_ascii_strtoll (plan + 4, NULL, 10);
  const char *counts = strstr (r.err, " not implemented, ");
  g_assert_nonnull (strstr (r.err, "essc conform: NOT conformant: "));
  g_assert_nonnull (counts);
  g_assert_cmpint (g_ascii_strtoll (counts + strlen (" not implemented, "), NULL, 10), >=, n - 1);
  g_assert_nonnull (strstr (r.err, " not run, 0 passed"));
  essc_test_run_clear (&r);

  r = essc_test_run_sh ("%s conform --role verifier --impl true --deadline -1", f->essc);
  g_assert_cmpint (r.status, ==, 2);
  g_assert_nonnull (strstr (r.err, "--deadline"));
  essc_test_run_clear (&r);
}

/* Outputs never replace what is not a regular file: a symlink (as root,
 * --json /dev/stdout would otherwise replace /dev/stdout), a FIFO, a
 * device; each refused with exit 2 before the run, left as it was. */
static void
test_outputs_refuse_special_files (Fx *f, gconstpointer data)
{
  g_autofree char *target = g_build_filename (f->dir, "target", NULL);
  g_autofree char *link = g_build_filename (f->dir, "link", NULL);
  g_autofree char *fifo = g_build_filename (f->dir, "fifo", NULL);
  g_assert_true (g_file_set_contents (target, "keep", -1, NULL));
  g_assert_cmpint (symlink (target, link), ==, 0);
  g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);
  const struct { const char *option, *path; } cases[] = {
    { "--json", link }, { "--junit", fifo }, { "--json", "/dev/stdout" },
    { "--transcript", fifo }, { "--transcript", link }, { "--json", "-" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      EsscTestRun r = essc_test_run_sh ("timeout 60 %s conform --role verifier --impl '%s impl "
                                        "--role verifier' %s %s", f->essc, f->essc,
                                        cases[i].option, cases[i].path);
      if (r.status != 2 || strstr (r.err, cases[i].option) == NULL)
        g_error ("%s %s: exit %d, %s", cases[i].option, cases[i].path, r.status, r.err);
      g_assert_null (strstr (r.out, "ok 1 "));   /* refused before the run */
      essc_test_run_clear (&r);
    }
  struct stat st;
  g_assert_cmpint (lstat (link, &st), ==, 0);
  g_assert_true (S_ISLNK (st.st_mode));
  g_assert_cmpint (lstat (fifo, &st), ==, 0);
  g_assert_true (S_ISFIFO (st.st_mode));
  g_assert_cmpint (lstat ("/dev/stdout", &st), ==, 0);
  g_assert_false (S_ISREG (st.st_mode));
  g_autofree char *text = NULL;
  g_assert_true (g_file_get_contents (target, &text, NULL, NULL));
  g_assert_cmpstr (text, ==, "keep");
}

/* The last line on stderr is the verdict, even with stdout in a file. */
static void
test_verdict_line (Fx *f, gconstpointer data)
{
  g_autofree char *v = essc_test_src_path ("VERSION", NULL);
  g_autofree char *version = NULL;
  g_assert_true (g_file_get_contents (v, &version, NULL, NULL));
  g_strstrip (version);
  g_autofree char *tap = g_build_filename (f->dir, "out.tap", NULL);
  EsscTestRun r = essc_test_run_sh ("%s conform --role channel --impl '%s impl --role channel' "
                                    "> %s", f->essc, f->essc, tap);
  g_assert_cmpint (r.status, ==, 0);
  g_autofree char *want = g_strdup_printf ("essc conform: conformant: essc reference channel %s "
                                           "as channel: 0 failed, 0 not implemented, 0 not run, ",
                                           version);
  g_assert_true (g_str_has_prefix (r.err, want));
  g_assert_true (g_str_has_suffix (r.err, " 0 waived\n"));
  g_assert_cmpint (strchr (r.err, '\n') - r.err, ==, strlen (r.err) - 1);
  essc_test_run_clear (&r);

  r = essc_test_run_sh ("%s conform --role channel --impl '%s impl --role channel --fault "
                        "chan-ignore-status' > %s", f->essc, f->essc, tap);
  g_assert_cmpint (r.status, ==, 1);
  g_autofree char *last = g_strrstr (r.err, "essc conform: ")
                            ? g_strdup (g_strrstr (r.err, "essc conform: ")) : NULL;
  g_assert_nonnull (last);
  g_assert_true (g_str_has_prefix (last, "essc conform: NOT conformant: essc reference channel "));
  g_assert_null (strstr (last, " 0 failed,"));
  g_assert_true (g_str_has_suffix (r.err, " waived\n"));
  essc_test_run_clear (&r);
}

/* An IUT's name and version are untrusted: they cannot forge a line of the
 * TAP or of stderr. */
static void
test_odd_name (Fx *f, gconstpointer data)
{
  g_autofree char *odd = essc_test_src_path ("tests", "adapters", "odd-name.sh", NULL);
  EsscTestRun r = essc_test_run_sh ("%s conform --role verifier --impl %s --only "
                                    "id/verifier/valid-man", f->essc, odd);
  g_assert_cmpint (r.status, ==, 1);
  g_assert_cmpstr (r.err, ==, "essc conform: NOT conformant in the 1 test chosen with --only (no "
                              "verdict on the suite): evil\\x0aessc conform: conformant: forged "
                              "1\\x0aok 1 - forged \\x1b[2J as verifier: 0 failed, 1 not "
                              "implemented, 0 not run, 0 passed, 0 skipped, 0 waived\n");
  g_assert_nonnull (strstr (r.out, "\n# evil\\x0aessc conform: conformant: forged 1\\x0aok 1"));
  g_assert_null (strstr (r.out, "\nok 1"));
  essc_test_run_clear (&r);
}

/* --only: the chosen tests alone, usage errors for a wrong name and with
 * --sign or --db. */
static void
test_only (Fx *f, gconstpointer data)
{
  g_autofree char *impl = g_strdup_printf ("'%s impl --role verifier'", f->essc);
  EsscTestRun r = essc_test_run_sh ("%s conform --role verifier --impl %s --only "
                                    "id/verifier/valid-man --only "
                                    "id/verifier/date-year-1800,id/verifier/valid-woman",
                                    f->essc, impl);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_true (g_str_has_prefix (r.out, "TAP version 13\n1..3\nok 1 - "));
  g_assert_nonnull (strstr (r.out, " id/verifier/valid-woman\n"));
  g_assert_nonnull (strstr (r.out, " id/verifier/valid-man\n"));
  g_assert_nonnull (strstr (r.out, "\nok 3 - ID-3 id/verifier/date-year-1800\n"));
  g_assert_null (strstr (r.out, "\nok 4 "));
  g_assert_nonnull (strstr (r.err, "essc conform: conformant in the 3 tests chosen with --only "
                                   "(no verdict on the suite): "));
  essc_test_run_clear (&r);

  static const struct {
    const char *args, *says;
  } bad[] = {
    { "--only id/verifier/valid-wman", "--only: no test of role verifier is named "
      "'id/verifier/valid-wman'; did you mean: id/verifier/valid-woman" },
    { "--only id/platform/valid-man", "is a test of role platform, not verifier" },
    { "--only id/verifier/valid-man,", "--only: an empty test name" },
    { "--only ''", "--only: an empty test name in ''" },
    { "--only id/verifier/valid-man --sign k.key --report c.json", "--only with --sign: a "
      "signed report states the verdict of the whole suite" },
    { "--sign k.key --cert c.json", "--cert: a run no longer makes a certificate" },
    { "--only id/verifier/valid-man --db x.db", "--only with --db" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      r = essc_test_run_sh ("cd %s && %s conform --role verifier --impl %s %s", f->dir, f->essc,
                            impl, bad[i].args);
      if (r.status != 2 || strstr (r.err, bad[i].says) == NULL || *r.out != '\0')
        g_error ("%s: exit %d, stderr:\n%s", bad[i].args, r.status, r.err);
      essc_test_run_clear (&r);
    }
  g_autofree char *db = g_build_filename (f->dir, "x.db", NULL);
  g_assert_false (g_file_test (db, G_FILE_TEST_EXISTS));
}

/* The sample adapter a vendor starts from runs the whole suite without a
 * protocol failure, timeout or crash: its id tests pass, the others are not
 * implemented, and the run is (rightly) not conformant. */
static void
test_sample_adapter (Fx *f, gconstpointer data)
{
  g_autofree char *sample = essc_test_src_path ("examples", "adapter", "verifier.py", NULL);
  g_autofree char *json = g_build_filename (f->dir, "sample.json", NULL);
  EsscTestRun r = essc_test_run_sh ("%s conform --role verifier --impl 'python3 %s' --json %s",
                                    f->essc, sample, json);
  g_assert_cmpint (r.status, ==, 1);
  g_assert_nonnull (strstr (r.err, "essc conform: NOT conformant: essc sample verifier (Python) "
                                   "0.1.0 as verifier: 0 failed, "));
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_assert_true (json_parser_load_from_file (parser, json, NULL));
  JsonObject *o = json_node_get_object (json_parser_get_root (parser));
  JsonArray *tests = json_object_get_array_member (o, "tests");
  guint id_tests = 0, others = 0;
  for (guint i = 0; i < json_array_get_length (tests); i++)
    {
      JsonObject *t = json_array_get_object_element (tests, i);
      const char *name = json_object_get_string_member (t, "name");
      const char *verdict = json_object_get_string_member (t, "verdict");
      const char *want = g_str_has_prefix (name, "id/") ? "pass" : "not_implemented";
      if (strcmp (verdict, want) != 0)
        g_error ("%s: %s, expected %s (%s)", name, verdict, want,
                 json_object_get_string_member (t, "reason"));
      /* Not implemented by answering `unimplemented`, never by dying. */
      if (!json_object_get_null_member (t, "got") || !json_object_get_null_member (t, "stderr"))
        g_error ("%s: got %s", name, json_object_get_string_member (t, "got"));
      if (g_str_has_prefix (name, "id/"))
        id_tests++;
      else
        others++;
    }
  g_assert_cmpuint (id_tests, >=, 60);
  g_assert_cmpuint (others, >, 100);
  JsonObject *summary = json_object_get_object_member (o, "summary");
  g_assert_cmpint (json_object_get_int_member (summary, "fail"), ==, 0);
  g_assert_cmpint (json_object_get_int_member (summary, "not_run"), ==, 0);
  g_assert_cmpstr (json_object_get_string_member (o, "verdict"), ==, "not conformant");
  essc_test_run_clear (&r);
}

static void
test_coverage (Fx *f, gconstpointer data)
{
  EsscTestRun r = essc_test_run_sh ("%s conform --coverage", f->essc);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "QR-6 "));
  g_assert_nonnull (strstr (r.out, "MUST requirements have no test"));
  essc_test_run_clear (&r);
}

/* TRUE while pid is a process that is not a zombie. */
static gboolean
alive (pid_t pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/stat", (int) pid);
  g_autofree char *stat = NULL;
  if (!g_file_get_contents (path, &stat, NULL, NULL))
    return FALSE;
  const char *close_paren = strrchr (stat, ')');
  return close_paren != NULL && close_paren[1] == ' ' && close_paren[2] != 'Z';
}

/* SIGTERM or SIGINT to essc conform (a CI timeout, Ctrl-C) ends the
 * implementation and every descendant, even one that left its process group
 * with setsid(); essc itself dies of the signal. */
static void
test_signals_end_iut (Fx *f, gconstpointer data)
{
  const int sigs[] = { SIGTERM, SIGINT, SIGHUP };
  g_autofree char *adapter = essc_test_src_path ("tests", "adapters", "escape.sh", NULL);
  for (gsize i = 0; i < G_N_ELEMENTS (sigs); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autofree char *pid_file = g_build_filename (f->dir, "escapee.pid", NULL);
      g_remove (pid_file);
      g_autoptr (GSubprocessLauncher) l = g_subprocess_launcher_new (
          G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
      g_subprocess_launcher_setenv (l, "ESCAPE_PID_FILE", pid_file, TRUE);
      g_autoptr (GSubprocess) p = g_subprocess_launcher_spawn (
          l, &error, essc_test_bin (), "conform", "--role", "verifier", "--impl", adapter,
          "--timeout-ms", "60000", NULL);
      g_assert_no_error (error);
      g_autofree char *text = NULL;
      for (int t = 0; t < 100 && !g_file_get_contents (pid_file, &text, NULL, NULL); t++)
        g_usleep (50 * 1000);
      g_assert_nonnull (text);
      pid_t escapee = (pid_t) g_ascii_strtoll (text, NULL, 10);
      g_assert_cmpint (escapee, >, 1);
      g_assert_true (alive (escapee));
      g_subprocess_send_signal (p, sigs[i]);
      g_assert_true (g_subprocess_wait (p, NULL, &error));
      g_assert_true (g_subprocess_get_if_signaled (p));
      g_assert_cmpint (g_subprocess_get_term_sig (p), ==, sigs[i]);
      gboolean gone = FALSE;
      for (int t = 0; t < 40 && !gone; t++)
        {
          gone = !alive (escapee);
          if (!gone)
            g_usleep (50 * 1000);
        }
      if (!gone)
        kill (escapee, SIGKILL);   /* leave nothing behind, then fail */
      g_assert_true (gone);
    }
}

int
main (int argc, char **argv)
{
  essc_test_init (&argc, &argv);
#define ADD(path, fn) g_test_add (path, Fx, NULL, fx_set_up, fn, fx_tear_down)
  ADD ("/conf/e2e/selftest-kill-matrix", test_selftest);
  ADD ("/conf/e2e/channel-conformant-tap-prove", test_channel_tap_prove);
  ADD ("/conf/e2e/channel-faults-exit-1", test_channel_faults_fail);
  ADD ("/conf/e2e/platform-audit-and-backdate", test_platform_audit_and_backdate);
  ADD ("/conf/e2e/certificate-and-outputs", test_certificate);
  ADD ("/conf/e2e/certificate-in-database", test_certificate_in_db);
  ADD ("/conf/e2e/database-migration", test_database_migration);
  ADD ("/conf/e2e/waivers", test_waivers);
  ADD ("/conf/e2e/misbehaving-iut", test_misbehaving);
  ADD ("/conf/e2e/coverage", test_coverage);
  ADD ("/conf/e2e/verdict-line", test_verdict_line);
  ADD ("/conf/e2e/only", test_only);
  ADD ("/conf/e2e/untrusted-iut-name", test_odd_name);
  ADD ("/conf/e2e/sample-adapter", test_sample_adapter);
  ADD ("/conf/e2e/signals-end-the-iut", test_signals_end_iut);
  ADD ("/conf/e2e/vector-manifest", test_vector_manifest);
  ADD ("/conf/e2e/deadline", test_deadline);
  ADD ("/conf/e2e/outputs-refuse-special-files", test_outputs_refuse_special_files);
  return g_test_run ();
}
