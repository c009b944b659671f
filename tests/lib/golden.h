/* SPDX-License-Identifier: MIT */
/*
 * Golden files (tests/golden/, STYLE.md point 8): an output compared byte
 * for byte with its expected file, or written to it when
 * ESSC_GOLDEN_UPDATE=1 (`make golden`); on a mismatch the test fails and
 * prints `diff -u expected actual`, so the change is reviewable.  Also the
 * normalisations that make an output comparable: a fixed text replacing
 * another (paths, the version) or what a regular expression matches (timings),
 * and a text rendering of the <table> elements of a report page.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Whether this run rewrites the golden files ($ESSC_GOLDEN_UPDATE=1). */
gboolean essc_golden_updating (void);

/* Compares actual with $ESSC_SRCDIR/tests/golden/NAME (or writes it there
 * when updating).  A mismatch or a missing file fails the test, with the
 * unified diff in the test's messages. */
void essc_golden_check (const char *name, const char *actual);

/* Returns: (transfer full) text with every occurrence of from replaced by
 * to (from NULL or empty: a copy). */
char *essc_golden_replace (const char *text, const char *from, const char *to);

/* Returns: (transfer full) text with every match of the multi-line regular
 * expression pattern replaced by replacement (which may name \1...). */
char *essc_golden_mask (const char *text, const char *pattern, const char *replacement);

/* Returns: (transfer full) the <table> elements of a report page as text:
 * per table a line "table ID: CAPTION", then one line per row, its cells
 * separated by " | " (tags dropped, entities decoded, blanks collapsed),
 * and an empty line.  Cells whose data-col is in masked_cols (NULL-terminated,
 * may be NULL) read "@MASKED@". */
char *essc_golden_tables_text (const char *html, const char *const *masked_cols);

G_END_DECLS
