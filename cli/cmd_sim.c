/* SPDX-License-Identifier: MIT */
/*
 * essc sim: runs a rollout scenario (model/rollout/rollout) and prints the summary
 * a planner reads: national holders and share at each target date with the
 * 90% interval over the replications (saying whether it holds chance alone
 * or also the parameters drawn from the scenario's posterior), holders by
 * age band and area, the verdict on each target (model/rollout/verdict.h:
 * met, at risk or not met, with probability, margin and cities meeting it;
 * provinces and cities by verdict), channels live (the catalogue's and
 * those arriving after it), the slowest cities, and a last line `digest:
 * HEX` that is the same for the same scenario and seed however the work
 * was split.  --end runs the scenario on to another last day.  Certification in the loop is wired
 * here: channels whose scenario names an implementation are run through the
 * conformance suite once before the simulation.  The run is written to an
 * SQLite database (model/rollout/rundb).
 */
#include "cli/cli.h"

#include "base/file.h"
#include "base/hex.h"
#include "base/text.h"
#include "base/time.h"
#include "cli/db_guard.h"
#include "cli/progress.h"
#include "cli/sim_latency.h"
#include "base/sqlite.h"
#include "conformance/plan.h"
#include "conformance/profile.h"
#include "conformance/runner.h"
#include "model/rollout/rollout.h"
#include "model/rollout/scenario.h"
#include "model/rollout/scenario_estimate.h"
#include "model/rollout/scenario_csv.h"
#include "model/rollout/rundb.h"
#include "model/rollout/verdict.h"
#include "sim/mpi.h"

#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>

typedef struct {
  const ModelScenario *sc;
  const char *path;
} Checkpoint;

/* After every replication: the state so far, so --resume loses nothing. */
static gboolean
checkpoint (const ModelRolloutResult *partial, guint done, gpointer data, GError **error)
{
  Checkpoint *c = data;
  return model_rollout_checkpoint_write (partial, c->sc->hash, c->sc->seed, c->path, error);
}

/* The verdict of the latest conformance run of command as a channel in a
 * database written by `essc conform --db`: 1 conformant, 0 not, -1 none. */
static int
stored_verdict (const char *db_path, const char *command, GError **error)
{
  const char *what = "not a conformance database (essc conform --db)";
  BaseSqlite d = { NULL, db_path, G_FILE_ERROR, G_FILE_ERROR_FAILED };
  sqlite3_stmt *st = NULL;
  int verdict = -1;
  if (!base_sqlite_open (&d, SQLITE_OPEN_READONLY, what, error)
      || (st = base_sqlite_prepare (&d, "SELECT verdict FROM conformance_run WHERE command = ? "
                                        "AND role = 'channel' ORDER BY id DESC LIMIT 1", what,
                                    error)) == NULL)
    {
      sqlite3_close (d.db);
      return -2;
    }
  sqlite3_bind_text (st, 1, command, -1, SQLITE_STATIC);
  if (sqlite3_step (st) == SQLITE_ROW)
    verdict = g_strcmp0 ((const char *) sqlite3_column_text (st, 0), "conformant") == 0;
  sqlite3_finalize (st);
  sqlite3_close (d.db);
  return verdict;
}

/* Runs the conformance suite once per distinct implementation named, or
 * takes its latest verdict from a stored conformance database. */
static ModelCertVerdict *
certify_in_the_loop (const ModelScenario *sc, const char *stored, const char *vectors,
                     GError **error)
{
  if (sc->n_impls == 0)
    return NULL;
  g_autofree char *dir = vectors ? g_strdup (vectors) : conf_plan_default_dir ();
  g_autoptr (ConfPlan) plan = conf_plan_load (dir, error);
  if (plan == NULL)
    return NULL;
  g_autoptr (GHashTable) verdicts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  ModelCertVerdict *out = g_new0 (ModelCertVerdict, sc->catalogue->n_channels);
  for (guint ch = 0; ch < sc->catalogue->n_channels; ch++)
    {
      const ModelScenarioImpl *impl = model_scenario_impl_for (sc, (int) ch);
      if (impl == NULL)
        continue;
      g_autofree char *key = g_strdup_printf ("%s\n%s", impl->command,
                                              impl->profile ? impl->profile : "");
      gpointer known;
      if (!g_hash_table_lookup_extended (verdicts, key, NULL, &known) && stored != NULL)
        {
          int v = stored_verdict (stored, impl->command, error);
          if (v == -2)
            return g_free (out), NULL;
          if (v >= 0)
            {
              known = GINT_TO_POINTER (v ? MODEL_CERT_PASSED : MODEL_CERT_FAILED);
              fprintf (stderr, "essc sim: certification of '%s' (%s) from %s: %s\n",
                       impl->command, impl->target, stored, v ? "passed" : "FAILED");
              g_hash_table_insert (verdicts, g_strdup (key), known);
            }
        }
      if (!g_hash_table_lookup_extended (verdicts, key, NULL, &known))
        {
          g_autoptr (ConfProfile) profile = impl->profile
                                                ? conf_profile_load (impl->profile, "channel", error)
                                                : conf_profile_default ("channel");
          if (profile == NULL)
            return g_free (out), NULL;
          g_autofree char *qdir = g_shell_quote (sc->dir);
          g_autofree char *command = g_strdup_printf ("cd %s && %s", qdir, impl->command);
          ConfRunOptions o = { .command = command, .role = "channel", .timeout_ms = 5000,
                               .profile = profile };
          g_autoptr (ConfRun) run = conf_run (plan, &o, error);
          if (run == NULL)
            return g_free (out), NULL;
          known = GINT_TO_POINTER (conf_run_conformant (run) ? MODEL_CERT_PASSED
                                                             : MODEL_CERT_FAILED);
          fprintf (stderr, "essc sim: certification of '%s' (%s): %s, %u passed, %u failed, "
                   "%u not implemented, %u not run\n", impl->command, impl->target,
                   GPOINTER_TO_INT (known) == MODEL_CERT_PASSED ? "passed" : "FAILED",
                   run->counts[CONF_VERDICT_PASS], run->counts[CONF_VERDICT_FAIL],
                   run->counts[CONF_VERDICT_NOT_IMPLEMENTED], run->counts[CONF_VERDICT_NOT_RUN]);
          g_hash_table_insert (verdicts, g_strdup (key), known);
        }
      out[ch] = (ModelCertVerdict) GPOINTER_TO_INT (known);
    }
  return out;
}

/* What the intervals over the replications hold. */
static const char *
interval_kind (const ModelScenario *sc)
{
  return sc->calibration.posterior != NULL ? "parameters drawn from the posterior, and chance"
                                           : "chance only";
}

/* Usable holders of each cell (age band x area) on the target dates and
 * the last day: mean over replications, and the share of the cell's
 * residents. */
static void
print_cells (const ModelScenario *sc, const ModelRolloutResult *r)
{
  static const char *const bands[3] = { "0-17", "18-59", "60+" };
  static const char *const areas[2] = { "urban", "rural" };
  const guint nd = r->n_days;
  gint32 days[MODEL_N_TARGETS + 1];
  guint n = 0;
  const gint32 last = r->start + (gint32) nd - 1;
  const gint32 targets[MODEL_N_TARGETS] = { sc->target_2019, sc->target_2020 };
  for (guint t = 0; t < MODEL_N_TARGETS; t++)
    if (targets[t] >= r->start && targets[t] <= last && (n == 0 || days[n - 1] != targets[t]))
      days[n++] = targets[t];
  if (n == 0 || days[n - 1] != last)
    days[n++] = last;
  g_autofree double *h = g_new (double, nd), *p = g_new (double, nd);
  char date[BASE_TIME_DATE_SIZE];
  printf ("\nholders by age band and area (mean over replications; share of the cell's "
          "residents):\n  %-12s", "");
  for (guint i = 0; i < n; i++)
    printf ("  %20s", (base_time_format_date (days[i], date), date));
  printf ("\n");
  for (guint k = 0; k < r->n_cells; k++)
    {
      sim_series_set_summarise (r->national, MODEL_SERIES_CELL_HOLDERS_0 + k, 0, 0.05, 0.95, h,
                                NULL, NULL);
      sim_series_set_summarise (r->national, MODEL_SERIES_CELL_PEOPLE_0 + k, 0, 0.05, 0.95, p,
                                NULL, NULL);
      g_autofree char *cell = g_strdup_printf ("%s %s", r->n_cells == MODEL_N_CELLS
                                                            ? areas[k / 3] : "all",
                                               bands[k % 3]);
      printf ("  %-12s", cell);
      for (guint i = 0; i < n; i++)
        {
          gsize at = (gsize) (days[i] - r->start);
          g_autofree char *held = base_text_group_double (h[at], 0);
          printf ("  %13s %5.1f%%", held, p[at] > 0 ? 100 * h[at] / p[at] : 0.0);
        }
      printf ("\n");
    }
}

/* The verdicts on the scenario's targets (model/rollout/verdict.h): the
 * nation's, how many provinces and cities have each verdict, and the
 * definitions they follow. */
static void
print_verdicts (const ModelScenario *sc, const ModelRolloutResult *r)
{
  g_autoptr (ModelVerdicts) v = model_verdicts_new (sc, r);
  printf ("targets: verdicts over %u replication%s (met: probability >= %.1f, not met: <= %.1f, "
          "at risk: between)\n", r->n_reps, r->n_reps == 1 ? "" : "s", MODEL_VERDICT_MET_FROM,
          MODEL_VERDICT_NOT_MET_TO);
  printf ("  %-48s %-8s %5s  %-28s %s\n", "national target", "verdict", "prob.",
          "margin [5%, 95%]", "cities meeting it [5%, 95%]");
  for (guint g = 0; g < MODEL_N_GOALS; g++)
    {
      const ModelTargetVerdict *t = model_verdicts_nation (v, g);
      g_autofree char *words = model_goal_describe (v, g);
      g_autofree char *margin = model_goal_is_deadline (g)
          ? g_strdup_printf ("%+.0f days [%+.0f .. %+.0f]", t->margin, t->margin_lo, t->margin_hi)
          : g_strdup_printf ("%+.1f pp [%+.1f .. %+.1f]", t->margin, t->margin_lo, t->margin_hi);
      printf ("  %-48s %-8s %5.2f  %-28s %.1f of %u [%.0f .. %.0f]\n", words,
              model_verdict_name (t->verdict), t->probability, margin, t->cities_meeting,
              t->n_cities, t->cities_lo, t->cities_hi);
    }
  printf ("  %-48s %s\n", "provinces and cities by verdict",
          "met / at risk / not met");
  for (guint g = 0; g < MODEL_N_GOALS; g++)
    {
      guint prov[3] = { 0 }, city[3] = { 0 };
      for (guint p = 0; p < v->n_provinces; p++)
        prov[model_verdicts_province (v, p, g)->verdict]++;
      for (guint c = 0; c < v->n_cities; c++)
        city[model_verdicts_city (v, c, g)->verdict]++;
      g_autofree char *words = model_goal_describe (v, g);
      printf ("  %-48s provinces %u / %u / %u, cities %u / %u / %u\n", words, prov[0], prov[1],
              prov[2], city[0], city[1], city[2]);
    }
  printf ("  (pp: percentage points of cardholders; a city meets a share target when its "
          "holders reach the\n   share of its cardholders by the date; cities meeting it: mean "
          "over the replications;\n   every definition: docs/RUNDB.md, \"Verdicts\")\n");
  if (r->n_reps < 10)
    printf ("  note: with %u replication%s a probability moves in steps of %.2f; run "
            "--replications 20 or more\n  before reading a target as at risk or not\n",
            r->n_reps, r->n_reps == 1 ? "" : "s", 1.0 / r->n_reps);
}

static void
print_summary (const ModelScenario *sc, const ModelRolloutResult *r, const char *digest,
               const char *db, gint32 scenario_end)
{
  const guint nd = r->n_days, R = r->n_reps;
  g_autofree double *mean = g_new (double, nd), *lo = g_new (double, nd), *hi = g_new (double, nd);
  g_autofree double *cards = g_new (double, nd);
  char date[11];

  printf ("essc sim: %s (scenario %.16s, seed %" G_GUINT64_FORMAT ", %u replication%s, essc %s)\n",
          sc->name, sc->hash, sc->seed, R, R == 1 ? "" : "s", ESSC_VERSION);
  sim_series_set_summarise (r->national, MODEL_SERIES_CARDHOLDERS, 0, 0.05, 0.95, cards, NULL,
                            NULL);
  sim_series_set_summarise (r->national, MODEL_SERIES_HOLDERS, 0, 0.05, 0.95, mean, lo, hi);
  g_autofree char *cards_start = base_text_group_double (cards[0], 0);
  g_autofree char *cards_end = base_text_group_double (cards[nd - 1], 0);
  printf ("%u cities, %u channels in the catalogue, %s cardholders at start, %s at end\n",
          r->n_cities, r->n_channels, cards_start, cards_end);
  if (scenario_end != sc->end)
    {
      char a[BASE_TIME_DATE_SIZE], b[BASE_TIME_DATE_SIZE];
      base_time_format_date (sc->end, a);
      base_time_format_date (scenario_end, b);
      printf ("run to %s by --end (the scenario ends %s)\n", a, b);
    }
  printf ("\n");

  const gint32 dates[MODEL_N_TARGETS] = { sc->target_2019, sc->target_2020 };
  printf ("national e-card holders: mean [90%% interval over replications (%s)], share of "
          "cardholders:\n", interval_kind (sc));
  for (guint t = 0; t < MODEL_N_TARGETS; t++)
    {
      gint64 i = dates[t] - r->start;
      if (i < 0 || i >= nd)
        continue;
      base_time_format_date (dates[t], date);
      g_autofree char *m = base_text_group_double (mean[i], 0);
      g_autofree char *l = base_text_group_double (lo[i], 0);
      g_autofree char *u = base_text_group_double (hi[i], 0);
      printf ("  %s  %13s [%s .. %s]  %5.1f%%\n", date, m, l, u,
              100 * mean[i] / cards[i]);
    }
  base_time_format_date (r->start + nd - 1, date);
  if (r->start + (gint32) nd - 1 != dates[MODEL_TARGET_2020])
    {
      g_autofree char *m = base_text_group_double (mean[nd - 1], 0);
      g_autofree char *l = base_text_group_double (lo[nd - 1], 0);
      g_autofree char *u = base_text_group_double (hi[nd - 1], 0);
      printf ("  %s  %13s [%s .. %s]  %5.1f%%  (end)\n", date, m, l, u,
              100 * mean[nd - 1] / cards[nd - 1]);
    }
  print_cells (sc, r);
  printf ("\n");

  print_verdicts (sc, r);
  /* Channels live: the catalogue's and those arriving after it. */
  g_autofree double *live = g_new (double, nd);
  sim_series_set_summarise (r->national, MODEL_SERIES_CHANNELS, 0, 0.05, 0.95, live, NULL, NULL);
  printf ("\nchannels live, catalogue and arrivals (mean over replications):");
  for (guint t = 0; t < MODEL_N_TARGETS; t++)
    {
      gint64 i = dates[t] - r->start;
      if (i < 0 || i >= nd)
        continue;
      base_time_format_date (dates[t], date);
      printf ("  %s: %.1f", date, live[i]);
    }
  if (r->start + (gint32) nd - 1 != dates[MODEL_TARGET_2020])
    printf ("  %s: %.1f (end)", (base_time_format_date (r->start + (gint32) nd - 1, date), date),
            live[nd - 1]);
  printf ("\n  of them from the catalogue:");
  for (guint t = 0; t < MODEL_N_TARGETS; t++)
    {
      double cat = 0;
      for (gsize i = 0; i < (gsize) r->n_channels * R; i++)
        cat += r->channel_live[i] <= dates[t];
      base_time_format_date (dates[t], date);
      printf ("  %s: %.1f", date, cat / R);
    }
  double arrived = 0;
  for (guint rep = 0; rep < R; rep++)
    arrived += r->arrivals[rep];
  printf ("\n  arrived after the catalogue by the end: %.1f\n", arrived / R);
  printf ("\nslowest cities (mean share of cardholders on %s):\n",
          (base_time_format_date (sc->target_2020, date), date));
  gint64 at = MIN ((gint64) nd - 1, MAX (0, (gint64) (sc->target_2020 - r->start)));
  g_autofree guint *idx = g_new (guint, r->n_cities);
  for (guint c = 0; c < r->n_cities; c++)
    idx[c] = c;
  for (guint i = 0; i < MIN (5u, r->n_cities); i++)
    {
      guint best = i;
      for (guint j = i + 1; j < r->n_cities; j++)
        {
          double sj = r->city_holders[(gsize) idx[j] * nd + at]
                      / MAX (1.0, r->city_cardholders[(gsize) idx[j] * nd + at]);
          double sb = r->city_holders[(gsize) idx[best] * nd + at]
                      / MAX (1.0, r->city_cardholders[(gsize) idx[best] * nd + at]);
          if (sj < sb)
            best = j;
        }
      guint tmp = idx[i];
      idx[i] = idx[best];
      idx[best] = tmp;
      const ModelCity *city = &sc->cities->cities[idx[i]];
      printf ("  %06u ", city->code);
      essc_cli_print_padded (city->name, 16);
      essc_cli_print_padded (city->province, 18);
      printf ("%5.1f%%\n", 100 * r->city_holders[(gsize) idx[i] * nd + at]
                              / MAX (1.0, r->city_cardholders[(gsize) idx[i] * nd + at]));
    }
  essc_sim_print_latency (sc, r);
  if (db != NULL)
    printf ("\nrun database: %s\n", db);
  printf ("digest: %s\n", digest);
}

/*
 * --end: the loaded scenario runs to day text instead of its own end.
 * Nothing loaded depends on the end but the checks that the target dates
 * lie inside the run, so they are made again here; the arrivals and the
 * series are drawn for the days run.  FALSE (the message printed) when
 * text is not a date, not after start, or before a target date.
 */
static gboolean
set_end (ModelScenario *sc, const char *text)
{
  gint32 day;
  gsize at = 0;
  BaseTimeFault fault = base_time_parse_date (text, &day, &at);
  if (fault != BASE_TIME_OK)
    {
      essc_cli_usage_error ("sim", "--end %s: not a date YYYY-MM-DD (bad %s at byte %zu)", text,
                            base_time_fault_name (fault), at);
      return FALSE;
    }
  char a[BASE_TIME_DATE_SIZE];
  if (day <= sc->start)
    {
      base_time_format_date (sc->start, a);
      essc_cli_usage_error ("sim", "--end %s: not after the scenario's start %s", text, a);
      return FALSE;
    }
  const struct { const char *key; gint32 day; } dates[] = {
    { "target_2019", sc->target_2019 }, { "target_2020", sc->target_2020 },
    { "mobile_payment_by", sc->mobile_payment_by },
    { "unified_settlement_by", sc->unified_settlement_by },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (dates); i++)
    if (day < dates[i].day)
      {
        base_time_format_date (dates[i].day, a);
        fprintf (stderr, "essc sim: --end %s is before a target date of %s ([targets] %s = "
                 "%s): expected an end on or after every target date\n", text, sc->path,
                 dates[i].key, a);
        return FALSE;
      }
  sc->end = day;
  return TRUE;
}

static int
sim_run (int argc, char **argv, gboolean multi)
{
  gint replications = 0, jobs = 1;
  gboolean force = FALSE;
  g_autofree char *seed_text = NULL;
  gint64 shuffle = -1;
  g_autofree char *db = NULL, *conformance_db = NULL, *end = NULL, *data_dir_opt = NULL;
  g_autofree char *vectors = NULL;
  gboolean no_db = FALSE, resume = FALSE, no_latency = FALSE, plan_capacity = FALSE;
  EsscProgressOptions popt = ESSC_PROGRESS_OPTIONS_INIT;
  const GOptionEntry entries[] = {
    { "resume", 0, 0, G_OPTION_ARG_NONE, &resume,
      "continue an interrupted run from its checkpoint (DB.ckpt) without repeating or losing a "
      "finished replication", NULL },
    { "replications", 'r', 0, G_OPTION_ARG_INT, &replications,
      "replications (default: the scenario's)", "N" },
    { "jobs", 'j', 0, G_OPTION_ARG_INT, &jobs, "threads (default 1)", "N" },
    { "seed", 0, 0, G_OPTION_ARG_STRING, &seed_text,
      "seed, 0 to 18446744073709551615 (default: the scenario's)", "N" },
    { "end", 0, 0, G_OPTION_ARG_STRING, &end,
      "run to this last day instead of the scenario's end (on or after its target dates; the "
      "run database records it as end)", "YYYY-MM-DD" },
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db,
      "run database (default runs/NAME-SEED.db)", "FILE" },
    { "no-db", 0, 0, G_OPTION_ARG_NONE, &no_db, "write no run database", NULL },
    { "force", 0, 0, G_OPTION_ARG_NONE, &force,
      "run even beyond the memory or time limit (scenarios/README.md, \"Run size\")", NULL },
    { "conformance-db", 0, 0, G_OPTION_ARG_FILENAME, &conformance_db,
      "take certification verdicts of the scenario's implementations from this database of "
      "essc conform --db runs (latest run of the same command) instead of running them", "FILE" },
    { "no-latency", 0, 0, G_OPTION_ARG_NONE, &no_latency,
      "skip the platform latency model of the scenario's [latency] group", NULL },
    { "plan-capacity", 0, 0, G_OPTION_ARG_NONE, &plan_capacity,
      "also plan capacity: per platform and month the fewest servers (a server: one worker "
      "serving one request at a time at the scenario's service times; its requests per second "
      "are printed beside the plan) that keep p99 under the SLA (printed, and stored in the run "
      "database)", NULL },
    { "shuffle-cities", 0, 0, G_OPTION_ARG_INT64, &shuffle,
      "process the cities in an order shuffled by this seed (a determinism check)", "N" },
    { "data-dir", 0, 0, G_OPTION_ARG_FILENAME, &data_dir_opt, ESSC_CLI_DATA_DIR_HELP, "DIR" },
    { "vectors", 0, 0, G_OPTION_ARG_FILENAME, &vectors,
      "for the implementations the scenario certifies in the loop ([channels] impl.X): "
      ESSC_CLI_VECTORS_HELP, "DIR" },
    ESSC_PROGRESS_OPTION_ENTRIES (popt),
    { NULL },
  };
  if (!essc_cli_parse (&argc, &argv, "sim", "SCENARIO",
                       "Simulates the e-card rollout of a scenario (scenarios/*.ini) and prints\n"
                       "the national holders at the target dates with their 90% interval over\n"
                       "the replications (chance only, or with a [calibration] posterior the\n"
                       "parameters drawn from it as well), holders by age band and area, the\n"
                       "verdict on each target (met: probability >= 0.9 over the replications;\n"
                       "not met: <= 0.1; at risk: between) with its margin and the cities\n"
                       "meeting it (docs/RUNDB.md, \"Verdicts\"), the channels live,\n"
                       "the slowest cities, the platforms' worst-day p99 latency against the\n"
                       "SLA (scenarios with [latency]) and a digest of every simulated series.\n"
                       "--end runs the scenario on to another day (a forecast past its end).\n"
                       "Exit status: 0 done, 2 usage or scenario error, 3 internal error.",
                       entries))
    return ESSC_EXIT_USAGE;
  if (argc != 2)
    return essc_cli_usage_error ("sim", "expected one SCENARIO file");
  if (replications < 0 || replications > 100000)
    return essc_cli_usage_error ("sim", "--replications: expected 1..100000");
  if (jobs < 1 || jobs > 1024)
    return essc_cli_usage_error ("sim", "--jobs: expected 1..1024");
  if (!essc_progress_options_check (&popt, "sim"))
    return ESSC_EXIT_USAGE;

  g_autofree char *data_dir = essc_cli_data_dir ("sim", data_dir_opt);
  if (data_dir == NULL)
    return ESSC_EXIT_USAGE;
  g_autoptr (GError) error = NULL;
  g_autoptr (ModelScenario) sc = model_scenario_load_in (argv[1], data_dir, &error);
  if (sc == NULL)
    {
      fprintf (stderr, "essc sim: %s\n", error->message);
      return ESSC_EXIT_USAGE;
    }
  if (seed_text != NULL)
    {
      guint64 seed = 0;
      if (!g_ascii_string_to_unsigned (seed_text, 10, 0, G_MAXUINT64, &seed, NULL))
        return essc_cli_usage_error ("sim", "--seed: \"%s\" is not a whole number from 0 to "
                                     "18446744073709551615", seed_text);
      sc->seed = seed;
    }
  const gint32 scenario_end = sc->end;
  if (end != NULL && !set_end (sc, end))
    return ESSC_EXIT_USAGE;
  /* Certification in the loop: member 0 runs it, the others take its verdicts. */
  gboolean leader = sim_comm_rank (sim_comm_world ()) == 0;
  g_autofree ModelCertVerdict *certified = leader ? certify_in_the_loop (sc, conformance_db,
                                                                         vectors, &error)
                                                  : NULL;
  if (multi)
    {
      guint nch = sc->catalogue->n_channels;
      g_autofree gint32 *shared = g_new0 (gint32, nch + 2);
      shared[0] = error != NULL;
      shared[1] = certified != NULL;
      for (guint ch = 0; certified != NULL && ch < nch; ch++)
        shared[2 + ch] = (gint32) certified[ch];
      sim_comm_sum_i32 (sim_comm_world (), shared, nch + 2);
      if (shared[0] && error == NULL)
        return ESSC_EXIT_USAGE;  /* member 0 reports it */
      if (shared[1] && certified == NULL)
        {
          certified = g_new (ModelCertVerdict, nch);
          for (guint ch = 0; ch < nch; ch++)
            certified[ch] = (ModelCertVerdict) shared[2 + ch];
        }
    }
  if (certified == NULL && error != NULL)
    {
      fprintf (stderr, "essc sim: certification in the loop: %s\n", error->message);
      return ESSC_EXIT_USAGE;
    }

  g_autofree guint *order = NULL;
  if (shuffle >= 0)
    {
      g_autoptr (GRand) rand = g_rand_new_with_seed ((guint32) shuffle);
      order = g_new (guint, sc->cities->n_cities);
      for (guint i = 0; i < sc->cities->n_cities; i++)
        order[i] = i;
      for (guint i = sc->cities->n_cities - 1; i > 0; i--)
        {
          guint j = (guint) g_rand_int_range (rand, 0, (gint32) i + 1), t = order[i];
          order[i] = order[j];
          order[j] = t;
        }
    }
  if (resume && no_db)
    return essc_cli_usage_error ("sim", "--resume needs the run database (not --no-db)");
  if (resume && multi)
    return essc_cli_usage_error ("sim", "--resume works in one process only (no mpirun)");
  if (!no_db && db == NULL)
    {
      if (leader)
        g_mkdir_with_parents ("runs", 0755);
      db = g_strdup_printf ("runs/%s-%" G_GUINT64_FORMAT ".db", sc->name, sc->seed);
    }
  /* A file of another kind is refused before the run, and two runs writing
   * one database do not race: the second is refused at once. */
  g_auto (EsscDbGuard) guard = { NULL, -1 };
  if (!no_db && !essc_db_guard_take (&guard, "sim", db, model_rundb_may_write, sim_comm_world ()))
    return ESSC_EXIT_USAGE;
  g_autofree char *ckpt_path = no_db ? NULL : g_strdup_printf ("%s.ckpt", db);
  Checkpoint ckpt = { sc, ckpt_path };
  const guint n_reps = replications ? (guint) replications : sc->replications;
  /* Replications, and within one the cities this process runs. */
  g_autoptr (EsscProgress) prog = essc_progress_new ("sim", "replications", n_reps, &popt,
                                                     leader);
  essc_progress_set_parts (prog, "replication", "cities", 1, 1);
  ModelRolloutOptions opt = {
    .replications = n_reps,
    .jobs = (guint) jobs, .city_order = order, .certified = certified,
    .progress = prog != NULL ? essc_progress_units_cb : NULL,
    .city_progress = prog != NULL ? essc_progress_parts_cb : NULL, .progress_data = prog,
    .checkpoint = no_db || multi ? NULL : checkpoint, .checkpoint_data = &ckpt,
    .comm = sim_comm_world (),
    .no_latency = no_latency, .plan_capacity = plan_capacity,
  };
  ModelRunEstimate est;
  model_run_estimate (sc, opt.replications, opt.jobs, &est);
  g_autofree char *refusal = model_run_estimate_refusal (&est);
  if (refusal != NULL && leader)
    fprintf (stderr, "essc sim: %s: %s%s\n", argv[1], refusal,
             force ? " (--force: running it)" : "");
  if (refusal != NULL && !force)
    return ESSC_EXIT_USAGE;
  if (plan_capacity && (no_latency || !sc->latency.enabled))
    return essc_cli_usage_error ("sim", "--plan-capacity needs the latency model (a scenario "
                                 "with [latency], without --no-latency)");
  if (resume)
    {
      opt.resume_from = model_rollout_checkpoint_read (sc, opt.replications, ckpt_path, &error);
      if (opt.resume_from == NULL)
        {
          fprintf (stderr, "essc sim: --resume: %s\n", error->message);
          return ESSC_EXIT_USAGE;
        }
      fprintf (stderr, "essc sim: resuming after %u of %u replications\n",
               opt.resume_from->n_done, opt.replications);
      essc_progress_resume (prog, opt.resume_from->n_done);
    }
  g_autoptr (ModelRolloutResult) res = model_rollout_run (sc, &opt, &error);
  if (res == NULL)
    {
      g_clear_pointer (&prog, essc_progress_free);  /* ends a bar's line */
      fprintf (stderr, "essc sim: %s\n", error->message);
      return ESSC_EXIT_USAGE;
    }
  /* Under mpirun rank 0 hears only of its own replications: all are done. */
  essc_progress_units (prog, n_reps);
  essc_progress_finish (prog);
  char digest[65];
  base_hex_encode (res->digest, 32, digest);

  if (!leader)
    return ESSC_EXIT_OK;  /* member 0 writes and prints */
  if (!no_db)
    {
      if (!model_rundb_write (db, sc, res, digest, &error))
        {
          fprintf (stderr, "essc sim: %s\n", error->message);
          return ESSC_EXIT_USAGE;
        }
      g_remove (ckpt_path); /* the run is complete: nothing to resume */
      essc_db_guard_release (&guard);
    }
  print_summary (sc, res, digest, no_db ? NULL : db, scenario_end);
  return ESSC_EXIT_OK;
}

int
essc_cmd_sim (int argc, char **argv)
{
  gboolean multi = sim_mpi_init (&argc, &argv);
  if (multi)
    sim_mpi_quiet_followers ();
  int status = sim_run (argc, argv, multi);
  sim_mpi_finalize ();
  return status;
}
