/* SPDX-License-Identifier: MIT */
/*
 * Tests of `essc keygen` and `essc cert` (cli/cmd_keygen.c, cli/cmd_cert.c),
 * run as $ESSC_BIN in a subprocess: keygen writes a 0600 secret key and its
 * public key and never overwrites either without --force; cert verify and
 * cert show print a signed report, and exit 1 for a certificate that does not
 * verify (saying why) and 2 for missing or malformed files and usage errors.
 * The library itself is tested by test_conf_cert.c.
 */
#include "conformance/cert.h"
#include "tests/lib/conf_cert_fixture.h"
#include "tests/lib/run.h"
#include "tests/lib/testutil.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>

/* ---- the CLI ----------------------------------------------------------------- */

static void
run_expect (EsscTestRun r, int status, const char *out_part, const char *err_part)
{
  if (r.status != status || (out_part && !strstr (r.out, out_part))
      || (err_part && !strstr (r.err, err_part)))
    g_error ("exit %d (expected %d)\nstdout: %s\nstderr: %s", r.status, status, r.out, r.err);
  g_free (r.out);
  g_free (r.err);
}

static void
test_cli_keygen (void)
{
  g_autofree char *dir = fx_cert_tmpdir_new ();
  g_autofree char *prefix = g_build_filename (dir, "k", NULL);
  g_autofree char *key_path = g_strconcat (prefix, ".key", NULL);
  g_autofree char *pub_path = g_strconcat (prefix, ".pub", NULL);
  g_autoptr (GError) error = NULL;
  guint8 pk[32], id[8];
  struct stat st;

  run_expect (essc_test_run_essc ("keygen", "--out", prefix), 0, "key id ", NULL);
  g_assert_cmpint (stat (key_path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 07777, ==, 0600);
  g_assert_true (conf_cert_read_public_key (pub_path, pk, id, &error));
  g_autoptr (ModelKeyPair) key = conf_cert_read_secret_key (key_path, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (model_key_pair_public (key), 32, pk, 32);
  g_autofree char *before = NULL;
  g_assert_true (g_file_get_contents (key_path, &before, NULL, NULL));

  /* No overwrite without --force, whichever file exists. */
  run_expect (essc_test_run_essc ("keygen", "--out", prefix), 2, NULL, "use --force");
  g_autofree char *after = NULL;
  g_assert_true (g_file_get_contents (key_path, &after, NULL, NULL));
  g_assert_cmpstr (before, ==, after);
  g_assert_cmpint (g_remove (key_path), ==, 0);
  run_expect (essc_test_run_essc ("keygen", "--out", prefix), 2, NULL, "k.pub");
  g_assert_false (g_file_test (key_path, G_FILE_TEST_EXISTS));
  run_expect (essc_test_run_essc ("keygen", "--out", prefix, "--force"), 0, NULL, NULL);
  g_assert_cmpint (stat (key_path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 07777, ==, 0600);
  g_autoptr (ModelKeyPair) replaced = conf_cert_read_secret_key (key_path, &error);
  g_assert_no_error (error);
  g_assert_true (conf_cert_read_public_key (pub_path, pk, id, &error));
  g_assert_cmpmem (model_key_pair_public (replaced), 32, pk, 32);
  g_assert_true (memcmp (model_key_pair_public (replaced), model_key_pair_public (key), 32) != 0);

  run_expect (essc_test_run_essc ("keygen"), 2, NULL, "--out PREFIX is required");
  run_expect (essc_test_run_essc ("keygen", "--out", "/nonexistent-dir/k"), 2, NULL, "nonexistent");
  run_expect (essc_test_run_essc ("keygen", "--out", prefix, "extra"), 2, NULL,
              "unexpected argument");
  fx_cert_tmpdir_remove (g_steal_pointer (&dir));
}

static void
test_cli_cert (void)
{
  g_autofree char *dir = fx_cert_tmpdir_new ();
  g_autofree char *prefix = g_build_filename (dir, "k", NULL);
  g_autofree char *key_path = g_strconcat (prefix, ".key", NULL);
  g_autofree char *pub_path = g_strconcat (prefix, ".pub", NULL);
  g_autofree char *cert = g_build_filename (dir, "cert.json", NULL);
  g_autofree char *sig = g_strconcat (cert, ".sig", NULL);
  g_autofree char *copy = g_build_filename (dir, "copy.json", NULL);
  g_autofree char *missing = g_build_filename (dir, "missing.json", NULL);
  g_autoptr (GError) error = NULL;
  FxCertFixture f;

  run_expect (essc_test_run_essc ("keygen", "--out", prefix), 0, NULL, NULL);
  fx_cert_init (&f, fx_cert_mixed, 4);
  g_assert_true (conf_cert_write (&f.report, key_path, cert, &error));
  g_assert_no_error (error);
  fx_cert_clear (&f);

  /* Authentic, but not conformant: exit 1 all the same. */
  run_expect (essc_test_run_essc ("cert", "check-report", cert, "--pub", pub_path), 1,
              "verdict: not conformant", NULL);
  run_expect (essc_test_run_essc ("cert", "check-report", cert, "--pub", pub_path), 1,
              "summary: 1 passed, 1 failed, 1 skipped, 0 not implemented, 1 waived", NULL);
  run_expect (essc_test_run_essc ("cert", "check-report", cert, "--pub", pub_path), 1,
              "iut:     essc reference channel 0.1.0 (role channel)", NULL);
  /* And whatever its verdict, a report is not a certificate. */
  run_expect (essc_test_run_essc ("cert", "verify", cert, "--pub", pub_path), 1,
              "NOT VALID (not_a_certificate)", "NOT VALID (not_a_certificate)");
  run_expect (essc_test_run_essc ("cert", "show", cert), 0,
              "waived          ID-1,ID-2            id/check",
              NULL);

  /* A tampered copy (with the original signature): exit 1, saying why. */
  g_autofree char *bytes = NULL;
  gsize len;
  g_assert_true (g_file_get_contents (cert, &bytes, &len, NULL));
  char *p = strstr (bytes, "\"failed\":1");
  g_assert_nonnull (p);
  p[9] = '0';
  fx_cert_put_file (copy, bytes, (gssize) len, 0644);
  run_expect (essc_test_run_essc ("cert", "check-report", copy, "--pub", pub_path, "--sig",
                                  sig), 1, "NOT VERIFIED (bad_signature)", NULL);
  /* Another key. */
  g_autofree char *other = g_build_filename (dir, "o", NULL);
  g_autofree char *other_pub = g_strconcat (other, ".pub", NULL);
  run_expect (essc_test_run_essc ("keygen", "--out", other), 0, NULL, NULL);
  run_expect (essc_test_run_essc ("cert", "check-report", cert, "--pub", other_pub), 1,
              "NOT VERIFIED (unknown_key)", NULL);
  /* Missing or malformed files: exit 2. */
  run_expect (essc_test_run_essc ("cert", "verify", missing, "--pub", pub_path, "--sig", sig), 2,
              NULL,
              "missing.json");
  run_expect (essc_test_run_essc ("cert", "verify", cert, "--pub", missing), 2, NULL,
              "missing.json");
  run_expect (essc_test_run_essc ("cert", "check-report", cert, "--pub", pub_path, "--sig",
                                  pub_path), 2, NULL,
              "expected the header 'essc-report-signature-v1'");
  run_expect (essc_test_run_essc ("cert", "verify", cert, "--pub", pub_path, "--sig", pub_path), 2,
              NULL, "not a signature file");
  run_expect (essc_test_run_essc ("cert", "verify", cert), 2, NULL, "--pub KEY is required");
  run_expect (essc_test_run_essc ("cert", "verify", "--pub", pub_path), 2, NULL,
              "expected one CERT");
  run_expect (essc_test_run_essc ("cert", "show", pub_path), 2, NULL, "report: JSON");
  run_expect (essc_test_run_essc ("cert", "frob"), 2, NULL, "unknown subcommand");
  run_expect (essc_test_run_essc ("cert"), 2, NULL, "expected 'verify', 'check-report' or 'show'");
  run_expect (essc_test_run_essc ("cert", "--help"), 0, "essc cert verify CERT --pub KEY", NULL);
  run_expect (essc_test_run_essc ("cert", "verify", "--help"), 0, "--pub", NULL);
  fx_cert_tmpdir_remove (g_steal_pointer (&dir));
}

int
main (int argc, char **argv)
{
  essc_test_init (&argc, &argv);
  g_test_add_func ("/conf-cert/cli/keygen", test_cli_keygen);
  g_test_add_func ("/conf-cert/cli/cert", test_cli_cert);
  return g_test_run ();
}
