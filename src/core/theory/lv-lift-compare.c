/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-core"

#include "config.h"

#include <lossviz/lv-lift-compare.h>

#include <math.h>

#include <lossviz/lv-dataset.h>
#include <lossviz/lv-error.h>
#include <lossviz/lv-rng.h>

/*
 * NN-LIFT vs SGD on the same teacher samples. The seeds are fixed functions of the
 * problem's seed, so the CLI and the app draw identical samples and train identical ensembles.
 */

#define SAMPLE_STREAM 0x5a
#define SGD_STREAM 0x56d

/**
 * lv_lift_problem_new:
 * @d: input dimension (>= 1).
 * @k: hidden units (1..d).
 * @samples: training samples (> 0).
 * @test_samples: held-out samples (> 0).
 * @seed: seed of the teacher and of both sample sets.
 * @noise: label noise standard deviation (>= 0).
 *
 * Draws a random teacher and its training and held-out samples (x ~ N(0, I_d)).
 *
 * Returns: (transfer full) (nullable): the problem, %NULL for invalid sizes.
 */
LvLiftProblem *
lv_lift_problem_new (guint d, guint k, gsize samples, gsize test_samples, guint64 seed,
                     double noise)
{
  LvLiftProblem *p;
  LvRng rng;

  if (d == 0 || k == 0 || k > d || samples == 0 || test_samples == 0 || !(noise >= 0) ||
      !isfinite (noise))
    return NULL;
  p = g_new0 (LvLiftProblem, 1);
  p->teacher = lv_teacher_new_random (d, k, seed);
  p->d = d;
  p->k = k;
  p->n = samples;
  p->n_test = test_samples;
  p->seed = seed;
  p->noise = noise;
  p->x = g_new (double, samples * d);
  p->y = g_new (double, samples);
  p->x_test = g_new (double, test_samples * d);
  p->y_test = g_new (double, test_samples);
  lv_rng_init (&rng, lv_seed_mix (seed, SAMPLE_STREAM, 0));
  lv_teacher_sample (p->teacher, &rng, samples, noise, p->x, p->y);
  lv_rng_init (&rng, lv_seed_mix (seed, SAMPLE_STREAM, 1));
  lv_teacher_sample (p->teacher, &rng, test_samples, noise, p->x_test, p->y_test);
  return p;
}

/**
 * lv_lift_problem_free:
 * @problem: (nullable): a problem.
 *
 * Frees the teacher and the samples.
 */
void
lv_lift_problem_free (LvLiftProblem *problem)
{
  if (problem == NULL)
    return;
  lv_teacher_free (problem->teacher);
  g_free (problem->x);
  g_free (problem->y);
  g_free (problem->x_test);
  g_free (problem->y_test);
  g_free (problem);
}

/**
 * lv_lift_evaluate:
 * @problem: the problem @result was fitted on.
 * @result: a NN-LIFT fit with the problem's d and k.
 *
 * Matches recovered to true directions (lv_lift_match()), compares the biases (a flipped
 * direction carries a flipped bias: sigma(−t) = 1 − sigma(t)) and measures held-out MSE.
 *
 * Returns: (transfer full) (nullable): the evaluation, %NULL when the sizes differ.
 */
LvLiftEvaluation *
lv_lift_evaluate (const LvLiftProblem *problem, const LvLiftResult *result)
{
  const LvTeacher *t = problem->teacher;
  guint d = problem->d, k = problem->k;
  LvLiftEvaluation *ev;
  double bias_ss = 0.0, fourier_ss = 0.0, mse = 0.0, teacher_mse = 0.0;

  if (result == NULL || result->d != d || result->k != k)
    return NULL;
  ev = g_new0 (LvLiftEvaluation, 1);
  ev->k = k;
  ev->match = g_new (guint, k);
  ev->cosines = g_new (double, k);
  ev->bias_errors = g_new (double, k);
  lv_lift_match (t->a1, result->a1, d, k, ev->match, ev->cosines);
  for (guint j = 0; j < k; j++)
    {
      double dot = 0.0, sign, e;

      for (guint a = 0; a < d; a++)
        dot += t->a1[(gsize) j * d + a] * result->a1[(gsize) ev->match[j] * d + a];
      sign = dot < 0 ? -1.0 : 1.0;
      ev->bias_errors[j] = fabs (sign * result->b1[ev->match[j]] - t->b1[j]);
      bias_ss += ev->bias_errors[j] * ev->bias_errors[j];
      /* Fourier phases are defined mod 2π: compare on the circle. */
      e = remainder (sign * result->fourier_b1[ev->match[j]] - t->b1[j], 2.0 * M_PI);
      fourier_ss += e * e;
    }
  ev->bias_error = sqrt (bias_ss / k);
  ev->fourier_bias_error = sqrt (fourier_ss / k);
  for (gsize i = 0; i < problem->n_test; i++)
    {
      const double *xi = problem->x_test + i * d;
      double e = lv_lift_result_eval (result, xi) - problem->y_test[i];
      double et = lv_teacher_eval (t, xi) - problem->y_test[i];

      mse += e * e;
      teacher_mse += et * et;
    }
  ev->test_mse = mse / (double) problem->n_test;
  ev->teacher_test_mse = teacher_mse / (double) problem->n_test;
  return ev;
}

/**
 * lv_lift_evaluation_free:
 * @evaluation: (nullable): an evaluation.
 *
 * Frees it.
 */
void
lv_lift_evaluation_free (LvLiftEvaluation *evaluation)
{
  if (evaluation == NULL)
    return;
  g_free (evaluation->match);
  g_free (evaluation->cosines);
  g_free (evaluation->bias_errors);
  g_free (evaluation);
}

static float *
to_float (const double *values, gsize n)
{
  float *out = g_new (float, n);

  for (gsize i = 0; i < n; i++)
    out[i] = (float) values[i];
  return out;
}

/**
 * lv_lift_problem_sgd_ensemble:
 * @problem: the problem.
 * @runs: SGD networks (>= 1).
 * @epochs: epochs each (>= 1).
 * @error: return location for a #GError.
 *
 * An ensemble of @runs two-layer logistic networks of the teacher's width k, with biases and
 * MSE loss, on the problem's training samples, evaluated on its held-out samples: SGD's answer
 * to the question NN-LIFT answers once. The caller starts it on a pool (lv_ensemble_start())
 * and reads test MSE with lv_lift_sgd_test_mse().
 *
 * Returns: (transfer full) (nullable): the ensemble, not started.
 */
LvEnsemble *
lv_lift_problem_sgd_ensemble (const LvLiftProblem *problem, guint runs, guint epochs,
                              GError **error)
{
  gsize n = problem->n, nt = problem->n_test;
  guint d = problem->d;
  g_autofree float *xf = to_float (problem->x, n * d), *yf = to_float (problem->y, n);
  g_autofree float *xtf = to_float (problem->x_test, nt * d);
  g_autofree float *ytf = to_float (problem->y_test, nt);
  g_autoptr(LvDataset) dataset = NULL;
  LvEnsembleConfig config;

  if (runs == 0 || epochs == 0 || n > G_MAXUINT || nt > G_MAXUINT)
    {
      g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT,
                   "the SGD ensemble needs at least one run and one epoch");
      return NULL;
    }
  dataset = lv_dataset_new_from_arrays ("teacher", d, 1, (guint) n, xf, NULL, yf, (guint) nt,
                                        xtf, NULL, ytf);
  if (dataset == NULL)
    {
      g_set_error (error, LV_ERROR, LV_ERROR_FAILED, "could not build the SGD dataset");
      return NULL;
    }
  lv_ensemble_config_init (&config);
  config.sizes[0] = problem->k;
  config.n_sizes = 1;
  config.runs = runs;
  config.depth = 1;
  config.activation = LV_ACTIVATION_LOGISTIC;
  config.loss = LV_LOSS_MSE;
  config.bias = TRUE;
  config.train.epochs = epochs;
  config.seed = lv_seed_mix (problem->seed, SGD_STREAM, 0);
  return lv_ensemble_new (dataset, &config, error);
}

/**
 * lv_lift_sgd_test_mse:
 * @snapshot: a snapshot of an ensemble made by lv_lift_problem_sgd_ensemble().
 * @mse: (out) (array): snapshot->n_runs values: each run's latest held-out MSE, NAN when it
 *   has no epoch yet or diverged.
 * @n_finite: (out) (nullable): how many values are finite.
 *
 * The ensemble's MSE loss is ½ mean squared error; this converts it to the MSE NN-LIFT reports.
 *
 * Returns: the number of runs that finished all their epochs.
 */
guint
lv_lift_sgd_test_mse (const LvEnsembleSnapshot *snapshot, double *mse, guint *n_finite)
{
  guint finite = 0;

  for (guint r = 0; r < snapshot->n_runs; r++)
    {
      mse[r] = 2.0 * lv_run_record_final_test_loss (&snapshot->runs[r]);
      if (isfinite (mse[r]))
        finite++;
    }
  if (n_finite != NULL)
    *n_finite = finite;
  return snapshot->finished;
}
