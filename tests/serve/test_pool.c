/* SPDX-License-Identifier: MIT */
/*
 * Tests of serve/pool with fake workers: small shell scripts written into
 * the test's folder and passed as the essc binary, each reading the options
 * the pool gives `essc registry test` and behaving well or badly.  A good
 * worker's progress reaches the subscribers and its results and transcript
 * the store; one that hangs is killed with its whole process group at the
 * deadline (no process left, no zombie); one that crashes, floods its
 * output, writes garbage, cannot start or exits 2 ends in error with a
 * message that says so; the memory limit holds (and the same worker
 * allocates without it); the queue is fair and the limits on running runs
 * are never passed; freeing the pool kills its children and marks their
 * runs interrupted.  The main loop runs under a deadline: a wrong pool
 * fails a test, never hangs it.
 */
#include "serve/pool.h"
#include "serve/run_json.h"
#include "serve/store.h"
#include "tests/lib/testutil.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* Reads the options as `essc registry test` gets them. */
static const char PROLOGUE[] =
  "#!/bin/sh\n"
  "while [ $# -gt 0 ]; do\n"
  "  case \"$1\" in\n"
  "    --id) ch=$2; shift ;;\n"
  "    --actor) actor=$2; shift ;;\n"
  "    --results) res=$2; shift ;;\n"
  "    --transcript) tr=$2; shift ;;\n"
  "  esac\n"
  "  shift\n"
  "done\n"
  "vendor=${actor#vendor:}\n"
  "fx=$(dirname \"$0\")\n";

static const char RESULTS[] =
  "{\"schema\":\"essc-conformance-results/1\",\"verdict\":\"%s\",\"tests\":["
  "{\"name\":\"channel/a\",\"requirements\":[\"CH-1\"],\"verdict\":\"pass\",\"reason\":null},"
  "{\"name\":\"channel/b\",\"requirements\":[\"CH-2\"],\"verdict\":\"%s\",\"reason\":\"x\"},"
  "{\"name\":\"channel/c\",\"requirements\":[],\"verdict\":\"skip\",\"reason\":\"y\"}]}\n";

static const char TRANSCRIPT[] =
  "{\"test\":\"channel/a\",\"dir\":\"send\",\"t_ms\":0.1,\"line\":\"hello\"}\n"
  "{\"test\":\"channel/b\",\"dir\":\"recv\",\"t_ms\":0.2,\"line\":\"refused\"}\n";

typedef struct {
  gint64 run;
  char *event, *json;
  guint running;                /* serve_pool_running at the event */
} Event;

typedef struct {
  char *dir, *state, *bin;
  ServeStore *store;
  ServePool *pool;
  ServePoolOptions o;
  GArray *events;
  guint max_running, max_per_vendor_seen;
} Fx;

static void
event_clear (gpointer p)
{
  Event *e = p;
  g_free (e->event);
  g_free (e->json);
}

static void
fx_set_up (Fx *fx, gconstpointer data)
{
  /* a subprocess of test_server_killed works in its parent's folder */
  const char *parent = g_test_subprocess () ? g_getenv ("ESSC_POOL_TEST_DIR") : NULL;
  fx->dir = parent != NULL ? g_strdup (parent) : essc_test_make_tmpdir ("essc-serve-pool-XXXXXX");
  fx->state = g_build_filename (fx->dir, "state", NULL);
  g_assert_cmpint (g_mkdir_with_parents (fx->state, 0700), ==, 0);
  g_autofree char *db = g_build_filename (fx->state, "serve.db", NULL);
  g_autoptr (GError) error = NULL;
  fx->store = serve_store_open (db, ESSC_TEST_NOW, NULL, &error);
  g_assert_no_error (error);
  fx->events = g_array_new (FALSE, TRUE, sizeof (Event));
  g_array_set_clear_func (fx->events, event_clear);
  g_autofree char *conformant = g_strdup_printf (RESULTS, "conformant", "waived");
  g_autofree char *not = g_strdup_printf (RESULTS, "not conformant", "fail");
  g_autofree char *p1 = g_build_filename (fx->dir, "conformant.json", NULL);
  g_autofree char *p2 = g_build_filename (fx->dir, "not.json", NULL);
  g_autofree char *p3 = g_build_filename (fx->dir, "transcript.jsonl", NULL);
  g_assert_true (g_file_set_contents (p1, conformant, -1, NULL));
  g_assert_true (g_file_set_contents (p2, not, -1, NULL));
  g_assert_true (g_file_set_contents (p3, TRANSCRIPT, -1, NULL));
  fx->o = (ServePoolOptions) { .registry_path = "REG.db", .key_path = "ISSUER.key",
                               .state_dir = fx->state, .max_total = 4, .max_per_vendor = 2,
                               .deadline_s = 60, .mem_bytes = (guint64) 1 << 30, .cpu_s = 60 };
}

static void
fx_tear_down (Fx *fx, gconstpointer data)
{
  serve_pool_free (fx->pool);
  serve_store_close (fx->store);
  g_array_free (fx->events, TRUE);
  g_assert_true (essc_test_remove_dir (fx->dir));
  g_free (fx->dir);
  g_free (fx->state);
  g_free (fx->bin);
}

/* A fake worker: PROLOGUE, then body. */
static void
worker (Fx *fx, const char *body)
{
  g_free (fx->bin);
  fx->bin = g_build_filename (fx->dir, "essc", NULL);
  g_autofree char *text = g_strconcat (PROLOGUE, body, NULL);
  g_assert_true (g_file_set_contents (fx->bin, text, -1, NULL));
  g_assert_cmpint (g_chmod (fx->bin, 0755), ==, 0);
  fx->o.essc_bin = fx->bin;
}

static void
on_event (gint64 run, const char *event, const char *json, gpointer data)
{
  Fx *fx = data;
  Event e = { run, g_strdup (event), g_strdup (json), serve_pool_running (fx->pool) };
  g_array_append_val (fx->events, e);
  fx->max_running = MAX (fx->max_running, e.running);
  /* how many of each vendor run, by the store */
  g_autoptr (GPtrArray) runs = serve_store_runs (fx->store, NULL, NULL, 0, NULL);
  g_autoptr (GHashTable) per = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < runs->len; i++)
    {
      ServeRun *r = runs->pdata[i];
      if (strcmp (r->state, SERVE_RUN_RUNNING) != 0)
        continue;
      guint n = GPOINTER_TO_UINT (g_hash_table_lookup (per, r->vendor)) + 1;
      g_hash_table_insert (per, r->vendor, GUINT_TO_POINTER (n));
      fx->max_per_vendor_seen = MAX (fx->max_per_vendor_seen, n);
    }
}

static void
start_pool (Fx *fx)
{
  g_autoptr (GError) error = NULL;
  fx->pool = serve_pool_new (fx->store, &fx->o, &error);
  g_assert_no_error (error);
  serve_pool_subscribe (fx->pool, on_event, fx);
}

static gint64
queue (Fx *fx, const char *vendor, const char *channel)
{
  g_autoptr (GError) error = NULL;
  gint64 id = 0;
  g_assert_true (serve_store_run_add (fx->store, vendor, channel, NULL, ESSC_TEST_NOW, &id, NULL,
                                      &error));
  g_assert_no_error (error);
  return id;
}

static gboolean
all_finished (Fx *fx)
{
  guint queued = 0, running = 0;
  g_assert_true (serve_store_count (fx->store, NULL, SERVE_RUN_QUEUED, &queued, NULL));
  g_assert_true (serve_store_count (fx->store, NULL, SERVE_RUN_RUNNING, &running, NULL));
  return queued == 0 && running == 0 && serve_pool_running (fx->pool) == 0;
}

static gboolean
flag_up (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Runs the main loop until every run finished; fails after 30 s. */
static void
run_all (Fx *fx)
{
  gboolean late = FALSE;
  guint t = g_timeout_add_seconds (30, flag_up, &late);
  while (!late && !all_finished (fx))
    g_main_context_iteration (NULL, TRUE);
  if (!late)
    g_source_remove (t);
  g_assert_false (late);
}

static ServeRun *
run_of (Fx *fx, gint64 id)
{
  g_autoptr (GError) error = NULL;
  ServeRun *r = serve_store_run (fx->store, id, &error);
  g_assert_no_error (error);
  return r;
}

/* The run's message, which must contain want. */
static ServeRun *
ended_in_error (Fx *fx, gint64 id, const char *want)
{
  ServeRun *r = run_of (fx, id);
  g_test_message ("run %" G_GINT64_FORMAT ": %s: %s", id, r->state, r->message);
  g_assert_cmpstr (r->state, ==, SERVE_RUN_ERROR);
  g_assert_nonnull (r->message);
  g_assert_nonnull (strstr (r->message, want));
  g_assert_cmpint (r->finished_at, >, 0);
  return r;
}

/* The process pid is gone, or dead awaiting its parent's wait (a
 * grandchild whose parent died is init's to reap). */
static void
assert_dead (const char *pid, gboolean allow_zombie)
{
  g_autofree char *path = g_strdup_printf ("/proc/%s/stat", pid);
  g_autofree char *stat = NULL;
  if (!g_file_get_contents (path, &stat, NULL, NULL))
    return;
  const char *close = strrchr (stat, ')');
  g_assert_nonnull (close);
  g_test_message ("process %s: state %c", pid, close[2]);
  g_assert_true (allow_zombie && close[2] == 'Z');
}

/* ---- a good worker -------------------------------------------------------------- */

static void
test_good (Fx *fx, gconstpointer data)
{
  worker (fx, "printf 'progress\\t1\\t3\\tpass\\tchannel/a\\n'\n"
              "printf 'progress\\t2\\t3\\tfail\\tchannel/b\\n'\n"
              "printf 'progress\\t3\\t3\\tskip\\tchannel/c\\n'\n"
              "echo 'some words on stderr' >&2\n"
              "cp \"$fx/not.json\" \"$res\"; cp \"$fx/transcript.jsonl\" \"$tr\"\n"
              "echo \"$ch $vendor\" > \"$fx/args\"\n"
              "printf 'report\\t42\\tnot conformant\\n'\n"
              "exit 1\n");
  start_pool (fx);
  gint64 id = queue (fx, "v1", "CH000101");
  serve_pool_kick (fx->pool);
  g_assert_cmpuint (serve_pool_running (fx->pool), ==, 1);
  run_all (fx);

  g_autoptr (ServeRun) r = run_of (fx, id);
  g_assert_cmpstr (r->state, ==, SERVE_RUN_NOT_CONFORMANT);
  g_assert_null (r->message);
  g_assert_cmpint (r->report_id, ==, 42);
  g_assert_cmpuint (r->done, ==, 3);
  g_assert_cmpuint (r->passed, ==, 1);
  g_assert_cmpuint (r->failed, ==, 1);
  g_assert_cmpuint (r->skipped, ==, 1);
  g_autoptr (GPtrArray) tests = serve_store_run_tests (fx->store, id, NULL);
  g_assert_cmpuint (tests->len, ==, 3);
  g_assert_cmpstr (((ServeRunTest *) tests->pdata[1])->transcript, ==,
                   "[{\"test\":\"channel/b\",\"dir\":\"recv\",\"t_ms\":0.2,\"line\":\"refused\"}]");
  /* the worker was given the run's channel and vendor */
  g_autofree char *args_path = g_build_filename (fx->dir, "args", NULL);
  g_autofree char *args = NULL;
  g_assert_true (g_file_get_contents (args_path, &args, NULL, NULL));
  g_assert_cmpstr (args, ==, "CH000101 v1\n");
  /* its stderr is kept in the run's folder */
  g_autofree char *err_path = g_strdup_printf ("%s/runs/%" G_GINT64_FORMAT "/stderr", fx->state,
                                               id);
  g_autofree char *err = NULL;
  g_assert_true (g_file_get_contents (err_path, &err, NULL, NULL));
  g_assert_cmpstr (err, ==, "some words on stderr\n");

  /* the events: running, three progress, the finished state */
  g_assert_cmpuint (fx->events->len, ==, 5);
  Event *e = &g_array_index (fx->events, Event, 0);
  g_assert_cmpstr (e->event, ==, "state");
  g_assert_nonnull (strstr (e->json, "\"state\":\"running\""));
  for (guint i = 1; i <= 3; i++)
    {
      e = &g_array_index (fx->events, Event, i);
      g_assert_cmpint (e->run, ==, id);
      g_assert_cmpstr (e->event, ==, "progress");
      g_autofree char *want = g_strdup_printf ("{\"done\":%u,\"total\":3,", i);
      g_assert_true (g_str_has_prefix (e->json, want));
    }
  g_assert_nonnull (strstr (g_array_index (fx->events, Event, 2).json,
                            "\"verdict\":\"fail\",\"test\":\"channel/b\""));
  e = &g_array_index (fx->events, Event, 4);
  g_assert_cmpstr (e->event, ==, "state");
  g_autofree char *want = serve_run_to_json (r);
  g_assert_cmpstr (e->json, ==, want);
  g_assert_nonnull (strstr (e->json, "\"finished\":true"));
}

/* ---- workers that misbehave --------------------------------------------------------- */

static void
test_deadline (Fx *fx, gconstpointer data)
{
  worker (fx, "printf 'progress\\t1\\t3\\tpass\\tchannel/a\\n'\n"
              "sleep 1000 &\n"
              "echo $$ $! > \"$fx/pids\"\n"
              "wait\n");
  fx->o.deadline_s = 1;
  start_pool (fx);
  gint64 id = queue (fx, "v1", "CH000101");
  serve_pool_kick (fx->pool);
  run_all (fx);
  g_autoptr (ServeRun) r = ended_in_error (fx, id, "deadline of 1 s passed");
  g_assert_cmpstr (r->message, ==, "deadline of 1 s passed");
  /* the progress before the kill was kept */
  g_assert_cmpuint (r->done, ==, 1);
  g_assert_cmpuint (r->total, ==, 3);
  g_autofree char *pids_path = g_build_filename (fx->dir, "pids", NULL);
  g_autofree char *pids = NULL;
  g_assert_true (g_file_get_contents (pids_path, &pids, NULL, NULL));
  g_auto (GStrv) p = g_strsplit (g_strstrip (pids), " ", 2);
  g_assert_cmpuint (g_strv_length (p), ==, 2);
  assert_dead (p[0], FALSE);     /* the worker: reaped, no zombie */
  assert_dead (p[1], TRUE);      /* what it started: killed with its group */
}

static void
test_crash (Fx *fx, gconstpointer data)
{
  worker (fx, "echo 'about to crash' >&2\nkill -SEGV $$\nsleep 5\n");
  start_pool (fx);
  gint64 id = queue (fx, "v1", "CH000101");
  serve_pool_kick (fx->pool);
  run_all (fx);
  g_autoptr (ServeRun) r = ended_in_error (fx, id, "killed by signal 11");
  g_assert_nonnull (strstr (r->message, "about to crash"));
  /* the pool goes on: the next run starts and ends */
  worker (fx, "exit 2\n");
  serve_pool_free (fx->pool);
  start_pool (fx);
  gint64 next = queue (fx, "v1", "CH000101");
  serve_pool_kick (fx->pool);
  run_all (fx);
  g_autoptr (ServeRun) n = ended_in_error (fx, next, "could not be tested (exit 2)");
}

static void
test_flood (Fx *fx, gconstpointer data)
{
  static const struct { const char *body, *want; } cases[] = {
    /* 100 kB without a line feed, then a hang: killed at once, not at the deadline */
    { "head -c 100000 /dev/zero | tr '\\0' x\nsleep 1000\n", "a line over 4096 bytes" },
    { "yes 'progress\tone\ttwo\tpass\tx'\n", "malformed progress line" },
    { "echo hello; sleep 1000\n", "neither progress nor report" },
    { "printf 'progress\\t2\\t3\\tpass\\tchannel/a\\n'; sleep 1000\n",
      "progress went from 0 of 0 to 2 of 3" },
    { "printf 'progress\\t1\\t3\\tpass\\tchannel/a\\n'\n"
      "printf 'progress\\t2\\t4\\tpass\\tchannel/b\\n'; sleep 1000\n",
      "progress went from 1 of 3 to 2 of 4" },
    { "printf 'progress\\t1\\t1\\tmaybe\\tchannel/a\\n'; sleep 1000\n", "malformed progress" },
    { "printf 'progress\\t1\\t1\\tpass\\tchannel/a\\a\\n'; sleep 1000\n", "malformed progress" },
    { "printf 'report\\t7\\tconformant\\n'; echo more; sleep 1000\n", "after its report line" },
    { "printf 'a\\0b\\n'; sleep 1000\n", "a NUL byte" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      worker (fx, cases[i].body);
      serve_pool_free (fx->pool);
      start_pool (fx);
      gint64 id = queue (fx, "v1", "CH000101");
      serve_pool_kick (fx->pool);
      run_all (fx);
      g_autoptr (ServeRun) r = ended_in_error (fx, id, cases[i].want);
    }
}

static void
test_exits (Fx *fx, gconstpointer data)
{
  static const struct { const char *body, *want; gint64 report; } cases[] = {
    { "echo 'cannot reach http://127.0.0.1:9/: connection refused' >&2; exit 2\n",
      "could not be tested (exit 2): cannot reach http://127.0.0.1:9/: connection refused", 0 },
    { "echo 'disk full' >&2; exit 3\n", "could not write its results (exit 3): disk full", 0 },
    { "exit 0\n", "exited with status 0 without a report", 0 },
    { "exit 7\n", "exited with status 7", 0 },
    /* a report of one verdict and an exit of the other */
    { "printf 'report\\t5\\tconformant\\n'; exit 1\n",
      "exited with status 1 after reporting 'conformant'", 5 },
    /* a stored report whose results file is missing or garbage */
    { "printf 'report\\t6\\tconformant\\n'; exit 0\n",
      "report 6 was stored, but its results could not be read: results.json:", 6 },
    { "echo '{\"schema\":' > \"$res\"; printf 'report\\t8\\tconformant\\n'; exit 0\n",
      "report 8 was stored, but its results could not be read: the results file does not parse",
      8 },
    { "cp \"$fx/not.json\" \"$res\"; printf 'report\\t9\\tconformant\\n'; exit 0\n",
      "verdict 'not conformant' is not the worker's 'conformant'", 9 },
  };
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      worker (fx, cases[i].body);
      serve_pool_free (fx->pool);
      start_pool (fx);
      gint64 id = queue (fx, "v1", "CH000101");
      serve_pool_kick (fx->pool);
      run_all (fx);
      g_autoptr (ServeRun) r = ended_in_error (fx, id, cases[i].want);
      g_assert_cmpint (r->report_id, ==, cases[i].report);
      g_autoptr (GPtrArray) tests = serve_store_run_tests (fx->store, id, NULL);
      g_assert_cmpuint (tests->len, ==, 0);
    }
  /* a conformant run, with its tests */
  worker (fx, "cp \"$fx/conformant.json\" \"$res\"; printf 'report\\t10\\tconformant\\n'\n");
  serve_pool_free (fx->pool);
  start_pool (fx);
  gint64 id = queue (fx, "v1", "CH000101");
  serve_pool_kick (fx->pool);
  run_all (fx);
  g_autoptr (ServeRun) r = run_of (fx, id);
  g_assert_cmpstr (r->state, ==, SERVE_RUN_CONFORMANT);
  g_assert_cmpuint (r->total, ==, 3);
  g_autoptr (GPtrArray) tests = serve_store_run_tests (fx->store, id, NULL);
  g_assert_cmpuint (tests->len, ==, 3);
  g_assert_cmpstr (((ServeRunTest *) tests->pdata[2])->transcript, ==, "[]");   /* none */

  /* no such program */
  g_free (fx->bin);
  fx->bin = g_build_filename (fx->dir, "no-such-essc", NULL);
  fx->o.essc_bin = fx->bin;
  serve_pool_free (fx->pool);
  start_pool (fx);
  gint64 a = queue (fx, "v1", "CH000101");
  gint64 b = queue (fx, "v1", "CH000101");
  serve_pool_kick (fx->pool);
  run_all (fx);
  g_autoptr (ServeRun) ra = ended_in_error (fx, a, "could not start the worker");
  g_autoptr (ServeRun) rb = ended_in_error (fx, b, "could not start the worker");
}

static void
test_memory (Fx *fx, gconstpointer data)
{
  g_autofree char *python = g_find_program_in_path ("python3");
  if (python == NULL)
    {
      g_test_fail_printf ("python3 is needed (Debian: python3)");
      return;
    }
  /* 2 GiB of address space, never touched (RLIMIT_AS counts it) */
  worker (fx, "exec python3 -c 'import mmap, sys; m = mmap.mmap(-1, 2 << 30); "
              "print(\"allocated\", len(m), file=sys.stderr)'\n");
  fx->o.mem_bytes = (guint64) 512 << 20;
  start_pool (fx);
  gint64 id = queue (fx, "v1", "CH000101");
  serve_pool_kick (fx->pool);
  run_all (fx);
  g_autoptr (ServeRun) r = ended_in_error (fx, id, "Cannot allocate memory");
  g_assert_null (strstr (r->message, "allocated"));
  /* the same worker without that limit gets its memory (and, having no
   * report, still ends in error) */
  serve_pool_free (fx->pool);
  fx->o.mem_bytes = (guint64) 64 << 30;
  start_pool (fx);
  gint64 id2 = queue (fx, "v1", "CH000101");
  serve_pool_kick (fx->pool);
  run_all (fx);
  g_autoptr (ServeRun) r2 = ended_in_error (fx, id2, "allocated 2147483648");
}

/* A burst of progress lines: each reaches the subscribers, while the store
 * is written at most once per 250 ms (plus the last and the finish),
 * counted by a trigger on the file. */
static void
test_throttle (Fx *fx, gconstpointer data)
{
  worker (fx, "i=1; while [ $i -le 1000 ]; do\n"
              "  printf 'progress\\t%d\\t1000\\tpass\\tchannel/%d\\n' $i $i; i=$((i + 1))\n"
              "done\nexit 2\n");
  g_autofree char *db = g_strdup (serve_store_path (fx->store));
  sqlite3 *c = NULL;
  g_assert_cmpint (sqlite3_open (db, &c), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (c, "CREATE TABLE writes (n INTEGER); INSERT INTO writes VALUES"
                                 " (0); CREATE TRIGGER count_writes AFTER UPDATE OF done ON run"
                                 " BEGIN UPDATE writes SET n = n + 1; END", NULL, NULL, NULL),
                   ==, SQLITE_OK);
  start_pool (fx);
  gint64 id = queue (fx, "v1", "CH000101");
  gint64 t0 = g_get_monotonic_time ();
  serve_pool_kick (fx->pool);
  run_all (fx);
  gint64 elapsed_ms = (g_get_monotonic_time () - t0) / 1000;
  g_autoptr (ServeRun) r = ended_in_error (fx, id, "exit 2");
  g_assert_cmpuint (r->done, ==, 1000);     /* the last progress was written */
  guint progress = 0;
  for (guint i = 0; i < fx->events->len; i++)
    progress += strcmp (g_array_index (fx->events, Event, i).event, "progress") == 0;
  g_assert_cmpuint (progress, ==, 1000);
  sqlite3_stmt *st = NULL;
  g_assert_cmpint (sqlite3_prepare_v2 (c, "SELECT n FROM writes", -1, &st, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (st), ==, SQLITE_ROW);
  gint64 writes = sqlite3_column_int64 (st, 0);
  sqlite3_finalize (st);
  sqlite3_close (c);
  g_test_message ("%" G_GINT64_FORMAT " writes of progress in %" G_GINT64_FORMAT " ms", writes,
                  elapsed_ms);
  g_assert_cmpint (writes, >=, 1);
  g_assert_cmpint (writes, <=, 2 + elapsed_ms / 250 + 1);
}

/* ---- fairness and limits ------------------------------------------------------------ */

/* The order in which runs started, from the pool's events. */
static GArray *
start_order (Fx *fx)
{
  GArray *order = g_array_new (FALSE, FALSE, sizeof (gint64));
  for (guint i = 0; i < fx->events->len; i++)
    {
      Event *e = &g_array_index (fx->events, Event, i);
      if (strcmp (e->event, "state") == 0 && strstr (e->json, "\"state\":\"running\"") != NULL)
        g_array_append_val (order, e->run);
    }
  return order;
}

static guint
position (GArray *order, gint64 id)
{
  for (guint i = 0; i < order->len; i++)
    if (g_array_index (order, gint64, i) == id)
      return i;
  g_assert_not_reached ();
}

static const char QUICK[] =
  "sleep 0.1\ncp \"$fx/conformant.json\" \"$res\"; printf 'report\\t1\\tconformant\\n'\n";

static void
test_fair (Fx *fx, gconstpointer data)
{
  worker (fx, QUICK);
  /* one at a time: A queues 6, then B 1 */
  fx->o.max_total = 1;
  start_pool (fx);
  gint64 a[6], b;
  for (int i = 0; i < 6; i++)
    a[i] = queue (fx, "a", "CH000101");
  b = queue (fx, "b", "CH000201");
  serve_pool_kick (fx->pool);
  run_all (fx);
  g_autoptr (GArray) order = start_order (fx);
  g_assert_cmpuint (order->len, ==, 7);
  g_assert_cmpuint (position (order, a[0]), ==, 0);
  g_assert_cmpuint (position (order, b), ==, 1);
  for (int i = 1; i < 6; i++)
    g_assert_cmpuint (position (order, a[i]), ==, (guint) i + 1);

  /* two at a time: A's first two start, then B queues: B before A's third */
  serve_pool_free (fx->pool);
  g_array_set_size (fx->events, 0);
  fx->o.max_total = 2;
  start_pool (fx);
  for (int i = 0; i < 6; i++)
    a[i] = queue (fx, "a", "CH000101");
  serve_pool_kick (fx->pool);
  g_assert_cmpuint (serve_pool_running (fx->pool), ==, 2);
  b = queue (fx, "b", "CH000201");
  serve_pool_kick (fx->pool);     /* no slot: nothing starts */
  g_assert_cmpuint (serve_pool_running (fx->pool), ==, 2);
  run_all (fx);
  g_autoptr (GArray) order2 = start_order (fx);
  g_assert_cmpuint (order2->len, ==, 7);
  g_assert_cmpuint (position (order2, b), <, position (order2, a[2]));
  g_assert_cmpuint (position (order2, a[0]), <, position (order2, a[1]));
}

static void
test_limits (Fx *fx, gconstpointer data)
{
  /* each worker notes how many workers run, in all and of its vendor */
  g_autofree char *live = g_build_filename (fx->dir, "live", NULL);
  g_assert_cmpint (g_mkdir (live, 0700), ==, 0);
  worker (fx, "touch \"$fx/live/$$.$vendor\"\n"
              "n=$(ls \"$fx/live\" | wc -l); nv=$(ls \"$fx/live\" | grep -c \"\\.$vendor$\")\n"
              "echo \"$n $nv\" >> \"$fx/seen\"\n"
              "sleep 0.2\n"
              "rm \"$fx/live/$$.$vendor\"\n"
              "cp \"$fx/conformant.json\" \"$res\"; printf 'report\\t1\\tconformant\\n'\n");
  fx->o.max_total = 3;
  fx->o.max_per_vendor = 2;
  start_pool (fx);
  for (int i = 0; i < 5; i++)
    {
      queue (fx, "a", "CH000101");
      queue (fx, "b", "CH000201");
    }
  serve_pool_kick (fx->pool);
  /* at once: three running, two of a (its turn came first and again
   * after b's), one of b */
  g_assert_cmpuint (serve_pool_running (fx->pool), ==, 3);
  guint na = 0, nb = 0;
  g_assert_true (serve_store_count (fx->store, "a", SERVE_RUN_RUNNING, &na, NULL));
  g_assert_true (serve_store_count (fx->store, "b", SERVE_RUN_RUNNING, &nb, NULL));
  g_assert_cmpuint (na, ==, 2);
  g_assert_cmpuint (nb, ==, 1);
  run_all (fx);
  g_assert_cmpuint (fx->max_running, <=, 3);
  g_assert_cmpuint (fx->max_per_vendor_seen, <=, 2);
  /* what the workers saw */
  g_autofree char *seen_path = g_build_filename (fx->dir, "seen", NULL);
  g_autofree char *seen = NULL;
  g_assert_true (g_file_get_contents (seen_path, &seen, NULL, NULL));
  g_auto (GStrv) lines = g_strsplit (g_strstrip (seen), "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 10);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      guint n = 0, nv = 0;
      g_assert_cmpint (sscanf (lines[i], "%u %u", &n, &nv), ==, 2);
      g_assert_cmpuint (n, <=, 3);
      g_assert_cmpuint (nv, <=, 2);
    }
  guint conformant = 0;
  g_assert_true (serve_store_count (fx->store, NULL, SERVE_RUN_CONFORMANT, &conformant, NULL));
  g_assert_cmpuint (conformant, ==, 10);
}

/* Freeing the pool kills the workers; their runs are interrupted, the
 * queued ones stay queued. */
static void
test_free (Fx *fx, gconstpointer data)
{
  worker (fx, "echo $$ >> \"$fx/pids\"\nprintf 'progress\\t1\\t2\\tpass\\tchannel/a\\n'\n"
              "exec sleep 1000\n");
  fx->o.max_total = 2;
  start_pool (fx);
  gint64 a = queue (fx, "a", "CH000101");
  gint64 b = queue (fx, "b", "CH000201");
  gint64 c = queue (fx, "c", "CH000301");
  serve_pool_kick (fx->pool);
  g_assert_cmpuint (serve_pool_running (fx->pool), ==, 2);
  /* wait until both reported progress */
  gboolean late = FALSE;
  guint t = g_timeout_add_seconds (30, flag_up, &late);
  guint progress = 0;
  while (!late && progress < 2)
    {
      g_main_context_iteration (NULL, TRUE);
      progress = 0;
      for (guint i = 0; i < fx->events->len; i++)
        progress += strcmp (g_array_index (fx->events, Event, i).event, "progress") == 0;
    }
  g_assert_false (late);
  g_source_remove (t);
  serve_pool_free (fx->pool);
  fx->pool = NULL;
  g_autoptr (ServeRun) ra = run_of (fx, a);
  g_autoptr (ServeRun) rb = run_of (fx, b);
  g_autoptr (ServeRun) rc = run_of (fx, c);
  g_assert_cmpstr (ra->state, ==, SERVE_RUN_INTERRUPTED);
  g_assert_cmpstr (rb->state, ==, SERVE_RUN_INTERRUPTED);
  g_assert_cmpstr (ra->message, ==, "the server stopped while the run ran");
  g_assert_cmpuint (ra->done, ==, 1);
  g_assert_cmpstr (rc->state, ==, SERVE_RUN_QUEUED);
  g_autofree char *pids_path = g_build_filename (fx->dir, "pids", NULL);
  g_autofree char *pids = NULL;
  g_assert_true (g_file_get_contents (pids_path, &pids, NULL, NULL));
  g_auto (GStrv) p = g_strsplit (g_strstrip (pids), "\n", -1);
  g_assert_cmpuint (g_strv_length (p), ==, 2);
  assert_dead (p[0], FALSE);
  assert_dead (p[1], FALSE);
}

/* The process pid is dead (gone or a zombie) within 10 s. */
static void
await_dead (const char *pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%s/stat", pid);
  for (int i = 0; i < 1000; i++)
    {
      g_autofree char *stat = NULL;
      if (!g_file_get_contents (path, &stat, NULL, NULL))
        return;
      const char *close = strrchr (stat, ')');
      if (close != NULL && close[2] == 'Z')
        return;
      g_usleep (10000);
    }
  g_assert_not_reached ();
}

/* A server killed with SIGKILL takes its workers along (their parent-death
 * signal), and a restart marks their runs interrupted.  The server is a
 * subprocess of the test working in the test's folder. */
static void
test_server_killed (Fx *fx, gconstpointer data)
{
  g_autofree char *pids_path = g_build_filename (fx->dir, "pids", NULL);
  if (g_test_subprocess ())
    {
      fx->bin = g_build_filename (fx->dir, "essc", NULL);
      fx->o.essc_bin = fx->bin;
      start_pool (fx);
      serve_pool_kick (fx->pool);
      g_assert_cmpuint (serve_pool_running (fx->pool), ==, 1);
      while (!g_file_test (pids_path, G_FILE_TEST_EXISTS) || fx->events->len < 2)
        g_main_context_iteration (NULL, TRUE);
      kill (getpid (), SIGKILL);
      g_assert_not_reached ();
    }
  worker (fx, "echo $$ >> \"$fx/pids\"\nprintf 'progress\\t1\\t2\\tpass\\tchannel/a\\n'\n"
              "exec sleep 1000\n");
  gint64 id = queue (fx, "a", "CH000101");
  g_setenv ("ESSC_POOL_TEST_DIR", fx->dir, TRUE);
  g_test_trap_subprocess (NULL, 30 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_DEFAULT);
  g_unsetenv ("ESSC_POOL_TEST_DIR");
  g_test_trap_assert_failed ();
  g_autofree char *pid = NULL;
  g_assert_true (g_file_get_contents (pids_path, &pid, NULL, NULL));
  await_dead (g_strstrip (pid));
  /* the restart */
  g_autofree char *db = g_strdup (serve_store_path (fx->store));
  serve_store_close (fx->store);
  guint interrupted = 0;
  g_autoptr (GError) error = NULL;
  fx->store = serve_store_open (db, ESSC_TEST_NOW, &interrupted, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (interrupted, ==, 1);
  g_autoptr (ServeRun) r = run_of (fx, id);
  g_assert_cmpstr (r->state, ==, SERVE_RUN_INTERRUPTED);
  g_assert_cmpuint (r->done, ==, 1);
}

int
main (int argc, char **argv)
{
  essc_test_init (&argc, &argv);
#define ADD(path, fn) g_test_add (path, Fx, NULL, fx_set_up, fn, fx_tear_down)
  ADD ("/serve/pool/good", test_good);
  ADD ("/serve/pool/deadline", test_deadline);
  ADD ("/serve/pool/crash", test_crash);
  ADD ("/serve/pool/flood", test_flood);
  ADD ("/serve/pool/exits", test_exits);
  ADD ("/serve/pool/memory", test_memory);
  ADD ("/serve/pool/throttle", test_throttle);
  ADD ("/serve/pool/fair", test_fair);
  ADD ("/serve/pool/limits", test_limits);
  ADD ("/serve/pool/free", test_free);
  ADD ("/serve/pool/server-killed", test_server_killed);
  return g_test_run ();
}
