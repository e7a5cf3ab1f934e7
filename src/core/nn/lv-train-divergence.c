/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-core"

#include "config.h"

#include <math.h>

#include <lossviz/lv-train.h>

#include "lv-train-private.h"

gboolean
lv_train_loss_diverged (double loss, double reference)
{
  double scale = isfinite (reference) ? MAX (1.0, reference) : 1.0;

  return !isfinite (loss) || loss > LV_TRAIN_DIVERGENCE_FACTOR * scale;
}
