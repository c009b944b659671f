/* SPDX-License-Identifier: MIT */
/*
 * Tests of progress on stderr (cli/progress.h) as a CI log or a terminal
 * sees it: with stderr a pipe and --progress-every 0, essc sim prints one
 * line per replication with increasing counts and a last line, essc sweep
 * one per point and essc calibrate one per generation; --quiet prints
 * nothing; stdout is the same with and without progress; with stderr a
 * terminal (a pseudo-terminal made by python3's pty module) a bar is
 * redrawn in place and ends with a newline; a bad --progress-every is a
 * usage error.  No assertion depends on time.  Runs $ESSC_BIN.
 */
#include "tests/lib/run.h"
#include "tests/lib/testutil.h"

#include <string.h>

/* The lines of text starting with prefix, in order (transfer full). */
static GPtrArray *
lines_with (const char *text, const char *prefix)
{
  GPtrArray *out = g_ptr_array_new_with_free_func (g_free);
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    if (g_str_has_prefix (lines[i], prefix))
      g_ptr_array_add (out, g_strdup (lines[i]));
  return out;
}

/* Checks that lines are `n` progress lines "PREFIX K of N UNITS (" with K
 * = 1..n (or, with gaps allowed, increasing up to N) and then the last
 * line "PREFIX done: N UNITS in ". */
static void
assert_progress (const char *err, const char *prefix, guint n, const char *units,
                 gboolean every_count)
{
  g_autoptr (GPtrArray) lines = lines_with (err, prefix);
  g_assert_cmpuint (lines->len, >=, 2);
  guint last = 0;
  for (guint i = 0; i + 1 < lines->len; i++)
    {
      const char *l = (const char *) lines->pdata[i] + strlen (prefix);
      g_test_message ("%s", (const char *) lines->pdata[i]);
      guint64 k = g_ascii_strtoull (l, NULL, 10);
      g_autofree char *tail = g_strdup_printf (" of %u %s (", n, units);
      g_assert_nonnull (strstr (l, tail));
      if (every_count)
        g_assert_cmpuint (k, ==, i + 1);
      else
        g_assert_cmpuint (k, >, last);
      last = (guint) k;
    }
  g_assert_cmpuint (last, ==, n);
  if (every_count)
    g_assert_cmpuint (lines->len, ==, n + 1);
  g_autofree char *done = g_strdup_printf ("%sdone: %u %s in ", prefix, n, units);
  g_assert_true (g_str_has_prefix (lines->pdata[lines->len - 1], done));
  /* and nothing else on stderr */
  g_auto (GStrv) all = g_strsplit (err, "\n", -1);
  g_assert_cmpuint (g_strv_length (all), ==, lines->len + 1);
}

static void
test_sim_lines (void)
{
  g_autofree char *scenario = essc_test_src_path ("tests", "data", "small", "busy.ini", NULL);
  EsscTestRun lines = essc_test_run_essc ("sim", scenario, "--replications", "5", "--no-db",
                                          "--progress-every", "0", "--jobs", "2");
  g_assert_cmpint (lines.status, ==, 0);
  assert_progress (lines.err, "essc sim: ", 5, "replications", TRUE);

  EsscTestRun quiet = essc_test_run_essc ("sim", scenario, "--replications", "5", "--no-db",
                                          "--quiet", "--jobs", "2");
  g_assert_cmpint (quiet.status, ==, 0);
  g_assert_cmpstr (quiet.err, ==, "");
  g_assert_cmpstr (quiet.out, ==, lines.out);

  /* The default (a line every 5 s) and a long interval: stdout the same. */
  EsscTestRun sparse = essc_test_run_essc ("sim", scenario, "--replications", "5", "--no-db",
                                           "--progress-every", "3600", "--jobs", "2");
  g_assert_cmpint (sparse.status, ==, 0);
  g_assert_cmpstr (sparse.out, ==, lines.out);
  g_assert_cmpstr (sparse.err, ==, "");  /* nothing printed in the hour: no last line either */
  essc_test_run_clear (&lines);
  essc_test_run_clear (&quiet);
  essc_test_run_clear (&sparse);
}

static void
test_sweep_calibrate_lines (void)
{
  g_autofree char *small = essc_test_src_path ("tests", "data", "small", NULL);
  g_autofree char *tmp = essc_test_make_tmpdir ("essc-progress-XXXXXX");
  g_autofree char *sweep = g_build_filename (tmp, "s.sweep", NULL);
  g_autofree char *text = g_strdup_printf ("[sweep]\nname = s\nscenario = %s/latency.ini\n"
                                           "replications = 2\n[grid]\n"
                                           "adoption.imitation = 0.01; 0.02; 0.03\n", small);
  g_assert_true (g_file_set_contents (sweep, text, -1, NULL));
  EsscTestRun r = essc_test_run_essc ("sweep", sweep, "--no-db", "--no-latency",
                                      "--progress-every", "0");
  g_assert_cmpint (r.status, ==, 0);
  assert_progress (r.err, "essc sweep: ", 3, "points", TRUE);
  EsscTestRun q = essc_test_run_essc ("sweep", sweep, "--no-db", "--no-latency", "-q");
  g_assert_cmpint (q.status, ==, 0);
  g_assert_cmpstr (q.err, ==, "");
  g_assert_cmpstr (q.out, ==, r.out);
  essc_test_run_clear (&r);
  essc_test_run_clear (&q);

  /* calibrate: generations (3 in calibrate.ini) and a last line. */
  g_autofree char *calib = g_build_filename (small, "calibrate.ini", NULL);
  r = essc_test_run_essc ("calibrate", calib, "--no-write", "--progress-every", "0");
  g_assert_cmpint (r.status, ==, 0);
  assert_progress (r.err, "essc calibrate: ", 3, "generations", TRUE);
  q = essc_test_run_essc ("calibrate", calib, "--no-write", "--quiet");
  g_assert_cmpint (q.status, ==, 0);
  g_assert_cmpstr (q.err, ==, "");
  essc_test_run_clear (&r);
  essc_test_run_clear (&q);

  /* backtest: the fit's generations, then the forecast's replications. */
  r = essc_test_run_essc ("backtest", calib, "--no-write", "--fit-until", "2019-06-30",
                          "--replications", "4", "--progress-every", "0");
  g_assert_cmpint (r.status, ==, 0);
  g_autoptr (GPtrArray) fit = lines_with (r.err, "essc backtest: ");
  g_autoptr (GPtrArray) forecast = lines_with (r.err, "essc backtest: done: 4 forecast ");
  g_assert_cmpuint (fit->len, ==, 3 + 1 + 4 + 1);
  g_assert_cmpuint (forecast->len, ==, 1);
  g_assert_true (g_str_has_prefix (fit->pdata[4], "essc backtest: 1 of 4 forecast replications"));
  essc_test_run_clear (&r);
  g_assert_true (essc_test_remove_dir (tmp));
}

/* Runs essc with args (a shell-quoted tail) with stderr on a
 * pseudo-terminal made by python3 (a test dependency, packages.txt); what
 * the terminal received comes back as out. */
static EsscTestRun
run_on_terminal (const char *args)
{
  g_autofree char *bin = essc_test_sh_bin ();
  return essc_test_run_sh ("python3 -c '\n"
                           "import os, pty, subprocess, sys\n"
                           "m, s = pty.openpty()\n"
                           "p = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL, "
                           "stderr=s)\n"
                           "os.close(s)\n"
                           "got = b\"\"\n"
                           "while True:\n"
                           "    try:\n"
                           "        d = os.read(m, 65536)\n"
                           "    except OSError:\n"
                           "        break\n"
                           "    if not d:\n"
                           "        break\n"
                           "    got += d\n"
                           "sys.stdout.buffer.write(got)\n"
                           "sys.exit(p.wait())\n"
                           "' %s %s", bin, args);
}

/* With stderr a terminal: the bar, redrawn with carriage returns, its
 * counts, rate and the newline at the end; no plain lines; --quiet: nothing. */
static void
test_terminal_bar (void)
{
  g_autofree char *scenario = essc_test_src_path ("tests", "data", "small", "busy.ini", NULL);
  g_autofree char *quoted = g_shell_quote (scenario);
  g_autofree char *args = g_strdup_printf ("sim %s --replications 4 --no-db", quoted);
  EsscTestRun r = run_on_terminal (args);
  g_test_message ("%s", r.err);
  g_assert_cmpint (r.status, ==, 0);
  g_test_message ("%s", r.out);
  g_assert_true (g_str_has_prefix (r.out, "\r  ["));
  g_assert_nonnull (strstr (r.out, "/s, "));
  g_assert_nonnull (strstr (r.out, "\r  [########################] 4/4 replications, "));
  g_assert_true (g_str_has_suffix (r.out, "\r\n"));  /* the terminal's newline */
  g_assert_null (strstr (r.out, "essc sim: "));
  /* one newline only: the bar redraws in place */
  g_assert_true (strchr (r.out, '\n') == r.out + strlen (r.out) - 1);
  essc_test_run_clear (&r);

  g_autofree char *quiet = g_strdup_printf ("sim %s --replications 4 --no-db --quiet", quoted);
  r = run_on_terminal (quiet);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_cmpstr (r.out, ==, "");
  essc_test_run_clear (&r);
}

static void
test_bad_every (void)
{
  g_autofree char *scenario = essc_test_src_path ("tests", "data", "small", "busy.ini", NULL);
  const char *bad[] = { "-1", "86401", "nan", "soon" };
  const char *const commands[] = { "sim", "sweep", "calibrate", "backtest" };
  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    for (gsize k = 0; k < G_N_ELEMENTS (commands); k++)
      {
        EsscTestRun r = k == 3 ? essc_test_run_essc (commands[k], scenario, "--progress-every",
                                                     bad[i], "--no-db", "--fit-until",
                                                     "2019-06-30")
                               : essc_test_run_essc (commands[k], scenario, "--progress-every",
                                                     bad[i], "--no-db");
        g_test_message ("%s %s: %s", commands[k], bad[i], r.err);
        g_assert_cmpint (r.status, ==, 2);
        g_assert_nonnull (strstr (r.err, "progress-every"));
        essc_test_run_clear (&r);
      }
  /* and every one of them documents the options */
  for (gsize k = 0; k < G_N_ELEMENTS (commands); k++)
    {
      EsscTestRun r = essc_test_run_essc (commands[k], "--help");
      g_assert_cmpint (r.status, ==, 0);
      g_assert_nonnull (strstr (r.out, "--progress-every=SECONDS"));
      g_assert_nonnull (strstr (r.out, "--quiet"));
      g_assert_nonnull (strstr (r.out, "--data-dir=DIR"));
      essc_test_run_clear (&r);
    }
}

int
main (int argc, char **argv)
{
  essc_test_init (&argc, &argv);
  g_test_add_func ("/progress/sim-lines-quiet-stdout", test_sim_lines);
  g_test_add_func ("/progress/sweep-calibrate-backtest-lines", test_sweep_calibrate_lines);
  g_test_add_func ("/progress/terminal-bar", test_terminal_bar);
  g_test_add_func ("/progress/bad-every", test_bad_every);
  return g_test_run ();
}
