/* SPDX-License-Identifier: MIT */
/*
 * Driving gnuplot through a pipe (see gnuplot.h): base/proc runs it in its
 * own process group with the figure's deadline and kills the group at it.
 */
#include "reports/gnuplot.h"

#include "base/proc.h"

#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#define FONT_PNG "WenQuanYi Micro Hei,10"
#define FONT_SVG "WenQuanYi Micro Hei,Noto Sans CJK SC,Microsoft YaHei,PingFang SC,sans-serif,11"
/* Bytes of gnuplot's standard error kept (its last ones). */
#define STDERR_KEEP ((gsize) 65536)

struct _ReportPlot {
  char *name, *title, *caption, *section;
  int width, height;
  GPtrArray *block_names;   /* char * */
  GPtrArray *blocks;        /* GString * */
  GString *script;
};

ReportPlot *
report_plot_new (const char *name, const char *title, const char *caption, const char *section,
                 int width, int height)
{
  ReportPlot *p = g_new0 (ReportPlot, 1);
  p->name = g_strdup (name);
  p->title = g_strdup (title);
  p->caption = g_strdup (caption);
  p->section = g_strdup (section);
  p->width = width;
  p->height = height;
  p->block_names = g_ptr_array_new_with_free_func (g_free);
  p->blocks = g_ptr_array_new ();
  p->script = g_string_new (NULL);
  return p;
}

void
report_plot_free (ReportPlot *p)
{
  if (p == NULL)
    return;
  g_free (p->name);
  g_free (p->title);
  g_free (p->caption);
  g_free (p->section);
  g_ptr_array_unref (p->block_names);
  for (guint i = 0; i < p->blocks->len; i++)
    g_string_free (p->blocks->pdata[i], TRUE);
  g_ptr_array_unref (p->blocks);
  g_string_free (p->script, TRUE);
  g_free (p);
}

GString *
report_plot_data (ReportPlot *p, const char *name)
{
  for (guint i = 0; i < p->block_names->len; i++)
    if (strcmp (p->block_names->pdata[i], name) == 0)
      return p->blocks->pdata[i];
  g_ptr_array_add (p->block_names, g_strdup (name));
  GString *b = g_string_new (NULL);
  g_ptr_array_add (p->blocks, b);
  return b;
}

void
report_plot_put (GString *b, double v)
{
  if (isfinite (v))
    g_string_append_printf (b, " %.10g", v);
  else
    g_string_append (b, " NaN");
}

void
report_plot_printf (ReportPlot *p, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  g_string_append_vprintf (p->script, fmt, ap);
  va_end (ap);
}

char *
report_plot_quote (const char *text)
{
  GString *s = g_string_new ("\"");
  for (const char *c = text; *c; c++)
    {
      if (*c == '"' || *c == '\\')
        g_string_append_c (s, '\\');
      else if (strchr ("_^@&{}~", *c) != NULL)
        g_string_append (s, "\\\\");
      if ((guchar) *c < 0x20)
        g_string_append_c (s, ' ');
      else
        g_string_append_c (s, *c);
    }
  g_string_append_c (s, '"');
  return g_string_free (s, FALSE);
}

/* The whole text sent to gnuplot. */
static GString *
program (const ReportCtx *ctx, const ReportPlot *p, const char *svg, const char *png)
{
  GString *g = g_string_new ("set encoding utf8\n");
  for (guint i = 0; i < p->blocks->len; i++)
    {
      const GString *b = p->blocks->pdata[i];
      g_string_append_printf (g, "$%s << EOD\n%s%sEOD\n", (const char *) p->block_names->pdata[i],
                              b->str, b->len > 0 && b->str[b->len - 1] != '\n' ? "\n" : "");
    }
  g_autofree char *stamp = report_plot_quote (ctx->stamp ? ctx->stamp : "");
  g_autofree char *qsvg = report_plot_quote (svg);
  g_autofree char *qpng = report_plot_quote (png);
  const char *terms[2][3] = {
    { "svg", "dynamic enhanced background rgb 'white' font \"" FONT_SVG "\"", qsvg },
    { "pngcairo", "enhanced background rgb 'white' font \"" FONT_PNG "\"", qpng },
  };
  for (guint t = 0; t < 2; t++)
    {
      g_string_append_printf (g, "reset\nset terminal %s size %d,%d %s\nset output %s\n",
                              terms[t][0], p->width, p->height, terms[t][1], terms[t][2]);
      g_string_append_printf (g, "set label 1001 %s at screen 0.005, screen 0.012 left "
                              "font \",8\" textcolor rgb '#555555' front\n", stamp);
      g_string_append (g, p->script->str);
      g_string_append (g, "\nunset multiplot\nunset output\n");
    }
  g_string_append (g, "exit\n");
  return g;
}

/* Runs gnuplot with input on its standard input, killed at the deadline;
 * the tail of its standard error in *err.  FALSE with a reason. */
static gboolean
run_gnuplot (ReportCtx *ctx, const GString *input, char **err, char **why, gboolean *missing)
{
  const char *argv[] = { ctx->gnuplot, NULL };
  g_autoptr (GError) e = NULL;
  *missing = FALSE;
  g_autoptr (BaseProc) proc
    = base_proc_spawn (argv, BASE_PROC_SEARCH_PATH | BASE_PROC_STDOUT_NULL, STDERR_KEEP, &e);
  if (proc == NULL)
    {
      *err = g_strdup ("");
      *missing = g_error_matches (e, BASE_PROC_ERROR, BASE_PROC_NOENT);
      *why = *missing ? g_strdup_printf ("%s is not installed (Debian package gnuplot-nox)",
                                         ctx->gnuplot)
                      : g_strdup_printf ("cannot start %s: %s", ctx->gnuplot, e->message);
      return FALSE;
    }
  gint64 deadline = g_get_monotonic_time () + (gint64) (ctx->gnuplot_timeout * 1e6);
  gsize written = 0;
  base_proc_communicate (proc, input->str, input->len, deadline, NULL, 0, &written, NULL);
  BaseProcExit x;
  gboolean in_time = base_proc_finish (proc, base_proc_ms_left (deadline), 0, &x);
  *err = base_proc_stderr_tail (proc, NULL);
  if (!in_time)
    {
      *why = g_strdup_printf ("%s did not finish within %.0f s (killed)", ctx->gnuplot,
                              ctx->gnuplot_timeout);
      return FALSE;
    }
  if (written < input->len)
    {
      *why = g_strdup_printf ("%s stopped reading its input", ctx->gnuplot);
      return FALSE;
    }
  if (!x.exited || x.status != 0)
    {
      *why = x.exited ? g_strdup_printf ("%s exited with status %d", ctx->gnuplot, x.status)
                      : g_strdup_printf ("%s was killed by signal %d", ctx->gnuplot, x.signal);
      return FALSE;
    }
  return TRUE;
}

/* The last line of gnuplot's complaint, for a warning. */
static char *
tail_of (const char *err)
{
  g_autofree char *t = g_strstrip (g_strdup (err));
  const char *last = strrchr (t, '\n');
  return g_strdup (last ? last + 1 : t);
}

static gboolean
non_empty (const char *path)
{
  GStatBuf st;
  return g_stat (path, &st) == 0 && st.st_size > 0;
}

gboolean
report_plot_render (ReportCtx *ctx, ReportPlot *p)
{
  if (ctx->gnuplot_missing || ctx->no_plots)
    {
      report_plot_free (p);
      return FALSE;
    }
  g_autofree char *svg = g_strdup_printf ("%s/%s.svg", ctx->out_dir, p->name);
  g_autofree char *png = g_strdup_printf ("%s/%s.png", ctx->out_dir, p->name);
  g_remove (svg);
  g_remove (png);
  g_autoptr (GString) input = program (ctx, p, svg, png);
  g_autofree char *err = NULL;
  g_autofree char *why = NULL;
  gboolean missing = FALSE;
  gboolean ok = run_gnuplot (ctx, input, &err, &why, &missing);
  /* gnuplot reports script errors on stderr and may still exit 0. */
  if (ok && (strstr (err, "error") != NULL || strstr (err, "Error") != NULL))
    {
      g_autofree char *t = tail_of (err);
      why = g_strdup_printf ("gnuplot failed: %s", t);
      ok = FALSE;
    }
  if (ok && !(non_empty (svg) && non_empty (png)))
    {
      why = g_strdup ("gnuplot wrote no output");
      ok = FALSE;
    }
  if (!ok)
    {
      g_remove (svg);
      g_remove (png);
      if (missing)
        {
          ctx->gnuplot_missing = TRUE;
          report_warn (ctx, "%s: the figures are left out; the tables are written", why);
        }
      else
        report_warn (ctx, "figure %s (%s) left out: %s", p->name, p->title, why);
      report_plot_free (p);
      return FALSE;
    }
  ReportFigure *f = g_new0 (ReportFigure, 1);
  f->name = g_steal_pointer (&p->name);
  f->title = g_steal_pointer (&p->title);
  f->caption = g_steal_pointer (&p->caption);
  f->section = g_steal_pointer (&p->section);
  g_ptr_array_add (ctx->figures, f);
  if (!ctx->quiet)
    g_printerr ("  figure %s\n", f->name);
  report_plot_free (p);
  return TRUE;
}
