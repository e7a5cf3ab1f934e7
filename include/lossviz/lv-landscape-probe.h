/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <lossviz/lv-dataset.h>
#include <lossviz/lv-hessian-probe.h>
#include <lossviz/lv-mlp.h>
#include <lossviz/lv-probe.h>
#include <lossviz/lv-slice.h>
#include <lossviz/lv-trajectory.h>
#include <lossviz/lv-worker-pool.h>

G_BEGIN_DECLS

/*
 * The landscape probe: everything the Landscape page and `lossviz-cli slice` show about one
 * trained network — two directions (filter-normalised, PCA of its trajectory, or the plane
 * through two other minima), the loss on the plane through it, refined coarse to fine on the
 * worker pool, its own train/test loss, the straight line towards a partner network and the
 * Hessian summary at it. Stages run in that order; each publishes when done.
 */

typedef enum {
  LV_LANDSCAPE_STAGE_DIRECTIONS,
  LV_LANDSCAPE_STAGE_SLICE,
  LV_LANDSCAPE_STAGE_INTERPOLATION,
  LV_LANDSCAPE_STAGE_HESSIAN,
  LV_LANDSCAPE_STAGE_DONE,
  LV_LANDSCAPE_STAGE_FAILED,
} LvLandscapeStage;

/**
 * LvLandscapeGridFunc:
 *
 * Computes the slice's grid instead of lv_slice_grid_compute() (same arguments; the CLI's
 * MPI split of the rows). Progress is not reported through it.
 */
typedef LvSliceGrid *(*LvLandscapeGridFunc) (const LvMlpShape *shape, const float *center,
                                             const float *d1, const float *d2,
                                             const LvDataset *dataset,
                                             const LvSliceConfig *config, LvWorkerPool *pool,
                                             GError **error);

/**
 * LvLandscapeInput:
 * @shape: the network
 * @dataset: its data (borrowed)
 * @center: its parameters θ (n_params floats, borrowed)
 * @partner: (nullable): another network of the same shape: the 1-D interpolation goes
 *   θ → partner; with INTERPOLATE directions the plane's first other minimum
 * @partner2: (nullable): the plane's second other minimum (INTERPOLATE; required then)
 * @kind: the directions
 * @direction_seed: FILTER: the seed of the two draws (independent of the run and its size)
 * @keep_bias: FILTER: perturb biases too
 * @trajectory: (nullable): PCA: n_trajectory × n_params checkpoints (e.g. a bundle's saved
 *   trajectory); when %NULL the probe retrains @retrain recording every epoch
 * @n_trajectory: rows of @trajectory
 * @train: PCA without @trajectory: the run's training configuration, to train it again with
 *   @run_seed (and @order_seed when @shared_order), exactly as its ensemble did
 * @run_seed: the run's seed (also seeds the Hessian's Lanczos start, lv_hessian_probe_seed())
 * @shared_order: the ensemble drew one minibatch order per size
 * @order_seed: that order's seed
 * @slice: grid side, span, evaluator, whether to evaluate the test split
 * @grid_func: (nullable): replaces lv_slice_grid_compute() (MPI)
 * @n_interp: points of the interpolation, t ∈ [−0.25, 1.25] (0: none; needs @partner)
 * @hessian: compute the Hessian summary (full spectrum up to
 *   %LV_LANDSCAPE_FULL_SPECTRUM_MAX_PARAMS parameters, else Lanczos extremes)
 * @pool: (nullable): the worker pool
 */
typedef struct
{
  LvMlpShape shape;
  const LvDataset *dataset;
  const float *center;
  const float *partner;
  const float *partner2;
  LvSliceDirections kind;
  guint64 direction_seed;
  gboolean keep_bias;
  const float *trajectory;
  guint n_trajectory;
  LvTrainConfig train;
  guint64 run_seed;
  gboolean shared_order;
  guint64 order_seed;
  LvSliceConfig slice;
  LvLandscapeGridFunc grid_func;
  guint n_interp;
  gboolean hessian;
  LvWorkerPool *pool;
} LvLandscapeInput;

/* Above this many parameters the summary uses Lanczos: forming and diagonalising the full
 * matrix costs n HVPs plus O(n³) (about 5 s at 1000 parameters on a laptop core). */
#define LV_LANDSCAPE_FULL_SPECTRUM_MAX_PARAMS 600

/**
 * LvLandscapeResult:
 * @stage: the stage running (DONE at the end, FAILED after an error)
 * @n_params: parameters of the network
 * @d1: (nullable): the first direction, once chosen (n_params floats)
 * @d2: (nullable): the second
 * @grid: (nullable): the slice so far (coarse levels first)
 * @level: refinement levels finished
 * @n_levels: levels in all
 * @path_x: PCA: the trajectory projected on the plane (double array)
 * @path_y: likewise
 * @explained: PCA: the variance fraction of each direction
 * @center_train: the network's own mean train loss (lv_landscape_split_loss()), NAN before
 * @center_test: its mean test loss (NAN without a test split)
 * @interp_t: (array length=n_interp): 0 = the network, 1 = the partner
 * @interp_train: (array length=n_interp)
 * @interp_test: (array length=n_interp): NAN without a test split
 * @n_interp: points, 0 until computed
 * @spectrum: (nullable): the Hessian summary
 *
 * Caller-allocated (lv_landscape_result_init()), filled stage by stage under the context's lock.
 */
typedef struct
{
  LvLandscapeStage stage;
  gsize n_params;
  float *d1, *d2;
  LvSliceGrid *grid;
  guint level, n_levels;
  GArray *path_x, *path_y;
  double explained[2];
  double center_train, center_test;
  double *interp_t, *interp_train, *interp_test;
  guint n_interp;
  LvHessianSpectrum *spectrum;
} LvLandscapeResult;

void     lv_landscape_input_init    (LvLandscapeInput        *input);
gboolean lv_landscape_input_check   (const LvLandscapeInput  *input,
                                     GError                 **error);
void     lv_landscape_result_init   (LvLandscapeResult       *result);
void     lv_landscape_result_clear  (LvLandscapeResult       *result);
gboolean lv_landscape_probe_run     (const LvLandscapeInput  *input,
                                     LvLandscapeResult       *result,
                                     LvProbeContext          *context,
                                     GError                 **error);

/* lv-landscape-directions.c: the probe's first stage, on its own. */
gboolean lv_landscape_directions    (const LvLandscapeInput  *input,
                                     LvLandscapeResult       *result,
                                     LvProbeContext          *context,
                                     GError                 **error);

void     lv_landscape_grid_extremes (const LvSliceGrid       *grid,
                                     gssize                  *argmin,
                                     double                  *max);
double   lv_landscape_split_loss    (const LvMlpShape        *shape,
                                     const float             *params,
                                     const LvDataset         *dataset,
                                     gboolean                 test);

G_END_DECLS
