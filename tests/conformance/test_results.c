/* SPDX-License-Identifier: MIT */
/*
 * The JSON results format of `essc conform --json` against its schema,
 * docs/results.schema.json: real outputs validate (a conformant run, a
 * failing run whose IUT died so that tests were not run, a run of chosen
 * tests), the validator the tests use (tests/tools/jsonschema.py) refuses
 * documents broken in each way the schema can tell and a schema keyword it
 * does not implement, and docs/RESULTS.md names every member of the schema.
 */
#include "tests/lib/run.h"
#include "tests/lib/testutil.h"

#include <json-glib/json-glib.h>
#include <string.h>

typedef struct {
  char *dir;
  char *essc;
  char *schema;
  char *validator;
} Fx;

static void
fx_set_up (Fx *f, gconstpointer data)
{
  f->dir = essc_test_make_tmpdir ("essc-results-XXXXXX");
  f->essc = essc_test_sh_bin ();
  f->schema = essc_test_src_path ("docs", "results.schema.json", NULL);
  f->validator = essc_test_src_path ("tests", "tools", "jsonschema.py", NULL);
}

static void
fx_tear_down (Fx *f, gconstpointer data)
{
  essc_test_remove_dir (f->dir);
  g_free (f->dir);
  g_free (f->essc);
  g_free (f->schema);
  g_free (f->validator);
}

/* Runs the validator on path: its exit status, its stderr in *err. */
static int
validate (Fx *f, const char *path, char **err)
{
  EsscTestRun r = essc_test_run_sh ("python3 '%s' '%s' '%s'", f->validator, f->schema, path);
  int status = r.status;
  *err = g_steal_pointer (&r.err);
  essc_test_run_clear (&r);
  return status;
}

/* Runs essc conform with args writing --json to DIR/name; checks the exit
 * status; validates the file; returns it parsed. */
static JsonObject *
run_valid (Fx *f, const char *name, int want_status, const char *args)
{
  g_autofree char *json = g_build_filename (f->dir, name, NULL);
  EsscTestRun r = essc_test_run_sh ("%s conform %s --json '%s' > /dev/null", f->essc, args, json);
  if (r.status != want_status)
    g_error ("essc conform %s: exit %d, expected %d\n%s", args, r.status, want_status, r.err);
  essc_test_run_clear (&r);
  g_autofree char *err = NULL;
  int status = validate (f, json, &err);
  if (status != 0)
    g_error ("%s does not follow docs/results.schema.json (exit %d):\n%s", name, status, err);
  g_autoptr (JsonParser) p = json_parser_new ();
  g_assert_true (json_parser_load_from_file (p, json, NULL));
  return json_object_ref (json_node_get_object (json_parser_get_root (p)));
}

static gint64
summary (JsonObject *o, const char *verdict)
{
  return json_object_get_int_member (json_object_get_object_member (o, "summary"), verdict);
}

static void
test_real_outputs (Fx *f, gconstpointer data)
{
  /* Conformant: the reference verifier. */
  g_autofree char *args = g_strdup_printf ("--role verifier --impl '%s impl --role verifier'",
                                           f->essc);
  g_autoptr (JsonObject) good = run_valid (f, "good.json", 0, args);
  g_assert_cmpstr (json_object_get_string_member (good, "verdict"), ==, "conformant");
  g_assert_cmpint (summary (good, "pass"), ==,
                   json_array_get_length (json_object_get_array_member (good, "tests")));

  /* Not conformant, with tests not run: an IUT that never answers. */
  g_autofree char *hang = essc_test_src_path ("tests", "adapters", "hang.sh", NULL);
  g_autofree char *dead = g_strdup_printf ("--role verifier --impl '%s' --timeout-ms 400", hang);
  g_autoptr (JsonObject) bad = run_valid (f, "dead.json", 1, dead);
  g_assert_cmpstr (json_object_get_string_member (bad, "verdict"), ==, "not conformant");
  g_assert_cmpint (summary (bad, "fail"), ==, 10);
  g_assert_cmpint (summary (bad, "not_run"), >, 100);
  JsonObject *last = json_array_get_object_element (json_object_get_array_member (bad, "tests"),
                                                    (guint) summary (bad, "fail")
                                                      + (guint) summary (bad, "not_run") - 1);
  g_assert_cmpstr (json_object_get_string_member (last, "verdict"), ==, "not_run");
  JsonObject *first = json_array_get_object_element (json_object_get_array_member (bad, "tests"),
                                                     0);
  g_assert_cmpstr (json_object_get_string_member (first, "got"), ==, "timeout");

  /* Chosen tests: only lists them. */
  g_autofree char *only = g_strdup_printf ("%s --only id/verifier/valid-man,id/verifier/valid-woman",
                                           args);
  g_autoptr (JsonObject) some = run_valid (f, "only.json", 0, only);
  JsonArray *names = json_object_get_array_member (some, "only");
  g_assert_cmpuint (json_array_get_length (names), ==, 2);
  g_assert_cmpstr (json_array_get_string_element (names, 0), ==, "id/verifier/valid-man");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (some, "tests")), ==, 2);
}

/* The validator can fail: each broken copy of a valid document is refused,
 * naming where. */
static void
test_validator_fails (Fx *f, gconstpointer data)
{
  g_autofree char *args = g_strdup_printf ("--role verifier --impl '%s impl --role verifier' "
                                           "--only id/verifier/valid-man", f->essc);
  g_autoptr (JsonObject) unused = run_valid (f, "good.json", 0, args);
  g_autofree char *good_path = g_build_filename (f->dir, "good.json", NULL);
  g_autofree char *good = NULL;
  g_assert_true (g_file_get_contents (good_path, &good, NULL, NULL));

  static const struct {
    const char *from, *to, *says;
  } cases[] = {
    { "\"verdict\" : \"conformant\"", "\"verdict\" : \"yes\"", "/verdict: \"yes\" is not one of" },
    { "\"schema\" : \"essc-conformance-results/1\"", "\"schema\" : \"essc-conformance-results/2\"",
      "/schema:" },
    { "\"only\" : [", "\"only\" : \"x\", \"x\" : [", "/only: expected array or null" },
    { "\"verdict\" : \"conformant\",", "", "the member 'verdict' is missing" },
    { "\"suite\" :", "\"extra\" : 1, \"suite\" :", "the member 'extra' is not allowed" },
    { "\"tcId\" : ", "\"tcId\" : -", "/tests/0/tcId: -" },
    { "\"payment\" : true", "\"payment\" : 1", "/profile/payment: expected boolean, got integer" },
    { "\"tier\" : 1", "\"tier\" : true", "/profile/tier: expected integer, got boolean" },
    { "\"not_run\" : 0", "\"not_run\" : 0.5", "/summary/not_run: expected integer, got number" },
    { "\"blake2b\" : \"", "\"blake2b\" : \"A", "/vectors/0/blake2b: \"A" },
    { "\"requirements\" : [", "\"requirements\" : [\"qr-1\", ", "/tests/0/requirements/0:" },
    { "\"duration_us\" : ", "\"duration_us\" : null, \"x_duration_us\" : ",
      "/tests/0/duration_us: expected integer, got null" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const char *at = strstr (good, cases[i].from);
      if (at == NULL)
        g_error ("case %zu: '%s' is not in the document", i, cases[i].from);
      g_autofree char *broken = g_strdup_printf ("%.*s%s%s", (int) (at - good), good, cases[i].to,
                                                 at + strlen (cases[i].from));
      g_autofree char *path = g_build_filename (f->dir, "broken.json", NULL);
      g_assert_true (g_file_set_contents (path, broken, -1, NULL));
      g_autofree char *err = NULL;
      int status = validate (f, path, &err);
      if (status != 1 || strstr (err, cases[i].says) == NULL)
        g_error ("case %zu: exit %d, expected 1 with '%s':\n%s", i, status, cases[i].says, err);
    }

  /* A keyword it does not implement is refused, not ignored. */
  g_autofree char *schema = g_build_filename (f->dir, "schema.json", NULL);
  g_assert_true (g_file_set_contents (schema, "{\"type\": \"object\", \"oneOf\": []}", -1, NULL));
  EsscTestRun r = essc_test_run_sh ("python3 '%s' '%s' '%s'", f->validator, schema, good_path);
  g_assert_cmpint (r.status, ==, 2);
  g_assert_nonnull (strstr (r.err, "'oneOf' is not implemented"));
  essc_test_run_clear (&r);
}

/* Adds the names of the properties of schema (and of its items), recursively. */
static void
property_names (JsonObject *schema, GHashTable *names)
{
  if (json_object_has_member (schema, "properties"))
    {
      JsonObject *props = json_object_get_object_member (schema, "properties");
      g_autoptr (GList) keys = json_object_get_members (props);
      for (GList *k = keys; k != NULL; k = k->next)
        {
          g_hash_table_add (names, g_strdup (k->data));
          property_names (json_object_get_object_member (props, k->data), names);
        }
    }
  if (json_object_has_member (schema, "items"))
    property_names (json_object_get_object_member (schema, "items"), names);
}

/* docs/RESULTS.md names every member of the schema, in backquotes. */
static void
test_documented (Fx *f, gconstpointer data)
{
  g_autoptr (JsonParser) p = json_parser_new ();
  g_assert_true (json_parser_load_from_file (p, f->schema, NULL));
  g_autoptr (GHashTable) names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  property_names (json_node_get_object (json_parser_get_root (p)), names);
  g_assert_cmpuint (g_hash_table_size (names), >, 30);
  g_autofree char *doc_path = essc_test_src_path ("docs", "RESULTS.md", NULL);
  g_autofree char *doc = NULL;
  g_assert_true (g_file_get_contents (doc_path, &doc, NULL, NULL));
  const char *json_part = strstr (doc, "## JSON results");
  g_assert_nonnull (json_part);
  GHashTableIter it;
  gpointer name;
  g_hash_table_iter_init (&it, names);
  while (g_hash_table_iter_next (&it, &name, NULL))
    {
      g_autofree char *plain = g_strdup_printf ("`%s`", (char *) name);
      g_autofree char *member = g_strdup_printf (".%s`", (char *) name);
      if (strstr (json_part, plain) == NULL && strstr (json_part, member) == NULL)
        g_error ("docs/RESULTS.md does not describe the member '%s'", (char *) name);
    }
}

int
main (int argc, char **argv)
{
  essc_test_init (&argc, &argv);
#define ADD(path, fn) g_test_add (path, Fx, NULL, fx_set_up, fn, fx_tear_down)
  ADD ("/conf/results/real-outputs-follow-the-schema", test_real_outputs);
  ADD ("/conf/results/validator-refuses-broken-documents", test_validator_fails);
  ADD ("/conf/results/every-member-documented", test_documented);
  return g_test_run ();
}
