/* SPDX-License-Identifier: MIT */
/*
 * Driving gnuplot through a pipe (see gnuplot.h).
 */
#include "reports/gnuplot.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define FONT_PNG "WenQuanYi Micro Hei,10"
#define FONT_SVG "WenQuanYi Micro Hei,Noto Sans CJK SC,Microsoft YaHei,PingFang SC,sans-serif,11"

struct _ReportPlot {
  char *name, *title, *caption, *section;
  int width, height;
  GPtrArray *block_names;   /* char * */
  GPtrArray *blocks;        /* GString * */
  GString *script;
};

ReportPlot *
report_plot_new (const char *name, const char *title, const char *caption, const char *section,
                 int width, int height)
{
  ReportPlot *p = g_new0 (ReportPlot, 1);
  p->name = g_strdup (name);
  p->title = g_strdup (title);
  p->caption = g_strdup (caption);
  p->section = g_strdup (section);
  p->width = width;
  p->height = height;
  p->block_names = g_ptr_array_new_with_free_func (g_free);
  p->blocks = g_ptr_array_new ();
  p->script = g_string_new (NULL);
  return p;
}

void
report_plot_free (ReportPlot *p)
{
  if (p == NULL)
    return;
  g_free (p->name);
  g_free (p->title);
  g_free (p->caption);
  g_free (p->section);
  g_ptr_array_unref (p->block_names);
  for (guint i = 0; i < p->blocks->len; i++)
    g_string_free (p->blocks->pdata[i], TRUE);
  g_ptr_array_unref (p->blocks);
  g_string_free (p->script, TRUE);
  g_free (p);
}

GString *
report_plot_data (ReportPlot *p, const char *name)
{
  for (guint i = 0; i < p->block_names->len; i++)
    if (strcmp (p->block_names->pdata[i], name) == 0)
      return p->blocks->pdata[i];
  g_ptr_array_add (p->block_names, g_strdup (name));
  GString *b = g_string_new (NULL);
  g_ptr_array_add (p->blocks, b);
  return b;
}

void
report_plot_printf (ReportPlot *p, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  g_string_append_vprintf (p->script, fmt, ap);
  va_end (ap);
}

char *
report_plot_quote (const char *text)
{
  GString *s = g_string_new ("\"");
  for (const char *c = text; *c; c++)
    {
      if (*c == '"' || *c == '\\')
        g_string_append_c (s, '\\');
      else if (strchr ("_^@&{}~", *c) != NULL)
        g_string_append (s, "\\\\");
      if ((guchar) *c < 0x20)
        g_string_append_c (s, ' ');
      else
        g_string_append_c (s, *c);
    }
  g_string_append_c (s, '"');
  return g_string_free (s, FALSE);
}

/* The whole text sent to gnuplot. */
static GString *
program (const ReportCtx *ctx, const ReportPlot *p, const char *svg, const char *png)
{
  GString *g = g_string_new ("set encoding utf8\n");
  for (guint i = 0; i < p->blocks->len; i++)
    {
      const GString *b = p->blocks->pdata[i];
      g_string_append_printf (g, "$%s << EOD\n%s%sEOD\n", (const char *) p->block_names->pdata[i],
                              b->str, b->len > 0 && b->str[b->len - 1] != '\n' ? "\n" : "");
    }
  g_autofree char *stamp = report_plot_quote (ctx->stamp ? ctx->stamp : "");
  g_autofree char *qsvg = report_plot_quote (svg);
  g_autofree char *qpng = report_plot_quote (png);
  const char *terms[2][3] = {
    { "svg", "dynamic enhanced background rgb 'white' font \"" FONT_SVG "\"", qsvg },
    { "pngcairo", "enhanced background rgb 'white' font \"" FONT_PNG "\"", qpng },
  };
  for (guint t = 0; t < 2; t++)
    {
      g_string_append_printf (g, "reset\nset terminal %s size %d,%d %s\nset output %s\n",
                              terms[t][0], p->width, p->height, terms[t][1], terms[t][2]);
      g_string_append_printf (g, "set label 1001 %s at screen 0.005, screen 0.012 left "
                              "font \",8\" textcolor rgb '#555555' front\n", stamp);
      g_string_append (g, p->script->str);
      g_string_append (g, "\nunset multiplot\nunset output\n");
    }
  g_string_append (g, "exit\n");
  return g;
}

/* Runs cmd with input on stdin; collects stderr.  FALSE with a reason. */
static gboolean
run_gnuplot (ReportCtx *ctx, const GString *input, GString *err, char **why, gboolean *missing)
{
  const char *argv[] = { ctx->gnuplot, NULL };
  GPid pid;
  int in_fd, err_fd;
  g_autoptr (GError) e = NULL;
  *missing = FALSE;
  if (!g_spawn_async_with_pipes (NULL, (char **) argv, NULL,
                                 G_SPAWN_SEARCH_PATH | G_SPAWN_DO_NOT_REAP_CHILD
                                     | G_SPAWN_STDOUT_TO_DEV_NULL,
                                 NULL, NULL, &pid, &in_fd, NULL, &err_fd, &e))
    {
      *missing = g_error_matches (e, G_SPAWN_ERROR, G_SPAWN_ERROR_NOENT);
      *why = *missing ? g_strdup_printf ("%s is not installed (Debian package gnuplot-nox)",
                                         ctx->gnuplot)
                      : g_strdup_printf ("cannot start %s: %s", ctx->gnuplot, e->message);
      return FALSE;
    }
  /* A gnuplot that exits early must not kill us with SIGPIPE. */
  struct sigaction ign = { .sa_handler = SIG_IGN }, old;
  sigaction (SIGPIPE, &ign, &old);
  fcntl (in_fd, F_SETFL, fcntl (in_fd, F_GETFL) | O_NONBLOCK);
  fcntl (err_fd, F_SETFL, fcntl (err_fd, F_GETFL) | O_NONBLOCK);
  gint64 deadline = g_get_monotonic_time () + (gint64) (ctx->gnuplot_timeout * 1e6);
  gsize written = 0;
  gboolean timed_out = FALSE;
  while (err_fd >= 0)
    {
      struct pollfd fds[2] = { { err_fd, POLLIN, 0 }, { in_fd, POLLOUT, 0 } };
      gint64 left = deadline - g_get_monotonic_time ();
      if (left <= 0)
        {
          timed_out = TRUE;
          break;
        }
      int n = poll (fds, in_fd >= 0 ? 2 : 1, (int) MIN (left / 1000 + 1, 1000));
      if (n < 0 && errno != EINTR)
        break;
      if (in_fd >= 0 && (fds[1].revents & (POLLOUT | POLLERR | POLLHUP)))
        {
          ssize_t w = write (in_fd, input->str + written, input->len - written);
          if (w > 0)
            written += (gsize) w;
          if ((w < 0 && errno != EAGAIN && errno != EINTR) || written == input->len)
            {
              close (in_fd);
              in_fd = -1;
            }
        }
      if (fds[0].revents & (POLLIN | POLLERR | POLLHUP))
        {
          char buf[4096];
          ssize_t r = read (err_fd, buf, sizeof buf);
          if (r > 0 && err->len < 65536)
            g_string_append_len (err, buf, r);
          else if (r == 0 || (r < 0 && errno != EAGAIN && errno != EINTR))
            {
              close (err_fd);
              err_fd = -1;
            }
        }
    }
  if (in_fd >= 0)
    close (in_fd);
  if (err_fd >= 0)
    close (err_fd);
  /* stderr closed: gnuplot is exiting; give it until the deadline. */
  int status = 0;
  gboolean reaped = FALSE;
  while (!timed_out && !(reaped = waitpid (pid, &status, WNOHANG) == pid))
    {
      if (g_get_monotonic_time () > deadline)
        timed_out = TRUE;
      else
        g_usleep (2000);
    }
  if (!reaped)
    {
      kill (pid, SIGKILL);
      waitpid (pid, &status, 0);
    }
  g_spawn_close_pid (pid);
  sigaction (SIGPIPE, &old, NULL);
  if (timed_out)
    {
      *why = g_strdup_printf ("%s did not finish within %.0f s (killed)", ctx->gnuplot,
                              ctx->gnuplot_timeout);
      return FALSE;
    }
  if (written < input->len)
    {
      *why = g_strdup_printf ("%s stopped reading its input", ctx->gnuplot);
      return FALSE;
    }
  if (!WIFEXITED (status) || WEXITSTATUS (status) != 0)
    {
      *why = WIFEXITED (status)
                 ? g_strdup_printf ("%s exited with status %d", ctx->gnuplot, WEXITSTATUS (status))
                 : g_strdup_printf ("%s was killed by signal %d", ctx->gnuplot, WTERMSIG (status));
      return FALSE;
    }
  return TRUE;
}

/* The last line of gnuplot's complaint, for a warning. */
static char *
tail_of (const GString *err)
{
  g_autofree char *t = g_strstrip (g_strdup (err->str));
  const char *last = strrchr (t, '\n');
  return g_strdup (last ? last + 1 : t);
}

static gboolean
non_empty (const char *path)
{
  GStatBuf st;
  return g_stat (path, &st) == 0 && st.st_size > 0;
}

gboolean
report_plot_render (ReportCtx *ctx, ReportPlot *p)
{
  if (ctx->gnuplot_missing)
    {
      report_plot_free (p);
      return FALSE;
    }
  g_autofree char *svg = g_strdup_printf ("%s/%s.svg", ctx->out_dir, p->name);
  g_autofree char *png = g_strdup_printf ("%s/%s.png", ctx->out_dir, p->name);
  g_remove (svg);
  g_remove (png);
  g_autoptr (GString) input = program (ctx, p, svg, png);
  g_autoptr (GString) err = g_string_new (NULL);
  g_autofree char *why = NULL;
  gboolean missing = FALSE;
  gboolean ok = run_gnuplot (ctx, input, err, &why, &missing);
  /* gnuplot reports script errors on stderr and may still exit 0. */
  if (ok && (strstr (err->str, "error") != NULL || strstr (err->str, "Error") != NULL))
    {
      g_autofree char *t = tail_of (err);
      why = g_strdup_printf ("gnuplot failed: %s", t);
      ok = FALSE;
    }
  if (ok && !(non_empty (svg) && non_empty (png)))
    {
      why = g_strdup ("gnuplot wrote no output");
      ok = FALSE;
    }
  if (!ok)
    {
      g_remove (svg);
      g_remove (png);
      if (missing)
        {
          ctx->gnuplot_missing = TRUE;
          report_warn (ctx, "%s: the figures are left out; the tables are written", why);
        }
      else
        report_warn (ctx, "figure %s (%s) left out: %s", p->name, p->title, why);
      report_plot_free (p);
      return FALSE;
    }
  ReportFigure *f = g_new0 (ReportFigure, 1);
  f->name = g_steal_pointer (&p->name);
  f->title = g_steal_pointer (&p->title);
  f->caption = g_steal_pointer (&p->caption);
  f->section = g_steal_pointer (&p->section);
  g_ptr_array_add (ctx->figures, f);
  if (!ctx->quiet)
    g_printerr ("  figure %s\n", f->name);
  report_plot_free (p);
  return TRUE;
}
