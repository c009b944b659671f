/* SPDX-License-Identifier: MIT */
/*
 * GErrors in a module's own domain with a printf-style message, and wrapping
 * an inner error with a prefix that names where it happened: the one way a
 * module reports a runtime failure (STYLE.md, two error tiers).
 * Pure functions: no state, no clock, no I/O.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* ---- errors ------------------------------------------------------------ */

/*
 * Sets *error (may be NULL) in domain with code and the formatted message.
 * Returns FALSE, so a check can `return base_fail (...)`.  Modules wrap it
 * in a file-local `fail` macro that names their domain.
 */
gboolean base_fail (GError **error, GQuark domain, gint code,
                     const char *fmt, ...) G_GNUC_PRINTF (4, 5);
/*
 * Moves inner (transfer full; freed) into *error in domain, keeping its code,
 * with the message prefix followed by inner's message.  Returns FALSE.
 */
gboolean base_fail_wrap (GError **error, GQuark domain, const char *prefix,
                          GError *inner);

G_END_DECLS
