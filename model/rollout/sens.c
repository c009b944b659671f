/* SPDX-License-Identifier: MIT */
/*
 * A sensitivity analysis of the rollout (see sens.h): its parameters checked
 * against the base scenario, its points' scenarios, the outputs table and
 * the analysis of every output from the points' results.
 */
#include "model/rollout/sens.h"

#include "base/error.h"
#include "base/file.h"
#include "model/rollout/scenario_csv.h"

#include <math.h>
#include <string.h>

G_DEFINE_QUARK (model-sens-error-quark, model_sens_error)

/* ---- the outputs ---------------------------------------------------------- */

static double
get_holders (const ModelSweepResult *r, guint t)
{
  return r->holders[t];
}

static double
get_share (const ModelSweepResult *r, guint t)
{
  return r->share[t];
}

static double
get_cities (const ModelSweepResult *r, guint t)
{
  return r->cities[t];
}

static double
get_probability (const ModelSweepResult *r, guint goal)
{
  return r->probability[goal];
}

static double
get_goal_cities (const ModelSweepResult *r, guint goal)
{
  return r->goal_cities[goal];
}

static double
get_worst_p99 (const ModelSweepResult *r, guint unused)
{
  return r->worst_p99;
}

/* One line per output: what essc sensitivity analyses. */
static const ModelSensOutput outputs[] = {
  { "holders_2019", "national e-card holders on the 1st target date (mean over replications)",
    "people", get_holders, MODEL_TARGET_2019 },
  { "share_2019", "share of the cardholders holding an e-card on the 1st target date",
    "share", get_share, MODEL_TARGET_2019 },
  { "cities_2019", "cities whose share reached the 1st target on or before its date (mean "
    "over replications)", "cities", get_cities, MODEL_TARGET_2019 },
  { "holders_2020", "national e-card holders on the 2nd target date (mean over replications)",
    "people", get_holders, MODEL_TARGET_2020 },
  { "share_2020", "share of the cardholders holding an e-card on the 2nd target date",
    "share", get_share, MODEL_TARGET_2020 },
  { "cities_2020", "cities whose share reached the 2nd target on or before its date (mean "
    "over replications)", "cities", get_cities, MODEL_TARGET_2020 },
  { "cities_mobile_payment", "cities with mobile payment open by its target date (mean over "
    "replications)", "cities", get_goal_cities, MODEL_GOAL_MOBILE_PAYMENT },
  { "cities_unified_settlement", "cities switched to unified settlement by its target date "
    "(mean over replications)", "cities", get_goal_cities, MODEL_GOAL_UNIFIED_SETTLEMENT },
  { "p_share_2019", "probability that the nation meets the 1st share target (share of "
    "replications; docs/RUNDB.md \"Verdicts\")", "probability", get_probability,
    MODEL_GOAL_SHARE_2019 },
  { "p_share_2020", "probability that the nation meets the 2nd share target", "probability",
    get_probability, MODEL_GOAL_SHARE_2020 },
  { "p_mobile_payment", "probability that every city has mobile payment open by its date",
    "probability", get_probability, MODEL_GOAL_MOBILE_PAYMENT },
  { "p_unified_settlement", "probability that every city has unified settlement by its date",
    "probability", get_probability, MODEL_GOAL_UNIFIED_SETTLEMENT },
  { "worst_p99", "the national platform's p99 latency on its worst day (with the latency "
    "model)", "s", get_worst_p99, 0 },
};

const ModelSensOutput *
model_sens_outputs (guint *n_out)
{
  *n_out = G_N_ELEMENTS (outputs);
  return outputs;
}

/* ---- new and free --------------------------------------------------------- */

static void
outcome_clear (ModelSensOutcome *o)
{
  sim_sens_indices_free (o->indices);
  g_free (o->low);
  g_free (o->high);
}

void
model_sens_free (ModelSens *s)
{
  if (s == NULL)
    return;
  g_free (s->scenario_path);
  g_free (s->data_dir);
  g_free (s->base_text);
  model_scenario_free (s->base);
  for (guint i = 0; i < s->k; i++)
    {
      g_free (s->params[i].name);
      g_free (s->params[i].group);
      g_free (s->params[i].key);
    }
  g_free (s->params);
  sim_sens_design_free (s->design);
  if (s->results != NULL)
    for (guint p = 0; p < s->n_points; p++)
      model_sweep_result_free (s->results[p]);
  g_free (s->results);
  for (guint o = 0; o < s->n_outcomes; o++)
    outcome_clear (&s->outcomes[o]);
  g_free (s->outcomes);
  g_free (s);
}

ModelSens *
model_sens_new (const char *scenario_path, const char *data_dir, guint replications,
                const guint64 *seed, GError **error)
{
  g_autoptr (ModelSens) s = g_new0 (ModelSens, 1);
  s->scenario_path = g_strdup (scenario_path);
  s->data_dir = g_strdup (data_dir);
  g_autoptr (GError) e = NULL;
  gsize len;
  g_autofree char *text = base_file_read_regular (scenario_path, MODEL_SCENARIO_MAX_BYTES, &len,
                                                  NULL, &e);
  if (text == NULL)
    return base_fail (error, MODEL_SENS_ERROR, MODEL_ROLLOUT_NOT_FOUND, "%s: cannot read: %s",
                      scenario_path, e->message), NULL;
  char buf[32];
  ModelSweepSetting set = { "scenario", "seed", buf };
  if (seed != NULL)
    g_snprintf (buf, sizeof buf, "%" G_GUINT64_FORMAT, *seed);
  s->base_text = model_sweep_text_with (text, len, &set, seed != NULL ? 1 : 0, replications,
                                        &s->base_len);
  if ((s->base = model_scenario_load_text_in (s->base_text, s->base_len, scenario_path,
                                              s->data_dir, error)) == NULL)
    return NULL;
  return g_steal_pointer (&s);
}

/* ---- parameters ----------------------------------------------------------- */

static gboolean
refuse (GError **error, const char *text, const char *fmt, ...) G_GNUC_PRINTF (3, 4);

static gboolean
refuse (GError **error, const char *text, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  g_autofree char *msg = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  return base_fail (error, MODEL_SENS_ERROR, MODEL_ROLLOUT_INVALID, "--param %s: %s", text, msg);
}

/* "%.17g", whatever the locale: the value a point's text holds. */
static void
format_value (double v, char buf[G_ASCII_DTOSTR_BUF_SIZE])
{
  g_ascii_formatd (buf, G_ASCII_DTOSTR_BUF_SIZE, "%.17g", v);
}

/* The base scenario with group.key = v: NULL with the scenario's error. */
static ModelScenario *
load_with (const ModelSens *s, const char *group, const char *key, double v, GError **error)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  format_value (v, buf);
  ModelSweepSetting set = { group, key, buf };
  gsize len;
  g_autofree char *text = model_sweep_text_with (s->base_text, s->base_len, &set, 1, 0, &len);
  return model_scenario_load_text_in (text, len, s->scenario_path, s->data_dir, error);
}

gboolean
model_sens_add_param (ModelSens *s, const char *text, GError **error)
{
  g_return_val_if_fail (s->design == NULL, FALSE);
  const char *eq = strchr (text, '=');
  if (eq == NULL)
    return refuse (error, text, "expected GROUP.KEY=LOW..HIGH (as "
                   "adoption.imitation=0.0025..0.0075)");
  g_autofree char *name = g_strstrip (g_strndup (text, (gsize) (eq - text)));
  const char *dot = strchr (name, '.');
  if (dot == NULL || dot == name || dot[1] == '\0')
    return refuse (error, text, "\"%s\" is not GROUP.KEY of the scenario (as "
                   "adoption.imitation)", name);
  g_autofree char *range = g_strstrip (g_strdup (eq + 1));
  const char *dots = strstr (range, "..");
  if (dots == NULL)
    return refuse (error, text, "expected LOW..HIGH after '=' (as 0.0025..0.0075)");
  g_autofree char *lo_text = g_strstrip (g_strndup (range, (gsize) (dots - range)));
  g_autofree char *hi_text = g_strstrip (g_strdup (dots + 2));
  double low, high;
  if (!model_csv_parse_double (lo_text, &low) || !isfinite (low))
    return refuse (error, text, "LOW \"%s\" is not a number", lo_text);
  if (!model_csv_parse_double (hi_text, &high) || !isfinite (high))
    return refuse (error, text, "HIGH \"%s\" is not a number", hi_text);
  if (!(low < high))
    return refuse (error, text, "LOW %s is not below HIGH %s, expected LOW < HIGH", lo_text,
                   hi_text);
  for (guint i = 0; i < s->k; i++)
    if (strcmp (s->params[i].name, name) == 0)
      return refuse (error, text, "%s is given twice, expected each key once", name);
  if (s->k >= SIM_SENS_MAX_FACTORS)
    return refuse (error, text, "more than %u parameters", SIM_SENS_MAX_FACTORS);

  ModelSensParam p = { .low = low, .high = high };
  g_autofree char *group = g_strndup (name, (gsize) (dot - name));
  const char *key = dot + 1;
  g_autofree char *own = model_scenario_text_get (s->base_text, group, key);
  g_autoptr (GError) e = NULL;
  if (own != NULL)
    {
      if (!model_csv_parse_double (own, &p.nominal) || !isfinite (p.nominal))
        return refuse (error, text, "[%s] %s is \"%s\" in %s, not a number: only keys holding "
                       "a number can be varied", group, key, own, s->scenario_path);
    }
  else if (model_scenario_number (s->base, name, &p.nominal))
    p.nominal_default = TRUE;
  else
    {
      g_autoptr (ModelScenario) sc = load_with (s, group, key, low, &e);
      if (sc == NULL)
        return refuse (error, text, "with %s = %s the scenario is refused: %s", name, lo_text,
                       e->message);
      return refuse (error, text, "[%s] %s is not set in %s: set it there (the tornado holds "
                     "each parameter at the scenario's own value)", group, key,
                     s->scenario_path);
    }
  /* the scenario takes LOW, HIGH and a value inside (a key of whole numbers
   * does not), with the other keys at their values */
  const double probe[3] = { low, high, low + (high - low) / 3 };
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr (ModelScenario) sc = load_with (s, group, key, probe[i], &e);
      if (sc == NULL)
        {
          char buf[G_ASCII_DTOSTR_BUF_SIZE];
          format_value (probe[i], buf);
          return refuse (error, text, "with %s = %s the scenario is refused: %s", name, buf,
                         e->message);
        }
    }
  p.name = g_steal_pointer (&name);
  p.group = g_steal_pointer (&group);
  p.key = g_strdup (key);
  s->params = g_renew (ModelSensParam, s->params, s->k + 1);
  s->params[s->k++] = p;
  return TRUE;
}

/* ---- the points ----------------------------------------------------------- */

static gsize
n_design (const ModelSens *s)
{
  return s->design->n_points;
}

void
model_sens_point_values (const ModelSens *s, guint point, double *values)
{
  g_return_if_fail (s->design != NULL && point < s->n_points);
  if (point < n_design (s))
    {
      memcpy (values, &s->design->x[(gsize) point * s->k], s->k * sizeof (double));
      return;
    }
  for (guint i = 0; i < s->k; i++)
    values[i] = s->params[i].nominal;
  if (point == n_design (s))
    return;
  guint t = point - (guint) n_design (s) - 1, i = t / 2;
  values[i] = t % 2 == 0 ? s->params[i].low : s->params[i].high;
}

const char *
model_sens_point_kind (const ModelSens *s, guint point, gint *param)
{
  g_return_val_if_fail (s->design != NULL && point < s->n_points, NULL);
  if (param != NULL)
    *param = point <= n_design (s) ? -1 : (gint) ((point - n_design (s) - 1) / 2);
  if (point < n_design (s))
    return "design";
  if (point == n_design (s))
    return "base";
  return (point - n_design (s) - 1) % 2 == 0 ? "low" : "high";
}

/* The text of the base with the k values set. */
static char *
text_of (const ModelSens *s, const double *values, gsize *len_out)
{
  g_autofree ModelSweepSetting *set = g_new (ModelSweepSetting, s->k);
  g_autofree char *bufs = g_new (char, (gsize) s->k * G_ASCII_DTOSTR_BUF_SIZE);
  for (guint i = 0; i < s->k; i++)
    {
      char *b = bufs + (gsize) i * G_ASCII_DTOSTR_BUF_SIZE;
      format_value (values[i], b);
      set[i] = (ModelSweepSetting) { s->params[i].group, s->params[i].key, b };
    }
  return model_sweep_text_with (s->base_text, s->base_len, set, s->k, 0, len_out);
}

char *
model_sens_point_text (const ModelSens *s, guint point, gsize *len_out)
{
  g_autofree double *v = g_new (double, s->k);
  model_sens_point_values (s, point, v);
  return text_of (s, v, len_out);
}

/* DIR/NAME-sens-pP.ini beside the base scenario (NAME without slashes). */
static char *
point_path (const ModelSens *s, const char *suffix)
{
  g_autofree char *dir = g_path_get_dirname (s->scenario_path);
  g_autofree char *base = g_strdup_printf ("%s-sens-%s.ini", s->base->name, suffix);
  for (char *c = base; *c; c++)
    if (*c == '/' || *c == '\\')
      *c = '_';
  return g_build_filename (dir, base, NULL);
}

ModelScenario *
model_sens_point_scenario (const ModelSens *s, guint point, GError **error)
{
  gsize len;
  g_autofree char *text = model_sens_point_text (s, point, &len);
  g_autofree char *suffix = g_strdup_printf ("p%u", point);
  g_autofree char *path = point_path (s, suffix);
  return model_scenario_load_text_in (text, len, path, s->data_dir, error);
}

gboolean
model_sens_design (ModelSens *s, const SimSensSpec *spec, GError **error)
{
  g_return_val_if_fail (s->design == NULL, FALSE);
  if (s->k == 0)
    return base_fail (error, MODEL_SENS_ERROR, MODEL_ROLLOUT_INVALID, "no parameter: expected "
                      "at least one --param GROUP.KEY=LOW..HIGH");
  g_autofree double *low = g_new (double, s->k), *high = g_new (double, s->k);
  for (guint i = 0; i < s->k; i++)
    {
      low[i] = s->params[i].low;
      high[i] = s->params[i].high;
    }
  /* the corners: every parameter at LOW, every one at HIGH */
  for (guint c = 0; c < 2; c++)
    {
      gsize len;
      g_autofree char *text = text_of (s, c == 0 ? low : high, &len);
      g_autofree char *path = point_path (s, c == 0 ? "low" : "high");
      g_autoptr (GError) e = NULL;
      g_autoptr (ModelScenario) sc = model_scenario_load_text_in (text, len, path, s->data_dir,
                                                                  &e);
      if (sc == NULL)
        return base_fail (error, MODEL_SENS_ERROR, MODEL_ROLLOUT_INVALID, "with every "
                          "parameter at its %s the scenario is refused: %s",
                          c == 0 ? "LOW" : "HIGH", e->message);
    }
  SimSensSpec sp = *spec;
  sp.k = s->k;
  sp.low = low;
  sp.high = high;
  g_autoptr (GError) e = NULL;
  if ((s->design = sim_sens_design_new (&sp, &e)) == NULL)
    return base_fail (error, MODEL_SENS_ERROR, MODEL_ROLLOUT_INVALID, "the design: %s",
                      e->message);
  s->n_points = s->design->n_points + 1 + 2 * s->k;
  return TRUE;
}

/* ---- the analysis --------------------------------------------------------- */

double
model_sens_value (const ModelSens *s, guint outcome, guint point)
{
  const ModelSensOutput *o = s->outcomes[outcome].output;
  return o->get (s->results[point], o->arg);
}

gboolean
model_sens_analyse (ModelSens *s, ModelSweepResult **results, guint bootstrap, double level,
                    GError **error)
{
  g_return_val_if_fail (s->design != NULL && s->results == NULL, FALSE);
  s->results = results;
  s->bootstrap = bootstrap;
  s->level = level;
  s->outcomes = g_new0 (ModelSensOutcome, G_N_ELEMENTS (outputs));
  const guint nd = s->design->n_points;
  g_autofree double *y = g_new (double, s->n_points);
  for (guint o = 0; o < G_N_ELEMENTS (outputs); o++)
    {
      guint finite = 0, bad = 0;
      for (guint p = 0; p < s->n_points; p++)
        {
          y[p] = outputs[o].get (results[p], outputs[o].arg);
          if (isfinite (y[p]))
            finite++;
          else
            bad = p;
        }
      if (finite == 0)
        continue;   /* an output these runs do not have */
      if (finite < s->n_points)
        return base_fail (error, MODEL_SENS_ERROR, MODEL_ROLLOUT_INTERNAL, "output %s is %g "
                          "at point %u but a number elsewhere", outputs[o].name, y[bad], bad);
      ModelSensOutcome *out = &s->outcomes[s->n_outcomes];
      g_autoptr (GError) e = NULL;
      if ((out->indices = sim_sens_analyse (s->design, y, bootstrap, level, &e)) == NULL)
        return base_fail (error, MODEL_SENS_ERROR, MODEL_ROLLOUT_INTERNAL, "output %s: %s",
                          outputs[o].name, e->message);
      out->output = &outputs[o];
      out->base = y[nd];
      out->low = g_new (double, s->k);
      out->high = g_new (double, s->k);
      for (guint i = 0; i < s->k; i++)
        {
          out->low[i] = y[nd + 1 + 2 * i];
          out->high[i] = y[nd + 2 + 2 * i];
        }
      s->n_outcomes++;
    }
  return TRUE;
}

/* The key a parameter ranks by (larger first; NaN as -inf). */
static double
rank_key (const ModelSens *s, guint o, gboolean by_tornado, guint i)
{
  const ModelSensOutcome *out = &s->outcomes[o];
  double v = by_tornado ? fabs (out->high[i] - out->low[i])
             : s->design->method == SIM_SENS_MORRIS ? out->indices->index[i].mu_star
                                                    : out->indices->index[i].st;
  return isnan (v) ? -INFINITY : v;
}

void
model_sens_rank (const ModelSens *s, guint o, gboolean by_tornado, guint *order)
{
  g_return_if_fail (o < s->n_outcomes);
  /* insertion sort: stable, and k is small */
  for (guint i = 0; i < s->k; i++)
    {
      guint j = i;
      double v = rank_key (s, o, by_tornado, i);
      while (j > 0 && rank_key (s, o, by_tornado, order[j - 1]) < v)
        {
          order[j] = order[j - 1];
          j--;
        }
      order[j] = i;
    }
}
