/* SPDX-License-Identifier: MIT */
/*
 * A data path's lookup (model/rollout/datapath.h): beside the file naming
 * it, then in the data directory.
 */
#include "model/rollout/datapath.h"

#include "base/names.h"

static const char *const where_names[] = {
  "absolute path", "beside the scenario", "data directory", "not found",
};

const char *
model_datapath_where_name (ModelDatapathWhere where)
{
  return base_name_of (where_names, G_N_ELEMENTS (where_names), (int) where, "unknown");
}

char *
model_datapath_resolve (const char *value, const char *base_dir, const char *data_dir,
                        const char *owner, ModelDatapathWhere *where, char **searched)
{
  g_return_val_if_fail (value != NULL && base_dir != NULL && owner != NULL, NULL);
  ModelDatapathWhere dummy;
  if (where == NULL)
    where = &dummy;
  if (g_path_is_absolute (value))
    {
      *where = MODEL_DATAPATH_ABSOLUTE;
      if (searched != NULL)
        *searched = g_strdup (value);
      return g_strdup (value);
    }
  char *beside = g_build_filename (base_dir, value, NULL);
  g_autofree char *in_data = data_dir != NULL ? g_build_filename (data_dir, value, NULL) : NULL;
  if (searched != NULL)
    *searched = in_data != NULL
                    ? g_strdup_printf ("%s (beside %s), %s (%s)", beside, owner, in_data,
                                       where_names[MODEL_DATAPATH_DATA_DIR])
                    : g_strdup_printf ("%s (beside %s; no data directory)", beside, owner);
  if (g_file_test (beside, G_FILE_TEST_EXISTS))
    {
      *where = MODEL_DATAPATH_BESIDE;
      return beside;
    }
  if (in_data != NULL && g_file_test (in_data, G_FILE_TEST_EXISTS))
    {
      *where = MODEL_DATAPATH_DATA_DIR;
      g_free (beside);
      return g_steal_pointer (&in_data);
    }
  *where = MODEL_DATAPATH_MISSING;
  return beside;
}
