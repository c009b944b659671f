/* SPDX-License-Identifier: MIT */
/*
 * The catalogue of deliberate defects of the reference implementations
 * (`essc impl --role R --fault NAME`).  Each fault breaks one or a few
 * ESSC-STD requirements in a way a conformance test can observe over the
 * adapter protocol; `essc selftest` requires every one of them to be caught
 * by at least one vector.  A fault is named after what it breaks
 * (`qr-no-replay-cache`: QR-6), lists the roles whose reference
 * implementation it applies to and the requirement ids it breaks.  The
 * handlers of conformance/impl_*.c ask conf_fault_is() at the point where
 * the defect lives; the catalogue is static data, no state.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The three roles of the adapter protocol, also used as a bit set. */
typedef enum {
  CONF_ROLE_VERIFIER = 0,
  CONF_ROLE_CHANNEL,
  CONF_ROLE_PLATFORM,
  CONF_N_ROLES
} ConfRole;

#define CONF_ROLE_BIT(role) (1u << (role))

/* "verifier", "channel", "platform"; "unknown" out of range. */
const char *conf_role_name (ConfRole role);
gboolean conf_role_from_name (const char *name, ConfRole *out);

/* One fault.  All fields public, static strings. */
typedef struct {
  const char *name;          /* e.g. "qr-no-replay-cache" */
  guint roles;               /* set of CONF_ROLE_BIT */
  const char *requirements;  /* ids broken, comma-separated: "QR-6" */
  const char *description;   /* one line for people */
} ConfFault;

/* Returns: (transfer none) the catalogue, in a stable order; *n gets its size. */
const ConfFault *conf_fault_catalogue (gsize *n);
/* Returns: (transfer none) (nullable) the fault called name. */
const ConfFault *conf_fault_lookup (const char *name);
/* TRUE when fault applies to role. */
gboolean conf_fault_applies (const ConfFault *fault, ConfRole role);

/*
 * TRUE when active (the running implementation's fault, NULL for the clean
 * one) is the fault called name.  name must be in the catalogue: a check of
 * a misspelt fault is a programmer error (g_critical), so that no handler
 * can test a fault that --list-faults does not show.
 */
gboolean conf_fault_is (const ConfFault *active, const char *name);

G_END_DECLS
