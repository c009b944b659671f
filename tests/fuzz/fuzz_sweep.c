/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer harness: sweep files (model/rollout/sweep.h).  The input is
 * written as FUZZ_TMPDIR/input.sweep and loaded by model_sweep_load, which
 * also builds and checks every point's scenario; a refusal must say why.
 * A sweep that loads goes on as `essc sweep` does before running: the
 * points' value indices (inside their axes), labels, paths and scenario
 * texts, and the first and last point's scenario loaded.
 *
 * The base scenarios a sweep names are relative to it, so the test
 * scenarios of tests/data/small/ and their CSV files are copied beside it
 * once, at the first input (from $ESSC_SRCDIR, else the tree two folders
 * above the harness binary, build-fuzz/fuzz/; without them every base
 * scenario is missing).  Their five cities load fast, and every point of a
 * sweep is loaded; the shipped scenarios, over the 367 cities, would make
 * each input some thirty times slower (scenarios/channels-x-switch.sweep
 * is a seed with its base scenario replaced).
 */
#include "model/rollout/sweep.h"
#include "tests/fuzz/harness.h"

#include <stdlib.h>
#include <string.h>

/* Copies the files of src whose names end in .csv or .ini into dst. */
static void
copy_files (const char *src, const char *dst)
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
      if (!g_str_has_suffix (name, ".csv") && !g_str_has_suffix (name, ".ini"))
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
  g_autofree char *small = g_build_filename (root, "tests", "data", "small", NULL);
  copy_files (small, fuzz_tmpdir ());
}

static void
use (const ModelSweep *sw)
{
  if (sw->n_axes == 0 || sw->n_points == 0 || sw->name == NULL || sw->base_text == NULL)
    abort ();
  guint64 product = 1;
  for (guint a = 0; a < sw->n_axes; a++)
    product *= sw->axes[a].n_values;
  if (product != sw->n_points)
    abort ();
  /* every point's label and path; the texts of a few */
  for (guint p = 0; p < sw->n_points; p++)
    {
      for (guint a = 0; a < sw->n_axes; a++)
        if (model_sweep_index (sw, p, a) >= sw->axes[a].n_values)
          abort ();
      g_autofree char *label = model_sweep_point_label (sw, p);
      g_autofree char *path = model_sweep_point_path (sw, p);
      if (label[0] == '\0' || path[0] == '\0')
        abort ();
    }
  guint ends[] = { 0, sw->n_points - 1 };
  for (guint i = 0; i < G_N_ELEMENTS (ends); i++)
    {
      gsize len = 0;
      g_autofree char *text = model_sweep_point_text (sw, ends[i], &len);
      if (len == 0 || text[0] == '\0')
        abort ();
      g_autoptr (GError) error = NULL;
      g_autoptr (ModelScenario) s = model_sweep_point_scenario (sw, ends[i], &error);
      if (s == NULL)
        abort ();  /* the load checked every point */
      if (sw->replications > 0 && s->replications != sw->replications)
        abort ();
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  static gboolean copied;
  if (!copied)
    {
      copy_data ();
      copied = TRUE;
    }
  const char *path = fuzz_file ("input.sweep", data, size);
  g_autoptr (GError) error = NULL;
  g_autoptr (ModelSweep) sw = model_sweep_load (path, &error);
  if (sw == NULL)
    {
      if (error == NULL || error->message[0] == '\0')
        abort ();
      return 0;
    }
  use (sw);
  return 0;
}
