/* SPDX-License-Identifier: MIT */
/*
 * Golden files of what essc prints (STYLE.md point 8; tests/golden/README.md
 * lists them): the demo, the summary of `essc sim` on the small test
 * scenarios with and without the latency model and with a posterior run on
 * with --end, what `essc scenario check` says of each broken scenario of
 * tests/data/broken/, the TAP of reference
 * (and one faulty) conformance runs of every role, and the tables of the
 * report of a run database and of a conformance database.  Each output is
 * normalised (paths, the version, timings: the file's header says which)
 * and compared byte for byte with its file; ESSC_GOLDEN_UPDATE=1 (`make
 * golden`) writes the files instead.  Runs $ESSC_BIN from $ESSC_SRCDIR.
 */
#include "tests/lib/golden.h"
#include "tests/lib/run.h"
#include "tests/lib/testutil.h"

#include <string.h>

/* The report is written without gnuplot, so its tables never depend on it. */
#define NO_GNUPLOT "/nonexistent/gnuplot"

/* essc's version, as in ./VERSION. */
static char *
version (void)
{
  g_autofree char *path = essc_test_src_path ("VERSION", NULL);
  g_autofree char *text = NULL;
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  return g_strdup (g_strstrip (text));
}

/* Replaces what varies with the machine or the release: $ESSC_BIN, the
 * temporary folder tmp (may be NULL), $ESSC_SRCDIR, the version. */
static char *
normalise (const char *text, const char *tmp)
{
  g_autofree char *v = version ();
  g_autofree char *v_escaped = g_regex_escape_string (v, -1);
  g_autofree char *v_re = g_strdup_printf ("\\b%s\\b", v_escaped);
  g_autofree char *a = essc_golden_replace (text, essc_test_bin (), "@ESSC_BIN@");
  g_autofree char *b = essc_golden_replace (a, tmp, "@TMP@");
  g_autofree char *c = essc_golden_replace (b, essc_test_srcdir (), "@SRCDIR@");
  return essc_golden_mask (c, v_re, "@VERSION@");
}

/* The header of a golden file: what it holds, what is masked. */
static void
header (GString *out, const char *name, const char *what, const char *masked)
{
  g_string_append_printf (out, "# tests/golden/%s: %s\n", name, what);
  g_string_append (out, "# Normalised: $ESSC_BIN reads @ESSC_BIN@, $ESSC_SRCDIR @SRCDIR@, the "
                        "temporary folder @TMP@, the essc version @VERSION@.\n");
  g_string_append_printf (out, "# Masked: %s.\n", masked != NULL ? masked : "nothing");
  g_string_append (out, "# Written by tests/cli/test_golden.c: `make golden` rewrites it.\n");
}

/* Runs essc with args in $ESSC_SRCDIR/dir; appends "$ essc ARGS", the exit
 * status, stdout and stderr (when not empty) to out. */
static int
transcript (GString *out, const char *dir, const char *const *args, const char *tmp)
{
  g_autoptr (GSubprocessLauncher) l = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autoptr (GString) shown = g_string_new ("essc");
  g_autofree char *cwd = essc_test_src_path (dir, NULL);
  g_ptr_array_add (argv, (gpointer) essc_test_bin ());
  for (int i = 0; args[i] != NULL; i++)
    {
      /* Shown, not run: an argument with blanks in double quotes. */
      gboolean quote = strchr (args[i], ' ') != NULL;
      g_ptr_array_add (argv, (gpointer) args[i]);
      g_string_append_printf (shown, quote ? " \"%s\"" : " %s", args[i]);
    }
  g_ptr_array_add (argv, NULL);
  g_subprocess_launcher_set_cwd (l, cwd);
  EsscTestRun r = essc_test_run_argv (l, (const char *const *) argv->pdata, NULL, 0);
  g_autofree char *o = normalise (r.out, tmp);
  g_autofree char *e = normalise (r.err, tmp);
  g_autofree char *cmd = normalise (shown->str, tmp);
  g_string_append_printf (out, "\n$ %s%s%s%s\n[exit status %d]\n%s", strcmp (dir, ".") ? "cd " : "",
                          strcmp (dir, ".") ? dir : "", strcmp (dir, ".") ? " && " : "", cmd,
                          r.status, o);
  if (*e != '\0')
    g_string_append_printf (out, "[stderr]\n%s", e);
  int status = r.status;
  essc_test_run_clear (&r);
  return status;
}

/* ---- essc demo ------------------------------------------------------------ */

/* The demo's output is its golden file as it is (nothing varies); another
 * seed gives other keys and the same verdicts. */
static void
test_demo (void)
{
  EsscTestRun r = essc_test_run_essc ("demo");
  g_assert_cmpstr (r.err, ==, "");
  g_assert_cmpint (r.status, ==, 0);
  essc_golden_check ("demo.exp", r.out);

  EsscTestRun r2 = essc_test_run_essc ("demo", "--seed", "2");
  g_assert_cmpint (r2.status, ==, 0);
  g_assert_cmpstr (r2.out, !=, r.out);
  g_assert_nonnull (strstr (r2.out, ", 0 not;"));
  essc_test_run_clear (&r);
  essc_test_run_clear (&r2);
}

/* ---- essc sim ------------------------------------------------------------- */

typedef struct {
  const char *path;       /* GTest path */
  const char *file;       /* golden file */
  const char *what;
  const char *args[16];
} Case;

static const Case SIM_CASES[] = {
  { "/golden/sim/busy", "sim-busy.exp",
    "essc sim's summary of the busy test scenario (no [latency] group), fixed seed",
    { "sim", "tests/data/small/busy.ini", "--replications", "2", "--seed", "11", "--jobs",
      "1", "--no-db", "--quiet", NULL } },
  { "/golden/sim/latency", "sim-latency.exp",
    "essc sim's summary of the latency test scenario with its latency model, fixed seed",
    { "sim", "tests/data/small/latency.ini", "--replications", "2", "--seed", "13",
      "--jobs", "1", "--no-db", "--quiet", NULL } },
  { "/golden/sim/plan", "sim-plan.exp",
    "essc sim's summary of the latency test scenario with the capacity plan "
    "(--plan-capacity: servers, what a server is, peak and per-server requests per second), "
    "fixed seed",
    { "sim", "tests/data/small/latency.ini", "--replications", "2", "--seed", "13",
      "--jobs", "1", "--no-db", "--plan-capacity", "--quiet", NULL } },
  { "/golden/sim/latency-off", "sim-no-latency.exp",
    "essc sim's summary of the latency test scenario with --no-latency, fixed seed",
    { "sim", "tests/data/small/latency.ini", "--replications", "2", "--seed", "13",
      "--jobs", "1", "--no-db", "--no-latency", "--quiet", NULL } },
  { "/golden/sim/forecast", "sim-forecast.exp",
    "essc sim's summary of the forecast test scenario (a posterior, channel arrivals) run on "
    "past its end with --end, fixed seed",
    { "sim", "tests/data/small/forecast.ini", "--replications", "3", "--seed", "17", "--jobs",
      "1", "--no-db", "--end", "2021-06-30", "--quiet", NULL } },
};

static void
test_sim (gconstpointer data)
{
  const Case *c = data;
  g_autoptr (GString) out = g_string_new (NULL);
  header (out, c->file, c->what, NULL);
  g_assert_cmpint (transcript (out, ".", c->args, NULL), ==, 0);
  essc_golden_check (c->file, out->str);
}

/* ---- essc scenario check ---------------------------------------------------- */

static int
by_name (gconstpointer a, gconstpointer b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

/* Every scenario of tests/data/broken/ (and the valid base they break),
 * in name order: the messages and the exit status. */
static void
test_scenario_broken (void)
{
  g_autofree char *dir = essc_test_src_path ("tests", "data", "broken", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (GDir) d = g_dir_open (dir, 0, &error);
  g_assert_no_error (error);
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;
  while ((name = g_dir_read_name (d)) != NULL)
    if (g_str_has_suffix (name, ".ini"))
      g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, by_name);
  g_assert_cmpuint (names->len, >=, 10);

  g_autoptr (GString) out = g_string_new (NULL);
  header (out, "scenario-broken.exp",
          "essc scenario check on each scenario of tests/data/broken/ (valid.ini is the "
          "valid base the others break)", NULL);
  for (guint i = 0; i < names->len; i++)
    {
      const char *args[] = { "scenario", "check", names->pdata[i], NULL };
      int status = transcript (out, "tests/data/broken", args, NULL);
      g_assert_cmpint (status, ==, strcmp (names->pdata[i], "valid.ini") == 0 ? 0 : 2);
    }
  essc_golden_check ("scenario-broken.exp", out->str);
}

/* ---- essc conform ----------------------------------------------------------- */

/* The latency table's p50, p99 and max (microseconds) vary run to run;
 * the operation and its count do not. */
#define LATENCY_LINE "^(#   [a-z_.]+ +[0-9]+) +[0-9]+ +[0-9]+ +[0-9]+$"
#define LATENCY_MASKED "\\1  @US@ @US@ @US@"
#define CONFORM_MASKED "the p50, p99 and max columns (us) of the latency table as @US@"

typedef struct {
  const char *path, *file, *role, *fault;
  int status;
} ConformCase;

static const ConformCase CONFORM_CASES[] = {
  { "/golden/conform/channel", "conform-channel.exp", "channel", NULL, 0 },
  { "/golden/conform/platform", "conform-platform.exp", "platform", NULL, 0 },
  { "/golden/conform/verifier", "conform-verifier.exp", "verifier", NULL, 0 },
  { "/golden/conform/channel-fault", "conform-channel-fault.exp", "channel",
    "chan-ignore-status", 1 },
};

static char *
impl_command (const char *role, const char *fault)
{
  g_autofree char *bin = essc_test_sh_bin ();
  return g_strdup_printf ("%s impl --role %s%s%s", bin, role, fault ? " --fault " : "",
                          fault ? fault : "");
}

static void
test_conform (gconstpointer data)
{
  const ConformCase *c = data;
  g_autofree char *impl = impl_command (c->role, c->fault);
  g_autofree char *what = g_strdup_printf ("the TAP of essc conform against the reference %s%s%s",
                                           c->role, c->fault ? " with fault " : "",
                                           c->fault ? c->fault : "");
  const char *args[] = { "conform", "--role", c->role, "--impl", impl, NULL };
  g_autoptr (GString) out = g_string_new (NULL);
  header (out, c->file, what, CONFORM_MASKED);
  g_assert_cmpint (transcript (out, ".", args, NULL), ==, c->status);
  g_autofree char *masked = essc_golden_mask (out->str, LATENCY_LINE, LATENCY_MASKED);
  essc_golden_check (c->file, masked);
}

/* ---- essc report ------------------------------------------------------------ */

/* Appends the tables of DIR/index.html. */
static void
append_tables (GString *out, const char *dir, const char *const *masked_cols, const char *tmp)
{
  g_autofree char *index = g_build_filename (dir, "index.html", NULL);
  g_autofree char *html = NULL;
  g_autoptr (GError) error = NULL;
  g_assert_true (g_file_get_contents (index, &html, NULL, &error));
  g_assert_no_error (error);
  g_autofree char *tables = essc_golden_tables_text (html, masked_cols);
  g_autofree char *text = normalise (tables, tmp);
  g_assert_cmpstr (text, !=, "");
  g_string_append_printf (out, "\n--- the tables of index.html\n%s", text);
}

/* Runs essc report on db into TMP/report, appends its tables (cells of
 * masked_cols masked) to out, compares out with file, removes tmp. */
static void
report_golden (GString *out, const char *tmp, const char *db, const char *const *masked_cols,
               const char *file)
{
  g_autofree char *rep = g_build_filename (tmp, "report", NULL);
  const char *report[] = { "report", db, "--out", rep, NULL };
  g_assert_cmpint (transcript (out, ".", report, tmp), ==, 0);
  append_tables (out, rep, masked_cols, tmp);
  essc_golden_check (file, out->str);
  g_autofree char *quoted = g_shell_quote (tmp);
  EsscTestRun r = essc_test_run_sh ("rm -rf %s", quoted);
  essc_test_run_clear (&r);
}

/* The tables of the report of a two-replication run of the latency
 * scenario. */
static void
test_report_run (void)
{
  g_autofree char *tmp = g_dir_make_tmp ("essc-golden-XXXXXX", NULL);
  g_autofree char *db = g_build_filename (tmp, "run.db", NULL);
  const char *sim[] = { "sim", "tests/data/small/latency.ini", "--replications", "2", "--seed",
                        "13", "--jobs", "1", "--db", db, "--quiet", NULL };
  g_autoptr (GString) out = g_string_new (NULL);
  header (out, "report-run.exp",
          "the tables of essc report's page on the run database of the latency test "
          "scenario (written without gnuplot: " NO_GNUPLOT ")", NULL);
  g_assert_cmpint (transcript (out, ".", sim, tmp), ==, 0);
  report_golden (out, tmp, db, NULL, "report-run.exp");
}

/* The tables of the report of a conformance database holding a conformant
 * and a faulty run of the reference channel. */
static void
test_report_conform (void)
{
  static const char *const masked_cols[] = { "started", "p50_ms", "p99_ms", "max_ms", NULL };
  g_autofree char *tmp = g_dir_make_tmp ("essc-golden-XXXXXX", NULL);
  g_autofree char *db = g_build_filename (tmp, "conformance.db", NULL);
  g_autofree char *good = impl_command ("channel", NULL);
  g_autofree char *bad = impl_command ("channel", "chan-ignore-status");
  const char *run1[] = { "conform", "--role", "channel", "--impl", good, "--db", db, NULL };
  const char *run2[] = { "conform", "--role", "channel", "--impl", bad, "--db", db, NULL };
  g_autoptr (GString) out = g_string_new (NULL);
  header (out, "report-conformance.exp",
          "the tables of essc report's page on a conformance database of two runs of the "
          "reference channel, the second with a fault (written without gnuplot)",
          "the cells of the columns started and p50, p99, max (ms) as @MASKED@ (the "
          "conform runs' TAP is left out: conform-*.exp has it)");
  g_autoptr (GString) runs = g_string_new (NULL);
  g_assert_cmpint (transcript (runs, ".", run1, tmp), ==, 0);
  g_assert_cmpint (transcript (runs, ".", run2, tmp), ==, 1);
  g_string_append_printf (out, "\n$ (two essc conform runs of the reference channel into "
                               "@TMP@/conformance.db: exit 0, then 1)\n");
  report_golden (out, tmp, db, masked_cols, "report-conformance.exp");
}

int
main (int argc, char **argv)
{
  essc_test_init (&argc, &argv);
  /* The children's messages in one language and encoding; no gnuplot. */
  g_setenv ("LC_ALL", "C.UTF-8", TRUE);
  g_setenv ("ESSC_GNUPLOT", NO_GNUPLOT, TRUE);

  g_test_add_func ("/golden/demo", test_demo);
  for (gsize i = 0; i < G_N_ELEMENTS (SIM_CASES); i++)
    g_test_add_data_func (SIM_CASES[i].path, &SIM_CASES[i], test_sim);
  g_test_add_func ("/golden/scenario/broken", test_scenario_broken);
  for (gsize i = 0; i < G_N_ELEMENTS (CONFORM_CASES); i++)
    g_test_add_data_func (CONFORM_CASES[i].path, &CONFORM_CASES[i], test_conform);
  g_test_add_func ("/golden/report/run", test_report_run);
  g_test_add_func ("/golden/report/conformance", test_report_conform);
  return g_test_run ();
}
