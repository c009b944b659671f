/* SPDX-License-Identifier: MIT */
/*
 * Drawing a weighted posterior sample (posterior_plots.h): its histograms
 * and its pairs.  Histograms are binned here (gnuplot draws the boxes) in
 * axis units, log10 of the value for a parameter on a log scale, so that
 * its bins are log-spaced; the datablocks hold the parameters' own units.
 * A draw whose value cannot stand on its axis (missing, or not positive on
 * a log axis) or whose weight is not a finite non-negative number is left
 * out of every figure.  The work is a few passes over draws x parameters.
 */
#include "reports/posterior_plots.h"

#include "reports/gnuplot.h"

#include <math.h>

#define MEAN_COLOUR "#1f4e79"
#define BAND_COLOUR "#4a90d9"
#define PRIOR_COLOUR "#888888"
#define DRAWN_COLOUR "#d62728"

/* ---- the sample ------------------------------------------------------------------ */

static double *
nans (gsize n)
{
  double *a = g_new (double, MAX (n, 1));
  for (gsize i = 0; i < n; i++)
    a[i] = NAN;
  return a;
}

ReportPosterior *
report_posterior_new (guint n_params, guint n_draws)
{
  ReportPosterior *p = g_new0 (ReportPosterior, 1);
  p->n_params = n_params;
  p->n_draws = n_draws;
  p->names = g_new0 (char *, n_params + 1);
  p->lo = nans (n_params);
  p->hi = nans (n_params);
  p->log_scale = g_new0 (gboolean, MAX (n_params, 1));
  p->mean = nans (n_params);
  p->q05 = nans (n_params);
  p->q95 = nans (n_params);
  p->weight = g_new0 (double, MAX (n_draws, 1));
  p->value = nans ((gsize) n_draws * n_params);
  p->highlight = g_new0 (gboolean, MAX (n_draws, 1));
  return p;
}

void
report_posterior_free (ReportPosterior *p)
{
  if (p == NULL)
    return;
  g_strfreev (p->names);
  g_free (p->lo);
  g_free (p->hi);
  g_free (p->log_scale);
  g_free (p->mean);
  g_free (p->q05);
  g_free (p->q95);
  g_free (p->weight);
  g_free (p->value);
  g_free (p->highlight);
  g_free (p);
}

/* The axis value of parameter k's x: log10 on a log scale (NAN unless
 * positive), else x. */
static double
axis_of (const ReportPosterior *p, guint k, double x)
{
  if (!p->log_scale[k])
    return x;
  return x > 0 ? log10 (x) : NAN;
}

static double
value_of (const ReportPosterior *p, guint k, double t)
{
  return p->log_scale[k] ? pow (10, t) : t;
}

/* Draw d's parameter k on its axis; NAN where it cannot be drawn. */
static double
axis_value (const ReportPosterior *p, guint d, guint k)
{
  return axis_of (p, k, p->value[(gsize) d * p->n_params + k]);
}

static gboolean
usable_weight (double w)
{
  return isfinite (w) && w >= 0;
}

/* Parameter k's prior support on its axis; FALSE when it is unknown or
 * cannot stand on the axis. */
static gboolean
prior_span (const ReportPosterior *p, guint k, double *t0, double *t1)
{
  *t0 = axis_of (p, k, p->lo[k]);
  *t1 = axis_of (p, k, p->hi[k]);
  return isfinite (*t0) && isfinite (*t1) && *t0 < *t1;
}

/* "set xrange [lo:hi]" over parameter k's prior for span PRIOR where it is
 * known, else "set autoscale x" (axis "x" or "y"). */
static void
set_range (ReportPlot *plot, const ReportPosterior *p, guint k, const ReportPosteriorFigure *fig,
           const char *axis)
{
  double t0, t1;
  if (fig->span == REPORT_POSTERIOR_SPAN_PRIOR && prior_span (p, k, &t0, &t1))
    report_plot_printf (plot, "set %srange [%.10g:%.10g]\n", axis, p->lo[k], p->hi[k]);
  else
    report_plot_printf (plot, "set autoscale %s\n", axis);
}

/* ---- the histograms -------------------------------------------------------------- */

/*
 * Bins parameter k's draws (weighted, as a % of the total weight) into b as
 * lines "low high share", in the parameter's own units, over the prior's
 * support (span PRIOR, where known) or the draws' range.  *top: the largest
 * share; *prior: the prior's share of one bin (NAN when its support is
 * unknown).  FALSE when no draw has a value.
 */
static gboolean
histogram (const ReportPosterior *p, guint k, const ReportPosteriorFigure *fig, GString *b,
           double *top, double *prior)
{
  double t0 = INFINITY, t1 = -INFINITY, total = 0;
  guint n = 0;
  *top = 0;
  *prior = NAN;
  for (guint d = 0; d < p->n_draws; d++)
    {
      double t = axis_value (p, d, k);
      if (!isfinite (t) || !usable_weight (p->weight[d]))
        continue;
      t0 = MIN (t0, t), t1 = MAX (t1, t);
      total += p->weight[d];
      n++;
    }
  if (n == 0 || !(total > 0))
    return FALSE;
  double p0, p1;
  gboolean known = prior_span (p, k, &p0, &p1);
  if (fig->span == REPORT_POSTERIOR_SPAN_PRIOR && known)
    t0 = p0, t1 = p1;
  else if (t1 - t0 < 1e-12 * MAX (1.0, fabs (t0)))
    {
      double pad = p->log_scale[k] ? 0.05 : MAX (fabs (t0) * 0.05, 1e-9);
      t0 -= pad, t1 += pad;
    }
  guint nb = fig->n_bins > 0 ? fig->n_bins : CLAMP ((guint) ceil (sqrt ((double) n)), 5, 30);
  double width = (t1 - t0) / nb, slack = 1e-9 * (t1 - t0);
  g_autofree double *share = g_new0 (double, nb);
  for (guint d = 0; d < p->n_draws; d++)
    {
      double t = axis_value (p, d, k), w = p->weight[d];
      if (!isfinite (t) || !usable_weight (w) || t < t0 - slack || t > t1 + slack)
        continue;
      guint bin = t <= t0 ? 0 : MIN ((guint) floor ((t - t0) / width), nb - 1);
      share[bin] += 100 * w / total;
    }
  for (guint j = 0; j < nb; j++)
    {
      g_string_append_printf (b, "%.10g %.10g", value_of (p, k, t0 + j * width),
                              value_of (p, k, t0 + (j + 1) * width));
      report_plot_put (b, share[j]);
      g_string_append_c (b, '\n');
      *top = MAX (*top, share[j]);
    }
  if (known)
    *prior = 100 * width / (p1 - p0);
  return TRUE;
}

/* The key of the first panel: the marks some panel has. */
static void
histogram_key (ReportPlot *plot, const ReportPosterior *p)
{
  gboolean prior = FALSE, mean = FALSE, interval = FALSE;
  for (guint k = 0; k < p->n_params; k++)
    {
      double t0, t1;
      prior |= prior_span (p, k, &t0, &t1);
      mean |= isfinite (p->mean[k]);
      interval |= isfinite (p->q05[k]) || isfinite (p->q95[k]);
    }
  report_plot_printf (plot, ", keyentry with boxes fs solid 0.55 lc rgb '%s' title "
                            "\"posterior\"", BAND_COLOUR);
  if (prior)
    report_plot_printf (plot, ", keyentry with lines dt 2 lw 1.5 lc rgb '%s' title \"prior\"",
                        PRIOR_COLOUR);
  if (mean)
    report_plot_printf (plot, ", keyentry with lines lw 2 lc rgb '%s' title \"mean\"",
                        MEAN_COLOUR);
  if (interval)
    report_plot_printf (plot, ", keyentry with lines dt 3 lw 1.5 lc rgb '%s' title "
                              "\"90%% interval\"", MEAN_COLOUR);
}

gboolean
report_posterior_histograms (ReportCtx *ctx, const ReportPosterior *post,
                             const ReportPosteriorFigure *fig)
{
  const guint P = post->n_params;
  g_return_val_if_fail (P > 0, FALSE);
  guint cols = P <= 2 ? P : P <= 4 ? 2 : 3, rows = (P + cols - 1) / cols;
  int width = cols == 1 ? 800 : 1100, height = MIN (1600, 130 + 330 * (int) rows);
  g_autoptr (ReportPlot) p = report_plot_new (fig->name, fig->title, fig->caption,
                                              fig->section, width, height);
  g_autofree char *title = report_plot_quote (fig->title);
  report_plot_printf (p, "set multiplot layout %u,%u title %s font \",14\" "
                         "margins %.4f,%.4f,%.4f,%.4f spacing %.4f,%.4f\n"
                         "set style fill solid 0.55 border lc rgb '%s'\n"
                         "set grid ytics lc rgb '#e4e4e4'\nset format x \"%%g\"\n"
                         "set ylabel \"posterior weight (%%)\"\n",
                      rows, cols, title, 80.0 / width, 1 - 25.0 / width, 80.0 / height,
                      1 - 60.0 / height, 80.0 / width, 100.0 / height, BAND_COLOUR);
  for (guint k = 0; k < P; k++)
    {
      g_autofree char *block = g_strdup_printf ("h%u", k);
      GString *b = report_plot_data (p, block);
      double top = 0, prior = NAN;
      gboolean any = histogram (post, k, fig, b, &top, &prior);
      if (!any)
        g_string_append (b, "NaN NaN NaN\n");
      double ymax = MAX (1.0, MAX (top, isfinite (prior) ? prior : 0)) * 1.15;
      g_autofree char *qt = report_plot_quote (post->names[k]);
      report_plot_printf (p, "unset arrow\nset title %s\n%s\nset yrange [0:%g]\n", qt,
                          post->log_scale[k] ? "set logscale x" : "unset logscale x", ymax);
      set_range (p, post, k, fig, "x");
      if (k == 0)
        report_plot_printf (p, "set key top right box opaque samplen 2 font \",9\"\n");
      else
        report_plot_printf (p, "unset key\n");
      if (any && isfinite (prior))
        report_plot_printf (p, "set arrow 1 from graph 0, first %.10g to graph 1, first %.10g "
                               "nohead dt 2 lw 1.5 lc rgb '%s' front\n", prior, prior,
                            PRIOR_COLOUR);
      const double at[] = { post->mean[k], post->q05[k], post->q95[k] };
      for (guint a = 0; a < G_N_ELEMENTS (at); a++)
        if (any && isfinite (axis_of (post, k, at[a])))
          report_plot_printf (p, "set arrow %u from %.10g, graph 0 to %.10g, graph 1 nohead "
                                 "lw %s dt %s lc rgb '%s' front\n", 2 + a, at[a], at[a],
                              a == 0 ? "2" : "1.5", a == 0 ? "1" : "3", MEAN_COLOUR);
      report_plot_printf (p, "plot $%s using (($1+$2)/2):(0):1:2:(0):3 with boxxyerror "
                             "lc rgb '%s' notitle", block, BAND_COLOUR);
      if (k == 0)
        histogram_key (p, post);
      report_plot_printf (p, "\n");
    }
  report_plot_printf (p, "unset multiplot\n");
  return report_plot_render (ctx, g_steal_pointer (&p));
}

/* ---- the pairs ------------------------------------------------------------------- */

static int
cmp_by_weight (gconstpointer a, gconstpointer b, gpointer data)
{
  const double *w = data;
  guint i = *(const guint *) a, j = *(const guint *) b;
  return w[i] < w[j] ? -1 : w[i] > w[j] ? 1 : (i > j) - (i < j);
}

/* Appends draw d to b: its weight relative to wmax, then each parameter's
 * value (NaN where it cannot be drawn). */
static void
pairs_line (const ReportPosterior *p, guint d, double wmax, GString *b)
{
  report_plot_put (b, wmax > 0 ? p->weight[d] / wmax : NAN);
  for (guint k = 0; k < p->n_params; k++)
    report_plot_put (b, isfinite (axis_value (p, d, k)) ? p->value[(gsize) d * p->n_params + k]
                                                          : NAN);
  g_string_append_c (b, '\n');
}

gboolean
report_posterior_pairs (ReportCtx *ctx, const ReportPosterior *post,
                        const ReportPosteriorFigure *fig)
{
  const guint P = post->n_params;
  if (P < 2)
    return FALSE;
  const guint n = P - 1;
  const int cell = CLAMP (1000 / (int) n, 190, 380);
  const int left = 95, right = 120, top = 60, bottom = 90;
  const int width = left + cell * (int) n + right, height = top + cell * (int) n + bottom;
  g_autoptr (ReportPlot) p = report_plot_new (fig->name, fig->title, fig->caption,
                                              fig->section, width, height);
  /* The draws, lightest first (heavier ones drawn on top); the highlighted
   * ones again in $u. */
  g_autofree guint *order = g_new (guint, MAX (post->n_draws, 1));
  double wmax = 0;
  for (guint d = 0; d < post->n_draws; d++)
    {
      order[d] = d;
      if (isfinite (post->weight[d]))
        wmax = MAX (wmax, post->weight[d]);
    }
  g_qsort_with_data (order, (gint) post->n_draws, sizeof *order, cmp_by_weight, post->weight);
  GString *b = report_plot_data (p, "p");
  g_autoptr (GString) u = g_string_new (NULL);
  for (guint r = 0; r < post->n_draws; r++)
    {
      pairs_line (post, order[r], wmax, b);
      if (post->highlight[order[r]])
        pairs_line (post, order[r], wmax, u);
    }
  if (post->n_draws == 0)
    g_string_append (b, "NaN\n");
  if (u->len > 0)
    g_string_append (report_plot_data (p, "u"), u->str);
  g_autofree char *title = report_plot_quote (fig->title);
  report_plot_printf (p, "set multiplot title %s font \",14\"\n"
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
        /* Panel (i, j): parameter j across, i up; its frame in screen
         * coordinates. */
        double l = (left + (double) j * cell + 8) / width;
        double r = (left + (double) (j + 1) * cell - 8) / width;
        double t = 1 - (top + (double) (i - 1) * cell + 8) / height;
        double bt = 1 - (top + (double) i * cell - 8) / height;
        report_plot_printf (p, "set lmargin at screen %.5f\nset rmargin at screen %.5f\n"
                               "set tmargin at screen %.5f\nset bmargin at screen %.5f\n"
                               "%s\n%s\n", l, r, t, bt,
                            post->log_scale[j] ? "set logscale x" : "unset logscale x",
                            post->log_scale[i] ? "set logscale y" : "unset logscale y");
        set_range (p, post, j, fig, "x");
        set_range (p, post, i, fig, "y");
        g_autofree char *qx = report_plot_quote (post->names[j]);
        g_autofree char *qy = report_plot_quote (post->names[i]);
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
                               "notitle", j + 2, i + 2);
        if (u->len > 0)
          report_plot_printf (p, ", $u using %u:%u with points pt 6 ps 1.6 lw 1.5 lc rgb "
                                 "'%s' notitle", j + 2, i + 2, DRAWN_COLOUR);
        report_plot_printf (p, "\n");
      }
  report_plot_printf (p, "unset multiplot\n");
  return report_plot_render (ctx, g_steal_pointer (&p));
}
