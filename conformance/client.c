/* SPDX-License-Identifier: MIT */
/*
 * Implementation of the runner's side of the adapter protocol (see
 * client.h): request lines built with json-glib, responses parsed strictly
 * with conf_json_parse_object and the typed getters, every child-level
 * error and every malformed response turned into one ConfCallFailure with
 * a message for the test's diagnostics, after which the IUT is ended.
 */
#include "conformance/client.h"

#include "conformance/json.h"

#include <stdarg.h>
#include <string.h>

G_DEFINE_QUARK (conf-client-error-quark, conf_client_error)

/* How long an IUT whose output ended gets to exit, so its status is known. */
#define EXIT_GRACE_MS 1000
/* Longest deadline for `bye`, and the time to exit after it. */
#define BYE_MS 1000
/* Bytes of a bad line, and of standard error, quoted in a message. */
#define QUOTE_BYTES 80
#define STDERR_QUOTE_BYTES 400

struct _ConfClient {
  ConfChild *child;
  int timeout_ms;
  gint64 last_id;
  char *name, *version, *role;
  char **ops;
  gboolean dead;
  ConfCallFailure failure;
  char *failure_message;
};

static const char *const failure_names[] = {
  [CONF_CALL_TIMEOUT] = "timeout",
  [CONF_CALL_CRASH] = "crash",
  [CONF_CALL_NOT_IMPLEMENTED] = "not implemented",
  [CONF_CALL_PROTOCOL] = "protocol",
  [CONF_CALL_HANDSHAKE] = "handshake",
  [CONF_CALL_START] = "start",
};

const char *
conf_call_failure_name (ConfCallFailure failure)
{
  if ((gsize) failure < G_N_ELEMENTS (failure_names) && failure_names[failure] != NULL)
    return failure_names[failure];
  return "unknown failure";
}

void
conf_call_result_clear (ConfCallResult *result)
{
  if (result == NULL)
    return;
  g_clear_pointer (&result->result, json_object_unref);
  g_clear_pointer (&result->message, g_free);
  memset (result, 0, sizeof *result);
}

/* ---- failures ----------------------------------------------------------- */

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

/* The first bytes of a line the IUT wrote, escaped, for a message. */
static char *
line_quote (const char *line, gsize len)
{
  char utf8_bytes[129] = { 0 }; /* 0x80..0xff: valid UTF-8 is quoted as it is */
  for (int i = 0; i < 128; i++)
    utf8_bytes[i] = (char) (0x80 + i);
  g_autofree char *valid = g_utf8_make_valid (line, (gssize) MIN (len, QUOTE_BYTES));
  g_autofree char *escaped = g_strescape (valid, utf8_bytes);
  return g_strdup_printf ("\"%s\"%s", escaped, len > QUOTE_BYTES ? "..." : "");
}

/*
 * Ends the IUT (giving it grace_ms to exit by itself), marks the client dead
 * and sets *error to failure with "CLASS: what; the implementation EXITED;
 * its standard error ends: ...".  Returns FALSE.
 */
static gboolean
fail_call (ConfClient *c, GError **error, ConfCallFailure failure, int grace_ms,
           const char *fmt, ...) G_GNUC_PRINTF (5, 6);

static gboolean
fail_call (ConfClient *c, GError **error, ConfCallFailure failure, int grace_ms,
           const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  g_autofree char *what = g_strdup_vprintf (fmt, ap);
  va_end (ap);

  ConfChildExit exit_info;
  conf_child_finish (c->child, grace_ms, &exit_info);
  if (failure == CONF_CALL_CRASH && exit_info.not_implemented)
    failure = CONF_CALL_NOT_IMPLEMENTED;
  g_autofree char *ended = conf_child_exit_describe (&exit_info);
  g_autofree char *err = stderr_quote (c->child);
  g_autofree char *msg = g_strdup_printf ("%s: %s; the implementation %s%s%s",
                                          conf_call_failure_name (failure), what, ended,
                                          err ? "; its standard error ends: " : "",
                                          err ? err : "");
  c->dead = TRUE;
  c->failure = failure;
  g_free (c->failure_message);
  c->failure_message = g_strdup (msg);
  g_set_error_literal (error, CONF_CLIENT_ERROR, (int) failure, msg);
  return FALSE;
}

/* Turns an error of conformance/child into the call's failure. */
static gboolean
child_failed (ConfClient *c, const char *op, gint64 id, gboolean writing, const GError *e,
              GError **error)
{
  switch ((ConfChildError) e->code)
    {
    case CONF_CHILD_TIMEOUT:
      if (writing)
        return fail_call (c, error, CONF_CALL_TIMEOUT, 0,
                          "request '%s' (id %" G_GINT64_FORMAT ") not taken: the "
                          "implementation does not read its input (%s)",
                          op, id, e->message);
      return fail_call (c, error, CONF_CALL_TIMEOUT, 0,
                        "no response to '%s' (id %" G_GINT64_FORMAT ") within %d ms", op, id,
                        c->timeout_ms);
    case CONF_CHILD_OVERLONG:
      return fail_call (c, error, CONF_CALL_PROTOCOL, 0,
                        "the response to '%s' (id %" G_GINT64_FORMAT ") is over-long (%s)", op,
                        id, e->message);
    case CONF_CHILD_EXITED:
      /* The exit status decides between not implemented (89) and crash. */
      if (!writing && conf_child_partial_bytes (c->child) > 0)
        {
          ConfChildExit x;
          conf_child_finish (c->child, EXIT_GRACE_MS, &x);
          if (!x.not_implemented)
            return fail_call (c, error, CONF_CALL_PROTOCOL, 0,
                              "the response to '%s' (id %" G_GINT64_FORMAT ") is half a line "
                              "(%zu bytes, then the output ended)",
                              op, id, conf_child_partial_bytes (c->child));
        }
      if (writing)
        return fail_call (c, error, CONF_CALL_CRASH, EXIT_GRACE_MS,
                          "it ended while request '%s' (id %" G_GINT64_FORMAT ") was sent (%s)",
                          op, id, e->message);
      return fail_call (c, error, CONF_CALL_CRASH, EXIT_GRACE_MS,
                        "it ended while the response to '%s' (id %" G_GINT64_FORMAT ") was "
                        "awaited (%s)",
                        op, id, e->message);
    case CONF_CHILD_IO:
    case CONF_CHILD_SPAWN:
    default:
      return fail_call (c, error, CONF_CALL_CRASH, 0, "'%s' (id %" G_GINT64_FORMAT "): %s", op,
                        id, e->message);
    }
}

/* ---- one call ----------------------------------------------------------- */

static char *
request_line (gint64 id, const char *op, JsonObject *params)
{
  g_autoptr (JsonObject) req = json_object_new ();
  json_object_set_int_member (req, "essc", 1);
  json_object_set_int_member (req, "id", id);
  json_object_set_string_member (req, "op", op);
  JsonNode *p = json_node_new (JSON_NODE_OBJECT);
  if (params != NULL)
    json_node_set_object (p, params);
  else
    json_node_take_object (p, json_object_new ());
  json_object_set_member (req, "params", p);
  g_autoptr (JsonNode) root = json_node_new (JSON_NODE_OBJECT);
  json_node_set_object (root, req);
  return conf_json_to_line (root);
}

/* Parses one response line into out; a protocol failure otherwise. */
static gboolean
parse_response (ConfClient *c, const char *op, gint64 id, const char *line, gsize len,
                ConfCallResult *out, GError **error)
{
  g_autoptr (GError) inner = NULL;
  g_autoptr (JsonObject) obj = conf_json_parse_object (line, len, &inner);
  if (obj == NULL)
    {
      g_autofree char *q = line_quote (line, len);
      return fail_call (c, error, CONF_CALL_PROTOCOL, 0,
                        "the response to '%s' (id %" G_GINT64_FORMAT ") is not a JSON object "
                        "(%s): %s",
                        op, id, inner->message, q);
    }
#define BAD(...) fail_call (c, error, CONF_CALL_PROTOCOL, 0, __VA_ARGS__)
  gint64 rid;
  gboolean ok;
  if (!conf_json_get_int (obj, "id", &rid, &inner) || !conf_json_get_bool (obj, "ok", &ok, &inner))
    return BAD ("the response to '%s' (id %" G_GINT64_FORMAT "): %s", op, id, inner->message);
  if (rid != id)
    return BAD ("the response to '%s' carries id %" G_GINT64_FORMAT ", expected %" G_GINT64_FORMAT,
                op, rid, id);
  if (ok)
    {
      JsonObject *result;
      if (!conf_json_get_object (obj, "result", &result, &inner))
        return BAD ("the response to '%s' (id %" G_GINT64_FORMAT "): %s", op, id,
                    inner->message);
      out->ok = TRUE;
      out->result = json_object_ref (result);
      return TRUE;
    }
  JsonObject *err;
  const char *code_name, *message = "";
  ModelStdCode code;
  if (!conf_json_get_object (obj, "error", &err, &inner)
      || !conf_json_get_string (err, "code", &code_name, &inner)
      || (json_object_has_member (err, "message")
          && !conf_json_get_string (err, "message", &message, &inner)))
    return BAD ("the error response to '%s' (id %" G_GINT64_FORMAT "): %s", op, id,
                inner->message);
  if (!model_std_code_from_name (code_name, &code) || code == MODEL_STD_OK)
    {
      g_autofree char *q = line_quote (code_name, strlen (code_name));
      return BAD ("the error response to '%s' (id %" G_GINT64_FORMAT ") has code %s, which is "
                  "not an ESSC-STD error code",
                  op, id, q);
    }
#undef BAD
  out->ok = FALSE;
  out->code = code;
  out->message = g_strdup (message);
  return TRUE;
}

gboolean
conf_client_call (ConfClient *client, const char *op, JsonObject *params, ConfCallResult *out,
                  GError **error)
{
  g_return_val_if_fail (client != NULL && op != NULL && out != NULL, FALSE);
  memset (out, 0, sizeof *out);
  if (client->dead)
    {
      g_set_error (error, CONF_CLIENT_ERROR, (int) client->failure,
                   "%s: '%s' not sent: the implementation is no longer running (%s)",
                   conf_call_failure_name (client->failure), op, client->failure_message);
      return FALSE;
    }
  gint64 id = ++client->last_id;
  out->id = id;
  g_autofree char *line = request_line (id, op, params);
  g_autoptr (GError) inner = NULL;

  gint64 t0 = g_get_monotonic_time ();
  if (!conf_child_send_line (client->child, line, client->timeout_ms, &inner))
    return child_failed (client, op, id, TRUE, inner, error);
  gint64 used_ms = (g_get_monotonic_time () - t0) / 1000;
  gsize len = 0;
  g_autofree char *resp = conf_child_read_line (
    client->child, (int) MAX (client->timeout_ms - used_ms, 0), &len, &inner);
  if (resp == NULL)
    return child_failed (client, op, id, FALSE, inner, error);
  out->rtt_us = g_get_monotonic_time () - t0;
  if (!parse_response (client, op, id, resp, len, out, error))
    {
      conf_call_result_clear (out);
      return FALSE;
    }
  out->id = id;
  return TRUE;
}

/* ---- life cycle ---------------------------------------------------------- */

/* Checks the identity in hello's result; a handshake failure otherwise. */
static gboolean
check_hello (ConfClient *c, const char *role, JsonObject *r, GError **error)
{
  g_autoptr (GError) inner = NULL;
  const char *protocol, *their_role, *name, *version;
  JsonArray *ops;
#define BAD(...) fail_call (c, error, CONF_CALL_HANDSHAKE, 0, __VA_ARGS__)
  if (!conf_json_get_string (r, "protocol", &protocol, &inner))
    return BAD ("hello: %s", inner->message);
  if (strcmp (protocol, CONF_CLIENT_PROTOCOL) != 0)
    {
      g_autofree char *q = line_quote (protocol, strlen (protocol));
      return BAD ("hello: the implementation speaks protocol %s, not \"%s\"", q,
                  CONF_CLIENT_PROTOCOL);
    }
  if (!conf_json_get_string (r, "role", &their_role, &inner))
    return BAD ("hello: %s", inner->message);
  if (strcmp (their_role, role) != 0)
    {
      g_autofree char *q = line_quote (their_role, strlen (their_role));
      return BAD ("hello: the implementation plays role %s, not \"%s\"", q, role);
    }
  if (!conf_json_get_string (r, "name", &name, &inner)
      || !conf_json_get_string (r, "version", &version, &inner)
      || !conf_json_get_array (r, "ops", &ops, &inner))
    return BAD ("hello: %s", inner->message);
  guint n = json_array_get_length (ops);
  g_auto (GStrv) list = g_new0 (char *, n + 1);
  for (guint i = 0; i < n; i++)
    {
      JsonNode *e = json_array_get_element (ops, i);
      if (json_node_get_value_type (e) != G_TYPE_STRING)
        return BAD ("hello: member 'ops': element %u is not a string", i);
      list[i] = g_strdup (json_node_get_string (e));
    }
#undef BAD
  c->name = g_strdup (name);
  c->version = g_strdup (version);
  c->role = g_strdup (their_role);
  c->ops = g_steal_pointer (&list);
  return TRUE;
}

ConfClient *
conf_client_start (const char *command, const char *role, int timeout_ms, GError **error)
{
  g_return_val_if_fail (command != NULL && role != NULL, NULL);
  g_autoptr (GError) inner = NULL;
  ConfChild *child = conf_child_spawn (command, &inner);
  if (child == NULL)
    {
      g_set_error (error, CONF_CLIENT_ERROR, CONF_CALL_START, "start: %s", inner->message);
      return NULL;
    }
  g_autoptr (ConfClient) c = g_new0 (ConfClient, 1);
  c->child = child;
  c->timeout_ms = timeout_ms;

  g_autoptr (JsonObject) params = json_object_new ();
  json_object_set_string_member (params, "protocol", CONF_CLIENT_PROTOCOL);
  json_object_set_string_member (params, "role", role);
  json_object_set_string_member (params, "suite", CONF_CLIENT_SUITE);
  g_auto (ConfCallResult) r = { 0 };
  if (!conf_client_call (c, "hello", params, &r, error))
    return NULL;
  if (!r.ok)
    {
      fail_call (c, error, CONF_CALL_HANDSHAKE, 0, "hello refused with %s: %s",
                 model_std_code_name (r.code), r.message);
      return NULL;
    }
  if (!check_hello (c, role, r.result, error))
    return NULL;
  return g_steal_pointer (&c);
}

const char *
conf_client_name (ConfClient *client)
{
  g_return_val_if_fail (client != NULL, NULL);
  return client->name;
}

const char *
conf_client_version (ConfClient *client)
{
  g_return_val_if_fail (client != NULL, NULL);
  return client->version;
}

const char *
conf_client_role (ConfClient *client)
{
  g_return_val_if_fail (client != NULL, NULL);
  return client->role;
}

const char *const *
conf_client_ops (ConfClient *client)
{
  g_return_val_if_fail (client != NULL, NULL);
  return (const char *const *) client->ops;
}

gboolean
conf_client_has_op (ConfClient *client, const char *op)
{
  g_return_val_if_fail (client != NULL && op != NULL, FALSE);
  return client->ops != NULL && g_strv_contains ((const char *const *) client->ops, op);
}

void
conf_client_set_timeout (ConfClient *client, int timeout_ms)
{
  g_return_if_fail (client != NULL);
  client->timeout_ms = timeout_ms;
}

int
conf_client_timeout (ConfClient *client)
{
  g_return_val_if_fail (client != NULL, 0);
  return client->timeout_ms;
}

gboolean
conf_client_alive (ConfClient *client)
{
  g_return_val_if_fail (client != NULL, FALSE);
  return !client->dead;
}

GPid
conf_client_pid (ConfClient *client)
{
  g_return_val_if_fail (client != NULL, 0);
  return conf_child_pid (client->child);
}

char *
conf_client_stderr_tail (ConfClient *client)
{
  g_return_val_if_fail (client != NULL, NULL);
  return conf_child_stderr_tail (client->child);
}

const ConfChildExit *
conf_client_exit (ConfClient *client)
{
  g_return_val_if_fail (client != NULL, NULL);
  return conf_child_exit (client->child);
}

void
conf_client_stop (ConfClient *client)
{
  g_return_if_fail (client != NULL);
  if (client->dead)
    return;
  int timeout = client->timeout_ms;
  client->timeout_ms = MIN (timeout, BYE_MS);
  g_auto (ConfCallResult) r = { 0 };
  gboolean said_bye = conf_client_call (client, "bye", NULL, &r, NULL);
  client->timeout_ms = timeout;
  if (!said_bye)
    return; /* already ended by the failed call */
  conf_child_finish (client->child, BYE_MS, NULL);
  client->dead = TRUE;
  client->failure = CONF_CALL_CRASH;
  g_free (client->failure_message);
  client->failure_message = g_strdup ("it was stopped after 'bye'");
}

void
conf_client_free (ConfClient *client)
{
  if (client == NULL)
    return;
  conf_child_free (client->child);
  g_free (client->name);
  g_free (client->version);
  g_free (client->role);
  g_strfreev (client->ops);
  g_free (client->failure_message);
  g_free (client);
}
