/* SPDX-License-Identifier: MIT */
/*
 * Reading the report's database (see reader.h).
 */
#include "reports/reader.h"

#include "base/dbkind.h"
#include "base/sqlite.h"

#include <math.h>
#include <string.h>

/* The report's database as base/sqlite.h names it in errors. */
static BaseSqlite
input (const ReportCtx *ctx)
{
  return (BaseSqlite){ ctx->db, ctx->db_path, REPORT_ERROR, REPORT_ERROR_INPUT };
}

static gboolean
fail (ReportCtx *ctx, GError **error, const char *what)
{
  BaseSqlite s = input (ctx);
  return base_sqlite_fail (&s, what, error);
}

sqlite3_stmt *
report_reader_prepare (ReportCtx *ctx, const char *sql, GError **error)
{
  BaseSqlite s = input (ctx);
  return base_sqlite_prepare (&s, sql, "not a database this report can read (a query failed)",
                              error);
}

gboolean
report_reader_step (ReportCtx *ctx, sqlite3_stmt *st, gboolean *row, GError **error)
{
  int rc = sqlite3_step (st);
  *row = rc == SQLITE_ROW;
  if (rc == SQLITE_ROW || rc == SQLITE_DONE)
    return TRUE;
  return fail (ctx, error, "damaged database (reading a row failed)");
}

double
report_reader_double (sqlite3_stmt *st, int column)
{
  return sqlite3_column_type (st, column) == SQLITE_NULL ? NAN
                                                         : sqlite3_column_double (st, column);
}

const char *
report_reader_text (sqlite3_stmt *st, int column)
{
  const unsigned char *t = sqlite3_column_text (st, column);
  return t != NULL ? (const char *) t : "";
}

static gboolean
table_exists (ReportCtx *ctx, const char *table)
{
  sqlite3_stmt *st = NULL;
  gboolean found = FALSE;
  if (sqlite3_prepare_v2 (ctx->db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND "
                                   "name = ?", -1, &st, NULL) == SQLITE_OK)
    {
      sqlite3_bind_text (st, 1, table, -1, SQLITE_STATIC);
      found = sqlite3_step (st) == SQLITE_ROW;
    }
  sqlite3_finalize (st);
  return found;
}

gboolean
report_reader_has_rows (ReportCtx *ctx, const char *table)
{
  if (!table_exists (ctx, table))
    return FALSE;
  g_autofree char *sql = g_strdup_printf ("SELECT 1 FROM \"%s\" LIMIT 1", table);
  sqlite3_stmt *st = NULL;
  gboolean rows = FALSE;
  if (sqlite3_prepare_v2 (ctx->db, sql, -1, &st, NULL) == SQLITE_OK)
    rows = sqlite3_step (st) == SQLITE_ROW;
  sqlite3_finalize (st);
  return rows;
}

static char *
kv_value (ReportCtx *ctx, const char *sql, const char *key)
{
  sqlite3_stmt *st = NULL;
  char *value = NULL;
  if (sqlite3_prepare_v2 (ctx->db, sql, -1, &st, NULL) == SQLITE_OK)
    {
      sqlite3_bind_text (st, 1, key, -1, SQLITE_STATIC);
      if (sqlite3_step (st) == SQLITE_ROW && sqlite3_column_type (st, 0) != SQLITE_NULL)
        value = g_strdup (report_reader_text (st, 0));
    }
  sqlite3_finalize (st);
  return value;
}

char *
report_reader_run_value (ReportCtx *ctx, const char *key)
{
  return kv_value (ctx, "SELECT value FROM run WHERE key = ?", key);
}

char *
report_reader_sweep_value (ReportCtx *ctx, const char *key)
{
  return kv_value (ctx, "SELECT value FROM sweep WHERE key = ?", key);
}

char *
report_reader_sensitivity_value (ReportCtx *ctx, const char *key)
{
  return kv_value (ctx, "SELECT value FROM sensitivity WHERE key = ?", key);
}

/* The sensitivity database's schema and stamp. */
static gboolean
open_sensitivity (ReportCtx *ctx, GError **error)
{
  g_autofree char *schema = report_reader_sensitivity_value (ctx, "schema");
  if (g_strcmp0 (schema, REPORT_SENSITIVITY_SCHEMA) != 0)
    {
      g_set_error (error, REPORT_ERROR, REPORT_ERROR_INPUT, "%s: a sensitivity database of "
                   "schema %s, expected %s (rerun essc sensitivity with this essc to rebuild "
                   "it)", ctx->db_path, schema ? schema : "(none)", REPORT_SENSITIVITY_SCHEMA);
      return FALSE;
    }
  g_autofree char *name = report_reader_sensitivity_value (ctx, "scenario_name");
  g_autofree char *hash = report_reader_sensitivity_value (ctx, "scenario_hash");
  g_autofree char *method = report_reader_sensitivity_value (ctx, "method");
  g_autofree char *k = report_reader_sensitivity_value (ctx, "parameters");
  g_autofree char *points = report_reader_sensitivity_value (ctx, "points");
  g_autofree char *seed = report_reader_sensitivity_value (ctx, "seed");
  g_autofree char *version = report_reader_sensitivity_value (ctx, "essc_version");
  if (name == NULL || hash == NULL || method == NULL || k == NULL || points == NULL
      || seed == NULL || version == NULL)
    {
      g_set_error (error, REPORT_ERROR, REPORT_ERROR_INPUT, "%s: damaged sensitivity database "
                   "(the sensitivity table lacks scenario_name, scenario_hash, method, "
                   "parameters, points, seed or essc_version)", ctx->db_path);
      return FALSE;
    }
  ctx->stamp = g_strdup_printf ("sensitivity of scenario %s (%.12s), %s, %s parameter%s, %s "
                                "runs, seed %s, essc %s", name, hash, method, k,
                                strcmp (k, "1") ? "s" : "", points, seed, version);
  return TRUE;
}

char *
report_reader_calibration_value (ReportCtx *ctx, const char *key)
{
  return kv_value (ctx, "SELECT value FROM calibration WHERE key = ?", key);
}

/* The calibration database's schema and stamp. */
static gboolean
open_calibration (ReportCtx *ctx, GError **error)
{
  g_autofree char *schema = report_reader_calibration_value (ctx, "schema");
  if (g_strcmp0 (schema, REPORT_CALIBRATION_SCHEMA) != 0)
    {
      g_set_error (error, REPORT_ERROR, REPORT_ERROR_INPUT, "%s: a calibration database of "
                   "schema %s, expected %s (rerun essc calibrate with this essc to rebuild it)",
                   ctx->db_path, schema ? schema : "(none)", REPORT_CALIBRATION_SCHEMA);
      return FALSE;
    }
  g_autofree char *name = report_reader_calibration_value (ctx, "scenario_name");
  g_autofree char *hash = report_reader_calibration_value (ctx, "scenario_hash");
  g_autofree char *seed = report_reader_calibration_value (ctx, "seed");
  g_autofree char *particles = report_reader_calibration_value (ctx, "particles");
  g_autofree char *generations = report_reader_calibration_value (ctx, "generations");
  g_autofree char *version = report_reader_calibration_value (ctx, "essc_version");
  if (name == NULL || hash == NULL || seed == NULL || particles == NULL || generations == NULL
      || version == NULL)
    {
      g_set_error (error, REPORT_ERROR, REPORT_ERROR_INPUT, "%s: damaged calibration database "
                   "(the calibration table lacks scenario_name, scenario_hash, seed, particles, "
                   "generations or essc_version)", ctx->db_path);
      return FALSE;
    }
  ctx->stamp = g_strdup_printf ("calibration of scenario %s (%.12s), seed %s, %s particle%s, "
                                "%s generation%s, essc %s", name, hash, seed, particles,
                                strcmp (particles, "1") ? "s" : "", generations,
                                strcmp (generations, "1") ? "s" : "", version);
  return TRUE;
}

gboolean
report_reader_open (ReportCtx *ctx, GError **error)
{
  if (!g_file_test (ctx->db_path, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, REPORT_ERROR, REPORT_ERROR_INPUT, "%s: no such file (expected a "
                   "database written by essc sim or essc conform --db)", ctx->db_path);
      return FALSE;
    }
  BaseSqlite s = input (ctx);
  if (!base_sqlite_open (&s, SQLITE_OPEN_READONLY, "cannot open as an SQLite database", error))
    return FALSE;
  ctx->db = s.db;
  /* the kinds a report reads; an e-card store, a registry or another
   * program's file is named as what it is */
  g_autofree char *detail = NULL;
  BaseDbKind kind = base_db_identify (ctx->db_path, &detail);
  if (kind != BASE_DB_RUN && kind != BASE_DB_SWEEP && kind != BASE_DB_CALIBRATION
      && kind != BASE_DB_CONFORMANCE && kind != BASE_DB_SENSITIVITY)
    {
      if (kind == BASE_DB_UNREADABLE)
        return fail (ctx, error, "not an SQLite database, or damaged");
      g_set_error (error, REPORT_ERROR, REPORT_ERROR_INPUT, "%s: %s (%s): essc report reads "
                   "run, sweep, sensitivity, calibration and conformance databases", ctx->db_path,
                   base_db_kind_describe (kind), detail != NULL ? detail : "no table");
      return FALSE;
    }
  g_autofree char *code = base_sqlite_schema_code (ctx->db);
  if (code != NULL)
    {
      if (code[0] == '\0')
        return fail (ctx, error, "damaged database (its schema cannot be read)");
      g_set_error (error, REPORT_ERROR, REPORT_ERROR_INPUT, "%s: not a database essc wrote: "
                   "it holds %s (code SQLite would run; essc writes tables and indexes "
                   "only)",
                   ctx->db_path, code);
      return FALSE;
    }
  /* A damaged file may still open and answer the first pragmas. */
  sqlite3_stmt *qc = NULL;
  if (sqlite3_prepare_v2 (ctx->db, "PRAGMA quick_check", -1, &qc, NULL) != SQLITE_OK
      || sqlite3_step (qc) != SQLITE_ROW
      || g_strcmp0 (report_reader_text (qc, 0), "ok") != 0)
    {
      g_set_error (error, REPORT_ERROR, REPORT_ERROR_INPUT, "%s: damaged database (SQLite's "
                   "check: %s)", ctx->db_path,
                   qc != NULL && sqlite3_column_text (qc, 0) ? report_reader_text (qc, 0)
                                                             : sqlite3_errmsg (ctx->db));
      sqlite3_finalize (qc);
      return FALSE;
    }
  sqlite3_finalize (qc);
  ctx->has_run = table_exists (ctx, "run");
  ctx->has_conformance = report_reader_has_rows (ctx, "conformance_run");
  ctx->has_sweep = report_reader_has_rows (ctx, "sweep_point");
  gboolean calibration = table_exists (ctx, "calibration");
  if (kind == BASE_DB_SENSITIVITY)
    {
      ctx->has_sensitivity = TRUE;
      return open_sensitivity (ctx, error);
    }
  if (ctx->has_run)
    {
      g_autofree char *schema = report_reader_run_value (ctx, "schema");
      if (g_strcmp0 (schema, REPORT_RUN_SCHEMA) != 0)
        {
          g_set_error (error, REPORT_ERROR, REPORT_ERROR_INPUT, "%s: a run database of schema "
                       "%s, expected %s (rerun essc sim with this essc to rebuild it)",
                       ctx->db_path, schema ? schema : "(none)", REPORT_RUN_SCHEMA);
          return FALSE;
        }
      ctx->has_latency = report_reader_has_rows (ctx, "latency_day");
      ctx->has_plan = report_reader_has_rows (ctx, "capacity_plan");
      g_autofree char *name = report_reader_run_value (ctx, "scenario_name");
      g_autofree char *hash = report_reader_run_value (ctx, "scenario_hash");
      g_autofree char *seed = report_reader_run_value (ctx, "seed");
      g_autofree char *reps = report_reader_run_value (ctx, "replications");
      g_autofree char *version = report_reader_run_value (ctx, "essc_version");
      if (name == NULL || hash == NULL || seed == NULL || reps == NULL || version == NULL)
        {
          g_set_error (error, REPORT_ERROR, REPORT_ERROR_INPUT, "%s: damaged run database "
                       "(the run table lacks scenario_name, scenario_hash, seed, replications "
                       "or essc_version)", ctx->db_path);
          return FALSE;
        }
      ctx->stamp = g_strdup_printf ("scenario %s (%.12s), seed %s, %s replication%s, essc %s",
                                    name, hash, seed, reps, strcmp (reps, "1") ? "s" : "",
                                    version);
    }
  else if (calibration)
    {
      ctx->has_calibration = TRUE;
      return open_calibration (ctx, error);
    }
  else if (ctx->has_sweep)
    {
      g_autofree char *schema = report_reader_sweep_value (ctx, "schema");
      g_autofree char *name = report_reader_sweep_value (ctx, "name");
      g_autofree char *points = report_reader_sweep_value (ctx, "points");
      g_autofree char *version = report_reader_sweep_value (ctx, "essc_version");
      if (g_strcmp0 (schema, "essc-sweep/2") != 0 || name == NULL || points == NULL
          || version == NULL)
        {
          g_set_error (error, REPORT_ERROR, REPORT_ERROR_INPUT, "%s: a sweep database of "
                       "schema %s, expected essc-sweep/2 with name, points and essc_version",
                       ctx->db_path, schema ? schema : "(none)");
          return FALSE;
        }
      ctx->stamp = g_strdup_printf ("sweep %s, %s points, essc %s", name, points, version);
    }
  else if (ctx->has_conformance)
    {
      g_autoptr (GError) e = NULL;
      sqlite3_stmt *st = report_reader_prepare (ctx, "SELECT suite, command, role, started_at, "
                                                 "essc_version FROM conformance_run "
                                                 "ORDER BY id DESC LIMIT 1", &e);
      gboolean row = FALSE;
      if (st == NULL || !report_reader_step (ctx, st, &row, &e) || !row)
        {
          sqlite3_finalize (st);
          return fail (ctx, error, "damaged conformance database");
        }
      g_autoptr (GDateTime) t = g_date_time_new_from_unix_utc (sqlite3_column_int64 (st, 3));
      g_autofree char *when = t ? g_date_time_format (t, "%Y-%m-%d %H:%M UTC") : g_strdup ("?");
      ctx->stamp = g_strdup_printf ("%s, role %s, implementation '%s', %s, essc %s",
                                    report_reader_text (st, 0), report_reader_text (st, 2),
                                    report_reader_text (st, 1), when, report_reader_text (st, 4));
      sqlite3_finalize (st);
    }
  else
    {
      g_set_error (error, REPORT_ERROR, REPORT_ERROR_INPUT, "%s: an essc database with neither "
                   "a simulation run, a sweep, a calibration nor a conformance run (nothing to "
                   "report; or damaged)", ctx->db_path);
      return FALSE;
    }
  return TRUE;
}
