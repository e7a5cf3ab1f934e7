/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-cli"

#include "config.h"

#include <math.h>
#include <stdio.h>

#include <lossviz/lossviz.h>

#include "lv-cli-commands.h"
#include "lv-cli-common.h"
#include "lv-cli-validate.h"
#include "lv-cli-train-one.h"

/* `lossviz-cli hessian`: train one network and report the curvature at its endpoint. */

typedef struct
{
  char *method;
  int steps;
  int extremes;
  double tolerance;
  int threads;
  gboolean json;
} HessianOptions;

static void
hessian_options_clear (HessianOptions *o)
{
  g_free (o->method);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (HessianOptions, hessian_options_clear)

static void
print_json (const LvCliTrainSetup *setup, const LvHessianSpectrum *s, double train_s,
            double hessian_s)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "params");
  json_builder_add_int_value (b, (gint64) s->n_params);
  json_builder_set_member_name (b, "method");
  json_builder_add_string_value (b, lv_hessian_method_to_string (s->method));
  json_builder_set_member_name (b, "eigenvalues");
  json_builder_begin_array (b);
  for (guint i = 0; i < s->n_eigenvalues; i++)
    json_builder_add_double_value (b, s->eigenvalues[i]);
  json_builder_end_array (b);
  lv_cli_add_double (b, "min_eigenvalue", s->min_eigenvalue);
  lv_cli_add_double (b, "max_eigenvalue", s->max_eigenvalue);
  json_builder_set_member_name (b, "negative_count");
  json_builder_add_int_value (b, s->negative_count);
  json_builder_set_member_name (b, "negative_count_exact");
  json_builder_add_boolean_value (b, s->negative_count_exact);
  lv_cli_add_double (b, "tolerance", s->tolerance);
  lv_cli_add_double (b, "gradient_norm", s->gradient_norm);
  lv_cli_add_double (b, "train_loss", s->loss);
  lv_cli_add_double (b, "condition_number", s->condition);
  lv_cli_add_double (b, "effective_condition_number", s->effective_condition);
  lv_cli_add_double (b, "asymmetry", s->asymmetry);
  if (s->method == LV_HESSIAN_METHOD_LANCZOS)
    {
      json_builder_set_member_name (b, "lanczos_steps");
      json_builder_add_int_value (b, s->lanczos_steps);
    }
  json_builder_set_member_name (b, "hidden");
  json_builder_add_int_value (b, setup->shape.widths[1]);
  json_builder_set_member_name (b, "seed");
  json_builder_add_int_value (b, (gint64) setup->seed);
  lv_cli_add_double (b, "train_s", train_s);
  lv_cli_add_double (b, "hessian_s", hessian_s);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  lv_cli_print_json (root);
}

static void
print_text (const LvHessianSpectrum *s, double train_s, double hessian_s)
{
  printf ("%s Hessian of %" G_GSIZE_FORMAT " parameters (train %.2f s, Hessian %.2f s)\n",
          lv_hessian_method_to_string (s->method), s->n_params, train_s, hessian_s);
  printf ("train loss %.6g, gradient norm %.3g\n", s->loss, s->gradient_norm);
  printf ("eigenvalues in [%.6g, %.6g]; index %u%s (tolerance %g × max |λ|)\n", s->min_eigenvalue,
          s->max_eigenvalue, s->negative_count, s->negative_count_exact ? "" : " (lower bound)",
          s->tolerance);
  if (isfinite (s->condition))
    printf ("condition number %.4g\n", s->condition);
  else
    printf ("not positive definite%s", isfinite (s->effective_condition) ? "" : "\n");
  if (isfinite (s->effective_condition))
    printf ("%seffective condition (|λ| above tolerance) %.4g\n",
            isfinite (s->condition) ? "" : "; ", s->effective_condition);
}

int
lv_cli_hessian (int argc, char **argv)
{
  g_auto(LvCliTrainOptions) t = { 0 };
  /* String options start NULL: GOption replaces a string without freeing it. */
  g_auto(HessianOptions) o = { .extremes = 5, .tolerance = 1e-6 };
  const GOptionEntry entries[] = {
    { "method", 0, 0, G_OPTION_ARG_STRING, &o.method,
      "full (every eigenvalue; at most " G_STRINGIFY (LV_HESSIAN_FULL_MAX_PARAMS)
      " parameters) | lanczos (extremes)", "NAME" },
    { "steps", 0, 0, G_OPTION_ARG_INT, &o.steps, "Lanczos steps (default min(params, 80))", "N" },
    { "extremes", 0, 0, G_OPTION_ARG_INT, &o.extremes,
      "Lanczos: report this many smallest and largest eigenvalues (default 5)", "K" },
    { "tolerance", 0, 0, G_OPTION_ARG_DOUBLE, &o.tolerance,
      "λ < −tolerance·max|λ| counts as negative (default 1e-6)", "X" },
    { "threads", 0, 0, G_OPTION_ARG_INT, &o.threads, "Worker threads (default: one per core)",
      "N" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &o.json, "Print one JSON object on stdout", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("- curvature at a trained network");
  g_autoptr(GError) error = NULL;
  g_auto(LvCliTrainSetup) setup = { 0 };
  g_autoptr(LvWorkerPool) pool = NULL;
  g_autoptr(LvHessian) hessian = NULL;
  g_autoptr(LvHessianSpectrum) spectrum = NULL;
  g_autofree float *params = NULL;
  g_autofree double *pd = NULL;
  LvHessianMethod method;
  gint64 t0, t1;

  lv_cli_train_options_init (&t);
  lv_cli_train_options_add (context, &t);
  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_set_summary (context,
                                "Trains one network, then computes the Hessian of its mean train "
                                "loss (exact Hessian–vector\nproducts in double): every eigenvalue "
                                "(full) or the extremes (Lanczos), the index and the gradient norm.");
  if (!lv_cli_parse (context, &argc, &argv))
    return LV_CLI_EXIT_BAD_INPUT;
  if (o.method == NULL)
    o.method = g_strdup ("full");
  if (!lv_hessian_method_from_string (o.method, &method))
    return lv_cli_fail_message (LV_CLI_EXIT_BAD_INPUT,
                                "--method: '%s' is not full or lanczos", o.method);
  if (!lv_cli_check_int_or_default ("--steps", o.steps, 1, 10000, &error) ||
      !lv_cli_check_int ("--extremes", o.extremes, 1, 1000, &error) ||
      !lv_cli_check_double ("--tolerance", o.tolerance, 0, 0.5, &error) ||
      !lv_cli_check_threads (o.threads, &error) ||
      !lv_cli_train_setup (&t, &setup, &error))
    return lv_cli_fail (error);
  /* Refuse before training, not after. */
  if (method == LV_HESSIAN_METHOD_FULL && setup.n_params > LV_HESSIAN_FULL_MAX_PARAMS)
    return lv_cli_fail_message (LV_CLI_EXIT_BAD_INPUT,
                                "--method full is limited to %u parameters (this network has %"
                                G_GSIZE_FORMAT "); use --method lanczos",
                                LV_HESSIAN_FULL_MAX_PARAMS, setup.n_params);
  if (o.steps > 0 && (gsize) o.steps > setup.n_params)
    return lv_cli_fail_message (LV_CLI_EXIT_BAD_INPUT,
                                "--steps: %d is more than the %" G_GSIZE_FORMAT " parameters",
                                o.steps, setup.n_params);

  t0 = g_get_monotonic_time ();
  params = lv_cli_train_one (&setup, setup.seed, NULL, &error);
  if (params == NULL)
    return lv_cli_fail (error);
  t1 = g_get_monotonic_time ();
  pd = g_new (double, setup.n_params);
  for (gsize i = 0; i < setup.n_params; i++)
    pd[i] = params[i];
  hessian = lv_hessian_new (&setup.shape, pd, setup.dataset, &error);
  if (hessian == NULL)
    return lv_cli_fail (error);
  pool = lv_worker_pool_try_new ((guint) o.threads, &error);
  if (pool == NULL)
    return lv_cli_fail (error);
  if (method == LV_HESSIAN_METHOD_FULL)
    spectrum = lv_hessian_spectrum_full (hessian, pool, o.tolerance, NULL, &error);
  else
    spectrum = lv_hessian_spectrum_lanczos (hessian, (guint) o.steps, (guint) o.extremes,
                                            lv_seed_mix (setup.seed, 0x1a2c, 0), o.tolerance,
                                            NULL, &error);
  if (spectrum == NULL)
    return lv_cli_fail (error);
  if (o.json)
    print_json (&setup, spectrum, (t1 - t0) / 1e6, (g_get_monotonic_time () - t1) / 1e6);
  else
    print_text (spectrum, (t1 - t0) / 1e6, (g_get_monotonic_time () - t1) / 1e6);
  return LV_CLI_EXIT_OK;
}
