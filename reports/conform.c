/* SPDX-License-Identifier: MIT */
/*
 * The report's conformance part: the section "conformance" from the tables
 * essc conform --db writes (docs/RUNDB.md).  One table of every run, newest
 * first, then a block per run: its verdicts per requirement group, its
 * failed tests, the requirements its tests name with how they fared, the
 * IUT's latency per adapter operation and its stored signed report, with the
 * figures of the newest REPORT_CONFORM_FIGURE_RUNS runs (conform_plots.c).
 * The run's counts are conformance_run's own; the groups and requirements
 * are tallied here from conformance_test's rows, a test once per group or
 * requirement it names.  A database has a handful of runs of at most a few
 * hundred tests each, so everything is read into memory.
 */
#include "reports/conform.h"

#include "reports/html.h"
#include "reports/reader.h"

#include <math.h>
#include <string.h>

/* Figures are drawn for this many of the newest runs. */
#define REPORT_CONFORM_FIGURE_RUNS 5
/* Failed tests listed per run, and the characters kept of their texts. */
#define MAX_FAILURES 50
#define MAX_TEXT 120
/* Failing requirements named in a coverage table's summary. */
#define MAX_NAMED 20

const ReportConformVerdict report_conform_verdicts[REPORT_CONFORM_N_VERDICTS] = {
  { "pass", "pass", "#2e7d32" },
  { "fail", "fail", "#c62828" },
  { "skip", "skip", "#9e9e9e" },
  { "not_implemented", "not implemented", "#ef6c00" },
  { "waived", "waived", "#1565c0" },
};

enum { PASS, FAIL, SKIP, NOT_IMPLEMENTED, WAIVED };

/* The standard's requirement groups in the order of its chapters; others
 * follow by name, tests naming no requirement last. */
static const char *const GROUP_ORDER[] = {
  "CRYPTO", "ID", "CARD", "ISS", "PIN", "CRED", "QR", "CHAN", "CONSENT", "PAY", "AUDIT",
  "STORE", "ERR",
};
#define NO_GROUP "(none)"

/* One requirement id and the tests naming it. */
typedef struct {
  char *id;
  double tests;
  double counts[REPORT_CONFORM_N_VERDICTS];
} Requirement;

static void
group_free (gpointer p)
{
  ReportConformGroup *g = p;
  g_free (g->name);
  g_free (g);
}

static void
requirement_free (gpointer p)
{
  Requirement *r = p;
  g_free (r->id);
  g_free (r);
}

static void
run_free (gpointer p)
{
  ReportConformRun *r = p;
  g_free (r->role);
  g_free (r->verdict);
  g_free (r->iut);
  g_free (r->stamp);
  if (r->groups != NULL)
    g_ptr_array_unref (r->groups);
  g_free (r);
}

static int
group_rank (const char *name)
{
  if (strcmp (name, NO_GROUP) == 0)
    return G_N_ELEMENTS (GROUP_ORDER) + 1;
  for (guint i = 0; i < G_N_ELEMENTS (GROUP_ORDER); i++)
    if (strcmp (name, GROUP_ORDER[i]) == 0)
      return (int) i;
  return G_N_ELEMENTS (GROUP_ORDER);
}

static int
group_cmp (const char *a, const char *b)
{
  int ra = group_rank (a), rb = group_rank (b);
  return ra != rb ? ra - rb : strcmp (a, b);
}

static int
group_ptr_cmp (gconstpointer a, gconstpointer b)
{
  return group_cmp ((*(ReportConformGroup *const *) a)->name,
                    (*(ReportConformGroup *const *) b)->name);
}

/* Requirement ids by group, then by their number: CHAN-2 before CHAN-10. */
static int
requirement_cmp (gconstpointer a, gconstpointer b)
{
  const char *x = (*(Requirement *const *) a)->id, *y = (*(Requirement *const *) b)->id;
  g_autofree char *gx = g_strndup (x, strcspn (x, "-"));
  g_autofree char *gy = g_strndup (y, strcspn (y, "-"));
  int c = group_cmp (gx, gy);
  if (c != 0)
    return c;
  const char *nx = x + strlen (gx), *ny = y + strlen (gy);
  gint64 ix = *nx ? g_ascii_strtoll (nx + 1, NULL, 10) : 0;
  gint64 iy = *ny ? g_ascii_strtoll (ny + 1, NULL, 10) : 0;
  return ix != iy ? (ix < iy ? -1 : 1) : strcmp (x, y);
}

static char *
utc (gint64 t)
{
  g_autoptr (GDateTime) d = g_date_time_new_from_unix_utc (t);
  return d ? g_date_time_format (d, "%Y-%m-%d %H:%M:%S UTC") : g_strdup ("?");
}

/* A text cell with a class (good/bad). */
static void
cell_class (GString *out, const char *col, const char *cls, const char *text)
{
  g_string_append_printf (out, "<td class=\"%s\" data-col=\"", cls);
  report_html_escape (out, col);
  g_string_append (out, "\">");
  report_html_escape (out, text);
  g_string_append (out, "</td>");
}

void
report_conform_cell_wrap (GString *out, const char *col, const char *text)
{
  g_string_append (out, "<td data-col=\"");
  report_html_escape (out, col);
  g_string_append (out, "\">");
  guint run = 0;  /* characters since a break opportunity */
  for (const char *c = text; *c; c = g_utf8_next_char (c))
    {
      gsize n = (gsize) (g_utf8_next_char (c) - c);
      if (n == 1 && strchr ("&<>\"'", *c) != NULL)
        {
          char one[2] = { *c, '\0' };
          report_html_escape (out, one);
        }
      else
        g_string_append_len (out, c, (gssize) n);
      run = *c == ' ' ? 0 : run + 1;
      if (n == 1 && (strchr (",;:/=", *c) != NULL || run >= 16) && c[1] != '\0')
        {
          g_string_append (out, "<wbr>");
          run = 0;
        }
    }
  g_string_append (out, "</td>");
}

/* text cut to MAX_TEXT characters with an ellipsis.  Returns: (transfer full). */
static char *
shorten (const char *text)
{
  if (!g_utf8_validate (text, -1, NULL))
    return g_strdup ("(not UTF-8)");
  if (g_utf8_strlen (text, -1) <= MAX_TEXT)
    return g_strdup (text);
  g_autofree char *head = g_utf8_substring (text, 0, MAX_TEXT - 1);
  return g_strconcat (head, "\u2026", NULL);
}

/* The runs, newest first, with the runs table. */
static GPtrArray *
read_runs (ReportCtx *ctx, GString *out, GError **error)
{
  sqlite3_stmt *st = report_reader_prepare (ctx, "SELECT id, role, command, iut_name, iut_version,"
                                        " started_at, verdict, passed, failed, skipped,"
                                        " not_implemented, waived, suite, essc_version"
                                        " FROM conformance_run ORDER BY started_at DESC, id DESC",
                                        error);
  if (st == NULL)
    return NULL;
  g_autoptr (GPtrArray) runs = g_ptr_array_new_with_free_func (run_free);
  g_autoptr (GString) rows = g_string_new (NULL);
  gboolean row = FALSE, ok;
  while ((ok = report_reader_step (ctx, st, &row, error)) && row)
    {
      ReportConformRun *r = g_new0 (ReportConformRun, 1);
      r->id = sqlite3_column_int64 (st, 0);
      r->role = g_strdup (report_reader_text (st, 1));
      const char *command = report_reader_text (st, 2);
      r->iut = g_strdup_printf ("%s %s", report_reader_text (st, 3), report_reader_text (st, 4));
      r->verdict = g_strdup (report_reader_text (st, 6));
      g_autofree char *started = utc (sqlite3_column_int64 (st, 5));
      r->stamp = g_strdup_printf ("%s run %" G_GINT64_FORMAT ", role %s, implementation '%s', "
                                  "%s, essc %s", report_reader_text (st, 12), r->id, r->role,
                                  command, started, report_reader_text (st, 13));
      g_ptr_array_add (runs, r);

      g_autofree char *key = g_strdup_printf ("%" G_GINT64_FORMAT, r->id);
      report_html_row_begin (rows, key);
      report_html_cell (rows, "role", r->role);
      report_html_cell (rows, "implementation", command);
      report_html_cell (rows, "iut", r->iut);
      report_html_cell (rows, "started", started);
      cell_class (rows, "verdict", strcmp (r->verdict, "conformant") == 0 ? "good" : "bad",
                  r->verdict);
      static const char *const cols[] = { "passed", "failed", "skipped", "not_implemented",
                                          "waived" };
      for (guint c = 0; c < G_N_ELEMENTS (cols); c++)
        report_html_num (rows, cols[c], "%.0f", report_reader_double (st, 7 + (int) c));
      report_html_row_end (rows);
    }
  sqlite3_finalize (st);
  if (!ok)
    return NULL;
  report_html_table_begin (out, "conformance-runs", "Conformance runs, newest first",
                           "role", "Role", "implementation", "Implementation (command)",
                           "iut", "IUT (name and version)", "started", "Started",
                           "verdict", "Verdict", "#passed", "Passed", "#failed", "Failed",
                           "#skipped", "Skipped", "#not_implemented", "Not implemented",
                           "#waived", "Waived", NULL);
  g_string_append (out, rows->str);
  report_html_table_end (out);
  return g_steal_pointer (&runs);
}

static int
verdict_index (const char *name)
{
  for (int v = 0; v < REPORT_CONFORM_N_VERDICTS; v++)
    if (strcmp (name, report_conform_verdicts[v].name) == 0)
      return v;
  return -1;
}

/* Tallies run's tests into run->groups and *reqs (sorted); *failed gets the
 * number of failed tests. */
static gboolean
tally (ReportCtx *ctx, ReportConformRun *run, GPtrArray **reqs, double *failed, GError **error)
{
  sqlite3_stmt *st = report_reader_prepare (ctx, "SELECT pos, requirements, verdict FROM "
                                        "conformance_test WHERE run_id = ? ORDER BY pos", error);
  if (st == NULL)
    return FALSE;
  sqlite3_bind_int64 (st, 1, run->id);
  g_autoptr (GHashTable) groups = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GHashTable) by_id = g_hash_table_new (g_str_hash, g_str_equal);
  run->groups = g_ptr_array_new_with_free_func (group_free);
  *reqs = g_ptr_array_new_with_free_func (requirement_free);
  *failed = 0;
  gboolean row = FALSE, ok = TRUE;
  while ((ok = report_reader_step (ctx, st, &row, error)) && row)
    {
      int v = verdict_index (report_reader_text (st, 2));
      if (v < 0)
        {
          g_set_error (error, REPORT_ERROR, REPORT_ERROR_INPUT, "%s: conformance_test: run %"
                       G_GINT64_FORMAT ", test %" G_GINT64_FORMAT ": unknown verdict '%s' "
                       "(expected pass, fail, skip, not_implemented or waived)", ctx->db_path,
                       run->id, (gint64) sqlite3_column_int64 (st, 0),
                       report_reader_text (st, 2));
          ok = FALSE;
          break;
        }
      *failed += v == FAIL;
      g_auto (GStrv) ids = g_strsplit (report_reader_text (st, 1), ",", -1);
      g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
      for (char **id = ids; *id != NULL; id++)
        {
          g_strstrip (*id);
          if (**id == '\0' || !g_hash_table_add (seen, *id))
            continue;
          Requirement *r = g_hash_table_lookup (by_id, *id);
          if (r == NULL)
            {
              r = g_new0 (Requirement, 1);
              r->id = g_strdup (*id);
              g_hash_table_insert (by_id, r->id, r);
              g_ptr_array_add (*reqs, r);
            }
          r->tests++;
          r->counts[v]++;
        }
      /* Groups named by the test, each once; NO_GROUP when it names none. */
      g_autoptr (GHashTable) named = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      for (char **id = ids; *id != NULL; id++)
        if (**id != '\0')
          g_hash_table_add (named, g_strndup (*id, strcspn (*id, "-")));
      if (g_hash_table_size (named) == 0)
        g_hash_table_add (named, g_strdup (NO_GROUP));
      GHashTableIter it;
      gpointer name;
      g_hash_table_iter_init (&it, named);
      while (g_hash_table_iter_next (&it, &name, NULL))
        {
          ReportConformGroup *g = g_hash_table_lookup (groups, name);
          if (g == NULL)
            {
              g = g_new0 (ReportConformGroup, 1);
              g->name = g_strdup (name);
              g_hash_table_insert (groups, g->name, g);
              g_ptr_array_add (run->groups, g);
            }
          g->counts[v]++;
        }
    }
  sqlite3_finalize (st);
  g_ptr_array_sort (run->groups, group_ptr_cmp);
  g_ptr_array_sort (*reqs, requirement_cmp);
  return ok;
}

static void
groups_table (GString *out, const ReportConformRun *run)
{
  g_autofree char *id = g_strdup_printf ("verdicts-group-%" G_GINT64_FORMAT, run->id);
  g_autofree char *caption = g_strdup_printf ("Run %" G_GINT64_FORMAT ": verdicts by "
                                              "requirement group", run->id);
  report_html_table_begin (out, id, caption, "group", "Group", "#pass", "Pass", "#fail", "Fail",
                           "#skip", "Skip", "#not_implemented", "Not implemented",
                           "#waived", "Waived", NULL);
  for (guint i = 0; i < run->groups->len; i++)
    {
      const ReportConformGroup *g = run->groups->pdata[i];
      report_html_row_begin (out, g->name);
      report_html_cell (out, "group", g->name);
      for (int v = 0; v < REPORT_CONFORM_N_VERDICTS; v++)
        report_html_num (out, report_conform_verdicts[v].name, "%.0f", g->counts[v]);
      report_html_row_end (out);
    }
  report_html_table_end (out);
  const ReportConformGroup *last = run->groups->pdata[run->groups->len - 1];
  gboolean none = strcmp (last->name, NO_GROUP) == 0;
  report_html_p (out, "A group is the prefix of a requirement id before '-' (QR for QR-4). A test "
                 "counts once in every group its requirements name (a test naming CARD-8 and "
                 "QR-4 counts in CARD and in QR), so the groups add up to more tests than the "
                 "run has%s.", none ? "; tests naming no requirement (such as a waiver that no "
                 "longer applies) count in " NO_GROUP : "");
}

static gboolean
failures_table (ReportCtx *ctx, GString *out, gint64 run_id, double failed, GError **error)
{
  if (failed <= 0)
    return TRUE;
  sqlite3_stmt *st = report_reader_prepare (ctx, "SELECT pos, name, requirements, reason, expected,"
                                        " got FROM conformance_test WHERE run_id = ? AND"
                                        " verdict = 'fail' ORDER BY pos LIMIT "
                                        G_STRINGIFY (MAX_FAILURES), error);
  if (st == NULL)
    return FALSE;
  sqlite3_bind_int64 (st, 1, run_id);
  g_autofree char *id = g_strdup_printf ("failures-%" G_GINT64_FORMAT, run_id);
  g_autofree char *caption = g_strdup_printf ("Run %" G_GINT64_FORMAT ": failed tests", run_id);
  report_html_table_begin (out, id, caption, "test", "Test", "requirements", "Requirements",
                           "reason", "Reason", "expected", "Expected", "got", "Got", NULL);
  gboolean row = FALSE, ok;
  while ((ok = report_reader_step (ctx, st, &row, error)) && row)
    {
      g_autofree char *key = g_strdup_printf ("%" G_GINT64_FORMAT,
                                              (gint64) sqlite3_column_int64 (st, 0));
      report_html_row_begin (out, key);
      report_conform_cell_wrap (out, "test", report_reader_text (st, 1));
      g_auto (GStrv) reqs = g_strsplit (report_reader_text (st, 2), ",", -1);
      g_autofree char *joined = g_strjoinv (", ", reqs);
      report_html_cell (out, "requirements", joined);
      static const char *const cols[] = { "reason", "expected", "got" };
      for (int c = 0; c < 3; c++)
        {
          g_autofree char *text = shorten (report_reader_text (st, 3 + c));
          report_conform_cell_wrap (out, cols[c], text);
        }
      report_html_row_end (out);
    }
  sqlite3_finalize (st);
  report_html_table_end (out);
  if (failed > MAX_FAILURES)
    report_html_p (out, "%.0f tests failed; the first %d in run order are listed. Texts longer "
                   "than %d characters are cut (\u2026); the database holds them whole.",
                   failed, MAX_FAILURES, MAX_TEXT);
  else
    report_html_p (out, "%.0f test%s failed, all listed. Texts longer than %d characters are "
                   "cut (\u2026); the database holds them whole.", failed,
                   failed == 1 ? "" : "s", MAX_TEXT);
  return ok;
}

static void
coverage_table (GString *out, gint64 run_id, const GPtrArray *reqs)
{
  g_autofree char *id = g_strdup_printf ("coverage-%" G_GINT64_FORMAT, run_id);
  g_autofree char *caption = g_strdup_printf ("Run %" G_GINT64_FORMAT ": the %u requirements "
                                              "its tests name", run_id, reqs->len);
  /* Closed: the summary names the requirements with a failure. */
  guint failing = 0;
  g_autoptr (GString) names = g_string_new (NULL);
  for (guint i = 0; i < reqs->len; i++)
    {
      const Requirement *r = reqs->pdata[i];
      if (r->counts[FAIL] + r->counts[NOT_IMPLEMENTED] > 0 && failing++ < MAX_NAMED)
        g_string_append_printf (names, "%s%s", failing > 1 ? ", " : ": ", r->id);
    }
  if (failing > MAX_NAMED)
    g_string_append (names, ", \u2026");
  g_string_append_printf (out, "<details><summary>Requirement coverage of run %" G_GINT64_FORMAT
                          ": %u requirement%s named, %u with a failed or not implemented "
                          "test", run_id, reqs->len, reqs->len == 1 ? "" : "s", failing);
  report_html_escape (out, names->str);
  g_string_append (out, "</summary>\n");
  report_html_table_begin (out, id, caption, "requirement", "Requirement", "#tests", "Tests",
                           "#passed", "Passed", "verdict", "Verdict", NULL);
  for (guint i = 0; i < reqs->len; i++)
    {
      const Requirement *r = reqs->pdata[i];
      const char *verdict, *cls = "";
      if (r->counts[FAIL] + r->counts[NOT_IMPLEMENTED] > 0)
        verdict = "some failed", cls = "bad";
      else if (r->counts[PASS] == r->tests)
        verdict = "all passed", cls = "good";
      else if (r->counts[SKIP] == r->tests)
        verdict = "skipped only";
      else if (r->counts[WAIVED] > 0)
        verdict = "some waived";
      else
        verdict = "passed, some skipped";
      report_html_row_begin (out, r->id);
      report_html_cell (out, "requirement", r->id);
      report_html_num (out, "tests", "%.0f", r->tests);
      report_html_num (out, "passed", "%.0f", r->counts[PASS]);
      cell_class (out, "verdict", cls, verdict);
      report_html_row_end (out);
    }
  report_html_table_end (out);
  report_html_p (out, "A test counts once for every requirement it names. Verdict: all passed "
                 "(every test naming it passed), some failed (at least one failed or was not "
                 "implemented), skipped only (every test naming it was outside the profile), "
                 "some waived (no failure, at least one waived), passed, some skipped (the "
                 "others passed).");
  g_string_append (out, "</details>\n");
}

static gboolean
latency_table (ReportCtx *ctx, GString *out, gint64 run_id, GError **error)
{
  sqlite3_stmt *st = report_reader_prepare (ctx, "SELECT op, count, p50_us, p99_us, max_us FROM "
                                        "conformance_latency WHERE run_id = ? ORDER BY op",
                                        error);
  if (st == NULL)
    return FALSE;
  sqlite3_bind_int64 (st, 1, run_id);
  g_autoptr (GString) rows = g_string_new (NULL);
  guint n = 0;
  gboolean row = FALSE, ok;
  while ((ok = report_reader_step (ctx, st, &row, error)) && row)
    {
      report_html_row_begin (rows, report_reader_text (st, 0));
      report_html_cell (rows, "op", report_reader_text (st, 0));
      report_html_num (rows, "count", "%.0f", report_reader_double (st, 1));
      static const char *const cols[] = { "p50_ms", "p99_ms", "max_ms" };
      for (int c = 0; c < 3; c++)
        report_html_num (rows, cols[c], "%.3f", report_reader_double (st, 2 + c) / 1000.0);
      report_html_row_end (rows);
      n++;
    }
  sqlite3_finalize (st);
  if (!ok)
    return FALSE;
  if (n == 0)
    {
      report_html_p (out, "Run %" G_GINT64_FORMAT " has no latency rows.", run_id);
      return TRUE;
    }
  g_autofree char *id = g_strdup_printf ("iut-latency-%" G_GINT64_FORMAT, run_id);
  g_autofree char *caption = g_strdup_printf ("Run %" G_GINT64_FORMAT ": the IUT's response "
                                              "times per adapter operation (milliseconds)",
                                              run_id);
  report_html_table_begin (out, id, caption, "op", "Operation", "#count", "Requests",
                           "#p50_ms", "p50 (ms)", "#p99_ms", "p99 (ms)", "#max_ms", "Max (ms)",
                           NULL);
  g_string_append (out, rows->str);
  report_html_table_end (out);
  report_html_p (out, "Measured by the runner from sending a request to reading its answer, "
                 "over the adapter's pipe: the time of the implementation under test and of "
                 "the pipe, not of a deployed platform.");
  return TRUE;
}

/* The block of one run: heading, links to its figures, its tables. */
static gboolean
run_block (ReportCtx *ctx, GString *out, ReportConformRun *run, gboolean figures,
           GError **error)
{
  g_autoptr (GPtrArray) reqs = NULL;
  double failed = 0;
  if (!tally (ctx, run, &reqs, &failed, error))
    return FALSE;
  gboolean drawn[2] = { FALSE, FALSE };
  if (figures && !report_conform_plots (ctx, run, drawn, error))
    return FALSE;
  gboolean good = strcmp (run->verdict, "conformant") == 0;
  g_string_append_printf (out, "<h3 id=\"conformance-run-%" G_GINT64_FORMAT "\">Run %"
                          G_GINT64_FORMAT ": ", run->id, run->id);
  report_html_escape (out, run->iut);
  g_string_append (out, " as ");
  report_html_escape (out, run->role);
  g_string_append_printf (out, ", <span class=\"%s\">", good ? "good" : "bad");
  report_html_escape (out, run->verdict);
  g_string_append (out, "</span></h3>\n");
  if (drawn[0] || drawn[1])
    {
      g_string_append (out, "<p>Figures (below):");
      if (drawn[0])
        g_string_append_printf (out, " <a href=\"#fig-conformance-groups-%" G_GINT64_FORMAT
                                "\">verdicts by group</a>", run->id);
      if (drawn[1])
        g_string_append_printf (out, "%s <a href=\"#fig-conformance-latency-%" G_GINT64_FORMAT
                                "\">IUT latency</a>", drawn[0] ? "," : "", run->id);
      g_string_append (out, ".</p>\n");
    }
  if (run->groups->len == 0)
    report_html_p (out, "The database holds no tests of run %" G_GINT64_FORMAT ".", run->id);
  else
    groups_table (out, run);
  if (!failures_table (ctx, out, run->id, failed, error))
    return FALSE;
  if (reqs->len > 0)
    coverage_table (out, run->id, reqs);
  return latency_table (ctx, out, run->id, error)
         && report_conform_certificate (ctx, out, run->id, error);
}

gboolean
report_conform (ReportCtx *ctx, GError **error)
{
  GString *out = report_section (ctx, "conformance", "Conformance runs");
  g_autoptr (GString) table = g_string_new (NULL);
  g_autoptr (GPtrArray) runs = read_runs (ctx, table, error);
  if (runs == NULL)
    return FALSE;
  report_html_p (out, "The database holds %u conformance run%s (essc conform --db), listed "
                 "newest first; each has a block of its own below.", runs->len,
                 runs->len == 1 ? "" : "s");
  g_string_append (out, table->str);
  if (runs->len > REPORT_CONFORM_FIGURE_RUNS)
    report_html_p (out, "Figures are drawn for the newest %d runs only; the tables cover all "
                   "%u.", REPORT_CONFORM_FIGURE_RUNS, runs->len);
  for (guint i = 0; i < runs->len; i++)
    if (!run_block (ctx, out, runs->pdata[i], i < REPORT_CONFORM_FIGURE_RUNS, error))
      return FALSE;
  return TRUE;
}
