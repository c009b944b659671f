/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer harness: profile files (conf_profile_load, conformance/
 * profile.h; `essc conform --profile`, `essc registry apply --profile`, a
 * simulated channel's profile), read from a file as the programs read it,
 * for any role (NULL) and for the role the first byte picks (fuzz_select:
 * verifier, channel, platform, modulo 3).  A refusal must say why.  An
 * accepted profile has a role of the three (the one asked for), tier 1 or
 * 2; it is then used as the runner uses it: conf_profile_admits against
 * the constraints of the vector groups (tier, payment, class; a refusal
 * says why) and written as JSON for the report (conf_profile_to_json),
 * which must be canonical JSON.
 */
#include "conformance/json.h"
#include "conformance/profile.h"
#include "tests/fuzz/harness.h"

#include <stdlib.h>
#include <string.h>

static const char *const roles[] = { "verifier", "channel", "platform" };

/* Group constraints as the vectors write them. */
static const char *const constraints[] = {
  "{}", "{\"tier\":1}", "{\"tier\":2}", "{\"payment\":true}", "{\"payment\":false}",
  "{\"class\":\"bank\"}", "{\"class\":\"partner\",\"tier\":2,\"payment\":false}",
};

static void
use (const ConfProfile *p, const char *role)
{
  if (!conf_profile_role_valid (p->role) || (role != NULL && strcmp (p->role, role) != 0)
      || (p->tier != 1 && p->tier != 2))
    abort ();
  for (gsize i = 0; i < G_N_ELEMENTS (constraints); i++)
    {
      g_autoptr (JsonObject) c = conf_json_parse_object (constraints[i], strlen (constraints[i]),
                                                         NULL);
      g_autofree char *reason = NULL;
      if (!conf_profile_admits (p, c, &reason) && (reason == NULL || reason[0] == '\0'))
        abort ();
    }
  g_autoptr (JsonNode) json = conf_profile_to_json (p);
  g_autofree char *canon = conf_json_canonical (json, NULL);
  if (canon == NULL)
    abort ();
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  guint8 selector = 0;
  if (!fuzz_select (&data, &size, &selector))
    return 0;
  const char *path = fuzz_file ("profile.ini", data, size);
  const char *asked[] = { NULL, roles[selector % G_N_ELEMENTS (roles)] };
  for (gsize i = 0; i < G_N_ELEMENTS (asked); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (ConfProfile) p = conf_profile_load (path, asked[i], &error);
      if (p == NULL)
        {
          if (error == NULL || error->domain != CONF_PROFILE_ERROR || error->message[0] == '\0')
            abort ();
          continue;
        }
      use (p, asked[i]);
    }
  return 0;
}
