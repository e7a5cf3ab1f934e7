/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/*
 * Elementwise kernels of the fused trainer (lv-train-fused.c). Matrices are feature-major:
 * `rows` rows (one per unit) of `n` contiguous samples.
 */

#include <lossviz/lv-mlp.h>

G_BEGIN_DECLS

/* z[r][i] = act(z[r][i] + bias[r]); bias may be NULL. When z16 is non-NULL it receives the
 * results rounded to bf16 too (for the bf16 products, without another pass). */
G_GNUC_INTERNAL void   lv_fused_bias_activate (float *z, const float *bias, gsize rows, gsize n,
                                               LvActivation activation, guint16 *z16);
/* delta *= act'(a), a being the activation's output; delta16 as z16 above. */
G_GNUC_INTERNAL void   lv_fused_activation_backward (float *delta, const float *a, gsize count,
                                                     LvActivation activation, guint16 *delta16);
/* out[r] = Σ_i m[r][i]. */
G_GNUC_INTERNAL void   lv_fused_row_sums (const float *m, gsize rows, gsize n, float *out);
/* y += x. */
G_GNUC_INTERNAL void   lv_fused_axpy (float *y, const float *x, gsize n);
/* One SGD step on a segment: v = mu v − lr g, p += v (plain p −= lr g when v is NULL);
 * p16, when non-NULL, receives the new p rounded to bf16. Returns Σ g². */
G_GNUC_INTERNAL double lv_fused_sgd (float *p, const float *g, float *v, gsize n, float lr,
                                     float mu, guint16 *p16);
/* Summed loss of the n samples whose logits are the c × n matrix z; labels (and targets,
 * n × c sample-major, for MSE) as in lv_mlp_loss_grad. When dz is non-NULL it receives the
 * gradient of the *mean* loss. scratch holds 2n floats. *correct counts argmax hits (evaluation: only when dz is NULL). */
G_GNUC_INTERNAL double lv_fused_loss (LvLoss loss, const float *z, guint c, guint n,
                                      const guint32 *labels, const float *targets, float *dz,
                                      float *scratch, guint *correct);

G_END_DECLS
