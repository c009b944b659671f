/* SPDX-License-Identifier: MIT */
/*
 * Vectors that cross sections (flows.json): whole journeys on one platform
 * (issue, credential, scan to pay with the PIN, submit, settle, then the
 * card is reported lost in mid-flow and every use is refused, the card is
 * replaced and a new e-card issued, and the audit chain checked), and on a
 * verifier (a credential and a token accepted, the status feed turns, both
 * refused).  Every step is mirrored on model/std/: the card registry, the
 * issuer, the QR verifier with the registry's status feed, the ledger.
 */
#include "conformance/vec_private.h"

#include "model/std/issuer.h"
#include "model/std/ledger.h"

#include <string.h>

#define T0 CONF_VECTORS_CLOCK
#define DAY ((gint64) 86400)
#define CH "CH100001"

typedef struct {
  ConfVec *v;
  ConfVecWorld *w;
  ModelLedger *ledger;
} Fx;

static void
fx_reset (Fx *fx, gboolean emit)
{
  g_clear_pointer (&fx->w, conf_vec_world_free);
  g_clear_pointer (&fx->ledger, model_ledger_free);
  fx->w = conf_vec_world_new ();
  fx->ledger = model_ledger_new ();
  model_ledger_set_switch (fx->ledger, CONF_VEC_CITY1, T0 - DAY, NULL);
  conf_vec_mute (fx->v, !emit);
  conf_vec_reset_platform (fx->v, fx->w,
                           conf_ja (conf_jo ("city", conf_ji (CONF_VEC_CITY1),
                                             "switch_at", conf_ji (T0 - DAY), NULL), NULL));
  conf_vec_mute (fx->v, FALSE);
}

static GBytes *
cred_step (Fx *fx, const guint8 id[16], gint64 now, ModelStdCode want)
{
  GError *error = NULL;
  GBytes *cred = model_issuer_sign_credential (fx->w->cards, id, fx->w->platform, now, DAY * 365,
                                               NULL, &error);
  conf_vec_agree (fx->v, "credential.issue", error, want);
  JsonNode *expect = conf_vec_err (want);
  if (cred != NULL)
    {
      json_node_unref (expect);
      gsize len = 0;
      const guint8 *d = g_bytes_get_data (cred, &len);
      expect = conf_vec_ok (conf_jo ("credential", conf_jh (d, len), NULL));
    }
  conf_vec_step (fx->v, "credential.issue",
                 conf_jo ("ecard_id", conf_jh (id, 16), "now", conf_ji (now),
                          "lifetime", conf_ji (DAY * 365), NULL), expect,
                 cred != NULL ? "credential_issued" : NULL);
  return cred;
}

static void
qr_step (Fx *fx, const char *token, gboolean platform, gint64 now, ModelStdCode want)
{
  GError *error = NULL;
  ModelQrVerifier ver = { fx->w->trust, platform ? model_card_status_fn : conf_vec_world_status,
                          platform ? (gpointer) fx->w->cards : (gpointer) fx->w, fx->w->cache };
  ModelQrToken out;
  gboolean ok = model_qr_verify (&ver, token, MODEL_QR_PAYMENT, TRUE, now, &out, &error);
  conf_vec_agree (fx->v, "qr.verify", error, want);
  conf_vec_step (fx->v, "qr.verify",
                 conf_jo ("token", conf_js (token), "purpose", conf_js ("payment"),
                          "pin_verified", conf_jb (TRUE), "now", conf_ji (now), NULL),
                 ok ? conf_vec_ok (conf_jo ("purpose", conf_js ("payment"),
                                            "ecard_id", conf_jh (out.credential.ecard_id, 16),
                                            "nonce", conf_jh (out.nonce, 16), NULL))
                    : conf_vec_err (want),
                 NULL);
}

static const ModelPaymentOrder *
pay_step (Fx *fx, const guint8 id[16], const char *key, gint64 now, ModelStdCode want)
{
  GError *error = NULL;
  ModelPaymentRequest req = { CH, key, { 0 }, CONF_VEC_CITY1, "M-HOSPITAL-7", 4200, "CNY", 2,
                              TRUE };
  memcpy (req.ecard_id, id, 16);
  const ModelPaymentOrder *o = model_ledger_submit (fx->ledger, &req, now, model_card_status_fn,
                                                    fx->w->cards, NULL, &error);
  conf_vec_agree (fx->v, "payment.submit", error, want);
  conf_vec_step (fx->v, "payment.submit",
                 conf_jo ("channel_id", conf_js (CH), "idempotency_key", conf_js (key),
                          "ecard_id", conf_jh (id, 16), "city", conf_ji (CONF_VEC_CITY1),
                          "payee", conf_js ("M-HOSPITAL-7"), "amount_fen", conf_ji (4200),
                          "currency", conf_js ("CNY"), "pin_verified", conf_jb (TRUE),
                          "now", conf_ji (now), NULL),
                 o ? conf_vec_ok (conf_jo ("order_id", conf_js (o->order_id),
                                           "route", conf_js (model_route_name (o->route)),
                                           "state", conf_js ("accepted"),
                                           "duplicate", conf_jb (FALSE), NULL))
                   : conf_vec_err (want),
                 NULL);
  return o;
}

static void
platform_journey (Fx *fx)
{
  ConfVec *v = fx->v;
  guint8 id[16], id_new[16];
  const guint8 *dev = model_device_key_public (fx->w->device);
  conf_vec_test (v, "platform/journey-lost-mid-flow", "ISS-3 CRED-10 QR-4 QR-11 PAY-2 PAY-7 "
                 "PAY-11 CARD-7 CARD-9 CRED-7 AUDIT-6", "issue, pay by code, settle; the card "
                 "is lost mid-flow: code, payment and credential refused; replaced, a new "
                 "e-card issued; the audit chain holds", "StatusChange", "invalid");
  conf_vec_card_register (v, fx->w, CONF_VEC_CARD1, CONF_VEC_SSN1, conf_vec_name1,
                          CONF_VEC_CITY1, TRUE, T0, MODEL_STD_OK);
  conf_vec_card_issue (v, fx->w, CONF_VEC_CARD1, 2, conf_vec_full_evidence, dev, T0,
                       MODEL_STD_OK, id);
  g_autoptr (GBytes) cred = cred_step (fx, id, T0, MODEL_STD_OK);
  g_autofree char *t1 = conf_vec_world_token (v, fx->w->device, cred, MODEL_QR_PAYMENT, "j1",
                                              T0 + 10);
  g_autofree char *t2 = conf_vec_world_token (v, fx->w->device, cred, MODEL_QR_PAYMENT, "j2",
                                              T0 + 40);
  qr_step (fx, t1, TRUE, T0 + 10, MODEL_STD_OK);
  const ModelPaymentOrder *o = pay_step (fx, id, "visit-1", T0 + 11, MODEL_STD_OK);
  char order[MODEL_LEDGER_ORDER_ID_LEN + 1] = "";
  if (o != NULL)
    g_strlcpy (order, o->order_id, sizeof order);
  ModelStdCode outcome;
  GError *error = NULL;
  model_ledger_settle (fx->ledger, order, T0 + 20, &outcome, &error);
  conf_vec_agree (v, "payment.settle", error, MODEL_STD_OK);
  conf_vec_step (v, "payment.settle", conf_jo ("order_id", conf_js (order), "now",
                                               conf_ji (T0 + 20), NULL),
                 conf_vec_ok (conf_jo ("state", conf_js ("settled"), "duplicate",
                                       conf_jb (FALSE), NULL)), NULL);
  conf_vec_card_transition (v, fx->w, CONF_VEC_CARD1, "lost", T0 + 30, MODEL_STD_OK);
  qr_step (fx, t2, TRUE, T0 + 40, MODEL_STD_CARD_UNUSABLE);
  pay_step (fx, id, "visit-2", T0 + 41, MODEL_STD_CARD_UNUSABLE);
  G_GNUC_UNUSED g_autoptr (GBytes) none = cred_step (fx, id, T0 + 42, MODEL_STD_CARD_UNUSABLE);
  GError *rerr = NULL;
  model_card_replace (fx->w->cards, CONF_VEC_CARD1, CONF_VEC_CARD2, T0 + 50, &rerr);
  conf_vec_agree (v, "card.replace", rerr, MODEL_STD_OK);
  conf_vec_step (v, "card.replace",
                 conf_jo ("card_no", conf_js (CONF_VEC_CARD1), "new_card_no",
                          conf_js (CONF_VEC_CARD2), "now", conf_ji (T0 + 50), NULL),
                 conf_vec_ok (NULL), NULL);
  conf_vec_card_issue (v, fx->w, CONF_VEC_CARD2, 1, conf_vec_full_evidence, dev, T0 + 60,
                       MODEL_STD_OK, id_new);
  G_GNUC_UNUSED g_autoptr (GBytes) cred2 = cred_step (fx, id_new, T0 + 61, MODEL_STD_OK);
  conf_vec_step (v, "audit.entries", conf_jo ("from", conf_ji (0), "count", conf_ji (1000), NULL),
                 conf_vec_ok (NULL), "audit_chain");
  conf_vec_step (v, "audit.head", conf_jo (NULL, NULL), conf_vec_ok (NULL), "audit_head");
}

static void
verifier_journey (Fx *fx)
{
  ConfVec *v = fx->v;
  guint8 id[16];
  conf_vec_world_issue (v, fx->w, CONF_VEC_CARD1, CONF_VEC_SSN1, conf_vec_name1, CONF_VEC_CITY1,
                        2, fx->w->device, T0 - DAY, id);
  g_autoptr (GBytes) cred = conf_vec_world_credential (v, fx->w, id, T0 - DAY, DAY * 365);
  g_autofree char *t1 = conf_vec_world_token (v, fx->w->device, cred, MODEL_QR_PAYMENT, "v1", T0);
  g_autofree char *t2 = conf_vec_world_token (v, fx->w->device, cred, MODEL_QR_PAYMENT, "v2",
                                              T0 + 30);
  conf_vec_group (v, "verifier", NULL);
  conf_vec_reset_verifier (v, fx->w);
  conf_vec_status_set (v, fx->w, id, MODEL_STD_OK);
  conf_vec_test (v, "verifier/journey-lost-mid-flow", "QR-4 QR-6 CRED-7 CARD-8", "a code "
                 "scanned and paid; the feed reports the card lost; the next code, the same "
                 "code again and the credential are refused", "StatusChange", "invalid");
  qr_step (fx, t1, FALSE, T0, MODEL_STD_OK);
  conf_vec_status_set (v, fx->w, id, MODEL_STD_CARD_UNUSABLE);
  qr_step (fx, t2, FALSE, T0 + 30, MODEL_STD_CARD_UNUSABLE);
  qr_step (fx, t1, FALSE, T0 + 31, MODEL_STD_CARD_UNUSABLE);
  gsize len = 0;
  const guint8 *d = g_bytes_get_data (cred, &len);
  GError *error = NULL;
  model_credential_verify (d, len, fx->w->trust, conf_vec_world_status, fx->w, T0 + 32, NULL,
                           &error);
  conf_vec_agree (v, "credential.verify", error, MODEL_STD_CARD_UNUSABLE);
  conf_vec_step (v, "credential.verify",
                 conf_jo ("credential", conf_jh (d, len), "now", conf_ji (T0 + 32), NULL),
                 conf_vec_err (MODEL_STD_CARD_UNUSABLE), NULL);
}

JsonNode *
conf_vec_gen_flows (GError **error)
{
  g_autoptr (ConfVec) v = conf_vec_new ("flows");
  Fx fx = { .v = v };
  conf_vec_note (v, "StatusChange", "the card's status changes in the middle of a flow");
  fx_reset (&fx, FALSE);
  conf_vec_world_keys (v, fx.w);
  conf_vec_group (v, "platform", conf_jo ("payment", conf_jb (TRUE), NULL));
  fx_reset (&fx, TRUE);
  platform_journey (&fx);
  fx_reset (&fx, FALSE);
  verifier_journey (&fx);
  conf_vec_world_free (fx.w);
  model_ledger_free (fx.ledger);
  return conf_vec_finish (v, error);
}
