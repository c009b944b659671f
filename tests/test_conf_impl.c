/* SPDX-License-Identifier: MIT */
/*
 * Tests of the reference implementations (conformance/impl.h) and of the
 * fault catalogue (conformance/faults.h).  The implementations are driven
 * in-process through memory streams with conf_impl_serve, and once through
 * `$ESSC_BIN impl` as a subprocess.  The expected bytes (e-card ids,
 * credentials, request wires, grant ids) come from model/ with the same
 * seeds, so the tests check ADAPTER.md's test mode as well as the answers.
 * The fault table runs, for every fault and each role it names, a short
 * script against the clean and the faulty implementation and checks that
 * the last answers are the expected ones and differ.
 */
#include "tests/testutil.h"

#include "conformance/faults.h"
#include "conformance/impl.h"
#include "conformance/json.h"
#include "model/audit.h"
#include "model/card.h"
#include "model/channel.h"
#include "model/common.h"
#include "model/consent.h"
#include "model/id.h"
#include "model/issuer.h"
#include "model/ledger.h"
#include "model/qr.h"

#include <gio/gio.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#define T ESSC_TEST_NOW
#define SWITCH_AT (T + 30 * 86400)
#define LIFETIME (365 * 86400)
#define SSN1 "11010519491231002X"
#define SSN2 "440524188001010014"

/* ---- fixture: what the scripts refer to, computed with model/ ------------- */

typedef struct {
  char *name;
  char *value;
} Subst;

static GArray *substs;   /* of Subst: "@NAME@" -> value */

static void
put (const char *name, const char *value)
{
  Subst s = { g_strdup_printf ("@%s@", name), g_strdup (value) };
  g_array_append_val (substs, s);
}

static void
put_hex (const char *name, const guint8 *data, gsize len)
{
  g_autofree char *hex = conf_hex_encode (data, len);
  put (name, hex);
}

static const char *
get (const char *name)
{
  g_autofree char *key = g_strdup_printf ("@%s@", name);
  for (guint i = 0; i < substs->len; i++)
    if (strcmp (g_array_index (substs, Subst, i).name, key) == 0)
      return g_array_index (substs, Subst, i).value;
  g_error ("no fixture value %s", name);
}

static void
seed_of (guint8 byte, guint8 seed[32])
{
  memset (seed, byte, 32);
}

/* An SSN of 17 digits and its check character. */
static void
put_ssn (const char *name, const char *digits17)
{
  char ssn[19];
  memcpy (ssn, digits17, 17);
  ssn[17] = model_id_check_char (digits17);
  ssn[18] = '\0';
  put (name, ssn);
}

/* Token bytes of QR table 5.1, signed by device (or with a bad signature). */
static char *
make_token (const ModelKeyPair *device, GBytes *cred, ModelQrPurpose purpose, guint8 nonce_byte,
            gint64 issued_at, gboolean bad_signature)
{
  gsize c;
  const guint8 *cd = g_bytes_get_data (cred, &c);
  g_autoptr (GByteArray) b = g_byte_array_new ();
  guint8 head[32], sig[64];
  memcpy (head, "ESQ1", 4);
  head[4] = 1;
  head[5] = (guint8) purpose;
  memset (head + 6, nonce_byte, 16);
  model_be64_put (head + 22, (guint64) issued_at);
  head[30] = (guint8) (c >> 8), head[31] = (guint8) c;
  g_byte_array_append (b, head, sizeof head);
  g_byte_array_append (b, cd, c);
  model_key_pair_sign (device, b->data, b->len, sig);
  if (bad_signature)
    sig[10] ^= 0x01;
  g_byte_array_append (b, sig, sizeof sig);
  return model_qr_text_from_bytes (b->data, b->len);
}

/* The wire a channel sends: table 6.3 and its signature (no countersignature). */
static GBytes *
child_wire (ModelChannelRequest *req, const char *id, const char *relay, guint8 nonce_byte,
            guint8 key_byte, gboolean bad_signature)
{
  guint8 nonce[16], seed[32], pk[32], sk[64];
  memset (nonce, nonce_byte, sizeof nonce);
  seed_of (key_byte, seed);
  crypto_sign_seed_keypair (pk, sk, seed);
  g_assert_true (model_channel_request_init (req, id, relay, T, nonce, "card.status",
                                             (const guint8 *) "abc", 3, NULL));
  g_assert_true (model_channel_request_sign (req, sk, NULL));
  if (bad_signature)
    req->signature[5] ^= 0x01;
  g_autoptr (GBytes) tbs = model_channel_request_signing_bytes (req);
  g_autoptr (GByteArray) w = g_byte_array_new ();
  g_byte_array_append (w, g_bytes_get_data (tbs, NULL), g_bytes_get_size (tbs));
  g_byte_array_append (w, req->signature, 64);
  return g_byte_array_free_to_bytes (g_steal_pointer (&w));
}

static void
put_wire (const char *name, GBytes *wire)
{
  put_hex (name, g_bytes_get_data (wire, NULL), g_bytes_get_size (wire));
}

static void
fixture_init (void)
{
  guint8 seed[32], pk[32], sk[64];
  g_autofree char *now = g_strdup_printf ("%" G_GINT64_FORMAT, (gint64) T);
  substs = g_array_new (FALSE, FALSE, sizeof (Subst));

  seed_of (1, seed), put_hex ("SEED", seed, 32);
  seed_of (2, seed), put_hex ("PSEED", seed, 32);
  g_autoptr (ModelKeyPair) platform = model_key_pair_from_seed (seed);
  put_hex ("PPK", model_key_pair_public (platform), 32);
  seed_of (3, seed);
  g_autoptr (ModelKeyPair) device = model_key_pair_from_seed (seed);
  put_hex ("DEVPK", model_key_pair_public (device), 32);
  seed_of (4, seed), put_hex ("KSEED", seed, 32);
  crypto_sign_seed_keypair (pk, sk, seed);
  put_hex ("KPK", pk, 32);
  seed_of (5, seed);
  crypto_sign_seed_keypair (pk, sk, seed);
  put_hex ("CHILDPK", pk, 32);
  put_ssn ("SSN3", "11010519800101001");
  put_ssn ("FUTURESSN", "11010520300101001");
  put_ssn ("BADPROVSSN", "99010519491231002");

  /* The registry as the platform's script builds it (ISS-9 ids from SEED). */
  seed_of (1, seed);
  g_autoptr (ModelCardRegistry) cards = model_card_registry_new (seed);
  ModelIssuanceEvidence full = { TRUE, TRUE, TRUE, TRUE };
  ModelEcard e2, e1, e3;
  g_assert_true (model_card_register (cards, "A00000001", SSN1, "张三", 110100, TRUE, T, NULL));
  g_assert_true (model_card_register (cards, "A00000002", SSN2, "李四", 440500, FALSE, T, NULL));
  g_assert_true (model_card_register (cards, "A00000009", get ("SSN3"), "王五", 110100, TRUE, T,
                                      NULL));
  g_assert_true (model_card_issue_ecard (cards, "A00000001", 2, &full,
                                         model_key_pair_public (device), T, &e2, NULL));
  g_assert_true (model_card_issue_ecard (cards, "A00000002", 1, &full,
                                         model_key_pair_public (device), T, &e1, NULL));
  g_assert_true (model_card_issue_ecard (cards, "A00000009", 1, &full,
                                         model_key_pair_public (device), T, &e3, NULL));
  put_hex ("E2", e2.id, 16), put_hex ("E1", e1.id, 16), put_hex ("E3", e3.id, 16);

  g_autoptr (GBytes) c2 = model_issuer_sign_credential (cards, e2.id, platform, T, LIFETIME, NULL,
                                                        NULL);
  g_autoptr (GBytes) c1 = model_issuer_sign_credential (cards, e1.id, platform, T, LIFETIME, NULL,
                                                        NULL);
  g_assert_nonnull (c2);
  put_hex ("C2", g_bytes_get_data (c2, NULL), g_bytes_get_size (c2));
  g_autofree char *trail = g_strconcat (get ("C2"), "00", NULL);
  put ("CTRAIL", trail);
  g_autofree guint8 *bad = g_memdup2 (g_bytes_get_data (c2, NULL), g_bytes_get_size (c2));
  bad[g_bytes_get_size (c2) - 1] ^= 0x01;
  put_hex ("CBAD", bad, g_bytes_get_size (c2));
  ModelCredential content;
  g_assert_true (model_credential_decode (g_bytes_get_data (c2, NULL), g_bytes_get_size (c2),
                                          &content, NULL));
  seed_of (9, seed);
  g_autoptr (ModelKeyPair) stranger = model_key_pair_from_seed (seed);
  g_autoptr (GBytes) cunk = model_credential_sign (&content, stranger, NULL);
  put_hex ("CUNK", g_bytes_get_data (cunk, NULL), g_bytes_get_size (cunk));

  g_autofree char *tid = make_token (device, c2, MODEL_QR_IDENTITY, 0x20, T, FALSE);
  g_autofree char *tpay = make_token (device, c2, MODEL_QR_PAYMENT, 0x30, T, FALSE);
  g_autofree char *tpay1 = make_token (device, c1, MODEL_QR_PAYMENT, 0x40, T, FALSE);
  g_autofree char *tbad = make_token (device, c2, MODEL_QR_IDENTITY, 0x50, T, TRUE);
  g_autofree char *tfut = make_token (device, c2, MODEL_QR_IDENTITY, 0x60, T + 10, FALSE);
  put ("TID", tid), put ("TPAY", tpay), put ("TPAY1", tpay1), put ("TBAD", tbad);
  put ("TFUT", tfut);
  /* make_token is QR-1 itself: the model's device gives the same text. */
  guint8 nonce[16];
  memset (nonce, 0x20, sizeof nonce);
  g_autofree char *issued = model_qr_issue (device, g_bytes_get_data (c2, NULL),
                                            g_bytes_get_size (c2), MODEL_QR_IDENTITY, nonce, T,
                                            NULL);
  g_assert_cmpstr (issued, ==, tid);

  ModelChannelRequest req;
  g_autoptr (GBytes) wire1 = child_wire (&req, "CH100001", NULL, 0x00, 4, FALSE);
  put_wire ("WIRE1", wire1);
  g_autoptr (GBytes) childw = child_wire (&req, "CH200001", "CH100001", 0x10, 5, FALSE);
  put_wire ("CHILDWIRE", childw);
  seed_of (4, seed);
  crypto_sign_seed_keypair (pk, sk, seed);
  g_assert_true (model_channel_request_countersign (&req, sk, NULL));
  g_autoptr (GBytes) relayed = model_channel_request_encode (&req);
  put_wire ("RELAYWIRE", relayed);
  g_autoptr (GBytes) childbad = child_wire (&req, "CH200001", "CH100001", 0x11, 5, TRUE);
  put_wire ("CHILDWIRE_BAD", childbad);
  g_autoptr (GBytes) strangerw = child_wire (&req, "CH200002", "CH100001", 0x12, 9, FALSE);
  put_wire ("STRANGERWIRE", strangerw);
  g_autoptr (GBytes) unrelayed = child_wire (&req, "CH200001", NULL, 0x13, 5, FALSE);
  put_wire ("UNRELAYED", unrelayed);

  /* Grant ids of CONSENT-12 from SEED. */
  seed_of (1, seed);
  g_autoptr (ModelConsentStore) consents = model_consent_store_new (seed);
  for (int i = 0; i < 3; i++)
    {
      ModelConsentGrant g = { .kind = MODEL_CONSENT_CHANNEL, .channel_id = "CH100001",
                              .scopes = 1, .not_before = T, .expires_at = T + 1 };
      guint8 id[16];
      g_assert_true (model_consent_store_grant (consents, &g, id, NULL));
      g_autofree char *name = g_strdup_printf ("G%d", i);
      put_hex (name, id, 16);
    }
  char order[65];
  g_assert_true (model_ledger_order_id ("CH100001", "k1", order, NULL));
  put ("ORDER1", order);

  put ("NOW", now);
  put ("CHSETUP",
       "channel.apply {\"channel_id\":\"CH100001\",\"name\":\"A\",\"class\":\"bank\",\"tier\":1,"
       "\"public_key\":\"@KPK@\",\"now\":@NOW@}\n"
       "channel.set_status {\"channel_id\":\"CH100001\",\"status\":\"certified\",\"now\":@NOW@}\n"
       "channel.set_status {\"channel_id\":\"CH100001\",\"status\":\"live\",\"now\":@NOW@}");
  put ("GRANTS",
       "consent.grant {\"kind\":\"personal\",\"ssn\":\"" SSN1 "\",\"channel_id\":\"CH100001\","
       "\"department_id\":\"\",\"scopes\":\"identity\",\"not_before\":1590969500,"
       "\"expires_at\":1591056000}\n"
       "consent.grant {\"kind\":\"department\",\"ssn\":\"\",\"channel_id\":\"CH100001\","
       "\"department_id\":\"MIB-110000\",\"scopes\":\"identity\",\"not_before\":1590969500,"
       "\"expires_at\":1591056000}");
  put ("CHANNELGRANT",
       "consent.grant {\"kind\":\"channel\",\"ssn\":\"\",\"channel_id\":\"CH100001\","
       "\"department_id\":\"\",\"scopes\":\"identity\",\"not_before\":1590969500,"
       "\"expires_at\":1590969610}");
  put ("ASK", "{\"ssn\":\"" SSN1 "\",\"channel_id\":\"CH100001\",\"department_id\":\"MIB-110000\","
              "\"scopes\":\"identity\",\"now\":@NOW@}");
  put ("PAY", "{\"channel_id\":\"CH100001\",\"idempotency_key\":\"k1\",\"ecard_id\":\"@E2@\","
              "\"city\":110100,\"payee\":\"SHOP-1\",\"amount_fen\":100,\"currency\":\"CNY\","
              "\"pin_verified\":true,\"now\":@NOW@}");
  put ("PREPARE", "{\"order_ref\":\"o-1\",\"ecard_id\":\"@E2@\",\"city\":110100,"
                  "\"payee\":\"SHOP-1\",\"amount_fen\":100,\"currency\":\"CNY\",\"level\":2,"
                  "\"pin_verified\":true}");
  sodium_memzero (sk, sizeof sk);
}

/* Replaces every @NAME@ (repeatedly: values may hold names). */
static char *
expand (const char *text)
{
  g_autoptr (GString) s = g_string_new (text);
  for (int round = 0; round < 4 && strchr (s->str, '@') != NULL; round++)
    for (guint i = substs->len; i-- > 0;)
      g_string_replace (s, g_array_index (substs, Subst, i).name,
                        g_array_index (substs, Subst, i).value, 0);
  g_assert_null (strstr (s->str, "@"));
  return g_string_free (g_steal_pointer (&s), FALSE);
}

/* ---- running scripts ----------------------------------------------------- */

/* Feeds input to the implementation; returns the response lines. */
static GPtrArray *
serve (ConfRole role, const char *fault, const char *input, gsize len)
{
  char *out_buf = NULL;
  size_t out_len = 0;
  FILE *in = fmemopen ((void *) input, len, "r");
  FILE *out = open_memstream (&out_buf, &out_len);
  g_autoptr (GError) error = NULL;
  g_assert_nonnull (in);
  g_assert_nonnull (out);
  gboolean ok = conf_impl_serve (role, fault, in, out, &error);
  g_assert_no_error (error);
  g_assert_true (ok);
  fclose (in);
  fclose (out);
  g_auto (GStrv) lines = g_strsplit (out_buf, "\n", -1);
  free (out_buf);
  GPtrArray *responses = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; lines[i] != NULL; i++)
    if (lines[i][0] != '\0')
      g_ptr_array_add (responses, g_strdup (lines[i]));
  return responses;
}

static const char *const preludes[CONF_N_ROLES] = {
  [CONF_ROLE_VERIFIER] =
    "reset {\"seed\":\"@SEED@\",\"now\":@NOW@,\"trust\":[\"@PPK@\"],\"config\":{}}\n"
    "status.set {\"ecard_id\":\"@E2@\",\"status\":\"ok\"}\n"
    "status.set {\"ecard_id\":\"@E1@\",\"status\":\"ok\"}",
  [CONF_ROLE_CHANNEL] =
    "reset {\"seed\":\"@SEED@\",\"now\":@NOW@,\"trust\":[\"@PPK@\"],\"config\":{"
    "\"channel_id\":\"CH100001\",\"tier\":1,\"key_seed\":\"@KSEED@\",\"status\":\"live\","
    "\"children\":[{\"channel_id\":\"CH200001\",\"public_key\":\"@CHILDPK@\"}]}}",
  [CONF_ROLE_PLATFORM] =
    "reset {\"seed\":\"@SEED@\",\"now\":@NOW@,\"trust\":[],\"config\":{"
    "\"platform_key_seed\":\"@PSEED@\",\"pin_limits\":\"min\","
    "\"switches\":[{\"city\":110100,\"switch_at\":1593561600}]}}\n"
    "card.register {\"card_no\":\"A00000001\",\"ssn\":\"" SSN1 "\",\"name\":\"张三\","
    "\"city\":110100,\"bank_account_active\":true,\"now\":@NOW@}\n"
    "card.register {\"card_no\":\"A00000002\",\"ssn\":\"" SSN2 "\",\"name\":\"李四\","
    "\"city\":440500,\"bank_account_active\":false,\"now\":@NOW@}\n"
    "ecard.issue {\"card_no\":\"A00000001\",\"level\":2,\"evidence\":{\"real_name_verified\":true,"
    "\"liveness_passed\":true,\"bank_account_active\":true,\"bank_phone_verified\":true},"
    "\"device_pk\":\"@DEVPK@\",\"now\":@NOW@}\n"
    "ecard.issue {\"card_no\":\"A00000002\",\"level\":1,\"evidence\":{\"real_name_verified\":true,"
    "\"liveness_passed\":true},\"device_pk\":\"@DEVPK@\",\"now\":@NOW@}",
};

/*
 * Runs the role's prelude and then script, each line "op {params}", as
 * requests with ids from 1 (a hello first).  Returns the responses, one per
 * request.
 */
static GPtrArray *
run_script (ConfRole role, const char *fault, const char *script)
{
  g_autofree char *all = g_strconcat (preludes[role], "\n", script, NULL);
  g_autofree char *text = expand (all);
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  g_autoptr (GString) input = g_string_new (NULL);
  guint n = 1;
  g_string_append_printf (input,
                          "{\"essc\":1,\"id\":1,\"op\":\"hello\",\"params\":{\"protocol\":"
                          "\"essc-adapter/1\",\"role\":\"%s\",\"suite\":\"ESSC-STD/1.0\"}}\n",
                          conf_role_name (role));
  for (guint i = 0; lines[i] != NULL; i++)
    {
      if (lines[i][0] == '\0')
        continue;
      const char *space = strchr (lines[i], ' ');
      g_assert_nonnull (space);
      g_string_append_printf (input, "{\"essc\":1,\"id\":%u,\"op\":\"%.*s\",\"params\":%s}\n", ++n,
                              (int) (space - lines[i]), lines[i], space + 1);
    }
  GPtrArray *responses = serve (role, fault, input->str, input->len);
  g_assert_cmpuint (responses->len, ==, n);
  for (guint i = 0; i < responses->len; i++)
    {
      g_autofree char *id = g_strdup_printf ("{\"id\":%u,", i + 1);
      g_assert_true (g_str_has_prefix (responses->pdata[i], id));
    }
  return responses;
}

static const char *
last (GPtrArray *responses)
{
  return responses->pdata[responses->len - 1];
}

/* "ok", "ok:SUBSTRING" or "!code". */
static gboolean
matches (const char *response, const char *expect)
{
  g_autofree char *want = expand (expect);
  if (want[0] == '!')
    {
      g_autofree char *code = g_strdup_printf ("\"ok\":false,\"error\":{\"code\":\"%s\"", want + 1);
      return strstr (response, code) != NULL;
    }
  if (strstr (response, "\"ok\":true") == NULL)
    return FALSE;
  return want[2] != ':' || strstr (response, want + 3) != NULL;
}

static void
assert_last (GPtrArray *responses, const char *expect)
{
  if (!matches (last (responses), expect))
    g_error ("expected %s, got %s", expect, last (responses));
}

/* The JSON object of a response's result. */
static JsonObject *
result_of (const char *response)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonObject) top = conf_json_parse_object (response, strlen (response), &error);
  JsonObject *result;
  g_assert_no_error (error);
  g_assert_true (conf_json_get_object (top, "result", &result, &error));
  return json_object_ref (result);
}

/* ---- protocol ---------------------------------------------------------------- */

static void
test_hello (void)
{
  for (guint r = 0; r < CONF_N_ROLES; r++)
    {
      g_autoptr (GPtrArray) resp = run_script (r, NULL, "bye {}");
      g_autoptr (JsonObject) hello = result_of (resp->pdata[0]);
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
  g_autoptr (GPtrArray) v = run_script (CONF_ROLE_VERIFIER, NULL, "payment.submit @PAY@");
  assert_last (v, "!unimplemented");
  g_autoptr (GPtrArray) c = run_script (CONF_ROLE_CHANNEL, NULL, "qr.verify {}");
  assert_last (c, "!unimplemented");
  g_autoptr (GPtrArray) p = run_script (CONF_ROLE_PLATFORM, NULL, "request.sign {}");
  assert_last (p, "!unimplemented");
  /* Unknown members are ignored. */
  g_autoptr (GPtrArray) u = run_script (CONF_ROLE_VERIFIER, NULL,
                                        "id.validate {\"ssn\":\"" SSN1 "\",\"now\":@NOW@,"
                                        "\"future\":[1,{\"x\":null}]}");
  assert_last (u, "ok:\"birth_date\":\"1949-12-31\"");
  g_assert_null (conf_impl_new (CONF_ROLE_VERIFIER, "pay-settle-twice", NULL));
  g_assert_null (conf_impl_new (CONF_ROLE_VERIFIER, "no-such-fault", NULL));
}

static void
test_hostile (void)
{
  g_autoptr (GString) in = g_string_new (NULL);
  g_autofree char *reset = expand ("{\"essc\":1,\"id\":1,\"op\":\"reset\",\"params\":"
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
  g_autoptr (GPtrArray) r = serve (CONF_ROLE_VERIFIER, NULL, in->str, in->len);
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
  g_autoptr (GPtrArray) r = run_script (
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
  /* ISS-9 ids and the credential's bytes, as model/ gives them. */
  g_assert_nonnull (strstr (r->pdata[4], get ("E2")));
  g_assert_nonnull (strstr (r->pdata[5], get ("E1")));
  g_autofree char *cred = g_strdup_printf ("{\"credential\":\"%s\"}", get ("C2"));
  g_assert_nonnull (strstr (r->pdata[6], cred));
  g_assert_nonnull (strstr (r->pdata[7], "\"purpose\":\"identity\""));
  g_assert_nonnull (strstr (r->pdata[7], get ("E2")));
  g_assert_nonnull (strstr (r->pdata[8], "\"ok\":true"));
  g_autofree char *order = g_strdup_printf ("\"order_id\":\"%s\",\"route\":\"local\","
                                            "\"state\":\"accepted\",\"duplicate\":false",
                                            get ("ORDER1"));
  g_assert_nonnull (strstr (r->pdata[9], order));
  g_assert_nonnull (strstr (r->pdata[10], "\"duplicate\":true"));
  g_assert_nonnull (strstr (r->pdata[11], "\"state\":\"settled\",\"duplicate\":false"));
  g_assert_nonnull (strstr (r->pdata[12], "\"orders\":1,\"settled\":1,\"local_fen\":100,"
                                          "\"unified_fen\":0"));
  g_assert_nonnull (strstr (r->pdata[13], "\"region\":440524,\"region_known\":false"));

  /* The trail: 4 prelude ops, credential, qr, 2 submissions, settlement. */
  g_autoptr (JsonObject) res = result_of (r->pdata[14]);
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
  g_autoptr (JsonObject) hr = result_of (r->pdata[15]);
  head.count = (guint64) json_object_get_int_member (hr, "count");
  g_assert_true (conf_json_get_hex_fixed (hr, "hash", head.hash, 32, NULL));
  g_autoptr (GError) error = NULL;
  g_assert_true (model_audit_log_verify (log, &head, MODEL_AUDIT_VERIFY_EXACT_HEAD, NULL, &error));
  g_assert_no_error (error);
}

static void
test_platform_pin_audit (void)
{
  g_autoptr (GPtrArray) r = run_script (
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
  g_autoptr (JsonObject) res = result_of (last (r));
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

static void
test_verifier (void)
{
  g_autoptr (GPtrArray) r = run_script (
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
  g_autoptr (JsonObject) cred = result_of (r->pdata[6]);
  g_assert_cmpint (json_object_get_int_member (cred, "level"), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (cred, "name"), ==, "张三");
  g_assert_cmpstr (json_object_get_string_member (cred, "device_pk"), ==, get ("DEVPK"));
  g_assert_nonnull (strstr (r->pdata[8], "\"code\":\"card_unusable\""));
  g_assert_nonnull (strstr (r->pdata[9], "\"code\":\"card_unusable\""));
  g_assert_nonnull (strstr (r->pdata[10], "\"code\":\"not_yet_valid\""));
  g_assert_nonnull (strstr (r->pdata[11], "\"code\":\"malformed\""));
}

static void
test_channel (void)
{
  g_autoptr (GPtrArray) r = run_script (
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
  g_autofree char *wire = g_strdup_printf ("{\"wire\":\"%s\"}", get ("WIRE1"));
  g_assert_nonnull (strstr (r->pdata[2], wire));
  g_autofree char *relayed = g_strdup_printf ("{\"wire\":\"%s\"}", get ("RELAYWIRE"));
  g_assert_nonnull (strstr (r->pdata[3], relayed));
  g_autoptr (JsonObject) k1 = result_of (r->pdata[4]);
  g_autoptr (JsonObject) k2 = result_of (r->pdata[5]);
  g_autoptr (JsonObject) k3 = result_of (r->pdata[6]);
  const char *key = json_object_get_string_member (k1, "idempotency_key");
  g_assert_cmpuint (strlen (key), ==, 64);
  g_assert_cmpstr (key, ==, json_object_get_string_member (k2, "idempotency_key"));
  g_assert_cmpstr (key, !=, json_object_get_string_member (k3, "idempotency_key"));
  g_assert_cmpstr (json_object_get_string_member (k1, "channel_id"), ==, "CH100001");
  g_autofree char *g0 = g_strdup_printf ("{\"grant_id\":\"%s\"}", get ("G0"));
  g_assert_nonnull (strstr (r->pdata[7], g0));
  g_assert_nonnull (strstr (r->pdata[10], "\"present\":[\"personal\",\"department\",\"channel\"]"));
  g_assert_nonnull (strstr (r->pdata[12], "\"code\":\"channel_not_live\""));
  g_assert_nonnull (strstr (r->pdata[13], "\"code\":\"channel_not_live\""));

  /* The platform accepts what the channel relayed (CHAN-7, CHAN-10). */
  g_autoptr (ModelChannelRegistry) reg = model_channel_registry_new (NULL);
  guint8 pk[32];
  ModelChannelRequest req;
  g_assert_true (conf_hex_decode_fixed (get ("KPK"), pk, 32, NULL));
  g_assert_true (model_channel_registry_apply (reg, "CH100001", "A", MODEL_CHANNEL_CLASS_BANK, 1,
                                               NULL, pk, T, NULL));
  g_assert_true (conf_hex_decode_fixed (get ("CHILDPK"), pk, 32, NULL));
  g_assert_true (model_channel_registry_apply (reg, "CH200001", "B", MODEL_CHANNEL_CLASS_SOCIAL,
                                               2, "CH100001", pk, T, NULL));
  for (int i = 0; i < 2; i++)
    {
      const char *id = i == 0 ? "CH100001" : "CH200001";
      g_assert_true (model_channel_registry_set_status (reg, id, MODEL_CHANNEL_CERTIFIED, T, NULL));
      g_assert_true (model_channel_registry_set_status (reg, id, MODEL_CHANNEL_LIVE, T, NULL));
    }
  g_autoptr (JsonObject) rw = result_of (r->pdata[3]);
  g_autoptr (GBytes) bytes = conf_json_get_hex (rw, "wire", NULL);
  g_assert_true (model_channel_request_decode (g_bytes_get_data (bytes, NULL),
                                               g_bytes_get_size (bytes), &req, NULL));
  g_autoptr (GError) error = NULL;
  g_assert_true (model_channel_registry_verify (reg, &req, (const guint8 *) "abc", 3, T, &error));
  g_assert_no_error (error);
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

  g_autofree char *input = expand (
    "{\"essc\":1,\"id\":1,\"op\":\"hello\",\"params\":{\"protocol\":\"essc-adapter/1\","
    "\"role\":\"verifier\",\"suite\":\"ESSC-STD/1.0\"}}\n"
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

/* ---- faults ------------------------------------------------------------------- */

#define V CONF_ROLE_BIT (CONF_ROLE_VERIFIER)
#define C CONF_ROLE_BIT (CONF_ROLE_CHANNEL)
#define P CONF_ROLE_BIT (CONF_ROLE_PLATFORM)

#define QR(tok, purpose, pin, now) \
  "qr.verify {\"token\":\"" tok "\",\"purpose\":\"" purpose "\",\"pin_verified\":" pin \
  ",\"now\":" now "}"
#define CRED(cred, now) "credential.verify {\"credential\":\"" cred "\",\"now\":" now "}"
#define ID(ssn) "id.validate {\"ssn\":\"" ssn "\",\"now\":@NOW@}"
#define PIN(op, pin) "pin." op " {\"ssn\":\"" SSN1 "\",\"pin\":\"" pin "\",\"now\":@NOW@}"
#define REGISTER3(bank) \
  "card.register {\"card_no\":\"A00000009\",\"ssn\":\"@SSN3@\",\"name\":\"王五\"," \
  "\"city\":110100,\"bank_account_active\":" bank ",\"now\":@NOW@}"
#define ISSUE3(level, evidence) \
  "ecard.issue {\"card_no\":\"A00000009\",\"level\":" level ",\"evidence\":{" evidence "}," \
  "\"device_pk\":\"@DEVPK@\",\"now\":@NOW@}"
#define FULL "\"real_name_verified\":true,\"liveness_passed\":true," \
             "\"bank_account_active\":true,\"bank_phone_verified\":true"
#define LOSE "card.transition {\"card_no\":\"A00000001\",\"to\":\"lost\",\"now\":@NOW@}"
#define RELAY(wire, body, now) \
  "request.relay {\"wire\":\"" wire "\",\"body\":\"" body "\",\"now\":" now "}"
#define VERIFY(wire, body, now) \
  "channel.verify {\"wire\":\"" wire "\",\"body\":\"" body "\",\"now\":" now "}"
#define SIGN "request.sign {\"operation\":\"card.status\",\"body\":\"abc\",\"timestamp\":@NOW@," \
             "\"nonce\":\"00000000000000000000000000000000\"}"
#define ENTRIES "audit.entries {\"from\":0,\"count\":1000}"

typedef struct {
  const char *fault;
  guint roles;          /* run for each of these roles */
  const char *script;   /* after the role's prelude */
  const char *clean;    /* the clean implementation's last answer: "ok", "ok:TEXT", "!code" */
  const char *faulty;
} Probe;

static const Probe probes[] = {
  { "accept-everything", V | C | P, CRED ("00", "@NOW@"), "!malformed", "ok" },
  { "reject-everything", V | C | P, CRED ("@C2@", "@NOW@"), "ok", "!internal" },
  { "id-accept-lowercase-x", V | P, ID ("11010519491231002x"), "!malformed", "ok" },
  { "id-no-check-char", V | P, ID ("110105194912310021"), "!invalid_id", "ok" },
  { "id-no-future-check", V | P, ID ("@FUTURESSN@"), "!invalid_id", "ok" },
  { "id-accept-unknown-province", V | P, ID ("@BADPROVSSN@"), "!invalid_id",
    "ok:\"region\":990105" },
  { "id-refuse-retired-region", V | P, ID (SSN2), "ok", "!invalid_id" },
  { "cred-accept-trailing-bytes", V | C | P, CRED ("@CTRAIL@", "@NOW@"), "!malformed", "ok" },
  { "cred-skip-signature", V | C | P, CRED ("@CBAD@", "@NOW@"), "!bad_signature", "ok" },
  { "cred-accept-unknown-key", V | C | P, CRED ("@CUNK@", "@NOW@"), "!unknown_key", "ok" },
  { "cred-accept-expired", V | C | P, CRED ("@C2@", "1622505600"), "!expired", "ok" },
  { "cred-accept-not-yet-valid", V | C | P, CRED ("@C2@", "1590969590"), "!not_yet_valid", "ok" },
  { "cred-cached-status", V,
    CRED ("@C2@", "@NOW@") "\nstatus.set {\"ecard_id\":\"@E2@\",\"status\":\"card_unusable\"}\n"
    CRED ("@C2@", "@NOW@"), "!card_unusable", "ok" },
  { "cred-cached-status", P, CRED ("@C2@", "@NOW@") "\n" LOSE "\n" CRED ("@C2@", "@NOW@"),
    "!card_unusable", "ok" },
  { "cred-wrong-encoding", P,
    "credential.issue {\"ecard_id\":\"@E2@\",\"now\":@NOW@,\"lifetime\":31536000}",
    "ok:\"credential\":\"@C2@\"", "ok" },
  { "cred-issue-revoked", P,
    LOSE "\ncredential.issue {\"ecard_id\":\"@E2@\",\"now\":@NOW@,\"lifetime\":100}",
    "!card_unusable", "ok" },
  { "qr-lax-text", V | P, QR ("@TID@ ", "identity", "false", "@NOW@"), "!malformed", "ok" },
  { "qr-skip-status", V,
    "status.set {\"ecard_id\":\"@E2@\",\"status\":\"card_unusable\"}\n"
    QR ("@TID@", "identity", "false", "@NOW@"), "!card_unusable", "ok" },
  { "qr-skip-status", P, LOSE "\n" QR ("@TID@", "identity", "false", "@NOW@"), "!card_unusable",
    "ok" },
  { "qr-skip-device-signature", V | P, QR ("@TBAD@", "identity", "false", "@NOW@"),
    "!bad_signature", "ok" },
  { "qr-age-off-by-one", V | P, QR ("@TID@", "identity", "false", "1590969661"), "!expired",
    "ok" },
  { "qr-accept-future", V | P, QR ("@TFUT@", "identity", "false", "@NOW@"), "!not_yet_valid",
    "ok" },
  { "qr-no-replay-cache", V | P,
    QR ("@TID@", "identity", "false", "@NOW@") "\n" QR ("@TID@", "identity", "false", "@NOW@"),
    "!replayed", "ok" },
  { "qr-consume-on-refusal", V | P,
    QR ("@TPAY@", "payment", "false", "@NOW@") "\n" QR ("@TPAY@", "payment", "true", "@NOW@"),
    "ok", "!replayed" },
  { "qr-wrong-purpose", V | P, QR ("@TID@", "payment", "true", "@NOW@"), "!invalid_state", "ok" },
  { "qr-level1-payment", V | P, QR ("@TPAY1@", "payment", "true", "@NOW@"), "!level_required",
    "ok" },
  { "qr-payment-without-pin", V | P, QR ("@TPAY@", "payment", "false", "@NOW@"),
    "!pin_required", "ok" },
  { "card-lowercase-number", P,
    "card.register {\"card_no\":\"a00000009\",\"ssn\":\"@SSN3@\",\"name\":\"王五\","
    "\"city\":110100,\"bank_account_active\":true,\"now\":@NOW@}", "!malformed", "ok" },
  { "card-second-live-card", P,
    "card.register {\"card_no\":\"A00000009\",\"ssn\":\"" SSN1 "\",\"name\":\"张三\","
    "\"city\":110100,\"bank_account_active\":true,\"now\":@NOW@}", "!already_linked", "ok" },
  { "card-allow-any-transition", P,
    "card.transition {\"card_no\":\"A00000001\",\"to\":\"normal\",\"now\":@NOW@}",
    "!invalid_state", "ok:\"status\":\"normal\"" },
  { "card-lost-keeps-ecard", P, LOSE "\necard.status {\"ecard_id\":\"@E2@\"}", "!card_unusable",
    "ok" },
  { "card-replaced-keeps-ecard", P,
    "card.replace {\"card_no\":\"A00000001\",\"new_card_no\":\"A00000009\",\"now\":@NOW@}\n"
    "ecard.status {\"ecard_id\":\"@E2@\"}", "!card_unusable", "ok" },
  { "iss-no-liveness", P, REGISTER3 ("true") "\n" ISSUE3 ("1", "\"real_name_verified\":true"),
    "!evidence_missing", "ok" },
  { "iss-no-bank-phone", P,
    REGISTER3 ("true") "\n"
    ISSUE3 ("2", "\"real_name_verified\":true,\"liveness_passed\":true,"
                 "\"bank_account_active\":true"), "!evidence_missing", "ok" },
  { "iss-second-ecard", P,
    "ecard.issue {\"card_no\":\"A00000001\",\"level\":1,\"evidence\":{" FULL "},"
    "\"device_pk\":\"@DEVPK@\",\"now\":@NOW@}", "!already_linked", "ok" },
  { "iss-any-level", P, REGISTER3 ("true") "\n" ISSUE3 ("3", FULL), "!malformed", "ok" },
  { "iss-random-ids", P, REGISTER3 ("true") "\n" ISSUE3 ("1", FULL), "ok:\"ecard_id\":\"@E3@\"",
    "ok" },
  { "pin-accept-long", P, PIN ("set", "260419") "\n" PIN ("verify", "2604190"), "!malformed",
    "ok" },
  { "pin-accept-weak", P, PIN ("set", "123456"), "!pin_weak", "ok" },
  { "pin-logged", P, PIN ("set", "260419") "\n" ENTRIES, "ok", "ok:323630343139" },
  { "pin-no-lockout", P,
    PIN ("set", "260419") "\n" PIN ("verify", "111111") "\n" PIN ("verify", "111111") "\n"
    PIN ("verify", "111111") "\n" PIN ("verify", "111111") "\n" PIN ("verify", "111111"),
    "!pin_locked", "!pin_wrong" },
  { "pin-change-without-old", P,
    PIN ("set", "260419") "\n"
    "pin.change {\"ssn\":\"" SSN1 "\",\"old_pin\":\"111112\",\"new_pin\":\"314159\","
    "\"now\":@NOW@}", "!pin_wrong", "ok" },
  { "pin-malformed-counts", P,
    PIN ("set", "260419") "\n" PIN ("verify", "12345") "\n" PIN ("verify", "12345") "\n"
    PIN ("verify", "12345") "\n" PIN ("verify", "12345") "\n" PIN ("verify", "12345") "\n"
    PIN ("verify", "260419"), "ok", "!pin_locked" },
  { "chan-sign-wrong-bytes", C, SIGN, "ok:\"wire\":\"@WIRE1@\"", "ok" },
  { "chan-countersign-wrong-bytes", C, RELAY ("@CHILDWIRE@", "abc", "@NOW@"),
    "ok:\"wire\":\"@RELAYWIRE@\"", "ok" },
  { "chan-relay-skip-signature", C, RELAY ("@CHILDWIRE_BAD@", "abc", "@NOW@"), "!bad_signature",
    "ok" },
  { "chan-relay-any-child", C, RELAY ("@STRANGERWIRE@", "abc", "@NOW@"), "!channel_tier", "ok" },
  { "chan-ignore-status", C, "channel.set_status {\"status\":\"suspended\"}\n" SIGN,
    "!channel_not_live", "ok" },
  { "chan-ignore-status", P,
    "@CHSETUP@\nchannel.set_status {\"channel_id\":\"CH100001\",\"status\":\"suspended\","
    "\"now\":@NOW@}\n" VERIFY ("@WIRE1@", "abc", "@NOW@"), "!channel_not_live", "ok" },
  { "chan-skip-body-hash", C, RELAY ("@CHILDWIRE@", "abd", "@NOW@"), "!bad_signature", "ok" },
  { "chan-skip-body-hash", P, "@CHSETUP@\n" VERIFY ("@WIRE1@", "abd", "@NOW@"), "!bad_signature",
    "ok" },
  { "chan-no-clock-window", C, RELAY ("@CHILDWIRE@", "abc", "1590969901"), "!expired", "ok" },
  { "chan-no-clock-window", P, "@CHSETUP@\n" VERIFY ("@WIRE1@", "abc", "1590969901"), "!expired",
    "ok" },
  { "chan-no-replay", C,
    RELAY ("@CHILDWIRE@", "abc", "@NOW@") "\n" RELAY ("@CHILDWIRE@", "abc", "@NOW@"), "!replayed",
    "ok" },
  { "chan-no-replay", P,
    "@CHSETUP@\n" VERIFY ("@WIRE1@", "abc", "@NOW@") "\n" VERIFY ("@WIRE1@", "abc", "@NOW@"),
    "!replayed", "ok" },
  { "chan-allow-any-transition", P,
    "channel.apply {\"channel_id\":\"CH100001\",\"name\":\"A\",\"class\":\"bank\",\"tier\":1,"
    "\"public_key\":\"@KPK@\",\"now\":@NOW@}\n"
    "channel.set_status {\"channel_id\":\"CH100001\",\"status\":\"live\",\"now\":@NOW@}",
    "!invalid_state", "ok" },
  { "chan-accept-unrelayed", P,
    "@CHSETUP@\n"
    "channel.apply {\"channel_id\":\"CH200001\",\"name\":\"B\",\"class\":\"social\",\"tier\":2,"
    "\"parent_id\":\"CH100001\",\"public_key\":\"@CHILDPK@\",\"now\":@NOW@}\n"
    "channel.set_status {\"channel_id\":\"CH200001\",\"status\":\"certified\",\"now\":@NOW@}\n"
    "channel.set_status {\"channel_id\":\"CH200001\",\"status\":\"live\",\"now\":@NOW@}\n"
    VERIFY ("@UNRELAYED@", "abc", "@NOW@"), "!channel_tier", "ok" },
  { "chan-risk-no-action", P,
    "@CHSETUP@\nchannel.risk {\"channel_id\":\"CH100001\",\"event\":\"data_leak\",\"now\":@NOW@}",
    "ok:\"status\":\"rectification\"", "ok:\"status\":\"live\"" },
  { "consent-two-of-three", C, "@GRANTS@\ndata.request @ASK@", "!consent_missing", "ok" },
  { "consent-two-of-three", P, "@GRANTS@\nconsent.check @ASK@", "!consent_missing", "ok" },
  { "consent-ignore-expiry", C,
    "@GRANTS@\n@CHANNELGRANT@\ndata.request {\"ssn\":\"" SSN1 "\",\"department_id\":"
    "\"MIB-110000\",\"scopes\":\"identity\",\"now\":1590969620}", "!expired", "ok" },
  { "consent-ignore-expiry", P,
    "@GRANTS@\n@CHANNELGRANT@\nconsent.check {\"ssn\":\"" SSN1 "\",\"channel_id\":\"CH100001\","
    "\"department_id\":\"MIB-110000\",\"scopes\":\"identity\",\"now\":1590969620}", "!expired",
    "ok" },
  { "consent-pooled-scopes", C | P,
    "@GRANTS@\n@CHANNELGRANT@\n"
    "consent.grant {\"kind\":\"personal\",\"ssn\":\"" SSN1 "\",\"channel_id\":\"CH100001\","
    "\"department_id\":\"\",\"scopes\":\"card_status\",\"not_before\":1590969500,"
    "\"expires_at\":1591056000}\n"
    "consent.grant {\"kind\":\"department\",\"ssn\":\"\",\"channel_id\":\"CH100001\","
    "\"department_id\":\"MIB-110000\",\"scopes\":\"identity,card_status\",\"not_before\":1590969500,"
    "\"expires_at\":1591056000}\n"
    "consent.grant {\"kind\":\"channel\",\"ssn\":\"\",\"channel_id\":\"CH100001\","
    "\"department_id\":\"\",\"scopes\":\"identity,card_status\",\"not_before\":1590969500,"
    "\"expires_at\":1591056000}\n"
    "@CHECK@ {\"ssn\":\"" SSN1 "\",\"channel_id\":\"CH100001\",\"department_id\":\"MIB-110000\","
    "\"scopes\":\"identity,card_status\",\"now\":@NOW@}", "!consent_missing", "ok" },
  { "consent-ignore-revocation", C | P,
    "@GRANTS@\n@CHANNELGRANT@\nconsent.revoke {\"grant_id\":\"@G2@\",\"now\":@NOW@}\n"
    "@CHECK@ @ASK@", "!consent_missing", "ok" },
  { "consent-random-ids", C | P, "@GRANTS@", "ok:\"grant_id\":\"@G1@\"", "ok" },
  { "pay-new-key-on-retry", C, "payment.prepare @PREPARE@\npayment.prepare @PREPARE@", "ok",
    "ok" },
  { "pay-prepare-no-level-check", C,
    "payment.prepare {\"order_ref\":\"o-1\",\"ecard_id\":\"@E1@\",\"city\":110100,"
    "\"payee\":\"SHOP-1\",\"amount_fen\":100,\"currency\":\"CNY\",\"level\":1,"
    "\"pin_verified\":true}", "!level_required", "ok" },
  { "pay-prepare-no-pin-check", C,
    "payment.prepare {\"order_ref\":\"o-1\",\"ecard_id\":\"@E2@\",\"city\":110100,"
    "\"payee\":\"SHOP-1\",\"amount_fen\":100,\"currency\":\"CNY\",\"level\":2,"
    "\"pin_verified\":false}", "!pin_required", "ok" },
  { "pay-no-idempotency", P, "payment.submit @PAY@\npayment.submit @PAY@",
    "ok:\"duplicate\":true", "ok:\"duplicate\":false" },
  { "pay-ignore-conflict", P,
    "payment.submit @PAY@\n"
    "payment.submit {\"channel_id\":\"CH100001\",\"idempotency_key\":\"k1\",\"ecard_id\":"
    "\"@E2@\",\"city\":110100,\"payee\":\"SHOP-1\",\"amount_fen\":200,\"currency\":\"CNY\","
    "\"pin_verified\":true,\"now\":@NOW@}", "!conflict", "ok:\"duplicate\":true" },
  { "pay-skip-status", P, LOSE "\npayment.submit @PAY@", "!card_unusable", "ok" },
  { "pay-no-level-check", P,
    "payment.submit {\"channel_id\":\"CH100001\",\"idempotency_key\":\"k1\",\"ecard_id\":"
    "\"@E1@\",\"city\":440500,\"payee\":\"SHOP-1\",\"amount_fen\":100,\"currency\":\"CNY\","
    "\"pin_verified\":true,\"now\":@NOW@}", "!level_required", "ok" },
  { "pay-no-pin-check", P,
    "payment.submit {\"channel_id\":\"CH100001\",\"idempotency_key\":\"k1\",\"ecard_id\":"
    "\"@E2@\",\"city\":110100,\"payee\":\"SHOP-1\",\"amount_fen\":100,\"currency\":\"CNY\","
    "\"pin_verified\":false,\"now\":@NOW@}", "!pin_required", "ok" },
  { "pay-route-off-by-one", P,
    "payment.submit {\"channel_id\":\"CH100001\",\"idempotency_key\":\"k1\",\"ecard_id\":"
    "\"@E2@\",\"city\":110100,\"payee\":\"SHOP-1\",\"amount_fen\":100,\"currency\":\"CNY\","
    "\"pin_verified\":true,\"now\":1593561600}", "ok:\"route\":\"unified\"",
    "ok:\"route\":\"local\"" },
  { "pay-route-by-settle-time", P,
    "payment.submit @PAY@\npayment.settle {\"order_id\":\"@ORDER1@\",\"now\":1593561700}\n"
    "ledger.reconcile {}", "ok:\"local_fen\":100,\"unified_fen\":0",
    "ok:\"local_fen\":0,\"unified_fen\":100" },
  { "pay-switch-moves-orders", P,
    "payment.submit @PAY@\nsettlement.set_switch {\"city\":110100,\"switch_at\":1590969000}",
    "!invalid_state", "ok" },
  { "pay-settle-twice", P,
    "payment.submit @PAY@\npayment.settle {\"order_id\":\"@ORDER1@\",\"now\":@NOW@}\n"
    "payment.settle {\"order_id\":\"@ORDER1@\",\"now\":@NOW@}", "ok:\"duplicate\":true",
    "ok:\"duplicate\":false" },
  { "audit-seq-from-one", P, "audit.entries {\"from\":0,\"count\":1}", "ok:\"seq\":0",
    "ok:\"seq\":1" },
  { "audit-bad-hash", P, ENTRIES, "ok", "ok" },
  { "audit-break-chain", P, ENTRIES, "ok", "ok" },
  { "audit-wrong-head", P, "audit.head {}", "ok:\"count\":4", "ok:\"count\":4" },
};

static void
test_catalogue (void)
{
  gsize n;
  const ConfFault *faults = conf_fault_catalogue (&n);
  g_assert_cmpuint (n, >=, 40);
  for (gsize i = 0; i < n; i++)
    {
      g_assert_true (conf_fault_lookup (faults[i].name) == &faults[i]);
      g_assert_cmpuint (faults[i].roles, !=, 0);
      g_assert_cmpuint (faults[i].roles & ~7u, ==, 0);
      g_assert_true (g_regex_match_simple ("^[A-Z]+-[0-9]+(,[A-Z]+-[0-9]+)*$",
                                           faults[i].requirements, 0, 0));
      g_assert_true (g_regex_match_simple ("^[a-z0-9]+(-[a-z0-9]+)+$", faults[i].name, 0, 0));
      /* Every fault, for every role it names, has a probe (run below). */
      for (guint r = 0; r < CONF_N_ROLES; r++)
        {
          gboolean probed = FALSE;
          if (!conf_fault_applies (&faults[i], (ConfRole) r))
            continue;
          for (gsize k = 0; k < G_N_ELEMENTS (probes); k++)
            probed = probed || (strcmp (probes[k].fault, faults[i].name) == 0
                                && (probes[k].roles & CONF_ROLE_BIT (r)));
          if (!probed)
            g_error ("fault %s has no probe for role %s", faults[i].name,
                     conf_role_name ((ConfRole) r));
        }
    }
  for (gsize k = 0; k < G_N_ELEMENTS (probes); k++)
    {
      const ConfFault *f = conf_fault_lookup (probes[k].fault);
      g_assert_nonnull (f);
      g_assert_cmpuint (probes[k].roles & ~f->roles, ==, 0);
    }
}

static void
test_faults_differ (void)
{
  for (gsize k = 0; k < G_N_ELEMENTS (probes); k++)
    for (guint r = 0; r < CONF_N_ROLES; r++)
      {
        if (!(probes[k].roles & CONF_ROLE_BIT (r)))
          continue;
        g_autoptr (GString) script = g_string_new (probes[k].script);
        g_string_replace (script, "@CHECK@", r == CONF_ROLE_CHANNEL ? "data.request"
                                                                     : "consent.check", 0);
        g_test_message ("fault %s, role %s", probes[k].fault, conf_role_name ((ConfRole) r));
        g_autoptr (GPtrArray) clean = run_script ((ConfRole) r, NULL, script->str);
        g_autoptr (GPtrArray) faulty = run_script ((ConfRole) r, probes[k].fault, script->str);
        if (!matches (last (clean), probes[k].clean))
          g_error ("%s/%s: clean: expected %s, got %s", probes[k].fault,
                   conf_role_name ((ConfRole) r), probes[k].clean, last (clean));
        if (!matches (last (faulty), probes[k].faulty))
          g_error ("%s/%s: faulty: expected %s, got %s", probes[k].fault,
                   conf_role_name ((ConfRole) r), probes[k].faulty, last (faulty));
        g_assert_cmpstr (last (clean), !=, last (faulty));
      }
}

/* The audit faults make a trail that model/ refuses (AUDIT-1, -3, -4). */
static void
test_audit_faults_break_chain (void)
{
  static const struct { const char *fault; ModelStdCode code; guint64 at; } cases[] = {
    { NULL, MODEL_STD_OK, 0 },
    { "audit-seq-from-one", MODEL_STD_MALFORMED, 0 },
    { "audit-bad-hash", MODEL_STD_BAD_SIGNATURE, 0 },
    { "audit-break-chain", MODEL_STD_BAD_SIGNATURE, 1 },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GPtrArray) r = run_script (CONF_ROLE_PLATFORM, cases[i].fault, ENTRIES);
      g_autoptr (JsonObject) res = result_of (last (r));
      JsonArray *entries = json_object_get_array_member (res, "entries");
      g_autoptr (ModelAuditLog) log = model_audit_log_new ();
      g_assert_cmpuint (json_array_get_length (entries), ==, 4);
      for (guint k = 0; k < json_array_get_length (entries); k++)
        {
          JsonObject *o = json_array_get_object_element (entries, k);
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
      g_autoptr (GError) error = NULL;
      guint64 at = 99;
      gboolean ok = model_audit_log_verify (log, NULL, MODEL_AUDIT_VERIFY_DEFAULT, &at, &error);
      if (cases[i].code == MODEL_STD_OK)
        {
          g_assert_no_error (error);
          g_assert_true (ok);
          continue;
        }
      g_assert_false (ok);
      g_assert_cmpint (error->code, ==, cases[i].code);
      g_assert_cmpuint (at, ==, cases[i].at);
    }
}

int
main (int argc, char **argv)
{
  essc_test_init (&argc, &argv);
  fixture_init ();
  g_test_add_func ("/conf-impl/hello", test_hello);
  g_test_add_func ("/conf-impl/unimplemented-and-order", test_unimplemented_and_order);
  g_test_add_func ("/conf-impl/hostile-lines", test_hostile);
  g_test_add_func ("/conf-impl/platform/happy-path", test_platform);
  g_test_add_func ("/conf-impl/platform/pin-audit", test_platform_pin_audit);
  g_test_add_func ("/conf-impl/verifier/replay-and-lost", test_verifier);
  g_test_add_func ("/conf-impl/channel/sign-relay-pay", test_channel);
  g_test_add_func ("/conf-impl/cli", test_cli);
  g_test_add_func ("/conf-impl/faults/catalogue", test_catalogue);
  g_test_add_func ("/conf-impl/faults/differ", test_faults_differ);
  g_test_add_func ("/conf-impl/faults/audit-chain", test_audit_faults_break_chain);
  return g_test_run ();
}
