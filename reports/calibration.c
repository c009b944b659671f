/* SPDX-License-Identifier: MIT */
/*
 * The calibration part of `essc report` (report.h): a calibration database
 * (essc calibrate, essc backtest; docs/CALIBDB.md) as the page's sections
 * "Calibration" (how the fit ran, the free parameters' priors and
 * posteriors), "ABC-SMC diagnostics" (each generation's tolerance,
 * acceptance rate and effective sample size), "The fit" (each published
 * figure fitted against its simulated distribution) and, when the database
 * holds a backtest, "Backtest" (each later figure against its forecast,
 * whether it fell inside the 50% and 90% intervals, and their widths).  The
 * figures are calibration_plots.c's.  Every number shown is a value of the
 * database, or a ratio or count of its values; each table keeps the ids,
 * row keys (the parameter's name, the generation's and the figure's
 * number) and column keys that tests/cli/test_calibration_report.c compares
 * with the database, so change them only together with that test.
 */
#include "reports/calibration.h"

#include "base/time.h"
#include "reports/html.h"
#include "reports/reader.h"

#include <math.h>
#include <string.h>

typedef sqlite3_stmt Stmt;
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Stmt, sqlite3_finalize)

gboolean
report_calibration_is_date (const char *s)
{
  gint32 day;
  return s != NULL && base_time_parse_date (s, &day, NULL) == BASE_TIME_OK;
}

/* 100 a / b, NAN when b is not positive. */
static double
pct (double a, double b)
{
  return b > 0 ? 100.0 * a / b : NAN;
}

static void
calibration_clear (ReportCalibration *cal)
{
  for (guint p = 0; p < cal->n_params; p++)
    g_free (cal->params[p].name);
  g_free (cal->params);
  g_free (cal->fit_until);
}

/* ---- the parameters ------------------------------------------------------------- */

static gboolean
read_params (ReportCtx *ctx, ReportCalibration *cal, GError **error)
{
  g_autoptr (Stmt) st = report_reader_prepare (
      ctx, "SELECT param, name, lo, hi, log_scale, mean, q05, q50, q95 FROM parameter "
           "ORDER BY param", error);
  if (st == NULL)
    return FALSE;
  g_autoptr (GArray) params = g_array_new (FALSE, TRUE, sizeof (ReportCalibParam));
  gboolean row = FALSE, ok;
  while ((ok = report_reader_step (ctx, st, &row, error)) && row)
    {
      ReportCalibParam p = {
        .name = g_strdup (report_reader_text (st, 1)), .lo = report_reader_double (st, 2),
        .hi = report_reader_double (st, 3), .log_scale = sqlite3_column_int (st, 4) != 0,
        .mean = report_reader_double (st, 5), .q05 = report_reader_double (st, 6),
        .q50 = report_reader_double (st, 7), .q95 = report_reader_double (st, 8),
      };
      g_array_append_val (params, p);
      if (sqlite3_column_int64 (st, 0) != (gint64) params->len - 1)
        {
          ok = FALSE;
          g_set_error (error, REPORT_ERROR, REPORT_ERROR_INPUT, "%s: damaged calibration "
                       "database (the parameters are not numbered 0, 1, 2, ...)",
                       ctx->db_path);
          break;
        }
    }
  cal->n_params = params->len;
  cal->params = (ReportCalibParam *) (void *) g_array_free (g_steal_pointer (&params), FALSE);
  return ok;
}

/* calibration-parameters: the priors and the posterior summaries. */
static void
table_params (const ReportCalibration *cal, GString *h)
{
  report_html_table_begin (
      h, "calibration-parameters", "The free parameters: the prior (uniform, or log-uniform "
      "for a parameter fitted on a log scale, between low and high) and the posterior: its "
      "weighted mean, median and 90% interval (the 5% and 95% weighted quantiles of the "
      "particles).", "param", "parameter", "prior", "prior", "#lo", "prior: low", "#hi",
      "prior: high", "#mean", "posterior mean", "#q05", "90% interval: low", "#q50",
      "median", "#q95", "90% interval: high", NULL);
  for (guint i = 0; i < cal->n_params; i++)
    {
      const ReportCalibParam *p = &cal->params[i];
      report_html_row_begin (h, p->name);
      report_html_cell (h, "param", p->name);
      report_html_cell (h, "prior", p->log_scale ? "log-uniform" : "uniform");
      report_html_num (h, "lo", "%.4g", p->lo);
      report_html_num (h, "hi", "%.4g", p->hi);
      report_html_num (h, "mean", "%.4g", p->mean);
      report_html_num (h, "q05", "%.4g", p->q05);
      report_html_num (h, "q50", "%.4g", p->q50);
      report_html_num (h, "q95", "%.4g", p->q95);
      report_html_row_end (h);
    }
  report_html_table_end (h);
}

/* ---- the ABC diagnostics ----------------------------------------------------------- */

static gboolean
table_generations (ReportCtx *ctx, GString *h, guint n_particles, GError **error)
{
  g_autoptr (Stmt) st = report_reader_prepare (
      ctx, "SELECT generation, epsilon, attempts, simulations, accepted, acceptance, ess "
           "FROM generation ORDER BY generation", error);
  if (st == NULL)
    return FALSE;
  report_html_table_begin (
      h, "calibration-generations", "Each generation of the ABC-SMC fit: the tolerance its "
      "particles were accepted under (the distance, root mean square of the figures' log "
      "errors over the error scale; infinite for generation 0, drawn from the prior), the "
      "proposals drawn, the simulations run and accepted, the acceptance rate (accepted / "
      "simulations) and the effective sample size of its weights (1 / sum of the squared "
      "weights), also as a share of the particles.",
      "#generation", "generation", "#epsilon", "tolerance", "#attempts", "attempts",
      "#simulations", "simulations", "#accepted", "accepted", "#acceptance",
      "acceptance rate (%)", "#ess", "effective sample size", "#ess_share",
      "ESS / particles (%)", NULL);
  gboolean row = FALSE, ok;
  while ((ok = report_reader_step (ctx, st, &row, error)) && row)
    {
      g_autofree char *key = g_strdup_printf ("%d", sqlite3_column_int (st, 0));
      report_html_row_begin (h, key);
      report_html_num (h, "generation", "%.0f", report_reader_double (st, 0));
      if (sqlite3_column_type (st, 1) == SQLITE_NULL)
        report_html_cell (h, "epsilon", "\u221e");
      else
        report_html_num (h, "epsilon", "%.4g", report_reader_double (st, 1));
      report_html_num (h, "attempts", "%.0f", report_reader_double (st, 2));
      report_html_num (h, "simulations", "%.0f", report_reader_double (st, 3));
      report_html_num (h, "accepted", "%.0f", report_reader_double (st, 4));
      report_html_num (h, "acceptance", "%.1f", 100 * report_reader_double (st, 5));
      report_html_num (h, "ess", "%.1f", report_reader_double (st, 6));
      report_html_num (h, "ess_share", "%.1f", pct (report_reader_double (st, 6), n_particles));
      report_html_row_end (h);
    }
  report_html_table_end (h);
  return ok;
}

/* ---- the fit ------------------------------------------------------------------------ */

static gboolean
table_fit (ReportCtx *ctx, GString *h, const char *error_scale, GError **error)
{
  g_autoptr (Stmt) st = report_reader_prepare (
      ctx, "SELECT figure, quantity, date, published, mean, q05, q95, error FROM fit "
           "ORDER BY figure", error);
  if (st == NULL)
    return FALSE;
  g_autofree char *caption = g_strdup_printf (
      "Each published figure fitted: its value, and the simulated value on its date over the "
      "posterior (the particles' simulations, weighted): mean and 90%% interval; error = "
      "(mean - published) / published x 100. The fit weighs each figure's log error against "
      "the error scale %s.", error_scale ? error_scale : "?");
  report_html_table_begin (h, "calibration-fit", caption, "#figure", "figure", "quantity",
                           "quantity", "date", "date", "#published", "published", "#mean",
                           "simulated mean", "#q05", "90% interval: low", "#q95",
                           "90% interval: high", "#error", "error (%)", NULL);
  gboolean row = FALSE, ok;
  while ((ok = report_reader_step (ctx, st, &row, error)) && row)
    {
      g_autofree char *key = g_strdup_printf ("%d", sqlite3_column_int (st, 0));
      report_html_row_begin (h, key);
      report_html_num (h, "figure", "%.0f", report_reader_double (st, 0));
      report_html_cell (h, "quantity", report_reader_text (st, 1));
      report_html_cell (h, "date", report_reader_text (st, 2));
      report_html_num (h, "published", "%.0f", report_reader_double (st, 3));
      report_html_num (h, "mean", "%.0f", report_reader_double (st, 4));
      report_html_num (h, "q05", "%.0f", report_reader_double (st, 5));
      report_html_num (h, "q95", "%.0f", report_reader_double (st, 6));
      report_html_num (h, "error", "%+.1f", 100 * report_reader_double (st, 7));
      report_html_row_end (h);
    }
  report_html_table_end (h);
  return ok;
}

/* ---- the backtest -------------------------------------------------------------------- */

static gboolean
table_backtest (ReportCtx *ctx, GString *h, const char *fit_until, GError **error)
{
  g_autoptr (Stmt) st = report_reader_prepare (
      ctx, "SELECT figure, quantity, date, published, mean, q25, q75, q05, q95, error, in50, "
           "in90 FROM backtest ORDER BY figure", error);
  if (st == NULL)
    return FALSE;
  g_autofree char *caption = g_strdup_printf (
      "Each published figure after the fitting cut-off (%s) against its forecast from the "
      "posterior (the replications' values on its date): mean, 50%% and 90%% intervals, "
      "error = (mean - published) / published x 100, whether the published value lies "
      "inside each interval, and each interval's width as a share of the mean (%%).",
      fit_until ? fit_until : "?");
  report_html_table_begin (h, "calibration-backtest", caption, "#figure", "figure",
                           "quantity", "quantity", "date", "date", "#published", "published",
                           "#mean", "forecast mean", "#q25", "50% interval: low", "#q75",
                           "50% interval: high", "#q05", "90% interval: low", "#q95",
                           "90% interval: high", "#error", "error (%)", "in50",
                           "inside 50%", "in90", "inside 90%", "#width50",
                           "50% width (% of mean)", "#width90", "90% width (% of mean)", NULL);
  guint n = 0, n50 = 0, n90 = 0;
  gboolean row = FALSE, ok;
  while ((ok = report_reader_step (ctx, st, &row, error)) && row)
    {
      double mean = report_reader_double (st, 4);
      double q25 = report_reader_double (st, 5), q75 = report_reader_double (st, 6);
      double q05 = report_reader_double (st, 7), q95 = report_reader_double (st, 8);
      gboolean in50 = sqlite3_column_int (st, 10) != 0, in90 = sqlite3_column_int (st, 11) != 0;
      g_autofree char *key = g_strdup_printf ("%d", sqlite3_column_int (st, 0));
      report_html_row_begin (h, key);
      report_html_num (h, "figure", "%.0f", report_reader_double (st, 0));
      report_html_cell (h, "quantity", report_reader_text (st, 1));
      report_html_cell (h, "date", report_reader_text (st, 2));
      report_html_num (h, "published", "%.0f", report_reader_double (st, 3));
      report_html_num (h, "mean", "%.0f", mean);
      report_html_num (h, "q25", "%.0f", q25);
      report_html_num (h, "q75", "%.0f", q75);
      report_html_num (h, "q05", "%.0f", q05);
      report_html_num (h, "q95", "%.0f", q95);
      report_html_num (h, "error", "%+.1f", 100 * report_reader_double (st, 9));
      report_html_cell (h, "in50", in50 ? "yes" : "no");
      report_html_cell (h, "in90", in90 ? "yes" : "no");
      report_html_num (h, "width50", "%.1f", pct (q75 - q25, mean));
      report_html_num (h, "width90", "%.1f", pct (q95 - q05, mean));
      report_html_row_end (h);
      n++, n50 += in50, n90 += in90;
    }
  report_html_table_end (h);
  if (ok && n > 0)
    report_html_p (h, "%u of %u published figure%s inside the 50%% interval (a calibrated "
                   "forecast holds about half), %u inside the 90%% interval (about nine in "
                   "ten).", n50, n, n == 1 ? "" : "s", n90);
  return ok;
}

/* ---- the part -------------------------------------------------------------------------- */

/* The summary paragraph of the section "calibration". */
static void
summary (ReportCtx *ctx, GString *h)
{
  static const char *const keys[] = {
    "scenario_name", "method", "particles", "generations", "generations_max", "simulations",
    "simulations_max", "stop_reason", "figures", "quantities", "error", "data_until",
    "start", "end",
  };
  char *v[G_N_ELEMENTS (keys)];
  for (gsize i = 0; i < G_N_ELEMENTS (keys); i++)
    v[i] = report_reader_calibration_value (ctx, keys[i]);
#define V(i) (v[i] != NULL ? v[i] : "?")
  report_html_p (h, "Scenario %s (%s to %s) fitted by %s: %s particles, %s generations run "
                 "(at most %s), %s simulations (budget %s); stopped by: %s. %s published "
                 "figures fitted (quantities: %s) %s, each with the relative error scale %s.",
                 V (0), V (12), V (13), V (1), V (2), V (3), V (4), V (5), V (6), V (7), V (8),
                 V (9), v[11] != NULL ? "dated up to data_until" : "of the whole run",
                 V (10));
  if (v[11] != NULL)
    report_html_p (h, "The scenario's data_until: %s (data after it unused).", v[11]);
#undef V
  for (gsize i = 0; i < G_N_ELEMENTS (keys); i++)
    g_free (v[i]);
}

gboolean
report_calibration (ReportCtx *ctx, GError **error)
{
  ReportCalibration cal = { 0 };
  g_autofree char *particles = report_reader_calibration_value (ctx, "particles");
  g_autofree char *error_scale = report_reader_calibration_value (ctx, "error");
  guint n_particles = particles ? (guint) g_ascii_strtoull (particles, NULL, 10) : 0;
  cal.fit_until = report_reader_calibration_value (ctx, "fit_until");
  if (cal.fit_until != NULL && !report_calibration_is_date (cal.fit_until))
    {
      g_set_error (error, REPORT_ERROR, REPORT_ERROR_INPUT, "%s: damaged calibration database "
                   "(fit_until is not a date YYYY-MM-DD)", ctx->db_path);
      calibration_clear (&cal);
      return FALSE;
    }
  gboolean has_backtest = report_reader_has_rows (ctx, "backtest");
  gboolean ok = read_params (ctx, &cal, error);
  if (ok)
    {
      GString *h = report_section (ctx, "calibration", "Calibration");
      summary (ctx, h);
      table_params (&cal, h);
      h = report_section (ctx, "abc", "ABC-SMC diagnostics");
      ok = table_generations (ctx, h, n_particles, error);
    }
  if (ok)
    ok = table_fit (ctx, report_section (ctx, "fit", "The fit"), error_scale, error);
  if (ok && has_backtest)
    ok = table_backtest (ctx, report_section (ctx, "backtest", "Backtest"), cal.fit_until,
                         error);
  if (ok)
    ok = report_calibration_plots (ctx, &cal, has_backtest, error);
  calibration_clear (&cal);
  return ok;
}
