/* SPDX-License-Identifier: MIT */
/*
 * The helpers declared in tests/lib/conf_impl_fixture.h, which says what they are for.
 */
#include "tests/lib/conf_impl_fixture.h"

#define T ESSC_TEST_NOW
#define SWITCH_AT (T + 30 * 86400)
#define LIFETIME (365 * 86400)

/* ---- fixture: what the scripts refer to, computed with model/std/ --------- */

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
  g_autofree char *hex = base_hex_encode_dup (data, len);
  put (name, hex);
}

const char *
fx_impl_get (const char *name)
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
  base_be64_put (head + 22, (guint64) issued_at);
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

void
fx_impl_init (void)
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
  g_assert_true (model_card_register (cards, "A00000009", fx_impl_get ("SSN3"), "王五", 110100, TRUE,
                                      T,
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
  g_autofree char *trail = g_strconcat (fx_impl_get ("C2"), "00", NULL);
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
char *
fx_impl_expand (const char *text)
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
GPtrArray *
fx_impl_serve (ConfRole role, const char *fault, const char *input, gsize len)
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
GPtrArray *
fx_impl_run_script (ConfRole role, const char *fault, const char *script)
{
  g_autofree char *all = g_strconcat (preludes[role], "\n", script, NULL);
  g_autofree char *text = fx_impl_expand (all);
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  g_autoptr (GString) input = g_string_new (NULL);
  guint n = 1;
  g_string_append_printf (input,
                          "{\"essc\":1,\"id\":1,\"op\":\"hello\",\"params\":{\"protocol\":"
                          "\"essc-adapter/1\",\"role\":\"%s\",\"suite\":\"ESSC-STD/1.1\"}}\n",
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
  GPtrArray *responses = fx_impl_serve (role, fault, input->str, input->len);
  g_assert_cmpuint (responses->len, ==, n);
  for (guint i = 0; i < responses->len; i++)
    {
      g_autofree char *id = g_strdup_printf ("{\"id\":%u,", i + 1);
      g_assert_true (g_str_has_prefix (responses->pdata[i], id));
    }
  return responses;
}

const char *
fx_impl_last (GPtrArray *responses)
{
  return responses->pdata[responses->len - 1];
}

/* "ok", "ok:SUBSTRING" or "!code". */
gboolean
fx_impl_matches (const char *response, const char *expect)
{
  g_autofree char *want = fx_impl_expand (expect);
  if (want[0] == '!')
    {
      g_autofree char *code = g_strdup_printf ("\"ok\":false,\"error\":{\"code\":\"%s\"", want + 1);
      return strstr (response, code) != NULL;
    }
  if (strstr (response, "\"ok\":true") == NULL)
    return FALSE;
  return want[2] != ':' || strstr (response, want + 3) != NULL;
}

void
fx_impl_assert_last (GPtrArray *responses, const char *expect)
{
  if (!fx_impl_matches (fx_impl_last (responses), expect))
    g_error ("expected %s, got %s", expect, fx_impl_last (responses));
}

/* The JSON object of a response's result. */
JsonObject *
fx_impl_result_of (const char *response)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonObject) top = conf_json_parse_object (response, strlen (response), &error);
  JsonObject *result;
  g_assert_no_error (error);
  g_assert_true (conf_json_get_object (top, "result", &result, &error));
  return json_object_ref (result);
}
