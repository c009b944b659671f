/* SPDX-License-Identifier: MIT */
/*
 * Tests of `essc sensitivity` through the essc binary (ESSC_BIN), on the
 * small test scenarios (tests/data/small) with three parameters:
 *
 *   - a Morris run writes a sensitivity database (application id "ESSA",
 *     schema essc-sensitivity/1) with a row per parameter, point, value,
 *     output and index; every mu* and sigma in it is recomputed here from
 *     the points' values and outputs the database holds, the tornado's
 *     values are the outputs of its points, and the point at the scenario's
 *     own values has the digest `essc sim` prints for the scenario;
 *   - the same seed gives the same database bytes on 1 and 2 threads (Morris
 *     and Sobol), and --seed changes it;
 *   - with the latency model the worst-day p99 is an output, without it not;
 *   - bad --param values (unknown key, not a number, LOW >= HIGH, no "..",
 *     a key holding no number, a key of whole numbers, given twice) and bad
 *     options exit 2 naming what is wrong, and write nothing;
 *   - a file of another kind is not overwritten;
 *   - essc report renders the database: the page's tables hold the
 *     database's numbers, and every tornado chart exists as SVG and PNG.
 */
#include "base/dbkind.h"
#include "tests/lib/page_tables.h"
#include "tests/lib/report_fixture.h"
#include "tests/lib/run.h"
#include "tests/lib/testutil.h"

#include <math.h>
#include <sqlite3.h>
#include <string.h>

static char *tmp_dir;

#define PARAM_IMITATION "--param", "adoption.imitation=0.005..0.015"
#define PARAM_INNOVATION "--param", "adoption.innovation=0.0001..0.0005"
#define PARAM_PASS "--param", "channels.certification_pass=0.3..0.9"

static char *
busy (void)
{
  return essc_test_src_path ("tests", "data", "small", "busy.ini", NULL);
}

static char *
tmp_path (const char *name)
{
  return g_build_filename (tmp_dir, name, NULL);
}

/* essc sensitivity on busy.ini (1 replication, no latency) with the three
 * parameters and extra arguments; must succeed.  Returns its stdout. */
static char *
run_busy (const char *db, const char *const *extra)
{
  g_autofree char *scenario = busy ();
  g_autoptr (GPtrArray) args = g_ptr_array_new ();
  const char *const base[] = { "sensitivity", scenario, PARAM_IMITATION, PARAM_INNOVATION,
                               PARAM_PASS, "--replications", "1", "--no-latency", "--quiet",
                               "--db", db };
  for (gsize i = 0; i < G_N_ELEMENTS (base); i++)
    g_ptr_array_add (args, (gpointer) base[i]);
  for (guint i = 0; extra != NULL && extra[i] != NULL; i++)
    g_ptr_array_add (args, (gpointer) extra[i]);
  g_ptr_array_add (args, NULL);
  EsscTestRun r = essc_test_run_essc_v (NULL, 0, (const char *const *) args->pdata);
  if (r.status != 0)
    g_error ("essc sensitivity exited %d: %s", r.status, r.err);
  g_assert_cmpstr (r.err, ==, "");   /* --quiet */
  char *out = g_steal_pointer (&r.out);
  essc_test_run_clear (&r);
  return out;
}

static sqlite3 *
db_open (const char *path)
{
  sqlite3 *db = NULL;
  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  return db;
}

static double
db_double (sqlite3 *db, const char *sql)
{
  sqlite3_stmt *st = NULL;
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &st, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (st), ==, SQLITE_ROW);
  double v = sqlite3_column_double (st, 0);
  sqlite3_finalize (st);
  return v;
}

static char *
db_text (sqlite3 *db, const char *sql)
{
  sqlite3_stmt *st = NULL;
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &st, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (st), ==, SQLITE_ROW);
  char *v = g_strdup ((const char *) sqlite3_column_text (st, 0));
  sqlite3_finalize (st);
  return v;
}

static gboolean
close_to (double a, double b)
{
  return fabs (a - b) <= 1e-9 * MAX (1.0, MAX (fabs (a), fabs (b)));
}

/* mu* and sigma of every output and parameter, from the points' rows. */
static void
check_morris_indices (sqlite3 *db, guint k, guint r, guint n_outputs)
{
  g_autofree double *lo = g_new (double, k), *hi = g_new (double, k);
  for (guint i = 0; i < k; i++)
    {
      g_autofree char *q1 = g_strdup_printf ("SELECT low FROM sensitivity_param WHERE param = %u",
                                             i);
      g_autofree char *q2 = g_strdup_printf ("SELECT high FROM sensitivity_param WHERE "
                                             "param = %u", i);
      lo[i] = db_double (db, q1);
      hi[i] = db_double (db, q2);
    }
  double delta = db_double (db, "SELECT value FROM sensitivity WHERE key = 'delta'");
  for (guint o = 0; o < n_outputs; o++)
    for (guint i = 0; i < k; i++)
      {
        double sum = 0, sum_abs = 0, ee_of[64];
        guint n = 0;
        g_assert_cmpuint (r, <=, 64);
        for (guint t = 0; t < r; t++)
          {
            /* the step of trajectory t that moved factor i */
            g_autofree char *q = g_strdup_printf (
                "SELECT p.point FROM sensitivity_point p WHERE p.kind = 'design' AND "
                "p.role = 'morris' AND p.block = %u AND p.factor = %u", t, i);
            guint at = (guint) db_double (db, q);
            g_autofree char *qy1 = g_strdup_printf ("SELECT value FROM sensitivity_point_output "
                                                    "WHERE point = %u AND output = %u", at, o);
            g_autofree char *qy0 = g_strdup_printf ("SELECT value FROM sensitivity_point_output "
                                                    "WHERE point = %u AND output = %u", at - 1,
                                                    o);
            g_autofree char *qx1 = g_strdup_printf ("SELECT value FROM sensitivity_point_value "
                                                    "WHERE point = %u AND param = %u", at, i);
            g_autofree char *qx0 = g_strdup_printf ("SELECT value FROM sensitivity_point_value "
                                                    "WHERE point = %u AND param = %u", at - 1,
                                                    i);
            double du = (db_double (db, qx1) - db_double (db, qx0)) / (hi[i] - lo[i]);
            g_assert_cmpfloat (fabs (fabs (du) - delta), <, 1e-12);
            double ee = (db_double (db, qy1) - db_double (db, qy0)) / du;
            sum += ee;
            sum_abs += fabs (ee);
            ee_of[n++] = ee;
          }
        g_assert_cmpuint (n, ==, r);
        double mu = sum / r, ss = 0;
        for (guint t = 0; t < r; t++)
          ss += (ee_of[t] - mu) * (ee_of[t] - mu);
        double sigma = sqrt (ss / (r - 1));
        g_autofree char *q = g_strdup_printf ("SELECT mu_star FROM sensitivity_index WHERE "
                                              "output = %u AND param = %u", o, i);
        g_autofree char *qs = g_strdup_printf ("SELECT sigma FROM sensitivity_index WHERE "
                                               "output = %u AND param = %u", o, i);
        double stored = db_double (db, q), stored_sigma = db_double (db, qs);
        if (!close_to (stored, sum_abs / r))
          g_error ("output %u param %u: mu* %.17g stored, %.17g recomputed", o, i, stored,
                   sum_abs / r);
        g_assert_true (close_to (stored_sigma, sigma));
      }
}

static void
test_morris_database (void)
{
  g_autofree char *db_path = tmp_path ("morris.db");
  const char *extra[] = { "--trajectories", "4", NULL };
  g_autofree char *out = run_busy (db_path, extra);
  g_test_message ("%s", out);
  g_assert_nonnull (strstr (out, "essc sensitivity: busy ("));
  g_assert_nonnull (strstr (out, "Morris elementary effects: 4 trajectories on 4 levels"));
  g_assert_nonnull (strstr (out, "\nshare_2020 (share): "));
  g_assert_nonnull (strstr (out, "  1    adoption.imitation "));
  g_autofree char *db_line = g_strdup_printf ("sensitivity database: %s\n", db_path);
  g_assert_nonnull (strstr (out, db_line));
  g_assert_null (strstr (out, "worst_p99"));   /* no latency model */

  g_assert_cmpint (base_db_identify (db_path, NULL), ==, BASE_DB_SENSITIVITY);
  sqlite3 *db = db_open (db_path);
  g_autofree char *app = db_text (db, "PRAGMA application_id");
  g_assert_cmpint (g_ascii_strtoll (app, NULL, 10), ==, BASE_DB_ID_SENSITIVITY);
  g_autofree char *schema = db_text (db, "SELECT value FROM sensitivity WHERE key = 'schema'");
  g_assert_cmpstr (schema, ==, "essc-sensitivity/1");
  /* 3 parameters, 4 trajectories of 4 points, the base and 6 tornado points,
   * 12 outputs (without the latency model's p99) */
  const struct { const char *sql; double n; } counts[] = {
    { "SELECT count(*) FROM sensitivity_param", 3 },
    { "SELECT count(*) FROM sensitivity_point", 16 + 1 + 6 },
    { "SELECT count(*) FROM sensitivity_point WHERE kind = 'design'", 16 },
    { "SELECT count(*) FROM sensitivity_point WHERE kind = 'low'", 3 },
    { "SELECT count(*) FROM sensitivity_point_value", 23 * 3 },
    { "SELECT count(*) FROM sensitivity_output", 12 },
    { "SELECT count(*) FROM sensitivity_point_output", 23 * 12 },
    { "SELECT count(*) FROM sensitivity_index", 12 * 3 },
    { "SELECT count(*) FROM sensitivity_tornado", 12 * 3 },
    { "SELECT count(*) FROM sensitivity_index WHERE s1 IS NOT NULL OR st IS NOT NULL", 0 },
    { "SELECT count(*) FROM sensitivity_index WHERE mu_star_lo > mu_star OR "
      "mu_star_hi < mu_star", 0 },
    { "SELECT value FROM sensitivity WHERE key = 'replications'", 1 },
    { "SELECT value FROM sensitivity WHERE key = 'seed'", 11 },
    { "SELECT nominal FROM sensitivity_param WHERE name = 'adoption.imitation'", 0.01 },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (counts); i++)
    {
      g_test_message ("%s", counts[i].sql);
      g_assert_cmpfloat (db_double (db, counts[i].sql), ==, counts[i].n);
    }
  check_morris_indices (db, 3, 4, 12);
  /* the tornado's values are its points' outputs, its swing HIGH - LOW */
  g_assert_cmpfloat (db_double (db, "SELECT count(*) FROM sensitivity_tornado t JOIN "
                                    "sensitivity_point pl ON pl.kind = 'low' AND pl.factor = "
                                    "t.param JOIN sensitivity_point ph ON ph.kind = 'high' AND "
                                    "ph.factor = t.param JOIN sensitivity_point_output ol ON "
                                    "ol.point = pl.point AND ol.output = t.output JOIN "
                                    "sensitivity_point_output oh ON oh.point = ph.point AND "
                                    "oh.output = t.output WHERE t.low_value = ol.value AND "
                                    "t.high_value = oh.value AND t.swing = oh.value - ol.value"),
                   ==, 12 * 3);
  /* a tornado point has its parameter at LOW or HIGH and the others at the
   * scenario's values */
  g_assert_cmpfloat (db_double (db, "SELECT count(*) FROM sensitivity_point p JOIN "
                                    "sensitivity_point_value v USING (point) JOIN "
                                    "sensitivity_param q USING (param) WHERE p.kind IN ('low', "
                                    "'high') AND v.value = CASE WHEN v.param != p.factor THEN "
                                    "q.nominal WHEN p.kind = 'low' THEN q.low ELSE q.high END"),
                   ==, 6 * 3);
  /* the point at the scenario's values is the scenario's own run */
  g_autofree char *base_digest = db_text (db, "SELECT digest FROM sensitivity_point WHERE "
                                              "kind = 'base'");
  sqlite3_close (db);
  g_autofree char *scenario = busy ();
  EsscTestRun r = essc_test_run_essc ("sim", scenario, "--replications", "1", "--no-latency",
                                      "--no-db");
  g_assert_cmpint (r.status, ==, 0);
  g_autofree char *digest_line = g_strdup_printf ("\ndigest: %s\n", base_digest);
  g_assert_nonnull (strstr (r.out, digest_line));
  essc_test_run_clear (&r);
}

static void
test_same_seed_same_bytes (void)
{
  const char *methods[][6] = {
    { "--trajectories", "3", NULL },
    { "--method", "sobol", "--samples", "4", "--bootstrap", "200" },
  };
  for (gsize m = 0; m < G_N_ELEMENTS (methods); m++)
    {
      g_autofree char *a = g_strdup_printf ("%s/seed-%zu-j1.db", tmp_dir, m);
      g_autofree char *b = g_strdup_printf ("%s/seed-%zu-j2.db", tmp_dir, m);
      g_autofree char *c = g_strdup_printf ("%s/seed-%zu-other.db", tmp_dir, m);
      const char *e1[10] = { NULL }, *e2[10] = { NULL }, *e3[10] = { NULL };
      guint n = 0;
      for (; n < 6 && methods[m][n] != NULL; n++)
        e1[n] = e2[n] = e3[n] = methods[m][n];
      e2[n] = "--jobs";
      e2[n + 1] = "2";
      e3[n] = "--seed";
      e3[n + 1] = "12";
      g_free (run_busy (a, e1));
      g_free (run_busy (b, e2));
      g_free (run_busy (c, e3));
      g_autofree char *ba = NULL, *bb = NULL, *bc = NULL;
      gsize la, lb, lc;
      g_assert_true (g_file_get_contents (a, &ba, &la, NULL));
      g_assert_true (g_file_get_contents (b, &bb, &lb, NULL));
      g_assert_true (g_file_get_contents (c, &bc, &lc, NULL));
      g_test_message ("%s: %zu bytes", methods[m][0], la);
      g_assert_cmpmem (ba, la, bb, lb);
      g_assert_true (la != lc || memcmp (ba, bc, la) != 0);
      sqlite3 *db = db_open (c);
      g_assert_cmpfloat (db_double (db, "SELECT value FROM sensitivity WHERE key = 'seed'"), ==,
                         12);
      g_assert_cmpfloat (db_double (db, "SELECT value FROM sensitivity WHERE key = "
                                        "'scenario_seed'"), ==, 12);
      sqlite3_close (db);
    }
  /* the Sobol database has S1 and ST, no mu* */
  g_autofree char *sobol = g_strdup_printf ("%s/seed-1-j1.db", tmp_dir);
  sqlite3 *db = db_open (sobol);
  g_assert_cmpfloat (db_double (db, "SELECT count(*) FROM sensitivity_point WHERE kind = "
                                    "'design'"), ==, 4 * 5);
  g_assert_cmpfloat (db_double (db, "SELECT count(*) FROM sensitivity_index WHERE mu_star IS "
                                    "NOT NULL"), ==, 0);
  g_assert_cmpfloat (db_double (db, "SELECT count(*) FROM sensitivity_point WHERE role = 'AB' "
                                    "AND factor = 2"), ==, 4);
  sqlite3_close (db);
}

static void
test_latency_output (void)
{
  g_autofree char *scenario = essc_test_src_path ("tests", "data", "small", "latency.ini", NULL);
  g_autofree char *db_path = tmp_path ("latency.db");
  EsscTestRun r = essc_test_run_essc ("sensitivity", scenario, PARAM_IMITATION,
                                      "--param", "latency.hardware_factor=10..40",
                                      "--trajectories", "2", "--replications", "1",
                                      "--progress-every", "0", "--db", db_path);
  g_test_message ("%s%s", r.out, r.err);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "\nworst_p99 (s): "));
  /* progress on stderr, off a terminal: a line after every point, and the last */
  g_assert_nonnull (strstr (r.err, "essc sensitivity: 1 of 11 points (9%)"));
  g_assert_nonnull (strstr (r.err, "essc sensitivity: 11 of 11 points (100%)"));
  g_assert_nonnull (strstr (r.err, "essc sensitivity: done: 11 points in "));
  essc_test_run_clear (&r);
  sqlite3 *db = db_open (db_path);
  g_assert_cmpfloat (db_double (db, "SELECT count(*) FROM sensitivity_output WHERE name = "
                                    "'worst_p99'"), ==, 1);
  /* the latency model's hardware factor moves the p99, and adoption's
   * imitation ranks below it there */
  g_assert_cmpfloat (db_double (db, "SELECT i.rank FROM sensitivity_index i JOIN "
                                    "sensitivity_output o USING (output) JOIN sensitivity_param "
                                    "p USING (param) WHERE o.name = 'worst_p99' AND p.name = "
                                    "'latency.hardware_factor'"), ==, 1);
  g_assert_cmpfloat (db_double (db, "SELECT t.swing FROM sensitivity_tornado t JOIN "
                                    "sensitivity_output o USING (output) WHERE o.name = "
                                    "'worst_p99' AND t.param = 1"), >, 0);
  sqlite3_close (db);
}

static void
test_bad_param (void)
{
  g_autofree char *scenario = busy ();
  g_autofree char *db = tmp_path ("bad.db");
  const struct { const char *param, *message; } cases[] = {
    { "adoption.imitatio=0.1..0.2", "--param adoption.imitatio=0.1..0.2: with "
      "adoption.imitatio = 0.1 the scenario is refused: " },
    { "adoption.imitation=low..0.2", "--param adoption.imitation=low..0.2: LOW \"low\" is not "
      "a number" },
    { "adoption.imitation=0.1..", "HIGH \"\" is not a number" },
    { "adoption.imitation=0.2..0.1", "LOW 0.2 is not below HIGH 0.1, expected LOW < HIGH" },
    { "adoption.imitation=0.2..0.2", "LOW 0.2 is not below HIGH 0.2" },
    { "adoption.imitation=0.1-0.2", "expected LOW..HIGH after '='" },
    { "adoption.imitation", "expected GROUP.KEY=LOW..HIGH" },
    { "imitation=0.1..0.2", "\"imitation\" is not GROUP.KEY of the scenario" },
    { "milestones.mobile_payment=1..2", "[milestones] mobile_payment is "
      "\"2019-03-01..2019-12-31\" in " },
    { "population.cardholders=40000000..60000000", "with population.cardholders = "
      "46666666.666666664 the scenario is refused: " },
    { "adoption.level2_share=0.5..1.5", "with adoption.level2_share = 1.5 the scenario is "
      "refused: " },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      EsscTestRun r = essc_test_run_essc ("sensitivity", scenario, "--param", cases[i].param,
                                          "--db", db);
      g_test_message ("%s: exit %d: %s", cases[i].param, r.status, r.err);
      g_assert_cmpint (r.status, ==, 2);
      g_assert_true (g_str_has_prefix (r.err, "essc sensitivity: --param "));
      g_assert_nonnull (strstr (r.err, cases[i].message));
      g_assert_false (g_file_test (db, G_FILE_TEST_EXISTS));
      essc_test_run_clear (&r);
    }
  EsscTestRun r = essc_test_run_essc ("sensitivity", scenario, PARAM_IMITATION,
                                      "--param", "adoption.imitation=0.1..0.3", "--db", db);
  g_assert_cmpint (r.status, ==, 2);
  g_assert_nonnull (strstr (r.err, "adoption.imitation is given twice"));
  essc_test_run_clear (&r);
  const struct { const char *opt, *value, *message; } opts[] = {
    { "--method", "fast", "--method: \"fast\", expected morris or sobol" },
    { "--levels", "5", "--levels: expected an even number 2..1000" },
    { "--trajectories", "1", "--trajectories: expected 2..100000" },
    { "--samples", "1", "--samples: expected 2..1000000" },
    { "--level", "1.5", "--level: expected a number between 0 and 1" },
    { "--seed", "-1", "--seed: \"-1\" is not a whole number" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (opts); i++)
    {
      r = essc_test_run_essc ("sensitivity", scenario, PARAM_IMITATION, opts[i].opt,
                              opts[i].value, "--db", db);
      g_assert_cmpint (r.status, ==, 2);
      g_assert_nonnull (strstr (r.err, opts[i].message));
      essc_test_run_clear (&r);
    }
  r = essc_test_run_essc ("sensitivity", scenario, "--db", db);
  g_assert_cmpint (r.status, ==, 2);
  g_assert_nonnull (strstr (r.err, "expected at least one --param GROUP.KEY=LOW..HIGH"));
  essc_test_run_clear (&r);
  g_assert_false (g_file_test (db, G_FILE_TEST_EXISTS));
  /* --help names every option */
  r = essc_test_run_essc ("sensitivity", "--help");
  g_assert_cmpint (r.status, ==, 0);
  const char *names[] = { "--param", "--method", "--trajectories", "--levels", "--samples",
                          "--bootstrap", "--level", "--replications", "--seed", "--jobs",
                          "--no-latency", "--db", "--force", "--quiet" };
  for (gsize i = 0; i < G_N_ELEMENTS (names); i++)
    g_assert_nonnull (strstr (r.out, names[i]));
  essc_test_run_clear (&r);
}

static void
test_other_kind (void)
{
  g_autofree char *scenario = busy ();
  g_autofree char *db = tmp_path ("foreign.db");
  sqlite3 *h = NULL;
  g_assert_cmpint (sqlite3_open (db, &h), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (h, "CREATE TABLE notes (x); INSERT INTO notes VALUES (1)",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (h);
  g_autofree char *before = NULL;
  gsize n_before;
  g_assert_true (g_file_get_contents (db, &before, &n_before, NULL));
  EsscTestRun r = essc_test_run_essc ("sensitivity", scenario, PARAM_IMITATION, "--db", db);
  g_assert_cmpint (r.status, ==, 2);
  g_assert_nonnull (strstr (r.err, "exists and is a database of another program"));
  g_assert_nonnull (strstr (r.err, "not a sensitivity database (essc sensitivity): not "
                                   "written"));
  essc_test_run_clear (&r);
  g_autofree char *after = NULL;
  gsize n_after;
  g_assert_true (g_file_get_contents (db, &after, &n_after, NULL));
  g_assert_cmpmem (before, n_before, after, n_after);
}

static void
test_report (void)
{
  g_autofree char *db_path = tmp_path ("report.db");
  const char *extra[] = { "--trajectories", "3", NULL };
  g_free (run_busy (db_path, extra));
  g_autofree char *out = tmp_path ("report");
  EsscTestRun r = essc_test_run_essc ("report", db_path, "--out", out);
  g_test_message ("%s%s", r.out, r.err);
  g_assert_cmpint (r.status, ==, 0);
  essc_test_run_clear (&r);
  g_autofree char *index = g_build_filename (out, "index.html", NULL);
  g_autofree char *html = NULL;
  g_assert_true (g_file_get_contents (index, &html, NULL, NULL));
  g_autoptr (GString) problems = g_string_new (NULL);
  g_autoptr (PageTables) page = page_tables_parse (html, problems);
  g_assert_cmpstr (problems->str, ==, "");
  g_assert_true (page_tables_has (page, "sensitivity-params"));
  sqlite3 *db = db_open (db_path);
  sqlite3_stmt *st = NULL;
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT o.name, p.name, i.rank, i.mu_star, "
                                       "i.mu_star_lo, i.sigma, t.swing FROM sensitivity_index "
                                       "i JOIN sensitivity_output o USING (output) JOIN "
                                       "sensitivity_param p USING (param) JOIN "
                                       "sensitivity_tornado t USING (output, param)", -1, &st,
                                       NULL), ==, SQLITE_OK);
  guint rows = 0;
  g_autoptr (GPtrArray) figures = g_ptr_array_new_with_free_func (g_free);
  while (sqlite3_step (st) == SQLITE_ROW)
    {
      g_autofree char *oid = g_strdelimit (g_strdup ((const char *) sqlite3_column_text (st, 0)),
                                           "_", '-');
      g_autofree char *table = g_strdup_printf ("sensitivity-%s", oid);
      const char *param = (const char *) sqlite3_column_text (st, 1);
      const char *cols[] = { "rank", "mu_star", "mu_star_lo", "sigma", "swing" };
      for (int c = 0; c < 5; c++)
        {
          double v;
          if (!page_tables_value (page, table, param, cols[c], &v))
            g_error ("%s: no %s of %s", table, cols[c], param);
          g_assert_cmpfloat (v, ==, sqlite3_column_double (st, 2 + c));
        }
      if (strcmp (param, "adoption.imitation") == 0)
        g_ptr_array_add (figures, g_strdup_printf ("sensitivity-tornado-%s", oid));
      rows++;
    }
  sqlite3_finalize (st);
  sqlite3_close (db);
  g_assert_cmpuint (rows, ==, 12 * 3);  /* 12 outputs, 3 parameters */
  /* the ranks are in page order */
  const GPtrArray *keys = page_tables_keys (page, "sensitivity-share-2020");
  g_assert_cmpuint (keys->len, ==, 3);
  for (guint i = 0; i < keys->len; i++)
    {
      double rank;
      g_assert_true (page_tables_value (page, "sensitivity-share-2020", keys->pdata[i], "rank",
                                        &rank));
      g_assert_cmpfloat (rank, ==, i + 1);
    }
  /* every tornado chart, as SVG (with the stamp) and PNG (not blank) */
  g_ptr_array_add (figures, NULL);
  const char *stamp[] = { "sensitivity of scenario busy", NULL };
  fixture_check_figures (out, (const char *const *) figures->pdata, stamp);
}

int
main (int argc, char **argv)
{
  essc_test_init (&argc, &argv);
  fixture_init ();
  tmp_dir = essc_test_make_tmpdir ("essc-sensitivity-XXXXXX");
  g_test_add_func ("/cli/sensitivity/morris-database", test_morris_database);
  g_test_add_func ("/cli/sensitivity/same-seed-same-bytes", test_same_seed_same_bytes);
  g_test_add_func ("/cli/sensitivity/latency-output", test_latency_output);
  g_test_add_func ("/cli/sensitivity/bad-param", test_bad_param);
  g_test_add_func ("/cli/sensitivity/other-kind", test_other_kind);
  g_test_add_func ("/cli/sensitivity/report", test_report);
  int rc = g_test_run ();
  if (rc == 0)
    {
      const char *rm[] = { "rm", "-rf", tmp_dir, NULL };
      g_spawn_sync (NULL, (char **) rm, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL,
                    NULL);
    }
  else
    g_printerr ("# kept %s\n", tmp_dir);
  g_free (tmp_dir);
  return rc;
}
