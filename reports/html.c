/* SPDX-License-Identifier: MIT */
/*
 * The report's HTML (see html.h).
 */
#include "reports/html.h"

#include "base/text.h"
#include "base/file.h"
#include "reports/html_csv.h"

#include <math.h>
#include <stdarg.h>
#include <string.h>

void
report_html_escape (GString *out, const char *text)
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
report_html_table_begin_array (GString *out, const char *id, const char *caption,
                               const char *const *cols, guint n)
{
  g_string_append (out, "<table id=\"");
  report_html_escape (out, id);
  g_string_append (out, "\">\n<caption>");
  report_html_escape (out, caption);
  g_string_append (out, "</caption>\n<thead><tr>");
  for (guint i = 0; i + 1 < n; i += 2)
    {
      const char *key = cols[i];
      gboolean num = key[0] == '#';
      g_string_append_printf (out, "<th%s data-col=\"", num ? " class=\"num\"" : "");
      report_html_escape (out, num ? key + 1 : key);
      g_string_append (out, "\">");
      report_html_escape (out, cols[i + 1]);
      g_string_append (out, "</th>");
    }
  g_string_append (out, "</tr></thead>\n<tbody>\n");
}

void
report_html_table_begin (GString *out, const char *id, const char *caption, ...)
{
  g_autoptr (GPtrArray) cols = g_ptr_array_new ();
  va_list ap;
  va_start (ap, caption);
  const char *key;
  while ((key = va_arg (ap, const char *)) != NULL)
    {
      g_ptr_array_add (cols, (gpointer) key);
      g_ptr_array_add (cols, va_arg (ap, char *));
    }
  va_end (ap);
  report_html_table_begin_array (out, id, caption, (const char *const *) cols->pdata, cols->len);
}

void
report_html_row_begin (GString *out, const char *key)
{
  g_string_append (out, "<tr data-key=\"");
  report_html_escape (out, key);
  g_string_append (out, "\">");
}

void
report_html_cell (GString *out, const char *col, const char *text)
{
  g_string_append (out, "<td data-col=\"");
  report_html_escape (out, col);
  g_string_append (out, "\">");
  report_html_escape (out, text);
  g_string_append (out, "</td>");
}

void
report_html_num (GString *out, const char *col, const char *fmt, double value)
{
  g_string_append (out, "<td class=\"num\" data-col=\"");
  report_html_escape (out, col);
  if (isnan (value))
    {
      g_string_append (out, "\">\u2013</td>");
      return;
    }
  char exact[G_ASCII_DTOSTR_BUF_SIZE];
  g_ascii_formatd (exact, sizeof exact, "%.17g", value);
  g_string_append_printf (out, "\" data-value=\"%s\">", exact);
  /* Shown in the C locale whatever the process's (g_ascii_formatd takes one
   * %e, %f or %g directive, as every caller's fmt is), digits grouped. */
  char text[G_ASCII_DTOSTR_BUF_SIZE + 320];
  g_ascii_formatd (text, sizeof text, fmt, value);
  g_autofree char *shown = base_text_group_digits (text);
  report_html_escape (out, shown);
  g_string_append (out, "</td>");
}

void
report_html_verdict (GString *out, const char *col, const char *verdict, double probability)
{
  g_string_append (out, "<td class=\"verdict v-");
  for (const char *c = verdict; *c; c++)
    g_string_append_c (out, g_ascii_isalnum (*c) ? g_ascii_tolower (*c) : '-');
  g_string_append (out, "\" data-col=\"");
  report_html_escape (out, col);
  g_string_append (out, "\" data-verdict=\"");
  report_html_escape (out, verdict);
  if (!isnan (probability))
    {
      char exact[G_ASCII_DTOSTR_BUF_SIZE];
      g_ascii_formatd (exact, sizeof exact, "%.17g", probability);
      g_string_append_printf (out, "\" data-value=\"%s", exact);
    }
  g_string_append (out, "\">");
  report_html_escape (out, verdict);
  g_string_append (out, "</td>");
}

void
report_html_row_end (GString *out)
{
  g_string_append (out, "</tr>\n");
}

void
report_html_table_end (GString *out)
{
  g_string_append (out, "</tbody>\n</table>\n");
}

void
report_html_p (GString *out, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  g_autofree char *text = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  g_string_append (out, "<p>");
  report_html_escape (out, text);
  g_string_append (out, "</p>\n");
}

static const char STYLE[] =
  "body{font-family:'WenQuanYi Micro Hei','Noto Sans CJK SC','Microsoft YaHei','PingFang SC',"
  "sans-serif;margin:0 auto;max-width:1180px;padding:0 16px 40px;color:#222;line-height:1.4}"
  "header{border-bottom:2px solid #1f4e79;margin-bottom:12px}"
  "h1{font-size:1.6em;margin:16px 0 4px;color:#1f4e79}h2{font-size:1.25em;margin-top:28px;"
  "color:#1f4e79;border-bottom:1px solid #ccd}"
  ".stamp{color:#555;font-size:.9em;margin:0 0 8px}"
  "nav a{margin-right:14px}"
  "table{border-collapse:collapse;margin:10px 0 18px;font-size:.92em}"
  "caption{text-align:left;font-weight:bold;padding:4px 0}"
  "caption a.csv{font-weight:normal;font-size:.85em;margin-left:.4em}"
  "th,td{border:1px solid #ccd;padding:3px 8px;vertical-align:top}"
  "th{background:#e8eef6}td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}"
  "tbody tr:nth-child(even){background:#f7f9fc}"
  ".bad{color:#b00020;font-weight:bold}.good{color:#1b7a1b}"
  "td.verdict{font-weight:bold;text-align:center;white-space:nowrap}"
  "td[data-col=by_date]{white-space:nowrap}"
  ".v-met{background:#dff2df;color:#17631a}.v-at-risk{background:#fff0cc;color:#7a5200}"
  ".v-not-met{background:#fbdede;color:#a3001b}"
  ".definitions{color:#444;font-size:.88em}"
  "figure{margin:14px 0 24px}figure img{max-width:100%;height:auto;border:1px solid #dde}"
  "figcaption{color:#444;font-size:.92em}"
  ".warn{background:#fff4e5;border:1px solid #f0b060;padding:8px 12px}"
  "pre{background:#f4f4f4;padding:8px;overflow-x:auto;font-size:.85em}";

gboolean
report_html_write (ReportCtx *ctx, char **path_out, GError **error)
{
  if (!report_html_csv (ctx, error))
    return FALSE;
  g_autoptr (GString) h = g_string_new ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
                                        "<meta charset=\"utf-8\">\n<meta name=\"viewport\" "
                                        "content=\"width=device-width, initial-scale=1\">\n"
                                        "<title>");
  g_string_append (h, "essc report: ");
  report_html_escape (h, ctx->stamp);
  g_string_append_printf (h, "</title>\n<style>%s</style>\n</head>\n<body>\n<header>\n"
                          "<h1>essc report</h1>\n<p class=\"stamp\" id=\"stamp\">", STYLE);
  report_html_escape (h, ctx->stamp);
  g_string_append (h, " &middot; database ");
  g_autofree char *base = g_path_get_basename (ctx->db_path);
  report_html_escape (h, base);
  g_string_append (h, "</p>\n<nav>");
  for (guint i = 0; i < ctx->sections->len; i++)
    {
      const ReportSection *s = ctx->sections->pdata[i];
      g_string_append (h, "<a href=\"#");
      report_html_escape (h, s->id);
      g_string_append (h, "\">");
      report_html_escape (h, s->title);
      g_string_append (h, "</a>");
    }
  g_string_append (h, "</nav>\n</header>\n<main>\n");
  if (ctx->warnings->len > 0)
    {
      g_string_append (h, "<div class=\"warn\" id=\"warnings\"><strong>Left out of this "
                          "report:</strong><ul>");
      for (guint i = 0; i < ctx->warnings->len; i++)
        {
          g_string_append (h, "<li>");
          report_html_escape (h, ctx->warnings->pdata[i]);
          g_string_append (h, "</li>");
        }
      g_string_append (h, "</ul></div>\n");
    }
  for (guint i = 0; i < ctx->sections->len; i++)
    {
      const ReportSection *s = ctx->sections->pdata[i];
      g_string_append (h, "<section id=\"");
      report_html_escape (h, s->id);
      g_string_append (h, "\">\n<h2>");
      report_html_escape (h, s->title);
      g_string_append (h, "</h2>\n");
      g_string_append (h, s->html->str);
      for (guint j = 0; j < ctx->figures->len; j++)
        {
          const ReportFigure *f = ctx->figures->pdata[j];
          if (strcmp (f->section, s->id) != 0)
            continue;
          g_string_append (h, "<figure id=\"fig-");
          report_html_escape (h, f->name);
          g_string_append (h, "\"><img src=\"");
          report_html_escape (h, f->name);
          g_string_append (h, ".svg\" alt=\"");
          report_html_escape (h, f->title);
          g_string_append (h, "\"><figcaption><strong>");
          report_html_escape (h, f->title);
          g_string_append (h, ".</strong> ");
          report_html_escape (h, f->caption);
          g_string_append (h, " (<a href=\"");
          report_html_escape (h, f->name);
          g_string_append (h, ".png\">PNG</a>)</figcaption></figure>\n");
        }
      g_string_append (h, "</section>\n");
    }
  g_string_append (h, "</main>\n<footer><p class=\"stamp\">Every number and figure on this page "
                      "comes from the database; <code>essc report</code> rebuilds it.</p>"
                      "</footer>\n</body>\n</html>\n");
  g_autofree char *path = g_build_filename (ctx->out_dir, "index.html", NULL);
  g_autoptr (GError) e = NULL;
  if (!base_file_write_atomic (path, h->str, h->len, 0644, FALSE, &e))
    {
      g_set_error (error, REPORT_ERROR, REPORT_ERROR_OUTPUT, "%s", e->message);
      return FALSE;
    }
  if (path_out != NULL)
    *path_out = g_steal_pointer (&path);
  return TRUE;
}
