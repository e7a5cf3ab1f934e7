/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The worker pool's queues: a job pushed behind a long backlog starts promptly, nothing starves,
 * and the results of an ensemble do not depend on what shares the pool. The order checks run
 * on one worker held at a gate while the queues fill, so they compare orders, never times. */
#include "config.h"

#include <string.h>

#include <lossviz/lossviz.h>

#include "lv-test-data.h"

/* What the tasks ran, in order: one letter per task. */
typedef struct
{
  GMutex lock;
  GString *order;
} Log;

typedef struct
{
  Log *log;
  char letter;
} Mark;

static void
mark_task (gpointer data)
{
  Mark *mark = data;

  g_mutex_lock (&mark->log->lock);
  g_string_append_c (mark->log->order, mark->letter);
  g_mutex_unlock (&mark->log->lock);
}

/* Holds the pool's only worker until released, so the queues fill while nothing runs. */
typedef struct
{
  GMutex lock;
  GCond cond;
  gboolean started;
  gboolean released;
} Gate;

static void
gate_task (gpointer data)
{
  Gate *gate = data;

  g_mutex_lock (&gate->lock);
  gate->started = TRUE;
  g_cond_broadcast (&gate->cond);
  while (!gate->released)
    g_cond_wait (&gate->cond, &gate->lock);
  g_mutex_unlock (&gate->lock);
}

static void
gate_close (Gate *gate, LvWorkerPool *pool)
{
  g_mutex_init (&gate->lock);
  g_cond_init (&gate->cond);
  gate->started = gate->released = FALSE;
  lv_worker_pool_push (pool, gate_task, gate);
  g_mutex_lock (&gate->lock);
  while (!gate->started)
    g_cond_wait (&gate->cond, &gate->lock);
  g_mutex_unlock (&gate->lock);
}

static void
gate_open (Gate *gate)
{
  g_mutex_lock (&gate->lock);
  gate->released = TRUE;
  g_cond_broadcast (&gate->cond);
  g_mutex_unlock (&gate->lock);
}

static void
push_marks (LvWorkerQueue *queue, Mark *mark, guint n)
{
  for (guint i = 0; i < n; i++)
    lv_worker_queue_push (queue, mark_task, mark);
}

/* Round-robin over the queues in the order they were filled, skipping the empty ones: the
 * order the pool promises, written out independently of its bookkeeping. */
static char *
round_robin (const char *letters, const guint *counts, guint n)
{
  GString *out = g_string_new (NULL);
  g_autofree guint *left = g_memdup2 (counts, n * sizeof (guint));
  gboolean any = TRUE;

  while (any)
    {
      any = FALSE;
      for (guint k = 0; k < n; k++)
        if (left[k] > 0)
          {
            g_string_append_c (out, letters[k]);
            left[k]--;
            any = TRUE;
          }
    }
  return g_string_free (out, FALSE);
}

/* A backlog of 200 tasks from one submitter, then one task from another: the late task runs
 * second (the backlog's head was first in line), not after the 200; the backlog still
 * completes, in its own order. */
static void
test_late_task_runs_before_backlog (void)
{
  LvWorkerPool *pool = lv_worker_pool_new (1);
  g_autoptr(LvWorkerQueue) training = lv_worker_queue_new (pool);
  g_autoptr(LvWorkerQueue) landscape = lv_worker_queue_new (pool);
  Log log = { .order = g_string_new (NULL) };
  Mark a = { &log, 'A' }, b = { &log, 'B' };
  Gate gate;
  const char *late;

  g_mutex_init (&log.lock);
  gate_close (&gate, pool);
  push_marks (training, &a, 200);
  push_marks (landscape, &b, 1);
  gate_open (&gate);
  lv_worker_pool_free (pool); /* waits for every task */

  g_assert_cmpuint (log.order->len, ==, 201);
  late = strchr (log.order->str, 'B');
  g_assert_nonnull (late);
  g_assert_cmpint (late - log.order->str, ==, 1);
  g_assert_cmpuint (strspn (log.order->str + 2, "A"), ==, 199);
  g_string_free (log.order, TRUE);
  g_mutex_clear (&log.lock);
}

/* Three submitters take turns, in the order they became busy; the default queue
 * (lv_worker_pool_push) is one of them. */
static void
test_queues_take_turns (void)
{
  LvWorkerPool *pool = lv_worker_pool_new (1);
  g_autoptr(LvWorkerQueue) qa = lv_worker_queue_new (pool);
  g_autoptr(LvWorkerQueue) qb = lv_worker_queue_new (pool);
  Log log = { .order = g_string_new (NULL) };
  Mark a = { &log, 'A' }, b = { &log, 'B' }, c = { &log, 'C' };
  const guint counts[] = { 10, 10, 3 };
  g_autofree char *expected = round_robin ("ABC", counts, 3);
  Gate gate;

  g_mutex_init (&log.lock);
  gate_close (&gate, pool);
  push_marks (qa, &a, counts[0]);
  push_marks (qb, &b, counts[1]);
  for (guint i = 0; i < counts[2]; i++)
    lv_worker_pool_push (pool, mark_task, &c);
  gate_open (&gate);
  lv_worker_pool_free (pool);

  g_assert_cmpstr (log.order->str, ==, expected);
  g_string_free (log.order, TRUE);
  g_mutex_clear (&log.lock);
}

/* A submitter that empties its queue and refills it from each of its tasks (a newcomer every
 * time) cannot overtake one that waits: the two alternate until the waiting backlog is done. */
typedef struct
{
  Mark mark;
  LvWorkerQueue *queue;
  guint left;
} Refill;

static void
refill_task (gpointer data)
{
  Refill *refill = data;

  mark_task (&refill->mark);
  if (--refill->left > 0)
    lv_worker_queue_push (refill->queue, refill_task, refill);
}

static void
wait_for_length (Log *log, guint length)
{
  gint64 end = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  for (;;)
    {
      gsize now;

      g_mutex_lock (&log->lock);
      now = log->order->len;
      g_mutex_unlock (&log->lock);
      if (now >= length)
        return;
      g_assert_cmpint (g_get_monotonic_time (), <, end);
      g_usleep (1000);
    }
}

static void
test_refilling_submitter_does_not_starve_others (void)
{
  LvWorkerPool *pool = lv_worker_pool_new (1);
  g_autoptr(LvWorkerQueue) backlog = lv_worker_queue_new (pool);
  g_autoptr(LvWorkerQueue) eager = lv_worker_queue_new (pool);
  Log log = { .order = g_string_new (NULL) };
  Mark a = { &log, 'A' };
  Refill refill = { { &log, 'B' }, eager, 30 };
  const guint counts[] = { 10, 30 };
  g_autofree char *expected = round_robin ("AB", counts, 2);
  Gate gate;

  g_mutex_init (&log.lock);
  gate_close (&gate, pool);
  push_marks (backlog, &a, counts[0]);
  lv_worker_queue_push (eager, refill_task, &refill);
  gate_open (&gate);
  /* Tasks may not push while the pool is being freed: wait for the last refill first. */
  wait_for_length (&log, counts[0] + counts[1]);
  lv_worker_pool_free (pool);

  g_assert_cmpstr (log.order->str, ==, expected);
  g_string_free (log.order, TRUE);
  g_mutex_clear (&log.lock);
}

/* Many threads pushing on many queues of a 4-thread pool: every task runs exactly once. */
typedef struct
{
  LvWorkerPool *pool;
  gint *ran;
} Pusher;

static void
count_task (gpointer data)
{
  g_atomic_int_inc ((gint *) data);
}

static gpointer
pusher_thread (gpointer data)
{
  Pusher *pusher = data;

  for (guint round = 0; round < 20; round++)
    {
      g_autoptr(LvWorkerQueue) queue = lv_worker_queue_new (pusher->pool);

      for (guint i = 0; i < 50; i++)
        lv_worker_queue_push (queue, count_task, pusher->ran);
      lv_worker_pool_push (pusher->pool, count_task, pusher->ran);
    }
  return NULL;
}

static void
test_concurrent_pushes_all_run (void)
{
  LvWorkerPool *pool = lv_worker_pool_new (4);
  gint ran = 0;
  Pusher pusher = { pool, &ran };
  GThread *threads[4];

  for (guint t = 0; t < G_N_ELEMENTS (threads); t++)
    threads[t] = g_thread_new ("pusher", pusher_thread, &pusher);
  for (guint t = 0; t < G_N_ELEMENTS (threads); t++)
    g_thread_join (threads[t]);
  lv_worker_pool_free (pool);
  g_assert_cmpint (ran, ==, 4 * 20 * 51);
}

/* An ensemble's whole backlog is queued at its start; a task pushed afterwards (a Landscape
 * job's first item) runs when the ensemble has only its first block done, and the
 * ensemble's results equal those of the same ensemble trained alone on two workers. */
typedef struct
{
  LvEnsemble *ensemble;
  guint ended_before;
  gboolean ran;
} Probe;

static void
probe_task (gpointer data)
{
  Probe *probe = data;
  g_autoptr(LvEnsembleSnapshot) snap = lv_ensemble_snapshot (probe->ensemble);

  probe->ended_before = snap->finished + snap->diverged;
  probe->ran = TRUE;
}

static void
test_ensemble_backlog_yields (void)
{
  g_autoptr(LvDataset) ds = lv_test_blobs (400, 100, 6, 1.0, 3);
  g_autoptr(LvWorkerPool) one = lv_worker_pool_new (1);
  g_autoptr(LvWorkerPool) two = lv_worker_pool_new (2);
  g_autoptr(GError) error = NULL;
  LvEnsembleConfig config;
  g_autoptr(LvEnsemble) shared = NULL, alone = NULL;
  g_autoptr(LvEnsembleSnapshot) s1 = NULL, s2 = NULL;
  Probe probe = { 0 };
  Gate gate;

  lv_ensemble_config_init (&config);
  config.sizes[0] = 8;
  config.n_sizes = 1;
  config.runs = 12;
  config.fuse_block = 1; /* one task per run: a backlog of 12 */
  config.train.epochs = 4;
  shared = lv_ensemble_new (ds, &config, &error);
  g_assert_no_error (error);
  alone = lv_ensemble_new (ds, &config, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (lv_ensemble_get_n_tasks (shared), ==, 12);

  /* The worker is held while the backlog and the late task queue up: no timing involved. */
  gate_close (&gate, one);
  lv_ensemble_start (shared, one);
  probe.ensemble = shared;
  lv_worker_pool_push (one, probe_task, &probe);
  gate_open (&gate);
  lv_ensemble_wait (shared);
  lv_ensemble_start (alone, two);
  lv_ensemble_wait (alone);

  /* The probe ran second, after the backlog's first block only (one worker: it had ended). */
  g_assert_true (probe.ran);
  g_assert_cmpuint (probe.ended_before, ==, 1);
  s1 = lv_ensemble_snapshot (shared);
  s2 = lv_ensemble_snapshot (alone);
  g_assert_cmpuint (s1->finished, ==, 12);
  for (guint i = 0; i < s1->n_runs; i++)
    {
      LvMlpShape sh1, sh2;
      g_autofree float *p1 = NULL, *p2 = NULL;

      g_assert_cmpmem (s1->runs[i].train_loss, 4 * sizeof (double), s2->runs[i].train_loss,
                       4 * sizeof (double));
      g_assert_true (lv_ensemble_copy_params (shared, i, &sh1, &p1));
      g_assert_true (lv_ensemble_copy_params (alone, i, &sh2, &p2));
      g_assert_cmpmem (p1, lv_mlp_n_params (&sh1) * sizeof (float), p2,
                       lv_mlp_n_params (&sh2) * sizeof (float));
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/worker-pool/late-task-runs-before-backlog",
                   test_late_task_runs_before_backlog);
  g_test_add_func ("/worker-pool/queues-take-turns", test_queues_take_turns);
  g_test_add_func ("/worker-pool/refilling-submitter-does-not-starve-others",
                   test_refilling_submitter_does_not_starve_others);
  g_test_add_func ("/worker-pool/concurrent-pushes-all-run", test_concurrent_pushes_all_run);
  g_test_add_func ("/worker-pool/ensemble-backlog-yields", test_ensemble_backlog_yields);
  return g_test_run ();
}
