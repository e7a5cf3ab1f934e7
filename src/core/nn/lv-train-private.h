/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Helpers shared by the one-network trainer (lv-train.c) and the fused one (lv-train-fused.c). */

#include <lossviz/lv-dataset.h>

G_BEGIN_DECLS

G_GNUC_INTERNAL gboolean lv_train_all_finite (const float *v, gsize n);
G_GNUC_INTERNAL void     lv_train_gather_batch (const LvDataset *ds, const guint32 *order,
                                                guint start, guint m, guint outputs, float *xb,
                                                guint32 *yb, float *tb);

G_END_DECLS
