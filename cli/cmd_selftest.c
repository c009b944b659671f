/* SPDX-License-Identifier: MIT */
/*
 * essc selftest: proves the conformance suite can fail.  Runs every role's
 * reference implementation (all tests must pass) and every fault of the
 * catalogue (each must be caught by at least one test), prints the kill
 * matrix, and exits 1 if a reference test fails or a fault survives.
 */
#include "cli/cli.h"
#include "conformance/plan.h"
#include "conformance/selftest.h"

#include <stdio.h>

int
essc_cmd_selftest (int argc, char **argv)
{
  g_autofree char *vectors_dir = NULL, *fault = NULL;
  gint timeout_ms = 5000;
  const GOptionEntry entries[] = {
    { "vectors", 0, 0, G_OPTION_ARG_FILENAME, &vectors_dir,
      ESSC_CLI_VECTORS_HELP, "DIR" },
    { "fault", 0, 0, G_OPTION_ARG_STRING, &fault, "run only this fault (and the references)",
      "NAME" },
    { "timeout-ms", 0, 0, G_OPTION_ARG_INT, &timeout_ms,
      "deadline of each response (default 5000)", "N" },
    { NULL },
  };

  if (!essc_cli_parse (&argc, &argv, "selftest", NULL,
                       "Runs the reference implementations (every test must pass) and every\n"
                       "deliberate fault (each must be caught by a test), and prints the kill\n"
                       "matrix. Exit status: 0 the suite is sound, 1 a reference test failed or\n"
                       "a fault survived, 2 usage error.",
                       entries))
    return ESSC_EXIT_USAGE;
  if (argc > 1)
    return essc_cli_usage_error ("selftest", "unexpected argument '%s'", argv[1]);
  if (timeout_ms < 1 || timeout_ms > 600000)
    return essc_cli_usage_error ("selftest", "--timeout-ms: expected 1..600000");

  g_autoptr (GError) error = NULL;
  g_autofree char *vectors_given = g_strdup (vectors_dir);
  if (vectors_dir == NULL)
    vectors_dir = conf_plan_default_dir ();
  g_autoptr (ConfPlan) plan = conf_plan_load (vectors_dir, &error);
  if (plan == NULL)
    {
      essc_cli_vectors_error ("selftest", vectors_given, vectors_dir, error);
      return ESSC_EXIT_USAGE;
    }
  g_autofree char *self = g_file_read_link ("/proc/self/exe", &error);
  if (self == NULL)
    {
      fprintf (stderr, "essc selftest: cannot find my own executable: %s\n", error->message);
      return ESSC_EXIT_INTERNAL;
    }
  ConfSelftestSummary summary;
  if (!conf_selftest_run (plan, self, fault, timeout_ms, stdout, &summary, &error))
    {
      fprintf (stderr, "essc selftest: %s\n", error->message);
      return ESSC_EXIT_INTERNAL;
    }
  if (fault != NULL && summary.faults == 0)
    return essc_cli_usage_error ("selftest", "--fault: no fault named '%s' (essc impl "
                                 "--list-faults)", fault);
  return summary.reference_failures == 0 && summary.survivors == 0 ? ESSC_EXIT_OK
                                                                    : ESSC_EXIT_FAILED;
}
