/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-core"

#include "config.h"

#include <lossviz/lv-chain-descent.h>

#include <math.h>
#include <string.h>

#include <lossviz/lv-certificate.h>

/*
 * The depth-L chain as an optimisation problem in its weights (docs/THEORY.md §4.5): descent on
 * (w_1, …, w_L) rather than on z, because the spurious minimum at z = 0 for q < L exists only
 * in the weights' landscape.
 */

#define CHAIN_MAX_DEPTH 16
#define ZERO_TOL 1e-7        /* max |w_l| below this is the zero slice */
#define POLAR_REL_SLACK 1e-4 /* polar <= 1 + slack counts as certified */

/**
 * lv_chain_product:
 * @w: (array length=depth): the factors.
 * @depth: L.
 *
 * Returns: z = w_1 ⋯ w_L.
 */
double
lv_chain_product (const double *w, guint depth)
{
  double z = 1.0;

  for (guint l = 0; l < depth; l++)
    z *= w[l];
  return z;
}

/**
 * lv_chain_objective:
 * @w: (array length=depth): the factors.
 * @depth: L (1..16).
 * @y: the target.
 * @lambda: regularisation weight.
 * @q: the regulariser's degree (> 0).
 * @grad: (out) (nullable) (array length=depth): dF/dw. At w_l = 0 the penalty's derivative is
 *   taken as 0 (the subgradient closest to zero), also for q <= 1.
 *
 * Returns: F(w) = 1/2 (y − Π w_l)² + lambda Σ |w_l|^q, or NAN for a depth out of range.
 */
double
lv_chain_objective (const double *w, guint depth, double y, double lambda, double q,
                    double *grad)
{
  double z, reg = 0.0;

  if (depth == 0 || depth > CHAIN_MAX_DEPTH)
    return NAN;
  z = lv_chain_product (w, depth);
  for (guint l = 0; l < depth; l++)
    {
      double a = fabs (w[l]);

      reg += pow (a, q);
      if (grad != NULL)
        {
          double others = 1.0;

          for (guint m = 0; m < depth; m++)
            if (m != l)
              others *= w[m];
          grad[l] = -(y - z) * others;
          if (a > 0)
            grad[l] += lambda * q * pow (a, q - 1.0) * (w[l] > 0 ? 1.0 : -1.0);
        }
    }
  return 0.5 * (y - z) * (y - z) + lambda * reg;
}

static double
norm (const double *v, guint n)
{
  double s = 0.0;

  for (guint i = 0; i < n; i++)
    s += v[i] * v[i];
  return sqrt (s);
}

static gboolean
at_zero (const double *w, guint depth)
{
  for (guint l = 0; l < depth; l++)
    if (fabs (w[l]) > ZERO_TOL)
      return FALSE;
  return TRUE;
}

/**
 * lv_chain_is_stationary:
 * @w: (array length=depth): the factors.
 * @depth: L (>= 2).
 * @y: the target.
 * @lambda: regularisation weight.
 * @q: the regulariser's degree.
 * @grad_tol: gradient norm under which the point counts as stationary.
 *
 * For depth >= 2 the zero slice is always stationary (the loss gradient of each factor is a
 * product of the others, and 0 is a subgradient of the penalty), so w within 1e-7 of zero counts
 * as stationary even when |w|^q is not differentiable there.
 *
 * Returns: whether @w is (numerically) stationary.
 */
gboolean
lv_chain_is_stationary (const double *w, guint depth, double y, double lambda, double q,
                        double grad_tol)
{
  double grad[CHAIN_MAX_DEPTH];

  if (depth == 0 || depth > CHAIN_MAX_DEPTH)
    return FALSE;
  if (depth >= 2 && at_zero (w, depth))
    return TRUE;
  lv_chain_objective (w, depth, y, lambda, q, grad);
  return norm (grad, depth) <= grad_tol;
}

/**
 * lv_chain_descend:
 * @w: (inout) (array length=depth): the factors.
 * @depth: L (1..16).
 * @y: the target.
 * @lambda: regularisation weight.
 * @q: the regulariser's degree (> 0).
 * @max_iters: iteration budget (callers may run it in slices, e.g. one per frame).
 * @grad_tol: stop once lv_chain_is_stationary() holds.
 * @step: (inout): the step size carried between calls; <= 0 picks a start.
 *
 * Gradient descent with Armijo backtracking (the step grows by 1.2 after an accepted step and is
 * halved on rejection), so F never increases: a start near zero stays near zero exactly when
 * zero is a local minimum. A slice that shrinks below 1e-7 is set to exactly zero.
 *
 * Returns: the number of iterations done.
 */
guint
lv_chain_descend (double *w, guint depth, double y, double lambda, double q, guint max_iters,
                  double grad_tol, double *step)
{
  double grad[CHAIN_MAX_DEPTH], trial[CHAIN_MAX_DEPTH];
  double h = (step != NULL && *step > 0) ? *step : 0.05;
  guint it;

  if (depth == 0 || depth > CHAIN_MAX_DEPTH)
    return 0;
  for (it = 0; it < max_iters; it++)
    {
      double f, g2;
      gboolean accepted = FALSE;

      if (lv_chain_is_stationary (w, depth, y, lambda, q, grad_tol))
        break;
      f = lv_chain_objective (w, depth, y, lambda, q, grad);
      g2 = norm (grad, depth);
      g2 *= g2;
      if (!isfinite (f) || !isfinite (g2))
        break;
      for (guint tries = 0; tries < 80 && !accepted; tries++)
        {
          for (guint l = 0; l < depth; l++)
            trial[l] = w[l] - h * grad[l];
          if (lv_chain_objective (trial, depth, y, lambda, q, NULL) <= f - 0.5 * h * g2)
            accepted = TRUE;
          else
            h *= 0.5;
        }
      if (!accepted)
        break;
      memcpy (w, trial, sizeof (double) * depth);
      if (depth >= 2 && at_zero (w, depth))
        memset (w, 0, sizeof (double) * depth);
      h = MIN (h * 1.2, 1.0);
    }
  if (step != NULL)
    *step = h;
  return it;
}

/**
 * lv_chain_certify:
 * @w: (array length=depth): the factors.
 * @depth: L (1..16).
 * @y: the target.
 * @lambda: regularisation weight (> 0).
 * @q: the regulariser's degree.
 * @grad_tol: stationarity tolerance (see lv_chain_is_stationary()).
 * @polar: (out) (nullable): Omega°(G) = |y − z| / (lambda L) with G = (y − z) / lambda, the
 *   polar of the balanced regulariser θ(w) = Σ |w_l|^L (sup of G Π w_l over θ <= 1 is |G| / L
 *   by AM–GM); reported for every q, meaningful only when q = L.
 *
 * The Haeffele–Vidal test for the chain: with q = L a stationary point with polar <= 1 (1e-4
 * relative slack) is a global minimum. With q ≠ L the degrees do not match and there is no
 * certificate; the state says which way they differ.
 *
 * Returns: the state.
 */
LvChainCertState
lv_chain_certify (const double *w, guint depth, double y, double lambda, double q,
                  double grad_tol, double *polar)
{
  double p = NAN;

  if (depth > 0 && depth <= CHAIN_MAX_DEPTH && lambda > 0)
    p = fabs (y - lv_chain_product (w, depth)) / (lambda * depth);
  if (polar != NULL)
    *polar = p;
  if (!lv_degree_is_balanced (q, depth))
    return q < depth ? LV_CHAIN_CERT_UNBALANCED_LOW : LV_CHAIN_CERT_UNBALANCED_HIGH;
  if (!isfinite (p) || !lv_chain_is_stationary (w, depth, y, lambda, q, grad_tol))
    return LV_CHAIN_CERT_NOT_STATIONARY;
  return p <= 1.0 + POLAR_REL_SLACK ? LV_CHAIN_CERT_HOLDS : LV_CHAIN_CERT_FAILS;
}
