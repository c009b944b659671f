/* SPDX-License-Identifier: MIT */
/*
 * Access shares by cell and their trend (see access.h): a strict CSV load,
 * then one least-squares line per (band, area).
 */
#include "model/rollout/access.h"

#include "base/names.h"
#include "model/rollout/scenario_csv.h"

#include <math.h>

const char *const model_access_columns[] = { "date", "band", "area", "share", "note", NULL };

enum { COL_DATE, COL_BAND, COL_AREA, COL_SHARE };

static const char *const band_names[MODEL_N_AGE_BANDS] = { "0-17", "18-59", "60+" };
static const char *const area_names[MODEL_N_AREAS] = { "urban", "rural", "all" };

const char *
model_age_band_name (ModelAgeBand band)
{
  return band < MODEL_N_AGE_BANDS ? band_names[band] : "?";
}

const char *
model_area_name (ModelArea area)
{
  return area < MODEL_N_AREAS ? area_names[area] : "?";
}

typedef struct {
  guint n;
  double st, ss, stt, sts;  /* sums of t, s, t*t, t*s (t: days from origin) */
} Fit;

ModelAccess *
model_access_load (const char *path, GQuark domain, GError **error)
{
  g_autoptr (ModelCsv) csv = model_csv_read (path, model_access_columns, domain, error);
  if (csv == NULL)
    return NULL;
  if (csv->rows->len == 0)
    return base_fail (error, domain, MODEL_ROLLOUT_INVALID,
                      "%s: no rows, expected shares by band and area at one date or more",
                      path), NULL;

  g_autofree gint32 *days = g_new (gint32, csv->rows->len);
  g_autofree guint *cell = g_new (guint, csv->rows->len);
  g_autofree double *share = g_new (double, csv->rows->len);
  g_autoptr (ModelAccess) a = g_new0 (ModelAccess, 1);
  a->first = G_MAXINT32;
  a->last = G_MININT32;
  for (guint i = 0; i < csv->rows->len; i++)
    {
      const ModelCsvRow *row = csv->rows->pdata[i];
      char **f = row->fields;
      int band = base_name_index (band_names, MODEL_N_AGE_BANDS, f[COL_BAND]);
      int area = base_name_index (area_names, MODEL_N_AREAS, f[COL_AREA]);
      if (!model_csv_parse_date (f[COL_DATE], &days[i]))
        return model_csv_fail (error, domain, csv, row, COL_DATE,
                               "\"%s\" is not a date, expected YYYY-MM-DD", f[COL_DATE]), NULL;
      if (band < 0)
        return model_csv_fail (error, domain, csv, row, COL_BAND,
                               "\"%s\" is not a band, expected 0-17, 18-59 or 60+",
                               f[COL_BAND]), NULL;
      if (area < 0)
        return model_csv_fail (error, domain, csv, row, COL_AREA,
                               "\"%s\" is not an area, expected urban, rural or all",
                               f[COL_AREA]), NULL;
      if (!model_csv_parse_double (f[COL_SHARE], &share[i]) || share[i] < 0 || share[i] > 1)
        return model_csv_fail (error, domain, csv, row, COL_SHARE,
                               "\"%s\" is not a share, expected a number in [0, 1]",
                               f[COL_SHARE]), NULL;
      cell[i] = (guint) band * MODEL_N_AREAS + (guint) area;
      for (guint j = 0; j < i; j++)
        if (cell[j] == cell[i] && days[j] == days[i])
          return model_csv_fail (error, domain, csv, row, COL_DATE,
                                 "%s %s on %s is given twice (line %u), expected one share per "
                                 "band, area and date", f[COL_BAND], f[COL_AREA], f[COL_DATE],
                                 ((const ModelCsvRow *) csv->rows->pdata[j])->line), NULL;
      a->first = MIN (a->first, days[i]);
      a->last = MAX (a->last, days[i]);
    }
  a->n_rows = csv->rows->len;
  a->origin = a->first + (a->last - a->first) / 2;

  Fit fit[MODEL_N_AGE_BANDS * MODEL_N_AREAS] = { { 0 } };
  for (guint i = 0; i < csv->rows->len; i++)
    {
      Fit *x = &fit[cell[i]];
      double t = days[i] - a->origin;
      x->n++;
      x->st += t;
      x->ss += share[i];
      x->stt += t * t;
      x->sts += t * share[i];
    }
  for (guint b = 0; b < MODEL_N_AGE_BANDS; b++)
    for (guint r = 0; r < MODEL_N_AREAS; r++)
      {
        const Fit *x = &fit[b * MODEL_N_AREAS + r];
        if (x->n == 0)
          return base_fail (error, domain, MODEL_ROLLOUT_INVALID,
                            "%s: no share for band %s, area %s, expected rows for every band "
                            "in each area urban, rural and all", path, band_names[b],
                            area_names[r]), NULL;
        double var = x->stt - x->st * x->st / x->n;
        double slope = x->n > 1 && var > 0 ? (x->sts - x->st * x->ss / x->n) / var : 0;
        a->slope[b][r] = slope;
        a->at[b][r] = x->ss / x->n - slope * x->st / x->n;
      }
  return g_steal_pointer (&a);
}

double
model_access_share (const ModelAccess *a, ModelAgeBand band, ModelArea area, gint32 day,
                    gboolean growth, double max)
{
  if (!growth)
    day = CLAMP (day, a->first, a->last);
  double s = a->at[band][area] + a->slope[band][area] * (double) (day - a->origin);
  return CLAMP (s, 0.0, max);
}

void
model_access_free (ModelAccess *a)
{
  g_free (a);
}
