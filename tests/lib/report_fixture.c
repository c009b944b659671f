/* SPDX-License-Identifier: MIT */
/*
 * The fixture of the report tests (see report_fixture.h).
 */
#include "tests/lib/report_fixture.h"

#include "tests/lib/png_check.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* A PNG whose pixels are more than 99% background is blank. */
#define MIN_INK 0.01

Fixture fx;

static guint n_cmds;                  /* children run, for unique file names */
static gboolean run_ready, conf_ready;  /* the databases and reports are made */
static guint n_problems;

/* ---- problems: listed, then one failure ---------------------------------- */

void
fixture_problem (const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  g_autofree char *msg = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  g_test_message ("PROBLEM: %s", msg);
  g_test_fail_printf ("%s", msg);
  n_problems++;
}

/* ---- children under a deadline ----------------------------------------------- */

void
fixture_run_clear (FixtureRun *r)
{
  g_free (r->out);
  g_free (r->err);
  memset (r, 0, sizeof *r);
}

static void
new_process_group (gpointer data)
{
  (void) data;
  setpgid (0, 0);
}

static char *
read_and_remove (const char *path)
{
  char *text = NULL;
  if (!g_file_get_contents (path, &text, NULL, NULL))
    text = g_strdup ("");
  g_remove (path);
  return text;
}

/*
 * stdout and stderr go to files: a browser's helpers may keep pipes open
 * after it exits.  The child and whatever it starts form a process group,
 * killed at the deadline and once the child has exited (helpers left
 * behind).
 */
void
fixture_run (const char *const *argv, const char *const *env, int timeout_s, FixtureRun *r)
{
  memset (r, 0, sizeof *r);
  g_auto (GStrv) envp = g_environ_unsetenv (g_get_environ (), "ESSC_GNUPLOT");
  for (guint i = 0; env != NULL && env[i] != NULL; i += 2)
    envp = g_environ_setenv (envp, env[i], env[i + 1], TRUE);
  guint n = ++n_cmds;
  g_autofree char *out_path = g_strdup_printf ("%s/cmd-%u.out", fx.dir, n);
  g_autofree char *err_path = g_strdup_printf ("%s/cmd-%u.err", fx.dir, n);
  int in_fd = open ("/dev/null", O_RDONLY | O_CLOEXEC);
  int out_fd = open (out_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  int err_fd = open (err_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  g_assert_true (in_fd >= 0 && out_fd >= 0 && err_fd >= 0);
  GPid pid;
  g_autoptr (GError) e = NULL;
  gboolean started = g_spawn_async_with_fds (NULL, (char **) argv, envp,
                                             G_SPAWN_SEARCH_PATH | G_SPAWN_DO_NOT_REAP_CHILD,
                                             new_process_group, NULL, &pid, in_fd, out_fd,
                                             err_fd, &e);
  close (in_fd);
  close (out_fd);
  close (err_fd);
  if (!started)
    g_error ("cannot start %s: %s", argv[0], e->message);
  const gint64 deadline = g_get_monotonic_time () + (gint64) timeout_s * G_USEC_PER_SEC;
  int status = 0;
  for (;;)
    {
      pid_t w = waitpid (pid, &status, WNOHANG);
      if (w == pid)
        break;
      if (w < 0 && errno != EINTR)
        g_error ("waitpid: %s", g_strerror (errno));
      if (g_get_monotonic_time () > deadline)
        {
          r->timed_out = TRUE;
          kill (-pid, SIGKILL);
          kill (pid, SIGKILL);
          waitpid (pid, &status, 0);
          break;
        }
      g_usleep (20 * 1000);
    }
  kill (-pid, SIGKILL);
  g_spawn_close_pid (pid);
  r->code = WIFEXITED (status) ? WEXITSTATUS (status) : -1;
  r->out = read_and_remove (out_path);
  r->err = read_and_remove (err_path);
}

/* essc ARGS... (NULL-terminated) with env added; 10 minutes at most. */
void
fixture_essc (FixtureRun *r, const char *const *env, ...)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_ptr_array_add (argv, (gpointer) fx.bin);
  va_list ap;
  va_start (ap, env);
  const char *a;
  while ((a = va_arg (ap, const char *)) != NULL)
    g_ptr_array_add (argv, (gpointer) a);
  va_end (ap);
  g_ptr_array_add (argv, NULL);
  fixture_run ((const char *const *) argv->pdata, env, 600, r);
  if (r->timed_out)
    g_error ("essc %s did not finish within 10 minutes (killed)", (const char *) argv->pdata[1]);
}

/* Fails the test when r did not exit 0, showing its stderr. */
static void
assert_ok (const FixtureRun *r, const char *what)
{
  if (r->code != 0)
    g_error ("%s exited %d:\n%s%s", what, r->code, r->out, r->err);
}

/* ---- the databases and their reports -------------------------------------- */

static gboolean
need_bin (void)
{
  if (fx.bin == NULL || fx.src == NULL)
    {
      g_test_skip ("ESSC_BIN or ESSC_SRCDIR is not set (make check sets them)");
      return FALSE;
    }
  if (fx.dir == NULL)
    {
      g_autoptr (GError) e = NULL;
      fx.dir = g_dir_make_tmp ("essc-report-XXXXXX", &e);
      g_assert_no_error (e);
      g_test_message ("temporary directory %s", fx.dir);
    }
  return TRUE;
}

void
fixture_write_file (const char *path, const char *text)
{
  g_autoptr (GError) e = NULL;
  g_file_set_contents (path, text, -1, &e);
  g_assert_no_error (e);
}

/* A copy of tests/data/small/latency.ini in fx.dir whose data files are
 * named by absolute paths, with published holders and channels added and a
 * [calibration] group whose posterior (two free parameters, 40 weighted
 * draws) each replication draws from. */
static char *
write_scenario (void)
{
  g_autofree char *small = g_build_filename (fx.src, "tests", "data", "small", NULL);
  g_autofree char *ini = g_build_filename (small, "latency.ini", NULL);
  g_autofree char *text = NULL;
  g_autoptr (GError) e = NULL;
  g_file_get_contents (ini, &text, NULL, &e);
  g_assert_no_error (e);
  g_autofree char *published = g_build_filename (fx.dir, "published.csv", NULL);
  fixture_write_file (published, "date,quantity,value,note\n"
                      "2019-02-15,ecard_holders,4000000,a test point\n"
                      "2019-05-15,ecard_holders,17000000,\"another, later, test point\"\n"
                      "2019-03-01,channels,4,a channel count\n"
                      "2019-06-01,channels,6,a later channel count\n");
  /* Draws on a grid, weights peaked in its middle: a posterior that is
   * not flat, the same bytes every time. */
  g_autoptr (GString) post = g_string_new ("weight,adoption.innovation,adoption.imitation\n");
  for (int i = 0; i < 40; i++)
    {
      int a = i % 8, b = i / 8;
      int weight = 1 + (a < 4 ? a : 7 - a) * (b < 3 ? b : 4 - b);
      g_string_append_printf (post, "%d,%.4f,%.4f\n", weight, 0.001 + 0.0005 * a,
                              0.005 + 0.004 * b);
    }
  g_autofree char *posterior = g_build_filename (fx.dir, "post.csv", NULL);
  fixture_write_file (posterior, post->str);
  g_autoptr (GRegex) data_file = g_regex_new ("^(\\w+)\\s*=\\s*([\\w.-]+\\.csv)\\s*$", 0, 0, NULL);
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  g_autoptr (GString) s = g_string_new (NULL);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autoptr (GMatchInfo) m = NULL;
      if (g_regex_match (data_file, lines[i], 0, &m))
        {
          g_autofree char *key = g_match_info_fetch (m, 1);
          g_autofree char *file = g_match_info_fetch (m, 2);
          g_string_append_printf (s, "%s = %s/%s\n", key, small, file);
        }
      else
        g_string_append_printf (s, "%s\n", lines[i]);
      if (strcmp (lines[i], "[targets]") == 0)
        g_string_append_printf (s, "published = %s\n", published);
    }
  g_string_append (s, "\n[calibration]\nfree.adoption.innovation = 0.0005..0.01\n"
                      "free.adoption.imitation = 0.001..0.1 log\nposterior = post.csv\n");
  char *path = g_build_filename (fx.dir, "latency.ini", NULL);
  fixture_write_file (path, s->str);
  return path;
}

gboolean
fixture_need_run (void)
{
  if (!need_bin ())
    return FALSE;
  if (run_ready)
    return TRUE;
  g_autofree char *scenario = write_scenario ();
  fx.run_db = g_build_filename (fx.dir, "run.db", NULL);
  fx.rep = g_build_filename (fx.dir, "rep", NULL);
  FixtureRun r;
  fixture_essc (&r, NULL, "sim", scenario, "--db", fx.run_db, "--replications", "3",
                "--plan-capacity", NULL);
  assert_ok (&r, "essc sim");
  fixture_run_clear (&r);
  fixture_essc (&r, NULL, "report", fx.run_db, "--out", fx.rep, NULL);
  g_test_message ("essc report %s:\n%s%s", fx.run_db, r.out, r.err);
  assert_ok (&r, "essc report (run database)");
  fixture_run_clear (&r);
  run_ready = TRUE;
  return TRUE;
}

gboolean
fixture_need_conf (void)
{
  if (!need_bin ())
    return FALSE;
  if (conf_ready)
    return TRUE;
  fx.conf_db = g_build_filename (fx.dir, "conf.db", NULL);
  fx.crep = g_build_filename (fx.dir, "crep", NULL);
  g_autofree char *key = g_build_filename (fx.dir, "signer", NULL);
  g_autofree char *secret = g_strdup_printf ("%s.key", key);
  g_autofree char *cert = g_build_filename (fx.dir, "channel.cert", NULL);
  g_autofree char *qbin = g_shell_quote (fx.bin);
  g_autofree char *impl = g_strdup_printf ("%s impl --role channel", qbin);
  FixtureRun r;
  fixture_essc (&r, NULL, "keygen", "--out", key, NULL);
  assert_ok (&r, "essc keygen");
  fixture_run_clear (&r);
  fixture_essc (&r, NULL, "conform", "--role", "channel", "--impl", impl, "--db", fx.conf_db,
                "--sign", secret, "--report", cert, NULL);
  assert_ok (&r, "essc conform");
  fixture_run_clear (&r);
  fixture_essc (&r, NULL, "report", fx.conf_db, "--out", fx.crep, NULL);
  g_test_message ("essc report %s:\n%s%s", fx.conf_db, r.out, r.err);
  assert_ok (&r, "essc report (conformance database)");
  fixture_run_clear (&r);
  conf_ready = TRUE;
  return TRUE;
}

sqlite3 *
fixture_db_open (const char *path)
{
  sqlite3 *db = NULL;
  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  return db;
}

sqlite3_stmt *
fixture_db_prepare (sqlite3 *db, const char *sql)
{
  sqlite3_stmt *st = NULL;
  if (sqlite3_prepare_v2 (db, sql, -1, &st, NULL) != SQLITE_OK)
    g_error ("%s: %s", sql, sqlite3_errmsg (db));
  return st;
}

char *
fixture_db_text (sqlite3 *db, const char *sql)
{
  sqlite3_stmt *st = fixture_db_prepare (db, sql);
  char *v = sqlite3_step (st) == SQLITE_ROW ? g_strdup ((const char *) sqlite3_column_text (st, 0))
                                            : NULL;
  sqlite3_finalize (st);
  g_assert_nonnull (v);
  return v;
}

/* ---- figures ---------------------------------------------------------------- */

typedef struct {
  int depth;
  char *root;
  GString *text;
} Svg;

static void
svg_start (GMarkupParseContext *c, const char *name, const char **an, const char **av,
           gpointer data, GError **e)
{
  Svg *s = data;
  if (s->depth++ == 0)
    s->root = g_strdup (name);
}

static void
svg_end (GMarkupParseContext *c, const char *name, gpointer data, GError **e)
{
  ((Svg *) data)->depth--;
}

static void
svg_text (GMarkupParseContext *c, const char *text, gsize len, gpointer data, GError **e)
{
  g_string_append_len (((Svg *) data)->text, text, (gssize) len);
}

/* path: well-formed XML, root <svg>, each of stamp in its text. */
static void
check_svg (const char *path, const char *const *stamp)
{
  static const GMarkupParser parser = { svg_start, svg_end, svg_text, NULL, NULL };
  g_autofree char *xml = NULL;
  gsize len = 0;
  g_autoptr (GError) e = NULL;
  if (!g_file_get_contents (path, &xml, &len, &e))
    {
      fixture_problem ("%s", e->message);
      return;
    }
  Svg s = { 0, NULL, g_string_new (NULL) };
  GMarkupParseContext *ctx = g_markup_parse_context_new (&parser,
                                                         G_MARKUP_PREFIX_ERROR_POSITION, &s,
                                                         NULL);
  if (!g_markup_parse_context_parse (ctx, xml, (gssize) len, &e)
      || !g_markup_parse_context_end_parse (ctx, &e))
    fixture_problem ("%s: not well-formed XML: %s", path, e->message);
  else if (g_strcmp0 (s.root, "svg") != 0)
    fixture_problem ("%s: root element <%s>, expected <svg>", path, s.root ? s.root : "");
  else
    for (guint i = 0; stamp[i] != NULL; i++)
      if (strstr (s.text->str, stamp[i]) == NULL)
        fixture_problem ("%s: the stamp's \"%s\" is not in its text", path, stamp[i]);
  g_markup_parse_context_free (ctx);
  g_free (s.root);
  g_string_free (s.text, TRUE);
}

/* path: a valid PNG, not blank.  Returns its size in *w, *h (0 if invalid). */
void
fixture_check_png (const char *path, guint32 *w, guint32 *h)
{
  g_autoptr (GError) e = NULL;
  g_autoptr (PngImage) img = png_check_read_file (path, &e);
  if (w != NULL)
    *w = *h = 0;
  if (img == NULL)
    {
      fixture_problem ("%s", e->message);
      return;
    }
  const double ink = png_check_ink (img);
  g_test_message ("%s: %ux%u, %.1f%% not background", path, img->width, img->height, 100 * ink);
  if (ink <= MIN_INK)
    fixture_problem ("%s: blank (%.2f%% of the pixels differ from the background)", path,
                     100 * ink);
  if (w != NULL)
    {
      *w = img->width;
      *h = img->height;
    }
}

gboolean
fixture_non_empty (const char *path)
{
  GStatBuf st;
  if (g_stat (path, &st) != 0)
    fixture_problem ("%s: missing", path);
  else if (st.st_size == 0)
    fixture_problem ("%s: empty", path);
  else
    return TRUE;
  return FALSE;
}

void
fixture_check_figures (const char *dir, const char *const *names, const char *const *stamp)
{
  for (guint i = 0; names[i] != NULL; i++)
    {
      g_autofree char *svg = g_strdup_printf ("%s/%s.svg", dir, names[i]);
      g_autofree char *png = g_strdup_printf ("%s/%s.png", dir, names[i]);
      if (fixture_non_empty (svg))
        check_svg (svg, stamp);
      if (fixture_non_empty (png))
        fixture_check_png (png, NULL, NULL);
    }
  g_autofree char *index = g_build_filename (dir, "index.html", NULL);
  fixture_non_empty (index);
}

/* The number of files in dir ending in suffix. */
guint
fixture_count_files (const char *dir, const char *suffix)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  guint n = 0;
  const char *name;
  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    n += g_str_has_suffix (name, suffix);
  return n;
}

void
fixture_init (void)
{
  fx.bin = g_getenv ("ESSC_BIN");
  fx.src = g_getenv ("ESSC_SRCDIR");
}

int
fixture_finish (int rc)
{
  if (fx.dir == NULL)
    return rc;
  if (rc == 0 && n_problems == 0)
    {
      const char *rm[] = { "rm", "-rf", fx.dir, NULL };
      g_spawn_sync (NULL, (char **) rm, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL,
                    NULL);
    }
  else
    g_printerr ("# kept %s\n", fx.dir);
  return rc;
}
