/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-core"

#include "config.h"

#include <lossviz/lv-hessian.h>

#include <math.h>
#include <string.h>

#include <gsl/gsl_eigen.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_matrix.h>
#include <gsl/gsl_sort.h>

#include <lossviz/lv-error.h>
#include <lossviz/lv-rng.h>

#include "lv-hessian-private.h"
#include "lv-task-group-private.h"

/*
 * Spectra of the Hessian: the full matrix from n HVPs (columns spread over the worker pool,
 * one column per e_k, so the result does not depend on the thread count) with GSL's symmetric
 * eigensolver, or Lanczos with full reorthogonalisation for the extreme eigenvalues of larger
 * networks. GSL lives here; the R-operator (cblas) lives in lv-hessian.c.
 */

const char *
lv_hessian_method_to_string (LvHessianMethod method)
{
  return method == LV_HESSIAN_METHOD_FULL ? "full" : "lanczos";
}

gboolean
lv_hessian_method_from_string (const char *s, LvHessianMethod *out)
{
  if (s != NULL && g_ascii_strcasecmp (s, "full") == 0)
    *out = LV_HESSIAN_METHOD_FULL;
  else if (s != NULL && g_ascii_strcasecmp (s, "lanczos") == 0)
    *out = LV_HESSIAN_METHOD_LANCZOS;
  else
    return FALSE;
  return TRUE;
}

/**
 * lv_hessian_spectrum_free:
 * @spectrum: (nullable): a spectrum.
 */
void
lv_hessian_spectrum_free (LvHessianSpectrum *spectrum)
{
  if (spectrum == NULL)
    return;
  g_free (spectrum->eigenvalues);
  g_free (spectrum);
}

typedef struct
{
  const LvHessian *hessian;
  double *matrix;
  GCancellable *cancellable;
  gint cancelled;
} FullJob;

typedef struct
{
  FullJob *job;
  gsize first, count;
} ColumnTask;

static void
column_task (gpointer data)
{
  ColumnTask *task = data;
  FullJob *job = task->job;
  gsize n = lv_hessian_get_n_params (job->hessian);
  g_autoptr(LvHessianWorkspace) ws = lv_hessian_workspace_new (job->hessian);
  g_autofree double *e = g_new0 (double, n);
  g_autofree double *col = g_new (double, n);

  for (gsize k = task->first; k < task->first + task->count; k++)
    {
      if (g_atomic_int_get (&job->cancelled) || g_cancellable_is_cancelled (job->cancellable))
        {
          g_atomic_int_set (&job->cancelled, 1);
          break;
        }
      e[k] = 1;
      lv_hessian_vector_product (job->hessian, ws, e, col);
      e[k] = 0;
      /* Column k of H goes to row k: H is symmetric up to rounding, measured below. */
      memcpy (job->matrix + k * n, col, n * sizeof (double));
    }
  g_free (task);
}

/**
 * lv_hessian_full:
 * @hessian: the operator.
 * @pool: (nullable): workers for the columns; %NULL computes on this thread.
 * @asymmetry: (out) (nullable): max |H_ij − H_ji| / max |H_ij| before symmetrising.
 * @cancellable: (nullable): checked before every column.
 * @error: return location for an error.
 *
 * Forms the n × n Hessian column by column (H e_k) and symmetrises it, (H + Hᵀ)/2. Refuses
 * networks above %LV_HESSIAN_FULL_MAX_PARAMS parameters with %LV_ERROR_INVALID_INPUT.
 *
 * Returns: (transfer full) (nullable): the row-major matrix, or %NULL with @error set.
 */
double *
lv_hessian_full (const LvHessian *hessian, LvWorkerPool *pool, double *asymmetry,
                 GCancellable *cancellable, GError **error)
{
  gsize n = lv_hessian_get_n_params (hessian);
  FullJob job = { hessian, NULL, cancellable, 0 };
  LvTaskGroup group;
  guint threads = pool != NULL ? lv_worker_pool_get_n_threads (pool) : 1;
  gsize block;
  double max_abs = 0, max_diff = 0;

  if (n > LV_HESSIAN_FULL_MAX_PARAMS)
    {
      g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT,
                   "the full Hessian is limited to %u parameters (this network has %"
                   G_GSIZE_FORMAT "); use the Lanczos method",
                   LV_HESSIAN_FULL_MAX_PARAMS, n);
      return NULL;
    }
  job.matrix = g_try_malloc (n * n * sizeof (double));
  if (job.matrix == NULL)
    {
      g_set_error (error, LV_ERROR, LV_ERROR_FAILED, "out of memory for a %" G_GSIZE_FORMAT
                   "² Hessian", n);
      return NULL;
    }
  block = MAX (1, (n + 8 * threads - 1) / (8 * threads));
  lv_task_group_init (&group, pool);
  for (gsize first = 0; first < n; first += block)
    {
      ColumnTask *task = g_new (ColumnTask, 1);
      task->job = &job;
      task->first = first;
      task->count = MIN (block, n - first);
      lv_task_group_push (&group, column_task, task);
    }
  lv_task_group_join (&group);
  if (job.cancelled)
    {
      g_free (job.matrix);
      g_set_error (error, LV_ERROR, LV_ERROR_CANCELLED, "the Hessian was cancelled");
      return NULL;
    }

  for (gsize i = 0; i < n; i++)
    for (gsize j = 0; j <= i; j++)
      {
        double a = job.matrix[i * n + j], b = job.matrix[j * n + i];
        max_abs = MAX (max_abs, MAX (fabs (a), fabs (b)));
        max_diff = MAX (max_diff, fabs (a - b));
        job.matrix[i * n + j] = job.matrix[j * n + i] = 0.5 * (a + b);
      }
  if (asymmetry != NULL)
    *asymmetry = max_abs > 0 ? max_diff / max_abs : 0;
  if (!isfinite (max_abs))
    {
      g_free (job.matrix);
      g_set_error (error, LV_ERROR, LV_ERROR_FAILED, "the Hessian is not finite");
      return NULL;
    }
  return job.matrix;
}

/* Fills the summary fields from ascending eigenvalues (all, or Ritz values). */
static void
summarise (LvHessianSpectrum *s, const double *values, guint n, double tolerance)
{
  double max_abs = MAX (fabs (values[0]), fabs (values[n - 1])), min_abs = INFINITY;

  s->min_eigenvalue = values[0];
  s->max_eigenvalue = values[n - 1];
  s->tolerance = tolerance;
  s->negative_count = 0;
  for (guint i = 0; i < n; i++)
    {
      if (values[i] < -tolerance * max_abs)
        s->negative_count++;
      if (fabs (values[i]) > tolerance * max_abs)
        min_abs = MIN (min_abs, fabs (values[i]));
    }
  s->condition = values[0] > tolerance * max_abs ? values[n - 1] / values[0] : INFINITY;
  s->effective_condition = max_abs > 0 && isfinite (min_abs) ? max_abs / min_abs : INFINITY;
}

static gboolean
check_tolerance (double tolerance, GError **error)
{
  if (!isfinite (tolerance) || tolerance < 0 || tolerance >= 1)
    {
      g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT,
                   "eigenvalue tolerance %g is outside [0, 1)", tolerance);
      return FALSE;
    }
  return TRUE;
}

static void
loss_and_gradient (const LvHessian *hessian, LvHessianSpectrum *s)
{
  gsize n = lv_hessian_get_n_params (hessian);
  g_autoptr(LvHessianWorkspace) ws = lv_hessian_workspace_new (hessian);
  g_autofree double *g = g_new (double, n);
  double sq = 0;

  s->loss = lv_hessian_gradient (hessian, ws, g);
  for (gsize i = 0; i < n; i++)
    sq += g[i] * g[i];
  s->gradient_norm = sqrt (sq);
}

/**
 * lv_hessian_spectrum_full:
 * @hessian: the operator.
 * @pool: (nullable): workers.
 * @tolerance: relative tolerance of the index, e.g. 1e-6: eigenvalues below
 *   −tolerance · max |λ| are negative.
 * @cancellable: (nullable): cancels between columns.
 * @error: return location for an error.
 *
 * Every eigenvalue (gsl_eigen_symm), the index, the condition numbers and the gradient norm.
 *
 * Returns: (transfer full) (nullable): the spectrum.
 */
LvHessianSpectrum *
lv_hessian_spectrum_full (const LvHessian *hessian, LvWorkerPool *pool, double tolerance,
                          GCancellable *cancellable, GError **error)
{
  gsize n = lv_hessian_get_n_params (hessian);
  g_autoptr(LvHessianSpectrum) s = NULL;
  g_autofree double *matrix = NULL;
  double asymmetry = 0;
  gsl_matrix_view view;
  gsl_vector *eval;
  gsl_eigen_symm_workspace *ews;
  int status;

  if (!check_tolerance (tolerance, error))
    return NULL;
  matrix = lv_hessian_full (hessian, pool, &asymmetry, cancellable, error);
  if (matrix == NULL)
    return NULL;
  view = gsl_matrix_view_array (matrix, n, n);
  eval = gsl_vector_alloc (n);
  ews = gsl_eigen_symm_alloc (n);
  status = gsl_eigen_symm (&view.matrix, eval, ews);
  gsl_eigen_symm_free (ews);
  if (status != GSL_SUCCESS)
    {
      gsl_vector_free (eval);
      g_set_error (error, LV_ERROR, LV_ERROR_FAILED, "gsl_eigen_symm failed: %s",
                   gsl_strerror (status));
      return NULL;
    }
  s = g_new0 (LvHessianSpectrum, 1);
  s->method = LV_HESSIAN_METHOD_FULL;
  s->n_params = n;
  s->n_eigenvalues = (guint) n;
  s->eigenvalues = g_new (double, n);
  for (gsize i = 0; i < n; i++)
    s->eigenvalues[i] = gsl_vector_get (eval, i);
  gsl_vector_free (eval);
  gsl_sort (s->eigenvalues, 1, n);
  summarise (s, s->eigenvalues, (guint) n, tolerance);
  s->negative_count_exact = TRUE;
  s->asymmetry = asymmetry;
  loss_and_gradient (hessian, s);
  return g_steal_pointer (&s);
}

static double
dot (const double *a, const double *b, gsize n)
{
  double s = 0;
  for (gsize i = 0; i < n; i++)
    s += a[i] * b[i];
  return s;
}

gsl_matrix *
lv_hessian_tridiagonal (const double *a, const double *b, guint m)
{
  gsl_matrix *t = gsl_matrix_calloc (m, m);

  for (guint i = 0; i < m; i++)
    {
      gsl_matrix_set (t, i, i, a[i]);
      if (i + 1 < m)
        {
          gsl_matrix_set (t, i, i + 1, b[i]);
          gsl_matrix_set (t, i + 1, i, b[i]);
        }
    }
  return t;
}

/* Ritz values of the Lanczos tridiagonal (diagonal a, off-diagonal b), ascending. */
static gboolean
tridiagonal_eigenvalues (const double *a, const double *b, guint m, double *out, GError **error)
{
  gsl_matrix *t = lv_hessian_tridiagonal (a, b, m);
  gsl_vector *eval = gsl_vector_alloc (m);
  gsl_eigen_symm_workspace *ws = gsl_eigen_symm_alloc (m);
  int status;

  status = gsl_eigen_symm (t, eval, ws);
  for (guint i = 0; i < m; i++)
    out[i] = gsl_vector_get (eval, i);
  gsl_eigen_symm_free (ws);
  gsl_vector_free (eval);
  gsl_matrix_free (t);
  if (status != GSL_SUCCESS)
    {
      g_set_error (error, LV_ERROR, LV_ERROR_FAILED, "tridiagonal eigensolve failed: %s",
                   gsl_strerror (status));
      return FALSE;
    }
  gsl_sort (out, 1, m);
  return TRUE;
}

/**
 * lv_hessian_lanczos_run: (skip)
 *
 * Lanczos on H from Q's first row (normalised here) with full reorthogonalisation (two
 * Gram–Schmidt passes against every earlier vector each step), which keeps the Krylov basis
 * orthogonal in floating point so no spurious copies of converged eigenvalues appear. Q holds
 * @steps + 1 rows of n; @w is n scratch values. Fills alpha[0..m) and beta[0..m) and stops early
 * at an invariant subspace (then its Ritz values are exact eigenvalues).
 */
gboolean
lv_hessian_lanczos_run (const LvHessian *hessian, LvHessianWorkspace *ws, double *Q,
                        guint steps, double *w, double *alpha, double *beta, guint *m_out,
                        GCancellable *cancellable, GError **error)
{
  gsize n = lv_hessian_get_n_params (hessian);
  double scale = 0, nrm = sqrt (dot (Q, Q, n));

  *m_out = 0;
  for (gsize i = 0; i < n; i++)
    Q[i] /= nrm;
  for (guint j = 0; j < steps; j++)
    {
      double *q = Q + (gsize) j * n;

      if (g_cancellable_is_cancelled (cancellable))
        {
          g_set_error (error, LV_ERROR, LV_ERROR_CANCELLED, "the Lanczos iteration was cancelled");
          return FALSE;
        }
      lv_hessian_vector_product (hessian, ws, q, w);
      alpha[j] = dot (q, w, n);
      for (gsize i = 0; i < n; i++)
        w[i] -= alpha[j] * q[i] + (j > 0 ? beta[j - 1] * Q[(gsize) (j - 1) * n + i] : 0);
      for (guint pass = 0; pass < 2; pass++)
        for (guint k = 0; k <= j; k++)
          {
            const double *qk = Q + (gsize) k * n;
            double c = dot (qk, w, n);
            for (gsize i = 0; i < n; i++)
              w[i] -= c * qk[i];
          }
      beta[j] = sqrt (dot (w, w, n));
      *m_out = j + 1;
      scale = MAX (scale, fabs (alpha[j]) + beta[j] + (j > 0 ? beta[j - 1] : 0));
      if (!isfinite (alpha[j]) || !isfinite (beta[j]))
        {
          g_set_error (error, LV_ERROR, LV_ERROR_FAILED, "the Lanczos iteration is not finite");
          return FALSE;
        }
      if (beta[j] <= 1e-12 * scale)
        break;
      for (gsize i = 0; i < n; i++)
        Q[(gsize) (j + 1) * n + i] = w[i] / beta[j];
    }
  return TRUE;
}

/**
 * lv_hessian_spectrum_lanczos:
 * @hessian: the operator.
 * @steps: Krylov dimension (at most the number of parameters; 0 means min(n, 80)).
 * @n_extreme: how many of the smallest and of the largest Ritz values to report.
 * @seed: seed of the Gaussian start vector.
 * @tolerance: relative tolerance of the index (see lv_hessian_spectrum_full()).
 * @cancellable: (nullable): checked before every product.
 * @error: return location for an error.
 *
 * Lanczos iteration on H with full reorthogonalisation (two Gram–Schmidt passes against every
 * earlier vector each step), which keeps the Krylov basis orthogonal in floating point so no
 * spurious copies of converged eigenvalues appear. The extreme Ritz values converge first;
 * they are what is reported. Memory: @steps vectors of n doubles.
 *
 * Returns: (transfer full) (nullable): the spectrum (extreme Ritz values only).
 */
LvHessianSpectrum *
lv_hessian_spectrum_lanczos (const LvHessian *hessian, guint steps, guint n_extreme,
                             guint64 seed, double tolerance, GCancellable *cancellable,
                             GError **error)
{
  gsize n = lv_hessian_get_n_params (hessian);
  g_autoptr(LvHessianWorkspace) ws = NULL;
  g_autoptr(LvHessianSpectrum) s = NULL;
  g_autofree double *Q = NULL, *w = NULL, *alpha = NULL, *beta = NULL, *ritz = NULL;
  guint m = 0;
  LvRng rng;

  if (!check_tolerance (tolerance, error))
    return NULL;
  if (steps == 0)
    steps = (guint) MIN (n, 80);
  if (steps > n || steps > 10000 || n_extreme == 0)
    {
      g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT,
                   "Lanczos steps %u must be in 1..min(%" G_GSIZE_FORMAT ", 10000) and at least "
                   "one extreme eigenvalue must be asked for", steps, n);
      return NULL;
    }
  Q = g_try_malloc ((gsize) (steps + 1) * n * sizeof (double));
  if (Q == NULL)
    {
      g_set_error (error, LV_ERROR, LV_ERROR_FAILED, "out of memory for %u Lanczos vectors",
                   steps);
      return NULL;
    }
  ws = lv_hessian_workspace_new (hessian);
  w = g_new (double, n);
  alpha = g_new (double, steps);
  beta = g_new (double, steps);

  lv_rng_init (&rng, seed);
  for (gsize i = 0; i < n; i++)
    Q[i] = lv_rng_gaussian (&rng);
  if (!lv_hessian_lanczos_run (hessian, ws, Q, steps, w, alpha, beta, &m, cancellable, error))
    return NULL;

  ritz = g_new (double, m);
  if (!tridiagonal_eigenvalues (alpha, beta, m, ritz, error))
    return NULL;

  s = g_new0 (LvHessianSpectrum, 1);
  s->method = LV_HESSIAN_METHOD_LANCZOS;
  s->n_params = n;
  s->lanczos_steps = m;
  if (m <= 2 * n_extreme)
    {
      s->n_eigenvalues = m;
      s->eigenvalues = g_memdup2 (ritz, m * sizeof (double));
    }
  else
    {
      s->n_eigenvalues = 2 * n_extreme;
      s->eigenvalues = g_new (double, 2 * n_extreme);
      memcpy (s->eigenvalues, ritz, n_extreme * sizeof (double));
      memcpy (s->eigenvalues + n_extreme, ritz + m - n_extreme, n_extreme * sizeof (double));
    }
  summarise (s, ritz, m, tolerance);
  s->negative_count_exact = m == n;
  s->effective_condition = NAN;
  s->asymmetry = NAN;
  loss_and_gradient (hessian, s);
  return g_steal_pointer (&s);
}
