/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The fused narrow-layer input gradient of bf16 training (lv-train-fused-bf16-kernels.c)
 * against a double-precision computation from the same bf16 operands. */
#include "config.h"

#include <math.h>

#include <lossviz/lossviz.h>

#include "lv-gemm-bf16.h"
#include "lv-train-fused-bf16-kernels.h"

/* One case: K nets, W (out × in), delta (out × n), a (in × n) per net. */
static void
check_case (guint K, guint in, guint out, guint n)
{
  gsize nw = (gsize) K * out * in, nd = (gsize) K * out * n, na = (gsize) K * in * n;
  g_autofree float *wf = g_new (float, nw), *df = g_new (float, nd), *a = g_new (float, na);
  g_autofree float *dp = g_new (float, na);
  g_autofree LvBf16 *w16 = g_new (LvBf16, nw), *d16 = g_new (LvBf16, nd);
  g_autofree LvBf16 *dp16 = g_new (LvBf16, na), *expect16 = g_new (LvBf16, na);
  LvRng rng;
  guint zeros = 0;

  lv_rng_init (&rng, 1000 * K + in + out + n);
  for (gsize i = 0; i < nw; i++)
    wf[i] = (float) lv_rng_gaussian (&rng);
  for (gsize i = 0; i < nd; i++)
    df[i] = (float) lv_rng_gaussian (&rng);
  for (gsize i = 0; i < na; i++)
    a[i] = lv_rng_uniform (&rng) < 0.4 ? 0.0f : (float) lv_rng_gaussian (&rng);
  lv_bf16_from_f32 (w16, wf, nw);
  lv_bf16_from_f32 (d16, df, nd);
  if (!lv_fused_bf16_narrow_input_grad (w16, d16, a, K, in, out, n, LV_ACTIVATION_RELU, dp,
                                        dp16))
    {
      g_test_skip ("no AVX512-BF16 on this CPU: the kernel is not used");
      return;
    }
  for (guint k = 0; k < K; k++)
    for (guint i = 0; i < in; i++)
      for (guint j = 0; j < n; j++)
        {
          gsize at = ((gsize) k * in + i) * n + j;
          double sum = 0, mag = 0;

          for (guint c = 0; c < out; c++)
            {
              double term = (double) lv_bf16_to_f32 (w16[((gsize) k * out + c) * in + i]) *
                            lv_bf16_to_f32 (d16[((gsize) k * out + c) * n + j]);
              sum += term;
              mag += fabs (term);
            }
          if (!(a[at] > 0))
            {
              sum = 0;
              zeros++;
            }
          /* fp32 sums of `out` exact products: within out · 2⁻²⁴ of their magnitude. */
          g_assert_cmpfloat (fabs (dp[at] - sum), <=, out * 6e-8 * mag + 1e-30);
        }
  g_assert_cmpuint (zeros, >, na / 5);
  /* The bf16 copy is the fp32 result rounded. */
  lv_bf16_from_f32 (expect16, dp, na);
  g_assert_cmpmem (dp16, na * sizeof (LvBf16), expect16, na * sizeof (LvBf16));
}

static void
test_narrow_input_grad (void)
{
  check_case (1, 4, 1, 16);
  check_case (3, 70, 10, 37);    /* tails: units past 64 and not a multiple of 4, samples */
  check_case (2, 100, 10, 100);  /* the reference workload's output layer */
  check_case (2, 130, 16, 5);
}

static void
test_narrow_refuses (void)
{
  float x = 0;
  LvBf16 h = 0;

  /* Wide layers and other activations are left to the product + elementwise pass. */
  g_assert_false (lv_fused_bf16_narrow_input_grad (&h, &h, &x, 1, 1, 17, 1,
                                                   LV_ACTIVATION_RELU, &x, &h));
  g_assert_false (lv_fused_bf16_narrow_input_grad (&h, &h, &x, 1, 1, 4, 1,
                                                   LV_ACTIVATION_TANH, &x, &h));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/bf16-kernels/narrow-input-grad", test_narrow_input_grad);
  g_test_add_func ("/bf16-kernels/narrow-refuses", test_narrow_refuses);
  return g_test_run ();
}
