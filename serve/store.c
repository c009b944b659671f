/* SPDX-License-Identifier: MIT */
/*
 * Placeholder so that the serve layer builds; the implementation follows
 * (serve/store.h says what it does).
 */
#include "serve/store.h"
