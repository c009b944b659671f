/* SPDX-License-Identifier: MIT */
/*
 * Tests of the conformance vectors (conformance/vectors.c, `essc vectors`):
 * generation is deterministic; `essc vectors --check` passes on fresh files
 * and fails, naming the file, on a changed byte or a missing file; every
 * file follows docs/VECTORS.md (members in order, counts, ids, unique
 * names, requirement ids that exist in docs/ESSC-STD.md, ops of the group's
 * role per docs/ADAPTER.md, setups starting with reset, flags explained in
 * notes, wire names of section 11); the files committed under
 * conformance/vectors are what the program generates; and every MUST
 * requirement has a vector test unless it is on the commented allow-list of
 * requirements the adapter protocol cannot observe.
 */
#include "conformance/json.h"
#include "conformance/manifest.h"
#include "conformance/vectors.h"
#include "tests/lib/run.h"
#include "tests/lib/testutil.h"

#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>

/* The ops of each role (docs/ADAPTER.md section 4). */
static const char *const every_ops[] = { "hello", "reset", "bye", NULL };
static const char *const verifier_ops[] = { "id.validate", "status.set", "credential.verify",
                                            "qr.verify", NULL };
static const char *const channel_ops[] = { "channel.set_status", "request.sign",
                                           "request.relay", "credential.verify", "consent.grant",
                                           "consent.revoke", "data.request", "payment.prepare",
                                           NULL };
static const char *const platform_ops[] = {
  "id.validate", "card.register", "card.transition", "card.replace", "ecard.issue",
  "ecard.status", "credential.issue", "credential.verify", "qr.verify", "pin.set", "pin.verify",
  "pin.change", "channel.apply", "channel.set_status", "channel.verify", "channel.risk",
  "channel.get", "consent.grant", "consent.revoke", "consent.check", "settlement.set_switch",
  "payment.submit", "payment.settle", "ledger.reconcile", "audit.head", "audit.entries", NULL,
};

/*
 * MUST requirements that no vector can test through the adapter protocol,
 * each with the reason.  A MUST missing from the vectors and from this list
 * fails test_coverage; so does an entry here that a vector does cover.
 */
static const char *const not_observable[] = {
  "CRYPTO-3",   /* randomness: test mode derives every value from reset's seeds */
  "CARD-10",    /* no operation records a bank account's change after registration */
  "CARD-12",    /* persistence: no store operation in the protocol */
  "CARD-13",    /* a service level under load: the simulator checks it (tests/rollout/test_latency.c) */
  "ISS-7",      /* no upgrade operation in the protocol */
  "PIN-11",     /* persistence */
  "CRED-11",    /* the encoder's refusal: card.register already refuses such records */
  "QR-13",      /* the holder's device is not a role of the protocol */
  "QR-14",      /* QR symbols: the protocol carries the text */
  "CHAN-24",    /* persistence */
  "CONSENT-13", /* persistence */
  "PAY-13",     /* no operation fails an order */
  "PAY-14",     /* postings and account names are not returned */
  "PAY-16",     /* persistence */
  "AUDIT-9",    /* no operation signs a head */
  "AUDIT-10",   /* persistence */
  "STORE-1", "STORE-2", "STORE-3", "STORE-4", "STORE-5", "STORE-6", /* persistence */
  NULL,
};

static char *
src_path (const char *rel)
{
  return essc_test_src_path (rel, NULL);
}

static gboolean
in_list (const char *const *list, const char *s)
{
  for (int i = 0; list[i] != NULL; i++)
    if (strcmp (list[i], s) == 0)
      return TRUE;
  return FALSE;
}

/* The requirement ids of the standard, id -> level. */
static GHashTable *
requirements (void)
{
  g_autofree char *path = src_path ("docs/ESSC-STD.md");
  g_autofree char *text = NULL;
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  g_autoptr (GRegex) row = g_regex_new ("^\\| ([A-Z]+-[0-9]+) \\| ([A-Z ]+) \\|", 0, 0, NULL);
  GHashTable *reqs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  for (int i = 0; lines[i] != NULL; i++)
    {
      g_autoptr (GMatchInfo) m = NULL;
      if (g_regex_match (row, lines[i], 0, &m))
        g_hash_table_insert (reqs, g_match_info_fetch (m, 1), g_match_info_fetch (m, 2));
    }
  g_assert_cmpuint (g_hash_table_size (reqs), >, 100);
  return reqs;
}

static GPtrArray *
generate (void)
{
  g_autoptr (GError) error = NULL;
  GPtrArray *files = conf_vectors_generate (&error);
  g_assert_no_error (error);
  g_assert_nonnull (files);
  /* ten groups, then the set's manifest */
  g_assert_cmpuint (files->len, ==, 11);
  g_assert_cmpstr (((ConfVectorsFile *) files->pdata[10])->file, ==, CONF_MANIFEST_FILE);
  return files;
}

static void
test_deterministic (void)
{
  g_autoptr (GPtrArray) a = generate ();
  g_autoptr (GPtrArray) b = generate ();
  for (guint i = 0; i < a->len; i++)
    {
      ConfVectorsFile *x = a->pdata[i], *y = b->pdata[i];
      g_assert_cmpstr (x->file, ==, y->file);
      g_assert_true (strcmp (x->text, y->text) == 0);
      g_assert_null (strstr (x->text, ESSC_VERSION));
    }
}

/* Runs essc with args in the folder cwd (NULL: this one); returns the exit
 * status, stdout in *out. */
static int
run_essc_in (const char *cwd, const char *const *args, char **out)
{
  const char *bin = g_getenv ("ESSC_BIN");
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_ptr_array_add (argv, (gpointer) bin);
  for (int i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);
  int status = 0;
  g_autoptr (GError) error = NULL;
  g_assert_true (g_spawn_sync (cwd, (char **) argv->pdata, NULL, G_SPAWN_STDERR_TO_DEV_NULL,
                               NULL, NULL, out, NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_true (WIFEXITED (status));
  return WEXITSTATUS (status);
}

static int
run_essc (const char *const *args, char **out)
{
  return run_essc_in (NULL, args, out);
}

static void
test_cli_check (void)
{
  if (g_getenv ("ESSC_BIN") == NULL)
    {
      g_test_skip ("ESSC_BIN is not set");
      return;
    }
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("essc-vectors-XXXXXX", &error);
  g_assert_no_error (error);
  g_autofree char *out = NULL;
  const char *write[] = { "vectors", "--out", dir, NULL };
  g_assert_cmpint (run_essc (write, &out), ==, 0);
  g_clear_pointer (&out, g_free);
  const char *check[] = { "vectors", "--check", "--vectors", dir, NULL };
  g_assert_cmpint (run_essc (check, &out), ==, 0);
  g_clear_pointer (&out, g_free);

  /* one byte changed */
  g_autofree char *qr = g_build_filename (dir, "qr.json", NULL);
  g_autofree char *text = NULL;
  gsize len = 0;
  g_assert_true (g_file_get_contents (qr, &text, &len, NULL));
  text[len / 2] = text[len / 2] == 'a' ? 'b' : 'a';
  g_assert_true (g_file_set_contents (qr, text, (gssize) len, NULL));
  g_assert_cmpint (run_essc (check, &out), ==, 1);
  g_assert_nonnull (strstr (out, "qr.json"));
  g_assert_null (strstr (out, "id.json"));
  g_clear_pointer (&out, g_free);

  /* a file missing */
  g_autofree char *id = g_build_filename (dir, "id.json", NULL);
  g_assert_cmpint (g_unlink (id), ==, 0);
  g_assert_cmpint (run_essc (check, &out), ==, 1);
  g_assert_nonnull (strstr (out, "id.json"));
  g_clear_pointer (&out, g_free);

  /* usage errors */
  const char *both[] = { "vectors", "--check", "--out", dir, NULL };
  g_assert_cmpint (run_essc (both, &out), ==, 2);
  g_clear_pointer (&out, g_free);
  const char *nodir[] = { "vectors", "--check", "--vectors", "/nonexistent/essc-vectors", NULL };
  g_assert_cmpint (run_essc (nodir, &out), ==, 2);
  g_clear_pointer (&out, g_free);

  /* Without --vectors, the suite's own set: the build tree's (found from the
   * program's path, not from the current folder, here the temporary one). */
  const char *own[] = { "vectors", "--check", NULL };
  g_assert_cmpint (run_essc_in (dir, own, &out), ==, 0);
  char *src = realpath (g_getenv ("ESSC_SRCDIR"), NULL);
  g_assert_nonnull (src);
  g_autofree char *want = g_strdup_printf ("essc vectors: %s/conformance/vectors is up to date\n",
                                           src);
  free (src);
  g_assert_cmpstr (out, ==, want);
  g_clear_pointer (&out, g_free);

  /* clean up */
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;
  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *p = g_build_filename (dir, name, NULL);
      g_unlink (p);
    }
  g_rmdir (dir);
}

static void
expect_members (JsonObject *o, const char *const *names, const char *where)
{
  g_autoptr (GList) members = json_object_get_members (o);
  int i = 0;
  for (GList *l = members; l != NULL; l = l->next, i++)
    {
      if (names[i] == NULL)
        g_error ("%s: unexpected member %s", where, (const char *) l->data);
      if (strcmp (names[i], l->data) != 0)
        g_error ("%s: member %d is %s, expected %s", where, i, (const char *) l->data, names[i]);
    }
  if (names[i] != NULL && strcmp (names[i], "check") != 0)
    g_error ("%s: member %s missing", where, names[i]);
}

static const char *const *
ops_of (const char *role)
{
  if (strcmp (role, "verifier") == 0)
    return verifier_ops;
  if (strcmp (role, "channel") == 0)
    return channel_ops;
  if (strcmp (role, "platform") == 0)
    return platform_ops;
  g_error ("unknown role %s", role);
}

static void
check_step (JsonObject *step, const char *role, const char *where)
{
  static const char *const step_members[] = { "op", "params", "expect", "check", NULL };
  /* a step sent as text (docs/VECTORS.md): params {}, no check, one line */
  static const char *const line_members[] = { "op", "params", "expect", "line", NULL };
  gboolean text = json_object_has_member (step, "line");
  expect_members (step, text ? line_members : step_members, where);
  if (text)
    {
      const char *line = json_object_get_string_member (step, "line");
      g_assert_cmpuint (json_object_get_size (json_object_get_object_member (step, "params")),
                        ==, 0);
      g_assert_null (strchr (line, '\n'));
      g_assert_cmpuint (strlen (line), >, 0);
    }
  const char *op = json_object_get_string_member (step, "op");
  if (!in_list (every_ops, op) && !in_list (ops_of (role), op))
    g_error ("%s: op %s is not an op of role %s", where, op, role);
  g_assert_nonnull (json_object_get_object_member (step, "params"));
  JsonObject *expect = json_object_get_object_member (step, "expect");
  gboolean ok = json_object_get_boolean_member (expect, "ok");
  ModelStdCode code;
  if (!ok && json_object_has_member (expect, "code"))
    g_assert_true (model_std_code_from_name (json_object_get_string_member (expect, "code"),
                                             &code));
  else if (!ok)
    {
      JsonArray *any = json_object_get_array_member (expect, "any_code");
      g_assert_cmpuint (json_array_get_length (any), >=, 2);
      for (guint i = 0; i < json_array_get_length (any); i++)
        g_assert_true (model_std_code_from_name (json_array_get_string_element (any, i), &code));
    }
  if (json_object_has_member (step, "check"))
    {
      const char *c = json_object_get_string_member (step, "check");
      g_assert_true (strcmp (c, "audit_chain") == 0 || strcmp (c, "audit_head") == 0
                     || strcmp (c, "audit_no_secret") == 0
                     || strcmp (c, "idempotency_key") == 0 || strcmp (c, "hello_ops") == 0
                     || strcmp (c, "hello_ops_payment") == 0
                     || strcmp (c, "credential_issued") == 0);
      /* credential_issued judges the issued credential against the expected one */
      if (strcmp (c, "credential_issued") == 0)
        g_assert_true (ok && json_object_has_member (expect, "result")
                       && json_object_has_member (json_object_get_object_member (expect,
                                                                                 "result"),
                                                  "credential"));
    }
}

static void
check_file (const ConfVectorsFile *f, GHashTable *reqs, GHashTable *names, GHashTable *covered)
{
  static const char *const file_members[] = { "schema", "suite", "group", "generator", "notes",
                                              "clock", "keys", "numberOfTests", "testGroups",
                                              NULL };
  static const char *const group_members[] = { "role", "profile", "setup", "tests", NULL };
  static const char *const test_members[] = { "tcId", "name", "requirements", "comment",
                                              "flags", "result", "steps", NULL };
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_assert_true (json_parser_load_from_data (parser, f->text, -1, &error));
  g_assert_no_error (error);
  JsonObject *file = json_node_get_object (json_parser_get_root (parser));
  expect_members (file, file_members, f->file);
  g_assert_cmpstr (json_object_get_string_member (file, "schema"), ==, "essc-vectors/1");
  g_autofree char *group = g_strdup_printf ("%s.json", json_object_get_string_member (file,
                                                                                      "group"));
  g_assert_cmpstr (group, ==, f->file);
  g_assert_cmpint (json_object_get_int_member (file, "clock"), ==, CONF_VECTORS_CLOCK);
  JsonObject *notes = json_object_get_object_member (file, "notes");
  JsonArray *groups = json_object_get_array_member (file, "testGroups");
  gint64 count = 0;
  for (guint g = 0; g < json_array_get_length (groups); g++)
    {
      JsonObject *grp = json_array_get_object_element (groups, g);
      expect_members (grp, group_members, f->file);
      const char *role = json_object_get_string_member (grp, "role");
      JsonArray *setup = json_object_get_array_member (grp, "setup");
      g_assert_cmpuint (json_array_get_length (setup), >=, 1);
      g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (setup, 0),
                                                      "op"), ==, "reset");
      for (guint s = 0; s < json_array_get_length (setup); s++)
        check_step (json_array_get_object_element (setup, s), role, f->file);
      JsonArray *tests = json_object_get_array_member (grp, "tests");
      for (guint t = 0; t < json_array_get_length (tests); t++)
        {
          JsonObject *test = json_array_get_object_element (tests, t);
          const char *name = json_object_get_string_member (test, "name");
          expect_members (test, test_members, name);
          g_assert_cmpint (json_object_get_int_member (test, "tcId"), ==, ++count);
          if (!g_hash_table_add (names, g_strdup (name)))
            g_error ("test name %s used twice", name);
          const char *result = json_object_get_string_member (test, "result");
          g_assert_true (strcmp (result, "valid") == 0 || strcmp (result, "invalid") == 0
                         || strcmp (result, "acceptable") == 0);
          JsonArray *r = json_object_get_array_member (test, "requirements");
          g_assert_cmpuint (json_array_get_length (r), >=, 1);
          for (guint i = 0; i < json_array_get_length (r); i++)
            {
              const char *id = json_array_get_string_element (r, i);
              if (!g_hash_table_contains (reqs, id))
                g_error ("%s names %s, which ESSC-STD does not define", name, id);
              g_hash_table_add (covered, g_strdup (id));
            }
          JsonArray *flags = json_object_get_array_member (test, "flags");
          for (guint i = 0; i < json_array_get_length (flags); i++)
            if (!json_object_has_member (notes, json_array_get_string_element (flags, i)))
              g_error ("%s: flag %s not explained in notes", name,
                       json_array_get_string_element (flags, i));
          JsonArray *steps = json_object_get_array_member (test, "steps");
          g_assert_cmpuint (json_array_get_length (steps), >=, 1);
          for (guint s = 0; s < json_array_get_length (steps); s++)
            check_step (json_array_get_object_element (steps, s), role, name);
        }
    }
  g_assert_cmpint (json_object_get_int_member (file, "numberOfTests"), ==, count);
}

static void
check_all (GHashTable *covered)
{
  g_autoptr (GPtrArray) files = generate ();
  g_autoptr (GHashTable) reqs = requirements ();
  g_autoptr (GHashTable) names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (guint i = 0; i + 1 < files->len; i++)   /* the manifest last */
    check_file (files->pdata[i], reqs, names, covered);
}

static void
test_schema (void)
{
  g_autoptr (GHashTable) covered = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  check_all (covered);
}

static void
test_coverage (void)
{
  g_autoptr (GHashTable) covered = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr (GHashTable) reqs = requirements ();
  check_all (covered);
  g_autoptr (GString) missing = g_string_new (NULL);
  g_autoptr (GString) wrongly_listed = g_string_new (NULL);
  GHashTableIter it;
  gpointer id, level;
  g_hash_table_iter_init (&it, reqs);
  while (g_hash_table_iter_next (&it, &id, &level))
    {
      gboolean must = g_str_has_prefix (level, "MUST");
      gboolean listed = in_list (not_observable, id);
      gboolean has = g_hash_table_contains (covered, id);
      if (must && !has && !listed)
        g_string_append_printf (missing, " %s", (const char *) id);
      if (listed && (has || !must))
        g_string_append_printf (wrongly_listed, " %s", (const char *) id);
    }
  for (int i = 0; not_observable[i] != NULL; i++)
    if (!g_hash_table_contains (reqs, not_observable[i]))
      g_string_append_printf (wrongly_listed, " %s(unknown)", not_observable[i]);
  if (missing->len > 0)
    g_test_message ("MUST requirements without a vector test:%s", missing->str);
  if (wrongly_listed->len > 0)
    g_test_message ("allow-list entries that are covered or not MUST:%s", wrongly_listed->str);
  g_assert_cmpstr (missing->str, ==, "");
  g_assert_cmpstr (wrongly_listed->str, ==, "");
}

static void
test_committed (void)
{
  g_autofree char *dir = src_path ("conformance/vectors");
  g_autoptr (GPtrArray) differing = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GError) error = NULL;
  g_assert_true (conf_vectors_check (dir, differing, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < differing->len; i++)
    g_test_message ("%s", (const char *) differing->pdata[i]);
  g_assert_cmpuint (differing->len, ==, 0);
}

int
main (int argc, char **argv)
{
  essc_test_init (&argc, &argv);
  g_test_add_func ("/conf/vectors/deterministic", test_deterministic);
  g_test_add_func ("/conf/vectors/cli-check", test_cli_check);
  g_test_add_func ("/conf/vectors/schema", test_schema);
  g_test_add_func ("/conf/vectors/coverage", test_coverage);
  g_test_add_func ("/conf/vectors/committed", test_committed);
  return g_test_run ();
}
