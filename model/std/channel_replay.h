/* SPDX-License-Identifier: MIT */
/*
 * One channel's replay cache (ESSC-STD CHAN-13, CHAN-14, CHAN-25): the
 * nonces of the requests a verifier accepted from that channel, each with
 * its timestamp, bounded in number, and the replay floor at or below which
 * every timestamp is refused.  The platform's registry keeps one per
 * channel (model/std/channel.c), a tier-1 parent one per tier-2 child it
 * relays for (model/std/channel_relay.c), so both apply exactly the same
 * rules.  In memory only, no clock: `now` is always passed in.  Errors are
 * MODEL_STD_REPLAYED in the MODEL_CHANNEL_ERROR domain.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _ModelChannelReplay ModelChannelReplay;

/* window_s: CHAN-12's W (> 0); max: the nonces kept (> 0, CHAN-14).
 * Returns: (transfer full). */
ModelChannelReplay *model_channel_replay_new (gint64 window_s, guint max);
void model_channel_replay_free (ModelChannelReplay *replay);

/*
 * Forgets the nonces whose timestamp is before now - W (they are refused as
 * expired before the cache is asked), then refuses with MODEL_STD_REPLAYED
 * a timestamp at or below the floor, or a nonce still remembered.
 * channel_id names the channel in the message.
 */
gboolean model_channel_replay_check (ModelChannelReplay *replay, const char *channel_id,
                                     gint64 timestamp, const guint8 nonce[16], gint64 now,
                                     GError **error);

/* Remembers an accepted request's nonce.  Beyond max nonces the one with
 * the oldest timestamp is forgotten and the floor raised to its timestamp
 * (CHAN-14: never lowered). */
void model_channel_replay_remember (ModelChannelReplay *replay, gint64 timestamp,
                                    const guint8 nonce[16]);

/* Raises the floor to at least floor (CHAN-25: the time the cache was lost). */
void model_channel_replay_raise_floor (ModelChannelReplay *replay, gint64 floor);

/* TRUE and the floor in *floor when one was set. */
gboolean model_channel_replay_floor (const ModelChannelReplay *replay, gint64 *floor);

/* The nonces remembered now. */
guint model_channel_replay_size (const ModelChannelReplay *replay);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ModelChannelReplay, model_channel_replay_free)

G_END_DECLS
