/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>

#include <lossviz/lossviz.h>

#include "lv-test-util.h"

/* NN-LIFT vs SGD on one teacher problem: the shared code of `lossviz-cli lift` and the Theory
 * view. Expected values come from the teacher itself (a fit equal to the teacher has cosines 1,
 * zero bias error and the teacher's MSE) and from direct evaluation. */

static void
test_problem_samples (void)
{
  g_autoptr(LvLiftProblem) p = lv_lift_problem_new (5, 2, 300, 50, 7, 0.0);
  g_autoptr(LvLiftProblem) again = lv_lift_problem_new (5, 2, 300, 50, 7, 0.0);
  g_autoptr(LvLiftProblem) other = lv_lift_problem_new (5, 2, 300, 50, 8, 0.0);

  g_assert_nonnull (p);
  g_assert_cmpuint (p->d, ==, 5);
  g_assert_cmpuint (p->k, ==, 2);
  /* Noise-free responses are the teacher's outputs. */
  for (gsize i = 0; i < p->n; i++)
    g_assert_cmpfloat_with_epsilon (p->y[i], lv_teacher_eval (p->teacher, p->x + i * 5), 1e-12);
  for (gsize i = 0; i < p->n_test; i++)
    g_assert_cmpfloat_with_epsilon (p->y_test[i],
                                    lv_teacher_eval (p->teacher, p->x_test + i * 5), 1e-12);
  /* Same seed, same problem; training and test samples differ; another seed differs. */
  for (gsize i = 0; i < p->n * 5; i++)
    g_assert_cmpfloat (p->x[i], ==, again->x[i]);
  g_assert_cmpfloat (p->x[0], !=, p->x_test[0]);
  g_assert_cmpfloat (p->x[0], !=, other->x[0]);

  g_assert_null (lv_lift_problem_new (0, 1, 10, 10, 1, 0.0));
  g_assert_null (lv_lift_problem_new (3, 4, 10, 10, 1, 0.0));
  g_assert_null (lv_lift_problem_new (3, 2, 0, 10, 1, 0.0));
  g_assert_null (lv_lift_problem_new (3, 2, 10, 10, 1, NAN));
}

/* A "fit" that is the teacher with its units permuted and one unit flipped
 * (a → −a, b → −b, a2 → −a2, b2 += a2, using sigma(−t) = 1 − sigma(t)) is the same function. */
static void
test_evaluate_exact_fit (void)
{
  g_autoptr(LvLiftProblem) p = lv_lift_problem_new (6, 3, 100, 400, 3, 0.0);
  g_autoptr(LvLiftResult) r = lv_lift_result_new (6, 3);
  g_autoptr(LvLiftEvaluation) ev = NULL;
  const LvTeacher *t = p->teacher;
  const guint perm[3] = { 2, 0, 1 };

  r->b2 = t->b2;
  for (guint j = 0; j < 3; j++)
    {
      guint to = perm[j];
      double s = j == 1 ? -1.0 : 1.0;

      for (guint a = 0; a < 6; a++)
        r->a1[to * 6 + a] = s * t->a1[j * 6 + a];
      r->b1[to] = s * t->b1[j];
      r->fourier_b1[to] = s * t->b1[j] + 2 * M_PI; /* equal mod 2π */
      r->a2[to] = s * t->a2[j];
      if (s < 0)
        r->b2 += t->a2[j];
    }
  ev = lv_lift_evaluate (p, r);
  g_assert_nonnull (ev);
  for (guint j = 0; j < 3; j++)
    {
      g_assert_cmpuint (ev->match[j], ==, perm[j]);
      g_assert_cmpfloat_with_epsilon (ev->cosines[j], 1.0, 1e-12);
      g_assert_cmpfloat_with_epsilon (ev->bias_errors[j], 0.0, 1e-12);
    }
  g_assert_cmpfloat_with_epsilon (ev->bias_error, 0.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (ev->fourier_bias_error, 0.0, 1e-9);
  g_assert_cmpfloat (ev->test_mse, <, 1e-24);
  g_assert_cmpfloat (ev->teacher_test_mse, ==, 0.0);

  /* A constant fit (b2 = mean of y_test) has MSE = the variance of y_test. */
  {
    g_autoptr(LvLiftResult) c = lv_lift_result_new (6, 3);
    g_autoptr(LvLiftEvaluation) ec = NULL;
    double mean = 0.0, var = 0.0;

    for (gsize i = 0; i < p->n_test; i++)
      mean += p->y_test[i] / p->n_test;
    for (gsize i = 0; i < p->n_test; i++)
      var += (p->y_test[i] - mean) * (p->y_test[i] - mean) / p->n_test;
    for (guint j = 0; j < 3; j++)
      c->a1[j * 6 + j] = 1.0;
    c->b2 = mean;
    ec = lv_lift_evaluate (p, c);
    g_assert_cmpfloat_with_epsilon (ec->test_mse, var, 1e-12 * (1 + var));
  }
  {
    g_autoptr(LvLiftResult) wrong = lv_lift_result_new (6, 2);
    g_assert_null (lv_lift_evaluate (p, wrong));
  }
}

static void
test_sgd_ensemble (void)
{
  g_autoptr(LvLiftProblem) p = lv_lift_problem_new (4, 2, 2000, 500, 5, 0.0);
  g_autoptr(GError) error = NULL;
  g_autoptr(LvWorkerPool) pool = lv_worker_pool_new (2);
  g_autoptr(LvEnsemble) ens = lv_lift_problem_sgd_ensemble (p, 3, 2, &error);
  g_autoptr(LvEnsembleSnapshot) snap = NULL;
  double mse[3];
  guint finite = 0;

  g_assert_no_error (error);
  g_assert_cmpuint (lv_ensemble_get_config (ens)->sizes[0], ==, 2);
  g_assert_cmpint (lv_ensemble_get_config (ens)->loss, ==, LV_LOSS_MSE);
  lv_ensemble_start (ens, pool);
  lv_ensemble_wait (ens);
  snap = lv_ensemble_snapshot (ens);
  g_assert_cmpuint (lv_lift_sgd_test_mse (snap, mse, &finite), ==, 3);
  g_assert_cmpuint (finite, ==, 3);
  for (guint r = 0; r < 3; r++)
    g_assert_cmpfloat_with_epsilon (mse[r], 2 * snap->runs[r].test_loss[1], 1e-15);

  g_assert_null (lv_lift_problem_sgd_ensemble (p, 0, 2, &error));
  g_assert_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT);
}

/* The CLI reports what the shared code computes for the same problem and fit. */
static void
test_cli_uses_shared_code (void)
{
  g_auto(LvCliResult) res = { 0 };
  g_autoptr(JsonObject) obj = NULL;
  g_autoptr(LvLiftProblem) p = lv_lift_problem_new (5, 2, 20000, 2000, 4, 0.0);
  g_autoptr(LvLiftResult) fit = NULL;
  g_autoptr(LvLiftEvaluation) ev = NULL;
  g_autoptr(GError) error = NULL;
  LvLiftConfig config;
  JsonArray *cos;

  lv_test_run_cli (&res, "lift", "--d", "5", "--k", "2", "--samples", "20000", "--test-samples",
                   "2000", "--seed", "4", "--sgd-runs", "0", "--json", NULL);
  g_assert_cmpint (res.exit_code, ==, 0);
  obj = lv_test_parse_json_object (res.out);
  lv_lift_config_init (&config);
  config.seed = 4;
  fit = lv_lift_fit (p->x, p->y, p->n, p->d, p->k, &config, NULL, &error);
  g_assert_no_error (error);
  ev = lv_lift_evaluate (p, fit);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (obj, "test_mse"), ev->test_mse,
                                  1e-12 * (1 + ev->test_mse));
  cos = json_object_get_array_member (obj, "cosines");
  for (guint j = 0; j < 2; j++)
    g_assert_cmpfloat_with_epsilon (json_array_get_double_element (cos, j), ev->cosines[j],
                                    1e-12);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  lv_core_init ();
  g_test_add_func ("/lossviz/lift-compare/problem", test_problem_samples);
  g_test_add_func ("/lossviz/lift-compare/evaluate", test_evaluate_exact_fit);
  g_test_add_func ("/lossviz/lift-compare/sgd", test_sgd_ensemble);
  g_test_add_func ("/lossviz/lift-compare/cli", test_cli_uses_shared_code);
  return g_test_run ();
}
