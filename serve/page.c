/* SPDX-License-Identifier: MIT */
/*
 * The service's HTML building blocks (see page.h): the frame, escaped
 * text, forms with the csrf field, tables.
 */
#include "serve/page.h"

#include <stdarg.h>
#include <string.h>

/* ---- text ----------------------------------------------------------------- */

static void
escape_valid (GString *out, const char *text)
{
  for (const char *c = text; *c; c++)
    switch (*c)
      {
      case '&': g_string_append (out, "&amp;"); break;
      case '<': g_string_append (out, "&lt;"); break;
      case '>': g_string_append (out, "&gt;"); break;
      case '"': g_string_append (out, "&quot;"); break;
      case '\'': g_string_append (out, "&#39;"); break;
      default: g_string_append_c (out, *c);
      }
}

void
serve_html_escape (GString *out, const char *text)
{
  if (text == NULL)
    return;
  if (g_utf8_validate (text, -1, NULL))
    {
      escape_valid (out, text);
      return;
    }
  g_autofree char *valid = g_utf8_make_valid (text, -1);
  escape_valid (out, valid);
}

void
serve_html_escapef (GString *out, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  g_autofree char *text = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  serve_html_escape (out, text);
}

static void
format_time (GString *out, gint64 t, const char *format)
{
  if (t == 0)
    {
      g_string_append (out, "\u2013");
      return;
    }
  g_autoptr (GDateTime) dt = g_date_time_new_from_unix_utc (t);
  if (dt == NULL)
    {
      g_string_append_printf (out, "%" G_GINT64_FORMAT, t);
      return;
    }
  g_autofree char *text = g_date_time_format (dt, format);
  serve_html_escape (out, text);
}

void
serve_html_time (GString *out, gint64 t)
{
  format_time (out, t, "%Y-%m-%d %H:%M:%S UTC");
}

void
serve_html_date (GString *out, gint64 t)
{
  format_time (out, t, "%Y-%m-%d");
}

void
serve_html_message (GString *out, const char *kind, const char *text)
{
  gboolean error = strcmp (kind, "error") == 0;
  g_string_append_printf (out, "<p class=\"%s\"%s>", error ? "error" : "notice",
                          error ? " role=\"alert\"" : "");
  serve_html_escape (out, text);
  g_string_append (out, "</p>\n");
}

/* ---- the frame -------------------------------------------------------------- */

void
serve_page_begin (GString *out, const ServePageFrame *f)
{
  g_string_append (out, "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n"
                        "<meta charset=\"utf-8\">\n"
                        "<meta name=\"viewport\" content=\"width=device-width, "
                        "initial-scale=1\">\n");
  /* Inside noscript: where scripts run, live.js follows the run instead
   * and the page is not reloaded every two seconds. */
  if (f->refresh)
    g_string_append (out, "<noscript><meta http-equiv=\"refresh\" content=\"2\"></noscript>\n");
  g_string_append (out, "<title>");
  serve_html_escape (out, f->title);
  g_string_append (out, " \u00b7 essc \u8ba4\u8bc1\u670d\u52a1</title>\n"
                        "<link rel=\"stylesheet\" href=\"/static/style.css\">\n");
  if (f->live)
    g_string_append (out, "<script src=\"/static/live.js\" defer></script>\n");
  g_string_append (out, "</head>\n<body>\n<header class=\"site\">\n"
                        "<p class=\"brand\"><a href=\"/\">essc \u8ba4\u8bc1\u670d\u52a1 "
                        "<span lang=\"en\">Certification service</span></a></p>\n");
  if (f->who != NULL)
    {
      g_string_append (out, "<div class=\"who\"><span id=\"who\">");
      serve_html_escape (out, f->who);
      g_string_append (out, "</span>");
      serve_form_begin (out, "/logout", "logout", "inline", f->csrf);
      serve_form_button (out, "logout-submit", "link",
                         "\u9000\u51fa Log out");
      serve_form_end (out);
      g_string_append (out, "</div>\n");
    }
  g_string_append (out, "<nav>");
  if (f->who == NULL)
    g_string_append (out, "<a href=\"/login\">\u767b\u5f55 Log in</a>");
  else if (f->staff)
    g_string_append (out, "<a href=\"/staff\">\u6e20\u9053 Channels</a>"
                          "<a href=\"/staff/tokens\">\u4ee4\u724c Tokens</a>"
                          "<a href=\"/staff/history\">\u5386\u53f2 History</a>");
  else
    g_string_append (out, "<a href=\"/channels\">\u6211\u7684\u6e20\u9053 My channels</a>");
  g_string_append (out, "<a href=\"/public/\">\u516c\u5f00\u76ee\u5f55 Public list</a>"
                        "</nav>\n</header>\n<main>\n<h1>");
  serve_html_escape (out, f->title);
  g_string_append (out, "</h1>\n");
}

void
serve_page_end (GString *out)
{
  g_string_append (out, "</main>\n<footer>essc " ESSC_VERSION " \u00b7 "
                        "\u7535\u5b50\u793e\u4f1a\u4fdd\u969c\u5361\u6e20\u9053"
                        "\u8ba4\u8bc1 <span lang=\"en\">e-card channel certification"
                        "</span></footer>\n</body>\n</html>\n");
}

char *
serve_page_message (const ServePageFrame *frame, guint status, const char *message)
{
  GString *out = g_string_new (NULL);
  serve_page_begin (out, frame);
  g_string_append_printf (out, "<p class=\"status\">%u</p>\n", status);
  serve_html_message (out, status >= 400 ? "error" : "notice", message);
  serve_page_end (out);
  return g_string_free (out, FALSE);
}

/* ---- forms -------------------------------------------------------------------- */

static void
attr (GString *out, const char *name, const char *value)
{
  if (value == NULL)
    return;
  g_string_append_printf (out, " %s=\"", name);
  serve_html_escape (out, value);
  g_string_append_c (out, '"');
}

void
serve_form_begin (GString *out, const char *action, const char *id, const char *klass,
                  const char *csrf)
{
  g_string_append (out, "<form method=\"post\"");
  attr (out, "action", action);
  attr (out, "id", id);
  attr (out, "class", klass);
  g_string_append (out, ">\n<input type=\"hidden\" name=\"csrf\" value=\"");
  serve_html_escape (out, csrf);
  g_string_append (out, "\">\n");
}

void
serve_form_end (GString *out)
{
  g_string_append (out, "</form>\n");
}

static void
label (GString *out, const char *id, const char *text)
{
  g_string_append (out, "<label");
  attr (out, "for", id);
  g_string_append_c (out, '>');
  serve_html_escape (out, text);
  g_string_append (out, "</label>");
}

void
serve_form_input (GString *out, const char *id, const char *name, const char *type,
                  const char *text, const char *value, gboolean required)
{
  g_string_append (out, "<div class=\"field\">");
  label (out, id, text);
  g_string_append (out, "<input");
  attr (out, "type", type);
  attr (out, "id", id);
  attr (out, "name", name);
  attr (out, "value", value);
  if (required)
    g_string_append (out, " required");
  g_string_append (out, "></div>\n");
}

void
serve_form_textarea (GString *out, const char *id, const char *name, const char *text,
                     const char *value, guint rows, gboolean required)
{
  g_string_append (out, "<div class=\"field\">");
  label (out, id, text);
  g_string_append (out, "<textarea");
  attr (out, "id", id);
  attr (out, "name", name);
  g_string_append_printf (out, " rows=\"%u\"%s>", rows, required ? " required" : "");
  /* A textarea's first line feed is dropped by the parser: keep one. */
  if (value != NULL && value[0] == '\n')
    g_string_append_c (out, '\n');
  serve_html_escape (out, value);
  g_string_append (out, "</textarea></div>\n");
}

void
serve_form_select (GString *out, const char *id, const char *name, const char *text,
                   const char *const *values, const char *const *labels, gsize n,
                   const char *selected)
{
  g_string_append (out, "<div class=\"field\">");
  label (out, id, text);
  g_string_append (out, "<select");
  attr (out, "id", id);
  attr (out, "name", name);
  g_string_append (out, ">");
  for (gsize i = 0; i < n; i++)
    {
      g_string_append (out, "<option");
      attr (out, "value", values[i]);
      if (selected != NULL && strcmp (selected, values[i]) == 0)
        g_string_append (out, " selected");
      g_string_append_c (out, '>');
      serve_html_escape (out, labels != NULL ? labels[i] : values[i]);
      g_string_append (out, "</option>");
    }
  g_string_append (out, "</select></div>\n");
}

void
serve_form_button (GString *out, const char *id, const char *klass, const char *text)
{
  g_string_append (out, "<button type=\"submit\"");
  attr (out, "id", id);
  attr (out, "class", klass);
  g_string_append_c (out, '>');
  serve_html_escape (out, text);
  g_string_append (out, "</button>\n");
}

/* ---- tables ---------------------------------------------------------------------- */

void
serve_table_begin (GString *out, const char *id, const char *caption, ...)
{
  g_string_append (out, "<div class=\"scroll\"><table");
  attr (out, "id", id);
  g_string_append (out, ">\n");
  if (caption != NULL)
    {
      g_string_append (out, "<caption>");
      serve_html_escape (out, caption);
      g_string_append (out, "</caption>\n");
    }
  g_string_append (out, "<thead><tr>");
  va_list ap;
  va_start (ap, caption);
  const char *key;
  while ((key = va_arg (ap, const char *)) != NULL)
    {
      const char *heading = va_arg (ap, const char *);
      gboolean num = key[0] == '#';
      g_string_append_printf (out, "<th%s", num ? " class=\"num\"" : "");
      attr (out, "data-col", num ? key + 1 : key);
      g_string_append_c (out, '>');
      serve_html_escape (out, heading);
      g_string_append (out, "</th>");
    }
  va_end (ap);
  g_string_append (out, "</tr></thead>\n<tbody>\n");
}

void
serve_table_row (GString *out, const char *key)
{
  g_string_append (out, "<tr");
  attr (out, "data-key", key);
  g_string_append_c (out, '>');
}

void
serve_table_cell_begin (GString *out, const char *col, const char *klass)
{
  g_string_append (out, "<td");
  attr (out, "class", klass != NULL && klass[0] != '\0' ? klass : NULL);
  attr (out, "data-col", col);
  g_string_append_c (out, '>');
}

void
serve_table_cell_end (GString *out)
{
  g_string_append (out, "</td>");
}

void
serve_table_cell (GString *out, const char *col, const char *text)
{
  serve_table_cell_begin (out, col, NULL);
  serve_html_escape (out, text);
  serve_table_cell_end (out);
}

void
serve_table_num (GString *out, const char *col, gint64 value)
{
  g_string_append (out, "<td class=\"num\"");
  attr (out, "data-col", col);
  g_string_append_printf (out, " data-value=\"%" G_GINT64_FORMAT "\">%" G_GINT64_FORMAT
                          "</td>", value, value);
}

void
serve_table_link (GString *out, const char *col, const char *href, const char *text)
{
  serve_table_cell_begin (out, col, NULL);
  g_string_append (out, "<a");
  attr (out, "href", href);
  g_string_append_c (out, '>');
  serve_html_escape (out, text);
  g_string_append (out, "</a>");
  serve_table_cell_end (out);
}

void
serve_table_row_end (GString *out)
{
  g_string_append (out, "</tr>\n");
}

void
serve_table_end (GString *out)
{
  g_string_append (out, "</tbody></table></div>\n");
}

/* ---- reading the actions' JSON ---------------------------------------------------- */

static JsonNode *
member (JsonObject *o, const char *name)
{
  return o != NULL ? json_object_get_member (o, name) : NULL;
}

const char *
serve_json_str (JsonObject *o, const char *name)
{
  JsonNode *n = member (o, name);
  if (n == NULL || !JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (n);
}

gint64
serve_json_int (JsonObject *o, const char *name)
{
  JsonNode *n = member (o, name);
  if (n == NULL || !JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_INT64)
    return 0;
  return json_node_get_int (n);
}

gboolean
serve_json_bool (JsonObject *o, const char *name)
{
  JsonNode *n = member (o, name);
  if (n == NULL || !JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_BOOLEAN)
    return FALSE;
  return json_node_get_boolean (n);
}

JsonObject *
serve_json_obj (JsonObject *o, const char *name)
{
  JsonNode *n = member (o, name);
  return n != NULL && JSON_NODE_HOLDS_OBJECT (n) ? json_node_get_object (n) : NULL;
}

JsonArray *
serve_json_arr (JsonObject *o, const char *name)
{
  JsonNode *n = member (o, name);
  return n != NULL && JSON_NODE_HOLDS_ARRAY (n) ? json_node_get_array (n) : NULL;
}

JsonObject *
serve_json_elem (JsonArray *a, guint i)
{
  if (a == NULL || i >= json_array_get_length (a))
    return NULL;
  JsonNode *n = json_array_get_element (a, i);
  return JSON_NODE_HOLDS_OBJECT (n) ? json_node_get_object (n) : NULL;
}

/* ---- words --------------------------------------------------------------------- */

const char *
serve_html_verdict_class (const char *word)
{
  static const char *const classes[][2] = {
    { "pass", "v-pass" }, { "fail", "v-fail" }, { "skip", "v-skip" },
    { "not_implemented", "v-not_implemented" }, { "waived", "v-waived" },
    { "not_run", "v-not_run" },
    { "queued", "s-queued" }, { "running", "s-running" }, { "conformant", "s-conformant" },
    { "not conformant", "s-not-conformant" }, { "error", "s-error" },
    { "interrupted", "s-interrupted" },
  };
  if (word == NULL)
    return "";
  for (gsize i = 0; i < G_N_ELEMENTS (classes); i++)
    if (strcmp (classes[i][0], word) == 0)
      return classes[i][1];
  return "";
}
