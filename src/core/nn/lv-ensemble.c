/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-core"

#include "config.h"

#include <gio/gio.h>
#include <math.h>
#include <string.h>

#include <lossviz/lv-ensemble.h>
#include <lossviz/lv-error.h>

/* All final parameters of an ensemble are kept (for slices and Hessians): cap their memory. */
#define LV_ENSEMBLE_MAX_PARAM_BYTES (G_GUINT64_CONSTANT (4) << 30)

/*
 * Threading: every block of `fuse_block` consecutive runs of a size is one task on a shared
 * LvWorkerPool, trained by lv_train_run_fused() (shared order) or
 * lv_train_run_fused_independent() (per-run orders). A worker writes only its own slot, and only under `lock`, once per epoch; readers (the app's frame clock, the CLI's
 * progress line) take `lock` just long enough to copy. `pending` counts queued and running
 * tasks so wait() and free() can block until no task references the ensemble any more.
 */
typedef struct
{
  LvRunRecord record;  /* arrays sized for config.train.epochs */
  LvMlpShape shape;
  float *params;       /* final parameters, NULL until the run ends */
} Slot;

typedef struct
{
  LvEnsemble *ensemble;
  guint index; /* first slot */
  guint count; /* slots of the task: 1, or a fused block */
} RunTask;

struct _LvEnsemble
{
  LvDataset *dataset;
  LvEnsembleConfig config;
  GCancellable *cancellable;
  GMutex lock;
  GCond done_cond;
  guint pending;
  guint64 generation;
  guint n_slots;
  Slot *slots;
  RunTask *tasks;
  guint n_tasks;
  gboolean started;
};

void
lv_ensemble_config_init (LvEnsembleConfig *config)
{
  memset (config, 0, sizeof *config);
  config->sizes[0] = 5;
  config->sizes[1] = 25;
  config->sizes[2] = 100;
  config->n_sizes = 3;
  config->runs = 10;
  config->depth = 1;
  config->activation = LV_ACTIVATION_RELU;
  config->loss = LV_LOSS_CROSS_ENTROPY;
  config->bias = TRUE;
  lv_train_config_init (&config->train);
  config->seed = 1;
}

guint64
lv_ensemble_run_seed (guint64 base_seed, guint hidden, guint run)
{
  /* 53 bits: a seed printed in JSON must read back exactly as a double in any language. */
  return lv_seed_mix (base_seed, hidden, run) & ((G_GUINT64_CONSTANT (1) << 53) - 1);
}

/**
 * lv_ensemble_order_seed:
 * @base_seed: the ensemble's seed.
 * @hidden: the hidden width.
 *
 * In shared-order mode, the runs of width @hidden all draw their minibatch order from this
 * seed: lv_seed_mix (seed, h, 2^64 − 1), a run index no run has, so it is independent of
 * every run's initialisation seed.
 *
 * Returns: the seed of the shared order.
 */
guint64
lv_ensemble_order_seed (guint64 base_seed, guint hidden)
{
  return lv_seed_mix (base_seed, hidden, G_MAXUINT64);
}

/* Outputs of the networks: one per class, or one real output for MSE on targets. */
static guint
network_outputs (const LvEnsembleConfig *config, const LvDataset *dataset)
{
  if (config->loss == LV_LOSS_MSE && dataset->t_train != NULL)
    return 1;
  return dataset->n_classes;
}

static gboolean
make_shape (const LvEnsembleConfig *config, const LvDataset *dataset, guint hidden,
            LvMlpShape *shape, GError **error)
{
  return lv_mlp_shape_init (shape, dataset->n_inputs, config->depth, hidden,
                            network_outputs (config, dataset), config->activation, config->loss,
                            config->bias, error);
}

/**
 * lv_ensemble_config_validate:
 * @config: the configuration.
 * @dataset: the data it will train on.
 * @error: return location for an %LV_ERROR_INVALID_INPUT error.
 *
 * Checks ranges, that the data suits the loss, and that the ensemble fits in memory.
 *
 * Returns: %TRUE when the ensemble can run.
 */
gboolean
lv_ensemble_config_validate (const LvEnsembleConfig *config, const LvDataset *dataset,
                             GError **error)
{
  double bytes = 0;

  if (config->n_sizes == 0 || config->n_sizes > G_N_ELEMENTS (config->sizes))
    {
      g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT, "between 1 and %u sizes are needed",
                   (guint) G_N_ELEMENTS (config->sizes));
      return FALSE;
    }
  if (config->runs == 0 || config->runs > 100000)
    {
      g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT, "runs %u is outside 1..100000",
                   config->runs);
      return FALSE;
    }
  if (dataset->n_train == 0)
    {
      g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT, "the dataset has no training samples");
      return FALSE;
    }
  if (config->loss != LV_LOSS_MSE && dataset->n_classes < 2)
    {
      g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT,
                   "single-class data: %s needs at least 2 classes (use --loss mse)",
                   lv_loss_to_string (config->loss));
      return FALSE;
    }
  if (!lv_train_config_validate (&config->train, error) ||
      !lv_precision_available (config->train.precision, error))
    return FALSE;
  for (guint s = 0; s < config->n_sizes; s++)
    {
      LvMlpShape shape;
      if (config->sizes[s] == 0)
        {
          g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT, "hidden size 0 is not a network");
          return FALSE;
        }
      if (!make_shape (config, dataset, config->sizes[s], &shape, error))
        return FALSE;
      bytes += (double) lv_mlp_n_params (&shape) * sizeof (float) * config->runs;
      /* Every run also keeps its history: three doubles per epoch (lv_ensemble_new). */
      bytes += 3.0 * sizeof (double) * config->train.epochs * config->runs;
    }
  if (bytes > (double) LV_ENSEMBLE_MAX_PARAM_BYTES)
    {
      g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT,
                   "the ensemble's parameters and histories would take %.1f GiB (limit %.0f GiB): "
                   "use fewer runs or smaller sizes", bytes / (1 << 30),
                   (double) LV_ENSEMBLE_MAX_PARAM_BYTES / (1 << 30));
      return FALSE;
    }
  return TRUE;
}

/**
 * lv_ensemble_new:
 * @dataset: the data (a reference is taken).
 * @config: what to train.
 * @error: return location for an %LV_ERROR_INVALID_INPUT error.
 *
 * Returns: (transfer full) (nullable): a new, not yet started ensemble.
 */
LvEnsemble *
lv_ensemble_new (LvDataset *dataset, const LvEnsembleConfig *config, GError **error)
{
  LvEnsemble *self;
  guint epochs = config->train.epochs;

  if (!lv_ensemble_config_validate (config, dataset, error))
    return NULL;

  self = g_new0 (LvEnsemble, 1);
  self->dataset = lv_dataset_ref (dataset);
  self->config = *config;
  self->cancellable = g_cancellable_new ();
  g_mutex_init (&self->lock);
  g_cond_init (&self->done_cond);
  self->n_slots = config->n_sizes * config->runs;
  self->slots = g_new0 (Slot, self->n_slots);
  self->tasks = g_new0 (RunTask, self->n_slots);
  for (guint s = 0; s < config->n_sizes; s++)
    {
      LvMlpShape shape;
      guint block = 1;

      make_shape (config, dataset, config->sizes[s], &shape, NULL);
      /* Both order modes train in blocks (one task each). bf16 blocks default to 8 nets: its
       * small products keep a block's working set in L2 and spread an ensemble over more,
       * smaller tasks. */
      block = lv_train_fused_block_limit (
          &shape, MIN (config->train.batch, dataset->n_train),
          config->fuse_block != 0 || config->train.precision != LV_PRECISION_BF16
            ? config->fuse_block : 8,
          !config->shared_order);
      for (guint r = 0; r < config->runs; r += block)
        {
          RunTask *task = &self->tasks[self->n_tasks++];
          task->ensemble = self;
          task->index = s * config->runs + r;
          task->count = MIN (block, config->runs - r);
        }
    }
  for (guint s = 0; s < config->n_sizes; s++)
    for (guint r = 0; r < config->runs; r++)
      {
        guint i = s * config->runs + r;
        Slot *slot = &self->slots[i];

        make_shape (config, dataset, config->sizes[s], &slot->shape, NULL);
        slot->record.hidden = config->sizes[s];
        slot->record.run = config->first_run + r;
        slot->record.seed = lv_ensemble_run_seed (config->seed, config->sizes[s],
                                                  config->first_run + r);
        slot->record.state = LV_RUN_PENDING;
        slot->record.train_loss = g_new (double, epochs);
        slot->record.test_loss = g_new (double, epochs);
        slot->record.test_accuracy = g_new (double, epochs);
        slot->record.grad_norm = NAN;
      }
  return self;
}

const LvEnsembleConfig *
lv_ensemble_get_config (LvEnsemble *self)
{
  return &self->config;
}

LvDataset *
lv_ensemble_get_dataset (LvEnsemble *self)
{
  return self->dataset;
}

static void
publish_record (LvEnsemble *self, guint index, guint epoch, const LvEpochStats *stats)
{
  LvRunRecord *record = &self->slots[index].record;

  g_mutex_lock (&self->lock);
  record->train_loss[epoch] = stats->train_loss;
  record->test_loss[epoch] = stats->test_loss;
  record->test_accuracy[epoch] = stats->test_accuracy;
  record->grad_norm = stats->grad_norm;
  record->epochs_done = epoch + 1;
  self->generation++;
  g_mutex_unlock (&self->lock);
}

/* Adds @delta to the count of unfinished runs; wakes the waiters when it reaches 0. */
static void
add_pending (LvEnsemble *self, int delta)
{
  g_mutex_lock (&self->lock);
  self->pending += delta;
  if (self->pending == 0)
    g_cond_broadcast (&self->done_cond);
  g_mutex_unlock (&self->lock);
}

static void
finish_task (LvEnsemble *self, Slot *slot, LvRunState state, float *params)
{
  g_mutex_lock (&self->lock);
  slot->record.state = state;
  slot->params = params;
  self->generation++;
  if (--self->pending == 0)
    g_cond_broadcast (&self->done_cond);
  g_mutex_unlock (&self->lock);
}

/* A fused block: the trainer reports each net's epochs and end through these. */
typedef struct
{
  RunTask *task;
  float **params; /* owned until handed to the slot */
} BlockRun;

static void
block_epoch (guint net, guint epoch, const LvEpochStats *stats, gpointer user_data)
{
  BlockRun *run = user_data;

  publish_record (run->task->ensemble, run->task->index + net, epoch, stats);
}

static void
block_end (guint net, LvRunState state, gpointer user_data)
{
  BlockRun *run = user_data;
  LvEnsemble *self = run->task->ensemble;
  float *params = g_steal_pointer (&run->params[net]);

  if (state != LV_RUN_FINISHED)
    g_clear_pointer (&params, g_free);
  finish_task (self, &self->slots[run->task->index + net], state, params);
}

static void
run_block (RunTask *task)
{
  LvEnsemble *self = task->ensemble;
  Slot *first = &self->slots[task->index];
  g_autofree guint64 *seeds = g_new (guint64, task->count);
  g_autofree LvRunState *states = g_new (LvRunState, task->count);
  g_autofree float **params = g_new (float *, task->count);
  BlockRun run = { task, params };

  if (g_cancellable_is_cancelled (self->cancellable))
    {
      for (guint k = 0; k < task->count; k++)
        finish_task (self, &first[k], LV_RUN_CANCELLED, NULL);
      return;
    }
  g_mutex_lock (&self->lock);
  for (guint k = 0; k < task->count; k++)
    first[k].record.state = LV_RUN_RUNNING;
  self->generation++;
  g_mutex_unlock (&self->lock);

  for (guint k = 0; k < task->count; k++)
    {
      seeds[k] = first[k].record.seed;
      params[k] = g_new (float, lv_mlp_n_params (&first->shape));
    }
  /* Every net ends through block_end, which takes its params. */
  if (self->config.shared_order)
    lv_train_run_fused (&first->shape, &self->config.train, self->dataset, task->count, seeds,
                        lv_ensemble_order_seed (self->config.seed, first->record.hidden),
                        params, states, block_epoch, block_end, &run, self->cancellable);
  else
    lv_train_run_fused_independent (&first->shape, &self->config.train, self->dataset,
                                    task->count, seeds, params, states, block_epoch, block_end,
                                    &run, self->cancellable);
}

static void
run_task (gpointer data)
{
  RunTask *task = data;
  LvEnsemble *self = task->ensemble;

  /* A block's nets finish one by one while the block still reads the ensemble (config,
   * dataset, task): one more pending count keeps lv_ensemble_free() waiting until the whole
   * block has returned. */
  add_pending (self, 1);
  run_block (task);
  add_pending (self, -1);
}

void
lv_ensemble_start (LvEnsemble *self, LvWorkerPool *pool)
{
  g_return_if_fail (!self->started);

  self->started = TRUE;
  g_mutex_lock (&self->lock);
  self->pending = self->n_slots;
  g_mutex_unlock (&self->lock);
  for (guint i = 0; i < self->n_tasks; i++)
    lv_worker_pool_push (pool, run_task, &self->tasks[i]);
}

void
lv_ensemble_cancel (LvEnsemble *self)
{
  g_cancellable_cancel (self->cancellable);
}

void
lv_ensemble_wait (LvEnsemble *self)
{
  g_mutex_lock (&self->lock);
  while (self->pending > 0)
    g_cond_wait (&self->done_cond, &self->lock);
  g_mutex_unlock (&self->lock);
}

gboolean
lv_ensemble_is_done (LvEnsemble *self)
{
  gboolean done;

  g_mutex_lock (&self->lock);
  done = self->started && self->pending == 0;
  g_mutex_unlock (&self->lock);
  return done;
}

guint64
lv_ensemble_get_generation (LvEnsemble *self)
{
  guint64 generation;

  g_mutex_lock (&self->lock);
  generation = self->generation;
  g_mutex_unlock (&self->lock);
  return generation;
}

static void
copy_record (LvRunRecord *dst, const LvRunRecord *src)
{
  *dst = *src;
  dst->train_loss = g_memdup2 (src->train_loss, sizeof (double) * MAX (src->epochs_done, 1));
  dst->test_loss = g_memdup2 (src->test_loss, sizeof (double) * MAX (src->epochs_done, 1));
  dst->test_accuracy = g_memdup2 (src->test_accuracy,
                                  sizeof (double) * MAX (src->epochs_done, 1));
}

/**
 * lv_ensemble_snapshot:
 * @self: the ensemble.
 *
 * Copies every run's record under the lock; never waits for a training step.
 *
 * Returns: (transfer full): the snapshot.
 */
LvEnsembleSnapshot *
lv_ensemble_snapshot (LvEnsemble *self)
{
  LvEnsembleSnapshot *snap = g_new0 (LvEnsembleSnapshot, 1);

  snap->n_runs = self->n_slots;
  snap->runs = g_new0 (LvRunRecord, self->n_slots);
  g_mutex_lock (&self->lock);
  for (guint i = 0; i < self->n_slots; i++)
    {
      copy_record (&snap->runs[i], &self->slots[i].record);
      snap->finished += snap->runs[i].state == LV_RUN_FINISHED;
      snap->diverged += snap->runs[i].state == LV_RUN_DIVERGED;
      snap->cancelled += snap->runs[i].state == LV_RUN_CANCELLED;
    }
  snap->generation = self->generation;
  g_mutex_unlock (&self->lock);
  return snap;
}

void
lv_ensemble_snapshot_free (LvEnsembleSnapshot *snap)
{
  if (snap == NULL)
    return;
  for (guint i = 0; i < snap->n_runs; i++)
    {
      g_free (snap->runs[i].train_loss);
      g_free (snap->runs[i].test_loss);
      g_free (snap->runs[i].test_accuracy);
    }
  g_free (snap->runs);
  g_free (snap);
}

gboolean
lv_ensemble_copy_params (LvEnsemble *self, guint index, LvMlpShape *shape, float **params)
{
  gboolean ok = FALSE;

  g_return_val_if_fail (index < self->n_slots, FALSE);
  g_mutex_lock (&self->lock);
  if (self->slots[index].params != NULL)
    {
      *shape = self->slots[index].shape;
      *params = g_memdup2 (self->slots[index].params,
                           lv_mlp_n_params (shape) * sizeof (float));
      ok = TRUE;
    }
  g_mutex_unlock (&self->lock);
  return ok;
}

void
lv_ensemble_free (LvEnsemble *self)
{
  if (self == NULL)
    return;
  lv_ensemble_cancel (self);
  lv_ensemble_wait (self);
  for (guint i = 0; i < self->n_slots; i++)
    {
      g_free (self->slots[i].record.train_loss);
      g_free (self->slots[i].record.test_loss);
      g_free (self->slots[i].record.test_accuracy);
      g_free (self->slots[i].params);
    }
  g_free (self->slots);
  g_free (self->tasks);
  g_object_unref (self->cancellable);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->done_cond);
  lv_dataset_unref (self->dataset);
  g_free (self);
}

static double
final_value (const LvRunRecord *r, const double *values)
{
  if (r->epochs_done == 0 || r->state == LV_RUN_DIVERGED)
    return NAN;
  return values[r->epochs_done - 1];
}

double
lv_run_record_final_train_loss (const LvRunRecord *r)
{
  return final_value (r, r->train_loss);
}

double
lv_run_record_final_test_loss (const LvRunRecord *r)
{
  return final_value (r, r->test_loss);
}

double
lv_run_record_final_test_accuracy (const LvRunRecord *r)
{
  return final_value (r, r->test_accuracy);
}
