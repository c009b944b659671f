/* SPDX-License-Identifier: MIT */
/*
 * The page routes of `essc serve` (see pages.h): each handler calls an
 * action with the request's caller, then renders (serve/views.h) or
 * redirects.  Form fields become the JSON bodies the API takes, so a page
 * and an API call go through the same validation.
 */
#include "serve/pages.h"

#include "serve/page.h"
#include "serve/static.h"
#include "serve/views.h"

#include <sodium.h>
#include <string.h>

/* ---- helpers ------------------------------------------------------------------- */

static void
frame_of (const ServeReq *req, const char *title, ServePageFrame *f)
{
  memset (f, 0, sizeof *f);
  f->title = title;
  f->who = req->caller.kind != SERVE_CALLER_NONE ? req->caller.actor : NULL;
  f->staff = req->caller.kind == SERVE_CALLER_STAFF;
  f->csrf = req->csrf;
}

/* An HTML answer of a refusal: html (transfer full) with status, the
 * message kept as the access log's reason (as serve_req_error does). */
static void
answer_refused (ServeReq *req, guint status, const char *message, char *html)
{
  g_free (req->log_reason);
  req->log_reason = g_strdup (message);
  serve_req_html (req, status, html);
}

/* The result of a refused action as the site's error page (GET), or a
 * redirect to the login page when nobody is logged in. */
static void
refused (ServeReq *req, const ServeResult *res)
{
  if (res->status == 401 && req->caller.kind == SERVE_CALLER_NONE
      && strcmp (req->method, "GET") == 0)
    {
      serve_req_redirect (req, "/login");
      return;
    }
  serve_req_error (req, res->status ? res->status : 500, "%s",
                   res->message ? res->message : "internal error");
}

static JsonArray *
res_array (const ServeResult *res)
{
  return res->json != NULL && JSON_NODE_HOLDS_ARRAY (res->json)
           ? json_node_get_array (res->json) : NULL;
}

static JsonObject *
res_object (const ServeResult *res)
{
  return res->json != NULL && JSON_NODE_HOLDS_OBJECT (res->json)
           ? json_node_get_object (res->json) : NULL;
}

/* A form field, or NULL; "" counts as absent when empty_absent. */
static const char *
field (GHashTable *form, const char *name, gboolean empty_absent)
{
  const char *v = form != NULL ? g_hash_table_lookup (form, name) : NULL;
  if (v != NULL && empty_absent && v[0] == '\0')
    return NULL;
  return v;
}

/* Is the caller logged in?  Else sends GET requests to /login and answers
 * other methods 401. */
static gboolean
logged_in (ServeReq *req)
{
  if (req->caller.kind != SERVE_CALLER_NONE)
    return TRUE;
  if (strcmp (req->method, "GET") == 0 || strcmp (req->method, "HEAD") == 0)
    serve_req_redirect (req, "/login");
  else
    serve_req_error (req, 401, "log in first");
  return FALSE;
}

/* Staff pages: a vendor gets 403 (the actions would refuse each action
 * too; this only picks the page). */
static gboolean
staff_only (ServeReq *req)
{
  if (!logged_in (req))
    return FALSE;
  if (req->caller.kind == SERVE_CALLER_STAFF)
    return TRUE;
  serve_req_error (req, 403, "this page is for the standards body's staff");
  return FALSE;
}

static const char *
home_of (const ServeReq *req)
{
  return req->caller.kind == SERVE_CALLER_STAFF ? "/staff" : "/channels";
}

/* ---- home, login, logout ----------------------------------------------------------- */

static void
get_home (ServeReq *req, gpointer data)
{
  if (req->caller.kind != SERVE_CALLER_NONE)
    {
      serve_req_redirect (req, home_of (req));
      return;
    }
  ServePageFrame f;
  frame_of (req, "essc \u8ba4\u8bc1\u670d\u52a1 Certification service", &f);
  serve_req_html (req, 200, serve_view_home (&f));
}

static void
get_login (ServeReq *req, gpointer data)
{
  ServePageFrame f;
  frame_of (req, "\u767b\u5f55 Log in", &f);
  serve_req_html (req, 200, serve_view_login (&f, NULL));
}

static void
post_login (ServeReq *req, gpointer data)
{
  g_autoptr (GHashTable) form = serve_req_form (req);
  if (form == NULL)
    return;
  const char *token = field (form, "token", FALSE);
  ServeResult res = { 0 };
  if (token != NULL)
    {
      /* A token pasted with blanks around it still logs in. */
      g_autofree char *trimmed = g_strstrip (g_strdup (token));
      if (serve_req_login (req, trimmed, &res))
        {
          sodium_memzero (trimmed, strlen (trimmed));
          serve_result_clear (&res);
          serve_req_redirect (req, home_of (req));
          return;
        }
      sodium_memzero (trimmed, strlen (trimmed));
    }
  else
    {
      res.status = 400;
      res.message = g_strdup ("the form has no field token");
    }
  const char *why = res.message != NULL ? res.message : "refused";
  ServePageFrame f;
  frame_of (req, "\u767b\u5f55 Log in", &f);
  g_autofree char *msg = g_strdup_printf ("\u767b\u5f55\u5931\u8d25 Login failed: %s", why);
  answer_refused (req, res.status != 0 ? res.status : 401, why, serve_view_login (&f, msg));
  serve_result_clear (&res);
}

static void
post_logout (ServeReq *req, gpointer data)
{
  serve_req_logout (req);
  serve_req_redirect (req, "/");
}

/* The public key as a browser sends a textarea: line breaks as CR LF, maybe
 * blanks around the lines or no line feed after the last.  Returns:
 * (transfer full) its non-empty lines, each stripped, each ended with a
 * line feed (what an essc keygen .pub file holds). */
static char *
key_text (const char *text)
{
  GString *out = g_string_new (NULL);
  g_auto (GStrv) lines = g_strsplit_set (text, "\r\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_strstrip (lines[i]);
      if (lines[i][0] != '\0')
        g_string_append_printf (out, "%s\n", lines[i]);
    }
  return g_string_free (out, FALSE);
}

/* ---- the vendor's channels -------------------------------------------------------- */

static void
render_channels (ServeReq *req, guint status, const ServeApplyForm *form, const char *error)
{
  ServeActions *a = serve_http_actions (req->http);
  ServeResult res = { 0 };
  if (!serve_action_channels (a, &req->caller, &res) && error == NULL)
    {
      refused (req, &res);
      serve_result_clear (&res);
      return;
    }
  ServePageFrame f;
  frame_of (req, "\u6211\u7684\u6e20\u9053 My channels", &f);
  char *html = serve_view_channels (&f, res_array (&res), form, error);
  if (error != NULL)
    answer_refused (req, status, error, html);
  else
    serve_req_html (req, status, html);
  serve_result_clear (&res);
}

static void
get_channels (ServeReq *req, gpointer data)
{
  if (!logged_in (req))
    return;
  if (req->caller.kind == SERVE_CALLER_STAFF)
    {
      serve_req_redirect (req, "/staff");
      return;
    }
  render_channels (req, 200, NULL, NULL);
}

static void
post_channels (ServeReq *req, gpointer data)
{
  g_autoptr (GHashTable) form = serve_req_form (req);
  if (form == NULL)
    return;
  ServeApplyForm values = {
    .id = field (form, "id", FALSE), .name = field (form, "name", FALSE),
    .klass = field (form, "class", FALSE), .tier = field (form, "tier", FALSE),
    .parent_id = field (form, "parent_id", TRUE), .public_key = field (form, "public_key", FALSE),
    .endpoint = field (form, "endpoint", FALSE), .payment = field (form, "payment", FALSE),
  };
  /* The API's body: members absent stay absent (the action names them). */
  g_autoptr (JsonObject) body = json_object_new ();
  g_autofree char *pk = values.public_key != NULL ? key_text (values.public_key) : NULL;
  const char *names[] = { "id", "name", "class", "public_key", "endpoint", "parent_id" };
  const char *vals[] = { values.id, values.name, values.klass, pk, values.endpoint,
                         values.parent_id };
  for (gsize i = 0; i < G_N_ELEMENTS (names); i++)
    if (vals[i] != NULL)
      json_object_set_string_member (body, names[i], vals[i]);
  if (values.payment != NULL)
    {
      /* true or false; any other text goes as text, which the action refuses */
      if (strcmp (values.payment, "yes") == 0 || strcmp (values.payment, "no") == 0)
        json_object_set_boolean_member (body, "payment", strcmp (values.payment, "yes") == 0);
      else
        json_object_set_string_member (body, "payment", values.payment);
    }
  if (values.tier != NULL)
    {
      /* A number when it is one; else the text, which the action refuses
       * naming the member. */
      char *end = NULL;
      gint64 tier = g_ascii_strtoll (values.tier, &end, 10);
      if (values.tier[0] != '\0' && end != NULL && *end == '\0' && tier >= 0 && tier < 100)
        json_object_set_int_member (body, "tier", tier);
      else
        json_object_set_string_member (body, "tier", values.tier);
    }
  ServeResult res = { 0 };
  if (serve_action_register (serve_http_actions (req->http), &req->caller, body, &res))
    {
      g_autofree char *loc = g_strdup_printf ("/channels/%s",
                                              serve_json_str (res_object (&res), "id"));
      serve_result_clear (&res);
      serve_req_redirect (req, loc);
      return;
    }
  if (res.status == 401 || res.status == 403)
    refused (req, &res);
  else
    render_channels (req, res.status, &values, res.message);
  serve_result_clear (&res);
}

/* ---- a channel ------------------------------------------------------------------------ */

static void
render_channel (ServeReq *req, const char *id, guint status, const char *error)
{
  ServeActions *a = serve_http_actions (req->http);
  ServeResult ch = { 0 }, runs = { 0 };
  if (!serve_action_channel (a, &req->caller, id, &ch))
    {
      refused (req, &ch);
      serve_result_clear (&ch);
      return;
    }
  serve_action_runs (a, &req->caller, id, &runs);
  char idem[2 * 16 + 1];
  guint8 raw[16];
  randombytes_buf (raw, sizeof raw);
  sodium_bin2hex (idem, sizeof idem, raw, sizeof raw);
  ServePageFrame f;
  g_autofree char *title = g_strdup_printf ("\u6e20\u9053 Channel %s", id);
  frame_of (req, title, &f);
  char *html = serve_view_channel (&f, res_object (&ch), res_array (&runs), idem, error);
  if (error != NULL)
    answer_refused (req, status, error, html);
  else
    serve_req_html (req, status, html);
  serve_result_clear (&ch);
  serve_result_clear (&runs);
}

static void
get_channel (ServeReq *req, gpointer data)
{
  if (!logged_in (req))
    return;
  render_channel (req, serve_req_param (req, "channel"), 200, NULL);
}

static void
post_run (ServeReq *req, gpointer data)
{
  g_autoptr (GHashTable) form = serve_req_form (req);
  if (form == NULL)
    return;
  const char *id = serve_req_param (req, "channel");
  ServeResult res = { 0 };
  if (serve_action_start_run (serve_http_actions (req->http), &req->caller, id,
                              field (form, "idem", TRUE), &res))
    {
      g_autofree char *loc = g_strdup_printf ("/runs/%" G_GINT64_FORMAT,
                                              serve_json_int (res_object (&res), "id"));
      serve_result_clear (&res);
      serve_req_redirect (req, loc);
      return;
    }
  /* The channel page with the reason, where the caller may see it. */
  if (res.status == 409 || res.status == 429 || res.status == 400)
    render_channel (req, id, res.status, res.message);
  else
    refused (req, &res);
  serve_result_clear (&res);
}

/* ---- a run ------------------------------------------------------------------------------ */

static void
get_run (ServeReq *req, gpointer data)
{
  if (!logged_in (req))
    return;
  ServeActions *a = serve_http_actions (req->http);
  const char *id = serve_req_param (req, "run");
  ServeResult run = { 0 }, tests = { 0 };
  if (!serve_action_run (a, &req->caller, id, &run))
    {
      refused (req, &run);
      serve_result_clear (&run);
      return;
    }
  serve_action_run_tests (a, &req->caller, id, &tests);
  ServePageFrame f;
  g_autofree char *title = g_strdup_printf ("\u6d4b\u8bd5 Run %s", id);
  frame_of (req, title, &f);
  serve_req_html (req, 200, serve_view_run (&f, res_object (&run), res_array (&tests)));
  serve_result_clear (&run);
  serve_result_clear (&tests);
}

/* ---- staff ------------------------------------------------------------------------------ */

static const char *const staff_actions[] = {
  "certify", "rectify", "suspend", "reinstate", "terminate", "revoke",
};

static gboolean
channel_id_ok (const char *s)
{
  return s != NULL && strlen (s) == 8 && s[0] == 'C' && s[1] == 'H'
         && strspn (s + 2, "0123456789") == 6;
}

static void
render_staff (ServeReq *req, guint status, const char *notice, const char *error)
{
  ServeResult res = { 0 };
  if (!serve_action_channels (serve_http_actions (req->http), &req->caller, &res))
    {
      refused (req, &res);
      serve_result_clear (&res);
      return;
    }
  ServePageFrame f;
  frame_of (req, "\u5168\u90e8\u6e20\u9053 All channels", &f);
  char *html = serve_view_staff (&f, res_array (&res), notice, error);
  if (error != NULL)
    answer_refused (req, status, error, html);
  else
    serve_req_html (req, status, html);
  serve_result_clear (&res);
}

static void
get_staff (ServeReq *req, gpointer data)
{
  if (!staff_only (req))
    return;
  /* After an action: ?done=ACTION&channel=ID (checked: only a known action
   * and a channel id are shown). */
  const char *done = g_hash_table_lookup (req->query, "done");
  const char *channel = g_hash_table_lookup (req->query, "channel");
  g_autofree char *notice = NULL;
  for (gsize i = 0; done != NULL && i < G_N_ELEMENTS (staff_actions); i++)
    if (strcmp (done, staff_actions[i]) == 0 && channel_id_ok (channel))
      notice = g_strdup_printf ("%s %s: \u5b8c\u6210 done", staff_actions[i], channel);
  render_staff (req, 200, notice, NULL);
}

static void
post_staff_action (ServeReq *req, gpointer data)
{
  g_autoptr (GHashTable) form = serve_req_form (req);
  if (form == NULL)
    return;
  const char *id = serve_req_param (req, "channel");
  const char *action = serve_req_param (req, "action");
  g_autoptr (JsonObject) body = json_object_new ();
  const char *reason = field (form, "reason", TRUE);
  if (reason != NULL)
    json_object_set_string_member (body, "reason", reason);
  ServeResult res = { 0 };
  if (serve_action_staff (serve_http_actions (req->http), &req->caller, id, action, body, &res))
    {
      g_autofree char *loc = g_strdup_printf ("/staff?done=%s&channel=%s", action, id);
      serve_result_clear (&res);
      serve_req_redirect (req, loc);
      return;
    }
  if (res.status == 400 || res.status == 409)
    {
      g_autofree char *msg = g_strdup_printf ("%s %s: %s", action, id, res.message);
      render_staff (req, res.status, NULL, msg);
    }
  else
    refused (req, &res);
  serve_result_clear (&res);
}

static void
render_tokens (ServeReq *req, guint status, const char *new_token, const char *vendor,
               const char *label, const char *error)
{
  ServeResult res = { 0 };
  if (!serve_action_tokens (serve_http_actions (req->http), &req->caller, &res))
    {
      refused (req, &res);
      serve_result_clear (&res);
      return;
    }
  ServePageFrame f;
  frame_of (req, "\u4ee4\u724c Tokens", &f);
  char *html = serve_view_tokens (&f, res_array (&res), new_token, vendor, label, error);
  if (error != NULL)
    answer_refused (req, status, error, html);
  else
    serve_req_html (req, status, html);
  serve_result_clear (&res);
}

static void
get_tokens (ServeReq *req, gpointer data)
{
  if (!staff_only (req))
    return;
  render_tokens (req, 200, NULL, NULL, NULL, NULL);
}

static void
post_tokens (ServeReq *req, gpointer data)
{
  g_autoptr (GHashTable) form = serve_req_form (req);
  if (form == NULL)
    return;
  const char *vendor = field (form, "vendor", FALSE);
  const char *label = field (form, "label", TRUE);
  g_autoptr (JsonObject) body = json_object_new ();
  if (vendor != NULL)
    json_object_set_string_member (body, "vendor", vendor);
  if (label != NULL)
    json_object_set_string_member (body, "label", label);
  ServeResult res = { 0 };
  if (serve_action_token_issue (serve_http_actions (req->http), &req->caller, body, &res))
    {
      /* Shown this once, as the answer to the POST (no redirect could
       * carry it without putting it in a URL). */
      const char *token = serve_json_str (res_object (&res), "token");
      render_tokens (req, 200, token, NULL, NULL, NULL);
      serve_result_clear (&res);
      return;
    }
  if (res.status == 400 || res.status == 409)
    render_tokens (req, res.status, NULL, vendor, label, res.message);
  else
    refused (req, &res);
  serve_result_clear (&res);
}

static void
post_token_revoke (ServeReq *req, gpointer data)
{
  g_autoptr (GHashTable) form = serve_req_form (req);
  if (form == NULL)
    return;
  const char *id = serve_req_param (req, "token");
  g_autoptr (JsonObject) body = json_object_new ();
  const char *reason = field (form, "reason", TRUE);
  if (reason != NULL)
    json_object_set_string_member (body, "reason", reason);
  ServeResult res = { 0 };
  if (serve_action_token_revoke (serve_http_actions (req->http), &req->caller, id, body, &res))
    {
      serve_result_clear (&res);
      serve_req_redirect (req, "/staff/tokens");
      return;
    }
  if (res.status == 400 || res.status == 404 || res.status == 409)
    {
      g_autofree char *msg = g_strdup_printf ("revoke %s: %s", id, res.message);
      render_tokens (req, res.status, NULL, NULL, NULL, msg);
    }
  else
    refused (req, &res);
  serve_result_clear (&res);
}

static void
get_history (ServeReq *req, gpointer data)
{
  if (!staff_only (req))
    return;
  guint64 before = G_MAXUINT64;
  const char *b = g_hash_table_lookup (req->query, "before");
  if (b != NULL)
    {
      guint64 v = 0;
      if (!g_ascii_string_to_unsigned (b, 10, 0, G_MAXUINT64 - 1, &v, NULL))
        {
          serve_req_error (req, 400, "query before: expected a history seq (a number)");
          return;
        }
      before = v;
    }
  ServeResult res = { 0 };
  if (!serve_action_history (serve_http_actions (req->http), &req->caller, 0, &res))
    {
      refused (req, &res);
      serve_result_clear (&res);
      return;
    }
  ServePageFrame f;
  frame_of (req, "\u5386\u53f2 History", &f);
  serve_req_html (req, 200, serve_view_history (&f, res_array (&res), before, 0));
  serve_result_clear (&res);
}

/* ---- static files and errors ----------------------------------------------------------- */

static void
get_static (ServeReq *req, gpointer data)
{
  g_autofree char *path = g_strconcat ("/static/", serve_req_param (req, "file"), NULL);
  const ServeStatic *s = serve_static_find (path);
  if (s == NULL)
    {
      serve_req_error (req, 404, "no static file %s", path);
      return;
    }
  g_autoptr (GBytes) bytes = g_bytes_new_static (s->body, s->len);
  serve_req_bytes (req, 200, s->content_type, bytes, NULL);
}

static char *
error_page (ServeReq *req, guint status, const char *message, gpointer data)
{
  ServePageFrame f;
  g_autofree char *title = g_strdup_printf ("%u %s", status,
                                            status == 401 ? "\u672a\u767b\u5f55 Not logged in"
                                            : status == 403 ? "\u65e0\u6743\u9650 Forbidden"
                                            : status == 404 ? "\u672a\u627e\u5230 Not found"
                                            : "\u51fa\u9519 Error");
  frame_of (req, title, &f);
  return serve_page_message (&f, status, message);
}

void
serve_pages_register (ServeHttp *h, ServeActions *a)
{
  serve_http_route (h, "GET", "/", get_home, NULL);
  serve_http_route (h, "GET", "/login", get_login, NULL);
  serve_http_route (h, "POST", "/login", post_login, NULL);
  serve_http_route (h, "POST", "/logout", post_logout, NULL);
  serve_http_route (h, "GET", "/channels", get_channels, NULL);
  serve_http_route (h, "POST", "/channels", post_channels, NULL);
  serve_http_route (h, "GET", "/channels/{channel}", get_channel, NULL);
  serve_http_route (h, "POST", "/channels/{channel}/runs", post_run, NULL);
  serve_http_route (h, "GET", "/runs/{run}", get_run, NULL);
  serve_http_route (h, "GET", "/staff", get_staff, NULL);
  serve_http_route (h, "POST", "/staff/channels/{channel}/{action}", post_staff_action, NULL);
  serve_http_route (h, "GET", "/staff/tokens", get_tokens, NULL);
  serve_http_route (h, "POST", "/staff/tokens", post_tokens, NULL);
  serve_http_route (h, "POST", "/staff/tokens/{token}/revoke", post_token_revoke, NULL);
  serve_http_route (h, "GET", "/staff/history", get_history, NULL);
  serve_http_route (h, "GET", "/static/{file}", get_static, NULL);
  serve_http_set_error_page (h, error_page, NULL);
}
