/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <string.h>

#include <gsl/gsl_eigen.h>
#include <gsl/gsl_matrix.h>
#include <gsl/gsl_sort_vector.h>

#include <lossviz/lossviz.h>

/* Core of the spherical p-spin glass: every expected value here comes from the definition
 * (brute-force sums over coupling tuples), finite differences or an independent linear-algebra
 * route, never from the code under test. Theory checks live in test-spinglass-theory.c. */

static LvSpinGlass *
new_glass (guint p, guint n, guint64 seed)
{
  g_autoptr(GError) error = NULL;
  LvSpinGlass *sg = lv_spin_glass_new (p, n, seed, 0, LV_SPIN_GLASS_MIXED, &error);

  g_assert_no_error (error);
  g_assert_nonnull (sg);
  return sg;
}

/* H from its definition: N^{-(p-1)/2} Σ over sorted tuples of K_t s^t. */
static double
brute_energy (const LvSpinGlass *sg, const double *s)
{
  guint p = lv_spin_glass_get_p (sg), n = lv_spin_glass_get_n (sg);
  guint t[5] = { 0 };
  double sum = 0.0;
  gboolean more = TRUE;

  while (more)
    {
      double term = lv_spin_glass_coupling (sg, t);
      int d;

      for (guint e = 0; e < p; e++)
        term *= s[t[e]];
      sum += term;
      /* next nondecreasing tuple */
      for (d = (int) p - 1; d >= 0 && t[d] + 1 >= n; d--)
        ;
      if (d < 0)
        more = FALSE;
      else
        {
          t[d]++;
          for (guint e = (guint) d + 1; e < p; e++)
            t[e] = t[d];
        }
    }
  return pow (n, -0.5 * (p - 1)) * sum;
}

static void
test_energy_definition (void)
{
  for (guint p = 2; p <= 5; p++)
    {
      g_autoptr(LvSpinGlass) sg = new_glass (p, 7, 11 + p);
      double s[7];

      lv_spin_glass_random_point (7, 3 * p, s);
      g_assert_cmpfloat_with_epsilon (lv_spin_glass_energy (sg, s), brute_energy (sg, s), 1e-12);
    }
}

/* Over disorder draws at a fixed point of the sphere, H ~ N(0, N) (covariance N R^p with R = 1).
 * The sample variance of n draws has relative standard error √(2/n); allow 5 of them. */
static void
test_energy_variance (void)
{
  const guint n = 20, draws = 1500;

  for (guint p = 2; p <= 4; p++)
    {
      double s[20], sum = 0.0, sum2 = 0.0, var;

      lv_spin_glass_random_point (n, 99, s);
      for (guint d = 0; d < draws; d++)
        {
          g_autoptr(GError) error = NULL;
          g_autoptr(LvSpinGlass) sg = lv_spin_glass_new (p, n, 1000 + d, 0, LV_SPIN_GLASS_DOUBLE,
                                                         &error);
          double h;

          g_assert_no_error (error);
          h = lv_spin_glass_energy (sg, s);
          sum += h;
          sum2 += h * h;
        }
      var = (sum2 - sum * sum / draws) / (draws - 1);
      g_assert_cmpfloat (fabs (var / n - 1.0), <, 5.0 * sqrt (2.0 / draws));
      g_assert_cmpfloat (fabs (sum / draws), <, 5.0 * sqrt ((double) n / draws));
    }
  /* p = 3 also at many random points of one large draw (nearly orthogonal points). */
  {
    g_autoptr(LvSpinGlass) sg = new_glass (3, 200, 5);
    const guint points = 800;
    g_autofree double *s = g_new (double, 200);
    double sum2 = 0.0;

    for (guint k = 0; k < points; k++)
      {
        double h;
        lv_spin_glass_random_point (200, 7000 + k, s);
        h = lv_spin_glass_energy (sg, s);
        sum2 += h * h;
      }
    g_assert_cmpfloat (fabs (sum2 / points / 200 - 1.0), <, 5.0 * sqrt (2.0 / points));
  }
}

static void
test_gradient_fd_euler (void)
{
  for (guint p = 2; p <= 5; p++)
    {
      const guint n = 9;
      g_autoptr(LvSpinGlass) sg = new_glass (p, n, 40 + p);
      double s[9], grad[9], rgrad[9], h, energy, gnorm, dot = 0.0, tdot = 0.0;

      lv_spin_glass_random_point (n, 8 + p, s);
      h = lv_spin_glass_gradient (sg, s, grad);
      for (guint i = 0; i < n; i++)
        {
          const double eps = 1e-5;
          double sp[9], sm[9], fd;

          memcpy (sp, s, sizeof s);
          memcpy (sm, s, sizeof s);
          sp[i] += eps;
          sm[i] -= eps;
          fd = (brute_energy (sg, sp) - brute_energy (sg, sm)) / (2 * eps);
          g_assert_cmpfloat (fabs (fd - grad[i]), <, 1e-7 * (1.0 + fabs (grad[i])));
          dot += s[i] * grad[i];
        }
      /* Euler: s·∇H = p H, with H from the definition. */
      g_assert_cmpfloat (fabs (dot - p * brute_energy (sg, s)), <, 1e-11 * (1 + fabs (dot)));
      g_assert_cmpfloat (fabs (h - brute_energy (sg, s)), <, 1e-12 * (1 + fabs (h)));
      /* The Riemannian gradient is tangent. */
      gnorm = lv_spin_glass_riemannian_gradient (sg, s, rgrad, &energy);
      for (guint i = 0; i < n; i++)
        tdot += s[i] * rgrad[i];
      g_assert_cmpfloat (fabs (tdot), <, 1e-12 * (1 + gnorm) * n);
      g_assert_cmpfloat_with_epsilon (energy, h, 1e-12);
    }
}

/* A tangent vector at s of unit norm, from a seed. */
static void
random_tangent (const double *s, guint n, guint64 seed, double *v)
{
  double dot = 0.0, norm = 0.0;

  lv_spin_glass_random_point (n, seed, v);
  for (guint i = 0; i < n; i++)
    dot += v[i] * s[i];
  for (guint i = 0; i < n; i++)
    v[i] -= dot / n * s[i];
  for (guint i = 0; i < n; i++)
    norm += v[i] * v[i];
  for (guint i = 0; i < n; i++)
    v[i] /= sqrt (norm);
}

/* Riemannian Hessian · v = P_s d/dt grad_R H(c(t)) at t = 0, c(t) = √N (s + t v)/|s + t v|,
 * by central differences along the curve on the sphere. */
static void
test_riemannian_hessian_fd (void)
{
  for (guint p = 2; p <= 5; p++)
    {
      const guint n = 10;
      g_autoptr(LvSpinGlass) sg = new_glass (p, n, 70 + p);
      double s[10], v[10], gp[10], gm[10], hv[10], hess[100], cp[10], cm[10], vd = 0.0;
      const double eps = 1e-5;

      lv_spin_glass_random_point (n, 17 + p, s);
      random_tangent (s, n, 23 + p, v);
      lv_spin_glass_riemannian_hessian (sg, s, hess);
      for (guint i = 0; i < n; i++)
        {
          cp[i] = s[i] + eps * v[i];
          cm[i] = s[i] - eps * v[i];
        }
      {
        double np = 0, nm = 0;
        for (guint i = 0; i < n; i++)
          {
            np += cp[i] * cp[i];
            nm += cm[i] * cm[i];
          }
        for (guint i = 0; i < n; i++)
          {
            cp[i] *= sqrt (n / np);
            cm[i] *= sqrt (n / nm);
          }
      }
      lv_spin_glass_riemannian_gradient (sg, cp, gp, NULL);
      lv_spin_glass_riemannian_gradient (sg, cm, gm, NULL);
      for (guint i = 0; i < n; i++)
        {
          hv[i] = (gp[i] - gm[i]) / (2 * eps);
          vd += hv[i] * s[i];
        }
      for (guint i = 0; i < n; i++)
        {
          double projected = hv[i] - vd / n * s[i], exact = 0.0;
          for (guint j = 0; j < n; j++)
            exact += hess[i * n + j] * v[j];
          g_assert_cmpfloat (fabs (projected - exact), <, 1e-6 * (1 + fabs (exact)));
        }
      /* The operator annihilates s. */
      for (guint i = 0; i < n; i++)
        {
          double hs = 0.0;
          for (guint j = 0; j < n; j++)
            hs += hess[i * n + j] * s[j];
          g_assert_cmpfloat (fabs (hs), <, 1e-10);
        }
    }
}

/* The Householder tangent spectrum against a second route: the eigenvalues of
 * P M P + c u uᵀ (c above the whole spectrum), dropping the one eigenvalue at c. */
static void
test_tangent_spectrum (void)
{
  const guint n = 30;
  g_autoptr(LvSpinGlass) sg = new_glass (3, n, 8);
  g_autofree double *s = g_new (double, n);
  g_autofree double *m = g_new (double, n * n);
  g_autofree double *eigs = g_new (double, n - 1);
  gsl_matrix_view view = gsl_matrix_view_array (m, n, n);
  gsl_vector *values = gsl_vector_alloc (n);
  gsl_eigen_symm_workspace *ws = gsl_eigen_symm_alloc (n);
  g_autoptr(GError) error = NULL;
  double shift = 0.0, min_eig;
  int negatives = 0, index;

  lv_spin_glass_random_point (n, 4, s);
  lv_spin_glass_riemannian_hessian (sg, s, m);
  for (guint i = 0; i < n * n; i++)
    shift += m[i] * m[i];
  shift = sqrt (shift) + 1.0;
  for (guint i = 0; i < n; i++)
    for (guint j = 0; j < n; j++)
      m[i * n + j] += shift * s[i] * s[j] / n;
  g_assert_cmpint (gsl_eigen_symm (&view.matrix, values, ws), ==, 0);
  gsl_sort_vector (values);
  g_assert_cmpfloat (fabs (gsl_vector_get (values, n - 1) - shift), <, 1e-9 * shift);

  g_assert_true (lv_spin_glass_tangent_spectrum (sg, s, eigs, &error));
  g_assert_no_error (error);
  for (guint i = 0; i + 1 < n; i++)
    {
      g_assert_cmpfloat (fabs (eigs[i] - gsl_vector_get (values, i)), <, 1e-9);
      negatives += gsl_vector_get (values, i) < 0.0;
    }
  /* A random point is a high-index point: the index is positive and consistent. */
  index = lv_spin_glass_index (sg, s, &min_eig, &error);
  g_assert_no_error (error);
  g_assert_cmpint (index, ==, negatives);
  g_assert_cmpint (index, >, 0);
  g_assert_cmpfloat (min_eig, ==, eigs[0]);
  gsl_vector_free (values);
  gsl_eigen_symm_free (ws);
}

/* The batched GEMM equals one contraction per start (double and float). */
static void
test_batched_contraction (void)
{
  for (guint p = 2; p <= 5; p++)
    {
      const guint n = 12, b = 7;
      g_autoptr(LvSpinGlass) sg = new_glass (p, n, 100 + p);
      double batch[12 * 7], grads[12 * 7], one[12], g1[12];
      float batchf[12 * 7], gradsf[12 * 7];

      for (guint k = 0; k < b; k++)
        {
          lv_spin_glass_random_point (n, 500 + k, one);
          for (guint i = 0; i < n; i++)
            batch[i * b + k] = batchf[i * b + k] = (float) one[i];
        }
      lv_spin_glass_contract (sg, batch, b, grads);
      lv_spin_glass_contract_float (sg, -1, batchf, b, gradsf);
      for (guint k = 0; k < b; k++)
        {
          for (guint i = 0; i < n; i++)
            one[i] = batch[i * b + k];
          lv_spin_glass_gradient (sg, one, g1);
          for (guint i = 0; i < n; i++)
            {
              g_assert_cmpfloat (fabs (grads[i * b + k] - g1[i]), <, 1e-12 * (1 + fabs (g1[i])));
              g_assert_cmpfloat (fabs (gradsf[i * b + k] - g1[i]), <, 1e-4 * (1 + fabs (g1[i])));
            }
        }
    }
}

/* The SGD split: parts sum to the full couplings (checked through the gradients). */
static void
test_parts_sum (void)
{
  const guint n = 15, parts = 3;
  g_autoptr(GError) error = NULL;
  g_autoptr(LvSpinGlass) sg = lv_spin_glass_new (3, n, 5, parts, LV_SPIN_GLASS_DOUBLE, &error);
  float sf[15], gf[15];
  double s[15], g[15], sum[15] = { 0 };

  g_assert_no_error (error);
  lv_spin_glass_random_point (n, 6, s);
  for (guint i = 0; i < n; i++)
    sf[i] = (float) s[i];
  for (guint i = 0; i < n; i++)
    s[i] = sf[i];
  for (guint k = 0; k < parts; k++)
    {
      lv_spin_glass_contract_float (sg, (int) k, sf, 1, gf);
      for (guint i = 0; i < n; i++)
        sum[i] += gf[i];
    }
  lv_spin_glass_gradient (sg, s, g);
  for (guint i = 0; i < n; i++)
    g_assert_cmpfloat (fabs (sum[i] - g[i]), <, 1e-4 * (1 + fabs (g[i])));
}

static void
test_bad_input (void)
{
  LvSpinGlassConfig config;
  g_autoptr(GError) error = NULL;
  LvSpinGlass *sg;

  sg = lv_spin_glass_new (6, 10, 1, 0, LV_SPIN_GLASS_DOUBLE, &error);
  g_assert_null (sg);
  g_assert_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  sg = lv_spin_glass_new (5, 1000, 1, 0, LV_SPIN_GLASS_DOUBLE, &error);
  g_assert_null (sg);
  g_assert_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT);
  g_clear_error (&error);

  lv_spin_glass_config_init (&config, 3, 20);
  config.runs = 0;
  g_assert_false (lv_spin_glass_config_check (&config, &error));
  g_assert_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  lv_spin_glass_config_init (&config, 3, 1);
  g_assert_false (lv_spin_glass_config_check (&config, &error));
  g_clear_error (&error);
  lv_spin_glass_config_init (&config, 3, 400);
  g_assert_false (config.compute_index);
  g_assert_true (lv_spin_glass_config_check (&config, &error));
  config.compute_index = TRUE;
  g_assert_false (lv_spin_glass_config_check (&config, &error));
  g_clear_error (&error);
  lv_spin_glass_config_init (&config, 3, 20);
  config.tol = NAN;
  g_assert_false (lv_spin_glass_config_check (&config, &error));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  lv_core_init ();
  g_test_add_func ("/lossviz/spinglass/energy-definition", test_energy_definition);
  g_test_add_func ("/lossviz/spinglass/energy-variance", test_energy_variance);
  g_test_add_func ("/lossviz/spinglass/gradient-fd-euler", test_gradient_fd_euler);
  g_test_add_func ("/lossviz/spinglass/riemannian-hessian-fd", test_riemannian_hessian_fd);
  g_test_add_func ("/lossviz/spinglass/tangent-spectrum", test_tangent_spectrum);
  g_test_add_func ("/lossviz/spinglass/batched-contraction", test_batched_contraction);
  g_test_add_func ("/lossviz/spinglass/parts-sum", test_parts_sum);
  g_test_add_func ("/lossviz/spinglass/bad-input", test_bad_input);
  return g_test_run ();
}
