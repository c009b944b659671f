/* SPDX-License-Identifier: MIT */
/*
 * The national platform's issuing step (ESSC-STD CRED-10): builds the
 * credential of an e-card from the card registry's records and signs it
 * with the platform key, but only for an active e-card of a normal card
 * whose SSN passes section 1.  This is the one place where the card
 * registry (model/std/card) and the credential format (model/std/credential) meet;
 * neither of those modules knows the other.
 */
#pragma once

#include <glib.h>

#include "model/std/card.h"
#include "model/std/credential.h"

G_BEGIN_DECLS

#define MODEL_ISSUER_ERROR (model_issuer_error_quark ())
GQuark model_issuer_error_quark (void);

/*
 * Signs the credential of e-card ecard_id at now, valid for lifetime
 * seconds (> 0): issued_at = now, expires_at = now + lifetime.  Errors
 * (MODEL_ISSUER_ERROR), in the order of CRED-13: MALFORMED (lifetime),
 * NOT_FOUND (no such e-card),
 * CARD_UNUSABLE (e-card revoked or card not normal), INVALID_ID / MALFORMED
 * (the card's SSN fails section 1 at now), MALFORMED (lifetime, or a record
 * field the credential format refuses).  out (may be NULL) receives the
 * credential's content.
 * Returns: (transfer full) the signed credential bytes, or NULL.
 */
GBytes *model_issuer_sign_credential (ModelCardRegistry *cards,
                                      const guint8 ecard_id[MODEL_ECARD_ID_LEN],
                                      const ModelPlatformKey *key, gint64 now,
                                      gint64 lifetime, ModelCredential *out,
                                      GError **error);

/* The largest backdate of issued_at a platform may choose (CRED-12), s. */
#define MODEL_ISSUER_BACKDATE_MAX 300

/*
 * As model_issuer_sign_credential, with issued_at = now - backdate
 * (0 <= backdate <= MODEL_ISSUER_BACKDATE_MAX, CRED-6 and CRED-12) and
 * expires_at = now + lifetime: backdating widens the window into the past
 * for verifiers whose clocks lag, and never shortens the lifetime.
 * model_issuer_sign_credential is this with backdate 0.
 */
GBytes *model_issuer_sign_credential_backdated (ModelCardRegistry *cards,
                                                const guint8 ecard_id[MODEL_ECARD_ID_LEN],
                                                const ModelPlatformKey *key, gint64 now,
                                                gint64 lifetime, gint64 backdate,
                                                ModelCredential *out, GError **error);

G_END_DECLS
