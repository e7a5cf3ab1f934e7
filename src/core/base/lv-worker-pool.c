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

/*
 * Scheduling. GThreadPool keeps the threads (their count, the stand-ins of
 * lv_worker_pool_lend(), the join at free) but its own queue holds only tokens: one per task
 * pushed, each telling a free worker "take the next task". Which task is next is decided here,
 * under `lock`, across the queues (one per submitter) that have work:
 *
 *   - every queue is FIFO, and a worker takes the queue served longest ago (`last`, the pick
 *     count when it was last served; ties go to the queue that became busy first);
 *   - a queue that becomes busy counts as served just before the latest pick, so it goes before
 *     the queue served at that pick but after every queue already waiting.
 *
 * So a short job pushed behind an ensemble's hundreds of queued blocks starts on the next free
 * worker (not after the backlog), k busy queues each get every k-th pick, and a queue waits at
 * most k − 1 picks: nothing starves, even a submitter that keeps emptying and refilling its
 * queue cannot jump ahead of one that waits. Only the start order changes: the tasks
 * themselves, and so every result, are the same whatever the thread count.
 */
typedef struct
{
  LvTaskFunc func;
  gpointer data;
} Task;

struct _LvWorkerQueue
{
  LvWorkerPool *pool;
  gint ref_count;   /* atomic */
  GQueue tasks;     /* Task*, under pool->lock */
  gint64 last;      /* pick count when last served (see above), under pool->lock */
  guint64 arrival;  /* when it last became busy, for ties, under pool->lock */
};

struct _LvWorkerPool
{
  GThreadPool *threads;      /* runs one token per queued task */
  guint n_threads;
  GMutex lock;               /* guards n_lent, busy, picks, arrivals and the queues' tasks */
  guint n_lent;              /* workers parked at a pause: each gets a stand-in thread */
  gint nice;                 /* lv_worker_pool_set_nice(), read by every task */
  LvWorkerQueue *fallback;   /* the queue of lv_worker_pool_push() */
  GPtrArray *busy;           /* LvWorkerQueue* with tasks, each holding a reference */
  gint64 picks;
  guint64 arrivals;
};

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

/* The busy queue served longest ago (see "Scheduling" above); called under pool->lock. */
static LvWorkerQueue *
next_queue (LvWorkerPool *pool)
{
  LvWorkerQueue *best = NULL;

  for (guint i = 0; i < pool->busy->len; i++)
    {
      LvWorkerQueue *queue = g_ptr_array_index (pool->busy, i);

      if (best == NULL || queue->last < best->last ||
          (queue->last == best->last && queue->arrival < best->arrival))
        best = queue;
    }
  return best;
}

/* A token: takes the next task of the fairest queue and runs it. */
static void
run_token (gpointer token, gpointer user_data)
{
  LvWorkerPool *pool = user_data;
  LvWorkerQueue *queue, *emptied = NULL;
  Task *task;

  g_mutex_lock (&pool->lock);
  queue = next_queue (pool);
  task = g_queue_pop_head (&queue->tasks);
  queue->last = ++pool->picks;
  if (g_queue_is_empty (&queue->tasks))
    {
      g_ptr_array_remove (pool->busy, queue);
      emptied = queue;
    }
  g_mutex_unlock (&pool->lock);
  g_clear_pointer (&emptied, lv_worker_queue_unref);

  apply_nice (pool);
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
  pool->threads = g_thread_pool_new (run_token, pool, (gint) n_threads, TRUE, &local);
  if (local != NULL)
    {
      if (pool->threads != NULL)
        g_thread_pool_free (pool->threads, TRUE, TRUE);
      g_set_error (error, LV_ERROR, LV_ERROR_FAILED, "cannot start %u worker threads: %s",
                   n_threads, local->message);
      return NULL;
    }
  g_mutex_init (&pool->lock);
  pool->busy = g_ptr_array_new ();
  pool->fallback = lv_worker_queue_new (pool);
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
  lv_worker_queue_push (pool->fallback, func, task_data);
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
  g_assert (pool->busy->len == 0);
  g_ptr_array_unref (pool->busy);
  lv_worker_queue_unref (pool->fallback);
  g_mutex_clear (&pool->lock);
  g_free (pool);
}

/**
 * lv_worker_queue_new:
 * @pool: the pool whose workers run the queue's tasks
 *
 * A submitter of its own: its tasks run in order, taking turns with the other queues'.
 *
 * Returns: (transfer full): a new empty queue
 */
LvWorkerQueue *
lv_worker_queue_new (LvWorkerPool *pool)
{
  LvWorkerQueue *queue = g_new0 (LvWorkerQueue, 1);

  queue->pool = pool;
  queue->ref_count = 1;
  g_queue_init (&queue->tasks);
  return queue;
}

LvWorkerQueue *
lv_worker_queue_ref (LvWorkerQueue *queue)
{
  g_atomic_int_inc (&queue->ref_count);
  return queue;
}

/* The pool holds a reference while the queue has tasks, so the last unref finds it empty. */
void
lv_worker_queue_unref (LvWorkerQueue *queue)
{
  if (queue != NULL && g_atomic_int_dec_and_test (&queue->ref_count))
    {
      g_assert (g_queue_is_empty (&queue->tasks));
      g_free (queue);
    }
}

LvWorkerPool *
lv_worker_queue_get_pool (LvWorkerQueue *queue)
{
  return queue->pool;
}

/**
 * lv_worker_queue_push:
 * @queue: a queue
 * @func: the task
 * @task_data: its argument
 *
 * Queues @func (@task_data) behind the queue's earlier tasks; it starts when a worker is free
 * and the queue's turn comes (see "Scheduling" in lv-worker-pool.c).
 */
void
lv_worker_queue_push (LvWorkerQueue *queue, LvTaskFunc func, gpointer task_data)
{
  LvWorkerPool *pool = queue->pool;
  Task *task = g_new (Task, 1);

  task->func = func;
  task->data = task_data;
  g_mutex_lock (&pool->lock);
  if (g_queue_is_empty (&queue->tasks))
    {
      /* Becomes busy: counts as served just before the latest pick. */
      queue->last = pool->picks - 1;
      queue->arrival = ++pool->arrivals;
      g_ptr_array_add (pool->busy, lv_worker_queue_ref (queue));
    }
  g_queue_push_tail (&queue->tasks, task);
  g_mutex_unlock (&pool->lock);
  /* One token per task: GThreadPool only counts them and wakes a worker. */
  g_thread_pool_push (pool->threads, pool, NULL);
}
