/* SPDX-License-Identifier: MIT */
/*
 * The latency part of `essc sim`'s summary: per platform the worst day's
 * p99 and whether the SLA held, the status propagation against ESSC-STD
 * CARD-13, the capacity plan when it was asked for (in servers, with what
 * a server is, the peak's requests per second and one server's), and the
 * service times (with one server's requests per second of each kind).
 */
#pragma once

#include "model/rollout/rollout.h"
#include "model/rollout/scenario.h"

/* Prints the section; nothing when r has no latency result. */
void essc_sim_print_latency (const ModelScenario *scenario, const ModelRolloutResult *r);
