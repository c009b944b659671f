/* SPDX-License-Identifier: MIT */
/*
 * The calibration part's figures (calibration.h): the posterior of each
 * free parameter as a weighted histogram (small multiples, with the prior's
 * level, the posterior mean and its 90% interval), the pairs of parameters
 * as scatter plots of the particles coloured by weight (a lower-triangle
 * matrix), and, for a backtest, one fan chart per forecast quantity: the
 * forecast's mean, 50% and 90% bands by day (forecast_day), the published
 * figures fitted and held out, and the fitting cut-off.  Histograms are
 * binned here (gnuplot draws the boxes); parameters fitted on a log scale
 * are binned and drawn on logarithmic axes.  A figure gnuplot cannot draw
 * is a warning, a failing query an error.
 */
#include "reports/calibration.h"

#include "reports/gnuplot.h"
#include "reports/reader.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef sqlite3_stmt Stmt;
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Stmt, sqlite3_finalize)

#define MEAN_COLOUR "#1f4e79"
#define BAND_COLOUR "#4a90d9"
#define PRIOR_COLOUR "#888888"
#define HELD_OUT_COLOUR "#d62728"

/* Appends " value" to a datablock line, NaN for a missing one. */
static void
put (GString *b, double v)
{
  if (isfinite (v))
    g_string_append_printf (b, " %.10g", v);
  else
    g_string_append (b, " NaN");
}

/* ---- the particles -------------------------------------------------------------- */

typedef struct {
  guint n, n_params;
  double *weight;   /* [particle] */
  double *value;    /* [particle][param]; NAN where missing */
} Particles;

static void
particles_clear (Particles *pt)
{
  g_free (pt->weight);
  g_free (pt->value);
}

static gboolean
read_particles (ReportCtx *ctx, guint n_params, Particles *pt, GError **error)
{
  g_autoptr (Stmt) st = report_reader_prepare (
      ctx, "SELECT p.particle, p.weight, v.param, v.value FROM particle AS p LEFT JOIN "
           "particle_value AS v ON v.particle = p.particle ORDER BY p.particle, v.param",
      error);
  if (st == NULL)
    return FALSE;
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
  pt->n = w->len;
  pt->n_params = n_params;
  pt->weight = (double *) (void *) g_array_free (g_steal_pointer (&w), FALSE);
  pt->value = (double *) (void *) g_array_free (g_steal_pointer (&v), FALSE);
  return ok;
}

/* The axis value of x: log10 for a parameter on a log scale (NAN unless
 * positive), else x. */
static double
axis_of (const ReportCalibParam *p, double x)
{
  if (!p->log_scale)
    return x;
  return x > 0 ? log10 (x) : NAN;
}

static double
value_of (const ReportCalibParam *p, double t)
{
  return p->log_scale ? pow (10, t) : t;
}

/* ---- posterior-histograms ------------------------------------------------------------ */

/*
 * Bins the particles' values of parameter k (weighted, as a % of the total
 * weight) into b as lines "low high share", in the parameter's own units.
 * *top: the largest share; *prior: the prior's share of one bin (NAN when
 * the prior's support is not usable).  FALSE when no particle has a value.
 */
static gboolean
histogram (const Particles *pt, const ReportCalibParam *p, guint k, GString *b, double *top,
           double *prior)
{
  double t0 = INFINITY, t1 = -INFINITY, total = 0;
  guint n = 0;
  for (guint i = 0; i < pt->n; i++)
    {
      double t = axis_of (p, pt->value[(gsize) i * pt->n_params + k]), w = pt->weight[i];
      if (!isfinite (t) || !(w >= 0))
        continue;
      t0 = MIN (t0, t), t1 = MAX (t1, t);
      total += w;
      n++;
    }
  if (n == 0 || !(total > 0))
    return FALSE;
  if (t1 - t0 < 1e-12 * MAX (1.0, fabs (t0)))
    {
      double pad = p->log_scale ? 0.05 : MAX (fabs (t0) * 0.05, 1e-9);
      t0 -= pad, t1 += pad;
    }
  guint nb = CLAMP ((guint) ceil (sqrt ((double) n)), 5, 30);
  double width = (t1 - t0) / nb;
  g_autofree double *share = g_new0 (double, nb);
  for (guint i = 0; i < pt->n; i++)
    {
      double t = axis_of (p, pt->value[(gsize) i * pt->n_params + k]), w = pt->weight[i];
      if (!isfinite (t) || !(w >= 0))
        continue;
      guint bin = MIN ((guint) floor ((t - t0) / width), nb - 1);
      share[bin] += 100 * w / total;
    }
  *top = 0;
  for (guint j = 0; j < nb; j++)
    {
      g_string_append_printf (b, "%.10g %.10g", value_of (p, t0 + j * width),
                              value_of (p, t0 + (j + 1) * width));
      put (b, share[j]);
      g_string_append_c (b, '\n');
      *top = MAX (*top, share[j]);
    }
  double span = axis_of (p, p->hi) - axis_of (p, p->lo);
  *prior = isfinite (span) && span > 0 ? 100 * width / span : NAN;
  return TRUE;
}

static void
plot_histograms (ReportCtx *ctx, const ReportCalibration *cal, const Particles *pt)
{
  const guint P = cal->n_params;
  guint cols = P <= 2 ? P : P <= 4 ? 2 : 3, rows = (P + cols - 1) / cols;
  int width = cols == 1 ? 800 : 1100, height = MIN (1600, 130 + 330 * (int) rows);
  const char *title = "Posterior of each free parameter";
  g_autoptr (ReportPlot) p = report_plot_new (
      "posterior-histograms", title,
      "The weighted particles of the last generation binned for each free parameter (the "
      "bars: each bin's share of the posterior weight, %); the prior's share of one bin "
      "(dashed: a uniform prior, or log-uniform for a parameter on a logarithmic axis); the "
      "posterior mean (solid line) and its 90% interval (dotted lines: the 5% and 95% "
      "weighted quantiles).", "calibration", width, height);
  report_plot_printf (p, "set multiplot layout %u,%u title \"%s\" font \",14\" "
                         "margins %.4f,%.4f,%.4f,%.4f spacing %.4f,%.4f\n"
                         "set style fill solid 0.55 border lc rgb '%s'\n"
                         "set grid ytics lc rgb '#e4e4e4'\nset format x \"%%g\"\n"
                         "set ylabel \"posterior weight (%%)\"\n",
                      rows, cols, title, 80.0 / width, 1 - 25.0 / width, 80.0 / height,
                      1 - 60.0 / height, 80.0 / width, 100.0 / height, BAND_COLOUR);
  for (guint k = 0; k < P; k++)
    {
      const ReportCalibParam *par = &cal->params[k];
      g_autofree char *block = g_strdup_printf ("h%u", k);
      GString *b = report_plot_data (p, block);
      double top = 0, prior = NAN;
      gboolean any = histogram (pt, par, k, b, &top, &prior);
      if (!any)
        g_string_append (b, "NaN NaN NaN\n");
      double ymax = MAX (1.0, MAX (top, isfinite (prior) ? prior : 0)) * 1.15;
      g_autofree char *qt = report_plot_quote (par->name);
      report_plot_printf (p, "unset arrow\nset title %s\n%s\nset yrange [0:%g]\n", qt,
                          par->log_scale ? "set logscale x" : "unset logscale x", ymax);
      if (k == 0)
        report_plot_printf (p, "set key top right box opaque samplen 2 font \",9\"\n");
      else
        report_plot_printf (p, "unset key\n");
      if (any && isfinite (prior))
        report_plot_printf (p, "set arrow 1 from graph 0, first %.10g to graph 1, first %.10g "
                               "nohead dt 2 lw 1.5 lc rgb '%s' front\n", prior, prior,
                            PRIOR_COLOUR);
      const double at[] = { par->mean, par->q05, par->q95 };
      for (guint a = 0; a < G_N_ELEMENTS (at); a++)
        if (any && isfinite (at[a]) && (!par->log_scale || at[a] > 0))
          report_plot_printf (p, "set arrow %u from %.10g, graph 0 to %.10g, graph 1 nohead "
                                 "lw %s dt %s lc rgb '%s' front\n", 2 + a, at[a], at[a],
                              a == 0 ? "2" : "1.5", a == 0 ? "1" : "3", MEAN_COLOUR);
      report_plot_printf (p, "plot $%s using (($1+$2)/2):(0):1:2:(0):3 with boxxyerror "
                             "lc rgb '%s' notitle", block, BAND_COLOUR);
      if (k == 0)
        report_plot_printf (p, ", keyentry with boxes fs solid 0.55 lc rgb '%s' "
                               "title \"posterior\", keyentry with lines dt 2 lw 1.5 lc rgb "
                               "'%s' title \"prior\", keyentry with lines lw 2 lc rgb '%s' "
                               "title \"mean\", keyentry with lines dt 3 lw 1.5 lc rgb '%s' "
                               "title \"90%% interval\"", BAND_COLOUR, PRIOR_COLOUR,
                            MEAN_COLOUR, MEAN_COLOUR);
      report_plot_printf (p, "\n");
    }
  report_plot_printf (p, "unset multiplot\n");
  report_plot_render (ctx, g_steal_pointer (&p));
}

/* ---- posterior-pairs ----------------------------------------------------------------- */

static int
cmp_by_weight (gconstpointer a, gconstpointer b, gpointer data)
{
  const double *w = data;
  guint i = *(const guint *) a, j = *(const guint *) b;
  return w[i] < w[j] ? -1 : w[i] > w[j] ? 1 : (i > j) - (i < j);
}

static void
plot_pairs (ReportCtx *ctx, const ReportCalibration *cal, const Particles *pt)
{
  const guint P = cal->n_params, n = P - 1;
  const int cell = CLAMP (1000 / (int) n, 190, 380);
  const int left = 95, right = 120, top = 60, bottom = 90;
  const int width = left + cell * (int) n + right, height = top + cell * (int) n + bottom;
  const char *title = "Pairs of free parameters in the posterior";
  g_autoptr (ReportPlot) p = report_plot_new (
      "posterior-pairs", title,
      "Each particle of the last generation at its values of two free parameters, one panel "
      "per pair; the colour is the particle's weight relative to the largest (heavier "
      "particles drawn last, on top). Parameters fitted on a log scale have logarithmic "
      "axes. A tilt or a curve in a panel is a trade-off between the two parameters: the "
      "figures fit about as well along it.", "calibration", width, height);
  /* The particles, lightest first: weight relative to the largest, then
   * each parameter's value (NaN where it cannot be drawn). */
  g_autofree guint *order = g_new (guint, MAX (pt->n, 1));
  double wmax = 0;
  for (guint i = 0; i < pt->n; i++)
    {
      order[i] = i;
      if (isfinite (pt->weight[i]))
        wmax = MAX (wmax, pt->weight[i]);
    }
  g_qsort_with_data (order, (gint) pt->n, sizeof *order, cmp_by_weight, pt->weight);
  GString *b = report_plot_data (p, "p");
  for (guint r = 0; r < pt->n; r++)
    {
      guint i = order[r];
      put (b, wmax > 0 ? pt->weight[i] / wmax : NAN);
      for (guint k = 0; k < P; k++)
        {
          double v = pt->value[(gsize) i * P + k];
          put (b, isfinite (axis_of (&cal->params[k], v)) ? v : NAN);
        }
      g_string_append_c (b, '\n');
    }
  if (pt->n == 0)
    g_string_append (b, "NaN\n");
  report_plot_printf (p, "set multiplot title \"%s\" font \",14\"\n"
                         "set palette defined (0 '#c6dbef', 0.5 '%s', 1 '#08306b')\n"
                         "set cbrange [0:1]\nset cbtics 0,0.25,1 font \",9\"\n"
                         "set cblabel \"weight / largest weight\"\n"
                         "set grid lc rgb '#eeeeee'\nset format x \"%%.3g\"\n"
                         "set format y \"%%.3g\"\nset tics font \",9\"\n"
                         "set xtics rotate by 30 right\nunset key\n",
                      title, BAND_COLOUR);
  for (guint i = 1; i < P; i++)
    for (guint j = 0; j < i; j++)
      {
        const ReportCalibParam *px = &cal->params[j], *py = &cal->params[i];
        /* The panel's frame in screen coordinates. */
        double l = (left + (double) j * cell + 8) / width;
        double r = (left + (double) (j + 1) * cell - 8) / width;
        double t = 1 - (top + (double) (i - 1) * cell + 8) / height;
        double bt = 1 - (top + (double) i * cell - 8) / height;
        report_plot_printf (p, "set lmargin at screen %.5f\nset rmargin at screen %.5f\n"
                               "set tmargin at screen %.5f\nset bmargin at screen %.5f\n"
                               "%s\n%s\n", l, r, t, bt,
                            px->log_scale ? "set logscale x" : "unset logscale x",
                            py->log_scale ? "set logscale y" : "unset logscale y");
        g_autofree char *qx = report_plot_quote (px->name);
        g_autofree char *qy = report_plot_quote (py->name);
        if (i == P - 1)
          report_plot_printf (p, "set xlabel %s offset 0,0.3\nset format x \"%%.3g\"\n", qx);
        else
          report_plot_printf (p, "unset xlabel\nset format x \"\"\n");
        if (j == 0)
          report_plot_printf (p, "set ylabel %s offset 0.5,0\nset format y \"%%.3g\"\n", qy);
        else
          report_plot_printf (p, "unset ylabel\nset format y \"\"\n");
        if (i == 1 && j == 0)
          report_plot_printf (p, "set colorbox user origin screen %.5f, screen %.5f size "
                                 "screen %.5f, screen %.5f\n",
                              (width - right + 25.0) / width, (double) bottom / height,
                              18.0 / width, 1 - (double) (top + bottom) / height);
        else
          report_plot_printf (p, "unset colorbox\n");
        report_plot_printf (p, "plot $p using %u:%u:1 with points pt 7 ps 0.7 lc palette "
                               "notitle\n", j + 2, i + 2);
      }
  report_plot_printf (p, "unset multiplot\n");
  report_plot_render (ctx, g_steal_pointer (&p));
}

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
          put (b, v);
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
  Particles pt = { 0 };
  if (!read_particles (ctx, cal->n_params, &pt, error))
    {
      particles_clear (&pt);
      return FALSE;
    }
  if (cal->n_params == 0 || pt.n == 0)
    report_warn (ctx, "the posterior's figures are left out: the database holds no %s",
                 cal->n_params == 0 ? "parameters" : "particles");
  else
    {
      plot_histograms (ctx, cal, &pt);
      if (cal->n_params >= 2)
        plot_pairs (ctx, cal, &pt);
    }
  particles_clear (&pt);
  return !has_backtest || plot_fans (ctx, cal, error);
}
