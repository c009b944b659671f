/* SPDX-License-Identifier: MIT */
/*
 * Tests of model/rollout/scenario and `essc scenario check`: every shipped scenario
 * checks clean and loads with the values it states; defaults apply to keys
 * left out; the queries (cardholders on a day, policy multiplier, milestone
 * by province, implementation by channel) answer as documented; and every
 * kind of malformed input gives the precise message with the right line --
 * all of them in one check, sorted by line.  The CLI's exit statuses are
 * checked through $ESSC_BIN (skipped when it is not set).  Scenario files
 * for the tests are written to a temporary folder and name the shipped data
 * files under $ESSC_SRCDIR (default: .) by absolute path.
 */
#include "tests/lib/run.h"
#include "tests/lib/testutil.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <sodium.h>
#include <string.h>
#include <sys/stat.h>

#include "model/rollout/scenario.h"

static char *srcdir;   /* absolute */
static char *tmpdir;

static char *
shipped_path (const char *name)
{
  return g_build_filename (srcdir, "scenarios", name, NULL);
}

/* Writes text to tmpdir/name, with @DATA@ replaced by the shipped data folder. */
static char *
write_scenario (const char *name, const char *text)
{
  g_autofree char *data = g_build_filename (srcdir, "scenarios", "data", NULL);
  g_auto (GStrv) parts = g_strsplit (text, "@DATA@", -1);
  g_autofree char *body = g_strjoinv (data, parts);
  char *path = g_build_filename (tmpdir, name, NULL);
  g_autoptr (GError) error = NULL;
  g_assert_true (g_file_set_contents (path, body, -1, &error));
  return path;
}

#define DATA_KEYS_POP "cities = @DATA@/cities-2020.csv\n"
#define DATA_KEYS_CH "catalogue = @DATA@/channels.csv\n"
#define MINIMAL "[scenario]\nname = t\n[population]\n" DATA_KEYS_POP "[channels]\n" DATA_KEYS_CH

static gint32
day (const char *text)
{
  gint32 d = 0;
  g_assert_true (model_csv_parse_date (text, &d));
  return d;
}

static GPtrArray *
check_text (const char *text, char **path_out)
{
  g_autofree char *path = write_scenario ("t.ini", text);
  GPtrArray *problems = g_ptr_array_new_with_free_func (g_free);
  gboolean ok = model_scenario_check (path, problems);
  g_assert_true (ok == (problems->len == 0));
  for (guint i = 0; i < problems->len; i++)
    g_test_message ("%s", (const char *) problems->pdata[i]);
  if (path_out != NULL)
    *path_out = g_steal_pointer (&path);
  return problems;
}

static void
test_shipped (void)
{
  const char *names[] = { "national-2019.ini", "slow-rollout.ini", "early-unified.ini",
                          "late-settlement.ini",
                          "calibration-2019-2020.ini" };
  for (gsize i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *path = shipped_path (names[i]);
      g_autoptr (GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);
      gboolean ok = model_scenario_check (path, problems);
      for (guint k = 0; k < problems->len; k++)
        g_test_message ("%s", (const char *) problems->pdata[k]);
      g_assert_cmpuint (problems->len, ==, 0);
      g_assert_true (ok);

      g_autoptr (GError) error = NULL;
      g_autoptr (ModelScenario) s = model_scenario_load (path, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (s->cities->n_cities, ==, 367);
      g_assert_cmpuint (s->catalogue->n_channels, ==, 417);
      g_autofree char *stem = g_strndup (names[i], strlen (names[i]) - 4);
      g_assert_cmpstr (s->name, ==, stem);
      g_assert_cmpuint (s->cardholders, ==, 1250000000);
    }
}

static void
test_national (void)
{
  g_autofree char *path = shipped_path ("national-2019.ini");
  g_autoptr (GError) error = NULL;
  g_autoptr (ModelScenario) s = model_scenario_load (path, &error);
  g_autofree char *text = NULL;
  gsize len = 0;
  guint8 digest[32];
  char hex[65];

  g_assert_no_error (error);
  g_assert_cmpint (s->start, ==, day ("2019-01-01"));
  g_assert_cmpint (s->end, ==, day ("2021-12-31"));
  g_assert_cmpuint (s->n_growth, ==, 2);
  g_assert_cmpint (s->growth[0].day, ==, day ("2019-10-31"));
  g_assert_cmpuint (s->growth[0].total, ==, 1301000000);
  g_assert_cmpuint (s->growth[1].total, ==, 1315000000);
  g_assert_true (s->urban_split);
  g_assert_cmpfloat (s->share_2019, ==, 0.10);
  g_assert_cmpfloat (s->share_2020, ==, 0.25);
  g_assert_cmpint (s->target_2020, ==, day ("2020-12-31"));
  g_assert_cmpint (s->milestone[MODEL_MILESTONE_MOBILE_PAYMENT].last, ==, day ("2019-12-31"));

  /* Raw text and its BLAKE2b-256 for the run database. */
  g_assert_true (g_file_get_contents (path, &text, &len, NULL));
  g_assert_cmpuint (s->text_len, ==, len);
  g_assert_true (memcmp (s->text, text, len) == 0);
  crypto_generichash (digest, sizeof digest, (const guint8 *) text, len, NULL, 0);
  sodium_bin2hex (hex, sizeof hex, digest, sizeof digest);
  g_assert_cmpstr (s->hash, ==, hex);
  g_assert_cmpstr (model_scenario_hash (s), ==, hex);

  /* Cardholders: linear from start to the first anchor, between anchors, then
   * the last stretch's slope up to cardholders_max x people. */
  g_assert_cmpfloat (model_scenario_cardholders_on (s, s->start), ==, 1250000000.0);
  g_assert_cmpfloat (model_scenario_cardholders_on (s, s->start - 10), ==, 1250000000.0);
  g_assert_cmpfloat (model_scenario_cardholders_on (s, day ("2019-10-31")), ==, 1301000000.0);
  gint32 a = day ("2019-10-31"), b = day ("2020-06-30");
  double mid = model_scenario_cardholders_on (s, a + (b - a) / 2);
  double expect = 1301000000.0 + 14000000.0 * (double) ((b - a) / 2) / (double) (b - a);
  g_assert_cmpfloat_with_epsilon (mid, expect, 1e-3);
  gint32 c = day ("2021-06-30");
  g_assert_cmpfloat_with_epsilon (model_scenario_cardholders_on (s, c),
                                  1315000000.0 + 14000000.0 * (double) (c - b) / (double) (b - a),
                                  1e-3);
  g_assert_cmpfloat (model_scenario_cardholders_on (s, day ("2090-01-01")), ==,
                     s->cardholders_max * (double) s->people);
  ModelScenario flat = *s;
  flat.cardholders_extend = FALSE;
  g_assert_cmpfloat (model_scenario_cardholders_on (&flat, c), ==, 1315000000.0);
  double half = model_scenario_cardholders_on (s, s->start + (a - s->start) / 2);
  g_assert_cmpfloat (half, >, 1250000000.0);
  g_assert_cmpfloat (half, <, 1301000000.0);

  g_assert_cmpfloat (model_scenario_push_on (s, day ("2019-10-31")), ==, 1.0);
  g_assert_cmpfloat (model_scenario_push_on (s, day ("2019-11-01")), ==, 1.5);
  g_assert_cmpfloat (model_scenario_push_on (s, day ("2019-12-31")), ==, 1.5);
  g_assert_cmpfloat (model_scenario_push_on (s, day ("2020-01-01")), ==, 1.0);
  g_assert_cmpfloat (model_scenario_push_on (s, day ("2020-12-01")), ==, 1.3);
}

static void
test_overrides (void)
{
  g_autofree char *path = shipped_path ("slow-rollout.ini");
  g_autoptr (GError) error = NULL;
  g_autoptr (ModelScenario) s = model_scenario_load (path, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (s->n_overrides[MODEL_MILESTONE_ISSUANCE], ==, 4);
  const ModelDateRange *xj = model_scenario_milestone (s, MODEL_MILESTONE_ISSUANCE, 650000);
  const ModelDateRange *gd = model_scenario_milestone (s, MODEL_MILESTONE_ISSUANCE, 440000);
  g_assert_cmpint (xj->first, ==, day ("2019-03-01"));
  g_assert_cmpint (xj->last, ==, day ("2019-12-31"));
  g_assert_true (gd == &s->milestone[MODEL_MILESTONE_ISSUANCE]);
  g_assert_cmpint (gd->first, ==, day ("2018-06-01"));
  g_assert_cmpstr (model_milestone_name (MODEL_MILESTONE_UNIFIED_SETTLEMENT), ==,
                   "unified_settlement");
}

static void
test_defaults (void)
{
  g_autofree char *path = write_scenario ("d.ini", MINIMAL);
  g_autoptr (GError) error = NULL;
  g_autoptr (ModelScenario) s = model_scenario_load (path, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (s->name, ==, "t");
  g_assert_cmpstr (s->description, ==, "");
  g_assert_cmpint (s->start, ==, day ("2019-01-01"));
  g_assert_cmpint (s->end, ==, day ("2021-12-31"));
  g_assert_cmpuint (s->seed, ==, 1);
  g_assert_cmpuint (s->replications, ==, 1);
  g_assert_cmpuint (s->cardholders, ==, 1250000000);
  g_assert_cmpuint (s->n_growth, ==, 0);
  g_assert_cmpuint (s->n_pushes, ==, 0);
  g_assert_true (s->urban_split);
  g_assert_cmpfloat (s->share_2019, ==, 0.10);
  g_assert_cmpint (s->target_2019, ==, day ("2019-12-31"));
  g_assert_cmpint (s->mobile_payment_by, ==, day ("2019-12-31"));
  g_assert_cmpint (s->unified_settlement_by, ==, day ("2020-12-31"));
  g_assert_cmpfloat (s->replacement_days, ==, 14);
  g_assert_cmpfloat (model_scenario_cardholders_on (s, day ("2021-01-01")), ==, 1250000000.0);
  g_assert_cmpfloat (model_scenario_push_on (s, day ("2019-12-01")), ==, 1.0);
  g_assert_cmpuint (s->n_impls, ==, 0);
  g_assert_null (model_scenario_impl_for (s, 0));
}

static void
test_impls (void)
{
  g_autofree char *profile = write_scenario ("bank.profile",
                                             "[profile]\nrole = channel\nclass = bank\n");
  g_autofree char *path = write_scenario (
      "i.ini", MINIMAL "impl.bank = ./essc impl --role channel\n"
                       "profile.bank = bank.profile\n"
                       "impl.CH000003 = \"/usr/bin/my iut\" --fast\n"
                       "rectification_days = 45\n");
  g_autoptr (GError) error = NULL;
  g_autoptr (ModelScenario) s = model_scenario_load (path, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (s->n_impls, ==, 2);
  g_assert_cmpfloat (s->rectification_days, ==, 45);
  int icbc = model_catalogue_index (s->catalogue, "CH000003");
  int ccb = model_catalogue_index (s->catalogue, "CH000004");
  int hrss = model_catalogue_index (s->catalogue, "CH000001");
  g_assert_cmpstr (s->catalogue->channels[icbc].name, ==, "中国工商银行");
  const ModelScenarioImpl *own = model_scenario_impl_for (s, icbc);
  const ModelScenarioImpl *by_class = model_scenario_impl_for (s, ccb);
  g_assert_cmpstr (own->target, ==, "CH000003");
  g_assert_cmpint (own->channel, ==, icbc);
  g_assert_cmpint (own->klass, ==, MODEL_CHANNEL_CLASS_BANK);
  g_assert_cmpstr (own->command, ==, "\"/usr/bin/my iut\" --fast");
  g_assert_null (own->profile);
  g_assert_cmpstr (by_class->target, ==, "bank");
  g_assert_cmpint (by_class->channel, ==, -1);
  g_assert_cmpstr (by_class->command, ==, "./essc impl --role channel");
  g_assert_cmpstr (by_class->profile, ==, profile);
  g_assert_null (model_scenario_impl_for (s, hrss));
}

typedef struct {
  const char *name;
  const char *text;
  const char *problems[4];  /* each "LINE: rest" after "PATH:", in order; NULL-ended */
} BadCase;

static const BadCase bad_cases[] = {
  /* runs of blanks between a prior's words (the words were moved inside
   * their own split: some freed twice, found by the scenario fuzz harness) */
  { "prior-blanks", MINIMAL "[calibration]\nfree.adoption.innovation = 0.001..0.01  log\n"
    "free.adoption.imitation = 0.01..0.1   a  b  c\n",
    { "9: [calibration] free.adoption.imitation: \"0.01..0.1   a  b  c\" is not a prior, "
      "expected LO..HI or LO..HI log" } },
  { "missing-name", "[scenario]\ndescription = x\n[population]\n" DATA_KEYS_POP
    "[channels]\n" DATA_KEYS_CH,
    { "1: [scenario] name: missing, expected a name for the scenario (required)" } },
  { "missing-group", "[population]\n" DATA_KEYS_POP "[channels]\n" DATA_KEYS_CH,
    { "1: [scenario] name: missing, expected a name for the scenario (required)" } },
  { "wrong-type", MINIMAL "[targets]\nshare_2019 = ten percent\n",
    { "8: [targets] share_2019: \"ten percent\" is not a number, expected a probability in "
      "[0, 1]" } },
  { "replications-type", "[scenario]\nname = t\nreplications = many\n[population]\n"
    DATA_KEYS_POP "[channels]\n" DATA_KEYS_CH,
    { "3: [scenario] replications: \"many\" is not a count, expected a whole number "
      "1..1000000" } },
  { "bool-type", "[scenario]\nname = t\n[population]\n" DATA_KEYS_POP "urban_split = 1\n"
    "[channels]\n" DATA_KEYS_CH,
    { "5: [population] urban_split: \"1\" is not a boolean, expected true or false" } },
  { "duplicate-group", MINIMAL "[population]\n",
    { "7: [population]: group given twice (first on line 3), expected each group once" } },
  { "dates-out-of-order", MINIMAL "[targets]\ntarget_2019 = 2020-12-31\n"
    "target_2020 = 2019-12-31\n",
    { "9: [targets] target_2020: not after target_2019, expected the second target date "
      "after the first" } },
  { "end-before-start", "[scenario]\nname = t\nstart = 2020-01-01\nend = 2019-12-31\n"
    "[population]\n" DATA_KEYS_POP "[channels]\n" DATA_KEYS_CH,
    { "4: [scenario] end: 2019-12-31 is not after start 2020-01-01, expected end > start" } },
  { "negative-rate", MINIMAL "[adoption]\nimitation = -0.001\n",
    { "8: [adoption] imitation: -0.001 is negative, expected a number >= 0 (per day)" } },
  { "probability", MINIMAL "certification_pass = 1.01\n",
    { "7: [channels] certification_pass: 1.01 is outside [0, 1], expected a probability in "
      "[0, 1]" } },
  { "not-a-number", MINIMAL "[cards]\nloss_rate = 1e-5x\n",
    { "8: [cards] loss_rate: \"1e-5x\" is not a number, expected a probability in [0, 1]" } },
  /* Values the model uses as daily probabilities, mean durations or
   * hazards are bounded to what it can mean (scenarios/README.md). */
  { "loss-rate-over-one", MINIMAL "[cards]\nloss_rate = 1.5\n",
    { "8: [cards] loss_rate: 1.5 is outside [0, 1], expected a probability per day in [0, 1]" } },
  { "upgrade-over-one", MINIMAL "[adoption]\nlevel2_upgrade = 2\n",
    { "8: [adoption] level2_upgrade: 2 is outside [0, 1], expected a probability per day in "
      "[0, 1]" } },
  { "replacement-under-a-day", MINIMAL "[cards]\nreplacement_days = 0.5\n",
    { "8: [cards] replacement_days: \"0.5\" is not a number of days in [1, 36500] (mean days): "
      "the model takes 1 / days as the daily probability, so a mean under one day cannot be "
      "meant" } },
  { "rectification-huge", MINIMAL "rectification_days = 1e20\n",
    { "7: [channels] rectification_days: \"1e20\" is not a number of days in [0, 36500] "
      "(days)" } },
  { "rate-huge", MINIMAL "[adoption]\nimitation = 1e7\n",
    { "8: [adoption] imitation: 1e7 is above 1e+06, expected a number from 0 to 1e+06 (per "
      "day)" } },
  { "push-huge", MINIMAL "[adoption]\npolicy_push = 2019-11-01..2019-12-31:1e9\n",
    { "8: [adoption] policy_push: item 1: \"1e9\" is not a multiplier, expected a number "
      "from 0 to 1e+06" } },
  { "unknown-key", MINIMAL "[adoption]\n\n# a typo\ninovation = 0.1\n",
    { "10: [adoption] inovation: unknown key, expected one of innovation, "
      "innovation_per_channel, imitation, youth_factor, elderly_factor, rural_factor, "
      "policy_push, level2_share, level2_upgrade, access, access_growth, access_max, "
      "proxy_0_17, proxy_60_plus" } },
  { "unknown-group", MINIMAL "[adoptoin]\ninnovation = 0.1\n",
    { "7: [adoptoin]: unknown group, expected scenario, population, adoption, cards, "
      "milestones, channels, targets, latency or calibration" } },
  { "bad-range", MINIMAL "[milestones]\nmobile_payment = 2019-12-31..2019-03-01\n",
    { "8: [milestones] mobile_payment: range 2019-12-31..2019-03-01 ends before it starts, "
      "expected start <= end" } },
  { "bad-range-form", MINIMAL "[milestones]\nunified_settlement = 2019-07-01...2020-12-31\n",
    { "8: [milestones] unified_settlement: \"2019-07-01...2020-12-31\" is not a date range, "
      "expected YYYY-MM-DD..YYYY-MM-DD" } },
  { "bad-list", MINIMAL "[adoption]\npolicy_push = 2019-11-01:1.5\n",
    { "8: [adoption] policy_push: item 1: \"2019-11-01\" is not a window, expected "
      "YYYY-MM-DD..YYYY-MM-DD" } },
  { "growth-order", "[scenario]\nname = t\n[population]\n" DATA_KEYS_POP
    "cardholders_growth = 2020-06-30:1315000000, 2019-10-31:1301000000\n"
    "[channels]\n" DATA_KEYS_CH,
    { "5: [population] cardholders_growth: item 2: 2019-10-31 is not after the item before "
      "it, expected dates in increasing order" } },
  { "growth-form", "[scenario]\nname = t\n[population]\n" DATA_KEYS_POP
    "cardholders_growth = 2019-10-31=1301000000\n[channels]\n" DATA_KEYS_CH,
    { "5: [population] cardholders_growth: item 1 \"2019-10-31=1301000000\" is not "
      "DATE:TOTAL, expected YYYY-MM-DD:people, ..." } },
  { "growth-before-start", "[scenario]\nname = t\n[population]\n" DATA_KEYS_POP
    "cardholders_growth = 2018-10-31:1301000000\n[channels]\n" DATA_KEYS_CH,
    { "5: [population] cardholders_growth: anchor 2018-10-31 is not after start, expected "
      "dates after start (cardholders gives the total at start)" } },
  { "push-overlap", MINIMAL "[adoption]\npolicy_push = 2019-11-01..2019-12-31:1.5, "
    "2019-12-01..2020-01-31:2\n",
    { "8: [adoption] policy_push: item 2: window 2019-12-01..2020-01-31 starts before the "
      "window before it ends, expected windows in date order, not overlapping" } },
  { "push-outside", MINIMAL "[adoption]\npolicy_push = 2018-11-01..2018-12-31:1.5\n",
    { "8: [adoption] policy_push: item 1: window 2018-11-01..2018-12-31 is not inside the "
      "run, expected windows between start and end" } },
  { "province-override", MINIMAL "[milestones]\nissuance_golive.660000 = 2019-01-01\n",
    { "8: [milestones] issuance_golive.660000: province 660000 is not in the cities file, "
      "expected one of its 31 province codes" } },
  { "province-code-form", MINIMAL "[milestones]\nissuance_golive.440300 = 2019-01-01\n",
    { "8: [milestones] issuance_golive.440300: \"440300\" is not a province code, expected "
      "issuance_golive.xx0000" } },
  { "impl-channel", MINIMAL "impl.CH999999 = ./iut\n",
    { "7: [channels] impl.CH999999: channel CH999999 is not in the catalogue @DATA@/"
      "channels.csv, expected a channel id of it or a class name" } },
  { "impl-target", MINIMAL "impl.banks = ./iut\n",
    { "7: [channels] impl.banks: \"banks\" is neither a channel class nor a channel id, "
      "expected hrss, government, partner, bank, medical, social or CH + six digits" } },
  { "profile-alone", MINIMAL "profile.bank = " "@DATA@/channels.csv\n",
    { "7: [channels] profile.bank: a profile without an implementation, expected impl.bank "
      "as well" } },
  { "target-outside", MINIMAL "[targets]\nmobile_payment_by = 2022-01-01\n",
    { "8: [targets] mobile_payment_by: 2022-01-01 is outside the run, expected a date in "
      "2019-01-01..2021-12-31" } },
  { "duplicate-key", MINIMAL "catalogue = x.csv\n",
    { "7: [channels] catalogue: given twice (first on line 6), expected each key once" } },
  { "key-before-group", "seed = 1\n" MINIMAL,
    { "1: seed: key before any group, expected a \"[group]\" line first" } },
  { "not-a-line", MINIMAL "just words\n",
    { "7: not a key file line, expected \"[group]\", \"key = value\" or a '#' comment" } },
  { "bad-escape", "[scenario]\nname = a\\qb\n[population]\n" DATA_KEYS_POP "[channels]\n"
    DATA_KEYS_CH,
    { "2: [scenario] name: invalid escape \"\\q\" in the value, expected \\s, \\n, \\t, \\r "
      "or \\\\", "1: [scenario] name: missing, expected a name for the scenario (required)" } },
  { "bad-utf8", MINIMAL "[scenario]\xff\n",
    { "7: invalid UTF-8 or a NUL byte, expected UTF-8 text" } },
  { "empty-value", MINIMAL "[cards]\nloss_rate =\n",
    { "8: [cards] loss_rate: empty value, expected a value or the key left out for its "
      "default" } },
  { "bad-data-file", "[scenario]\nname = t\n[population]\ncities = @DATA@/channels.csv\n",
    { "4: [population] cities: cannot load the cities file: @DATA@/channels.csv:1: header "
      "does not match, expected \"code,name,province,province_code,level,population,"
      "urban_share,age_0_14,age_15_59,age_60_plus,lon,lat,imputed\"" } },
};

static void
test_bad (gconstpointer data)
{
  const BadCase *c = data;
  g_autofree char *path = NULL;
  g_autoptr (GPtrArray) problems = check_text (c->text, &path);
  g_autofree char *data_dir = g_build_filename (srcdir, "scenarios", "data", NULL);
  guint n = 0;

  while (n < G_N_ELEMENTS (c->problems) && c->problems[n] != NULL)
    n++;
  /* "bad-escape" lists the missing name after the escape: sort order is by line. */
  g_autoptr (GPtrArray) want = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < n; i++)
    {
      g_auto (GStrv) parts = g_strsplit (c->problems[i], "@DATA@", -1);
      g_autofree char *rest = g_strjoinv (data_dir, parts);
      g_ptr_array_add (want, g_strdup_printf ("%s:%s", path, rest));
    }
  if (n == 2 && g_ascii_strtoull (c->problems[1], NULL, 10)
                    < g_ascii_strtoull (c->problems[0], NULL, 10))
    {
      gpointer t = want->pdata[0];
      want->pdata[0] = want->pdata[1];
      want->pdata[1] = t;
    }
  g_assert_cmpuint (problems->len, ==, n);
  for (guint i = 0; i < n; i++)
    g_assert_cmpstr (problems->pdata[i], ==, want->pdata[i]);

  /* load gives the first problem as its error. */
  g_autoptr (GError) error = NULL;
  g_autoptr (ModelScenario) s = model_scenario_load (path, &error);
  g_assert_null (s);
  g_assert_error (error, MODEL_SCENARIO_ERROR, MODEL_ROLLOUT_INVALID);
  g_assert_cmpstr (error->message, ==, want->pdata[0]);
}

/* Many problems in one file: each reported, in line order. */
static void
test_all_reported (void)
{
  g_autofree char *path = NULL;
  g_autoptr (GPtrArray) problems = check_text (
      "[scenario]\n"                            /* 1 */
      "start = 2019-13-01\n"                    /* 2 bad date; name missing (line 1) */
      "colour = red\n"                          /* 3 unknown key */
      "[population]\n" DATA_KEYS_POP            /* 4, 5 */
      "urban_split = yes\n"                     /* 6 not a boolean */
      "[adoption]\n"                            /* 7 */
      "level2_share = 2\n"                      /* 8 probability */
      "elderly_factor = -1\n"                   /* 9 negative */
      "[channels]\n" DATA_KEYS_CH               /* 10, 11 */
      "impl.CH000000 = x\n"                     /* 12 unknown channel */
      "[extra]\n",                              /* 13 unknown group */
      &path);
  const guint lines[] = { 1, 2, 3, 6, 8, 9, 12, 13 };

  g_assert_cmpuint (problems->len, ==, G_N_ELEMENTS (lines));
  for (gsize i = 0; i < G_N_ELEMENTS (lines); i++)
    {
      g_autofree char *prefix = g_strdup_printf ("%s:%u: ", path, lines[i]);
      g_assert_true (g_str_has_prefix (problems->pdata[i], prefix));
    }
}

static void
test_unreadable (void)
{
  g_autoptr (GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GError) error = NULL;
  g_autofree char *path = g_build_filename (tmpdir, "absent.ini", NULL);

  g_assert_false (model_scenario_check (path, problems));
  g_assert_cmpuint (problems->len, ==, 1);
  g_assert_true (g_str_has_prefix (problems->pdata[0], path));
  g_assert_null (model_scenario_load (path, &error));
  g_assert_error (error, MODEL_SCENARIO_ERROR, MODEL_ROLLOUT_NOT_FOUND);
}

/*
 * A text in memory is read as the same bytes in a file would be, all len of
 * them: a NUL inside (a problem of its line) does not hide the text after
 * it (which once made load_text miss the name given after the NUL and
 * report it missing, and hash other bytes than the file's).
 */
static void
test_text_with_nul (void)
{
  static const char text[] = "[scenario]\nx\0y\nname = t\n[population]\n" DATA_KEYS_POP;
  g_autofree char *path = write_scenario ("nul.ini", "");
  g_assert_true (g_file_set_contents (path, text, sizeof text - 1, NULL));
  g_autoptr (GError) from_file = NULL;
  g_autoptr (GError) from_text = NULL;
  g_assert_null (model_scenario_load (path, &from_file));
  g_assert_null (model_scenario_load_text (text, sizeof text - 1, path, &from_text));
  g_assert_cmpstr (from_text->message, ==, from_file->message);
  g_assert_nonnull (strstr (from_text->message, "nul.ini:2: invalid UTF-8 or a NUL byte"));
}

/* A scenario file, or a data file it names, that is not a regular file (a
 * FIFO would block for ever, /dev/zero would fill memory) is refused at once. */
static void
test_not_regular (void)
{
  g_autofree char *zero = write_scenario ("zero.ini", "[scenario]\nname = t\n[population]\n"
                                          "cities = /dev/zero\n[channels]\n" DATA_KEYS_CH);
  g_autoptr (GError) error = NULL;
  g_assert_null (model_scenario_load (zero, &error));
  g_assert_nonnull (strstr (error->message, "cities: cannot load the cities file: /dev/zero: "
                                            "cannot read: /dev/zero: not a regular file"));
  g_clear_error (&error);
  g_autofree char *fifo = g_build_filename (tmpdir, "fifo.ini", NULL);
  g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);
  g_assert_null (model_scenario_load (fifo, &error));
  g_assert_nonnull (strstr (error->message, "fifo.ini: not a regular file"));
  g_unlink (fifo);
}

/* Relative data paths resolve against the scenario's own folder. */
static void
test_relative_paths (void)
{
  g_autofree char *sub = g_build_filename (tmpdir, "rel", NULL);
  g_autofree char *data = g_build_filename (sub, "d", NULL);
  g_autofree char *cities_src = g_build_filename (srcdir, "scenarios/data/cities-2020.csv",
                                                  NULL);
  g_autofree char *channels_src = g_build_filename (srcdir, "scenarios/data/channels.csv",
                                                    NULL);
  g_autofree char *access_src = g_build_filename (srcdir, "scenarios/data/access-2018-2020.csv",
                                                  NULL);
  g_autofree char *cities_dst = g_build_filename (data, "c.csv", NULL);
  g_autofree char *channels_dst = g_build_filename (data, "ch.csv", NULL);
  g_autofree char *access_dst = g_build_filename (data, "a.csv", NULL);
  g_autofree char *text = NULL;
  gsize len;

  g_assert_cmpint (g_mkdir_with_parents (data, 0700), ==, 0);
  g_assert_true (g_file_get_contents (cities_src, &text, &len, NULL));
  g_assert_true (g_file_set_contents (cities_dst, text, (gssize) len, NULL));
  g_clear_pointer (&text, g_free);
  g_assert_true (g_file_get_contents (channels_src, &text, &len, NULL));
  g_assert_true (g_file_set_contents (channels_dst, text, (gssize) len, NULL));
  g_clear_pointer (&text, g_free);
  g_assert_true (g_file_get_contents (access_src, &text, &len, NULL));
  g_assert_true (g_file_set_contents (access_dst, text, (gssize) len, NULL));
  g_autofree char *path = g_build_filename (sub, "r.ini", NULL);
  g_assert_true (g_file_set_contents (path, "[scenario]\nname = r\n[population]\n"
                                      "cities = d/c.csv\n[adoption]\naccess = d/a.csv\n"
                                      "[channels]\ncatalogue = d/ch.csv\n", -1, NULL));
  g_autoptr (GError) error = NULL;
  g_autoptr (ModelScenario) s = model_scenario_load (path, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (s->cities_path, ==, cities_dst);
  g_assert_cmpstr (s->catalogue_path, ==, channels_dst);
  g_assert_cmpstr (s->access_path, ==, access_dst);
  g_assert_cmpstr (s->dir, ==, sub);
}

/*
 * Hostile input: random byte edits of a valid scenario never crash the
 * checker, and check and load agree.  Uses GTest's seed (--seed to repeat).
 */
static void
test_mutations (void)
{
  g_autofree char *path = shipped_path ("national-2019.ini");
  g_autofree char *text = NULL;
  gsize len = 0;
  g_autofree char *data = g_build_filename (srcdir, "scenarios", "data", NULL);
  g_autofree char *target = g_build_filename (tmpdir, "m.ini", NULL);
  guint invalid = 0;

  g_assert_true (g_file_get_contents (path, &text, &len, NULL));
  g_auto (GStrv) parts = g_strsplit (text, "= data/", -1);
  g_autofree char *prefix = g_strdup_printf ("= %s/", data);
  g_autofree char *base = g_strjoinv (prefix, parts);
  for (int round = 0; round < 300; round++)
    {
      GString *m = g_string_new (base);
      int edits = g_test_rand_int_range (1, 4);
      for (int k = 0; k < edits; k++)
        {
          gsize at = (gsize) g_test_rand_int_range (0, (gint32) m->len);
          switch (g_test_rand_int_range (0, 4))
            {
            case 0: m->str[at] = (char) g_test_rand_int_range (1, 256); break;
            case 1: g_string_erase (m, (gssize) at, 1); break;
            case 2:
              g_string_insert_c (m, (gssize) at, "=[]:.,-\\\n#0"[g_test_rand_int_range (0, 11)]);
              break;
            default: g_string_insert_c (m, (gssize) at, '\0'); break;
            }
        }
      g_assert_true (g_file_set_contents (target, m->str, (gssize) m->len, NULL));
      g_string_free (m, TRUE);
      g_autoptr (GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);
      gboolean ok = model_scenario_check (target, problems);
      g_autoptr (GError) error = NULL;
      g_autoptr (ModelScenario) s = model_scenario_load (target, &error);
      g_assert_true (ok == (s != NULL));
      g_assert_true (ok == (problems->len == 0));
      for (guint i = 0; i < problems->len; i++)
        g_assert_true (g_str_has_prefix (problems->pdata[i], target));
      invalid += !ok;
    }
  /* Most random edits break something; the checker must have noticed some. */
  g_assert_cmpuint (invalid, >, 50);
}

static void
test_cli (void)
{
  if (g_getenv ("ESSC_BIN") == NULL)
    {
      g_test_skip ("ESSC_BIN is not set: run through 'make check'");
      return;
    }
  g_autofree char *good = shipped_path ("national-2019.ini");
  EsscTestRun r = essc_test_run_essc ("scenario", "check", good);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "valid: \"national-2019\""));
  essc_test_run_clear (&r);

  g_autofree char *bad = write_scenario ("cli.ini", MINIMAL "[adoption]\nimitation = -1\n"
                                                    "[bogus]\n");
  r = essc_test_run_essc ("scenario", "check", bad);
  g_assert_cmpint (r.status, ==, 2);
  g_autofree char *line7 = g_strdup_printf ("%s:8: [adoption] imitation: -1 is negative", bad);
  g_autofree char *line8 = g_strdup_printf ("%s:9: [bogus]: unknown group", bad);
  g_assert_nonnull (strstr (r.err, line7));
  g_assert_nonnull (strstr (r.err, line8));
  g_assert_nonnull (strstr (r.err, "2 problems"));
  essc_test_run_clear (&r);

  g_autofree char *absent = g_build_filename (tmpdir, "absent.ini", NULL);
  r = essc_test_run_essc ("scenario", "check", absent);
  g_assert_cmpint (r.status, ==, 2);
  g_assert_nonnull (strstr (r.err, "cannot read"));
  essc_test_run_clear (&r);

  r = essc_test_run_essc ("scenario", "lint", good);
  g_assert_cmpint (r.status, ==, 2);
  essc_test_run_clear (&r);
  r = essc_test_run_essc ("scenario", "check", NULL);
  g_assert_cmpint (r.status, ==, 2);
  essc_test_run_clear (&r);
  r = essc_test_run_essc ("scenario", "--help", NULL);
  g_assert_cmpint (r.status, ==, 0);
  essc_test_run_clear (&r);
}

static void
remove_tree (const char *path)
{
  g_autoptr (GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);
      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

int
main (int argc, char **argv)
{
  essc_test_init (&argc, &argv);
  const char *dir = g_getenv ("ESSC_SRCDIR");
  g_autofree char *cwd = g_get_current_dir ();
  srcdir = g_canonicalize_filename (dir != NULL ? dir : ".", cwd);
  g_autoptr (GError) error = NULL;
  tmpdir = g_dir_make_tmp ("essc-scenario-XXXXXX", &error);
  g_assert_no_error (error);
  essc_test_put_access (tmpdir);

  g_test_add_func ("/scenario/shipped", test_shipped);
  g_test_add_func ("/scenario/national", test_national);
  g_test_add_func ("/scenario/overrides", test_overrides);
  g_test_add_func ("/scenario/defaults", test_defaults);
  g_test_add_func ("/scenario/impls", test_impls);
  g_test_add_func ("/scenario/all-reported", test_all_reported);
  g_test_add_func ("/scenario/unreadable", test_unreadable);
  g_test_add_func ("/scenario/text-with-nul", test_text_with_nul);
  g_test_add_func ("/scenario/relative-paths", test_relative_paths);
  g_test_add_func ("/scenario/not-regular-files", test_not_regular);
  g_test_add_func ("/scenario/cli", test_cli);
  g_test_add_func ("/scenario/mutations", test_mutations);
  for (gsize i = 0; i < G_N_ELEMENTS (bad_cases); i++)
    {
      g_autofree char *name = g_strdup_printf ("/scenario/bad/%s", bad_cases[i].name);
      g_test_add_data_func (name, &bad_cases[i], test_bad);
    }
  int status = g_test_run ();
  remove_tree (tmpdir);
  g_free (tmpdir);
  g_free (srcdir);
  return status;
}
