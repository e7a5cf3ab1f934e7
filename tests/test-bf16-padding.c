/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <string.h>

#include <lossviz/lossviz.h>

#include "lv-gemm-bf16.h"
#include "lv-test-bf16-relu.h"
#include "lv-test-data.h"
#include "lv-train-fused-bf16-kernels.h"

/*
 * The padded layouts of bf16 fused training (docs/PERFORMANCE.md, "Padding the reduction"):
 * a GEMM described by element strides with its reduction padded by stored zeros, the ReLU
 * backward pass writing a delta copy with longer rows, the SGD step writing a weight copy with
 * longer rows, and training through all of them — each against a double reference.
 */

/*
 * The forward product's layout: C_b (m × n) = A_b (m × kp) · X_bᵀ, X_b stored n × kp
 * sample-major, the k real features followed by kp − k zeros in A's and X's rows. Against the
 * double product of the k real terms; and bit for bit the unpadded product (the padding only
 * appends exact zeros to each sum: the trainer's results do not change).
 */
static void
test_gemm_padded_reduction (void)
{
  const guint batch = 2, m = 37, n = 45, k = 100, kp = 128;
  g_autoptr(GError) error = NULL;
  g_autoptr(LvGemmBf16) padded = NULL, plain = NULL;
  g_autofree LvBf16 *a = g_new0 (LvBf16, batch * m * kp), *x = g_new0 (LvBf16, batch * n * kp);
  g_autofree LvBf16 *a0 = g_new (LvBf16, batch * m * k), *x0 = g_new (LvBf16, batch * n * k);
  g_autofree float *c = g_new (float, batch * m * n), *c0 = g_new (float, batch * m * n);
  LvGemmBf16Layout ly = { batch, m, n, kp, { (gsize) m * kp, kp, 1 }, { (gsize) n * kp, 1, kp },
                          { (gsize) m * n, n, 1 }, 0 };
  LvRng rng;

  if (!lv_test_have_bf16 ())
    return;
  padded = lv_gemm_bf16_new_layout (&ly, &error);
  g_assert_no_error (error);
  plain = lv_gemm_bf16_new (batch, FALSE, TRUE, m, n, k, &error);
  g_assert_no_error (error);
  g_test_message ("oneDNN implementation: %s", lv_gemm_bf16_impl (padded));
  lv_rng_init (&rng, 5);
  for (guint q = 0; q < batch; q++)
    {
      for (guint i = 0; i < m * k; i++)
        {
          float v = (float) lv_rng_gaussian (&rng);
          lv_bf16_from_f32 (&a0[q * m * k + i], &v, 1);
          a[q * m * kp + i / k * kp + i % k] = a0[q * m * k + i];
        }
      for (guint i = 0; i < n * k; i++)
        {
          float v = (float) lv_rng_gaussian (&rng);
          lv_bf16_from_f32 (&x0[q * n * k + i], &v, 1);
          x[q * n * kp + i / k * kp + i % k] = x0[q * n * k + i];
        }
    }
  lv_gemm_bf16_run (padded, a, x, c);
  lv_gemm_bf16_run (plain, a0, x0, c0);
  for (guint q = 0; q < batch; q++)
    for (guint i = 0; i < m; i++)
      for (guint j = 0; j < n; j++)
        {
          double ref = 0, mag = 0;
          float got = c[(q * m + i) * n + j];

          for (guint p = 0; p < k; p++)
            {
              double t = (double) lv_bf16_to_f32 (a0[(q * m + i) * k + p]) *
                         lv_bf16_to_f32 (x0[(q * n + j) * k + p]);
              ref += t;
              mag += fabs (t);
            }
          g_assert_cmpfloat (fabs (got - ref), <=, 1e-5 * mag + 1e-6);
          g_assert_cmpuint (memcmp (&got, &c0[(q * m + i) * n + j], sizeof got), ==, 0);
        }
}

/* The ReLU backward pass into a copy with rows of ld16 > n: 37 rows (two groups of 16 and a
 * tail for the bias gradient's grouped lane sums), 37 columns (a masked tail). */
static void
test_relu_backward_padded (void)
{
  lv_test_bf16_check_relu_backward (37, 37, 64, 8);
}

/* The SGD step (with momentum) into a weight copy with rows of ld > row, for a row longer than
 * a vector (crossing vector boundaries) and one shorter. */
static void
test_sgd_padded (void)
{
  const gsize shapes[2][3] = { { 7, 100, 128 }, { 9, 10, 32 } }; /* rows, row, ld */
  const float lr = 0.05f, mu = 0.9f;

  for (guint s = 0; s < 2; s++)
    {
      gsize rows = shapes[s][0], row = shapes[s][1], ld = shapes[s][2], n = rows * row;
      g_autofree float *p = g_new (float, n), *g = g_new (float, n), *v = g_new (float, n);
      g_autofree float *p0 = g_new (float, n), *v0 = g_new (float, n);
      g_autofree LvBf16 *p16 = g_new (LvBf16, rows * ld);
      double sq, want_sq = 0;
      LvRng rng;

      lv_rng_init (&rng, 30 + s);
      for (gsize i = 0; i < n; i++)
        {
          p0[i] = p[i] = (float) lv_rng_gaussian (&rng);
          g[i] = (float) lv_rng_gaussian (&rng);
          v0[i] = v[i] = (float) lv_rng_gaussian (&rng);
        }
      for (gsize i = 0; i < rows * ld; i++)
        p16[i] = LV_TEST_BF16_SENTINEL;
      sq = lv_fused_bf16_sgd (p, g, v, n, lr, mu, p16, row, ld);
      for (gsize i = 0; i < n; i++)
        {
          double vn = (double) mu * v0[i] - (double) lr * g[i], pn = p0[i] + vn;
          double got16 = lv_bf16_to_f32 (p16[i / row * ld + i % row]);

          g_assert_cmpfloat (fabs (v[i] - vn), <=, 1e-6 * (fabs (vn) + 1));
          g_assert_cmpfloat (fabs (p[i] - pn), <=, 1e-6 * (fabs (pn) + 1));
          /* The copy is p rounded: within half a bf16 step of the fp32 result. */
          g_assert_cmpfloat (fabs (got16 - p[i]), <=, 0.5 * lv_test_bf16_step (p[i]));
          want_sq += (double) g[i] * g[i];
        }
      for (gsize r = 0; r < rows; r++)
        for (gsize i = row; i < ld; i++)
          g_assert_cmpuint (p16[r * ld + i], ==, LV_TEST_BF16_SENTINEL);
      g_assert_cmpfloat (fabs (sq - want_sq), <=, 1e-5 * want_sq);
    }
}

/*
 * Training through the padded products: 12 features (padded to 32), minibatches of 50 samples
 * (padded to 64 in layer 0's weight gradient) and a last, shorter minibatch of 40 (290
 * samples), with biases (the trainer's bias + ReLU pass) in both order modes, with the padding
 * forced on and off (LOSSVIZ_BF16_TILE). The block must agree with the one-network bf16 trainer
 * (no padding) to bf16's resolution.
 */
static void
test_padded_block (void)
{
  g_autoptr(LvDataset) ds = lv_test_blobs (290, 60, 12, 1.0, 6);
  const guint64 seeds[3] = { 41, 42, 43 };
  LvMlpShape shape;

  if (!lv_test_have_bf16 ())
    return;
  g_assert_true (lv_mlp_shape_init (&shape, 12, 1, 40, 3, LV_ACTIVATION_RELU,
                                    LV_LOSS_CROSS_ENTROPY, TRUE, NULL));
  /* Padded (AMX CPUs' layout) and unpadded (other CPUs'), whichever this CPU picks. */
  for (guint i = 0; i < 2; i++)
    {
      g_setenv ("LOSSVIZ_BF16_TILE", i == 0 ? "32" : "1", TRUE);
      g_assert_cmpuint (lv_gemm_bf16_reduction_tile (), ==, i == 0 ? 32 : 1);
      lv_test_bf16_block_matches_one_network_batch (&shape, ds, seeds, TRUE, 77, 50);
      lv_test_bf16_block_matches_one_network_batch (&shape, ds, seeds, FALSE, 0, 50);
    }
  g_unsetenv ("LOSSVIZ_BF16_TILE");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  lv_core_init ();
  g_test_add_func ("/bf16/gemm-padded-reduction", test_gemm_padded_reduction);
  g_test_add_func ("/bf16/relu-backward-padded", test_relu_backward_padded);
  g_test_add_func ("/bf16/sgd-padded", test_sgd_padded);
  g_test_add_func ("/bf16/padded-block", test_padded_block);
  return g_test_run ();
}
