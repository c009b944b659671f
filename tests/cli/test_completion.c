/* SPDX-License-Identifier: MIT */
/*
 * Tests of essc's bash completion (tools/completion/essc) as bash runs it:
 * the script sourced into `bash --norc`, COMP_WORDS and COMP_CWORD set as
 * bash sets them for a TAB, _essc called, COMPREPLY read back; essc found
 * in PATH at $ESSC_BIN's folder, in a folder of test files.  The function
 * is registered for essc and essc-mpi; a command completes from `essc
 * --help` (`essc co` gives compare and conform, `essc con` conform alone);
 * each command's and subcommand's options are those of its --help (read
 * here on their own, tests/lib/help.h); --fault gives the fault catalogue
 * (conformance/faults.h), only the role's with --role, also as --fault=;
 * --role the conformance roles; --method and --format their values; and
 * the arguments the files each command takes (scenarios, sweeps,
 * databases) and folders.
 */
#include "conformance/faults.h"
#include "tests/lib/help.h"
#include "tests/lib/run.h"
#include "tests/lib/testutil.h"

#include <glib/gstdio.h>
#include <string.h>

static char *files_dir;  /* a.ini b.db c.sweep d.txt k.pub k.key sub/ */

/* Runs script in bash with the completion sourced, essc in PATH and the
 * test files' folder as its working directory. */
static EsscTestRun
bash (const char *script)
{
  g_autofree char *completion = essc_test_src_path ("tools", "completion", "essc", NULL);
  g_autofree char *q_completion = g_shell_quote (completion);
  g_autofree char *line = g_strdup_printf ("source %s || exit 9\n%s", q_completion, script);
  g_autofree char *bindir = g_path_get_dirname (essc_test_bin ());
  g_autofree char *path = g_strconcat (bindir, ":", g_getenv ("PATH"), NULL);
  g_autoptr (GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_subprocess_launcher_setenv (launcher, "PATH", path, TRUE);
  g_subprocess_launcher_set_cwd (launcher, files_dir);
  const char *argv[] = { "bash", "--norc", "--noprofile", "-c", line, NULL };
  return essc_test_run_argv (launcher, argv, NULL, 0);
}

/* What _essc gives for the words (the last one the word being completed),
 * in its order.  Returns: (transfer full). */
static GPtrArray *
complete (const char *const *words)
{
  GString *script = g_string_new ("COMP_WORDS=(");
  guint n = 0;
  for (; words[n] != NULL; n++)
    {
      g_autofree char *q = g_shell_quote (words[n]);
      g_string_append_printf (script, "%s%s", n ? " " : "", q);
    }
  g_string_append_printf (script, ")\nCOMP_CWORD=%u\n_essc || exit 8\n"
                                  "printf '%%s\\n' \"${COMPREPLY[@]}\"\n", n - 1);
  g_autofree char *text = g_string_free (script, FALSE);
  EsscTestRun r = bash (text);
  if (r.status != 0 || r.err[0] != '\0')
    g_error ("completion of '%s': exit %d\n%s", g_strjoinv ("' '", (char **) words), r.status,
             r.err);
  GPtrArray *out = g_ptr_array_new_with_free_func (g_free);
  g_auto (GStrv) lines = g_strsplit (r.out, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    if (lines[i][0] != '\0')
      g_ptr_array_add (out, g_strdup (lines[i]));
  essc_test_run_clear (&r);
  return out;
}

#define COMPLETE(...) complete ((const char *const[]) { __VA_ARGS__, NULL })

static int
by_text (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

/* Joins names, sorted, with spaces (transfer full). */
static char *
joined (GPtrArray *names)
{
  g_autoptr (GPtrArray) copy = g_ptr_array_new ();
  for (guint i = 0; i < names->len; i++)
    g_ptr_array_add (copy, names->pdata[i]);
  g_ptr_array_sort (copy, by_text);
  g_ptr_array_add (copy, NULL);
  return g_strjoinv (" ", (char **) copy->pdata);
}

/* Asserts that got (consumed) is the set expected. */
static void
assert_set (GPtrArray *got, GPtrArray *expected, const char *what)
{
  g_autoptr (GPtrArray) owned = got;
  g_autofree char *a = joined (got), *b = joined (expected);
  if (strcmp (a, b) != 0)
    g_error ("%s: completion gave\n  %s\nexpected\n  %s", what, a, b);
}

/* Asserts that got (consumed) is the words of expected (space-separated). */
static void
assert_words (GPtrArray *got, const char *expected, const char *what)
{
  g_autoptr (GPtrArray) want = g_ptr_array_new_with_free_func (g_free);
  g_auto (GStrv) words = g_strsplit (expected, " ", -1);
  for (guint i = 0; words[i] != NULL; i++)
    if (words[i][0] != '\0')
      g_ptr_array_add (want, g_strdup (words[i]));
  assert_set (got, want, what);
}

static void
test_completion_registered (void)
{
  EsscTestRun r = bash ("complete -p essc; complete -p essc-mpi");
  g_assert_cmpint (r.status, ==, 0);
  g_assert_cmpstr (r.out, ==, "complete -F _essc essc\ncomplete -F _essc essc-mpi\n");
  essc_test_run_clear (&r);
}

static void
test_completion_commands (void)
{
  g_autoptr (GPtrArray) commands = essc_test_help_commands ();
  assert_set (COMPLETE ("essc", ""), commands, "essc <TAB>");
  g_assert_true (essc_test_names_have (commands, "compare"));
  g_assert_true (essc_test_names_have (commands, "conform"));
  g_autoptr (GPtrArray) co = g_ptr_array_new ();
  g_autoptr (GPtrArray) con = g_ptr_array_new ();
  for (guint i = 0; i < commands->len; i++)
    {
      if (g_str_has_prefix (commands->pdata[i], "co"))
        g_ptr_array_add (co, commands->pdata[i]);
      if (g_str_has_prefix (commands->pdata[i], "con"))
        g_ptr_array_add (con, commands->pdata[i]);
    }
  assert_words (COMPLETE ("essc", "co"), "compare conform", "essc co<TAB>");
  assert_set (COMPLETE ("essc", "co"), co, "essc co<TAB>");
  assert_set (COMPLETE ("essc", "con"), con, "essc con<TAB>");
  assert_words (COMPLETE ("essc", "con"), "conform", "essc con<TAB>");
  g_autoptr (GPtrArray) top = essc_test_help_options (NULL, TRUE);
  assert_set (COMPLETE ("essc", "--"), top, "essc --<TAB>");
  g_assert_true (essc_test_names_have (top, "--version"));
}

/* Each command's options, and each subcommand's, are those of its --help. */
static void
test_completion_options (void)
{
  g_autoptr (GPtrArray) commands = essc_test_help_commands ();
  for (guint i = 0; i < commands->len; i++)
    {
      const char *cmd = commands->pdata[i];
      const char *args[] = { cmd, NULL };
      g_autoptr (GPtrArray) options = essc_test_help_options (args, TRUE);
      g_autoptr (GPtrArray) subs = essc_test_help_subcommands (cmd);
      g_autofree char *what = g_strdup_printf ("essc %s --<TAB>", cmd);
      if (options->len > 0)
        assert_set (COMPLETE ("essc", cmd, "--"), options, what);
      if (subs->len > 0)
        {
          g_autofree char *what_subs = g_strdup_printf ("essc %s <TAB>", cmd);
          assert_set (COMPLETE ("essc", cmd, ""), subs, what_subs);
        }
      for (guint s = 0; s < subs->len; s++)
        {
          const char *sub_args[] = { cmd, subs->pdata[s], NULL };
          g_autoptr (GPtrArray) sub_options = essc_test_help_options (sub_args, TRUE);
          g_autofree char *what_sub = g_strdup_printf ("essc %s %s --<TAB>", cmd,
                                                       (const char *) subs->pdata[s]);
          assert_set (COMPLETE ("essc", cmd, subs->pdata[s], "--"), sub_options, what_sub);
        }
    }
  /* the subcommands the help texts name, as a user knows them */
  assert_words (COMPLETE ("essc", "cert", ""), "verify check-report show", "essc cert <TAB>");
  assert_words (COMPLETE ("essc", "id", ""), "check complete", "essc id <TAB>");
  assert_words (COMPLETE ("essc", "scenario", ""), "check", "essc scenario <TAB>");
  assert_words (COMPLETE ("essc", "sim", "--rep"), "--replications", "essc sim --rep<TAB>");
  assert_words (COMPLETE ("essc", "registry", "init", "--p"), "--pub",
                "essc registry init --p<TAB>");
}

static void
test_completion_faults (void)
{
  gsize n = 0;
  const ConfFault *faults = conf_fault_catalogue (&n);
  g_assert_cmpuint (n, >, 10);
  g_autoptr (GPtrArray) all = g_ptr_array_new ();
  g_autoptr (GPtrArray) channel = g_ptr_array_new ();
  g_autoptr (GPtrArray) qr = g_ptr_array_new ();
  for (gsize i = 0; i < n; i++)
    {
      g_ptr_array_add (all, (gpointer) faults[i].name);
      if (conf_fault_applies (&faults[i], CONF_ROLE_CHANNEL))
        g_ptr_array_add (channel, (gpointer) faults[i].name);
      if (g_str_has_prefix (faults[i].name, "qr-"))
        g_ptr_array_add (qr, (gpointer) faults[i].name);
    }
  g_assert_cmpuint (channel->len, <, all->len);
  assert_set (COMPLETE ("essc", "impl", "--fault", ""), all, "essc impl --fault <TAB>");
  assert_set (COMPLETE ("essc", "impl", "-f", ""), all, "essc impl -f <TAB>");
  assert_set (COMPLETE ("essc", "impl", "--role", "channel", "--fault", ""), channel,
              "essc impl --role channel --fault <TAB>");
  assert_set (COMPLETE ("essc", "impl", "--role", "=", "channel", "--fault", "=", ""), channel,
              "essc impl --role=channel --fault=<TAB>");
  assert_set (COMPLETE ("essc", "impl", "--fault", "=", "qr-"), qr, "essc impl --fault=qr-<TAB>");
  assert_set (COMPLETE ("essc", "selftest", "--fault", ""), all, "essc selftest --fault <TAB>");
}

static void
test_completion_values (void)
{
  g_autoptr (GPtrArray) roles = g_ptr_array_new ();
  for (int r = 0; r < CONF_N_ROLES; r++)
    g_ptr_array_add (roles, (gpointer) conf_role_name (r));
  assert_set (COMPLETE ("essc", "conform", "--role", ""), roles, "essc conform --role <TAB>");
  assert_set (COMPLETE ("essc", "impl", "-r", ""), roles, "essc impl -r <TAB>");
  assert_set (COMPLETE ("essc", "fuzz", "--role", "=", ""), roles, "essc fuzz --role=<TAB>");
  assert_set (COMPLETE ("essc", "registry", "apply", "--role", ""), roles,
              "essc registry apply --role <TAB>");
  assert_words (COMPLETE ("essc", "sensitivity", "a.ini", "--method", ""), "morris sobol",
                "essc sensitivity --method <TAB>");
  assert_words (COMPLETE ("essc", "sensitivity", "-m", "s"), "sobol", "essc sensitivity -m s<TAB>");
  assert_words (COMPLETE ("essc", "export", "b.db", "--format", ""), "csv json",
                "essc export --format <TAB>");
  /* an option of a number: nothing to offer */
  assert_words (COMPLETE ("essc", "sim", "a.ini", "--jobs", ""), "", "essc sim --jobs <TAB>");
}

static void
test_completion_files (void)
{
  assert_words (COMPLETE ("essc", "sim", ""), "a.ini sub", "essc sim <TAB>");
  assert_words (COMPLETE ("essc", "sim", "--jobs", "2", ""), "a.ini sub", "essc sim --jobs 2 <TAB>");
  assert_words (COMPLETE ("essc", "calibrate", ""), "a.ini sub", "essc calibrate <TAB>");
  assert_words (COMPLETE ("essc", "backtest", ""), "a.ini sub", "essc backtest <TAB>");
  assert_words (COMPLETE ("essc", "sensitivity", ""), "a.ini sub", "essc sensitivity <TAB>");
  assert_words (COMPLETE ("essc", "scenario", "check", ""), "a.ini sub",
                "essc scenario check <TAB>");
  assert_words (COMPLETE ("essc", "sweep", ""), "a.ini c.sweep sub", "essc sweep <TAB>");
  assert_words (COMPLETE ("essc", "report", ""), "b.db sub", "essc report <TAB>");
  assert_words (COMPLETE ("essc", "compare", "b.db", ""), "b.db sub", "essc compare b.db <TAB>");
  assert_words (COMPLETE ("essc", "export", ""), "b.db sub", "essc export <TAB>");
  assert_words (COMPLETE ("essc", "store", "check", ""), "b.db sub", "essc store check <TAB>");
  assert_words (COMPLETE ("essc", "sim", "a.ini", "--db", ""), "b.db sub", "essc sim --db <TAB>");
  assert_words (COMPLETE ("essc", "conform", "--vectors", ""), "sub", "essc conform --vectors <TAB>");
  assert_words (COMPLETE ("essc", "cert", "verify", "x", "--pub", ""), "k.pub sub",
                "essc cert verify --pub <TAB>");
  assert_words (COMPLETE ("essc", "conform", "--sign", ""), "k.key sub", "essc conform --sign <TAB>");
  assert_words (COMPLETE ("essc", "cert", "show", ""), "a.ini b.db c.sweep d.txt k.key k.pub sub",
                "essc cert show <TAB>");
  assert_words (COMPLETE ("essc", "sim", "sub/"), "sub/e.ini", "essc sim sub/<TAB>");
  /* the id command takes no file */
  assert_words (COMPLETE ("essc", "id", "check", ""), "", "essc id check <TAB>");
}

int
main (int argc, char **argv)
{
  essc_test_init (&argc, &argv);
  files_dir = essc_test_make_tmpdir ("essc-completion-XXXXXX");
  const char *names[] = { "a.ini", "b.db", "c.sweep", "d.txt", "k.pub", "k.key", "sub/e.ini" };
  g_autofree char *sub = g_build_filename (files_dir, "sub", NULL);
  g_assert_cmpint (g_mkdir (sub, 0755), ==, 0);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *path = g_build_filename (files_dir, names[i], NULL);
      g_assert_true (g_file_set_contents (path, "", 0, NULL));
    }
  g_test_add_func ("/cli/completion/registered", test_completion_registered);
  g_test_add_func ("/cli/completion/commands", test_completion_commands);
  g_test_add_func ("/cli/completion/options", test_completion_options);
  g_test_add_func ("/cli/completion/faults", test_completion_faults);
  g_test_add_func ("/cli/completion/values", test_completion_values);
  g_test_add_func ("/cli/completion/files", test_completion_files);
  int status = g_test_run ();
  g_assert_true (essc_test_remove_dir (files_dir));
  g_free (files_dir);
  return status;
}
