/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-core"

#include "config.h"

#include <lossviz/lv-dataset-check.h>
#include <lossviz/lv-error.h>

#include "lv-dataset-private.h"

/*
 * n_classes is the largest label + 1, so labels {3} give 4 "classes" of which one is present.
 * Classification needs two labels that actually occur in the training part: counted here.
 */
gboolean
lv_dataset_check_classes (const LvDataset *dataset, LvLoss loss, GError **error)
{
  guint32 first;

  if (loss == LV_LOSS_MSE || dataset->n_train == 0)
    return TRUE;
  first = dataset->y_train[0];
  for (guint i = 1; i < dataset->n_train; i++)
    if (dataset->y_train[i] != first)
      return TRUE;
  g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT,
               "single-class data: every training label is %u; %s needs at least 2 classes "
               "(use --loss mse)", first, lv_loss_to_string (loss));
  return FALSE;
}
