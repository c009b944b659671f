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
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

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

/* An output replaces only a regular file, atomically; a symlink (even to a
 * regular file), a FIFO, a device or a folder is refused and left as it
 * was, and base_file_output_ok says so before any work is done. */
static void
test_file_write (void)
{
  g_autofree char *dir = g_dir_make_tmp ("essc-file-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "out.json", NULL);
  g_autoptr (GError) error = NULL;
  g_assert_true (base_file_output_ok (path, &error));
  g_assert_true (base_file_write_atomic (path, "one", 3, 0600, FALSE, &error));
  g_assert_no_error (error);
  g_assert_true (base_file_write_atomic (path, "two!", 4, 0600, TRUE, &error));
  g_autofree char *text = NULL;
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  g_assert_cmpstr (text, ==, "two!");
  g_assert_true (base_file_output_ok ("-", &error));

  g_autofree char *link = g_build_filename (dir, "link", NULL);
  g_autofree char *fifo = g_build_filename (dir, "fifo", NULL);
  g_assert_cmpint (symlink (path, link), ==, 0);
  g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);
  const char *const refused[] = { link, fifo, dir, "/dev/null" };
  for (gsize i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_assert_false (base_file_output_ok (refused[i], &error));
      g_assert_error (error, BASE_FILE_ERROR, BASE_FILE_ERROR_NOT_REGULAR);
      g_clear_error (&error);
      g_assert_false (base_file_write_atomic (refused[i], "x", 1, 0600, FALSE, &error));
      g_assert_error (error, BASE_FILE_ERROR, BASE_FILE_ERROR_NOT_REGULAR);
      g_assert_nonnull (strstr (error->message, refused[i]));
      g_clear_error (&error);
    }
  /* all left as they were: the link still a link to the untouched file */
  struct stat st;
  g_assert_cmpint (lstat (link, &st), ==, 0);
  g_assert_true (S_ISLNK (st.st_mode));
  g_assert_cmpint (lstat (fifo, &st), ==, 0);
  g_assert_true (S_ISFIFO (st.st_mode));
  g_free (text);
  text = NULL;
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  g_assert_cmpstr (text, ==, "two!");
  g_remove (link);
  g_remove (fifo);
  g_remove (path);
  g_rmdir (dir);
}

static int
cmp_names (gconstpointer a, gconstpointer b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

/* The files of dir, sorted, comma separated ("" when none). */
static char *
listing (const char *dir)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  g_assert_nonnull (d);
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;
  while ((name = g_dir_read_name (d)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, cmp_names);
  g_ptr_array_add (names, NULL);
  return g_strjoinv (",", (char **) names->pdata);
}

/* An output written piece by piece: nothing under its name until the
 * commit, which replaces an old file whole; freed uncommitted, or failing
 * to write (over RLIMIT_FSIZE: the write fails as on a full disk), it
 * leaves nothing, not even its temporary; refused outputs as
 * base_file_write_atomic refuses them; a missing folder says so. */
static void
test_file_out (void)
{
  g_autofree char *dir = g_dir_make_tmp ("essc-file-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "t.csv", NULL);
  g_autoptr (GError) error = NULL;
  g_assert_true (g_file_set_contents (path, "old", -1, NULL));

  BaseFileOut *out = base_file_out_new (path, 0644, &error);
  g_assert_no_error (error);
  for (int i = 0; i < 10000; i++)
    fprintf (base_file_out_stream (out), "row %d\n", i);
  g_autofree char *text = NULL;
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  g_assert_cmpstr (text, ==, "old");   /* not yet replaced */
  g_autofree char *during = listing (dir);
  g_assert_true (g_str_has_prefix (during, "t.csv,t.csv.tmp-"));
  g_assert_true (base_file_out_commit (out, TRUE, &error));
  g_assert_no_error (error);
  base_file_out_free (out);
  g_free (text);
  gsize len = 0;
  g_assert_true (g_file_get_contents (path, &text, &len, NULL));
  g_assert_true (g_str_has_prefix (text, "row 0\nrow 1\n"));
  g_assert_true (g_str_has_suffix (text, "row 9999\n"));
  g_autofree char *after = listing (dir);
  g_assert_cmpstr (after, ==, "t.csv");

  /* freed without a commit: the old file stays, no temporary */
  out = base_file_out_new (path, 0644, &error);
  fputs ("half", base_file_out_stream (out));
  base_file_out_free (out);
  g_autofree char *kept = NULL;
  g_assert_true (g_file_get_contents (path, &kept, NULL, NULL));
  g_assert_cmpstr (kept, ==, text);
  g_autofree char *after_free = listing (dir);
  g_assert_cmpstr (after_free, ==, "t.csv");

  /* a write that fails (over the file size limit, as a full disk) */
  g_autofree char *big = g_build_filename (dir, "big.csv", NULL);
  struct rlimit old_limit, small;
  g_assert_cmpint (getrlimit (RLIMIT_FSIZE, &old_limit), ==, 0);
  small = old_limit;
  small.rlim_cur = 4096;
  void (*old_handler) (int) = signal (SIGXFSZ, SIG_IGN);
  g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &small), ==, 0);
  out = base_file_out_new (big, 0644, &error);
  g_assert_no_error (error);
  for (int i = 0; i < 10000; i++)
    fprintf (base_file_out_stream (out), "row %d\n", i);
  gboolean committed = base_file_out_commit (out, FALSE, &error);
  g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &old_limit), ==, 0);
  signal (SIGXFSZ, old_handler);
  base_file_out_free (out);
  g_assert_false (committed);
  g_assert_error (error, BASE_FILE_ERROR, BASE_FILE_ERROR_IO);
  g_test_message ("%s", error->message);
  g_assert_true (g_str_has_prefix (error->message, big));
  g_clear_error (&error);
  g_autofree char *after_fail = listing (dir);
  g_assert_cmpstr (after_fail, ==, "t.csv");

  /* refused outputs; a missing folder */
  g_autofree char *link = g_build_filename (dir, "link", NULL);
  g_assert_cmpint (symlink (path, link), ==, 0);
  const char *const refused[] = { link, dir, "/dev/null" };
  for (gsize i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_assert_null (base_file_out_new (refused[i], 0644, &error));
      g_assert_error (error, BASE_FILE_ERROR, BASE_FILE_ERROR_NOT_REGULAR);
      g_clear_error (&error);
    }
  g_autofree char *missing = g_build_filename (dir, "no-such-folder", "t.csv", NULL);
  g_assert_null (base_file_out_new (missing, 0644, &error));
  g_assert_error (error, BASE_FILE_ERROR, BASE_FILE_ERROR_NOT_FOUND);
  g_assert_true (g_str_has_prefix (error->message, missing));
  g_clear_error (&error);
  g_autofree char *after_refused = listing (dir);
  g_assert_cmpstr (after_refused, ==, "link,t.csv");
  g_remove (link);
  g_remove (path);
  g_rmdir (dir);
}

int
main (int argc, char **argv)
{
  essc_test_init (&argc, &argv);
  g_test_add_func ("/base/file/read-regular", test_file_read);
  g_test_add_func ("/base/file/write-atomic", test_file_write);
  g_test_add_func ("/base/file/out-streamed", test_file_out);
  return g_test_run ();
}
