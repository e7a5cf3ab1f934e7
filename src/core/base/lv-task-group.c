/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-core"

#include "config.h"

#include "lv-task-group-private.h"

typedef struct
{
  LvTaskGroup *group;
  LvTaskFunc func;
  gpointer data;
} GroupTask;

void
lv_task_group_init (LvTaskGroup *group, LvWorkerPool *pool)
{
  group->pool = pool;
  group->queue = pool != NULL ? lv_worker_queue_new (pool) : NULL;
  group->pending = 0;
  g_mutex_init (&group->lock);
  g_cond_init (&group->cond);
}

static void
run_group_task (gpointer data)
{
  GroupTask *task = data;
  LvTaskGroup *group = task->group;

  task->func (task->data);
  g_free (task);
  g_mutex_lock (&group->lock);
  if (--group->pending == 0)
    g_cond_signal (&group->cond);
  g_mutex_unlock (&group->lock);
}

void
lv_task_group_push (LvTaskGroup *group, LvTaskFunc func, gpointer data)
{
  GroupTask *task;

  if (group->pool == NULL)
    {
      func (data);
      return;
    }
  task = g_new (GroupTask, 1);
  task->group = group;
  task->func = func;
  task->data = data;
  g_mutex_lock (&group->lock);
  group->pending++;
  g_mutex_unlock (&group->lock);
  lv_worker_queue_push (group->queue, run_group_task, task);
}

void
lv_task_group_join (LvTaskGroup *group)
{
  g_mutex_lock (&group->lock);
  while (group->pending > 0)
    g_cond_wait (&group->cond, &group->lock);
  g_mutex_unlock (&group->lock);
  g_clear_pointer (&group->queue, lv_worker_queue_unref);
  g_mutex_clear (&group->lock);
  g_cond_clear (&group->cond);
}
