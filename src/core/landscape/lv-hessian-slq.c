/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-core"

#include "config.h"

#include <lossviz/lv-hessian-slq.h>

#include <math.h>
#include <string.h>

#include <gsl/gsl_eigen.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_matrix.h>

#include <lossviz/lv-error.h>
#include <lossviz/lv-rng.h>

#include "lv-hessian-private.h"
#include "lv-task-group-private.h"

/*
 * Curvature at scale without forming H: stochastic Lanczos quadrature for the eigenvalue
 * density and Hutchinson's estimator for the trace, both from exact Hessian–vector products
 * (lv-hessian.c). Probe k uses Rademacher entries from lv_seed_mix (seed, k, tag) and runs as
 * one task on the pool with its own workspace; results are gathered by probe index, so they do
 * not depend on the number of threads.
 */

typedef struct
{
  const LvHessian *hessian;
  guint64 seed;
  guint steps;
  GCancellable *cancellable;
  /* per probe outputs */
  guint *n_nodes;
  double *nodes, *weights, *quad;   /* quad[k] = v_kᵀ H v_k */
  GError **errors;
} ProbeJob;

typedef struct
{
  ProbeJob *job;
  guint probe;
} ProbeTask;

static void
rademacher (guint64 seed, double *v, gsize n)
{
  LvRng rng;

  lv_rng_init (&rng, seed);
  for (gsize i = 0; i < n; i++)
    v[i] = (lv_rng_next (&rng) >> 63) ? 1.0 : -1.0;
}

/* Nodes θ (Ritz values) and weights τ = (first component of each unit Ritz vector)² of the
 * m × m Lanczos tridiagonal: the Gauss quadrature of the probe's spectral measure. */
static gboolean
gauss_quadrature (const double *alpha, const double *beta, guint m, double *theta, double *tau,
                  GError **error)
{
  gsl_matrix *t = lv_hessian_tridiagonal (alpha, beta, m), *evec = gsl_matrix_alloc (m, m);
  gsl_vector *eval = gsl_vector_alloc (m);
  gsl_eigen_symmv_workspace *ws = gsl_eigen_symmv_alloc (m);
  int status;

  status = gsl_eigen_symmv (t, eval, evec, ws);
  if (status == GSL_SUCCESS)
    status = gsl_eigen_symmv_sort (eval, evec, GSL_EIGEN_SORT_VAL_ASC);
  for (guint k = 0; k < m && status == GSL_SUCCESS; k++)
    {
      double e0 = gsl_matrix_get (evec, 0, k);
      theta[k] = gsl_vector_get (eval, k);
      tau[k] = e0 * e0;
    }
  gsl_eigen_symmv_free (ws);
  gsl_vector_free (eval);
  gsl_matrix_free (evec);
  gsl_matrix_free (t);
  if (status != GSL_SUCCESS)
    {
      g_set_error (error, LV_ERROR, LV_ERROR_FAILED, "tridiagonal eigensolve failed: %s",
                   gsl_strerror (status));
      return FALSE;
    }
  return TRUE;
}

static void
slq_probe_task (gpointer data)
{
  ProbeTask *task = data;
  ProbeJob *job = task->job;
  guint k = task->probe, steps = job->steps, m = 0;
  gsize n = lv_hessian_get_n_params (job->hessian);
  g_autoptr(LvHessianWorkspace) ws = lv_hessian_workspace_new (job->hessian);
  g_autofree double *Q = g_try_malloc ((gsize) (steps + 1) * n * sizeof (double));
  g_autofree double *w = g_new (double, n);
  g_autofree double *alpha = g_new (double, steps), *beta = g_new (double, steps);
  GError **error = &job->errors[k];

  if (Q == NULL)
    {
      g_set_error (error, LV_ERROR, LV_ERROR_FAILED, "out of memory for %u Lanczos vectors",
                   steps);
      return;
    }
  rademacher (lv_seed_mix (job->seed, k, 0x51c), Q, n);
  if (!lv_hessian_lanczos_run (job->hessian, ws, Q, steps, w, alpha, beta, &m, job->cancellable,
                               error) ||
      !gauss_quadrature (alpha, beta, m, job->nodes + (gsize) k * steps,
                         job->weights + (gsize) k * steps, error))
    return;
  job->n_nodes[k] = m;
  /* vᵀ H v = |v|² Σ τ θ with |v|² = n for a Rademacher probe. */
  job->quad[k] = 0.0;
  for (guint j = 0; j < m; j++)
    job->quad[k] += n * job->weights[(gsize) k * steps + j] * job->nodes[(gsize) k * steps + j];
}

static void
hutchinson_probe_task (gpointer data)
{
  ProbeTask *task = data;
  ProbeJob *job = task->job;
  gsize n = lv_hessian_get_n_params (job->hessian);
  g_autoptr(LvHessianWorkspace) ws = lv_hessian_workspace_new (job->hessian);
  g_autofree double *v = g_new (double, n), *hv = g_new (double, n);
  double q = 0.0;

  if (g_cancellable_set_error_if_cancelled (job->cancellable, &job->errors[task->probe]))
    return;
  rademacher (lv_seed_mix (job->seed, task->probe, 0x7ace), v, n);
  lv_hessian_vector_product (job->hessian, ws, v, hv);
  for (gsize i = 0; i < n; i++)
    q += v[i] * hv[i];
  job->quad[task->probe] = q;
}

/* Runs @func for every probe on the pool; returns the first probe's error, in probe order. */
static gboolean
run_probes (ProbeJob *job, guint n_probes, LvWorkerPool *pool, LvTaskFunc func, GError **error)
{
  LvTaskGroup group;
  g_autofree ProbeTask *tasks = g_new (ProbeTask, n_probes);
  gboolean ok = TRUE;

  job->errors = g_new0 (GError *, n_probes);
  lv_task_group_init (&group, pool);
  for (guint k = 0; k < n_probes; k++)
    {
      tasks[k] = (ProbeTask) { job, k };
      lv_task_group_push (&group, func, &tasks[k]);
    }
  lv_task_group_join (&group);
  for (guint k = 0; k < n_probes; k++)
    if (job->errors[k] != NULL)
      {
        if (ok)
          g_propagate_error (error, g_steal_pointer (&job->errors[k]));
        g_clear_error (&job->errors[k]);
        ok = FALSE;
      }
  g_free (job->errors);
  return ok;
}

/* Mean and standard error of the mean. */
static void
mean_and_error (const double *x, guint count, double *mean, double *std_error)
{
  double m = 0.0, ss = 0.0;

  for (guint k = 0; k < count; k++)
    m += x[k] / count;
  for (guint k = 0; k < count; k++)
    ss += (x[k] - m) * (x[k] - m);
  *mean = m;
  *std_error = count > 1 ? sqrt (ss / (count - 1) / count) : NAN;
}

static gboolean
check_probes (gsize n, guint n_probes, guint steps, GError **error)
{
  if (n_probes < 1 || n_probes > 10000 || steps < 1 || steps > MIN (n, 10000))
    {
      g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT,
                   "probes %u must be in 1..10000 and Lanczos steps %u in 1..min(%" G_GSIZE_FORMAT
                   ", 10000)", n_probes, steps, n);
      return FALSE;
    }
  return TRUE;
}

/**
 * lv_hessian_slq:
 * @hessian: the operator.
 * @pool: (nullable): workers, one probe per task; %NULL runs on this thread.
 * @n_probes: Rademacher probes.
 * @steps: Lanczos steps per probe (at most the number of parameters).
 * @seed: probe seed.
 * @cancellable: (nullable): checked before every product.
 * @error: return location for an error.
 *
 * Stochastic Lanczos quadrature: per probe, @steps Lanczos steps with full reorthogonalisation
 * and the Gauss quadrature of the tridiagonal. Costs @n_probes × @steps Hessian–vector products.
 *
 * Returns: (transfer full) (nullable): the quadrature nodes and weights.
 */
LvHessianSlq *
lv_hessian_slq (const LvHessian *hessian, LvWorkerPool *pool, guint n_probes, guint steps,
                guint64 seed, GCancellable *cancellable, GError **error)
{
  gsize n = lv_hessian_get_n_params (hessian);
  g_autoptr(LvHessianSlq) slq = NULL;
  g_autofree double *quad = NULL;
  ProbeJob job = { 0 };

  if (!check_probes (n, n_probes, steps, error))
    return NULL;
  slq = g_new0 (LvHessianSlq, 1);
  slq->n_params = n;
  slq->n_probes = n_probes;
  slq->steps = steps;
  slq->n_nodes = g_new0 (guint, n_probes);
  slq->nodes = g_new0 (double, (gsize) n_probes * steps);
  slq->node_weights = g_new0 (double, (gsize) n_probes * steps);
  quad = g_new0 (double, n_probes);
  job = (ProbeJob) { hessian, seed, steps, cancellable, slq->n_nodes, slq->nodes,
                     slq->node_weights, quad, NULL };
  if (!run_probes (&job, n_probes, pool, slq_probe_task, error))
    return NULL;
  slq->min_eigenvalue = INFINITY;
  slq->max_eigenvalue = -INFINITY;
  for (guint k = 0; k < n_probes; k++)
    {
      const double *theta = slq->nodes + (gsize) k * steps;
      slq->min_eigenvalue = MIN (slq->min_eigenvalue, theta[0]);
      slq->max_eigenvalue = MAX (slq->max_eigenvalue, theta[slq->n_nodes[k] - 1]);
    }
  mean_and_error (quad, n_probes, &slq->trace, &slq->trace_std_error);
  return g_steal_pointer (&slq);
}

/**
 * lv_hessian_slq_free:
 * @slq: (nullable): a quadrature.
 */
void
lv_hessian_slq_free (LvHessianSlq *slq)
{
  if (slq == NULL)
    return;
  g_free (slq->n_nodes);
  g_free (slq->nodes);
  g_free (slq->node_weights);
  g_free (slq);
}

/**
 * lv_hessian_slq_density:
 * @slq: a quadrature.
 * @sigma: width of the Gaussian that smooths each node (> 0).
 * @n_grid: grid points (≥ 2).
 * @grid: (out): @n_grid evenly spaced λ from λ_min − 3σ to λ_max + 3σ.
 * @density: (out): the smoothed density there, (1/probes) Σ_k Σ_j τ_kj N(λ; θ_kj, σ²); it
 *   integrates to 1 over the real line.
 */
void
lv_hessian_slq_density (const LvHessianSlq *slq, double sigma, guint n_grid, double *grid,
                        double *density)
{
  double lo = slq->min_eigenvalue - 3 * sigma, hi = slq->max_eigenvalue + 3 * sigma;

  for (guint g = 0; g < n_grid; g++)
    {
      double x = lo + (hi - lo) * g / (n_grid - 1), sum = 0.0;

      for (guint k = 0; k < slq->n_probes; k++)
        for (guint j = 0; j < slq->n_nodes[k]; j++)
          {
            double z = (x - slq->nodes[(gsize) k * slq->steps + j]) / sigma;
            sum += slq->node_weights[(gsize) k * slq->steps + j] * exp (-0.5 * z * z);
          }
      grid[g] = x;
      density[g] = sum / (slq->n_probes * sigma * sqrt (2 * G_PI));
    }
}

/**
 * lv_hessian_trace_hutchinson:
 * @hessian: the operator.
 * @pool: (nullable): workers, one probe per task.
 * @n_probes: Rademacher probes (one Hessian–vector product each).
 * @seed: probe seed.
 * @out: (out): the estimate and its standard error.
 * @cancellable: (nullable): checked before every product.
 * @error: return location for an error.
 *
 * Hutchinson's unbiased trace estimator, tr H ≈ mean_k v_kᵀ H v_k.
 *
 * Returns: %TRUE on success.
 */
gboolean
lv_hessian_trace_hutchinson (const LvHessian *hessian, LvWorkerPool *pool, guint n_probes,
                             guint64 seed, LvHessianTrace *out, GCancellable *cancellable,
                             GError **error)
{
  g_autofree double *quad = NULL;
  ProbeJob job = { 0 };

  if (!check_probes (lv_hessian_get_n_params (hessian), n_probes, 1, error))
    return FALSE;
  quad = g_new0 (double, n_probes);
  job = (ProbeJob) { hessian, seed, 1, cancellable, NULL, NULL, NULL, quad, NULL };
  if (!run_probes (&job, n_probes, pool, hutchinson_probe_task, error))
    return FALSE;
  out->n_probes = n_probes;
  mean_and_error (quad, n_probes, &out->estimate, &out->std_error);
  return TRUE;
}
