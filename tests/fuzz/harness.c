/* SPDX-License-Identifier: MIT */
/*
 * The libFuzzer harnesses' shared start-up and helpers (harness.h).
 */
#include "tests/fuzz/harness.h"

#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>

static char *tmpdir;

static void
remove_tmpdir (void)
{
  if (tmpdir == NULL)
    return;
  GDir *dir = g_dir_open (tmpdir, 0, NULL);
  if (dir != NULL)
    {
      const char *name;
      while ((name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *path = g_build_filename (tmpdir, name, NULL);
          g_remove (path);
        }
      g_dir_close (dir);
    }
  g_rmdir (tmpdir);
}

/* Drops debug, info and messages (a parser's chatter is not a finding);
 * warnings and criticals are fatal (g_log_set_always_fatal) and abort. */
static void
quiet_handler (const char *domain, GLogLevelFlags level, const char *message, gpointer data)
{
  if (level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING))
    g_log_default_handler (domain, level, message, data);
}

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  g_log_set_always_fatal (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
  g_log_set_default_handler (quiet_handler, NULL);
  /* tmpfs when there is one: the file-reading harnesses write every input */
  const char *base = g_file_test ("/dev/shm", G_FILE_TEST_IS_DIR) ? "/dev/shm" : g_get_tmp_dir ();
  g_autofree char *tmpl = g_build_filename (base, "essc-fuzz-XXXXXX", NULL);
  tmpdir = g_mkdtemp (g_steal_pointer (&tmpl));
  if (tmpdir == NULL)
    {
      g_printerr ("fuzz: cannot make a temporary folder under %s\n", base);
      exit (2);
    }
  atexit (remove_tmpdir);
  return 0;
}

const char *
fuzz_srcdir (void)
{
  static char *root;
  if (root != NULL)
    return root;
  const char *env = g_getenv ("ESSC_SRCDIR");
  if (env != NULL)
    root = g_strdup (env);
  else
    {
      g_autofree char *exe = g_file_read_link ("/proc/self/exe", NULL);
      g_autofree char *fuzz = exe != NULL ? g_path_get_dirname (exe) : g_strdup (".");
      g_autofree char *build = g_path_get_dirname (fuzz);
      root = g_path_get_dirname (build);
    }
  g_autofree char *probe = g_build_filename (root, "tests", "fuzz", NULL);
  if (!g_file_test (probe, G_FILE_TEST_IS_DIR))
    {
      g_printerr ("fuzz: %s is not essc's source tree (no tests/fuzz/): set ESSC_SRCDIR\n", root);
      exit (2);
    }
  return root;
}

const char *
fuzz_tmpdir (void)
{
  return tmpdir;
}

const char *
fuzz_file (const char *name, const uint8_t *data, size_t size)
{
  static GHashTable *paths;
  if (paths == NULL)
    paths = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  char *path = g_hash_table_lookup (paths, name);
  if (path == NULL)
    {
      path = g_build_filename (tmpdir, name, NULL);
      g_hash_table_insert (paths, g_strdup (name), path);
    }
  g_autoptr (GError) error = NULL;
  if (!g_file_set_contents (path, (const char *) data, (gssize) size, &error))
    {
      g_printerr ("fuzz: %s\n", error->message);
      abort ();
    }
  return path;
}

char *
fuzz_text (const uint8_t *data, size_t size)
{
  char *text = g_malloc (size + 1);
  if (size > 0)
    memcpy (text, data, size);
  text[size] = '\0';
  return text;
}

gboolean
fuzz_select (const uint8_t **data, size_t *size, guint8 *selector)
{
  if (*size == 0)
    return FALSE;
  *selector = (*data)[0];
  (*data)++;
  (*size)--;
  return TRUE;
}
