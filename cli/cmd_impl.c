/* SPDX-License-Identifier: MIT */
/*
 * essc impl: runs a reference implementation of ESSC-STD (conformance/impl.h)
 * on standard input and output, speaking the adapter protocol of
 * docs/ADAPTER.md, clean or with one deliberate fault of the catalogue
 * (conformance/faults.h); --list-faults prints the catalogue.  Exit 0 at end
 * of input, 2 for a usage error (an unknown role or fault), 3 when standard
 * input or output fails.
 */
#include "cli/cli.h"
#include "conformance/faults.h"
#include "conformance/impl.h"

#include <stdio.h>

static const char *summary =
  "Runs the reference implementation of ROLE (verifier, channel or platform):\n"
  "one adapter-protocol request per line on standard input (docs/ADAPTER.md),\n"
  "one response line per request on standard output, until end of input.\n"
  "With --fault NAME it carries that deliberate defect, for the self-test of\n"
  "the conformance suite.\n"
  "\n"
  "--list-faults prints one fault per line, tab-separated: name, roles\n"
  "(comma-separated), requirement ids broken (comma-separated), description;\n"
  "with --role, only the faults of that role.\n"
  "\n"
  "Exit status: 0 end of input, 2 usage error, 3 input/output error.";

static void
list_faults (gboolean all, ConfRole role)
{
  gsize n;
  const ConfFault *faults = conf_fault_catalogue (&n);
  for (gsize i = 0; i < n; i++)
    {
      if (!all && !conf_fault_applies (&faults[i], role))
        continue;
      g_autoptr (GString) roles = g_string_new (NULL);
      for (guint r = 0; r < CONF_N_ROLES; r++)
        if (conf_fault_applies (&faults[i], (ConfRole) r))
          g_string_append_printf (roles, "%s%s", roles->len ? "," : "",
                                  conf_role_name ((ConfRole) r));
      printf ("%s\t%s\t%s\t%s\n", faults[i].name, roles->str, faults[i].requirements,
              faults[i].description);
    }
}

int
essc_cmd_impl (int argc, char **argv)
{
  g_autofree char *role_name = NULL;
  g_autofree char *fault = NULL;
  gboolean list = FALSE;
  ConfRole role = CONF_ROLE_VERIFIER;
  const GOptionEntry entries[] = {
    { "role", 'r', 0, G_OPTION_ARG_STRING, &role_name, "the role: verifier, channel, platform",
      "ROLE" },
    { "fault", 'f', 0, G_OPTION_ARG_STRING, &fault, "carry this fault (see --list-faults)",
      "NAME" },
    { "list-faults", 0, 0, G_OPTION_ARG_NONE, &list, "list the faults and exit", NULL },
    { NULL, 0, 0, 0, NULL, NULL, NULL },
  };

  if (!essc_cli_parse (&argc, &argv, "impl", "--role ROLE [--fault NAME]", summary, entries))
    return ESSC_EXIT_USAGE;
  if (argc > 1)
    return essc_cli_usage_error ("impl", "unexpected argument '%s'", argv[1]);
  if (role_name != NULL && !conf_role_from_name (role_name, &role))
    return essc_cli_usage_error ("impl", "unknown role '%s' (verifier, channel or platform)",
                                 role_name);
  if (list)
    {
      if (fault != NULL)
        return essc_cli_usage_error ("impl", "--list-faults takes no --fault");
      list_faults (role_name == NULL, role);
      return fflush (stdout) == 0 ? ESSC_EXIT_OK : ESSC_EXIT_INTERNAL;
    }
  if (role_name == NULL)
    return essc_cli_usage_error ("impl", "--role is required");

  g_autoptr (GError) error = NULL;
  g_autoptr (ConfImpl) check = conf_impl_new (role, fault, &error);
  if (check == NULL)
    return essc_cli_usage_error ("impl", "%s", error->message);
  if (!conf_impl_serve (role, fault, stdin, stdout, &error))
    {
      fprintf (stderr, "essc impl: %s\n", error->message);
      return ESSC_EXIT_INTERNAL;
    }
  return ESSC_EXIT_OK;
}
