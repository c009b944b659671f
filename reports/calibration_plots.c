/* SPDX-License-Identifier: MIT */
/*
 * The calibration part's figures (calibration.h): the posterior of each
 * free parameter as a weighted histogram (small multiples, with the prior's
 * level, the posterior mean and its 90% interval) and the pairs of
 * parameters as scatter plots of the particles coloured by weight (a
 * lower-triangle matrix), both drawn by posterior_plots.h from the
 * particles of the last generation read here; and, for a backtest, one fan
 * chart per forecast quantity: the forecast's mean, 50% and 90% bands by
 * day (forecast_day), the published figures fitted and held out, and the
 * fitting cut-off.  A figure gnuplot cannot draw is a warning, a failing
 * query an error.
 */
#include "reports/calibration.h"

#include "reports/gnuplot.h"
#include "reports/posterior_plots.h"
#include "reports/reader.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef sqlite3_stmt Stmt;
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Stmt, sqlite3_finalize)

#define MEAN_COLOUR "#1f4e79"
#define BAND_COLOUR "#4a90d9"
#define HELD_OUT_COLOUR "#d62728"

/* ---- the posterior ------------------------------------------------------------- */

/* Returns: (transfer full) the particles of the last generation with the
 * parameters' priors and posterior summaries, as posterior_plots.h draws
 * them; NULL on a database error. */
static ReportPosterior *
read_particles (ReportCtx *ctx, const ReportCalibration *cal, GError **error)
{
  const guint n_params = cal->n_params;
  g_autoptr (Stmt) st = report_reader_prepare (
      ctx, "SELECT p.particle, p.weight, v.param, v.value FROM particle AS p LEFT JOIN "
           "particle_value AS v ON v.particle = p.particle ORDER BY p.particle, v.param",
      error);
  if (st == NULL)
    return NULL;
  g_autoptr (GArray) w = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr (GArray) v = g_array_new (FALSE, FALSE, sizeof (double));
  gint64 current = G_MININT64;
  gboolean row = FALSE, ok;
  while ((ok = report_reader_step (ctx, st, &row, error)) && row)
    {
      gint64 id = sqlite3_column_int64 (st, 0);
      if (id != current)
        {
          current = id;
          double weight = report_reader_double (st, 1);
          g_array_append_val (w, weight);
          for (guint p = 0; p < n_params; p++)
            {
              double missing = NAN;
              g_array_append_val (v, missing);
            }
        }
      gint64 param = sqlite3_column_type (st, 2) == SQLITE_NULL ? -1
                                                               : sqlite3_column_int64 (st, 2);
      if (param >= 0 && param < n_params)
        g_array_index (v, double, (w->len - 1) * (gsize) n_params + (gsize) param)
            = report_reader_double (st, 3);
    }
  if (!ok)
    return NULL;
  ReportPosterior *post = report_posterior_new (n_params, w->len);
  memcpy (post->weight, w->data, w->len * sizeof (double));
  memcpy (post->value, v->data, v->len * sizeof (double));
  for (guint k = 0; k < n_params; k++)
    {
      const ReportCalibParam *par = &cal->params[k];
      post->names[k] = g_strdup (par->name);
      post->lo[k] = par->lo, post->hi[k] = par->hi;
      post->log_scale[k] = par->log_scale;
      post->mean[k] = par->mean, post->q05[k] = par->q05, post->q95[k] = par->q95;
    }
  return post;
}

static const ReportPosteriorFigure histograms = {
  .name = "posterior-histograms", .section = "calibration",
  .title = "Posterior of each free parameter",
  .caption = "The weighted particles of the last generation binned for each free parameter "
             "(the bars: each bin's share of the posterior weight, %); the prior's share of "
             "one bin (dashed: a uniform prior, or log-uniform for a parameter on a "
             "logarithmic axis); the posterior mean (solid line) and its 90% interval "
             "(dotted lines: the 5% and 95% weighted quantiles).",
  .span = REPORT_POSTERIOR_SPAN_DRAWS,
};

static const ReportPosteriorFigure pairs = {
  .name = "posterior-pairs", .section = "calibration",
  .title = "Pairs of free parameters in the posterior",
  .caption = "Each particle of the last generation at its values of two free parameters, one "
             "panel per pair; the colour is the particle's weight relative to the largest "
             "(heavier particles drawn last, on top). Parameters fitted on a log scale have "
             "logarithmic axes. A tilt or a curve in a panel is a trade-off between the two "
             "parameters: the figures fit about as well along it.",
  .span = REPORT_POSTERIOR_SPAN_DRAWS,
};

/* ---- backtest fan charts --------------------------------------------------------------- */

/* How a quantity is named on an axis. */
static const char *
quantity_label (const char *q)
{
  static const char *const labels[][2] = {
    { "ecard_holders", "e-card holders" },
    { "channels", "channels live" },
    { "mobile_payment_cities", "cities with mobile payment" },
    { "physical_holders", "physical cardholders" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (labels); i++)
    if (strcmp (q, labels[i][0]) == 0)
      return labels[i][1];
  return q;
}

/* Returns: (transfer full) the figure name of a quantity: backtest-NAME,
 * [a-z0-9-] only. */
static char *
fan_name (const char *q)
{
  GString *s = g_string_new ("backtest-");
  for (const char *c = q; *c; c++)
    g_string_append_c (s, g_ascii_isalnum (*c) ? g_ascii_tolower (*c) : '-');
  return g_string_free (s, FALSE);
}

/* Reads st's rows "DATE v..." (n_cols columns, the first a date) into b;
 * *n: lines; *max: the largest value. */
static gboolean
read_rows (ReportCtx *ctx, Stmt *st, GString *b, int n_cols, guint *n, double *max,
           GError **error)
{
  gboolean row = FALSE, ok;
  *n = 0;
  while ((ok = report_reader_step (ctx, st, &row, error)) && row)
    {
      if (!report_calibration_is_date (report_reader_text (st, 0)))
        continue;
      g_string_append (b, report_reader_text (st, 0));
      for (int i = 1; i < n_cols; i++)
        {
          double v = report_reader_double (st, i);
          report_plot_put (b, v);
          if (isfinite (v))
            *max = MAX (*max, v);
        }
      g_string_append_c (b, '\n');
      (*n)++;
    }
  return ok;
}

static gboolean
plot_fan (ReportCtx *ctx, const ReportCalibration *cal, const char *quantity, GError **error)
{
  g_autofree char *name = fan_name (quantity);
  const char *label = quantity_label (quantity);
  g_autofree char *title = g_strdup_printf ("Backtest: %s forecast from the posterior", label);
  g_autofree char *caption = g_strdup_printf (
      "The forecast of %s from the scenario's start, each replication drawing its free "
      "parameters from the posterior: the mean over the replications (line), its 50%% "
      "(darker band) and 90%% (lighter band) intervals; the published figures fitted "
      "(black points) and those held out after the fitting cut-off %s (red diamonds, the "
      "backtest), with the cut-off as a dashed vertical line.",
      label, cal->fit_until ? cal->fit_until : "?");
  g_autoptr (ReportPlot) p = report_plot_new (name, title, caption, "backtest", 1100, 600);
  g_autoptr (Stmt) fan = report_reader_prepare (
      ctx, "SELECT date, mean, q05, q25, q75, q95 FROM forecast_day WHERE series = ? "
           "ORDER BY date", error);
  g_autoptr (Stmt) fit = fan ? report_reader_prepare (
      ctx, "SELECT date, published FROM fit WHERE quantity = ? ORDER BY date", error) : NULL;
  g_autoptr (Stmt) held = fit ? report_reader_prepare (
      ctx, "SELECT date, published FROM backtest WHERE quantity = ? ORDER BY date", error)
                              : NULL;
  if (held == NULL)
    return FALSE;
  sqlite3_bind_text (fan, 1, quantity, -1, SQLITE_STATIC);
  sqlite3_bind_text (fit, 1, quantity, -1, SQLITE_STATIC);
  sqlite3_bind_text (held, 1, quantity, -1, SQLITE_STATIC);
  double max = 0;
  guint n_fan = 0, n_fit = 0, n_held = 0;
  if (!read_rows (ctx, fan, report_plot_data (p, "f"), 6, &n_fan, &max, error)
      || !read_rows (ctx, fit, report_plot_data (p, "fit"), 2, &n_fit, &max, error)
      || !read_rows (ctx, held, report_plot_data (p, "bt"), 2, &n_held, &max, error))
    return FALSE;
  if (n_fan == 0)
    {
      report_warn (ctx, "figure %s left out: forecast_day has no series %s (the database "
                   "holds no forecast run of it)", name, quantity);
      return TRUE;
    }
  const double scale = max >= 1e6 ? 1e6 : 1;
  g_autofree char *qt = report_plot_quote (title);
  g_autofree char *ylabel = g_strdup_printf ("%s%s", label, scale > 1 ? " (millions)" : "");
  g_autofree char *qy = report_plot_quote (ylabel);
  report_plot_printf (p, "set title %s font \",13\"\nset bmargin 5\nset xlabel \"date\"\n"
                         "set ylabel %s\nset yrange [0:*]\nset offsets 0, 0, graph 0.06, 0\n"
                         "set xdata time\n"
                         "set timefmt \"%%Y-%%m-%%d\"\nset format x \"%%Y-%%m\"\n"
                         "set autoscale xfix\nset grid xtics ytics lc rgb '#dddddd'\n"
                         "set key top left box opaque samplen 3 spacing 1.2\n",
                      qt, qy);
  if (cal->fit_until != NULL)
    report_plot_printf (p, "set arrow 1 from \"%s\", graph 0 to \"%s\", graph 1 nohead dt 2 "
                           "lw 1.5 lc rgb '#444444' front\n"
                           "set label 1 \"fit until %s\" at \"%s\", graph 0.55 right "
                           "rotate by 90 offset -2,0 tc rgb '#444444' front\n",
                        cal->fit_until, cal->fit_until, cal->fit_until, cal->fit_until);
  report_plot_printf (p, "plot $f using 1:($3/%g):($6/%g) with filledcurves fs transparent "
                         "solid 0.22 noborder lc rgb '%s' title \"90%% interval\", \\\n"
                         "  $f using 1:($4/%g):($5/%g) with filledcurves fs transparent "
                         "solid 0.45 noborder lc rgb '%s' title \"50%% interval\", \\\n"
                         "  $f using 1:($2/%g) with lines lw 2 lc rgb '%s' "
                         "title \"forecast mean\"",
                      scale, scale, BAND_COLOUR, scale, scale, BAND_COLOUR, scale, MEAN_COLOUR);
  if (n_fit > 0)
    report_plot_printf (p, ", \\\n  $fit using 1:($2/%g) with points pt 7 ps 1.3 lc rgb "
                           "'black' title \"published, fitted\"", scale);
  if (n_held > 0)
    report_plot_printf (p, ", \\\n  $bt using 1:($2/%g) with points pt 13 ps 1.8 lc rgb "
                           "'%s' title \"published, held out\"", scale, HELD_OUT_COLOUR);
  report_plot_printf (p, "\n");
  report_plot_render (ctx, g_steal_pointer (&p));
  return TRUE;
}

static gboolean
plot_fans (ReportCtx *ctx, const ReportCalibration *cal, GError **error)
{
  if (!report_reader_has_rows (ctx, "forecast_day"))
    {
      report_warn (ctx, "the backtest's fan charts are left out: the database holds no "
                   "forecast run (forecast_day is empty)");
      return TRUE;
    }
  g_autoptr (Stmt) st = report_reader_prepare (ctx, "SELECT quantity FROM backtest GROUP BY "
                                                "quantity ORDER BY MIN (figure)", error);
  if (st == NULL)
    return FALSE;
  g_autoptr (GPtrArray) quantities = g_ptr_array_new_with_free_func (g_free);
  gboolean row = FALSE, ok;
  while ((ok = report_reader_step (ctx, st, &row, error)) && row)
    g_ptr_array_add (quantities, g_strdup (report_reader_text (st, 0)));
  for (guint i = 0; ok && i < quantities->len; i++)
    ok = plot_fan (ctx, cal, quantities->pdata[i], error);
  return ok;
}

gboolean
report_calibration_plots (ReportCtx *ctx, const ReportCalibration *cal, gboolean has_backtest,
                          GError **error)
{
  g_autoptr (ReportPosterior) post = read_particles (ctx, cal, error);
  if (post == NULL)
    return FALSE;
  if (cal->n_params == 0 || post->n_draws == 0)
    report_warn (ctx, "the posterior's figures are left out: the database holds no %s",
                 cal->n_params == 0 ? "parameters" : "particles");
  else
    {
      report_posterior_histograms (ctx, post, &histograms);
      report_posterior_pairs (ctx, post, &pairs);
    }
  return !has_backtest || plot_fans (ctx, cal, error);
}
