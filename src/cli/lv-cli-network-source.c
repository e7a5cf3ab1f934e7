/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-cli"

/* --from FILE.h5 --hidden H --run R and --model FILE.h5 --dataset SPEC (lv-cli-network-source.h). */

#include "config.h"

#include <string.h>

#include "lv-cli-common.h"
#include "lv-cli-network-source.h"

void
lv_cli_network_source_clear (LvCliNetworkSource *s)
{
  g_clear_pointer (&s->from, g_free);
  g_clear_pointer (&s->model, g_free);
}

void
lv_cli_network_source_add (GOptionContext *context, LvCliNetworkSource *s)
{
  const GOptionEntry entries[] = {
    { "from", 0, 0, G_OPTION_ARG_FILENAME, &s->from,
      "Examine run --run of width --hidden of the experiment bundle FILE.h5 (on its dataset) "
      "instead of training", "FILE" },
    { "run", 0, 0, G_OPTION_ARG_INT, &s->run, "With --from: the run index (default 0)", "R" },
    { "model", 0, 0, G_OPTION_ARG_FILENAME, &s->model,
      "Examine the MLP in FILE.h5 (layer<l>/weight, layer<l>/bias, root attribute activation) "
      "on --dataset instead of training", "FILE" },
    { NULL }
  };

  s->run = -1;
  g_option_context_add_main_entries (context, entries, NULL);
}

gboolean
lv_cli_network_source_is_set (const LvCliNetworkSource *s)
{
  /* --run alone counts, so that lv_cli_network_source_load() refuses it. */
  return s->from != NULL || s->model != NULL || s->run >= 0;
}

/* The same check as `ensemble --resume`: the reloaded data must be what the runs saw. */
static gboolean
check_dataset (const LvBundle *b, const LvDataset *ds, GError **error)
{
  const LvDatasetInfo *info = &b->session->dataset;

  if (info->n_train == ds->n_train && info->n_test == ds->n_test &&
      info->n_inputs == ds->n_inputs && info->n_classes == ds->n_classes &&
      (b->prep.mean == NULL || (ds->feature_mean != NULL &&
                                memcmp (b->prep.mean, ds->feature_mean,
                                        ds->n_inputs * sizeof (double)) == 0)))
    return TRUE;
  g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT,
               "--from: the dataset '%s' no longer loads as the data the bundle was trained on",
               b->session->dataset_spec);
  return FALSE;
}

static float *
load_from_bundle (const LvCliNetworkSource *s, const LvCliTrainOptions *t,
                  LvCliTrainSetup *setup, GArray *trajectory, GError **error)
{
  g_autoptr(LvBundle) b = lv_bundle_load (s->from, LV_BUNDLE_LOAD_RECORDS, error);
  g_auto(LvBundleRunParams) run = { 0 };
  gint index;

  if (b == NULL)
    return NULL;
  index = lv_bundle_find_run (b->session, (guint) t->hidden, (guint) MAX (s->run, 0), error);
  if (index < 0 ||
      !lv_bundle_load_run (s->from, b->session, (guint) index, &run, trajectory != NULL, error))
    return NULL;
  setup->dataset = lv_dataset_load (b->session->dataset_spec, &b->session->dataset_options,
                                    error);
  if (setup->dataset == NULL || !check_dataset (b, setup->dataset, error) ||
      !lv_bundle_session_shape (b->session, (guint) t->hidden, &setup->shape, error))
    return NULL;
  setup->config = b->session->config.train;
  setup->seed = b->session->snapshot->runs[index].seed;
  setup->n_params = lv_mlp_n_params (&setup->shape);
  if (trajectory != NULL && run.n_trajectory > 0)
    g_array_append_vals (trajectory, run.trajectory, run.n_trajectory * (guint) setup->n_params);
  return g_steal_pointer (&run.params);
}

static float *
load_model (const LvCliNetworkSource *s, const LvCliTrainOptions *t, LvCliTrainSetup *setup,
            GError **error)
{
  g_autofree float *params = NULL;
  LvDatasetOptions dopts;
  LvLoss loss;
  guint outputs, last;

  if (t->dataset == NULL)
    {
      g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT, "--model needs --dataset SPEC");
      return NULL;
    }
  if (!lv_loss_from_string (t->loss != NULL ? t->loss : "cross-entropy", &loss))
    {
      g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT,
                   "--loss: '%s' is not cross-entropy, mse or hinge", t->loss);
      return NULL;
    }
  if (!lv_bundle_load_model (s->model, loss, &setup->shape, &params, error))
    return NULL;
  lv_dataset_options_init (&dopts);
  dopts.test_fraction = t->test_fraction;
  dopts.downsample = (guint) t->downsample;
  dopts.seed = (guint64) t->seed;
  setup->dataset = lv_dataset_load (t->dataset, &dopts, error);
  if (setup->dataset == NULL)
    return NULL;
  last = setup->shape.n_layers;
  outputs = loss == LV_LOSS_MSE && setup->dataset->t_train != NULL ? 1
                                                                   : setup->dataset->n_classes;
  if (setup->shape.widths[0] != setup->dataset->n_inputs ||
      setup->shape.widths[last] != outputs)
    {
      g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT,
                   "--model: the network maps %u inputs to %u outputs, but dataset '%s' has %u "
                   "inputs and needs %u outputs (%s)", setup->shape.widths[0],
                   setup->shape.widths[last], t->dataset, setup->dataset->n_inputs, outputs,
                   outputs == 1 ? "one real target" : "one per class");
      return NULL;
    }
  lv_train_config_init (&setup->config);
  setup->seed = (guint64) t->seed;
  setup->n_params = lv_mlp_n_params (&setup->shape);
  return g_steal_pointer (&params);
}

float *
lv_cli_network_source_load (const LvCliNetworkSource *s, const LvCliTrainOptions *t,
                            LvCliTrainSetup *setup, GArray *trajectory, GError **error)
{
  memset (setup, 0, sizeof *setup);
  if (s->from != NULL && s->model != NULL)
    {
      g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT,
                   "--from and --model are alternatives: give one");
      return NULL;
    }
  if (s->run >= 0 && s->from == NULL)
    {
      g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT, "--run needs --from FILE.h5");
      return NULL;
    }
  if (!lv_cli_check_int ("--hidden", t->hidden, 1, 1000000, error))
    return NULL;
  if (s->from != NULL)
    return load_from_bundle (s, t, setup, trajectory, error);
  return load_model (s, t, setup, error);
}
