/* SPDX-License-Identifier: MIT */
/*
 * essc fuzz: differential fuzzing of an implementation under test against
 * the reference implementation of its role (conformance/fuzz.h,
 * docs/FUZZ.md).  Each distinct divergence is printed on stdout as it is
 * found, shrunk, and written as a vector file (--out) that `essc conform
 * --vectors DIR` replays; progress goes to stderr every few seconds, and
 * the summary line last on stderr.  Exit 0 no divergence, 1 divergences
 * found, 2 usage or input error (the IUT cannot start, a finding cannot be
 * written).
 */
#include "cli/cli.h"
#include "base/text.h"
#include "conformance/fuzz.h"
#include "conformance/plan.h"
#include "conformance/profile.h"

#include <stdio.h>
#include <string.h>

#define DEFAULT_SECONDS 60
#define DEFAULT_OUT "fuzz-findings"

static gboolean
parse_count (const char *option, const char *text, guint64 min, guint64 max, guint64 *out)
{
  g_autoptr (GError) error = NULL;
  if (text == NULL)
    return TRUE;
  if (!g_ascii_string_to_unsigned (text, 10, min, max, out, &error))
    {
      g_autofree char *shown = base_text_printable (text, strlen (text), 80);
      essc_cli_usage_error ("fuzz", "%s: '%s': expected an integer in %" G_GUINT64_FORMAT "..%"
                            G_GUINT64_FORMAT, option, shown, min, max);
      return FALSE;
    }
  return TRUE;
}

static void
print_summary (const ConfFuzzReport *r, const char *role)
{
  guint reproduced = 0;
  for (guint i = 0; i < r->findings->len; i++)
    {
      const ConfFuzzFinding *f = r->findings->pdata[i];
      reproduced += f->file != NULL && f->fails_iut && f->passes_reference;
    }
  printf ("# %s: %" G_GUINT64_FORMAT " sequences, %" G_GUINT64_FORMAT " steps, %u finding%s"
          " in %.1f s (seed %" G_GUINT64_FORMAT ")\n", role, r->sequences, r->steps,
          r->findings->len, r->findings->len == 1 ? "" : "s", r->seconds, r->seed);
  for (guint i = 0; i < r->findings->len; i++)
    {
      const ConfFuzzFinding *f = r->findings->pdata[i];
      printf ("#   %u. %s%s%s\n", i + 1, f->signature, f->file ? " -> " : "",
              f->file ? f->file : "");
    }
  fflush (stdout);
  g_autofree char *name = base_text_printable (r->iut_name ? r->iut_name : "?",
                                               strlen (r->iut_name ? r->iut_name : "?"), 200);
  fprintf (stderr, "essc fuzz: %s: %s as %s: %u divergence%s (%u replayed by the runner) in %"
           G_GUINT64_FORMAT " sequences, %" G_GUINT64_FORMAT " restarts, seed %" G_GUINT64_FORMAT
           "%s%s\n", r->findings->len ? "DIVERGES" : "no divergence", name, role,
           r->findings->len, r->findings->len == 1 ? "" : "s", reproduced, r->sequences,
           r->restarts, r->seed, r->stop_reason ? "; stopped: " : "",
           r->stop_reason ? r->stop_reason : "");
}

int
essc_cmd_fuzz (int argc, char **argv)
{
  g_autofree char *role = NULL, *impl = NULL, *reference = NULL, *profile_path = NULL;
  g_autofree char *vectors_dir = NULL, *out_dir = NULL, *seed_text = NULL, *runs_text = NULL;
  g_autofree char *ca = NULL, *client_cert = NULL, *client_key = NULL;
  gint seconds = -1, timeout_ms = CONF_CLIENT_DEFAULT_TIMEOUT_MS, max_findings = 10;
  gint shrink_budget = 400;
  gboolean quiet = FALSE, valid_only = FALSE;
  const GOptionEntry entries[] = {
    { "role", 0, 0, G_OPTION_ARG_STRING, &role, "role of the IUT: platform, channel, verifier",
      "R" },
    { "impl", 0, 0, G_OPTION_ARG_STRING, &impl,
      "the implementation under test: a command (run with /bin/sh -c) or an http(s):// URL",
      "COMMAND|URL" },
    { "seconds", 0, 0, G_OPTION_ARG_INT, &seconds,
      "stop after this long (default 60 without --runs)", "N" },
    { "runs", 0, 0, G_OPTION_ARG_STRING, &runs_text,
      "play exactly this many sequences (with --seconds: whichever comes first)", "N" },
    { "seed", 0, 0, G_OPTION_ARG_STRING, &seed_text,
      "the seed of the sequences (default: from the clock, printed)", "S" },
    { "out", 0, 0, G_OPTION_ARG_FILENAME, &out_dir,
      "write each finding as a vector file here (default " DEFAULT_OUT ")", "DIR" },
    { "max-findings", 0, 0, G_OPTION_ARG_INT, &max_findings,
      "stop after this many distinct divergences (default 10)", "N" },
    { "shrink-budget", 0, 0, G_OPTION_ARG_INT, &shrink_budget,
      "sequences played to shrink one finding, at most (default 400)", "N" },
    { "valid-only", 0, 0, G_OPTION_ARG_NONE, &valid_only,
      "start only from the tests the vectors mark valid, with values only from steps the "
      "vectors expect accepted (every invalid input is the fuzzer's own)", NULL },
    { "reference", 0, 0, G_OPTION_ARG_STRING, &reference,
      "compare with this command instead of the reference in-process", "COMMAND" },
    { "profile", 0, 0, G_OPTION_ARG_FILENAME, &profile_path,
      "what the IUT claims ([profile] role, tier, payment, class)", "FILE" },
    { "vectors", 0, 0, G_OPTION_ARG_FILENAME, &vectors_dir,
      ESSC_CLI_VECTORS_HELP, "DIR" },
    { "timeout-ms", 0, 0, G_OPTION_ARG_INT, &timeout_ms,
      "deadline of each response (default 5000)", "N" },
    { "ca", 0, 0, G_OPTION_ARG_FILENAME, &ca,
      "https: trust this CA (PEM) instead of the system's store", "FILE" },
    { "client-cert", 0, 0, G_OPTION_ARG_FILENAME, &client_cert,
      "https: present this client certificate (PEM)", "FILE" },
    { "client-key", 0, 0, G_OPTION_ARG_FILENAME, &client_key,
      "https: the private key of --client-cert (PEM)", "FILE" },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, "no progress lines on stderr", NULL },
    { NULL },
  };

  if (!essc_cli_parse (&argc, &argv, "fuzz", NULL,
                       "Differential fuzzing (docs/FUZZ.md): random sequences of valid and\n"
                       "invalid operations of the role, built from the suite's vectors, are\n"
                       "sent to the implementation under test and to the reference\n"
                       "implementation; each distinct divergence in outcome or result (a\n"
                       "hang, a crash or garbage included) is shrunk to a minimal sequence\n"
                       "and written as a vector file that 'essc conform --role R --impl CMD\n"
                       "--vectors DIR' replays. The same --seed gives the same sequences;\n"
                       "--runs N plays exactly N of them. Findings on stdout, progress and\n"
                       "the summary line on stderr. Exit status: 0 no divergence, 1\n"
                       "divergences found, 2 usage or input error (or an IUT that cannot\n"
                       "start).",
                       entries))
    return ESSC_EXIT_USAGE;
  if (argc > 1)
    return essc_cli_usage_error ("fuzz", "unexpected argument '%s'", argv[1]);
  if (role == NULL || !conf_profile_role_valid (role))
    return essc_cli_usage_error ("fuzz", "--role: expected platform, channel or verifier");
  if (impl == NULL || *impl == '\0')
    return essc_cli_usage_error ("fuzz", "--impl: the command of the implementation is "
                                 "required");
  if (reference != NULL && *reference == '\0')
    return essc_cli_usage_error ("fuzz", "--reference: an empty command");
  guint64 runs = 0, seed = 0;
  if (!parse_count ("--runs", runs_text, 1, G_MAXUINT64, &runs)
      || !parse_count ("--seed", seed_text, 0, G_MAXUINT64, &seed))
    return ESSC_EXIT_USAGE;
  if (seconds == -1)
    seconds = runs_text != NULL ? 0 : DEFAULT_SECONDS;
  else if (seconds < 1 || seconds > 7 * 24 * 3600)
    return essc_cli_usage_error ("fuzz", "--seconds: expected 1..604800");
  if (timeout_ms < 1 || timeout_ms > 600000)
    return essc_cli_usage_error ("fuzz", "--timeout-ms: expected 1..600000");
  if (max_findings < 1 || max_findings > 10000)
    return essc_cli_usage_error ("fuzz", "--max-findings: expected 1..10000");
  if (shrink_budget < 1 || shrink_budget > 1000000)
    return essc_cli_usage_error ("fuzz", "--shrink-budget: expected 1..1000000");
  if ((ca || client_cert || client_key) && g_ascii_strncasecmp (impl, "https://", 8) != 0)
    return essc_cli_usage_error ("fuzz", "--ca, --client-cert and --client-key need an "
                                 "https:// --impl");
  if ((client_cert == NULL) != (client_key == NULL))
    return essc_cli_usage_error ("fuzz", "--client-cert and --client-key go together");
  if (seed_text == NULL)
    seed = (guint64) g_get_real_time () % G_GUINT64_CONSTANT (1000000000);

  g_autoptr (GError) error = NULL;
  g_autofree char *vectors_given = g_strdup (vectors_dir);
  if (vectors_dir == NULL)
    vectors_dir = conf_plan_default_dir ();
  g_autoptr (ConfPlan) plan = conf_plan_load (vectors_dir, &error);
  if (plan == NULL)
    {
      essc_cli_vectors_error ("fuzz", vectors_given, vectors_dir, error);
      return ESSC_EXIT_USAGE;
    }
  g_autoptr (ConfProfile) profile = profile_path ? conf_profile_load (profile_path, role, &error)
                                                 : conf_profile_default (role);
  if (profile == NULL)
    {
      fprintf (stderr, "essc fuzz: %s\n", error->message);
      return ESSC_EXIT_USAGE;
    }
  g_autofree char *self = g_file_read_link ("/proc/self/exe", NULL);
  ConfClientOptions client = { ca, client_cert, client_key, NULL };
  ConfFuzzOptions options = {
    .command = impl, .role = role, .reference = reference, .essc_path = self,
    .profile = profile, .vectors_dir = vectors_dir, .valid_only = valid_only, .seed = seed,
    .seconds = seconds, .runs = runs, .max_findings = (guint) max_findings,
    .shrink_budget = (guint) shrink_budget,
    .timeout_ms = timeout_ms, .out_dir = out_dir ? out_dir : DEFAULT_OUT,
    .progress = quiet ? NULL : stderr, .findings = stdout, .client = &client,
  };
  g_autoptr (ConfFuzzReport) report = conf_fuzz_run (plan, &options, &error);
  if (report == NULL)
    {
      fprintf (stderr, "essc fuzz: no run: %s\n", error->message);
      return ESSC_EXIT_USAGE;
    }
  print_summary (report, role);
  return report->findings->len > 0 ? ESSC_EXIT_FAILED : ESSC_EXIT_OK;
}
