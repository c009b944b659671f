/* SPDX-License-Identifier: MIT */
/*
 * Implementation of one child process under deadlines (see proc.h):
 * spawning into a new process group, non-blocking pipes waited on with
 * poll(), a ring for the tail of standard error, and ending the process group
 * with reaping.  Every wait polls standard error too and drains it (at most
 * STDERR_DRAIN_MAX bytes at a time, so that a flood cannot starve the other
 * pipe); a descriptor is -1 once closed.
 */
#include "base/proc.h"

#include "base/error.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

G_DEFINE_QUARK (base-proc-error-quark, base_proc_error)

#define fail(error, code, ...) base_fail (error, BASE_PROC_ERROR, code, __VA_ARGS__)

/* Most bytes of standard error read in one go. */
#define STDERR_DRAIN_MAX ((gsize) 262144)
/* How long finish waits for the rest of the process group to be reaped. */
#define GROUP_REAP_MS 1000

struct _BaseProc {
  GPid pid;
  int in_fd, out_fd, err_fd;
  guint64 out_total;

  guint8 *ring;
  gsize keep, ring_pos;
  guint64 err_total;

  gboolean finished;
  BaseProcExit exit;
};

/* ---- the live process groups, for the signal handler --------------------- */

/* The process groups of children not yet finished.  Written by the thread
 * that spawns and finishes (with signals blocked around the change), read by
 * the handler of base_proc_end_all_on_signals. */
#define MAX_LIVE 64
static volatile pid_t live_groups[MAX_LIVE];

static void
live_set (pid_t old, pid_t new_value)
{
  sigset_t all, saved;
  sigfillset (&all);
  pthread_sigmask (SIG_BLOCK, &all, &saved);
  for (guint i = 0; i < MAX_LIVE; i++)
    if (live_groups[i] == old)
      {
        live_groups[i] = new_value;
        break;
      }
  pthread_sigmask (SIG_SETMASK, &saved, NULL);
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
  int flags = fd >= 0 ? fcntl (fd, F_GETFL) : -1;
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

BaseProc *
base_proc_spawn (const char *const *argv, BaseProcFlags flags, gsize stderr_keep, GError **error)
{
  static GOnce once = G_ONCE_INIT;
  g_return_val_if_fail (argv != NULL && argv[0] != NULL && stderr_keep > 0, NULL);
  g_once (&once, process_setup, NULL);

  GSpawnFlags spawn_flags = G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_CLOEXEC_PIPES;
  if (flags & BASE_PROC_SEARCH_PATH)
    spawn_flags |= G_SPAWN_SEARCH_PATH;
  if (flags & BASE_PROC_STDOUT_NULL)
    spawn_flags |= G_SPAWN_STDOUT_TO_DEV_NULL;
  GPid pid;
  int in_fd, out_fd = -1, err_fd;
  g_autoptr (GError) inner = NULL;
  if (!g_spawn_async_with_pipes (NULL, (char **) argv, NULL, spawn_flags, child_setup, NULL,
                                 &pid, &in_fd, (flags & BASE_PROC_STDOUT_NULL) ? NULL : &out_fd,
                                 &err_fd, &inner))
    {
      gboolean noent = g_error_matches (inner, G_SPAWN_ERROR, G_SPAWN_ERROR_NOENT);
      fail (error, noent ? BASE_PROC_NOENT : BASE_PROC_SPAWN, "%s", inner->message);
      return NULL;
    }
  /* Also from the parent, so the group exists whichever side runs first. */
  setpgid (pid, pid);

  live_set (0, pid);
  BaseProc *proc = g_new0 (BaseProc, 1);
  proc->pid = pid;
  proc->in_fd = in_fd;
  proc->out_fd = out_fd;
  proc->err_fd = err_fd;
  proc->keep = stderr_keep;
  proc->ring = g_malloc (stderr_keep);
  set_nonblocking (in_fd);
  set_nonblocking (out_fd);
  set_nonblocking (err_fd);
  return proc;
}

BaseProc *
base_proc_spawn_shell (const char *command, BaseProcFlags flags, gsize stderr_keep,
                       GError **error)
{
  g_return_val_if_fail (command != NULL, NULL);
  const char *argv[] = { "/bin/sh", "-c", command, NULL };
  return base_proc_spawn (argv, flags & ~BASE_PROC_SEARCH_PATH, stderr_keep, error);
}

GPid
base_proc_pid (BaseProc *proc)
{
  g_return_val_if_fail (proc != NULL, 0);
  return proc->pid;
}

/* ---- deadlines ---------------------------------------------------------- */

gint64
base_proc_deadline (int timeout_ms)
{
  return g_get_monotonic_time () + (gint64) MAX (timeout_ms, 0) * 1000;
}

int
base_proc_ms_left (gint64 deadline)
{
  gint64 left = deadline - g_get_monotonic_time ();
  if (left <= 0)
    return 0;
  return (int) MIN ((left + 999) / 1000, G_MAXINT);
}

static gboolean
passed (gint64 deadline)
{
  return g_get_monotonic_time () >= deadline;
}

/* ---- standard error ----------------------------------------------------- */

static void
ring_put (BaseProc *proc, const guint8 *data, gsize n)
{
  proc->err_total += n;
  while (n > 0)
    {
      gsize k = MIN (n, proc->keep - proc->ring_pos);
      memcpy (proc->ring + proc->ring_pos, data, k);
      proc->ring_pos = (proc->ring_pos + k) % proc->keep;
      data += k;
      n -= k;
    }
}

/* Reads what standard error has (at most STDERR_DRAIN_MAX bytes) without waiting. */
static void
drain_stderr (BaseProc *proc)
{
  guint8 tmp[16384];
  gsize total = 0;
  while (proc->err_fd >= 0 && total < STDERR_DRAIN_MAX)
    {
      ssize_t n = read (proc->err_fd, tmp, sizeof tmp);
      if (n > 0)
        {
          ring_put (proc, tmp, (gsize) n);
          total += (gsize) n;
        }
      else if (n < 0 && errno == EINTR)
        continue;
      else if (n < 0 && errno == EAGAIN)
        break;
      else
        close_fd (&proc->err_fd); /* end of file, or an error: stop watching */
    }
}

char *
base_proc_stderr_tail (BaseProc *proc, gsize *len)
{
  g_return_val_if_fail (proc != NULL, NULL);
  drain_stderr (proc);
  GString *s = g_string_sized_new (proc->keep);
  if (proc->err_total >= proc->keep)
    g_string_append_len (s, (const char *) proc->ring + proc->ring_pos,
                         (gssize) (proc->keep - proc->ring_pos));
  g_string_append_len (s, (const char *) proc->ring, (gssize) proc->ring_pos);
  if (len != NULL)
    *len = s->len;
  return g_string_free (s, FALSE);
}

guint64
base_proc_stderr_total (BaseProc *proc)
{
  g_return_val_if_fail (proc != NULL, 0);
  return proc->err_total;
}

/* ---- waiting ------------------------------------------------------------ */

/* Polls the n entries of p (fd < 0 skipped) and standard error for up to
 * timeout_ms, draining standard error.  Returns FALSE on a poll error (errno
 * set); an interrupted poll is a wait without events. */
static gboolean
wait_on (BaseProc *proc, struct pollfd *p, guint n, int timeout_ms)
{
  struct pollfd all[3];
  g_assert (n < G_N_ELEMENTS (all));
  for (guint i = 0; i < n; i++)
    all[i] = (struct pollfd) { .fd = p[i].fd, .events = p[i].events };
  all[n] = (struct pollfd) { .fd = proc->err_fd, .events = POLLIN };
  int r = poll (all, n + 1, timeout_ms);
  if (r < 0 && errno != EINTR)
    return FALSE;
  for (guint i = 0; i < n; i++)
    p[i].revents = r > 0 ? all[i].revents : 0;
  if (r > 0 && all[n].revents != 0)
    drain_stderr (proc);
  return TRUE;
}

/* ---- writing ------------------------------------------------------------ */

/* Writes what the pipe takes of data[*off, n) without waiting.  Returns FALSE
 * with CLOSED (the pipe is then closed) or IO; TRUE otherwise. */
static gboolean
write_some (BaseProc *proc, const guint8 *data, gsize n, gsize *off, GError **error)
{
  while (*off < n)
    {
      ssize_t w = write (proc->in_fd, data + *off, n - *off);
      if (w > 0)
        *off += (gsize) w;
      else if (w < 0 && errno == EINTR)
        continue;
      else if (w < 0 && errno == EPIPE)
        {
          close_fd (&proc->in_fd);
          return fail (error, BASE_PROC_CLOSED, "the child closed its input");
        }
      else if (w < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
        return fail (error, BASE_PROC_IO, "%s", g_strerror (errno));
      else
        break;
    }
  return TRUE;
}

gboolean
base_proc_write (BaseProc *proc, const void *data, gsize n, gint64 deadline, gsize *written,
                 GError **error)
{
  g_return_val_if_fail (proc != NULL && (data != NULL || n == 0), FALSE);
  gsize off = 0;
  gboolean ok = TRUE;
  for (;;)
    {
      if (proc->in_fd < 0)
        {
          ok = fail (error, BASE_PROC_CLOSED, "the child's input is closed");
          break;
        }
      if (!(ok = write_some (proc, data, n, &off, error)) || off == n)
        break;
      if (passed (deadline))
        {
          ok = fail (error, BASE_PROC_TIMEOUT, "timeout: %zu of %zu bytes taken", off, n);
          break;
        }
      struct pollfd p = { .fd = proc->in_fd, .events = POLLOUT };
      if (!wait_on (proc, &p, 1, base_proc_ms_left (deadline)))
        {
          ok = fail (error, BASE_PROC_WAIT, "%s", g_strerror (errno));
          break;
        }
    }
  if (written != NULL)
    *written = off;
  return ok;
}

gboolean
base_proc_stdin_open (BaseProc *proc)
{
  g_return_val_if_fail (proc != NULL, FALSE);
  return proc->in_fd >= 0;
}

void
base_proc_close_stdin (BaseProc *proc)
{
  g_return_if_fail (proc != NULL);
  close_fd (&proc->in_fd);
}

/* ---- reading ------------------------------------------------------------ */

/* Reads what standard output has, up to size bytes, without waiting: the
 * bytes read, 0 at end of file (the pipe is then closed), -1 with nothing
 * there (errno EAGAIN) or an error. */
static gssize
read_some (BaseProc *proc, void *buf, gsize size)
{
  ssize_t n;
  do
    n = read (proc->out_fd, buf, size);
  while (n < 0 && errno == EINTR);
  if (n == 0)
    close_fd (&proc->out_fd);
  if (n > 0)
    proc->out_total += (guint64) n;
  return n;
}

gssize
base_proc_read (BaseProc *proc, void *buf, gsize size, gint64 deadline, GError **error)
{
  g_return_val_if_fail (proc != NULL && buf != NULL && size > 0, -1);
  for (;;)
    {
      if (proc->out_fd < 0)
        return 0;
      struct pollfd p = { .fd = proc->out_fd, .events = POLLIN };
      if (!wait_on (proc, &p, 1, base_proc_ms_left (deadline)))
        return fail (error, BASE_PROC_WAIT, "%s", g_strerror (errno)), -1;
      if (p.revents != 0)
        {
          gssize n = read_some (proc, buf, size);
          if (n >= 0)
            return n;
          if (errno != EAGAIN && errno != EWOULDBLOCK)
            return fail (error, BASE_PROC_IO, "%s", g_strerror (errno)), -1;
        }
      if (passed (deadline))
        return fail (error, BASE_PROC_TIMEOUT, "timeout: no output"), -1;
    }
}

gboolean
base_proc_communicate (BaseProc *proc, const void *input, gsize n, gint64 deadline,
                       GByteArray *out, gsize out_max, gsize *written, GError **error)
{
  g_return_val_if_fail (proc != NULL && (input != NULL || n == 0), FALSE);
  gsize off = 0;
  gboolean ok = TRUE;
  if (n == 0)
    close_fd (&proc->in_fd);
  while (ok && (proc->in_fd >= 0 || proc->out_fd >= 0))
    {
      struct pollfd p[2] = { { .fd = proc->in_fd, .events = POLLOUT },
                             { .fd = proc->out_fd, .events = POLLIN } };
      if (!wait_on (proc, p, 2, base_proc_ms_left (deadline)))
        {
          ok = fail (error, BASE_PROC_WAIT, "%s", g_strerror (errno));
          break;
        }
      if (p[0].revents != 0)
        {
          GError *inner = NULL;
          if (!write_some (proc, input, n, &off, &inner)
              && !g_error_matches (inner, BASE_PROC_ERROR, BASE_PROC_CLOSED))
            {
              g_propagate_error (error, inner);
              ok = FALSE;
            }
          else if (inner == NULL && off == n)
            close_fd (&proc->in_fd);
          else
            g_clear_error (&inner); /* closed by the child: it takes no more */
        }
      if (ok && p[1].revents != 0)
        {
          guint8 tmp[16384];
          gssize r = read_some (proc, tmp, sizeof tmp);
          if (r > 0 && out != NULL && out->len < out_max)
            g_byte_array_append (out, tmp, (guint) MIN ((gsize) r, out_max - out->len));
          else if (r < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
            ok = fail (error, BASE_PROC_IO, "%s", g_strerror (errno));
        }
      if (ok && (proc->in_fd >= 0 || proc->out_fd >= 0) && passed (deadline))
        ok = fail (error, BASE_PROC_TIMEOUT, "timeout: %zu of %zu bytes of input taken, "
                   "output %s", off, n, proc->out_fd >= 0 ? "not ended" : "ended");
    }
  if (written != NULL)
    *written = off;
  return ok;
}

guint64
base_proc_stdout_total (BaseProc *proc)
{
  g_return_val_if_fail (proc != NULL, 0);
  return proc->out_total;
}

/* ---- ending ------------------------------------------------------------- */

void
base_proc_kill (BaseProc *proc, int sig)
{
  g_return_if_fail (proc != NULL);
  if (!proc->finished)
    kill (-proc->pid, sig);
}

/* Whether the child has exited (a zombie not yet reaped: its pid, and so the
 * process group id, cannot be reused meanwhile). */
static gboolean
leader_exited (BaseProc *proc)
{
  siginfo_t si;
  memset (&si, 0, sizeof si);
  if (waitid (P_PID, (id_t) proc->pid, &si, WEXITED | WNOHANG | WNOWAIT) < 0)
    return errno == ECHILD; /* not ours any more: nothing to wait for */
  return si.si_pid == proc->pid;
}

/* Waits up to ms for the child to exit, discarding its output and draining
 * standard error meanwhile, so that a writer blocked on a full pipe can end. */
static gboolean
wait_leader (BaseProc *proc, int ms)
{
  gint64 deadline = base_proc_deadline (ms);
  for (;;)
    {
      if (leader_exited (proc))
        return TRUE;
      if (passed (deadline))
        return FALSE;
      struct pollfd p = { .fd = proc->out_fd, .events = POLLIN };
      wait_on (proc, &p, 1, MIN (base_proc_ms_left (deadline), 2));
      if (p.revents != 0)
        {
          guint8 tmp[16384];
          read_some (proc, tmp, sizeof tmp);
        }
      /* With both pipes closed, poll() above just sleeps its 2 ms. */
    }
}

/* Kills and reaps what is left of the process group (re-parented to the
 * caller when it is a subreaper) until the group is gone or GROUP_REAP_MS. */
static void
reap_group (BaseProc *proc)
{
  gint64 deadline = base_proc_deadline (GROUP_REAP_MS);
  for (;;)
    {
      int status;
      while (waitpid (-proc->pid, &status, WNOHANG) > 0)
        ;
      if (kill (-proc->pid, 0) < 0 && errno == ESRCH)
        return;
      if (passed (deadline))
        return;
      kill (-proc->pid, SIGKILL);
      g_usleep (1000);
    }
}

gboolean
base_proc_finish (BaseProc *proc, int grace_ms, int term_ms, BaseProcExit *out)
{
  g_return_val_if_fail (proc != NULL, FALSE);
  BaseProcExit *x = &proc->exit;
  if (!proc->finished)
    {
      close_fd (&proc->in_fd);
      if (!wait_leader (proc, grace_ms))
        {
          if (term_ms > 0)
            {
              x->terminated = TRUE;
              kill (-proc->pid, SIGTERM);
            }
          if (term_ms <= 0 || !wait_leader (proc, term_ms))
            {
              x->killed = TRUE;
              kill (-proc->pid, SIGKILL);
            }
        }
      /* The child has exited or is dying of SIGKILL; the rest of the group goes too. */
      kill (-proc->pid, SIGKILL);
      int status = 0;
      pid_t r;
      do
        r = waitpid (proc->pid, &status, 0);
      while (r < 0 && errno == EINTR);
      if (r == proc->pid && WIFEXITED (status))
        {
          x->exited = TRUE;
          x->status = WEXITSTATUS (status);
        }
      else if (r == proc->pid && WIFSIGNALED (status))
        {
          x->signaled = TRUE;
          x->signal = WTERMSIG (status);
        }
      reap_group (proc);
      live_set (proc->pid, 0);
      drain_stderr (proc);
      close_fd (&proc->in_fd);
      close_fd (&proc->out_fd);
      close_fd (&proc->err_fd);
      proc->finished = TRUE;
    }
  if (out != NULL)
    *out = *x;
  return !x->terminated && !x->killed;
}

const BaseProcExit *
base_proc_exit (BaseProc *proc)
{
  g_return_val_if_fail (proc != NULL, NULL);
  return proc->finished ? &proc->exit : NULL;
}

char *
base_proc_exit_describe (const BaseProcExit *e)
{
  g_return_val_if_fail (e != NULL, NULL);
  const char *after = e->killed && e->terminated ? " after SIGTERM and SIGKILL"
                      : e->killed                ? " after SIGKILL"
                      : e->terminated            ? " after SIGTERM"
                                                 : "";
  if (e->exited)
    return g_strdup_printf ("exited with status %d%s", e->status, after);
  if (e->signaled)
    return g_strdup_printf ("was killed by signal %d (%s)%s", e->signal, g_strsignal (e->signal),
                            after);
  return g_strdup_printf ("ended in an unknown way%s", after);
}

/* ---- free --------------------------------------------------------------- */

void
base_proc_free (BaseProc *proc)
{
  if (proc == NULL)
    return;
  base_proc_finish (proc, 0, 0, NULL);
  g_free (proc->ring);
  g_free (proc);
}

/* ---- ending everything on a signal ------------------------------------------ */

/* Kills (SIGKILL) and reaps every child of this process and the groups they
 * lead, again and again while orphans are re-parented to it (it is a
 * subreaper): a descendant that left its group with setsid() is re-parented
 * here when its parent dies, and is then found.  Async-signal-safe: open,
 * read, close, kill, waitpid, nanosleep only. */
static void
end_descendants (void)
{
  char path[64] = "/proc/self/task/", digits[24];
  /* The children of the main thread (the leader, whose tid is the pid). */
  pid_t self = getpid ();
  int n = 0;
  pid_t x = self;
  do
    digits[n++] = (char) ('0' + x % 10);
  while ((x /= 10) > 0 && n < 23);
  gsize at = strlen (path);
  while (n > 0)
    path[at++] = digits[--n];
  memcpy (path + at, "/children", sizeof "/children");

  for (int round = 0; round < 200; round++)
    {
      char buf[4096];
      ssize_t len = 0;
      int fd = open (path, O_RDONLY | O_CLOEXEC);
      if (fd >= 0)
        {
          len = read (fd, buf, sizeof buf - 1);
          close (fd);
        }
      gboolean any = FALSE;
      pid_t pid = 0;
      for (ssize_t i = 0; i <= len; i++)
        {
          char c = i < len ? buf[i] : ' ';
          if (c >= '0' && c <= '9')
            pid = pid * 10 + (c - '0');
          else if (pid > 0)
            {
              kill (-pid, SIGKILL);
              kill (pid, SIGKILL);
              any = TRUE;
              pid = 0;
            }
        }
      while (waitpid (-1, NULL, WNOHANG) > 0)
        any = TRUE;
      if (!any && fd >= 0)
        return;
      struct timespec ms = { 0, 5 * 1000 * 1000 };
      nanosleep (&ms, NULL);
    }
}

static void
on_end_signal (int sig)
{
  for (guint i = 0; i < MAX_LIVE; i++)
    if (live_groups[i] > 0)
      kill (-live_groups[i], SIGKILL);
  end_descendants ();
  static const char msg[] = "essc: ended by a signal; the implementations it ran and their "
                            "descendants were ended too\n";
  ssize_t ignored = write (STDERR_FILENO, msg, sizeof msg - 1);
  (void) ignored;
  signal (sig, SIG_DFL);
  raise (sig);
}

void
base_proc_end_all_on_signals (void)
{
  static const int sigs[] = { SIGTERM, SIGINT, SIGHUP };
  struct sigaction sa;
  memset (&sa, 0, sizeof sa);
  sa.sa_handler = on_end_signal;
  sigfillset (&sa.sa_mask);
  for (gsize i = 0; i < G_N_ELEMENTS (sigs); i++)
    sigaction (sigs[i], &sa, NULL);
#ifdef __linux__
  prctl (PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
#endif
}
