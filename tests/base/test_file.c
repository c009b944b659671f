/* SPDX-License-Identifier: MIT */
/*
 * Tests of base/file: a regular file is read whole with its NUL and mode;
 * a FIFO (with no writer: a blocking open would wait for ever), a directory
 * and /dev/null are refused at once; a file over the bound is refused
 * before it is read; a missing file says so by its code.
 */
#include "base/file.h"
#include "tests/lib/testutil.h"

#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>

static void
test_file_read (void)
{
  g_autofree char *dir = g_dir_make_tmp ("essc-file-XXXXXX", NULL);
  g_assert_nonnull (dir);
  g_autofree char *path = g_build_filename (dir, "a.txt", NULL);
  g_assert_true (g_file_set_contents (path, "abc\n", -1, NULL));
  g_assert_cmpint (g_chmod (path, 0640), ==, 0);

  gsize len = 99;
  guint mode = 0;
  g_autoptr (GError) error = NULL;
  g_autofree char *text = base_file_read_regular (path, 4, &len, &mode, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (len, ==, 4);
  g_assert_cmpstr (text, ==, "abc\n");
  g_assert_cmpuint (mode & 0777, ==, 0640);

  /* one byte over the bound */
  g_assert_null (base_file_read_regular (path, 3, &len, NULL, &error));
  g_assert_error (error, BASE_FILE_ERROR, BASE_FILE_ERROR_TOO_LARGE);
  g_assert_nonnull (strstr (error->message, path));
  g_clear_error (&error);

  g_autofree char *fifo = g_build_filename (dir, "fifo", NULL);
  g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);
  const char *const refused[] = { fifo, dir, "/dev/null" };
  for (gsize i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_assert_null (base_file_read_regular (refused[i], 1024, &len, NULL, &error));
      g_assert_error (error, BASE_FILE_ERROR, BASE_FILE_ERROR_NOT_REGULAR);
      g_assert_nonnull (strstr (error->message, "not a regular file"));
      g_clear_error (&error);
      g_assert_cmpint (base_file_open_regular (refused[i], &error), ==, -1);
      g_assert_error (error, BASE_FILE_ERROR, BASE_FILE_ERROR_NOT_REGULAR);
      g_clear_error (&error);
    }

  g_autofree char *missing = g_build_filename (dir, "missing", NULL);
  g_assert_null (base_file_read_regular (missing, 1024, &len, NULL, &error));
  g_assert_error (error, BASE_FILE_ERROR, BASE_FILE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* an empty file: an empty string */
  g_assert_true (g_file_set_contents (path, "", 0, NULL));
  g_autofree char *empty = base_file_read_regular (path, 0, &len, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (len, ==, 0);
  g_assert_cmpstr (empty, ==, "");

  g_remove (fifo);
  g_remove (path);
  g_rmdir (dir);
}

int
main (int argc, char **argv)
{
  essc_test_init (&argc, &argv);
  g_test_add_func ("/base/file/read-regular", test_file_read);
  return g_test_run ();
}
