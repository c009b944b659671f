/* SPDX-License-Identifier: MIT */
/*
 * Boundary vectors of ESSC-STD sections 4 and 5 on the verifier, which the
 * generators of credential.json and qr.json append to their verifier group.
 * Credentials: fields re-signed at the edges of their CRED-3 range (level 1,
 * card numbers A00000000 and Z99999999, cities 100000 and 999999: accepted),
 * the required members of credential.verify absent (ERR-3) and, after a
 * credential verified, reset trust lists holding a key that CRED-8 refuses.  Tokens (QR-2, QR-1): the
 * 507-character text of a credential with a 64-byte name, the 3k+2 text of
 * a token of odd length, final pairs worth 255 (decodes: the device
 * signature decides) and 256, a 3k+1 text of even length, a character
 * outside the alphabet in a triple the other two would keep in range, a
 * token shorter than its header, and a purpose that is neither identity nor
 * payment.  Every expectation the model can give is cross-checked with it.
 */
#include "conformance/vec_private.h"

#include "model/std/id.h"

#include <string.h>

#define T0 CONF_VECTORS_CLOCK
#define YEAR ((gint64) 365 * 86400)
#define ISSUED (T0 - 86400)

/* Holders 4 and 5 of these tests: names of 64 and 63 bytes. */
#define CARD4 "C00000004"
#define CARD5 "C00000005"

static const char base45_alphabet[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

typedef struct {
  ConfVec *v;
  ConfVecWorld *w;
  guint8 id1[16], id2[16], id3[16], id4[16], id5[16];
  GBytes *cred1, *cred4, *cred5;
} Fx;

static void
fx_clear (Fx *fx)
{
  g_clear_pointer (&fx->w, conf_vec_world_free);
  g_clear_pointer (&fx->cred1, g_bytes_unref);
  g_clear_pointer (&fx->cred4, g_bytes_unref);
  g_clear_pointer (&fx->cred5, g_bytes_unref);
}

/* An SSN of the 17 digits with its ISO 7064 check character. */
static void
make_ssn (const char *digits17, char out[19])
{
  memcpy (out, digits17, 17);
  out[17] = model_id_check_char (digits17);
  out[18] = '\0';
}

/*
 * The mirror of the verifier group's setup in credential.json and qr.json
 * (three holders, reset, the status of e-cards 1 and 2), plus holders 4 and
 * 5, whom only the mirror issues: a test sets their status itself.
 */
static void
fx_verifier (Fx *fx)
{
  fx_clear (fx);
  fx->w = conf_vec_world_new ();
  conf_vec_mute (fx->v, TRUE);
  conf_vec_world_issue (fx->v, fx->w, CONF_VEC_CARD1, CONF_VEC_SSN1, conf_vec_name1,
                        CONF_VEC_CITY1, 2, fx->w->device, ISSUED - 60, fx->id1);
  conf_vec_world_issue (fx->v, fx->w, CONF_VEC_CARD2, CONF_VEC_SSN2, conf_vec_name2,
                        CONF_VEC_CITY2, 1, fx->w->device2, ISSUED - 60, fx->id2);
  conf_vec_world_issue (fx->v, fx->w, CONF_VEC_CARD3, CONF_VEC_SSN3, conf_vec_name3,
                        CONF_VEC_CITY3, 2, fx->w->device, ISSUED - 60, fx->id3);
  char ssn4[19], ssn5[19];
  make_ssn ("11010519800101001", ssn4);
  make_ssn ("11010519800101002", ssn5);
  g_autoptr (GString) name = g_string_new (NULL);
  for (int i = 0; i < 21; i++)
    g_string_append (name, "\xe5\xbc\xa0");   /* 张: 63 bytes */
  conf_vec_world_issue (fx->v, fx->w, CARD5, ssn5, name->str, CONF_VEC_CITY1, 2, fx->w->device,
                        ISSUED - 60, fx->id5);
  g_string_append_c (name, 'A');              /* 64 bytes */
  conf_vec_world_issue (fx->v, fx->w, CARD4, ssn4, name->str, CONF_VEC_CITY1, 2, fx->w->device,
                        ISSUED - 60, fx->id4);
  fx->cred1 = conf_vec_world_credential (fx->v, fx->w, fx->id1, ISSUED, YEAR);
  fx->cred4 = conf_vec_world_credential (fx->v, fx->w, fx->id4, ISSUED, YEAR);
  fx->cred5 = conf_vec_world_credential (fx->v, fx->w, fx->id5, ISSUED, YEAR);
  conf_vec_reset_verifier (fx->v, fx->w);
  conf_vec_status_set (fx->v, fx->w, fx->id1, MODEL_STD_OK);
  conf_vec_status_set (fx->v, fx->w, fx->id2, MODEL_STD_OK);
  conf_vec_mute (fx->v, FALSE);
}

/* ---- credential.json ------------------------------------------------------ */

static void
cred_verify (Fx *fx, const guint8 *cred, gsize len, gint64 now, ModelStdCode want)
{
  GError *error = NULL;
  ModelCredential out;
  gboolean ok = model_credential_verify (cred, len, fx->w->trust, conf_vec_world_status, fx->w,
                                         now, &out, &error);
  conf_vec_agree (fx->v, "credential.verify", error, want);
  conf_vec_step (fx->v, "credential.verify",
                 conf_jo ("credential", conf_jh (cred, len), "now", conf_ji (now), NULL),
                 ok ? conf_vec_ok (conf_vec_credential_result (&out)) : conf_vec_err (want), NULL);
}

/* A reset of the verifier whose trust list holds the platform key and pk. */
static void
reset_with_key (Fx *fx, const guint8 pk[32])
{
  GError *error = NULL;
  g_autoptr (ModelTrustList) list = model_trust_list_new ();
  ModelStdCode want = MODEL_STD_OK;
  if (!model_trust_list_add (list, model_platform_key_public (fx->w->platform), &error)
      || !model_trust_list_add (list, pk, &error))
    want = (ModelStdCode) error->code;
  conf_vec_agree (fx->v, "reset trust", error, MODEL_STD_MALFORMED);
  conf_vec_step (fx->v, "reset",
                 conf_jo ("seed", conf_jh (fx->w->reset_seed, 32), "now", conf_ji (T0),
                          "trust", conf_ja (conf_jh (model_platform_key_public (fx->w->platform),
                                                     32), conf_jh (pk, 32), NULL),
                          "config", conf_jo (NULL, NULL), NULL),
                 conf_vec_err (want), NULL);
}

void
conf_vec_credential_boundary_tests (ConfVec *v)
{
  Fx fx = { .v = v };
  fx_verifier (&fx);
  if (fx.cred1 == NULL)
    {
      fx_clear (&fx);
      return;
    }
  g_autoptr (GBytes) keep1 = g_bytes_ref (fx.cred1);   /* same bytes in every world */
  gsize len = 0, n = strlen (conf_vec_name1);
  const guint8 *c1 = g_bytes_get_data (keep1, &len);

  /* CRED-3's edges, re-signed: valid */
  const struct {
    const char *name, *comment;
    gsize at;
    const char *bytes;
    gsize len;
  } edges[] = {
    { "level-1", "level 1, the lower end", 5, "\x01", 1 },
    { "card-no-a0", "card number A00000000: the first letter, the lowest digits", 41 + n,
      "A00000000", 9 },
    { "card-no-z9", "card number Z99999999: the last letter, the highest digits", 41 + n,
      "Z99999999", 9 },
    { "city-100000", "city 100000, the lower end", 50 + n, "\x00\x01\x86\xa0", 4 },
    { "city-999999", "city 999999, the upper end", 50 + n, "\x00\x0f\x42\x3f", 4 },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (edges); i++)
    {
      g_autofree guint8 *b = g_memdup2 (c1, len);
      memcpy (b + edges[i].at, edges[i].bytes, edges[i].len);
      model_key_pair_sign (fx.w->platform, b, len - 64, b + len - 64);
      g_autofree char *name = g_strdup_printf ("verifier/resigned-edge-%s", edges[i].name);
      fx_verifier (&fx);
      conf_vec_test (v, name, "CRED-3 CRED-5", edges[i].comment, "Resigned", "valid");
      cred_verify (&fx, b, len, T0, MODEL_STD_OK);
    }

  /* ERR-3: each required member absent */
  static const char *const members[] = { "credential", "now" };
  for (gsize i = 0; i < G_N_ELEMENTS (members); i++)
    {
      g_autofree char *name = g_strdup_printf ("verifier/encoding-%s-absent", members[i]);
      g_autofree char *comment = g_strdup_printf ("a valid credential.verify without %s: a "
                                                  "required member", members[i]);
      fx_verifier (&fx);
      conf_vec_test (v, name, "ERR-3", comment, "Malformed", "invalid");
      JsonNode *p = conf_jo ("credential", conf_jh (c1, len), "now", conf_ji (T0), NULL);
      json_object_remove_member (json_node_get_object (p), members[i]);
      conf_vec_step (v, "credential.verify", p, conf_vec_err (MODEL_STD_MALFORMED), NULL);
    }

  /* CRED-8 at reset: keys that are not canonical prime-order points */
  static const guint8 identity[32] = { 1 };   /* small order */
  guint8 non_canonical[32];                  /* y = p = 2^255 - 19 */
  memset (non_canonical, 0xff, 32);
  non_canonical[0] = 0xed;
  non_canonical[31] = 0x7f;
  const struct {
    const char *name, *comment;
    const guint8 *pk;
  } keys[] = {
    { "small-order", "the identity point, of small order", identity },
    { "non-canonical", "y = 2^255 - 19, not a canonical encoding", non_canonical },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (keys); i++)
    {
      g_autofree char *name = g_strdup_printf ("verifier/reset-trust-%s", keys[i].name);
      g_autofree char *comment = g_strdup_printf ("a credential verified, then a reset whose "
                                                  "trust list holds %s: CRED-8 refuses the key "
                                                  "(an IUT without credential.verify has no use "
                                                  "for the list: not implemented)",
                                                  keys[i].comment);
      fx_verifier (&fx);
      conf_vec_test (v, name, "CRED-8 CRED-5", comment, "Malformed", "invalid");
      cred_verify (&fx, c1, len, T0, MODEL_STD_OK);
      reset_with_key (&fx, keys[i].pk);
    }
  fx_clear (&fx);
}

/* ---- qr.json -------------------------------------------------------------- */

static void
qr_verify (Fx *fx, const char *token, gint64 now, ModelStdCode want)
{
  GError *error = NULL;
  ModelQrToken out;
  ModelQrVerifier ver = { fx->w->trust, conf_vec_world_status, fx->w, fx->w->cache };
  gboolean ok = model_qr_verify (&ver, token, MODEL_QR_IDENTITY, FALSE, now, &out, &error);
  conf_vec_agree (fx->v, "qr.verify", error, want);
  JsonNode *expect;
  if (ok)
    {
      const ModelCredential *c = &out.credential;
      expect = conf_vec_ok (conf_jo (
          "purpose", conf_js ("identity"), "nonce", conf_jh (out.nonce, 16),
          "level", conf_ji (c->level), "ecard_id", conf_jh (c->ecard_id, 16),
          "ssn", conf_js (c->ssn), "name", conf_js (c->name), "card_no", conf_js (c->card_no),
          "city", conf_ji (c->city), "device_pk", conf_jh (c->device_pk, 32),
          "expires_at", conf_ji (c->expires_at),
          "signer_key_id", conf_jh (c->signer_key_id, MODEL_KEY_ID_LEN),
          "issued_at", conf_ji (out.issued_at), "credential_issued_at", conf_ji (c->issued_at),
          NULL));
    }
  else
    expect = conf_vec_err (want);
  conf_vec_step (fx->v, "qr.verify",
                 conf_jo ("token", conf_js (token), "purpose", conf_js ("identity"),
                          "pin_verified", conf_jb (FALSE), "now", conf_ji (now), NULL),
                 expect, NULL);
}

/* The text with its last two characters replaced by pair. */
static char *
with_final_pair (const char *text, const char *pair)
{
  char *s = g_strdup (text);
  gsize n = strlen (s);
  memcpy (s + n - 2, pair, 2);
  return s;
}

/*
 * The text with the middle character of a triple in the device signature
 * replaced by '#', where the triple's last character is worth 1..32: with
 * '#' taken as -1 the triple would still be at most 65535, so only the
 * alphabet check refuses it.  NULL when no triple qualifies.
 */
static char *
with_bad_middle (const char *text)
{
  gsize n = strlen (text);
  if (n < 6 + 3 * 32)
    return NULL;
  for (gsize at = n - 3; at >= n - 3 * 32; at -= 3)
    {
      const char *e = strchr (base45_alphabet, text[at + 2]);
      gsize value = e != NULL ? (gsize) (e - base45_alphabet) : 0;
      if (value >= 1 && value <= 32)
        {
          char *s = g_strdup (text);
          s[at + 1] = '#';
          return s;
        }
    }
  return NULL;
}

#define TEST(name, reqs, comment, flags, result) \
  do { fx_verifier (&fx); conf_vec_test (v, name, reqs, comment, flags, result); } while (0)

void
conf_vec_qr_boundary_tests (ConfVec *v)
{
  Fx fx = { .v = v };
  fx_verifier (&fx);
  if (fx.cred1 == NULL || fx.cred4 == NULL || fx.cred5 == NULL)
    {
      fx_clear (&fx);
      return;
    }
  g_autofree char *t1 = conf_vec_world_token (v, fx.w->device, fx.cred1, MODEL_QR_IDENTITY,
                                              "edge 1", T0);
  g_autofree char *t4 = conf_vec_world_token (v, fx.w->device, fx.cred4, MODEL_QR_IDENTITY,
                                              "edge 4", T0);
  g_autofree char *t5 = conf_vec_world_token (v, fx.w->device, fx.cred5, MODEL_QR_IDENTITY,
                                              "edge 5", T0);
  if (t1 == NULL || t4 == NULL || t5 == NULL)
    {
      fx_clear (&fx);
      return;
    }
  if (strlen (t4) != 507 || (strlen (t5) - 6) % 3 != 2 || (strlen (t1) - 6) % 3 != 0)
    conf_vec_fail (v, "boundary tokens: lengths %zu, %zu and %zu", strlen (t4), strlen (t5),
                   strlen (t1));

  TEST ("verifier/text-507-characters", "QR-2 QR-1 CRED-3", "the token of a credential with a "
        "64-byte name: 334 bytes, 507 characters, the longest text", NULL, "valid");
  conf_vec_status_set (v, fx.w, fx.id4, MODEL_STD_OK);
  qr_verify (&fx, t4, T0, MODEL_STD_OK);
  TEST ("verifier/text-3k+2", "QR-2 QR-1", "a token of 333 bytes (63-byte name): its text ends "
        "with a final pair", NULL, "valid");
  conf_vec_status_set (v, fx.w, fx.id5, MODEL_STD_OK);
  qr_verify (&fx, t5, T0, MODEL_STD_OK);

  g_autofree char *pair255 = with_final_pair (t5, "U5");
  g_autofree char *pair256 = with_final_pair (t5, "V5");
  TEST ("verifier/text-final-pair-255", "QR-2 QR-3 QR-12", "the 333-byte token with its final "
        "pair worth 255: it decodes (last byte 0xff), and the device signature fails", NULL,
        "invalid");
  conf_vec_status_set (v, fx.w, fx.id5, MODEL_STD_OK);
  qr_verify (&fx, pair255, T0, MODEL_STD_BAD_SIGNATURE);
  TEST ("verifier/text-final-pair-256", "QR-2 QR-12", "the 333-byte token with its final pair "
        "worth 256", "Malformed", "invalid");
  conf_vec_status_set (v, fx.w, fx.id5, MODEL_STD_OK);
  qr_verify (&fx, pair256, T0, MODEL_STD_MALFORMED);

  g_autofree char *short2 = g_strndup (t1, strlen (t1) - 2);
  g_autofree char *bad_middle = with_bad_middle (t1);
  if (bad_middle == NULL)
    conf_vec_fail (v, "boundary tokens: no triple for the bad middle character");
  g_autoptr (GBytes) bytes = model_qr_text_to_bytes (t1, NULL);
  g_autofree char *header = bytes != NULL ? model_qr_text_from_bytes (g_bytes_get_data (bytes,
                                                                                        NULL), 31)
                                          : NULL;
  const struct {
    const char *name, *text, *comment;
  } texts[] = {
    { "length-3k+1-even", short2, "the last two characters removed: a length of 3k+1, even" },
    { "bad-character-in-range", bad_middle, "a # in the middle of a triple of the device "
      "signature whose last character is worth 1..32" },
    { "shorter-than-header", header, "the first 31 bytes of a token: shorter than its header" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      if (texts[i].text == NULL)
        continue;
      g_autofree char *name = g_strdup_printf ("verifier/text-%s", texts[i].name);
      TEST (name, "QR-2 QR-1", texts[i].comment, "Malformed", "invalid");
      qr_verify (&fx, texts[i].text, T0, MODEL_STD_MALFORMED);
    }

  TEST ("verifier/purpose-unknown", "QR-9 QR-7", "purpose \"other\", neither identity nor "
        "payment, with a valid token: malformed, and the token is not used up", "Purpose",
        "valid");
  conf_vec_step (v, "qr.verify",
                 conf_jo ("token", conf_js (t1), "purpose", conf_js ("other"),
                          "pin_verified", conf_jb (FALSE), "now", conf_ji (T0), NULL),
                 conf_vec_err (MODEL_STD_MALFORMED), NULL);
  qr_verify (&fx, t1, T0, MODEL_STD_OK);
  fx_clear (&fx);
}
