/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <lossviz/lossviz.h>

/*
 * Two Gaussian blobs in `dims` dimensions, centred at ±sep·e_1, labels 0/1, drawn from `seed`:
 * a problem every classifier must learn, for trainer and ensemble tests.
 */
static inline LvDataset *
lv_test_blobs (guint n_train, guint n_test, guint dims, double sep, guint64 seed)
{
  LvRng rng;
  guint n = n_train + n_test;
  g_autofree float *x = g_new (float, (gsize) n * dims);
  g_autofree guint32 *y = g_new (guint32, n);

  lv_rng_init (&rng, seed);
  for (guint i = 0; i < n; i++)
    {
      y[i] = i % 2;
      for (guint d = 0; d < dims; d++)
        x[(gsize) i * dims + d] = (float) lv_rng_gaussian (&rng) +
                                  (d == 0 ? (float) (y[i] ? sep : -sep) : 0.0f);
    }
  return lv_dataset_new_from_arrays ("blobs", dims, 2, n_train, x, y, NULL, n_test,
                                     n_test ? x + (gsize) n_train * dims : NULL,
                                     n_test ? y + n_train : NULL, NULL);
}

/* Two small widths (3 and 12), 5 runs of 3 epochs, λ = 10⁻³: a quick ensemble for tests. */
static inline void
lv_test_small_ensemble_config (LvEnsembleConfig *config)
{
  lv_ensemble_config_init (config);
  config->sizes[0] = 3;
  config->sizes[1] = 12;
  config->n_sizes = 2;
  config->runs = 5;
  config->train.epochs = 3;
  config->train.reg.lambda = 1e-3;
}
