/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-app"

#include "config.h"

#include "lv-index-job.h"

#include <math.h>
#include <string.h>

#include <gio/gio.h>

/*
 * Throttling: the pool runs tasks in submission order, so queueing the whole survey at once
 * would put a slice the user asks for behind every Lanczos run. The job keeps only as many
 * tasks queued as the pool has threads; each finished task queues the next, and pausing
 * (while the page computes its selected run) stops the refill, so new work waits for at
 * most the tasks already running.
 *
 * Lifetimes: the view holds one reference until it abandons the job, every queued pool task
 * one, every pending idle one. Pool tasks need neither the pool nor the experiment (the pool
 * outlives its tasks: freeing it waits for them), only the dataset, which the job references.
 */

#define INDEX_TOLERANCE 1e-6
#define INDEX_EXTREMES 3

struct _LvIndexJob
{
  gint ref_count;
  GMutex lock;
  GCancellable *cancellable;
  LvWorkerPool *pool;
  LvDataset *dataset;
  guint64 base_seed;

  /* inputs per run, immutable once started */
  LvMlpShape *shapes;
  float **params;

  /* main thread only */
  LvIndexJobNotify notify;
  gpointer notify_data;

  /* published, under @lock */
  GArray *points;                 /* LvIndexPoint */
  guint next;                     /* next run to queue */
  guint in_flight;                /* queued or running tasks */
  guint max_in_flight;
  gboolean paused;
  guint n_done;
  guint n_skipped;
  gboolean idle_pending;
};

typedef struct
{
  LvIndexJob *job;
  guint index;
} Task;

static LvIndexJob *
job_ref (LvIndexJob *job)
{
  g_atomic_int_inc (&job->ref_count);
  return job;
}

static void
job_unref (gpointer data)
{
  LvIndexJob *job = data;

  if (!g_atomic_int_dec_and_test (&job->ref_count))
    return;
  for (guint i = 0; i < job->points->len; i++)
    g_free (job->params[i]);
  g_free (job->params);
  g_free (job->shapes);
  g_array_unref (job->points);
  g_clear_pointer (&job->dataset, lv_dataset_unref);
  g_clear_object (&job->cancellable);
  g_mutex_clear (&job->lock);
  g_free (job);
}

/**
 * lv_index_job_new:
 * @experiment: the experiment
 * @max_params: networks with more parameters are skipped (counted in n_skipped)
 * @max_runs_per_size: at most this many finished runs of each size are surveyed
 *
 * Copies the parameters of every finished run of the current snapshots that is small enough.
 *
 * Returns: (transfer full): the job, not started (it may have no runs).
 */
LvIndexJob *
lv_index_job_new (LvExperiment *experiment, gsize max_params, guint max_runs_per_size)
{
  LvIndexJob *job = g_new0 (LvIndexJob, 1);
  g_autoptr(GPtrArray) params = g_ptr_array_new ();
  g_autoptr(GArray) shapes = g_array_new (FALSE, FALSE, sizeof (LvMlpShape));
  const LvEnsembleSnapshot *const *snapshots;
  LvDataset *dataset = lv_experiment_get_dataset (experiment);
  guint n_snapshots = 0;

  job->ref_count = 1;
  g_mutex_init (&job->lock);
  job->cancellable = g_cancellable_new ();
  job->pool = lv_experiment_get_pool (experiment);
  job->dataset = dataset != NULL ? lv_dataset_ref (dataset) : NULL;
  job->base_seed = lv_experiment_get_config (experiment)->seed;
  job->points = g_array_new (FALSE, TRUE, sizeof (LvIndexPoint));
  job->max_in_flight = MAX (lv_worker_pool_get_n_threads (job->pool), 1);

  snapshots = lv_experiment_get_snapshots (experiment, &n_snapshots);
  for (guint s = 0; dataset != NULL && s < n_snapshots; s++)
    {
      guint taken = 0;

      for (guint r = 0; r < snapshots[s]->n_runs; r++)
        {
          const LvRunRecord *rec = &snapshots[s]->runs[r];
          LvIndexPoint point = { rec->hidden, rec->run, 0, NAN, FALSE, NAN, NAN, 0 };
          LvMlpShape shape;
          float *p = NULL;

          if (rec->state != LV_RUN_FINISHED || taken >= max_runs_per_size ||
              !lv_experiment_copy_run_params (experiment, rec->hidden, rec->run, NULL, &shape,
                                              &p))
            continue;
          point.n_params = lv_mlp_n_params (&shape);
          if (point.n_params > max_params)
            {
              g_free (p);
              job->n_skipped++;
              continue;
            }
          point.loss = lv_run_record_final_train_loss (rec);
          g_array_append_val (job->points, point);
          g_array_append_val (shapes, shape);
          g_ptr_array_add (params, p);
          taken++;
        }
    }
  job->params = (float **) g_ptr_array_steal (params, NULL);
  job->shapes = (LvMlpShape *) (gpointer) g_array_steal (shapes, NULL);
  return job;
}

static void run_task (gpointer data);

/* Queues runs up to the in-flight limit, unless paused. Call with the lock held. */
static void
push_more (LvIndexJob *job)
{
  while (!job->paused && job->in_flight < job->max_in_flight && job->next < job->points->len)
    {
      Task *task = g_new (Task, 1);

      task->job = job_ref (job);
      task->index = job->next++;
      job->in_flight++;
      lv_worker_pool_push (job->pool, run_task, task);
    }
}

static gboolean
notify_idle (gpointer data)
{
  LvIndexJob *job = data;

  g_mutex_lock (&job->lock);
  job->idle_pending = FALSE;
  if (job->notify != NULL)
    job->notify (job, job->notify_data);
  g_mutex_unlock (&job->lock);
  return G_SOURCE_REMOVE;
}

static void
run_task (gpointer data)
{
  Task *task = data;
  LvIndexJob *job = task->job;
  const LvIndexPoint *in = &g_array_index (job->points, LvIndexPoint, task->index);
  gsize n = in->n_params;
  g_autofree double *pd = NULL;
  g_autoptr(LvHessian) hessian = NULL;
  g_autoptr(LvHessianSpectrum) spectrum = NULL;

  if (!g_cancellable_is_cancelled (job->cancellable))
    {
      pd = g_new (double, n);
      for (gsize i = 0; i < n; i++)
        pd[i] = job->params[task->index][i];
      hessian = lv_hessian_new (&job->shapes[task->index], pd, job->dataset, NULL);
      if (hessian != NULL)
        spectrum = lv_hessian_spectrum_lanczos (hessian, 0, INDEX_EXTREMES,
                                                lv_seed_mix (lv_ensemble_run_seed (
                                                               job->base_seed, in->hidden,
                                                               in->run), 0x1a2c, 0),
                                                INDEX_TOLERANCE, job->cancellable, NULL);
    }
  g_mutex_lock (&job->lock);
  if (spectrum != NULL)
    {
      LvIndexPoint *out = &g_array_index (job->points, LvIndexPoint, task->index);
      out->done = TRUE;
      out->min_eigenvalue = spectrum->min_eigenvalue;
      out->max_eigenvalue = spectrum->max_eigenvalue;
      out->index = spectrum->negative_count;
      job->n_done++;
    }
  job->in_flight--;
  if (!g_cancellable_is_cancelled (job->cancellable))
    push_more (job);
  if (!job->idle_pending && job->notify != NULL)
    {
      job->idle_pending = TRUE;
      g_idle_add_full (G_PRIORITY_LOW, notify_idle, job_ref (job), job_unref);
    }
  g_mutex_unlock (&job->lock);
  job_unref (job);
  g_free (task);
}

/**
 * lv_index_job_start:
 * @job: a new job
 * @notify: called on the main thread (lock held) as results arrive
 * @data: for @notify; valid until lv_index_job_abandon()
 *
 * Starts the survey: one Lanczos task per run on the worker pool, as many at a time as the
 * pool has threads.
 */
void
lv_index_job_start (LvIndexJob *job, LvIndexJobNotify notify, gpointer data)
{
  job->notify = notify;
  job->notify_data = data;
  g_mutex_lock (&job->lock);
  push_more (job);
  g_mutex_unlock (&job->lock);
}

/**
 * lv_index_job_set_paused:
 * @job: the job
 * @paused: stop queueing more runs (the ones queued still finish)
 *
 * Lets more urgent work on the pool go first. Call from the main thread, outside the notify.
 */
void
lv_index_job_set_paused (LvIndexJob *job, gboolean paused)
{
  g_mutex_lock (&job->lock);
  job->paused = paused;
  push_more (job);
  g_mutex_unlock (&job->lock);
}

/**
 * lv_index_job_abandon:
 * @job: (transfer full): the job
 *
 * Cancels the survey (queued tasks end at once, running ones at their next product), stops
 * notifications and drops the caller's reference. Never waits.
 */
void
lv_index_job_abandon (LvIndexJob *job)
{
  g_cancellable_cancel (job->cancellable);
  g_mutex_lock (&job->lock);
  job->notify = NULL;
  job->notify_data = NULL;
  g_mutex_unlock (&job->lock);
  job_unref (job);
}

/**
 * lv_index_job_read:
 * @job: the job, its lock held (call from the notify)
 * @points: (out) (transfer none): every surveyed run, done or not
 * @n_points: (out): their number
 * @n_done: (out): runs with eigenvalues
 * @n_skipped: (out): finished runs left out for their size
 */
void
lv_index_job_read (LvIndexJob *job, const LvIndexPoint **points, guint *n_points,
                   guint *n_done, guint *n_skipped)
{
  *points = (const LvIndexPoint *) job->points->data;
  *n_points = job->points->len;
  *n_done = job->n_done;
  *n_skipped = job->n_skipped;
}

/**
 * lv_index_job_lock:
 * @job: the job
 *
 * Holds its lock, to call lv_index_job_read() outside the notify (main thread).
 */
void
lv_index_job_lock (LvIndexJob *job)
{
  g_mutex_lock (&job->lock);
}

/**
 * lv_index_job_unlock:
 * @job: the job
 */
void
lv_index_job_unlock (LvIndexJob *job)
{
  g_mutex_unlock (&job->lock);
}
