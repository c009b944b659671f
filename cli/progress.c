/* SPDX-License-Identifier: MIT */
/*
 * Progress on stderr (cli/progress.h): the state of one piece of work (units
 * done, the part of the unit at hand, when it started), the bar drawn on a
 * terminal and the plain lines written elsewhere.  Every update takes the
 * object's lock, for parts come from worker threads; the clock is read only
 * here and nothing flows back into the work, so progress cannot change a
 * result.
 */
#include "cli/progress.h"

#include "base/text.h"
#include "cli/cli.h"

#include <math.h>
#include <stdio.h>
#include <unistd.h>

/* The terminal bar is redrawn at most this often (microseconds), but at
 * every finished unit. */
#define REDRAW_US 100000
#define BAR_WIDTH 24

struct _EsscProgress {
  GMutex lock;
  char *command, *units;
  char *unit, *parts_name;   /* NULL: no parts */
  guint number_first, number_step;  /* the unit in hand's number: first + done x step */
  char *detail;
  guint total, done, first;
  guint part, parts;         /* of unit done + 1 */
  gboolean tty;
  gint64 every_us;           /* 0: a line after every unit */
  gint64 started, last;      /* monotonic microseconds: the start, the last line or drawing */
  gboolean printed;          /* a line or a bar was written */
  gboolean finished;
};

gboolean
essc_progress_options_check (const EsscProgressOptions *o, const char *command)
{
  if (!(o->every >= 0 && o->every <= 86400))
    {
      essc_cli_usage_error (command, "--progress-every: expected seconds from 0 to 86400 "
                            "(0: a line after every unit)");
      return FALSE;
    }
  return TRUE;
}

EsscProgress *
essc_progress_new (const char *command, const char *units, guint total,
                   const EsscProgressOptions *o, gboolean shown)
{
  g_return_val_if_fail (command != NULL && units != NULL && o != NULL, NULL);
  if (o->quiet || !shown || total == 0)
    return NULL;
  EsscProgress *p = g_new0 (EsscProgress, 1);
  g_mutex_init (&p->lock);
  p->command = g_strdup (command);
  p->units = g_strdup (units);
  p->total = total;
  p->tty = isatty (STDERR_FILENO);
  p->every_us = (gint64) (o->every * 1e6);
  p->started = p->last = g_get_monotonic_time ();
  return p;
}

void
essc_progress_set_parts (EsscProgress *p, const char *unit, const char *parts, guint first,
                         guint step)
{
  if (p == NULL)
    return;
  g_mutex_lock (&p->lock);
  p->number_first = first;
  p->number_step = step;
  g_free (p->unit);
  g_free (p->parts_name);
  p->unit = g_strdup (unit);
  p->parts_name = g_strdup (parts);
  g_mutex_unlock (&p->lock);
}

void
essc_progress_resume (EsscProgress *p, guint done)
{
  if (p == NULL)
    return;
  g_mutex_lock (&p->lock);
  p->done = p->first = MIN (done, p->total);
  g_mutex_unlock (&p->lock);
}

/* ---- what is shown ---------------------------------------------------------- */

/* The units done, with the part of the unit at hand, as a share of the total. */
static double
fraction (const EsscProgress *p)
{
  double d = p->done;
  if (p->parts > 0 && p->done < p->total)
    d += (double) MIN (p->part, p->parts) / p->parts;
  return d / p->total;
}

/* Time taken: "12.4 s", "3 min 20 s", "2 h 05 min". */
static char *
taken_text (double s)
{
  if (s < 60)
    return g_strdup_printf ("%.1f s", s);
  guint64 whole = (guint64) s;
  if (s < 3600)
    return g_strdup_printf ("%u min %02u s", (guint) (whole / 60), (guint) (whole % 60));
  return g_strdup_printf ("%u h %02u min", (guint) (whole / 3600), (guint) (whole / 60 % 60));
}

/* Time left: ", about 29 s left", ", about 12 min left", ", about 3.5 h
 * left"; "" before there is a rate to go by. */
static char *
left_text (const EsscProgress *p, double taken)
{
  double f = fraction (p), start = (double) p->first / p->total;
  if (!(taken > 0) || !(f > start) || f >= 1)
    return g_strdup ("");
  double left = (1 - f) * taken / (f - start);
  if (left < 90)
    return g_strdup_printf (", about %.0f s left", left);
  if (left < 5400)
    return g_strdup_printf (", about %.0f min left", left / 60);
  return g_strdup_printf (", about %.1f h left", left / 3600);
}

/* Units per second since the start (resumed units not counted). */
static double
rate (const EsscProgress *p, double taken)
{
  return taken > 0 ? (fraction (p) * p->total - p->first) / taken : 0;
}

/* "3 of 10 replications (34%; replication 4: 120 of 367 cities; DETAIL)" */
static char *
counts_text (const EsscProgress *p)
{
  g_autofree char *done = base_text_group_double (p->done, 0);
  g_autofree char *total = base_text_group_double (p->total, 0);
  GString *t = g_string_new (NULL);
  /* floor, and 99 at most until the last unit is done: 100% means done */
  double pct = floor (100 * fraction (p));
  if (p->done < p->total)
    pct = MIN (pct, 99);
  g_string_printf (t, "%s of %s %s (%.0f%%", done, total, p->units, pct);
  if (p->parts > 0 && p->done < p->total && p->unit != NULL)
    {
      g_autofree char *part = base_text_group_double (MIN (p->part, p->parts), 0);
      g_autofree char *parts = base_text_group_double (p->parts, 0);
      g_string_append_printf (t, "; %s %u: %s of %s %s", p->unit,
                              p->number_first + p->done * p->number_step, part, parts,
                              p->parts_name);
    }
  if (p->detail != NULL)
    g_string_append_printf (t, "; %s", p->detail);
  g_string_append_c (t, ')');
  return g_string_free (t, FALSE);
}

/* The bar, redrawn over the last one: "\r  [####----] 3/10 replications,
 * 0.24/s, 12.4 s, about 29 s left" and the rest of the line cleared. */
static void
draw_bar (EsscProgress *p, double taken)
{
  int filled = (int) floor (fraction (p) * BAR_WIDTH);
  if (p->done < p->total)
    filled = MIN (filled, BAR_WIDTH - 1);
  char bar[BAR_WIDTH + 1];
  for (int i = 0; i < BAR_WIDTH; i++)
    bar[i] = i < filled ? '#' : '-';
  bar[BAR_WIDTH] = '\0';
  g_autofree char *done = base_text_group_double (p->done, 0);
  g_autofree char *total = base_text_group_double (p->total, 0);
  g_autofree char *took = taken_text (taken);
  g_autofree char *left = left_text (p, taken);
  double r = rate (p, taken);
  fprintf (stderr, "\r  [%s] %s/%s %s, %.*f/s, %s%s\033[K", bar, done, total, p->units,
           r < 10 ? 2 : 1, r, took, left);
  fflush (stderr);
  p->printed = TRUE;
}

static void
print_line (EsscProgress *p, double taken)
{
  g_autofree char *counts = counts_text (p);
  g_autofree char *took = taken_text (taken);
  g_autofree char *left = left_text (p, taken);
  fprintf (stderr, "essc %s: %s, %s%s\n", p->command, counts, took, left);
  fflush (stderr);
  p->printed = TRUE;
}

/* Shows the state when it is time (under the lock): whole says a unit
 * has just finished. */
static void
show (EsscProgress *p, gboolean whole)
{
  gint64 now = g_get_monotonic_time ();
  double taken = (double) (now - p->started) / 1e6;
  if (p->tty)
    {
      if (whole || now - p->last >= REDRAW_US)
        {
          draw_bar (p, taken);
          p->last = now;
        }
      return;
    }
  if ((p->every_us == 0 && whole) || (p->every_us > 0 && now - p->last >= p->every_us))
    {
      print_line (p, taken);
      p->last = now;
    }
}

/* ---- updates ---------------------------------------------------------------- */

void
essc_progress_units (EsscProgress *p, guint done)
{
  if (p == NULL)
    return;
  g_mutex_lock (&p->lock);
  done = MIN (done, p->total);
  if (!p->finished && (done != p->done || p->parts > 0))  /* news, not a repeat */
    {
      p->done = done;
      p->part = p->parts = 0;
      show (p, TRUE);
    }
  g_mutex_unlock (&p->lock);
}

void
essc_progress_parts (EsscProgress *p, guint part, guint parts)
{
  if (p == NULL)
    return;
  g_mutex_lock (&p->lock);
  if (!p->finished && parts > 0 && (parts != p->parts || part > p->part))
    {
      p->part = part;
      p->parts = parts;
      show (p, FALSE);
    }
  g_mutex_unlock (&p->lock);
}

void
essc_progress_detail (EsscProgress *p, const char *text)
{
  if (p == NULL)
    return;
  g_mutex_lock (&p->lock);
  g_free (p->detail);
  p->detail = g_strdup (text);
  g_mutex_unlock (&p->lock);
}

void
essc_progress_finish (EsscProgress *p)
{
  if (p == NULL)
    return;
  g_mutex_lock (&p->lock);
  if (!p->finished)
    {
      p->finished = TRUE;
      p->part = p->parts = 0;
      double taken = (double) (g_get_monotonic_time () - p->started) / 1e6;
      if (p->tty)
        {
          draw_bar (p, taken);
          fputc ('\n', stderr);
        }
      else if (p->printed)
        {
          g_autofree char *done = base_text_group_double (p->done, 0);
          g_autofree char *took = taken_text (taken);
          double r = rate (p, taken);
          fprintf (stderr, "essc %s: done: %s %s in %s (%.*f %s/s)\n", p->command, done,
                   p->units, took, r < 10 ? 2 : 1, r, p->units);
        }
      fflush (stderr);
    }
  g_mutex_unlock (&p->lock);
}

void
essc_progress_free (EsscProgress *p)
{
  if (p == NULL)
    return;
  if (p->tty && p->printed && !p->finished)
    {
      fputc ('\n', stderr);
      fflush (stderr);
    }
  g_mutex_clear (&p->lock);
  g_free (p->command);
  g_free (p->units);
  g_free (p->unit);
  g_free (p->parts_name);
  g_free (p->detail);
  g_free (p);
}

void
essc_progress_units_cb (guint done, guint total, gpointer progress)
{
  essc_progress_units (progress, done);
}

void
essc_progress_parts_cb (guint done, guint total, gpointer progress)
{
  essc_progress_parts (progress, done, total);
}
