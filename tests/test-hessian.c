/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <string.h>

#include <lossviz/lossviz.h>

/* A random dataset of n samples (Gaussian inputs, uniform labels, Gaussian targets). */
static LvDataset *
random_dataset (guint n, guint inputs, guint classes, gboolean targets, guint64 seed)
{
  LvRng rng;
  g_autofree float *x = g_new (float, (gsize) n * inputs);
  g_autofree guint32 *y = g_new (guint32, n);
  g_autofree float *t = targets ? g_new (float, n) : NULL; /* one real target per sample */

  lv_rng_init (&rng, seed);
  for (gsize i = 0; i < (gsize) n * inputs; i++)
    x[i] = (float) lv_rng_gaussian (&rng);
  for (guint i = 0; i < n; i++)
    y[i] = lv_rng_below (&rng, classes);
  if (t != NULL)
    for (guint i = 0; i < n; i++)
      t[i] = (float) lv_rng_gaussian (&rng);
  return lv_dataset_new_from_arrays ("random", inputs, classes, n, x, y, t, 0, NULL, NULL, NULL);
}

static double *
random_params (const LvMlpShape *shape, double scale, LvRng *rng)
{
  gsize np = lv_mlp_n_params (shape);
  double *p = g_new (double, np);

  for (gsize i = 0; i < np; i++)
    p[i] = scale * lv_rng_gaussian (rng);
  return p;
}

/* The dataset in double, for the independent reference lv_mlp_loss_grad_d(). */
typedef struct
{
  double *x, *t;
  guint n;
} DoubleData;

static void
double_data_init (DoubleData *d, const LvDataset *ds, gboolean use_targets, guint outputs)
{
  d->n = ds->n_train;
  d->x = g_new (double, (gsize) ds->n_train * ds->n_inputs);
  for (gsize i = 0; i < (gsize) ds->n_train * ds->n_inputs; i++)
    d->x[i] = ds->x_train[i];
  d->t = NULL;
  if (use_targets)
    {
      d->t = g_new (double, (gsize) ds->n_train * outputs);
      for (gsize i = 0; i < (gsize) ds->n_train * outputs; i++)
        d->t[i] = ds->t_train[i];
    }
}

static void
double_data_clear (DoubleData *d)
{
  g_free (d->x);
  g_free (d->t);
}

/*
 * H v by the R-operator against central differences of the independent analytic gradient
 * (lv_mlp_loss_grad_d): (∇L(θ + h v) − ∇L(θ − h v)) / 2h, h = 1e-5, error O(h²). Every smooth
 * activation and loss, depths 1–3, with and without biases, 300 samples (two chunks).
 * ReLU is included: a kink crossed by ±h v has probability ~1e-5 per unit and sample.
 */
static void
test_hvp_finite_differences (void)
{
  const guint n = 300, inputs = 5, hidden = 4;
  LvRng rng;
  guint checked = 0;

  lv_rng_init (&rng, 7);
  /* Variants: cross-entropy, MSE on one-hot labels, MSE on one real target per sample. */
  for (int act = LV_ACTIVATION_RELU; act <= LV_ACTIVATION_LINEAR; act++)
    for (guint variant = 0; variant < 3; variant++)
      for (guint depth = 1; depth <= 3; depth++)
        for (int bias = 0; bias <= 1; bias++)
          {
            LvMlpShape shape;
            LvLoss loss = variant == 0 ? LV_LOSS_CROSS_ENTROPY : LV_LOSS_MSE;
            gboolean targets = variant == 2;
            guint outputs = targets ? 1 : 3;
            g_autoptr(LvDataset) ds = random_dataset (n, inputs, targets ? 2 : outputs, targets,
                                                      rng.s[0]);
            g_autoptr(LvHessian) h = NULL;
            g_autoptr(LvHessianWorkspace) hws = NULL;
            g_autoptr(LvMlpWorkspaceD) ws = NULL;
            g_autoptr(GError) error = NULL;
            g_autofree double *p = NULL, *v = NULL, *hv = NULL, *gp = NULL, *gm = NULL;
            g_autofree double *q = NULL, *g_ref = NULL, *g_mine = NULL;
            DoubleData d;
            gsize np;
            double hv_norm = 0, l_ref, l_mine;
            const double step = 1e-5;

            g_assert_true (lv_mlp_shape_init (&shape, inputs, depth, hidden, outputs, act, loss,
                                              bias, &error));
            np = lv_mlp_n_params (&shape);
            p = random_params (&shape, 0.6, &rng);
            v = random_params (&shape, 1.0, &rng);
            h = lv_hessian_new (&shape, p, ds, &error);
            g_assert_no_error (error);
            hws = lv_hessian_workspace_new (h);
            hv = g_new (double, np);
            lv_hessian_vector_product (h, hws, v, hv);

            double_data_init (&d, ds, targets, outputs);
            ws = lv_mlp_workspace_new_d (&shape, n);
            q = g_new (double, np);
            gp = g_new (double, np);
            gm = g_new (double, np);
            for (gsize i = 0; i < np; i++)
              q[i] = p[i] + step * v[i];
            lv_mlp_loss_grad_d (&shape, q, d.x, ds->y_train, d.t, n, gp, NULL, ws);
            for (gsize i = 0; i < np; i++)
              q[i] = p[i] - step * v[i];
            lv_mlp_loss_grad_d (&shape, q, d.x, ds->y_train, d.t, n, gm, NULL, ws);
            for (gsize i = 0; i < np; i++)
              hv_norm = MAX (hv_norm, fabs (hv[i]));
            for (gsize i = 0; i < np; i++)
              {
                double fd = (gp[i] - gm[i]) / (2 * step);
                g_assert_cmpfloat_with_epsilon (hv[i], fd, 1e-5 * (1 + hv_norm));
              }

            /* The gradient of the R-pass equals the template's, to rounding. */
            g_ref = g_new (double, np);
            g_mine = g_new (double, np);
            l_ref = lv_mlp_loss_grad_d (&shape, p, d.x, ds->y_train, d.t, n, g_ref, NULL, ws);
            l_mine = lv_hessian_gradient (h, hws, g_mine);
            g_assert_cmpfloat_with_epsilon (l_mine, l_ref, 1e-12 * (1 + fabs (l_ref)));
            for (gsize i = 0; i < np; i++)
              g_assert_cmpfloat_with_epsilon (g_mine[i], g_ref[i], 1e-12);
            double_data_clear (&d);
            checked++;
          }
  g_assert_cmpuint (checked, ==, 4 * 3 * 3 * 2);
}

/* Mean loss at p through the independent double forward pass. */
static double
loss_at (const LvMlpShape *shape, const double *p, const DoubleData *d, const guint32 *y,
         LvMlpWorkspaceD *ws)
{
  return lv_mlp_loss_grad_d (shape, p, d->x, y, d->t, d->n, NULL, NULL, ws);
}

/*
 * The full Hessian of a tiny tanh network (14 parameters) against the brute-force
 * second-difference Hessian of the loss alone: [f(+,+) − f(+,−) − f(−,+) + f(−,−)] / 4h²
 * (h = 1e-4, error O(h²) plus rounding O(ε/h²) ≈ 1e-8).
 */
static void
test_brute_force (void)
{
  LvMlpShape shape;
  g_autoptr(LvDataset) ds = random_dataset (40, 3, 2, FALSE, 11);
  g_autoptr(LvHessian) h = NULL;
  g_autoptr(LvMlpWorkspaceD) ws = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree double *p = NULL, *H = NULL, *q = NULL;
  DoubleData d;
  double asym = -1;
  const double step = 1e-4;
  gsize np;
  LvRng rng;

  lv_rng_init (&rng, 3);
  g_assert_true (lv_mlp_shape_init (&shape, 3, 1, 2, 2, LV_ACTIVATION_TANH,
                                    LV_LOSS_CROSS_ENTROPY, TRUE, &error));
  np = lv_mlp_n_params (&shape);
  g_assert_cmpuint (np, ==, 14);
  p = random_params (&shape, 0.8, &rng);
  h = lv_hessian_new (&shape, p, ds, &error);
  g_assert_no_error (error);
  H = lv_hessian_full (h, NULL, &asym, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat (asym, <, 1e-12);

  double_data_init (&d, ds, FALSE, 2);
  ws = lv_mlp_workspace_new_d (&shape, d.n);
  q = g_memdup2 (p, np * sizeof (double));
  for (gsize i = 0; i < np; i++)
    for (gsize j = 0; j < np; j++)
      {
        double f[4];
        for (guint c = 0; c < 4; c++)
          {
            memcpy (q, p, np * sizeof (double));
            q[i] += (c < 2 ? 1 : -1) * step;
            q[j] += (c % 2 == 0 ? 1 : -1) * step;
            f[c] = loss_at (&shape, q, &d, ds->y_train, ws);
          }
        g_assert_cmpfloat_with_epsilon (H[i * np + j], (f[0] - f[1] - f[2] + f[3]) /
                                        (4 * step * step), 1e-5);
      }
  double_data_clear (&d);
}

/*
 * The full Hessian of a 113-parameter logistic network: symmetric to rounding before
 * symmetrising, eigenvalues ascending, their sum equal to the trace, and the same with 2
 * worker threads as without (bit for bit). Lanczos (40 steps) finds the same extremes, and with
 * as many steps as parameters the same index.
 */
static void
test_full_and_lanczos (void)
{
  LvMlpShape shape;
  g_autoptr(LvDataset) ds = random_dataset (200, 6, 3, FALSE, 5);
  g_autoptr(LvHessian) h = NULL;
  g_autoptr(LvWorkerPool) pool = lv_worker_pool_new (2);
  g_autoptr(GError) error = NULL;
  g_autoptr(LvHessianSpectrum) full = NULL, full_pool = NULL, lz = NULL, lz_all = NULL;
  g_autofree double *p = NULL, *H = NULL;
  double trace = 0, sum = 0, scale, asym;
  gsize np;
  LvRng rng;

  lv_rng_init (&rng, 9);
  g_assert_true (lv_mlp_shape_init (&shape, 6, 2, 6, 3, LV_ACTIVATION_LOGISTIC,
                                    LV_LOSS_CROSS_ENTROPY, TRUE, &error));
  np = lv_mlp_n_params (&shape);
  g_assert_cmpuint (np, ==, 6 * 6 + 6 + 6 * 6 + 6 + 6 * 3 + 3);
  p = random_params (&shape, 1.5, &rng);
  h = lv_hessian_new (&shape, p, ds, &error);
  g_assert_no_error (error);

  H = lv_hessian_full (h, NULL, &asym, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat (asym, <, 1e-10);
  for (gsize i = 0; i < np; i++)
    {
      trace += H[i * np + i];
      for (gsize j = 0; j < np; j++)
        g_assert_true (H[i * np + j] == H[j * np + i]);
    }

  full = lv_hessian_spectrum_full (h, NULL, 1e-6, NULL, &error);
  g_assert_no_error (error);
  full_pool = lv_hessian_spectrum_full (h, pool, 1e-6, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (full->n_eigenvalues, ==, np);
  for (gsize i = 0; i < np; i++)
    {
      sum += full->eigenvalues[i];
      g_assert_true (full->eigenvalues[i] == full_pool->eigenvalues[i]);
      if (i > 0)
        g_assert_cmpfloat (full->eigenvalues[i - 1], <=, full->eigenvalues[i]);
    }
  scale = MAX (fabs (full->min_eigenvalue), fabs (full->max_eigenvalue));
  g_assert_cmpfloat_with_epsilon (sum, trace, 1e-9 * (1 + fabs (trace)));
  /* A random logistic network is not at a minimum: negative curvature exists. */
  g_assert_cmpfloat (full->min_eigenvalue, <, 0);
  g_assert_cmpuint (full->negative_count, >, 0);
  g_assert_true (full->negative_count_exact);
  g_assert_true (isinf (full->condition));

  lz = lv_hessian_spectrum_lanczos (h, 40, 3, 1, 1e-6, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (lz->n_eigenvalues, ==, 6);
  g_assert_cmpfloat_with_epsilon (lz->max_eigenvalue, full->max_eigenvalue, 1e-8 * scale);
  g_assert_cmpfloat_with_epsilon (lz->min_eigenvalue, full->min_eigenvalue, 1e-6 * scale);
  g_assert_cmpfloat (lz->negative_count, <=, full->negative_count);
  g_assert_cmpfloat_with_epsilon (lz->gradient_norm, full->gradient_norm, 1e-12);

  lz_all = lv_hessian_spectrum_lanczos (h, (guint) np, 3, 2, 1e-6, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (lz_all->negative_count, ==, full->negative_count);
}

/* Out-of-range requests fail with a clear error instead of running away. */
static void
test_bad_input (void)
{
  LvMlpShape big, small;
  g_autoptr(LvDataset) ds = random_dataset (10, 64, 10, FALSE, 1);
  g_autoptr(LvHessian) h = NULL;
  g_autoptr(LvHessianSpectrum) s = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree double *p = NULL;
  LvRng rng;

  lv_rng_init (&rng, 1);
  g_assert_true (lv_mlp_shape_init (&big, 64, 1, 100, 10, LV_ACTIVATION_RELU,
                                    LV_LOSS_CROSS_ENTROPY, TRUE, NULL));
  g_assert_cmpuint (lv_mlp_n_params (&big), >, LV_HESSIAN_FULL_MAX_PARAMS);
  p = random_params (&big, 0.1, &rng);
  h = lv_hessian_new (&big, p, ds, &error);
  g_assert_no_error (error);
  s = lv_hessian_spectrum_full (h, NULL, 1e-6, NULL, &error);
  g_assert_null (s);
  g_assert_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT);
  g_assert_nonnull (strstr (error->message, "Lanczos"));
  g_clear_error (&error);

  s = lv_hessian_spectrum_lanczos (h, (guint) lv_mlp_n_params (&big) + 1, 3, 1, 1e-6, NULL,
                                   &error);
  g_assert_null (s);
  g_assert_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT);
  g_clear_error (&error);

  /* NaN parameters (a diverged run) and mismatched data are refused. */
  g_clear_pointer (&h, lv_hessian_free);
  p[3] = NAN;
  h = lv_hessian_new (&big, p, ds, &error);
  g_assert_null (h);
  g_assert_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  g_assert_true (lv_mlp_shape_init (&small, 3, 1, 2, 2, LV_ACTIVATION_RELU,
                                    LV_LOSS_CROSS_ENTROPY, TRUE, NULL));
  h = lv_hessian_new (&small, p, ds, &error);
  g_assert_null (h);
  g_assert_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  lv_core_init ();
  g_test_add_func ("/lossviz/hessian/hvp-finite-differences", test_hvp_finite_differences);
  g_test_add_func ("/lossviz/hessian/brute-force", test_brute_force);
  g_test_add_func ("/lossviz/hessian/full-and-lanczos", test_full_and_lanczos);
  g_test_add_func ("/lossviz/hessian/bad-input", test_bad_input);
  return g_test_run ();
}
