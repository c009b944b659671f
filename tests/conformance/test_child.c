/* SPDX-License-Identifier: MIT */
/*
 * Tests of conformance/child: line framing (\r, empty lines, half a line),
 * the 1 MiB line limit and the skipping of longer lines as they stream in
 * (100 MB without holding 100 MB), deadlines on reading and on writing to an
 * IUT that does not read, standard error floods, exit statuses and signals,
 * SIGTERM then SIGKILL, and that no process of the IUT's group is left after
 * finish or free.  Timings are bounds with wide margins (deadline <= elapsed
 * < deadline + margin), never exact values.
 */
#include "conformance/child.h"
#include "tests/lib/run.h"
#include "tests/lib/testutil.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

/* "'SRCDIR/tests/adapters/NAME'" for /bin/sh. */
static char *
adapter (const char *name)
{
  g_autofree char *path = essc_test_src_path ("tests", "adapters", name, NULL);
  return g_shell_quote (path);
}

static gint64
ms_since (gint64 t0)
{
  return (g_get_monotonic_time () - t0) / 1000;
}

static void
assert_pid_gone (GPid pid)
{
  g_assert_cmpint (kill (pid, 0), ==, -1);
  g_assert_cmpint (errno, ==, ESRCH);
}

static void
assert_group_gone (GPid pgid)
{
  g_assert_cmpint (kill (-pgid, 0), ==, -1);
  g_assert_cmpint (errno, ==, ESRCH);
}

static ConfChild *
spawn (const char *command)
{
  g_autoptr (GError) error = NULL;
  ConfChild *c = conf_child_spawn (command, &error);
  g_assert_no_error (error);
  g_assert_nonnull (c);
  g_assert_cmpint (getpgid (conf_child_pid (c)), ==, conf_child_pid (c));
  return c;
}

/* Reads a line that must come; returns it (transfer full). */
static char *
must_read (ConfChild *c, gsize *len)
{
  g_autoptr (GError) error = NULL;
  char *line = conf_child_read_line (c, 5000, len, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  return line;
}

static void
assert_read_fails (ConfChild *c, int timeout_ms, ConfChildError code, const char *needle)
{
  g_autoptr (GError) error = NULL;
  gsize len = 99;
  char *line = conf_child_read_line (c, timeout_ms, &len, &error);
  g_assert_null (line);
  g_assert_error (error, CONF_CHILD_ERROR, (int) code);
  if (needle != NULL && strstr (error->message, needle) == NULL)
    g_error ("'%s' not in '%s'", needle, error->message);
}

static void
test_lines (void)
{
  g_autoptr (ConfChild) c = spawn ("printf 'one\\r\\ntwo\\n\\nx\\ry\\r\\r\\nthr'");
  gsize len;
  g_autofree char *a = must_read (c, &len);
  g_assert_cmpstr (a, ==, "one");
  g_assert_cmpuint (len, ==, 3);
  g_autofree char *b = must_read (c, NULL);
  g_assert_cmpstr (b, ==, "two");
  g_autofree char *e = must_read (c, &len);
  g_assert_cmpstr (e, ==, "");
  g_assert_cmpuint (len, ==, 0);
  g_autofree char *r = must_read (c, &len);
  g_assert_cmpstr (r, ==, "x\ry\r"); /* only the \r before the newline goes */
  assert_read_fails (c, 5000, CONF_CHILD_EXITED, "half a line");
  g_assert_cmpuint (conf_child_partial_bytes (c), ==, 3);
  /* Once ended, it stays ended, without half a line this time. */
  assert_read_fails (c, 5000, CONF_CHILD_EXITED, "ended");

  ConfChildExit x;
  g_assert_true (conf_child_finish (c, 2000, &x));
  g_assert_true (x.exited);
  g_assert_cmpint (x.status, ==, 0);
  g_assert_false (x.terminated || x.killed || x.not_implemented);
  g_assert_true (conf_child_exit (c) != NULL && conf_child_exit (c)->exited);
  assert_pid_gone (conf_child_pid (c));
}

static void
test_echo (void)
{
  g_autoptr (ConfChild) c = spawn ("cat");
  g_autoptr (GError) error = NULL;
  g_assert_true (conf_child_send_line (c, "{\"a\":1}", 1000, &error));
  g_autofree char *one = must_read (c, NULL);
  g_assert_cmpstr (one, ==, "{\"a\":1}");
  /* Several lines arriving together are returned one by one. */
  for (int i = 0; i < 3; i++)
    {
      g_autofree char *s = g_strdup_printf ("line %d", i);
      g_assert_true (conf_child_send_line (c, s, 1000, &error));
    }
  g_usleep (50000);
  for (int i = 0; i < 3; i++)
    {
      g_autofree char *want = g_strdup_printf ("line %d", i);
      g_autofree char *got = must_read (c, NULL);
      g_assert_cmpstr (got, ==, want);
    }
  /* A line larger than one read. */
  g_autofree char *big = g_strnfill (40000, 'q');
  g_assert_true (conf_child_send_line (c, big, 2000, &error));
  gsize len;
  g_autofree char *back = must_read (c, &len);
  g_assert_cmpuint (len, ==, 40000);
  g_assert_cmpstr (back, ==, big);
  /* cat ends at the end of its input: finish closes it. */
  ConfChildExit x;
  g_assert_true (conf_child_finish (c, 2000, &x));
  g_assert_true (x.exited && x.status == 0);
  /* After finish: everything fails at once, and finish repeats itself. */
  g_assert_false (conf_child_send_line (c, "x", 1000, &error));
  g_assert_error (error, CONF_CHILD_ERROR, CONF_CHILD_EXITED);
  assert_read_fails (c, 1000, CONF_CHILD_EXITED, NULL);
  ConfChildExit again;
  g_assert_true (conf_child_finish (c, 0, &again));
  g_assert_cmpint (again.status, ==, 0);
}

/* Lines of exactly 1 MiB pass (with or without \r); longer ones are refused
 * and skipped, and the line after them is read normally. */
static void
test_overlong (void)
{
  g_autoptr (ConfChild) c = spawn (
    "head -c 1048576 /dev/zero | tr '\\0' a; echo;"
    "head -c 1048577 /dev/zero | tr '\\0' b; echo;"
    "printf 'c\\r\\n';"
    "head -c 1048576 /dev/zero | tr '\\0' d; printf '\\r\\n';"
    "head -c 3000000 /dev/zero | tr '\\0' e; echo;"
    "echo after");
  gsize len;
  g_autofree char *a = must_read (c, &len);
  g_assert_cmpuint (len, ==, CONF_CHILD_MAX_LINE);
  g_assert_cmpint (a[0], ==, 'a');
  g_assert_cmpint (a[len - 1], ==, 'a');
  assert_read_fails (c, 5000, CONF_CHILD_OVERLONG, "longer than 1048576");
  g_autofree char *cc = must_read (c, NULL);
  g_assert_cmpstr (cc, ==, "c");
  g_autofree char *d = must_read (c, &len);
  g_assert_cmpuint (len, ==, CONF_CHILD_MAX_LINE);
  g_assert_cmpint (d[len - 1], ==, 'd');
  assert_read_fails (c, 5000, CONF_CHILD_OVERLONG, "longer than");
  g_autofree char *after = must_read (c, NULL);
  g_assert_cmpstr (after, ==, "after");
  assert_read_fails (c, 5000, CONF_CHILD_EXITED, "ended");
  g_assert_cmpuint (conf_child_partial_bytes (c), ==, 0);
}

static glong
max_rss_kib (void)
{
  struct rusage ru;
  getrusage (RUSAGE_SELF, &ru);
  return ru.ru_maxrss;
}

/* A 100 MB line is refused within seconds and skipped without being held. */
static void
test_huge (void)
{
  glong rss0 = max_rss_kib ();
  g_autoptr (ConfChild) c = spawn ("head -c 100000000 /dev/zero | tr '\\0' a; echo; echo after");
  gint64 t0 = g_get_monotonic_time ();
  assert_read_fails (c, 5000, CONF_CHILD_OVERLONG, "longer than");
  g_assert_cmpint (ms_since (t0), <, 5000);
  g_autofree char *after = conf_child_read_line (c, 20000, NULL, NULL);
  g_assert_cmpstr (after, ==, "after");
  g_test_message ("100 MB line skipped in %" G_GINT64_FORMAT " ms, max RSS %ld -> %ld KiB",
                  ms_since (t0), rss0, max_rss_kib ());
  g_assert_cmpint (max_rss_kib () - rss0, <, 32 * 1024);
}

/* A deadline on reading: the read fails in time and finish ends the group. */
static void
test_read_timeout (void)
{
  g_autoptr (ConfChild) c = spawn ("sleep 1000; echo never");
  GPid pid = conf_child_pid (c);
  gint64 t0 = g_get_monotonic_time ();
  assert_read_fails (c, 300, CONF_CHILD_TIMEOUT, "timeout");
  gint64 took = ms_since (t0);
  g_assert_cmpint (took, >=, 300);
  g_assert_cmpint (took, <, 1300);

  t0 = g_get_monotonic_time ();
  ConfChildExit x;
  g_assert_false (conf_child_finish (c, 0, &x));
  g_assert_cmpint (ms_since (t0), <, 1500);
  g_assert_true (x.terminated);
  g_assert_false (x.killed);
  g_assert_true (x.signaled);
  g_assert_cmpint (x.signal, ==, SIGTERM);
  g_autofree char *d = conf_child_exit_describe (&x);
  g_assert_nonnull (strstr (d, "after SIGTERM"));
  assert_pid_gone (pid);
  assert_group_gone (pid); /* the sleep too */
}

/* A deadline on writing to an IUT that never reads: no blocking. */
static void
test_write_timeout (void)
{
  g_autofree char *cmd = adapter ("no-read.sh");
  g_autoptr (ConfChild) c = spawn (cmd);
  GPid pid = conf_child_pid (c);
  g_autofree char *hello = must_read (c, NULL);
  g_autofree char *big = g_strnfill (4 << 20, 'x');
  g_autoptr (GError) error = NULL;
  gint64 t0 = g_get_monotonic_time ();
  g_assert_false (conf_child_send_line (c, big, 300, &error));
  gint64 took = ms_since (t0);
  g_assert_error (error, CONF_CHILD_ERROR, CONF_CHILD_TIMEOUT);
  g_assert_nonnull (strstr (error->message, "timeout writing to the implementation"));
  g_assert_cmpint (took, >=, 300);
  g_assert_cmpint (took, <, 1300);
  g_clear_pointer (&c, conf_child_free);
  assert_pid_gone (pid);
  assert_group_gone (pid);
}

/* Writing to an IUT that has gone is an error, not SIGPIPE. */
static void
test_epipe (void)
{
  g_autoptr (ConfChild) c = spawn ("exit 0");
  assert_read_fails (c, 5000, CONF_CHILD_EXITED, "ended");
  g_autofree char *big = g_strnfill (1 << 20, 'x');
  g_autoptr (GError) error = NULL;
  g_assert_false (conf_child_send_line (c, big, 5000, &error));
  g_assert_error (error, CONF_CHILD_ERROR, CONF_CHILD_EXITED);
  g_assert_nonnull (strstr (error->message, "closed its input"));
}

static void
test_exit_status (void)
{
  static const struct {
    const char *command;
    gboolean exited;
    int value;
    gboolean not_implemented;
    const char *describe;
  } cases[] = {
    { "exit 3", TRUE, 3, FALSE, "exited with status 3" },
    { "exit 89", TRUE, 89, TRUE, "exited with status 89 (not implemented)" },
    { "kill -SEGV $$", FALSE, SIGSEGV, FALSE, "killed by signal 11" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (ConfChild) c = spawn (cases[i].command);
      assert_read_fails (c, 5000, CONF_CHILD_EXITED, "ended");
      ConfChildExit x;
      g_assert_true (conf_child_finish (c, 2000, &x));
      g_assert_cmpint (x.exited, ==, cases[i].exited);
      g_assert_cmpint (x.signaled, ==, !cases[i].exited);
      g_assert_cmpint (cases[i].exited ? x.status : x.signal, ==, cases[i].value);
      g_assert_cmpint (x.not_implemented, ==, cases[i].not_implemented);
      g_autofree char *d = conf_child_exit_describe (&x);
      g_assert_nonnull (strstr (d, cases[i].describe));
    }
}

/* A command that does not exist: the shell says so and exits 127. */
static void
test_not_found (void)
{
  g_autoptr (ConfChild) c = spawn ("/nonexistent/essc-adapter");
  assert_read_fails (c, 5000, CONF_CHILD_EXITED, NULL);
  ConfChildExit x;
  conf_child_finish (c, 2000, &x);
  g_assert_true (x.exited);
  g_assert_cmpint (x.status, ==, 127);
  g_autofree char *tail = conf_child_stderr_tail (c);
  g_assert_nonnull (strstr (tail, "not found"));
}

/* No descriptor left: spawning fails with an error naming the command. */
static void
test_spawn_error (void)
{
  struct rlimit old, low;
  g_assert_cmpint (getrlimit (RLIMIT_NOFILE, &old), ==, 0);
  int next = open ("/dev/null", O_RDONLY); /* the lowest free descriptor */
  g_assert_cmpint (next, >=, 0);
  close (next);
  low = old;
  low.rlim_cur = (rlim_t) next + 1; /* room for one descriptor, a pipe needs two */
  g_assert_cmpint (setrlimit (RLIMIT_NOFILE, &low), ==, 0);
  g_autoptr (GError) error = NULL;
  ConfChild *c = conf_child_spawn ("echo unreachable", &error);
  setrlimit (RLIMIT_NOFILE, &old);
  g_assert_null (c);
  g_assert_error (error, CONF_CHILD_ERROR, CONF_CHILD_SPAWN);
  g_assert_nonnull (strstr (error->message, "'echo unreachable'"));
}

/* Megabytes on standard error while the runner waits for a line: drained,
 * the last 64 KiB kept. */
static void
test_stderr_flood (void)
{
  g_autoptr (ConfChild) c
    = spawn ("head -c 3000000 /dev/zero | tr '\\0' e >&2; echo end >&2; echo done");
  g_autofree char *done = must_read (c, NULL);
  g_assert_cmpstr (done, ==, "done");
  conf_child_finish (c, 2000, NULL);
  g_assert_cmpuint (conf_child_stderr_total (c), ==, 3000004);
  g_autofree char *tail = conf_child_stderr_tail (c);
  g_assert_cmpuint (strlen (tail), ==, CONF_CHILD_STDERR_KEEP);
  g_assert_true (g_str_has_suffix (tail, "eeeend\n"));

  /* Exactly the ring's size, and less. */
  g_autoptr (ConfChild) k = spawn ("head -c 65536 /dev/zero | tr '\\0' k >&2");
  conf_child_finish (k, 2000, NULL);
  g_autofree char *ktail = conf_child_stderr_tail (k);
  g_assert_cmpuint (strlen (ktail), ==, 65536);
  g_autoptr (ConfChild) s = spawn ("echo short >&2");
  conf_child_finish (s, 2000, NULL);
  g_autofree char *stail = conf_child_stderr_tail (s);
  g_assert_cmpstr (stail, ==, "short\n");
}

/* Standard error that never stops, and no line: the deadline still holds. */
static void
test_stderr_endless (void)
{
  g_autoptr (ConfChild) c = spawn ("yes flood >&2");
  gint64 t0 = g_get_monotonic_time ();
  assert_read_fails (c, 300, CONF_CHILD_TIMEOUT, "within 300 ms");
  gint64 took = ms_since (t0);
  g_assert_cmpint (took, >=, 300);
  g_assert_cmpint (took, <, 1300);
  g_assert_cmpuint (conf_child_stderr_total (c), >, CONF_CHILD_STDERR_KEEP);
  g_autofree char *tail = conf_child_stderr_tail (c);
  g_assert_true (g_str_has_prefix (strstr (tail, "\n") + 1, "flood\nflood\n"));
}

/* SIGTERM ignored: SIGKILL 500 ms later, for the sleep too. */
static void
test_term_ignored (void)
{
  g_autoptr (ConfChild) c = spawn ("trap '' TERM; echo ready; sleep 1000; echo never");
  GPid pid = conf_child_pid (c);
  g_autofree char *ready = must_read (c, NULL);
  g_assert_cmpstr (ready, ==, "ready");
  gint64 t0 = g_get_monotonic_time ();
  ConfChildExit x;
  g_assert_false (conf_child_finish (c, 100, &x));
  gint64 took = ms_since (t0);
  g_assert_cmpint (took, >=, 100 + CONF_CHILD_KILL_AFTER_MS);
  g_assert_cmpint (took, <, 3000);
  g_assert_true (x.terminated && x.killed && x.signaled);
  g_assert_cmpint (x.signal, ==, SIGKILL);
  assert_pid_gone (pid);
  assert_group_gone (pid);
}

/* The shell exits by itself but leaves a process in its group: it is
 * killed and reaped too. */
static void
test_leftover (void)
{
  g_autoptr (ConfChild) c = spawn ("sleep 1000 & echo $!; exit 0");
  GPid pid = conf_child_pid (c);
  g_autofree char *line = must_read (c, NULL);
  GPid sleeper = (GPid) g_ascii_strtoll (line, NULL, 10);
  g_assert_cmpint (sleeper, >, 1);
  g_assert_cmpint (kill (sleeper, 0), ==, 0);
  ConfChildExit x;
  g_assert_true (conf_child_finish (c, 2000, &x));
  g_assert_true (x.exited && x.status == 0);
  assert_pid_gone (sleeper);
  assert_group_gone (pid);
}

/* Free without finish ends and reaps everything. */
static void
test_free_unfinished (void)
{
  ConfChild *c = spawn ("sleep 1000; echo never");
  GPid pid = conf_child_pid (c);
  conf_child_free (c);
  assert_pid_gone (pid);
  assert_group_gone (pid);
  conf_child_free (NULL);
}

int
main (int argc, char **argv)
{
  essc_test_init (&argc, &argv);
  g_test_add_func ("/conf-child/lines", test_lines);
  g_test_add_func ("/conf-child/echo", test_echo);
  g_test_add_func ("/conf-child/overlong", test_overlong);
  g_test_add_func ("/conf-child/huge-line", test_huge);
  g_test_add_func ("/conf-child/timeout/read", test_read_timeout);
  g_test_add_func ("/conf-child/timeout/write", test_write_timeout);
  g_test_add_func ("/conf-child/epipe", test_epipe);
  g_test_add_func ("/conf-child/exit-status", test_exit_status);
  g_test_add_func ("/conf-child/not-found", test_not_found);
  g_test_add_func ("/conf-child/spawn-error", test_spawn_error);
  g_test_add_func ("/conf-child/stderr-flood", test_stderr_flood);
  g_test_add_func ("/conf-child/stderr-endless", test_stderr_endless);
  g_test_add_func ("/conf-child/kill/term-ignored", test_term_ignored);
  g_test_add_func ("/conf-child/kill/leftover", test_leftover);
  g_test_add_func ("/conf-child/kill/free-unfinished", test_free_unfinished);
  return g_test_run ();
}
