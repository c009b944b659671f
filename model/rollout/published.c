/* SPDX-License-Identifier: MIT */
/*
 * Loading published figures (see published.h).
 */
#include "model/rollout/published.h"

#include "model/rollout/scenario_csv.h"

#include <math.h>
#include <string.h>

const char *const model_published_columns[] = { "date", "quantity", "value", "note", NULL };

static gboolean
is_name (const char *s)
{
  if (*s == '\0' || strlen (s) > 64)
    return FALSE;
  for (; *s; s++)
    if (!g_ascii_islower (*s) && !g_ascii_isdigit (*s) && *s != '_')
      return FALSE;
  return TRUE;
}

ModelPublished *
model_published_load (const char *path, guint *n_out, GQuark domain, GError **error)
{
  g_autoptr (ModelCsv) csv = model_csv_read (path, model_published_columns, domain, error);
  if (csv == NULL)
    return NULL;
  guint n = csv->rows->len;
  ModelPublished *out = g_new0 (ModelPublished, MAX (n, 1));
  for (guint i = 0; i < n; i++)
    {
      const ModelCsvRow *row = csv->rows->pdata[i];
      ModelPublished *p = &out[i];
      gboolean ok = TRUE;
      if (!model_csv_parse_date (row->fields[0], &p->day))
        ok = model_csv_fail (error, domain, csv, row, 0, "\"%s\" is not a date, expected "
                             "YYYY-MM-DD", row->fields[0]);
      else if (!is_name (row->fields[1]))
        ok = model_csv_fail (error, domain, csv, row, 1, "\"%s\" is not a quantity name, "
                             "expected 1..64 of a-z, 0-9, _", row->fields[1]);
      else if (!model_csv_parse_double (row->fields[2], &p->value) || !(p->value >= 0))
        ok = model_csv_fail (error, domain, csv, row, 2, "\"%s\" is not a value, expected a "
                             "number >= 0", row->fields[2]);
      if (!ok)
        {
          model_published_free (out, i);
          return NULL;
        }
      p->quantity = g_strdup (row->fields[1]);
      p->note = g_strdup (row->fields[3]);
    }
  *n_out = n;
  return out;
}

void
model_published_free (ModelPublished *f, guint n)
{
  if (f == NULL)
    return;
  for (guint i = 0; i < n; i++)
    {
      g_free (f[i].quantity);
      g_free (f[i].note);
    }
  g_free (f);
}
