/* SPDX-License-Identifier: MIT */
/*
 * The transcript of a run (see transcript.h): a stdio stream flushed after
 * every line, and a JSON string escaper that keeps any bytes (invalid UTF-8
 * as lone surrogates).
 */
#include "conformance/transcript.h"

#include "base/file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct _ConfTranscript {
  FILE *file;
  char *path;
  char *test;
  gint64 t0;        /* g_get_monotonic_time at open */
  int write_errno;  /* the first write error, 0 if none */
};

static const char *const dir_names[] = {
  [CONF_TRANSCRIPT_OPEN] = "open",
  [CONF_TRANSCRIPT_SEND] = "send",
  [CONF_TRANSCRIPT_RECV] = "recv",
  [CONF_TRANSCRIPT_FAIL] = "fail",
};

ConfTranscript *
conf_transcript_open (const char *path, GError **error)
{
  g_return_val_if_fail (path != NULL, NULL);
  /* Written as the run goes (a crash keeps what came before), so not
   * through a renamed temporary file; but only ever a regular file: a
   * symlink is not followed, a FIFO not waited on, a device refused. */
  GError *inner = NULL;
  if (strcmp (path, "-") == 0)
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL, "-: the transcript needs a file "
                   "(standard output carries the TAP)");
      return NULL;
    }
  if (!base_file_output_ok (path, &inner))
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL, "%s", inner->message);
      g_error_free (inner);
      return NULL;
    }
  int fd = open (path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC
                 | O_NOCTTY, 0644);
  if (fd < 0)
    {
      int e = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (e), "%s: %s", path,
                   g_strerror (e));
      return NULL;
    }
  struct stat st;
  if (fstat (fd, &st) != 0 || !S_ISREG (st.st_mode))
    {
      close (fd);
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL, "%s: not a regular file", path);
      return NULL;
    }
  FILE *f = fdopen (fd, "w");
  if (f == NULL)
    {
      int e = errno;
      close (fd);
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (e), "%s: %s", path,
                   g_strerror (e));
      return NULL;
    }
  ConfTranscript *t = g_new0 (ConfTranscript, 1);
  t->file = f;
  t->path = g_strdup (path);
  t->t0 = g_get_monotonic_time ();
  return t;
}

void
conf_transcript_set_test (ConfTranscript *t, const char *test)
{
  g_return_if_fail (t != NULL);
  g_free (t->test);
  t->test = g_strdup (test);
}

char *
conf_transcript_json_string (const char *bytes, gsize len)
{
  GString *s = g_string_sized_new (len + len / 8 + 2);
  const char *p = bytes, *end = bytes + len;
  g_string_append_c (s, '"');
  while (p < end)
    {
      guchar c = (guchar) *p;
      if (c < 0x80)
        {
          switch (c)
            {
            case '"': g_string_append (s, "\\\""); break;
            case '\\': g_string_append (s, "\\\\"); break;
            case '\n': g_string_append (s, "\\n"); break;
            case '\r': g_string_append (s, "\\r"); break;
            case '\t': g_string_append (s, "\\t"); break;
            default:
              if (c < 0x20 || c == 0x7f)
                g_string_append_printf (s, "\\u%04x", c);
              else
                g_string_append_c (s, (char) c);
            }
          p++;
          continue;
        }
      gunichar u = g_utf8_get_char_validated (p, end - p);
      if (u == (gunichar) -1 || u == (gunichar) -2)
        {
          /* A byte that does not start a valid character: surrogateescape. */
          g_string_append_printf (s, "\\udc%02x", c);
          p++;
          continue;
        }
      const char *next = g_utf8_next_char (p);
      g_string_append_len (s, p, next - p);
      p = next;
    }
  g_string_append_c (s, '"');
  return g_string_free (s, FALSE);
}

/* Writes one record; remembers the first error. */
static void
put (ConfTranscript *t, const char *dir, const char *line, gsize len, const char *failure)
{
  g_autofree char *test = t->test ? conf_transcript_json_string (t->test, strlen (t->test))
                                  : g_strdup ("null");
  g_autofree char *text = conf_transcript_json_string (line, len);
  gint64 us = g_get_monotonic_time () - t->t0;
  g_autofree char *fail = NULL;
  if (failure != NULL)
    {
      g_autofree char *f = conf_transcript_json_string (failure, strlen (failure));
      fail = g_strdup_printf (",\"failure\":%s", f);
    }
  errno = 0;
  int n = fprintf (t->file, "{\"test\":%s,\"dir\":\"%s\",\"t_ms\":%" G_GINT64_FORMAT ".%03d%s,"
                   "\"line\":%s}\n",
                   test, dir, us / 1000, (int) (us % 1000), fail ? fail : "", text);
  if ((n < 0 || fflush (t->file) != 0) && t->write_errno == 0)
    t->write_errno = errno ? errno : EIO;
}

void
conf_transcript_add (ConfTranscript *t, ConfTranscriptDir dir, const char *line, gsize len)
{
  g_return_if_fail (t != NULL && (guint) dir < G_N_ELEMENTS (dir_names));
  put (t, dir_names[dir], line ? line : "", line ? len : 0, NULL);
}

void
conf_transcript_add_failure (ConfTranscript *t, const char *failure, const char *message)
{
  g_return_if_fail (t != NULL && failure != NULL && message != NULL);
  put (t, dir_names[CONF_TRANSCRIPT_FAIL], message, strlen (message), failure);
}

gboolean
conf_transcript_close (ConfTranscript *t, GError **error)
{
  if (t == NULL)
    return TRUE;
  int e = t->write_errno;
  if (fclose (t->file) != 0 && e == 0)
    e = errno ? errno : EIO;
  t->file = NULL;
  if (e != 0)
    g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (e), "%s: %s", t->path,
                 g_strerror (e));
  g_free (t->path);
  g_free (t->test);
  g_free (t);
  return e == 0;
}

void
conf_transcript_free (ConfTranscript *t)
{
  conf_transcript_close (t, NULL);
}
