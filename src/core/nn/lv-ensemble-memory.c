/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-core"

#include "config.h"

#include <lossviz/lv-ensemble.h>
#include <lossviz/lv-mlp.h>
#include <lossviz/lv-train.h>

#include "lv-dataset-private.h"

/*
 * The whole memory an ensemble needs, for the pre-flight check (issue 16, class 5): what the
 * runs keep (parameters, per-epoch histories) plus what every worker thread holds while it
 * trains (activation and gradient buffers of batch × width per layer, the gradient, momentum
 * and parameter vectors, the minibatch and the shuffled order), as lv_train_run and
 * lv_train_run_fused allocate them.
 */

/* Rows of the evaluation workspace: lv_train's MAX (batch, MIN (256, samples)). */
static double
workspace_rows (const LvDataset *dataset, guint batch)
{
  guint samples = MAX (dataset->n_train, dataset->n_test);

  return MAX (batch, MIN (256u, samples));
}

/* Bytes one worker holds while training @nets networks of @shape together. */
static double
worker_bytes (const LvMlpShape *shape, const LvDataset *dataset, guint batch, guint nets)
{
  double np = (double) lv_mlp_n_params (shape);
  double sum_widths = 0, max_width = 0;
  double rows = workspace_rows (dataset, batch);

  for (guint l = 0; l <= shape->n_layers; l++)
    {
      if (l > 0)
        sum_widths += shape->widths[l];
      max_width = MAX (max_width, shape->widths[l]);
    }
  /* acts of every layer + delta + delta_prev, params + gradient + velocity (+ a copy). */
  return sizeof (float) * nets * (rows * (sum_widths + 2 * max_width) + 4 * np) +
         sizeof (float) * (double) batch * dataset->n_inputs +
         sizeof (guint32) * ((double) dataset->n_train + batch);
}

double
lv_ensemble_memory_estimate (const LvEnsembleConfig *config, const LvDataset *dataset,
                             guint n_threads)
{
  double kept = 0, per_worker = 0;
  guint batch = MIN (config->train.batch, dataset->n_train);
  guint outputs = config->loss == LV_LOSS_MSE && dataset->t_train != NULL ? 1
                                                                           : dataset->n_classes;

  for (guint s = 0; s < config->n_sizes; s++)
    {
      LvMlpShape shape;
      guint nets = 1;

      if (!lv_mlp_shape_init (&shape, dataset->n_inputs, config->depth, config->sizes[s], outputs,
                              config->activation, config->loss, config->bias, NULL))
        continue; /* lv_ensemble_new reports the bad shape */
      nets = MIN (lv_ensemble_block_runs (config, &shape, batch), config->runs);
      kept += (double) lv_mlp_n_params (&shape) * sizeof (float) * config->runs;
      kept += 3.0 * sizeof (double) * config->train.epochs * config->runs;
      per_worker = MAX (per_worker, worker_bytes (&shape, dataset, batch, nets));
    }
  return kept + per_worker * MAX (n_threads, 1);
}
