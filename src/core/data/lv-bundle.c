/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-core"

/* The parts of experiment bundles that need no HDF5 (lv-bundle.h). */

#include "config.h"

#include <string.h>

#include <lossviz/lv-bundle.h>
#include <lossviz/lv-error.h>

gboolean
lv_bundle_path_is_bundle (const char *path)
{
  g_autofree char *lower = path != NULL ? g_ascii_strdown (path, -1) : NULL;

  return lower != NULL && (g_str_has_suffix (lower, ".h5") || g_str_has_suffix (lower, ".hdf5"));
}

void
lv_bundle_prep_from_dataset (LvBundlePrep *prep, const LvDataset *dataset,
                             const LvDatasetOptions *options)
{
  memset (prep, 0, sizeof *prep);
  prep->downsample = options->downsample;
  prep->standardize = dataset->feature_mean != NULL;
  prep->n_inputs = dataset->n_inputs;
  if (prep->standardize)
    {
      prep->mean = g_memdup2 (dataset->feature_mean, dataset->n_inputs * sizeof (double));
      prep->scale = g_memdup2 (dataset->feature_scale, dataset->n_inputs * sizeof (double));
    }
  prep->n_train = dataset->n_train;
  prep->n_test = dataset->n_test;
  if (dataset->source_index != NULL)
    {
      prep->train_indices = g_memdup2 (dataset->source_index,
                                       MAX (dataset->n_train, 1) * sizeof (guint32));
      prep->test_indices = g_memdup2 (dataset->source_index + dataset->n_train,
                                      MAX (dataset->n_test, 1) * sizeof (guint32));
    }
}

void
lv_bundle_prep_clear (LvBundlePrep *prep)
{
  g_clear_pointer (&prep->mean, g_free);
  g_clear_pointer (&prep->scale, g_free);
  g_clear_pointer (&prep->train_indices, g_free);
  g_clear_pointer (&prep->test_indices, g_free);
}

void
lv_bundle_run_params_clear (LvBundleRunParams *run)
{
  g_clear_pointer (&run->params, g_free);
  g_clear_pointer (&run->trajectory_epochs, g_free);
  g_clear_pointer (&run->trajectory, g_free);
  run->n_trajectory = 0;
}

void
lv_bundle_free (LvBundle *bundle)
{
  if (bundle == NULL)
    return;
  if (bundle->runs != NULL)
    for (guint i = 0; i < bundle->session->snapshot->n_runs; i++)
      lv_bundle_run_params_clear (&bundle->runs[i]);
  g_free (bundle->runs);
  lv_bundle_prep_clear (&bundle->prep);
  lv_session_free (bundle->session);
  g_free (bundle);
}

gboolean
lv_bundle_session_shape (const LvSession *session, guint hidden, LvMlpShape *shape,
                         GError **error)
{
  const LvEnsembleConfig *c = &session->config;

  return lv_mlp_shape_init (shape, session->dataset.n_inputs, c->depth, hidden,
                            lv_dataset_info_network_outputs (&session->dataset, c->loss),
                            c->activation, c->loss, c->bias, error);
}

gint
lv_bundle_find_run (const LvSession *session, guint hidden, guint run, GError **error)
{
  const LvEnsembleConfig *c = &session->config;
  g_autoptr(GString) sizes = g_string_new (NULL);

  for (guint s = 0; s < c->n_sizes; s++)
    {
      if (c->sizes[s] == hidden && run >= c->first_run && run - c->first_run < c->runs)
        return (gint) (s * c->runs + (run - c->first_run));
      g_string_append_printf (sizes, "%s%u", s ? "," : "", c->sizes[s]);
    }
  g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT,
               "the bundle has no run %u of hidden width %u (it holds widths %s, runs %u to %u)",
               run, hidden, sizes->str, c->first_run, c->first_run + c->runs - 1);
  return -1;
}

/* Fetches a loaded bundle's own arrays (borrowed). */
static void
fetch_loaded (guint index, LvBundleRunParams *out, gpointer user_data)
{
  const LvBundle *bundle = user_data;

  *out = bundle->runs[index];
}

gboolean
lv_bundle_save (const LvBundle *bundle, const char *path, guint deflate, GError **error)
{
  LvBundleWriteOptions options = { bundle->save_trajectory, deflate };

  return lv_bundle_write (path, bundle->session, &bundle->prep, &options, fetch_loaded,
                          (gpointer) bundle, error);
}
