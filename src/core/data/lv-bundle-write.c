/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-core"

/* Writing an experiment bundle (layout in README "Experiment bundles"): header groups first,
 * then one group per run, streamed run by run through the caller's fetch function. */

#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gstdio.h>
#include <lossviz/lv-error.h>

#include "lv-bundle-private.h"

static gboolean
write_dataset_group (hid_t file, const LvSession *s)
{
  hid_t g = H5Gcreate2 (file, "dataset", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  gboolean ok = g >= 0 &&
    lv_h5_set_string (g, "spec", s->dataset_spec) &&
    lv_h5_set_string (g, "name", s->dataset.name) &&
    lv_h5_set_double (g, "test_fraction", s->dataset_options.test_fraction) &&
    lv_h5_set_int (g, "downsample", s->dataset_options.downsample) &&
    lv_h5_set_int (g, "standardize", s->dataset_options.standardize) &&
    lv_h5_set_int (g, "seed", (gint64) s->dataset_options.seed) &&
    lv_h5_set_int (g, "train", s->dataset.n_train) &&
    lv_h5_set_int (g, "test", s->dataset.n_test) &&
    lv_h5_set_int (g, "inputs", s->dataset.n_inputs) &&
    lv_h5_set_int (g, "classes", s->dataset.n_classes) &&
    lv_h5_set_int (g, "targets", s->dataset.has_targets);

  return g >= 0 && H5Gclose (g) >= 0 && ok;
}

static gboolean
write_prep_group (hid_t file, const LvBundlePrep *p)
{
  hid_t g = H5Gcreate2 (file, "preprocessing", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  gboolean ok = g >= 0 && lv_h5_set_int (g, "downsample", p->downsample) &&
                lv_h5_set_int (g, "standardize", p->standardize);

  if (ok && p->standardize)
    ok = lv_h5_write_doubles (g, "mean", p->mean, p->n_inputs) &&
         lv_h5_write_doubles (g, "scale", p->scale, p->n_inputs);
  if (ok && p->train_indices != NULL)
    ok = lv_h5_write_uint32s (g, "train_indices", p->train_indices, p->n_train) &&
         lv_h5_write_uint32s (g, "test_indices", p->test_indices, p->n_test);
  return g >= 0 && H5Gclose (g) >= 0 && ok;
}

static gboolean
write_config_group (hid_t file, const LvEnsembleConfig *c)
{
  hid_t g = H5Gcreate2 (file, "config", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  gint64 sizes[G_N_ELEMENTS (c->sizes)];
  gboolean ok;

  for (guint i = 0; i < c->n_sizes; i++)
    sizes[i] = c->sizes[i];
  ok = g >= 0 && lv_h5_set_int_array (g, "sizes", sizes, c->n_sizes) &&
    lv_h5_set_int (g, "runs", c->runs) &&
    lv_h5_set_int (g, "first_run", c->first_run) &&
    lv_h5_set_int (g, "depth", c->depth) &&
    lv_h5_set_string (g, "activation", lv_activation_to_string (c->activation)) &&
    lv_h5_set_string (g, "loss", lv_loss_to_string (c->loss)) &&
    lv_h5_set_int (g, "bias", c->bias) &&
    lv_h5_set_string (g, "init", lv_init_to_string (c->train.init)) &&
    lv_h5_set_int (g, "epochs", c->train.epochs) &&
    lv_h5_set_int (g, "batch", c->train.batch) &&
    lv_h5_set_double (g, "lr", c->train.lr) &&
    lv_h5_set_double (g, "lr_decay", c->train.lr_decay) &&
    lv_h5_set_double (g, "momentum", c->train.momentum) &&
    lv_h5_set_string (g, "reg_kind", lv_reg_kind_to_string (c->train.reg.kind)) &&
    lv_h5_set_double (g, "reg_degree", c->train.reg.degree) &&
    lv_h5_set_double (g, "reg_lambda", c->train.reg.lambda) &&
    lv_h5_set_int (g, "seed", (gint64) c->seed) &&
    lv_h5_set_int (g, "shared_order", c->shared_order) &&
    lv_h5_set_int (g, "fuse_block", c->fuse_block) &&
    lv_h5_set_string (g, "precision", lv_precision_to_string (c->train.precision));
  return g >= 0 && H5Gclose (g) >= 0 && ok;
}

/* layer<l>/weight (out × in) and layer<l>/bias: LossViz's flat layout is PyTorch's. */
static gboolean
write_layers (hid_t run, const LvMlpShape *shape, const float *params, guint deflate)
{
  for (guint l = 0; l < shape->n_layers; l++)
    {
      char name[16];
      hid_t g;
      gboolean ok;

      g_snprintf (name, sizeof name, "layer%u", l);
      g = H5Gcreate2 (run, name, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
      ok = g >= 0 && lv_h5_write_floats (g, "weight", params + lv_mlp_weight_offset (shape, l),
                                         shape->widths[l + 1], shape->widths[l], deflate);
      if (ok && shape->bias)
        ok = lv_h5_write_floats (g, "bias", params + lv_mlp_bias_offset (shape, l),
                                 shape->widths[l + 1], 0, deflate);
      if (g < 0 || H5Gclose (g) < 0 || !ok)
        return FALSE;
    }
  return TRUE;
}

static gboolean
write_run (hid_t runs, const LvRunRecord *r, const LvMlpShape *shape,
           const LvBundleRunParams *p, guint deflate)
{
  char name[32];
  hid_t g;
  gboolean ok;

  g_snprintf (name, sizeof name, "r%u", r->run);
  g = H5Gcreate2 (runs, name, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  ok = g >= 0 && lv_h5_set_int (g, "hidden", r->hidden) && lv_h5_set_int (g, "run", r->run) &&
       lv_h5_set_int (g, "seed", (gint64) r->seed) &&
       lv_h5_set_string (g, "state", lv_run_state_to_string (r->state)) &&
       lv_h5_set_int (g, "epochs_done", r->epochs_done) &&
       lv_h5_set_double (g, "grad_norm", r->grad_norm) &&
       lv_h5_write_doubles (g, "train_loss", r->train_loss, r->epochs_done) &&
       lv_h5_write_doubles (g, "test_loss", r->test_loss, r->epochs_done) &&
       lv_h5_write_doubles (g, "test_accuracy", r->test_accuracy, r->epochs_done);
  /* Parameters of finished runs only: a resumed experiment retrains everything else. */
  if (ok && p->params != NULL && r->state == LV_RUN_FINISHED)
    ok = write_layers (g, shape, p->params, deflate);
  if (ok && p->params != NULL && r->state == LV_RUN_FINISHED && p->n_trajectory > 0)
    ok = lv_h5_write_uint32s (g, "trajectory_epochs", p->trajectory_epochs, p->n_trajectory) &&
         lv_h5_write_floats (g, "trajectory", p->trajectory, p->n_trajectory,
                             lv_mlp_n_params (shape), deflate);
  return g >= 0 && H5Gclose (g) >= 0 && ok;
}

static gboolean
write_runs (hid_t file, const LvSession *s, guint deflate, LvBundleFetchFunc fetch,
            gpointer user_data)
{
  const LvEnsembleConfig *c = &s->config;
  hid_t runs = H5Gcreate2 (file, "runs", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  gboolean ok = runs >= 0;

  for (guint si = 0; ok && si < c->n_sizes; si++)
    {
      char name[32];
      LvMlpShape shape;
      hid_t size_group;

      g_snprintf (name, sizeof name, "h%u", c->sizes[si]);
      size_group = H5Gcreate2 (runs, name, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
      ok = size_group >= 0 && lv_bundle_session_shape (s, c->sizes[si], &shape, NULL);
      for (guint r = 0; ok && r < c->runs; r++)
        {
          guint index = si * c->runs + r;
          LvBundleRunParams p = { 0 };

          if (fetch != NULL)
            fetch (index, &p, user_data);
          ok = write_run (size_group, &s->snapshot->runs[index], &shape, &p, deflate);
        }
      if (size_group >= 0 && H5Gclose (size_group) < 0)
        ok = FALSE;
    }
  return runs >= 0 && H5Gclose (runs) >= 0 && ok;
}

static gboolean
write_root (hid_t file, const LvSession *s, const LvBundleWriteOptions *o)
{
  guint final = s->snapshot->finished + s->snapshot->diverged;

  return lv_h5_set_string (file, "format", LV_SESSION_FORMAT) &&
         lv_h5_set_int (file, "version", LV_BUNDLE_VERSION) &&
         lv_h5_set_int (file, "threads", s->threads) &&
         lv_h5_set_double (file, "elapsed_s", s->elapsed_s) &&
         lv_h5_set_int (file, "checkpoint_unix", g_get_real_time () / G_USEC_PER_SEC) &&
         lv_h5_set_int (file, "save_trajectory", o->save_trajectory) &&
         lv_h5_set_int (file, "runs_total", s->snapshot->n_runs) &&
         lv_h5_set_int (file, "runs_done", final);
}

/* What lv_bundle_write() passes to write_bundle(). */
typedef struct
{
  const LvSession *session;
  const LvBundlePrep *prep;
  const LvBundleWriteOptions *options;
  LvBundleFetchFunc fetch;
  gpointer user_data;
} BundleWrite;

static gboolean
write_bundle (hid_t file, gconstpointer data)
{
  const BundleWrite *w = data;

  return write_root (file, w->session, w->options) && write_dataset_group (file, w->session) &&
         write_prep_group (file, w->prep) && write_config_group (file, &w->session->config) &&
         write_runs (file, w->session, w->options->deflate, w->fetch, w->user_data);
}

gboolean
lv_bundle_write (const char *path, const LvSession *session, const LvBundlePrep *prep,
                 const LvBundleWriteOptions *options, LvBundleFetchFunc fetch,
                 gpointer user_data, GError **error)
{
  static const LvBundleWriteOptions defaults = { 0, 0 };
  BundleWrite w = { session, prep, options != NULL ? options : &defaults, fetch, user_data };

  return lv_h5_write_file (path, write_bundle, &w, error);
}
