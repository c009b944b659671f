/* SPDX-License-Identifier: MIT */
/*
 * Bounded reads of regular files (file.h).  The file is opened with
 * O_NONBLOCK, so opening a FIFO with no writer returns at once, and fstat
 * then refuses anything that is not a regular file before a read.
 */
#include "base/file.h"

#include "base/error.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

G_DEFINE_QUARK (base-file-error-quark, base_file_error)

#define fail(error, code, ...) base_fail ((error), BASE_FILE_ERROR, (code), __VA_ARGS__)

static void
discard (char *buf, gsize cap)
{
  explicit_bzero (buf, cap);
  g_free (buf);
}

static int
open_regular (const char *path, struct stat *st, GError **error)
{
  int fd = open (path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
  if (fd < 0)
    {
      int e = errno;
      fail (error, e == ENOENT ? BASE_FILE_ERROR_NOT_FOUND : BASE_FILE_ERROR_IO, "%s: %s", path,
            g_strerror (e));
      return -1;
    }
  if (fstat (fd, st) != 0 || !S_ISREG (st->st_mode))
    {
      close (fd);
      fail (error, BASE_FILE_ERROR_NOT_REGULAR, "%s: not a regular file", path);
      return -1;
    }
  return fd;
}

int
base_file_open_regular (const char *path, GError **error)
{
  g_return_val_if_fail (path != NULL, -1);
  g_return_val_if_fail (error == NULL || *error == NULL, -1);
  struct stat st;
  return open_regular (path, &st, error);
}

char *
base_file_read_regular (const char *path, gsize max, gsize *len, guint *mode, GError **error)
{
  g_return_val_if_fail (path != NULL && len != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  struct stat st;
  int fd = open_regular (path, &st, error);
  if (fd < 0)
    return NULL;
  if (st.st_size < 0 || (guint64) st.st_size > max)
    {
      close (fd);
      fail (error, BASE_FILE_ERROR_TOO_LARGE, "%s: larger than %" G_GSIZE_FORMAT " bytes", path,
            max);
      return NULL;
    }
  /* One byte more than the size: a read that fills it means the file grew. */
  gsize cap = (gsize) st.st_size + 1, got = 0;
  char *buf = g_malloc (cap);
  for (;;)
    {
      ssize_t n = read (fd, buf + got, cap - got);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0 || (n > 0 && got + (gsize) n == cap))
        {
          int e = n < 0 ? errno : 0;
          close (fd);
          discard (buf, cap);
          if (e != 0)
            fail (error, BASE_FILE_ERROR_IO, "%s: %s", path, g_strerror (e));
          else
            fail (error, BASE_FILE_ERROR_IO, "%s: changed while being read", path);
          return NULL;
        }
      if (n == 0)
        break;
      got += (gsize) n;
    }
  close (fd);
  buf[got] = '\0';
  *len = got;
  if (mode != NULL)
    *mode = st.st_mode;
  return buf;
}

int
base_file_lock (const char *path, GError **error)
{
  g_return_val_if_fail (path != NULL, -1);
  int fd = open (path, O_RDWR | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY, 0644);
  if (fd < 0)
    {
      int e = errno;
      fail (error, BASE_FILE_ERROR_IO, "%s: %s", path, g_strerror (e));
      return -1;
    }
  if (flock (fd, LOCK_EX | LOCK_NB) != 0)
    {
      int e = errno;
      close (fd);
      if (e == EWOULDBLOCK)
        fail (error, BASE_FILE_ERROR_IO, "%s: in use by another process", path);
      else
        fail (error, BASE_FILE_ERROR_IO, "%s: %s", path, g_strerror (e));
      return -1;
    }
  return fd;
}

gboolean
base_file_output_ok (const char *path, GError **error)
{
  g_return_val_if_fail (path != NULL, FALSE);
  if (strcmp (path, "-") == 0)
    return TRUE;
  struct stat st;
  if (lstat (path, &st) != 0)
    {
      int e = errno;
      if (e == ENOENT)
        return TRUE;
      return fail (error, BASE_FILE_ERROR_IO, "%s: %s", path, g_strerror (e));
    }
  if (!S_ISREG (st.st_mode))
    return fail (error, BASE_FILE_ERROR_NOT_REGULAR,
                 "%s: exists and is not a regular file (%s): never replaced by an output",
                 path,
                 S_ISLNK (st.st_mode) ? "a symbolic link" : S_ISFIFO (st.st_mode) ? "a FIFO"
                 : S_ISDIR (st.st_mode) ? "a folder" : S_ISCHR (st.st_mode) || S_ISBLK (st.st_mode)
                 ? "a device" : "a socket or other special file");
  return TRUE;
}

struct _BaseFileOut {
  char *path;
  char *tmp;         /* NULL for standard output, and once committed or removed */
  FILE *stream;
};

BaseFileOut *
base_file_out_new (const char *path, int mode, GError **error)
{
  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);
  BaseFileOut *out = g_new0 (BaseFileOut, 1);
  out->path = g_strdup (path);
  if (strcmp (path, "-") == 0)
    {
      out->stream = stdout;
      return out;
    }
  if (!base_file_output_ok (path, error))
    {
      base_file_out_free (out);
      return NULL;
    }
  out->tmp = g_strconcat (path, ".tmp-XXXXXX", NULL);
  int fd = g_mkstemp_full (out->tmp, O_RDWR | O_CLOEXEC, mode);
  if (fd < 0)
    {
      int e = errno;
      fail (error, e == ENOENT || e == ENOTDIR ? BASE_FILE_ERROR_NOT_FOUND : BASE_FILE_ERROR_IO,
            "%s: cannot create: %s", path, g_strerror (e));
      g_clear_pointer (&out->tmp, g_free);
      base_file_out_free (out);
      return NULL;
    }
  out->stream = fdopen (fd, "w");
  if (out->stream == NULL)
    {
      int e = errno;
      close (fd);
      fail (error, BASE_FILE_ERROR_IO, "%s: %s", path, g_strerror (e));
      base_file_out_free (out);
      return NULL;
    }
  return out;
}

FILE *
base_file_out_stream (BaseFileOut *out)
{
  g_return_val_if_fail (out != NULL, NULL);
  return out->stream;
}

gboolean
base_file_out_commit (BaseFileOut *out, gboolean durable, GError **error)
{
  g_return_val_if_fail (out != NULL && out->stream != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);
  if (out->tmp == NULL)   /* standard output */
    {
      errno = 0;
      if (fflush (out->stream) != 0 || ferror (out->stream))
        {
          int e = errno;
          return fail (error, BASE_FILE_ERROR_IO, "standard output: %s",
                       e ? g_strerror (e) : "write error");
        }
      return TRUE;
    }
  errno = 0;
  gboolean ok = fflush (out->stream) == 0 && !ferror (out->stream)
                && (!durable || fsync (fileno (out->stream)) == 0);
  int e = errno;
  FILE *stream = g_steal_pointer (&out->stream);
  if (fclose (stream) != 0 && ok)
    ok = FALSE, e = errno;
  if (ok && g_rename (out->tmp, out->path) != 0)
    ok = FALSE, e = errno;
  if (!ok)
    {
      g_remove (out->tmp);
      g_clear_pointer (&out->tmp, g_free);
      return fail (error, BASE_FILE_ERROR_IO, "%s: %s", out->path,
                   e ? g_strerror (e) : "write error");
    }
  g_clear_pointer (&out->tmp, g_free);
  return TRUE;
}

void
base_file_out_free (BaseFileOut *out)
{
  if (out == NULL)
    return;
  if (out->stream != NULL && out->stream != stdout)
    fclose (out->stream);
  if (out->tmp != NULL)
    g_remove (out->tmp);
  g_free (out->tmp);
  g_free (out->path);
  g_free (out);
}

gboolean
base_file_write_atomic (const char *path, const void *data, gsize len, int mode,
                        gboolean durable, GError **error)
{
  g_return_val_if_fail (path != NULL && (data != NULL || len == 0), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);
  if (strcmp (path, "-") == 0)
    {
      if ((len > 0 && fwrite (data, 1, len, stdout) != len) || fflush (stdout) != 0)
        {
          int e = errno;
          return fail (error, BASE_FILE_ERROR_IO, "standard output: %s", g_strerror (e));
        }
      return TRUE;
    }
  if (!base_file_output_ok (path, error))
    return FALSE;
  GFileSetContentsFlags flags = G_FILE_SET_CONTENTS_CONSISTENT
                                | (durable ? G_FILE_SET_CONTENTS_DURABLE : 0);
  GError *inner = NULL;
  if (!g_file_set_contents_full (path, data, (gssize) len, flags, mode, &inner))
    {
      fail (error, BASE_FILE_ERROR_IO, "%s", inner->message);
      g_error_free (inner);
      return FALSE;
    }
  return TRUE;
}
