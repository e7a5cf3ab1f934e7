/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/*
 * The elementwise kernels of the fused trainer in its bf16 mode: the fp32 kernels of
 * lv-train-fused-kernels.h that also write a bf16 copy of their result (the next product's
 * operand). On a CPU with AVX512-BF16 the ReLU and SGD kernels run 16 lanes wide with the
 * CPU's conversion instruction; elsewhere (and for other activations) they are the fp32
 * kernels with their portable rounding. Same arguments as there.
 */

#include "lv-train-fused-kernels.h"

G_BEGIN_DECLS

G_GNUC_INTERNAL void   lv_fused_bf16_bias_activate (float *z, const float *bias, gsize rows,
                                                    gsize n, LvActivation activation,
                                                    guint16 *z16);
G_GNUC_INTERNAL void   lv_fused_bf16_activation_backward (float *delta, const float *a,
                                                          gsize count, LvActivation activation,
                                                          guint16 *delta16);
G_GNUC_INTERNAL double lv_fused_bf16_sgd (float *p, const float *g, float *v, gsize n, float lr,
                                          float mu, guint16 *p16);

/*
 * The input gradient of a narrow layer (out ≤ LV_FUSED_BF16_NARROW_MAX: the output layer of a
 * classifier) fused with the ReLU backward: for each of K nets, delta_prev = (Wᵀ · delta) ⊙
 * relu'(a), W (out × in) and delta (out × n) read from their bf16 copies, summed in fp32,
 * written in fp32 and bf16 (delta_prev16, which must not overlap delta16). oneDNN's AMX
 * kernels waste most of their tiles on a product whose inner dimension is 10; this is one
 * pass instead of a product and an elementwise pass. Returns FALSE (nothing done) unless the
 * CPU has AVX512-BF16, the activation is ReLU and out is narrow.
 */
#define LV_FUSED_BF16_NARROW_MAX 16
G_GNUC_INTERNAL gboolean lv_fused_bf16_narrow_input_grad (const guint16 *w16,
                                                          const guint16 *delta16, const float *a,
                                                          guint K, guint in, guint out, guint n,
                                                          LvActivation activation,
                                                          float *delta_prev,
                                                          guint16 *delta_prev16);

G_END_DECLS
