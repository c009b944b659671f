/* SPDX-License-Identifier: MIT */
/*
 * The JSON API routes and the shared downloads (serve/api.h).  Bodies of
 * POST routes are JSON objects (serve_req_json_body: 415/400 before any
 * action); the staff actions' body may be empty ({}).
 */
#include "serve/api.h"

#include "serve/sse.h"

#include <string.h>

#define PUBLIC_DIR_KEY "essc-public-dir"

static ServeActions *
acts (ServeReq *req)
{
  return serve_http_actions (req->http);
}

static void
answer (ServeReq *req, gboolean (*fn) (ServeActions *, const ServeCaller *, ServeResult *))
{
  ServeResult res = { 0 };
  fn (acts (req), &req->caller, &res);
  serve_req_result (req, &res);
  serve_result_clear (&res);
}

static void
h_whoami (ServeReq *req, gpointer data)
{
  answer (req, serve_action_whoami);
}

static void
h_channels (ServeReq *req, gpointer data)
{
  answer (req, serve_action_channels);
}

static void
h_tokens (ServeReq *req, gpointer data)
{
  answer (req, serve_action_tokens);
}

static void
h_channel (ServeReq *req, gpointer data)
{
  ServeResult res = { 0 };
  serve_action_channel (acts (req), &req->caller, serve_req_param (req, "channel"), &res);
  serve_req_result (req, &res);
  serve_result_clear (&res);
}

/* The body, or NULL after answering its error.  A caller that is nobody
 * gets 401 before its body is judged. */
static JsonObject *
body_of (ServeReq *req)
{
  if (req->caller.kind == SERVE_CALLER_NONE)
    {
      serve_req_error (req, 401, "authentication required: a token (Authorization: Bearer)");
      return NULL;
    }
  return serve_req_json_body (req);
}

static void
h_register (ServeReq *req, gpointer data)
{
  g_autoptr (JsonObject) body = body_of (req);
  if (body == NULL)
    return;
  ServeResult res = { 0 };
  serve_action_register (acts (req), &req->caller, body, &res);
  serve_req_result (req, &res);
  serve_result_clear (&res);
}

static void
h_start_run (ServeReq *req, gpointer data)
{
  g_autoptr (JsonObject) body = body_of (req);
  if (body == NULL)
    return;
  if (json_object_get_size (body) != 0)
    {
      serve_req_error (req, 400, "a run takes no parameters: send {} or nothing");
      return;
    }
  ServeResult res = { 0 };
  serve_action_start_run (acts (req), &req->caller, serve_req_param (req, "channel"),
                          serve_req_header (req, "Idempotency-Key"), &res);
  serve_req_result (req, &res);
  serve_result_clear (&res);
}

static void
h_staff (ServeReq *req, gpointer data)
{
  g_autoptr (JsonObject) body = body_of (req);
  if (body == NULL)
    return;
  ServeResult res = { 0 };
  serve_action_staff (acts (req), &req->caller, serve_req_param (req, "channel"),
                      serve_req_param (req, "action"), body, &res);
  serve_req_result (req, &res);
  serve_result_clear (&res);
}

static void
h_runs (ServeReq *req, gpointer data)
{
  ServeResult res = { 0 };
  serve_action_runs (acts (req), &req->caller, g_hash_table_lookup (req->query, "channel"),
                     &res);
  serve_req_result (req, &res);
  serve_result_clear (&res);
}

static void
h_run (ServeReq *req, gpointer data)
{
  ServeResult res = { 0 };
  serve_action_run (acts (req), &req->caller, serve_req_param (req, "run"), &res);
  serve_req_result (req, &res);
  serve_result_clear (&res);
}

static void
h_run_tests (ServeReq *req, gpointer data)
{
  ServeResult res = { 0 };
  serve_action_run_tests (acts (req), &req->caller, serve_req_param (req, "run"), &res);
  serve_req_result (req, &res);
  serve_result_clear (&res);
}

static void
report (ServeReq *req, gboolean sig)
{
  ServeResult res = { 0 };
  g_autoptr (GBytes) bytes = NULL;
  g_autofree char *name = NULL;
  if (serve_action_report (acts (req), &req->caller, serve_req_param (req, "run"), sig, &bytes,
                           &name, &res))
    serve_req_bytes (req, 200, sig ? "text/plain; charset=utf-8" : "application/json", bytes,
                     name);
  else
    serve_req_result (req, &res);
  serve_result_clear (&res);
}

static void
h_report (ServeReq *req, gpointer data)
{
  report (req, FALSE);
}

static void
h_report_sig (ServeReq *req, gpointer data)
{
  report (req, TRUE);
}

static void
h_token_issue (ServeReq *req, gpointer data)
{
  g_autoptr (JsonObject) body = body_of (req);
  if (body == NULL)
    return;
  ServeResult res = { 0 };
  serve_action_token_issue (acts (req), &req->caller, body, &res);
  serve_req_result (req, &res);
  serve_result_clear (&res);
}

static void
h_token_revoke (ServeReq *req, gpointer data)
{
  g_autoptr (JsonObject) body = body_of (req);
  if (body == NULL)
    return;
  ServeResult res = { 0 };
  serve_action_token_revoke (acts (req), &req->caller, serve_req_param (req, "token"), body,
                             &res);
  serve_req_result (req, &res);
  serve_result_clear (&res);
}

static void
h_history (ServeReq *req, gpointer data)
{
  const char *lim = g_hash_table_lookup (req->query, "limit");
  guint64 limit = 0;
  if (lim != NULL && !g_ascii_string_to_unsigned (lim, 10, 1, 100000, &limit, NULL))
    {
      serve_req_error (req, 400, "limit: expected 1..100000");
      return;
    }
  ServeResult res = { 0 };
  serve_action_history (acts (req), &req->caller, (guint) limit, &res);
  serve_req_result (req, &res);
  serve_result_clear (&res);
}

/* ---- /public/ ---------------------------------------------------------------------- */

static void
public_file (ServeReq *req, const char *dir, const char *file)
{
  const char *type = NULL;
  if (strcmp (file, "index.html") == 0)
    type = "text/html; charset=utf-8";
  else if (strcmp (file, "feed.json") == 0)
    type = "application/json";
  else if (strcmp (file, "feed.json.sig") == 0)
    type = "text/plain; charset=utf-8";
  if (dir == NULL || type == NULL)
    {
      serve_req_error (req, 404, "no such published file");
      return;
    }
  g_autofree char *path = g_build_filename (dir, file, NULL);
  g_autofree char *text = NULL;
  gsize n = 0;
  if (!g_file_get_contents (path, &text, &n, NULL))
    {
      serve_req_error (req, 404, "%s is not published yet", file);
      return;
    }
  if (strcmp (file, "index.html") == 0)
    {
      /* the page's own inline style sheet, allowed by its hash */
      const char *open = g_strstr_len (text, (gssize) n, "<style>");
      const char *close = open ? strstr (open, "</style>") : NULL;
      if (close != NULL)
        serve_req_allow_style (req, open + strlen ("<style>"),
                               (gsize) (close - open) - strlen ("<style>"));
    }
  g_autoptr (GBytes) bytes = g_bytes_new_take (g_steal_pointer (&text), n);
  serve_req_bytes (req, 200, type, bytes, NULL);
}

static void
h_public_index (ServeReq *req, gpointer data)
{
  public_file (req, data, "index.html");
}

static void
h_public_file (ServeReq *req, gpointer data)
{
  public_file (req, data, serve_req_param (req, "file"));
}

/* ---- the table -------------------------------------------------------------------- */

void
serve_api_register (ServeHttp *h, const char *public_dir)
{
  gpointer pd = (gpointer) public_dir;
  serve_http_route (h, "GET", "/api/v1/whoami", h_whoami, NULL);
  serve_http_route (h, "GET", "/api/v1/channels", h_channels, NULL);
  serve_http_route (h, "POST", "/api/v1/channels", h_register, NULL);
  serve_http_route (h, "GET", "/api/v1/channels/{channel}", h_channel, NULL);
  serve_http_route (h, "POST", "/api/v1/channels/{channel}/runs", h_start_run, NULL);
  serve_http_route (h, "POST", "/api/v1/channels/{channel}/{action}", h_staff, NULL);
  serve_http_route (h, "GET", "/api/v1/runs", h_runs, NULL);
  serve_http_route (h, "GET", "/api/v1/runs/{run}", h_run, NULL);
  serve_http_route (h, "GET", "/api/v1/runs/{run}/tests", h_run_tests, NULL);
  serve_http_route (h, "GET", "/api/v1/runs/{run}/events", serve_sse_run, NULL);
  serve_http_route (h, "GET", "/api/v1/runs/{run}/report", h_report, NULL);
  serve_http_route (h, "GET", "/api/v1/runs/{run}/report.sig", h_report_sig, NULL);
  serve_http_route (h, "GET", "/api/v1/tokens", h_tokens, NULL);
  serve_http_route (h, "POST", "/api/v1/tokens", h_token_issue, NULL);
  serve_http_route (h, "POST", "/api/v1/tokens/{token}/revoke", h_token_revoke, NULL);
  serve_http_route (h, "GET", "/api/v1/history", h_history, NULL);
  serve_http_route (h, "GET", "/runs/{run}/events", serve_sse_run, NULL);
  serve_http_route (h, "GET", "/runs/{run}/report", h_report, NULL);
  serve_http_route (h, "GET", "/runs/{run}/report.sig", h_report_sig, NULL);
  serve_http_route (h, "GET", "/public/", h_public_index, pd);
  serve_http_route (h, "GET", "/public/{file}", h_public_file, pd);
}
