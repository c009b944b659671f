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

/* A bounded, printable copy of untrusted text on one line ("" for NULL):
 * control characters and invalid UTF-8 become \xNN.  For TAP's test lines. */
static char *
clean (const char *s)
{
  return s == NULL ? g_strdup ("") : base_text_printable (s, strlen (s), TEXT_MAX);
}

/* The same keeping line feeds and tabs (base_text_printable_lines): the text
 * of a structured output's value. */
static char *
clean_lines (const char *s)
{
  return s == NULL ? g_strdup ("") : base_text_printable_lines (s, strlen (s), TEXT_MAX);
}

/* As clean_lines for the IUT's standard error, whose end says most (the
 * exception under a traceback): its last TEXT_MAX characters, from a line
 * start, after a line "...". */
static char *
clean_tail (const char *s)
{
  if (s == NULL)
    return g_strdup ("");
  g_autofree char *all = base_text_printable_lines (s, strlen (s), G_MAXSIZE);
  glong n = g_utf8_strlen (all, -1);
  if (n <= TEXT_MAX)
    return g_steal_pointer (&all);
  const char *from = g_utf8_offset_to_pointer (all, n - TEXT_MAX);
  const char *line = strchr (from, '\n');
  if (line != NULL && line[1] != '\0')
    from = line + 1;
  return g_strconcat ("...\n", from, NULL);
}

/* ---- TAP ------------------------------------------------------------------ */

/* Whether text (cleaned, with a line feed) reads back exactly, or with one
 * line feed added at its end, as a YAML literal block scalar with the
 * default (clip) chomping, both in YAML 1.2 and in TAP::Parser's YAMLish
 * reader (prove's): its first line starts with a visible character (so the
 * indentation is the block's own), and it does not end in a blank line
 * (which clip chomping drops and YAMLish keeps). */
static gboolean
block_reads_back (const char *text)
{
  if (*text == ' ' || *text == '\t' || *text == '\n')
    return FALSE;
  gsize end = strlen (text);
  if (end > 0 && text[end - 1] == '\n')
    end--;
  gsize start = end;
  while (start > 0 && text[start - 1] != '\n')
    start--;
  for (gsize i = start; i < end; i++)
    if (text[i] != ' ' && text[i] != '\t')
      return TRUE;
  return FALSE;
}

/*
 * One member of a test's YAML diagnostics, "  key: value" (nothing for a
 * NULL value).  A value on one line is a double-quoted scalar.  A value of
 * several lines is a literal block ("key: |", then its lines indented by
 * two more spaces, a blank line as the indentation alone so that prove's
 * reader does not end the block there), which reads back as the text with
 * exactly one final line feed: the text's own, or one added.  The indicators
 * that would keep a text exact in every case (|-, |+, |2) make prove's
 * reader fail on the whole test, so the rare text a block cannot carry
 * (see block_reads_back) is a double-quoted scalar with \n escapes.
 */
static void
yaml_value (FILE *out, const char *key, const char *value, gboolean tail)
{
  if (value == NULL)
    return;
  g_autofree char *v = tail ? clean_tail (value) : clean_lines (value);
  if (strchr (v, '\n') != NULL && block_reads_back (v))
    {
      fprintf (out, "  %s: |\n", key);
      for (const char *line = v; *line != '\0';)
        {
          const char *nl = strchr (line, '\n');
          gsize len = nl ? (gsize) (nl - line) : strlen (line);
          fprintf (out, "    %.*s\n", (int) len, line);
          line += len + (nl != NULL);
        }
      return;
    }
  fprintf (out, "  %s: \"", key);
  for (const char *p = v; *p; p++)
    {
      if (*p == '\n')
        fputs ("\\n", out);
      else if (*p == '\t')
        fputs ("\\t", out);
      else
        {
          if (*p == '"' || *p == '\\')
            fputc ('\\', out);
          fputc (*p, out);
        }
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
    case CONF_VERDICT_NOT_RUN:
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
      yaml_value (out, "requirement", reqs, FALSE);
      if (r->test != NULL)
        {
          g_autofree char *vec = g_strdup_printf ("%s#%" G_GINT64_FORMAT, r->test->file,
                                                  r->test->tc_id);
          yaml_value (out, "vector", vec, FALSE);
          yaml_value (out, "comment", r->test->comment, FALSE);
        }
      if (r->step > 0)
        fprintf (out, "  step: %d\n", r->step);
      yaml_value (out, "op", r->op, FALSE);
      yaml_value (out, "expected", r->expected, FALSE);
      yaml_value (out, "got", r->got, FALSE);
      yaml_value (out, "message", r->reason, FALSE);
      yaml_value (out, "stderr", r->stderr_tail, TRUE);
      fprintf (out, "  ...\n");
      break;
    }
  fflush (out);
}

/* ---- JUnit ---------------------------------------------------------------- */

/* Appends untrusted text to XML: cleaned (clean_lines: no character that
 * XML 1.0 forbids), with the markup characters escaped; in an attribute
 * value line feeds and tabs too, as character references, so that a parser
 * reads them back instead of normalising them to spaces. */
static void
xml_escape (GString *out, const char *c, gboolean attribute)
{
  for (const char *p = c; *p; p++)
    switch (*p)
      {
      case '&': g_string_append (out, "&amp;"); break;
      case '<': g_string_append (out, "&lt;"); break;
      case '>': g_string_append (out, "&gt;"); break;
      case '"': g_string_append (out, attribute ? "&quot;" : "\""); break;
      case '\n': g_string_append (out, attribute ? "&#10;" : "\n"); break;
      case '\t': g_string_append (out, attribute ? "&#9;" : "\t"); break;
      default: g_string_append_c (out, *p); break;
      }
}

static void
xml_text (GString *out, const char *s, gboolean attribute)
{
  g_autofree char *c = clean_lines (s);
  xml_escape (out, c, attribute);
}

char *
conf_junit_render (const ConfRun *run, const char *role)
{
  GString *x = g_string_new ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
  guint failures = run->counts[CONF_VERDICT_FAIL] + run->counts[CONF_VERDICT_NOT_IMPLEMENTED];
  g_string_append_printf (x, "<testsuites>\n  <testsuite name=\"essc conform %s\" tests=\"%u\" "
                          "failures=\"%u\" errors=\"0\" skipped=\"%u\" time=\"%" G_GINT64_FORMAT
                          "\">\n", role, run->results->len, failures,
                          run->counts[CONF_VERDICT_SKIP] + run->counts[CONF_VERDICT_WAIVED]
                          + run->counts[CONF_VERDICT_NOT_RUN],
                          run->ended_at - run->started_at);
  for (guint i = 0; i < run->results->len; i++)
    {
      const ConfTestResult *r = run->results->pdata[i];
      g_autofree char *reqs = requirement_list (r);
      g_string_append (x, "    <testcase classname=\"");
      xml_text (x, r->test ? r->test->file : "waivers", TRUE);
      g_string_append (x, "\" name=\"");
      xml_text (x, r->name, TRUE);
      g_string_append_printf (x, " (%s)\" time=\"%.6f\"", reqs, r->duration_us / 1e6);
      if (r->verdict == CONF_VERDICT_PASS)
        {
          g_string_append (x, "/>\n");
          continue;
        }
      g_string_append (x, ">\n");
      if (r->verdict == CONF_VERDICT_SKIP || r->verdict == CONF_VERDICT_WAIVED
          || r->verdict == CONF_VERDICT_NOT_RUN)
        {
          g_string_append (x, "      <skipped message=\"");
          xml_text (x, r->reason, TRUE);
          g_string_append (x, "\"/>\n");
        }
      else
        {
          /* The body: one line each for the step, expected and got, then
           * the IUT's standard error, its lines as they were. */
          g_string_append (x, "      <failure message=\"");
          xml_text (x, r->reason, TRUE);
          g_string_append_printf (x, "\" type=\"%s\">step %d, op ", conf_verdict_name (r->verdict),
                                  r->step);
          xml_text (x, r->op ? r->op : "-", FALSE);
          g_string_append (x, "\nexpected: ");
          xml_text (x, r->expected ? r->expected : "-", FALSE);
          g_string_append (x, "\ngot: ");
          xml_text (x, r->got ? r->got : "-", FALSE);
          g_string_append (x, "\n");
          if (r->stderr_tail != NULL)
            {
              g_autofree char *tail = clean_tail (r->stderr_tail);
              g_string_append (x, "stderr:\n");
              xml_escape (x, tail, FALSE);
            }
          g_string_append (x, "</failure>\n");
        }
      g_string_append (x, "    </testcase>\n");
    }
  g_string_append (x, "  </testsuite>\n</testsuites>\n");
  return g_string_free (x, FALSE);
}

/* ---- JSON ----------------------------------------------------------------- */

static void
add_string (JsonBuilder *b, const char *name, const char *value)
{
  json_builder_set_member_name (b, name);
  if (value == NULL)
    json_builder_add_null_value (b);
  else
    {
      g_autofree char *c = clean_lines (value);
      json_builder_add_string_value (b, c);
    }
}

/* The IUT's standard error (clean_tail), or null. */
static void
add_stderr (JsonBuilder *b, const char *value)
{
  json_builder_set_member_name (b, "stderr");
  if (value == NULL)
    json_builder_add_null_value (b);
  else
    {
      g_autofree char *c = clean_tail (value);
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
  add_string (b, "suite", "ESSC-STD/1.1");
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
  json_builder_set_member_name (b, "only");
  if (run->only == NULL)
    json_builder_add_null_value (b);
  else
    {
      json_builder_begin_array (b);
      for (char **name = run->only; *name != NULL; name++)
        json_builder_add_string_value (b, *name);
      json_builder_end_array (b);
    }
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
      add_stderr (b, r->stderr_tail);
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
