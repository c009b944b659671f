/* SPDX-License-Identifier: MIT */
/*
 * The calibration scenario against the published figures: every e-card
 * holder count of scenarios/data/essc-milestones-2019-2020.csv is within
 * 20% of the simulated national mean on its date, and the cities with
 * mobile payment open within 20% of the published counts (issue 4).
 */
#include "model/rollout/rollout.h"
#include "model/rollout/scenario.h"
#include "model/rollout/scenario_csv.h"
#include "tests/lib/run.h"
#include "tests/lib/testutil.h"

#include <math.h>
#include <string.h>

static void
test_published_within_20_percent (void)
{
  g_autofree char *path = essc_test_src_path ("scenarios", "calibration-2019-2020.ini", NULL);
  g_autofree char *published = essc_test_src_path ("scenarios", "data",
                                                   "essc-milestones-2019-2020.csv", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (ModelScenario) sc = model_scenario_load (path, &error);
  g_assert_no_error (error);
  const guint R = 4;
  ModelRolloutOptions o = { .replications = R, .jobs = 2 };
  g_autoptr (ModelRolloutResult) r = model_rollout_run (sc, &o, &error);
  g_assert_no_error (error);
  g_autofree double *mean = g_new (double, r->n_days);
  sim_series_set_summarise (r->national, MODEL_SERIES_HOLDERS, 0, 0.05, 0.95, mean, NULL, NULL);

  g_autofree char *text = NULL;
  g_assert_true (g_file_get_contents (published, &text, NULL, &error));
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  guint checked = 0;
  for (int i = 1; lines[i] != NULL; i++)
    {
      g_auto (GStrv) f = g_strsplit (lines[i], ",", 4);
      gint32 day;
      if (g_strv_length (f) < 3 || !model_csv_parse_date (f[0], &day))
        continue;
      double value = g_ascii_strtod (f[2], NULL), sim;
      if (strcmp (f[1], "ecard_holders") == 0)
        sim = mean[day - r->start];
      else if (strcmp (f[1], "mobile_payment_cities") == 0)
        {
          double open = 0;
          for (guint c = 0; c < r->n_cities; c++)
            for (guint rep = 0; rep < R; rep++)
              {
                gint32 iss = r->milestone[((gsize) MODEL_MILESTONE_ISSUANCE * r->n_cities + c) * R
                                          + rep];
                gint32 mob = r->milestone[((gsize) MODEL_MILESTONE_MOBILE_PAYMENT * r->n_cities
                                           + c) * R + rep];
                open += MAX (iss, mob) <= day;
              }
          sim = open / R;
        }
      else
        continue;
      g_test_message ("%s %s: published %.0f, simulated %.0f (%+.1f%%)", f[0], f[1], value, sim,
                      100 * (sim - value) / value);
      if (fabs (sim - value) > 0.2 * value)
        g_error ("%s %s: simulated %.0f is not within 20%% of the published %.0f", f[0], f[1], sim,
                 value);
      checked++;
    }
  g_assert_cmpuint (checked, >=, 9);
}

int
main (int argc, char **argv)
{
  essc_test_init (&argc, &argv);
  g_test_add_func ("/calibration/published-figures-within-20-percent",
                   test_published_within_20_percent);
  return g_test_run ();
}
