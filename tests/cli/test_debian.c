/* SPDX-License-Identifier: MIT */
/*
 * Tests that the Debian packaging (debian/, debian/README.source) keeps up
 * with the project, without building a package (`make deb` does that, in
 * minutes): debian/changelog parses and its version is VERSION's (the build
 * stops otherwise; this says so in make check, before a release), and every
 * library the Makefile compiles against (its pkg-config modules, PKGS) comes
 * from a package that debian/control's Build-Depends names, each of which
 * packages.txt lists too (tools/deps.sh installs what the package build
 * needs).  Runs dpkg-parsechangelog, make, pkg-config and dpkg-query.
 */
#include "tests/lib/run.h"
#include "tests/lib/testutil.h"

#include <gio/gio.h>
#include <string.h>

static char *
read_src (const char *rel)
{
  g_autofree char *path = essc_test_src_path (rel, NULL);
  g_autoptr (GError) error = NULL;
  char *text = NULL;
  g_assert_true (g_file_get_contents (path, &text, NULL, &error));
  g_assert_no_error (error);
  return text;
}

/* Runs argv in the source tree; its stdout, stripped, when it exits 0. */
static char *
run_in_src (const char *const *argv)
{
  g_autoptr (GSubprocessLauncher) l = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_subprocess_launcher_set_cwd (l, essc_test_srcdir ());
  g_subprocess_launcher_unsetenv (l, "MAKEFLAGS");
  g_subprocess_launcher_unsetenv (l, "MFLAGS");
  EsscTestRun r = essc_test_run_argv (l, argv, NULL, 0);
  if (r.status != 0)
    g_test_message ("%s: exit %d: %s", argv[0], r.status, r.err);
  g_assert_cmpint (r.status, ==, 0);
  char *out = g_strdup (g_strstrip (r.out));
  essc_test_run_clear (&r);
  return out;
}

static char *
changelog_field (const char *field)
{
  const char *argv[] = { "dpkg-parsechangelog", "-l", "debian/changelog", "-S", field, NULL };
  return run_in_src (argv);
}

static void
test_changelog_version (void)
{
  g_autofree char *version = read_src ("VERSION");
  g_strstrip (version);
  g_autofree char *source = changelog_field ("Source");
  g_autofree char *cl_version = changelog_field ("Version");
  g_assert_cmpstr (source, ==, "essc");
  /* A native package: the version is the project's, no Debian revision. */
  g_assert_cmpstr (cl_version, ==, version);
}

/*
 * The package names of debian/control's Build-Depends (the source stanza's
 * field, continuation lines included), without versions, architectures or
 * build profiles.
 */
static GPtrArray *
build_depends (void)
{
  g_autofree char *control = read_src ("debian/control");
  g_auto (GStrv) lines = g_strsplit (control, "\n", -1);
  g_autoptr (GString) field = g_string_new (NULL);
  gboolean in = FALSE;
  for (gsize i = 0; lines[i] != NULL && *lines[i] != '\0'; i++)
    {
      if (g_str_has_prefix (lines[i], "Build-Depends:"))
        {
          in = TRUE;
          g_string_append (field, lines[i] + strlen ("Build-Depends:"));
        }
      else if (in && (lines[i][0] == ' ' || lines[i][0] == '\t'))
        g_string_append (field, lines[i]);
      else
        in = FALSE;
    }
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
  g_auto (GStrv) items = g_strsplit (field->str, ",", -1);
  for (gsize i = 0; items[i] != NULL; i++)
    {
      char *item = g_strstrip (items[i]);
      gsize n = strcspn (item, " \t(<[");
      if (n > 0)
        g_ptr_array_add (names, g_strndup (item, n));
    }
  return names;
}

static gboolean
has_name (GPtrArray *names, const char *name)
{
  for (guint i = 0; i < names->len; i++)
    if (strcmp (g_ptr_array_index (names, i), name) == 0)
      return TRUE;
  return FALSE;
}

/* The package names packages.txt lists (one a line; # starts a comment). */
static GPtrArray *
packages_txt (void)
{
  g_autofree char *text = read_src ("packages.txt");
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
  for (gsize i = 0; lines[i] != NULL; i++)
    {
      char *hash = strchr (lines[i], '#');
      if (hash != NULL)
        *hash = '\0';
      char *name = g_strstrip (lines[i]);
      if (*name != '\0')
        g_ptr_array_add (names, g_strdup (name));
    }
  return names;
}

static void
test_build_depends_libraries (void)
{
  g_autoptr (GPtrArray) deps = build_depends ();
  g_assert_true (has_name (deps, "debhelper-compat"));
  g_assert_true (has_name (deps, "pkg-config"));

  /* Each Build-Depends but debhelper-compat (debhelper's) in packages.txt. */
  g_autoptr (GPtrArray) listed = packages_txt ();
  g_assert_true (has_name (listed, "debhelper"));
  for (guint i = 0; i < deps->len; i++)
    {
      const char *d = g_ptr_array_index (deps, i);
      if (strcmp (d, "debhelper-compat") == 0)
        continue;
      if (!has_name (listed, d))
        g_test_message ("debian/control Build-Depends %s, which packages.txt does not list", d);
      g_assert_true (has_name (listed, d));
    }

  /* The Makefile's pkg-config modules, as make itself reads them. */
  const char *make_argv[] = { "make", "-s", "--no-print-directory",
                              "--eval", "essc-print-pkgs: ; @echo $(PKGS)",
                              "essc-print-pkgs", NULL };
  g_autofree char *pkgs = run_in_src (make_argv);
  g_auto (GStrv) modules = g_strsplit_set (pkgs, " \t", -1);
  guint checked = 0;
  for (gsize i = 0; modules[i] != NULL; i++)
    {
      if (*modules[i] == '\0')
        continue;
      const char *pc_argv[] = { "pkg-config", "--path", modules[i], NULL };
      g_autofree char *pc = run_in_src (pc_argv);
      const char *q_argv[] = { "dpkg-query", "-S", pc, NULL };
      g_autofree char *owner = run_in_src (q_argv);   /* "libglib2.0-dev:amd64: PATH" */
      g_autofree char *package = g_strndup (owner, strcspn (owner, ":"));
      if (!has_name (deps, package))
        g_test_message ("the Makefile's pkg-config module %s comes from %s, which "
                        "debian/control's Build-Depends does not name", modules[i], package);
      g_assert_true (has_name (deps, package));
      checked++;
    }
  g_assert_cmpuint (checked, >=, 6);
}

int
main (int argc, char **argv)
{
  essc_test_init (&argc, &argv);
  g_test_add_func ("/debian/changelog-version", test_changelog_version);
  g_test_add_func ("/debian/build-depends-libraries", test_build_depends_libraries);
  return g_test_run ();
}
