/* SPDX-License-Identifier: MIT */
/*
 * The verdicts on a run's targets in `essc report` (report.h): the first
 * table of the page, "targets-verdict" (the nation: each target's verdict,
 * probability, margin and cities meeting it, and how many provinces have
 * each verdict), the definitions they follow, and "targets-province" (each
 * province's shares on the target dates, its verdict on every target and
 * its cities meeting the share targets).  Every value is a value of the run
 * database's tables target and target_verdict (docs/RUNDB.md, "Verdicts"),
 * written by model/rollout/verdict.c; the report computes none.
 */
#include "reports/rollout.h"

#include "reports/html.h"
#include "reports/reader.h"

#include <math.h>

typedef sqlite3_stmt Stmt;
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Stmt, sqlite3_finalize)

/* The targets of the run, in the database's order. */
typedef struct {
  char *name[REPORT_ROLLOUT_N_GOALS], *words[REPORT_ROLLOUT_N_GOALS],
       *by[REPORT_ROLLOUT_N_GOALS], *unit[REPORT_ROLLOUT_N_GOALS];
  char *definitions;
  guint n;
} Targets;

static void
targets_clear (Targets *t)
{
  for (guint i = 0; i < t->n; i++)
    {
      g_free (t->name[i]);
      g_free (t->words[i]);
      g_free (t->by[i]);
      g_free (t->unit[i]);
    }
  g_free (t->definitions);
}

static gboolean
read_targets (ReportCtx *ctx, Targets *t, GError **error)
{
  g_autoptr (Stmt) st = report_reader_prepare (ctx, "SELECT target, description, by_date, "
                                                "margin_unit, definitions FROM target "
                                                "ORDER BY rowid", error);
  if (st == NULL)
    return FALSE;
  gboolean row = FALSE, ok;
  while ((ok = report_reader_step (ctx, st, &row, error)) && row && t->n < REPORT_ROLLOUT_N_GOALS)
    {
      t->name[t->n] = g_strdup (report_reader_text (st, 0));
      t->words[t->n] = g_strdup (report_reader_text (st, 1));
      t->by[t->n] = g_strdup (report_reader_text (st, 2));
      t->unit[t->n] = g_strdup (report_reader_text (st, 3));
      if (t->definitions == NULL)
        t->definitions = g_strdup (report_reader_text (st, 4));
      t->n++;
    }
  return ok;
}

/* targets-verdict: the nation's verdict on every target. */
static gboolean
table_nation (ReportCtx *ctx, const Targets *t, GString *h, GError **error)
{
  g_autoptr (Stmt) nation = report_reader_prepare (
      ctx, "SELECT verdict, probability, margin, margin_lo, margin_hi, cities_meeting, "
           "cities_lo, cities_hi, cities FROM target_verdict WHERE target = ? AND scope = "
           "'nation'", error);
  g_autoptr (Stmt) count = nation ? report_reader_prepare (
      ctx, "SELECT TOTAL (verdict = 'met'), TOTAL (verdict = 'at risk'), TOTAL (verdict = "
           "'not met') FROM target_verdict WHERE target = ? AND scope = ?", error) : NULL;
  if (count == NULL)
    return FALSE;
  g_autofree char *reps = report_reader_run_value (ctx, "replications");
  g_autofree char *caption = g_strdup_printf (
      "The targets: the nation's verdict on each over %s replication(s) (met: probability of "
      "meeting it at least 0.9; not met: 0.1 or less; at risk: between), the margin (mean over "
      "the replications and its 90%% interval), the cities meeting it and the provinces and "
      "cities by verdict.", reps ? reps : "?");
  report_html_table_begin (
      h, "targets-verdict", caption, "target", "target", "by_date", "by", "verdict", "verdict",
      "#probability", "probability", "#margin", "margin", "#margin_lo", "5%", "#margin_hi", "95%",
      "unit", "margin in", "#cities_meeting", "cities meeting it", "#cities_lo", "5%",
      "#cities_hi", "95%", "#cities", "of cities", "#provinces_met", "provinces met",
      "#provinces_at_risk", "at risk", "#provinces_not_met", "not met", "#cities_met",
      "cities met", "#cities_at_risk", "at risk", "#cities_not_met", "not met", NULL);
  for (guint i = 0; i < t->n; i++)
    {
      gboolean row = FALSE;
      sqlite3_bind_text (nation, 1, t->name[i], -1, SQLITE_STATIC);
      if (!report_reader_step (ctx, nation, &row, error))
        return FALSE;
      if (!row)
        {
          sqlite3_reset (nation);
          report_warn (ctx, "the run database has no nation verdict on target %s", t->name[i]);
          continue;
        }
      double by[2][3];
      const char *scopes[2] = { "province", "city" };
      for (guint s = 0; s < 2; s++)
        {
          gboolean crow = FALSE;
          sqlite3_bind_text (count, 1, t->name[i], -1, SQLITE_STATIC);
          sqlite3_bind_text (count, 2, scopes[s], -1, SQLITE_STATIC);
          if (!report_reader_step (ctx, count, &crow, error))
            return FALSE;
          for (guint k = 0; k < 3; k++)
            by[s][k] = crow ? report_reader_double (count, (int) k) : NAN;
          sqlite3_reset (count);
        }
      gboolean days = g_strcmp0 (t->unit[i], "days") == 0;
      const char *mfmt = days ? "%+.0f" : "%+.1f";
      report_html_row_begin (h, t->name[i]);
      report_html_cell (h, "target", t->words[i]);
      report_html_cell (h, "by_date", t->by[i]);
      report_html_verdict (h, "verdict", report_reader_text (nation, 0),
                           report_reader_double (nation, 1));
      report_html_num (h, "probability", "%.2f", report_reader_double (nation, 1));
      report_html_num (h, "margin", mfmt, report_reader_double (nation, 2));
      report_html_num (h, "margin_lo", mfmt, report_reader_double (nation, 3));
      report_html_num (h, "margin_hi", mfmt, report_reader_double (nation, 4));
      report_html_cell (h, "unit", days ? "days" : "percentage points");
      report_html_num (h, "cities_meeting", "%.1f", report_reader_double (nation, 5));
      report_html_num (h, "cities_lo", "%.0f", report_reader_double (nation, 6));
      report_html_num (h, "cities_hi", "%.0f", report_reader_double (nation, 7));
      report_html_num (h, "cities", "%.0f", report_reader_double (nation, 8));
      report_html_num (h, "provinces_met", "%.0f", by[0][0]);
      report_html_num (h, "provinces_at_risk", "%.0f", by[0][1]);
      report_html_num (h, "provinces_not_met", "%.0f", by[0][2]);
      report_html_num (h, "cities_met", "%.0f", by[1][0]);
      report_html_num (h, "cities_at_risk", "%.0f", by[1][1]);
      report_html_num (h, "cities_not_met", "%.0f", by[1][2]);
      report_html_row_end (h);
      sqlite3_reset (nation);
    }
  report_html_table_end (h);
  g_string_append (h, "<p class=\"definitions\" id=\"verdict-definitions\">");
  report_html_escape (h, t->definitions ? t->definitions : "");
  g_string_append (h, "</p>\n");
  if (reps != NULL && g_ascii_strtoull (reps, NULL, 10) < 10)
    report_html_p (h, "With %s replication(s) a probability moves in steps of %.2f: run essc "
                   "sim --replications 20 or more before reading a target as at risk or not.",
                   reps, 1.0 / MAX (1.0, (double) g_ascii_strtoull (reps, NULL, 10)));
  return TRUE;
}

/* targets-province: every province's shares, verdicts and cities meeting
 * the share targets, and the nation's last. */
static gboolean
table_provinces (ReportCtx *ctx, const Targets *t, GString *h, GError **error)
{
  g_autoptr (Stmt) scopes = report_reader_prepare (
      ctx, "SELECT v.scope, v.code, (SELECT c.province FROM city AS c WHERE c.province_code = "
           "v.code ORDER BY c.code LIMIT 1), v.cities FROM target_verdict AS v WHERE v.target = "
           "?1 AND v.scope IN ('province', 'nation') ORDER BY v.scope = 'nation', v.code", error);
  g_autoptr (Stmt) share = scopes ? report_reader_prepare (
      ctx, "SELECT 100.0 * holders / cardholders FROM province_day WHERE province = ? AND "
           "date = ? AND cardholders > 0", error) : NULL;
  g_autoptr (Stmt) nshare = share ? report_reader_prepare (
      ctx, "SELECT 100.0 * h.mean / c.mean FROM national_day AS h JOIN national_day AS c ON "
           "c.series = 'cardholders' AND c.date = h.date WHERE h.series = 'holders' AND "
           "h.date = ?2 AND ?1 = ?1 AND c.mean > 0", error) : NULL;
  g_autoptr (Stmt) verdict = nshare ? report_reader_prepare (
      ctx, "SELECT verdict, probability, cities_meeting FROM target_verdict WHERE target = ? "
           "AND scope = ? AND code = ?", error) : NULL;
  if (verdict == NULL || t->n == 0)
    return verdict != NULL;
  /* the columns: province, cities, each share target's share, each
   * target's verdict, each share target's cities meeting it */
  g_autoptr (GPtrArray) cols = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (cols, g_strdup ("province"));
  g_ptr_array_add (cols, g_strdup ("province"));
  g_ptr_array_add (cols, g_strdup ("#cities"));
  g_ptr_array_add (cols, g_strdup ("cities"));
  for (guint i = 0; i < t->n; i++)
    if (g_strcmp0 (t->unit[i], "days") != 0)
      {
        g_ptr_array_add (cols, g_strdup_printf ("#%s", t->name[i]));
        g_ptr_array_add (cols, g_strdup_printf ("share on %s (%%)", t->by[i]));
      }
  for (guint i = 0; i < t->n; i++)
    {
      g_ptr_array_add (cols, g_strdup_printf ("verdict_%s", t->name[i]));
      g_ptr_array_add (cols, g_strdup (t->words[i]));
    }
  for (guint i = 0; i < t->n; i++)
    if (g_strcmp0 (t->unit[i], "days") != 0)
      {
        g_ptr_array_add (cols, g_strdup_printf ("#meeting_%s", t->name[i]));
        g_ptr_array_add (cols, g_strdup_printf ("cities meeting %s", t->words[i]));
      }
  report_html_table_begin_array (
      h, "targets-province", "The targets by province: the share of the physical cardholders "
      "holding an e-card on each target date (%, province totals), the province's verdict on "
      "each target and its cities meeting the share targets (mean over the replications; the "
      "definitions above); the last row is the nation.",
      (const char *const *) cols->pdata, cols->len);

  gboolean row = FALSE, ok;
  sqlite3_bind_text (scopes, 1, t->name[0], -1, SQLITE_STATIC);
  while ((ok = report_reader_step (ctx, scopes, &row, error)) && row)
    {
      const char *scope = report_reader_text (scopes, 0);
      gboolean nation = g_strcmp0 (scope, "nation") == 0;
      gint64 code = sqlite3_column_int64 (scopes, 1);
      g_autofree char *key = nation ? g_strdup ("national")
                                    : g_strdup_printf ("%" G_GINT64_FORMAT, code);
      g_autofree char *scope_name = g_strdup (scope);
      const char *name = nation ? "national" : sqlite3_column_type (scopes, 2) == SQLITE_NULL
                                                   ? key : report_reader_text (scopes, 2);
      report_html_row_begin (h, key);
      report_html_cell (h, "province", name);
      report_html_num (h, "cities", "%.0f", report_reader_double (scopes, 3));
      Stmt *sh = nation ? nshare : share;
      for (guint i = 0; i < t->n; i++)
        if (g_strcmp0 (t->unit[i], "days") != 0)
          {
            gboolean srow = FALSE;
            sqlite3_bind_int64 (sh, 1, code);
            sqlite3_bind_text (sh, 2, t->by[i], -1, SQLITE_STATIC);
            if (!report_reader_step (ctx, sh, &srow, error))
              return FALSE;
            report_html_num (h, t->name[i], "%.1f", srow ? report_reader_double (sh, 0) : NAN);
            sqlite3_reset (sh);
          }
      double meeting[REPORT_ROLLOUT_N_GOALS];
      for (guint i = 0; i < t->n; i++)
        {
          gboolean vrow = FALSE;
          sqlite3_bind_text (verdict, 1, t->name[i], -1, SQLITE_STATIC);
          sqlite3_bind_text (verdict, 2, scope_name, -1, SQLITE_STATIC);
          sqlite3_bind_int64 (verdict, 3, code);
          if (!report_reader_step (ctx, verdict, &vrow, error))
            return FALSE;
          g_autofree char *col = g_strdup_printf ("verdict_%s", t->name[i]);
          report_html_verdict (h, col, vrow ? report_reader_text (verdict, 0) : "?",
                               vrow ? report_reader_double (verdict, 1) : NAN);
          meeting[i] = vrow ? report_reader_double (verdict, 2) : NAN;
          sqlite3_reset (verdict);
        }
      for (guint i = 0; i < t->n; i++)
        if (g_strcmp0 (t->unit[i], "days") != 0)
          {
            g_autofree char *col = g_strdup_printf ("meeting_%s", t->name[i]);
            report_html_num (h, col, "%.1f", meeting[i]);
          }
      report_html_row_end (h);
    }
  if (!ok)
    return FALSE;
  report_html_table_end (h);
  return TRUE;
}

gboolean
report_rollout_verdicts (ReportCtx *ctx, const ReportRolloutRun *run, GString *h,
                         GError **error)
{
  Targets t = { 0 };
  gboolean ok = read_targets (ctx, &t, error) && table_nation (ctx, &t, h, error)
                && table_provinces (ctx, &t, h, error);
  targets_clear (&t);
  return ok;
}
