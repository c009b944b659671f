/* SPDX-License-Identifier: MIT */
/*
 * The requirements of ESSC-STD (id and level), compiled in from
 * docs/ESSC-STD.md by tools/gen-requirements.sh, in document order.  The
 * runner's coverage table and `essc selftest` use it.
 */
#pragma once

#include <glib.h>

typedef struct {
  const char *id;     /* "QR-6" */
  const char *level;  /* "MUST", "MUST NOT", "SHOULD", "SHOULD NOT", "MAY" */
} ConfRequirement;

extern const ConfRequirement conf_requirements[];
extern const gsize conf_requirements_len;
