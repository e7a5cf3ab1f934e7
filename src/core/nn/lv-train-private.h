/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Helpers shared by the one-network trainer (lv-train.c) and the fused one (lv-train-fused.c). */

#include <lossviz/lv-dataset.h>

G_BEGIN_DECLS

G_GNUC_INTERNAL gboolean lv_train_all_finite (const float *v, gsize n);
G_GNUC_INTERNAL void     lv_train_gather_batch (const LvDataset *ds, const guint32 *order,
                                                guint start, guint m, guint outputs, float *xb,
                                                guint32 *yb, float *tb);
/* A run has diverged when an epoch's train or test loss is not finite or exceeds
 * LV_TRAIN_DIVERGENCE_FACTOR × max(1, @reference), the loss of its first minibatch before any
 * step: a finite but astronomic loss (1e21) is divergence, not a result. */
G_GNUC_INTERNAL gboolean lv_train_loss_diverged (double loss, double reference);

G_END_DECLS
