/* SPDX-License-Identifier: MIT */
/*
 * Calendar dates "YYYY-MM-DD" as day numbers (days since 1970-01-01, the
 * rollout's gint32 days) and UTC times "YYYY-MM-DDTHH:MM:SSZ" as Unix
 * seconds: one strict parser and one formatter of each, in the proleptic
 * Gregorian calendar.  The text form is exact: a year of 4 digits
 * 0001..9999, every other field of 2 digits, no sign, no space, no byte
 * after the last field, a real day (29 February only in leap years) and a
 * time of at most 23:59:59 (no leap second).  A parser says which field is
 * wrong and at which byte and leaves the wording of the message to the
 * caller; it reads no byte after a NUL.
 * Pure functions: no state, no clock, no I/O.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define BASE_TIME_DATE_SIZE 11   /* "YYYY-MM-DD" and its NUL */
#define BASE_TIME_UTC_SIZE 21    /* "YYYY-MM-DDTHH:MM:SSZ" and its NUL */

/* The first and the last day, and second, the text form can write. */
#define BASE_TIME_DAY_MIN (-719162)                              /* 0001-01-01 */
#define BASE_TIME_DAY_MAX 2932896                                /* 9999-12-31 */
#define BASE_TIME_UTC_MIN (G_GINT64_CONSTANT (-62135596800))     /* 0001-01-01T00:00:00Z */
#define BASE_TIME_UTC_MAX (G_GINT64_CONSTANT (253402300799))     /* 9999-12-31T23:59:59Z */

/* ---- parsing ----------------------------------------------------------- */

typedef enum {
  BASE_TIME_OK = 0,
  BASE_TIME_MISSING,     /* NULL */
  BASE_TIME_YEAR,        /* not 4 digits, or 0000 */
  BASE_TIME_MONTH,       /* not 2 digits 01..12 */
  BASE_TIME_DAY,         /* not 2 digits 01..the last day of the month */
  BASE_TIME_HOUR,        /* not 2 digits 00..23 */
  BASE_TIME_MINUTE,      /* not 2 digits 00..59 */
  BASE_TIME_SECOND,      /* not 2 digits 00..59 */
  BASE_TIME_SEPARATOR,   /* not the '-', 'T', ':' or 'Z' due there (the text ends early) */
  BASE_TIME_TRAILING,    /* a byte after the last field */
} BaseTimeFault;

/*
 * Parses exactly "YYYY-MM-DD" into the day number *out (untouched on a
 * fault).  Fields are checked from left to right; *at (may be NULL) gets
 * the offset, from 0, of the first byte of the wrong field, of the missing
 * separator or of the first trailing byte.
 */
BaseTimeFault base_time_parse_date (const char *s, gint32 *out, gsize *at);
/* Parses exactly "YYYY-MM-DDTHH:MM:SSZ" into Unix seconds, as
 * base_time_parse_date. */
BaseTimeFault base_time_parse_utc (const char *s, gint64 *out, gsize *at);
/* The fault in words for a message: "year", "month", "day", "hour",
 * "minute", "second", "separator", "trailing bytes", "missing" or "ok". */
const char *base_time_fault_name (BaseTimeFault fault);

/* ---- formatting -------------------------------------------------------- */

/*
 * Writes day as "YYYY-MM-DD" and its NUL into out.  A day outside
 * BASE_TIME_DAY_MIN..BASE_TIME_DAY_MAX writes "0000-00-00" and returns FALSE.
 */
gboolean base_time_format_date (gint32 day, char out[BASE_TIME_DATE_SIZE]);
/*
 * Writes t as "YYYY-MM-DDTHH:MM:SSZ" and its NUL into out.  A time outside
 * BASE_TIME_UTC_MIN..BASE_TIME_UTC_MAX writes "0000-00-00T00:00:00Z" and
 * returns FALSE.
 */
gboolean base_time_format_utc (gint64 t, char out[BASE_TIME_UTC_SIZE]);

G_END_DECLS
