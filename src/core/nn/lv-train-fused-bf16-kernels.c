/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-core"

#include "config.h"

#include "lv-train-fused-bf16-kernels.h"
#include "lv-gemm-bf16.h"

/* GCC ≥ 10 on x86-64 compiles the AVX-512 versions (chosen at run time); other compilers and
 * sanitizer builds use the portable kernels only. */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && __GNUC__ >= 10 && \
    !defined(__SANITIZE_THREAD__)
#define HAVE_AVX512_KERNELS 1
#include <immintrin.h>
#define AVX512_BF16 __attribute__ ((target ("avx512f,avx512bw,avx512vl,avx512bf16")))
#endif

#ifdef HAVE_AVX512_KERNELS

static gboolean
cpu_has_bf16 (void)
{
  static int has = -1;

  if (G_UNLIKELY (has < 0))
    has = __builtin_cpu_supports ("avx512bf16") ? 1 : 0;
  return has;
}

/* Lanes [i, n) of a 16-lane step: all when 16 remain, else a mask of the tail. */
AVX512_BF16 static inline __mmask16
lanes (gsize i, gsize n)
{
  return n - i >= 16 ? (__mmask16) 0xffff : (__mmask16) ((1u << (n - i)) - 1);
}

/* Only the bf16 copy is stored: nothing reads a ReLU layer's fp32 output in bf16 training. */
AVX512_BF16 static void
bias_relu (const float *z, gsize ldz, const float *bias, gsize rows, gsize n, guint16 *z16)
{
  const __m512 zero = _mm512_setzero_ps ();

  for (gsize r = 0; r < rows; r++)
    {
      const float *row = z + r * ldz;
      guint16 *row16 = z16 + r * n;
      __m512 b = _mm512_set1_ps (bias != NULL ? bias[r] : 0.0f);

      for (gsize i = 0; i < n; i += 16)
        {
          __mmask16 m = lanes (i, n);
          /* max(v, 0) would turn NaN into 0; the fp32 kernel's (v > 0 ? v : 0) is kept. */
          __m512 v = _mm512_add_ps (_mm512_maskz_loadu_ps (m, row + i), b);
          v = _mm512_maskz_mov_ps (_mm512_cmp_ps_mask (v, zero, _CMP_GT_OQ), v);
          _mm256_mask_storeu_epi16 (row16 + i, m, (__m256i) _mm512_cvtneps_pbh (v));
        }
    }
}

/* The sum of a vector's 16 lanes, in a fixed order. (GCC 12's _mm512_reduce_add_ps trips
 * -Wmaybe-uninitialized in its own header.) */
AVX512_BF16 static inline float
lane_sum (__m512 acc)
{
  float part[16], sum = 0;

  _mm512_storeu_ps (part, acc);
  for (guint j = 0; j < 16; j++)
    sum += part[j];
  return sum;
}

/*
 * lane_sum() of up to 16 rows' accumulators at once: sums[r] = ((0 + acc[r][0]) + acc[r][1])
 * + … + acc[r][15], the same additions in the same order, as 16 vector adds of acc's columns
 * (gathered) instead of 16 dependent scalar adds per row — the scalar chains were two thirds
 * of the ReLU backward pass (perf, docs/PERFORMANCE.md).
 */
AVX512_BF16 static void
lane_sums (const float acc[16][16], gsize count, float *sums)
{
  const __m512i rows = _mm512_mullo_epi32 (
    _mm512_setr_epi32 (0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15),
    _mm512_set1_epi32 (16));
  __mmask16 m = lanes (0, count);
  __m512 sum = _mm512_setzero_ps ();

  for (int j = 0; j < 16; j++)
    sum = _mm512_add_ps (sum, _mm512_mask_i32gather_ps (_mm512_setzero_ps (), m,
                                                        _mm512_add_epi32 (rows,
                                                                          _mm512_set1_epi32 (j)),
                                                        &acc[0][0], 4));
  _mm512_mask_storeu_ps (sums, m, sum);
}

AVX512_BF16 static void
relu_backward_rows (const float *delta, const guint16 *a16, gsize rows, gsize n, gsize ld16,
                    guint16 *delta16, float *bias_grad)
{
  const __m512 zero = _mm512_setzero_ps (), one = _mm512_set1_ps (1.0f);
  float acc_rows[16][16] __attribute__ ((aligned (64)));

  for (gsize r = 0; r < rows; r++)
    {
      const float *row = delta + r * n;
      const guint16 *arow = a16 + r * n;
      guint16 *out = delta16 + r * ld16;
      __m512 acc = zero;

      for (gsize i = 0; i < n; i += 16)
        {
          __mmask16 m = lanes (i, n);
          /* bf16 → fp32 is a 16-bit shift; then as relu_backward. (The maskz forms: GCC 12's
           * unmasked ones trip -Wmaybe-uninitialized in its own header.) */
          __m512 a = _mm512_castsi512_ps (_mm512_maskz_slli_epi32 (
            m, _mm512_maskz_cvtepu16_epi32 (m, _mm256_maskz_loadu_epi16 (m, arow + i)), 16));
          __mmask16 pos = _mm512_cmp_ps_mask (a, zero, _CMP_GT_OQ);
          __m512 v = _mm512_mul_ps (_mm512_maskz_loadu_ps (m, row + i),
                                    _mm512_maskz_mov_ps (pos, one));
          acc = _mm512_add_ps (acc, v);
          _mm256_mask_storeu_epi16 (out + i, m, (__m256i) _mm512_cvtneps_pbh (v));
        }
      if (bias_grad == NULL)
        continue;
      /* Row r's lanes wait in acc_rows until 16 rows (or the last) are in. */
      _mm512_store_ps (acc_rows[r % 16], acc);
      if (r % 16 == 15 || r + 1 == rows)
        lane_sums ((const float (*)[16]) acc_rows, r % 16 + 1, bias_grad + r / 16 * 16);
    }
}

AVX512_BF16 static double
sgd (float *p, const float *g, float *v, gsize n, float lr, float mu, guint16 *p16)
{
  const __m512 lrv = _mm512_set1_ps (lr), muv = _mm512_set1_ps (mu);
  double sq = 0;

  /* As the fp32 kernel: squares in float lanes over chunks of 512, then in double. */
  for (gsize start = 0; start < n; start += 512)
    {
      gsize end = MIN (start + 512, n);
      __m512 acc = _mm512_setzero_ps ();

      for (gsize i = start; i < end; i += 16)
        {
          __mmask16 m = lanes (i, end);
          __m512 gv = _mm512_maskz_loadu_ps (m, g + i), pv = _mm512_maskz_loadu_ps (m, p + i);

          if (v == NULL)
            pv = _mm512_sub_ps (pv, _mm512_mul_ps (lrv, gv));
          else
            {
              __m512 vv = _mm512_sub_ps (_mm512_mul_ps (muv, _mm512_maskz_loadu_ps (m, v + i)),
                                         _mm512_mul_ps (lrv, gv));
              _mm512_mask_storeu_ps (v + i, m, vv);
              pv = _mm512_add_ps (pv, vv);
            }
          acc = _mm512_add_ps (acc, _mm512_mul_ps (gv, gv));
          _mm512_mask_storeu_ps (p + i, m, pv);
          if (p16 != NULL)
            _mm256_mask_storeu_epi16 (p16 + i, m, (__m256i) _mm512_cvtneps_pbh (pv));
        }
      sq += lane_sum (acc);
    }
  return sq;
}

#endif /* HAVE_AVX512_KERNELS */

void
lv_fused_bf16_bias_activate (float *z, gsize ldz, const float *bias, gsize rows, gsize n,
                             LvActivation activation, guint16 *z16)
{
#ifdef HAVE_AVX512_KERNELS
  if (z16 != NULL && activation == LV_ACTIVATION_RELU && cpu_has_bf16 ())
    {
      bias_relu (z, ldz, bias, rows, n, z16);
      return;
    }
#endif
  if (ldz == n)
    {
      lv_fused_bias_activate (z, bias, rows, n, activation, z16);
      return;
    }
  /* Elementwise: row by row is the same arithmetic, with z's own row stride. */
  for (gsize r = 0; r < rows; r++)
    lv_fused_bias_activate (z + r * ldz, bias != NULL ? bias + r : NULL, 1, n, activation,
                            z16 != NULL ? z16 + r * n : NULL);
}

void
lv_fused_bf16_activation_backward (float *delta, const float *a, gsize rows, gsize n,
                                   LvActivation activation, guint16 *delta16, gsize ld16)
{
  if (delta16 == NULL || ld16 == n)
    {
      lv_fused_activation_backward (delta, a, rows * n, activation, delta16);
      return;
    }
  for (gsize r = 0; r < rows; r++)
    lv_fused_activation_backward (delta + r * n, a + r * n, n, activation, delta16 + r * ld16);
}

void
lv_fused_bf16_relu_backward_rows (float *delta, const guint16 *a16, gsize rows, gsize n,
                                  gsize ld16, guint16 *delta16, float *bias_grad)
{
#ifdef HAVE_AVX512_KERNELS
  if (cpu_has_bf16 ())
    {
      relu_backward_rows (delta, a16, rows, n, ld16, delta16, bias_grad);
      return;
    }
#endif
  /* Portable: mask in place (times 1 or 0, as the fp32 kernel), round, sum the rows. */
  for (gsize r = 0; r < rows; r++)
    {
      for (gsize i = 0; i < n; i++)
        delta[r * n + i] *= lv_bf16_to_f32 (a16[r * n + i]) > 0 ? 1.0f : 0.0f;
      lv_bf16_from_f32 (delta16 + r * ld16, delta + r * n, n);
    }
  if (bias_grad != NULL)
    lv_fused_row_sums (delta, rows, n, bias_grad);
}

double
lv_fused_bf16_sgd (float *p, const float *g, float *v, gsize n, float lr, float mu,
                   guint16 *p16, gsize row, gsize ld)
{
  double sq;

#ifdef HAVE_AVX512_KERNELS
  /* A copy with padded rows is written by a second pass over the rows just updated (still in
   * L1): measured as fast as scattering each vector over two rows. */
  if (p16 != NULL && cpu_has_bf16 ())
    {
      sq = sgd (p, g, v, n, lr, mu, row == ld ? p16 : NULL);
      for (gsize r = 0; row != ld && r < n / row; r++)
        lv_bf16_from_f32 (p16 + r * ld, p + r * row, row);
      return sq;
    }
#endif
  if (p16 == NULL || row == ld)
    return lv_fused_sgd (p, g, v, n, lr, mu, p16);
  sq = lv_fused_sgd (p, g, v, n, lr, mu, NULL);
  for (gsize r = 0; r < n / row; r++)
    lv_bf16_from_f32 (p16 + r * ld, p + r * row, row);
  return sq;
}
