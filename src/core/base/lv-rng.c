/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-core"

#include "config.h"

#include <math.h>

#include <lossviz/lv-rng.h>

/* splitmix64: the standard way to expand one 64-bit seed into well-mixed state words. */
static guint64
splitmix64 (guint64 *state)
{
  guint64 z = (*state += G_GUINT64_CONSTANT (0x9E3779B97F4A7C15));

  z = (z ^ (z >> 30)) * G_GUINT64_CONSTANT (0xBF58476D1CE4E5B9);
  z = (z ^ (z >> 27)) * G_GUINT64_CONSTANT (0x94D049BB133111EB);
  return z ^ (z >> 31);
}

/**
 * lv_seed_mix:
 * @seed: a base seed.
 * @a: first coordinate (e.g. a network size).
 * @b: second coordinate (e.g. a run index).
 *
 * Derives an independent seed from (seed, a, b); the same inputs always give the same seed.
 *
 * Returns: the derived seed.
 */
guint64
lv_seed_mix (guint64 seed, guint64 a, guint64 b)
{
  guint64 state = seed;
  guint64 h = splitmix64 (&state);

  state = h ^ (a * G_GUINT64_CONSTANT (0xD6E8FEB86659FD93));
  h = splitmix64 (&state);
  state = h ^ (b * G_GUINT64_CONSTANT (0xA0761D6478BD642F));
  return splitmix64 (&state);
}

void
lv_rng_init (LvRng *rng, guint64 seed)
{
  guint64 state = seed;

  for (guint i = 0; i < 4; i++)
    rng->s[i] = splitmix64 (&state);
  rng->has_spare = FALSE;
  rng->spare = 0.0;
}

static inline guint64
rotl (guint64 x, int k)
{
  return (x << k) | (x >> (64 - k));
}

/* xoshiro256** by Blackman and Vigna (public domain). */
guint64
lv_rng_next (LvRng *rng)
{
  guint64 *s = rng->s;
  guint64 result = rotl (s[1] * 5, 7) * 9;
  guint64 t = s[1] << 17;

  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = rotl (s[3], 45);
  return result;
}

double
lv_rng_uniform (LvRng *rng)
{
  /* 53 random bits into [0, 1). */
  return (double) (lv_rng_next (rng) >> 11) * 0x1.0p-53;
}

double
lv_rng_gaussian (LvRng *rng)
{
  double u, v, s;

  if (rng->has_spare)
    {
      rng->has_spare = FALSE;
      return rng->spare;
    }
  /* Marsaglia's polar method: two independent normals per accepted pair. */
  do
    {
      u = 2.0 * lv_rng_uniform (rng) - 1.0;
      v = 2.0 * lv_rng_uniform (rng) - 1.0;
      s = u * u + v * v;
    }
  while (s >= 1.0 || s == 0.0);
  s = sqrt (-2.0 * log (s) / s);
  rng->spare = v * s;
  rng->has_spare = TRUE;
  return u * s;
}

guint32
lv_rng_below (LvRng *rng, guint32 n)
{
  /* Lemire's multiply-shift with rejection: unbiased. */
  guint64 m = (lv_rng_next (rng) >> 32) * (guint64) n;
  guint32 low = (guint32) m;

  if (low < n)
    {
      guint32 threshold = (guint32) (-n) % n;
      while (low < threshold)
        {
          m = (lv_rng_next (rng) >> 32) * (guint64) n;
          low = (guint32) m;
        }
    }
  return (guint32) (m >> 32);
}

void
lv_rng_shuffle (LvRng *rng, guint32 *items, gsize n)
{
  for (gsize i = n; i > 1; i--)
    {
      guint32 j = lv_rng_below (rng, (guint32) i);
      guint32 tmp = items[i - 1];
      items[i - 1] = items[j];
      items[j] = tmp;
    }
}
