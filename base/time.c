/* SPDX-License-Identifier: MIT */
/*
 * The functions of base/time.h.  Day numbers come from the civil-calendar
 * formulas of Howard Hinnant's "chrono-Compatible Low-Level Date
 * Algorithms" (400-year eras, March-based years), exact for every year of
 * the text form.
 */
#include "base/time.h"

#include "base/names.h"

/* ---- the calendar ------------------------------------------------------ */

static gboolean
is_leap (int y)
{
  return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
}

static int
days_in_month (int y, int m)
{
  static const int days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
  return m == 2 && is_leap (y) ? 29 : days[m - 1];
}

/* Days since 1970-01-01 of a valid date of year 1..9999. */
static gint32
day_of (int y, int m, int d)
{
  y -= m <= 2;
  int era = y / 400;                                   /* y >= 0 */
  int yoe = y - era * 400;                             /* 0..399 */
  int doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;     /* 0..146096 */
  return (gint32) (era * 146097 + doe - 719468);
}

/* The date of a day in BASE_TIME_DAY_MIN..BASE_TIME_DAY_MAX. */
static void
date_of (gint32 day, int *y, int *m, int *d)
{
  int z = day + 719468;                                /* > 0 in range */
  int era = z / 146097;
  int doe = z - era * 146097;
  int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = yoe + era * 400 + (*m <= 2);
}

/* ---- parsing ----------------------------------------------------------- */

/* The fields in text order; each but the last is followed by its separator. */
static const struct {
  int width, min, max;
  char after;
  BaseTimeFault fault;
} fields[6] = {
  { 4, 1, 9999, '-', BASE_TIME_YEAR },
  { 2, 1, 12, '-', BASE_TIME_MONTH },
  { 2, 1, 31, 'T', BASE_TIME_DAY },
  { 2, 0, 23, ':', BASE_TIME_HOUR },
  { 2, 0, 59, ':', BASE_TIME_MINUTE },
  { 2, 0, 59, 'Z', BASE_TIME_SECOND },
};

static BaseTimeFault
fault_at (BaseTimeFault fault, gsize i, gsize *at)
{
  if (at != NULL)
    *at = i;
  return fault;
}

/* Scans the first n fields of s, each with the separator after it (the 'Z'
 * after the second) except the day of a date, into Unix seconds *out
 * (untouched on a fault). */
static BaseTimeFault
scan (const char *s, int n, gint64 *out, gsize *at)
{
  int v[6] = { 0 };
  gsize i = 0;

  if (s == NULL)
    return BASE_TIME_MISSING;
  for (int f = 0; f < n; f++)
    {
      gsize start = i;
      for (int k = 0; k < fields[f].width; k++, i++)
        {
          if (!g_ascii_isdigit (s[i]))
            return fault_at (fields[f].fault, start, at);
          v[f] = v[f] * 10 + (s[i] - '0');
        }
      if (v[f] < fields[f].min || v[f] > fields[f].max
          || (f == 2 && v[f] > days_in_month (v[0], v[1])))
        return fault_at (fields[f].fault, start, at);
      if (f == n - 1 && n < 6)
        break;
      if (s[i] != fields[f].after)
        return fault_at (BASE_TIME_SEPARATOR, i, at);
      i++;
    }
  if (s[i] != '\0')
    return fault_at (BASE_TIME_TRAILING, i, at);
  *out = (gint64) day_of (v[0], v[1], v[2]) * 86400 + v[3] * 3600 + v[4] * 60 + v[5];
  return BASE_TIME_OK;
}

BaseTimeFault
base_time_parse_date (const char *s, gint32 *out, gsize *at)
{
  gint64 t = 0;
  BaseTimeFault fault = scan (s, 3, &t, at);
  if (fault == BASE_TIME_OK)
    *out = (gint32) (t / 86400);       /* midnight: exact */
  return fault;
}

BaseTimeFault
base_time_parse_utc (const char *s, gint64 *out, gsize *at)
{
  return scan (s, 6, out, at);
}

/* By enum value. */
static const char *const fault_names[] = { "ok", "missing", "year", "month", "day", "hour",
                                           "minute", "second", "separator", "trailing bytes" };
G_STATIC_ASSERT (G_N_ELEMENTS (fault_names) == BASE_TIME_TRAILING + 1);

const char *
base_time_fault_name (BaseTimeFault fault)
{
  return base_name_of (fault_names, G_N_ELEMENTS (fault_names), (int) fault, "?");
}

/* ---- formatting -------------------------------------------------------- */

gboolean
base_time_format_date (gint32 day, char out[BASE_TIME_DATE_SIZE])
{
  int y, m, d;
  if (day < BASE_TIME_DAY_MIN || day > BASE_TIME_DAY_MAX)
    {
      g_strlcpy (out, "0000-00-00", BASE_TIME_DATE_SIZE);
      return FALSE;
    }
  date_of (day, &y, &m, &d);
  g_snprintf (out, BASE_TIME_DATE_SIZE, "%04d-%02d-%02d", y, m, d);
  return TRUE;
}

gboolean
base_time_format_utc (gint64 t, char out[BASE_TIME_UTC_SIZE])
{
  if (t < BASE_TIME_UTC_MIN || t > BASE_TIME_UTC_MAX)
    {
      g_strlcpy (out, "0000-00-00T00:00:00Z", BASE_TIME_UTC_SIZE);
      return FALSE;
    }
  gint64 day = t >= 0 ? t / 86400 : -((-t + 86399) / 86400);   /* floor */
  int s = (int) (t - day * 86400);
  char date[BASE_TIME_DATE_SIZE];
  base_time_format_date ((gint32) day, date);
  g_snprintf (out, BASE_TIME_UTC_SIZE, "%sT%02d:%02d:%02dZ", date, s / 3600, s / 60 % 60, s % 60);
  return TRUE;
}
