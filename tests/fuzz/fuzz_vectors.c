/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer harness: one vector file (docs/VECTORS.md) as `essc conform`
 * loads it (conf_plan_parse_file, conformance/plan.h: the parser
 * conf_plan_load runs on every file its manifest lists).  A refusal must
 * say why.  The loader is strict, so what it accepts must be a vector file
 * of docs/VECTORS.md: every test of a role the runner plays (verifier,
 * channel or platform) and of a result it knows (valid, invalid,
 * acceptable).  Then what the runner does with each test of each role:
 * the profile's admission of its group's constraints, each step's request
 * line ("$id" replaced, or op and params with their literal integers), the
 * note of its secrets, and the judgement of a response made from the
 * step's own expectation, which the runner's response parser
 * (conf_client_parse_response) must read and the judge must pass, unless a
 * named check (computed from the result) decides.
 */
#include "conformance/client.h"
#include "conformance/expect.h"
#include "conformance/json.h"
#include "conformance/plan.h"
#include "conformance/profile.h"
#include "tests/fuzz/harness.h"

#include <stdlib.h>
#include <string.h>

static const char *const roles[] = { "verifier", "channel", "platform" };

/* The request line the runner sends for step s as request id. */
static char *
request_line (const ConfStep *s, gint64 id)
{
  g_autofree char *digits = g_strdup_printf ("%" G_GINT64_FORMAT, id);
  if (s->line != NULL)
    {
      g_auto (GStrv) parts = g_strsplit (s->line, CONF_CLIENT_ID_MARK, -1);
      return g_strjoinv (digits, parts);
    }
  g_autoptr (JsonObject) req = json_object_new ();
  json_object_set_int_member (req, "essc", 1);
  json_object_set_int_member (req, "id", id);
  json_object_set_string_member (req, "op", s->op);
  json_object_set_object_member (req, "params", json_object_ref (s->params));
  g_autoptr (JsonNode) root = json_node_init_object (json_node_alloc (), req);
  return conf_json_to_line_literal (root);
}

/* A response line to request id that meets the expectation of s. */
static char *
expected_response (const ConfStep *s, gint64 id)
{
  g_autoptr (JsonObject) top = json_object_new ();
  json_object_set_int_member (top, "id", id);
  json_object_set_boolean_member (top, "ok", s->expect_ok);
  if (s->expect_ok)
    json_object_set_object_member (top, "result", s->expect_result
                                                    ? json_object_ref (s->expect_result)
                                                    : json_object_new ());
  else
    {
      ModelStdCode code = s->expect_code;
      if (s->any_codes != NULL && s->any_codes->len > 0)
        code = g_array_index (s->any_codes, ModelStdCode, 0);
      JsonObject *err = json_object_new ();
      json_object_set_string_member (err, "code", model_std_code_name (code));
      json_object_set_string_member (err, "message", "as expected");
      json_object_set_object_member (top, "error", err);
    }
  g_autoptr (JsonNode) root = json_node_init_object (json_node_alloc (), top);
  return conf_json_to_line (root);
}

static void
play (const ConfTest *t, const ConfProfile *profile)
{
  g_autofree char *reason = NULL;
  if (!conf_profile_admits (profile, t->profile, &reason) && reason == NULL)
    abort ();
  g_auto (ConfExpectState) state = { 0 };
  state.role = t->role;
  guint total = t->setup->len + t->steps->len;
  for (guint i = 0; i < total; i++)
    {
      const ConfStep *s = i < t->setup->len ? t->setup->pdata[i]
                                            : t->steps->pdata[i - t->setup->len];
      gint64 id = (gint64) i + 1;
      conf_expect_note_request (&state, s);
      g_autofree char *request = request_line (s, id);
      if (strchr (request, '\n') != NULL)
        abort (); /* one line (docs/ADAPTER.md section 1) */
      g_autofree char *response = expected_response (s, id);
      g_auto (ConfCallResult) got = { 0 };
      if (!conf_client_parse_response (s->op, id, FALSE, response, strlen (response), &got,
                                       NULL))
        abort ();
      g_auto (ConfJudgement) j = { 0 };
      conf_expect_judge (s, &got, &state, &j);
      if (s->check == NULL && !j.pass)
        abort ();
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ConfPlan) plan = conf_plan_parse_file ("fuzz/vectors.json", (const char *) data,
                                                    size, &error);
  if (plan == NULL)
    {
      if (error == NULL || error->domain != CONF_PLAN_ERROR || error->message[0] == '\0')
        abort ();
      return 0;
    }
  guint played = 0;
  for (gsize r = 0; r < G_N_ELEMENTS (roles); r++)
    {
      g_autoptr (ConfProfile) profile = conf_profile_default (roles[r]);
      g_autoptr (GPtrArray) tests = conf_plan_for_role (plan, roles[r]);
      for (guint i = 0; i < tests->len; i++, played++)
        play (tests->pdata[i], profile);
    }
  if (played != plan->tests->len)
    abort (); /* a test of no role the runner plays */
  for (guint i = 0; i < plan->tests->len; i++)
    {
      const char *result = ((ConfTest *) plan->tests->pdata[i])->result;
      if (strcmp (result, "valid") != 0 && strcmp (result, "invalid") != 0
          && strcmp (result, "acceptable") != 0)
        abort ();
    }
  return 0;
}
