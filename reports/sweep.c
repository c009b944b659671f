/* SPDX-License-Identifier: MIT */
/*
 * The sweep part of essc report: a sweep database (essc sweep, docs/SWEEP.md)
 * compared point by point: a table of the points with their values and
 * headline figures, and a figure of the national holders of every point
 * over time with the targets' shares marked.
 */
#include "reports/report.h"

#include "reports/gnuplot.h"
#include "reports/html.h"
#include "reports/reader.h"

#include <math.h>
#include <string.h>

typedef sqlite3_stmt Stmt;
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Stmt, sqlite3_finalize)

#define MAX_LINES 12   /* points drawn in the figure */

static const char *const colours[MAX_LINES] = {
  "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b",
  "#e377c2", "#7f7f7f", "#bcbd22", "#17becf", "#1f4e79", "#b00020",
};

static gboolean
points_table (ReportCtx *ctx, GString *h, guint *n_points, GError **error)
{
  g_autoptr (Stmt) st = report_reader_prepare (
      ctx, "SELECT point, label, digest, replications, share_2019, cities_2019, share_2020, "
           "cities_2020, national_worst_p99, platforms, platforms_sla_held FROM sweep_point "
           "ORDER BY point", error);
  if (st == NULL)
    return FALSE;
  report_html_table_begin (h, "sweep-points", "The points of the sweep: the values they set, "
                           "the share of the physical cardholders holding an e-card and the "
                           "cities meeting each target on its date (means over the "
                           "replications), the national platform's worst-day p99, and the "
                           "digest essc sim gives for the point's scenario.",
                           "#point", "point", "values", "values", "#share_2019",
                           "share, 1st target (%)", "#cities_2019", "cities, 1st target",
                           "#share_2020", "share, 2nd target (%)", "#cities_2020",
                           "cities, 2nd target", "#national_worst_p99_ms",
                           "national p99, worst day (ms)", "#platforms_sla_held",
                           "platforms keeping the SLA", "digest", "digest", NULL);
  gboolean row, ok;
  *n_points = 0;
  while ((ok = report_reader_step (ctx, st, &row, error)) && row)
    {
      g_autofree char *key = g_strdup_printf ("%d", sqlite3_column_int (st, 0));
      report_html_row_begin (h, key);
      report_html_num (h, "point", "%.0f", report_reader_double (st, 0));
      report_html_cell (h, "values", report_reader_text (st, 1));
      report_html_num (h, "share_2019", "%.1f", 100 * report_reader_double (st, 4));
      report_html_num (h, "cities_2019", "%.1f", report_reader_double (st, 5));
      report_html_num (h, "share_2020", "%.1f", 100 * report_reader_double (st, 6));
      report_html_num (h, "cities_2020", "%.1f", report_reader_double (st, 7));
      report_html_num (h, "national_worst_p99_ms", "%.1f", 1000 * report_reader_double (st, 8));
      if (sqlite3_column_int (st, 9) > 0)
        report_html_num (h, "platforms_sla_held", "%.0f", report_reader_double (st, 10));
      else
        report_html_num (h, "platforms_sla_held", "%.0f", NAN);
      g_autofree char *digest = g_strndup (report_reader_text (st, 2), 16);
      report_html_cell (h, "digest", digest);
      report_html_row_end (h);
      (*n_points)++;
    }
  report_html_table_end (h);
  return ok;
}

/* sweep-verdicts: the nation's verdict on every target per point. */
static gboolean
verdicts_table (ReportCtx *ctx, GString *h, GError **error)
{
  g_autoptr (Stmt) targets = report_reader_prepare (
      ctx, "SELECT target, description FROM sweep_verdict WHERE point = 0 ORDER BY rowid", error);
  g_autoptr (Stmt) points = targets ? report_reader_prepare (
      ctx, "SELECT point, label FROM sweep_point ORDER BY point", error) : NULL;
  g_autoptr (Stmt) verdict = points ? report_reader_prepare (
      ctx, "SELECT verdict, probability, cities_meeting FROM sweep_verdict WHERE point = ? AND "
           "target = ?", error) : NULL;
  if (verdict == NULL)
    return FALSE;
  g_autoptr (GPtrArray) cols = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (cols, g_strdup ("#point"));
  g_ptr_array_add (cols, g_strdup ("point"));
  g_ptr_array_add (cols, g_strdup ("values"));
  g_ptr_array_add (cols, g_strdup ("values"));
  gboolean row = FALSE, ok;
  while ((ok = report_reader_step (ctx, targets, &row, error)) && row)
    {
      const char *t = report_reader_text (targets, 0);
      g_ptr_array_add (names, g_strdup (t));
      g_ptr_array_add (cols, g_strdup_printf ("verdict_%s", t));
      g_ptr_array_add (cols, g_strdup (report_reader_text (targets, 1)));
      g_ptr_array_add (cols, g_strdup_printf ("#cities_%s", t));
      g_ptr_array_add (cols, g_strdup ("cities meeting it"));
    }
  if (!ok)
    return FALSE;
  report_html_table_begin_array (
      h, "sweep-verdicts", "The nation's verdict on every target at each point (met: "
      "probability of meeting it over the replications at least 0.9; not met: 0.1 or less; at "
      "risk: between; docs/RUNDB.md \"Verdicts\"), and the cities meeting it (mean over the "
      "replications). Targets in words are the first point's; a point that moves a date or share "
      "has its own in the database.", (const char *const *) cols->pdata, cols->len);
  while ((ok = report_reader_step (ctx, points, &row, error)) && row)
    {
      int point = sqlite3_column_int (points, 0);
      g_autofree char *key = g_strdup_printf ("%d", point);
      report_html_row_begin (h, key);
      report_html_num (h, "point", "%.0f", point);
      report_html_cell (h, "values", report_reader_text (points, 1));
      for (guint i = 0; i < names->len; i++)
        {
          gboolean vrow = FALSE;
          sqlite3_bind_int (verdict, 1, point);
          sqlite3_bind_text (verdict, 2, names->pdata[i], -1, SQLITE_STATIC);
          if (!report_reader_step (ctx, verdict, &vrow, error))
            return FALSE;
          g_autofree char *vcol = g_strdup_printf ("verdict_%s", (char *) names->pdata[i]);
          g_autofree char *ccol = g_strdup_printf ("cities_%s", (char *) names->pdata[i]);
          report_html_verdict (h, vcol, vrow ? report_reader_text (verdict, 0) : "?",
                               vrow ? report_reader_double (verdict, 1) : NAN);
          report_html_num (h, ccol, "%.1f", vrow ? report_reader_double (verdict, 2) : NAN);
          sqlite3_reset (verdict);
        }
      report_html_row_end (h);
    }
  report_html_table_end (h);
  return ok;
}

static gboolean
holders_figure (ReportCtx *ctx, guint n_points, GError **error)
{
  guint drawn = MIN (n_points, MAX_LINES);
  g_autofree char *caption = g_strdup_printf (
      "National e-card holders (mean over the replications) of %s%u point%s of the sweep, "
      "each named by the values it sets.",
      n_points > drawn ? "the first " : "", drawn, drawn == 1 ? "" : "s");
  ReportPlot *p = report_plot_new ("sweep-holders", "The sweep's points: national e-card "
                                   "holders over time", caption, "sweep", 1100,
                                   620 + 18 * (int) drawn);
  g_autoptr (Stmt) st = report_reader_prepare (ctx, "SELECT point, date, holders FROM sweep_series "
                                                "WHERE point < ? ORDER BY point, date", error);
  if (st == NULL)
    {
      report_plot_free (p);
      return FALSE;
    }
  sqlite3_bind_int (st, 1, (int) drawn);
  gboolean row, ok;
  while ((ok = report_reader_step (ctx, st, &row, error)) && row)
    {
      g_autofree char *name = g_strdup_printf ("p%d", sqlite3_column_int (st, 0));
      g_string_append_printf (report_plot_data (p, name), "%s %.10g\n", report_reader_text (st, 1),
                              report_reader_double (st, 2) / 1e6);
    }
  if (!ok)
    {
      report_plot_free (p);
      return FALSE;
    }
  report_plot_printf (p, "set title \"The sweep's points: national e-card holders\" "
                      "font \",14\"\nset xdata time\nset timefmt \"%%Y-%%m-%%d\"\n"
                      "set format x \"%%b %%Y\"\nset xlabel \"date\"\n"
                      "set ylabel \"e-card holders (millions)\"\nset grid\n"
                      "set key below left Left reverse maxcols 1 box opaque\n"
                      "set autoscale xfix\nplot ");
  /* Points that coincide (a value with no effect) stay visible: the earlier
   * lines are wider and each has its own dash pattern; each is named by the
   * values it sets. */
  g_autoptr (Stmt) labels = report_reader_prepare (ctx, "SELECT label FROM sweep_point WHERE "
                                                    "point = ?", error);
  if (labels == NULL)
    {
      report_plot_free (p);
      return FALSE;
    }
  for (guint i = 0; i < drawn; i++)
    {
      gboolean lrow = FALSE;
      sqlite3_bind_int (labels, 1, (int) i);
      if (!report_reader_step (ctx, labels, &lrow, error))
        {
          report_plot_free (p);
          return FALSE;
        }
      g_autofree char *name = g_strdup_printf ("%u: %s", i, lrow ? report_reader_text (labels, 0)
                                                                 : "?");
      sqlite3_reset (labels);
      g_autofree char *q = report_plot_quote (name);
      report_plot_printf (p, "%s$p%u using 1:2 with lines lw %.1f dt %u lc rgb '%s' "
                          "title %s", i ? ", " : "", i, 4.0 - 2.5 * i / MAX (drawn, 2),
                          i % 5 + 1, colours[i], q);
    }
  report_plot_printf (p, "\n");
  report_plot_render (ctx, p);
  return TRUE;
}

gboolean
report_sweep (ReportCtx *ctx, GError **error)
{
  GString *h = report_section (ctx, "sweep", "Sweep: the points compared");
  g_autofree char *name = report_reader_sweep_value (ctx, "name");
  g_autofree char *scenario = report_reader_sweep_value (ctx, "scenario_path");
  report_html_p (h, "Sweep %s over the scenario %s: every point is the scenario with the "
                 "values of its row set, run as essc sim would run it.", name ? name : "?",
                 scenario ? scenario : "?");
  guint n_points = 0;
  if (!points_table (ctx, h, &n_points, error) || !verdicts_table (ctx, h, error))
    return FALSE;
  return n_points == 0 || holders_figure (ctx, n_points, error);
}
