/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The group probe (lv_ensemble_group_probe_run): several ensembles as one job train exactly
 * what each trains alone, a pause holds them at once, one ensemble can be dropped while the
 * others finish, and cancelling the job ends them all. */
#include "config.h"

#include <lossviz/lossviz.h>
#include <lossviz/lv-ensemble-group-probe.h>

#include "lv-test-data.h"

static void
one_size (LvEnsembleConfig *config, guint hidden, guint runs, guint epochs)
{
  lv_ensemble_config_init (config);
  config->sizes[0] = hidden;
  config->n_sizes = 1;
  config->runs = runs;
  config->train.epochs = epochs;
  config->train.reg.lambda = 1e-3;
}

static void
assert_same_runs (LvEnsemble *a, LvEnsemble *b, guint epochs)
{
  g_autoptr(LvEnsembleSnapshot) sa = lv_ensemble_snapshot (a);
  g_autoptr(LvEnsembleSnapshot) sb = lv_ensemble_snapshot (b);

  g_assert_cmpuint (sa->n_runs, ==, sb->n_runs);
  for (guint i = 0; i < sa->n_runs; i++)
    {
      LvMlpShape sha, shb;
      g_autofree float *pa = NULL, *pb = NULL;

      g_assert_cmpint (sa->runs[i].state, ==, LV_RUN_FINISHED);
      g_assert_cmpint (sb->runs[i].state, ==, LV_RUN_FINISHED);
      g_assert_cmpmem (sa->runs[i].test_loss, epochs * sizeof (double), sb->runs[i].test_loss,
                       epochs * sizeof (double));
      g_assert_true (lv_ensemble_copy_params (a, i, &sha, &pa));
      g_assert_true (lv_ensemble_copy_params (b, i, &shb, &pb));
      g_assert_cmpmem (pa, lv_mlp_n_params (&sha) * sizeof (float), pb,
                       lv_mlp_n_params (&shb) * sizeof (float));
    }
}

typedef struct
{
  LvEnsembleGroupProbeInput input;
  LvEnsembleGroupProbeResult result;
  LvProbeContext context;
  GMutex lock;
  gboolean ok;
  GError *error;
} Job;

static gpointer
job_thread (gpointer data)
{
  Job *job = data;

  job->ok = lv_ensemble_group_probe_run (&job->input, &job->result, &job->context, &job->error);
  return NULL;
}

static GThread *
job_start (Job *job, LvEnsemble **ensembles, guint n, LvWorkerQueue *queue, GCancellable *c,
           guint poll_ms)
{
  g_mutex_init (&job->lock);
  job->input = (LvEnsembleGroupProbeInput) { ensembles, n, queue, poll_ms };
  job->context = (LvProbeContext) { c, &job->lock, NULL, NULL };
  return g_thread_new ("group-probe", job_thread, job);
}

static void
job_clear (Job *job)
{
  lv_ensemble_group_probe_result_clear (&job->result);
  g_clear_error (&job->error);
  g_mutex_clear (&job->lock);
}

/* Two sizes as one job: the same runs, to the bit, as each ensemble started and waited for by
 * hand; the published snapshots end complete and a take empties the slot. */
static void
test_group_matches_direct (void)
{
  g_autoptr(LvDataset) ds = lv_test_blobs (300, 100, 6, 1.0, 2);
  g_autoptr(LvWorkerPool) pool = lv_worker_pool_new (2);
  g_autoptr(LvWorkerQueue) queue = lv_worker_queue_new (pool);
  LvEnsemble *grouped[2], *direct[2];
  static const guint sizes[] = { 3, 12 };
  Job job = { 0 };

  for (guint k = 0; k < 2; k++)
    {
      LvEnsembleConfig config;

      one_size (&config, sizes[k], 5, 3);
      grouped[k] = lv_ensemble_new (ds, &config, NULL);
      direct[k] = lv_ensemble_new (ds, &config, NULL);
      lv_ensemble_start (direct[k], pool);
    }
  g_thread_join (job_start (&job, grouped, 2, queue, NULL, 5));
  g_assert_no_error (job.error);
  g_assert_true (job.ok);
  g_assert_cmpuint (job.result.runs_total, ==, 10);
  g_assert_cmpuint (job.result.runs_ended, ==, 10);
  for (guint k = 0; k < 2; k++)
    {
      g_autoptr(LvEnsembleSnapshot) taken = lv_ensemble_group_probe_take (&job.result, k);

      g_assert_nonnull (taken);
      g_assert_cmpuint (taken->finished, ==, 5);
      g_assert_null (lv_ensemble_group_probe_take (&job.result, k));
      lv_ensemble_wait (direct[k]);
      assert_same_runs (grouped[k], direct[k], 3);
      lv_ensemble_free (grouped[k]);
      lv_ensemble_free (direct[k]);
    }
  job_clear (&job);
}

static guint64
generations (LvEnsemble **ensembles, guint n)
{
  guint64 sum = 0;

  for (guint k = 0; k < n; k++)
    sum += lv_ensemble_get_generation (ensembles[k]);
  return sum;
}

/* Pausing the job's LvPausable holds every ensemble at once: the probe looks only once a
 * second here, so only the ::pause-changed handler can have stopped them. After the resume
 * the runs equal an unpaused training's. */
static void
test_group_pause_is_immediate (void)
{
  g_autoptr(LvDataset) ds = lv_test_blobs (4000, 150, 6, 0.8, 5);
  g_autoptr(LvWorkerPool) pool = lv_worker_pool_new (2);
  g_autoptr(LvWorkerQueue) queue = lv_worker_queue_new (pool);
  g_autoptr(LvPausable) pausable = lv_pausable_new ();
  LvEnsemble *grouped[2], *plain[2];
  Job job = { 0 };
  GThread *thread;
  gint64 end = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  guint64 held;

  for (guint k = 0; k < 2; k++)
    {
      LvEnsembleConfig config;

      one_size (&config, 20 + 10 * k, 4, 8);
      config.fuse_block = 1;
      grouped[k] = lv_ensemble_new (ds, &config, NULL);
      plain[k] = lv_ensemble_new (ds, &config, NULL);
    }
  thread = job_start (&job, grouped, 2, queue, G_CANCELLABLE (pausable), 1000);
  while (generations (grouped, 2) < 3)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, end);
      g_usleep (200);
    }
  lv_pausable_set_paused (pausable, TRUE);
  /* Runs in a minibatch finish it, then wait at the gate. */
  g_usleep (100000);
  held = generations (grouped, 2);
  g_usleep (300000);
  g_assert_cmpuint (generations (grouped, 2), ==, held);
  g_assert_false (lv_ensemble_is_done (grouped[0]) && lv_ensemble_is_done (grouped[1]));
  lv_pausable_set_paused (pausable, FALSE);
  g_thread_join (thread);
  g_assert_true (job.ok);
  for (guint k = 0; k < 2; k++)
    {
      lv_ensemble_start (plain[k], pool);
      lv_ensemble_wait (plain[k]);
      assert_same_runs (grouped[k], plain[k], 8);
      lv_ensemble_free (grouped[k]);
      lv_ensemble_free (plain[k]);
    }
  job_clear (&job);
}

/* One ensemble dropped (cancelled on its own) while the other trains: the job still ends
 * normally, the other ensemble complete. Cancelling the job ends every ensemble with a
 * cancelled error. */
static void
test_group_drop_and_cancel (void)
{
  g_autoptr(LvDataset) ds = lv_test_blobs (2000, 150, 6, 0.8, 5);
  g_autoptr(LvWorkerPool) pool = lv_worker_pool_new (2);
  g_autoptr(LvWorkerQueue) queue = lv_worker_queue_new (pool);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  LvEnsemble *ensembles[2], *again[2];
  g_autoptr(LvEnsembleSnapshot) kept = NULL;
  Job job = { 0 }, cancelled = { 0 };
  GThread *thread;

  for (guint k = 0; k < 2; k++)
    {
      LvEnsembleConfig config;

      one_size (&config, 16, 6, 4);
      ensembles[k] = lv_ensemble_new (ds, &config, NULL);
      again[k] = lv_ensemble_new (ds, &config, NULL);
    }
  thread = job_start (&job, ensembles, 2, queue, NULL, 5);
  lv_ensemble_cancel (ensembles[0]);
  g_thread_join (thread);
  g_assert_true (job.ok);
  kept = lv_ensemble_snapshot (ensembles[1]);
  g_assert_cmpuint (kept->finished, ==, 6);

  thread = job_start (&cancelled, again, 2, queue, cancellable, 5);
  g_cancellable_cancel (cancellable);
  g_thread_join (thread);
  g_assert_false (cancelled.ok);
  g_assert_error (cancelled.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  for (guint k = 0; k < 2; k++)
    {
      g_assert_true (lv_ensemble_is_done (again[k]));
      lv_ensemble_free (ensembles[k]);
      lv_ensemble_free (again[k]);
    }
  job_clear (&job);
  job_clear (&cancelled);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/ensemble-group-probe/matches-direct", test_group_matches_direct);
  g_test_add_func ("/ensemble-group-probe/pause-is-immediate", test_group_pause_is_immediate);
  g_test_add_func ("/ensemble-group-probe/drop-and-cancel", test_group_drop_and_cancel);
  return g_test_run ();
}
