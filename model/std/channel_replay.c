/* SPDX-License-Identifier: MIT */
/*
 * One channel's replay cache (see channel_replay.h).  The nonces live in a
 * GSequence ordered by (timestamp, nonce), which gives the oldest one to
 * forget first, and in a hash table for lookup; both point at the same
 * Seen records, which the sequence owns.  The floor only ever rises.
 */
#include "model/std/channel_replay.h"

#include <string.h>

#include "model/std/channel.h"
#include "model/std/common.h"

#define fail(error, code, ...) base_fail ((error), MODEL_CHANNEL_ERROR, (code), __VA_ARGS__)

G_STATIC_ASSERT (MODEL_CHANNEL_NONCE_LEN == 16);   /* seen is keyed by base_bytes16_hash */

typedef struct {
  gint64 ts;
  guint8 nonce[MODEL_CHANNEL_NONCE_LEN];
} Seen;

struct _ModelChannelReplay {
  gint64 window_s;
  guint max;
  GSequence *order;   /* Seen*, ascending (ts, nonce); owns the Seen */
  GHashTable *seen;   /* nonce (inside its Seen) -> GSequenceIter* */
  gboolean has_floor;
  gint64 floor;       /* timestamps <= floor are refused */
};

static int
seen_cmp (gconstpointer a, gconstpointer b, gpointer unused)
{
  const Seen *x = a, *y = b;
  if (x->ts != y->ts)
    return x->ts < y->ts ? -1 : 1;
  return memcmp (x->nonce, y->nonce, MODEL_CHANNEL_NONCE_LEN);
}

ModelChannelReplay *
model_channel_replay_new (gint64 window_s, guint max)
{
  g_return_val_if_fail (window_s > 0 && max > 0, NULL);
  ModelChannelReplay *r = g_new0 (ModelChannelReplay, 1);
  r->window_s = window_s;
  r->max = max;
  r->order = g_sequence_new (g_free);
  r->seen = g_hash_table_new (base_bytes16_hash, base_bytes16_equal);
  return r;
}

void
model_channel_replay_free (ModelChannelReplay *replay)
{
  if (replay == NULL)
    return;
  g_hash_table_destroy (replay->seen);
  g_sequence_free (replay->order);
  g_free (replay);
}

/* TRUE when ts is before now - W, without overflow for any ts and now. */
static gboolean
before_window (gint64 ts, gint64 now, gint64 window_s)
{
  return ts < now && (guint64) now - (guint64) ts > (guint64) window_s;
}

static void
prune (ModelChannelReplay *r, gint64 now)
{
  for (;;)
    {
      GSequenceIter *it = g_sequence_get_begin_iter (r->order);
      if (g_sequence_iter_is_end (it))
        return;
      Seen *s = g_sequence_get (it);
      if (!before_window (s->ts, now, r->window_s))
        return;
      g_hash_table_remove (r->seen, s->nonce);
      g_sequence_remove (it);
    }
}

gboolean
model_channel_replay_check (ModelChannelReplay *replay, const char *channel_id, gint64 timestamp,
                            const guint8 nonce[16], gint64 now, GError **error)
{
  g_return_val_if_fail (replay != NULL && nonce != NULL, FALSE);
  prune (replay, now);
  if (replay->has_floor && timestamp <= replay->floor)
    return fail (error, MODEL_STD_REPLAYED,
                 "nonce: timestamp %" G_GINT64_FORMAT " is at or before the replay floor %"
                 G_GINT64_FORMAT " of %s, freshness cannot be proven", timestamp, replay->floor,
                 channel_id ? channel_id : "the channel");
  if (g_hash_table_contains (replay->seen, nonce))
    return fail (error, MODEL_STD_REPLAYED, "nonce: already seen from %s within the window",
                 channel_id ? channel_id : "the channel");
  return TRUE;
}

void
model_channel_replay_raise_floor (ModelChannelReplay *replay, gint64 floor)
{
  g_return_if_fail (replay != NULL);
  if (!replay->has_floor || floor > replay->floor)
    replay->floor = floor;
  replay->has_floor = TRUE;
}

void
model_channel_replay_remember (ModelChannelReplay *replay, gint64 timestamp,
                               const guint8 nonce[16])
{
  g_return_if_fail (replay != NULL && nonce != NULL);
  if (g_hash_table_contains (replay->seen, nonce))
    return;
  Seen *s = g_new (Seen, 1);
  s->ts = timestamp;
  memcpy (s->nonce, nonce, MODEL_CHANNEL_NONCE_LEN);
  GSequenceIter *it = g_sequence_insert_sorted (replay->order, s, seen_cmp, NULL);
  g_hash_table_insert (replay->seen, s->nonce, it);
  while ((guint) g_sequence_get_length (replay->order) > replay->max)
    {
      GSequenceIter *first = g_sequence_get_begin_iter (replay->order);
      Seen *old = g_sequence_get (first);
      model_channel_replay_raise_floor (replay, old->ts);
      g_hash_table_remove (replay->seen, old->nonce);
      g_sequence_remove (first);
    }
}

gboolean
model_channel_replay_floor (const ModelChannelReplay *replay, gint64 *floor)
{
  g_return_val_if_fail (replay != NULL, FALSE);
  if (replay->has_floor && floor != NULL)
    *floor = replay->floor;
  return replay->has_floor;
}

guint
model_channel_replay_size (const ModelChannelReplay *replay)
{
  g_return_val_if_fail (replay != NULL, 0);
  return (guint) g_sequence_get_length (replay->order);
}
