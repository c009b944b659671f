/* SPDX-License-Identifier: MIT */
/*
 * The selftest (see selftest.h): runs the plan through conf_run against the
 * reference implementations, clean and with each fault, and prints the kill
 * matrix: for each fault, the requirement it breaks and the tests that
 * caught it.
 */
#include "conformance/selftest.h"

#include "conformance/faults.h"
#include "conformance/profile.h"
#include "conformance/runner.h"

#include <string.h>

#define SHOWN_KILLERS 4

static ConfRun *
run_one (const ConfPlan *plan, const char *essc_path, const char *role, const char *fault,
         int tier, int timeout_ms, GError **error)
{
  g_autofree char *quoted = g_shell_quote (essc_path);
  g_autofree char *command = fault
                                 ? g_strdup_printf ("%s impl --role %s --fault %s", quoted, role,
                                                    fault)
                                 : g_strdup_printf ("%s impl --role %s", quoted, role);
  g_autoptr (ConfProfile) profile = conf_profile_default (role);
  profile->tier = tier;
  ConfRunOptions options = { .command = command, .role = role, .timeout_ms = timeout_ms,
                             .profile = profile };
  return conf_run (plan, &options, error);
}

gboolean
conf_selftest_run (const ConfPlan *plan, const char *essc_path, const char *only_fault,
                   int timeout_ms, FILE *out, ConfSelftestSummary *summary, GError **error)
{
  memset (summary, 0, sizeof *summary);

  /* 1. The reference implementations pass everything. */
  fprintf (out, "reference implementations:\n");
  for (int r = 0; r < CONF_N_ROLES; r++)
    for (int tier = 1; tier <= (r == CONF_ROLE_CHANNEL ? 2 : 1); tier++)
      {
        const char *role = conf_role_name ((ConfRole) r);
        g_autoptr (ConfRun) run = run_one (plan, essc_path, role, NULL, tier, timeout_ms, error);
        if (run == NULL)
          return FALSE;
        guint bad = run->counts[CONF_VERDICT_FAIL] + run->counts[CONF_VERDICT_NOT_IMPLEMENTED]
                    + run->counts[CONF_VERDICT_NOT_RUN];
        summary->reference_runs++;
        summary->reference_failures += bad;
        fprintf (out, "  %-8s tier %d: %u passed, %u skipped, %u FAILED\n", role, tier,
                 run->counts[CONF_VERDICT_PASS], run->counts[CONF_VERDICT_SKIP], bad);
        for (guint i = 0; i < run->results->len && bad > 0; i++)
          {
            const ConfTestResult *t = run->results->pdata[i];
            if (t->verdict == CONF_VERDICT_FAIL || t->verdict == CONF_VERDICT_NOT_IMPLEMENTED
                || t->verdict == CONF_VERDICT_NOT_RUN)
              fprintf (out, "    FAILED %s: %s (expected %s, got %s)\n", t->name,
                       t->reason ? t->reason : "", t->expected ? t->expected : "-",
                       t->got ? t->got : "-");
          }
      }

  /* 2. Every fault is caught by at least one test of a role it applies to. */
  gsize n;
  const ConfFault *faults = conf_fault_catalogue (&n);
  fprintf (out, "kill matrix (fault, requirements it breaks: tests that caught it):\n");
  for (gsize f = 0; f < n; f++)
    {
      const ConfFault *fault = &faults[f];
      if (only_fault != NULL && strcmp (only_fault, fault->name) != 0)
        continue;
      g_autoptr (GPtrArray) killers = g_ptr_array_new_with_free_func (g_free);
      g_autoptr (GString) escaped = g_string_new (NULL);
      for (int r = 0; r < CONF_N_ROLES; r++)
        {
          if (!conf_fault_applies (fault, (ConfRole) r))
            continue;
          /* Each role the fault applies to must catch it on its own: a
           * channel's CI runs only the channel tests. */
          guint caught_here = 0;
          for (int tier = 1; tier <= (r == CONF_ROLE_CHANNEL ? 2 : 1); tier++)
            {
              g_autoptr (ConfRun) run = run_one (plan, essc_path, conf_role_name ((ConfRole) r),
                                                 fault->name, tier, timeout_ms, error);
              if (run == NULL)
                return FALSE;
              for (guint i = 0; i < run->results->len; i++)
                {
                  const ConfTestResult *t = run->results->pdata[i];
                  if (t->verdict != CONF_VERDICT_FAIL && t->verdict != CONF_VERDICT_NOT_IMPLEMENTED)
                    continue;
                  caught_here++;
                  if (!g_ptr_array_find_with_equal_func (killers, t->name, g_str_equal, NULL))
                    g_ptr_array_add (killers, g_strdup (t->name));
                }
            }
          if (caught_here == 0)
            g_string_append_printf (escaped, " %s", conf_role_name ((ConfRole) r));
        }
      summary->faults++;
      g_autoptr (GString) shown = g_string_new (NULL);
      for (guint k = 0; k < killers->len && k < SHOWN_KILLERS; k++)
        g_string_append_printf (shown, "%s%s", k ? " " : "", (char *) killers->pdata[k]);
      if (killers->len > SHOWN_KILLERS)
        g_string_append_printf (shown, " (+%u)", killers->len - SHOWN_KILLERS);
      if (escaped->len > 0)
        summary->survivors++;
      if (killers->len == 0)
        fprintf (out, "  %-28s %-22s SURVIVED (no test caught it)\n", fault->name,
                 fault->requirements);
      else if (escaped->len > 0)
        fprintf (out, "  %-28s %-22s SURVIVED in role%s (caught elsewhere by %s)\n", fault->name,
                 fault->requirements, escaped->str, shown->str);
      else
        fprintf (out, "  %-28s %-22s %s\n", fault->name, fault->requirements, shown->str);
      fflush (out);
    }
  fprintf (out, "%u reference runs with %u failing tests; %u faults, %u caught, %u survived\n",
           summary->reference_runs, summary->reference_failures, summary->faults,
           summary->faults - summary->survivors, summary->survivors);
  return TRUE;
}
