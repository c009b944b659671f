/* SPDX-License-Identifier: MIT */
/*
 * The rollout part of `essc report` (report.h): the page's "Summary" and
 * "Adoption" sections and their tables -- national e-card holders on the
 * target dates and at the end of the run, the targets by province, the
 * slowest cities, the holders gained by channel class -- read from a run
 * database's rollout tables (docs/RUNDB.md); the figures are drawn by
 * rollout_plots.c, and the "Forecast" section is rollout_forecast.c's.  A share is holders over physical cardholders on the
 * same day (x 100), as the targets define it; every number shown is a value
 * of the database, or a ratio, count or mean of its values.  Each table
 * keeps the ids, row keys and column keys a test compares with the
 * database, so change them only together with that test.
 */
#include "reports/rollout.h"

#include "base/time.h"
#include "reports/html.h"
#include "reports/reader.h"

#include <math.h>
#include <string.h>

const char *const report_rollout_classes[REPORT_ROLLOUT_N_CLASSES][2] = {
  { "hrss", "HRSS departments" }, { "government", "other government" },
  { "partner", "national partners" }, { "bank", "banks" },
  { "medical", "medical/pharmacy" }, { "social", "social" },
};

typedef sqlite3_stmt Stmt;
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Stmt, sqlite3_finalize)

/* 100 a / b, NAN when b is not positive. */
static double
pct (double a, double b)
{
  return b > 0 ? 100.0 * a / b : NAN;
}

/* Steps st (its parameters bound) once into out[0..n-1], NAN for no row or
 * NULL, and resets it for the next binding. */
static gboolean
row_doubles (ReportCtx *ctx, Stmt *st, double *out, int n, GError **error)
{
  gboolean row = FALSE;
  gboolean ok = report_reader_step (ctx, st, &row, error);
  for (int i = 0; i < n; i++)
    out[i] = ok && row ? report_reader_double (st, i) : NAN;
  sqlite3_reset (st);
  return ok;
}

static gboolean
read_run (ReportCtx *ctx, ReportRolloutRun *run, GError **error)
{
  static const char *const names[REPORT_ROLLOUT_N_TARGETS][2] = {
    { "share_2019", "2019" }, { "share_2020", "2020" },
  };
  run->start = report_reader_run_value (ctx, "start");
  run->end = report_reader_run_value (ctx, "end");
  run->interval = report_reader_run_value (ctx, "interval");
  if (!report_rollout_is_date (run->start) || !report_rollout_is_date (run->end))
    {
      g_set_error (error, REPORT_ERROR, REPORT_ERROR_INPUT, "%s: damaged run database (the run "
                   "table's start and end are not dates YYYY-MM-DD)", ctx->db_path);
      return FALSE;
    }
  g_autoptr (Stmt) st = report_reader_prepare (ctx, "SELECT share, MIN (by_date) FROM city_target "
                                                "WHERE target = ?", error);
  if (st == NULL)
    return FALSE;
  for (int t = 0; t < REPORT_ROLLOUT_N_TARGETS; t++)
    {
      ReportRolloutTarget *target = &run->targets[t];
      target->name = names[t][0];
      target->suffix = names[t][1];
      target->share = NAN;
      sqlite3_bind_text (st, 1, target->name, -1, SQLITE_STATIC);
      gboolean row = FALSE;
      if (!report_reader_step (ctx, st, &row, error))
        return FALSE;
      if (row && report_rollout_is_date (report_reader_text (st, 1)))
        {
          target->share = report_reader_double (st, 0);
          target->by_date = g_strdup (report_reader_text (st, 1));
        }
      else
        report_warn (ctx, "the run database has no target %s (city_target): its columns are "
                     "left empty", target->name);
      sqlite3_reset (st);
    }
  return TRUE;
}

static void
run_clear (ReportRolloutRun *run)
{
  g_free (run->start);
  g_free (run->end);
  g_free (run->interval);
  for (int t = 0; t < REPORT_ROLLOUT_N_TARGETS; t++)
    g_free (run->targets[t].by_date);
}

gboolean
report_rollout_is_date (const char *s)
{
  gint32 day;
  return base_time_parse_date (s, &day, NULL) == BASE_TIME_OK;
}

const char *
report_rollout_interval_words (const ReportRolloutRun *run)
{
  if (g_strcmp0 (run->interval, "chance") == 0)
    return "chance only";
  if (g_strcmp0 (run->interval, "parameters and chance") == 0)
    return "the parameters drawn from the posterior, and chance";
  return "unknown";
}

char *
report_rollout_target_label (const ReportRolloutTarget *t)
{
  return g_strdup_printf ("%g%% by %s", 100 * t->share, t->by_date ? t->by_date : "?");
}

/* ---- the tables ------------------------------------------------------------ */

static int
cmp_str (gconstpointer a, gconstpointer b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

/* summary-national: national holders on each target date and at the end. */
static gboolean
table_national (ReportCtx *ctx, const ReportRolloutRun *run, GString *h, GError **error)
{
  g_autoptr (GPtrArray) dates = g_ptr_array_new ();
  g_autoptr (GString) caption = g_string_new ("National e-card holders on the target dates (");
  for (int t = 0; t < REPORT_ROLLOUT_N_TARGETS; t++)
    if (run->targets[t].by_date != NULL)
      {
        g_ptr_array_add (dates, run->targets[t].by_date);
        g_string_append_printf (caption, "%s%s: %g%% of the cardholders", t ? "; " : "",
                                run->targets[t].by_date, 100 * run->targets[t].share);
      }
  g_string_append_printf (caption, ") and at the end of the run (%s): mean over the "
                          "replications, lo and hi its 90%% interval; share = holders / "
                          "physical cardholders x 100.", run->end);
  g_ptr_array_add (dates, run->end);
  g_ptr_array_sort (dates, cmp_str);
  g_autoptr (Stmt) st = report_reader_prepare (
      ctx, "SELECT h.mean, h.lo, h.hi, c.mean FROM national_day AS h LEFT JOIN national_day "
           "AS c ON c.series = 'cardholders' AND c.date = h.date "
           "WHERE h.series = 'holders' AND h.date = ?", error);
  if (st == NULL)
    return FALSE;
  report_html_table_begin (h, "summary-national", caption->str, "date", "date", "#holders",
                           "e-card holders", "#lo", "90% interval: low", "#hi", "high",
                           "#share", "share of cardholders (%)", NULL);
  for (guint i = 0; i < dates->len; i++)
    {
      const char *date = dates->pdata[i];
      if (i > 0 && strcmp (date, dates->pdata[i - 1]) == 0)
        continue;
      double v[4];
      sqlite3_bind_text (st, 1, date, -1, SQLITE_STATIC);
      if (!row_doubles (ctx, st, v, 4, error))
        return FALSE;
      report_html_row_begin (h, date);
      report_html_cell (h, "date", date);
      report_html_num (h, "holders", "%.0f", v[0]);
      report_html_num (h, "lo", "%.0f", v[1]);
      report_html_num (h, "hi", "%.0f", v[2]);
      report_html_num (h, "share", "%.1f", pct (v[0], v[3]));
      report_html_row_end (h);
    }
  report_html_table_end (h);
  return TRUE;
}

/* slowest-cities: the 10 cities with the lowest share on the second target
 * date. */
static gboolean
table_slowest (ReportCtx *ctx, const ReportRolloutRun *run, GString *h, GError **error)
{
  const ReportRolloutTarget *tg = &run->targets[REPORT_ROLLOUT_N_TARGETS - 1];
  g_autoptr (Stmt) st = report_reader_prepare (
      ctx, "SELECT c.code, c.name, c.province, d.holders * 100.0 / d.cardholders AS s, "
           "t.probability, t.median_date FROM city_day AS d JOIN city AS c ON c.code = d.city "
           "LEFT JOIN city_target AS t ON t.city = d.city AND t.target = ?2 "
           "WHERE d.date = ?1 AND d.cardholders > 0 ORDER BY s, c.code LIMIT 10", error);
  if (st == NULL)
    return FALSE;
  sqlite3_bind_text (st, 1, tg->by_date, -1, SQLITE_STATIC);
  sqlite3_bind_text (st, 2, tg->name, -1, SQLITE_STATIC);
  g_autofree char *label = report_rollout_target_label (tg);
  g_autofree char *caption = g_strdup_printf (
      "The ten cities with the lowest share of their physical cardholders holding an e-card "
      "on %s, the date of the second target (%s): their probability of meeting it over the "
      "replications, and the median date they met it (over the replications that did; "
      "\"not met\" when none met it by then).", tg->by_date ? tg->by_date : "?", label);
  g_autofree char *share = g_strdup_printf ("share on %s (%%)", tg->by_date ? tg->by_date : "?");
  report_html_table_begin (h, "slowest-cities", caption, "city", "city", "province", "province",
                           "#share_2020", share, "#probability_2020",
                           "probability of meeting the target", "median_date_2020",
                           "median date met", NULL);
  gboolean row = FALSE, ok;
  while ((ok = report_reader_step (ctx, st, &row, error)) && row)
    {
      g_autofree char *key = g_strdup_printf ("%" G_GINT64_FORMAT,
                                              (gint64) sqlite3_column_int64 (st, 0));
      report_html_row_begin (h, key);
      report_html_cell (h, "city", report_reader_text (st, 1));
      report_html_cell (h, "province", report_reader_text (st, 2));
      report_html_num (h, "share_2020", "%.1f", report_reader_double (st, 3));
      report_html_num (h, "probability_2020", "%.2f", report_reader_double (st, 4));
      report_html_cell (h, "median_date_2020", sqlite3_column_type (st, 5) == SQLITE_NULL
                                                   ? "not met" : report_reader_text (st, 5));
      report_html_row_end (h);
    }
  report_html_table_end (h);
  return ok;
}

/* channels: holders gained by channel class at the end, and channels. */
static gboolean
table_channels (ReportCtx *ctx, const ReportRolloutRun *run, GString *h, GError **error)
{
  g_autoptr (Stmt) gained = report_reader_prepare (ctx, "SELECT mean FROM national_day WHERE "
                                                    "series = ? AND date = ?", error);
  g_autoptr (Stmt) count = gained ? report_reader_prepare (ctx, "SELECT COUNT (*) FROM channel "
                                                            "WHERE class = ?", error) : NULL;
  if (count == NULL)
    return FALSE;
  double holders[REPORT_ROLLOUT_N_CLASSES], channels[REPORT_ROLLOUT_N_CLASSES], sum = 0;
  for (int k = 0; k < REPORT_ROLLOUT_N_CLASSES; k++)
    {
      g_autofree char *series = g_strdup_printf ("class_%s", report_rollout_classes[k][0]);
      sqlite3_bind_text (gained, 1, series, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (gained, 2, run->end, -1, SQLITE_STATIC);
      sqlite3_bind_text (count, 1, report_rollout_classes[k][0], -1, SQLITE_STATIC);
      if (!row_doubles (ctx, gained, &holders[k], 1, error)
          || !row_doubles (ctx, count, &channels[k], 1, error))
        return FALSE;
      if (!isnan (holders[k]))
        sum += holders[k];
    }
  g_autoptr (GString) caption = g_string_new (NULL);
  g_string_append_printf (caption, "E-card holders gained through each class of channel by the "
                          "end of the run (%s; mean over the replications), their share of "
                          "all gained (%%), and the channels of each class in the catalogue. "
                          "Classes:", run->end);
  for (int k = 0; k < REPORT_ROLLOUT_N_CLASSES; k++)
    g_string_append_printf (caption, "%s %s = %s", k ? ";" : "", report_rollout_classes[k][0],
                            report_rollout_classes[k][1]);
  g_string_append_c (caption, '.');
  g_autofree char *gained_heading = g_strdup_printf ("holders gained by %s", run->end);
  report_html_table_begin (h, "channels", caption->str, "class", "class", "#holders",
                           gained_heading, "#share", "share (%)", "#channels", "channels",
                           NULL);
  for (int k = 0; k < REPORT_ROLLOUT_N_CLASSES; k++)
    {
      report_html_row_begin (h, report_rollout_classes[k][0]);
      report_html_cell (h, "class", report_rollout_classes[k][0]);
      report_html_num (h, "holders", "%.0f", holders[k]);
      report_html_num (h, "share", "%.1f", pct (holders[k], sum));
      report_html_num (h, "channels", "%.0f", channels[k]);
      report_html_row_end (h);
    }
  report_html_table_end (h);
  return TRUE;
}

gboolean
report_rollout (ReportCtx *ctx, GError **error)
{
  ReportRolloutRun run = { 0 };
  gboolean ok = read_run (ctx, &run, error);
  if (ok)
    {
      GString *summary = report_section (ctx, "summary", "Summary");
      g_autofree char *reps = report_reader_run_value (ctx, "replications");
      report_html_p (summary, "The run simulates %s to %s in %s replications. Figures are means "
                     "over the replications; intervals are 90%% (from the 5%% to the 95%% "
                     "quantile over the replications) and hold %s.", run.start, run.end,
                     reps ? reps : "?", report_rollout_interval_words (&run));
      ok = report_rollout_verdicts (ctx, &run, summary, error)
           && table_national (ctx, &run, summary, error)
           && table_slowest (ctx, &run, summary, error);
    }
  if (ok)
    {
      GString *adoption = report_section (ctx, "adoption", "Adoption");
      ok = table_channels (ctx, &run, adoption, error) && report_rollout_plots (ctx, &run, error);
    }
  if (ok)
    ok = report_rollout_forecast (ctx, &run, error);
  run_clear (&run);
  return ok;
}
