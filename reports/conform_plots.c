/* SPDX-License-Identifier: MIT */
/*
 * The figures of the report's conformance part, two per run: its verdicts
 * per requirement group as stacked bars (the counts conform.c tallied from
 * conformance_test), and the IUT's median and 99th-percentile response
 * time per adapter operation (conformance_latency, microseconds in the
 * database, milliseconds on the axis; a log axis when they span more than
 * LOG_SPAN).  Each figure's footer names its own run, not the newest one.
 */
#include "reports/conform.h"

#include "reports/gnuplot.h"
#include "reports/reader.h"

#include <math.h>
#include <string.h>

/* Latencies spanning more than this factor get a log axis. */
#define LOG_SPAN 30.0

enum { FAIL = 1, NOT_IMPLEMENTED = 3 };

/* A name as a datablock column for noenhanced tic labels: in double
 * quotes, with no double quote or backslash inside.  Returns: (transfer full). */
static char *
column (const char *text)
{
  g_autofree char *t = g_strdup (text);
  g_strdelimit (t, "\"\\", '\'');
  return g_strdup_printf ("\"%s\"", t);
}

/* Draws plot under the run's own stamp. */
static gboolean
render (ReportCtx *ctx, const ReportConformRun *run, ReportPlot *plot)
{
  char *stamp = ctx->stamp;
  ctx->stamp = run->stamp;
  gboolean ok = report_plot_render (ctx, plot);
  ctx->stamp = stamp;
  return ok;
}

static char *
heading (const ReportConformRun *run, const char *what)
{
  g_autofree char *text = g_strdup_printf ("Run %" G_GINT64_FORMAT ": %s as %s, %s \u2014 %s",
                                           run->id, run->iut, run->role, run->verdict, what);
  return report_plot_quote (text);
}

static gboolean
groups_plot (ReportCtx *ctx, const ReportConformRun *run)
{
  if (run->groups->len == 0)
    return FALSE;
  g_autofree char *name = g_strdup_printf ("conformance-groups-%" G_GINT64_FORMAT, run->id);
  g_autofree char *title = g_strdup_printf ("Run %" G_GINT64_FORMAT ": verdicts by requirement "
                                            "group", run->id);
  g_autofree char *caption = g_strdup_printf (
      "The tests of run %" G_GINT64_FORMAT " (%s as %s, %s) stacked by verdict for each "
      "requirement group; a test counts in every group its requirements name, so the bars add "
      "up to more than the run's tests. The number above a bar is its total; above it in red, "
      "the tests failed or not implemented, when there are any.", run->id, run->iut, run->role,
      run->verdict);
  ReportPlot *p = report_plot_new (name, title, caption, "conformance", 1100, 600);
  GString *d = report_plot_data (p, "groups");
  double top = 0;
  for (guint i = 0; i < run->groups->len; i++)
    {
      const ReportConformGroup *g = run->groups->pdata[i];
      g_autofree char *q = column (g->name);
      g_string_append (d, q);
      double total = 0;
      for (int v = 0; v < REPORT_CONFORM_N_VERDICTS; v++)
        {
          g_string_append_printf (d, " %.0f", g->counts[v]);
          total += g->counts[v];
        }
      g_string_append_c (d, '\n');
      top = MAX (top, total);
      /* The total above the bar; above it, in red, the failed and not implemented. */
      double bad = g->counts[FAIL] + g->counts[NOT_IMPLEMENTED];
      report_plot_printf (p, "set label \"%.0f\" at %u, %.0f center offset 0, 0.8 "
                          "font \",9\" textcolor rgb '#333333'\n", total, i, total);
      if (bad > 0)
        report_plot_printf (p, "set label \"%.0f failed\" at %u, %.0f center offset 0, 1.9 "
                            "font \",9\" textcolor rgb '%s'\n", bad, i, total,
                            report_conform_verdicts[FAIL].colour);
    }
  g_autofree char *t = heading (run, "verdicts by requirement group");
  report_plot_printf (p, "set title %s\n"
                      "set style data histograms\nset style histogram rowstacked\n"
                      "set style fill solid 0.9 border rgb '#444444'\nset boxwidth 0.7\n"
                      "set key outside right top vertical title \"verdict\"\n"
                      "set xtics noenhanced nomirror\nset ytics nomirror\n"
                      "set grid ytics lc rgb '#dddddd'\nset xrange [-0.6:%u.6]\n"
                      "set yrange [0:%.0f]\nset bmargin 5\n"
                      "set xlabel \"requirement group (the prefix of the requirement id)\"\n"
                      "set ylabel \"tests naming the group (count)\"\nplot ",
                      t, run->groups->len - 1, ceil (top * 1.18 + 1));
  for (int v = 0; v < REPORT_CONFORM_N_VERDICTS; v++)
    report_plot_printf (p, "%s$groups using %d%s title \"%s\" lc rgb '%s'", v ? ", " : "",
                        v + 2, v ? "" : ":xtic(1)", report_conform_verdicts[v].label,
                        report_conform_verdicts[v].colour);
  report_plot_printf (p, "\n");
  return render (ctx, run, p);
}

static gboolean
latency_plot (ReportCtx *ctx, const ReportConformRun *run, gboolean *drawn, GError **error)
{
  *drawn = FALSE;
  sqlite3_stmt *st = report_reader_prepare (ctx, "SELECT op, p50_us, p99_us FROM conformance_latency"
                                        " WHERE run_id = ? ORDER BY op", error);
  if (st == NULL)
    return FALSE;
  sqlite3_bind_int64 (st, 1, run->id);
  g_autofree char *name = g_strdup_printf ("conformance-latency-%" G_GINT64_FORMAT, run->id);
  g_autofree char *title = g_strdup_printf ("Run %" G_GINT64_FORMAT ": the IUT's response time "
                                            "per adapter operation", run->id);
  g_autoptr (GString) d = g_string_new (NULL);
  double lo = INFINITY, hi = 0;
  guint n = 0;
  gsize longest = 0;
  gboolean row = FALSE, ok;
  while ((ok = report_reader_step (ctx, st, &row, error)) && row)
    {
      const char *op = report_reader_text (st, 0);
      double p50 = report_reader_double (st, 1) / 1000.0, p99 = report_reader_double (st, 2) / 1000.0;
      g_autofree char *q = column (op);
      g_string_append_printf (d, "%s %.6g %.6g\n", q, p50, p99);
      if (p50 > 0)
        lo = MIN (lo, p50);
      hi = MAX (hi, MAX (p50, p99));
      longest = MAX (longest, strlen (op));
      n++;
    }
  sqlite3_finalize (st);
  if (!ok || n == 0 || !(hi > 0))
    return ok;
  gboolean log = hi / lo > LOG_SPAN;
  g_autofree char *caption = g_strdup_printf (
      "The median (p50) and 99th percentile (p99) of the time from the runner's request to the "
      "answer of run %" G_GINT64_FORMAT "'s implementation (%s), per adapter operation, in "
      "milliseconds%s. The implementation's time and the pipe's, not a deployed platform's; "
      "the table above gives the counts and maxima.", run->id, run->iut,
      log ? " on a log axis (the times span more than a factor of 30)" : "");
  g_autoptr (ReportPlot) q = report_plot_new (name, title, caption, "conformance", 1100, 600);
  g_string_append (report_plot_data (q, "lat"), d->str);
  g_autofree char *t = heading (run, "response time per adapter operation");
  report_plot_printf (q, "set title %s\n"
                      "set style data histograms\nset style histogram clustered gap 1\n"
                      "set style fill solid 0.9 border rgb '#444444'\n"
                      "set key outside right top vertical title \"percentile\"\n"
                      "set xtics noenhanced nomirror rotate by 40 right\nset ytics nomirror\n"
                      "set grid ytics lc rgb '#dddddd'\nset xrange [-0.6:%u.6]\n"
                      "set bmargin %.0f\nset xlabel \"adapter operation\"\n"
                      "set ylabel \"response time (ms)%s\"\n",
                      t, n - 1, ceil (4 + longest * 0.32), log ? ", log scale" : "");
  if (log)
    report_plot_printf (q, "set logscale y\nset yrange [%g:%g]\n", lo / 2, hi * 3);
  else
    report_plot_printf (q, "set yrange [0:%g]\n", hi * 1.2);
  report_plot_printf (q, "plot $lat using 2:xtic(1) title \"p50 (median)\" lc rgb '#64b5f6', "
                      "'' using 3 title \"p99\" lc rgb '#0d47a1'\n");
  *drawn = render (ctx, run, g_steal_pointer (&q));
  return TRUE;
}

gboolean
report_conform_plots (ReportCtx *ctx, const ReportConformRun *run, gboolean drawn[2],
                      GError **error)
{
  drawn[0] = groups_plot (ctx, run);
  return latency_plot (ctx, run, &drawn[1], error);
}
