/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "lv-cli-train-one.h"

G_BEGIN_DECLS

/*
 * `slice` and `hessian` on a network that is not trained on the spot (issue 13):
 * --from FILE.h5 --hidden H --run R (a run of an experiment bundle, on the bundle's dataset)
 * or --model FILE.h5 --dataset SPEC (an MLP in the minimal external layout).
 */
typedef struct
{
  char *from;
  int run;
  char *model;
} LvCliNetworkSource;

void     lv_cli_network_source_clear (LvCliNetworkSource *s);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (LvCliNetworkSource, lv_cli_network_source_clear)
void     lv_cli_network_source_add (GOptionContext *context, LvCliNetworkSource *s);
/* TRUE when --from or --model was given (the network is loaded instead of trained). */
gboolean lv_cli_network_source_is_set (const LvCliNetworkSource *s);
/**
 * lv_cli_network_source_load:
 * @t: the training options (--hidden, --dataset, --loss and the dataset options are read).
 * @setup: (out): the dataset, shape, training configuration and seed of the network.
 * @trajectory: (nullable): receives the run's stored trajectory (--from, when saved).
 *
 * Returns: (transfer full) (nullable): the network's parameters, or NULL with an
 *   LV_ERROR_INVALID_INPUT error (shapes that do not chain or do not fit the dataset, a run the
 *   bundle does not hold, …).
 */
float   *lv_cli_network_source_load (const LvCliNetworkSource *s, const LvCliTrainOptions *t,
                                     LvCliTrainSetup *setup, GArray *trajectory,
                                     GError **error);

G_END_DECLS
