/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * LvWorkerPool:
 *
 * A fixed set of worker threads (one per core by default) shared by every job of the process:
 * ensembles, slices, spin-glass runs. Work arrives through queues (#LvWorkerQueue, one per
 * submitter: an ensemble, a fork–join group, …); each queue is FIFO and a free worker serves
 * the queues in turn, so a short job pushed behind a long training backlog starts at once
 * instead of after it (see lv-worker-pool.c). A task checks its own cancellation. Workers never
 * touch GTK.
 */
typedef struct _LvWorkerPool LvWorkerPool;

/**
 * LvWorkerQueue:
 *
 * One submitter's FIFO of tasks on a pool (reference-counted). Its tasks run in the order they
 * were pushed; the pool serves the queues that have work round-robin. Release it with
 * lv_worker_queue_unref() (it may outlive its pool only if nothing is pushed any more).
 */
typedef struct _LvWorkerQueue LvWorkerQueue;

typedef void (*LvTaskFunc) (gpointer task_data);

/* Most worker threads a pool accepts (the CLI's --threads limit). */
#define LV_WORKER_POOL_MAX_THREADS 256

/* n_threads 0 means one per online core. Starts as many threads as it can, halving the count
 * until they start (at least one). */
LvWorkerPool *lv_worker_pool_new (guint n_threads);
/* Exactly @n_threads (0: one per core) or an error: more than LV_WORKER_POOL_MAX_THREADS or
 * their stacks beyond the memory budget (%LV_ERROR_INVALID_INPUT, "needs about X GB"), or a
 * thread that cannot start (%LV_ERROR_FAILED). */
LvWorkerPool *lv_worker_pool_try_new (guint n_threads, GError **error);
guint         lv_worker_pool_get_n_threads (LvWorkerPool *pool);
/* Pushes on the pool's default queue (shared by every caller without a queue of its own). */
void          lv_worker_pool_push (LvWorkerPool *pool, LvTaskFunc func, gpointer task_data);
/* A worker about to wait at a pause (TRUE) or going on (FALSE): see lv-worker-pool.c. */
void          lv_worker_pool_lend (LvWorkerPool *pool, gboolean parked);
/* Scheduling niceness of the workers (0 … 19), for an app whose UI thread must stay ahead. */
void          lv_worker_pool_set_nice (LvWorkerPool *pool, int nice);
/* Waits for every queued and running task, then frees the pool. */
void          lv_worker_pool_free (LvWorkerPool *pool);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (LvWorkerPool, lv_worker_pool_free)

LvWorkerQueue *lv_worker_queue_new      (LvWorkerPool  *pool);
LvWorkerQueue *lv_worker_queue_ref      (LvWorkerQueue *queue);
void           lv_worker_queue_unref    (LvWorkerQueue *queue);
void           lv_worker_queue_push     (LvWorkerQueue *queue,
                                         LvTaskFunc     func,
                                         gpointer       task_data);
LvWorkerPool  *lv_worker_queue_get_pool (LvWorkerQueue *queue);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (LvWorkerQueue, lv_worker_queue_unref)

G_END_DECLS
