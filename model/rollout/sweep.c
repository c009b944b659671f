/* SPDX-License-Identifier: MIT */
/*
 * Scenario sweeps (see sweep.h): the sweep file, the points' scenario texts
 * and what a sweep keeps of each point's run.
 */
#include "model/rollout/sweep.h"

#include "base/file.h"
#include "base/text.h"
#include "model/rollout/scenario_csv.h"

#include <math.h>
#include <string.h>

G_DEFINE_QUARK (model-sweep-error-quark, model_sweep_error)

#define MAX_POINTS 100000

void
model_sweep_free (ModelSweep *s)
{
  if (s == NULL)
    return;
  g_free (s->path);
  g_free (s->name);
  g_free (s->scenario_path);
  g_free (s->data_dir);
  g_free (s->base_text);
  for (guint a = 0; a < s->n_axes; a++)
    {
      g_free (s->axes[a].group);
      g_free (s->axes[a].key);
      g_strfreev (s->axes[a].values);
    }
  g_free (s->axes);
  g_free (s);
}

static gboolean
fail (GError **error, int code, const char *path, guint line, const char *fmt, ...)
    G_GNUC_PRINTF (5, 6);

static gboolean
fail (GError **error, int code, const char *path, guint line, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  g_autofree char *msg = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  g_set_error (error, MODEL_SWEEP_ERROR, code, "%s:%u: %s", path, line, msg);
  return FALSE;
}

/* One "key = value" line of the sweep file, in its group. */
static gboolean
parse_line (ModelSweep *s, const char *group, const char *key, const char *value, guint line,
            GArray *axes, gboolean *have_name, gboolean *have_scenario, GError **error)
{
  if (strcmp (group, "sweep") == 0)
    {
      if (strcmp (key, "name") == 0)
        {
          if (*value == '\0' || strlen (value) > 200
              || base_text_check_utf8 (value, -1, 200, NULL) != BASE_TEXT_OK)
            return fail (error, MODEL_ROLLOUT_INVALID, s->path, line,
                         "[sweep] name: expected 1..200 bytes of text");
          g_free (s->name);
          s->name = g_strdup (value);
          *have_name = TRUE;
        }
      else if (strcmp (key, "scenario") == 0)
        {
          /* Beside the sweep file, else in the data directory. */
          g_autofree char *dir = g_path_get_dirname (s->path);
          g_autofree char *searched = NULL;
          g_free (s->scenario_path);
          s->scenario_path = model_datapath_resolve (value, dir, s->data_dir, "the sweep file",
                                                     &s->scenario_where, &searched);
          if (s->scenario_where == MODEL_DATAPATH_MISSING)
            return fail (error, MODEL_ROLLOUT_NOT_FOUND, s->path, line, "[sweep] scenario: %s: "
                         "no such file beside the sweep file%s, expected a scenario; searched "
                         "%s", value, s->data_dir != NULL ? " or in the data directory" : "",
                         searched);
          *have_scenario = TRUE;
        }
      else if (strcmp (key, "replications") == 0)
        {
          guint64 u;
          if (!model_csv_parse_uint (value, 100000, &u) || u == 0)
            return fail (error, MODEL_ROLLOUT_INVALID, s->path, line, "[sweep] replications: "
                         "\"%s\" is not a count, expected 1..100000", value);
          s->replications = (guint) u;
        }
      else
        return fail (error, MODEL_ROLLOUT_INVALID, s->path, line, "[sweep] %s: unknown key, "
                     "expected name, scenario or replications", key);
      return TRUE;
    }
  /* [grid] */
  const char *dot = strchr (key, '.');
  if (dot == NULL || dot == key || dot[1] == '\0')
    return fail (error, MODEL_ROLLOUT_INVALID, s->path, line, "[grid] %s: expected GROUP.KEY of "
                 "the scenario (e.g. adoption.imitation)", key);
  for (guint a = 0; a < axes->len; a++)
    {
      const ModelSweepAxis *x = &g_array_index (axes, ModelSweepAxis, a);
      if (strncmp (key, x->group, (gsize) (dot - key)) == 0 && x->group[dot - key] == '\0'
          && strcmp (dot + 1, x->key) == 0)
        return fail (error, MODEL_ROLLOUT_INVALID, s->path, line, "[grid] %s: given twice, "
                     "expected each key once", key);
    }
  if (*value == '\0')  /* g_strsplit would give no value at all: an axis of none */
    return fail (error, MODEL_ROLLOUT_INVALID, s->path, line, "[grid] %s: value 1 is empty, "
                 "expected values separated by ';'", key);
  ModelSweepAxis x = { g_strndup (key, (gsize) (dot - key)), g_strdup (dot + 1), NULL, 0, line };
  x.values = g_strsplit (value, ";", -1);
  for (guint i = 0; x.values[i] != NULL; i++)
    {
      g_strstrip (x.values[i]);
      if (x.values[i][0] == '\0' || strchr (x.values[i], '\n') != NULL)
        {
          g_free (x.group);
          g_free (x.key);
          g_strfreev (x.values);
          return fail (error, MODEL_ROLLOUT_INVALID, s->path, line, "[grid] %s: value %u is "
                       "empty, expected values separated by ';'", key, i + 1);
        }
      x.n_values++;
    }
  g_array_append_val (axes, x);
  return TRUE;
}

/* Point p must be a valid scenario; else FALSE with the error blamed on the
 * grid line of the key the scenario complains about. */
static gboolean
check_point (const ModelSweep *s, guint p, GError **error)
{
  g_autoptr (GError) e = NULL;
  g_autoptr (ModelScenario) sc = model_sweep_point_scenario (s, p, &e);
  if (sc != NULL)
    return TRUE;
  guint line = s->axes[0].line;
  for (guint a = 0; a < s->n_axes; a++)
    {
      g_autofree char *tag = g_strdup_printf ("[%s] %s:", s->axes[a].group, s->axes[a].key);
      if (strstr (e->message, tag) != NULL)
        line = s->axes[a].line;
    }
  g_autofree char *label = model_sweep_point_label (s, p);
  return fail (error, MODEL_ROLLOUT_INVALID, s->path, line, "point %u (%s): %s", p, label,
               e->message);
}

gboolean
model_sweep_check_points (const ModelSweep *s, GError **error)
{
  for (guint p = 0; p < s->n_points; p++)
    if (!check_point (s, p, error))
      return FALSE;
  return TRUE;
}

ModelSweep *
model_sweep_load (const char *path, GError **error)
{
  return model_sweep_load_in (path, NULL, error);
}

ModelSweep *
model_sweep_load_in (const char *path, const char *data_dir, GError **error)
{
  g_autoptr (ModelSweep) s = g_new0 (ModelSweep, 1);
  g_autofree char *text = NULL;
  gsize len;
  g_autoptr (GError) e = NULL;
  s->path = g_strdup (path);
  s->data_dir = g_strdup (data_dir);
  if ((text = base_file_read_regular (path, MODEL_SCENARIO_MAX_BYTES, &len, NULL, &e)) == NULL)
    return fail (error, MODEL_ROLLOUT_NOT_FOUND, path, 1, "cannot read: %s", e->message), NULL;
  if (!g_utf8_validate (text, (gssize) len, NULL) || memchr (text, '\0', len) != NULL)
    return fail (error, MODEL_ROLLOUT_INVALID, path, 1, "not UTF-8 text"), NULL;
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  g_autoptr (GArray) axes = g_array_new (FALSE, TRUE, sizeof (ModelSweepAxis));
  g_autofree char *group = NULL;
  gboolean have_name = FALSE, have_scenario = FALSE, ok = TRUE;
  for (guint i = 0; ok && lines[i] != NULL; i++)
    {
      char *l = g_strstrip (lines[i]);
      if (*l == '\0' || *l == '#')
        continue;
      if (*l == '[')
        {
          if (l[strlen (l) - 1] != ']'
              || (strcmp (l, "[sweep]") != 0 && strcmp (l, "[grid]") != 0))
            {
              ok = fail (error, MODEL_ROLLOUT_INVALID, path, i + 1, "%s: unknown group, "
                         "expected [sweep] or [grid]", l);
              break;  /* and no name taken from it: "[" has none */
            }
          g_free (group);
          group = g_strndup (l + 1, strlen (l) - 2);
          continue;
        }
      char *eq = strchr (l, '=');
      if (eq == NULL || group == NULL)
        {
          ok = fail (error, MODEL_ROLLOUT_INVALID, path, i + 1, "expected \"key = value\" "
                     "inside [sweep] or [grid]");
          break;
        }
      *eq = '\0';
      ok = parse_line (s, group, g_strstrip (l), g_strstrip (eq + 1), i + 1, axes, &have_name,
                       &have_scenario, error);
    }
  s->n_axes = axes->len;
  s->axes = (ModelSweepAxis *) (void *) g_array_free (g_steal_pointer (&axes), FALSE);
  if (!ok)
    return NULL;
  if (!have_name || !have_scenario)
    return fail (error, MODEL_ROLLOUT_INVALID, path, 1, "[sweep] %s: missing, expected it",
                 have_name ? "scenario" : "name"), NULL;
  if (s->n_axes == 0)
    return fail (error, MODEL_ROLLOUT_INVALID, path, 1, "[grid]: no key, expected at least one "
                 "GROUP.KEY = VALUE; VALUE ..."), NULL;
  guint64 n = 1;
  for (guint a = 0; a < s->n_axes; a++)
    n *= s->axes[a].n_values;
  if (n > MAX_POINTS)
    return fail (error, MODEL_ROLLOUT_INVALID, path, 1, "[grid]: %" G_GUINT64_FORMAT " points, "
                 "expected at most %u", n, MAX_POINTS), NULL;
  s->n_points = (guint) n;
  if ((s->base_text = base_file_read_regular (s->scenario_path, MODEL_SCENARIO_MAX_BYTES,
                                              &s->base_len, NULL, &e)) == NULL)
    return fail (error, MODEL_ROLLOUT_NOT_FOUND, path, 1, "[sweep] scenario: cannot read: %s",
                 e->message), NULL;
  /* Every value of every axis (with the others at their first value) and
   * the last point: what a point could get wrong alone, at once, however
   * many points; model_sweep_check_points checks every combination. */
  for (guint a = 0; a < s->n_axes; a++)
    {
      guint stride = 1;
      for (guint b = a + 1; b < s->n_axes; b++)
        stride *= s->axes[b].n_values;
      for (guint v = 0; v < s->axes[a].n_values; v++)
        if (!check_point (s, v * stride, error))
          return NULL;
    }
  if (!check_point (s, s->n_points - 1, error))
    return NULL;
  return g_steal_pointer (&s);
}

guint
model_sweep_index (const ModelSweep *s, guint point, guint axis)
{
  guint stride = 1;
  for (guint a = axis + 1; a < s->n_axes; a++)
    stride *= s->axes[a].n_values;
  return point / stride % s->axes[axis].n_values;
}

char *
model_sweep_text_with (const char *base_text, gsize base_len, const ModelSweepSetting *settings,
                       guint n_settings, guint replications, gsize *len_out)
{
  GString *t = g_string_new_len (base_text, (gssize) base_len);
  for (guint i = 0; i < n_settings; i++)
    model_scenario_text_set (t, settings[i].group, settings[i].key, settings[i].value);
  if (replications > 0)
    {
      g_autofree char *r = g_strdup_printf ("%u", replications);
      model_scenario_text_set (t, "scenario", "replications", r);
    }
  if (len_out != NULL)
    *len_out = t->len;
  return g_string_free (t, FALSE);
}

char *
model_sweep_point_text (const ModelSweep *s, guint point, gsize *len_out)
{
  g_autofree ModelSweepSetting *set = g_new (ModelSweepSetting, s->n_axes);
  for (guint a = 0; a < s->n_axes; a++)
    set[a] = (ModelSweepSetting) { s->axes[a].group, s->axes[a].key,
                                   s->axes[a].values[model_sweep_index (s, point, a)] };
  return model_sweep_text_with (s->base_text, s->base_len, set, s->n_axes, s->replications,
                                len_out);
}

char *
model_sweep_point_label (const ModelSweep *s, guint point)
{
  GString *l = g_string_new (NULL);
  for (guint a = 0; a < s->n_axes; a++)
    g_string_append_printf (l, "%s%s.%s=%s", a ? ", " : "", s->axes[a].group, s->axes[a].key,
                            s->axes[a].values[model_sweep_index (s, point, a)]);
  return g_string_free (l, FALSE);
}

char *
model_sweep_point_path (const ModelSweep *s, guint point)
{
  g_autofree char *dir = g_path_get_dirname (s->scenario_path);
  g_autofree char *base = g_strdup_printf ("%s-p%u.ini", s->name, point);
  for (char *c = base; *c; c++)
    if (*c == '/' || *c == '\\')
      *c = '_';
  return g_build_filename (dir, base, NULL);
}

ModelScenario *
model_sweep_point_scenario (const ModelSweep *s, guint point, GError **error)
{
  gsize len;
  g_autofree char *text = model_sweep_point_text (s, point, &len);
  g_autofree char *path = model_sweep_point_path (s, point);
  return model_scenario_load_text_in (text, len, path, s->data_dir, error);
}
