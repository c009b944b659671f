/* SPDX-License-Identifier: MIT */
/*
 * Helpers shared by tests/std/test_channel.c and tests/std/test_channel_request.c:
 * deterministic key pairs, a channel registered and brought to a status
 * through allowed transitions, a signed (and countersigned) request, and
 * verification of a request with a text body.  A failed step aborts the test.
 */
#pragma once

#include "model/std/channel.h"
#include "tests/lib/testutil.h"
#include <sodium.h>
#include <string.h>

G_BEGIN_DECLS

#ifndef NOW
#define NOW ESSC_TEST_NOW
#endif
typedef struct {
  guint8 pk[MODEL_CHANNEL_PK_LEN];
  guint8 sk[MODEL_CHANNEL_SK_LEN];
} FxChanKeys;

/* The key pair of a seed of 32 bytes seed_byte. */
void fx_chan_keys_for (guint8 seed_byte, FxChanKeys *k);

/* Registers id and brings it to `status` through allowed transitions. */
void fx_chan_add (ModelChannelRegistry *reg, const char *id, int tier, const char *parent,
                  guint8 seed_byte, ModelChannelStatus status);

/* A signed request from seed_byte's key; parent_seed 0: not countersigned. */
void fx_chan_make_request (ModelChannelRequest *req, const char *id, const char *relay,
                           gint64 ts, guint8 nonce_byte, const char *body, guint8 seed_byte,
                           guint8 parent_seed);

/* model_channel_registry_verify of req with a text body. */
gboolean fx_chan_verify (ModelChannelRegistry *reg, const ModelChannelRequest *req,
                         const char *body,
                         gint64 now, GError **error);

G_END_DECLS
