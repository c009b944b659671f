/* SPDX-License-Identifier: MIT */
/*
 * Tests of the capacity plan's units in the run report (reports/latency.c)
 * through the essc binary, on the run database of tests/lib/report_fixture.h
 * (the small latency scenario with --plan-capacity): the page's table of the
 * plan holds, for each platform's month of most servers, the peak's
 * requests per second and one server's exactly as capacity_plan holds them,
 * with the paragraph saying what a server is; the service times' table one
 * server's requests per second of each kind (1 / its service time).  A run
 * database written before capacity_plan had service_s and server_rate still
 * gets its table, "per server" empty, and a sentence saying why.
 */
#include "tests/lib/page_tables.h"
#include "tests/lib/report_fixture.h"
#include "tests/lib/testutil.h"

#include <math.h>
#include <string.h>

static char *
index_html (const char *dir)
{
  g_autofree char *path = g_build_filename (dir, "index.html", NULL);
  char *html = NULL;
  g_assert_true (g_file_get_contents (path, &html, NULL, NULL));
  return html;
}

static PageTables *
page (const char *dir, char **html)
{
  *html = index_html (dir);
  g_autoptr (GString) problems = g_string_new (NULL);
  PageTables *t = page_tables_parse (*html, problems);
  if (problems->len > 0)
    fixture_problem ("%s: %s", dir, problems->str);
  return t;
}

static void
same (const PageTables *t, const char *table, const char *key, const char *col, double db)
{
  double v;
  if (!page_tables_value (t, table, key, col, &v))
    fixture_problem ("table %s, row %s, column %s: no number", table, key, col);
  else if (!(v == db || fabs (v - db) <= 1e-12 * fabs (db)))
    fixture_problem ("table %s, row %s, column %s: the page says %.17g, the database %.17g",
                     table, key, col, v, db);
}

static void
test_units_on_page (void)
{
  if (!fixture_need_run ())
    return;
  g_autofree char *html = NULL;
  g_autoptr (PageTables) t = page (fx.rep, &html);
  g_assert_nonnull (strstr (html, "A server is one worker serving one request at a time"));
  sqlite3 *db = fixture_db_open (fx.run_db);
  /* The report's row per platform: its month of most servers needed. */
  sqlite3_stmt *st = fixture_db_prepare (
      db, "SELECT CAST (c.platform AS TEXT), c.peak_rate, c.server_rate, c.service_s "
          "FROM capacity_plan AS c WHERE c.month = (SELECT d.month FROM capacity_plan AS d "
          "WHERE d.platform = c.platform ORDER BY d.servers_max DESC, d.peak_rate DESC, d.month "
          "LIMIT 1) "
          "ORDER BY c.platform");
  guint n = 0;
  for (; sqlite3_step (st) == SQLITE_ROW; n++)
    {
      const char *key = (const char *) sqlite3_column_text (st, 0);
      double server_rate = sqlite3_column_double (st, 2);
      g_assert_cmpfloat (server_rate, >, 0);
      g_assert_cmpfloat (fabs (server_rate * sqlite3_column_double (st, 3) - 1), <, 1e-12);
      same (t, "capacity-plan", key, "peak_rate", sqlite3_column_double (st, 1));
      same (t, "capacity-plan", key, "server_rate", server_rate);
    }
  sqlite3_finalize (st);
  g_assert_cmpuint (n, ==, 5);
  st = fixture_db_prepare (db, "SELECT kind, 1 / service_s FROM latency_service");
  for (n = 0; sqlite3_step (st) == SQLITE_ROW; n++)
    same (t, "service-times", (const char *) sqlite3_column_text (st, 0), "server_rate",
          sqlite3_column_double (st, 1));
  sqlite3_finalize (st);
  g_assert_cmpuint (n, ==, 5);
  sqlite3_close (db);
}

static void
test_older_database (void)
{
  if (!fixture_need_run ())
    return;
  g_autofree char *path = g_build_filename (fx.dir, "plan-old.db", NULL);
  g_autofree char *bytes = NULL;
  gsize len = 0;
  g_assert_true (g_file_get_contents (fx.run_db, &bytes, &len, NULL));
  g_assert_true (g_file_set_contents (path, bytes, len, NULL));
  sqlite3 *db = fixture_db_open (path);
  g_assert_cmpint (sqlite3_exec (db, "ALTER TABLE capacity_plan DROP COLUMN server_rate; "
                                     "ALTER TABLE capacity_plan DROP COLUMN service_s;", NULL, NULL,
                                 NULL), ==, SQLITE_OK);
  sqlite3_close (db);
  g_autofree char *dir = g_build_filename (fx.dir, "rep-plan-old", NULL);
  FixtureRun r;
  fixture_essc (&r, NULL, "report", path, "--out", dir, "--no-plots", NULL);
  g_test_message ("%s%s", r.out, r.err);
  g_assert_cmpint (r.code, ==, 0);
  fixture_run_clear (&r);
  g_autofree char *html = NULL;
  g_autoptr (PageTables) t = page (dir, &html);
  g_assert_true (page_tables_has (t, "capacity-plan"));
  g_assert_nonnull (strstr (html, "was written before the plan recorded the service time"));
  double v;
  g_assert_true (page_tables_value (t, "capacity-plan", "0", "peak_rate", &v));
  g_assert_false (page_tables_value (t, "capacity-plan", "0", "server_rate", &v));
  g_assert_cmpstr (page_tables_text (t, "capacity-plan", "0", "server_rate"), ==, "\u2013");
}

int
main (int argc, char **argv)
{
  essc_test_init (&argc, &argv);
  fixture_init ();
  g_test_add_func ("/capacity/units-on-page", test_units_on_page);
  g_test_add_func ("/capacity/older-database", test_older_database);
  return fixture_finish (g_test_run ());
}
