/* SPDX-License-Identifier: MIT */
/*
 * Counter-based random streams for the simulator: Philox4x32-10 (Salmon,
 * Moraes, Dror and Shaw, "Parallel random numbers: as easy as 1, 2, 3",
 * SC'11), the generator of the Random123 library, bit for bit.  A stream is
 * named, not advanced from a shared state: the key comes from (seed,
 * replication) and the first three counter words from the caller (the model
 * uses city, day and cell/purpose); the fourth counter word numbers the
 * 128-bit blocks within the stream.  So any stream can be opened anywhere, in
 * any order, on any thread or rank, and yields the same numbers: that is what
 * makes a run's results independent of how its work is split.  A stream is a
 * small struct on the stack: no allocation, no global state, no clock.
 *
 * Key derivation (part of the interface: changing it changes every result):
 *   mix = splitmix64 (seed ^ splitmix64 (replication)),
 *   key = { lo32 (mix), hi32 (mix) },
 * where splitmix64 (x) is the output of Vigna's SplitMix64 generator from
 * state x: z = x + 0x9E3779B97F4A7C15; z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
 * z = (z ^ (z >> 27)) * 0x94D049BB133111EB; return z ^ (z >> 31).
 *
 * Words are taken from each block in order (word 0 first); a stream yields
 * 2^32 blocks (2^34 words) and aborts if asked for more.
 */
#pragma once

#include <glib.h>
#include <math.h>

G_BEGIN_DECLS

/*
 * One stream.  The struct is public only so that it can live on the stack:
 * every field is private, use the functions below.
 */
typedef struct {
  /*< private >*/
  guint32 key[2];
  guint32 ctr[4];   /* ctr[3]: the index of the next block */
  guint32 buf[4];   /* the current block */
  guint32 used;     /* words of buf already returned; 4 = buf is spent */
  gboolean spent;   /* all 2^32 blocks have been generated */
} SimRng;

/* ---- the block function ------------------------------------------------ */

/* Philox4x32 with 10 rounds: out = philox (ctr, key).  out may alias ctr. */
void sim_rng_philox4x32_10 (const guint32 ctr[4], const guint32 key[2],
                            guint32 out[4]);

/* The 64-bit key of (seed, replication), as documented above. */
guint64 sim_rng_key_mix (guint64 seed, guint64 replication);

/* SplitMix64's output from state x (the mixing function of the key). */
guint64 sim_rng_splitmix64 (guint64 x);

/* ---- streams ----------------------------------------------------------- */

/* Opens stream (c0, c1, c2) of (seed, replication) at its first block. */
void sim_rng_init (SimRng *r, guint64 seed, guint64 replication,
                   guint32 c0, guint32 c1, guint32 c2);

/* Generates the next block into r->buf (the slow path of sim_rng_u32). */
void sim_rng_refill (SimRng *r);

/* The next 32-bit word. */
static inline guint32
sim_rng_u32 (SimRng *r)
{
  if (G_UNLIKELY (r->used >= 4))
    sim_rng_refill (r);
  return r->buf[r->used++];
}

/* The next two words w0, w1 as (w0 << 32) | w1. */
static inline guint64
sim_rng_u64 (SimRng *r)
{
  guint64 hi = sim_rng_u32 (r);
  return (hi << 32) | sim_rng_u32 (r);
}

/*
 * A uniform double in the open interval (0, 1): k * 2^-53 for the top 53
 * bits k of sim_rng_u64, drawing again when k is 0 (probability 2^-53).
 * Every value is exact; the largest is 1 - 2^-53, so 1 never occurs, and 0
 * never does either: callers may take log (u) or divide by u.
 */
static inline double
sim_rng_uniform (SimRng *r)
{
  guint64 k;
  do
    k = sim_rng_u64 (r) >> 11;
  while (G_UNLIKELY (k == 0));
  return (double) k * (1.0 / 9007199254740992.0);
}

/* An exponential variate of mean 1: -log (sim_rng_uniform), finite, > 0. */
double sim_rng_exp (SimRng *r);

/*
 * Two independent standard normals from two uniforms u1, u2 (Box-Muller):
 * z0 = sqrt (-2 log u1) cos (2 pi u2), z1 = the same with sin.  z1 may be
 * NULL (then sin is not computed).  The one Box-Muller of the simulator:
 * every normal draw goes through it, so its numbers are part of the streams'
 * contract.
 */
static inline void
sim_rng_normal_pair (SimRng *r, double *z0, double *z1)
{
  double u1 = sim_rng_uniform (r), u2 = sim_rng_uniform (r);
  double radius = sqrt (-2.0 * log (u1)), angle = 2.0 * G_PI * u2;
  *z0 = radius * cos (angle);
  if (z1 != NULL)
    *z1 = radius * sin (angle);
}

/* A source of standard normals on a stream that keeps Box-Muller's second
 * value for the next draw (so a pair costs two uniforms).  Zero it (or
 * SIM_RNG_NORMAL_INIT) before the first draw; it belongs to one stream. */
typedef struct {
  /*< private >*/
  double spare;
  gboolean has_spare;
} SimRngNormal;

#define SIM_RNG_NORMAL_INIT { 0, FALSE }

/* The next standard normal of n, drawing from r when no value is kept. */
static inline double
sim_rng_normal (SimRngNormal *n, SimRng *r)
{
  if (n->has_spare)
    {
      n->has_spare = FALSE;
      return n->spare;
    }
  double z;
  sim_rng_normal_pair (r, &z, &n->spare);
  n->has_spare = TRUE;
  return z;
}

G_END_DECLS
