/* SPDX-License-Identifier: MIT */
/*
 * The pipe transport (transport.h): one IUT process (conformance/child.h),
 * a request line on its standard input, a response line on its standard
 * output.  Turns every error of conformance/child into a ConfCallFailure
 * with the runner's wording, and says how the process ended and what its
 * standard error ends with.
 */
#include "conformance/transport.h"

#include <stdarg.h>
#include <string.h>

/* How long an IUT whose output ended gets to exit, so its status is known. */
#define EXIT_GRACE_MS 1000
/* Bytes of standard error quoted in a message. */
#define STDERR_QUOTE_BYTES 400

typedef struct {
  ConfTransport parent;
  ConfChild *child;
} Pipe;

#define PIPE(t) ((Pipe *) (t))

/* The end of the IUT's standard error on one line: its last bytes, line
 * breaks shown as " | ", or NULL when it wrote nothing. */
static char *
stderr_quote (ConfChild *child)
{
  g_autofree char *tail = conf_child_stderr_tail (child);
  g_strchomp (tail);
  const char *start = tail;
  gsize n = strlen (tail);
  if (n > STDERR_QUOTE_BYTES)
    start = g_utf8_find_next_char (tail + n - STDERR_QUOTE_BYTES - 1, NULL);
  while (*start == '\n' || *start == ' ')
    start++;
  if (*start == '\0')
    return NULL;
  GString *s = g_string_new (start != tail ? "..." : "");
  for (const char *p = start; *p != '\0'; p++)
    {
      if (*p == '\n')
        g_string_append (s, " | ");
      else if ((guchar) *p < 0x20 || *p == 0x7f)
        g_string_append_c (s, ' ');
      else
        g_string_append_c (s, *p);
    }
  return g_string_free (s, FALSE);
}

/* Sets *error to failure with what; ends the child first when grace_ms >= 0
 * (so its exit status is known).  Returns NULL. */
static char *
failed (Pipe *p, GError **error, ConfCallFailure failure, int grace_ms, const char *fmt, ...)
    G_GNUC_PRINTF (5, 6);

static char *
failed (Pipe *p, GError **error, ConfCallFailure failure, int grace_ms, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  g_autofree char *what = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  if (grace_ms >= 0)
    conf_child_finish (p->child, grace_ms, NULL);
  g_set_error_literal (error, CONF_CLIENT_ERROR, (int) failure, what);
  return NULL;
}

/* Turns an error of conformance/child into the call's failure. */
static char *
child_failed (Pipe *p, const char *op, gint64 id, int timeout_ms, gboolean writing,
              const GError *e, GError **error)
{
  switch ((ConfChildError) e->code)
    {
    case CONF_CHILD_TIMEOUT:
      if (writing)
        return failed (p, error, CONF_CALL_TIMEOUT, -1,
                       "request '%s' (id %" G_GINT64_FORMAT ") not taken: the "
                       "implementation does not read its input (%s)",
                       op, id, e->message);
      return failed (p, error, CONF_CALL_TIMEOUT, -1,
                     "no response to '%s' (id %" G_GINT64_FORMAT ") within %d ms", op, id,
                     timeout_ms);
    case CONF_CHILD_OVERLONG:
      return failed (p, error, CONF_CALL_PROTOCOL, -1,
                     "the response to '%s' (id %" G_GINT64_FORMAT ") is over-long (%s)", op, id,
                     e->message);
    case CONF_CHILD_EXITED:
      /* The exit status decides between not implemented (89) and crash. */
      if (!writing && conf_child_partial_bytes (p->child) > 0)
        {
          ConfChildExit x;
          conf_child_finish (p->child, EXIT_GRACE_MS, &x);
          if (!x.not_implemented)
            return failed (p, error, CONF_CALL_PROTOCOL, -1,
                           "the response to '%s' (id %" G_GINT64_FORMAT ") is half a line "
                           "(%zu bytes, then the output ended)",
                           op, id, conf_child_partial_bytes (p->child));
        }
      if (writing)
        return failed (p, error, CONF_CALL_CRASH, EXIT_GRACE_MS,
                       "it ended while request '%s' (id %" G_GINT64_FORMAT ") was sent (%s)",
                       op, id, e->message);
      return failed (p, error, CONF_CALL_CRASH, EXIT_GRACE_MS,
                     "it ended while the response to '%s' (id %" G_GINT64_FORMAT ") was "
                     "awaited (%s)",
                     op, id, e->message);
    case CONF_CHILD_IO:
    case CONF_CHILD_SPAWN:
    default:
      return failed (p, error, CONF_CALL_CRASH, -1, "'%s' (id %" G_GINT64_FORMAT "): %s", op,
                     id, e->message);
    }
}

static char *
pipe_exchange (ConfTransport *t, const char *op, gint64 id, const char *line, gsize len,
               int timeout_ms, gsize *resp_len, GError **error)
{
  Pipe *p = PIPE (t);
  g_autoptr (GError) inner = NULL;
  gint64 t0 = g_get_monotonic_time ();
  if (!conf_child_send_line (p->child, line, timeout_ms, &inner))
    return child_failed (p, op, id, timeout_ms, TRUE, inner, error);
  gint64 used_ms = (g_get_monotonic_time () - t0) / 1000;
  char *resp = conf_child_read_line (p->child, (int) MAX (timeout_ms - used_ms, 0), resp_len,
                                     &inner);
  if (resp == NULL)
    return child_failed (p, op, id, timeout_ms, FALSE, inner, error);
  return resp;
}

static char *
pipe_end (ConfTransport *t, int grace_ms, ConfCallFailure *failure)
{
  Pipe *p = PIPE (t);
  ConfChildExit exit_info;
  conf_child_finish (p->child, grace_ms, &exit_info);
  if (*failure == CONF_CALL_CRASH && exit_info.not_implemented)
    *failure = CONF_CALL_NOT_IMPLEMENTED;
  g_autofree char *ended = conf_child_exit_describe (&exit_info);
  g_autofree char *err = stderr_quote (p->child);
  return g_strdup_printf ("the implementation %s%s%s", ended,
                          err ? "; its standard error ends: " : "", err ? err : "");
}

static void
pipe_close (ConfTransport *t, int grace_ms)
{
  conf_child_finish (PIPE (t)->child, grace_ms, NULL);
}

static GPid
pipe_pid (ConfTransport *t)
{
  return conf_child_pid (PIPE (t)->child);
}

static char *
pipe_stderr_tail (ConfTransport *t)
{
  return conf_child_stderr_tail (PIPE (t)->child);
}

static const ConfChildExit *
pipe_exit (ConfTransport *t)
{
  return conf_child_exit (PIPE (t)->child);
}

static void
pipe_free (ConfTransport *t)
{
  conf_child_free (PIPE (t)->child);
  g_free (t);
}

static const ConfTransportClass pipe_class = {
  .kind = "pipe",
  .exchange = pipe_exchange,
  .end = pipe_end,
  .close = pipe_close,
  .pid = pipe_pid,
  .stderr_tail = pipe_stderr_tail,
  .exit = pipe_exit,
  .free = pipe_free,
};

ConfTransport *
conf_transport_pipe_open (const char *command, GError **error)
{
  g_autoptr (GError) inner = NULL;
  ConfChild *child = conf_child_spawn (command, &inner);
  if (child == NULL)
    {
      g_set_error (error, CONF_CLIENT_ERROR, CONF_CALL_START, "start: %s", inner->message);
      return NULL;
    }
  Pipe *p = g_new0 (Pipe, 1);
  p->parent.klass = &pipe_class;
  p->child = child;
  return &p->parent;
}
