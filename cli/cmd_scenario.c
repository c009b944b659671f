/* SPDX-License-Identifier: MIT */
/*
 * essc scenario: checks rollout scenario files (model/rollout/scenario).  `essc
 * scenario check FILE` loads the scenario with the cities and channel
 * catalogue it names and prints every problem found, one a line, as
 * "FILE:LINE: [group] key: what is wrong, what was expected", on stderr;
 * on success one line on stdout with the name, dates and hash, the run's
 * estimated size, and each data file it took with why (beside the
 * scenario, or in the data directory: --data-dir, else the build tree's,
 * the one relative to the program or the installed scenarios/).  Exit 0 when valid, 2 when invalid, missing or
 * unreadable.
 */
#include "cli/cli.h"

#include "base/datadir.h"
#include "base/text.h"
#include "model/rollout/scenario.h"
#include "model/rollout/scenario_estimate.h"

#include <stdio.h>
#include <string.h>

/* Each data file the scenario took, absolute, and why. */
static void
print_data_files (const ModelScenario *s, const char *data_dir, BaseDatadirSource source)
{
  printf ("%s: data directory: %s (%s)\n", s->path, data_dir,
          source == BASE_DATADIR_GIVEN ? base_datadir_part_option (BASE_DATA_SCENARIOS)
                                       : base_datadir_source_name (source));
  for (guint i = 0; i < s->n_data_files; i++)
    {
      const ModelDataFile *f = &s->data_files[i];
      g_autofree char *abs = g_canonicalize_filename (f->path, NULL);
      printf ("%s: %s: %s (%s)\n", s->path, f->key, abs, model_datapath_where_name (f->where));
    }
}

static int
check (const char *path, const char *data_dir_opt, gboolean force)
{
  g_autoptr (GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GError) error = NULL;
  BaseDatadirSource source;
  g_autofree char *data_dir = base_datadir_find (data_dir_opt, &source, &error);
  if (data_dir == NULL)
    return essc_cli_usage_error ("scenario", "--data-dir %s", error->message);

  if (!model_scenario_check_in (path, data_dir, problems))
    {
      for (guint i = 0; i < problems->len; i++)
        {
          const char *p = problems->pdata[i];
          g_autofree char *shown = base_text_printable (p, strlen (p), 1000);
          fprintf (stderr, "%s\n", shown);
        }
      fprintf (stderr, "essc scenario: %s: %u problem%s\n", path, problems->len,
               problems->len == 1 ? "" : "s");
      return ESSC_EXIT_USAGE;
    }

  g_autoptr (ModelScenario) s = model_scenario_load_in (path, data_dir, &error);
  if (s == NULL)
    {
      fprintf (stderr, "%s\n", error->message);
      return ESSC_EXIT_USAGE;
    }
  char start[11], end[11];
  base_time_format_date (s->start, start);
  base_time_format_date (s->end, end);
  g_autofree char *name = base_text_printable (s->name, strlen (s->name), 80);
  printf ("%s: valid: \"%s\", %s..%s, %u cities, %u channels, %" G_GUINT64_FORMAT
          " cardholders, blake2b-256 %s\n",
          path, name, start, end, s->cities->n_cities, s->catalogue->n_channels,
          s->cardholders, s->hash);
  ModelRunEstimate est;
  model_run_estimate (s, s->replications, 1, &est);
  g_autofree char *size = model_run_estimate_text (&est);
  printf ("%s: a run: %s\n", path, size);
  print_data_files (s, data_dir, source);
  g_autofree char *refusal = model_run_estimate_refusal (&est);
  if (refusal != NULL)
    {
      fprintf (stderr, "essc scenario: %s: %s\n", path, refusal);
      if (!force)
        return ESSC_EXIT_USAGE;
    }
  return ESSC_EXIT_OK;
}

int
essc_cmd_scenario (int argc, char **argv)
{
  gboolean force = FALSE;
  g_autofree char *data_dir = NULL;
  const GOptionEntry entries[] = {
    { "force", 0, 0, G_OPTION_ARG_NONE, &force,
      "accept a scenario whose run would pass the memory or time limit", NULL },
    { "data-dir", 0, 0, G_OPTION_ARG_FILENAME, &data_dir, ESSC_CLI_DATA_DIR_HELP, "DIR" },
    { NULL },
  };
  if (!essc_cli_parse (&argc, &argv, "scenario", "check FILE",
                       "Checks a rollout scenario (scenarios/README.md lists every key) and\n"
                       "the cities and channel files it names; prints each problem as\n"
                       "FILE:LINE: [group] key: what is wrong, what was expected. Then\n"
                       "estimates a run's memory and time (scenarios/README.md, \"Run size\"):\n"
                       "beyond half this machine's memory or 24 hours the scenario is refused\n"
                       "unless --force. Lists each data file taken and why: beside the\n"
                       "scenario, or in the data directory (scenarios/README.md, \"Where data\n"
                       "files are found\").\n"
                       "Exit status: 0 valid, 2 invalid, unreadable or too large.",
                       entries))
    return ESSC_EXIT_USAGE;
  if (argc < 2 || g_strcmp0 (argv[1], "check") != 0)
    return essc_cli_usage_error ("scenario", "expected: check FILE");
  if (argc != 3)
    return essc_cli_usage_error ("scenario", "check takes exactly one FILE");
  return check (argv[2], data_dir, force);
}
