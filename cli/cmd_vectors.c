/* SPDX-License-Identifier: MIT */
/*
 * essc vectors: writes the conformance suite's vector files
 * (conformance/vectors/GROUP.json, docs/VECTORS.md) from the reference
 * implementation, or, with --check, regenerates them in memory and compares
 * them byte for byte with the files on disk (--vectors DIR, by default the
 * suite's own set that every command reads: base/datadir.h), manifest.json
 * included; with
 * --manifest DIR, lists a directory of one's own vector files in a new
 * DIR/manifest.json (docs/VECTORS.md, "Manifest").  Exit 0 when written or
 * identical, 1 when a file differs or is missing (each one named on
 * stdout), 2 on a usage or I/O error, 3 when a generator is contradicted by
 * model/std/ (a bug in the generator; nothing is written).
 */
#include "cli/cli.h"
#include "conformance/manifest.h"
#include "conformance/plan.h"
#include "conformance/vectors.h"

#include <stdio.h>

#define DEFAULT_DIR "conformance/vectors"

static int
generator_failed (const GError *error)
{
  fprintf (stderr, "essc vectors: %s\n", error->message);
  return error->domain == CONF_VECTORS_ERROR && error->code == MODEL_STD_INTERNAL
             ? ESSC_EXIT_INTERNAL
             : ESSC_EXIT_USAGE;
}

int
essc_cmd_vectors (int argc, char **argv)
{
  g_autofree char *out = NULL;
  g_autofree char *dir = NULL, *old_dir = NULL, *manifest = NULL;
  gboolean check = FALSE;
  const GOptionEntry entries[] = {
    { "out", 0, 0, G_OPTION_ARG_FILENAME, &out, "write the files into DIR "
      "(default " DEFAULT_DIR " under the current directory)", "DIR" },
    { "check", 0, 0, G_OPTION_ARG_NONE, &check, "compare freshly generated files with "
      "those on disk instead of writing", NULL },
    { "vectors", 0, 0, G_OPTION_ARG_FILENAME, &dir, "with --check: the directory to compare; "
      ESSC_CLI_VECTORS_HELP, "DIR" },
    { "dir", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_FILENAME, &old_dir,
      "(the old name of --vectors)", "DIR" },
    { "manifest", 0, 0, G_OPTION_ARG_FILENAME, &manifest, "write DIR/manifest.json listing "
      "the vector files (*.json) of DIR, your own set, with their test counts and hashes "
      "(every file is checked to be a vector file first)", "DIR" },
    { NULL, 0, 0, 0, NULL, NULL, NULL },
  };
  if (!essc_cli_parse (&argc, &argv, "vectors",
                       "[--out DIR | --check [--vectors DIR] | --manifest DIR]",
                       "Generates the conformance vectors deterministically from the\n"
                       "reference implementation (fixed keys and clock), or checks that\n"
                       "the files on disk are exactly what this program generates.  A run\n"
                       "loads only a set whose manifest.json lists every file.\n"
                       "Exit status: 0 written or identical, 1 a file differs or is missing\n"
                       "(each named on stdout), 2 usage or input/output error, 3 a generator\n"
                       "contradicted by the reference implementation (nothing written).",
                       entries))
    return ESSC_EXIT_USAGE;
  if (argc > 1)
    return essc_cli_usage_error ("vectors", "unexpected argument '%s'", argv[1]);
  if (old_dir != NULL && dir != NULL)
    return essc_cli_usage_error ("vectors", "--dir is the old name of --vectors: give one");
  if (old_dir != NULL)
    dir = g_steal_pointer (&old_dir);
  if (check && out != NULL)
    return essc_cli_usage_error ("vectors", "--out and --check exclude each other");
  if (!check && dir != NULL)
    return essc_cli_usage_error ("vectors", "--vectors goes with --check (use --out to write)");
  if (manifest != NULL && (check || out != NULL))
    return essc_cli_usage_error ("vectors", "--manifest goes alone");

  g_autoptr (GError) error = NULL;
  if (manifest != NULL)
    {
      if (!conf_manifest_write_dir (manifest, &error))
        {
          fprintf (stderr, "essc vectors: %s\n", error->message);
          return ESSC_EXIT_USAGE;
        }
      printf ("essc vectors: wrote %s/%s\n", manifest, CONF_MANIFEST_FILE);
      return ESSC_EXIT_OK;
    }
  if (!check)
    {
      const char *target = out ? out : DEFAULT_DIR;
      if (!conf_vectors_write (target, &error))
        return generator_failed (error);
      printf ("essc vectors: wrote the vector files into %s\n", target);
      return ESSC_EXIT_OK;
    }

  if (dir == NULL)
    dir = conf_plan_default_dir ();
  const char *target = dir;
  if (!g_file_test (target, G_FILE_TEST_IS_DIR))
    return essc_cli_usage_error ("vectors", "%s: no such directory", target);
  g_autoptr (GPtrArray) differing = g_ptr_array_new_with_free_func (g_free);
  if (!conf_vectors_check (target, differing, &error))
    return generator_failed (error);
  for (guint i = 0; i < differing->len; i++)
    printf ("%s/%s\n", target, (const char *) differing->pdata[i]);
  if (differing->len > 0)
    {
      printf ("essc vectors: %u file(s) differ from what this program generates; "
              "run essc vectors to regenerate\n", differing->len);
      return ESSC_EXIT_FAILED;
    }
  printf ("essc vectors: %s is up to date\n", target);
  return ESSC_EXIT_OK;
}
