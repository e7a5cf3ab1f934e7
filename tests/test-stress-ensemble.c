/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-test"

#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include <lossviz/lossviz.h>

/*
 * Concurrency stress (issue 9, item 5): for a bounded time (LOSSVIZ_STRESS_SECONDS, default 6)
 * the main thread creates, starts, cancels, snapshots, waits for and frees ensembles of random
 * small configurations while the pool's workers train them. A watchdog thread aborts the test if
 * no operation completes for 60 s (a deadlock). Checked: every snapshot is consistent with its
 * configuration, generations never go back, every worker thread is gone at the end, and (under
 * the ASan build) nothing leaks. Finally one ensemble trained amid the chaos must equal the same
 * configuration trained alone, bit for bit.
 */

#define N_SLOTS 8
#define WATCHDOG_SECONDS 60

typedef struct
{
  LvEnsemble *ensemble;
  LvEnsembleConfig config;
  gboolean started;
  guint64 generation;
} Slot;

enum { OP_CREATE, OP_START, OP_CANCEL, OP_SNAPSHOT, OP_FREE, OP_POLL, OP_WAIT, OP_POOL, N_OPS };
static const char *const op_names[N_OPS] = {
  "create", "start", "cancel", "snapshot", "free", "poll", "wait", "private-pool"
};

static gint64 t_start;
static gint last_progress_ms;  /* atomic: ms after t_start of the last completed operation */
static gint watchdog_stop;

static gpointer
watchdog (gpointer data)
{
  while (!g_atomic_int_get (&watchdog_stop))
    {
      gint64 now_ms = (g_get_monotonic_time () - t_start) / 1000;

      if (now_ms - g_atomic_int_get (&last_progress_ms) > WATCHDOG_SECONDS * 1000)
        {
          fprintf (stderr, "stress: no operation finished for %d s: deadlock\n",
                   WATCHDOG_SECONDS);
          abort ();
        }
      g_usleep (100 * 1000);
    }
  return NULL;
}

static void
progress (void)
{
  g_atomic_int_set (&last_progress_ms, (gint) ((g_get_monotonic_time () - t_start) / 1000));
}

static guint
count_threads (void)
{
  g_autoptr(GDir) dir = g_dir_open ("/proc/self/task", 0, NULL);
  guint n = 0;

  g_assert_nonnull (dir);
  while (g_dir_read_name (dir) != NULL)
    n++;
  return n;
}

static void
random_config (GRand *rand, LvEnsembleConfig *config)
{
  lv_ensemble_config_init (config);
  config->n_sizes = g_rand_int_range (rand, 1, 4);
  for (guint s = 0; s < config->n_sizes; s++)
    config->sizes[s] = g_rand_int_range (rand, 1, 7);
  config->runs = g_rand_int_range (rand, 1, 5);
  config->depth = g_rand_int_range (rand, 1, 3);
  config->activation = g_rand_int_range (rand, 0, 4);
  config->loss = g_rand_int_range (rand, 0, 3);
  config->bias = g_rand_boolean (rand);
  config->seed = g_rand_int (rand);
  config->shared_order = g_rand_boolean (rand);
  config->train.epochs = g_rand_int_range (rand, 1, 5);
  config->train.batch = g_rand_int_range (rand, 1, 17);
  config->train.lr = g_rand_double_range (rand, 0.001, 0.3);
  config->train.momentum = g_rand_double_range (rand, 0, 0.9);
  config->train.reg.lambda = g_rand_boolean (rand) ? g_rand_double_range (rand, 0, 0.01) : 0;
  config->train.reg.degree = g_rand_double_range (rand, 1, 4);
}

/* A snapshot against its configuration: identity, ordering, counts, histories. */
static void
check_snapshot (const LvEnsembleSnapshot *snap, const LvEnsembleConfig *config,
                gboolean must_be_done)
{
  guint finished = 0, diverged = 0, cancelled = 0;

  g_assert_cmpuint (snap->n_runs, ==, config->n_sizes * config->runs);
  for (guint i = 0; i < snap->n_runs; i++)
    {
      const LvRunRecord *r = &snap->runs[i];
      guint hidden = config->sizes[i / config->runs];

      g_assert_cmpuint (r->hidden, ==, hidden);
      g_assert_cmpuint (r->run, ==, i % config->runs);
      g_assert_cmpuint (r->seed, ==, lv_ensemble_run_seed (config->seed, hidden, r->run));
      g_assert_cmpint (r->state, >=, LV_RUN_PENDING);
      g_assert_cmpint (r->state, <=, LV_RUN_CANCELLED);
      g_assert_cmpuint (r->epochs_done, <=, config->train.epochs);
      if (r->state == LV_RUN_FINISHED)
        g_assert_cmpuint (r->epochs_done, ==, config->train.epochs);
      if (r->state == LV_RUN_PENDING)
        g_assert_cmpuint (r->epochs_done, ==, 0);
      /* What was published is finite: divergence stops a run before it publishes. */
      for (guint e = 0; e < r->epochs_done; e++)
        g_assert_true (isfinite (r->train_loss[e]));
      if (must_be_done)
        g_assert_true (r->state == LV_RUN_FINISHED || r->state == LV_RUN_DIVERGED);
      finished += r->state == LV_RUN_FINISHED;
      diverged += r->state == LV_RUN_DIVERGED;
      cancelled += r->state == LV_RUN_CANCELLED;
    }
  g_assert_cmpuint (snap->finished, ==, finished);
  g_assert_cmpuint (snap->diverged, ==, diverged);
  g_assert_cmpuint (snap->cancelled, ==, cancelled);
}

static LvEnsembleSnapshot *
train_alone (LvDataset *ds, const LvEnsembleConfig *config, guint threads)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LvWorkerPool) pool = lv_worker_pool_new (threads);
  g_autoptr(LvEnsemble) ensemble = lv_ensemble_new (ds, config, &error);

  g_assert_no_error (error);
  lv_ensemble_start (ensemble, pool);
  lv_ensemble_wait (ensemble);
  return lv_ensemble_snapshot (ensemble);
}

static void
test_stress (void)
{
  const char *env = g_getenv ("LOSSVIZ_STRESS_SECONDS");
  double seconds = env != NULL ? g_ascii_strtod (env, NULL) : 6.0;
  g_autoptr(GRand) rand = g_rand_new_with_seed (20240917);
  g_autoptr(GError) error = NULL;
  g_autoptr(LvDataset) ds = NULL;
  LvDatasetOptions opts;
  LvWorkerPool *pool;
  Slot slots[N_SLOTS] = { 0 };
  guint ops[N_OPS] = { 0 };
  guint total = 0, baseline_threads;
  gint64 end;
  GThread *dog;
  LvEnsembleConfig final_config;
  g_autoptr(LvEnsembleSnapshot) chaos = NULL;
  g_autoptr(LvEnsembleSnapshot) alone = NULL;
  LvEnsemble *final = NULL;

  seconds = CLAMP (seconds, 0.5, 15.0);
  lv_dataset_options_init (&opts);
  opts.test_fraction = 0.2;
  ds = lv_dataset_load ("random:48:5:3", &opts, &error);
  g_assert_no_error (error);

  /* GLib starts helper threads with the first pool; count threads after one came and went. */
  lv_worker_pool_free (lv_worker_pool_new (1));
  baseline_threads = count_threads ();

  t_start = g_get_monotonic_time ();
  progress ();
  dog = g_thread_new ("watchdog", watchdog, NULL);
  pool = lv_worker_pool_new (2);
  end = g_get_monotonic_time () + (gint64) (seconds * G_USEC_PER_SEC);

  /* The ensemble checked at the end is started early, so it trains amid all the rest. */
  random_config (rand, &final_config);
  final_config.runs = 3;
  final = lv_ensemble_new (ds, &final_config, &error);
  g_assert_no_error (error);
  lv_ensemble_start (final, pool);

  while (g_get_monotonic_time () < end)
    {
      Slot *slot = &slots[g_rand_int_range (rand, 0, N_SLOTS)];
      guint op = g_rand_int_range (rand, 0, N_OPS);

      if (slot->ensemble == NULL)
        op = OP_CREATE;
      else if (op == OP_CREATE)
        op = OP_SNAPSHOT;
      /* Blocking waits and throwaway pools are rarer: they serialise the run. */
      if ((op == OP_WAIT || op == OP_POOL) && g_rand_int_range (rand, 0, 8) != 0)
        op = OP_POLL;

      switch (op)
        {
        case OP_CREATE:
          random_config (rand, &slot->config);
          slot->ensemble = lv_ensemble_new (ds, &slot->config, &error);
          g_assert_no_error (error);
          slot->started = FALSE;
          slot->generation = 0;
          break;
        case OP_START:
          if (!slot->started)
            lv_ensemble_start (slot->ensemble, pool);
          slot->started = TRUE;
          break;
        case OP_CANCEL:
          lv_ensemble_cancel (slot->ensemble);
          break;
        case OP_SNAPSHOT:
          {
            g_autoptr(LvEnsembleSnapshot) snap = lv_ensemble_snapshot (slot->ensemble);
            check_snapshot (snap, &slot->config, FALSE);
            g_assert_cmpuint (snap->generation, >=, slot->generation);
            slot->generation = snap->generation;
          }
          break;
        case OP_FREE:
          /* Running or not: free cancels and waits. */
          g_clear_pointer (&slot->ensemble, lv_ensemble_free);
          break;
        case OP_POLL:
          {
            guint64 generation = lv_ensemble_get_generation (slot->ensemble);
            guint index = g_rand_int_range (rand, 0, slot->config.n_sizes * slot->config.runs);
            LvMlpShape shape;
            float *params = NULL;

            g_assert_cmpuint (generation, >=, slot->generation);
            slot->generation = generation;
            if (!slot->started)
              g_assert_false (lv_ensemble_is_done (slot->ensemble));
            if (lv_ensemble_copy_params (slot->ensemble, index, &shape, &params))
              {
                for (gsize i = 0; i < lv_mlp_n_params (&shape); i++)
                  g_assert_true (isfinite (params[i]));
                g_free (params);
              }
          }
          break;
        case OP_WAIT:
          if (slot->started)
            {
              g_autoptr(LvEnsembleSnapshot) snap = NULL;

              lv_ensemble_wait (slot->ensemble);
              g_assert_true (lv_ensemble_is_done (slot->ensemble));
              snap = lv_ensemble_snapshot (slot->ensemble);
              check_snapshot (snap, &slot->config, FALSE);
              g_assert_cmpuint (snap->finished + snap->diverged + snap->cancelled, ==,
                                snap->n_runs);
            }
          break;
        case OP_POOL:
          /* An ensemble on a pool of its own, freed right away (the pool drains first). */
          if (!slot->started)
            {
              LvWorkerPool *own = lv_worker_pool_new (g_rand_int_range (rand, 1, 3));
              lv_ensemble_start (slot->ensemble, own);
              slot->started = TRUE;
              if (g_rand_boolean (rand))
                lv_ensemble_cancel (slot->ensemble);
              lv_worker_pool_free (own);
              g_assert_true (lv_ensemble_is_done (slot->ensemble));
            }
          break;
        default:
          g_assert_not_reached ();
        }
      ops[op]++;
      total++;
      progress ();
    }

  for (guint i = 0; i < N_SLOTS; i++)
    g_clear_pointer (&slots[i].ensemble, lv_ensemble_free);
  lv_ensemble_wait (final);
  chaos = lv_ensemble_snapshot (final);
  lv_ensemble_free (final);
  lv_worker_pool_free (pool);
  g_atomic_int_set (&watchdog_stop, 1);
  g_thread_join (dog);

  {
    g_autoptr(GString) line = g_string_new (NULL);
    for (guint i = 0; i < N_OPS; i++)
      g_string_append_printf (line, " %s %u", op_names[i], ops[i]);
    g_test_message ("%u operations in %.1f s:%s", total, seconds, line->str);
  }
  /* Thousands of operations, not a handful: the point is to interleave. */
  g_assert_cmpuint (total, >=, 1000);

  /* The final configuration: consistent, complete, and equal to the same training alone. */
  check_snapshot (chaos, &final_config, TRUE);
  alone = train_alone (ds, &final_config, 1);
  check_snapshot (alone, &final_config, TRUE);
  for (guint i = 0; i < chaos->n_runs; i++)
    {
      g_assert_cmpint (chaos->runs[i].state, ==, alone->runs[i].state);
      g_assert_cmpuint (chaos->runs[i].epochs_done, ==, alone->runs[i].epochs_done);
      for (guint e = 0; e < chaos->runs[i].epochs_done; e++)
        g_assert_cmpmem (&chaos->runs[i].train_loss[e], sizeof (double),
                         &alone->runs[i].train_loss[e], sizeof (double));
    }

  /* Every worker thread ends once its pool is freed (GLib lets them exit asynchronously). */
  for (guint tries = 0; count_threads () > baseline_threads && tries < 200; tries++)
    g_usleep (50 * 1000);
  g_assert_cmpuint (count_threads (), ==, baseline_threads);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  lv_core_init ();
  g_test_add_func ("/lossviz/stress/ensemble", test_stress);
  return g_test_run ();
}
