/* SPDX-License-Identifier: GPL-3.0-or-later */
/* LvJob: one background computation of the app (see lv-job.h, docs/DESIGN.md "Probes and
 * jobs"). */
#include "config.h"

#include "lv-job.h"

struct _LvJob
{
  GObject parent_instance;

  char *name;
  LvJobFunc func;
  gpointer data;
  GDestroyNotify data_free;

  GMutex lock;              /* guards data's result, fraction, idle_pending */
  LvPausable *pausable;     /* the probe's cancellable: cancels and pauses */
  double fraction;
  gboolean idle_pending;    /* one coalesced `updated` idle at most */
  gboolean running;
  gboolean finished;
  GError *error;
};

G_DEFINE_FINAL_TYPE (LvJob, lv_job, G_TYPE_OBJECT)

enum { SIGNAL_UPDATED, SIGNAL_FINISHED, N_SIGNALS };
static guint signals[N_SIGNALS];

/* Threads still running a probe, for lv_job_join_all() at shutdown. */
static GMutex running_lock;
static GCond running_cond;
static guint running_count;

/* The process's one worker pool (created on first use). */
static GMutex pool_lock;
static LvWorkerPool *shared_pool;

static void
lv_job_finalize (GObject *object)
{
  LvJob *self = LV_JOB (object);

  if (self->data_free != NULL && self->data != NULL)
    self->data_free (self->data);
  g_clear_object (&self->pausable);
  g_clear_error (&self->error);
  g_mutex_clear (&self->lock);
  g_free (self->name);
  G_OBJECT_CLASS (lv_job_parent_class)->finalize (object);
}

static void
lv_job_class_init (LvJobClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = lv_job_finalize;

  /**
   * LvJob::updated:
   *
   * The probe published new results (coalesced: at most one emission per turn of the main
   * loop, however often it published). Read them with lv_job_lock().
   */
  signals[SIGNAL_UPDATED] = g_signal_new ("updated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                          0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  /**
   * LvJob::finished:
   * @error: (nullable): why the probe failed (%G_IO_ERROR_CANCELLED when cancelled), or %NULL
   *
   * The probe returned; emitted once, after the last `updated`.
   */
  signals[SIGNAL_FINISHED] = g_signal_new ("finished", G_TYPE_FROM_CLASS (klass),
                                           G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE,
                                           1, G_TYPE_POINTER);
}

static void
lv_job_init (LvJob *self)
{
  g_mutex_init (&self->lock);
  self->pausable = lv_pausable_new ();
}

/**
 * lv_job_new:
 * @name: what the job computes (for messages and debugging)
 * @func: the probe call, run on the job's thread
 * @data: (transfer full): the probe's input and result, read under lv_job_lock()
 * @data_free: (nullable): frees @data with the job
 *
 * Returns: (transfer full): a job, not started
 */
LvJob *
lv_job_new (const char *name, LvJobFunc func, gpointer data, GDestroyNotify data_free)
{
  LvJob *self = g_object_new (LV_TYPE_JOB, NULL);

  self->name = g_strdup (name);
  self->func = func;
  self->data = data;
  self->data_free = data_free;
  return self;
}

static gboolean
updated_idle (gpointer user_data)
{
  LvJob *self = user_data;

  g_mutex_lock (&self->lock);
  self->idle_pending = FALSE;
  g_mutex_unlock (&self->lock);
  /* After `finished` (which carries its own last `updated`) a late idle stays silent. */
  if (!self->finished && !g_cancellable_is_cancelled (G_CANCELLABLE (self->pausable)))
    g_signal_emit (self, signals[SIGNAL_UPDATED], 0);
  return G_SOURCE_REMOVE;
}

/* Probe thread: schedules one `updated` unless one is pending already. */
static void
on_probe_progress (gpointer user_data, double fraction)
{
  LvJob *self = user_data;
  gboolean schedule;

  g_mutex_lock (&self->lock);
  if (fraction >= 0)
    self->fraction = fraction;
  schedule = !self->idle_pending;
  self->idle_pending = TRUE;
  g_mutex_unlock (&self->lock);
  if (schedule)
    g_idle_add_full (G_PRIORITY_LOW, updated_idle, g_object_ref (self), g_object_unref);
}

static void
job_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  LvJob *self = source;
  LvProbeContext context = { cancellable, &self->lock, on_probe_progress, self };
  GError *error = NULL;

  if (self->func (&context, self->data, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error != NULL ? error
                         : g_error_new (G_IO_ERROR, G_IO_ERROR_FAILED, "%s failed", self->name));
  g_mutex_lock (&running_lock);
  running_count--;
  g_cond_broadcast (&running_cond);
  g_mutex_unlock (&running_lock);
}

/* Main thread, after the thread returned. The task's callback runs at default priority, so an
 * `updated` idle may still be pending: the final `updated` is emitted here and that idle then
 * stays silent, keeping the order updated … updated, finished. */
static void
job_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  LvJob *self = LV_JOB (source);
  GError *error = NULL;

  g_task_propagate_boolean (G_TASK (result), &error);
  g_mutex_lock (&self->lock);
  self->running = FALSE;
  self->finished = TRUE;
  self->error = error;
  if (error == NULL)
    self->fraction = 1.0;
  g_mutex_unlock (&self->lock);
  if (!g_cancellable_is_cancelled (G_CANCELLABLE (self->pausable)))
    g_signal_emit (self, signals[SIGNAL_UPDATED], 0);
  g_signal_emit (self, signals[SIGNAL_FINISHED], 0, error);
}

/**
 * lv_job_start:
 * @self: a job not started yet
 *
 * Runs the probe in a GTask thread. `updated` and `finished` are emitted on the thread-default
 * main context of the caller (the main thread).
 */
void
lv_job_start (LvJob *self)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (LV_IS_JOB (self));
  g_return_if_fail (!self->running && !self->finished);
  self->running = TRUE;
  task = g_task_new (self, G_CANCELLABLE (self->pausable), job_done, NULL);
  g_task_set_name (task, self->name);
  g_task_set_return_on_cancel (task, FALSE);
  g_mutex_lock (&running_lock);
  running_count++;
  g_mutex_unlock (&running_lock);
  g_task_run_in_thread (task, job_thread);
}

/**
 * lv_job_cancel:
 * @self: a job
 *
 * Asks the probe to stop (it does at its next check) and stops `updated` emissions. Never
 * waits. `finished` is still emitted (with %G_IO_ERROR_CANCELLED) unless the caller
 * disconnects.
 */
void
lv_job_cancel (LvJob *self)
{
  g_return_if_fail (LV_IS_JOB (self));
  g_cancellable_cancel (G_CANCELLABLE (self->pausable));
}

/**
 * lv_job_abandon:
 * @job: (inout) (nullable): the caller's reference to a job, or a pointer to %NULL
 * @listener: the instance whose signal handlers on the job are disconnected
 *
 * The one way a view drops a job: cancels it, disconnects @listener's handlers so no signal
 * reaches it any more, and drops the reference (clearing @job). Never waits: the probe stops at
 * its next check and the job frees its data when its thread has returned.
 */
void
lv_job_abandon (LvJob **job, gpointer listener)
{
  if (*job == NULL)
    return;
  lv_job_cancel (*job);
  g_signal_handlers_disconnect_by_data (*job, listener);
  g_clear_object (job);
}

/**
 * lv_job_set_paused:
 * @self: a job
 * @paused: whether the probe waits at its next check
 *
 * Pauses or resumes the probe where it stands (lv_probe_context_should_stop() waits).
 */
void
lv_job_set_paused (LvJob *self, gboolean paused)
{
  g_return_if_fail (LV_IS_JOB (self));
  lv_pausable_set_paused (self->pausable, paused);
}

gboolean
lv_job_get_paused (LvJob *self)
{
  g_return_val_if_fail (LV_IS_JOB (self), FALSE);
  return lv_pausable_get_paused (self->pausable);
}

/**
 * lv_job_lock:
 * @self: a job
 *
 * Takes the lock under which the probe publishes.
 *
 * Returns: (transfer none): the job's data, consistent until lv_job_unlock()
 */
gpointer
lv_job_lock (LvJob *self)
{
  g_mutex_lock (&self->lock);
  return self->data;
}

void
lv_job_unlock (LvJob *self)
{
  g_mutex_unlock (&self->lock);
}

/* Returns: (transfer none): the data without locking (before start or after `finished`). */
gpointer
lv_job_get_data (LvJob *self)
{
  return self->data;
}

const char *
lv_job_get_name (LvJob *self)
{
  return self->name;
}

gboolean
lv_job_is_running (LvJob *self)
{
  return self->running;
}

gboolean
lv_job_is_finished (LvJob *self)
{
  return self->finished;
}

/* Returns: the last fraction the probe reported (1 once it succeeded). */
double
lv_job_get_fraction (LvJob *self)
{
  double fraction;

  g_mutex_lock (&self->lock);
  fraction = self->fraction;
  g_mutex_unlock (&self->lock);
  return fraction;
}

/* Returns: (nullable): why the finished probe failed. */
const GError *
lv_job_get_error (LvJob *self)
{
  return self->error;
}

GCancellable *
lv_job_get_cancellable (LvJob *self)
{
  return G_CANCELLABLE (self->pausable);
}

/* Returns: probe threads still running (abandoned ones included). */
guint
lv_job_count_running (void)
{
  guint n;

  g_mutex_lock (&running_lock);
  n = running_count;
  g_mutex_unlock (&running_lock);
  return n;
}

/**
 * lv_job_join_all:
 *
 * Waits until every job's thread has returned: the app's one way to join at shutdown, after
 * cancelling its jobs (a cancelled probe returns at its next check).
 */
void
lv_job_join_all (void)
{
  g_mutex_lock (&running_lock);
  while (running_count > 0)
    g_cond_wait (&running_cond, &running_lock);
  g_mutex_unlock (&running_lock);
}

/**
 * lv_job_get_worker_pool:
 *
 * Returns: (transfer none): the process's one worker pool (one thread per core, niced so the
 *   UI stays ahead), created on first use
 */
LvWorkerPool *
lv_job_get_worker_pool (void)
{
  g_mutex_lock (&pool_lock);
  if (shared_pool == NULL)
    {
      shared_pool = lv_worker_pool_new (0);
      lv_worker_pool_set_nice (shared_pool, 10);
    }
  g_mutex_unlock (&pool_lock);
  return shared_pool;
}

/* Frees the shared pool after lv_job_join_all() (waits for its queued tasks). */
void
lv_job_free_worker_pool (void)
{
  g_mutex_lock (&pool_lock);
  g_clear_pointer (&shared_pool, lv_worker_pool_free);
  g_mutex_unlock (&pool_lock);
}
