/* SPDX-License-Identifier: MIT */
/*
 * Tests of `make install` and `make uninstall` (README.md, "Install"), as a
 * channel's CI engineer meets them: the built program ($ESSC_BIN, not
 * rebuilt: INSTALL_BIN) installed with DESTDIR into a fresh folder, then
 * run from there alone: another working folder, PATH naming only the
 * installed bin/ and the system's, no ESSC_ variable, and the build tree
 * invisible to it (its own folder holds no tree's marks).  essc --version
 * says it takes its data relative to itself; essc selftest (the references
 * and one fault), essc conform against the installed essc impl, essc sim on
 * an installed scenario, essc scenario check of a copy (its data from the
 * installed data directory) and essc report on the run database all work;
 * the program copied alone to a folder without share/essc beside it takes
 * the compiled-in root, and where that is missing fails to find the
 * vectors with exit 2 and a message naming --vectors, which then works.
 * make uninstall then leaves no file under the folder (empty folders
 * outside essc's own may stay).
 */
#include "tests/lib/run.h"
#include "tests/lib/testutil.h"

#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>

/* The installed tree: DESTDIR, PREFIX inside it, a working folder outside
 * the source tree, the environment of the runs. */
typedef struct {
  char *destdir, *prefix, *work;
  GStrv env;
} Inst;

static void
remove_tree (const char *dir)
{
  g_autofree char *quoted = g_shell_quote (dir);
  EsscTestRun r = essc_test_run_sh ("rm -rf %s", quoted);
  g_assert_cmpint (r.status, ==, 0);
  essc_test_run_clear (&r);
}

/* Runs `make -C SRCDIR TARGET DESTDIR=... PREFIX=/usr/local INSTALL_BIN=...`
 * (the outer make's MAKEFLAGS left out: it would pass its jobserver). */
static EsscTestRun
run_make (const Inst *t, const char *target)
{
  g_autofree char *dest = g_strdup_printf ("DESTDIR=%s", t->destdir);
  g_autofree char *bin = g_strdup_printf ("INSTALL_BIN=%s", essc_test_bin ());
  const char *argv[] = { "make", "--no-print-directory", "-C", essc_test_srcdir (), target,
                         dest, "PREFIX=/usr/local", bin,
                         g_getenv ("ESSC_SANITIZE") ? "SANITIZE=1" : NULL, NULL };
  g_autoptr (GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  const char *const drop[] = { "MAKEFLAGS", "MAKELEVEL", "MFLAGS", "MAKEOVERRIDES" };
  for (gsize i = 0; i < G_N_ELEMENTS (drop); i++)
    g_subprocess_launcher_unsetenv (launcher, drop[i]);
  return essc_test_run_argv (launcher, argv, NULL, 0);
}

/* Runs a command line with /bin/sh in the working folder, in the
 * installed environment, within 5 minutes. */
static EsscTestRun
run_installed (const Inst *t, const char *line)
{
  g_autoptr (GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_subprocess_launcher_set_environ (launcher, t->env);
  g_subprocess_launcher_set_cwd (launcher, t->work);
  const char *argv[] = { "/usr/bin/timeout", "300", "/bin/sh", "-c", line, NULL };
  EsscTestRun r = essc_test_run_argv (launcher, argv, NULL, 0);
  if (r.status != 0)
    g_test_message ("%s: exit %d\n%s%s", line, r.status, r.out, r.err);
  return r;
}

/* Every regular file or link under dir (relative paths, sorted). */
static GPtrArray *
files_under (const char *dir)
{
  g_autofree char *quoted = g_shell_quote (dir);
  EsscTestRun r = essc_test_run_sh ("cd %s && find . ! -type d | sort", quoted);
  g_assert_cmpint (r.status, ==, 0);
  GPtrArray *out = g_ptr_array_new_with_free_func (g_free);
  g_auto (GStrv) lines = g_strsplit (r.out, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    if (*lines[i] != '\0')
      g_ptr_array_add (out, g_strdup (lines[i]));
  essc_test_run_clear (&r);
  return out;
}

static void
assert_file (const Inst *t, const char *rel)
{
  g_autofree char *path = g_build_filename (t->prefix, rel, NULL);
  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    g_error ("make install did not install %s", path);
}

static void
test_install (void)
{
  Inst t = { 0 };
  g_autofree char *tmp = essc_test_make_tmpdir ("essc-install-XXXXXX");
  /* /proc/self/exe resolves links: the paths essc prints are the real ones. */
  t.destdir = realpath (tmp, NULL);
  g_assert_nonnull (t.destdir);
  t.prefix = g_build_filename (t.destdir, "usr", "local", NULL);
  t.work = g_build_filename (t.destdir, "work", NULL);
  g_assert_cmpint (g_mkdir (t.work, 0755), ==, 0);
  g_autofree char *bindir = g_build_filename (t.prefix, "bin", NULL);
  g_autofree char *path = g_strdup_printf ("%s:/usr/bin:/bin", bindir);
  t.env = g_get_environ ();
  g_auto (GStrv) names = g_listenv ();
  for (guint i = 0; names[i] != NULL; i++)
    if (g_str_has_prefix (names[i], "ESSC_"))
      t.env = g_environ_unsetenv (t.env, names[i]);
  t.env = g_environ_setenv (t.env, "PATH", path, TRUE);

  EsscTestRun r = run_make (&t, "install");
  if (r.status != 0)
    g_error ("make install: exit %d\n%s%s", r.status, r.out, r.err);
  essc_test_run_clear (&r);
  const char *const shipped[] = {
    "bin/essc", "share/essc/vectors/manifest.json", "share/essc/vectors/channel.json",
    "share/essc/scenarios/national-2019.ini", "share/essc/scenarios/README.md",
    "share/essc/scenarios/data/cities-2020.csv", "share/essc/scenarios/data/service-times.csv",
    "share/doc/essc/README.md", "share/doc/essc/docs/ESSC-STD.md",
    "share/doc/essc/docs/data/regions-2023.csv",
  };
  for (gsize i = 0; i < G_N_ELEMENTS (shipped); i++)
    assert_file (&t, shipped[i]);
  g_autoptr (GPtrArray) installed = files_under (t.destdir);
  g_test_message ("make install: %u files", installed->len);

  /* The program takes the data beside it, not the build tree's. */
  r = run_installed (&t, "command -v essc && essc --version");
  g_assert_cmpint (r.status, ==, 0);
  g_autofree char *essc = g_build_filename (bindir, "essc", NULL);
  g_autofree char *which = g_strdup_printf ("%s\n", essc);
  g_assert_true (g_str_has_prefix (r.out, which));
  g_autofree char *data = g_strdup_printf ("\ndata: %s/share/essc (relative to the program)\n",
                                           t.prefix);
  g_autofree char *vectors = g_strdup_printf ("\nvectors: %s/share/essc/vectors\n", t.prefix);
  g_assert_nonnull (strstr (r.out, data));
  g_assert_nonnull (strstr (r.out, vectors));
  essc_test_run_clear (&r);

  /* essc selftest: the references pass and a fault is caught (one fault:
   * every fault is make check's test of the self-test). */
  r = run_installed (&t, "essc impl --list-faults | head -n 1 | cut -f 1");
  g_assert_cmpint (r.status, ==, 0);
  g_autofree char *fault = g_strstrip (g_strdup (r.out));
  g_assert_cmpstr (fault, !=, "");
  essc_test_run_clear (&r);
  g_autofree char *selftest = g_strdup_printf ("essc selftest --fault %s", fault);
  r = run_installed (&t, selftest);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "1 faults, 1 caught, 0 survived"));
  essc_test_run_clear (&r);

  /* essc conform against the installed reference channel. */
  r = run_installed (&t, "essc conform --role channel --impl 'essc impl --role channel' "
                         "--db conformance.db > channel.tap");
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.err, "essc conform: conformant: essc reference channel"));
  essc_test_run_clear (&r);

  /* essc sim on an installed scenario (one replication: seconds), its
   * report; a copy of the scenario alone takes its data from the installed
   * data directory. */
  g_autofree char *scenario = g_build_filename (t.prefix, "share", "essc", "scenarios",
                                                "national-2019.ini", NULL);
  g_autofree char *sim = g_strdup_printf ("essc sim %s --replications 1 --db run.db", scenario);
  r = run_installed (&t, sim);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "\ndigest: "));
  essc_test_run_clear (&r);
  r = run_installed (&t, "essc report run.db --out run-report && test -s run-report/index.html");
  g_assert_cmpint (r.status, ==, 0);
  essc_test_run_clear (&r);
  g_autofree char *check = g_strdup_printf ("cp %s copy.ini && essc scenario check copy.ini",
                                            scenario);
  r = run_installed (&t, check);
  g_assert_cmpint (r.status, ==, 0);
  g_autofree char *cities = g_strdup_printf (
      "copy.ini: cities: %s/share/essc/scenarios/data/cities-2020.csv (data directory)\n",
      t.prefix);
  g_assert_nonnull (strstr (r.out, cities));
  essc_test_run_clear (&r);

  /* The program copied alone, with no share/essc beside its folder: it
   * takes the compiled-in root; where nothing is installed there, a
   * command reading the vectors fails with exit 2, saying where it looked
   * and which option names them. */
  r = run_installed (&t, "mkdir lonely && cp ../usr/local/bin/essc lonely/ && "
                         "lonely/essc --version | grep '^data: '");
  g_assert_cmpint (r.status, ==, 0);
  g_assert_true (g_str_has_prefix (r.out, "data: "));
  g_assert_null (strstr (r.out, t.prefix));
  gboolean missing = g_str_has_suffix (r.out, " (installed, missing)\n");
  g_assert_true (missing || g_str_has_suffix (r.out, " (installed)\n"));
  essc_test_run_clear (&r);
  if (missing)
    {
      r = run_installed (&t, "lonely/essc selftest");
      g_assert_cmpint (r.status, ==, 2);
      g_assert_nonnull (strstr (r.err, "essc selftest: vectors: "));
      g_assert_nonnull (strstr (r.err, "/vectors: no such folder\n"));
      g_assert_nonnull (strstr (r.err, "--vectors DIR"));
      essc_test_run_clear (&r);
      /* ... and works given them. */
      g_autofree char *given = g_strdup_printf (
          "lonely/essc selftest --fault %s --vectors %s/share/essc/vectors", fault, t.prefix);
      r = run_installed (&t, given);
      g_assert_cmpint (r.status, ==, 0);
      essc_test_run_clear (&r);
    }
  else
    g_test_message ("the compiled-in data root is installed on this machine: the copy uses it");

  /* make uninstall: no file of the install is left. */
  remove_tree (t.work);
  r = run_make (&t, "uninstall");
  if (r.status != 0)
    g_error ("make uninstall: exit %d\n%s%s", r.status, r.out, r.err);
  essc_test_run_clear (&r);
  g_autoptr (GPtrArray) left = files_under (t.destdir);
  for (guint i = 0; i < left->len; i++)
    g_test_message ("left after make uninstall: %s", (const char *) left->pdata[i]);
  g_assert_cmpuint (left->len, ==, 0);
  g_autofree char *share_essc = g_build_filename (t.prefix, "share", "essc", NULL);
  g_autofree char *doc_essc = g_build_filename (t.prefix, "share", "doc", "essc", NULL);
  g_assert_false (g_file_test (share_essc, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (doc_essc, G_FILE_TEST_EXISTS));

  remove_tree (t.destdir);
  free (t.destdir);
  g_free (t.prefix);
  g_free (t.work);
  g_strfreev (t.env);
}

int
main (int argc, char **argv)
{
  essc_test_init (&argc, &argv);
  g_test_add_func ("/install/destdir-run-uninstall", test_install);
  return g_test_run ();
}
