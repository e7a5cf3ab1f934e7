/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * LvWorkerPool:
 *
 * A fixed set of worker threads (one per core by default) shared by every job of the process:
 * ensembles, slices, spin-glass runs. Tasks run in submission order; a task checks its own
 * cancellation. Workers never touch GTK.
 */
typedef struct _LvWorkerPool LvWorkerPool;

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
void          lv_worker_pool_push (LvWorkerPool *pool, LvTaskFunc func, gpointer task_data);
/* A worker about to wait at a pause (TRUE) or going on (FALSE): see lv-worker-pool.c. */
void          lv_worker_pool_lend (LvWorkerPool *pool, gboolean parked);
/* Scheduling niceness of the workers (0 … 19), for an app whose UI thread must stay ahead. */
void          lv_worker_pool_set_nice (LvWorkerPool *pool, int nice);
/* Waits for every queued and running task, then frees the pool. */
void          lv_worker_pool_free (LvWorkerPool *pool);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (LvWorkerPool, lv_worker_pool_free)

G_END_DECLS
