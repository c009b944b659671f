/* SPDX-License-Identifier: MIT */
/*
 * The fixture of the tests of essc report (test_report.c): a temporary
 * directory, the essc binary (ESSC_BIN) and the source tree (ESSC_SRCDIR)
 * from make check; children run under a deadline in their own process
 * group (nothing can hang a test); the two databases and their reports,
 * made once on first need (a run of tests/data/small/latency.ini with 3
 * replications, the capacity plan, published holder and channel counts and
 * a posterior of two free parameters the replications draw from; a signed
 * conformance run of the reference channel); and the checks of a report's
 * files: every figure as SVG (well-formed XML, root <svg>, the stamp in
 * its text) and PNG (tests/lib/png_check.h: valid, not blank).
 *
 * Problems are listed one by one (g_test_message) and fail the test
 * without stopping it, so one run shows everything wrong with a report.
 * The directory is removed at the end when every test passed, kept (and
 * named) otherwise.
 */
#pragma once

#include <glib.h>
#include <sqlite3.h>

G_BEGIN_DECLS

/* Public, read-only for the tests; the paths are set by fixture_need_*. */
typedef struct {
  const char *bin, *src;     /* ESSC_BIN, ESSC_SRCDIR */
  char *dir;                 /* this run's temporary directory */
  char *run_db, *rep;        /* essc sim's database and its report directory */
  char *conf_db, *crep;      /* essc conform's database and its report directory */
} Fixture;

extern Fixture fx;

/* What a child did. */
typedef struct {
  int code;            /* exit status; -1 when killed by a signal */
  gboolean timed_out;  /* killed at the deadline */
  char *out, *err;
} FixtureRun;

void fixture_init (void);
/* Removes the directory when rc is 0 and no problem was found; returns rc. */
int fixture_finish (int rc);

/* Records a problem (printf-style) and fails the current test. */
void fixture_problem (const char *fmt, ...) G_GNUC_PRINTF (1, 2);

/*
 * Runs argv (searched in PATH) with env (NULL, or NAME, VALUE pairs ending
 * with NULL) added to this environment less ESSC_GNUPLOT, stdin from
 * /dev/null, stdout and stderr through files; killed (with its process
 * group) at the deadline.
 */
void fixture_run (const char *const *argv, const char *const *env, int timeout_s, FixtureRun *r);
/* essc ARGS... with env added; a child past 10 minutes ends the test. */
void fixture_essc (FixtureRun *r, const char *const *env, ...) G_GNUC_NULL_TERMINATED;
void fixture_run_clear (FixtureRun *r);

/* Make the databases and reports once; FALSE (the test skipped) without
 * ESSC_BIN. */
gboolean fixture_need_run (void);
gboolean fixture_need_conf (void);

void fixture_write_file (const char *path, const char *text);

sqlite3 *fixture_db_open (const char *path);
sqlite3_stmt *fixture_db_prepare (sqlite3 *db, const char *sql);
/* Returns: (transfer full) the first column of the first row (asserted). */
char *fixture_db_text (sqlite3 *db, const char *sql);

/* TRUE when path exists and is not empty; else a problem. */
gboolean fixture_non_empty (const char *path);
/* path is a valid PNG and not blank; its size in *w, *h (may be NULL). */
void fixture_check_png (const char *path, guint32 *w, guint32 *h);
/* Each of names as DIR/name.svg (with each of stamp in its text) and
 * DIR/name.png, and DIR/index.html. */
void fixture_check_figures (const char *dir, const char *const *names, const char *const *stamp);
/* The number of files in dir whose names end in suffix. */
guint fixture_count_files (const char *dir, const char *suffix);

G_END_DECLS
