/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "lv-test-bf16.h"
#include "lv-train-fused-bf16-kernels.h"

/*
 * The fused ReLU backward pass (lv_fused_bf16_relu_backward_rows) on @rows × @n deltas whose
 * bf16 copy has rows of @ld16 ≥ n, against the formula: delta16 = round(delta · [a > 0]) within
 * half a bf16 step, the copy's padding untouched, the bias gradient within fp32 summation error
 * of the row sums of delta · [a > 0], and the same deltas without a bias gradient. A third of a
 * are exact zeros (a ReLU's dead units), the rest of either sign.
 */
static inline void
lv_test_bf16_check_relu_backward (gsize rows, gsize n, gsize ld16, guint64 seed)
{
  g_autofree float *delta = g_new (float, rows * n), *orig = g_new (float, rows * n);
  g_autofree float *af = g_new (float, rows * n), *bias_grad = g_new (float, rows);
  g_autofree LvBf16 *a16 = g_new (LvBf16, rows * n), *d16 = g_new (LvBf16, rows * ld16);
  g_autofree LvBf16 *again = g_new (LvBf16, rows * ld16);
  LvRng rng;

  lv_rng_init (&rng, seed);
  for (gsize i = 0; i < rows * n; i++)
    {
      orig[i] = delta[i] = (float) lv_rng_gaussian (&rng);
      af[i] = i % 3 == 0 ? 0.0f : (float) lv_rng_gaussian (&rng);
    }
  for (gsize i = 0; i < rows * ld16; i++)
    d16[i] = again[i] = LV_TEST_BF16_SENTINEL;
  lv_bf16_from_f32 (a16, af, rows * n);
  lv_fused_bf16_relu_backward_rows (delta, a16, rows, n, ld16, d16, bias_grad);
  for (gsize r = 0; r < rows; r++)
    {
      double sum = 0, mag = 0;

      for (gsize i = 0; i < n; i++)
        {
          double want = af[r * n + i] > 0 ? orig[r * n + i] : 0.0;
          double got = lv_bf16_to_f32 (d16[r * ld16 + i]);

          g_assert_cmpfloat (fabs (got - want), <=, 0.5 * lv_test_bf16_step (want));
          sum += want;
          mag += fabs (want);
        }
      for (gsize i = n; i < ld16; i++)
        g_assert_cmpuint (d16[r * ld16 + i], ==, LV_TEST_BF16_SENTINEL);
      g_assert_cmpfloat (fabs (bias_grad[r] - sum), <=, 1e-6 * mag + 1e-7);
    }
  /* Without a bias gradient the deltas are the same. */
  for (gsize i = 0; i < rows * n; i++)
    delta[i] = orig[i];
  lv_fused_bf16_relu_backward_rows (delta, a16, rows, n, ld16, again, NULL);
  for (gsize i = 0; i < rows * ld16; i++)
    g_assert_cmpuint (again[i], ==, d16[i]);
}
