/* SPDX-License-Identifier: MIT */
/*
 * Placeholder so that the serve layer builds; the implementation follows
 * (serve/pool.h says what it does).
 */
#include "serve/pool.h"
