/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-cli"

#include "config.h"

#include <math.h>
#include <stdio.h>

#include <lossviz/lossviz.h>

#include "lv-cli-commands.h"
#include "lv-cli-common.h"
#include "lv-cli-train-memory.h"
#include "lv-cli-validate.h"
#include "lv-cli-hessian-slq.h"

#include <lossviz/lv-plot.h>
#include "lv-cli-train-one.h"
#include "lv-cli-network-source.h"

/* `lossviz-cli hessian`: train one network and report the curvature at its endpoint. */

typedef struct
{
  char *method;
  int steps;
  int extremes;
  double tolerance;
  int threads;
  gboolean json;
  int probes;
  int grid;
  double sigma;
  gboolean trace;
  int trace_probes;
  char *plot;
} HessianOptions;

static void
hessian_options_clear (HessianOptions *o)
{
  g_free (o->method);
  g_free (o->plot);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (HessianOptions, hessian_options_clear)

/* The curvature results of one invocation: a spectrum (full, lanczos) or a quadrature (slq),
 * and optionally a Hutchinson trace. */
typedef struct
{
  const LvHessianSpectrum *spectrum;
  const LvHessianSlq *slq;
  const LvHessianTrace *trace;
  double sigma;
  guint grid;
  double loss, gradient_norm;   /* slq: at the trained point */
} HessianResults;

static void print_spectrum_json (JsonBuilder *b, const LvHessianSpectrum *s);

static void
print_json (const LvCliTrainSetup *setup, const HessianResults *r, double train_s,
            double hessian_s)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (b);
  if (r->spectrum != NULL)
    print_spectrum_json (b, r->spectrum);
  else
    {
      json_builder_set_member_name (b, "params");
      json_builder_add_int_value (b, (gint64) r->slq->n_params);
      json_builder_set_member_name (b, "method");
      json_builder_add_string_value (b, "slq");
      lv_cli_hessian_slq_json (b, r->slq, r->sigma, r->grid);
      lv_cli_add_double (b, "gradient_norm", r->gradient_norm);
      lv_cli_add_double (b, "train_loss", r->loss);
    }
  if (r->trace != NULL)
    lv_cli_hessian_trace_json (b, r->trace);
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
print_spectrum_json (JsonBuilder *b, const LvHessianSpectrum *s)
{
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

/* Owns what compute() makes. */
typedef struct
{
  LvHessianSpectrum *spectrum;
  LvHessianSlq *slq;
  LvHessianTrace trace;
} HessianOwned;

static gboolean
compute (const LvHessian *hessian, LvWorkerPool *pool, const HessianOptions *o, gboolean slq,
         LvHessianMethod method, guint64 seed, HessianOwned *own, HessianResults *r,
         GError **error)
{
  *r = (HessianResults) { 0 };
  if (slq)
    {
      g_autoptr(LvHessianWorkspace) ws = lv_hessian_workspace_new (hessian);
      g_autofree double *grad = g_new (double, lv_hessian_get_n_params (hessian));
      double norm2 = 0.0;

      own->slq = lv_hessian_slq (hessian, pool, (guint) o->probes,
                                 o->steps > 0 ? (guint) o->steps
                                              : (guint) MIN (lv_hessian_get_n_params (hessian), 80),
                                 lv_seed_mix (seed, 0x51c, 0), NULL, error);
      if (own->slq == NULL)
        return FALSE;
      r->slq = own->slq;
      r->sigma = o->sigma > 0 ? o->sigma : lv_cli_hessian_slq_default_sigma (own->slq);
      r->grid = (guint) o->grid;
      r->loss = lv_hessian_gradient (hessian, ws, grad);
      for (gsize i = 0; i < lv_hessian_get_n_params (hessian); i++)
        norm2 += grad[i] * grad[i];
      r->gradient_norm = sqrt (norm2);
    }
  else
    {
      if (method == LV_HESSIAN_METHOD_FULL)
        own->spectrum = lv_hessian_spectrum_full (hessian, pool, o->tolerance, NULL, error);
      else
        own->spectrum = lv_hessian_spectrum_lanczos (hessian, (guint) o->steps,
                                                     (guint) o->extremes,
                                                     lv_seed_mix (seed, 0x1a2c, 0),
                                                     o->tolerance, NULL, error);
      if (own->spectrum == NULL)
        return FALSE;
      r->spectrum = own->spectrum;
    }
  if (o->trace)
    {
      if (!lv_hessian_trace_hutchinson (hessian, pool, (guint) o->trace_probes,
                                        lv_seed_mix (seed, 0x7ace, 0), &own->trace, NULL, error))
        return FALSE;
      r->trace = &own->trace;
    }
  return TRUE;
}

static gboolean
check_options (const HessianOptions *o, GError **error)
{
  return lv_cli_check_int_or_default ("--steps", o->steps, 1, 10000, error) &&
         lv_cli_check_int ("--extremes", o->extremes, 1, 1000, error) &&
         lv_cli_check_double ("--tolerance", o->tolerance, 0, 0.5, error) &&
         lv_cli_check_threads (o->threads, error) &&
         lv_cli_check_int ("--probes", o->probes, 1, 10000, error) &&
         lv_cli_check_int ("--grid", o->grid, 2, 100000, error) &&
         lv_cli_check_double ("--sigma", o->sigma, 0, 1e12, error) &&
         lv_cli_check_int ("--trace-probes", o->trace_probes, 1, 100000, error);
}

int
lv_cli_hessian (int argc, char **argv)
{
  g_auto(LvCliTrainOptions) t = { 0 };
  /* String options start NULL: GOption replaces a string without freeing it. */
  g_auto(HessianOptions) o = { .extremes = 5, .tolerance = 1e-6, .probes = 8, .grid = 200,
                               .trace_probes = 100 };
  const GOptionEntry entries[] = {
    { "method", 0, 0, G_OPTION_ARG_STRING, &o.method,
      "full (every eigenvalue; at most " G_STRINGIFY (LV_HESSIAN_FULL_MAX_PARAMS)
      " parameters) | lanczos (extremes) | slq (eigenvalue density)", "NAME" },
    { "steps", 0, 0, G_OPTION_ARG_INT, &o.steps,
      "Lanczos steps, per probe for slq (default min(params, 80))", "N" },
    { "extremes", 0, 0, G_OPTION_ARG_INT, &o.extremes,
      "Lanczos: report this many smallest and largest eigenvalues (default 5)", "K" },
    { "tolerance", 0, 0, G_OPTION_ARG_DOUBLE, &o.tolerance,
      "λ < −tolerance·max|λ| counts as negative (default 1e-6)", "X" },
    { "probes", 0, 0, G_OPTION_ARG_INT, &o.probes, "slq: random probes (default 8)", "P" },
    { "grid", 0, 0, G_OPTION_ARG_INT, &o.grid, "slq: density grid points (default 200)", "G" },
    { "sigma", 0, 0, G_OPTION_ARG_DOUBLE, &o.sigma,
      "slq: Gaussian smoothing width (default 1 % of the node spread)", "S" },
    { "plot", 0, 0, G_OPTION_ARG_FILENAME, &o.plot,
      "slq: draw the density on a log axis to FILE.png, .svg or .pdf", "FILE" },
    { "trace", 0, 0, G_OPTION_ARG_NONE, &o.trace,
      "Also estimate the trace (Hutchinson, Rademacher probes)", NULL },
    { "trace-probes", 0, 0, G_OPTION_ARG_INT, &o.trace_probes,
      "Hutchinson probes (default 100)", "N" },
    { "threads", 0, 0, G_OPTION_ARG_INT, &o.threads, "Worker threads (default: one per core)",
      "N" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &o.json, "Print one JSON object on stdout", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("- curvature at a trained network");
  g_autoptr(GError) error = NULL;
  g_auto(LvCliTrainSetup) setup = { 0 };
  g_auto(LvCliNetworkSource) source = { 0 };
  g_autoptr(LvWorkerPool) pool = NULL;
  g_autoptr(LvHessian) hessian = NULL;
  g_autofree float *params = NULL;
  g_autofree double *pd = NULL;
  HessianOwned own = { 0 };
  HessianResults results;
  LvHessianMethod method = LV_HESSIAN_METHOD_LANCZOS;
  gboolean slq, ok;
  gint64 t0, t1;

  lv_cli_train_options_init (&t);
  lv_cli_train_options_add (context, &t);
  lv_cli_network_source_add (context, &source); /* --from, --run, --model */
  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_set_summary (context,
                                "Trains one network, then computes the Hessian of its mean train "
                                "loss (exact Hessian–vector\nproducts in double): every eigenvalue "
                                "(full), the extremes (Lanczos) or the eigenvalue density\n"
                                "(stochastic Lanczos quadrature), the index, the gradient norm "
                                "and optionally the trace.");
  if (!lv_cli_parse (context, &argc, &argv))
    return LV_CLI_EXIT_BAD_INPUT;
  if (o.method == NULL)
    o.method = g_strdup ("full");
  slq = g_str_equal (o.method, "slq");
  if (!slq && !lv_hessian_method_from_string (o.method, &method))
    return lv_cli_fail_message (LV_CLI_EXIT_BAD_INPUT,
                                "--method: '%s' is not full, lanczos or slq", o.method);
  if (!check_options (&o, &error))
    return lv_cli_fail (error);
  /* A saved or external network (--from, --model) is loaded; otherwise one is trained below. */
  if (lv_cli_network_source_is_set (&source))
    params = lv_cli_network_source_load (&source, &t, &setup, NULL, &error);
  if (lv_cli_network_source_is_set (&source) ? params == NULL
                                             : !lv_cli_train_setup (&t, &setup, &error))
    return lv_cli_fail (error);
  if (o.plot != NULL && !slq)
    return lv_cli_fail_message (LV_CLI_EXIT_BAD_INPUT, "--plot needs --method slq");
  if (o.plot != NULL)
    {
      LvPlotFormat format;
      if (!lv_plot_format_from_path (o.plot, &format, &error))
        return lv_cli_fail_message (LV_CLI_EXIT_BAD_INPUT, "--plot: %s", error->message);
    }
  /* Refuse before training, not after. */
  if (!slq && method == LV_HESSIAN_METHOD_FULL && setup.n_params > LV_HESSIAN_FULL_MAX_PARAMS)
    return lv_cli_fail_message (LV_CLI_EXIT_BAD_INPUT,
                                "--method full is limited to %u parameters (this network has %"
                                G_GSIZE_FORMAT "); use --method lanczos",
                                LV_HESSIAN_FULL_MAX_PARAMS, setup.n_params);
  if (o.steps > 0 && (gsize) o.steps > setup.n_params)
    return lv_cli_fail_message (LV_CLI_EXIT_BAD_INPUT,
                                "--steps: %d is more than the %" G_GSIZE_FORMAT " parameters",
                                o.steps, setup.n_params);
  /* Lanczos keeps steps + 1 basis vectors of n doubles (2 floats each); full keeps n² doubles. */
  {
    gsize steps = o.steps > 0 ? (gsize) o.steps : MIN (setup.n_params, 80);
    gsize vectors = method == LV_HESSIAN_METHOD_FULL ? 4 * setup.n_params : 2 * (steps + 2);
    if (!lv_cli_train_check_memory (&setup, "this Hessian", (guint) MIN (vectors, G_MAXUINT), 0,
                                    (guint) o.threads, 256, &error))
      return lv_cli_fail (error);
  }

  t0 = g_get_monotonic_time ();
  if (params == NULL)
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
  ok = compute (hessian, pool, &o, slq, method, setup.seed, &own, &results, &error) &&
       (o.plot == NULL || lv_cli_hessian_slq_plot (own.slq, results.sigma, results.grid, o.plot,
                                                   &error));
  if (ok && o.json)
    print_json (&setup, &results, (t1 - t0) / 1e6, (g_get_monotonic_time () - t1) / 1e6);
  else if (ok)
    {
      if (slq)
        lv_cli_hessian_slq_text (own.slq);
      else
        print_text (own.spectrum, (t1 - t0) / 1e6, (g_get_monotonic_time () - t1) / 1e6);
      if (o.trace)
        lv_cli_hessian_trace_text (&own.trace);
    }
  lv_hessian_spectrum_free (own.spectrum);
  lv_hessian_slq_free (own.slq);
  return ok ? LV_CLI_EXIT_OK : lv_cli_fail (error);
}
