/* SPDX-License-Identifier: MIT */
/*
 * Rendering of conformance runs (see output.h).  TAP is written as each
 * test ends, so a CI log shows progress and a killed run still says how far
 * it got; the other formats are rendered at the end.  Every string from the
 * IUT is untrusted: YAML and XML escape it, and its length is bounded.
 */
#include "conformance/output.h"

#include "base/text.h"
#include "conformance/json.h"
#include "conformance/requirements.h"

#include <string.h>

#define TEXT_MAX 2000 /* characters of one untrusted string in any output */

/* A bounded, printable copy of untrusted text ("" for NULL): control
 * characters and invalid UTF-8 become \xNN. */
static char *
clean (const char *s)
{
  return s == NULL ? g_strdup ("") : base_text_printable (s, strlen (s), TEXT_MAX);
}

static void
yaml_string (FILE *out, const char *key, const char *value)
{
  if (value == NULL)
    return;
  g_autofree char *v = clean (value);
  fprintf (out, "  %s: \"", key);
  for (const char *p = v; *p; p++)
    {
      if (*p == '"' || *p == '\\')
        fputc ('\\', out);
      fputc (*p, out);
    }
  fprintf (out, "\"\n");
}

static char *
requirement_list (const ConfTestResult *r)
{
  if (r->test == NULL)
    return g_strdup ("waiver");
  return g_strjoinv (",", r->test->requirements);
}

void
conf_tap_begin (FILE *out, guint total)
{
  fprintf (out, "TAP version 13\n1..%u\n", total);
  fflush (out);
}

void
conf_tap_result (FILE *out, const ConfTestResult *r, guint index)
{
  g_autofree char *reqs = requirement_list (r);
  g_autofree char *reason = clean (r->reason);
  guint n = index + 1;

  switch (r->verdict)
    {
    case CONF_VERDICT_PASS:
      fprintf (out, "ok %u - %s %s\n", n, reqs, r->name);
      break;
    case CONF_VERDICT_SKIP:
      fprintf (out, "ok %u - %s %s # SKIP %s\n", n, reqs, r->name, reason);
      break;
    case CONF_VERDICT_WAIVED:
      fprintf (out, "not ok %u - %s %s # TODO %s\n", n, reqs, r->name, reason);
      break;
    case CONF_VERDICT_NOT_IMPLEMENTED:
    case CONF_VERDICT_FAIL:
    default:
      fprintf (out, "not ok %u - %s %s%s\n", n, reqs, r->name,
               r->verdict == CONF_VERDICT_NOT_IMPLEMENTED ? " (not implemented)" : "");
      fprintf (out, "  ---\n");
      yaml_string (out, "requirement", reqs);
      if (r->test != NULL)
        {
          g_autofree char *vec = g_strdup_printf ("%s#%" G_GINT64_FORMAT, r->test->file,
                                                  r->test->tc_id);
          yaml_string (out, "vector", vec);
          yaml_string (out, "comment", r->test->comment);
        }
      if (r->step > 0)
        fprintf (out, "  step: %d\n", r->step);
      yaml_string (out, "op", r->op);
      yaml_string (out, "expected", r->expected);
      yaml_string (out, "got", r->got);
      yaml_string (out, "message", r->reason);
      yaml_string (out, "stderr", r->stderr_tail);
      fprintf (out, "  ...\n");
      break;
    }
  fflush (out);
}

static void
xml_text (GString *out, const char *s)
{
  g_autofree char *c = clean (s);
  g_autofree char *e = g_markup_escape_text (c, -1);
  g_string_append (out, e);
}

char *
conf_junit_render (const ConfRun *run, const char *role)
{
  GString *x = g_string_new ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
  guint failures = run->counts[CONF_VERDICT_FAIL] + run->counts[CONF_VERDICT_NOT_IMPLEMENTED];
  g_string_append_printf (x, "<testsuites>\n  <testsuite name=\"essc conform %s\" tests=\"%u\" "
                          "failures=\"%u\" errors=\"0\" skipped=\"%u\" time=\"%" G_GINT64_FORMAT
                          "\">\n", role, run->results->len, failures,
                          run->counts[CONF_VERDICT_SKIP] + run->counts[CONF_VERDICT_WAIVED],
                          run->ended_at - run->started_at);
  for (guint i = 0; i < run->results->len; i++)
    {
      const ConfTestResult *r = run->results->pdata[i];
      g_autofree char *reqs = requirement_list (r);
      g_string_append (x, "    <testcase classname=\"");
      xml_text (x, r->test ? r->test->file : "waivers");
      g_string_append (x, "\" name=\"");
      xml_text (x, r->name);
      g_string_append_printf (x, " (%s)\" time=\"%.6f\"", reqs, r->duration_us / 1e6);
      if (r->verdict == CONF_VERDICT_PASS)
        {
          g_string_append (x, "/>\n");
          continue;
        }
      g_string_append (x, ">\n");
      if (r->verdict == CONF_VERDICT_SKIP || r->verdict == CONF_VERDICT_WAIVED)
        {
          g_string_append (x, "      <skipped message=\"");
          xml_text (x, r->reason);
          g_string_append (x, "\"/>\n");
        }
      else
        {
          g_string_append (x, "      <failure message=\"");
          xml_text (x, r->reason);
          g_string_append_printf (x, "\" type=\"%s\">", conf_verdict_name (r->verdict));
          g_autofree char *body = g_strdup_printf ("step %d, op %s\nexpected: %s\ngot: %s\n%s",
                                                   r->step, r->op ? r->op : "-",
                                                   r->expected ? r->expected : "-",
                                                   r->got ? r->got : "-",
                                                   r->stderr_tail ? r->stderr_tail : "");
          xml_text (x, body);
          g_string_append (x, "</failure>\n");
        }
      g_string_append (x, "    </testcase>\n");
    }
  g_string_append (x, "  </testsuite>\n</testsuites>\n");
  return g_string_free (x, FALSE);
}

static void
add_string (JsonBuilder *b, const char *name, const char *value)
{
  json_builder_set_member_name (b, name);
  if (value == NULL)
    json_builder_add_null_value (b);
  else
    {
      g_autofree char *c = clean (value);
      json_builder_add_string_value (b, c);
    }
}

static void
add_int (JsonBuilder *b, const char *name, gint64 value)
{
  json_builder_set_member_name (b, name);
  json_builder_add_int_value (b, value);
}

char *
conf_results_render (const ConfRun *run, const ConfPlan *plan, const char *command,
                     const char *role, const ConfProfile *profile)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  add_string (b, "schema", "essc-conformance-results/1");
  add_string (b, "suite", "ESSC-STD/1.0");
  add_string (b, "essc_version", ESSC_VERSION);
  json_builder_set_member_name (b, "iut");
  json_builder_begin_object (b);
  add_string (b, "command", command);
  add_string (b, "name", run->iut_name);
  add_string (b, "version", run->iut_version);
  add_string (b, "role", role);
  json_builder_end_object (b);
  json_builder_set_member_name (b, "profile");
  json_builder_add_value (b, conf_profile_to_json (profile));
  add_int (b, "started_at", run->started_at);
  add_int (b, "ended_at", run->ended_at);
  add_string (b, "verdict", conf_run_conformant (run) ? "conformant" : "not conformant");
  json_builder_set_member_name (b, "summary");
  json_builder_begin_object (b);
  for (int v = 0; v < CONF_N_VERDICTS; v++)
    add_int (b, conf_verdict_name ((ConfVerdict) v), run->counts[v]);
  json_builder_end_object (b);
  json_builder_set_member_name (b, "vectors");
  json_builder_begin_array (b);
  for (guint i = 0; i < plan->files->len; i++)
    {
      const ConfVectorFile *f = plan->files->pdata[i];
      json_builder_begin_object (b);
      add_string (b, "file", f->name);
      add_string (b, "blake2b", f->blake2b);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_set_member_name (b, "tests");
  json_builder_begin_array (b);
  for (guint i = 0; i < run->results->len; i++)
    {
      const ConfTestResult *r = run->results->pdata[i];
      json_builder_begin_object (b);
      add_string (b, "name", r->name);
      add_string (b, "file", r->test ? r->test->file : NULL);
      add_int (b, "tcId", r->test ? r->test->tc_id : 0);
      json_builder_set_member_name (b, "requirements");
      json_builder_begin_array (b);
      for (int k = 0; r->test && r->test->requirements[k]; k++)
        json_builder_add_string_value (b, r->test->requirements[k]);
      json_builder_end_array (b);
      add_string (b, "verdict", conf_verdict_name (r->verdict));
      add_string (b, "reason", r->reason);
      add_int (b, "step", r->step);
      add_string (b, "op", r->op);
      add_string (b, "expected", r->expected);
      add_string (b, "got", r->got);
      add_int (b, "duration_us", r->duration_us);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_set_member_name (b, "latency");
  json_builder_begin_array (b);
  for (guint i = 0; i < run->latency->len; i++)
    {
      const ConfOpLatency *l = run->latency->pdata[i];
      json_builder_begin_object (b);
      add_string (b, "op", l->op);
      add_int (b, "count", (gint64) l->count);
      add_int (b, "p50_us", l->p50_us);
      add_int (b, "p99_us", l->p99_us);
      add_int (b, "max_us", l->max_us);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  g_autoptr (JsonNode) root = json_builder_get_root (b);
  return conf_json_to_pretty (root);
}

void
conf_latency_print (FILE *out, const ConfRun *run)
{
  fprintf (out, "# latency per operation (round trip through the adapter):\n");
  fprintf (out, "#   %-22s %8s %10s %10s %10s\n", "op", "count", "p50 us", "p99 us", "max us");
  for (guint i = 0; i < run->latency->len; i++)
    {
      const ConfOpLatency *l = run->latency->pdata[i];
      fprintf (out, "#   %-22s %8" G_GUINT64_FORMAT " %10" G_GINT64_FORMAT " %10" G_GINT64_FORMAT
               " %10" G_GINT64_FORMAT "\n", l->op, l->count, l->p50_us, l->p99_us, l->max_us);
    }
}

guint
conf_coverage_print (FILE *out, const ConfPlan *plan)
{
  guint untested = 0;
  fprintf (out, "%-12s %-10s %5s %5s %5s  %s\n", "requirement", "level", "verif", "chan", "plat",
           "tests");
  for (gsize i = 0; i < conf_requirements_len; i++)
    {
      const ConfRequirement *req = &conf_requirements[i];
      guint per_role[3] = { 0 };
      g_autoptr (GString) names = g_string_new (NULL);
      guint named = 0;
      for (guint t = 0; t < plan->tests->len; t++)
        {
          const ConfTest *test = plan->tests->pdata[t];
          if (!g_strv_contains ((const char *const *) test->requirements, req->id))
            continue;
          per_role[strcmp (test->role, "verifier") == 0 ? 0
                   : strcmp (test->role, "channel") == 0 ? 1 : 2]++;
          if (named++ < 3)
            g_string_append_printf (names, "%s%s", names->len ? " " : "", test->name);
        }
      if (named > 3)
        g_string_append_printf (names, " (+%u)", named - 3);
      gboolean must = g_str_has_prefix (req->level, "MUST");
      if (named == 0 && must)
        untested++;
      fprintf (out, "%-12s %-10s %5u %5u %5u  %s\n", req->id, req->level, per_role[0], per_role[1],
               per_role[2], named ? names->str : (must ? "NONE (not observable through the "
                                                         "adapter protocol, or a gap)" : "-"));
    }
  fprintf (out, "%u MUST requirements have no test\n", untested);
  return untested;
}
