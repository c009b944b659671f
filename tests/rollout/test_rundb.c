/* SPDX-License-Identifier: MIT */
/*
 * Tests of the run database (model/rollout/rundb.c, rundb_latency.c,
 * rundb_posterior.c) on the small test scenarios (tests/data/small/): the
 * schema version, the latency tables against the result they were written
 * from (platforms, service times, day means and intervals, month
 * histograms that deserialize to their columns, the capacity plan and its
 * units: the mean service time of the busiest day's mix and a server's
 * requests per second, the status propagation row), the tables created but empty for a run without
 * the latency model, NaN stored as NULL; the national series by age band
 * and area (named for the cells the run has, summing to the national
 * holders and residents every day), the 50% interval inside the 90%
 * interval and both as sim_series_set_summarise gives them, the end the
 * run actually used, and what the intervals hold: chance alone, or, for a
 * copy of a test scenario with a posterior beside it, the parameters too,
 * with the posterior, its file's hash and each replication's draw; and the
 * provinces' outlines for the maps (all 31 provinces and Taiwan, Hong Kong
 * and Macao, closed rings, labels inside).
 */
#include "base/regions.h"
#include "base/time.h"
#include "model/rollout/borders.h"
#include "model/rollout/latency.h"
#include "model/rollout/posterior.h"
#include "model/rollout/rollout.h"
#include "model/rollout/scenario.h"
#include "model/rollout/rundb.h"
#include "model/rollout/verdict.h"
#include "sim/histogram.h"
#include "tests/lib/run.h"
#include "tests/lib/testutil.h"

#include <glib/gstdio.h>
#include <math.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

static const char *const latency_tables[] = {
  "latency_platform", "latency_service", "latency_day", "latency_month", "capacity_plan",
  "status_propagation",
};

static ModelScenario *
load_any (const char *name)
{
  g_autofree char *path = essc_test_src_path ("tests", "data", "small", name, NULL);
  g_autoptr (GError) error = NULL;
  ModelScenario *sc = model_scenario_load (path, &error);
  g_assert_no_error (error);
  return sc;
}

static ModelScenario *
load (const char *name)
{
  ModelScenario *sc = load_any (name);
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

  g_assert_cmpint (sql_int (&db, "PRAGMA user_version"), ==, 4);
  g_assert_cmpint (MODEL_RUNDB_SCHEMA_VERSION, ==, 4);
  g_autofree char *schema = sql_text (&db, "SELECT value FROM run WHERE key = 'schema'");
  g_assert_cmpstr (schema, ==, "essc-simdb/4");

  /* The verdicts: one row per target and scope, the nation's as the model
   * gives them (model/rollout/verdict.h). */
  g_autoptr (ModelVerdicts) v = model_verdicts_new (sc, r);
  g_assert_cmpint (sql_int (&db, "SELECT COUNT(*) FROM target"), ==, MODEL_N_GOALS);
  g_assert_cmpint (sql_int (&db, "SELECT COUNT(*) FROM target_verdict"), ==, v->n);
  g_assert_cmpint (sql_int (&db, "SELECT COUNT(*) FROM target_verdict WHERE scope = 'city'"), ==,
                   MODEL_N_GOALS * r->n_cities);
  for (guint g = 0; g < MODEL_N_GOALS; g++)
    {
      const ModelTargetVerdict *t = model_verdicts_nation (v, g);
      g_autofree char *sql = g_strdup_printf ("SELECT verdict, probability, margin, "
                                              "cities_meeting FROM target_verdict WHERE scope = "
                                              "'nation' AND target = '%s'", model_goal_name (g));
      sqlite3_stmt *vst = query (&db, sql);
      g_assert_cmpstr ((const char *) sqlite3_column_text (vst, 0), ==,
                       model_verdict_name (t->verdict));
      g_assert_cmpfloat (sqlite3_column_double (vst, 1), ==, t->probability);
      g_assert_cmpfloat (sqlite3_column_double (vst, 2), ==, t->margin);
      g_assert_cmpfloat (sqlite3_column_double (vst, 3), ==, t->cities_meeting);
      sqlite3_finalize (vst);
    }
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

  /* The plan's units: a server completes 1 / the mean service time of the
   * busiest day's request mix; the database keeps that time (mean over the
   * replications with demand) and its inverse, NULL without demand.  A
   * local platform serves payments alone; the national platform, before any
   * city settles nationally (unified settlement from 2019-03-01), the four
   * other kinds, in the shares of their per-holder rates; later payments
   * too, so its mean lies between the kinds' own. */
  const ModelLatencyParams *lp = &sc->latency;
  double mix = 0, rates = 0, lo_s = INFINITY, hi_s = 0;
  for (guint k = 0; k < MODEL_N_REQ_KINDS; k++)
    {
      double sk = lp->measured[k] * lp->hardware_factor;
      lo_s = fmin (lo_s, sk), hi_s = fmax (hi_s, sk);
      if (k != MODEL_REQ_PAYMENT)
        mix += lp->rate[k] * sk, rates += lp->rate[k];
    }
  mix /= rates;
  const double payment_s = lp->measured[MODEL_REQ_PAYMENT] * lp->hardware_factor;
  g_assert_cmpint (sql_int (&db, "SELECT COUNT(*) FROM capacity_plan WHERE (demand_reps > 0) !="
                                 " (service_s IS NOT NULL) OR (demand_reps > 0) != (server_rate"
                                 " IS NOT NULL)"), ==, 0);
  g_assert_cmpint (sql_int (&db, "SELECT COUNT(*) FROM capacity_plan WHERE demand_reps = 0"),
                   >, 0);
  st = query (&db, "SELECT platform, month, service_s, server_rate, demand_reps FROM"
                   " capacity_plan WHERE demand_reps > 0 ORDER BY platform, month");
  guint n_plan = 0;
  do
    {
      guint p = (guint) sqlite3_column_int (st, 0);
      const char *month = (const char *) sqlite3_column_text (st, 1);
      double service = sqlite3_column_double (st, 2), rate = sqlite3_column_double (st, 3);
      g_assert_true (g_str_has_prefix (month, "2019-"));  /* the run: 2019-01..2019-06 */
      guint m = (guint) atoi (month + 5) - 1;
      g_assert_cmpuint (m, <, r->n_months);
      /* The database's service time: the mean of the replications'. */
      double sum = 0;
      guint with = 0;
      for (guint rep = 0; rep < 2; rep++)
        {
          gsize i = ((gsize) p * lat->n_months + m) * lat->n_reps + rep;
          if (lat->plan_rate[i] > 0)
            sum += lat->plan_service[i], with++;
        }
      g_assert_cmpint (with, ==, sqlite3_column_int (st, 4));
      assert_close (service, sum / with);
      assert_close (rate, 1 / service);
      if (p > 0)
        assert_close (service, payment_s);
      else if (strcmp (month, "2019-03") < 0)
        assert_close (service, mix);
      else
        {
          g_assert_cmpfloat (service, >, lo_s);
          g_assert_cmpfloat (service, <, hi_s);
          g_assert_cmpfloat (service, >, mix);  /* payments take longer than the mix */
        }
      n_plan++;
    }
  while (sqlite3_step (st) == SQLITE_ROW);
  sqlite3_finalize (st);
  g_assert_cmpuint (n_plan, >=, r->n_months);

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
  g_assert_cmpint (sql_int (&db, "PRAGMA user_version"), ==, MODEL_RUNDB_SCHEMA_VERSION);
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

/* Whether (x, y) is inside the division's outline by the even-odd rule
 * over all its rings (edges between consecutive vertices of a ring). */
static gboolean
inside_outline (Db *db, gint64 code, double x, double y)
{
  g_autofree char *sql = g_strdup_printf ("SELECT a.lon, a.lat, b.lon, b.lat FROM province_border"
                                          " AS a JOIN province_border AS b ON b.province ="
                                          " a.province AND b.ring = a.ring AND b.seq = a.seq + 1"
                                          " WHERE a.province = %" G_GINT64_FORMAT, code);
  sqlite3_stmt *st = NULL;
  g_assert_cmpint (sqlite3_prepare_v2 (db->h, sql, -1, &st, NULL), ==, SQLITE_OK);
  gboolean in = FALSE;
  while (sqlite3_step (st) == SQLITE_ROW)
    {
      double ax = sqlite3_column_double (st, 0), ay = sqlite3_column_double (st, 1);
      double bx = sqlite3_column_double (st, 2), by = sqlite3_column_double (st, 3);
      if ((ay > y) != (by > y) && x < ax + (y - ay) * (bx - ax) / (by - ay))
        in = !in;
    }
  sqlite3_finalize (st);
  return in;
}

/* The provinces' outlines for the maps: every run database holds the 34
 * divisions of borders.h (whichever the run's cities use): each of the 31
 * province codes of the region list (base/regions.h) and Taiwan, Hong Kong
 * and Macao, with a label and at least one closed ring of at least four
 * vertices within China's extent, the labels inside their outlines (but the
 * two SARs', which stand beside them), the rows as compiled in. */
static void
test_borders (void)
{
  g_autoptr (ModelScenario) sc = load ("latency.ini");
  g_autoptr (ModelRolloutResult) r = run (sc, 1, TRUE, FALSE);
  Db db = { 0 };
  db_write (&db, sc, r);
  g_assert_cmpint (sql_int (&db, "SELECT COUNT(*) FROM province_label"), ==, 34);
  g_assert_cmpint (sql_int (&db, "SELECT COUNT(*) FROM province_label"), ==,
                   model_border_n_provinces);
  g_assert_cmpint (sql_int (&db, "SELECT COUNT(*) FROM province_border"), ==,
                   model_border_n_vertices);
  g_assert_cmpint (sql_int (&db, "SELECT COUNT(DISTINCT province) FROM province_border"), ==, 34);
  guint n_mainland = 0;
  for (gsize i = 0; i < base_regions_len; i++)
    {
      guint32 code = base_regions[i].code;
      if (code % 10000 != 0)
        continue;
      n_mainland++;
      g_autofree char *sql = g_strdup_printf ("SELECT name FROM province_label WHERE province ="
                                              " %u", code);
      g_autofree char *name = sql_text (&db, sql);
      g_assert_cmpstr (name, ==, base_regions[i].name);
    }
  g_assert_cmpuint (n_mainland, ==, 31);
  g_assert_cmpint (sql_int (&db, "SELECT COUNT(*) FROM province_label WHERE province IN (710000,"
                                 " 810000, 820000)"), ==, 3);
  /* Every short name starts the full name. */
  g_assert_cmpint (sql_int (&db, "SELECT COUNT(*) FROM province_label WHERE short_name = '' OR"
                                 " substr (name, 1, length (short_name)) != short_name"), ==, 0);
  /* Rings: numbered from 0, vertices from 0 without a gap, closed, four
   * vertices or more, every vertex within China's extent. */
  g_assert_cmpint (sql_int (&db, "SELECT COUNT(*) FROM (SELECT province, ring, COUNT(*) AS n,"
                                 " MAX (seq) AS m FROM province_border GROUP BY province, ring)"
                                 " WHERE n != m + 1 OR n < 4"), ==, 0);
  g_assert_cmpint (sql_int (&db, "SELECT COUNT(*) FROM (SELECT province, MAX (ring) AS m,"
                                 " COUNT(DISTINCT ring) AS n FROM province_border GROUP BY"
                                 " province) WHERE n != m + 1"), ==, 0);
  g_assert_cmpint (sql_int (&db, "SELECT COUNT(*) FROM province_border AS a JOIN province_border"
                                 " AS b ON b.province = a.province AND b.ring = a.ring AND"
                                 " a.seq = 0 AND b.seq = (SELECT MAX (seq) FROM province_border"
                                 " WHERE province = a.province AND ring = a.ring) WHERE a.lon !="
                                 " b.lon OR a.lat != b.lat"), ==, 0);
  g_assert_cmpint (sql_int (&db, "SELECT COUNT(*) FROM province_border WHERE lon < 73 OR lon >"
                                 " 136 OR lat < 18 OR lat > 54"), ==, 0);
  sqlite3_stmt *st = query (&db, "SELECT province, lon, lat FROM province_label ORDER BY"
                                 " province");
  guint n_inside = 0;
  do
    {
      gint64 code = sqlite3_column_int64 (st, 0);
      gboolean in = inside_outline (&db, code, sqlite3_column_double (st, 1),
                                    sqlite3_column_double (st, 2));
      g_test_message ("%" G_GINT64_FORMAT ": label %s", code, in ? "inside" : "outside");
      g_assert_true (in == (code != 810000 && code != 820000));
      n_inside += in;
    }
  while (sqlite3_step (st) == SQLITE_ROW);
  sqlite3_finalize (st);
  g_assert_cmpuint (n_inside, ==, 32);
  /* A label inside one outline is outside the others: 北京's is not in 河北. */
  g_assert_false (inside_outline (&db, 130000, 116.389, 39.949));
  g_assert_true (inside_outline (&db, 110000, 116.389, 39.949));
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

/* ---- the forecast: cells, intervals, what they hold ------------------------ */

/* The number of rows of national_day for which sql (a condition on it)
 * fails, with a message for each of the first few. */
static gint64
violations (Db *db, const char *condition)
{
  g_autofree char *sql = g_strdup_printf ("SELECT COUNT(*) FROM national_day WHERE NOT (%s)",
                                          condition);
  return sql_int (db, sql);
}

/* Each cell's holders and residents sum to the national ones every day
 * (means are linear, so within rounding), named for the cells the run
 * has: with the urban split (busy.ini), then without (latency.ini). */
static void
test_cells (void)
{
  static const char *const split[] = {
    "urban_0_17", "urban_18_59", "urban_60_plus", "rural_0_17", "rural_18_59", "rural_60_plus",
  };
  static const char *const all[] = { "all_0_17", "all_18_59", "all_60_plus" };
  const char *const files[] = { "busy.ini", "latency.ini" };
  for (guint f = 0; f < G_N_ELEMENTS (files); f++)
    {
      g_autoptr (ModelScenario) sc = load_any (files[f]);
      g_autoptr (ModelRolloutResult) r = run (sc, 3, TRUE, FALSE);
      g_assert_cmpuint (r->n_cells, ==, f == 0 ? 6 : 3);
      Db db = { 0 };
      db_write (&db, sc, r);
      const char *const *names = f == 0 ? split : all;
      const guint n = f == 0 ? G_N_ELEMENTS (split) : G_N_ELEMENTS (all);
      g_autoptr (GString) sum_h = g_string_new ("0"), sum_p = g_string_new ("0");
      for (guint k = 0; k < n; k++)
        {
          g_autofree char *count = g_strdup_printf ("SELECT COUNT(*) FROM national_day WHERE "
                                                    "series IN ('holders_%s', 'people_%s')",
                                                    names[k], names[k]);
          g_assert_cmpint (sql_int (&db, count), ==, 2 * r->n_days);
          g_string_append_printf (sum_h, " + (SELECT mean FROM national_day AS c WHERE "
                                  "c.series = 'holders_%s' AND c.date = n.date)", names[k]);
          g_string_append_printf (sum_p, " + (SELECT mean FROM national_day AS c WHERE "
                                  "c.series = 'people_%s' AND c.date = n.date)", names[k]);
        }
      /* The other naming is absent, and so are the unused cells. */
      g_assert_cmpint (sql_int (&db, f == 0 ? "SELECT COUNT(*) FROM national_day WHERE series "
                                              "LIKE '%!_all!_%' ESCAPE '!'"
                                            : "SELECT COUNT(*) FROM national_day WHERE series "
                                              "LIKE '%urban%' OR series LIKE '%rural%'"), ==, 0);
      g_assert_cmpint (sql_int (&db, "SELECT COUNT (DISTINCT series) FROM national_day"), ==,
                       14 + 2 * n);
      const char *const others[] = { "channels", "people", "potential",
                                     "mobile_payment_cities" };
      for (guint i = 0; i < G_N_ELEMENTS (others); i++)
        {
          g_autofree char *q = g_strdup_printf ("SELECT COUNT(*) FROM national_day WHERE "
                                                "series = '%s'", others[i]);
          g_assert_cmpint (sql_int (&db, q), ==, r->n_days);
        }
      /* The sums, every day; the cells' holders are not all zero. */
      g_autofree char *bad_h = g_strdup_printf (
          "SELECT COUNT(*) FROM national_day AS n WHERE n.series = 'holders' AND "
          "abs (IFNULL ((%s), -1e300) - n.mean) > 1e-6 * max (1, n.mean)", sum_h->str);
      g_autofree char *bad_p = g_strdup_printf (
          "SELECT COUNT(*) FROM national_day AS n WHERE n.series = 'people' AND "
          "abs (IFNULL ((%s), -1e300) - n.mean) > 1e-6 * max (1, n.mean)", sum_p->str);
      g_assert_cmpint (sql_int (&db, bad_h), ==, 0);
      g_assert_cmpint (sql_int (&db, bad_p), ==, 0);
      g_assert_cmpint (sql_int (&db, "SELECT COUNT(*) FROM national_day WHERE series LIKE "
                                     "'holders!_%' ESCAPE '!' AND mean > 0"), >, 0);
      /* Holders within the potential, the potential within the residents. */
      g_assert_cmpint (sql_int (&db, "SELECT COUNT(*) FROM national_day AS h JOIN national_day "
                                     "AS p ON p.date = h.date AND p.series = 'potential' JOIN "
                                     "national_day AS n ON n.date = h.date AND n.series = "
                                     "'people' WHERE h.series = 'holders' AND NOT (h.mean <= "
                                     "p.mean + 1e-6 AND p.mean <= n.mean + 1e-6)"), ==, 0);
      db_close (&db);
    }
}

/* The 50% interval lies inside the 90% interval, every series and day, and
 * both are the quantiles over the replications. */
static void
test_intervals (void)
{
  g_autoptr (ModelScenario) sc = load_any ("busy.ini");
  g_autoptr (ModelRolloutResult) r = run (sc, 5, TRUE, FALSE);
  Db db = { 0 };
  db_write (&db, sc, r);
  g_assert_cmpint (violations (&db, "lo <= q25 AND q25 <= q75 AND q75 <= hi"), ==, 0);
  g_assert_cmpint (sql_int (&db, "SELECT COUNT(*) FROM national_day WHERE series = 'holders' "
                                 "AND q25 < q75"), >, 0);
  const guint day = r->n_days / 2;
  g_autofree double *mean = g_new (double, r->n_days), *lo = g_new (double, r->n_days);
  g_autofree double *hi = g_new (double, r->n_days), *q25 = g_new (double, r->n_days);
  g_autofree double *q75 = g_new (double, r->n_days);
  sim_series_set_summarise (r->national, MODEL_SERIES_HOLDERS, 0, 0.05, 0.95, mean, lo, hi);
  sim_series_set_summarise (r->national, MODEL_SERIES_HOLDERS, 0, 0.25, 0.75, NULL, q25, q75);
  char date[11];
  base_time_format_date (r->start + (gint32) day, date);
  g_autofree char *sql = g_strdup_printf ("SELECT mean, lo, hi, q25, q75 FROM national_day "
                                          "WHERE series = 'holders' AND date = '%s'", date);
  sqlite3_stmt *st = query (&db, sql);
  const double want[] = { mean[day], lo[day], hi[day], q25[day], q75[day] };
  for (int i = 0; i < 5; i++)
    assert_close (sqlite3_column_double (st, i), want[i]);
  sqlite3_finalize (st);
  db_close (&db);
}

/* A run without a posterior: intervals of chance, no posterior rows, one
 * replication row each with its arrivals and no draw. */
static void
test_chance (void)
{
  g_autoptr (ModelScenario) sc = load_any ("busy.ini");
  g_autoptr (ModelRolloutResult) r = run (sc, 3, TRUE, FALSE);
  Db db = { 0 };
  db_write (&db, sc, r);
  g_autofree char *interval = sql_text (&db, "SELECT value FROM run WHERE key = 'interval'");
  g_assert_cmpstr (interval, ==, "chance");
  g_assert_cmpint (sql_int (&db, "SELECT COUNT(*) FROM run WHERE key LIKE 'posterior%'"), ==, 0);
  g_assert_cmpint (sql_int (&db, "SELECT COUNT(*) FROM posterior"), ==, 0);
  g_assert_cmpint (sql_int (&db, "SELECT COUNT(*) FROM parameter"), ==, 0);
  g_assert_cmpint (sql_int (&db, "SELECT COUNT(*) FROM replication"), ==, 3);
  g_assert_cmpint (sql_int (&db, "SELECT COUNT(*) FROM replication WHERE posterior_draw IS NOT "
                                 "NULL"), ==, 0);
  for (guint rep = 0; rep < 3; rep++)
    {
      g_autofree char *q = g_strdup_printf ("SELECT arrivals FROM replication WHERE "
                                            "replication = %u", rep);
      g_assert_cmpint (sql_int (&db, q), ==, r->arrivals[rep]);
    }
  db_close (&db);
}

/* The run's end is the last day run, whatever the scenario file says
 * (essc sim --end sets the loaded scenario's end). */
static void
test_end (void)
{
  g_autoptr (ModelScenario) sc = load_any ("latency.ini");
  sc->end += 31;
  g_autoptr (ModelRolloutResult) r = run (sc, 1, TRUE, FALSE);
  Db db = { 0 };
  db_write (&db, sc, r);
  g_autofree char *end = sql_text (&db, "SELECT value FROM run WHERE key = 'end'");
  g_assert_cmpstr (end, ==, "2019-07-31");
  g_autofree char *last = sql_text (&db, "SELECT MAX (date) FROM national_day");
  g_assert_cmpstr (last, ==, "2019-07-31");
  db_close (&db);
}

/* A copy of latency.ini in dir with data files by absolute path and the
 * [calibration] group with[out] a posterior. */
static char *
write_posterior_scenario (const char *dir, const char *posterior_csv)
{
  g_autofree char *small = essc_test_src_path ("tests", "data", "small", NULL);
  g_autofree char *ini = g_build_filename (small, "latency.ini", NULL);
  g_autofree char *text = NULL;
  g_autoptr (GError) error = NULL;
  g_assert_true (g_file_get_contents (ini, &text, NULL, &error));
  g_autoptr (GRegex) data_file = g_regex_new ("^(\\w+)\\s*=\\s*([\\w.-]+\\.csv)\\s*$", 0, 0,
                                              NULL);
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  g_autoptr (GString) s = g_string_new (NULL);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autoptr (GMatchInfo) m = NULL;
      if (g_regex_match (data_file, lines[i], 0, &m))
        {
          g_autofree char *key = g_match_info_fetch (m, 1);
          g_autofree char *file = g_match_info_fetch (m, 2);
          g_string_append_printf (s, "%s = %s/%s\n", key, small, file);
        }
      else
        g_string_append_printf (s, "%s\n", lines[i]);
    }
  g_string_append (s, "[calibration]\nfree.adoption.innovation = 0.001..0.01\n"
                      "posterior = post.csv\n");
  g_autofree char *post = g_build_filename (dir, "post.csv", NULL);
  g_assert_true (g_file_set_contents (post, posterior_csv, -1, &error));
  char *path = g_build_filename (dir, "forecast.ini", NULL);
  g_assert_true (g_file_set_contents (path, s->str, -1, &error));
  return path;
}

/* A run drawing from a posterior: intervals of parameters and chance, the
 * posterior copied in long form (weights normalised), its file's path and
 * hash, the free parameter with its prior, each replication's draw. */
static void
test_posterior (void)
{
  static const char csv[] = "weight,adoption.innovation\n"
                            "1,0.002\n"
                            "3,0.005\n"
                            "0,0.009\n"
                            "4,0.0012345678901234567\n";
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("essc-simdb-post-XXXXXX", &error);
  g_assert_no_error (error);
  g_autofree char *path = write_posterior_scenario (dir, csv);
  g_autofree char *post_path = g_build_filename (dir, "post.csv", NULL);
  g_autoptr (ModelScenario) sc = model_scenario_load (path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (sc->calibration.posterior);
  const guint R = 6;
  g_autoptr (ModelRolloutResult) r = run (sc, R, TRUE, FALSE);
  Db db = { 0 };
  db_write (&db, sc, r);

  g_autofree char *interval = sql_text (&db, "SELECT value FROM run WHERE key = 'interval'");
  g_assert_cmpstr (interval, ==, "parameters and chance");
  g_autofree char *stored_path = sql_text (&db, "SELECT value FROM run WHERE key = "
                                                "'posterior_path'");
  g_assert_cmpstr (stored_path, ==, post_path);
  guint8 digest[32];
  char hex[65];
  crypto_generichash (digest, sizeof digest, (const guint8 *) csv, strlen (csv), NULL, 0);
  for (int i = 0; i < 32; i++)
    g_snprintf (hex + 2 * i, 3, "%02x", digest[i]);
  g_autofree char *hash = sql_text (&db, "SELECT value FROM run WHERE key = 'posterior_hash'");
  g_assert_cmpstr (hash, ==, hex);

  /* The posterior: four draws of one parameter, weights summing to 1. */
  g_assert_cmpint (sql_int (&db, "SELECT COUNT(*) FROM posterior"), ==, 4);
  g_assert_cmpint (sql_int (&db, "SELECT COUNT(*) FROM posterior WHERE param = "
                                 "'adoption.innovation'"), ==, 4);
  sqlite3_stmt *st = query (&db, "SELECT SUM (weight), (SELECT weight FROM posterior WHERE "
                                 "draw = 1), (SELECT value FROM posterior WHERE draw = 3) FROM "
                                 "posterior");
  assert_close (sqlite3_column_double (st, 0), 1);
  assert_close (sqlite3_column_double (st, 1), 3.0 / 8);
  g_assert_cmpfloat (sqlite3_column_double (st, 2), ==, 0.0012345678901234567);
  sqlite3_finalize (st);
  st = query (&db, "SELECT lo, hi, scale, value FROM parameter WHERE name = "
                   "'adoption.innovation'");
  g_assert_cmpfloat (sqlite3_column_double (st, 0), ==, 0.001);
  g_assert_cmpfloat (sqlite3_column_double (st, 1), ==, 0.01);
  g_assert_cmpstr ((const char *) sqlite3_column_text (st, 2), ==, "linear");
  g_assert_cmpfloat (sqlite3_column_double (st, 3), ==, sc->innovation);
  sqlite3_finalize (st);

  /* Each replication's draw, as the run drew it; never the weightless one. */
  g_assert_cmpint (sql_int (&db, "SELECT COUNT(*) FROM replication"), ==, R);
  for (guint rep = 0; rep < R; rep++)
    {
      g_assert_cmpint (r->posterior_draw[rep], >=, 0);
      g_assert_cmpint (r->posterior_draw[rep], !=, 2);
      g_autofree char *q = g_strdup_printf ("SELECT posterior_draw FROM replication WHERE "
                                            "replication = %u", rep);
      g_assert_cmpint (sql_int (&db, q), ==, r->posterior_draw[rep]);
    }
  /* The intervals are wider than chance alone gives with the same seed. */
  g_autoptr (ModelScenario) fixed = load_any ("latency.ini");
  g_autoptr (ModelRolloutResult) rf = run (fixed, R, TRUE, FALSE);
  Db dbf = { 0 };
  db_write (&dbf, fixed, rf);
  g_autofree char *width_sql = g_strdup ("SELECT hi - lo FROM national_day WHERE series = "
                                         "'holders' AND date = '2019-06-30'");
  sqlite3_stmt *a = query (&db, width_sql), *b = query (&dbf, width_sql);
  g_assert_cmpfloat (sqlite3_column_double (a, 0), >, 2 * sqlite3_column_double (b, 0));
  sqlite3_finalize (a);
  sqlite3_finalize (b);
  db_close (&dbf);
  db_close (&db);
  g_remove (post_path);
  g_remove (path);
  g_rmdir (dir);
}

int
main (int argc, char **argv)
{
  essc_test_init (&argc, &argv);
  g_test_add_func ("/rundb/latency/tables", test_tables);
  g_test_add_func ("/rundb/latency/none-tables-empty", test_no_latency);
  g_test_add_func ("/rundb/latency/nan-is-null", test_nan_null);
  g_test_add_func ("/rundb/forecast/cells-sum-to-national", test_cells);
  g_test_add_func ("/rundb/forecast/50-inside-90", test_intervals);
  g_test_add_func ("/rundb/forecast/chance-only", test_chance);
  g_test_add_func ("/rundb/forecast/end-actually-run", test_end);
  g_test_add_func ("/rundb/forecast/posterior", test_posterior);
  g_test_add_func ("/rundb/borders/all-provinces", test_borders);
  return g_test_run ();
}
