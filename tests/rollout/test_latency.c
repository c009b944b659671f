/* SPDX-License-Identifier: MIT */
/*
 * Tests of the latency model (model/rollout/latency.h) on the 5-city test data:
 * routing (payments move from the local to the national platform on the
 * switch date, in the demand table and in a whole run), a platform with too
 * few servers showing latency that grows with adoption while one with
 * enough stays flat, status propagation against ESSC-STD CARD-13, the
 * capacity plan, determinism across threads, checkpoints, and the [latency]
 * group's error messages.  Each test writes its scenario into a temporary
 * directory: constant.ini's population and adoption plus a [latency] group.
 */
#include "model/rollout/latency.h"
#include "model/rollout/rollout.h"
#include "model/rollout/scenario.h"
#include "model/rollout/scenario_csv.h"
#include "tests/lib/run.h"
#include "tests/lib/testutil.h"

#include <glib/gstdio.h>
#include <math.h>
#include <string.h>
#include <sys/wait.h>

typedef struct {
  char *dir;
} Tmp;

static const char SERVICE_TIMES[] =
  "kind,seconds,operations,measured\n"
  "qr_verify,0.000150,qr,test\n"
  "login,0.000110,login,test\n"
  "query,0.000040,query,test\n"
  "payment,0.000080,payment,test\n"
  "status_change,0.000060,status,test\n";

/* A scenario: the 5 test cities over 2019, issuance and mobile payment open
 * from the start, unified settlement on 2019-06-01 everywhere, adoption at a
 * constant hazard; `latency` is the [latency] group's body. */
static char *
write_scenario (Tmp *t, const char *name, const char *latency)
{
  g_autofree char *rel = essc_test_src_path ("tests", "data", "small", NULL);
  g_autofree char *data = g_canonicalize_filename (rel, NULL);
  if (t->dir == NULL)
    {
      t->dir = g_dir_make_tmp ("essc-latency-XXXXXX", NULL);
      g_assert_nonnull (t->dir);
      g_autofree char *st = g_build_filename (t->dir, "service-times.csv", NULL);
      g_assert_true (g_file_set_contents (st, SERVICE_TIMES, -1, NULL));
    }
  g_autofree char *text = g_strdup_printf (
      "[scenario]\nname = %s\nstart = 2019-01-01\nend = 2019-12-31\nseed = 11\n"
      "[population]\ncities = %s/cities.csv\ncardholders = 1000000\n"
      "[adoption]\naccess = none\ninnovation = 0.004\ninnovation_per_channel = 0\nimitation = 0\n"
      "youth_factor = 1\nelderly_factor = 1\nrural_factor = 1\nlevel2_share = 0.5\n"
      "level2_upgrade = 0\n"
      "[cards]\nloss_rate = 0.0002\nreplacement_days = 14\n"
      "[milestones]\nissuance_golive = 2018-01-01\nmobile_payment = 2018-01-01\n"
      "unified_settlement = 2019-06-01\n"
      "[channels]\ncatalogue = %s/channels.csv\ncertification_pass = 1\n"
      "[targets]\ntarget_2019 = 2019-06-30\ntarget_2020 = 2019-12-31\n"
      "mobile_payment_by = 2019-12-31\nunified_settlement_by = 2019-12-31\n"
      "[latency]\n%s\n%s\n",
      name, data, data,
      strstr (latency, "service_times") ? "# (service times below)" : "service_times = service-times.csv",
      latency);
  char *path = g_strdup_printf ("%s/%s.ini", t->dir, name);
  g_assert_true (g_file_set_contents (path, text, -1, NULL));
  return path;
}

static void
tmp_clear (Tmp *t)
{
  essc_test_remove_dir (t->dir);
  g_free (t->dir);
}

static ModelScenario *
load (Tmp *t, const char *name, const char *latency)
{
  g_autofree char *path = write_scenario (t, name, latency);
  g_autoptr (GError) error = NULL;
  ModelScenario *sc = model_scenario_load (path, &error);
  g_assert_no_error (error);
  g_assert_true (sc->latency.enabled);
  return sc;
}

static ModelRolloutResult *
run (const ModelScenario *sc, guint reps, guint jobs, gboolean plan)
{
  ModelRolloutOptions o = { .replications = reps, .jobs = jobs, .plan_capacity = plan };
  g_autoptr (GError) error = NULL;
  ModelRolloutResult *r = model_rollout_run (sc, &o, &error);
  g_assert_no_error (error);
  g_assert_nonnull (r->latency);
  return r;
}

/* The mean over replications of a platform's metric, per day. */
static double *
series (const ModelLatencyResult *lat, guint platform, ModelLatencyMetric m)
{
  double *mean = g_new (double, lat->n_days);
  sim_series_set_summarise (lat->day, platform * MODEL_LAT_N_METRICS + m, 0, 0.05, 0.95, mean,
                            NULL, NULL);
  return mean;
}

static gint32
date (const char *text)
{
  gint32 d;
  g_assert_true (model_csv_parse_date (text, &d));
  return d;
}

/* ---- routing ----------------------------------------------------------------- */

/* The demand table by hand: two cities of one province, one switching. */
static void
test_demand_routing (void)
{
  Tmp t = { 0 };
  g_autoptr (ModelScenario) sc = load (&t, "routing", "");
  const ModelLatencyParams *lp = &sc->latency;
  const guint nd = 10, np = model_latency_n_platforms (sc);
  /* Cities 0 and 1 of the file; city 0 switches on day index 5. */
  gint64 holders[2 * 10], level2[2 * 10];
  for (guint d = 0; d < nd; d++)
    {
      holders[d] = 1000, level2[d] = 400;
      holders[nd + d] = 2000, level2[nd + d] = 0;
    }
  gint32 sw[2] = { sc->start + 5, sc->start + 1000 };
  ModelLatencyInput in = { sc->start, nd, 2, holders, level2, sw };
  g_autofree ModelDemand *dm = g_new (ModelDemand, np);
  guint local0 = 1 + sc->cities->cities[0].province_index;
  for (guint d = 0; d < nd; d++)
    {
      model_latency_demand (sc, &in, d, dm);
      guint type = model_day_type (sc->start + (gint32) d);
      double peak = lp->profile[type][lp->peak_hour[type]] / 3600;
      double pay = 400 * lp->rate[MODEL_REQ_PAYMENT];
      /* Identity and status always national. */
      g_assert_cmpfloat_with_epsilon (dm[0].rate[MODEL_REQ_QR_VERIFY],
                                      3000 * lp->rate[MODEL_REQ_QR_VERIFY] * peak, 1e-12);
      g_assert_cmpfloat_with_epsilon (dm[0].rate[MODEL_REQ_STATUS_CHANGE],
                                      3000 * lp->rate[MODEL_REQ_STATUS_CHANGE] * peak, 1e-12);
      /* Payments: local before the switch, national from the switch day. */
      g_assert_cmpfloat_with_epsilon (dm[0].rate[MODEL_REQ_PAYMENT], d >= 5 ? pay * peak : 0,
                                      1e-12);
      g_assert_cmpfloat_with_epsilon (dm[local0].rate[MODEL_REQ_PAYMENT],
                                      d >= 5 ? 0 : pay * peak, 1e-12);
      g_assert_cmpfloat (dm[local0].rate[MODEL_REQ_QR_VERIFY], ==, 0);
      double all = 0;
      for (guint p = 0; p < np; p++)
        all += dm[p].requests;
      double per_holder = 0;
      for (guint k = 0; k < MODEL_N_REQ_KINDS; k++)
        if (k != MODEL_REQ_PAYMENT)
          per_holder += lp->rate[k];
      g_assert_cmpfloat_with_epsilon (all, 3000 * per_holder + pay, 1e-6);
    }
  /* 2019-01-05 was a Saturday, 2019-01-07 a Monday. */
  g_assert_cmpuint (model_day_type (date ("2019-01-05")), ==, MODEL_WEEKEND);
  g_assert_cmpuint (model_day_type (date ("2019-01-06")), ==, MODEL_WEEKEND);
  g_assert_cmpuint (model_day_type (date ("2019-01-07")), ==, MODEL_WEEKDAY);
  tmp_clear (&t);
}

/* A whole run: the national platform's load steps up on the switch date. */
static void
test_switch_step (void)
{
  Tmp t = { 0 };
  g_autoptr (ModelScenario) sc = load (&t, "switch", "rate.payment = 0.5\n");
  g_autoptr (ModelRolloutResult) r = run (sc, 2, 2, FALSE);
  const ModelLatencyResult *lat = r->latency;
  guint sw = (guint) (date ("2019-06-01") - sc->start);
  g_autofree double *nat = series (lat, 0, MODEL_LAT_REQUESTS);
  g_autofree double *nat_load = series (lat, 0, MODEL_LAT_LOAD);
  /* The biggest day-to-day rise of the national requests is on the switch
   * day, and at least 10 times any other. */
  double step = nat[sw] - nat[sw - 1], other = 0;
  for (guint d = 1; d < lat->n_days; d++)
    if (d != sw)
      other = MAX (other, fabs (nat[d] - nat[d - 1]));
  g_test_message ("national requests %.0f -> %.0f on the switch day; largest other change %.0f",
                  nat[sw - 1], nat[sw], other);
  g_assert_cmpfloat (step, >, 10 * other);
  g_assert_cmpfloat (nat_load[sw], >, nat_load[sw - 1] * 1.5);
  /* Every local platform: payments until the switch, nothing after. */
  for (guint p = 1; p < lat->n_platforms; p++)
    {
      g_autofree double *loc = series (lat, p, MODEL_LAT_REQUESTS);
      g_autofree double *p99 = series (lat, p, MODEL_LAT_P99);
      gboolean has_cities = FALSE;
      for (guint c = 0; c < sc->cities->n_cities; c++)
        has_cities |= sc->cities->cities[c].province_index == p - 1;
      if (!has_cities)
        continue;
      g_assert_cmpfloat (loc[sw - 1], >, 0);
      g_assert_cmpfloat (p99[sw - 1], >, 0);
      for (guint d = sw; d < lat->n_days; d++)
        {
          g_assert_cmpfloat (loc[d], ==, 0);
          g_assert_cmpfloat (p99[d], ==, 0);
        }
    }
  tmp_clear (&t);
}

/* ---- growing latency ------------------------------------------------------ */

/* Mean of x over days [from, to) that had requests. */
static double
mean_over (const double *x, const double *req, guint from, guint to)
{
  double s = 0;
  guint n = 0;
  for (guint d = from; d < to; d++)
    if (req[d] > 0)
      s += x[d], n++;
  return n ? s / n : NAN;
}

static void
test_too_few_servers (void)
{
  Tmp t = { 0 };
  /* Service of ~0.6 s at the national platform: one server saturates as
   * adoption grows; 64 servers never do. */
  g_autoptr (ModelScenario) few = load (&t, "few", "hardware_factor = 5000\n"
                                                   "national_servers = 1\n");
  g_autoptr (ModelScenario) many = load (&t, "many", "hardware_factor = 5000\n"
                                                     "national_servers = 64\n");
  g_autoptr (ModelRolloutResult) a = run (few, 2, 2, FALSE);
  g_autoptr (ModelRolloutResult) b = run (many, 2, 2, FALSE);
  const guint nd = a->n_days, seg = nd / 10;
  g_autofree double *p99a = series (a->latency, 0, MODEL_LAT_P99);
  g_autofree double *p99b = series (b->latency, 0, MODEL_LAT_P99);
  g_autofree double *loada = series (a->latency, 0, MODEL_LAT_LOAD);
  g_autofree double *req = series (a->latency, 0, MODEL_LAT_REQUESTS);
  double ma[10], mb[10];
  guint rises = 0;
  for (guint s = 0; s < 10; s++)
    {
      ma[s] = mean_over (p99a, req, s * seg, (s + 1) * seg);
      mb[s] = mean_over (p99b, req, s * seg, (s + 1) * seg);
      g_test_message ("tenth %u: load %.2f, p99 1 server %.3f s, 64 servers %.3f s", s,
                      mean_over (loada, req, s * seg, (s + 1) * seg), ma[s], mb[s]);
      if (s > 0)
        rises += ma[s] > ma[s - 1];
    }
  /* Too few servers: latency rises through the year, not a flat line. */
  g_assert_cmpuint (rises, >=, 8);
  g_assert_cmpfloat (ma[9], >, 5 * ma[0]);
  g_assert_cmpfloat (loada[nd - 1], >, 1);
  /* Enough servers: flat within the estimate's noise. */
  double lo = mb[0], hi = mb[0];
  for (guint s = 1; s < 10; s++)
    lo = MIN (lo, mb[s]), hi = MAX (hi, mb[s]);
  g_assert_cmpfloat (hi / lo, <, 1.3);
  tmp_clear (&t);
}

/* A bounded queue loses requests when overloaded, an unbounded one none. */
static void
test_queue_limit (void)
{
  Tmp t = { 0 };
  g_autoptr (ModelScenario) bounded = load (&t, "bounded", "hardware_factor = 5000\n"
                                                           "national_servers = 1\n"
                                                           "queue_limit = 20\n");
  g_autoptr (ModelScenario) open = load (&t, "open", "hardware_factor = 5000\n"
                                                     "national_servers = 1\n");
  g_autoptr (ModelRolloutResult) a = run (bounded, 1, 2, FALSE);
  g_autoptr (ModelRolloutResult) b = run (open, 1, 2, FALSE);
  g_autofree double *lost_a = series (a->latency, 0, MODEL_LAT_LOST);
  g_autofree double *lost_b = series (b->latency, 0, MODEL_LAT_LOST);
  g_autofree double *p99_a = series (a->latency, 0, MODEL_LAT_P99);
  g_autofree double *p99_b = series (b->latency, 0, MODEL_LAT_P99);
  g_autofree double *load_a = series (a->latency, 0, MODEL_LAT_LOAD);
  const guint last = a->n_days - 1;
  g_test_message ("last day: load %.2f; lost %.3f (limit 20) vs %.3f; p99 %.1f s vs %.1f s",
                  load_a[last], lost_a[last], lost_b[last], p99_a[last], p99_b[last]);
  g_assert_cmpfloat (load_a[last], >, 1);
  /* Overloaded: at least the excess load is lost, and the wait is bounded
   * by 20 requests' worth of service (0.5 s mean each) instead of growing. */
  g_assert_cmpfloat (lost_a[last], >=, 1 - 1 / load_a[last] - 0.02);
  g_assert_cmpfloat (p99_a[last], <, 20);
  for (guint d = 0; d <= last; d++)
    g_assert_cmpfloat (lost_b[d], ==, 0);
  g_assert_cmpfloat (p99_b[last], >, 5 * p99_a[last]);
  tmp_clear (&t);
}

/* `essc sim` prints the worst day per platform with the SLA verdict, the
 * propagation and, when asked, the capacity plan; --plan-capacity needs the
 * latency model. */
static void
test_cli (void)
{
  const char *bin = g_getenv ("ESSC_BIN");
  if (bin == NULL)
    {
      g_test_skip ("ESSC_BIN is not set (make check sets it)");
      return;
    }
  Tmp t = { 0 };
  g_autofree char *path = write_scenario (&t, "cli", "hardware_factor = 5000\n"
                                                     "national_servers = 1\n"
                                                     "sla_p99_ms = 10000\n");
  const char *argv[] = { bin, "sim", path, "--no-db", "--plan-capacity", NULL };
  g_autofree char *out = NULL, *err = NULL;
  int status;
  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out,
                               &err, &status, NULL));
  g_test_message ("%s", out);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  g_assert_nonnull (strstr (out, "platform latency"));
  /* One server breaks the 10 s SLA once the load passes 1. */
  g_assert_true (g_regex_match_simple ("\n  national +1 2019-\\d\\d-\\d\\d +1\\.\\d+ .* BROKEN",
                                          out, 0, 0));
  g_assert_nonnull (strstr (out, "CARD-13"));
  /* The plan in servers, with what a server is, the peak's requests per
   * second and one server's: at a local platform payments alone, 1 / (0.08
   * ms measured x 5000) = 2.5 per second. */
  g_assert_true (g_regex_match_simple ("\n  national +[2-9] +2019-\\d\\d +1 +\\d+\\.\\d+ "
                                       "+\\d+\\.\\d\\n", out, 0, 0));
  g_assert_true (g_regex_match_simple ("\n  local 110000 \\S+ +1 +2019-\\d\\d +4 +0\\.\\d+ "
                                       "+2\\.5\\n", out, 0, 0));
  g_assert_nonnull (strstr (out, "a server is one worker serving one request at a time"));
  g_assert_nonnull (strstr (out, "ms in the model"));
  /* Without the latency model the plan is a usage error. */
  const char *argv2[] = { bin, "sim", path, "--no-db", "--plan-capacity", "--no-latency", NULL };
  g_autofree char *out2 = NULL, *err2 = NULL;
  g_assert_true (g_spawn_sync (NULL, (char **) argv2, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out2,
                               &err2, &status, NULL));
  g_assert_cmpint (WEXITSTATUS (status), ==, 2);
  g_assert_nonnull (strstr (err2, "--plan-capacity needs the latency model"));
  tmp_clear (&t);
}

/* ---- status propagation ---------------------------------------------------- */

static void
test_propagation (void)
{
  Tmp t = { 0 };
  g_autoptr (ModelScenario) fast = load (&t, "fast", "status_lag_s = 0.5\n");
  g_autoptr (ModelScenario) slow = load (&t, "slow", "status_lag_s = 10\n");
  g_autoptr (ModelRolloutResult) a = run (fast, 1, 1, FALSE);
  g_autoptr (ModelRolloutResult) b = run (slow, 1, 1, FALSE);
  const SimHistogram *ha = a->latency->propagation, *hb = b->latency->propagation;
  double qa = sim_histogram_quantile (ha, 0.99), qb = sim_histogram_quantile (hb, 0.99);
  g_test_message ("propagation p99: lag 0.5 s -> %.3f s (%" G_GUINT64_FORMAT " changes); "
                  "lag 10 s -> %.3f s", qa, sim_histogram_count (ha), qb);
  g_assert_cmpuint (sim_histogram_count (ha), >, 1000);
  /* Exponential lag of mean L: p99 about L ln 100 = 4.6 L, plus the response. */
  g_assert_cmpfloat (qa, <=, MODEL_STATUS_PROPAGATION_BOUND);
  g_assert_cmpfloat (qa, >, 0.5 * 4.6 * 0.8);
  g_assert_cmpfloat (qb, >, MODEL_STATUS_PROPAGATION_BOUND);
  /* The response time alone is a floor: the smallest propagation is at
   * least the smallest service time drawn, a positive number. */
  g_assert_cmpfloat (sim_histogram_min (ha), >, 0);
  tmp_clear (&t);
}

/* ---- capacity plan ----------------------------------------------------------- */

static void
test_capacity_plan (void)
{
  Tmp t = { 0 };
  g_autoptr (ModelScenario) sc = load (&t, "plan", "hardware_factor = 5000\n"
                                                   "national_servers = 1\n"
                                                   "sla_p99_ms = 10000\n");
  g_autoptr (ModelRolloutResult) r = run (sc, 2, 2, TRUE);
  const ModelLatencyResult *lat = r->latency;
  g_assert_true (lat->planned);
  g_autofree double *p99 = series (lat, 0, MODEL_LAT_P99);
  g_autofree double *req = series (lat, 0, MODEL_LAT_REQUESTS);
  guint first = 0, broken = 0;
  for (guint m = 0; m < lat->n_months; m++)
    {
      double worst = mean_over (p99, req, first, lat->month_day[m] + 1);
      first = lat->month_day[m] + 1;
      for (guint rep = 0; rep < lat->n_reps; rep++)
        {
          gsize at = (gsize) m * lat->n_reps + rep;  /* platform 0 */
          guint32 plan = lat->plan[at], erlang = lat->plan_erlang[at];
          double rate = lat->plan_rate[at];
          g_test_message ("month %u rep %u: peak %.2f/s, Erlang C %u, plan %u, mean p99 of "
                          "days %.2f s on 1 server", m, rep, rate, erlang, plan, worst);
          g_assert_cmpfloat (rate, >, 0);
          g_assert_cmpuint (plan, >=, 1);
          /* The M/M/c estimate is close: lognormal service of cv 1 has a
           * lighter tail than the exponential. */
          g_assert_cmpuint (plan, <=, erlang + 1);
          g_assert_cmpuint (plan + 3, >=, erlang);
          /* Where one server broke the SLA badly, the plan asks for more. */
          if (worst > 3 * sc->latency.sla_p99)
            {
              g_assert_cmpuint (plan, >, 1);
              broken++;
            }
        }
    }
  g_assert_cmpuint (broken, >, 0);
  tmp_clear (&t);
}

/* ---- determinism and checkpoints --------------------------------------- */

static void
test_threads (void)
{
  Tmp t = { 0 };
  g_autoptr (ModelScenario) sc = load (&t, "threads", "hardware_factor = 3000\n");
  g_autoptr (ModelRolloutResult) a = run (sc, 2, 1, TRUE);
  g_autoptr (ModelRolloutResult) b = run (sc, 2, 4, TRUE);
  g_assert_cmpmem (a->digest, 32, b->digest, 32);
  const ModelLatencyResult *x = a->latency, *y = b->latency;
  for (guint s = 0; s < x->n_platforms * MODEL_LAT_N_METRICS; s++)
    for (guint rep = 0; rep < 2; rep++)
      g_assert_cmpmem (sim_series_set_row (x->day, s, rep), x->n_days * sizeof (double),
                       sim_series_set_row (y->day, s, rep), y->n_days * sizeof (double));
  for (gsize i = 0; i < (gsize) x->n_platforms * x->n_months; i++)
    g_assert_true (sim_histogram_equal (x->month[i], y->month[i]));
  g_assert_true (sim_histogram_equal (x->propagation, y->propagation));
  gsize n = (gsize) x->n_platforms * x->n_months * x->n_reps;
  g_assert_cmpmem (x->plan, n * 4, y->plan, n * 4);
  g_assert_cmpmem (x->plan_rate, n * 8, y->plan_rate, n * 8);
  g_assert_cmpmem (x->plan_service, n * 8, y->plan_service, n * 8);
  /* Without the latency model the digest differs: it covers the latency. */
  ModelRolloutOptions o = { .replications = 2, .no_latency = TRUE };
  g_autoptr (ModelRolloutResult) c = model_rollout_run (sc, &o, NULL);
  g_assert_null (c->latency);
  g_assert_true (memcmp (a->digest, c->digest, 32) != 0);
  tmp_clear (&t);
}

typedef struct {
  const ModelScenario *sc;
  const char *path;
  guint stop_after;
} Stop;

static gboolean
stop_checkpoint (const ModelRolloutResult *partial, guint done, gpointer data, GError **error)
{
  Stop *s = data;
  g_assert_true (model_rollout_checkpoint_write (partial, s->sc->hash, s->sc->seed, s->path,
                                                 error));
  if (done == s->stop_after)
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INTR, "stopped");
      return FALSE;
    }
  return TRUE;
}

static void
test_resume (void)
{
  Tmp t = { 0 };
  g_autoptr (ModelScenario) sc = load (&t, "resume", "hardware_factor = 3000\n");
  g_autoptr (ModelRolloutResult) whole = run (sc, 3, 2, TRUE);
  g_autofree char *ckpt = g_build_filename (t.dir, "run.ckpt", NULL);
  Stop stop = { sc, ckpt, 2 };
  ModelRolloutOptions o = { .replications = 3, .jobs = 2, .plan_capacity = TRUE,
                            .checkpoint = stop_checkpoint, .checkpoint_data = &stop };
  g_autoptr (GError) error = NULL;
  g_assert_null (model_rollout_run (sc, &o, &error));
  g_clear_error (&error);
  /* A resume that asks for no plan is refused, naming the difference. */
  ModelRolloutOptions bad = { .replications = 3, .no_latency = TRUE };
  bad.resume_from = model_rollout_checkpoint_read (sc, 3, ckpt, &error);
  g_assert_no_error (error);
  g_assert_null (model_rollout_run (sc, &bad, &error));
  g_assert_nonnull (strstr (error->message, "latency"));
  g_clear_error (&error);
  /* The right one completes with the uninterrupted run's results. */
  ModelRolloutOptions go = { .replications = 3, .jobs = 1, .plan_capacity = TRUE };
  go.resume_from = model_rollout_checkpoint_read (sc, 3, ckpt, &error);
  g_assert_no_error (error);
  g_autoptr (ModelRolloutResult) resumed = model_rollout_run (sc, &go, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (whole->digest, 32, resumed->digest, 32);
  const ModelLatencyResult *x = whole->latency, *y = resumed->latency;
  for (gsize i = 0; i < (gsize) x->n_platforms * x->n_months; i++)
    g_assert_true (sim_histogram_equal (x->month[i], y->month[i]));
  g_assert_true (sim_histogram_equal (x->propagation, y->propagation));
  gsize n = (gsize) x->n_platforms * x->n_months * x->n_reps;
  g_assert_cmpmem (x->plan, n * 4, y->plan, n * 4);
  g_assert_cmpmem (x->plan_rate, n * 8, y->plan_rate, n * 8);
  g_assert_cmpmem (x->plan_service, n * 8, y->plan_service, n * 8);
  /* A damaged latency part is refused, not half-read. */
  g_autoptr (GBytes) bytes = model_latency_serialize (x, 3);
  g_autoptr (ModelLatencyResult) fresh = model_latency_result_new (sc, x->n_days, x->n_months,
                                                                   x->month_day, 3, TRUE);
  gsize len;
  const guint8 *data = g_bytes_get_data (bytes, &len);
  g_assert_true (model_latency_deserialize (fresh, 3, data, len, &error));
  g_assert_no_error (error);
  g_assert_false (model_latency_deserialize (fresh, 3, data, len - 1, &error));
  g_assert_error (error, MODEL_LATENCY_ERROR, MODEL_ROLLOUT_INVALID);
  g_remove (ckpt);
  tmp_clear (&t);
}

/* ---- the [latency] group's errors ------------------------------------------- */

static void
expect_problem (Tmp *t, const char *latency, const char *needle)
{
  g_autofree char *path = write_scenario (t, "bad", latency);
  g_autoptr (GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);
  g_assert_false (model_scenario_check (path, problems));
  gboolean found = FALSE;
  for (guint i = 0; i < problems->len; i++)
    {
      g_test_message ("%s", (const char *) problems->pdata[i]);
      found |= strstr (problems->pdata[i], needle) != NULL
               && g_str_has_prefix (problems->pdata[i], path);
    }
  g_assert_true (found);
}

static void
test_scenario_errors (void)
{
  Tmp t = { 0 };
  /* Line 36 of the written file is the first line of the group's body. */
  expect_problem (&t, "hardware_factor = 0", ":36: [latency] hardware_factor: \"0\" is out of "
                                              "range");
  expect_problem (&t, "rate.bogus = 1", ":36: [latency] rate.bogus: unknown key");
  expect_problem (&t, "profile.weekday = 1, 2, 3", "profile.weekday: 3 values, expected 24");
  expect_problem (&t, "national_servers = 4, 2019-06-01:8, 2019-03-01:16",
                  "item 3: 2019-03-01 is not after the previous date");
  expect_problem (&t, "local_servers = 0", "local_servers: item 1: \"0\" is not a number of "
                                            "servers");
  expect_problem (&t, "sample_requests = 10", "sample_requests: \"10\" is not a sample size");
  expect_problem (&t, "service_times = missing.csv", "[latency] service_times: missing.csv: no "
                                                     "such file beside the scenario");
  /* A service times file with a kind missing, named with its path. */
  g_autofree char *st = g_build_filename (t.dir, "short.csv", NULL);
  g_assert_true (g_file_set_contents (st, "kind,seconds,operations,measured\n"
                                          "qr_verify,0.0001,qr,x\n", -1, NULL));
  expect_problem (&t, "service_times = short.csv", "short.csv: no row for kind login");
  g_assert_true (g_file_set_contents (st, "kind,seconds,operations,measured\n"
                                          "qr_verify,-1,qr,x\n", -1, NULL));
  expect_problem (&t, "service_times = short.csv", "short.csv:2: column seconds");
  /* enabled = false turns the model off without reading the file. */
  g_autofree char *off = write_scenario (&t, "off", "enabled = false\nservice_times = none.csv");
  g_autoptr (ModelScenario) sc = model_scenario_load (off, NULL);
  g_assert_nonnull (sc);
  g_assert_false (sc->latency.enabled);
  tmp_clear (&t);
}

int
main (int argc, char **argv)
{
  essc_test_init (&argc, &argv);
  g_test_add_func ("/latency/demand/routing", test_demand_routing);
  g_test_add_func ("/latency/switch/national-load-steps-up", test_switch_step);
  g_test_add_func ("/latency/servers/too-few-grows-enough-flat", test_too_few_servers);
  g_test_add_func ("/latency/queue-limit/losses", test_queue_limit);
  g_test_add_func ("/latency/cli/worst-day-sla-plan", test_cli);
  g_test_add_func ("/latency/CARD-13/status-propagation-bound", test_propagation);
  g_test_add_func ("/latency/capacity-plan", test_capacity_plan);
  g_test_add_func ("/latency/determinism/threads", test_threads);
  g_test_add_func ("/latency/resume/checkpoint", test_resume);
  g_test_add_func ("/latency/scenario/errors", test_scenario_errors);
  return g_test_run ();
}
