/* SPDX-License-Identifier: MIT */
/*
 * essc's entry point: dispatches the first argument to a subcommand and
 * holds the helpers every subcommand shares (option parsing with GOption,
 * usage errors).
 */
#include "cli/cli.h"
#include "cli/version.h"

#include "base/datadir.h"
#include "base/text.h"

#include <errno.h>
#include <locale.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

static const EsscCommand commands[] = {
  { "id", "check citizen ID numbers (GB 11643-1999): essc id check ID...", essc_cmd_id },
  { "demo", "walk through ESSC-STD's reference implementation: issue, scan, lose, pay, audit",
    essc_cmd_demo },
  { "store", "check a model database: rows, payment books, audit chain", essc_cmd_store },
  { "sim", "simulate a rollout scenario: essc sim SCENARIO [--replications N] [--jobs N]",
    essc_cmd_sim },
  { "sweep", "run a grid of scenario variants as one job (mpirun: over the ranks)",
    essc_cmd_sweep },
  { "sensitivity", "which scenario parameters move the results most: Morris or Sobol, with a "
    "tornado", essc_cmd_sensitivity },
  { "calibrate", "fit a scenario's free parameters to its published figures (ABC-SMC)",
    essc_cmd_calibrate },
  { "backtest", "fit up to --fit-until, forecast the later figures, score the intervals",
    essc_cmd_backtest },
  { "scenario", "check a rollout scenario file: essc scenario check FILE", essc_cmd_scenario },
  { "report", "plots and an HTML page from a run or conformance database: essc report DB",
    essc_cmd_report },
  { "compare", "differences between two runs with intervals (paired when they share the seed): "
    "essc compare A.db B.db", essc_cmd_compare },
  { "export", "any table of any essc database as CSV or JSON: essc export DB [--table T]",
    essc_cmd_export },
  /* conformance: impl */
  { "impl", "run a reference implementation of ESSC-STD over the adapter protocol", essc_cmd_impl },
  /* conformance: vectors */
  { "vectors", "write or --check the conformance vector files (conformance/vectors/GROUP.json)",
    essc_cmd_vectors },
  /* conformance: keygen, cert */
  { "keygen", "make an Ed25519 key pair for signing conformance certificates", essc_cmd_keygen },
  { "cert", "verify or show a signed conformance certificate", essc_cmd_cert },
  /* conformance: conform, selftest */
  { "conform", "run the ESSC-STD conformance suite against an implementation", essc_cmd_conform },
  { "selftest", "prove the suite: references pass, every deliberate fault is caught",
    essc_cmd_selftest },
  { "fuzz", "differential fuzzing of an implementation against the reference, findings as "
    "vectors", essc_cmd_fuzz },
  /* the registry of channels and certificates */
  { "registry", "the registry of channels and their certificates: apply, test, certify, publish",
    essc_cmd_registry },
  { "serve", "the certification service: vendors' runs, staff decisions, the public list, "
    "over HTTP(S)", essc_cmd_serve },
  { "bench", "measure the cost of the reference implementation's operations", essc_cmd_bench },
};

static void
print_help (FILE *out)
{
  fprintf (out,
           "Usage: essc COMMAND [OPTION...]\n"
           "\n"
           "Test bed and simulator for the electronic social security card standard\n"
           "(ESSC-STD, docs/ESSC-STD.md).\n"
           "\n"
           "Commands:\n");
  for (gsize i = 0; i < G_N_ELEMENTS (commands); i++)
    fprintf (out, "  %-12s %s\n", commands[i].name, commands[i].summary);
  fprintf (out,
           "\n"
           "Options:\n"
           "  -h, --help     show this help; 'essc COMMAND --help' for a command's\n"
           "  --version      print the version, the build's options, the libraries'\n"
           "                 versions and where essc finds its data (scenarios, vectors)\n"
           "\n"
           "Exit status: 0 success, 1 the checked thing failed, 2 usage or input\n"
           "error, 3 internal error.\n");
}

gboolean
essc_cli_parse (int *argc, char ***argv, const char *command, const char *parameter,
                const char *summary, const GOptionEntry *entries)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GOptionContext) context = g_option_context_new (parameter);
  g_autofree char *prgname = g_strdup_printf ("essc %s", command);

  g_set_prgname (prgname);
  g_option_context_set_summary (context, summary);
  if (entries != NULL)
    g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, argc, argv, &error))
    {
      essc_cli_usage_error (command, "%s", error->message);
      return FALSE;
    }
  return TRUE;
}

void
essc_cli_print_padded (const char *text, int width)
{
  int cols = 0;
  for (const char *p = text; *p; p = g_utf8_next_char (p))
    cols += g_unichar_iswide (g_utf8_get_char (p)) ? 2 : 1;
  printf ("%s%*s", text, MAX (width - cols, 0) + 1, "");
}

int
essc_cli_usage_error (const char *command, const char *format, ...)
{
  va_list ap;
  g_autofree char *message = NULL;

  va_start (ap, format);
  message = g_strdup_vprintf (format, ap);
  va_end (ap);
  fprintf (stderr, "essc %s: %s\n(see 'essc %s --help')\n", command, message, command);
  return ESSC_EXIT_USAGE;
}

char *
essc_cli_data_dir (const char *command, const char *given)
{
  g_autoptr (GError) error = NULL;
  char *dir = base_datadir_find (given, NULL, &error);
  if (dir == NULL)
    essc_cli_usage_error (command, "--data-dir %s", error->message);
  return dir;
}

void
essc_cli_vectors_error (const char *command, const char *given, const char *dir,
                        const GError *error)
{
  if (given != NULL)
    {
      fprintf (stderr, "essc %s: vectors: %s\n", command, error->message);
      return;
    }
  BaseDatadirSource source;
  g_autofree char *root = base_datadir_root (&source);
  if (!g_file_test (dir, G_FILE_TEST_IS_DIR))
    fprintf (stderr, "essc %s: vectors: %s: no such folder\n", command, dir);
  else
    fprintf (stderr, "essc %s: vectors: %s\n", command, error->message);
  fprintf (stderr, "essc %s: the suite's own vectors are looked for in the data root %s (%s); "
           "--vectors DIR names a folder of vector files ('essc --version' shows where essc "
           "looks)\n", command, root, base_datadir_source_name (source));
}

/* A command's status, unless its standard output could not be written (a
 * full disk, a closed pipe, /dev/full): then that is an error of its own,
 * exit 3, for no output is worth less than a wrong one taken as whole. */
static int
finish (int status)
{
  if (fflush (stdout) != 0 || ferror (stdout))
    {
      int e = errno;
      fprintf (stderr, "essc: cannot write standard output: %s\n",
               e ? g_strerror (e) : "write error");
      return ESSC_EXIT_INTERNAL;
    }
  return status;
}

int
main (int argc, char **argv)
{
  setlocale (LC_ALL, "");
  if (sodium_init () < 0)
    {
      fprintf (stderr, "essc: libsodium failed to initialise\n");
      return ESSC_EXIT_INTERNAL;
    }
  if (argc < 2)
    {
      print_help (stderr);
      return ESSC_EXIT_USAGE;
    }
  if (strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0
      || strcmp (argv[1], "help") == 0)
    {
      print_help (stdout);
      return finish (ESSC_EXIT_OK);
    }
  if (strcmp (argv[1], "--version") == 0 || strcmp (argv[1], "version") == 0)
    {
      essc_cli_print_version ();
      return finish (ESSC_EXIT_OK);
    }
  for (gsize i = 0; i < G_N_ELEMENTS (commands); i++)
    if (strcmp (argv[1], commands[i].name) == 0)
      return finish (commands[i].run (argc - 1, argv + 1));

  g_autofree char *shown = base_text_printable (argv[1], strlen (argv[1]), 64);
  if (argv[1][0] == '-')
    fprintf (stderr, "essc: unknown option '%s'\n", shown);
  else
    fprintf (stderr, "essc: unknown command '%s'\n", shown);
  fprintf (stderr, "(see 'essc --help' for the commands)\n");
  return ESSC_EXIT_USAGE;
}
