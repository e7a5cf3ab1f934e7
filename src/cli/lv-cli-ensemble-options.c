/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-cli"

#include "config.h"

#include "lv-cli-ensemble-options.h"

#include "lv-cli-common.h"
#include "lv-cli-preset.h"
#include "lv-cli-validate.h"

/* `lossviz-cli ensemble`: its options, --preset, and their checks into an LvEnsembleConfig. */

void
lv_cli_ensemble_options_clear (LvCliEnsembleOptions *o)
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

/* A --preset's numbers replace the defaults before parsing (explicit options then override
 * them); its strings fill the options left unset after parsing. */
static void
apply_preset_numbers (LvCliEnsembleOptions *o, const LvCliEnsemblePreset *p)
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
apply_preset_strings (LvCliEnsembleOptions *o, const LvCliEnsemblePreset *p)
{
  lv_cli_default_string (&o->dataset, p->dataset);
  lv_cli_default_string (&o->sizes, p->sizes);
  lv_cli_default_string (&o->activation, p->activation);
  lv_cli_default_string (&o->init, p->init);
  if (o->no_shared_order)
    o->shared_order = FALSE;
}

/* The numeric options, each against its bounds (the first bad one is reported). */
static gboolean
check_numbers (const LvCliEnsembleOptions *o, GError **error)
{
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
  return o->test_fraction == -1 ||
         lv_cli_check_double ("--test-fraction", o->test_fraction, 0, 0.99, error);
}

static gboolean
bad_name (GError **error, const char *option, const char *value, const char *choices)
{
  g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT, "%s: '%s' is not %s", option, value,
               choices);
  return FALSE;
}

/* The options given by name (activation, loss, …), into @config. */
static gboolean
parse_names (const LvCliEnsembleOptions *o, LvEnsembleConfig *config, GError **error)
{
  if (!lv_activation_from_string (o->activation, &config->activation))
    return bad_name (error, "--activation", o->activation, "relu, tanh, logistic or linear");
  if (!lv_loss_from_string (o->loss, &config->loss))
    return bad_name (error, "--loss", o->loss, "cross-entropy, mse or hinge");
  if (!lv_init_from_string (o->init, &config->train.init))
    return bad_name (error, "--init", o->init, "he, glorot or cube");
  if (!lv_reg_kind_from_string (o->reg_kind, &config->train.reg.kind))
    return bad_name (error, "--reg-kind", o->reg_kind, "layer or unit");
  if (!lv_precision_from_string (o->precision, &config->train.precision))
    return bad_name (error, "--precision", o->precision, "fp32 or bf16");
  return TRUE;
}

/**
 * lv_cli_ensemble_options_build:
 * @o: parsed options
 * @dopts: (out): the dataset options
 * @config: (out): the ensemble configuration
 * @error: an %LV_ERROR_INVALID_INPUT error naming the option
 *
 * Returns: whether every option is valid.
 */
gboolean
lv_cli_ensemble_options_build (const LvCliEnsembleOptions *o, LvDatasetOptions *dopts,
                               LvEnsembleConfig *config, GError **error)
{
  lv_dataset_options_init (dopts);
  lv_ensemble_config_init (config);

  if (!check_numbers (o, error) ||
      !lv_cli_parse_uint_list (o->sizes, "--sizes", G_N_ELEMENTS (config->sizes), 1, 1000000,
                               config->sizes, &config->n_sizes, error) ||
      !parse_names (o, config, error))
    return FALSE;
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

/* The option table (a table, hence long): every flag of `ensemble` but the bundle ones. */
static void
add_entries (GOptionContext *context, LvCliEnsembleOptions *o)
{
  const GOptionEntry entries[] = {
    { "dataset", 0, 0, G_OPTION_ARG_STRING, &o->dataset,
      "digits | teacher | random:N:D:C | fashion-mnist | idx:TRAIN_IMG:TRAIN_LBL[:TEST_IMG:TEST_LBL] "
      "| csv:PATH (default digits)", "SPEC" },
    { "downsample", 0, 0, G_OPTION_ARG_INT, &o->downsample, "Area-average images to S×S", "S" },
    { "test-fraction", 0, 0, G_OPTION_ARG_DOUBLE, &o->test_fraction,
      "Held-out fraction in [0, 0.99]; 0 = no test set (default: the file's split, else 0.2)",
      "F" },
    { "sizes", 0, 0, G_OPTION_ARG_STRING, &o->sizes, "Hidden widths, comma-separated", "LIST" },
    { "runs", 0, 0, G_OPTION_ARG_INT, &o->runs, "Runs per size (default 10)", "N" },
    { "epochs", 0, 0, G_OPTION_ARG_INT, &o->epochs, "Epochs per run (default 10)", "N" },
    { "depth", 0, 0, G_OPTION_ARG_INT, &o->depth, "Hidden layers, 1..4 (default 1)", "N" },
    { "activation", 0, 0, G_OPTION_ARG_STRING, &o->activation, "relu | tanh | logistic | linear",
      "NAME" },
    { "loss", 0, 0, G_OPTION_ARG_STRING, &o->loss, "cross-entropy | mse | hinge", "NAME" },
    { "init", 0, 0, G_OPTION_ARG_STRING, &o->init, "he | glorot | cube (uniform in [0,1))",
      "NAME" },
    { "batch", 0, 0, G_OPTION_ARG_INT, &o->batch, "Minibatch size (default 32)", "N" },
    { "lr", 0, 0, G_OPTION_ARG_DOUBLE, &o->lr, "Learning rate (default 0.05)", "X" },
    { "lr-decay", 0, 0, G_OPTION_ARG_DOUBLE, &o->lr_decay,
      "Rate at epoch e is lr / (1 + decay·e) (default 0)", "X" },
    { "momentum", 0, 0, G_OPTION_ARG_DOUBLE, &o->momentum, "Momentum in [0, 1) (default 0.9)",
      "X" },
    { "reg-degree", 0, 0, G_OPTION_ARG_DOUBLE, &o->reg_degree,
      "Degree q of λ Σ‖W_l‖^q (default 2: weight decay)", "Q" },
    { "reg-lambda", 0, 0, G_OPTION_ARG_DOUBLE, &o->reg_lambda, "Regularizer strength λ (default 0)",
      "X" },
    { "reg-kind", 0, 0, G_OPTION_ARG_STRING, &o->reg_kind,
      "layer (λ Σ‖W_l‖^q) | unit (per-unit product of norms, degree = weight layers)", "KIND" },
    { "no-hidden-bias", 0, 0, G_OPTION_ARG_NONE, &o->no_hidden_bias,
      "No biases, so the network is positively homogeneous in its weights", NULL },
    { "seed", 0, 0, G_OPTION_ARG_INT64, &o->seed, "Base seed (default 1)", "S" },
    { "threads", 0, 0, G_OPTION_ARG_INT, &o->threads, "Worker threads (default: one per core)",
      "N" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &o->json, "Print one JSON object on stdout", NULL },
    { "soak", 0, 0, G_OPTION_ARG_INT, &o->soak,
      "Keep training and restarting this ensemble for SECONDS; report RSS over time", "SECONDS" },
    { "shared-order", 0, 0, G_OPTION_ARG_NONE, &o->shared_order,
      "Runs of one width share one minibatch order (seed mix(seed, h, 2^64-1)); each run still "
      "initialises from mix(seed, h, r). Lets runs train fused, several times faster", NULL },
    { "fuse-block", 0, 0, G_OPTION_ARG_INT, &o->fuse_block,
      "Train blocks of N consecutive runs of a width together (default 16, 4 with --precision "
      "bf16; the grouping, hence the results, never depend on --threads)", "N" },
    { "first-run", 0, 0, G_OPTION_ARG_INT, &o->first_run,
      "Number the runs from N: run r uses seed mix(seed, h, N + r), so two invocations with "
      "one --seed and disjoint run ranges train independent runs of one experiment (default 0)",
      "N" },
    { "precision", 0, 0, G_OPTION_ARG_STRING, &o->precision,
      "fp32 (default) | bf16: GEMM operands in bfloat16, fp32 accumulation and master "
      "weights (needs oneDNN and AVX-512)", "P" },
    { "plot", 0, 0, G_OPTION_ARG_FILENAME, &o->plot,
      "Draw the loss-distribution figure to FILE.png|svg|pdf", "FILE" },
    { "plot-size", 0, 0, G_OPTION_ARG_STRING, &o->plot_size, "Figure size WxH (default 1200x800)",
      "WxH" },
    { "out", 0, 0, G_OPTION_ARG_FILENAME, &o->out,
      "Save the whole experiment (configuration and every run's per-epoch losses) to FILE; "
      "FILE.h5 also stores every finished run's weights, with checkpoints",
      "FILE" },
    { "preset", 0, 0, G_OPTION_ARG_STRING, &o->preset,
      LV_CLI_PRESET_HELP "; explicit options override its values", "NAME" },
    { "no-shared-order", 0, 0, G_OPTION_ARG_NONE, &o->no_shared_order,
      "Per-run minibatch order even where --preset turns --shared-order on", NULL },
    { NULL }
  };

  g_option_context_add_main_entries (context, entries, NULL);
}

/**
 * lv_cli_ensemble_options_parse:
 * @o: options initialised with LV_CLI_ENSEMBLE_OPTIONS_INIT
 * @bundle: the bundle options (--checkpoint, --resume, …), zero-initialised
 * @argc: argument count
 * @argv: arguments (not modified)
 * @rc: (out): the exit code when parsing fails
 *
 * Returns: whether the command line parsed; its message is printed otherwise.
 */
gboolean
lv_cli_ensemble_options_parse (LvCliEnsembleOptions *o, LvCliBundleOptions *bundle, int argc,
                               char **argv, int *rc)
{
  g_autoptr(GOptionContext) context = g_option_context_new ("- train an ensemble of networks");
  g_autoptr(GError) error = NULL;
  const char *preset_name;

  add_entries (context, o);
  lv_cli_bundle_options_add (context, bundle); /* --checkpoint, --resume, … (FILE.h5) */
  g_option_context_set_summary (context,
                                "Trains --runs networks of every hidden width in --sizes from "
                                "independent random starts and\nreports the distribution of "
                                "their final losses per size (Choromanska et al. 2015).\n"
                                "Run r of width h uses seed mix(seed, h, r): results do not "
                                "depend on --threads.");
  *rc = LV_CLI_EXIT_BAD_INPUT;
  if (!lv_cli_bundle_check_args (argc, argv, &error) ||
      !lv_cli_preset_find (argc, argv, &preset_name, &error))
    {
      *rc = lv_cli_fail (error);
      return FALSE;
    }
  if (preset_name != NULL)
    apply_preset_numbers (o, lv_cli_preset_ensemble (preset_name));
  if (!lv_cli_parse (context, &argc, &argv))
    return FALSE;
  if (preset_name != NULL)
    apply_preset_strings (o, lv_cli_preset_ensemble (preset_name));
  /* String defaults go in after parsing: GOption replaces a string without freeing it. */
  lv_cli_default_string (&o->dataset, "digits");
  lv_cli_default_string (&o->sizes, "5,25,100");
  lv_cli_default_string (&o->activation, "relu");
  lv_cli_default_string (&o->loss, "cross-entropy");
  lv_cli_default_string (&o->init, "he");
  lv_cli_default_string (&o->reg_kind, "layer");
  lv_cli_default_string (&o->precision, "fp32");
  return TRUE;
}
