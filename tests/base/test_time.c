/* SPDX-License-Identifier: MIT */
/*
 * Tests of base/time: the strict "YYYY-MM-DD" and "YYYY-MM-DDTHH:MM:SSZ"
 * parsers (accepted and refused texts, the field and offset of each fault),
 * the formatters, round trips, leap years, and the boundaries 1970, 2038,
 * 0001 and 9999.  GLib's GDate and GDateTime are the independent oracle
 * for the calendar.
 */
#include "base/time.h"
#include "tests/lib/testutil.h"

#include <string.h>

/* ---- the parsers: tables of accepted and refused texts ------------------ */

enum { DATE, UTC };                 /* which parser a row is for */

/* Parses text with the date (*value a day number) or the UTC parser. */
static BaseTimeFault
parse (int kind, const char *text, gint64 *value, gsize *at)
{
  gint32 day = 0;
  if (kind == UTC)
    return base_time_parse_utc (text, value, at);
  BaseTimeFault fault = base_time_parse_date (text, &day, at);
  if (fault == BASE_TIME_OK)
    *value = day;
  return fault;
}

static const struct {
  int kind;
  const char *text;
  gint64 value;
} good[] = {
  { DATE, "1970-01-01", 0 },
  { DATE, "1969-12-31", -1 },
  { DATE, "0001-01-01", BASE_TIME_DAY_MIN },
  { DATE, "9999-12-31", BASE_TIME_DAY_MAX },
  { DATE, "2038-01-19", 24855 },
  { DATE, "2000-02-29", 11016 },          /* divisible by 400: leap */
  { DATE, "2020-02-29", 18321 },
  { DATE, "1600-02-29", -135081 },
  { DATE, "2400-02-29", 157113 },
  { DATE, "1900-02-28", -25509 },
  { DATE, "1900-03-01", -25508 },
  { DATE, "2199-12-31", 84005 },
  { UTC, "1970-01-01T00:00:00Z", 0 },
  { UTC, "1969-12-31T23:59:59Z", -1 },
  { UTC, "2038-01-19T03:14:07Z", G_MAXINT32 },               /* the last 32-bit second */
  { UTC, "2038-01-19T03:14:08Z", (gint64) G_MAXINT32 + 1 },
  { UTC, "2000-02-29T12:34:56Z", 951827696 },
  { UTC, "2020-06-01T00:00:00Z", ESSC_TEST_NOW },
  { UTC, "0001-01-01T00:00:00Z", BASE_TIME_UTC_MIN },
  { UTC, "9999-12-31T23:59:59Z", BASE_TIME_UTC_MAX },
};

static const struct {
  int kind;
  const char *text;
  BaseTimeFault fault;
  gsize at;
} bad[] = {
  { DATE, "+202-01-01", BASE_TIME_YEAR, 0 },      /* a sign: the CLI took it as the year 202 */
  { DATE, "-202-01-01", BASE_TIME_YEAR, 0 },
  { DATE, " 202-01-01", BASE_TIME_YEAR, 0 },
  { DATE, "202-01-01", BASE_TIME_YEAR, 0 },
  { DATE, "0000-01-01", BASE_TIME_YEAR, 0 },
  { DATE, "", BASE_TIME_YEAR, 0 },
  { DATE, "20200-01-01", BASE_TIME_SEPARATOR, 4 },
  { DATE, "2020/01/01", BASE_TIME_SEPARATOR, 4 },
  { DATE, "20200101", BASE_TIME_SEPARATOR, 4 },
  { DATE, "2020-1-01", BASE_TIME_MONTH, 5 },
  { DATE, "2020-+1-01", BASE_TIME_MONTH, 5 },
  { DATE, "2020- 1-01", BASE_TIME_MONTH, 5 },
  { DATE, "2020-00-01", BASE_TIME_MONTH, 5 },
  { DATE, "2020-13-01", BASE_TIME_MONTH, 5 },
  { DATE, "2020-01-1", BASE_TIME_DAY, 8 },
  { DATE, "2020-01- 1", BASE_TIME_DAY, 8 },
  { DATE, "2020-01-00", BASE_TIME_DAY, 8 },
  { DATE, "2020-01-32", BASE_TIME_DAY, 8 },
  { DATE, "2020-04-31", BASE_TIME_DAY, 8 },
  { DATE, "2019-02-29", BASE_TIME_DAY, 8 },       /* not a leap year */
  { DATE, "1900-02-29", BASE_TIME_DAY, 8 },       /* divisible by 100, not by 400 */
  { DATE, "2100-02-29", BASE_TIME_DAY, 8 },
  { DATE, "2020-02-30", BASE_TIME_DAY, 8 },
  { DATE, "2020-01-01 ", BASE_TIME_TRAILING, 10 },
  { DATE, "2020-01-01\n", BASE_TIME_TRAILING, 10 },
  { DATE, "2020-01-01T00:00:00Z", BASE_TIME_TRAILING, 10 },
  { DATE, "２020-01-01", BASE_TIME_YEAR, 0 },     /* a full-width digit */
  { UTC, "+202-01-01T00:00:00Z", BASE_TIME_YEAR, 0 },
  { UTC, " 202-01-01T00:00:00Z", BASE_TIME_YEAR, 0 },
  { UTC, "0000-01-01T00:00:00Z", BASE_TIME_YEAR, 0 },
  { UTC, "2020-13-01T00:00:00Z", BASE_TIME_MONTH, 5 },
  { UTC, "2019-02-29T00:00:00Z", BASE_TIME_DAY, 8 },
  { UTC, "2020-01-01T24:00:00Z", BASE_TIME_HOUR, 11 },
  { UTC, "2020-01-01T0:00:00Z", BASE_TIME_HOUR, 11 },
  { UTC, "2020-01-01T+1:00:00Z", BASE_TIME_HOUR, 11 },
  { UTC, "2020-01-01T23:60:00Z", BASE_TIME_MINUTE, 14 },
  { UTC, "2020-01-01T23:5:00Z", BASE_TIME_MINUTE, 14 },
  { UTC, "2020-01-01T23:59:60Z", BASE_TIME_SECOND, 17 },    /* no leap second */
  { UTC, "2020-01-01T23:59:-1Z", BASE_TIME_SECOND, 17 },
  { UTC, "2020-01-01", BASE_TIME_SEPARATOR, 10 },
  { UTC, "2020-01-01 00:00:00Z", BASE_TIME_SEPARATOR, 10 },
  { UTC, "2020-01-01t00:00:00Z", BASE_TIME_SEPARATOR, 10 },
  { UTC, "2020-01-01T00-00:00Z", BASE_TIME_SEPARATOR, 13 },
  { UTC, "2020-01-01T00:00:00", BASE_TIME_SEPARATOR, 19 },
  { UTC, "2020-01-01T00:00:00z", BASE_TIME_SEPARATOR, 19 },
  { UTC, "2020-01-01T00:00:00+08:00", BASE_TIME_SEPARATOR, 19 },
  { UTC, "2020-01-01T00:00:00.5Z", BASE_TIME_SEPARATOR, 19 },
  { UTC, "2020-01-01T00:00:00Z ", BASE_TIME_TRAILING, 20 },
  { UTC, "2020-01-01T00:00:00ZZ", BASE_TIME_TRAILING, 20 },
};

/* Each accepted text gives its value, and the formatter gives the text back. */
static void
test_time_accepts (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (good); i++)
    {
      gint64 value = G_MININT64;
      gsize at = G_MAXSIZE;
      char out[BASE_TIME_UTC_SIZE];
      g_test_message ("'%s'", good[i].text);
      g_assert_cmpint (parse (good[i].kind, good[i].text, &value, &at), ==, BASE_TIME_OK);
      g_assert_cmpint (value, ==, good[i].value);
      g_assert_cmpuint (at, ==, G_MAXSIZE);           /* at is set only on a fault */
      g_assert_true (good[i].kind == UTC ? base_time_format_utc (value, out)
                                         : base_time_format_date ((gint32) value, out));
      g_assert_cmpstr (out, ==, good[i].text);
    }
}

/* Each refused text names its field and byte, and leaves the value untouched. */
static void
test_time_refuses (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      gint64 value = 777;
      gsize at = G_MAXSIZE;
      g_test_message ("'%s'", bad[i].text);
      g_assert_cmpint (parse (bad[i].kind, bad[i].text, &value, &at), ==, bad[i].fault);
      g_assert_cmpuint (at, ==, bad[i].at);
      g_assert_cmpint (value, ==, 777);
    }
  gint32 day;
  gint64 t;
  g_assert_cmpint (base_time_parse_date (NULL, &day, NULL), ==, BASE_TIME_MISSING);
  g_assert_cmpint (base_time_parse_utc (NULL, &t, NULL), ==, BASE_TIME_MISSING);
}

/* The signed year the CLI once read as the year 202. */
static void
test_time_refuses_signed_year (void)
{
  gint64 t = 0;
  gsize at = 99;
  g_assert_cmpint (base_time_parse_utc ("+202-01-01T00:00:00Z", &t, &at), ==, BASE_TIME_YEAR);
  g_assert_cmpuint (at, ==, 0);
  g_assert_cmpint (t, ==, 0);
  g_assert_cmpstr (base_time_fault_name (BASE_TIME_YEAR), ==, "year");
}

/* ---- round trips against GLib's calendar --------------------------------- */

/* Formats value with kind's formatter, expects GLib's text want, and parses
 * the text back to value. */
static void
round_trip (int kind, gint64 value, const char *want)
{
  char out[BASE_TIME_UTC_SIZE];
  g_assert_true (kind == UTC ? base_time_format_utc (value, out)
                             : base_time_format_date ((gint32) value, out));
  if (strcmp (out, want) != 0)
    g_error ("%" G_GINT64_FORMAT ": '%s', GLib says '%s'", value, out, want);
  gint64 back = 0;
  g_assert_cmpint (parse (kind, out, &back, NULL), ==, BASE_TIME_OK);
  g_assert_cmpint (back, ==, value);
}

/* Every day from 1900 to 2199 and every seventh day of the whole range,
 * against GDate. */
static void
test_time_date_round_trip (void)
{
  for (gint64 d = BASE_TIME_DAY_MIN; d <= BASE_TIME_DAY_MAX;
       d += d >= -25567 && d <= 84005 ? 1 : 7)
    {
      char want[BASE_TIME_DATE_SIZE];
      GDate g;
      g_date_clear (&g, 1);
      g_date_set_julian (&g, (guint32) (d + 719163));
      g_snprintf (want, sizeof want, "%04u-%02u-%02u", (guint) g_date_get_year (&g),
                  (guint) g_date_get_month (&g), (guint) g_date_get_day (&g));
      round_trip (DATE, d, want);
    }
}

/* Times spread over the whole range (a fixed walk, so failures repeat),
 * against GDateTime (its %Y does not pad years below 1000, so the fields
 * are printed here). */
static void
test_time_utc_round_trip (void)
{
  guint64 x = 0x9e3779b97f4a7c15u;
  const guint64 span = (guint64) (BASE_TIME_UTC_MAX - BASE_TIME_UTC_MIN) + 1;
  for (int i = 0; i < 20000; i++)
    {
      x = x * 6364136223846793005u + 1442695040888963407u;
      gint64 t = i < 2 ? (i == 0 ? BASE_TIME_UTC_MIN : BASE_TIME_UTC_MAX)
                       : BASE_TIME_UTC_MIN + (gint64) ((x >> 11) % span);
      g_autoptr (GDateTime) dt = g_date_time_new_from_unix_utc (t);
      g_autofree char *want = g_strdup_printf (
          "%04d-%02d-%02dT%02d:%02d:%02dZ", g_date_time_get_year (dt),
          g_date_time_get_month (dt), g_date_time_get_day_of_month (dt),
          g_date_time_get_hour (dt), g_date_time_get_minute (dt), g_date_time_get_second (dt));
      round_trip (UTC, t, want);
    }
}

/* A value the text form cannot hold is written as zeros, and FALSE. */
static void
test_time_format_outside (void)
{
  static const struct {
    int kind;
    gint64 value;
  } outside[] = {
    { DATE, BASE_TIME_DAY_MIN - 1 }, { DATE, BASE_TIME_DAY_MAX + 1 },
    { DATE, G_MININT32 },            { DATE, G_MAXINT32 },
    { UTC, BASE_TIME_UTC_MIN - 1 },  { UTC, BASE_TIME_UTC_MAX + 1 },
    { UTC, G_MININT64 },             { UTC, G_MAXINT64 },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (outside); i++)
    {
      char out[BASE_TIME_UTC_SIZE];
      gboolean utc = outside[i].kind == UTC;
      g_assert_false (utc ? base_time_format_utc (outside[i].value, out)
                          : base_time_format_date ((gint32) outside[i].value, out));
      g_assert_cmpstr (out, ==, utc ? "0000-00-00T00:00:00Z" : "0000-00-00");
    }
}

/* A date and the same day's midnight agree, and each second of a day
 * around 1970 and 2038 parses to consecutive values. */
static void
test_time_date_and_utc_agree (void)
{
  static const char *const days[] = { "1969-12-31", "1970-01-01", "2038-01-19", "9999-12-31" };
  for (gsize i = 0; i < G_N_ELEMENTS (days); i++)
    {
      gint32 day;
      gint64 t;
      g_autofree char *midnight = g_strconcat (days[i], "T00:00:00Z", NULL);
      g_assert_cmpint (base_time_parse_date (days[i], &day, NULL), ==, BASE_TIME_OK);
      g_assert_cmpint (base_time_parse_utc (midnight, &t, NULL), ==, BASE_TIME_OK);
      g_assert_cmpint (t, ==, (gint64) day * 86400);
      for (int s = 0; s < 86400; s += 997)
        {
          char text[BASE_TIME_UTC_SIZE];
          g_snprintf (text, sizeof text, "%sT%02d:%02d:%02dZ", days[i], s / 3600, s / 60 % 60,
                      s % 60);
          gint64 u;
          g_assert_cmpint (base_time_parse_utc (text, &u, NULL), ==, BASE_TIME_OK);
          g_assert_cmpint (u, ==, t + s);
        }
    }
}

static void
test_time_fault_names (void)
{
  g_assert_cmpstr (base_time_fault_name (BASE_TIME_OK), ==, "ok");
  g_assert_cmpstr (base_time_fault_name (BASE_TIME_MISSING), ==, "missing");
  g_assert_cmpstr (base_time_fault_name (BASE_TIME_MONTH), ==, "month");
  g_assert_cmpstr (base_time_fault_name (BASE_TIME_SECOND), ==, "second");
  g_assert_cmpstr (base_time_fault_name (BASE_TIME_SEPARATOR), ==, "separator");
  g_assert_cmpstr (base_time_fault_name (BASE_TIME_TRAILING), ==, "trailing bytes");
  g_assert_cmpstr (base_time_fault_name ((BaseTimeFault) 99), ==, "?");
}

int
main (int argc, char **argv)
{
  essc_test_init (&argc, &argv);
  g_test_add_func ("/base/time/accepts", test_time_accepts);
  g_test_add_func ("/base/time/refuses", test_time_refuses);
  g_test_add_func ("/base/time/refuses-signed-year", test_time_refuses_signed_year);
  g_test_add_func ("/base/time/date-round-trip", test_time_date_round_trip);
  g_test_add_func ("/base/time/utc-round-trip", test_time_utc_round_trip);
  g_test_add_func ("/base/time/format-outside", test_time_format_outside);
  g_test_add_func ("/base/time/date-and-utc-agree", test_time_date_and_utc_agree);
  g_test_add_func ("/base/time/fault-names", test_time_fault_names);
  return g_test_run ();
}
