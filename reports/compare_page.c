/* SPDX-License-Identifier: MIT */
/*
 * The page of `essc compare --out DIR` (compare.h): the verdicts of both
 * runs and the provinces whose verdict changed, the outcomes compared
 * (national, provincial, platforms) with the intervals of the differences,
 * and three figures: the national holders of both runs over time with
 * their 90% intervals over the replications, overlaid; each province's
 * difference in share on the last share target's date with its interval;
 * the national platform's daily p99 of both runs.  The numbers are the
 * comparison's (from the two databases); the series of the figures are
 * read from the databases' national_day and latency_day.
 */
#include "reports/compare.h"

#include "reports/gnuplot.h"
#include "reports/html.h"
#include "reports/reader.h"
#include "base/time.h"

#include <errno.h>
#include <math.h>
#include <string.h>

typedef sqlite3_stmt Stmt;
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Stmt, sqlite3_finalize)

static void
table_verdicts (const ReportComparison *c, GString *h)
{
  report_html_table_begin (h, "compare-verdicts", "The nation's verdict on each target in A and "
                           "in B, with the probability of meeting it over the replications and "
                           "the cities meeting it (docs/RUNDB.md, \"Verdicts\").",
                           "target", "target", "verdict_a", "A", "#probability_a",
                           "probability, A", "verdict_b", "B", "#probability_b",
                           "probability, B", "#cities_a", "cities meeting it, A", "#cities_b",
                           "cities meeting it, B", NULL);
  for (guint i = 0; i < c->verdicts->len; i++)
    {
      const ReportCompareVerdict *v = c->verdicts->pdata[i];
      report_html_row_begin (h, v->target);
      report_html_cell (h, "target", v->description);
      report_html_verdict (h, "verdict_a", v->verdict_a, v->probability_a);
      report_html_num (h, "probability_a", "%.2f", v->probability_a);
      report_html_verdict (h, "verdict_b", v->verdict_b, v->probability_b);
      report_html_num (h, "probability_b", "%.2f", v->probability_b);
      report_html_num (h, "cities_a", "%.1f", v->cities_a);
      report_html_num (h, "cities_b", "%.1f", v->cities_b);
      report_html_row_end (h);
    }
  report_html_table_end (h);
  if (c->changes->len == 0)
    {
      report_html_p (h, "No province's verdict on any target differs between A and B.");
      return;
    }
  report_html_table_begin (h, "compare-changes", "The provinces whose verdict on a target "
                           "differs between A and B.", "target", "target", "province",
                           "province", "verdict_a", "A", "verdict_b", "B", NULL);
  for (guint i = 0; i < c->changes->len; i++)
    {
      const ReportCompareChange *ch = c->changes->pdata[i];
      g_autofree char *key = g_strdup_printf ("%s-%" G_GINT64_FORMAT, ch->target, ch->code);
      report_html_row_begin (h, key);
      report_html_cell (h, "target", ch->target);
      report_html_cell (h, "province", ch->province);
      report_html_verdict (h, "verdict_a", ch->verdict_a, NAN);
      report_html_verdict (h, "verdict_b", ch->verdict_b, NAN);
      report_html_row_end (h);
    }
  report_html_table_end (h);
}

static void
table_rows (const ReportComparison *c, GString *h, const char *scope, const char *id,
            const char *caption)
{
  g_autofree char *pcol = g_strdup_printf ("%.0f%% interval, paired: low", 100 * c->level);
  g_autofree char *ucol = g_strdup_printf ("%.0f%% interval, unpaired: low", 100 * c->level);
  report_html_table_begin (h, id, caption, "where", "where", "outcome", "outcome", "#a", "A",
                           "#b", "B", "#diff", "B - A", "#paired_lo", pcol, "#paired_hi", "high",
                           "#unpaired_lo", ucol, "#unpaired_hi", "high", NULL);
  for (guint i = 0; i < c->rows->len; i++)
    {
      const ReportCompareRow *r = c->rows->pdata[i];
      if (strcmp (r->scope, scope) != 0)
        continue;
      g_autofree char *key = g_strdup_printf ("%s@%" G_GINT64_FORMAT "@%s", r->quantity, r->code,
                                              r->date);
      const char *f = strcmp (r->quantity, "holders") == 0 ? "%.0f"
                      : g_str_has_prefix (r->quantity, "met:") ? "%.2f" : "%.1f";
      report_html_row_begin (h, key);
      report_html_cell (h, "where", r->where);
      report_html_cell (h, "outcome", r->label);
      report_html_num (h, "a", f, r->mean_a);
      report_html_num (h, "b", f, r->mean_b);
      report_html_num (h, "diff", f, r->mean_b - r->mean_a);
      report_html_num (h, "paired_lo", f, r->paired.lo);
      report_html_num (h, "paired_hi", f, r->paired.hi);
      report_html_num (h, "unpaired_lo", f, r->unpaired.lo);
      report_html_num (h, "unpaired_hi", f, r->unpaired.hi);
      report_html_row_end (h);
    }
  report_html_table_end (h);
}

/* Reads st's rows (a date, then n_cols - 1 numbers) into b as lines of
 * values, the numbers times scale; *n: lines. */
static gboolean
date_rows (ReportCtx *ctx, Stmt *st, GString *b, int n_cols, double scale, guint *n,
           GError **error)
{
  gboolean row = FALSE, ok;
  while ((ok = report_reader_step (ctx, st, &row, error)) && row)
    {
      const char *date = report_reader_text (st, 0);
      gint32 day;
      if (base_time_parse_date (date, &day, NULL) != BASE_TIME_OK)
        continue;
      g_string_append (b, date);
      for (int i = 1; i < n_cols; i++)
        report_plot_put (b, scale * report_reader_double (st, i));
      g_string_append_c (b, '\n');
      (*n)++;
    }
  return ok;
}

/* Appends "DATE mean lo hi" lines of a database's national holders. */
static gboolean
read_holders (ReportCtx *ctx, GString *b, guint *n, GError **error)
{
  g_autoptr (Stmt) st = report_reader_prepare (ctx, "SELECT date, mean, lo, hi FROM national_day "
                                                "WHERE series = 'holders' ORDER BY date", error);
  if (st == NULL)
    return FALSE;
  return date_rows (ctx, st, b, 4, 1e-6, n, error);
}

static gboolean
figure_holders (ReportCtx *ctx, ReportCtx *other, const ReportComparison *c, GError **error)
{
  g_autoptr (ReportPlot) p = report_plot_new (
      "compare-holders", "National e-card holders: A and B",
      "The national e-card holders of both runs, mean over the replications (lines) and the "
      "90% interval over the replications (bands), in millions.", "comparison", 1100, 600);
  guint na = 0, nb = 0;
  if (!read_holders (ctx, report_plot_data (p, "a"), &na, error)
      || !read_holders (other, report_plot_data (p, "b"), &nb, error))
    return FALSE;
  if (na == 0 || nb == 0)
    {
      report_warn (ctx, "figure compare-holders left out: a run has no national holders");
      return TRUE;
    }
  g_autofree char *ta = g_strdup_printf ("A: %s", c->name_a ? c->name_a : "?");
  g_autofree char *tb = g_strdup_printf ("B: %s", c->name_b ? c->name_b : "?");
  g_autofree char *qa = report_plot_quote (ta), *qb = report_plot_quote (tb);
  report_plot_printf (p, "set title \"National e-card holders: A and B\" font \",13\"\n"
                         "set xdata time\nset timefmt \"%%Y-%%m-%%d\"\nset format x \"%%Y-%%m\"\n"
                         "set xlabel \"date\"\nset ylabel \"e-card holders (millions)\"\n"
                         "set grid lc rgb '#dddddd'\nset bmargin 5\nset key top left box opaque\n"
                         "set style fill transparent solid 0.25 noborder\n"
                         "plot $a using 1:3:4 with filledcurves lc rgb '#1f77b4' notitle, "
                         "$a using 1:2 with lines lw 2 lc rgb '#1f77b4' title %s noenhanced, "
                         "$b using 1:3:4 with filledcurves lc rgb '#d62728' notitle, "
                         "$b using 1:2 with lines lw 2 dt 2 lc rgb '#d62728' title %s "
                         "noenhanced\n", qa, qb);
  report_plot_render (ctx, g_steal_pointer (&p));
  return TRUE;
}

/* Each province's difference in share on the last date compared, with
 * its interval (paired when the runs are). */
static void
figure_provinces (ReportCtx *ctx, const ReportComparison *c)
{
  const char *last = NULL;
  for (guint i = 0; i < c->rows->len; i++)
    {
      const ReportCompareRow *r = c->rows->pdata[i];
      if (strcmp (r->scope, "province") == 0 && strcmp (r->quantity, "share") == 0
          && (last == NULL || strcmp (r->date, last) > 0))
        last = r->date;
    }
  if (last == NULL)
    return;
  g_autofree char *title = g_strdup_printf ("Provinces: share of cardholders on %s, B - A", last);
  g_autofree char *caption = g_strdup_printf (
      "Each province's difference in the share of its cardholders holding an e-card on %s "
      "(B - A, percentage points), with the %.0f%% interval of the difference of the means "
      "(%s).", last, 100 * c->level,
      c->paired ? "paired by replication: the runs share the seed" : "unpaired, Welch's");
  g_autoptr (ReportPlot) p = report_plot_new ("compare-provinces", title, caption, "comparison",
                                              1100, 640);
  GString *b = report_plot_data (p, "d");
  guint n = 0;
  for (guint i = 0; i < c->rows->len; i++)
    {
      const ReportCompareRow *r = c->rows->pdata[i];
      if (strcmp (r->scope, "province") != 0 || strcmp (r->quantity, "share") != 0
          || strcmp (r->date, last) != 0)
        continue;
      const BaseStatsDiff *d = c->paired ? &r->paired : &r->unpaired;
      g_autofree char *name = report_plot_quote (r->where);
      g_string_append_printf (b, "%u %s", n++, name);
      report_plot_put (b, r->mean_b - r->mean_a);
      report_plot_put (b, d->lo);
      report_plot_put (b, d->hi);
      g_string_append_c (b, '\n');
    }
  g_autofree char *qt = report_plot_quote (title);
  report_plot_printf (p, "set title %s font \",13\"\nset ylabel \"B - A (percentage points)\"\n"
                         "set grid ytics lc rgb '#dddddd'\nset xtics rotate by 60 right "
                         "font \",9\"\nset bmargin 9\nset xrange [-1:%u]\nset style fill solid "
                         "0.6 noborder\nset boxwidth 0.7\nset key top right box opaque\n"
                         "set xzeroaxis lt -1\n"
                         "plot $d using 1:3:xtic(2) with boxes lc rgb '#1f77b4' title \"B - A\", "
                         "$d using 1:3:4:5 with yerrorbars pt 0 lc rgb '#333333' title "
                         "\"interval\"\n", qt, n);
  report_plot_render (ctx, g_steal_pointer (&p));
}

static gboolean
read_p99 (ReportCtx *ctx, GString *b, guint *n, GError **error)
{
  g_autoptr (Stmt) st = report_reader_prepare (ctx, "SELECT d.date, 1000 * d.p99 FROM "
                                                "latency_day AS d JOIN latency_platform AS p ON "
                                                "p.platform = d.platform WHERE p.kind = "
                                                "'national' ORDER BY d.date", error);
  if (st == NULL)
    return FALSE;
  return date_rows (ctx, st, b, 2, 1, n, error);
}

static gboolean
figure_latency (ReportCtx *ctx, ReportCtx *other, const ReportComparison *c, GError **error)
{
  g_autoptr (ReportPlot) p = report_plot_new (
      "compare-latency", "National platform: daily p99, A and B",
      "The national platform's p99 response time of each day's peak window, mean over the "
      "replications, in both runs.", "comparison", 1100, 520);
  guint na = 0, nb = 0;
  if (!read_p99 (ctx, report_plot_data (p, "a"), &na, error)
      || !read_p99 (other, report_plot_data (p, "b"), &nb, error))
    return FALSE;
  if (na == 0 || nb == 0)
    return TRUE;  /* a run without the latency model: nothing to overlay */
  g_autofree char *ta = g_strdup_printf ("A: %s", c->name_a ? c->name_a : "?");
  g_autofree char *tb = g_strdup_printf ("B: %s", c->name_b ? c->name_b : "?");
  g_autofree char *qa = report_plot_quote (ta), *qb = report_plot_quote (tb);
  report_plot_printf (p, "set title \"National platform: daily p99, A and B\" font \",13\"\n"
                         "set xdata time\nset timefmt \"%%Y-%%m-%%d\"\nset format x \"%%Y-%%m\"\n"
                         "set xlabel \"date\"\nset ylabel \"p99 (ms)\"\nset grid lc rgb "
                         "'#dddddd'\nset bmargin 5\nset key top left box opaque\n"
                         "plot $a using 1:2 with lines lw 1.5 lc rgb '#1f77b4' title %s "
                         "noenhanced, $b using 1:2 with lines lw 1.5 dt 2 lc rgb '#d62728' title "
                         "%s noenhanced\n", qa, qb);
  report_plot_render (ctx, g_steal_pointer (&p));
  return TRUE;
}

gboolean
report_compare_page (const ReportComparison *c, const ReportOptions *options, char **index_out,
                     guint *n_warnings, GError **error)
{
  ReportOptions oa = *options, ob = *options;
  oa.db_path = c->path_a;
  ob.db_path = c->path_b;
  ReportCtx ctx, other;
  report_ctx_init (&ctx, &oa);
  report_ctx_init (&other, &ob);
  gboolean ok = report_reader_open (&ctx, error) && report_reader_open (&other, error);
  if (ok && g_mkdir_with_parents (ctx.out_dir, 0755) != 0)
    {
      g_set_error (error, REPORT_ERROR, REPORT_ERROR_OUTPUT, "%s: cannot make the directory: %s",
                   ctx.out_dir, g_strerror (errno));
      ok = FALSE;
    }
  if (ok)
    {
      g_free (ctx.stamp);
      ctx.stamp = g_strdup_printf ("comparison: B %s (seed %s) - A %s (seed %s)",
                                   c->name_b ? c->name_b : "?", c->seed_b ? c->seed_b : "?",
                                   c->name_a ? c->name_a : "?", c->seed_a ? c->seed_a : "?");
      GString *h = report_section (&ctx, "comparison", "Comparison: B - A");
      report_html_p (h, "A is %s (scenario %s, seed %s, %u replications); B is %s (scenario %s, "
                     "seed %s, %u replications). %s Intervals are %.0f%% confidence intervals "
                     "of the difference of the means.", c->path_a, c->name_a, c->seed_a,
                     c->reps_a, c->path_b, c->name_b, c->seed_b, c->reps_b,
                     c->paired ? "The runs share the seed, so replication i of each draws from "
                                 "the same random streams and the paired intervals hold the "
                                 "differences of matched replications (common random numbers)."
                               : "The seeds differ: the intervals are unpaired (Welch's).",
                     100 * c->level);
      table_verdicts (c, h);
      table_rows (c, h, "nation", "compare-national", "National outcomes of A and B, means over "
                  "the replications, and the difference B - A with its intervals.");
      table_rows (c, h, "province", "compare-provinces", "Each province's holders and share of "
                  "cardholders on the target dates and the last day, A and B.");
      table_rows (c, h, "platform", "compare-platforms", "Each platform's worst-day p99 and the "
                  "capacity plan's peak servers (per replication, then means), A and B.");
      ok = figure_holders (&ctx, &other, c, error);
      if (ok)
        figure_provinces (&ctx, c);
      ok = ok && figure_latency (&ctx, &other, c, error)
           && report_html_write (&ctx, index_out, error);
    }
  if (n_warnings != NULL)
    *n_warnings = ctx.warnings->len;
  report_ctx_clear (&ctx);
  report_ctx_clear (&other);
  return ok;
}
