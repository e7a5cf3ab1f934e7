/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-core"

#include "config.h"

#include <lossviz/lv-certificate.h>

#include <math.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_matrix.h>

#include <lossviz/lv-error.h>

/*
 * Matrix factorisation, the checkable special case of Haeffele–Vidal (docs/THEORY.md §4.3):
 * gradient descent on F(U, V), the closed-form optimum by singular value thresholding, and the
 * certificate |Y − U V^T|_2 <= lambda with its descent direction. GSL only (no <cblas.h>).
 */

#define CERT_REL_SLACK 1e-4 /* |R|_2 <= lambda (1 + slack) counts as certified */
#define RANK_REL_TOL 1e-6

/* Full SVD of an m × n row-major matrix: singular values (descending, min(m, n) of them) and,
 * when asked, the top left (m) and right (n) singular vectors. */
static gboolean
svd (const double *a, guint m, guint n, double *values, double *left, double *right)
{
  gboolean tall = m >= n;
  guint rows = tall ? m : n, cols = tall ? n : m;
  gsl_matrix *mat = gsl_matrix_alloc (rows, cols), *vmat = gsl_matrix_alloc (cols, cols);
  gsl_vector *s = gsl_vector_alloc (cols), *work = gsl_vector_alloc (cols);
  int status;

  for (guint i = 0; i < m; i++)
    for (guint j = 0; j < n; j++)
      {
        if (tall)
          gsl_matrix_set (mat, i, j, a[(gsize) i * n + j]);
        else
          gsl_matrix_set (mat, j, i, a[(gsize) i * n + j]);
      }
  status = gsl_linalg_SV_decomp (mat, vmat, s, work);
  if (status == GSL_SUCCESS)
    {
      for (guint i = 0; i < cols; i++)
        values[i] = gsl_vector_get (s, i);
      for (guint i = 0; i < rows && left != NULL; i++)
        (tall ? left : right)[i] = gsl_matrix_get (mat, i, 0);
      for (guint i = 0; i < cols && right != NULL; i++)
        (tall ? right : left)[i] = gsl_matrix_get (vmat, i, 0);
    }
  gsl_vector_free (work);
  gsl_vector_free (s);
  gsl_matrix_free (vmat);
  gsl_matrix_free (mat);
  return status == GSL_SUCCESS;
}

/**
 * lv_matrix_spectral_norm:
 * @a: m × n row-major matrix.
 * @m: rows.
 * @n: columns.
 * @error: return location for a #GError.
 *
 * Returns: the largest singular value, or NAN with @error set.
 */
double
lv_matrix_spectral_norm (const double *a, guint m, guint n, GError **error)
{
  g_autofree double *values = g_new (double, MIN (m, n));

  if (m == 0 || n == 0 || !svd (a, m, n, values, NULL, NULL))
    {
      g_set_error (error, LV_ERROR, LV_ERROR_FAILED, "singular value decomposition failed");
      return NAN;
    }
  return values[0];
}

/* R = Y − U V^T */
static void
residual (const double *y, guint m, guint n, const double *u, const double *v, guint r,
          double *res)
{
  for (guint i = 0; i < m; i++)
    for (guint j = 0; j < n; j++)
      {
        double s = 0.0;

        for (guint l = 0; l < r; l++)
          s += u[(gsize) i * r + l] * v[(gsize) j * r + l];
        res[(gsize) i * n + j] = y[(gsize) i * n + j] - s;
      }
}

/**
 * lv_mf_objective:
 * @y: m × n data.
 * @m: rows.
 * @n: columns.
 * @u: m × r factor.
 * @v: n × r factor.
 * @r: width.
 * @lambda: regularisation weight.
 *
 * Returns: F(U, V) = 1/2 |Y − U V^T|_F² + lambda/2 (|U|_F² + |V|_F²).
 */
double
lv_mf_objective (const double *y, guint m, guint n, const double *u, const double *v, guint r,
                 double lambda)
{
  return lv_mf_gradient (y, m, n, u, v, r, lambda, NULL, NULL);
}

/* The gradient of one factor: grad = −R' other + lambda self, where R' (rows × inner) is the
 * residual R read with strides (R itself for dF/dU, Rᵀ for dF/dV). */
static void
factor_gradient (const double *res, guint rows, guint inner, gsize row_stride, gsize inner_stride,
                 const double *other, const double *self, guint r, double lambda, double *grad)
{
  for (guint i = 0; i < rows; i++)
    for (guint l = 0; l < r; l++)
      {
        double s = 0.0;

        for (guint j = 0; j < inner; j++)
          s += res[i * row_stride + j * inner_stride] * other[(gsize) j * r + l];
        grad[(gsize) i * r + l] = -s + lambda * self[(gsize) i * r + l];
      }
}

/**
 * lv_mf_gradient:
 * @y: m × n data.
 * @m: rows.
 * @n: columns.
 * @u: m × r factor.
 * @v: n × r factor.
 * @r: width.
 * @lambda: regularisation weight.
 * @grad_u: (out) (nullable): m × r, dF/dU = −R V + lambda U.
 * @grad_v: (out) (nullable): n × r, dF/dV = −R^T U + lambda V.
 *
 * Returns: F(U, V).
 */
double
lv_mf_gradient (const double *y, guint m, guint n, const double *u, const double *v, guint r,
                double lambda, double *grad_u, double *grad_v)
{
  g_autofree double *res = g_new (double, (gsize) m * n);
  double f = 0.0, reg = 0.0;

  residual (y, m, n, u, v, r, res);
  for (gsize i = 0; i < (gsize) m * n; i++)
    f += res[i] * res[i];
  for (gsize i = 0; i < (gsize) m * r; i++)
    reg += u[i] * u[i];
  for (gsize i = 0; i < (gsize) n * r; i++)
    reg += v[i] * v[i];
  if (grad_u != NULL)
    factor_gradient (res, m, n, n, 1, v, u, r, lambda, grad_u);
  if (grad_v != NULL)
    factor_gradient (res, n, m, 1, n, u, v, r, lambda, grad_v);
  return 0.5 * f + 0.5 * lambda * reg;
}

/**
 * lv_mf_closed_form:
 * @y: m × n data.
 * @m: rows.
 * @n: columns.
 * @lambda: regularisation weight (> 0).
 * @z: (out) (nullable): m × n, Z* = SVT_lambda(Y) = sum max(s_i − lambda, 0) u_i v_i^T.
 * @objective: (out) (nullable): F* = sum 1/2 min(s_i, lambda)² + lambda max(s_i − lambda, 0).
 * @rank: (out) (nullable): rank of Z* (singular values above lambda).
 * @error: return location for a #GError.
 *
 * The global optimum of the factorised problem for any width r >= rank(Z*): the convex problem
 * 1/2 |Y − Z|_F² + lambda |Z|_* is solved by singular value thresholding.
 *
 * Returns: %FALSE on bad input or a failed SVD.
 */
gboolean
lv_mf_closed_form (const double *y, guint m, guint n, double lambda, double *z,
                   double *objective, guint *rank, GError **error)
{
  guint p = MIN (m, n);
  gboolean tall = m >= n;
  guint rows = tall ? m : n, cols = tall ? n : m;
  gsl_matrix *mat, *vmat;
  gsl_vector *s, *work;
  double f = 0.0;
  guint rk = 0;
  int status;

  if (m == 0 || n == 0 || !(lambda > 0) || !isfinite (lambda))
    {
      g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT,
                   "closed form needs a non-empty matrix and lambda > 0");
      return FALSE;
    }
  mat = gsl_matrix_alloc (rows, cols);
  vmat = gsl_matrix_alloc (cols, cols);
  s = gsl_vector_alloc (cols);
  work = gsl_vector_alloc (cols);
  for (guint i = 0; i < m; i++)
    for (guint j = 0; j < n; j++)
      gsl_matrix_set (mat, tall ? i : j, tall ? j : i, y[(gsize) i * n + j]);
  status = gsl_linalg_SV_decomp (mat, vmat, s, work);
  if (status == GSL_SUCCESS)
    {
      for (guint i = 0; i < p; i++)
        {
          double si = gsl_vector_get (s, i);

          f += 0.5 * MIN (si, lambda) * MIN (si, lambda) + lambda * MAX (si - lambda, 0.0);
          if (si > lambda)
            rk++;
        }
      if (z != NULL)
        for (guint i = 0; i < m; i++)
          for (guint j = 0; j < n; j++)
            {
              double acc = 0.0;

              for (guint l = 0; l < rk; l++)
                {
                  double shrink = gsl_vector_get (s, l) - lambda;
                  double a = tall ? gsl_matrix_get (mat, i, l) : gsl_matrix_get (vmat, i, l);
                  double b = tall ? gsl_matrix_get (vmat, j, l) : gsl_matrix_get (mat, j, l);

                  acc += shrink * a * b;
                }
              z[(gsize) i * n + j] = acc;
            }
      if (objective != NULL)
        *objective = f;
      if (rank != NULL)
        *rank = rk;
    }
  else
    g_set_error (error, LV_ERROR, LV_ERROR_FAILED, "singular value decomposition failed");
  gsl_vector_free (work);
  gsl_vector_free (s);
  gsl_matrix_free (vmat);
  gsl_matrix_free (mat);
  return status == GSL_SUCCESS;
}

/**
 * lv_mf_init_random:
 * @rng: the generator.
 * @m: rows of U.
 * @n: rows of V.
 * @r: width.
 * @scale: standard deviation of the entries.
 * @u: (out): m × r.
 * @v: (out): n × r.
 *
 * Gaussian initialisation of both factors.
 */
void
lv_mf_init_random (LvRng *rng, guint m, guint n, guint r, double scale, double *u, double *v)
{
  for (gsize i = 0; i < (gsize) m * r; i++)
    u[i] = scale * lv_rng_gaussian (rng);
  for (gsize i = 0; i < (gsize) n * r; i++)
    v[i] = scale * lv_rng_gaussian (rng);
}

/**
 * lv_mf_descend:
 * @y: m × n data.
 * @m: rows.
 * @n: columns.
 * @u: (inout): m × r factor.
 * @v: (inout): n × r factor.
 * @r: width.
 * @lambda: regularisation weight.
 * @max_iters: iteration budget (callers may run it in slices, e.g. one per frame).
 * @grad_tol: stop when |grad F|_F <= @grad_tol.
 * @step: (inout): step size carried between calls; <= 0 picks a start.
 *
 * Gradient descent with Armijo backtracking (the step grows by 1.2 after each accepted step, is
 * halved on rejection), so F never increases and no Lipschitz constant must be known.
 *
 * Returns: the number of iterations done.
 */
guint
lv_mf_descend (const double *y, guint m, guint n, double *u, double *v, guint r, double lambda,
               guint max_iters, double grad_tol, double *step)
{
  gsize nu = (gsize) m * r, nv = (gsize) n * r;
  g_autofree double *gu = g_new (double, nu), *gv = g_new (double, nv);
  g_autofree double *tu = g_new (double, nu), *tv = g_new (double, nv);
  double h = (step != NULL && *step > 0) ? *step : 0.1;
  guint it;

  for (it = 0; it < max_iters; it++)
    {
      double f = lv_mf_gradient (y, m, n, u, v, r, lambda, gu, gv), g2 = 0.0;
      gboolean accepted = FALSE;

      for (gsize i = 0; i < nu; i++)
        g2 += gu[i] * gu[i];
      for (gsize i = 0; i < nv; i++)
        g2 += gv[i] * gv[i];
      if (sqrt (g2) <= grad_tol || !isfinite (f))
        break;
      /* Near the optimum the predicted decrease falls below the rounding of F, where Armijo
       * can no longer tell; the last accepted step size is then kept and used unchecked. */
      if (0.5 * h * g2 <= 1e-13 * MAX (1.0, fabs (f)))
        {
          for (gsize i = 0; i < nu; i++)
            u[i] -= h * gu[i];
          for (gsize i = 0; i < nv; i++)
            v[i] -= h * gv[i];
          continue;
        }
      for (guint tries = 0; tries < 80 && !accepted; tries++)
        {
          for (gsize i = 0; i < nu; i++)
            tu[i] = u[i] - h * gu[i];
          for (gsize i = 0; i < nv; i++)
            tv[i] = v[i] - h * gv[i];
          if (lv_mf_objective (y, m, n, tu, tv, r, lambda) <= f - 0.5 * h * g2)
            accepted = TRUE;
          else
            h *= 0.5;
        }
      if (!accepted)
        break;
      memcpy (u, tu, sizeof (double) * nu);
      memcpy (v, tv, sizeof (double) * nv);
      h *= 1.2;
    }
  if (step != NULL)
    *step = h;
  return it;
}

/**
 * lv_mf_certify:
 * @y: m × n data.
 * @m: rows.
 * @n: columns.
 * @u: m × r factor.
 * @v: n × r factor.
 * @r: width.
 * @lambda: regularisation weight (> 0).
 * @grad_tol: gradient norm under which the point counts as stationary.
 * @cert: (out caller-allocates): the certificate; clear it with lv_mf_certificate_clear().
 * @error: return location for a #GError.
 *
 * Haeffele–Vidal for matrix factorisation: at a stationary point condition (i) holds
 * automatically, and (ii) is Omega°(G) = |Y − U V^T|_2 / lambda <= 1. A relative slack of 1e-4
 * absorbs the optimisation error: at the optimum the top residual singular values equal lambda
 * exactly, so the test sits on its boundary.
 *
 * Returns: %FALSE on bad input or a failed SVD.
 */
gboolean
lv_mf_certify (const double *y, guint m, guint n, const double *u, const double *v, guint r,
               double lambda, double grad_tol, LvMfCertificate *cert, GError **error)
{
  gsize nu = (gsize) m * r, nv = (gsize) n * r;
  g_autofree double *gu = g_new (double, MAX (nu, 1)), *gv = g_new (double, MAX (nv, 1));
  g_autofree double *res = g_new (double, (gsize) m * n);
  g_autofree double *prod = g_new (double, (gsize) m * n);
  g_autofree double *values = g_new (double, MIN (m, n));
  double g2 = 0.0;

  memset (cert, 0, sizeof *cert);
  if (m == 0 || n == 0 || !(lambda > 0) || !isfinite (lambda))
    {
      g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT,
                   "certificate needs a non-empty matrix and lambda > 0");
      return FALSE;
    }
  cert->m = m;
  cert->n = n;
  cert->top_left = g_new0 (double, m);
  cert->top_right = g_new0 (double, n);
  cert->objective = lv_mf_gradient (y, m, n, u, v, r, lambda, gu, gv);
  for (gsize i = 0; i < nu; i++)
    g2 += gu[i] * gu[i];
  for (gsize i = 0; i < nv; i++)
    g2 += gv[i] * gv[i];
  cert->gradient_norm = sqrt (g2);
  residual (y, m, n, u, v, r, res);
  if (!svd (res, m, n, values, cert->top_left, cert->top_right))
    {
      g_set_error (error, LV_ERROR, LV_ERROR_FAILED, "singular value decomposition failed");
      lv_mf_certificate_clear (cert);
      return FALSE;
    }
  cert->residual_norm = values[0];
  cert->stationary = cert->gradient_norm <= grad_tol;
  cert->certified = cert->stationary && cert->residual_norm <= lambda * (1.0 + CERT_REL_SLACK);

  for (gsize i = 0; i < (gsize) m * n; i++)
    prod[i] = y[i] - res[i];
  if (!svd (prod, m, n, values, NULL, NULL))
    {
      g_set_error (error, LV_ERROR, LV_ERROR_FAILED, "singular value decomposition failed");
      lv_mf_certificate_clear (cert);
      return FALSE;
    }
  for (guint i = 0; i < MIN (m, n); i++)
    if (values[i] > RANK_REL_TOL * MAX (values[0], lambda))
      cert->rank++;
  return TRUE;
}

/**
 * lv_mf_certificate_clear:
 * @cert: a certificate filled by lv_mf_certify().
 *
 * Frees the singular vectors.
 */
void
lv_mf_certificate_clear (LvMfCertificate *cert)
{
  g_clear_pointer (&cert->top_left, g_free);
  g_clear_pointer (&cert->top_right, g_free);
}

/**
 * lv_mf_add_unit:
 * @cert: a certificate of (U, V).
 * @u: m × r factor.
 * @v: n × r factor.
 * @r: width.
 * @eps: size of the step (> 0).
 * @u_out: (out): m × (r + 1), [U, sqrt(eps) a].
 * @v_out: (out): n × (r + 1), [V, sqrt(eps) b].
 *
 * The descent direction of a failed certificate (docs/THEORY.md §4.3): with (a, b, s_1) the top
 * singular triple of the residual, the new column changes F by −eps (s_1 − lambda) + eps²/2.
 */
void
lv_mf_add_unit (const LvMfCertificate *cert, const double *u, const double *v, guint r,
                double eps, double *u_out, double *v_out)
{
  double root = sqrt (eps);

  for (guint i = 0; i < cert->m; i++)
    {
      memcpy (u_out + (gsize) i * (r + 1), u + (gsize) i * r, sizeof (double) * r);
      u_out[(gsize) i * (r + 1) + r] = root * cert->top_left[i];
    }
  for (guint j = 0; j < cert->n; j++)
    {
      memcpy (v_out + (gsize) j * (r + 1), v + (gsize) j * r, sizeof (double) * r);
      v_out[(gsize) j * (r + 1) + r] = root * cert->top_right[j];
    }
}
