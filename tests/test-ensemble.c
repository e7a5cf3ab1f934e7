/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <string.h>

#include <lossviz/lossviz.h>

#include "lv-test-data.h"

static LvEnsembleSnapshot *
run_ensemble (LvDataset *ds, const LvEnsembleConfig *config, guint threads, LvEnsemble **out)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LvWorkerPool) pool = lv_worker_pool_new (threads);
  LvEnsemble *ensemble = lv_ensemble_new (ds, config, &error);
  LvEnsembleSnapshot *snap;

  g_assert_no_error (error);
  lv_ensemble_start (ensemble, pool);
  lv_ensemble_wait (ensemble);
  snap = lv_ensemble_snapshot (ensemble);
  if (out != NULL)
    *out = ensemble;
  else
    lv_ensemble_free (ensemble);
  return snap;
}

/* Per-run seeds make every run independent of scheduling: 1 and 2 threads agree to the bit. */
static void
test_thread_count_invariance (void)
{
  g_autoptr(LvDataset) ds = lv_test_blobs (300, 100, 6, 1.0, 2);
  LvEnsembleConfig config;
  LvEnsemble *e1, *e2;
  g_autoptr(LvEnsembleSnapshot) s1 = NULL, s2 = NULL;

  lv_test_small_ensemble_config (&config);
  s1 = run_ensemble (ds, &config, 1, &e1);
  s2 = run_ensemble (ds, &config, 2, &e2);
  g_assert_cmpuint (s1->n_runs, ==, 10);
  g_assert_cmpuint (s1->finished, ==, 10);
  for (guint i = 0; i < s1->n_runs; i++)
    {
      LvMlpShape sh1, sh2;
      g_autofree float *p1 = NULL, *p2 = NULL;

      g_assert_cmpuint (s1->runs[i].seed, ==, s2->runs[i].seed);
      g_assert_cmpuint (s1->runs[i].seed, ==,
                        lv_seed_mix (config.seed, s1->runs[i].hidden, s1->runs[i].run) &
                          ((G_GUINT64_CONSTANT (1) << 53) - 1));
      g_assert_cmpmem (s1->runs[i].test_loss, 3 * sizeof (double), s2->runs[i].test_loss,
                       3 * sizeof (double));
      g_assert_true (lv_ensemble_copy_params (e1, i, &sh1, &p1));
      g_assert_true (lv_ensemble_copy_params (e2, i, &sh2, &p2));
      g_assert_cmpmem (p1, lv_mlp_n_params (&sh1) * sizeof (float), p2,
                       lv_mlp_n_params (&sh2) * sizeof (float));
    }
  lv_ensemble_free (e1);
  lv_ensemble_free (e2);
}

/* A run alone (its own ensemble with one size and the same seed) reproduces the same numbers. */
static void
test_run_reproducible_alone (void)
{
  g_autoptr(LvDataset) ds = lv_test_blobs (300, 100, 6, 1.0, 2);
  LvEnsembleConfig config, alone;
  g_autoptr(LvEnsembleSnapshot) all = NULL, one = NULL;

  lv_test_small_ensemble_config (&config);
  all = run_ensemble (ds, &config, 2, NULL);
  alone = config;
  alone.sizes[0] = 12;
  alone.n_sizes = 1;
  one = run_ensemble (ds, &alone, 1, NULL);
  for (guint r = 0; r < config.runs; r++)
    g_assert_cmpfloat (lv_run_record_final_test_loss (&one->runs[r]), ==,
                       lv_run_record_final_test_loss (&all->runs[config.runs + r]));
}

/* Snapshots taken while training are consistent; cancel ends promptly with no hang. */
static void
test_snapshot_and_cancel (void)
{
  g_autoptr(LvDataset) ds = lv_test_blobs (2000, 200, 16, 1.0, 2);
  g_autoptr(LvWorkerPool) pool = lv_worker_pool_new (2);
  g_autoptr(GError) error = NULL;
  g_autoptr(LvEnsemble) ensemble = NULL;
  LvEnsembleConfig config;
  guint64 last_generation = 0;
  gint64 t0;

  lv_test_small_ensemble_config (&config);
  config.sizes[0] = 64;
  config.n_sizes = 1;
  config.runs = 40;
  config.train.epochs = 200;
  ensemble = lv_ensemble_new (ds, &config, &error);
  g_assert_no_error (error);
  lv_ensemble_start (ensemble, pool);
  for (guint k = 0; k < 20; k++)
    {
      g_autoptr(LvEnsembleSnapshot) snap = lv_ensemble_snapshot (ensemble);
      g_assert_cmpuint (snap->n_runs, ==, 40);
      g_assert_cmpuint (snap->generation, >=, last_generation);
      last_generation = snap->generation;
      for (guint i = 0; i < snap->n_runs; i++)
        g_assert_cmpuint (snap->runs[i].epochs_done, <=, 200);
      g_usleep (5000);
    }
  t0 = g_get_monotonic_time ();
  lv_ensemble_cancel (ensemble);
  lv_ensemble_wait (ensemble);
  g_test_message ("cancel joined in %.3f s", (g_get_monotonic_time () - t0) / 1e6);
  {
    g_autoptr(LvEnsembleSnapshot) snap = lv_ensemble_snapshot (ensemble);
    g_assert_true (lv_ensemble_is_done (ensemble));
    g_assert_cmpuint (snap->cancelled, >, 0);
    g_assert_cmpuint (snap->finished + snap->cancelled + snap->diverged, ==, 40);
  }
}

/* Diverged runs are counted, report NAN, and leave the finished runs' statistics intact. */
static void
test_divergence_does_not_poison (void)
{
  g_autoptr(LvDataset) ds = lv_test_blobs (200, 100, 4, 1.0, 2);
  LvEnsembleConfig config;
  g_autoptr(LvEnsembleSnapshot) snap = NULL;
  g_autofree double *losses = NULL;
  LvSummary s;

  lv_test_small_ensemble_config (&config);
  config.activation = LV_ACTIVATION_LINEAR;
  config.loss = LV_LOSS_MSE;
  config.depth = 3;
  config.train.lr = 50;
  config.train.epochs = 20;
  snap = run_ensemble (ds, &config, 2, NULL);
  g_assert_cmpuint (snap->diverged, >, 0);
  losses = g_new (double, snap->n_runs);
  for (guint i = 0; i < snap->n_runs; i++)
    {
      losses[i] = lv_run_record_final_test_loss (&snap->runs[i]);
      if (snap->runs[i].state == LV_RUN_DIVERGED)
        g_assert_true (isnan (losses[i]));
    }
  lv_summary_compute (losses, snap->n_runs, &s);
  g_assert_cmpuint (s.count, ==, snap->finished);
}

static void
test_validation (void)
{
  g_autoptr(LvDataset) ds = lv_test_blobs (20, 0, 4, 1.0, 2);
  g_autoptr(LvDataset) one_class = NULL;
  LvEnsembleConfig config;
  g_autoptr(GError) error = NULL;
  guint32 zeros[4] = { 0 };
  float x[8] = { 0 };

  lv_test_small_ensemble_config (&config);
  config.sizes[0] = 0;
  g_assert_null (lv_ensemble_new (ds, &config, &error));
  g_assert_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT);
  g_clear_error (&error);

  /* 10^5 runs of a width-10^5 net: refused up front with the memory it would take. */
  lv_test_small_ensemble_config (&config);
  config.sizes[0] = 100000;
  config.runs = 100000;
  g_assert_null (lv_ensemble_new (ds, &config, &error));
  g_assert_nonnull (strstr (error->message, "GiB"));
  g_clear_error (&error);

  one_class = lv_dataset_new_from_arrays ("one", 2, 1, 4, x, zeros, NULL, 0, NULL, NULL, NULL);
  lv_test_small_ensemble_config (&config);
  g_assert_null (lv_ensemble_new (one_class, &config, &error));
  g_assert_nonnull (strstr (error->message, "single-class"));
}

/* Holds the pool's only worker until released, so the queue fills in a known order. */
typedef struct
{
  GMutex lock;
  GCond cond;
  gboolean released;
} Blocker;

static void
block_worker (gpointer data)
{
  Blocker *b = data;

  g_mutex_lock (&b->lock);
  while (!b->released)
    g_cond_wait (&b->cond, &b->lock);
  g_mutex_unlock (&b->lock);
}

/* Sizes started interleaved advance together: on one worker the queue is A0 B0 A1 B1 …, so
 * when size A has all 4 runs done, size B has at least 3 (started one after the other, B
 * would have none). */
static void
test_interleaved_start (void)
{
  g_autoptr(LvDataset) ds = lv_test_blobs (300, 100, 6, 1.0, 2);
  g_autoptr(LvWorkerPool) pool = lv_worker_pool_new (1);
  LvEnsemble *pair[2];
  LvEnsembleConfig config;
  Blocker blocker = { .released = FALSE };
  g_autoptr(LvEnsembleSnapshot) b = NULL;

  g_mutex_init (&blocker.lock);
  g_cond_init (&blocker.cond);
  lv_ensemble_config_init (&config);
  config.n_sizes = 1;
  config.runs = 4;
  config.train.epochs = 2;
  config.sizes[0] = 3;
  config.fuse_block = 1; /* one run per task, so the queue order is visible run by run */
  pair[0] = lv_ensemble_new (ds, &config, NULL);
  config.sizes[0] = 9;
  pair[1] = lv_ensemble_new (ds, &config, NULL);
  lv_worker_pool_push (pool, block_worker, &blocker);
  lv_ensemble_start_interleaved (pair, 2, pool);
  g_mutex_lock (&blocker.lock);
  blocker.released = TRUE;
  g_cond_signal (&blocker.cond);
  g_mutex_unlock (&blocker.lock);
  lv_ensemble_wait (pair[0]);
  b = lv_ensemble_snapshot (pair[1]);
  g_assert_cmpuint (b->finished, >=, 3);
  lv_ensemble_free (pair[0]);
  lv_ensemble_free (pair[1]);
  g_mutex_clear (&blocker.lock);
  g_cond_clear (&blocker.cond);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  lv_core_init ();
  g_test_add_func ("/lossviz/ensemble/thread-count-invariance", test_thread_count_invariance);
  g_test_add_func ("/lossviz/ensemble/run-reproducible-alone", test_run_reproducible_alone);
  g_test_add_func ("/lossviz/ensemble/snapshot-and-cancel", test_snapshot_and_cancel);
  g_test_add_func ("/lossviz/ensemble/divergence-does-not-poison", test_divergence_does_not_poison);
  g_test_add_func ("/lossviz/ensemble/validation", test_validation);
  g_test_add_func ("/lossviz/ensemble/interleaved-start", test_interleaved_start);
  return g_test_run ();
}
