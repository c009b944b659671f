/* SPDX-License-Identifier: MIT */
/*
 * Placeholder so that the serve layer builds; the implementation follows
 * (serve/run_json.h says what it does).
 */
#include "serve/run_json.h"
