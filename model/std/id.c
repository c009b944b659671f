/* SPDX-License-Identifier: MIT */
/*
 * GB 11643-1999 citizen ID validation: character classes, the ISO 7064
 * MOD 11-2 check character, the birth date (a real Gregorian date, not after
 * the validation day in Beijing time), the province part of the region code,
 * and a look-up of the full region code in the compiled-in 2023 county list
 * (a miss there is a warning, not an error).  Pure functions; no allocation
 * except the GError on failure.
 */
#include "model/std/id.h"

#include <stdlib.h>
#include <string.h>

#include "model/std/common.h"

G_DEFINE_QUARK (model-id-error-quark, model_id_error)

#include "base/regions.h"

static const int weights[17] = { 7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2 };
static const char check_chars[] = "10X98765432";

/* GB/T 2260 province-level codes (first two digits). */
static const guint8 provinces[] = {
  11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37,
  41, 42, 43, 44, 45, 46, 50, 51, 52, 53, 54, 61, 62, 63, 64, 65,
  71, 81, 82, 83,
};

char
model_id_check_char (const char *digits17)
{
  int sum = 0;
  if (digits17 == NULL)
    return '\0';
  for (int i = 0; i < 17; i++)
    {
      if (digits17[i] < '0' || digits17[i] > '9')
        return '\0';
      sum += (digits17[i] - '0') * weights[i];
    }
  return check_chars[sum % 11];
}

gboolean
model_id_province_known (guint32 code)
{
  if (code % 10000 != 0)
    return FALSE;
  for (gsize i = 0; i < G_N_ELEMENTS (provinces); i++)
    if (code / 10000 == provinces[i])
      return TRUE;
  return FALSE;
}

const char *
model_id_region_name (guint32 code)
{
  return base_region_name (code);
}

gboolean
model_id_region_known (guint32 code)
{
  return model_id_region_name (code) != NULL;
}

static int
digits_value (const char *s, int n)
{
  int v = 0;
  for (int i = 0; i < n; i++)
    v = v * 10 + (s[i] - '0');
  return v;
}

/* The calendar day of now in Beijing time (UTC+8), as yyyymmdd. */
static int
beijing_day (gint64 now)
{
  if (now > G_MAXINT64 - 8 * 3600)
    return 99991231;
  g_autoptr (GDateTime) utc = g_date_time_new_from_unix_utc (now + 8 * 3600);
  if (utc == NULL) /* outside years 1..9999 */
    return now < 0 ? 0 : 99991231;
  return g_date_time_get_year (utc) * 10000 + g_date_time_get_month (utc) * 100
         + g_date_time_get_day_of_month (utc);
}

gboolean
model_id_validate (const char *id, gint64 now, ModelIdInfo *info, GError **error)
{
  g_return_val_if_fail (id != NULL, FALSE);

  gsize len = strnlen (id, MODEL_SSN_LEN + 1);
  if (len != MODEL_SSN_LEN)
    {
      g_set_error (error, MODEL_ID_ERROR, MODEL_STD_MALFORMED,
                   "ID number: expected 18 characters, got %s",
                   len > MODEL_SSN_LEN ? "more" : "fewer");
      return FALSE;
    }
  for (int i = 0; i < 17; i++)
    if (id[i] < '0' || id[i] > '9')
      {
        g_set_error (error, MODEL_ID_ERROR, MODEL_STD_MALFORMED,
                     "ID number: character %d is not a digit 0-9", i + 1);
        return FALSE;
      }
  if (!((id[17] >= '0' && id[17] <= '9') || id[17] == 'X'))
    {
      g_set_error (error, MODEL_ID_ERROR, MODEL_STD_MALFORMED,
                   "ID number: character 18 must be a digit 0-9 or upper-case X");
      return FALSE;
    }

  char check = model_id_check_char (id);
  if (check != id[17])
    {
      g_set_error (error, MODEL_ID_ERROR, MODEL_STD_INVALID_ID,
                   "ID number: check character is '%c', expected '%c' (ISO 7064 MOD 11-2)",
                   id[17], check);
      return FALSE;
    }

  guint32 region = (guint32) digits_value (id, 6);
  guint32 province = region / 10000 * 10000;
  if (!model_id_province_known (province))
    {
      g_set_error (error, MODEL_ID_ERROR, MODEL_STD_INVALID_ID,
                   "ID number: region code %06u has unknown province %02u (GB/T 2260)",
                   region, province / 10000);
      return FALSE;
    }

  int year = digits_value (id + 6, 4);
  int month = digits_value (id + 10, 2);
  int day = digits_value (id + 12, 2);
  if (year < 1800 || month < 1 || month > 12 || day < 1
      || day > g_date_get_days_in_month ((GDateMonth) month, (GDateYear) year))
    {
      g_set_error (error, MODEL_ID_ERROR, MODEL_STD_INVALID_ID,
                   "ID number: birth date %.8s (characters 7-14) is not a real date YYYYMMDD",
                   id + 6);
      return FALSE;
    }
  if (year * 10000 + month * 100 + day > beijing_day (now))
    {
      g_set_error (error, MODEL_ID_ERROR, MODEL_STD_INVALID_ID,
                   "ID number: birth date %.8s is in the future", id + 6);
      return FALSE;
    }

  if (info != NULL)
    {
      info->region = region;
      info->province = province;
      info->region_known = model_id_region_known (region);
      info->year = year;
      info->month = month;
      info->day = day;
      info->sequence = digits_value (id + 14, 3);
      info->male = info->sequence % 2 == 1;
      info->check = check;
    }
  return TRUE;
}

gboolean
model_id_check_ssn (const char *ssn, gint64 now, GQuark domain, GError **error)
{
  GError *inner = NULL;
  if (ssn == NULL)
    return base_fail (error, domain, MODEL_STD_MALFORMED, "ssn: missing");
  if (!model_id_validate (ssn, now, NULL, &inner))
    return base_fail_wrap (error, domain, "ssn: ", inner);
  return TRUE;
}
