/* SPDX-License-Identifier: MIT */
/*
 * Tests of the run report's maps (reports/rollout_maps.c) through the essc
 * binary, on the run database of tests/lib/report_fixture.h (the small
 * latency scenario: five cities in four provinces).  gnuplot is run through
 * a wrapper that keeps a copy of what essc sends it, so a test reads the
 * map's script and datablocks: the outlines of the run's provinces (in the
 * darker block, drawn before the cities' points) and of the other
 * divisions are exactly the province_border rows, every division's short
 * name is a label, and the PNG is not blank and has more ink than the same
 * map without outlines.  A database without the outline tables (written by
 * an older essc) still gets both maps, with a caption saying why they have
 * no outlines; one whose outline of a city's province is gone gets the map
 * without it, a caption and a warning naming the province.
 */
#include "tests/lib/png_check.h"
#include "tests/lib/report_fixture.h"
#include "tests/lib/testutil.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <string.h>

/* Keeps each gnuplot input in $ESSC_TEST_CAPTURE, then runs gnuplot on it. */
static const char WRAPPER[] = "#!/bin/sh\n"
                              "f=$(mktemp \"$ESSC_TEST_CAPTURE/gnuplot-XXXXXX\") || exit 3\n"
                              "cat > \"$f\"\n"
                              "exec gnuplot < \"$f\"\n";

/* essc report DB --out DIR with gnuplot's inputs kept in DIR-inputs;
 * returns the input that drew map-2019 (NULL: a problem recorded). */
static char *
report_capturing (const char *db, const char *dir, FixtureRun *r)
{
  g_autofree char *wrapper = g_build_filename (fx.dir, "gnuplot-capturing", NULL);
  fixture_write_file (wrapper, WRAPPER);
  g_assert_cmpint (g_chmod (wrapper, 0755), ==, 0);
  g_autofree char *inputs = g_strdup_printf ("%s-inputs", dir);
  g_assert_cmpint (g_mkdir_with_parents (inputs, 0700), ==, 0);
  const char *const env[] = { "ESSC_GNUPLOT", wrapper, "ESSC_TEST_CAPTURE", inputs, NULL };
  fixture_essc (r, env, "report", db, "--out", dir, NULL);
  g_test_message ("essc report %s:\n%s%s", db, r->out, r->err);
  g_assert_cmpint (r->code, ==, 0);
  g_autoptr (GDir) d = g_dir_open (inputs, 0, NULL);
  g_assert_nonnull (d);
  const char *name;
  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (inputs, name, NULL);
      char *text = NULL;
      g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
      if (strstr (text, "/map-2019.svg\"") != NULL)
        return text;
      g_free (text);
    }
  fixture_problem ("%s: no gnuplot input drew map-2019", inputs);
  return NULL;
}

/* The lines of datablock $name in a gnuplot input (NULL when it has none);
 * a blank line (between rings) is an empty string. */
static GPtrArray *
block (const char *input, const char *name)
{
  g_autofree char *head = g_strdup_printf ("$%s << EOD\n", name);
  const char *at = strstr (input, head);
  if (at == NULL)
    return NULL;
  at += strlen (head);
  const char *end = strstr (at, "EOD\n");
  g_assert_nonnull (end);
  g_autofree char *body = g_strndup (at, end - at);
  g_auto (GStrv) lines = g_strsplit (body, "\n", -1);
  GPtrArray *out = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; lines[i] != NULL; i++)
    if (lines[i + 1] != NULL)  /* the text after the last newline is not a line */
      g_ptr_array_add (out, g_strdup (lines[i]));
  return out;
}

/* Compares the vertex lines of a block with the rows of sql ("lon lat"
 * text, in order), blank lines (ring breaks) aside; returns the rings. */
static guint
same_vertices (const char *what, GPtrArray *lines, sqlite3 *db, const char *sql)
{
  sqlite3_stmt *st = fixture_db_prepare (db, sql);
  guint i = 0, n = 0, rings = lines->len > 0;
  while (sqlite3_step (st) == SQLITE_ROW)
    {
      while (i < lines->len && *(const char *) lines->pdata[i] == '\0')
        i++, rings++;
      const char *want = (const char *) sqlite3_column_text (st, 0);
      if (i >= lines->len)
        {
          fixture_problem ("%s: the block ends before the database's vertex %u (%s)", what, n,
                           want);
          break;
        }
      if (strcmp (lines->pdata[i], want) != 0)
        {
          fixture_problem ("%s: line %u is \"%s\", the database's vertex %u \"%s\"", what, i,
                           (const char *) lines->pdata[i], n, want);
          break;
        }
      i++, n++;
    }
  sqlite3_finalize (st);
  if (i < lines->len)
    fixture_problem ("%s: %u lines more than the database's %u vertices", what, lines->len - i,
                     n);
  g_test_message ("%s: %u vertices in %u rings", what, n, rings);
  return rings;
}

static gint64
db_int (sqlite3 *db, const char *sql)
{
  sqlite3_stmt *st = fixture_db_prepare (db, sql);
  g_assert_cmpint (sqlite3_step (st), ==, SQLITE_ROW);
  gint64 v = sqlite3_column_int64 (st, 0);
  sqlite3_finalize (st);
  return v;
}

/* The share of a PNG's pixels that differ from its background (a problem
 * and 0 when it is not a valid, non-blank PNG). */
static double
ink (const char *path)
{
  fixture_check_png (path, NULL, NULL);
  g_autoptr (PngImage) img = png_check_read_file (path, NULL);
  return img ? png_check_ink (img) : 0;
}

/* A copy of the fixture's run database with sql applied. */
static char *
changed_copy (const char *name, const char *sql)
{
  char *path = g_build_filename (fx.dir, name, NULL);
  g_autofree char *bytes = NULL;
  gsize len = 0;
  g_assert_true (g_file_get_contents (fx.run_db, &bytes, &len, NULL));
  g_assert_true (g_file_set_contents (path, bytes, len, NULL));
  sqlite3 *db = fixture_db_open (path);
  char *msg = NULL;
  if (sqlite3_exec (db, sql, NULL, NULL, &msg) != SQLITE_OK)
    g_error ("%s: %s", sql, msg);
  sqlite3_close (db);
  return path;
}

static char *
index_html (const char *dir)
{
  g_autofree char *path = g_build_filename (dir, "index.html", NULL);
  char *html = NULL;
  g_assert_true (g_file_get_contents (path, &html, NULL, NULL));
  return html;
}

static void
test_borders_drawn (void)
{
  if (!fixture_need_run ())
    return;
  g_autofree char *dir = g_build_filename (fx.dir, "rep-maps", NULL);
  FixtureRun r;
  g_autofree char *input = report_capturing (fx.run_db, dir, &r);
  if (strstr (r.err, "no outline") != NULL)
    fixture_problem ("a warning about a missing outline: %s", r.err);
  fixture_run_clear (&r);
  if (input == NULL)
    return;
  sqlite3 *db = fixture_db_open (fx.run_db);
  g_assert_cmpint (db_int (db, "SELECT COUNT(DISTINCT province) FROM province_border"), ==, 34);
  const gint64 n_own = db_int (db, "SELECT COUNT(DISTINCT province_code) FROM city");
  g_assert_cmpint (n_own, ==, 4);

  /* The outlines: the run's provinces in $b, the others in $o, vertex for
   * vertex as the database holds them, a blank line between rings. */
  g_autoptr (GPtrArray) own = block (input, "b");
  g_autoptr (GPtrArray) other = block (input, "o");
  g_assert_nonnull (own);
  g_assert_nonnull (other);
  guint rings = same_vertices ("$b", own, db, "SELECT printf ('%.6f %.6f', lon, lat) FROM "
                               "province_border WHERE province IN (SELECT province_code FROM "
                               "city) ORDER BY province, ring, seq");
  g_assert_cmpint (rings, ==, db_int (db, "SELECT COUNT(*) FROM (SELECT DISTINCT province, ring "
                                          "FROM province_border WHERE province IN (SELECT "
                                          "province_code FROM city))"));
  rings = same_vertices ("$o", other, db, "SELECT printf ('%.6f %.6f', lon, lat) FROM "
                         "province_border WHERE province NOT IN (SELECT province_code FROM "
                         "city) ORDER BY province, ring, seq");
  g_assert_cmpint (rings, ==, db_int (db, "SELECT COUNT(*) FROM (SELECT DISTINCT province, ring "
                                          "FROM province_border WHERE province NOT IN (SELECT "
                                          "province_code FROM city))"));
  /* Drawn, and before (under) the cities' points. */
  const char *lines_b = strstr (input, "$b with lines");
  const char *points = strstr (input, "$c using 1:2:3:4 with points");
  g_assert_nonnull (lines_b);
  g_assert_nonnull (points);
  g_assert_true (lines_b < points);
  g_assert_nonnull (strstr (input, "$o with lines"));

  /* Every division's short name is a label: the run's in $lb, the others in $lo. */
  g_autoptr (GPtrArray) lb = block (input, "lb");
  g_autoptr (GPtrArray) lo = block (input, "lo");
  g_assert_nonnull (lb);
  g_assert_nonnull (lo);
  g_assert_cmpuint (lb->len, ==, n_own);
  g_assert_cmpuint (lb->len + lo->len, ==, 34);
  sqlite3_stmt *st = fixture_db_prepare (db, "SELECT short_name, province IN (SELECT "
                                             "province_code FROM city) FROM province_label");
  guint n = 0;
  while (sqlite3_step (st) == SQLITE_ROW)
    {
      g_autofree char *quoted = g_strdup_printf ("\"%s\"", sqlite3_column_text (st, 0));
      GPtrArray *in = sqlite3_column_int (st, 1) ? lb : lo;
      gboolean found = FALSE;
      for (guint i = 0; i < in->len && !found; i++)
        found = g_str_has_suffix (in->pdata[i], quoted);
      if (!found)
        fixture_problem ("no label %s", quoted);
      n++;
    }
  sqlite3_finalize (st);
  g_assert_cmpuint (n, ==, 34);
  g_assert_nonnull (strstr (input, "$lb using 1:2:3 with labels"));
  sqlite3_close (db);

  /* The figures, and the caption saying what the lines are. */
  const char *const figures[] = { "map-2019", "map-2020", NULL };
  const char *const anything[] = { NULL };
  fixture_check_figures (dir, figures, anything);
  g_autofree char *html = index_html (dir);
  g_assert_nonnull (strstr (html, "the outlines of the provincial-level divisions"));
  g_assert_nonnull (strstr (html, "Taiwan, Hong Kong and Macao"));
}

/* A run database without the outline tables (as an essc before them wrote
 * it): both maps still drawn, without outlines, and the caption says why;
 * the map with outlines has more ink than this one. */
static void
test_older_database (void)
{
  if (!fixture_need_run ())
    return;
  g_autofree char *db = changed_copy ("old.db", "DROP TABLE province_border; "
                                                "DROP TABLE province_label;");
  g_autofree char *dir = g_build_filename (fx.dir, "rep-old", NULL);
  FixtureRun r;
  g_autofree char *input = report_capturing (db, dir, &r);
  fixture_run_clear (&r);
  if (input == NULL)
    return;
  g_assert_null (strstr (input, "$b << EOD"));
  g_assert_null (strstr (input, "$o << EOD"));
  g_assert_null (strstr (input, "$lb << EOD"));
  g_assert_nonnull (strstr (input, "$c using 1:2:3:4 with points"));
  const char *const figures[] = { "map-2019", "map-2020", NULL };
  const char *const anything[] = { NULL };
  fixture_check_figures (dir, figures, anything);
  g_autofree char *html = index_html (dir);
  g_assert_nonnull (strstr (html, "The run database holds no province outlines"));

  g_autofree char *plain = g_build_filename (dir, "map-2019.png", NULL);
  g_autofree char *drawn = g_build_filename (fx.rep, "map-2019.png", NULL);
  double a = ink (plain), b = ink (drawn);
  g_test_message ("ink: %.2f%% without outlines, %.2f%% with", 100 * a, 100 * b);
  if (!(b > a))
    fixture_problem ("the map with outlines has no more ink (%.4f) than without (%.4f)", b, a);
}

/* The outline of one of the run's provinces is gone: the map is drawn
 * without it; the caption and a warning name it. */
static void
test_missing_province (void)
{
  if (!fixture_need_run ())
    return;
  g_autofree char *db = changed_copy ("missing.db", "DELETE FROM province_border WHERE "
                                                    "province = 110000;");
  g_autofree char *dir = g_build_filename (fx.dir, "rep-missing", NULL);
  FixtureRun r;
  g_autofree char *input = report_capturing (db, dir, &r);
  const char *warning = strstr (r.err, "figure map-2019: no outline for 北京市 (110000)");
  if (warning == NULL)
    fixture_problem ("no warning naming 北京市 (110000): %s", r.err);
  fixture_run_clear (&r);
  if (input == NULL)
    return;
  sqlite3 *h = fixture_db_open (db);
  g_autoptr (GPtrArray) own = block (input, "b");
  g_assert_nonnull (own);
  same_vertices ("$b", own, h, "SELECT printf ('%.6f %.6f', lon, lat) FROM province_border "
                 "WHERE province IN (SELECT province_code FROM city) ORDER BY province, ring, "
                 "seq");
  sqlite3_close (h);
  const char *const figures[] = { "map-2019", "map-2020", NULL };
  const char *const anything[] = { NULL };
  fixture_check_figures (dir, figures, anything);
  g_autofree char *html = index_html (dir);
  g_assert_nonnull (strstr (html, "No outline for 1 province of the city table: "
                                  "北京市 (110000); its cities are drawn without one."));
}

int
main (int argc, char **argv)
{
  essc_test_init (&argc, &argv);
  fixture_init ();
  g_test_add_func ("/maps/borders-drawn", test_borders_drawn);
  g_test_add_func ("/maps/older-database", test_older_database);
  g_test_add_func ("/maps/missing-province", test_missing_province);
  return fixture_finish (g_test_run ());
}
