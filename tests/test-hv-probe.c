/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The Haeffele–Vidal descent probe (lv_hv_descent_probe_run): the MF objective decreases to
 * the SVT optimum and the last certificate is lv_mf_certify's at the final factors; the chain
 * reaches the closed-form minimiser; cancelling keeps a consistent history. */
#include "config.h"

#include <math.h>
#include <string.h>

#include <lossviz/lossviz.h>

#define M 6
#define N 5
#define LAMBDA 0.5

static void
random_matrix (LvRng *rng, double *a, gsize n, double scale)
{
  for (gsize i = 0; i < n; i++)
    a[i] = scale * (2.0 * lv_rng_uniform (rng) - 1.0);
}

/* F(U, V) = ½‖Y − UVᵀ‖²_F + λ/2 (‖U‖² + ‖V‖²), written out here. */
static double
mf_objective (const double *y, const double *u, const double *v, guint r)
{
  double f = 0;

  for (guint i = 0; i < M; i++)
    for (guint j = 0; j < N; j++)
      {
        double z = 0;
        for (guint k = 0; k < r; k++)
          z += u[i * r + k] * v[j * r + k];
        f += 0.5 * (y[i * N + j] - z) * (y[i * N + j] - z);
      }
  for (guint k = 0; k < M * r; k++)
    f += 0.5 * LAMBDA * u[k] * u[k];
  for (guint k = 0; k < N * r; k++)
    f += 0.5 * LAMBDA * v[k] * v[k];
  return f;
}

typedef struct
{
  double y[M * N], u[M * N], v[N * N];
} MfData;

static void
mf_input (LvHvDescentInput *in, MfData *data, guint r)
{
  LvRng rng;

  lv_rng_init (&rng, 42);
  random_matrix (&rng, data->y, M * N, 2.0);
  random_matrix (&rng, data->u, M * r, 0.1);
  random_matrix (&rng, data->v, N * r, 0.1);
  lv_hv_descent_input_init (in, LV_HV_DESCENT_MF);
  in->y = data->y;
  in->u = data->u;
  in->v = data->v;
  in->m = M;
  in->n = N;
  in->r = r;
  in->lambda = LAMBDA;
  in->first_step = 100;
}

static void
test_mf (void)
{
  MfData data;
  LvHvDescentInput in;
  LvHvDescentResult res = { 0 };
  LvMfCertificate cert;
  g_autoptr(GError) error = NULL;
  double optimum;
  guint rank, n;

  mf_input (&in, &data, N);
  g_assert_true (lv_hv_descent_probe_run (&in, &res, NULL, &error));
  g_assert_no_error (error);
  n = res.xs->len;
  g_assert_cmpuint (n, >, 3);
  g_assert_cmpuint (res.a->len, ==, n);
  g_assert_cmpuint (res.b->len, ==, n);
  g_assert_true (res.done);
  /* The start is the first point, counted from first_step; steps then grow. */
  g_assert_cmpfloat (g_array_index (res.xs, double, 0), ==, 101.0);
  g_assert_cmpfloat (g_array_index (res.xs, double, n - 1), ==, 101.0 + res.steps);
  g_assert_cmpfloat (fabs (g_array_index (res.a, double, 0) -
                           mf_objective (data.y, data.u, data.v, N)), <, 1e-12);
  for (guint i = 1; i < n; i++)
    {
      g_assert_cmpfloat (g_array_index (res.xs, double, i), >, g_array_index (res.xs, double, i - 1));
      g_assert_cmpfloat (g_array_index (res.a, double, i), <=, g_array_index (res.a, double, i - 1));
    }
  /* The last point is the published factors', and at the SVT closed form's optimum. */
  g_assert_cmpfloat (fabs (g_array_index (res.a, double, n - 1) -
                           mf_objective (data.y, res.u, res.v, N)), <, 1e-12);
  g_assert_true (lv_mf_closed_form (data.y, M, N, LAMBDA, NULL, &optimum, &rank, &error));
  g_assert_cmpfloat (fabs (g_array_index (res.a, double, n - 1) - optimum), <, 1e-6 * optimum);
  /* The certificate is lv_mf_certify's at the final U, V. */
  g_assert_true (lv_mf_certify (data.y, M, N, res.u, res.v, N, LAMBDA, in.cert_grad_tol, &cert,
                                &error));
  g_assert_cmpfloat (res.cert.objective, ==, cert.objective);
  g_assert_cmpfloat (res.cert.gradient_norm, ==, cert.gradient_norm);
  g_assert_cmpfloat (res.cert.residual_norm, ==, cert.residual_norm);
  g_assert_cmpfloat (g_array_index (res.b, double, n - 1), ==, cert.residual_norm);
  g_assert_cmpint (res.cert.certified, ==, cert.certified);
  g_assert_true (res.cert.certified);
  for (guint i = 0; i < M; i++)
    g_assert_cmpfloat (res.cert.top_left[i], ==, cert.top_left[i]);
  lv_mf_certificate_clear (&cert);
  lv_hv_descent_result_clear (&res);
}

/* One batch (`lossviz-cli certify`): exactly lv_mf_descend then lv_mf_certify at the end point. */
static void
test_mf_single_batch (void)
{
  MfData data, direct;
  LvHvDescentInput in;
  LvHvDescentResult res = { 0 };
  LvMfCertificate cert;
  g_autoptr(GError) error = NULL;
  double step = 0;
  guint iters;

  mf_input (&in, &data, 3);
  direct = data;
  in.single_batch = TRUE;
  in.max_steps = 500;
  in.grad_tol = 1e-8;
  in.cert_grad_tol = 1e-7;
  g_assert_true (lv_hv_descent_probe_run (&in, &res, NULL, &error));
  g_assert_no_error (error);
  iters = lv_mf_descend (direct.y, M, N, direct.u, direct.v, 3, LAMBDA, 500, 1e-8, &step);
  g_assert_true (lv_mf_certify (direct.y, M, N, direct.u, direct.v, 3, LAMBDA, 1e-7, &cert,
                                &error));
  g_assert_cmpuint (res.steps, ==, iters);
  g_assert_cmpuint (res.xs->len, ==, 1);
  g_assert_true (res.done);
  g_assert_cmpmem (res.u, sizeof (double) * M * 3, direct.u, sizeof (double) * M * 3);
  g_assert_cmpmem (res.v, sizeof (double) * N * 3, direct.v, sizeof (double) * N * 3);
  g_assert_cmpfloat (res.cert.objective, ==, cert.objective);
  g_assert_cmpfloat (res.cert.residual_norm, ==, cert.residual_norm);
  g_assert_cmpint (res.cert.stationary, ==, cert.stationary);
  lv_mf_certificate_clear (&cert);
  lv_hv_descent_result_clear (&res);
}

/* g(z) = ½(y − z)² + λL|z|^{q/L}; with q = L = 2 and y > 2λ the minimiser is z = y − 2λ. */
static void
test_chain (void)
{
  LvHvDescentInput in;
  LvHvDescentResult res = { 0 };
  g_autoptr(GError) error = NULL;
  guint n;

  lv_hv_descent_input_init (&in, LV_HV_DESCENT_CHAIN);
  in.depth = 2;
  in.target = 1.0;
  in.lambda = 0.1;
  in.q = 2.0;
  in.w[0] = in.w[1] = 0.05;
  g_assert_true (lv_hv_descent_probe_run (&in, &res, NULL, &error));
  g_assert_no_error (error);
  n = res.xs->len;
  g_assert_true (res.done);
  for (guint i = 1; i < n; i++)
    g_assert_cmpfloat (g_array_index (res.b, double, i), <=, g_array_index (res.b, double, i - 1));
  g_assert_cmpfloat (fabs (g_array_index (res.a, double, n - 1) - 0.8), <, 1e-6);
  g_assert_cmpfloat (fabs (res.w[0] * res.w[1] - g_array_index (res.a, double, n - 1)), <, 1e-15);
  lv_hv_descent_result_clear (&res);
}

typedef struct
{
  GCancellable *cancellable;
  guint calls;
} Stopper;

static void
stop_after_three (gpointer data, double fraction)
{
  Stopper *s = data;

  g_assert_cmpfloat (fraction, >=, 0.0);
  g_assert_cmpfloat (fraction, <=, 1.0);
  /* The start's empty publish, then the first two points. */
  if (++s->calls == 3)
    g_cancellable_cancel (s->cancellable);
}

static void
test_cancel (void)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  Stopper stopper = { cancellable, 0 };
  GMutex lock;
  LvProbeContext context = { cancellable, &lock, stop_after_three, &stopper };
  MfData data;
  LvHvDescentInput in;
  LvHvDescentResult res = { 0 };
  g_autoptr(GError) error = NULL;

  g_mutex_init (&lock);
  mf_input (&in, &data, 2);
  in.pace_us = 1000;
  g_assert_false (lv_hv_descent_probe_run (&in, &res, &context, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (res.xs->len, ==, 2);
  g_assert_cmpuint (res.a->len, ==, 2);
  g_assert_cmpuint (res.b->len, ==, 2);
  g_assert_false (res.done);
  /* The published factors are the last point's. */
  g_assert_cmpfloat (fabs (g_array_index (res.a, double, 1) -
                           mf_objective (data.y, res.u, res.v, 2)), <, 1e-12);
  lv_hv_descent_result_clear (&res);
  g_mutex_clear (&lock);
}

static void
test_bad_input (void)
{
  LvHvDescentInput in;
  LvHvDescentResult res = { 0 };
  g_autoptr(GError) error = NULL;

  lv_hv_descent_input_init (&in, LV_HV_DESCENT_CHAIN);
  in.depth = LV_HV_CHAIN_MAX_DEPTH + 1;
  g_assert_false (lv_hv_descent_probe_run (&in, &res, NULL, &error));
  g_assert_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  lv_hv_descent_input_init (&in, LV_HV_DESCENT_MF);
  g_assert_false (lv_hv_descent_probe_run (&in, &res, NULL, &error));
  g_assert_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT);
  g_assert_null (res.xs);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  lv_core_init ();
  g_test_add_func ("/lossviz/hv-probe/mf", test_mf);
  g_test_add_func ("/lossviz/hv-probe/mf-single-batch", test_mf_single_batch);
  g_test_add_func ("/lossviz/hv-probe/chain", test_chain);
  g_test_add_func ("/lossviz/hv-probe/cancel", test_cancel);
  g_test_add_func ("/lossviz/hv-probe/bad-input", test_bad_input);
  return g_test_run ();
}
