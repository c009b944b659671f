/* SPDX-License-Identifier: MIT */
/*
 * Writing CSV as RFC 4180 has it, the one way essc writes a CSV table
 * (essc export, the tables beside essc report's page): records end with
 * CR LF, fields are separated by commas, and a field is quoted ("...",
 * each quote doubled) when it holds a comma, a quote, a CR or an LF, or
 * when it is empty.  An empty quoted field "" is an empty text; a field
 * with nothing in it at all is a NULL (no value), as PostgreSQL's COPY
 * reads them; base_csv_null writes one.  The bytes of a field are written
 * as they are (UTF-8 in essc's files; nothing is re-encoded).
 * Pure functions on a GString: no state, no clock, no I/O.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The end of a record (RFC 4180: CR LF). */
#define BASE_CSV_EOL "\r\n"

/*
 * Appends the field of len bytes at text (len < 0: text is NUL-terminated),
 * quoted when it holds ',', '"', CR or LF or is empty, preceded by a comma
 * unless first.
 */
void base_csv_field (GString *out, gboolean first, const char *text, gssize len);

/* Appends a NULL (nothing), preceded by a comma unless first. */
void base_csv_null (GString *out, gboolean first);

/* Appends the end of a record. */
void base_csv_end (GString *out);

G_END_DECLS
