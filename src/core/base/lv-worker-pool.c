/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-core"

#include "config.h"

#include <sys/resource.h>

#include <lossviz/lv-error.h>
#include <lossviz/lv-memory-budget.h>
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

/* Address space a thread reserves: its stack (RLIMIT_STACK, glibc's default size) plus the
 * 64 MiB malloc arena glibc maps for a thread that allocates. */
static double
bytes_per_thread (void)
{
  struct rlimit limit;
  double stack = 8.0 * 1024 * 1024;

  if (getrlimit (RLIMIT_STACK, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY)
    stack = (double) limit.rlim_cur;
  return stack + 64.0 * 1024 * 1024;
}

LvWorkerPool *
lv_worker_pool_try_new (guint n_threads, GError **error)
{
  g_autofree LvWorkerPool *pool = g_new0 (LvWorkerPool, 1);
  g_autoptr(GError) local = NULL;

  lv_core_init ();
  if (n_threads == 0)
    n_threads = MAX (1, g_get_num_processors ());
  if (n_threads > LV_WORKER_POOL_MAX_THREADS)
    {
      g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT, "%u worker threads: at most %d",
                   n_threads, LV_WORKER_POOL_MAX_THREADS);
      return NULL;
    }
  {
    g_autofree char *what = g_strdup_printf ("%u worker threads", n_threads);
    if (!lv_memory_check (what, n_threads * bytes_per_thread (), error))
      return NULL;
  }
  pool->n_threads = n_threads;
  /* Exclusive threads: exactly n_threads workers, created now and kept for the pool's life.
   * GLib returns a pool with fewer threads when one cannot start; that is an error here. */
  pool->threads = g_thread_pool_new (run_task, pool, (gint) n_threads, TRUE, &local);
  if (local != NULL)
    {
      if (pool->threads != NULL)
        g_thread_pool_free (pool->threads, TRUE, TRUE);
      g_set_error (error, LV_ERROR, LV_ERROR_FAILED, "cannot start %u worker threads: %s",
                   n_threads, local->message);
      return NULL;
    }
  return g_steal_pointer (&pool);
}

LvWorkerPool *
lv_worker_pool_new (guint n_threads)
{
  /* Callers without an error path get as many threads as can start, at least one. */
  for (;;)
    {
      g_autoptr(GError) error = NULL;
      LvWorkerPool *pool = lv_worker_pool_try_new (MIN (n_threads, LV_WORKER_POOL_MAX_THREADS),
                                                   &error);

      if (pool != NULL)
        return pool;
      if (n_threads <= 1)
        g_error ("%s", error->message);
      n_threads = n_threads == 0 ? MAX (1, g_get_num_processors ()) / 2 : n_threads / 2;
    }
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
