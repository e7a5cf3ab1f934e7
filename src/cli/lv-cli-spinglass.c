/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-cli"

#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include <lossviz/lossviz.h>
#include <lossviz/lv-plot-spinglass.h>

#include "lv-cli-commands.h"
#include "lv-cli-common.h"
#include "lv-cli-validate.h"
#include "lv-cli-mpi.h"
#include "lv-cli-preset.h"
#include "lv-cli-spinglass-bundle.h"

/*
 * `lossviz-cli spinglass bands|complexity|simulate`: the spherical p-spin glass of
 * Choromanska et al. (docs/THEORY.md §1–2). JSON keys are pinned by issue 4.
 */

#define MAX_SIZES 32

static gboolean
check_p_k (gint p, gint k, GError **error)
{
  return lv_cli_check_int ("--p", p, LV_SPIN_GLASS_P_MIN, LV_SPIN_GLASS_P_MAX, error) &&
         lv_cli_check_int ("--k", k, 0, LV_SPIN_GLASS_K_MAX, error);
}

static int
run_bands (int argc, char **argv)
{
  gint p = 3, k = 5;
  gboolean json = FALSE;
  double edges[LV_SPIN_GLASS_K_MAX + 1];
  g_autoptr(GError) error = NULL;
  GOptionEntry entries[] = {
    { "p", 0, 0, G_OPTION_ARG_INT, &p, "Order p of the interaction, 2..5 (default 3)", "P" },
    { "k", 0, 0, G_OPTION_ARG_INT, &k, "Largest index K, 0..10 (default 5)", "K" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print one JSON object", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("- critical values of the p-spin glass");

  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_set_description (context,
    "Prints E_inf = 2 sqrt((p-1)/p) and the band edges E_0 > E_1 > ... > E_K, the roots of\n"
    "Theta_{k,p}(u) = 0 below -E_inf (Auffinger-Ben Arous-Cerny). Values are positive\n"
    "magnitudes: local minima sit at energies H/Lambda = -E. \"plateau\" is the value of every\n"
    "Theta_{k,p} above -E_inf, 1/2 log(p-1) - (p-2)/p. These are N -> infinity statements.\n"
    "JSON: {\"p\", \"E_inf\", \"E\": [E_0..E_K], \"plateau\"}");
  if (!lv_cli_parse (context, &argc, &argv))
    return LV_CLI_EXIT_BAD_INPUT;
  if (!check_p_k (p, k, &error) || !lv_spin_glass_band_edges (p, k, edges, &error))
    return lv_cli_fail (error);

  if (json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "p");
      json_builder_add_int_value (b, p);
      lv_cli_add_double (b, "E_inf", lv_spin_glass_e_inf (p));
      json_builder_set_member_name (b, "E");
      json_builder_begin_array (b);
      for (gint i = 0; i <= k; i++)
        json_builder_add_double_value (b, edges[i]);
      json_builder_end_array (b);
      lv_cli_add_double (b, "plateau", lv_spin_glass_plateau (p));
      json_builder_end_object (b);
      root = json_builder_get_root (b);
      lv_cli_print_json (root);
    }
  else
    {
      printf ("p = %d   E_inf = %.12f   plateau = %.10f\n", p, lv_spin_glass_e_inf (p),
              lv_spin_glass_plateau (p));
      printf ("  k   E_k (minima of index <= k sit above -E_k)\n");
      for (gint i = 0; i <= k; i++)
        printf ("%3d   %.12f\n", i, edges[i]);
    }
  return LV_CLI_EXIT_OK;
}

static int
run_complexity (int argc, char **argv)
{
  gint p = 3, k = 0;
  gboolean json = FALSE;
  g_autofree char *u_text = NULL;
  g_autoptr(GArray) us = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GError) error = NULL;
  GOptionEntry entries[] = {
    { "p", 0, 0, G_OPTION_ARG_INT, &p, "Order p, 2..5 (default 3)", "P" },
    { "k", 0, 0, G_OPTION_ARG_INT, &k, "Index k, 0..10 (default 0)", "K" },
    { "u", 0, 0, G_OPTION_ARG_STRING, &u_text, "Energies per spin u (comma-separated)",
      "U1,U2,..." },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print one JSON object", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("- complexity functions");

  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_set_description (context,
    "Evaluates Theta_{k,p}(u) (critical points of index k below u) and the total complexity\n"
    "Theta_p(u) (all indices) at each u.\n"
    "JSON: {\"p\", \"k\", \"points\": [{\"u\", \"theta_k\", \"theta_total\"}]}");
  if (!lv_cli_parse (context, &argc, &argv))
    return LV_CLI_EXIT_BAD_INPUT;
  if (!check_p_k (p, k, &error))
    return lv_cli_fail (error);
  if (u_text == NULL)
    return lv_cli_fail_message (LV_CLI_EXIT_BAD_INPUT, "--u: a list of energies is required");
  if (!lv_cli_parse_double_list (u_text, "--u", us, &error))
    return lv_cli_fail (error);
  if (us->len > 100000)
    return lv_cli_fail_message (LV_CLI_EXIT_BAD_INPUT, "--u: more than 100000 values");

  if (json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "p");
      json_builder_add_int_value (b, p);
      json_builder_set_member_name (b, "k");
      json_builder_add_int_value (b, k);
      json_builder_set_member_name (b, "points");
      json_builder_begin_array (b);
      for (guint i = 0; i < us->len; i++)
        {
          double u = g_array_index (us, double, i);
          json_builder_begin_object (b);
          lv_cli_add_double (b, "u", u);
          lv_cli_add_double (b, "theta_k", lv_spin_glass_theta_k (u, p, k));
          lv_cli_add_double (b, "theta_total", lv_spin_glass_theta_total (u, p));
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      json_builder_end_object (b);
      root = json_builder_get_root (b);
      lv_cli_print_json (root);
    }
  else
    {
      printf ("p = %d, k = %d\n%14s %16s %16s\n", p, k, "u", "theta_k", "theta_total");
      for (guint i = 0; i < us->len; i++)
        {
          double u = g_array_index (us, double, i);
          printf ("%14.6f %16.10f %16.10f\n", u, lv_spin_glass_theta_k (u, p, k),
                  lv_spin_glass_theta_total (u, p));
        }
    }
  return LV_CLI_EXIT_OK;
}

/* ---- simulate: options → probe → JSON, table or figure ---------------------------------- */

typedef struct
{
  gint p, runs, threads, max_steps, parts;
  gint64 seed;
  double tol, eta;
  gboolean json, double_only, bf16;
  char *lambda_text, *method, *disorder, *plot, *plot_size, *preset;
  LvCliSpinGlassBundle bundle;  /* --out, --checkpoint, --resume (.h5) */
} SimulateOptions;

static void
simulate_options_clear (SimulateOptions *o)
{
  g_free (o->lambda_text);
  g_free (o->method);
  g_free (o->disorder);
  g_free (o->plot);
  g_free (o->plot_size);
  g_free (o->preset);
  lv_cli_sg_bundle_clear (&o->bundle);
}

static GOptionContext *
simulate_option_context (SimulateOptions *o)
{
  GOptionEntry entries[] = {
    { "p", 0, 0, G_OPTION_ARG_INT, &o->p, "Order p, 2..5 (default 3)", "P" },
    { "lambda", 0, 0, G_OPTION_ARG_STRING, &o->lambda_text, "Sizes Λ (comma-separated, 2..4000)",
      "L1,L2,..." },
    { "runs", 0, 0, G_OPTION_ARG_INT, &o->runs, "Random starts per size (default 100)", "R" },
    { "method", 0, 0, G_OPTION_ARG_STRING, &o->method, "gd (default) or sgd", "gd|sgd" },
    { "disorder", 0, 0, G_OPTION_ARG_STRING, &o->disorder,
      "fixed: one coupling draw per size (default, as the paper); per-run: a draw per start",
      "fixed|per-run" },
    { "seed", 0, 0, G_OPTION_ARG_INT64, &o->seed, "Base seed (default 1)", "S" },
    { "threads", 0, 0, G_OPTION_ARG_INT, &o->threads, "Worker threads (default: one per core)",
      "T" },
    { "tol", 0, 0, G_OPTION_ARG_DOUBLE, &o->tol,
      "Stop when |Riemannian gradient of H| < TOL (default 1e-5)", "TOL" },
    { "max-steps", 0, 0, G_OPTION_ARG_INT, &o->max_steps, "Step cap per run (default 20000)",
      "N" },
    { "eta", 0, 0, G_OPTION_ARG_DOUBLE, &o->eta,
      "GD step (default 0.2 sqrt(6/(p(p-1))): 0.2 for p = 3)", "ETA" },
    { "parts", 0, 0, G_OPTION_ARG_INT, &o->parts, "SGD: coupling parts P (default 4)", "P" },
    { "double", 0, 0, G_OPTION_ARG_NONE, &o->double_only,
      "Descend in double only (default: float GEMMs for the bulk, double to finish)", NULL },
    { "bf16", 0, 0, G_OPTION_ARG_NONE, &o->bf16,
      "Fixed disorder: bf16 operands for the bulk's GEMMs (oneDNN; double still decides and "
      "reports)", NULL },
    { "plot", 0, 0, G_OPTION_ARG_FILENAME, &o->plot,
      "Write the histograms and the complexity panel (PNG, SVG or PDF) and a CSV next to it",
      "FILE" },
    { "plot-size", 0, 0, G_OPTION_ARG_STRING, &o->plot_size,
      "Figure size WxH (default 1600x800)", "WxH" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &o->json, "Print one JSON object", NULL },
    { "preset", 0, 0, G_OPTION_ARG_STRING, &o->preset,
      LV_CLI_PRESET_HELP "; explicit options override its values", "NAME" },
    { NULL }
  };
  GOptionContext *context = g_option_context_new ("- descend the p-spin glass from "
                                                  "random starts");

  g_option_context_add_main_entries (context, entries, NULL);
  lv_cli_sg_bundle_options_add (context, &o->bundle);
  g_option_context_set_description (context,
    "Energies are H/Lambda on the sphere |s|^2 = Lambda (ABC normalisation). The tolerance is\n"
    "on the Euclidean norm of the Riemannian gradient of the unnormalised H.\n"
    "sgd: couplings split into P parts (each N(0, 1/P)), one part per step cyclically for\n"
    "500 P steps with gamma_t = 0.3/(1 + 0.0015 t), then full-gradient descent with ETA.\n"
    "The Hessian index is computed for Lambda <= 300 only; above, \"index\" is null.\n"
    "Memory: one draw stores 12 Lambda C(Lambda+p-2, p-1) bytes (+4 per entry per SGD part),\n"
    "e.g. 750 MB for p = 3, Lambda = 500; limit 3 GiB (Lambda <= 812, 199, 90 for p = 3, 4, 5).\n"
    "With per-run disorder every thread holds its own draw.\n"
    "JSON: {\"p\", \"sizes\": [{\"lambda\", \"runs\", \"energy\": {mean, std, min, median, max},\n"
    "\"fraction_in_band\", \"fraction_below_E0\", \"max_index\", \"converged\", \"wall_seconds\"}],\n"
    "\"runs\": [{\"lambda\", \"run\", \"energy\", \"index\", \"steps\", \"grad_norm\"}]}");
  return context;
}

/* Reads the command line (a preset sets the defaults, explicit options override them,
 * lv-cli-preset.h). Returns FALSE with the exit code in *@status after printing the error. */
static gboolean
parse_simulate_options (int argc, char **argv, SimulateOptions *o, gboolean *resume,
                        int *status)
{
  g_autoptr(GOptionContext) context = simulate_option_context (o);
  g_autoptr(GError) error = NULL;
  const char *preset_name;

  *status = LV_CLI_EXIT_BAD_INPUT;
  if (!lv_cli_preset_find (argc, argv, &preset_name, &error))
    {
      *status = lv_cli_fail (error);
      return FALSE;
    }
  if (preset_name != NULL)
    {
      o->p = lv_cli_preset_spinglass (preset_name)->p;
      o->runs = lv_cli_preset_spinglass (preset_name)->runs;
    }
  if (!lv_cli_sg_bundle_check_args (argc, argv, resume, &error))
    {
      *status = lv_cli_fail (error);
      return FALSE;
    }
  if (!lv_cli_parse (context, &argc, &argv)) /* printed its error */
    return FALSE;
  if (preset_name != NULL)
    {
      lv_cli_default_string (&o->lambda_text, lv_cli_preset_spinglass (preset_name)->lambda);
      lv_cli_default_string (&o->method, lv_cli_preset_spinglass (preset_name)->method);
    }
  *status = LV_CLI_EXIT_OK;
  return TRUE;
}

static gboolean G_GNUC_PRINTF (2, 3)
bad_input (GError **error, const char *format, ...)
{
  va_list args;

  va_start (args, format);
  g_propagate_error (error, g_error_new_valist (LV_ERROR, LV_ERROR_INVALID_INPUT, format, args));
  va_end (args);
  return FALSE;
}

/* Checks the values and fills the probe's input (sizes from --lambda, or the bundle's). */
static gboolean
simulate_input (SimulateOptions *o, gboolean resume, LvSpinGlassProbeInput *in, GError **error)
{
  LvSpinGlassConfig *base = &in->base;

  lv_spin_glass_probe_input_init (in, (guint) CLAMP (o->p, LV_SPIN_GLASS_P_MIN,
                                                     LV_SPIN_GLASS_P_MAX));
  if (!lv_cli_check_int ("--p", o->p, LV_SPIN_GLASS_P_MIN, LV_SPIN_GLASS_P_MAX, error) ||
      !lv_cli_check_int ("--runs", o->runs, 1, 1000000, error) ||
      !lv_cli_check_threads (o->threads, error) ||
      !lv_cli_check_int ("--max-steps", o->max_steps, 1, 100000000, error) ||
      !lv_cli_check_int ("--parts", o->parts, 1, 64, error) ||
      !lv_cli_check_int ("--seed", o->seed, 0, G_MAXINT64, error) ||
      !lv_cli_check_double ("--tol", o->tol, 1e-14, 1e6, error) ||
      !lv_cli_check_double_or_default ("--eta", o->eta, 1e-9, 10.0, error))
    return FALSE;
  if (o->lambda_text == NULL && !resume)
    return bad_input (error, "--lambda: a list of sizes is required");
  if (!resume && !lv_cli_parse_uint_list (o->lambda_text, "--lambda", MAX_SIZES,
                                          LV_SPIN_GLASS_N_MIN, LV_SPIN_GLASS_N_MAX, in->lambdas,
                                          &in->n_sizes, error))
    return FALSE;
  if (o->method != NULL && strcmp (o->method, "gd") != 0 && strcmp (o->method, "sgd") != 0)
    return bad_input (error, "--method: '%s' is not gd or sgd", o->method);
  if (o->disorder != NULL && strcmp (o->disorder, "fixed") != 0 &&
      strcmp (o->disorder, "per-run") != 0)
    return bad_input (error, "--disorder: '%s' is not fixed or per-run", o->disorder);
  if (o->double_only && o->bf16)
    return bad_input (error, "--double and --bf16 exclude each other");
  /* The figure and the CSV written next to it. */
  if (o->plot != NULL && !lv_cli_check_figure_output ("--plot", o->plot, o->plot_size, TRUE,
                                                      error))
    return FALSE;
  lv_spin_glass_config_init (base, o->p, LV_SPIN_GLASS_N_MIN);
  base->runs = o->runs;
  base->method = o->method != NULL && strcmp (o->method, "sgd") == 0 ? LV_SPIN_GLASS_SGD
                                                                     : LV_SPIN_GLASS_GD;
  base->disorder = o->disorder != NULL && strcmp (o->disorder, "per-run") == 0
                     ? LV_SPIN_GLASS_DISORDER_PER_RUN : LV_SPIN_GLASS_DISORDER_FIXED;
  base->seed = (guint64) o->seed;
  base->n_threads = o->threads;
  base->tol = o->tol;
  base->max_steps = o->max_steps;
  base->n_parts = o->parts;
  if (o->eta != 0.0)
    base->eta = o->eta;
  if (o->double_only)
    base->precision = LV_SPIN_GLASS_DOUBLE;
  if (o->bf16)
    base->precision = LV_SPIN_GLASS_BF16;
  return TRUE;
}

/* How the CLI simulates one size: dealt over the MPI ranks under mpirun
 * (lv-cli-mpi-spinglass.c), otherwise with the --out bundle's checkpoints and signals. */
typedef struct
{
  SimulateOptions *options;
  guint dealt;
  int status;  /* the bundle's exit code, its error already printed */
} SizeHook;

static gboolean
simulate_one_size (const LvSpinGlassConfig *config, guint i, LvSpinGlassRun *runs,
                   LvSpinGlassStats *stats, gpointer user_data, GError **error)
{
  SizeHook *hook = user_data;

  if (!hook->options->json && lv_cli_mpi_is_root ())
    fprintf (stderr, "Λ = %u: %u runs...\n", config->lambda, config->runs);
  if (lv_cli_mpi_size () > 1)
    return lv_cli_mpi_spin_glass_simulate (config, &hook->dealt, runs, stats, error);
  hook->status = lv_cli_sg_bundle_simulate (&hook->options->bundle, i, config, runs, stats);
  if (hook->status == LV_CLI_EXIT_OK)
    return TRUE;
  g_set_error_literal (error, LV_ERROR, LV_ERROR_FAILED, "reported by the bundle");
  return FALSE;
}

/* E/Λ of every run of @size, indexed by run. */
static double *
size_energies (const LvSpinGlassProbeSize *size, guint runs)
{
  double *e = g_new (double, MAX (runs, 1));

  for (guint r = 0; r < runs; r++)
    e[r] = size->runs[r].energy;
  return e;
}

/* The spin-glass figure of the app (lv-plot-spinglass): one histogram row per Λ with the
 * asymptotic band [−E_0, −E_inf] and the lines −E_k, next to the complexity panel. */
static gboolean
write_plot (guint p, const LvSpinGlassProbeResult *res, const char *path, const char *size_text,
            GError **error)
{
  guint width = 1600, height = 800, runs = res->runs, n_sizes = res->n_sizes;
  g_autoptr(LvPlotSpinGlass) figure = lv_plot_spin_glass_new ();
  g_autofree LvPlotSpinGlassSize *in = g_new0 (LvPlotSpinGlassSize, MAX (n_sizes, 1));
  g_autofree int *index = g_new (int, (gsize) MAX (n_sizes, 1) * runs);
  g_autoptr(GPtrArray) energies = g_ptr_array_new_with_free_func (g_free);
  LvPlotSpinGlassOptions options;

  if (size_text != NULL && !lv_cli_parse_size (size_text, &width, &height, error))
    return FALSE;
  if (!lv_plot_spin_glass_set_p (figure, p, error))
    return FALSE;
  lv_plot_spin_glass_get_options (figure, &options);
  options.n_bins = 40;
  lv_plot_spin_glass_set_options (figure, &options);
  for (guint i = 0; i < n_sizes; i++)
    {
      for (guint r = 0; r < runs; r++)
        index[(gsize) i * runs + r] = res->sizes[i].runs[r].index;
      g_ptr_array_add (energies, size_energies (&res->sizes[i], runs));
      in[i] = (LvPlotSpinGlassSize) {
        .lambda = res->sizes[i].lambda,
        .n_runs = runs,
        .n_done = runs,
        .energy = g_ptr_array_index (energies, i),
        .index = index + (gsize) i * runs,
      };
    }
  lv_plot_spin_glass_update (figure, in, n_sizes);
  return lv_plot_spin_glass_export (figure, path, width, height, error);
}

/* Counts of one size: runs in the band [−E_0, −E_inf], below −E_0, converged; the largest index
 * (−1 when none was computed). */
typedef struct
{
  guint in_band, below, converged;
  int max_index;
} SizeCounts;

static SizeCounts
size_counts (const LvSpinGlassProbeSize *size, guint runs, const double *edges, guint p)
{
  SizeCounts c = { 0, 0, 0, -1 };
  double e_inf = lv_spin_glass_e_inf (p);

  for (guint i = 0; i < runs; i++)
    {
      double e = size->runs[i].energy;
      c.in_band += e >= -edges[0] && e <= -e_inf;
      c.below += e < -edges[0];
      c.converged += size->runs[i].converged;
      c.max_index = MAX (c.max_index, size->runs[i].index);
    }
  return c;
}

static void
add_size_json (JsonBuilder *b, const LvSpinGlassProbeSize *size, guint runs,
               const double *edges, guint p)
{
  SizeCounts c = size_counts (size, runs, edges, p);
  g_autofree double *energies = size_energies (size, runs);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "lambda");
  json_builder_add_int_value (b, size->lambda);
  json_builder_set_member_name (b, "runs");
  json_builder_add_int_value (b, runs);
  lv_cli_add_summary (b, "energy", energies, runs);
  lv_cli_add_double (b, "fraction_in_band", (double) c.in_band / runs);
  lv_cli_add_double (b, "fraction_below_E0", (double) c.below / runs);
  json_builder_set_member_name (b, "max_index");
  if (c.max_index >= 0)
    json_builder_add_int_value (b, c.max_index);
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "converged");
  json_builder_add_int_value (b, c.converged);
  lv_cli_add_double (b, "wall_seconds", size->stats.wall_seconds);
  json_builder_end_object (b);
}

static void
add_run_json (JsonBuilder *b, guint lambda, guint r, const LvSpinGlassRun *run)
{
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "lambda");
  json_builder_add_int_value (b, lambda);
  json_builder_set_member_name (b, "run");
  json_builder_add_int_value (b, r);
  lv_cli_add_double (b, "energy", run->energy);
  json_builder_set_member_name (b, "index");
  if (run->index >= 0)
    json_builder_add_int_value (b, run->index);
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "steps");
  json_builder_add_int_value (b, run->steps);
  lv_cli_add_double (b, "grad_norm", run->grad_norm);
  json_builder_end_object (b);
}

static void
print_simulate_json (guint p, const LvSpinGlassProbeResult *res, const double *edges)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "p");
  json_builder_add_int_value (b, p);
  json_builder_set_member_name (b, "sizes");
  json_builder_begin_array (b);
  for (guint i = 0; i < res->n_sizes; i++)
    add_size_json (b, &res->sizes[i], res->runs, edges, p);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "runs");
  json_builder_begin_array (b);
  for (guint i = 0; i < res->n_sizes; i++)
    for (guint r = 0; r < res->runs; r++)
      add_run_json (b, res->sizes[i].lambda, r, &res->sizes[i].runs[r]);
  json_builder_end_array (b);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  lv_cli_print_json (root);
}

static void
print_simulate_table (guint p, const LvSpinGlassProbeResult *res, const double *edges)
{
  guint runs = res->runs;

  printf ("p = %u   -E_0 = %.6f   -E_inf = %.6f   (asymptotic band)\n", p, -edges[0],
          -lv_spin_glass_e_inf (p));
  printf ("%7s %6s %10s %9s %10s %10s %10s %8s %8s %9s\n", "lambda", "runs", "mean E/L",
          "std", "min", "median", "max", "in band", "max idx", "converged");
  for (guint i = 0; i < res->n_sizes; i++)
    {
      SizeCounts c = size_counts (&res->sizes[i], runs, edges, p);
      g_autofree double *energies = size_energies (&res->sizes[i], runs);
      char index_text[16] = "-";
      LvSummary s;

      lv_summary_compute (energies, runs, &s);
      if (c.max_index >= 0)
        g_snprintf (index_text, sizeof index_text, "%d", c.max_index);
      printf ("%7u %6u %10.5f %9.5f %10.5f %10.5f %10.5f %7.1f%% %8s %9u\n",
              res->sizes[i].lambda, runs, s.mean, s.std, s.min, s.median, s.max,
              100.0 * c.in_band / runs, index_text, c.converged);
    }
}

/* One stderr line per size in which some starts hit the step cap: their energies are not at
 * stationary points, which the table's and JSON's counts alone leave easy to miss. */
static void
warn_unconverged (guint p, const LvSpinGlassProbeResult *res, const double *edges)
{
  for (guint i = 0; i < res->n_sizes; i++)
    {
      SizeCounts c = size_counts (&res->sizes[i], res->runs, edges, p);

      if (c.converged < res->runs)
        fprintf (stderr, "lossviz-cli: warning: lambda %u: %u of %u starts stopped at the step "
                 "cap before the gradient fell below the tolerance (not stationary points; "
                 "raise --max-steps)\n", res->sizes[i].lambda, res->runs - c.converged,
                 res->runs);
    }
}

/* Rank 0's report: the figure, then JSON or the table. */
static int
report_simulation (const SimulateOptions *o, const LvSpinGlassProbeResult *res)
{
  double edges[LV_SPIN_GLASS_K_MAX + 1];
  g_autoptr(GError) error = NULL;
  guint p = (guint) o->p;

  if (!lv_spin_glass_band_edges (p, LV_SPIN_GLASS_K_MAX, edges, &error))
    return lv_cli_fail (error);
  if (o->plot != NULL && !write_plot (p, res, o->plot, o->plot_size, &error))
    return lv_cli_fail (error);
  if (o->json)
    print_simulate_json (p, res, edges);
  else
    print_simulate_table (p, res, edges);
  warn_unconverged (p, res, edges);
  return LV_CLI_EXIT_OK;
}

/* Options → probe → report; returns the exit code. */
static int
simulate (SimulateOptions *o, gboolean resume)
{
  LvSpinGlassProbeResult result = { 0 };
  LvSpinGlassProbeInput in;
  SizeHook hook = { o, 0, LV_CLI_EXIT_OK };
  g_autoptr(GError) error = NULL;
  int status;

  if (!simulate_input (o, resume, &in, &error))
    return lv_cli_fail (error);
  if ((o->bundle.out != NULL || o->bundle.resume != NULL) && lv_cli_mpi_size () > 1)
    return lv_cli_fail_message (LV_CLI_EXIT_BAD_INPUT,
                                "--out/--resume FILE.h5: not supported under mpirun yet");
  /* A resumed simulation takes the bundle's settings and sizes. */
  if (!lv_cli_sg_bundle_prepare (&o->bundle, &in.base, in.lambdas, &in.n_sizes, &error))
    return lv_cli_fail (error);
  o->p = (gint) in.base.p;
  in.simulate_size = simulate_one_size;
  in.simulate_data = &hook;
  /* The probe checks every size before spending time on any. */
  if (!lv_spin_glass_probe_run (&in, &result, NULL, &error))
    status = hook.status != LV_CLI_EXIT_OK ? hook.status : lv_cli_fail (error);
  else if (!lv_cli_mpi_is_root ()) /* rank 0 reports */
    status = LV_CLI_EXIT_OK;
  else
    status = report_simulation (o, &result);
  lv_spin_glass_probe_result_clear (&result);
  return status;
}

static int
run_simulate (int argc, char **argv)
{
  SimulateOptions o = { .p = 3, .runs = 100, .max_steps = 20000, .parts = 4, .seed = 1,
                        .tol = 1e-5 };
  gboolean resume = FALSE;
  int status;

  if (parse_simulate_options (argc, argv, &o, &resume, &status))
    status = simulate (&o, resume);
  simulate_options_clear (&o);
  return status;
}

/**
 * lv_cli_spinglass:
 * @argc: argument count, argv[0] = "spinglass".
 * @argv: arguments.
 *
 * Dispatches `spinglass bands|complexity|simulate`.
 *
 * Returns: the process exit code.
 */
int
lv_cli_spinglass (int argc, char **argv)
{
  if (argc < 2)
    return lv_cli_fail_message (LV_CLI_EXIT_BAD_INPUT,
                                "spinglass: missing subcommand (bands, complexity, simulate)");
  if (strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0)
    {
      fprintf (stdout, "Usage: lossviz-cli spinglass bands|complexity|simulate [options]\n"
                    "  bands       E_inf and the band edges E_0 > ... > E_K\n"
                    "  complexity  Theta_{k,p}(u) and Theta_p(u) at given u\n"
                    "  simulate    descend from random starts; E/Lambda per size\n");
      return LV_CLI_EXIT_OK;
    }
  if (strcmp (argv[1], "bands") == 0)
    return run_bands (argc - 1, argv + 1);
  if (strcmp (argv[1], "complexity") == 0)
    return run_complexity (argc - 1, argv + 1);
  if (strcmp (argv[1], "simulate") == 0)
    return run_simulate (argc - 1, argv + 1);
  return lv_cli_fail_message (LV_CLI_EXIT_BAD_INPUT,
                              "spinglass: unknown subcommand '%s' (bands, complexity, simulate)",
                              argv[1]);
}
