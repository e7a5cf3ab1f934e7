/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>
#include <lossviz/lv-dataset.h>
#include <lossviz/lv-ensemble.h>
#include <lossviz/lv-mlp.h>
#include <lossviz/lv-session.h>
#include <lossviz/lv-spinglass.h>

G_BEGIN_DECLS

/*
 * Experiment bundles: version 2 of the experiment file, in HDF5 (README "Experiment bundles").
 * Everything the v1 JSON file holds, plus every finished run's float32 parameters in PyTorch's
 * convention (/runs/h<H>/r<R>/layer<l>/weight, out × in row-major, and …/bias), the
 * preprocessing a reader needs to apply them to raw inputs, and optionally a trajectory of
 * parameters every K epochs. Written atomically (temporary file, fsync, rename), run by run, so
 * writing never holds the file twice in memory. All HDF5 calls of the process go through one
 * lock (the serial HDF5 library is not thread-safe); it is recursive, so a fetch function may
 * read other bundles.
 *
 * Without HDF5 at build time (meson option hdf5=disabled, or libhdf5-dev missing) every
 * function fails with an LV_ERROR_INVALID_INPUT error saying so; lv_bundle_is_available()
 * tells beforehand.
 */

#define LV_BUNDLE_VERSION 2

/* FALSE when LossViz was built without HDF5. */
gboolean lv_bundle_is_available (void);
/* TRUE when @path names a bundle (ends in .h5 or .hdf5, any case). */
gboolean lv_bundle_path_is_bundle (const char *path);

/**
 * LvBundlePrep:
 * @downsample: images were area-averaged to this side (0: not).
 * @standardize: whether @mean and @scale were applied: x' = (x − mean) · scale.
 * @n_inputs: length of @mean and @scale.
 * @mean, @scale: (nullable): per input, after downsampling; NULL without standardisation.
 * @n_train, @n_test: lengths of the index arrays.
 * @train_indices, @test_indices: (nullable): for each sample of the split, its index among
 *   the loaded samples (the file's training part first, then its own test part); NULL means
 *   the identity (the file's own split, in file order).
 *
 * What a reader needs to apply stored weights to raw inputs.
 */
typedef struct {
  guint    downsample;
  gboolean standardize;
  guint    n_inputs;
  double  *mean;
  double  *scale;
  guint    n_train;
  guint    n_test;
  guint32 *train_indices;
  guint32 *test_indices;
} LvBundlePrep;

/* Copies the preprocessing recorded on a loaded dataset (LvDataset's prep fields). */
void lv_bundle_prep_from_dataset (LvBundlePrep *prep, const LvDataset *dataset,
                                  const LvDatasetOptions *options);
void lv_bundle_prep_clear (LvBundlePrep *prep);

/**
 * LvBundleRunParams:
 * @params: (nullable): the run's final parameters (lv_mlp_n_params of the run's shape), in
 *   LossViz's flat layout, which is PyTorch's layer-by-layer weight then bias; NULL when the
 *   run has none (not finished, or diverged).
 * @n_trajectory: snapshots in @trajectory.
 * @trajectory_epochs: (array length=n_trajectory): after which epoch each was taken (1-based).
 * @trajectory: n_trajectory × n_params floats.
 */
typedef struct {
  float *params;
  guint  n_trajectory;
  guint *trajectory_epochs;
  float *trajectory;
} LvBundleRunParams;

void lv_bundle_run_params_clear (LvBundleRunParams *run);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (LvBundleRunParams, lv_bundle_run_params_clear)

/**
 * LvBundleFetchFunc:
 * @index: a run, in the session's order (size index, then run).
 * @out: (out caller-allocates): pointers that must stay valid until the next call or the end
 *   of the write; the callee owns them (the writer never frees them).
 * @user_data: the writer's user data.
 *
 * Hands the writer the parameters of one run; it is called once per run, in order, so a
 * caller can copy each run's parameters into one scratch buffer (streaming).
 */
typedef void (*LvBundleFetchFunc) (guint index, LvBundleRunParams *out, gpointer user_data);

/**
 * LvBundleWriteOptions:
 * @save_trajectory: the K of --save-trajectory (0: none), recorded in the file.
 * @deflate: gzip level 0..9 of the parameter datasets (0: none, the default).
 */
typedef struct {
  guint save_trajectory;
  guint deflate;
} LvBundleWriteOptions;

/**
 * lv_bundle_write:
 * @path: destination (replaced atomically: readers see the old file or the new one).
 * @session: dataset, configuration and every run's record.
 * @prep: the preprocessing.
 * @options: (nullable): trajectory interval and compression.
 * @fetch: (nullable): parameters of each run; NULL writes no parameters.
 * @user_data: for @fetch.
 * @error: return location for an LV_ERROR_IO error (or LV_ERROR_INVALID_INPUT without HDF5).
 *
 * The one writer behind checkpoints: any loop that holds a set of runs (a CLI ensemble, a
 * rank that collects results from others) calls it with a @fetch over that set.
 *
 * Returns: %TRUE on success; on failure the old file at @path is untouched.
 */
gboolean lv_bundle_write (const char *path, const LvSession *session, const LvBundlePrep *prep,
                          const LvBundleWriteOptions *options, LvBundleFetchFunc fetch,
                          gpointer user_data, GError **error);

/**
 * LvBundle:
 * @session: the v1 content (the snapshot holds every run's record, in config order).
 * @prep: the preprocessing.
 * @save_trajectory: K of --save-trajectory, 0 when none was saved.
 * @checkpoint_unix: when the file was written (seconds since 1970).
 * @runs: (array length=session->snapshot->n_runs): each run's parameters (all NULL when
 *   loaded without parameters).
 *
 * A bundle read back.
 */
typedef struct {
  LvSession         *session;
  LvBundlePrep       prep;
  guint              save_trajectory;
  gint64             checkpoint_unix;
  LvBundleRunParams *runs;
} LvBundle;

typedef enum {
  LV_BUNDLE_LOAD_RECORDS = 0,        /* configuration and curves only */
  LV_BUNDLE_LOAD_PARAMS = 1 << 0,    /* final parameters too */
  LV_BUNDLE_LOAD_TRAJECTORY = 1 << 1 /* trajectories too */
} LvBundleLoadFlags;

/* Every dataset and attribute is checked; any problem is one LV_ERROR_INVALID_INPUT error
 * naming the file and what is wrong (LV_ERROR_IO when the file cannot be read at all). */
LvBundle *lv_bundle_load (const char *path, LvBundleLoadFlags flags, GError **error);
/* The same from bytes in memory (fuzzing, tests). */
LvBundle *lv_bundle_load_from_memory (const void *data, gsize size, LvBundleLoadFlags flags,
                                      GError **error);
void      lv_bundle_free (LvBundle *bundle);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (LvBundle, lv_bundle_free)

/* The shape of the networks of hidden width @hidden in @session. */
gboolean lv_bundle_session_shape (const LvSession *session, guint hidden, LvMlpShape *shape,
                                  GError **error);
/* Index of run @run of width @hidden in session order, or -1 (with an error naming what the
 * bundle holds). */
gint     lv_bundle_find_run (const LvSession *session, guint hidden, guint run,
                             GError **error);
/* Reads the parameters (and trajectory, when stored and @trajectory is non-NULL) of run
 * @index of a bundle loaded without them, from the file at @path (one run only in memory). */
gboolean lv_bundle_load_run (const char *path, const LvSession *session, guint index,
                             LvBundleRunParams *run, gboolean trajectory, GError **error);
/* Writes @bundle (for example after loading, to another path). */
gboolean lv_bundle_save (const LvBundle *bundle, const char *path, guint deflate,
                         GError **error);

/**
 * lv_bundle_load_model:
 * @path: an HDF5 file in the minimal external layout: groups layer0 … layer<L−1>, each with
 *   a float dataset `weight` (out × in) and optionally `bias` (out), and a root string
 *   attribute `activation` (relu, tanh, logistic or linear).
 * @loss: the loss to attach to the network.
 * @shape: (out): the network's shape.
 * @params: (out) (transfer full): its parameters in LossViz's flat layout.
 * @error: return location for an LV_ERROR_INVALID_INPUT error naming what does not fit
 *   (layer shapes that do not chain, missing datasets, mixed biases, too many layers).
 *
 * Returns: %TRUE on success.
 */
gboolean lv_bundle_load_model (const char *path, LvLoss loss, LvMlpShape *shape, float **params,
                               GError **error);

/* ---- Spin-glass bundles: `spinglass simulate --out FILE.h5` ----------------------------- */

#define LV_SPIN_GLASS_BUNDLE_FORMAT "lossviz-spinglass"
#define LV_SPIN_GLASS_BUNDLE_VERSION 1
#define LV_SPIN_GLASS_BUNDLE_MAX_SIZES 32

/**
 * LvSpinGlassBundle:
 * @config: the simulation settings shared by every size (@config.lambda unused; @config.eta
 *   0 means the default step of each p).
 * @n_sizes, @lambdas: the sizes Λ, simulated in this order.
 * @results: (array length=n_sizes × config.runs): each start's endpoint, size-major.
 * @done: (array length=n_sizes × config.runs): whether that start has finished.
 * @complete: (array length=n_sizes): whether the size has finished whole (a resumed
 *   simulation recomputes an incomplete size whole, so its results equal an uninterrupted
 *   run's; complete sizes are kept).
 * @wall_seconds: (array length=n_sizes): each size's wall time.
 */
typedef struct {
  LvSpinGlassConfig config;
  guint             n_sizes;
  guint             lambdas[LV_SPIN_GLASS_BUNDLE_MAX_SIZES];
  LvSpinGlassRun   *results;
  gboolean         *done;
  gboolean         *complete;
  double           *wall_seconds;
} LvSpinGlassBundle;

/* A bundle for @n_sizes sizes of @config->runs starts, nothing done yet. */
LvSpinGlassBundle *lv_spin_glass_bundle_new (const LvSpinGlassConfig *config,
                                             const guint *lambdas, guint n_sizes);
void               lv_spin_glass_bundle_free (LvSpinGlassBundle *bundle);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (LvSpinGlassBundle, lv_spin_glass_bundle_free)
/* Atomic, like lv_bundle_write(). */
gboolean           lv_spin_glass_bundle_write (const char *path, const LvSpinGlassBundle *bundle,
                                               GError **error);
LvSpinGlassBundle *lv_spin_glass_bundle_load (const char *path, GError **error);

G_END_DECLS
