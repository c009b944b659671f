/* SPDX-License-Identifier: MIT */
/*
 * The report's "Forecast" section (rollout.h), from a run database of
 * schema essc-simdb/3 (docs/RUNDB.md): what the intervals over the
 * replications hold (run.interval: chance alone, or also the parameters
 * each replication drew from the scenario's posterior); a fan chart of the
 * national e-card holders (mean, 50% and 90% intervals, the published
 * holder counts); the holders of each age band and area and their share of
 * the cell's residents, as a table on the target dates and the last day
 * and as a figure over time; the channels live (catalogue and arrivals)
 * against the published channel counts; and, when the database holds a
 * posterior, a table of each free parameter's weighted posterior, its
 * weighted histograms and a scatter plot of every pair of parameters (drawn
 * by posterior_plots.h from the posterior read here, the draws the
 * replications used circled).
 * Every number is a value of the database or a weighted mean or quantile
 * of its posterior rows; the tables keep the ids, row and column keys a
 * test compares with the database.
 */
#include "reports/rollout.h"

#include "reports/gnuplot.h"
#include "reports/html.h"
#include "reports/posterior_plots.h"
#include "reports/reader.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef sqlite3_stmt Stmt;
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Stmt, sqlite3_finalize)

#define MEAN_COLOUR "#1f4e79"
#define BAND_COLOUR "#4a90d9"

/* Bins of a posterior histogram. */
#define N_BINS 20

/* The cells of the national_day series holders_CELL and people_CELL. */
typedef struct {
  const char *key, *area, *band;
  int band_index;  /* 0-17, 18-59, 60+ */
  gboolean rural;
} Cell;

static const Cell cells[] = {
  { "urban_0_17", "urban", "0-17", 0, FALSE },
  { "urban_18_59", "urban", "18-59", 1, FALSE },
  { "urban_60_plus", "urban", "60+", 2, FALSE },
  { "rural_0_17", "rural", "0-17", 0, TRUE },
  { "rural_18_59", "rural", "18-59", 1, TRUE },
  { "rural_60_plus", "rural", "60+", 2, TRUE },
  { "all_0_17", "all areas", "0-17", 0, FALSE },
  { "all_18_59", "all areas", "18-59", 1, FALSE },
  { "all_60_plus", "all areas", "60+", 2, FALSE },
};
static const char *const band_colour[3] = { "#2ca02c", "#1f77b4", "#d62728" };

/* The cells whose holders series the database has, in the order above. */
static gboolean
present_cells (ReportCtx *ctx, GArray *out, GError **error)
{
  g_autoptr (Stmt) st = report_reader_prepare (ctx, "SELECT 1 FROM national_day WHERE series = "
                                                "'holders_' || ? LIMIT 1", error);
  if (st == NULL)
    return FALSE;
  for (guint k = 0; k < G_N_ELEMENTS (cells); k++)
    {
      gboolean row = FALSE;
      sqlite3_bind_text (st, 1, cells[k].key, -1, SQLITE_STATIC);
      if (!report_reader_step (ctx, st, &row, error))
        return FALSE;
      sqlite3_reset (st);
      if (row)
        g_array_append_val (out, k);
    }
  return TRUE;
}

/* ---- the posterior ------------------------------------------------------------ */

static int
param_index (const ReportPosterior *p, const char *name)
{
  for (guint i = 0; i < p->n_params; i++)
    if (strcmp (p->names[i], name) == 0)
      return (int) i;
  return -1;
}

/* Reads the posterior table (NULL in *out when it has no rows). */
static gboolean
read_posterior (ReportCtx *ctx, ReportPosterior **out, GError **error)
{
  *out = NULL;
  if (!report_reader_has_rows (ctx, "posterior"))
    return TRUE;
  g_autoptr (Stmt) params = report_reader_prepare (
      ctx, "SELECT q.param, p.lo, p.hi, p.scale FROM (SELECT DISTINCT param FROM posterior) "
           "AS q LEFT JOIN parameter AS p ON p.name = q.param ORDER BY p.rowid, q.param", error);
  g_autoptr (Stmt) count = params ? report_reader_prepare (
      ctx, "SELECT COUNT (DISTINCT draw) FROM posterior", error) : NULL;
  g_autoptr (Stmt) rows = count ? report_reader_prepare (
      ctx, "SELECT draw, weight, param, value FROM posterior ORDER BY draw, param", error) : NULL;
  g_autoptr (Stmt) reps = rows ? report_reader_prepare (
      ctx, "SELECT DISTINCT posterior_draw FROM replication WHERE posterior_draw IS NOT NULL",
      error) : NULL;
  if (reps == NULL)
    return FALSE;
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GArray) lo = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr (GArray) hi = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr (GArray) lg = g_array_new (FALSE, FALSE, sizeof (gboolean));
  gboolean row = FALSE, ok;
  while ((ok = report_reader_step (ctx, params, &row, error)) && row)
    {
      double l = report_reader_double (params, 1), h = report_reader_double (params, 2);
      gboolean is_log = strcmp (report_reader_text (params, 3), "log") == 0;
      g_ptr_array_add (names, g_strdup (report_reader_text (params, 0)));
      g_array_append_val (lo, l);
      g_array_append_val (hi, h);
      g_array_append_val (lg, is_log);
    }
  if (!ok || !report_reader_step (ctx, count, &row, error))
    return FALSE;
  guint n_draws = row ? (guint) MAX (0, sqlite3_column_int64 (count, 0)) : 0;
  g_autoptr (ReportPosterior) p = report_posterior_new (names->len, n_draws);
  for (guint k = 0; k < p->n_params; k++)
    {
      p->names[k] = g_steal_pointer (&names->pdata[k]);
      p->lo[k] = g_array_index (lo, double, k);
      p->hi[k] = g_array_index (hi, double, k);
      p->log_scale[k] = g_array_index (lg, gboolean, k);
    }
  /* Draw ids in order: a new id is the next index. */
  gint64 current = G_MININT64;
  guint d = 0;
  g_autoptr (GHashTable) index = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  while ((ok = report_reader_step (ctx, rows, &row, error)) && row)
    {
      gint64 id = sqlite3_column_int64 (rows, 0);
      if (id != current)
        {
          if (current != G_MININT64)
            d++;
          current = id;
          if (d >= p->n_draws)
            break;
          gint64 *key = g_new (gint64, 1);
          *key = id;
          g_hash_table_insert (index, key, GUINT_TO_POINTER (d + 1));
        }
      p->weight[d] = report_reader_double (rows, 1);
      int k = param_index (p, report_reader_text (rows, 2));
      if (k >= 0)
        p->value[(gsize) d * p->n_params + (guint) k] = report_reader_double (rows, 3);
    }
  if (!ok)
    return FALSE;
  while ((ok = report_reader_step (ctx, reps, &row, error)) && row)
    {
      gint64 id = sqlite3_column_int64 (reps, 0);
      guint at = GPOINTER_TO_UINT (g_hash_table_lookup (index, &id));
      if (at > 0)
        p->highlight[at - 1] = TRUE;
    }
  if (!ok)
    return FALSE;
  *out = g_steal_pointer (&p);
  return TRUE;
}

typedef struct {
  double value, weight;
} Weighted;

static int
cmp_weighted (const void *a, const void *b)
{
  double x = ((const Weighted *) a)->value, y = ((const Weighted *) b)->value;
  return x < y ? -1 : x > y;
}

/* Parameter k's draws with a finite value and weight, sorted by value;
 * *total: the sum of their weights. */
static GArray *
param_draws (const ReportPosterior *p, guint k, double *total)
{
  GArray *a = g_array_new (FALSE, FALSE, sizeof (Weighted));
  *total = 0;
  for (guint d = 0; d < p->n_draws; d++)
    {
      Weighted w = { p->value[(gsize) d * p->n_params + k], p->weight[d] };
      if (isfinite (w.value) && isfinite (w.weight) && w.weight >= 0)
        {
          g_array_append_val (a, w);
          *total += w.weight;
        }
    }
  g_array_sort (a, cmp_weighted);
  return a;
}

/* The smallest value whose cumulative weight reaches q of the total. */
static double
weighted_quantile (const GArray *a, double total, double q)
{
  double acc = 0;
  for (guint i = 0; i < a->len; i++)
    {
      const Weighted *w = &g_array_index (a, Weighted, i);
      acc += w->weight;
      if (acc >= q * total)
        return w->value;
    }
  return a->len > 0 ? g_array_index (a, Weighted, a->len - 1).value : NAN;
}

/* ---- the tables ---------------------------------------------------------------- */

/* The dates of the cells table: each target's, then the end when it is
 * not the last target's; suffixes of the column keys. */
typedef struct {
  const char *date, *suffix;
} Column;

static guint
columns (const ReportRolloutRun *run, Column out[REPORT_ROLLOUT_N_TARGETS + 1])
{
  guint n = 0;
  for (int t = 0; t < REPORT_ROLLOUT_N_TARGETS; t++)
    if (run->targets[t].by_date != NULL && strcmp (run->targets[t].by_date, run->end) <= 0
        && (n == 0 || strcmp (out[n - 1].date, run->targets[t].by_date) != 0))
      out[n++] = (Column) { run->targets[t].by_date, run->targets[t].suffix };
  if (n == 0 || strcmp (out[n - 1].date, run->end) != 0)
    out[n++] = (Column) { run->end, "end" };
  return n;
}

/* forecast-cells: holders of each age band and area, and their share of the
 * cell's residents, on the target dates and the last day. */
static gboolean
table_cells (ReportCtx *ctx, const ReportRolloutRun *run, const GArray *present, GString *h,
             GError **error)
{
  Column cols[REPORT_ROLLOUT_N_TARGETS + 1];
  guint n = columns (run, cols);
  g_autoptr (Stmt) st = report_reader_prepare (
      ctx, "SELECT h.mean, p.mean FROM national_day AS h JOIN national_day AS p ON p.series = "
           "'people_' || ?1 AND p.date = h.date WHERE h.series = 'holders_' || ?1 AND "
           "h.date = ?2", error);
  if (st == NULL)
    return FALSE;
  g_autoptr (GPtrArray) heads = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < n; i++)
    {
      g_ptr_array_add (heads, g_strdup_printf ("#holders_%s", cols[i].suffix));
      g_ptr_array_add (heads, g_strdup_printf ("holders on %s", cols[i].date));
      g_ptr_array_add (heads, g_strdup_printf ("#share_%s", cols[i].suffix));
      g_ptr_array_add (heads, g_strdup_printf ("share of residents on %s (%%)", cols[i].date));
    }
  while (heads->len < 4 * (REPORT_ROLLOUT_N_TARGETS + 1))
    g_ptr_array_add (heads, NULL);
  const char **hd = (const char **) heads->pdata;
  report_html_table_begin (
      h, "forecast-cells", "E-card holders by age band and area (mean over the replications) "
      "on the target dates and at the end of the run, and their share of the cell's residents "
      "(%). The residents include those without a physical card, so a share of the residents "
      "is lower than the share of the cardholders the targets use.", "area", "area", "band", "age band", hd[0], hd[1], hd[2], hd[3], hd[4], hd[5],
      hd[6], hd[7], hd[8], hd[9], hd[10], hd[11], NULL);
  for (guint i = 0; i < present->len; i++)
    {
      const Cell *c = &cells[g_array_index (present, guint, i)];
      report_html_row_begin (h, c->key);
      report_html_cell (h, "area", c->area);
      report_html_cell (h, "band", c->band);
      for (guint j = 0; j < n; j++)
        {
          double v[2] = { NAN, NAN };
          gboolean row = FALSE;
          sqlite3_bind_text (st, 1, c->key, -1, SQLITE_STATIC);
          sqlite3_bind_text (st, 2, cols[j].date, -1, SQLITE_STATIC);
          if (!report_reader_step (ctx, st, &row, error))
            return FALSE;
          if (row)
            v[0] = report_reader_double (st, 0), v[1] = report_reader_double (st, 1);
          sqlite3_reset (st);
          g_autofree char *hk = g_strdup_printf ("holders_%s", cols[j].suffix);
          g_autofree char *sk = g_strdup_printf ("share_%s", cols[j].suffix);
          report_html_num (h, hk, "%.0f", v[0]);
          report_html_num (h, sk, "%.1f", v[1] > 0 ? 100 * v[0] / v[1] : NAN);
        }
      report_html_row_end (h);
    }
  report_html_table_end (h);
  return TRUE;
}

/* posterior: each free parameter's weighted posterior and its prior. */
static void
table_posterior (const ReportPosterior *p, GString *h)
{
  report_html_table_begin (
      h, "posterior", "The free parameters' posterior the replications drew from: draws, the "
      "weighted mean and the weighted 5%, 50% and 95% quantiles (the smallest value whose "
      "cumulative weight reaches the share), and the prior's support (uniform, or log-uniform "
      "for scale log).", "param", "parameter", "#draws", "draws", "#mean", "weighted mean",
      "#q05", "5%", "#q50", "median", "#q95", "95%", "#prior_lo", "prior: low", "#prior_hi",
      "high", "scale", "scale", NULL);
  for (guint k = 0; k < p->n_params; k++)
    {
      double total, sum = 0;
      g_autoptr (GArray) a = param_draws (p, k, &total);
      for (guint i = 0; i < a->len; i++)
        sum += g_array_index (a, Weighted, i).weight * g_array_index (a, Weighted, i).value;
      report_html_row_begin (h, p->names[k]);
      report_html_cell (h, "param", p->names[k]);
      report_html_num (h, "draws", "%.0f", a->len);
      report_html_num (h, "mean", "%.4g", total > 0 ? sum / total : NAN);
      report_html_num (h, "q05", "%.4g", weighted_quantile (a, total, 0.05));
      report_html_num (h, "q50", "%.4g", weighted_quantile (a, total, 0.50));
      report_html_num (h, "q95", "%.4g", weighted_quantile (a, total, 0.95));
      report_html_num (h, "prior_lo", "%.4g", p->lo[k]);
      report_html_num (h, "prior_hi", "%.4g", p->hi[k]);
      report_html_cell (h, "scale",
                        isfinite (p->lo[k]) ? (p->log_scale[k] ? "log" : "linear") : "?");
      report_html_row_end (h);
    }
  report_html_table_end (h);
}

/* ---- the figures ----------------------------------------------------------------- */

/* A fan chart of a national series: mean, 50% and 90% intervals over the
 * replications, and the published figures of quantity (points). */
static gboolean
plot_fan (ReportCtx *ctx, const ReportRolloutRun *run, const char *name, const char *series,
          const char *quantity, double scale, const char *unit, const char *title,
          const char *what, GError **error)
{
  g_autoptr (Stmt) st = report_reader_prepare (
      ctx, "SELECT date, mean, lo, hi, q25, q75 FROM national_day WHERE series = ? "
           "ORDER BY date", error);
  g_autoptr (Stmt) pub = st ? report_reader_prepare (
      ctx, "SELECT date, value FROM published WHERE quantity = ? ORDER BY date", error) : NULL;
  if (pub == NULL)
    return FALSE;
  sqlite3_bind_text (st, 1, series, -1, SQLITE_STATIC);
  sqlite3_bind_text (pub, 1, quantity, -1, SQLITE_STATIC);
  g_autoptr (GString) d = g_string_new (NULL), pd = g_string_new (NULL);
  guint n = 0, n_pub = 0;
  if (!report_rollout_read_rows (ctx, st, d, 6, &n, error)
      || !report_rollout_read_rows (ctx, pub, pd, 2, &n_pub, error))
    return FALSE;
  if (n == 0)
    {
      report_warn (ctx, "figure %s left out: national_day has no series %s", name, series);
      return TRUE;
    }
  const char *kind = report_rollout_interval_words (run);
  g_autofree char *caption = g_strdup_printf (
      "%s: the mean over the replications (line), its 50%% interval (dark band, 25%% to 75%% "
      "quantile) and its 90%% interval (light band, 5%% to 95%%); the intervals hold %s. %s",
      what, kind,
      n_pub > 0 ? "The published figures are the points."
                : "The run names no published figures of this quantity to compare with.");
  g_autofree char *full = g_strdup_printf ("%s (intervals: %s)", title, kind);
  g_autoptr (ReportPlot) p = report_plot_new (name, title, caption, "forecast", 1100, 600);
  g_string_append (report_plot_data (p, "f"), d->str);
  g_autofree char *qt = report_plot_quote (full);
  report_plot_printf (p, "set title %s font \",13\"\nset bmargin 4\nset xlabel \"date\"\n"
                         "set ylabel \"%s\"\nset yrange [0:*]\n"
                         "set grid xtics ytics lc rgb '#dddddd'\n"
                         "set key top left box opaque samplen 3 spacing 1.2\n", qt, unit);
  report_rollout_time_axis (p, run->start, run->end, 14);
  report_rollout_target_marks (p, run, 10, FALSE);
  report_plot_printf (p, "plot $f using 1:($3/%g):($4/%g) with filledcurves lc rgb '%s' "
                         "fs transparent solid 0.25 noborder title \"90%% interval\", \\\n"
                         "  $f using 1:($5/%g):($6/%g) with filledcurves lc rgb '%s' "
                         "fs transparent solid 0.5 noborder title \"50%% interval\", \\\n"
                         "  $f using 1:($2/%g) with lines lw 2 lc rgb '%s' title \"mean\", \\\n"
                         "  keyentry with lines dt 3 lw 1.2 lc rgb '#666666' "
                         "title \"target dates\"",
                      scale, scale, BAND_COLOUR, scale, scale, BAND_COLOUR, scale, MEAN_COLOUR);
  if (n_pub > 0)
    {
      g_string_append (report_plot_data (p, "pub"), pd->str);
      report_plot_printf (p, ", \\\n  $pub using 1:($2/%g) with points pt 7 ps 1.3 lc rgb "
                             "'black' title \"published\"", scale);
    }
  report_plot_printf (p, "\n");
  report_plot_render (ctx, g_steal_pointer (&p));
  return TRUE;
}

/* forecast-cells: each cell's holders (top) and their share of its
 * residents (bottom) over time. */
static gboolean
plot_cells (ReportCtx *ctx, const ReportRolloutRun *run, const GArray *present, GError **error)
{
  if (present->len == 0)
    {
      report_warn (ctx, "figure forecast-cells left out: national_day has no holders by age "
                   "band and area");
      return TRUE;
    }
  g_autoptr (Stmt) st = report_reader_prepare (
      ctx, "SELECT h.date, h.mean, CASE WHEN p.mean > 0 THEN 100.0 * h.mean / p.mean END "
           "FROM national_day AS h JOIN national_day AS p ON p.series = 'people_' || ?1 AND "
           "p.date = h.date WHERE h.series = 'holders_' || ?1 ORDER BY h.date", error);
  if (st == NULL)
    return FALSE;
  const char *title = "E-card holders by age band and area";
  g_autofree char *caption = g_strdup_printf (
      "Top: the e-card holders of each age band and area (mean over the replications, "
      "millions); bottom: their share of the cell's residents (%%). Colours are the age bands "
      "(0-17 green, 18-59 blue, 60+ red); %s The target dates are dotted.",
      g_array_index (present, guint, 0) < 6 ? "urban cells are solid lines, rural dashed."
                                             : "the run has no urban/rural split.");
  const int width = 1100, height = 900;
  g_autoptr (ReportPlot) p = report_plot_new ("forecast-cells", title, caption, "forecast", width,
                                              height);
  for (guint i = 0; i < present->len; i++)
    {
      const Cell *c = &cells[g_array_index (present, guint, i)];
      guint n = 0;
      sqlite3_bind_text (st, 1, c->key, -1, SQLITE_STATIC);
      g_autofree char *block = g_strdup_printf ("c%u", i);
      GString *b = report_plot_data (p, block);
      if (!report_rollout_read_rows (ctx, st, b, 3, &n, error))
        return FALSE;
      sqlite3_reset (st);
      if (n == 0)
        g_string_append (b, "NaN NaN NaN\n");
    }
  report_plot_printf (p, "set multiplot layout 2,1 title \"%s\" font \",14\" "
                         "margins %.4f,%.4f,%.4f,%.4f spacing 0,%.4f\n"
                         "set grid xtics ytics lc rgb '#dddddd'\nset yrange [0:*]\n",
                      title, 80.0 / width, 1 - 170.0 / width, 70.0 / height, 1 - 60.0 / height,
                      70.0 / height);
  report_rollout_time_axis (p, run->start, run->end, 14);
  report_rollout_target_marks (p, run, 10, FALSE);
  for (int panel = 0; panel < 2; panel++)
    {
      if (panel == 0)
        report_plot_printf (p, "set ylabel \"e-card holders (millions)\"\nunset xlabel\n"
                               "set key outside right top samplen 5 spacing 1.2\n");
      else
        report_plot_printf (p, "set ylabel \"share of the residents (%%)\"\n"
                               "set xlabel \"date\" offset 0,0.5\nunset key\n");
      for (guint i = 0; i < present->len; i++)
        {
          const Cell *c = &cells[g_array_index (present, guint, i)];
          g_autofree char *label = g_strdup_printf ("%s %s", c->area, c->band);
          g_autofree char *q = report_plot_quote (label);
          report_plot_printf (p, "%s$c%u using 1:(%s) with lines lw 2 dt %d lc rgb '%s' "
                                 "title %s", i == 0 ? "plot " : ", \\\n  ", i,
                              panel == 0 ? "$2/1e6" : "$3", c->rural ? 2 : 1,
                              band_colour[c->band_index], q);
        }
      report_plot_printf (p, "\n");
    }
  report_plot_printf (p, "unset multiplot\n");
  report_plot_render (ctx, g_steal_pointer (&p));
  return TRUE;
}

/* The posterior's figures, over the priors' supports. */
static const ReportPosteriorFigure histograms = {
  .name = "posterior-histograms", .section = "forecast",
  .title = "Posterior of the free parameters",
  .caption = "Each free parameter's posterior: the share of the posterior weight (%) in each "
             "of 20 bins over the prior's support (log-spaced bins on a log axis for a "
             "log-uniform prior), and the prior's share of one bin (dashed). The replications "
             "drew their parameters from these draws by weight.",
  .span = REPORT_POSTERIOR_SPAN_PRIOR, .n_bins = N_BINS,
};

static const ReportPosteriorFigure pairs = {
  .name = "posterior-pairs", .section = "forecast",
  .title = "Posterior: pairs of free parameters",
  .caption = "Every pair of free parameters, one panel per pair: one point per posterior "
             "draw, its colour its weight relative to the largest (heavier draws on top); "
             "the draws some replication used are circled in red. Axes span the priors' "
             "supports (log axes for log-uniform priors).",
  .span = REPORT_POSTERIOR_SPAN_PRIOR,
};

gboolean
report_rollout_forecast (ReportCtx *ctx, const ReportRolloutRun *run, GError **error)
{
  GString *h = report_section (ctx, "forecast", "Forecast");
  g_autofree char *reps = report_reader_run_value (ctx, "replications");
  g_autoptr (ReportPosterior) post = NULL;
  g_autoptr (GArray) present = g_array_new (FALSE, FALSE, sizeof (guint));
  if (!read_posterior (ctx, &post, error) || !present_cells (ctx, present, error))
    return FALSE;
  if (run->interval == NULL)
    report_warn (ctx, "the run table has no interval: what the intervals hold is unknown");
  if (g_strcmp0 (run->interval, "parameters and chance") == 0)
    {
      g_autofree char *path = report_reader_run_value (ctx, "posterior_path");
      g_autofree char *hash = report_reader_run_value (ctx, "posterior_hash");
      report_html_p (h, "The run forecasts %s to %s in %s replications. Each replication drew "
                     "its free parameters from the posterior %s (BLAKE2b-256 %s, %u draws of "
                     "%u parameters), so the intervals over the replications hold the "
                     "parameters' uncertainty as well as chance: the 50%% interval (25%% to "
                     "75%% quantile) and the 90%% interval (5%% to 95%%).", run->start,
                     run->end, reps ? reps : "?", path ? path : "?", hash ? hash : "?",
                     post ? post->n_draws : 0, post ? post->n_params : 0);
    }
  else
    report_html_p (h, "The run forecasts %s to %s in %s replications with the scenario's own "
                   "parameters, so the intervals over the replications hold chance only (the "
                   "parameters' uncertainty is not in them): the 50%% interval (25%% to 75%% "
                   "quantile) and the 90%% interval (5%% to 95%%).", run->start, run->end,
                   reps ? reps : "?");
  if (!table_cells (ctx, run, present, h, error))
    return FALSE;
  if (post != NULL)
    table_posterior (post, h);
  if (!plot_fan (ctx, run, "forecast-holders", "holders", "ecard_holders", 1e6,
                 "e-card holders (millions)", "National e-card holders: forecast",
                 "National e-card holders", error)
      || !plot_cells (ctx, run, present, error)
      || !plot_fan (ctx, run, "forecast-channels", "channels", "channels", 1,
                    "channels live", "Channels live: forecast",
                    "Channels live, from the catalogue and arriving after it", error))
    return FALSE;
  if (post != NULL && post->n_params > 0)
    {
      report_posterior_histograms (ctx, post, &histograms);
      report_posterior_pairs (ctx, post, &pairs);
    }
  return TRUE;
}
