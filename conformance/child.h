/* SPDX-License-Identifier: MIT */
/*
 * One process of an implementation under test (IUT), as the conformance
 * runner sees it: `/bin/sh -c COMMAND` in its own process group, with pipes
 * on its standard input, output and error, and line-by-line I/O in which
 * every wait has a deadline.  The IUT is hostile by assumption: it may never
 * read its input, never answer, write half a line, a line of 100 MB, or flood
 * its standard error.  None of that may hang or exhaust the runner, so
 *   - writes are non-blocking and give up at their deadline (a full pipe);
 *   - a line longer than CONF_CHILD_MAX_LINE is refused as soon as it is
 *     known to be too long and the rest of it is dropped as it arrives, so
 *     memory stays at about 1 MiB whatever the IUT writes;
 *   - standard error is drained whenever the runner waits, into a ring that
 *     keeps the last CONF_CHILD_STDERR_KEEP bytes for diagnostics;
 *   - ending the IUT signals its whole process group (SIGTERM, then SIGKILL
 *     after 500 ms) and always reaps it: no zombie is ever left behind.
 * Deadlines come from g_get_monotonic_time.  The process itself is run by
 * base/proc (base/proc.h); this module adds the line framing and the
 * runner's wording of every failure.
 *
 * Process-wide effects of conf_child_spawn (base/proc's, done once): SIGPIPE
 * is ignored in the runner (a write to an IUT that has gone reports EPIPE
 * instead of killing the runner; the IUT itself starts with SIGPIPE at its
 * default), and on Linux the runner becomes a child subreaper
 * (PR_SET_CHILD_SUBREAPER) so that an IUT's orphaned descendants are
 * re-parented to the runner, which reaps them when it ends the IUT's process
 * group, even in containers where PID 1 reaps nothing.
 *
 * Errors are CONF_CHILD_ERROR with ConfChildError codes, which the client
 * (conformance/client.h) turns into test verdicts.  Not thread-safe: one
 * thread uses a ConfChild at a time.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define CONF_CHILD_ERROR (conf_child_error_quark ())
GQuark conf_child_error_quark (void);

typedef enum {
  CONF_CHILD_TIMEOUT = 1, /* the deadline passed (reading or writing) */
  CONF_CHILD_EXITED,      /* end of output, or the IUT closed its input */
  CONF_CHILD_OVERLONG,    /* a line longer than CONF_CHILD_MAX_LINE */
  CONF_CHILD_IO,          /* a read or write failed otherwise */
  CONF_CHILD_SPAWN,       /* the command could not be started */
} ConfChildError;

/* The longest line, newline (and a \r before it) excluded: 1 MiB. */
#define CONF_CHILD_MAX_LINE ((gsize) 1048576)
/* Bytes of standard error kept: the last 64 KiB. */
#define CONF_CHILD_STDERR_KEEP ((gsize) 65536)
/* Exit status meaning "not implemented" (docs/ADAPTER.md section 1). */
#define CONF_CHILD_NOT_IMPLEMENTED 89
/* Between SIGTERM and SIGKILL. */
#define CONF_CHILD_KILL_AFTER_MS 500

/* How the IUT ended.  All fields public. */
typedef struct {
  gboolean exited;          /* ended by exit(): status is valid */
  int status;               /* exit status */
  gboolean signaled;        /* ended by a signal: signal is valid */
  int signal;
  gboolean not_implemented; /* exited with CONF_CHILD_NOT_IMPLEMENTED */
  gboolean terminated;      /* the runner sent SIGTERM (it did not end in time) */
  gboolean killed;          /* the runner had to send SIGKILL as well */
} ConfChildExit;

typedef struct _ConfChild ConfChild;

/* ---- new ---------------------------------------------------------------- */

/*
 * Starts `/bin/sh -c command` in a new process group whose id is its pid,
 * with the three pipes; no other descriptor of the runner is inherited.
 * Returns: (transfer full) the child, or NULL with CONF_CHILD_SPAWN naming
 * the command.
 */
ConfChild *conf_child_spawn (const char *command, GError **error);

/* ---- use ---------------------------------------------------------------- */

/* The pid of the shell, which is also the process group id. */
GPid conf_child_pid (ConfChild *child);
const char *conf_child_command (ConfChild *child);

/*
 * Writes line and a newline to the IUT's input within timeout_ms.  line
 * must not contain a newline.  Errors: TIMEOUT ("timeout writing to the
 * implementation": it does not read), EXITED (it closed its input), IO.
 * Standard error is drained while waiting.
 */
gboolean conf_child_send_line (ConfChild *child, const char *line, int timeout_ms,
                               GError **error);

/*
 * Reads the next line of the IUT's output within timeout_ms, waiting on
 * standard output and standard error together.  Returns: (transfer full)
 * the line without its newline and without a \r before it, NUL-terminated,
 * its length (which counts any NUL bytes inside) in *len (may be NULL).
 * Bytes after the line stay buffered for the next call; a line already
 * buffered is returned even when the deadline has passed.  Errors:
 * TIMEOUT; OVERLONG (the rest of that line is then skipped, and the next
 * call reads the line after it); EXITED at end of output, with "half a
 * line" in the message when output ended inside a line (see
 * conf_child_partial_bytes); IO.
 */
char *conf_child_read_line (ConfChild *child, int timeout_ms, gsize *len, GError **error);

/* Bytes of the unfinished line that output ended in; 0 when none. */
gsize conf_child_partial_bytes (ConfChild *child);

/*
 * Returns: (transfer full) the kept standard error (the last
 * CONF_CHILD_STDERR_KEEP bytes; invalid UTF-8 replaced), after draining what
 * is waiting in the pipe.  Also valid after conf_child_finish.
 */
char *conf_child_stderr_tail (ConfChild *child);
/* All bytes the IUT wrote to standard error so far, kept or not. */
guint64 conf_child_stderr_total (ConfChild *child);

/*
 * Ends the IUT: closes its input, waits up to grace_ms for it to exit, then
 * sends SIGTERM to its process group and, after CONF_CHILD_KILL_AFTER_MS,
 * SIGKILL; once the shell has exited, whatever is left of its process group
 * gets SIGKILL too.  Always reaps the shell (after SIGKILL it waits however
 * long the kernel takes) and, where the runner is a subreaper, the rest of
 * the group.  Fills *out (may be NULL).  Calling it again only repeats the
 * exit information.  Returns TRUE when the shell exited by itself within
 * grace_ms.
 */
gboolean conf_child_finish (ConfChild *child, int grace_ms, ConfChildExit *out);

/* The exit information once finished; NULL before. */
const ConfChildExit *conf_child_exit (ConfChild *child);

/* Returns: (transfer full) "exited with status 3", "was killed by signal 15
 * (Terminated) after SIGTERM", ...: a predicate for "the implementation". */
char *conf_child_exit_describe (const ConfChildExit *exit_info);

/* ---- free --------------------------------------------------------------- */

/* Finishes the child with no grace if it is not finished, then frees.
 * Accepts NULL. */
void conf_child_free (ConfChild *child);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ConfChild, conf_child_free)

G_END_DECLS
