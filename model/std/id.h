/* SPDX-License-Identifier: MIT */
/*
 * Citizen ID numbers (GB 11643-1999), which ESSC-STD uses as the social
 * security number: 6-digit region code, 8-digit birth date YYYYMMDD, 3-digit
 * sequence, and an ISO 7064 MOD 11-2 check character ('0'..'9' or 'X').
 *
 * Validation is strict: exactly 18 ASCII characters, upper-case 'X' only, a
 * real birth date not after the validation day (Beijing time, UTC+8), a known
 * province.  A six-digit region code missing from the 2023 county list is a
 * warning only (region_known = FALSE): an ID keeps the code of the place where
 * it was first issued even after that code is retired.  No I/O: the county
 * list is compiled in.
 */
#pragma once

#include <glib.h>

#include "model/std/stdcode.h"

G_BEGIN_DECLS

#define MODEL_ID_ERROR (model_id_error_quark ())
GQuark model_id_error_quark (void);

/* What a valid ID says.  All fields public. */
typedef struct {
  guint32 region;          /* six-digit region code, e.g. 110105 */
  guint32 province;        /* region / 10000 * 10000, e.g. 110000 */
  gboolean region_known;   /* region in the 2023 county list (warning if not) */
  int year, month, day;    /* birth date */
  int sequence;            /* 0..999 */
  gboolean male;           /* sequence is odd */
  char check;              /* the check character, '0'..'9' or 'X' */
} ModelIdInfo;

/*
 * The check character for the first 17 digits of an ID, or '\0' when
 * digits17 is not 17 ASCII digits.
 */
char model_id_check_char (const char *digits17);

/*
 * Validates id at validation time now (Unix seconds).  On success fills info
 * (may be NULL) and returns TRUE; otherwise sets error (MODEL_ID_ERROR,
 * MODEL_STD_MALFORMED for wrong length or characters, MODEL_STD_INVALID_ID
 * for a bad check character, date or province) with a message naming the
 * character position and what was expected.  id need not be valid UTF-8.
 */
gboolean model_id_validate (const char *id, gint64 now, ModelIdInfo *info,
                            GError **error);

/*
 * The "ssn" field check of the modules that take a citizen ID: NULL is
 * MODEL_STD_MALFORMED "ssn: missing"; otherwise model_id_validate, with its
 * error re-raised in the caller's domain as "ssn: " and its message, its
 * code kept.
 */
gboolean model_id_check_ssn (const char *ssn, gint64 now, GQuark domain,
                             GError **error);

/* TRUE when code is a province-level code xx0000 known to GB/T 2260
 * (the 31 provinces, plus 71 Taiwan, 81 Hong Kong, 82 Macao, 83 for
 * residence permits of Taiwan residents). */
gboolean model_id_province_known (guint32 code);

/* TRUE when code is in the compiled-in 2023 county list (county, prefecture
 * part or province). */
gboolean model_id_region_known (guint32 code);

/* The region's display name (province, prefecture, county, UTF-8), or NULL
 * when code is not in the list.  Static storage. */
const char *model_id_region_name (guint32 code);

G_END_DECLS
