/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-core"

#include "config.h"

#include <lossviz/lv-error.h>
#include <lossviz/lv-worker-pool.h>

struct _LvWorkerPool
{
  GThreadPool *threads;
  guint n_threads;
  GMutex lock;     /* guards n_lent */
  guint n_lent;    /* workers parked at a pause: each gets a stand-in thread */
};

typedef struct
{
  LvTaskFunc func;
  gpointer data;
} Task;

static void
run_task (gpointer item, gpointer user_data)
{
  Task *task = item;

  task->func (task->data);
  g_free (task);
}

LvWorkerPool *
lv_worker_pool_new (guint n_threads)
{
  LvWorkerPool *pool = g_new0 (LvWorkerPool, 1);

  lv_core_init ();
  if (n_threads == 0)
    n_threads = MAX (1, g_get_num_processors ());
  pool->n_threads = n_threads;
  g_mutex_init (&pool->lock);
  /* Exclusive threads: exactly n_threads workers, created now and kept for the pool's life. */
  pool->threads = g_thread_pool_new (run_task, pool, (gint) n_threads, TRUE, NULL);
  return pool;
}

guint
lv_worker_pool_get_n_threads (LvWorkerPool *pool)
{
  return pool->n_threads;
}

void
lv_worker_pool_push (LvWorkerPool *pool, LvTaskFunc func, gpointer task_data)
{
  Task *task = g_new (Task, 1);

  task->func = func;
  task->data = task_data;
  g_thread_pool_push (pool->threads, task, NULL);
}

/**
 * lv_worker_pool_lend:
 * @pool: the pool
 * @parked: %TRUE when the calling worker is about to wait for a long time (a paused training
 *   run), %FALSE when it goes on working
 *
 * A worker parked at a pause would otherwise keep its thread from every other job (slices,
 * curvature): while it is parked the pool may run one thread more, so the queue keeps moving.
 * When it goes on, the limit drops back and the extra thread leaves after its current task.
 */
void
lv_worker_pool_lend (LvWorkerPool *pool, gboolean parked)
{
  g_mutex_lock (&pool->lock);
  if (parked)
    pool->n_lent++;
  else if (pool->n_lent > 0)
    pool->n_lent--;
  g_thread_pool_set_max_threads (pool->threads, (gint) (pool->n_threads + pool->n_lent), NULL);
  g_mutex_unlock (&pool->lock);
}

void
lv_worker_pool_free (LvWorkerPool *pool)
{
  if (pool == NULL)
    return;
  /* immediate = FALSE, wait = TRUE: queued tasks still run (they see their cancellation). */
  g_thread_pool_free (pool->threads, FALSE, TRUE);
  g_mutex_clear (&pool->lock);
  g_free (pool);
}
