/* SPDX-License-Identifier: MIT */
/*
 * Tests of the engine's seam (sim/model.h, sim/reduce.h, sim/jobs.h) with a
 * toy model that knows nothing of e-cards: units that draw from streams
 * keyed by (replication, unit) and a replication that sums them.  Every
 * unit runs exactly once per replication for any number of threads and any
 * order; dealing by cost is balanced and deterministic; the reductions are
 * exact; a run stopped at a checkpoint and resumed gives the bytes of an
 * uninterrupted one; progress is reported per replication; a failing unit
 * fails the run with the lowest unit's error whatever the threads.  (The
 * runs over several processes are tests/cli/test_mpi.c's.)
 */
#include "sim/jobs.h"
#include "sim/model.h"
#include "sim/rng.h"
#include "tests/lib/testutil.h"

#include <string.h>

#define TOY_SEED 2024
#define TOY_ERROR (toy_error_quark ())
enum { TOY_FAILED = 1, TOY_STOPPED };
static GQuark toy_error_quark (void);
G_DEFINE_QUARK (toy-error-quark, toy_error)
#define TOY_UNITS 97
#define TOY_REPS 6

typedef struct {
  guint n_units;
  const guint *order;          /* NULL: 0, 1, ... */
  guint first;                 /* the run's first_replication */
  int fail_from;               /* units >= fail_from fail (-1: none) */
  guint stop_at;               /* the checkpoint after this many fails (0: never) */
  gint calls[TOY_REPS][TOY_UNITS];
  guint64 draw[TOY_REPS][TOY_UNITS];
  double value[TOY_REPS][TOY_UNITS];
  double total[TOY_REPS];      /* sum of the values in unit order (rep_end) */
  guint begun[TOY_REPS], ended[TOY_REPS];
  guint64 rep_key[TOY_REPS];
  guint progress[TOY_REPS + 1], n_progress;
  gint unit_seen[TOY_REPS][TOY_UNITS];  /* unit progress: how often each count came */
  gint unit_wrong_total;
  guint checkpoints[TOY_REPS + 1], n_checkpoints;
  guint shares;
} Toy;

static guint
toy_units (gpointer data, const guint **order)
{
  Toy *t = data;
  *order = t->order;
  return t->n_units;
}

static guint64
toy_cost (gpointer data, guint unit)
{
  return 1 + unit % 5;
}

/* The unit's replication is the one toy_begin last set (rep_key). */
static guint toy_current;

static gboolean
toy_run (gpointer data, guint unit, GError **error)
{
  Toy *t = data;
  guint rep = toy_current;
  g_atomic_int_inc (&t->calls[rep][unit]);
  if (t->fail_from >= 0 && unit >= (guint) t->fail_from)
    {
      g_set_error (error, TOY_ERROR, TOY_FAILED, "unit %u failed", unit);
      return FALSE;
    }
  SimRng r;
  sim_rng_init (&r, TOY_SEED, t->rep_key[rep], unit, 0, 0);
  t->draw[rep][unit] = sim_rng_u64 (&r);
  t->value[rep][unit] = sim_rng_uniform (&r) * (1 + unit);
  return TRUE;
}

static void
toy_share (gpointer data, SimReducer *red)
{
  Toy *t = data;
  t->shares++;
}

static gboolean
toy_begin (gpointer data, const SimModelRep *rep, GError **error)
{
  Toy *t = data;
  g_assert_true (rep->keeper);
  g_assert_null (rep->group);
  g_assert_false (rep->shared);
  toy_current = rep->index;
  t->rep_key[rep->index] = rep->replication;
  t->begun[rep->index]++;
  return TRUE;
}

static gboolean
toy_end (gpointer data, const SimModelRep *rep, GError **error)
{
  Toy *t = data;
  double sum = 0;
  for (guint u = 0; u < t->n_units; u++)
    sum += t->value[rep->index][u];
  t->total[rep->index] = sum;
  t->ended[rep->index]++;
  return TRUE;
}

static gboolean
toy_checkpoint (gpointer data, guint done, GError **error)
{
  Toy *t = data;
  t->checkpoints[t->n_checkpoints++] = done;
  if (done == t->stop_at)
    {
      g_set_error (error, TOY_ERROR, TOY_STOPPED, "stopped after %u", done);
      return FALSE;
    }
  return TRUE;
}

static void
toy_progress (guint done, guint total, gpointer data)
{
  Toy *t = data;
  g_assert_cmpuint (total, ==, TOY_REPS);
  t->progress[t->n_progress++] = done;
}

/* On the worker threads: counts each `done` it hears in the replication at hand. */
static void
toy_unit_progress (guint done, guint total, gpointer data)
{
  Toy *t = data;
  if (total != t->n_units || done < 1 || done > total)
    g_atomic_int_inc (&t->unit_wrong_total);
  else
    g_atomic_int_inc (&t->unit_seen[toy_current][done - 1]);
}

static const SimModelUnits toy_unit_set = {
  .name = "toy units",
  .units = toy_units,
  .cost = toy_cost,
  .run = toy_run,
  .share = toy_share,
};

static const SimModelType toy_type = {
  .name = "toy",
  .rep_begin = toy_begin,
  .units = &toy_unit_set,
  .rep_end = toy_end,
  .checkpoint = toy_checkpoint,
};

static Toy *
toy_new (const guint *order)
{
  Toy *t = g_new0 (Toy, 1);
  t->n_units = TOY_UNITS;
  t->order = order;
  t->fail_from = -1;
  return t;
}

static gboolean
toy_run_all (Toy *t, guint jobs, guint done, gboolean checkpoint, GError **error)
{
  SimModelOptions o = { .replications = TOY_REPS, .first_replication = t->first, .done = done,
                        .jobs = jobs, .checkpoint = checkpoint, .progress = toy_progress,
                        .progress_data = t };
  return sim_model_run (&toy_type, t, &o, error);
}

/* What a run computed (draws, values, totals), to compare runs. */
static void
assert_same_results (const Toy *a, const Toy *b)
{
  g_assert_cmpmem (a->draw, sizeof a->draw, b->draw, sizeof b->draw);
  g_assert_cmpmem (a->value, sizeof a->value, b->value, sizeof b->value);
  g_assert_cmpmem (a->total, sizeof a->total, b->total, sizeof b->total);
}

static void
test_every_unit_once (void)
{
  guint order[TOY_UNITS];
  for (guint i = 0; i < TOY_UNITS; i++)
    order[i] = (i * 31) % TOY_UNITS;  /* a permutation: 31 is prime to 97 */
  g_autofree Toy *reference = NULL;
  const guint jobs[] = { 0, 1, 2, 3, 4, 8, 200 };
  for (gsize j = 0; j < G_N_ELEMENTS (jobs); j++)
    for (int shuffled = 0; shuffled < 2; shuffled++)
      {
        g_autofree Toy *t = toy_new (shuffled ? order : NULL);
        g_autoptr (GError) error = NULL;
        g_assert_true (toy_run_all (t, jobs[j], 0, FALSE, &error));
        g_assert_no_error (error);
        for (guint r = 0; r < TOY_REPS; r++)
          {
            g_assert_cmpuint (t->begun[r], ==, 1);
            g_assert_cmpuint (t->ended[r], ==, 1);
            g_assert_cmpuint (t->rep_key[r], ==, r);
            g_assert_cmpuint (t->progress[r], ==, r + 1);  /* in order, once each */
            for (guint u = 0; u < TOY_UNITS; u++)
              g_assert_cmpint (t->calls[r][u], ==, 1);
          }
        g_assert_cmpuint (t->n_progress, ==, TOY_REPS);
        g_assert_cmpuint (t->n_checkpoints, ==, 0);  /* not asked for */
        g_assert_cmpuint (t->shares, ==, 0);         /* alone: nothing to share */
        if (reference == NULL)
          reference = g_steal_pointer (&t);
        else
          assert_same_results (t, reference);
      }
}

/* Unit progress: within each replication every count 1..units comes
 * exactly once, whatever the threads, with the units' total; and the
 * results are those of a run without it. */
static void
test_unit_progress (void)
{
  g_autofree Toy *reference = toy_new (NULL);
  g_assert_true (toy_run_all (reference, 1, 0, FALSE, NULL));
  const guint jobs[] = { 1, 3, 8 };
  for (gsize j = 0; j < G_N_ELEMENTS (jobs); j++)
    {
      g_autofree Toy *t = toy_new (NULL);
      SimModelOptions o = { .replications = TOY_REPS, .jobs = jobs[j],
                            .progress = toy_progress, .unit_progress = toy_unit_progress,
                            .progress_data = t };
      g_autoptr (GError) error = NULL;
      g_assert_true (sim_model_run (&toy_type, t, &o, &error));
      g_assert_no_error (error);
      g_assert_cmpint (t->unit_wrong_total, ==, 0);
      for (guint r = 0; r < TOY_REPS; r++)
        for (guint u = 0; u < TOY_UNITS; u++)
          g_assert_cmpint (t->unit_seen[r][u], ==, 1);
      g_assert_cmpuint (t->n_progress, ==, TOY_REPS);
      assert_same_results (t, reference);
    }
}

/* first_replication shifts the streams' keys: index i of a run from 2 is
 * index i + 2 of a run from 0. */
static void
test_first_replication (void)
{
  g_autofree Toy *from0 = toy_new (NULL), *from2 = toy_new (NULL);
  from2->first = 2;
  g_assert_true (toy_run_all (from0, 2, 0, FALSE, NULL));
  g_assert_true (toy_run_all (from2, 2, 0, FALSE, NULL));
  for (guint r = 0; r + 2 < TOY_REPS; r++)
    {
      g_assert_cmpuint (from2->rep_key[r], ==, r + 2);
      g_assert_cmpmem (from2->draw[r], sizeof from2->draw[r], from0->draw[r + 2],
                       sizeof from0->draw[r + 2]);
    }
}

/* Stopped by its checkpoint after k replications, then resumed from k (with
 * what the checkpoint saved): the results of an uninterrupted run. */
static void
test_checkpoint_resume (void)
{
  g_autofree Toy *whole = toy_new (NULL);
  g_assert_true (toy_run_all (whole, 3, 0, TRUE, NULL));
  g_assert_cmpuint (whole->n_checkpoints, ==, TOY_REPS);
  for (guint i = 0; i < TOY_REPS; i++)
    g_assert_cmpuint (whole->checkpoints[i], ==, i + 1);

  for (guint k = 1; k < TOY_REPS; k++)
    {
      g_autofree Toy *first = toy_new (NULL);
      first->stop_at = k;
      g_autoptr (GError) error = NULL;
      g_assert_false (toy_run_all (first, 2, 0, TRUE, &error));
      g_assert_error (error, TOY_ERROR, TOY_STOPPED);
      g_assert_cmpuint (first->n_progress, ==, k);
      g_assert_cmpuint (first->begun[k], ==, 0);  /* stopped: no further replication */

      /* What a checkpoint file would hold: the replications done. */
      g_autofree Toy *resumed = toy_new (NULL);
      for (guint r = 0; r < k; r++)
        {
          memcpy (resumed->draw[r], first->draw[r], sizeof first->draw[r]);
          memcpy (resumed->value[r], first->value[r], sizeof first->value[r]);
          resumed->total[r] = first->total[r];
        }
      g_assert_true (toy_run_all (resumed, 4, k, TRUE, NULL));
      for (guint r = 0; r < TOY_REPS; r++)
        g_assert_cmpuint (resumed->begun[r], ==, r < k ? 0 : 1);
      g_assert_cmpuint (resumed->n_progress, ==, TOY_REPS - k);
      g_assert_cmpuint (resumed->progress[0], ==, k + 1);
      g_assert_cmpuint (resumed->checkpoints[resumed->n_checkpoints - 1], ==, TOY_REPS);
      assert_same_results (resumed, whole);
    }
}

/* Units 40.. fail: the run fails with unit 40's error, whatever the threads. */
static void
test_unit_errors (void)
{
  const guint jobs[] = { 1, 2, 4, 16 };
  for (gsize j = 0; j < G_N_ELEMENTS (jobs); j++)
    {
      g_autofree Toy *t = toy_new (NULL);
      t->fail_from = 40;
      g_autoptr (GError) error = NULL;
      g_assert_false (toy_run_all (t, jobs[j], 0, TRUE, &error));
      g_assert_error (error, TOY_ERROR, TOY_FAILED);
      g_assert_cmpstr (error->message, ==, "unit 40 failed");
      g_assert_cmpuint (t->n_progress, ==, 0);
      g_assert_cmpuint (t->n_checkpoints, ==, 0);
      g_assert_cmpuint (t->ended[0], ==, 0);
      g_assert_cmpuint (t->begun[1], ==, 0);
      for (guint u = 0; u < TOY_UNITS; u++)
        g_assert_cmpint (t->calls[0][u], ==, 1);  /* every unit still ran once */
    }
}

/* Greedy dealing, largest first to the least loaded member. */
static void
test_deal (void)
{
  /* By hand: 5 -> m0, 4 -> m1, 3 -> m1 (4 < 5), 2 -> m0 (5 < 7), 1 -> m0 (7 = 7: the lower). */
  const guint64 small[] = { 5, 1, 4, 2, 3 };
  guint owner[5];
  sim_model_deal (small, 5, 2, owner);
  const guint expect[] = { 0, 0, 1, 0, 1 };
  g_assert_cmpmem (owner, sizeof owner, expect, sizeof expect);

  /* Equal costs (or none): round robin. */
  guint rr[23];
  const guint64 ones[23] = { 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7 };
  for (guint m = 1; m <= 5; m++)
    {
      sim_model_deal (NULL, 23, m, rr);
      for (guint u = 0; u < 23; u++)
        g_assert_cmpuint (rr[u], ==, u % m);
      sim_model_deal (ones, 23, m, rr);
      for (guint u = 0; u < 23; u++)
        g_assert_cmpuint (rr[u], ==, u % m);
    }

  /* Random costs: every unit one owner, the loads within the largest cost
   * of one another, the same owners every time. */
  enum { N = 367 };
  guint64 cost[N], max_cost = 0;
  for (guint u = 0; u < N; u++)
    {
      cost[u] = 1 + (guint64) g_test_rand_int_range (0, 1 << 24);
      max_cost = MAX (max_cost, cost[u]);
    }
  for (guint members = 1; members <= 9; members++)
    {
      guint a[N], b[N];
      guint64 load[9] = { 0 };
      sim_model_deal (cost, N, members, a);
      sim_model_deal (cost, N, members, b);
      g_assert_cmpmem (a, sizeof a, b, sizeof b);
      for (guint u = 0; u < N; u++)
        {
          g_assert_cmpuint (a[u], <, members);
          load[a[u]] += cost[u];
        }
      guint64 lo = G_MAXUINT64, hi = 0;
      for (guint m = 0; m < members; m++)
        {
          lo = MIN (lo, load[m]);
          hi = MAX (hi, load[m]);
        }
      g_assert_cmpuint (hi - lo, <=, max_cost);
    }
}

/* CLEAR zeroes and empties what is declared; SUM alone leaves it. */
static void
test_reducer_alone (void)
{
  gint64 i64[3] = { 1, -2, 3 };
  gint32 i32[2] = { -1, 4 };
  guint8 u8[2] = { 9, 255 };
  double f64[2] = { 0.5, -1e300 }, same[2] = { 2, 3 };
  g_autoptr (SimHistogram) h = sim_histogram_new (1e-6, 1e4, 6);
  sim_histogram_record (h, 0.25);
  for (int kind = SIM_REDUCER_SUM; kind >= SIM_REDUCER_CLEAR; kind--)
    {
      g_autoptr (SimReducer) red = sim_reducer_new ((SimReducerKind) kind, sim_comm_world ());
      g_assert_cmpint (sim_reducer_kind (red), ==, kind);
      sim_reducer_array (red, i64, 3);
      sim_reducer_array (red, i32, 2);
      sim_reducer_array (red, u8, 2);
      sim_reducer_array (red, f64, 2);
      sim_reducer_f64_same (red, same, 2);
      sim_reducer_histogram (red, h);
      gboolean sum = kind == SIM_REDUCER_SUM;
      g_assert_cmpint (i64[1], ==, sum ? -2 : 0);
      g_assert_cmpint (i32[0], ==, sum ? -1 : 0);
      g_assert_cmpuint (u8[1], ==, sum ? 255 : 0);
      g_assert_cmpfloat (f64[1], ==, sum ? -1e300 : 0);
      g_assert_cmpfloat (same[0], ==, sum ? 2 : 0);
      g_assert_cmpuint (sim_histogram_count (h), ==, sum ? 1 : 0);
    }
}

/* A model may run a second set of units from rep_end (the latency model's
 * platforms after the rollout's cities): the engine's units service. */
static void
test_units_service (void)
{
  g_autofree Toy *t = toy_new (NULL), *u = toy_new (NULL);
  SimModelRep one = { .index = 0, .replication = 5, .keeper = TRUE, .jobs = 4 };
  SimModelRep alone = { .index = 0, .replication = 5, .keeper = TRUE, .jobs = 0 };
  toy_current = 0;
  t->rep_key[0] = u->rep_key[0] = 5;
  g_assert_true (sim_model_run_units (&toy_unit_set, t, &one, NULL));
  g_assert_true (sim_model_run_units (&toy_unit_set, u, &alone, NULL));
  for (guint k = 0; k < TOY_UNITS; k++)
    g_assert_cmpint (t->calls[0][k], ==, 1);
  assert_same_results (t, u);
}

typedef struct {
  guint calls, progress[8], n_progress;
} Jobs;

static GBytes *
job_run (guint job, gpointer data, GError **error)
{
  Jobs *j = data;
  j->calls++;
  g_autofree char *text = g_strdup_printf ("job %u", job);
  return g_bytes_new (text, strlen (text));
}

static void
job_progress (guint done, guint mine, guint processes, gpointer data)
{
  Jobs *j = data;
  g_assert_cmpuint (mine, ==, 7);
  g_assert_cmpuint (processes, ==, 1);
  j->progress[j->n_progress++] = done;
}

/* Alone, every job runs here and the results come back in job order. */
static void
test_jobs_alone (void)
{
  Jobs j = { 0 };
  const SimJobs jobs = { .name = "toy job", .fail_status = 2, .run = job_run,
                         .progress = job_progress, .data = &j };
  g_autoptr (GPtrArray) all = sim_jobs_run (&jobs, 7, NULL);
  g_assert_nonnull (all);
  g_assert_cmpuint (all->len, ==, 7);
  g_assert_cmpuint (j.calls, ==, 7);
  for (guint i = 0; i < 7; i++)
    {
      g_autofree char *want = g_strdup_printf ("job %u", i);
      gsize len;
      const char *got = g_bytes_get_data (all->pdata[i], &len);
      g_assert_cmpmem (got, len, want, strlen (want));
      g_assert_cmpuint (j.progress[i], ==, i + 1);
    }
  g_autoptr (GPtrArray) none = sim_jobs_run (&jobs, 0, sim_comm_world ());
  g_assert_cmpuint (none->len, ==, 0);
}

int
main (int argc, char **argv)
{
  essc_test_init (&argc, &argv);
  g_test_add_func ("/sim/model/every-unit-once-any-threads-any-order", test_every_unit_once);
  g_test_add_func ("/sim/model/unit-progress-every-count-once", test_unit_progress);
  g_test_add_func ("/sim/model/first-replication-keys-the-streams", test_first_replication);
  g_test_add_func ("/sim/model/checkpoint-resume-same-results", test_checkpoint_resume);
  g_test_add_func ("/sim/model/unit-errors-lowest-unit", test_unit_errors);
  g_test_add_func ("/sim/model/deal-balanced-deterministic", test_deal);
  g_test_add_func ("/sim/model/units-service", test_units_service);
  g_test_add_func ("/sim/reduce/alone", test_reducer_alone);
  g_test_add_func ("/sim/jobs/alone-in-order", test_jobs_alone);
  return g_test_run ();
}
