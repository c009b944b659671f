/* SPDX-License-Identifier: MIT */
/*
 * The transport interface (transport.h): the choice between a command and a
 * URL, and the calls through each transport's class.
 */
#include "conformance/transport.h"

gboolean
conf_transport_is_url (const char *target)
{
  g_return_val_if_fail (target != NULL, FALSE);
  return g_ascii_strncasecmp (target, "http://", 7) == 0
         || g_ascii_strncasecmp (target, "https://", 8) == 0;
}

ConfTransport *
conf_transport_open (const char *target, const ConfClientOptions *options, GError **error)
{
  g_return_val_if_fail (target != NULL, NULL);
  if (conf_transport_is_url (target))
    return conf_transport_http_open (target, options, error);
  return conf_transport_pipe_open (target, error);
}

const char *
conf_transport_kind (ConfTransport *t)
{
  g_return_val_if_fail (t != NULL, NULL);
  return t->klass->kind;
}

char *
conf_transport_exchange (ConfTransport *t, const char *op, gint64 id, const char *line,
                         gsize len, int timeout_ms, gsize *resp_len, GError **error)
{
  g_return_val_if_fail (t != NULL && op != NULL && line != NULL, NULL);
  gsize ignored;
  return t->klass->exchange (t, op, id, line, len, timeout_ms, resp_len ? resp_len : &ignored,
                             error);
}

char *
conf_transport_end (ConfTransport *t, int grace_ms, ConfCallFailure *failure)
{
  g_return_val_if_fail (t != NULL && failure != NULL, NULL);
  return t->klass->end (t, grace_ms, failure);
}

void
conf_transport_close (ConfTransport *t, int grace_ms)
{
  g_return_if_fail (t != NULL);
  t->klass->close (t, grace_ms);
}

GPid
conf_transport_pid (ConfTransport *t)
{
  g_return_val_if_fail (t != NULL, 0);
  return t->klass->pid ? t->klass->pid (t) : 0;
}

char *
conf_transport_stderr_tail (ConfTransport *t)
{
  g_return_val_if_fail (t != NULL, NULL);
  return t->klass->stderr_tail ? t->klass->stderr_tail (t) : NULL;
}

const ConfChildExit *
conf_transport_exit (ConfTransport *t)
{
  g_return_val_if_fail (t != NULL, NULL);
  return t->klass->exit ? t->klass->exit (t) : NULL;
}

void
conf_transport_free (ConfTransport *t)
{
  if (t != NULL)
    t->klass->free (t);
}
