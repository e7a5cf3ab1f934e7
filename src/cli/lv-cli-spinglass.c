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

typedef struct
{
  guint lambda;
  LvSpinGlassRun *runs;
  double *energies;
  LvSpinGlassStats stats;
} SizeResult;

static void
size_result_clear (SizeResult *r)
{
  g_free (r->runs);
  g_free (r->energies);
}

/* The spin-glass figure of the app (lv-plot-spinglass): one histogram row per Λ with the
 * asymptotic band [−E_0, −E_inf] and the lines −E_k, next to the complexity panel. */
static gboolean
write_plot (guint p, const SizeResult *sizes, guint n_sizes, guint runs, const char *path,
            const char *size_text, GError **error)
{
  guint width = 1600, height = 800;
  g_autoptr(LvPlotSpinGlass) figure = lv_plot_spin_glass_new ();
  g_autofree LvPlotSpinGlassSize *in = g_new0 (LvPlotSpinGlassSize, MAX (n_sizes, 1));
  g_autofree int *index = g_new (int, (gsize) MAX (n_sizes, 1) * runs);
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
        index[(gsize) i * runs + r] = sizes[i].runs[r].index;
      in[i] = (LvPlotSpinGlassSize) {
        .lambda = sizes[i].lambda,
        .n_runs = runs,
        .n_done = runs,
        .energy = sizes[i].energies,
        .index = index + (gsize) i * runs,
      };
    }
  lv_plot_spin_glass_update (figure, in, n_sizes);
  return lv_plot_spin_glass_export (figure, path, width, height, error);
}

static void
add_size_json (JsonBuilder *b, const SizeResult *r, guint runs, const double *edges, guint p)
{
  double e_inf = lv_spin_glass_e_inf (p);
  guint in_band = 0, below = 0;
  int max_index = -1;

  for (guint i = 0; i < runs; i++)
    {
      double e = r->runs[i].energy;
      in_band += e >= -edges[0] && e <= -e_inf;
      below += e < -edges[0];
      max_index = MAX (max_index, r->runs[i].index);
    }
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "lambda");
  json_builder_add_int_value (b, r->lambda);
  json_builder_set_member_name (b, "runs");
  json_builder_add_int_value (b, runs);
  lv_cli_add_summary (b, "energy", r->energies, runs);
  lv_cli_add_double (b, "fraction_in_band", (double) in_band / runs);
  lv_cli_add_double (b, "fraction_below_E0", (double) below / runs);
  json_builder_set_member_name (b, "max_index");
  if (max_index >= 0)
    json_builder_add_int_value (b, max_index);
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "converged");
  {
    guint conv = 0;
    for (guint i = 0; i < runs; i++)
      conv += r->runs[i].converged;
    json_builder_add_int_value (b, conv);
  }
  lv_cli_add_double (b, "wall_seconds", r->stats.wall_seconds);
  json_builder_end_object (b);
}

static int
run_simulate (int argc, char **argv)
{
  gint p = 3, runs = 100, threads = 0, max_steps = 20000, parts = 4;
  gint64 seed = 1;
  double tol = 1e-5, eta = 0.0;
  gboolean json = FALSE, double_only = FALSE, bf16 = FALSE;
  g_autofree char *lambda_text = NULL, *method = NULL, *disorder = NULL, *plot = NULL;
  g_autofree char *plot_size = NULL, *preset = NULL;
  const char *preset_name;
  guint lambdas[MAX_SIZES], n_sizes = 0, dealt = 0;
  SizeResult sizes[MAX_SIZES] = { { 0 } };
  double edges[LV_SPIN_GLASS_K_MAX + 1];
  g_autoptr(GError) error = NULL;
  int status = LV_CLI_EXIT_OK;
  g_auto(LvCliSpinGlassBundle) bundle = { 0 };
  LvSpinGlassConfig base;
  gboolean resume;
  GOptionEntry entries[] = {
    { "p", 0, 0, G_OPTION_ARG_INT, &p, "Order p, 2..5 (default 3)", "P" },
    { "lambda", 0, 0, G_OPTION_ARG_STRING, &lambda_text, "Sizes Λ (comma-separated, 2..4000)",
      "L1,L2,..." },
    { "runs", 0, 0, G_OPTION_ARG_INT, &runs, "Random starts per size (default 100)", "R" },
    { "method", 0, 0, G_OPTION_ARG_STRING, &method, "gd (default) or sgd", "gd|sgd" },
    { "disorder", 0, 0, G_OPTION_ARG_STRING, &disorder,
      "fixed: one coupling draw per size (default, as the paper); per-run: a draw per start",
      "fixed|per-run" },
    { "seed", 0, 0, G_OPTION_ARG_INT64, &seed, "Base seed (default 1)", "S" },
    { "threads", 0, 0, G_OPTION_ARG_INT, &threads, "Worker threads (default: one per core)",
      "T" },
    { "tol", 0, 0, G_OPTION_ARG_DOUBLE, &tol,
      "Stop when |Riemannian gradient of H| < TOL (default 1e-5)", "TOL" },
    { "max-steps", 0, 0, G_OPTION_ARG_INT, &max_steps, "Step cap per run (default 20000)", "N" },
    { "eta", 0, 0, G_OPTION_ARG_DOUBLE, &eta,
      "GD step (default 0.2 sqrt(6/(p(p-1))): 0.2 for p = 3)", "ETA" },
    { "parts", 0, 0, G_OPTION_ARG_INT, &parts, "SGD: coupling parts P (default 4)", "P" },
    { "double", 0, 0, G_OPTION_ARG_NONE, &double_only,
      "Descend in double only (default: float GEMMs for the bulk, double to finish)", NULL },
    { "bf16", 0, 0, G_OPTION_ARG_NONE, &bf16,
      "Fixed disorder: bf16 operands for the bulk's GEMMs (oneDNN; double still decides and "
      "reports)", NULL },
    { "plot", 0, 0, G_OPTION_ARG_FILENAME, &plot,
      "Write the histograms and the complexity panel (PNG, SVG or PDF) and a CSV next to it",
      "FILE" },
    { "plot-size", 0, 0, G_OPTION_ARG_STRING, &plot_size, "Figure size WxH (default 1600x800)",
      "WxH" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print one JSON object", NULL },
    { "preset", 0, 0, G_OPTION_ARG_STRING, &preset,
      LV_CLI_PRESET_HELP "; explicit options override its values", "NAME" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("- descend the p-spin glass from "
                                                            "random starts");

  g_option_context_add_main_entries (context, entries, NULL);
  lv_cli_sg_bundle_options_add (context, &bundle); /* --out, --checkpoint, --resume (.h5) */
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
  /* A preset sets the defaults; explicit options override them (lv-cli-preset.h). */
  if (!lv_cli_preset_find (argc, argv, &preset_name, &error))
    return lv_cli_fail (error);
  if (preset_name != NULL)
    {
      p = lv_cli_preset_spinglass (preset_name)->p;
      runs = lv_cli_preset_spinglass (preset_name)->runs;
    }
  if (!lv_cli_sg_bundle_check_args (argc, argv, &resume, &error))
    return lv_cli_fail (error);
  if (!lv_cli_parse (context, &argc, &argv))
    return LV_CLI_EXIT_BAD_INPUT;
  if (preset_name != NULL)
    {
      lv_cli_default_string (&lambda_text, lv_cli_preset_spinglass (preset_name)->lambda);
      lv_cli_default_string (&method, lv_cli_preset_spinglass (preset_name)->method);
    }
  if (!lv_cli_check_int ("--p", p, LV_SPIN_GLASS_P_MIN, LV_SPIN_GLASS_P_MAX, &error) ||
      !lv_cli_check_int ("--runs", runs, 1, 1000000, &error) ||
      !lv_cli_check_threads (threads, &error) ||
      !lv_cli_check_int ("--max-steps", max_steps, 1, 100000000, &error) ||
      !lv_cli_check_int ("--parts", parts, 1, 64, &error) ||
      !lv_cli_check_int ("--seed", seed, 0, G_MAXINT64, &error) ||
      !lv_cli_check_double ("--tol", tol, 1e-14, 1e6, &error) ||
      !lv_cli_check_double_or_default ("--eta", eta, 1e-9, 10.0, &error))
    return lv_cli_fail (error);
  if (lambda_text == NULL && !resume)
    return lv_cli_fail_message (LV_CLI_EXIT_BAD_INPUT, "--lambda: a list of sizes is required");
  if (!resume && !lv_cli_parse_uint_list (lambda_text, "--lambda", MAX_SIZES,
                                          LV_SPIN_GLASS_N_MIN, LV_SPIN_GLASS_N_MAX, lambdas,
                                          &n_sizes, &error))
    return lv_cli_fail (error);
  if (method != NULL && strcmp (method, "gd") != 0 && strcmp (method, "sgd") != 0)
    return lv_cli_fail_message (LV_CLI_EXIT_BAD_INPUT, "--method: '%s' is not gd or sgd",
                                method);
  if (disorder != NULL && strcmp (disorder, "fixed") != 0 && strcmp (disorder, "per-run") != 0)
    return lv_cli_fail_message (LV_CLI_EXIT_BAD_INPUT,
                                "--disorder: '%s' is not fixed or per-run", disorder);
  /* The figure and the CSV written next to it. */
  if (plot != NULL && !lv_cli_check_figure_output ("--plot", plot, plot_size, TRUE, &error))
    return lv_cli_fail (error);
  /* The settings shared by every size; a resumed simulation takes the bundle's. */
  lv_spin_glass_config_init (&base, p, LV_SPIN_GLASS_N_MIN);
  base.runs = runs;
  base.method = method != NULL && strcmp (method, "sgd") == 0 ? LV_SPIN_GLASS_SGD
                                                               : LV_SPIN_GLASS_GD;
  base.disorder = disorder != NULL && strcmp (disorder, "per-run") == 0
                    ? LV_SPIN_GLASS_DISORDER_PER_RUN : LV_SPIN_GLASS_DISORDER_FIXED;
  base.seed = (guint64) seed;
  base.n_threads = threads;
  base.tol = tol;
  base.max_steps = max_steps;
  base.n_parts = parts;
  if (eta != 0.0)
    base.eta = eta;
  if (double_only && bf16)
    return lv_cli_fail_message (LV_CLI_EXIT_BAD_INPUT, "--double and --bf16 exclude each other");
  if (double_only)
    base.precision = LV_SPIN_GLASS_DOUBLE;
  if (bf16)
    base.precision = LV_SPIN_GLASS_BF16;
  if ((bundle.out != NULL || bundle.resume != NULL) && lv_cli_mpi_size () > 1)
    return lv_cli_fail_message (LV_CLI_EXIT_BAD_INPUT,
                                "--out/--resume FILE.h5: not supported under mpirun yet");
  if (!lv_cli_sg_bundle_prepare (&bundle, &base, lambdas, &n_sizes, &error))
    return lv_cli_fail (error);
  p = (gint) base.p;
  runs = (gint) base.runs;
  if (!lv_spin_glass_band_edges (p, LV_SPIN_GLASS_K_MAX, edges, &error))
    return lv_cli_fail (error);

  /* Check every size before spending time on any. */
  for (guint i = 0; i < n_sizes; i++)
    {
      LvSpinGlassConfig config = base;

      config.lambda = lambdas[i];
      config.compute_index = lambdas[i] <= LV_SPIN_GLASS_INDEX_MAX_N;
      if (!lv_spin_glass_config_check (&config, &error))
        return lv_cli_fail (error);
    }

  for (guint i = 0; i < n_sizes && status == LV_CLI_EXIT_OK; i++)
    {
      LvSpinGlassConfig config = base;

      config.lambda = lambdas[i];
      config.compute_index = lambdas[i] <= LV_SPIN_GLASS_INDEX_MAX_N;
      sizes[i].lambda = lambdas[i];
      sizes[i].runs = g_new0 (LvSpinGlassRun, runs);
      sizes[i].energies = g_new (double, runs);
      if (!json && lv_cli_mpi_is_root ())
        fprintf (stderr, "Λ = %u: %d runs...\n", lambdas[i], runs);
      if (lv_cli_mpi_size () > 1)
        {
          /* Under mpirun the tasks are dealt over the ranks (lv-cli-mpi-spinglass.c). */
          if (!lv_cli_mpi_spin_glass_simulate (&config, &dealt, sizes[i].runs, &sizes[i].stats,
                                               &error))
            status = lv_cli_fail (error);
        }
      else
        /* With --out FILE.h5: checkpoints, signals, sizes kept from --resume. */
        status = lv_cli_sg_bundle_simulate (&bundle, i, &config, sizes[i].runs, &sizes[i].stats);
      if (status == LV_CLI_EXIT_OK)
        for (gint r = 0; r < runs; r++)
          sizes[i].energies[r] = sizes[i].runs[r].energy;
    }

  if (!lv_cli_mpi_is_root ()) /* rank 0 reports */
    {
      for (guint i = 0; i < n_sizes; i++)
        size_result_clear (&sizes[i]);
      return status;
    }
  if (status == LV_CLI_EXIT_OK && plot != NULL &&
      !write_plot (p, sizes, n_sizes, runs, plot, plot_size, &error))
    status = lv_cli_fail (error);

  if (status == LV_CLI_EXIT_OK && json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "p");
      json_builder_add_int_value (b, p);
      json_builder_set_member_name (b, "sizes");
      json_builder_begin_array (b);
      for (guint i = 0; i < n_sizes; i++)
        add_size_json (b, &sizes[i], runs, edges, p);
      json_builder_end_array (b);
      json_builder_set_member_name (b, "runs");
      json_builder_begin_array (b);
      for (guint i = 0; i < n_sizes; i++)
        for (gint r = 0; r < runs; r++)
          {
            const LvSpinGlassRun *run = &sizes[i].runs[r];
            json_builder_begin_object (b);
            json_builder_set_member_name (b, "lambda");
            json_builder_add_int_value (b, sizes[i].lambda);
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
      json_builder_end_array (b);
      json_builder_end_object (b);
      root = json_builder_get_root (b);
      lv_cli_print_json (root);
    }
  else if (status == LV_CLI_EXIT_OK)
    {
      printf ("p = %d   -E_0 = %.6f   -E_inf = %.6f   (asymptotic band)\n", p, -edges[0],
              -lv_spin_glass_e_inf (p));
      printf ("%7s %6s %10s %9s %10s %10s %10s %8s %8s %9s\n", "lambda", "runs", "mean E/L",
              "std", "min", "median", "max", "in band", "max idx", "converged");
      for (guint i = 0; i < n_sizes; i++)
        {
          LvSummary s;
          guint in_band = 0, conv = 0;
          int max_index = -1;
          char index_text[16] = "-";

          lv_summary_compute (sizes[i].energies, runs, &s);
          for (gint r = 0; r < runs; r++)
            {
              double e = sizes[i].energies[r];
              in_band += e >= -edges[0] && e <= -lv_spin_glass_e_inf (p);
              conv += sizes[i].runs[r].converged;
              max_index = MAX (max_index, sizes[i].runs[r].index);
            }
          if (max_index >= 0)
            g_snprintf (index_text, sizeof index_text, "%d", max_index);
          printf ("%7u %6d %10.5f %9.5f %10.5f %10.5f %10.5f %7.1f%% %8s %9u\n", sizes[i].lambda,
                  runs, s.mean, s.std, s.min, s.median, s.max, 100.0 * in_band / runs,
                  index_text, conv);
        }
    }
  for (guint i = 0; i < n_sizes; i++)
    size_result_clear (&sizes[i]);
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
