/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer harness: an authorisation as text, read the way the conformance
 * adapter reads consent.grant (model/std/consent.h).  The input is up to
 * five lines, kind, ssn, channel_id, department_id and scopes (a line not
 * there is a field not given); they go through model_consent_kind_from_name,
 * model_consent_parties_check (the SSN by model/std/id.h at not_before, the
 * channel id, the department id), model_consent_scopes_parse and
 * model_consent_store_grant into a new store, which is then asked
 * (model_consent_store_check) about the grant's own parties and scopes at
 * the vectors' clock: the grant's part is present, the other two missing.
 * Wire names and scope sets have one spelling, so a name parsed gives back
 * the same text (model_consent_kind_name, model_consent_scopes_to_string).
 * Every refusal is a MODEL_CONSENT_ERROR with a message.
 */
#include "model/std/consent.h"
#include "tests/fuzz/harness.h"

#include <stdlib.h>
#include <string.h>

#define CLOCK G_GINT64_CONSTANT (1590969600)   /* conformance/vectors/consent.json */
#define DAY G_GINT64_CONSTANT (86400)

enum { KIND, SSN, CHANNEL, DEPARTMENT, SCOPES, N_FIELDS };

static void
refused (const GError *error)
{
  if (error == NULL || error->domain != MODEL_CONSENT_ERROR || error->message[0] == '\0')
    abort ();
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autofree char *text = fuzz_text (data, size);
  g_auto (GStrv) lines = g_strsplit (text, "\n", N_FIELDS);
  const char *f[N_FIELDS] = { NULL };
  for (int i = 0; i < N_FIELDS && lines[i] != NULL; i++)
    f[i] = lines[i];

  guint32 scopes = 0;
  g_autoptr (GError) error = NULL;
  if (model_consent_scopes_parse (f[SCOPES], &scopes, &error))
    {
      g_autofree char *again = model_consent_scopes_to_string (scopes);
      if (strcmp (again, f[SCOPES]) != 0)
        abort ();
    }
  else
    refused (error);

  ModelConsentKind kind;
  if (!model_consent_kind_from_name (f[KIND], &kind))
    return 0;
  if (strcmp (model_consent_kind_name (kind), f[KIND]) != 0)
    abort ();

  g_clear_error (&error);
  ModelConsentGrant g;
  memset (&g, 0, sizeof g);
  g.kind = kind;
  g.not_before = CLOCK - DAY;
  g.expires_at = CLOCK + 365 * DAY;
  if (!model_consent_parties_check (kind, f[SSN], f[CHANNEL], f[DEPARTMENT], g.not_before, &error)
      || !model_consent_scopes_parse (f[SCOPES], &g.scopes, &error))
    {
      refused (error);
      return 0;
    }
  g_strlcpy (g.ssn, f[SSN], sizeof g.ssn);
  g_strlcpy (g.channel_id, f[CHANNEL], sizeof g.channel_id);
  g_strlcpy (g.department_id, f[DEPARTMENT], sizeof g.department_id);
  static const guint8 seed[MODEL_CONSENT_SEED_LEN] = { 1 };
  g_autoptr (ModelConsentStore) store = model_consent_store_new (seed);
  guint8 grant_id[MODEL_CONSENT_GRANT_ID_LEN];
  if (!model_consent_store_grant (store, &g, grant_id, &error))
    abort ();   /* the parties and the scopes passed their checks */

  /* The question: an "any" party of the grant stands for the vectors' own. */
  const char *ssn = g.ssn[0] != '\0' ? g.ssn : "11010519491231002X";
  const char *dept = g.department_id[0] != '\0' ? g.department_id : "MIB-110000";
  ModelConsentDecision d;
  if (model_consent_store_check (store, ssn, g.channel_id, dept, g.scopes, CLOCK, &d, &error))
    abort ();
  refused (error);
  if (error->code != MODEL_STD_CONSENT_MISSING || d.present != MODEL_CONSENT_PART (kind)
      || d.missing != (MODEL_CONSENT_PARTS_ALL & ~d.present)
      || memcmp (d.grant_ids[kind], grant_id, MODEL_CONSENT_GRANT_ID_LEN) != 0)
    abort ();
  return 0;
}
