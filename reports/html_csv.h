/* SPDX-License-Identifier: MIT */
/*
 * Each table of the report's page also as a CSV file, DIR/tables/ID.csv
 * (ID: the table's id), linked ("CSV") from the table's caption, so every
 * present and future table built with html.h has one.
 *
 * The CSV is read back from the table's own markup when the page is
 * written (report_html_write), not collected cell by cell while it is
 * built: the parts build a table's rows in a string of their own and add
 * the table's head afterwards, and some write cells of their own (a class
 * for a verdict) in html.h's format.  That format is the contract
 * (html.h): <table id>, <caption>, <th data-col> headings, <tr data-key>
 * rows, <td data-col> cells with data-value on numbers.  The CSV holds a
 * header of the headings as shown, then one record per row of the table
 * in page order, each cell under its column's heading (matched by
 * data-col): a number cell's (class "num", report_html_num) exact value
 * (data-value, "%.17g", not the rounded text), an empty field for a number
 * cell without one (NaN, shown as a dash); any other cell's text (tags
 * dropped, entities decoded), even when it carries a data-value too.
 * CSV as base/csv.h writes it (RFC 4180, CR LF).
 */
#pragma once

#include "reports/report.h"

G_BEGIN_DECLS

/*
 * Writes DIR/tables/ID.csv for each table of ctx's sections and adds the
 * link to each one's caption (in the sections' HTML).  A table whose id
 * cannot name a file, or repeats one, gets no file and no link, and a
 * warning.  FALSE with REPORT_ERROR_OUTPUT when a file cannot be written.
 */
gboolean report_html_csv (ReportCtx *ctx, GError **error);

G_END_DECLS
