/* SPDX-License-Identifier: MIT */
/*
 * The staff's pages (see views.h): the overview of every channel with its
 * action forms, the tokens, the registry's history.
 *
 * Each channel's actions are one form with one reason field (#reason-ID)
 * and a button per action whose formaction names the action's route; its
 * first button is a hidden, disabled one, so pressing Enter in the reason
 * field submits nothing (HTML's implicit submission uses the first button
 * and does nothing when that one is disabled): a staff action is always a
 * click on the button that names it.
 */
#include "serve/views.h"

#include "conformance/json.h"
#include "registry/publish.h"
#include "serve/views_private.h"

#include <string.h>

/* The six actions: route word, button label. */
static const char *const actions[][2] = {
  { "certify", "\u8ba4\u8bc1 Certify" },
  { "rectify", "\u6574\u6539 Rectify" },
  { "suspend", "\u6682\u505c Suspend" },
  { "reinstate", "\u6062\u590d Reinstate" },
  { "terminate", "\u7ec8\u6b62 Terminate" },
  { "revoke", "\u540a\u9500\u8bc1\u4e66 Revoke" },
};

/* ---- the overview ------------------------------------------------------------------ */

static void
action_forms (GString *out, const char *id, const char *csrf)
{
  g_autofree char *form_id = g_strdup_printf ("staff-%s", id);
  g_autofree char *reason_id = g_strdup_printf ("reason-%s", id);
  /* The form's own action is never used (see the top of the file). */
  g_autofree char *first = g_strdup_printf ("/staff/channels/%s/%s", id, actions[0][0]);
  serve_form_begin (out, first, form_id, "action", csrf);
  g_string_append (out, "<button type=\"submit\" disabled hidden aria-hidden=\"true\">"
                        "</button>\n<label class=\"sr\" for=\"");
  serve_html_escape (out, reason_id);
  g_string_append (out, "\">\u7406\u7531 Reason</label><input type=\"text\" name=\"reason\" "
                        "id=\"");
  serve_html_escape (out, reason_id);
  g_string_append (out, "\" placeholder=\"\u7406\u7531 reason\" maxlength=\"512\">\n");
  for (gsize i = 0; i < G_N_ELEMENTS (actions); i++)
    {
      g_autofree char *bid = g_strdup_printf ("staff-%s-%s", actions[i][0], id);
      g_autofree char *href = g_strdup_printf ("/staff/channels/%s/%s", id, actions[i][0]);
      gboolean danger = strcmp (actions[i][0], "terminate") == 0
                        || strcmp (actions[i][0], "revoke") == 0;
      g_string_append (out, "<button type=\"submit\" id=\"");
      serve_html_escape (out, bid);
      g_string_append (out, "\" formaction=\"");
      serve_html_escape (out, href);
      g_string_append_printf (out, "\" data-action=\"%s\"%s>", actions[i][0],
                              danger ? " class=\"danger\"" : "");
      serve_html_escape (out, actions[i][1]);
      g_string_append (out, "</button>\n");
    }
  serve_form_end (out);
}

char *
serve_view_staff (const ServePageFrame *frame, JsonArray *channels, const char *notice,
                  const char *error)
{
  GString *out = serve_view_start (frame);
  if (error != NULL)
    serve_html_message (out, "error", error);
  if (notice != NULL)
    serve_html_message (out, "notice", notice);
  guint n = channels != NULL ? json_array_get_length (channels) : 0;
  if (n == 0)
    {
      g_string_append (out, "<p id=\"no-channels\">\u5c1a\u65e0\u7533\u8bf7 "
                            "No applications yet.</p>\n");
      return serve_view_finish (out);
    }
  serve_table_begin (out, "channels", NULL, "id", "\u7f16\u53f7 Id", "name",
                     "\u540d\u79f0 Name", "class", "\u7c7b\u522b Class", "#tier",
                     "\u5c42\u7ea7 Tier", "status", "\u72b6\u6001 Status", "vendor",
                     "\u6240\u5c5e Vendor", "run", "\u6700\u8fd1\u6d4b\u8bd5 Latest run",
                     "certificate", "\u8bc1\u4e66 Certificate", "actions",
                     "\u64cd\u4f5c Actions", NULL);
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
      serve_table_cell (out, "class", reg_class_zh (serve_json_str (c, "class") != NULL
                                                    ? serve_json_str (c, "class") : ""));
      serve_table_num (out, "tier", serve_json_int (c, "tier"));
      serve_table_cell_begin (out, "status", NULL);
      serve_view_status (out, serve_json_str (c, "status"));
      serve_table_cell_end (out);
      const char *vendor = serve_json_str (c, "vendor");
      serve_table_cell (out, "vendor", vendor != NULL && vendor[0] != '\0' ? vendor : "\u2013");
      serve_table_cell_begin (out, "run", NULL);
      serve_view_run_link (out, serve_json_obj (c, "latest_run"));
      serve_table_cell_end (out);
      serve_table_cell_begin (out, "certificate", NULL);
      serve_view_certificate (out, serve_json_obj (c, "certificate"), TRUE);
      serve_table_cell_end (out);
      serve_table_cell_begin (out, "actions", NULL);
      action_forms (out, id, frame->csrf);
      serve_table_cell_end (out);
      serve_table_row_end (out);
    }
  serve_table_end (out);
  return serve_view_finish (out);
}

/* ---- tokens ------------------------------------------------------------------------- */

char *
serve_view_tokens (const ServePageFrame *frame, JsonArray *tokens, const char *new_token,
                   const char *form_vendor, const char *form_label, const char *error)
{
  GString *out = serve_view_start (frame);
  if (error != NULL)
    serve_html_message (out, "error", error);
  if (new_token != NULL)
    {
      g_string_append (out, "<section class=\"notice\" id=\"new-token-box\"><p>"
                            "\u65b0\u4ee4\u724c\u53ea\u663e\u793a\u8fd9\u4e00\u6b21\u3002 "
                            "The new token is shown this once: give it to the vendor now; "
                            "only its hash is kept.</p>\n<p class=\"token\" id=\"new-token\">");
      serve_html_escape (out, new_token);
      g_string_append (out, "</p></section>\n");
    }
  g_string_append (out, "<h2>\u53d1\u653e\u4ee4\u724c Issue a vendor token</h2>\n");
  serve_form_begin (out, "/staff/tokens", "token-form", "stacked", frame->csrf);
  serve_form_input (out, "token-vendor", "vendor", "text",
                    "\u5382\u5546 Vendor id ([a-z0-9][a-z0-9._-]{0,31})", form_vendor, TRUE);
  serve_form_input (out, "token-label", "label", "text", "\u5907\u6ce8 Label", form_label,
                    FALSE);
  serve_form_button (out, "token-submit", NULL, "\u53d1\u653e Issue");
  serve_form_end (out);

  g_string_append (out, "<h2>\u4ee4\u724c Tokens</h2>\n");
  guint n = tokens != NULL ? json_array_get_length (tokens) : 0;
  if (n == 0)
    {
      g_string_append (out, "<p id=\"no-tokens\">\u5c1a\u65e0\u4ee4\u724c No tokens.</p>\n");
      return serve_view_finish (out);
    }
  serve_table_begin (out, "tokens", NULL, "id", "\u7f16\u53f7 Id", "role",
                     "\u89d2\u8272 Role", "subject", "\u5bf9\u8c61 Subject", "label",
                     "\u5907\u6ce8 Label", "issued", "\u53d1\u653e Issued", "issued_by",
                     "\u53d1\u653e\u4eba By", "revoked", "\u540a\u9500 Revoked", NULL);
  for (guint i = 0; i < n; i++)
    {
      JsonObject *t = serve_json_elem (tokens, i);
      const char *id = serve_json_str (t, "id");
      if (id == NULL)
        continue;
      serve_table_row (out, id);
      serve_table_cell (out, "id", id);
      serve_table_cell (out, "role", serve_json_str (t, "role"));
      serve_table_cell (out, "subject", serve_json_str (t, "subject"));
      serve_table_cell (out, "label", serve_json_str (t, "label"));
      serve_table_cell_begin (out, "issued", NULL);
      serve_html_time (out, serve_json_int (t, "issued_at"));
      serve_table_cell_end (out);
      serve_table_cell (out, "issued_by", serve_json_str (t, "issued_by"));
      serve_table_cell_begin (out, "revoked", NULL);
      if (serve_json_int (t, "revoked_at") != 0)
        {
          serve_html_time (out, serve_json_int (t, "revoked_at"));
          g_string_append (out, ": ");
          serve_html_escape (out, serve_json_str (t, "revoke_reason"));
        }
      else
        {
          g_autofree char *action = g_strdup_printf ("/staff/tokens/%s/revoke", id);
          g_autofree char *fid = g_strdup_printf ("token-revoke-form-%s", id);
          g_autofree char *rid = g_strdup_printf ("token-reason-%s", id);
          g_autofree char *bid = g_strdup_printf ("token-revoke-%s", id);
          serve_form_begin (out, action, fid, "action", frame->csrf);
          g_string_append (out, "<input type=\"text\" name=\"reason\" required "
                                "maxlength=\"512\" placeholder=\"\u7406\u7531 reason\" "
                                "aria-label=\"reason\" id=\"");
          serve_html_escape (out, rid);
          g_string_append (out, "\">");
          serve_form_button (out, bid, "danger", "\u540a\u9500 Revoke");
          serve_form_end (out);
        }
      serve_table_cell_end (out);
      serve_table_row_end (out);
    }
  serve_table_end (out);
  return serve_view_finish (out);
}

/* ---- history -------------------------------------------------------------------------- */

#define SUMMARY_VALUE_MAX 40   /* characters of one member's value */
#define SUMMARY_MAX 300        /* characters of the whole line */

static void
summary_value (GString *line, JsonNode *n)
{
  if (JSON_NODE_HOLDS_OBJECT (n))
    {
      g_string_append (line, "{\u2026}");
      return;
    }
  if (JSON_NODE_HOLDS_ARRAY (n))
    {
      g_string_append_printf (line, "[%u]", json_array_get_length (json_node_get_array (n)));
      return;
    }
  if (JSON_NODE_HOLDS_NULL (n))
    {
      g_string_append (line, "null");
      return;
    }
  GType t = json_node_get_value_type (n);
  if (t == G_TYPE_STRING)
    {
      const char *s = json_node_get_string (n);
      if (g_utf8_strlen (s, -1) > SUMMARY_VALUE_MAX)
        {
          g_autofree char *cut = g_utf8_substring (s, 0, 16);
          g_string_append_printf (line, "%s\u2026", cut);
        }
      else
        g_string_append (line, s);
    }
  else if (t == G_TYPE_INT64)
    g_string_append_printf (line, "%" G_GINT64_FORMAT, json_node_get_int (n));
  else if (t == G_TYPE_BOOLEAN)
    g_string_append (line, json_node_get_boolean (n) ? "true" : "false");
  else if (t == G_TYPE_DOUBLE)
    {
      char buf[G_ASCII_DTOSTR_BUF_SIZE];
      g_string_append (line, g_ascii_dtostr (buf, sizeof buf, json_node_get_double (n)));
    }
}

char *
serve_view_payload_summary (JsonNode *payload)
{
  GString *line = g_string_new (NULL);
  if (payload == NULL)
    ;
  else if (!JSON_NODE_HOLDS_OBJECT (payload))
    {
      g_autofree char *text = conf_json_to_line (payload);
      g_string_append (line, text);
    }
  else
    {
      JsonObject *o = json_node_get_object (payload);
      g_autoptr (GList) members = json_object_get_members (o);
      for (GList *m = members; m != NULL; m = m->next)
        {
          if (line->len > 0)
            g_string_append_c (line, ' ');
          g_string_append_printf (line, "%s=", (const char *) m->data);
          summary_value (line, json_object_get_member (o, m->data));
        }
    }
  if (g_utf8_strlen (line->str, -1) > SUMMARY_MAX)
    {
      g_autofree char *cut = g_utf8_substring (line->str, 0, SUMMARY_MAX);
      g_string_assign (line, cut);
      g_string_append (line, "\u2026");
    }
  return g_string_free (line, FALSE);
}

char *
serve_view_history (const ServePageFrame *frame, JsonArray *entries, guint64 before,
                    guint limit)
{
  GString *out = serve_view_start (frame);
  guint64 n = entries != NULL ? json_array_get_length (entries) : 0;
  guint64 end = MIN (before, n);
  if (limit == 0)
    limit = 200;
  guint64 first = end > limit ? end - limit : 0;
  g_string_append_printf (out, "<p id=\"history-range\">%" G_GUINT64_FORMAT
                          " \u6761\u8bb0\u5f55 entries; shown: ", n);
  if (end > first)
    g_string_append_printf (out, "%" G_GUINT64_FORMAT "\u2013%" G_GUINT64_FORMAT,
                            end - 1, first);
  else
    g_string_append (out, "none");
  g_string_append (out, "</p>\n");
  serve_table_begin (out, "history", NULL, "#seq", "\u5e8f\u53f7 Seq", "time",
                     "\u65f6\u95f4 Time", "actor", "\u64cd\u4f5c\u4eba Actor", "action",
                     "\u52a8\u4f5c Action", "payload", "\u5185\u5bb9 Payload", NULL);
  for (guint64 i = end; i > first; i--)
    {
      JsonObject *e = serve_json_elem (entries, (guint) (i - 1));
      if (e == NULL)
        continue;
      gint64 seq = serve_json_int (e, "seq");
      g_autofree char *key = g_strdup_printf ("%" G_GINT64_FORMAT, seq);
      serve_table_row (out, key);
      serve_table_num (out, "seq", seq);
      serve_table_cell_begin (out, "time", NULL);
      serve_html_time (out, serve_json_int (e, "time"));
      serve_table_cell_end (out);
      serve_table_cell (out, "actor", serve_json_str (e, "actor"));
      serve_table_cell (out, "action", serve_json_str (e, "action"));
      g_autofree char *summary = serve_view_payload_summary (json_object_get_member (e, "payload"));
      serve_table_cell (out, "payload", summary);
      serve_table_row_end (out);
    }
  serve_table_end (out);
  if (first > 0)
    g_string_append_printf (out, "<p><a id=\"history-older\" href=\"/staff/history?before=%"
                            G_GUINT64_FORMAT "\">\u66f4\u65e9 Older entries</a></p>\n", first);
  return serve_view_finish (out);
}
