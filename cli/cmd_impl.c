/* SPDX-License-Identifier: MIT */
/*
 * essc impl: runs a reference implementation of ESSC-STD (conformance/impl.h)
 * on standard input and output, speaking the adapter protocol of
 * docs/ADAPTER.md, clean or with one deliberate fault of the catalogue
 * (conformance/faults.h); --list-faults prints the catalogue.  With
 * --listen it serves the same implementation over HTTP(S) instead
 * (conformance/impl_http.h) until SIGTERM or SIGINT.  Exit 0 at end of input
 * or at the signal, 2 for a usage error (an unknown role or fault, a bad
 * address, TLS files that cannot be loaded), 3 when standard input or
 * output fails or the address cannot be listened on.
 */
#include "cli/cli.h"
#include "conformance/faults.h"
#include "conformance/impl.h"
#include "conformance/impl_http.h"

#include <stdio.h>

static const char *summary =
  "Runs the reference implementation of ROLE (verifier, channel or platform):\n"
  "one adapter-protocol request per line on standard input (docs/ADAPTER.md),\n"
  "one response line per request on standard output, until end of input.\n"
  "With --fault NAME it carries that deliberate defect, for the self-test of\n"
  "the conformance suite.  With --backdate SECONDS (platform, 0..300, default\n"
  "0) the platform dates the credentials it issues that many seconds before\n"
  "`now` (ESSC-STD CRED-6, CRED-12).\n"
  "\n"
  "With --listen ADDR:PORT it serves the same implementation over HTTP instead,\n"
  "as a deployed one (docs/ADAPTER.md section 6): each request is a POST to\n"
  "PATH (--path, default /) with Content-Type application/json, answered with\n"
  "the response object.  One implementation state for the whole server;\n"
  "requests are handled one at a time.  ADDR is an IPv4 address, an IPv6\n"
  "address in brackets or localhost; PORT 0 picks a free port.  Once listening\n"
  "it prints one line, \"listening on URL\", on standard output.  --tls-cert and\n"
  "--tls-key (PEM) serve HTTPS.  It ends cleanly on SIGTERM or SIGINT.\n"
  "\n"
  "--list-faults prints one fault per line, tab-separated: name, roles\n"
  "(comma-separated), requirement ids broken (comma-separated), description;\n"
  "with --role, only the faults of that role.\n"
  "\n"
  "Exit status: 0 end of input (or SIGTERM/SIGINT with --listen), 2 usage\n"
  "error, 3 input/output error (or the address cannot be listened on).";

static void
print_url (const char *url, gpointer user_data)
{
  printf ("listening on %s\n", url);
  fflush (stdout);
}

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
  g_autofree char *listen = NULL, *path = NULL, *tls_cert = NULL, *tls_key = NULL;
  gboolean list = FALSE;
  gint backdate = 0;
  ConfRole role = CONF_ROLE_VERIFIER;
  const GOptionEntry entries[] = {
    { "role", 'r', 0, G_OPTION_ARG_STRING, &role_name, "the role: verifier, channel, platform",
      "ROLE" },
    { "fault", 'f', 0, G_OPTION_ARG_STRING, &fault, "carry this fault (see --list-faults)",
      "NAME" },
    { "list-faults", 0, 0, G_OPTION_ARG_NONE, &list, "list the faults and exit", NULL },
    { "backdate", 0, 0, G_OPTION_ARG_INT, &backdate,
      "platform: issued_at of issued credentials this many seconds before now (0..300)",
      "SECONDS" },
    { "listen", 0, 0, G_OPTION_ARG_STRING, &listen,
      "serve over HTTP on this address (port 0: a free one)", "ADDR:PORT" },
    { "path", 0, 0, G_OPTION_ARG_STRING, &path, "with --listen: the path served (default /)",
      "/P" },
    { "tls-cert", 0, 0, G_OPTION_ARG_FILENAME, &tls_cert,
      "with --listen: serve HTTPS with this certificate (PEM)", "FILE" },
    { "tls-key", 0, 0, G_OPTION_ARG_FILENAME, &tls_key,
      "with --listen: the private key of --tls-cert (PEM)", "FILE" },
    { NULL, 0, 0, 0, NULL, NULL, NULL },
  };

  if (!essc_cli_parse (&argc, &argv, "impl",
                       "--role ROLE [--fault NAME] [--backdate SECONDS] "
                       "[--listen ADDR:PORT [--path /P] "
                       "[--tls-cert FILE --tls-key FILE]]",
                       summary, entries))
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
  if (listen == NULL && (path || tls_cert || tls_key))
    return essc_cli_usage_error ("impl", "--path, --tls-cert and --tls-key go with --listen");
  if ((tls_cert == NULL) != (tls_key == NULL))
    return essc_cli_usage_error ("impl", "--tls-cert and --tls-key go together");
  if (path != NULL && *path != '/')
    return essc_cli_usage_error ("impl", "--path: '%s' must start with '/'", path);

  g_autoptr (GError) error = NULL;
  g_autoptr (ConfImpl) check = conf_impl_new (role, fault, &error);
  if (check == NULL)
    return essc_cli_usage_error ("impl", "%s", error->message);
  if (backdate != 0 && !conf_impl_set_backdate (check, backdate, &error))
    return essc_cli_usage_error ("impl", "--backdate: %s", error->message);
  if (listen != NULL)
    {
      g_autoptr (GInetSocketAddress) addr = conf_impl_http_parse_listen (listen, &error);
      if (addr == NULL)
        return essc_cli_usage_error ("impl", "--listen %s", error->message);
      ConfImplHttpOptions options = { listen, path, tls_cert, tls_key };
      if (!conf_impl_http_serve (check, &options, print_url, NULL, &error))
        {
          fprintf (stderr, "essc impl: %s\n", error->message);
          return error->code == MODEL_STD_MALFORMED ? ESSC_EXIT_USAGE : ESSC_EXIT_INTERNAL;
        }
      return ESSC_EXIT_OK;
    }
  if (!conf_impl_serve_impl (check, stdin, stdout, &error))
    {
      fprintf (stderr, "essc impl: %s\n", error->message);
      return ESSC_EXIT_INTERNAL;
    }
  return ESSC_EXIT_OK;
}
