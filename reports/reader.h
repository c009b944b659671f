/* SPDX-License-Identifier: MIT */
/*
 * Reading the database of a report: opening it read-only and checking what
 * it is (PRAGMA application_id "ESSC"; a run database of schema
 * essc-simdb/3 with its `run` table, and/or conformance tables; a sweep
 * database; a sensitivity database of schema essc-sensitivity/1; a
 * calibration database of schema essc-calibdb/1 with its `calibration`
 * table), and small
 * query helpers whose errors name the database file.  A database of another
 * program, of another schema version, or damaged (SQLite cannot read it, a
 * table or column is missing) is REPORT_ERROR_INPUT.
 */
#pragma once

#include "reports/report.h"

G_BEGIN_DECLS

/* The run database schema this report reads. */
#define REPORT_RUN_SCHEMA "essc-simdb/4"
/* The sensitivity database schema this report reads (docs/SENSITIVITY.md). */
#define REPORT_SENSITIVITY_SCHEMA "essc-sensitivity/1"
/* The calibration database schema this report reads (docs/CALIBDB.md). */
#define REPORT_CALIBRATION_SCHEMA "essc-calibdb/1"

/* Opens ctx->db_path into ctx->db and sets the has_* flags and the stamp. */
gboolean report_reader_open (ReportCtx *ctx, GError **error);

/* A statement for sql; NULL with REPORT_ERROR_INPUT naming the database. */
sqlite3_stmt *report_reader_prepare (ReportCtx *ctx, const char *sql, GError **error);

/*
 * Steps st: TRUE with *row TRUE for a row, TRUE with *row FALSE at the end,
 * FALSE with REPORT_ERROR_INPUT on an error (damaged database).
 */
gboolean report_reader_step (ReportCtx *ctx, sqlite3_stmt *st, gboolean *row, GError **error);

/* Returns: (transfer full) the value of `key` in the run table, or NULL. */
char *report_reader_run_value (ReportCtx *ctx, const char *key);

/* Returns: (transfer full) the value of `key` in the sweep table, or NULL. */
char *report_reader_sweep_value (ReportCtx *ctx, const char *key);

/* Returns: (transfer full) the value of `key` in the sensitivity table, or NULL. */
char *report_reader_sensitivity_value (ReportCtx *ctx, const char *key);

/* Returns: (transfer full) the value of `key` in the calibration table, or
 * NULL (also for an SQL NULL). */
char *report_reader_calibration_value (ReportCtx *ctx, const char *key);

/* TRUE when the table exists and has at least one row. */
gboolean report_reader_has_rows (ReportCtx *ctx, const char *table);

/* A REAL or INTEGER column as a double; NAN for NULL. */
double report_reader_double (sqlite3_stmt *st, int column);

/* A TEXT column, "" for NULL (valid until the next step). */
const char *report_reader_text (sqlite3_stmt *st, int column);

G_END_DECLS
