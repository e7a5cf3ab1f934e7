/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>

#include <lossviz/lossviz.h>

#include "lv-gemm-bf16.h"
#include "lv-test-bf16-relu.h"
#include "lv-test-data.h"

/*
 * The fused passes of bf16 training (issue 14): a GEMM whose epilogue applies ReLU and stores
 * bf16 (oneDNN post-ops), and the ReLU backward pass that reads its mask from the bf16 layer
 * output and sums the bias gradient on the way — each against a double reference.
 */

/* relu(A·B) stored in bf16 by the GEMM against the double product of the same operands:
 * exactly 0 where the product is clearly negative, else within one bf16 step of relu(ref)
 * (plus the fp32 accumulation's error). Batched, A transposed, B plain, as the trainer's
 * layers use it, with a row count that is no multiple of a tile. */
static void
test_gemm_relu_bf16 (void)
{
  const guint batch = 3, m = 21, n = 37, k = 45;
  g_autoptr(GError) error = NULL;
  g_autoptr(LvGemmBf16) gemm = NULL;
  g_autofree float *af = g_new (float, batch * m * k), *bf = g_new (float, batch * k * n);
  g_autofree LvBf16 *a = g_new (LvBf16, batch * m * k), *b = g_new (LvBf16, batch * k * n);
  g_autofree LvBf16 *c = g_new (LvBf16, batch * m * n);
  guint zeros = 0, positives = 0;
  LvRng rng;

  if (!lv_test_have_bf16 ())
    return;
  gemm = lv_gemm_bf16_new_epilogue (batch, TRUE, FALSE, m, n, k,
                                    LV_GEMM_BF16_RELU | LV_GEMM_BF16_DST_BF16, &error);
  g_assert_no_error (error);
  g_test_message ("oneDNN implementation: %s", lv_gemm_bf16_impl (gemm));
  lv_rng_init (&rng, 11);
  lv_test_bf16_gaussian (&rng, af, a, batch * m * k);
  lv_test_bf16_gaussian (&rng, bf, b, batch * k * n);
  lv_gemm_bf16_run_to (gemm, a, b, c);
  for (guint q = 0; q < batch; q++)
    for (guint i = 0; i < m; i++)
      for (guint j = 0; j < n; j++)
        {
          double ref = 0, mag = 0, tol, got = lv_bf16_to_f32 (c[(q * m + i) * n + j]);

          for (guint p = 0; p < k; p++)
            {
              /* A stored k × m (transposed), B stored k × n. */
              double t = (double) lv_bf16_to_f32 (a[q * m * k + p * m + i]) *
                         lv_bf16_to_f32 (b[q * k * n + p * n + j]);
              ref += t;
              mag += fabs (t);
            }
          tol = 1e-5 * mag + 1e-6;
          g_assert_cmpfloat (got, >=, 0);
          if (ref < -tol)
            {
              g_assert_cmpfloat (got, ==, 0);
              zeros++;
            }
          else
            {
              g_assert_cmpfloat (fabs (got - fmax (ref, 0)), <=, lv_test_bf16_step (ref) + tol);
              positives += got > 0;
            }
        }
  /* Both branches of the ReLU were exercised. */
  g_assert_cmpuint (zeros, >, batch * m * n / 4);
  g_assert_cmpuint (positives, >, batch * m * n / 4);
}

/* delta16 = round(delta · [a > 0]) and the row sums of delta · [a > 0], with a given in bf16
 * (positive, zero, negative, and rows whose length is no multiple of the vector width). */
static void
test_relu_backward_rows (void)
{
  lv_test_bf16_check_relu_backward (9, 37, 37, 3);
}

/*
 * Training through the fused passes: bias-free ReLU networks with two hidden layers, so the
 * block's forward products apply ReLU and store bf16 themselves (the stacked layer 0 and the
 * batched layer 1) and both hidden layers go through the bf16-mask backward pass. The block
 * (shared order) must agree with the one-network bf16 trainer (lv_train_run_ordered, which has
 * none of these passes) to bf16's resolution, and stay near fp32.
 */
static void
test_bias_free_block (void)
{
  g_autoptr(LvDataset) ds = lv_test_blobs (300, 60, 12, 1.0, 4);
  const guint64 seeds[3] = { 21, 22, 23 };
  LvMlpShape shape;

  if (!lv_test_have_bf16 ())
    return;
  g_assert_true (lv_mlp_shape_init (&shape, 12, 2, 40, 2, LV_ACTIVATION_RELU,
                                    LV_LOSS_CROSS_ENTROPY, FALSE, NULL));
  lv_test_bf16_block_matches_one_network (&shape, ds, seeds, TRUE, 99);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  lv_core_init ();
  g_test_add_func ("/bf16/gemm-relu-bf16", test_gemm_relu_bf16);
  g_test_add_func ("/bf16/relu-backward-rows", test_relu_backward_rows);
  g_test_add_func ("/bf16/bias-free-block", test_bias_free_block);
  return g_test_run ();
}
