/* SPDX-License-Identifier: MIT */
/*
 * The rollout part's figures (rollout.h): national holders against the
 * targets and the published figures, the provinces' shares as small
 * multiples, two maps of the cities' probability of meeting each target
 * (drawn by rollout_maps.c), the distribution of the dates the cities met
 * the targets, and the holders gained by channel class.  Each figure reads its rows from the run database
 * into gnuplot datablocks (dates 'YYYY-MM-DD', values as stored, or their
 * ratio where a share is plotted) and is drawn through gnuplot.h; a figure
 * gnuplot cannot draw is a warning, a failing query an error.  The helpers
 * the forecast's figures share (rollout.h) are here too.
 */
#include "reports/rollout.h"

#include "base/time.h"
#include "reports/gnuplot.h"
#include "reports/reader.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef sqlite3_stmt Stmt;
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Stmt, sqlite3_finalize)

/* Colours of the targets (first, second) and of the mean and its band. */
static const char *const target_colour[REPORT_ROLLOUT_N_TARGETS] = { "#d62728", "#ff7f0e" };
#define MEAN_COLOUR "#1f4e79"
#define BAND_COLOUR "#4a90d9"
static const char *const class_colour[REPORT_ROLLOUT_N_CLASSES] = {
  "#1f77b4", "#9467bd", "#2ca02c", "#ff7f0e", "#d62728", "#8c564b",
};

/* Days from date a to date b ('YYYY-MM-DD'), 0 when either does not parse. */
static gint64
days_between (const char *a, const char *b)
{
  gint32 da, db;
  return base_time_parse_date (a, &da, NULL) == BASE_TIME_OK
             && base_time_parse_date (b, &db, NULL) == BASE_TIME_OK
           ? (gint64) db - da
           : 0;
}

/* Returns: (transfer full) the date n days after date (or date itself when
 * it does not parse or the sum is past 9999). */
static char *
add_days (const char *date, guint n)
{
  gint32 day;
  char out[BASE_TIME_DATE_SIZE];
  if (base_time_parse_date (date, &day, NULL) != BASE_TIME_OK
      || !base_time_format_date ((gint32) MIN ((gint64) day + n, G_MAXINT32), out))
    return g_strdup (date);
  return g_strdup (out);
}

void
report_rollout_time_axis (ReportPlot *p, const char *start, const char *end, int max_ticks)
{
  static const int steps[] = { 1, 2, 3, 6, 12, 24 };
  /* Months since year 0: the first tick's candidate, the last's. */
  int first = atoi (start) * 12 + atoi (start + 5) - 1 + (atoi (start + 8) == 1 ? 0 : 1);
  int last = atoi (end) * 12 + atoi (end + 5) - 1;
  int step = 24;
  for (guint i = 0; i < G_N_ELEMENTS (steps); i++)
    {
      int s = steps[i], n = 0;
      for (int k = first; k <= last; k++)
        n += k % s == 0;
      if (n <= max_ticks)
        {
          step = s;
          break;
        }
    }
  report_plot_printf (p, "set xdata time\nset timefmt \"%%Y-%%m-%%d\"\n"
                         "set xrange [\"%s\":\"%s\"]\nset xtics (", start, end);
  const char *sep = "";
  for (int k = first; k <= last; k++)
    if (k % step == 0)
      {
        if (step >= 12)
          report_plot_printf (p, "%s\"%d\" \"%d-01-01\"", sep, k / 12, k / 12);
        else
          report_plot_printf (p, "%s\"%d-%02d\" \"%d-%02d-01\"", sep, k / 12, k % 12 + 1,
                              k / 12, k % 12 + 1);
        sep = ", ";
      }
  report_plot_printf (p, ")\nset mxtics default\n");
}

void
report_rollout_target_marks (ReportPlot *p, const ReportRolloutRun *run, int tag,
                             gboolean labels)
{
  for (int t = 0; t < REPORT_ROLLOUT_N_TARGETS; t++)
    {
      const ReportRolloutTarget *tg = &run->targets[t];
      if (tg->by_date == NULL)
        continue;
      report_plot_printf (p, "set arrow %d from \"%s\", graph 0 to \"%s\", graph 1 nohead "
                             "dt 3 lw 1.2 lc rgb '%s' back\n", tag + t, tg->by_date,
                          tg->by_date, labels ? target_colour[t] : "#666666");
      if (labels)
        report_plot_printf (p, "set label %d \"target date %s\" at \"%s\", graph 0.45 center "
                               "rotate by 90 offset -1.2,0 tc rgb '%s' front\n", tag + t,
                            tg->by_date, tg->by_date, target_colour[t]);
    }
}

gboolean
report_rollout_read_rows (ReportCtx *ctx, sqlite3_stmt *st, GString *b, int n_cols, guint *n,
                          GError **error)
{
  gboolean row = FALSE, ok;
  *n = 0;
  while ((ok = report_reader_step (ctx, st, &row, error)) && row)
    if (report_rollout_is_date (report_reader_text (st, 0)))
      {
        g_string_append (b, report_reader_text (st, 0));
        for (int i = 1; i < n_cols; i++)
          report_plot_put (b, report_reader_double (st, i));
        g_string_append_c (b, '\n');
        (*n)++;
      }
  return ok;
}

/* A round step (1, 2 or 5 x 10^k) of at least x. */
static double
nice_step (double x)
{
  double e = pow (10, floor (log10 (x)));
  return x <= e ? e : x <= 2 * e ? 2 * e : x <= 5 * e ? 5 * e : 10 * e;
}

/* ---- national-holders -------------------------------------------------------- */

static gboolean
plot_national (ReportCtx *ctx, const ReportRolloutRun *run, GError **error)
{
  g_autoptr (Stmt) st = report_reader_prepare (
      ctx, "SELECT h.date, h.mean, h.lo, h.hi, c.mean FROM national_day AS h LEFT JOIN "
           "national_day AS c ON c.series = 'cardholders' AND c.date = h.date "
           "WHERE h.series = 'holders' ORDER BY h.date", error);
  g_autoptr (GString) d = g_string_new (NULL), pd = g_string_new (NULL);
  guint n = 0, n_pub = 0;
  if (st == NULL || !report_rollout_read_rows (ctx, st, d, 5, &n, error))
    return FALSE;
  if (report_reader_has_rows (ctx, "published"))
    {
      g_autoptr (Stmt) pub = report_reader_prepare (
          ctx, "SELECT date, value FROM published WHERE quantity = 'ecard_holders' "
               "ORDER BY date", error);
      if (pub == NULL || !report_rollout_read_rows (ctx, pub, pd, 2, &n_pub, error))
        return FALSE;
    }
  if (n == 0)
    {
      report_warn (ctx, "figure national-holders left out: national_day has no holders");
      return TRUE;
    }
  g_autofree char *caption = g_strdup_printf (
      "National e-card holders: the mean over the replications (line) and its 90%% interval "
      "(band; it holds %s); the targets as dashed lines (the target share times the physical cardholders "
      "of each day, so they follow the cardholders series) and their dates as dotted "
      "vertical lines; %s", report_rollout_interval_words (run),
      n_pub > 0 ? "the published figures (e-card holders as announced) as points."
                : "the run names no published figures to compare with.");
  const char *title = "National e-card holders against the targets";
  g_autoptr (ReportPlot) p = report_plot_new ("national-holders", title, caption, "summary",
                                              1100, 600);
  g_string_append (report_plot_data (p, "n"), d->str);
  report_plot_printf (p, "set title \"%s\" font \",13\"\nset bmargin 4\nset xlabel \"date\"\n"
                         "set ylabel \"e-card holders (millions)\"\nset yrange [0:*]\n"
                         "set grid xtics ytics lc rgb '#dddddd'\n"
                         "set key top left box opaque samplen 3 spacing 1.2\n"
                         "set style fill transparent solid 0.3 noborder\n", title);
  report_rollout_time_axis (p, run->start, run->end, 14);
  report_rollout_target_marks (p, run, 10, FALSE);
  report_plot_printf (p, "plot $n using 1:($3/1e6):($4/1e6) with filledcurves lc rgb '%s' "
                         "title \"90%% interval\", \\\n"
                         "  $n using 1:($2/1e6) with lines lw 2 lc rgb '%s' title \"mean\"",
                      BAND_COLOUR, MEAN_COLOUR);
  for (int t = 0; t < REPORT_ROLLOUT_N_TARGETS; t++)
    {
      const ReportRolloutTarget *tg = &run->targets[t];
      if (tg->by_date == NULL || !isfinite (tg->share))
        continue;
      g_autofree char *key = g_strdup_printf ("target: %g%% of the cardholders by %s",
                                              100 * tg->share, tg->by_date);
      g_autofree char *q = report_plot_quote (key);
      report_plot_printf (p, ", \\\n  $n using 1:(%.10g*$5/1e6) with lines dt 2 lw 1.5 "
                             "lc rgb '%s' title %s", tg->share, target_colour[t], q);
    }
  report_plot_printf (p, ", \\\n  keyentry with lines dt 3 lw 1.2 lc rgb '#666666' "
                         "title \"target dates\"");
  if (n_pub > 0)
    g_string_append (report_plot_data (p, "pub"), pd->str);
  if (n_pub > 0)
    report_plot_printf (p, ", \\\n  $pub using 1:($2/1e6) with points pt 7 ps 1.3 lc rgb "
                           "'black' title \"published\"");
  report_plot_printf (p, "\n");
  report_plot_render (ctx, g_steal_pointer (&p));
  return TRUE;
}

/* ---- province-holders -------------------------------------------------------- */

typedef struct {
  char *name;
  GString *data;  /* "DATE share lo hi" (% of the cardholders) */
} Province;

static void
province_free (gpointer p)
{
  Province *pr = p;
  g_free (pr->name);
  g_string_free (pr->data, TRUE);
  g_free (pr);
}

/* Reads the provinces' shares, keeping every step-th day and the target
 * dates and the last day (a panel is a few hundred pixels wide). */
static gboolean
read_provinces (ReportCtx *ctx, const ReportRolloutRun *run, GPtrArray *out, double *max,
                GError **error)
{
  g_autoptr (Stmt) st = report_reader_prepare (
      ctx, "SELECT d.province, d.date, d.holders, d.lo, d.hi, d.cardholders, (SELECT "
           "c.province FROM city AS c WHERE c.province_code = d.province ORDER BY c.code "
           "LIMIT 1) FROM province_day AS d ORDER BY d.province, d.date", error);
  if (st == NULL)
    return FALSE;
  gint64 step = MAX (1, (days_between (run->start, run->end) + 1) / 180);
  gint64 current = G_MININT64, i = 0;
  Province *pr = NULL;
  gboolean row = FALSE, ok;
  *max = 0;
  while ((ok = report_reader_step (ctx, st, &row, error)) && row)
    {
      gint64 code = sqlite3_column_int64 (st, 0);
      const char *date = report_reader_text (st, 1);
      if (code != current)
        {
          current = code;
          i = 0;
          pr = g_new0 (Province, 1);
          pr->name = sqlite3_column_type (st, 6) == SQLITE_NULL
                         ? g_strdup_printf ("%" G_GINT64_FORMAT, code)
                         : g_strdup (report_reader_text (st, 6));
          pr->data = g_string_new (NULL);
          g_ptr_array_add (out, pr);
        }
      gboolean keep = i++ % step == 0 || strcmp (date, run->end) == 0;
      for (int t = 0; t < REPORT_ROLLOUT_N_TARGETS; t++)
        keep = keep || g_strcmp0 (date, run->targets[t].by_date) == 0;
      if (!keep || !report_rollout_is_date (date))
        continue;
      double card = report_reader_double (st, 5);
      g_string_append (pr->data, date);
      for (int c = 2; c <= 4; c++)
        {
          double v = card > 0 ? 100 * report_reader_double (st, c) / card : NAN;
          report_plot_put (pr->data, v);
          if (isfinite (v))
            *max = MAX (*max, v);
        }
      g_string_append_c (pr->data, '\n');
    }
  return ok;
}

static gboolean
plot_provinces (ReportCtx *ctx, const ReportRolloutRun *run, GError **error)
{
  g_autoptr (GPtrArray) provinces = g_ptr_array_new_with_free_func (province_free);
  double max;
  if (!read_provinces (ctx, run, provinces, &max, error))
    return FALSE;
  guint n = provinces->len;
  if (n == 0)
    {
      report_warn (ctx, "figure province-holders left out: province_day has no rows");
      return TRUE;
    }
  for (int t = 0; t < REPORT_ROLLOUT_N_TARGETS; t++)
    if (isfinite (run->targets[t].share))
      max = MAX (max, 100 * run->targets[t].share);
  /* Every panel alike: 0 to a round top with at most 4 steps. */
  double ystep = nice_step (MAX (max, 1) * 1.05 / 4);
  double ymax = ceil (MAX (max, 1) * 1.05 / ystep) * ystep;
  /* The panels and one more for the legend. */
  guint cols = (guint) ceil (sqrt (n + 1.0)), rows = (n + cols) / cols;
  int width = cols >= 4 ? 1400 : 1100, height = MIN (1400, 120 + 240 * (int) rows);
  const char *title = "E-card holders as a share of the cardholders, by province";
  g_autofree char *caption = g_strdup_printf (
      "Each province's e-card holders as a share of its physical cardholders (%%): the mean "
      "over the replications (line) and its 90%% interval (band), with the two targets "
      "(dashed) and their dates (dotted). Every panel has the same scale, 0 to %g%%.", ymax);
  g_autoptr (ReportPlot) p = report_plot_new ("province-holders", title, caption, "adoption",
                                              width, height);
  /* Margins and spacing in pixels: the title, tick labels, axis labels, the
   * panels' titles and the stamp at the bottom. */
  report_plot_printf (p, "set multiplot layout %u,%u title \"%s (%%)\" font \",14\" "
                         "margins %.4f,%.4f,%.4f,%.4f spacing %.4f,%.4f\n"
                         "set style fill transparent solid 0.3 noborder\n"
                         "set yrange [0:%g]\nset ytics 0,%g,%g\nset format y \"%%g\"\n"
                         "set grid xtics ytics lc rgb '#e4e4e4'\nunset key\n",
                      rows, cols, title, 75.0 / width, 1 - 20.0 / width, 70.0 / height,
                      1 - 60.0 / height, 45.0 / width, 75.0 / height, ymax, ystep, ymax);
  report_rollout_time_axis (p, run->start, run->end, 4);
  report_rollout_target_marks (p, run, 10, FALSE);
  for (int t = 0; t < REPORT_ROLLOUT_N_TARGETS; t++)
    if (isfinite (run->targets[t].share))
      report_plot_printf (p, "set arrow %d from graph 0, first %g to graph 1, first %g nohead "
                             "dt 2 lw 1.2 lc rgb '%s' back\n", 20 + t,
                          100 * run->targets[t].share, 100 * run->targets[t].share,
                          target_colour[t]);
  for (guint i = 0; i < n; i++)
    {
      const Province *pr = provinces->pdata[i];
      g_autofree char *block = g_strdup_printf ("p%u", i);
      g_string_append (report_plot_data (p, block),
                       pr->data->len ? pr->data->str : "NaN NaN NaN NaN\n");
      g_autofree char *q = report_plot_quote (pr->name);
      report_plot_printf (p, "set title %s offset 0,-0.7\n", q);
      report_plot_printf (p, i % cols == 0 ? "set ylabel \"share (%%)\" offset 1,0\n"
                                           : "unset ylabel\n");
      report_plot_printf (p, i + cols >= n ? "set xlabel \"date\" offset 0,0.5\n"
                                           : "unset xlabel\n");
      report_plot_printf (p, "plot $%s using 1:3:4 with filledcurves lc rgb '%s', "
                             "$%s using 1:2 with lines lw 1.5 lc rgb '%s'\n",
                          block, BAND_COLOUR, block, MEAN_COLOUR);
    }
  /* The legend, in the next free panel. */
  report_plot_printf (p, "unset title\nunset xlabel\nunset ylabel\nunset arrow\nunset grid\n"
                         "unset border\nunset tics\nset key center center samplen 3 "
                         "spacing 1.3 font \",11\"\nplot NaN notitle, "
                         "keyentry with filledcurves lc rgb '%s' title \"90%% interval\", "
                         "keyentry with lines lw 1.5 lc rgb '%s' title \"mean\"",
                      BAND_COLOUR, MEAN_COLOUR);
  for (int t = 0; t < REPORT_ROLLOUT_N_TARGETS; t++)
    if (run->targets[t].by_date != NULL)
      {
        g_autofree char *label = report_rollout_target_label (&run->targets[t]);
        g_autofree char *key = g_strdup_printf ("target %s", label);
        g_autofree char *q = report_plot_quote (key);
        report_plot_printf (p, ", keyentry with lines dt 2 lw 1.2 lc rgb '%s' title %s",
                            target_colour[t], q);
      }
  report_plot_printf (p, ", keyentry with lines dt 3 lw 1.2 lc rgb '#666666' "
                         "title \"target dates\"\nunset multiplot\n");
  report_plot_render (ctx, g_steal_pointer (&p));
  return TRUE;
}

/* ---- target-dates ------------------------------------------------------------ */

/* The cumulative share of the cities (%) whose median date is on or before
 * each date, as step rows from the start of the run to the target's date
 * (the database keeps the dates a target was met by its date only). */
static gboolean
read_met (ReportCtx *ctx, const ReportRolloutRun *run, const ReportRolloutTarget *tg,
          GString *b, guint *n_cities, guint *n_never, GError **error)
{
  g_autoptr (Stmt) st = report_reader_prepare (ctx, "SELECT median_date FROM city_target WHERE "
                                                "target = ? ORDER BY median_date", error);
  if (st == NULL)
    return FALSE;
  sqlite3_bind_text (st, 1, tg->name, -1, SQLITE_STATIC);
  g_autoptr (GPtrArray) dates = g_ptr_array_new_with_free_func (g_free);
  *n_never = 0;
  gboolean row = FALSE, ok;
  while ((ok = report_reader_step (ctx, st, &row, error)) && row)
    {
      const char *d = report_reader_text (st, 0);
      if (report_rollout_is_date (d))
        g_ptr_array_add (dates, g_strdup (d));
      else
        (*n_never)++;
    }
  if (!ok)
    return FALSE;
  *n_cities = dates->len + *n_never;
  if (*n_cities == 0)
    return TRUE;
  g_string_append_printf (b, "%s 0\n", run->start);
  for (guint i = 0; i < dates->len; i++)
    if (i + 1 == dates->len || strcmp (dates->pdata[i], dates->pdata[i + 1]) != 0)
      g_string_append_printf (b, "%s %.10g\n", (const char *) dates->pdata[i],
                              100.0 * (i + 1) / *n_cities);
  g_string_append_printf (b, "%s %.10g\n", tg->by_date, 100.0 * dates->len / *n_cities);
  return TRUE;
}

/* The nation's cities meeting target tg (target_verdict: the one
 * definition, mean over the replications); NAN when the table has none. */
static gboolean
cities_meeting (ReportCtx *ctx, const ReportRolloutTarget *tg, double *out, GError **error)
{
  sqlite3_stmt *st = report_reader_prepare (ctx, "SELECT cities_meeting FROM target_verdict "
                                            "WHERE target = ? AND scope = 'nation'", error);
  if (st == NULL)
    return FALSE;
  sqlite3_bind_text (st, 1, tg->name, -1, SQLITE_STATIC);
  gboolean row = FALSE, ok = report_reader_step (ctx, st, &row, error);
  *out = ok && row ? report_reader_double (st, 0) : NAN;
  sqlite3_finalize (st);
  return ok;
}

static gboolean
plot_target_dates (ReportCtx *ctx, const ReportRolloutRun *run, GError **error)
{
  const char *title = "When the cities met the targets";
  g_autoptr (ReportPlot) p = report_plot_new (
      "target-dates", title,
      "For each target, the share of the cities whose median date of meeting it (over the "
      "replications that met it in time) is on or before each date, up to the target's date "
      "(dotted): the run database records when a city met a target only up to its date. "
      "Cities that met a target by its date in no replication have no date: they keep the "
      "line below 100%.",
      "adoption", 1100, 600);
  report_plot_printf (p, "set title \"%s (median date over the replications)\" font \",13\"\n"
                         "set bmargin 4\nset xlabel \"date\"\n"
                         "set ylabel \"cities that met the target (%%)\"\n"
                         "set yrange [0:128]\nset ytics 0,20,100\n"
                         "set grid xtics ytics lc rgb '#dddddd'\n"
                         "set key top left box opaque spacing 1.2\n"
                         "set arrow 30 from graph 0, first 100 to graph 1, first 100 nohead "
                         "lc rgb '#888888' dt 2\n", title);
  /* Up to a month after the last target (nothing is recorded after it),
   * which may be past the end of the run. */
  const char *last = run->end;
  for (int t = REPORT_ROLLOUT_N_TARGETS - 1; t >= 0 && last == run->end; t--)
    if (run->targets[t].by_date != NULL)
      last = run->targets[t].by_date;
  g_autofree char *x_end = add_days (last, 31);
  report_rollout_time_axis (p, run->start, x_end, 14);
  report_rollout_target_marks (p, run, 10, TRUE);
  const char *sep = "plot ";
  for (int t = 0; t < REPORT_ROLLOUT_N_TARGETS; t++)
    {
      const ReportRolloutTarget *tg = &run->targets[t];
      guint n_cities = 0, n_never = 0;
      char block[16];
      g_snprintf (block, sizeof block, "t%d", t);
      GString *b = report_plot_data (p, block);
      if (tg->by_date == NULL)
        continue;
      if (!read_met (ctx, run, tg, b, &n_cities, &n_never, error))
        return FALSE;
      if (n_cities == 0)
        continue;
      g_autofree char *label = report_rollout_target_label (tg);
      double meeting = NAN;
      if (!cities_meeting (ctx, tg, &meeting, error))
        return FALSE;
      g_autofree char *key = g_strdup_printf ("target %s: cities meeting it %.1f of %u (mean over "
                                              "the replications); %u in no replication",
                                              label, meeting, n_cities, n_never);
      g_autofree char *q = report_plot_quote (key);
      report_plot_printf (p, "%s$t%d using 1:2 with steps lw 2 lc rgb '%s' title %s", sep, t,
                          target_colour[t], q);
      sep = ", \\\n  ";
    }
  if (strcmp (sep, "plot ") == 0)
    {
      report_warn (ctx, "figure target-dates left out: city_target has no rows");
      return TRUE;
    }
  report_plot_printf (p, "\n");
  report_plot_render (ctx, g_steal_pointer (&p));
  return TRUE;
}

/* ---- channel-classes --------------------------------------------------------- */

static gboolean
plot_classes (ReportCtx *ctx, const ReportRolloutRun *run, GError **error)
{
  g_autoptr (GString) sql = g_string_new ("SELECT date");
  for (int k = 0; k < REPORT_ROLLOUT_N_CLASSES; k++)
    g_string_append_printf (sql, ", MAX (CASE series WHEN 'class_%s' THEN mean END)",
                            report_rollout_classes[k][0]);
  g_string_append (sql, " FROM national_day WHERE series LIKE 'class%' GROUP BY date "
                        "ORDER BY date");
  g_autoptr (Stmt) st = report_reader_prepare (ctx, sql->str, error);
  if (st == NULL)
    return FALSE;
  const char *title = "E-card holders gained by channel class";
  g_autoptr (ReportPlot) p = report_plot_new (
      "channel-classes", title,
      "The e-card holders gained through each class of channel since the start (mean over the "
      "replications), stacked: each band's height is its class's holders, the top of the "
      "stack all holders gained (before losses). The table above gives the classes at the end.",
      "adoption", 1100, 600);
  GString *b = report_plot_data (p, "k");
  gboolean row = FALSE, ok;
  guint n = 0;
  while ((ok = report_reader_step (ctx, st, &row, error)) && row)
    {
      if (!report_rollout_is_date (report_reader_text (st, 0)))
        continue;
      g_string_append (b, report_reader_text (st, 0));
      double sum = 0;
      for (int k = 0; k < REPORT_ROLLOUT_N_CLASSES; k++)
        {
          double v = report_reader_double (st, 1 + k);
          sum += isfinite (v) ? v : 0;  /* a class without holders */
          report_plot_put (b, sum);
        }
      g_string_append_c (b, '\n');
      n++;
    }
  if (!ok)
    return FALSE;
  if (n == 0)
    {
      report_warn (ctx, "figure channel-classes left out: national_day has no class series");
      return TRUE;
    }
  report_plot_printf (p, "set title \"%s (stacked)\" font \",13\"\nset bmargin 4\n"
                         "set xlabel \"date\"\nset ylabel \"e-card holders gained (millions)\"\n"
                         "set yrange [0:*]\n"
                         "set grid xtics ytics lc rgb '#dddddd' front\n"
                         "set key top left invert box opaque spacing 1.2\n"
                         "set style fill solid 0.85 noborder\n", title);
  report_rollout_time_axis (p, run->start, run->end, 14);
  for (int k = 0; k < REPORT_ROLLOUT_N_CLASSES; k++)
    {
      g_autofree char *q = report_plot_quote (report_rollout_classes[k][1]);
      if (k == 0)
        report_plot_printf (p, "plot $k using 1:(0):($2/1e6)");
      else
        report_plot_printf (p, ", \\\n  $k using 1:($%d/1e6):($%d/1e6)", k + 1, k + 2);
      report_plot_printf (p, " with filledcurves lc rgb '%s' title %s", class_colour[k], q);
    }
  report_plot_printf (p, "\n");
  report_plot_render (ctx, g_steal_pointer (&p));
  return TRUE;
}

gboolean
report_rollout_plots (ReportCtx *ctx, const ReportRolloutRun *run, GError **error)
{
  if (!plot_national (ctx, run, error) || !plot_provinces (ctx, run, error))
    return FALSE;
  for (int t = 0; t < REPORT_ROLLOUT_N_TARGETS; t++)
    if (run->targets[t].by_date != NULL && !report_rollout_map (ctx, &run->targets[t], error))
      return FALSE;
  return plot_target_dates (ctx, run, error) && plot_classes (ctx, run, error);
}
