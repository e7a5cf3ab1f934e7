/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Pause (issue 15 item 6): a paused-then-resumed run is bit-identical to an uninterrupted one. */
#include "config.h"

#include <string.h>

#include <lossviz/lossviz.h>

#include "lv-test-data.h"

typedef struct
{
  LvPausable *gate;
  guint pause_after;     /* the epoch after which the training thread pauses itself */
  guint epochs_seen;
  double test_loss[8];
} Progress;

static void
on_epoch (guint epoch, const LvEpochStats *stats, gpointer user_data)
{
  Progress *p = user_data;

  p->test_loss[epoch] = stats->test_loss;
  g_atomic_int_set (&p->epochs_seen, epoch + 1);
  if (p->gate != NULL && epoch == p->pause_after)
    lv_pausable_set_paused (p->gate, TRUE);
}

typedef struct
{
  LvMlpShape shape;
  LvTrainConfig config;
  LvDataset *ds;
  float *params;
  Progress *progress;
  GCancellable *cancellable;
  LvRunState state;
} TrainJob;

static gpointer
train_thread (gpointer data)
{
  TrainJob *job = data;

  job->state = lv_train_run (&job->shape, &job->config, job->ds, 77, job->params, on_epoch,
                             job->progress, job->cancellable);
  return NULL;
}

/* Waits (at most 60 s) until @n workers sit at the gate. */
static void
wait_for_waiting (LvPausable *gate, guint n)
{
  gint64 end = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  while (lv_pausable_get_n_waiting (gate) != n)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, end);
      g_usleep (1000);
    }
}

static void
train_config (LvMlpShape *shape, LvTrainConfig *config)
{
  lv_mlp_shape_init (shape, 6, 1, 16, 2, LV_ACTIVATION_RELU, LV_LOSS_CROSS_ENTROPY, TRUE, NULL);
  lv_train_config_init (config);
  config->epochs = 6;
  config->batch = 16;
}

/* One run pauses itself after epoch 2, waits (no epoch passes while it does), resumes, and
 * ends with exactly the parameters and losses of a run that never paused. */
static void
test_run_pause_resume_bit_identical (void)
{
  g_autoptr(LvDataset) ds = lv_test_blobs (400, 100, 6, 1.0, 3);
  g_autoptr(LvPausable) gate = lv_pausable_new ();
  Progress plain = { 0 }, paused = { gate, 2 };
  TrainJob job = { .ds = ds, .progress = &paused, .cancellable = G_CANCELLABLE (gate) };
  g_autofree float *reference = NULL;
  GThread *thread;
  gsize np;

  train_config (&job.shape, &job.config);
  np = lv_mlp_n_params (&job.shape);
  reference = g_new (float, np);
  job.params = g_new (float, np);
  g_assert_cmpint (lv_train_run (&job.shape, &job.config, ds, 77, reference, on_epoch, &plain,
                                 NULL), ==, LV_RUN_FINISHED);

  thread = g_thread_new ("train", train_thread, &job);
  wait_for_waiting (gate, 1);
  g_assert_true (lv_pausable_get_paused (gate));
  g_usleep (50000);
  /* Held at the gate: no epoch after the third. */
  g_assert_cmpuint (g_atomic_int_get (&paused.epochs_seen), ==, 3);
  lv_pausable_set_paused (gate, FALSE);
  g_thread_join (thread);

  g_assert_cmpint (job.state, ==, LV_RUN_FINISHED);
  g_assert_cmpuint (paused.epochs_seen, ==, 6);
  g_assert_cmpmem (job.params, np * sizeof (float), reference, np * sizeof (float));
  g_assert_cmpmem (paused.test_loss, 6 * sizeof (double), plain.test_loss, 6 * sizeof (double));
  g_free (job.params);
}

/* Cancelling a paused run wakes it; it ends as cancelled instead of hanging. */
static void
test_cancel_wakes_paused_run (void)
{
  g_autoptr(LvDataset) ds = lv_test_blobs (400, 100, 6, 1.0, 3);
  g_autoptr(LvPausable) gate = lv_pausable_new ();
  Progress paused = { gate, 0 };
  TrainJob job = { .ds = ds, .progress = &paused, .cancellable = G_CANCELLABLE (gate) };
  GThread *thread;

  train_config (&job.shape, &job.config);
  job.params = g_new (float, lv_mlp_n_params (&job.shape));
  thread = g_thread_new ("train", train_thread, &job);
  wait_for_waiting (gate, 1);
  g_cancellable_cancel (G_CANCELLABLE (gate));
  g_thread_join (thread);
  g_assert_cmpint (job.state, ==, LV_RUN_CANCELLED);
  g_assert_cmpuint (lv_pausable_get_n_waiting (gate), ==, 0);
  g_free (job.params);
}

static LvEnsemble *
start_ensemble (LvDataset *ds, gboolean shared_order, LvWorkerPool *pool)
{
  g_autoptr(GError) error = NULL;
  LvEnsembleConfig config;
  LvEnsemble *ensemble;

  lv_ensemble_config_init (&config);
  config.sizes[0] = 4;
  config.sizes[1] = 24;
  config.n_sizes = 2;
  config.runs = 6;
  config.shared_order = shared_order;
  config.fuse_block = 3;
  config.train.epochs = 5;
  config.train.batch = 8;
  ensemble = lv_ensemble_new (ds, &config, &error);
  g_assert_no_error (error);
  lv_ensemble_start (ensemble, pool);
  return ensemble;
}

/* Tasks (blocks of runs, lv_ensemble_get_task) of @ensemble that have not ended. */
static guint
unfinished_tasks (LvEnsemble *ensemble, gboolean shared_order)
{
  g_autoptr(LvEnsembleSnapshot) snap = lv_ensemble_snapshot (ensemble);
  guint n = 0;

  (void) shared_order; /* both order modes train in blocks */
  for (guint t = 0; t < lv_ensemble_get_n_tasks (ensemble); t++)
    {
      guint first, count;
      gboolean open = FALSE;

      lv_ensemble_get_task (ensemble, t, &first, &count);
      for (guint k = first; k < first + count; k++)
        open = open || snap->runs[k].state == LV_RUN_PENDING ||
               snap->runs[k].state == LV_RUN_RUNNING;
      n += open;
    }
  return n;
}

/* Waits (at most 60 s) until every unfinished task is held by the pause. */
static void
wait_until_held (LvEnsemble *ensemble, gboolean shared_order)
{
  gint64 end = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  while (lv_ensemble_get_n_waiting (ensemble) != unfinished_tasks (ensemble, shared_order))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, end);
      g_usleep (500);
    }
}

/* An ensemble paused at arbitrary moments (mid-epoch, mid-run) ends with every run's history
 * and parameters equal to the bit to an ensemble that was never paused — one-network runs and
 * fused blocks alike. While paused, nothing is published. */
static void
check_ensemble_pause (gboolean shared_order)
{
  g_autoptr(LvDataset) ds = lv_test_blobs (4000, 150, 6, 0.8, 5);
  g_autoptr(LvWorkerPool) pool = lv_worker_pool_new (2);
  LvEnsemble *plain = start_ensemble (ds, shared_order, pool);
  LvEnsemble *paused;
  g_autoptr(LvEnsembleSnapshot) a = NULL, b = NULL;
  guint held = 0;

  lv_ensemble_wait (plain);
  paused = start_ensemble (ds, shared_order, pool);
  for (guint k = 0; k < 4; k++)
    {
      guint64 generation;

      g_usleep (2000 + 3000 * k);
      lv_ensemble_set_paused (paused, TRUE);
      if (lv_ensemble_is_done (paused))
        break;
      /* Running tasks wait at their next minibatch, queued ones park. */
      wait_until_held (paused, shared_order);
      held += unfinished_tasks (paused, shared_order) > 0;
      generation = lv_ensemble_get_generation (paused);
      g_usleep (20000);
      g_assert_cmpuint (lv_ensemble_get_generation (paused), ==, generation);
      lv_ensemble_set_paused (paused, FALSE);
    }
  lv_ensemble_set_paused (paused, FALSE);
  lv_ensemble_wait (paused);
  /* The pauses did hold unfinished work (the ensemble takes ~100 ms). */
  g_assert_cmpuint (held, >=, 1);
  a = lv_ensemble_snapshot (plain);
  b = lv_ensemble_snapshot (paused);
  g_assert_cmpuint (b->finished, ==, a->n_runs);
  for (guint i = 0; i < a->n_runs; i++)
    {
      LvMlpShape sa, sb;
      g_autofree float *pa = NULL, *pb = NULL;

      g_assert_cmpuint (b->runs[i].epochs_done, ==, 5);
      g_assert_cmpmem (a->runs[i].train_loss, 5 * sizeof (double), b->runs[i].train_loss,
                       5 * sizeof (double));
      g_assert_cmpmem (a->runs[i].test_loss, 5 * sizeof (double), b->runs[i].test_loss,
                       5 * sizeof (double));
      g_assert_true (lv_ensemble_copy_params (plain, i, &sa, &pa));
      g_assert_true (lv_ensemble_copy_params (paused, i, &sb, &pb));
      g_assert_cmpmem (pa, lv_mlp_n_params (&sa) * sizeof (float), pb,
                       lv_mlp_n_params (&sb) * sizeof (float));
    }
  lv_ensemble_free (plain);
  lv_ensemble_free (paused);
}

static void
test_ensemble_pause_runs (void)
{
  check_ensemble_pause (FALSE);
}

static void
test_ensemble_pause_fused (void)
{
  check_ensemble_pause (TRUE);
}

/* Freeing a paused ensemble does not hang: cancel wakes the waiting runs. */
static void
test_free_paused_ensemble (void)
{
  g_autoptr(LvDataset) ds = lv_test_blobs (600, 150, 6, 0.8, 5);
  g_autoptr(LvWorkerPool) pool = lv_worker_pool_new (2);
  LvEnsemble *ensemble = start_ensemble (ds, FALSE, pool);

  lv_ensemble_set_paused (ensemble, TRUE);
  wait_until_held (ensemble, FALSE);
  lv_ensemble_free (ensemble);
}

static void
count_task (gpointer data)
{
  g_atomic_int_inc ((gint *) data);
}

/* While an ensemble is paused, its parked workers lend the pool stand-in threads: other jobs on
 * the same pool (slices, curvature) still run. */
static void
test_pool_keeps_moving_while_paused (void)
{
  /* Large enough that the ensemble (trained in blocks) is still running after 3 ms. */
  g_autoptr(LvDataset) ds = lv_test_blobs (4000, 150, 6, 0.8, 5);
  g_autoptr(LvWorkerPool) pool = lv_worker_pool_new (2);
  LvEnsemble *ensemble = start_ensemble (ds, FALSE, pool);
  gint done = 0;
  gint64 end = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  g_usleep (3000);
  lv_ensemble_set_paused (ensemble, TRUE);
  wait_until_held (ensemble, FALSE);
  for (guint i = 0; i < 5; i++)
    lv_worker_pool_push (pool, count_task, &done);
  while (g_atomic_int_get (&done) < 5)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, end);
      g_usleep (1000);
    }
  g_assert_false (lv_ensemble_is_done (ensemble));
  lv_ensemble_set_paused (ensemble, FALSE);
  lv_ensemble_wait (ensemble);
  lv_ensemble_free (ensemble);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  lv_core_init ();
  g_test_add_func ("/pause/run-bit-identical", test_run_pause_resume_bit_identical);
  g_test_add_func ("/pause/cancel-wakes", test_cancel_wakes_paused_run);
  g_test_add_func ("/pause/ensemble-runs", test_ensemble_pause_runs);
  g_test_add_func ("/pause/ensemble-fused", test_ensemble_pause_fused);
  g_test_add_func ("/pause/free-paused", test_free_paused_ensemble);
  g_test_add_func ("/pause/pool-keeps-moving", test_pool_keeps_moving_while_paused);
  return g_test_run ();
}
