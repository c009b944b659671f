/* SPDX-License-Identifier: MIT */
/*
 * Start-up shared by every test binary: TAP version line, GTest init,
 * libsodium init.
 */
#include "tests/lib/testutil.h"

#include <glib/gstdio.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

void
essc_test_init (int *argc, char ***argv)
{
  gboolean subprocess = FALSE;
  gboolean listing = FALSE;
  for (int i = 1; i < *argc; i++)
    {
      if (strcmp ((*argv)[i], "--GTestSubprocess") == 0)
        subprocess = TRUE;
      if (strcmp ((*argv)[i], "-l") == 0)
        listing = TRUE;
    }
  if (!subprocess && !listing)
    {
      printf ("TAP version 13\n");
      fflush (stdout);
    }
  g_test_init (argc, argv, NULL);
  if (sodium_init () < 0)
    g_error ("sodium_init failed");
}

char *
essc_test_make_tmpdir (const char *tmpl)
{
  g_autoptr (GError) error = NULL;
  char *dir = g_dir_make_tmp (tmpl, &error);
  g_assert_no_error (error);
  return dir;
}

gboolean
essc_test_remove_dir (const char *dir)
{
  gboolean ok = TRUE;
  if (dir == NULL)
    return TRUE;
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;
  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *p = g_build_filename (dir, name, NULL);
      if (g_file_test (p, G_FILE_TEST_IS_DIR) && !g_file_test (p, G_FILE_TEST_IS_SYMLINK))
        ok &= essc_test_remove_dir (p);
      else
        ok &= g_remove (p) == 0;
    }
  return g_rmdir (dir) == 0 && ok;
}
