/* SPDX-License-Identifier: MIT */
/*
 * The meaning of each scenario key: a table of the fixed keys (group, name,
 * kind of value, field), the patterned keys (milestone overrides by
 * province, impl.X and profile.X), the value parsers (dates, date ranges,
 * numbers with their ranges, the two list forms), then the data files the
 * scenario names and the rules that tie fields together.  Every problem is
 * appended with the line of the key it concerns (the group's line, or 1,
 * for a key that is missing), and checking goes on, so one run of `essc
 * scenario check` lists them all.
 */
#include "model/rollout/scenario_private.h"
#include "base/names.h"
#include "base/text.h"

#include <math.h>
#include <string.h>

typedef enum {
  K_NAME,        /* UTF-8 text, 1..200 bytes, no control characters */
  K_TEXT,        /* UTF-8 text, 0..4096 bytes */
  K_DATE,        /* gint32 day */
  K_RANGE,       /* ModelDateRange: a date or DATE..DATE */
  K_SEED,        /* guint64, any */
  K_COUNT,       /* guint, 1..1000000 */
  K_PEOPLE,      /* guint64, 1..10^10 */
  K_BOOL,        /* gboolean: true or false */
  K_PATH,        /* char *, as written; looked up when the data are loaded (scen_data_path) */
  K_RATE,        /* double >= 0 */
  K_PROB,        /* double in [0, 1] */
  K_POSITIVE,    /* double > 0 */
  K_DAYS,        /* double in [1, MAX_DAYS]: a mean duration (its inverse is a daily rate) */
  K_DELAY,       /* double in [0, MAX_DAYS]: a delay in days */
  K_GROWTH,      /* DATE:PEOPLE, ... */
  K_PUSH,        /* DATE..DATE:FACTOR, ... */
  K_ACCESS,      /* a path, or "none" (NULL) */
  K_ARRIVAL,     /* "fit" (arrival_fitted) or a number >= 0 */
  K_WHOLE,       /* guint, 0..1000000 */
} Kind;

typedef struct {
  const char *group, *key;
  Kind kind;
  gsize offset;
  const char *unit;  /* for messages */
} Spec;

#define F(field) G_STRUCT_OFFSET (ModelScenario, field)
/* The longest duration or delay a scenario may give: a century. */
#define MAX_DAYS 36500.0
/* The largest rate or multiplier: far above any meaningful value, and small
 * enough that products of a few of them (the adoption hazard) stay finite. */
#define MAX_RATE 1e6

static const Spec specs[] = {
  { "scenario", "name", K_NAME, F (name), "" },
  { "scenario", "description", K_TEXT, F (description), "" },
  { "scenario", "start", K_DATE, F (start), "" },
  { "scenario", "end", K_DATE, F (end), "" },
  { "scenario", "seed", K_SEED, F (seed), "" },
  { "scenario", "replications", K_COUNT, F (replications), "" },
  { "scenario", "data_until", K_DATE, F (data_until), "" },
  { "population", "cities", K_PATH, F (cities_path), "" },
  { "population", "cardholders", K_PEOPLE, F (cardholders), "people" },
  { "population", "cardholders_growth", K_GROWTH, 0, "" },
  { "population", "urban_split", K_BOOL, F (urban_split), "" },
  { "population", "people", K_PEOPLE, F (people), "people" },
  { "population", "cardholders_max", K_PROB, F (cardholders_max), "share of residents" },
  { "population", "cardholders_extend", K_BOOL, F (cardholders_extend), "" },
  { "population", "dynamics", K_BOOL, F (dynamics), "" },
  { "population", "birth_rate", K_RATE, F (birth_rate), "per person per year" },
  { "population", "death_rate_0_17", K_RATE, F (death_rate[MODEL_AGE_0_17]),
    "per person per year" },
  { "population", "death_rate_18_59", K_RATE, F (death_rate[MODEL_AGE_18_59]),
    "per person per year" },
  { "population", "death_rate_60_plus", K_RATE, F (death_rate[MODEL_AGE_60_PLUS]),
    "per person per year" },
  { "population", "ageing_0_17", K_PROB, F (ageing[MODEL_AGE_0_17]), "share per year" },
  { "population", "ageing_18_59", K_PROB, F (ageing[MODEL_AGE_18_59]), "share per year" },
  { "adoption", "innovation", K_RATE, F (innovation), "per day" },
  { "adoption", "innovation_per_channel", K_RATE, F (innovation_per_channel), "per day" },
  { "adoption", "imitation", K_RATE, F (imitation), "per day" },
  { "adoption", "youth_factor", K_RATE, F (youth_factor), "multiplier" },
  { "adoption", "elderly_factor", K_RATE, F (elderly_factor), "multiplier" },
  { "adoption", "rural_factor", K_RATE, F (rural_factor), "multiplier" },
  { "adoption", "policy_push", K_PUSH, 0, "" },
  { "adoption", "level2_share", K_PROB, F (level2_share), "share" },
  { "adoption", "level2_upgrade", K_PROB, F (level2_upgrade), "probability per day" },
  { "adoption", "access", K_ACCESS, F (access_path), "" },
  { "adoption", "access_growth", K_BOOL, F (access_growth), "" },
  { "adoption", "access_max", K_PROB, F (access_max), "share" },
  { "adoption", "proxy_0_17", K_PROB, F (proxy[MODEL_AGE_0_17]), "share" },
  { "adoption", "proxy_60_plus", K_PROB, F (proxy[MODEL_AGE_60_PLUS]), "share" },
  { "cards", "loss_rate", K_PROB, F (loss_rate), "probability per day" },
  { "cards", "replacement_days", K_DAYS, F (replacement_days), "mean days" },
  { "milestones", "issuance_golive", K_RANGE, F (milestone[MODEL_MILESTONE_ISSUANCE]), "" },
  { "milestones", "mobile_payment", K_RANGE, F (milestone[MODEL_MILESTONE_MOBILE_PAYMENT]), "" },
  { "milestones", "unified_settlement", K_RANGE,
    F (milestone[MODEL_MILESTONE_UNIFIED_SETTLEMENT]), "" },
  { "channels", "catalogue", K_PATH, F (catalogue_path), "" },
  { "channels", "certification_pass", K_PROB, F (certification_pass), "probability" },
  { "channels", "rectification_days", K_DELAY, F (rectification_days), "days" },
  { "channels", "arrival_rate", K_ARRIVAL, F (arrival_rate), "channels per day" },
  { "channels", "arrival_halflife", K_POSITIVE, F (arrival_halflife), "days" },
  { "channels", "arrival_max", K_WHOLE, F (arrival_max), "channels" },
  { "targets", "share_2019", K_PROB, F (share_2019), "share" },
  { "targets", "target_2019", K_DATE, F (target_2019), "" },
  { "targets", "share_2020", K_PROB, F (share_2020), "share" },
  { "targets", "target_2020", K_DATE, F (target_2020), "" },
  { "targets", "mobile_payment_by", K_DATE, F (mobile_payment_by), "" },
  { "targets", "unified_settlement_by", K_DATE, F (unified_settlement_by), "" },
  { "targets", "published", K_PATH, F (published_path), "" },
};

static const char *const groups[] = {
  "scenario", "population", "adoption", "cards", "milestones", "channels", "targets",
  "latency", "calibration",
};

#define FIELD(scenario, type, offset) ((type *) (void *) ((char *) (scenario) + (offset)))

/* The line to blame for group/key: its own line, else its group's, else 1. */
static guint
line_of (const ScenCheck *check, const char *group, const char *key)
{
  for (guint i = 0; i < check->entries->len; i++)
    {
      const ScenEntry *e = check->entries->pdata[i];
      if (strcmp (e->group, group) == 0 && strcmp (e->key, key) == 0)
        return e->line;
    }
  guint line = scen_group_line (check, group);
  return line != 0 ? line : 1;
}

/* ---- value parsers: NULL when fine, else (transfer full) the complaint --- */

static char *
parse_range (const char *text, ModelDateRange *out)
{
  const char *dots = strstr (text, "..");
  if (dots == NULL)
    {
      if (!model_csv_parse_date (text, &out->first))
        return g_strdup_printf ("\"%s\" is not a date, expected YYYY-MM-DD or "
                                "YYYY-MM-DD..YYYY-MM-DD", text);
      out->last = out->first;
      return NULL;
    }
  g_autofree char *a = g_strstrip (g_strndup (text, (gsize) (dots - text)));
  g_autofree char *b = g_strstrip (g_strdup (dots + 2));
  if (!model_csv_parse_date (a, &out->first) || !model_csv_parse_date (b, &out->last))
    return g_strdup_printf ("\"%s\" is not a date range, expected YYYY-MM-DD..YYYY-MM-DD",
                            text);
  if (out->first > out->last)
    return g_strdup_printf ("range %s..%s ends before it starts, expected start <= end", a,
                            b);
  return NULL;
}

static char *
parse_growth (const char *text, ModelScenario *s)
{
  g_auto (GStrv) items = g_strsplit (text, ",", -1);
  g_autoptr (GArray) anchors = g_array_new (FALSE, FALSE, sizeof (ModelGrowthAnchor));

  for (guint i = 0; *text != '\0' && items[i] != NULL; i++)
    {
      char *item = g_strstrip (items[i]);
      const char *colon = strchr (item, ':');
      ModelGrowthAnchor a;
      guint64 total = 0;
      if (colon == NULL || strchr (colon + 1, ':') != NULL)
        return g_strdup_printf ("item %u \"%s\" is not DATE:TOTAL, expected "
                                "YYYY-MM-DD:people, ...", i + 1, item);
      g_autofree char *date = g_strstrip (g_strndup (item, (gsize) (colon - item)));
      g_autofree char *value = g_strstrip (g_strdup (colon + 1));
      if (!model_csv_parse_date (date, &a.day))
        return g_strdup_printf ("item %u: \"%s\" is not a date, expected YYYY-MM-DD", i + 1,
                                date);
      if (!model_csv_parse_uint (value, G_GUINT64_CONSTANT (10000000000), &total)
          || total == 0)
        return g_strdup_printf ("item %u: \"%s\" is not a cardholder total, expected a "
                                "whole number 1..10000000000", i + 1, value);
      a.total = total;
      if (anchors->len > 0 && a.day <= g_array_index (anchors, ModelGrowthAnchor,
                                                      anchors->len - 1).day)
        return g_strdup_printf ("item %u: %s is not after the item before it, expected "
                                "dates in increasing order", i + 1, date);
      g_array_append_val (anchors, a);
    }
  s->n_growth = anchors->len;
  g_free (s->growth);
  s->growth = (ModelGrowthAnchor *) (void *) g_array_free (g_steal_pointer (&anchors), FALSE);
  return NULL;
}

static char *
parse_push (const char *text, ModelScenario *s)
{
  g_auto (GStrv) items = g_strsplit (text, ",", -1);
  g_autoptr (GArray) pushes = g_array_new (FALSE, FALSE, sizeof (ModelPolicyPush));

  for (guint i = 0; *text != '\0' && items[i] != NULL; i++)
    {
      char *item = g_strstrip (items[i]);
      const char *colon = strrchr (item, ':');
      ModelPolicyPush p;
      ModelDateRange r;
      if (colon == NULL)
        return g_strdup_printf ("item %u \"%s\" is not RANGE:MULTIPLIER, expected "
                                "YYYY-MM-DD..YYYY-MM-DD:number, ...", i + 1, item);
      g_autofree char *range = g_strstrip (g_strndup (item, (gsize) (colon - item)));
      g_autofree char *value = g_strstrip (g_strdup (colon + 1));
      if (strstr (range, "..") == NULL)
        return g_strdup_printf ("item %u: \"%s\" is not a window, expected "
                                "YYYY-MM-DD..YYYY-MM-DD", i + 1, range);
      g_autofree char *why = parse_range (range, &r);
      if (why != NULL)
        return g_strdup_printf ("item %u: %s", i + 1, why);
      if (!model_csv_parse_double (value, &p.multiplier) || p.multiplier < 0
          || p.multiplier > MAX_RATE)
        return g_strdup_printf ("item %u: \"%s\" is not a multiplier, expected a number "
                                "from 0 to %g", i + 1, value, MAX_RATE);
      p.first = r.first;
      p.last = r.last;
      if (pushes->len > 0)
        {
          const ModelPolicyPush *prev =
              &g_array_index (pushes, ModelPolicyPush, pushes->len - 1);
          if (p.first <= prev->last)
            return g_strdup_printf ("item %u: window %s starts before the window before it "
                                    "ends, expected windows in date order, not overlapping",
                                    i + 1, range);
        }
      g_array_append_val (pushes, p);
    }
  s->n_pushes = pushes->len;
  g_free (s->pushes);
  s->pushes = (ModelPolicyPush *) (void *) g_array_free (g_steal_pointer (&pushes), FALSE);
  return NULL;
}

static char *
parse_value (const Spec *spec, const char *text, ModelScenario *s)
{
  double d = 0;
  guint64 u = 0;

  if (*text == '\0' && spec->kind != K_TEXT && spec->kind != K_GROWTH && spec->kind != K_PUSH)
    return g_strdup ("empty value, expected a value or the key left out for its default");
  switch (spec->kind)
    {
    case K_NAME:
    case K_TEXT:
      {
        BaseTextFault fault = spec->kind == K_NAME
                                   ? base_text_check_utf8 (text, -1, 200, NULL)
                                   : (strlen (text) > 4096 ? BASE_TEXT_TOO_LONG : BASE_TEXT_OK);
        if (fault != BASE_TEXT_OK)
          return g_strdup_printf ("%s, expected %s",
                                  fault == BASE_TEXT_TOO_LONG ? "too long" : "control character",
                                  spec->kind == K_NAME ? "1..200 bytes of text on one line"
                                                       : "at most 4096 bytes");
        char **field = FIELD (s, char *, spec->offset);
        g_free (*field);
        *field = g_strdup (text);
        return NULL;
      }
    case K_DATE:
      if (!model_csv_parse_date (text, FIELD (s, gint32, spec->offset)))
        return g_strdup_printf ("\"%s\" is not a date, expected YYYY-MM-DD", text);
      return NULL;
    case K_RANGE:
      return parse_range (text, FIELD (s, ModelDateRange, spec->offset));
    case K_SEED:
      if (!model_csv_parse_uint (text, G_MAXUINT64, FIELD (s, guint64, spec->offset)))
        return g_strdup_printf ("\"%s\" is not a seed, expected a whole number "
                                "0..18446744073709551615", text);
      return NULL;
    case K_COUNT:
      if (!model_csv_parse_uint (text, 1000000, &u) || u == 0)
        return g_strdup_printf ("\"%s\" is not a count, expected a whole number 1..1000000",
                                text);
      *FIELD (s, guint, spec->offset) = (guint) u;
      return NULL;
    case K_PEOPLE:
      if (!model_csv_parse_uint (text, G_GUINT64_CONSTANT (10000000000), &u) || u == 0)
        return g_strdup_printf ("\"%s\" is not a number of people, expected a whole number "
                                "1..10000000000", text);
      *FIELD (s, guint64, spec->offset) = u;
      return NULL;
    case K_BOOL:
      if (strcmp (text, "true") != 0 && strcmp (text, "false") != 0)
        return g_strdup_printf ("\"%s\" is not a boolean, expected true or false", text);
      *FIELD (s, gboolean, spec->offset) = strcmp (text, "true") == 0;
      return NULL;
    case K_PATH:
      {
        char **field = FIELD (s, char *, spec->offset);
        g_free (*field);
        *field = g_strdup (text);
        return NULL;
      }
    case K_DAYS:
    case K_DELAY:
      {
        double lo = spec->kind == K_DAYS ? 1 : 0;
        if (!model_csv_parse_double (text, &d) || d < lo || d > MAX_DAYS)
          return g_strdup_printf ("\"%s\" is not a number of days in [%g, %g] (%s)%s", text, lo,
                                  MAX_DAYS, spec->unit,
                                  spec->kind == K_DAYS ? ": the model takes 1 / days as the "
                                  "daily probability, so a mean under one day cannot be meant"
                                  : "");
        *FIELD (s, double, spec->offset) = d;
        return NULL;
      }
    case K_RATE:
    case K_PROB:
    case K_POSITIVE:
      if (!model_csv_parse_double (text, &d))
        return g_strdup_printf ("\"%s\" is not a number, expected %s", text,
                                spec->kind == K_PROB ? "a probability in [0, 1]"
                                : spec->kind == K_POSITIVE ? "a number > 0"
                                                           : "a number >= 0");
      if (d < 0 && spec->kind != K_PROB)
        return g_strdup_printf ("%s is negative, expected a number %s 0 (%s)", text,
                                spec->kind == K_POSITIVE ? ">" : ">=", spec->unit);
      if (d > MAX_RATE && spec->kind != K_PROB)
        return g_strdup_printf ("%s is above %g, expected a number from 0 to %g (%s)", text,
                                MAX_RATE, MAX_RATE, spec->unit);
      if (spec->kind == K_POSITIVE && d == 0)
        return g_strdup_printf ("%s is zero, expected a number > 0 (%s)", text, spec->unit);
      if (spec->kind == K_PROB && (d < 0 || d > 1))
        return g_strdup_printf ("%s is outside [0, 1], expected a %s in [0, 1]", text,
                                spec->unit);
      *FIELD (s, double, spec->offset) = d;
      return NULL;
    case K_ACCESS:
      {
        char **field = FIELD (s, char *, spec->offset);
        g_clear_pointer (field, g_free);
        if (strcmp (text, "none") != 0)
          *field = g_strdup (text);
        return NULL;
      }
    case K_ARRIVAL:
      s->arrival_fitted = strcmp (text, "fit") == 0;
      if (s->arrival_fitted)
        return NULL;
      if (!model_csv_parse_double (text, &d) || d < 0)
        return g_strdup_printf ("\"%s\" is not a rate, expected fit or a number >= 0 "
                                "(channels per day)", text);
      s->arrival_rate = d;
      return NULL;
    case K_WHOLE:
      if (!model_csv_parse_uint (text, 1000000, &u))
        return g_strdup_printf ("\"%s\" is not a whole number, expected 0..1000000", text);
      *FIELD (s, guint, spec->offset) = (guint) u;
      return NULL;
    case K_GROWTH:
      return parse_growth (text, s);
    case K_PUSH:
      return parse_push (text, s);
    }
  return g_strdup ("unhandled kind");
}

/* ---- patterned keys ------------------------------------------------------ */

/* Finds or adds the impl entry for target. */
static ModelScenarioImpl *
impl_entry (ModelScenario *s, const char *target)
{
  for (guint i = 0; i < s->n_impls; i++)
    if (strcmp (s->impls[i].target, target) == 0)
      return &s->impls[i];
  s->impls = g_renew (ModelScenarioImpl, s->impls, s->n_impls + 1);
  ModelScenarioImpl *impl = &s->impls[s->n_impls++];
  memset (impl, 0, sizeof *impl);
  impl->target = g_strdup (target);
  impl->channel = -1;
  return impl;
}

/* [milestones] NAME.CODE: the cities must be loaded (NULL: skip the check). */
static void
parse_override (ScenCheck *check, const ScenEntry *e, ModelScenario *s)
{
  const char *dot = strchr (e->key, '.');
  g_autofree char *name = g_strndup (e->key, (gsize) (dot - e->key));
  guint32 code = 0;
  int m;

  for (m = 0; m < MODEL_N_MILESTONES; m++)
    if (strcmp (name, model_milestone_name ((ModelMilestone) m)) == 0)
      break;
  if (m == MODEL_N_MILESTONES)
    {
      scen_problem (check, e->line, e->group, e->key, "unknown key, expected issuance_golive, "
                    "mobile_payment or unified_settlement, optionally with .PROVINCE_CODE");
      return;
    }
  if (!model_cities_parse_code (dot + 1, &code) || code % 10000 != 0)
    {
      scen_problem (check, e->line, e->group, e->key, "\"%s\" is not a province code, "
                    "expected %s.xx0000", dot + 1, name);
      return;
    }
  if (s->cities != NULL && model_cities_province (s->cities, code) == NULL)
    {
      scen_problem (check, e->line, e->group, e->key, "province %06u is not in the cities "
                    "file, expected one of its %u province codes", code,
                    s->cities->n_provinces);
      return;
    }
  ModelDateRange range;
  g_autofree char *why = parse_range (e->value, &range);
  if (why != NULL)
    {
      scen_problem (check, e->line, e->group, e->key, "%s", why);
      return;
    }
  s->overrides[m] = g_renew (ModelMilestoneOverride, s->overrides[m], s->n_overrides[m] + 1);
  s->overrides[m][s->n_overrides[m]].province_code = code;
  s->overrides[m][s->n_overrides[m]++].range = range;
}

/* [channels] impl.X and profile.X. */
static void
parse_impl (ScenCheck *check, const ScenEntry *e, ModelScenario *s)
{
  gboolean is_impl = g_str_has_prefix (e->key, "impl.");
  const char *target = strchr (e->key, '.') + 1;
  ModelChannelClass klass = MODEL_CHANNEL_CLASS_HRSS;
  int channel = -1;

  if (model_catalogue_id_valid (target))
    {
      if (s->catalogue == NULL)
        return;  /* the catalogue did not load: reported already */
      channel = model_catalogue_index (s->catalogue, target);
      if (channel < 0)
        {
          scen_problem (check, e->line, e->group, e->key, "channel %s is not in the catalogue "
                        "%s, expected a channel id of it or a class name", target,
                        s->catalogue_path);
          return;
        }
      klass = s->catalogue->channels[channel].klass;
    }
  else if (!model_channel_class_from_name (target, &klass))
    {
      scen_problem (check, e->line, e->group, e->key, "\"%s\" is neither a channel class nor "
                    "a channel id, expected hrss, government, partner, bank, medical, social "
                    "or CH + six digits", target);
      return;
    }
  if (*e->value == '\0')
    {
      scen_problem (check, e->line, e->group, e->key, "empty value, expected %s",
                    is_impl ? "a command" : "a profile file");
      return;
    }
  if (is_impl)
    {
      g_auto (GStrv) argv = NULL;
      g_autoptr (GError) error = NULL;
      if (!g_shell_parse_argv (e->value, NULL, &argv, &error))
        {
          scen_problem (check, e->line, e->group, e->key, "not a command (%s), expected a "
                        "shell command line", error->message);
          return;
        }
    }
  ModelScenarioImpl *impl = impl_entry (s, target);
  impl->channel = channel;
  impl->klass = klass;
  if (is_impl)
    impl->command = g_strdup (e->value);
  else
    {
      g_free (impl->profile);
      impl->profile = g_strdup (e->value);
      if (scen_data_path (check, s, e->line, e->group, e->key, &impl->profile)
          && !g_file_test (impl->profile, G_FILE_TEST_IS_REGULAR))
        scen_problem (check, e->line, e->group, e->key, "%s is not a file, expected a "
                      "conformance profile ([profile] key file)", impl->profile);
    }
}

/* ---- the whole file ------------------------------------------------------ */

static const Spec *
find_spec (const char *group, const char *key)
{
  for (gsize i = 0; i < G_N_ELEMENTS (specs); i++)
    if (strcmp (specs[i].group, group) == 0 && strcmp (specs[i].key, key) == 0)
      return &specs[i];
  return NULL;
}

static void
unknown_key (ScenCheck *check, const ScenEntry *e)
{
  g_autoptr (GString) known = g_string_new (NULL);
  for (gsize i = 0; i < G_N_ELEMENTS (specs); i++)
    if (strcmp (specs[i].group, e->group) == 0)
      g_string_append_printf (known, "%s%s", known->len ? ", " : "", specs[i].key);
  if (strcmp (e->group, "milestones") == 0)
    g_string_append (known, " (each optionally .PROVINCE_CODE)");
  if (strcmp (e->group, "channels") == 0)
    g_string_append (known, ", impl.X, profile.X");
  scen_problem (check, e->line, e->group, e->key, "unknown key, expected one of %s",
                known->str);
}

/* Looks up the data path of group.key (scen_data_path), on the key's line. */
static gboolean
find_data (ScenCheck *check, ModelScenario *s, const char *group, const char *key, char **field)
{
  return scen_data_path (check, s, line_of (check, group, key), group, key, field);
}

static void
load_data (ScenCheck *check, ModelScenario *s)
{
  g_autoptr (GError) error = NULL;

  if (!find_data (check, s, "population", "cities", &s->cities_path))
    return;
  s->cities = model_cities_load (s->cities_path, &error);
  if (s->cities == NULL)
    {
      scen_problem (check, line_of (check, "population", "cities"), "population", "cities",
                    "cannot load the cities file: %s", error->message);
      return;
    }
  if (find_data (check, s, "channels", "catalogue", &s->catalogue_path)
      && (s->catalogue = model_catalogue_load (s->catalogue_path, s->cities, &error)) == NULL)
    scen_problem (check, line_of (check, "channels", "catalogue"), "channels", "catalogue",
                  "cannot load the channel catalogue: %s", error->message);
  g_clear_error (&error);
  if (s->access_path != NULL && find_data (check, s, "adoption", "access", &s->access_path)
      && (s->access = model_access_load (s->access_path, MODEL_SCENARIO_ERROR, &error)) == NULL)
    scen_problem (check, line_of (check, "adoption", "access"), "adoption", "access",
                  "cannot load the access shares: %s", error->message);
  g_clear_error (&error);
  if (s->published_path != NULL && find_data (check, s, "targets", "published", &s->published_path)
      && (s->published = model_published_load (s->published_path, &s->n_published,
                                               MODEL_SCENARIO_ERROR, &error)) == NULL)
    scen_problem (check, line_of (check, "targets", "published"), "targets", "published",
                  "cannot load the published figures: %s", error->message);
}

static void
check_in_run (ScenCheck *check, const ModelScenario *s, const char *group, const char *key,
              gint32 day)
{
  char a[11], b[11], d[11];
  if (day >= s->start && day <= s->end)
    return;
  base_time_format_date (s->start, a);
  base_time_format_date (s->end, b);
  base_time_format_date (day, d);
  scen_problem (check, line_of (check, group, key), group, key,
                "%s is outside the run, expected a date in %s..%s", d, a, b);
}

static void
cross_checks (ScenCheck *check, ModelScenario *s, gboolean dates_ok)
{
  char a[11], b[11];

  if (s->share_2020 < s->share_2019)
    scen_problem (check, line_of (check, "targets", "share_2020"), "targets", "share_2020",
                  "smaller than share_2019, expected a second target at least as high");
  for (guint i = 0; i < s->n_impls; i++)
    if (s->impls[i].command == NULL)
      {
        g_autofree char *key = g_strdup_printf ("profile.%s", s->impls[i].target);
        scen_problem (check, line_of (check, "channels", key), "channels", key,
                      "a profile without an implementation, expected impl.%s as well",
                      s->impls[i].target);
      }
  if (s->cities != NULL)
    {
      if (s->cardholders > s->people)
        scen_problem (check, line_of (check, "population", "cardholders"), "population",
                      "cardholders", "%" G_GUINT64_FORMAT " exceeds the residents %"
                      G_GUINT64_FORMAT " (people), expected at most that", s->cardholders,
                      s->people);
      for (guint i = 0; i < s->n_growth; i++)
        if (s->growth[i].total > s->people)
          scen_problem (check, line_of (check, "population", "cardholders_growth"),
                        "population", "cardholders_growth", "item %u: %" G_GUINT64_FORMAT
                        " exceeds the residents %" G_GUINT64_FORMAT " (people), expected at "
                        "most that", i + 1, s->growth[i].total, s->people);
    }
  if (!dates_ok)
    return;  /* start or end did not parse: date comparisons would mislead */
  if (s->end <= s->start)
    {
      base_time_format_date (s->start, a);
      base_time_format_date (s->end, b);
      scen_problem (check, line_of (check, "scenario", "end"), "scenario", "end",
                    "%s is not after start %s, expected end > start", b, a);
      return;
    }
  if (s->n_growth > 0 && s->growth[0].day <= s->start)
    {
      base_time_format_date (s->growth[0].day, a);
      scen_problem (check, line_of (check, "population", "cardholders_growth"), "population",
                    "cardholders_growth", "anchor %s is not after start, expected dates "
                    "after start (cardholders gives the total at start)", a);
    }
  for (guint i = 0; i < s->n_pushes; i++)
    if (s->pushes[i].first < s->start || s->pushes[i].last > s->end)
      {
        base_time_format_date (s->pushes[i].first, a);
        base_time_format_date (s->pushes[i].last, b);
        scen_problem (check, line_of (check, "adoption", "policy_push"), "adoption",
                      "policy_push", "item %u: window %s..%s is not inside the run, expected "
                      "windows between start and end", i + 1, a, b);
      }
  check_in_run (check, s, "targets", "target_2019", s->target_2019);
  check_in_run (check, s, "targets", "target_2020", s->target_2020);
  check_in_run (check, s, "targets", "mobile_payment_by", s->mobile_payment_by);
  check_in_run (check, s, "targets", "unified_settlement_by", s->unified_settlement_by);
  if (s->target_2020 <= s->target_2019)
    scen_problem (check, line_of (check, "targets", "target_2020"), "targets", "target_2020",
                  "not after target_2019, expected the second target date after the first");
}

void
scen_parse (ScenCheck *check, ModelScenario *s)
{
  gboolean dates_ok = TRUE, has_name = FALSE;

  for (guint i = 0; i < check->groups->len; i++)
    {
      const ScenGroup *g = check->groups->pdata[i];
      if (base_name_index (groups, G_N_ELEMENTS (groups), g->name) < 0)
        scen_problem (check, g->line, g->name, NULL, "unknown group, expected scenario, "
                      "population, adoption, cards, milestones, channels, targets, latency "
                      "or calibration");
    }
  for (guint i = 0; i < check->entries->len; i++)
    {
      const ScenEntry *e = check->entries->pdata[i];
      if (base_name_index (groups, G_N_ELEMENTS (groups), e->group) < 0
          || strcmp (e->group, "latency") == 0 || strcmp (e->group, "calibration") == 0)
        continue;  /* the group is reported, or parsed by scen_latency_parse and
                      scen_calibration_parse */
      const Spec *spec = find_spec (e->group, e->key);
      if (spec == NULL)
        {
          gboolean patterned = (strcmp (e->group, "milestones") == 0 && strchr (e->key, '.'))
                               || (strcmp (e->group, "channels") == 0
                                   && (g_str_has_prefix (e->key, "impl.")
                                       || g_str_has_prefix (e->key, "profile.")));
          if (!patterned)
            unknown_key (check, e);
          continue;
        }
      g_autofree char *why = parse_value (spec, e->value, s);
      if (why != NULL)
        {
          scen_problem (check, e->line, e->group, e->key, "%s", why);
          if (spec->kind == K_DATE && strcmp (e->group, "scenario") == 0)
            dates_ok = FALSE;
        }
      has_name |= strcmp (e->group, "scenario") == 0 && strcmp (e->key, "name") == 0;
    }
  if (!has_name)
    {
      guint line = scen_group_line (check, "scenario");
      scen_problem (check, line != 0 ? line : 1, "scenario", "name",
                    "missing, expected a name for the scenario (required)");
    }

  load_data (check, s);
  for (guint i = 0; i < check->entries->len; i++)
    {
      const ScenEntry *e = check->entries->pdata[i];
      if (strcmp (e->group, "milestones") == 0 && find_spec (e->group, e->key) == NULL
          && strchr (e->key, '.') != NULL)
        parse_override (check, e, s);
      else if (strcmp (e->group, "channels") == 0
               && (g_str_has_prefix (e->key, "impl.") || g_str_has_prefix (e->key, "profile.")))
        parse_impl (check, e, s);
    }
  if (s->people == 0 && s->cities != NULL)
    s->people = s->cities->population;
  while (s->n_growth > 0 && s->growth[s->n_growth - 1].day > s->data_until)
    s->n_growth--;  /* data after data_until is not used */
  cross_checks (check, s, dates_ok);
  scen_latency_parse (check, s);
  if (s->catalogue != NULL)
    scen_arrivals_resolve (check, s);
  scen_calibration_parse (check, s);
}

gboolean
scen_number_key (const char *name, gsize *offset, double *lo, double *hi)
{
  const char *dot = strchr (name, '.');
  if (dot == NULL)
    return FALSE;
  g_autofree char *group = g_strndup (name, (gsize) (dot - name));
  const Spec *spec = find_spec (group, dot + 1);
  if (spec == NULL || (spec->kind != K_RATE && spec->kind != K_PROB && spec->kind != K_POSITIVE
                       && spec->kind != K_DAYS && spec->kind != K_DELAY))
    return FALSE;
  *offset = spec->offset;
  *lo = spec->kind == K_DAYS ? 1 : 0;
  *hi = spec->kind == K_PROB ? 1 : spec->kind == K_DAYS || spec->kind == K_DELAY ? MAX_DAYS
                                                                               : MAX_RATE;
  return TRUE;
}

gboolean
model_scenario_number (const ModelScenario *scenario, const char *name, double *value)
{
  gsize offset;
  double lo, hi;
  if (!scen_number_key (name, &offset, &lo, &hi))
    return FALSE;
  *value = *FIELD (scenario, const double, offset);
  return TRUE;
}
