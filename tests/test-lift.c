/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <string.h>

#include <lossviz/lossviz.h>

#include "lv-test-util.h"

/* Brute-force S_3 entry of N(0, I) from its index formula (docs/THEORY.md §3.2). */
static double
s3_entry (const double *x, guint a, guint b, guint c)
{
  return x[a] * x[b] * x[c] - x[a] * (b == c) - x[b] * (a == c) - x[c] * (a == b);
}

/* The cheap contractions against the full d³ tensor built entry by entry. */
static void
test_s3_contractions (void)
{
  LvRng rng;
  const guint d = 5;
  double x[5], t[5], itt[5];

  lv_rng_init (&rng, 3);
  for (int trial = 0; trial < 20; trial++)
    {
      double ttt = 0.0;

      for (guint a = 0; a < d; a++)
        {
          x[a] = 1.5 * lv_rng_gaussian (&rng);
          t[a] = lv_rng_gaussian (&rng);
        }
      lv_lift_s3_contract_itt (x, t, d, itt);
      for (guint a = 0; a < d; a++)
        {
          double s = 0.0;

          for (guint b = 0; b < d; b++)
            for (guint c = 0; c < d; c++)
              s += s3_entry (x, a, b, c) * t[b] * t[c];
          g_assert_cmpfloat_with_epsilon (itt[a], s, 1e-10 * (1 + fabs (s)));
          ttt += s * t[a];
        }
      g_assert_cmpfloat_with_epsilon (lv_lift_s3_contract_ttt (x, t, d), ttt,
                                      1e-10 * (1 + fabs (ttt)));
    }
}

/* G(x) = x0 x1 x2 + 2 x0³ + 3 x1 x3 + x2²: E[∇³G] has (012) = 1 and (000) = 12; E[∇²G] has
 * (13) = 3 and (22) = 2. Stein: E[G S_m] = E[∇^m G]. */
static double
stein_g (const double *x)
{
  return x[0] * x[1] * x[2] + 2 * x[0] * x[0] * x[0] + 3 * x[1] * x[3] + x[2] * x[2];
}

static double
stein_d3 (guint a, guint b, guint c)
{
  guint s[3] = { a, b, c }, n0 = 0, n1 = 0, n2 = 0;

  for (int i = 0; i < 3; i++)
    {
      n0 += s[i] == 0;
      n1 += s[i] == 1;
      n2 += s[i] == 2;
    }
  if (n0 == 3)
    return 12.0;
  if (n0 == 1 && n1 == 1 && n2 == 1)
    return 1.0;
  return 0.0;
}

static void
test_stein_identity (void)
{
  const guint d = 4;
  const gsize n = 300000;
  g_autofree double *x = g_new (double, n * d), *y = g_new (double, n);
  g_autofree double *tensor = g_new (double, d * d * d), *m2 = g_new (double, d * d);
  g_autofree double *sum = g_new0 (double, d * d * d), *sum2 = g_new0 (double, d * d * d);
  double ybar = 0.0;
  LvRng rng;

  lv_rng_init (&rng, 11);
  for (gsize i = 0; i < n * d; i++)
    x[i] = lv_rng_gaussian (&rng);
  for (gsize i = 0; i < n; i++)
    {
      y[i] = stein_g (x + i * d);
      ybar += y[i];
    }
  ybar /= n;
  g_assert_true (lv_lift_estimate_moments (x, y, n, d, NULL, tensor, m2, NULL));

  /* Per-entry standard errors from the per-sample terms, computed by brute force. */
  for (gsize i = 0; i < n; i++)
    for (guint a = 0; a < d; a++)
      for (guint b = 0; b < d; b++)
        for (guint c = 0; c < d; c++)
          {
            double v = (y[i] - ybar) * s3_entry (x + i * d, a, b, c);

            sum[(a * d + b) * d + c] += v;
            sum2[(a * d + b) * d + c] += v * v;
          }
  for (guint a = 0; a < d; a++)
    for (guint b = 0; b < d; b++)
      for (guint c = 0; c < d; c++)
        {
          guint idx = (a * d + b) * d + c;
          double mean = sum[idx] / n, se = sqrt ((sum2[idx] / n - mean * mean) / n);

          g_assert_cmpfloat (fabs (tensor[idx] - stein_d3 (a, b, c)), <, 6 * se + 1e-9);
          /* The estimator equals the plain average of the per-sample terms. */
          g_assert_cmpfloat_with_epsilon (tensor[idx], mean, 1e-9 * (1 + fabs (mean)));
        }
  for (guint a = 0; a < d; a++)
    for (guint b = 0; b < d; b++)
      {
        double expected = ((a == 1 && b == 3) || (a == 3 && b == 1)) ? 3.0
                          : (a == 2 && b == 2) ? 2.0 : 0.0;

        /* Loose statistical bound: |G| moments are O(10), n = 3e5 gives SE ~ 0.03. */
        g_assert_cmpfloat (fabs (m2[a * d + b] - expected), <, 0.25);
      }
}

/* E[s'''] for z ~ N(b, 1): the values docs/THEORY.md §3.3 computed with mpmath. */
static void
test_logistic_expectations (void)
{
  g_assert_cmpfloat_with_epsilon (lv_lift_logistic_derivative_mean (3, 0.0, 1.0), -0.0623965,
                                  1e-6);
  g_assert_cmpfloat_with_epsilon (lv_lift_logistic_derivative_mean (3, 0.5, 1.0), -0.0546607,
                                  1e-6);
  g_assert_cmpfloat_with_epsilon (lv_lift_logistic_derivative_mean (3, -0.5, 1.0), -0.0546607,
                                  1e-6);
  /* s'' is odd: E[s''] = 0 at b = 0 (the whitening pitfall); E[s] = 1/2 by symmetry. */
  g_assert_cmpfloat (fabs (lv_lift_logistic_derivative_mean (2, 0.0, 1.0)), <, 1e-12);
  g_assert_cmpfloat_with_epsilon (lv_lift_logistic_derivative_mean (0, 0.0, 2.0), 0.5, 1e-12);
}

static void
check_population (LvLiftMethod method)
{
  for (guint64 seed = 1; seed <= 4; seed++)
    {
      const guint d = 8, k = 4;
      g_autoptr(LvTeacher) teacher = lv_teacher_new_random (d, k, seed);
      g_autofree double *tensor = g_new (double, d * d * d), *m2 = g_new (double, d * d);
      double a1[8 * 4], weights[4], cosines[4];
      LvLiftConfig config;
      LvLiftWhitening whitening = LV_LIFT_WHITEN_NONE;
      g_autoptr(GError) error = NULL;
      gboolean ok;

      lv_lift_config_init (&config);
      config.seed = seed;
      lv_lift_population_moments (teacher, tensor, m2);
      if (method == LV_LIFT_METHOD_POWER)
        ok = lv_lift_decompose_power (tensor, m2, d, k, &config, a1, weights, &whitening,
                                      &error);
      else
        ok = lv_lift_decompose_jennrich (tensor, d, k, &config, a1, weights, &error);
      g_assert_no_error (error);
      g_assert_true (ok);
      lv_lift_match (teacher->a1, a1, d, k, NULL, cosines);
      for (guint j = 0; j < k; j++)
        g_assert_cmpfloat (cosines[j], >, 0.99);
    }
}

static void
test_population_power (void)
{
  check_population (LV_LIFT_METHOD_POWER);
}

static void
test_population_jennrich (void)
{
  check_population (LV_LIFT_METHOD_JENNRICH);
}

/* With zero biases M_2 = 0 (s'' odd): the power method must still whiten (with a tensor slice). */
static void
test_zero_bias_whitening (void)
{
  const guint d = 6, k = 3;
  g_autoptr(LvTeacher) teacher = lv_teacher_new_random (d, k, 9);
  g_autofree double *tensor = g_new (double, d * d * d), *m2 = g_new (double, d * d);
  double a1[6 * 3], weights[3], cosines[3];
  LvLiftConfig config;
  LvLiftWhitening whitening = LV_LIFT_WHITEN_NONE;
  g_autoptr(GError) error = NULL;

  for (guint j = 0; j < k; j++)
    teacher->b1[j] = 0.0;
  lv_lift_config_init (&config);
  lv_lift_population_moments (teacher, tensor, m2);
  g_assert_true (lv_lift_decompose_power (tensor, m2, d, k, &config, a1, weights, &whitening,
                                          &error));
  g_assert_no_error (error);
  g_assert_cmpint (whitening, ==, LV_LIFT_WHITEN_SLICE);
  lv_lift_match (teacher->a1, a1, d, k, NULL, cosines);
  for (guint j = 0; j < k; j++)
    g_assert_cmpfloat (cosines[j], >, 0.99);
}

static void
test_thread_independence (void)
{
  const guint d = 6;
  const gsize n = 40000;
  g_autoptr(LvTeacher) teacher = lv_teacher_new_random (d, 3, 5);
  g_autofree double *x = g_new (double, n * d), *y = g_new (double, n);
  g_autofree double *t0 = g_new (double, d * d * d), *t1 = g_new (double, d * d * d);
  g_autofree double *t2 = g_new (double, d * d * d);
  LvRng rng;

  lv_rng_init (&rng, 17);
  lv_teacher_sample (teacher, &rng, n, 0.1, x, y);
  g_assert_true (lv_lift_estimate_moments (x, y, n, d, NULL, t0, NULL, NULL));
  {
    g_autoptr(LvWorkerPool) pool = lv_worker_pool_new (1);
    g_assert_true (lv_lift_estimate_moments (x, y, n, d, pool, t1, NULL, NULL));
  }
  {
    g_autoptr(LvWorkerPool) pool = lv_worker_pool_new (3);
    g_assert_true (lv_lift_estimate_moments (x, y, n, d, pool, t2, NULL, NULL));
  }
  g_assert_cmpmem (t0, sizeof (double) * d * d * d, t1, sizeof (double) * d * d * d);
  g_assert_cmpmem (t0, sizeof (double) * d * d * d, t2, sizeof (double) * d * d * d);
}

/* Ridge: the gradient of (1/n) sum (y − a.h − b)² + lambda |a|² vanishes at the returned point,
 * with the gradient computed here from its definition. */
static void
test_ridge_optimality (void)
{
  const guint d = 3, k = 2;
  const gsize n = 60;
  double a1[] = { 1, 0, 0, 0, 0.6, 0.8 }, b1[] = { 0.3, -0.4 }, a2[2], b2, lambda = 0.05;
  double x[60 * 3], y[60], grad[3] = { 0 };
  LvRng rng;

  lv_rng_init (&rng, 23);
  for (gsize i = 0; i < n * d; i++)
    x[i] = lv_rng_gaussian (&rng);
  for (gsize i = 0; i < n; i++)
    y[i] = lv_rng_gaussian (&rng) + x[i * d];
  g_assert_true (lv_lift_ridge (x, y, n, d, k, a1, b1, lambda, a2, &b2, NULL));
  for (gsize i = 0; i < n; i++)
    {
      double h[2], res;

      for (guint l = 0; l < k; l++)
        {
          double z = b1[l];

          for (guint a = 0; a < d; a++)
            z += a1[l * d + a] * x[i * d + a];
          h[l] = 1 / (1 + exp (-z));
        }
      res = y[i] - a2[0] * h[0] - a2[1] * h[1] - b2;
      grad[0] += -2 * res * h[0] / n;
      grad[1] += -2 * res * h[1] / n;
      grad[2] += -2 * res / n;
    }
  grad[0] += 2 * lambda * a2[0];
  grad[1] += 2 * lambda * a2[1];
  for (int i = 0; i < 3; i++)
    g_assert_cmpfloat (fabs (grad[i]), <, 1e-10);
}

/* The Hungarian matching against all k! permutations. */
static void
test_matching (void)
{
  const guint d = 4, k = 4;
  double a[16], b[16], cosines[4];
  guint perm[4] = { 0, 1, 2, 3 };
  double best = -1;
  LvRng rng;

  lv_rng_init (&rng, 29);
  for (int i = 0; i < 16; i++)
    {
      a[i] = lv_rng_gaussian (&rng);
      b[i] = lv_rng_gaussian (&rng);
    }
  lv_lift_match (a, b, d, k, NULL, cosines);
  /* Heap's algorithm would do; 4! = 24 via nested loops is clearer. */
  for (guint p0 = 0; p0 < 4; p0++)
    for (guint p1 = 0; p1 < 4; p1++)
      for (guint p2 = 0; p2 < 4; p2++)
        for (guint p3 = 0; p3 < 4; p3++)
          {
            guint p[4] = { p0, p1, p2, p3 };
            double total = 0;
            gboolean distinct = p0 != p1 && p0 != p2 && p0 != p3 && p1 != p2 && p1 != p3 &&
                                p2 != p3;

            if (!distinct)
              continue;
            for (guint i = 0; i < k; i++)
              {
                double dot = 0, na = 0, nb = 0;

                for (guint r = 0; r < d; r++)
                  {
                    dot += a[i * d + r] * b[p[i] * d + r];
                    na += a[i * d + r] * a[i * d + r];
                    nb += b[p[i] * d + r] * b[p[i] * d + r];
                  }
                total += fabs (dot) / sqrt (na * nb);
              }
            best = MAX (best, total);
          }
  (void) perm;
  g_assert_cmpfloat_with_epsilon (cosines[0] + cosines[1] + cosines[2] + cosines[3], best,
                                  1e-12);
}

/* The whole pipeline on a moderate noise-free sample: looser bounds than the population test. */
static void
check_sample_fit (LvLiftMethod method)
{
  const guint d = 6, k = 3;
  const gsize n = 200000;
  g_autoptr(LvTeacher) teacher = lv_teacher_new_random (d, k, 2);
  g_autofree double *x = g_new (double, n * d), *y = g_new (double, n);
  g_autoptr(LvLiftResult) result = NULL;
  g_autoptr(GError) error = NULL;
  LvLiftConfig config;
  double cosines[3];
  guint match[3];
  LvRng rng;

  lv_rng_init (&rng, 31);
  lv_teacher_sample (teacher, &rng, n, 0.0, x, y);
  lv_lift_config_init (&config);
  config.method = method;
  result = lv_lift_fit (x, y, n, d, k, &config, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (result);
  lv_lift_match (teacher->a1, result->a1, d, k, match, cosines);
  for (guint j = 0; j < k; j++)
    g_assert_cmpfloat (cosines[j], >, 0.9);
  /* Gaussian inputs: the Fourier weights are dominated by a handful of samples. */
  g_assert_cmpint (result->bias_method, ==, LV_LIFT_BIAS_LEAST_SQUARES);
  g_assert_cmpfloat (result->fourier_ess, <, 1000);
  g_test_message ("%s cosines %.4f %.4f %.4f, Fourier ESS %.1f", lv_lift_method_to_string (method),
                  cosines[0], cosines[1], cosines[2], result->fourier_ess);
}

static void
test_sample_power (void)
{
  check_sample_fit (LV_LIFT_METHOD_POWER);
}

static void
test_sample_jennrich (void)
{
  check_sample_fit (LV_LIFT_METHOD_JENNRICH);
}

static void
test_cli_lift (void)
{
  g_auto(LvCliResult) res = { 0 };
  g_autoptr(JsonObject) obj = NULL;
  JsonArray *cosines;
  JsonObject *sgd;

  lv_test_run_cli (&res, "lift", "--d", "5", "--k", "2", "--samples", "20000", "--seed", "3",
                   "--method", "jennrich", "--sgd-runs", "2", "--epochs", "2", "--json", NULL);
  g_assert_cmpint (res.exit_code, ==, 0);
  obj = lv_test_parse_json_object (res.out);
  g_assert_cmpint (json_object_get_int_member (obj, "d"), ==, 5);
  g_assert_cmpint (json_object_get_int_member (obj, "k"), ==, 2);
  g_assert_cmpint (json_object_get_int_member (obj, "samples"), ==, 20000);
  cosines = json_object_get_array_member (obj, "cosines");
  g_assert_cmpint (json_array_get_length (cosines), ==, 2);
  for (guint j = 0; j < 2; j++)
    {
      double c = json_array_get_double_element (cosines, j);
      g_assert_true (c >= 0 && c <= 1 + 1e-12);
    }
  g_assert_true (json_object_has_member (obj, "bias_error"));
  g_assert_true (json_object_get_double_member (obj, "test_mse") >= 0);
  g_assert_true (json_object_get_double_member (obj, "elapsed_s") >= 0);
  sgd = json_object_get_object_member (obj, "sgd");
  g_assert_cmpint (json_object_get_int_member (sgd, "runs"), ==, 2);
  {
    JsonObject *mse = json_object_get_object_member (sgd, "test_mse");
    g_assert_true (json_object_has_member (mse, "mean"));
    g_assert_true (json_object_has_member (mse, "std"));
    g_assert_true (json_object_has_member (mse, "min"));
    g_assert_true (json_object_has_member (mse, "max"));
  }
}

static void
test_cli_lift_bad_input (void)
{
  const char *cases[][3] = {
    { "--k", "9", "--k" },          /* k > d (d = 5 below) */
    { "--d", "0", "--d" },
    { "--d", "100000", "--d" },
    { "--samples", "1", "--samples" },
    { "--samples", "999999999999", "--samples" },
    { "--method", "magic", "--method" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_auto(LvCliResult) res = { 0 };

      if (strcmp (cases[i][0], "--d") == 0)
        lv_test_run_cli (&res, "lift", cases[i][0], cases[i][1], "--k", "1", "--json", NULL);
      else
        lv_test_run_cli (&res, "lift", "--d", "5", cases[i][0], cases[i][1], "--json", NULL);
      lv_test_assert_bad_input (&res, cases[i][2]);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  lv_core_init ();
  g_test_add_func ("/lossviz/lift/s3-contractions", test_s3_contractions);
  g_test_add_func ("/lossviz/lift/stein-identity", test_stein_identity);
  g_test_add_func ("/lossviz/lift/logistic-expectations", test_logistic_expectations);
  g_test_add_func ("/lossviz/lift/population-power", test_population_power);
  g_test_add_func ("/lossviz/lift/population-jennrich", test_population_jennrich);
  g_test_add_func ("/lossviz/lift/zero-bias-whitening", test_zero_bias_whitening);
  g_test_add_func ("/lossviz/lift/thread-independence", test_thread_independence);
  g_test_add_func ("/lossviz/lift/ridge-optimality", test_ridge_optimality);
  g_test_add_func ("/lossviz/lift/matching", test_matching);
  g_test_add_func ("/lossviz/lift/sample-power", test_sample_power);
  g_test_add_func ("/lossviz/lift/sample-jennrich", test_sample_jennrich);
  g_test_add_func ("/lossviz/lift/cli", test_cli_lift);
  g_test_add_func ("/lossviz/lift/cli-bad-input", test_cli_lift_bad_input);
  return g_test_run ();
}
