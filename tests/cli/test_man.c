/* SPDX-License-Identifier: MIT */
/*
 * Tests of essc's man pages (tools/gen-man.sh, docs/HACKING.md "Man
 * pages"), made here from $ESSC_BIN as `make man` makes them: every command
 * of `essc --help` has its page essc-COMMAND.1, and essc.1 is there, and
 * nothing else; each page renders without a warning under groff -ww and
 * man --warnings -l (Debian's groff-base and man-db), man-db's lexgrog
 * reads its NAME line (what apropos shows), and it has every section, an
 * exit status 0 and 2, in OPTIONS every option of `essc CMD --help` and of
 * its subcommands' --help (read here on their own, tests/lib/help.h), and
 * every line of those texts (white space aside), so a page that drifts from
 * --help, or that roff garbles, fails.  The generator refuses a
 * tools/man-pages.txt without a command's entry, or with an entry of no
 * command, and writes nothing then.
 */
#include "tests/lib/help.h"
#include "tests/lib/run.h"
#include "tests/lib/testutil.h"

#include <string.h>

static const char *const sections[] = { "NAME", "SYNOPSIS", "DESCRIPTION", "OPTIONS",
                                        "EXIT STATUS", "FILES", "EXAMPLES", "SEE ALSO" };

/* Runs tools/gen-man.sh for PREFIX /usr/local into out, with pages (NULL:
 * the shipped tools/man-pages.txt). */
static EsscTestRun
gen_man (const char *out, const char *pages)
{
  g_autofree char *script = essc_test_src_path ("tools", "gen-man.sh", NULL);
  g_autofree char *q_script = g_shell_quote (script);
  g_autofree char *q_bin = essc_test_sh_bin ();
  g_autofree char *q_out = g_shell_quote (out);
  g_autofree char *q_pages = g_shell_quote (pages != NULL ? pages : "");
  return essc_test_run_sh ("sh %s %s %s /usr/local 0.0.0-test 2000-01-01 %s", q_script, q_bin,
                           q_out, pages != NULL ? q_pages : "");
}

/* The text of a page's section, as man renders it: from the heading's line
 * to the next heading (a line starting with a capital). */
static char *
section_of (const char *page, const char *name)
{
  g_autofree char *heading = g_strdup_printf ("\n%s\n", name);
  const char *at = strstr (page, heading);
  if (at == NULL)
    return NULL;
  at += strlen (heading);
  const char *end = at;
  while ((end = strchr (end, '\n')) != NULL && !g_ascii_isupper (end[1]))
    end++;
  return end != NULL ? g_strndup (at, end - at) : g_strdup (at);
}

/* TRUE when text has option as a word of its own: "--db" in "--db=FILE",
 * "--db," or "--db\n", not in "--db-dir". */
static gboolean
has_option (const char *text, const char *option)
{
  gsize len = strlen (option);
  for (const char *at = strstr (text, option); at != NULL; at = strstr (at + 1, option))
    {
      char before = at == text ? ' ' : at[-1];
      char after = at[len];
      if ((before == ' ' || before == '\n') && !g_ascii_isalnum (after) && after != '-')
        return TRUE;
    }
  return FALSE;
}

/* text with each run of white space one space, GLib's ellipsis in ASCII,
 * no space at either end (transfer full). */
static char *
normalized (const char *text)
{
  GString *out = g_string_new (NULL);
  for (const char *p = text; *p != '\0'; p++)
    if (g_ascii_isspace (*p))
      {
        if (out->len > 0 && out->str[out->len - 1] != ' ')
          g_string_append_c (out, ' ');
      }
    else if (g_str_has_prefix (p, "\xe2\x80\xa6"))
      {
        g_string_append (out, "...");
        p += 2;
      }
    else
      g_string_append_c (out, *p);
  if (out->len > 0 && out->str[out->len - 1] == ' ')
    g_string_truncate (out, out->len - 1);
  return g_string_free (out, FALSE);
}

/* A heading of a --help text: "Commands:", "Help Options:". */
static gboolean
is_heading (const char *line)
{
  gsize len = strlen (line);
  if (len < 2 || !g_ascii_isupper (line[0]) || line[len - 1] != ':')
    return FALSE;
  for (gsize i = 0; i + 1 < len; i++)
    if (!g_ascii_isalpha (line[i]) && line[i] != ' ')
      return FALSE;
  return TRUE;
}

/* Each line of `essc ARGS --help` is in the rendered page (white space
 * aside): its synopsis, description, option lines, command list; all but
 * headings and the exit statuses (from "Exit status:" to the end of the
 * paragraph, which EXIT STATUS lists one by one). */
static void
assert_help_text_in (const char *page, const char *file, const char *const *args)
{
  g_autofree char *flat = normalized (page);
  g_auto (GStrv) lines = essc_test_help_lines (args);
  gboolean in_exit = FALSE;
  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *l = lines[i];
      if (strspn (l, " ") == strlen (l))
        {
          in_exit = FALSE;
          continue;
        }
      if (in_exit)
        continue;
      if (g_str_has_prefix (l, "Usage:"))
        l += 6;
      g_autofree char *text = g_strdup (l);
      char *exit_at = strstr (text, "Exit status:");
      if (exit_at != NULL)
        {
          *exit_at = '\0';
          in_exit = TRUE;
        }
      g_autofree char *want = normalized (text);
      if (want[0] == '\0' || is_heading (want))
        continue;
      if (strstr (flat, want) == NULL)
        g_error ("%s: the page lacks this line of essc %s --help:\n  %s", file,
                 args != NULL ? g_strjoinv (" ", (char **) args) : "", want);
    }
}

/* Every option of `essc CMD --help` and of its subcommands' (id and
 * scenario give their own again: no harm). */
static GPtrArray *
options_of (const char *cmd)
{
  const char *args[] = { cmd, NULL };
  GPtrArray *all = essc_test_help_options (cmd != NULL ? args : NULL, FALSE);
  if (cmd == NULL)
    return all;
  g_autoptr (GPtrArray) subs = essc_test_help_subcommands (cmd);
  for (guint s = 0; s < subs->len; s++)
    {
      const char *sub_args[] = { cmd, subs->pdata[s], NULL };
      g_autoptr (GPtrArray) more = essc_test_help_options (sub_args, FALSE);
      for (guint i = 0; i < more->len; i++)
        if (!essc_test_names_have (all, more->pdata[i]))
          g_ptr_array_add (all, g_strdup (more->pdata[i]));
    }
  return all;
}

/* One page, checked as the file header says; cmd NULL for essc.1. */
static void
check_page (const char *dir, const char *cmd)
{
  g_autofree char *name = cmd != NULL ? g_strdup_printf ("essc-%s", cmd) : g_strdup ("essc");
  g_autofree char *file = g_strdup_printf ("%s/%s.1", dir, name);
  g_autofree char *q_file = g_shell_quote (file);
  g_assert_true (g_file_test (file, G_FILE_TEST_IS_REGULAR));

  EsscTestRun r = essc_test_run_sh ("groff -man -Tutf8 -ww -z %s", q_file);
  if (r.status != 0 || r.err[0] != '\0')
    g_error ("groff -man -ww: %s: exit %d\n%s", file, r.status, r.err);
  essc_test_run_clear (&r);

  r = essc_test_run_sh ("lexgrog %s", q_file);
  g_autofree char *whatis = g_strdup_printf ("%s: \"%s - ", file, name);
  if (r.status != 0 || !g_str_has_prefix (r.out, whatis))
    g_error ("lexgrog %s: exit %d, expected \"%s...\"\n%s%s", file, r.status, whatis, r.out,
             r.err);
  essc_test_run_clear (&r);

  r = essc_test_run_sh ("LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l %s", q_file);
  if (r.status != 0 || r.err[0] != '\0')
    g_error ("man --warnings -l %s: exit %d\n%s", file, r.status, r.err);
  for (guint i = 0; i < G_N_ELEMENTS (sections); i++)
    {
      g_autofree char *text = section_of (r.out, sections[i]);
      if (text == NULL || strspn (text, " \n") == strlen (text))
        g_error ("%s: no %s section, or an empty one:\n%s", file, sections[i], r.out);
    }

  g_autofree char *options = section_of (r.out, "OPTIONS");
  g_autoptr (GPtrArray) wanted = options_of (cmd);
  g_assert_cmpuint (wanted->len, >, 0);
  for (guint i = 0; i < wanted->len; i++)
    if (!has_option (options, wanted->pdata[i]))
      g_error ("%s: OPTIONS lacks %s of essc %s --help:\n%s", file,
               (const char *) wanted->pdata[i], cmd != NULL ? cmd : "", options);

  const char *args[] = { cmd, NULL, NULL };
  assert_help_text_in (r.out, file, cmd != NULL ? args : NULL);
  g_autoptr (GPtrArray) subs = cmd != NULL ? essc_test_help_subcommands (cmd) : NULL;
  for (guint s = 0; subs != NULL && s < subs->len; s++)
    {
      args[1] = subs->pdata[s];
      assert_help_text_in (r.out, file, args);
    }

  g_autofree char *statuses = section_of (r.out, "EXIT STATUS");
  const char *codes[] = { "\n       0 ", "\n       2 " };
  g_autofree char *nl_statuses = g_strconcat ("\n", statuses, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (codes); i++)
    if (strstr (nl_statuses, codes[i]) == NULL)
      g_error ("%s: EXIT STATUS lacks status%s:\n%s", file, codes[i] + 7, statuses);
  essc_test_run_clear (&r);
}

static void
test_man_pages (void)
{
  g_autofree char *dir = essc_test_make_tmpdir ("essc-man-XXXXXX");
  g_autofree char *out = g_build_filename (dir, "man", NULL);
  EsscTestRun r = gen_man (out, NULL);
  if (r.status != 0)
    g_error ("gen-man.sh: exit %d\n%s", r.status, r.err);
  essc_test_run_clear (&r);

  /* essc.1 and one page per command, nothing else */
  g_autoptr (GPtrArray) commands = essc_test_help_commands ();
  g_autoptr (GDir) d = g_dir_open (out, 0, NULL);
  g_assert_nonnull (d);
  guint files = 0;
  for (const char *f; (f = g_dir_read_name (d)) != NULL; files++)
    {
      g_autofree char *cmd = g_str_has_prefix (f, "essc-") && g_str_has_suffix (f, ".1")
                                 ? g_strndup (f + 5, strlen (f) - 7)
                                 : NULL;
      if (strcmp (f, "essc.1") != 0 && (cmd == NULL || !essc_test_names_have (commands, cmd)))
        g_error ("%s: a page of no command of essc --help", f);
    }
  g_assert_cmpuint (files, ==, commands->len + 1);

  check_page (out, NULL);
  for (guint i = 0; i < commands->len; i++)
    check_page (out, commands->pdata[i]);

  /* the synopsis of a command with subcommands names each */
  g_autofree char *registry = NULL;
  g_autofree char *registry_path = g_build_filename (out, "essc-registry.1", NULL);
  g_assert_true (g_file_get_contents (registry_path, &registry, NULL, NULL));
  g_assert_nonnull (strstr (registry, "\\fBessc registry publish\\fR"));
  g_assert_nonnull (strstr (registry, ".SS \"Options of every subcommand\""));

  g_assert_true (essc_test_remove_dir (dir));
}

/* tools/man-pages.txt with the [demo] entry left out, or one more entry. */
static void
test_man_entries (void)
{
  g_autofree char *dir = essc_test_make_tmpdir ("essc-man-XXXXXX");
  g_autofree char *out = g_build_filename (dir, "man", NULL);
  g_autofree char *shipped = essc_test_src_path ("tools", "man-pages.txt", NULL);
  g_autofree char *text = NULL;
  g_assert_true (g_file_get_contents (shipped, &text, NULL, NULL));

  const char *at = strstr (text, "\n[demo]\n");
  g_assert_nonnull (at);
  const char *next = strstr (at + 1, "\n[");
  g_assert_nonnull (next);
  g_autofree char *head = g_strndup (text, at - text);
  g_autofree char *without = g_strconcat (head, next, NULL);
  g_autofree char *pages = g_build_filename (dir, "pages.txt", NULL);
  g_assert_true (g_file_set_contents (pages, without, -1, NULL));
  EsscTestRun r = gen_man (out, pages);
  g_assert_cmpint (r.status, ==, 2);
  g_assert_nonnull (strstr (r.err, "no [demo] entry"));
  g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
  essc_test_run_clear (&r);

  g_autofree char *more = g_strconcat (text, "\n[frobnicate]\nfile X\n  x\nexample x\n", NULL);
  g_assert_true (g_file_set_contents (pages, more, -1, NULL));
  r = gen_man (out, pages);
  g_assert_cmpint (r.status, ==, 2);
  g_assert_nonnull (strstr (r.err, "essc has no command 'frobnicate'"));
  g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
  essc_test_run_clear (&r);

  /* an entry without an example */
  g_autofree char *bare = g_strdup (text);
  const char *keygen = strstr (bare, "\n[keygen]\n");
  g_assert_nonnull (keygen);
  const char *found = strstr (keygen, "\nexample ");
  g_assert_nonnull (found);
  gsize off = (gsize) (found - bare);
  bare[off + 1] = '#';  /* "example" becomes "#xample": its only one, now a comment */
  const char *second = strstr (bare + off + 1, "\nexample ");
  const char *cert = strstr (bare + off, "\n[cert]\n");
  g_assert_true (second == NULL || (cert != NULL && second > cert));
  g_assert_true (g_file_set_contents (pages, bare, -1, NULL));
  r = gen_man (out, pages);
  g_assert_cmpint (r.status, ==, 2);
  g_assert_nonnull (strstr (r.err, "[keygen] has no example entry"));
  g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
  essc_test_run_clear (&r);

  g_assert_true (essc_test_remove_dir (dir));
}

int
main (int argc, char **argv)
{
  essc_test_init (&argc, &argv);
  g_test_add_func ("/cli/man/pages", test_man_pages);
  g_test_add_func ("/cli/man/entries", test_man_entries);
  return g_test_run ();
}
