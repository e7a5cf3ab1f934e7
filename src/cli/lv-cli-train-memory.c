/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-cli"

#include "config.h"

#include <lossviz/lossviz.h>
#include <lossviz/lv-memory-budget.h>

#include "lv-cli-train-memory.h"

/* The memory of one trained network (the core's ensemble estimate for one run, so the
 * activation and gradient buffers count) plus what the command keeps on top: @vectors
 * parameter vectors (centre, directions), a trajectory of @checkpoint_epochs parameter vectors
 * (floats, and the double copy PCA centres), and @threads workers with @rows_per_thread rows of
 * activations each. Checked before training. */
gboolean
lv_cli_train_check_memory (const LvCliTrainSetup *setup, const char *what, guint vectors,
                           guint checkpoint_epochs, guint threads, guint rows_per_thread,
                           GError **error)
{
  LvEnsembleConfig config;
  double np = (double) setup->n_params, widths = 0, bytes;
  guint n = threads > 0 ? threads : MAX (1, g_get_num_processors ());

  lv_ensemble_config_init (&config);
  config.sizes[0] = setup->shape.widths[1];
  config.n_sizes = 1;
  config.runs = 1;
  config.depth = setup->shape.n_layers - 1;
  config.activation = setup->shape.activation;
  config.loss = setup->shape.loss;
  config.bias = setup->shape.bias;
  config.train = setup->config;
  for (guint l = 1; l <= setup->shape.n_layers; l++)
    widths += 3.0 * setup->shape.widths[l]; /* activations, delta, delta_prev (upper bound) */
  bytes = lv_ensemble_memory_estimate (&config, setup->dataset, 1) +
          sizeof (float) * np * vectors + (sizeof (float) + 2 * sizeof (double)) * np *
          checkpoint_epochs + sizeof (float) * widths * rows_per_thread * n;
  /* The trajectory lives in a GArray, whose length is a guint. */
  if (np * checkpoint_epochs > G_MAXUINT)
    return lv_memory_refuse (what, bytes, 0, error);
  return lv_memory_check (what, bytes, error);
}
