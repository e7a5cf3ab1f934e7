/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-core"

#include "config.h"

#include "lv-spinglass-private.h"

#include <math.h>
#include <string.h>

#include <gsl/gsl_eigen.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_matrix.h>
#include <gsl/gsl_sort_vector.h>

#include <lossviz/lv-error.h>

/*
 * Hessian, Riemannian Hessian and index (docs/THEORY.md §1.1), all in double precision. GSL lives
 * in this translation unit, away from <cblas.h> (see docs/DESIGN.md).
 */

/**
 * lv_spin_glass_hessian:
 * @sg: a spin glass.
 * @s: a point of Λ coordinates.
 * @hess: (out): the Euclidean Hessian ∇²H(s), Λ × Λ row-major.
 *
 * Since ∇H = A c(s), ∇²H = A · ∂c/∂s, and each monomial c_τ has at most p − 1 nonzero
 * partial derivatives: ∂c_τ/∂s_j = μ_j s^{τ∖j}. Costs Λ · C(Λ+p−2, p−1) · (p−1) multiply-adds.
 */
void
lv_spin_glass_hessian (const LvSpinGlass *sg, const double *s, double *hess)
{
  guint n = sg->n, q = sg->p - 1;
  gsize cols = sg->n_cols;
  /* For each column τ: up to q pairs (spin j, ∂c_τ/∂s_j); unused slots have weight 0. */
  g_autofree guint *dj = g_new0 (guint, cols * q);
  g_autofree double *dv = g_new0 (double, cols * q);
  guint tau[LV_SPIN_GLASS_P_MAX] = { 0 };
  gsize col = 0;

  if (q == 0)
    {
      memset (hess, 0, sizeof (double) * n * n);
      return;
    }
  do
    {
      guint slot = 0;

      for (guint d = 0; d < q; d++)
        {
          guint mult = 1;
          double prod = 1.0;

          if (d > 0 && tau[d] == tau[d - 1])
            continue;
          while (d + mult < q && tau[d + mult] == tau[d])
            mult++;
          for (guint e = 0; e < q; e++)
            if (e != d)
              prod *= s[tau[e]];
          dj[col * q + slot] = tau[d];
          dv[col * q + slot] = mult * prod;
          slot++;
        }
      col++;
    }
  while (lv_sg_tuple_next (tau, q, n));

  memset (hess, 0, sizeof (double) * n * n);
  for (guint i = 0; i < n; i++)
    {
      const double *arow = sg->a + (gsize) i * cols;
      double *hrow = hess + (gsize) i * n;

      for (gsize c = 0; c < cols; c++)
        for (guint k = 0; k < q; k++)
          hrow[dj[c * q + k]] += arow[c] * dv[c * q + k];
    }
  /* Exact in exact arithmetic; symmetrise away the rounding. */
  for (guint i = 0; i < n; i++)
    for (guint j = i + 1; j < n; j++)
      {
        double m = 0.5 * (hess[i * n + j] + hess[j * n + i]);
        hess[i * n + j] = hess[j * n + i] = m;
      }
}

/* M = ∇²H − (p H / Λ) I, the Hessian of the Lagrangian; returns H. */
static double
lagrangian_hessian (const LvSpinGlass *sg, const double *s, double *m)
{
  guint n = sg->n;
  g_autofree double *grad = g_new (double, n);
  double h = lv_spin_glass_gradient (sg, s, grad);

  lv_spin_glass_hessian (sg, s, m);
  for (guint i = 0; i < n; i++)
    m[i * n + i] -= sg->p * h / n;
  return h;
}

/**
 * lv_spin_glass_riemannian_hessian:
 * @sg: a spin glass.
 * @s: a point on the sphere |s|² = Λ.
 * @out: (out): P_s [∇²H − (p H/Λ) I] P_s with P_s = I − s sᵀ/Λ, Λ × Λ row-major.
 *
 * The Riemannian Hessian as an operator on R^Λ: it acts on tangent vectors and maps s to 0.
 */
void
lv_spin_glass_riemannian_hessian (const LvSpinGlass *sg, const double *s, double *out)
{
  guint n = sg->n;
  g_autofree double *m = g_new (double, (gsize) n * n);
  g_autofree double *ms = g_new0 (double, n);
  double sms = 0.0;

  lagrangian_hessian (sg, s, m);
  /* P M P = M − (M s) sᵀ/Λ − s (M s)ᵀ/Λ + (sᵀ M s) s sᵀ/Λ². */
  for (guint i = 0; i < n; i++)
    {
      for (guint j = 0; j < n; j++)
        ms[i] += m[i * n + j] * s[j];
      sms += s[i] * ms[i];
    }
  for (guint i = 0; i < n; i++)
    for (guint j = 0; j < n; j++)
      out[i * n + j] = m[i * n + j] - (ms[i] * s[j] + s[i] * ms[j]) / n +
                       sms * s[i] * s[j] / ((double) n * n);
}

/**
 * lv_spin_glass_tangent_spectrum:
 * @sg: a spin glass.
 * @s: a point on the sphere.
 * @eigs: (out): the Λ − 1 eigenvalues of the Riemannian Hessian on T_s, ascending.
 * @error: return location for a #GError.
 *
 * Restricts M = ∇²H − (pH/Λ) I to the tangent space with an orthonormal basis: the Householder
 * reflection Q = I − 2 w wᵀ maps s/|s| to ±e_Λ, so the first Λ − 1 columns of Q span T_s and
 * the leading (Λ−1) block of Q M Q is the tangent Hessian. gsl_eigen_symm then gives exactly
 * Λ − 1 eigenvalues, with no spurious zero mode along s to guess away.
 *
 * Returns: %TRUE on success.
 */
gboolean
lv_spin_glass_tangent_spectrum (const LvSpinGlass *sg, const double *s, double *eigs,
                                GError **error)
{
  guint n = sg->n, t = n - 1;
  g_autofree double *m = g_new (double, (gsize) n * n);
  g_autofree double *w = g_new (double, n);
  g_autofree double *y = g_new0 (double, n);
  double norm = 0.0, wnorm = 0.0, wy = 0.0;
  gsl_matrix_view view;
  gsl_vector_view values;
  gsl_eigen_symm_workspace *ws;
  int status;

  lagrangian_hessian (sg, s, m);
  for (guint i = 0; i < n; i++)
    norm += s[i] * s[i];
  norm = sqrt (norm);
  if (!(norm > 0.0) || !isfinite (norm))
    {
      g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT, "point is zero or not finite");
      return FALSE;
    }
  /* w ∝ u + sign(u_Λ) e_Λ (the sign avoids cancellation); Q u = −sign(u_Λ) e_Λ. */
  for (guint i = 0; i < n; i++)
    w[i] = s[i] / norm;
  w[t] += w[t] >= 0.0 ? 1.0 : -1.0;
  for (guint i = 0; i < n; i++)
    wnorm += w[i] * w[i];
  wnorm = sqrt (wnorm);
  for (guint i = 0; i < n; i++)
    w[i] /= wnorm;
  /* Q M Q = M − 2 w yᵀ − 2 y wᵀ + 4 (wᵀ y) w wᵀ with y = M w. */
  for (guint i = 0; i < n; i++)
    for (guint j = 0; j < n; j++)
      y[i] += m[i * n + j] * w[j];
  for (guint i = 0; i < n; i++)
    wy += w[i] * y[i];
  for (guint i = 0; i < n; i++)
    for (guint j = 0; j < n; j++)
      m[i * n + j] += -2.0 * (w[i] * y[j] + y[i] * w[j]) + 4.0 * wy * w[i] * w[j];

  view = gsl_matrix_view_array_with_tda (m, t, t, n);
  values = gsl_vector_view_array (eigs, t);
  ws = gsl_eigen_symm_alloc (t);
  if (ws == NULL)
    {
      g_set_error (error, LV_ERROR, LV_ERROR_FAILED, "cannot allocate the eigen workspace");
      return FALSE;
    }
  status = gsl_eigen_symm (&view.matrix, &values.vector, ws);
  gsl_eigen_symm_free (ws);
  if (status != GSL_SUCCESS)
    {
      g_set_error (error, LV_ERROR, LV_ERROR_FAILED, "symmetric eigensolver failed: %s",
                   gsl_strerror (status));
      return FALSE;
    }
  gsl_sort_vector (&values.vector);
  return TRUE;
}

/**
 * lv_spin_glass_index:
 * @sg: a spin glass.
 * @s: a point on the sphere (normally a critical point).
 * @min_eigenvalue: (out) (optional): the smallest tangent eigenvalue.
 * @error: return location for a #GError.
 *
 * Returns: the number of negative eigenvalues of the Riemannian Hessian on T_s, or −1 on error.
 */
int
lv_spin_glass_index (const LvSpinGlass *sg, const double *s, double *min_eigenvalue,
                     GError **error)
{
  g_autofree double *eigs = g_new (double, sg->n - 1);
  int index = 0;

  if (!lv_spin_glass_tangent_spectrum (sg, s, eigs, error))
    return -1;
  for (guint i = 0; i + 1 < sg->n; i++)
    if (eigs[i] < 0.0)
      index++;
  if (min_eigenvalue != NULL)
    *min_eigenvalue = eigs[0];
  return index;
}
