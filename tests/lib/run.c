/* SPDX-License-Identifier: MIT */
/*
 * Running programs from the tests (see run.h): one GSubprocess with three
 * pipes, its outputs copied into NUL-terminated strings.
 */
#include "tests/lib/run.h"

#include <stdarg.h>

const char *
essc_test_env (const char *var)
{
  const char *value = g_getenv (var);
  if (value == NULL)
    g_error ("%s is not set: run through 'make check'", var);
  return value;
}

const char *
essc_test_bin (void)
{
  return essc_test_env ("ESSC_BIN");
}

const char *
essc_test_srcdir (void)
{
  return essc_test_env ("ESSC_SRCDIR");
}

char *
essc_test_src_path (const char *first, ...)
{
  const char *dir = g_getenv ("ESSC_SRCDIR");
  g_autoptr (GPtrArray) parts = g_ptr_array_new ();
  va_list ap;
  g_ptr_array_add (parts, (gpointer) (dir != NULL ? dir : "."));
  va_start (ap, first);
  for (const char *p = first; p != NULL; p = va_arg (ap, const char *))
    g_ptr_array_add (parts, (gpointer) p);
  va_end (ap);
  g_ptr_array_add (parts, NULL);
  return g_build_filenamev ((char **) parts->pdata);
}

static char *
text_of (GBytes *b)
{
  gsize len = b != NULL ? g_bytes_get_size (b) : 0;
  return g_strndup (len ? g_bytes_get_data (b, NULL) : "", len);
}

EsscTestRun
essc_test_run_argv (GSubprocessLauncher *launcher, const char *const *argv,
                    const char *stdin_text, gsize stdin_len)
{
  g_autoptr (GSubprocessLauncher) own = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) in = g_bytes_new (stdin_text, stdin_text ? stdin_len : 0);
  g_autoptr (GBytes) out = NULL, err = NULL;

  if (launcher == NULL)
    launcher = own = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_subprocess_launcher_set_flags (launcher, G_SUBPROCESS_FLAGS_STDIN_PIPE
                                                 | G_SUBPROCESS_FLAGS_STDOUT_PIPE
                                                 | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr (GSubprocess) proc = g_subprocess_launcher_spawnv (launcher, argv, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate (proc, in, NULL, &out, &err, &error));
  g_assert_no_error (error);
  EsscTestRun r = {
    .status = g_subprocess_get_if_exited (proc) ? g_subprocess_get_exit_status (proc) : -1,
    .out = text_of (out),
    .err = text_of (err),
  };
  return r;
}

EsscTestRun
essc_test_run_essc_v (const char *stdin_text, gsize stdin_len, const char *const *args)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_ptr_array_add (argv, (gpointer) essc_test_bin ());
  for (int i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);
  return essc_test_run_argv (NULL, (const char *const *) argv->pdata, stdin_text, stdin_len);
}

EsscTestRun
essc_test_run_sh (const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  g_autofree char *line = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  const char *argv[] = { "/bin/sh", "-c", line, NULL };
  return essc_test_run_argv (NULL, argv, NULL, 0);
}

char *
essc_test_sh_bin (void)
{
  return g_shell_quote (essc_test_bin ());
}

void
essc_test_run_clear (EsscTestRun *r)
{
  if (r == NULL)
    return;
  g_clear_pointer (&r->out, g_free);
  g_clear_pointer (&r->err, g_free);
}

void
essc_test_put_access (const char *dir)
{
  g_autofree char *src = essc_test_src_path ("scenarios", "data", "access-2018-2020.csv", NULL);
  g_autofree char *data = g_build_filename (dir, "data", NULL);
  g_autofree char *dst = g_build_filename (data, "access-2018-2020.csv", NULL);
  g_autofree char *text = NULL;
  gsize len;
  g_assert_true (g_file_get_contents (src, &text, &len, NULL));
  g_assert_cmpint (g_mkdir_with_parents (data, 0755), ==, 0);
  g_assert_true (g_file_set_contents (dst, text, (gssize) len, NULL));
}
