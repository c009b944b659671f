/* SPDX-License-Identifier: MIT */
/*
 * The report's pipeline (see report.h): database, directory, the parts in
 * page order, the page.
 */
#include "reports/report.h"

#include "reports/html.h"
#include "reports/reader.h"

#include <glib/gstdio.h>
#include <stdarg.h>

G_DEFINE_QUARK (report-error-quark, report_error)

GString *
report_section (ReportCtx *ctx, const char *id, const char *title)
{
  ReportSection *s = g_new0 (ReportSection, 1);
  s->id = g_strdup (id);
  s->title = g_strdup (title);
  s->html = g_string_new (NULL);
  g_ptr_array_add (ctx->sections, s);
  return s->html;
}

void
report_warn (ReportCtx *ctx, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  char *text = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  if (!ctx->quiet)
    g_printerr ("essc report: %s\n", text);
  g_ptr_array_add (ctx->warnings, text);
}

static void
section_free (gpointer p)
{
  ReportSection *s = p;
  g_free (s->id);
  g_free (s->title);
  g_string_free (s->html, TRUE);
  g_free (s);
}

static void
figure_free (gpointer p)
{
  ReportFigure *f = p;
  g_free (f->name);
  g_free (f->title);
  g_free (f->caption);
  g_free (f->section);
  g_free (f);
}

void
report_ctx_clear (ReportCtx *ctx)
{
  if (ctx->db != NULL)
    sqlite3_close (ctx->db);
  g_free (ctx->db_path);
  g_free (ctx->out_dir);
  g_free (ctx->stamp);
  g_free (ctx->gnuplot);
  g_ptr_array_unref (ctx->sections);
  g_ptr_array_unref (ctx->figures);
  g_ptr_array_unref (ctx->warnings);
}

void
report_ctx_init (ReportCtx *ctx, const ReportOptions *opt)
{
  *ctx = (ReportCtx) {
    .db_path = g_strdup (opt->db_path),
    .out_dir = g_strdup (opt->out_dir),
    .sections = g_ptr_array_new_with_free_func (section_free),
    .figures = g_ptr_array_new_with_free_func (figure_free),
    .warnings = g_ptr_array_new_with_free_func (g_free),
    .gnuplot = g_strdup (g_getenv ("ESSC_GNUPLOT") ? g_getenv ("ESSC_GNUPLOT") : "gnuplot"),
    .gnuplot_timeout = opt->gnuplot_timeout > 0 ? opt->gnuplot_timeout : 60,
    .no_plots = opt->no_plots,
    .quiet = opt->quiet,
  };
}

gboolean
report_build (const ReportOptions *opt, char **index_out, guint *n_warnings, GError **error)
{
  ReportCtx ctx;
  report_ctx_init (&ctx, opt);
  gboolean ok = report_reader_open (&ctx, error);
  if (ok && g_mkdir_with_parents (ctx.out_dir, 0755) != 0)
    {
      g_set_error (error, REPORT_ERROR, REPORT_ERROR_OUTPUT, "%s: cannot make the directory: %s",
                   ctx.out_dir, g_strerror (errno));
      ok = FALSE;
    }
  if (ok && ctx.has_run)
    ok = report_rollout (&ctx, error) && (!ctx.has_latency || report_latency (&ctx, error));
  if (ok && ctx.has_sweep)
    ok = report_sweep (&ctx, error);
  if (ok && ctx.has_sensitivity)
    ok = report_sensitivity (&ctx, error);
  if (ok && ctx.has_calibration)
    ok = report_calibration (&ctx, error);
  if (ok && ctx.has_conformance)
    ok = report_conform (&ctx, error);
  if (ok)
    ok = report_html_write (&ctx, index_out, error);
  if (n_warnings != NULL)
    *n_warnings = ctx.warnings->len;
  report_ctx_clear (&ctx);
  return ok;
}
