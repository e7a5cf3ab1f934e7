/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <lossviz/lv-worker-pool.h>

G_BEGIN_DECLS

/*
 * A fork–join group over the shared worker pool: push tasks, then wait until all of them have
 * run. Used by slices and Hessians. Waiting from a task of the same pool could deadlock, so
 * callers run on their own thread (the CLI's main thread, a GTask thread in the app). A group
 * is one submitter (its own LvWorkerQueue): its tasks take turns with other jobs' instead of
 * waiting behind them.
 */
typedef struct
{
  LvWorkerPool *pool;
  LvWorkerQueue *queue;
  GMutex lock;
  GCond cond;
  guint pending;
} LvTaskGroup;

void lv_task_group_init (LvTaskGroup *group, LvWorkerPool *pool);
/* Runs func (data) on the pool, or at once on this thread when the pool is NULL. */
void lv_task_group_push (LvTaskGroup *group, LvTaskFunc func, gpointer data);
/* Waits for every pushed task, then releases the group's resources. */
void lv_task_group_join (LvTaskGroup *group);

G_END_DECLS
