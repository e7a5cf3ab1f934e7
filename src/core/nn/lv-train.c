/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-core"

#include "config.h"

#include <math.h>
#include <string.h>

#include <lossviz/lv-error.h>
#include <lossviz/lv-pausable.h>
#include <lossviz/lv-train.h>

#include "lv-mlp-bf16.h"
#include "lv-train-private.h"

void
lv_train_config_init (LvTrainConfig *config)
{
  memset (config, 0, sizeof *config);
  config->epochs = 10;
  config->batch = 32;
  config->lr = 0.05;
  config->lr_decay = 0.0;
  config->momentum = 0.9;
  config->reg.kind = LV_REG_LAYER;
  config->reg.degree = 2.0;
  config->reg.lambda = 0.0;
  config->init = LV_INIT_HE;
}

static gboolean
check_range (const char *what, double value, double min, double max, gboolean max_open,
             GError **error)
{
  if (!isfinite (value) || value < min || value > max || (max_open && value >= max))
    {
      g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT, "%s %g is outside %c%g, %g%c", what,
                   value, '[', min, max, max_open ? ')' : ']');
      return FALSE;
    }
  return TRUE;
}

/**
 * lv_train_config_validate:
 * @config: the configuration.
 * @error: return location for an %LV_ERROR_INVALID_INPUT error naming the bad field.
 *
 * Whether the build can train in the precision asked for is lv_precision_available()'s
 * question (a bf16 experiment file can be read anywhere).
 *
 * Returns: %TRUE when every field is in range.
 */
gboolean
lv_train_config_validate (const LvTrainConfig *config, GError **error)
{
  return check_range ("epochs", config->epochs, 1, 1000000, FALSE, error) &&
         check_range ("batch", config->batch, 1, 1 << 20, FALSE, error) &&
         check_range ("learning rate", config->lr, 1e-12, 1e6, FALSE, error) &&
         check_range ("learning-rate decay", config->lr_decay, 0, 1e6, FALSE, error) &&
         check_range ("momentum", config->momentum, 0, 1, TRUE, error) &&
         check_range ("regularizer degree", config->reg.degree, 0.1, 16, FALSE, error) &&
         check_range ("regularizer lambda", config->reg.lambda, 0, 1e6, FALSE, error) &&
         check_range ("precision", config->precision, LV_PRECISION_FP32, LV_PRECISION_BF16,
                      FALSE, error);
}

const char *
lv_run_state_to_string (LvRunState state)
{
  static const char *const names[] = { "pending", "running", "finished", "diverged", "cancelled" };

  return state < G_N_ELEMENTS (names) ? names[state] : "?";
}

gboolean
lv_train_all_finite (const float *v, gsize n)
{
  /* Summing propagates any NaN/Inf; cheaper than a branch per element. */
  float acc = 0;

  for (gsize i = 0; i < n; i++)
    acc += v[i] * 0.0f;
  return acc == 0.0f;
}

/* Copies the rows `order[start .. start+m)` of the training set into contiguous batch buffers
 * (xb NULL: labels and targets only). */
void
lv_train_gather_batch (const LvDataset *ds, const guint32 *order, guint start, guint m, guint outputs,
              float *xb, guint32 *yb, float *tb)
{
  for (guint i = 0; i < m; i++)
    {
      guint32 r = order[start + i];
      if (xb != NULL)
        memcpy (xb + (gsize) i * ds->n_inputs, ds->x_train + (gsize) r * ds->n_inputs,
                ds->n_inputs * sizeof (float));
      yb[i] = ds->y_train[r];
      if (tb != NULL)
        memcpy (tb + (gsize) i * outputs, ds->t_train + (gsize) r * outputs,
                outputs * sizeof (float));
    }
}

/* What every minibatch step of one run reads and writes: allocated once per run by
 * train_loop, passed by pointer so the steps stay allocation-free. */
typedef struct
{
  const LvMlpShape *shape;
  const LvTrainConfig *config;
  const LvDataset *dataset;
  gsize np;
  guint outputs, batch;
  LvMlpWorkspace *ws;
  LvMlpWorkspaceBf16 *ws16;  /* NULL unless training in bf16 */
  float *grad, *velocity;
  float *xb, *tb;            /* tb: NULL without real targets */
  guint32 *yb, *order;
  double reference;          /* loss of the first minibatch, for lv_train_loss_diverged */
} TrainState;

/* Heavy-ball momentum: v <- mu v - lr g; w <- w + v. Returns |g|². */
static inline double
momentum_step (TrainState *t, float *params, double lr)
{
  const float *grad = t->grad;
  float *velocity = t->velocity;
  float mu = (float) t->config->momentum, step = (float) lr;
  gsize np = t->np;
  double sq = 0;

  for (gsize i = 0; i < np; i++)
    {
      sq += (double) grad[i] * grad[i];
      velocity[i] = mu * velocity[i] - step * grad[i];
      params[i] += velocity[i];
    }
  return sq;
}

/* One epoch of minibatch steps in a fresh order; adds the losses (× rows) and gradient norms.
 * Returns LV_RUN_RUNNING to go on, else how the run ended. */
static inline LvRunState
train_epoch (TrainState *t, float *params, double lr, LvRng *order_rng,
             GCancellable *cancellable, double *loss_sum, double *grad_norm_sum,
             guint *n_batches)
{
  const LvMlpShape *shape = t->shape;
  const LvDataset *dataset = t->dataset;

  lv_rng_shuffle (order_rng, t->order, dataset->n_train);
  for (guint start = 0; start < dataset->n_train; start += t->batch)
    {
      guint m = MIN (t->batch, dataset->n_train - start);
      double loss, sq;

      /* Waits here while paused (lv-pausable.c), so a resumed run goes on exactly. */
      if (lv_pausable_checkpoint (cancellable))
        return LV_RUN_CANCELLED;
      lv_train_gather_batch (dataset, t->order, start, m, t->outputs, t->xb, t->yb, t->tb);
      loss = t->ws16 != NULL
             ? lv_mlp_loss_grad_bf16 (shape, params, t->xb, t->yb, t->tb, m, t->grad, NULL,
                                      t->ws16)
             : lv_mlp_loss_grad (shape, params, t->xb, t->yb, t->tb, m, t->grad, NULL, t->ws);
      lv_regularizer_apply (&t->config->reg, shape, params, t->grad);
      if (!isfinite (loss))
        return LV_RUN_DIVERGED;
      if (isnan (t->reference))
        t->reference = loss;
      sq = momentum_step (t, params, lr);
      if (!isfinite (sq))
        return LV_RUN_DIVERGED;
      *loss_sum += loss * m;
      *grad_norm_sum += sqrt (sq);
      (*n_batches)++;
    }
  return LV_RUN_RUNNING;
}

/* The epoch's statistics (test split evaluated in fp32); FALSE when they show divergence. */
static gboolean
epoch_stats (TrainState *t, const float *params, double loss_sum, double grad_norm_sum,
             guint n_batches, LvEpochStats *stats)
{
  const LvDataset *dataset = t->dataset;

  stats->train_loss = loss_sum / dataset->n_train;
  stats->grad_norm = grad_norm_sum / n_batches;
  stats->test_loss = NAN;
  stats->test_accuracy = NAN;
  if (dataset->n_test > 0)
    stats->test_loss = lv_mlp_evaluate (t->shape, params, dataset->x_test, dataset->y_test,
                                        t->tb != NULL ? dataset->t_test : NULL,
                                        dataset->n_test, &stats->test_accuracy, t->ws);
  return !(lv_train_loss_diverged (stats->train_loss, t->reference) ||
           (dataset->n_test > 0 && lv_train_loss_diverged (stats->test_loss, t->reference)));
}

/*
 * The SGD loop. `init_rng` draws the initial parameters, `order_rng` the minibatch order of
 * every epoch; lv_train_run passes the same generator twice (its historical stream), the
 * shared-order mode two independent ones.
 */
static LvRunState
train_loop (const LvMlpShape *shape, const LvTrainConfig *config, const LvDataset *dataset,
            LvRng *init_rng, LvRng *order_rng, float *params, LvEpochFunc epoch_func,
            gpointer user_data, GCancellable *cancellable)
{
  gsize np = lv_mlp_n_params (shape);
  guint outputs = shape->widths[shape->n_layers];
  guint batch = MIN (config->batch, dataset->n_train);
  /* Real targets only for MSE on datasets that have them (one output); else one-hot labels. */
  gboolean use_targets = shape->loss == LV_LOSS_MSE && dataset->t_train != NULL;
  /* Evaluation goes 256 rows at a time, but never needs more rows than the data has. */
  guint eval_rows = MIN (256u, MAX (dataset->n_train, dataset->n_test));
  g_autoptr(LvMlpWorkspace) ws = lv_mlp_workspace_new (shape, MAX (batch, eval_rows));
  /* bf16 training passes; evaluation stays fp32 (ws), from the fp32 master weights. */
  g_autoptr(LvMlpWorkspaceBf16) ws16 =
    config->precision == LV_PRECISION_BF16 ? lv_mlp_workspace_new_bf16 (shape, batch) : NULL;
  g_autofree float *grad = g_new (float, np);
  g_autofree float *velocity = g_new0 (float, np);
  g_autofree float *xb = g_new (float, (gsize) batch * dataset->n_inputs);
  g_autofree guint32 *yb = g_new (guint32, batch);
  g_autofree float *tb = use_targets ? g_new (float, (gsize) batch * outputs) : NULL;
  g_autofree guint32 *order = g_new (guint32, dataset->n_train);
  TrainState t = { shape, config, dataset, np, outputs, batch, ws, ws16, grad, velocity, xb,
                   tb, yb, order, NAN };

  g_return_val_if_fail (dataset->n_train > 0, LV_RUN_DIVERGED);

  lv_mlp_init_params (shape, config->init, init_rng, params);
  for (guint i = 0; i < dataset->n_train; i++)
    order[i] = i;

  for (guint epoch = 0; epoch < config->epochs; epoch++)
    {
      double lr = config->lr / (1.0 + config->lr_decay * epoch);
      double loss_sum = 0, grad_norm_sum = 0;
      guint n_batches = 0;
      LvEpochStats stats;
      LvRunState state = train_epoch (&t, params, lr, order_rng, cancellable, &loss_sum,
                                      &grad_norm_sum, &n_batches);

      if (state != LV_RUN_RUNNING)
        return state;
      if (!lv_train_all_finite (params, np))
        return LV_RUN_DIVERGED;
      if (!epoch_stats (&t, params, loss_sum, grad_norm_sum, n_batches, &stats))
        return LV_RUN_DIVERGED;
      if (epoch_func != NULL)
        epoch_func (epoch, &stats, user_data);
    }
  return LV_RUN_FINISHED;
}

LvRunState
lv_train_run (const LvMlpShape *shape, const LvTrainConfig *config, const LvDataset *dataset,
              guint64 seed, float *params, LvEpochFunc epoch_func, gpointer user_data,
              GCancellable *cancellable)
{
  LvRng rng;

  lv_rng_init (&rng, seed);
  return train_loop (shape, config, dataset, &rng, &rng, params, epoch_func, user_data,
                     cancellable);
}

/**
 * lv_train_run_ordered:
 * @shape: the network.
 * @config: optimiser and regulariser.
 * @dataset: training data.
 * @seed: seeds the initialisation only.
 * @order_seed: seeds the minibatch order (a generator of its own, shuffled once per epoch).
 * @params: (out): receives the final parameters (lv_mlp_n_params floats).
 * @epoch_func: (nullable): per-epoch progress.
 * @user_data: for @epoch_func.
 * @cancellable: (nullable): checked before every minibatch; an #LvPausable also pauses there.
 *
 * Like lv_train_run(), but the minibatch order comes from @order_seed, so several networks can
 * share it. This is the one-network reference of lv_train_run_fused(): the same seeds give the
 * same result within float rounding.
 *
 * Returns: the final state.
 */
LvRunState
lv_train_run_ordered (const LvMlpShape *shape, const LvTrainConfig *config,
                      const LvDataset *dataset, guint64 seed, guint64 order_seed, float *params,
                      LvEpochFunc epoch_func, gpointer user_data, GCancellable *cancellable)
{
  LvRng init_rng, order_rng;

  lv_rng_init (&init_rng, seed);
  lv_rng_init (&order_rng, order_seed);
  return train_loop (shape, config, dataset, &init_rng, &order_rng, params, epoch_func,
                     user_data, cancellable);
}
