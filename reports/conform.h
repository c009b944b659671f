/* SPDX-License-Identifier: MIT */
/*
 * What the files of the report's conformance part share: one conformance
 * run as read from `conformance_run` and tallied from `conformance_test`
 * by conform.c (its verdict counts per requirement group), and the six
 * verdicts in the order, names and colours every table and figure uses.
 * conform.c writes the section "conformance" and its tables,
 * conform_cert.c the stored certificate's table, conform_plots.c the
 * figures.  Private to reports/conform*.c.
 */
#pragma once

#include "reports/report.h"

G_BEGIN_DECLS

/* The verdicts of conformance_test.verdict, in this order everywhere. */
#define REPORT_CONFORM_N_VERDICTS 6

typedef struct {
  const char *name;    /* as stored: "pass", "fail", "skip", "not_implemented", "waived",
                        * "not_run" */
  const char *label;   /* for people: "pass", "fail", "skip", "not implemented", "waived",
                        * "not run" */
  const char *colour;  /* green, red, grey, orange, blue, purple */
} ReportConformVerdict;

extern const ReportConformVerdict report_conform_verdicts[REPORT_CONFORM_N_VERDICTS];

/* One requirement group (the prefix of a requirement id before '-'). */
typedef struct {
  char *name;                                /* "QR", or "(none)" for tests naming none */
  double counts[REPORT_CONFORM_N_VERDICTS];  /* tests naming the group, by verdict */
} ReportConformGroup;

typedef struct {
  gint64 id;           /* conformance_run.id */
  char *role;
  char *verdict;       /* "conformant" or "not conformant" */
  char *iut;           /* "iut_name iut_version" */
  char *stamp;         /* the footer of the run's figures */
  GPtrArray *groups;   /* ReportConformGroup *, in the standard's order */
} ReportConformRun;

/* A text cell like report_html_cell, with break opportunities (<wbr>, not
 * part of the text) after , ; : / = and within long unbroken runs, so
 * that JSON and hex wrap instead of widening the table. */
void report_conform_cell_wrap (GString *out, const char *col, const char *text);

/* Adds the run's two figures (conform_plots.c): drawn[0] the groups figure,
 * drawn[1] the latency figure.  FALSE only for a database error. */
gboolean report_conform_plots (ReportCtx *ctx, const ReportConformRun *run, gboolean drawn[2],
                               GError **error);

/* Appends the table and text of run_id's stored certificate, if any
 * (conform_cert.c).  FALSE only for a database error. */
gboolean report_conform_certificate (ReportCtx *ctx, GString *out, gint64 run_id,
                                     GError **error);

G_END_DECLS
