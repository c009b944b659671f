/* SPDX-License-Identifier: MIT */
/*
 * `essc registry test` beside another writer, as essc serve's workers run:
 * while the suite runs (its implementation held at a gate, a FIFO, until
 * the test says go), another command records a later history entry (an
 * application at minute 3).  The report must still be stored: at the time
 * of that newest entry (the history's times never go back), not refused
 * as "before entry N"; and `registry check` passes.  Under load (tools/
 * bench-serve.py) the report was refused, and a check that read the tables
 * outside one transaction saw a report "added behind the history's back".
 */
#include "tests/lib/registry_fixture.h"
#include "tests/lib/run.h"
#include "tests/lib/testutil.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static gboolean
on_late (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

static void
on_waited (GObject *src, GAsyncResult *res, gpointer data)
{
  *(gboolean *) data = TRUE;
}

static void
test_later_entry_meanwhile (void)
{
  RegFx f;
  FixtureRun r;
  rfx_new (&f, "concurrent");
  g_autofree char *gate = g_build_filename (f.dir, "gate", NULL);
  g_assert_cmpint (mkfifo (gate, 0600), ==, 0);
  g_autofree char *qbin = g_shell_quote (essc_test_bin ());
  g_autofree char *script = g_strdup_printf ("read go < %s; exec %s impl --role channel", gate,
                                             qbin);
  g_autofree char *qscript = g_shell_quote (script);
  g_autofree char *impl = g_strdup_printf ("sh -c %s", qscript);
  rfx_reg (&f, &r, "init", 0, "--name", "test", "--pub", f.iss_pub, NULL);
  rfx_expect (&r, 0, "created registry");
  rfx_reg (&f, &r, "apply", 1, "--id", "CH000001", "--name", "甲", "--class", "social", "--tier",
           "1", "--public-key", f.ch_pub, "--role", "channel", "--impl", impl, NULL);
  rfx_expect (&r, 0, "applied");

  /* The test at minute 2, its implementation waiting at the gate. */
  g_autofree char *at2 = rfx_at (2);
  const char *argv[] = { essc_test_bin (), "registry", "test", "--db", f.db, "--now", at2, "--id",
                         "CH000001", "--key", f.iss_key, "--vectors", f.vectors, NULL };
  g_autoptr (GError) error = NULL;
  g_autoptr (GSubprocess) test = g_subprocess_newv (
      argv, G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_MERGE, &error);
  g_assert_no_error (error);

  /* Meanwhile a later entry. */
  rfx_reg (&f, &r, "apply", 3, "--id", "CH000002", "--name", "乙", "--class", "social", "--tier",
           "1", "--public-key", f.ch2_pub, "--role", "channel", "--impl", "true", NULL);
  rfx_expect (&r, 0, "applied");

  /* Open the gate (the implementation opens the FIFO when it starts). */
  int fd = -1;
  for (guint i = 0; i < 600 && fd < 0; i++)
    {
      fd = open (gate, O_WRONLY | O_NONBLOCK);
      if (fd < 0)
        {
          g_assert_cmpint (errno, ==, ENXIO);
          g_usleep (50000);
        }
    }
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (write (fd, "go\n", 3), ==, 3);
  close (fd);

  gboolean waited = FALSE, late = FALSE;
  g_subprocess_wait_async (test, NULL, on_waited, &waited);
  guint timer = g_timeout_add_seconds (120, on_late, &late);
  while (!waited && !late)
    g_main_context_iteration (NULL, TRUE);
  if (!late)
    g_source_remove (timer);
  if (!waited)
    {
      g_subprocess_force_exit (test);
      g_error ("essc registry test did not end within 120 s");
    }
  GInputStream *out = g_subprocess_get_stdout_pipe (test);
  char buf[8192];
  gsize n = 0;
  g_input_stream_read_all (out, buf, sizeof buf - 1, &n, NULL, NULL);
  buf[n] = '\0';
  if (!g_subprocess_get_if_exited (test) || g_subprocess_get_exit_status (test) != 0)
    g_error ("essc registry test beside a later entry failed: %s", buf);

  /* The report's entry is at the newest time (minute 3), after the application's. */
  g_autofree char *t3 = rfx_sql_text (f.db, "SELECT time FROM history WHERE action = 'channel.apply'"
                                            " ORDER BY pos DESC LIMIT 1");
  g_autofree char *tr = rfx_sql_text (f.db, "SELECT time FROM history WHERE action ="
                                            " 'report.add'");
  g_assert_nonnull (tr);
  g_assert_cmpstr (tr, ==, t3);
  rfx_reg (&f, &r, "check", 4, NULL);
  rfx_expect (&r, 0, NULL);
  rfx_free (&f);
}

int
main (int argc, char **argv)
{
  essc_test_init (&argc, &argv);
  fixture_init ();
  g_test_add_func ("/registry/concurrent/later-entry-meanwhile", test_later_entry_meanwhile);
  return fixture_finish (g_test_run ());
}
