/* SPDX-License-Identifier: MIT */
/*
 * Reading the tables of a report page back, for the tests of essc report:
 * the page as a browser serializes it (Chromium's --dump-dom) is scanned
 * for <table id>, its <tr data-key> rows and their <td data-col> cells
 * with the exact number in data-value (reports/html.h writes them so).
 * Not an HTML parser: it relies on the report's own markup (no nested
 * tables, attributes in double quotes, as Chromium writes them), and says
 * when a table repeats a row key, which would make the page ambiguous.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _PageTables PageTables;

/* Returns: (transfer full) the tables of html.  Problems found on the
 * way (a repeated row key) are appended to problems, one a line. */
PageTables *page_tables_parse (const char *html, GString *problems);

/* Whether the page has a table with this id. */
gboolean page_tables_has (const PageTables *page, const char *table);

/* The row keys of a table, in page order (NULL when there is no such
 * table; owned by page). */
const GPtrArray *page_tables_keys (const PageTables *page, const char *table);

/* A cell's data-value as a number: FALSE when the table, row, cell or
 * data-value is missing (or not a number). */
gboolean page_tables_value (const PageTables *page, const char *table, const char *key,
                            const char *col, double *value);

/* Whether a cell is a number cell (class "num", report_html_num). */
gboolean page_tables_is_number (const PageTables *page, const char *table, const char *key,
                                const char *col);

/* A cell's text (entities decoded, tags dropped), or NULL. */
const char *page_tables_text (const PageTables *page, const char *table, const char *key,
                              const char *col);

/* Returns: (transfer full) the text (tags dropped, entities decoded) of
 * the element of html with this id, or NULL. */
char *page_tables_element_text (const char *html, const char *id);

/* The ids of the tables, in page order (owned by page). */
const GPtrArray *page_tables_ids (const PageTables *page);

/* A table's columns (its headings' data-col) and their headings' text, in
 * order (owned by page; NULL when there is no such table). */
const GPtrArray *page_tables_columns (const PageTables *page, const char *table);
const GPtrArray *page_tables_headings (const PageTables *page, const char *table);

/* The href of the CSV link in a table's caption (<a class="csv">), or NULL. */
const char *page_tables_csv (const PageTables *page, const char *table);

/* The src of every <img>, in page order (owned by page). */
const GPtrArray *page_tables_images (const PageTables *page);

void page_tables_free (PageTables *page);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PageTables, page_tables_free)

G_END_DECLS
