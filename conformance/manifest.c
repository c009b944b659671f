/* SPDX-License-Identifier: MIT */
/*
 * The manifest of a vector set (see manifest.h).  The manifest is read with
 * the same care as the vectors themselves: a regular file of bounded size,
 * every member checked, nothing unknown accepted.
 */
#include "conformance/manifest.h"

#include "base/error.h"
#include "base/file.h"
#include "base/hex.h"
#include "conformance/json.h"
#include "conformance/plan.h"
#include "model/std/common.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <sodium.h>
#include <string.h>

G_DEFINE_QUARK (conf-manifest-error-quark, conf_manifest_error)

#define fail(error, ...) base_fail ((error), CONF_MANIFEST_ERROR, MODEL_STD_MALFORMED, __VA_ARGS__)

static void
entry_free (gpointer p)
{
  ConfManifestEntry *e = p;
  g_free (e->name);
  g_free (e->blake2b);
  g_free (e);
}

void
conf_manifest_free (ConfManifest *m)
{
  if (m == NULL)
    return;
  g_ptr_array_unref (m->entries);
  g_free (m);
}

static gint
by_name (gconstpointer a, gconstpointer b)
{
  return strcmp ((*(ConfManifestEntry *const *) a)->name, (*(ConfManifestEntry *const *) b)->name);
}

static gint
cmp_str (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

/* A name a manifest may list: a plain file name ending in .json. */
static gboolean
plain_name (const char *name)
{
  return g_str_has_suffix (name, ".json") && strlen (name) > 5 && strchr (name, '/') == NULL
         && strcmp (name, CONF_MANIFEST_FILE) != 0 && name[0] != '.';
}

/* ---- writing ---------------------------------------------------------------- */

char *
conf_manifest_text (const char *const *names, const char *const *texts, const gsize *lens,
                    guint n, GError **error)
{
  g_autoptr (GPtrArray) entries = g_ptr_array_new_with_free_func (entry_free);
  gint64 total = 0;
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (GError) inner = NULL;
      g_autoptr (JsonObject) root = conf_json_parse_object (texts[i], lens[i], &inner);
      gint64 tests;
      if (root == NULL || !conf_json_get_int (root, "numberOfTests", &tests, &inner))
        return fail (error, "%s: not a vector file: %s", names[i], inner->message), NULL;
      if (tests < 0 || tests > G_MAXINT32)
        return fail (error, "%s: numberOfTests %" G_GINT64_FORMAT " out of range", names[i],
                     tests), NULL;
      guint8 hash[32];
      crypto_generichash (hash, sizeof hash, (const guint8 *) texts[i], lens[i], NULL, 0);
      ConfManifestEntry *e = g_new0 (ConfManifestEntry, 1);
      e->name = g_strdup (names[i]);
      e->tests = tests;
      e->blake2b = g_malloc (65);
      base_hex_encode (hash, sizeof hash, e->blake2b);
      g_ptr_array_add (entries, e);
      total += tests;
    }
  g_ptr_array_sort (entries, by_name);

  JsonArray *files = json_array_new ();
  for (guint i = 0; i < entries->len; i++)
    {
      const ConfManifestEntry *e = entries->pdata[i];
      JsonObject *o = json_object_new ();
      json_object_set_string_member (o, "name", e->name);
      json_object_set_int_member (o, "numberOfTests", e->tests);
      json_object_set_string_member (o, "blake2b", e->blake2b);
      json_array_add_object_element (files, o);
    }
  JsonObject *root = json_object_new ();
  json_object_set_string_member (root, "schema", CONF_MANIFEST_SCHEMA);
  json_object_set_int_member (root, "numberOfTests", total);
  json_object_set_array_member (root, "files", files);
  g_autoptr (JsonNode) node = json_node_init_object (json_node_alloc (), root);
  json_object_unref (root);
  return conf_json_to_pretty (node);
}

/* The *.json names of dir but the manifest, sorted.  NULL with error. */
static GPtrArray *
list_dir (const char *dir, GError **error)
{
  GError *inner = NULL;
  g_autoptr (GDir) d = g_dir_open (dir, 0, &inner);
  if (d == NULL)
    {
      fail (error, "%s", inner->message);
      g_error_free (inner);
      return NULL;
    }
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
  const char *name;
  while ((name = g_dir_read_name (d)) != NULL)
    if (g_str_has_suffix (name, ".json") && strcmp (name, CONF_MANIFEST_FILE) != 0)
      g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, cmp_str);
  return names;
}

gboolean
conf_manifest_write_dir (const char *dir, GError **error)
{
  g_return_val_if_fail (dir != NULL, FALSE);
  g_autoptr (GPtrArray) names = list_dir (dir, error);
  if (names == NULL)
    return FALSE;
  if (names->len == 0)
    return fail (error, "%s: no vector files (*.json) to list", dir);
  g_autoptr (GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);
  g_autofree gsize *lens = g_new0 (gsize, names->len);
  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *path = g_build_filename (dir, names->pdata[i], NULL);
      g_autoptr (GError) inner = NULL;
      char *text = base_file_read_regular (path, CONF_PLAN_MAX_FILE_BYTES, &lens[i], NULL,
                                           &inner);
      if (text == NULL)
        return fail (error, "%s", inner->message);
      g_ptr_array_add (texts, text);
    }
  g_autofree char *text = conf_manifest_text ((const char *const *) names->pdata,
                                              (const char *const *) texts->pdata, lens,
                                              names->len, error);
  if (text == NULL)
    return FALSE;
  g_autofree char *path = g_build_filename (dir, CONF_MANIFEST_FILE, NULL);
  /* g_file_set_contents writes a temporary file and renames it. */
  g_autoptr (GError) inner = NULL;
  if (!g_file_set_contents (path, text, -1, &inner))
    return fail (error, "%s", inner->message);
  return TRUE;
}

/* ---- reading ---------------------------------------------------------------- */

static gboolean
only_members (JsonObject *o, const char *const *known, const char *path, const char *where,
              GError **error)
{
  g_autoptr (GList) names = json_object_get_members (o);
  for (GList *l = names; l != NULL; l = l->next)
    if (!g_strv_contains (known, l->data))
      return fail (error, "%s: %s: unknown member '%s'", path, where, (char *) l->data);
  return TRUE;
}

static gboolean
lower_hex64 (const char *s)
{
  if (strlen (s) != 64)
    return FALSE;
  for (const char *p = s; *p; p++)
    if (!g_ascii_isdigit (*p) && !(*p >= 'a' && *p <= 'f'))
      return FALSE;
  return TRUE;
}

static ConfManifest *
parse (const char *path, const char *text, gsize len, GError **error)
{
  static const char *const top[] = { "schema", "numberOfTests", "files", NULL };
  static const char *const per_file[] = { "name", "numberOfTests", "blake2b", NULL };
  g_autoptr (GError) inner = NULL;
  g_autoptr (JsonObject) root = conf_json_parse_object (text, len, &inner);
  const char *schema;
  gint64 total;
  JsonArray *files;
  if (root == NULL
      || !conf_json_get_string (root, "schema", &schema, &inner)
      || !conf_json_get_int (root, "numberOfTests", &total, &inner)
      || !conf_json_get_array (root, "files", &files, &inner))
    return fail (error, "%s: %s", path, inner->message), NULL;
  if (strcmp (schema, CONF_MANIFEST_SCHEMA) != 0)
    return fail (error, "%s: schema '%s', this essc reads " CONF_MANIFEST_SCHEMA, path, schema),
           NULL;
  if (!only_members (root, top, path, "top level", error))
    return NULL;

  g_autoptr (ConfManifest) m = g_new0 (ConfManifest, 1);
  m->entries = g_ptr_array_new_with_free_func (entry_free);
  for (guint i = 0; i < json_array_get_length (files); i++)
    {
      g_autofree char *where = g_strdup_printf ("files[%u]", i);
      JsonNode *n = json_array_get_element (files, i);
      if (!JSON_NODE_HOLDS_OBJECT (n))
        return fail (error, "%s: %s: expected an object", path, where), NULL;
      JsonObject *o = json_node_get_object (n);
      const char *name, *hash;
      gint64 tests;
      if (!conf_json_get_string (o, "name", &name, &inner)
          || !conf_json_get_int (o, "numberOfTests", &tests, &inner)
          || !conf_json_get_string (o, "blake2b", &hash, &inner))
        return fail (error, "%s: %s: %s", path, where, inner->message), NULL;
      if (!only_members (o, per_file, path, where, error))
        return NULL;
      if (!plain_name (name))
        return fail (error, "%s: %s: name '%s' is not a plain *.json file name", path, where,
                     name), NULL;
      if (tests < 0 || tests > G_MAXINT32)
        return fail (error, "%s: %s: numberOfTests %" G_GINT64_FORMAT " out of range", path,
                     where, tests), NULL;
      if (!lower_hex64 (hash))
        return fail (error, "%s: %s: blake2b: expected 64 lowercase hex digits", path, where),
               NULL;
      if (conf_manifest_entry (m, name) != NULL)
        return fail (error, "%s: %s: '%s' is listed twice", path, where, name), NULL;
      ConfManifestEntry *e = g_new0 (ConfManifestEntry, 1);
      e->name = g_strdup (name);
      e->tests = tests;
      e->blake2b = g_strdup (hash);
      g_ptr_array_add (m->entries, e);
      m->tests += tests;
    }
  if (m->entries->len == 0)
    return fail (error, "%s: lists no vector file", path), NULL;
  if (m->tests != total)
    return fail (error, "%s: numberOfTests is %" G_GINT64_FORMAT " but its files hold %"
                 G_GINT64_FORMAT, path, total, m->tests), NULL;
  g_ptr_array_sort (m->entries, by_name);
  return g_steal_pointer (&m);
}

const ConfManifestEntry *
conf_manifest_entry (const ConfManifest *m, const char *name)
{
  for (guint i = 0; i < m->entries->len; i++)
    {
      const ConfManifestEntry *e = m->entries->pdata[i];
      if (strcmp (e->name, name) == 0)
        return e;
    }
  return NULL;
}

ConfManifest *
conf_manifest_check_dir (const char *dir, GError **error)
{
  g_return_val_if_fail (dir != NULL, NULL);
  g_autofree char *path = g_build_filename (dir, CONF_MANIFEST_FILE, NULL);
  g_autoptr (GError) inner = NULL;
  gsize len = 0;
  g_autofree char *text = base_file_read_regular (path, CONF_MANIFEST_MAX_BYTES, &len, NULL,
                                                  &inner);
  if (text == NULL)
    {
      if (inner->code == BASE_FILE_ERROR_NOT_FOUND)
        return fail (error, "%s: no %s: not a vector set (docs/VECTORS.md, \"Manifest\"; "
                     "'essc vectors --manifest %s' lists a set of your own)", dir,
                     CONF_MANIFEST_FILE, dir), NULL;
      return fail (error, "%s", inner->message), NULL;
    }
  g_autoptr (ConfManifest) m = parse (path, text, len, error);
  if (m == NULL)
    return NULL;
  g_autoptr (GPtrArray) names = list_dir (dir, error);
  if (names == NULL)
    return NULL;
  for (guint i = 0; i < m->entries->len; i++)
    {
      const ConfManifestEntry *e = m->entries->pdata[i];
      if (!g_ptr_array_find_with_equal_func (names, e->name, g_str_equal, NULL))
        return fail (error, "%s: %s is listed in %s but missing (%" G_GINT64_FORMAT
                     " tests): the suite would be smaller", dir, e->name, CONF_MANIFEST_FILE,
                     e->tests), NULL;
    }
  for (guint i = 0; i < names->len; i++)
    if (conf_manifest_entry (m, names->pdata[i]) == NULL)
      return fail (error, "%s: %s is not listed in %s", dir, (char *) names->pdata[i],
                   CONF_MANIFEST_FILE), NULL;
  return g_steal_pointer (&m);
}
