/* SPDX-License-Identifier: MIT */
/*
 * A latency result's checkpoint bytes (see latency.h): for the replications
 * done, their day rows and hashes; then the month histograms, the
 * propagation histogram (each as a big-endian 32-bit length and the
 * histogram's canonical bytes) and the plan arrays.  Native byte order for
 * the doubles, as the rollout's checkpoint: for this build on this machine.
 */
#include "model/rollout/latency.h"

#include "base/error.h"

#include <string.h>

static void
put_hist (GByteArray *b, const SimHistogram *h)
{
  g_autoptr (GBytes) bytes = sim_histogram_serialize (h);
  gsize n;
  const guint8 *data = g_bytes_get_data (bytes, &n);
  guint8 len[4] = { (guint8) (n >> 24), (guint8) (n >> 16), (guint8) (n >> 8), (guint8) n };
  g_byte_array_append (b, len, 4);
  g_byte_array_append (b, data, (guint) n);
}

GBytes *
model_latency_serialize (const ModelLatencyResult *r, guint n_done)
{
  g_autoptr (GByteArray) b = g_byte_array_new ();
  for (guint rep = 0; rep < n_done; rep++)
    {
      for (guint s = 0; s < r->n_platforms * MODEL_LAT_N_METRICS; s++)
        g_byte_array_append (b, (const guint8 *) sim_series_set_row (r->day, s, rep),
                             r->n_days * sizeof (double));
      g_byte_array_append (b, r->rep_digest + (gsize) rep * 32, 32);
    }
  for (gsize i = 0; i < (gsize) r->n_platforms * r->n_months; i++)
    put_hist (b, r->month[i]);
  put_hist (b, r->propagation);
  if (r->planned)
    {
      gsize n = (gsize) r->n_platforms * r->n_months * r->n_reps;
      g_byte_array_append (b, (const guint8 *) r->plan, (guint) (n * sizeof (guint32)));
      g_byte_array_append (b, (const guint8 *) r->plan_erlang, (guint) (n * sizeof (guint32)));
      g_byte_array_append (b, (const guint8 *) r->plan_rate, (guint) (n * sizeof (double)));
      g_byte_array_append (b, (const guint8 *) r->plan_service, (guint) (n * sizeof (double)));
    }
  return g_byte_array_free_to_bytes (g_steal_pointer (&b));
}

typedef struct {
  const guint8 *data;
  gsize len, at;
} Reader;

static gboolean
take (Reader *rd, gpointer out, gsize n)
{
  if (rd->len - rd->at < n)
    return FALSE;
  memcpy (out, rd->data + rd->at, n);
  rd->at += n;
  return TRUE;
}

static SimHistogram *
take_hist (Reader *rd, GError **error)
{
  guint8 len[4];
  if (!take (rd, len, 4))
    return NULL;
  gsize n = (gsize) len[0] << 24 | (gsize) len[1] << 16 | (gsize) len[2] << 8 | len[3];
  if (rd->len - rd->at < n)
    return NULL;
  SimHistogram *h = sim_histogram_deserialize (rd->data + rd->at, n, "checkpoint", error);
  rd->at += n;
  return h;
}

gboolean
model_latency_deserialize (ModelLatencyResult *r, guint n_done, const guint8 *data, gsize len,
                           GError **error)
{
  Reader rd = { data, len, 0 };
  g_autoptr (GError) inner = NULL;
  for (guint rep = 0; rep < n_done; rep++)
    {
      for (guint s = 0; s < r->n_platforms * MODEL_LAT_N_METRICS; s++)
        if (!take (&rd, sim_series_set_row (r->day, s, rep), r->n_days * sizeof (double)))
          goto short_data;
      if (!take (&rd, r->rep_digest + (gsize) rep * 32, 32))
        goto short_data;
    }
  for (gsize i = 0; i <= (gsize) r->n_platforms * r->n_months; i++)
    {
      SimHistogram *h = take_hist (&rd, &inner);
      if (h == NULL)
        goto short_data;
      SimHistogram **slot = i < (gsize) r->n_platforms * r->n_months ? &r->month[i]
                                                                       : &r->propagation;
      if (sim_histogram_range_min (h) != sim_histogram_range_min (*slot)
          || sim_histogram_range_max (h) != sim_histogram_range_max (*slot)
          || sim_histogram_precision_bits (h) != sim_histogram_precision_bits (*slot))
        {
          sim_histogram_free (h);
          goto short_data;
        }
      sim_histogram_free (*slot);
      *slot = h;
    }
  if (r->planned)
    {
      gsize n = (gsize) r->n_platforms * r->n_months * r->n_reps;
      if (!take (&rd, r->plan, n * sizeof (guint32))
          || !take (&rd, r->plan_erlang, n * sizeof (guint32))
          || !take (&rd, r->plan_rate, n * sizeof (double))
          || !take (&rd, r->plan_service, n * sizeof (double)))
        goto short_data;
    }
  if (rd.at == len)
    return TRUE;
short_data:
  return base_fail (error, MODEL_LATENCY_ERROR, MODEL_ROLLOUT_INVALID,
                     "the latency part of the checkpoint is damaged%s%s",
                     inner != NULL ? ": " : "", inner != NULL ? inner->message : "");
}
