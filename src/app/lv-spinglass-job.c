/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-app"

#include "config.h"

#include "lv-spinglass-job.h"

#include <gio/gio.h>

/*
 * LvSpinGlassJob — one spin-glass simulation of the view, off the main thread. A GTask thread
 * calls lv_spin_glass_simulate() for each Λ in turn (the core parallelises each size on its
 * own worker pool); the on_run callback, called from those workers, appends the finished run
 * to the size's append-only arrays under @lock and bumps @generation. The view reads the new
 * entries once per frame (lv_spin_glass_job_collect()), never waiting on the workers.
 *
 * Lifetime: the job is reference counted; the thread holds one reference, so a cancelled job
 * that the view has let go of finishes on its own. lv_spin_glass_job_join() waits for the
 * thread to return (the view joins every job it started when it is disposed).
 */

typedef struct
{
  guint lambda;
  GArray *energy;   /* double, in completion order */
  GArray *run;      /* guint */
  GArray *index;    /* int */
} JobSize;

struct _LvSpinGlassJob
{
  gint ref_count;
  LvSpinGlassConfig base;
  GCancellable *cancellable;
  guint n_sizes;
  JobSize *sizes;

  GMutex lock;
  GCond cond;
  gboolean started;
  gboolean done;    /* the thread has returned (or will never run) */
  GError *error;    /* first failure other than cancellation */
  gint generation;  /* atomic: bumped on every published run */
};

typedef struct
{
  LvSpinGlassJob *job;
  JobSize *size;
} RunSink;

/**
 * lv_spin_glass_job_new:
 * @base: p, runs, method, disorder, seed and the rest of the configuration (the Λ field is
 *   replaced by each of @lambdas)
 * @lambdas: (array length=n_lambdas): the sizes, simulated in this order
 * @n_lambdas: number of sizes
 *
 * Returns: (transfer full): a job, not started.
 */
LvSpinGlassJob *
lv_spin_glass_job_new (const LvSpinGlassConfig *base,
                       const guint             *lambdas,
                       guint                    n_lambdas)
{
  LvSpinGlassJob *job = g_new0 (LvSpinGlassJob, 1);

  job->ref_count = 1;
  job->base = *base;
  job->cancellable = g_cancellable_new ();
  job->n_sizes = n_lambdas;
  job->sizes = g_new0 (JobSize, MAX (n_lambdas, 1));
  for (guint s = 0; s < n_lambdas; s++)
    {
      job->sizes[s].lambda = lambdas[s];
      job->sizes[s].energy = g_array_new (FALSE, FALSE, sizeof (double));
      job->sizes[s].run = g_array_new (FALSE, FALSE, sizeof (guint));
      job->sizes[s].index = g_array_new (FALSE, FALSE, sizeof (int));
    }
  g_mutex_init (&job->lock);
  g_cond_init (&job->cond);
  return job;
}

/**
 * lv_spin_glass_job_ref:
 * @job: a job
 *
 * Returns: (transfer full): @job
 */
LvSpinGlassJob *
lv_spin_glass_job_ref (LvSpinGlassJob *job)
{
  g_atomic_int_inc (&job->ref_count);
  return job;
}

/**
 * lv_spin_glass_job_unref:
 * @job: (transfer full): a job
 *
 * Drops a reference; the last one frees the job.
 */
void
lv_spin_glass_job_unref (LvSpinGlassJob *job)
{
  if (!g_atomic_int_dec_and_test (&job->ref_count))
    return;
  for (guint s = 0; s < job->n_sizes; s++)
    {
      g_array_unref (job->sizes[s].energy);
      g_array_unref (job->sizes[s].run);
      g_array_unref (job->sizes[s].index);
    }
  g_free (job->sizes);
  g_clear_error (&job->error);
  g_object_unref (job->cancellable);
  g_mutex_clear (&job->lock);
  g_cond_clear (&job->cond);
  g_free (job);
}

/* Worker threads of the core: publish one finished run. */
static void
on_run (guint run, const LvSpinGlassRun *result, gpointer user_data)
{
  RunSink *sink = user_data;

  g_mutex_lock (&sink->job->lock);
  g_array_append_val (sink->size->energy, result->energy);
  g_array_append_val (sink->size->run, run);
  g_array_append_val (sink->size->index, result->index);
  g_mutex_unlock (&sink->job->lock);
  g_atomic_int_inc (&sink->job->generation);
}

static void
job_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  LvSpinGlassJob *job = task_data;
  g_autoptr(GError) error = NULL;

  for (guint s = 0; s < job->n_sizes && error == NULL; s++)
    {
      LvSpinGlassConfig config = job->base;
      g_autofree LvSpinGlassRun *runs = g_new0 (LvSpinGlassRun, config.runs);
      RunSink sink = { job, &job->sizes[s] };

      config.lambda = job->sizes[s].lambda;
      config.compute_index = config.lambda <= LV_SPIN_GLASS_INDEX_MAX_N;
      lv_spin_glass_simulate (&config, runs, NULL, on_run, &sink, job->cancellable, &error);
    }
  g_mutex_lock (&job->lock);
  if (error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    job->error = g_steal_pointer (&error);
  job->done = TRUE;
  g_cond_broadcast (&job->cond);
  g_mutex_unlock (&job->lock);
  g_atomic_int_inc (&job->generation);
  g_task_return_boolean (task, TRUE);
}

/**
 * lv_spin_glass_job_start:
 * @job: a job, not started
 *
 * Runs the simulation in a GTask thread.
 */
void
lv_spin_glass_job_start (LvSpinGlassJob *job)
{
  g_autoptr(GTask) task = g_task_new (NULL, NULL, NULL, NULL);

  g_return_if_fail (!job->started);
  job->started = TRUE;
  g_task_set_task_data (task, lv_spin_glass_job_ref (job),
                        (GDestroyNotify) lv_spin_glass_job_unref);
  g_task_run_in_thread (task, job_thread);
}

/**
 * lv_spin_glass_job_cancel:
 * @job: a job
 *
 * Asks the simulation to stop; the core checks between descent steps and before each chunk.
 */
void
lv_spin_glass_job_cancel (LvSpinGlassJob *job)
{
  g_cancellable_cancel (job->cancellable);
}

/**
 * lv_spin_glass_job_join:
 * @job: a job
 *
 * Waits until the job's thread has returned (immediately for a job never started). Cancel
 * first to make this prompt.
 */
void
lv_spin_glass_job_join (LvSpinGlassJob *job)
{
  g_mutex_lock (&job->lock);
  while (job->started && !job->done)
    g_cond_wait (&job->cond, &job->lock);
  g_mutex_unlock (&job->lock);
}

/**
 * lv_spin_glass_job_is_done:
 * @job: a job
 *
 * Returns: whether the thread has returned (finished, failed or cancelled).
 */
gboolean
lv_spin_glass_job_is_done (LvSpinGlassJob *job)
{
  gboolean done;

  g_mutex_lock (&job->lock);
  done = job->done;
  g_mutex_unlock (&job->lock);
  return done;
}

/**
 * lv_spin_glass_job_get_generation:
 * @job: a job
 *
 * Returns: a counter that changes whenever a run is published or the thread returns, so a
 *   reader can skip frames where nothing happened without taking the lock.
 */
guint
lv_spin_glass_job_get_generation (LvSpinGlassJob *job)
{
  return (guint) g_atomic_int_get (&job->generation);
}

/**
 * lv_spin_glass_job_collect:
 * @job: a job
 * @size: size index (order of the job's @lambdas)
 * @energy: array of double; receives the runs it does not hold yet
 * @run: array of guint, same length as @energy
 * @index: array of int, same length as @energy
 *
 * Appends the runs of @size finished since the arrays were last filled (the arrays must only
 * ever be filled from this job and size).
 *
 * Returns: the number of finished runs of @size.
 */
guint
lv_spin_glass_job_collect (LvSpinGlassJob *job,
                           guint           size,
                           GArray         *energy,
                           GArray         *run,
                           GArray         *index)
{
  JobSize *js;
  guint have = energy->len, n;

  g_return_val_if_fail (size < job->n_sizes, 0);
  js = &job->sizes[size];
  g_mutex_lock (&job->lock);
  n = js->energy->len;
  if (n > have)
    {
      g_array_append_vals (energy, &g_array_index (js->energy, double, have), n - have);
      g_array_append_vals (run, &g_array_index (js->run, guint, have), n - have);
      g_array_append_vals (index, &g_array_index (js->index, int, have), n - have);
    }
  g_mutex_unlock (&job->lock);
  return n;
}

/**
 * lv_spin_glass_job_get_error:
 * @job: a job
 * @error: return location for the failure
 *
 * Returns: %FALSE with @error set when the simulation failed (not when it was cancelled).
 */
gboolean
lv_spin_glass_job_get_error (LvSpinGlassJob *job,
                             GError        **error)
{
  gboolean ok = TRUE;

  g_mutex_lock (&job->lock);
  if (job->error != NULL)
    {
      g_propagate_error (error, g_error_copy (job->error));
      ok = FALSE;
    }
  g_mutex_unlock (&job->lock);
  return ok;
}
