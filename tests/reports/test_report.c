/* SPDX-License-Identifier: MIT */
/*
 * Tests of `essc report`, through the essc binary (ESSC_BIN) as a user runs
 * it: a small simulation (tests/data/small/latency.ini, 3 replications,
 * capacity plan, published holders and channels, a posterior of two free
 * parameters) and a signed conformance run of the
 * reference channel are written to databases in a temporary directory and
 * reported; every expected figure must exist as SVG (well-formed, root
 * <svg>, the stamp in its text) and PNG (valid chunks and CRCs, not
 * blank: tests/lib/png_check.h).  Headless Chromium (Debian package chromium)
 * opens each page once, taking a screenshot and dumping the DOM: no
 * console message, a screenshot that is not blank, every <img> decoded
 * (a probe page), and tables that hold the numbers the database holds
 * (tests/lib/page_tables.h; compared with sqlite3 directly, relative tolerance
 * 1e-9); and every table's CSV file beside the page, linked from its
 * caption, holding the table's rows with the exact values.  Then the
 * failure modes: gnuplot missing, failing or hanging (the
 * tables are still written, no partial figure), databases that are
 * damaged, of another program or another schema version, and an output
 * directory that cannot be made (exit 2, one line on stderr naming the
 * path).  Every child runs in its own process group under a deadline
 * (tests/lib/report_fixture.h), so nothing here can hang; no assertion is
 * about time.  And first, the PNG checker itself on PNGs made here.
 */
#include "tests/lib/csv_read.h"
#include "tests/lib/page_tables.h"
#include "tests/lib/png_check.h"
#include "tests/lib/report_fixture.h"
#include "tests/lib/testutil.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The figures of a run database with latency, a capacity plan and a
 * posterior, and of a conformance database holding run 1 (reports/report.h's
 * parts). */
static const char *const RUN_FIGURES[] = {
  "national-holders", "province-holders", "map-2019", "map-2020", "target-dates",
  "channel-classes", "forecast-holders", "forecast-cells", "forecast-channels",
  "posterior-histograms", "posterior-pairs", "latency-national", "latency-local",
  "capacity-national", "capacity-local", "latency-months", NULL,
};
static const char *const CONF_FIGURES[] = {
  "conformance-groups-1", "conformance-latency-1", NULL,
};

/* The stamp of DIR/index.html (its text before " · database NAME") must
 * hold each of facts (from the database); each figure's text must hold the
 * page's stamp whole, or (per_figure: figures stamped with more, such as
 * the conformance run they show) each of facts. */
static void
check_report (const char *dir, const char *const *figures, const char *const *facts,
              gboolean per_figure)
{
  g_autofree char *index = g_build_filename (dir, "index.html", NULL);
  g_autofree char *html = NULL;
  g_autofree char *stamp = NULL;
  if (!g_file_get_contents (index, &html, NULL, NULL))
    fixture_problem ("%s: missing", index);
  else if ((stamp = page_tables_element_text (html, "stamp")) == NULL)
    fixture_problem ("%s: no element with id stamp", index);
  else
    {
      char *cut = strstr (stamp, " \u00b7 database ");
      if (cut != NULL)
        *cut = '\0';
      g_test_message ("stamp: %s", stamp);
      for (guint i = 0; facts[i] != NULL; i++)
        if (strstr (stamp, facts[i]) == NULL)
          fixture_problem ("%s: the stamp \"%s\" does not say \"%s\"", index, stamp, facts[i]);
    }
  const char *const whole[] = { stamp, NULL };
  fixture_check_figures (dir, figures, stamp != NULL && !per_figure ? whole : facts);
}

static void
test_run_figures (void)
{
  if (!fixture_need_run ())
    return;
  sqlite3 *db = fixture_db_open (fx.run_db);
#define RUN_VALUE(key) "SELECT value FROM run WHERE key = '" key "'"
  g_autofree char *name = fixture_db_text (db, RUN_VALUE ("scenario_name"));
  g_autofree char *hash = fixture_db_text (db, RUN_VALUE ("scenario_hash"));
  g_autofree char *seed = fixture_db_text (db, RUN_VALUE ("seed"));
  g_autofree char *reps = fixture_db_text (db, RUN_VALUE ("replications"));
  g_autofree char *version = fixture_db_text (db, RUN_VALUE ("essc_version"));
#undef RUN_VALUE
  sqlite3_close (db);
  g_autofree char *s1 = g_strdup_printf ("scenario %s (%.12s", name, hash);
  g_autofree char *s2 = g_strdup_printf ("seed %s", seed);
  g_autofree char *s3 = g_strdup_printf ("%s replications", reps);
  g_autofree char *s4 = g_strdup_printf ("essc %s", version);
  const char *const facts[] = { s1, s2, s3, s4, NULL };
  check_report (fx.rep, RUN_FIGURES, facts, FALSE);
}

static void
test_conf_figures (void)
{
  if (!fixture_need_conf ())
    return;
  sqlite3 *db = fixture_db_open (fx.conf_db);
  g_autofree char *role = fixture_db_text (db, "SELECT role FROM conformance_run WHERE id = 1");
  g_autofree char *command = fixture_db_text (db, "SELECT command FROM conformance_run "
                                              "WHERE id = 1");
  g_autofree char *version = fixture_db_text (db, "SELECT essc_version FROM conformance_run "
                                              "WHERE id = 1");
  sqlite3_close (db);
  g_autofree char *s1 = g_strdup_printf ("role %s", role);
  g_autofree char *s2 = g_strdup_printf ("implementation '%s'", command);
  g_autofree char *s3 = g_strdup_printf ("essc %s", version);
  const char *const facts[] = { s1, s2, s3, NULL };
  check_report (fx.crep, CONF_FIGURES, facts, TRUE);
}

/* ---- the pages in Chromium -------------------------------------------------- */

/* Opens url in headless Chromium (one start): screenshot to shot (NULL:
 * none), DOM on stdout, console messages on stderr.  FALSE (a problem
 * recorded) when Chromium failed. */
static gboolean
chromium (const char *url, const char *shot, FixtureRun *r)
{
  static guint n_profiles;
  g_autofree char *profile = g_strdup_printf ("%s/chromium-profile-%u", fx.dir, ++n_profiles);
  g_autofree char *profile_arg = g_strdup_printf ("--user-data-dir=%s", profile);
  g_autofree char *shot_arg = shot ? g_strdup_printf ("--screenshot=%s", shot) : NULL;
  g_mkdir_with_parents (profile, 0700);
  const char *const fixed[] = {
    "chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--window-size=1280,2000", "--enable-logging=stderr", "--v=0", "--dump-dom",
  };
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  for (guint i = 0; i < G_N_ELEMENTS (fixed); i++)
    g_ptr_array_add (argv, (gpointer) fixed[i]);
  g_ptr_array_add (argv, profile_arg);
  if (shot_arg != NULL)
    g_ptr_array_add (argv, shot_arg);
  g_ptr_array_add (argv, (gpointer) url);
  g_ptr_array_add (argv, NULL);
  fixture_run ((const char *const *) argv->pdata, NULL, 60, r);
  if (r->timed_out)
    fixture_problem ("chromium %s did not finish within 60 s (killed)", url);
  else if (r->code != 0)
    fixture_problem ("chromium %s exited %d:\n%s", url, r->code, r->err);
  else
    return TRUE;
  return FALSE;
}

/* Chromium logs every console message (errors of scripts, messages of a
 * page's scripts) as "[...:INFO:CONSOLE:LINE] "text", source: URL (LINE)";
 * the report's page has no script, so any such line is a problem.  (A
 * broken <img> logs nothing: the probe page checks the images.) */
static void
check_console (const char *url, const char *err)
{
  g_auto (GStrv) lines = g_strsplit (err, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    if (strstr (lines[i], ":CONSOLE") != NULL)
      fixture_problem ("%s: console: %s", url, lines[i]);
}

/* Opens DIR/index.html: its screenshot, console and images; returns its
 * tables, or NULL when Chromium failed. */
static PageTables *
open_page (const char *dir, const char *const *figures, GPtrArray *images)
{
  g_autofree char *index = g_build_filename (dir, "index.html", NULL);
  g_autofree char *url = g_filename_to_uri (index, NULL, NULL);
  g_autofree char *shot = g_strdup_printf ("%s-screenshot.png", dir);
  FixtureRun r;
  if (!chromium (url, shot, &r))
    {
      fixture_run_clear (&r);
      return NULL;
    }
  check_console (url, r.err);
  guint32 w, h;
  if (fixture_non_empty (shot))
    {
      fixture_check_png (shot, &w, &h);
      if (w != 1280 || h != 2000)
        fixture_problem ("%s: %ux%u, expected the window's 1280x2000", shot, w, h);
    }
  g_autoptr (GString) problems = g_string_new (NULL);
  PageTables *page = page_tables_parse (r.out, problems);
  if (problems->len > 0)
    fixture_problem ("%s: %s", url, problems->str);
  fixture_run_clear (&r);
  /* Every figure on the page, every image a file beside it. */
  const GPtrArray *srcs = page_tables_images (page);
  for (guint i = 0; figures[i] != NULL; i++)
    {
      g_autofree char *src = g_strdup_printf ("%s.svg", figures[i]);
      gboolean found = FALSE;
      for (guint j = 0; j < srcs->len && !found; j++)
        found = strcmp (srcs->pdata[j], src) == 0;
      if (!found)
        fixture_problem ("%s: no <img src=\"%s\">", url, src);
    }
  for (guint j = 0; j < srcs->len; j++)
    {
      const char *src = srcs->pdata[j];
      g_autofree char *file = g_build_filename (dir, src, NULL);
      if (strchr (src, ':') != NULL || src[0] == '/' || !g_file_test (file, G_FILE_TEST_EXISTS))
        fixture_problem ("%s: <img src=\"%s\"> is not a file beside the page", url, src);
      else
        g_ptr_array_add (images, g_filename_to_uri (file, NULL, NULL));
    }
  return page;
}

/* One page with every image of the reports and a script that, once they
 * have loaded, lists those Chromium could not decode. */
static void
probe_images (const GPtrArray *images)
{
  g_autoptr (GString) html = g_string_new ("<!DOCTYPE html><html><head><meta charset=\"utf-8\">"
                                           "<title>probe</title></head><body>\n");
  for (guint i = 0; i < images->len; i++)
    g_string_append_printf (html, "<img src=\"%s\" width=\"100\">\n",
                            (const char *) images->pdata[i]);
  g_string_append (html, "<script>window.addEventListener('load', function () {\n"
                         "  var bad = [];\n"
                         "  for (const img of document.images)\n"
                         "    if (!img.complete || img.naturalWidth === 0) bad.push(img.src);\n"
                         "  document.body.setAttribute('data-broken', bad.join(' '));\n"
                         "  document.body.setAttribute('data-checked', document.images.length);\n"
                         "});</script></body></html>\n");
  g_autofree char *path = g_build_filename (fx.dir, "probe.html", NULL);
  fixture_write_file (path, html->str);
  g_autofree char *url = g_filename_to_uri (path, NULL, NULL);
  FixtureRun r;
  if (chromium (url, NULL, &r))
    {
      g_autofree char *checked = g_strdup_printf ("data-checked=\"%u\"", images->len);
      if (strstr (r.out, checked) == NULL)
        fixture_problem ("the image probe did not run (no %s in its DOM)", checked);
      if (strstr (r.out, "data-broken=\"\"") == NULL)
        {
          const char *b = strstr (r.out, "data-broken=");
          fixture_problem ("images Chromium cannot show: %.*s", b ? (int) strcspn (b, ">") : 0,
                           b ? b : "");
        }
    }
  fixture_run_clear (&r);
}

static gboolean
close_enough (double a, double b)
{
  return a == b || fabs (a - b) <= 1e-9 * fmax (fabs (a), fabs (b));
}

/* The page's number in table/key/col against the database's. */
static void
compare (const PageTables *page, const char *table, const char *key, const char *col, double db)
{
  double v;
  if (!page_tables_has (page, table))
    fixture_problem ("no table %s on the page", table);
  else if (!page_tables_value (page, table, key, col, &v))
    fixture_problem ("table %s, row %s, column %s: no number (data-value)", table, key, col);
  else if (!close_enough (v, db))
    fixture_problem ("table %s, row %s, column %s: the page says %.17g, the database %.17g", table,
                     key, col, v, db);
}

static void
compare_run_page (const PageTables *page)
{
  sqlite3 *db = fixture_db_open (fx.run_db);
  guint n = 0;
  /* Holders at each target date and at the run's end. */
  sqlite3_stmt *st = fixture_db_prepare (db, "SELECT d.date, d.mean FROM national_day AS d "
                                         "WHERE d.series = 'holders' AND (d.date IN "
                                         "(SELECT by_date FROM city_target) OR d.date = "
                                         "(SELECT value FROM run WHERE key = 'end'))");
  for (; sqlite3_step (st) == SQLITE_ROW; n++)
    compare (page, "summary-national", (const char *) sqlite3_column_text (st, 0), "holders",
             sqlite3_column_double (st, 1));
  sqlite3_finalize (st);
  g_assert_cmpuint (n, ==, 2);  /* 2019-03-31, and 2019-06-30 the end and the second target */
  /* Every province's share of cardholders on the second target's date. */
  st = fixture_db_prepare (db, "SELECT CAST (p.province AS TEXT), p.holders * 100.0 / "
                           "p.cardholders FROM province_day AS p WHERE p.date = (SELECT "
                           "by_date FROM city_target WHERE target = 'share_2020' LIMIT 1) "
                           "ORDER BY p.province");
  for (n = 0; sqlite3_step (st) == SQLITE_ROW; n++)
    compare (page, "targets-province", (const char *) sqlite3_column_text (st, 0), "share_2020",
             sqlite3_column_double (st, 1));
  sqlite3_finalize (st);
  g_assert_cmpuint (n, ==, 4);
  /* Every platform's worst p99. */
  st = fixture_db_prepare (db, "SELECT CAST (platform AS TEXT), MAX (p99) * 1000 FROM "
                           "latency_day GROUP BY platform ORDER BY platform");
  for (n = 0; sqlite3_step (st) == SQLITE_ROW; n++)
    compare (page, "sla", (const char *) sqlite3_column_text (st, 0), "worst_p99_ms",
             sqlite3_column_double (st, 1));
  sqlite3_finalize (st);
  g_assert_cmpuint (n, ==, 5);
  /* Each cell's holders and share of its residents at the end (no urban
   * split: the three age bands of all areas). */
  st = fixture_db_prepare (db, "SELECT substr (h.series, 9), h.mean, 100 * h.mean / p.mean FROM "
                           "national_day AS h JOIN national_day AS p ON p.series = 'people_' || "
                           "substr (h.series, 9) AND p.date = h.date WHERE h.series LIKE "
                           "'holders!_%' ESCAPE '!' AND h.date = (SELECT value FROM run WHERE "
                           "key = 'end') ORDER BY h.series");
  for (n = 0; sqlite3_step (st) == SQLITE_ROW; n++)
    {
      const char *cell = (const char *) sqlite3_column_text (st, 0);
      compare (page, "forecast-cells", cell, "holders_2020", sqlite3_column_double (st, 1));
      compare (page, "forecast-cells", cell, "share_2020", sqlite3_column_double (st, 2));
    }
  sqlite3_finalize (st);
  g_assert_cmpuint (n, ==, 3);
  /* Each free parameter's weighted posterior mean and its draws. */
  st = fixture_db_prepare (db, "SELECT param, SUM (weight * value) / SUM (weight), COUNT (*) "
                           "FROM posterior GROUP BY param ORDER BY param");
  for (n = 0; sqlite3_step (st) == SQLITE_ROW; n++)
    {
      const char *param = (const char *) sqlite3_column_text (st, 0);
      compare (page, "posterior", param, "mean", sqlite3_column_double (st, 1));
      compare (page, "posterior", param, "draws", sqlite3_column_double (st, 2));
    }
  sqlite3_finalize (st);
  g_assert_cmpuint (n, ==, 2);
  sqlite3_close (db);
  const char *const tables[] = { "targets-verdict", "summary-national", "targets-province",
                                 "slowest-cities",
                                 "channels", "forecast-cells", "posterior", "sla",
                                 "propagation", "service-times", "capacity-plan", NULL };
  for (guint i = 0; tables[i] != NULL; i++)
    if (!page_tables_has (page, tables[i]))
      fixture_problem ("the run's page has no table %s", tables[i]);
}

static void
compare_conf_page (const PageTables *page)
{
  sqlite3 *db = fixture_db_open (fx.conf_db);
  sqlite3_stmt *st = fixture_db_prepare (db, "SELECT CAST (id AS TEXT), passed, failed FROM "
                                         "conformance_run ORDER BY id");
  guint n = 0;
  for (; sqlite3_step (st) == SQLITE_ROW; n++)
    {
      const char *id = (const char *) sqlite3_column_text (st, 0);
      compare (page, "conformance-runs", id, "passed", sqlite3_column_double (st, 1));
      compare (page, "conformance-runs", id, "failed", sqlite3_column_double (st, 2));
    }
  sqlite3_finalize (st);
  sqlite3_close (db);
  g_assert_cmpuint (n, ==, 1);
  const char *const tables[] = { "conformance-runs", "verdicts-group-1", "coverage-1",
                                 "iut-latency-1", "certificate-1", NULL };
  for (guint i = 0; tables[i] != NULL; i++)
    if (!page_tables_has (page, tables[i]))
      fixture_problem ("the conformance page has no table %s", tables[i]);
}

static void
test_chromium (void)
{
  if (!fixture_need_run () || !fixture_need_conf ())
    return;
  g_autofree char *found = g_find_program_in_path ("chromium");
  if (found == NULL)
    {
      g_test_fail_printf ("chromium is not installed: Debian package chromium (packages.txt; "
                          "tools/deps.sh installs it, `make check` runs it as root)");
      return;
    }
  g_autoptr (GPtrArray) images = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (PageTables) run_page = open_page (fx.rep, RUN_FIGURES, images);
  if (run_page != NULL)
    compare_run_page (run_page);
  g_autoptr (PageTables) conf_page = open_page (fx.crep, CONF_FIGURES, images);
  if (conf_page != NULL)
    compare_conf_page (conf_page);
  probe_images (images);
}

/* ---- each table's CSV file --------------------------------------------------- */

static char *file_text (const char *path);

/*
 * Every table of DIR/index.html has a CSV link in its caption,
 * tables/ID.csv, and that file holds the table: its headings, then one
 * record per row in page order, each number cell's exact value (its
 * data-value, read back to the same double; not the rounded text), each
 * other cell's text (a cell of text may carry a data-value too), and an
 * empty field (NULL) where the page shows a dash for a missing number.
 * Returns the number cells compared.
 */
static guint
check_csv_links (const char *dir)
{
  g_autofree char *index = g_build_filename (dir, "index.html", NULL);
  g_autofree char *html = file_text (index);
  g_autoptr (GString) problems = g_string_new (NULL);
  g_autoptr (PageTables) page = page_tables_parse (html, problems);
  if (problems->len > 0)
    fixture_problem ("%s: %s", index, problems->str);
  const GPtrArray *ids = page_tables_ids (page);
  if (ids->len == 0)
    fixture_problem ("%s: no table", index);
  guint numbers = 0;
  for (guint t = 0; t < ids->len; t++)
    {
      const char *id = ids->pdata[t];
      g_autofree char *want = g_strdup_printf ("tables/%s.csv", id);
      if (g_strcmp0 (page_tables_csv (page, id), want) != 0)
        {
          fixture_problem ("%s: table %s: CSV link %s, expected %s", index, id,
                           page_tables_csv (page, id), want);
          continue;
        }
      g_autofree char *path = g_build_filename (dir, want, NULL);
      gsize len = 0;
      g_autofree char *data = NULL;
      if (!g_file_get_contents (path, &data, &len, NULL))
        {
          fixture_problem ("%s: missing", path);
          continue;
        }
      g_autofree char *problem = NULL;
      g_autoptr (GPtrArray) records = csv_read (data, len, &problem);
      if (records == NULL)
        {
          fixture_problem ("%s: not CSV: %s", path, problem);
          continue;
        }
      const GPtrArray *cols = page_tables_columns (page, id);
      const GPtrArray *headings = page_tables_headings (page, id);
      const GPtrArray *keys = page_tables_keys (page, id);
      if (records->len != keys->len + 1)
        {
          fixture_problem ("%s: %u records, expected the header and the table's %u rows", path,
                           records->len, keys->len);
          continue;
        }
      for (guint r = 0; r < records->len; r++)
        {
          GPtrArray *record = records->pdata[r];
          if (record->len != cols->len)
            {
              fixture_problem ("%s: record %u has %u fields, the table %u columns", path, r + 1,
                               record->len, cols->len);
              continue;
            }
          for (guint c = 0; c < cols->len; c++)
            {
              const char *field = csv_text (records, r, c);
              if (r == 0)
                {
                  if (g_strcmp0 (field, headings->pdata[c]) != 0)
                    fixture_problem ("%s: heading %u is \"%s\", the page's \"%s\"", path,
                                     c + 1, field, (const char *) headings->pdata[c]);
                  continue;
                }
              const char *key = keys->pdata[r - 1], *col = cols->pdata[c];
              double v;
              if (page_tables_is_number (page, id, key, col)
                  && page_tables_value (page, id, key, col, &v))
                {
                  char *end = NULL;
                  double got = field != NULL ? g_ascii_strtod (field, &end) : NAN;
                  if (field == NULL || *end != '\0' || got != v)
                    fixture_problem ("%s: row %s, column %s: %s, the page's data-value %.17g",
                                     path, key, col, field, v);
                  numbers++;
                  continue;
                }
              const char *text = page_tables_text (page, id, key, col);
              g_autofree char *stripped = g_strstrip (g_strdup (field != NULL ? field : ""));
              if (field == NULL ? g_strcmp0 (text, "\u2013") != 0
                                : g_strcmp0 (text, stripped) != 0)
                fixture_problem ("%s: row %s, column %s: %s, the page's text \"%s\"", path, key,
                                 col, field != NULL ? field : "NULL", text);
            }
        }
    }
  return numbers;
}

static void
test_csv_links (void)
{
  if (!fixture_need_run () || !fixture_need_conf ())
    return;
  guint run = check_csv_links (fx.rep);
  guint conf = check_csv_links (fx.crep);
  g_test_message ("number cells compared: %u on the run's page, %u on the conformance page",
                  run, conf);
  if (run < 50 || conf < 10)
    fixture_problem ("too few number cells compared (%u, %u): is the page's markup read?", run,
                     conf);
}

/* ---- the verdicts on the targets in Chromium ------------------------------ */

static char *
file_text (const char *path)
{
  char *text = NULL;
  if (!g_file_get_contents (path, &text, NULL, NULL))
    {
      fixture_problem ("%s: missing", path);
      text = g_strdup ("");
    }
  return text;
}


/* Every verdict cell of the page's targets-verdict (the nation) and
 * targets-province (each province and the nation) against the database's
 * target_verdict; returns (transfer full) the nation's verdict on
 * unified settlement as the page shows it. */
static char *
compare_verdicts (const PageTables *page, const char *db_path)
{
  sqlite3 *db = fixture_db_open (db_path);
  sqlite3_stmt *st = fixture_db_prepare (db, "SELECT target, verdict, probability, "
                                         "cities_meeting FROM target_verdict WHERE scope = "
                                         "'nation' ORDER BY target");
  guint n = 0;
  char *unified = NULL;
  for (; sqlite3_step (st) == SQLITE_ROW; n++)
    {
      const char *target = (const char *) sqlite3_column_text (st, 0);
      const char *verdict = (const char *) sqlite3_column_text (st, 1);
      const char *shown = page_tables_text (page, "targets-verdict", target, "verdict");
      if (g_strcmp0 (shown, verdict) != 0)
        fixture_problem ("targets-verdict, %s: the page says %s, the database %s", target,
                         shown ? shown : "nothing", verdict);
      compare (page, "targets-verdict", target, "probability", sqlite3_column_double (st, 2));
      compare (page, "targets-verdict", target, "verdict", sqlite3_column_double (st, 2));
      compare (page, "targets-verdict", target, "cities_meeting", sqlite3_column_double (st, 3));
      if (strcmp (target, "unified_settlement") == 0)
        unified = g_strdup (shown);
    }
  sqlite3_finalize (st);
  g_assert_cmpuint (n, ==, 4);
  st = fixture_db_prepare (db, "SELECT CASE scope WHEN 'nation' THEN 'national' ELSE CAST "
                           "(code AS TEXT) END, 'verdict_' || target, verdict, probability FROM "
                           "target_verdict WHERE scope IN ('nation', 'province')");
  for (n = 0; sqlite3_step (st) == SQLITE_ROW; n++)
    {
      const char *key = (const char *) sqlite3_column_text (st, 0);
      const char *col = (const char *) sqlite3_column_text (st, 1);
      const char *verdict = (const char *) sqlite3_column_text (st, 2);
      const char *shown = page_tables_text (page, "targets-province", key, col);
      if (g_strcmp0 (shown, verdict) != 0)
        fixture_problem ("targets-province, row %s, %s: the page says %s, the database %s", key,
                         col, shown ? shown : "nothing", verdict);
      compare (page, "targets-province", key, col, sqlite3_column_double (st, 3));
    }
  sqlite3_finalize (st);
  g_assert_cmpuint (n, >=, 8);
  sqlite3_close (db);
  return unified;
}

/* The run fixture and a variant whose unified settlement comes later than
 * its deadline: each page's verdicts are the database's (rendered by
 * Chromium, screenshots beside the reports), and the two differ where the
 * variant differs. */
static void
test_verdicts (void)
{
  if (!fixture_need_run ())
    return;
  g_autofree char *found = g_find_program_in_path ("chromium");
  if (found == NULL)
    {
      g_test_fail_printf ("chromium is not installed: Debian package chromium (packages.txt)");
      return;
    }
  g_autofree char *base_ini = g_build_filename (fx.dir, "latency.ini", NULL);
  g_autofree char *text = file_text (base_ini);
  g_autoptr (GRegex) re = g_regex_new ("^unified_settlement = .*$", G_REGEX_MULTILINE, 0, NULL);
  g_autofree char *late_text = g_regex_replace (re, text, -1, 0, "unified_settlement = "
                                                "2019-05-01..2019-08-31", 0, NULL);
  g_assert_cmpstr (late_text, !=, text);
  g_autofree char *late_ini = g_build_filename (fx.dir, "late.ini", NULL);
  g_autofree char *late_db = g_build_filename (fx.dir, "late.db", NULL);
  g_autofree char *late_rep = g_build_filename (fx.dir, "late-rep", NULL);
  fixture_write_file (late_ini, late_text);
  FixtureRun r;
  fixture_essc (&r, NULL, "sim", late_ini, "--db", late_db, "--replications", "3", NULL);
  if (r.code != 0)
    fixture_problem ("essc sim late.ini: exit %d\n%s", r.code, r.err);
  fixture_run_clear (&r);
  fixture_essc (&r, NULL, "report", late_db, "--out", late_rep, "--no-plots", NULL);
  if (r.code != 0)
    fixture_problem ("essc report late.db: exit %d\n%s", r.code, r.err);
  fixture_run_clear (&r);
  const char *const none[] = { NULL };
  g_autoptr (GPtrArray) images = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (PageTables) base_page = open_page (fx.rep, RUN_FIGURES, images);
  g_autoptr (PageTables) late_page = open_page (late_rep, none, images);
  if (base_page == NULL || late_page == NULL)
    return;
  g_autofree char *base_unified = compare_verdicts (base_page, fx.run_db);
  g_autofree char *late_unified = compare_verdicts (late_page, late_db);
  g_assert_cmpstr (base_unified, ==, "met");
  g_assert_cmpstr (late_unified, ==, "not met");
}

/* ---- gnuplot missing, failing, hanging ------------------------------------- */

/* What a report without figures must still be: the page with the tables,
 * no figure files. */
static void
check_tables_only (const char *dir, const char *table)
{
  g_autofree char *index = g_build_filename (dir, "index.html", NULL);
  g_autofree char *html = file_text (index);
  g_autofree char *id = g_strdup_printf ("<table id=\"%s\"", table);
  if (strstr (html, id) == NULL)
    fixture_problem ("%s: no table %s", index, table);
  guint svg = fixture_count_files (dir, ".svg"), png = fixture_count_files (dir, ".png");
  if (svg + png > 0)
    fixture_problem ("%s: %u SVG and %u PNG files left (expected none)", dir, svg, png);
}

static char *
write_script (const char *name, const char *text)
{
  char *path = g_build_filename (fx.dir, name, NULL);
  fixture_write_file (path, text);
  g_assert_cmpint (g_chmod (path, 0755), ==, 0);
  return path;
}

static void
test_gnuplot_missing (void)
{
  if (!fixture_need_run ())
    return;
  g_autofree char *dir = g_build_filename (fx.dir, "rep-nognuplot", NULL);
  const char *const env[] = { "ESSC_GNUPLOT", "/nonexistent/gnuplot", NULL };
  FixtureRun r;
  fixture_essc (&r, env, "report", fx.run_db, "--out", dir, NULL);
  g_test_message ("%s", r.err);
  g_assert_cmpint (r.code, ==, 0);
  if (strstr (r.err, "gnuplot-nox") == NULL)
    fixture_problem ("stderr does not name the Debian package gnuplot-nox: %s", r.err);
  g_autofree char *index = g_build_filename (dir, "index.html", NULL);
  g_autofree char *html = file_text (index);
  if (strstr (html, "gnuplot-nox") == NULL)
    fixture_problem ("%s does not name the Debian package gnuplot-nox", index);
  check_tables_only (dir, "sla");
  check_tables_only (dir, "summary-national");
  fixture_run_clear (&r);
}

/* --no-plots: the tables only, without a warning, and gnuplot never started
 * (this one would leave a file behind). */
static void
test_no_plots (void)
{
  if (!fixture_need_run ())
    return;
  g_autofree char *marker = g_build_filename (fx.dir, "gnuplot-started", NULL);
  g_autofree char *text = g_strdup_printf ("#!/bin/sh\ntouch '%s'\nexec gnuplot\n", marker);
  g_autofree char *script = write_script ("gnuplot-marking", text);
  g_autofree char *dir = g_build_filename (fx.dir, "rep-noplots", NULL);
  const char *const env[] = { "ESSC_GNUPLOT", script, NULL };
  FixtureRun r;
  fixture_essc (&r, env, "report", fx.run_db, "--out", dir, "--no-plots", NULL);
  g_test_message ("%s", r.err);
  g_assert_cmpint (r.code, ==, 0);
  if (strstr (r.out, "with warnings") != NULL || strstr (r.err, "essc report:") != NULL)
    fixture_problem ("--no-plots gave warnings: %s%s", r.out, r.err);
  if (g_file_test (marker, G_FILE_TEST_EXISTS))
    fixture_problem ("--no-plots started gnuplot");
  check_tables_only (dir, "sla");
  check_tables_only (dir, "summary-national");
  fixture_run_clear (&r);
}

static void
test_gnuplot_failing (void)
{
  if (!fixture_need_run ())
    return;
  g_autofree char *script = write_script ("gnuplot-failing", "#!/bin/sh\ncat >/dev/null\n"
                                                             "echo 'no such terminal' >&2\n"
                                                             "exit 1\n");
  g_autofree char *dir = g_build_filename (fx.dir, "rep-failing", NULL);
  const char *const env[] = { "ESSC_GNUPLOT", script, NULL };
  FixtureRun r;
  fixture_essc (&r, env, "report", fx.run_db, "--out", dir, NULL);
  g_test_message ("%s", r.err);
  g_assert_cmpint (r.code, ==, 0);
  for (guint i = 0; RUN_FIGURES[i] != NULL; i++)
    {
      g_autofree char *warning = g_strdup_printf ("figure %s ", RUN_FIGURES[i]);
      const char *at = strstr (r.err, warning);
      if (at == NULL || strstr (at, "exited with status 1") == NULL)
        fixture_problem ("no warning that figure %s failed (gnuplot exited 1)", RUN_FIGURES[i]);
    }
  check_tables_only (dir, "sla");
  check_tables_only (dir, "summary-national");
  fixture_run_clear (&r);
}

/* A gnuplot that never answers: each figure is given up after
 * --gnuplot-timeout; the run ends (fixture_run's deadline is the guard). */
static void
test_gnuplot_hanging (void)
{
  if (!fixture_need_conf ())
    return;
  g_autofree char *script = write_script ("gnuplot-hanging", "#!/bin/sh\nexec sleep 100\n");
  g_autofree char *dir = g_build_filename (fx.dir, "crep-hanging", NULL);
  const char *const env[] = { "ESSC_GNUPLOT", script, NULL };
  FixtureRun r;
  fixture_essc (&r, env, "report", fx.conf_db, "--out", dir, "--gnuplot-timeout", "1", NULL);
  g_test_message ("%s", r.err);
  g_assert_cmpint (r.code, ==, 0);
  for (guint i = 0; CONF_FIGURES[i] != NULL; i++)
    {
      g_autofree char *warning = g_strdup_printf ("figure %s ", CONF_FIGURES[i]);
      const char *at = strstr (r.err, warning);
      if (at == NULL || strstr (at, "did not finish") == NULL)
        fixture_problem ("no warning that figure %s did not finish", CONF_FIGURES[i]);
    }
  check_tables_only (dir, "conformance-runs");
  fixture_run_clear (&r);
}

/* ---- databases that cannot be reported, a directory that cannot be made --- */

/* essc report db --out out: exit 2, one line on stderr naming named (and
 * containing also, when not NULL), the directory not made. */
static void
expect_refusal (const char *db, const char *out, const char *named, const char *also)
{
  FixtureRun r;
  fixture_essc (&r, NULL, "report", db, "--out", out, NULL);
  g_test_message ("%s -> exit %d: %s", db, r.code, r.err);
  if (r.code != 2)
    fixture_problem ("essc report %s: exit %d, expected 2 (stderr: %s)", db, r.code, r.err);
  const char *nl = strchr (r.err, '\n');
  if (nl == NULL || nl[1] != '\0')
    fixture_problem ("essc report %s: expected one line on stderr, got: %s", db, r.err);
  if (strstr (r.err, named) == NULL)
    fixture_problem ("essc report %s: stderr does not name %s: %s", db, named, r.err);
  if (also != NULL && strstr (r.err, also) == NULL)
    fixture_problem ("essc report %s: stderr does not say \"%s\": %s", db, also, r.err);
  if (strcmp (named, out) != 0 && g_file_test (out, G_FILE_TEST_EXISTS))
    fixture_problem ("essc report %s: made %s for a database it cannot read", db, out);
  fixture_run_clear (&r);
}

static char *
copy_db (const char *name)
{
  g_autofree char *data = NULL;
  gsize len = 0;
  g_autoptr (GError) e = NULL;
  g_file_get_contents (fx.run_db, &data, &len, &e);
  g_assert_no_error (e);
  char *path = g_build_filename (fx.dir, name, NULL);
  g_file_set_contents (path, data, (gssize) len, &e);
  g_assert_no_error (e);
  return path;
}

static void
test_bad_input (void)
{
  if (!fixture_need_run ())
    return;
  g_autofree char *out = g_build_filename (fx.dir, "rep-refused", NULL);
  g_autoptr (GError) e = NULL;

  /* Truncated to half. */
  g_autofree char *half = copy_db ("half.db");
  GStatBuf st;
  g_assert_cmpint (g_stat (half, &st), ==, 0);
  g_assert_cmpint (truncate (half, st.st_size / 2), ==, 0);
  expect_refusal (half, out, half, "damaged");

  /* Bytes 100..200 zeroed: the schema page's b-tree header. */
  g_autofree char *zeroed = copy_db ("zeroed.db");
  g_autofree char *data = NULL;
  gsize len = 0;
  g_file_get_contents (zeroed, &data, &len, &e);
  g_assert_no_error (e);
  memset (data + 100, 0, 100);
  g_file_set_contents (zeroed, data, (gssize) len, &e);
  g_assert_no_error (e);
  expect_refusal (zeroed, out, zeroed, "damaged");

  /* Not SQLite at all; no file at all. */
  g_autofree char *text = g_build_filename (fx.dir, "text.db", NULL);
  g_autoptr (GString) lines = g_string_new (NULL);
  for (int i = 0; i < 100; i++)
    g_string_append (lines, "This is a text file, not a database.\n");
  fixture_write_file (text, lines->str);
  expect_refusal (text, out, text, NULL);
  g_autofree char *missing = g_build_filename (fx.dir, "no-such.db", NULL);
  expect_refusal (missing, out, missing, NULL);

  /* An SQLite database of another program. */
  g_autofree char *other = g_build_filename (fx.dir, "other.db", NULL);
  sqlite3 *db = NULL;
  g_assert_cmpint (sqlite3_open (other, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "PRAGMA application_id = 1234; CREATE TABLE run (key TEXT, "
                                     "value TEXT); INSERT INTO run VALUES ('schema', 'x');",
                                 NULL, NULL, NULL),
                   ==, SQLITE_OK);
  sqlite3_close (db);
  expect_refusal (other, out, other, NULL);

  /* A run database of schema version 1. */
  g_autofree char *v1 = copy_db ("v1.db");
  db = fixture_db_open (v1);
  g_assert_cmpint (sqlite3_exec (db, "UPDATE run SET value = 'essc-simdb/1' WHERE key = 'schema';"
                                     "PRAGMA user_version = 1;", NULL, NULL, NULL),
                   ==, SQLITE_OK);
  sqlite3_close (db);
  expect_refusal (v1, out, v1, "essc-simdb/1");

  /* A run database of schema version 2, before the age bands and posteriors. */
  g_autofree char *v2 = copy_db ("v2.db");
  db = fixture_db_open (v2);
  g_assert_cmpint (sqlite3_exec (db, "UPDATE run SET value = 'essc-simdb/2' WHERE key = 'schema';"
                                     "PRAGMA user_version = 2;", NULL, NULL, NULL),
                   ==, SQLITE_OK);
  sqlite3_close (db);
  expect_refusal (v2, out, v2, "essc-simdb/2, expected essc-simdb/4");

  /* A table replaced by a view that never ends (a recursive one), and a
   * generated column: code SQLite would run on reading, refused unrun (the
   * view once kept essc report reading forever); and a trigger. */
  g_autofree char *view = copy_db ("view.db");
  db = fixture_db_open (view);
  g_assert_cmpint (sqlite3_exec (db, "DROP TABLE national_day; CREATE VIEW national_day AS "
                                     "WITH RECURSIVE c (x) AS (SELECT 1 UNION ALL SELECT x + 1 "
                                     "FROM c) SELECT 'holders' AS series, '2019-01-01' AS date, "
                                     "0.0 AS mean, 0.0 AS lo, 0.0 AS hi, 0.0 AS q25, 0.0 AS q75 "
                                     "FROM c;", NULL, NULL, NULL),
                   ==, SQLITE_OK);
  sqlite3_close (db);
  expect_refusal (view, out, view, "holds a view national_day");
  g_autofree char *generated = copy_db ("generated.db");
  db = fixture_db_open (generated);
  g_assert_cmpint (sqlite3_exec (db, "CREATE TABLE extra (a INTEGER, b INTEGER AS (a * 2));",
                                 NULL, NULL, NULL),
                   ==, SQLITE_OK);
  sqlite3_close (db);
  expect_refusal (generated, out, generated, "holds a generated column extra.b");
  /* a trigger: code too, refused (the same check as essc export's) */
  g_autofree char *trigger = copy_db ("trigger.db");
  db = fixture_db_open (trigger);
  g_assert_cmpint (sqlite3_exec (db, "CREATE TRIGGER tr AFTER INSERT ON run BEGIN DELETE FROM "
                                     "city; END;", NULL, NULL, NULL),
                   ==, SQLITE_OK);
  sqlite3_close (db);
  expect_refusal (trigger, out, trigger, "holds a trigger tr");
}

/*
 * A run database whose latency months are unreadable (damaged by hand, as a
 * hostile file could be): the report is still written, exit 0, without the
 * monthly figures; it used to crash (SIGSEGV) drawing their month ticks.
 */
static void
test_bad_months (void)
{
  if (!fixture_need_run ())
    return;
  g_autofree char *bad = copy_db ("bad-months.db");
  sqlite3 *db = fixture_db_open (bad);
  g_assert_cmpint (sqlite3_exec (db, "UPDATE latency_month SET month = '+' || month;", NULL, NULL,
                                 NULL),
                   ==, SQLITE_OK);
  sqlite3_close (db);
  g_autofree char *out = g_build_filename (fx.dir, "bad-months-report", NULL);
  FixtureRun r;
  fixture_essc (&r, NULL, "report", bad, "--out", out, NULL);
  g_test_message ("exit %d: %s", r.code, r.err);
  if (r.code != 0)
    fixture_problem ("essc report %s: exit %d, expected 0 (stderr: %s)", bad, r.code, r.err);
  g_autofree char *index = g_build_filename (out, "index.html", NULL);
  g_assert_true (g_file_test (index, G_FILE_TEST_IS_REGULAR));
  g_autofree char *months = g_build_filename (out, "latency-months.svg", NULL);
  g_assert_false (g_file_test (months, G_FILE_TEST_EXISTS));
  fixture_run_clear (&r);
}

static void
test_bad_output (void)
{
  if (!fixture_need_run ())
    return;
  g_autofree char *file = g_build_filename (fx.dir, "a-file", NULL);
  fixture_write_file (file, "a regular file\n");
  g_autofree char *out = g_build_filename (file, "rep", NULL);
  expect_refusal (fx.run_db, out, out, NULL);
}

/* ---- the PNG checker itself --------------------------------------------------- */

static void
put32 (GByteArray *b, guint32 v)
{
  const guint8 x[4] = { v >> 24, v >> 16, v >> 8, v };
  g_byte_array_append (b, x, 4);
}

static void
chunk (GByteArray *png, const char *type, const guint8 *data, guint32 len)
{
  put32 (png, len);
  const gsize at = png->len;
  g_byte_array_append (png, (const guint8 *) type, 4);
  if (len > 0)
    g_byte_array_append (png, data, len);
  put32 (png, png_check_crc32 (0, png->data + at, 4 + (gsize) len));
}

/* A 3x5 RGB PNG of pixels, row y filtered with filter type y. */
static GByteArray *
make_png (const guint8 *pixels)
{
  enum { W = 3, H = 5, BPP = 3, STRIDE = W * BPP };
  guint8 raw[H * (STRIDE + 1)];
  for (int y = 0; y < H; y++)
    {
      const guint8 *row = pixels + y * STRIDE, *up = y > 0 ? row - STRIDE : NULL;
      guint8 *out = raw + y * (STRIDE + 1);
      out[0] = (guint8) y;
      for (int x = 0; x < STRIDE; x++)
        {
          int a = x >= BPP ? row[x - BPP] : 0, b = up ? up[x] : 0;
          int c = up && x >= BPP ? up[x - BPP] : 0, p = a + b - c;
          int pr = abs (p - a) <= abs (p - b) && abs (p - a) <= abs (p - c) ? a
                   : abs (p - b) <= abs (p - c)                              ? b
                                                                             : c;
          const int pred[5] = { 0, a, b, (a + b) / 2, pr };
          out[1 + x] = (guint8) (row[x] - pred[y]);
        }
    }
  g_autoptr (GZlibCompressor) z = g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_ZLIB, 9);
  guint8 zbuf[512];
  gsize r = 0, w = 0;
  g_assert_cmpint (g_converter_convert (G_CONVERTER (z), raw, sizeof raw, zbuf, sizeof zbuf,
                                        G_CONVERTER_INPUT_AT_END, &r, &w, NULL),
                   ==, G_CONVERTER_FINISHED);
  GByteArray *png = g_byte_array_new ();
  g_byte_array_append (png, (const guint8 *) "\x89PNG\r\n\x1a\n", 8);
  const guint8 ihdr[13] = { 0, 0, 0, W, 0, 0, 0, H, 8, 2, 0, 0, 0 };
  chunk (png, "IHDR", ihdr, 13);
  chunk (png, "tEXt", (const guint8 *) "Comment\0test", 12);
  chunk (png, "IDAT", zbuf, (guint32) (w / 2));
  chunk (png, "IDAT", zbuf + w / 2, (guint32) (w - w / 2));
  chunk (png, "IEND", NULL, 0);
  return png;
}

static void
expect_png_error (GByteArray *png, const char *what)
{
  g_autoptr (GError) e = NULL;
  g_autoptr (PngImage) img = png_check_read (png->data, png->len, &e);
  g_assert_null (img);
  g_assert_error (e, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_test_message ("%s", e->message);
  g_assert_nonnull (strstr (e->message, what));
}

static void
test_png_check (void)
{
  /* CRC-32 of "123456789", the standard check value. */
  g_assert_cmphex (png_check_crc32 (0, (const guint8 *) "123456789", 9), ==, 0xcbf43926);
  guint8 pixels[5 * 9];
  for (guint i = 0; i < sizeof pixels; i++)
    pixels[i] = 255;
  /* Gradients that make every filter's predictor matter, and one dark pixel. */
  for (guint y = 0; y < 5; y++)
    for (guint x = 0; x < 9; x++)
      pixels[y * 9 + x] = (guint8) (200 + 7 * y - 5 * x + (x % 3) * 11);
  g_autoptr (GByteArray) png = make_png (pixels);
  g_autoptr (GError) e = NULL;
  g_autoptr (PngImage) img = png_check_read (png->data, png->len, &e);
  g_assert_no_error (e);
  g_assert_cmpuint (img->width, ==, 3);
  g_assert_cmpuint (img->height, ==, 5);
  g_assert_cmpuint (img->bytes_per_pixel, ==, 3);
  g_assert_cmpmem (img->pixels, sizeof pixels, pixels, sizeof pixels);

  /* Ink: all but the top-left differ here; one pixel of 15 in a flat image. */
  g_assert_cmpfloat (png_check_ink (img), ==, 14.0 / 15);
  memset (pixels, 255, sizeof pixels);
  pixels[7 * 3] = 0;
  g_autoptr (GByteArray) flat = make_png (pixels);
  g_autoptr (PngImage) fimg = png_check_read (flat->data, flat->len, &e);
  g_assert_no_error (e);
  g_assert_cmpfloat (png_check_ink (fimg), ==, 1.0 / 15);

  /* A flipped bit in the image data: the chunk's CRC catches it. */
  g_autoptr (GByteArray) flip = make_png (pixels);
  flip->data[8 + 25 + 24 + 8 + 2] ^= 0x10;
  expect_png_error (flip, "IDAT): CRC");
  /* Cut before IEND; bytes after IEND; no signature; width 0. */
  g_autoptr (GByteArray) cut = make_png (pixels);
  g_byte_array_set_size (cut, cut->len - 12);
  expect_png_error (cut, "missing IEND");
  g_autoptr (GByteArray) tail = make_png (pixels);
  g_byte_array_append (tail, (const guint8 *) "x", 1);
  expect_png_error (tail, "after IEND");
  g_autoptr (GByteArray) sig = make_png (pixels);
  sig->data[1] = 'Q';
  expect_png_error (sig, "signature");
  g_autoptr (GByteArray) narrow = make_png (pixels);
  narrow->data[8 + 8 + 3] = 0;  /* width's low byte */
  const guint32 crc = png_check_crc32 (0, narrow->data + 12, 17);
  const guint8 crc_bytes[4] = { crc >> 24, crc >> 16, crc >> 8, crc };
  memcpy (narrow->data + 8 + 8 + 13, crc_bytes, 4);
  expect_png_error (narrow, "size 0x5");
}

int
main (int argc, char **argv)
{
  essc_test_init (&argc, &argv);
  fixture_init ();
  g_test_add_func ("/report/png-check", test_png_check);
  g_test_add_func ("/report/run/figures", test_run_figures);
  g_test_add_func ("/report/conformance/figures", test_conf_figures);
  g_test_add_func ("/report/chromium", test_chromium);
  g_test_add_func ("/report/chromium/verdicts", test_verdicts);
  g_test_add_func ("/report/csv-links", test_csv_links);
  g_test_add_func ("/report/gnuplot/missing", test_gnuplot_missing);
  g_test_add_func ("/report/gnuplot/failing", test_gnuplot_failing);
  g_test_add_func ("/report/no-plots", test_no_plots);
  g_test_add_func ("/report/gnuplot/hanging", test_gnuplot_hanging);
  g_test_add_func ("/report/input/refused", test_bad_input);
  g_test_add_func ("/report/output/refused", test_bad_output);
  g_test_add_func ("/report/input/bad-months", test_bad_months);
  return fixture_finish (g_test_run ());
}
