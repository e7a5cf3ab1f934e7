/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-cli"

#include "config.h"

#include <math.h>
#include <stdio.h>
#include <unistd.h>

#include <lossviz/lossviz.h>

#include "lv-cli-commands.h"
#include "lv-cli-common.h"
#include "lv-cli-ensemble.h"
#include "lv-cli-ensemble-bundle.h"
#include "lv-cli-mpi.h"
#include "lv-cli-preset.h"
#include "lv-cli-soak.h"
#include "lv-cli-validate.h"

/* Options of `lossviz-cli ensemble`, with the defaults of the built-in demo. */
typedef struct
{
  char *dataset;
  int downsample;
  double test_fraction;
  char *sizes;
  int runs;
  int epochs;
  int depth;
  char *activation;
  char *loss;
  char *init;
  int batch;
  double lr;
  double lr_decay;
  double momentum;
  double reg_degree;
  double reg_lambda;
  char *reg_kind;
  gboolean no_hidden_bias;
  gint64 seed;
  int threads;
  gboolean json;
  gboolean shared_order;
  int fuse_block;
  char *precision;
  int first_run;
  int soak;
  char *out;
  char *plot;
  char *plot_size;
  char *preset;
  gboolean no_shared_order;
} EnsembleOptions;

static void
ensemble_options_clear (EnsembleOptions *o)
{
  g_free (o->dataset);
  g_free (o->sizes);
  g_free (o->activation);
  g_free (o->loss);
  g_free (o->init);
  g_free (o->reg_kind);
  g_free (o->out);
  g_free (o->plot);
  g_free (o->plot_size);
  g_free (o->preset);
  g_free (o->precision);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (EnsembleOptions, ensemble_options_clear)

/* A --preset's numbers replace the defaults before parsing (explicit options then override
 * them); its strings fill the options left unset after parsing. */
static void
apply_preset_numbers (EnsembleOptions *o, const LvCliEnsemblePreset *p)
{
  o->downsample = p->downsample;
  o->runs = p->runs;
  o->epochs = p->epochs;
  o->depth = p->depth;
  o->batch = p->batch;
  o->lr = p->lr;
  o->lr_decay = p->lr_decay;
  o->momentum = p->momentum;
  o->shared_order = p->shared_order;
}

static void
apply_preset_strings (EnsembleOptions *o, const LvCliEnsemblePreset *p)
{
  lv_cli_default_string (&o->dataset, p->dataset);
  lv_cli_default_string (&o->sizes, p->sizes);
  lv_cli_default_string (&o->activation, p->activation);
  lv_cli_default_string (&o->init, p->init);
  if (o->no_shared_order)
    o->shared_order = FALSE;
}

/* Turns the parsed options into a dataset options struct and an ensemble config. */
static gboolean
build_config (const EnsembleOptions *o, LvDatasetOptions *dopts, LvEnsembleConfig *config,
              GError **error)
{
  lv_dataset_options_init (dopts);
  lv_ensemble_config_init (config);

  if (!lv_cli_check_int ("--runs", o->runs, 1, 100000, error) ||
      !lv_cli_check_int ("--epochs", o->epochs, 1, 1000000, error) ||
      !lv_cli_check_int ("--depth", o->depth, 1, LV_MLP_MAX_DEPTH, error) ||
      !lv_cli_check_int ("--batch", o->batch, 1, 1 << 20, error) ||
      !lv_cli_check_int ("--downsample", o->downsample, 0, 4096, error) ||
      !lv_cli_check_threads (o->threads, error) ||
      !lv_cli_check_int_or_default ("--fuse-block", o->fuse_block, 1, LV_TRAIN_MAX_FUSED,
                                    error) ||
      !lv_cli_check_int ("--soak", o->soak, 0, 7 * 24 * 3600, error) ||
      !lv_cli_check_int ("--first-run", o->first_run, 0, 1000000000, error) ||
      !lv_cli_check_int ("--seed", o->seed, 0, G_MAXINT64, error) ||
      !lv_cli_check_double ("--lr", o->lr, 1e-12, 1e6, error) ||
      !lv_cli_check_double ("--lr-decay", o->lr_decay, 0, 1e6, error) ||
      !lv_cli_check_double ("--momentum", o->momentum, 0, 0.999999, error) ||
      !lv_cli_check_double ("--reg-degree", o->reg_degree, 0.1, 16, error) ||
      !lv_cli_check_double ("--reg-lambda", o->reg_lambda, 0, 1e6, error))
    return FALSE;
  if (o->test_fraction != -1 &&
      !lv_cli_check_double ("--test-fraction", o->test_fraction, 0, 0.99, error))
    return FALSE;
  if (!lv_cli_parse_uint_list (o->sizes, "--sizes", G_N_ELEMENTS (config->sizes), 1, 1000000,
                               config->sizes, &config->n_sizes, error))
    return FALSE;
  if (!lv_activation_from_string (o->activation, &config->activation))
    {
      g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT,
                   "--activation: '%s' is not relu, tanh, logistic or linear", o->activation);
      return FALSE;
    }
  if (!lv_loss_from_string (o->loss, &config->loss))
    {
      g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT,
                   "--loss: '%s' is not cross-entropy, mse or hinge", o->loss);
      return FALSE;
    }
  if (!lv_init_from_string (o->init, &config->train.init))
    {
      g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT,
                   "--init: '%s' is not he, glorot or cube", o->init);
      return FALSE;
    }
  if (!lv_reg_kind_from_string (o->reg_kind, &config->train.reg.kind))
    {
      g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT,
                   "--reg-kind: '%s' is not layer or unit", o->reg_kind);
      return FALSE;
    }
  if (!lv_precision_from_string (o->precision, &config->train.precision))
    {
      g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT,
                   "--precision: '%s' is not fp32 or bf16", o->precision);
      return FALSE;
    }
  dopts->test_fraction = o->test_fraction;
  dopts->downsample = (guint) o->downsample;
  dopts->seed = (guint64) o->seed;
  config->runs = (guint) o->runs;
  config->depth = (guint) o->depth;
  config->bias = !o->no_hidden_bias;
  config->seed = (guint64) o->seed;
  config->shared_order = o->shared_order;
  config->fuse_block = (guint) o->fuse_block;
  config->first_run = (guint) o->first_run;
  config->train.epochs = (guint) o->epochs;
  config->train.batch = (guint) o->batch;
  config->train.lr = o->lr;
  config->train.lr_decay = o->lr_decay;
  config->train.momentum = o->momentum;
  config->train.reg.degree = o->reg_degree;
  config->train.reg.lambda = o->reg_lambda;
  return TRUE;
}

/* Polls the ensemble until it ends, drawing a progress line on a terminal's stderr. */
static void
wait_with_progress (LvEnsemble *ensemble, gboolean show)
{
  guint64 seen = G_MAXUINT64;

  if (!show)
    {
      /* No progress line: block on the ensemble's condition, so elapsed_s is exact. */
      lv_ensemble_wait (ensemble);
      return;
    }
  while (!lv_ensemble_is_done (ensemble))
    {
      guint64 generation = lv_ensemble_get_generation (ensemble);
      if (generation != seen)
        {
          g_autoptr(LvEnsembleSnapshot) snap = lv_ensemble_snapshot (ensemble);
          fprintf (stderr, "\rtraining: %u/%u runs done", snap->finished + snap->diverged,
                   snap->n_runs);
          seen = generation;
        }
      g_usleep (100 * 1000);
    }
  fprintf (stderr, "\r\033[K");
}

void
lv_cli_ensemble_print_json (const LvSession *session)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (b);
  lv_cli_ensemble_report (b, session);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  lv_cli_print_json (root);
}

void
lv_cli_ensemble_report (JsonBuilder *b, const LvSession *session)
{
  const LvEnsembleConfig *config = &session->config;
  const LvDatasetInfo *ds = &session->dataset;
  const LvEnsembleSnapshot *snap = session->snapshot;
  guint threads = session->threads;
  double elapsed = session->elapsed_s;
  double flops = 0, samples = 0;

  json_builder_set_member_name (b, "dataset");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, ds->name);
  json_builder_set_member_name (b, "train");
  json_builder_add_int_value (b, ds->n_train);
  json_builder_set_member_name (b, "test");
  json_builder_add_int_value (b, ds->n_test);
  json_builder_set_member_name (b, "inputs");
  json_builder_add_int_value (b, ds->n_inputs);
  json_builder_set_member_name (b, "classes");
  json_builder_add_int_value (b, ds->n_classes);
  json_builder_end_object (b);

  json_builder_set_member_name (b, "sizes");
  json_builder_begin_array (b);
  for (guint s = 0; s < config->n_sizes; s++)
    {
      const LvRunRecord *runs = snap->runs + (gsize) s * config->runs;
      g_autofree double *test = g_new (double, config->runs);
      g_autofree double *train = g_new (double, config->runs);
      g_autofree double *acc = g_new (double, config->runs);
      guint finished = 0, diverged = 0;
      LvMlpShape shape;

      lv_mlp_shape_init (&shape, ds->n_inputs, config->depth, config->sizes[s],
                         lv_dataset_info_network_outputs (ds, config->loss),
                         config->activation, config->loss, config->bias, NULL);
      for (guint r = 0; r < config->runs; r++)
        {
          /* Diverged runs report NAN, which the summaries skip. */
          test[r] = lv_run_record_final_test_loss (&runs[r]);
          train[r] = lv_run_record_final_train_loss (&runs[r]);
          acc[r] = lv_run_record_final_test_accuracy (&runs[r]);
          finished += runs[r].state == LV_RUN_FINISHED;
          diverged += runs[r].state == LV_RUN_DIVERGED;
          samples += (double) runs[r].epochs_done * ds->n_train;
          /* Training: 2 flops per weight and sample forward, 4 backward; evaluation: 2. */
          flops += (double) runs[r].epochs_done * lv_mlp_n_params (&shape) *
                   (6.0 * ds->n_train + 2.0 * ds->n_test);
        }
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "hidden");
      json_builder_add_int_value (b, config->sizes[s]);
      json_builder_set_member_name (b, "runs");
      json_builder_add_int_value (b, config->runs);
      json_builder_set_member_name (b, "finished");
      json_builder_add_int_value (b, finished);
      json_builder_set_member_name (b, "diverged");
      json_builder_add_int_value (b, diverged);
      lv_cli_add_summary (b, "test_loss", test, config->runs);
      lv_cli_add_summary (b, "train_loss", train, config->runs);
      lv_cli_add_summary (b, "test_accuracy", acc, config->runs);
      lv_cli_add_double (b, "train_test_pearson", lv_pearson (train, test, config->runs));
      json_builder_end_object (b);
    }
  json_builder_end_array (b);

  json_builder_set_member_name (b, "runs");
  json_builder_begin_array (b);
  for (guint i = 0; i < snap->n_runs; i++)
    {
      const LvRunRecord *r = &snap->runs[i];
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "hidden");
      json_builder_add_int_value (b, r->hidden);
      json_builder_set_member_name (b, "run");
      json_builder_add_int_value (b, r->run);
      json_builder_set_member_name (b, "seed");
      json_builder_add_int_value (b, (gint64) r->seed);
      json_builder_set_member_name (b, "state");
      json_builder_add_string_value (b, lv_run_state_to_string (r->state));
      lv_cli_add_double (b, "train_loss", lv_run_record_final_train_loss (r));
      lv_cli_add_double (b, "test_loss", lv_run_record_final_test_loss (r));
      lv_cli_add_double (b, "test_accuracy", lv_run_record_final_test_accuracy (r));
      json_builder_end_object (b);
    }
  json_builder_end_array (b);

  json_builder_set_member_name (b, "threads");
  json_builder_add_int_value (b, threads);
  json_builder_set_member_name (b, "ranks");
  json_builder_add_int_value (b, lv_cli_mpi_size ());
  json_builder_set_member_name (b, "precision");
  json_builder_add_string_value (b, lv_precision_to_string (config->train.precision));
  lv_cli_add_double (b, "elapsed_s", elapsed);
  lv_cli_add_double (b, "samples_per_s", elapsed > 0 ? samples / elapsed : NAN);
  lv_cli_add_double (b, "gflops", elapsed > 0 ? flops / elapsed / 1e9 : NAN);
}

void
lv_cli_ensemble_print_table (const LvSession *session)
{
  const LvEnsembleConfig *config = &session->config;
  const LvDatasetInfo *ds = &session->dataset;
  const LvEnsembleSnapshot *snap = session->snapshot;
  double elapsed = session->elapsed_s;

  printf ("dataset %s: %u train, %u test, %u inputs, %u classes\n", ds->name, ds->n_train,
          ds->n_test, ds->n_inputs, ds->n_classes);
  printf ("%8s %6s %9s %12s %10s %10s %10s %10s %9s\n", "hidden", "runs", "diverged",
          "test mean", "std", "min", "median", "max", "accuracy");
  for (guint s = 0; s < config->n_sizes; s++)
    {
      const LvRunRecord *runs = snap->runs + (gsize) s * config->runs;
      g_autofree double *loss = g_new (double, config->runs);
      g_autofree double *acc = g_new (double, config->runs);
      guint diverged = 0;
      LvSummary ls, as;

      for (guint r = 0; r < config->runs; r++)
        {
          gboolean has_test = ds->n_test > 0;
          loss[r] = has_test ? lv_run_record_final_test_loss (&runs[r])
                             : lv_run_record_final_train_loss (&runs[r]);
          acc[r] = lv_run_record_final_test_accuracy (&runs[r]);
          diverged += runs[r].state == LV_RUN_DIVERGED;
        }
      lv_summary_compute (loss, config->runs, &ls);
      lv_summary_compute (acc, config->runs, &as);
      printf ("%8u %6u %9u %12.5f %10.5f %10.5f %10.5f %10.5f %9.4f\n", config->sizes[s],
              config->runs, diverged, ls.mean, ls.std, ls.min, ls.median, ls.max, as.mean);
    }
  if (ds->n_test == 0)
    printf ("(no test split: the loss columns are final train losses)\n");
  printf ("%u runs in %.2f s\n", snap->n_runs, elapsed);
}

int
lv_cli_ensemble (int argc, char **argv)
{
  g_auto(EnsembleOptions) o = {
    .test_fraction = -1, .runs = 10, .epochs = 10, .depth = 1, .batch = 32, .lr = 0.05,
    .momentum = 0.9, .reg_degree = 2, .seed = 1,
  };
  const GOptionEntry entries[] = {
    { "dataset", 0, 0, G_OPTION_ARG_STRING, &o.dataset,
      "digits | teacher | random:N:D:C | fashion-mnist | idx:TRAIN_IMG:TRAIN_LBL[:TEST_IMG:TEST_LBL] "
      "| csv:PATH (default digits)", "SPEC" },
    { "downsample", 0, 0, G_OPTION_ARG_INT, &o.downsample, "Area-average images to S×S", "S" },
    { "test-fraction", 0, 0, G_OPTION_ARG_DOUBLE, &o.test_fraction,
      "Held-out fraction in [0, 0.99]; 0 = no test set (default: the file's split, else 0.2)",
      "F" },
    { "sizes", 0, 0, G_OPTION_ARG_STRING, &o.sizes, "Hidden widths, comma-separated", "LIST" },
    { "runs", 0, 0, G_OPTION_ARG_INT, &o.runs, "Runs per size (default 10)", "N" },
    { "epochs", 0, 0, G_OPTION_ARG_INT, &o.epochs, "Epochs per run (default 10)", "N" },
    { "depth", 0, 0, G_OPTION_ARG_INT, &o.depth, "Hidden layers, 1..4 (default 1)", "N" },
    { "activation", 0, 0, G_OPTION_ARG_STRING, &o.activation, "relu | tanh | logistic | linear",
      "NAME" },
    { "loss", 0, 0, G_OPTION_ARG_STRING, &o.loss, "cross-entropy | mse | hinge", "NAME" },
    { "init", 0, 0, G_OPTION_ARG_STRING, &o.init, "he | glorot | cube (uniform in [0,1))",
      "NAME" },
    { "batch", 0, 0, G_OPTION_ARG_INT, &o.batch, "Minibatch size (default 32)", "N" },
    { "lr", 0, 0, G_OPTION_ARG_DOUBLE, &o.lr, "Learning rate (default 0.05)", "X" },
    { "lr-decay", 0, 0, G_OPTION_ARG_DOUBLE, &o.lr_decay,
      "Rate at epoch e is lr / (1 + decay·e) (default 0)", "X" },
    { "momentum", 0, 0, G_OPTION_ARG_DOUBLE, &o.momentum, "Momentum in [0, 1) (default 0.9)",
      "X" },
    { "reg-degree", 0, 0, G_OPTION_ARG_DOUBLE, &o.reg_degree,
      "Degree q of λ Σ‖W_l‖^q (default 2: weight decay)", "Q" },
    { "reg-lambda", 0, 0, G_OPTION_ARG_DOUBLE, &o.reg_lambda, "Regularizer strength λ (default 0)",
      "X" },
    { "reg-kind", 0, 0, G_OPTION_ARG_STRING, &o.reg_kind,
      "layer (λ Σ‖W_l‖^q) | unit (per-unit product of norms, degree = weight layers)", "KIND" },
    { "no-hidden-bias", 0, 0, G_OPTION_ARG_NONE, &o.no_hidden_bias,
      "No biases, so the network is positively homogeneous in its weights", NULL },
    { "seed", 0, 0, G_OPTION_ARG_INT64, &o.seed, "Base seed (default 1)", "S" },
    { "threads", 0, 0, G_OPTION_ARG_INT, &o.threads, "Worker threads (default: one per core)",
      "N" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &o.json, "Print one JSON object on stdout", NULL },
    { "soak", 0, 0, G_OPTION_ARG_INT, &o.soak,
      "Keep training and restarting this ensemble for SECONDS; report RSS over time", "SECONDS" },
    { "shared-order", 0, 0, G_OPTION_ARG_NONE, &o.shared_order,
      "Runs of one width share one minibatch order (seed mix(seed, h, 2^64-1)); each run still "
      "initialises from mix(seed, h, r). Lets runs train fused, several times faster", NULL },
    { "fuse-block", 0, 0, G_OPTION_ARG_INT, &o.fuse_block,
      "Train blocks of N consecutive runs of a width together (default 16, 4 with --precision "
      "bf16; the grouping, hence the results, never depend on --threads)", "N" },
    { "first-run", 0, 0, G_OPTION_ARG_INT, &o.first_run,
      "Number the runs from N: run r uses seed mix(seed, h, N + r), so two invocations with "
      "one --seed and disjoint run ranges train independent runs of one experiment (default 0)",
      "N" },
    { "precision", 0, 0, G_OPTION_ARG_STRING, &o.precision,
      "fp32 (default) | bf16: GEMM operands in bfloat16, fp32 accumulation and master "
      "weights (needs oneDNN and AVX-512)", "P" },
    { "plot", 0, 0, G_OPTION_ARG_FILENAME, &o.plot,
      "Draw the loss-distribution figure to FILE.png|svg|pdf", "FILE" },
    { "plot-size", 0, 0, G_OPTION_ARG_STRING, &o.plot_size, "Figure size WxH (default 1200x800)",
      "WxH" },
    { "out", 0, 0, G_OPTION_ARG_FILENAME, &o.out,
      "Save the whole experiment (configuration and every run's per-epoch losses) to FILE; "
      "FILE.h5 also stores every finished run's weights, with checkpoints",
      "FILE" },
    { "preset", 0, 0, G_OPTION_ARG_STRING, &o.preset,
      LV_CLI_PRESET_HELP "; explicit options override its values", "NAME" },
    { "no-shared-order", 0, 0, G_OPTION_ARG_NONE, &o.no_shared_order,
      "Per-run minibatch order even where --preset turns --shared-order on", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("- train an ensemble of networks");
  int rc;
  g_autoptr(GError) error = NULL;
  g_autoptr(LvDataset) dataset = NULL;
  g_autoptr(LvEnsemble) ensemble = NULL;
  g_autoptr(LvWorkerPool) pool = NULL;
  g_autoptr(LvSession) session = NULL;
  g_auto(LvCliBundleOptions) bundle = { 0 };
  LvDatasetOptions dopts;
  LvEnsembleConfig config;
  LvEnsembleSnapshot *snapshot;
  const char *preset_name;
  guint n_threads;
  gint64 t0;
  double elapsed;

  g_option_context_add_main_entries (context, entries, NULL);
  lv_cli_bundle_options_add (context, &bundle); /* --checkpoint, --resume, … (FILE.h5) */
  g_option_context_set_summary (context,
                                "Trains --runs networks of every hidden width in --sizes from "
                                "independent random starts and\nreports the distribution of "
                                "their final losses per size (Choromanska et al. 2015).\n"
                                "Run r of width h uses seed mix(seed, h, r): results do not "
                                "depend on --threads.");
  if (!lv_cli_bundle_check_args (argc, argv, &error))
    return lv_cli_fail (error);
  if (!lv_cli_preset_find (argc, argv, &preset_name, &error))
    return lv_cli_fail (error);
  if (preset_name != NULL)
    apply_preset_numbers (&o, lv_cli_preset_ensemble (preset_name));
  if (!lv_cli_parse (context, &argc, &argv))
    return LV_CLI_EXIT_BAD_INPUT;
  if (preset_name != NULL)
    apply_preset_strings (&o, lv_cli_preset_ensemble (preset_name));
  /* String defaults go in after parsing: GOption replaces a string without freeing it. */
  lv_cli_default_string (&o.dataset, "digits");
  lv_cli_default_string (&o.sizes, "5,25,100");
  lv_cli_default_string (&o.activation, "relu");
  lv_cli_default_string (&o.loss, "cross-entropy");
  lv_cli_default_string (&o.init, "he");
  lv_cli_default_string (&o.reg_kind, "layer");
  lv_cli_default_string (&o.precision, "fp32");
  if (!build_config (&o, &dopts, &config, &error) ||
      !lv_cli_bundle_prepare (&bundle, &o.dataset, &dopts, &config, &o.out, &error) ||
      !lv_cli_ensemble_check_outputs (o.dataset, o.out, o.plot, o.plot_size, &error))
    return lv_cli_fail (error);
  dataset = lv_dataset_load (o.dataset, &dopts, &error);
  if (dataset == NULL)
    return lv_cli_fail (error);
  ensemble = lv_ensemble_new (dataset, &config, &error);
  if (ensemble == NULL || !lv_cli_ensemble_check_memory (&config, dataset, o.threads, &error) ||
      !lv_cli_bundle_restore (&bundle, ensemble, dataset, &error))
    return lv_cli_fail (error);
  if (o.soak > 0 && lv_cli_mpi_size () > 1)
    return lv_cli_fail_message (LV_CLI_EXIT_BAD_INPUT, "--soak: not supported under mpirun");
  if (o.soak > 0)
    return lv_cli_ensemble_soak (dataset, &config, (guint) o.threads, (guint) o.soak, o.json);

  t0 = g_get_monotonic_time ();
  if (lv_cli_mpi_size () > 1)
    {
      /* Under mpirun: runs split over the ranks; rank 0 alone reports and writes FILE.h5
       * checkpoints (lv-cli-mpi-ensemble.c). */
      LvCliMpiCheckpoint ck = { o.out, o.dataset, &dopts, bundle.checkpoint,
                                (guint) bundle.deflate, bundle.resumed_elapsed };

      if (config.save_trajectory > 0)
        return lv_cli_fail_message (LV_CLI_EXIT_BAD_INPUT,
                                    "--save-trajectory: not supported under mpirun");
      snapshot = lv_cli_mpi_ensemble_run (ensemble, (guint) o.threads,
                                          lv_bundle_path_is_bundle (o.out) ? &ck : NULL,
                                          &n_threads, &error);
      if (snapshot == NULL)
        return error != NULL ? lv_cli_fail (error) : LV_CLI_EXIT_OK;
      elapsed = bundle.resumed_elapsed + (g_get_monotonic_time () - t0) / 1e6;
    }
  else
    {
      pool = lv_worker_pool_try_new ((guint) o.threads, &error);
      if (pool == NULL)
        return lv_cli_fail (error);
      if (lv_bundle_path_is_bundle (o.out))
        {
          /* FILE.h5: checkpoints while training, the final write included. */
          rc = lv_cli_bundle_train (&bundle, ensemble, pool, o.dataset, &dopts, o.out,
                                    isatty (STDERR_FILENO), &elapsed, &error);
          if (rc != LV_CLI_EXIT_OK)
            return rc;
        }
      else
        {
          lv_ensemble_start (ensemble, pool);
          wait_with_progress (ensemble, isatty (STDERR_FILENO));
          elapsed = (g_get_monotonic_time () - t0) / 1e6;
        }
      snapshot = lv_ensemble_snapshot (ensemble);
      n_threads = lv_worker_pool_get_n_threads (pool);
    }
  session = lv_session_new (o.dataset, &dopts, dataset, &config, snapshot, n_threads, elapsed);

  /* A failed save (full disk) still prints the results, then reports the failure. */
  if (o.out != NULL && !lv_bundle_path_is_bundle (o.out) && !lv_session_save (session, o.out, &error))
    g_prefix_error (&error, "--out: ");
  if (error == NULL && o.plot != NULL &&
      !lv_cli_ensemble_plot (session, NULL, o.plot, o.plot_size, &error))
    g_prefix_error (&error, "--plot: ");
  if (o.json)
    lv_cli_ensemble_print_json (session);
  else
    lv_cli_ensemble_print_table (session);
  return error != NULL ? lv_cli_fail (error) : LV_CLI_EXIT_OK;
}
