/* SPDX-License-Identifier: MIT */
/*
 * Implementation of one IUT process (see child.h): the line protocol over a
 * child process run by base/proc, which spawns it, waits under deadlines,
 * keeps the tail of its standard error and ends its process group.  Here:
 * a bounded line buffer that drops over-long lines as they stream in, and
 * the runner's wording of every failure.  Standard output is kept in one
 * buffer of at most MAX_LINE + 2 + CHUNK bytes: the pending bytes are
 * [head, len), and bytes before `scanned` are known to hold no newline.
 */
#include "conformance/child.h"

#include "base/error.h"
#include "base/proc.h"

#include <string.h>

G_DEFINE_QUARK (conf-child-error-quark, conf_child_error)

#define fail(error, code, ...) base_fail (error, CONF_CHILD_ERROR, code, __VA_ARGS__)

#define CHUNK ((gsize) 65536)
#define BUF_MAX (CONF_CHILD_MAX_LINE + 2 + CHUNK)

struct _ConfChild {
  char *command;
  BaseProc *proc;

  guint8 *buf;
  gsize cap, head, len, scanned;
  gboolean discarding; /* inside an over-long line: drop up to its newline */
  gboolean out_eof;
  gsize partial;

  ConfChildExit exit; /* valid once base_proc_exit (proc) is not NULL */
};

/* ---- spawning ----------------------------------------------------------- */

ConfChild *
conf_child_spawn (const char *command, GError **error)
{
  g_return_val_if_fail (command != NULL, NULL);
  g_autoptr (GError) inner = NULL;
  BaseProc *proc = base_proc_spawn_shell (command, BASE_PROC_DEFAULT, CONF_CHILD_STDERR_KEEP,
                                          &inner);
  if (proc == NULL)
    {
      fail (error, CONF_CHILD_SPAWN, "cannot start the implementation '%s': %s", command,
            inner->message);
      return NULL;
    }
  ConfChild *child = g_new0 (ConfChild, 1);
  child->command = g_strdup (command);
  child->proc = proc;
  return child;
}

GPid
conf_child_pid (ConfChild *child)
{
  g_return_val_if_fail (child != NULL, 0);
  return base_proc_pid (child->proc);
}

const char *
conf_child_command (ConfChild *child)
{
  g_return_val_if_fail (child != NULL, NULL);
  return child->command;
}

/* ---- standard error ----------------------------------------------------- */

char *
conf_child_stderr_tail (ConfChild *child)
{
  g_return_val_if_fail (child != NULL, NULL);
  gsize n;
  g_autofree char *tail = base_proc_stderr_tail (child->proc, &n);
  return g_utf8_make_valid (tail, (gssize) n);
}

guint64
conf_child_stderr_total (ConfChild *child)
{
  g_return_val_if_fail (child != NULL, 0);
  return base_proc_stderr_total (child->proc);
}

/* ---- writing ------------------------------------------------------------ */

gboolean
conf_child_send_line (ConfChild *child, const char *line, int timeout_ms, GError **error)
{
  g_return_val_if_fail (child != NULL && line != NULL, FALSE);
  gsize n = strlen (line);
  g_return_val_if_fail (memchr (line, '\n', n) == NULL, FALSE);

  gint64 deadline = base_proc_deadline (timeout_ms);
  g_autofree char *data = g_malloc (n + 1);
  memcpy (data, line, n);
  data[n] = '\n';
  n++;

  if (!base_proc_stdin_open (child->proc))
    return fail (error, CONF_CHILD_EXITED, "the implementation's input is closed");
  gsize off = 0;
  g_autoptr (GError) inner = NULL;
  if (base_proc_write (child->proc, data, n, deadline, &off, &inner))
    return TRUE;
  switch ((BaseProcError) inner->code)
    {
    case BASE_PROC_CLOSED:
      return fail (error, CONF_CHILD_EXITED,
                   "the implementation closed its input (%zu of %zu bytes written)", off, n);
    case BASE_PROC_TIMEOUT:
      return fail (error, CONF_CHILD_TIMEOUT,
                   "timeout writing to the implementation: %zu of %zu bytes taken in %d ms",
                   off, n, timeout_ms);
    case BASE_PROC_WAIT:
      return fail (error, CONF_CHILD_IO, "waiting to write: %s", inner->message);
    default:
      return fail (error, CONF_CHILD_IO, "writing to the implementation: %s", inner->message);
    }
}

/* ---- reading ------------------------------------------------------------ */

/* Reads one chunk of standard output into the buffer within deadline (or
 * notes end of file).  FALSE with TIMEOUT or IO. */
static gboolean
read_chunk (ConfChild *child, gint64 deadline, int timeout_ms, GError **error)
{
  if (child->head > 0)
    {
      memmove (child->buf, child->buf + child->head, child->len - child->head);
      child->len -= child->head;
      child->scanned -= child->head;
      child->head = 0;
    }
  if (child->cap < child->len + CHUNK)
    {
      child->cap = MIN (MAX (child->cap * 2, child->len + CHUNK), BUF_MAX);
      child->buf = g_realloc (child->buf, child->cap);
    }
  g_autoptr (GError) inner = NULL;
  gssize n = base_proc_read (child->proc, child->buf + child->len, child->cap - child->len,
                             deadline, &inner);
  if (n > 0)
    child->len += (gsize) n;
  else if (n == 0)
    child->out_eof = TRUE;
  else if (inner->code == BASE_PROC_TIMEOUT)
    return fail (error, CONF_CHILD_TIMEOUT,
                 "timeout: no complete line from the implementation within %d ms", timeout_ms);
  else if (inner->code == BASE_PROC_WAIT)
    return fail (error, CONF_CHILD_IO, "waiting to read: %s", inner->message);
  else
    return fail (error, CONF_CHILD_IO, "reading from the implementation: %s", inner->message);
  return TRUE;
}

/* Takes a complete line off the buffer: TRUE with *line set (NULL for an
 * over-long line, reported in error), FALSE when no complete line is there. */
static gboolean
take_line (ConfChild *child, char **line, gsize *line_len, GError **error)
{
  *line = NULL;
  for (;;)
    {
      guint8 *start = child->buf + child->scanned;
      guint8 *nl = child->len > child->scanned
                     ? memchr (start, '\n', child->len - child->scanned)
                     : NULL;
      if (nl == NULL)
        {
          child->scanned = child->len;
          if (child->discarding)
            child->head = child->len = child->scanned = 0;
          else if (child->len - child->head > CONF_CHILD_MAX_LINE + 1)
            {
              child->discarding = TRUE;
              child->head = child->len = child->scanned = 0;
              fail (error, CONF_CHILD_OVERLONG,
                    "the implementation wrote a line longer than %zu bytes",
                    CONF_CHILD_MAX_LINE);
              return TRUE;
            }
          return FALSE;
        }
      gsize end = (gsize) (nl - child->buf);
      gsize begin = child->head;
      child->head = child->scanned = end + 1;
      if (child->discarding)
        {
          child->discarding = FALSE; /* the over-long line ends here */
          continue;
        }
      gsize n = end - begin;
      if (n > 0 && child->buf[begin + n - 1] == '\r')
        n--;
      if (n > CONF_CHILD_MAX_LINE)
        {
          fail (error, CONF_CHILD_OVERLONG,
                "the implementation wrote a line of %zu bytes, longer than %zu", n,
                CONF_CHILD_MAX_LINE);
          return TRUE;
        }
      *line = g_malloc (n + 1);
      memcpy (*line, child->buf + begin, n);
      (*line)[n] = '\0';
      *line_len = n;
      return TRUE;
    }
}

char *
conf_child_read_line (ConfChild *child, int timeout_ms, gsize *len, GError **error)
{
  g_return_val_if_fail (child != NULL, NULL);
  gint64 deadline = base_proc_deadline (timeout_ms);
  gboolean waited = FALSE;
  for (;;)
    {
      char *line;
      gsize n = 0;
      if (take_line (child, &line, &n, error))
        {
          if (len != NULL)
            *len = n;
          return line;
        }
      if (child->out_eof)
        {
          gsize rest = child->len - child->head;
          child->head = child->len = child->scanned = 0;
          if (rest > 0 && !child->discarding)
            {
              child->partial = rest;
              fail (error, CONF_CHILD_EXITED,
                    "the implementation's output ended in half a line (%zu bytes without a "
                    "newline)",
                    rest);
            }
          else
            fail (error, CONF_CHILD_EXITED, "the implementation's output ended");
          child->discarding = FALSE;
          return NULL;
        }
      /* Output that never stops (but never ends a line) meets the deadline here. */
      if (waited && g_get_monotonic_time () >= deadline)
        {
          fail (error, CONF_CHILD_TIMEOUT,
                "timeout: no complete line from the implementation within %d ms", timeout_ms);
          return NULL;
        }
      if (!read_chunk (child, deadline, timeout_ms, error))
        return NULL;
      waited = TRUE;
    }
}

gsize
conf_child_partial_bytes (ConfChild *child)
{
  g_return_val_if_fail (child != NULL, 0);
  return child->partial;
}

/* ---- ending ------------------------------------------------------------- */

gboolean
conf_child_finish (ConfChild *child, int grace_ms, ConfChildExit *out)
{
  g_return_val_if_fail (child != NULL, FALSE);
  if (base_proc_exit (child->proc) == NULL)
    {
      BaseProcExit x;
      base_proc_finish (child->proc, grace_ms, CONF_CHILD_KILL_AFTER_MS, &x);
      child->exit = (ConfChildExit) {
        .exited = x.exited,
        .status = x.status,
        .signaled = x.signaled,
        .signal = x.signal,
        .not_implemented = x.exited && x.status == CONF_CHILD_NOT_IMPLEMENTED,
        .terminated = x.terminated,
        .killed = x.killed,
      };
      child->out_eof = TRUE;
    }
  if (out != NULL)
    *out = child->exit;
  return !child->exit.terminated;
}

const ConfChildExit *
conf_child_exit (ConfChild *child)
{
  g_return_val_if_fail (child != NULL, NULL);
  return base_proc_exit (child->proc) != NULL ? &child->exit : NULL;
}

char *
conf_child_exit_describe (const ConfChildExit *e)
{
  g_return_val_if_fail (e != NULL, NULL);
  BaseProcExit x = { .exited = e->exited, .status = e->status, .signaled = e->signaled,
                     .signal = e->signal, .terminated = e->terminated, .killed = e->killed };
  char *d = base_proc_exit_describe (&x);
  if (!(e->exited && e->not_implemented))
    return d;
  /* "exited with status 89" + " (not implemented)" + what follows the status */
  g_autofree char *described = d;
  g_autofree char *status = g_strdup_printf ("exited with status %d", e->status);
  return g_strconcat (status, " (not implemented)", described + strlen (status), NULL);
}

/* ---- free --------------------------------------------------------------- */

void
conf_child_free (ConfChild *child)
{
  if (child == NULL)
    return;
  conf_child_finish (child, 0, NULL);
  base_proc_free (child->proc);
  g_free (child->buf);
  g_free (child->command);
  g_free (child);
}
