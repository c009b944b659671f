/* SPDX-License-Identifier: MIT */
/*
 * Tests of tools/deps.sh, which installs the missing Debian packages of
 * packages.txt: a package counts as present when it is installed or when an
 * installed package Provides it (NodeSource's nodejs Provides npm and
 * Conflicts with Debian's npm, so installing npm there would fail).  The
 * script runs in a temporary tree with a packages.txt of its own and fake
 * dpkg-query, id and apt-get first in PATH: dpkg-query answers from a small
 * table (package, status, provides), id says a non-root user (so the script
 * names the missing packages rather than installing), apt-get records that
 * it was called.  The real packages.txt is checked too: the browser test's
 * nodejs and npm are in [check].
 */
#include "tests/lib/run.h"
#include "tests/lib/testutil.h"

#include <glib/gstdio.h>
#include <string.h>

/* The fake dpkg-query: `-W -f=FMT PKG` prints PKG's status (exit 1 when
 * unknown); `-W -f=FMT` prints "status<TAB>provides" of every package. */
static const char fake_dpkg_query[] =
  "#!/bin/sh\n"
  "db=$(dirname \"$0\")/../dpkg.db\n"
  "pkg=\n"
  "for a in \"$@\"; do case \"$a\" in -*) ;; *) pkg=$a ;; esac; done\n"
  "if [ -n \"$pkg\" ]; then\n"
  "  awk -F '\\t' -v p=\"$pkg\" '$1 == p { print $2; found = 1 } END { exit !found }' \"$db\"\n"
  "  exit $?\n"
  "fi\n"
  "awk -F '\\t' '{ print $2 \"\\t\" $3 }' \"$db\"\n";

typedef struct {
  char *dir;
} Fx;

static void
write_file (const char *path, const char *text, int mode)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *parent = g_path_get_dirname (path);
  g_assert_cmpint (g_mkdir_with_parents (parent, 0700), ==, 0);
  g_assert_true (g_file_set_contents (path, text, -1, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_chmod (path, mode), ==, 0);
}

/* A tree with tools/deps.sh (the real one), packages.txt (list) and the
 * fake commands; dpkg.db the fake table (lines "pkg\tstatus\tprovides"). */
static void
fx_setup (Fx *f, const char *list, const char *db)
{
  f->dir = essc_test_make_tmpdir ("essc-deps-XXXXXX");
  g_autofree char *src = essc_test_src_path ("tools", "deps.sh", NULL);
  g_autofree char *text = NULL;
  g_autoptr (GError) error = NULL;
  g_assert_true (g_file_get_contents (src, &text, NULL, &error));
  g_assert_no_error (error);
  g_autofree char *script = g_build_filename (f->dir, "tools", "deps.sh", NULL);
  write_file (script, text, 0755);
  g_autofree char *pl = g_build_filename (f->dir, "packages.txt", NULL);
  write_file (pl, list, 0644);
  g_autofree char *dbp = g_build_filename (f->dir, "dpkg.db", NULL);
  write_file (dbp, db, 0644);
  g_autofree char *q = g_build_filename (f->dir, "bin", "dpkg-query", NULL);
  write_file (q, fake_dpkg_query, 0755);
  g_autofree char *id = g_build_filename (f->dir, "bin", "id", NULL);
  write_file (id, "#!/bin/sh\necho 1000\n", 0755);
  g_autofree char *apt = g_build_filename (f->dir, "bin", "apt-get", NULL);
  write_file (apt, "#!/bin/sh\necho \"$@\" >> \"$(dirname \"$0\")/../apt.log\"\nexit 1\n", 0755);
}

static void
fx_teardown (Fx *f)
{
  g_autofree char *q = g_shell_quote (f->dir);
  EsscTestRun r = essc_test_run_sh ("rm -rf %s", q);
  g_assert_cmpint (r.status, ==, 0);
  essc_test_run_clear (&r);
  g_free (f->dir);
}

/* Runs the copied deps.sh with the fakes first in PATH. */
static EsscTestRun
fx_deps (Fx *f, const char *purpose)
{
  g_autofree char *q = g_shell_quote (f->dir);
  return essc_test_run_sh ("PATH=%s/bin:\"$PATH\" sh %s/tools/deps.sh %s", q, q, purpose);
}

static gboolean
fx_apt_called (Fx *f)
{
  g_autofree char *log = g_build_filename (f->dir, "apt.log", NULL);
  return g_file_test (log, G_FILE_TEST_EXISTS);
}

static const char list_node[] =
  "[run]\n"
  "make\n"
  "[check]\n"
  "nodejs\n"
  "npm\n";

/* NodeSource's nodejs: installed, provides npm (among others); Debian's
 * npm is known to dpkg but not installed.  Nothing is missing. */
static void
test_provided_counts (void)
{
  Fx f;
  fx_setup (&f, list_node,
            "make\tinstall ok installed\t\n"
            "nodejs\tinstall ok installed\tnodejs-dev, nodejs-doc, nodejs-legacy, npm\n"
            "npm\tunknown ok not-installed\t\n");
  EsscTestRun r = fx_deps (&f, "check");
  g_assert_cmpstr (r.err, ==, "");
  g_assert_cmpint (r.status, ==, 0);
  g_assert_false (fx_apt_called (&f));
  essc_test_run_clear (&r);
  fx_teardown (&f);
}

/* A versioned Provides ("npm (= 10.8.2)") counts as npm. */
static void
test_provided_versioned (void)
{
  Fx f;
  fx_setup (&f, list_node,
            "make\tinstall ok installed\t\n"
            "nodejs\tinstall ok installed\tnodejs-dev (= 20.1), npm (= 10.8.2)\n");
  EsscTestRun r = fx_deps (&f, "check");
  g_assert_cmpint (r.status, ==, 0);
  essc_test_run_clear (&r);
  fx_teardown (&f);
}

/* Nothing provides npm: it is missing, named in the command to run, and
 * only it (nodejs is installed). */
static void
test_not_provided_missing (void)
{
  Fx f;
  fx_setup (&f, list_node,
            "make\tinstall ok installed\t\n"
            "nodejs\tinstall ok installed\tnodejs-doc\n");
  EsscTestRun r = fx_deps (&f, "check");
  g_assert_cmpint (r.status, ==, 2);
  g_assert_nonnull (strstr (r.err, "missing Debian packages"));
  g_assert_nonnull (strstr (r.err, "--no-install-recommends npm\n"));
  essc_test_run_clear (&r);
  fx_teardown (&f);
}

/* A package that provides npm but is itself only half there (removed, its
 * configuration kept) provides nothing. */
static void
test_provider_not_installed (void)
{
  Fx f;
  fx_setup (&f, list_node,
            "make\tinstall ok installed\t\n"
            "nodejs\tinstall ok installed\t\n"
            "nodejs-old\tdeinstall ok config-files\tnpm\n");
  EsscTestRun r = fx_deps (&f, "check");
  g_assert_cmpint (r.status, ==, 2);
  g_assert_nonnull (strstr (r.err, "--no-install-recommends npm\n"));
  essc_test_run_clear (&r);
  fx_teardown (&f);
}

/* The name must match whole: a provided "npm-dev" or "xnpm" is not npm; and
 * a purpose that does not list npm ([run]) never asks for it. */
static void
test_provided_whole_name (void)
{
  Fx f;
  fx_setup (&f, list_node,
            "make\tinstall ok installed\t\n"
            "nodejs\tinstall ok installed\tnpm-dev, xnpm\n");
  EsscTestRun r = fx_deps (&f, "check");
  g_assert_cmpint (r.status, ==, 2);
  g_assert_nonnull (strstr (r.err, "--no-install-recommends npm\n"));
  essc_test_run_clear (&r);
  r = fx_deps (&f, "run");
  g_assert_cmpint (r.status, ==, 0);
  essc_test_run_clear (&r);
  fx_teardown (&f);
}

/* The real packages.txt lists nodejs and npm in [check] (the browser test). */
static void
test_list_has_node (void)
{
  g_autofree char *path = essc_test_src_path ("packages.txt", NULL);
  g_autofree char *text = NULL;
  g_autoptr (GError) error = NULL;
  g_assert_true (g_file_get_contents (path, &text, NULL, &error));
  g_assert_no_error (error);
  /* The section of each line, as deps.sh reads them. */
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  const char *section = "";
  gboolean node = FALSE, npm = FALSE;
  for (guint i = 0; lines[i] != NULL; i++)
    {
      if (lines[i][0] == '[')
        section = lines[i];
      else if (g_strcmp0 (section, "[check]") == 0)
        {
          node = node || g_strcmp0 (lines[i], "nodejs") == 0;
          npm = npm || g_strcmp0 (lines[i], "npm") == 0;
        }
    }
  g_assert_true (node);
  g_assert_true (npm);
}

int
main (int argc, char **argv)
{
  essc_test_init (&argc, &argv);
  g_test_add_func ("/cli/deps/provided-counts", test_provided_counts);
  g_test_add_func ("/cli/deps/provided-versioned", test_provided_versioned);
  g_test_add_func ("/cli/deps/not-provided-missing", test_not_provided_missing);
  g_test_add_func ("/cli/deps/provider-not-installed", test_provider_not_installed);
  g_test_add_func ("/cli/deps/provided-whole-name", test_provided_whole_name);
  g_test_add_func ("/cli/deps/list-has-node", test_list_has_node);
  return g_test_run ();
}
