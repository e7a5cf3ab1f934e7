/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>
#include <lossviz/lv-ensemble.h>
#include <lossviz/lv-lift.h>
#include <lossviz/lv-teacher.h>

G_BEGIN_DECLS

/*
 * NN-LIFT next to SGD on one teacher problem: the samples both methods see, the
 * evaluation of a NN-LIFT fit against the teacher, and the SGD ensemble trained on the same
 * samples. Shared by `lossviz-cli lift` and the app's Theory view so both report the same numbers.
 */

/**
 * LvLiftProblem:
 * @teacher: the random two-layer logistic teacher.
 * @d: input dimension.
 * @k: hidden units.
 * @n: training samples.
 * @n_test: held-out samples.
 * @seed: the seed everything derives from.
 * @noise: label noise standard deviation.
 * @x: n × d training inputs (row-major).
 * @y: n training responses.
 * @x_test: n_test × d held-out inputs.
 * @y_test: n_test held-out responses.
 */
typedef struct {
  LvTeacher *teacher;
  guint      d;
  guint      k;
  gsize      n;
  gsize      n_test;
  guint64    seed;
  double     noise;
  double    *x;
  double    *y;
  double    *x_test;
  double    *y_test;
} LvLiftProblem;

/**
 * LvLiftEvaluation:
 * @k: units.
 * @match: k indices: teacher unit j is matched with recovered unit match[j].
 * @cosines: k values |cos(a_j, â_match[j])|, in teacher order.
 * @bias_errors: k absolute bias errors (sign-corrected for flipped directions).
 * @bias_error: their root mean square.
 * @fourier_bias_error: rms error of the Fourier biases, compared mod 2π.
 * @test_mse: mean squared error of the fit on the held-out samples.
 * @teacher_test_mse: the teacher's own held-out MSE (the noise floor).
 */
typedef struct {
  guint   k;
  guint  *match;
  double *cosines;
  double *bias_errors;
  double  bias_error;
  double  fourier_bias_error;
  double  test_mse;
  double  teacher_test_mse;
} LvLiftEvaluation;

LvLiftProblem    *lv_lift_problem_new (guint d, guint k, gsize samples, gsize test_samples,
                                       guint64 seed, double noise);
void              lv_lift_problem_free (LvLiftProblem *problem);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (LvLiftProblem, lv_lift_problem_free)

LvLiftEvaluation *lv_lift_evaluate (const LvLiftProblem *problem, const LvLiftResult *result);
void              lv_lift_evaluation_free (LvLiftEvaluation *evaluation);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (LvLiftEvaluation, lv_lift_evaluation_free)

LvEnsemble       *lv_lift_problem_sgd_ensemble (const LvLiftProblem *problem, guint runs,
                                                guint epochs, GError **error);
guint             lv_lift_sgd_test_mse (const LvEnsembleSnapshot *snapshot, double *mse,
                                        guint *n_finite);

G_END_DECLS
