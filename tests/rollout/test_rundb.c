/* SPDX-License-Identifier: MIT */
/*
 * Tests of the run database (model/rollout/rundb.c, model/rollout/rundb_latency.c) on the
 * small latency scenario (tests/data/small/latency.ini): the schema
 * version, the latency tables against the result they were written from
 * (platforms, service times, day means and intervals, month histograms that
 * deserialize to their columns, the capacity plan, the status propagation
 * row), the tables created but empty for a run without the latency model,
 * and NaN stored as NULL.
 */
#include "model/rollout/latency.h"
#include "model/rollout/rollout.h"
#include "model/rollout/scenario.h"
#include "model/rollout/rundb.h"
#include "sim/histogram.h"
#include "tests/lib/run.h"
#include "tests/lib/testutil.h"

#include <glib/gstdio.h>
#include <math.h>
#include <sqlite3.h>
#include <string.h>

static const char *const latency_tables[] = {
  "latency_platform", "latency_service", "latency_day", "latency_month", "capacity_plan",
  "status_propagation",
};

static ModelScenario *
load (const char *name)
{
  g_autofree char *path = essc_test_src_path ("tests", "data", "small", name, NULL);
  g_autoptr (GError) error = NULL;
  ModelScenario *sc = model_scenario_load (path, &error);
  g_assert_no_error (error);
  g_assert_true (sc->latency.enabled);
  return sc;
}

static ModelRolloutResult *
run (const ModelScenario *sc, guint reps, gboolean no_latency, gboolean plan)
{
  ModelRolloutOptions o = { .replications = reps, .jobs = 2, .no_latency = no_latency,
                            .plan_capacity = plan };
  g_autoptr (GError) error = NULL;
  ModelRolloutResult *r = model_rollout_run (sc, &o, &error);
  g_assert_no_error (error);
  return r;
}

/* A run database in a fresh temporary folder, removed again by db_close. */
typedef struct {
  char *dir, *path;
  sqlite3 *h;
} Db;

static void
db_write (Db *db, const ModelScenario *sc, const ModelRolloutResult *r)
{
  g_autoptr (GError) error = NULL;
  db->dir = g_dir_make_tmp ("essc-simdb-XXXXXX", &error);
  g_assert_no_error (error);
  db->path = g_build_filename (db->dir, "run.db", NULL);
  g_assert_true (model_rundb_write (db->path, sc, r, "test-digest", &error));
  g_assert_no_error (error);
  g_assert_cmpint (sqlite3_open_v2 (db->path, &db->h, SQLITE_OPEN_READONLY, NULL), ==,
                   SQLITE_OK);
}

static void
db_close (Db *db)
{
  sqlite3_close (db->h);
  g_remove (db->path);
  g_rmdir (db->dir);
  g_free (db->path);
  g_free (db->dir);
}

/* The statement for sql, stepped to its first row (which must exist). */
static sqlite3_stmt *
query (Db *db, const char *sql)
{
  sqlite3_stmt *st = NULL;
  if (sqlite3_prepare_v2 (db->h, sql, -1, &st, NULL) != SQLITE_OK)
    g_error ("%s: %s", sql, sqlite3_errmsg (db->h));
  g_assert_cmpint (sqlite3_step (st), ==, SQLITE_ROW);
  return st;
}

static gint64
sql_int (Db *db, const char *sql)
{
  sqlite3_stmt *st = query (db, sql);
  gint64 v = sqlite3_column_int64 (st, 0);
  sqlite3_finalize (st);
  return v;
}

/* Returns: (transfer full) the first column of the first row, or NULL. */
static char *
sql_text (Db *db, const char *sql)
{
  sqlite3_stmt *st = NULL;
  g_assert_cmpint (sqlite3_prepare_v2 (db->h, sql, -1, &st, NULL), ==, SQLITE_OK);
  char *v = sqlite3_step (st) == SQLITE_ROW
                ? g_strdup ((const char *) sqlite3_column_text (st, 0))
                : NULL;
  sqlite3_finalize (st);
  return v;
}

/* The mean of metric m of platform p on day index day over n replications. */
static double
day_mean (const ModelLatencyResult *lat, guint p, guint m, guint day, guint n)
{
  double sum = 0;
  for (guint rep = 0; rep < n; rep++)
    sum += sim_series_set_row (lat->day, p * MODEL_LAT_N_METRICS + m, rep)[day];
  return sum / n;
}

static void
assert_close (double a, double b)
{
  g_assert_cmpfloat_with_epsilon (a, b, 1e-12 * fmax (1, fabs (b)));
}

static void
test_tables (void)
{
  g_autoptr (ModelScenario) sc = load ("latency.ini");
  g_autoptr (ModelRolloutResult) r = run (sc, 2, FALSE, TRUE);
  const ModelLatencyResult *lat = r->latency;
  g_assert_nonnull (lat);
  g_assert_true (lat->planned);
  const guint np = model_latency_n_platforms (sc);
  g_assert_cmpuint (np, ==, 1 + sc->cities->n_provinces);
  Db db = { 0 };
  db_write (&db, sc, r);

  g_assert_cmpint (sql_int (&db, "PRAGMA user_version"), ==, 2);
  g_assert_cmpint (MODEL_RUNDB_SCHEMA_VERSION, ==, 2);
  g_autofree char *schema = sql_text (&db, "SELECT value FROM run WHERE key = 'schema'");
  g_assert_cmpstr (schema, ==, "essc-simdb/2");
  g_autofree char *sla = sql_text (&db, "SELECT value FROM run WHERE key = 'latency_sla_p99_s'");
  g_assert_cmpstr (sla, ==, "0.05");
  g_autofree char *planned = sql_text (&db, "SELECT value FROM run WHERE key = 'plan_capacity'");
  g_assert_cmpstr (planned, ==, "1");

  /* One platform row per platform: the national one, then one per province. */
  g_assert_cmpint (sql_int (&db, "SELECT COUNT(*) FROM latency_platform"), ==, np);
  g_assert_cmpint (sql_int (&db, "SELECT COUNT(*) FROM latency_platform WHERE platform = 0 AND"
                                 " kind = 'national' AND province_code IS NULL"), ==, 1);
  sqlite3_stmt *st = query (&db, "SELECT platform, name, kind, province_code FROM"
                                 " latency_platform ORDER BY platform");
  for (guint p = 0; p < np; p++, sqlite3_step (st))
    {
      g_autofree char *name = model_latency_platform_name (sc, p);
      g_assert_cmpint (sqlite3_column_int (st, 0), ==, p);
      g_assert_cmpstr ((const char *) sqlite3_column_text (st, 1), ==, name);
      if (p > 0)
        {
          g_assert_cmpstr ((const char *) sqlite3_column_text (st, 2), ==, "local");
          g_assert_cmpint (sqlite3_column_int64 (st, 3), ==, sc->cities->provinces[p - 1].code);
        }
    }
  sqlite3_finalize (st);

  /* Service times: measured x hardware factor, per kind. */
  g_assert_cmpint (sql_int (&db, "SELECT COUNT(*) FROM latency_service"), ==,
                   MODEL_N_REQ_KINDS);
  g_assert_cmpint (sql_int (&db, "SELECT COUNT(*) FROM latency_service WHERE hardware_factor = 2"
                                 " AND abs (service_s - 2 * measured_s) < 1e-15 AND measured ="
                                 " 'test fixture (not measured)'"), ==, MODEL_N_REQ_KINDS);
  g_assert_cmpint (sql_int (&db, "SELECT round (measured_s * 1e6) FROM latency_service WHERE"
                                 " kind = 'payment'"), ==, 400);

  /* Days: percentiles in order, the interval around the p99 mean, the
   * national platform busy every day, the server schedule's step. */
  g_assert_cmpint (sql_int (&db, "SELECT COUNT(*) FROM latency_day"), >, 0);
  g_assert_cmpint (sql_int (&db, "SELECT COUNT(*) FROM latency_day WHERE NOT (p50 <= p95 AND"
                                 " p95 <= p99 AND p99_lo <= p99 AND p99 <= p99_hi)"), ==, 0);
  g_assert_cmpint (sql_int (&db, "SELECT COUNT(*) FROM latency_day WHERE p50 IS NULL OR p99 IS"
                                 " NULL OR requests <= 0"), ==, 0);
  g_assert_cmpint (sql_int (&db, "SELECT COUNT(*) FROM latency_day WHERE platform = 0"), ==,
                   r->n_days);
  g_assert_cmpint (sql_int (&db, "SELECT servers FROM latency_day WHERE platform = 0 AND date ="
                                 " '2019-03-31'"), ==, 2);
  g_assert_cmpint (sql_int (&db, "SELECT servers FROM latency_day WHERE platform = 0 AND date ="
                                 " '2019-04-01'"), ==, 4);
  g_assert_cmpint (sql_int (&db, "SELECT MAX (servers) FROM latency_day WHERE platform > 0"), ==,
                   1);
  /* One row against the result: every column in its place. */
  const guint last = r->n_days - 1;
  st = query (&db, "SELECT requests, load, utilisation, p50, p95, p99, lost FROM latency_day"
                   " WHERE platform = 0 AND date = '2019-06-30'");
  for (guint m = 0; m < MODEL_LAT_N_METRICS; m++)
    assert_close (sqlite3_column_double (st, (int) m), day_mean (lat, 0, m, last, 2));
  sqlite3_finalize (st);

  /* Months: histograms that deserialize to their columns. */
  g_assert_cmpint (sql_int (&db, "SELECT COUNT(*) FROM latency_month WHERE platform = 0"), ==,
                   6);
  g_assert_cmpint (sql_int (&db, "SELECT COUNT(*) FROM latency_month WHERE count = 0"), ==, 0);
  st = query (&db, "SELECT platform, month, count, p99, max, histogram FROM latency_month");
  guint rows = 0;
  do
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (SimHistogram) h = sim_histogram_deserialize (sqlite3_column_blob (st, 5),
                                                             (gsize) sqlite3_column_bytes (st, 5),
                                                             "latency_month", &error);
      g_assert_no_error (error);
      g_assert_cmpuint (sim_histogram_count (h), ==, (guint64) sqlite3_column_int64 (st, 2));
      g_assert_cmpfloat (sim_histogram_quantile (h, 0.99), ==, sqlite3_column_double (st, 3));
      g_assert_cmpfloat (sim_histogram_max (h), ==, sqlite3_column_double (st, 4));
      g_assert_cmpint (strlen ((const char *) sqlite3_column_text (st, 1)), ==, 7);
      rows++;
    }
  while (sqlite3_step (st) == SQLITE_ROW);
  sqlite3_finalize (st);
  g_assert_cmpuint (rows, ==, sql_int (&db, "SELECT COUNT(*) FROM latency_month"));
  g_autofree char *first = sql_text (&db, "SELECT MIN (month) FROM latency_month");
  g_assert_cmpstr (first, ==, "2019-01");

  /* The capacity plan: every platform and month, min <= mean <= max. */
  g_assert_cmpint (sql_int (&db, "SELECT COUNT(*) FROM capacity_plan"), ==, np * r->n_months);
  g_assert_cmpint (sql_int (&db, "SELECT COUNT(*) FROM capacity_plan WHERE NOT (servers_min <="
                                 " servers_mean AND servers_mean <= servers_max)"), ==, 0);
  g_assert_cmpint (sql_int (&db, "SELECT scheduled FROM capacity_plan WHERE platform = 0 AND"
                                 " month = '2019-03'"), ==, 2);
  g_assert_cmpint (sql_int (&db, "SELECT scheduled FROM capacity_plan WHERE platform = 0 AND"
                                 " month = '2019-06'"), ==, 4);

  /* Status propagation: one row, its histogram, held iff p99 within the bound. */
  g_assert_cmpint (sql_int (&db, "SELECT COUNT(*) FROM status_propagation"), ==, 1);
  st = query (&db, "SELECT count, p50, p95, p99, max, bound_s, held, histogram FROM"
                   " status_propagation");
  g_autoptr (GError) error = NULL;
  g_autoptr (SimHistogram) h = sim_histogram_deserialize (sqlite3_column_blob (st, 7),
                                                         (gsize) sqlite3_column_bytes (st, 7),
                                                         "status_propagation", &error);
  g_assert_no_error (error);
  g_assert_true (sim_histogram_equal (h, lat->propagation));
  g_assert_cmpint (sqlite3_column_int64 (st, 0), >, 0);
  g_assert_cmpuint (sim_histogram_count (h), ==, (guint64) sqlite3_column_int64 (st, 0));
  double p99 = sqlite3_column_double (st, 3);
  g_assert_cmpfloat (sqlite3_column_double (st, 1), <=, sqlite3_column_double (st, 2));
  g_assert_cmpfloat (sqlite3_column_double (st, 2), <=, p99);
  g_assert_cmpfloat (p99, ==, sim_histogram_quantile (lat->propagation, 0.99));
  g_assert_cmpfloat (sqlite3_column_double (st, 5), ==, MODEL_STATUS_PROPAGATION_BOUND);
  g_assert_cmpint (sqlite3_column_type (st, 6), ==, SQLITE_INTEGER);
  g_assert_cmpint (sqlite3_column_int (st, 6), ==, p99 <= MODEL_STATUS_PROPAGATION_BOUND);
  sqlite3_finalize (st);
  db_close (&db);
}

/* Without the latency model the tables exist and are empty. */
static void
test_no_latency (void)
{
  g_autoptr (ModelScenario) sc = load ("latency.ini");
  g_autoptr (ModelRolloutResult) r = run (sc, 1, TRUE, FALSE);
  g_assert_null (r->latency);
  Db db = { 0 };
  db_write (&db, sc, r);
  g_assert_cmpint (sql_int (&db, "PRAGMA user_version"), ==, 2);
  for (gsize i = 0; i < G_N_ELEMENTS (latency_tables); i++)
    {
      g_autofree char *exists = g_strdup_printf ("SELECT COUNT(*) FROM sqlite_schema WHERE"
                                                 " type = 'table' AND name = '%s'",
                                                 latency_tables[i]);
      g_autofree char *count = g_strdup_printf ("SELECT COUNT(*) FROM %s", latency_tables[i]);
      g_assert_cmpint (sql_int (&db, exists), ==, 1);
      g_assert_cmpint (sql_int (&db, count), ==, 0);
    }
  g_assert_cmpint (sql_int (&db, "SELECT COUNT(*) FROM run WHERE key LIKE 'latency%' OR key ="
                                 " 'plan_capacity'"), ==, 0);
  g_assert_cmpint (sql_int (&db, "SELECT COUNT(*) FROM city_day"), ==, 5 * r->n_days);
  db_close (&db);
}

/* NaN is stored as NULL: an empty propagation histogram gives NULL quantiles
 * and NULL held, a NaN in a day series a NULL mean. */
static void
test_nan_null (void)
{
  g_autoptr (ModelScenario) sc = load ("latency.ini");
  g_autoptr (ModelRolloutResult) r = run (sc, 1, FALSE, FALSE);
  ModelLatencyResult *lat = r->latency;
  g_assert_nonnull (lat);
  g_assert_false (lat->planned);
  sim_histogram_reset (lat->propagation);
  sim_series_set_row (lat->day, 0 * MODEL_LAT_N_METRICS + MODEL_LAT_P99, 0)[10] = NAN;
  Db db = { 0 };
  db_write (&db, sc, r);
  g_assert_cmpint (sql_int (&db, "SELECT COUNT(*) FROM status_propagation WHERE count = 0 AND"
                                 " p50 IS NULL AND p95 IS NULL AND p99 IS NULL AND max IS NULL"
                                 " AND held IS NULL AND bound_s = 5"), ==, 1);
  g_assert_cmpint (sql_int (&db, "SELECT p99 IS NULL AND p99_lo IS NULL AND p95 IS NOT NULL"
                                 " FROM latency_day WHERE platform = 0 AND date = '2019-01-11'"),
                   ==, 1);
  g_assert_cmpint (sql_int (&db, "SELECT COUNT(*) FROM latency_day WHERE p99 IS NULL"), ==, 1);
  g_assert_cmpint (sql_int (&db, "SELECT COUNT(*) FROM capacity_plan"), ==, 0);
  g_assert_cmpint (sql_int (&db, "SELECT COUNT(*) FROM run WHERE key = 'plan_capacity'"), ==, 0);
  db_close (&db);
}

int
main (int argc, char **argv)
{
  essc_test_init (&argc, &argv);
  g_test_add_func ("/rundb/latency/tables", test_tables);
  g_test_add_func ("/rundb/latency/none-tables-empty", test_no_latency);
  g_test_add_func ("/rundb/latency/nan-is-null", test_nan_null);
  return g_test_run ();
}
