/* SPDX-License-Identifier: MIT */
/*
 * The vendor's pages (see views.h): the landing page, login, the channel
 * list with the application form, a channel, a run; and the pieces the
 * staff's pages (views_staff.c) share (views_private.h).
 */
#include "serve/views.h"

#include "conformance/json.h"
#include "model/std/channel.h"
#include "registry/publish.h"
#include "serve/views_private.h"

#include <string.h>

#define DASH "\u2013"

/* ---- shared pieces --------------------------------------------------------------- */

GString *
serve_view_start (const ServePageFrame *frame)
{
  GString *out = g_string_new (NULL);
  serve_page_begin (out, frame);
  return out;
}

char *
serve_view_finish (GString *out)
{
  serve_page_end (out);
  return g_string_free (out, FALSE);
}

void
serve_view_state (GString *out, const char *id, const char *state)
{
  g_string_append (out, "<span");
  if (id != NULL)
    g_string_append_printf (out, " id=\"%s\"", id);
  g_string_append_printf (out, " class=\"state %s\">", serve_html_verdict_class (state));
  serve_html_escape (out, state != NULL ? state : DASH);
  g_string_append (out, "</span>");
}

void
serve_view_run_link (GString *out, JsonObject *run)
{
  if (run == NULL)
    {
      g_string_append (out, DASH);
      return;
    }
  gint64 id = serve_json_int (run, "id");
  g_string_append_printf (out, "<a href=\"/runs/%" G_GINT64_FORMAT "\">#%" G_GINT64_FORMAT
                          "</a> ", id, id);
  serve_view_state (out, NULL, serve_json_str (run, "state"));
}

void
serve_view_status (GString *out, const char *status)
{
  if (status == NULL)
    {
      g_string_append (out, DASH);
      return;
    }
  g_string_append (out, "<span class=\"status-word\" data-status=\"");
  serve_html_escape (out, status);
  g_string_append (out, "\">");
  serve_html_escape (out, reg_status_zh (status));
  if (strcmp (reg_status_zh (status), status) != 0)
    {
      g_string_append (out, " <span lang=\"en\">");
      serve_html_escape (out, status);
      g_string_append (out, "</span>");
    }
  g_string_append (out, "</span>");
}

void
serve_view_certificate (GString *out, JsonObject *cert, gboolean dates)
{
  if (cert == NULL)
    {
      g_string_append (out, DASH);
      return;
    }
  serve_html_escapef (out, "No. %" G_GINT64_FORMAT ", ", serve_json_int (cert, "serial"));
  void (*when) (GString *, gint64) = dates ? serve_html_date : serve_html_time;
  when (out, serve_json_int (cert, "not_before"));
  g_string_append (out, " " DASH " ");
  when (out, serve_json_int (cert, "not_after"));
  if (serve_json_bool (cert, "revoked"))
    g_string_append (out, " <strong class=\"v-fail\" data-cert=\"revoked\">"
                          "\u5df2\u540a\u9500 revoked</strong>");
  else if (!serve_json_bool (cert, "in_force"))
    g_string_append (out, " <strong class=\"v-not_implemented\" data-cert=\"not-in-force\">"
                          "\u672a\u751f\u6548 not in force</strong>");
}

void
serve_view_class (GString *out, const char *klass)
{
  if (klass == NULL)
    {
      g_string_append (out, DASH);
      return;
    }
  serve_html_escape (out, reg_class_zh (klass));
  if (strcmp (reg_class_zh (klass), klass) != 0)
    {
      g_string_append (out, " (");
      serve_html_escape (out, klass);
      g_string_append_c (out, ')');
    }
}

/* ---- landing page and login ----------------------------------------------------- */

char *
serve_view_home (const ServePageFrame *frame)
{
  GString *out = serve_view_start (frame);
  g_string_append (out, "<p>\u7535\u5b50\u793e\u4f1a\u4fdd\u969c\u5361\u670d\u52a1\u6e20"
                        "\u9053\u7684\u7b26\u5408\u6027\u6d4b\u8bd5\u4e0e\u8ba4\u8bc1\u3002</p>\n"
                        "<p lang=\"en\">Conformance testing and certification of the channels "
                        "that offer the electronic social security card. Vendors log in with "
                        "the token the standards body issued to them, register their channels "
                        "and test their deployed endpoints; the staff certify.</p>\n"
                        "<ul><li><a href=\"/login\">\u767b\u5f55 Log in</a></li>"
                        "<li><a href=\"/public/\">\u516c\u5f00\u76ee\u5f55 The public list of "
                        "certified channels</a></li>"
                        "<li><a href=\"/public/feed.json\">\u7b7e\u540d\u6e90 The signed feed"
                        "</a></li></ul>\n");
  return serve_view_finish (out);
}

char *
serve_view_login (const ServePageFrame *frame, const char *error)
{
  GString *out = serve_view_start (frame);
  if (error != NULL)
    serve_html_message (out, "error", error);
  serve_form_begin (out, "/login", "login", "stacked", frame->csrf);
  serve_form_input (out, "login-token", "token", "password",
                    "\u4ee4\u724c Token (essc_\u2026)", NULL, TRUE);
  serve_form_button (out, "login-submit", NULL, "\u767b\u5f55 Log in");
  serve_form_end (out);
  return serve_view_finish (out);
}

/* ---- the vendor's channels ------------------------------------------------------ */

static void
apply_form (GString *out, const char *csrf, const ServeApplyForm *f)
{
  static const ServeApplyForm empty;
  if (f == NULL)
    f = &empty;
  g_string_append (out, "<h2>\u7533\u8bf7\u65b0\u6e20\u9053 Register a channel</h2>\n");
  serve_form_begin (out, "/channels", "apply", "stacked", csrf);
  serve_form_input (out, "channel-id", "id", "text",
                    "\u6e20\u9053\u7f16\u53f7 Channel id (CH + 6 digits)", f->id, TRUE);
  serve_form_input (out, "channel-name", "name", "text", "\u540d\u79f0 Name", f->name, TRUE);
  const char *values[MODEL_CHANNEL_N_CLASSES];
  char *labels[MODEL_CHANNEL_N_CLASSES];
  for (int k = 0; k < MODEL_CHANNEL_N_CLASSES; k++)
    {
      values[k] = model_channel_class_name ((ModelChannelClass) k);
      labels[k] = g_strdup_printf ("%s (%s)", reg_class_zh (values[k]), values[k]);
    }
  serve_form_select (out, "channel-class", "class", "\u7c7b\u522b Class", values,
                     (const char *const *) labels, MODEL_CHANNEL_N_CLASSES, f->klass);
  for (int k = 0; k < MODEL_CHANNEL_N_CLASSES; k++)
    g_free (labels[k]);
  static const char *const tiers[] = { "1", "2" };
  static const char *const tier_labels[] = { "1 \u4e00\u7ea7 tier 1",
                                             "2 \u4e8c\u7ea7 tier 2 (under a parent)" };
  serve_form_select (out, "channel-tier", "tier", "\u5c42\u7ea7 Tier", tiers, tier_labels, 2,
                     f->tier);
  static const char *const payments[] = { "yes", "no" };
  static const char *const payment_labels[] = {
    "\u63d0\u4f9b yes: the channel offers payment (level 2); the payment tests run",
    "\u4e0d\u63d0\u4f9b no: no payment; the payment tests are skipped",
  };
  serve_form_select (out, "channel-payment", "payment",
                     "\u652f\u4ed8 Payment (the profile the suite tests)", payments,
                     payment_labels, 2, f->payment);
  serve_form_input (out, "channel-parent", "parent_id", "text",
                    "\u4e0a\u7ea7\u6e20\u9053 Parent (tier 2 only)", f->parent_id, FALSE);
  serve_form_textarea (out, "channel-public-key", "public_key",
                       "\u516c\u94a5 Public key (the .pub file of essc keygen)", f->public_key,
                       4, TRUE);
  serve_form_input (out, "channel-endpoint", "endpoint", "url",
                    "\u6d4b\u8bd5\u5730\u5740 Test endpoint (http:// or https:// URL)",
                    f->endpoint, TRUE);
  serve_form_button (out, "channel-submit", NULL, "\u63d0\u4ea4\u7533\u8bf7 Apply");
  serve_form_end (out);
}

char *
serve_view_channels (const ServePageFrame *frame, JsonArray *channels,
                     const ServeApplyForm *form, const char *error)
{
  GString *out = serve_view_start (frame);
  if (error != NULL)
    serve_html_message (out, "error", error);
  guint n = channels != NULL ? json_array_get_length (channels) : 0;
  if (n == 0)
    g_string_append (out, "<p id=\"no-channels\">\u8fd8\u6ca1\u6709\u6e20\u9053\u3002 "
                          "No channels yet: register one below.</p>\n");
  else
    {
      serve_table_begin (out, "channels", NULL, "id", "\u7f16\u53f7 Id", "name",
                         "\u540d\u79f0 Name", "class", "\u7c7b\u522b Class", "#tier",
                         "\u5c42\u7ea7 Tier", "status", "\u72b6\u6001 Status", "run",
                         "\u6700\u8fd1\u6d4b\u8bd5 Latest run", "certificate",
                         "\u8bc1\u4e66 Certificate", NULL);
      for (guint i = 0; i < n; i++)
        {
          JsonObject *c = serve_json_elem (channels, i);
          const char *id = serve_json_str (c, "id");
          if (id == NULL)
            continue;
          g_autofree char *href = g_strdup_printf ("/channels/%s", id);
          serve_table_row (out, id);
          serve_table_link (out, "id", href, id);
          serve_table_cell (out, "name", serve_json_str (c, "name"));
          serve_table_cell_begin (out, "class", NULL);
          serve_view_class (out, serve_json_str (c, "class"));
          serve_table_cell_end (out);
          serve_table_num (out, "tier", serve_json_int (c, "tier"));
          serve_table_cell_begin (out, "status", NULL);
          serve_view_status (out, serve_json_str (c, "status"));
          serve_table_cell_end (out);
          serve_table_cell_begin (out, "run", NULL);
          serve_view_run_link (out, serve_json_obj (c, "latest_run"));
          serve_table_cell_end (out);
          serve_table_cell_begin (out, "certificate", NULL);
          serve_view_certificate (out, serve_json_obj (c, "certificate"), TRUE);
          serve_table_cell_end (out);
          serve_table_row_end (out);
        }
      serve_table_end (out);
    }
  apply_form (out, frame->csrf, form);
  return serve_view_finish (out);
}

/* ---- a channel -------------------------------------------------------------------- */

/* <dt>TERM</dt><dd [id]>: the caller appends the value, then </dd>. */
static void
fact_begin (GString *out, const char *id, const char *term)
{
  g_string_append (out, "<dt>");
  serve_html_escape (out, term);
  g_string_append (out, "</dt><dd");
  if (id != NULL)
    g_string_append_printf (out, " id=\"%s\"", id);
  g_string_append_c (out, '>');
}

static void
fact (GString *out, const char *id, const char *term, const char *value)
{
  fact_begin (out, id, term);
  serve_html_escape (out, value != NULL && value[0] != '\0' ? value : DASH);
  g_string_append (out, "</dd>\n");
}

static void
fact_time (GString *out, const char *id, const char *term, gint64 t)
{
  fact_begin (out, id, term);
  serve_html_time (out, t);
  g_string_append (out, "</dd>\n");
}

static void
time_cell (GString *out, const char *col, gint64 t)
{
  serve_table_cell_begin (out, col, NULL);
  serve_html_time (out, t);
  serve_table_cell_end (out);
}

static void
runs_table (GString *out, JsonArray *runs)
{
  guint n = runs != NULL ? json_array_get_length (runs) : 0;
  if (n == 0)
    {
      g_string_append (out, "<p id=\"no-runs\">\u5c1a\u65e0\u6d4b\u8bd5 No runs yet.</p>\n");
      return;
    }
  serve_table_begin (out, "runs", NULL, "run", "\u6d4b\u8bd5 Run", "created",
                     "\u521b\u5efa Created", "finished", "\u5b8c\u6210 Finished", "#done",
                     "\u8fdb\u5ea6 Done", "#passed", "\u901a\u8fc7 Passed", "#failed",
                     "\u5931\u8d25 Failed", "report", "\u62a5\u544a Report", NULL);
  for (guint i = 0; i < n; i++)
    {
      JsonObject *r = serve_json_elem (runs, i);
      if (r == NULL)
        continue;
      gint64 id = serve_json_int (r, "id");
      g_autofree char *key = g_strdup_printf ("%" G_GINT64_FORMAT, id);
      serve_table_row (out, key);
      serve_table_cell_begin (out, "run", NULL);
      serve_view_run_link (out, r);
      serve_table_cell_end (out);
      time_cell (out, "created", serve_json_int (r, "created_at"));
      time_cell (out, "finished", serve_json_int (r, "finished_at"));
      serve_table_cell_begin (out, "done", "num");
      g_string_append_printf (out, "%" G_GINT64_FORMAT " / %" G_GINT64_FORMAT,
                              serve_json_int (r, "done"), serve_json_int (r, "total"));
      serve_table_cell_end (out);
      serve_table_num (out, "passed", serve_json_int (r, "passed"));
      serve_table_num (out, "failed", serve_json_int (r, "failed"));
      serve_table_cell_begin (out, "report", NULL);
      if (serve_json_int (r, "report_id") != 0)
        g_string_append_printf (out, "<a href=\"/runs/%" G_GINT64_FORMAT "/report\">"
                                "report.json</a>", id);
      else
        g_string_append (out, DASH);
      serve_table_cell_end (out);
      serve_table_row_end (out);
    }
  serve_table_end (out);
}

char *
serve_view_channel (const ServePageFrame *frame, JsonObject *c, JsonArray *runs,
                    const char *idem, const char *error)
{
  GString *out = serve_view_start (frame);
  if (error != NULL)
    serve_html_message (out, "error", error);
  const char *id = serve_json_str (c, "id");
  const char *status = serve_json_str (c, "status");
  g_string_append (out, "<dl class=\"facts\" id=\"channel\">\n");
  fact (out, "channel-id-value", "\u7f16\u53f7 Id", id);
  fact (out, "channel-name-value", "\u540d\u79f0 Name", serve_json_str (c, "name"));
  fact_begin (out, NULL, "\u7c7b\u522b Class");
  serve_view_class (out, serve_json_str (c, "class"));
  g_string_append (out, "</dd>\n");
  g_autofree char *tier = g_strdup_printf ("%" G_GINT64_FORMAT, serve_json_int (c, "tier"));
  fact (out, NULL, "\u5c42\u7ea7 Tier", tier);
  fact (out, NULL, "\u4e0a\u7ea7\u6e20\u9053 Parent", serve_json_str (c, "parent_id"));
  fact_begin (out, "channel-status", "\u72b6\u6001 Status");
  serve_view_status (out, status);
  g_string_append (out, " (\u81ea since ");
  serve_html_time (out, serve_json_int (c, "status_changed_at"));
  g_string_append (out, ")");
  if (serve_json_bool (c, "rectification_pending"))
    g_string_append (out, " <strong class=\"v-not_implemented\">\u5f85\u6574\u6539 "
                          "rectification ordered: a new conformant run is needed</strong>");
  g_string_append (out, "</dd>\n");
  fact (out, NULL, "\u6240\u5c5e Vendor", serve_json_str (c, "vendor"));
  fact (out, "channel-endpoint-value", "\u6d4b\u8bd5\u5730\u5740 Endpoint",
        serve_json_str (c, "endpoint"));
  fact (out, NULL, "\u89d2\u8272 Role", serve_json_str (c, "role"));
  JsonObject *profile = serve_json_obj (c, "profile");
  if (profile != NULL)
    {
      /* what the suite tests: the profile's claims */
      g_autofree char *claims = g_strdup_printf (
        "tier %" G_GINT64_FORMAT ", class %s, payment %s", serve_json_int (profile, "tier"),
        serve_json_str (profile, "class") ? serve_json_str (profile, "class") : "none",
        serve_json_bool (profile, "payment") ? "yes" : "no");
      fact (out, "channel-profile", "\u6d4b\u8bd5\u6863\u6848 Profile tested", claims);
    }
  fact_time (out, NULL, "\u7533\u8bf7\u65f6\u95f4 Applied", serve_json_int (c, "applied_at"));
  fact_begin (out, "channel-certificate", "\u8bc1\u4e66 Certificate");
  serve_view_certificate (out, serve_json_obj (c, "certificate"), FALSE);
  g_string_append (out, "</dd>\n</dl>\n");

  g_string_append (out, "<h2>\u6d4b\u8bd5 Runs</h2>\n");
  if (id != NULL && (status == NULL || strcmp (status, "terminated") != 0))
    {
      g_autofree char *action = g_strdup_printf ("/channels/%s/runs", id);
      serve_form_begin (out, action, "run-form", NULL, frame->csrf);
      if (idem != NULL)
        {
          g_string_append (out, "<input type=\"hidden\" name=\"idem\" value=\"");
          serve_html_escape (out, idem);
          g_string_append (out, "\">\n");
        }
      serve_form_button (out, "run-start", NULL,
                         "\u5f00\u59cb\u6d4b\u8bd5 Start a run against the endpoint");
      serve_form_end (out);
    }
  runs_table (out, runs);
  return serve_view_finish (out);
}

/* ---- a run ---------------------------------------------------------------------------- */

/* A test's diagnostic pretty-printed, an object without its null members
 * (the results file names every member, most of them null). */
static void
json_pre (GString *out, JsonNode *node)
{
  g_autoptr (JsonNode) shown = json_node_copy (node);
  if (JSON_NODE_HOLDS_OBJECT (shown))
    {
      JsonObject *o = json_node_get_object (shown);
      g_autoptr (GList) members = json_object_get_members (o);
      for (GList *m = members; m != NULL; m = m->next)
        if (JSON_NODE_HOLDS_NULL (json_object_get_member (o, m->data)))
          json_object_remove_member (o, m->data);
    }
  g_autofree char *pretty = conf_json_to_pretty (shown);
  g_string_append (out, "<pre>");
  serve_html_escape (out, pretty);
  g_string_append (out, "</pre>");
}

/* The transcript (an array of the test's lines), one line each: a
 * transcript record (docs/ADAPTER.md section 7: "dir", "t_ms", "line") as
 * "DIR  T ms  LINE", a string as it is, anything else as compact JSON. */
static void
transcript_pre (GString *out, JsonArray *a)
{
  g_string_append (out, "<pre>");
  for (guint i = 0; i < json_array_get_length (a); i++)
    {
      JsonNode *n = json_array_get_element (a, i);
      JsonObject *o = JSON_NODE_HOLDS_OBJECT (n) ? json_node_get_object (n) : NULL;
      const char *dir = serve_json_str (o, "dir"), *line = serve_json_str (o, "line");
      if (dir != NULL && line != NULL)
        {
          JsonNode *t = json_object_get_member (o, "t_ms");
          if (t != NULL && JSON_NODE_HOLDS_VALUE (t)
              && (json_node_get_value_type (t) == G_TYPE_DOUBLE
                  || json_node_get_value_type (t) == G_TYPE_INT64))
            {
              char ms[G_ASCII_DTOSTR_BUF_SIZE];
              g_ascii_formatd (ms, sizeof ms, "%.1f", json_node_get_double (t));
              serve_html_escapef (out, "%-5s %9s ms  ", dir, ms);
            }
          else
            serve_html_escapef (out, "%-5s  ", dir);
          serve_html_escape (out, line);
        }
      else if (JSON_NODE_HOLDS_VALUE (n) && json_node_get_value_type (n) == G_TYPE_STRING)
        serve_html_escape (out, json_node_get_string (n));
      else
        {
          g_autofree char *text = conf_json_to_line (n);
          serve_html_escape (out, text);
        }
      g_string_append_c (out, '\n');
    }
  g_string_append (out, "</pre>");
}

static void
results_table (GString *out, JsonArray *tests)
{
  serve_table_begin (out, "results", NULL, "#idx", "#", "test", "\u6d4b\u8bd5\u9879 Test",
                     "verdict", "\u7ed3\u679c Verdict", "requirement",
                     "\u8981\u6c42 Requirement", "details", "\u8be6\u60c5 Details", NULL);
  guint n = tests != NULL ? json_array_get_length (tests) : 0;
  for (guint i = 0; i < n; i++)
    {
      JsonObject *t = serve_json_elem (tests, i);
      const char *test = serve_json_str (t, "test");
      const char *verdict = serve_json_str (t, "verdict");
      if (test == NULL)
        continue;
      g_string_append (out, "<tr data-key=\"");
      serve_html_escape (out, test);
      g_string_append (out, "\" data-test=\"");
      serve_html_escape (out, test);
      g_string_append (out, "\" data-verdict=\"");
      serve_html_escape (out, verdict);
      g_string_append (out, "\">");
      serve_table_num (out, "idx", serve_json_int (t, "idx"));
      serve_table_cell (out, "test", test);
      g_autofree char *klass = g_strdup_printf ("verdict %s", serve_html_verdict_class (verdict));
      serve_table_cell_begin (out, "verdict", klass);
      serve_html_escape (out, verdict);
      serve_table_cell_end (out);
      serve_table_cell (out, "requirement", serve_json_str (t, "requirement"));
      serve_table_cell_begin (out, "details", NULL);
      JsonNode *diag = json_object_get_member (t, "diagnostic");
      if (diag != NULL && !JSON_NODE_HOLDS_NULL (diag)
          && !(JSON_NODE_HOLDS_OBJECT (diag) && json_object_get_size (json_node_get_object (diag)) == 0))
        {
          g_string_append (out, "<details class=\"diagnostic\"><summary>"
                                "\u8bca\u65ad Diagnostic</summary>");
          json_pre (out, diag);
          g_string_append (out, "</details>");
        }
      JsonArray *transcript = serve_json_arr (t, "transcript");
      if (transcript != NULL && json_array_get_length (transcript) > 0)
        {
          g_string_append_printf (out, "<details class=\"transcript\"><summary>"
                                  "\u62a5\u6587 Transcript (%u)</summary>",
                                  json_array_get_length (transcript));
          transcript_pre (out, transcript);
          g_string_append (out, "</details>");
        }
      serve_table_cell_end (out);
      serve_table_row_end (out);
    }
  serve_table_end (out);
}

char *
serve_view_run (const ServePageFrame *frame, JsonObject *r, JsonArray *tests)
{
  gboolean finished = serve_json_bool (r, "finished");
  gint64 id = serve_json_int (r, "id");
  gint64 done = serve_json_int (r, "done"), total = serve_json_int (r, "total");
  const char *channel = serve_json_str (r, "channel");
  ServePageFrame f = *frame;
  f.refresh = !finished;
  f.live = !finished;
  GString *out = serve_view_start (&f);
  g_string_append_printf (out, "<section id=\"run\" data-run=\"%" G_GINT64_FORMAT "\" "
                          "data-events=\"/runs/%" G_GINT64_FORMAT "/events\" "
                          "data-finished=\"%d\">\n<dl class=\"facts\">\n",
                          id, id, finished ? 1 : 0);
  fact_begin (out, "run-channel", "\u6e20\u9053 Channel");
  if (channel != NULL)
    {
      g_string_append (out, "<a href=\"/channels/");
      serve_html_escape (out, channel);
      g_string_append (out, "\">");
      serve_html_escape (out, channel);
      g_string_append (out, "</a>");
    }
  g_string_append (out, "</dd>\n");
  fact_begin (out, NULL, "\u72b6\u6001 State");
  serve_view_state (out, "run-state", serve_json_str (r, "state"));
  g_string_append (out, "</dd>\n");
  fact_begin (out, NULL, "\u8fdb\u5ea6 Progress");
  g_string_append_printf (out, "<progress id=\"run-bar\" max=\"%" G_GINT64_FORMAT "\" "
                          "value=\"%" G_GINT64_FORMAT "\"></progress> <span "
                          "id=\"run-progress\">%" G_GINT64_FORMAT " / %" G_GINT64_FORMAT
                          "</span></dd>\n", total > 0 ? total : 1, done, done, total);
  if (finished)
    {
      fact_begin (out, "run-counts", "\u7edf\u8ba1 Counts");
      g_string_append_printf (out, "%" G_GINT64_FORMAT " passed, %" G_GINT64_FORMAT
                              " failed, %" G_GINT64_FORMAT " skipped</dd>\n",
                              serve_json_int (r, "passed"), serve_json_int (r, "failed"),
                              serve_json_int (r, "skipped"));
    }
  fact_time (out, NULL, "\u521b\u5efa Created", serve_json_int (r, "created_at"));
  fact_time (out, NULL, "\u5f00\u59cb Started", serve_json_int (r, "started_at"));
  fact_time (out, NULL, "\u5b8c\u6210 Finished", serve_json_int (r, "finished_at"));
  const char *message = serve_json_str (r, "message");
  if (message != NULL && message[0] != '\0')
    {
      fact_begin (out, "run-message", "\u4fe1\u606f Message");
      g_string_append (out, "<pre>");
      serve_html_escape (out, message);
      g_string_append (out, "</pre></dd>\n");
    }
  if (serve_json_int (r, "report_id") != 0)
    {
      fact_begin (out, "run-report", "\u62a5\u544a Signed report");
      g_string_append_printf (out, "<a id=\"run-report-json\" href=\"/runs/%" G_GINT64_FORMAT
                              "/report\" download>report.json</a> \u00b7 "
                              "<a id=\"run-report-sig\" href=\"/runs/%" G_GINT64_FORMAT
                              "/report.sig\" download>report.json.sig</a></dd>\n", id, id);
    }
  g_string_append (out, "</dl>\n</section>\n<h2>\u7ed3\u679c Results</h2>\n");
  results_table (out, tests);
  return serve_view_finish (out);
}
