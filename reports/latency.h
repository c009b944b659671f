/* SPDX-License-Identifier: MIT */
/*
 * The latency part of the report, private to its two files: latency.c
 * writes the section "Platform load and latency" and its tables (the SLA
 * per platform, status propagation, service times, the capacity plan);
 * latency_plots.c draws its figures from the same tables of the run
 * database (latency_day, latency_month, capacity_plan, city_milestone).
 */
#pragma once

#include "reports/report.h"

G_BEGIN_DECLS

/* The id of the page section the figures belong to. */
#define REPORT_LATENCY_SECTION "latency"

/*
 * Draws the latency figures (latency-national, latency-local,
 * latency-months, and with a plan capacity-national, capacity-local).
 * sla_s: the run's p99 SLA in seconds.  A figure that cannot be drawn is a
 * warning; FALSE only for a database error.
 */
gboolean report_latency_plots (ReportCtx *ctx, double sla_s, GError **error);

/* The province's name in a local platform's name ("local 110000 北京市" ->
 * "北京市"); other names as they are.  Points into name. */
const char *report_latency_short_name (const char *name);

G_END_DECLS
