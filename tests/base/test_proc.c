/* SPDX-License-Identifier: MIT */
/*
 * Tests of base/proc: a child that hangs is ended at its deadline with its
 * whole process group (grandchildren too), SIGTERM ignored means SIGKILL,
 * writes to a child that does not read give up at the deadline, floods on
 * standard output and error stay bounded, a child that exits early or
 * closes its output but keeps running, a program that does not exist, exit
 * statuses and signals described, and that nothing is left after finish or
 * free.  Every wait here has a deadline of at most a few seconds, and
 * timings are bounds with wide margins, never exact values.
 */
#include "base/proc.h"
#include "tests/lib/testutil.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#define KEEP ((gsize) 1000)

static gint64
ms_since (gint64 t0)
{
  return (g_get_monotonic_time () - t0) / 1000;
}

static void
assert_group_gone (GPid pgid)
{
  g_assert_cmpint (kill (-pgid, 0), ==, -1);
  g_assert_cmpint (errno, ==, ESRCH);
}

static void
assert_pid_gone (GPid pid)
{
  g_assert_cmpint (kill (pid, 0), ==, -1);
  g_assert_cmpint (errno, ==, ESRCH);
}

static BaseProc *
shell (const char *command)
{
  g_autoptr (GError) error = NULL;
  BaseProc *p = base_proc_spawn_shell (command, BASE_PROC_DEFAULT, KEEP, &error);
  g_assert_no_error (error);
  g_assert_nonnull (p);
  g_assert_cmpint (getpgid (base_proc_pid (p)), ==, base_proc_pid (p));
  return p;
}

/* The first line of output (at most 63 bytes), read within 5 s. */
static char *
first_line (BaseProc *p)
{
  char buf[64];
  gsize n = 0;
  gint64 deadline = base_proc_deadline (5000);
  while (n < sizeof buf - 1 && memchr (buf, '\n', n) == NULL)
    {
      g_autoptr (GError) error = NULL;
      gssize r = base_proc_read (p, buf + n, sizeof buf - 1 - n, deadline, &error);
      g_assert_no_error (error);
      if (r == 0)
        break;
      n += (gsize) r;
    }
  buf[n] = '\0';
  return g_strndup (buf, strcspn (buf, "\n"));
}

static void
test_deadlines (void)
{
  g_assert_cmpint (base_proc_ms_left (g_get_monotonic_time () - 1000), ==, 0);
  g_assert_cmpint (base_proc_ms_left (base_proc_deadline (-5)), ==, 0);
  int left = base_proc_ms_left (base_proc_deadline (1000));
  g_assert_cmpint (left, >, 900);
  g_assert_cmpint (left, <=, 1000);
}

/* A child that hangs, with a grandchild: the read fails at its deadline and
 * finish ends the whole group with SIGTERM. */
static void
test_kills_group (void)
{
  g_autoptr (BaseProc) p = shell ("sleep 1000 & echo $!; sleep 1000");
  GPid pid = base_proc_pid (p);
  g_autofree char *line = first_line (p);
  GPid sleeper = (GPid) g_ascii_strtoll (line, NULL, 10);
  g_assert_cmpint (sleeper, >, 1);
  g_assert_cmpint (kill (sleeper, 0), ==, 0);

  char buf[16];
  g_autoptr (GError) error = NULL;
  gint64 t0 = g_get_monotonic_time ();
  g_assert_cmpint (base_proc_read (p, buf, sizeof buf, base_proc_deadline (200), &error), ==, -1);
  g_assert_error (error, BASE_PROC_ERROR, BASE_PROC_TIMEOUT);
  g_assert_cmpint (ms_since (t0), >=, 200);
  g_assert_cmpint (ms_since (t0), <, 1200);

  t0 = g_get_monotonic_time ();
  BaseProcExit x;
  g_assert_false (base_proc_finish (p, 100, 500, &x));
  g_assert_cmpint (ms_since (t0), >=, 100);
  g_assert_cmpint (ms_since (t0), <, 1500);
  g_assert_true (x.terminated && !x.killed && x.signaled && !x.exited);
  g_assert_cmpint (x.signal, ==, SIGTERM);
  g_autofree char *d = base_proc_exit_describe (&x);
  g_assert_cmpstr (d, ==, "was killed by signal 15 (Terminated) after SIGTERM");
  assert_pid_gone (pid);
  assert_pid_gone (sleeper);
  assert_group_gone (pid);
  /* Finished: the exit repeats, nothing is left to read or write. */
  g_assert_nonnull (base_proc_exit (p));
  g_assert_false (base_proc_finish (p, 0, 0, NULL));
  g_assert_cmpint (base_proc_read (p, buf, sizeof buf, base_proc_deadline (1000), NULL), ==, 0);
  g_assert_false (base_proc_stdin_open (p));
  g_clear_error (&error);
  g_assert_false (base_proc_write (p, "x", 1, base_proc_deadline (1000), NULL, &error));
  g_assert_error (error, BASE_PROC_ERROR, BASE_PROC_CLOSED);
}

/* SIGTERM ignored: SIGKILL term_ms later, for the grandchild too; with
 * term_ms 0, SIGKILL at once. */
static void
test_term_ignored (void)
{
  for (int term_ms = 300; term_ms >= 0; term_ms -= 300)
    {
      g_autoptr (BaseProc) p = shell ("trap '' TERM; sleep 1000 & echo $!; sleep 1000");
      GPid pid = base_proc_pid (p);
      g_autofree char *line = first_line (p);
      GPid sleeper = (GPid) g_ascii_strtoll (line, NULL, 10);
      gint64 t0 = g_get_monotonic_time ();
      BaseProcExit x;
      g_assert_false (base_proc_finish (p, 100, term_ms, &x));
      g_assert_cmpint (ms_since (t0), >=, 100 + term_ms);
      g_assert_cmpint (ms_since (t0), <, 2500);
      g_assert_cmpint (x.terminated, ==, term_ms > 0);
      g_assert_true (x.killed && x.signaled);
      g_assert_cmpint (x.signal, ==, SIGKILL);
      g_autofree char *d = base_proc_exit_describe (&x);
      g_assert_true (g_str_has_suffix (d, term_ms > 0 ? "after SIGTERM and SIGKILL"
                                                      : "(Killed) after SIGKILL"));
      assert_pid_gone (sleeper);
      assert_group_gone (pid);
    }
}

/* Writing to a child that never reads gives up at the deadline. */
static void
test_write_deadline (void)
{
  g_autoptr (BaseProc) p = shell ("sleep 1000");
  g_autofree char *big = g_strnfill (4 << 20, 'x');
  g_autoptr (GError) error = NULL;
  gsize written = 99;
  gint64 t0 = g_get_monotonic_time ();
  g_assert_false (base_proc_write (p, big, 4 << 20, base_proc_deadline (200), &written, &error));
  g_assert_error (error, BASE_PROC_ERROR, BASE_PROC_TIMEOUT);
  g_assert_cmpint (ms_since (t0), >=, 200);
  g_assert_cmpint (ms_since (t0), <, 1200);
  g_assert_cmpuint (written, <, 4 << 20);
  g_assert_true (base_proc_stdin_open (p));
  /* communicate meets its deadline the same way. */
  g_clear_error (&error);
  g_assert_false (base_proc_communicate (p, big, 4 << 20, base_proc_deadline (200), NULL, 0,
                                         &written, &error));
  g_assert_error (error, BASE_PROC_ERROR, BASE_PROC_TIMEOUT);
}

/* Output without end: communicate keeps the first out_max bytes, drops the
 * rest, and gives up at the deadline; a long but finite output ends. */
static void
test_flood_stdout (void)
{
  g_autoptr (BaseProc) p = shell ("yes flood");
  g_autoptr (GByteArray) out = g_byte_array_new ();
  g_autoptr (GError) error = NULL;
  gint64 t0 = g_get_monotonic_time ();
  g_assert_false (base_proc_communicate (p, NULL, 0, base_proc_deadline (300), out, 100, NULL,
                                         &error));
  g_assert_error (error, BASE_PROC_ERROR, BASE_PROC_TIMEOUT);
  g_assert_cmpint (ms_since (t0), <, 1300);
  g_assert_cmpuint (out->len, ==, 100);
  g_assert_cmpmem (out->data, 12, "flood\nflood\n", 12);
  g_assert_cmpuint (base_proc_stdout_total (p), >, 100000);

  g_autoptr (BaseProc) f = shell ("head -c 3000000 /dev/zero | tr '\\0' a");
  g_autoptr (GByteArray) fout = g_byte_array_new ();
  g_assert_true (base_proc_communicate (f, NULL, 0, base_proc_deadline (5000), fout, 1000, NULL,
                                        NULL));
  g_assert_cmpuint (fout->len, ==, 1000);
  g_assert_cmpuint (base_proc_stdout_total (f), ==, 3000000);
  BaseProcExit x;
  g_assert_true (base_proc_finish (f, 2000, 500, &x));
  g_assert_true (x.exited && x.status == 0);
}

/* Megabytes on standard error: drained while waiting, the last KEEP bytes
 * kept; standard error that never stops does not hold up a deadline. */
static void
test_flood_stderr (void)
{
  g_autoptr (BaseProc) p
    = shell ("head -c 3000000 /dev/zero | tr '\\0' e >&2; echo end >&2; echo done");
  g_autofree char *done = first_line (p);
  g_assert_cmpstr (done, ==, "done");
  base_proc_finish (p, 2000, 500, NULL);
  g_assert_cmpuint (base_proc_stderr_total (p), ==, 3000004);
  gsize n;
  g_autofree char *tail = base_proc_stderr_tail (p, &n);
  g_assert_cmpuint (n, ==, KEEP);
  g_assert_cmpuint (strlen (tail), ==, KEEP);
  g_assert_true (g_str_has_suffix (tail, "eeeend\n"));

  g_autoptr (BaseProc) e = shell ("yes flood >&2");
  char buf[16];
  gint64 t0 = g_get_monotonic_time ();
  g_assert_cmpint (base_proc_read (e, buf, sizeof buf, base_proc_deadline (300), NULL), ==, -1);
  g_assert_cmpint (ms_since (t0), >=, 300);
  g_assert_cmpint (ms_since (t0), <, 1300);
  g_assert_cmpuint (base_proc_stderr_total (e), >, KEEP);
  g_autofree char *etail = base_proc_stderr_tail (e, NULL);
  g_assert_cmpuint (strlen (etail), ==, KEEP);

  /* Less than KEEP: all of it. */
  g_autoptr (BaseProc) s = shell ("echo short >&2");
  base_proc_finish (s, 2000, 500, NULL);
  g_autofree char *stail = base_proc_stderr_tail (s, &n);
  g_assert_cmpstr (stail, ==, "short\n");
  g_assert_cmpuint (n, ==, 6);
}

/* A child that exits at once: reads end, a write is refused as CLOSED (not
 * SIGPIPE), communicate reports how much it took. */
static void
test_exits_early (void)
{
  g_autoptr (BaseProc) p = shell ("exit 0");
  char buf[16];
  g_assert_cmpint (base_proc_read (p, buf, sizeof buf, base_proc_deadline (5000), NULL), ==, 0);
  g_assert_cmpint (base_proc_read (p, buf, sizeof buf, base_proc_deadline (5000), NULL), ==, 0);
  g_autofree char *big = g_strnfill (1 << 20, 'x');
  g_autoptr (GError) error = NULL;
  gsize written = 99;
  g_assert_false (base_proc_write (p, big, 1 << 20, base_proc_deadline (5000), &written, &error));
  g_assert_error (error, BASE_PROC_ERROR, BASE_PROC_CLOSED);
  g_assert_cmpuint (written, <, 1 << 20);
  g_assert_false (base_proc_stdin_open (p));

  g_autoptr (BaseProc) c = shell ("exit 4");
  g_assert_true (base_proc_communicate (c, big, 1 << 20, base_proc_deadline (5000), NULL, 0,
                                        &written, NULL));
  g_assert_cmpuint (written, <, 1 << 20);
  BaseProcExit x;
  g_assert_true (base_proc_finish (c, 2000, 500, &x));
  g_assert_true (x.exited && !x.signaled && !x.terminated && !x.killed);
  g_assert_cmpint (x.status, ==, 4);
}

/* A child that closes its output but keeps running: the read ends at once,
 * finish has to signal it. */
static void
test_closes_stdout (void)
{
  g_autoptr (BaseProc) p = shell ("exec >&-; sleep 1000");
  char buf[16];
  gint64 t0 = g_get_monotonic_time ();
  g_assert_cmpint (base_proc_read (p, buf, sizeof buf, base_proc_deadline (3000), NULL), ==, 0);
  g_assert_cmpint (ms_since (t0), <, 2000);
  g_assert_true (base_proc_communicate (p, NULL, 0, base_proc_deadline (3000), NULL, 0, NULL,
                                        NULL));
  BaseProcExit x;
  g_assert_false (base_proc_finish (p, 100, 500, &x));
  g_assert_true (x.terminated && x.signaled);
  assert_group_gone (base_proc_pid (p));
}

/* Input and output together: communicate interleaves them, so a child that
 * echoes more than the pipes hold does not dead-lock. */
static void
test_communicate_echo (void)
{
  g_autoptr (BaseProc) p = shell ("cat");
  GString *input = g_string_new (NULL);
  for (int i = 0; input->len < 1000000; i++)
    g_string_append_printf (input, "line %d\n", i);
  g_autoptr (GByteArray) out = g_byte_array_new ();
  gsize written = 0;
  g_autoptr (GError) error = NULL;
  g_assert_true (base_proc_communicate (p, input->str, input->len, base_proc_deadline (5000), out,
                                        G_MAXSIZE, &written, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (written, ==, input->len);
  g_assert_cmpmem (out->data, out->len, input->str, input->len);
  g_assert_false (base_proc_stdin_open (p));
  g_assert_true (base_proc_finish (p, 2000, 500, NULL));
  g_string_free (input, TRUE);
}

/* A program that does not exist: NOENT from an argv, with or without PATH;
 * the shell's exit status 127 from a command. */
static void
test_not_found (void)
{
  const char *abs[] = { "/nonexistent/essc-child", NULL };
  const char *bare[] = { "essc-no-such-program", NULL };
  g_autoptr (GError) error = NULL;
  g_assert_null (base_proc_spawn (abs, BASE_PROC_DEFAULT, KEEP, &error));
  g_assert_error (error, BASE_PROC_ERROR, BASE_PROC_NOENT);
  g_clear_error (&error);
  g_assert_null (base_proc_spawn (bare, BASE_PROC_SEARCH_PATH | BASE_PROC_STDOUT_NULL, KEEP,
                                  &error));
  g_assert_error (error, BASE_PROC_ERROR, BASE_PROC_NOENT);

  g_autoptr (BaseProc) p = shell ("/nonexistent/essc-child");
  BaseProcExit x;
  g_assert_true (base_proc_finish (p, 2000, 500, &x));
  g_assert_true (x.exited);
  g_assert_cmpint (x.status, ==, 127);
  g_autofree char *tail = base_proc_stderr_tail (p, NULL);
  g_assert_nonnull (strstr (tail, "not found"));
}

/* An argv child with standard output to /dev/null: nothing to read. */
static void
test_argv (void)
{
  const char *argv[] = { "sh", "-c", "echo out; echo err >&2; exit 5", NULL };
  g_autoptr (BaseProc) p
    = base_proc_spawn (argv, BASE_PROC_SEARCH_PATH | BASE_PROC_STDOUT_NULL, KEEP, NULL);
  g_assert_nonnull (p);
  char buf[16];
  g_assert_cmpint (base_proc_read (p, buf, sizeof buf, base_proc_deadline (1000), NULL), ==, 0);
  BaseProcExit x;
  g_assert_true (base_proc_finish (p, 2000, 500, &x));
  g_assert_true (x.exited && x.status == 5);
  g_autofree char *d = base_proc_exit_describe (&x);
  g_assert_cmpstr (d, ==, "exited with status 5");
  g_autofree char *tail = base_proc_stderr_tail (p, NULL);
  g_assert_cmpstr (tail, ==, "err\n");
  g_assert_cmpuint (base_proc_stdout_total (p), ==, 0);
}

/* Exit statuses and signals, described; a signal sent on request. */
static void
test_exit_codes (void)
{
  static const struct {
    const char *command;
    gboolean exited;
    int value;
    const char *describe;
  } cases[] = {
    { "exit 0", TRUE, 0, "exited with status 0" },
    { "exit 3", TRUE, 3, "exited with status 3" },
    { "kill -SEGV $$", FALSE, SIGSEGV, "was killed by signal 11 (Segmentation fault)" },
    { "kill -KILL $$", FALSE, SIGKILL, "was killed by signal 9 (Killed)" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (BaseProc) p = shell (cases[i].command);
      BaseProcExit x;
      g_assert_true (base_proc_finish (p, 2000, 500, &x));
      g_assert_cmpint (x.exited, ==, cases[i].exited);
      g_assert_cmpint (x.signaled, ==, !cases[i].exited);
      g_assert_cmpint (cases[i].exited ? x.status : x.signal, ==, cases[i].value);
      g_autofree char *d = base_proc_exit_describe (&x);
      g_assert_cmpstr (d, ==, cases[i].describe);
      g_assert_true (base_proc_exit (p) != NULL && base_proc_exit (p)->exited == x.exited);
    }

  g_autoptr (BaseProc) k = shell ("echo ready; sleep 1000");
  g_autofree char *ready = first_line (k);
  g_assert_cmpstr (ready, ==, "ready");
  base_proc_kill (k, SIGUSR1);
  BaseProcExit x;
  g_assert_true (base_proc_finish (k, 2000, 500, &x));
  g_assert_true (x.signaled);
  g_assert_cmpint (x.signal, ==, SIGUSR1);
  assert_group_gone (base_proc_pid (k));
}

/* Free without finish ends and reaps everything, at once. */
static void
test_free_unfinished (void)
{
  BaseProc *p = shell ("trap '' TERM; sleep 1000 & sleep 1000");
  GPid pid = base_proc_pid (p);
  gint64 t0 = g_get_monotonic_time ();
  base_proc_free (p);
  g_assert_cmpint (ms_since (t0), <, 1500);
  assert_pid_gone (pid);
  assert_group_gone (pid);
  base_proc_free (NULL);
}

int
main (int argc, char **argv)
{
  essc_test_init (&argc, &argv);
  g_test_add_func ("/base/proc/deadline/arithmetic", test_deadlines);
  g_test_add_func ("/base/proc/deadline/kills-group", test_kills_group);
  g_test_add_func ("/base/proc/deadline/term-ignored", test_term_ignored);
  g_test_add_func ("/base/proc/deadline/write", test_write_deadline);
  g_test_add_func ("/base/proc/flood/stdout", test_flood_stdout);
  g_test_add_func ("/base/proc/flood/stderr", test_flood_stderr);
  g_test_add_func ("/base/proc/exit/early", test_exits_early);
  g_test_add_func ("/base/proc/exit/closes-stdout", test_closes_stdout);
  g_test_add_func ("/base/proc/exit/codes", test_exit_codes);
  g_test_add_func ("/base/proc/communicate/echo", test_communicate_echo);
  g_test_add_func ("/base/proc/spawn/not-found", test_not_found);
  g_test_add_func ("/base/proc/spawn/argv", test_argv);
  g_test_add_func ("/base/proc/free/unfinished", test_free_unfinished);
  return g_test_run ();
}
