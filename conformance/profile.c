/* SPDX-License-Identifier: MIT */
/*
 * Profiles (see profile.h): parsing of the key file with errors that name
 * file, key and expectation, and the matching of vector-group constraints.
 */
#include "conformance/profile.h"

#include "base/file.h"
#include "model/std/channel.h"
#include "model/std/common.h"
#include "model/std/stdcode.h"

#include <string.h>

#define MAX_BYTES 65536          /* a profile is a few lines */

G_DEFINE_QUARK (conf-profile-error-quark, conf_profile_error)

#define fail(error, ...) base_fail ((error), CONF_PROFILE_ERROR, MODEL_STD_MALFORMED, __VA_ARGS__)

gboolean
conf_profile_role_valid (const char *role)
{
  return g_strcmp0 (role, "verifier") == 0 || g_strcmp0 (role, "channel") == 0
         || g_strcmp0 (role, "platform") == 0;
}

ConfProfile *
conf_profile_default (const char *role)
{
  ConfProfile *p = g_new0 (ConfProfile, 1);
  p->role = g_strdup (role);
  p->tier = 1;
  p->payment = TRUE;
  return p;
}

void
conf_profile_free (ConfProfile *profile)
{
  if (profile == NULL)
    return;
  g_free (profile->role);
  g_free (profile->klass);
  g_free (profile->path);
  g_free (profile);
}

ConfProfile *
conf_profile_load (const char *path, const char *role, GError **error)
{
  g_autoptr (GKeyFile) kf = g_key_file_new ();
  g_autoptr (GError) inner = NULL;
  static const char *const known[] = { "role", "tier", "payment", "class" };

  gsize len = 0;
  g_autofree char *text = base_file_read_regular (path, MAX_BYTES, &len, NULL, &inner);
  if (text == NULL)
    return fail (error, "%s", inner->message), NULL;
  if (!g_key_file_load_from_data (kf, text, len, G_KEY_FILE_NONE, &inner))
    return fail (error, "%s: %s", path, inner->message), NULL;
  g_auto (GStrv) groups = g_key_file_get_groups (kf, NULL);
  for (int i = 0; groups[i] != NULL; i++)
    if (strcmp (groups[i], "profile") != 0)
      return fail (error, "%s: [%s]: unknown group (expected [profile])", path, groups[i]), NULL;
  g_auto (GStrv) keys = g_key_file_get_keys (kf, "profile", NULL, &inner);
  if (keys == NULL)
    return fail (error, "%s: no [profile] group", path), NULL;
  for (int i = 0; keys[i] != NULL; i++)
    {
      gboolean ok = FALSE;
      for (gsize k = 0; k < G_N_ELEMENTS (known); k++)
        ok |= strcmp (keys[i], known[k]) == 0;
      if (!ok)
        return fail (error, "%s: [profile] %s: unknown key (expected role, tier, payment, class)",
                     path, keys[i]), NULL;
    }

  g_autofree char *file_role = g_key_file_get_string (kf, "profile", "role", NULL);
  if (file_role == NULL || !conf_profile_role_valid (file_role))
    return fail (error, "%s: [profile] role: expected verifier, channel or platform", path), NULL;
  if (role != NULL && strcmp (role, file_role) != 0)
    return fail (error, "%s: [profile] role: the profile is for %s, the run is for %s", path,
                 file_role, role), NULL;

  g_autoptr (ConfProfile) p = conf_profile_default (file_role);
  p->path = g_strdup (path);
  if (g_key_file_has_key (kf, "profile", "tier", NULL))
    {
      p->tier = g_key_file_get_integer (kf, "profile", "tier", &inner);
      if (inner != NULL || (p->tier != 1 && p->tier != 2))
        return fail (error, "%s: [profile] tier: expected 1 or 2", path), NULL;
    }
  if (g_key_file_has_key (kf, "profile", "payment", NULL))
    {
      p->payment = g_key_file_get_boolean (kf, "profile", "payment", &inner);
      if (inner != NULL)
        return fail (error, "%s: [profile] payment: expected true or false", path), NULL;
    }
  if (g_key_file_has_key (kf, "profile", "class", NULL))
    {
      ModelChannelClass klass;
      p->klass = g_key_file_get_string (kf, "profile", "class", NULL);
      if (p->klass == NULL || !model_channel_class_from_name (p->klass, &klass))
        return fail (error, "%s: [profile] class: expected one of hrss, government, partner, "
                     "bank, medical, social", path), NULL;
    }
  return g_steal_pointer (&p);
}

gboolean
conf_profile_admits (const ConfProfile *profile, JsonObject *constraints, char **reason)
{
  if (constraints == NULL)
    return TRUE;
  JsonNode *n;
  if ((n = json_object_get_member (constraints, "tier")) != NULL
      && json_node_get_value_type (n) == G_TYPE_INT64 && json_node_get_int (n) != profile->tier)
    {
      *reason = g_strdup_printf ("a tier-%" G_GINT64_FORMAT " channel test; the profile claims "
                                 "tier %d", json_node_get_int (n), profile->tier);
      return FALSE;
    }
  if ((n = json_object_get_member (constraints, "payment")) != NULL
      && json_node_get_value_type (n) == G_TYPE_BOOLEAN
      && json_node_get_boolean (n) != profile->payment)
    {
      *reason = g_strdup (profile->payment ? "a test for implementations without payment"
                                           : "the profile claims no payment");
      return FALSE;
    }
  if ((n = json_object_get_member (constraints, "class")) != NULL
      && json_node_get_value_type (n) == G_TYPE_STRING
      && g_strcmp0 (json_node_get_string (n), profile->klass) != 0)
    {
      *reason = g_strdup_printf ("a test for class %s; the profile claims %s",
                                 json_node_get_string (n), profile->klass ? profile->klass : "none");
      return FALSE;
    }
  return TRUE;
}

JsonNode *
conf_profile_to_json (const ConfProfile *profile)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "role");
  json_builder_add_string_value (b, profile->role);
  json_builder_set_member_name (b, "tier");
  json_builder_add_int_value (b, profile->tier);
  json_builder_set_member_name (b, "payment");
  json_builder_add_boolean_value (b, profile->payment);
  json_builder_set_member_name (b, "class");
  if (profile->klass)
    json_builder_add_string_value (b, profile->klass);
  else
    json_builder_add_null_value (b);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}
