/* SPDX-License-Identifier: MIT */
/*
 * The sensitivity part of essc report: a sensitivity database (essc
 * sensitivity, docs/SENSITIVITY.md) as a section saying how the analysis
 * ran with a table of its parameters (`sensitivity-params`), then a section
 * per output with a table of the parameters ranked by mu* (Morris) or ST
 * (Sobol) with their bootstrap intervals and the tornado's values
 * (`sensitivity-OUTPUT`, a row per parameter keyed by its name, data-value
 * the stored numbers), and a tornado chart: per parameter a bar from the
 * output at the scenario's values to the output with the parameter at LOW,
 * and one to the output at HIGH, largest swing on top.
 */
#include "reports/report.h"

#include "reports/gnuplot.h"
#include "reports/html.h"
#include "reports/reader.h"

#include <math.h>
#include <string.h>

typedef sqlite3_stmt Stmt;
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Stmt, sqlite3_finalize)

/* How an output's unit is drawn: the stored value times scale, in label. */
static void
unit_scale (const char *unit, double *scale, const char **label)
{
  *scale = 1;
  *label = unit;
  if (strcmp (unit, "people") == 0)
    *scale = 1e-6, *label = "e-card holders (millions)";
  else if (strcmp (unit, "share") == 0)
    *scale = 100, *label = "share of the cardholders (%)";
  else if (strcmp (unit, "s") == 0)
    *scale = 1000, *label = "p99 latency (ms)";
}

/* "holders_2019" as an id: "holders-2019" ([a-z0-9-]+). */
static char *
id_of (const char *name)
{
  char *id = g_ascii_strdown (name, -1);
  for (char *c = id; *c; c++)
    if (!g_ascii_isalnum (*c))
      *c = '-';
  return id;
}

static gboolean
params_table (ReportCtx *ctx, GString *h, GError **error)
{
  g_autoptr (Stmt) st = report_reader_prepare (ctx, "SELECT param, name, low, high, nominal, "
                                                "nominal_default FROM sensitivity_param "
                                                "ORDER BY param", error);
  if (st == NULL)
    return FALSE;
  report_html_table_begin (h, "sensitivity-params", "The parameters: each uniform on LOW..HIGH "
                           "in the design; the tornado sets one at a time to LOW and to HIGH "
                           "and holds the others at the scenario's own value.",
                           "name", "parameter", "#low", "LOW", "#high", "HIGH", "#nominal",
                           "the scenario's value", "source", "source of that value", NULL);
  gboolean row, ok;
  while ((ok = report_reader_step (ctx, st, &row, error)) && row)
    {
      report_html_row_begin (h, report_reader_text (st, 1));
      report_html_cell (h, "name", report_reader_text (st, 1));
      report_html_num (h, "low", "%.6g", report_reader_double (st, 2));
      report_html_num (h, "high", "%.6g", report_reader_double (st, 3));
      report_html_num (h, "nominal", "%.6g", report_reader_double (st, 4));
      report_html_cell (h, "source", sqlite3_column_int (st, 5) ? "its default (not in the "
                        "scenario file)" : "the scenario file");
      report_html_row_end (h);
    }
  report_html_table_end (h);
  return ok;
}

/* One output's table of indices and tornado values, ranked. */
static gboolean
index_table (ReportCtx *ctx, GString *h, int output, const char *name, gboolean morris,
             const char *level, GError **error)
{
  g_autoptr (Stmt) st = report_reader_prepare (
      ctx, "SELECT p.name, i.rank, i.mu_star, i.mu_star_lo, i.mu_star_hi, i.mu, i.sigma, i.st, "
           "i.st_lo, i.st_hi, i.s1, i.s1_lo, i.s1_hi, t.low_value, t.high_value, t.swing "
           "FROM sensitivity_index i JOIN sensitivity_tornado t USING (output, param) "
           "JOIN sensitivity_param p USING (param) WHERE i.output = ? ORDER BY i.rank", error);
  if (st == NULL)
    return FALSE;
  sqlite3_bind_int (st, 1, output);
  g_autofree char *id = id_of (name);
  g_autofree char *table_id = g_strdup_printf ("sensitivity-%s", id);
  g_autofree char *lo = g_strdup_printf ("low end (%s%%)", level);
  g_autofree char *hi = g_strdup_printf ("high end (%s%%)", level);
  g_autofree char *caption = g_strdup_printf (
      "%s: the parameters ranked by %s, with %s%% bootstrap intervals; the tornado's output "
      "with the parameter at LOW and at HIGH (the others at the scenario's values) and the "
      "swing, HIGH minus LOW.", name,
      morris ? "mu* (the mean absolute elementary effect: the output's change over the "
               "parameter's whole range)"
             : "the total Sobol index ST (the share of the output's variance due to the "
               "parameter, alone and with the others)", level);
  if (morris)
    report_html_table_begin (h, table_id, caption, "#rank", "rank", "param", "parameter",
                             "#mu_star", "mu*", "#mu_star_lo", lo, "#mu_star_hi", hi, "#mu",
                             "mu", "#sigma", "sigma", "#low_value", "at LOW", "#high_value",
                             "at HIGH", "#swing", "swing", NULL);
  else
    report_html_table_begin (h, table_id, caption, "#rank", "rank", "param", "parameter",
                             "#st", "ST", "#st_lo", lo, "#st_hi", hi, "#s1", "S1", "#s1_lo", lo,
                             "#s1_hi", hi, "#low_value", "at LOW", "#high_value", "at HIGH",
                             "#swing", "swing", NULL);
  gboolean row, ok;
  while ((ok = report_reader_step (ctx, st, &row, error)) && row)
    {
      report_html_row_begin (h, report_reader_text (st, 0));
      report_html_num (h, "rank", "%.0f", report_reader_double (st, 1));
      report_html_cell (h, "param", report_reader_text (st, 0));
      static const char *const morris_cols[] = { "mu_star", "mu_star_lo", "mu_star_hi", "mu",
                                                 "sigma" };
      static const char *const sobol_cols[] = { "st", "st_lo", "st_hi", "s1", "s1_lo",
                                                "s1_hi" };
      if (morris)
        for (int c = 0; c < 5; c++)
          report_html_num (h, morris_cols[c], "%.4g", report_reader_double (st, 2 + c));
      else
        for (int c = 0; c < 6; c++)
          report_html_num (h, sobol_cols[c], "%.4f", report_reader_double (st, 7 + c));
      report_html_num (h, "low_value", "%.6g", report_reader_double (st, 13));
      report_html_num (h, "high_value", "%.6g", report_reader_double (st, 14));
      report_html_num (h, "swing", "%+.4g", report_reader_double (st, 15));
      report_html_row_end (h);
    }
  report_html_table_end (h);
  return ok;
}

/* One output's tornado chart. */
static gboolean
tornado_figure (ReportCtx *ctx, int output, const char *name, const char *label,
                const char *unit, double base, const char *section, GError **error)
{
  g_autoptr (Stmt) st = report_reader_prepare (
      ctx, "SELECT p.name, t.low_value, t.high_value FROM sensitivity_tornado t "
           "JOIN sensitivity_param p USING (param) WHERE t.output = ? ORDER BY t.rank", error);
  if (st == NULL)
    return FALSE;
  sqlite3_bind_int (st, 1, output);
  double scale;
  const char *axis;
  unit_scale (unit, &scale, &axis);
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GString) data = g_string_new (NULL);
  double lo = base * scale, hi = base * scale;
  gboolean row, ok;
  while ((ok = report_reader_step (ctx, st, &row, error)) && row)
    {
      double a = report_reader_double (st, 1) * scale, b = report_reader_double (st, 2) * scale;
      g_ptr_array_add (names, g_strdup (report_reader_text (st, 0)));
      g_string_append_printf (data, "%u", names->len - 1);
      report_plot_put (data, base * scale);
      report_plot_put (data, a);
      report_plot_put (data, b);
      g_string_append_c (data, '\n');
      lo = MIN (lo, MIN (a, b));
      hi = MAX (hi, MAX (a, b));
    }
  const guint k = names->len;
  if (!ok || k == 0)
    return ok;
  g_autofree char *id = id_of (name);
  g_autofree char *fig = g_strdup_printf ("sensitivity-tornado-%s", id);
  g_autofree char *title = g_strdup_printf ("Tornado: %s", name);
  g_autofree char *caption = g_strdup_printf (
      "%s, with one parameter at a time set to its LOW (blue) or HIGH (orange) value and the "
      "others at the scenario's values; the dashed line is the output at the scenario's "
      "values. Largest swing on top.", label);
  /* 170 px and 48 per parameter */
  ReportPlot *p = report_plot_new (fig, title, caption, section, 1000, 170 + 48 * (int) k);
  g_string_append (report_plot_data (p, "t"), data->str);
  double pad = hi > lo ? 0.08 * (hi - lo) : MAX (fabs (hi) * 0.05, 1e-9);
  g_autofree char *qt = report_plot_quote (title);
  g_autofree char *qx = report_plot_quote (axis);
  report_plot_printf (p, "set title %s font \",14\"\nset xlabel %s\nset grid xtics\n"
                      "set xrange [%.10g:%.10g]\nset yrange [-0.6:%g]\nset bmargin 5\n"
                      "set style fill solid 0.85 border -1\nset key outside right top "
                      "vertical\nset arrow 1 from %.10g, graph 0 to %.10g, graph 1 nohead "
                      "dt 2 lw 2 lc rgb '#444444'\nset ytics (", qt, qx, lo - pad, hi + pad,
                      k - 0.4, base * scale, base * scale);
  /* the largest swing on top: rank 1 (line 0) at y = k - 1 */
  for (guint j = 0; j < k; j++)
    {
      g_autofree char *q = report_plot_quote (names->pdata[j]);
      report_plot_printf (p, "%s%s %u", j ? ", " : "", q, k - 1 - j);
    }
  report_plot_printf (p, ")\nplot $t using (($2+$3)/2):(%u-$1):(abs($3-$2)/2):(0.32) with "
                      "boxxyerror lc rgb '#1f77b4' title \"parameter at LOW\", "
                      "$t using (($2+$4)/2):(%u-$1):(abs($4-$2)/2):(0.32) with boxxyerror "
                      "lc rgb '#ff7f0e' title \"parameter at HIGH\"\n", k - 1, k - 1);
  report_plot_render (ctx, p);
  return TRUE;
}

static char *
value (ReportCtx *ctx, const char *key)
{
  char *v = report_reader_sensitivity_value (ctx, key);
  return v != NULL ? v : g_strdup ("?");
}

gboolean
report_sensitivity (ReportCtx *ctx, GError **error)
{
  g_autofree char *method = value (ctx, "method");
  const gboolean morris = strcmp (method, "morris") == 0;
  g_autofree char *scenario = value (ctx, "scenario_path");
  g_autofree char *seed = value (ctx, "seed");
  g_autofree char *reps = value (ctx, "replications");
  g_autofree char *bootstrap = value (ctx, "bootstrap");
  g_autofree char *level_text = value (ctx, "level");
  g_autofree char *design = value (ctx, "design_points");
  g_autofree char *points = value (ctx, "points");
  g_autofree char *level = g_strdup_printf ("%g", 100 * g_ascii_strtod (level_text, NULL));
  GString *h = report_section (ctx, "sensitivity", "Sensitivity: which parameter moves each "
                               "output");
  if (morris)
    {
      g_autofree char *r = value (ctx, "trajectories");
      g_autofree char *p = value (ctx, "levels");
      g_autofree char *delta = value (ctx, "delta");
      report_html_p (h, "Morris elementary effects over the scenario %s: %s trajectories on a "
                     "grid of %s levels per parameter, each step %.4g of the parameter's range "
                     "(%s design points). An elementary effect is the output's change per "
                     "whole range of the parameter; mu* is the mean of their absolute values "
                     "(the parameter's importance), mu their mean, sigma their standard "
                     "deviation (large when the parameter acts through interactions or "
                     "non-linearly).", scenario, r, p, g_ascii_strtod (delta, NULL), design);
    }
  else
    {
      g_autofree char *n = value (ctx, "samples");
      report_html_p (h, "Sobol indices over the scenario %s by Saltelli sampling: matrices A "
                     "and B of %s rows of independent uniform draws (plain Monte Carlo) and A "
                     "with each column from B (%s design points); first-order indices S1 by "
                     "Saltelli et al. (2010), total indices ST by Jansen (1999).", scenario, n,
                     design);
    }
  report_html_p (h, "Every point is the scenario with the parameters set, run with seed %s "
                 "and %s replication%s (common random numbers: the points differ by their "
                 "values only); %s runs in all with the scenario's own values and the "
                 "tornado. Intervals: %s%% bootstrap percentile intervals from %s resamples "
                 "of the %s.", seed, reps, strcmp (reps, "1") ? "s" : "", points, level,
                 bootstrap, morris ? "trajectories" : "rows");
  if (!params_table (ctx, h, error))
    return FALSE;
  g_autoptr (Stmt) st = report_reader_prepare (ctx, "SELECT output, name, label, unit, base "
                                                "FROM sensitivity_output ORDER BY output",
                                                error);
  if (st == NULL)
    return FALSE;
  gboolean row, ok;
  while ((ok = report_reader_step (ctx, st, &row, error)) && row)
    {
      int o = sqlite3_column_int (st, 0);
      g_autofree char *name = g_strdup (report_reader_text (st, 1));
      g_autofree char *label = g_strdup (report_reader_text (st, 2));
      g_autofree char *unit = g_strdup (report_reader_text (st, 3));
      double base = report_reader_double (st, 4);
      g_autofree char *id = id_of (name);
      g_autofree char *section = g_strdup_printf ("sensitivity-output-%s", id);
      g_autofree char *title = g_strdup_printf ("Sensitivity of %s", name);
      GString *oh = report_section (ctx, section, title);
      report_html_p (oh, "%s (%s): %.6g at the scenario's own values.", label, unit, base);
      if (!index_table (ctx, oh, o, name, morris, level, error)
          || !tornado_figure (ctx, o, name, label, unit, base, section, error))
        return FALSE;
    }
  return ok;
}
