/* SPDX-License-Identifier: MIT */
/*
 * Building the report's HTML: escaping, tables, and the page (index.html):
 * one self-contained file with its style inline and the figures as <img>
 * of the SVG files beside it (no network, no script), valid HTML5.
 *
 * Tables carry data for machines as well as people: the table has an id,
 * each row a data-key (what it is about: a province code, a platform name),
 * each cell a data-col (its column's key) and, for numbers, data-value
 * with the number as stored (%.17g), so a test can compare the page with
 * the database, and each table's CSV file (html_csv.h) is read back from
 * this markup: a cell written by a part itself keeps this form.
 */
#pragma once

#include "reports/report.h"

G_BEGIN_DECLS

/* Appends text escaped for HTML (& < > " '). */
void report_html_escape (GString *out, const char *text);

/* <table id=ID><caption>CAPTION</caption><thead>..., columns as pairs of
 * (key, heading) ending with NULL; right-aligned when the key starts with
 * "#" (the "#" is not part of the key). */
void report_html_table_begin (GString *out, const char *id, const char *caption, ...)
    G_GNUC_NULL_TERMINATED;
/* The same with the n strings of cols: key, heading, key, heading, ... */
void report_html_table_begin_array (GString *out, const char *id, const char *caption,
                                    const char *const *cols, guint n);
void report_html_row_begin (GString *out, const char *key);
/* A text cell. */
void report_html_cell (GString *out, const char *col, const char *text);
/* A number cell: shown with fmt, one %e, %f or %g directive such as
 * "%.1f" (g_ascii_formatd: the C locale), its integer digits grouped by
 * threes with commas (1,250,000,000: base_text_group_digits); data-value
 * exact and ungrouped; NAN shows as "–". */
void report_html_num (GString *out, const char *col, const char *fmt, double value);
/* A verdict cell ("met", "at risk", "not met"): coloured by its class
 * v-met, v-at-risk, v-not-met; data-verdict holds the verdict and
 * data-value the probability (none when NAN). */
void report_html_verdict (GString *out, const char *col, const char *verdict,
                          double probability);
void report_html_row_end (GString *out);
void report_html_table_end (GString *out);

/* A paragraph of escaped text (printf-style). */
void report_html_p (GString *out, const char *fmt, ...) G_GNUC_PRINTF (2, 3);

/* Writes DIR/index.html from ctx's sections, figures and warnings, and
 * beside it each table as DIR/tables/ID.csv, linked from its caption
 * (html_csv.h). */
gboolean report_html_write (ReportCtx *ctx, char **path_out, GError **error);

G_END_DECLS
