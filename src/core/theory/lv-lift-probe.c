/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The NN-LIFT probe: teacher problem, NN-LIFT fit and evaluation, then the SGD ensemble on the
 * same samples, published as it trains. See lv-lift-probe.h. */
#define G_LOG_DOMAIN "LossViz-core"

#include "config.h"

#include <math.h>
#include <string.h>

#include <lossviz/lv-error.h>
#include <lossviz/lv-lift-probe.h>
#include <lossviz/lv-pausable.h>

/* How often the probe reads the training ensemble's snapshot. */
#define SGD_POLL_US 50000

/**
 * lv_lift_probe_input_init:
 * @input: (out caller-allocates): the input
 *
 * The CLI's defaults: d = 8, k = 3, 200000 samples, 10000 held out, seed 1, no noise, tensor
 * power, automatic biases, 8 SGD runs of 10 epochs, a pool of one thread per core.
 */
void
lv_lift_probe_input_init (LvLiftProbeInput *input)
{
  LvLiftConfig config;

  lv_lift_config_init (&config);
  *input = (LvLiftProbeInput) {
    .d = 8, .k = 3, .samples = 200000, .test_samples = 10000, .seed = 1, .noise = 0.0,
    .method = config.method, .bias_method = config.bias_method, .sgd_runs = 8, .epochs = 10,
  };
}

/**
 * lv_lift_probe_input_check:
 * @input: the input
 * @error: return location for %LV_ERROR_INVALID_INPUT
 *
 * Returns: %TRUE when the probe can run
 */
gboolean
lv_lift_probe_input_check (const LvLiftProbeInput *input, GError **error)
{
  const char *what = NULL;

  if (input->k < 1 || input->k > input->d)
    what = "k must be between 1 and d";
  else if (input->samples < 1 || input->test_samples < 1)
    what = "there must be training and held-out samples";
  else if (!isfinite (input->noise) || input->noise < 0)
    what = "the noise must be finite and non-negative";
  else if (input->sgd_runs > 0 && input->epochs < 1)
    what = "SGD needs at least one epoch";
  if (what == NULL)
    return TRUE;
  g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT, "NN-LIFT: %s", what);
  return FALSE;
}

/* Draws the problem, fits and evaluates NN-LIFT; publishes the three together. */
static gboolean
fit_lift (const LvLiftProbeInput *in, LvLiftProbeResult *result, LvWorkerPool *pool,
          LvProbeContext *context, GError **error)
{
  gint64 t0 = g_get_monotonic_time ();
  g_autoptr(LvLiftProblem) problem = NULL;
  LvLiftResult *fit;
  LvLiftConfig config;

  problem = lv_lift_problem_new (in->d, in->k, in->samples, in->test_samples, in->seed,
                                 in->noise);
  if (problem == NULL)
    {
      g_set_error (error, LV_ERROR, LV_ERROR_FAILED, "NN-LIFT: the teacher could not be drawn");
      return FALSE;
    }
  if (!lv_probe_context_check (context, error))
    return FALSE;
  lv_lift_config_init (&config);
  config.method = in->method;
  config.seed = in->seed;
  config.bias_method = in->bias_method;
  fit = lv_lift_fit (problem->x, problem->y, problem->n, problem->d, problem->k, &config, pool,
                     error);
  if (fit == NULL)
    return FALSE;
  lv_probe_context_publish_begin (context);
  result->lift_seconds = (g_get_monotonic_time () - t0) / 1e6;
  result->fit = fit;
  result->evaluation = lv_lift_evaluate (problem, fit);
  result->problem = g_steal_pointer (&problem);
  lv_probe_context_publish_end (context, in->sgd_runs > 0 ? 0.5 : 1.0);
  return TRUE;
}

/* Reads the ensemble's snapshot into the result. */
static void
publish_sgd (LvEnsemble *ensemble, const LvLiftProbeInput *in, LvLiftProbeResult *result,
             LvProbeContext *context, gboolean done, gint64 t_start)
{
  g_autoptr(LvEnsembleSnapshot) snap = lv_ensemble_snapshot (ensemble);

  lv_probe_context_publish_begin (context);
  result->sgd_finished = lv_lift_sgd_test_mse (snap, result->sgd_mse, NULL);
  result->sgd_done = done;
  result->sgd_seconds = (g_get_monotonic_time () - t_start) / 1e6;
  lv_probe_context_publish_end (context, 0.5 + 0.5 * result->sgd_finished / in->sgd_runs);
}

/* Trains the SGD ensemble on the pool, publishing whenever a run makes progress. */
static gboolean
train_sgd (const LvLiftProbeInput *in, LvLiftProbeResult *result, LvWorkerPool *pool,
           LvProbeContext *context, GError **error)
{
  gint64 t_start = g_get_monotonic_time ();
  GCancellable *cancellable = lv_probe_context_get_cancellable (context);
  g_autoptr(LvEnsemble) ensemble = NULL;
  guint64 generation = G_MAXUINT64;
  gboolean done = FALSE;

  ensemble = lv_lift_problem_sgd_ensemble (result->problem, in->sgd_runs, in->epochs, error);
  if (ensemble == NULL)
    return FALSE;
  lv_probe_context_publish_begin (context);
  result->sgd_runs = in->sgd_runs;
  result->sgd_mse = g_new (double, in->sgd_runs);
  for (guint r = 0; r < in->sgd_runs; r++)
    result->sgd_mse[r] = NAN;
  lv_probe_context_publish_end (context, 0.5);
  lv_ensemble_start (ensemble, pool);
  while (!done)
    {
      /* Read "done" first: a snapshot taken after it includes every run's last epoch. */
      done = lv_ensemble_is_done (ensemble);
      if (done || lv_ensemble_get_generation (ensemble) != generation)
        {
          generation = lv_ensemble_get_generation (ensemble);
          publish_sgd (ensemble, in, result, context, done, t_start);
        }
      if (!done && g_cancellable_is_cancelled (cancellable))
        {
          /* Its tasks stop at their next minibatch; they must end before it is freed. */
          lv_ensemble_cancel (ensemble);
          lv_ensemble_wait (ensemble);
          return lv_probe_context_check (context, error);
        }
      /* The ensemble's runs wait at their pause gate while the context is paused. */
      if (LV_IS_PAUSABLE (cancellable))
        lv_ensemble_set_paused (ensemble, lv_pausable_get_paused (LV_PAUSABLE (cancellable)));
      if (!done)
        g_usleep (SGD_POLL_US);
    }
  return TRUE;
}

/**
 * lv_lift_probe_run:
 * @input: the problem and the comparison
 * @result: (out caller-allocates): zero-initialised (or cleared); the fit, then the SGD runs as
 *   they train; clear with lv_lift_probe_result_clear()
 * @context: (nullable): lock, progress and cancellation (checked before the fit and while
 *   SGD trains; the fit itself runs to its end); a paused #LvPausable pauses the SGD runs
 * @error: return location for an error
 *
 * Returns: %TRUE when both are done; %FALSE with %G_IO_ERROR_CANCELLED when cancelled, or the
 *   fit's or the ensemble's error
 */
gboolean
lv_lift_probe_run (const LvLiftProbeInput *input, LvLiftProbeResult *result,
                   LvProbeContext *context, GError **error)
{
  g_autoptr(LvWorkerPool) own = NULL;
  LvWorkerPool *pool = input->pool;

  if (!lv_lift_probe_input_check (input, error))
    return FALSE;
  lv_probe_context_publish_begin (context);
  lv_lift_probe_result_clear (result);
  lv_probe_context_publish_end (context, 0.0);
  if (pool == NULL && (pool = own = lv_worker_pool_try_new (input->n_threads, error)) == NULL)
    return FALSE;
  if (!fit_lift (input, result, pool, context, error))
    return FALSE;
  if (input->sgd_runs == 0)
    {
      lv_probe_context_publish_begin (context);
      result->sgd_done = TRUE;
      lv_probe_context_publish_end (context, 1.0);
      return TRUE;
    }
  return lv_probe_context_check (context, error) &&
         train_sgd (input, result, pool, context, error);
}

/**
 * lv_lift_probe_result_clear:
 * @result: a result
 *
 * Frees what it holds and zeroes it.
 */
void
lv_lift_probe_result_clear (LvLiftProbeResult *result)
{
  g_clear_pointer (&result->evaluation, lv_lift_evaluation_free);
  g_clear_pointer (&result->fit, lv_lift_result_free);
  g_clear_pointer (&result->problem, lv_lift_problem_free);
  g_free (result->sgd_mse);
  memset (result, 0, sizeof *result);
}
