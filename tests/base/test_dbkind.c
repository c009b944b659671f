/* SPDX-License-Identifier: MIT */
/*
 * Tests of base/dbkind: every kind told by its application id, files of the
 * old shared id "ESSC" told by their tables, what is new, foreign or
 * unreadable, and the rule for writing over a file of another kind.
 */
#include "base/dbkind.h"
#include "tests/lib/testutil.h"

#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>

static char *
make_db (const char *dir, const char *name, const char *sql)
{
  char *path = g_build_filename (dir, name, NULL);
  sqlite3 *db = NULL;
  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
  return path;
}

static void
test_dbkind_identify (void)
{
  g_autofree char *dir = essc_test_make_tmpdir ("essc-dbkind-XXXXXX");
  static const struct { const char *name, *sql; BaseDbKind kind; const char *detail; } cases[] = {
    { "ids-0-empty", "PRAGMA user_version = 0", BASE_DB_NEW, NULL },
    { "ids-0-table", "CREATE TABLE notes (x)", BASE_DB_FOREIGN,
      "application_id 0x00000000, tables notes" },
    { "store", "PRAGMA application_id = 1163088707; CREATE TABLE card (x); CREATE TABLE ecard (x);"
               " CREATE TABLE part (x)", BASE_DB_STORE,
      "application_id 0x45535343, tables card, ecard, part" },
    { "run", "PRAGMA application_id = 1163088462; CREATE TABLE run (x)", BASE_DB_RUN, NULL },
    { "run-empty", "PRAGMA application_id = 1163088462", BASE_DB_RUN,
      "application_id 0x4553524e, tables none" },
    { "sweep", "PRAGMA application_id = 1163088727; CREATE TABLE sweep (x)", BASE_DB_SWEEP, NULL },
    { "calibration", "PRAGMA application_id = 1163084609", BASE_DB_CALIBRATION, NULL },
    { "conformance", "PRAGMA application_id = 1163084614", BASE_DB_CONFORMANCE, NULL },
    { "registry", "PRAGMA application_id = 1163088455", BASE_DB_REGISTRY, NULL },
    { "sensitivity", "PRAGMA application_id = 1163088705; CREATE TABLE sensitivity (x)",
      BASE_DB_SENSITIVITY, "application_id 0x45535341, tables sensitivity" },
    { "serve", "PRAGMA application_id = 1163088726; CREATE TABLE run (x)", BASE_DB_SERVE,
      "application_id 0x45535356, tables run" },
    { "other-id", "PRAGMA application_id = 1234; CREATE TABLE run (x)", BASE_DB_FOREIGN,
      "application_id 0x000004d2, tables run" },
    /* files of the id all kinds shared before, told by their tables */
    { "old-store", "PRAGMA application_id = 1163088707; CREATE TABLE part (x)", BASE_DB_STORE,
      NULL },
    { "old-run", "PRAGMA application_id = 1163088707; CREATE TABLE run (x); CREATE TABLE "
                 "conformance_run (x)", BASE_DB_RUN, NULL },
    { "old-sweep", "PRAGMA application_id = 1163088707; CREATE TABLE sweep (x)", BASE_DB_SWEEP,
      NULL },
    { "old-calibration", "PRAGMA application_id = 1163088707; CREATE TABLE calibration (x)",
      BASE_DB_CALIBRATION, NULL },
    { "old-conformance", "PRAGMA application_id = 1163088707; CREATE TABLE conformance_run (x)",
      BASE_DB_CONFORMANCE, NULL },
    { "old-unknown", "PRAGMA application_id = 1163088707; CREATE TABLE notes (x)",
      BASE_DB_FOREIGN, NULL },
    { "old-empty", "PRAGMA application_id = 1163088707", BASE_DB_NEW, NULL },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = make_db (dir, cases[i].name, cases[i].sql);
      g_autofree char *detail = NULL;
      g_test_message ("%s", cases[i].name);
      g_assert_cmpint (base_db_identify (path, &detail), ==, cases[i].kind);
      if (cases[i].detail != NULL)
        g_assert_cmpstr (detail, ==, cases[i].detail);
      g_assert_cmpint (base_db_identify (path, NULL), ==, cases[i].kind);
    }

  /* no file, an empty one, a folder, a file that is not SQLite */
  g_autofree char *missing = g_build_filename (dir, "missing", NULL);
  g_autofree char *empty = g_build_filename (dir, "empty", NULL);
  g_autofree char *text = g_build_filename (dir, "text", NULL);
  g_assert_true (g_file_set_contents (empty, "", 0, NULL));
  g_assert_true (g_file_set_contents (text, "not a database, but long enough to be read\n", -1,
                                      NULL));
  g_autofree char *d1 = NULL, *d2 = NULL, *d3 = NULL, *d4 = NULL;
  g_assert_cmpint (base_db_identify (missing, &d1), ==, BASE_DB_NEW);
  g_assert_null (d1);
  g_assert_cmpint (base_db_identify (empty, &d2), ==, BASE_DB_NEW);
  g_assert_cmpint (base_db_identify (dir, &d3), ==, BASE_DB_UNREADABLE);
  g_assert_cmpstr (d3, ==, "not a regular file");
  g_assert_cmpint (base_db_identify (text, &d4), ==, BASE_DB_UNREADABLE);
  g_assert_true (g_str_has_prefix (d4, "damaged or not an SQLite database: "));
  g_assert_true (essc_test_remove_dir (dir));
}

static void
test_dbkind_ids (void)
{
  /* each kind its own id, four ASCII letters */
  BaseDbKind kinds[] = { BASE_DB_STORE, BASE_DB_RUN, BASE_DB_SWEEP, BASE_DB_CALIBRATION,
                         BASE_DB_CONFORMANCE, BASE_DB_REGISTRY, BASE_DB_SENSITIVITY,
                         BASE_DB_SERVE };
  for (gsize i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      gint32 id = base_db_kind_application_id (kinds[i]);
      for (int b = 0; b < 4; b++)
        g_assert_true (g_ascii_isupper ((id >> (8 * b)) & 0xff));
      for (gsize j = 0; j < i; j++)
        g_assert_cmpint (id, !=, base_db_kind_application_id (kinds[j]));
    }
  g_assert_cmpint (base_db_kind_application_id (BASE_DB_STORE), ==, 0x45535343);
  g_assert_cmpint (base_db_kind_application_id (BASE_DB_FOREIGN), ==, 0);
}

/* Every kind has its own one-word name (essc export's JSON says it). */
static void
test_dbkind_names (void)
{
  g_assert_cmpstr (base_db_kind_name (BASE_DB_RUN), ==, "run");
  g_assert_cmpstr (base_db_kind_name (BASE_DB_STORE), ==, "store");
  for (int k = BASE_DB_NEW; k <= BASE_DB_UNREADABLE; k++)
    {
      const char *name = base_db_kind_name ((BaseDbKind) k);
      g_assert_nonnull (name);
      g_assert_cmpuint (strlen (name), >, 0);
      for (const char *c = name; *c; c++)
        g_assert_true (g_ascii_islower (*c));
      for (int j = BASE_DB_NEW; j < k; j++)
        g_assert_cmpstr (name, !=, base_db_kind_name ((BaseDbKind) j));
    }
}

static void
test_dbkind_may_write (void)
{
  g_autofree char *dir = essc_test_make_tmpdir ("essc-dbkind-XXXXXX");
  g_autofree char *store = make_db (dir, "store", "PRAGMA application_id = 1163088707; "
                                    "CREATE TABLE ecard (x)");
  g_autofree char *run = make_db (dir, "run", "PRAGMA application_id = 1163088462; "
                                  "CREATE TABLE run (x)");
  g_autofree char *fresh = g_build_filename (dir, "fresh", NULL);
  GQuark q = g_quark_from_static_string ("test");
  g_autoptr (GError) error = NULL;

  g_assert_true (base_db_may_write (fresh, BASE_DB_RUN, BASE_DB_NEW, q, 7, NULL));
  g_assert_true (base_db_may_write (run, BASE_DB_RUN, BASE_DB_NEW, q, 7, NULL));
  g_assert_true (base_db_may_write (run, BASE_DB_CONFORMANCE, BASE_DB_RUN, q, 7, NULL));
  g_assert_false (base_db_may_write (run, BASE_DB_CONFORMANCE, BASE_DB_NEW, q, 7, NULL));
  g_assert_false (base_db_may_write (store, BASE_DB_CONFORMANCE, BASE_DB_RUN, q, 7, &error));
  g_assert_error (error, q, 7);
  g_autofree char *want = g_strdup_printf ("%s: exists and is an e-card store (essc demo --db) "
                                           "(application_id 0x45535343, tables ecard), not a "
                                           "database of conformance runs (essc conform --db): "
                                           "not written", store);
  g_assert_cmpstr (error->message, ==, want);
  g_clear_error (&error);
  g_assert_false (base_db_may_write (dir, BASE_DB_SWEEP, BASE_DB_NEW, q, 7, &error));
  g_assert_nonnull (strstr (error->message, "not a database essc can read (not a regular file)"));
  g_assert_true (essc_test_remove_dir (dir));
}

int
main (int argc, char **argv)
{
  essc_test_init (&argc, &argv);
  g_test_add_func ("/base/dbkind/identify", test_dbkind_identify);
  g_test_add_func ("/base/dbkind/ids", test_dbkind_ids);
  g_test_add_func ("/base/dbkind/names", test_dbkind_names);
  g_test_add_func ("/base/dbkind/may-write", test_dbkind_may_write);
  return g_test_run ();
}
