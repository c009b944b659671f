/* SPDX-License-Identifier: MIT */
/*
 * The strict CSV reader that the simulator's data loaders share (the cities
 * file, the channel catalogue): reads a whole file, checks its header
 * against the columns the caller expects, and splits each data line into
 * exactly that many fields.  The dialect is RFC 4180 without line breaks in
 * fields: comma separators, optional double quotes with "" for a quote,
 * lines ending in LF or CRLF, UTF-8 without control characters or NUL.  An
 * empty line, a stray quote, a wrong field count or bad UTF-8 is an error
 * "FILE:LINE: what, expected" in the caller's GError domain (code
 * MODEL_ROLLOUT_INVALID; MODEL_ROLLOUT_NOT_FOUND for a file that cannot be
 * read).  The field checks (numbers, dates, six-digit codes) give messages
 * of the form "FILE:LINE: column NAME: what, expected".
 */
#pragma once

#include <glib.h>

#include "base/error.h"
#include "base/time.h"
#include "model/rollout/errors.h"


G_BEGIN_DECLS

/* The largest CSV file read (the data a scenario names, a posterior): 1 GiB.
 * Only a regular file is read (base/file.h): a FIFO or /dev/zero is refused. */
#define MODEL_CSV_MAX_BYTES ((gsize) 1 << 30)

/* One data line.  All fields public. */
typedef struct {
  guint line;        /* 1-based line number in the file (the header is line 1) */
  char **fields;     /* exactly the header's number of fields, UTF-8 */
} ModelCsvRow;

/* A whole file.  All fields public. */
typedef struct {
  char *path;              /* as given, for messages */
  const char *const *columns; /* the expected header (borrowed from the caller) */
  guint n_columns;
  GPtrArray *rows;         /* of ModelCsvRow *, in file order */
} ModelCsv;

/*
 * Reads path, whose first line must be exactly the names in columns
 * (NULL-terminated).  Errors go to domain.
 * Returns: (transfer full) the rows, or NULL with *error set.
 */
ModelCsv *model_csv_read (const char *path, const char *const *columns, GQuark domain,
                          GError **error);
/* The same over bytes in memory; path only names them in messages. */
ModelCsv *model_csv_parse (const char *text, gsize len, const char *path,
                           const char *const *columns, GQuark domain, GError **error);
void model_csv_free (ModelCsv *csv);

/* Sets "PATH:LINE: column NAME: <message>" in domain; returns FALSE. */
gboolean model_csv_fail (GError **error, GQuark domain, const ModelCsv *csv,
                         const ModelCsvRow *row, guint column, const char *fmt, ...)
    G_GNUC_PRINTF (6, 7);

/* ---- field parsers: FALSE when the text is not of the form ------------- */

/* Decimal digits only, no sign or space, value <= max. */
gboolean model_csv_parse_uint (const char *text, guint64 max, guint64 *out);
/* A finite decimal number: [-]digits[.digits][e[+-]digits], nothing else. */
gboolean model_csv_parse_double (const char *text, double *out);
/*
 * YYYY-MM-DD by the strict rule of base/time.h, a real calendar date between
 * 1900 and 2199; *out is the day number (days since 1970-01-01).
 */
gboolean model_csv_parse_date (const char *text, gint32 *out);
/* (A day number is written as YYYY-MM-DD by base_time_format_date.) */

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ModelCsv, model_csv_free)

G_END_DECLS
