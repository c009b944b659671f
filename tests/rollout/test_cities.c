/* SPDX-License-Identifier: MIT */
/*
 * Tests of model/rollout/cities: the shipped census file loads whole (367 units, 31
 * provinces summing to the published 1,409,778,724 residents), lookups and
 * the apportionment of a cardholder total, and the strict loader's error for
 * each kind of bad row, naming the file, line and column.  Also the shared
 * CSV reader's field parsers.  Data under $ESSC_SRCDIR (default: the
 * current directory).
 */
#include "tests/lib/run.h"
#include "tests/lib/testutil.h"

#include <string.h>

#include "model/rollout/cities.h"
#include "model/rollout/scenario_csv.h"

#define HEADER "code,name,province,province_code,level,population,urban_share,age_0_14," \
               "age_15_59,age_60_plus,lon,lat,imputed\n"
#define ROW_GZ "440100,广州市,广东省,440000,prefecture-level city,18676605,0.8619,0.1387," \
               "0.7472,0.1141,113.539,23.331,\n"
#define ROW_SZ "440300,深圳市,广东省,440000,prefecture-level city,17494398,1.0000,0.1511," \
               "0.7953,0.0536,114.138,22.645,\n"

static char *
data_path (const char *name)
{
  return essc_test_src_path ("scenarios", "data", name, NULL);
}

static void
test_shipped (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = data_path ("cities-2020.csv");
  g_autoptr (ModelCities) cities = model_cities_load (path, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (cities->n_cities, ==, 367);
  g_assert_cmpuint (cities->n_provinces, ==, 31);
  g_assert_cmpuint (cities->population, ==, G_GUINT64_CONSTANT (1409778724));
  guint64 sum = 0;
  guint n = 0, imputed = 0;
  for (guint i = 0; i < cities->n_provinces; i++)
    {
      sum += cities->provinces[i].population;
      n += cities->provinces[i].n_cities;
    }
  g_assert_cmpuint (sum, ==, G_GUINT64_CONSTANT (1409778724));
  g_assert_cmpuint (n, ==, 367);
  for (guint i = 0; i < cities->n_cities; i++)
    {
      const ModelCity *c = &cities->cities[i];
      g_assert_true (&cities->cities[model_cities_index (cities, c->code)] == c);
      g_assert_cmpuint (cities->provinces[c->province_index].code, ==, c->province_code);
      imputed += c->imputed != 0;
    }
  g_assert_cmpuint (imputed, ==, 32);

  const ModelCity *sz = model_cities_lookup (cities, 440300);
  g_assert_nonnull (sz);
  g_assert_cmpstr (sz->name, ==, "深圳市");
  g_assert_cmpuint (sz->province_code, ==, 440000);
  g_assert_cmpstr (model_cities_province (cities, 440000)->name, ==, "广东省");
  g_assert_cmpuint (model_cities_province (cities, 440000)->n_cities, ==, 21);
  /* A municipality is its own province. */
  g_assert_nonnull (model_cities_lookup (cities, 110000));
  g_assert_nonnull (model_cities_province (cities, 110000));
  g_assert_null (model_cities_lookup (cities, 440000));
  g_assert_null (model_cities_province (cities, 440300));
  g_assert_cmpint (model_cities_index (cities, 999999), ==, -1);
}

static void
test_apportion (void)
{
  g_autofree char *path = data_path ("cities-2020.csv");
  g_autoptr (ModelCities) cities = model_cities_load (path, NULL);
  g_autofree guint64 *out = g_new (guint64, cities->n_cities);
  const guint64 totals[] = { 1250000000, 1315000000, 1000, 1, 0 };

  g_assert_nonnull (cities);
  for (gsize t = 0; t < G_N_ELEMENTS (totals); t++)
    {
      guint64 sum = 0;
      model_cities_apportion (cities, totals[t], out);
      for (guint i = 0; i < cities->n_cities; i++)
        {
          double exact = (double) totals[t] * (double) cities->cities[i].population
                         / (double) cities->population;
          g_assert_cmpfloat (out[i], >=, exact - 1.0);
          g_assert_cmpfloat (out[i], <=, exact + 1.0);
          sum += out[i];
        }
      g_assert_cmpuint (sum, ==, totals[t]);
    }
  /* Exact shares stay exact: the largest city gets its proportional part. */
  model_cities_apportion (cities, cities->population, out);
  for (guint i = 0; i < cities->n_cities; i++)
    g_assert_cmpuint (out[i], ==, cities->cities[i].population);
}

typedef struct {
  const char *name;
  const char *text;
  const char *message;  /* the whole message */
} BadCase;

static const BadCase bad_cases[] = {
  { "header", "code,name\n" ROW_GZ,
    "t.csv:1: header does not match, expected \"code,name,province,province_code,level,"
    "population,urban_share,age_0_14,age_15_59,age_60_plus,lon,lat,imputed\"" },
  { "columns", HEADER ROW_GZ "440300,深圳市,广东省,440000\n",
    "t.csv:3: 4 columns, expected 13 (code,name,province,province_code,level,population,"
    "urban_share,age_0_14,age_15_59,age_60_plus,lon,lat,imputed)" },
  { "population", HEADER "440100,广州市,广东省,440000,prefecture-level city,18e6,0.8646,"
    "0.1387,0.7283,0.1130,113.544,23.362,\n",
    "t.csv:2: column population: \"18e6\" is not a population, expected a whole number "
    "1..2000000000" },
  { "unknown-code", HEADER "440399,深圳市,广东省,440000,prefecture-level city,17494398,"
    "0.9950,0.1511,0.7953,0.0536,114.125,22.646,\n",
    "t.csv:2: column code: 440399 is not a known region, expected a GB/T 2260 code" },
  { "code-form", HEADER "44030,深圳市,广东省,440000,prefecture-level city,17494398,"
    "0.9950,0.1511,0.7953,0.0536,114.125,22.646,\n",
    "t.csv:2: column code: \"44030\" is not a region code, expected six digits" },
  { "duplicate", HEADER ROW_GZ ROW_SZ ROW_GZ,
    "t.csv:4: column code: 440100 appears twice (also line 2), expected once" },
  { "wrong-province", HEADER "440300,深圳市,广东省,450000,prefecture-level city,17494398,"
    "0.9950,0.1511,0.7953,0.0536,114.125,22.646,\n",
    "t.csv:2: column province_code: 450000 does not contain city 440300, expected 440000" },
  { "age-sum", HEADER "440300,深圳市,广东省,440000,prefecture-level city,17494398,0.9950,"
    "0.1511,0.7953,0.0736,114.125,22.646,\n",
    "t.csv:2: column age_60_plus: the age shares sum to 1.0200, expected 1 within 0.01" },
  { "urban", HEADER "440300,深圳市,广东省,440000,prefecture-level city,17494398,1.2,"
    "0.1511,0.7953,0.0536,114.125,22.646,\n",
    "t.csv:2: column urban_share: 1.2 is out of range, expected a share in [0, 1]" },
  { "lat", HEADER "440300,深圳市,广东省,440000,prefecture-level city,17494398,0.99,"
    "0.1511,0.7953,0.0536,114.125,-22.646,\n",
    "t.csv:2: column lat: \"-22.646\" is not a latitude in China, expected 3..54" },
  { "level", HEADER "440300,深圳市,广东省,440000,city,17494398,0.99,"
    "0.1511,0.7953,0.0536,114.125,22.646,\n",
    "t.csv:2: column level: \"city\" is not a level, expected municipality, prefecture-level "
    "city, autonomous prefecture, prefecture, league or county-level unit directly under "
    "province" },
  { "imputed", HEADER "440300,深圳市,广东省,440000,prefecture-level city,17494398,0.99,"
    "0.1511,0.7953,0.0536,114.125,22.646,urban+urban\n",
    "t.csv:2: column imputed: \"urban\" is named twice, expected empty or some of urban, "
    "age_0_14, age_15_59, age_60_plus joined by '+', each once" },
  { "province-name", HEADER ROW_GZ "440300,深圳,广东,440000,prefecture-level city,17494398,"
    "0.99,0.1511,0.7953,0.0536,114.125,22.646,\n",
    "t.csv:3: column province: \"广东\" differs from \"广东省\" given earlier for 440000, "
    "expected one name per province code" },
  { "empty-line", HEADER ROW_GZ "\n" ROW_SZ, "t.csv:3: empty line, expected a data row" },
  { "quote", HEADER "440300,\"深圳市\"x,广东省\n",
    "t.csv:2: text after a closing quote at byte 19, expected RFC 4180 fields" },
  { "utf8", HEADER "440300,\xff,广东省\n",
    "t.csv:2: invalid UTF-8 or NUL at byte 8, expected UTF-8 text" },
  { "empty", "", "t.csv:1: empty file, expected the header \"code,name,province,"
    "province_code,level,population,urban_share,age_0_14,age_15_59,age_60_plus,lon,lat,"
    "imputed\"" },
  { "no-rows", HEADER, "t.csv:2: no cities, expected one row per city" },
};

static void
test_bad (gconstpointer data)
{
  const BadCase *c = data;
  g_autoptr (GError) error = NULL;
  g_autoptr (ModelCities) cities = model_cities_parse (c->text, strlen (c->text), "t.csv",
                                                       &error);
  g_assert_null (cities);
  g_assert_error (error, MODEL_CITIES_ERROR, MODEL_ROLLOUT_INVALID);
  g_assert_cmpstr (error->message, ==, c->message);
}

static void
test_good_small (void)
{
  const char *text = HEADER ROW_GZ "440300,\"深圳市\",广东省,440000,prefecture-level city,"
                     "17494398,0.9950,0.1511,0.7953,0.0536,114.125,22.646,"
                     "urban+age_60_plus\r\n";
  g_autoptr (GError) error = NULL;
  g_autoptr (ModelCities) cities = model_cities_parse (text, strlen (text), "t.csv", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (cities->n_cities, ==, 2);
  g_assert_cmpstr (cities->cities[1].name, ==, "深圳市");
  g_assert_cmpuint (cities->cities[1].imputed, ==,
                    MODEL_CITY_IMPUTED_URBAN | MODEL_CITY_IMPUTED_AGE_60_PLUS);
  g_assert_cmpfloat_with_epsilon (cities->cities[1].census_share[MODEL_CENSUS_15_59], 0.7953, 1e-12);
  g_assert_cmpuint (cities->provinces[0].population, ==, 18676605 + 17494398);
}

static void
test_missing_file (void)
{
  g_autoptr (GError) error = NULL;
  g_assert_null (model_cities_load ("/nonexistent/cities.csv", &error));
  g_assert_error (error, MODEL_CITIES_ERROR, MODEL_ROLLOUT_NOT_FOUND);
  g_assert_true (g_str_has_prefix (error->message, "/nonexistent/cities.csv: cannot read"));
}

static void
test_fields (void)
{
  guint64 u = 0;
  double d = 0;
  gint32 day = 0;
  char text[11];

  g_assert_true (model_csv_parse_uint ("18446744073709551615", G_MAXUINT64, &u));
  g_assert_cmpuint (u, ==, G_MAXUINT64);
  g_assert_false (model_csv_parse_uint ("18446744073709551616", G_MAXUINT64, &u));
  g_assert_false (model_csv_parse_uint ("+1", 10, &u));
  g_assert_false (model_csv_parse_uint (" 1", 10, &u));
  g_assert_false (model_csv_parse_uint ("11", 10, &u));
  g_assert_false (model_csv_parse_uint ("", 10, &u));
  g_assert_true (model_csv_parse_double ("-1.5e-3", &d));
  g_assert_cmpfloat (d, ==, -1.5e-3);
  const char *not_numbers[] = { "nan", "inf", "0x10", "1.", ".5", "1e", "1e400", "1,5", "" };
  for (gsize i = 0; i < G_N_ELEMENTS (not_numbers); i++)
    g_assert_false (model_csv_parse_double (not_numbers[i], &d));
  g_assert_true (model_csv_parse_date ("1970-01-01", &day));
  g_assert_cmpint (day, ==, 0);
  g_assert_true (model_csv_parse_date ("2020-02-29", &day));
  g_assert_cmpint (day, ==, 18321);
  base_time_format_date (day, text);
  g_assert_cmpstr (text, ==, "2020-02-29");
  const char *not_dates[] = { "2019-02-29", "2019-13-01", "2019-1-01", "2019-01-01x",
                              "19-01-01", "2019/01/01", "1899-12-31", "" };
  for (gsize i = 0; i < G_N_ELEMENTS (not_dates); i++)
    g_assert_false (model_csv_parse_date (not_dates[i], &day));
}

int
main (int argc, char **argv)
{
  essc_test_init (&argc, &argv);
  g_test_add_func ("/cities/shipped", test_shipped);
  g_test_add_func ("/cities/apportion", test_apportion);
  g_test_add_func ("/cities/good-small", test_good_small);
  g_test_add_func ("/cities/missing-file", test_missing_file);
  g_test_add_func ("/cities/csv-fields", test_fields);
  for (gsize i = 0; i < G_N_ELEMENTS (bad_cases); i++)
    {
      g_autofree char *name = g_strdup_printf ("/cities/bad/%s", bad_cases[i].name);
      g_test_add_data_func (name, &bad_cases[i], test_bad);
    }
  return g_test_run ();
}
