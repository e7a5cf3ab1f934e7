/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Training with a per-epoch recorder (see lv-trajectory.h). */
#include "config.h"

#include <lossviz/lv-trajectory.h>

typedef struct
{
  const float *params;
  gsize n_params;
  GArray *checkpoints;
} Recorder;

/* lv_train_run updates its parameter buffer in place: after each epoch it holds θ_e. */
static void
record_checkpoint (guint epoch, const LvEpochStats *stats, gpointer user_data)
{
  Recorder *r = user_data;

  g_array_append_vals (r->checkpoints, r->params, (guint) r->n_params);
}

/**
 * lv_trajectory_record:
 * @run: the run
 * @params: (out caller-allocates): receives the trained parameters (n_params floats)
 * @checkpoints: (nullable): a float array that receives the parameters after every epoch
 * @cancellable: (nullable): stops training (an #LvPausable also pauses it)
 *
 * Trains @run exactly as lv_train_run() (or lv_train_run_ordered()) does, appending θ_e to
 * @checkpoints after every epoch e.
 *
 * Returns: the run's final state
 */
LvRunState
lv_trajectory_record (const LvTrajectoryRun *run, float *params, GArray *checkpoints,
                      GCancellable *cancellable)
{
  Recorder recorder = { params, lv_mlp_n_params (run->shape), checkpoints };
  LvEpochFunc func = checkpoints != NULL ? record_checkpoint : NULL;

  if (run->shared_order)
    return lv_train_run_ordered (run->shape, run->config, run->dataset, run->seed,
                                 run->order_seed, params, func, &recorder, cancellable);
  return lv_train_run (run->shape, run->config, run->dataset, run->seed, params, func,
                       &recorder, cancellable);
}
