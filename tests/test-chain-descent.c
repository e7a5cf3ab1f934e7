/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>

#include <lossviz/lossviz.h>

#include "lv-test-util.h"

/* Descent on the depth-L chain (docs/THEORY.md §4.5). Expected minima come from the closed forms of
 * the table in §4.5 (y = 1, lambda = 0.1, L = 3) recomputed here by bisection on g'(z), and the
 * lasso formula for q = L. */

#define Y 1.0
#define LAMBDA 0.1

/* Root of g'(z) = z − 1 + lambda q z^{q/L − 1} on (lo, hi), by bisection (independent of the
 * core's solver: 200 halvings on the sign of the derivative). */
static double
root (double q, guint depth, double lo, double hi)
{
  for (int i = 0; i < 200; i++)
    {
      double mid = 0.5 * (lo + hi);
      double slope = mid - Y + LAMBDA * q * pow (mid, q / depth - 1.0);

      if (slope < 0)
        lo = mid;
      else
        hi = mid;
    }
  return 0.5 * (lo + hi);
}

static void
test_gradient_finite_differences (void)
{
  const double w[3] = { 0.7, -0.4, 1.3 };
  const double qs[] = { 1.5, 2.0, 3.0, 4.5 };

  for (guint qi = 0; qi < G_N_ELEMENTS (qs); qi++)
    {
      double grad[3];

      lv_chain_objective (w, 3, Y, LAMBDA, qs[qi], grad);
      for (guint l = 0; l < 3; l++)
        {
          double wp[3] = { w[0], w[1], w[2] }, wm[3] = { w[0], w[1], w[2] }, h = 1e-6;
          double fd;

          wp[l] += h;
          wm[l] -= h;
          fd = (lv_chain_objective (wp, 3, Y, LAMBDA, qs[qi], NULL) -
                lv_chain_objective (wm, 3, Y, LAMBDA, qs[qi], NULL)) / (2 * h);
          g_assert_cmpfloat_with_epsilon (grad[l], fd, 1e-7);
        }
    }
}

/* q = 2 < L = 3: from a small start descent stays at the spurious minimum z = 0; no certificate. */
static void
test_stuck_when_q_below_depth (void)
{
  double w[3] = { 0.05, 0.05, 0.05 }, step = 0, polar;

  lv_chain_descend (w, 3, Y, LAMBDA, 2.0, 20000, 1e-10, &step);
  g_assert_cmpfloat (fabs (lv_chain_product (w, 3)), <, 1e-12);
  g_assert_true (lv_chain_is_stationary (w, 3, Y, LAMBDA, 2.0, 1e-10));
  g_assert_cmpint (lv_chain_certify (w, 3, Y, LAMBDA, 2.0, 1e-8, &polar), ==,
                   LV_CHAIN_CERT_UNBALANCED_LOW);
  /* The balanced polar at z = 0 is |y| / (lambda L) = 1 / 0.3. */
  g_assert_cmpfloat_with_epsilon (polar, 1.0 / 0.3, 1e-12);
}

/* q = L = 3: descent reaches the lasso minimum z* = y − lambda L = 0.7 and the certificate holds. */
static void
test_balanced_reaches_global (void)
{
  double w[3] = { 0.05, 0.05, 0.05 }, step = 0, polar;

  lv_chain_descend (w, 3, Y, LAMBDA, 3.0, 50000, 1e-11, &step);
  g_assert_cmpfloat_with_epsilon (lv_chain_product (w, 3), Y - LAMBDA * 3, 1e-6);
  /* Every local minimum is balanced: equal |w_l|. */
  g_assert_cmpfloat_with_epsilon (fabs (w[0]), fabs (w[2]), 1e-5);
  g_assert_cmpint (lv_chain_certify (w, 3, Y, LAMBDA, 3.0, 1e-8, &polar), ==,
                   LV_CHAIN_CERT_HOLDS);
  g_assert_cmpfloat_with_epsilon (polar, 1.0, 1e-4);
}

/* q = 4 > L: descent reaches the only minimum (a root of g'), but there is no certificate. */
static void
test_above_depth (void)
{
  double w[3] = { 0.05, 0.05, 0.05 }, step = 0;
  double expect = root (4.0, 3, 1e-9, 1.0);

  lv_chain_descend (w, 3, Y, LAMBDA, 4.0, 50000, 1e-11, &step);
  g_assert_cmpfloat_with_epsilon (lv_chain_product (w, 3), expect, 1e-6);
  g_assert_cmpint (lv_chain_certify (w, 3, Y, LAMBDA, 4.0, 1e-8, NULL), ==,
                   LV_CHAIN_CERT_UNBALANCED_HIGH);
}

/* q = L but started exactly at the zero slice with |y| > lambda L: stationary, certificate fails
 * (the zero slice is a saddle); with lambda L >= |y| zero is the global minimum and it holds. */
static void
test_zero_slice_certificate (void)
{
  double w[2] = { 0.0, 0.0 }, polar;

  g_assert_cmpint (lv_chain_certify (w, 2, Y, LAMBDA, 2.0, 1e-8, &polar), ==,
                   LV_CHAIN_CERT_FAILS);
  g_assert_cmpfloat_with_epsilon (polar, 1.0 / (2 * LAMBDA), 1e-12);
  g_assert_cmpint (lv_chain_certify (w, 2, Y, 0.6, 2.0, 1e-8, &polar), ==, LV_CHAIN_CERT_HOLDS);
  g_assert_cmpfloat_with_epsilon (polar, 1.0 / 1.2, 1e-12);
}

/* Mid-descent the certificate reports "not stationary"; the objective never increases. */
static void
test_monotone_and_not_stationary (void)
{
  double w[4] = { 0.3, 0.3, 0.3, 0.3 }, step = 0;
  double prev = lv_chain_objective (w, 4, Y, LAMBDA, 4.0, NULL);

  for (int i = 0; i < 30; i++)
    {
      double f;

      lv_chain_descend (w, 4, Y, LAMBDA, 4.0, 1, 1e-11, &step);
      f = lv_chain_objective (w, 4, Y, LAMBDA, 4.0, NULL);
      g_assert_cmpfloat (f, <=, prev);
      prev = f;
    }
  g_assert_cmpint (lv_chain_certify (w, 4, Y, LAMBDA, 4.0, 1e-12, NULL), ==,
                   LV_CHAIN_CERT_NOT_STATIONARY);
}

static void
test_bad_input (void)
{
  double w[2] = { 1, 1 }, step = 0;

  g_assert_true (isnan (lv_chain_objective (w, 0, Y, LAMBDA, 2, NULL)));
  g_assert_cmpuint (lv_chain_descend (w, 0, Y, LAMBDA, 2, 10, 1e-9, &step), ==, 0);
  g_assert_cmpint (lv_chain_certify (w, 2, Y, 0.0, 2.0, 1e-8, NULL), ==,
                   LV_CHAIN_CERT_NOT_STATIONARY);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  lv_core_init ();
  g_test_add_func ("/lossviz/chain-descent/gradient", test_gradient_finite_differences);
  g_test_add_func ("/lossviz/chain-descent/stuck-below-depth", test_stuck_when_q_below_depth);
  g_test_add_func ("/lossviz/chain-descent/balanced-global", test_balanced_reaches_global);
  g_test_add_func ("/lossviz/chain-descent/above-depth", test_above_depth);
  g_test_add_func ("/lossviz/chain-descent/zero-slice", test_zero_slice_certificate);
  g_test_add_func ("/lossviz/chain-descent/monotone", test_monotone_and_not_stationary);
  g_test_add_func ("/lossviz/chain-descent/bad-input", test_bad_input);
  return g_test_run ();
}
