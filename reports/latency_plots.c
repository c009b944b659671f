/* SPDX-License-Identifier: MIT */
/*
 * The figures of the section "Platform load and latency" (see latency.h):
 * the national platform's daily percentiles against the SLA with the
 * cities' switches to unified settlement and its load (latency-national),
 * every local platform's daily p99 as small multiples (latency-local), the
 * national platform's monthly percentiles of the merged histograms
 * (latency-months) and, when the run planned capacity, servers needed
 * against scheduled (capacity-national, capacity-local).  Each figure reads
 * its rows straight into gnuplot datablocks (seconds as stored; scaled to
 * ms in the plot's `using`), so nothing is recomputed here beyond counting
 * the switched cities.  Time axes get explicit ticks on month starts, with
 * as many labels as the panel has room for.
 */
#include "reports/latency.h"

#include "base/time.h"

#include "reports/gnuplot.h"
#include "reports/reader.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define SEC REPORT_LATENCY_SECTION

/* Colours: percentiles p50, p95, p99, and the SLA. */
#define C_P50 "#1f77b4"
#define C_P95 "#ff7f0e"
#define C_P99 "#d62728"
#define C_SLA "#e00000"
#define C_GREY "#666666"

static void
put (GString *b, double v)
{
  if (isnan (v))
    g_string_append (b, " NaN");
  else
    g_string_append_printf (b, " %.9g", v);
}

/*
 * Month index (year * 12 + month - 1) of text that starts with a month
 * "YYYY-MM" or a calendar date "YYYY-MM-DD", followed by nothing or a space
 * (a data line); -1 if not.
 */
static int
month_of (const char *text)
{
  char date[BASE_TIME_DATE_SIZE];
  gint32 day;
  gsize n = text != NULL ? strcspn (text, " ") : 0;
  if (n == 7)   /* a month: its first day */
    g_snprintf (date, sizeof date, "%.7s-01", text);
  else if (n == BASE_TIME_DATE_SIZE - 1)
    memcpy (date, text, n), date[n] = '\0';
  else
    return -1;
  if (base_time_parse_date (date, &day, NULL) != BASE_TIME_OK)
    return -1;
  return atoi (date) * 12 + atoi (date + 5) - 1;
}

/* "YYYY-MM-01" of month index mi >= 0 (buf of DATE_BUF). */
#define DATE_BUF 24
static const char *
month_start (int mi, char *buf)
{
  mi = CLAMP (mi, 0, 9999 * 12 + 11);
  snprintf (buf, DATE_BUF, "%04d-%02d-01", mi / 12, mi % 12 + 1);
  return buf;
}

/*
 * Appends `set xtics (...)` with ticks on month starts from month index
 * first to last, every 1, 2, 3, 6, 12 or 24 months so that at most
 * max_labels show; labelled "Jan 2020", "Apr", ... or "2020" (with at
 * most 4 labels: "2020", "Jul", ...).  numeric: positions are month
 * offsets from `origin` (a category axis) instead of dates.  labels FALSE:
 * the ticks without labels (a panel above another).
 */
static void
month_tics (ReportPlot *p, int first, int last, guint max_labels, gboolean numeric, int origin,
            gboolean labels)
{
  static const char *const names[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                       "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
  if (first < 0 || last < first)   /* no valid month: no ticks */
    return;
  static const int steps[] = { 1, 2, 3, 6, 12, 24, 60 };
  int step = 60;
  for (guint i = 0; i < G_N_ELEMENTS (steps); i++)
    if ((last - first) / steps[i] + 1 <= (int) max_labels)
      {
        step = steps[i];
        break;
      }
  /* Narrow panels: January as "2020" alone, the other months by name. */
  gboolean compact = max_labels <= 4, has_jan = FALSE;
  for (int mi = first; mi <= last; mi++)
    has_jan |= mi % 12 == 0 && mi % step == 0;
  g_autoptr (GString) t = g_string_new ("set xtics (");
  gboolean any = FALSE;
  for (int mi = first; mi <= last; mi++)
    {
      if (mi % step != 0)
        continue;
      char buf[DATE_BUF], label[16];
      if (!labels)
        label[0] = '\0';
      else if (step >= 12 || (compact && mi % 12 == 0))
        snprintf (label, sizeof label, "%d", mi / 12);
      else if (mi % 12 == 0 || (!any && !(compact && has_jan)))
        snprintf (label, sizeof label, "%s %d", names[mi % 12], mi / 12);
      else
        snprintf (label, sizeof label, "%s", names[mi % 12]);
      if (numeric)
        g_string_append_printf (t, "%s\"%s\" %d", any ? ", " : "", label, mi - origin);
      else
        g_string_append_printf (t, "%s\"%s\" \"%s\"", any ? ", " : "", label,
                                month_start (mi, buf));
      any = TRUE;
    }
  g_string_append (t, ")\n");
  if (any)
    report_plot_printf (p, "%s", t->str);
}

/* Ticks for a time axis over [from, to] (dates "YYYY-MM-DD"), with its range. */
static void
date_axis (ReportPlot *p, const char *from, const char *to, guint max_labels, gboolean labels)
{
  int first = month_of (from), last = month_of (to);
  if (first < 0 || last < 0)
    return;
  if (strlen (from) >= 10 && strcmp (from + 8, "01") != 0)
    first++;
  report_plot_printf (p, "set xdata time\nset timefmt \"%%Y-%%m-%%d\"\n"
                         "set xrange [\"%s\":\"%s\"]\n", from, to);
  month_tics (p, first, last, max_labels, FALSE, 0, labels);
}

/* A log axis in ms over [lo, hi] seconds: from the decade below lo to twice
 * hi (room above the highest line for the SLA's label); ticks 1-2-5 when
 * fine and it spans few decades, else decades. */
static void
log_ms_axis (ReportPlot *p, const char *axis, double lo, double hi, gboolean fine)
{
  double a = pow (10, floor (log10 (lo * 1e3))), b = hi * 1e3 * 2;
  report_plot_printf (p, "set logscale %s\nset %srange [%g:%g]\nset format %s \"%%g\"\n",
                      axis, axis, a, b, axis);
  if (fine && log10 (b / a) <= 3.5)
    {
      g_autoptr (GString) t = g_string_new (NULL);
      for (double d = a; d <= b; d *= 10)
        for (int k = 0; k < 3; k++)
          {
            double v = d * (k == 0 ? 1 : k == 1 ? 2 : 5);
            if (v <= b)
              g_string_append_printf (t, "%s%g", t->len ? ", " : "", v);
          }
      report_plot_printf (p, "set %stics (%s)\n", axis, t->str);
    }
}

/* Runs sql (binding platform to ?1 when >= 0), appending each row's columns
 * to block: text columns as they are (first), numbers with put().  Returns
 * the rows read, or -1 on a database error. */
static int
rows_into (ReportCtx *ctx, const char *sql, int platform, GString *block, GError **error)
{
  sqlite3_stmt *st = report_reader_prepare (ctx, sql, error);
  if (st == NULL)
    return -1;
  if (platform >= 0)
    sqlite3_bind_int (st, 1, platform);
  int n = 0, cols = sqlite3_column_count (st);
  gboolean row, ok;
  while ((ok = report_reader_step (ctx, st, &row, error)) && row)
    {
      for (int c = 0; c < cols; c++)
        if (sqlite3_column_type (st, c) == SQLITE_TEXT)
          g_string_append_printf (block, "%s%s", c ? " " : "", report_reader_text (st, c));
        else
          put (block, report_reader_double (st, c));
      g_string_append_c (block, '\n');
      n++;
    }
  sqlite3_finalize (st);
  return ok ? n : -1;
}

/* One number from sql (NAN when NULL or no row); FALSE on a database error. */
static gboolean
scalar (ReportCtx *ctx, const char *sql, double *out, GError **error)
{
  sqlite3_stmt *st = report_reader_prepare (ctx, sql, error);
  if (st == NULL)
    return FALSE;
  gboolean row, ok = report_reader_step (ctx, st, &row, error);
  *out = ok && row ? report_reader_double (st, 0) : NAN;
  sqlite3_finalize (st);
  return ok;
}

/* The SLA's dashed line and its label on a log ms axis. */
static void
sla_line (ReportPlot *p, double sla)
{
  report_plot_printf (p, "set arrow 10 from graph 0, first %g to graph 1, first %g nohead "
                         "lc rgb '" C_SLA "' lw 2 dt 2 front\n"
                         "set label 10 \"SLA: p99 \\342\\211\\244 %g ms\" at graph 0.01, "
                         "first %g left tc rgb '" C_SLA "' front\n",
                      sla * 1e3, sla * 1e3, sla * 1e3, sla * 1e3 * 1.18);
}

/* ---- latency-national ---------------------------------------------------- */

static gboolean
plot_national (ReportCtx *ctx, double sla, GError **error)
{
  g_autofree char *start = report_reader_run_value (ctx, "start");
  g_autofree char *end = report_reader_run_value (ctx, "end");
  g_autoptr (ReportPlot) p = report_plot_new (
      "latency-national", "National platform: response time and load",
      "Top: the national platform's p50, p95 and p99 response time in each day's peak window "
      "(mean over replications, log scale), the p99's 90% interval over replications shaded, "
      "the SLA dashed, and on the right axis the cities that have switched to unified "
      "settlement (from then on their payments settle at the national platform). Bottom: the "
      "offered load per server in the peak and the servers scheduled.",
      SEC, 1100, 850);
  GString *d = report_plot_data (p, "d");
  int n = rows_into (ctx, "SELECT date, p50, p95, p99, p99_lo, p99_hi, load, servers "
                          "FROM latency_day WHERE platform = 0 ORDER BY date", -1, d, error);
  if (n < 0)
    return FALSE;
  if (n == 0 || start == NULL || end == NULL)
    return TRUE;
  double lo, hi, hi2, load, servers, cities;
  if (!scalar (ctx, "SELECT min(p50) FROM latency_day WHERE platform = 0 AND p50 > 0", &lo,
               error)
      || !scalar (ctx, "SELECT max(max(p99), ifnull(max(p99_hi), 0)) FROM latency_day "
                       "WHERE platform = 0", &hi, error)
      || !scalar (ctx, "SELECT max(load) FROM latency_day WHERE platform = 0", &load, error)
      || !scalar (ctx, "SELECT max(servers) FROM latency_day WHERE platform = 0", &servers,
                  error)
      || !scalar (ctx, "SELECT count(*) FROM city", &cities, error))
    return FALSE;
  hi2 = MAX (hi, sla);
  if (!(lo > 0))
    lo = hi2 / 100;
  /* The cumulative number of cities switched, from the run's start. */
  sqlite3_stmt *st = report_reader_prepare (ctx, "SELECT median_date, count(*) FROM city_milestone "
                                             "WHERE milestone = 'unified_settlement' "
                                             "GROUP BY median_date ORDER BY median_date", error);
  if (st == NULL)
    return FALSE;
  GString *sw = report_plot_data (p, "sw");
  double sum = 0;
  gboolean row, ok, started = FALSE;
  while ((ok = report_reader_step (ctx, st, &row, error)) && row)
    {
      const char *date = report_reader_text (st, 0);
      if (strcmp (date, end) > 0)
        break;
      if (!started && strcmp (date, start) > 0)
        g_string_append_printf (sw, "%s %.0f\n", start, sum);
      started = TRUE;
      sum += report_reader_double (st, 1);
      g_string_append_printf (sw, "%s %.0f\n", strcmp (date, start) < 0 ? start : date, sum);
    }
  sqlite3_finalize (st);
  if (!ok)
    return FALSE;
  if (!started)
    g_string_append_printf (sw, "%s 0\n", start);
  g_string_append_printf (sw, "%s %.0f\n", end, sum);

  report_plot_printf (p, "set multiplot title \"National platform: response time and load in "
                         "the daily peak window\" font \",13\"\n");
  date_axis (p, start, end, 14, FALSE);
  report_plot_printf (p, "set grid xtics ytics lc rgb '#dddddd'\n"
                         "set lmargin at screen 0.08\nset rmargin at screen 0.90\n"
                         "set tmargin at screen 0.87\nset bmargin at screen 0.42\n"
                         "set ytics nomirror\n");
  log_ms_axis (p, "y", lo, hi2, TRUE);
  report_plot_printf (p, "set ylabel \"response time in the peak window (ms)\"\n"
                         "set y2range [0:%g]\nset y2tics nomirror\n"
                         "set y2label \"cities switched to unified settlement\"\n"
                         "set key at screen 0.49, screen 0.915 center center horizontal "
                         "maxcols 3 samplen 2.5\n",
                      MAX (cities, 1) * 1.05);
  sla_line (p, sla);
  report_plot_printf (
      p,
      "plot $sw using 1:2 axes x1y2 with steps lw 2 lc rgb '#999999' notitle, \\\n"
      "  $d using 1:($5*1000):($6*1000) with filledcurves fc rgb '" C_P99 "' "
      "fs transparent solid 0.2 noborder notitle, \\\n"
      "  $d using 1:($2*1000) with lines lw 1.2 lc rgb '" C_P50 "' title \"p50\", \\\n"
      "  $d using 1:($3*1000) with lines lw 1.2 lc rgb '" C_P95 "' title \"p95\", \\\n"
      "  $d using 1:($4*1000) with lines lw 1.5 lc rgb '" C_P99 "' title \"p99\", \\\n"
      "  keyentry with filledcurves fc rgb '" C_P99 "' fs transparent solid 0.2 noborder "
      "title \"p99 90%% interval\", \\\n"
      "  keyentry with steps lw 2 lc rgb '#999999' title \"cities switched (right)\"\n");
  /* Bottom panel: load and servers. */
  double ymax = load > 0.3 ? MAX (1.3, load * 1.15) : load * 1.3;
  report_plot_printf (p, "unset arrow 10\nunset label 10\nunset logscale y\nunset ytics\n"
                         "unset y2tics\nset ytics nomirror\nset y2tics nomirror\n"
                         "set format y \"%%g\"\nset tmargin at screen 0.39\n"
                         "set bmargin at screen 0.10\n");
  date_axis (p, start, end, 14, TRUE);
  report_plot_printf (p, "set yrange [0:%g]\nset ylabel \"offered load per server (erlang)\"\n"
                         "set y2range [0:%g]\nset y2label \"servers scheduled\"\n"
                         "set xlabel \"date\"\nset key inside top left horizontal opaque box "
                         "lc rgb '#bbbbbb' samplen 2.5\n",
                      ymax > 0 ? ymax : 1, MAX (servers, 1) * 1.5);
  if (servers <= 20)
    report_plot_printf (p, "set y2tics 1\n");
  if (load > 0.3)
    report_plot_printf (p, "set arrow 11 from graph 0, first 1 to graph 1, first 1 nohead "
                           "lc rgb '" C_SLA "' dt 3\nset label 11 \"overloaded at 1\" at graph "
                           "0.99, first 1 right offset 0,0.6 tc rgb '" C_SLA "'\n");
  report_plot_printf (p, "plot $d using 1:7 with lines lw 1.2 lc rgb '#2ca02c' "
                         "title \"offered load per server (left)\", \\\n"
                         "  $d using 1:8 axes x1y2 with steps lw 2 lc rgb '#555555' "
                         "title \"servers scheduled (right)\"\n");
  report_plot_render (ctx, g_steal_pointer (&p));
  return TRUE;
}

/* ---- latency-local --------------------------------------------------------- */

static gboolean
plot_local (ReportCtx *ctx, double sla, GError **error)
{
  sqlite3_stmt *st = report_reader_prepare (ctx, "SELECT p.platform, p.name FROM latency_platform "
                                             "AS p WHERE p.platform > 0 AND EXISTS (SELECT 1 "
                                             "FROM latency_day AS d WHERE d.platform = "
                                             "p.platform) ORDER BY p.platform", error);
  if (st == NULL)
    return FALSE;
  g_autoptr (GArray) ids = g_array_new (FALSE, FALSE, sizeof (int));
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  gboolean row, ok;
  while ((ok = report_reader_step (ctx, st, &row, error)) && row)
    {
      int id = sqlite3_column_int (st, 0);
      g_array_append_val (ids, id);
      g_ptr_array_add (names, g_strdup (report_latency_short_name (report_reader_text (st, 1))));
    }
  sqlite3_finalize (st);
  if (!ok)
    return FALSE;
  guint n = ids->len;
  if (n == 0)
    return TRUE;
  double lo, hi;
  g_autoptr (GString) range = g_string_new (NULL);
  if (!scalar (ctx, "SELECT min(p99) FROM latency_day WHERE platform > 0 AND p99 > 0", &lo,
               error)
      || !scalar (ctx, "SELECT max(p99) FROM latency_day WHERE platform > 0", &hi, error)
      || rows_into (ctx, "SELECT min(date), max(date) FROM latency_day WHERE platform > 0", -1,
                    range, error) < 0)
    return FALSE;
  g_auto (GStrv) from_to = g_strsplit (g_strstrip (range->str), " ", 2);
  if (isnan (lo) || g_strv_length (from_to) != 2)
    return TRUE;
  guint cols = (guint) ceil (sqrt ((double) n)), rows = (n + cols - 1) / cols;
  int width = cols <= 2 ? 1100 : 1400;
  int height = CLAMP (110 + 240 * (int) rows, 600, 1400);
  g_autofree char *caption = g_strdup_printf (
      "The p99 response time in each day's peak window at each local (provincial) platform "
      "with demand, mean over replications, on one log scale; red dashed: the SLA (%g ms). A "
      "local platform's days end when every city of its province has moved to unified "
      "settlement (its payments then settle at the national platform).", sla * 1e3);
  g_autoptr (ReportPlot) p = report_plot_new ("latency-local", "Local platforms: daily p99",
                                              caption, SEC, width, height);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *block = g_strdup_printf ("p%u", i);
      if (rows_into (ctx, "SELECT date, p99 FROM latency_day WHERE platform = ?1 ORDER BY date",
                     g_array_index (ids, int, i), report_plot_data (p, block), error) < 0)
        return FALSE;
    }
  report_plot_printf (p, "set multiplot layout %u,%u title \"Local platforms: p99 response "
                         "time in the daily peak window (ms, log scale; red dashed: SLA "
                         "p99 \\342\\211\\244 %g ms)\" font \",13\" margins 0.06,0.98,%.4f,%.4f "
                         "spacing 0.035,%.4f\n",
                      rows, cols, sla * 1e3, 64.0 / height, 1 - 58.0 / height, 56.0 / height);
  date_axis (p, from_to[0], from_to[1], cols >= 5 ? 4 : 6, TRUE);
  log_ms_axis (p, "y", lo, MAX (hi, sla), FALSE);
  report_plot_printf (p, "set grid xtics ytics lc rgb '#e0e0e0'\nunset key\n"
                         "set tics font \",9\"\nset xtics nomirror\nset ytics nomirror\n"
                         "set label 20 \"p99 response time (ms)\" at screen 0.015, screen 0.5 "
                         "rotate by 90 center\n"
                         "set label 21 \"date\" at screen 0.52, screen %.4f center\n",
                      26.0 / height);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *title = report_plot_quote (names->pdata[i]);
      report_plot_printf (p, "set title %s offset 0,-0.6\n"
                             "plot $p%u using 1:($2*1000) with lines lw 1.2 lc rgb '" C_P99
                             "', %g with lines dt 2 lw 1.5 lc rgb '" C_SLA "'\n",
                          title, i, sla * 1e3);
      if (i == 0)
        report_plot_printf (p, "unset label 20\nunset label 21\n");
    }
  report_plot_render (ctx, g_steal_pointer (&p));
  return TRUE;
}

/* ---- latency-months -------------------------------------------------------- */

/* Rows of "YYYY-MM v..." into block as month-start dates, plus a closing row
 * at the month after the last (so that steps show the last month); the
 * first and the closing month indexes in *first, *last. */
static void
monthly_steps (const GString *in, GString *block, int *first, int *last)
{
  g_auto (GStrv) lines = g_strsplit (in->str, "\n", -1);
  const char *prev = NULL;
  int mi = -1;
  *first = -1;
  for (guint i = 0; lines[i] != NULL; i++)
    {
      if (lines[i][0] == '\0' || (mi = month_of (lines[i])) < 0)
        continue;
      char buf[DATE_BUF];
      const char *rest = strchr (lines[i], ' ');
      g_string_append_printf (block, "%s%s\n", month_start (mi, buf), rest ? rest : "");
      if (*first < 0)
        *first = mi;
      prev = rest;
    }
  *last = mi + 1;
  if (prev != NULL)
    {
      char buf[DATE_BUF];
      g_string_append_printf (block, "%s%s\n", month_start (mi + 1, buf), prev);
    }
}

static gboolean
plot_months (ReportCtx *ctx, double sla, GError **error)
{
  g_autoptr (GString) raw = g_string_new (NULL);
  int n = rows_into (ctx, "SELECT month, p50, p95, p99 FROM latency_month WHERE platform = 0 "
                          "ORDER BY month", -1, raw, error);
  double lo, hi;
  if (n < 0
      || !scalar (ctx, "SELECT min(p50) FROM latency_month WHERE platform = 0 AND p50 > 0",
                  &lo, error)
      || !scalar (ctx, "SELECT max(p99) FROM latency_month WHERE platform = 0", &hi, error))
    return FALSE;
  if (n == 0 || isnan (lo))
    return TRUE;
  g_autoptr (ReportPlot) p = report_plot_new (
      "latency-months", "National platform: monthly response time percentiles",
      "The p50, p95 and p99 of the national platform's response times in each month, from the "
      "month's histogram merged over its days and the replications (log scale), with the SLA "
      "dashed.", SEC, 1100, 600);
  int first, last;
  char a[DATE_BUF], b[DATE_BUF];
  monthly_steps (raw, report_plot_data (p, "m"), &first, &last);
  if (first < 0)   /* no row with a valid month */
    return TRUE;
  report_plot_printf (p, "set xdata time\nset timefmt \"%%Y-%%m-%%d\"\nset xrange [\"%s\":\"%s\"]\n",
                      month_start (first, a), month_start (last, b));
  month_tics (p, first, last, 14, FALSE, 0, TRUE);
  log_ms_axis (p, "y", lo, MAX (hi, sla), TRUE);
  sla_line (p, sla);
  report_plot_printf (p, "set title \"National platform: response time percentiles per month "
                         "(merged histograms)\" font \",13\"\nset bmargin 4\n"
                         "set grid xtics ytics lc rgb '#dddddd'\nset xlabel \"month\"\n"
                         "set ylabel \"response time (ms)\"\n"
                         "set key top right horizontal opaque box lc rgb '#bbbbbb' width 1\n"
                         "plot $m using 1:($4*1000) with steps lw 2 lc rgb '" C_P99 "' "
                         "title \"p99\", \\\n"
                         "  $m using 1:($3*1000) with steps lw 2 lc rgb '" C_P95 "' "
                         "title \"p95\", \\\n"
                         "  $m using 1:($2*1000) with steps lw 2 lc rgb '" C_P50 "' "
                         "title \"p50\"\n");
  report_plot_render (ctx, g_steal_pointer (&p));
  return TRUE;
}

/* ---- capacity-national, capacity-local ----------------------------------- */

static gboolean
plot_capacity_national (ReportCtx *ctx, GError **error)
{
  g_autoptr (GString) raw = g_string_new (NULL);
  int n = rows_into (ctx, "SELECT month, servers_max, servers_mean, erlang, scheduled "
                          "FROM capacity_plan WHERE platform = 0 ORDER BY month", -1, raw, error);
  double top;
  if (n < 0 || !scalar (ctx, "SELECT max(max(servers_max), max(erlang), max(scheduled)) FROM "
                             "capacity_plan WHERE platform = 0", &top, error))
    return FALSE;
  if (n == 0)
    return TRUE;
  g_autoptr (ReportPlot) p = report_plot_new (
      "capacity-national", "National platform: servers needed and scheduled",
      "The capacity plan for the national platform: per month the fewest servers that keep "
      "the month's busiest day's p99 within the SLA with at most 0.1% lost (most and mean "
      "over replications), Erlang C's M/M/c estimate, and the servers scheduled. A server is "
      "one worker serving one request at a time at the scenario's service times; the table "
      "of the capacity plan gives one server's requests per second (capacity_plan.server_rate "
      "for every month).",
      SEC, 1100, 600);
  int first, last;
  char a[DATE_BUF], b[DATE_BUF];
  monthly_steps (raw, report_plot_data (p, "c"), &first, &last);
  if (first < 0)   /* no row with a valid month */
    return TRUE;
  report_plot_printf (p, "set xdata time\nset timefmt \"%%Y-%%m-%%d\"\nset xrange [\"%s\":\"%s\"]\n",
                      month_start (first, a), month_start (last, b));
  month_tics (p, first, last, 14, FALSE, 0, TRUE);
  report_plot_printf (p, "set title \"National platform: servers needed (capacity plan) and "
                         "scheduled, per month\" font \",13\"\nset bmargin 4\n"
                         "set grid xtics ytics lc rgb '#dddddd'\nset xlabel \"month\"\n"
                         "set ylabel \"servers\"\nset yrange [0:%g]\n%s"
                         "set key top left opaque box lc rgb '#bbbbbb'\n"
                         "plot $c using 1:5 with steps lw 4 lc rgb '#aaaaaa' "
                         "title \"scheduled\", \\\n"
                         "  $c using 1:2 with steps lw 3 lc rgb '" C_P99 "' "
                         "title \"needed, most over replications\", \\\n"
                         "  $c using 1:3 with steps lw 2 dt 2 lc rgb '" C_P50 "' "
                         "title \"needed, mean over replications\", \\\n"
                         "  $c using 1:4 with steps lw 2 dt 3 lc rgb '#2ca02c' "
                         "title \"Erlang C estimate (M/M/c)\"\n",
                      ceil (MAX (top, 1) * 1.3), top <= 20 ? "set ytics 1\n" : "");
  report_plot_render (ctx, g_steal_pointer (&p));
  return TRUE;
}

/* A heat map: one row per local platform, one column per month, the colour
 * the servers needed (most over replications). */
static gboolean
plot_capacity_local (ReportCtx *ctx, GError **error)
{
  sqlite3_stmt *st = report_reader_prepare (
      ctx, "SELECT c.platform, p.name, c.month, c.servers_max, c.scheduled, c.unmet_reps, "
           "c.demand_reps FROM capacity_plan AS c JOIN latency_platform AS p USING (platform) "
           "WHERE c.platform > 0 ORDER BY c.platform, c.month", error);
  if (st == NULL)
    return FALSE;
  g_autoptr (GString) cells = g_string_new (NULL), over = g_string_new (NULL);
  g_autoptr (GString) unmet = g_string_new (NULL), ytics = g_string_new (NULL);
  int last_platform = -1, row = 0, first = -1, last = -1, top = 0, widest = 0;
  gboolean has, ok;
  while ((ok = report_reader_step (ctx, st, &has, error)) && has)
    {
      int platform = sqlite3_column_int (st, 0);
      int mi = month_of (report_reader_text (st, 2));
      if (mi < 0)
        continue;
      if (platform != last_platform)
        {
          const char *name = report_latency_short_name (report_reader_text (st, 1));
          g_autofree char *q = report_plot_quote (name);
          /* Its width in character cells: a CJK character takes about two. */
          int w = 0;
          for (const char *c = name; *c; c = g_utf8_next_char (c))
            w += (guchar) *c < 0x80 ? 1 : 2;
          widest = MAX (widest, w);
          row++;
          g_string_append_printf (ytics, "%s%s %d", ytics->len ? ", " : "", q, row);
          last_platform = platform;
        }
      first = first < 0 ? mi : MIN (first, mi);
      last = MAX (last, mi);
      int need = sqlite3_column_int (st, 3), sched = sqlite3_column_int (st, 4);
      top = MAX (top, need);
      g_string_append_printf (cells, "%d %d %d\n", mi, row, need);
      if (need > sched)
        g_string_append_printf (over, "%d %d\n", mi, row);
      if (sqlite3_column_int (st, 5) > 0)
        g_string_append_printf (unmet, "%d %d\n", mi, row);
    }
  sqlite3_finalize (st);
  if (!ok)
    return FALSE;
  if (row == 0)
    return TRUE;
  g_autoptr (ReportPlot) p = report_plot_new (
      "capacity-local", "Local platforms: servers needed per month",
      "The capacity plan for the local platforms: each cell is a month, its colour the fewest "
      "servers that keep the month's busiest day's p99 within the SLA with at most 0.1% lost "
      "(most over replications); grey: none needed (no demand that month). Marked: months "
      "needing more servers than scheduled, and months where no server count met the SLA in "
      "some replication. A local platform's server serves payments alone, one at a time: "
      "1 / the payment's service time requests per second (the table of service times).",
      SEC, 1100, CLAMP (220 + 30 * row, 500, 1400));
  /* Cells on a category axis: x = months since the first. */
  GString *c = report_plot_data (p, "c");
  g_auto (GStrv) lines = g_strsplit (cells->str, "\n", -1);
  for (guint i = 0; lines[i] != NULL && lines[i][0]; i++)
    {
      int mi, r, need;
      if (sscanf (lines[i], "%d %d %d", &mi, &r, &need) == 3)
        g_string_append_printf (c, "%d %d %d\n", mi - first, r, need);
    }
  GString *blocks[2] = { over, unmet };
  const char *names[2] = { "o", "u" };
  for (guint b = 0; b < 2; b++)
    {
      g_auto (GStrv) ls = g_strsplit (blocks[b]->str, "\n", -1);
      GString *d = report_plot_data (p, names[b]);
      for (guint i = 0; ls[i] != NULL && ls[i][0]; i++)
        {
          int mi, r;
          if (sscanf (ls[i], "%d %d", &mi, &r) == 2)
            g_string_append_printf (d, "%d %d\n", mi - first, r);
        }
    }
  /* A palette of one colour per server count: grey for 0, then light to dark blue. */
  g_autoptr (GString) pal = g_string_new ("set palette defined (");
  for (int k = 0; k <= MAX (top, 1); k++)
    {
      double f = top <= 1 ? 1 : (double) (k - 1) / (top - 1);
      g_autofree char *col = k == 0 ? g_strdup ("#e6e6e6")
                                    : g_strdup_printf ("#%02x%02x%02x",
                                                       (int) (0xc6 + f * (0x08 - 0xc6)),
                                                       (int) (0xdb + f * (0x30 - 0xdb)),
                                                       (int) (0xef + f * (0x6b - 0xef)));
      g_string_append_printf (pal, "%s%g '%s', %g '%s'", k ? ", " : "", k - 0.5, col,
                              k + 0.4999, col);
    }
  g_string_append (pal, ")\n");
  int step = top <= 10 ? 1 : (top + 9) / 10;
  report_plot_printf (p, "set title \"Local platforms: servers needed per month (capacity "
                         "plan)\" font \",13\"\nset bmargin 5\nset lmargin %d\n"
                         "set xrange [-0.5:%g]\nset yrange [%g:0.5]\nset ytics (%s)\n"
                         "set ytics nomirror\nset xtics nomirror\nset tics out\n"
                         "set xlabel \"month\"\nset ylabel \"local platform (province)\"\n"
                         "set cbrange [-0.5:%g]\nset cbtics %d\n"
                         "set cblabel \"servers needed (most over replications)\"\n%s"
                         "set style fill solid 1.0 noborder\n"
                         "set key below horizontal\n",
                      widest + 6, last - first + 0.5, row + 0.5, ytics->str, MAX (top, 1) + 0.5, step,
                      pal->str);
  month_tics (p, first, last, 14, TRUE, first, TRUE);
  report_plot_printf (p, "plot $c using 1:2:(0.45):(0.42):3 with boxxyerror fc palette "
                         "notitle");
  if (over->len > 0)
    report_plot_printf (p, ", \\\n  $o using 1:2 with points pt 9 ps 1 lc rgb '#000000' "
                           "title \"needs more servers than scheduled\"");
  if (unmet->len > 0)
    report_plot_printf (p, ", \\\n  $u using 1:2 with points pt 2 ps 1.2 lw 2 lc rgb '"
                           C_SLA "' title \"SLA not met by any server count in some "
                           "replication\"");
  report_plot_printf (p, "\n");
  report_plot_render (ctx, g_steal_pointer (&p));
  return TRUE;
}

gboolean
report_latency_plots (ReportCtx *ctx, double sla, GError **error)
{
  if (!plot_national (ctx, sla, error) || !plot_local (ctx, sla, error)
      || !plot_months (ctx, sla, error))
    return FALSE;
  if (ctx->has_plan
      && (!plot_capacity_national (ctx, error) || !plot_capacity_local (ctx, error)))
    return FALSE;
  return TRUE;
}
