/* SPDX-License-Identifier: MIT */
/*
 * The [calibration] group of a scenario: which parameters `essc calibrate`
 * fits and their priors (free.GROUP.KEY = LO..HI, with " log" for a
 * log-uniform prior), the published figures it fits, the ABC-SMC settings,
 * and the posterior it wrote (posterior = FILE), from which `essc sim`
 * draws each replication's parameters.  Problems are appended with their
 * lines, as scenario_keys.c does for the other groups.
 */
#include "model/rollout/posterior.h"
#include "model/rollout/scenario_private.h"

#include "base/names.h"

#include <math.h>
#include <string.h>

/* The quantities the model simulates, and so can be fitted. */
static const char *const fittable[] = {
  "ecard_holders", "channels", "mobile_payment_cities", "physical_holders",
};

static const char *const keys[] = {
  "figures", "error", "particles", "generations", "max_simulations", "quantile", "posterior",
};

void
scen_calibration_defaults (ModelScenario *s)
{
  ModelCalibration *c = &s->calibration;
  c->figures = g_new0 (char *, 2);
  c->figures[0] = g_strdup ("ecard_holders");
  c->error = 0.05;
  c->particles = 100;
  c->generations = 6;
  c->max_simulations = 2000;
  c->quantile = 0.5;
}

/* free.GROUP.KEY = LO..HI [log] */
static char *
parse_free (const char *name, const char *value, ModelCalibration *c)
{
  gsize offset;
  double key_lo, key_hi, lo, hi;
  if (!scen_number_key (name, &offset, &key_lo, &key_hi))
    return g_strdup_printf ("%s is not a number-valued key of the scenario, expected "
                            "free.GROUP.KEY naming one (e.g. free.adoption.innovation)", name);
  /* the non-empty words, borrowed from the split (which keeps owning them:
   * moving them inside it freed some twice and others never) */
  g_auto (GStrv) split = g_strsplit (value, " ", -1);
  const char *words[2] = { NULL, NULL };
  guint n = 0;
  for (guint i = 0; split[i] != NULL; i++)
    if (*split[i] != '\0' && n++ < G_N_ELEMENTS (words))
      words[n - 1] = split[i];
  gboolean log_scale = n == 2 && strcmp (words[1], "log") == 0;
  const char *dots = n >= 1 ? strstr (words[0], "..") : NULL;
  if (dots == NULL || (n != 1 && !log_scale))
    return g_strdup_printf ("\"%s\" is not a prior, expected LO..HI or LO..HI log", value);
  g_autofree char *a = g_strndup (words[0], (gsize) (dots - words[0]));
  if (!model_csv_parse_double (a, &lo) || !model_csv_parse_double (dots + 2, &hi))
    return g_strdup_printf ("\"%s\" is not a prior, expected numbers LO..HI", value);
  if (!(lo < hi))
    return g_strdup_printf ("%s..%s is empty, expected LO < HI", a, dots + 2);
  if (lo < key_lo || hi > key_hi)
    return g_strdup_printf ("%s..%s is outside the key's range [%g, %g]", a, dots + 2, key_lo,
                            key_hi);
  if (log_scale && lo <= 0)
    return g_strdup_printf ("a log prior needs LO > 0, got %s", a);
  for (guint p = 0; p < c->n_free; p++)
    if (c->free[p].offset == offset)
      return g_strdup_printf ("%s is free twice (as %s), expected each key once", name,
                              c->free[p].name);
  c->free = g_renew (ModelFreeParam, c->free, c->n_free + 1);
  c->free[c->n_free++] = (ModelFreeParam) { g_strdup (name), offset, lo, hi, log_scale };
  return NULL;
}

static char *
parse_key (const char *key, const char *value, ModelCalibration *c)
{
  guint64 u;
  double d;
  if (strcmp (key, "figures") == 0)
    {
      g_auto (GStrv) items = g_strsplit (value, ",", -1);
      g_autoptr (GPtrArray) out = g_ptr_array_new_with_free_func (g_free);
      for (guint i = 0; items[i] != NULL; i++)
        {
          char *q = g_strstrip (items[i]);
          if (base_name_index (fittable, G_N_ELEMENTS (fittable), q) < 0)
            return g_strdup_printf ("\"%s\" is not a quantity the model simulates, expected "
                                    "ecard_holders, channels, mobile_payment_cities or "
                                    "physical_holders", q);
          g_ptr_array_add (out, g_strdup (q));
        }
      g_ptr_array_add (out, NULL);
      g_strfreev (c->figures);
      c->figures = (char **) g_ptr_array_free (g_steal_pointer (&out), FALSE);
      return NULL;
    }
  if (strcmp (key, "posterior") == 0)
    {
      g_free (c->posterior_path);
      c->posterior_path = g_strdup (value);  /* looked up when loaded */
      return NULL;
    }
  if (strcmp (key, "error") == 0 || strcmp (key, "quantile") == 0)
    {
      gboolean q = strcmp (key, "quantile") == 0;
      if (!model_csv_parse_double (value, &d) || !(d > 0) || (q && d >= 1))
        return g_strdup_printf ("\"%s\" is not %s", value,
                                q ? "a quantile, expected a number in (0, 1)"
                                  : "a relative error, expected a number > 0");
      *(q ? &c->quantile : &c->error) = d;
      return NULL;
    }
  guint max = strcmp (key, "generations") == 0 ? 100 : 10000000;
  guint min = strcmp (key, "particles") == 0 ? 2 : 1;
  if (!model_csv_parse_uint (value, max, &u) || u < min)
    return g_strdup_printf ("\"%s\" is not a count, expected a whole number %u..%u", value, min,
                            max);
  *(strcmp (key, "particles") == 0 ? &c->particles
    : strcmp (key, "generations") == 0 ? &c->generations
                                       : &c->max_simulations) = (guint) u;
  return NULL;
}

void
scen_calibration_parse (ScenCheck *check, ModelScenario *s)
{
  ModelCalibration *c = &s->calibration;
  guint group_line = scen_group_line (check, "calibration"), posterior_line = group_line;
  if (group_line == 0)
    return;
  for (guint i = 0; i < check->entries->len; i++)
    {
      const ScenEntry *e = check->entries->pdata[i];
      if (strcmp (e->group, "calibration") != 0)
        continue;
      g_autofree char *why = NULL;
      if (g_str_has_prefix (e->key, "free."))
        why = parse_free (e->key + 5, e->value, c);
      else if (base_name_index (keys, G_N_ELEMENTS (keys), e->key) >= 0)
        why = parse_key (e->key, e->value, c);
      else
        why = g_strdup ("unknown key, expected free.GROUP.KEY, figures, error, particles, "
                        "generations, max_simulations, quantile or posterior");
      if (why != NULL)
        scen_problem (check, e->line, e->group, e->key, "%s", why);
      if (strcmp (e->key, "posterior") == 0)
        posterior_line = e->line;
    }
  if (c->posterior_path == NULL)
    return;
  if (c->n_free == 0)
    {
      scen_problem (check, posterior_line, "calibration", "posterior", "a posterior without "
                    "free parameters, expected the free.* keys it was fitted for");
      return;
    }
  if (!scen_data_path (check, s, posterior_line, "calibration", "posterior", &c->posterior_path))
    return;
  g_autoptr (GError) error = NULL;
  c->posterior = model_posterior_load (c->posterior_path, c->free, c->n_free,
                                       MODEL_SCENARIO_ERROR, &error);
  if (c->posterior == NULL)
    scen_problem (check, posterior_line, "calibration", "posterior",
                  "cannot load the posterior: %s", error->message);
}
