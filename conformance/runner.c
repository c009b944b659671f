/* SPDX-License-Identifier: MIT */
/*
 * The runner (see runner.h).  One ConfClient at a time; replaced after any
 * call failure.  Latencies are collected per op and summarised with exact
 * percentiles (nearest rank) at the end.  The suite has a few hundred tests
 * per role, so choosing them (--only) and matching waivers are plain scans.
 */
#include "conformance/runner.h"

#include "conformance/client.h"
#include "conformance/expect.h"
#include "base/error.h"
#include "base/text.h"
#include "model/std/common.h"

#include <string.h>

G_DEFINE_QUARK (conf-runner-error-quark, conf_runner_error)

static const char *const verdict_names[] = { "pass", "fail", "skip", "not_implemented", "waived",
                                             "not_run" };

const char *
conf_verdict_name (ConfVerdict verdict)
{
  return base_name_of (verdict_names, G_N_ELEMENTS (verdict_names), (int) verdict, "fail");
}

static void
result_free (gpointer p)
{
  ConfTestResult *r = p;
  g_free (r->name);
  g_free (r->reason);
  g_free (r->op);
  g_free (r->expected);
  g_free (r->got);
  g_free (r->stderr_tail);
  g_free (r);
}

static void
latency_free (gpointer p)
{
  ConfOpLatency *l = p;
  g_free (l->op);
  g_free (l);
}

void
conf_run_free (ConfRun *run)
{
  if (run == NULL)
    return;
  g_ptr_array_unref (run->results);
  g_ptr_array_unref (run->latency);
  g_free (run->iut_name);
  g_free (run->iut_version);
  g_strfreev (run->only);
  g_free (run);
}

gboolean
conf_run_conformant (const ConfRun *run)
{
  return run->counts[CONF_VERDICT_FAIL] == 0 && run->counts[CONF_VERDICT_NOT_IMPLEMENTED] == 0
         && run->counts[CONF_VERDICT_NOT_RUN] == 0;
}

guint
conf_run_planned (const ConfPlan *plan, const char *role)
{
  g_autoptr (GPtrArray) tests = conf_plan_for_role (plan, role);
  return tests->len;
}

/* ---- choosing the tests ------------------------------------------------- */

static gboolean
named_in (const char *const *names, const char *name)
{
  return names == NULL || g_strv_contains (names, name);
}

/* The tests of the role that the run plays.  Returns: (transfer container). */
static GPtrArray *
chosen_tests (const ConfPlan *plan, const ConfRunOptions *opt)
{
  GPtrArray *tests = conf_plan_for_role (plan, opt->role);
  for (guint i = tests->len; i-- > 0;)
    if (!named_in (opt->only, ((ConfTest *) tests->pdata[i])->name))
      g_ptr_array_remove_index (tests, i);
  return tests;
}

static gboolean
is_test_of (const GPtrArray *role_tests, const char *name)
{
  for (guint k = 0; k < role_tests->len; k++)
    if (strcmp (((ConfTest *) role_tests->pdata[k])->name, name) == 0)
      return TRUE;
  return FALSE;
}

/* A waiver naming a test of the role that --only left out is not looked at. */
static gboolean
left_out (const ConfRunOptions *opt, const GPtrArray *role_tests, const char *name)
{
  return opt->only != NULL && !named_in (opt->only, name) && is_test_of (role_tests, name);
}

guint
conf_run_total (const ConfPlan *plan, const ConfRunOptions *opt)
{
  g_autoptr (ConfProfile) fallback = NULL;
  const ConfProfile *profile = opt->profile;
  if (profile == NULL)
    profile = fallback = conf_profile_default (opt->role);
  g_autoptr (GPtrArray) all = conf_plan_for_role (plan, opt->role);
  g_autoptr (GPtrArray) tests = chosen_tests (plan, opt);
  guint total = tests->len;
  /* Every waiver that matches no played test is reported (conf_run). */
  for (guint i = 0; opt->waivers != NULL && i < opt->waivers->waivers->len; i++)
    {
      const char *name = ((ConfWaiver *) opt->waivers->waivers->pdata[i])->test;
      gboolean played = FALSE;
      for (guint k = 0; k < tests->len && !played; k++)
        {
          const ConfTest *t = tests->pdata[k];
          g_autofree char *why = NULL;
          played = strcmp (t->name, name) == 0 && conf_profile_admits (profile, t->profile, &why);
        }
      total += !played && !left_out (opt, all, name);
    }
  return total;
}

/* Levenshtein distance of a and b (bytes), or limit + 1 when above limit. */
static guint
distance (const char *a, const char *b, guint limit)
{
  gsize la = strlen (a), lb = strlen (b);
  if ((la > lb ? la - lb : lb - la) > limit)
    return limit + 1;
  g_autofree guint *row = g_new (guint, lb + 1);
  for (gsize j = 0; j <= lb; j++)
    row[j] = (guint) j;
  for (gsize i = 1; i <= la; i++)
    {
      guint diag = row[0], best = row[0] = (guint) i;
      for (gsize j = 1; j <= lb; j++)
        {
          guint up = row[j];
          row[j] = MIN (MIN (row[j] + 1, row[j - 1] + 1), diag + (a[i - 1] != b[j - 1]));
          diag = up;
          best = MIN (best, row[j]);
        }
      if (best > limit)
        return limit + 1;
    }
  return MIN (row[lb], limit + 1);
}

#define MAX_SUGGESTIONS 5

/* Up to MAX_SUGGESTIONS names of tests close to name: within a few edits,
 * else containing it.  Returns: (transfer full) "a, b, c" or NULL. */
static char *
suggest (const GPtrArray *tests, const char *name)
{
  guint limit = MAX (2, (guint) strlen (name) / 5);
  g_autoptr (GString) out = g_string_new (NULL);
  guint n = 0;
  for (guint pass = 0; pass < 2 && n == 0; pass++)
    for (guint k = 0; k < tests->len && n < MAX_SUGGESTIONS; k++)
      {
        const char *t = ((ConfTest *) tests->pdata[k])->name;
        gboolean close = pass == 0 ? distance (name, t, limit) <= limit
                                   : *name != '\0' && strstr (t, name) != NULL;
        if (close)
          g_string_append_printf (out, "%s%s", n++ ? ", " : "", t);
      }
  return n ? g_strdup (out->str) : NULL;
}

gboolean
conf_run_check_only (const ConfPlan *plan, const char *role, const char *const *only,
                     GError **error)
{
  g_autoptr (GPtrArray) tests = conf_plan_for_role (plan, role);
  for (gsize i = 0; only != NULL && only[i] != NULL; i++)
    {
      if (is_test_of (tests, only[i]))
        continue;
      g_autofree char *shown = base_text_printable (only[i], strlen (only[i]), 200);
      for (guint k = 0; k < plan->tests->len; k++)
        {
          const ConfTest *t = plan->tests->pdata[k];
          if (strcmp (t->name, only[i]) == 0)
            return base_fail (error, CONF_RUNNER_ERROR, 0, "'%s' is a test of role %s, not %s",
                              shown, t->role, role);
        }
      g_autofree char *close = suggest (tests, only[i]);
      return base_fail (error, CONF_RUNNER_ERROR, 0, "no test of role %s is named '%s'%s%s",
                        role, shown, close ? "; did you mean: " : "", close ? close : "");
    }
  return TRUE;
}

#define DEFAULT_MAX_DEAD 10

typedef struct {
  const ConfRunOptions *opt;
  ConfClient *client;
  guint dead_in_a_row;  /* tests in a row ended by a call failure */
  gint64 deadline_us;   /* monotonic end of the run (opt->deadline_s); 0: none */
  GHashTable *rtts;   /* op -> GArray of gint64 */
  ConfRun *run;
} Runner;

static void
record_rtt (Runner *r, const char *op, gint64 us)
{
  GArray *a = g_hash_table_lookup (r->rtts, op);
  if (a == NULL)
    {
      a = g_array_new (FALSE, FALSE, sizeof (gint64));
      g_hash_table_insert (r->rtts, g_strdup (op), a);
    }
  g_array_append_val (a, us);
}

/* Makes sure a live client exists; on failure fills res and returns FALSE. */
static gboolean
ensure_client (Runner *r, ConfTestResult *res, GError **fatal)
{
  g_autoptr (GError) error = NULL;
  if (r->client != NULL && conf_client_alive (r->client))
    return TRUE;
  g_clear_pointer (&r->client, conf_client_free);
  int timeout_ms = r->opt->timeout_ms;
  if (r->deadline_us > 0)
    timeout_ms = (int) CLAMP ((r->deadline_us - g_get_monotonic_time ()) / 1000, 0, timeout_ms);
  r->client = conf_client_open (r->opt->command, r->opt->role, timeout_ms, r->opt->client,
                                &error);
  if (r->client != NULL)
    {
      conf_client_set_timeout (r->client, r->opt->timeout_ms);
      conf_client_set_deadline (r->client, r->deadline_us);
      if (r->run->iut_name == NULL)
        {
          r->run->iut_name = g_strdup (conf_client_name (r->client));
          r->run->iut_version = g_strdup (conf_client_version (r->client));
        }
      return TRUE;
    }
  /* The very first start decides whether the run can happen at all. */
  if (r->run->iut_name == NULL)
    {
      g_propagate_error (fatal, g_steal_pointer (&error));
      return FALSE;
    }
  res->verdict = error->code == CONF_CALL_NOT_IMPLEMENTED ? CONF_VERDICT_NOT_IMPLEMENTED
                                                          : CONF_VERDICT_FAIL;
  res->reason = g_strdup_printf ("the implementation could not be restarted: %s", error->message);
  return FALSE;
}

static int
cmp_i64 (gconstpointer a, gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;
  return x < y ? -1 : x > y;
}

/* Plays one test; fills res.  Sets *fatal (never NULL) only when the
 * first start of the IUT fails. */
static void
play (Runner *r, const ConfTest *t, ConfTestResult *res, GError **fatal)
{
  g_auto (ConfExpectState) state = { 0 };
  guint total = t->setup->len + t->steps->len;

  state.role = t->role;

  if (!ensure_client (r, res, fatal))
    {
      r->dead_in_a_row++;
      return;
    }
  guint dead_before = r->dead_in_a_row;
  r->dead_in_a_row = 0;
  for (guint i = 0; i < total; i++)
    {
      const ConfStep *s = i < t->setup->len ? t->setup->pdata[i]
                                            : t->steps->pdata[i - t->setup->len];
      g_auto (ConfCallResult) got = { 0 };
      g_autoptr (GError) error = NULL;

      res->step = (int) i + 1;
      conf_expect_note_request (&state, s);
      if (!(s->line != NULL ? conf_client_call_line (r->client, s->op, s->line, &got, &error)
                            : conf_client_call (r->client, s->op, s->params, &got, &error)))
        {
          res->verdict = error->code == CONF_CALL_NOT_IMPLEMENTED ? CONF_VERDICT_NOT_IMPLEMENTED
                                                                  : CONF_VERDICT_FAIL;
          res->op = g_strdup (s->op);
          res->reason = g_strdup (error->message); /* starts with the failure class */
          res->got = g_strdup (conf_call_failure_name (error->code));
          res->stderr_tail = conf_client_stderr_tail (r->client);
          r->dead_in_a_row = dead_before + 1;
          g_clear_pointer (&r->client, conf_client_free);
          return;
        }
      record_rtt (r, s->op, got.rtt_us);
      if (!got.ok && got.code == MODEL_STD_UNIMPLEMENTED
          && !(s->expect_ok == FALSE && s->expect_code == MODEL_STD_UNIMPLEMENTED))
        {
          res->verdict = CONF_VERDICT_NOT_IMPLEMENTED;
          res->op = g_strdup (s->op);
          res->reason = g_strdup_printf ("%s is not implemented", s->op);
          return;
        }
      g_auto (ConfJudgement) j = { 0 };
      conf_expect_judge (s, &got, &state, &j);
      if (!j.pass)
        {
          res->verdict = CONF_VERDICT_FAIL;
          res->op = g_strdup (s->op);
          res->expected = g_steal_pointer (&j.expected);
          res->got = g_steal_pointer (&j.got);
          res->reason = j.detail ? g_steal_pointer (&j.detail)
                                 : g_strdup_printf ("step %u (%s) answered otherwise", i + 1,
                                                    s->op);
          return;
        }
    }
  res->step = 0;
  res->verdict = CONF_VERDICT_PASS;
}

static void
apply_waiver (Runner *r, ConfTestResult *res)
{
  ConfWaiver *w = conf_waivers_find (r->opt->waivers, res->name);
  if (w == NULL)
    return;
  w->matched = TRUE;
  /* A test that was not played has no failure to expect. */
  if (res->verdict == CONF_VERDICT_NOT_RUN)
    return;
  if (res->verdict == CONF_VERDICT_FAIL || res->verdict == CONF_VERDICT_NOT_IMPLEMENTED)
    {
      w->used = TRUE;
      res->verdict = CONF_VERDICT_WAIVED;
      g_autofree char *why = res->reason;
      res->reason = g_strdup_printf ("waived (%s:%d: %s): %s", r->opt->waivers->path, w->line,
                                     w->reason, why ? why : "");
    }
  else if (res->verdict == CONF_VERDICT_PASS)
    {
      res->verdict = CONF_VERDICT_FAIL;
      res->reason = g_strdup_printf ("the waiver at %s:%d no longer applies: the test passes; "
                                     "remove the waiver", r->opt->waivers->path, w->line);
    }
}

ConfRun *
conf_run (const ConfPlan *plan, const ConfRunOptions *opt, GError **error)
{
  g_autoptr (ConfProfile) fallback = NULL;
  const ConfProfile *profile = opt->profile;
  g_autoptr (GPtrArray) all = conf_plan_for_role (plan, opt->role);
  g_autoptr (GPtrArray) tests = chosen_tests (plan, opt);
  g_autoptr (ConfRun) run = g_new0 (ConfRun, 1);
  Runner r = { .opt = opt, .run = run };
  guint total = conf_run_total (plan, opt);

  if (all->len == 0)
    {
      base_fail (error, CONF_RUNNER_ERROR, 0,
                 "the vectors hold no test for the role %s: nothing to play", opt->role);
      return NULL;
    }
  if (profile == NULL)
    profile = fallback = conf_profile_default (opt->role);
  run->only = g_strdupv ((char **) opt->only);
  run->results = g_ptr_array_new_with_free_func (result_free);
  run->latency = g_ptr_array_new_with_free_func (latency_free);
  run->started_at = g_get_real_time () / G_USEC_PER_SEC;
  r.rtts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                  (GDestroyNotify) g_array_unref);
  if (opt->deadline_s > 0)
    r.deadline_us = g_get_monotonic_time () + opt->deadline_s * G_USEC_PER_SEC;

  for (guint i = 0; i < tests->len; i++)
    {
      const ConfTest *t = tests->pdata[i];
      ConfTestResult *res = g_new0 (ConfTestResult, 1);
      g_autofree char *why = NULL;
      res->test = t;
      res->name = g_strdup (t->name);
      g_ptr_array_add (run->results, res);
      gint64 start = g_get_monotonic_time ();
      guint max_dead = opt->max_dead_in_a_row ? opt->max_dead_in_a_row : DEFAULT_MAX_DEAD;
      if (!conf_profile_admits (profile, t->profile, &why))
        {
          res->verdict = CONF_VERDICT_SKIP;
          res->reason = g_steal_pointer (&why);
        }
      else if (r.dead_in_a_row >= max_dead)
        {
          res->verdict = CONF_VERDICT_NOT_RUN;
          res->reason = g_strdup_printf ("not run: the implementation failed %u tests in a row "
                                         "(timeout, crash, network or protocol error)", max_dead);
        }
      else if (r.deadline_us > 0 && g_get_monotonic_time () >= r.deadline_us)
        {
          res->verdict = CONF_VERDICT_NOT_RUN;
          res->reason = g_strdup_printf ("not run: the run's deadline (--deadline %" G_GINT64_FORMAT
                                         " s) passed", opt->deadline_s);
        }
      else
        {
          g_autoptr (GError) fatal = NULL;
          if (opt->on_test)
            opt->on_test (t->name, opt->user_data);
          play (&r, t, res, &fatal);
          if (fatal != NULL)
            {
              g_hash_table_unref (r.rtts);
              conf_client_free (r.client);
              g_propagate_error (error, g_steal_pointer (&fatal));
              return NULL;
            }
          /* A test the deadline cut short has no verdict of its own. */
          if (r.deadline_us > 0 && g_get_monotonic_time () >= r.deadline_us
              && res->verdict != CONF_VERDICT_PASS)
            {
              g_autofree char *was = res->reason;
              res->verdict = CONF_VERDICT_NOT_RUN;
              res->reason = g_strdup_printf ("not run to its end: the run's deadline (--deadline "
                                             "%" G_GINT64_FORMAT " s) passed during it (%s)",
                                             opt->deadline_s, was ? was : "no reason");
            }
        }
      res->duration_us = g_get_monotonic_time () - start;
      if (res->verdict != CONF_VERDICT_SKIP)
        apply_waiver (&r, res);
      run->counts[res->verdict]++;
      if (opt->on_result)
        opt->on_result (res, i, total, opt->user_data);
    }
  if (opt->on_test)
    opt->on_test (NULL, opt->user_data);
  if (r.client != NULL)
    conf_client_stop (r.client);
  g_clear_pointer (&r.client, conf_client_free);

  /* Waivers that name no test of the role, or a skipped one, are failures;
   * those naming a test that --only left out are left alone. */
  if (opt->waivers != NULL)
    for (guint i = 0; i < opt->waivers->waivers->len; i++)
      {
        ConfWaiver *w = opt->waivers->waivers->pdata[i];
        if (w->matched || left_out (opt, all, w->test))
          continue;
        ConfTestResult *res = g_new0 (ConfTestResult, 1);
        res->name = g_strdup (w->test);
        res->verdict = CONF_VERDICT_FAIL;
        if (is_test_of (all, w->test))
          res->reason = g_strdup_printf ("waiver at %s:%d names a test outside the profile "
                                         "(skipped)", opt->waivers->path, w->line);
        else
          res->reason = g_strdup_printf ("waiver at %s:%d names no test of role %s",
                                         opt->waivers->path, w->line, opt->role);
        g_ptr_array_add (run->results, res);
        run->counts[res->verdict]++;
        if (opt->on_result)
          opt->on_result (res, run->results->len - 1, total, opt->user_data);
      }

  /* Latency summaries, by op name. */
  g_autoptr (GList) ops = g_list_sort (g_hash_table_get_keys (r.rtts), (GCompareFunc) strcmp);
  for (GList *l = ops; l != NULL; l = l->next)
    {
      GArray *a = g_hash_table_lookup (r.rtts, l->data);
      g_array_sort (a, cmp_i64);
      ConfOpLatency *lat = g_new0 (ConfOpLatency, 1);
      lat->op = g_strdup (l->data);
      lat->count = a->len;
      lat->p50_us = g_array_index (a, gint64, (a->len - 1) / 2);
      lat->p99_us = g_array_index (a, gint64, (guint) ((a->len - 1) * 0.99));
      lat->max_us = g_array_index (a, gint64, a->len - 1);
      g_ptr_array_add (run->latency, lat);
    }
  g_hash_table_unref (r.rtts);
  run->ended_at = g_get_real_time () / G_USEC_PER_SEC;
  return g_steal_pointer (&run);
}
