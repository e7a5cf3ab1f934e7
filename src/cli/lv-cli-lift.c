/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-cli"

#include "config.h"

#include <math.h>
#include <stdio.h>

#include <lossviz/lossviz.h>
#include <lossviz/lv-lift-compare.h>

#include "lv-cli-commands.h"
#include "lv-cli-common.h"
#include "lv-cli-validate.h"

/*
 * `lossviz-cli lift`: NN-LIFT on samples of a random two-layer logistic teacher, next to an
 * ensemble of same-width networks trained by SGD on the same samples (issue 6).
 */

#define MAX_D 64
#define MAX_SAMPLES 5000000
#define MAX_SAMPLE_VALUES 50000000 /* samples × d, 400 MB of doubles */

typedef struct
{
  gint d;
  gint k;
  gint64 samples;
  gint64 test_samples;
  gint64 seed;
  const char *method;
  const char *bias_arg;
  double noise;
  gint sgd_runs;
  gint epochs;
  gint threads;
  LvLiftBiasMethod bias_method;
  gboolean json;
} LiftOptions;

static gboolean
validate (LiftOptions *o, LvLiftMethod *method, GError **error)
{
  if (!lv_cli_check_int ("--d", o->d, 1, MAX_D, error) ||
      !lv_cli_check_int ("--k", o->k, 1, o->d, error) ||
      !lv_cli_check_int ("--samples", o->samples, 100, MAX_SAMPLES, error) ||
      !lv_cli_check_int ("--test-samples", o->test_samples, 1, MAX_SAMPLES, error) ||
      !lv_cli_check_int ("--seed", o->seed, 0, G_MAXINT64, error) ||
      !lv_cli_check_double ("--noise", o->noise, 0.0, 100.0, error) ||
      !lv_cli_check_int ("--sgd-runs", o->sgd_runs, 0, 1000, error) ||
      !lv_cli_check_int ("--epochs", o->epochs, 1, 100000, error) ||
      !lv_cli_check_threads (o->threads, error))
    return FALSE;
  if ((o->samples + o->test_samples) * o->d > MAX_SAMPLE_VALUES)
    {
      g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT,
                   "--samples: %" G_GINT64_FORMAT " samples of dimension %d exceed the limit of %d"
                   " stored values", o->samples + o->test_samples, o->d, MAX_SAMPLE_VALUES);
      return FALSE;
    }
  if (g_strcmp0 (o->bias_arg, "fourier") == 0)
    o->bias_method = LV_LIFT_BIAS_FOURIER;
  else if (g_strcmp0 (o->bias_arg, "least-squares") == 0)
    o->bias_method = LV_LIFT_BIAS_LEAST_SQUARES;
  else if (o->bias_arg == NULL || g_strcmp0 (o->bias_arg, "auto") == 0)
    o->bias_method = LV_LIFT_BIAS_AUTO;
  else
    {
      g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT,
                   "--bias-method: '%s' is not 'auto', 'fourier' or 'least-squares'", o->bias_arg);
      return FALSE;
    }
  if (!lv_lift_method_from_string (o->method, method))
    {
      g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT,
                   "--method: '%s' is not 'power' or 'jennrich'", o->method);
      return FALSE;
    }
  return TRUE;
}

/* Trains the SGD ensemble on the problem's samples; fills per-run test MSE (NAN when diverged). */
static gboolean
run_sgd (const LiftOptions *o, const LvLiftProblem *problem, LvWorkerPool *pool, double *mse,
         GError **error)
{
  g_autoptr(LvEnsemble) ensemble = NULL;
  g_autoptr(LvEnsembleSnapshot) snap = NULL;

  ensemble = lv_lift_problem_sgd_ensemble (problem, (guint) o->sgd_runs, (guint) o->epochs,
                                           error);
  if (ensemble == NULL)
    return FALSE;
  lv_ensemble_start (ensemble, pool);
  lv_ensemble_wait (ensemble);
  snap = lv_ensemble_snapshot (ensemble);
  lv_lift_sgd_test_mse (snap, mse, NULL);
  return TRUE;
}

/**
 * lv_cli_lift:
 * @argc: argument count (argv[0] is "lift").
 * @argv: arguments.
 *
 * Returns: the process exit code.
 */
int
lv_cli_lift (int argc, char **argv)
{
  LiftOptions o = { .d = 8, .k = 3, .samples = 200000, .test_samples = 10000, .seed = 1,
                    .noise = 0.0, .sgd_runs = 8, .epochs = 10, .threads = 0 };
  g_autofree char *method_arg = NULL, *bias_arg = NULL;
  GOptionEntry entries[] = {
    { "d", 0, 0, G_OPTION_ARG_INT, &o.d, "Input dimension (1..64, default 8)", "D" },
    { "k", 0, 0, G_OPTION_ARG_INT, &o.k, "Hidden units of the teacher and the fits (1..d, default 3)", "K" },
    { "samples", 0, 0, G_OPTION_ARG_INT64, &o.samples, "Training samples (default 200000)", "N" },
    { "test-samples", 0, 0, G_OPTION_ARG_INT64, &o.test_samples, "Held-out samples (default 10000)", "N" },
    { "seed", 0, 0, G_OPTION_ARG_INT64, &o.seed, "Seed of the teacher, samples and fits (default 1)", "S" },
    { "method", 0, 0, G_OPTION_ARG_STRING, &method_arg, "Decomposition: power or jennrich (default power)", "M" },
    { "bias-method", 0, 0, G_OPTION_ARG_STRING, &bias_arg, "First-layer biases: auto, fourier or least-squares (default auto)", "B" },
    { "noise", 0, 0, G_OPTION_ARG_DOUBLE, &o.noise, "Label noise standard deviation (default 0)", "SIGMA" },
    { "sgd-runs", 0, 0, G_OPTION_ARG_INT, &o.sgd_runs, "SGD networks to train for comparison (default 8; 0 skips)", "R" },
    { "epochs", 0, 0, G_OPTION_ARG_INT, &o.epochs, "SGD epochs (default 10)", "E" },
    { "threads", 0, 0, G_OPTION_ARG_INT, &o.threads, "Worker threads (0 = one per core)", "T" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &o.json, "Print one JSON object", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("- NN-LIFT vs SGD on a teacher network");
  g_autoptr(GError) error = NULL;
  g_autoptr(LvLiftProblem) problem = NULL;
  g_autoptr(LvLiftEvaluation) ev = NULL;
  g_autoptr(LvWorkerPool) pool = NULL;
  g_autoptr(LvLiftResult) result = NULL;
  g_autoptr(JsonBuilder) b = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autofree double *sgd_mse = NULL;
  LvLiftMethod method;
  LvLiftConfig config;
  gint64 t0 = g_get_monotonic_time (), t_lift;
  double lift_s, sgd_s = 0.0;
  guint n_ok = 0;
  g_autofree double *sgd_ok = NULL;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!lv_cli_parse (context, &argc, &argv))
    return LV_CLI_EXIT_BAD_INPUT;
  o.method = method_arg != NULL ? method_arg : "power";
  o.bias_arg = bias_arg;
  if (!validate (&o, &method, &error))
    return lv_cli_fail (error);

  problem = lv_lift_problem_new ((guint) o.d, (guint) o.k, (gsize) o.samples,
                                 (gsize) o.test_samples, (guint64) o.seed, o.noise);
  pool = lv_worker_pool_try_new ((guint) o.threads, &error);
  if (pool == NULL)
    return lv_cli_fail (error);

  lv_lift_config_init (&config);
  config.method = method;
  config.seed = (guint64) o.seed;
  config.bias_method = o.bias_method;
  result = lv_lift_fit (problem->x, problem->y, problem->n, problem->d, problem->k, &config,
                        pool, &error);
  if (result == NULL)
    return lv_cli_fail (error);
  t_lift = g_get_monotonic_time ();
  lift_s = (t_lift - t0) / 1e6;

  ev = lv_lift_evaluate (problem, result);

  sgd_mse = g_new (double, MAX (o.sgd_runs, 1));
  sgd_ok = g_new (double, MAX (o.sgd_runs, 1));
  if (o.sgd_runs > 0)
    {
      if (!run_sgd (&o, problem, pool, sgd_mse, &error))
        return lv_cli_fail (error);
      sgd_s = (g_get_monotonic_time () - t_lift) / 1e6;
      for (gint r = 0; r < o.sgd_runs; r++)
        if (isfinite (sgd_mse[r]))
          sgd_ok[n_ok++] = sgd_mse[r];
    }

  b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "d");
  json_builder_add_int_value (b, o.d);
  json_builder_set_member_name (b, "k");
  json_builder_add_int_value (b, o.k);
  json_builder_set_member_name (b, "samples");
  json_builder_add_int_value (b, o.samples);
  json_builder_set_member_name (b, "test_samples");
  json_builder_add_int_value (b, o.test_samples);
  json_builder_set_member_name (b, "seed");
  json_builder_add_int_value (b, o.seed);
  json_builder_set_member_name (b, "method");
  json_builder_add_string_value (b, lv_lift_method_to_string (result->method));
  json_builder_set_member_name (b, "whitening");
  json_builder_add_string_value (b, lv_lift_whitening_to_string (result->whitening));
  lv_cli_add_double_array (b, "cosines", ev->cosines, (guint) o.k);
  lv_cli_add_double (b, "bias_error", ev->bias_error);
  lv_cli_add_double_array (b, "bias_errors", ev->bias_errors, (guint) o.k);
  json_builder_set_member_name (b, "bias_method");
  json_builder_add_string_value (b, lv_lift_bias_method_to_string (result->bias_method));
  lv_cli_add_double (b, "fourier_ess", result->fourier_ess);
  lv_cli_add_double (b, "fourier_bias_error", ev->fourier_bias_error);
  lv_cli_add_double (b, "test_mse", ev->test_mse);
  lv_cli_add_double (b, "teacher_test_mse", ev->teacher_test_mse);
  lv_cli_add_double (b, "noise", o.noise);
  json_builder_set_member_name (b, "sgd");
  json_builder_begin_object (b);
  lv_cli_add_summary (b, "test_mse", sgd_ok, n_ok);
  json_builder_set_member_name (b, "runs");
  json_builder_add_int_value (b, o.sgd_runs);
  json_builder_set_member_name (b, "diverged");
  json_builder_add_int_value (b, o.sgd_runs - (gint) n_ok);
  json_builder_set_member_name (b, "epochs");
  json_builder_add_int_value (b, o.epochs);
  lv_cli_add_double (b, "elapsed_s", sgd_s);
  json_builder_end_object (b);
  lv_cli_add_double (b, "lift_elapsed_s", lift_s);
  lv_cli_add_double (b, "elapsed_s", (g_get_monotonic_time () - t0) / 1e6);
  json_builder_end_object (b);
  root = json_builder_get_root (b);

  if (o.json)
    lv_cli_print_json (root);
  else
    {
      printf ("NN-LIFT (%s, whitening %s, biases by %s), d=%d k=%d samples=%" G_GINT64_FORMAT "\n",
              lv_lift_method_to_string (result->method),
              lv_lift_whitening_to_string (result->whitening),
              lv_lift_bias_method_to_string (result->bias_method), o.d, o.k, o.samples);
      printf ("  |cos(a_j, â_j)|:");
      for (gint j = 0; j < o.k; j++)
        printf (" %.4f", ev->cosines[j]);
      printf ("\n  bias error (rms) %.4g\n  test MSE %.6g (teacher itself %.6g)\n  %.2f s\n",
              ev->bias_error, ev->test_mse, ev->teacher_test_mse, lift_s);
      if (n_ok > 0)
        {
          double mn = sgd_ok[0], mx = sgd_ok[0], mean = 0.0;

          for (guint r = 0; r < n_ok; r++)
            {
              mn = MIN (mn, sgd_ok[r]);
              mx = MAX (mx, sgd_ok[r]);
              mean += sgd_ok[r] / n_ok;
            }
          printf ("SGD, %u of %d runs: test MSE mean %.6g, min %.6g, max %.6g (%.2f s)\n", n_ok,
                  o.sgd_runs, mean, mn, mx, sgd_s);
        }
    }
  return LV_CLI_EXIT_OK;
}
