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

G_END_DECLS
