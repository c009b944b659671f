/* SPDX-License-Identifier: MIT */
/*
 * One child process run under deadlines: a command (an argv, or `/bin/sh -c
 * COMMAND`) in its own process group whose id is its pid, with pipes on its
 * standard input, output (unless sent to /dev/null) and error.  The child is
 * not trusted to behave: it may never read its input, never write, write
 * without end or hang, so
 *   - every wait has a deadline, an absolute time of g_get_monotonic_time
 *     (base_proc_deadline makes one); writes are non-blocking and give up at
 *     the deadline (a full pipe);
 *   - standard error is drained whenever the caller waits, into a ring that
 *     keeps its last stderr_keep bytes; standard output is read by the caller
 *     (base_proc_read) or captured up to a limit, the rest read and dropped
 *     (base_proc_communicate), so memory stays bounded whatever it writes;
 *   - ending it (base_proc_finish) waits a grace period, then signals its
 *     whole process group (SIGTERM and, after a second period, SIGKILL, or
 *     SIGKILL at once) and always reaps it: no zombie is left behind, and
 *     nothing of its group either.
 *
 * Process-wide effects of the first spawn (done once): SIGPIPE is ignored in
 * the caller (a write to a child that has gone reports CLOSED instead of
 * killing the caller; the child itself starts with SIGPIPE at its default),
 * and on Linux the caller becomes a child subreaper (PR_SET_CHILD_SUBREAPER)
 * so that a child's orphaned descendants are re-parented to it and reaped
 * when the group is ended, even in containers where PID 1 reaps nothing.
 *
 * Errors are BASE_PROC_ERROR with BaseProcError codes.  The messages of
 * SPAWN and NOENT are GLib's, of IO and WAIT the system's description of the
 * errno (g_strerror), so that callers can say them in their own words.  Not
 * thread-safe: one thread uses a BaseProc at a time.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define BASE_PROC_ERROR (base_proc_error_quark ())
GQuark base_proc_error_quark (void);

typedef enum {
  BASE_PROC_TIMEOUT = 1, /* the deadline passed */
  BASE_PROC_CLOSED,      /* the child closed its input (or it was closed before) */
  BASE_PROC_IO,          /* a read or a write failed otherwise */
  BASE_PROC_WAIT,        /* poll() failed */
  BASE_PROC_SPAWN,       /* the command could not be started */
  BASE_PROC_NOENT,       /* the program does not exist (argv spawns) */
} BaseProcError;

typedef enum {
  BASE_PROC_DEFAULT = 0,
  BASE_PROC_SEARCH_PATH = 1 << 0, /* argv[0] without a slash is looked up in PATH */
  BASE_PROC_STDOUT_NULL = 1 << 1, /* standard output to /dev/null: nothing to read */
} BaseProcFlags;

/* How the child ended.  All fields public. */
typedef struct {
  gboolean exited;     /* ended by exit(): status is valid */
  int status;          /* exit status */
  gboolean signaled;   /* ended by a signal: signal is valid */
  int signal;
  gboolean terminated; /* SIGTERM was sent: it had not ended within the grace */
  gboolean killed;     /* SIGKILL was sent: it had not ended in time either */
} BaseProcExit;

typedef struct _BaseProc BaseProc;

/* ---- new ---------------------------------------------------------------- */

/*
 * Starts argv (NULL-terminated; argv[0] a path, or a name with
 * BASE_PROC_SEARCH_PATH) in a new process group with the pipes; no other
 * descriptor of the caller is inherited.  stderr_keep: bytes of standard
 * error's tail kept (at least 1).  Returns: (transfer full) the child, or
 * NULL with NOENT (no such program) or SPAWN.
 */
BaseProc *base_proc_spawn (const char *const *argv, BaseProcFlags flags, gsize stderr_keep,
                           GError **error);
/* The same for `/bin/sh -c command` (a missing program is then the shell's
 * exit status 127, not NOENT). */
BaseProc *base_proc_spawn_shell (const char *command, BaseProcFlags flags, gsize stderr_keep,
                                 GError **error);

/* ---- deadlines ---------------------------------------------------------- */

/* The monotonic time timeout_ms from now (a negative timeout counts as 0). */
gint64 base_proc_deadline (int timeout_ms);
/* Milliseconds to deadline, rounded up; 0 once it has passed. */
int base_proc_ms_left (gint64 deadline);

/* ---- use ---------------------------------------------------------------- */

/* The pid of the child, which is also its process group id. */
GPid base_proc_pid (BaseProc *proc);

/*
 * Writes the n bytes of data to the child's input before deadline, draining
 * standard error while it waits; *written (may be NULL) gets the bytes the
 * child took, also on failure.  Errors: TIMEOUT (it does not read), CLOSED
 * (it closed its input: the pipe is then closed here too; or it was closed
 * before the call), IO, WAIT.
 */
gboolean base_proc_write (BaseProc *proc, const void *data, gsize n, gint64 deadline,
                          gsize *written, GError **error);
/* Whether the child's input is still open. */
gboolean base_proc_stdin_open (BaseProc *proc);
/* Closes the child's input (it reads end of file). */
void base_proc_close_stdin (BaseProc *proc);

/*
 * Reads at most size bytes of the child's output, waiting (and draining
 * standard error) until some come or deadline passes; one poll is made even
 * when it has passed.  Returns the bytes read, 0 at end of output (for ever
 * after, and at once with BASE_PROC_STDOUT_NULL or once finished), or -1
 * with TIMEOUT, IO or WAIT.
 */
gssize base_proc_read (BaseProc *proc, void *buf, gsize size, gint64 deadline, GError **error);

/*
 * Writes the n bytes of input (may be NULL when n is 0) and closes the
 * child's input, while reading its output to its end: the first out_max
 * bytes are appended to out (may be NULL), the rest dropped
 * (base_proc_stdout_total counts them all); standard error is drained.
 * A child that closes its input early is not an error: *written (may be
 * NULL) says how much it took.  Returns TRUE once the input is written or
 * refused and the output has ended; FALSE with TIMEOUT when deadline passes
 * first, IO or WAIT.  Does not wait for the exit: base_proc_finish does.
 */
gboolean base_proc_communicate (BaseProc *proc, const void *input, gsize n, gint64 deadline,
                                GByteArray *out, gsize out_max, gsize *written, GError **error);

/* All bytes read from standard output so far, kept or not. */
guint64 base_proc_stdout_total (BaseProc *proc);

/*
 * Returns: (transfer full) the kept tail of standard error (its last
 * stderr_keep bytes, as written, NUL-terminated), its length in *len (may be
 * NULL), after draining what is waiting in the pipe.  Also valid after
 * base_proc_finish.
 */
char *base_proc_stderr_tail (BaseProc *proc, gsize *len);
/* All bytes the child wrote to standard error so far, kept or not. */
guint64 base_proc_stderr_total (BaseProc *proc);

/* Sends sig to the child's whole process group (until it is reaped). */
void base_proc_kill (BaseProc *proc, int sig);

/* ---- ending ------------------------------------------------------------- */

/*
 * Ends the child: closes its input and waits up to grace_ms for it to exit
 * (its output read and dropped, standard error drained, so that a writer
 * blocked on a full pipe can end).  Then, when term_ms > 0, sends SIGTERM to
 * its process group and waits up to term_ms more; then SIGKILL.  Once the
 * child has exited, whatever is left of its group gets SIGKILL too.  Always
 * reaps the child (after SIGKILL it waits however long the kernel takes)
 * and, where the caller is a subreaper, the rest of the group (for up to a
 * second).  Fills *out (may be NULL).  Calling it again only repeats the
 * exit information.  Returns TRUE when the child exited by itself within
 * grace_ms (no signal sent).
 */
gboolean base_proc_finish (BaseProc *proc, int grace_ms, int term_ms, BaseProcExit *out);

/* The exit information once finished; NULL before. */
const BaseProcExit *base_proc_exit (BaseProc *proc);

/* Returns: (transfer full) "exited with status 3", "was killed by signal 15
 * (Terminated) after SIGTERM", "... after SIGTERM and SIGKILL", "... after
 * SIGKILL": a predicate for the child's name. */
char *base_proc_exit_describe (const BaseProcExit *exit_info);

/* ---- free --------------------------------------------------------------- */

/* Finishes the child with no grace (SIGKILL at once) if it is not finished,
 * then frees.  Accepts NULL. */
void base_proc_free (BaseProc *proc);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BaseProc, base_proc_free)

/*
 * Makes SIGTERM, SIGINT and SIGHUP end, before this process ends by them,
 * every child it spawned and not yet finished (their whole process groups,
 * SIGKILL) and every other descendant it can reach: as a child subreaper
 * it receives the orphans of its children, so a descendant that left its
 * group with setsid() is ended too once its parent is.  The process then
 * dies of the signal (status 128 + signal in a shell), after one line on
 * standard error.  For commands that run implementations under test (a CI
 * timeout or Ctrl-C must not leave them running).  Process-wide; call once
 * from main's thread.
 */
void base_proc_end_all_on_signals (void);

G_END_DECLS
