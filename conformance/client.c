/* SPDX-License-Identifier: MIT */
/*
 * Implementation of the runner's side of the adapter protocol (see
 * client.h): request lines built with json-glib, exchanged through a
 * transport (conformance/transport.h: a pipe or HTTP), responses parsed
 * strictly with conf_json_parse_object and the typed getters, every
 * transport failure and every malformed response turned into one
 * ConfCallFailure with a message for the test's diagnostics, after which the
 * transport is ended.  Each message and failure also goes to the transcript
 * when there is one.
 */
#include "conformance/client.h"

#include "base/error.h"
#include "conformance/json.h"
#include "conformance/transport.h"

#include <stdarg.h>
#include <string.h>

G_DEFINE_QUARK (conf-client-error-quark, conf_client_error)

/* Longest deadline for `bye`, and the time to exit after it. */
#define BYE_MS 1000
/* Bytes of a bad line quoted in a message. */
#define QUOTE_BYTES 80

struct _ConfClient {
  ConfTransport *transport;
  ConfTranscript *transcript; /* borrowed, may be NULL */
  int timeout_ms;
  gint64 deadline_us;         /* monotonic; 0: none */
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
  [CONF_CALL_NETWORK] = "network",
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
 * Ends the transport (giving a process grace_ms to exit by itself), marks
 * the client dead and sets *error to failure with "CLASS: what; the
 * implementation EXITED; its standard error ends: ..." (what the transport
 * adds).  Returns FALSE.
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

  g_autofree char *ended = conf_transport_end (c->transport, grace_ms, &failure);
  g_autofree char *msg = g_strdup_printf ("%s: %s%s%s", conf_call_failure_name (failure), what,
                                          ended ? "; " : "", ended ? ended : "");
  if (c->transcript != NULL)
    conf_transcript_add_failure (c->transcript, conf_call_failure_name (failure), msg);
  c->dead = TRUE;
  c->failure = failure;
  g_free (c->failure_message);
  c->failure_message = g_strdup (msg);
  g_set_error_literal (error, CONF_CLIENT_ERROR, (int) failure, msg);
  return FALSE;
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
  /* {"$integer": "DIGITS"} in params: the number as written (docs/VECTORS.md) */
  return conf_json_to_line_literal (root);
}

gboolean
conf_client_parse_response (const char *op, gint64 id, gboolean zero_if_malformed,
                            const char *line, gsize len, ConfCallResult *out, GError **error)
{
  g_autoptr (GError) inner = NULL;
  g_return_val_if_fail (op != NULL && (line != NULL || len == 0) && out != NULL, FALSE);
#define BAD(...) base_fail (error, CONF_CLIENT_ERROR, CONF_CALL_PROTOCOL, __VA_ARGS__)
  g_autoptr (JsonObject) obj = conf_json_parse_object (line ? line : "", len, &inner);
  if (obj == NULL)
    {
      g_autofree char *q = line_quote (line ? line : "", len);
      return BAD ("the response to '%s' (id %" G_GINT64_FORMAT ") is not a JSON object (%s): %s",
                  op, id, inner->message, q);
    }
  if (conf_json_escapes_nul (line, len))
    return BAD ("the response to '%s' (id %" G_GINT64_FORMAT ") holds U+0000 in a string "
                "(\\u0000, which a JSON library may cut there; docs/ADAPTER.md section 2)", op, id);
  gint64 rid;
  gboolean ok;
  if (!conf_json_get_int (obj, "id", &rid, &inner) || !conf_json_get_bool (obj, "ok", &ok, &inner))
    return BAD ("the response to '%s' (id %" G_GINT64_FORMAT "): %s", op, id, inner->message);
  if (rid != id && !(zero_if_malformed && rid == 0 && !ok))
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
  if (rid != id && code != MODEL_STD_MALFORMED)
    return BAD ("the response to '%s' carries id 0, expected %" G_GINT64_FORMAT " (id 0 is for "
                "a malformed line only)", op, id);
#undef BAD
  out->ok = FALSE;
  out->code = code;
  out->message = g_strdup (message);
  return TRUE;
}

/* Parses one response line into out; a protocol failure (the client then
 * dead) otherwise. */
static gboolean
parse_response (ConfClient *c, const char *op, gint64 id, gboolean zero_if_malformed,
                const char *line, gsize len, ConfCallResult *out, GError **error)
{
  g_autoptr (GError) inner = NULL;
  if (conf_client_parse_response (op, id, zero_if_malformed, line, len, out, &inner))
    return TRUE;
  return fail_call (c, error, CONF_CALL_PROTOCOL, 0, "%s", inner->message);
}

/* One exchange of line, whose id is id (0: none); zero_ok as parse_response. */
static gboolean
exchange (ConfClient *client, const char *op, gint64 id, gboolean zero_ok, const char *line,
          ConfCallResult *out, GError **error)
{
  g_autoptr (GError) inner = NULL;

  out->id = id;
  gsize line_len = strlen (line);
  if (client->transcript != NULL)
    conf_transcript_add (client->transcript, CONF_TRANSCRIPT_SEND, line, line_len);
  gint64 t0 = g_get_monotonic_time ();
  int timeout_ms = client->timeout_ms;
  if (client->deadline_us > 0)
    timeout_ms = (int) CLAMP ((client->deadline_us - t0) / 1000, 0, timeout_ms);
  gsize len = 0;
  g_autofree char *resp = conf_transport_exchange (client->transport, op, id, line, line_len,
                                                   timeout_ms, &len, &inner);
  if (resp == NULL)
    return fail_call (client, error, (ConfCallFailure) inner->code, 0, "%s", inner->message);
  out->rtt_us = g_get_monotonic_time () - t0;
  if (client->transcript != NULL)
    conf_transcript_add (client->transcript, CONF_TRANSCRIPT_RECV, resp, len);
  if (!parse_response (client, op, id, zero_ok, resp, len, out, error))
    {
      conf_call_result_clear (out);
      return FALSE;
    }
  out->id = id;
  return TRUE;
}

static gboolean
client_alive (ConfClient *client, const char *op, ConfCallResult *out, GError **error)
{
  memset (out, 0, sizeof *out);
  if (client->dead)
    {
      g_set_error (error, CONF_CLIENT_ERROR, (int) client->failure,
                   "%s: '%s' not sent: the implementation is no longer running (%s)",
                   conf_call_failure_name (client->failure), op, client->failure_message);
      return FALSE;
    }
  return TRUE;
}

gboolean
conf_client_call (ConfClient *client, const char *op, JsonObject *params, ConfCallResult *out,
                  GError **error)
{
  g_return_val_if_fail (client != NULL && op != NULL && out != NULL, FALSE);
  if (!client_alive (client, op, out, error))
    return FALSE;
  gint64 id = ++client->last_id;
  g_autofree char *line = request_line (id, op, params);
  return exchange (client, op, id, FALSE, line, out, error);
}

gboolean
conf_client_call_line (ConfClient *client, const char *op, const char *text,
                       ConfCallResult *out, GError **error)
{
  g_return_val_if_fail (client != NULL && op != NULL && text != NULL && out != NULL, FALSE);
  if (!client_alive (client, op, out, error))
    return FALSE;
  if (strstr (text, CONF_CLIENT_ID_MARK) == NULL)
    return exchange (client, op, 0, TRUE, text, out, error);
  gint64 id = ++client->last_id;
  g_autofree char *digits = g_strdup_printf ("%" G_GINT64_FORMAT, id);
  g_auto (GStrv) parts = g_strsplit (text, CONF_CLIENT_ID_MARK, -1);
  g_autofree char *line = g_strjoinv (digits, parts);
  return exchange (client, op, id, TRUE, line, out, error);
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
  return conf_client_open (command, role, timeout_ms, NULL, error);
}

ConfClient *
conf_client_open (const char *target, const char *role, int timeout_ms,
                  const ConfClientOptions *options, GError **error)
{
  g_return_val_if_fail (target != NULL && role != NULL, NULL);
  ConfTranscript *transcript = options ? options->transcript : NULL;
  if (transcript != NULL)
    conf_transcript_add (transcript, CONF_TRANSCRIPT_OPEN, target, strlen (target));
  g_autoptr (GError) inner = NULL;
  ConfTransport *transport = conf_transport_open (target, options, &inner);
  if (transport == NULL)
    {
      if (transcript != NULL)
        conf_transcript_add_failure (transcript, conf_call_failure_name (inner->code),
                                     inner->message);
      g_propagate_error (error, g_steal_pointer (&inner));
      return NULL;
    }
  g_autoptr (ConfClient) c = g_new0 (ConfClient, 1);
  c->transport = transport;
  c->transcript = transcript;
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

void
conf_client_set_deadline (ConfClient *client, gint64 deadline_us)
{
  g_return_if_fail (client != NULL);
  client->deadline_us = deadline_us;
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
  return conf_transport_pid (client->transport);
}

char *
conf_client_stderr_tail (ConfClient *client)
{
  g_return_val_if_fail (client != NULL, NULL);
  return conf_transport_stderr_tail (client->transport);
}

const ConfChildExit *
conf_client_exit (ConfClient *client)
{
  g_return_val_if_fail (client != NULL, NULL);
  return conf_transport_exit (client->transport);
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
  conf_transport_close (client->transport, BYE_MS);
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
  conf_transport_free (client->transport);
  g_free (client->name);
  g_free (client->version);
  g_free (client->role);
  g_strfreev (client->ops);
  g_free (client->failure_message);
  g_free (client);
}
