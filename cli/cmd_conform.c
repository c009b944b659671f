/* SPDX-License-Identifier: MIT */
/*
 * essc conform: runs the ESSC-STD conformance suite (the vectors) against an
 * implementation under test and reports: TAP version 13 on stdout (usable by
 * prove), optionally JUnit XML, a JSON results file, rows in an SQLite
 * database and a signed certificate (stored in the database too when both
 * are asked for).  Exit 0 conformant, 1 not, 2 usage or input error
 * (including an IUT that cannot start or fails the handshake), 3 internal
 * error.  `--coverage` prints which tests check each requirement.  The IUT
 * is a command or an http(s):// URL (--ca, --client-cert, --client-key for
 * TLS); --transcript keeps every message exchanged.
 */
#include "cli/cli.h"
#include "conformance/cert.h"
#include "conformance/client.h"
#include "conformance/json.h"
#include "conformance/output.h"
#include "conformance/plan.h"
#include "conformance/resultsdb.h"
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
  if (!g_file_set_contents (path, text, -1, &error))
    {
      fprintf (stderr, "essc conform: %s: %s\n", what, error->message);
      return FALSE;
    }
  return TRUE;
}

static ConfReportVerdict
report_verdict (ConfVerdict v)
{
  switch (v)
    {
    case CONF_VERDICT_PASS: return CONF_REPORT_PASS;
    case CONF_VERDICT_SKIP: return CONF_REPORT_SKIP;
    case CONF_VERDICT_NOT_IMPLEMENTED: return CONF_REPORT_NOT_IMPLEMENTED;
    case CONF_VERDICT_WAIVED: return CONF_REPORT_WAIVED;
    case CONF_VERDICT_FAIL:
    default: return CONF_REPORT_FAIL;
    }
}

static gboolean
write_certificate (const ConfRun *run, const ConfPlan *plan, const char *command,
                   const char *role, const ConfProfile *profile, const char *key,
                   const char *cert)
{
  g_autoptr (GError) error = NULL;
  g_autofree ConfReportTest *tests = g_new0 (ConfReportTest, run->results->len);
  g_autofree ConfReportVector *vectors = g_new0 (ConfReportVector, plan->files->len);
  static const char *const none[] = { NULL };

  for (guint i = 0; i < run->results->len; i++)
    {
      const ConfTestResult *r = run->results->pdata[i];
      tests[i].name = r->name;
      tests[i].requirements = r->test ? (const char *const *) r->test->requirements : none;
      tests[i].verdict = report_verdict (r->verdict);
    }
  for (guint i = 0; i < plan->files->len; i++)
    {
      const ConfVectorFile *f = plan->files->pdata[i];
      vectors[i].file = f->name;
      if (!conf_hex_decode_fixed (f->blake2b, vectors[i].blake2b, CONF_CERT_HASH_LEN, &error))
        {
          fprintf (stderr, "essc conform: %s\n", error->message);
          return FALSE;
        }
    }
  g_autoptr (JsonNode) pnode = conf_profile_to_json (profile);
  ConfReport report = {
    .vectors = vectors, .n_vectors = plan->files->len,
    .profile = json_node_get_object (pnode),
    .iut = { command, run->iut_name, run->iut_version, role },
    .started_at = run->started_at, .ended_at = run->ended_at,
    .tests = tests, .n_tests = run->results->len,
  };
  if (!conf_cert_write (&report, key, cert, &error))
    {
      fprintf (stderr, "essc conform: certificate: %s\n", error->message);
      return FALSE;
    }
  return TRUE;
}

/* Reads back the certificate just written (CERT and CERT.sig) and the
 * signer's public key, for the database. */
static gboolean
load_certificate (const char *cert, const char *key, ConfRunDbCertificate *out,
                  char **cert_bytes, char **sig_bytes, char **pub_text)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *sig_path = conf_cert_sig_path (cert);
  gsize len = 0;
  g_autoptr (ModelKeyPair) pair = NULL;
  if ((*cert_bytes = conf_cert_load (cert, &len, &error)) == NULL
      || (*sig_bytes = conf_cert_load (sig_path, NULL, &error)) == NULL
      || (pair = conf_cert_read_secret_key (key, &error)) == NULL)
    {
      fprintf (stderr, "essc conform: --db: the certificate: %s\n", error->message);
      return FALSE;
    }
  *pub_text = conf_cert_format_public_key (pair);
  *out = (ConfRunDbCertificate) { *cert_bytes, len, *sig_bytes, *pub_text };
  return TRUE;
}

int
essc_cmd_conform (int argc, char **argv)
{
  g_autofree char *role = NULL, *impl = NULL, *profile_path = NULL, *junit = NULL;
  g_autofree char *json = NULL, *db = NULL, *waivers_path = NULL, *sign = NULL;
  g_autofree char *cert = NULL, *vectors_dir = NULL;
  g_autofree char *ca = NULL, *client_cert = NULL, *client_key = NULL, *transcript = NULL;
  gint timeout_ms = CONF_CLIENT_DEFAULT_TIMEOUT_MS;
  gboolean coverage = FALSE;
  const GOptionEntry entries[] = {
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
    { "json", 0, 0, G_OPTION_ARG_FILENAME, &json, "also write a JSON results file", "FILE" },
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db, "append the run to an SQLite database", "FILE" },
    { "waivers", 0, 0, G_OPTION_ARG_FILENAME, &waivers_path,
      "known failures to expect (TEST-NAME reason, one a line)", "FILE" },
    { "sign", 0, 0, G_OPTION_ARG_FILENAME, &sign, "secret key to sign a certificate with (essc "
      "keygen)", "KEYFILE" },
    { "cert", 0, 0, G_OPTION_ARG_FILENAME, &cert, "write the signed certificate here", "FILE" },
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
  if ((sign == NULL) != (cert == NULL))
    return essc_cli_usage_error ("conform", "--sign and --cert go together");
  if ((ca || client_cert || client_key) && g_ascii_strncasecmp (impl, "https://", 8) != 0)
    return essc_cli_usage_error ("conform", "--ca, --client-cert and --client-key need an "
                                 "https:// --impl");
  if ((client_cert == NULL) != (client_key == NULL))
    return essc_cli_usage_error ("conform", "--client-cert and --client-key go together");

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
  g_autoptr (ConfTranscript) kept = NULL;
  if (transcript != NULL && (kept = conf_transcript_open (transcript, &error)) == NULL)
    {
      fprintf (stderr, "essc conform: --transcript: %s\n", error->message);
      return ESSC_EXIT_USAGE;
    }
  conf_tap_begin (stdout, total);

  ConfClientOptions client = { ca, client_cert, client_key, kept };
  ConfRunOptions options = {
    .command = impl, .role = role, .timeout_ms = timeout_ms, .profile = profile,
    .waivers = waivers, .on_result = on_result, .client = &client, .on_test = on_test,
    .user_data = &client,
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
  /* The certificate first, so that the database stores the bytes written. */
  g_autofree char *cert_bytes = NULL, *sig_bytes = NULL, *pub_text = NULL;
  ConfRunDbCertificate stored = { NULL };
  if (cert != NULL && write_certificate (run, plan, impl, role, profile, sign, cert))
    {
      if (db != NULL && !load_certificate (cert, sign, &stored, &cert_bytes, &sig_bytes,
                                           &pub_text))
        written = FALSE;
    }
  else if (cert != NULL)
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
