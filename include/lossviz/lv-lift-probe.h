/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <lossviz/lv-lift-compare.h>
#include <lossviz/lv-probe.h>
#include <lossviz/lv-worker-pool.h>

G_BEGIN_DECLS

/*
 * The NN-LIFT probe (docs/DESIGN.md, "Probes and jobs"): draws a teacher problem
 * (lv_lift_problem_new), fits NN-LIFT once (lv_lift_fit) and evaluates it (lv_lift_evaluate),
 * then trains an ensemble of same-width SGD networks on the same samples
 * (lv_lift_problem_sgd_ensemble) and publishes their held-out MSE as they train. What
 * `lossviz-cli lift` prints and the Theory view's NN-LIFT panel shows.
 */

/**
 * LvLiftProbeInput:
 * @d: input dimension (1 … 64)
 * @k: hidden units of the teacher and the fits (1 … @d)
 * @samples: training samples (≥ 1)
 * @test_samples: held-out samples (≥ 1)
 * @seed: seed of the teacher, samples and fits
 * @noise: label noise standard deviation (≥ 0)
 * @method: tensor decomposition
 * @bias_method: how the first-layer biases are recovered
 * @sgd_runs: SGD networks to train (0 skips the comparison)
 * @epochs: SGD epochs (≥ 1)
 * @pool: (nullable): the worker pool for the moments and the SGD runs; %NULL: @n_threads of
 *   its own
 * @n_threads: with no @pool: threads (0: one per core)
 */
typedef struct
{
  guint d, k;
  gsize samples, test_samples;
  guint64 seed;
  double noise;
  LvLiftMethod method;
  LvLiftBiasMethod bias_method;
  guint sgd_runs;
  guint epochs;
  LvWorkerPool *pool;
  guint n_threads;
} LvLiftProbeInput;

/**
 * LvLiftProbeResult:
 * @problem: the teacher and its samples (once drawn)
 * @fit: NN-LIFT's answer (once fitted)
 * @evaluation: its evaluation against the teacher (set together with @fit)
 * @lift_seconds: wall time from the start to the end of the fit
 * @sgd_runs: entries of @sgd_mse (0 until the ensemble starts)
 * @sgd_mse: each SGD run's latest held-out MSE, NAN before its first epoch or when it diverged
 * @sgd_finished: SGD runs that finished all their epochs
 * @sgd_done: the ensemble finished (or there was none)
 * @sgd_seconds: wall time from the end of the fit to the end of the ensemble
 */
typedef struct
{
  LvLiftProblem *problem;
  LvLiftResult *fit;
  LvLiftEvaluation *evaluation;
  double lift_seconds;
  guint sgd_runs;
  double *sgd_mse;
  guint sgd_finished;
  gboolean sgd_done;
  double sgd_seconds;
} LvLiftProbeResult;

void     lv_lift_probe_input_init   (LvLiftProbeInput        *input);
gboolean lv_lift_probe_input_check  (const LvLiftProbeInput  *input,
                                     GError                 **error);
gboolean lv_lift_probe_run          (const LvLiftProbeInput  *input,
                                     LvLiftProbeResult       *result,
                                     LvProbeContext          *context,
                                     GError                 **error);
void     lv_lift_probe_result_clear (LvLiftProbeResult       *result);

G_END_DECLS
