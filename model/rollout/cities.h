/* SPDX-License-Identifier: MIT */
/*
 * The simulator's cities: the 367 prefecture-level units of the 2020 census
 * (scenarios/data/cities-2020.csv, sources in scenarios/data/README.md),
 * loaded by a strict reader.  Each row is checked: a six-digit code that is
 * a known GB/T 2260 region (the compiled-in table of base/regions.h) and
 * lies in its province, a known level, a positive population, shares in
 * [0, 1] with the three age shares summing to 1 within 0.01, coordinates
 * inside China's bounding box, the imputed columns named correctly; no code
 * twice, one province name per province code.  A bad row gives
 * "FILE:LINE: column NAME: what, expected" (MODEL_CITIES_ERROR,
 * MODEL_ROLLOUT_INVALID).  The loaded set is read-only: lookup by code, the
 * provinces with their populations, and the apportionment of a cardholder
 * total over the cities.
 */
#pragma once

#include <glib.h>


G_BEGIN_DECLS

#define MODEL_CITIES_ERROR (model_cities_error_quark ())
GQuark model_cities_error_quark (void);

/* Age bands of the census bulletins' shares (the file's columns). */
typedef enum {
  MODEL_CENSUS_0_14 = 0,
  MODEL_CENSUS_15_59,
  MODEL_CENSUS_60_PLUS,
  MODEL_N_CENSUS_BANDS
} ModelCensusBand;

/* Age bands of the model's cells: those of the published e-card and
 * demographic figures (under 18, working age, 60 and over). */
typedef enum {
  MODEL_AGE_0_17 = 0,
  MODEL_AGE_18_59,
  MODEL_AGE_60_PLUS,
  MODEL_N_AGE_BANDS
} ModelAgeBand;

/*
 * The share of the 15-59 band aged 15-17, nationally: 3/5 of the 2020
 * census's 15-19 group (72,684,000 people, 5.15%) over its 15-59 band
 * (894,376,000, 63.35%).  The bulletins give no finer split per city, so
 * every city moves this share of its 15-59 band into 0-17.
 */
#define MODEL_AGE_15_17_OF_15_59 (0.6 * 72684000.0 / 894376000.0)

/* Bits of ModelCity.imputed: the columns filled with a province mean. */
enum {
  MODEL_CITY_IMPUTED_URBAN = 1 << 0,
  MODEL_CITY_IMPUTED_AGE_0_14 = 1 << 1,
  MODEL_CITY_IMPUTED_AGE_15_59 = 1 << 2,
  MODEL_CITY_IMPUTED_AGE_60_PLUS = 1 << 3,
};

/* One unit.  All fields public, read-only. */
typedef struct {
  guint32 code;           /* GB/T 2260 six-digit code (municipalities xx0000) */
  char *name;             /* Chinese name, UTF-8 */
  char *province;         /* province name, UTF-8 */
  guint32 province_code;  /* xx0000 */
  char *level;            /* "municipality", "prefecture-level city", ... (as in the file) */
  guint64 population;     /* residents, 2020 census */
  double urban_share;     /* urban residents / residents, [0, 1] */
  double census_share[MODEL_N_CENSUS_BANDS]; /* as in the file; sum 1 within 0.01 */
  double age_share[MODEL_N_AGE_BANDS];       /* by ModelAgeBand, from census_share (0-17:
                                                0-14 plus MODEL_AGE_15_17_OF_15_59 of 15-59) */
  double lon, lat;        /* centroid, WGS-84 degrees */
  guint imputed;          /* MODEL_CITY_IMPUTED_* bits; 0 when all from the bulletin */
  guint province_index;   /* index into ModelCities.provinces */
} ModelCity;

/* One province (or municipality, autonomous region).  All fields public. */
typedef struct {
  guint32 code;           /* xx0000 */
  char *name;
  guint64 population;     /* sum of its cities' populations */
  guint n_cities;
} ModelProvince;

/*
 * The loaded file.  Fields above `private` are public and read-only: cities
 * in file order, provinces in order of first appearance.
 */
typedef struct {
  ModelCity *cities;
  guint n_cities;
  ModelProvince *provinces;
  guint n_provinces;
  guint64 population;     /* all cities */
  /* private */
  GHashTable *by_code;    /* code -> index + 1 */
  GHashTable *province_by_code;
} ModelCities;

/* The header of the cities file, NULL-terminated. */
extern const char *const model_cities_columns[];

/* Returns: (transfer full) the cities of path, or NULL with *error set. */
ModelCities *model_cities_load (const char *path, GError **error);
/* The same from bytes in memory; path names them in messages. */
ModelCities *model_cities_parse (const char *text, gsize len, const char *path,
                                 GError **error);

/* The city with that code, or NULL. */
const ModelCity *model_cities_lookup (const ModelCities *cities, guint32 code);
/* The index of the city with that code, or -1. */
int model_cities_index (const ModelCities *cities, guint32 code);
/* The province with that code (xx0000), or NULL. */
const ModelProvince *model_cities_province (const ModelCities *cities, guint32 code);
/*
 * Parses a six-digit code text ("440300"); FALSE unless it is exactly six
 * digits, the first not 0.
 */
gboolean model_cities_parse_code (const char *text, guint32 *out);

/*
 * Splits total over the cities in proportion to their populations, in
 * whole people that sum exactly to total (largest remainder, ties to the
 * earlier city): out[i] for cities->cities[i]; out has n_cities entries.
 */
void model_cities_apportion (const ModelCities *cities, guint64 total, guint64 *out);

void model_cities_free (ModelCities *cities);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ModelCities, model_cities_free)

G_END_DECLS
