/* SPDX-License-Identifier: MIT */
/*
 * Checkpoints of a rollout run (see rollout.h): a header (magic, scenario
 * hash, seed, sizes, replications done, whether the latency model ran and
 * the size of its part), the national and provincial rows of the finished
 * replications, the result's arrays, the latency part (latency_io.c), and a
 * BLAKE2b-256 of everything before it.  Written atomically; binary, for this
 * build on this machine.
 */
#include "model/rollout/rollout_private.h"

#include "base/error.h"
#include "base/file.h"

#include <sodium.h>
#include <string.h>

/* ---- checkpoints ------------------------------------------------------ */

#define CKPT_MAGIC "ESSCCKP4"

typedef struct {
  char magic[8];
  char hash[64];
  guint64 seed;
  guint32 n_reps, n_days, n_cities, n_provinces, n_channels, n_done;
  guint32 latency;        /* 0: none; 1: the latency model; 2: with a capacity plan */
  guint32 pad;
  guint64 latency_len;    /* bytes of the latency part (after the arrays) */
} CkptHeader;

/* The arrays of a checkpoint, in file order: pointer and byte size. */
static guint
ckpt_parts (const ModelRolloutResult *r, gpointer *ptr, gsize *size)
{
  const gsize cd = (gsize) r->n_cities * r->n_days, R = r->n_reps;
  guint n = 0;
#define PART(p, bytes) (ptr[n] = (gpointer) (p), size[n] = (bytes), n++)
  PART (r->city_holders, cd * sizeof (double));
  PART (r->city_level2, cd * sizeof (double));
  PART (r->city_cardholders, cd * sizeof (double));
  PART (r->met, MODEL_N_TARGETS * r->n_cities * R * sizeof (gint32));
  PART (r->milestone, MODEL_N_MILESTONES * r->n_cities * R * sizeof (gint32));
  PART (r->channel_live, r->n_channels * R * sizeof (gint32));
  PART (r->channel_attempts, r->n_channels * R);
  PART (r->channel_holders, r->n_channels * R * sizeof (gint64));
  PART (r->new_holders, R * sizeof (gint64));
  PART (r->rep_digest, R * 32);
  PART (r->city_month, (gsize) r->n_cities * r->n_months * R * sizeof (double));
  PART (r->posterior_draw, R * sizeof (gint32));
  PART (r->arrivals, R * sizeof (gint32));
#undef PART
  return n;
}

gboolean
model_rollout_checkpoint_write (const ModelRolloutResult *r, const char *hash, guint64 seed,
                                const char *path, GError **error)
{
  g_return_val_if_fail (r != NULL && hash != NULL && strlen (hash) == 64, FALSE);
  CkptHeader h = { .seed = seed, .n_reps = r->n_reps, .n_days = r->n_days,
                   .n_cities = r->n_cities, .n_provinces = r->n_provinces,
                   .n_channels = r->n_channels, .n_done = r->n_done };
  g_autoptr (GBytes) lat = r->latency != NULL ? model_latency_serialize (r->latency, r->n_done)
                                              : NULL;
  h.latency = r->latency == NULL ? 0 : r->latency->planned ? 2 : 1;
  h.latency_len = lat != NULL ? g_bytes_get_size (lat) : 0;
  memcpy (h.magic, CKPT_MAGIC, 8);
  memcpy (h.hash, hash, 64);
  g_autoptr (GByteArray) b = g_byte_array_new ();
  g_byte_array_append (b, (const guint8 *) &h, sizeof h);
  for (guint rep = 0; rep < r->n_done; rep++)
    {
      for (guint s = 0; s < MODEL_N_SERIES; s++)
        g_byte_array_append (b, (const guint8 *) sim_series_set_row (r->national, s, rep),
                             r->n_days * sizeof (double));
      for (guint p = 0; p < r->n_provinces; p++)
        g_byte_array_append (b, (const guint8 *) sim_series_set_row (r->province, p, rep),
                             r->n_days * sizeof (double));
    }
  gpointer ptr[16];
  gsize size[16];
  guint n = ckpt_parts (r, ptr, size);
  for (guint i = 0; i < n; i++)
    g_byte_array_append (b, ptr[i], size[i]);
  if (lat != NULL)
    g_byte_array_append (b, g_bytes_get_data (lat, NULL), (guint) h.latency_len);
  guint8 sum[32];
  crypto_generichash (sum, sizeof sum, b->data, b->len, NULL, 0);
  g_byte_array_append (b, sum, sizeof sum);
  g_autoptr (GError) inner = NULL;
  if (!base_file_write_atomic (path, b->data, b->len, 0644, TRUE, &inner))
    return base_fail (error, MODEL_ROLLOUT_ERROR, MODEL_ROLLOUT_INTERNAL, "%s", inner->message);
  return TRUE;
}

ModelRolloutResult *
model_rollout_checkpoint_read (const ModelScenario *sc, guint replications, const char *path,
                               GError **error)
{
  g_autofree char *data = NULL;
  gsize len;
  g_autoptr (GError) inner = NULL;
  CkptHeader h;

  if ((data = base_file_read_regular (path, G_MAXSSIZE, &len, NULL, &inner)) == NULL)
    return base_fail (error, MODEL_ROLLOUT_ERROR, MODEL_ROLLOUT_NOT_FOUND, "%s", inner->message),
           NULL;
  if (len < sizeof h + 32)
    return base_fail (error, MODEL_ROLLOUT_ERROR, MODEL_ROLLOUT_INVALID,
                       "%s: too short for a checkpoint", path), NULL;
  guint8 sum[32];
  crypto_generichash (sum, sizeof sum, (const guint8 *) data, len - 32, NULL, 0);
  memcpy (&h, data, sizeof h);
  if (memcmp (h.magic, CKPT_MAGIC, 8) != 0 || memcmp (sum, data + len - 32, 32) != 0)
    return base_fail (error, MODEL_ROLLOUT_ERROR, MODEL_ROLLOUT_INVALID,
                       "%s: not an essc checkpoint, or damaged", path), NULL;
  if (memcmp (h.hash, sc->hash, 64) != 0 || h.seed != sc->seed)
    return base_fail (error, MODEL_ROLLOUT_ERROR, MODEL_ROLLOUT_CONFLICT,
                       "%s: written for another scenario file or seed", path), NULL;
  g_autoptr (ModelRolloutResult) r = rollout_result_new (sc, replications);
  if (h.n_reps != r->n_reps || h.n_days != r->n_days || h.n_cities != r->n_cities
      || h.n_provinces != r->n_provinces || h.n_channels != r->n_channels
      || h.n_done > h.n_reps)
    return base_fail (error, MODEL_ROLLOUT_ERROR, MODEL_ROLLOUT_CONFLICT,
                       "%s: written for %u replications (this run asks for %u) or other data",
                       path, h.n_reps, replications), NULL;
  r->n_done = h.n_done;
  gsize at = sizeof h;
  gsize rows = (gsize) h.n_done * (MODEL_N_SERIES + r->n_provinces) * r->n_days * sizeof (double);
  gpointer ptr[16];
  gsize size[16], total = rows;
  guint n = ckpt_parts (r, ptr, size);
  for (guint i = 0; i < n; i++)
    total += size[i];
  if (h.latency > 2 || (h.latency == 0) != (h.latency_len == 0)
      || h.latency_len > len)
    return base_fail (error, MODEL_ROLLOUT_ERROR, MODEL_ROLLOUT_INVALID,
                       "%s: damaged header (latency part)", path), NULL;
  total += h.latency_len;
  if (len != sizeof h + total + 32)
    return base_fail (error, MODEL_ROLLOUT_ERROR, MODEL_ROLLOUT_INVALID,
                       "%s: %zu bytes, expected %zu", path, len, sizeof h + total + 32), NULL;
  for (guint rep = 0; rep < r->n_done; rep++)
    {
      for (guint s = 0; s < MODEL_N_SERIES; s++, at += r->n_days * sizeof (double))
        memcpy (sim_series_set_row (r->national, s, rep), data + at, r->n_days * sizeof (double));
      for (guint p = 0; p < r->n_provinces; p++, at += r->n_days * sizeof (double))
        memcpy (sim_series_set_row (r->province, p, rep), data + at, r->n_days * sizeof (double));
    }
  for (guint i = 0; i < n; i++)
    {
      memcpy (ptr[i], data + at, size[i]);
      at += size[i];
    }
  if (h.latency != 0)
    {
      if (!sc->latency.enabled)
        return base_fail (error, MODEL_ROLLOUT_ERROR, MODEL_ROLLOUT_CONFLICT,
                           "%s: has a latency part, the scenario no [latency]", path), NULL;
      r->latency = model_latency_result_new (sc, r->n_days, r->n_months, r->month_day,
                                             r->n_reps, h.latency == 2);
      if (!model_latency_deserialize (r->latency, r->n_done, (const guint8 *) data + at,
                                      h.latency_len, &inner))
        return base_fail (error, MODEL_ROLLOUT_ERROR, MODEL_ROLLOUT_INVALID, "%s: %s", path,
                           inner->message), NULL;
    }
  return g_steal_pointer (&r);
}
