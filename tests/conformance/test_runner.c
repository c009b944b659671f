/* SPDX-License-Identifier: MIT */
/*
 * Tests of the conformance runner's parts: loading vectors (and refusing
 * malformed ones with a precise error), profiles, waivers, judging
 * responses (subset, codes, the audit chain check, the issued credential's
 * backdate of CRED-12), and whole runs against
 * small shell adapters: verdicts, diagnostics (multi-line ones as YAML
 * blocks), not-implemented, timeouts that replace the process, tests not
 * run after a dead IUT, waivers that expect, outlive or miss, and runs of
 * chosen tests (--only).
 */
#include "conformance/expect.h"
#include "conformance/json.h"
#include "conformance/manifest.h"
#include "conformance/output.h"
#include "conformance/plan.h"
#include "conformance/profile.h"
#include "conformance/runner.h"
#include "conformance/waivers.h"
#include "conformance/json.h"
#include "model/std/audit.h"
#include "model/std/issuer.h"
#include "tests/lib/run.h"
#include "tests/lib/testutil.h"

#include <glib/gstdio.h>
#include <sodium.h>
#include <string.h>

#define RESET "{\"op\":\"reset\",\"params\":{},\"expect\":{\"ok\":true}}"
#define TEST(id, name, req, step) \
  "{\"tcId\":" #id ",\"name\":\"" name "\",\"requirements\":[\"" req "\"],\"comment\":\"c\"," \
  "\"flags\":[],\"result\":\"valid\",\"steps\":[" step "]}"

static const char *const SUITE =
  "{\"schema\":\"essc-vectors/1\",\"suite\":\"ESSC-STD/1.1\",\"group\":\"t\",\"notes\":{},"
  "\"clock\":0,\"keys\":{},\"numberOfTests\":6,\"testGroups\":["
  "{\"role\":\"verifier\",\"profile\":{},\"setup\":[" RESET "],\"tests\":["
  TEST (1, "t/pass", "QR-6", "{\"op\":\"echo\",\"params\":{},\"expect\":{\"ok\":true,"
        "\"result\":{\"op\":\"echo\"}}}") ","
  TEST (2, "t/refused-right", "QR-6", "{\"op\":\"refuse\",\"params\":{},\"expect\":{\"ok\":false,"
        "\"code\":\"replayed\"}}") ","
  TEST (3, "t/wrong-code", "QR-5", "{\"op\":\"refuse\",\"params\":{},\"expect\":{\"ok\":false,"
        "\"code\":\"expired\"}}") ","
  TEST (4, "t/not-implemented", "QR-1", "{\"op\":\"qr.verify\",\"params\":{},\"expect\":"
        "{\"ok\":true}}") ","
  TEST (5, "t/wrong-result", "QR-2", "{\"op\":\"echo\",\"params\":{},\"expect\":{\"ok\":true,"
        "\"result\":{\"op\":\"other\"}}}") "]},"
  "{\"role\":\"verifier\",\"profile\":{\"tier\":2},\"setup\":[" RESET "],\"tests\":["
  TEST (6, "t/tier2", "CHAN-7", "{\"op\":\"echo\",\"params\":{},\"expect\":{\"ok\":true}}") "]}]}";

typedef struct {
  char *dir;
} Tmp;

static void
tmp_set_up (Tmp *t, gconstpointer data)
{
  t->dir = g_dir_make_tmp ("essc-runner-XXXXXX", NULL);
  g_assert_nonnull (t->dir);
}

static void
tmp_tear_down (Tmp *t, gconstpointer data)
{
  essc_test_remove_dir (t->dir);
  g_free (t->dir);
}

/* Writes a vector file into the set and lists the set in a new manifest
 * (none when a file's numberOfTests cannot be read). */
static char *
put (Tmp *t, const char *name, const char *text)
{
  char *p = g_build_filename (t->dir, name, NULL);
  g_autofree char *m = g_build_filename (t->dir, CONF_MANIFEST_FILE, NULL);
  g_assert_true (g_file_set_contents (p, text, -1, NULL));
  g_remove (m);
  conf_manifest_write_dir (t->dir, NULL);
  return p;
}

static char *
adapter (const char *name)
{
  g_autofree char *path = essc_test_src_path ("tests", "adapters", name, NULL);
  return g_shell_quote (path);
}

static void
test_plan_load (Tmp *t, gconstpointer data)
{
  g_autofree char *p = put (t, "t.json", SUITE);
  g_autoptr (GError) error = NULL;
  g_autoptr (ConfPlan) plan = conf_plan_load (t->dir, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (plan->tests->len, ==, 6);
  g_assert_cmpuint (plan->files->len, ==, 1);
  g_assert_cmpuint (strlen (((ConfVectorFile *) plan->files->pdata[0])->blake2b), ==, 64);
  ConfTest *t3 = plan->tests->pdata[2];
  g_assert_cmpstr (t3->name, ==, "t/wrong-code");
  g_assert_cmpstr (t3->requirements[0], ==, "QR-5");
  g_assert_cmpint (((ConfStep *) t3->steps->pdata[0])->expect_code, ==, MODEL_STD_EXPIRED);
  g_assert_cmpuint (conf_run_planned (plan, "verifier"), ==, 6);
  g_assert_cmpuint (conf_run_planned (plan, "platform"), ==, 0);
}

/* Each malformation gives an error naming the file and where. */
static void
test_plan_malformed (Tmp *t, gconstpointer data)
{
  static const struct { const char *from, *to, *says; } cases[] = {
    { "\"numberOfTests\":6", "\"numberOfTests\":7", "numberOfTests is 7" },
    { "\"code\":\"expired\"", "\"code\":\"late\"", "'late' is not an ESSC-STD error code" },
    { "\"name\":\"t/pass\"", "\"name\":\"t/refused-right\"", "used twice" },
    { "\"schema\":\"essc-vectors/1\"", "\"schema\":\"essc-vectors/9\"", "essc-vectors/9" },
    { RESET "],\"tests\":[{\"tcId\":1", "{\"op\":\"echo\",\"params\":{},\"expect\":{\"ok\":true}}"
      "],\"tests\":[{\"tcId\":1", "setup must start with reset" },
    { "\"requirements\":[\"QR-6\"],\"comment\":\"c\",\"flags\":[],\"result\":\"valid\",\"steps\""
      ":[{\"op\":\"echo\"", "\"requirements\":[],\"comment\":\"c\",\"flags\":[],\"result\":\"valid\","
      "\"steps\":[{\"op\":\"echo\"", "names no requirement" },
    { "{\"tcId\":4", "{\"tcId\":\"4\"", "member 'tcId': expected an integer" },
    /* tests of a role no run plays were loaded, then played by none (found by
     * tests/fuzz/fuzz_vectors.c) */
    { "\"role\":\"verifier\",\"profile\":{\"tier\":2}",
      "\"role\":\"veriaudit_chaifier\",\"profile\":{\"tier\":2}",
      "testGroups[1].role: 'veriaudit_chaifier', expected verifier, channel or platform" },
    /* and a result docs/VECTORS.md does not have (also found by fuzz_vectors.c) */
    { "\"result\":\"valid\",\"steps\":[{\"op\":\"echo\",\"params\":{},\"expect\":{\"ok\":true}}",
      "\"result\":\"valicccd\",\"steps\":[{\"op\":\"echo\",\"params\":{},\"expect\":{\"ok\":true}}",
      "testGroups[1].tests[0].result: 'valicccd', expected valid, invalid or acceptable" },
    /* steps no response can meet: refused with ok, or with none of no codes (found with
     * fuzz_vectors.c, whose response made from a step's expectation the client refused) */
    { "\"code\":\"expired\"", "\"code\":\"ok\"", "'ok' is not an ESSC-STD error code" },
    { "\"code\":\"expired\"", "\"any_code\":[]", "expect.any_code: expected at least one" },
    { "\"code\":\"expired\"", "\"any_code\":[\"expired\",\"ok\"]",
      "expect.any_code: 'ok' is not an ESSC-STD error code" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = g_strdup (SUITE);
      char *at = strstr (text, cases[i].from);
      g_assert_nonnull (at);
      g_autofree char *bad = g_strdup_printf ("%.*s%s%s", (int) (at - text), text, cases[i].to,
                                              at + strlen (cases[i].from));
      g_autofree char *p = put (t, "t.json", bad);
      g_autoptr (GError) error = NULL;
      g_autoptr (ConfPlan) plan = conf_plan_load (t->dir, &error);
      g_assert_null (plan);
      if (strstr (error->message, cases[i].says) == NULL || strstr (error->message, "t.json") == NULL)
        g_error ("case %zu: '%s' does not say '%s'", i, error->message, cases[i].says);
    }
  g_autofree char *p = put (t, "t.json", "{\"schema\": [[[[[");
  g_autoptr (GError) error = NULL;
  /* A file whose numberOfTests cannot be read cannot be listed. */
  g_assert_null (conf_plan_load (t->dir, &error));
  g_assert_nonnull (strstr (error->message, "no manifest.json"));
  g_clear_error (&error);
  /* A file the manifest lists, gone: an error, not a smaller suite. */
  g_free (p);
  p = put (t, "t.json", SUITE);
  g_remove (p);
  g_assert_null (conf_plan_load (t->dir, &error));
  g_assert_nonnull (strstr (error->message, "t.json is listed in manifest.json but missing"));
}

static void
test_profile (Tmp *t, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *good = put (t, "p.ini", "[profile]\nrole=channel\ntier=2\npayment=false\n"
                                           "class=bank\n");
  g_autoptr (ConfProfile) p = conf_profile_load (good, "channel", &error);
  g_assert_no_error (error);
  g_assert_cmpint (p->tier, ==, 2);
  g_assert_false (p->payment);
  g_assert_cmpstr (p->klass, ==, "bank");
  char *why = NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_assert_true (json_parser_load_from_data (parser, "{\"tier\":1}", -1, NULL));
  g_assert_false (conf_profile_admits (p, json_node_get_object (json_parser_get_root (parser)),
                                       &why));
  g_assert_nonnull (strstr (why, "tier 2"));
  g_free (why);

  const char *bad[][2] = {
    { "[profile]\nrole=channel\ntiers=2\n", "unknown key" },
    { "[profile]\nrole=platform\n", "the profile is for platform" },
    { "[profile]\nrole=channel\ntier=3\n", "tier: expected 1 or 2" },
    { "[profile]\nrole=channel\nclass=casino\n", "class: expected" },
    { "[other]\nrole=channel\n", "unknown group" },
    { "role=channel\n", "p.ini" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *path = put (t, "p.ini", bad[i][0]);
      g_clear_error (&error);
      g_assert_null (conf_profile_load (path, "channel", &error));
      if (strstr (error->message, bad[i][1]) == NULL)
        g_error ("profile case %zu: '%s'", i, error->message);
    }
}

static void
test_waivers_file (Tmp *t, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *good = put (t, "w.txt", "# known\n\nt/wrong-code fix due in 2.1\nt/x\n");
  g_autoptr (ConfWaivers) w = conf_waivers_load (good, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (w->waivers->len, ==, 2);
  g_assert_cmpstr (conf_waivers_find (w, "t/wrong-code")->reason, ==, "fix due in 2.1");
  g_assert_cmpint (conf_waivers_find (w, "t/x")->line, ==, 4);
  g_assert_null (conf_waivers_find (w, "t/y"));

  g_autofree char *dup = put (t, "w.txt", "t/a one\nt/a two\n");
  g_assert_null (conf_waivers_load (dup, &error));
  g_assert_nonnull (strstr (error->message, "w.txt:2"));
  g_clear_error (&error);
  g_autofree char *bad = put (t, "w.txt", "ok line\n!bad\n");
  g_assert_null (conf_waivers_load (bad, &error));
  g_assert_nonnull (strstr (error->message, "w.txt:2"));
  g_clear_error (&error);

  /* A file of the largest size, one short waiver a line: the name waived
   * twice is found on its line (each name used to be compared with every
   * earlier one, 54 s for these 1 MiB; now a hash set, 0.05 s). */
  g_autoptr (GString) many = g_string_new (NULL);
  guint n = 0;
  while (many->len < (1 << 20) - 16)
    g_string_append_printf (many, "t/%u\n", n++);
  g_string_append (many, "t/0\n");
  g_autofree char *big = put (t, "w.txt", many->str);
  g_assert_null (conf_waivers_load (big, &error));
  g_autofree char *where = g_strdup_printf ("w.txt:%u: t/0 is waived twice", n + 1);
  g_assert_nonnull (strstr (error->message, where));
}

/* audit_chain recomputes the hashes: a good chain passes, an edited one fails. */
static void
test_expect_audit (void)
{
  g_autoptr (ModelAuditLog) log = model_audit_log_new ();
  for (int i = 0; i < 5; i++)
    g_assert_nonnull (model_audit_log_append (log, 100 + i, "platform", "card.register",
                                              (const guint8 *) "{}", 2, NULL));
  for (int tamper = 0; tamper < 2; tamper++)
    {
      g_autoptr (JsonBuilder) b = json_builder_new ();
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "entries");
      json_builder_begin_array (b);
      for (guint64 i = 0; i < model_audit_log_length (log); i++)
        {
          const ModelAuditEntry *e = model_audit_log_entry (log, i);
          g_autofree char *prev = g_malloc (65), *hash = g_malloc (65);
          for (int k = 0; k < 32; k++)
            {
              g_snprintf (prev + 2 * k, 3, "%02x", e->prev_hash[k]);
              g_snprintf (hash + 2 * k, 3, "%02x", e->hash[k]);
            }
          json_builder_begin_object (b);
          json_builder_set_member_name (b, "seq");
          json_builder_add_int_value (b, (gint64) e->seq);
          json_builder_set_member_name (b, "time");
          json_builder_add_int_value (b, e->time + (tamper && i == 2));
          json_builder_set_member_name (b, "actor");
          json_builder_add_string_value (b, e->actor);
          json_builder_set_member_name (b, "action");
          json_builder_add_string_value (b, e->action);
          json_builder_set_member_name (b, "payload");
          json_builder_add_string_value (b, "7b7d");
          json_builder_set_member_name (b, "prev_hash");
          json_builder_add_string_value (b, prev);
          json_builder_set_member_name (b, "hash");
          json_builder_add_string_value (b, hash);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      json_builder_end_object (b);
      g_autoptr (JsonNode) root = json_builder_get_root (b);
      ConfStep step = { .op = "audit.entries", .expect_ok = TRUE, .check = "audit_chain" };
      ConfCallResult got = { .ok = TRUE, .result = json_node_get_object (root) };
      ConfExpectState state = { 0 };
      g_auto (ConfJudgement) j = { 0 };
      conf_expect_judge (&step, &got, &state, &j);
      g_assert_cmpint (j.pass, ==, !tamper);
      if (tamper)
        g_assert_nonnull (strstr (j.detail, "entry 2"));
      else
        g_assert_cmpuint (state.chain_count, ==, 5);
    }
}

/* An expected real (CHAN-29's score) matches a number within 10^-6, never a
 * string; hello_ops wants every op of the role (docs/ADAPTER.md section 3). */
static void
test_expect_reals_and_hello_ops (void)
{
  static const struct {
    const char *got;
    gboolean pass;
  } reals[] = {
    { "{\"score\":28.284271247}", TRUE }, { "{\"score\":28.2842717}", TRUE },
    { "{\"score\":28.2842723}", FALSE }, { "{\"score\":\"28.284271247\"}", FALSE },
    { "{\"score\":\"x\"}", FALSE }, { "{\"score\":28284271}", FALSE },
    { "{\"score\":null}", FALSE }, { "{}", FALSE },
  };
  g_autoptr (JsonObject) want = conf_json_parse_object ("{\"score\":28.284271247}", 22, NULL);
  g_assert_nonnull (want);
  for (gsize i = 0; i < G_N_ELEMENTS (reals); i++)
    {
      g_autoptr (JsonObject) got = conf_json_parse_object (reals[i].got, strlen (reals[i].got),
                                                           NULL);
      g_assert_nonnull (got);
      ConfStep step = { .op = "channel.get", .expect_ok = TRUE, .expect_result = want };
      ConfCallResult r = { .ok = TRUE, .result = got };
      ConfExpectState state = { 0 };
      g_auto (ConfJudgement) j = { 0 };
      conf_expect_judge (&step, &r, &state, &j);
      if (j.pass != reals[i].pass)
        g_error ("%s: expected %s", reals[i].got, reals[i].pass ? "a pass" : "a failure");
    }
  /* an integer-valued score in integer form matches the real 60.0 */
  g_autoptr (JsonObject) sixty = conf_json_parse_object ("{\"score\":60.0}", 14, NULL);
  g_autoptr (JsonObject) sixty_int = conf_json_parse_object ("{\"score\":60}", 12, NULL);
  g_autoptr (JsonNode) a = json_node_init_object (json_node_alloc (), sixty);
  g_autoptr (JsonNode) b = json_node_init_object (json_node_alloc (), sixty_int);
  g_assert_true (conf_json_contains (a, b, NULL));
  g_assert_false (conf_json_contains (b, a, NULL));   /* an expected integer wants an integer */

  static const struct {
    const char *role, *check, *ops;
    gboolean pass;
  } hellos[] = {
    { "verifier", "hello_ops", "[\"hello\",\"reset\",\"bye\",\"id.validate\",\"status.set\","
      "\"credential.verify\",\"qr.verify\"]", TRUE },
    { "verifier", "hello_ops", "[\"hello\",\"reset\",\"id.validate\",\"status.set\","
      "\"credential.verify\",\"qr.verify\"]", FALSE },
    { "channel", "hello_ops", "[\"hello\",\"reset\",\"bye\",\"channel.set_status\","
      "\"request.sign\",\"request.relay\",\"credential.verify\",\"consent.grant\","
      "\"consent.revoke\",\"data.request\"]", TRUE },
    { "channel", "hello_ops_payment", "[\"hello\",\"reset\",\"bye\",\"channel.set_status\","
      "\"request.sign\",\"request.relay\",\"credential.verify\",\"consent.grant\","
      "\"consent.revoke\",\"data.request\"]", FALSE },
    { "channel", "hello_ops", "[\"hello\",\"reset\",\"bye\",\"channel.set_status\","
      "\"request.sign\",\"credential.verify\",\"consent.grant\","
      "\"consent.revoke\",\"data.request\",7]", FALSE },
    { NULL, "hello_ops", "[]", FALSE },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (hellos); i++)
    {
      g_autofree char *text = g_strdup_printf ("{\"ops\":%s}", hellos[i].ops);
      g_autoptr (JsonObject) got = conf_json_parse_object (text, strlen (text), NULL);
      g_assert_nonnull (got);
      ConfStep step = { .op = "hello", .expect_ok = TRUE, .check = (char *) hellos[i].check };
      ConfCallResult r = { .ok = TRUE, .result = got };
      ConfExpectState state = { .role = hellos[i].role };
      g_auto (ConfJudgement) j = { 0 };
      conf_expect_judge (&step, &r, &state, &j);
      if (j.pass != hellos[i].pass)
        g_error ("hello %zu: expected %s (%s)", i, hellos[i].pass ? "a pass" : "a failure",
                 j.detail ? j.detail : "");
    }
}

/* credential_issued (CRED-12): every backdate 0..300 passes, and nothing else. */
static void
test_expect_credential_issued (void)
{
  guint8 seed[32] = { 9 }, other_seed[32] = { 10 }, dev[32], dev_sk[64];
  ModelIssuanceEvidence ev = { TRUE, TRUE, TRUE, TRUE };
  ModelEcard e;
  ModelCredential ref;
  g_autoptr (ModelPlatformKey) key = model_platform_key_from_seed (seed);
  g_autoptr (ModelPlatformKey) other = model_platform_key_from_seed (other_seed);
  g_autoptr (ModelCardRegistry) cards = model_card_registry_new (seed);
  crypto_sign_seed_keypair (dev, dev_sk, other_seed);
  g_assert_true (model_card_register (cards, "A00000001", "11010519491231002X", "x", 110100, TRUE,
                                      ESSC_TEST_NOW, NULL));
  g_assert_true (model_card_issue_ecard (cards, "A00000001", 2, &ev, dev, ESSC_TEST_NOW, &e,
                                         NULL));
  const gint64 now = ESSC_TEST_NOW, life = 3600;
  g_autoptr (GBytes) want = model_issuer_sign_credential (cards, e.id, key, now, life, &ref, NULL);
  g_autofree char *want_hex = base_hex_encode_dup (g_bytes_get_data (want, NULL),
                                                   g_bytes_get_size (want));
  g_autofree char *seed_hex = base_hex_encode_dup (seed, 32);
  g_autofree char *reset_json = g_strdup_printf ("{\"config\":{\"platform_key_seed\":\"%s\"}}",
                                                 seed_hex);
  g_autoptr (JsonObject) reset_params = conf_json_parse_object (reset_json, strlen (reset_json),
                                                                NULL);
  g_autofree char *expect_json = g_strdup_printf ("{\"credential\":\"%s\"}", want_hex);
  g_autoptr (JsonObject) expect = conf_json_parse_object (expect_json, strlen (expect_json), NULL);
  ConfStep reset = { .op = "reset", .params = reset_params, .expect_ok = TRUE };
  ConfStep step = { .op = "credential.issue", .expect_ok = TRUE, .expect_result = expect,
                    .check = "credential_issued" };
  static const struct {
    gint64 issued, expires;   /* relative to now */
    gboolean other_key, other_city;
    const char *detail;       /* NULL: passes */
  } cases[] = {
    { 0, 3600, FALSE, FALSE, NULL },
    { -1, 3600, FALSE, FALSE, NULL },
    { -120, 3600, FALSE, FALSE, NULL },
    { -300, 3600, FALSE, FALSE, NULL },
    { -301, 3600, FALSE, FALSE, "issued_at" },
    { 1, 3600, FALSE, FALSE, "issued_at" },
    { -300, 3300, FALSE, FALSE, "expires_at" },
    { 0, 3601, FALSE, FALSE, "expires_at" },
    { 0, 3600, TRUE, FALSE, "not in the trust list" },
    { 0, 3600, FALSE, TRUE, "city" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      ModelCredential c = ref;
      c.issued_at = now + cases[i].issued;
      c.expires_at = now + cases[i].expires;
      if (cases[i].other_city)
        c.city = 440500;
      g_autoptr (GBytes) bytes = model_credential_sign (&c, cases[i].other_key ? other : key, NULL);
      g_autofree char *hex = base_hex_encode_dup (g_bytes_get_data (bytes, NULL),
                                                  g_bytes_get_size (bytes));
      g_autofree char *res_json = g_strdup_printf ("{\"credential\":\"%s\"}", hex);
      ConfCallResult got = { .ok = TRUE,
                             .result = conf_json_parse_object (res_json, strlen (res_json), NULL) };
      g_auto (ConfExpectState) state = { 0 };
      g_auto (ConfJudgement) j = { 0 };
      conf_expect_note_request (&state, &reset);
      conf_expect_judge (&step, &got, &state, &j);
      g_test_message ("case %zu: %s", i, j.detail ? j.detail : "pass");
      g_assert_cmpint (j.pass, ==, cases[i].detail == NULL);
      if (cases[i].detail != NULL)
        g_assert_nonnull (strstr (j.detail, cases[i].detail));
      json_object_unref (got.result);
    }
  /* Without a reset naming the platform key, the check cannot pass. */
  {
    ConfCallResult got = { .ok = TRUE, .result = json_object_ref (expect) };
    g_auto (ConfExpectState) state = { 0 };
    g_auto (ConfJudgement) j = { 0 };
    conf_expect_judge (&step, &got, &state, &j);
    g_assert_false (j.pass);
    json_object_unref (got.result);
  }
  sodium_memzero (dev_sk, sizeof dev_sk);
}

typedef struct {
  GString *tap;
} Capture;

static void
capture (const ConfTestResult *r, guint index, guint total, gpointer data)
{
  Capture *c = data;
  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream (&buf, &len);
  conf_tap_result (f, r, index);
  fclose (f);
  g_string_append_len (c->tap, buf, (gssize) len);
  free (buf);
}

static ConfVerdict
verdict_of (ConfRun *run, const char *name)
{
  for (guint i = 0; i < run->results->len; i++)
    {
      ConfTestResult *r = run->results->pdata[i];
      if (strcmp (r->name, name) == 0)
        return r->verdict;
    }
  g_error ("no result for %s", name);
}

static void
test_run_verdicts (Tmp *t, gconstpointer data)
{
  g_autofree char *p = put (t, "t.json", SUITE);
  g_autoptr (ConfPlan) plan = conf_plan_load (t->dir, NULL);
  g_autofree char *cmd = adapter ("good.sh");
  Capture c = { g_string_new (NULL) };
  ConfRunOptions o = { .command = cmd, .role = "verifier", .timeout_ms = 5000,
                       .on_result = capture, .user_data = &c };
  g_autoptr (GError) error = NULL;
  g_autoptr (ConfRun) run = conf_run (plan, &o, &error);
  g_assert_no_error (error);
  g_assert_cmpint (verdict_of (run, "t/pass"), ==, CONF_VERDICT_PASS);
  g_assert_cmpint (verdict_of (run, "t/refused-right"), ==, CONF_VERDICT_PASS);
  g_assert_cmpint (verdict_of (run, "t/wrong-code"), ==, CONF_VERDICT_FAIL);
  g_assert_cmpint (verdict_of (run, "t/not-implemented"), ==, CONF_VERDICT_NOT_IMPLEMENTED);
  g_assert_cmpint (verdict_of (run, "t/wrong-result"), ==, CONF_VERDICT_FAIL);
  g_assert_cmpint (verdict_of (run, "t/tier2"), ==, CONF_VERDICT_SKIP);
  g_assert_false (conf_run_conformant (run));
  g_assert_cmpstr (run->iut_name, ==, "test adapter good");
  /* TAP diagnostics name requirement, vector, step, expected and got. */
  g_assert_nonnull (strstr (c.tap->str, "ok 1 - QR-6 t/pass\n"));
  g_assert_nonnull (strstr (c.tap->str, "not ok 3 - QR-5 t/wrong-code\n  ---\n"
                                        "  requirement: \"QR-5\"\n  vector: \"t.json#3\"\n"));
  g_assert_nonnull (strstr (c.tap->str, "  expected: \"refused: expired\"\n"
                                        "  got: \"refused: replayed (token already used)\"\n"));
  g_assert_nonnull (strstr (c.tap->str, "not ok 4 - QR-1 t/not-implemented (not implemented)"));
  g_assert_nonnull (strstr (c.tap->str, "result.op differs"));
  g_assert_nonnull (strstr (c.tap->str, "ok 6 - CHAN-7 t/tier2 # SKIP"));
  g_string_free (c.tap, TRUE);

  /* Latency was measured for the ops that were answered. */
  gboolean saw_echo = FALSE;
  for (guint i = 0; i < run->latency->len; i++)
    saw_echo |= strcmp (((ConfOpLatency *) run->latency->pdata[i])->op, "echo") == 0;
  g_assert_true (saw_echo);
}

static void
test_run_waivers (Tmp *t, gconstpointer data)
{
  g_autofree char *p = put (t, "t.json", SUITE);
  g_autofree char *wp = put (t, "w.txt", "t/wrong-code known\nt/not-implemented later\n"
                                         "t/wrong-result x\nt/pass stale\nt/gone typo\n");
  g_autoptr (ConfPlan) plan = conf_plan_load (t->dir, NULL);
  g_autoptr (ConfWaivers) w = conf_waivers_load (wp, NULL);
  g_autofree char *cmd = adapter ("good.sh");
  ConfRunOptions o = { .command = cmd, .role = "verifier", .timeout_ms = 5000, .waivers = w };
  g_autoptr (ConfRun) run = conf_run (plan, &o, NULL);
  g_assert_cmpint (verdict_of (run, "t/wrong-code"), ==, CONF_VERDICT_WAIVED);
  g_assert_cmpint (verdict_of (run, "t/not-implemented"), ==, CONF_VERDICT_WAIVED);
  g_assert_cmpint (verdict_of (run, "t/wrong-result"), ==, CONF_VERDICT_WAIVED);
  /* A waiver of a passing test, and one naming no test, are failures. */
  g_assert_cmpint (verdict_of (run, "t/pass"), ==, CONF_VERDICT_FAIL);
  g_assert_cmpint (verdict_of (run, "t/gone"), ==, CONF_VERDICT_FAIL);
  g_assert_cmpuint (run->counts[CONF_VERDICT_FAIL], ==, 2);
  g_assert_false (conf_run_conformant (run));
  g_assert_cmpuint (conf_run_total (plan, &o), ==, run->results->len);
}

/* A waiver of a test outside the profile is reported, and counted in the
 * plan line. */
static void
test_run_waiver_of_skipped (Tmp *t, gconstpointer data)
{
  g_autofree char *p = put (t, "t.json", SUITE);
  g_autofree char *wp = put (t, "w.txt", "t/tier2 not for us\n");
  g_autoptr (ConfPlan) plan = conf_plan_load (t->dir, NULL);
  g_autoptr (ConfWaivers) w = conf_waivers_load (wp, NULL);
  g_autofree char *cmd = adapter ("good.sh");
  ConfRunOptions o = { .command = cmd, .role = "verifier", .timeout_ms = 5000, .waivers = w };
  guint total = conf_run_total (plan, &o);
  g_autoptr (ConfRun) run = conf_run (plan, &o, NULL);
  g_assert_cmpuint (run->results->len, ==, 7);
  g_assert_cmpuint (total, ==, 7);
  ConfTestResult *last = run->results->pdata[6];
  g_assert_cmpstr (last->name, ==, "t/tier2");
  g_assert_cmpint (last->verdict, ==, CONF_VERDICT_FAIL);
  g_assert_nonnull (strstr (last->reason, "outside the profile"));
}

/* A hanging IUT: each test times out, says so, and the next test gets a new process. */
static void
test_run_timeout (Tmp *t, gconstpointer data)
{
  g_autofree char *p = put (t, "t.json", SUITE);
  g_autoptr (ConfPlan) plan = conf_plan_load (t->dir, NULL);
  g_autofree char *cmd = adapter ("hang.sh");
  /* 1 s: a loaded machine's slow start of hang.sh must not pass for a hang at hello */
  ConfRunOptions o = { .command = cmd, .role = "verifier", .timeout_ms = 1000 };
  gint64 start = g_get_monotonic_time ();
  g_autoptr (GError) error = NULL;
  g_autoptr (ConfRun) run = conf_run (plan, &o, &error);
  g_assert_no_error (error);
  g_assert_nonnull (run);
  g_assert_cmpint (verdict_of (run, "t/pass"), ==, CONF_VERDICT_FAIL);
  ConfTestResult *r = run->results->pdata[0];
  g_assert_nonnull (strstr (r->reason, "timeout"));
  g_assert_cmpint (r->step, ==, 1);
  g_assert_cmpuint (run->counts[CONF_VERDICT_FAIL], ==, 5);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 60 * G_USEC_PER_SEC);
}

/* After max_dead_in_a_row dead tests, the rest are not run: not played,
 * not failed, not waived, and the run is not conformant. */
static void
test_run_gives_up (Tmp *t, gconstpointer data)
{
  g_autofree char *p = put (t, "t.json", SUITE);
  g_autofree char *wp = put (t, "w.txt", "t/not-implemented known\n");
  g_autoptr (ConfPlan) plan = conf_plan_load (t->dir, NULL);
  g_autoptr (ConfWaivers) w = conf_waivers_load (wp, NULL);
  g_autofree char *cmd = adapter ("hang.sh");
  Capture c = { g_string_new (NULL) };
  ConfRunOptions o = { .command = cmd, .role = "verifier", .timeout_ms = 1000,
                       .max_dead_in_a_row = 2, .waivers = w, .on_result = capture,
                       .user_data = &c };
  g_autoptr (GError) error = NULL;
  g_autoptr (ConfRun) run = conf_run (plan, &o, &error);
  g_assert_no_error (error);
  ConfTestResult *first = run->results->pdata[0], *third = run->results->pdata[2];
  g_assert_nonnull (strstr (first->reason, "timeout"));
  g_assert_cmpint (third->verdict, ==, CONF_VERDICT_NOT_RUN);
  g_assert_cmpstr (third->reason, ==, "not run: the implementation failed 2 tests in a row "
                                      "(timeout, crash, network or protocol error)");
  g_assert_cmpint (third->step, ==, 0);
  g_assert_cmpstr (conf_verdict_name (third->verdict), ==, "not_run");
  /* The waiver matched a test that was not run: neither used nor a failure. */
  g_assert_cmpint (verdict_of (run, "t/not-implemented"), ==, CONF_VERDICT_NOT_RUN);
  g_assert_cmpuint (run->results->len, ==, 6);
  g_assert_cmpint (verdict_of (run, "t/tier2"), ==, CONF_VERDICT_SKIP);
  g_assert_cmpuint (run->counts[CONF_VERDICT_FAIL], ==, 2);
  g_assert_cmpuint (run->counts[CONF_VERDICT_NOT_RUN], ==, 3);
  g_assert_false (conf_run_conformant (run));
  g_assert_nonnull (strstr (c.tap->str, "\nok 3 - QR-5 t/wrong-code # SKIP not run: the "
                                        "implementation failed 2 tests in a row (timeout, "
                                        "crash, network or protocol error)\n"));
  g_string_free (c.tap, TRUE);
}

/* A refusal's message and the IUT's standard error of several lines come
 * out in TAP as YAML literal blocks, line by line. */
static void
test_run_multi_line (Tmp *t, gconstpointer data)
{
  g_autofree char *p = put (t, "t.json", SUITE);
  g_autoptr (ConfPlan) plan = conf_plan_load (t->dir, NULL);
  g_autofree char *cmd = adapter ("traceback.sh");
  Capture c = { g_string_new (NULL) };
  ConfRunOptions o = { .command = cmd, .role = "verifier", .timeout_ms = 5000,
                       .on_result = capture, .user_data = &c };
  g_autoptr (ConfRun) run = conf_run (plan, &o, NULL);
  g_assert_nonnull (run);
  g_assert_nonnull (strstr (c.tap->str,
                            "  got: |\n"
                            "    refused: internal (Traceback (most recent call last):\n"
                            "      File \"iut.py\", line 3, in <module>   \n"
                            "    \n"
                            "    # not a comment\n"
                            "    --- not a document\n"
                            "    ValueError: 身份证号码无效)\n"));
  g_assert_nonnull (strstr (c.tap->str,
                            "  stderr: |\n"
                            "    Traceback (most recent call last):\n"
                            "      File \"iut.py\", line 9, in refuse\n"
                            "    \n"
                            "        raise KeyError(token)\n"
                            "    KeyError: 令牌\n"
                            "  ...\n"));
  g_assert_null (strstr (c.tap->str, "\\x0a"));
  g_string_free (c.tap, TRUE);
}

/* --only: the named tests alone, in plan order, each once; waivers of
 * tests left out are not looked at; a waiver naming no test still is. */
static void
test_run_only (Tmp *t, gconstpointer data)
{
  g_autofree char *p = put (t, "t.json", SUITE);
  g_autofree char *wp = put (t, "w.txt", "t/wrong-result x\nt/gone typo\n");
  g_autoptr (ConfPlan) plan = conf_plan_load (t->dir, NULL);
  g_autoptr (ConfWaivers) w = conf_waivers_load (wp, NULL);
  g_autofree char *cmd = adapter ("good.sh");
  const char *const only[] = { "t/wrong-code", "t/pass", "t/wrong-code", NULL };
  g_autoptr (GError) error = NULL;
  g_assert_true (conf_run_check_only (plan, "verifier", only, &error));
  ConfRunOptions o = { .command = cmd, .role = "verifier", .timeout_ms = 5000, .waivers = w,
                       .only = only };
  g_assert_cmpuint (conf_run_total (plan, &o), ==, 3);
  g_autoptr (ConfRun) run = conf_run (plan, &o, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (run->results->len, ==, 3);
  g_assert_cmpstr (((ConfTestResult *) run->results->pdata[0])->name, ==, "t/pass");
  g_assert_cmpstr (((ConfTestResult *) run->results->pdata[1])->name, ==, "t/wrong-code");
  g_assert_cmpstr (((ConfTestResult *) run->results->pdata[2])->name, ==, "t/gone");
  g_assert_cmpuint (g_strv_length (run->only), ==, 3);
  g_assert_false (conf_waivers_find (w, "t/wrong-result")->matched);

  /* Unknown names: the closest names, or the role the test belongs to. */
  static const struct {
    const char *name, *says;
  } bad[] = {
    { "t/wrong-cod", "no test of role verifier is named 't/wrong-cod'; did you mean: "
                     "t/wrong-code" },
    { "wrong", "did you mean: t/wrong-code, t/wrong-result" },
    { "zzzzzzzzzz", "no test of role verifier is named 'zzzzzzzzzz'" },
    { "t/\x01\xff", "named 't/\\x01\\xff'" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      const char *const one[] = { "t/pass", bad[i].name, NULL };
      g_clear_error (&error);
      g_assert_false (conf_run_check_only (plan, "verifier", one, &error));
      if (!g_str_has_prefix (error->message, "no test") || strstr (error->message, bad[i].says) == NULL)
        g_error ("case %zu: '%s'", i, error->message);
    }
  g_clear_error (&error);
  const char *const other[] = { "t/pass", NULL };
  g_assert_false (conf_run_check_only (plan, "platform", other, &error));
  g_assert_cmpstr (error->message, ==, "'t/pass' is a test of role verifier, not platform");
}

/* An IUT that cannot start or fails the handshake stops the run with an error. */
static void
test_run_cannot_start (Tmp *t, gconstpointer data)
{
  g_autofree char *p = put (t, "t.json", SUITE);
  g_autoptr (ConfPlan) plan = conf_plan_load (t->dir, NULL);
  g_autofree char *bad = adapter ("bad-hello.sh");
  const char *cmds[] = { "/nonexistent/iut --x", bad };
  for (gsize i = 0; i < G_N_ELEMENTS (cmds); i++)
    {
      ConfRunOptions o = { .command = cmds[i], .role = "verifier", .timeout_ms = 2000 };
      g_autoptr (GError) error = NULL;
      g_autoptr (ConfRun) run = conf_run (plan, &o, &error);
      g_assert_null (run);
      g_assert_nonnull (error);
    }
}

int
main (int argc, char **argv)
{
  essc_test_init (&argc, &argv);
  g_test_add ("/conf/plan/load", Tmp, NULL, tmp_set_up, test_plan_load, tmp_tear_down);
  g_test_add ("/conf/plan/malformed", Tmp, NULL, tmp_set_up, test_plan_malformed, tmp_tear_down);
  g_test_add ("/conf/profile/load", Tmp, NULL, tmp_set_up, test_profile, tmp_tear_down);
  g_test_add ("/conf/waivers/file", Tmp, NULL, tmp_set_up, test_waivers_file, tmp_tear_down);
  g_test_add_func ("/conf/expect/audit-chain", test_expect_audit);
  g_test_add_func ("/conf/expect/reals-and-hello-ops", test_expect_reals_and_hello_ops);
  g_test_add_func ("/conf/expect/credential-issued", test_expect_credential_issued);
  g_test_add ("/conf/run/verdicts", Tmp, NULL, tmp_set_up, test_run_verdicts, tmp_tear_down);
  g_test_add ("/conf/run/waivers", Tmp, NULL, tmp_set_up, test_run_waivers, tmp_tear_down);
  g_test_add ("/conf/run/timeout", Tmp, NULL, tmp_set_up, test_run_timeout, tmp_tear_down);
  g_test_add ("/conf/run/gives-up-on-a-dead-iut", Tmp, NULL, tmp_set_up, test_run_gives_up,
              tmp_tear_down);
  g_test_add ("/conf/run/cannot-start", Tmp, NULL, tmp_set_up, test_run_cannot_start,
              tmp_tear_down);
  g_test_add ("/conf/run/waiver-of-a-skipped-test", Tmp, NULL, tmp_set_up,
              test_run_waiver_of_skipped, tmp_tear_down);
  g_test_add ("/conf/run/multi-line-diagnostics", Tmp, NULL, tmp_set_up, test_run_multi_line,
              tmp_tear_down);
  g_test_add ("/conf/run/only", Tmp, NULL, tmp_set_up, test_run_only, tmp_tear_down);
  return g_test_run ();
}
