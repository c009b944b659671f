/* SPDX-License-Identifier: MIT */
/*
 * The finding files (see fuzz_private.h): a shrunk sequence written as an
 * essc-vectors/1 file (docs/VECTORS.md) of one group and one test, which
 * `essc conform --vectors DIR` plays like the suite's own, and the check
 * that the runner, playing it, fails the IUT and passes the reference.
 * The file carries the keys and clock of the vector files its steps came
 * from, the requirements of their tests, and a comment that says where
 * each step came from and which of its members the fuzzer changed.
 */
#include "conformance/fuzz_private.h"

#include "conformance/json.h"
#include "conformance/runner.h"
#include "conformance/vectors.h"

#include <string.h>

static JsonNode *
expect_node (const ConfStep *e)
{
  JsonObject *o = json_object_new ();
  json_object_set_boolean_member (o, "ok", e->expect_ok);
  if (!e->expect_ok && e->any_codes != NULL)
    {
      JsonArray *a = json_array_new ();
      for (guint i = 0; i < e->any_codes->len; i++)
        json_array_add_string_element (
            a, model_std_code_name (g_array_index (e->any_codes, ModelStdCode, i)));
      json_object_set_array_member (o, "any_code", a);
    }
  else if (!e->expect_ok)
    json_object_set_string_member (o, "code", model_std_code_name (e->expect_code));
  else if (e->expect_result != NULL)
    json_object_set_object_member (o, "result", conf_fuzz_object_copy (e->expect_result));
  JsonNode *n = json_node_init_object (json_node_alloc (), o);
  json_object_unref (o);
  return n;
}

static JsonNode *
step_node (const FuzzStep *s, const ConfStep *e)
{
  JsonObject *o = json_object_new ();
  json_object_set_string_member (o, "op", s->op);
  json_object_set_object_member (o, "params", conf_fuzz_object_copy (s->params));
  json_object_set_member (o, "expect", expect_node (e));
  if (e->check != NULL)
    json_object_set_string_member (o, "check", e->check);
  JsonNode *n = json_node_init_object (json_node_alloc (), o);
  json_object_unref (o);
  return n;
}

/* The top-level members of s's params that differ from its origin's. */
static char *
changed_members (const FuzzStep *s)
{
  g_autoptr (GString) out = g_string_new (NULL);
  JsonObject *origin = s->origin->params;
  g_autoptr (GList) mine = json_object_get_members (s->params);
  g_autoptr (GList) theirs = json_object_get_members (origin);
  for (GList *l = theirs; l != NULL; l = l->next)
    {
      JsonNode *have = json_object_get_member (s->params, l->data);
      if (have == NULL)
        g_string_append_printf (out, "%s%s left out", out->len ? ", " : "", (char *) l->data);
      else if (!conf_fuzz_json_equal (have, json_object_get_member (origin, l->data)))
        g_string_append_printf (out, "%s%s changed", out->len ? ", " : "", (char *) l->data);
    }
  for (GList *l = mine; l != NULL; l = l->next)
    if (!json_object_has_member (origin, l->data))
      g_string_append_printf (out, "%s%s added", out->len ? ", " : "", (char *) l->data);
  return out->len ? g_strdup (out->str) : NULL;
}

/* "accepted with {...}" as "accepted": the comment names the outcome. */
static char *
outcome_text (const char *text)
{
  const char *with = g_str_has_prefix (text, "accepted with ") ? text + strlen ("accepted") : NULL;
  return with ? g_strndup (text, (gsize) (with - text)) : g_strdup (text);
}

static char *
comment_text (const FuzzSeq *seq, const FuzzOutcome *o, guint64 seed)
{
  g_autoptr (GString) c = g_string_new (NULL);
  g_autofree char *expected = outcome_text (o->expected), *got = outcome_text (o->got);
  if (strcmp (expected, got) == 0 && o->detail != NULL)
    {
      g_autofree char *same = got;
      got = g_strdup_printf ("%s, but %s", same, o->detail);
    }
  g_string_append_printf (c, "found by essc fuzz (seed %" G_GUINT64_FORMAT ", sequence %"
                          G_GUINT64_FORMAT "); the implementation diverged at step %u (%s): "
                          "expected %s, got %s. Steps:",
                          seed, seq->index, o->step + 1,
                          ((FuzzStep *) seq->steps->pdata[o->step])->op, expected, got);
  for (guint i = 0; i < seq->steps->len; i++)
    {
      const FuzzStep *s = seq->steps->pdata[i];
      g_string_append_printf (c, " %u %s", i + 1, s->op);
      if (s->origin == NULL)
        {
          g_string_append (c, " (no vector's);");
          continue;
        }
      g_autofree char *changed = changed_members (s);
      g_string_append_printf (c, " (%s %s %u%s%s);", s->from->name,
                              s->from_setup ? "setup step" : "step", s->origin_index + 1,
                              changed ? ", " : "", changed ? changed : "");
    }
  c->str[c->len - 1] = '.';
  return g_strdup (c->str);
}

char *
conf_fuzz_file_text (const FuzzCorpus *corpus, const char *role, const FuzzSeq *seq,
                     const FuzzOutcome *o, const char *test_name, guint64 seed)
{
  g_autoptr (JsonObject) root = json_object_new ();
  JsonObject *base_header = conf_fuzz_corpus_file_header (corpus, seq->base->file);
  JsonObject *keys = json_object_new ();
  g_autoptr (GStrvBuilder) reqs = g_strv_builder_new ();
  g_autoptr (GHashTable) seen_reqs = g_hash_table_new (g_str_hash, g_str_equal);
  gboolean all_ok = TRUE;

  /* Keys and requirements of every test a step came from. */
  for (guint i = 0; i < o->executed; i++)
    {
      const FuzzStep *s = seq->steps->pdata[i];
      all_ok &= ((ConfStep *) o->expects->pdata[i])->expect_ok;
      if (s->from == NULL)
        continue;
      for (char **r = s->from->requirements; *r != NULL; r++)
        if (g_hash_table_add (seen_reqs, *r))
          g_strv_builder_add (reqs, *r);
      JsonObject *h = conf_fuzz_corpus_file_header (corpus, s->from->file);
      JsonNode *k = h ? json_object_get_member (h, "keys") : NULL;
      if (k == NULL || !JSON_NODE_HOLDS_OBJECT (k))
        continue;
      JsonObjectIter it;
      const char *name;
      JsonNode *value;
      json_object_iter_init_ordered (&it, json_node_get_object (k));
      while (json_object_iter_next_ordered (&it, &name, &value))
        if (!json_object_has_member (keys, name))
          json_object_set_member (keys, name, conf_fuzz_json_copy (value));
    }
  g_auto (GStrv) requirements = g_strv_builder_end (reqs);

  json_object_set_string_member (root, "schema", "essc-vectors/1");
  JsonNode *suite = base_header ? json_object_get_member (base_header, "suite") : NULL;
  json_object_set_string_member (root, "suite", suite && JSON_NODE_HOLDS_VALUE (suite)
                                                    ? json_node_get_string (suite)
                                                    : CONF_CLIENT_SUITE);
  json_object_set_string_member (root, "group", "fuzz");
  json_object_set_string_member (root, "generator", "essc fuzz");
  JsonObject *notes = json_object_new ();
  json_object_set_string_member (notes, "Fuzz", "a sequence found by essc fuzz, shrunk: every "
                                 "expectation is the reference implementation's answer");
  json_object_set_object_member (root, "notes", notes);
  JsonNode *clock = base_header ? json_object_get_member (base_header, "clock") : NULL;
  gboolean have_clock = clock != NULL && json_node_get_value_type (clock) == G_TYPE_INT64;
  json_object_set_int_member (root, "clock", have_clock ? json_node_get_int (clock)
                                                        : CONF_VECTORS_CLOCK);
  json_object_set_object_member (root, "keys", keys);
  json_object_set_int_member (root, "numberOfTests", 1);

  JsonObject *group = json_object_new ();
  json_object_set_string_member (group, "role", role);
  json_object_set_object_member (group, "profile", conf_fuzz_object_copy (seq->base->profile));
  JsonArray *setup = json_array_new (), *steps = json_array_new ();
  for (guint i = 0; i < o->executed; i++)
    json_array_add_element (i == 0 ? setup : steps,
                            step_node (seq->steps->pdata[i], o->expects->pdata[i]));
  json_object_set_array_member (group, "setup", setup);

  JsonObject *test = json_object_new ();
  json_object_set_int_member (test, "tcId", 1);
  json_object_set_string_member (test, "name", test_name);
  JsonArray *ra = json_array_new ();
  for (char **r = requirements; *r != NULL; r++)
    json_array_add_string_element (ra, *r);
  if (requirements[0] == NULL)
    json_array_add_string_element (ra, "ERR-1");
  json_object_set_array_member (test, "requirements", ra);
  g_autofree char *comment = comment_text (seq, o, seed);
  json_object_set_string_member (test, "comment", comment);
  JsonArray *flags = json_array_new ();
  json_array_add_string_element (flags, "Fuzz");
  json_object_set_array_member (test, "flags", flags);
  json_object_set_string_member (test, "result", all_ok ? "valid" : "invalid");
  json_object_set_array_member (test, "steps", steps);
  JsonArray *tests = json_array_new ();
  json_array_add_object_element (tests, test);
  json_object_set_array_member (group, "tests", tests);
  JsonArray *groups = json_array_new ();
  json_array_add_object_element (groups, group);
  json_object_set_array_member (root, "testGroups", groups);

  g_autoptr (JsonNode) node = json_node_init_object (json_node_alloc (), root);
  return conf_json_to_pretty (node);
}

/* Plays the test with the runner; TRUE when it ran.  *conformant says how
 * it ended, *why (transfer full) the first failure's reason. */
static gboolean
play (const char *dir, const char *test_name, const char *role, const ConfProfile *profile,
      const char *command, int timeout_ms, const ConfClientOptions *client,
      gboolean *conformant, char **why)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ConfPlan) plan = conf_plan_load (dir, &error);
  const char *only[] = { test_name, NULL };
  ConfRunOptions o = { .command = command, .role = role, .timeout_ms = timeout_ms,
                       .profile = profile, .only = only, .client = client };
  g_autoptr (ConfRun) run = plan ? conf_run (plan, &o, &error) : NULL;
  if (run == NULL)
    {
      *why = g_strdup (error->message);
      return FALSE;
    }
  *conformant = conf_run_conformant (run);
  for (guint i = 0; i < run->results->len && *why == NULL; i++)
    {
      const ConfTestResult *r = run->results->pdata[i];
      if (r->verdict != CONF_VERDICT_PASS)
        *why = g_strdup_printf ("%s: %s", conf_verdict_name (r->verdict),
                                r->reason ? r->reason : "");
    }
  return TRUE;
}

void
conf_fuzz_check_file (const char *dir, const char *test_name, const char *role,
                      const ConfProfile *profile, const char *command, const char *reference,
                      int timeout_ms, const ConfClientOptions *client, gboolean *fails_iut,
                      gboolean *passes_reference, char **note)
{
  gboolean iut_ok = TRUE, ref_ok = FALSE;
  g_autofree char *iut_why = NULL, *ref_why = NULL;
  gboolean iut_ran = play (dir, test_name, role, profile, command, timeout_ms, client, &iut_ok,
                           &iut_why);
  gboolean ref_ran = play (dir, test_name, role, profile, reference, timeout_ms, NULL, &ref_ok,
                           &ref_why);
  *fails_iut = iut_ran && !iut_ok;
  *passes_reference = ref_ran && ref_ok;
  *note = NULL;
  if (!iut_ran)
    *note = g_strdup_printf ("the runner could not play the file on the implementation: %s",
                             iut_why);
  else if (iut_ok)
    *note = g_strdup ("the runner passes the implementation on the file: the divergence needs "
                      "state from earlier sequences (the implementation does not reset fully)");
  else if (!ref_ran || !ref_ok)
    *note = g_strdup_printf ("the reference %s the file: %s",
                             ref_ran ? "fails" : "could not play", ref_why ? ref_why : "?");
}
