/* SPDX-License-Identifier: MIT */
/*
 * Scenario files (see model/rollout/scenario.h): the lifecycle of ModelScenario,
 * its documented defaults, the two entry points (load: the first problem as
 * a GError; check: every problem as a list), the hash of the raw bytes for
 * the run database, and the small queries the simulator asks of a scenario
 * (a province's milestone range, the cardholder total and the policy
 * multiplier on a day, the implementation that certifies a channel).  The
 * scan is in scenario_keyfile.c and the meaning of each key in
 * scenario_keys.c.
 */
#include "model/rollout/scenario_private.h"
#include "model/rollout/posterior.h"
#include "base/file.h"
#include "base/hex.h"
#include "base/names.h"

#include <sodium.h>
#include <string.h>

G_DEFINE_QUARK (model-scenario-error-quark, model_scenario_error)

static const char *const milestone_names[] = {
  "issuance_golive", "mobile_payment", "unified_settlement",
};

const char *
model_milestone_name (ModelMilestone milestone)
{
  return base_name_of (milestone_names, G_N_ELEMENTS (milestone_names), (int) milestone,
                        "unknown");
}

void
model_scenario_free (ModelScenario *s)
{
  if (s == NULL)
    return;
  g_free (s->name);
  g_free (s->description);
  g_free (s->cities_path);
  g_free (s->growth);
  g_free (s->pushes);
  for (int m = 0; m < MODEL_N_MILESTONES; m++)
    g_free (s->overrides[m]);
  g_free (s->catalogue_path);
  scen_latency_free (&s->latency);
  g_free (s->published_path);
  model_published_free (s->published, s->n_published);
  for (guint i = 0; i < s->n_impls; i++)
    {
      g_free (s->impls[i].target);
      g_free (s->impls[i].command);
      g_free (s->impls[i].profile);
    }
  g_free (s->impls);
  g_free (s->access_path);
  model_access_free (s->access);
  model_calibration_clear (&s->calibration);
  model_cities_free (s->cities);
  model_catalogue_free (s->catalogue);
  g_free (s->path);
  g_free (s->dir);
  g_free (s->data_dir);
  for (guint i = 0; i < s->n_data_files; i++)
    {
      g_free (s->data_files[i].group);
      g_free (s->data_files[i].key);
      g_free (s->data_files[i].value);
      g_free (s->data_files[i].path);
    }
  g_free (s->data_files);
  g_free (s->text);
  g_free (s);
}

static gint32
day (const char *text)
{
  gint32 d = 0;
  gboolean ok = model_csv_parse_date (text, &d);
  g_assert (ok);
  return d;
}

/* The defaults documented in scenarios/README.md.  Data paths are as
 * written (relative), looked up when the data are loaded. */
static void
set_defaults (ModelScenario *s)
{
  s->description = g_strdup ("");
  s->start = day ("2019-01-01");
  s->end = day ("2021-12-31");
  s->seed = 1;
  s->replications = 1;
  s->data_until = G_MAXINT32;
  s->cities_path = g_strdup ("data/cities-2020.csv");
  s->cardholders = G_GUINT64_CONSTANT (1250000000);
  s->urban_split = TRUE;
  s->cardholders_max = 0.97;
  s->cardholders_extend = TRUE;
  s->dynamics = TRUE;
  s->birth_rate = 0.00852;
  s->death_rate[MODEL_AGE_0_17] = 0.00053;
  s->death_rate[MODEL_AGE_18_59] = 0.00217;
  s->death_rate[MODEL_AGE_60_PLUS] = 0.0302;
  s->ageing[MODEL_AGE_0_17] = 0.051;
  s->ageing[MODEL_AGE_18_59] = 0.024;
  s->innovation = 6e-5;
  s->innovation_per_channel = 4e-6;
  s->imitation = 4e-3;
  s->youth_factor = 0.3;
  s->elderly_factor = 0.4;
  s->rural_factor = 0.6;
  s->level2_share = 0.3;
  s->level2_upgrade = 1e-3;
  s->access_path = g_strdup ("data/access-2018-2020.csv");
  s->access_growth = TRUE;
  s->access_max = 0.95;
  s->proxy[MODEL_AGE_0_17] = 0.8;
  s->proxy[MODEL_AGE_60_PLUS] = 0.3;
  s->loss_rate = 5e-5;
  s->replacement_days = 14;
  s->milestone[MODEL_MILESTONE_ISSUANCE] = (ModelDateRange) { day ("2018-04-01"),
                                                              day ("2019-06-30") };
  s->milestone[MODEL_MILESTONE_MOBILE_PAYMENT] = (ModelDateRange) { day ("2019-03-01"),
                                                                    day ("2019-12-31") };
  s->milestone[MODEL_MILESTONE_UNIFIED_SETTLEMENT] = (ModelDateRange) { day ("2019-07-01"),
                                                                        day ("2020-12-31") };
  s->catalogue_path = g_strdup ("data/channels.csv");
  s->certification_pass = 0.85;
  s->rectification_days = 30;
  s->arrival_fitted = TRUE;
  s->arrival_halflife = 730;
  s->arrival_max = 2000;
  s->share_2019 = 0.10;
  s->target_2019 = day ("2019-12-31");
  s->share_2020 = 0.25;
  s->target_2020 = day ("2020-12-31");
  s->mobile_payment_by = day ("2019-12-31");
  s->unified_settlement_by = day ("2020-12-31");
  scen_latency_defaults (s);
  scen_calibration_defaults (s);
}

gboolean
scen_data_path (ScenCheck *check, ModelScenario *s, guint line, const char *group,
                const char *key, char **field)
{
  ModelDatapathWhere where;
  g_autofree char *searched = NULL;
  g_autofree char *value = g_steal_pointer (field);
  *field = model_datapath_resolve (value, s->dir, s->data_dir, "the scenario", &where,
                                   &searched);
  if (where == MODEL_DATAPATH_MISSING)
    {
      scen_problem (check, line, group, key, "%s: no such file beside the scenario%s, "
                    "expected a data file; searched %s", value,
                    s->data_dir != NULL ? " or in the data directory" : "", searched);
      return FALSE;
    }
  s->data_files = g_renew (ModelDataFile, s->data_files, s->n_data_files + 1);
  s->data_files[s->n_data_files++] = (ModelDataFile) {
    g_strdup (group), g_strdup (key), g_steal_pointer (&value), g_strdup (*field), where,
  };
  return TRUE;
}

static void
scen_check_clear (ScenCheck *check)
{
  if (check->groups != NULL)
    g_ptr_array_unref (check->groups);
  if (check->entries != NULL)
    g_ptr_array_unref (check->entries);
}

static guint64
line_number (const char *problem, gsize path_len)
{
  return g_ascii_strtoull (problem + path_len + 1, NULL, 10);
}

static gint
by_line (gconstpointer a, gconstpointer b, gpointer path_len)
{
  gsize n = *(const gsize *) path_len;
  guint64 x = line_number (*(const char *const *) a, n);
  guint64 y = line_number (*(const char *const *) b, n);
  return x < y ? -1 : x > y;
}

/* Sorts problems[from..] by line number, keeping the order within a line. */
static void
sort_by_line (GPtrArray *problems, guint from, gsize path_len)
{
  g_autoptr (GPtrArray) tail = g_ptr_array_new ();
  for (guint i = from; i < problems->len; i++)
    g_ptr_array_add (tail, problems->pdata[i]);
  g_ptr_array_sort_with_data (tail, by_line, &path_len);  /* stable since GLib 2.32 */
  for (guint i = 0; i < tail->len; i++)
    problems->pdata[from + i] = tail->pdata[i];
}

/*
 * Reads, scans and parses path, appending problems.  Returns the scenario
 * (transfer full) when nothing was appended, else NULL; *unreadable tells
 * a file that could not be read.
 */
static ModelScenario *
run (const char *path, const char *text, gsize len, const char *data_dir, GPtrArray *problems,
     gboolean *unreadable)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ModelScenario) s = g_new0 (ModelScenario, 1);
  guint before = problems->len;
  ScenCheck check = { path, problems, NULL, NULL };

  *unreadable = FALSE;
  if (text != NULL)
    {
      /* all len bytes, a NUL among them too (g_strndup would stop at it) */
      s->text = g_malloc (len + 1);
      memcpy (s->text, text, len);
      s->text[len] = '\0';
      s->text_len = len;
    }
  else if ((s->text = base_file_read_regular (path, MODEL_SCENARIO_MAX_BYTES, &s->text_len, NULL,
                                              &error)) == NULL)
    {
      g_ptr_array_add (problems, g_strdup_printf ("%s: cannot read: %s", path,
                                                  error->message));
      *unreadable = TRUE;
      return NULL;
    }
  guint8 digest[32];
  crypto_generichash (digest, sizeof digest, (const guint8 *) s->text, s->text_len, NULL, 0);
  base_hex_encode (digest, sizeof digest, s->hash);
  s->path = g_strdup (path);
  s->dir = g_path_get_dirname (path);
  s->data_dir = g_strdup (data_dir);
  set_defaults (s);

  scen_scan (&check, s->text, s->text_len);
  if (problems->len == before)
    {
      /* The scan follows GKeyFile's grammar; GLib must agree that it is a key file. */
      g_autoptr (GKeyFile) kf = g_key_file_new ();
      if (!g_key_file_load_from_data (kf, s->text, s->text_len, G_KEY_FILE_NONE, &error))
        scen_problem (&check, 1, NULL, NULL, "GLib does not read it as a key file (%s), "
                      "expected a GLib key file", error->message);
    }
  scen_parse (&check, s);
  scen_check_clear (&check);
  sort_by_line (problems, before, strlen (path));
  return problems->len == before ? g_steal_pointer (&s) : NULL;
}

gboolean
model_scenario_check_in (const char *path, const char *data_dir, GPtrArray *problems)
{
  g_return_val_if_fail (path != NULL && problems != NULL, FALSE);
  gboolean unreadable;
  g_autoptr (ModelScenario) s = run (path, NULL, 0, data_dir, problems, &unreadable);
  return s != NULL;
}

ModelScenario *
model_scenario_load_in (const char *path, const char *data_dir, GError **error)
{
  g_return_val_if_fail (path != NULL, NULL);
  g_autoptr (GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);
  gboolean unreadable;
  ModelScenario *s = run (path, NULL, 0, data_dir, problems, &unreadable);

  if (s == NULL)
    g_set_error_literal (error, MODEL_SCENARIO_ERROR,
                         unreadable ? MODEL_ROLLOUT_NOT_FOUND : MODEL_ROLLOUT_INVALID,
                         (const char *) problems->pdata[0]);
  return s;
}

ModelScenario *
model_scenario_load_text_in (const char *text, gsize len, const char *path,
                             const char *data_dir, GError **error)
{
  g_return_val_if_fail (text != NULL && path != NULL, NULL);
  g_autoptr (GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);
  gboolean unreadable;
  ModelScenario *s = run (path, text, len, data_dir, problems, &unreadable);
  if (s == NULL)
    g_set_error_literal (error, MODEL_SCENARIO_ERROR, MODEL_ROLLOUT_INVALID,
                         (const char *) problems->pdata[0]);
  return s;
}

gboolean
model_scenario_check (const char *path, GPtrArray *problems)
{
  return model_scenario_check_in (path, NULL, problems);
}

ModelScenario *
model_scenario_load (const char *path, GError **error)
{
  return model_scenario_load_in (path, NULL, error);
}

ModelScenario *
model_scenario_load_text (const char *text, gsize len, const char *path, GError **error)
{
  return model_scenario_load_text_in (text, len, path, NULL, error);
}

const char *
model_scenario_hash (const ModelScenario *s)
{
  g_return_val_if_fail (s != NULL, NULL);
  return s->hash;
}

const ModelDateRange *
model_scenario_milestone (const ModelScenario *s, ModelMilestone milestone,
                          guint32 province_code)
{
  g_return_val_if_fail (s != NULL && milestone < MODEL_N_MILESTONES, NULL);
  for (guint i = 0; i < s->n_overrides[milestone]; i++)
    if (s->overrides[milestone][i].province_code == province_code)
      return &s->overrides[milestone][i].range;
  return &s->milestone[milestone];
}

double
model_scenario_cardholders_on (const ModelScenario *s, gint32 d)
{
  g_return_val_if_fail (s != NULL, 0);
  gint32 prev_day = s->start;
  double prev_total = (double) s->cardholders;

  if (d <= s->start)
    return prev_total;
  for (guint i = 0; i < s->n_growth; i++)
    {
      const ModelGrowthAnchor *a = &s->growth[i];
      if (d <= a->day)
        return prev_total
               + ((double) a->total - prev_total) * (double) (d - prev_day)
                     / (double) (a->day - prev_day);
      prev_day = a->day;
      prev_total = (double) a->total;
    }
  if (!s->cardholders_extend || s->n_growth == 0)
    return prev_total;
  /* After the last anchor: the last stretch's slope, up to the cap. */
  gint32 from_day = s->n_growth > 1 ? s->growth[s->n_growth - 2].day : s->start;
  double from_total = s->n_growth > 1 ? (double) s->growth[s->n_growth - 2].total
                                      : (double) s->cardholders;
  double slope = (prev_total - from_total) / (double) (prev_day - from_day);
  double cap = MAX (prev_total, s->cardholders_max * (double) s->people);
  return MIN (cap, prev_total + MAX (slope, 0.0) * (double) (d - prev_day));
}

double
model_scenario_ceiling (const ModelScenario *s, ModelAgeBand band, ModelArea area, gint32 d)
{
  if (s->access == NULL)
    return 1.0;
  double a = model_access_share (s->access, band, area, d, s->access_growth, s->access_max);
  return a + s->proxy[band] * (1 - a);
}

double
model_scenario_push_on (const ModelScenario *s, gint32 d)
{
  g_return_val_if_fail (s != NULL, 1.0);
  for (guint i = 0; i < s->n_pushes; i++)
    if (d >= s->pushes[i].first && d <= s->pushes[i].last)
      return s->pushes[i].multiplier;
  return 1.0;
}

const ModelScenarioImpl *
model_scenario_impl_for (const ModelScenario *s, int channel)
{
  g_return_val_if_fail (s != NULL && s->catalogue != NULL, NULL);
  g_return_val_if_fail (channel >= 0 && (guint) channel < s->catalogue->n_channels, NULL);
  const ModelScenarioImpl *by_class = NULL;
  for (guint i = 0; i < s->n_impls; i++)
    {
      if (s->impls[i].channel == channel)
        return &s->impls[i];
      if (s->impls[i].channel < 0
          && s->impls[i].klass == s->catalogue->channels[channel].klass)
        by_class = &s->impls[i];
    }
  return by_class;
}

char *
model_scenario_text_get (const char *text, const char *group, const char *key)
{
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  g_autofree char *header = g_strdup_printf ("[%s]", group);
  gboolean in_group = FALSE;
  for (guint i = 0; lines[i] != NULL; i++)
    {
      char *l = g_strstrip (lines[i]);
      if (l[0] == '[')
        {
          in_group = strcmp (l, header) == 0;
          continue;
        }
      char *eq = strchr (l, '=');
      if (in_group && l[0] != '#' && eq != NULL)
        {
          *eq = '\0';
          if (strcmp (g_strstrip (l), key) == 0)
            return g_strstrip (g_strdup (eq + 1));
        }
    }
  return NULL;
}

void
model_scenario_text_set (GString *t, const char *group, const char *key, const char *value)
{
  g_auto (GStrv) lines = g_strsplit (t->str, "\n", -1);
  g_autofree char *header = g_strdup_printf ("[%s]", group);
  g_autofree char *line = g_strdup_printf ("%s = %s", key, value);
  int in_group = -1, header_at = -1;
  guint n = g_strv_length (lines);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *l = g_strstrip (g_strdup (lines[i]));
      if (l[0] == '[')
        {
          in_group = strcmp (l, header) == 0;
          if (in_group)
            header_at = (int) i;
          continue;
        }
      char *eq = strchr (l, '=');
      if (in_group == 1 && l[0] != '#' && eq != NULL)
        {
          *eq = '\0';
          if (strcmp (g_strstrip (l), key) == 0)
            {
              g_free (lines[i]);
              lines[i] = g_strdup (line);
              g_string_assign (t, "");
              for (guint j = 0; j < n; j++)
                g_string_append_printf (t, "%s%s", lines[j], j + 1 < n ? "\n" : "");
              return;
            }
        }
    }
  if (header_at < 0)
    {
      if (t->len > 0 && t->str[t->len - 1] != '\n')
        g_string_append_c (t, '\n');
      g_string_append_printf (t, "\n%s\n%s\n", header, line);
      return;
    }
  g_string_assign (t, "");
  for (guint j = 0; j < n; j++)
    {
      g_string_append_printf (t, "%s%s", lines[j], j + 1 < n ? "\n" : "");
      if ((int) j == header_at)
        g_string_append_printf (t, "%s\n", line);
    }
}
