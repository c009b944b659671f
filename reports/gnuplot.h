/* SPDX-License-Identifier: MIT */
/*
 * Drawing a figure with gnuplot through a pipe.  A part builds a plot: its
 * data as named datablocks ($name << EOD ... EOD) and its script (the
 * commands after the terminal is set: labels, ranges, `plot`, or a
 * multiplot), then renders it.  Rendering starts gnuplot (ESSC_GNUPLOT, or
 * `gnuplot` from PATH), writes the datablocks once and the script twice
 * (terminal svg, then pngcairo, each into DIR/<name>.svg / .png, with the
 * footer stamp as label 1001 at the bottom-left of the canvas), and waits
 * for it with a deadline.  gnuplot missing, exiting non-zero, printing an
 * error, producing an empty file or running past the deadline (killed)
 * leaves the figure out: a warning naming the reason (and, when missing,
 * the Debian package gnuplot-nox), no partial file.  Never blocks past the
 * deadline (base/proc: gnuplot runs in its own process group, which is
 * killed at the deadline).
 *
 * Fonts: "WenQuanYi Micro Hei" (Debian fonts-wqy-microhei) first, so
 * Chinese names draw in PNGs; SVGs name a list of CJK-capable families.
 * Scripts must leave the bottom 3% of the canvas free for the stamp (set
 * bmargin, or multiplot margins).
 */
#pragma once

#include "reports/report.h"

G_BEGIN_DECLS

typedef struct _ReportPlot ReportPlot;

/* Returns: (transfer full) a plot of width x height pixels (the PNG's size;
 * the SVG has the same size in its units). */
ReportPlot *report_plot_new (const char *name, const char *title, const char *caption,
                             const char *section, int width, int height);

/* The body of datablock $name, to append lines of whitespace-separated
 * values to (owned by the plot). */
GString *report_plot_data (ReportPlot *plot, const char *name);

/* Appends " v" to a datablock line, " NaN" for a missing (non-finite) v. */
void report_plot_put (GString *b, double v);

/* Appends to the script. */
void report_plot_printf (ReportPlot *plot, const char *fmt, ...) G_GNUC_PRINTF (2, 3);

/* A text as a gnuplot string literal (double quotes, escaped; enhanced-text
 * specials _^@&{}~ escaped too).  Returns: (transfer full). */
char *report_plot_quote (const char *text);

/*
 * Draws the plot and frees it.  On success adds the figure to ctx; on
 * failure adds a warning.  Returns whether the figure was drawn (never,
 * and without a warning, when ctx->no_plots).
 */
gboolean report_plot_render (ReportCtx *ctx, ReportPlot *plot);

void report_plot_free (ReportPlot *plot);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ReportPlot, report_plot_free)

G_END_DECLS
