/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_integration.h>

#include <lossviz/lossviz.h>

/* ABC complexity and band edges, solved a second way here: I_1 by adaptive quadrature
 * (gsl_integration_qags) and the roots by plain bisection, neither of which the core uses. */

typedef struct
{
  double e;
} Params;

/* ∫_u^{−e} √(z² − e²) dz with z = −e − y²: ∫_0^{√(−e−u)} 2 y² √(2e + y²) dy, smooth in y
 * (the square-root edge at z = −e would otherwise defeat the extrapolation in qags). */
static double
integrand (double y, void *data)
{
  Params *params = data;

  return 2.0 * y * y * sqrt (2.0 * params->e + y * y);
}

static double
i1_quadrature (double u, guint p)
{
  Params params = { lv_spin_glass_e_inf (p) };
  gsl_function fn = { integrand, &params };
  gsl_integration_workspace *ws = gsl_integration_workspace_alloc (200);
  double result = 0.0, abserr = 0.0;
  int status;

  if (u >= -params.e)
    return 0.0;
  status = gsl_integration_qags (&fn, 0.0, sqrt (-params.e - u), 0.0, 1e-13, 200, ws, &result,
                                 &abserr);
  gsl_integration_workspace_free (ws);
  if (status != GSL_SUCCESS)
    g_test_message ("qags status %d (%s) at u = %.17g, abserr %g", status, gsl_strerror (status), u, abserr);
  g_assert_true (status == GSL_SUCCESS || status == GSL_EROUND);
  return 2.0 / (params.e * params.e) * result;
}

static double
theta_quadrature (double u, guint p, guint k)
{
  double e = lv_spin_glass_e_inf (p);

  if (u >= -e)
    return 0.5 * log (p - 1.0) - (p - 2.0) / p;
  return 0.5 * log (p - 1.0) - (p - 2.0) / (4.0 * (p - 1.0)) * u * u - (k + 1.0) * i1_quadrature (u, p);
}

/* Bisection for the root of the quadrature Θ below −E_inf. */
static double
edge_bisection (guint p, guint k)
{
  double hi = -lv_spin_glass_e_inf (p), lo = hi - 1.0;

  while (theta_quadrature (lo, p, k) >= 0.0)
    lo -= 1.0;
  for (int iter = 0; iter < 200 && hi - lo > 1e-14; iter++)
    {
      double mid = 0.5 * (lo + hi);
      if (theta_quadrature (mid, p, k) < 0.0)
        lo = mid;
      else
        hi = mid;
    }
  return -0.5 * (lo + hi);
}

static void
test_e_inf_plateau (void)
{
  g_assert_cmpfloat (fabs (lv_spin_glass_e_inf (3) - 2.0 * sqrt (2.0 / 3.0)), <, 1e-12);
  /* docs/THEORY.md §1.2, computed independently with mpmath. */
  g_assert_cmpfloat (fabs (lv_spin_glass_plateau (3) - 0.0132403), <, 5e-8);
  g_assert_cmpfloat (fabs (lv_spin_glass_plateau (4) - 0.0493061), <, 5e-8);
  g_assert_cmpfloat (fabs (lv_spin_glass_plateau (5) - 0.0931472), <, 5e-8);
}

static void
test_i1_forms (void)
{
  for (guint p = 2; p <= 5; p++)
    {
      double e = lv_spin_glass_e_inf (p);
      const double offsets[] = { 1e-9, 1e-6, 1e-4, 1e-2, 0.1, 0.5, 2.0, 10.0 };

      for (guint i = 0; i < G_N_ELEMENTS (offsets); i++)
        {
          double u = -e - offsets[i], closed = lv_spin_glass_i1 (u, p);
          double quad = i1_quadrature (u, p);
          g_assert_cmpfloat (fabs (closed - quad), <, 1e-12 * (1 + quad) + 1e-20);
        }
      g_assert_cmpfloat (lv_spin_glass_i1 (-e + 0.1, p), ==, 0.0);
      /* Θ_p: continuous at −E_inf and 0, flat at ½ log(p−1) above 0. */
      g_assert_cmpfloat (fabs (lv_spin_glass_theta_total (-e - 1e-12, p) -
                               lv_spin_glass_theta_total (-e + 1e-12, p)), <, 1e-9);
      g_assert_cmpfloat (fabs (lv_spin_glass_theta_total (-1e-9, p) - 0.5 * log (p - 1.0)), <,
                         1e-12);
      g_assert_cmpfloat (lv_spin_glass_theta_total (0.7, p), ==, 0.5 * log (p - 1.0));
      g_assert_cmpfloat (fabs (lv_spin_glass_theta_k (-e, p, 3) - lv_spin_glass_plateau (p)), <,
                         1e-15);
    }
}

static void
test_band_edges (void)
{
  for (guint p = 3; p <= 5; p++)
    {
      double edges[LV_SPIN_GLASS_K_MAX + 1], e = lv_spin_glass_e_inf (p);
      g_autoptr(GError) error = NULL;

      g_assert_true (lv_spin_glass_band_edges (p, LV_SPIN_GLASS_K_MAX, edges, &error));
      g_assert_no_error (error);
      for (guint k = 0; k <= LV_SPIN_GLASS_K_MAX; k++)
        {
          double other = edge_bisection (p, k);
          g_assert_cmpfloat (fabs (edges[k] - other), <, 1e-10);
          g_assert_cmpfloat (fabs (lv_spin_glass_theta_k (-edges[k], p, k)), <, 1e-12);
          if (k > 0)
            g_assert_cmpfloat (edges[k - 1], >, edges[k]);
        }
      g_assert_cmpfloat (edges[LV_SPIN_GLASS_K_MAX], >, e);
    }
  {
    double edges[2];
    g_assert_true (lv_spin_glass_band_edges (3, 0, edges, NULL));
    /* The literature value E_0(3) ≈ 1.657 (docs/THEORY.md §1.2). */
    g_assert_cmpfloat (fabs (edges[0] - 1.657), <, 0.001);
    /* p = 2: the plateau is 0 and every edge sits at E_inf = √2. */
    g_assert_true (lv_spin_glass_band_edges (2, 1, edges, NULL));
    g_assert_cmpfloat (fabs (edges[0] - sqrt (2.0)), <, 1e-15);
  }
  {
    double edges[12];
    g_autoptr(GError) error = NULL;
    g_assert_false (lv_spin_glass_band_edges (3, 11, edges, &error));
    g_assert_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT);
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  lv_core_init ();
  g_test_add_func ("/lossviz/spinglass-theory/e-inf-plateau", test_e_inf_plateau);
  g_test_add_func ("/lossviz/spinglass-theory/i1-forms", test_i1_forms);
  g_test_add_func ("/lossviz/spinglass-theory/band-edges", test_band_edges);
  return g_test_run ();
}
