/* SPDX-License-Identifier: MIT */
/*
 * essc conform: runs the ESSC-STD conformance suite (the vectors) against an
 * implementation under test and reports: TAP version 13 on stdout (usable by
 * prove), optionally JUnit XML, a JSON results file, rows in an SQLite
 * database and a signed conformance report (stored in the database too
 * when both are asked for).  The verdict is also the last line on stderr,
 * so that a CI log shows it when stdout goes to a file.  Exit 0
 * conformant, 1 not, 2 usage or input error (including an IUT that cannot
 * start or fails the handshake), 3 internal error.  `--only` plays chosen
 * tests again; `--coverage` prints which tests check each requirement.
 * The IUT is a command or an http(s):// URL (--ca, --client-cert,
 * --client-key for TLS); --transcript keeps every message exchanged.
 */
#include "cli/cli.h"
#include "cli/conform_server.h"
#include "base/file.h"
#include "base/proc.h"
#include "base/text.h"
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

/* user_data: the ConfClientOptions, whose transcript learns the test. */
static void
on_test (const char *name, gpointer user_data)
{
  const ConfClientOptions *client = user_data;
  if (client->transcript != NULL)
    conf_transcript_set_test (client->transcript, name);
}

static gboolean
write_file (const char *path, const char *text, const char *what)
{
  g_autoptr (GError) error = NULL;
  if (!base_file_write_atomic (path, text, strlen (text), 0644, FALSE, &error))
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

/* The names of --only: each argument split at commas.  NULL with a usage
 * error printed when one is empty.  Returns: (transfer full). */
static GStrv
only_names (char **args)
{
  g_autoptr (GStrvBuilder) b = g_strv_builder_new ();
  for (char **a = args; a != NULL && *a != NULL; a++)
    {
      /* g_strsplit gives no element at all for "". */
      g_auto (GStrv) parts = g_strsplit (*a, ",", -1);
      gboolean empty = parts[0] == NULL;
      for (char **p = parts; *p != NULL; p++)
        {
          empty |= **p == '\0';
          g_strv_builder_add (b, *p);
        }
      if (empty)
        {
          essc_cli_usage_error ("conform", "--only: an empty test name in '%s' (expected "
                                "TEST[,TEST...])", *a);
          return NULL;
        }
    }
  return g_strv_builder_end (b);
}

/* The IUT's name or version from its hello, for a line of text: untrusted,
 * so bounded and without line breaks or escape sequences ("?" for NULL).
 * Returns: (transfer full) */
static char *
shown (const char *text)
{
  return text == NULL ? g_strdup ("?") : base_text_printable (text, strlen (text), 200);
}

/* The verdict line, last on stderr: "essc conform: VERDICT: IUT as ROLE:
 * counts". */
static void
print_verdict (const ConfRun *run, const char *role)
{
  guint chosen = 0;
  for (guint i = 0; i < run->results->len; i++)
    chosen += ((const ConfTestResult *) run->results->pdata[i])->test != NULL;
  g_autofree char *name = shown (run->iut_name), *version = shown (run->iut_version);
  g_autofree char *scope = run->only != NULL
    ? g_strdup_printf (" in the %u test%s chosen with --only (no verdict on the suite)", chosen,
                       chosen == 1 ? "" : "s")
    : g_strdup ("");
  fprintf (stderr, "essc conform: %s%s: %s %s as %s: %u failed, %u not implemented, %u not run, "
           "%u passed, %u skipped, %u waived\n",
           conf_run_conformant (run) ? "conformant" : "NOT conformant", scope, name, version, role,
           run->counts[CONF_VERDICT_FAIL], run->counts[CONF_VERDICT_NOT_IMPLEMENTED],
           run->counts[CONF_VERDICT_NOT_RUN], run->counts[CONF_VERDICT_PASS],
           run->counts[CONF_VERDICT_SKIP], run->counts[CONF_VERDICT_WAIVED]);
}

int
essc_cmd_conform (int argc, char **argv)
{
  g_autofree char *role = NULL, *impl = NULL, *profile_path = NULL, *junit = NULL;
  g_autofree char *json = NULL, *db = NULL, *waivers_path = NULL, *sign = NULL;
  g_autofree char *report_path = NULL, *cert = NULL, *vectors_dir = NULL;
  g_auto (GStrv) only_args = NULL;
  g_autofree char *ca = NULL, *client_cert = NULL, *client_key = NULL, *transcript = NULL;
  gint timeout_ms = CONF_CLIENT_DEFAULT_TIMEOUT_MS;
  gint64 deadline_s = 0;
  gboolean coverage = FALSE;
  g_autofree char *server = NULL, *token = NULL, *channel = NULL, *idem = NULL;
  gint64 wait_s = 0;
  gboolean wait = FALSE, no_wait = FALSE;
  const GOptionEntry entries[] = {
    { "server", 0, 0, G_OPTION_ARG_STRING, &server,
      "run on an essc serve instead (with --token, --channel): its URL", "URL" },
    { "token", 0, 0, G_OPTION_ARG_STRING, &token, "--server: the vendor's API token", "TOKEN" },
    { "channel", 0, 0, G_OPTION_ARG_STRING, &channel, "--server: the channel to run", "ID" },
    { "idempotency-key", 0, 0, G_OPTION_ARG_STRING, &idem,
      "--server: a retry with the same key returns the same run", "K" },
    { "wait", 0, 0, G_OPTION_ARG_NONE, &wait,
      "--server: follow the run until it finishes (the default)", NULL },
    { "no-wait", 0, 0, G_OPTION_ARG_NONE, &no_wait,
      "--server: start the run, print its id and exit 0", NULL },
    { "timeout", 0, 0, G_OPTION_ARG_INT64, &wait_s,
      "--server: give up waiting after S seconds (default 3600; exit 2)", "S" },
    { "role", 0, 0, G_OPTION_ARG_STRING, &role, "role of the IUT: platform, channel, verifier",
      "R" },
    { "impl", 0, 0, G_OPTION_ARG_STRING, &impl,
      "the implementation under test: a command (run with /bin/sh -c) or the http:// or "
      "https:// URL of a deployed one", "COMMAND|URL" },
    { "ca", 0, 0, G_OPTION_ARG_FILENAME, &ca,
      "https: trust this CA (PEM) instead of the system's store", "FILE" },
    { "client-cert", 0, 0, G_OPTION_ARG_FILENAME, &client_cert,
      "https: present this client certificate (PEM)", "FILE" },
    { "client-key", 0, 0, G_OPTION_ARG_FILENAME, &client_key,
      "https: the private key of --client-cert (PEM)", "FILE" },
    { "transcript", 0, 0, G_OPTION_ARG_FILENAME, &transcript,
      "keep every message exchanged, one JSON object a line", "FILE" },
    { "profile", 0, 0, G_OPTION_ARG_FILENAME, &profile_path,
      "what the IUT claims ([profile] role, tier, payment, class)", "FILE" },
    { "junit", 0, 0, G_OPTION_ARG_FILENAME, &junit, "also write JUnit XML", "FILE" },
    { "json", 0, 0, G_OPTION_ARG_FILENAME, &json, "also write a JSON results file (docs/RESULTS.md)",
      "FILE" },
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
    { "deadline", 0, 0, G_OPTION_ARG_INT64, &deadline_s,
      "end the whole run within S seconds (1..604800; 0, the default: no deadline): tests "
      "not finished by then are \"not run\"", "S" },
    { "vectors", 0, 0, G_OPTION_ARG_FILENAME, &vectors_dir,
      ESSC_CLI_VECTORS_HELP, "DIR" },
    { "only", 0, 0, G_OPTION_ARG_STRING_ARRAY, &only_args,
      "play only these tests (repeatable, or comma separated); not with --sign or --db",
      "TEST[,TEST...]" },
    { "coverage", 0, 0, G_OPTION_ARG_NONE, &coverage,
      "print the requirements and the tests that check them, then exit", NULL },
    { NULL },
  };

  if (!essc_cli_parse (&argc, &argv, "conform", NULL,
                       "Runs the ESSC-STD conformance suite against an implementation under\n"
                       "test speaking the adapter protocol (docs/ADAPTER.md). TAP version 13\n"
                       "on stdout; the verdict and the counts as the last line on stderr\n"
                       "(\"essc conform: conformant: ...\" or \"essc conform: NOT conformant:\n"
                       "...\"). Tests not played because the IUT failed 10 tests in a row by\n"
                       "timeout, crash, network or protocol error are \"not run\" (a TAP SKIP), as\n"
                       "are those --deadline leaves unfinished, and a run with any is not\n"
                       "conformant. --only re-runs chosen tests (with their\n"
                       "group's setup); others are not reported. Exit status: 0 conformant,\n"
                       "1 not conformant, 2 usage or input error (or an IUT that cannot\n"
                       "start), 3 internal error.\n"
                       "\n"
                       "With --server URL --token TOKEN --channel ID it runs nothing itself:\n"
                       "it asks an essc serve (docs/SERVE.md) to run the suite against the\n"
                       "channel's registered endpoint, follows the run (a line per change of\n"
                       "progress), prints the tests that did not pass and the verdict. Exit\n"
                       "status then: 0 conformant, 1 not conformant, 2 usage, the server\n"
                       "refused or cannot be reached, the run ended in error, or --timeout\n"
                       "passed; 3 internal error. --ca applies to an https:// server.",
                       entries))
    return ESSC_EXIT_USAGE;
  if (argc > 1)
    return essc_cli_usage_error ("conform", "unexpected argument '%s'", argv[1]);
  if (server != NULL)
    {
      if (impl || role || client_cert || client_key || json || junit || db || sign
          || report_path || only_args || transcript || profile_path || waivers_path)
        return essc_cli_usage_error ("conform", "--server runs on the server: --impl, --role "
                                     "and the output options do not apply");
      if (wait && no_wait)
        return essc_cli_usage_error ("conform", "--wait and --no-wait exclude each other");
      EsscConformServer so = { server, token, channel, idem, ca, wait_s, no_wait };
      return essc_conform_server (&so);
    }
  if (token || channel || idem || wait || no_wait || wait_s)
    return essc_cli_usage_error ("conform", "--token, --channel, --idempotency-key, --wait, "
                                 "--no-wait and --timeout go with --server");

  g_autoptr (GError) error = NULL;
  g_autofree char *vectors_given = g_strdup (vectors_dir);
  if (vectors_dir == NULL)
    vectors_dir = conf_plan_default_dir ();
  g_autoptr (ConfPlan) plan = conf_plan_load (vectors_dir, &error);
  if (plan == NULL)
    {
      essc_cli_vectors_error ("conform", vectors_given, vectors_dir, error);
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
  if (deadline_s < 0 || deadline_s > 604800)
    return essc_cli_usage_error ("conform", "--deadline: expected 0 (none) or 1..604800 "
                                 "seconds");
  if (cert != NULL)
    return essc_cli_usage_error ("conform", "--cert: a run no longer makes a certificate; "
                                 "--sign KEY --report FILE writes its signed conformance "
                                 "report, and a registry certifies a conformant one (essc "
                                 "registry certify, docs/CERTIFICATE.md)");
  if ((sign == NULL) != (report_path == NULL))
    return essc_cli_usage_error ("conform", "--sign and --report go together");
  g_auto (GStrv) only = NULL;
  if (only_args != NULL && (only = only_names (only_args)) == NULL)
    return ESSC_EXIT_USAGE;
  if (only != NULL && sign != NULL)
    return essc_cli_usage_error ("conform", "--only with --sign: a signed report states "
                                 "the verdict of the whole suite, and --only plays part of it");
  if (only != NULL && db != NULL)
    return essc_cli_usage_error ("conform", "--only with --db: the database keeps verdicts on "
                                 "the whole suite (essc report, essc sim --conformance-db read "
                                 "them), and --only plays part of it");
  if (only != NULL && !conf_run_check_only (plan, role, (const char *const *) only, &error))
    return essc_cli_usage_error ("conform", "--only: %s", error->message);
  if ((ca || client_cert || client_key) && g_ascii_strncasecmp (impl, "https://", 8) != 0)
    return essc_cli_usage_error ("conform", "--ca, --client-cert and --client-key need an "
                                 "https:// --impl");
  if ((client_cert == NULL) != (client_key == NULL))
    return essc_cli_usage_error ("conform", "--client-cert and --client-key go together");
  /* The outputs are checked before the run, not found unwritable after it. */
  if (db != NULL && !conf_resultsdb_may_append (db, &error))
    return essc_cli_usage_error ("conform", "--db: %s", error->message);
  g_autofree char *report_sig = report_path ? conf_cert_sig_path (report_path) : NULL;
  const struct { const char *option, *path; } outputs[] = {
    { "--json", json }, { "--junit", junit }, { "--report", report_path },
    { "--report", report_sig }, { "--transcript", transcript },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (outputs); i++)
    {
      if (outputs[i].path == NULL)
        continue;
      if (strcmp (outputs[i].path, "-") == 0)
        return essc_cli_usage_error ("conform", "%s -: standard output carries the TAP; give "
                                     "a file", outputs[i].option);
      if (!base_file_output_ok (outputs[i].path, &error))
        return essc_cli_usage_error ("conform", "%s: %s", outputs[i].option, error->message);
    }

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

  g_autoptr (ConfTranscript) kept = NULL;
  if (transcript != NULL && (kept = conf_transcript_open (transcript, &error)) == NULL)
    {
      fprintf (stderr, "essc conform: --transcript: %s\n", error->message);
      return ESSC_EXIT_USAGE;
    }
  ConfClientOptions client = { ca, client_cert, client_key, kept };
  ConfRunOptions options = {
    .command = impl, .role = role, .timeout_ms = timeout_ms, .deadline_s = deadline_s,
    .profile = profile,
    .waivers = waivers, .on_result = on_result, .only = (const char *const *) only,
    .client = &client, .on_test = on_test, .user_data = &client,
  };
  guint total = conf_run_total (plan, &options);
  conf_tap_begin (stdout, total);

  base_proc_end_all_on_signals ();   /* a CI timeout or Ctrl-C ends the IUT too */
  g_autoptr (ConfRun) run = conf_run (plan, &options, &error);
  if (run == NULL)
    {
      printf ("Bail out! %s\n", error->message);
      fflush (stdout);
      fprintf (stderr, "essc conform: no verdict: the run could not start: %s\n",
               error->message);
      return ESSC_EXIT_USAGE;
    }

  gboolean conformant = conf_run_conformant (run);
  g_autofree char *iut_name = shown (run->iut_name), *iut_version = shown (run->iut_version);
  printf ("# %s %s (%s) as %s: %s; %u passed, %u failed, %u not implemented, %u not run, "
          "%u skipped, %u waived\n", iut_name, iut_version, impl, role,
          conformant ? "conformant" : "NOT conformant", run->counts[CONF_VERDICT_PASS],
          run->counts[CONF_VERDICT_FAIL], run->counts[CONF_VERDICT_NOT_IMPLEMENTED],
          run->counts[CONF_VERDICT_NOT_RUN], run->counts[CONF_VERDICT_SKIP],
          run->counts[CONF_VERDICT_WAIVED]);
  conf_latency_print (stdout, run);
  fflush (stdout);

  gboolean written = TRUE;
  if (kept != NULL && !conf_transcript_close (g_steal_pointer (&kept), &error))
    {
      fprintf (stderr, "essc conform: --transcript: %s\n", error->message);
      g_clear_error (&error);
      written = FALSE;
    }
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
  print_verdict (run, role);
  if (!written)
    return ESSC_EXIT_USAGE;
  return conformant ? ESSC_EXIT_OK : ESSC_EXIT_FAILED;
}
