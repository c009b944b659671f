/* SPDX-License-Identifier: MIT */
/*
 * What an implementation under test claims (its profile): role, channel
 * class, tier, whether it takes payments.  Read from a GLib key file
 * (`--profile FILE`, group [profile]); unknown keys are errors.  The runner
 * asks conf_profile_admits() of each vector group's constraints and skips
 * the tests the profile excludes, saying why.
 */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define CONF_PROFILE_ERROR (conf_profile_error_quark ())
GQuark conf_profile_error_quark (void);

/* All fields public. */
typedef struct {
  char *role;        /* "verifier", "channel", "platform" */
  int tier;          /* 1 or 2 (channels) */
  gboolean payment;  /* offers payment (level 2) */
  char *klass;       /* channel class wire name, or NULL for none claimed */
  char *path;        /* the file it came from, or NULL for the default */
} ConfProfile;

/* TRUE for "verifier", "channel", "platform". */
gboolean conf_profile_role_valid (const char *role);

/* The profile claiming everything a role can: tier 1, payment, no class. */
ConfProfile *conf_profile_default (const char *role);

/*
 * Reads path.  Keys of [profile]: role (required; must equal role when role
 * is not NULL), tier (1|2), payment (true|false), class (an ESSC-STD channel
 * class).  Errors name the file, the key and what was expected.
 * Returns: (transfer full) or NULL.
 */
ConfProfile *conf_profile_load (const char *path, const char *role, GError **error);
void conf_profile_free (ConfProfile *profile);

/*
 * TRUE when the profile meets every constraint of a vector group's
 * `profile` object (members tier, payment, class); otherwise FALSE with
 * *reason (transfer full) saying which claim is missing.
 */
gboolean conf_profile_admits (const ConfProfile *profile, JsonObject *constraints,
                              char **reason);

/* Returns: (transfer full) the profile as a JSON object node. */
JsonNode *conf_profile_to_json (const ConfProfile *profile);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ConfProfile, conf_profile_free)

G_END_DECLS
