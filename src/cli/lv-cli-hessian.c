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

/* The curvature of one invocation: the probe's result, and the density's grid for slq. */
typedef struct
{
  LvHessianResult probe;
  double sigma;
  guint grid;
  double train_s, hessian_s;
} HessianResults;

static void print_spectrum_json (JsonBuilder *b, const LvHessianSpectrum *s);

static void
print_json (const LvCliTrainSetup *setup, const HessianResults *r)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (b);
  if (r->probe.spectrum != NULL)
    print_spectrum_json (b, r->probe.spectrum);
  else
    {
      json_builder_set_member_name (b, "params");
      json_builder_add_int_value (b, (gint64) r->probe.slq->n_params);
      json_builder_set_member_name (b, "method");
      json_builder_add_string_value (b, "slq");
      lv_cli_hessian_slq_json (b, r->probe.slq, r->sigma, r->grid);
      lv_cli_add_double (b, "gradient_norm", r->probe.gradient_norm);
      lv_cli_add_double (b, "train_loss", r->probe.loss);
    }
  if (r->probe.has_trace)
    lv_cli_hessian_trace_json (b, &r->probe.trace);
  json_builder_set_member_name (b, "hidden");
  json_builder_add_int_value (b, setup->shape.widths[1]);
  json_builder_set_member_name (b, "seed");
  json_builder_add_int_value (b, (gint64) setup->seed);
  lv_cli_add_double (b, "train_s", r->train_s);
  lv_cli_add_double (b, "hessian_s", r->hessian_s);
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

/* --method: full, lanczos or slq. */
static gboolean
parse_method (HessianOptions *o, LvHessianProbeMethod *method, GError **error)
{
  LvHessianMethod spectrum;

  if (o->method == NULL)
    o->method = g_strdup ("full");
  if (g_str_equal (o->method, "slq"))
    *method = LV_HESSIAN_PROBE_SLQ;
  else if (lv_hessian_method_from_string (o->method, &spectrum))
    *method = spectrum == LV_HESSIAN_METHOD_FULL ? LV_HESSIAN_PROBE_FULL
                                                 : LV_HESSIAN_PROBE_LANCZOS;
  else
    {
      g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT,
                   "--method: '%s' is not full, lanczos or slq", o->method);
      return FALSE;
    }
  if (o->plot != NULL && *method != LV_HESSIAN_PROBE_SLQ)
    {
      g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT, "--plot needs --method slq");
      return FALSE;
    }
  if (o->plot != NULL)
    {
      LvPlotFormat format;
      g_autoptr(GError) local = NULL;

      if (!lv_plot_format_from_path (o->plot, &format, &local))
        {
          g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT, "--plot: %s", local->message);
          return FALSE;
        }
    }
  return check_options (o, error);
}

/* Refuses, before training, what the network's size does not allow. */
static gboolean
check_network (const HessianOptions *o, LvHessianProbeMethod method,
               const LvCliTrainSetup *setup, GError **error)
{
  gsize steps = o->steps > 0 ? (gsize) o->steps : MIN (setup->n_params, 80);
  /* Lanczos keeps steps + 1 basis vectors of n doubles (2 floats each); full keeps n² doubles. */
  gsize vectors = method == LV_HESSIAN_PROBE_FULL ? 4 * setup->n_params : 2 * (steps + 2);

  if (method == LV_HESSIAN_PROBE_FULL && setup->n_params > LV_HESSIAN_FULL_MAX_PARAMS)
    g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT,
                 "--method full is limited to %u parameters (this network has %" G_GSIZE_FORMAT
                 "); use --method lanczos", LV_HESSIAN_FULL_MAX_PARAMS, setup->n_params);
  else if (o->steps > 0 && (gsize) o->steps > setup->n_params)
    g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT,
                 "--steps: %d is more than the %" G_GSIZE_FORMAT " parameters", o->steps,
                 setup->n_params);
  else
    return lv_cli_train_check_memory (setup, "this Hessian", (guint) MIN (vectors, G_MAXUINT),
                                      0, (guint) o->threads, 256, error);
  return FALSE;
}

/* Options → the Hessian probe's input; the network's seed seeds every random draw. */
static void
hessian_input (const HessianOptions *o, LvHessianProbeMethod method,
               const LvCliTrainSetup *setup, const float *params, LvWorkerPool *pool,
               LvHessianInput *in)
{
  lv_hessian_input_init (in);
  in->shape = setup->shape;
  in->params = params;
  in->dataset = setup->dataset;
  in->method = method;
  in->steps = (guint) o->steps;
  in->extremes = (guint) o->extremes;
  in->tolerance = o->tolerance;
  in->probes = (guint) o->probes;
  in->trace = o->trace;
  in->trace_probes = (guint) o->trace_probes;
  in->seed = setup->seed;
  in->pool = pool;
}

/* Loads (--from, --model) or trains the network, then runs the probe. */
static gboolean
compute (const LvCliTrainOptions *t, const LvCliNetworkSource *source, const HessianOptions *o,
         LvHessianProbeMethod method, LvCliTrainSetup *setup, HessianResults *r,
         GError **error)
{
  g_autoptr(LvWorkerPool) pool = NULL;
  g_autofree float *params = NULL;
  LvHessianInput in;
  gint64 t0, t1;

  if (lv_cli_network_source_is_set (source))
    params = lv_cli_network_source_load (source, t, setup, NULL, error);
  if ((lv_cli_network_source_is_set (source) ? params == NULL
                                             : !lv_cli_train_setup (t, setup, error)) ||
      !check_network (o, method, setup, error))
    return FALSE;
  t0 = g_get_monotonic_time ();
  if (params == NULL)
    params = lv_cli_train_one (setup, setup->seed, NULL, error);
  if (params == NULL)
    return FALSE;
  t1 = g_get_monotonic_time ();
  pool = lv_worker_pool_try_new ((guint) o->threads, error);
  if (pool == NULL)
    return FALSE;
  hessian_input (o, method, setup, params, pool, &in);
  if (!lv_hessian_probe_run (&in, &r->probe, NULL, error))
    return FALSE;
  if (r->probe.slq != NULL)
    r->sigma = o->sigma > 0 ? o->sigma : lv_hessian_slq_default_sigma (r->probe.slq);
  r->grid = (guint) o->grid;
  r->train_s = (t1 - t0) / 1e6;
  r->hessian_s = (g_get_monotonic_time () - t1) / 1e6;
  return TRUE;
}

static gboolean
write_outputs (const LvCliTrainSetup *setup, const HessianOptions *o, const HessianResults *r,
               GError **error)
{
  if (o->plot != NULL &&
      !lv_cli_hessian_slq_plot (r->probe.slq, r->sigma, r->grid, o->plot, error))
    return FALSE;
  if (o->json)
    print_json (setup, r);
  else
    {
      if (r->probe.slq != NULL)
        lv_cli_hessian_slq_text (r->probe.slq);
      else
        print_text (r->probe.spectrum, r->train_s, r->hessian_s);
      if (r->probe.has_trace)
        lv_cli_hessian_trace_text (&r->probe.trace);
    }
  return TRUE;
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
  HessianResults results = { { 0 } };
  LvHessianProbeMethod method;
  gboolean ok;

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
  ok = parse_method (&o, &method, &error) &&
       compute (&t, &source, &o, method, &setup, &results, &error) &&
       write_outputs (&setup, &o, &results, &error);
  lv_hessian_result_clear (&results.probe);
  return ok ? LV_CLI_EXIT_OK : lv_cli_fail (error);
}
