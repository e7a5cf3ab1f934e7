/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* The float passes of lv-mlp-template.h with bf16 GEMM operands (lv-mlp-bf16.c): the
 * one-network trainer's --precision bf16. Same contract as lv_mlp_loss_grad(). */

#include <lossviz/lv-mlp.h>

G_BEGIN_DECLS

typedef struct _LvMlpWorkspaceBf16 LvMlpWorkspaceBf16;

G_GNUC_INTERNAL LvMlpWorkspaceBf16 *lv_mlp_workspace_new_bf16 (const LvMlpShape *shape,
                                                               guint max_batch);
G_GNUC_INTERNAL void   lv_mlp_workspace_free_bf16 (LvMlpWorkspaceBf16 *ws);
G_GNUC_INTERNAL guint  lv_mlp_workspace_get_max_batch_bf16 (LvMlpWorkspaceBf16 *ws);
G_GNUC_INTERNAL double lv_mlp_loss_grad_bf16 (const LvMlpShape *shape, const float *params,
                                              const float *x, const guint32 *labels,
                                              const float *targets, guint n, float *grad,
                                              guint *correct, LvMlpWorkspaceBf16 *ws);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (LvMlpWorkspaceBf16, lv_mlp_workspace_free_bf16)

G_END_DECLS
