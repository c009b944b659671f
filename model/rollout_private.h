/* SPDX-License-Identifier: MIT */
/*
 * Private to the rollout modules (rollout.c, rollout_checkpoint.c).
 */
#pragma once

#include "model/rollout.h"

G_BEGIN_DECLS

/* Returns: (transfer full) an empty result for the scenario: sizes, month
 * ends and zeroed arrays; no latency part. */
ModelRolloutResult *rollout_result_new (const ModelScenario *scenario, guint replications);

G_END_DECLS
