/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "LossViz-core"

/* Reading an experiment bundle: every attribute and dataset is checked for presence, type,
 * shape and range before use, and every allocation is bounded by what the file really holds,
 * so a corrupt or hostile file ends in one error, never a crash. */

#include "config.h"

#include <math.h>
#include <string.h>

#include <lossviz/lv-error.h>

#include "lv-bundle-private.h"

#define MAX_RUNS_IN_FILE 1000000
#define MAX_EPOCHS_IN_FILE 1000000
/* Parameters one bundle may hold in memory once loaded (as the ensemble's own cap). */
#define MAX_PARAM_FLOATS_LOADED (G_GUINT64_CONSTANT (1) << 30)

typedef struct
{
  LvBundleLoadFlags flags;
  guint64 floats_loaded;
} Reader;

static gboolean
get_flag (hid_t g, const char *where, const char *name, gboolean *out, GError **error)
{
  gint64 v;

  if (!lv_h5_get_int (g, where, name, 0, 1, &v, error))
    return FALSE;
  *out = v != 0;
  return TRUE;
}

static gboolean
read_dataset (hid_t file, LvSession *s, GError **error)
{
  hid_t g = lv_h5_open_group (file, "", "dataset", error);
  gint64 seed;
  gboolean ok;

  if (g < 0)
    return FALSE;
  lv_dataset_options_init (&s->dataset_options);
  ok = lv_h5_get_string (g, "dataset", "spec", &s->dataset_spec, error) &&
       lv_h5_get_string (g, "dataset", "name", &s->dataset.name, error) &&
       lv_h5_get_double (g, "dataset", "test_fraction", FALSE,
                         &s->dataset_options.test_fraction, error) &&
       lv_h5_get_guint (g, "dataset", "downsample", 0, 4096, &s->dataset_options.downsample,
                        error) &&
       get_flag (g, "dataset", "standardize", &s->dataset_options.standardize, error) &&
       lv_h5_get_int (g, "dataset", "seed", 0, G_MAXINT64, &seed, error) &&
       lv_h5_get_guint (g, "dataset", "train", 1, G_MAXINT32, &s->dataset.n_train, error) &&
       lv_h5_get_guint (g, "dataset", "test", 0, G_MAXINT32, &s->dataset.n_test, error) &&
       lv_h5_get_guint (g, "dataset", "inputs", 1, 1 << 24, &s->dataset.n_inputs, error) &&
       lv_h5_get_guint (g, "dataset", "classes", 1, 1 << 20, &s->dataset.n_classes, error) &&
       get_flag (g, "dataset", "targets", &s->dataset.has_targets, error);
  s->dataset_options.seed = (guint64) seed;
  H5Gclose (g);
  return ok;
}

static gboolean
read_enum (hid_t g, const char *name, gboolean (*parse) (const char *, int *), int *out,
           const char *expected, GError **error)
{
  g_autofree char *s = NULL;

  if (!lv_h5_get_string (g, "config", name, &s, error))
    return FALSE;
  if (!parse (s, out))
    {
      g_autofree char *what = g_strdup_printf ("'%s' is not %s", name, expected);
      return lv_h5_invalid (error, "config", what);
    }
  return TRUE;
}

static gboolean
read_config_numbers (hid_t g, LvEnsembleConfig *c, GError **error)
{
  gint64 sizes[G_N_ELEMENTS (c->sizes)], seed;

  if (!lv_h5_get_int_array (g, "config", "sizes", G_N_ELEMENTS (c->sizes), sizes, &c->n_sizes,
                            error))
    return FALSE;
  for (guint i = 0; i < c->n_sizes; i++)
    {
      if (sizes[i] < 1 || sizes[i] > 1000000)
        return lv_h5_invalid (error, "config", "'sizes' must hold widths from 1 to 1000000");
      for (guint j = 0; j < i; j++)
        if (sizes[j] == sizes[i])
          return lv_h5_invalid (error, "config", "'sizes' holds a width twice");
      c->sizes[i] = (guint) sizes[i];
    }
  if (!lv_h5_get_guint (g, "config", "runs", 1, MAX_RUNS_IN_FILE, &c->runs, error) ||
      !lv_h5_get_guint (g, "config", "first_run", 0, MAX_RUNS_IN_FILE, &c->first_run, error) ||
      !lv_h5_get_guint (g, "config", "depth", 1, LV_MLP_MAX_DEPTH, &c->depth, error) ||
      !lv_h5_get_guint (g, "config", "epochs", 1, MAX_EPOCHS_IN_FILE, &c->train.epochs, error) ||
      !lv_h5_get_guint (g, "config", "batch", 1, 1 << 20, &c->train.batch, error) ||
      !lv_h5_get_double (g, "config", "lr", FALSE, &c->train.lr, error) ||
      !lv_h5_get_double (g, "config", "lr_decay", FALSE, &c->train.lr_decay, error) ||
      !lv_h5_get_double (g, "config", "momentum", FALSE, &c->train.momentum, error) ||
      !lv_h5_get_double (g, "config", "reg_degree", FALSE, &c->train.reg.degree, error) ||
      !lv_h5_get_double (g, "config", "reg_lambda", FALSE, &c->train.reg.lambda, error) ||
      !lv_h5_get_int (g, "config", "seed", 0, G_MAXINT64, &seed, error) ||
      !get_flag (g, "config", "bias", &c->bias, error) ||
      !get_flag (g, "config", "shared_order", &c->shared_order, error) ||
      !lv_h5_get_guint (g, "config", "fuse_block", 0, LV_TRAIN_MAX_FUSED, &c->fuse_block,
                        error))
    return FALSE;
  c->seed = (guint64) seed;
  if ((guint64) c->n_sizes * c->runs > MAX_RUNS_IN_FILE)
    return lv_h5_invalid (error, "config", "more runs than a bundle may hold");
  return TRUE;
}

static gboolean
read_config (hid_t file, LvEnsembleConfig *c, GError **error)
{
  hid_t g = lv_h5_open_group (file, "", "config", error);
  gboolean ok;

  if (g < 0)
    return FALSE;
  lv_ensemble_config_init (c);
  ok = read_config_numbers (g, c, error) &&
       read_enum (g, "activation", (gpointer) lv_activation_from_string, (int *) &c->activation,
                  "relu, tanh, logistic or linear", error) &&
       read_enum (g, "loss", (gpointer) lv_loss_from_string, (int *) &c->loss,
                  "cross-entropy, mse or hinge", error) &&
       read_enum (g, "init", (gpointer) lv_init_from_string, (int *) &c->train.init,
                  "he, glorot or cube", error) &&
       read_enum (g, "reg_kind", (gpointer) lv_reg_kind_from_string, (int *) &c->train.reg.kind,
                  "layer or unit", error) &&
       /* Added with bf16 training: bundles without it trained in fp32. */
       (H5Aexists (g, "precision") <= 0 ||
        read_enum (g, "precision", (gpointer) lv_precision_from_string,
                   (int *) &c->train.precision, "fp32 or bf16", error));
  H5Gclose (g);
  if (ok && !lv_train_config_validate (&c->train, error))
    {
      g_prefix_error (error, "config: ");
      return FALSE;
    }
  return ok;
}

static gboolean
read_prep (hid_t file, const LvSession *s, LvBundlePrep *p, GError **error)
{
  hid_t g = lv_h5_open_group (file, "", "preprocessing", error);
  guint n = s->dataset.n_train + s->dataset.n_test;
  gboolean ok;

  if (g < 0)
    return FALSE;
  p->n_inputs = s->dataset.n_inputs;
  p->n_train = s->dataset.n_train;
  p->n_test = s->dataset.n_test;
  ok = lv_h5_get_guint (g, "preprocessing", "downsample", 0, 4096, &p->downsample, error) &&
       get_flag (g, "preprocessing", "standardize", &p->standardize, error);
  if (ok && p->standardize)
    ok = lv_h5_read_doubles (g, "preprocessing", "mean", p->n_inputs, &p->mean, error) &&
         lv_h5_read_doubles (g, "preprocessing", "scale", p->n_inputs, &p->scale, error);
  if (ok && H5Lexists (g, "train_indices", H5P_DEFAULT) > 0)
    ok = lv_h5_read_uint32s (g, "preprocessing", "train_indices", p->n_train, n,
                             &p->train_indices, error) &&
         lv_h5_read_uint32s (g, "preprocessing", "test_indices", p->n_test, n,
                             &p->test_indices, error);
  H5Gclose (g);
  return ok;
}

static gboolean
parse_state (const char *s, LvRunState *out)
{
  for (LvRunState st = LV_RUN_PENDING; st <= LV_RUN_CANCELLED; st++)
    if (g_strcmp0 (s, lv_run_state_to_string (st)) == 0)
      {
        *out = st;
        return TRUE;
      }
  return FALSE;
}

/* Reserves @n floats of the load's budget, or fails naming @where. */
static gboolean
reserve (Reader *rd, const char *where, guint64 n, GError **error)
{
  rd->floats_loaded += n;
  if (n > MAX_PARAM_FLOATS_LOADED || rd->floats_loaded > MAX_PARAM_FLOATS_LOADED)
    return lv_h5_invalid (error, where, "more parameters than LossViz loads at once (4 GiB)");
  return TRUE;
}

static gboolean
read_trajectory (Reader *rd, hid_t g, const char *where, gsize np, const LvEnsembleConfig *c,
                 LvBundleRunParams *p, GError **error)
{
  hsize_t dims = 0;
  hid_t set;

  if (H5Lexists (g, "trajectory_epochs", H5P_DEFAULT) <= 0)
    return TRUE;
  set = lv_h5_open_dataset (g, where, "trajectory_epochs", 1, &dims, c->train.epochs, error);
  if (set < 0)
    return FALSE;
  H5Dclose (set);
  if (dims == 0 || !reserve (rd, where, (guint64) dims * np, error) ||
      !lv_h5_read_uint32s (g, where, "trajectory_epochs", dims, c->train.epochs + 1,
                           &p->trajectory_epochs, error))
    return dims == 0;
  p->n_trajectory = (guint) dims;
  p->trajectory = g_try_new (float, dims * np);
  if (p->trajectory == NULL)
    return lv_h5_invalid (error, where, "trajectory does not fit in memory");
  return lv_h5_read_floats (g, where, "trajectory", dims, np, p->trajectory, error);
}

static gboolean
read_run_params (Reader *rd, hid_t g, const char *where, const LvSession *s, guint hidden,
                 LvBundleRunParams *p, GError **error)
{
  LvMlpShape shape;
  gsize np;

  if (!lv_bundle_session_shape (s, hidden, &shape, error))
    return FALSE;
  np = lv_mlp_n_params (&shape);
  if ((rd->flags & LV_BUNDLE_LOAD_PARAMS) != 0)
    {
      if (!reserve (rd, where, np, error))
        return FALSE;
      p->params = g_try_new (float, np);
      if (p->params == NULL)
        return lv_h5_invalid (error, where, "parameters do not fit in memory");
      if (!lv_bundle_read_layers (g, where, &shape, shape.bias, p->params, error))
        return FALSE;
    }
  if ((rd->flags & LV_BUNDLE_LOAD_TRAJECTORY) != 0)
    return read_trajectory (rd, g, where, np, &s->config, p, error);
  return TRUE;
}

static gboolean
read_run_record (hid_t g, const char *where, const LvEnsembleConfig *c, guint hidden,
                 guint run, LvRunRecord *r, GError **error)
{
  g_autofree char *state = NULL;
  gint64 seed;

  if (!lv_h5_get_guint (g, where, "hidden", hidden, hidden, &r->hidden, error) ||
      !lv_h5_get_guint (g, where, "run", run, run, &r->run, error) ||
      !lv_h5_get_int (g, where, "seed", 0, G_MAXINT64, &seed, error) ||
      !lv_h5_get_guint (g, where, "epochs_done", 0, c->train.epochs, &r->epochs_done, error) ||
      !lv_h5_get_double (g, where, "grad_norm", TRUE, &r->grad_norm, error) ||
      !lv_h5_get_string (g, where, "state", &state, error))
    return FALSE;
  r->seed = (guint64) seed;
  if (!parse_state (state, &r->state))
    return lv_h5_invalid (error, where,
                          "'state' is not pending, running, finished, diverged or cancelled");
  /* A run that was training when the file was written is resumable, not running. */
  if (r->state == LV_RUN_RUNNING)
    r->state = LV_RUN_PENDING;
  return lv_h5_read_doubles (g, where, "train_loss", r->epochs_done, &r->train_loss, error) &&
         lv_h5_read_doubles (g, where, "test_loss", r->epochs_done, &r->test_loss, error) &&
         lv_h5_read_doubles (g, where, "test_accuracy", r->epochs_done, &r->test_accuracy,
                             error);
}

/* The runs of width index @si, each /runs/h<H>/r<R> in configuration order. */
static gboolean
read_size (Reader *rd, hid_t runs, LvBundle *b, guint si, GError **error)
{
  LvSession *s = b->session;
  const LvEnsembleConfig *c = &s->config;
  guint hidden = c->sizes[si];
  char name[32];
  hid_t hg;
  gboolean ok = TRUE;

  g_snprintf (name, sizeof name, "h%u", hidden);
  hg = lv_h5_open_group (runs, "runs", name, error);
  if (hg < 0)
    return FALSE;
  for (guint r = 0; ok && r < c->runs; r++)
    {
      guint i = si * c->runs + r, run = c->first_run + r;
      g_autofree char *where = g_strdup_printf ("runs/h%u/r%u", hidden, run);
      LvRunRecord *rec = &s->snapshot->runs[i];
      hid_t g;

      g_snprintf (name, sizeof name, "r%u", run);
      g = lv_h5_open_group (hg, "runs", name, error);
      if (g < 0)
        break;
      ok = read_run_record (g, where, c, hidden, run, rec, error);
      if (ok && rec->state == LV_RUN_FINISHED)
        ok = read_run_params (rd, g, where, s, hidden, &b->runs[i], error);
      H5Gclose (g);
      s->snapshot->finished += rec->state == LV_RUN_FINISHED;
      s->snapshot->diverged += rec->state == LV_RUN_DIVERGED;
      s->snapshot->cancelled += rec->state == LV_RUN_CANCELLED;
    }
  H5Gclose (hg);
  return ok && (error == NULL || *error == NULL);
}

static gboolean
read_runs (Reader *rd, hid_t file, LvBundle *b, GError **error)
{
  LvSession *s = b->session;
  const LvEnsembleConfig *c = &s->config;
  guint n = c->n_sizes * c->runs;
  hid_t runs = lv_h5_open_group (file, "", "runs", error);
  gboolean ok = runs >= 0;

  s->snapshot = g_new0 (LvEnsembleSnapshot, 1);
  s->snapshot->runs = g_new0 (LvRunRecord, n);
  s->snapshot->n_runs = n;
  b->runs = g_new0 (LvBundleRunParams, n);
  for (guint si = 0; ok && si < c->n_sizes; si++)
    ok = read_size (rd, runs, b, si, error);
  if (runs >= 0)
    H5Gclose (runs);
  return ok;
}

static gboolean
read_root (hid_t file, LvBundle *b, GError **error)
{
  if (!lv_h5_check_format (file, LV_SESSION_FORMAT, LV_BUNDLE_VERSION, "bundle", error))
    return FALSE;
  return lv_h5_get_guint (file, "", "threads", 0, 4096, &b->session->threads, error) &&
         lv_h5_get_double (file, "", "elapsed_s", TRUE, &b->session->elapsed_s, error) &&
         lv_h5_get_int (file, "", "checkpoint_unix", 0, G_MAXINT64, &b->checkpoint_unix,
                        error) &&
         lv_h5_get_guint (file, "", "save_trajectory", 0, MAX_EPOCHS_IN_FILE,
                          &b->save_trajectory, error);
}

static LvBundle *
read_file (hid_t file, const char *name, LvBundleLoadFlags flags, GError **error)
{
  g_autoptr(LvBundle) b = g_new0 (LvBundle, 1);
  Reader rd = { flags, 0 };
  g_autoptr(GError) local = NULL;

  b->session = g_new0 (LvSession, 1);
  if (!read_root (file, b, &local) || !read_dataset (file, b->session, &local) ||
      !read_config (file, &b->session->config, &local) ||
      !read_prep (file, b->session, &b->prep, &local) || !read_runs (&rd, file, b, &local))
    {
      /* The partly read snapshot is freed with the bundle (n_runs counts what exists). */
      g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT, "%s: %s", name, local->message);
      return NULL;
    }
  return g_steal_pointer (&b);
}

LvBundle *
lv_bundle_load (const char *path, LvBundleLoadFlags flags, GError **error)
{
  LvBundle *b = NULL;
  hid_t file;

  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, LV_ERROR, LV_ERROR_IO, "%s: no such file", path);
      return NULL;
    }
  g_autoptr(GError) local = NULL;

  lv_h5_lock ();
  file = lv_h5_open_checked (path, &local);
  if (file < 0)
    g_set_error (error, LV_ERROR, local->code, "%s: %s", path, local->message);
  else
    {
      b = read_file (file, path, flags, error);
      H5Fclose (file);
    }
  lv_h5_unlock ();
  return b;
}

LvBundle *
lv_bundle_load_from_memory (const void *data, gsize size, LvBundleLoadFlags flags,
                            GError **error)
{
  LvBundle *b = NULL;
  hid_t fapl, file;

  if (!lv_h5_check_bytes (data, size, error))
    {
      g_prefix_error (error, "bundle: ");
      return NULL;
    }
  lv_h5_lock ();
  /* The core driver over a file image: HDF5 copies @data and never touches the disk. */
  fapl = H5Pcreate (H5P_FILE_ACCESS);
  H5Pset_fapl_core (fapl, 1 << 16, 0);
  file = size > 0 && H5Pset_file_image (fapl, (void *) data, size) >= 0
           ? H5Fopen ("lossviz-bundle-in-memory", H5F_ACC_RDONLY, fapl)
           : H5I_INVALID_HID;
  H5Pclose (fapl);
  if (file < 0)
    g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT,
                 "bundle: not a readable HDF5 file (truncated or corrupt?)");
  else
    {
      b = read_file (file, "bundle", flags, error);
      H5Fclose (file);
    }
  lv_h5_unlock ();
  return b;
}

gboolean
lv_bundle_load_run (const char *path, const LvSession *session, guint index,
                    LvBundleRunParams *run, gboolean trajectory, GError **error)
{
  const LvRunRecord *r = &session->snapshot->runs[index];
  g_autofree char *where = g_strdup_printf ("runs/h%u/r%u", r->hidden, r->run);
  g_autoptr(GError) local = NULL;
  Reader rd = { LV_BUNDLE_LOAD_PARAMS | (trajectory ? LV_BUNDLE_LOAD_TRAJECTORY : 0), 0 };
  gboolean ok = FALSE;
  hid_t file, g = -1;

  g_return_val_if_fail (index < session->snapshot->n_runs, FALSE);
  memset (run, 0, sizeof *run);
  if (r->state != LV_RUN_FINISHED)
    {
      g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT,
                   "%s: run %u of hidden width %u is %s: only finished runs have weights", path,
                   r->run, r->hidden, lv_run_state_to_string (r->state));
      return FALSE;
    }
  lv_h5_lock ();
  file = lv_h5_open_checked (path, &local);
  if (file >= 0)
    {
      g = lv_h5_open_group (file, "", where, &local);
      ok = g >= 0 && read_run_params (&rd, g, where, session, r->hidden, run, &local);
      if (g >= 0)
        H5Gclose (g);
      H5Fclose (file);
    }
  lv_h5_unlock ();
  if (!ok)
    {
      lv_bundle_run_params_clear (run);
      g_set_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT, "%s: %s", path, local->message);
    }
  return ok;
}
