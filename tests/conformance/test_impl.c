/* SPDX-License-Identifier: MIT */
/*
 * Tests of the reference implementations (conformance/impl.h).  The
 * implementations are driven in-process through memory streams with
 * conf_impl_serve, and once through `$ESSC_BIN impl` as a subprocess.  The
 * expected bytes (e-card ids, credentials, request wires, grant ids) come
 * from model/ with the same seeds (conf_impl_fixture.h), so the tests check
 * ADAPTER.md's test mode as well as the answers.  The fault catalogue is
 * tested by test_conf_impl_faults.c.
 */
#include "tests/lib/testutil.h"

#include "conformance/faults.h"
#include "conformance/impl.h"
#include "conformance/json.h"
#include "model/std/audit.h"
#include "model/std/card.h"
#include "model/std/channel.h"
#include "model/std/common.h"
#include "model/std/consent.h"
#include "model/std/id.h"
#include "model/std/issuer.h"
#include "model/std/ledger.h"
#include "model/std/qr.h"
#include "tests/lib/conf_impl_fixture.h"

#include <gio/gio.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#define T ESSC_TEST_NOW


/* ---- protocol ---------------------------------------------------------------- */

static void
test_hello (void)
{
  for (guint r = 0; r < CONF_N_ROLES; r++)
    {
      g_autoptr (GPtrArray) resp = fx_impl_run_script (r, NULL, "bye {}");
      g_autoptr (JsonObject) hello = fx_impl_result_of (resp->pdata[0]);
      JsonArray *ops;
      g_assert_cmpstr (json_object_get_string_member (hello, "role"), ==,
                       conf_role_name ((ConfRole) r));
      g_assert_cmpstr (json_object_get_string_member (hello, "protocol"), ==, "essc-adapter/1");
      g_assert_true (conf_json_get_array (hello, "ops", &ops, NULL));
      g_assert_cmpuint (json_array_get_length (ops), >, 4);
      gboolean has_reset = FALSE;
      for (guint i = 0; i < json_array_get_length (ops); i++)
        has_reset = has_reset || strcmp (json_array_get_string_element (ops, i), "reset") == 0;
      g_assert_true (has_reset);
      for (guint i = 1; i < resp->len; i++)
        g_assert_nonnull (strstr (resp->pdata[i], "\"ok\":true"));
    }
}

static void
test_unimplemented_and_order (void)
{
  g_autoptr (ConfImpl) impl = conf_impl_new (CONF_ROLE_VERIFIER, NULL, NULL);
  const char *before = "{\"essc\":1,\"id\":1,\"op\":\"qr.verify\",\"params\":{}}";
  g_autofree char *r1 = conf_impl_handle (impl, before, strlen (before));
  g_assert_cmpstr (r1, ==, "{\"id\":1,\"ok\":false,\"error\":{\"code\":\"invalid_state\","
                           "\"message\":\"qr.verify: no reset yet\"}}");
  /* An op of another role is not offered. */
  g_autoptr (GPtrArray) v = fx_impl_run_script (CONF_ROLE_VERIFIER, NULL, "payment.submit @PAY@");
  fx_impl_assert_last (v, "!unimplemented");
  g_autoptr (GPtrArray) c = fx_impl_run_script (CONF_ROLE_CHANNEL, NULL, "qr.verify {}");
  fx_impl_assert_last (c, "!unimplemented");
  g_autoptr (GPtrArray) p = fx_impl_run_script (CONF_ROLE_PLATFORM, NULL, "request.sign {}");
  fx_impl_assert_last (p, "!unimplemented");
  /* Unknown members are ignored. */
  g_autoptr (GPtrArray) u = fx_impl_run_script (CONF_ROLE_VERIFIER, NULL,
                                        "id.validate {\"ssn\":\"" SSN1 "\",\"now\":@NOW@,"
                                        "\"future\":[1,{\"x\":null}]}");
  fx_impl_assert_last (u, "ok:\"birth_date\":\"1949-12-31\"");
  g_assert_null (conf_impl_new (CONF_ROLE_VERIFIER, "pay-settle-twice", NULL));
  g_assert_null (conf_impl_new (CONF_ROLE_VERIFIER, "no-such-fault", NULL));
}

static void
test_hostile (void)
{
  g_autoptr (GString) in = g_string_new (NULL);
  g_autofree char *reset = fx_impl_expand ("{\"essc\":1,\"id\":1,\"op\":\"reset\",\"params\":"
                                   "{\"seed\":\"@SEED@\",\"now\":1,\"trust\":[]}}\n");
  g_string_append (in, reset);
  g_string_append (in, "not json\n");
  g_string_append (in, "[1,2]\n");
  for (int i = 0; i < 2 * 1024 * 1024; i++)
    g_string_append_c (in, 'x');
  g_string_append_c (in, '\n');
  g_string_append (in, "{\"essc\":1,\"id\":5,\"op\":\"id.validate\"}\n");
  g_string_append (in, "{\"essc\":1,\"id\":6,\"op\":\"id.validate\",\"params\":{\"ssn\":5,"
                       "\"now\":1}}\n");
  g_string_append (in, "{\"essc\":1,\"id\":7,\"op\":\"status.set\",\"params\":{\"ecard_id\":"
                       "\"zz\",\"status\":\"ok\"}}\n");
  g_string_append (in, "{\"essc\":1,\"id\":8,\"op\":\"hello\",\"params\":[]}\n");
  g_string_append (in, "{\"essc\":2,\"id\":9,\"op\":\"hello\",\"params\":{}}\n");
  g_string_append (in, "{\"essc\":1,\"id\":-3,\"op\":\"hello\",\"params\":{}}\n");
  for (int i = 0; i < 100; i++)
    g_string_append_c (in, '[');
  g_string_append_c (in, '\n');
  g_string_append_len (in, "{\"essc\":1,\0}\r\n", 15);
  g_string_append (in, "\xff\xfe\n");
  g_string_append (in, "{\"essc\":1,\"id\":12,\"op\":\"id.validate\",\"params\":{\"ssn\":"
                       "\"11010519491231002X\\u0000\",\"now\":1}}\n");
  g_string_append (in, "\n");
  /* Still serving, and a last line without its newline is answered. */
  g_string_append (in, "{\"essc\":1,\"id\":10,\"op\":\"reset\",\"params\":{\"seed\":\"00\","
                       "\"now\":1,\"trust\":[]}}\n");
  g_string_append (in, "{\"essc\":1,\"id\":11,\"op\":\"hello\",\"params\":{\"protocol\":"
                       "\"essc-adapter/1\"}}");
  g_autoptr (GPtrArray) r = fx_impl_serve (CONF_ROLE_VERIFIER, NULL, in->str, in->len);
  static const struct { int id; const char *code; } want[] = {
    { 1, NULL }, { 0, "malformed" }, { 0, "malformed" }, { 0, "malformed" }, { 5, "malformed" },
    { 6, "malformed" }, { 7, "malformed" }, { 8, "malformed" }, { 9, "malformed" },
    { 0, "malformed" }, { 0, "malformed" }, { 0, "malformed" }, { 0, "malformed" },
    { 12, "malformed" }, { 0, "malformed" }, { 10, "malformed" }, { 11, NULL },
  };
  g_assert_cmpuint (r->len, ==, G_N_ELEMENTS (want));
  for (gsize i = 0; i < G_N_ELEMENTS (want); i++)
    {
      g_autofree char *prefix = g_strdup_printf ("{\"id\":%d,\"ok\":%s", want[i].id,
                                                 want[i].code ? "false" : "true");
      g_assert_true (g_str_has_prefix (r->pdata[i], prefix));
      if (want[i].code != NULL)
        g_assert_nonnull (strstr (r->pdata[i], "\"code\":\"malformed\""));
      g_assert_true (g_utf8_validate (r->pdata[i], -1, NULL));
    }
}

/* ---- the roles' happy paths -------------------------------------------------- */

static void
test_platform (void)
{
  g_autoptr (GPtrArray) r = fx_impl_run_script (
    CONF_ROLE_PLATFORM, NULL,
    "credential.issue {\"ecard_id\":\"@E2@\",\"now\":@NOW@,\"lifetime\":31536000}\n"
    "qr.verify {\"token\":\"@TID@\",\"purpose\":\"identity\",\"pin_verified\":false,"
    "\"now\":@NOW@}\n"
    "ecard.status {\"ecard_id\":\"@E1@\"}\n"
    "payment.submit @PAY@\n"
    "payment.submit @PAY@\n"
    "payment.settle {\"order_id\":\"@ORDER1@\",\"now\":@NOW@}\n"
    "ledger.reconcile {}\n"
    "id.validate {\"ssn\":\"" SSN2 "\",\"now\":@NOW@}\n"
    "audit.entries {\"from\":0,\"count\":1000}\n"
    "audit.head {}");
  /* ISS-9 ids and the credential's bytes, as model/std/ gives them. */
  g_assert_nonnull (strstr (r->pdata[4], fx_impl_get ("E2")));
  g_assert_nonnull (strstr (r->pdata[5], fx_impl_get ("E1")));
  g_autofree char *cred = g_strdup_printf ("{\"credential\":\"%s\"}", fx_impl_get ("C2"));
  g_assert_nonnull (strstr (r->pdata[6], cred));
  g_assert_nonnull (strstr (r->pdata[7], "\"purpose\":\"identity\""));
  g_assert_nonnull (strstr (r->pdata[7], fx_impl_get ("E2")));
  g_assert_nonnull (strstr (r->pdata[8], "\"ok\":true"));
  g_autofree char *order = g_strdup_printf ("\"order_id\":\"%s\",\"route\":\"local\","
                                            "\"state\":\"accepted\",\"duplicate\":false",
                                            fx_impl_get ("ORDER1"));
  g_assert_nonnull (strstr (r->pdata[9], order));
  g_assert_nonnull (strstr (r->pdata[10], "\"duplicate\":true"));
  g_assert_nonnull (strstr (r->pdata[11], "\"state\":\"settled\",\"duplicate\":false"));
  g_assert_nonnull (strstr (r->pdata[12], "\"orders\":1,\"settled\":1,\"local_fen\":100,"
                                          "\"unified_fen\":0"));
  g_assert_nonnull (strstr (r->pdata[13], "\"region\":440524,\"region_known\":false"));

  /* The trail: 4 prelude ops, credential, qr, 2 submissions, settlement. */
  g_autoptr (JsonObject) res = fx_impl_result_of (r->pdata[14]);
  JsonArray *entries = json_object_get_array_member (res, "entries");
  g_assert_cmpuint (json_array_get_length (entries), ==, 9);
  g_autoptr (ModelAuditLog) log = model_audit_log_new ();
  for (guint i = 0; i < json_array_get_length (entries); i++)
    {
      JsonObject *o = json_array_get_object_element (entries, i);
      ModelAuditEntry e = { 0 };
      g_autoptr (GBytes) payload = conf_json_get_hex (o, "payload", NULL);
      e.seq = (guint64) json_object_get_int_member (o, "seq");
      e.time = json_object_get_int_member (o, "time");
      e.actor = (char *) json_object_get_string_member (o, "actor");
      e.action = (char *) json_object_get_string_member (o, "action");
      e.payload = (guint8 *) g_bytes_get_data (payload, &e.payload_len);
      g_assert_true (conf_json_get_hex_fixed (o, "prev_hash", e.prev_hash, 32, NULL));
      g_assert_true (conf_json_get_hex_fixed (o, "hash", e.hash, 32, NULL));
      g_assert_true (model_audit_log_restore (log, &e, NULL));
    }
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (entries, 5),
                                                  "action"), ==, "qr.verify");
  ModelAuditHead head;
  g_autoptr (JsonObject) hr = fx_impl_result_of (r->pdata[15]);
  head.count = (guint64) json_object_get_int_member (hr, "count");
  g_assert_true (conf_json_get_hex_fixed (hr, "hash", head.hash, 32, NULL));
  g_autoptr (GError) error = NULL;
  g_assert_true (model_audit_log_verify (log, &head, MODEL_AUDIT_VERIFY_EXACT_HEAD, NULL, &error));
  g_assert_no_error (error);
}

static void
test_platform_pin_audit (void)
{
  g_autoptr (GPtrArray) r = fx_impl_run_script (
    CONF_ROLE_PLATFORM, NULL,
    "pin.set {\"ssn\":\"" SSN1 "\",\"pin\":\"260419\",\"now\":@NOW@}\n"
    "pin.verify {\"ssn\":\"" SSN1 "\",\"pin\":\"260418\",\"now\":@NOW@}\n"
    "pin.verify {\"ssn\":\"" SSN1 "\",\"pin\":\"260419\",\"now\":@NOW@}\n"
    "pin.change {\"ssn\":\"" SSN1 "\",\"old_pin\":\"260419\",\"new_pin\":\"314159\","
    "\"now\":@NOW@}\n"
    "settlement.set_switch {\"city\":110100,\"switch_at\":1593561601}\n"
    "audit.entries {\"from\":4,\"count\":10}");
  g_assert_nonnull (strstr (r->pdata[6], "\"ok\":true"));
  g_assert_nonnull (strstr (r->pdata[7], "\"code\":\"pin_wrong\""));
  g_assert_nonnull (strstr (r->pdata[8], "\"ok\":true"));
  g_assert_nonnull (strstr (r->pdata[9], "\"ok\":true"));
  /* Refusals that change state are traced; no clear PIN is (PIN-4). */
  g_autoptr (JsonObject) res = fx_impl_result_of (fx_impl_last (r));
  JsonArray *entries = json_object_get_array_member (res, "entries");
  g_assert_cmpuint (json_array_get_length (entries), ==, 5);
  for (guint i = 0; i < json_array_get_length (entries); i++)
    {
      JsonObject *o = json_array_get_object_element (entries, i);
      g_autoptr (GBytes) payload = conf_json_get_hex (o, "payload", NULL);
      g_autofree char *text = g_strndup (g_bytes_get_data (payload, NULL),
                                         g_bytes_get_size (payload));
      g_assert_null (strstr (text, "2604"));
      g_assert_null (strstr (text, "314159"));
      g_assert_cmpint (json_object_get_int_member (o, "time"), ==, T);
    }
}

/* AUDIT-11..AUDIT-13 (table 9.4): which outcomes write an entry, its action
 * and actor, and its time (clamped; the previous entry's for an op without
 * `now`).  The prelude leaves four entries at T. */
static void
test_platform_audit_duties (void)
{
  g_autoptr (GPtrArray) r = fx_impl_run_script (
    CONF_ROLE_PLATFORM, NULL,
    "pin.set {\"ssn\":\"" SSN1 "\",\"pin\":\"260419\",\"now\":1590969700}\n"
    "pin.verify {\"ssn\":\"" SSN1 "\",\"pin\":\"12345\",\"now\":1590969701}\n"
    "pin.change {\"ssn\":\"" SSN1 "\",\"old_pin\":\"260419\",\"new_pin\":\"111111\","
    "\"now\":1590969702}\n"
    "pin.change {\"ssn\":\"" SSN1 "\",\"old_pin\":\"260419\",\"new_pin\":\"260419\","
    "\"now\":1590969703}\n"
    "id.validate {\"ssn\":\"" SSN2 "\",\"now\":1600000000}\n"
    "settlement.set_switch {\"city\":440500,\"switch_at\":1690000000}\n"
    "card.transition {\"card_no\":\"A00000001\",\"to\":\"lost\",\"now\":5}\n"
    "ecard.status {\"ecard_id\":\"@E2@\"}\n"
    "audit.entries {\"from\":4,\"count\":10}");
  g_assert_nonnull (strstr (r->pdata[7], "\"code\":\"malformed\""));
  g_assert_nonnull (strstr (r->pdata[8], "\"code\":\"pin_weak\""));
  g_assert_nonnull (strstr (r->pdata[9], "\"code\":\"pin_weak\""));
  g_assert_nonnull (strstr (r->pdata[12], "\"status\":\"lost\""));   /* not refused */
  g_autoptr (JsonObject) res = fx_impl_result_of (fx_impl_last (r));
  JsonArray *entries = json_object_get_array_member (res, "entries");
  static const struct {
    const char *action;
    gint64 time;
  } want[] = {
    { "pin.set", 1590969700 },
    { "pin.change", 1590969703 },           /* new = old after the old PIN was verified */
    { "settlement.set_switch", 1590969703 },  /* no now: the previous entry's time */
    { "card.transition", 1590969703 },      /* now 5: raised to the previous entry's time */
  };
  g_assert_cmpuint (json_array_get_length (entries), ==, G_N_ELEMENTS (want));
  for (guint i = 0; i < G_N_ELEMENTS (want); i++)
    {
      JsonObject *o = json_array_get_object_element (entries, i);
      g_assert_cmpint (json_object_get_int_member (o, "seq"), ==, 4 + i);
      g_assert_cmpstr (json_object_get_string_member (o, "actor"), ==, "platform");
      g_assert_cmpstr (json_object_get_string_member (o, "action"), ==, want[i].action);
      g_assert_cmpint (json_object_get_int_member (o, "time"), ==, want[i].time);
    }
}

static void
test_verifier (void)
{
  g_autoptr (GPtrArray) r = fx_impl_run_script (
    CONF_ROLE_VERIFIER, NULL,
    "qr.verify {\"token\":\"@TID@\",\"purpose\":\"identity\",\"pin_verified\":false,"
    "\"now\":@NOW@}\n"
    "qr.verify {\"token\":\"@TID@\",\"purpose\":\"identity\",\"pin_verified\":false,"
    "\"now\":@NOW@}\n"
    "credential.verify {\"credential\":\"@C2@\",\"now\":@NOW@}\n"
    "status.set {\"ecard_id\":\"@E2@\",\"status\":\"card_unusable\"}\n"
    "credential.verify {\"credential\":\"@C2@\",\"now\":@NOW@}\n"
    "qr.verify {\"token\":\"@TPAY@\",\"purpose\":\"payment\",\"pin_verified\":true,"
    "\"now\":@NOW@}\n"
    "credential.verify {\"credential\":\"@C2@\",\"now\":1}\n"
    "status.set {\"ecard_id\":\"@E2@\",\"status\":\"lost\"}");
  g_assert_nonnull (strstr (r->pdata[4], "\"card_no\":\"A00000001\""));
  g_assert_nonnull (strstr (r->pdata[5], "\"code\":\"replayed\""));
  g_autoptr (JsonObject) cred = fx_impl_result_of (r->pdata[6]);
  g_assert_cmpint (json_object_get_int_member (cred, "level"), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (cred, "name"), ==, "张三");
  g_assert_cmpstr (json_object_get_string_member (cred, "device_pk"), ==, fx_impl_get ("DEVPK"));
  g_assert_nonnull (strstr (r->pdata[8], "\"code\":\"card_unusable\""));
  g_assert_nonnull (strstr (r->pdata[9], "\"code\":\"card_unusable\""));
  g_assert_nonnull (strstr (r->pdata[10], "\"code\":\"not_yet_valid\""));
  g_assert_nonnull (strstr (r->pdata[11], "\"code\":\"malformed\""));
}

/* ERR-3 (docs/ADAPTER.md section 2): integers beyond 64 bits are refused,
 * never wrapped (request.sign signed 2^63 as -2^63 before); the extremes
 * within are taken; a member's JSON type is checked before the operation's
 * own checks (ecard.issue's device_pk before ISS-10's card look-up). */
static void
test_encoding (void)
{
  g_autoptr (GPtrArray) c = fx_impl_run_script (
    CONF_ROLE_CHANNEL, NULL,
    "request.sign {\"operation\":\"card.status\",\"body\":\"abc\","
    "\"timestamp\":9223372036854775808,\"nonce\":\"00000000000000000000000000000000\"}\n"
    "request.sign {\"operation\":\"card.status\",\"body\":\"abc\","
    "\"timestamp\":-9223372036854775809,\"nonce\":\"00000000000000000000000000000000\"}\n"
    "request.sign {\"operation\":\"card.status\",\"body\":\"abc\","
    "\"timestamp\":18446744073709551616,\"nonce\":\"00000000000000000000000000000000\"}\n"
    "request.sign {\"operation\":\"card.status\",\"body\":\"abc\","
    "\"timestamp\":-9223372036854775808,\"nonce\":\"00000000000000000000000000000000\"}\n"
    "request.sign {\"operation\":\"card.status\",\"body\":\"abc\","
    "\"timestamp\":1e3,\"nonce\":\"00000000000000000000000000000000\"}");
  /* responses: hello, reset, then the script's */
  for (guint i = 2; i <= 4; i++)
    {
      g_assert_nonnull (strstr (c->pdata[i], "\"code\":\"malformed\""));
      g_assert_nonnull (strstr (c->pdata[i], "integer outside -2^63..2^63-1"));
    }
  /* -2^63 is a timestamp like any other: signed as 80 00 .. 00 */
  g_autoptr (JsonObject) signed_min = fx_impl_result_of (c->pdata[5]);
  const char *wire = json_object_get_string_member (signed_min, "wire");
  g_assert_nonnull (strstr (wire, "434831303030303100" "8000000000000000"));
  g_assert_nonnull (strstr (c->pdata[6], "\"code\":\"malformed\""));

  g_autoptr (GPtrArray) p = fx_impl_run_script (
    CONF_ROLE_PLATFORM, NULL,
    /* ISS-10 looks the card up before the device key's content ... */
    "ecard.issue {\"card_no\":\"Z99999999\",\"level\":1,\"evidence\":{},"
    "\"device_pk\":\"00\",\"now\":@NOW@}\n"
    /* ... but the device key's JSON type comes first of all (ERR-3) */
    "ecard.issue {\"card_no\":\"Z99999999\",\"level\":1,\"evidence\":{},"
    "\"device_pk\":7,\"now\":@NOW@}\n"
    "id.validate {\"ssn\":\"" SSN1 "\",\"now\":\"1590969600\"}\n"
    "ledger.reconcile {\"allow_accepted\":null}\n"
    "ledger.reconcile {\"allow_accepted\":\"false\"}");
  g_assert_nonnull (strstr (p->pdata[6], "\"code\":\"not_found\""));
  g_assert_nonnull (strstr (p->pdata[7], "\"code\":\"malformed\""));
  g_assert_nonnull (strstr (p->pdata[8], "\"code\":\"malformed\""));
  g_assert_nonnull (strstr (p->pdata[9], "\"code\":\"malformed\""));   /* null is no bool */
  g_assert_nonnull (strstr (p->pdata[10], "\"code\":\"malformed\""));
}

/* QR-12: issued_at is the token's (TFUT, issued at T + 10), and
 * credential_issued_at the credential's (T): the reference once put the
 * credential's value in both. */
static void
test_qr_issued_at (void)
{
  for (guint role = CONF_ROLE_VERIFIER; role <= CONF_ROLE_PLATFORM; role += 2)
    {
      g_autoptr (GPtrArray) r = fx_impl_run_script (
        (ConfRole) role, NULL,
        "qr.verify {\"token\":\"@TFUT@\",\"purpose\":\"identity\",\"pin_verified\":false,"
        "\"now\":1590969610}");
      g_autoptr (JsonObject) res = fx_impl_result_of (fx_impl_last (r));
      g_assert_cmpint (json_object_get_int_member (res, "issued_at"), ==, T + 10);
      g_assert_cmpint (json_object_get_int_member (res, "credential_issued_at"), ==, T);
      g_assert_cmpint (json_object_get_int_member (res, "expires_at"), ==, T + 365 * 86400);
    }
}

/* CONSENT-14, CONSENT-15, PAY-15, PAY-17, PAY-18 on the platform: the
 * checks' order, and a channel id the registry lacks is used like any. */
static void
test_platform_consent_payment (void)
{
  g_autoptr (GPtrArray) r = fx_impl_run_script (
    CONF_ROLE_PLATFORM, NULL,
    /* CH100001 was never applied for: granted and decided on its id alone */
    "@GRANTS@\n"
    "consent.grant {\"kind\":\"channel\",\"ssn\":\"\",\"channel_id\":\"CH100001\","
    "\"department_id\":\"\",\"scopes\":\"identity\",\"not_before\":1590969500,"
    "\"expires_at\":1591056000}\n"
    "consent.check @ASK@\n"
    /* a wrong check character and an unknown scope: the SSN first */
    "consent.grant {\"kind\":\"personal\",\"ssn\":\"110105194912310021\",\"channel_id\":"
    "\"CH100001\",\"department_id\":\"\",\"scopes\":\"photo\",\"not_before\":1590969500,"
    "\"expires_at\":1591056000}\n"
    "consent.check {\"ssn\":\"110105194912310021\",\"channel_id\":\"CH100001\","
    "\"department_id\":\"\",\"scopes\":\"photo\",\"now\":@NOW@}\n"
    "payment.submit @PAY@\n"
    "ledger.reconcile {}\n"
    "ledger.reconcile {\"allow_accepted\":false}\n"
    "payment.settle {\"order_id\":\"@ORDER1@\",\"now\":@NOW@}\n"
    "payment.settle {\"order_id\":\"@ORDER1@\",\"now\":1}\n"
    "payment.settle {\"order_id\":\"ORDER\",\"now\":@NOW@}\n"
    "ledger.reconcile {\"allow_accepted\":false}");
  g_assert_nonnull (strstr (r->pdata[9], "\"present\":[\"personal\",\"department\",\"channel\"]"));
  g_assert_nonnull (strstr (r->pdata[10], "\"code\":\"invalid_id\""));
  g_assert_nonnull (strstr (r->pdata[11], "\"code\":\"invalid_id\""));
  g_assert_nonnull (strstr (r->pdata[12], "\"duplicate\":false"));
  g_assert_nonnull (strstr (r->pdata[13], "\"orders\":1,\"settled\":0"));
  g_assert_nonnull (strstr (r->pdata[14], "\"code\":\"invalid_state\""));
  g_assert_nonnull (strstr (r->pdata[15], "\"state\":\"settled\",\"duplicate\":false"));
  g_assert_nonnull (strstr (r->pdata[16], "\"state\":\"settled\",\"duplicate\":true"));
  g_assert_nonnull (strstr (r->pdata[17], "\"code\":\"not_found\""));
  g_assert_nonnull (strstr (r->pdata[18], "\"orders\":1,\"settled\":1"));
}

static void
test_channel (void)
{
  g_autoptr (GPtrArray) r = fx_impl_run_script (
    CONF_ROLE_CHANNEL, NULL,
    "request.sign {\"operation\":\"card.status\",\"body\":\"abc\",\"timestamp\":@NOW@,"
    "\"nonce\":\"00000000000000000000000000000000\"}\n"
    "request.relay {\"wire\":\"@CHILDWIRE@\",\"body\":\"abc\",\"now\":@NOW@}\n"
    "payment.prepare @PREPARE@\n"
    "payment.prepare @PREPARE@\n"
    "payment.prepare {\"order_ref\":\"o-2\",\"ecard_id\":\"@E2@\",\"city\":110100,"
    "\"payee\":\"SHOP-1\",\"amount_fen\":100,\"currency\":\"CNY\",\"level\":2,"
    "\"pin_verified\":true}\n"
    "@GRANTS@\n@CHANNELGRANT@\n"
    "data.request @ASK@\n"
    "channel.set_status {\"status\":\"suspended\"}\n"
    "request.sign {\"operation\":\"card.status\",\"body\":\"abc\",\"timestamp\":@NOW@,"
    "\"nonce\":\"00000000000000000000000000000001\"}\n"
    "data.request @ASK@");
  g_autofree char *wire = g_strdup_printf ("{\"wire\":\"%s\"}", fx_impl_get ("WIRE1"));
  g_assert_nonnull (strstr (r->pdata[2], wire));
  g_autofree char *relayed = g_strdup_printf ("{\"wire\":\"%s\"}", fx_impl_get ("RELAYWIRE"));
  g_assert_nonnull (strstr (r->pdata[3], relayed));
  g_autoptr (JsonObject) k1 = fx_impl_result_of (r->pdata[4]);
  g_autoptr (JsonObject) k2 = fx_impl_result_of (r->pdata[5]);
  g_autoptr (JsonObject) k3 = fx_impl_result_of (r->pdata[6]);
  const char *key = json_object_get_string_member (k1, "idempotency_key");
  g_assert_cmpuint (strlen (key), ==, 64);
  g_assert_cmpstr (key, ==, json_object_get_string_member (k2, "idempotency_key"));
  g_assert_cmpstr (key, !=, json_object_get_string_member (k3, "idempotency_key"));
  g_assert_cmpstr (json_object_get_string_member (k1, "channel_id"), ==, "CH100001");
  g_autofree char *g0 = g_strdup_printf ("{\"grant_id\":\"%s\"}", fx_impl_get ("G0"));
  g_assert_nonnull (strstr (r->pdata[7], g0));
  g_assert_nonnull (strstr (r->pdata[10], "\"present\":[\"personal\",\"department\",\"channel\"]"));
  g_assert_nonnull (strstr (r->pdata[12], "\"code\":\"channel_not_live\""));
  g_assert_nonnull (strstr (r->pdata[13], "\"code\":\"channel_not_live\""));

  /* The platform accepts what the channel relayed (CHAN-7, CHAN-10). */
  g_autoptr (ModelChannelRegistry) reg = model_channel_registry_new (NULL);
  guint8 pk[32];
  ModelChannelRequest req;
  g_assert_true (conf_hex_decode_fixed (fx_impl_get ("KPK"), pk, 32, NULL));
  g_assert_true (model_channel_registry_apply (reg, "CH100001", "A", MODEL_CHANNEL_CLASS_BANK, 1,
                                               NULL, pk, T, NULL));
  g_assert_true (conf_hex_decode_fixed (fx_impl_get ("CHILDPK"), pk, 32, NULL));
  g_assert_true (model_channel_registry_apply (reg, "CH200001", "B", MODEL_CHANNEL_CLASS_SOCIAL,
                                               2, "CH100001", pk, T, NULL));
  for (int i = 0; i < 2; i++)
    {
      const char *id = i == 0 ? "CH100001" : "CH200001";
      g_assert_true (model_channel_registry_set_status (reg, id, MODEL_CHANNEL_CERTIFIED, T, NULL));
      g_assert_true (model_channel_registry_set_status (reg, id, MODEL_CHANNEL_LIVE, T, NULL));
    }
  g_autoptr (JsonObject) rw = fx_impl_result_of (r->pdata[3]);
  g_autoptr (GBytes) bytes = conf_json_get_hex (rw, "wire", NULL);
  g_assert_true (model_channel_request_decode (g_bytes_get_data (bytes, NULL),
                                               g_bytes_get_size (bytes), &req, NULL));
  g_autoptr (GError) error = NULL;
  g_assert_true (model_channel_registry_verify (reg, &req, (const guint8 *) "abc", 3, T, &error));
  g_assert_no_error (error);
}

/* CHAN-32: a channel checks its parameters, then its status, then the op's
 * rules; CHAN-27: the relay takes the signed wire only; CHAN-26: a relay
 * configured with replay_cache and cache_lost_at. */
static void
test_channel_order (void)
{
  g_autoptr (GPtrArray) r = fx_impl_run_script (
    CONF_ROLE_CHANNEL, NULL,
    "request.relay {\"wire\":\"@RELAYWIRE@\",\"body\":\"abc\",\"now\":@NOW@}\n"
    "channel.set_status {\"status\":\"suspended\"}\n"
    "request.sign {\"operation\":\"Card.status\",\"body\":\"abc\",\"timestamp\":@NOW@,"
    "\"nonce\":\"00000000000000000000000000000000\"}\n"
    "request.sign {\"operation\":\"card.status\",\"body\":\"abc\",\"timestamp\":@NOW@,"
    "\"nonce\":\"000000000000000000000000000000\"}\n"
    "request.relay {\"wire\":\"@RELAYWIRE@\",\"body\":\"abc\",\"now\":@NOW@}\n"
    "request.relay {\"wire\":\"@CHILDWIRE@\",\"body\":\"abc\",\"now\":@NOW@}\n"
    "payment.prepare {\"order_ref\":\"o-2\",\"ecard_id\":\"@E2@\",\"city\":110100,"
    "\"payee\":\"SHOP-1\",\"amount_fen\":100,\"currency\":\"USD\",\"level\":1,"
    "\"pin_verified\":false}\n"
    "payment.prepare {\"order_ref\":\"o-2\",\"ecard_id\":\"@E2@\",\"city\":110100,"
    "\"payee\":\"SHOP-1\",\"amount_fen\":100,\"currency\":\"CNY\",\"level\":1,"
    "\"pin_verified\":false}\n"
    "data.request {\"ssn\":\"" SSN1 "\",\"department_id\":\"MIB-110000\","
    "\"scopes\":\"bogus\",\"now\":@NOW@}\n"
    "data.request @ASK@\n"
    "channel.set_status {\"status\":\"live\"}\n"
    "payment.prepare {\"order_ref\":\"o-2\",\"ecard_id\":\"@E2@\",\"city\":110100,"
    "\"payee\":\"SHOP-1\",\"amount_fen\":100,\"currency\":\"CNY\",\"level\":1,"
    "\"pin_verified\":false}\n"
    "channel.set_status {\"status\":\"paused\"}");
  static const char *const want[] = {
    "!malformed",         /* a countersigned wire (CHAN-27) */
    "ok",
    "!malformed",         /* bad operation before the status */
    "!malformed",         /* 15-byte nonce before the status */
    "!malformed",         /* a countersigned wire before the status */
    "!channel_not_live",  /* then the status */
    "!malformed",         /* USD before the status */
    "!channel_not_live",  /* the status before the level */
    "!malformed",         /* a malformed question before the status */
    "!channel_not_live",  /* the status before the decision */
    "ok",
    "!level_required",    /* the level before the PIN */
    "!malformed",         /* not a status of table 6.2 */
  };
  g_assert_cmpuint (r->len, ==, 2 + G_N_ELEMENTS (want));
  for (gsize i = 0; i < G_N_ELEMENTS (want); i++)
    if (!fx_impl_matches (r->pdata[2 + i], want[i]))
      g_error ("step %zu: expected %s, got %s", i, want[i], (char *) r->pdata[2 + i]);

  /* a tier-2 channel relays nothing; a relay whose cache was lost refuses
   * what is at or before the loss */
  g_autoptr (GPtrArray) t2 = fx_impl_run_script (
    CONF_ROLE_CHANNEL, NULL,
    "reset {\"seed\":\"@SEED@\",\"now\":@NOW@,\"trust\":[],\"config\":{"
    "\"channel_id\":\"CH200001\",\"tier\":2,\"parent_id\":\"CH100001\","
    "\"key_seed\":\"@KSEED@\"}}\n"
    "request.relay {\"wire\":\"@CHILDWIRE@\",\"body\":\"abc\",\"now\":@NOW@}\n"
    "reset {\"seed\":\"@SEED@\",\"now\":@NOW@,\"trust\":[],\"config\":{"
    "\"channel_id\":\"CH100001\",\"tier\":1,\"key_seed\":\"@KSEED@\",\"replay_cache\":1,"
    "\"cache_lost_at\":@NOW@,\"children\":[{\"channel_id\":\"CH200001\","
    "\"public_key\":\"@CHILDPK@\"}]}}\n"
    "request.relay {\"wire\":\"@CHILDWIRE@\",\"body\":\"abc\",\"now\":@NOW@}\n"
    "reset {\"seed\":\"@SEED@\",\"now\":@NOW@,\"trust\":[],\"config\":{"
    "\"channel_id\":\"CH100001\",\"tier\":1,\"key_seed\":\"@KSEED@\",\"replay_cache\":0}}");
  g_assert_true (fx_impl_matches (t2->pdata[3], "!channel_tier"));
  g_assert_true (fx_impl_matches (t2->pdata[5], "!replayed"));
  g_assert_true (fx_impl_matches (t2->pdata[6], "!malformed"));
}

/* CHAN-30: consent and payments never consult the channel registry. */
static void
test_registry_not_consulted (void)
{
  g_autoptr (GPtrArray) r = fx_impl_run_script (
    CONF_ROLE_PLATFORM, NULL,
    "channel.get {\"channel_id\":\"CH100001\",\"now\":@NOW@}\n"
    "payment.submit @PAY@\n"
    "@GRANTS@\n@CHANNELGRANT@\n"
    "consent.check @ASK@");
  g_assert_true (fx_impl_matches (r->pdata[6], "!not_found"));
  g_assert_true (fx_impl_matches (r->pdata[7], "ok:\"state\":\"accepted\""));
  g_assert_true (fx_impl_matches (fx_impl_last (r),
                                  "ok:\"present\":[\"personal\",\"department\",\"channel\"]"));
}

/* ---- the CLI ------------------------------------------------------------------ */

static char *
run_essc (const char *const *argv, const char *input, int *status)
{
  const char *bin = g_getenv ("ESSC_BIN");
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) args = g_ptr_array_new ();
  g_ptr_array_add (args, (gpointer) bin);
  for (int i = 0; argv[i] != NULL; i++)
    g_ptr_array_add (args, (gpointer) argv[i]);
  g_ptr_array_add (args, NULL);
  g_autoptr (GSubprocess) p = g_subprocess_newv ((const char *const *) args->pdata,
                                                 G_SUBPROCESS_FLAGS_STDIN_PIPE
                                                 | G_SUBPROCESS_FLAGS_STDOUT_PIPE
                                                 | G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error);
  g_assert_no_error (error);
  char *out = NULL;
  g_assert_true (g_subprocess_communicate_utf8 (p, input, NULL, &out, NULL, &error));
  g_assert_no_error (error);
  *status = g_subprocess_get_exit_status (p);
  return out;
}

static void
test_cli (void)
{
  if (g_getenv ("ESSC_BIN") == NULL)
    {
      g_test_skip ("ESSC_BIN is not set");
      return;
    }
  int status;
  gsize n;
  conf_fault_catalogue (&n);
  g_autofree char *all = run_essc ((const char *const[]) { "impl", "--list-faults", NULL }, "",
                                   &status);
  g_assert_cmpint (status, ==, 0);
  g_auto (GStrv) lines = g_strsplit (all, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, n + 1);
  g_assert_true (g_str_has_prefix (all, "accept-everything\tverifier,channel,platform\tERR-1\t"));
  g_autofree char *chan = run_essc (
    (const char *const[]) { "impl", "--list-faults", "--role", "channel", NULL }, "", &status);
  g_auto (GStrv) clines = g_strsplit (chan, "\n", -1);
  g_assert_cmpuint (g_strv_length (clines), <, n);
  for (guint i = 0; clines[i] != NULL && clines[i][0] != '\0'; i++)
    g_assert_nonnull (strstr (clines[i], "channel"));

  g_autofree char *input = fx_impl_expand (
    "{\"essc\":1,\"id\":1,\"op\":\"hello\",\"params\":{\"protocol\":\"essc-adapter/1\","
    "\"role\":\"verifier\",\"suite\":\"ESSC-STD/1.1\"}}\n"
    "{\"essc\":1,\"id\":2,\"op\":\"reset\",\"params\":{\"seed\":\"@SEED@\",\"now\":0,"
    "\"trust\":[],\"config\":{}}}\n"
    "{\"essc\":1,\"id\":3,\"op\":\"id.validate\",\"params\":{\"ssn\":\"" SSN1 "\",\"now\":0}}\n"
    "{\"essc\":1,\"id\":4,\"op\":\"bye\",\"params\":{}}\n");
  g_autofree char *out = run_essc ((const char *const[]) { "impl", "--role", "verifier", NULL },
                                   input, &status);
  g_assert_cmpint (status, ==, 0);
  g_auto (GStrv) resp = g_strsplit (out, "\n", -1);
  g_assert_cmpuint (g_strv_length (resp), ==, 5);
  g_assert_true (g_str_has_prefix (resp[0], "{\"id\":1,\"ok\":true"));
  g_assert_cmpstr (resp[1], ==, "{\"id\":2,\"ok\":true,\"result\":{}}");
  g_assert_true (g_str_has_prefix (resp[2], "{\"id\":3,\"ok\":true,\"result\":{\"region\":110105"));
  g_assert_cmpstr (resp[3], ==, "{\"id\":4,\"ok\":true,\"result\":{}}");

  g_free (run_essc ((const char *const[]) { "impl", "--role", "judge", NULL }, "", &status));
  g_assert_cmpint (status, ==, 2);
  g_free (run_essc ((const char *const[]) { "impl", "--role", "channel", "--fault",
                                            "qr-skip-status", NULL }, "", &status));
  g_assert_cmpint (status, ==, 2);
  g_free (run_essc ((const char *const[]) { "impl", NULL }, "", &status));
  g_assert_cmpint (status, ==, 2);
}

int
main (int argc, char **argv)
{
  essc_test_init (&argc, &argv);
  fx_impl_init ();
  g_test_add_func ("/conf-impl/hello", test_hello);
  g_test_add_func ("/conf-impl/unimplemented-and-order", test_unimplemented_and_order);
  g_test_add_func ("/conf-impl/hostile-lines", test_hostile);
  g_test_add_func ("/conf-impl/platform/happy-path", test_platform);
  g_test_add_func ("/conf-impl/platform/pin-audit", test_platform_pin_audit);
  g_test_add_func ("/conf-impl/platform/audit-duties", test_platform_audit_duties);
  g_test_add_func ("/conf-impl/verifier/replay-and-lost", test_verifier);
  g_test_add_func ("/conf-impl/channel/sign-relay-pay", test_channel);
  g_test_add_func ("/conf-impl/channel/order-of-checks", test_channel_order);
  g_test_add_func ("/conf-impl/platform/registry-not-consulted", test_registry_not_consulted);
  g_test_add_func ("/conf-impl/encoding", test_encoding);
  g_test_add_func ("/conf-impl/qr-issued-at", test_qr_issued_at);
  g_test_add_func ("/conf-impl/platform/consent-payment-order", test_platform_consent_payment);
  g_test_add_func ("/conf-impl/cli", test_cli);
  return g_test_run ();
}
