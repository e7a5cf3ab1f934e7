/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>
#include <lossviz/lv-dataset.h>
#include <lossviz/lv-mlp.h>
#include <lossviz/lv-train.h>
#include <lossviz/lv-worker-pool.h>

G_BEGIN_DECLS

/**
 * LvEnsembleConfig:
 * @sizes: hidden widths, one group of runs each.
 * @n_sizes: length of @sizes.
 * @runs: runs per size.
 * @depth: hidden layers (1..LV_MLP_MAX_DEPTH).
 * @activation, @loss, @bias: the networks (see LvMlpShape).
 * @train: optimiser, regulariser, initialisation.
 * @seed: base seed; run r of size h uses the low 53 bits of lv_seed_mix (seed, h, r).
 * @shared_order: %FALSE (the default): every run shuffles its minibatches with its own seed
 *   (lv_train_run_fused_independent()). %TRUE: the runs of one size share one minibatch order,
 *   drawn from lv_ensemble_order_seed (seed, h), while each still initialises from its run
 *   seed (lv_train_run_fused(): the first layer of a block is one GEMM, faster still).
 * @fuse_block: in either mode, the runs of a size are trained in blocks of this many
 *   consecutive runs (0: the default, 16, or 8 in bf16 precision; shrunk for very large networks by
 *   lv_train_fused_block_limit()). Each block is one task; the grouping depends on the
 *   configuration only, never on the thread count.
 * @first_run: index of the ensemble's first run (0 by default): runs are numbered
 *   @first_run … @first_run + @runs − 1 and seeded by those indices, so an ensemble with
 *   first_run = k trains exactly the runs k, k+1, … a bigger ensemble would, which lets an
 *   experiment be extended with more runs without retraining the first k.
 * @save_trajectory: K > 0 keeps every run's parameters after every K-th epoch
 *   (lv_ensemble_copy_trajectory(); experiment bundles store them for PCA directions).
 *   Not with @shared_order (fused blocks keep their parameters interleaved).
 */
typedef struct {
  guint         sizes[64];
  guint         n_sizes;
  guint         runs;
  guint         depth;
  LvActivation  activation;
  LvLoss        loss;
  gboolean      bias;
  LvTrainConfig train;
  guint64       seed;
  gboolean      shared_order;
  guint         fuse_block;
  guint         first_run;
  guint         save_trajectory;
} LvEnsembleConfig;

void     lv_ensemble_config_init (LvEnsembleConfig *config);
gboolean lv_ensemble_config_validate (const LvEnsembleConfig *config, const LvDataset *dataset,
                                      GError **error);
/* The seed of run @run of hidden width @hidden. */
guint64  lv_ensemble_run_seed (guint64 base_seed, guint hidden, guint run);
/* The seed of the minibatch order shared by the runs of width @hidden (shared_order mode). */
guint64  lv_ensemble_order_seed (guint64 base_seed, guint hidden);

/**
 * LvRunRecord:
 *
 * One run as a reader sees it: identity, state and per-epoch history (arrays of epochs_done).
 */
typedef struct {
  guint      hidden;
  guint      run;
  guint64    seed;
  LvRunState state;
  guint      epochs_done;
  double    *train_loss;
  double    *test_loss;
  double    *test_accuracy;
  double     grad_norm;
} LvRunRecord;

/* Last epoch's values, NAN when none or diverged. */
double lv_run_record_final_train_loss (const LvRunRecord *record);
double lv_run_record_final_test_loss (const LvRunRecord *record);
double lv_run_record_final_test_accuracy (const LvRunRecord *record);

/**
 * LvEnsembleSnapshot:
 *
 * A consistent copy of every run's record, owned by the reader. Runs are ordered by size index,
 * then run index.
 */
typedef struct {
  guint        n_runs;
  LvRunRecord *runs;
  guint        finished;
  guint        diverged;
  guint        cancelled;
  guint64      generation;
} LvEnsembleSnapshot;

void lv_ensemble_snapshot_free (LvEnsembleSnapshot *snapshot);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (LvEnsembleSnapshot, lv_ensemble_snapshot_free)

typedef struct _LvEnsemble LvEnsemble;

LvEnsemble *lv_ensemble_new (LvDataset *dataset, const LvEnsembleConfig *config, GError **error);
const LvEnsembleConfig *lv_ensemble_get_config (LvEnsemble *ensemble);
LvDataset  *lv_ensemble_get_dataset (LvEnsemble *ensemble);
/* Queues every run on @pool (on a queue of its own: lv_worker_queue_new()). The ensemble must
 * outlive its tasks: free waits for them. */
void        lv_ensemble_start (LvEnsemble *ensemble, LvWorkerPool *pool);
/* Starts several ensembles with their runs queued in turn, so they advance together. */
void        lv_ensemble_start_interleaved (LvEnsemble *const *ensembles, guint n,
                                           LvWorkerPool *pool);
/* The same through @queue: one submitter, taking turns with the pool's other queues. */
void        lv_ensemble_start_on_queue    (LvEnsemble *const *ensembles, guint n,
                                           LvWorkerQueue *queue);
/* Cancels pending and running runs (running ones stop at their next minibatch). */
void        lv_ensemble_cancel (LvEnsemble *ensemble);
/* Holds every run between two minibatches (or releases them): a real pause, see lv-ensemble.c. */
void        lv_ensemble_set_paused (LvEnsemble *ensemble, gboolean paused);
guint       lv_ensemble_get_n_waiting (LvEnsemble *ensemble);
/* Blocks until every queued run has ended. */
void        lv_ensemble_wait (LvEnsemble *ensemble);
/* The same, giving up at @end_time (monotonic µs); returns whether every run has ended. */
gboolean    lv_ensemble_wait_until (LvEnsemble *ensemble, gint64 end_time);
gboolean    lv_ensemble_is_done (LvEnsemble *ensemble);
/* Increments whenever a run publishes; lets a reader skip copying an unchanged ensemble. */
guint64     lv_ensemble_get_generation (LvEnsemble *ensemble);
LvEnsembleSnapshot *lv_ensemble_snapshot (LvEnsemble *ensemble);
/* Copies the final (or current) parameters of run @index; FALSE if not trained yet. */
gboolean    lv_ensemble_copy_params (LvEnsemble *ensemble, guint index, LvMlpShape *shape,
                                     float **params);
/* Copies run @index's trajectory (see @save_trajectory); FALSE when it has none. */
gboolean    lv_ensemble_copy_trajectory (LvEnsemble *ensemble, guint index, guint *n,
                                         guint **epochs, float **params);
/**
 * lv_ensemble_restore_run:
 * @index: a run, in snapshot order.
 * @record: its record as saved (curves are copied).
 * @params: (transfer full) (nullable): its final parameters.
 * @n_trajectory, @trajectory_epochs, @trajectory: (transfer full) (nullable): its trajectory.
 *
 * Before lv_ensemble_start(): puts a run finished (or diverged) earlier back in place, so a
 * resumed experiment trains only what is missing. A task is skipped when every run it would
 * train is restored; a fused block with some runs missing is trained again whole, which
 * reproduces the restored runs exactly (the grouping depends on the configuration only).
 */
void        lv_ensemble_restore_run (LvEnsemble *ensemble, guint index,
                                     const LvRunRecord *record, float *params,
                                     guint n_trajectory, guint *trajectory_epochs,
                                     float *trajectory);
/* The ensemble's tasks (one run, or a fused block of consecutive runs of one size): their
 * layout depends on the configuration only. Task @task covers slots *first … *first+*count−1. */
guint       lv_ensemble_get_n_tasks (LvEnsemble *ensemble);
void        lv_ensemble_get_task (LvEnsemble *ensemble, guint task, guint *first, guint *count);
/* Runs of one size that one task trains together (a block; 1 with save_trajectory). */
guint       lv_ensemble_block_runs (const LvEnsembleConfig *config, const LvMlpShape *shape,
                                    guint batch);
/* Cancels, waits and frees. */
void        lv_ensemble_free (LvEnsemble *ensemble);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (LvEnsemble, lv_ensemble_free)

/* Bytes the ensemble needs on @n_threads workers: parameters and histories of every run plus
 * each worker's activation, gradient and minibatch buffers (for lv_memory_check()). */
double lv_ensemble_memory_estimate (const LvEnsembleConfig *config, const LvDataset *dataset,
                                    guint n_threads);

G_END_DECLS
