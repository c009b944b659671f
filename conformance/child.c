/* SPDX-License-Identifier: MIT */
/*
 * Implementation of one IUT process (see child.h): spawning into a new
 * process group, non-blocking line I/O under deadlines with poll(), a
 * bounded line buffer that drops over-long lines as they stream in, a ring
 * for standard error, and ending the process group with reaping.  Standard
 * output is kept in one buffer of at most MAX_LINE + 2 + CHUNK bytes: the
 * pending bytes are [head, len), and bytes before `scanned` are known to hold
 * no newline.
 */
#include "conformance/child.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

G_DEFINE_QUARK (conf-child-error-quark, conf_child_error)

#define CHUNK ((gsize) 65536)
#define BUF_MAX (CONF_CHILD_MAX_LINE + 2 + CHUNK)
/* Most bytes of standard error read in one go, so a flood cannot starve stdout. */
#define STDERR_DRAIN_MAX ((gsize) 262144)
/* How long finish waits for the rest of the process group to be reaped. */
#define GROUP_REAP_MS 1000

struct _ConfChild {
  char *command;
  GPid pid;
  int in_fd, out_fd, err_fd; /* -1 once closed */

  guint8 *buf;
  gsize cap, head, len, scanned;
  gboolean discarding; /* inside an over-long line: drop up to its newline */
  gboolean out_eof;
  gsize partial;

  guint8 ring[CONF_CHILD_STDERR_KEEP];
  gsize ring_pos;
  guint64 err_total;

  gboolean finished;
  ConfChildExit exit;
};

static gboolean fail (GError **error, ConfChildError code, const char *fmt, ...)
  G_GNUC_PRINTF (3, 4);

/* Sets *error in CONF_CHILD_ERROR; returns FALSE. */
static gboolean
fail (GError **error, ConfChildError code, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  g_autofree char *msg = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  g_set_error_literal (error, CONF_CHILD_ERROR, (int) code, msg);
  return FALSE;
}

/* ---- spawning ----------------------------------------------------------- */

static void
child_setup (gpointer data)
{
  /* In the child, between fork and exec: async-signal-safe calls only. */
  setpgid (0, 0);
  signal (SIGPIPE, SIG_DFL);
}

static gpointer
process_setup (gpointer data)
{
  signal (SIGPIPE, SIG_IGN);
#ifdef __linux__
  prctl (PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
#endif
  return NULL;
}

static void
set_nonblocking (int fd)
{
  int flags = fcntl (fd, F_GETFL);
  if (flags >= 0)
    fcntl (fd, F_SETFL, flags | O_NONBLOCK);
}

static void
close_fd (int *fd)
{
  if (*fd >= 0)
    close (*fd);
  *fd = -1;
}

ConfChild *
conf_child_spawn (const char *command, GError **error)
{
  static GOnce once = G_ONCE_INIT;
  g_return_val_if_fail (command != NULL, NULL);
  g_once (&once, process_setup, NULL);

  const char *argv[] = { "/bin/sh", "-c", command, NULL };
  GPid pid;
  int in_fd, out_fd, err_fd;
  g_autoptr (GError) inner = NULL;
  GSpawnFlags flags = G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_CLOEXEC_PIPES;
  if (!g_spawn_async_with_pipes (NULL, (char **) argv, NULL, flags, child_setup, NULL, &pid,
                                 &in_fd, &out_fd, &err_fd, &inner))
    {
      fail (error, CONF_CHILD_SPAWN, "cannot start the implementation '%s': %s", command,
            inner->message);
      return NULL;
    }
  /* Also from the parent, so the group exists whichever side runs first. */
  setpgid (pid, pid);

  ConfChild *child = g_new0 (ConfChild, 1);
  child->command = g_strdup (command);
  child->pid = pid;
  child->in_fd = in_fd;
  child->out_fd = out_fd;
  child->err_fd = err_fd;
  set_nonblocking (in_fd);
  set_nonblocking (out_fd);
  set_nonblocking (err_fd);
  return child;
}

GPid
conf_child_pid (ConfChild *child)
{
  g_return_val_if_fail (child != NULL, 0);
  return child->pid;
}

const char *
conf_child_command (ConfChild *child)
{
  g_return_val_if_fail (child != NULL, NULL);
  return child->command;
}

/* ---- standard error ----------------------------------------------------- */

static void
ring_put (ConfChild *child, const guint8 *data, gsize n)
{
  child->err_total += n;
  while (n > 0)
    {
      gsize k = MIN (n, CONF_CHILD_STDERR_KEEP - child->ring_pos);
      memcpy (child->ring + child->ring_pos, data, k);
      child->ring_pos = (child->ring_pos + k) % CONF_CHILD_STDERR_KEEP;
      data += k;
      n -= k;
    }
}

/* Reads what standard error has (at most STDERR_DRAIN_MAX bytes) without waiting. */
static void
drain_stderr (ConfChild *child)
{
  guint8 tmp[16384];
  gsize total = 0;
  while (child->err_fd >= 0 && total < STDERR_DRAIN_MAX)
    {
      ssize_t n = read (child->err_fd, tmp, sizeof tmp);
      if (n > 0)
        {
          ring_put (child, tmp, (gsize) n);
          total += (gsize) n;
        }
      else if (n < 0 && errno == EINTR)
        continue;
      else if (n < 0 && errno == EAGAIN)
        break;
      else
        close_fd (&child->err_fd); /* end of file, or an error: stop watching */
    }
}

char *
conf_child_stderr_tail (ConfChild *child)
{
  g_return_val_if_fail (child != NULL, NULL);
  drain_stderr (child);
  GString *s = g_string_sized_new (CONF_CHILD_STDERR_KEEP);
  if (child->err_total >= CONF_CHILD_STDERR_KEEP)
    g_string_append_len (s, (const char *) child->ring + child->ring_pos,
                         (gssize) (CONF_CHILD_STDERR_KEEP - child->ring_pos));
  g_string_append_len (s, (const char *) child->ring, (gssize) child->ring_pos);
  char *valid = g_utf8_make_valid (s->str, (gssize) s->len);
  g_string_free (s, TRUE);
  return valid;
}

guint64
conf_child_stderr_total (ConfChild *child)
{
  g_return_val_if_fail (child != NULL, 0);
  return child->err_total;
}

/* ---- waiting ------------------------------------------------------------ */

/* Milliseconds to deadline for poll(), rounded up; 0 once it has passed. */
static int
ms_left (gint64 deadline)
{
  gint64 left = deadline - g_get_monotonic_time ();
  if (left <= 0)
    return 0;
  return (int) MIN ((left + 999) / 1000, G_MAXINT);
}

/* Polls fd for events (skipped when fd < 0) and standard error, draining
 * standard error.  Returns the revents of fd, or -1 on a poll error. */
static int
wait_on (ConfChild *child, int fd, short events, int timeout_ms)
{
  struct pollfd p[2] = { { .fd = fd, .events = events },
                         { .fd = child->err_fd, .events = POLLIN } };
  int r = poll (p, 2, timeout_ms);
  if (r < 0)
    return errno == EINTR ? 0 : -1;
  if (p[1].revents != 0)
    drain_stderr (child);
  return p[0].revents;
}

/* ---- writing ------------------------------------------------------------ */

gboolean
conf_child_send_line (ConfChild *child, const char *line, int timeout_ms, GError **error)
{
  g_return_val_if_fail (child != NULL && line != NULL, FALSE);
  gsize n = strlen (line);
  g_return_val_if_fail (memchr (line, '\n', n) == NULL, FALSE);

  gint64 deadline = g_get_monotonic_time () + (gint64) MAX (timeout_ms, 0) * 1000;
  g_autofree char *data = g_malloc (n + 1);
  memcpy (data, line, n);
  data[n] = '\n';
  n++;

  gsize off = 0;
  while (off < n)
    {
      if (child->in_fd < 0)
        return fail (error, CONF_CHILD_EXITED, "the implementation's input is closed");
      ssize_t w = write (child->in_fd, data + off, n - off);
      if (w > 0)
        {
          off += (gsize) w;
          continue;
        }
      if (w < 0 && errno == EINTR)
        continue;
      if (w < 0 && errno == EPIPE)
        {
          close_fd (&child->in_fd);
          return fail (error, CONF_CHILD_EXITED,
                       "the implementation closed its input (%zu of %zu bytes written)", off, n);
        }
      if (w < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
        return fail (error, CONF_CHILD_IO, "writing to the implementation: %s",
                     g_strerror (errno));
      if (g_get_monotonic_time () >= deadline)
        return fail (error, CONF_CHILD_TIMEOUT,
                     "timeout writing to the implementation: %zu of %zu bytes taken in %d ms",
                     off, n, timeout_ms);
      if (wait_on (child, child->in_fd, POLLOUT, ms_left (deadline)) < 0)
        return fail (error, CONF_CHILD_IO, "waiting to write: %s", g_strerror (errno));
    }
  return TRUE;
}

/* ---- reading ------------------------------------------------------------ */

/* Reads one chunk of standard output into the buffer (or notes end of file). */
static gboolean
read_chunk (ConfChild *child, GError **error)
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
  ssize_t n = read (child->out_fd, child->buf + child->len, child->cap - child->len);
  if (n > 0)
    child->len += (gsize) n;
  else if (n == 0)
    {
      child->out_eof = TRUE;
      close_fd (&child->out_fd);
    }
  else if (errno != EINTR && errno != EAGAIN && errno != EWOULDBLOCK)
    return fail (error, CONF_CHILD_IO, "reading from the implementation: %s",
                 g_strerror (errno));
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
  gint64 deadline = g_get_monotonic_time () + (gint64) MAX (timeout_ms, 0) * 1000;
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
      if (waited && g_get_monotonic_time () >= deadline)
        {
          fail (error, CONF_CHILD_TIMEOUT, "timeout: no complete line from the implementation "
                                           "within %d ms",
                timeout_ms);
          return NULL;
        }
      int ev = wait_on (child, child->out_fd, POLLIN, ms_left (deadline));
      waited = TRUE;
      if (ev < 0)
        {
          fail (error, CONF_CHILD_IO, "waiting to read: %s", g_strerror (errno));
          return NULL;
        }
      if (ev != 0 && !read_chunk (child, error))
        return NULL;
    }
}

gsize
conf_child_partial_bytes (ConfChild *child)
{
  g_return_val_if_fail (child != NULL, 0);
  return child->partial;
}

/* ---- ending ------------------------------------------------------------- */

/* Whether the shell has exited (a zombie not yet reaped: its pid, and so the
 * process group id, cannot be reused meanwhile). */
static gboolean
leader_exited (ConfChild *child)
{
  siginfo_t si;
  memset (&si, 0, sizeof si);
  if (waitid (P_PID, (id_t) child->pid, &si, WEXITED | WNOHANG | WNOWAIT) < 0)
    return errno == ECHILD; /* not ours any more: nothing to wait for */
  return si.si_pid == child->pid;
}

/* Waits up to ms for the shell to exit, discarding its output and draining
 * standard error meanwhile, so that a writer blocked on a full pipe can end. */
static gboolean
wait_leader (ConfChild *child, int ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) MAX (ms, 0) * 1000;
  for (;;)
    {
      if (leader_exited (child))
        return TRUE;
      if (g_get_monotonic_time () >= deadline)
        return FALSE;
      int ev = wait_on (child, child->out_fd, POLLIN, MIN (ms_left (deadline), 2));
      if (ev > 0)
        {
          guint8 tmp[16384];
          ssize_t n = read (child->out_fd, tmp, sizeof tmp);
          if (n == 0)
            {
              child->out_eof = TRUE;
              close_fd (&child->out_fd);
            }
        }
      /* With both pipes closed, poll() above just sleeps its 2 ms. */
    }
}

/* Kills and reaps what is left of the process group (re-parented to the
 * runner when it is a subreaper) until the group is gone or GROUP_REAP_MS. */
static void
reap_group (ConfChild *child)
{
  gint64 deadline = g_get_monotonic_time () + GROUP_REAP_MS * 1000;
  for (;;)
    {
      int status;
      while (waitpid (-child->pid, &status, WNOHANG) > 0)
        ;
      if (kill (-child->pid, 0) < 0 && errno == ESRCH)
        return;
      if (g_get_monotonic_time () >= deadline)
        return;
      kill (-child->pid, SIGKILL);
      g_usleep (1000);
    }
}

gboolean
conf_child_finish (ConfChild *child, int grace_ms, ConfChildExit *out)
{
  g_return_val_if_fail (child != NULL, FALSE);
  gboolean by_itself = TRUE;
  if (!child->finished)
    {
      close_fd (&child->in_fd);
      if (!wait_leader (child, grace_ms))
        {
          by_itself = FALSE;
          child->exit.terminated = TRUE;
          kill (-child->pid, SIGTERM);
          if (!wait_leader (child, CONF_CHILD_KILL_AFTER_MS))
            {
              child->exit.killed = TRUE;
              kill (-child->pid, SIGKILL);
            }
        }
      /* The shell has exited or is dying of SIGKILL; the rest of the group goes too. */
      kill (-child->pid, SIGKILL);
      int status = 0;
      pid_t r;
      do
        r = waitpid (child->pid, &status, 0);
      while (r < 0 && errno == EINTR);
      if (r == child->pid && WIFEXITED (status))
        {
          child->exit.exited = TRUE;
          child->exit.status = WEXITSTATUS (status);
          child->exit.not_implemented = child->exit.status == CONF_CHILD_NOT_IMPLEMENTED;
        }
      else if (r == child->pid && WIFSIGNALED (status))
        {
          child->exit.signaled = TRUE;
          child->exit.signal = WTERMSIG (status);
        }
      reap_group (child);
      drain_stderr (child);
      close_fd (&child->in_fd);
      close_fd (&child->out_fd);
      close_fd (&child->err_fd);
      child->out_eof = TRUE;
      child->finished = TRUE;
    }
  else
    by_itself = !child->exit.terminated;
  if (out != NULL)
    *out = child->exit;
  return by_itself;
}

const ConfChildExit *
conf_child_exit (ConfChild *child)
{
  g_return_val_if_fail (child != NULL, NULL);
  return child->finished ? &child->exit : NULL;
}

char *
conf_child_exit_describe (const ConfChildExit *e)
{
  g_return_val_if_fail (e != NULL, NULL);
  const char *after = e->killed       ? " after SIGTERM and SIGKILL"
                      : e->terminated ? " after SIGTERM"
                                      : "";
  if (e->exited)
    return g_strdup_printf ("exited with status %d%s%s", e->status,
                            e->not_implemented ? " (not implemented)" : "", after);
  if (e->signaled)
    return g_strdup_printf ("was killed by signal %d (%s)%s", e->signal, g_strsignal (e->signal),
                            after);
  return g_strdup_printf ("ended in an unknown way%s", after);
}

void
conf_child_free (ConfChild *child)
{
  if (child == NULL)
    return;
  conf_child_finish (child, 0, NULL);
  g_free (child->buf);
  g_free (child->command);
  g_free (child);
}
