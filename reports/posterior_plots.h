/* SPDX-License-Identifier: MIT */
/*
 * The figures of a weighted posterior sample, shared by the calibration
 * database's report (calibration_plots.c: the particles of the last
 * generation) and the run database's Forecast section (rollout_forecast.c:
 * the posterior its replications drew from).  Each report reads its own
 * database into a ReportPosterior and names, titles and captions the
 * figures; this module draws them through gnuplot.h:
 *
 *  - the histograms: one panel per parameter (small multiples), each bin's
 *    share of the posterior weight (%), log-spaced bins on a log axis for a
 *    log-uniform prior, the prior's share of one bin (dashed) and, where the
 *    sample carries them, the posterior mean (solid) and 90% interval
 *    (dotted);
 *  - the pairs: a lower-triangle matrix of scatter plots, one point per draw
 *    coloured by its weight relative to the largest (heavier draws on top),
 *    the highlighted draws circled.
 *
 * A figure gnuplot cannot draw is a warning (report_plot_render).
 */
#pragma once

#include "reports/report.h"

G_BEGIN_DECLS

/*
 * A weighted sample of n_draws draws of n_params parameters.  Every field
 * is public: report_posterior_new allocates each array at its size (values,
 * priors and summaries NAN, weights 0, flags FALSE) and the reader fills
 * them; report_posterior_free frees them all.
 */
typedef struct {
  guint n_params, n_draws;
  char **names;          /* [param], NULL-terminated; the reader g_strdup()s each */
  double *lo, *hi;       /* [param]: the prior's support; NAN where unknown */
  gboolean *log_scale;   /* [param]: log-uniform prior, drawn on log axes */
  double *mean, *q05, *q95; /* [param]: marked on the histograms; NAN for no mark */
  double *weight;        /* [draw] */
  double *value;         /* [draw * n_params + param]; NAN where missing */
  gboolean *highlight;   /* [draw]: circled in the pairs (the draws a run used) */
} ReportPosterior;

/* What a figure's axes and bins span. */
typedef enum {
  REPORT_POSTERIOR_SPAN_DRAWS,  /* the draws' values (autoscaled axes) */
  REPORT_POSTERIOR_SPAN_PRIOR,  /* the prior's support where known, else the draws' */
} ReportPosteriorSpan;

/* A figure as a report names it (report_plot_new's name, title, caption
 * and section) and how it spans its axes. */
typedef struct {
  const char *name, *title, *caption, *section;
  ReportPosteriorSpan span;
  guint n_bins;  /* histograms only: 0 for about the square root of the draws (5 to 30) */
} ReportPosteriorFigure;

/* Returns: (transfer full) a sample of the given size, to fill. */
ReportPosterior *report_posterior_new (guint n_params, guint n_draws);

/* The histograms figure.  Returns whether it was drawn. */
gboolean report_posterior_histograms (ReportCtx *ctx, const ReportPosterior *post,
                                      const ReportPosteriorFigure *fig);

/* The pairs figure; nothing (FALSE) with fewer than two parameters.
 * Returns whether it was drawn. */
gboolean report_posterior_pairs (ReportCtx *ctx, const ReportPosterior *post,
                                 const ReportPosteriorFigure *fig);

void report_posterior_free (ReportPosterior *post);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ReportPosterior, report_posterior_free)

G_END_DECLS
