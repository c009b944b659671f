/* SPDX-License-Identifier: MIT */
/*
 * The data directory (base/datadir.h): the one given, the build tree's
 * scenarios/ found from the running program's path, or the installed one.
 */
#include "base/datadir.h"

#include "base/error.h"
#include "base/names.h"

#ifndef ESSC_DATADIR
#define ESSC_DATADIR "/usr/local/share/essc/scenarios"
#endif

G_DEFINE_QUARK (base-datadir-error-quark, base_datadir_error)

const char *
base_datadir_installed (void)
{
  return ESSC_DATADIR;
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
  const char *const candidates[] = { dir, up };
  for (gsize i = 0; i < G_N_ELEMENTS (candidates); i++)
    if (is_tree (candidates[i]))
      return g_build_filename (candidates[i], "scenarios", NULL);
  return NULL;
}

char *
base_datadir_find (const char *given, BaseDatadirSource *source, GError **error)
{
  BaseDatadirSource dummy;
  if (source == NULL)
    source = &dummy;
  if (given != NULL)
    {
      *source = BASE_DATADIR_GIVEN;
      if (!g_file_test (given, G_FILE_TEST_IS_DIR))
        return base_fail (error, BASE_DATADIR_ERROR, BASE_DATADIR_ERROR_NOT_DIR,
                          "%s: not a directory, expected the folder holding the "
                          "scenarios' data (a copy of scenarios/)", given), NULL;
      return g_canonicalize_filename (given, NULL);
    }
  g_autofree char *exe = g_file_read_link ("/proc/self/exe", NULL);
  char *tree = exe != NULL ? base_datadir_build_tree (exe) : NULL;
  if (tree != NULL)
    {
      *source = BASE_DATADIR_BUILD_TREE;
      return tree;
    }
  *source = BASE_DATADIR_INSTALLED;
  return g_strdup (base_datadir_installed ());
}

static const char *const source_names[] = { "--data-dir", "the build tree", "installed" };

const char *
base_datadir_source_name (BaseDatadirSource source)
{
  return base_name_of (source_names, G_N_ELEMENTS (source_names), (int) source, "unknown");
}
