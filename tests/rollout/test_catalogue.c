/* SPDX-License-Identifier: MIT */
/*
 * Tests of model/rollout/catalogue: the shipped catalogue follows every published
 * channel count of the milestones file (58 on 2019-01-23, 137 on
 * 2019-06-23, 363 on 2020-06-30, 417 on 2020-11-20) and the notice's 138 by
 * mid-2019, with the published mix of 417 (25 national, 300+ HRSS and other
 * government, 100+ bank and social); tier-2 channels hang under live tier-1
 * parents that reach them; and the loader refuses each kind of bad row with
 * the file, line and column.  Data under $ESSC_SRCDIR (default: .).
 */
#include "tests/lib/run.h"
#include "tests/lib/testutil.h"

#include <string.h>

#include "model/rollout/catalogue.h"
#include "model/rollout/scenario_csv.h"

#define HEADER "id,name,class,tier,parent,reach,golive,generated\n"

static ModelCities *cities;

static char *
data_path (const char *name)
{
  return essc_test_src_path ("scenarios", "data", name, NULL);
}

static gint32
day (const char *text)
{
  gint32 d = 0;
  g_assert_true (model_csv_parse_date (text, &d));
  return d;
}

static ModelCatalogue *
shipped (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = data_path ("channels.csv");
  ModelCatalogue *catalogue = model_catalogue_load (path, cities, &error);
  g_assert_no_error (error);
  return catalogue;
}

static void
test_published_counts (void)
{
  static const char *const columns[] = { "date", "quantity", "value", "note", NULL };
  g_autoptr (ModelCatalogue) catalogue = shipped ();
  g_autoptr (GError) error = NULL;
  g_autofree char *path = data_path ("essc-milestones-2019-2020.csv");
  g_autoptr (ModelCsv) milestones = model_csv_read (path, columns, g_quark_from_static_string
                                                    ("test"), &error);
  guint checked = 0;

  g_assert_no_error (error);
  for (guint i = 0; i < milestones->rows->len; i++)
    {
      const ModelCsvRow *row = milestones->rows->pdata[i];
      guint64 value = 0;
      if (strcmp (row->fields[1], "channels") != 0)
        continue;
      g_assert_true (model_csv_parse_uint (row->fields[2], 100000, &value));
      g_test_message ("%s: published %" G_GUINT64_FORMAT, row->fields[0], value);
      g_assert_cmpuint (model_catalogue_count_live (catalogue, day (row->fields[0])), ==,
                        value);
      checked++;
    }
  g_assert_cmpuint (checked, ==, 4);
  /* The figures the brief names, by their dates. */
  g_assert_cmpuint (model_catalogue_count_live (catalogue, day ("2019-01-23")), ==, 58);
  g_assert_cmpuint (model_catalogue_count_live (catalogue, day ("2019-01-24")), >, 58);
  g_assert_cmpuint (model_catalogue_count_live (catalogue, day ("2019-06-30")), ==, 138);
  g_assert_cmpuint (model_catalogue_count_live (catalogue, day ("2020-06-30")), ==, 363);
  g_assert_cmpuint (model_catalogue_count_live (catalogue, day ("2020-11-20")), ==, 417);
  g_assert_cmpuint (catalogue->n_channels, ==, 417);
}

static void
test_mix (void)
{
  g_autoptr (ModelCatalogue) catalogue = shipped ();
  guint national = 0, gov = 0, bank_social = 0, per_class[MODEL_CHANNEL_N_CLASSES] = { 0 };
  guint tier2 = 0, provinces_seen = 0, real = 0;
  g_autoptr (GHashTable) reach = g_hash_table_new (NULL, NULL);

  for (guint i = 0; i < catalogue->n_channels; i++)
    {
      const ModelCatalogueChannel *ch = &catalogue->channels[i];
      per_class[ch->klass]++;
      national += ch->reach_kind == MODEL_REACH_NATIONAL;
      gov += ch->klass == MODEL_CHANNEL_CLASS_HRSS || ch->klass == MODEL_CHANNEL_CLASS_GOVERNMENT;
      bank_social += ch->klass == MODEL_CHANNEL_CLASS_BANK
                     || ch->klass == MODEL_CHANNEL_CLASS_SOCIAL;
      if (!ch->generated)
        {
          /* Only national channels carry real names. */
          g_assert_cmpint (ch->reach_kind, ==, MODEL_REACH_NATIONAL);
          real++;
        }
      else
        g_assert_true (strstr (ch->name, "enerated") != NULL);
      if (ch->reach_kind == MODEL_REACH_PROVINCE)
        g_hash_table_add (reach, GUINT_TO_POINTER (ch->reach));
      if (ch->tier == 2)
        {
          const ModelCatalogueChannel *parent = &catalogue->channels[ch->parent];
          tier2++;
          g_assert_cmpint (parent->tier, ==, 1);
          g_assert_cmpint (parent->golive, <=, ch->golive);
        }
      else
        g_assert_cmpint (ch->parent, ==, -1);
      g_assert_cmpint (model_catalogue_index (catalogue, ch->id), ==, (int) i);
    }
  provinces_seen = g_hash_table_size (reach);
  g_assert_cmpuint (national, ==, 25);
  g_assert_cmpuint (gov, >=, 300);
  g_assert_cmpuint (bank_social, >=, 100);
  g_assert_cmpuint (real, ==, 12);
  g_assert_cmpuint (tier2, >, 0);
  g_assert_cmpuint (provinces_seen, ==, 31);
  for (int k = 0; k < MODEL_CHANNEL_N_CLASSES; k++)
    g_assert_cmpuint (per_class[k], >, 0);
  g_assert_cmpint (model_catalogue_index (catalogue, "CH999999"), ==, -1);
  g_assert_cmpint (model_catalogue_index (catalogue, NULL), ==, -1);
}

static void
test_reaches (void)
{
  const char *text = HEADER
      "CH000001,N,bank,1,,national,2019-01-01,1\n"
      "CH000002,P,hrss,1,,440000,2019-01-01,1\n"
      "CH000003,C,hrss,2,CH000002,440300,2019-01-02,1\n"
      "CH000004,M,social,2,CH000001,110000,2019-01-01,0\n";
  g_autoptr (GError) error = NULL;
  g_autoptr (ModelCatalogue) c = model_catalogue_parse (text, strlen (text), "t.csv", cities,
                                                        &error);
  const ModelCity *sz = model_cities_lookup (cities, 440300);
  const ModelCity *gz = model_cities_lookup (cities, 440100);
  const ModelCity *bj = model_cities_lookup (cities, 110000);

  g_assert_no_error (error);
  g_assert_cmpint (c->channels[1].reach_kind, ==, MODEL_REACH_PROVINCE);
  g_assert_cmpint (c->channels[2].reach_kind, ==, MODEL_REACH_CITY);
  g_assert_cmpint (c->channels[2].parent, ==, 1);
  g_assert_cmpint (c->channels[3].reach_kind, ==, MODEL_REACH_PROVINCE);
  g_assert_true (model_catalogue_reaches (&c->channels[0], bj));
  g_assert_true (model_catalogue_reaches (&c->channels[1], gz));
  g_assert_false (model_catalogue_reaches (&c->channels[1], bj));
  g_assert_true (model_catalogue_reaches (&c->channels[2], sz));
  g_assert_false (model_catalogue_reaches (&c->channels[2], gz));
  g_assert_true (model_catalogue_reaches (&c->channels[3], bj));
  g_assert_cmpuint (model_catalogue_count_live (c, day ("2019-01-01")), ==, 3);
  g_assert_cmpuint (model_catalogue_count_live (c, day ("2018-12-31")), ==, 0);
  g_assert_false (c->channels[3].generated);
}

typedef struct {
  const char *name, *rows, *message;
} BadCase;

static const BadCase bad_cases[] = {
  { "id", "CH00001,N,bank,1,,national,2019-01-01,1\n",
    "t.csv:2: column id: \"CH00001\" is not a channel id, expected CH + six digits" },
  { "duplicate-id", "CH000001,A,bank,1,,national,2019-01-01,1\n"
    "CH000001,B,bank,1,,national,2019-01-01,1\n",
    "t.csv:3: column id: CH000001 appears twice (also line 2), expected once" },
  { "duplicate-name", "CH000001,A,bank,1,,national,2019-01-01,1\n"
    "CH000002,A,bank,1,,national,2019-01-01,1\n",
    "t.csv:3: column name: \"A\" is also the name of line 2, expected a name of its own" },
  { "class", "CH000001,N,shop,1,,national,2019-01-01,1\n",
    "t.csv:2: column class: \"shop\" is not a channel class, expected hrss, government, "
    "partner, bank, medical or social" },
  { "tier", "CH000001,N,bank,3,,national,2019-01-01,1\n",
    "t.csv:2: column tier: \"3\" is not a tier, expected 1 or 2" },
  { "tier1-parent", "CH000001,N,bank,1,,national,2019-01-01,1\n"
    "CH000002,M,bank,1,CH000001,national,2019-01-01,1\n",
    "t.csv:3: column parent: a tier-1 channel names parent CH000001, expected none (empty)" },
  { "tier2-no-parent", "CH000001,N,bank,2,,national,2019-01-01,1\n",
    "t.csv:2: column parent: \"\" is not a parent, expected the id of a tier-1 channel "
    "(CH + six digits) for a tier-2 channel" },
  { "parent-unknown", "CH000001,N,bank,2,CH000009,national,2019-01-01,1\n",
    "t.csv:2: column parent: CH000009 is not in the catalogue, expected the id of a tier-1 "
    "channel" },
  { "parent-tier2", "CH000001,A,bank,1,,national,2019-01-01,1\n"
    "CH000002,B,bank,2,CH000001,national,2019-01-01,1\n"
    "CH000003,C,bank,2,CH000002,national,2019-01-01,1\n",
    "t.csv:4: column parent: CH000002 is a tier-2 channel, expected a tier-1 parent" },
  { "parent-reach", "CH000001,A,hrss,1,,450000,2019-01-01,1\n"
    "CH000002,B,hrss,2,CH000001,440300,2019-01-01,1\n",
    "t.csv:3: column parent: CH000001 does not reach 440300, expected a parent whose reach "
    "includes the child's" },
  { "parent-later", "CH000001,A,hrss,1,,440000,2019-02-01,1\n"
    "CH000002,B,hrss,2,CH000001,440300,2019-01-01,1\n",
    "t.csv:3: column parent: CH000001 goes live on 2019-02-01, after the child, expected a "
    "parent live no later than 2019-01-01" },
  { "reach-unknown", "CH000001,N,bank,1,,440399,2019-01-01,1\n",
    "t.csv:2: column reach: 440399 is not in the cities file, expected a province or city "
    "code" },
  { "reach-form", "CH000001,N,bank,1,,China,2019-01-01,1\n",
    "t.csv:2: column reach: \"China\" is not a reach, expected \"national\" or a six-digit "
    "code" },
  { "date", "CH000001,N,bank,1,,national,2019-02-29,1\n",
    "t.csv:2: column golive: \"2019-02-29\" is not a date, expected YYYY-MM-DD" },
  { "generated", "CH000001,N,bank,1,,national,2019-01-01,yes\n",
    "t.csv:2: column generated: \"yes\" is not a flag, expected 0 or 1" },
  { "columns", "CH000001,N,bank,1,,national,2019-01-01\n",
    "t.csv:2: 7 columns, expected 8 (id,name,class,tier,parent,reach,golive,generated)" },
  { "name", "CH000001,,bank,1,,national,2019-01-01,1\n",
    "t.csv:2: column name: not a channel name, expected 1..64 bytes of UTF-8 without control "
    "characters" },
};

static void
test_bad (gconstpointer data)
{
  const BadCase *c = data;
  g_autofree char *text = g_strconcat (HEADER, c->rows, NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (ModelCatalogue) catalogue = model_catalogue_parse (text, strlen (text), "t.csv",
                                                                cities, &error);
  g_assert_null (catalogue);
  g_assert_error (error, MODEL_CATALOGUE_ERROR, MODEL_ROLLOUT_INVALID);
  g_assert_cmpstr (error->message, ==, c->message);
}

static void
test_missing_file (void)
{
  g_autoptr (GError) error = NULL;
  g_assert_null (model_catalogue_load ("/nonexistent/channels.csv", cities, &error));
  g_assert_error (error, MODEL_CATALOGUE_ERROR, MODEL_ROLLOUT_NOT_FOUND);
}

int
main (int argc, char **argv)
{
  essc_test_init (&argc, &argv);
  g_autofree char *path = data_path ("cities-2020.csv");
  g_autoptr (GError) error = NULL;
  cities = model_cities_load (path, &error);
  g_assert_no_error (error);

  g_test_add_func ("/catalogue/published-counts", test_published_counts);
  g_test_add_func ("/catalogue/mix", test_mix);
  g_test_add_func ("/catalogue/reaches", test_reaches);
  g_test_add_func ("/catalogue/missing-file", test_missing_file);
  for (gsize i = 0; i < G_N_ELEMENTS (bad_cases); i++)
    {
      g_autofree char *name = g_strdup_printf ("/catalogue/bad/%s", bad_cases[i].name);
      g_test_add_data_func (name, &bad_cases[i], test_bad);
    }
  int status = g_test_run ();
  model_cities_free (cities);
  return status;
}
