/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <lossviz/lv-dataset.h>
#include <lossviz/lv-mlp.h>
#include <lossviz/lv-train.h>

G_BEGIN_DECLS

/*
 * Training one network while recording its trajectory (the parameters after every epoch), the
 * input of PCA slice directions. Shared by `lossviz-cli slice` and the landscape probe, which
 * retrains a run whose ensemble kept only its final weights.
 */

/**
 * LvTrajectoryRun:
 * @shape: the network
 * @config: optimiser and regulariser
 * @dataset: training data
 * @seed: the run's seed (initialisation, and minibatch order unless @shared_order)
 * @shared_order: draw the minibatch order from @order_seed (an ensemble in shared-order mode)
 * @order_seed: the size's order seed, read when @shared_order
 *
 * Which run to (re)train.
 */
typedef struct
{
  const LvMlpShape *shape;
  const LvTrainConfig *config;
  const LvDataset *dataset;
  guint64 seed;
  gboolean shared_order;
  guint64 order_seed;
} LvTrajectoryRun;

LvRunState lv_trajectory_record (const LvTrajectoryRun *run,
                                 float                 *params,
                                 GArray                *checkpoints,
                                 GCancellable          *cancellable);

G_END_DECLS
