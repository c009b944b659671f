/* SPDX-License-Identifier: MIT */
/*
 * Reading essc's --help texts in the tests (see help.h): one run of
 * $ESSC_BIN per text, its lines matched by hand.
 */
#include "tests/lib/help.h"

#include "tests/lib/run.h"

#include <gio/gio.h>
#include <string.h>

GStrv
essc_test_help_lines (const char *const *args)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_ptr_array_add (argv, (gpointer) essc_test_bin ());
  for (guint i = 0; args != NULL && args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, (gpointer) "--help");
  g_ptr_array_add (argv, NULL);
  g_autoptr (GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_subprocess_launcher_setenv (launcher, "LC_ALL", "C.UTF-8", TRUE);
  g_subprocess_launcher_unsetenv (launcher, "LANGUAGE");
  EsscTestRun r = essc_test_run_argv (launcher, (const char *const *) argv->pdata, NULL, 0);
  if (r.status != 0)
    g_error ("essc %s: exit %d\n%s", g_strjoinv (" ", (char **) argv->pdata), r.status, r.err);
  GStrv lines = g_strsplit (r.out, "\n", -1);
  essc_test_run_clear (&r);
  return lines;
}

/* A name: a lower-case letter, then lower-case letters, digits, '-'. */
static gboolean
is_name (const char *s, gsize len)
{
  if (len == 0 || !g_ascii_islower (s[0]))
    return FALSE;
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_islower (s[i]) && !g_ascii_isdigit (s[i]) && s[i] != '-')
      return FALSE;
  return TRUE;
}

static void
add_once (GPtrArray *names, const char *name, gsize len)
{
  g_autofree char *copy = g_strndup (name, len);
  if (!essc_test_names_have (names, copy))
    g_ptr_array_add (names, g_steal_pointer (&copy));
}

gboolean
essc_test_names_have (const GPtrArray *names, const char *name)
{
  for (guint i = 0; i < names->len; i++)
    if (strcmp (names->pdata[i], name) == 0)
      return TRUE;
  return FALSE;
}

/* The names listed under heading ("  NAME  text" lines), added to names. */
static void
listed_under (GStrv lines, const char *heading, GPtrArray *names)
{
  gboolean on = FALSE;
  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *l = lines[i];
      if (strcmp (l, heading) == 0)
        {
          on = TRUE;
          continue;
        }
      if (on && g_str_has_prefix (l, "  ") && g_ascii_islower (l[2]))
        add_once (names, l + 2, strcspn (l + 2, " "));
      else
        on = FALSE;
    }
}

GPtrArray *
essc_test_help_commands (void)
{
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
  g_auto (GStrv) lines = essc_test_help_lines (NULL);
  listed_under (lines, "Commands:", names);
  g_assert_cmpuint (names->len, >, 0);
  return names;
}

GPtrArray *
essc_test_help_subcommands (const char *cmd)
{
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
  const char *args[] = { cmd, NULL };
  g_auto (GStrv) lines = essc_test_help_lines (args);
  listed_under (lines, "Subcommands:", names);
  g_autofree char *lead = g_strdup_printf ("essc %s ", cmd);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *l = lines[i];
      if (g_str_has_prefix (l, "Usage:"))
        l += 6;
      l += strspn (l, " ");
      if (!g_str_has_prefix (l, lead))
        continue;
      l += strlen (lead);
      if (g_str_has_prefix (l, "[OPTION"))
        l = strchr (l, ' ') != NULL ? strchr (l, ' ') + 1 : "";
      g_auto (GStrv) forms = g_strsplit (l, " | ", -1);
      for (guint f = 0; forms[f] != NULL; f++)
        {
          gsize len = strcspn (forms[f], " ");
          if (is_name (forms[f], len))
            add_once (names, forms[f], len);
        }
    }
  return names;
}

GPtrArray *
essc_test_help_options (const char *const *args, gboolean long_only)
{
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
  g_auto (GStrv) lines = essc_test_help_lines (args);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *l = lines[i];
      gsize indent = strspn (l, " ");
      if (indent < 2 || l[indent] != '-')
        continue;
      /* the option's names and arguments end at two spaces */
      const char *end = strstr (l + indent, "  ");
      g_autofree char *spec = end != NULL ? g_strndup (l + indent, end - (l + indent))
                                          : g_strdup (l + indent);
      g_auto (GStrv) parts = g_strsplit (spec, ", ", -1);
      for (guint p = 0; parts[p] != NULL; p++)
        {
          gsize len = strcspn (parts[p], "=");
          if (parts[p][0] == '-' && (!long_only || g_str_has_prefix (parts[p], "--")))
            add_once (names, parts[p], len);
        }
    }
  return names;
}
