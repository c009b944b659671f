/* SPDX-License-Identifier: MIT */
/*
 * essc conform: runs the ESSC-STD conformance suite (the vectors) against an
 * implementation under test and reports: TAP version 13 on stdout (usable by
 * prove), optionally JUnit XML, a JSON results file, rows in an SQLite
 * database and a signed conformance report (stored in the database too when both
 * are asked for).  Exit 0 conformant, 1 not, 2 usage or input error
 * (including an IUT that cannot start or fails the handshake), 3 internal
 * error.  `--coverage` prints which tests check each requirement.
 */
#include "cli/cli.h"
#include "conformance/cert.h"
#include "conformance/client.h"
#include "conformance/json.h"
#include "conformance/output.h"
#include "conformance/plan.h"
#include "conformance/resultsdb.h"
#include "conformance/run_report.h"
#include "conformance/signature.h"
#include "conformance/runner.h"

#include <stdio.h>
#include <string.h>

static void
on_result (const ConfTestResult *result, guint index, guint total, gpointer user_data)
{
  conf_tap_result (stdout, result, index);
}

static gboolean
write_file (const char *path, const char *text, const char *what)
{
  g_autoptr (GError) error = NULL;
  if (!g_file_set_contents (path, text, -1, &error))
    {
      fprintf (stderr, "essc conform: %s: %s\n", what, error->message);
      return FALSE;
    }
  return TRUE;
}

/* Signs the run's report and writes it (FILE and FILE.sig); *out gets what
 * the database stores of it.  The texts are owned by the caller. */
static gboolean
write_report (const ConfRun *run, const ConfPlan *plan, const char *command, const char *role,
              const ConfProfile *profile, const char *key_path, const char *path,
              ConfRunDbCertificate *out, char **bytes, char **sig_text, char **pub_text)
{
  g_autoptr (GError) error = NULL;
  gsize len = 0;
  g_autoptr (ModelKeyPair) key = conf_cert_read_secret_key (key_path, &error);
  if (key == NULL
      || (*bytes = conf_run_report (run, plan, command, role, profile, key, &len, sig_text,
                                    &error)) == NULL
      || !conf_signature_write_pair (path, *bytes, len, *sig_text, &error))
    {
      fprintf (stderr, "essc conform: --report: %s\n", error->message);
      return FALSE;
    }
  *pub_text = conf_cert_format_public_key (key);
  *out = (ConfRunDbCertificate) { *bytes, len, *sig_text, *pub_text };
  return TRUE;
}

int
essc_cmd_conform (int argc, char **argv)
{
  g_autofree char *role = NULL, *impl = NULL, *profile_path = NULL, *junit = NULL;
  g_autofree char *json = NULL, *db = NULL, *waivers_path = NULL, *sign = NULL;
  g_autofree char *report_path = NULL, *cert = NULL, *vectors_dir = NULL;
  gint timeout_ms = CONF_CLIENT_DEFAULT_TIMEOUT_MS;
  gboolean coverage = FALSE;
  const GOptionEntry entries[] = {
    { "role", 0, 0, G_OPTION_ARG_STRING, &role, "role of the IUT: platform, channel, verifier",
      "R" },
    { "impl", 0, 0, G_OPTION_ARG_STRING, &impl,
      "command of the implementation under test (run with /bin/sh -c)", "COMMAND" },
    { "profile", 0, 0, G_OPTION_ARG_FILENAME, &profile_path,
      "what the IUT claims ([profile] role, tier, payment, class)", "FILE" },
    { "junit", 0, 0, G_OPTION_ARG_FILENAME, &junit, "also write JUnit XML", "FILE" },
    { "json", 0, 0, G_OPTION_ARG_FILENAME, &json, "also write a JSON results file", "FILE" },
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db, "append the run to an SQLite database", "FILE" },
    { "waivers", 0, 0, G_OPTION_ARG_FILENAME, &waivers_path,
      "known failures to expect (TEST-NAME reason, one a line)", "FILE" },
    { "sign", 0, 0, G_OPTION_ARG_FILENAME, &sign, "secret key to sign the conformance report "
      "with (essc keygen)", "KEYFILE" },
    { "report", 0, 0, G_OPTION_ARG_FILENAME, &report_path, "write the signed conformance report "
      "here (and FILE.sig), whatever the verdict", "FILE" },
    { "cert", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_FILENAME, &cert, "(gone: see --report)",
      "FILE" },
    { "timeout-ms", 0, 0, G_OPTION_ARG_INT, &timeout_ms,
      "deadline of each response (default 5000)", "N" },
    { "vectors", 0, 0, G_OPTION_ARG_FILENAME, &vectors_dir,
      "directory of the vector files (default: the suite's own)", "DIR" },
    { "coverage", 0, 0, G_OPTION_ARG_NONE, &coverage,
      "print the requirements and the tests that check them, then exit", NULL },
    { NULL },
  };

  if (!essc_cli_parse (&argc, &argv, "conform", NULL,
                       "Runs the ESSC-STD conformance suite against an implementation under\n"
                       "test speaking the adapter protocol (docs/ADAPTER.md). TAP version 13\n"
                       "on stdout. Exit status: 0 conformant, 1 not conformant, 2 usage or\n"
                       "input error (or an IUT that cannot start), 3 internal error.",
                       entries))
    return ESSC_EXIT_USAGE;
  if (argc > 1)
    return essc_cli_usage_error ("conform", "unexpected argument '%s'", argv[1]);

  g_autoptr (GError) error = NULL;
  if (vectors_dir == NULL)
    vectors_dir = conf_plan_default_dir ();
  g_autoptr (ConfPlan) plan = conf_plan_load (vectors_dir, &error);
  if (plan == NULL)
    {
      fprintf (stderr, "essc conform: vectors: %s\n", error->message);
      return ESSC_EXIT_USAGE;
    }
  if (coverage)
    {
      conf_coverage_print (stdout, plan);
      return ESSC_EXIT_OK;
    }

  if (role == NULL || !conf_profile_role_valid (role))
    return essc_cli_usage_error ("conform", "--role: expected platform, channel or verifier");
  if (impl == NULL || *impl == '\0')
    return essc_cli_usage_error ("conform", "--impl: the command of the implementation is "
                                 "required");
  if (timeout_ms < 1 || timeout_ms > 600000)
    return essc_cli_usage_error ("conform", "--timeout-ms: expected 1..600000");
  if (cert != NULL)
    return essc_cli_usage_error ("conform", "--cert: a run no longer makes a certificate; "
                                 "--sign KEY --report FILE writes its signed conformance "
                                 "report, and a registry certifies a conformant one (essc "
                                 "registry certify, docs/CERTIFICATE.md)");
  if ((sign == NULL) != (report_path == NULL))
    return essc_cli_usage_error ("conform", "--sign and --report go together");

  g_autoptr (ConfProfile) profile = profile_path ? conf_profile_load (profile_path, role, &error)
                                                 : conf_profile_default (role);
  if (profile == NULL)
    {
      fprintf (stderr, "essc conform: %s\n", error->message);
      return ESSC_EXIT_USAGE;
    }
  g_autoptr (ConfWaivers) waivers = NULL;
  if (waivers_path != NULL && (waivers = conf_waivers_load (waivers_path, &error)) == NULL)
    {
      fprintf (stderr, "essc conform: %s\n", error->message);
      return ESSC_EXIT_USAGE;
    }

  guint total = conf_run_planned (plan, role);
  if (waivers != NULL)
    for (guint i = 0; i < waivers->waivers->len; i++)
      {
        ConfWaiver *w = waivers->waivers->pdata[i];
        gboolean exists = FALSE;
        for (guint t = 0; t < plan->tests->len && !exists; t++)
          {
            const ConfTest *test = plan->tests->pdata[t];
            exists = strcmp (test->name, w->test) == 0 && strcmp (test->role, role) == 0;
          }
        total += !exists;
      }
  conf_tap_begin (stdout, total);

  ConfRunOptions options = {
    .command = impl, .role = role, .timeout_ms = timeout_ms, .profile = profile,
    .waivers = waivers, .on_result = on_result,
  };
  g_autoptr (ConfRun) run = conf_run (plan, &options, &error);
  if (run == NULL)
    {
      printf ("Bail out! %s\n", error->message);
      fprintf (stderr, "essc conform: %s\n", error->message);
      return ESSC_EXIT_USAGE;
    }

  gboolean conformant = conf_run_conformant (run);
  printf ("# %s %s (%s) as %s: %s; %u passed, %u failed, %u not implemented, %u skipped, "
          "%u waived\n", run->iut_name, run->iut_version, impl, role,
          conformant ? "conformant" : "NOT conformant", run->counts[CONF_VERDICT_PASS],
          run->counts[CONF_VERDICT_FAIL], run->counts[CONF_VERDICT_NOT_IMPLEMENTED],
          run->counts[CONF_VERDICT_SKIP], run->counts[CONF_VERDICT_WAIVED]);
  conf_latency_print (stdout, run);
  fflush (stdout);

  gboolean written = TRUE;
  if (junit != NULL)
    {
      g_autofree char *x = conf_junit_render (run, role);
      written &= write_file (junit, x, "--junit");
    }
  if (json != NULL)
    {
      g_autofree char *j = conf_results_render (run, plan, impl, role, profile);
      written &= write_file (json, j, "--json");
    }
  /* The report first, so that the database stores the bytes written. */
  g_autofree char *report_bytes = NULL, *sig_bytes = NULL, *pub_text = NULL;
  ConfRunDbCertificate stored = { NULL };
  if (report_path != NULL
      && !write_report (run, plan, impl, role, profile, sign, report_path, &stored,
                        &report_bytes, &sig_bytes, &pub_text))
    written = FALSE;
  if (db != NULL && !conf_resultsdb_append (db, run, plan, impl, role, profile,
                                        stored.certificate ? &stored : NULL, NULL, &error))
    {
      fprintf (stderr, "essc conform: --db: %s\n", error->message);
      g_clear_error (&error);
      written = FALSE;
    }
  if (!written)
    return ESSC_EXIT_USAGE;
  return conformant ? ESSC_EXIT_OK : ESSC_EXIT_FAILED;
}
