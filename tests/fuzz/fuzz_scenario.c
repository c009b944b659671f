/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer harness: rollout scenario files (model/rollout/scenario.h).  The
 * input is a scenario's text, loaded by model_scenario_load_text as if it
 * were FUZZ_TMPDIR/scenario.ini, and checked by model_scenario_check from
 * that file, as `essc scenario check` does: both must agree (valid for one
 * iff for the other, and load's error is check's first problem), and a
 * refusal must say why.  A scenario that loads goes on as `essc scenario
 * check` and the simulator's set-up go on: its hash, dates and name as
 * printed, the run-size estimate and its refusal (scenario_estimate.h),
 * each province's milestone ranges, the cardholders, ceilings, policy
 * multiplier, servers and arrival rate on its days, the implementation of
 * each channel and the latency platforms' names.
 *
 * So that valid scenarios load fully, the data files the shipped and test
 * scenarios name are copied into the temporary folder once, at the first
 * input: scenarios/data/ into FUZZ_TMPDIR/data/ and the small test files
 * of tests/data/small and tests/data/broken beside scenario.ini (the
 * sources from $ESSC_SRCDIR, else the tree two folders above the harness
 * binary, build-fuzz/fuzz/; without them every data file is just missing).
 */
#include "base/text.h"
#include "base/time.h"
#include "model/rollout/arrivals.h"
#include "model/rollout/latency.h"
#include "model/rollout/scenario.h"
#include "model/rollout/scenario_estimate.h"
#include "tests/fuzz/harness.h"

#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>

static char *data_dir;

/* Removes FUZZ_TMPDIR/data/ (harness.c removes only the files of the folder
 * itself; this atexit handler, registered later, runs first). */
static void
remove_data_dir (void)
{
  GDir *dir = g_dir_open (data_dir, 0, NULL);
  if (dir != NULL)
    {
      const char *name;
      while ((name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *path = g_build_filename (data_dir, name, NULL);
          g_remove (path);
        }
      g_dir_close (dir);
    }
  g_rmdir (data_dir);
  g_free (data_dir);
}

/* Copies the *.csv files of src into dst (skipping what cannot be read). */
static void
copy_csv (const char *src, const char *dst)
{
  g_autoptr (GDir) dir = g_dir_open (src, 0, NULL);
  if (dir == NULL)
    {
      g_printerr ("fuzz: cannot read %s, the harness's data\n", src);
      exit (2);
    }
  const char *name;
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      if (!g_str_has_suffix (name, ".csv"))
        continue;
      g_autofree char *from = g_build_filename (src, name, NULL);
      g_autofree char *to = g_build_filename (dst, name, NULL);
      g_autofree char *bytes = NULL;
      gsize len = 0;
      if (g_file_get_contents (from, &bytes, &len, NULL))
        g_file_set_contents (to, bytes, (gssize) len, NULL);
    }
}

static void
copy_data (void)
{
  const char *root = fuzz_srcdir ();
  data_dir = g_build_filename (fuzz_tmpdir (), "data", NULL);
  if (g_mkdir (data_dir, 0700) != 0)
    abort ();
  atexit (remove_data_dir);
  g_autofree char *shipped = g_build_filename (root, "scenarios", "data", NULL);
  g_autofree char *small = g_build_filename (root, "tests", "data", "small", NULL);
  g_autofree char *broken = g_build_filename (root, "tests", "data", "broken", NULL);
  copy_csv (shipped, data_dir);
  copy_csv (small, fuzz_tmpdir ());
  copy_csv (broken, fuzz_tmpdir ());
}

static void
problem_check (const char *message)
{
  if (message == NULL || message[0] == '\0')
    abort ();
}

/* What `essc scenario check` and the simulator's set-up ask of a loaded
 * scenario. */
static void
use (const ModelScenario *s)
{
  const char *hash = model_scenario_hash (s);
  if (strlen (hash) != 64)
    abort ();
  char start[BASE_TIME_DATE_SIZE], end[BASE_TIME_DATE_SIZE];
  base_time_format_date (s->start, start);
  base_time_format_date (s->end, end);
  g_autofree char *name = base_text_printable (s->name, strlen (s->name), 80);
  if (name[0] == '\0')
    abort ();

  ModelRunEstimate est;
  model_run_estimate (s, s->replications, 1, &est);
  g_autofree char *size = model_run_estimate_text (&est);
  g_autofree char *refusal = model_run_estimate_refusal (&est);
  if (size[0] == '\0' || (refusal != NULL && refusal[0] == '\0'))
    abort ();
  model_run_estimate (s, s->replications, 4, &est);
  g_autofree char *size4 = model_run_estimate_text (&est);
  if (size4[0] == '\0')
    abort ();

  gint32 days[] = { s->start, s->end, s->start + (s->end - s->start) / 2, s->start - 1,
                    s->end + 1, s->target_2019, s->target_2020 };
  for (guint d = 0; d < G_N_ELEMENTS (days); d++)
    {
      (void) model_scenario_cardholders_on (s, days[d]);
      (void) model_scenario_push_on (s, days[d]);
      (void) model_arrivals_rate_on (s, days[d]);
      (void) model_day_type (days[d]);
      for (int b = 0; b < MODEL_N_AGE_BANDS; b++)
        for (int a = 0; a < MODEL_N_AREAS; a++)
          (void) model_scenario_ceiling (s, (ModelAgeBand) b, (ModelArea) a, days[d]);
    }
  for (guint i = 0; i < s->n_growth; i++)
    (void) model_scenario_cardholders_on (s, s->growth[i].day);
  for (guint i = 0; i < s->n_pushes; i++)
    (void) model_scenario_push_on (s, s->pushes[i].first);

  for (int m = 0; m < MODEL_N_MILESTONES; m++)
    for (guint p = 0; p < s->cities->n_provinces; p++)
      {
        const ModelDateRange *r = model_scenario_milestone (s, (ModelMilestone) m,
                                                            s->cities->provinces[p].code);
        if (r == NULL || r->first > r->last)
          abort ();
      }
  for (guint c = 0; c < s->catalogue->n_channels; c++)
    (void) model_scenario_impl_for (s, (int) c);

  guint n_platforms = model_latency_n_platforms (s);
  for (guint p = 0; p < n_platforms; p++)
    {
      g_autofree char *platform = model_latency_platform_name (s, p);
      if (platform[0] == '\0')
        abort ();
      (void) model_latency_servers_on (s, p, s->start);
      (void) model_latency_servers_on (s, p, s->end);
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  if (data_dir == NULL)
    copy_data ();
  const char *path = fuzz_file ("scenario.ini", data, size);
  g_autofree char *text = fuzz_text (data, size);

  g_autoptr (GError) error = NULL;
  g_autoptr (ModelScenario) s = model_scenario_load_text (text, size, path, &error);
  g_autoptr (GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);
  gboolean valid = model_scenario_check (path, problems);

  if (s == NULL)
    {
      problem_check (error != NULL ? error->message : NULL);
      if (valid || problems->len == 0 || strcmp (problems->pdata[0], error->message) != 0)
        abort ();
      for (guint i = 0; i < problems->len; i++)
        problem_check (problems->pdata[i]);
      return 0;
    }
  if (!valid || problems->len != 0)
    abort ();
  use (s);
  return 0;
}
