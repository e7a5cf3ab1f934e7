/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-cli"

#include "config.h"

#include "lv-cli-train-one.h"

#include <math.h>
#include <string.h>

#include <lossviz/lv-dataset-check.h>

#include "lv-cli-common.h"

/**
 * lv_cli_train_options_init:
 * @o: (out): options to fill with the defaults (digits, 20 hidden ReLU units, 10 epochs).
 *
 * String options stay %NULL until lv_cli_train_setup() (GOption replaces a string without
 * freeing the old one, so a default set before parsing would leak).
 */
void
lv_cli_train_options_init (LvCliTrainOptions *o)
{
  memset (o, 0, sizeof *o);
  o->test_fraction = -1;
  o->hidden = 20;
  o->depth = 1;
  o->epochs = 10;
  o->batch = 32;
  o->lr = 0.05;
  o->momentum = 0.9;
  o->seed = 1;
}

void
lv_cli_train_options_clear (LvCliTrainOptions *o)
{
  g_clear_pointer (&o->dataset, g_free);
  g_clear_pointer (&o->activation, g_free);
  g_clear_pointer (&o->loss, g_free);
  g_clear_pointer (&o->init, g_free);
}

/**
 * lv_cli_train_options_add:
 * @context: the command's option context.
 * @o: where the parsed values go.
 *
 * Adds the options of one training run to the main group of @context.
 */
void
lv_cli_train_options_add (GOptionContext *context, LvCliTrainOptions *o)
{
  const GOptionEntry entries[] = {
    { "dataset", 0, 0, G_OPTION_ARG_STRING, &o->dataset,
      "digits | teacher | random:N:D:C | fashion-mnist | idx:… | csv:PATH (default digits)",
      "SPEC" },
    { "downsample", 0, 0, G_OPTION_ARG_INT, &o->downsample, "Area-average images to S×S", "S" },
    { "test-fraction", 0, 0, G_OPTION_ARG_DOUBLE, &o->test_fraction,
      "Held-out fraction in [0, 0.99] (default: the file's split, else 0.2)", "F" },
    { "hidden", 0, 0, G_OPTION_ARG_INT, &o->hidden, "Hidden width (default 20)", "N" },
    { "depth", 0, 0, G_OPTION_ARG_INT, &o->depth, "Hidden layers, 1..4 (default 1)", "N" },
    { "activation", 0, 0, G_OPTION_ARG_STRING, &o->activation,
      "relu | tanh | logistic | linear", "NAME" },
    { "loss", 0, 0, G_OPTION_ARG_STRING, &o->loss, "cross-entropy | mse | hinge", "NAME" },
    { "init", 0, 0, G_OPTION_ARG_STRING, &o->init, "he | glorot | cube", "NAME" },
    { "epochs", 0, 0, G_OPTION_ARG_INT, &o->epochs, "Epochs (default 10)", "N" },
    { "batch", 0, 0, G_OPTION_ARG_INT, &o->batch, "Minibatch size (default 32)", "N" },
    { "lr", 0, 0, G_OPTION_ARG_DOUBLE, &o->lr, "Learning rate (default 0.05)", "X" },
    { "lr-decay", 0, 0, G_OPTION_ARG_DOUBLE, &o->lr_decay,
      "Rate at epoch e is lr / (1 + decay·e) (default 0)", "X" },
    { "momentum", 0, 0, G_OPTION_ARG_DOUBLE, &o->momentum, "Momentum in [0, 1) (default 0.9)",
      "X" },
    { "no-hidden-bias", 0, 0, G_OPTION_ARG_NONE, &o->no_hidden_bias, "Networks without biases",
      NULL },
    { "seed", 0, 0, G_OPTION_ARG_INT64, &o->seed,
      "Seed of the initialisation and minibatch order (default 1)", "S" },
    { NULL }
  };

  g_option_context_add_main_entries (context, entries, NULL);
}

void
lv_cli_train_setup_clear (LvCliTrainSetup *setup)
{
  g_clear_pointer (&setup->dataset, lv_dataset_unref);
}

/**
 * lv_cli_train_setup:
 * @o: parsed options.
 * @setup: (out): the validated configuration, with the dataset loaded.
 * @error: return location for an %LV_ERROR_INVALID_INPUT error naming the option.
 *
 * Returns: %TRUE when a network can be trained.
 */
gboolean
lv_cli_train_setup (const LvCliTrainOptions *o, LvCliTrainSetup *setup, GError **error)
{
  const char *dataset = o->dataset != NULL ? o->dataset : "digits";
  const char *activation_name = o->activation != NULL ? o->activation : "relu";
  const char *loss_name = o->loss != NULL ? o->loss : "cross-entropy";
  const char *init_name = o->init != NULL ? o->init : "he";
  LvDatasetOptions dopts;
  LvActivation activation;
  LvLoss loss;
  guint outputs;

  memset (setup, 0, sizeof *setup);
  if (!lv_cli_check_int ("--hidden", o->hidden, 1, 100000, error) ||
      !lv_cli_check_int ("--depth", o->depth, 1, LV_MLP_MAX_DEPTH, error) ||
      !lv_cli_check_int ("--epochs", o->epochs, 1, 1000000, error) ||
      !lv_cli_check_int ("--batch", o->batch, 1, 1 << 20, error) ||
      !lv_cli_check_int ("--downsample", o->downsample, 0, 4096, error) ||
      !lv_cli_check_int ("--seed", o->seed, 0, G_MAXINT64, error) ||
      !lv_cli_check_double ("--lr", o->lr, 1e-12, 1e6, error) ||
      !lv_cli_check_double ("--lr-decay", o->lr_decay, 0, 1e6, error) ||
      !lv_cli_check_double ("--momentum", o->momentum, 0, 0.999999, error))
    return FALSE;
  if (o->test_fraction != -1 &&
      !lv_cli_check_double ("--test-fraction", o->test_fraction, 0, 0.99, error))
    return FALSE;
  if (!lv_activation_from_string (activation_name, &activation))
    {
      g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT,
                   "--activation: '%s' is not relu, tanh, logistic or linear", activation_name);
      return FALSE;
    }
  if (!lv_loss_from_string (loss_name, &loss))
    {
      g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT,
                   "--loss: '%s' is not cross-entropy, mse or hinge", loss_name);
      return FALSE;
    }
  lv_train_config_init (&setup->config);
  if (!lv_init_from_string (init_name, &setup->config.init))
    {
      g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT,
                   "--init: '%s' is not he, glorot or cube", init_name);
      return FALSE;
    }
  setup->config.epochs = (guint) o->epochs;
  setup->config.batch = (guint) o->batch;
  setup->config.lr = o->lr;
  setup->config.lr_decay = o->lr_decay;
  setup->config.momentum = o->momentum;
  if (!lv_train_config_validate (&setup->config, error))
    return FALSE;

  lv_dataset_options_init (&dopts);
  dopts.test_fraction = o->test_fraction;
  dopts.downsample = (guint) o->downsample;
  dopts.seed = (guint64) o->seed;
  setup->dataset = lv_dataset_load (dataset, &dopts, error);
  if (setup->dataset == NULL)
    return FALSE;
  if (!lv_dataset_check_classes (setup->dataset, loss, error))
    return FALSE;
  /* One real output for MSE on targets, else one per class (as ensembles do). */
  outputs = loss == LV_LOSS_MSE && setup->dataset->t_train != NULL ? 1
                                                                   : setup->dataset->n_classes;
  if (!lv_mlp_shape_init (&setup->shape, setup->dataset->n_inputs, (guint) o->depth,
                          (guint) o->hidden, outputs, activation, loss, !o->no_hidden_bias,
                          error))
    return FALSE;
  setup->seed = (guint64) o->seed;
  setup->n_params = lv_mlp_n_params (&setup->shape);
  return TRUE;
}

/**
 * lv_cli_train_one:
 * @setup: the configuration.
 * @seed: the run's seed.
 * @checkpoints: (nullable): a float array that receives the parameters after every epoch.
 * @error: return location for an %LV_ERROR_FAILED error when training diverges.
 *
 * Returns: (transfer full) (nullable): the trained parameters.
 */
float *
lv_cli_train_one (const LvCliTrainSetup *setup, guint64 seed, GArray *checkpoints,
                  GError **error)
{
  g_autofree float *params = g_new (float, setup->n_params);
  LvTrajectoryRun run = { &setup->shape, &setup->config, setup->dataset, seed, FALSE, 0 };
  LvRunState state = lv_trajectory_record (&run, params, checkpoints, NULL);

  if (state != LV_RUN_FINISHED)
    {
      g_set_error (error, LV_ERROR, LV_ERROR_FAILED,
                   "training (seed %" G_GUINT64_FORMAT ") ended %s; try a smaller --lr", seed,
                   lv_run_state_to_string (state));
      return NULL;
    }
  return g_steal_pointer (&params);
}
