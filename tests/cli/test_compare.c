/* SPDX-License-Identifier: MIT */
/*
 * Tests of essc compare (reports/compare.c, cli/cmd_compare.c) on runs of
 * the small busy scenario (tests/data/small/busy.ini, 10 replications):
 *
 * - two runs with the same seed, B with a 20% higher imitation: the runs
 *   are paired, the national outcomes' means are the databases' own
 *   (replication_outcome against national_day), the paired interval of
 *   the holders on the second target date is the t interval of the
 *   replication differences computed here from the two databases (t of
 *   9 degrees of freedom from the table: 1.833113), and it is narrower
 *   than the unpaired (Welch) one: common random numbers at work;
 * - B with another seed: not paired, no paired interval, an unpaired one;
 * - a run against itself: every difference 0, no verdict changed;
 * - the page (--out): its tables and figures;
 * - refusals: a file that is not a run database, a missing file, one
 *   argument, a bad --level: exit 2 naming the problem.
 *
 * And the same treatment for a sweep's points (essc sweep, reports/sweep.c):
 * a point whose unified settlement comes after its date has the verdict
 * "not met" where the other has "met", in the terminal (each point named by
 * its values), the database (sweep_verdict) and the page (sweep-verdicts).
 */
#include "tests/lib/run.h"
#include "tests/lib/testutil.h"

#include <glib/gstdio.h>
#include <math.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

static char *dir;
static char *db_a, *db_b, *db_c;

/* The busy scenario with its data files by absolute path and, when from
 * is not NULL, one line replaced. */
static char *
write_variant (const char *name, const char *from, const char *to)
{
  g_autofree char *small = essc_test_src_path ("tests", "data", "small", NULL);
  g_autofree char *ini = g_build_filename (small, "busy.ini", NULL);
  g_autofree char *text = NULL;
  g_assert_true (g_file_get_contents (ini, &text, NULL, NULL));
  g_autoptr (GRegex) data = g_regex_new ("^(\\w+)\\s*=\\s*([\\w.-]+\\.csv)\\s*$",
                                         G_REGEX_MULTILINE, 0, NULL);
  g_autofree char *repl = g_strdup_printf ("\\1 = %s/\\2", small);
  g_autofree char *abs = g_regex_replace (data, text, -1, 0, repl, 0, NULL);
  g_autofree char *out = NULL;
  if (from != NULL)
    {
      g_assert_nonnull (strstr (abs, from));
      g_auto (GStrv) parts = g_strsplit (abs, from, 2);
      out = g_strconcat (parts[0], to, parts[1], NULL);
    }
  else
    out = g_strdup (abs);
  char *path = g_build_filename (dir, name, NULL);
  g_assert_true (g_file_set_contents (path, out, -1, NULL));
  return path;
}

static char *
simulate (const char *ini, const char *db, const char *seed)
{
  char *path = g_build_filename (dir, db, NULL);
  EsscTestRun r = seed ? essc_test_run_essc ("sim", ini, "--db", path, "--replications", "10",
                                             "--no-latency", "--seed", seed)
                       : essc_test_run_essc ("sim", ini, "--db", path, "--replications", "10",
                                             "--no-latency");
  if (r.status != 0)
    g_error ("essc sim %s: exit %d\n%s", ini, r.status, r.err);
  essc_test_run_clear (&r);
  return path;
}

static void
setup (void)
{
  if (db_a != NULL)
    return;
  g_autoptr (GError) e = NULL;
  dir = g_dir_make_tmp ("essc-compare-XXXXXX", &e);
  g_assert_no_error (e);
  g_autofree char *a = write_variant ("a.ini", NULL, NULL);
  g_autofree char *b = write_variant ("b.ini", "imitation = 0.01\n", "imitation = 0.012\n");
  db_a = simulate (a, "a.db", NULL);
  db_b = simulate (b, "b.db", NULL);
  db_c = simulate (b, "c.db", "12");
}

/* Holders on date of every replication of a database, in order. */
static GArray *
holders (const char *db_path, const char *date)
{
  sqlite3 *db = NULL;
  g_assert_cmpint (sqlite3_open_v2 (db_path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  sqlite3_stmt *st = NULL;
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT value FROM replication_outcome WHERE quantity"
                                           " = 'holders' AND scope = 'nation' AND date = ? ORDER "
                                           "BY replication", -1, &st, NULL), ==, SQLITE_OK);
  sqlite3_bind_text (st, 1, date, -1, SQLITE_STATIC);
  GArray *v = g_array_new (FALSE, FALSE, sizeof (double));
  while (sqlite3_step (st) == SQLITE_ROW)
    {
      double x = sqlite3_column_double (st, 0);
      g_array_append_val (v, x);
    }
  sqlite3_finalize (st);
  /* the mean is national_day's */
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT mean FROM national_day WHERE series = "
                                           "'holders' AND date = ?", -1, &st, NULL), ==,
                   SQLITE_OK);
  sqlite3_bind_text (st, 1, date, -1, SQLITE_STATIC);
  g_assert_cmpint (sqlite3_step (st), ==, SQLITE_ROW);
  double sum = 0;
  for (guint i = 0; i < v->len; i++)
    sum += g_array_index (v, double, i);
  g_assert_cmpfloat_with_epsilon (sum / v->len, sqlite3_column_double (st, 0),
                                  1e-9 * sqlite3_column_double (st, 0));
  sqlite3_finalize (st);
  sqlite3_close (db);
  return v;
}

/* The line of stdout that starts (after spaces) with label. */
static const char *
line_of (const char *out, const char *label)
{
  for (const char *p = out; p != NULL && *p; p = strchr (p, '\n') ? strchr (p, '\n') + 1 : NULL)
    {
      const char *q = p;
      while (*q == ' ')
        q++;
      if (g_str_has_prefix (q, label))
        return q;
    }
  return NULL;
}

/* Parses "[lo .. hi]" (digits grouped with commas) after the n-th "[" of
 * line. */
static void
bracket (const char *line, guint n, double *lo, double *hi)
{
  const char *p = line;
  for (guint i = 0; i <= n; i++)
    {
      p = strchr (p, '[');
      g_assert_nonnull (p);
      p++;
    }
  g_autofree char *inside = g_strndup (p, strcspn (p, "]"));
  g_assert_true (p[strlen (inside)] == ']');
  g_auto (GStrv) ends = g_strsplit (inside, " .. ", 2);
  g_assert_cmpuint (g_strv_length (ends), ==, 2);
  double v[2];
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr (GString) digits = g_string_new (NULL);
      for (const char *c = ends[i]; *c; c++)
        if (*c != ',')
          g_string_append_c (digits, *c);
      char *end = NULL;
      v[i] = g_ascii_strtod (digits->str, &end);
      g_assert_true (end != digits->str && *end == '\0');
    }
  *lo = v[0];
  *hi = v[1];
}

static void
test_paired (void)
{
  setup ();
  EsscTestRun r = essc_test_run_essc ("compare", db_a, db_b);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "paired by replication: the same seed, 10 pairs"));
  const char *line = line_of (r.out, "holders on 2020-12-31");
  g_assert_nonnull (line);
  double plo, phi, ulo, uhi;
  bracket (line, 0, &plo, &phi);
  bracket (line, 1, &ulo, &uhi);
  g_test_message ("holders on 2020-12-31, B - A: paired [%.0f, %.0f] (width %.0f), unpaired "
                  "[%.0f, %.0f] (width %.0f)", plo, phi, phi - plo, ulo, uhi, uhi - ulo);
  /* common random numbers: the paired interval is the narrower */
  g_assert_cmpfloat (phi - plo, <, uhi - ulo);
  /* the paired interval, recomputed from the databases */
  g_autoptr (GArray) a = holders (db_a, "2020-12-31");
  g_autoptr (GArray) b = holders (db_b, "2020-12-31");
  g_assert_cmpuint (a->len, ==, 10);
  g_assert_cmpuint (b->len, ==, 10);
  double d[10], mean = 0, ss = 0;
  for (guint i = 0; i < 10; i++)
    mean += (d[i] = g_array_index (b, double, i) - g_array_index (a, double, i)) / 10;
  for (guint i = 0; i < 10; i++)
    ss += (d[i] - mean) * (d[i] - mean);
  double half = 1.833113 * sqrt (ss / 9 / 10);
  g_assert_cmpfloat (mean, >, 0);  /* more imitation, more holders */
  g_assert_cmpfloat (fabs (plo - (mean - half)), <=, 1.0 + 1e-6 * fabs (mean));
  g_assert_cmpfloat (fabs (phi - (mean + half)), <=, 1.0 + 1e-6 * fabs (mean));
  essc_test_run_clear (&r);
}

static void
test_unpaired (void)
{
  setup ();
  EsscTestRun r = essc_test_run_essc ("compare", db_a, db_c);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "not paired: the seeds differ"));
  const char *at = line_of (r.out, "holders on 2020-12-31");
  g_assert_nonnull (at);
  g_autofree char *line = g_strndup (at, strcspn (at, "\n"));
  /* no paired interval ("-"), one unpaired */
  double lo, hi;
  bracket (line, 0, &lo, &hi);
  g_assert_cmpfloat (lo, <, hi);
  g_assert_null (strchr (strchr (line, ']') + 1, '['));
  g_assert_nonnull (strstr (line, " - "));
  essc_test_run_clear (&r);
}

static void
test_itself (void)
{
  setup ();
  g_autofree char *out = g_build_filename (dir, "page", NULL);
  EsscTestRun r = essc_test_run_essc ("compare", db_a, db_a, "--out", out, "--provinces");
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "no province's verdict changed"));
  g_assert_null (strstr (r.out, "CHANGED"));
  const char *line = line_of (r.out, "holders on 2020-12-31");
  g_assert_nonnull (line);
  double lo, hi;
  bracket (line, 0, &lo, &hi);
  g_assert_cmpfloat (lo, ==, 0);
  g_assert_cmpfloat (hi, ==, 0);
  g_assert_nonnull (line_of (r.out, "广东省: share on 2020-12-31"));
  g_autofree char *index = g_build_filename (out, "index.html", NULL);
  g_autofree char *html = NULL;
  g_assert_true (g_file_get_contents (index, &html, NULL, NULL));
  const char *ids[] = { "compare-verdicts", "compare-national", "compare-provinces",
                        "compare-platforms" };
  for (gsize i = 0; i < G_N_ELEMENTS (ids); i++)
    {
      g_autofree char *id = g_strdup_printf ("<table id=\"%s\"", ids[i]);
      g_assert_nonnull (strstr (html, id));
    }
  essc_test_run_clear (&r);
}

static void
test_refused (void)
{
  setup ();
  g_autofree char *text = g_build_filename (dir, "not.db", NULL);
  g_assert_true (g_file_set_contents (text, "not a database", -1, NULL));
  EsscTestRun r = essc_test_run_essc ("compare", db_a, text);
  g_assert_cmpint (r.status, ==, 2);
  g_assert_nonnull (strstr (r.err, text));
  essc_test_run_clear (&r);
  g_autofree char *missing = g_build_filename (dir, "missing.db", NULL);
  r = essc_test_run_essc ("compare", missing, db_a);
  g_assert_cmpint (r.status, ==, 2);
  g_assert_nonnull (strstr (r.err, missing));
  essc_test_run_clear (&r);
  r = essc_test_run_essc ("compare", db_a);
  g_assert_cmpint (r.status, ==, 2);
  essc_test_run_clear (&r);
  r = essc_test_run_essc ("compare", db_a, db_b, "--level", "1.5");
  g_assert_cmpint (r.status, ==, 2);
  g_assert_nonnull (strstr (r.err, "--level"));
  essc_test_run_clear (&r);
}

static void
test_sweep_verdicts (void)
{
  setup ();
  g_autofree char *base = write_variant ("base.ini", NULL, NULL);
  g_autofree char *sweep = g_build_filename (dir, "late.sweep", NULL);
  g_autofree char *text = g_strdup_printf ("[sweep]\nname = late\nscenario = %s\nreplications = "
                                           "3\n[grid]\nmilestones.unified_settlement = "
                                           "2019-07-01..2019-12-31; 2021-01-01..2021-06-30\n", base);
  g_assert_true (g_file_set_contents (sweep, text, -1, NULL));
  g_autofree char *db = g_build_filename (dir, "late.sweep.db", NULL);
  g_autofree char *page = g_build_filename (dir, "late-page", NULL);
  EsscTestRun r = essc_test_run_essc ("sweep", sweep, "--db", db, "--no-latency");
  g_assert_cmpint (r.status, ==, 0);
  const char *l0 = line_of (r.out, "0     met 1.00");
  const char *l1 = line_of (r.out, "1     met 1.00");
  g_assert_nonnull (l0);
  g_assert_nonnull (l1);
  g_autofree char *line0 = g_strndup (l0, strcspn (l0, "\n"));
  g_autofree char *line1 = g_strndup (l1, strcspn (l1, "\n"));
  g_assert_nonnull (strstr (line0, "milestones.unified_settlement=2019-07-01..2019-12-31"));
  g_assert_nonnull (strstr (line1, "not met 0.00 (0.0)"));
  g_assert_nonnull (strstr (line1, "milestones.unified_settlement=2021-01-01..2021-06-30"));
  essc_test_run_clear (&r);
  sqlite3 *h = NULL;
  g_assert_cmpint (sqlite3_open_v2 (db, &h, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  sqlite3_stmt *st = NULL;
  g_assert_cmpint (sqlite3_prepare_v2 (h, "SELECT point, verdict FROM sweep_verdict WHERE target "
                                          "= 'unified_settlement' ORDER BY point", -1, &st, NULL),
                   ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (st), ==, SQLITE_ROW);
  g_assert_cmpstr ((const char *) sqlite3_column_text (st, 1), ==, "met");
  g_assert_cmpint (sqlite3_step (st), ==, SQLITE_ROW);
  g_assert_cmpstr ((const char *) sqlite3_column_text (st, 1), ==, "not met");
  sqlite3_finalize (st);
  sqlite3_close (h);
  r = essc_test_run_essc ("report", db, "--out", page, "--no-plots");
  g_assert_cmpint (r.status, ==, 0);
  essc_test_run_clear (&r);
  g_autofree char *index = g_build_filename (page, "index.html", NULL);
  g_autofree char *html = NULL;
  g_assert_true (g_file_get_contents (index, &html, NULL, NULL));
  const char *table = strstr (html, "<table id=\"sweep-verdicts\"");
  g_assert_nonnull (table);
  const char *row1 = strstr (table, "<tr data-key=\"1\">");
  g_assert_nonnull (row1);
  g_assert_nonnull (strstr (row1, "data-col=\"verdict_unified_settlement\" "
                                  "data-verdict=\"not met\""));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/cli/compare/paired", test_paired);
  g_test_add_func ("/cli/compare/unpaired", test_unpaired);
  g_test_add_func ("/cli/compare/itself", test_itself);
  g_test_add_func ("/cli/compare/refused", test_refused);
  g_test_add_func ("/cli/sweep/verdicts", test_sweep_verdicts);
  int rc = g_test_run ();
  if (rc == 0 && dir != NULL)
    {
      g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", dir);
      (void) !system (cmd);
    }
  return rc;
}
