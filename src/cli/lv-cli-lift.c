/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-cli"

#include "config.h"

#include <math.h>
#include <stdio.h>

#include <lossviz/lossviz.h>
#include <lossviz/lv-lift-probe.h>

#include "lv-cli-commands.h"
#include "lv-cli-common.h"
#include "lv-cli-validate.h"

/*
 * `lossviz-cli lift`: NN-LIFT on samples of a random two-layer logistic teacher, next to an
 * ensemble of same-width networks trained by SGD on the same samples.
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

/* Parses and validates the options; on bad input prints the error, sets *exit_code and returns
 * FALSE. @method_arg and @bias_arg receive the option strings (owned by the caller). */
static gboolean
parse_options (int argc, char **argv, LiftOptions *o, char **method_arg, char **bias_arg,
               LvLiftMethod *method, int *exit_code)
{
  GOptionEntry entries[] = {
    { "d", 0, 0, G_OPTION_ARG_INT, &o->d, "Input dimension (1..64, default 8)", "D" },
    { "k", 0, 0, G_OPTION_ARG_INT, &o->k, "Hidden units of the teacher and the fits (1..d, default 3)", "K" },
    { "samples", 0, 0, G_OPTION_ARG_INT64, &o->samples, "Training samples (default 200000)", "N" },
    { "test-samples", 0, 0, G_OPTION_ARG_INT64, &o->test_samples, "Held-out samples (default 10000)", "N" },
    { "seed", 0, 0, G_OPTION_ARG_INT64, &o->seed, "Seed of the teacher, samples and fits (default 1)", "S" },
    { "method", 0, 0, G_OPTION_ARG_STRING, method_arg, "Decomposition: power or jennrich (default power)", "M" },
    { "bias-method", 0, 0, G_OPTION_ARG_STRING, bias_arg, "First-layer biases: auto, fourier or least-squares (default auto)", "B" },
    { "noise", 0, 0, G_OPTION_ARG_DOUBLE, &o->noise, "Label noise standard deviation (default 0)", "SIGMA" },
    { "sgd-runs", 0, 0, G_OPTION_ARG_INT, &o->sgd_runs, "SGD networks to train for comparison (default 8; 0 skips)", "R" },
    { "epochs", 0, 0, G_OPTION_ARG_INT, &o->epochs, "SGD epochs (default 10)", "E" },
    { "threads", 0, 0, G_OPTION_ARG_INT, &o->threads, "Worker threads (0 = one per core)", "T" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &o->json, "Print one JSON object", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context =
    g_option_context_new ("- NN-LIFT vs SGD on a teacher network");
  g_autoptr(GError) error = NULL;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!lv_cli_parse (context, &argc, &argv))
    {
      *exit_code = LV_CLI_EXIT_BAD_INPUT;
      return FALSE;
    }
  o->method = *method_arg != NULL ? *method_arg : "power";
  o->bias_arg = *bias_arg;
  if (!validate (o, method, &error))
    {
      *exit_code = lv_cli_fail (error);
      return FALSE;
    }
  return TRUE;
}

/* What one invocation computed: the probe's result (fit, evaluation, SGD runs) and the SGD runs
 * that did not diverge. */
typedef struct
{
  LvLiftProbeResult probe;
  double *sgd_ok;     /* test MSE of the SGD runs that did not diverge */
  guint n_ok;
  gint64 t0;          /* start, for the total elapsed time */
  double lift_s, sgd_s;
  LvLiftResult *result;       /* borrowed from @probe */
  LvLiftEvaluation *ev;       /* borrowed from @probe */
} LiftRun;

static void
lift_run_clear (LiftRun *run)
{
  lv_lift_probe_result_clear (&run->probe);
  g_clear_pointer (&run->sgd_ok, g_free);
}

/* The options → the NN-LIFT probe (lv-lift-probe.h): problem, fit, evaluation, SGD ensemble. */
static gboolean
compute (const LiftOptions *o, LvLiftMethod method, LiftRun *run, GError **error)
{
  g_autoptr(LvWorkerPool) pool = NULL;
  LvLiftProbeInput in;

  run->t0 = g_get_monotonic_time ();
  pool = lv_worker_pool_try_new ((guint) o->threads, error);
  if (pool == NULL)
    return FALSE;
  lv_lift_probe_input_init (&in);
  in.d = (guint) o->d;
  in.k = (guint) o->k;
  in.samples = (gsize) o->samples;
  in.test_samples = (gsize) o->test_samples;
  in.seed = (guint64) o->seed;
  in.noise = o->noise;
  in.method = method;
  in.bias_method = o->bias_method;
  in.sgd_runs = (guint) o->sgd_runs;
  in.epochs = (guint) o->epochs;
  in.pool = pool;
  if (!lv_lift_probe_run (&in, &run->probe, NULL, error))
    return FALSE;
  run->result = run->probe.fit;
  run->ev = run->probe.evaluation;
  run->lift_s = run->probe.lift_seconds;
  run->sgd_s = run->probe.sgd_seconds;
  run->sgd_ok = g_new (double, MAX (o->sgd_runs, 1));
  for (guint r = 0; r < run->probe.sgd_runs; r++)
    if (isfinite (run->probe.sgd_mse[r]))
      run->sgd_ok[run->n_ok++] = run->probe.sgd_mse[r];
  return TRUE;
}

static JsonNode *
run_to_json (const LiftOptions *o, const LiftRun *run)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  const LvLiftEvaluation *ev = run->ev;

  json_builder_begin_object (b);
  lv_cli_add_int (b, "d", o->d);
  lv_cli_add_int (b, "k", o->k);
  lv_cli_add_int (b, "samples", o->samples);
  lv_cli_add_int (b, "test_samples", o->test_samples);
  lv_cli_add_int (b, "seed", o->seed);
  lv_cli_add_string (b, "method", lv_lift_method_to_string (run->result->method));
  lv_cli_add_string (b, "whitening", lv_lift_whitening_to_string (run->result->whitening));
  lv_cli_add_double_array (b, "cosines", ev->cosines, (guint) o->k);
  lv_cli_add_double (b, "bias_error", ev->bias_error);
  lv_cli_add_double_array (b, "bias_errors", ev->bias_errors, (guint) o->k);
  lv_cli_add_string (b, "bias_method", lv_lift_bias_method_to_string (run->result->bias_method));
  lv_cli_add_double (b, "fourier_ess", run->result->fourier_ess);
  lv_cli_add_double (b, "fourier_bias_error", ev->fourier_bias_error);
  lv_cli_add_double (b, "test_mse", ev->test_mse);
  lv_cli_add_double (b, "teacher_test_mse", ev->teacher_test_mse);
  lv_cli_add_double (b, "noise", o->noise);
  json_builder_set_member_name (b, "sgd");
  json_builder_begin_object (b);
  lv_cli_add_summary (b, "test_mse", run->sgd_ok, run->n_ok);
  lv_cli_add_int (b, "runs", o->sgd_runs);
  lv_cli_add_int (b, "diverged", o->sgd_runs - (gint) run->n_ok);
  lv_cli_add_int (b, "epochs", o->epochs);
  lv_cli_add_double (b, "elapsed_s", run->sgd_s);
  json_builder_end_object (b);
  lv_cli_add_double (b, "lift_elapsed_s", run->lift_s);
  lv_cli_add_double (b, "elapsed_s", (g_get_monotonic_time () - run->t0) / 1e6);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

static void
print_table (const LiftOptions *o, const LiftRun *run)
{
  const LvLiftEvaluation *ev = run->ev;

  printf ("NN-LIFT (%s, whitening %s, biases by %s), d=%d k=%d samples=%" G_GINT64_FORMAT "\n",
          lv_lift_method_to_string (run->result->method),
          lv_lift_whitening_to_string (run->result->whitening),
          lv_lift_bias_method_to_string (run->result->bias_method), o->d, o->k, o->samples);
  printf ("  |cos(a_j, â_j)|:");
  for (gint j = 0; j < o->k; j++)
    printf (" %.4f", ev->cosines[j]);
  printf ("\n  bias error (rms) %.4g\n  test MSE %.6g (teacher itself %.6g)\n  %.2f s\n",
          ev->bias_error, ev->test_mse, ev->teacher_test_mse, run->lift_s);
  if (run->n_ok > 0)
    {
      const double *ok = run->sgd_ok;
      double mn = ok[0], mx = ok[0], mean = 0.0;

      for (guint r = 0; r < run->n_ok; r++)
        {
          mn = MIN (mn, ok[r]);
          mx = MAX (mx, ok[r]);
          mean += ok[r] / run->n_ok;
        }
      printf ("SGD, %u of %d runs: test MSE mean %.6g, min %.6g, max %.6g (%.2f s)\n", run->n_ok,
              o->sgd_runs, mean, mn, mx, run->sgd_s);
    }
}

/**
 * lv_cli_lift:
 * @argc: argument count (argv[0] is "lift").
 * @argv: arguments.
 *
 * Options → compute → JSON or a short table.
 *
 * Returns: the process exit code.
 */
int
lv_cli_lift (int argc, char **argv)
{
  LiftOptions o = { .d = 8, .k = 3, .samples = 200000, .test_samples = 10000, .seed = 1,
                    .noise = 0.0, .sgd_runs = 8, .epochs = 10, .threads = 0 };
  g_autofree char *method_arg = NULL, *bias_arg = NULL;
  g_autoptr(GError) error = NULL;
  LiftRun run = { 0 };
  LvLiftMethod method;
  int exit_code;

  if (!parse_options (argc, argv, &o, &method_arg, &bias_arg, &method, &exit_code))
    return exit_code;
  if (!compute (&o, method, &run, &error))
    exit_code = lv_cli_fail (error);
  else
    {
      if (o.json)
        {
          g_autoptr(JsonNode) root = run_to_json (&o, &run);
          lv_cli_print_json (root);
        }
      else
        print_table (&o, &run);
      exit_code = LV_CLI_EXIT_OK;
    }
  lift_run_clear (&run);
  return exit_code;
}
