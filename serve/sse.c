/* SPDX-License-Identifier: MIT */
/*
 * Server-sent events of a run (serve/sse.h).  One Stream per open
 * response: the paused message (a reference), the pool subscription and
 * the keep-alive timer.  It ends when the run finishes (the body is
 * completed) or when the message finishes (the client went away, or the
 * server closes): the "finished" signal drops the subscription and the
 * timer, so nothing writes to a dead message.
 */
#include "serve/sse.h"

#include <string.h>

typedef struct {
  ServeHttp *h;
  SoupServerMessage *msg;
  ServePool *pool;
  gint64 run_id;
  guint sub, keepalive, finished_handler;
  gboolean done;
  gint64 started;
  char *remote, *actor;
} Stream;

static guint open_count;

guint
serve_sse_open_count (void)
{
  return open_count;
}

static void
stream_stop (Stream *s)
{
  if (s->sub != 0 && s->pool != NULL)
    serve_pool_unsubscribe (s->pool, s->sub);
  s->sub = 0;
  if (s->keepalive != 0)
    g_source_remove (s->keepalive);
  s->keepalive = 0;
}

static void
stream_write (Stream *s, const char *text)
{
  if (s->done)
    return;
  soup_message_body_append (soup_server_message_get_response_body (s->msg), SOUP_MEMORY_COPY,
                            text, strlen (text));
  soup_server_message_unpause (s->msg);
}

static void
stream_end (Stream *s)
{
  if (s->done)
    return;
  s->done = TRUE;
  stream_stop (s);
  soup_message_body_complete (soup_server_message_get_response_body (s->msg));
  soup_server_message_unpause (s->msg);
}

static void
send_event (Stream *s, const char *event, const char *json)
{
  /* the JSON is one line (json_to_string without pretty printing) */
  g_autofree char *text = g_strdup_printf ("event: %s\ndata: %s\n\n", event, json);
  stream_write (s, text);
}

static gboolean
finished_state (const char *json)
{
  g_autoptr (JsonParser) p = json_parser_new ();
  if (!json_parser_load_from_data (p, json, -1, NULL))
    return FALSE;
  JsonNode *root = json_parser_get_root (p);
  return root != NULL && JSON_NODE_HOLDS_OBJECT (root)
         && json_object_get_boolean_member_with_default (json_node_get_object (root), "finished",
                                                         FALSE);
}

static void
on_event (gint64 run_id, const char *event, const char *json, gpointer data)
{
  Stream *s = data;
  if (run_id != s->run_id || s->done)
    return;
  send_event (s, event, json);
  if (strcmp (event, "state") == 0 && finished_state (json))
    stream_end (s);
}

static gboolean
on_keepalive (gpointer data)
{
  Stream *s = data;
  stream_write (s, ": keep-alive\n\n");
  return G_SOURCE_CONTINUE;
}

static void
on_finished (SoupServerMessage *msg, gpointer data)
{
  Stream *s = data;
  stream_stop (s);
  s->done = TRUE;
  serve_http_log (s->h, "%s GET events of run %" G_GINT64_FORMAT " ended after %" G_GINT64_FORMAT
                  " s %s",
                  s->remote, s->run_id, (g_get_monotonic_time () - s->started) / G_USEC_PER_SEC,
                  s->actor ? s->actor : "-");
  g_signal_handler_disconnect (msg, s->finished_handler);
  open_count--;
  g_free (s->remote);
  g_free (s->actor);
  g_object_unref (s->msg);
  g_free (s);
}

void
serve_sse_run (ServeReq *req, gpointer user_data)
{
  ServeActions *a = serve_http_actions (req->http);
  ServeResult res = { 0 };
  gint64 id = 0;
  gboolean finished = FALSE;
  if (!serve_action_run_access (a, &req->caller, serve_req_param (req, "run"), &id, &finished,
                                &res))
    {
      serve_req_result (req, &res);
      serve_result_clear (&res);
      return;
    }
  g_autofree char *json = json_to_string (res.json, FALSE);
  serve_result_clear (&res);
  serve_req_stream (req, "text/event-stream");
  Stream *s = g_new0 (Stream, 1);
  s->h = req->http;
  s->msg = g_object_ref (req->msg);
  s->pool = serve_actions_pool (a);
  s->run_id = id;
  s->started = g_get_monotonic_time ();
  s->remote = g_strdup (req->remote);
  s->actor = g_strdup (req->caller.actor);
  open_count++;
  s->finished_handler = g_signal_connect (req->msg, "finished", G_CALLBACK (on_finished), s);
  send_event (s, "state", json);
  if (finished || s->pool == NULL)
    {
      stream_end (s);
      return;
    }
  s->sub = serve_pool_subscribe (s->pool, on_event, s);
  s->keepalive = g_timeout_add_seconds (SERVE_SSE_KEEPALIVE_S, on_keepalive, s);
}
