/* SPDX-License-Identifier: MIT */
/*
 * Philox4x32-10 and the streams built on it (see sim/rng.h for the contract:
 * the key derivation and the word order are part of the interface, and the
 * block function matches Random123's known-answer vectors).  The per-word
 * hot path is inline in the header; this file holds the block function, the
 * key mix and the refill, which runs once per four words.
 */
#include "sim/rng.h"

#include <math.h>

/* Philox4x32's round multipliers and key schedule (Weyl) constants. */
#define PHILOX_M0 0xD2511F53u
#define PHILOX_M1 0xCD9E8D57u
#define PHILOX_W0 0x9E3779B9u
#define PHILOX_W1 0xBB67AE85u
#define PHILOX_ROUNDS 10

static inline void
philox_round (guint32 x[4], guint32 k0, guint32 k1)
{
  guint64 p0 = (guint64) PHILOX_M0 * x[0];
  guint64 p1 = (guint64) PHILOX_M1 * x[2];
  guint32 y0 = (guint32) (p1 >> 32) ^ x[1] ^ k0;
  guint32 y1 = (guint32) p1;
  guint32 y2 = (guint32) (p0 >> 32) ^ x[3] ^ k1;
  guint32 y3 = (guint32) p0;
  x[0] = y0;
  x[1] = y1;
  x[2] = y2;
  x[3] = y3;
}

void
sim_rng_philox4x32_10 (const guint32 ctr[4], const guint32 key[2], guint32 out[4])
{
  guint32 x[4] = { ctr[0], ctr[1], ctr[2], ctr[3] };
  guint32 k0 = key[0], k1 = key[1];
  for (int i = 0; i < PHILOX_ROUNDS; i++)
    {
      philox_round (x, k0, k1);
      k0 += PHILOX_W0;
      k1 += PHILOX_W1;
    }
  out[0] = x[0];
  out[1] = x[1];
  out[2] = x[2];
  out[3] = x[3];
}

guint64
sim_rng_splitmix64 (guint64 x)
{
  guint64 z = x + G_GUINT64_CONSTANT (0x9E3779B97F4A7C15);
  z = (z ^ (z >> 30)) * G_GUINT64_CONSTANT (0xBF58476D1CE4E5B9);
  z = (z ^ (z >> 27)) * G_GUINT64_CONSTANT (0x94D049BB133111EB);
  return z ^ (z >> 31);
}

guint64
sim_rng_key_mix (guint64 seed, guint64 replication)
{
  return sim_rng_splitmix64 (seed ^ sim_rng_splitmix64 (replication));
}

void
sim_rng_init (SimRng *r, guint64 seed, guint64 replication,
              guint32 c0, guint32 c1, guint32 c2)
{
  g_return_if_fail (r != NULL);

  guint64 mix = sim_rng_key_mix (seed, replication);
  r->key[0] = (guint32) mix;
  r->key[1] = (guint32) (mix >> 32);
  r->ctr[0] = c0;
  r->ctr[1] = c1;
  r->ctr[2] = c2;
  r->ctr[3] = 0;
  r->buf[0] = r->buf[1] = r->buf[2] = r->buf[3] = 0;
  r->used = 4;
  r->spent = FALSE;
}

void
sim_rng_refill (SimRng *r)
{
  /*
   * Wrapping the block counter would replay the stream from its start:
   * correlated draws, silently.  2^34 words from one (city, day, cell,
   * purpose) is a program error, not an input one.
   */
  if (G_UNLIKELY (r->spent))
    g_error ("sim_rng: stream (%u, %u, %u) exhausted its 2^32 blocks",
             r->ctr[0], r->ctr[1], r->ctr[2]);
  sim_rng_philox4x32_10 (r->ctr, r->key, r->buf);
  r->ctr[3]++;
  if (r->ctr[3] == 0)
    r->spent = TRUE;
  r->used = 0;
}

double
sim_rng_exp (SimRng *r)
{
  return -log (sim_rng_uniform (r));
}
