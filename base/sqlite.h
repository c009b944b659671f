/* SPDX-License-Identifier: MIT */
/*
 * SQLite at a module's boundary: the one way an SQLite failure becomes a
 * GError (in the caller's domain and code, the message naming the database
 * file, what was being done and SQLite's own message), the statement helpers
 * every writer repeats, the rule for replacing an existing file, and the
 * atomic write of a whole new database (a temporary file in the same folder,
 * filled in one transaction, renamed over the target; never a half-written
 * file under the target's name).  The one module of base/ that does I/O: it
 * opens databases (base_sqlite_open, base_sqlite_may_replace) and writes and
 * renames files (base_sqlite_write_atomic); it reads no clock.
 */
#pragma once

#include <glib.h>
#include <sqlite3.h>

G_BEGIN_DECLS

/* ---- a database as its errors name it ---------------------------------- */

/*
 * All fields public.  db (may be NULL: the messages then say "out of memory",
 * as SQLite does) is the connection whose message a failure quotes; path the
 * name errors give (for the atomic write the target, not the temporary);
 * domain and code those of the errors these functions set.  Borrowed: none of
 * these functions closes db unless it says so.
 */
typedef struct {
  sqlite3 *db;
  const char *path;
  GQuark domain;
  gint code;
} BaseSqlite;

/* ---- errors ------------------------------------------------------------ */

/* Sets *error (may be NULL) to "PATH: WHAT: SQLite's message".  Returns FALSE. */
gboolean base_sqlite_fail (const BaseSqlite *s, const char *what, GError **error);

/*
 * TRUE when the result code rc (extended codes included) says the file is
 * damaged or not an SQLite database: SQLITE_NOTADB, SQLITE_CORRUPT,
 * SQLITE_FORMAT.
 */
gboolean base_sqlite_damaged (int rc);

/*
 * The failure rc while doing what: a damaged file (base_sqlite_damaged) is
 * damaged_code with "PATH: WHAT: damaged or not an SQLite database (MESSAGE)",
 * anything else s->code with "PATH: WHAT: MESSAGE (rc's description)".
 * Returns FALSE.
 */
gboolean base_sqlite_fail_rc (const BaseSqlite *s, int rc, gint damaged_code,
                               const char *what, GError **error);

/* ---- open -------------------------------------------------------------- */

/*
 * Opens s->path into s->db with the sqlite3_open_v2 flags.  On failure sets
 * "PATH: WHAT: SQLite's message", closes the half-open handle and leaves
 * s->db NULL.  The caller closes s->db (sqlite3_close) after a success.
 * Every connection distrusts the file's schema (SQLITE_DBCONFIG_TRUSTED_SCHEMA
 * off: a view or trigger of a hostile file cannot call functions with side
 * effects), and a read-only one is defensive (SQLITE_DBCONFIG_DEFENSIVE).
 */
gboolean base_sqlite_open (BaseSqlite *s, int flags, const char *what, GError **error);

/* ---- what a hostile schema may hold ------------------------------------- */

/*
 * What in db's schema is code SQLite would run: a view, a trigger, a
 * generated column, a virtual table.  essc writes tables and indexes only,
 * and a view may never end (a recursive one), so a reader of essc's files
 * (essc report, essc export) refuses such a database rather than read it.
 * Returns: (transfer full) the first such thing ("a view NAME", "a trigger
 * NAME", "a virtual table NAME", "a generated column TABLE.COLUMN"), "" when
 * the schema cannot be read, NULL when there is none.
 */
char *base_sqlite_schema_code (sqlite3 *db);

/* ---- statements -------------------------------------------------------- */

/*
 * Returns: (transfer full) the prepared statement for sql (finalize it), or
 * NULL with "PATH: WHAT: ..." set; what NULL says "prepare".
 */
sqlite3_stmt *base_sqlite_prepare (const BaseSqlite *s, const char *sql, const char *what,
                                   GError **error);

/*
 * Runs st, a statement that returns no rows, once, then resets it and clears
 * its bindings for the next row.  FALSE with "PATH: WHAT: ..." unless it
 * finished; what NULL names the statement's SQL.
 */
gboolean base_sqlite_step (const BaseSqlite *s, sqlite3_stmt *st, const char *what,
                           GError **error);

/* Runs sql (statements that return no rows); FALSE with "PATH: WHAT: ...". */
gboolean base_sqlite_exec (const BaseSqlite *s, const char *sql, const char *what,
                           GError **error);

/* Binds v as REAL, or NULL when v is NaN (never a silent NaN in a column). */
void base_sqlite_bind_real (sqlite3_stmt *st, int i, double v);

/* Binds a copy of the text, or NULL when text is NULL. */
void base_sqlite_bind_text (sqlite3_stmt *st, int i, const char *text);

/* ---- replacing a file -------------------------------------------------- */

/*
 * TRUE when path may be replaced by a database of application_id: it does
 * not exist, or it is an SQLite file whose PRAGMA application_id is
 * application_id.  Anything else (a directory, another program's database,
 * a file that is not SQLite) is to be kept.
 */
gboolean base_sqlite_may_replace (const char *path, gint32 application_id);

/*
 * The tables of the database at path that are not in own (a NULL-terminated
 * list of one kind's table names): NULL when there are none (or no file,
 * or no database to read), else (transfer full) their names, sorted, comma
 * separated.  A writer that replaces a whole file calls it after
 * base_sqlite_may_replace, so that a file of the same application id but
 * another kind (an e-card store, conformance runs and their certificates, a
 * calibration) is never replaced by a run database.
 */
char *base_sqlite_foreign_tables (const char *path, const char *const *own);

/* ---- the atomic write -------------------------------------------------- */

/*
 * Fills the new database s->db inside the transaction the atomic write holds
 * (it may create tables, prepare and step, but not COMMIT); data is the
 * caller's.  Returns FALSE with error set to give up.
 */
typedef gboolean (*BaseSqliteFillFn) (const BaseSqlite *s, gpointer data, GError **error);

/*
 * Writes a whole new database at path: creates the temporary path.tmp-XXXXXX
 * in path's folder (mode 0644 less the umask, as SQLite would), runs pragmas
 * (may be NULL) on it outside any transaction, then BEGIN, fill, COMMIT,
 * closes it and renames it over path.  The caller decides beforehand whether
 * path may be replaced (base_sqlite_may_replace).  On any failure the
 * temporary is removed and path is left as it was.  Errors, in domain with
 * code and naming path: "PATH: create: ..." (the temporary, the pragmas, the
 * BEGIN), fill's own, "PATH: commit: ...", "PATH: close failed",
 * "PATH: cannot rename into place: ...".
 */
gboolean base_sqlite_write_atomic (const char *path, GQuark domain, gint code,
                                   const char *pragmas, BaseSqliteFillFn fill, gpointer data,
                                   GError **error);

G_END_DECLS
