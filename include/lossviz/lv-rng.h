/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * LvRng:
 *
 * A small, fast, reproducible random generator (xoshiro256**) owned by one job. Each run of an
 * ensemble seeds its own from (base seed, size, run), so a run's numbers never depend on which
 * thread ran it or in what order.
 */
typedef struct {
  guint64 s[4];
  gboolean has_spare;
  double spare;
} LvRng;

guint64 lv_seed_mix (guint64 seed, guint64 a, guint64 b);
void    lv_rng_init (LvRng *rng, guint64 seed);
guint64 lv_rng_next (LvRng *rng);
double  lv_rng_uniform (LvRng *rng);          /* [0, 1) */
double  lv_rng_gaussian (LvRng *rng);         /* N(0, 1) */
guint32 lv_rng_below (LvRng *rng, guint32 n); /* uniform in [0, n) */
void    lv_rng_shuffle (LvRng *rng, guint32 *items, gsize n);

G_END_DECLS
