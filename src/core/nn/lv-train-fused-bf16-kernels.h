/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/*
 * The elementwise kernels of the fused trainer in its bf16 mode: the fp32 kernels of
 * lv-train-fused-kernels.h that also write a bf16 copy of their result (the next product's
 * operand). On a CPU with AVX512-BF16 the ReLU and SGD kernels run 16 lanes wide with the
 * CPU's conversion instruction; elsewhere (and for other activations) they are the fp32
 * kernels with their portable rounding. Same arguments as there.
 *
 * A ReLU hidden layer's output lives in bf16 only: lv_fused_bf16_bias_activate() with ReLU and
 * z16 may leave z as the bare product (the AVX-512 kernel stores z16 alone), and its backward
 * pass is lv_fused_bf16_relu_backward_rows(), which reads the mask from that copy.
 */

#include "lv-train-fused-kernels.h"

G_BEGIN_DECLS

/* z has rows of ldz ≥ n (a product padded to whole tiles: lv_fused_bf16_product_out()). */
G_GNUC_INTERNAL void   lv_fused_bf16_bias_activate (float *z, gsize ldz, const float *bias,
                                                    gsize rows, gsize n,
                                                    LvActivation activation, guint16 *z16);
/* The delta's bf16 copy may have longer rows than the delta (ld16 ≥ n; lv-train-fused-bf16.c
 * pads layer 0's so its product meets whole AMX tiles): delta and a stay rows × n contiguous,
 * the copy's row r starts at r · ld16, and its padding is never written. */
G_GNUC_INTERNAL void   lv_fused_bf16_activation_backward (float *delta, const float *a,
                                                          gsize rows, gsize n,
                                                          LvActivation activation,
                                                          guint16 *delta16, gsize ld16);
/* The ReLU backward pass of a layer whose output exists only in bf16 (a16, rows × n): for each
 * row r, delta16 = round(delta · [a16 > 0]) and, when bias_grad is not
 * NULL, bias_grad[r] = the row's sum of delta · [a16 > 0] in fp32 — the bias gradient in the
 * same pass. delta's contents are undefined afterwards. */
G_GNUC_INTERNAL void   lv_fused_bf16_relu_backward_rows (float *delta, const guint16 *a16,
                                                         gsize rows, gsize n, gsize ld16,
                                                         guint16 *delta16, float *bias_grad);
/* The SGD step of lv_fused_sgd(); p (n floats) is a matrix of `row` columns (n a multiple of
 * row), its bf16 copy p16 has row stride ld ≥ row. */
G_GNUC_INTERNAL double lv_fused_bf16_sgd (float *p, const float *g, float *v, gsize n, float lr,
                                          float mu, guint16 *p16, gsize row, gsize ld);

G_END_DECLS
