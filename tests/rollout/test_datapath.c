/* SPDX-License-Identifier: MIT */
/*
 * Tests of model/rollout/datapath: a relative path beside the naming file
 * wins over the data directory, the data directory is searched second, an
 * absolute path is taken as it is, and a path found nowhere lists every
 * place searched; and a scenario loaded with a data directory records which
 * file it took for each data key and why.
 */
#include "model/rollout/datapath.h"
#include "model/rollout/scenario.h"
#include "model/rollout/sweep.h"
#include "tests/lib/run.h"
#include "tests/lib/testutil.h"

#include <glib/gstdio.h>
#include <string.h>

typedef struct {
  char *beside, *data;  /* two folders: the scenario's and the data directory */
} Dirs;

static void
dirs_init (Dirs *d)
{
  d->beside = essc_test_make_tmpdir ("essc-beside-XXXXXX");
  d->data = essc_test_make_tmpdir ("essc-data-XXXXXX");
}

static void
dirs_clear (Dirs *d)
{
  g_assert_true (essc_test_remove_dir (d->beside));
  g_assert_true (essc_test_remove_dir (d->data));
  g_free (d->beside);
  g_free (d->data);
}

static char *
put (const char *dir, const char *name)
{
  char *path = g_build_filename (dir, name, NULL);
  g_assert_true (g_file_set_contents (path, "x\n", -1, NULL));
  return path;
}

static void
test_order (void)
{
  Dirs d;
  dirs_init (&d);
  ModelDatapathWhere where;
  g_autofree char *searched = NULL;

  /* Found nowhere: the path beside comes back, both places are listed. */
  g_autofree char *missing = model_datapath_resolve ("a.csv", d.beside, d.data, "the scenario",
                                                     &where, &searched);
  g_autofree char *want_beside = g_build_filename (d.beside, "a.csv", NULL);
  g_autofree char *want_data = g_build_filename (d.data, "a.csv", NULL);
  g_assert_cmpint (where, ==, MODEL_DATAPATH_MISSING);
  g_assert_cmpstr (missing, ==, want_beside);
  g_autofree char *listed = g_strdup_printf ("%s (beside the scenario), %s (data directory)",
                                             want_beside, want_data);
  g_assert_cmpstr (searched, ==, listed);
  g_clear_pointer (&searched, g_free);

  /* Only in the data directory: taken from there. */
  g_autofree char *in_data = put (d.data, "a.csv");
  g_autofree char *found = model_datapath_resolve ("a.csv", d.beside, d.data, "the scenario",
                                                   &where, NULL);
  g_assert_cmpint (where, ==, MODEL_DATAPATH_DATA_DIR);
  g_assert_cmpstr (found, ==, in_data);
  g_assert_cmpstr (model_datapath_where_name (where), ==, "data directory");

  /* Beside as well: beside wins. */
  g_autofree char *in_beside = put (d.beside, "a.csv");
  g_autofree char *near = model_datapath_resolve ("a.csv", d.beside, d.data, "the scenario",
                                                  &where, NULL);
  g_assert_cmpint (where, ==, MODEL_DATAPATH_BESIDE);
  g_assert_cmpstr (near, ==, in_beside);
  g_assert_cmpstr (model_datapath_where_name (where), ==, "beside the scenario");

  /* No data directory: beside only, and the message says so. */
  g_autofree char *alone = model_datapath_resolve ("b.csv", d.beside, NULL, "the sweep file",
                                                   &where, &searched);
  g_assert_cmpint (where, ==, MODEL_DATAPATH_MISSING);
  g_autofree char *listed_alone = g_strdup_printf ("%s/b.csv (beside the sweep file; no data "
                                                   "directory)", d.beside);
  g_assert_cmpstr (searched, ==, listed_alone);
  g_clear_pointer (&searched, g_free);

  /* Absolute: as it is, existing or not, nothing else searched. */
  g_autofree char *abs = model_datapath_resolve ("/nonexistent/a.csv", d.beside, d.data,
                                                 "the scenario", &where, &searched);
  g_assert_cmpint (where, ==, MODEL_DATAPATH_ABSOLUTE);
  g_assert_cmpstr (abs, ==, "/nonexistent/a.csv");
  g_assert_cmpstr (searched, ==, "/nonexistent/a.csv");

  g_assert_cmpint (g_remove (in_data), ==, 0);
  g_assert_cmpint (g_remove (in_beside), ==, 0);
  dirs_clear (&d);
}

/* Copies a file of the source tree's tests/data/small/ to dir/name. */
static void
copy_small (const char *name, const char *dir, const char *as)
{
  g_autofree char *src = essc_test_src_path ("tests", "data", "small", name, NULL);
  g_autofree char *text = NULL;
  gsize len;
  g_assert_true (g_file_get_contents (src, &text, &len, NULL));
  g_autofree char *dst = g_build_filename (dir, as, NULL);
  g_assert_true (g_file_set_contents (dst, text, (gssize) len, NULL));
}

/* A scenario whose cities are beside it and whose catalogue and access
 * shares are in the data directory; the record says which came whence. */
static void
test_scenario_records (void)
{
  Dirs d;
  dirs_init (&d);
  copy_small ("cities.csv", d.beside, "cities.csv");
  copy_small ("cities.csv", d.data, "cities.csv");  /* shadowed by the one beside */
  copy_small ("channels.csv", d.data, "channels.csv");
  copy_small ("access.csv", d.data, "access.csv");
  g_autofree char *path = g_build_filename (d.beside, "s.ini", NULL);
  g_assert_true (g_file_set_contents (path,
      "[scenario]\nname = s\nstart = 2019-01-01\nend = 2020-12-31\n"
      "[population]\ncities = cities.csv\ncardholders = 1000000\n"
      "[adoption]\naccess = access.csv\n"
      "[channels]\ncatalogue = channels.csv\n"
      "[targets]\ntarget_2019 = 2019-12-31\ntarget_2020 = 2020-12-31\n", -1, NULL));

  /* Without the data directory the access shares and the catalogue are
   * missing; the first problem is the access key's, on line 9. */
  g_autoptr (GError) error = NULL;
  g_autoptr (ModelScenario) none = model_scenario_load (path, &error);
  g_assert_null (none);
  g_test_message ("%s", error->message);
  g_autofree char *line9 = g_strdup_printf ("%s:9: [adoption] access: access.csv: no such file "
                                            "beside the scenario, expected a data file; "
                                            "searched %s/access.csv (beside the scenario; no "
                                            "data directory)", path, d.beside);
  g_assert_cmpstr (error->message, ==, line9);
  g_clear_error (&error);

  g_autoptr (ModelScenario) s = model_scenario_load_in (path, d.data, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (s->data_dir, ==, d.data);
  g_assert_cmpuint (s->n_data_files, ==, 3);
  const struct { const char *key; const char *dir; ModelDatapathWhere where; } want[] = {
    { "cities", d.beside, MODEL_DATAPATH_BESIDE },
    { "catalogue", d.data, MODEL_DATAPATH_DATA_DIR },
    { "access", d.data, MODEL_DATAPATH_DATA_DIR },
  };
  for (guint i = 0; i < G_N_ELEMENTS (want); i++)
    {
      const ModelDataFile *f = &s->data_files[i];
      g_autofree char *file = g_build_filename (want[i].dir, f->value, NULL);
      g_assert_cmpstr (f->key, ==, want[i].key);
      g_assert_cmpstr (f->path, ==, file);
      g_assert_cmpint (f->where, ==, want[i].where);
    }
  g_assert_cmpstr (s->cities_path, ==, s->data_files[0].path);
  g_assert_cmpstr (s->catalogue_path, ==, s->data_files[1].path);
  g_assert_cmpstr (s->access_path, ==, s->data_files[2].path);

  /* The check lists every missing file with its places, not only the first. */
  g_autofree char *bare = g_build_filename (d.beside, "bare.ini", NULL);
  g_assert_true (g_file_set_contents (bare,
      "[scenario]\nname = bare\n[adoption]\naccess = nowhere.csv\n", -1, NULL));
  g_autoptr (GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);
  g_assert_false (model_scenario_check_in (bare, d.data, problems));
  g_autofree char *cities_line = g_strdup_printf ("%s:1: [population] cities: "
                                                  "data/cities-2020.csv: no such file beside "
                                                  "the scenario or in the data directory, "
                                                  "expected a data file; searched "
                                                  "%s/data/cities-2020.csv (beside the "
                                                  "scenario), %s/data/cities-2020.csv (data "
                                                  "directory)", bare, d.beside, d.data);
  g_assert_cmpuint (problems->len, >=, 1);
  g_assert_cmpstr (problems->pdata[0], ==, cities_line);

  g_assert_cmpint (g_remove (bare), ==, 0);
  g_assert_cmpint (g_remove (path), ==, 0);
  g_autofree char *c1 = g_build_filename (d.beside, "cities.csv", NULL);
  g_assert_cmpint (g_remove (c1), ==, 0);
  const char *in_data[] = { "cities.csv", "channels.csv", "access.csv" };
  for (gsize i = 0; i < G_N_ELEMENTS (in_data); i++)
    {
      g_autofree char *f = g_build_filename (d.data, in_data[i], NULL);
      g_assert_cmpint (g_remove (f), ==, 0);
    }
  dirs_clear (&d);
}

/* A sweep file alone in its folder whose base scenario, and the scenario's
 * data, are in the data directory: the sweep loads with it, and says where
 * the scenario was found; without it the error lists the places searched. */
static void
test_sweep (void)
{
  Dirs d;
  dirs_init (&d);
  copy_small ("cities.csv", d.data, "cities.csv");
  copy_small ("channels.csv", d.data, "channels.csv");
  g_autofree char *base = g_build_filename (d.data, "base.ini", NULL);
  g_assert_true (g_file_set_contents (base,
      "[scenario]\nname = base\nstart = 2019-01-01\nend = 2020-12-31\n"
      "[population]\ncities = cities.csv\ncardholders = 1000000\n"
      "[adoption]\naccess = none\n[channels]\ncatalogue = channels.csv\n"
      "[targets]\ntarget_2019 = 2019-12-31\ntarget_2020 = 2020-12-31\n", -1, NULL));
  g_autofree char *sweep = g_build_filename (d.beside, "g.sweep", NULL);
  g_assert_true (g_file_set_contents (sweep, "[sweep]\nname = g\nscenario = base.ini\n"
                                             "[grid]\nadoption.imitation = 0; 0.01\n", -1, NULL));
  g_autoptr (GError) error = NULL;
  g_autoptr (ModelSweep) none = model_sweep_load (sweep, &error);
  g_assert_null (none);
  g_assert_error (error, MODEL_SWEEP_ERROR, MODEL_ROLLOUT_NOT_FOUND);
  g_autofree char *want = g_strdup_printf ("%s:3: [sweep] scenario: base.ini: no such file "
                                           "beside the sweep file, expected a scenario; "
                                           "searched %s/base.ini (beside the sweep file; no data "
                                           "directory)", sweep, d.beside);
  g_assert_cmpstr (error->message, ==, want);
  g_clear_error (&error);

  g_autoptr (ModelSweep) s = model_sweep_load_in (sweep, d.data, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (s->scenario_path, ==, base);
  g_assert_cmpint (s->scenario_where, ==, MODEL_DATAPATH_DATA_DIR);
  g_autoptr (ModelScenario) p1 = model_sweep_point_scenario (s, 1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (p1->data_files[0].where, ==, MODEL_DATAPATH_BESIDE);  /* beside base.ini */
  g_autofree char *cities = g_build_filename (d.data, "cities.csv", NULL);
  g_assert_cmpstr (p1->cities_path, ==, cities);

  g_assert_cmpint (g_remove (sweep), ==, 0);
  const char *in_data[] = { "base.ini", "cities.csv", "channels.csv" };
  for (gsize i = 0; i < G_N_ELEMENTS (in_data); i++)
    {
      g_autofree char *f = g_build_filename (d.data, in_data[i], NULL);
      g_assert_cmpint (g_remove (f), ==, 0);
    }
  dirs_clear (&d);
}

int
main (int argc, char **argv)
{
  essc_test_init (&argc, &argv);
  g_test_add_func ("/rollout/datapath/order", test_order);
  g_test_add_func ("/rollout/datapath/scenario-records", test_scenario_records);
  g_test_add_func ("/rollout/datapath/sweep", test_sweep);
  return g_test_run ();
}
