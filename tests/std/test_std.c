/* SPDX-License-Identifier: MIT */
/*
 * Tests that the standard document and the code agree: docs/ESSC-STD.md has
 * well-formed requirement rows (unique, gap-free ids per group, RFC 2119
 * levels); every MUST requirement is named by at least one test in tests/;
 * every requirement a test names exists; and the error-code table lists
 * exactly the wire names of model/stdcode.  A requirement with no test is a
 * failure here, not a silent gap.
 */
#include "model/std/stdcode.h"
#include "tests/lib/run.h"
#include "tests/lib/testutil.h"

#include <string.h>

typedef struct {
  char *id;      /* "QR-3" */
  char *level;   /* "MUST" ... */
} Req;

static char *
read_file (const char *path)
{
  g_autoptr (GError) error = NULL;
  char *text = NULL;
  if (!g_file_get_contents (path, &text, NULL, &error))
    g_error ("%s", error->message);
  return text;
}

/* The requirement rows "| ID | LEVEL | ... |" of the document. */
static GPtrArray *
requirements (void)
{
  g_autofree char *path = essc_test_src_path ("docs", "ESSC-STD.md", NULL);
  g_autofree char *text = read_file (path);
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  g_autoptr (GRegex) row = g_regex_new ("^\\| ([A-Z]+-[0-9]+) \\| ([A-Z ]+) \\|", 0, 0, NULL);
  GPtrArray *reqs = g_ptr_array_new ();

  for (int i = 0; lines[i] != NULL; i++)
    {
      g_autoptr (GMatchInfo) m = NULL;
      if (g_regex_match (row, lines[i], 0, &m))
        {
          Req *r = g_new0 (Req, 1);
          r->id = g_match_info_fetch (m, 1);
          r->level = g_match_info_fetch (m, 2);
          g_ptr_array_add (reqs, r);
        }
    }
  return reqs;
}

static void
reqs_free (GPtrArray *reqs)
{
  for (guint i = 0; i < reqs->len; i++)
    {
      Req *r = reqs->pdata[i];
      g_free (r->id);
      g_free (r->level);
      g_free (r);
    }
  g_ptr_array_free (reqs, TRUE);
}

/* Adds every requirement id named in text, with "X-a..X-b" and "X-a..b" expanded. */
static void
add_ids (GHashTable *ids, const char *text)
{
  g_autoptr (GRegex) ref = g_regex_new (
      "\\b([A-Z]+)-([0-9]+)(?:\\.\\.(?:\\1-)?([0-9]+))?\\b", 0, 0, NULL);
  g_autoptr (GMatchInfo) m = NULL;
  g_regex_match (ref, text, 0, &m);
  while (g_match_info_matches (m))
    {
      g_autofree char *group = g_match_info_fetch (m, 1);
      g_autofree char *from = g_match_info_fetch (m, 2);
      g_autofree char *to = g_match_info_fetch (m, 3);
      int a = atoi (from), b = (to && *to) ? atoi (to) : a;
      for (int k = a; k <= b && k - a < 100; k++)
        g_hash_table_add (ids, g_strdup_printf ("%s-%d", group, k));
      g_match_info_next (m, NULL);
    }
}

/* Adds the ids named in the C files of dir and of its sub-folders (test_std.c aside). */
static void
add_dir_ids (GHashTable *ids, const char *dir_path)
{
  g_autoptr (GDir) dir = g_dir_open (dir_path, 0, NULL);
  const char *name;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir_path, name, NULL);
      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        add_dir_ids (ids, path);
      else if (g_str_has_suffix (name, ".c") && strcmp (name, "test_std.c") != 0)
        {
          g_autofree char *text = read_file (path);
          add_ids (ids, text);
        }
    }
}

/* Every requirement id named in the C files of tests/ (all its folders). */
static GHashTable *
tested_ids (void)
{
  g_autofree char *dir_path = essc_test_src_path ("tests", NULL);
  GHashTable *ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  add_dir_ids (ids, dir_path);
  return ids;
}

static void
test_rows_well_formed (void)
{
  GPtrArray *reqs = requirements ();
  g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GHashTable) last = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  const char *levels[] = { "MUST", "MUST NOT", "SHOULD", "SHOULD NOT", "MAY" };

  g_assert_cmpuint (reqs->len, >, 100);
  for (guint i = 0; i < reqs->len; i++)
    {
      Req *r = reqs->pdata[i];
      gboolean level_ok = FALSE;
      for (gsize l = 0; l < G_N_ELEMENTS (levels); l++)
        level_ok |= strcmp (r->level, levels[l]) == 0;
      if (!level_ok)
        g_error ("%s: level '%s' is not an RFC 2119 level", r->id, r->level);
      if (!g_hash_table_add (seen, r->id))
        g_error ("%s appears twice", r->id);

      /* Within a group, numbers run 1, 2, 3, ... in document order. */
      const char *dash = strrchr (r->id, '-');
      g_autofree char *group = g_strndup (r->id, dash - r->id);
      int n = atoi (dash + 1);
      int prev = GPOINTER_TO_INT (g_hash_table_lookup (last, group));
      if (n != prev + 1)
        g_error ("%s follows %s-%d: requirement numbers must run without gaps", r->id, group,
                 prev);
      g_hash_table_replace (last, g_steal_pointer (&group), GINT_TO_POINTER (n));
    }
  reqs_free (reqs);
}

static void
test_every_must_tested (void)
{
  GPtrArray *reqs = requirements ();
  g_autoptr (GHashTable) tested = tested_ids ();
  g_autoptr (GString) missing = g_string_new (NULL);

  for (guint i = 0; i < reqs->len; i++)
    {
      Req *r = reqs->pdata[i];
      if (g_str_has_prefix (r->level, "MUST") && !g_hash_table_contains (tested, r->id))
        g_string_append_printf (missing, " %s", r->id);
    }
  if (missing->len > 0)
    g_error ("MUST requirements named by no test in tests/:%s", missing->str);
  reqs_free (reqs);
}

static void
test_no_stale_references (void)
{
  GPtrArray *reqs = requirements ();
  g_autoptr (GHashTable) tested = tested_ids ();
  g_autoptr (GHashTable) known = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GHashTable) groups = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  GHashTableIter it;
  gpointer key;

  for (guint i = 0; i < reqs->len; i++)
    {
      Req *r = reqs->pdata[i];
      g_hash_table_add (known, r->id);
      g_hash_table_add (groups, g_strndup (r->id, strrchr (r->id, '-') - r->id));
    }
  g_hash_table_iter_init (&it, tested);
  while (g_hash_table_iter_next (&it, &key, NULL))
    {
      const char *id = key;
      g_autofree char *group = g_strndup (id, strrchr (id, '-') - id);
      /* Only ids of the standard's groups count (not e.g. "UTF-8"). */
      if (g_hash_table_contains (groups, group) && !g_hash_table_contains (known, id))
        g_error ("a test names %s, which the standard does not define", id);
    }
  reqs_free (reqs);
}

static void
test_error_table (void)
{
  g_autofree char *path = essc_test_src_path ("docs", "ESSC-STD.md", NULL);
  g_autofree char *text = read_file (path);

  for (int c = 0; c < MODEL_STD_N_CODES; c++)
    {
      g_autofree char *cell = g_strdup_printf ("| `%s` |", model_std_code_name ((ModelStdCode) c));
      if (strstr (text, cell) == NULL)
        g_error ("the error table lacks the wire name %s", model_std_code_name ((ModelStdCode) c));
    }
}

int
main (int argc, char **argv)
{
  essc_test_init (&argc, &argv);
  g_test_add_func ("/std/requirements/well-formed", test_rows_well_formed);
  g_test_add_func ("/std/requirements/every-must-tested", test_every_must_tested);
  g_test_add_func ("/std/requirements/no-stale-references", test_no_stale_references);
  g_test_add_func ("/std/error-codes/table", test_error_table);
  return g_test_run ();
}
