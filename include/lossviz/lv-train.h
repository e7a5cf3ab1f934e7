/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <lossviz/lv-dataset.h>
#include <lossviz/lv-mlp.h>
#include <lossviz/lv-regularizer.h>

G_BEGIN_DECLS

/**
 * LvPrecision:
 * @LV_PRECISION_FP32: every product in single precision (the default).
 * @LV_PRECISION_BF16: the GEMM operands rounded to bfloat16, products accumulated in fp32;
 *   master weights, gradients, optimiser state and elementwise work stay fp32 (oneDNN; see
 *   lv_precision_available()). Test metrics are computed in fp32 from the master weights.
 */
typedef enum {
  LV_PRECISION_FP32,
  LV_PRECISION_BF16,
} LvPrecision;

const char *lv_precision_to_string (LvPrecision precision);
/* "fp32" or "bf16"; FALSE for anything else. */
gboolean    lv_precision_from_string (const char *name, LvPrecision *precision);
/* Whether this build and CPU can train in @precision; else an %LV_ERROR_INVALID_INPUT error. */
gboolean    lv_precision_available (LvPrecision precision, GError **error);

/**
 * LvTrainConfig:
 * @epochs: passes over the training set.
 * @batch: minibatch size.
 * @lr: initial learning rate.
 * @lr_decay: the rate at epoch e is lr / (1 + lr_decay * e).
 * @momentum: heavy-ball momentum in [0, 1).
 * @reg: the regulariser.
 * @init: initialisation of the weights.
 * @precision: arithmetic of the products (fp32 unless set).
 */
typedef struct {
  guint         epochs;
  guint         batch;
  double        lr;
  double        lr_decay;
  double        momentum;
  LvRegularizer reg;
  LvInit        init;
  LvPrecision   precision;
} LvTrainConfig;

void     lv_train_config_init (LvTrainConfig *config);
gboolean lv_train_config_validate (const LvTrainConfig *config, GError **error);

typedef enum {
  LV_RUN_PENDING,
  LV_RUN_RUNNING,
  LV_RUN_FINISHED,
  LV_RUN_DIVERGED,
  LV_RUN_CANCELLED,
} LvRunState;

const char *lv_run_state_to_string (LvRunState state);

/**
 * LvEpochStats:
 *
 * What one epoch produced. train_loss is the mean minibatch loss of the epoch (data term only),
 * computed from the minibatches already evaluated, not by an extra pass. test_loss and
 * test_accuracy are NAN when the dataset has no test split.
 */
typedef struct {
  double train_loss;
  double test_loss;
  double test_accuracy;
  double grad_norm;
} LvEpochStats;

/* Called after each epoch from the training thread. */
typedef void (*LvEpochFunc) (guint epoch, const LvEpochStats *stats, gpointer user_data);

/**
 * lv_train_run:
 * @shape: the network.
 * @config: optimiser and regulariser.
 * @dataset: training data.
 * @seed: seeds the initialisation and the minibatch order.
 * @params: (out): receives the final parameters (lv_mlp_n_params floats).
 * @epoch_func: (nullable): per-epoch progress.
 * @user_data: for @epoch_func.
 * @cancellable: (nullable): checked before every minibatch.
 *
 * Trains one network with minibatch SGD. Divergence (a non-finite loss or parameter, or an epoch
 * loss above %LV_TRAIN_DIVERGENCE_FACTOR times the first minibatch's) stops the run with
 * %LV_RUN_DIVERGED; cancellation with %LV_RUN_CANCELLED.
 *
 * Returns: the final state.
 */
LvRunState lv_train_run (const LvMlpShape *shape, const LvTrainConfig *config,
                         const LvDataset *dataset, guint64 seed, float *params,
                         LvEpochFunc epoch_func, gpointer user_data, GCancellable *cancellable);

LvRunState lv_train_run_ordered (const LvMlpShape *shape, const LvTrainConfig *config,
                                 const LvDataset *dataset, guint64 seed, guint64 order_seed,
                                 float *params, LvEpochFunc epoch_func, gpointer user_data,
                                 GCancellable *cancellable);

/* Fused training of several networks of one shape (lv-train-fused.c). */

/* Called after each epoch of network @net of a fused block, from the training thread. */
typedef void (*LvNetEpochFunc) (guint net, guint epoch, const LvEpochStats *stats,
                                gpointer user_data);
/* Called once when network @net reaches its final state; for %LV_RUN_FINISHED its
 * parameters are already in place. */
typedef void (*LvNetEndFunc) (guint net, LvRunState state, gpointer user_data);

/* Networks that one fused block holds at most. */
#define LV_TRAIN_MAX_FUSED 1024
/* A run whose epoch loss (train or test) grows past this factor × max(1, its first minibatch
 * loss) is reported diverged, like one whose loss is not finite. */
#define LV_TRAIN_DIVERGENCE_FACTOR 1e6

guint lv_train_fused_block_limit (const LvMlpShape *shape, guint batch, guint wanted,
                                  gboolean independent);

void lv_train_run_fused (const LvMlpShape *shape, const LvTrainConfig *config,
                         const LvDataset *dataset, guint n_nets, const guint64 *seeds,
                         guint64 order_seed, float *const *params, LvRunState *states,
                         LvNetEpochFunc epoch_func, LvNetEndFunc end_func, gpointer user_data,
                         GCancellable *cancellable);

/* Like lv_train_run_fused(), but every net keeps its own minibatch order, drawn as
 * lv_train_run() draws it from seeds[k] (lv-train-fused.c). */
void lv_train_run_fused_independent (const LvMlpShape *shape, const LvTrainConfig *config,
                                     const LvDataset *dataset, guint n_nets,
                                     const guint64 *seeds, float *const *params,
                                     LvRunState *states, LvNetEpochFunc epoch_func,
                                     LvNetEndFunc end_func, gpointer user_data,
                                     GCancellable *cancellable);

G_END_DECLS
