/* SPDX-License-Identifier: MIT */
/*
 * The data root and its parts (base/datadir.h): the directory given, the
 * build tree found from the running program's path, the share/essc beside
 * the program's bin/, or the installed root compiled in.
 */
#include "base/datadir.h"

#include "base/error.h"
#include "base/names.h"

#ifndef ESSC_DATAROOT
#define ESSC_DATAROOT "/usr/local/share/essc"
#endif

G_DEFINE_QUARK (base-datadir-error-quark, base_datadir_error)

const char *
base_datadir_installed (void)
{
  return ESSC_DATAROOT;
}

/* TRUE when dir holds the marks of an essc source tree. */
static gboolean
is_tree (const char *dir)
{
  g_autofree char *version = g_build_filename (dir, "VERSION", NULL);
  g_autofree char *scenario = g_build_filename (dir, "scenarios", "national-2019.ini", NULL);
  return g_file_test (version, G_FILE_TEST_IS_REGULAR)
         && g_file_test (scenario, G_FILE_TEST_IS_REGULAR);
}

char *
base_datadir_build_tree (const char *exe_path)
{
  g_return_val_if_fail (exe_path != NULL, NULL);
  g_autofree char *abs = g_canonicalize_filename (exe_path, NULL);
  g_autofree char *dir = g_path_get_dirname (abs);
  g_autofree char *up = g_path_get_dirname (dir);
  char *const candidates[] = { dir, up };
  for (gsize i = 0; i < G_N_ELEMENTS (candidates); i++)
    if (is_tree (candidates[i]))
      return g_strdup (candidates[i]);
  return NULL;
}

char *
base_datadir_root_of (const char *exe_path, BaseDatadirSource *source)
{
  g_return_val_if_fail (exe_path != NULL, NULL);
  BaseDatadirSource dummy;
  if (source == NULL)
    source = &dummy;
  char *tree = base_datadir_build_tree (exe_path);
  if (tree != NULL)
    {
      *source = BASE_DATADIR_BUILD_TREE;
      return tree;
    }
  g_autofree char *abs = g_canonicalize_filename (exe_path, NULL);
  g_autofree char *bindir = g_path_get_dirname (abs);
  g_autofree char *beside = g_build_filename (bindir, "..", "share", "essc", NULL);
  if (g_file_test (beside, G_FILE_TEST_IS_DIR))
    {
      *source = BASE_DATADIR_BESIDE_PROGRAM;
      return g_canonicalize_filename (beside, NULL);
    }
  *source = BASE_DATADIR_INSTALLED;
  return g_strdup (base_datadir_installed ());
}

char *
base_datadir_root (BaseDatadirSource *source)
{
  g_autofree char *exe = g_file_read_link ("/proc/self/exe", NULL);
  if (exe != NULL)
    return base_datadir_root_of (exe, source);
  if (source != NULL)
    *source = BASE_DATADIR_INSTALLED;
  return g_strdup (base_datadir_installed ());
}

char *
base_datadir_part_of (const char *root, BaseDatadirSource source, BaseDataPart part)
{
  g_return_val_if_fail (root != NULL, NULL);
  if (part == BASE_DATA_SCENARIOS)
    return g_build_filename (root, "scenarios", NULL);
  if (source == BASE_DATADIR_BUILD_TREE)
    return g_build_filename (root, "conformance", "vectors", NULL);
  return g_build_filename (root, "vectors", NULL);
}

char *
base_datadir_find_part (BaseDataPart part, const char *given, BaseDatadirSource *source,
                        GError **error)
{
  BaseDatadirSource dummy;
  if (source == NULL)
    source = &dummy;
  if (given != NULL)
    {
      *source = BASE_DATADIR_GIVEN;
      if (!g_file_test (given, G_FILE_TEST_IS_DIR))
        return base_fail (error, BASE_DATADIR_ERROR, BASE_DATADIR_ERROR_NOT_DIR,
                          "%s: not a directory, expected the folder holding %s", given,
                          part == BASE_DATA_SCENARIOS
                              ? "the scenarios' data (a copy of scenarios/)"
                              : "the vector files (a copy of conformance/vectors/)"), NULL;
      return g_canonicalize_filename (given, NULL);
    }
  g_autofree char *root = base_datadir_root (source);
  return base_datadir_part_of (root, *source, part);
}

char *
base_datadir_find (const char *given, BaseDatadirSource *source, GError **error)
{
  return base_datadir_find_part (BASE_DATA_SCENARIOS, given, source, error);
}

static const char *const source_names[] = {
  "given", "the build tree", "relative to the program", "installed",
};

const char *
base_datadir_source_name (BaseDatadirSource source)
{
  return base_name_of (source_names, G_N_ELEMENTS (source_names), (int) source, "unknown");
}

const char *
base_datadir_part_option (BaseDataPart part)
{
  return part == BASE_DATA_SCENARIOS ? "--data-dir" : "--vectors";
}
