/* SPDX-License-Identifier: MIT */
/*
 * The end-to-end browser test of `essc serve`: this binary prepares a
 * registry with the issuer's key, a staff token (essc registry token issue
 * --staff alice), the reference channel served with `essc impl --role
 * channel --listen` and `essc serve --listen 127.0.0.1:0`, then runs
 * tests/browser/serve-e2e.mjs under node, which drives Debian's chromium
 * with puppeteer-core (build/browser/node_modules: `make check` runs npm ci
 * there; missing, the test fails naming `make browser-deps`).  The script
 * prints one line per step; each step is a test case here, so the steps
 * show in the TAP.  Bounded: node is killed after 240 s, and every chromium
 * process of the test's own profile directory is killed by its id and
 * reported if any is left.  Screenshots: $ESSC_SCREENSHOT_DIR, else
 * $ESSC_SRCDIR/build/screens/serve-e2e/NN-step.png.
 */
#include "tests/lib/run.h"
#include "tests/lib/serve_fixture.h"
#include "tests/lib/testutil.h"

#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>

#define NODE_LIMIT_S 240

/* The steps the script prints, in order ("ok N - ..."). */
static const char *const steps[] = {
  "chromium-started", "staff-login", "staff-issues-token", "vendor-login", "vendor-registers",
  "run-conformant-live", "run-without-scripts", "staff-certifies", "public-lists",
  "cert-verify-valid", "staff-revokes", "public-revoked", "cert-verify-revoked",
};

static struct {
  gboolean ran;
  int status;
  char *out;
} R;

static void
die_with_parent (gpointer data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

static gboolean
on_late (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

typedef struct {
  gboolean finished;
  char *out;
} Comm;

static void
on_done (GObject *src, GAsyncResult *res, gpointer data)
{
  Comm *c = data;
  g_autoptr (GError) error = NULL;
  if (!g_subprocess_communicate_utf8_finish (G_SUBPROCESS (src), res, &c->out, NULL, &error))
    c->out = g_strdup_printf ("(reading node's output failed: %s)\n", error->message);
  c->finished = TRUE;
}

/* Kills (by id) every process whose command line names the profile
 * directory (chromium and its helpers); returns how many there were. */
static guint
kill_profile_procs (const char *profile)
{
  guint n = 0;
  g_autoptr (GDir) d = g_dir_open ("/proc", 0, NULL);
  const char *name;
  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      if (!g_ascii_isdigit (name[0]))
        continue;
      g_autofree char *path = g_build_filename ("/proc", name, "cmdline", NULL);
      g_autofree char *cmd = NULL;
      gsize len = 0;
      if (!g_file_get_contents (path, &cmd, &len, NULL) || len == 0)
        continue;
      for (gsize i = 0; i + 1 < len; i++)
        if (cmd[i] == '\0')
          cmd[i] = ' ';
      if (strstr (cmd, profile) == NULL)
        continue;
      pid_t pid = (pid_t) g_ascii_strtoll (name, NULL, 10);
      if (pid > 1 && pid != getpid ())
        {
          kill (pid, SIGKILL);
          n++;
        }
    }
  return n;
}

static char *
node_modules (void)
{
  const char *m = g_getenv ("ESSC_NODE_MODULES");
  if (m != NULL && m[0] != '\0')
    return g_strdup (m);
  return essc_test_src_path ("build", "browser", "node_modules", NULL);
}

static char *
screens_dir (void)
{
  const char *d = g_getenv ("ESSC_SCREENSHOT_DIR");
  if (d != NULL && d[0] != '\0')
    return g_strdup (d);
  return essc_test_src_path ("build", "screens", "serve-e2e", NULL);
}

/* Removes the PNGs of an earlier run, so that every picture is this run's. */
static void
clear_screens (const char *dir)
{
  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;
  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    if (g_str_has_suffix (name, ".png"))
      {
        g_autofree char *p = g_build_filename (dir, name, NULL);
        g_unlink (p);
      }
}

static void
test_run (void)
{
  g_autofree char *modules = node_modules ();
  g_autofree char *pptr = g_build_filename (modules, "puppeteer-core", "package.json", NULL);
  if (!g_file_test (pptr, G_FILE_TEST_EXISTS))
    g_error ("%s is missing: run `make browser-deps` (npm ci of tests/browser/package-lock.json)",
             pptr);
  g_autofree char *script = essc_test_src_path ("tests", "browser", "serve-e2e.mjs", NULL);
  g_autofree char *shots = screens_dir ();
  clear_screens (shots);

  SrvFx f;
  sfx_new (&f);
  sfx_serve_start (&f, NULL);
  g_autofree char *profile = g_build_filename (f.dir, "chromium-profile", NULL);
  g_autofree char *work = g_build_filename (f.dir, "e2e", NULL);
  g_assert_cmpint (g_mkdir_with_parents (work, 0700), ==, 0);

  g_autoptr (GSubprocessLauncher) l = g_subprocess_launcher_new (
      G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_MERGE);
  g_subprocess_launcher_set_child_setup (l, die_with_parent, NULL, NULL);
  const char *vars[][2] = {
    { "ESSC_E2E_URL", f.url }, { "ESSC_E2E_STAFF_TOKEN", f.staff },
    { "ESSC_E2E_ENDPOINT", f.endpoint }, { "ESSC_E2E_CH_PUB", f.ch_pub },
    { "ESSC_E2E_ISS_PUB", f.iss_pub }, { "ESSC_E2E_DB", f.db }, { "ESSC_E2E_DIR", work },
    { "ESSC_E2E_PROFILE", profile }, { "ESSC_BIN", essc_test_bin () },
    { "ESSC_NODE_MODULES", modules }, { "ESSC_SCREENSHOT_DIR", shots },
  };
  for (guint i = 0; i < G_N_ELEMENTS (vars); i++)
    g_subprocess_launcher_setenv (l, vars[i][0], vars[i][1], TRUE);
  g_autoptr (GError) error = NULL;
  g_autoptr (GSubprocess) node =
      g_subprocess_launcher_spawn (l, &error, "node", script, NULL);
  g_assert_no_error (error);

  Comm comm = { FALSE, NULL };
  gboolean late = FALSE;
  g_subprocess_communicate_utf8_async (node, NULL, NULL, on_done, &comm);
  guint timer = g_timeout_add_seconds (NODE_LIMIT_S, on_late, &late);
  while (!comm.finished && !late)
    g_main_context_iteration (NULL, TRUE);
  if (!late)
    g_source_remove (timer);
  if (!comm.finished)
    {
      g_subprocess_force_exit (node);
      while (!comm.finished)
        g_main_context_iteration (NULL, TRUE);
    }
  guint left = kill_profile_procs (profile);
  g_subprocess_wait (node, NULL, NULL);
  R.status = g_subprocess_get_if_exited (node) ? g_subprocess_get_exit_status (node) : -1;
  R.out = comm.out ? comm.out : g_strdup ("");
  R.ran = TRUE;
  g_auto (GStrv) lines = g_strsplit (R.out, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    if (lines[i][0] != '\0')
      g_test_message ("node: %s", lines[i]);

  sfx_serve_stop (&f, FALSE);
  sfx_free (&f);
  if (late)
    g_error ("node did not end within %d s", NODE_LIMIT_S);
  if (left > 0)
    g_error ("%u chromium processes were left running after node ended", left);
  if (R.status != 0)
    {
      g_test_message ("node exited %d", R.status);
      g_test_fail ();
    }
}

/* Step i of the script passed: its line "ok I - ..." is there. */
static void
test_step (gconstpointer data)
{
  guint i = GPOINTER_TO_UINT (data);
  if (!R.ran)
    {
      g_test_message ("the browser test did not run");
      g_test_fail ();
      return;
    }
  g_autofree char *want = g_strdup_printf ("\nok %u - ", i + 1);
  g_autofree char *all = g_strconcat ("\n", R.out, NULL);
  const char *line = strstr (all, want);
  if (line == NULL)
    {
      const char *bad = strstr (all, "\nnot ok ");
      g_test_message ("step %u (%s) did not pass%s%.*s", i + 1, steps[i], bad ? ": " : "",
                      bad ? (int) strcspn (bad + 1, "\n") : 0, bad ? bad + 1 : "");
      g_test_fail ();
      return;
    }
  g_test_message ("%.*s", (int) strcspn (line + 1, "\n"), line + 1);
}

int
main (int argc, char **argv)
{
  essc_test_init (&argc, &argv);
  g_test_add_func ("/cli/serve-e2e/run", test_run);
  for (guint i = 0; i < G_N_ELEMENTS (steps); i++)
    {
      g_autofree char *name = g_strdup_printf ("/cli/serve-e2e/step/%02u-%s", i + 1, steps[i]);
      g_test_add_data_func (name, GUINT_TO_POINTER (i), test_step);
    }
  int rc = g_test_run ();
  g_free (R.out);
  return rc;
}
