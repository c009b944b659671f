/* SPDX-License-Identifier: MIT */
/*
 * The cities loader (see model/rollout/cities.h): reads the census file with the
 * strict CSV reader, checks every column of every row, and builds the
 * lookups by city and province code.  Region codes are checked against the
 * compiled-in GB/T 2260 table, so a mistyped code is caught even when it is
 * well formed.  Loaded once per run; nothing here is on a hot path.
 */
#include "model/rollout/cities.h"
#include "base/names.h"
#include "base/error.h"
#include "base/text.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/regions.h"
#include "model/rollout/scenario_csv.h"

G_DEFINE_QUARK (model-cities-error-quark, model_cities_error)

enum {
  COL_CODE, COL_NAME, COL_PROVINCE, COL_PROVINCE_CODE, COL_LEVEL, COL_POPULATION,
  COL_URBAN, COL_AGE_0_14, COL_AGE_15_59, COL_AGE_60_PLUS, COL_LON, COL_LAT, COL_IMPUTED
};

const char *const model_cities_columns[] = {
  "code", "name", "province", "province_code", "level", "population", "urban_share",
  "age_0_14", "age_15_59", "age_60_plus", "lon", "lat", "imputed", NULL
};

static const char *const levels[] = {
  "municipality", "prefecture-level city", "autonomous prefecture", "prefecture", "league",
  "county-level unit directly under province",
};

/* Names of the imputed column's parts, in the order of the MODEL_CITY_IMPUTED_* bits. */
static const char *const imputed_names[] = { "urban", "age_0_14", "age_15_59", "age_60_plus" };

/* China's extent with a margin, WGS-84 degrees. */
#define LON_MIN 73.0
#define LON_MAX 136.0
#define LAT_MIN 3.0
#define LAT_MAX 54.0

#define fail_row(csv, row, col, ...) \
  model_csv_fail (error, MODEL_CITIES_ERROR, (csv), (row), (col), __VA_ARGS__)

void
model_cities_free (ModelCities *cities)
{
  if (cities == NULL)
    return;
  for (guint i = 0; i < cities->n_cities; i++)
    {
      g_free (cities->cities[i].name);
      g_free (cities->cities[i].province);
      g_free (cities->cities[i].level);
    }
  for (guint i = 0; i < cities->n_provinces; i++)
    g_free (cities->provinces[i].name);
  g_free (cities->cities);
  g_free (cities->provinces);
  if (cities->by_code != NULL)
    g_hash_table_unref (cities->by_code);
  if (cities->province_by_code != NULL)
    g_hash_table_unref (cities->province_by_code);
  g_free (cities);
}

gboolean
model_cities_parse_code (const char *text, guint32 *out)
{
  guint64 v = 0;

  if (text == NULL || strlen (text) != 6 || text[0] == '0'
      || !model_csv_parse_uint (text, 999999, &v))
    return FALSE;
  *out = (guint32) v;
  return TRUE;
}

static gboolean
region_known (guint32 code)
{
  return base_region_name (code) != NULL;
}

static gboolean
parse_share (const ModelCsv *csv, const ModelCsvRow *row, guint col, double *out,
             GError **error)
{
  if (!model_csv_parse_double (row->fields[col], out))
    return fail_row (csv, row, col, "\"%s\" is not a number, expected a share in [0, 1]",
                     row->fields[col]);
  if (*out < 0.0 || *out > 1.0)
    return fail_row (csv, row, col, "%s is out of range, expected a share in [0, 1]",
                     row->fields[col]);
  return TRUE;
}

static gboolean
parse_imputed (const ModelCsv *csv, const ModelCsvRow *row, guint *out, GError **error)
{
  const char *text = row->fields[COL_IMPUTED];
  *out = 0;
  if (*text == '\0')
    return TRUE;
  g_auto (GStrv) parts = g_strsplit (text, "+", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    {
      int bit = base_name_index (imputed_names, G_N_ELEMENTS (imputed_names), parts[i]);
      if (bit < 0 || (*out & (1u << bit)) != 0)
        return fail_row (csv, row, COL_IMPUTED,
                         "\"%s\" is %s, expected empty or some of urban, age_0_14, "
                         "age_15_59, age_60_plus joined by '+', each once",
                         parts[i], bit < 0 ? "not a column name" : "named twice");
      *out |= 1u << bit;
    }
  return TRUE;
}

/* Checks one row into *city (whose strings the caller frees). */
static gboolean
parse_row (ModelCities *cities, const ModelCsv *csv, const ModelCsvRow *row, ModelCity *city,
           GError **error)
{
  char **f = row->fields;

  if (!model_cities_parse_code (f[COL_CODE], &city->code))
    return fail_row (csv, row, COL_CODE, "\"%s\" is not a region code, expected six digits",
                     f[COL_CODE]);
  if (!region_known (city->code))
    return fail_row (csv, row, COL_CODE,
                     "%06u is not a known region, expected a GB/T 2260 code", city->code);
  gpointer seen = g_hash_table_lookup (cities->by_code, GUINT_TO_POINTER (city->code));
  if (seen != NULL)
    return fail_row (csv, row, COL_CODE, "%06u appears twice (also line %u), expected once",
                     city->code,
                     ((ModelCsvRow *) csv->rows->pdata[GPOINTER_TO_UINT (seen) - 1])->line);
  if (base_text_check_utf8 (f[COL_NAME], -1, 200, NULL) != BASE_TEXT_OK)
    return fail_row (csv, row, COL_NAME, "empty or too long, expected a name");
  city->name = g_strdup (f[COL_NAME]);
  if (base_text_check_utf8 (f[COL_PROVINCE], -1, 200, NULL) != BASE_TEXT_OK)
    return fail_row (csv, row, COL_PROVINCE, "empty or too long, expected a province name");
  city->province = g_strdup (f[COL_PROVINCE]);
  if (!model_cities_parse_code (f[COL_PROVINCE_CODE], &city->province_code)
      || city->province_code % 10000 != 0 || !region_known (city->province_code))
    return fail_row (csv, row, COL_PROVINCE_CODE,
                     "\"%s\" is not a province code, expected a known code xx0000",
                     f[COL_PROVINCE_CODE]);
  if (city->code / 10000 != city->province_code / 10000)
    return fail_row (csv, row, COL_PROVINCE_CODE,
                     "%06u does not contain city %06u, expected %02u0000", city->province_code,
                     city->code, city->code / 10000);
  if (base_name_index (levels, G_N_ELEMENTS (levels), f[COL_LEVEL]) < 0)
    return fail_row (csv, row, COL_LEVEL,
                     "\"%s\" is not a level, expected municipality, prefecture-level city, "
                     "autonomous prefecture, prefecture, league or county-level unit "
                     "directly under province",
                     f[COL_LEVEL]);
  city->level = g_strdup (f[COL_LEVEL]);
  if (!model_csv_parse_uint (f[COL_POPULATION], G_GUINT64_CONSTANT (2000000000),
                             &city->population)
      || city->population == 0)
    return fail_row (csv, row, COL_POPULATION,
                     "\"%s\" is not a population, expected a whole number 1..2000000000",
                     f[COL_POPULATION]);
  if (!parse_share (csv, row, COL_URBAN, &city->urban_share, error))
    return FALSE;
  double sum = 0;
  for (int band = 0; band < MODEL_N_CENSUS_BANDS; band++)
    {
      if (!parse_share (csv, row, COL_AGE_0_14 + band, &city->census_share[band], error))
        return FALSE;
      sum += city->census_share[band];
    }
  const double *cs = city->census_share;
  city->age_share[MODEL_AGE_0_17] = cs[MODEL_CENSUS_0_14]
                                    + MODEL_AGE_15_17_OF_15_59 * cs[MODEL_CENSUS_15_59];
  city->age_share[MODEL_AGE_18_59] = (1 - MODEL_AGE_15_17_OF_15_59) * cs[MODEL_CENSUS_15_59];
  city->age_share[MODEL_AGE_60_PLUS] = cs[MODEL_CENSUS_60_PLUS];
  if (fabs (sum - 1.0) > 0.01)
    return fail_row (csv, row, COL_AGE_60_PLUS,
                     "the age shares sum to %.4f, expected 1 within 0.01", sum);
  if (!model_csv_parse_double (f[COL_LON], &city->lon) || city->lon < LON_MIN
      || city->lon > LON_MAX)
    return fail_row (csv, row, COL_LON, "\"%s\" is not a longitude in China, expected %g..%g",
                     f[COL_LON], LON_MIN, LON_MAX);
  if (!model_csv_parse_double (f[COL_LAT], &city->lat) || city->lat < LAT_MIN
      || city->lat > LAT_MAX)
    return fail_row (csv, row, COL_LAT, "\"%s\" is not a latitude in China, expected %g..%g",
                     f[COL_LAT], LAT_MIN, LAT_MAX);
  return parse_imputed (csv, row, &city->imputed, error);
}

static ModelCities *
build (const ModelCsv *csv, GError **error)
{
  g_autoptr (ModelCities) cities = g_new0 (ModelCities, 1);
  cities->by_code = g_hash_table_new (NULL, NULL);
  cities->province_by_code = g_hash_table_new (NULL, NULL);
  cities->cities = g_new0 (ModelCity, MAX (csv->rows->len, 1));
  cities->provinces = g_new0 (ModelProvince, MAX (csv->rows->len, 1));

  if (csv->rows->len == 0)
    return base_fail (error, MODEL_CITIES_ERROR, MODEL_ROLLOUT_INVALID,
                       "%s:2: no cities, expected one row per city", csv->path),
           NULL;
  for (guint i = 0; i < csv->rows->len; i++)
    {
      const ModelCsvRow *row = csv->rows->pdata[i];
      ModelCity *city = &cities->cities[cities->n_cities++];
      if (!parse_row (cities, csv, row, city, error))
        return NULL;
      g_hash_table_insert (cities->by_code, GUINT_TO_POINTER (city->code),
                           GUINT_TO_POINTER (i + 1));

      gpointer p = g_hash_table_lookup (cities->province_by_code,
                                        GUINT_TO_POINTER (city->province_code));
      ModelProvince *province;
      if (p == NULL)
        {
          province = &cities->provinces[cities->n_provinces++];
          province->code = city->province_code;
          province->name = g_strdup (city->province);
          g_hash_table_insert (cities->province_by_code, GUINT_TO_POINTER (province->code),
                               GUINT_TO_POINTER (cities->n_provinces));
        }
      else
        {
          province = &cities->provinces[GPOINTER_TO_UINT (p) - 1];
          if (strcmp (province->name, city->province) != 0)
            return model_csv_fail (error, MODEL_CITIES_ERROR, csv, row, COL_PROVINCE,
                                   "\"%s\" differs from \"%s\" given earlier for %06u, "
                                   "expected one name per province code",
                                   city->province, province->name, province->code),
                   NULL;
        }
      city->province_index = (guint) (province - cities->provinces);
      province->population += city->population;
      province->n_cities++;
      cities->population += city->population;
    }
  return g_steal_pointer (&cities);
}

ModelCities *
model_cities_parse (const char *text, gsize len, const char *path, GError **error)
{
  g_autoptr (ModelCsv) csv = model_csv_parse (text, len, path, model_cities_columns,
                                              MODEL_CITIES_ERROR, error);
  return csv != NULL ? build (csv, error) : NULL;
}

ModelCities *
model_cities_load (const char *path, GError **error)
{
  g_return_val_if_fail (path != NULL, NULL);
  g_autoptr (ModelCsv) csv = model_csv_read (path, model_cities_columns, MODEL_CITIES_ERROR,
                                             error);
  return csv != NULL ? build (csv, error) : NULL;
}

int
model_cities_index (const ModelCities *cities, guint32 code)
{
  g_return_val_if_fail (cities != NULL, -1);
  gpointer p = g_hash_table_lookup (cities->by_code, GUINT_TO_POINTER (code));
  return p != NULL ? (int) GPOINTER_TO_UINT (p) - 1 : -1;
}

const ModelCity *
model_cities_lookup (const ModelCities *cities, guint32 code)
{
  int i = model_cities_index (cities, code);
  return i >= 0 ? &cities->cities[i] : NULL;
}

const ModelProvince *
model_cities_province (const ModelCities *cities, guint32 code)
{
  g_return_val_if_fail (cities != NULL, NULL);
  gpointer p = g_hash_table_lookup (cities->province_by_code, GUINT_TO_POINTER (code));
  return p != NULL ? &cities->provinces[GPOINTER_TO_UINT (p) - 1] : NULL;
}

typedef struct {
  guint index;
  guint64 remainder;
} Share;

static int
share_cmp (const void *a, const void *b)
{
  const Share *x = a, *y = b;
  if (x->remainder != y->remainder)
    return x->remainder > y->remainder ? -1 : 1;
  return x->index < y->index ? -1 : x->index > y->index;
}

void
model_cities_apportion (const ModelCities *cities, guint64 total, guint64 *out)
{
  g_return_if_fail (cities != NULL && out != NULL && cities->population > 0);
  g_autofree Share *shares = g_new (Share, cities->n_cities);
  guint64 given = 0;

  for (guint i = 0; i < cities->n_cities; i++)
    {
      unsigned __int128 exact = (unsigned __int128) total * cities->cities[i].population;
      out[i] = (guint64) (exact / cities->population);
      shares[i].index = i;
      shares[i].remainder = (guint64) (exact % cities->population);
      given += out[i];
    }
  qsort (shares, cities->n_cities, sizeof (Share), share_cmp);
  for (guint k = 0; given < total; k++, given++)
    out[shares[k].index]++;
}
