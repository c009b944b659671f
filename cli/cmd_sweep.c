/* SPDX-License-Identifier: MIT */
/*
 * essc sweep: runs every point of a scenario sweep (model/rollout/sweep.h) as one
 * job.  The points are the engine's independent jobs (sim/jobs.h: under
 * mpirun point p runs on rank p mod N, and rank 0 gathers the results);
 * each is a single-process run on the rank's threads.  Rank 0 writes the
 * sweep database and prints a line per point with its digest: the digest
 * `essc sim` gives for the point's scenario text.
 */
#include "cli/cli.h"
#include "base/text.h"
#include "cli/db_guard.h"
#include "cli/points.h"
#include "cli/progress.h"
#include "model/rollout/rollout.h"
#include "model/rollout/sweep.h"
#include "model/rollout/scenario_estimate.h"
#include "sim/jobs.h"
#include "sim/mpi.h"

#include <glib/gstdio.h>
#include <math.h>
#include <stdio.h>

/* Point p's scenario (cli/points.h). */
static ModelScenario *
point_scenario (gconstpointer sweep, guint p, GError **error)
{
  return model_sweep_point_scenario (sweep, p, error);
}

static void
print_table (const ModelSweep *s, ModelSweepResult *const *res, const char *db)
{
  printf ("essc sweep: %s (%s, %u point%s, essc %s)\n\n", s->name, s->scenario_path,
          s->n_points, s->n_points == 1 ? "" : "s", ESSC_VERSION);
  printf ("  %-5s %8s %8s %8s %8s %12s  %s\n", "point", "share 1", "cities 1", "share 2",
          "cities 2", "natl p99", "values");
  for (guint p = 0; p < s->n_points; p++)
    {
      const ModelSweepResult *r = res[p];
      g_autofree char *label = model_sweep_point_label (s, p);
      g_autofree char *ms = base_text_group_double (r->worst_p99 * 1e3, 1);
      g_autofree char *p99 = isnan (r->worst_p99) ? g_strdup ("-") : g_strdup_printf ("%s ms", ms);
      g_autofree char *c0 = base_text_group_double (r->cities[0], 1);
      g_autofree char *c1 = base_text_group_double (r->cities[1], 1);
      printf ("  %-5u %7.1f%% %8s %7.1f%% %8s %12s  %s\n", p, 100 * r->share[0], c0,
              100 * r->share[1], c1, p99, label);
    }
  printf ("\nverdicts of the nation on the targets (met: probability >= 0.9 over the "
          "replications; not met: <= 0.1; at risk: between), the probability and (in brackets)\n"
          "the cities meeting it, mean over the replications (docs/RUNDB.md \"Verdicts\"):\n");
  g_auto (GStrv) words = s->n_points > 0 ? g_strsplit (res[0]->goal_words, "\n", -1) : NULL;
  for (guint g = 0; words != NULL && g < MODEL_N_GOALS && words[g] != NULL; g++)
    printf ("  T%u: %s\n", g + 1, words[g]);
  printf ("  %-5s", "point");
  for (guint g = 0; g < MODEL_N_GOALS; g++)
    printf (" T%-21u", g + 1);
  printf (" values\n");
  for (guint p = 0; p < s->n_points; p++)
    {
      const ModelSweepResult *r = res[p];
      g_autofree char *label = model_sweep_point_label (s, p);
      printf ("  %-5u", p);
      for (guint g = 0; g < MODEL_N_GOALS; g++)
        {
          g_autofree char *cell = g_strdup_printf ("%s %.2f (%.1f)",
                                                   model_verdict_name (r->verdict[g]),
                                                   r->probability[g], r->goal_cities[g]);
          printf (" %-22s", cell);
        }
      printf (" %s\n", label);
    }
  printf ("\n(share and cities meeting each target on its date, means over replications; "
          "natl p99: the national platform's worst day)\n");
  for (guint p = 0; p < s->n_points; p++)
    printf ("point %u digest: %s\n", p, res[p]->digest);
  if (db != NULL)
    printf ("sweep database: %s\n", db);
}

static int
sweep_run (int argc, char **argv, gboolean multi)
{
  gint jobs = 1;
  g_autofree char *db = NULL, *data_dir_opt = NULL;
  gboolean no_db = FALSE, no_latency = FALSE, force = FALSE;
  EsscProgressOptions popt = ESSC_PROGRESS_OPTIONS_INIT;
  const GOptionEntry entries[] = {
    { "jobs", 'j', 0, G_OPTION_ARG_INT, &jobs, "threads per process (default 1)", "N" },
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db,
      "sweep database (default runs/NAME.sweep.db)", "FILE" },
    { "no-db", 0, 0, G_OPTION_ARG_NONE, &no_db, "write no database", NULL },
    { "no-latency", 0, 0, G_OPTION_ARG_NONE, &no_latency,
      "skip the latency model of the points' scenarios", NULL },
    { "force", 0, 0, G_OPTION_ARG_NONE, &force,
      "run even beyond the memory or time limit (scenarios/README.md, \"Run size\")", NULL },
    { "data-dir", 0, 0, G_OPTION_ARG_FILENAME, &data_dir_opt,
      "look for the base scenario (when not beside the sweep file) and its data files (when "
      "not beside it) in DIR (default: the build tree's scenarios/ when essc runs from its "
      "build tree, else the installed PREFIX/share/essc/scenarios)", "DIR" },
    ESSC_PROGRESS_OPTION_ENTRIES (popt),
    { NULL },
  };
  if (!essc_cli_parse (&argc, &argv, "sweep", "SWEEP",
                       "Runs every point of a scenario sweep (a [sweep] and a [grid] group:\n"
                       "see docs/SWEEP.md) and writes one database comparing them. Under\n"
                       "mpirun the points are spread over the ranks; each point's digest is\n"
                       "the one essc sim gives for its scenario.\n"
                       "Exit status: 0 done, 2 usage or sweep error, 3 internal error.",
                       entries))
    return ESSC_EXIT_USAGE;
  if (argc != 2)
    return essc_cli_usage_error ("sweep", "expected one SWEEP file");
  if (jobs < 1 || jobs > 1024)
    return essc_cli_usage_error ("sweep", "--jobs: expected 1..1024");
  if (!essc_progress_options_check (&popt, "sweep"))
    return ESSC_EXIT_USAGE;
  g_autofree char *data_dir = essc_cli_data_dir ("sweep", data_dir_opt);
  if (data_dir == NULL)
    return ESSC_EXIT_USAGE;
  g_autoptr (GError) error = NULL;
  g_autoptr (ModelSweep) s = model_sweep_load_in (argv[1], data_dir, &error);
  if (s == NULL)
    {
      fprintf (stderr, "essc sweep: %s\n", error->message);
      return ESSC_EXIT_USAGE;
    }
  SimComm *world = sim_comm_world ();
  /* The size of the whole sweep: its first and last points (the axes' ends)
   * stand for all, the larger of the two times the points. */
  ModelRunEstimate est = { 0 };
  for (guint k = 0; k < 2; k++)
    {
      guint p = k == 0 ? 0 : s->n_points - 1;
      g_autoptr (ModelScenario) sc = model_sweep_point_scenario (s, p, &error);
      if (sc == NULL)
        {
          fprintf (stderr, "essc sweep: point %u: %s\n", p, error->message);
          return ESSC_EXIT_USAGE;
        }
      ModelRunEstimate one;
      model_run_estimate (sc, sc->replications, (guint) jobs, &one);
      if (one.seconds * s->n_points > est.seconds)
        {
          est = one;
          est.seconds = one.seconds * s->n_points;
        }
    }
  g_autofree char *refusal = model_run_estimate_refusal (&est);
  if (refusal != NULL && sim_comm_rank (world) == 0)
    fprintf (stderr, "essc sweep: %s: %u points: %s%s\n", argv[1], s->n_points, refusal,
             force ? " (--force: running it)" : "");
  if (refusal != NULL && !force)
    return ESSC_EXIT_USAGE;
  if (!model_sweep_check_points (s, &error))
    {
      if (sim_comm_rank (world) == 0)
        fprintf (stderr, "essc sweep: %s\n", error->message);
      return ESSC_EXIT_USAGE;
    }
  /* The database: refused before the run when it is another kind's file or
   * another sweep is writing it. */
  g_auto (EsscDbGuard) guard = { NULL, -1 };
  if (!no_db && db == NULL)
    {
      if (sim_comm_rank (world) == 0)
        g_mkdir_with_parents ("runs", 0755);
      db = g_strdup_printf ("runs/%s.sweep.db", s->name);
    }
  if (!no_db && !essc_db_guard_take (&guard, "sweep", db, model_sweep_may_write_db, world))
    return ESSC_EXIT_USAGE;
  /* Rank 0 shows its own points (point p runs on rank p mod N). */
  const guint size = (guint) sim_comm_size (world);
  g_autofree char *units = size > 1 ? g_strdup_printf ("points of rank 0 (of %u on %u ranks)",
                                                       s->n_points, size)
                                    : g_strdup ("points");
  g_autoptr (EsscProgress) prog = essc_progress_new ("sweep", units,
                                                     (s->n_points + size - 1) / size, &popt,
                                                     sim_comm_rank (world) == 0);
  essc_progress_set_parts (prog, "point", "replications", 0, size);
  const EsscPoints points = { "sweep point", point_scenario, s, (guint) jobs, no_latency, prog };
  ModelSweepResult **results = essc_points_run (&points, s->n_points, world, &error);
  if (results == NULL && error == NULL)
    return ESSC_EXIT_OK;  /* rank 0 writes and prints */
  gboolean ok = results != NULL;
  if (ok && !no_db)
    ok = model_sweep_write_db (db, s, results, &error);
  if (ok)
    essc_db_guard_release (&guard);
  if (ok)
    print_table (s, results, no_db ? NULL : db);
  essc_points_free (results, s->n_points);
  if (!ok)
    {
      fprintf (stderr, "essc sweep: %s\n", error->message);
      return ESSC_EXIT_USAGE;  /* the database path, or a damaged result: named above */
    }
  return ESSC_EXIT_OK;
}

int
essc_cmd_sweep (int argc, char **argv)
{
  gboolean multi = sim_mpi_init (&argc, &argv);
  if (multi)
    sim_mpi_quiet_followers ();
  int status = sweep_run (argc, argv, multi);
  sim_mpi_finalize ();
  return status;
}
