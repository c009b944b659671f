/* SPDX-License-Identifier: MIT */
/*
 * `essc report`: plots and an HTML page from a run database (essc sim), a
 * conformance database (essc conform --db) or one holding both, a sweep
 * database (essc sweep), a sensitivity database (essc sensitivity) or a
 * calibration database (essc calibrate, essc backtest).  Every figure and number comes from the database, never from
 * a simulation in memory, so a report can be rebuilt at any later time.
 *
 * The pipeline (report.c): open and check the database (reader.c), make the
 * output directory, then each part adds its sections of the page (tables,
 * built with html.h) and its figures (drawn by gnuplot through a pipe,
 * gnuplot.h), and the page is written last.  A figure that gnuplot cannot
 * draw (gnuplot missing, failing, slow) becomes a warning on the page and
 * on stderr; the tables are written regardless.  With no_plots (essc
 * report --no-plots) no figure is drawn and gnuplot is never started.
 *
 * Parts (each a file of its own):
 *   report_rollout_*   national, provincial and city adoption, targets, channel classes;
 *                      the forecast: intervals, age bands and areas, channels, posterior
 *   report_latency_*   platform latency against the SLA, capacity plan
 *   report_conform_*   conformance verdicts, coverage, IUT latency, certificate
 *   report_sweep       a sweep's points compared
 *   report_sensitivity a sensitivity analysis: indices per output, tornado charts
 *   report_calibration a calibration: priors and posterior, ABC diagnostics, the fit,
 *                      the backtest and its fan charts
 */
#pragma once

#include <glib.h>
#include <sqlite3.h>

G_BEGIN_DECLS

#define REPORT_ERROR (report_error_quark ())
GQuark report_error_quark (void);

typedef enum {
  REPORT_ERROR_INPUT,    /* the database is missing, damaged or of another version */
  REPORT_ERROR_OUTPUT,   /* the output directory or a file in it cannot be written */
  REPORT_ERROR_GNUPLOT,  /* gnuplot missing, failing or too slow (a figure left out) */
} ReportError;

/* One figure: DIR/<name>.svg and DIR/<name>.png. */
typedef struct {
  char *name;      /* file base name, [a-z0-9-]+ */
  char *title;
  char *caption;   /* one or two sentences: what is shown and how to read it */
  char *section;   /* the id of the page section it belongs to */
} ReportFigure;

/* A section of the page, in order: heading and HTML body (tables, text). */
typedef struct {
  char *id;        /* [a-z0-9-]+, the anchor */
  char *title;
  GString *html;   /* the body, already escaped */
} ReportSection;

/* The state of one report.  Fields are public to the report's parts. */
typedef struct {
  sqlite3 *db;              /* read-only */
  char *db_path;
  char *out_dir;
  /* What the database holds. */
  gboolean has_run;         /* a run database (essc sim) */
  gboolean has_latency;     /* ... with latency rows */
  gboolean has_plan;        /* ... and a capacity plan */
  gboolean has_conformance; /* conformance runs (essc conform --db) */
  gboolean has_sweep;       /* a sweep database (essc sweep) */
  gboolean has_calibration; /* a calibration database (essc calibrate, essc backtest) */
  gboolean has_sensitivity; /* a sensitivity database (essc sensitivity) */
  /* The stamp of every figure and of the page: scenario name and hash,
   * seed, replications, essc version (or, for a conformance-only database,
   * the suite, IUT and date; for a calibration, particles and generations
   * instead of replications). */
  char *stamp;
  GPtrArray *sections;      /* ReportSection *, in page order */
  GPtrArray *figures;       /* ReportFigure *, in page order */
  GPtrArray *warnings;      /* char *: what was left out and why */
  /* gnuplot */
  char *gnuplot;            /* the command (ESSC_GNUPLOT, else "gnuplot") */
  gboolean gnuplot_missing; /* set after the first "not found": later figures skip */
  double gnuplot_timeout;   /* seconds per figure */
  gboolean no_plots;        /* draw no figure (the tables only); gnuplot never started */
  gboolean quiet;           /* no progress on stderr */
} ReportCtx;

typedef struct {
  const char *db_path;
  const char *out_dir;
  double gnuplot_timeout;   /* seconds per figure; 0: 60 */
  gboolean quiet;
  gboolean no_plots;        /* the tables only: every figure left out, no warning */
} ReportOptions;

/*
 * Builds the report.  FALSE with REPORT_ERROR_INPUT (the database) or
 * REPORT_ERROR_OUTPUT (the directory) when nothing useful can be written;
 * figures gnuplot could not draw are warnings (*n_warnings), not errors.
 * index_out (may be NULL) receives the page's path.
 */
gboolean report_build (const ReportOptions *options, char **index_out, guint *n_warnings,
                       GError **error);

/* ---- for the parts --------------------------------------------------------- */

/* A context for options (nothing opened; report_reader_open opens the
 * database), and its release (closes the database). */
void report_ctx_init (ReportCtx *ctx, const ReportOptions *options);
void report_ctx_clear (ReportCtx *ctx);

/* Appends a section and returns its body to fill. */
GString *report_section (ReportCtx *ctx, const char *id, const char *title);

/* Records a warning (printf-style), also printed on stderr unless quiet. */
void report_warn (ReportCtx *ctx, const char *fmt, ...) G_GNUC_PRINTF (2, 3);

/* The parts: each adds its sections and figures; FALSE only for a
 * database error (already in *error). */
gboolean report_rollout (ReportCtx *ctx, GError **error);
gboolean report_latency (ReportCtx *ctx, GError **error);
gboolean report_conform (ReportCtx *ctx, GError **error);
gboolean report_sweep (ReportCtx *ctx, GError **error);
gboolean report_calibration (ReportCtx *ctx, GError **error);
gboolean report_sensitivity (ReportCtx *ctx, GError **error);

G_END_DECLS
