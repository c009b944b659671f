/* SPDX-License-Identifier: MIT */
/*
 * Tests of `make lint`, the include rules between the layers
 * (docs/ARCHITECTURE.md): the real tree passes, and a copy of the Makefile
 * and tools/lint-includes.sh in a temporary folder refuses each forbidden
 * include (one per rule), naming the file, the line and the header, while
 * the allowed includes of the same layers pass.  The rules are the
 * Makefile's own table, so a change to it is tested here.
 */
#include "tests/lib/run.h"
#include "tests/lib/testutil.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <string.h>

/* Runs `make -s lint` in dir. */
static EsscTestRun
make_lint (const char *dir)
{
  g_autoptr (GSubprocessLauncher) l = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  const char *argv[] = { "make", "-s", "lint", NULL };
  g_subprocess_launcher_set_cwd (l, dir);
  g_subprocess_launcher_unsetenv (l, "MAKEFLAGS");
  g_subprocess_launcher_unsetenv (l, "MFLAGS");
  return essc_test_run_argv (l, argv, NULL, 0);
}

static void
write_file (const char *dir, const char *rel, const char *text)
{
  g_autofree char *path = g_build_filename (dir, rel, NULL);
  g_autofree char *parent = g_path_get_dirname (path);
  g_autoptr (GError) error = NULL;
  g_assert_cmpint (g_mkdir_with_parents (parent, 0700), ==, 0);
  g_assert_true (g_file_set_contents (path, text, -1, &error));
  g_assert_no_error (error);
}

static void
copy_file (const char *dir, const char *rel)
{
  g_autofree char *from = g_build_filename (essc_test_srcdir (), rel, NULL);
  g_autofree char *text = NULL;
  g_autoptr (GError) error = NULL;
  g_assert_true (g_file_get_contents (from, &text, NULL, &error));
  g_assert_no_error (error);
  write_file (dir, rel, text);
}

/* Removes dir and everything below it. */
static void
remove_tree (const char *dir)
{
  g_autoptr (GFile) f = g_file_new_for_path (dir);
  g_autoptr (GFileEnumerator) e = g_file_enumerate_children (
      f, G_FILE_ATTRIBUTE_STANDARD_NAME "," G_FILE_ATTRIBUTE_STANDARD_TYPE,
      G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, NULL, NULL);
  GFileInfo *info;
  while (e != NULL && (info = g_file_enumerator_next_file (e, NULL, NULL)) != NULL)
    {
      g_autofree char *child = g_build_filename (dir, g_file_info_get_name (info), NULL);
      if (g_file_info_get_file_type (info) == G_FILE_TYPE_DIRECTORY)
        remove_tree (child);
      else
        g_assert_cmpint (g_unlink (child), ==, 0);
      g_object_unref (info);
    }
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

/*
 * A tree with the Makefile, the lint script and one file per layer folder,
 * each including only what its layer may.
 */
static char *
make_tree (void)
{
  g_autoptr (GError) error = NULL;
  char *dir = g_dir_make_tmp ("essc-lint-XXXXXX", &error);
  g_assert_no_error (error);
  copy_file (dir, "Makefile");
  copy_file (dir, "VERSION");
  copy_file (dir, "tools/lint-includes.sh");
  write_file (dir, "base/a.h", "#pragma once\n#include <glib.h>\n");
  write_file (dir, "sim/a.c", "#include \"sim/a.h\"\n#include \"base/a.h\"\n");
  write_file (dir, "model/std/a.c", "#include \"model/std/a.h\"\n#include \"base/a.h\"\n");
  write_file (dir, "model/rollout/a.c",
              "#include \"model/rollout/a.h\"\n#include \"model/std/channel.h\"\n"
              "#include \"sim/a.h\"\n#include \"base/a.h\"\n");
  write_file (dir, "conformance/a.c", "#include \"conformance/a.h\"\n#include \"model/std/a.h\"\n");
  write_file (dir, "reports/a.c", "#include \"reports/a.h\"\n#include \"base/a.h\"\n");
  write_file (dir, "cli/a.c", "#include \"reports/a.h\"\n#include \"model/rollout/a.h\"\n"
                              "#include \"conformance/a.h\"\n");
  write_file (dir, "tests/sim/test_a.c", "#include \"sim/a.h\"\n#include \"tests/lib/testutil.h\"\n");
  return dir;
}

static void
test_tree_passes (void)
{
  EsscTestRun r = make_lint (essc_test_srcdir ());
  g_assert_cmpstr (r.err, ==, "");
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "include rules hold"));
  essc_test_run_clear (&r);
}

static void
test_allowed_pass (void)
{
  g_autofree char *dir = make_tree ();
  EsscTestRun r = make_lint (dir);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_null (strstr (r.err, "lint:"));
  essc_test_run_clear (&r);
  remove_tree (dir);
}

/* Each forbidden include, in the file it is added to, at line 3. */
static const struct {
  const char *file, *include;
} forbidden[] = {
  { "sim/b.c", "model/std/card.h" },          /* sim/ includes nothing above it */
  { "sim/b.h", "conformance/plan.h" },
  { "base/b.c", "sim/rng.h" },                /* base/ includes nothing above it */
  { "reports/b.c", "model/rollout/rundb.h" }, /* reports/ only base/ and reports/ */
  { "reports/b.c", "sim/histogram.h" },
  { "model/std/b.c", "model/rollout/scenario.h" },
  { "model/std/b.c", "sim/rng.h" },
  { "conformance/b.c", "model/rollout/rollout.h" },
  { "model/rollout/b.c", "model/std/card.h" }, /* the rollout: channel.h only */
  { "model/rollout/b.c", "model/std/store.h" },
  { "model/rollout/b.c", "conformance/plan.h" },
  { "tests/std/test_b.c", "model/rollout/cities.h" }, /* a test: its layer's rules */
};

static void
test_forbidden_fail (void)
{
  g_autofree char *dir = make_tree ();
  for (gsize i = 0; i < G_N_ELEMENTS (forbidden); i++)
    {
      g_autofree char *text = g_strdup_printf ("/* a file */\n#include <glib.h>\n#include \"%s\"\n",
                                               forbidden[i].include);
      write_file (dir, forbidden[i].file, text);
      EsscTestRun r = make_lint (dir);
      g_autofree char *want = g_strdup_printf ("lint: %s:3: includes \"%s\";", forbidden[i].file,
                                               forbidden[i].include);
      g_test_message ("%s including %s: status %d, stderr %s", forbidden[i].file,
                      forbidden[i].include, r.status, r.err);
      g_assert_cmpint (r.status, !=, 0);
      g_assert_nonnull (strstr (r.err, want));
      g_assert_null (strstr (r.out, "include rules hold"));
      essc_test_run_clear (&r);
      g_autofree char *path = g_build_filename (dir, forbidden[i].file, NULL);
      g_assert_cmpint (g_unlink (path), ==, 0);
    }
  /* Back to the allowed files only: it passes again. */
  EsscTestRun r = make_lint (dir);
  g_assert_cmpint (r.status, ==, 0);
  essc_test_run_clear (&r);
  remove_tree (dir);
}

int
main (int argc, char **argv)
{
  essc_test_init (&argc, &argv);
  g_test_add_func ("/lint/tree-passes", test_tree_passes);
  g_test_add_func ("/lint/allowed-pass", test_allowed_pass);
  g_test_add_func ("/lint/forbidden-include-fails", test_forbidden_fail);
  return g_test_run ();
}
