/* SPDX-License-Identifier: MIT */
/*
 * What a conformance run prints and writes (docs/RESULTS.md): TAP version
 * 13 for prove (one line per test as it finishes, YAML diagnostics naming
 * requirement, vector, step, expected and got; a test not run is a SKIP),
 * JUnit XML, a JSON results file (docs/results.schema.json), the latency
 * table per operation, and the coverage table (each ESSC-STD requirement
 * and the tests of the plan that check it).  Text from the IUT keeps its
 * lines in every format: YAML literal blocks, XML text, JSON escapes.
 */
#pragma once

#include <glib.h>
#include <stdio.h>

#include "conformance/plan.h"
#include "conformance/profile.h"
#include "conformance/runner.h"

G_BEGIN_DECLS

/* "TAP version 13" and the plan line "1..total". */
void conf_tap_begin (FILE *out, guint total);
/* One test line (number index + 1) with its diagnostics. */
void conf_tap_result (FILE *out, const ConfTestResult *result, guint index);

/* Returns: (transfer full) the JUnit XML of run. */
char *conf_junit_render (const ConfRun *run, const char *role);

/* Returns: (transfer full) the JSON results document of run (one object,
 * pretty, final newline). */
char *conf_results_render (const ConfRun *run, const ConfPlan *plan, const char *command,
                           const char *role, const ConfProfile *profile);

/* Prints the per-operation latency table. */
void conf_latency_print (FILE *out, const ConfRun *run);

/*
 * Prints the coverage table of plan: every requirement, its level, the
 * number of tests naming it (per role) and their names (first few).
 * Returns the number of MUST / MUST NOT requirements no test names.
 */
guint conf_coverage_print (FILE *out, const ConfPlan *plan);

G_END_DECLS
