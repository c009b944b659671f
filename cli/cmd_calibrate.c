/* SPDX-License-Identifier: MIT */
/*
 * essc calibrate and essc backtest: the planner's calibration workflow
 * (model/rollout/calibrate.h).  calibrate fits a scenario's free
 * parameters to its published figures and writes the posterior sample, a
 * calibrated scenario that refers to it, and a calibration database;
 * backtest does the same with the scenario's data cut at --fit-until, then
 * forecasts the figures after that date from the posterior and scores them
 * (errors, and whether each falls inside its 50% and 90% intervals).
 * Under mpirun the simulations are spread over the ranks; rank 0 prints
 * and writes.
 */
#include "cli/cli.h"
#include "cli/db_guard.h"
#include "cli/progress.h"
#include "base/file.h"
#include "base/text.h"
#include "base/time.h"
#include "model/rollout/calibdb.h"
#include "model/rollout/calibrate.h"
#include "model/rollout/posterior.h"
#include "sim/mpi.h"

#include <glib/gstdio.h>
#include <math.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

typedef struct {
  gint jobs, particles, generations, max_simulations, replications;
  char *seed, *db, *posterior, *scenario_out, *fit_until, *data_dir;
  gboolean no_db, no_write;
  EsscProgressOptions progress;
} Args;

static void
args_clear (Args *a)
{
  g_free (a->seed);
  g_free (a->db);
  g_free (a->posterior);
  g_free (a->scenario_out);
  g_free (a->fit_until);
  g_free (a->data_dir);
}

/* ABC-SMC's progress: generations (at most the scenario's), a generation's
 * accepted particles its parts, and its tolerance and attempts so far. */
typedef struct {
  EsscProgress *progress;
  guint particles;
} Fit;

static void
progress (guint generation, guint accepted, guint64 attempts, double epsilon, gpointer data)
{
  const Fit *fit = data;
  g_autofree char *tries = base_text_group_double ((double) attempts, 0);
  g_autofree char *detail = isinf (epsilon)
                                ? g_strdup_printf ("from the prior, %s attempts", tries)
                                : g_strdup_printf ("tolerance %.3f, %s attempts", epsilon, tries);
  essc_progress_detail (fit->progress, detail);
  if (accepted >= fit->particles)
    essc_progress_units (fit->progress, generation + 1);
  else
    essc_progress_parts (fit->progress, accepted, fit->particles);
}

/* The scenario's text with key = value set (or NULL for the file as is);
 * its data looked up beside it, then in data_dir. */
static ModelScenario *
load (const char *path, const char *fit_until, const Args *a, const char *data_dir,
      GError **error)
{
  g_autofree char *text = NULL;
  gsize len;
  if (!g_file_get_contents (path, &text, &len, error))
    return NULL;
  g_autoptr (GString) t = g_string_new_len (text, (gssize) len);
  if (fit_until != NULL)
    model_scenario_text_set (t, "scenario", "data_until", fit_until);
  char buf[32];
  if (a->seed != NULL)
    model_scenario_text_set (t, "scenario", "seed", a->seed);
  if (a->particles > 0)
    model_scenario_text_set (t, "calibration", "particles",
                             (g_snprintf (buf, sizeof buf, "%d", a->particles), buf));
  if (a->generations > 0)
    model_scenario_text_set (t, "calibration", "generations",
                             (g_snprintf (buf, sizeof buf, "%d", a->generations), buf));
  if (a->max_simulations > 0)
    model_scenario_text_set (t, "calibration", "max_simulations",
                             (g_snprintf (buf, sizeof buf, "%d", a->max_simulations), buf));
  return model_scenario_load_text_in (t->str, t->len, path, data_dir, error);
}

static void
print_fit (const ModelScenario *sc, const ModelCalibrationResult *r, const char *digest)
{
  printf ("parameters (prior; posterior mean and 90%% interval):\n");
  for (guint p = 0; p < r->n_params; p++)
    printf ("  %-34s %.3g..%.3g%s  %.4g [%.4g, %.4g]\n", r->params[p].name, r->params[p].lo,
            r->params[p].hi, r->params[p].log_scale ? " log" : "", r->mean[p], r->q05[p],
            r->q95[p]);
  printf ("\ngenerations (ABC-SMC, %u particles; stopped by %s after %u simulations):\n",
          r->n_particles, r->stop_reason, r->simulations);
  printf ("  %3s %10s %9s %11s %10s %8s\n", "gen", "tolerance", "attempts", "simulations",
          "acceptance", "ESS");
  for (guint g = 0; g < r->n_generations; g++)
    {
      const ModelCalibrationGeneration *x = &r->generations[g];
      char eps[32] = "-";
      if (!isinf (x->epsilon))
        g_snprintf (eps, sizeof eps, "%.3f", x->epsilon);
      g_autofree char *attempts = base_text_group_double (x->attempts, 0);
      g_autofree char *sims = base_text_group_double (x->simulations, 0);
      printf ("  %3u %10s %9s %11s %9.1f%% %8.1f\n", g, eps, attempts, sims,
              100 * x->acceptance, x->ess);
    }
  printf ("\nfit (posterior's simulated figures: mean [90%% interval], error of the mean; "
          "distance unit: %.0f%% per figure):\n", 100 * sc->calibration.error);
  for (guint i = 0; i < r->n_figures; i++)
    {
      const ModelFigureFit *f = &r->fit[i];
      char d[11];
      base_time_format_date (f->day, d);
      g_autofree char *published = base_text_group_double (f->published, 0);
      g_autofree char *mean = base_text_group_double (f->mean, 0);
      g_autofree char *q05 = base_text_group_double (f->q05, 0);
      g_autofree char *q95 = base_text_group_double (f->q95, 0);
      printf ("  %s %-22s %14s %14s [%s, %s] %+6.1f%%\n", d, f->quantity, published, mean, q05,
              q95, 100 * f->error);
    }
  printf ("posterior digest: %s\n", digest);
}

static void
print_backtest (const ModelBacktest *bt)
{
  char d[11];
  base_time_format_date (bt->fit_until, d);
  printf ("\nbacktest: fitted to the figures up to %s, forecast with %u replications drawing "
          "their parameters from the posterior:\n", d, bt->replications);
  printf ("  %-10s %-22s %13s %13s %29s %29s %7s %3s %3s %8s\n", "date", "quantity",
          "published", "forecast", "50% interval", "90% interval", "error", "50", "90",
          "90% width");
  guint in50 = 0, in90 = 0, within10 = 0;
  for (guint i = 0; i < bt->n_figures; i++)
    {
      const ModelFigureFit *f = &bt->figures[i];
      base_time_format_date (f->day, d);
      const double v[6] = { f->published, f->mean, f->q25, f->q75, f->q05, f->q95 };
      char *n[6];
      for (guint k = 0; k < 6; k++)
        n[k] = base_text_group_double (v[k], 0);
      printf ("  %-10s %-22s %13s %13s [%13s, %13s] [%13s, %13s] %+6.1f%% %3s %3s %7.1f%%\n",
              d, f->quantity, n[0], n[1], n[2], n[3], n[4], n[5], 100 * f->error,
              bt->in50[i] ? "yes" : "no", bt->in90[i] ? "yes" : "no",
              100 * (f->q95 - f->q05) / f->mean);
      for (guint k = 0; k < 6; k++)
        g_free (n[k]);
      in50 += bt->in50[i];
      in90 += bt->in90[i];
      within10 += fabs (f->error) <= 0.10;
    }
  printf ("coverage: %u of %u inside the 50%% interval, %u of %u inside the 90%% interval; "
          "%u of %u within 10%%\n", in50, bt->n_figures, in90, bt->n_figures, within10,
          bt->n_figures);
}

/* path relative to the directory of `from` (both in the same directory). */
static gboolean
same_dir (const char *a, const char *b)
{
  g_autofree char *da = g_path_get_dirname (a), *db = g_path_get_dirname (b);
  g_autofree char *ra = g_canonicalize_filename (da, NULL), *rb = g_canonicalize_filename (db, NULL);
  return strcmp (ra, rb) == 0;
}

static gboolean
write_file (const char *path, const void *data, gsize len, GError **error)
{
  return base_file_write_atomic (path, data, len, 0644, FALSE, error);
}

static int
run (int argc, char **argv, gboolean backtest)
{
  const char *name = backtest ? "backtest" : "calibrate";
  Args a = { .jobs = 1, .replications = 100, .progress = ESSC_PROGRESS_OPTIONS_INIT };
  const GOptionEntry entries[] = {
    { "jobs", 'j', 0, G_OPTION_ARG_INT, &a.jobs, "threads per process (default 1)", "N" },
    { "seed", 0, 0, G_OPTION_ARG_STRING, &a.seed, "seed (default: the scenario's)", "N" },
    { "particles", 0, 0, G_OPTION_ARG_INT, &a.particles,
      "ABC-SMC particles (default: the scenario's [calibration] particles)", "N" },
    { "generations", 0, 0, G_OPTION_ARG_INT, &a.generations,
      "most generations (default: the scenario's)", "N" },
    { "max-simulations", 0, 0, G_OPTION_ARG_INT, &a.max_simulations,
      "budget of simulations (default: the scenario's)", "N" },
    { "fit-until", 0, 0, G_OPTION_ARG_STRING, &a.fit_until,
      backtest ? "fit the figures up to this date only (required)"
               : "use only the scenario's data up to this date (its data_until)", "DATE" },
    { "replications", 'r', 0, G_OPTION_ARG_INT, &a.replications,
      "backtest: forecast replications (default 100)", "N" },
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &a.db,
      "calibration database (default runs/NAME-calibration-SEED.db, or -backtest-DATE-SEED)",
      "FILE" },
    { "no-db", 0, 0, G_OPTION_ARG_NONE, &a.no_db, "write no database", NULL },
    { "no-write", 0, 0, G_OPTION_ARG_NONE, &a.no_write,
      "print only: write no posterior, calibrated scenario or database", NULL },
    { "posterior", 0, 0, G_OPTION_ARG_FILENAME, &a.posterior,
      "calibrate: the posterior sample to write (default NAME-posterior.csv beside the "
      "scenario)", "FILE" },
    { "scenario-out", 0, 0, G_OPTION_ARG_FILENAME, &a.scenario_out,
      "calibrate: the calibrated scenario to write, in the scenario's directory (default "
      "NAME-calibrated.ini)", "FILE" },
    { "data-dir", 0, 0, G_OPTION_ARG_FILENAME, &a.data_dir, ESSC_CLI_DATA_DIR_HELP, "DIR" },
    ESSC_PROGRESS_OPTION_ENTRIES (a.progress),
    { NULL },
  };
  const char *summary
      = backtest
            ? "Fits the scenario's free parameters ([calibration]) to its published figures\n"
              "dated up to --fit-until only (its data after that date are not used: growth\n"
              "anchors, catalogue channels, figures), then forecasts the later figures from\n"
              "the posterior and prints each one's error and whether it falls inside its 50%\n"
              "and 90% intervals. Writes a calibration database.\n"
              "Exit status: 0 done, 2 usage or scenario error, 3 internal error."
            : "Fits the scenario's free parameters ([calibration] free.GROUP.KEY = LO..HI) to\n"
              "the published figures it names, by approximate Bayesian computation with\n"
              "sequential Monte Carlo (docs/CALIBRATION.md). Writes the posterior sample, a\n"
              "calibrated scenario that refers to it (essc sim on it draws each\n"
              "replication's parameters from the posterior) and a calibration database.\n"
              "Exit status: 0 done, 2 usage or scenario error, 3 internal error.";
  if (!essc_cli_parse (&argc, &argv, name, "SCENARIO", summary, entries))
    return args_clear (&a), ESSC_EXIT_USAGE;
  int status = ESSC_EXIT_OK;
  g_autoptr (GError) error = NULL;
  gint32 until;
  if (argc != 2)
    status = essc_cli_usage_error (name, "expected one SCENARIO file");
  else if (a.jobs < 1 || a.jobs > 1024)
    status = essc_cli_usage_error (name, "--jobs: expected 1..1024");
  else if (a.replications < 1 || a.replications > 100000)
    status = essc_cli_usage_error (name, "--replications: expected 1..100000");
  else if (a.particles < 0 || a.generations < 0 || a.max_simulations < 0)
    status = essc_cli_usage_error (name, "--particles, --generations, --max-simulations: "
                                         "expected positive counts");
  else if (backtest && a.fit_until == NULL)
    status = essc_cli_usage_error (name, "--fit-until DATE is required");
  else if (a.fit_until != NULL && base_time_parse_date (a.fit_until, &until, NULL) != BASE_TIME_OK)
    status = essc_cli_usage_error (name, "--fit-until: expected a date YYYY-MM-DD");
  else if (!essc_progress_options_check (&a.progress, name))
    status = ESSC_EXIT_USAGE;
  if (status != ESSC_EXIT_OK)
    return args_clear (&a), status;

  g_autofree char *data_dir = essc_cli_data_dir (name, a.data_dir);
  if (data_dir == NULL)
    return args_clear (&a), ESSC_EXIT_USAGE;
  g_autoptr (ModelScenario) sc = load (argv[1], a.fit_until, &a, data_dir, &error);
  if (sc == NULL)
    {
      fprintf (stderr, "essc %s: %s\n", name, error->message);
      return args_clear (&a), ESSC_EXIT_USAGE;
    }
  /* What would fail only after a long fit fails now. */
  if (sc->calibration.n_free == 0)
    {
      fprintf (stderr, "essc %s: %s: no free parameters, expected [calibration] "
               "free.GROUP.KEY = LO..HI keys\n", name, sc->path);
      return args_clear (&a), ESSC_EXIT_USAGE;
    }
  if (backtest && model_backtest_count (sc) == 0)
    {
      fprintf (stderr, "essc %s: %s: no published figure after %s inside the run (it ends "
               "before any later figure, or has none), expected one to forecast\n", name,
               sc->path, a.fit_until);
      return args_clear (&a), ESSC_EXIT_USAGE;
    }
  SimComm *world = sim_comm_world ();
  gboolean leader = sim_comm_rank (world) == 0;
  /* The database: another kind's file, or one another fit is writing, is
   * refused now, not after the fit. */
  g_auto (EsscDbGuard) guard = { NULL, -1 };
  if (!a.no_db && !a.no_write)
    {
      if (a.db == NULL)
        {
          if (leader)
            g_mkdir_with_parents ("runs", 0755);
          a.db = backtest ? g_strdup_printf ("runs/%s-backtest-%s-%" G_GUINT64_FORMAT ".db",
                                             sc->name, a.fit_until, sc->seed)
                          : g_strdup_printf ("runs/%s-calibration-%" G_GUINT64_FORMAT ".db",
                                             sc->name, sc->seed);
        }
      if (!essc_db_guard_take (&guard, name, a.db, model_calibdb_may_write, world))
        return args_clear (&a), ESSC_EXIT_USAGE;
    }
  g_autoptr (EsscProgress) fitting = essc_progress_new (name, "generations",
                                                        sc->calibration.generations, &a.progress,
                                                        leader);
  essc_progress_set_parts (fitting, "generation", "particles", 0, 1);
  Fit fit = { fitting, sc->calibration.particles };
  ModelCalibrateOptions copt = { .jobs = (guint) a.jobs, .comm = world,
                                 .progress = fitting != NULL ? progress : NULL,
                                 .progress_data = &fit };
  if (leader)
    printf ("essc %s: %s (scenario %.16s, seed %" G_GUINT64_FORMAT ", %u free parameters, "
            "essc %s)\n", name, sc->name, model_scenario_hash (sc), sc->seed,
            sc->calibration.n_free, ESSC_VERSION);
  fflush (stdout);
  gint64 t0 = g_get_monotonic_time ();
  g_autoptr (ModelCalibrationResult) cal = model_calibrate (sc, &copt, &error);
  if (cal == NULL)
    {
      g_clear_pointer (&fitting, essc_progress_free);  /* ends a bar's line */
      fprintf (stderr, "essc %s: %s\n", name, error->message);
      return args_clear (&a), ESSC_EXIT_USAGE;
    }
  essc_progress_finish (fitting);
  double seconds = (double) (g_get_monotonic_time () - t0) / 1e6;
  g_autoptr (GBytes) post = model_calibration_posterior_bytes (cal);
  guint8 h[32];
  char digest[65];
  crypto_generichash (h, sizeof h, g_bytes_get_data (post, NULL), g_bytes_get_size (post), NULL,
                      0);
  for (guint i = 0; i < 16; i++)
    g_snprintf (digest + 2 * i, 3, "%02x", h[i]);
  if (leader)
    {
      printf ("calibration: %.1f s on %d thread%s x %d process%s\n\n", seconds, a.jobs,
              a.jobs == 1 ? "" : "s", sim_comm_size (world),
              sim_comm_size (world) == 1 ? "" : "es");
      print_fit (sc, cal, digest);
    }

  g_autoptr (ModelBacktest) bt = NULL;
  g_autoptr (ModelRolloutResult) forecast = NULL;
  if (backtest)
    {
      g_autoptr (EsscProgress) forecasting = essc_progress_new (name, "forecast replications",
                                                                (guint) a.replications,
                                                                &a.progress, leader);
      ModelRolloutOptions ropt = { .jobs = (guint) a.jobs, .comm = world,
                                   .progress = forecasting ? essc_progress_units_cb : NULL,
                                   .progress_data = forecasting };
      bt = model_backtest (sc, cal, (guint) a.replications, &ropt, &forecast, &error);
      if (bt == NULL)
        g_clear_pointer (&forecasting, essc_progress_free);  /* ends a bar's line */
      essc_progress_finish (forecasting);
      if (bt == NULL)
        {
          fprintf (stderr, "essc %s: %s\n", name, error->message);
          return args_clear (&a), ESSC_EXIT_USAGE;
        }
      if (leader)
        print_backtest (bt);
    }
  if (!leader || a.no_write)
    return args_clear (&a), ESSC_EXIT_OK;

  /* Files: the posterior and the calibrated scenario (calibrate), the database. */
  g_autofree char *dir = g_path_get_dirname (sc->path);
  if (!backtest)
    {
      if (a.posterior == NULL)
        a.posterior = g_strdup_printf ("%s/%s-posterior.csv", dir, sc->name);
      if (a.scenario_out == NULL)
        a.scenario_out = g_strdup_printf ("%s/%s-calibrated.ini", dir, sc->name);
      if (!same_dir (a.scenario_out, sc->path))
        {
          fprintf (stderr, "essc %s: --scenario-out %s: expected a file in the scenario's "
                   "directory %s (its relative paths are relative to it)\n", name,
                   a.scenario_out, dir);
          return args_clear (&a), ESSC_EXIT_USAGE;
        }
      g_autofree char *out_dir = g_path_get_dirname (a.scenario_out);
      g_autofree char *abs_post = g_canonicalize_filename (a.posterior, NULL);
      g_autofree char *abs_dir = g_canonicalize_filename (out_dir, NULL);
      g_autofree char *rel = g_str_has_prefix (abs_post, abs_dir)
                                     && abs_post[strlen (abs_dir)] == '/'
                                 ? g_strdup (abs_post + strlen (abs_dir) + 1)
                                 : g_strdup (abs_post);
      g_autoptr (GString) text = g_string_new_len (sc->text, (gssize) sc->text_len);
      model_scenario_text_set (text, "calibration", "posterior", rel);
      g_autofree char *base = g_path_get_basename (sc->path);
      g_autofree char *head = g_strdup_printf (
          "# Written by essc calibrate from %s (seed %" G_GUINT64_FORMAT ", posterior digest "
          "%s): that scenario with\n# [calibration] posterior, from which every replication "
          "draws its free parameters.\n", base, sc->seed, digest);
      g_string_prepend (text, head);
      if (a.fit_until != NULL)
        model_scenario_text_set (text, "scenario", "data_until", a.fit_until);
      if (!write_file (a.posterior, g_bytes_get_data (post, NULL), g_bytes_get_size (post),
                       &error)
          || !write_file (a.scenario_out, text->str, text->len, &error))
        {
          fprintf (stderr, "essc %s: %s\n", name, error->message);
          return args_clear (&a), ESSC_EXIT_USAGE;
        }
      printf ("posterior: %s\ncalibrated scenario: %s\n", a.posterior, a.scenario_out);
    }
  if (!a.no_db)
    {
      if (!model_calibdb_write (a.db, sc, sc->seed, cal, bt, forecast, &error))
        {
          fprintf (stderr, "essc %s: %s\n", name, error->message);
          return args_clear (&a), ESSC_EXIT_USAGE;
        }
      essc_db_guard_release (&guard);
      printf ("calibration database: %s\n", a.db);
    }
  return args_clear (&a), ESSC_EXIT_OK;
}

static int
entry (int argc, char **argv, gboolean backtest)
{
  gboolean multi = sim_mpi_init (&argc, &argv);
  if (multi)
    sim_mpi_quiet_followers ();
  int status = run (argc, argv, backtest);
  sim_mpi_finalize ();
  return status;
}

int
essc_cmd_calibrate (int argc, char **argv)
{
  return entry (argc, argv, FALSE);
}

int
essc_cmd_backtest (int argc, char **argv)
{
  return entry (argc, argv, TRUE);
}
