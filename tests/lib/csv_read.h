/* SPDX-License-Identifier: MIT */
/*
 * Reading CSV back in the tests, strictly as RFC 4180 and docs/EXPORT.md
 * have it, and written apart from base/csv.c so that one cannot hide the
 * other's mistake: records end with CR LF (the last one too), fields are
 * separated by commas, a quoted field may hold commas, CR, LF and doubled
 * quotes; a field with nothing in it is a NULL, "" an empty text.  A quote
 * inside an unquoted field, text after a closing quote, a bare CR or LF, a
 * missing last CR LF or an unclosed quote is a problem, said with its byte
 * offset, and the reading stops.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* One field: its bytes (NUL-terminated; len may count NULs inside) or a NULL. */
typedef struct {
  char *text;        /* NULL for a NULL field */
  gsize len;
} CsvField;

/* Returns: (transfer full) the records of the len bytes at data, each a
 * GPtrArray of CsvField; NULL with problem set (transfer full) when the
 * bytes are not such CSV. */
GPtrArray *csv_read (const char *data, gsize len, char **problem);

/* The text of field col of record row, or NULL (for a NULL field). */
const char *csv_text (GPtrArray *records, guint row, guint col);

G_END_DECLS
