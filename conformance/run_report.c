/* SPDX-License-Identifier: MIT */
/*
 * Implementation of run_report.h: the runner's verdicts mapped onto the
 * report's, the vector files' hashes taken from the plan, the profile as
 * JSON, then conf_report_canonical and a signature of kind CONF_DOC_REPORT.
 */
#include "conformance/run_report.h"

#include "conformance/cert.h"
#include "conformance/json.h"
#include "conformance/signature.h"

static ConfReportVerdict
report_verdict (ConfVerdict v)
{
  switch (v)
    {
    case CONF_VERDICT_PASS: return CONF_REPORT_PASS;
    case CONF_VERDICT_SKIP: return CONF_REPORT_SKIP;
    case CONF_VERDICT_NOT_IMPLEMENTED: return CONF_REPORT_NOT_IMPLEMENTED;
    case CONF_VERDICT_WAIVED: return CONF_REPORT_WAIVED;
    case CONF_VERDICT_NOT_RUN: return CONF_REPORT_NOT_RUN;
    case CONF_VERDICT_FAIL:
    default: return CONF_REPORT_FAIL;
    }
}

char *
conf_run_report (const ConfRun *run, const ConfPlan *plan, const char *command,
                 const char *role, const ConfProfile *profile, const ModelKeyPair *key,
                 gsize *len, char **sig_text, GError **error)
{
  static const char *const none[] = { NULL };
  g_return_val_if_fail (run != NULL && plan != NULL && key != NULL && sig_text != NULL, NULL);
  g_autofree ConfReportTest *tests = g_new0 (ConfReportTest, run->results->len);
  g_autofree ConfReportVector *vectors = g_new0 (ConfReportVector, plan->files->len + 1);

  for (guint i = 0; i < run->results->len; i++)
    {
      const ConfTestResult *r = run->results->pdata[i];
      tests[i].name = r->name;
      tests[i].requirements = r->test ? (const char *const *) r->test->requirements : none;
      tests[i].verdict = report_verdict (r->verdict);
    }
  for (guint i = 0; i < plan->files->len; i++)
    {
      const ConfVectorFile *f = plan->files->pdata[i];
      vectors[i].file = f->name;
      if (!conf_hex_decode_fixed (f->blake2b, vectors[i].blake2b, CONF_CERT_HASH_LEN, error))
        return NULL;
    }
  g_autoptr (JsonNode) pnode = conf_profile_to_json (profile);
  ConfReport report = {
    .vectors = vectors, .n_vectors = plan->files->len,
    .profile = json_node_get_object (pnode),
    .iut = { command, run->iut_name, run->iut_version, role },
    .started_at = run->started_at, .ended_at = run->ended_at,
    .tests = tests, .n_tests = run->results->len,
  };
  gsize n = 0;
  char *bytes = conf_report_canonical (&report, model_key_pair_id (key), &n, error);
  if (bytes == NULL)
    return NULL;
  *sig_text = conf_signature_make (CONF_DOC_REPORT, key, bytes, n);
  if (len != NULL)
    *len = n;
  return bytes;
}

gboolean
conf_run_report_write (const ConfRun *run, const ConfPlan *plan, const char *command,
                       const char *role, const ConfProfile *profile, const ModelKeyPair *key,
                       const char *path, GError **error)
{
  gsize len = 0;
  g_autofree char *sig_text = NULL;
  g_autofree char *bytes = conf_run_report (run, plan, command, role, profile, key, &len,
                                            &sig_text, error);
  return bytes != NULL && conf_signature_write_pair (path, bytes, len, sig_text, error);
}
