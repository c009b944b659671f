/* SPDX-License-Identifier: MIT */
/*
 * The error codes of the rollout model.  Each rollout module has its own
 * GError domain (MODEL_SCENARIO_ERROR, MODEL_CITIES_ERROR, ...); the code
 * inside is one of these, so the front can tell a broken input (exit 2) from
 * a failure of the machine.  They are not ESSC-STD's error codes: a scenario
 * error is not an e-card error.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  MODEL_ROLLOUT_INVALID = 1, /* a scenario, data or checkpoint file breaks its format or a rule */
  MODEL_ROLLOUT_NOT_FOUND,   /* a file cannot be read, or a named item does not exist */
  MODEL_ROLLOUT_CONFLICT,    /* an output or a resume would clash with what is there */
  MODEL_ROLLOUT_INTERNAL,    /* anything else: a database failure, an interrupted run */
} ModelRolloutCode;

G_END_DECLS
