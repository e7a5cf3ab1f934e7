/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-core"

#include "config.h"

#include <lossviz/lv-error.h>
#include <lossviz/lv-worker-pool.h>

struct _LvWorkerPool
{
  GThreadPool *threads;
  guint n_threads;
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

void
lv_worker_pool_free (LvWorkerPool *pool)
{
  if (pool == NULL)
    return;
  /* immediate = FALSE, wait = TRUE: queued tasks still run (they see their cancellation). */
  g_thread_pool_free (pool->threads, FALSE, TRUE);
  g_free (pool);
}
