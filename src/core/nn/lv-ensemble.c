/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-core"

#include "config.h"

#include <gio/gio.h>
#include <math.h>
#include <string.h>

#include <lossviz/lv-dataset-check.h>
#include <lossviz/lv-ensemble.h>
#include <lossviz/lv-error.h>
#include <lossviz/lv-pausable.h>

/* All final parameters of an ensemble are kept (for slices and Hessians): cap their memory. */
#define LV_ENSEMBLE_MAX_PARAM_BYTES (G_GUINT64_CONSTANT (4) << 30)

/*
 * Threading: every block of `fuse_block` consecutive runs of a size is one task on a shared
 * LvWorkerPool, pushed through the ensemble's LvWorkerQueue (one submitter), trained by lv_train_run_fused() (shared order) or
 * lv_train_run_fused_independent() (per-run orders). A worker writes only its own slot, and only under `lock`, once per epoch; readers (the app's frame clock, the CLI's
 * progress line) take `lock` just long enough to copy. `pending` counts queued and running
 * tasks so wait() and free() can block until no task references the ensemble any more.
 */
typedef struct
{
  LvRunRecord record;  /* arrays sized for config.train.epochs */
  LvMlpShape shape;
  float *params;       /* final parameters, NULL until the run ends */
  float *working;      /* the training buffer while the run trains (save_trajectory) */
  guint n_trajectory;  /* snapshots of save_trajectory */
  guint *trajectory_epochs;
  float *trajectory;
  gboolean restored;   /* put back by lv_ensemble_restore_run: not trained again */
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
  LvWorkerQueue *queue;  /* where its tasks go (one submitter), also for parked tasks */
  GPtrArray *parked;     /* RunTask*: queued tasks that found the ensemble paused */
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
  if (!lv_dataset_check_classes (dataset, config->loss, error))
    return FALSE;
  if (!lv_train_config_validate (&config->train, error) ||
      !lv_precision_available (config->train.precision, error))
    return FALSE;
  if (config->save_trajectory > 0 && config->shared_order)
    {
      g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT,
                   "saving trajectories is not available with shared-order (fused) training");
      return FALSE;
    }
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
      if (config->save_trajectory > 0)
        bytes += (double) (config->train.epochs / config->save_trajectory) *
                 lv_mlp_n_params (&shape) * sizeof (float) * config->runs;
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
/**
 * lv_ensemble_block_runs:
 * @config: the configuration
 * @shape: the shape of one size's networks
 * @batch: the minibatch size in effect
 *
 * Returns: how many consecutive runs of a size one task trains together. Both order modes
 *   train in blocks; bf16 blocks default to 4 nets (their small products keep a block's working
 *   set in L2 and spread an ensemble over more, smaller tasks; on the reference workload 4
 *   nets took 5 % less CPU time than 8 with a shared order and 17 % less with per-run orders). Saved trajectories copy each
 *   run's live parameters every K epochs, so with save_trajectory a task is one run trained by
 *   lv_train_run(). Depends on the configuration only, never on the thread count.
 */
guint
lv_ensemble_block_runs (const LvEnsembleConfig *config, const LvMlpShape *shape, guint batch)
{
  if (config->save_trajectory > 0)
    return 1;
  return lv_train_fused_block_limit (shape, batch,
                                     config->fuse_block != 0 ||
                                         config->train.precision != LV_PRECISION_BF16
                                       ? config->fuse_block : 4,
                                     !config->shared_order);
}

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
  /* An LvPausable: lv_ensemble_set_paused() holds the workers between minibatches. */
  self->cancellable = G_CANCELLABLE (lv_pausable_new ());
  g_mutex_init (&self->lock);
  g_cond_init (&self->done_cond);
  self->n_slots = config->n_sizes * config->runs;
  self->slots = g_new0 (Slot, self->n_slots);
  self->tasks = g_new0 (RunTask, self->n_slots);
  self->parked = g_ptr_array_new ();
  for (guint s = 0; s < config->n_sizes; s++)
    {
      LvMlpShape shape;
      guint block = 1;

      make_shape (config, dataset, config->sizes[s], &shape, NULL);
      block = lv_ensemble_block_runs (config, &shape, MIN (config->train.batch, dataset->n_train));
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

/* Keeps a copy of the training buffer after epoch @epoch (called between minibatches by the
 * run's own thread, so the buffer is not being written). */
static void
append_trajectory (LvEnsemble *self, Slot *slot, guint epoch)
{
  gsize np = lv_mlp_n_params (&slot->shape);
  guint cap = self->config.train.epochs / self->config.save_trajectory;

  if (slot->working == NULL || slot->n_trajectory >= cap)
    return;
  g_mutex_lock (&self->lock);
  if (slot->trajectory == NULL)
    {
      slot->trajectory = g_new (float, cap * np);
      slot->trajectory_epochs = g_new (guint, cap);
    }
  memcpy (slot->trajectory + slot->n_trajectory * np, slot->working, np * sizeof (float));
  slot->trajectory_epochs[slot->n_trajectory++] = epoch;
  g_mutex_unlock (&self->lock);
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
  if (self->config.save_trajectory > 0 && (epoch + 1) % self->config.save_trajectory == 0)
    append_trajectory (self, &self->slots[index], epoch + 1);
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
  g_free (slot->params); /* a restored run of a block that was trained again */
  slot->params = params;
  slot->working = NULL;
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

/* A queued task that finds the ensemble paused parks here instead of holding a worker until
 * the resume (which pushes it back); with the pause flag read under `lock`, which
 * lv_ensemble_set_paused() also holds, no task can park after the resume took the list. */
static gboolean
park_if_paused (RunTask *task)
{
  LvEnsemble *self = task->ensemble;
  gboolean parked = FALSE;

  g_mutex_lock (&self->lock);
  if (lv_pausable_get_paused (LV_PAUSABLE (self->cancellable)) &&
      !g_cancellable_is_cancelled (self->cancellable))
    {
      g_ptr_array_add (self->parked, task);
      parked = TRUE;
    }
  g_mutex_unlock (&self->lock);
  return parked;
}

static void run_task (gpointer data);

/* Pushes the parked tasks back on the pool (after a resume or a cancel). */
static void
unpark_all (LvEnsemble *self)
{
  g_autoptr(GPtrArray) tasks = NULL;

  LvWorkerQueue *queue;

  /* Under the lock: a job thread may be starting the ensemble while another thread cancels or
   * resumes it (nothing is parked before the start). */
  g_mutex_lock (&self->lock);
  if (!self->started)
    {
      g_mutex_unlock (&self->lock);
      return;
    }
  tasks = g_steal_pointer (&self->parked);
  self->parked = g_ptr_array_new ();
  queue = self->queue;
  g_mutex_unlock (&self->lock);
  for (guint i = 0; i < tasks->len; i++)
    lv_worker_queue_push (queue, run_task, g_ptr_array_index (tasks, i));
}

static void
publish_epoch (guint epoch, const LvEpochStats *stats, gpointer user_data)
{
  RunTask *task = user_data;

  publish_record (task->ensemble, task->index, epoch, stats);
}

/* One run through lv_train_run(), whose live parameters (slot->working) the per-epoch
 * trajectory copies: the path for save_trajectory, whose tasks hold one run each. */
static void
run_single (RunTask *task)
{
  LvEnsemble *self = task->ensemble;
  Slot *slot = &self->slots[task->index];
  float *params;
  LvRunState state;

  if (g_cancellable_is_cancelled (self->cancellable))
    {
      finish_task (self, slot, LV_RUN_CANCELLED, NULL);
      return;
    }
  params = g_new (float, lv_mlp_n_params (&slot->shape));
  g_mutex_lock (&self->lock);
  slot->record.state = LV_RUN_RUNNING;
  slot->working = params;
  slot->n_trajectory = 0;
  self->generation++;
  g_mutex_unlock (&self->lock);

  state = lv_train_run (&slot->shape, &self->config.train, self->dataset, slot->record.seed,
                        params, publish_epoch, task, self->cancellable);
  if (state == LV_RUN_DIVERGED || state == LV_RUN_CANCELLED)
    g_clear_pointer (&params, g_free);
  finish_task (self, slot, state, params);
}

static void
run_task (gpointer data)
{
  RunTask *task = data;
  LvEnsemble *self = task->ensemble;

  if (park_if_paused (task))
    return;
  if (self->config.save_trajectory > 0)
    {
      run_single (task);
      return;
    }
  /* A block's nets finish one by one while the block still reads the ensemble (config,
   * dataset, task): one more pending count keeps lv_ensemble_free() waiting until the whole
   * block has returned. */
  add_pending (self, 1);
  run_block (task);
  add_pending (self, -1);
}

/* TRUE when every run of @task was restored, so it is not trained again. */
static gboolean
task_is_restored (LvEnsemble *self, const RunTask *task)
{
  for (guint k = 0; k < task->count; k++)
    if (!self->slots[task->index + k].restored)
      return FALSE;
  return TRUE;
}

static void
prepare_start (LvEnsemble *self, LvWorkerQueue *queue)
{
  lv_pausable_set_pool (LV_PAUSABLE (self->cancellable), lv_worker_queue_get_pool (queue));
  g_mutex_lock (&self->lock);
  if (self->started)
    {
      g_mutex_unlock (&self->lock);
      g_return_if_reached ();
    }
  self->started = TRUE;
  self->queue = lv_worker_queue_ref (queue);
  self->pending = 0;
  for (guint i = 0; i < self->n_tasks; i++)
    if (!task_is_restored (self, &self->tasks[i]))
      self->pending += self->tasks[i].count;
  if (self->pending == 0)
    g_cond_broadcast (&self->done_cond);
  g_mutex_unlock (&self->lock);
}

void
lv_ensemble_start (LvEnsemble *self, LvWorkerPool *pool)
{
  lv_ensemble_start_interleaved (&self, 1, pool);
}

/**
 * lv_ensemble_start_interleaved:
 * @ensembles: (array length=n): ensembles not started yet
 * @n: their number
 * @pool: the pool
 *
 * Starts several ensembles (e.g. one per network size) on one new queue of @pool
 * (lv_ensemble_start_on_queue()).
 */
void
lv_ensemble_start_interleaved (LvEnsemble *const *ensembles, guint n, LvWorkerPool *pool)
{
  g_autoptr(LvWorkerQueue) queue = lv_worker_queue_new (pool);

  lv_ensemble_start_on_queue (ensembles, n, queue);
}

/**
 * lv_ensemble_start_on_queue:
 * @ensembles: (array length=n): ensembles not started yet
 * @n: their number
 * @queue: the submitter their tasks go through (a reference is kept until they are freed)
 *
 * Queues every task at once, in turn — the first run of each ensemble, then the second of
 * each, … — so they advance together instead of one after the other: at any moment every size
 * has about as many runs done. Queuing the whole backlog up front keeps the pause and cancel
 * paths simple (a task parks or ends as cancelled where it stands); it does not delay other
 * jobs, because the pool serves its queues in turn, not in one FIFO (lv-worker-pool.c).
 */
void
lv_ensemble_start_on_queue (LvEnsemble *const *ensembles, guint n, LvWorkerQueue *queue)
{
  guint most = 0;

  for (guint k = 0; k < n; k++)
    {
      prepare_start (ensembles[k], queue);
      most = MAX (most, ensembles[k]->n_tasks);
    }
  for (guint t = 0; t < most; t++)
    for (guint k = 0; k < n; k++)
      if (t < ensembles[k]->n_tasks)
        if (!task_is_restored (ensembles[k], &ensembles[k]->tasks[t]))
          lv_worker_queue_push (queue, run_task, &ensembles[k]->tasks[t]);
}

void
lv_ensemble_restore_run (LvEnsemble *self, guint index, const LvRunRecord *record,
                         float *params, guint n_trajectory, guint *trajectory_epochs,
                         float *trajectory)
{
  Slot *slot;
  gsize n;

  g_return_if_fail (!self->started && index < self->n_slots);
  slot = &self->slots[index];
  n = MIN (record->epochs_done, self->config.train.epochs);
  memcpy (slot->record.train_loss, record->train_loss, n * sizeof (double));
  memcpy (slot->record.test_loss, record->test_loss, n * sizeof (double));
  memcpy (slot->record.test_accuracy, record->test_accuracy, n * sizeof (double));
  slot->record.epochs_done = (guint) n;
  slot->record.grad_norm = record->grad_norm;
  slot->record.state = record->state;
  g_free (slot->params);
  g_free (slot->trajectory);
  g_free (slot->trajectory_epochs);
  slot->params = params;
  slot->n_trajectory = n_trajectory;
  slot->trajectory_epochs = trajectory_epochs;
  slot->trajectory = trajectory;
  slot->restored = TRUE;
}

gboolean
lv_ensemble_copy_trajectory (LvEnsemble *self, guint index, guint *n, guint **epochs,
                             float **params)
{
  gboolean ok = FALSE;

  g_return_val_if_fail (index < self->n_slots, FALSE);
  g_mutex_lock (&self->lock);
  if (self->slots[index].params != NULL && self->slots[index].n_trajectory > 0)
    {
      Slot *slot = &self->slots[index];
      *n = slot->n_trajectory;
      *epochs = g_memdup2 (slot->trajectory_epochs, *n * sizeof (guint));
      *params = g_memdup2 (slot->trajectory, *n * lv_mlp_n_params (&slot->shape) * sizeof (float));
      ok = TRUE;
    }
  g_mutex_unlock (&self->lock);
  return ok;
}

void
lv_ensemble_cancel (LvEnsemble *self)
{
  g_cancellable_cancel (self->cancellable);
  /* Parked tasks must run to end as cancelled, or wait() would never return. */
  unpark_all (self);
}

/**
 * lv_ensemble_set_paused:
 * @self: the ensemble
 * @paused: %TRUE: running runs stop before their next minibatch and wait there (keeping their
 *   parameters, momentum and minibatch order), queued runs park without holding a worker; %FALSE:
 *   every run continues where it stopped, with exactly the result it would have had unpaused.
 *
 * A paused run keeps its worker thread. Cancelling (or freeing) a paused ensemble wakes its
 * runs, which then end as cancelled.
 */
void
lv_ensemble_set_paused (LvEnsemble *self, gboolean paused)
{
  g_mutex_lock (&self->lock);
  lv_pausable_set_paused (LV_PAUSABLE (self->cancellable), paused);
  g_mutex_unlock (&self->lock);
  if (!paused)
    unpark_all (self);
}

/**
 * lv_ensemble_get_n_waiting:
 * @self: the ensemble
 *
 * Returns: the tasks (runs, or fused blocks) held by the pause right now: those waiting
 *   between two minibatches and the queued ones parked before their start.
 */
guint
lv_ensemble_get_n_waiting (LvEnsemble *self)
{
  guint parked;

  g_mutex_lock (&self->lock);
  parked = self->parked->len;
  g_mutex_unlock (&self->lock);
  return parked + lv_pausable_get_n_waiting (LV_PAUSABLE (self->cancellable));
}

void
lv_ensemble_wait (LvEnsemble *self)
{
  g_mutex_lock (&self->lock);
  while (self->pending > 0)
    g_cond_wait (&self->done_cond, &self->lock);
  g_mutex_unlock (&self->lock);
}

/* Like lv_ensemble_wait(), but gives up at @end_time (g_get_monotonic_time() clock): lets a
 * caller wake promptly when the last run ends and still look at cancellation and progress
 * between waits. Returns whether every queued run has ended. */
gboolean
lv_ensemble_wait_until (LvEnsemble *self, gint64 end_time)
{
  gboolean done;

  g_mutex_lock (&self->lock);
  while (self->pending > 0 && g_cond_wait_until (&self->done_cond, &self->lock, end_time))
    ;
  done = self->started && self->pending == 0;
  g_mutex_unlock (&self->lock);
  return done;
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

guint
lv_ensemble_get_n_tasks (LvEnsemble *self)
{
  return self->n_tasks;
}

/**
 * lv_ensemble_get_task:
 * @self: the ensemble.
 * @task: 0 … lv_ensemble_get_n_tasks() − 1.
 * @first: (out): its first slot (size index × runs + run).
 * @count: (out): its number of runs: 1, or a fused block.
 *
 * An ensemble with the same configuration restricted to one size, @count runs and
 * first_run = first_run + @first % runs trains exactly this task, bit for bit: this is how
 * the runs are split over MPI ranks.
 */
void
lv_ensemble_get_task (LvEnsemble *self, guint task, guint *first, guint *count)
{
  g_return_if_fail (task < self->n_tasks);
  *first = self->tasks[task].index;
  *count = self->tasks[task].count;
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
      g_free (self->slots[i].trajectory);
      g_free (self->slots[i].trajectory_epochs);
    }
  g_free (self->slots);
  g_free (self->tasks);
  g_ptr_array_unref (self->parked);
  g_clear_pointer (&self->queue, lv_worker_queue_unref);
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
