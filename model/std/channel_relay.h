/* SPDX-License-Identifier: MIT */
/*
 * The relaying parent (ESSC-STD CHAN-26): what a tier-1 channel checks, and
 * in which order, before it countersigns a request of one of its tier-2
 * children.  It knows its own id, tier and status, its children's ids and
 * public keys, and keeps a replay cache per child (model/std/channel_replay.h,
 * CHAN-13, CHAN-14, CHAN-25).  The child's wire is decoded with
 * model_channel_request_decode_signed (CHAN-27) before the relay is asked;
 * countersigning is model_channel_request_countersign.  In memory only; no
 * clock, no keys: `now` is always passed in.  Errors are in the
 * MODEL_CHANNEL_ERROR domain.
 */
#pragma once

#include <glib.h>

#include "model/std/channel.h"

G_BEGIN_DECLS

typedef struct _ModelChannelRelay ModelChannelRelay;

/*
 * The relay of channel id (checked as CHAN-1) of tier 1 or 2 (a tier-2
 * channel relays nothing), in status live; params NULL: the defaults (the
 * window and replay_cache_max are used).  Returns: (transfer full) or NULL
 * with MALFORMED.
 */
ModelChannelRelay *model_channel_relay_new (const char *id, int tier,
                                            const ModelChannelParams *params, GError **error);
void model_channel_relay_free (ModelChannelRelay *relay);

/* Its own status, as the platform last set it. */
void model_channel_relay_set_status (ModelChannelRelay *relay, ModelChannelStatus status);
ModelChannelStatus model_channel_relay_status (const ModelChannelRelay *relay);

/* A tier-2 child and its key: MALFORMED (id, key of small order), CONFLICT
 * for a child added twice. */
gboolean model_channel_relay_add_child (ModelChannelRelay *relay, const char *child_id,
                                        const guint8 public_key[MODEL_CHANNEL_PK_LEN],
                                        GError **error);

/* Returns: (transfer none) (nullable) the public key of child_id, NULL when
 * it is not one of the relay's children. */
const guint8 *model_channel_relay_child_key (const ModelChannelRelay *relay,
                                            const char *child_id);

/* The replay cache was lost at floor (a restart, CHAN-25): every child
 * request with a timestamp at or before it is refused as REPLAYED. */
void model_channel_relay_forget_before (ModelChannelRelay *relay, gint64 floor);

/*
 * Checks a decoded child request and its body at now, in the order of
 * CHAN-26 from the relay's status on: CHANNEL_NOT_LIVE (the relay is not
 * live); CHANNEL_TIER (the relay is tier 2, the relay id is not the
 * relay's id, the channel is not one of its children); BAD_SIGNATURE (body
 * hash, then the child's signature); EXPIRED, NOT_YET_VALID (the window);
 * REPLAYED (the child's nonce cache and floor).  On success the nonce is
 * remembered and the caller countersigns; a refusal remembers nothing.
 */
gboolean model_channel_relay_check (ModelChannelRelay *relay, const ModelChannelRequest *req,
                                    const guint8 *body, gsize body_len, gint64 now,
                                    GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ModelChannelRelay, model_channel_relay_free)

G_END_DECLS
