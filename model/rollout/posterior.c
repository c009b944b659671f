/* SPDX-License-Identifier: MIT */
/*
 * Posterior samples: the CSV form of essc calibrate's output (see
 * posterior.h), and setting a scenario's free parameters from a draw.
 */
#include "model/rollout/posterior.h"

#include "base/file.h"
#include "base/error.h"
#include "base/hex.h"
#include "model/rollout/errors.h"
#include "model/rollout/scenario_csv.h"

#include <math.h>
#include <sodium.h>
#include <string.h>

ModelPosterior *
model_posterior_load (const char *path, const ModelFreeParam *free, guint n_free, GQuark domain,
                      GError **error)
{
  g_autofree const char **columns = g_new0 (const char *, n_free + 2);
  columns[0] = "weight";
  for (guint p = 0; p < n_free; p++)
    columns[p + 1] = free[p].name;
  /* One read: the hash is of the very bytes parsed. */
  g_autofree char *text = NULL;
  gsize len = 0;
  g_autoptr (GError) inner = NULL;
  if ((text = base_file_read_regular (path, MODEL_CSV_MAX_BYTES, &len, NULL, &inner)) == NULL)
    return base_fail (error, domain, MODEL_ROLLOUT_NOT_FOUND, "%s: cannot read: %s", path,
                      inner->message), NULL;
  g_autoptr (ModelCsv) csv = model_csv_parse (text, len, path, columns, domain, error);
  if (csv == NULL)
    return NULL;
  if (csv->rows->len == 0)
    return base_fail (error, domain, MODEL_ROLLOUT_INVALID,
                      "%s: no draws, expected one weighted draw per line", path), NULL;
  g_autoptr (ModelPosterior) post = g_new0 (ModelPosterior, 1);
  post->n_draws = csv->rows->len;
  post->n_params = n_free;
  post->weights = g_new (double, post->n_draws);
  post->theta = g_new (double, (gsize) post->n_draws * n_free);
  double sum = 0;
  for (guint i = 0; i < csv->rows->len; i++)
    {
      const ModelCsvRow *row = csv->rows->pdata[i];
      double w;
      if (!model_csv_parse_double (row->fields[0], &w) || w < 0)
        return model_csv_fail (error, domain, csv, row, 0, "\"%s\" is not a weight, expected "
                               "a number >= 0", row->fields[0]), NULL;
      post->weights[i] = w;
      sum += w;
      for (guint p = 0; p < n_free; p++)
        {
          double v;
          if (!model_csv_parse_double (row->fields[p + 1], &v) || v < free[p].lo
              || v > free[p].hi)
            return model_csv_fail (error, domain, csv, row, p + 1, "\"%s\" is not a value in "
                                   "the prior's support, expected a number in [%.17g, %.17g]",
                                   row->fields[p + 1], free[p].lo, free[p].hi), NULL;
          post->theta[(gsize) i * n_free + p] = v;
        }
    }
  if (!(sum > 0) || !isfinite (sum))
    return base_fail (error, domain, MODEL_ROLLOUT_INVALID,
                      "%s: the weights sum to %g, expected a positive finite sum", path, sum),
           NULL;
  for (guint i = 0; i < post->n_draws; i++)
    post->weights[i] /= sum;
  guint8 digest[32];
  crypto_generichash (digest, sizeof digest, (const guint8 *) text, len, NULL, 0);
  base_hex_encode (digest, sizeof digest, post->hash);
  return g_steal_pointer (&post);
}

GBytes *
model_posterior_format (const ModelFreeParam *free, guint n_free, const double *weights,
                        const double *theta, guint n)
{
  GString *out = g_string_new ("weight");
  for (guint p = 0; p < n_free; p++)
    g_string_append_printf (out, ",%s", free[p].name);
  g_string_append_c (out, '\n');
  for (guint i = 0; i < n; i++)
    {
      char buf[G_ASCII_DTOSTR_BUF_SIZE];
      g_string_append (out, g_ascii_formatd (buf, sizeof buf, "%.17g", weights[i]));
      for (guint p = 0; p < n_free; p++)
        {
          g_string_append_c (out, ',');
          g_string_append (out, g_ascii_formatd (buf, sizeof buf, "%.17g",
                                                 theta[(gsize) i * n_free + p]));
        }
      g_string_append_c (out, '\n');
    }
  return g_string_free_to_bytes (out);
}

guint
model_posterior_pick (const ModelPosterior *post, double u)
{
  double acc = 0;
  for (guint i = 0; i < post->n_draws; i++)
    {
      acc += post->weights[i];
      if (u < acc)
        return i;
    }
  return post->n_draws - 1;
}

void
model_free_params_apply (const ModelFreeParam *free, guint n_free, const double *theta,
                         ModelScenario *s)
{
  for (guint p = 0; p < n_free; p++)
    *(double *) (void *) ((char *) s + free[p].offset) = theta[p];
}

void
model_posterior_apply (const ModelPosterior *post, guint draw, const ModelFreeParam *free,
                       ModelScenario *s)
{
  model_free_params_apply (free, post->n_params, post->theta + (gsize) draw * post->n_params, s);
}

void
model_posterior_free (ModelPosterior *post)
{
  if (post == NULL)
    return;
  g_free (post->weights);
  g_free (post->theta);
  g_free (post);
}

void
model_calibration_clear (ModelCalibration *c)
{
  for (guint p = 0; p < c->n_free; p++)
    g_free (c->free[p].name);
  g_free (c->free);
  g_strfreev (c->figures);
  g_free (c->posterior_path);
  model_posterior_free (c->posterior);
  memset (c, 0, sizeof *c);
}
