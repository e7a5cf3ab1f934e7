/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Experiment bundles (issue 13): round trip, resume at the ensemble level, atomic writes, and
 * every kind of bad file giving one clear error. */
#include "config.h"

#include <glib/gstdio.h>
#include <math.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>

#include <lossviz/lossviz.h>
#ifdef HAVE_HDF5
#include <hdf5.h>
#endif

#include "lv-test-data.h"
#include "lv-test-util.h"

static void
config_small (LvEnsembleConfig *config, gboolean shared_order)
{
  lv_ensemble_config_init (config);
  config->sizes[0] = 3;
  config->sizes[1] = 8;
  config->n_sizes = 2;
  config->runs = 5;
  config->train.epochs = 4;
  config->shared_order = shared_order;
  config->fuse_block = shared_order ? 2 : 0;
  config->save_trajectory = shared_order ? 0 : 2;
}

static LvEnsemble *
train (LvDataset *ds, const LvEnsembleConfig *config)
{
  g_autoptr(LvWorkerPool) pool = lv_worker_pool_new (2);
  LvEnsemble *e = lv_ensemble_new (ds, config, NULL);

  lv_ensemble_start (e, pool);
  lv_ensemble_wait (e);
  return e;
}

typedef struct
{
  LvEnsemble *e;
  LvBundleRunParams current;
} Fetch;

static void
fetch (guint index, LvBundleRunParams *out, gpointer user_data)
{
  Fetch *f = user_data;
  LvMlpShape shape;

  lv_bundle_run_params_clear (&f->current);
  if (lv_ensemble_copy_params (f->e, index, &shape, &f->current.params))
    lv_ensemble_copy_trajectory (f->e, index, &f->current.n_trajectory,
                                 &f->current.trajectory_epochs, &f->current.trajectory);
  *out = f->current;
}

static void
write_ensemble (LvEnsemble *e, LvDataset *ds, const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LvSession) s = NULL;
  LvDatasetOptions dopts;
  LvBundlePrep prep;
  LvBundleWriteOptions opts = { lv_ensemble_get_config (e)->save_trajectory, 1 };
  Fetch f = { e, { 0 } };

  lv_dataset_options_init (&dopts);
  s = lv_session_new ("blobs", &dopts, ds, lv_ensemble_get_config (e), lv_ensemble_snapshot (e),
                      2, 0.5);
  lv_bundle_prep_from_dataset (&prep, ds, &dopts);
  g_assert_true (lv_bundle_write (path, s, &prep, &opts, fetch, &f, &error));
  g_assert_no_error (error);
  lv_bundle_run_params_clear (&f.current);
  lv_bundle_prep_clear (&prep);
}

static void
assert_bundle_equals_ensemble (const LvBundle *b, LvEnsemble *e)
{
  g_autoptr(LvEnsembleSnapshot) snap = lv_ensemble_snapshot (e);

  g_assert_cmpuint (b->session->snapshot->n_runs, ==, snap->n_runs);
  for (guint i = 0; i < snap->n_runs; i++)
    {
      const LvRunRecord *x = &snap->runs[i], *y = &b->session->snapshot->runs[i];
      g_autofree float *params = NULL;
      g_autofree guint *epochs = NULL;
      g_autofree float *traj = NULL;
      LvMlpShape shape;
      guint n = 0;
      gsize bytes;

      g_assert_cmpuint (x->seed, ==, y->seed);
      g_assert_cmpuint (x->state, ==, y->state);
      g_assert_cmpuint (x->epochs_done, ==, y->epochs_done);
      g_assert_cmpmem (x->test_loss, x->epochs_done * 8, y->test_loss, y->epochs_done * 8);
      g_assert_cmpmem (x->train_loss, x->epochs_done * 8, y->train_loss, y->epochs_done * 8);
      g_assert_cmpmem (x->test_accuracy, x->epochs_done * 8, y->test_accuracy,
                       y->epochs_done * 8);
      g_assert_true (lv_ensemble_copy_params (e, i, &shape, &params));
      bytes = lv_mlp_n_params (&shape) * sizeof (float);
      g_assert_nonnull (b->runs[i].params);
      g_assert_cmpmem (params, bytes, b->runs[i].params, bytes);
      if (lv_ensemble_copy_trajectory (e, i, &n, &epochs, &traj))
        {
          g_assert_cmpuint (b->runs[i].n_trajectory, ==, n);
          g_assert_cmpmem (epochs, n * sizeof (guint), b->runs[i].trajectory_epochs,
                           n * sizeof (guint));
          g_assert_cmpmem (traj, n * bytes, b->runs[i].trajectory, n * bytes);
        }
      else
        g_assert_cmpuint (b->runs[i].n_trajectory, ==, 0);
    }
}

/* Write, read: configuration, curves, parameters and trajectories come back bit for bit; the
 * trajectory's last snapshot is the final parameters (epochs 2 and 4 of 4). */
static void
test_round_trip (void)
{
  g_autoptr(LvDataset) ds = lv_test_blobs (200, 60, 4, 1.0, 3);
  g_autofree char *dir = lv_test_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "exp.h5", NULL);
  g_autofree char *copy = g_build_filename (dir, "copy.h5", NULL);
  g_autoptr(LvEnsemble) e = NULL;
  g_autoptr(LvBundle) b = NULL;
  g_autoptr(LvBundle) c = NULL;
  g_autoptr(GError) error = NULL;
  LvEnsembleConfig config;
  LvMlpShape shape;

  config_small (&config, FALSE);
  e = train (ds, &config);
  write_ensemble (e, ds, path);
  b = lv_bundle_load (path, LV_BUNDLE_LOAD_PARAMS | LV_BUNDLE_LOAD_TRAJECTORY, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (b->session->dataset_spec, ==, "blobs");
  g_assert_cmpuint (b->session->config.sizes[1], ==, 8);
  g_assert_cmpuint (b->session->config.runs, ==, 5);
  g_assert_cmpuint (b->save_trajectory, ==, 2);
  g_assert_cmpfloat (b->session->elapsed_s, ==, 0.5);
  assert_bundle_equals_ensemble (b, e);
  g_assert_cmpuint (b->runs[7].n_trajectory, ==, 2);
  g_assert_cmpuint (b->runs[7].trajectory_epochs[1], ==, 4);
  g_assert_true (lv_bundle_session_shape (b->session, 8, &shape, NULL));
  g_assert_cmpmem (b->runs[7].trajectory + lv_mlp_n_params (&shape),
                   lv_mlp_n_params (&shape) * 4, b->runs[7].params, lv_mlp_n_params (&shape) * 4);
  /* Save of the loaded bundle, read again: the same. */
  g_assert_true (lv_bundle_save (b, copy, 0, &error));
  c = lv_bundle_load (copy, LV_BUNDLE_LOAD_PARAMS | LV_BUNDLE_LOAD_TRAJECTORY, &error);
  g_assert_no_error (error);
  assert_bundle_equals_ensemble (c, e);
  g_assert_cmpint (lv_bundle_find_run (c->session, 8, 4, NULL), ==, 9);
  g_assert_cmpint (lv_bundle_find_run (c->session, 8, 5, &error), ==, -1);
  g_assert_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT);
}

/* Half the runs restored from a bundle, the rest trained: every run equals an uninterrupted
 * ensemble's, bit for bit; in shared-order mode a block with a missing run is retrained. */
static void
check_resume (gboolean shared_order)
{
  g_autoptr(LvDataset) ds = lv_test_blobs (200, 60, 4, 1.0, 3);
  g_autofree char *dir = lv_test_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "full.h5", NULL);
  g_autoptr(LvEnsemble) full = NULL;
  g_autoptr(LvEnsemble) resumed = NULL;
  g_autoptr(LvBundle) b = NULL;
  g_autoptr(LvWorkerPool) pool = lv_worker_pool_new (2);
  LvEnsembleConfig config;
  guint kept[] = { 0, 1, 3, 6, 9 };

  config_small (&config, shared_order);
  full = train (ds, &config);
  write_ensemble (full, ds, path);
  b = lv_bundle_load (path, LV_BUNDLE_LOAD_PARAMS | LV_BUNDLE_LOAD_TRAJECTORY, NULL);
  g_assert_nonnull (b);
  resumed = lv_ensemble_new (ds, &config, NULL);
  for (guint k = 0; k < G_N_ELEMENTS (kept); k++)
    {
      LvBundleRunParams *p = &b->runs[kept[k]];
      lv_ensemble_restore_run (resumed, kept[k], &b->session->snapshot->runs[kept[k]],
                               g_steal_pointer (&p->params), p->n_trajectory,
                               g_steal_pointer (&p->trajectory_epochs),
                               g_steal_pointer (&p->trajectory));
      p->n_trajectory = 0;
    }
  lv_ensemble_start (resumed, pool);
  lv_ensemble_wait (resumed);
  g_clear_pointer (&b, lv_bundle_free);
  write_ensemble (resumed, ds, path);
  b = lv_bundle_load (path, LV_BUNDLE_LOAD_PARAMS | LV_BUNDLE_LOAD_TRAJECTORY, NULL);
  assert_bundle_equals_ensemble (b, full);
}

static void
test_resume (void)
{
  check_resume (FALSE);
}

static void
test_resume_shared_order (void)
{
  check_resume (TRUE);
}

/* A write that fails half-way (file size limit) leaves the old bundle whole and no temporary
 * file behind. */
static void
test_failed_write_keeps_old_file (void)
{
  g_autoptr(LvDataset) ds = lv_test_blobs (200, 60, 4, 1.0, 3);
  g_autofree char *dir = lv_test_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "exp.h5", NULL);
  g_autofree char *before = NULL, *after = NULL;
  g_autoptr(LvEnsemble) e = NULL;
  g_autoptr(GDir) listing = NULL;
  gsize n_before, n_after;
  guint entries = 0;
  LvEnsembleConfig config;

  config_small (&config, FALSE);
  config.sizes[1] = 300; /* a bundle well above the limit below */
  e = train (ds, &config);
  g_setenv ("LV_TEST_BUNDLE_PATH", path, TRUE);
  write_ensemble (e, ds, path);
  g_assert_true (g_file_get_contents (path, &before, &n_before, NULL));
  g_assert_cmpuint (n_before, >, 64 * 1024);
  g_test_trap_subprocess ("/lossviz/bundle/failed-write/subprocess", 0,
                          G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_assert_true (g_file_get_contents (path, &after, &n_after, NULL));
  g_assert_cmpmem (before, n_before, after, n_after);
  listing = g_dir_open (dir, 0, NULL);
  while (g_dir_read_name (listing) != NULL)
    entries++;
  g_assert_cmpuint (entries, ==, 1);
}

static void
test_failed_write_subprocess (void)
{
  g_autoptr(LvDataset) ds = lv_test_blobs (200, 60, 4, 1.0, 3);
  g_autoptr(LvEnsemble) e = NULL;
  g_autoptr(LvSession) s = NULL;
  g_autoptr(GError) error = NULL;
  struct rlimit limit = { 32 * 1024, 32 * 1024 };
  LvEnsembleConfig config;
  LvDatasetOptions dopts;
  LvBundlePrep prep;
  Fetch f;

  config_small (&config, FALSE);
  config.sizes[1] = 300;
  e = train (ds, &config);
  f = (Fetch) { e, { 0 } };
  lv_dataset_options_init (&dopts);
  s = lv_session_new ("blobs", &dopts, ds, &config, lv_ensemble_snapshot (e), 2, 0.5);
  lv_bundle_prep_from_dataset (&prep, ds, &dopts);
  signal (SIGXFSZ, SIG_IGN);
  g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &limit), ==, 0);
  g_assert_false (lv_bundle_write (g_getenv ("LV_TEST_BUNDLE_PATH"), s, &prep, NULL, fetch, &f,
                                   &error));
  g_assert_error (error, LV_ERROR, LV_ERROR_FAILED);
  lv_bundle_run_params_clear (&f.current);
  lv_bundle_prep_clear (&prep);
}

#ifdef HAVE_HDF5
static void
set_int_attr (hid_t obj, const char *name, gint64 v)
{
  hid_t space = H5Screate (H5S_SCALAR);
  hid_t attr;

  H5Adelete (obj, name);
  attr = H5Acreate2 (obj, name, H5T_STD_I64LE, space, H5P_DEFAULT, H5P_DEFAULT);
  H5Awrite (attr, H5T_NATIVE_INT64, &v);
  H5Aclose (attr);
  H5Sclose (space);
}

static void
set_string_attr (hid_t obj, const char *name, const char *v)
{
  hid_t space = H5Screate (H5S_SCALAR);
  hid_t type = H5Tcopy (H5T_C_S1);
  hid_t attr;

  H5Tset_size (type, H5T_VARIABLE);
  H5Adelete (obj, name);
  attr = H5Acreate2 (obj, name, type, space, H5P_DEFAULT, H5P_DEFAULT);
  H5Awrite (attr, type, &v);
  H5Aclose (attr);
  H5Tclose (type);
  H5Sclose (space);
}

static void
replace_dataset (hid_t file, const char *path, hsize_t rows, hsize_t cols)
{
  hsize_t dims[2] = { rows, cols };
  hid_t space = H5Screate_simple (cols ? 2 : 1, dims, NULL);
  hid_t set;
  g_autofree double *zeros = g_new0 (double, rows * MAX (cols, 1));

  H5Ldelete (file, path, H5P_DEFAULT);
  set = H5Dcreate2 (file, path, H5T_IEEE_F64LE, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  H5Dwrite (set, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, zeros);
  H5Dclose (set);
  H5Sclose (space);
}

/* Applies edit @kind to the bundle at @path with the HDF5 library itself. */
static void
edit_bundle (const char *path, guint kind)
{
  hid_t file = H5Fopen (path, H5F_ACC_RDWR, H5P_DEFAULT);
  hid_t obj;

  g_assert_cmpint (file, >=, 0);
  switch (kind)
    {
    case 0: set_int_attr (file, "version", 3); break;
    case 1: set_string_attr (file, "format", "something-else"); break;
    case 2: H5Ldelete (file, "runs/h8/r2/layer0/weight", H5P_DEFAULT); break;
    case 3: replace_dataset (file, "runs/h8/r2/layer0/weight", 2, 2); break;
    case 4:
      obj = H5Gopen2 (file, "config", H5P_DEFAULT);
      H5Adelete (obj, "lr");
      H5Gclose (obj);
      break;
    case 5:
      obj = H5Gopen2 (file, "runs/h3/r1", H5P_DEFAULT);
      set_string_attr (obj, "state", "dancing");
      H5Gclose (obj);
      break;
    case 6: replace_dataset (file, "runs/h3/r0/test_loss", 3, 0); break;
    case 7: H5Ldelete (file, "runs/h8", H5P_DEFAULT); break;
    case 8: replace_dataset (file, "preprocessing/train_indices", 200, 0); break;
    default: g_assert_not_reached ();
    }
  H5Fclose (file);
}
#endif

/* Every kind of bad bundle: one LV_ERROR_INVALID_INPUT error naming what is wrong; the CLI
 * turns it into one "lossviz-cli: error:" line and exit 2. */
static void
test_bad_bundles (void)
{
#ifdef HAVE_HDF5
  static const char *const needles[] = {
    "version 3", "format", "layer0: 'weight' is missing", "wrong shape", "'lr' is missing",
    "'state' is not pending", "test_loss' has the wrong shape", "'h8' is missing", "'train_indices' is not readable",
  };
  g_autoptr(LvDataset) ds = lv_test_blobs (200, 60, 4, 1.0, 3);
  g_autofree char *dir = lv_test_tmpdir ();
  g_autofree char *good = g_build_filename (dir, "good.h5", NULL);
  g_autofree char *bad = g_build_filename (dir, "bad.h5", NULL);
  g_autofree char *bytes = NULL;
  g_autoptr(LvEnsemble) e = NULL;
  LvEnsembleConfig config;
  gsize n;

  config_small (&config, FALSE);
  e = train (ds, &config);
  write_ensemble (e, ds, good);
  g_assert_true (g_file_get_contents (good, &bytes, &n, NULL));
  for (guint kind = 0; kind < G_N_ELEMENTS (needles); kind++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(LvBundle) b = NULL;

      g_assert_true (g_file_set_contents (bad, bytes, n, NULL));
      edit_bundle (bad, kind);
      b = lv_bundle_load (bad, LV_BUNDLE_LOAD_PARAMS, &error);
      g_assert_null (b);
      g_assert_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT);
      if (strstr (error->message, needles[kind]) == NULL)
        g_error ("edit %u: '%s' does not mention '%s'", kind, error->message, needles[kind]);
      g_assert_true (g_str_has_prefix (error->message, bad));
    }
  /* Truncated at several points, and not HDF5 at all. */
  for (guint cut = 1; cut < 8; cut++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(LvBundle) b = NULL;

      g_assert_true (g_file_set_contents (bad, bytes, n * cut / 8, NULL));
      b = lv_bundle_load (bad, LV_BUNDLE_LOAD_PARAMS, &error);
      g_assert_null (b);
      g_assert_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT);
    }
  {
    g_auto(LvCliResult) r = { 0 };
    g_autoptr(GError) error = NULL;
    g_autoptr(LvBundle) b = NULL;

    g_assert_true (g_file_set_contents (bad, "{\"format\": \"lossviz-experiment\"}", -1, NULL));
    b = lv_bundle_load (bad, 0, &error);
    g_assert_error (error, LV_ERROR, LV_ERROR_INVALID_INPUT);
    g_assert_nonnull (strstr (error->message, "not a readable HDF5 file"));
    lv_test_run_cli (&r, "ensemble", "--resume", bad, NULL);
    lv_test_assert_bad_input (&r, "not a readable HDF5 file");
  }
  {
    g_auto(LvCliResult) r = { 0 };
    g_assert_true (g_file_set_contents (bad, bytes, n, NULL));
    edit_bundle (bad, 3);
    lv_test_run_cli (&r, "ensemble", "--resume", bad, NULL);
    lv_test_assert_bad_input (&r, "wrong shape");
  }
#else
  g_test_skip ("built without HDF5");
#endif
}

/* --resume refuses options that would change the stored configuration, and the bundle
 * options need an .h5 output. */
static void
test_cli_option_errors (void)
{
  g_auto(LvCliResult) a = { 0 };
  g_auto(LvCliResult) b = { 0 };
  g_auto(LvCliResult) c = { 0 };

  lv_test_run_cli (&a, "ensemble", "--resume", "x.h5", "--runs", "5", NULL);
  lv_test_assert_bad_input (&a, "--runs would change it");
  lv_test_run_cli (&b, "ensemble", "--resume=x.h5", "--lr=0.1", NULL);
  lv_test_assert_bad_input (&b, "--lr would change it");
  lv_test_run_cli (&c, "ensemble", "--out", "x.json", "--checkpoint", "5", NULL);
  lv_test_assert_bad_input (&c, "need --out FILE.h5");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  lv_core_init ();
  if (!lv_bundle_is_available ())
    {
      g_test_add_func ("/lossviz/bundle/cli-option-errors", test_cli_option_errors);
      return g_test_run ();
    }
  g_test_add_func ("/lossviz/bundle/round-trip", test_round_trip);
  g_test_add_func ("/lossviz/bundle/resume", test_resume);
  g_test_add_func ("/lossviz/bundle/resume-shared-order", test_resume_shared_order);
  g_test_add_func ("/lossviz/bundle/failed-write", test_failed_write_keeps_old_file);
  g_test_add_func ("/lossviz/bundle/failed-write/subprocess", test_failed_write_subprocess);
  g_test_add_func ("/lossviz/bundle/bad-bundles", test_bad_bundles);
  g_test_add_func ("/lossviz/bundle/cli-option-errors", test_cli_option_errors);
  return g_test_run ();
}
