/* SPDX-License-Identifier: MIT */
/*
 * Progress of a long command on stderr, one way for every command that
 * runs units of work (essc sim: replications; essc sweep: points; essc
 * calibrate and backtest: generations, then forecast replications; ready
 * for essc sensitivity).  Stdout is never touched, so what a command prints
 * there is the same with or without progress.
 *
 *   - stderr a terminal: a bar redrawn in place (at most ten times a
 *     second, and at each finished unit) with the units done of the total,
 *     the rate so far (units/s), the time taken and the time left, estimated
 *     from the rate so far; a newline when done.
 *   - stderr not a terminal (a pipe, a CI log, a batch job's file): a plain
 *     line every `every` seconds (--progress-every, default 5; 0: after
 *     every unit), such as
 *       essc sim: 3 of 10 replications (30%), 12.4 s, about 29 s left
 *     and, when any line was printed, a last one when done:
 *       essc sim: done: 10 replications in 41.2 s (0.24 replications/s)
 *     A run shorter than `every` prints nothing.
 *   - --quiet: nothing at all (errors are still printed by the command).
 *
 * A unit may report parts (a replication's cities, a point's replications,
 * a generation's accepted particles): they move the bar and the estimate
 * and show in the line ("replication 4: 120 of 367 cities"); with every 0
 * a line comes only after whole units.  Parts may be reported from worker
 * threads (the object locks itself).  Under MPI only the leader (rank 0)
 * shows anything: a command passes shown = FALSE elsewhere.  Every
 * function accepts NULL (progress not shown) and does nothing then.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* What the options --quiet and --progress-every set. */
typedef struct {
  gboolean quiet;
  double every;     /* seconds between lines when stderr is not a terminal; 0: every unit */
} EsscProgressOptions;

#define ESSC_PROGRESS_EVERY_DEFAULT 5.0
#define ESSC_PROGRESS_OPTIONS_INIT { FALSE, ESSC_PROGRESS_EVERY_DEFAULT }

/* The two option entries, to put in a command's GOptionEntry table; o is
 * an EsscProgressOptions variable. */
#define ESSC_PROGRESS_OPTION_ENTRIES(o)                                                      \
  { "quiet", 'q', 0, G_OPTION_ARG_NONE, &(o).quiet,                                          \
    "show no progress on stderr (errors are still printed)", NULL },                         \
  { "progress-every", 0, 0, G_OPTION_ARG_DOUBLE, &(o).every,                                 \
    "when stderr is not a terminal, a progress line every SECONDS (default 5; 0: after "     \
    "every unit)", "SECONDS" }

/* FALSE, with a usage error of command printed, when --progress-every is
 * not a number of seconds in [0, 86400]. */
gboolean essc_progress_options_check (const EsscProgressOptions *options, const char *command);

typedef struct _EsscProgress EsscProgress;

/*
 * Starts the progress of `total` units called `units` ("replications") of
 * "essc COMMAND" (the lines' prefix).  Returns: (transfer full) NULL when
 * nothing is to be shown: options->quiet, !shown (an MPI follower), or no
 * units.
 */
EsscProgress *essc_progress_new (const char *command, const char *units, guint total,
                                 const EsscProgressOptions *options, gboolean shown);

/* A unit is made of parts: `unit` names one unit ("replication") and
 * `parts` its parts ("cities") in the lines; the unit in hand after k
 * finished ones is numbered first + k x step there (a replication from 1;
 * a sweep's points from 0, every Nth on rank 0 of N ranks). */
void essc_progress_set_parts (EsscProgress *p, const char *unit, const char *parts, guint first,
                              guint step);

/* Units 0 .. done - 1 were finished before this run (a resumed run): they
 * count as done but not in the rate. */
void essc_progress_resume (EsscProgress *p, guint done);

/* `done` units are finished (whole); the parts start again at 0. */
void essc_progress_units (EsscProgress *p, guint done);

/* Within the unit at hand, `part` of its `parts` parts are done.  Thread-
 * safe; a count lower than one already heard (threads finishing out of
 * order) is ignored. */
void essc_progress_parts (EsscProgress *p, guint part, guint parts);

/* Text shown after the counts until replaced ("tolerance 0.31"); NULL
 * clears it. */
void essc_progress_detail (EsscProgress *p, const char *text);

/* The work is over: the bar's last state and a newline, or the last line
 * (when a line was printed before).  Later calls do nothing. */
void essc_progress_finish (EsscProgress *p);

/* Frees p; a bar left unfinished (the command failed) ends its line first,
 * so an error message starts on a line of its own. */
void essc_progress_free (EsscProgress *p);

/* Callbacks in the engine's shapes (sim/model.h, model/rollout/rollout.h)
 * with data an EsscProgress (or NULL): after a whole unit, after a part. */
void essc_progress_units_cb (guint done, guint total, gpointer progress);
void essc_progress_parts_cb (guint done, guint total, gpointer progress);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EsscProgress, essc_progress_free)

G_END_DECLS
