/* SPDX-License-Identifier: GPL-3.0-or-later */
#define _GNU_SOURCE /* dladdr */
#include "config.h"

#include <dlfcn.h>
#include <math.h>
#include <string.h>

#include <cblas.h>
#include <lossviz/lossviz.h>

/* Total objective (data + regulariser) in double, and its analytic gradient. */
static double
objective (const LvMlpShape *shape, const LvRegularizer *reg, const double *p, const double *x,
           const guint32 *y, const double *t, guint n, double *grad, LvMlpWorkspaceD *ws)
{
  double v = lv_mlp_loss_grad_d (shape, p, x, y, t, n, grad, NULL, ws);
  return v + lv_regularizer_apply_d (reg, shape, p, grad);
}

/*
 * Every activation × loss × depth × regulariser: the analytic gradient against central finite
 * differences, h = 1e-6, in double. Points are random, so relu/hinge kinks are hit with
 * probability ~1e-6 per coordinate; parameters are drawn away from zero so |w|^q is smooth.
 */
static void
test_gradient_finite_differences (void)
{
  const guint n = 6, inputs = 4, hidden = 3, outputs = 3;
  const LvRegularizer regs[] = {
    { LV_REG_LAYER, 2.0, 0.0 }, { LV_REG_LAYER, 2.0, 0.05 }, { LV_REG_LAYER, 1.5, 0.05 },
    { LV_REG_LAYER, 3.0, 0.05 }, { LV_REG_UNIT, 0.0, 0.05 },
  };
  LvRng rng;
  guint checked = 0;

  lv_rng_init (&rng, 2024);
  for (int act = LV_ACTIVATION_RELU; act <= LV_ACTIVATION_LINEAR; act++)
    for (int loss = LV_LOSS_CROSS_ENTROPY; loss <= LV_LOSS_HINGE; loss++)
      for (guint depth = 1; depth <= LV_MLP_MAX_DEPTH; depth++)
        for (guint r = 0; r < G_N_ELEMENTS (regs); r++)
          for (int bias = 0; bias <= 1; bias++)
            {
              LvMlpShape shape;
              g_autoptr(GError) error = NULL;
              gsize np;
              g_autofree double *p = NULL, *g = NULL, *x = NULL, *t = NULL;
              guint32 y[6];
              g_autoptr(LvMlpWorkspaceD) ws = NULL;

              g_assert_true (lv_mlp_shape_init (&shape, inputs, depth, hidden, outputs, act, loss,
                                                bias, &error));
              np = lv_mlp_n_params (&shape);
              p = g_new (double, np);
              g = g_new (double, np);
              x = g_new (double, n * inputs);
              t = g_new (double, n * outputs);
              for (gsize i = 0; i < np; i++)
                {
                  double u = 0.3 + 0.7 * lv_rng_uniform (&rng);
                  p[i] = lv_rng_uniform (&rng) < 0.5 ? -u : u;
                }
              for (guint i = 0; i < n * inputs; i++)
                x[i] = lv_rng_gaussian (&rng);
              for (guint i = 0; i < n * outputs; i++)
                t[i] = lv_rng_gaussian (&rng);
              for (guint i = 0; i < n; i++)
                y[i] = lv_rng_below (&rng, outputs);
              ws = lv_mlp_workspace_new_d (&shape, n);
              objective (&shape, &regs[r], p, x, y, loss == LV_LOSS_MSE ? t : NULL, n, g, ws);
              for (gsize i = 0; i < np; i++)
                {
                  const double h = 1e-6, saved = p[i];
                  double fp, fm, fd;
                  p[i] = saved + h;
                  fp = objective (&shape, &regs[r], p, x, y, loss == LV_LOSS_MSE ? t : NULL, n,
                                  NULL, ws);
                  p[i] = saved - h;
                  fm = objective (&shape, &regs[r], p, x, y, loss == LV_LOSS_MSE ? t : NULL, n,
                                  NULL, ws);
                  p[i] = saved;
                  fd = (fp - fm) / (2 * h);
                  if (fabs (fd - g[i]) > 1e-6 * (1 + fabs (fd)))
                    g_error ("act %s loss %s depth %u reg %u bias %d param %zu: analytic %.10g "
                             "vs finite difference %.10g", lv_activation_to_string (act),
                             lv_loss_to_string (loss), depth, r, bias, i, g[i], fd);
                  checked++;
                }
            }
  g_test_message ("%u partial derivatives checked", checked);
}

/* The float training path and the double path compute the same loss and gradient. */
static void
test_float_matches_double (void)
{
  LvMlpShape shape;
  const guint n = 32;
  gsize np;
  LvRng rng;
  g_autofree float *pf = NULL, *gf = NULL, *xf = NULL;
  g_autofree double *pd = NULL, *gd = NULL, *xd = NULL;
  guint32 y[32];
  g_autoptr(LvMlpWorkspace) wsf = NULL;
  g_autoptr(LvMlpWorkspaceD) wsd = NULL;
  double lf, ld, max_g = 0, max_diff = 0;

  g_assert_true (lv_mlp_shape_init (&shape, 10, 2, 20, 5, LV_ACTIVATION_TANH,
                                    LV_LOSS_CROSS_ENTROPY, TRUE, NULL));
  np = lv_mlp_n_params (&shape);
  pf = g_new (float, np);
  gf = g_new (float, np);
  pd = g_new (double, np);
  gd = g_new (double, np);
  xf = g_new (float, n * 10);
  xd = g_new (double, n * 10);
  lv_rng_init (&rng, 5);
  lv_mlp_init_params (&shape, LV_INIT_GLOROT, &rng, pf);
  for (gsize i = 0; i < np; i++)
    pd[i] = pf[i];
  for (guint i = 0; i < n * 10; i++)
    xd[i] = xf[i] = (float) lv_rng_gaussian (&rng);
  for (guint i = 0; i < n; i++)
    y[i] = lv_rng_below (&rng, 5);
  wsf = lv_mlp_workspace_new (&shape, n);
  wsd = lv_mlp_workspace_new_d (&shape, n);
  lf = lv_mlp_loss_grad (&shape, pf, xf, y, NULL, n, gf, NULL, wsf);
  ld = lv_mlp_loss_grad_d (&shape, pd, xd, y, NULL, n, gd, NULL, wsd);
  g_assert_cmpfloat (fabs (lf - ld), <, 1e-5 * ld);
  for (gsize i = 0; i < np; i++)
    {
      max_g = MAX (max_g, fabs (gd[i]));
      max_diff = MAX (max_diff, fabs (gd[i] - gf[i]));
    }
  g_assert_cmpfloat (max_diff, <, 1e-5 * max_g);
}

/* Cross-entropy of zero weights is log(classes) exactly; accuracy counts argmax hits. */
static void
test_known_values (void)
{
  LvMlpShape shape;
  float p[3 * 2 + 3 + 3 * 3 + 3] = { 0 };
  float x[2 * 2] = { 1, 2, -1, 0.5f };
  guint32 y[2] = { 0, 2 };
  guint correct = 99;
  g_autoptr(LvMlpWorkspace) ws = NULL;
  double loss;

  g_assert_true (lv_mlp_shape_init (&shape, 2, 1, 3, 3, LV_ACTIVATION_RELU,
                                    LV_LOSS_CROSS_ENTROPY, TRUE, NULL));
  g_assert_cmpuint (lv_mlp_n_params (&shape), ==, G_N_ELEMENTS (p));
  ws = lv_mlp_workspace_new (&shape, 2);
  loss = lv_mlp_loss_grad (&shape, p, x, y, NULL, 2, NULL, &correct, ws);
  g_assert_cmpfloat_with_epsilon (loss, log (3.0), 1e-6);
  /* Output bias favouring class 2: sample 1 right, sample 0 wrong. */
  p[lv_mlp_bias_offset (&shape, 1) + 2] = 1.0f;
  lv_mlp_loss_grad (&shape, p, x, y, NULL, 2, NULL, &correct, ws);
  g_assert_cmpuint (correct, ==, 1);
}

/* Without biases, relu nets are positively homogeneous of degree L: f(aW) = a^L f(W). */
static void
test_homogeneity_without_bias (void)
{
  LvMlpShape shape;
  gsize np;
  LvRng rng;
  g_autofree double *p = NULL, *x = NULL, *t = NULL;
  g_autoptr(LvMlpWorkspaceD) ws = NULL;
  guint32 y = 0;

  g_assert_true (lv_mlp_shape_init (&shape, 3, 2, 4, 1, LV_ACTIVATION_RELU, LV_LOSS_MSE, FALSE,
                                    NULL));
  np = lv_mlp_n_params (&shape);
  p = g_new (double, np);
  x = g_new (double, 3);
  t = g_new0 (double, 1);
  lv_rng_init (&rng, 11);
  for (gsize i = 0; i < np; i++)
    p[i] = lv_rng_gaussian (&rng);
  for (guint i = 0; i < 3; i++)
    x[i] = lv_rng_gaussian (&rng);
  ws = lv_mlp_workspace_new_d (&shape, 1);
  {
    /* With target 0, loss = f^2 / 2, so loss(aW) = a^(2L) loss(W) with L = 3. */
    double l1 = lv_mlp_loss_grad_d (&shape, p, x, &y, t, 1, NULL, NULL, ws);
    for (gsize i = 0; i < np; i++)
      p[i] *= 1.7;
    g_assert_cmpfloat_with_epsilon (lv_mlp_loss_grad_d (&shape, p, x, &y, t, 1, NULL, NULL, ws),
                                    l1 * pow (1.7, 6), 1e-9 * (1 + l1 * pow (1.7, 6)));
  }
}

static void
test_absurd_shapes_refused (void)
{
  LvMlpShape shape;
  g_autoptr(GError) error = NULL;

  g_assert_false (lv_mlp_shape_init (&shape, 100, 1, 0, 10, 0, 0, TRUE, &error));
  g_assert_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  g_assert_false (lv_mlp_shape_init (&shape, 100, 4, 1000000, 10, 0, 0, TRUE, &error));
  g_assert_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  g_assert_false (lv_mlp_shape_init (&shape, 100, 5, 10, 10, 0, 0, TRUE, &error));
  g_assert_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT);
}

/* docs/DESIGN.md: gsl.pc adds -lgslcblas; cblas_sgemm must still come from OpenBLAS. */
static void
test_sgemm_is_openblas (void)
{
  Dl_info info;

  g_assert_true (dladdr ((void *) cblas_sgemm, &info) != 0);
  g_test_message ("cblas_sgemm from %s", info.dli_fname);
  g_assert_nonnull (strstr (info.dli_fname, "openblas"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  lv_core_init ();
  g_test_add_func ("/lossviz/mlp/gradient-finite-differences", test_gradient_finite_differences);
  g_test_add_func ("/lossviz/mlp/float-matches-double", test_float_matches_double);
  g_test_add_func ("/lossviz/mlp/known-values", test_known_values);
  g_test_add_func ("/lossviz/mlp/homogeneity-without-bias", test_homogeneity_without_bias);
  g_test_add_func ("/lossviz/mlp/absurd-shapes-refused", test_absurd_shapes_refused);
  g_test_add_func ("/lossviz/mlp/sgemm-is-openblas", test_sgemm_is_openblas);
  return g_test_run ();
}
