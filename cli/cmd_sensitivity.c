/* SPDX-License-Identifier: MIT */
/*
 * essc sensitivity: which of some scenario parameters moves each headline
 * output most (model/rollout/sens.h, sim/sensitivity.h).  Every point of
 * the design, the scenario's own values and the tornado's one-at-a-time
 * points is one job (sim/jobs.h: under mpirun point p runs on rank p mod N,
 * on --jobs threads, and rank 0 gathers the results), run as an essc sweep
 * point is.  Rank 0 analyses, writes the sensitivity database and prints
 * per output the parameters ranked, with intervals and the tornado's swing.
 */
#include "cli/cli.h"
#include "cli/points.h"
#include "cli/progress.h"
#include "cli/db_guard.h"
#include "model/rollout/rollout.h"
#include "model/rollout/scenario_estimate.h"
#include "model/rollout/sens.h"
#include "sim/jobs.h"
#include "sim/mpi.h"

#include <glib/gstdio.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define CMD "sensitivity"

/* Point p's scenario (cli/points.h). */
static ModelScenario *
point_scenario (gconstpointer sens, guint p, GError **error)
{
  return model_sens_point_scenario (sens, p, error);
}

/* A Sobol index "0.3139" ("-" for none: a constant output). */
static char *
num (double v)
{
  return isnan (v) ? g_strdup ("-") : g_strdup_printf ("%.4f", v);
}

/* An interval "[0.0612, 0.1012]" ("" for none). */
static char *
interval_text (double lo, double hi)
{
  if (isnan (lo) || isnan (hi))
    return g_strdup ("");
  return g_strdup_printf ("[%.4g, %.4g]", lo, hi);
}

static void
print_tables (const ModelSens *s, double seconds, const char *db)
{
  const SimSensDesign *d = s->design;
  const gboolean morris = d->method == SIM_SENS_MORRIS;
  printf ("essc sensitivity: %s (%s, seed %" G_GUINT64_FORMAT ", %u replication%s, essc %s)\n",
          s->base->name, s->scenario_path, d->seed, s->base->replications,
          s->base->replications == 1 ? "" : "s", ESSC_VERSION);
  if (morris)
    printf ("Morris elementary effects: %u trajectories on %u levels (delta %.4g of each range)",
            d->trajectories, d->levels, d->delta);
  else
    printf ("Sobol indices: Saltelli sampling, N = %u (plain Monte Carlo)", d->samples);
  printf (", %u design points + 1 at the scenario's values + %u for the tornado\n\n",
          d->n_points, 2 * s->k);
  printf ("parameters (each uniform on LOW..HIGH; the tornado holds the others at the "
          "scenario's value):\n");
  for (guint i = 0; i < s->k; i++)
    {
      const ModelSensParam *p = &s->params[i];
      printf ("  %-36s %12.6g .. %-12.6g scenario %.6g%s%s\n", p->name, p->low, p->high,
              p->nominal, p->nominal_default ? " (its default)" : "",
              p->nominal < p->low || p->nominal > p->high ? " (outside the range)" : "");
    }
  g_autofree guint *order = g_new (guint, s->k);
  for (guint o = 0; o < s->n_outcomes; o++)
    {
      const ModelSensOutcome *x = &s->outcomes[o];
      printf ("\n%s (%s): %s; %.6g at the scenario's values\n", x->output->name,
              x->output->unit, x->output->label, x->base);
      g_autofree char *lv = g_strdup_printf ("%g%% interval", 100 * s->level);
      if (morris)
        printf ("  %-4s %-36s %10s %-24s %10s %10s | %10s %10s %10s\n", "rank", "parameter",
                "mu*", lv, "mu", "sigma", "at LOW", "at HIGH", "swing");
      else
        printf ("  %-4s %-36s %8s %-22s %8s %-22s | %10s %10s %10s\n", "rank", "parameter",
                "ST", lv, "S1", lv, "at LOW", "at HIGH", "swing");
      model_sens_rank (s, o, FALSE, order);
      for (guint r = 0; r < s->k; r++)
        {
          guint i = order[r];
          const SimSensIndex *ix = &x->indices->index[i];
          printf ("  %-4u %-36s ", r + 1, s->params[i].name);
          if (morris)
            {
              g_autofree char *iv = interval_text (ix->mu_star_lo, ix->mu_star_hi);
              printf ("%10.4g %-24s %10.4g %10.4g", ix->mu_star, iv, ix->mu, ix->sigma);
            }
          else
            {
              g_autofree char *it = interval_text (ix->st_lo, ix->st_hi);
              g_autofree char *i1 = interval_text (ix->s1_lo, ix->s1_hi);
              g_autofree char *st = num (ix->st), *s1 = num (ix->s1);
              printf ("%8s %-22s %8s %-22s", st, it, s1, i1);
            }
          printf (" | %10.4g %10.4g %+10.4g\n", x->low[i], x->high[i], x->high[i] - x->low[i]);
        }
    }
  printf ("\n(");
  if (morris)
    printf ("mu*: the mean |elementary effect|, an effect being the output's change per whole "
            "range of the parameter; mu: the mean effect; sigma: their standard deviation "
            "(interactions, non-linearity)");
  else
    printf ("S1: first-order Sobol index (the share of the output's variance due to the "
            "parameter alone); ST: total index (alone and with the others)");
  if (s->bootstrap > 0)
    printf ("; intervals: %g%% bootstrap percentile intervals from %u resamples of the %s",
            100 * s->level, s->bootstrap, morris ? "trajectories" : "rows");
  printf ("; swing: the output at HIGH minus at LOW, the others at the scenario's values");
  if (!morris)
    printf ("; -: an output constant over the design has no Sobol indices");
  printf (")\n");
  printf ("wall time: %.1f s for %u runs\n", seconds, s->n_points);
  if (db != NULL)
    printf ("sensitivity database: %s\n", db);
}

static int
sens_run (int argc, char **argv)
{
  g_auto (GStrv) params = NULL;
  g_autofree char *method = NULL, *db = NULL, *seed_text = NULL;
  gint trajectories = 10, levels = 4, samples = 64, bootstrap = 1000, replications = 0, jobs = 1;
  double level = 0.95;
  gboolean no_latency = FALSE, force = FALSE;
  g_autofree char *data_dir_opt = NULL;
  EsscProgressOptions popt = ESSC_PROGRESS_OPTIONS_INIT;
  const GOptionEntry entries[] = {
    { "param", 'p', 0, G_OPTION_ARG_STRING_ARRAY, &params,
      "a parameter: a number key of the scenario and its range (repeat for each)",
      "GROUP.KEY=LOW..HIGH" },
    { "method", 'm', 0, G_OPTION_ARG_STRING, &method,
      "morris (elementary effects, for screening; the default) or sobol (first-order and "
      "total indices)", "METHOD" },
    { "trajectories", 'r', 0, G_OPTION_ARG_INT, &trajectories,
      "Morris: trajectories, k + 1 runs each (default 10)", "R" },
    { "levels", 0, 0, G_OPTION_ARG_INT, &levels,
      "Morris: levels of each range's grid, even (default 4)", "P" },
    { "samples", 'n', 0, G_OPTION_ARG_INT, &samples,
      "Sobol: the base sample N, N (k + 2) runs (default 64)", "N" },
    { "bootstrap", 'b', 0, G_OPTION_ARG_INT, &bootstrap,
      "bootstrap resamples for the intervals, 0 for none (default 1000)", "B" },
    { "level", 0, 0, G_OPTION_ARG_DOUBLE, &level,
      "the intervals' level, between 0 and 1 (default 0.95)", "L" },
    { "replications", 0, 0, G_OPTION_ARG_INT, &replications,
      "replications of every point (default: the scenario's)", "N" },
    { "seed", 0, 0, G_OPTION_ARG_STRING, &seed_text,
      "seed of the design, the intervals and every point's run (default: the scenario's)",
      "N" },
    { "jobs", 'j', 0, G_OPTION_ARG_INT, &jobs, "threads per process (default 1)", "N" },
    { "no-latency", 0, 0, G_OPTION_ARG_NONE, &no_latency,
      "skip the latency model of the points' scenarios", NULL },
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db,
      "sensitivity database (default runs/NAME-sensitivity.db)", "FILE" },
    { "force", 0, 0, G_OPTION_ARG_NONE, &force,
      "run even beyond the memory or time limit (scenarios/README.md, \"Run size\")", NULL },
    { "data-dir", 0, 0, G_OPTION_ARG_FILENAME, &data_dir_opt, ESSC_CLI_DATA_DIR_HELP, "DIR" },
    ESSC_PROGRESS_OPTION_ENTRIES (popt),
    { NULL },
  };
  if (!essc_cli_parse (&argc, &argv, CMD, "SCENARIO",
                       "Global sensitivity analysis of a scenario's headline outputs (holders,\n"
                       "share and cities meeting each target, the worst-day p99) to the\n"
                       "parameters given, each uniform on its range: Morris elementary effects\n"
                       "or Sobol indices (Saltelli sampling), with bootstrap intervals, and a\n"
                       "tornado (each parameter at LOW and HIGH, the others at the scenario's\n"
                       "values). Every point runs as an essc sweep point; under mpirun the\n"
                       "points are spread over the ranks. See docs/SENSITIVITY.md.\n"
                       "Exit status: 0 done, 2 usage or scenario error, 3 internal error.",
                       entries))
    return ESSC_EXIT_USAGE;
  if (argc != 2)
    return essc_cli_usage_error (CMD, "expected one SCENARIO file");
  SimSensMethod m = SIM_SENS_MORRIS;
  if (method != NULL && strcmp (method, "sobol") == 0)
    m = SIM_SENS_SOBOL;
  else if (method != NULL && strcmp (method, "morris") != 0)
    return essc_cli_usage_error (CMD, "--method: \"%s\", expected morris or sobol", method);
  if (params == NULL || params[0] == NULL)
    return essc_cli_usage_error (CMD, "expected at least one --param GROUP.KEY=LOW..HIGH");
  if (trajectories < 2 || trajectories > 100000)
    return essc_cli_usage_error (CMD, "--trajectories: expected 2..100000");
  if (levels < 2 || levels > 1000 || levels % 2 != 0)
    return essc_cli_usage_error (CMD, "--levels: expected an even number 2..1000");
  if (samples < 2 || samples > 1000000)
    return essc_cli_usage_error (CMD, "--samples: expected 2..1000000");
  if (bootstrap < 0 || bootstrap > 100000)
    return essc_cli_usage_error (CMD, "--bootstrap: expected 0..100000");
  if (!(level > 0 && level < 1))
    return essc_cli_usage_error (CMD, "--level: expected a number between 0 and 1, as 0.95");
  if (replications < 0 || replications > 100000)
    return essc_cli_usage_error (CMD, "--replications: expected 1..100000");
  if (jobs < 1 || jobs > 1024)
    return essc_cli_usage_error (CMD, "--jobs: expected 1..1024");
  if (!essc_progress_options_check (&popt, CMD))
    return ESSC_EXIT_USAGE;
  g_autofree char *data_dir = essc_cli_data_dir (CMD, data_dir_opt);
  if (data_dir == NULL)
    return ESSC_EXIT_USAGE;
  guint64 seed = 0;
  if (seed_text != NULL
      && !g_ascii_string_to_unsigned (seed_text, 10, 0, G_MAXUINT64, &seed, NULL))
    return essc_cli_usage_error (CMD, "--seed: \"%s\" is not a whole number from 0 to "
                                 "18446744073709551615", seed_text);

  g_autoptr (GError) error = NULL;
  g_autoptr (ModelSens) s = model_sens_new (argv[1], data_dir, (guint) replications,
                                            seed_text != NULL ? &seed : NULL, &error);
  gboolean ok = s != NULL;
  for (guint i = 0; ok && params[i] != NULL; i++)
    ok = model_sens_add_param (s, params[i], &error);
  SimSensSpec spec = { .method = m, .seed = 0, .trajectories = (guint) trajectories,
                       .levels = (guint) levels, .samples = (guint) samples };
  if (ok)
    {
      spec.seed = s->base->seed;
      ok = model_sens_design (s, &spec, &error);
    }
  SimComm *world = sim_comm_world ();
  const gboolean lead = sim_comm_rank (world) == 0;
  if (!ok)
    {
      if (lead)
        fprintf (stderr, "essc " CMD ": %s\n", error->message);
      return ESSC_EXIT_USAGE;
    }
  /* The size of the whole job: the scenario's run times the points. */
  ModelRunEstimate est;
  model_run_estimate (s->base, s->base->replications, (guint) jobs, &est);
  est.seconds *= s->n_points;
  g_autofree char *refusal = model_run_estimate_refusal (&est);
  if (refusal != NULL && lead)
    fprintf (stderr, "essc " CMD ": %s: %u points: %s%s\n", argv[1], s->n_points, refusal,
             force ? " (--force: running it)" : "");
  if (refusal != NULL && !force)
    return ESSC_EXIT_USAGE;
  g_auto (EsscDbGuard) guard = { NULL, -1 };
  if (db == NULL)
    {
      if (lead)
        g_mkdir_with_parents ("runs", 0755);
      db = g_strdup_printf ("runs/%s-sensitivity.db", s->base->name);
    }
  if (!essc_db_guard_take (&guard, CMD, db, model_sens_may_write_db, world))
    return ESSC_EXIT_USAGE;

  /* Rank 0 shows its own points (point p runs on rank p mod N). */
  const guint size = (guint) sim_comm_size (world);
  g_autofree char *units = size > 1 ? g_strdup_printf ("points of rank 0 (of %u on %u ranks)",
                                                       s->n_points, size)
                                    : g_strdup ("points");
  g_autoptr (EsscProgress) prog = essc_progress_new (CMD, units, (s->n_points + size - 1) / size,
                                                     &popt, lead);
  essc_progress_set_parts (prog, "point", "replications", 0, size);
  const EsscPoints points = { "sensitivity point", point_scenario, s, (guint) jobs, no_latency,
                              prog };
  gint64 t0 = g_get_monotonic_time ();
  ModelSweepResult **results = essc_points_run (&points, s->n_points, world, &error);
  if (results == NULL && error == NULL)
    return ESSC_EXIT_OK;  /* rank 0 analyses, writes and prints */
  double seconds = (g_get_monotonic_time () - t0) / 1e6;
  ok = results != NULL && model_sens_analyse (s, results, (guint) bootstrap, level, &error)
       && model_sens_write_db (db, s, &error);
  if (!ok)
    {
      fprintf (stderr, "essc " CMD ": %s\n", error->message);
      return error->code == MODEL_ROLLOUT_INTERNAL ? ESSC_EXIT_INTERNAL : ESSC_EXIT_USAGE;
    }
  essc_db_guard_release (&guard);
  print_tables (s, seconds, db);
  return ESSC_EXIT_OK;
}

int
essc_cmd_sensitivity (int argc, char **argv)
{
  gboolean multi = sim_mpi_init (&argc, &argv);
  if (multi)
    sim_mpi_quiet_followers ();
  int status = sens_run (argc, argv);
  sim_mpi_finalize ();
  return status;
}
