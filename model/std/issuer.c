/* SPDX-License-Identifier: MIT */
/*
 * Credential issuance from the card registry (CRED-10): look up the e-card
 * and its card, refuse unless both may be used and the SSN is valid, copy
 * the record fields into a ModelCredential with the times of CRED-12
 * (issued_at = now - backdate, expires_at = now + lifetime) and sign it.  Errors from the
 * other modules are re-raised in this module's domain with their code.
 */
#include "model/std/issuer.h"

#include "model/std/id.h"

#include <string.h>

G_DEFINE_QUARK (model-issuer-error-quark, model_issuer_error)

/* Moves a lower module's error into MODEL_ISSUER_ERROR, keeping its code. */
static void
reraise (GError **error, GError *inner, const char *what)
{
  g_set_error (error, MODEL_ISSUER_ERROR, inner->code, "%s: %s", what, inner->message);
  g_error_free (inner);
}

GBytes *
model_issuer_sign_credential (ModelCardRegistry *cards, const guint8 ecard_id[MODEL_ECARD_ID_LEN],
                              const ModelPlatformKey *key, gint64 now, gint64 lifetime,
                              ModelCredential *out, GError **error)
{
  return model_issuer_sign_credential_backdated (cards, ecard_id, key, now, lifetime, 0, out,
                                                 error);
}

GBytes *
model_issuer_sign_credential_backdated (ModelCardRegistry *cards,
                                        const guint8 ecard_id[MODEL_ECARD_ID_LEN],
                                        const ModelPlatformKey *key, gint64 now,
                                        gint64 lifetime, gint64 backdate,
                                        ModelCredential *out, GError **error)
{
  GError *inner = NULL;
  ModelEcard ecard;
  ModelCard card;
  char hex[33];

  g_return_val_if_fail (cards != NULL && ecard_id != NULL && key != NULL, NULL);
  g_return_val_if_fail (backdate >= 0 && backdate <= MODEL_ISSUER_BACKDATE_MAX, NULL);
  model_ecard_id_to_hex (ecard_id, hex);

  /* CRED-13: the lifetime first (its range keeps now + lifetime and
   * now - backdate inside 64 bits), then the e-card, then its status. */
  if (lifetime <= 0 || now > G_MAXINT64 - lifetime)
    {
      g_set_error (error, MODEL_ISSUER_ERROR, MODEL_STD_MALFORMED,
                   "lifetime: expected 1..%" G_GINT64_FORMAT " seconds", G_MAXINT64 - now);
      return NULL;
    }
  if (now < G_MININT64 + backdate)
    backdate = 0;
  if (!model_card_get_ecard (cards, ecard_id, &ecard, &inner))
    {
      reraise (error, inner, hex);
      return NULL;
    }
  if (model_card_status_fn (ecard_id, cards) != MODEL_STD_OK
      || !model_card_get (cards, ecard.card_no, &card, NULL))
    {
      g_set_error (error, MODEL_ISSUER_ERROR, MODEL_STD_CARD_UNUSABLE,
                   "e-card %s: not active, or its card %s is not normal", hex, ecard.card_no);
      return NULL;
    }
  if (!model_id_validate (card.ssn, now, NULL, &inner))
    {
      reraise (error, inner, "card ssn");
      return NULL;
    }

  ModelCredential cred = { 0 };
  cred.level = (guint8) ecard.level;
  memcpy (cred.ecard_id, ecard.id, sizeof cred.ecard_id);
  g_strlcpy (cred.ssn, card.ssn, sizeof cred.ssn);
  g_strlcpy (cred.name, card.name, sizeof cred.name);
  g_strlcpy (cred.card_no, card.card_no, sizeof cred.card_no);
  cred.city = card.city;
  memcpy (cred.device_pk, ecard.device_pk, sizeof cred.device_pk);
  cred.issued_at = now - backdate;   /* CRED-12 */
  cred.expires_at = now + lifetime;

  GBytes *signed_cred = model_credential_sign (&cred, key, &inner);
  if (signed_cred == NULL)
    {
      reraise (error, inner, "credential");
      return NULL;
    }
  if (out != NULL)
    {
      memcpy (cred.signer_key_id, model_platform_key_id (key), MODEL_KEY_ID_LEN);
      *out = cred;
    }
  return signed_cred;
}
