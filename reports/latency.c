/* SPDX-License-Identifier: MIT */
/*
 * The section "Platform load and latency" of the report: what the latency
 * model (model/rollout/latency.h) put in the run database, as tables a reader and
 * a test can both check against the database.  The SLA per platform (its
 * worst day by mean p99, and the days over the SLA), the status
 * propagation against ESSC-STD CARD-13, the service times (measured and
 * scaled, with one server's requests per second), and, when the run
 * planned capacity, each platform's busiest month of the plan with the
 * peak's requests per second and one server's (what a server is, said).  The figures are drawn by latency_plots.c.  Called
 * only for a run with latency rows; every number is read, none recomputed
 * from a simulation.
 */
#include "reports/latency.h"

#include "reports/html.h"
#include "reports/reader.h"

#include <math.h>
#include <string.h>

const char *
report_latency_short_name (const char *name)
{
  /* "local " + six digits + " " */
  if (g_str_has_prefix (name, "local ") && strlen (name) > 13 && name[12] == ' ')
    {
      for (int i = 6; i < 12; i++)
        if (!g_ascii_isdigit (name[i]))
          return name;
      return name + 13;
    }
  return name;
}

/* Appends the cell that emit() wrote to tmp to out, with class cls added
 * to its <td> (so that html.c keeps the data attributes' format). */
static void
add_class (GString *out, GString *tmp, const char *cls)
{
  if (cls != NULL && g_str_has_prefix (tmp->str, "<td class=\""))
    {
      g_autofree char *word = g_strdup_printf ("%s ", cls);
      g_string_insert (tmp, strlen ("<td class=\""), word);
    }
  else if (cls != NULL && g_str_has_prefix (tmp->str, "<td "))
    {
      g_autofree char *attr = g_strdup_printf ("class=\"%s\" ", cls);
      g_string_insert (tmp, strlen ("<td "), attr);
    }
  g_string_append (out, tmp->str);
  g_string_truncate (tmp, 0);
}

static void
cell_class (GString *out, const char *col, const char *text, const char *cls)
{
  g_autoptr (GString) tmp = g_string_new (NULL);
  report_html_cell (tmp, col, text);
  add_class (out, tmp, cls);
}

static void
num_class (GString *out, const char *col, const char *fmt, double value, const char *cls)
{
  g_autoptr (GString) tmp = g_string_new (NULL);
  report_html_num (tmp, col, fmt, value);
  add_class (out, tmp, cls);
}

/* Table `sla`: one row per platform. */
static gboolean
table_sla (ReportCtx *ctx, GString *body, double sla, GError **error)
{
  sqlite3_stmt *st = report_reader_prepare (
      ctx,
      "SELECT p.platform, p.name, "
      "  (SELECT count(*) FROM latency_day AS d WHERE d.platform = p.platform), "
      "  (SELECT count(*) FROM latency_day AS d WHERE d.platform = p.platform AND d.p99 > ?1), "
      "  w.date, w.servers, w.load, w.p99 "
      "FROM latency_platform AS p LEFT JOIN latency_day AS w ON w.platform = p.platform "
      "  AND w.date = (SELECT d.date FROM latency_day AS d WHERE d.platform = p.platform "
      "                ORDER BY d.p99 DESC, d.date LIMIT 1) "
      "ORDER BY p.platform",
      error);
  if (st == NULL)
    return FALSE;
  sqlite3_bind_double (st, 1, sla);
  g_autoptr (GString) rows = g_string_new (NULL);
  guint held = 0, broken = 0, idle = 0;
  gboolean row, ok;
  while ((ok = report_reader_step (ctx, st, &row, error)) && row)
    {
      g_autofree char *key = g_strdup_printf ("%d", sqlite3_column_int (st, 0));
      double days = report_reader_double (st, 2), over = report_reader_double (st, 3);
      gboolean demand = days > 0;
      report_html_row_begin (rows, key);
      report_html_cell (rows, "platform", report_reader_text (st, 1));
      if (demand)
        {
          report_html_num (rows, "servers", "%.0f", report_reader_double (st, 5));
          report_html_cell (rows, "worst_date", report_reader_text (st, 4));
          report_html_num (rows, "load", "%.3g", report_reader_double (st, 6));
          report_html_num (rows, "worst_p99_ms", "%.1f", report_reader_double (st, 7) * 1e3);
        }
      else
        {
          report_html_num (rows, "servers", "%.0f", NAN);
          report_html_cell (rows, "worst_date", "\u2013");
          report_html_num (rows, "load", "%.3f", NAN);
          report_html_num (rows, "worst_p99_ms", "%.1f", NAN);
        }
      num_class (rows, "days_over", "%.0f", over, over > 0 ? "bad" : NULL);
      report_html_num (rows, "days", "%.0f", days);
      if (!demand)
        report_html_cell (rows, "sla", "no demand"), idle++;
      else if (over > 0)
        cell_class (rows, "sla", "broken", "bad"), broken++;
      else
        cell_class (rows, "sla", "held", "good"), held++;
      report_html_row_end (rows);
    }
  sqlite3_finalize (st);
  if (!ok)
    return FALSE;

  g_autofree char *idle_text = idle == 0 ? g_strdup ("")
                               : g_strdup_printf (" (%u had no demand)", idle);
  report_html_p (body, "The service level: p99 \u2264 %g ms in each day's peak window. It held on "
                 "every day at %u of the %u platforms with demand%s%s.",
                 sla * 1e3, held, held + broken, idle_text,
                 broken > 0 ? "; the platforms marked broken had days over it" : "");
  g_autofree char *caption = g_strdup_printf (
      "Each platform's worst day (largest p99, mean over replications) and the days its p99 "
      "was over the SLA of %g ms", sla * 1e3);
  report_html_table_begin (body, "sla", caption, "platform", "platform",
                           "#servers", "servers (worst day)", "worst_date", "worst day",
                           "#load", "load per server", "#worst_p99_ms", "p99 (ms)",
                           "#days_over", "days over SLA", "#days", "days with demand",
                           "sla", "SLA", NULL);
  g_string_append (body, rows->str);
  report_html_table_end (body);
  return TRUE;
}

/* Table `propagation`: the status propagation's one row. */
static gboolean
table_propagation (ReportCtx *ctx, GString *body, GError **error)
{
  sqlite3_stmt *st = report_reader_prepare (ctx, "SELECT count, p50, p95, p99, max, bound_s, held "
                                             "FROM status_propagation LIMIT 1", error);
  if (st == NULL)
    return FALSE;
  gboolean row;
  if (!report_reader_step (ctx, st, &row, error))
    {
      sqlite3_finalize (st);
      return FALSE;
    }
  if (!row)
    {
      report_html_p (body, "No status propagation was recorded (ESSC-STD CARD-13 unchecked).");
      sqlite3_finalize (st);
      return TRUE;
    }
  double count = report_reader_double (st, 0), p99 = report_reader_double (st, 3);
  double bound = report_reader_double (st, 5);
  gboolean known = sqlite3_column_type (st, 6) != SQLITE_NULL;
  gboolean held = known && sqlite3_column_int (st, 6) != 0;
  if (known)
    report_html_p (body, "ESSC-STD CARD-13: a status change must reach every verifier within "
                   "%g s at the 99th percentile. Simulated (the national platform's response "
                   "plus the status feed's replication lag, %.0f samples over all "
                   "replications): p99 %.3f s, so the requirement is %s.",
                   bound, count, p99, held ? "held" : "NOT held");
  else
    report_html_p (body, "ESSC-STD CARD-13: a status change must reach every verifier within "
                   "%g s at the 99th percentile. No status change was simulated, so it is "
                   "unchecked.", bound);
  report_html_table_begin (body, "propagation", "Status propagation (seconds from a status "
                           "change to the verifiers)", "#count", "samples", "#p50_s", "p50 (s)",
                           "#p95_s", "p95 (s)", "#p99_s", "p99 (s)", "#max_s", "max (s)",
                           "#bound_s", "bound at p99 (s)", "held", "CARD-13", NULL);
  report_html_row_begin (body, "national");
  report_html_num (body, "count", "%.0f", count);
  report_html_num (body, "p50_s", "%.3f", report_reader_double (st, 1));
  report_html_num (body, "p95_s", "%.3f", report_reader_double (st, 2));
  report_html_num (body, "p99_s", "%.3f", p99);
  report_html_num (body, "max_s", "%.3f", report_reader_double (st, 4));
  report_html_num (body, "bound_s", "%g", bound);
  if (!known)
    report_html_cell (body, "held", "no samples");
  else
    cell_class (body, "held", held ? "held" : "not held", held ? "good" : "bad");
  report_html_row_end (body);
  report_html_table_end (body);
  sqlite3_finalize (st);
  return TRUE;
}

/* Table `service-times`: measured and scaled, per request kind. */
static gboolean
table_service (ReportCtx *ctx, GString *body, GError **error)
{
  sqlite3_stmt *st = report_reader_prepare (ctx, "SELECT kind, measured_s, hardware_factor, "
                                             "service_s, measured FROM latency_service "
                                             "ORDER BY rowid", error);
  if (st == NULL)
    return FALSE;
  report_html_p (body, "Service times: the mean cost of each request kind as measured by essc "
                 "bench, and the mean the model simulates (measured \u00d7 the scenario's "
                 "hardware factor, for the platforms' servers); each request's time is drawn "
                 "from a lognormal of that mean. A server serves one request at a time, so on "
                 "requests of one kind alone it completes 1 / that mean requests per second.");
  report_html_table_begin (body, "service-times", "Mean service time per request kind",
                           "kind", "request kind", "#measured_ms", "measured (ms)",
                           "#hardware_factor", "hardware factor", "#service_ms",
                           "in the model (ms)", "#server_rate", "one server (requests/s)",
                           "measured", "measured on", NULL);
  gboolean row, ok;
  while ((ok = report_reader_step (ctx, st, &row, error)) && row)
    {
      report_html_row_begin (body, report_reader_text (st, 0));
      report_html_cell (body, "kind", report_reader_text (st, 0));
      report_html_num (body, "measured_ms", "%.3f", report_reader_double (st, 1) * 1e3);
      report_html_num (body, "hardware_factor", "%g", report_reader_double (st, 2));
      report_html_num (body, "service_ms", "%.3f", report_reader_double (st, 3) * 1e3);
      report_html_num (body, "server_rate", "%.1f", 1 / report_reader_double (st, 3));
      report_html_cell (body, "measured", report_reader_text (st, 4));
      report_html_row_end (body);
    }
  sqlite3_finalize (st);
  report_html_table_end (body);
  return ok;
}

/* TRUE when table has a column named column. */
static gboolean
has_column (ReportCtx *ctx, const char *table, const char *column)
{
  sqlite3_stmt *st = NULL;
  gboolean found = FALSE;
  if (sqlite3_prepare_v2 (ctx->db, "SELECT 1 FROM pragma_table_info (?1) WHERE name = ?2", -1,
                          &st, NULL) == SQLITE_OK)
    {
      sqlite3_bind_text (st, 1, table, -1, SQLITE_STATIC);
      sqlite3_bind_text (st, 2, column, -1, SQLITE_STATIC);
      found = sqlite3_step (st) == SQLITE_ROW;
    }
  sqlite3_finalize (st);
  return found;
}

/* Table `capacity-plan`: each platform's month of most servers needed, with
 * the peak's requests per second and one server's (a database written
 * before capacity_plan had server_rate shows the latter empty). */
static gboolean
table_plan (ReportCtx *ctx, GString *body, GError **error)
{
  gboolean rates = has_column (ctx, "capacity_plan", "server_rate");
  g_autofree char *sql = g_strdup_printf (
      "SELECT c.platform, p.name, c.month, c.servers_max, c.servers_mean, c.erlang, "
      "  c.scheduled, c.unmet_reps, c.peak_rate, %s "
      "FROM capacity_plan AS c JOIN latency_platform AS p USING (platform) "
      "WHERE c.month = (SELECT d.month FROM capacity_plan AS d WHERE d.platform = c.platform "
      "                 ORDER BY d.servers_max DESC, d.peak_rate DESC, d.month LIMIT 1) "
      "ORDER BY c.platform", rates ? "c.server_rate" : "NULL");
  sqlite3_stmt *st = report_reader_prepare (ctx, sql, error);
  if (st == NULL)
    return FALSE;
  g_autoptr (GString) rows = g_string_new (NULL);
  guint short_of = 0, unmet = 0;
  gboolean row, ok;
  while ((ok = report_reader_step (ctx, st, &row, error)) && row)
    {
      g_autofree char *key = g_strdup_printf ("%d", sqlite3_column_int (st, 0));
      double need = report_reader_double (st, 3), sched = report_reader_double (st, 6);
      double miss = report_reader_double (st, 7);
      short_of += need > sched;
      unmet += miss > 0;
      report_html_row_begin (rows, key);
      report_html_cell (rows, "platform", report_reader_text (st, 1));
      report_html_cell (rows, "month", report_reader_text (st, 2));
      num_class (rows, "servers_max", "%.0f", need, need > sched ? "bad" : NULL);
      report_html_num (rows, "servers_mean", "%.1f", report_reader_double (st, 4));
      report_html_num (rows, "erlang", "%.0f", report_reader_double (st, 5));
      report_html_num (rows, "scheduled", "%.0f", sched);
      num_class (rows, "unmet_reps", "%.0f", miss, miss > 0 ? "bad" : NULL);
      double peak = report_reader_double (st, 8);
      report_html_num (rows, "peak_rate", peak < 1 ? "%.2g" : "%.1f", peak);
      report_html_num (rows, "server_rate", "%.1f", report_reader_double (st, 9));
      report_html_row_end (rows);
    }
  sqlite3_finalize (st);
  if (!ok)
    return FALSE;
  g_autofree char *short_text = short_of == 0
      ? g_strdup ("No platform needed more servers than scheduled")
      : g_strdup_printf ("%u platform%s needed more servers than scheduled (marked)", short_of,
                         short_of == 1 ? "" : "s");
  report_html_p (body, "Capacity plan: the fewest servers that keep a month's busiest day's p99 "
                 "within the SLA with at most 0.1%% of requests lost, for each platform in the "
                 "month it needed most (of several, the one of the highest peak; most over "
                 "replications; Erlang C's M/M/c estimate "
                 "beside it). %s%s. The full month-by-month plan is in the database table "
                 "capacity_plan.", short_text,
                 unmet > 0 ? "; where replications show as unmet, no server count met the SLA "
                             "(it is below the service time's own p99)" : "");
  report_html_p (body, "A server is one worker serving one request at a time, each request "
                 "taking its kind's service time (the measured cost times the scenario's hardware "
                 "factor: the table of service times above). One server therefore completes "
                 "1 / (the mean service time of the platform's request mix) requests per second: "
                 "the column \"per server\", for the mix of the month's busiest day (the kinds' "
                 "shares of its peak arrivals; payments alone at a local platform): 1 over that "
                 "mix's mean service time, the time averaged over the replications with demand. "
                 "\"Peak\" "
                 "is that day's arrival rate in the peak window (most over the replications). "
                 "Peak over per server is the number of servers the peak keeps busy: a queue "
                 "needs more than that to be stable, and more again to keep its p99 within the "
                 "SLA.%s", rates ? "" : " This run database was written before the plan recorded "
                                        "the service time of the mix: \"per server\" is empty.");
  report_html_table_begin (body, "capacity-plan", "Each platform's month of most servers "
                           "needed", "platform", "platform", "month", "month", "#servers_max",
                           "servers needed (most)", "#servers_mean", "servers needed (mean)",
                           "#erlang", "Erlang C", "#scheduled", "scheduled", "#unmet_reps",
                           "replications unmet", "#peak_rate", "peak (requests/s)",
                           "#server_rate", "per server (requests/s)", NULL);
  g_string_append (body, rows->str);
  report_html_table_end (body);
  return TRUE;
}

gboolean
report_latency (ReportCtx *ctx, GError **error)
{
  g_autofree char *sla_text = report_reader_run_value (ctx, "latency_sla_p99_s");
  double sla = sla_text != NULL ? g_ascii_strtod (sla_text, NULL) : NAN;
  if (!(sla > 0))
    {
      g_set_error (error, REPORT_ERROR, REPORT_ERROR_INPUT, "%s: damaged run database (latency "
                   "rows but no positive latency_sla_p99_s in the run table)", ctx->db_path);
      return FALSE;
    }
  GString *body = report_section (ctx, REPORT_LATENCY_SECTION, "Platform load and latency");
  report_html_p (body, "Each day the latency model simulates the peak window of every "
                 "platform (the national platform and one local platform per province) as a "
                 "multi-server queue with the day's scheduled servers; the numbers are means "
                 "over the replications.");
  if (!table_sla (ctx, body, sla, error) || !table_propagation (ctx, body, error)
      || !table_service (ctx, body, error))
    return FALSE;
  if (ctx->has_plan && !table_plan (ctx, body, error))
    return FALSE;
  return report_latency_plots (ctx, sla, error);
}
