/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <math.h>

#include <lossviz/lossviz.h>

#include "lv-gemm-bf16.h"

/* Shared by the bf16 trainer tests (test-bf16.c, test-bf16-epilogue.c, test-bf16-padding.c). */

/* A bf16 NaN no kernel writes: marks padding that must stay untouched. */
#define LV_TEST_BF16_SENTINEL 0x7fc1

/* One bf16 step (2^-8 relative) of x: how far a correct rounding may land from x. */
static inline double
lv_test_bf16_step (double x)
{
  return ldexp (1.0, ilogb (fabs (x) > 0 ? x : 1e-30) - 7);
}

/* @n standard normals into @f, and their bf16 roundings into @b. */
static inline void
lv_test_bf16_gaussian (LvRng *rng, float *f, LvBf16 *b, gsize n)
{
  for (gsize i = 0; i < n; i++)
    f[i] = (float) lv_rng_gaussian (rng);
  lv_bf16_from_f32 (b, f, n);
}

/* TRUE when this build and CPU train in bf16; otherwise marks the test skipped. */
static inline gboolean
lv_test_have_bf16 (void)
{
  g_autoptr(GError) error = NULL;

  if (lv_precision_available (LV_PRECISION_BF16, &error))
    return TRUE;
  g_test_skip (error->message);
  return FALSE;
}

static inline void
lv_test_record_end_loss (guint epoch, const LvEpochStats *stats, gpointer data)
{
  *(double *) data = stats->train_loss;
}

static inline void
lv_test_record_net_loss (guint net, guint epoch, const LvEpochStats *stats, gpointer data)
{
  ((double *) data)[net] = stats->train_loss;
}

/*
 * Trains three networks of @shape in one bf16 block (shared order @order_seed when
 * @shared_order, else each run's own order) and each alone with the one-network trainer in
 * bf16 and in fp32 (same seeds and order). The block and the one-network bf16 losses run the
 * same arithmetic up to the order of fp32 accumulations, so they agree to bf16's resolution;
 * bf16 stays near fp32.
 */
static inline void
lv_test_bf16_block_matches_one_network_batch (const LvMlpShape *shape, const LvDataset *ds,
                                              const guint64 seeds[3], gboolean shared_order,
                                              guint64 order_seed, guint batch)
{
  float *params[3];
  LvRunState states[3];
  double block_loss[3], one_loss = NAN, fp32_loss = NAN;
  LvTrainConfig config;
  gsize np = lv_mlp_n_params (shape);

  lv_train_config_init (&config);
  config.epochs = 3;
  config.precision = LV_PRECISION_BF16;
  if (batch > 0)
    config.batch = batch;
  for (guint k = 0; k < 3; k++)
    params[k] = g_new (float, np);
  if (shared_order)
    lv_train_run_fused (shape, &config, ds, 3, seeds, order_seed, params, states,
                        lv_test_record_net_loss, NULL, block_loss, NULL);
  else
    lv_train_run_fused_independent (shape, &config, ds, 3, seeds, params, states,
                                    lv_test_record_net_loss, NULL, block_loss, NULL);
  for (guint k = 0; k < 3; k++)
    {
      g_autofree float *one = g_new (float, np);

      g_assert_cmpint (states[k], ==, LV_RUN_FINISHED);
      for (guint pass = 0; pass < 2; pass++)
        {
          double *loss = pass == 0 ? &one_loss : &fp32_loss;

          config.precision = pass == 0 ? LV_PRECISION_BF16 : LV_PRECISION_FP32;
          g_assert_cmpint (shared_order
                           ? lv_train_run_ordered (shape, &config, ds, seeds[k], order_seed, one,
                                                   lv_test_record_end_loss, loss, NULL)
                           : lv_train_run (shape, &config, ds, seeds[k], one,
                                           lv_test_record_end_loss, loss, NULL),
                           ==, LV_RUN_FINISHED);
        }
      g_test_message ("net %u: train loss block bf16 %.6f, one-net bf16 %.6f, fp32 %.6f", k,
                      block_loss[k], one_loss, fp32_loss);
      g_assert_cmpfloat (fabs (block_loss[k] - one_loss), <, 4e-3 * one_loss);
      g_assert_cmpfloat (fabs (one_loss - fp32_loss), <, 2e-2 * fp32_loss);
      g_free (params[k]);
    }
}

/* The same with the default minibatch size. */
static inline void
lv_test_bf16_block_matches_one_network (const LvMlpShape *shape, const LvDataset *ds,
                                        const guint64 seeds[3], gboolean shared_order,
                                        guint64 order_seed)
{
  lv_test_bf16_block_matches_one_network_batch (shape, ds, seeds, shared_order, order_seed, 0);
}
