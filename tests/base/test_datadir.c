/* SPDX-License-Identifier: MIT */
/*
 * Tests of base/datadir: a build tree is recognised from a program's path
 * (the program in the tree's root or one folder down, both marks needed);
 * a program outside a tree takes BINDIR/../share/essc when that folder
 * exists, else the installed root; the parts of a tree and of an installed
 * root; a given directory is taken (absolute) or refused when it is not one,
 * and without one the running program's root gives the part.
 */
#include "base/datadir.h"
#include "tests/lib/testutil.h"

#include <glib/gstdio.h>
#include <string.h>

static void
put (const char *path)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
  g_assert_true (g_file_set_contents (path, "x\n", -1, NULL));
}

static void
test_build_tree (void)
{
  g_autofree char *tmp = essc_test_make_tmpdir ("essc-datadir-XXXXXX");
  g_autofree char *version = g_build_filename (tmp, "VERSION", NULL);
  g_autofree char *scenario = g_build_filename (tmp, "scenarios", "national-2019.ini", NULL);
  g_autofree char *in_build = g_build_filename (tmp, "build", "essc", NULL);
  g_autofree char *at_root = g_build_filename (tmp, "essc", NULL);
  g_autofree char *too_deep = g_build_filename (tmp, "build", "tests", "essc", NULL);
  g_autofree char *want = g_strdup (tmp);
  put (scenario);
  put (in_build);
  put (too_deep);

  /* Without VERSION no folder is a tree. */
  g_autofree char *none = base_datadir_build_tree (in_build);
  g_assert_null (none);
  put (version);
  g_autofree char *from_build = base_datadir_build_tree (in_build);
  g_autofree char *from_root = base_datadir_build_tree (at_root);
  g_autofree char *from_deep = base_datadir_build_tree (too_deep);
  g_assert_cmpstr (from_build, ==, want);
  g_assert_cmpstr (from_root, ==, want);
  g_assert_null (from_deep);
  /* Without the scenario neither. */
  g_assert_cmpint (g_remove (scenario), ==, 0);
  g_autofree char *no_scenario = base_datadir_build_tree (in_build);
  g_assert_null (no_scenario);

  g_autofree char *scen_dir = g_path_get_dirname (scenario);
  g_autofree char *build_dir = g_path_get_dirname (in_build);
  g_autofree char *tests_dir = g_path_get_dirname (too_deep);
  g_assert_cmpint (g_remove (version), ==, 0);
  g_assert_cmpint (g_remove (in_build), ==, 0);
  g_assert_cmpint (g_remove (too_deep), ==, 0);
  g_assert_cmpint (g_rmdir (tests_dir), ==, 0);
  g_assert_cmpint (g_rmdir (build_dir), ==, 0);
  g_assert_cmpint (g_rmdir (scen_dir), ==, 0);
  g_assert_true (essc_test_remove_dir (tmp));
}

/* Outside a tree: BINDIR/../share/essc when it exists, else the installed
 * root; the parts of each. */
static void
test_root (void)
{
  g_autofree char *tmp = essc_test_make_tmpdir ("essc-datadir-XXXXXX");
  g_autofree char *prog = g_build_filename (tmp, "usr", "bin", "essc", NULL);
  g_autofree char *share = g_build_filename (tmp, "usr", "share", "essc", NULL);
  put (prog);
  BaseDatadirSource source = BASE_DATADIR_GIVEN;

  /* No share/essc beside bin/: the installed root, whatever it is. */
  g_autofree char *installed = base_datadir_root_of (prog, &source);
  g_assert_cmpint (source, ==, BASE_DATADIR_INSTALLED);
  g_assert_cmpstr (installed, ==, base_datadir_installed ());
  g_assert_true (g_str_has_suffix (installed, "/share/essc"));
  g_autofree char *inst_scen = base_datadir_part_of (installed, source, BASE_DATA_SCENARIOS);
  g_autofree char *inst_vec = base_datadir_part_of (installed, source, BASE_DATA_VECTORS);
  g_autofree char *want_scen = g_build_filename (installed, "scenarios", NULL);
  g_autofree char *want_vec = g_build_filename (installed, "vectors", NULL);
  g_assert_cmpstr (inst_scen, ==, want_scen);
  g_assert_cmpstr (inst_vec, ==, want_vec);

  /* With it: that folder, absolute and without "..". */
  g_assert_cmpint (g_mkdir_with_parents (share, 0755), ==, 0);
  g_autofree char *beside = base_datadir_root_of (prog, &source);
  g_assert_cmpint (source, ==, BASE_DATADIR_BESIDE_PROGRAM);
  g_assert_cmpstr (beside, ==, share);
  g_assert_cmpstr (base_datadir_source_name (source), ==, "relative to the program");
  g_autofree char *vec = base_datadir_part_of (beside, source, BASE_DATA_VECTORS);
  g_autofree char *want = g_build_filename (share, "vectors", NULL);
  g_assert_cmpstr (vec, ==, want);

  /* A build tree wins over share/essc, and its vectors are conformance/vectors. */
  g_autofree char *usr = g_build_filename (tmp, "usr", NULL);
  g_autofree char *version = g_build_filename (usr, "VERSION", NULL);
  g_autofree char *scenario = g_build_filename (usr, "scenarios", "national-2019.ini", NULL);
  put (version);
  put (scenario);
  g_autofree char *tree = base_datadir_root_of (prog, &source);
  g_assert_cmpint (source, ==, BASE_DATADIR_BUILD_TREE);
  g_assert_cmpstr (tree, ==, usr);
  g_autofree char *tree_vec = base_datadir_part_of (tree, source, BASE_DATA_VECTORS);
  g_autofree char *tree_scen = base_datadir_part_of (tree, source, BASE_DATA_SCENARIOS);
  g_autofree char *want_tree_vec = g_build_filename (usr, "conformance", "vectors", NULL);
  g_autofree char *want_tree_scen = g_build_filename (usr, "scenarios", NULL);
  g_assert_cmpstr (tree_vec, ==, want_tree_vec);
  g_assert_cmpstr (tree_scen, ==, want_tree_scen);

  const char *const files[] = { scenario, version, prog };
  for (gsize i = 0; i < G_N_ELEMENTS (files); i++)
    g_assert_cmpint (g_remove (files[i]), ==, 0);
  g_autofree char *scen_dir = g_path_get_dirname (scenario);
  g_autofree char *bin_dir = g_path_get_dirname (prog);
  g_autofree char *share_dir = g_path_get_dirname (share);
  const char *const dirs[] = { scen_dir, bin_dir, share, share_dir, usr };
  for (gsize i = 0; i < G_N_ELEMENTS (dirs); i++)
    g_assert_cmpint (g_rmdir (dirs[i]), ==, 0);
  g_assert_true (essc_test_remove_dir (tmp));
}

static void
test_find (void)
{
  g_autoptr (GError) error = NULL;
  BaseDatadirSource source = BASE_DATADIR_INSTALLED;
  g_autofree char *tmp = essc_test_make_tmpdir ("essc-datadir-XXXXXX");

  g_autofree char *given = base_datadir_find (tmp, &source, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (given, ==, tmp);
  g_assert_cmpint (source, ==, BASE_DATADIR_GIVEN);
  g_assert_cmpstr (base_datadir_source_name (source), ==, "given");
  g_assert_cmpstr (base_datadir_part_option (BASE_DATA_SCENARIOS), ==, "--data-dir");
  g_assert_cmpstr (base_datadir_part_option (BASE_DATA_VECTORS), ==, "--vectors");
  g_autofree char *given_vec = base_datadir_find_part (BASE_DATA_VECTORS, tmp, &source, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (given_vec, ==, tmp);

  /* A relative directory comes back absolute. */
  g_autofree char *cwd = g_get_current_dir ();
  g_autofree char *dot = base_datadir_find (".", NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_path_is_absolute (dot));
  g_autofree char *dot_canon = g_canonicalize_filename (cwd, NULL);
  g_assert_cmpstr (dot, ==, dot_canon);

  /* A file or a missing path is refused, naming it. */
  g_autofree char *file = g_build_filename (tmp, "not-a-dir", NULL);
  g_assert_true (g_file_set_contents (file, "", 0, NULL));
  const char *bad[] = { file, "/nonexistent/essc-data" };
  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *d = base_datadir_find (bad[i], &source, &error);
      g_assert_null (d);
      g_assert_error (error, BASE_DATADIR_ERROR, BASE_DATADIR_ERROR_NOT_DIR);
      g_assert_true (g_str_has_prefix (error->message, bad[i]));
      g_assert_nonnull (strstr (error->message, "not a directory"));
      g_clear_error (&error);
      g_autofree char *v = base_datadir_find_part (BASE_DATA_VECTORS, bad[i], &source, &error);
      g_assert_null (v);
      g_assert_error (error, BASE_DATADIR_ERROR, BASE_DATADIR_ERROR_NOT_DIR);
      g_assert_nonnull (strstr (error->message, "vector files"));
      g_clear_error (&error);
    }

  /* This test program is in build/tests/base/, in no tree and with no
   * build/tests/share/essc: the installed root's parts. */
  g_autofree char *installed = base_datadir_find (NULL, &source, &error);
  g_assert_no_error (error);
  g_assert_cmpint (source, ==, BASE_DATADIR_INSTALLED);
  g_autofree char *want = g_build_filename (base_datadir_installed (), "scenarios", NULL);
  g_assert_cmpstr (installed, ==, want);
  g_assert_true (g_str_has_suffix (installed, "/share/essc/scenarios"));
  g_autofree char *vectors = base_datadir_find_part (BASE_DATA_VECTORS, NULL, &source, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_suffix (vectors, "/share/essc/vectors"));
  g_assert_true (essc_test_remove_dir (tmp));
}

int
main (int argc, char **argv)
{
  essc_test_init (&argc, &argv);
  g_test_add_func ("/base/datadir/build-tree", test_build_tree);
  g_test_add_func ("/base/datadir/root", test_root);
  g_test_add_func ("/base/datadir/find", test_find);
  return g_test_run ();
}
