/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <string.h>

#include <gsl/gsl_eigen.h>
#include <gsl/gsl_matrix.h>
#include <gsl/gsl_sort.h>

#include <lossviz/lossviz.h>

/* Stochastic Lanczos quadrature and Hutchinson's trace on a 147-parameter tanh network against
 * the full Hessian (formed from exact products, its eigenvalues by gsl_eigen_symm here): the
 * top eigenvalue to 1e-4 (relative), the trace within its error bar, the smoothed density
 * close to the exact eigenvalues smoothed the same way, and results independent of threads. */

typedef struct
{
  LvDataset *ds;
  LvHessian *h;
  gsize np;
  double *eig;      /* exact eigenvalues, ascending */
  double trace;     /* exact trace, Σ H_ii */
} Fixture;

static void
fixture_init (Fixture *f)
{
  LvRng rng;
  LvMlpShape shape;
  g_autoptr(GError) error = NULL;
  g_autofree float *x = g_new (float, 150 * 8);
  g_autofree guint32 *y = g_new (guint32, 150);
  g_autofree double *p = NULL, *H = NULL;
  gsl_matrix_view m;
  gsl_vector *eval;
  gsl_eigen_symm_workspace *ws;

  lv_rng_init (&rng, 17);
  for (guint i = 0; i < 150 * 8; i++)
    x[i] = (float) lv_rng_gaussian (&rng);
  for (guint i = 0; i < 150; i++)
    y[i] = lv_rng_below (&rng, 3);
  f->ds = lv_dataset_new_from_arrays ("random", 8, 3, 150, x, y, NULL, 0, NULL, NULL, NULL);
  g_assert_true (lv_mlp_shape_init (&shape, 8, 1, 12, 3, LV_ACTIVATION_TANH,
                                    LV_LOSS_CROSS_ENTROPY, TRUE, &error));
  f->np = lv_mlp_n_params (&shape);
  g_assert_cmpuint (f->np, ==, 147);
  p = g_new (double, f->np);
  for (gsize i = 0; i < f->np; i++)
    p[i] = 0.8 * lv_rng_gaussian (&rng);
  f->h = lv_hessian_new (&shape, p, f->ds, &error);
  g_assert_no_error (error);
  H = lv_hessian_full (f->h, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  f->trace = 0.0;
  for (gsize i = 0; i < f->np; i++)
    f->trace += H[i * f->np + i];
  m = gsl_matrix_view_array (H, f->np, f->np);
  eval = gsl_vector_alloc (f->np);
  ws = gsl_eigen_symm_alloc (f->np);
  g_assert_cmpint (gsl_eigen_symm (&m.matrix, eval, ws), ==, 0);
  f->eig = g_new (double, f->np);
  for (gsize i = 0; i < f->np; i++)
    f->eig[i] = gsl_vector_get (eval, i);
  gsl_sort (f->eig, 1, f->np);
  gsl_eigen_symm_free (ws);
  gsl_vector_free (eval);
}

static void
fixture_clear (Fixture *f)
{
  lv_hessian_free (f->h);
  lv_dataset_unref (f->ds);
  g_free (f->eig);
}

static void
test_top_eigenvalue_and_trace (void)
{
  Fixture f;
  g_autoptr(LvWorkerPool) pool = lv_worker_pool_new (2);
  g_autoptr(LvHessianSlq) slq = NULL;
  g_autoptr(GError) error = NULL;
  LvHessianTrace trace;
  double top;

  fixture_init (&f);
  top = f.eig[f.np - 1];
  g_assert_cmpfloat (top, >, 0.0);
  slq = lv_hessian_slq (f.h, pool, 10, 60, 5, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat (fabs (slq->max_eigenvalue - top), <, 1e-4 * fabs (top));
  g_assert_cmpfloat (slq->min_eigenvalue, >=, f.eig[0] - 1e-9 * fabs (top));
  /* The SLQ trace (same estimator, 10 probes) and Hutchinson with 400 probes: within 3 standard
   * errors of the exact trace, and the error bars are genuine (positive, below the trace). */
  g_assert_cmpfloat (slq->trace_std_error, >, 0.0);
  g_assert_cmpfloat (fabs (slq->trace - f.trace), <, 3 * slq->trace_std_error);
  g_assert_true (lv_hessian_trace_hutchinson (f.h, pool, 400, 9, &trace, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (trace.n_probes, ==, 400);
  g_assert_cmpfloat (trace.std_error, >, 0.0);
  g_assert_cmpfloat (trace.std_error, <, 0.2 * fabs (f.trace));
  g_assert_cmpfloat (fabs (trace.estimate - f.trace), <, 3 * trace.std_error);
  fixture_clear (&f);
}

/* With as many steps as parameters the Krylov space is everything: every node is an exact
 * eigenvalue, and the smoothed SLQ density approaches the exact one. */
static void
test_density (void)
{
  Fixture f;
  g_autoptr(LvHessianSlq) slq = NULL;
  g_autoptr(GError) error = NULL;
  const guint G = 400;
  double grid[400], dens[400], sigma, l1 = 0.0, mass = 0.0;

  fixture_init (&f);
  slq = lv_hessian_slq (f.h, NULL, 20, (guint) f.np, 3, NULL, &error);
  g_assert_no_error (error);
  for (guint k = 0; k < slq->n_probes; k++)
    for (guint j = 0; j < slq->n_nodes[k]; j++)
      {
        double node = slq->nodes[(gsize) k * slq->steps + j], best = INFINITY;
        for (gsize i = 0; i < f.np; i++)
          best = MIN (best, fabs (node - f.eig[i]));
        g_assert_cmpfloat (best, <, 1e-7 * fabs (f.eig[f.np - 1]));
      }
  sigma = 0.05 * (f.eig[f.np - 1] - f.eig[0]);
  lv_hessian_slq_density (slq, sigma, G, grid, dens);
  for (guint g = 0; g < G; g++)
    {
      double exact = 0.0, dx = grid[1] - grid[0];
      for (gsize i = 0; i < f.np; i++)
        exact += exp (-0.5 * pow ((grid[g] - f.eig[i]) / sigma, 2)) /
                 (f.np * sigma * sqrt (2 * G_PI));
      l1 += fabs (dens[g] - exact) * dx;
      mass += dens[g] * dx;
    }
  g_assert_cmpfloat (fabs (mass - 1.0), <, 0.01);
  g_assert_cmpfloat (l1, <, 0.15);
  fixture_clear (&f);
}

static void
test_threads_identical (void)
{
  Fixture f;
  g_autoptr(LvWorkerPool) pool = lv_worker_pool_new (3);
  g_autoptr(LvHessianSlq) a = NULL, b = NULL;
  LvHessianTrace ta, tb;

  fixture_init (&f);
  a = lv_hessian_slq (f.h, NULL, 4, 30, 7, NULL, NULL);
  b = lv_hessian_slq (f.h, pool, 4, 30, 7, NULL, NULL);
  g_assert_nonnull (a);
  g_assert_nonnull (b);
  g_assert_cmpmem (a->n_nodes, 4 * sizeof (guint), b->n_nodes, 4 * sizeof (guint));
  g_assert_cmpmem (a->nodes, 4 * 30 * sizeof (double), b->nodes, 4 * 30 * sizeof (double));
  g_assert_cmpmem (a->node_weights, 4 * 30 * sizeof (double), b->node_weights,
                   4 * 30 * sizeof (double));
  g_assert_true (lv_hessian_trace_hutchinson (f.h, NULL, 12, 1, &ta, NULL, NULL));
  g_assert_true (lv_hessian_trace_hutchinson (f.h, pool, 12, 1, &tb, NULL, NULL));
  g_assert_cmpfloat (ta.estimate, ==, tb.estimate);
  fixture_clear (&f);
}

static void
test_bad_input (void)
{
  Fixture f;
  g_autoptr(GError) error = NULL;
  LvHessianTrace t;

  fixture_init (&f);
  g_assert_null (lv_hessian_slq (f.h, NULL, 0, 10, 1, NULL, &error));
  g_assert_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  g_assert_null (lv_hessian_slq (f.h, NULL, 2, (guint) f.np + 1, 1, NULL, &error));
  g_assert_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  g_assert_false (lv_hessian_trace_hutchinson (f.h, NULL, 0, 1, &t, NULL, &error));
  g_assert_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT);
  fixture_clear (&f);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/lossviz/hessian-slq/top-and-trace", test_top_eigenvalue_and_trace);
  g_test_add_func ("/lossviz/hessian-slq/density", test_density);
  g_test_add_func ("/lossviz/hessian-slq/threads", test_threads_identical);
  g_test_add_func ("/lossviz/hessian-slq/bad-input", test_bad_input);
  return g_test_run ();
}
