/* SPDX-License-Identifier: MIT */
/*
 * The vector files of the conformance suite: ConfVec, the builder each
 * generator (conformance/vec_*.c) fills, which lays a file out in the member
 * order of docs/VECTORS.md, numbers its tests and checks the rules of the
 * format as it goes (names unique, at least one requirement and one step,
 * a group's setup starting with reset); and the suite-level functions that
 * run every generator, write the files and compare them with files on disk.
 * Everything here is deterministic: no clock, no randomness, fixed order.
 */
#include "conformance/vec_private.h"

#include "conformance/json.h"
#include "conformance/manifest.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <sodium.h>
#include <stdarg.h>
#include <string.h>

G_DEFINE_QUARK (conf-vectors-error-quark, conf_vectors_error)

struct _ConfVec {
  char *group;
  JsonObject *notes;
  JsonObject *keys;
  JsonArray *groups;
  JsonArray *setup;        /* of the open group */
  JsonArray *tests;        /* of the open group */
  JsonArray *steps;        /* of the open test, or NULL while in setup */
  char *test_name;         /* of the open test */
  gint64 n_tests;
  gboolean muted;
  GHashTable *names;
  GString *failures;
};

ConfVec *
conf_vec_new (const char *group)
{
  ConfVec *v = g_new0 (ConfVec, 1);
  v->group = g_strdup (group);
  v->notes = json_object_new ();
  v->keys = json_object_new ();
  v->groups = json_array_new ();
  v->names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  v->failures = g_string_new (NULL);
  return v;
}

void
conf_vec_free (ConfVec *v)
{
  if (v == NULL)
    return;
  g_free (v->group);
  json_object_unref (v->notes);
  json_object_unref (v->keys);
  json_array_unref (v->groups);
  g_free (v->test_name);
  g_hash_table_destroy (v->names);
  g_string_free (v->failures, TRUE);
  g_free (v);
}

void
conf_vec_fail (ConfVec *v, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  g_autofree char *msg = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  g_string_append_printf (v->failures, "%s: %s: %s\n", v->group,
                          v->test_name ? v->test_name : "(setup)", msg);
}

gboolean
conf_vec_agree (ConfVec *v, const char *what, GError *got, ModelStdCode want)
{
  ModelStdCode code = got == NULL ? MODEL_STD_OK : (ModelStdCode) got->code;
  gboolean same = code == want;
  if (!same)
    conf_vec_fail (v, "%s: model/std/ gives %s (%s), the vector expects %s", what,
                   model_std_code_name (code), got ? got->message : "accepted",
                   model_std_code_name (want));
  g_clear_error (&got);
  return same;
}

void
conf_vec_note (ConfVec *v, const char *flag, const char *meaning)
{
  json_object_set_string_member (v->notes, flag, meaning);
}

void
conf_vec_key (ConfVec *v, const char *name, const guint8 *bytes, gsize len)
{
  json_object_set_member (v->keys, name, conf_jh (bytes, len));
}

void
conf_vec_group (ConfVec *v, const char *role, JsonNode *profile)
{
  JsonObject *g = json_object_new ();
  json_object_set_string_member (g, "role", role);
  json_object_set_member (g, "profile", profile ? profile : conf_jo (NULL, NULL));
  v->setup = json_array_new ();
  v->tests = json_array_new ();
  json_object_set_array_member (g, "setup", v->setup);
  json_object_set_array_member (g, "tests", v->tests);
  json_array_add_object_element (v->groups, g);
  v->steps = NULL;
  g_clear_pointer (&v->test_name, g_free);
}

void
conf_vec_test (ConfVec *v, const char *name, const char *requirements,
               const char *comment, const char *flags, const char *result)
{
  g_return_if_fail (v->tests != NULL);
  g_autofree char *full = g_strdup_printf ("%s/%s", v->group, name);
  g_free (v->test_name);
  v->test_name = g_strdup (full);
  if (!g_hash_table_add (v->names, g_strdup (full)))
    conf_vec_fail (v, "test name used twice");
  if (requirements == NULL || *requirements == '\0')
    conf_vec_fail (v, "no requirement named");
  if (json_array_get_length (v->setup) == 0)
    conf_vec_fail (v, "group without a setup");
  if (v->steps != NULL && json_array_get_length (v->steps) == 0)
    conf_vec_fail (v, "the previous test has no step");

  JsonObject *t = json_object_new ();
  json_object_set_int_member (t, "tcId", ++v->n_tests);
  json_object_set_string_member (t, "name", full);
  json_object_set_member (t, "requirements", conf_jwords (requirements));
  json_object_set_string_member (t, "comment", comment);
  json_object_set_member (t, "flags", conf_jwords (flags ? flags : ""));
  json_object_set_string_member (t, "result", result);
  v->steps = json_array_new ();
  json_object_set_array_member (t, "steps", v->steps);
  json_array_add_object_element (v->tests, t);
}

void
conf_vec_mute (ConfVec *v, gboolean muted)
{
  v->muted = muted;
}

void
conf_vec_step (ConfVec *v, const char *op, JsonNode *params, JsonNode *expect,
               const char *check)
{
  if (v->muted)
    {
      json_node_unref (params);
      json_node_unref (expect);
      return;
    }
  g_return_if_fail (v->setup != NULL);
  JsonArray *into = v->steps ? v->steps : v->setup;
  if (into == v->setup && json_array_get_length (into) == 0 && strcmp (op, "reset") != 0)
    conf_vec_fail (v, "a group's setup must start with reset, not %s", op);
  JsonObject *s = json_object_new ();
  json_object_set_string_member (s, "op", op);
  json_object_set_member (s, "params", params);
  json_object_set_member (s, "expect", expect);
  if (check != NULL)
    json_object_set_string_member (s, "check", check);
  json_array_add_object_element (into, s);
}

void
conf_vec_step_line (ConfVec *v, const char *op, const char *line, JsonNode *expect)
{
  if (v->muted || v->steps == NULL)
    {
      if (!v->muted)
        conf_vec_fail (v, "a step sent as text belongs to a test, not to a setup");
      json_node_unref (expect);
      return;
    }
  conf_vec_step (v, op, conf_jo (NULL, NULL), expect, NULL);
  JsonArray *steps = v->steps;
  JsonObject *s = json_array_get_object_element (steps, json_array_get_length (steps) - 1);
  json_object_set_string_member (s, "line", line);
}

JsonNode *
conf_vec_ok (JsonNode *result)
{
  if (result == NULL)
    return conf_jo ("ok", conf_jb (TRUE), NULL);
  return conf_jo ("ok", conf_jb (TRUE), "result", result, NULL);
}

JsonNode *
conf_vec_err (ModelStdCode code)
{
  return conf_jo ("ok", conf_jb (FALSE), "code", conf_js (model_std_code_name (code)), NULL);
}

JsonNode *
conf_vec_err_any (const ModelStdCode *codes, gsize n)
{
  JsonArray *a = json_array_new ();
  for (gsize i = 0; i < n; i++)
    json_array_add_string_element (a, model_std_code_name (codes[i]));
  JsonNode *list = json_node_init_array (json_node_alloc (), a);
  json_array_unref (a);
  return conf_jo ("ok", conf_jb (FALSE), "any_code", list, NULL);
}

JsonNode *
conf_vec_finish (ConfVec *v, GError **error)
{
  if (v->steps != NULL && json_array_get_length (v->steps) == 0)
    conf_vec_fail (v, "test without a step");
  if (v->n_tests == 0)
    conf_vec_fail (v, "file without a test");
  if (v->failures->len > 0)
    {
      g_set_error (error, CONF_VECTORS_ERROR, MODEL_STD_INTERNAL,
                   "generator of %s.json contradicted by model/std/ or the format:\n%s",
                   v->group, v->failures->str);
      return NULL;
    }
  JsonObject *f = json_object_new ();
  json_object_set_string_member (f, "schema", "essc-vectors/1");
  json_object_set_string_member (f, "suite", "ESSC-STD/1.1");
  json_object_set_string_member (f, "group", v->group);
  json_object_set_string_member (f, "generator", "essc vectors");
  json_object_set_object_member (f, "notes", json_object_ref (v->notes));
  json_object_set_int_member (f, "clock", CONF_VECTORS_CLOCK);
  json_object_set_object_member (f, "keys", json_object_ref (v->keys));
  json_object_set_int_member (f, "numberOfTests", v->n_tests);
  json_object_set_array_member (f, "testGroups", json_array_ref (v->groups));
  JsonNode *node = json_node_init_object (json_node_alloc (), f);
  json_object_unref (f);
  return node;
}

void
conf_vec_derive (const char *label, guint8 *out, gsize len)
{
  static const char domain[] = "essc-vectors/1 key";
  crypto_generichash (out, len, (const guint8 *) label, strlen (label),
                      (const guint8 *) domain, sizeof domain - 1);
}

/* ---- JSON values --------------------------------------------------------- */

JsonNode *
conf_js (const char *s)
{
  return json_node_init_string (json_node_alloc (), s);
}

JsonNode *
conf_ji (gint64 i)
{
  return json_node_init_int (json_node_alloc (), i);
}

JsonNode *
conf_jbig (const char *digits)
{
  return conf_jo (CONF_JSON_LITERAL_INTEGER, conf_js (digits), NULL);
}

JsonNode *
conf_jb (gboolean b)
{
  return json_node_init_boolean (json_node_alloc (), b);
}

JsonNode *
conf_jh (const guint8 *bytes, gsize len)
{
  g_autofree char *hex = base_hex_encode_dup (bytes, len);
  return conf_js (hex);
}

JsonNode *
conf_jo (const char *first, ...)
{
  JsonObject *o = json_object_new ();
  va_list ap;
  va_start (ap, first);
  for (const char *name = first; name != NULL; name = va_arg (ap, const char *))
    json_object_set_member (o, name, va_arg (ap, JsonNode *));
  va_end (ap);
  JsonNode *node = json_node_init_object (json_node_alloc (), o);
  json_object_unref (o);
  return node;
}

JsonNode *
conf_ja (JsonNode *first, ...)
{
  JsonArray *a = json_array_new ();
  va_list ap;
  va_start (ap, first);
  for (JsonNode *n = first; n != NULL; n = va_arg (ap, JsonNode *))
    json_array_add_element (a, n);
  va_end (ap);
  JsonNode *node = json_node_init_array (json_node_alloc (), a);
  json_array_unref (a);
  return node;
}

JsonNode *
conf_jwords (const char *words)
{
  JsonArray *a = json_array_new ();
  g_auto (GStrv) parts = g_strsplit (words, " ", -1);
  for (int i = 0; parts[i] != NULL; i++)
    if (*parts[i] != '\0')
      json_array_add_string_element (a, parts[i]);
  JsonNode *node = json_node_init_array (json_node_alloc (), a);
  json_array_unref (a);
  return node;
}

/* ---- the suite ----------------------------------------------------------- */

static const struct {
  const char *group;
  ConfVecGenFn gen;
} generators[] = {
  { "id", conf_vec_gen_id },
  { "credential", conf_vec_gen_credential },
  { "qr", conf_vec_gen_qr },
  { "channel", conf_vec_gen_channel },
  { "consent", conf_vec_gen_consent },
  { "payment", conf_vec_gen_payment },
  { "card", conf_vec_gen_card },
  { "pin", conf_vec_gen_pin },
  { "audit", conf_vec_gen_audit },
  { "flows", conf_vec_gen_flows },
};

void
conf_vectors_file_free (ConfVectorsFile *f)
{
  if (f == NULL)
    return;
  g_free (f->file);
  g_free (f->text);
  g_free (f);
}

GPtrArray *
conf_vectors_generate (GError **error)
{
  if (sodium_init () < 0)
    {
      g_set_error (error, CONF_VECTORS_ERROR, MODEL_STD_INTERNAL, "sodium_init failed");
      return NULL;
    }
  g_autoptr (GPtrArray) files = g_ptr_array_new_with_free_func (
      (GDestroyNotify) conf_vectors_file_free);
  for (gsize i = 0; i < G_N_ELEMENTS (generators); i++)
    {
      JsonNode *node = generators[i].gen (error);
      if (node == NULL)
        return NULL;
      ConfVectorsFile *f = g_new0 (ConfVectorsFile, 1);
      f->file = g_strdup_printf ("%s.json", generators[i].group);
      f->text = conf_json_to_pretty (node);
      json_node_unref (node);
      g_ptr_array_add (files, f);
    }
  guint n = files->len;
  g_autofree const char **names = g_new0 (const char *, n);
  g_autofree const char **texts = g_new0 (const char *, n);
  g_autofree gsize *lens = g_new0 (gsize, n);
  for (guint i = 0; i < n; i++)
    {
      ConfVectorsFile *f = files->pdata[i];
      names[i] = f->file;
      texts[i] = f->text;
      lens[i] = strlen (f->text);
    }
  ConfVectorsFile *m = g_new0 (ConfVectorsFile, 1);
  m->file = g_strdup (CONF_MANIFEST_FILE);
  if ((m->text = conf_manifest_text (names, texts, lens, n, error)) == NULL)
    {
      conf_vectors_file_free (m);
      return NULL;
    }
  g_ptr_array_add (files, m);
  return g_steal_pointer (&files);
}

gboolean
conf_vectors_write (const char *dir, GError **error)
{
  g_autoptr (GPtrArray) files = conf_vectors_generate (error);
  if (files == NULL)
    return FALSE;
  if (g_mkdir_with_parents (dir, 0755) != 0)
    {
      int e = errno;
      g_set_error (error, CONF_VECTORS_ERROR, MODEL_STD_INTERNAL, "%s: cannot create: %s",
                   dir, g_strerror (e));
      return FALSE;
    }
  /* The old manifest goes first: until the new one is in place the set
   * refuses to load, whatever was written of it. */
  g_autofree char *manifest = g_build_filename (dir, CONF_MANIFEST_FILE, NULL);
  if (g_unlink (manifest) != 0 && errno != ENOENT)
    {
      int e = errno;
      g_set_error (error, CONF_VECTORS_ERROR, MODEL_STD_INTERNAL, "%s: cannot remove: %s",
                   manifest, g_strerror (e));
      return FALSE;
    }
  for (guint i = 0; i < files->len; i++)
    {
      ConfVectorsFile *f = files->pdata[i];
      g_autofree char *path = g_build_filename (dir, f->file, NULL);
      if (!g_file_set_contents (path, f->text, -1, error))
        return FALSE;
    }
  return TRUE;
}

gboolean
conf_vectors_check (const char *dir, GPtrArray *differing, GError **error)
{
  g_autoptr (GPtrArray) files = conf_vectors_generate (error);
  if (files == NULL)
    return FALSE;
  for (guint i = 0; i < files->len; i++)
    {
      ConfVectorsFile *f = files->pdata[i];
      g_autofree char *path = g_build_filename (dir, f->file, NULL);
      g_autofree char *text = NULL;
      gsize len = 0;
      g_autoptr (GError) read_error = NULL;
      if (!g_file_get_contents (path, &text, &len, &read_error))
        {
          g_ptr_array_add (differing, g_strdup_printf ("%s: missing or unreadable (%s)",
                                                       f->file, read_error->message));
          continue;
        }
      gsize want = strlen (f->text), at = 0;
      while (at < len && at < want && text[at] == f->text[at])
        at++;
      if (at < len || at < want)
        g_ptr_array_add (differing, g_strdup_printf ("%s: differs from the generated file "
                                                     "at byte %" G_GSIZE_FORMAT,
                                                     f->file, at));
    }
  return TRUE;
}
