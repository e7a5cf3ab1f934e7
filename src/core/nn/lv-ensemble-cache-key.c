/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-core"

#include "config.h"

#include <lossviz/lv-ensemble-config.h>

/**
 * lv_ensemble_config_size_key:
 * @dataset: the dataset spec
 * @options: how the dataset is prepared (test fraction, downsampling, standardising, split seed)
 * @config: the configuration
 * @hidden: the one size the key is for
 * @runs: its run count; 0 gives the "base" key shared by every run count (an experiment
 *   extends a cached size from it)
 *
 * Everything that determines the runs of one size: the dataset and its options, then the
 * configuration's canonical key (lv_ensemble_config_key()) with the sizes reduced to @hidden
 * and first_run to 0. Precision and data order are part of it, so each choice has cache
 * entries of its own. With λ = 0 the regulariser's kind and degree change nothing, so they are
 * normalised: moving q then retrains nothing.
 *
 * Returns: (transfer full): the key.
 */
char *
lv_ensemble_config_size_key (const char             *dataset,
                             const LvDatasetOptions *options,
                             const LvEnsembleConfig *config,
                             guint                   hidden,
                             guint                   runs)
{
  LvEnsembleConfig k = *config;
  g_autofree char *config_key = NULL;

  k.sizes[0] = hidden;
  k.n_sizes = 1;
  k.runs = runs;
  k.first_run = 0;
  if (k.train.reg.lambda == 0.0)
    {
      k.train.reg.kind = LV_REG_LAYER;
      k.train.reg.degree = 2.0;
    }
  config_key = lv_ensemble_config_key (&k);
  return g_strdup_printf ("%s{%.17g,%u,%d,%" G_GUINT64_FORMAT "}|%s", dataset,
                          options->test_fraction, options->downsample, options->standardize,
                          options->seed, config_key);
}
