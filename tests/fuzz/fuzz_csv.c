/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer harness: every CSV the simulator reads (model/rollout/).  The
 * first byte of the input picks the reader (its value modulo 8, so the
 * seeds' ASCII digits '0'..'7' name them), the rest is the file:
 *
 *   0  model_csv_parse (scenario_csv.h) with the header the file's own first
 *      line names; what parses must parse again, to the same rows, once
 *      written back in RFC 4180 form (every field quoted); and each field
 *      through the field parsers, a date written back by
 *      base_time_format_date as the very text parsed
 *   1  model_cities_parse (cities.h); each city found by its code, each
 *      province by its code, a cardholder total apportioned to exactly that
 *      total
 *   2  model_catalogue_parse (catalogue.h) over a five-city ModelCities
 *      (tests/data/small/cities.csv) built once; each channel found by its
 *      id, its reach of every city, the channels live on some days
 *   3  model_access_load (access.h), from a file; the share of every cell on
 *      some days, inside [0, max] as documented
 *   4  model_published_load (published.h), from a file
 *   5  model_posterior_load (posterior.h), from a file, against the three
 *      free parameters of scenarios/calibration-2019-2020.ini
 *   6  the same against the two of tests/data/small/forecast.ini
 *      (5, 6: draws picked and applied, and the sample written back by
 *      model_posterior_format must load again with the same draws)
 *   7  the service-time file of [latency] service_times, read by the
 *      scenario loader (scenario_latency.c): a fixed small scenario naming
 *      the input as its service-times.csv
 *
 * A refusal must set an error with a message.
 */
#include "base/time.h"
#include "model/rollout/access.h"
#include "model/rollout/catalogue.h"
#include "model/rollout/cities.h"
#include "model/rollout/posterior.h"
#include "model/rollout/published.h"
#include "model/rollout/scenario.h"
#include "model/rollout/scenario_csv.h"
#include "tests/fuzz/harness.h"

#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

/* tests/data/small/cities.csv and channels.csv */
static const char small_cities[] =
  "code,name,province,province_code,level,population,urban_share,age_0_14,age_15_59,"
  "age_60_plus,lon,lat,imputed\n"
  "110000,北京市,北京市,110000,municipality,21893095,0.8755,0.1190,0.6850,0.1960,116.412,"
  "40.186,\n"
  "310000,上海市,上海市,310000,municipality,24870895,0.8930,0.0980,0.6680,0.2340,121.484,"
  "31.212,\n"
  "440100,广州市,广东省,440000,prefecture-level city,18676605,0.8619,0.1387,0.7472,0.1141,"
  "113.539,23.331,\n"
  "440300,深圳市,广东省,440000,prefecture-level city,17494398,1.0000,0.1511,0.7953,0.0536,"
  "114.138,22.645,\n"
  "530100,昆明市,云南省,530000,prefecture-level city,8460088,0.7967,0.1498,0.7062,0.1440,"
  "102.873,25.387,\n";

static const char small_channels[] =
  "id,name,class,tier,parent,reach,golive,generated\n"
  "CH000001,Test national channel,hrss,1,,national,2018-01-01,1\n"
  "CH000002,Test bank channel,bank,1,,national,2018-01-01,1\n";

/* A scenario with the latency model on, reading service-times.csv beside it. */
static const char latency_scenario[] =
  "[scenario]\nname = service-times\nstart = 2019-01-01\nend = 2019-03-31\n"
  "[population]\ncities = cities.csv\ncardholders = 50000000\nurban_split = false\n"
  "[adoption]\naccess = none\n"
  "[milestones]\nissuance_golive = 2018-12-01\nmobile_payment = 2018-12-01\n"
  "unified_settlement = 2019-03-01\n"
  "[channels]\ncatalogue = channels.csv\n"
  "[targets]\ntarget_2019 = 2019-02-28\ntarget_2020 = 2019-03-31\n"
  "mobile_payment_by = 2019-03-31\nunified_settlement_by = 2019-03-31\n"
  "[latency]\nservice_times = service-times.csv\n";

static ModelCities *cities;

static void
refused (const GError *error)
{
  if (error == NULL || error->message[0] == '\0')
    abort ();
}

/* ---- 0: the CSV reader itself ------------------------------------------ */

static void
field_parsers (const char *text)
{
  guint64 u;
  double d;
  gint32 day;
  guint32 code;
  (void) model_csv_parse_uint (text, G_MAXUINT64, &u);
  (void) model_csv_parse_double (text, &d);
  (void) model_cities_parse_code (text, &code);
  (void) model_catalogue_id_valid (text);
  if (model_csv_parse_date (text, &day))
    {
      char again[BASE_TIME_DATE_SIZE];
      if (!base_time_format_date (day, again) || strcmp (again, text) != 0)
        abort ();
    }
}

static void
quoted (GString *out, const char *field)
{
  g_string_append_c (out, '"');
  for (const char *c = field; *c; c++)
    {
      if (*c == '"')
        g_string_append_c (out, '"');
      g_string_append_c (out, *c);
    }
  g_string_append_c (out, '"');
}

static void
csv_generic (const char *text, gsize len)
{
  const char *nl = memchr (text, '\n', len);
  gsize first_len = nl != NULL ? (gsize) (nl - text) : len;
  if (first_len > 0 && text[first_len - 1] == '\r')
    first_len--;
  g_autofree char *first = g_strndup (text, first_len);
  g_auto (GStrv) columns = g_strsplit (first, ",", 33);
  if (columns[0] == NULL || g_strv_length (columns) > 32)
    return;
  g_autoptr (GError) error = NULL;
  g_autoptr (ModelCsv) csv = model_csv_parse (text, len, "file.csv",
                                              (const char *const *) columns, MODEL_SCENARIO_ERROR,
                                              &error);
  if (csv == NULL)
    {
      refused (error);
      return;
    }
  g_autoptr (GString) again = g_string_new (NULL);
  for (guint c = 0; c < csv->n_columns; c++)
    {
      if (c > 0)
        g_string_append_c (again, ',');
      quoted (again, columns[c]);
    }
  g_string_append_c (again, '\n');
  for (guint i = 0; i < csv->rows->len; i++)
    {
      const ModelCsvRow *row = csv->rows->pdata[i];
      for (guint c = 0; c < csv->n_columns; c++)
        {
          field_parsers (row->fields[c]);
          if (c > 0)
            g_string_append_c (again, ',');
          quoted (again, row->fields[c]);
        }
      g_string_append_c (again, '\n');
    }
  if (again->len > 65536)
    return;  /* quoting may lengthen a line past the reader's limit */
  g_autoptr (ModelCsv) csv2 = model_csv_parse (again->str, again->len, "again.csv",
                                               (const char *const *) columns,
                                               MODEL_SCENARIO_ERROR, &error);
  if (csv2 == NULL || csv2->rows->len != csv->rows->len)
    abort ();
  for (guint i = 0; i < csv->rows->len; i++)
    {
      const ModelCsvRow *a = csv->rows->pdata[i], *b = csv2->rows->pdata[i];
      if (b->line != i + 2)
        abort ();
      for (guint c = 0; c < csv->n_columns; c++)
        if (strcmp (a->fields[c], b->fields[c]) != 0)
          abort ();
    }
}

/* ---- 1, 2: cities and catalogue ----------------------------------------- */

static void
csv_cities (const char *text, gsize len)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ModelCities) c = model_cities_parse (text, len, "cities.csv", &error);
  if (c == NULL)
    {
      refused (error);
      return;
    }
  for (guint i = 0; i < c->n_cities; i++)
    {
      const ModelCity *city = &c->cities[i];
      if (model_cities_index (c, city->code) != (int) i || model_cities_lookup (c, city->code)
          != city)
        abort ();
      const ModelProvince *p = model_cities_province (c, city->province_code);
      if (p == NULL || p != &c->provinces[city->province_index])
        abort ();
    }
  g_autofree guint64 *out = g_new (guint64, c->n_cities);
  const guint64 totals[] = { c->population, G_GUINT64_CONSTANT (1250000000), 7 };
  for (guint t = 0; t < G_N_ELEMENTS (totals); t++)
    {
      model_cities_apportion (c, totals[t], out);
      guint64 sum = 0;
      for (guint i = 0; i < c->n_cities; i++)
        sum += out[i];
      if (sum != totals[t])
        abort ();
    }
}

static void
csv_catalogue (const char *text, gsize len)
{
  if (cities == NULL)
    {
      cities = model_cities_parse (small_cities, strlen (small_cities), "cities.csv", NULL);
      if (cities == NULL)
        abort ();
    }
  g_autoptr (GError) error = NULL;
  g_autoptr (ModelCatalogue) cat = model_catalogue_parse (text, len, "channels.csv", cities,
                                                          &error);
  if (cat == NULL)
    {
      refused (error);
      return;
    }
  for (guint i = 0; i < cat->n_channels; i++)
    {
      const ModelCatalogueChannel *ch = &cat->channels[i];
      if (!model_catalogue_id_valid (ch->id) || model_catalogue_index (cat, ch->id) != (int) i)
        abort ();
      for (guint c = 0; c < cities->n_cities; c++)
        (void) model_catalogue_reaches (ch, &cities->cities[c]);
      (void) model_catalogue_count_live (cat, ch->golive);
    }
}

/* ---- 3, 4: access and published figures ---------------------------------- */

static void
csv_access (const uint8_t *data, size_t size)
{
  const char *path = fuzz_file ("access.csv", data, size);
  g_autoptr (GError) error = NULL;
  g_autoptr (ModelAccess) a = model_access_load (path, MODEL_SCENARIO_ERROR, &error);
  if (a == NULL)
    {
      refused (error);
      return;
    }
  const gint32 days[] = { a->first, a->last, a->origin, a->first - 400, a->last + 4000 };
  for (int b = 0; b < MODEL_N_AGE_BANDS; b++)
    for (int r = 0; r < MODEL_N_AREAS; r++)
      for (guint d = 0; d < G_N_ELEMENTS (days); d++)
        for (int growth = 0; growth < 2; growth++)
          {
            double v = model_access_share (a, (ModelAgeBand) b, (ModelArea) r, days[d], growth,
                                           0.95);
            if (!(v >= 0 && v <= 0.95))
              abort ();
          }
}

static void
csv_published (const uint8_t *data, size_t size)
{
  const char *path = fuzz_file ("published.csv", data, size);
  g_autoptr (GError) error = NULL;
  guint n = 0;
  ModelPublished *f = model_published_load (path, &n, MODEL_SCENARIO_ERROR, &error);
  if (f == NULL)
    {
      refused (error);
      return;
    }
  for (guint i = 0; i < n; i++)
    if (!(f[i].value >= 0) || f[i].quantity[0] == '\0' || f[i].note == NULL)
      abort ();
  model_published_free (f, n);
}

/* ---- 5, 6: posterior samples --------------------------------------------- */

static const ModelFreeParam calibration_free[] = {
  { "adoption.innovation", offsetof (ModelScenario, innovation), 0.000003, 0.0001, TRUE },
  { "adoption.innovation_per_channel", offsetof (ModelScenario, innovation_per_channel),
    0.0000001, 0.00001, TRUE },
  { "adoption.imitation", offsetof (ModelScenario, imitation), 0.001, 0.03, TRUE },
};

static const ModelFreeParam forecast_free[] = {
  { "adoption.innovation", offsetof (ModelScenario, innovation), 0.0001, 0.001, FALSE },
  { "adoption.imitation", offsetof (ModelScenario, imitation), 0.005, 0.02, FALSE },
};

static void
csv_posterior (const uint8_t *data, size_t size, const ModelFreeParam *free, guint n_free)
{
  const char *path = fuzz_file ("posterior.csv", data, size);
  g_autoptr (GError) error = NULL;
  g_autoptr (ModelPosterior) post = model_posterior_load (path, free, n_free,
                                                          MODEL_SCENARIO_ERROR, &error);
  if (post == NULL)
    {
      refused (error);
      return;
    }
  if (post->n_draws == 0 || post->n_params != n_free || strlen (post->hash) != 64)
    abort ();
  ModelScenario s = { 0 };
  const double u[] = { 0, 0.5, 0.999999 };
  for (guint i = 0; i < G_N_ELEMENTS (u); i++)
    {
      guint draw = model_posterior_pick (post, u[i]);
      if (draw >= post->n_draws)
        abort ();
      model_posterior_apply (post, draw, free, &s);
    }
  g_autoptr (GBytes) bytes = model_posterior_format (free, n_free, post->weights, post->theta,
                                                     post->n_draws);
  gsize n = 0;
  const guint8 *raw = g_bytes_get_data (bytes, &n);
  const char *again_path = fuzz_file ("posterior-again.csv", raw, n);
  g_autoptr (ModelPosterior) again = model_posterior_load (again_path, free, n_free,
                                                           MODEL_SCENARIO_ERROR, &error);
  if (again == NULL || again->n_draws != post->n_draws
      || memcmp (again->theta, post->theta,
                 sizeof (double) * post->n_draws * n_free) != 0)
    abort ();
}

/* ---- 7: service times ------------------------------------------------------ */

static void
csv_service_times (const uint8_t *data, size_t size)
{
  static const char *scenario;
  if (scenario == NULL)
    {
      fuzz_file ("cities.csv", (const uint8_t *) small_cities, strlen (small_cities));
      fuzz_file ("channels.csv", (const uint8_t *) small_channels, strlen (small_channels));
      scenario = fuzz_file ("service-times.ini", (const uint8_t *) latency_scenario,
                            strlen (latency_scenario));
    }
  fuzz_file ("service-times.csv", data, size);
  g_autoptr (GError) error = NULL;
  g_autoptr (ModelScenario) s = model_scenario_load (scenario, &error);
  if (s == NULL)
    {
      refused (error);
      return;
    }
  for (int k = 0; k < MODEL_N_REQ_KINDS; k++)
    if (!(s->latency.measured[k] > 0 && s->latency.measured[k] <= 60))
      abort ();
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  guint8 which;
  if (!fuzz_select (&data, &size, &which))
    return 0;
  g_autofree char *text = fuzz_text (data, size);
  switch (which % 8)
    {
    case 0:
      csv_generic (text, size);
      break;
    case 1:
      csv_cities (text, size);
      break;
    case 2:
      csv_catalogue (text, size);
      break;
    case 3:
      csv_access (data, size);
      break;
    case 4:
      csv_published (data, size);
      break;
    case 5:
      csv_posterior (data, size, calibration_free, G_N_ELEMENTS (calibration_free));
      break;
    case 6:
      csv_posterior (data, size, forecast_free, G_N_ELEMENTS (forecast_free));
      break;
    default:
      csv_service_times (data, size);
      break;
    }
  return 0;
}
