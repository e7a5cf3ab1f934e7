/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-core"

#include "config.h"

#include <lossviz/lv-spinglass.h>

#include <math.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_roots.h>

#include <lossviz/lv-error.h>

/*
 * Complexity of the spherical p-spin glass (Auffinger, Ben Arous, Černý; docs/THEORY.md §1.2):
 * E_inf, I_1, Θ_{k,p}, the total complexity Θ_p and the critical values −E_0 < −E_1 < … < −E_inf.
 */

/**
 * lv_spin_glass_e_inf:
 * @p: order (≥ 2).
 *
 * Returns: E_inf(p) = 2 √((p − 1)/p), the threshold energy magnitude.
 */
double
lv_spin_glass_e_inf (guint p)
{
  return 2.0 * sqrt ((p - 1.0) / p);
}

/**
 * lv_spin_glass_i1:
 * @u: an energy per spin.
 * @p: order.
 *
 * I_1(u) = (2/E_inf²) ∫_u^{−E_inf} √(z² − E_inf²) dz for u ≤ −E_inf, 0 above. Evaluated in the
 * closed form t √(1 + t²) − asinh t with t = √((|u| − E_inf)(|u| + E_inf))/E_inf (factored so
 * that u near −E_inf does not cancel), and its Taylor series (2/3)t³ − t⁵/5 + 3t⁷/28 for
 * t < 1e-3, where the closed form would lose digits to cancellation.
 *
 * Returns: I_1(u), or NAN for a non-finite @u.
 */
double
lv_spin_glass_i1 (double u, guint p)
{
  double e = lv_spin_glass_e_inf (p), t, t2;

  if (isnan (u) || isinf (u))
    return isinf (u) && u < 0 ? INFINITY : (isinf (u) ? 0.0 : NAN);
  if (u >= -e)
    return 0.0;
  t = sqrt ((-u - e) * (-u + e)) / e;
  t2 = t * t;
  if (t < 1e-3)
    return t * t2 * (2.0 / 3.0 - t2 / 5.0 + 3.0 * t2 * t2 / 28.0);
  return t * sqrt (1.0 + t2) - asinh (t);
}

/**
 * lv_spin_glass_plateau:
 * @p: order.
 *
 * Returns: ½ log(p − 1) − (p − 2)/p, the value of every Θ_{k,p} above −E_inf.
 */
double
lv_spin_glass_plateau (guint p)
{
  return 0.5 * log (p - 1.0) - (p - 2.0) / p;
}

/**
 * lv_spin_glass_theta_k:
 * @u: an energy per spin (H/Λ).
 * @p: order.
 * @k: index.
 *
 * Returns: Θ_{k,p}(u), the exponential growth rate of the expected number of index-k critical
 *   points with H/Λ ≤ u.
 */
double
lv_spin_glass_theta_k (double u, guint p, guint k)
{
  double e = lv_spin_glass_e_inf (p);

  if (u >= -e)
    return lv_spin_glass_plateau (p);
  return 0.5 * log (p - 1.0) - (p - 2.0) / (4.0 * (p - 1.0)) * u * u -
         (k + 1.0) * lv_spin_glass_i1 (u, p);
}

/**
 * lv_spin_glass_theta_total:
 * @u: an energy per spin.
 * @p: order.
 *
 * Returns: Θ_p(u), the complexity of critical points of any index with H/Λ ≤ u.
 */
double
lv_spin_glass_theta_total (double u, guint p)
{
  double e = lv_spin_glass_e_inf (p);

  if (u <= -e)
    return lv_spin_glass_theta_k (u, p, 0);
  if (u <= 0.0)
    return 0.5 * log (p - 1.0) - (p - 2.0) / (4.0 * (p - 1.0)) * u * u;
  return 0.5 * log (p - 1.0);
}

typedef struct
{
  guint p;
  guint k;
} ThetaParams;

static double
theta_fn (double u, void *data)
{
  ThetaParams *params = data;

  return lv_spin_glass_theta_k (u, params->p, params->k);
}

/* The root of Θ_{k,p} below −E_inf by Brent's method; Θ is strictly increasing there. */
static gboolean
solve_edge (guint p, guint k, double *edge, GError **error)
{
  double e = lv_spin_glass_e_inf (p), lo = -e - 1.0, hi = -e;
  ThetaParams params = { p, k };
  gsl_function fn = { theta_fn, &params };
  gsl_root_fsolver *solver;
  int status = GSL_CONTINUE;

  if (lv_spin_glass_plateau (p) <= 0.0)
    {
      /* p = 2: the plateau is 0, so Θ_k < 0 below −E_inf and the edges coincide at E_inf. */
      *edge = e;
      return TRUE;
    }
  while (theta_fn (lo, &params) >= 0.0)
    lo = -e - 2.0 * (-e - lo);
  solver = gsl_root_fsolver_alloc (gsl_root_fsolver_brent);
  if (solver == NULL || gsl_root_fsolver_set (solver, &fn, lo, hi) != GSL_SUCCESS)
    {
      if (solver != NULL)
        gsl_root_fsolver_free (solver);
      g_set_error (error, LV_ERROR, LV_ERROR_FAILED, "cannot start the root finder");
      return FALSE;
    }
  for (guint iter = 0; iter < 200 && status == GSL_CONTINUE; iter++)
    {
      status = gsl_root_fsolver_iterate (solver);
      if (status != GSL_SUCCESS)
        break;
      status = gsl_root_test_interval (gsl_root_fsolver_x_lower (solver),
                                       gsl_root_fsolver_x_upper (solver), 0.0, 1e-15);
    }
  *edge = -gsl_root_fsolver_root (solver);
  gsl_root_fsolver_free (solver);
  if (status != GSL_SUCCESS)
    {
      g_set_error (error, LV_ERROR, LV_ERROR_FAILED, "band edge E_%u (p = %u) did not converge",
                   k, p);
      return FALSE;
    }
  return TRUE;
}

/**
 * lv_spin_glass_band_edges:
 * @p: order, 2…5.
 * @k_max: largest index K, 0…10.
 * @edges: (out): E_0, E_1, …, E_K (positive magnitudes: the critical values are −E_k).
 * @error: return location for a #GError.
 *
 * Solves Θ_{k,p}(u) = 0 on (−∞, −E_inf) for k = 0…K with gsl_root_fsolver_brent.
 * E_0 > E_1 > … > E_K > E_inf for p ≥ 3; all equal E_inf for p = 2.
 *
 * Returns: %TRUE on success.
 */
gboolean
lv_spin_glass_band_edges (guint p, guint k_max, double *edges, GError **error)
{
  if (p < LV_SPIN_GLASS_P_MIN || p > LV_SPIN_GLASS_P_MAX)
    {
      g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT, "p = %u is outside 2..5", p);
      return FALSE;
    }
  if (k_max > LV_SPIN_GLASS_K_MAX)
    {
      g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT, "k = %u is above %u", k_max,
                   LV_SPIN_GLASS_K_MAX);
      return FALSE;
    }
  for (guint k = 0; k <= k_max; k++)
    if (!solve_edge (p, k, &edges[k], error))
      return FALSE;
  return TRUE;
}
