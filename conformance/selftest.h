/* SPDX-License-Identifier: MIT */
/*
 * Self-validation of the conformance suite: every role's reference
 * implementation must pass every test, and every deliberate fault of the
 * catalogue must be caught by at least one test of each role it applies to
 * (the kill matrix).  A
 * suite that cannot fail proves nothing; this is how it shows it can.
 */
#pragma once

#include <glib.h>
#include <stdio.h>

#include "conformance/plan.h"

G_BEGIN_DECLS

typedef struct {
  guint reference_runs, reference_failures; /* failing tests of the clean runs */
  guint faults, survivors;                  /* faults run; faults no test caught */
} ConfSelftestSummary;

/*
 * Runs the reference implementations (essc_path impl --role R, with tier 1
 * and tier 2 profiles for channels) and each fault of the catalogue (essc_path
 * impl --role R --fault F, for each role it applies to) against plan,
 * printing progress and the kill matrix to out.  only_fault: NULL for all,
 * else one fault's name.  Returns FALSE with an error when an
 * implementation cannot be started at all.
 */
gboolean conf_selftest_run (const ConfPlan *plan, const char *essc_path, const char *only_fault,
                            int timeout_ms, FILE *out, ConfSelftestSummary *summary,
                            GError **error);

G_END_DECLS
