/* SPDX-License-Identifier: MIT */
/*
 * Private to the reference platform (impl_platform.c, impl_platform_pin.c
 * and impl_platform_chan.c): its state, which is model/std/'s objects, its status
 * feed (the registry's, with the card faults), and the ops that
 * impl_platform_chan.c implements for the role table of impl_platform.c.
 */
#pragma once

#include "conformance/impl.h"
#include "model/std/audit.h"
#include "model/std/card.h"
#include "model/std/channel.h"
#include "model/std/consent.h"
#include "model/std/credential.h"
#include "model/std/ledger.h"
#include "model/std/pin.h"
#include "model/std/qr.h"

G_BEGIN_DECLS

typedef struct {
  ModelPlatformKey *key;          /* from config.platform_key_seed */
  ModelTrustList *trust;          /* reset.trust and the platform's own key */
  ModelCardRegistry *cards;       /* e-card ids of ISS-9 from reset.seed */
  ModelConsentStore *consents;    /* grant ids of CONSENT-12 from reset.seed */
  ModelLedger *ledger;            /* with config.switches */
  ModelPinTable *pins;
  unsigned long long opslimit;    /* Argon2id limits of config.pin_limits */
  gsize memlimit;
  ModelChannelRegistry *channels;
  ModelAuditLog *audit;
  gint64 reset_now;               /* the time of a first entry without `now` (AUDIT-13) */
  ModelQrReplayCache *cache;
  GHashTable *status_cache;       /* cred-cached-status */
  guint extra_orders;             /* pay-no-idempotency */
} ConfPlatform;

/* The platform's status feed; user_data is the ConfImpl. */
ModelStdCode conf_impl_platform_status (const guint8 ecard_id[MODEL_ECARD_ID_LEN],
                                        gpointer user_data);

/* Ops of impl_platform_pin.c. */
gboolean conf_impl_platform_pin_set (ConfImpl *, JsonObject *, JsonObject *, GError **);
gboolean conf_impl_platform_pin_verify (ConfImpl *, JsonObject *, JsonObject *, GError **);
gboolean conf_impl_platform_pin_change (ConfImpl *, JsonObject *, JsonObject *, GError **);

/* Ops of impl_platform_chan.c: channels, consent, settlement. */
gboolean conf_impl_platform_channel_apply (ConfImpl *, JsonObject *, JsonObject *, GError **);
gboolean conf_impl_platform_channel_set_status (ConfImpl *, JsonObject *, JsonObject *,
                                                GError **);
gboolean conf_impl_platform_channel_verify (ConfImpl *, JsonObject *, JsonObject *, GError **);
gboolean conf_impl_platform_channel_risk (ConfImpl *, JsonObject *, JsonObject *, GError **);
gboolean conf_impl_platform_channel_get (ConfImpl *, JsonObject *, JsonObject *, GError **);
gboolean conf_impl_platform_consent_grant (ConfImpl *, JsonObject *, JsonObject *, GError **);
gboolean conf_impl_platform_consent_revoke (ConfImpl *, JsonObject *, JsonObject *, GError **);
gboolean conf_impl_platform_consent_check (ConfImpl *, JsonObject *, JsonObject *, GError **);
gboolean conf_impl_platform_set_switch (ConfImpl *, JsonObject *, JsonObject *, GError **);
gboolean conf_impl_platform_payment_submit (ConfImpl *, JsonObject *, JsonObject *, GError **);
gboolean conf_impl_platform_payment_settle (ConfImpl *, JsonObject *, JsonObject *, GError **);
gboolean conf_impl_platform_reconcile (ConfImpl *, JsonObject *, JsonObject *, GError **);

G_END_DECLS
