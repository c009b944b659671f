/* SPDX-License-Identifier: MIT */
/*
 * `essc export`: any table of any database essc writes (base/dbkind.h's
 * kinds: runs, sweeps, calibrations, conformance runs, the registry, the
 * e-card store, and any later kind) as CSV or JSON (docs/EXPORT.md).
 *
 * The database is opened read-only and distrusted (base_sqlite_open); a
 * file that is not SQLite, empty, damaged (PRAGMA quick_check), of another
 * program, or holding code SQLite would run (a view, trigger, generated
 * column or virtual table: base_sqlite_schema_code) is refused before
 * anything is written.  Rows are streamed, one at a time, from SQLite to
 * the output stream: a table of a million rows is never held in memory.
 * Each table's rows come in a stated order, its primary key's, or the
 * rowid's when it has no primary key, so the same database gives the same
 * bytes.
 *
 * Values, by their storage class (SQLite's typing is per value):
 *   NULL     CSV: an empty field; JSON: null
 *   INTEGER  exactly, in decimal
 *   REAL     "%.17g" (reads back to the same double); CSV: inf, -inf for the
 *            infinities; JSON: a number with a "." or an exponent, null for
 *            an infinity
 *   TEXT     CSV: the bytes as stored, quoted as base/csv.h says;
 *            JSON: a string (U+0000 as \u0000, every control character
 *            escaped), or, when the bytes are not UTF-8, {"text_hex": HEX}
 *   BLOB     lowercase hex (CSV: a field; JSON: a string)
 * The functions write to a stdio stream the caller owns (standard output,
 * or base/file.h's BaseFileOut, renamed into place when complete).
 */
#pragma once

#include "base/dbkind.h"

#include <glib.h>
#include <stdio.h>

G_BEGIN_DECLS

#define REPORT_EXPORT_ERROR (report_export_error_quark ())
GQuark report_export_error_quark (void);

typedef enum {
  REPORT_EXPORT_ERROR_INPUT,  /* the database: missing, not SQLite, damaged, refused */
  REPORT_EXPORT_ERROR_WRITE,  /* the output stream failed (a full disk) */
} ReportExportError;

/* A table as exported.  All fields public, owned by the ReportExport. */
typedef struct {
  char *name;
  GStrv columns;     /* in the table's order */
  GStrv types;       /* each column's declared type, "" when none */
  GStrv order;       /* the ORDER BY of its rows: the primary key's columns,
                      * or "rowid" (or _rowid_, oid) for a table without one */
} ReportExportTable;

typedef struct _ReportExport ReportExport;

/*
 * Opens and checks the database at path.  Returns: (transfer full) the
 * export, or NULL with REPORT_EXPORT_ERROR_INPUT, the message starting
 * with path and saying what the file is.
 */
ReportExport *report_export_open (const char *path, GError **error);

/* The database's kind (never NEW, FOREIGN or UNREADABLE) and its PRAGMA
 * application_id as read. */
BaseDbKind report_export_kind (const ReportExport *x);
gint64 report_export_application_id (const ReportExport *x);

/* Every table but SQLite's own (sqlite_*), by name (owned by x). */
const GPtrArray *report_export_tables (const ReportExport *x);

/* The table called name, or NULL. */
const ReportExportTable *report_export_table (const ReportExport *x, const char *name);

/* Returns: (transfer full) the tables' names, comma separated. */
char *report_export_table_names (const ReportExport *x);

/* Counts the table's rows into *rows; FALSE with error INPUT. */
gboolean report_export_count (ReportExport *x, const ReportExportTable *t, gint64 *rows,
                              GError **error);

/*
 * Writes table t as CSV to out: a header of its column names, then its
 * rows (records ending CR LF).  FALSE with REPORT_EXPORT_ERROR_INPUT
 * (reading failed: a damaged database) or _WRITE (a write to out failed;
 * the message starts with out_name).
 */
gboolean report_export_csv (ReportExport *x, const ReportExportTable *t, FILE *out,
                            const char *out_name, GError **error);

/*
 * Writes the n tables as one JSON document to out:
 *   {"database": PATH, "kind": KIND, "application_id": N, "tables": {
 *   "T": {"columns": [...], "types": [...], "order": [...], "rows": [
 *   [v, ...],
 *   ...
 *   ]},
 *   ...}}
 * one row a line.  database_name is the path as given (shown as UTF-8).
 * Errors as report_export_csv.
 */
gboolean report_export_json (ReportExport *x, const char *database_name,
                             const ReportExportTable *const *tables, guint n, FILE *out,
                             const char *out_name, GError **error);

void report_export_free (ReportExport *x);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ReportExport, report_export_free)

G_END_DECLS
