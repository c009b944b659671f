/* SPDX-License-Identifier: MIT */
/*
 * The channel catalogue loader (see model/rollout/catalogue.h).  Rows are read with
 * the strict CSV reader and checked column by column; a tier-2 row may name
 * a parent that appears later in the file, so parents are resolved in a
 * second pass once every id is known.  Loaded once per run.
 */
#include "model/rollout/catalogue.h"
#include "base/error.h"

#include <string.h>

#include "model/rollout/scenario_csv.h"

G_DEFINE_QUARK (model-catalogue-error-quark, model_catalogue_error)

enum { COL_ID, COL_NAME, COL_CLASS, COL_TIER, COL_PARENT, COL_REACH, COL_GOLIVE, COL_GENERATED };

const char *const model_catalogue_columns[] = {
  "id", "name", "class", "tier", "parent", "reach", "golive", "generated", NULL
};

#define fail_row(csv, row, col, ...) \
  model_csv_fail (error, MODEL_CATALOGUE_ERROR, (csv), (row), (col), __VA_ARGS__)

void
model_catalogue_free (ModelCatalogue *catalogue)
{
  if (catalogue == NULL)
    return;
  for (guint i = 0; i < catalogue->n_channels; i++)
    g_free (catalogue->channels[i].name);
  g_free (catalogue->channels);
  if (catalogue->by_id != NULL)
    g_hash_table_unref (catalogue->by_id);
  g_free (catalogue);
}

gboolean
model_catalogue_id_valid (const char *id)
{
  if (id == NULL || strlen (id) != 8 || id[0] != 'C' || id[1] != 'H')
    return FALSE;
  for (int i = 2; i < 8; i++)
    if (!g_ascii_isdigit (id[i]))
      return FALSE;
  return TRUE;
}

static gboolean
parse_reach (const ModelCsv *csv, const ModelCsvRow *row, const ModelCities *cities,
             ModelCatalogueChannel *ch, GError **error)
{
  const char *text = row->fields[COL_REACH];
  guint32 code = 0;

  if (strcmp (text, "national") == 0)
    {
      ch->reach_kind = MODEL_REACH_NATIONAL;
      ch->reach = 0;
      return TRUE;
    }
  if (!model_cities_parse_code (text, &code))
    return fail_row (csv, row, COL_REACH,
                     "\"%s\" is not a reach, expected \"national\" or a six-digit code", text);
  /* A municipality's code is both a province and a city: it counts as a province. */
  if (model_cities_province (cities, code) != NULL)
    ch->reach_kind = MODEL_REACH_PROVINCE;
  else if (model_cities_lookup (cities, code) != NULL)
    ch->reach_kind = MODEL_REACH_CITY;
  else
    return fail_row (csv, row, COL_REACH,
                     "%06u is not in the cities file, expected a province or city code", code);
  ch->reach = code;
  return TRUE;
}

static gboolean
parse_row (ModelCatalogue *catalogue, const ModelCsv *csv, const ModelCsvRow *row,
           const ModelCities *cities, GHashTable *names, ModelCatalogueChannel *ch,
           GError **error)
{
  char **f = row->fields;
  guint64 v = 0;

  if (!model_catalogue_id_valid (f[COL_ID]))
    return fail_row (csv, row, COL_ID, "\"%s\" is not a channel id, expected CH + six digits",
                     f[COL_ID]);
  gpointer seen = g_hash_table_lookup (catalogue->by_id, f[COL_ID]);
  if (seen != NULL)
    return fail_row (csv, row, COL_ID, "%s appears twice (also line %u), expected once",
                     f[COL_ID],
                     ((ModelCsvRow *) csv->rows->pdata[GPOINTER_TO_UINT (seen) - 1])->line);
  g_strlcpy (ch->id, f[COL_ID], sizeof ch->id);
  if (!model_channel_name_check (f[COL_NAME], NULL))
    return fail_row (csv, row, COL_NAME,
                     "not a channel name, expected 1..%d bytes of UTF-8 without control "
                     "characters",
                     MODEL_CHANNEL_NAME_MAX);
  gpointer other = g_hash_table_lookup (names, f[COL_NAME]);
  if (other != NULL)
    return fail_row (csv, row, COL_NAME, "\"%s\" is also the name of line %u, expected a "
                     "name of its own", f[COL_NAME], GPOINTER_TO_UINT (other));
  g_hash_table_insert (names, f[COL_NAME], GUINT_TO_POINTER (row->line));
  ch->name = g_strdup (f[COL_NAME]);
  if (!model_channel_class_from_name (f[COL_CLASS], &ch->klass))
    return fail_row (csv, row, COL_CLASS,
                     "\"%s\" is not a channel class, expected hrss, government, partner, "
                     "bank, medical or social",
                     f[COL_CLASS]);
  if (!model_csv_parse_uint (f[COL_TIER], 2, &v) || v == 0)
    return fail_row (csv, row, COL_TIER, "\"%s\" is not a tier, expected 1 or 2", f[COL_TIER]);
  ch->tier = (int) v;
  ch->parent = -1;
  if (ch->tier == 1 && f[COL_PARENT][0] != '\0')
    return fail_row (csv, row, COL_PARENT,
                     "a tier-1 channel names parent %s, expected none (empty)", f[COL_PARENT]);
  if (ch->tier == 2 && !model_catalogue_id_valid (f[COL_PARENT]))
    return fail_row (csv, row, COL_PARENT,
                     "\"%s\" is not a parent, expected the id of a tier-1 channel (CH + six "
                     "digits) for a tier-2 channel",
                     f[COL_PARENT]);
  if (!parse_reach (csv, row, cities, ch, error))
    return FALSE;
  if (!model_csv_parse_date (f[COL_GOLIVE], &ch->golive))
    return fail_row (csv, row, COL_GOLIVE, "\"%s\" is not a date, expected YYYY-MM-DD",
                     f[COL_GOLIVE]);
  if (!model_csv_parse_uint (f[COL_GENERATED], 1, &v))
    return fail_row (csv, row, COL_GENERATED, "\"%s\" is not a flag, expected 0 or 1",
                     f[COL_GENERATED]);
  ch->generated = v == 1;
  return TRUE;
}

/* TRUE when everything child reaches, parent reaches too. */
static gboolean
reach_within (const ModelCatalogueChannel *child, const ModelCatalogueChannel *parent,
              const ModelCities *cities)
{
  if (parent->reach_kind == MODEL_REACH_NATIONAL)
    return TRUE;
  if (child->reach_kind == MODEL_REACH_NATIONAL)
    return FALSE;
  if (parent->reach_kind == MODEL_REACH_CITY)
    return child->reach == parent->reach;
  if (child->reach_kind == MODEL_REACH_PROVINCE)
    return child->reach == parent->reach;
  return model_cities_lookup (cities, child->reach)->province_code == parent->reach;
}

static gboolean
resolve_parents (ModelCatalogue *catalogue, const ModelCsv *csv, const ModelCities *cities,
                 GError **error)
{
  for (guint i = 0; i < catalogue->n_channels; i++)
    {
      ModelCatalogueChannel *ch = &catalogue->channels[i];
      const ModelCsvRow *row = csv->rows->pdata[i];
      if (ch->tier != 2)
        continue;
      const char *parent_id = row->fields[COL_PARENT];
      int p = model_catalogue_index (catalogue, parent_id);
      if (p < 0)
        return fail_row (csv, row, COL_PARENT, "%s is not in the catalogue, expected the id "
                         "of a tier-1 channel", parent_id);
      const ModelCatalogueChannel *parent = &catalogue->channels[p];
      if (parent->tier != 1)
        return fail_row (csv, row, COL_PARENT, "%s is a tier-2 channel, expected a tier-1 "
                         "parent", parent_id);
      if (!reach_within (ch, parent, cities))
        return fail_row (csv, row, COL_PARENT, "%s does not reach %s, expected a parent "
                         "whose reach includes the child's", parent_id, row->fields[COL_REACH]);
      if (parent->golive > ch->golive)
        return fail_row (csv, row, COL_PARENT, "%s goes live on %s, after the child, "
                         "expected a parent live no later than %s",
                         parent_id, ((ModelCsvRow *) csv->rows->pdata[p])->fields[COL_GOLIVE],
                         row->fields[COL_GOLIVE]);
      ch->parent = p;
    }
  return TRUE;
}

static ModelCatalogue *
build (const ModelCsv *csv, const ModelCities *cities, GError **error)
{
  g_autoptr (ModelCatalogue) catalogue = g_new0 (ModelCatalogue, 1);
  g_autoptr (GHashTable) names = g_hash_table_new (g_str_hash, g_str_equal);
  catalogue->by_id = g_hash_table_new (g_str_hash, g_str_equal);
  catalogue->channels = g_new0 (ModelCatalogueChannel, MAX (csv->rows->len, 1));

  if (csv->rows->len == 0)
    return base_fail (error, MODEL_CATALOGUE_ERROR, MODEL_ROLLOUT_INVALID,
                       "%s:2: no channels, expected one row per channel", csv->path),
           NULL;
  for (guint i = 0; i < csv->rows->len; i++)
    {
      ModelCatalogueChannel *ch = &catalogue->channels[catalogue->n_channels++];
      if (!parse_row (catalogue, csv, csv->rows->pdata[i], cities, names, ch, error))
        return NULL;
      g_hash_table_insert (catalogue->by_id, ch->id, GUINT_TO_POINTER (i + 1));
    }
  if (!resolve_parents (catalogue, csv, cities, error))
    return NULL;
  return g_steal_pointer (&catalogue);
}

ModelCatalogue *
model_catalogue_parse (const char *text, gsize len, const char *path,
                       const ModelCities *cities, GError **error)
{
  g_return_val_if_fail (cities != NULL, NULL);
  g_autoptr (ModelCsv) csv = model_csv_parse (text, len, path, model_catalogue_columns,
                                              MODEL_CATALOGUE_ERROR, error);
  return csv != NULL ? build (csv, cities, error) : NULL;
}

ModelCatalogue *
model_catalogue_load (const char *path, const ModelCities *cities, GError **error)
{
  g_return_val_if_fail (path != NULL && cities != NULL, NULL);
  g_autoptr (ModelCsv) csv = model_csv_read (path, model_catalogue_columns,
                                             MODEL_CATALOGUE_ERROR, error);
  return csv != NULL ? build (csv, cities, error) : NULL;
}

int
model_catalogue_index (const ModelCatalogue *catalogue, const char *id)
{
  g_return_val_if_fail (catalogue != NULL, -1);
  if (id == NULL)
    return -1;
  gpointer p = g_hash_table_lookup (catalogue->by_id, id);
  return p != NULL ? (int) GPOINTER_TO_UINT (p) - 1 : -1;
}

guint
model_catalogue_count_live (const ModelCatalogue *catalogue, gint32 day)
{
  g_return_val_if_fail (catalogue != NULL, 0);
  guint n = 0;
  for (guint i = 0; i < catalogue->n_channels; i++)
    n += catalogue->channels[i].golive <= day;
  return n;
}

gboolean
model_catalogue_reaches (const ModelCatalogueChannel *channel, const ModelCity *city)
{
  g_return_val_if_fail (channel != NULL && city != NULL, FALSE);
  switch (channel->reach_kind)
    {
    case MODEL_REACH_NATIONAL:
      return TRUE;
    case MODEL_REACH_PROVINCE:
      return city->province_code == channel->reach;
    case MODEL_REACH_CITY:
      return city->code == channel->reach;
    }
  return FALSE;
}
