/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-app"

#include "config.h"

#include "lv-hv-job.h"

#include <math.h>
#include <string.h>

#include <gio/gio.h>

/*
 * The descent runs in batches that grow with the step count (1 + steps / 40), with a pause of
 * pace_us between batches: the first few hundred steps, where everything happens, are slow
 * enough to watch, while the long tail to stationarity (linear or slower convergence) takes a
 * second or two. pace_us = 0 runs at full speed (tests).
 */

#define MF_MAX_STEPS 6000
#define MF_GRAD_TOL 1e-6     /* stop descending */
#define MF_CERT_GRAD_TOL 1e-4 /* stationary enough for the certificate */
#define CHAIN_MAX_STEPS 6000
#define CHAIN_GRAD_TOL 1e-10
#define CHAIN_CERT_GRAD_TOL 1e-7
#define CHAIN_MAX_DEPTH 16

struct _LvHvJob
{
  gint ref_count;
  GMutex lock;
  GCancellable *cancellable;
  LvHvJobKind kind;
  guint pace_us;

  /* main thread only */
  LvHvJobNotify notify;
  gpointer notify_data;

  /* inputs; the worker's working state */
  double *y;
  guint m, n, r;
  double lambda;
  double *u, *v;
  guint first_step;
  guint depth;
  double target, q;
  double w[CHAIN_MAX_DEPTH];

  /* published, under @lock */
  GArray *xs, *a, *b;
  gboolean done;
  gboolean idle_pending;
  LvMfCertificate cert;
  double *u_pub, *v_pub;
  double w_pub[CHAIN_MAX_DEPTH];
};

/* Worker threads still running, so that closing the window can join them (a thread must not
 * outlive the process's teardown). Each is at most one batch away from noticing cancellation. */
static GMutex running_lock;
static GCond running_cond;
static guint running_count;

static LvHvJob *
job_ref (LvHvJob *job)
{
  g_atomic_int_inc (&job->ref_count);
  return job;
}

static void
job_unref (gpointer data)
{
  LvHvJob *job = data;

  if (!g_atomic_int_dec_and_test (&job->ref_count))
    return;
  g_mutex_clear (&job->lock);
  g_clear_object (&job->cancellable);
  g_free (job->y);
  g_free (job->u);
  g_free (job->v);
  g_free (job->u_pub);
  g_free (job->v_pub);
  lv_mf_certificate_clear (&job->cert);
  g_array_unref (job->xs);
  g_array_unref (job->a);
  g_array_unref (job->b);
  g_free (job);
}

static LvHvJob *
job_new (LvHvJobKind kind, guint pace_us)
{
  LvHvJob *job = g_new0 (LvHvJob, 1);

  job->ref_count = 1;
  g_mutex_init (&job->lock);
  job->cancellable = g_cancellable_new ();
  job->kind = kind;
  job->pace_us = pace_us;
  job->xs = g_array_new (FALSE, FALSE, sizeof (double));
  job->a = g_array_new (FALSE, FALSE, sizeof (double));
  job->b = g_array_new (FALSE, FALSE, sizeof (double));
  return job;
}

/**
 * lv_hv_job_new_mf:
 * @y: m × n data (copied)
 * @m: rows
 * @n: columns
 * @lambda: λ
 * @r: width
 * @u: m × r start (copied)
 * @v: n × r start (copied)
 * @first_step: step count of the start (a continued descent keeps counting)
 * @pace_us: pause between batches
 *
 * Returns: (transfer full): a matrix-factorisation descent, not started.
 */
LvHvJob *
lv_hv_job_new_mf (const double *y, guint m, guint n, double lambda, guint r, const double *u,
                  const double *v, guint first_step, guint pace_us)
{
  LvHvJob *job = job_new (LV_HV_JOB_MF, pace_us);

  job->y = g_memdup2 (y, sizeof (double) * m * n);
  job->m = m;
  job->n = n;
  job->r = r;
  job->lambda = lambda;
  job->u = g_memdup2 (u, sizeof (double) * m * r);
  job->v = g_memdup2 (v, sizeof (double) * n * r);
  job->u_pub = g_memdup2 (u, sizeof (double) * m * r);
  job->v_pub = g_memdup2 (v, sizeof (double) * n * r);
  job->first_step = first_step;
  return job;
}

/**
 * lv_hv_job_new_chain:
 * @depth: L (1..16)
 * @y: the target
 * @lambda: λ
 * @q: the regulariser's degree
 * @w: (array length=depth): the start
 * @pace_us: pause between batches
 *
 * Returns: (transfer full): a chain descent, not started.
 */
LvHvJob *
lv_hv_job_new_chain (guint depth, double y, double lambda, double q, const double *w,
                     guint pace_us)
{
  LvHvJob *job = job_new (LV_HV_JOB_CHAIN, pace_us);

  job->depth = MIN (depth, CHAIN_MAX_DEPTH);
  job->target = y;
  job->lambda = lambda;
  job->q = q;
  memcpy (job->w, w, sizeof (double) * job->depth);
  memcpy (job->w_pub, w, sizeof (double) * job->depth);
  return job;
}

static gboolean
job_idle (gpointer data)
{
  LvHvJob *job = data;

  g_mutex_lock (&job->lock);
  job->idle_pending = FALSE;
  if (job->notify != NULL)
    job->notify (job, job->notify_data);
  g_mutex_unlock (&job->lock);
  return G_SOURCE_REMOVE;
}

/* Worker: appends a point and wakes the main thread unless a wake-up is already pending. */
static void
publish (LvHvJob *job, double x, double a, double b, gboolean done, LvMfCertificate *cert)
{
  g_mutex_lock (&job->lock);
  g_array_append_val (job->xs, x);
  g_array_append_val (job->a, a);
  g_array_append_val (job->b, b);
  job->done = done;
  if (cert != NULL)
    {
      lv_mf_certificate_clear (&job->cert);
      job->cert = *cert;
      memset (cert, 0, sizeof *cert);
      memcpy (job->u_pub, job->u, sizeof (double) * job->m * job->r);
      memcpy (job->v_pub, job->v, sizeof (double) * job->n * job->r);
    }
  memcpy (job->w_pub, job->w, sizeof (double) * job->depth);
  if (!job->idle_pending)
    {
      job->idle_pending = TRUE;
      g_idle_add_full (G_PRIORITY_LOW, job_idle, job_ref (job), job_unref);
    }
  g_mutex_unlock (&job->lock);
}

static void
run_mf (LvHvJob *job)
{
  guint steps = 0;
  double step = 0;
  gboolean done = FALSE, first = TRUE;

  while (!done && !g_cancellable_is_cancelled (job->cancellable))
    {
      LvMfCertificate cert;
      guint batch = first ? 0 : 1 + steps / 40, did = 0;

      if (batch > 0)
        did = lv_mf_descend (job->y, job->m, job->n, job->u, job->v, job->r, job->lambda,
                             batch, MF_GRAD_TOL, &step);
      steps += did;
      if (!lv_mf_certify (job->y, job->m, job->n, job->u, job->v, job->r, job->lambda,
                          MF_CERT_GRAD_TOL, &cert, NULL))
        break;
      /* lv_mf_descend stops early only at the tolerance or when no step decreases F. */
      done = (batch > 0 && did < batch) || steps >= MF_MAX_STEPS;
      publish (job, job->first_step + steps + 1.0, cert.objective, cert.residual_norm, done,
               &cert);
      lv_mf_certificate_clear (&cert);
      first = FALSE;
      if (!done && job->pace_us > 0)
        g_usleep (job->pace_us);
    }
}

static void
run_chain (LvHvJob *job)
{
  guint steps = 0;
  double step = 0;
  gboolean done = FALSE, first = TRUE;

  while (!done && !g_cancellable_is_cancelled (job->cancellable))
    {
      guint batch = first ? 0 : 1 + steps / 40, did = 0;
      double f;

      if (batch > 0)
        did = lv_chain_descend (job->w, job->depth, job->target, job->lambda, job->q, batch,
                                CHAIN_GRAD_TOL, &step);
      steps += did;
      f = lv_chain_objective (job->w, job->depth, job->target, job->lambda, job->q, NULL);
      done = (batch > 0 && did < batch) || steps >= CHAIN_MAX_STEPS || !isfinite (f);
      publish (job, steps + 1.0, lv_chain_product (job->w, job->depth), f, done, NULL);
      first = FALSE;
      if (!done && job->pace_us > 0)
        g_usleep (job->pace_us);
    }
}

static void
job_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  LvHvJob *job = task_data;

  if (job->kind == LV_HV_JOB_MF)
    run_mf (job);
  else
    run_chain (job);
  g_task_return_boolean (task, TRUE);
  g_mutex_lock (&running_lock);
  running_count--;
  g_cond_broadcast (&running_cond);
  g_mutex_unlock (&running_lock);
}

/**
 * lv_hv_job_start:
 * @job: a new job
 * @notify: called on the main thread (lock held) after the worker published
 * @data: for @notify; must stay valid until lv_hv_job_abandon()
 *
 * Runs the descent in a GTask thread.
 */
void
lv_hv_job_start (LvHvJob *job, LvHvJobNotify notify, gpointer data)
{
  g_autoptr(GTask) task = g_task_new (NULL, job->cancellable, NULL, NULL);

  job->notify = notify;
  job->notify_data = data;
  g_mutex_lock (&running_lock);
  running_count++;
  g_mutex_unlock (&running_lock);
  g_task_set_task_data (task, job_ref (job), job_unref);
  g_task_run_in_thread (task, job_thread);
}

/**
 * lv_hv_job_abandon:
 * @job: (transfer full): the job
 *
 * Cancels the descent, makes sure its notify is never called again and drops the caller's
 * reference. Never waits: the worker ends at its next batch and frees what is left.
 */
void
lv_hv_job_abandon (LvHvJob *job)
{
  g_cancellable_cancel (job->cancellable);
  g_mutex_lock (&job->lock);
  job->notify = NULL;
  job->notify_data = NULL;
  g_mutex_unlock (&job->lock);
  job_unref (job);
}

/**
 * lv_hv_job_read:
 * @job: the job, its lock held (call from the notify)
 * @view: (out caller-allocates): borrowed views of its results
 *
 * Fills @view.
 */
void
lv_hv_job_read (LvHvJob *job, LvHvJobView *view)
{
  view->xs = (const double *) job->xs->data;
  view->a = (const double *) job->a->data;
  view->b = (const double *) job->b->data;
  view->n = job->xs->len;
  view->done = job->done;
  view->mf_cert = job->kind == LV_HV_JOB_MF ? &job->cert : NULL;
  view->u = job->u_pub;
  view->v = job->v_pub;
  view->w = job->w_pub;
}

/**
 * lv_hv_job_join_all:
 *
 * Waits until every job's worker has returned. Call after abandoning the jobs (when the panel
 * is disposed): a cancelled worker ends within one batch, a few milliseconds.
 */
void
lv_hv_job_join_all (void)
{
  g_mutex_lock (&running_lock);
  while (running_count > 0)
    g_cond_wait (&running_cond, &running_lock);
  g_mutex_unlock (&running_lock);
}
