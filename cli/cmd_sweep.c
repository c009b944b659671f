/* SPDX-License-Identifier: MIT */
/*
 * essc sweep: runs every point of a scenario sweep (model/rollout/sweep.h) as one
 * job.  Under mpirun the points are dealt to the ranks round robin (point p
 * to rank p mod N), each rank runs its points as single-process runs on its
 * threads, and rank 0 gathers the results, writes the sweep database and
 * prints a line per point with its digest: the digest `essc sim` gives for
 * the point's scenario text.
 */
#include "cli/cli.h"
#include "model/rollout/rollout.h"
#include "model/rollout/sweep.h"
#include "sim/mpi.h"

#include <glib/gstdio.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* A rank's results as one byte string: for each, a 64-bit length and the bytes. */
static GBytes *
pack (GPtrArray *mine)
{
  GByteArray *b = g_byte_array_new ();
  for (guint i = 0; i < mine->len; i++)
    {
      gsize len;
      const guint8 *data = g_bytes_get_data (mine->pdata[i], &len);
      guint64 n = len;
      g_byte_array_append (b, (const guint8 *) &n, sizeof n);
      g_byte_array_append (b, data, (guint) len);
    }
  return g_byte_array_free_to_bytes (b);
}

static gboolean
unpack (GBytes *bytes, ModelSweepResult **results, guint n_points, GError **error)
{
  gsize len, at = 0;
  const guint8 *data = g_bytes_get_data (bytes, &len);
  while (at < len)
    {
      guint64 n;
      if (len - at < sizeof n)
        break;
      memcpy (&n, data + at, sizeof n);
      at += sizeof n;
      if (n > len - at)
        break;
      g_autoptr (GBytes) one = g_bytes_new (data + at, n);
      at += n;
      ModelSweepResult *r = model_sweep_result_deserialize (one, error);
      if (r == NULL)
        return FALSE;
      if (r->point >= n_points || results[r->point] != NULL)
        {
          model_sweep_result_free (r);
          break;
        }
      results[r->point] = r;
    }
  if (at == len)
    return TRUE;
  g_set_error (error, MODEL_SWEEP_ERROR, MODEL_ROLLOUT_INVALID,
               "the results from another process are damaged");
  return FALSE;
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
      char p99[32] = "-";
      if (!isnan (r->worst_p99))
        g_snprintf (p99, sizeof p99, "%.1f ms", r->worst_p99 * 1e3);
      printf ("  %-5u %7.1f%% %8.1f %7.1f%% %8.1f %12s  %s\n", p, 100 * r->share[0],
              r->cities[0], 100 * r->share[1], r->cities[1], p99, label);
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
  g_autofree char *db = NULL;
  gboolean no_db = FALSE, no_latency = FALSE;
  const GOptionEntry entries[] = {
    { "jobs", 'j', 0, G_OPTION_ARG_INT, &jobs, "threads per process (default 1)", "N" },
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db,
      "sweep database (default runs/NAME.sweep.db)", "FILE" },
    { "no-db", 0, 0, G_OPTION_ARG_NONE, &no_db, "write no database", NULL },
    { "no-latency", 0, 0, G_OPTION_ARG_NONE, &no_latency,
      "skip the latency model of the points' scenarios", NULL },
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
  g_autoptr (GError) error = NULL;
  g_autoptr (ModelSweep) s = model_sweep_load (argv[1], &error);
  if (s == NULL)
    {
      fprintf (stderr, "essc sweep: %s\n", error->message);
      return ESSC_EXIT_USAGE;
    }
  SimComm *world = sim_comm_world ();
  const guint rank = (guint) sim_comm_rank (world), size = (guint) sim_comm_size (world);
  gboolean leader = rank == 0, tty = leader && isatty (STDERR_FILENO);
  g_autoptr (GPtrArray) mine = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  for (guint p = rank; p < s->n_points; p += size)
    {
      g_autoptr (ModelScenario) sc = model_sweep_point_scenario (s, p, &error);
      if (sc == NULL)
        sim_mpi_abort (ESSC_EXIT_USAGE, "sweep point %u: %s", p, error->message);
      ModelRolloutOptions opt = { .replications = sc->replications, .jobs = (guint) jobs,
                                  .no_latency = no_latency };
      g_autoptr (ModelRolloutResult) run = model_rollout_run (sc, &opt, &error);
      if (run == NULL)
        sim_mpi_abort (ESSC_EXIT_USAGE, "sweep point %u: %s", p, error->message);
      g_autoptr (ModelSweepResult) r = model_sweep_result_new (sc, run, p);
      g_ptr_array_add (mine, model_sweep_result_serialize (r));
      if (tty)
        fprintf (stderr, "\r  points: %u of %u on this process (%u processes)", mine->len,
                 (s->n_points - rank + size - 1) / size, size);
    }
  if (tty)
    fputc ('\n', stderr);
  g_autoptr (GBytes) packed = pack (mine);
  g_autoptr (GPtrArray) all = sim_comm_gather_bytes (world, packed, 0);
  if (!leader)
    return ESSC_EXIT_OK;
  g_autofree ModelSweepResult **results = g_new0 (ModelSweepResult *, s->n_points);
  gboolean ok = TRUE;
  for (guint r = 0; ok && r < all->len; r++)
    ok = unpack (all->pdata[r], results, s->n_points, &error);
  for (guint p = 0; ok && p < s->n_points; p++)
    if (results[p] == NULL)
      {
        g_set_error (&error, MODEL_SWEEP_ERROR, MODEL_ROLLOUT_INTERNAL, "point %u has no result", p);
        ok = FALSE;
      }
  if (ok && !no_db)
    {
      if (db == NULL)
        {
          g_mkdir_with_parents ("runs", 0755);
          db = g_strdup_printf ("runs/%s.sweep.db", s->name);
        }
      ok = model_sweep_write_db (db, s, results, &error);
    }
  if (ok)
    print_table (s, results, no_db ? NULL : db);
  for (guint p = 0; p < s->n_points; p++)
    model_sweep_result_free (results[p]);
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
