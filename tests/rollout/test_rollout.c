/* SPDX-License-Identifier: MIT */
/*
 * Tests of the rollout model on small scenarios (tests/data/small):
 * determinism (the same digest for any number of threads, any city order,
 * and across runs), the closed form with imitation off and a constant
 * hazard, conservation (holders within cardholders, every new holder in
 * exactly one channel), certification in the loop, and `essc sim` itself.
 */
#include "model/rollout/rollout.h"
#include "model/rollout/scenario.h"
#include "tests/lib/run.h"
#include "tests/lib/testutil.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <math.h>
#include <sqlite3.h>
#include <string.h>
#include <sys/wait.h>

static ModelScenario *
load (const char *name)
{
  g_autofree char *path = essc_test_src_path ("tests", "data", "small", name, NULL);
  g_autoptr (GError) error = NULL;
  ModelScenario *sc = model_scenario_load (path, &error);
  g_assert_no_error (error);
  return sc;
}

static ModelRolloutResult *
run (const ModelScenario *sc, guint reps, guint jobs, const guint *order,
     const ModelCertVerdict *cert)
{
  ModelRolloutOptions o = { .replications = reps, .jobs = jobs, .city_order = order,
                            .certified = cert };
  g_autoptr (GError) error = NULL;
  ModelRolloutResult *r = model_rollout_run (sc, &o, &error);
  g_assert_no_error (error);
  return r;
}

static void
test_determinism (void)
{
  g_autoptr (ModelScenario) sc = load ("busy.ini");
  const guint reverse[5] = { 4, 3, 2, 1, 0 }, mixed[5] = { 2, 0, 4, 1, 3 };
  g_autoptr (ModelRolloutResult) a = run (sc, 3, 1, NULL, NULL);
  g_autoptr (ModelRolloutResult) b = run (sc, 3, 2, NULL, NULL);
  g_autoptr (ModelRolloutResult) c = run (sc, 3, 3, reverse, NULL);
  g_autoptr (ModelRolloutResult) d = run (sc, 3, 8, mixed, NULL);
  g_autoptr (ModelRolloutResult) e = run (sc, 3, 1, NULL, NULL);
  g_assert_cmpmem (a->digest, 32, b->digest, 32);
  g_assert_cmpmem (a->digest, 32, c->digest, 32);
  g_assert_cmpmem (a->digest, 32, d->digest, 32);
  g_assert_cmpmem (a->digest, 32, e->digest, 32);
  /* The same series, not just the same hash. */
  for (guint s = 0; s < MODEL_N_SERIES; s++)
    for (guint rep = 0; rep < 3; rep++)
      g_assert_cmpmem (sim_series_set_row (a->national, s, rep), a->n_days * sizeof (double),
                       sim_series_set_row (d->national, s, rep), d->n_days * sizeof (double));
  /* Another seed: another digest. */
  sc->seed++;
  g_autoptr (ModelRolloutResult) f = run (sc, 3, 2, NULL, NULL);
  g_assert_true (memcmp (a->digest, f->digest, 32) != 0);
}

/* With imitation off, no loss and a constant hazard h, E[holders after day d]
 * = N (1 - exp (-h (d + 1))). */
static void
test_closed_form (void)
{
  g_autoptr (ModelScenario) sc = load ("constant.ini");
  const guint R = 300;
  g_autoptr (ModelRolloutResult) r = run (sc, R, 2, NULL, NULL);
  const double h = sc->innovation;
  double *cards = sim_series_set_row (r->national, MODEL_SERIES_CARDHOLDERS, 0);
  g_autofree double *mean = g_new (double, r->n_days);
  sim_series_set_summarise (r->national, MODEL_SERIES_HOLDERS, 0, 0.05, 0.95, mean, NULL, NULL);
  const guint days[] = { 0, 10, 100, 200, 364 };
  for (gsize i = 0; i < G_N_ELEMENTS (days); i++)
    {
      guint d = days[i];
      double N = cards[d], q = 1 - exp (-h * (d + 1));
      double expect = N * q, se = sqrt (N * q * (1 - q) / R);
      if (fabs (mean[d] - expect) > 6 * se)
        g_error ("day %u: mean %.1f, closed form %.1f (SE %.1f)", d, mean[d], expect, se);
      g_assert_cmpfloat (cards[d], ==, cards[0]); /* constant cardholders */
    }
  /* Level 2: half the new holders, as mobile payment is open from the start. */
  g_autofree double *l2 = g_new (double, r->n_days);
  sim_series_set_summarise (r->national, MODEL_SERIES_LEVEL2, 0, 0.05, 0.95, l2, NULL, NULL);
  double ratio = l2[364] / mean[364];
  g_assert_cmpfloat (fabs (ratio - 0.5), <, 0.01);
}

static void
test_conservation (void)
{
  g_autoptr (ModelScenario) sc = load ("busy.ini");
  g_autoptr (ModelRolloutResult) r = run (sc, 3, 2, NULL, NULL);
  for (guint rep = 0; rep < r->n_reps; rep++)
    {
      gint64 by_channel = 0;
      for (guint ch = 0; ch < r->n_channels; ch++)
        by_channel += r->channel_holders[(gsize) ch * r->n_reps + rep];
      g_assert_cmpint (by_channel, ==, r->new_holders[rep]);
      double by_class = 0;
      for (guint k = 0; k < 6; k++)
        by_class += sim_series_set_row (r->national, MODEL_SERIES_CLASS_0 + k, rep)[r->n_days - 1];
      g_assert_cmpfloat (by_class, ==, (double) r->new_holders[rep]);
      double *h = sim_series_set_row (r->national, MODEL_SERIES_HOLDERS, rep);
      double *l2 = sim_series_set_row (r->national, MODEL_SERIES_LEVEL2, rep);
      double *n = sim_series_set_row (r->national, MODEL_SERIES_CARDHOLDERS, rep);
      for (guint d = 0; d < r->n_days; d++)
        {
          g_assert_cmpfloat (h[d], <=, n[d]);
          g_assert_cmpfloat (l2[d], <=, h[d]);
          g_assert_cmpfloat (h[d], >=, 0);
        }
    }
  for (gsize i = 0; i < (gsize) r->n_cities * r->n_days; i++)
    g_assert_cmpfloat (r->city_holders[i], <=, r->city_cardholders[i]);
  /* Losses with replacement: holders are below the new holders gathered. */
  g_assert_cmpfloat (sim_series_set_row (r->national, MODEL_SERIES_HOLDERS, 0)[r->n_days - 1], <,
                     (double) r->new_holders[0]);
}

/* A failed implementation keeps its channel out for the rectification delay. */
static void
test_certification (void)
{
  g_autoptr (ModelScenario) sc = load ("busy.ini");
  ModelCertVerdict cert[5] = { MODEL_CERT_PASSED, MODEL_CERT_FAILED, MODEL_CERT_PASSED,
                               MODEL_CERT_PASSED, MODEL_CERT_PASSED };
  g_autoptr (ModelRolloutResult) r = run (sc, 2, 1, NULL, cert);
  for (guint rep = 0; rep < 2; rep++)
    {
      g_assert_cmpint (r->channel_live[0 * 2 + rep], ==, sc->catalogue->channels[0].golive);
      g_assert_cmpint (r->channel_live[1 * 2 + rep], ==, sc->catalogue->channels[1].golive + 30);
      g_assert_cmpint (r->channel_attempts[1 * 2 + rep], ==, 2);
      /* The tier-2 channel goes live no earlier than its parent. */
      g_assert_cmpint (r->channel_live[4 * 2 + rep], >=, r->channel_live[3 * 2 + rep]);
    }
  /* With pass probability 0.5 and no implementation, some channels need retries. */
  g_autoptr (ModelRolloutResult) s = run (sc, 3, 1, NULL, NULL);
  guint retried = 0;
  for (gsize i = 0; i < 5 * 3; i++)
    retried += s->channel_attempts[i] > 1;
  g_assert_cmpuint (retried, >, 0);
}

typedef struct {
  const ModelScenario *sc;
  const char *path;
  guint stop_after;
} Ckpt;

/* Writes a checkpoint after each replication; "crashes" after stop_after. */
static gboolean
checkpoint_then_stop (const ModelRolloutResult *partial, guint done, gpointer data,
                      GError **error)
{
  Ckpt *c = data;
  if (!model_rollout_checkpoint_write (partial, c->sc->hash, c->sc->seed, c->path, error))
    return FALSE;
  if (done == c->stop_after)
    {
      g_set_error (error, MODEL_ROLLOUT_ERROR, MODEL_ROLLOUT_INTERNAL, "interrupted");
      return FALSE;
    }
  return TRUE;
}

/* An interrupted run resumed from its checkpoint equals an uninterrupted one. */
static void
test_resume (void)
{
  g_autoptr (ModelScenario) sc = load ("busy.ini");
  g_autofree char *dir = g_dir_make_tmp ("essc-ckpt-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "run.ckpt", NULL);
  g_autoptr (ModelRolloutResult) whole = run (sc, 5, 2, NULL, NULL);

  for (guint stop = 1; stop <= 4; stop++)
    {
      Ckpt c = { sc, path, stop };
      ModelRolloutOptions o = { .replications = 5, .jobs = 2, .checkpoint = checkpoint_then_stop,
                                .checkpoint_data = &c };
      g_autoptr (GError) error = NULL;
      ModelRolloutResult *cut = model_rollout_run (sc, &o, &error);
      g_assert_null (cut);
      g_assert_error (error, MODEL_ROLLOUT_ERROR, MODEL_ROLLOUT_INTERNAL);
      g_clear_error (&error);

      ModelRolloutOptions again = { .replications = 5, .jobs = 1 };
      again.resume_from = model_rollout_checkpoint_read (sc, 5, path, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (again.resume_from->n_done, ==, stop);
      g_autoptr (ModelRolloutResult) resumed = model_rollout_run (sc, &again, &error);
      g_assert_no_error (error);
      g_assert_cmpmem (resumed->digest, 32, whole->digest, 32);
      for (guint s = 0; s < MODEL_N_SERIES; s++)
        for (guint rep = 0; rep < 5; rep++)
          g_assert_cmpmem (sim_series_set_row (resumed->national, s, rep),
                           resumed->n_days * sizeof (double),
                           sim_series_set_row (whole->national, s, rep),
                           whole->n_days * sizeof (double));
      g_assert_cmpmem (resumed->city_holders, (gsize) resumed->n_cities * resumed->n_days * 8,
                       whole->city_holders, (gsize) whole->n_cities * whole->n_days * 8);
      g_assert_cmpmem (resumed->met, (gsize) 2 * resumed->n_cities * 5 * 4, whole->met,
                       (gsize) 2 * whole->n_cities * 5 * 4);
    }

  /* A damaged checkpoint, another seed, another number of replications: refused. */
  g_autoptr (GError) error = NULL;
  g_assert_null (model_rollout_checkpoint_read (sc, 6, path, &error));
  g_assert_error (error, MODEL_ROLLOUT_ERROR, MODEL_ROLLOUT_CONFLICT);
  g_clear_error (&error);
  sc->seed++;
  g_assert_null (model_rollout_checkpoint_read (sc, 5, path, &error));
  g_assert_error (error, MODEL_ROLLOUT_ERROR, MODEL_ROLLOUT_CONFLICT);
  g_clear_error (&error);
  sc->seed--;
  g_autofree char *bytes = NULL;
  gsize len;
  g_assert_true (g_file_get_contents (path, &bytes, &len, NULL));
  bytes[len / 2] ^= 1;
  g_assert_true (g_file_set_contents (path, bytes, (gssize) len, NULL));
  g_assert_null (model_rollout_checkpoint_read (sc, 5, path, &error));
  g_assert_error (error, MODEL_ROLLOUT_ERROR, MODEL_ROLLOUT_INVALID);
  g_clear_error (&error);
  g_assert_true (g_file_set_contents (path, "short", -1, NULL));
  g_assert_null (model_rollout_checkpoint_read (sc, 5, path, &error));
  g_assert_error (error, MODEL_ROLLOUT_ERROR, MODEL_ROLLOUT_INVALID);
  g_remove (path);
  g_rmdir (dir);
}

static char *
sim_cli (const char *args)
{
  const char *bin = g_getenv ("ESSC_BIN");
  const char *src = g_getenv ("ESSC_SRCDIR");
  g_assert_nonnull (bin);
  g_autofree char *qbin = g_shell_quote (bin);
  g_autofree char *scen = g_build_filename (src ? src : ".", "tests", "data", "small", "busy.ini",
                                            NULL);
  g_autofree char *qscen = g_shell_quote (scen);
  g_autofree char *line = g_strdup_printf ("%s sim %s %s", qbin, qscen, args);
  const char *argv[] = { "/bin/sh", "-c", line, NULL };
  g_autoptr (GError) error = NULL;
  g_autofree char *out = NULL;
  gint status;
  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL,
                               &out, NULL, &status, &error));
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  const char *d = strstr (out, "\ndigest: ");
  g_assert_nonnull (d);
  return g_strndup (d + 9, 64);
}

static void
test_cli (void)
{
  g_autofree char *dir = g_dir_make_tmp ("essc-sim-XXXXXX", NULL);
  g_autofree char *db = g_build_filename (dir, "busy.db", NULL);
  g_autofree char *a = sim_cli ("--no-db --jobs 1");
  g_autofree char *args = g_strdup_printf ("--db %s --jobs 2 --shuffle-cities 5", db);
  g_autofree char *b = sim_cli (args);
  g_assert_cmpstr (a, ==, b);

  sqlite3 *h = NULL;
  sqlite3_stmt *st = NULL;
  g_assert_cmpint (sqlite3_open (db, &h), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (h, "SELECT (SELECT COUNT(*) FROM city_day), "
                                          "(SELECT value FROM run WHERE key = 'digest'), "
                                          "(SELECT COUNT(*) FROM certification), "
                                          "(SELECT COUNT(*) FROM city_month WHERE lo <= holders "
                                          "AND holders <= hi)", -1, &st, NULL),
                   ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (st), ==, SQLITE_ROW);
  g_assert_cmpint (sqlite3_column_int (st, 0), ==, 5 * 731);
  g_assert_cmpstr ((const char *) sqlite3_column_text (st, 1), ==, a);
  g_assert_cmpint (sqlite3_column_int (st, 2), ==, 5 * 3);
  g_assert_cmpint (sqlite3_column_int (st, 3), ==, 5 * 24); /* 24 month ends, mean in interval */
  sqlite3_finalize (st);
  sqlite3_close (h);
  /* The run completed, so it left no checkpoint: --resume has nothing to continue. */
  g_autofree char *ckpt = g_strdup_printf ("%s.ckpt", db);
  g_assert_false (g_file_test (ckpt, G_FILE_TEST_EXISTS));
  g_autofree char *qbin = g_shell_quote (g_getenv ("ESSC_BIN"));
  g_autofree char *line = g_strdup_printf ("%s sim %s/tests/data/small/busy.ini --db %s --resume",
                                           qbin, g_getenv ("ESSC_SRCDIR"), db);
  const char *argv[] = { "/bin/sh", "-c", line, NULL };
  g_autofree char *err = NULL;
  gint status;
  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL,
                               NULL, &err, &status, NULL));
  g_assert_true (WIFEXITED (status) && WEXITSTATUS (status) == 2);
  g_assert_nonnull (strstr (err, "--resume"));
  g_remove (db);
  g_rmdir (dir);
}

static char *
shell (const char *line, int *status_out)
{
  const char *argv[] = { "/bin/sh", "-c", line, NULL };
  g_autofree char *out = NULL, *err = NULL;
  gint status;
  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, 0, NULL, NULL, &out, &err, &status,
                               NULL));
  *status_out = WIFEXITED (status) ? WEXITSTATUS (status) : -1;
  return g_strconcat (out, err, NULL);
}

/* Certification in the loop through the CLI: the scenario's implementations
 * are run through the suite (or their stored verdict is read), and a failed
 * one keeps its channels out for the rectification delay. */
static void
test_cli_certification (void)
{
  g_autofree char *dir = g_dir_make_tmp ("essc-cert-XXXXXX", NULL);
  g_autofree char *db = g_build_filename (dir, "run.db", NULL);
  g_autofree char *conf = g_build_filename (dir, "conf.db", NULL);
  g_autofree char *scen = g_build_filename (g_getenv ("ESSC_SRCDIR"), "tests", "data", "small",
                                            "certified.ini", NULL);
  g_autofree char *qbin = g_shell_quote (g_getenv ("ESSC_BIN"));
  int status;

  g_autofree char *line = g_strdup_printf ("%s sim %s --db %s", qbin, scen, db);
  g_autofree char *out = shell (line, &status);
  if (status != 0)
    g_error ("essc sim exited %d:\n%s", status, out);
  g_assert_nonnull (strstr (out, "(bank): passed"));
  g_assert_nonnull (strstr (out, "(social): FAILED"));
  sqlite3 *h = NULL;
  sqlite3_stmt *st = NULL;
  g_assert_cmpint (sqlite3_open (db, &h), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (h, "SELECT channel, MIN(attempts), MAX(attempts) FROM "
                                          "certification WHERE channel IN ('CH000002', "
                                          "'CH000003') GROUP BY channel ORDER BY channel", -1,
                                       &st, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (st), ==, SQLITE_ROW); /* bank: passed, one attempt */
  g_assert_cmpint (sqlite3_column_int (st, 1), ==, 1);
  g_assert_cmpint (sqlite3_column_int (st, 2), ==, 1);
  g_assert_cmpint (sqlite3_step (st), ==, SQLITE_ROW); /* social: failed, live after a retry */
  g_assert_cmpint (sqlite3_column_int (st, 1), ==, 2);
  g_assert_cmpint (sqlite3_column_int (st, 2), ==, 2);
  sqlite3_finalize (st);
  sqlite3_close (h);

  /* The stored verdict of the same command is used instead of a run. */
  g_free (line);
  line = g_strdup_printf ("%s conform --role channel --impl '\"$ESSC_BIN\" impl --role channel' "
                          "--db %s > /dev/null && %s sim %s --no-db --conformance-db %s", qbin,
                          conf, qbin, scen, conf);
  g_free (out);
  out = shell (line, &status);
  g_assert_cmpint (status, ==, 0);
  g_autofree char *from = g_strdup_printf ("(bank) from %s: passed", conf);
  g_assert_nonnull (strstr (out, from));
  g_free (line);
  line = g_strdup_printf ("%s sim %s --no-db --conformance-db %s", qbin, scen, scen);
  g_free (out);
  out = shell (line, &status);
  g_assert_cmpint (status, ==, 2);
  g_remove (db);
  g_remove (conf);
  g_rmdir (dir);
}

int
main (int argc, char **argv)
{
  essc_test_init (&argc, &argv);
  g_test_add_func ("/rollout/determinism/threads-order-runs", test_determinism);
  g_test_add_func ("/rollout/closed-form/constant-hazard", test_closed_form);
  g_test_add_func ("/rollout/conservation", test_conservation);
  g_test_add_func ("/rollout/certification-in-the-loop", test_certification);
  g_test_add_func ("/rollout/resume/after-each-replication", test_resume);
  g_test_add_func ("/rollout/cli/digest-and-db", test_cli);
  g_test_add_func ("/rollout/cli/certification-in-the-loop", test_cli_certification);
  return g_test_run ();
}
