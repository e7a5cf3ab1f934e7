/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/*
 * The GEMMs of the fused trainer (lv-train-fused.c) in bf16: the same products, with operands
 * rounded to bf16 and fp32 results. The trainer keeps fp32 master weights and does all
 * elementwise work in fp32; it hands each operand over once ("load", or by writing the
 * rounded copy as it computes), then asks for products. Layouts are the fused block's:
 * weights W_l[K][out][in] at w_off[l], layer inputs feature-major (K·in) × n, except the
 * minibatch x, n × d sample-major (one, or one per net).
 */

#include <lossviz/lv-mlp.h>

#include "lv-gemm-bf16.h"

G_BEGIN_DECLS

typedef struct _LvFusedBf16 LvFusedBf16;

/* per_net: every net has its own minibatch (x_step apart), else one is shared. */
G_GNUC_INTERNAL LvFusedBf16 *lv_fused_bf16_new (const LvMlpShape *shape, guint K, guint batch,
                                                gsize block_size, gboolean per_net,
                                                GError **error);
G_GNUC_INTERNAL void         lv_fused_bf16_free (LvFusedBf16 *f);
/* The rounded copies, for kernels that write them as they compute the fp32 values: layer l's
 * input (l ≥ 1; rows of n samples); the delta of layer l's output for n samples (rows of *ld
 * ≥ n samples: padded for layer 0's full minibatches, see lv-train-fused-bf16.c); the copy of
 * the parameter block's segment at block offset off (a row start): a matrix of *row columns,
 * rows *ld apart (*row = *ld = 1: contiguous). */
G_GNUC_INTERNAL LvBf16 *lv_fused_bf16_input (LvFusedBf16 *f, guint l);
G_GNUC_INTERNAL LvBf16 *lv_fused_bf16_delta (LvFusedBf16 *f, guint l, guint n, gsize *ld);
G_GNUC_INTERNAL LvBf16 *lv_fused_bf16_param_copy (LvFusedBf16 *f, gsize off, gsize *row,
                                                  gsize *ld);
/* Rounds the whole parameter block (block_size floats). */
G_GNUC_INTERNAL void lv_fused_bf16_load_weights (LvFusedBf16 *f, const float *params);
/* Gathers the minibatch into bf16 from the training inputs x (rows of d floats): its sample i
 * is row order[i] (per_net: net k's is row order[k·order_step + i]). */
G_GNUC_INTERNAL void lv_fused_bf16_gather_minibatch (LvFusedBf16 *f, const float *x,
                                                     const guint32 *order, gsize order_step,
                                                     guint n);
/* Rounds the delta of layer l's output, (K·out) × n. */
G_GNUC_INTERNAL void lv_fused_bf16_load_delta (LvFusedBf16 *f, guint l, const float *delta,
                                               guint n);
/* Where layer l's forward product for n samples goes: z (rows of *ldz = n), or a scratch with
 * padded rows (*ldz > n) whose padding columns are to be ignored. */
G_GNUC_INTERNAL float *lv_fused_bf16_product_out (LvFusedBf16 *f, guint l, guint n, float *z,
                                                  gsize *ldz);
/* z = W_l · input_l, (K·out) × n, z from lv_fused_bf16_product_out().
 * Returns: TRUE when the product also applied the layer's epilogue (a bias-free ReLU hidden
 * layer): the result is then only in lv_fused_bf16_input (f, l + 1), z is untouched. */
G_GNUC_INTERNAL gboolean lv_fused_bf16_forward (LvFusedBf16 *f, guint l, const gsize *w_off,
                                                guint n, float *z);
/* Whether layer l's output is kept in bf16 only (a ReLU hidden layer): its backward pass reads
 * the mask from lv_fused_bf16_input (f, l + 1). */
G_GNUC_INTERNAL gboolean lv_fused_bf16_output_only_bf16 (LvFusedBf16 *f, guint l);
/* gw (block layout of W_l) = delta_l · input_lᵀ. */
G_GNUC_INTERNAL void lv_fused_bf16_weight_grad (LvFusedBf16 *f, guint l, guint n, float *gw);
/* delta_prev = W_lᵀ · delta_l, (K·in) × n; l ≥ 1. */
G_GNUC_INTERNAL void lv_fused_bf16_input_grad (LvFusedBf16 *f, guint l, const gsize *w_off,
                                               guint n, float *delta_prev);

G_END_DECLS
