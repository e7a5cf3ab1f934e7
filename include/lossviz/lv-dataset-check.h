/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <lossviz/lv-dataset.h>
#include <lossviz/lv-mlp.h>

G_BEGIN_DECLS

/* Classification losses need at least two distinct labels in the training part (not just a
 * largest label ≥ 1); MSE accepts any data. %LV_ERROR_INVALID_INPUT otherwise. */
gboolean lv_dataset_check_classes (const LvDataset *dataset, LvLoss loss, GError **error);

G_END_DECLS
