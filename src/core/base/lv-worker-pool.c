/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-core"

#include "config.h"

#include <sys/resource.h>

#include <lossviz/lv-error.h>
#include <lossviz/lv-memory-budget.h>
#include <lossviz/lv-worker-pool.h>

#ifdef __linux__
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

struct _LvWorkerPool
{
  GThreadPool *threads;
  guint n_threads;
  GMutex lock;     /* guards n_lent */
  guint n_lent;    /* workers parked at a pause: each gets a stand-in thread */
  gint nice;       /* lv_worker_pool_set_nice(), read by every task */
};

typedef struct
{
  LvTaskFunc func;
  gpointer data;
} Task;

/* Gives the calling worker thread the pool's nice value, once per change (Linux: per thread). */
static void
apply_nice (LvWorkerPool *pool)
{
#ifdef __linux__
  static __thread gint applied = 0;
  gint wanted = g_atomic_int_get (&pool->nice);

  if (wanted != applied)
    {
      setpriority (PRIO_PROCESS, (id_t) syscall (SYS_gettid), wanted);
      applied = wanted;
    }
#endif
}

static void
run_task (gpointer item, gpointer user_data)
{
  Task *task = item;

  apply_nice (user_data);
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
  g_mutex_init (&pool->lock);
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

/**
 * lv_worker_pool_set_nice:
 * @pool: the pool
 * @nice: 0 (the default) … 19: the scheduling niceness of the workers (Linux, per thread)
 *
 * The app runs its workers at a positive niceness so the main thread, which draws every frame,
 * gets the CPU first when training fills every core; the CLI keeps 0. Each worker applies a
 * change before its next task (an unprivileged process can raise niceness, not lower it).
 */
void
lv_worker_pool_set_nice (LvWorkerPool *pool, int nice)
{
  g_atomic_int_set (&pool->nice, CLAMP (nice, 0, 19));
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
