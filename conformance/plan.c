/* SPDX-License-Identifier: MIT */
/*
 * Loading of the vector files into a ConfPlan (see plan.h).  Each file is
 * read whole, hashed, parsed with json-glib and walked member by member;
 * every error names "FILE: testGroups[i].tests[j]: what".  The vectors are
 * the project's own files, but a certifier may point --vectors elsewhere,
 * so nothing in them is trusted.
 */
#include "conformance/plan.h"

#include "base/datadir.h"
#include "base/file.h"
#include "base/text.h"
#include "conformance/json.h"
#include "conformance/manifest.h"
#include "conformance/profile.h"
#include "base/hex.h"
#include "model/std/common.h"

#include <sodium.h>
#include <string.h>

G_DEFINE_QUARK (conf-plan-error-quark, conf_plan_error)


void
conf_step_free (gpointer p)
{
  ConfStep *s = p;
  if (s == NULL)
    return;
  g_free (s->op);
  g_clear_pointer (&s->params, json_object_unref);
  g_clear_pointer (&s->any_codes, g_array_unref);
  g_clear_pointer (&s->expect_result, json_object_unref);
  g_free (s->check);
  g_free (s->line);
  g_free (s);
}

static void
test_free (gpointer p)
{
  ConfTest *t = p;
  if (t == NULL)
    return;
  g_free (t->name);
  g_free (t->file);
  g_strfreev (t->requirements);
  g_free (t->comment);
  g_strfreev (t->flags);
  g_free (t->result);
  g_free (t->role);
  g_clear_pointer (&t->profile, json_object_unref);
  g_clear_pointer (&t->setup, g_ptr_array_unref);
  g_clear_pointer (&t->steps, g_ptr_array_unref);
  g_free (t);
}

static void
file_free (gpointer p)
{
  ConfVectorFile *f = p;
  if (f == NULL)
    return;
  g_free (f->name);
  g_free (f->blake2b);
  g_free (f);
}

void
conf_plan_free (ConfPlan *plan)
{
  if (plan == NULL)
    return;
  g_ptr_array_unref (plan->tests);
  g_ptr_array_unref (plan->files);
  g_free (plan);
}

/* An error in file at where, from inner (freed). */
static gboolean
fail_at (GError **error, const char *file, const char *where, GError *inner)
{
  g_set_error (error, CONF_PLAN_ERROR, MODEL_STD_MALFORMED, "%s: %s: %s", file, where,
               inner->message);
  g_error_free (inner);
  return FALSE;
}

static GStrv
string_array (JsonObject *obj, const char *member, gboolean required, GError **error)
{
  JsonArray *a;
  if (!json_object_has_member (obj, member) && !required)
    return g_new0 (char *, 1);
  if (!conf_json_get_array (obj, member, &a, error))
    return NULL;
  g_autoptr (GStrvBuilder) b = g_strv_builder_new ();
  for (guint i = 0; i < json_array_get_length (a); i++)
    {
      JsonNode *n = json_array_get_element (a, i);
      if (json_node_get_value_type (n) != G_TYPE_STRING)
        {
          base_fail (error, CONF_PLAN_ERROR, MODEL_STD_MALFORMED,
                      "member '%s': element %u is not a string", member, i);
          return NULL;
        }
      g_strv_builder_add (b, json_node_get_string (n));
    }
  return g_strv_builder_end (b);
}

static ConfStep *
parse_step (JsonNode *node, GError **error)
{
  const char *op, *code, *check;
  JsonObject *params, *expect, *result;
  gboolean ok;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      base_fail (error, CONF_PLAN_ERROR, MODEL_STD_MALFORMED, "expected an object");
      return NULL;
    }
  JsonObject *o = json_node_get_object (node);
  if (!conf_json_get_string (o, "op", &op, error) || !conf_json_get_object (o, "params", &params, error)
      || !conf_json_get_object (o, "expect", &expect, error)
      || !conf_json_get_bool (expect, "ok", &ok, error))
    return NULL;

  ConfStep *s = g_new0 (ConfStep, 1);
  s->op = g_strdup (op);
  s->params = json_object_ref (params);
  s->expect_ok = ok;
  if (json_object_has_member (expect, "result"))
    {
      if (!conf_json_get_object (expect, "result", &result, error))
        return conf_step_free (s), NULL;
      s->expect_result = json_object_ref (result);
    }
  if (!ok && json_object_has_member (expect, "any_code"))
    {
      g_auto (GStrv) codes = string_array (expect, "any_code", TRUE, error);
      if (codes == NULL)
        return conf_step_free (s), NULL;
      if (codes[0] == NULL)
        {
          base_fail (error, CONF_PLAN_ERROR, MODEL_STD_MALFORMED,
                     "expect.any_code: expected at least one ESSC-STD error code");
          return conf_step_free (s), NULL;
        }
      s->any_codes = g_array_new (FALSE, FALSE, sizeof (ModelStdCode));
      for (int i = 0; codes[i] != NULL; i++)
        {
          ModelStdCode c;
          /* ok is no refusal's code: no response could meet the step */
          if (!model_std_code_from_name (codes[i], &c) || c == MODEL_STD_OK)
            {
              base_fail (error, CONF_PLAN_ERROR, MODEL_STD_MALFORMED,
                          "expect.any_code: '%s' is not an ESSC-STD error code", codes[i]);
              return conf_step_free (s), NULL;
            }
          g_array_append_val (s->any_codes, c);
        }
    }
  else if (!ok)
    {
      if (!conf_json_get_string (expect, "code", &code, error))
        return conf_step_free (s), NULL;
      if (!model_std_code_from_name (code, &s->expect_code) || s->expect_code == MODEL_STD_OK)
        {
          base_fail (error, CONF_PLAN_ERROR, MODEL_STD_MALFORMED,
                      "expect.code: '%s' is not an ESSC-STD error code", code);
          return conf_step_free (s), NULL;
        }
    }
  if (json_object_has_member (o, "check"))
    {
      if (!conf_json_get_string (o, "check", &check, error))
        return conf_step_free (s), NULL;
      if (strcmp (check, "audit_chain") != 0 && strcmp (check, "audit_head") != 0
          && strcmp (check, "audit_no_secret") != 0 && strcmp (check, "idempotency_key") != 0
          && strcmp (check, "hello_ops") != 0 && strcmp (check, "hello_ops_payment") != 0
          && strcmp (check, "credential_issued") != 0)
        {
          base_fail (error, CONF_PLAN_ERROR, MODEL_STD_MALFORMED,
                      "check: '%s' is not a known check (audit_chain, audit_head, "
                      "audit_no_secret, idempotency_key, hello_ops, hello_ops_payment, "
                      "credential_issued)", check);
          return conf_step_free (s), NULL;
        }
      if (strcmp (check, "credential_issued") == 0
          && (s->expect_result == NULL
              || !json_object_has_member (s->expect_result, "credential")))
        {
          base_fail (error, CONF_PLAN_ERROR, MODEL_STD_MALFORMED,
                      "check: credential_issued needs expect.result.credential");
          return conf_step_free (s), NULL;
        }
      s->check = g_strdup (check);
    }
  if (json_object_has_member (o, "line"))
    {
      const char *line;
      if (!conf_json_get_string (o, "line", &line, error))
        return conf_step_free (s), NULL;
      gsize n = strlen (line);
      if (n == 0 || n > CONF_PLAN_LINE_MAX || strchr (line, '\n') != NULL)
        {
          base_fail (error, CONF_PLAN_ERROR, MODEL_STD_MALFORMED,
                     "line: expected 1..%d bytes and no newline", CONF_PLAN_LINE_MAX);
          return conf_step_free (s), NULL;
        }
      if (s->check != NULL)
        {
          base_fail (error, CONF_PLAN_ERROR, MODEL_STD_MALFORMED,
                     "line: a step sent as text takes no check");
          return conf_step_free (s), NULL;
        }
      s->line = g_strdup (line);
    }
  return s;
}

static GPtrArray *
parse_steps (JsonObject *obj, const char *member, GError **error)
{
  JsonArray *a;
  if (!conf_json_get_array (obj, member, &a, error))
    return NULL;
  g_autoptr (GPtrArray) steps = g_ptr_array_new_with_free_func (conf_step_free);
  for (guint i = 0; i < json_array_get_length (a); i++)
    {
      g_autoptr (GError) inner = NULL;
      ConfStep *s = parse_step (json_array_get_element (a, i), &inner);
      if (s == NULL)
        {
          g_set_error (error, CONF_PLAN_ERROR, MODEL_STD_MALFORMED, "%s[%u]: %s", member, i,
                       inner->message);
          return NULL;
        }
      g_ptr_array_add (steps, s);
    }
  return g_steal_pointer (&steps);
}

/* The tests of the vector file text (len bytes) appended to plan; path
 * names it in errors, file is its name in each test; names holds the test
 * names seen so far. */
static gboolean
parse_file (ConfPlan *plan, GHashTable *names, const char *path, const char *file,
            const char *text, gsize len, GError **error)
{
  GError *inner = NULL;
  g_autoptr (JsonObject) root = conf_json_parse_object (text, len, &inner);
  const char *schema;
  JsonArray *groups;
  gint64 declared;
  if (root == NULL)
    return fail_at (error, path, "parse", inner);
  if (!conf_json_get_string (root, "schema", &schema, &inner)
      || !conf_json_get_array (root, "testGroups", &groups, &inner)
      || !conf_json_get_int (root, "numberOfTests", &declared, &inner))
    return fail_at (error, path, "top level", inner);
  if (strcmp (schema, "essc-vectors/1") != 0)
    return base_fail (error, CONF_PLAN_ERROR, MODEL_STD_MALFORMED,
                       "%s: schema '%s', this essc reads essc-vectors/1", path, schema);

  gint64 counted = 0;
  for (guint g = 0; g < json_array_get_length (groups); g++)
    {
      g_autofree char *where = g_strdup_printf ("testGroups[%u]", g);
      JsonNode *gn = json_array_get_element (groups, g);
      if (!JSON_NODE_HOLDS_OBJECT (gn))
        return base_fail (error, CONF_PLAN_ERROR, MODEL_STD_MALFORMED, "%s: %s: not an object",
                           path, where);
      JsonObject *go = json_node_get_object (gn), *profile;
      const char *role;
      JsonArray *tests;
      if (!conf_json_get_string (go, "role", &role, &inner)
          || !conf_json_get_object (go, "profile", &profile, &inner)
          || !conf_json_get_array (go, "tests", &tests, &inner))
        return fail_at (error, path, where, inner);
      /* a test of another role would be played by no run: never a smaller suite */
      if (!conf_profile_role_valid (role))
        {
          g_autofree char *shown = base_text_printable (role, strlen (role), 64);
          return base_fail (error, CONF_PLAN_ERROR, MODEL_STD_MALFORMED,
                            "%s: %s.role: '%s', expected verifier, channel or platform", path,
                            where, shown);
        }
      g_autoptr (GPtrArray) setup = parse_steps (go, "setup", &inner);
      if (setup == NULL)
        return fail_at (error, path, where, inner);
      if (setup->len == 0 || strcmp (((ConfStep *) setup->pdata[0])->op, "reset") != 0)
        return base_fail (error, CONF_PLAN_ERROR, MODEL_STD_MALFORMED,
                           "%s: %s: setup must start with reset", path, where);

      for (guint t = 0; t < json_array_get_length (tests); t++, counted++)
        {
          g_autofree char *twhere = g_strdup_printf ("%s.tests[%u]", where, t);
          JsonNode *tn = json_array_get_element (tests, t);
          if (!JSON_NODE_HOLDS_OBJECT (tn))
            return base_fail (error, CONF_PLAN_ERROR, MODEL_STD_MALFORMED,
                               "%s: %s: not an object", path, twhere);
          JsonObject *to = json_node_get_object (tn);
          const char *name, *comment, *result;
          gint64 tc_id;
          if (!conf_json_get_int (to, "tcId", &tc_id, &inner)
              || !conf_json_get_string (to, "name", &name, &inner)
              || !conf_json_get_string (to, "comment", &comment, &inner)
              || !conf_json_get_string (to, "result", &result, &inner))
            return fail_at (error, path, twhere, inner);
          if (strcmp (result, "valid") != 0 && strcmp (result, "invalid") != 0
              && strcmp (result, "acceptable") != 0)
            {
              g_autofree char *shown = base_text_printable (result, strlen (result), 64);
              return base_fail (error, CONF_PLAN_ERROR, MODEL_STD_MALFORMED,
                                "%s: %s.result: '%s', expected valid, invalid or acceptable",
                                path, twhere, shown);
            }
          ConfTest *test = g_new0 (ConfTest, 1);
          g_ptr_array_add (plan->tests, test);
          test->name = g_strdup (name);
          test->file = g_strdup (file);
          test->tc_id = tc_id;
          test->comment = g_strdup (comment);
          test->result = g_strdup (result);
          test->role = g_strdup (role);
          test->profile = json_object_ref (profile);
          test->setup = g_ptr_array_ref (setup);
          if ((test->requirements = string_array (to, "requirements", TRUE, &inner)) == NULL
              || (test->flags = string_array (to, "flags", FALSE, &inner)) == NULL
              || (test->steps = parse_steps (to, "steps", &inner)) == NULL)
            return fail_at (error, path, twhere, inner);
          if (test->requirements[0] == NULL)
            return base_fail (error, CONF_PLAN_ERROR, MODEL_STD_MALFORMED,
                               "%s: %s: names no requirement", path, twhere);
          if (!g_hash_table_add (names, test->name))
            return base_fail (error, CONF_PLAN_ERROR, MODEL_STD_MALFORMED,
                               "%s: %s: test name '%s' is used twice", path, twhere, name);
        }
    }
  if (counted != declared)
    return base_fail (error, CONF_PLAN_ERROR, MODEL_STD_MALFORMED,
                       "%s: numberOfTests is %" G_GINT64_FORMAT " but the file holds %"
                       G_GINT64_FORMAT, path, declared, counted);
  return TRUE;
}

static ConfPlan *
plan_new (void)
{
  ConfPlan *plan = g_new0 (ConfPlan, 1);
  plan->tests = g_ptr_array_new_with_free_func (test_free);
  plan->files = g_ptr_array_new_with_free_func (file_free);
  return plan;
}

ConfPlan *
conf_plan_parse_file (const char *path, const char *text, gsize len, GError **error)
{
  g_return_val_if_fail (path != NULL && (text != NULL || len == 0), NULL);
  g_autoptr (ConfPlan) plan = plan_new ();
  g_autoptr (GHashTable) names = g_hash_table_new (g_str_hash, g_str_equal);
  g_autofree char *file = g_path_get_basename (path);
  if (!parse_file (plan, names, path, file, text ? text : "", len, error))
    return NULL;
  return g_steal_pointer (&plan);
}

static gboolean
load_file (ConfPlan *plan, GHashTable *names, const char *dir, const ConfManifestEntry *listed,
           GError **error)
{
  const char *file = listed->name;
  g_autofree char *path = g_build_filename (dir, file, NULL);
  g_autofree char *text = NULL;
  gsize len;
  GError *inner = NULL;
  guint8 hash[32];

  if ((text = base_file_read_regular (path, CONF_PLAN_MAX_FILE_BYTES, &len, NULL, &inner))
      == NULL)
    return base_fail (error, CONF_PLAN_ERROR, MODEL_STD_MALFORMED, "%s", inner->message),
           g_error_free (inner), FALSE;
  crypto_generichash (hash, sizeof hash, (const guint8 *) text, len, NULL, 0);
  ConfVectorFile *vf = g_new0 (ConfVectorFile, 1);
  vf->name = g_strdup (file);
  vf->blake2b = g_malloc (65);
  base_hex_encode (hash, sizeof hash, vf->blake2b);
  g_ptr_array_add (plan->files, vf);
  if (strcmp (vf->blake2b, listed->blake2b) != 0)
    return base_fail (error, CONF_PLAN_ERROR, MODEL_STD_MALFORMED,
                      "%s: altered: its BLAKE2b-256 is not the one %s lists", path,
                      CONF_MANIFEST_FILE);
  return parse_file (plan, names, path, file, text, len, error);
}

ConfPlan *
conf_plan_load (const char *dir, GError **error)
{
  g_autoptr (ConfManifest) manifest = conf_manifest_check_dir (dir, error);
  if (manifest == NULL)
    return NULL;
  g_autoptr (ConfPlan) plan = plan_new ();
  g_autoptr (GHashTable) names = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < manifest->entries->len; i++)
    {
      const ConfManifestEntry *e = manifest->entries->pdata[i];
      guint before = plan->tests->len;
      if (!load_file (plan, names, dir, e, error))
        return NULL;
      if ((gint64) (plan->tests->len - before) != e->tests)
        {
          base_fail (error, CONF_PLAN_ERROR, MODEL_STD_MALFORMED,
                     "%s/%s: holds %u tests, %s lists %" G_GINT64_FORMAT, dir, e->name,
                     plan->tests->len - before, CONF_MANIFEST_FILE, e->tests);
          return NULL;
        }
    }
  if (plan->tests->len == 0)
    {
      base_fail (error, CONF_PLAN_ERROR, MODEL_STD_MALFORMED, "%s: the vector set holds no test",
                 dir);
      return NULL;
    }
  return g_steal_pointer (&plan);
}

GPtrArray *
conf_plan_for_role (const ConfPlan *plan, const char *role)
{
  GPtrArray *out = g_ptr_array_new ();
  for (guint i = 0; i < plan->tests->len; i++)
    {
      ConfTest *t = plan->tests->pdata[i];
      if (strcmp (t->role, role) == 0)
        g_ptr_array_add (out, t);
    }
  return out;
}

char *
conf_plan_default_dir (void)
{
  return base_datadir_find_part (BASE_DATA_VECTORS, NULL, NULL, NULL);
}
